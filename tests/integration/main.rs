//! The crate's one integration-test binary: every module uses only the public API.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod calendar;
mod fiscal;
mod partner;
mod programs_sales;
mod scenarios;

//! The crate's one integration-test binary: every module uses only the public API.
#![allow(clippy::arithmetic_side_effects)]

mod scenarios;

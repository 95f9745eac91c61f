//! The SQLite store through its public API: crash safety, corruption, a realistic year
//! round trip, and bad input. One test binary (one link step).
#![allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]

mod bad_input;
mod common;
mod corruption;
mod crash;
mod delegated;
mod large_batch;
mod policy;
mod race;
mod round_trip;

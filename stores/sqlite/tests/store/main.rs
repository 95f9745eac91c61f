//! The SQLite store through its public API: crash safety, corruption, a realistic year
//! round trip, and bad input. One test binary (one link step).

mod bad_input;
mod common;
mod corruption;
mod crash;
mod round_trip;

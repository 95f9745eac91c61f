//! Integration tests of the PostgreSQL store. Each test works in a schema of its own in the
//! cluster `SA_POSTGRES_URL` names (`.ci/postgres.sh` starts one), so they run in parallel.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

mod bad_input;
mod broker;
// The scenario the SQLite store's tests run too.
#[path = "../../../sqlite/tests/store/delegated.rs"]
mod delegated;
mod fixture;
mod policy;
mod race;
mod round_trip;
mod store;
mod support;

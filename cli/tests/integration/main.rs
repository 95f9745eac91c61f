//! The command-line program driven as a user of another language would: through its
//! process, JSON lines in and out, on SQLite and (when `SA_POSTGRES_URL` is set) on
//! PostgreSQL.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects
)]

mod authority;
mod cli;
mod postgres;
mod python;
mod support;

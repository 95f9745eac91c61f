//! The crate's one integration-test binary: every module uses only the public API.
#![allow(
    clippy::arithmetic_side_effects,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bad_inputs;
mod broker;
mod calendar;
mod cancellation;
mod collections;
mod credit_reform;
mod csv_import;
mod delegation;
mod eligibility;
mod excess_ledger;
mod fiscal;
mod fuzz;
mod hardening;
#[path = "../fuzzing/harness.rs"]
mod harness;
mod homeland;
mod iati_schema;
mod journal_clocks;
mod ledger_batch;
mod ledger_equality;
mod ledger_model;
mod ledger_precedence;
mod ledger_regressions;
mod main_example;
mod partner;
mod programs_financing;
mod programs_law;
mod programs_notice;
mod programs_sales;
mod programs_training;
mod report;
mod sales_closure;
mod scenarios;
mod schemas;
mod store;
mod store_contention;
mod support;
mod wire;
mod workload;

//! The long-run fuzz driver (stable Rust): seeded command streams, mutated JSON journals
//! and mutated CSV imports, with the invariants of DESIGN.md checked after every accepted
//! command and import (see `tests/fuzzing/harness.rs`, which the integration test `fuzz`
//! also runs, briefly).
//!
//! ```sh
//! nice -n 10 cargo run --release --example fuzz -- \
//!     --commands 100000000 --journals 50000000 --csv 10000000 --seed 1
//! ```
//!
//! Options: `--commands N`, `--journals N`, `--csv N`, `--seed N`, `--stream-len N`
//! (commands a ledger, default 24), `--deep-every N` (replay and JSON round trip after
//! every N-th accepted command of a stream, default 1; always at the end of a stream),
//! `--seconds N` (a time budget: stop after N seconds, even short of the counts, and
//! report the counts reached; default none).
//! Prints a progress line every 30 seconds and, at the end, the counts and every kind of
//! finding with its first example; exits 1 if there was a finding.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used
)]

#[path = "../tests/fuzzing/harness.rs"]
mod harness;

use std::time::{Duration, Instant};

fn main() {
    let mut config = harness::Config {
        seed: 1,
        commands: 1_000_000,
        journals: 500_000,
        csv: 100_000,
        stream_len: 24,
        deep_every: 1,
    };
    let mut seconds_budget: Option<u64> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        let Some(value) = value else {
            eprintln!(
                "usage: fuzz [--commands N] [--journals N] [--csv N] [--seed N] [--stream-len N] [--deep-every N] [--seconds N]"
            );
            std::process::exit(2);
        };
        match args[i].as_str() {
            "--commands" => config.commands = value,
            "--journals" => config.journals = value,
            "--csv" => config.csv = value,
            "--seed" => config.seed = value,
            "--stream-len" => config.stream_len = value as usize,
            "--deep-every" => config.deep_every = value,
            "--seconds" => seconds_budget = Some(value),
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    // Panics are caught and counted as findings; print only their first line.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    println!("fuzz {config:?} seconds budget {seconds_budget:?}");
    let start = Instant::now();
    let mut last = Instant::now();
    let mut reported = std::collections::BTreeSet::new();
    let report = harness::run(&config, &mut |report| {
        // A new kind of finding is printed when first seen, so a run stopped early still
        // shows what it found.
        for (kind, finding) in &report.findings {
            if reported.insert(kind.clone()) {
                let example: String = finding.example.chars().take(4000).collect();
                println!("NEW FINDING: {kind}\n{example}\n");
            }
        }
        if last.elapsed() >= Duration::from_secs(30) {
            last = Instant::now();
            println!(
                "[{:>7.1}s] {}",
                start.elapsed().as_secs_f64(),
                report.summary()
            );
        }
        match seconds_budget {
            Some(budget) if start.elapsed() >= Duration::from_secs(budget) => {
                std::ops::ControlFlow::Break(())
            }
            _ => std::ops::ControlFlow::Continue(()),
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    let complete = report.commands >= config.commands
        && report.journals >= config.journals
        && report.csv >= config.csv;
    let ending = if complete {
        "counts reached"
    } else {
        "time budget spent"
    };
    println!("done in {seconds:.1}s ({ending}): {}", report.summary());
    println!(
        "rates: {:.0} commands/s, {:.0} journals/s, {:.0} csv/s",
        report.commands as f64 / seconds,
        report.journals as f64 / seconds,
        report.csv as f64 / seconds
    );
    println!("refused commands by error: {:?}", report.refusals);
    for (kind, finding) in &report.findings {
        let example: String = finding.example.chars().take(4000).collect();
        println!("FINDING x{}: {kind}\n{example}\n", finding.count);
    }
    if !report.findings.is_empty() {
        std::process::exit(1);
    }
}

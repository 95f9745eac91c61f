//! Durable appends to the PostgreSQL journal, with one writer and with two writers racing
//! for the same sequences (each lost race is a conflict, a re-read of the last sequence and
//! another try, as a service instance would do).
//!
//! Needs a cluster: `.ci/postgres.sh cargo bench -p security-assistance-postgres`. Without
//! `SA_POSTGRES_URL` it says so and measures nothing. Each commit waits for the server's
//! write-ahead log flush, so the figures are those of the disk under the cluster.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use security_assistance::budget::{Action, Command, JournalEntry};
use security_assistance::store::{JournalStore, NewEntry, StoreError};
use security_assistance_postgres::{Config, PostgresStore};

const LEDGER: &str = "bench";

/// A realistic entry (a rescission: account, amount, law) at `sequence`.
fn entry(sequence: u64) -> JournalEntry {
    let day = NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
    JournalEntry {
        sequence,
        command: Command::new(
            format!("c{sequence}").parse().unwrap(),
            day,
            "budget-office".parse().unwrap(),
            Action::Rescind {
                account: "011-2008-1081".parse().unwrap(),
                amount: "10.00".parse().unwrap(),
                law: "P.L. 110-161".into(),
            },
        ),
        decision: None,
    }
}

/// A fresh schema for this run; the tables are dropped at the end.
struct Schema {
    config: Config,
    admin: Config,
    name: String,
}

impl Schema {
    fn new(url: &str) -> Schema {
        let admin: Config = url.parse().unwrap();
        let name = format!("sa_bench_{}", std::process::id());
        let mut client = admin.connect(postgres::NoTls).unwrap();
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
            ))
            .unwrap();
        let mut config = admin.clone();
        config.options(&format!("-c search_path={name}"));
        Schema {
            config,
            admin,
            name,
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = self.admin.connect(postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// Appends `count` entries in batches of `batch`, retrying lost races; returns the conflicts.
fn append(store: &mut PostgresStore, count: u64, batch: u64) -> u64 {
    let mut done = 0;
    let mut conflicts = 0;
    while done < count {
        let last = store.last_sequence().unwrap();
        let first = last.map_or(0, |s| s + 1);
        let size = batch.min(count - done);
        let entries: Vec<NewEntry> = (first..first + size)
            .map(|s| NewEntry::new(&entry(s)).unwrap())
            .collect();
        match store.append(last, &entries) {
            Ok(()) => done += size,
            Err(StoreError::Conflict { .. }) => conflicts += 1,
            Err(other) => panic!("append failed: {other}"),
        }
    }
    conflicts
}

fn benches(c: &mut Criterion) {
    let Some(url) = std::env::var("SA_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!(
            "postgres append bench: SA_POSTGRES_URL is not set, nothing measured \
             (run `.ci/postgres.sh cargo bench -p security-assistance-postgres`)"
        );
        return;
    };
    let schema = Schema::new(&url);
    let mut group = c.benchmark_group("postgres append");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));

    for batch in [1u64, 100] {
        group.throughput(Throughput::Elements(batch));
        group.bench_function(format!("one writer, batches of {batch}"), |b| {
            let mut store = PostgresStore::open(&schema.config, LEDGER).unwrap();
            b.iter(|| append(&mut store, batch, batch));
        });
    }

    // Two writers: each iteration is one acknowledged single-entry append, whichever writer
    // won it; both writers run until the pair has made `iters` appends.
    group.throughput(Throughput::Elements(1));
    let total_conflicts = AtomicU64::new(0);
    let mut stores = [
        PostgresStore::open(&schema.config, LEDGER).unwrap(),
        PostgresStore::open(&schema.config, LEDGER).unwrap(),
    ];
    group.bench_function("two writers racing, batches of 1", |b| {
        b.iter_custom(|iters| {
            let barrier = Barrier::new(2);
            let start = Instant::now();
            std::thread::scope(|scope| {
                for (store, share) in stores.iter_mut().zip([iters / 2, iters - iters / 2]) {
                    let barrier = &barrier;
                    let conflicts = &total_conflicts;
                    scope.spawn(move || {
                        barrier.wait();
                        let lost = append(store, share, 1);
                        conflicts.fetch_add(lost, Ordering::Relaxed);
                    });
                }
            });
            start.elapsed()
        });
    });
    group.finish();
    eprintln!(
        "two writers: {} lost races (conflicts retried) in all iterations",
        total_conflicts.load(Ordering::Relaxed)
    );
}

criterion_group!(append_benches, benches);
criterion_main!(append_benches);

//! The SQLite store measured (issue 13): durable appends in batches of 1, 100 and 10,000
//! beside raw `rusqlite` inserting the same rows the same way in the same run, and opening
//! a 1,000,000-entry store from its checkpoint and from scratch.
//!
//! `cargo bench -p security-assistance-sqlite` (add a filter such as `append` or `open`).
//! The store lives under Cargo's target temporary directory, on the same disk as the
//! build: every commit is flushed (`synchronous=FULL`), so the figures are those of that
//! disk. Three ways of appending the same batch, each one transaction:
//!
//! - `durable`: [`DurableLedger::apply_all`] — stamp, check the batch against the ledger,
//!   encode, append, apply in memory: what a service pays per command;
//! - `store`: [`SqliteStore`]'s `append` of the batch already encoded: the store alone;
//! - `raw`: `rusqlite` on a file of the same schema: `BEGIN IMMEDIATE`, the last sequence
//!   read, one prepared `INSERT` per row with the same values, `COMMIT`.
//!
//! `check_all` measures what a batch's dry run costs on a ledger of 1,000,000 entries
//! (it checks a batch of more than one command on a copy of the ledger).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rusqlite::{Connection, TransactionBehavior, params};
use security_assistance::ProgramKind;
use security_assistance::budget::{Action, Command, JournalEntry, Ledger};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{DurableLedger, FixedClock, JournalStore, NewEntry};
use security_assistance_sqlite::SqliteStore;

const LEDGER: &str = "bench";
const ACCOUNT: &str = "011-2008/2009-1081";
const LARGE: u64 = 1_000_000;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 1, 2).unwrap()
}

fn dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sqlite-bench");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A fresh file at `name` under the bench directory (any old one and its WAL removed).
fn fresh(name: &str) -> PathBuf {
    let path = dir().join(name);
    for suffix in ["", "-wal", "-shm", ".creating"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(file));
    }
    path
}

fn command(n: u64, action: Action) -> Command {
    Command::new(
        format!("c{n}").parse().unwrap(),
        day(),
        "budget-office".parse().unwrap(),
        action,
    )
}

fn appropriation() -> Command {
    command(
        u64::MAX - 1,
        Action::Appropriate {
            account: ACCOUNT.parse().unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000000000000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
}

/// The `n`th command of a workload: a rescission of one cent (account, amount, law), which
/// the ledger checks against the account's unapportioned authority.
fn rescission(n: u64) -> Command {
    command(
        n,
        Action::Rescind {
            account: ACCOUNT.parse().unwrap(),
            amount: "0.01".parse().unwrap(),
            law: "P.L. 110-252".into(),
        },
    )
}

/// A durable ledger on a new file holding the appropriation (entry 0).
fn durable(name: &str) -> DurableLedger<SqliteStore> {
    let store = SqliteStore::create(fresh(name), LEDGER).unwrap();
    let mut ledger = DurableLedger::open(
        store,
        Arc::new(FixedClock::new(day())),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    ledger.apply(appropriation()).unwrap();
    ledger
}

/// The batch of `size` entries after sequence `last`, encoded as the store receives them.
fn encoded(last: Option<u64>, size: u64) -> Vec<NewEntry> {
    let first = last.map_or(0, |l| l + 1);
    (first..first + size)
        .map(|sequence| {
            NewEntry::new(&JournalEntry {
                sequence,
                command: rescission(sequence),
                decision: None,
            })
            .unwrap()
        })
        .collect()
}

/// Raw rusqlite on a file of the store's schema, configured as the store is.
struct Raw {
    connection: Connection,
    last: Option<u64>,
}

impl Raw {
    fn new(name: &str) -> Raw {
        let path = fresh(name);
        drop(SqliteStore::create(&path, LEDGER).unwrap());
        let connection = Connection::open(&path).unwrap();
        let mode: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        connection
            .pragma_update(None, "synchronous", "FULL")
            .unwrap();
        Raw {
            connection,
            last: None,
        }
    }

    fn insert(&mut self, batch: &[NewEntry]) {
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        let last: Option<i64> = tx
            .query_row("SELECT max(sequence) FROM journal", [], |r| r.get(0))
            .unwrap();
        assert_eq!(last.map(|l| l as u64), self.last);
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO journal (sequence, entry, checksum, id, effective, recorded, \
                     action, account, document, amount, actor) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .unwrap();
            for entry in batch {
                let e = entry.encoded();
                let c = entry.columns();
                insert
                    .execute(params![
                        e.sequence() as i64,
                        e.bytes(),
                        i64::from(e.checksum()),
                        c.id,
                        c.date.to_string(),
                        c.recorded.to_string(),
                        c.action,
                        c.account,
                        c.document,
                        c.amount,
                        c.actor,
                    ])
                    .unwrap();
            }
        }
        tx.commit().unwrap();
        self.last = batch.last().map(|e| e.encoded().sequence());
    }
}

fn append(c: &mut Criterion) {
    for size in [1u64, 100, 10_000] {
        let mut group = c.benchmark_group(format!("append/{size}"));
        group.throughput(Throughput::Elements(size));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if size == 10_000 { 20 } else { 5 }));

        // Each batch is built outside the timed region; only the append is timed.
        let mut ledger = durable(&format!("durable-{size}.sqlite"));
        let mut next = 1u64;
        group.bench_function("durable", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batch: Vec<Command> = (next..next + size).map(rescission).collect();
                    next += size;
                    let started = Instant::now();
                    ledger.apply_all(batch).unwrap();
                    total += started.elapsed();
                }
                total
            });
        });

        let mut store =
            SqliteStore::create(fresh(&format!("store-{size}.sqlite")), LEDGER).unwrap();
        let mut last: Option<u64> = None;
        group.bench_function("store", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batch = encoded(last, size);
                    let started = Instant::now();
                    store.append(last, &batch).unwrap();
                    total += started.elapsed();
                    last = batch.last().map(|e| e.encoded().sequence());
                }
                total
            });
        });

        let mut raw = Raw::new(&format!("raw-{size}.sqlite"));
        group.bench_function("raw", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let batch = encoded(raw.last, size);
                    let started = Instant::now();
                    raw.insert(&batch);
                    total += started.elapsed();
                }
                total
            });
        });
        group.finish();
    }
}

/// The 1,000,000-entry store, built once (through the ledger, in batches of 10,000) with a
/// checkpoint at its last entry, and a copy without the checkpoint.
fn large_store() -> (PathBuf, PathBuf) {
    let with = dir().join("large-checkpoint.sqlite");
    let without = dir().join("large-scratch.sqlite");
    if with.is_file() && without.is_file() {
        return (with, without);
    }
    let started = Instant::now();
    let mut ledger = durable("large-checkpoint.sqlite");
    let mut next = 1u64;
    while next < LARGE {
        let end = (next + 10_000).min(LARGE);
        ledger
            .apply_all((next..end).map(rescission).collect())
            .unwrap();
        next = end;
    }
    ledger.checkpoint().unwrap();
    drop(ledger);
    eprintln!(
        "built a {LARGE}-entry store in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let copy = fresh("large-scratch.sqlite");
    let source = Connection::open(&with).unwrap();
    source
        .execute("VACUUM INTO ?1", params![copy.display().to_string()])
        .unwrap();
    let target = Connection::open(&copy).unwrap();
    target.execute("DELETE FROM checkpoint", []).unwrap();
    (with, without)
}

fn open(c: &mut Criterion) {
    let (with, without) = large_store();
    let mut group = c.benchmark_group(format!("open/{LARGE}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for (name, path) in [("checkpoint", &with), ("scratch", &without)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let store = SqliteStore::open(path, LEDGER).unwrap();
                let ledger = DurableLedger::open(
                    store,
                    Arc::new(FixedClock::new(day())),
                    Arc::new(AllowAll),
                    security_assistance::budget::Policy::Open,
                )
                .unwrap();
                assert_eq!(ledger.ledger().journal().len() as u64, LARGE);
                ledger
            });
        });
    }
    group.finish();

    // A batch's dry run on the large ledger: `check_all` of 100 commands (on a copy of the
    // ledger) beside 100 single `check`s (no copy), on the state after the last entry.
    let store = SqliteStore::open(&with, LEDGER).unwrap();
    let ledger = DurableLedger::open(
        store,
        Arc::new(FixedClock::new(day())),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    let batch: Vec<Command> = (LARGE..LARGE + 100).map(rescission).collect();
    let mut group = c.benchmark_group(format!("check/{LARGE}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(100));
    group.bench_function("check_all_100", |b| {
        b.iter(|| ledger.ledger().check_all(&batch).unwrap());
    });
    group.bench_function("check_100_singly", |b| {
        b.iter(|| {
            for command in &batch {
                ledger.ledger().check(command).unwrap();
            }
        });
    });
    group.bench_function("clone", |b| b.iter(|| ledger.ledger().clone()));
    group.finish();
    let _: &Ledger = ledger.ledger();
}

criterion_group!(benches, append, open);
criterion_main!(benches);

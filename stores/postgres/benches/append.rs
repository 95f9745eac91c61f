//! Durable appends to the PostgreSQL journal (issue 13), with one writer and with two
//! writers racing for the same sequences, in batches of 1, 100 and 10,000, beside raw
//! `postgres` inserts of the same rows into the same schema in the same run.
//!
//! Needs a cluster: `.ci/postgres.sh cargo bench -p security-assistance-postgres` (it
//! starts a throwaway one). Without `SA_POSTGRES_URL` it says so and measures nothing. Each
//! commit waits for the server's write-ahead log flush (`synchronous_commit = on`), so the
//! figures are those of the disk under the cluster. Every function appends to its own new
//! schema; the schemas are dropped at the end.
//!
//! One writer, four ways of appending the same batch, each one transaction:
//!
//! - `durable`: [`DurableLedger::apply_all`] — stamp, check the batch against the ledger,
//!   encode, append, apply in memory: what a service pays per command;
//! - `store`: [`PostgresStore`]'s `append` of the batch already encoded (the last sequence
//!   checked, one `INSERT … SELECT FROM unnest` of the batch's columns): the store alone;
//! - `raw rows`: `postgres` alone: `BEGIN`, the last sequence read, one prepared `INSERT`
//!   per row with the same values, `COMMIT` (the way the SQLite bench's `raw` inserts);
//! - `raw unnest`: `postgres` alone: `BEGIN`, the last sequence read, the store's one
//!   statement with the same arrays, `COMMIT`.
//!
//! Two writers (`two … `): two threads, each with its own connection (and, for `durable`,
//! its own ledger), appending batches to one journal at once; an iteration is one
//! acknowledged batch from each. A lost race is what a
//! service instance does with it: the durable ledger catches up and re-checks (inside
//! `apply_all`); the store and the raw writers re-read the last sequence and try again.
//! The time is the wall time for the pair to make their batches, so the throughput is that
//! of the journal, not of one writer; the lost races are counted (warm-up included).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::print_stderr,
    missing_docs
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postgres::error::SqlState;
use security_assistance::ProgramKind;
use security_assistance::budget::{Action, Command, JournalEntry, Policy};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{
    DurableLedger, FixedClock, JournalStore, NewEntry, ServiceError, StoreError,
};
use security_assistance_postgres::{Config, PostgresStore};

const LEDGER: &str = "bench";
const ACCOUNT: &str = "011-2008/2009-1081";
const SIZES: [u64; 3] = [1, 100, 10_000];

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 1, 2).unwrap()
}

fn command(id: String, action: Action) -> Command {
    Command::new(
        id.parse().unwrap(),
        day(),
        "budget-office".parse().unwrap(),
        action,
    )
}

fn appropriation() -> Command {
    command(
        "appropriation".to_owned(),
        Action::Appropriate {
            account: ACCOUNT.parse().unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000000000000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
}

/// The `n`th command of writer `writer`: a rescission of one cent (account, amount, law),
/// which the ledger checks against the account's unapportioned authority (the SQLite
/// bench's row).
fn rescission(writer: u8, n: u64) -> Command {
    command(
        format!("w{writer}c{n}"),
        Action::Rescind {
            account: ACCOUNT.parse().unwrap(),
            amount: "0.01".parse().unwrap(),
            law: "P.L. 110-252".into(),
        },
    )
}

/// The batch of `size` entries after sequence `last`, encoded as the store receives them.
fn encoded(writer: u8, last: Option<u64>, size: u64) -> Vec<NewEntry> {
    let first = last.map_or(0, |l| l + 1);
    (first..first + size)
        .map(|sequence| {
            NewEntry::new(&JournalEntry {
                sequence,
                command: rescission(writer, sequence),
                decision: None,
            })
            .unwrap()
        })
        .collect()
}

/// New schemas for this run, each holding one store; all dropped at the end.
struct Schemas {
    admin: Config,
    prefix: String,
    made: Vec<String>,
}

impl Schemas {
    fn new(url: &str) -> Schemas {
        Schemas {
            admin: url.parse().unwrap(),
            prefix: format!("sa_bench_{}", std::process::id()),
            made: Vec::new(),
        }
    }

    /// A new empty schema named after `what`, and the configuration that uses it.
    fn fresh(&mut self, what: &str) -> Config {
        let name = format!("{}_{}", self.prefix, self.made.len());
        let mut client = self.admin.connect(postgres::NoTls).unwrap();
        client
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}; \
                 COMMENT ON SCHEMA {name} IS '{what}'"
            ))
            .unwrap();
        self.made.push(name.clone());
        let mut config = self.admin.clone();
        config.options(&format!("-c search_path={name}"));
        config
    }
}

impl Drop for Schemas {
    fn drop(&mut self) {
        if let Ok(mut client) = self.admin.connect(postgres::NoTls) {
            for name in &self.made {
                let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"));
            }
        }
    }
}

/// A durable ledger on `config`'s store; the first one opened records the appropriation.
fn durable(config: &Config) -> DurableLedger<PostgresStore> {
    let store = PostgresStore::open(config, LEDGER).unwrap();
    let mut ledger = DurableLedger::open(
        store,
        Arc::new(FixedClock::new(day())),
        Arc::new(AllowAll),
        Policy::Open,
    )
    .unwrap();
    if ledger.ledger().journal().is_empty() {
        ledger.apply(appropriation()).unwrap();
    }
    ledger
}

/// How a raw writer inserts a batch.
#[derive(Clone, Copy)]
enum RawWay {
    /// One prepared `INSERT` per row.
    Rows,
    /// One `INSERT … SELECT FROM unnest` of the batch's columns (the store's statement).
    Unnest,
}

const INSERT_ROW: &str = "INSERT INTO sa_journal
     (sequence, entry, checksum, id, effective, recorded, action, account, document, amount, actor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::numeric, $11)";

const INSERT_UNNEST: &str = "INSERT INTO sa_journal
     (sequence, entry, checksum, id, effective, recorded, action, account, document, amount, actor)
     SELECT s, e, c, i, ef, r, a, ac, d, am::numeric, ar
     FROM unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::text[], $5::date[], $6::date[],
                 $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
          AS t(s, e, c, i, ef, r, a, ac, d, am, ar)";

/// `postgres` alone on a schema the store created, with the store's durability setting.
struct Raw {
    client: postgres::Client,
    way: RawWay,
}

impl Raw {
    fn new(config: &Config, way: RawWay) -> Raw {
        // The store's tables, made by the store (then its connection is closed).
        drop(PostgresStore::open(config, LEDGER).unwrap());
        let mut client = config.connect(postgres::NoTls).unwrap();
        client.batch_execute("SET synchronous_commit = on").unwrap();
        Raw { client, way }
    }

    fn last(&mut self) -> Option<u64> {
        let last: Option<i64> = self
            .client
            .query_one("SELECT max(sequence) FROM sa_journal", &[])
            .unwrap()
            .get(0);
        last.map(|l| l as u64)
    }

    /// Inserts `batch` after `after` in one transaction: `Ok(false)` if another writer got
    /// there first (the last sequence moved, or the primary key refused the insert).
    fn insert(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<bool, postgres::Error> {
        let way = self.way;
        let mut tx = self.client.transaction()?;
        let last: Option<i64> = tx
            .query_one("SELECT max(sequence) FROM sa_journal", &[])?
            .get(0);
        if last.map(|l| l as u64) != after {
            return Ok(false);
        }
        let inserted = match way {
            RawWay::Rows => {
                let statement = tx.prepare(INSERT_ROW)?;
                let mut result = Ok(0);
                for entry in batch {
                    let e = entry.encoded();
                    let c = entry.columns();
                    result = tx.execute(
                        &statement,
                        &[
                            &(e.sequence() as i64),
                            &e.bytes(),
                            &i64::from(e.checksum()),
                            &c.id,
                            &c.date,
                            &c.recorded,
                            &c.action,
                            &c.account,
                            &c.document,
                            &c.amount,
                            &c.actor,
                        ],
                    );
                    if result.is_err() {
                        break;
                    }
                }
                result
            }
            RawWay::Unnest => {
                let sequence: Vec<i64> = batch
                    .iter()
                    .map(|n| n.encoded().sequence() as i64)
                    .collect();
                let entry: Vec<&[u8]> = batch.iter().map(|n| n.encoded().bytes()).collect();
                let checksum: Vec<i64> = batch
                    .iter()
                    .map(|n| i64::from(n.encoded().checksum()))
                    .collect();
                let id: Vec<&str> = batch.iter().map(|n| n.columns().id.as_str()).collect();
                let effective: Vec<NaiveDate> = batch.iter().map(|n| n.columns().date).collect();
                let recorded: Vec<NaiveDate> = batch.iter().map(|n| n.columns().recorded).collect();
                let action: Vec<&str> = batch.iter().map(|n| n.columns().action).collect();
                let account: Vec<Option<&str>> = batch
                    .iter()
                    .map(|n| n.columns().account.as_deref())
                    .collect();
                let document: Vec<Option<&str>> = batch
                    .iter()
                    .map(|n| n.columns().document.as_deref())
                    .collect();
                let amount: Vec<Option<&str>> = batch
                    .iter()
                    .map(|n| n.columns().amount.as_deref())
                    .collect();
                let actor: Vec<&str> = batch.iter().map(|n| n.columns().actor.as_str()).collect();
                tx.execute(
                    INSERT_UNNEST,
                    &[
                        &sequence, &entry, &checksum, &id, &effective, &recorded, &action,
                        &account, &document, &amount, &actor,
                    ],
                )
            }
        };
        match inserted.and_then(|_| tx.commit()) {
            Ok(()) => Ok(true),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// One writer of a race, or the only writer.
enum Writer {
    Durable(Box<DurableLedger<PostgresStore>>),
    Store(PostgresStore),
    Raw(Raw),
}

impl Writer {
    fn open(config: &Config, way: &str) -> Writer {
        match way {
            "durable" => Writer::Durable(Box::new(durable(config))),
            "store" => Writer::Store(PostgresStore::open(config, LEDGER).unwrap()),
            "raw rows" => Writer::Raw(Raw::new(config, RawWay::Rows)),
            "raw unnest" => Writer::Raw(Raw::new(config, RawWay::Unnest)),
            other => panic!("no writer {other}"),
        }
    }

    /// Appends `batches` batches of `size`, each built (and, but for `durable`, encoded)
    /// outside the timed part; returns the time spent appending and the lost races.
    /// `next` numbers this writer's commands.
    fn append(&mut self, id: u8, next: &mut u64, batches: u64, size: u64) -> (Duration, u64) {
        let mut spent = Duration::ZERO;
        let mut lost = 0;
        for _ in 0..batches {
            match self {
                Writer::Durable(ledger) => {
                    let first = *next;
                    *next += size;
                    let build = || -> Vec<Command> {
                        (first..first + size).map(|n| rescission(id, n)).collect()
                    };
                    let mut commands = build();
                    let before = ledger.lost_races();
                    let started = Instant::now();
                    loop {
                        match ledger.apply_all(commands) {
                            Ok(_) => break,
                            // Every retry inside `apply_all` lost: try again, as a service would.
                            Err(ServiceError::Contended { .. }) => commands = build(),
                            Err(other) => panic!("durable append failed: {other}"),
                        }
                    }
                    spent += started.elapsed();
                    lost += ledger.lost_races() - before;
                }
                Writer::Store(store) => loop {
                    let last = store.last_sequence().unwrap();
                    let batch = encoded(id, last, size);
                    let started = Instant::now();
                    let result = store.append(last, &batch);
                    spent += started.elapsed();
                    match result {
                        Ok(()) => break,
                        Err(StoreError::Conflict { .. }) => lost += 1,
                        Err(other) => panic!("store append failed: {other}"),
                    }
                },
                Writer::Raw(raw) => loop {
                    let last = raw.last();
                    let batch = encoded(id, last, size);
                    let started = Instant::now();
                    let inserted = raw.insert(last, &batch).unwrap();
                    spent += started.elapsed();
                    if inserted {
                        break;
                    }
                    lost += 1;
                },
            }
        }
        (spent, lost)
    }
}

const WAYS: [&str; 4] = ["durable", "store", "raw rows", "raw unnest"];

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
    let mut schemas = Schemas::new(&url);
    for size in SIZES {
        let mut group = c.benchmark_group(format!("postgres append/{size}"));
        group.throughput(Throughput::Elements(size));
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(if size == 10_000 { 15 } else { 4 }));

        for way in WAYS {
            let config = schemas.fresh(&format!("one writer, {way}, batches of {size}"));
            let mut writer = Writer::open(&config, way);
            let mut next = 0u64;
            group.bench_function(format!("one writer, {way}"), |b| {
                b.iter_custom(|iters| writer.append(0, &mut next, iters, size).0);
            });
        }

        // Two writers: each iteration is one acknowledged batch from each writer (so both
        // always race, even in an iteration of one), made at once.
        group.throughput(Throughput::Elements(2 * size));
        for way in WAYS {
            let config = schemas.fresh(&format!("two writers, {way}, batches of {size}"));
            let mut writers = [Writer::open(&config, way), Writer::open(&config, way)];
            let mut next = [0u64; 2];
            let lost = AtomicU64::new(0);
            let made = AtomicU64::new(0);
            group.bench_function(format!("two writers, {way}"), |b| {
                b.iter_custom(|iters| {
                    let barrier = Barrier::new(2);
                    let started = Instant::now();
                    std::thread::scope(|scope| {
                        for (id, (writer, next)) in
                            writers.iter_mut().zip(next.iter_mut()).enumerate()
                        {
                            let (barrier, lost, made) = (&barrier, &lost, &made);
                            scope.spawn(move || {
                                barrier.wait();
                                let (_, l) = writer.append(id as u8 + 1, next, iters, size);
                                lost.fetch_add(l, Ordering::Relaxed);
                                made.fetch_add(iters, Ordering::Relaxed);
                            });
                        }
                    });
                    started.elapsed()
                });
            });
            eprintln!(
                "postgres append/{size}/two writers, {way}: {} lost races in {} acknowledged batches",
                lost.load(Ordering::Relaxed),
                made.load(Ordering::Relaxed)
            );
        }
        group.finish();
    }
}

criterion_group!(append_benches, benches);
criterion_main!(append_benches);

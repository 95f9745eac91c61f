//! Benchmarks of the ledger's hot paths: applying commands to a ledger that already holds
//! a million journal entries (with the allow-everything gate and with the built-in rule
//! set), replaying a million entries from JSON, a status of funds over them now and at a
//! past date, the history queries (as-of ledger, SF-133, File A, a backdated command) from
//! the nearest checkpoint, File A for 200 accounts, and opening a million-entry store from its checkpoint and from scratch.
//!
//! ```sh
//! cargo bench --bench ledger
//! ```
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::measurement::WallTime;
use criterion::{
    BatchSize, BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main,
};
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument,
    Journal, Ledger, StatusQuery,
};
use security_assistance::{CountryCode, Money, ProgramKind};

const PARTNERS: [&str; 20] = [
    "JOR", "EGY", "ISR", "COL", "MEX", "PHL", "IDN", "KEN", "NGA", "GHA", "UKR", "GEO", "POL",
    "EST", "LVA", "LTU", "VNM", "THA", "PER", "ECU",
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

struct Workload {
    /// The first account, which the SF-133 and the backdated command name.
    account: AccountSymbol,
    accounts: Vec<AccountSymbol>,
    keys: Vec<AllocationKey>,
    next: u64,
}

impl Workload {
    fn command(&mut self, date: NaiveDate, action: Action) -> Command {
        self.next += 1;
        Command::new(
            format!("c{}", self.next).parse().unwrap(),
            date,
            "bench".parse().unwrap(),
            action,
        )
    }

    /// An account with a large appropriation allocated to twenty partners.
    fn new(ledger: &mut Ledger) -> Workload {
        Workload::with_accounts(ledger, 1)
    }

    /// `n` accounts (`011-2008/2009-1082` and the main accounts after it), each with a
    /// large appropriation apportioned, allotted and allocated to twenty partners.
    fn with_accounts(ledger: &mut Ledger, n: u32) -> Workload {
        let accounts: Vec<AccountSymbol> = (0..n.max(1))
            .map(|k| format!("011-2008/2009-{:04}", 1082 + k).parse().unwrap())
            .collect();
        let keys = PARTNERS
            .iter()
            .map(|p| {
                AllocationKey::new(
                    "DSCA".parse().unwrap(),
                    ProgramKind::Financing,
                    Some(p.parse::<CountryCode>().unwrap()),
                )
            })
            .collect();
        let mut w = Workload {
            account: accounts[0],
            accounts,
            keys,
            next: 0,
        };
        let big: Money = "900000000000000".parse().unwrap();
        let start = day(2007, 10, 1);
        let share = Money::from_cents(4_000_000_000_000_000);
        for account in w.accounts.clone() {
            let setup = [
                Action::Appropriate {
                    account,
                    title: "FMF".into(),
                    purposes: vec![ProgramKind::Financing],
                    amount: big,
                    law: "P.L. 110-161".into(),
                },
                Action::Apportion {
                    account,
                    category: Apportionment::ByPeriod { from: start },
                    amount: big,
                },
                Action::Allot {
                    account,
                    holder: "DSCA".parse().unwrap(),
                    amount: big,
                },
            ];
            for action in setup {
                let c = w.command(start, action);
                ledger.apply(c).unwrap();
            }
            for key in w.keys.clone() {
                let c = w.command(
                    start,
                    Action::Allocate {
                        account,
                        key,
                        amount: share,
                    },
                );
                ledger.apply(c).unwrap();
            }
        }
        w
    }

    /// One obligation and one disbursement against it. The date moves a day every 40,000
    /// pairs, so that even a long criterion run (millions of pairs past the fill) stays
    /// inside the account's period of availability (to 2009-09-30).
    fn pair(&mut self, i: u64) -> [Command; 2] {
        let date = day(2008, 1, 1) + chrono::Days::new(i / 40_000);
        // The pairs go to each account in turn, and to each partner in turn within it.
        let n = self.accounts.len() as u64;
        let account = self.accounts[(i % n) as usize];
        let key = self.keys[(i / n % self.keys.len() as u64) as usize].clone();
        let document: security_assistance::budget::DocumentId = format!("D{i}").parse().unwrap();
        let obligate = Action::Obligate {
            account,
            document: document.clone(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: Money::from_cents(1_000_000 + (i as i64 % 997) * 100),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        };
        let disburse = Action::Disburse {
            account,
            document,
            amount: Money::from_cents(500_000),
        };
        [self.command(date, obligate), self.command(date, disburse)]
    }

    fn fill(&mut self, ledger: &mut Ledger, entries: u64) {
        for i in 0..entries / 2 {
            for c in self.pair(i) {
                ledger.apply(c).unwrap();
            }
        }
    }
}

/// Applies obligation and disbursement pairs to a ledger of 1M entries, 10,000 commands a
/// sample.
fn bench_apply(group: &mut BenchmarkGroup<'_, WallTime>, ledger: &mut Ledger, w: &mut Workload) {
    let batch = 10_000u64;
    group.throughput(Throughput::Elements(batch));
    let mut i = 500_000u64;
    group.bench_function("apply obligations and disbursements at 1M entries", |b| {
        b.iter_batched(
            || {
                let commands: Vec<Command> = (0..batch / 2).flat_map(|k| w.pair(i + k)).collect();
                i += batch / 2;
                commands
            },
            |commands| {
                for command in commands {
                    ledger.apply(command).unwrap();
                }
            },
            BatchSize::PerIteration,
        );
    });
}

/// Status of funds by account, program and partner as of 2008-01-06, by which the first
/// 240,000 pairs (480,000 entries) are effective.
fn past_query() -> StatusQuery {
    StatusQuery::new(
        day(2008, 1, 6),
        &[Dimension::Account, Dimension::Program, Dimension::Partner],
    )
}

fn benches(c: &mut Criterion) {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let mut w = Workload::new(&mut ledger);
    w.fill(&mut ledger, 1_000_000);
    let journal_json = serde_json::to_string(ledger.journal()).unwrap();

    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    bench_apply(&mut group, &mut ledger, &mut w);
    group.throughput(Throughput::Elements(1_000_000));
    group.bench_function("replay 1M entries from JSON", |b| {
        b.iter(|| {
            let journal: Journal = serde_json::from_str(&journal_json).unwrap();
            black_box(
                Ledger::replay(
                    &journal,
                    std::sync::Arc::new(security_assistance::eligibility::AllowAll),
                )
                .unwrap(),
            )
        });
    });
    let query = StatusQuery::new(
        day(2030, 1, 1),
        &[Dimension::Account, Dimension::Program, Dimension::Partner],
    );
    group.bench_function("status of funds over 1M entries", |b| {
        b.iter(|| black_box(ledger.status_of_funds(&query).unwrap()));
    });
    let past = past_query();
    group.bench_function("status of funds as of a past date", |b| {
        b.iter(|| black_box(ledger.status_of_funds(&past).unwrap()));
    });
    group.finish();
}

/// The built-in rule set as the gate (no facts recorded: every rule is asked and answers).
fn builtin() -> std::sync::Arc<dyn security_assistance::eligibility::EligibilityCheck + Send + Sync>
{
    use security_assistance::eligibility::{Engine, Facts, RuleSet};
    std::sync::Arc::new(Engine::new(Facts::new(), RuleSet::builtin()))
}

fn builtin_rules(c: &mut Criterion) {
    let mut ledger = Ledger::new(builtin());
    let mut w = Workload::new(&mut ledger);
    w.fill(&mut ledger, 1_000_000);
    let mut group = c.benchmark_group("ledger, built-in rules");
    group.sample_size(10);
    bench_apply(&mut group, &mut ledger, &mut w);
    group.throughput(Throughput::Elements(1));
    let past = past_query();
    group.bench_function("status of funds as of a past date", |b| {
        b.iter(|| black_box(ledger.status_of_funds(&past).unwrap()));
    });
    // History from the nearest checkpoint: the as-of ledger, the SF-133 and File A at the
    // past date, and a dry run of a command backdated one day before the latest entry.
    let then = day(2008, 1, 6);
    let fy = security_assistance::FiscalYear::containing(then);
    group.bench_function("as-of ledger at a past date", |b| {
        b.iter(|| black_box(ledger.as_of(then, None).unwrap()));
    });
    group.bench_function("SF-133 at a past date", |b| {
        b.iter(|| black_box(ledger.sf133(&w.account, fy, then).unwrap()));
    });
    group.bench_function("File A at a past date", |b| {
        b.iter(|| black_box(security_assistance::report::file_a(&ledger, fy, then).unwrap()));
    });
    let last = ledger
        .journal()
        .get(ledger.journal().len() - 1)
        .unwrap()
        .command
        .date;
    let backdated = w
        .command(
            last.pred_opt().unwrap(),
            Action::Obligate {
                account: w.account,
                document: "BACKDATED".parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation {
                    key: w.keys[0].clone(),
                },
                amount: Money::from_cents(100),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        )
        .recorded_on(last);
    group.bench_function("check a command backdated one day", |b| {
        b.iter(|| black_box(ledger.check(&backdated).unwrap()));
    });
    group.finish();
}

/// File A for 200 accounts at 1,000,000 entries (built-in rules), the entries spread over
/// the accounts in turn, as of the past date: issue 16's target is under 0.5 s.
fn file_a_accounts(c: &mut Criterion) {
    let mut ledger = Ledger::new(builtin());
    let mut w = Workload::with_accounts(&mut ledger, 200);
    w.fill(&mut ledger, 1_000_000);
    let then = day(2008, 1, 6);
    let fy = security_assistance::FiscalYear::containing(then);
    let mut group = c.benchmark_group("ledger, built-in rules, 200 accounts");
    group.sample_size(10);
    group.bench_function("File A at a past date", |b| {
        b.iter(|| black_box(security_assistance::report::file_a(&ledger, fy, then).unwrap()));
    });
    group.finish();
}

/// Opening a store of 1,000,000 entries (built-in rules, the in-memory store: the
/// ledger's own cost, without a database's reads) from its checkpoint and from scratch.
fn open(c: &mut Criterion) {
    use security_assistance::store::{DurableLedger, FixedClock, MemoryStore};
    let clock = std::sync::Arc::new(FixedClock::new(day(2009, 9, 30)));
    let mut scratch = Ledger::new(builtin());
    let mut w = Workload::new(&mut scratch);
    let mut durable = DurableLedger::open(
        MemoryStore::default(),
        clock.clone(),
        builtin(),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    durable
        .import_all(scratch.journal().iter().map(|e| e.command).collect())
        .unwrap();
    drop(scratch);
    for start in (0..500_000u64).step_by(5_000) {
        let batch: Vec<Command> = (start..start + 5_000).flat_map(|i| w.pair(i)).collect();
        durable.import_all(batch).unwrap();
    }
    let without = durable.store().clone();
    durable.checkpoint().unwrap();
    let with = durable.into_store();
    let mut group = c.benchmark_group("open 1M entries, built-in rules, memory store");
    group.sample_size(10);
    for (name, store) in [("from its checkpoint", with), ("from scratch", without)] {
        group.bench_function(name, |b| {
            b.iter_batched(
                || store.clone(),
                |store| {
                    black_box(
                        DurableLedger::open(
                            store,
                            clock.clone(),
                            builtin(),
                            security_assistance::budget::Policy::Open,
                        )
                        .unwrap(),
                    )
                },
                BatchSize::PerIteration,
            );
        });
    }
    group.finish();
}

criterion_group!(ledger, benches, builtin_rules, file_a_accounts, open);
criterion_main!(ledger);

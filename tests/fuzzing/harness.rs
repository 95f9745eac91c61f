//! Seeded fuzzing on stable Rust, shared by `examples/fuzz.rs` (the long run) and the
//! integration test `fuzz` (a short, count-bounded run in CI).
//!
//! Three kinds of input, each from a seeded generator (proptest's `TestRng`, so a run is
//! reproducible from its seed):
//!
//! - **command streams**: commands drawn from small pools of ids, accounts, holders,
//!   programs, partners, documents, dates and amounts, applied one by one to a new ledger;
//! - **journals**: journals that the command streams produced, written as JSON and then
//!   mutated byte by byte and token by token (truncation, deletion, duplication, swapped
//!   ranges, numbers for strings, repeated keys, deep nesting, huge strings), then imported;
//! - **CSV files**: transactions files from a row generator, mutated the same way and by
//!   column (missing and extra fields, quoting, a byte-order mark, CRLF, empty file, header
//!   only), imported all-or-nothing or partially into a new or an earlier ledger.
//!
//! After every accepted command, and after every accepted import, the invariants of
//! DESIGN.md that the public API can see are checked: the columns of every status grouping
//! add up to the ungrouped totals, every row satisfies budget authority = obligated +
//! unobligated and obligated = disbursed + unliquidated, no column is negative, the SF-133
//! identities hold (1910 = 2500 = 2190 + 2490, 3050 = 3000 + 3010 + 3020 + 3040), the journal
//! replays to an equal ledger and so does its JSON. A refused command or import must leave
//! the ledger equal (`==`) with the same journal. A panic is caught and counted as a
//! finding, so one run reports every kind of finding it meets.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::NaiveDate;
use proptest::prelude::RngCore;
use proptest::test_runner::{RngAlgorithm, TestRng};
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument,
    Journal, Ledger, MissionRegister, ObjectClass, StatusQuery, StatusRow,
};
use security_assistance::homeland::MissionArea;
use security_assistance::report::{CsvImport, import_journal, import_transactions};
use security_assistance::{FiscalYear, Money, ProgramKind};

/// How much to run.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// The seed of every generator.
    pub(crate) seed: u64,
    /// Commands to apply (in streams of up to `stream_len`).
    pub(crate) commands: u64,
    /// Mutated journals to import.
    pub(crate) journals: u64,
    /// Mutated CSV files to import.
    pub(crate) csv: u64,
    /// Commands in one stream (one new ledger).
    pub(crate) stream_len: usize,
    /// Replay and JSON round trip after every `deep_every`-th accepted command of a stream
    /// (1: after every one), and always at the end of a stream.
    pub(crate) deep_every: u64,
}

/// One kind of finding: how often it was seen and its first example.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// Times seen.
    pub(crate) count: u64,
    /// The first example (the input and what went wrong).
    pub(crate) example: String,
}

/// What a run did and found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Report {
    /// Command streams run.
    pub(crate) streams: u64,
    /// Commands applied or refused.
    pub(crate) commands: u64,
    /// Commands accepted (including duplicates).
    pub(crate) commands_accepted: u64,
    /// Journals imported or refused.
    pub(crate) journals: u64,
    /// Journals accepted.
    pub(crate) journals_accepted: u64,
    /// CSV files imported or refused.
    pub(crate) csv: u64,
    /// CSV imports accepted.
    pub(crate) csv_accepted: u64,
    /// Refused commands by error variant.
    pub(crate) refusals: BTreeMap<String, u64>,
    /// Findings by kind.
    pub(crate) findings: BTreeMap<String, Finding>,
}

impl Report {
    fn find(&mut self, kind: &str, example: impl FnOnce() -> String) {
        match self.findings.get_mut(kind) {
            Some(f) => f.count += 1,
            None => {
                self.findings.insert(
                    kind.to_owned(),
                    Finding {
                        count: 1,
                        example: example(),
                    },
                );
            }
        }
    }

    /// The number of findings of every kind.
    pub(crate) fn finding_count(&self) -> u64 {
        self.findings.values().map(|f| f.count).sum()
    }

    /// One line of counts.
    pub(crate) fn summary(&self) -> String {
        format!(
            "streams {} commands {} (accepted {}) journals {} (accepted {}) csv {} (accepted {}) findings {}",
            self.streams,
            self.commands,
            self.commands_accepted,
            self.journals,
            self.journals_accepted,
            self.csv,
            self.csv_accepted,
            self.finding_count()
        )
    }
}

/// The seeded generator.
pub(crate) struct Gen {
    rng: TestRng,
}

impl Gen {
    /// A generator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Gen {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..].copy_from_slice(&(!seed).to_le_bytes());
        Gen {
            rng: TestRng::from_seed(RngAlgorithm::XorShift, &bytes),
        }
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.rng.next_u64() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
}

// ---------------------------------------------------------------------------------------
// Pools

const ACCOUNTS: [&str; 4] = [
    "011-2008/2009-1082",
    "011-2008-1081",
    "011-2009/2010-1082",
    "070-2008/2009-0800",
];
const HOLDERS: [&str; 2] = ["DSCA", "ARMY"];
const PROGRAMS: [ProgramKind; 4] = [
    ProgramKind::Financing,
    ProgramKind::Training,
    ProgramKind::Sales,
    ProgramKind::TechnologyCooperation,
];
const PARTNERS: [Option<&str>; 4] = [None, Some("JOR"), Some("COL"), Some("GBR")];
const DOCUMENTS: [&str; 4] = ["D1", "D2", "D3", "COLL-1"];
const DATES: [(i32, u32, u32); 12] = [
    (2007, 10, 1),
    (2007, 12, 15),
    (2008, 1, 2),
    (2008, 3, 1),
    (2008, 9, 30),
    (2008, 10, 1),
    (2009, 6, 1),
    (2009, 9, 30),
    (2009, 10, 1),
    (2011, 1, 1),
    (2014, 10, 1),
    (2015, 1, 1),
];
const AMOUNTS: [&str; 16] = [
    "0.01",
    "1",
    "100",
    "250.50",
    "1000",
    "5000",
    "99999.99",
    "1000000",
    "347772.74",
    "-1",
    "-100",
    "-1000",
    "0",
    "792281625142643375935439503.35",
    "-792281625142643375935439503.35",
    "396140812571321687967719751.67",
];
const INSTRUMENTS: [Instrument; 5] = [
    Instrument::GrantAgreement,
    Instrument::Enrollment,
    Instrument::Loan,
    Instrument::SalesCase,
    Instrument::Other,
];

fn date(g: &mut Gen) -> NaiveDate {
    let (y, m, d) = g.pick(&DATES);
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn account(g: &mut Gen) -> AccountSymbol {
    // Mostly the first account, so that streams get deep in one account.
    let symbol = if g.chance(80) {
        ACCOUNTS[0]
    } else {
        g.pick(&ACCOUNTS)
    };
    symbol.parse().unwrap_or_else(|_| unreachable_pool())
}

fn unreachable_pool() -> ! {
    panic!("a pool value does not parse")
}

fn amount(g: &mut Gen) -> Money {
    // Mostly small positive amounts, so that streams get deep.
    if g.chance(85) {
        let cents = [1i64, 100, 10_000, 25_050, 100_000, 500_000][g.below(6)];
        Money::from_cents(cents)
    } else {
        g.pick(&AMOUNTS)
            .parse()
            .unwrap_or_else(|_| unreachable_pool())
    }
}

fn key(g: &mut Gen) -> AllocationKey {
    let partner = g
        .pick(&PARTNERS)
        .map(|p| p.parse().unwrap_or_else(|_| unreachable_pool()));
    AllocationKey::new(
        g.pick(&HOLDERS)
            .parse()
            .unwrap_or_else(|_| unreachable_pool()),
        g.pick(&PROGRAMS),
        partner,
    )
}

fn document(g: &mut Gen) -> security_assistance::budget::DocumentId {
    g.pick(&DOCUMENTS)
        .parse()
        .unwrap_or_else(|_| unreachable_pool())
}

fn purposes(g: &mut Gen) -> Vec<ProgramKind> {
    match g.below(4) {
        0 => vec![ProgramKind::Financing],
        1 => vec![ProgramKind::Financing, ProgramKind::Training],
        2 => vec![ProgramKind::TechnologyCooperation, ProgramKind::Sales],
        _ => PROGRAMS.to_vec(),
    }
}

/// One action: the kind numbered `step` (0 appropriate, 1 apportion, 2 allot, 3 allocate,
/// 4 obligate), which distribute money, or any kind.
fn action(g: &mut Gen, step: Option<usize>) -> Action {
    let which = step.unwrap_or_else(|| g.below(20));
    match which {
        0 => Action::Appropriate {
            account: account(g),
            title: "Appropriation".into(),
            purposes: purposes(g),
            amount: amount(g),
            law: "P.L. 110-161".into(),
        },
        1 | 5 => Action::Apportion {
            account: account(g),
            category: if g.chance(80) {
                Apportionment::ByPeriod {
                    from: if g.chance(50) {
                        NaiveDate::from_ymd_opt(2007, 10, 1).unwrap_or_default()
                    } else {
                        date(g)
                    },
                }
            } else {
                Apportionment::ByProgram {
                    program: g.pick(&PROGRAMS),
                }
            },
            amount: amount(g),
        },
        2 => Action::Allot {
            account: account(g),
            holder: g
                .pick(&HOLDERS)
                .parse()
                .unwrap_or_else(|_| unreachable_pool()),
            amount: amount(g),
        },
        3 => Action::Allocate {
            account: account(g),
            key: key(g),
            amount: amount(g),
        },
        4 | 6 => Action::Obligate {
            account: account(g),
            document: document(g),
            instrument: g.pick(&INSTRUMENTS),
            funding: match g.below(3) {
                0 => Funding::Commitment,
                1 => Funding::Allocation { key: key(g) },
                _ => Funding::Allotment { key: key(g) },
            },
            amount: amount(g),
            // Mostly the instrument's default class; sometimes one named by the caller.
            object_class: g.chance(30).then(|| g.pick(&ObjectClass::ALL)),
            // Mostly direct; sometimes reimbursable work.
            financed_by: if g.chance(20) {
                security_assistance::budget::DirectOrReimbursable::Reimbursable
            } else {
                security_assistance::budget::DirectOrReimbursable::Direct
            },
        },
        7 => Action::Commit {
            account: account(g),
            document: document(g),
            key: key(g),
            amount: amount(g),
        },
        8 => Action::Decommit {
            account: account(g),
            document: document(g),
            amount: amount(g),
        },
        9 => Action::AdjustObligation {
            account: account(g),
            document: document(g),
            amount: amount(g),
        },
        10 => Action::Disburse {
            account: account(g),
            document: document(g),
            amount: amount(g),
        },
        11 => Action::Refund {
            account: account(g),
            document: document(g),
            amount: amount(g),
        },
        12 => Action::Transfer {
            from: account(g),
            to: account(g),
            amount: amount(g),
            authority: "FAA sec. 610".into(),
        },
        13 => {
            let from = key(g);
            let mut to = key(g);
            // Mostly within one funds holder, as a reprogramming must be, so that streams
            // reach the notice check (FAA 634A) behind the shape check.
            if g.chance(70) {
                to.holder = from.holder.clone();
            }
            Action::Reprogram {
                account: account(g),
                from,
                to,
                amount: amount(g),
                authority: "FAA sec. 634A".into(),
                notified: g.chance(60).then(|| date(g)),
            }
        }
        14 => Action::Rescind {
            account: account(g),
            amount: amount(g),
            law: "P.L. 110-252".into(),
        },
        15 => Action::ChargeToCurrent {
            cancelled: account(g),
            document: document(g),
            current: account(g),
            key: key(g),
            amount: amount(g),
        },
        17 => Action::CollectEarned {
            account: account(g),
            document: document(g),
            amount: amount(g),
            payer: g
                .pick(&["GBR", "JOR"])
                .parse()
                .unwrap_or_else(|_| unreachable_pool()),
            authority: "22 U.S.C. 2392(d)".into(),
            earned: date(g),
        },
        19 => Action::Justify {
            account: account(g),
            program: g.pick(&PROGRAMS),
            partner: g
                .pick(&PARTNERS)
                .map(|p| p.parse().unwrap_or_else(|_| unreachable_pool())),
            amount: amount(g),
            level_653a: g.chance(50).then(|| amount(g)),
            source: "FY2008 CBJ".into(),
        },
        18 => Action::ReverseCollection {
            account: account(g),
            document: document(g),
            amount: amount(g),
            reason: "check returned unpaid".into(),
        },
        _ => {
            if g.chance(50) {
                Action::Collect {
                    account: account(g),
                    document: document(g),
                    payer: g
                        .pick(&["GBR", "JOR"])
                        .parse()
                        .unwrap_or_else(|_| unreachable_pool()),
                    amount: amount(g),
                    authority: "6 U.S.C. 195c(d)".into(),
                }
            } else {
                let through = date(g);
                Action::ContinuingResolution {
                    account: account(g),
                    title: "CR".into(),
                    purposes: purposes(g),
                    annual_rate: amount(g),
                    through,
                    seasonal_limit: [None, Some("10"), Some("50"), Some("100")][g.below(4)]
                        .map(|r| r.parse().unwrap_or_else(|_| unreachable_pool())),
                    law: "P.L. 110-92".into(),
                }
            }
        }
    }
}

/// The next command of a stream: mostly a new id, sometimes a repeat of an earlier command
/// (idempotency) or an earlier id with new content (a conflict). `clock` is the index in
/// [`DATES`] of the latest recorded date: recorded dates mostly move forward from it (the
/// ledger refuses them backwards), effective dates are mostly near it and sometimes
/// backdated.
fn command(g: &mut Gen, n: usize, issued: &[Command], clock: &mut usize) -> Command {
    if !issued.is_empty() && g.chance(4) {
        let earlier = g.pick(issued);
        if g.chance(50) {
            return earlier;
        }
        let mut conflict = earlier;
        conflict.action = action(g, None);
        return conflict;
    }
    let at = |i: usize| {
        let (y, m, d) = DATES[i.min(DATES.len() - 1)];
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    };
    if g.chance(15) {
        *clock = (*clock + 1).min(DATES.len() - 1);
    }
    let (date, recorded) = match g.below(20) {
        // Backdated: effective earlier than recorded.
        0..=2 => (at(g.below(*clock + 1)), at(*clock)),
        // Recorded out of order (refused), or far ahead.
        3 => (at(*clock), at(g.below(DATES.len()))),
        _ => (at(*clock), at(*clock)),
    };
    let id = format!("c{n}")
        .parse()
        .unwrap_or_else(|_| unreachable_pool());
    let step = (n < 5 && g.chance(80)).then_some(n);
    Command::new(
        id,
        date,
        "budget-office"
            .parse()
            .unwrap_or_else(|_| unreachable_pool()),
        action(g, step),
    )
    .recorded_on(recorded)
}

// ---------------------------------------------------------------------------------------
// Invariants

const GROUPINGS: [&[Dimension]; 8] = [
    &[Dimension::ObjectClass],
    &[Dimension::MissionArea],
    &[
        Dimension::Account,
        Dimension::MissionArea,
        Dimension::ObjectClass,
        Dimension::Partner,
    ],
    &[Dimension::Account],
    &[Dimension::Holder, Dimension::Program],
    &[Dimension::Partner],
    &[Dimension::FiscalYear, Dimension::Program],
    &[
        Dimension::Account,
        Dimension::FiscalYear,
        Dimension::Holder,
        Dimension::Program,
        Dimension::Partner,
    ],
];

fn latest_date(ledger: &Ledger) -> Option<NaiveDate> {
    let journal = ledger.journal();
    journal
        .len()
        .checked_sub(1)
        .and_then(|last| journal.get(last))
        .map(|e| e.command.date)
}

/// The row-level identities: budget authority = obligated + unobligated, obligated =
/// disbursed + unliquidated, and no negative column.
fn row_problem(row: &StatusRow) -> Option<String> {
    let sum = |a: Money, b: Money| a.checked_add(b).ok();
    if sum(row.obligated, row.unobligated) != Some(row.budget_authority) {
        return Some("budget authority != obligated + unobligated".into());
    }
    if sum(row.disbursed, row.unliquidated) != Some(row.obligated) {
        return Some("obligated != disbursed + unliquidated".into());
    }
    let amounts = [
        row.budget_authority,
        row.apportioned,
        row.allotted,
        row.allocated,
        row.committed,
        row.obligated,
        row.unobligated,
        row.disbursed,
        row.unliquidated,
        row.recoveries,
    ];
    if amounts.iter().any(|a| a.is_negative()) {
        return Some("a negative balance".into());
    }
    None
}

fn column_sums(rows: &[StatusRow]) -> Option<[Money; 10]> {
    let mut sums = [Money::ZERO; 10];
    for row in rows {
        let amounts = [
            row.budget_authority,
            row.apportioned,
            row.allotted,
            row.allocated,
            row.committed,
            row.obligated,
            row.unobligated,
            row.disbursed,
            row.unliquidated,
            row.recoveries,
        ];
        for (s, a) in sums.iter_mut().zip(amounts) {
            *s = s.checked_add(a).ok()?;
        }
    }
    Some(sums)
}

/// A mission register over every account of `ledger`: `D1` and `D2` tagged (each with
/// its own area), the other documents not, so that a grouping by mission area splits
/// allocations into tagged pieces and an unassigned rest.
fn missions(ledger: &Ledger) -> MissionRegister {
    let mut register = MissionRegister::new();
    for account in ledger.accounts() {
        for (document, area) in [
            ("D1", MissionArea::AviationSecurity),
            ("D2", MissionArea::MaritimeSecurity),
        ] {
            register.tag(
                account,
                document.parse().unwrap_or_else(|_| unreachable_pool()),
                area,
            );
        }
    }
    register
}

/// Checks the cheap invariants (status of funds) of an accepted state.
fn check_status(ledger: &Ledger, report: &mut Report, context: &dyn Fn() -> String) {
    let Some(as_of) = latest_date(ledger) else {
        return;
    };
    let totals = match ledger.status_of_funds(&StatusQuery::new(as_of, &[])) {
        Ok(rows) => rows,
        Err(e) => {
            report.find(
                "an accepted state cannot be reported (status_of_funds)",
                || format!("{e}\n{}", context()),
            );
            return;
        }
    };
    let Some(total) = column_sums(&totals) else {
        report.find("status totals overflow", context);
        return;
    };
    let missions = missions(ledger);
    for grouping in GROUPINGS {
        match ledger.status_of_funds_with_missions(&StatusQuery::new(as_of, grouping), &missions) {
            Ok(rows) => {
                for row in &rows {
                    if let Some(problem) = row_problem(row) {
                        report.find(&format!("status row: {problem}"), || {
                            format!("{row:?}\n{}", context())
                        });
                    }
                }
                if column_sums(&rows) != Some(total) {
                    report.find("status grouping columns do not add up", || {
                        format!("grouping {grouping:?}\n{}", context())
                    });
                }
            }
            Err(e) => report.find("an accepted state cannot be reported (grouped)", || {
                format!("{e}\n{}", context())
            }),
        }
    }
}

/// Replay, JSON round trip and the SF-133 identities.
fn check_deep(ledger: &Ledger, report: &mut Report, context: &dyn Fn() -> String) {
    match Ledger::replay(
        ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    ) {
        Ok(replayed) if replayed == *ledger => {}
        Ok(_) => report.find("replay differs from the ledger", context),
        Err(e) => report.find("the ledger's own journal does not replay", || {
            format!("{e}\n{}", context())
        }),
    }
    let json = match serde_json::to_string(ledger.journal()) {
        Ok(json) => json,
        Err(e) => {
            report.find("the journal does not serialize", || {
                format!("{e}\n{}", context())
            });
            return;
        }
    };
    match serde_json::from_str::<Journal>(&json)
        .map_err(|e| e.to_string())
        .and_then(|j| {
            Ledger::replay(
                &j,
                std::sync::Arc::new(security_assistance::eligibility::AllowAll),
            )
            .map_err(|e| e.to_string())
        }) {
        Ok(back) if back == *ledger => {}
        Ok(_) => report.find("the JSON round trip differs from the ledger", context),
        Err(e) => report.find("the journal's JSON does not read back", || {
            format!("{e}\n{}", context())
        }),
    }
    let Some(as_of) = latest_date(ledger) else {
        return;
    };
    let fiscal_year = FiscalYear::containing(as_of);
    for account in ledger.accounts() {
        let Ok(sf133) = ledger.sf133(&account, fiscal_year, as_of) else {
            continue;
        };
        let line = |n: u16| sf133.line(n).unwrap_or(Money::ZERO);
        let resources = line(1910);
        let status = Money::checked_sum([line(2190), line(2490)]).ok();
        let unpaid = Money::checked_sum([line(3000), line(3010), line(3020), line(3040)]).ok();
        if Some(resources) != status || resources != line(2500) {
            report.find("SF-133: 1910 != 2190 + 2490 = 2500", || {
                format!("{account} {sf133:?}\n{}", context())
            });
        }
        if unpaid != Some(line(3050)) {
            report.find("SF-133: 3050 != 3000 + 3010 + 3020 + 3040", || {
                format!("{account} {sf133:?}\n{}", context())
            });
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Command streams

/// Runs one stream of commands on a new ledger; returns the ledger.
fn stream(g: &mut Gen, config: &Config, report: &mut Report) -> Ledger {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let mut issued: Vec<Command> = Vec::with_capacity(config.stream_len);
    let mut accepted_in_stream = 0u64;
    let mut clock = g.below(3);
    report.streams += 1;
    for n in 0..config.stream_len {
        let command = command(g, n, &issued, &mut clock);
        issued.push(command.clone());
        let before = ledger.clone();
        let len_before = ledger.journal().len();
        report.commands += 1;
        let outcome = catch_unwind(AssertUnwindSafe(|| ledger.apply(command.clone())));
        let context = || {
            format!(
                "stream of {} commands:\n{}",
                issued.len(),
                commands_text(&issued)
            )
        };
        match outcome {
            Err(payload) => {
                report.find(
                    &format!("panic in apply: {}", panic_text(&*payload)),
                    context,
                );
                return before;
            }
            Ok(Ok(_)) => {
                report.commands_accepted += 1;
                accepted_in_stream += 1;
                check_status(&ledger, report, &context);
                if config.deep_every > 0 && accepted_in_stream % config.deep_every == 0 {
                    check_deep(&ledger, report, &context);
                }
            }
            Ok(Err(e)) => {
                let debug = format!("{e:?}");
                let variant = debug.split([' ', '(', '{']).next().unwrap_or_default();
                *report.refusals.entry(variant.to_owned()).or_default() += 1;
                if ledger != before || ledger.journal().len() != len_before {
                    report.find("a refused command changed the ledger", context);
                    ledger = before;
                }
            }
        }
    }
    if config.deep_every == 0 || accepted_in_stream % config.deep_every != 0 {
        check_deep(&ledger, report, &|| commands_text(&issued));
    }
    ledger
}

fn commands_text(commands: &[Command]) -> String {
    commands
        .iter()
        .map(|c| serde_json::to_string(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

// ---------------------------------------------------------------------------------------
// Byte and token mutations (JSON and CSV)

const JSON_TOKENS: [&str; 24] = [
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "null",
    "true",
    "-",
    "0",
    "1e400",
    "18446744073709551615",
    "\"9999-12-31\"",
    "\"2008-3-2\"",
    "\"+2008-03-02\"",
    "\"amount\":\"1000000\",",
    "\"type\":\"refund\",",
    "\"seasonal_limt\":\"10\",",
    "\"sequence\":18446744073709551615,",
    "\"792281625142643375935439503.35\"",
    "\"-0.001\"",
    "\"\\u0000\"",
    "\"recorded\":\"2007-01-01\",",
];

/// Applies one to four mutations to `text`.
fn mutate(g: &mut Gen, text: &[u8], tokens: &[&str]) -> Vec<u8> {
    let mut out = text.to_vec();
    for _ in 0..=g.below(4) {
        let len = out.len();
        let at = g.below(len + 1);
        match g.below(11) {
            0 if len > 0 => out.truncate(at),
            1 if len > 0 => {
                let i = g.below(len);
                out[i] ^= 1 << g.below(8);
            }
            2 if len > 0 => {
                let i = g.below(len);
                out[i] = g.pick(b"0123456789-.\",:{}[]a \n\r\x00\xff");
            }
            3 => {
                let token = g.pick(tokens);
                out.splice(at..at, token.bytes());
            }
            4 if len > 0 => {
                let end = (at + g.below(64)).min(len);
                out.drain(at.min(end)..end);
            }
            5 if len > 0 => {
                // Duplicate a range (duplicated entries, repeated keys).
                let start = g.below(len);
                let end = (start + 1 + g.below(256)).min(len);
                let copy = out[start..end].to_vec();
                let to = g.below(out.len() + 1);
                out.splice(to..to, copy);
            }
            6 if len > 1 => {
                // Swap two ranges (reordered entries and fields).
                let a = g.below(len);
                let b = g.below(len);
                let (a, b) = (a.min(b), a.max(b));
                let n = g.below(64).min(b - a).min(len - b);
                for k in 0..n {
                    out.swap(a + k, b + k);
                }
            }
            7 => {
                // Deep nesting.
                let depth = 1 + g.below(4096);
                let mut nest = vec![b'['; depth];
                nest.extend(std::iter::repeat_n(b']', depth));
                out.splice(at..at, nest);
            }
            8 => {
                // A huge string.
                let mut huge = vec![b'"'];
                huge.extend(std::iter::repeat_n(b'x', 1 + g.below(1 << 16)));
                huge.push(b'"');
                out.splice(at..at, huge);
            }
            9 => {
                // A number where a string is expected: drop the quotes around a value.
                if let Some(q) = out.iter().skip(at).position(|&b| b == b'"') {
                    out.remove(at + q);
                }
            }
            _ => {
                let digits = g.pick(&["1", "-1", "0.001", "1.5e3", "792281625142643375935439504"]);
                out.splice(at..at, digits.bytes());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Journals

fn journal_case(g: &mut Gen, seeds: &[String], report: &mut Report) {
    report.journals += 1;
    let Some(seed) = (!seeds.is_empty()).then(|| &seeds[g.below(seeds.len())]) else {
        return;
    };
    let bytes = mutate(g, seed.as_bytes(), &JSON_TOKENS);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let context = || format!("journal JSON: {text}");
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        import_journal(
            &text,
            std::sync::Arc::new(security_assistance::eligibility::AllowAll),
        )
    }));
    match outcome {
        Err(payload) => report.find(
            &format!("panic in import_journal: {}", panic_text(&*payload)),
            context,
        ),
        Ok(Err(_)) => {}
        Ok(Ok(mut ledger)) => {
            report.journals_accepted += 1;
            check_status(&ledger, report, &context);
            check_deep(&ledger, report, &context);
            // The imported ledger must take a new command as any other would, and its own
            // journal must still replay afterwards.
            let mut clock = DATES.len() - 1;
            let next = command(g, 1_000_000, &[], &mut clock);
            if catch_unwind(AssertUnwindSafe(|| ledger.apply(next))).is_ok_and(|r| r.is_ok()) {
                check_deep(&ledger, report, &context);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV

const CSV_HEADER: &str = "id,date,fiscal_year,kind,account,program,country,amount";
const CSV_TOKENS: [&str; 14] = [
    ",",
    "\"",
    "\n",
    "\r\n",
    "\u{feff}",
    ",,",
    "appropriation",
    "obligation",
    "2016-02-30",
    "070-2016-0114",
    "-5",
    "1e3",
    "1,000.00",
    "792281625142643375935439503.35",
];

fn csv_row(g: &mut Gen, n: usize) -> String {
    let (account, programs) = if g.chance(50) {
        ("070-2016-0114", ["sales", "excess_articles"])
    } else {
        ("070-2016-0113", ["training", "financing"])
    };
    let kind = match g.below(10) {
        0..=1 => "appropriation",
        2..=3 => "allotment",
        4..=6 => "obligation",
        7 => "deobligation",
        _ => "disbursement",
    };
    let program = if kind == "appropriation" {
        ""
    } else {
        programs[g.below(2)]
    };
    let country = if matches!(kind, "obligation" | "deobligation" | "disbursement") {
        g.pick(&["NPL", "JOR"])
    } else {
        ""
    };
    let amount = g.pick(&[
        "1.00", "25.50", "100", "250.00", "600.00", "1000.00", "5000",
    ]);
    let day = 16 + (n % 12);
    let id = if g.chance(5) { 1 } else { n };
    format!("{id},2015-10-{day:02},2016,{kind},{account},{program},{country},{amount}")
}

fn csv_text(g: &mut Gen) -> String {
    let rows = g.below(12);
    let mut text = String::from(CSV_HEADER);
    text.push('\n');
    for n in 0..rows {
        text.push_str(&csv_row(g, n + 1));
        text.push('\n');
    }
    text
}

/// A structural change to a CSV file, else a byte-level mutation.
fn csv_mutate(g: &mut Gen, text: &str) -> Vec<u8> {
    let lines: Vec<&str> = text.lines().collect();
    match g.below(10) {
        0 => format!("\u{feff}{text}").into_bytes(),
        1 => text.replace('\n', "\r\n").into_bytes(),
        2 => Vec::new(),
        3 => format!("{CSV_HEADER}\n").into_bytes(),
        4 | 5 if lines.len() > 1 => {
            // A row with a field missing, an extra field, or a quoted field.
            let i = 1 + g.below(lines.len() - 1);
            let mut fields: Vec<String> = lines[i].split(',').map(str::to_owned).collect();
            let f = g.below(fields.len());
            match g.below(4) {
                0 => {
                    fields.remove(f);
                }
                1 => fields.insert(f, "extra".into()),
                2 => fields[f] = format!("\"{}\"", fields[f]),
                _ => fields[f] = format!("\"{}", fields[f]),
            }
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            out[i] = fields.join(",");
            (out.join("\n") + "\n").into_bytes()
        }
        6 if lines.len() > 2 => {
            // Rows out of order or duplicated.
            let mut out: Vec<&str> = lines.clone();
            let a = 1 + g.below(lines.len() - 1);
            let b = 1 + g.below(lines.len() - 1);
            if g.chance(50) {
                out.swap(a, b);
            } else {
                out.insert(b, lines[a]);
            }
            (out.join("\n") + "\n").into_bytes()
        }
        _ => mutate(g, text.as_bytes(), &CSV_TOKENS),
    }
}

fn csv_case(g: &mut Gen, bases: &mut Vec<Ledger>, report: &mut Report) {
    report.csv += 1;
    let text = csv_text(g);
    let bytes = if g.chance(85) {
        csv_mutate(g, &text)
    } else {
        text.into_bytes()
    };
    let mut ledger = if bases.is_empty() || g.chance(50) {
        Ledger::new(std::sync::Arc::new(
            security_assistance::eligibility::AllowAll,
        ))
    } else {
        bases[g.below(bases.len())].clone()
    };
    let before = ledger.clone();
    let options = CsvImport {
        partial: g.chance(50),
        ..CsvImport::default()
    };
    let context = || {
        format!(
            "CSV (partial: {}) into a ledger of {} entries:\n{}",
            options.partial,
            before.journal().len(),
            String::from_utf8_lossy(&bytes)
        )
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        import_transactions(&mut ledger, bytes.as_slice(), &options)
    }));
    match outcome {
        Err(payload) => report.find(
            &format!("panic in import_transactions: {}", panic_text(&*payload)),
            context,
        ),
        Ok(Err(_)) => {
            if ledger != before || ledger.journal().len() != before.journal().len() {
                report.find("a refused CSV import changed the ledger", context);
            }
        }
        Ok(Ok(summary)) => {
            report.csv_accepted += 1;
            let added = ledger.journal().len() - before.journal().len();
            if summary.commands != added as u64 {
                report.find(
                    "a CSV import summary counts other commands than the journal holds",
                    || {
                        format!(
                            "summary {summary:?}, journal grew by {added}\n{}",
                            context()
                        )
                    },
                );
            }
            // Every row is applied, a duplicate of rows the ledger holds, or skipped.
            if summary.applied + summary.duplicates + summary.skipped.len() as u64 != summary.rows {
                report.find("a CSV import summary does not add up", || {
                    format!("summary {summary:?}\n{}", context())
                });
            }
            check_status(&ledger, report, &context);
            check_deep(&ledger, report, &context);
            if !ledger.journal().is_empty() {
                if bases.len() < 16 {
                    bases.push(ledger);
                } else {
                    let i = g.below(bases.len());
                    bases[i] = ledger;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The run

/// Runs `config`, calling `progress` now and then with the report so far; the three kinds
/// of input are interleaved so that each advances at the same rate towards its count.
/// `progress` returning `Break` ends the run early (a time budget); the report then holds
/// the counts reached.
pub(crate) fn run(
    config: &Config,
    progress: &mut dyn FnMut(&Report) -> std::ops::ControlFlow<()>,
) -> Report {
    let mut g = Gen::new(config.seed);
    let mut report = Report::default();
    let mut seeds: Vec<String> = Vec::new();
    let mut bases: Vec<Ledger> = Vec::new();
    let share = |done: u64, total: u64| {
        if total == 0 {
            f64::INFINITY
        } else {
            done as f64 / total as f64
        }
    };
    let mut rounds = 0u64;
    loop {
        let c = share(report.commands, config.commands);
        let j = share(report.journals, config.journals);
        let v = share(report.csv, config.csv);
        if c >= 1.0 && j >= 1.0 && v >= 1.0 {
            break;
        }
        if c <= j && c <= v {
            let ledger = stream(&mut g, config, &mut report);
            if !ledger.journal().is_empty() {
                if let Ok(json) = serde_json::to_string(ledger.journal()) {
                    if seeds.len() < 32 {
                        seeds.push(json);
                    } else {
                        let i = g.below(seeds.len());
                        seeds[i] = json;
                    }
                }
            }
        } else if j <= v {
            if seeds.is_empty() {
                let ledger = stream(&mut g, config, &mut report);
                seeds.push(serde_json::to_string(ledger.journal()).unwrap_or_default());
            }
            journal_case(&mut g, &seeds, &mut report);
        } else {
            csv_case(&mut g, &mut bases, &mut report);
        }
        rounds += 1;
        // The caller sees the counts as they grow and may stop the run (a time budget):
        // the report then holds what was done, in the same proportions.
        if rounds % 4096 == 0 && progress(&report).is_break() {
            break;
        }
    }
    // The last call only reports: the run is over either way.
    let _ = progress(&report);
    report
}

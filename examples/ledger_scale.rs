//! Measures the ledger at scale with the built-in eligibility rules in the gate: resident
//! bytes per journal entry, commands a second, and opening a store of the same entries
//! from its checkpoint and from scratch (the in-memory store, so the figures are the
//! ledger's own, without a database's reads).
//!
//! ```sh
//! cargo run --release --example ledger_scale -- 1000000 [builtin|allow] [open|history|apply] [runs] [checkpoints kept] [accounts=N]
//! ```
//!
//! `accounts=N` spreads the same entries over N accounts (one unless told), each
//! appropriated, apportioned, allotted and allocated to the twenty partners, the pairs
//! going to each account in turn: `ledger_scale 1000000 builtin history 5 accounts=200`
//! measures File A for 200 accounts.
//!
//! `history` times the history queries on the applied ledger (median of `runs`): the
//! status of funds as of a past date (the middle of the journal), the as-of ledger, the
//! SF-133 and File A as of that date, and a command backdated one day before the latest
//! entry (applied to a copy, which re-checks only the entries after it).
//!
//! The workload is `benches/ledger.rs`'s (an account, or N, allocated to twenty partners,
//! then obligation and disbursement pairs); commands are built one at a time, so the resident
//! growth is the ledger's. Resident memory is read from `/proc/self/statm` (Linux).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss
)]

use std::error::Error;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, DocumentId, Funding, Instrument,
    Ledger,
};
use security_assistance::eligibility::{AllowAll, EligibilityCheck, Engine, Facts, RuleSet};
use security_assistance::store::{DurableLedger, FixedClock, MemoryStore};
use security_assistance::{CountryCode, Money, ProgramKind};

const PARTNERS: [&str; 20] = [
    "JOR", "EGY", "ISR", "COL", "MEX", "PHL", "IDN", "KEN", "NGA", "GHA", "UKR", "GEO", "POL",
    "EST", "LVA", "LTU", "VNM", "THA", "PER", "ECU",
];

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "date".into())
}

/// Resident bytes of this process.
fn resident() -> Result<u64, Box<dyn Error>> {
    let statm = std::fs::read_to_string("/proc/self/statm")?;
    let pages: u64 = statm.split_whitespace().nth(1).ok_or("statm")?.parse()?;
    Ok(pages * 4096)
}

/// CPU seconds (user and system) this process has used, from `/proc/self/stat`.
fn cpu() -> Result<f64, Box<dyn Error>> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let after = stat.rsplit(')').next().ok_or("stat")?;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    Ok(ticks as f64 / 100.0)
}

/// The commands of the workload, built on demand: the setup, then `entries` obligation and
/// disbursement entries.
struct Workload {
    /// The accounts, the first the one the SF-133 and the backdated command name.
    accounts: Vec<AccountSymbol>,
    account: AccountSymbol,
    keys: Vec<AllocationKey>,
    setup: Vec<Command>,
    pairs: u64,
}

impl Workload {
    /// `accounts` accounts (FMF-like, `011-2008/2009-1082` and the main accounts after it),
    /// each appropriated, apportioned, allotted and allocated to the twenty partners; then
    /// `entries` obligation and disbursement entries spread over them in turn.
    fn new(entries: u64, accounts: u16) -> Result<Workload, Box<dyn Error>> {
        let big: Money = "900000000000000".parse()?;
        let start = day(2007, 10, 1)?;
        let mut keys = Vec::new();
        for p in PARTNERS {
            let partner: CountryCode = p.parse()?;
            keys.push(AllocationKey::new(
                "DSCA".parse()?,
                ProgramKind::Financing,
                Some(partner),
            ));
        }
        let symbols = (0..accounts.max(1))
            .map(|n| format!("011-2008/2009-{:04}", 1082 + u32::from(n)).parse())
            .collect::<Result<Vec<AccountSymbol>, _>>()?;
        let mut actions = Vec::new();
        for &account in &symbols {
            actions.extend([
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
                    holder: "DSCA".parse()?,
                    amount: big,
                },
            ]);
            for key in &keys {
                actions.push(Action::Allocate {
                    account,
                    key: key.clone(),
                    amount: Money::from_cents(4_000_000_000_000_000),
                });
            }
        }
        let setup = actions
            .into_iter()
            .enumerate()
            .map(|(i, action)| {
                Ok(Command::new(
                    format!("s{i}").parse()?,
                    start,
                    "bench".parse()?,
                    action,
                ))
            })
            .collect::<Result<Vec<_>, Box<dyn Error>>>()?;
        Ok(Workload {
            account: symbols[0],
            accounts: symbols,
            keys,
            setup,
            pairs: entries / 2,
        })
    }

    /// The obligation and disbursement of pair `i`.
    fn pair(&self, i: u64) -> Result<[Command; 2], Box<dyn Error>> {
        let date = day(2008, 1, 1)? + chrono::Days::new(i / 4000);
        let n = self.accounts.len() as u64;
        let account = self.accounts[(i % n) as usize];
        let key = self.keys[(i / n % self.keys.len() as u64) as usize].clone();
        let document: DocumentId = format!("D{i}").parse()?;
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
        Ok([
            Command::new(format!("o{i}").parse()?, date, "bench".parse()?, obligate),
            Command::new(format!("d{i}").parse()?, date, "bench".parse()?, disburse),
        ])
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    // `accounts=N` anywhere: spread the entries over N accounts (1 unless told).
    let (options, positional): (Vec<String>, Vec<String>) = std::env::args()
        .skip(1)
        .partition(|a| a.starts_with("accounts="));
    let accounts: u16 = options
        .last()
        .map_or(Ok(1), |a| a.trim_start_matches("accounts=").parse())?;
    let mut args = positional.into_iter();
    let entries: u64 = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let gate = args.next().unwrap_or_else(|| "builtin".to_owned());
    let mode = args.next().unwrap_or_default();
    let open = mode == "open";
    let repeat: usize = args.next().map_or(Ok(1), |a| a.parse())?;
    let checkpoints: Option<usize> = args.next().map(|a| a.parse()).transpose()?;
    let check: Arc<dyn EligibilityCheck + Send + Sync> = match gate.as_str() {
        "allow" => Arc::new(AllowAll),
        _ => Arc::new(Engine::new(Facts::new(), RuleSet::builtin())),
    };
    let workload = Workload::new(entries, accounts)?;
    let before = resident()?;
    let mut ledger = Ledger::new(Arc::clone(&check));
    if let Some(max) = checkpoints {
        ledger.keep_checkpoints(max);
    }
    let (t0, c0) = (Instant::now(), cpu()?);
    for command in workload.setup.clone() {
        ledger.apply(command)?;
    }
    for i in 0..workload.pairs {
        for command in workload.pair(i)? {
            ledger.apply(command)?;
        }
    }
    let applied = t0.elapsed();
    let applied_cpu = cpu()? - c0;
    let after = resident()?;
    let n = ledger.journal().len() as f64;
    println!(
        "{gate}, {} account(s): {} entries applied in {:.3} s wall, {applied_cpu:.3} s CPU ({:.0} commands/s \
         of CPU, commands built on the way); resident growth {} bytes: {:.1} bytes an entry",
        workload.accounts.len(),
        ledger.journal().len(),
        applied.as_secs_f64(),
        n / applied_cpu,
        after.saturating_sub(before),
        after.saturating_sub(before) as f64 / n,
    );
    if mode == "history" {
        return history(&ledger, &workload, repeat, &check);
    }
    if !open {
        return Ok(());
    }
    drop(ledger);
    let clock = Arc::new(FixedClock::new(day(2009, 9, 30)?));
    let mut durable = DurableLedger::open(
        MemoryStore::default(),
        clock.clone(),
        Arc::clone(&check),
        security_assistance::budget::Policy::Open,
    )?;
    let t0 = Instant::now();
    durable.import_all(workload.setup.clone())?;
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..workload.pairs {
        batch.extend(workload.pair(i)?);
        if batch.len() >= 10_000 {
            durable.import_all(std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        durable.import_all(batch)?;
    }
    println!(
        "store built through DurableLedger::import_all (10,000 a batch) in {:.3} s",
        t0.elapsed().as_secs_f64()
    );
    let scratch = durable.store().clone();
    let t0 = Instant::now();
    durable.checkpoint()?;
    println!("checkpoint saved in {:.3} s", t0.elapsed().as_secs_f64());
    let live = durable.ledger().clone();
    let with = durable.into_store();
    for (name, store) in [("checkpoint", with), ("scratch", scratch)] {
        let mut times = Vec::new();
        let mut firsts = Vec::new();
        for run in 0..repeat {
            // The copy of the store (a million entries, each its own allocation) is made
            // before the clock starts: opening reads the store, it does not copy it.
            let copy = store.clone();
            let (t0, c0) = (Instant::now(), cpu()?);
            let mut opened = DurableLedger::open(
                copy,
                clock.clone(),
                Arc::clone(&check),
                security_assistance::budget::Policy::Open,
            )?;
            times.push((t0.elapsed().as_secs_f64(), cpu()? - c0));
            if run == 0 && *opened.ledger() != live {
                return Err(format!("the ledger opened from {name} differs").into());
            }
            // The first command after opening (a new obligation on the last day): it
            // builds what opening leaves to the first use (the index of command ids, the
            // index of the journal's texts).
            let [next, _] = workload.pair(workload.pairs)?;
            let (t0, c0) = (Instant::now(), cpu()?);
            opened.import(next)?;
            firsts.push((t0.elapsed().as_secs_f64(), cpu()? - c0));
        }
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        firsts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, cpu) = times[times.len() / 2];
        let (first_wall, first_cpu) = firsts[firsts.len() / 2];
        println!(
            "open from {name}: {wall:.3} s wall, {cpu:.3} s CPU (median of {repeat}; {} entries); \
             then the first command: {first_wall:.3} s wall, {first_cpu:.3} s CPU",
            live.journal().len()
        );
    }
    Ok(())
}

/// Times `f` `runs` times; prints and returns the median wall and CPU seconds.
fn timed<T>(
    name: &str,
    runs: usize,
    mut f: impl FnMut() -> Result<T, Box<dyn Error>>,
) -> Result<(), Box<dyn Error>> {
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let (t0, c0) = (Instant::now(), cpu()?);
        std::hint::black_box(f()?);
        times.push((t0.elapsed().as_secs_f64(), cpu()? - c0));
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (wall, cpu) = times[times.len() / 2];
    println!(
        "{name}: {:.2} ms wall, {:.2} ms CPU (median of {})",
        wall * 1e3,
        cpu * 1e3,
        times.len()
    );
    Ok(())
}

/// The history queries of issue 16 on `ledger`, at a date in the middle of its journal.
fn history(
    ledger: &Ledger,
    workload: &Workload,
    runs: usize,
    check: &Arc<dyn EligibilityCheck + Send + Sync>,
) -> Result<(), Box<dyn Error>> {
    use security_assistance::FiscalYear;
    use security_assistance::budget::StatusQuery;
    let journal = ledger.journal();
    let middle = journal.get(journal.len() / 2).ok_or("middle")?.command.date;
    let last = journal.get(journal.len() - 1).ok_or("last")?.command.date;
    let fy = FiscalYear::containing(middle);
    println!("history at {middle} (the journal runs to {last}):");
    timed("  status of funds as of the date", runs, || {
        Ok(ledger.status_of_funds(&StatusQuery::new(middle, &[]))?)
    })?;
    timed("  the as-of ledger", runs, || {
        Ok(ledger.as_of(middle, None)?)
    })?;
    let prefix = security_assistance::budget::Journal::from_entries(
        journal
            .iter()
            .take_while(|e| e.command.date <= middle)
            .collect(),
    );
    timed(
        "  the same ledger replayed from the first entry (as every history query did before)",
        runs,
        || Ok(Ledger::replay(&prefix, Arc::clone(check))?),
    )?;
    timed("  SF-133 of the account", runs, || {
        Ok(ledger.sf133(&workload.account, fy, middle)?)
    })?;
    let rows = security_assistance::report::file_a(ledger, fy, middle)?
        .lines()
        .count()
        .saturating_sub(1);
    timed(&format!("  File A ({rows} rows)"), runs, || {
        Ok(security_assistance::report::file_a(ledger, fy, middle)?)
    })?;
    let late = last.pred_opt().ok_or("date")?;
    let backdated = Command::new(
        "backdated".parse()?,
        late,
        "bench".parse()?,
        Action::Obligate {
            account: workload.account,
            document: "BACKDATED".parse()?,
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation {
                key: workload.keys[0].clone(),
            },
            amount: Money::from_cents(100),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    )
    .recorded_on(last);
    let after = journal.len()
        - journal
            .iter()
            .take_while(|e| e.command.date <= late)
            .count();
    timed(
        &format!("  check a command backdated to {late} ({after} entries after it)"),
        runs,
        || Ok(ledger.check(&backdated)?),
    )?;
    Ok(())
}

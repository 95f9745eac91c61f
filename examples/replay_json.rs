//! Times the in-process and replay targets: applies the commands of `benches/ledger.rs` (an
//! account allocated to twenty partners, then obligation and disbursement pairs), `N`
//! journal entries, to a new ledger (commands a second), writes the journal as JSON, then
//! reads the JSON back into a [`Journal`] and replays it, and prints the time of each step
//! (parse and replay: median of `RUNS` runs).
//!
//! ```sh
//! cargo run --release --example replay_json -- 1000000 5 [journal.json]
//! ```
//!
//! With a third argument, the JSON is also written to that file.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation
)]

use std::error::Error;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Funding, Instrument, Journal,
    Ledger,
};
use security_assistance::{CountryCode, Money, ProgramKind};

const PARTNERS: [&str; 20] = [
    "JOR", "EGY", "ISR", "COL", "MEX", "PHL", "IDN", "KEN", "NGA", "GHA", "UKR", "GEO", "POL",
    "EST", "LVA", "LTU", "VNM", "THA", "PER", "ECU",
];

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "date".into())
}

/// The commands of `benches/ledger.rs`: the setup, then `entries` obligation and
/// disbursement entries.
fn commands(entries: u64) -> Result<Vec<Command>, Box<dyn Error>> {
    let mut commands = Vec::new();
    let mut next = 0u64;
    let mut push = |date, action| -> Result<(), Box<dyn Error>> {
        next += 1;
        let id = format!("c{next}").parse()?;
        commands.push(Command::new(id, date, "bench".parse()?, action));
        Ok(())
    };
    let account: AccountSymbol = "011-2008/2009-1082".parse()?;
    let big: Money = "900000000000000".parse()?;
    let start = day(2007, 10, 1)?;
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
            holder: "DSCA".parse()?,
            amount: big,
        },
    ];
    for action in setup {
        push(start, action)?;
    }
    let mut keys = Vec::new();
    for p in PARTNERS {
        let partner: CountryCode = p.parse()?;
        let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some(partner));
        let amount = Money::from_cents(4_000_000_000_000_000);
        let allocate = Action::Allocate {
            account,
            key: key.clone(),
            amount,
        };
        push(start, allocate)?;
        keys.push(key);
    }
    for i in 0..entries / 2 {
        let date = day(2008, 1, 1)? + chrono::Days::new(i / 4000);
        let key = keys[(i % keys.len() as u64) as usize].clone();
        let document: security_assistance::budget::DocumentId = format!("D{i}").parse()?;
        let obligate = Action::Obligate {
            account,
            document: document.clone(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: Money::from_cents(1_000_000 + (i as i64 % 997) * 100),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        };
        push(date, obligate)?;
        let disburse = Action::Disburse {
            account,
            document,
            amount: Money::from_cents(500_000),
        };
        push(date, disburse)?;
    }
    Ok(commands)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let entries: u64 = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let runs: usize = args.next().map_or(Ok(3), |a| a.parse())?;
    let commands = commands(entries)?;
    let count = commands.len();
    let t0 = Instant::now();
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    for command in commands {
        ledger.apply(command)?;
    }
    let applied = t0.elapsed();
    println!(
        "applied {count} commands in {:.3} s: {:.0} commands/s (one run, commands built beforehand)",
        applied.as_secs_f64(),
        count as f64 / applied.as_secs_f64()
    );
    let json = serde_json::to_string(ledger.journal())?;
    if let Some(path) = args.next() {
        std::fs::write(path, &json)?;
    }
    let (mut parse, mut replay, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let t0 = Instant::now();
        let journal: Journal = serde_json::from_str(&json)?;
        let t1 = Instant::now();
        let replayed = Ledger::replay(
            &journal,
            std::sync::Arc::new(security_assistance::eligibility::AllowAll),
        )?;
        let t2 = Instant::now();
        if run == 0 && replayed != ledger {
            return Err("the replayed ledger differs".into());
        }
        parse.push(t1 - t0);
        replay.push(t2 - t1);
        total.push(t2 - t0);
    }
    println!(
        "{} entries, {} bytes of JSON: parse {:.3} s, replay {:.3} s, total {:.3} s (median of {runs})",
        ledger.journal().len(),
        json.len(),
        median(parse).as_secs_f64(),
        median(replay).as_secs_f64(),
        median(total).as_secs_f64(),
    );
    Ok(())
}

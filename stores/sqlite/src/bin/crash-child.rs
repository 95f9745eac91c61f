//! The child process of the crash-safety test: opens (or creates) the store at the path
//! given, then applies commands in a loop, single and in batches of three, printing
//! `ack <id>` for each acknowledged command, until it is killed. With `--open PATH` it
//! only opens the store and prints the outcome. The commands are a fixed
//! sequence, so a restarted child continues where the store ends.

#![allow(clippy::print_stdout, clippy::arithmetic_side_effects)]

use std::io::Write;
use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Funding, Instrument,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{DurableLedger, FixedClock};
use security_assistance_sqlite::SqliteStore;

type Failure = Box<dyn std::error::Error>;

/// The `n`th command of the fixed sequence: an appropriation and its distribution, then
/// obligations of one dollar and a cent to JOR, with a checkpoint now and then.
fn command(n: u64) -> Result<Command, Failure> {
    let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
    let account: AccountSymbol = "011-2008/2009-1082".parse()?;
    let key = AllocationKey::new(
        "DSCA".parse()?,
        ProgramKind::Financing,
        Some("JOR".parse()?),
    );
    let action = match n {
        0 => Action::Appropriate {
            account,
            title: "Foreign Military Financing Program".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "100000000".parse()?,
            law: "P.L. 110-161".into(),
        },
        1 => Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: day },
            amount: "100000000".parse()?,
        },
        2 => Action::Allot {
            account,
            holder: "DSCA".parse()?,
            amount: "100000000".parse()?,
        },
        3 => Action::Allocate {
            account,
            key,
            amount: "100000000".parse()?,
        },
        _ => Action::Obligate {
            account,
            document: format!("JO-D-{n}").parse()?,
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: "1.01".parse()?,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    };
    Ok(Command::new(
        format!("c{n}").parse()?,
        day,
        "crash-child".parse()?,
        action,
    ))
}

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, path] = args.as_slice() {
        if flag == "--open" {
            // Probe: open the test store at PATH and print the outcome (for the read-only
            // test, run as an unprivileged user).
            match SqliteStore::open(path, "test") {
                Ok(_) => println!("ok"),
                Err(e) => println!("{e:?}"),
            }
            return Ok(());
        }
    }
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: crash-child PATH | --open PATH")?;
    let store = if std::path::Path::new(&path).exists() {
        SqliteStore::open(&path, "crash")?
    } else {
        SqliteStore::create(&path, "crash")?
    };
    let clock = Arc::new(FixedClock::new(
        NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?,
    ));
    let mut ledger = DurableLedger::open(
        store,
        clock,
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )?;
    let mut out = std::io::stdout().lock();
    let mut n = ledger.ledger().journal().len() as u64;
    let mut since_checkpoint = 0u32;
    loop {
        if n % 5 == 0 && n > 4 {
            // A batch of three, all or none.
            let batch = (n..n + 3).map(command).collect::<Result<Vec<_>, _>>()?;
            ledger.apply_all(batch)?;
            for i in n..n + 3 {
                writeln!(out, "ack c{i}")?;
            }
            n += 3;
        } else {
            ledger.apply(command(n)?)?;
            writeln!(out, "ack c{n}")?;
            n += 1;
        }
        out.flush()?;
        since_checkpoint += 1;
        if since_checkpoint == 25 {
            ledger.checkpoint()?;
            since_checkpoint = 0;
        }
    }
}

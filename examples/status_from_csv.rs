//! Reads a budget-execution `tx.csv` (the shape of `shared/bench/gen_workload.py`), applies
//! every row to a [`Ledger`] through the crate's CSV import with every check on, and prints
//! the status of funds by account × program × country in the reference format of
//! `check_workload.py --report`: one `account<TAB>cents` line per non-zero balance, sorted.
//!
//! ```sh
//! cargo run --release --example status_from_csv -- wl/tx.csv > status.tsv
//! ```
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::error::Error;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};

use chrono::NaiveDate;
use security_assistance::Money;
use security_assistance::budget::{Dimension, Ledger, StatusQuery};
use security_assistance::report::{CsvImport, import_transactions};

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: status_from_csv FILE.csv")?;
    let file = BufReader::with_capacity(1 << 20, File::open(&path)?);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let rows = write_status(file, &mut out)?;
    out.flush()?;
    eprintln!("{rows} rows applied");
    Ok(())
}

/// Imports the CSV from `input` into a new ledger and writes the status of funds to `out`
/// in the reference format; returns the number of rows applied.
pub fn write_status(
    input: impl std::io::Read,
    out: &mut impl Write,
) -> Result<u64, Box<dyn Error>> {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let summary = import_transactions(&mut ledger, input, &CsvImport::default())?;

    let query = StatusQuery::new(
        NaiveDate::MAX,
        &[
            Dimension::Account,
            Dimension::Holder,
            Dimension::Program,
            Dimension::Partner,
        ],
    );
    // The workload names accounts AAA-YYYY-MMMM by their first fiscal year.
    let name = |symbol: security_assistance::budget::AccountSymbol| {
        format!(
            "{:03}-{}-{:04}",
            symbol.agency(),
            symbol.period().first().year(),
            symbol.main_account()
        )
    };
    let mut balances: BTreeMap<String, Money> = BTreeMap::new();
    let mut add = |key: String, amount: Money| -> Result<(), Box<dyn Error>> {
        let entry = balances.entry(key).or_insert(Money::ZERO);
        *entry = entry.checked_add(amount)?;
        Ok(())
    };
    for row in ledger.status_of_funds(&query)? {
        let account = row.key.account.map(name).ok_or("row without account")?;
        // Every row carries the part of the account's authority that rests there.
        add(
            format!("authority:enacted:{account}"),
            row.budget_authority.checked_neg()?,
        )?;
        match (&row.key.holder, row.key.program, row.key.partner) {
            // Authority not yet allotted rests at the account.
            (None, None, None) => {
                add(format!("budget:unallotted:{account}"), row.unobligated)?;
            }
            // Allotted and not obligated, whether unallocated or on a partner's line.
            (Some(holder), _, partner) => {
                let program = holder.as_str();
                add(
                    format!("budget:allotted:{account}:{program}"),
                    row.unobligated,
                )?;
                if let Some(country) = partner {
                    add(
                        format!("budget:obligated:{account}:{program}:{country}"),
                        row.unliquidated,
                    )?;
                    add(
                        format!("budget:expended:{account}:{program}:{country}"),
                        row.disbursed,
                    )?;
                }
            }
            (None, _, _) => return Err("a distributed row without a funds holder".into()),
        }
    }
    for (key, amount) in balances {
        if !amount.is_zero() {
            writeln!(out, "{key}\t{}", amount.to_cents()?)?;
        }
    }
    Ok(summary.applied)
}

//! A realistic year (the main example's commands) through SQLite: reopened from scratch
//! and from a checkpoint, equal ledgers, status of funds and SF-133 to the cent, and the
//! eligibility gate in force after reopening.

#[allow(dead_code, unreachable_pub, clippy::all)]
#[path = "../../../../examples/fiscal_year.rs"]
mod fiscal_year;

use std::sync::Arc;

use security_assistance::budget::{Action, BudgetError, Command, Dimension, Ledger, StatusQuery};
use security_assistance::store::{DurableLedger, FixedClock, ServiceError};
use security_assistance_sqlite::SqliteStore;

use crate::common::{day, temp_path};

fn same_reports(a: &Ledger, b: &Ledger) {
    let year_end = day(2008, 9, 30);
    for dims in [
        &[Dimension::Account][..],
        &[Dimension::Account, Dimension::Holder, Dimension::Program],
        &[Dimension::Partner],
    ] {
        let query = StatusQuery::new(year_end, dims);
        assert_eq!(
            a.status_of_funds(&query).unwrap(),
            b.status_of_funds(&query).unwrap()
        );
    }
    let account = fiscal_year::ACCOUNT.parse().unwrap();
    for (fy, on) in [("FY2008", year_end), ("FY2009", day(2009, 9, 30))] {
        let fy = fy.parse().unwrap();
        assert_eq!(
            a.sf133(&account, fy, on).unwrap(),
            b.sf133(&account, fy, on).unwrap()
        );
    }
}

#[test]
fn the_main_example_year_round_trips_through_sqlite() {
    let year = fiscal_year::homeland_year().unwrap();
    let live = year.ledger();
    let path = temp_path("year");
    let clock = Arc::new(FixedClock::new(day(2009, 12, 1)));
    let open = |path: &std::path::Path| {
        DurableLedger::open(
            SqliteStore::open(path, "fy2008").unwrap(),
            clock.clone(),
            year.engine.clone(),
            fiscal_year::policy().unwrap(),
        )
    };

    // The year's commands, in the order the ledger accepted them, imported with their
    // recorded dates.
    let mut entries = live.journal().to_entries();
    entries.sort_by_key(|e| e.sequence);
    let mut durable = DurableLedger::open(
        SqliteStore::create(&path, "fy2008").unwrap(),
        clock.clone(),
        year.engine.clone(),
        fiscal_year::policy().unwrap(),
    )
    .unwrap();
    for entry in &entries {
        let receipt = durable.import(entry.command.clone()).unwrap();
        assert_eq!(receipt.sequence, entry.sequence);
    }
    assert_eq!(durable.ledger(), live);
    drop(durable);

    // From scratch.
    let mut reopened = open(&path).unwrap();
    assert_eq!(reopened.ledger(), live);
    same_reports(reopened.ledger(), live);

    // From a checkpoint at the middle of the year, then at its end.
    drop(reopened);
    let middle = entries.len() / 2;
    {
        let half = temp_path("half");
        let mut d = DurableLedger::open(
            SqliteStore::create(&half, "fy2008").unwrap(),
            clock.clone(),
            year.engine.clone(),
            fiscal_year::policy().unwrap(),
        )
        .unwrap();
        for entry in &entries[..middle] {
            d.import(entry.command.clone()).unwrap();
        }
        assert_eq!(d.checkpoint().unwrap(), Some(middle as u64 - 1));
        for entry in &entries[middle..] {
            d.import(entry.command.clone()).unwrap();
        }
        drop(d);
        let from_checkpoint = open(&half).unwrap();
        assert_eq!(from_checkpoint.ledger(), live);
        same_reports(from_checkpoint.ledger(), live);
    }
    reopened = open(&path).unwrap();
    let last = entries.len() as u64 - 1;
    assert_eq!(reopened.checkpoint().unwrap(), Some(last));
    drop(reopened);
    let mut reopened = open(&path).unwrap();
    assert_eq!(reopened.ledger(), live);
    same_reports(reopened.ledger(), live);

    // The gate is in force: an allocation to the sanctioned partner is refused, the same
    // allocation to a partner the year funded is accepted.
    let funded = entries
        .iter()
        .find_map(|e| match &e.command.action {
            Action::Allocate { account, key, .. } if key.partner.is_some() => {
                Some((*account, key.clone()))
            }
            _ => None,
        })
        .unwrap();
    let allocate = |id: &str, partner: &str| {
        let mut key = funded.1.clone();
        key.partner = Some(partner.parse().unwrap());
        Command::new(
            id.parse().unwrap(),
            day(2009, 9, 29),
            "dhs-oia".parse().unwrap(),
            Action::Allocate {
                account: funded.0,
                key,
                amount: "1".parse().unwrap(),
            },
        )
    };
    let refused = reopened.apply(allocate("gate-1", "PRK")).unwrap_err();
    assert!(
        matches!(
            refused,
            ServiceError::Refused(BudgetError::Ineligible { .. })
        ),
        "{refused:?}"
    );
    assert_eq!(reopened.ledger(), live);
    let partner = funded.1.partner.unwrap().to_string();
    reopened.apply(allocate("gate-2", &partner)).unwrap();
    assert_eq!(reopened.ledger().journal().len(), entries.len() + 1);
}

//! The main example's homeland year, kept on PostgreSQL and reopened from scratch: equal
//! ledgers, the same status of funds and SF-133 to the cent, and the eligibility gate in
//! force after reopening.

#[allow(dead_code, unreachable_pub)]
#[path = "../../../../examples/fiscal_year.rs"]
mod fiscal_year;

use security_assistance::ProgramKind;
use security_assistance::budget::{
    Action, AllocationKey, BudgetError, Command, Dimension, Journal, Ledger, StatusQuery,
};
use security_assistance::store::{EncodedEntry, JournalStore, NewEntry};
use security_assistance_postgres::{Config, PostgresStore};

use crate::fixture::{day, usd};
use crate::support::schema;

const LEDGER: &str = "homeland-fy2008";

/// The ledger kept in the store, from its first entry, with the year's eligibility engine
/// as its gate.
fn reopen(config: &Config, year: &fiscal_year::Year) -> Ledger {
    let mut store = PostgresStore::open(config, LEDGER).unwrap();
    let mut entries = Vec::new();
    store
        .read_after(None, &mut |e: EncodedEntry| {
            entries.push(e.decode(entries.len() as u64)?);
            Ok(())
        })
        .unwrap();
    let mut ledger = Ledger::replay(&Journal::from_entries(entries)).unwrap();
    ledger.set_eligibility(year.engine.clone());
    ledger
}

/// Status of funds by account and by partner, and the account's SF-133, at year end.
fn reports(ledger: &Ledger) -> (Vec<String>, String) {
    let year_end = day(2008, 9, 30);
    let mut rows = Vec::new();
    for dimension in [Dimension::Account, Dimension::Partner] {
        for row in ledger
            .status_of_funds(&StatusQuery::new(year_end, &[dimension]))
            .unwrap()
        {
            rows.push(format!("{row:?}"));
        }
    }
    let sf133 = ledger
        .sf133(
            &fiscal_year::ACCOUNT.parse().unwrap(),
            "FY2008".parse().unwrap(),
            year_end,
        )
        .unwrap();
    (rows, format!("{sf133:?}"))
}

/// The year's figures, to the cent (computed by hand in the root crate's
/// `tests/integration/main_example.rs`).
fn assert_the_year(ledger: &Ledger) {
    let year_end = day(2008, 9, 30);
    let rows = ledger
        .status_of_funds(&StatusQuery::new(year_end, &[Dimension::Account]))
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].budget_authority, usd("150800000.00"));
    assert_eq!(rows[0].obligated, usd("11786238.00"));
    assert_eq!(rows[0].disbursed, usd("8907761.00"));
    assert_eq!(rows[0].unobligated, usd("139013762.00"));
    let sf133 = ledger
        .sf133(
            &fiscal_year::ACCOUNT.parse().unwrap(),
            "FY2008".parse().unwrap(),
            year_end,
        )
        .unwrap();
    assert_eq!(sf133.line(1700), Some(usd("800000.00")));
    assert_eq!(sf133.line(1910), Some(usd("150800000.00")));
    assert_eq!(sf133.line(2490), Some(usd("139013762.00")));
}

#[test]
fn the_homeland_year_reopens_equal_from_the_store() {
    let Some(db) = schema("the_homeland_year_reopens_equal_from_the_store") else {
        return;
    };
    let year = fiscal_year::homeland_year().unwrap();
    let live = &year.ledger;
    let mut entries = live.journal().to_entries();
    entries.sort_by_key(|e| e.sequence);
    let today = entries.iter().map(|e| e.command.recorded).max().unwrap();

    // The year's entries, appended in three batches as a service would have made them.
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    let encoded: Vec<NewEntry> = entries.iter().map(|e| NewEntry::new(e).unwrap()).collect();
    let (a, b) = (encoded.len() / 3, 2 * encoded.len() / 3);
    store.append(None, &encoded[..a]).unwrap();
    store.append(Some(a as u64 - 1), &encoded[a..b]).unwrap();
    store.append(Some(b as u64 - 1), &encoded[b..]).unwrap();
    drop(store);
    assert_the_year(live);
    let expected = reports(live);

    let mut reopened = reopen(&db.config, &year);
    assert!(
        reopened == *live,
        "reopened from the store, the ledger differs"
    );
    assert_eq!(reports(&reopened), expected);
    assert_the_year(&reopened);

    // The gate is in force after reopening: an allocation to North Korea (sanctioned) is
    // refused and the ledger is unchanged.
    let to_north_korea = Command::new(
        "HS-PRK".parse().unwrap(),
        day(2008, 6, 2),
        "dhs-oia".parse().unwrap(),
        Action::Allocate {
            account: fiscal_year::ACCOUNT.parse().unwrap(),
            key: AllocationKey::new(
                "USCG".parse().unwrap(),
                ProgramKind::Training,
                Some("PRK".parse().unwrap()),
            ),
            amount: usd("1000.00"),
        },
    )
    .recorded_on(today);
    match reopened.apply(to_north_korea) {
        Err(BudgetError::Ineligible { .. }) => {}
        other => panic!("expected the eligibility gate to refuse North Korea, got {other:?}"),
    }
    assert!(reopened == *live);
}

//! The main example's homeland year, kept on PostgreSQL and reopened from scratch and from
//! a checkpoint: equal ledgers, the same status of funds and SF-133 to the cent, and the
//! eligibility gate in force after reopening.

#[allow(dead_code, unreachable_pub)]
#[path = "../../../../examples/fiscal_year.rs"]
pub(crate) mod fiscal_year;

use std::sync::Arc;

use security_assistance::ProgramKind;
use security_assistance::budget::{
    Action, AllocationKey, BudgetError, Command, Dimension, Ledger, StatusQuery,
};
use security_assistance::eligibility::EligibilityCheck;
use security_assistance::store::{DurableLedger, FixedClock, JournalStore, ServiceError};
use security_assistance_postgres::{Config, PostgresStore};

use crate::fixture::{day, usd};
use crate::support::schema;

const LEDGER: &str = "homeland-fy2008";

fn open(
    config: &Config,
    clock: &Arc<FixedClock>,
    gate: Arc<dyn EligibilityCheck + Send + Sync>,
) -> DurableLedger<PostgresStore> {
    let store = PostgresStore::open(config, LEDGER).unwrap();
    DurableLedger::open(store, clock.clone(), gate, fiscal_year::policy().unwrap()).unwrap()
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
fn the_homeland_year_reopens_equal_from_scratch_and_from_a_checkpoint() {
    let Some(db) = schema("the_homeland_year_reopens_equal_from_scratch_and_from_a_checkpoint")
    else {
        return;
    };
    let year = fiscal_year::homeland_year().unwrap();
    let live = year.ledger();
    let gate: Arc<dyn EligibilityCheck + Send + Sync> = year.engine.clone();
    let mut entries = live.journal().to_entries();
    entries.sort_by_key(|e| e.sequence);
    let today = entries.iter().map(|e| e.command.recorded).max().unwrap();
    let clock = Arc::new(FixedClock::new(today));

    // The year's commands, brought in with their own recorded dates, a checkpoint halfway.
    let mut durable = open(&db.config, &clock, gate.clone());
    let half = entries.len() / 2;
    for entry in &entries[..half] {
        durable.import(entry.command.clone()).unwrap();
    }
    let at = durable.checkpoint().unwrap().unwrap();
    assert_eq!(at, half as u64 - 1);
    for entry in &entries[half..] {
        durable.import(entry.command.clone()).unwrap();
    }
    assert!(
        durable.ledger() == live,
        "the stored ledger differs from the live one"
    );
    drop(durable);
    let expected = reports(live);
    assert_the_year(live);

    // From scratch: the checkpoint hidden, every entry replayed from the journal.
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    client
        .batch_execute(
            "ALTER TABLE sa_checkpoint RENAME TO sa_checkpoint_hidden;
             CREATE TABLE sa_checkpoint (LIKE sa_checkpoint_hidden INCLUDING ALL);",
        )
        .unwrap();
    let scratch = open(&db.config, &clock, gate.clone());
    assert!(
        scratch.ledger() == live,
        "reopened from scratch, the ledger differs"
    );
    assert_eq!(reports(scratch.ledger()), expected);
    assert_the_year(scratch.ledger());
    drop(scratch);
    client
        .batch_execute(
            "DROP TABLE sa_checkpoint; ALTER TABLE sa_checkpoint_hidden RENAME TO sa_checkpoint;",
        )
        .unwrap();

    // From the checkpoint: the entries it covers are removed from the journal, so only the
    // checkpoint and the entries after it can rebuild the year.
    let at_column = i64::try_from(at).unwrap();
    client
        .execute("DELETE FROM sa_journal WHERE sequence <= $1", &[&at_column])
        .unwrap();
    let mut reopened = open(&db.config, &clock, gate.clone());
    assert!(
        reopened.ledger() == live,
        "reopened from the checkpoint, the ledger differs"
    );
    assert_eq!(reports(reopened.ledger()), expected);
    assert_the_year(reopened.ledger());

    // The gate is in force after reopening: an allocation to North Korea (sanctioned) is
    // refused and nothing is written.
    let last = PostgresStore::open(&db.config, LEDGER)
        .unwrap()
        .last_sequence()
        .unwrap();
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
    );
    match reopened.apply(to_north_korea) {
        Err(ServiceError::Refused(BudgetError::Ineligible { .. })) => {}
        other => panic!("expected the eligibility gate to refuse North Korea, got {other:?}"),
    }
    assert!(reopened.ledger() == live);
    let after = PostgresStore::open(&db.config, LEDGER)
        .unwrap()
        .last_sequence()
        .unwrap();
    assert_eq!(after, last);
}

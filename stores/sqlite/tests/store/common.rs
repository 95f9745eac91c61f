//! Helpers shared by the store tests.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Funding, Instrument,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{DurableLedger, FixedClock};
use security_assistance_sqlite::SqliteStore;

/// A fresh path in the system's temporary directory (readable by every user, for the
/// read-only test), removed first if a previous run left it.
pub(crate) fn temp_path(name: &str) -> PathBuf {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sa-sqlite-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("ledger.sqlite")
}

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn account() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

pub(crate) fn key(partner: &str) -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some(partner.parse().unwrap()),
    )
}

/// An appropriation, its distribution to JOR, then `obligations` obligations of $10.
pub(crate) fn commands(obligations: u32) -> Vec<Command> {
    let a = account();
    let d = day(2008, 1, 2);
    let mut actions = vec![
        Action::Appropriate {
            account: a,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account: a,
            category: Apportionment::ByPeriod { from: d },
            amount: "1000000".parse().unwrap(),
        },
        Action::Allot {
            account: a,
            holder: "DSCA".parse().unwrap(),
            amount: "1000000".parse().unwrap(),
        },
        Action::Allocate {
            account: a,
            key: key("JOR"),
            amount: "500000".parse().unwrap(),
        },
    ];
    for i in 0..obligations {
        actions.push(Action::Obligate {
            account: a,
            document: format!("JO-D-{i}").parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key("JOR") },
            amount: "10".parse().unwrap(),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        });
    }
    actions
        .into_iter()
        .enumerate()
        .map(|(i, action)| {
            Command::new(
                format!("c{i}").parse().unwrap(),
                d,
                "me".parse().unwrap(),
                action,
            )
        })
        .collect()
}

pub(crate) fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(day(2008, 1, 2)))
}

/// A ledger on a new, empty store at `path`.
pub(crate) fn created(path: &std::path::Path) -> DurableLedger<SqliteStore> {
    let store = SqliteStore::create(path, "test").unwrap();
    DurableLedger::open(
        store,
        clock(),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap()
}

/// A store at `path` holding `commands(obligations)`, applied one at a time.
pub(crate) fn filled(path: &std::path::Path, obligations: u32) -> DurableLedger<SqliteStore> {
    let mut ledger = created(path);
    for command in commands(obligations) {
        ledger.apply(command).unwrap();
    }
    ledger
}

pub(crate) fn reopen(
    path: &std::path::Path,
) -> Result<DurableLedger<SqliteStore>, security_assistance::store::ServiceError> {
    let store = SqliteStore::open(path, "test")?;
    DurableLedger::open(
        store,
        clock(),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
}

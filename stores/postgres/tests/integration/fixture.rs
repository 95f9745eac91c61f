//! Commands for the tests: one account, apportioned and allotted, and obligations on it.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Funding, Instrument,
    JournalEntry, Ledger,
};
use security_assistance::store::NewEntry;
use security_assistance::{Money, ProgramKind};

pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn usd(text: &str) -> Money {
    text.parse().unwrap()
}

pub(crate) fn account() -> AccountSymbol {
    "011-2008-1081".parse().unwrap()
}

pub(crate) fn key() -> AllocationKey {
    AllocationKey::new("DSCA".parse().unwrap(), ProgramKind::Training, None)
}

pub(crate) fn command(id: &str, date: NaiveDate, action: Action) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        action,
    )
}

/// Appropriates `appropriated`, apportions and allots `allotted` of it to DSCA's training.
pub(crate) fn setup(allotted: &str) -> Vec<Command> {
    let d = day(2007, 10, 1);
    vec![
        command(
            "approp",
            d,
            Action::Appropriate {
                account: account(),
                title: "International Military Education and Training".into(),
                purposes: vec![ProgramKind::Training],
                amount: usd("1000000"),
                law: "P.L. 110-161".into(),
            },
        ),
        command(
            "apport",
            d,
            Action::Apportion {
                account: account(),
                category: Apportionment::ByProgram {
                    program: ProgramKind::Training,
                },
                amount: usd("1000000"),
            },
        ),
        command(
            "allot",
            d,
            Action::Allot {
                account: account(),
                holder: "DSCA".parse().unwrap(),
                amount: usd(allotted),
            },
        ),
    ]
}

/// An obligation of `amount` on the allotment, document `document`.
pub(crate) fn obligate(id: &str, document: &str, date: NaiveDate, amount: &str) -> Command {
    command(
        id,
        date,
        Action::Obligate {
            account: account(),
            document: document.parse().unwrap(),
            instrument: Instrument::Enrollment,
            funding: Funding::Allotment { key: key() },
            amount: usd(amount),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    )
}

/// The setup and `n` obligations of 10.00 applied to a ledger, its journal in sequence order.
pub(crate) fn entries(n: usize) -> Vec<JournalEntry> {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    for c in setup("500000") {
        ledger.apply(c).unwrap();
    }
    for i in 0..n {
        let d = day(2007, 10, 2) + chrono::Days::new(i as u64 % 300);
        ledger
            .apply(obligate(&format!("ob{i}"), &format!("DOC-{i}"), d, "10"))
            .unwrap();
    }
    let mut entries = ledger.journal().to_entries();
    entries.sort_by_key(|e| e.sequence);
    entries
}

pub(crate) fn encode(entries: &[JournalEntry]) -> Vec<NewEntry> {
    entries.iter().map(|e| NewEntry::new(e).unwrap()).collect()
}

//! Collections, dry runs and batches.

use super::*;
use crate::budget::{Actor, Apportionment, Level, ShapeError, Ussgl};
use crate::fiscal::AccountStatus;
use crate::purpose::ProgramKind;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn actor() -> Actor {
    "budget-office".parse().unwrap()
}

fn account() -> AccountSymbol {
    "070-2008/2009-0800".parse().unwrap()
}

fn collect(id: &str, date: NaiveDate, document: &str, amount: &str) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        actor(),
        Action::Collect {
            account: account(),
            document: document.parse().unwrap(),
            payer: "GBR".parse().unwrap(),
            amount: m(amount),
            authority: "6 U.S.C. 195c(d)".into(),
        },
    )
}

/// An FY2008/2009 research account with $1,000,000 appropriated and apportioned.
fn ledger() -> Ledger {
    let mut ledger = Ledger::allow_all();
    let date = day(2008, 1, 2);
    for (id, action) in [
        (
            "a",
            Action::Appropriate {
                account: account(),
                title: "Research, Development, Acquisition and Operations".into(),
                purposes: vec![ProgramKind::TechnologyCooperation],
                amount: m("1000000"),
                law: "P.L. 110-161".into(),
            },
        ),
        (
            "b",
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod { from: date },
                amount: m("1000000"),
            },
        ),
    ] {
        ledger
            .apply(Command::new(id.parse().unwrap(), date, actor(), action))
            .unwrap();
    }
    ledger
}

#[test]
fn a_collection_adds_unapportioned_authority_posted_4252_to_4450() {
    let mut ledger = ledger();
    ledger
        .apply(collect("c", day(2008, 3, 1), "GBR-1", "250000.50"))
        .unwrap();
    let acct = ledger.account(&account()).unwrap();
    assert_eq!(acct.collections, m("250000.50"));
    assert_eq!(acct.authority().unwrap(), m("1250000.50"));
    let tb = ledger.trial_balance(&account()).unwrap();
    assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), m("250000.50"));
    assert_eq!(tb.balance(Ussgl::Unapportioned), m("-250000.50"));
    assert_eq!(tb.net().unwrap(), Money::ZERO);
    assert_eq!(tb.unobligated().unwrap(), m("1250000.50"));
    // The new authority is not yet apportioned: an allotment above the apportionment
    // is still refused, and an apportionment of it is accepted.
    let allot = |id: &str, amount: &str| {
        Command::new(
            id.parse().unwrap(),
            day(2008, 3, 2),
            actor(),
            Action::Allot {
                account: account(),
                holder: "ST".parse().unwrap(),
                amount: m(amount),
            },
        )
    };
    let err = ledger.apply(allot("d", "1000000.01")).unwrap_err();
    assert!(matches!(
        err,
        BudgetError::Exceeds {
            level: Level::Apportionment,
            ..
        }
    ));
    ledger
        .apply(Command::new(
            "e".parse().unwrap(),
            day(2008, 3, 2),
            actor(),
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod {
                    from: day(2008, 3, 2),
                },
                amount: m("250000.50"),
            },
        ))
        .unwrap();
    ledger.apply(allot("f", "1250000.50")).unwrap();
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(crate::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let journal: Journal = serde_json::from_str(&json).unwrap();
    assert_eq!(
        Ledger::replay(&journal, std::sync::Arc::new(crate::eligibility::AllowAll)).unwrap(),
        ledger
    );
    // As of the day before the collection, it is not there.
    let before = ledger.as_of(day(2008, 2, 29), None).unwrap();
    assert_eq!(
        before.account(&account()).unwrap().authority().unwrap(),
        m("1000000")
    );
}

#[test]
fn bad_collections_are_refused_in_precedence_and_change_nothing() {
    let mut ledger = ledger();
    ledger
        .apply(collect("c", day(2008, 3, 1), "GBR-1", "10"))
        .unwrap();
    let before = ledger.clone();
    // Shape: a non-positive amount, an empty authority.
    let err = ledger
        .apply(collect("z", day(2008, 3, 1), "GBR-2", "0"))
        .unwrap_err();
    assert!(matches!(
        err,
        BudgetError::Shape {
            problem: ShapeError::NotPositive { .. },
            ..
        }
    ));
    let mut empty = collect("y", day(2008, 3, 1), "GBR-2", "5");
    if let Action::Collect { authority, .. } = &mut empty.action {
        *authority = " ".into();
    }
    assert!(matches!(
        ledger.apply(empty).unwrap_err(),
        BudgetError::Shape {
            problem: ShapeError::EmptyText { .. },
            ..
        }
    ));
    // Existence: an unknown account, a document already collected.
    let mut unknown = collect("x", day(2008, 3, 1), "GBR-2", "5");
    if let Action::Collect { account, .. } = &mut unknown.action {
        *account = "070-2008-0801".parse().unwrap();
    }
    assert!(matches!(
        ledger.apply(unknown).unwrap_err(),
        BudgetError::UnknownAccount { .. }
    ));
    let err = ledger
        .apply(collect("w", day(2008, 3, 1), "GBR-1", "5"))
        .unwrap_err();
    assert!(matches!(err, BudgetError::DocumentExists { .. }));
    assert!(err.to_string().contains("a collection"), "{err}");
    // Time: the account expired on 2009-10-01, and is cancelled five years later.
    for (id, date, status) in [
        ("v", day(2009, 10, 1), AccountStatus::Expired),
        ("u", day(2014, 10, 1), AccountStatus::Cancelled),
    ] {
        let err = ledger.apply(collect(id, date, "GBR-3", "5")).unwrap_err();
        assert!(
            matches!(err, BudgetError::NotAvailable { status: s, .. } if s == status),
            "{err}"
        );
        assert_eq!(err.precedence(), 4);
    }
    // Before enactment (backdated): a time error too.
    let err = ledger
        .apply(collect("t", day(2007, 12, 1), "GBR-4", "5").recorded_on(day(2008, 3, 1)))
        .unwrap_err();
    assert!(matches!(err, BudgetError::BeforeEnactment { .. }), "{err}");
    assert_eq!(ledger, before);
}

#[test]
fn a_repeated_collection_id_is_applied_once() {
    let mut ledger = ledger();
    let c = collect("c", day(2008, 3, 1), "GBR-1", "10");
    assert!(!ledger.apply(c.clone()).unwrap().duplicate);
    assert!(ledger.apply(c.clone()).unwrap().duplicate);
    assert_eq!(ledger.account(&account()).unwrap().collections, m("10"));
    let mut changed = c;
    if let Action::Collect { payer, .. } = &mut changed.action {
        *payer = "CAN".parse().unwrap();
    }
    assert!(matches!(
        ledger.apply(changed).unwrap_err(),
        BudgetError::CommandConflict { field, .. } if field == "action.payer"
    ));
}

/// The journal as JSON and the status of funds: what "unchanged" compares besides `==`.
fn seen(ledger: &Ledger) -> (String, Vec<crate::budget::StatusRow>) {
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let rows = ledger
        .status_of_funds(&crate::budget::StatusQuery::new(
            day(2009, 9, 30),
            &[crate::budget::Dimension::Account],
        ))
        .unwrap();
    (json, rows)
}

#[test]
fn check_gives_the_receipt_apply_gives_and_changes_nothing() {
    let mut ledger = ledger();
    let before = ledger.clone();
    let command = collect("c", day(2008, 3, 1), "GBR-1", "10");
    let checked = ledger.check(&command).unwrap();
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen(&before));
    assert_eq!(checked.sequence, 2);
    assert!(!checked.duplicate);
    assert_eq!(ledger.apply(command.clone()).unwrap(), checked);
    // A repeat is checked as a duplicate; a conflicting one is refused alike.
    let again = ledger.check(&command).unwrap();
    assert!(again.duplicate);
    assert_eq!(ledger.apply(command).unwrap(), again);
    let conflict = collect("c", day(2008, 3, 1), "GBR-1", "11");
    assert_eq!(
        ledger.check(&conflict).unwrap_err(),
        ledger.apply(conflict).unwrap_err()
    );
    // Backdated: checked by rebuilding, still changing nothing.
    let after = ledger.clone();
    let backdated = collect("d", day(2008, 2, 1), "GBR-2", "5").recorded_on(day(2008, 3, 1));
    let checked = ledger.check(&backdated).unwrap();
    assert_eq!(ledger, after);
    assert_eq!(ledger.apply(backdated).unwrap(), checked);
}

#[test]
fn a_refused_batch_leaves_the_ledger_as_it_was() {
    let mut ledger = ledger();
    ledger
        .apply(collect("c0", day(2008, 3, 1), "GBR-0", "1"))
        .unwrap();
    let before = ledger.clone();
    let batch = vec![
        collect("c1", day(2008, 3, 2), "GBR-1", "10"),
        // Backdated, so the whole state is saved from here.
        collect("c2", day(2008, 2, 1), "GBR-2", "20").recorded_on(day(2008, 3, 2)),
        collect("c3", day(2008, 3, 3), "GBR-3", "30"),
        collect("c4", day(2008, 3, 3), "GBR-1", "40"),
    ];
    let err = ledger.apply_all(batch.clone()).unwrap_err();
    assert_eq!(err.index, 3);
    assert_eq!(err.command.as_str(), "c4");
    assert!(matches!(err.error, BudgetError::DocumentExists { .. }));
    assert_eq!(
        std::error::Error::source(&err).map(ToString::to_string),
        Some(err.error.to_string())
    );
    assert!(!err.to_string().contains(&err.error.to_string()));
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen(&before));
    assert_eq!(ledger.check_all(&batch).unwrap_err(), err);
    // The ids of the refused batch are free again, and the sequence goes on from
    // where it was.
    let receipts = ledger.apply_all(batch[..3].to_vec()).unwrap();
    assert_eq!(
        receipts.iter().map(|r| r.sequence).collect::<Vec<_>>(),
        vec![3, 4, 5]
    );
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(crate::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

#[test]
fn a_repeat_inside_a_batch_is_a_duplicate_and_the_first_refusal_is_named() {
    let mut ledger = ledger();
    let c1 = collect("c1", day(2008, 3, 2), "GBR-1", "10");
    let receipts = ledger.apply_all(vec![c1.clone(), c1.clone()]).unwrap();
    assert!(!receipts[0].duplicate);
    assert!(receipts[1].duplicate);
    assert_eq!(receipts[0].sequence, receipts[1].sequence);
    let before = ledger.clone();
    let clash = collect("c1", day(2008, 3, 2), "GBR-1", "11");
    let err = ledger
        .apply_all(vec![collect("c2", day(2008, 3, 2), "GBR-2", "1"), clash])
        .unwrap_err();
    assert_eq!((err.index, err.command.as_str()), (1, "c1"));
    assert!(matches!(err.error, BudgetError::CommandConflict { .. }));
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen(&before));
    assert_eq!(ledger.apply_all(Vec::new()).unwrap(), Vec::new());
    assert_eq!(ledger.check_all(&[]).unwrap(), Vec::new());
}

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

fn collect_earned(id: &str, date: NaiveDate, document: &str, earned: NaiveDate) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        actor(),
        Action::CollectEarned {
            account: account(),
            document: document.parse().unwrap(),
            payer: "GBR".parse().unwrap(),
            amount: m("100"),
            authority: "6 U.S.C. 195c(d)".into(),
            earned,
        },
    )
}

fn reverse(id: &str, date: NaiveDate, document: &str, amount: &str) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        actor(),
        Action::ReverseCollection {
            account: account(),
            document: document.parse().unwrap(),
            amount: m(amount),
            reason: "check returned unpaid".into(),
        },
    )
}

fn status_refused(err: &BudgetError) -> Option<(AccountStatus, NaiveDate)> {
    match err {
        BudgetError::NotAvailable { status, date, .. } => Some((*status, *date)),
        _ => None,
    }
}

/// 31 U.S.C. 1552(b), 1553(a): the FY2008/2009 account is available through 2009-09-30,
/// expired from 2009-10-01, closed on 2014-09-30. A reimbursement earned on its last
/// available day may be credited on any day until it closes; one earned the day it
/// expired may not; none after it closes.
#[test]
fn a_reimbursement_earned_before_expiry_is_credited_to_the_expired_account() {
    let mut ledger = ledger();
    let last_available = day(2009, 9, 30);
    // Earned the day before and the last day, collected the day of expiry, the day after
    // and the closing day.
    for (id, collected, earned) in [
        ("e1", day(2009, 10, 1), day(2009, 9, 29)),
        ("e2", day(2009, 10, 2), last_available),
        ("e3", day(2014, 9, 30), last_available),
    ] {
        ledger
            .apply(collect_earned(id, collected, id, earned).recorded_on(day(2014, 9, 30)))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    let acct = ledger.account(&account()).unwrap();
    assert_eq!(acct.collections, m("300"));
    assert_eq!(acct.status(day(2014, 9, 30)), AccountStatus::Expired);
    let tb = ledger.trial_balance(&account()).unwrap();
    assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), m("300"));
    assert_eq!(tb.net().unwrap(), Money::ZERO);
    // Line 1700 of FY2010 shows the two collected in FY2010; FY2015's statement is not
    // reached: the third was collected on the closing day, in FY2014.
    let fy2010 = ledger
        .sf133(&account(), "FY2010".parse().unwrap(), day(2010, 9, 30))
        .unwrap();
    assert_eq!(fy2010.line(1700), Some(m("200")));
    let before = ledger.clone();
    // Earned the day of expiry: refused as of that day, expired.
    let err = ledger
        .apply(collect_earned(
            "x1",
            day(2014, 9, 30),
            "X1",
            day(2009, 10, 1),
        ))
        .unwrap_err();
    assert_eq!(
        status_refused(&err),
        Some((AccountStatus::Expired, day(2009, 10, 1)))
    );
    // Collected the day after closing: refused, cancelled (1552(b): miscellaneous receipts).
    let err = ledger
        .apply(collect_earned("x2", day(2014, 10, 1), "X2", last_available))
        .unwrap_err();
    assert_eq!(
        status_refused(&err),
        Some((AccountStatus::Cancelled, day(2014, 10, 1)))
    );
    // Earned after it was collected: a malformed command.
    let err = ledger
        .apply(collect_earned(
            "x3",
            day(2014, 10, 1),
            "X3",
            day(2014, 10, 2),
        ))
        .unwrap_err();
    assert!(
        matches!(
            err,
            BudgetError::Shape {
                problem: ShapeError::EarnedAfterCollection { .. },
                ..
            }
        ),
        "{err}"
    );
    // Earned before the account was enacted (2008-01-02).
    let err = ledger
        .apply(collect_earned(
            "x4",
            day(2014, 9, 30),
            "X4",
            day(2008, 1, 1),
        ))
        .unwrap_err();
    assert!(matches!(err, BudgetError::BeforeEnactment { .. }), "{err}");
    // A document already collected, whichever way: existence outranks time.
    let err = ledger
        .apply(collect_earned("x5", day(2014, 10, 1), "e1", last_available))
        .unwrap_err();
    assert!(matches!(err, BudgetError::DocumentExists { .. }), "{err}");
    // A plain collection on the same day as the expiry is still refused.
    let err = ledger
        .apply(collect("x6", day(2014, 9, 30), "X6", "1"))
        .unwrap_err();
    assert_eq!(
        status_refused(&err),
        Some((AccountStatus::Expired, day(2014, 9, 30)))
    );
    assert_eq!(ledger, before);
    // Earned and collected the same day while unexpired: the same as a collection.
    let mut twin = self::ledger();
    twin.apply(collect_earned("s", day(2009, 9, 30), "S", day(2009, 9, 30)))
        .unwrap();
    assert_eq!(twin.account(&account()).unwrap().collections, m("100"));
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(crate::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

/// A reversal takes back at most what remains collected on its document (a cent under,
/// at, over), and at most the unapportioned authority.
#[test]
fn a_collection_is_reversed_up_to_what_it_brought_in() {
    let mut ledger = ledger();
    ledger
        .apply(collect("c", day(2008, 3, 1), "GBR-1", "100.00"))
        .unwrap();
    ledger
        .apply(collect("c2", day(2008, 3, 1), "GBR-2", "5.00"))
        .unwrap();
    let before = ledger.clone();
    // A cent over: refused with what remains.
    let err = ledger
        .apply(reverse("r0", day(2008, 3, 2), "GBR-1", "100.01"))
        .unwrap_err();
    assert_eq!(
        err,
        BudgetError::Exceeds {
            level: Level::Collection,
            account: account(),
            requested: m("100.01"),
            available: m("100.00"),
        }
    );
    assert_eq!(
        err.citation().map(|c| c.to_string()).as_deref(),
        Some("31 U.S.C. 3302(b)")
    );
    // Unknown document; empty reason.
    let err = ledger
        .apply(reverse("r1", day(2008, 3, 2), "GBR-9", "1"))
        .unwrap_err();
    assert!(
        matches!(err, BudgetError::UnknownCollection { .. }),
        "{err}"
    );
    assert_eq!(err.precedence(), 3);
    let mut blank = reverse("r2", day(2008, 3, 2), "GBR-1", "1");
    if let Action::ReverseCollection { reason, .. } = &mut blank.action {
        *reason = "".into();
    }
    assert!(matches!(
        ledger.apply(blank).unwrap_err(),
        BudgetError::Shape {
            problem: ShapeError::EmptyText { .. },
            ..
        }
    ));
    assert_eq!(ledger, before);
    // A cent under, then the last cent, then nothing more.
    ledger
        .apply(reverse("r3", day(2008, 3, 2), "GBR-1", "99.99"))
        .unwrap();
    let err = ledger
        .apply(reverse("r4", day(2008, 3, 2), "GBR-1", "0.02"))
        .unwrap_err();
    assert!(
        matches!(err, BudgetError::Exceeds { level: Level::Collection, available, .. } if available == m("0.01")),
        "{err}"
    );
    ledger
        .apply(reverse("r5", day(2008, 3, 2), "GBR-1", "0.01"))
        .unwrap();
    let err = ledger
        .apply(reverse("r6", day(2008, 3, 2), "GBR-1", "0.01"))
        .unwrap_err();
    assert!(
        matches!(err, BudgetError::Exceeds { level: Level::Collection, available, .. } if available.is_zero()),
        "{err}"
    );
    // The document stays recorded: it cannot be collected again.
    assert!(matches!(
        ledger
            .apply(collect("c3", day(2008, 3, 2), "GBR-1", "1"))
            .unwrap_err(),
        BudgetError::DocumentExists { .. }
    ));
    let acct = ledger.account(&account()).unwrap();
    assert_eq!(acct.collections, m("5.00"));
    assert_eq!(acct.authority().unwrap(), m("1000005.00"));
    let tb = ledger.trial_balance(&account()).unwrap();
    assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), m("5.00"));
    assert_eq!(tb.net().unwrap(), Money::ZERO);
    // Once apportioned, the authority cannot be taken back without a withdrawal.
    ledger
        .apply(Command::new(
            "p".parse().unwrap(),
            day(2008, 3, 3),
            actor(),
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod {
                    from: day(2008, 3, 3),
                },
                amount: m("3"),
            },
        ))
        .unwrap();
    let err = ledger
        .apply(reverse("r7", day(2008, 3, 3), "GBR-2", "2.01"))
        .unwrap_err();
    assert_eq!(
        err,
        BudgetError::Exceeds {
            level: Level::Appropriation,
            account: account(),
            requested: m("2.01"),
            available: m("2"),
        }
    );
    // In the expired account, up to the closing day; not after it.
    ledger
        .apply(reverse("r8", day(2014, 9, 30), "GBR-2", "2"))
        .unwrap();
    let err = ledger
        .apply(reverse("r9", day(2014, 10, 1), "GBR-2", "1"))
        .unwrap_err();
    assert_eq!(
        status_refused(&err),
        Some((AccountStatus::Cancelled, day(2014, 10, 1)))
    );
    // Line 1700 of FY2008 is the net: 105 collected, 102 reversed in the year.
    let fy2008 = ledger
        .sf133(&account(), "FY2008".parse().unwrap(), day(2008, 9, 30))
        .unwrap();
    assert_eq!(fy2008.line(1700), Some(m("5.00")));
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
    assert_eq!(journal, *ledger.journal());
}

/// A reversal backdated before its collection breaks nothing: it is refused.
#[test]
fn a_reversal_dated_before_its_collection_is_refused() {
    let mut ledger = ledger();
    ledger
        .apply(collect("c", day(2008, 3, 5), "GBR-1", "10"))
        .unwrap();
    let err = ledger
        .apply(reverse("r", day(2008, 3, 4), "GBR-1", "1").recorded_on(day(2008, 3, 5)))
        .unwrap_err();
    assert!(
        matches!(err, BudgetError::UnknownCollection { .. }),
        "{err}"
    );
}

proptest::proptest! {
    /// Whatever collections and reversals are tried, what the account holds as collected
    /// is never negative, equals the sum of its documents' remainders and the balance of
    /// USSGL 4252, and the trial balance nets to zero.
    #[test]
    fn collections_never_go_negative(
        steps in proptest::collection::vec((0u8..2, 0usize..3, 1i64..20_000), 1..40)
    ) {
        let mut ledger = ledger();
        for (i, (kind, doc, cents)) in steps.into_iter().enumerate() {
            let amount = Money::from_cents(cents).to_decimal().to_string();
            let document = format!("D-{doc}");
            let command = if kind == 0 {
                collect(&format!("c{i}"), day(2008, 3, 1), &document, &amount)
            } else {
                reverse(&format!("r{i}"), day(2008, 3, 1), &document, &amount)
            };
            let _ = ledger.apply(command);
            let acct = ledger.account(&account()).unwrap();
            proptest::prop_assert!(!acct.collections.is_negative());
            let sum = Money::checked_sum(acct.collected.values().copied()).unwrap();
            proptest::prop_assert_eq!(sum, acct.collections);
            proptest::prop_assert!(acct.collected.values().all(|v| !v.is_negative()));
            let tb = ledger.trial_balance(&account()).unwrap();
            proptest::prop_assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), acct.collections);
            proptest::prop_assert_eq!(tb.net().unwrap(), Money::ZERO);
        }
    }
}

//! Collections through the public API: a reimbursement earned before its account expired
//! and collected afterwards (31 U.S.C. 1552(b), 1553(a)), and the reversal of a collection.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, Apportionment, BudgetError, Command, Journal, Ledger, Level,
};
use security_assistance::{AccountStatus, Money, ProgramKind};

use crate::support::{Snapshot, assert_unchanged};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn usd(text: &str) -> Money {
    text.parse().unwrap()
}

/// FMF FY2008/2009: available through 2009-09-30, expired from 2009-10-01, closed on
/// 2014-09-30.
fn fmf() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

fn command(id: &str, date: NaiveDate, action: Action) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        action,
    )
    .recorded_on(day(2014, 9, 30).max(date))
}

fn ledger() -> Ledger {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let date = day(2008, 1, 2);
    for (id, action) in [
        (
            "a",
            Action::Appropriate {
                account: fmf(),
                title: "Foreign Military Financing Program".into(),
                purposes: vec![ProgramKind::Financing],
                amount: usd("1000"),
                law: "P.L. 110-161".into(),
            },
        ),
        (
            "b",
            Action::Apportion {
                account: fmf(),
                category: Apportionment::ByPeriod { from: date },
                amount: usd("1000"),
            },
        ),
    ] {
        ledger
            .apply(Command::new(
                id.parse().unwrap(),
                date,
                "budget-office".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

fn earned(document: &str, amount: &str, on: NaiveDate) -> Action {
    Action::CollectEarned {
        account: fmf(),
        document: document.parse().unwrap(),
        amount: usd(amount),
        payer: "COL".parse().unwrap(),
        authority: "22 U.S.C. 2392(d)".into(),
        earned: on,
    }
}

fn reverse(document: &str, amount: &str) -> Action {
    Action::ReverseCollection {
        account: fmf(),
        document: document.parse().unwrap(),
        amount: usd(amount),
        reason: "overpayment returned to the partner".into(),
    }
}

fn refused_status(err: &BudgetError) -> Option<AccountStatus> {
    match err {
        BudgetError::NotAvailable { status, .. } => Some(*status),
        _ => None,
    }
}

#[test]
fn a_reimbursement_earned_on_the_last_available_day_is_credited_until_the_account_closes() {
    let mut ledger = ledger();
    // Earned the last available day, collected the day of expiry and the closing day.
    ledger
        .apply(command(
            "e1",
            day(2009, 10, 1),
            earned("B-1", "40", day(2009, 9, 30)),
        ))
        .unwrap();
    ledger
        .apply(command(
            "e2",
            day(2014, 9, 30),
            earned("B-2", "2", day(2009, 9, 30)),
        ))
        .unwrap();
    let before = Snapshot::of(&ledger);
    // Earned the day the account expired: refused.
    let err = ledger
        .apply(command(
            "x1",
            day(2014, 9, 30),
            earned("B-3", "1", day(2009, 10, 1)),
        ))
        .unwrap_err();
    assert_eq!(refused_status(&err), Some(AccountStatus::Expired), "{err}");
    // Collected the day after the account closed: refused (1552(b)).
    let err = ledger
        .apply(command(
            "x2",
            day(2014, 10, 1),
            earned("B-3", "1", day(2009, 9, 30)),
        ))
        .unwrap_err();
    assert_eq!(
        refused_status(&err),
        Some(AccountStatus::Cancelled),
        "{err}"
    );
    assert_unchanged(&ledger, &before);
    // The FY2010 statement shows the collection of that year on line 1700.
    let fy2010 = ledger
        .sf133(&fmf(), "FY2010".parse().unwrap(), day(2010, 9, 30))
        .unwrap();
    assert_eq!(fy2010.line(1700), Some(usd("40")));
    // The journal reads back and replays equal, with the earned date kept.
    let json = serde_json::to_string(ledger.journal()).unwrap();
    assert!(json.contains(r#""type":"collect_earned""#), "{json}");
    assert!(json.contains(r#""earned":"2009-09-30""#), "{json}");
    let journal: Journal = serde_json::from_str(&json).unwrap();
    let replayed = Ledger::replay(
        &journal,
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert_eq!(replayed, ledger);
}

#[test]
fn a_reversal_takes_back_a_cent_under_or_at_what_was_collected_never_over() {
    let mut ledger = ledger();
    ledger
        .apply(command(
            "c",
            day(2009, 9, 1),
            earned("B-1", "10.00", day(2009, 9, 1)),
        ))
        .unwrap();
    let before = Snapshot::of(&ledger);
    let err = ledger
        .apply(command("r0", day(2009, 9, 2), reverse("B-1", "10.01")))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            BudgetError::Exceeds { level: Level::Collection, requested, available, .. }
                if *requested == usd("10.01") && *available == usd("10.00")
        ),
        "{err}"
    );
    let wire = serde_json::to_value(&err).unwrap();
    assert_eq!(wire["code"], "exceeds");
    let err = ledger
        .apply(command("r1", day(2009, 9, 2), reverse("B-9", "1")))
        .unwrap_err();
    assert!(
        matches!(err, BudgetError::UnknownCollection { .. }),
        "{err}"
    );
    assert_eq!(
        serde_json::to_value(&err).unwrap()["code"],
        "unknown_collection"
    );
    assert_unchanged(&ledger, &before);
    ledger
        .apply(command("r2", day(2009, 9, 2), reverse("B-1", "9.99")))
        .unwrap();
    ledger
        .apply(command("r3", day(2009, 10, 2), reverse("B-1", "0.01")))
        .unwrap();
    let fy2009 = ledger
        .sf133(&fmf(), "FY2009".parse().unwrap(), day(2009, 9, 30))
        .unwrap();
    assert_eq!(fy2009.line(1700), Some(usd("0.01")));
    // The last cent was taken back in the expired account, in FY2010.
    assert_eq!(
        fmf().period().status_on(day(2009, 10, 2)),
        AccountStatus::Expired
    );
    let fy2010 = ledger
        .sf133(&fmf(), "FY2010".parse().unwrap(), day(2010, 9, 30))
        .unwrap();
    assert_eq!(fy2010.line(1700), Some(usd("-0.01")));
    let tb = ledger.trial_balance(&fmf()).unwrap();
    assert_eq!(tb.net().unwrap(), Money::ZERO);
}

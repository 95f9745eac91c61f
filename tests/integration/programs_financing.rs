//! Financing through the public API: a grant through the ledger, and a loan whose arrears
//! become the Brooke fact that refuses new assistance.

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Ledger, StatusQuery,
};
use security_assistance::eligibility::{
    EligibilityRequest, Engine, Facts, Outcome, RuleSet, evaluate,
};
use security_assistance::programs::financing::{
    DayCount, DirectLoan, Grant, LoanTerms, RepaymentMethod,
};
use security_assistance::{Citation, Money, ProgramKind, Rounding};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn a_grant_obligates_and_draws_down_without_a_receivable() {
    let account = "011-2008/2009-1082".parse().unwrap();
    let key = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    );
    let mut ledger = Ledger::new();
    let actor = || "dsca".parse().unwrap();
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger, action| {
        n += 1;
        ledger
            .apply(Command::new(
                format!("s{n}").parse().unwrap(),
                day(2008, 1, 2),
                actor(),
                action,
            ))
            .unwrap();
    };
    apply(
        &mut ledger,
        Action::Appropriate {
            account,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("200000000"),
            law: "P.L. 110-161".into(),
        },
    );
    apply(
        &mut ledger,
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: m("200000000"),
        },
    );
    apply(
        &mut ledger,
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("200000000"),
        },
    );
    apply(
        &mut ledger,
        Action::Allocate {
            account,
            key: key.clone(),
            amount: m("198380000"),
        },
    );
    let grant = Grant {
        account,
        document: "JO-D-GAA".parse().unwrap(),
        key,
        amount: m("198380000"),
    };
    ledger
        .apply(grant.obligate("g1".parse().unwrap(), day(2008, 2, 1), actor()))
        .unwrap();
    ledger
        .apply(
            grant
                .drawdown(
                    "g2".parse().unwrap(),
                    day(2008, 3, 1),
                    actor(),
                    m("50000000"),
                )
                .unwrap(),
        )
        .unwrap();
    ledger
        .apply(
            grant
                .drawdown(
                    "g3".parse().unwrap(),
                    day(2008, 4, 1),
                    actor(),
                    m("148380000"),
                )
                .unwrap(),
        )
        .unwrap();
    // Nothing more can be drawn.
    assert!(
        ledger
            .apply(
                grant
                    .drawdown("g4".parse().unwrap(), day(2008, 4, 2), actor(), m("0.01"))
                    .unwrap()
            )
            .is_err()
    );
    let rows = ledger
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[Dimension::Partner]))
        .unwrap();
    let jordan = rows.iter().find(|r| r.key.partner.is_some()).unwrap();
    assert_eq!(jordan.obligated, m("198380000"));
    assert_eq!(jordan.disbursed, m("198380000"));
    assert_eq!(jordan.unliquidated, Money::ZERO);
}

#[test]
fn loan_arrears_become_the_brooke_fact() {
    let loan = DirectLoan::new(LoanTerms {
        principal: m("10000000"),
        annual_rate: "5".parse().unwrap(),
        disbursed_on: day(2006, 1, 15),
        delivered_on: day(2006, 6, 30),
        first_payment: day(2006, 7, 15),
        grace_payments: 1,
        principal_payments: 10,
        method: RepaymentMethod::LevelPayment,
        day_count: DayCount::Actual365,
        rounding: Rounding::HalfEven,
    })
    .unwrap();
    // Nothing was ever paid: the first installment fell due 2006-07-15.
    let fact = loan
        .arrears_fact(
            "ZWE".parse().unwrap(),
            day(2007, 8, 1),
            Citation::new("loan", "ZW-1"),
        )
        .unwrap()
        .unwrap();
    let facts: Facts = [fact].into_iter().collect();
    let rules = RuleSet::builtin();
    let ask = |d| {
        evaluate(
            &EligibilityRequest::new("ZWE".parse().unwrap(), ProgramKind::Financing, d),
            &facts,
            &rules,
        )
    };
    // Exactly one calendar year after the due date: still allowed; the day after: refused.
    assert_eq!(ask(day(2007, 7, 15)).outcome(), Outcome::Eligible);
    assert_eq!(ask(day(2007, 7, 16)).outcome(), Outcome::Ineligible);
    let engine = Engine::new(facts, rules);
    assert_eq!(engine.facts().len(), 1);
}

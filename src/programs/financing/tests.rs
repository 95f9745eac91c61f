use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::budget::Apportionment;
use crate::eligibility::{Engine, Facts, RuleSet};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn agreement(document: &str, partner: &str) -> FinancingAgreement {
    FinancingAgreement::new(
        document.parse().unwrap(),
        "011-2008/2009-1082".parse().unwrap(),
        "DSCA".parse().unwrap(),
        partner.parse().unwrap(),
    )
}

/// The worked example's terms: $50,000,000.00 in two disbursements, 4.5 %, 2 + 20
/// installments from 2008-07-15.
fn fifty_million(method: RepaymentMethod, day_count: DayCount) -> LoanTerms {
    LoanTerms {
        principal: m("50000000"),
        annual_rate: "4.5".parse().unwrap(),
        disbursements: vec![
            Disbursement {
                date: day(2008, 1, 15),
                amount: m("30000000"),
            },
            Disbursement {
                date: day(2008, 4, 15),
                amount: m("20000000"),
            },
        ],
        delivered_on: day(2008, 6, 30),
        first_installment: day(2008, 7, 15),
        grace_installments: 2,
        principal_installments: 20,
        method,
        day_count,
        rounding: Rounding::HalfEven,
        market_yield: None,
    }
}

#[test]
fn level_payment_actual_365_matches_an_exact_model() {
    // Figures from an independent exact-fraction model of the documented method: the
    // annuity at 2.25 % for 20 periods, interest on actual days over 365, half-even cents.
    let loan = DirectLoan::new(
        agreement("EG-L-2", "EGY"),
        fifty_million(RepaymentMethod::LevelPayment, DayCount::Actual365),
    )
    .unwrap();
    let s = loan.schedule();
    // 3,600,000 × 91 / 365 = 897,534.246… (2008-01-15 to 2008-04-15 on 30M, then 50M).
    assert_eq!(s[0].interest, m("897534.25"));
    assert_eq!(s[0].interest_days, 182);
    assert_eq!(s[1].interest, m("1134246.58"));
    // Level payment 3,132,103.54 = principal + interest for every installment but the
    // last.
    assert_eq!(
        (s[2].principal, s[2].interest),
        (m("2016350.12"), m("1115753.42"))
    );
    for i in &s[2..21] {
        assert_eq!(i.total().unwrap(), m("3132103.54"), "{}", i.number);
    }
    assert_eq!(
        (s[21].principal, s[21].interest),
        (m("3063982.78"), m("69506.24"))
    );
    assert_eq!(loan.total_interest().unwrap(), m("14675237.11"));
}

#[test]
fn terms_are_checked_in_precedence_order() {
    let base = || fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360);
    let err = |t: LoanTerms| DirectLoan::new(agreement("X", "EGY"), t).unwrap_err();
    // 2 shape.
    let mut t = base();
    t.principal = Money::ZERO;
    t.principal_installments = 0;
    assert!(matches!(
        err(t),
        FinancingError::NotPositive {
            field: AmountField::Principal,
            ..
        }
    ));
    let mut t = base();
    t.principal_installments = 0;
    t.disbursements.clear();
    assert_eq!(err(t), FinancingError::NoPrincipalInstallments);
    let mut t = base();
    t.disbursements.clear();
    assert_eq!(err(t), FinancingError::NoDisbursements);
    let mut t = base();
    t.disbursements[1].amount = m("19999999.99");
    t.disbursements.swap(0, 1);
    let e = err(t);
    assert_eq!(e.precedence(), 2);
    assert!(matches!(e, FinancingError::DisbursementsDoNotSum { .. }));
    // 4 time.
    let mut t = base();
    t.disbursements.swap(0, 1);
    t.first_installment = day(2008, 1, 1);
    let e = err(t);
    assert_eq!(e.precedence(), 4);
    assert!(matches!(e, FinancingError::DisbursementsOutOfOrder { .. }));
    let mut t = base();
    t.first_installment = day(2008, 1, 15);
    assert!(matches!(
        err(t),
        FinancingError::InstallmentBeforeDisbursement { .. }
    ));
    let mut t = base();
    // Two interest-only installments: principal repayment starts 2009-07-15, and a
    // disbursement on 2009-01-15 is still in the grace period.
    t.disbursements[1].date = day(2009, 1, 15);
    assert!(DirectLoan::new(agreement("X", "EGY"), t.clone()).is_ok());
    t.disbursements[1].date = day(2009, 7, 15);
    assert_eq!(
        err(t),
        FinancingError::DisbursementAfterRepaymentStarts {
            disbursed_on: day(2009, 7, 15),
            first_principal_due: day(2009, 7, 15)
        }
    );
    // 5 law: below the market yield without a certification.
    let mut t = base();
    t.market_yield = Some(MarketYield {
        rate: "4.51".parse().unwrap(),
        below_market_certified: false,
        source: Citation::new("Treasury", "yield curve"),
    });
    let e = err(t.clone());
    assert_eq!(e.precedence(), 5);
    assert!(e.to_string().contains("below-market certification"), "{e}");
    t.market_yield = t.market_yield.map(|y| MarketYield {
        below_market_certified: true,
        ..y
    });
    assert!(DirectLoan::new(agreement("X", "EGY"), t).is_ok());
}

#[test]
fn rule_36_twelve_years_after_delivery() {
    // Delivered 2008-06-30: the limit is 2020-06-30. 2 + 23 installments end 2020-07-15.
    let mut t = fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360);
    t.principal_installments = 23;
    let e = DirectLoan::new(agreement("X", "EGY"), t.clone()).unwrap_err();
    assert_eq!(
        e,
        FinancingError::TermTooLong {
            maturity: day(2020, 7, 15),
            limit: day(2020, 6, 30),
            delivered_on: day(2008, 6, 30)
        }
    );
    assert!(e.to_string().contains("12 years after delivery"), "{e}");
    t.principal_installments = 22; // ends 2020-01-15
    assert!(DirectLoan::new(agreement("X", "EGY"), t.clone()).is_ok());
    // Exactly on the limit is within it.
    t.principal_installments = 23;
    t.delivered_on = day(2008, 7, 15);
    assert!(DirectLoan::new(agreement("X", "EGY"), t).is_ok());
}

#[test]
fn payments_and_arrears() {
    let mut loan = DirectLoan::new(
        agreement("EG-L-1", "EGY"),
        fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360),
    )
    .unwrap();
    assert_eq!(loan.arrears(day(2008, 7, 15)), None);
    let a = loan.arrears(day(2008, 7, 16)).unwrap();
    assert_eq!(
        (
            a.oldest_unpaid_due,
            a.days_past_due,
            a.installments_past_due
        ),
        (day(2008, 7, 15), 1, 1)
    );
    assert_eq!(a.amount_past_due, m("900000"));
    // A partial payment leaves the first installment the oldest unpaid.
    loan.record_payment(day(2008, 7, 20), m("899999.99"))
        .unwrap();
    let a = loan.arrears(day(2008, 7, 21)).unwrap();
    assert_eq!(
        (a.oldest_unpaid_due, a.amount_past_due),
        (day(2008, 7, 15), m("0.01"))
    );
    // The rest, and the second installment in full: current.
    loan.record_payment(day(2009, 1, 15), m("1125000.01"))
        .unwrap();
    assert_eq!(loan.arrears(day(2009, 1, 16)), None);
    assert_eq!(
        loan.arrears_fact(day(2009, 1, 16), Citation::new("l", "1")),
        None
    );
    // Nothing more: on 2010-07-01 installments 3 and 4 are past due.
    let fact = loan
        .arrears_fact(day(2010, 7, 1), Citation::new("loan record", "EG-L-1"))
        .unwrap();
    assert_eq!(fact.partner, "EGY".parse().unwrap());
    assert_eq!(
        fact.kind,
        FactKind::LoanArrears {
            oldest_unpaid_due: day(2009, 7, 15)
        }
    );
    assert_eq!(
        (fact.effective_from, fact.recorded),
        (day(2009, 7, 16), day(2010, 7, 1))
    );
    let a = loan.arrears(day(2010, 7, 1)).unwrap();
    assert_eq!(a.amount_past_due, m("7193750")); // 3,625,000 + 3,568,750
    // On 2010-08-01 the fifth is past due too: + 3,512,500.
    let a = loan.arrears(day(2010, 8, 1)).unwrap();
    assert_eq!(
        (a.amount_past_due, a.installments_past_due),
        (m("10706250"), 3)
    );
    // Out of order, too much, nothing.
    assert!(matches!(
        loan.record_payment(day(2009, 1, 14), m("1")),
        Err(FinancingError::PaymentOutOfOrder { .. })
    ));
    let outstanding = loan.outstanding();
    assert_eq!(
        outstanding,
        m("63837500").checked_sub(m("2025000")).unwrap()
    );
    assert_eq!(
        loan.record_payment(day(2010, 8, 1), outstanding.checked_add(m("0.01")).unwrap()),
        Err(FinancingError::Overpayment {
            amount: outstanding.checked_add(m("0.01")).unwrap(),
            outstanding
        })
    );
    assert!(loan.record_payment(day(2010, 8, 1), Money::ZERO).is_err());
    loan.record_payment(day(2010, 8, 1), outstanding).unwrap();
    assert_eq!(loan.arrears(day(2030, 1, 1)), None);
    assert!(loan.outstanding().is_zero());
    // JSON keeps the payments and rebuilds the schedule.
    let json = serde_json::to_string(&loan).unwrap();
    assert_eq!(serde_json::from_str::<DirectLoan>(&json).unwrap(), loan);
}

/// A two-year FMF account with $300,000,000.00 allotted to DSCA and allocated to EGY,
/// JOR and TUR, a ledger gated by `facts` with the built-in rules.
fn fmf(facts: Facts) -> Ledger {
    let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
    let mut ledger = Ledger::new(Arc::new(Engine::new(facts, RuleSet::builtin())));
    let mut actions = vec![
        Action::Appropriate {
            account,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("300000000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: m("300000000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("300000000"),
        },
    ];
    for p in ["EGY", "JOR", "TUR"] {
        actions.push(Action::Allocate {
            account,
            key: agreement("K", p).key(),
            amount: m("100000000"),
        });
    }
    for (i, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("s{i}").parse().unwrap(),
                day(2008, 1, 2),
                "dsca".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

fn id(s: &str) -> CommandId {
    s.parse().unwrap()
}

fn dsca() -> Actor {
    "dsca".parse().unwrap()
}

#[test]
fn grant_steps_in_precedence_order() {
    let mut ledger = fmf(Facts::new());
    assert!(matches!(
        Grant::new(agreement("JO-D-GAA", "JOR"), Money::ZERO),
        Err(FinancingError::NotPositive { .. })
    ));
    let mut grant = Grant::new(agreement("JO-D-GAA", "JOR"), m("60000000")).unwrap();
    assert_eq!(grant.remaining(&ledger).unwrap(), Money::ZERO);
    let e = grant
        .drawdown(&mut ledger, day(2008, 2, 1), m("1"), id("g0"), dsca())
        .unwrap_err();
    assert_eq!(e.precedence(), 1);
    // The ledger refuses more than the allocation: nothing changes.
    let mut big = Grant::new(agreement("JO-D-GAB", "JOR"), m("100000000.01")).unwrap();
    let e = big
        .obligate(&mut ledger, day(2008, 2, 1), id("g1"), dsca())
        .unwrap_err();
    assert!(matches!(
        e,
        FinancingError::Ledger(BudgetError::Exceeds { .. })
    ));
    assert_eq!(big.obligated_on(), None);
    let receipt = grant
        .obligate(&mut ledger, day(2008, 2, 1), id("g1"), dsca())
        .unwrap();
    assert!(receipt.decision.is_some());
    assert!(matches!(
        grant.obligate(&mut ledger, day(2008, 2, 2), id("g2"), dsca()),
        Err(FinancingError::AlreadyObligated { .. })
    ));
    grant
        .drawdown(
            &mut ledger,
            day(2008, 3, 1),
            m("20000000"),
            id("g3"),
            dsca(),
        )
        .unwrap();
    assert!(matches!(
        grant.drawdown(
            &mut ledger,
            day(2008, 3, 1),
            m("20000000"),
            id("g3"),
            dsca()
        ),
        Err(FinancingError::DuplicateLedgerCommand { .. })
    ));
    let e = grant
        .drawdown(
            &mut ledger,
            day(2008, 3, 2),
            m("40000000.01"),
            id("g4"),
            dsca(),
        )
        .unwrap_err();
    assert_eq!(
        e,
        FinancingError::DrawdownAboveRemaining {
            document: "JO-D-GAA".parse().unwrap(),
            requested: m("40000000.01"),
            remaining: m("40000000")
        }
    );
    let reference = grant.reference();
    assert_eq!(
        (reference.kind, reference.obligated, reference.financing),
        (FinancingKind::Grant, m("60000000"), m("60000000"))
    );
}

#[test]
fn an_ineligible_partner_is_refused_by_the_ledger_gate() {
    let mut facts = Facts::new();
    facts.add(Fact::new(
        "TUR".parse().unwrap(),
        FactKind::EndUseViolation,
        day(2008, 1, 20),
        Citation::new("AECA", "3(c) report"),
        day(2008, 1, 20),
    ));
    let mut ledger = fmf(facts);
    let mut loan = DirectLoan::new(
        agreement("TU-L-1", "TUR"),
        fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360),
    )
    .unwrap();
    let e = loan
        .obligate(&mut ledger, day(2008, 2, 1), id("l1"), dsca())
        .unwrap_err();
    assert!(
        matches!(e, FinancingError::Ledger(BudgetError::Ineligible { .. })),
        "{e}"
    );
    assert_eq!(loan.obligated_on(), None);
}

#[test]
fn loan_disbursements_post_once_each() {
    let mut ledger = fmf(Facts::new());
    let mut loan = DirectLoan::new(
        agreement("EG-L-1", "EGY"),
        fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360),
    )
    .unwrap();
    assert!(matches!(
        loan.post_disbursement(&mut ledger, 1, id("d1"), dsca()),
        Err(FinancingError::NotObligated { .. })
    ));
    loan.obligate(&mut ledger, day(2008, 1, 10), id("l1"), dsca())
        .unwrap();
    for bad in [0, 3] {
        assert!(matches!(
            loan.post_disbursement(&mut ledger, bad, id("d1"), dsca()),
            Err(FinancingError::UnknownDisbursement { count: 2, .. })
        ));
    }
    loan.post_disbursement(&mut ledger, 1, id("d1"), dsca())
        .unwrap();
    assert!(matches!(
        loan.post_disbursement(&mut ledger, 1, id("d1b"), dsca()),
        Err(FinancingError::DisbursementPosted { number: 1, .. })
    ));
    loan.post_disbursement(&mut ledger, 2, id("d2"), dsca())
        .unwrap();
    let balance = ledger
        .obligation(&loan.agreement().account(), loan.agreement().document())
        .unwrap();
    assert_eq!(
        (balance.obligated, balance.disbursed),
        (m("50000000"), m("50000000"))
    );
    assert_eq!(balance.instrument, Instrument::Loan);
    let json = serde_json::to_string(&loan).unwrap();
    assert_eq!(serde_json::from_str::<DirectLoan>(&json).unwrap(), loan);
}

#[test]
fn a_guarantee_obligates_only_its_subsidy() {
    let mut ledger = fmf(Facts::new());
    assert!(matches!(
        LoanGuarantee::new(
            agreement("G", "TUR"),
            "FFB",
            m("1"),
            "100.01".parse().unwrap(),
            Rounding::HalfEven
        ),
        Err(FinancingError::SubsidyRateAbove100 { .. })
    ));
    assert!(matches!(
        LoanGuarantee::new(
            agreement("G", "TUR"),
            "FFB",
            m("1"),
            "0.4".parse().unwrap(),
            Rounding::HalfEven
        ),
        Err(FinancingError::NotPositive {
            field: AmountField::SubsidyCost,
            ..
        })
    ));
    // 250,000,000 × 7.125 % = 17,812,500.00: above the $100,000,000 allocation if the
    // guaranteed amount obligated, well within it as a subsidy.
    let mut g = LoanGuarantee::new(
        agreement("TU-G-1", "TUR"),
        "Federal Financing Bank",
        m("250000000"),
        "7.125".parse().unwrap(),
        Rounding::HalfEven,
    )
    .unwrap();
    assert_eq!(g.subsidy_cost(), m("17812500"));
    g.obligate(&mut ledger, day(2008, 2, 1), id("g1"), dsca())
        .unwrap();
    let balance = ledger
        .obligation(&g.agreement().account(), g.agreement().document())
        .unwrap();
    assert_eq!(balance.obligated, m("17812500"));
    assert_eq!(balance.instrument, Instrument::LoanGuarantee);
    assert!(!g.reference().kind.creates_receivable());
    let json = serde_json::to_string(&g).unwrap();
    assert_eq!(serde_json::from_str::<LoanGuarantee>(&json).unwrap(), g);
    let tampered = json.replace("17812500.00", "1.00");
    assert!(serde_json::from_str::<LoanGuarantee>(&tampered).is_err());
}

#[test]
fn thirty_360_at_month_ends() {
    let dc = DayCount::Thirty360;
    assert_eq!(dc.days_between(day(2008, 8, 31), day(2009, 2, 28)), 178);
    assert_eq!(dc.days_between(day(2008, 2, 29), day(2008, 8, 31)), 182);
    assert_eq!(dc.days_between(day(2008, 3, 30), day(2008, 3, 31)), 0);
    assert_eq!(DayCount::Actual360.days_in_year(), 360);
}

// ---- properties ----

/// An independent reading of each convention: 30/360 through a day number where every
/// month has 30 days, actual days through days from the common era.
fn model_days(dc: DayCount, a: NaiveDate, b: NaiveDate) -> i128 {
    match dc {
        DayCount::Thirty360 => {
            let d1 = if a.day() == 31 { 30 } else { a.day() };
            let d2 = if b.day() == 31 && d1 == 30 {
                30
            } else {
                b.day()
            };
            let n =
                |y: i32, m: u32, d: u32| i128::from(y) * 360 + i128::from(m) * 30 + i128::from(d);
            n(b.year(), b.month(), d2) - n(a.year(), a.month(), d1)
        }
        DayCount::Actual365 | DayCount::Actual360 => {
            i128::from(b.num_days_from_ce()) - i128::from(a.num_days_from_ce())
        }
    }
}

/// Rounds n ÷ d (d > 0) to an integer by `rounding`, written out case by case.
fn model_round(n: i128, d: i128, rounding: Rounding) -> i128 {
    let floor = n.div_euclid(d);
    let rem = n.rem_euclid(d); // 0 <= rem < d
    if rem == 0 {
        return floor;
    }
    let up = floor + 1;
    let toward_zero = if n >= 0 { floor } else { up };
    let away = if n >= 0 { up } else { floor };
    match rounding {
        Rounding::TowardZero => toward_zero,
        Rounding::AwayFromZero => away,
        Rounding::HalfAwayFromZero | Rounding::HalfEven => {
            let twice = 2 * rem;
            if twice < d {
                floor
            } else if twice > d {
                up
            } else if rounding == Rounding::HalfAwayFromZero {
                away
            } else if floor % 2 == 0 {
                floor
            } else {
                up
            }
        }
    }
}

fn cents(m: Money) -> i128 {
    i128::from(m.to_cents().unwrap())
}

fn method() -> impl Strategy<Value = RepaymentMethod> {
    prop_oneof![
        Just(RepaymentMethod::LevelPrincipal),
        Just(RepaymentMethod::LevelPayment)
    ]
}

fn day_count() -> impl Strategy<Value = DayCount> {
    prop_oneof![
        Just(DayCount::Thirty360),
        Just(DayCount::Actual365),
        Just(DayCount::Actual360)
    ]
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![
        Just(Rounding::HalfEven),
        Just(Rounding::HalfAwayFromZero),
        Just(Rounding::TowardZero),
        Just(Rounding::AwayFromZero)
    ]
}

prop_compose! {
    /// Terms within the 12-year limit: up to 3 + 20 installments, the first at most 200
    /// days after the first disbursement, delivered on the first disbursement; up to
    /// three disbursements before the first principal installment. Principal is biased
    /// to edges: one cent, a few cents, and large amounts.
    fn terms()(
        principal in prop_oneof![Just(1i64), 1i64..100, 1i64..1_000_000_000_000],
        rate in prop_oneof![Just(0u32), 1u32..20_000],
        start in 0u64..3650,
        gap in 1u64..200,
        grace in 0u32..=3,
        n in 1u32..=20,
        method in method(),
        day_count in day_count(),
        rounding in rounding(),
        extra in proptest::collection::vec((0.0f64..1.0, 0.0f64..1.0), 0..3),
    ) -> LoanTerms {
        let first = day(2000, 1, 1) + chrono::Days::new(start);
        let first_installment = first + chrono::Days::new(gap);
        let mut t = LoanTerms {
            principal: Money::from_cents(principal),
            annual_rate: format!("{}.{:03}", rate / 1000, rate % 1000).parse().unwrap(),
            disbursements: vec![Disbursement { date: first, amount: Money::from_cents(principal) }],
            delivered_on: first,
            first_installment,
            grace_installments: grace,
            principal_installments: n,
            method,
            day_count,
            rounding,
            market_yield: None,
        };
        // Split the principal at random points, dated before the first principal
        // installment.
        let window = t.due(grace).unwrap().signed_duration_since(first).num_days() - 1;
        let mut left = principal;
        let mut parts = Vec::new();
        for (share, when) in extra {
            let amount = ((left as f64) * share * 0.5) as i64;
            if amount > 0 && amount < left {
                left -= amount;
                let offset = ((window as f64) * when) as u64;
                parts.push(Disbursement { date: first + chrono::Days::new(offset), amount: Money::from_cents(amount) });
            }
        }
        parts.sort_by_key(|d| d.date);
        t.disbursements[0].amount = Money::from_cents(left);
        t.disbursements.extend(parts);
        t
    }
}

proptest! {
    #[test]
    fn principal_sums_exactly_and_no_installment_is_negative(t in terms()) {
        let loan = DirectLoan::new(agreement("P", "EGY"), t.clone()).unwrap();
        let s = loan.schedule();
        prop_assert_eq!(s.len() as u32, t.grace_installments + t.principal_installments);
        let principal = Money::checked_sum(s.iter().map(|i| i.principal)).unwrap();
        prop_assert_eq!(principal, t.principal);
        for i in s {
            prop_assert!(!i.principal.is_negative(), "principal {:?}", i);
            prop_assert!(!i.interest.is_negative(), "interest {:?}", i);
            prop_assert!(!i.balance_after.is_negative(), "balance {:?}", i);
            if i.number <= t.grace_installments {
                prop_assert!(i.principal.is_zero());
            }
        }
        prop_assert!(s.last().unwrap().balance_after.is_zero());
    }

    #[test]
    fn interest_follows_the_named_convention(t in terms()) {
        let loan = DirectLoan::new(agreement("P", "EGY"), t.clone()).unwrap();
        let rate = t.annual_rate.percent();
        let year = match t.day_count { DayCount::Thirty360 | DayCount::Actual360 => 360, DayCount::Actual365 => 365 };
        let mut previous_due: Option<NaiveDate> = None;
        let mut repaid: i128 = 0;
        for i in loan.schedule() {
            let start = previous_due.unwrap_or(t.disbursements[0].date);
            // Boundaries: the start, each disbursement strictly inside, the due date.
            let mut points = vec![start];
            points.extend(t.disbursements.iter().map(|d| d.date).filter(|d| *d > start && *d < i.due));
            points.push(i.due);
            points.dedup();
            let mut weighted: i128 = 0;
            for w in points.windows(2) {
                let balance: i128 = t.disbursements.iter().filter(|d| d.date <= w[0]).map(|d| cents(d.amount)).sum::<i128>() - repaid;
                weighted += balance * model_days(t.day_count, w[0], w[1]);
            }
            let expected = model_round(
                weighted * rate.mantissa(),
                year * 100 * 10i128.pow(rate.scale()),
                t.rounding,
            );
            prop_assert_eq!(cents(i.interest), expected, "installment {}", i.number);
            repaid += cents(i.principal);
            previous_due = Some(i.due);
        }
    }

    #[test]
    fn a_whole_30_360_period_is_half_the_annual_rate(
        principal in 1i64..1_000_000_000_000,
        rate in 1u32..20_000,
        dom in 1u32..=28,
        n in 1u32..=20,
    ) {
        let annual: Rate = format!("{}.{:03}", rate / 1000, rate % 1000).parse().unwrap();
        let t = LoanTerms::single_disbursement(
            Money::from_cents(principal), annual, day(2008, 1, dom), day(2008, 7, dom), n,
            RepaymentMethod::LevelPrincipal, DayCount::Thirty360, Rounding::HalfEven);
        let loan = DirectLoan::new(agreement("P", "EGY"), t).unwrap();
        let mut balance = Money::from_cents(principal);
        for i in loan.schedule() {
            prop_assert_eq!(i.interest_days, 180);
            let half: Rate = Rate::from_percent(annual.percent() / Decimal::TWO).unwrap();
            prop_assert_eq!(i.interest, half.apply(balance, Rounding::HalfEven).unwrap());
            balance = i.balance_after;
        }
    }

    #[test]
    fn arrears_only_grow_until_a_payment(
        t in terms(),
        payments in proptest::collection::vec((0u64..5000, 1u32..100), 0..6),
        queries in proptest::collection::vec(0u64..6000, 2..12),
    ) {
        let mut loan = DirectLoan::new(agreement("P", "EGY"), t.clone()).unwrap();
        let origin = t.disbursements[0].date;
        let mut payments: Vec<(NaiveDate, u32)> = payments.into_iter().map(|(o, pct)| (origin + chrono::Days::new(o), pct)).collect();
        payments.sort();
        for (date, pct) in &payments {
            // A share of what is still owed, at least a cent.
            let owed = loan.outstanding().to_cents().unwrap();
            let amount = (owed / 100 * i64::from(*pct)).max(1).min(owed);
            if amount > 0 {
                loan.record_payment(*date, Money::from_cents(amount)).unwrap();
            }
        }
        let mut queries: Vec<NaiveDate> = queries.into_iter().map(|o| origin + chrono::Days::new(o)).collect();
        queries.sort();
        queries.dedup();
        for pair in queries.windows(2) {
            let (q1, q2) = (pair[0], pair[1]);
            let paid_between = loan.payments().iter().any(|p| p.date > q1 && p.date <= q2);
            if paid_between {
                continue;
            }
            let (a1, a2) = (loan.arrears(q1), loan.arrears(q2));
            let amount = |a: Option<Arrears>| a.map_or(Money::ZERO, |a| a.amount_past_due);
            prop_assert!(amount(a2) >= amount(a1), "{:?} then {:?}", a1, a2);
            if let Some(a1) = a1 {
                let a2 = a2.unwrap();
                prop_assert_eq!(a2.oldest_unpaid_due, a1.oldest_unpaid_due);
                prop_assert_eq!(a2.days_past_due - a1.days_past_due, (q2 - q1).num_days());
                prop_assert!(a2.installments_past_due >= a1.installments_past_due);
            }
        }
    }
}

/// Issue 17 (the former `debug_assert!`s of `build_schedule`): a disbursement on the first
/// principal due date would never join the schedule's balance; it is refused by the terms'
/// check before any schedule is built. A day earlier it joins, the last installment repays
/// the whole balance, and no balance, principal or interest is negative.
#[test]
fn a_disbursement_the_schedule_could_not_take_is_refused_before_it() {
    let first_principal_due = day(2009, 7, 15);
    let with_last_disbursement = |date: NaiveDate| {
        let mut t = fifty_million(RepaymentMethod::LevelPayment, DayCount::Actual365);
        if let Some(d) = t.disbursements.last_mut() {
            d.date = date;
        }
        DirectLoan::new(agreement("EG-L-9", "EGY"), t)
    };
    assert_eq!(
        with_last_disbursement(first_principal_due).unwrap_err(),
        FinancingError::DisbursementAfterRepaymentStarts {
            disbursed_on: first_principal_due,
            first_principal_due,
        }
    );
    let loan = with_last_disbursement(day(2009, 7, 14)).unwrap();
    let schedule = loan.schedule();
    let repaid = Money::checked_sum(schedule.iter().map(|i| i.principal)).unwrap();
    assert_eq!(repaid, m("50000000"));
    assert_eq!(schedule.last().map(|i| i.balance_after), Some(Money::ZERO));
    assert!(schedule.iter().all(|i| !i.balance_after.is_negative()
        && !i.principal.is_negative()
        && !i.interest.is_negative()));
}

#[test]
fn subsidy_rates_are_checked_and_dated() {
    let rate = |from, r: &str, source: &str| SubsidyRate {
        from,
        rate: r.parse().unwrap(),
        source: source.into(),
    };
    assert_eq!(
        SubsidyRates::new(vec![]),
        Err(FinancingError::SubsidyRatesInvalid { index: 0 })
    );
    let same_day = vec![
        rate(day(2007, 10, 1), "6.53", "FY2008"),
        rate(day(2007, 10, 1), "5.9", "FY2008 revised"),
    ];
    assert_eq!(
        SubsidyRates::new(same_day),
        Err(FinancingError::SubsidyRatesInvalid { index: 1 })
    );
    assert_eq!(
        SubsidyRates::new(vec![rate(day(2007, 10, 1), "6.53", " ")]),
        Err(FinancingError::SubsidyRatesInvalid { index: 0 })
    );
    assert!(matches!(
        SubsidyRates::new(vec![rate(day(2007, 10, 1), "100.5", "x")]),
        Err(FinancingError::SubsidyRateAbove100 { .. })
    ));
    let rates = SubsidyRates::new(vec![
        rate(day(2007, 10, 1), "6.53", "FY2008"),
        rate(day(2008, 10, 1), "5.9", "FY2009"),
    ])
    .unwrap();
    assert_eq!(rates.on(day(2008, 9, 30)).unwrap().source, "FY2008");
    assert_eq!(rates.on(day(2012, 1, 1)).unwrap().source, "FY2009");
    let err = rates.on(day(2007, 9, 30)).unwrap_err();
    assert_eq!(
        err,
        FinancingError::NoSubsidyRate {
            date: day(2007, 9, 30),
            first: day(2007, 10, 1)
        }
    );
    assert_eq!(err.precedence(), 4);
    // The JSON form is checked the same way.
    let json = serde_json::to_string(&rates).unwrap();
    assert_eq!(serde_json::from_str::<SubsidyRates>(&json).unwrap(), rates);
    let unordered = r#"{"rates":[{"from":"2008-10-01","rate":"5.9","source":"a"},{"from":"2007-10-01","rate":"6.53","source":"b"}]}"#;
    assert!(serde_json::from_str::<SubsidyRates>(unordered).is_err());
}

#[test]
fn a_loan_not_under_credit_reform_posts_no_collection() {
    let mut ledger = Ledger::allow_all();
    let mut loan = DirectLoan::new(
        agreement("JO-L-9", "JOR"),
        fifty_million(RepaymentMethod::LevelPrincipal, DayCount::Thirty360),
    )
    .unwrap();
    let before = loan.clone();
    let err = loan
        .collect(&mut ledger, day(2008, 7, 15), m("1"), id("c1"), dsca())
        .unwrap_err();
    assert_eq!(
        err,
        FinancingError::NotCreditReform {
            document: "JO-L-9".parse().unwrap()
        }
    );
    assert_eq!(loan, before);
    assert!(ledger.journal().is_empty());
}

proptest! {
    /// However payments are cut, the principal they cover is what the schedule's
    /// installments, paid oldest first and interest first, say: never more than the
    /// principal, and all of it once the whole schedule is paid.
    #[test]
    fn payments_split_into_principal_and_interest_exactly(
        cuts in proptest::collection::vec(1i64..3_000_000_000, 1..12),
        m_ in method(),
    ) {
        let loan = DirectLoan::new(agreement("X", "JOR"), fifty_million(m_, DayCount::Actual365)).unwrap();
        let total = cents(loan.scheduled_total()) as i64;
        let mut paid = 0i64;
        let mut principal = 0i64;
        for cut in cuts {
            let next = (paid + cut).min(total);
            let share = loan.principal_covered(next).unwrap() - loan.principal_covered(paid).unwrap();
            prop_assert!(share >= 0 && share <= next - paid);
            principal += share;
            paid = next;
        }
        // The model: the principal of the installments fully paid, plus the part of the
        // next one beyond its interest.
        let mut rest = paid;
        let mut model = 0i64;
        for i in loan.schedule() {
            let (int, pr) = (cents(i.interest) as i64, cents(i.principal) as i64);
            let take = (rest - int).clamp(0, pr);
            model += take;
            rest = (rest - int - take).max(0);
        }
        prop_assert_eq!(principal, model);
        prop_assert_eq!(loan.principal_covered(total).unwrap(), 5_000_000_000);
    }
}

//! Financing through the public API: a loan made from FY2006 money falls into arrears,
//! its Brooke fact — derived from the loan — makes the ledger refuse a new grant to the
//! borrower until the arrears are paid; grants, drawdowns and a loan guarantee from FY2008
//! money end in a status of funds that reconciles to the cent.
//!
//! Hand-computed figures:
//!
//! - **PK-L-001**, a direct loan to Pakistan from `011-2006/2007-1082`: $20,000,000.00 at
//!   5 %, disbursed 2006-01-15, delivered 2006-06-30; installments every 15 July and
//!   15 January from 2006-07-15, one interest-only, then 10 level-principal installments of
//!   $2,000,000.00; 30/360, so each period is 2.5 % of the balance: #1 2006-07-15
//!   $500,000.00; #2 2007-01-15 $2,500,000.00; #3 2007-07-15 $2,450,000.00; #4 2008-01-15
//!   $2,400,000.00; … #11 2011-07-15 $2,050,000.00. Pakistan pays #1 and then nothing.
//!   On 2008-02-01 the oldest unpaid installment fell due 2007-01-15, 382 days before;
//!   $7,350,000.00 is past due (#2 to #4). "More than one calendar year" is passed from
//!   2008-01-16.
//! - FY2008/2009 FMF `011-2008/2009-1082`: $300,000,000.00 appropriated, apportioned and
//!   allotted to DSCA, allocated $200,000,000.00 to Jordan, $60,000,000.00 to Pakistan
//!   and $40,000,000.00 to Turkey (2008-01-02, while Pakistan's default was under a year).
//! - JO-D-GAA: a $200,000,000.00 grant to Jordan, drawn $50,000,000.00 and $75,000,000.00.
//! - PK-D-GAB: a $60,000,000.00 grant to Pakistan, refused on 2008-02-01 (Brooke);
//!   Pakistan pays the $7,350,000.00 on 2008-03-03; obligated on 2008-03-10 and drawn in
//!   full.
//! - TU-G-001: a guarantee of $250,000,000.00 lent by the Federal Financing Bank at a
//!   7.125 % subsidy rate: $17,812,500.00 obligated, the guaranteed amount not.
//!
//! | FY2008/2009, 2008-09-30 | allocated | obligated | disbursed | unliquidated | unobligated |
//! |---|---|---|---|---|---|
//! | JOR | 200,000,000.00 | 200,000,000.00 | 125,000,000.00 | 75,000,000.00 | 0.00 |
//! | PAK | 60,000,000.00 | 60,000,000.00 | 60,000,000.00 | 0.00 | 0.00 |
//! | TUR | 40,000,000.00 | 17,812,500.00 | 0.00 | 17,812,500.00 | 22,187,500.00 |
//! | all | 300,000,000.00 | 277,812,500.00 | 185,000,000.00 | 92,812,500.00 | 22,187,500.00 |

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, Apportionment, BudgetError, Command, CommandId, Dimension,
    Instrument, Ledger, StatusFilter, StatusQuery, StatusRow,
};
use security_assistance::eligibility::{Engine, Facts, Outcome, RuleSet};
use security_assistance::programs::financing::*;
use security_assistance::programs::sales::FundingSource;
use security_assistance::{Citation, Money, ProgramKind, Rounding};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn dsca() -> Actor {
    "dsca".parse().unwrap()
}

struct Ids(u32);

impl Ids {
    fn next(&mut self) -> CommandId {
        self.0 += 1;
        format!("fin-{:03}", self.0).parse().unwrap()
    }
}

/// Appropriates, apportions and allots `amount` on `date`, and allocates to each partner.
fn fund(
    ledger: &mut Ledger,
    ids: &mut Ids,
    account: AccountSymbol,
    law: &str,
    amount: &str,
    date: NaiveDate,
    partners: &[(&str, &str)],
) {
    let mut actions = vec![
        Action::Appropriate {
            account,
            title: "Foreign Military Financing Program".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m(amount),
            law: law.into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: account.period().first_day(),
            },
            amount: m(amount),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m(amount),
        },
    ];
    for (partner, amount) in partners {
        let agreement = FinancingAgreement::new(
            "K".parse().unwrap(),
            account,
            "DSCA".parse().unwrap(),
            partner.parse().unwrap(),
        );
        actions.push(Action::Allocate {
            account,
            key: agreement.key(),
            amount: m(amount),
        });
    }
    for action in actions {
        ledger
            .apply(Command::new(ids.next(), date, dsca(), action))
            .unwrap();
    }
}

/// The eligibility gate with the facts the loans give on `date`.
fn gate(loans: &[&DirectLoan], date: NaiveDate) -> Arc<Engine> {
    let facts: Facts = loans
        .iter()
        .filter_map(|loan| {
            loan.arrears_fact(
                date,
                Citation::new("loan record", loan.agreement().document().to_string()),
            )
        })
        .collect();
    Arc::new(Engine::new(facts, RuleSet::builtin()))
}

#[test]
fn a_year_of_financing_with_a_brooke_refusal_reconciles() {
    let fy06: AccountSymbol = "011-2006/2007-1082".parse().unwrap();
    let fy08: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
    let agreement = |document: &str, account, partner: &str| {
        FinancingAgreement::new(
            document.parse().unwrap(),
            account,
            "DSCA".parse().unwrap(),
            partner.parse().unwrap(),
        )
    };
    let mut ids = Ids(0);
    let mut ledger = Ledger::new(gate(&[], day(2005, 11, 14)));

    // FY2006: the loan to Pakistan.
    fund(
        &mut ledger,
        &mut ids,
        fy06,
        "P.L. 109-102",
        "100000000",
        day(2005, 11, 14),
        &[("PAK", "20000000")],
    );
    let mut terms = LoanTerms::single_disbursement(
        m("20000000"),
        "5".parse().unwrap(),
        day(2006, 1, 15),
        day(2006, 7, 15),
        10,
        RepaymentMethod::LevelPrincipal,
        DayCount::Thirty360,
        Rounding::HalfEven,
    );
    terms.delivered_on = day(2006, 6, 30);
    terms.grace_installments = 1;
    let mut loan = DirectLoan::new(agreement("PK-L-001", fy06, "PAK"), terms).unwrap();
    let totals: Vec<Money> = loan.schedule().iter().map(|i| i.total().unwrap()).collect();
    assert_eq!(
        totals[..4],
        [m("500000"), m("2500000"), m("2450000"), m("2400000")]
    );
    assert_eq!(totals[10], m("2050000"));
    assert_eq!(loan.schedule()[10].due, day(2011, 7, 15));
    loan.obligate(&mut ledger, day(2006, 1, 10), ids.next(), dsca())
        .unwrap();
    loan.post_disbursement(&mut ledger, 1, ids.next(), dsca())
        .unwrap();
    loan.record_payment(day(2006, 7, 14), m("500000")).unwrap();
    assert!(loan.reference().kind.creates_receivable());

    // FY2008: appropriation and allocations.
    fund(
        &mut ledger,
        &mut ids,
        fy08,
        "P.L. 110-161",
        "300000000",
        day(2008, 1, 2),
        &[
            ("JOR", "200000000"),
            ("PAK", "60000000"),
            ("TUR", "40000000"),
        ],
    );
    let mut jordan = Grant::new(agreement("JO-D-GAA", fy08, "JOR"), m("200000000")).unwrap();
    jordan
        .obligate(&mut ledger, day(2008, 1, 10), ids.next(), dsca())
        .unwrap();

    // 2008-02-01: Pakistan is more than a calendar year in default.
    let arrears = loan.arrears(day(2008, 2, 1)).unwrap();
    assert_eq!(
        (
            arrears.oldest_unpaid_due,
            arrears.days_past_due,
            arrears.amount_past_due
        ),
        (day(2007, 1, 15), 382, m("7350000"))
    );
    ledger.set_eligibility(gate(&[&loan], day(2008, 2, 1)));
    let mut pakistan = Grant::new(agreement("PK-D-GAB", fy08, "PAK"), m("60000000")).unwrap();
    let journal_before = ledger.journal().len();
    let err = pakistan
        .obligate(&mut ledger, day(2008, 2, 1), ids.next(), dsca())
        .unwrap_err();
    match &err {
        FinancingError::Ledger(BudgetError::Ineligible { decision }) => {
            assert_eq!(decision.outcome(), Outcome::Ineligible);
            assert!(
                decision.explanation().contains("section 7012"),
                "{}",
                decision.explanation()
            );
        }
        other => panic!("expected a Brooke refusal, got {other}"),
    }
    assert_eq!(ledger.journal().len(), journal_before);
    assert_eq!(pakistan.obligated_on(), None);
    jordan
        .drawdown(
            &mut ledger,
            day(2008, 2, 1),
            m("50000000"),
            ids.next(),
            dsca(),
        )
        .unwrap();

    // Pakistan pays its arrears; the loan is current and the fact is gone.
    loan.record_payment(day(2008, 3, 3), m("7350000")).unwrap();
    assert_eq!(loan.arrears(day(2008, 3, 10)), None);
    ledger.set_eligibility(gate(&[&loan], day(2008, 3, 10)));
    let receipt = pakistan
        .obligate(&mut ledger, day(2008, 3, 10), ids.next(), dsca())
        .unwrap();
    assert_eq!(
        receipt.decision.map(|d| d.outcome()),
        Some(Outcome::Eligible)
    );
    pakistan
        .drawdown(
            &mut ledger,
            day(2008, 4, 1),
            m("60000000"),
            ids.next(),
            dsca(),
        )
        .unwrap();

    // Turkey: a guarantee obligates only its subsidy.
    let mut guarantee = LoanGuarantee::new(
        agreement("TU-G-001", fy08, "TUR"),
        "Federal Financing Bank",
        m("250000000"),
        "7.125".parse().unwrap(),
        Rounding::HalfEven,
    )
    .unwrap();
    guarantee
        .obligate(&mut ledger, day(2008, 4, 15), ids.next(), dsca())
        .unwrap();
    jordan
        .drawdown(
            &mut ledger,
            day(2008, 5, 1),
            m("75000000"),
            ids.next(),
            dsca(),
        )
        .unwrap();

    // Jordan's remaining grant can fund a sales case: the case names the document.
    let reference = jordan.reference();
    assert_eq!(jordan.remaining(&ledger).unwrap(), m("75000000"));
    let source = FundingSource::FinancingGrant {
        document: reference.document.clone(),
        account: reference.account,
        amount: m("75000000"),
    };
    assert_eq!(
        source.financing(),
        Some((&"JO-D-GAA".parse().unwrap(), &fy08))
    );
    assert!(source.is_non_repayable());
    assert!(!reference.kind.creates_receivable());
    let balance = ledger.obligation(&fy08, &reference.document).unwrap();
    assert_eq!(balance.instrument, Instrument::GrantAgreement);

    // The status of funds of FY2008/2009 money on 2008-09-30.
    let mut query = StatusQuery::new(day(2008, 9, 30), &[Dimension::Partner]);
    query.filter = StatusFilter {
        account: Some(fy08),
        ..StatusFilter::default()
    };
    let rows = ledger.status_of_funds(&query).unwrap();
    let row = |p: &str| {
        rows.iter()
            .find(|r| r.key.partner == Some(p.parse().unwrap()))
            .unwrap()
            .clone()
    };
    let figures = |r: &StatusRow| {
        (
            r.allocated,
            r.obligated,
            r.disbursed,
            r.unliquidated,
            r.unobligated,
        )
    };
    assert_eq!(
        figures(&row("JOR")),
        (
            m("200000000"),
            m("200000000"),
            m("125000000"),
            m("75000000"),
            Money::ZERO
        )
    );
    assert_eq!(
        figures(&row("PAK")),
        (
            m("60000000"),
            m("60000000"),
            m("60000000"),
            Money::ZERO,
            Money::ZERO
        )
    );
    assert_eq!(
        figures(&row("TUR")),
        (
            m("40000000"),
            m("17812500"),
            Money::ZERO,
            m("17812500"),
            m("22187500")
        )
    );
    let sum = |f: fn(&StatusRow) -> Money| Money::checked_sum(rows.iter().map(f)).unwrap();
    assert_eq!(sum(|r| r.budget_authority), m("300000000"));
    assert_eq!(sum(|r| r.obligated), m("277812500"));
    assert_eq!(sum(|r| r.disbursed), m("185000000"));
    assert_eq!(sum(|r| r.unliquidated), m("92812500"));
    assert_eq!(sum(|r| r.unobligated), m("22187500"));
    for r in &rows {
        assert_eq!(
            r.budget_authority,
            r.unobligated.checked_add(r.obligated).unwrap()
        );
        assert_eq!(
            r.obligated,
            r.unliquidated.checked_add(r.disbursed).unwrap()
        );
    }

    // The FY2006 loan: obligated and disbursed in full; repayments are not budget
    // authority and do not touch the ledger.
    let balance = ledger
        .obligation(&fy06, loan.agreement().document())
        .unwrap();
    assert_eq!(
        (balance.instrument, balance.obligated, balance.disbursed),
        (Instrument::Loan, m("20000000"), m("20000000"))
    );
    assert_eq!(loan.paid(), m("7850000"));

    // Replay gives the same ledger, refusals and all.
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

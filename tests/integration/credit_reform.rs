//! Credit reform through the public API (2 U.S.C. 661–661f): a direct loan obligates its
//! subsidy cost in the program account; the non-budgetary financing account receives the
//! subsidy as the loan disburses, borrows the rest from the Treasury, collects the
//! borrower's payments and repays the Treasury; reestimates are commands; and the two
//! accounts reconcile to the cent.
//!
//! Hand-computed figures:
//!
//! - Program account `011-2008/2009-1085`: $10,000,000.00 appropriated, apportioned,
//!   allotted to DSCA and allocated to Jordan on 2008-01-02. Financing account
//!   `011-X2008-4122` opened the same day.
//! - JO-L-001: $50,000,000.00 to Jordan at a subsidy rate of 6.53 %: subsidy cost
//!   $3,265,000.00 obligated in the program account (object class 41.0), the principal in
//!   no budgetary account.
//! - Disbursed in three tranches; the subsidy share is the cumulative share rounded half
//!   even, less what was paid:
//!
//! | tranche | principal | cumulative | subsidy due | share | borrowed |
//! |---|---|---|---|---|---|
//! | 2008-02-01 | 20,000,000.00 | 20,000,000.00 | 1,306,000.00 | 1,306,000.00 | 18,694,000.00 |
//! | 2008-05-01 | 17,500,000.01 | 37,500,000.01 | 2,448,750.00 (2,448,750.00065) | 1,142,750.00 | 16,357,250.01 |
//! | 2008-08-01 | 12,499,999.99 | 50,000,000.00 | 3,265,000.00 | 816,250.00 | 11,683,749.99 |
//! | total | 50,000,000.00 | | | 3,265,000.00 | 46,735,000.00 |
//!
//! - 2009-02-01: Jordan pays $5,000,000.00 of principal and $1,250,000.00 of interest; cash
//!   $6,250,000.00. 2009-02-02: the account repays $4,000,000.00 to the Treasury with
//!   $2,000,000.00 of interest; cash $250,000.00, debt $42,735,000.00.
//! - FY2009 upward reestimate of the FY2008 cohort: $120,000.00 obligated (`REEST-2009`) and
//!   paid from the program account; cash $370,000.00. A downward reestimate of $70,000.00
//!   to receipt account `011-X2008-2714`: cash $300,000.00.

use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;
use security_assistance::budget::credit::{CreditKind, Discrepancy};
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, BudgetError, Command, CreditProblem,
    Funding, Instrument, Journal, Ledger, Level, ObjectClass, ShapeError,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::programs::financing::{
    CreditReform, DayCount, DirectLoan, FinancingAgreement, FinancingError, LoanTerms,
    RepaymentMethod, SubsidyRate, SubsidyRates,
};
use security_assistance::store::{DurableLedger, FixedClock, MemoryStore};
use security_assistance::{FiscalYear, Money, ProgramKind, Rate, Rounding};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn program() -> AccountSymbol {
    "011-2008/2009-1085".parse().unwrap()
}

fn financing() -> AccountSymbol {
    "011-X2008-4122".parse().unwrap()
}

fn receipt_account() -> AccountSymbol {
    "011-X2008-2714".parse().unwrap()
}

fn key() -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    )
}

fn fy(year: i32) -> FiscalYear {
    FiscalYear::new(year).unwrap()
}

fn apply(
    ledger: &mut Ledger,
    id: &str,
    date: NaiveDate,
    action: Action,
) -> Result<(), BudgetError> {
    ledger
        .apply(Command::new(
            id.parse().unwrap(),
            date,
            "dsca".parse().unwrap(),
            action,
        ))
        .map(|_| ())
}

/// The program account funded with `amount` and its financing account opened, on
/// 2008-01-02.
fn funded(amount: &str) -> Ledger {
    let mut ledger = Ledger::allow_all();
    let account = program();
    let date = day(2008, 1, 2);
    for (i, action) in [
        Action::Appropriate {
            account,
            title: "Foreign Military Financing Loan Program Account".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m(amount),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: date },
            amount: m(amount),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m(amount),
        },
        Action::Allocate {
            account,
            key: key(),
            amount: m(amount),
        },
        Action::OpenFinancingAccount {
            account: financing(),
            program: account,
            title: "Foreign Military Financing, Direct Loan Financing Account".into(),
            law: "2 U.S.C. 661d(b)".into(),
            kind: CreditKind::DirectLoan,
        },
    ]
    .into_iter()
    .enumerate()
    {
        apply(&mut ledger, &format!("setup-{i}"), date, action).unwrap();
    }
    ledger
}

fn obligate_loan(document: &str, principal: &str, rate: &str) -> Action {
    Action::ObligateLoan {
        account: program(),
        financing: financing(),
        document: document.parse().unwrap(),
        funding: Funding::Allocation { key: key() },
        principal: m(principal),
        subsidy_rate: rate.parse().unwrap(),
        rounding: Rounding::HalfEven,
        rate_source: "FY2008 Federal Credit Supplement".into(),
    }
}

/// The obligation in the program account that pays an upward reestimate (a grant-like
/// obligation of `amount` on `document`, by allocation).
fn reestimate_obligation(document: &str, amount: Money) -> Action {
    Action::Obligate {
        account: program(),
        document: document.parse().unwrap(),
        instrument: Instrument::Other,
        funding: Funding::Allocation { key: key() },
        amount,
        object_class: Some(ObjectClass::GRANTS),
        financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
    }
}

fn disburse(document: &str, amount: &str) -> Action {
    Action::DisburseLoan {
        financing: financing(),
        document: document.parse().unwrap(),
        amount: m(amount),
    }
}

/// The hand-computed year of the module's table.
fn the_year() -> Ledger {
    let mut ledger = funded("10000000");
    let steps = [
        (
            day(2008, 1, 15),
            obligate_loan("JO-L-001", "50000000", "6.53"),
        ),
        (day(2008, 2, 1), disburse("JO-L-001", "20000000")),
        (day(2008, 5, 1), disburse("JO-L-001", "17500000.01")),
        (day(2008, 8, 1), disburse("JO-L-001", "12499999.99")),
        (
            day(2009, 2, 1),
            Action::CollectLoan {
                financing: financing(),
                document: "JO-L-001".parse().unwrap(),
                principal: m("5000000"),
                interest: m("1250000"),
            },
        ),
        (
            day(2009, 2, 2),
            Action::RepayTreasury {
                financing: financing(),
                cohort: fy(2008),
                principal: m("4000000"),
                interest: m("2000000"),
            },
        ),
        (
            day(2009, 3, 1),
            reestimate_obligation("REEST-2009", m("120000")),
        ),
        (
            day(2009, 3, 1),
            Action::UpwardReestimate {
                account: program(),
                financing: financing(),
                cohort: fy(2008),
                document: "REEST-2009".parse().unwrap(),
                amount: m("120000"),
            },
        ),
        (
            day(2009, 3, 2),
            Action::DownwardReestimate {
                financing: financing(),
                cohort: fy(2008),
                receipt: receipt_account(),
                amount: m("70000"),
            },
        ),
    ];
    for (i, (date, action)) in steps.into_iter().enumerate() {
        apply(&mut ledger, &format!("year-{i}"), date, action).unwrap();
    }
    ledger
}

#[test]
fn a_direct_loan_obligates_its_subsidy_and_the_accounts_reconcile_to_the_cent() {
    let ledger = the_year();
    let loan = ledger
        .obligation(&program(), &"JO-L-001".parse().unwrap())
        .unwrap();
    assert_eq!(loan.obligated, m("3265000"));
    assert_eq!(loan.disbursed, m("3265000"));
    assert_eq!(loan.instrument, Instrument::Loan);
    assert_eq!(loan.object_class, ObjectClass::GRANTS);

    let credit = ledger
        .credit_loan(&financing(), &"JO-L-001".parse().unwrap())
        .unwrap();
    assert_eq!(credit.cohort, fy(2008));
    assert_eq!(credit.subsidy, m("3265000"));
    assert_eq!(credit.subsidy_received, m("3265000"));
    assert_eq!(credit.disbursed, m("50000000"));
    assert_eq!(credit.rate_source, "FY2008 Federal Credit Supplement");

    let reconciled = ledger.credit_reconciliation(&financing()).unwrap();
    assert!(reconciled.reconciles(), "{:?}", reconciled.discrepancies);
    assert_eq!(reconciled.programs, vec![program()]);
    assert_eq!(reconciled.receipts, vec![(receipt_account(), m("70000"))]);
    let cohort = &reconciled.cohorts[0];
    assert_eq!(cohort.cohort, fy(2008));
    assert_eq!(cohort.loans, 1);
    assert_eq!(cohort.principal_obligated, m("50000000"));
    assert_eq!(cohort.subsidy_obligated, m("3265000"));
    assert_eq!(cohort.subsidy_paid_by_program, m("3265000"));
    assert_eq!(cohort.subsidy_received, m("3265000"));
    assert_eq!(cohort.borrowed, m("46735000"));
    assert_eq!(cohort.principal_disbursed, m("50000000"));
    assert_eq!(cohort.principal_collected, m("5000000"));
    assert_eq!(cohort.interest_collected, m("1250000"));
    assert_eq!(cohort.repaid_to_treasury, m("4000000"));
    assert_eq!(cohort.interest_to_treasury, m("2000000"));
    assert_eq!(cohort.upward_reestimates, m("120000"));
    assert_eq!(cohort.reestimates_paid_by_program, m("120000"));
    assert_eq!(cohort.downward_reestimates, m("70000"));
    assert_eq!(cohort.cash, m("300000"));
    assert_eq!(cohort.debt, m("42735000"));
    assert_eq!(cohort.receivable, m("45000000"));
}

#[test]
fn each_tranche_is_financed_by_its_subsidy_share_and_borrowing() {
    let mut ledger = funded("10000000");
    apply(
        &mut ledger,
        "o",
        day(2008, 1, 15),
        obligate_loan("JO-L-001", "50000000", "6.53"),
    )
    .unwrap();
    let mut expected = Vec::new();
    for (i, (amount, share, borrowed)) in [
        ("20000000", "1306000", "18694000"),
        ("17500000.01", "1142750", "16357250.01"),
        ("12499999.99", "816250", "11683749.99"),
    ]
    .into_iter()
    .enumerate()
    {
        let before = ledger.credit_reconciliation(&financing()).unwrap().cohorts[0].clone();
        apply(
            &mut ledger,
            &format!("d{i}"),
            day(2008, 2, 1),
            disburse("JO-L-001", amount),
        )
        .unwrap();
        let after = ledger.credit_reconciliation(&financing()).unwrap().cohorts[0].clone();
        expected.push((
            after
                .subsidy_received
                .checked_sub(before.subsidy_received)
                .unwrap(),
            after.borrowed.checked_sub(before.borrowed).unwrap(),
        ));
        assert_eq!(expected[i], (m(share), m(borrowed)), "tranche {i}");
    }
    // A cent more than the principal is refused, and names the level.
    let err = apply(
        &mut ledger,
        "d9",
        day(2008, 9, 1),
        disburse("JO-L-001", "0.01"),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            BudgetError::Exceeds {
                level: Level::LoanPrincipal,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn the_financing_account_is_in_no_budgetary_report() {
    let ledger = the_year();
    assert_eq!(ledger.accounts(), vec![program()]);
    assert_eq!(ledger.financing_accounts(), vec![financing()]);
    // The program account's SF-133 shows the subsidy and the reestimate, never the
    // principal: obligations of 3,265,000 + 120,000.
    let status = ledger
        .obligation(&program(), &"REEST-2009".parse().unwrap())
        .unwrap();
    assert_eq!(status.disbursed, m("120000"));
    let trial = ledger.trial_balance(&program()).unwrap();
    assert_eq!(trial.net().unwrap(), Money::ZERO);
}

#[test]
fn a_whole_principal_loan_is_refused_in_a_credit_program_account_naming_the_new_path() {
    let mut ledger = funded("100000000");
    let before = ledger.clone();
    let whole = Action::Obligate {
        account: program(),
        document: "JO-L-OLD".parse().unwrap(),
        instrument: Instrument::Loan,
        funding: Funding::Allocation { key: key() },
        amount: m("50000000"),
        object_class: None,
        financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
    };
    let err = apply(&mut ledger, "old", day(2008, 1, 15), whole).unwrap_err();
    match &err {
        BudgetError::Credit {
            account,
            problem: CreditProblem::UseCreditReform { financing: f, .. },
        } => {
            assert_eq!((*account, *f), (program(), financing()));
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("obligate_loan"), "{err}");
    assert_eq!(ledger, before);

    // Through the programs API: the old path is refused, the credit-reform one works.
    let agreement = FinancingAgreement::new(
        "JO-L-002".parse().unwrap(),
        program(),
        "DSCA".parse().unwrap(),
        "JOR".parse().unwrap(),
    );
    let terms = LoanTerms::single_disbursement(
        m("50000000"),
        "5".parse().unwrap(),
        day(2008, 2, 1),
        day(2008, 8, 1),
        10,
        RepaymentMethod::LevelPrincipal,
        DayCount::Actual365,
        Rounding::HalfEven,
    );
    let mut loan = DirectLoan::new(agreement, terms).unwrap();
    let err = loan
        .obligate(
            &mut ledger,
            day(2008, 1, 15),
            "p1".parse().unwrap(),
            "dsca".parse().unwrap(),
        )
        .unwrap_err();
    assert!(matches!(
        err,
        FinancingError::Ledger(BudgetError::Credit { .. })
    ));
    assert!(loan.obligated_on().is_none());
    let rates = SubsidyRates::new(vec![SubsidyRate {
        from: day(2007, 10, 1),
        rate: "6.53".parse().unwrap(),
        source: "FY2008 Federal Credit Supplement".into(),
    }])
    .unwrap();
    let credit = CreditReform {
        financing: financing(),
        rates,
        rounding: Rounding::HalfEven,
    };
    loan.obligate_under_credit_reform(
        &mut ledger,
        &credit,
        day(2008, 1, 15),
        "p2".parse().unwrap(),
        "dsca".parse().unwrap(),
    )
    .unwrap();
    loan.post_disbursement(
        &mut ledger,
        1,
        "p3".parse().unwrap(),
        "dsca".parse().unwrap(),
    )
    .unwrap();
    // Paying the subsidy obligation directly would pay no borrower: refused.
    let err = apply(
        &mut ledger,
        "p4",
        day(2008, 3, 1),
        Action::Disburse {
            account: program(),
            document: "JO-L-002".parse().unwrap(),
            amount: m("1"),
        },
    )
    .unwrap_err();
    assert!(matches!(err, BudgetError::Credit { .. }), "{err}");
    // Every installment collected in full repays the whole principal.
    for (i, installment) in loan.schedule().to_vec().iter().enumerate() {
        loan.collect(
            &mut ledger,
            installment.due,
            installment.total().unwrap(),
            format!("pay-{i}").parse().unwrap(),
            "dsca".parse().unwrap(),
        )
        .unwrap();
    }
    let reconciled = ledger.credit_reconciliation(&financing()).unwrap();
    assert!(reconciled.reconciles(), "{:?}", reconciled.discrepancies);
    let cohort = &reconciled.cohorts[0];
    assert_eq!(cohort.principal_collected, m("50000000"));
    assert_eq!(cohort.interest_collected, loan.total_interest().unwrap());
    assert_eq!(cohort.receivable, Money::ZERO);
}

/// A command and the check that its refusal is the expected one.
type Refusal = (Action, fn(&BudgetError) -> bool);

#[test]
fn budgetary_commands_are_refused_in_a_financing_account_and_bad_credit_commands_change_nothing() {
    let mut ledger = the_year();
    let before = ledger.clone();
    let refusals: Vec<Refusal> = vec![
        (
            Action::Appropriate {
                account: financing(),
                title: "x".into(),
                purposes: vec![ProgramKind::Financing],
                amount: m("1"),
                law: "x".into(),
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Credit {
                        problem: CreditProblem::NonBudgetary { .. },
                        ..
                    }
                )
            },
        ),
        (
            Action::CollectLoan {
                financing: financing(),
                document: "JO-L-001".parse().unwrap(),
                principal: m("45000000.01"),
                interest: Money::ZERO,
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Exceeds {
                        level: Level::LoanReceivable,
                        ..
                    }
                )
            },
        ),
        (
            Action::RepayTreasury {
                financing: financing(),
                cohort: fy(2008),
                principal: m("300000.01"),
                interest: Money::ZERO,
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Exceeds {
                        level: Level::FinancingCash,
                        ..
                    }
                )
            },
        ),
        (
            Action::DownwardReestimate {
                financing: financing(),
                cohort: fy(2009),
                receipt: receipt_account(),
                amount: m("1"),
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Credit {
                        problem: CreditProblem::UnknownCohort { .. },
                        ..
                    }
                )
            },
        ),
        (
            Action::RepayTreasury {
                financing: financing(),
                cohort: fy(2008),
                principal: Money::ZERO,
                interest: Money::ZERO,
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Shape {
                        problem: ShapeError::NothingPaid,
                        ..
                    }
                )
            },
        ),
        (obligate_loan("JO-L-009", "1000", "100.01"), |e| {
            matches!(
                e,
                BudgetError::Shape {
                    problem: ShapeError::RateAbove100 { .. },
                    ..
                }
            )
        }),
        (
            Action::DisburseLoan {
                financing: program(),
                document: "JO-L-001".parse().unwrap(),
                amount: m("1"),
            },
            |e| {
                matches!(
                    e,
                    BudgetError::Credit {
                        problem: CreditProblem::NotFinancingAccount,
                        ..
                    }
                )
            },
        ),
    ];
    for (i, (action, expected)) in refusals.into_iter().enumerate() {
        let err = apply(&mut ledger, &format!("bad-{i}"), day(2009, 4, 1), action).unwrap_err();
        assert!(expected(&err), "refusal {i}: {err:?}");
        assert_eq!(ledger, before, "refusal {i} changed the ledger");
    }
}

#[test]
fn the_year_replays_from_json_and_reopens_from_a_checkpoint_equal() {
    let ledger = the_year();
    let json = serde_json::to_string(ledger.journal()).unwrap();
    assert!(json.contains(r#""type":"obligate_loan""#), "{json}");
    assert!(json.contains(r#""subsidy_rate":"6.53""#), "{json}");
    let journal: Journal = serde_json::from_str(&json).unwrap();
    assert_eq!(
        Ledger::replay(&journal, Arc::new(AllowAll)).unwrap(),
        ledger
    );

    let clock = Arc::new(FixedClock::new(day(2009, 3, 2)));
    let mut durable = DurableLedger::open(
        MemoryStore::default(),
        clock.clone(),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    for entry in ledger.journal().iter() {
        durable.apply(entry.command.clone()).unwrap();
    }
    assert!(durable.checkpoint().unwrap().is_some());
    let store = durable.into_store();
    let reopened = DurableLedger::open(
        store,
        clock,
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    assert_eq!(
        reopened
            .ledger()
            .credit_reconciliation(&financing())
            .unwrap(),
        ledger.credit_reconciliation(&financing()).unwrap()
    );
}

/// `n ÷ d` rounded to the nearest integer, a half to the even one (`d` positive, `n` not
/// negative): the model's own rounding, written apart from the crate's.
fn half_even(n: i128, d: i128) -> i64 {
    let (q, r) = (n / d, n % d);
    let q = match (2 * r).cmp(&d) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q % 2),
    };
    i64::try_from(q).unwrap()
}

/// One step of a random loan lifecycle.
#[derive(Debug, Clone)]
enum Step {
    Disburse(i64),
    Collect(i64, i64),
    Repay(i64, i64),
    Upward(i64),
    Downward(i64),
    /// The same steps at the edge of what the model allows: the whole rest, and a cent
    /// under or over it (`delta` of -1, 0 or 1).
    Edge(u8, i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..2_000_000_000).prop_map(Step::Disburse),
        (0i64..500_000_000, 0i64..50_000_000).prop_map(|(p, i)| Step::Collect(p, i)),
        (0i64..500_000_000, 0i64..50_000_000).prop_map(|(p, i)| Step::Repay(p, i)),
        (1i64..10_000_000).prop_map(Step::Upward),
        (1i64..10_000_000).prop_map(Step::Downward),
        (0u8..4, -1i64..=1).prop_map(|(kind, delta)| Step::Edge(kind, delta)),
    ]
}

/// The independent model of one cohort: what each side of the Treasury holds.
#[derive(Debug, Default)]
struct Model {
    disbursed: i64,
    subsidy: i64,
    borrowed: i64,
    collected: i64,
    interest: i64,
    repaid: i64,
    interest_paid: i64,
    upward: i64,
    downward: i64,
}

impl Model {
    fn cash(&self) -> i64 {
        self.subsidy + self.borrowed + self.collected + self.interest + self.upward
            - self.disbursed
            - self.repaid
            - self.interest_paid
            - self.downward
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random lifecycles of random loans reconcile to the cent: every accepted step
    /// moves exactly the money the model says, every refused one changes nothing, and no
    /// balance goes negative.
    #[test]
    fn random_loan_lifecycles_reconcile_to_the_cent(
        principal in 100i64..5_000_000_000,
        rate_bp in 1u32..=10_000,
        steps in proptest::collection::vec(step(), 1..30),
    ) {
        let mut ledger = funded("100000000");
        let rate = Rate::from_percent(rust_decimal::Decimal::new(i64::from(rate_bp), 2)).unwrap();
        let principal = Money::from_cents(principal);
        let subsidy = rate.apply(principal, Rounding::HalfEven).unwrap();
        let obligated = apply(
            &mut ledger,
            "o",
            day(2008, 1, 15),
            Action::ObligateLoan {
                account: program(),
                financing: financing(),
                document: "L".parse().unwrap(),
                funding: Funding::Allocation { key: key() },
                principal,
                subsidy_rate: rate,
                rounding: Rounding::HalfEven,
                rate_source: "test".into(),
            },
        );
        prop_assume!(obligated.is_ok());
        let mut model = Model::default();
        let principal_cents = principal.to_cents().unwrap();
        for (i, step) in steps.into_iter().enumerate() {
            let step = match step {
                Step::Edge(kind, delta) => match kind {
                    0 => Step::Disburse(principal_cents - model.disbursed + delta),
                    1 => Step::Collect(model.disbursed - model.collected + delta, 0),
                    2 => {
                        let debt = model.borrowed - model.repaid;
                        let principal = debt.min(model.cash());
                        Step::Repay(principal, model.cash() - principal + delta)
                    }
                    _ => Step::Downward(model.cash() + delta),
                },
                other => other,
            };
            if matches!(step, Step::Disburse(c) | Step::Downward(c) if c <= 0) {
                continue;
            }
            if matches!(step, Step::Collect(p, i) | Step::Repay(p, i) if p < 0 || i < 0) {
                continue;
            }
            let before = ledger.clone();
            let date = day(2008, 2, 1) + chrono::Days::new(i as u64);
            let id = format!("s{i}");
            match step {
                Step::Disburse(cents) => {
                    let ok = model.disbursed + cents <= principal_cents;
                    let result = apply(&mut ledger, &id, date, Action::DisburseLoan {
                        financing: financing(),
                        document: "L".parse().unwrap(),
                        amount: Money::from_cents(cents),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.disbursed += cents;
                        // The model's own rounding of the cumulative share.
                        let due = half_even(
                            i128::from(subsidy.to_cents().unwrap()) * i128::from(model.disbursed),
                            i128::from(principal_cents),
                        );
                        let share = due - model.subsidy;
                        model.subsidy = due;
                        model.borrowed += cents - share;
                    }
                }
                Step::Collect(p, interest) => {
                    let ok = p + interest > 0 && p <= model.disbursed - model.collected;
                    let result = apply(&mut ledger, &id, date, Action::CollectLoan {
                        financing: financing(),
                        document: "L".parse().unwrap(),
                        principal: Money::from_cents(p),
                        interest: Money::from_cents(interest),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.collected += p;
                        model.interest += interest;
                    }
                }
                Step::Repay(p, interest) => {
                    let ok = p + interest > 0
                        && p <= model.borrowed - model.repaid
                        && p + interest <= model.cash();
                    let result = apply(&mut ledger, &id, date, Action::RepayTreasury {
                        financing: financing(),
                        cohort: fy(2008),
                        principal: Money::from_cents(p),
                        interest: Money::from_cents(interest),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.repaid += p;
                        model.interest_paid += interest;
                    }
                }
                Step::Upward(cents) => {
                    let document = format!("R{i}");
                    let obligate = apply(
                        &mut ledger,
                        &format!("{id}o"),
                        date,
                        reestimate_obligation(&document, Money::from_cents(cents)),
                    );
                    if obligate.is_ok() {
                        apply(&mut ledger, &id, date, Action::UpwardReestimate {
                            account: program(),
                            financing: financing(),
                            cohort: fy(2008),
                            document: document.parse().unwrap(),
                            amount: Money::from_cents(cents),
                        }).unwrap();
                        model.upward += cents;
                    }
                }
                Step::Edge(..) => {}
                Step::Downward(cents) => {
                    let ok = cents <= model.cash();
                    let result = apply(&mut ledger, &id, date, Action::DownwardReestimate {
                        financing: financing(),
                        cohort: fy(2008),
                        receipt: receipt_account(),
                        amount: Money::from_cents(cents),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.downward += cents;
                    }
                }
            }
            if ledger.journal().len() == before.journal().len() {
                prop_assert_eq!(&ledger, &before);
            }
            let reconciled = ledger.credit_reconciliation(&financing()).unwrap();
            prop_assert!(reconciled.reconciles(), "{:?}", reconciled.discrepancies);
            let cohort = &reconciled.cohorts[0];
            prop_assert_eq!(cohort.principal_disbursed, Money::from_cents(model.disbursed));
            prop_assert_eq!(cohort.subsidy_received, Money::from_cents(model.subsidy));
            prop_assert_eq!(cohort.borrowed, Money::from_cents(model.borrowed));
            prop_assert_eq!(cohort.cash, Money::from_cents(model.cash()));
            prop_assert_eq!(cohort.debt, Money::from_cents(model.borrowed - model.repaid));
            prop_assert!(model.cash() >= 0);
            // No money invented or lost: what the financing account holds and is owed, less
            // what it owes, is what the program account and the borrowers gave it net of
            // the interest and reestimates it paid out.
            let c = |m: Money| i128::from(m.to_cents().unwrap());
            let equity = c(cohort.cash) + c(cohort.receivable) - c(cohort.debt);
            let given = c(cohort.subsidy_paid_by_program) + c(cohort.reestimates_paid_by_program)
                + c(cohort.interest_collected)
                - c(cohort.interest_to_treasury)
                - c(cohort.downward_reestimates);
            prop_assert_eq!(equity, given);
        }
        // Once the whole principal is disbursed the subsidy is paid exactly.
        if model.disbursed == principal_cents {
            prop_assert_eq!(Money::from_cents(model.subsidy), subsidy);
        }
        prop_assert_eq!(Ledger::replay(ledger.journal(), Arc::new(AllowAll)).unwrap(), ledger);
    }
}

#[test]
fn a_reconciliation_names_a_program_payment_the_financing_account_never_received() {
    // An upward reestimate obligation paid partly outside the reestimate command: the
    // program account paid more than the financing account received.
    let mut ledger = the_year();
    apply(
        &mut ledger,
        "extra-o",
        day(2009, 3, 3),
        Action::AdjustObligation {
            account: program(),
            document: "REEST-2009".parse().unwrap(),
            amount: m("10"),
        },
    )
    .unwrap();
    apply(
        &mut ledger,
        "extra-d",
        day(2009, 3, 3),
        Action::Disburse {
            account: program(),
            document: "REEST-2009".parse().unwrap(),
            amount: m("10"),
        },
    )
    .unwrap();
    let reconciled = ledger.credit_reconciliation(&financing()).unwrap();
    assert!(!reconciled.reconciles());
    assert_eq!(
        reconciled.discrepancies,
        vec![Discrepancy::ReestimateNotMatched {
            cohort: fy(2008),
            paid: m("120010"),
            received: m("120000"),
        }]
    );
}

// Loan guarantees under credit reform (2 U.S.C. 661a(3), 661a(5)(C), 661c): the program
// account obligates the guarantee's subsidy cost; the guarantee financing account receives
// it as the lender disburses the guaranteed loan, collects the guarantee fees, pays default
// claims (borrowing from the Treasury what its cash does not cover), collects recoveries on
// the defaulted loans it acquired, and is reestimated as a direct loan's is.
//
// Hand-computed figures (the guarantee financing account `011-X2008-4123`, program account
// `011-2008/2009-1085` as above):
//
// - JO-G-001: a $30,000,000.00 loan by a commercial lender to Jordan, guaranteed at a
//   subsidy rate of 4.25 %: subsidy cost $1,275,000.00 obligated in the program account.
// - 2008-03-01 the lender disburses $12,000,000.00: subsidy share 1,275,000 × 12/30 =
//   $510,000.00 paid to the financing account; nothing borrowed. 2008-06-01 the rest,
//   $18,000,000.00: share $765,000.00. Cash $1,275,000.00.
// - 2008-06-02 upfront fee of 1 %: $300,000.00. Cash $1,575,000.00.
// - 2009-04-01 Jordan defaults; the lender's claim of $2,000,000.00 is paid: $1,575,000.00
//   from cash, $425,000.00 borrowed from the Treasury. Cash 0, debt $425,000.00,
//   receivable (the acquired loan) $2,000,000.00.
// - 2009-07-01 recovery of $500,000.00 principal and $20,000.00 interest on the acquired
//   loan; 2009-07-02 the account repays the Treasury $425,000.00 with $5,000.00 interest.
//   Cash $90,000.00, debt 0, receivable $1,500,000.00.

fn guarantee_financing() -> AccountSymbol {
    "011-X2008-4123".parse().unwrap()
}

/// The program account funded and tied to a guarantee financing account.
fn guarantee_funded(amount: &str) -> Ledger {
    let mut ledger = Ledger::allow_all();
    let account = program();
    let date = day(2008, 1, 2);
    for (i, action) in [
        Action::Appropriate {
            account,
            title: "Foreign Military Financing Loan Program Account".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m(amount),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: date },
            amount: m(amount),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m(amount),
        },
        Action::Allocate {
            account,
            key: key(),
            amount: m(amount),
        },
        Action::OpenFinancingAccount {
            account: guarantee_financing(),
            program: account,
            title: "Foreign Military Financing, Guaranteed Loan Financing Account".into(),
            law: "2 U.S.C. 661d(b)".into(),
            kind: CreditKind::LoanGuarantee,
        },
    ]
    .into_iter()
    .enumerate()
    {
        apply(&mut ledger, &format!("setup-{i}"), date, action).unwrap();
    }
    ledger
}

fn guarantee(document: &str, principal: &str, rate: &str) -> Action {
    Action::ObligateLoan {
        account: program(),
        financing: guarantee_financing(),
        document: document.parse().unwrap(),
        funding: Funding::Allocation { key: key() },
        principal: m(principal),
        subsidy_rate: rate.parse().unwrap(),
        rounding: Rounding::HalfEven,
        rate_source: "FY2008 Federal Credit Supplement, guarantees".into(),
    }
}

/// The hand-computed guarantee of the notes above.
fn the_guarantee_year() -> Ledger {
    let mut ledger = guarantee_funded("10000000");
    let g = || guarantee_financing();
    let doc = || "JO-G-001".parse().unwrap();
    let steps = [
        (day(2008, 1, 15), guarantee("JO-G-001", "30000000", "4.25")),
        (
            day(2008, 3, 1),
            Action::DisburseLoan {
                financing: g(),
                document: doc(),
                amount: m("12000000"),
            },
        ),
        (
            day(2008, 6, 1),
            Action::DisburseLoan {
                financing: g(),
                document: doc(),
                amount: m("18000000"),
            },
        ),
        (
            day(2008, 6, 2),
            Action::CollectGuaranteeFee {
                financing: g(),
                document: doc(),
                amount: m("300000"),
            },
        ),
        (
            day(2009, 4, 1),
            Action::PayDefaultClaim {
                financing: g(),
                document: doc(),
                amount: m("2000000"),
            },
        ),
        (
            day(2009, 7, 1),
            Action::CollectLoan {
                financing: g(),
                document: doc(),
                principal: m("500000"),
                interest: m("20000"),
            },
        ),
        (
            day(2009, 7, 2),
            Action::RepayTreasury {
                financing: g(),
                cohort: fy(2008),
                principal: m("425000"),
                interest: m("5000"),
            },
        ),
    ];
    for (i, (date, action)) in steps.into_iter().enumerate() {
        apply(&mut ledger, &format!("g-{i}"), date, action).unwrap();
    }
    ledger
}

#[test]
fn a_loan_guarantee_pays_its_subsidy_as_the_lender_disburses_and_reconciles_to_the_cent() {
    let ledger = the_guarantee_year();
    // The program account obligated and paid the subsidy cost only.
    let obligation = ledger
        .obligation(&program(), &"JO-G-001".parse().unwrap())
        .unwrap();
    assert_eq!(obligation.obligated, m("1275000"));
    assert_eq!(obligation.disbursed, m("1275000"));
    assert_eq!(ledger.financing_accounts(), vec![guarantee_financing()]);
    assert!(!ledger.accounts().contains(&guarantee_financing()));
    let reconciled = ledger
        .credit_reconciliation(&guarantee_financing())
        .unwrap();
    assert!(reconciled.reconciles(), "{:?}", reconciled.discrepancies);
    assert_eq!(reconciled.kind, CreditKind::LoanGuarantee);
    let cohort = &reconciled.cohorts[0];
    assert_eq!(cohort.cohort, fy(2008));
    assert_eq!(cohort.principal_obligated, m("30000000"));
    assert_eq!(cohort.principal_disbursed, m("30000000"));
    assert_eq!(cohort.subsidy_obligated, m("1275000"));
    assert_eq!(cohort.subsidy_received, m("1275000"));
    assert_eq!(cohort.subsidy_paid_by_program, m("1275000"));
    assert_eq!(cohort.fees_collected, m("300000"));
    assert_eq!(cohort.claims_paid, m("2000000"));
    assert_eq!(cohort.borrowed, m("425000"));
    assert_eq!(cohort.principal_collected, m("500000"));
    assert_eq!(cohort.interest_collected, m("20000"));
    assert_eq!(cohort.repaid_to_treasury, m("425000"));
    assert_eq!(cohort.interest_to_treasury, m("5000"));
    assert_eq!(cohort.cash, m("90000"));
    assert_eq!(cohort.debt, Money::ZERO);
    assert_eq!(cohort.receivable, m("1500000"));
    // A direct loan account's reconciliation names its kind and has no fees or claims.
    let direct = the_year().credit_reconciliation(&financing()).unwrap();
    assert_eq!(direct.kind, CreditKind::DirectLoan);
    assert_eq!(direct.cohorts[0].fees_collected, Money::ZERO);
    assert_eq!(direct.cohorts[0].claims_paid, Money::ZERO);
}

#[test]
fn guarantee_commands_are_refused_where_they_do_not_apply_and_change_nothing() {
    let mut ledger = the_guarantee_year();
    let before = ledger.clone();
    let doc = || -> security_assistance::budget::DocumentId { "JO-G-001".parse().unwrap() };
    // A claim beyond the guaranteed principal outstanding (30,000,000 - 2,000,000).
    let err = apply(
        &mut ledger,
        "too-much",
        day(2009, 8, 1),
        Action::PayDefaultClaim {
            financing: guarantee_financing(),
            document: doc(),
            amount: m("28000000.01"),
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            BudgetError::Exceeds {
                level: Level::GuaranteeOutstanding,
                ..
            }
        ),
        "{err}"
    );
    // A recovery beyond the acquired loan (2,000,000 - 500,000).
    let err = apply(
        &mut ledger,
        "over-recover",
        day(2009, 8, 1),
        Action::CollectLoan {
            financing: guarantee_financing(),
            document: doc(),
            principal: m("1500000.01"),
            interest: Money::ZERO,
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            BudgetError::Exceeds {
                level: Level::LoanReceivable,
                ..
            }
        ),
        "{err}"
    );
    // Fees and claims belong to guarantees: refused in a direct loan financing account.
    let mut direct = the_year();
    let direct_before = direct.clone();
    for action in [
        Action::CollectGuaranteeFee {
            financing: financing(),
            document: "JO-L-001".parse().unwrap(),
            amount: m("1"),
        },
        Action::PayDefaultClaim {
            financing: financing(),
            document: "JO-L-001".parse().unwrap(),
            amount: m("1"),
        },
    ] {
        let err = apply(&mut direct, "wrong-kind", day(2009, 8, 1), action).unwrap_err();
        assert!(
            matches!(
                err,
                BudgetError::Credit {
                    problem: CreditProblem::NotGuarantee,
                    ..
                }
            ),
            "{err}"
        );
    }
    assert_eq!(direct, direct_before);
    // A zero fee is a shape error.
    let err = apply(
        &mut ledger,
        "zero-fee",
        day(2009, 8, 1),
        Action::CollectGuaranteeFee {
            financing: guarantee_financing(),
            document: doc(),
            amount: Money::ZERO,
        },
    )
    .unwrap_err();
    assert!(matches!(err, BudgetError::Shape { .. }), "{err}");
    assert_eq!(ledger, before, "refused commands changed nothing");
    // Tying the next period of the program account to the guarantee account as a direct
    // loan account is refused, naming the account's kind.
    let next: AccountSymbol = "011-2009/2010-1085".parse().unwrap();
    apply(
        &mut ledger,
        "next",
        day(2009, 8, 1),
        Action::Appropriate {
            account: next,
            title: "Foreign Military Financing Loan Program Account".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("1000"),
            law: "P.L. 111-8".into(),
        },
    )
    .unwrap();
    let appropriated = ledger.clone();
    let err = apply(
        &mut ledger,
        "reopen",
        day(2009, 8, 1),
        Action::OpenFinancingAccount {
            account: guarantee_financing(),
            program: next,
            title: "x".into(),
            law: "x".into(),
            kind: CreditKind::DirectLoan,
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            BudgetError::Credit {
                problem: CreditProblem::WrongKind {
                    kind: CreditKind::LoanGuarantee
                },
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(ledger, appropriated);
    // With the right kind it is tied.
    apply(
        &mut ledger,
        "reopen-ok",
        day(2009, 8, 1),
        Action::OpenFinancingAccount {
            account: guarantee_financing(),
            program: next,
            title: "x".into(),
            law: "x".into(),
            kind: CreditKind::LoanGuarantee,
        },
    )
    .unwrap();
    assert_eq!(
        ledger
            .credit_reconciliation(&guarantee_financing())
            .unwrap()
            .programs,
        vec![program(), next]
    );
}

#[test]
fn the_guarantee_year_replays_from_json_and_reopens_from_a_checkpoint_equal() {
    let ledger = the_guarantee_year();
    let json = serde_json::to_string(ledger.journal()).unwrap();
    assert!(json.contains(r#""kind":"loan_guarantee""#), "{json}");
    let journal: Journal = serde_json::from_str(&json).unwrap();
    assert_eq!(
        Ledger::replay(&journal, Arc::new(AllowAll)).unwrap(),
        ledger
    );
    // A direct loan account's opening is written as before, without a kind.
    let direct = serde_json::to_string(the_year().journal()).unwrap();
    assert!(!direct.contains(r#""kind""#), "{direct}");
    let clock = Arc::new(FixedClock::new(day(2009, 7, 2)));
    let mut durable = DurableLedger::open(
        MemoryStore::default(),
        clock.clone(),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    for entry in ledger.journal().iter() {
        durable.apply(entry.command.clone()).unwrap();
    }
    assert!(durable.checkpoint().unwrap().is_some());
    // The durable ledger records each command on its clock's day; the balances are the same.
    let live = durable.ledger().clone();
    let store = durable.into_store();
    let reopened = DurableLedger::open(
        store,
        clock,
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    assert_eq!(reopened.ledger(), &live);
    assert_eq!(
        reopened
            .ledger()
            .credit_reconciliation(&guarantee_financing())
            .unwrap(),
        ledger
            .credit_reconciliation(&guarantee_financing())
            .unwrap()
    );
}

/// One step of a random guarantee lifecycle.
#[derive(Debug, Clone)]
enum GStep {
    Disburse(i64),
    Fee(i64),
    Claim(i64),
    Recover(i64, i64),
    Repay(i64, i64),
    Upward(i64),
    Downward(i64),
    /// At the edge of what the model allows: the whole rest, a cent under or over.
    Edge(u8, i64),
}

fn gstep() -> impl Strategy<Value = GStep> {
    prop_oneof![
        (1i64..2_000_000_000).prop_map(GStep::Disburse),
        (1i64..50_000_000).prop_map(GStep::Fee),
        (1i64..500_000_000).prop_map(GStep::Claim),
        (0i64..200_000_000, 0i64..5_000_000).prop_map(|(p, i)| GStep::Recover(p, i)),
        (0i64..200_000_000, 0i64..5_000_000).prop_map(|(p, i)| GStep::Repay(p, i)),
        (1i64..10_000_000).prop_map(GStep::Upward),
        (1i64..10_000_000).prop_map(GStep::Downward),
        (0u8..5, -1i64..=1).prop_map(|(kind, delta)| GStep::Edge(kind, delta)),
    ]
}

/// The independent model of one guarantee cohort.
#[derive(Debug, Default)]
struct GModel {
    disbursed: i64,
    subsidy: i64,
    fees: i64,
    claims: i64,
    borrowed: i64,
    recovered: i64,
    interest: i64,
    repaid: i64,
    interest_paid: i64,
    upward: i64,
    downward: i64,
}

impl GModel {
    fn cash(&self) -> i64 {
        self.subsidy + self.fees + self.borrowed + self.recovered + self.interest + self.upward
            - self.claims
            - self.repaid
            - self.interest_paid
            - self.downward
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random guarantee lifecycles reconcile to the cent against an independent model:
    /// the subsidy follows the lender's disbursements, claims are paid from cash and the
    /// Treasury lends exactly the shortfall, recoveries never exceed the claims paid, and
    /// every refused step changes nothing.
    #[test]
    fn random_guarantee_lifecycles_reconcile_to_the_cent(
        principal in 100i64..5_000_000_000,
        rate_bp in 1u32..=10_000,
        steps in proptest::collection::vec(gstep(), 1..30),
    ) {
        let mut ledger = guarantee_funded("100000000");
        let rate = Rate::from_percent(rust_decimal::Decimal::new(i64::from(rate_bp), 2)).unwrap();
        let principal = Money::from_cents(principal);
        let subsidy = rate.apply(principal, Rounding::HalfEven).unwrap();
        let obligated = apply(&mut ledger, "o", day(2008, 1, 15), Action::ObligateLoan {
            account: program(),
            financing: guarantee_financing(),
            document: "G".parse().unwrap(),
            funding: Funding::Allocation { key: key() },
            principal,
            subsidy_rate: rate,
            rounding: Rounding::HalfEven,
            rate_source: "test".into(),
        });
        prop_assume!(obligated.is_ok());
        let mut model = GModel::default();
        let principal_cents = principal.to_cents().unwrap();
        let g = guarantee_financing;
        let doc = || -> security_assistance::budget::DocumentId { "G".parse().unwrap() };
        for (i, step) in steps.into_iter().enumerate() {
            let step = match step {
                GStep::Edge(kind, delta) => match kind {
                    0 => GStep::Disburse(principal_cents - model.disbursed + delta),
                    1 => GStep::Claim(model.disbursed - model.claims + delta),
                    2 => GStep::Recover(model.claims - model.recovered + delta, 0),
                    3 => {
                        let debt = model.borrowed - model.repaid;
                        let principal = debt.min(model.cash());
                        GStep::Repay(principal, model.cash() - principal + delta)
                    }
                    _ => GStep::Downward(model.cash() + delta),
                },
                other => other,
            };
            if matches!(step, GStep::Disburse(c) | GStep::Claim(c) | GStep::Downward(c) if c <= 0) {
                continue;
            }
            if matches!(step, GStep::Recover(p, i) | GStep::Repay(p, i) if p < 0 || i < 0) {
                continue;
            }
            let before = ledger.clone();
            let date = day(2008, 2, 1) + chrono::Days::new(i as u64);
            let id = format!("s{i}");
            match step {
                GStep::Disburse(cents) => {
                    let ok = model.disbursed + cents <= principal_cents;
                    let result = apply(&mut ledger, &id, date, Action::DisburseLoan {
                        financing: g(),
                        document: doc(),
                        amount: Money::from_cents(cents),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.disbursed += cents;
                        model.subsidy = half_even(
                            i128::from(subsidy.to_cents().unwrap()) * i128::from(model.disbursed),
                            i128::from(principal_cents),
                        );
                    }
                }
                GStep::Fee(cents) => {
                    apply(&mut ledger, &id, date, Action::CollectGuaranteeFee {
                        financing: g(),
                        document: doc(),
                        amount: Money::from_cents(cents),
                    }).unwrap();
                    model.fees += cents;
                }
                GStep::Claim(cents) => {
                    let ok = cents <= model.disbursed - model.claims;
                    let result = apply(&mut ledger, &id, date, Action::PayDefaultClaim {
                        financing: g(),
                        document: doc(),
                        amount: Money::from_cents(cents),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.borrowed += (cents - model.cash()).max(0);
                        model.claims += cents;
                    }
                }
                GStep::Recover(p, interest) => {
                    let ok = p + interest > 0 && p <= model.claims - model.recovered;
                    let result = apply(&mut ledger, &id, date, Action::CollectLoan {
                        financing: g(),
                        document: doc(),
                        principal: Money::from_cents(p),
                        interest: Money::from_cents(interest),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.recovered += p;
                        model.interest += interest;
                    }
                }
                GStep::Repay(p, interest) => {
                    let ok = p + interest > 0
                        && p <= model.borrowed - model.repaid
                        && p + interest <= model.cash();
                    let result = apply(&mut ledger, &id, date, Action::RepayTreasury {
                        financing: g(),
                        cohort: fy(2008),
                        principal: Money::from_cents(p),
                        interest: Money::from_cents(interest),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.repaid += p;
                        model.interest_paid += interest;
                    }
                }
                GStep::Upward(cents) => {
                    let document = format!("R{i}");
                    let obligate = apply(
                        &mut ledger,
                        &format!("{id}o"),
                        date,
                        reestimate_obligation(&document, Money::from_cents(cents)),
                    );
                    if obligate.is_ok() {
                        apply(&mut ledger, &id, date, Action::UpwardReestimate {
                            account: program(),
                            financing: g(),
                            cohort: fy(2008),
                            document: document.parse().unwrap(),
                            amount: Money::from_cents(cents),
                        }).unwrap();
                        model.upward += cents;
                    }
                }
                GStep::Downward(cents) => {
                    let ok = cents <= model.cash();
                    let result = apply(&mut ledger, &id, date, Action::DownwardReestimate {
                        financing: g(),
                        cohort: fy(2008),
                        receipt: receipt_account(),
                        amount: Money::from_cents(cents),
                    });
                    prop_assert_eq!(result.is_ok(), ok);
                    if ok {
                        model.downward += cents;
                    }
                }
                GStep::Edge(..) => {}
            }
            if ledger.journal().len() == before.journal().len() {
                prop_assert_eq!(&ledger, &before);
            }
            let reconciled = ledger.credit_reconciliation(&g()).unwrap();
            prop_assert!(reconciled.reconciles(), "{:?}", reconciled.discrepancies);
            let cohort = &reconciled.cohorts[0];
            let c = |cents: i64| Money::from_cents(cents);
            prop_assert_eq!(cohort.principal_disbursed, c(model.disbursed));
            prop_assert_eq!(cohort.subsidy_received, c(model.subsidy));
            prop_assert_eq!(cohort.subsidy_paid_by_program, c(model.subsidy));
            prop_assert_eq!(cohort.fees_collected, c(model.fees));
            prop_assert_eq!(cohort.claims_paid, c(model.claims));
            prop_assert_eq!(cohort.borrowed, c(model.borrowed));
            prop_assert_eq!(cohort.cash, c(model.cash()));
            prop_assert_eq!(cohort.debt, c(model.borrowed - model.repaid));
            prop_assert_eq!(cohort.receivable, c(model.claims - model.recovered));
            prop_assert!(model.cash() >= 0);
            // No money invented or lost: cash and the acquired loans, less the debt, are
            // what the program account, the fees and the borrowers' interest brought in,
            // net of the interest and reestimates paid out.
            let k = |m: Money| i128::from(m.to_cents().unwrap());
            let equity = k(cohort.cash) + k(cohort.receivable) - k(cohort.debt);
            let given = k(cohort.subsidy_paid_by_program) + k(cohort.reestimates_paid_by_program)
                + k(cohort.fees_collected)
                + k(cohort.interest_collected)
                - k(cohort.interest_to_treasury)
                - k(cohort.downward_reestimates);
            prop_assert_eq!(equity, given);
        }
        prop_assert_eq!(Ledger::replay(ledger.journal(), Arc::new(AllowAll)).unwrap(), ledger);
    }
}

/// A financing account already open finances only periods of the program account it was
/// opened for: a program account of the same agency with another main account, or of
/// another agency with the same main account, is refused (naming the program it
/// finances), and the ledger is unchanged.
#[test]
fn a_financing_account_is_opened_again_only_for_the_same_program_account() {
    let mut ledger = funded("1000000");
    let date = day(2008, 1, 3);
    for (i, other) in ["011-2008/2009-1086", "012-2008/2009-1085"]
        .into_iter()
        .enumerate()
    {
        let other: AccountSymbol = other.parse().unwrap();
        let appropriate = Action::Appropriate {
            account: other,
            title: "Another loan program account".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("1000"),
            law: "P.L. 110-161".into(),
        };
        apply(&mut ledger, &format!("other-{i}"), date, appropriate).unwrap();
        let before = ledger.clone();
        let again = Action::OpenFinancingAccount {
            account: financing(),
            program: other,
            title: "Foreign Military Financing, Direct Loan Financing Account".into(),
            law: "2 U.S.C. 661d(b)".into(),
            kind: CreditKind::DirectLoan,
        };
        match apply(&mut ledger, &format!("again-{i}"), date, again) {
            Err(BudgetError::Credit {
                account,
                problem: CreditProblem::WrongProgram { program: finances },
            }) => assert_eq!((account, finances), (financing(), program()), "{other}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(ledger, before);
        assert_eq!(ledger.journal(), before.journal());
    }
}

/// An upward reestimate is paid from a document of its own: naming a direct loan of the
/// program is refused (the loan goes through credit reform), and one document pays the
/// reestimates of one cohort only, however many times; each refusal changes nothing.
#[test]
fn an_upward_reestimate_document_is_not_a_loan_and_serves_one_cohort() {
    let mut ledger = the_year();
    // A loan of the next fiscal year, so that its cohort exists.
    apply(
        &mut ledger,
        "loan-2009",
        day(2009, 3, 3),
        obligate_loan("JO-L-002", "1000000", "6.53"),
    )
    .unwrap();
    let reestimate = |document: &str, cohort: i32, amount: &str| Action::UpwardReestimate {
        account: program(),
        financing: financing(),
        cohort: fy(cohort),
        document: document.parse().unwrap(),
        amount: m(amount),
    };
    let before = ledger.clone();
    match apply(
        &mut ledger,
        "r-loan",
        day(2009, 3, 5),
        reestimate("JO-L-001", 2008, "10"),
    ) {
        Err(BudgetError::Credit {
            account,
            problem: CreditProblem::UseCreditReform { document, .. },
        }) => assert_eq!((account, document.as_str()), (program(), "JO-L-001")),
        other => panic!("{other:?}"),
    }
    assert_eq!(ledger, before);
    apply(
        &mut ledger,
        "r-obligate",
        day(2009, 3, 5),
        reestimate_obligation("REEST-2", m("100000")),
    )
    .unwrap();
    // Twice for cohort 2008: both paid.
    apply(
        &mut ledger,
        "r-1",
        day(2009, 3, 5),
        reestimate("REEST-2", 2008, "60000"),
    )
    .unwrap();
    apply(
        &mut ledger,
        "r-2",
        day(2009, 3, 6),
        reestimate("REEST-2", 2008, "40000"),
    )
    .unwrap();
    let paid = ledger
        .obligation(&program(), &"REEST-2".parse().unwrap())
        .unwrap();
    assert_eq!(paid.disbursed, m("100000"));
    // Then for cohort 2009: refused, naming the cohort it paid.
    let before = ledger.clone();
    match apply(
        &mut ledger,
        "r-3",
        day(2009, 3, 7),
        reestimate("REEST-2", 2009, "1"),
    ) {
        Err(BudgetError::DocumentExists {
            account,
            document,
            what,
        }) => {
            assert_eq!((account, document.as_str()), (program(), "REEST-2"));
            assert_eq!(what, "a reestimate of cohort FY2008", "{what}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ledger, before);
    assert_eq!(ledger.journal(), before.journal());
}

/// A subsidy rate is at most 100 %: a loan wholly subsidized is shaped right, and its
/// subsidy is its whole principal.
#[test]
fn a_subsidy_rate_of_exactly_100_percent_is_accepted() {
    let mut ledger = funded("1000");
    apply(
        &mut ledger,
        "loan-100",
        day(2008, 1, 3),
        obligate_loan("JO-L-100", "1000", "100"),
    )
    .unwrap();
    let balance = ledger
        .obligation(&program(), &"JO-L-100".parse().unwrap())
        .unwrap();
    assert_eq!(balance.obligated, m("1000"));
}

/// A refused batch takes back each credit command from both accounts it changes: opening
/// a financing account, obligating a loan, an upward reestimate.
#[test]
fn a_refused_batch_takes_back_credit_commands_from_both_accounts() {
    let refused_after = |ledger: &mut Ledger, id: &str, action: Action| {
        let before = ledger.clone();
        let date = day(2008, 3, 1);
        let command = |id: &str, action| {
            Command::new(id.parse().unwrap(), date, "dsca".parse().unwrap(), action)
        };
        let bad = command(
            "bad",
            Action::Allot {
                account: program(),
                holder: "DSCA".parse().unwrap(),
                amount: m("100000000"),
            },
        );
        let first = command(id, action);
        assert!(ledger.apply_all(vec![first.clone(), bad]).is_err());
        assert_eq!(*ledger, before, "{:?}", first.action);
        ledger.apply(first).unwrap();
    };
    let mut ledger = Ledger::allow_all();
    let appropriate = Action::Appropriate {
        account: program(),
        title: "Foreign Military Financing Loan Program Account".into(),
        purposes: vec![ProgramKind::Financing],
        amount: m("10"),
        law: "P.L. 110-161".into(),
    };
    apply(&mut ledger, "appropriate", day(2008, 1, 2), appropriate).unwrap();
    refused_after(
        &mut ledger,
        "open",
        Action::OpenFinancingAccount {
            account: guarantee_financing(),
            program: program(),
            title: "Foreign Military Financing, Loan Guarantee Financing Account".into(),
            law: "2 U.S.C. 661d(b)".into(),
            kind: CreditKind::LoanGuarantee,
        },
    );
    let mut ledger = funded("10000000");
    refused_after(
        &mut ledger,
        "loan",
        obligate_loan("JO-L-001", "50000000", "6.53"),
    );
    apply(
        &mut ledger,
        "reest-doc",
        day(2008, 3, 1),
        reestimate_obligation("REEST-2008", m("120000")),
    )
    .unwrap();
    refused_after(
        &mut ledger,
        "reestimate",
        Action::UpwardReestimate {
            account: program(),
            financing: financing(),
            cohort: fy(2008),
            document: "REEST-2008".parse().unwrap(),
            amount: m("120000"),
        },
    );
}

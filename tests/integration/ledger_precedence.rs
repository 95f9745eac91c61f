//! The rejection precedence of `Ledger::apply`, walked in order (see `BudgetError`):
//! identity and idempotency → shape → existence → time → purpose → amount → eligibility.
//!
//! Each test breaks one rule of its rank and, where the command can, every rule ranked
//! below it as well, and asserts that the highest-ranked one is reported. The last tests
//! are regressions for ledger bugs found by the model test (`ledger_model.rs`).

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, BudgetError, Command, Funding, Instrument,
    Ledger, Level, Receipt, ShapeError,
};
use security_assistance::eligibility::{
    Decision, EligibilityCheck, EligibilityRequest, Finding, FindingOutcome, Outcome, RuleId,
    WaiverStatus,
};
use security_assistance::{AccountStatus, Citation, CountryCode, Money, ProgramKind};

/// COL may not receive sales; everything else is allowed.
struct NoSalesToCol;

impl EligibilityCheck for NoSalesToCol {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        let refused = request.partner == col() && request.program == ProgramKind::Sales;
        let finding = Finding {
            rule: RuleId::new("test-col"),
            title: "no sales to COL".into(),
            citation: Citation::new("Test Act", "1"),
            outcome: if refused {
                FindingOutcome::Prohibits
            } else {
                FindingOutcome::Allows
            },
            facts: Vec::new(),
            waiver: WaiverStatus::NotNeeded,
        };
        Decision::new(request.clone(), "test", vec![finding])
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn usd(text: &str) -> Money {
    text.parse().unwrap()
}

fn col() -> CountryCode {
    "COL".parse().unwrap()
}

fn jor() -> CountryCode {
    "JOR".parse().unwrap()
}

/// FMF-like two-year money, FY2008/2009: expired from 2009-10-01, cancelled from
/// 2014-10-01.
fn two_year() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

/// IMET-like one-year FY2008 money, enacted late (2008-01-02), apportioned by program.
fn one_year() -> AccountSymbol {
    "011-2008-1081".parse().unwrap()
}

/// A current account for charges from cancelled FY2008 money (2013-10-01 … 2015-09-30).
fn current() -> AccountSymbol {
    "011-2014/2015-1083".parse().unwrap()
}

fn unknown() -> AccountSymbol {
    "011-2009-1099".parse().unwrap()
}

fn key(program: ProgramKind, partner: Option<CountryCode>) -> AllocationKey {
    AllocationKey::new("DSCA".parse().unwrap(), program, partner)
}

fn fmf_jor() -> AllocationKey {
    key(ProgramKind::Financing, Some(jor()))
}

fn command(id: &str, date: NaiveDate, action: Action) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        action,
    )
}

struct Fixture {
    ledger: Ledger,
    next: usize,
}

impl Fixture {
    /// Two-year FMF: $1,000,000 enacted 2007-10-01, $600,000 apportioned, $500,000 allotted
    /// to DSCA, $200,000 allocated to financing for JOR and $100,000 to sales for JOR; D1
    /// committed $50,000; D2 obligated $80,000, of which $30,000 paid.
    /// One-year IMET: $100,000 enacted 2008-01-02, $60,000 apportioned to training
    /// (Category B), allotted to DSCA, $10,000 allocated to training (no partner).
    fn new() -> Fixture {
        let mut f = Fixture {
            ledger: Ledger::new(Arc::new(NoSalesToCol)),
            next: 0,
        };
        let a = two_year();
        let b = one_year();
        let start = day(2007, 10, 1);
        f.ok(
            start,
            Action::Appropriate {
                account: a,
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing, ProgramKind::Sales],
                amount: usd("1000000"),
                law: "P.L. 110-161".into(),
            },
        );
        f.ok(
            start,
            Action::Apportion {
                account: a,
                category: Apportionment::ByPeriod { from: start },
                amount: usd("600000"),
            },
        );
        f.ok(
            start,
            Action::Allot {
                account: a,
                holder: "DSCA".parse().unwrap(),
                amount: usd("500000"),
            },
        );
        f.ok(
            start,
            Action::Allocate {
                account: a,
                key: fmf_jor(),
                amount: usd("200000"),
            },
        );
        f.ok(
            start,
            Action::Allocate {
                account: a,
                key: key(ProgramKind::Sales, Some(jor())),
                amount: usd("100000"),
            },
        );
        f.ok(
            start,
            Action::Commit {
                account: a,
                document: "D1".parse().unwrap(),
                key: fmf_jor(),
                amount: usd("50000"),
            },
        );
        f.ok(
            start,
            Action::Obligate {
                account: a,
                document: "D2".parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: fmf_jor() },
                amount: usd("80000"),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        );
        f.ok(
            start,
            Action::Disburse {
                account: a,
                document: "D2".parse().unwrap(),
                amount: usd("30000"),
            },
        );
        let enacted = day(2008, 1, 2);
        f.ok(
            enacted,
            Action::Appropriate {
                account: b,
                title: "IMET".into(),
                purposes: vec![ProgramKind::Training, ProgramKind::Financing],
                amount: usd("100000"),
                law: "P.L. 110-161".into(),
            },
        );
        f.ok(
            enacted,
            Action::Apportion {
                account: b,
                category: Apportionment::ByProgram {
                    program: ProgramKind::Training,
                },
                amount: usd("60000"),
            },
        );
        f.ok(
            enacted,
            Action::Allot {
                account: b,
                holder: "DSCA".parse().unwrap(),
                amount: usd("60000"),
            },
        );
        f.ok(
            enacted,
            Action::Allocate {
                account: b,
                key: key(ProgramKind::Training, None),
                amount: usd("10000"),
            },
        );
        f
    }

    fn id(&mut self) -> String {
        self.next += 1;
        format!("c{}", self.next)
    }

    fn ok(&mut self, date: NaiveDate, action: Action) -> Receipt {
        let id = self.id();
        self.ledger
            .apply(command(&id, date, action))
            .unwrap_or_else(|e| panic!("{id} refused: {e}"))
    }

    /// Applies a command that must be refused; the ledger must not change.
    fn refused(&mut self, date: NaiveDate, action: Action) -> BudgetError {
        let id = self.id();
        self.refused_command(command(&id, date, action))
    }

    fn refused_command(&mut self, command: Command) -> BudgetError {
        let before = self.ledger.clone();
        let journal = serde_json::to_string(self.ledger.journal()).unwrap();
        let err = self
            .ledger
            .apply(command.clone())
            .expect_err(&format!("{command:?} was applied"));
        assert!(
            self.ledger == before,
            "a refused command changed the ledger"
        );
        assert_eq!(
            serde_json::to_string(self.ledger.journal()).unwrap(),
            journal
        );
        err
    }
}

fn assert_exceeds(err: &BudgetError, level: Level, requested: &str, available: &str) {
    match err {
        BudgetError::Exceeds {
            level: l,
            requested: r,
            available: a,
            ..
        } => {
            assert_eq!(
                (*l, *r, *a),
                (level, usd(requested), usd(available)),
                "{err}"
            );
        }
        other => panic!("expected an amount refusal at {level}, got {other:?}"),
    }
    assert_eq!(err.precedence(), 6);
    assert!(err.citation().is_some());
}

// ---------------------------------------------------------------------------------------
// 1. Identity and idempotency
// ---------------------------------------------------------------------------------------

#[test]
fn a_repeated_command_returns_its_first_receipt_and_changes_nothing() {
    let mut f = Fixture::new();
    let c = command(
        "pay-1",
        day(2008, 2, 1),
        Action::Disburse {
            account: two_year(),
            document: "D2".parse().unwrap(),
            amount: usd("1000"),
        },
    );
    let first = f.ledger.apply(c.clone()).unwrap();
    let after_first = f.ledger.clone();
    let again = f.ledger.apply(c).unwrap();
    assert!(again.duplicate && !first.duplicate);
    assert_eq!(
        (again.sequence, again.date, &again.command),
        (first.sequence, first.date, &first.command)
    );
    assert!(f.ledger == after_first);
}

#[test]
fn command_conflict_outranks_every_other_rule() {
    let mut f = Fixture::new();
    // c3 allotted $500,000 to DSCA. The same id with an unknown account, a zero amount
    // and a cancelled date names the first differing field.
    let err = f.refused_command(command(
        "c3",
        day(2007, 10, 1),
        Action::Allot {
            account: unknown(),
            holder: "DSCA".parse().unwrap(),
            amount: Money::ZERO,
        },
    ));
    match &err {
        BudgetError::CommandConflict { id, field } => {
            assert_eq!((id.as_str(), field.as_str()), ("c3", "action.account"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.precedence(), 1);
    // Another type of action under the same id.
    let err = f.refused_command(command(
        "c3",
        day(2007, 10, 1),
        Action::Rescind {
            account: two_year(),
            amount: usd("1"),
            law: "x".into(),
        },
    ));
    assert!(matches!(&err, BudgetError::CommandConflict { field, .. } if field == "action.type"));
    // A later date, even with everything else equal.
    let mut moved = f.ledger.journal().get(2).unwrap().command;
    moved.date = day(2007, 10, 2);
    let err = f.refused_command(moved);
    assert!(matches!(&err, BudgetError::CommandConflict { field, .. } if field == "date"));
}

#[test]
fn recorded_out_of_order_outranks_shape() {
    let mut f = Fixture::new();
    // Every fixture command was recorded by 2008-01-02; a zero amount recorded earlier.
    let err = f.refused(
        day(2007, 12, 1),
        Action::Allot {
            account: unknown(),
            holder: "DSCA".parse().unwrap(),
            amount: Money::ZERO,
        },
    );
    match err {
        BudgetError::RecordedOutOfOrder { recorded, latest } => {
            assert_eq!((recorded, latest), (day(2007, 12, 1), day(2008, 1, 2)));
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// 2. Shape
// ---------------------------------------------------------------------------------------

#[test]
fn shape_outranks_existence_time_and_amount() {
    let mut f = Fixture::new();
    let late = day(2015, 1, 5); // the two-year account is cancelled
    type Expected = fn(&ShapeError) -> bool;
    let cases: Vec<(Action, Expected)> = vec![
        (
            Action::Allot {
                account: unknown(),
                holder: "DSCA".parse().unwrap(),
                amount: Money::ZERO,
            },
            |p| matches!(p, ShapeError::Zero),
        ),
        (
            Action::Disburse {
                account: unknown(),
                document: "D9".parse().unwrap(),
                amount: usd("-5"),
            },
            |p| matches!(p, ShapeError::NotPositive { .. }),
        ),
        (
            Action::Appropriate {
                account: two_year(),
                title: "FMF".into(),
                purposes: vec![],
                amount: usd("5"),
                law: "P.L. 110-161".into(),
            },
            |p| matches!(p, ShapeError::NoPurposes),
        ),
        (
            Action::Rescind {
                account: unknown(),
                amount: usd("5"),
                law: "  ".into(),
            },
            |p| matches!(p, ShapeError::EmptyText { field } if field == "law"),
        ),
        (
            Action::Transfer {
                from: unknown(),
                to: unknown(),
                amount: usd("5"),
                authority: "FAA sec. 610".into(),
            },
            |p| matches!(p, ShapeError::SameSourceAndDestination),
        ),
        (
            Action::Reprogram {
                account: unknown(),
                from: fmf_jor(),
                to: AllocationKey::new("DOS".parse().unwrap(), ProgramKind::Financing, Some(jor())),
                amount: usd("5"),
                authority: "FAA sec. 634A".into(),
                notified: None,
            },
            |p| matches!(p, ShapeError::DifferentHolders),
        ),
        (
            Action::ContinuingResolution {
                account: unknown(),
                title: "CR".into(),
                purposes: vec![ProgramKind::Financing],
                annual_rate: usd("5"),
                through: day(2009, 10, 1),
                seasonal_limit: None,
                law: "P.L. 110-92".into(),
            },
            |p| matches!(p, ShapeError::ResolutionOutsideYear { .. }),
        ),
    ];
    for (action, expected) in cases {
        let name = action.name();
        match f.refused(late, action) {
            BudgetError::Shape { action, problem } => {
                assert_eq!(action, name);
                assert!(expected(&problem), "{name}: {problem:?}");
            }
            other => panic!("{name}: {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------
// 3. Existence
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_account_outranks_time_and_amount() {
    let mut f = Fixture::new();
    let err = f.refused(
        day(2030, 1, 1),
        Action::Obligate {
            account: unknown(),
            document: "D9".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Allocation { key: fmf_jor() },
            amount: usd("99999999"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert!(matches!(err, BudgetError::UnknownAccount { account } if account == unknown()));
    assert_eq!(err.precedence(), 3);
}

#[test]
fn account_exists_outranks_time() {
    let mut f = Fixture::new();
    // Different purposes, enacted after expiry.
    let err = f.refused(
        day(2010, 1, 4),
        Action::Appropriate {
            account: two_year(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Training],
            amount: usd("5"),
            law: "P.L. 111-117".into(),
        },
    );
    assert!(matches!(&err, BudgetError::AccountExists { existing, .. }
        if existing == &vec![ProgramKind::Financing, ProgramKind::Sales]));
}

#[test]
fn unknown_allotment_outranks_time_purpose_and_amount() {
    let mut f = Fixture::new();
    // DOS holds no allotment; training is no purpose of the account; it is cancelled.
    let err = f.refused(
        day(2014, 10, 1),
        Action::Allocate {
            account: two_year(),
            key: AllocationKey::new("DOS".parse().unwrap(), ProgramKind::Training, None),
            amount: usd("99999999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::UnknownAllotment { holder, .. } if holder.as_str() == "DOS")
    );
}

#[test]
fn unknown_allocation_outranks_time_and_amount() {
    let mut f = Fixture::new();
    let err = f.refused(
        day(2009, 10, 1),
        Action::Commit {
            account: two_year(),
            document: "D9".parse().unwrap(),
            key: fmf_jor_without_partner(),
            amount: usd("99999999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::UnknownAllocation { key, .. } if *key == fmf_jor_without_partner())
    );
}

fn fmf_jor_without_partner() -> AllocationKey {
    key(ProgramKind::Financing, None)
}

#[test]
fn unknown_commitment_outranks_time_and_amount() {
    let mut f = Fixture::new();
    let err = f.refused(
        day(2014, 10, 1),
        Action::Obligate {
            account: two_year(),
            document: "D9".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Commitment,
            amount: usd("99999999"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert!(
        matches!(&err, BudgetError::UnknownCommitment { document, .. } if document.as_str() == "D9")
    );
}

#[test]
fn unknown_obligation_outranks_time_and_amount() {
    let mut f = Fixture::new();
    let err = f.refused(
        day(2014, 10, 1),
        Action::Disburse {
            account: two_year(),
            document: "D9".parse().unwrap(),
            amount: usd("99999999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::UnknownObligation { document, .. } if document.as_str() == "D9")
    );
}

#[test]
fn document_exists_outranks_time_and_amount() {
    let mut f = Fixture::new();
    // D2 is already obligated; committing it again after expiry, too much.
    let err = f.refused(
        day(2009, 10, 1),
        Action::Commit {
            account: two_year(),
            document: "D2".parse().unwrap(),
            key: fmf_jor(),
            amount: usd("99999999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::DocumentExists { document, .. } if document.as_str() == "D2")
    );
    // An obligation with funding from an allocation for a document that has a commitment.
    let err = f.refused(
        day(2009, 10, 1),
        Action::Obligate {
            account: two_year(),
            document: "D1".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Allocation { key: fmf_jor() },
            amount: usd("99999999"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert!(
        matches!(&err, BudgetError::DocumentExists { document, .. } if document.as_str() == "D1")
    );
}

#[test]
fn mixed_apportionment_outranks_time_purpose_and_amount() {
    let mut f = Fixture::new();
    // The two-year account is apportioned by period; by program (training, no purpose of
    // it), once cancelled, for more than it has.
    let err = f.refused(
        day(2014, 10, 1),
        Action::Apportion {
            account: two_year(),
            category: Apportionment::ByProgram {
                program: ProgramKind::Training,
            },
            amount: usd("99999999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::ApportionmentMixed { existing, .. } if existing == "period")
    );
    let err = f.refused(
        day(2008, 2, 1),
        Action::Apportion {
            account: one_year(),
            category: Apportionment::ByPeriod {
                from: day(2008, 1, 2),
            },
            amount: usd("1"),
        },
    );
    assert!(
        matches!(&err, BudgetError::ApportionmentMixed { existing, .. } if existing == "program")
    );
}

// ---------------------------------------------------------------------------------------
// 4. Time
// ---------------------------------------------------------------------------------------

#[test]
fn not_available_outranks_purpose_and_amount() {
    let mut f = Fixture::new();
    // Expired: no new obligation, even on an existing allocation and within it.
    let err = f.refused(
        day(2009, 10, 1),
        Action::Obligate {
            account: two_year(),
            document: "D9".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Allocation { key: fmf_jor() },
            amount: usd("99999999"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    match &err {
        BudgetError::NotAvailable {
            status,
            date,
            action,
            ..
        } => {
            assert_eq!(
                (*status, *date, action.as_str()),
                (AccountStatus::Expired, day(2009, 10, 1), "obligate")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.precedence(), 4);
    assert_eq!(err.citation().unwrap().to_string(), "31 U.S.C. 1553(a)");
    // Not yet available: enacted in advance, used before its first day.
    f.ok(
        day(2013, 9, 30),
        Action::Appropriate {
            account: current(),
            title: "IMET".into(),
            purposes: vec![ProgramKind::Training],
            amount: usd("1000"),
            law: "P.L. 113-46".into(),
        },
    );
    let err = f.refused(
        day(2013, 9, 30),
        Action::Transfer {
            from: current(),
            to: one_year(),
            amount: usd("99999999"),
            authority: "FAA sec. 610".into(),
        },
    );
    assert!(matches!(
        err,
        BudgetError::NotAvailable {
            status: AccountStatus::NotYetAvailable,
            ..
        }
    ));
    // Expired-phase actions on the closing day itself are still allowed.
    f.ok(
        day(2014, 9, 30),
        Action::Disburse {
            account: two_year(),
            document: "D2".parse().unwrap(),
            amount: usd("49999.99"),
        },
    );
    // Cancelled the next day: not even a payment on an existing obligation.
    let err = f.refused(
        day(2014, 10, 1),
        Action::Disburse {
            account: two_year(),
            document: "D2".parse().unwrap(),
            amount: usd("99999999"),
        },
    );
    assert!(matches!(
        err,
        BudgetError::NotAvailable {
            status: AccountStatus::Cancelled,
            ..
        }
    ));
    assert_eq!(err.citation().unwrap().to_string(), "31 U.S.C. 1552(a)");
}

#[test]
fn before_enactment_outranks_purpose_and_amount() {
    let mut f = Fixture::new();
    // The one-year account was enacted 2008-01-02; a backdated allocation on 2007-12-03
    // (recorded later) to a program outside its Category B line, for too much, is in
    // advance of the appropriation (31 U.S.C. 1341(a)(1)(B)).
    let err = f.refused_command(
        command(
            "early",
            day(2007, 12, 3),
            Action::Allocate {
                account: one_year(),
                key: key(ProgramKind::Sales, None),
                amount: usd("99999999"),
            },
        )
        .recorded_on(day(2008, 1, 2)),
    );
    match &err {
        BudgetError::BeforeEnactment {
            account,
            date,
            enacted,
            ..
        } => {
            assert_eq!(
                (*account, *date, *enacted),
                (one_year(), day(2007, 12, 3), day(2008, 1, 2))
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.precedence(), 4);
    assert_eq!(
        err.citation().unwrap().to_string(),
        "31 U.S.C. 1341(a)(1)(B)"
    );
}

// ---------------------------------------------------------------------------------------
// 5. Purpose
// ---------------------------------------------------------------------------------------

#[test]
fn purpose_outranks_amount_and_eligibility() {
    let mut f = Fixture::new();
    // Training is no purpose of the two-year account; too much; to COL.
    let err = f.refused(
        day(2008, 2, 1),
        Action::Allocate {
            account: two_year(),
            key: key(ProgramKind::Training, Some(col())),
            amount: usd("99999999"),
        },
    );
    match &err {
        BudgetError::Purpose {
            program, allowed, ..
        } => {
            assert_eq!(*program, ProgramKind::Training);
            assert_eq!(allowed, &vec![ProgramKind::Financing, ProgramKind::Sales]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.citation().unwrap().to_string(), "31 U.S.C. 1301(a)");
}

// ---------------------------------------------------------------------------------------
// 6. Amount, at each level
// ---------------------------------------------------------------------------------------

#[test]
fn amount_outranks_eligibility_and_names_the_level() {
    let mut f = Fixture::new();
    let feb = day(2008, 2, 1);
    // Sales to COL (ineligible) beyond the allotment: the amount is reported.
    let err = f.refused(
        feb,
        Action::Allocate {
            account: two_year(),
            key: key(ProgramKind::Sales, Some(col())),
            amount: usd("200000.01"),
        },
    );
    assert_exceeds(&err, Level::Allotment, "200000.01", "200000.00");
}

#[test]
fn exceeds_at_every_level_with_exact_edges() {
    let mut f = Fixture::new();
    let a = two_year();
    let feb = day(2008, 2, 1);
    // Appropriation: $400,000 unapportioned.
    let err = f.refused(
        feb,
        Action::Apportion {
            account: a,
            category: Apportionment::ByPeriod { from: feb },
            amount: usd("400000.01"),
        },
    );
    assert_exceeds(&err, Level::Appropriation, "400000.01", "400000.00");
    let err = f.refused(
        feb,
        Action::Rescind {
            account: a,
            amount: usd("400000.01"),
            law: "P.L. 110-161".into(),
        },
    );
    assert_exceeds(&err, Level::Appropriation, "400000.01", "400000.00");
    // Apportionment: $100,000 apportioned, not allotted.
    let err = f.refused(
        feb,
        Action::Allot {
            account: a,
            holder: "DOS".parse().unwrap(),
            amount: usd("100000.01"),
        },
    );
    assert_exceeds(&err, Level::Apportionment, "100000.01", "100000.00");
    // Allotment: $200,000 allotted, not allocated.
    let err = f.refused(
        feb,
        Action::Allocate {
            account: a,
            key: key(ProgramKind::Financing, None),
            amount: usd("200000.01"),
        },
    );
    assert_exceeds(&err, Level::Allotment, "200000.01", "200000.00");
    // Allocation: $200,000 − $50,000 committed − $80,000 obligated.
    let err = f.refused(
        feb,
        Action::Obligate {
            account: a,
            document: "D9".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Allocation { key: fmf_jor() },
            amount: usd("70000.01"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert_exceeds(&err, Level::Allocation, "70000.01", "70000.00");
    // Commitment: D1 reserves $50,000.
    let err = f.refused(
        feb,
        Action::Obligate {
            account: a,
            document: "D1".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Commitment,
            amount: usd("50000.01"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert_exceeds(&err, Level::Commitment, "50000.01", "50000.00");
    let err = f.refused(
        feb,
        Action::Decommit {
            account: a,
            document: "D1".parse().unwrap(),
            amount: usd("50000.01"),
        },
    );
    assert_exceeds(&err, Level::Commitment, "50000.01", "50000.00");
    // Obligation: D2 has $50,000 unpaid.
    let err = f.refused(
        feb,
        Action::Disburse {
            account: a,
            document: "D2".parse().unwrap(),
            amount: usd("50000.01"),
        },
    );
    assert_exceeds(&err, Level::Obligation, "50000.01", "50000.00");
    let err = f.refused(
        feb,
        Action::AdjustObligation {
            account: a,
            document: "D2".parse().unwrap(),
            amount: usd("-50000.01"),
        },
    );
    assert_exceeds(&err, Level::Obligation, "50000.01", "50000.00");
    // Disbursement: $30,000 paid on D2.
    let err = f.refused(
        feb,
        Action::Refund {
            account: a,
            document: "D2".parse().unwrap(),
            amount: usd("30000.01"),
        },
    );
    assert_exceeds(&err, Level::Disbursement, "30000.01", "30000.00");
    // Every limit above is reachable exactly.
    f.ok(
        feb,
        Action::Refund {
            account: a,
            document: "D2".parse().unwrap(),
            amount: usd("30000"),
        },
    );
    f.ok(
        feb,
        Action::Obligate {
            account: a,
            document: "D1".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Commitment,
            amount: usd("50000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    f.ok(
        feb,
        Action::Obligate {
            account: a,
            document: "D9".parse().unwrap(),
            instrument: Instrument::Loan,
            funding: Funding::Allocation { key: fmf_jor() },
            amount: usd("70000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
}

#[test]
fn charge_to_current_limit_is_one_percent_of_the_current_appropriation() {
    let mut f = Fixture::new();
    // An obligation of the one-year FY2008 account, which is cancelled from 2013-10-01.
    f.ok(
        day(2008, 2, 1),
        Action::Obligate {
            account: one_year(),
            document: "D5".parse().unwrap(),
            instrument: Instrument::Enrollment,
            funding: Funding::Allocation {
                key: key(ProgramKind::Training, None),
            },
            amount: usd("5000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    // The current account, enacted and distributed in advance (Category B).
    let c = current();
    let eve = day(2013, 9, 30);
    f.ok(
        eve,
        Action::Appropriate {
            account: c,
            title: "IMET".into(),
            purposes: vec![ProgramKind::Training, ProgramKind::Financing],
            amount: usd("1234567.89"),
            law: "P.L. 113-46".into(),
        },
    );
    for (program, amount) in [
        (ProgramKind::Training, "1000000"),
        (ProgramKind::Financing, "234567.89"),
    ] {
        f.ok(
            eve,
            Action::Apportion {
                account: c,
                category: Apportionment::ByProgram { program },
                amount: usd(amount),
            },
        );
        f.ok(
            eve,
            Action::Allot {
                account: c,
                holder: "DSCA".parse().unwrap(),
                amount: usd(amount),
            },
        );
        f.ok(
            eve,
            Action::Allocate {
                account: c,
                key: key(program, None),
                amount: usd(amount),
            },
        );
    }
    let charge = |amount: &str| Action::ChargeToCurrent {
        cancelled: one_year(),
        document: "D5".parse().unwrap(),
        current: c,
        key: key(ProgramKind::Training, None),
        amount: usd(amount),
    };
    // The day before cancellation the old account is merely expired (and the current one
    // not yet available): the old account's status is reported first.
    let err = f.refused(eve, charge("1"));
    assert!(matches!(
        err,
        BudgetError::NotAvailable {
            status: AccountStatus::Expired,
            ..
        }
    ));
    assert_eq!(err.citation().unwrap().to_string(), "31 U.S.C. 1553(b)");
    // 1 % of $1,234,567.89 is $12,345.6789, rounded down to $12,345.67.
    let oct = day(2013, 10, 1);
    let err = f.refused(oct, charge("12345.68"));
    assert_exceeds(&err, Level::ChargeToCurrentLimit, "12345.68", "12345.67");
    assert_eq!(err.citation().unwrap().to_string(), "31 U.S.C. 1553(b)");
    // A program other than the original obligation's is a purpose refusal, even for too
    // much.
    let err = f.refused(
        oct,
        Action::ChargeToCurrent {
            cancelled: one_year(),
            document: "D5".parse().unwrap(),
            current: c,
            key: key(ProgramKind::Financing, None),
            amount: usd("99999"),
        },
    );
    assert!(
        matches!(&err, BudgetError::Purpose { program, allowed, .. }
            if *program == ProgramKind::Financing && allowed == &vec![ProgramKind::Training]),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("its purposes are training ("),
        "{err}"
    );
    f.ok(oct, charge("12345.67"));
    let err = f.refused(oct, charge("0.01"));
    assert_exceeds(&err, Level::ChargeToCurrentLimit, "0.01", "0.00");
}

// ---------------------------------------------------------------------------------------
// 7. Eligibility
// ---------------------------------------------------------------------------------------

#[test]
fn ineligible_partner_is_refused_last_with_its_decision() {
    let mut f = Fixture::new();
    let err = f.refused(
        day(2008, 2, 1),
        Action::Allocate {
            account: two_year(),
            key: key(ProgramKind::Sales, Some(col())),
            amount: usd("1000"),
        },
    );
    match &err {
        BudgetError::Ineligible { decision } => {
            assert_eq!(decision.outcome(), Outcome::Ineligible);
            assert_eq!(decision.request().partner, col());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.precedence(), 7);
    // The same for an obligation and a reprogramming toward the partner.
    let err = f.refused(
        day(2008, 2, 1),
        Action::Reprogram {
            account: two_year(),
            from: key(ProgramKind::Sales, Some(jor())),
            to: key(ProgramKind::Sales, Some(col())),
            amount: usd("1000"),
            authority: "FAA sec. 634A".into(),
            // Notified before its fifteen days: the notice is met, the gate is asked.
            notified: Some(day(2008, 1, 10)),
        },
    );
    assert_eq!(err.precedence(), 7);
    // Eligible entries keep the decision that allowed them.
    let receipt = f.ok(
        day(2008, 2, 1),
        Action::Allocate {
            account: two_year(),
            key: key(ProgramKind::Financing, Some(col())),
            amount: usd("1000"),
        },
    );
    assert_eq!(receipt.decision.unwrap().outcome(), Outcome::Eligible);
}

// ---------------------------------------------------------------------------------------
// Backdating and arithmetic
// ---------------------------------------------------------------------------------------

#[test]
fn backdated_command_that_breaks_a_later_entry_reports_the_later_entry() {
    let mut f = Fixture::new();
    // DSCA has $200,000 allotted and not allocated; c13 allocates all of it on
    // 2008-03-03. Withdrawing one cent of the allotment as of 2008-02-01 is fine that
    // day, but leaves c13 one cent short.
    f.ok(
        day(2008, 3, 3),
        Action::Allocate {
            account: two_year(),
            key: key(ProgramKind::Financing, None),
            amount: usd("200000"),
        },
    );
    let err = f.refused_command(
        command(
            "late-withdrawal",
            day(2008, 2, 1),
            Action::Allot {
                account: two_year(),
                holder: "DSCA".parse().unwrap(),
                amount: usd("-0.01"),
            },
        )
        .recorded_on(day(2008, 3, 3)),
    );
    match &err {
        BudgetError::BreaksLaterEntry { later, source } => {
            assert_eq!(later.as_str(), "c13");
            assert!(matches!(
                **source,
                BudgetError::Exceeds {
                    level: Level::Allotment,
                    ..
                }
            ));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.precedence(), 6);
}

#[test]
fn resources_beyond_the_range_of_money_are_refused_at_the_amount_rank() {
    let mut f = Fixture::new();
    let huge = usd("792281625142643375935439503.35");
    let err = f.refused(
        day(2008, 2, 1),
        Action::Appropriate {
            account: unknown(),
            title: "Huge".into(),
            purposes: vec![ProgramKind::Training],
            amount: huge,
            law: "x".into(),
        },
    );
    // Issue 17 item 7: refused before any sum overflows, naming the room left.
    assert!(
        matches!(err, BudgetError::ResourcesOutOfRange { .. }),
        "{err:?}"
    );
    assert_eq!(err.precedence(), 6);
}

// ---------------------------------------------------------------------------------------
// Collections: shape, then existence, then time; no amount or eligibility level
// ---------------------------------------------------------------------------------------

fn collect(account: AccountSymbol, document: &str, amount: &str) -> Action {
    Action::Collect {
        account,
        document: document.parse().unwrap(),
        payer: jor(),
        amount: usd(amount),
        authority: "6 U.S.C. 195c(d)".into(),
    }
}

#[test]
fn collection_refusals_follow_the_precedence() {
    let mut f = Fixture::new();
    // A first collection in the unexpired two-year account applies and adds authority.
    f.ok(day(2008, 3, 1), collect(two_year(), "COLL-1", "25000"));
    // Shape outranks existence: a zero amount into an unknown account.
    let err = f.refused(day(2008, 3, 2), collect(unknown(), "COLL-2", "0"));
    assert!(matches!(err, BudgetError::Shape { ref action, .. } if action == "collect"));
    assert_eq!(err.precedence(), 2);
    // Existence outranks time: a repeated document, on a day the account is expired.
    let err = f.refused(day(2009, 10, 1), collect(two_year(), "COLL-1", "5"));
    assert!(matches!(err, BudgetError::DocumentExists { .. }), "{err}");
    assert_eq!(err.precedence(), 3);
    // Time: a fresh document after expiry, with the law that bars it.
    let err = f.refused(day(2009, 10, 1), collect(two_year(), "COLL-3", "5"));
    assert!(
        matches!(
            err,
            BudgetError::NotAvailable {
                status: AccountStatus::Expired,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.precedence(), 4);
    assert!(err.citation().is_some());
}

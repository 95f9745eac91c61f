//! Regressions for ledger bugs that the model test (`ledger_model.rs`) found, one test per
//! bug, each the smallest scenario that showed it.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, BudgetError, Command, Funding, Instrument,
    Ledger, Level, ShapeError,
};
use security_assistance::{Money, ProgramKind};

use crate::support::{Snapshot, assert_unchanged};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn usd(text: &str) -> Money {
    text.parse().unwrap()
}

fn fy2008() -> AccountSymbol {
    "011-2008-1081".parse().unwrap()
}

/// A continuing resolution for FY2008's one-year account, enacted by P.L. 110-92.
fn resolution(purposes: Vec<ProgramKind>, annual_rate: &str, through: NaiveDate) -> Action {
    Action::ContinuingResolution {
        account: fy2008(),
        title: "CR".into(),
        purposes,
        annual_rate: usd(annual_rate),
        through,
        seasonal_limit: None,
        law: "P.L. 110-92".into(),
    }
}

fn assert_outside_year(err: &BudgetError) {
    assert!(
        matches!(
            err,
            BudgetError::Shape {
                problem: ShapeError::ResolutionOutsideYear { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

fn key(program: ProgramKind) -> AllocationKey {
    AllocationKey::new("DSCA".parse().unwrap(), program, None)
}

struct Steps {
    ledger: Ledger,
    next: usize,
}

impl Steps {
    fn new() -> Steps {
        Steps {
            ledger: Ledger::new(std::sync::Arc::new(
                security_assistance::eligibility::AllowAll,
            )),
            next: 0,
        }
    }

    fn command(&mut self, date: NaiveDate, action: Action) -> Command {
        self.next += 1;
        Command::new(
            format!("c{}", self.next).parse().unwrap(),
            date,
            "budget-office".parse().unwrap(),
            action,
        )
    }

    fn ok(&mut self, date: NaiveDate, action: Action) {
        let c = self.command(date, action);
        self.ledger.apply(c).unwrap();
    }

    fn refused(&mut self, date: NaiveDate, action: Action) -> BudgetError {
        let c = self.command(date, action);
        let before = Snapshot::of(&self.ledger);
        let err = self.ledger.apply(c).unwrap_err();
        assert_unchanged(&self.ledger, &before);
        err
    }

    fn appropriate(&mut self, date: NaiveDate, account: AccountSymbol, amount: &str) {
        self.ok(
            date,
            Action::Appropriate {
                account,
                title: "Appropriation".into(),
                purposes: vec![ProgramKind::Training, ProgramKind::Financing],
                amount: usd(amount),
                law: "P.L. 110-161".into(),
            },
        );
    }
}

fn exceeds(err: &BudgetError) -> (Level, Money, Money) {
    match err {
        BudgetError::Exceeds {
            level,
            requested,
            available,
            ..
        } => (*level, *requested, *available),
        other => panic!("expected an amount refusal, got {other:?}"),
    }
}

/// An allocation beyond both its program's Category B apportionment and the holder's
/// allotment names the apportionment, the higher level (DOMAIN.md §1.6: levels are checked
/// top down and the first one breached is named), and so does an obligation charged
/// directly to the allotment. The ledger named the allotment.
#[test]
fn allocation_beyond_apportionment_and_allotment_names_the_apportionment() {
    let mut s = Steps::new();
    let a = fy2008();
    let d = day(2007, 10, 1);
    s.appropriate(d, a, "1000");
    for (program, amount) in [
        (ProgramKind::Training, "100"),
        (ProgramKind::Financing, "900"),
    ] {
        s.ok(
            d,
            Action::Apportion {
                account: a,
                category: Apportionment::ByProgram { program },
                amount: usd(amount),
            },
        );
    }
    s.ok(
        d,
        Action::Allot {
            account: a,
            holder: "DSCA".parse().unwrap(),
            amount: usd("950"),
        },
    );
    s.ok(
        d,
        Action::Allocate {
            account: a,
            key: key(ProgramKind::Financing),
            amount: usd("900"),
        },
    );
    // Training: $100 apportioned, $50 of the allotment left.
    let err = s.refused(
        d,
        Action::Allocate {
            account: a,
            key: key(ProgramKind::Training),
            amount: usd("101"),
        },
    );
    assert_eq!(
        exceeds(&err),
        (Level::Apportionment, usd("101"), usd("100"))
    );
    let err = s.refused(
        d,
        Action::Allocate {
            account: a,
            key: key(ProgramKind::Training),
            amount: usd("51"),
        },
    );
    assert_eq!(exceeds(&err), (Level::Allotment, usd("51"), usd("50")));
    // The same for an obligation charged directly to the allotment.
    let err = s.refused(
        d,
        Action::Obligate {
            account: a,
            document: "D1".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allotment {
                key: key(ProgramKind::Training),
            },
            amount: usd("101"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    assert_eq!(
        exceeds(&err),
        (Level::Apportionment, usd("101"), usd("100"))
    );
}

/// A continuing resolution that adds less than the one in force is malformed (a shape
/// error, rank 2), and shape outranks existence (rank 3): the ledger reported
/// `AccountExists` once the full-year act had arrived.
#[test]
fn shorter_resolution_is_a_shape_error_before_existence() {
    let mut s = Steps::new();
    let a = fy2008();
    let cr = |annual_rate: &str, through| {
        resolution(
            vec![ProgramKind::Training, ProgramKind::Financing],
            annual_rate,
            through,
        )
    };
    // 82 of FY2008's 366 days at $36,600 a year: $8,200.
    s.ok(day(2007, 10, 1), cr("36600", day(2007, 12, 21)));
    s.appropriate(day(2007, 12, 26), a, "36600");
    // 183 days at $3,660 a year: $1,830, less than the $8,200 in force.
    let err = s.refused(day(2007, 12, 26), cr("3660", day(2008, 3, 31)));
    assert_outside_year(&err);
    // A longer one is refused because the full-year act superseded the resolution.
    let err = s.refused(day(2007, 12, 26), cr("36600", day(2008, 3, 31)));
    assert!(matches!(err, BudgetError::AccountExists { .. }), "{err:?}");
}

/// Charging a cancelled account's obligation to a current account under a second
/// allocation is an existence error (rank 3), reported before the amount (rank 6): the
/// ledger checked the 1 % limit first.
#[test]
fn charge_under_another_allocation_is_refused_before_the_amount() {
    let mut s = Steps::new();
    let old = fy2008();
    let current: AccountSymbol = "011-2014/2015-1083".parse().unwrap();
    let jor = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Training,
        Some("JOR".parse().unwrap()),
    );
    for (account, date, amount) in [
        (old, day(2008, 1, 2), "1000"),
        (current, day(2013, 10, 1), "100000"),
    ] {
        s.appropriate(date, account, amount);
        s.ok(
            date,
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod { from: date },
                amount: usd(amount),
            },
        );
        s.ok(
            date,
            Action::Allot {
                account,
                holder: "DSCA".parse().unwrap(),
                amount: usd(amount),
            },
        );
        s.ok(
            date,
            Action::Allocate {
                account,
                key: key(ProgramKind::Training),
                amount: usd("500"),
            },
        );
        s.ok(
            date,
            Action::Allocate {
                account,
                key: jor.clone(),
                amount: usd("500"),
            },
        );
        if account == old {
            s.ok(
                date,
                Action::Obligate {
                    account,
                    document: "D5".parse().unwrap(),
                    instrument: Instrument::Enrollment,
                    funding: Funding::Allocation {
                        key: key(ProgramKind::Training),
                    },
                    amount: usd("400"),
                    object_class: None,
                    financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                },
            );
        }
    }
    let charge = |key: AllocationKey, amount: &str| Action::ChargeToCurrent {
        cancelled: old,
        document: "D5".parse().unwrap(),
        current,
        key,
        amount: usd(amount),
    };
    s.ok(day(2013, 10, 1), charge(key(ProgramKind::Training), "100"));
    // $5,000 is beyond the $900 left of the 1 % limit, and D5 sits under another key.
    let err = s.refused(day(2013, 10, 1), charge(jor, "5000"));
    assert!(
        matches!(&err, BudgetError::DocumentExists { document, .. } if document.as_str() == "D5"),
        "{err:?}"
    );
}

/// Withdrawing a Category A apportionment must leave what is apportioned to date
/// (`from` ≤ the day) covering the allotments, as `Allot` itself requires. The ledger only
/// compared with the whole apportionment, future quarters included, so allotments could
/// end up above what was available that day.
#[test]
fn withdrawing_a_category_a_line_keeps_allotments_covered_to_date() {
    let mut s = Steps::new();
    let a = fy2008();
    let oct = day(2007, 10, 1);
    let jan = day(2008, 1, 1);
    s.appropriate(oct, a, "1000");
    for (from, amount) in [(oct, "600"), (jan, "400")] {
        s.ok(
            oct,
            Action::Apportion {
                account: a,
                category: Apportionment::ByPeriod { from },
                amount: usd(amount),
            },
        );
    }
    s.ok(
        day(2007, 11, 1),
        Action::Allot {
            account: a,
            holder: "DSCA".parse().unwrap(),
            amount: usd("600"),
        },
    );
    let withdraw = |from, amount: &str| Action::Apportion {
        account: a,
        category: Apportionment::ByPeriod { from },
        amount: usd(amount),
    };
    // In December only the October line is available, and all of it is allotted.
    let err = s.refused(day(2007, 12, 1), withdraw(oct, "-0.01"));
    assert_eq!(exceeds(&err), (Level::Apportionment, usd("0.01"), usd("0")));
    let err = s.refused(day(2007, 12, 1), withdraw(jan, "-400.01"));
    assert_eq!(
        exceeds(&err),
        (Level::Apportionment, usd("400.01"), usd("400"))
    );
    // From January the later line covers what is withdrawn from the earlier one.
    s.ok(day(2008, 1, 2), withdraw(oct, "-400"));
    let err = s.refused(day(2008, 1, 2), withdraw(jan, "-0.01"));
    assert_eq!(exceeds(&err), (Level::Apportionment, usd("0.01"), usd("0")));
}

/// A command dated before its account was enacted (entered late, so backdated) is in
/// advance of the appropriation, a time error citing 31 U.S.C. 1341(a)(1)(B). The ledger
/// replayed the journal up to the command's date, found no account there and reported
/// `UnknownAccount`, so `BeforeEnactment` could never be returned.
#[test]
fn backdated_command_before_enactment_cites_the_antideficiency_act() {
    let mut s = Steps::new();
    let a = fy2008();
    let enacted = day(2008, 1, 2);
    s.appropriate(enacted, a, "1000");
    s.ok(
        enacted,
        Action::Apportion {
            account: a,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: usd("1000"),
        },
    );
    let c = s
        .command(
            day(2007, 12, 3),
            Action::Allot {
                account: a,
                holder: "DSCA".parse().unwrap(),
                amount: usd("10"),
            },
        )
        .recorded_on(enacted);
    let err = s.ledger.apply(c).unwrap_err();
    match &err {
        BudgetError::BeforeEnactment {
            account,
            date,
            enacted: e,
            action,
        } => {
            assert_eq!(
                (*account, *date, *e, action.as_str()),
                (a, day(2007, 12, 3), enacted, "allot")
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

/// 31 U.S.C. 1553(b)(1): after an account closes, a charge to a current account for one of
/// its documents must have been chargeable to the closed account "in amount": what the
/// document still owed when the account closed, and beyond that (an upward adjustment) the
/// closed account's unobligated balance, which the adjustments of all its documents share.
/// The ledger checked only the 1 percent limit of 1553(b)(2).
#[test]
fn charges_after_closing_stay_within_what_the_closed_account_could_pay() {
    let mut s = Steps::new();
    let old = fy2008(); // one-year FY2008: cancelled from 2013-10-01
    let current: AccountSymbol = "011-2014-1081".parse().unwrap();
    let k = key(ProgramKind::Training);
    let d = day(2007, 10, 1);
    s.appropriate(d, old, "1000");
    s.ok(
        d,
        Action::Apportion {
            account: old,
            category: Apportionment::ByPeriod { from: d },
            amount: usd("1000"),
        },
    );
    s.ok(
        d,
        Action::Allot {
            account: old,
            holder: "DSCA".parse().unwrap(),
            amount: usd("1000"),
        },
    );
    s.ok(
        d,
        Action::Allocate {
            account: old,
            key: k.clone(),
            amount: usd("1000"),
        },
    );
    // A owes 400 and B 300 when the account closes; 100 is unobligated.
    for (document, amount) in [("A", "600"), ("B", "300")] {
        s.ok(
            d,
            Action::Obligate {
                account: old,
                document: document.parse().unwrap(),
                instrument: Instrument::Enrollment,
                funding: Funding::Allocation { key: k.clone() },
                amount: usd(amount),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        );
    }
    s.ok(
        day(2008, 3, 1),
        Action::Disburse {
            account: old,
            document: "A".parse().unwrap(),
            amount: usd("200"),
        },
    );
    // The current account: 1 percent of 1,000,000 is 10,000, far above these charges.
    let c = day(2013, 12, 2);
    s.appropriate(c, current, "1000000");
    for action in [
        Action::Apportion {
            account: current,
            category: Apportionment::ByPeriod {
                from: day(2013, 10, 1),
            },
            amount: usd("1000000"),
        },
        Action::Allot {
            account: current,
            holder: "DSCA".parse().unwrap(),
            amount: usd("1000000"),
        },
        Action::Allocate {
            account: current,
            key: k.clone(),
            amount: usd("1000000"),
        },
    ] {
        s.ok(c, action);
    }
    let charge = |document: &str, amount: &str| Action::ChargeToCurrent {
        cancelled: old,
        document: document.parse().unwrap(),
        current,
        key: k.clone(),
        amount: usd(amount),
    };
    // A's unpaid 400, then a 60 upward adjustment from the 100 unobligated.
    s.ok(c, charge("A", "400"));
    s.ok(c, charge("A", "60"));
    // B may have its 300 and the 40 of unobligated balance left: 340, not a cent more.
    let err = s.refused(c, charge("B", "340.01"));
    assert_eq!(
        exceeds(&err),
        (Level::ClosedAccountBalance, usd("340.01"), usd("340"))
    );
    assert!(err.to_string().contains("1553(b)"), "{err}");
    s.ok(c, charge("B", "340"));
    // Nothing is left for anyone.
    let err = s.refused(c, charge("A", "0.01"));
    assert_eq!(
        exceeds(&err),
        (Level::ClosedAccountBalance, usd("0.01"), Money::ZERO)
    );
    // The replayed journal agrees.
    assert!(
        Ledger::replay(
            s.ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap()
            == s.ledger
    );
}

/// A longer continuing resolution extends one in force only for the same purposes;
/// for others it is refused as `AccountExists`.
#[test]
fn a_longer_resolution_needs_the_same_purposes() {
    let a = fy2008();
    let cr = resolution;
    let both = || vec![ProgramKind::Training, ProgramKind::Financing];
    let first = |s: &mut Steps| s.ok(day(2007, 10, 1), cr(both(), "36600", day(2007, 12, 21)));
    // The same purposes, by period only: extended.
    let mut s = Steps::new();
    first(&mut s);
    s.ok(day(2007, 12, 20), cr(both(), "36600", day(2008, 3, 31)));
    // Other purposes: refused.
    let mut s = Steps::new();
    first(&mut s);
    let err = s.refused(
        day(2007, 12, 20),
        cr(vec![ProgramKind::Training], "36600", day(2008, 3, 31)),
    );
    assert!(matches!(err, BudgetError::AccountExists { .. }), "{err:?}");
    // One that ends before its fiscal year begins is malformed, even when dated earlier
    // still (it ends after its own date).
    let mut s = Steps::new();
    let err = s.refused(day(2007, 9, 28), cr(both(), "36600", day(2007, 9, 30)));
    assert_outside_year(&err);
    // Nor can it come to hold a program apportionment, so the account's by-program
    // clause never decides (kept as a guard).
    let mut s = Steps::new();
    first(&mut s);
    let err = s.refused(
        day(2007, 10, 2),
        Action::Apportion {
            account: a,
            category: Apportionment::ByProgram {
                program: ProgramKind::Training,
            },
            amount: usd("100"),
        },
    );
    assert!(
        matches!(err, BudgetError::ApportionmentMixed { .. }),
        "{err:?}"
    );
}

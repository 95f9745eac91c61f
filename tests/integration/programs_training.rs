//! A year of training for three partners against a training appropriation, one trainee
//! refused in vetting, ending in a status of funds that reconciles to the cent.

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Ledger, StatusQuery,
};
use security_assistance::eligibility::{Engine, Fact, FactKind, Facts, RuleSet, Subject};
use security_assistance::programs::training::*;
use security_assistance::{Citation, Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn a_year_of_training_reconciles() {
    let account = "011-2008/2009-1081".parse().unwrap();
    // Credible information against one unit of Country B.
    let mut facts = Facts::new();
    facts.add(Fact::new(
        "KEN".parse().unwrap(),
        FactKind::GrossViolations {
            subject: Subject::Unit("GSU 5th".into()),
        },
        day(2007, 5, 1),
        Citation::new("vetting file", "K-17"),
        day(2007, 5, 2),
    ));
    let engine = Arc::new(Engine::new(facts, RuleSet::builtin()));
    let mut ledger = Ledger::with_eligibility(engine.clone());
    let mut n = 0;
    let mut next = |date| {
        n += 1;
        (
            format!("t{n}").parse().unwrap(),
            date,
            "pm-imet".parse().unwrap(),
        )
    };
    let apply = |ledger: &mut Ledger, (id, date, actor), action| {
        ledger.apply(Command::new(id, date, actor, action)).unwrap();
    };
    let start = day(2007, 12, 26);
    apply(
        &mut ledger,
        next(start),
        Action::Appropriate {
            account,
            title: "IMET".into(),
            purposes: vec![ProgramKind::Training],
            amount: m("85000000"),
            law: "P.L. 110-161".into(),
        },
    );
    apply(
        &mut ledger,
        next(start),
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: m("85000000"),
        },
    );
    apply(
        &mut ledger,
        next(start),
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("1000000"),
        },
    );
    let key = |p: &str| {
        AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Training,
            Some(p.parse().unwrap()),
        )
    };
    for p in ["JOR", "KEN", "COL"] {
        apply(
            &mut ledger,
            next(start),
            Action::Allocate {
                account,
                key: key(p),
                amount: m("100000"),
            },
        );
    }
    let course = Course {
        id: "MLE-101".into(),
        title: "Maritime law enforcement".into(),
        school: "USCG Training Center Yorktown".into(),
        kind: CourseKind::Resident,
        days: 28,
        tuition_full: m("14250"),
        tuition_incremental: m("9870"),
        expanded_purposes: [ExpandedPurpose::LawEnforcementCooperation].into(),
    };
    let rates = DailyRates {
        actual_lodging: m("120"),
        max_lodging: m("98"),
        meals: m("64"),
        free_quarters_and_mess: false,
    };
    let cost = resident_cost(
        &course,
        TuitionBasis {
            receives_imet: true,
            high_income: false,
        },
        m("1850"),
        &rates,
    )
    .unwrap()
    .total;
    assert_eq!(cost, m("16564"));

    let students = [
        ("JOR", "Capt. A", "JAF Navy"),
        ("KEN", "Lt. B", "GSU 5th"),
        ("COL", "Lt. C", "ARC Caribe"),
    ];
    let mut enrollments = Vec::new();
    for (i, (partner, student, unit)) in students.into_iter().enumerate() {
        let (enrollment, commit) = Enrollment::enroll(
            &course,
            format!("ENR-{i}").parse().unwrap(),
            partner.parse().unwrap(),
            student,
            unit,
            false,
            day(2008, 3, 3),
            account,
            key(partner),
            cost,
            next(day(2008, 1, 10)),
        )
        .unwrap();
        ledger.apply(commit).unwrap();
        enrollments.push(enrollment);
    }
    // Vetting: Kenya's unit has credible information against it.
    for enrollment in &mut enrollments {
        let decision = enrollment.vet(day(2008, 2, 1), engine.as_ref());
        match enrollment.obligate(&decision, next(day(2008, 2, 1))) {
            Ok(command) => {
                ledger.apply(command).unwrap();
            }
            Err(TrainingError::NotCleared { explanation, .. }) => {
                assert!(explanation.contains("the State Leahy law"), "{explanation}");
                let release = enrollment.release(next(day(2008, 2, 1))).unwrap();
                ledger.apply(release).unwrap();
            }
            Err(e) => panic!("{e}"),
        }
    }
    // Completion: actual costs 16,102.40 and 16,564.00; the rest deobligated.
    let actuals = [m("16102.40"), Money::ZERO, m("16564")];
    for (enrollment, actual) in enrollments.iter_mut().zip(actuals) {
        if enrollment.state == EnrollmentState::Obligated {
            for command in enrollment
                .complete(actual, next(day(2008, 4, 15)), next(day(2008, 4, 15)))
                .unwrap()
            {
                ledger.apply(command).unwrap();
            }
        }
    }
    let rows = ledger
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[Dimension::Partner]))
        .unwrap();
    let row = |p: &str| {
        rows.iter()
            .find(|r| r.key.partner == Some(p.parse().unwrap()))
            .unwrap()
            .clone()
    };
    // Jordan: obligated 16,564.00, deobligated 461.60, paid 16,102.40.
    assert_eq!(row("JOR").obligated, m("16102.40"));
    assert_eq!(row("JOR").disbursed, m("16102.40"));
    // Kenya: refused, nothing committed or obligated.
    assert_eq!(row("KEN").committed, Money::ZERO);
    assert_eq!(row("KEN").obligated, Money::ZERO);
    assert_eq!(row("KEN").unobligated, m("100000"));
    // Colombia: paid in full.
    assert_eq!(row("COL").disbursed, m("16564"));
    let total = rows.iter().find(|r| r.key.partner.is_none()).unwrap();
    // 85,000,000 appropriated; 300,000 allocated; 32,666.40 spent.
    let all_obligated = Money::checked_sum(rows.iter().map(|r| r.obligated)).unwrap();
    assert_eq!(all_obligated, m("32666.40"));
    let all_authority = Money::checked_sum(rows.iter().map(|r| r.budget_authority)).unwrap();
    assert_eq!(all_authority, m("85000000"));
    assert_eq!(total.budget_authority, m("84700000"));
}

use std::sync::Arc;

use super::*;
use crate::budget::Apportionment;
use crate::eligibility::{Engine, Fact, Facts, RuleSet};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn jftr() -> Citation {
    Citation::new("JFTR", "Appendix A")
}

fn course(id: &str, kind: CourseKind, days: u32) -> Course {
    Course::new(
        id.parse().unwrap(),
        "A course",
        "A school",
        "Yorktown, VA",
        kind,
        CourseLength::Days(days),
        Tuition::new(m("1000"), m("600")).unwrap(),
    )
    .unwrap()
}

fn rates() -> RateTable {
    let mut table = RateTable::new();
    table
        .add(DailyRates::new("Yorktown, VA", day(2007, 10, 1), m("98"), m("64"), jftr()).unwrap())
        .unwrap();
    table
}

#[test]
fn living_allowance_by_rule_38() {
    let rates = DailyRates::new("Yorktown, VA", day(2007, 10, 1), m("98"), m("64"), jftr())
        .unwrap()
        .with_meal_rate(MealRate::Government, m("12.60"))
        .unwrap();
    // Lodging below the maximum counts as paid: 80 + 64 + 11.
    let below = Stay::Paid {
        actual_lodging: m("80"),
        meals: MealRate::Local,
    };
    assert_eq!(rates.living_allowance(&below).unwrap(), m("155"));
    // Above the maximum it is capped: 98 + 64 + 11.
    let above = Stay::Paid {
        actual_lodging: m("140.99"),
        meals: MealRate::Local,
    };
    assert_eq!(rates.living_allowance(&above).unwrap(), m("173"));
    // With a government mess the government meal rate applies: 98 + 12.60 + 11.
    let mess = Stay::Paid {
        actual_lodging: m("140.99"),
        meals: MealRate::Government,
    };
    assert_eq!(rates.living_allowance(&mess).unwrap(), m("121.60"));
    // Free quarters and mess: $11.00 only.
    assert_eq!(
        rates.living_allowance(&Stay::FreeQuartersAndMess).unwrap(),
        m("11")
    );
    // No proportional rate in the entry.
    let proportional = Stay::Paid {
        actual_lodging: m("50"),
        meals: MealRate::Proportional,
    };
    assert!(matches!(
        rates.living_allowance(&proportional),
        Err(TrainingError::NoMealRate {
            meal_rate: MealRate::Proportional,
            ..
        })
    ));
    // Incidentals are data too.
    let changed = rates.with_incidentals(m("12.50")).unwrap();
    assert_eq!(
        changed
            .living_allowance(&Stay::FreeQuartersAndMess)
            .unwrap(),
        m("12.50")
    );
}

#[test]
fn tuition_by_rule_39() {
    let listing = |c: &str| CountryListing::new(c.parse().unwrap(), day(2007, 10, 1), jftr());
    let pricing = TuitionPricing::new()
        .with_imet_recipient(listing("JOR").until(day(2008, 10, 1)))
        .with_imet_recipient(listing("SGP"))
        .with_high_income(listing("SGP"))
        .with_high_income(listing("NOR"));
    let c = course("C-1", CourseKind::Resident, 1);
    let cost = |partner: &str, start| {
        resident_cost(
            &c,
            partner.parse().unwrap(),
            start,
            Money::ZERO,
            &Stay::FreeQuartersAndMess,
            &pricing,
            &rates(),
        )
        .unwrap()
    };
    // Tuition + $11.00 for the one day.
    assert_eq!(cost("JOR", day(2008, 9, 30)).total(), m("611"));
    // Jordan off the list from FY2009: full cost.
    assert_eq!(cost("JOR", day(2008, 10, 1)).total(), m("1011"));
    assert_eq!(cost("NOR", day(2008, 3, 1)).total(), m("611"));
    assert_eq!(cost("BRA", day(2008, 3, 1)).total(), m("1011"));
    assert_eq!(
        pricing.basis("SGP".parse().unwrap(), day(2008, 3, 1)),
        TuitionBasis::Incremental {
            reason: IncrementalReason::ConcurrentImetAndHighIncome
        }
    );
    assert_eq!(
        cost("NOR", day(2008, 3, 1)).lines()[0].explanation(),
        "incremental cost (a high-income country): NOR on 2008-03-01"
    );
}

#[test]
fn course_validation() {
    let tuition = Tuition::new(m("1"), m("1")).unwrap();
    let new = |title: &str, length| {
        Course::new(
            "X".parse().unwrap(),
            title,
            "S",
            "L",
            CourseKind::Resident,
            length,
            tuition,
        )
    };
    assert!(matches!(
        new("", CourseLength::Days(3)),
        Err(TrainingError::EmptyText {
            field: TextField::Title
        })
    ));
    assert!(matches!(
        new("T", CourseLength::Days(0)),
        Err(TrainingError::CourseLength { .. })
    ));
    assert!(new("T", CourseLength::Days(MAX_COURSE_DAYS)).is_ok());
    assert!(new("T", CourseLength::Days(MAX_COURSE_DAYS + 1)).is_err());
    assert!(new("T", CourseLength::Weeks(u32::MAX)).is_err());
    assert_eq!(new("T", CourseLength::Weeks(3)).unwrap().days(), 21);
    assert!(matches!(
        Tuition::new(m("-1"), m("-2")),
        Err(TrainingError::NegativeAmount { .. })
    ));
    assert!("x".repeat(MAX_COURSE_ID_LEN).parse::<CourseId>().is_ok());
    assert!(
        "x".repeat(MAX_COURSE_ID_LEN + 1)
            .parse::<CourseId>()
            .is_err()
    );
    // JSON is validated too.
    let bad = r#"{"id":"X","title":"T","school":"S","location":"L","kind":"resident","length":{"days":0},"tuition":{"full":"1.00","incremental":"1.00"}}"#;
    assert!(serde_json::from_str::<Course>(bad).is_err());
    let bad = r#"{"full":"1.00","incremental":"2.00"}"#;
    assert!(serde_json::from_str::<Tuition>(bad).is_err());
}

#[test]
fn catalog_and_rates_round_trip_through_json() {
    let mut catalog = CourseCatalog::new();
    catalog
        .add(
            course("C-1", CourseKind::Resident, 5)
                .admitting_civilians_for([ExpandedPurpose::MilitaryJustice]),
        )
        .unwrap();
    catalog
        .add(course("C-2", CourseKind::MobileTrainingTeam, 10))
        .unwrap();
    assert!(matches!(
        catalog.add(course("C-1", CourseKind::Resident, 5)),
        Err(TrainingError::DuplicateCourse { .. })
    ));
    let json = serde_json::to_string(&catalog).unwrap();
    assert_eq!(
        serde_json::from_str::<CourseCatalog>(&json).unwrap(),
        catalog
    );
    let table = rates();
    let json = serde_json::to_string(&table).unwrap();
    assert_eq!(serde_json::from_str::<RateTable>(&json).unwrap(), table);
    let mut twice = rates();
    assert!(matches!(
        twice.add(
            DailyRates::new("Yorktown, VA", day(2007, 10, 1), m("1"), m("1"), jftr()).unwrap()
        ),
        Err(TrainingError::DuplicateRates { .. })
    ));
}

#[test]
fn a_cost_build_up_reads_back_only_with_its_true_total() {
    let cost = MobileTeam::new(1, 1, 0, m("10"), m("20"), m("30"))
        .unwrap()
        .cost()
        .unwrap();
    assert_eq!(cost.total(), m("30"));
    let json = serde_json::to_string(&cost).unwrap();
    assert_eq!(serde_json::from_str::<CostBuildUp>(&json).unwrap(), cost);
    let tampered = json.replace(r#""total":"30.00""#, r#""total":"31.00""#);
    assert!(serde_json::from_str::<CostBuildUp>(&tampered).is_err());
}

#[test]
fn a_day_without_rates_is_named() {
    let c = course("C-1", CourseKind::Resident, 3);
    let err = resident_cost(
        &c,
        "JOR".parse().unwrap(),
        day(2007, 9, 29),
        Money::ZERO,
        &Stay::FreeQuartersAndMess,
        &TuitionPricing::new(),
        &rates(),
    )
    .unwrap_err();
    assert_eq!(
        err,
        TrainingError::NoRatesInForce {
            location: "Yorktown, VA".into(),
            date: day(2007, 9, 29)
        }
    );
    let team = course("T-1", CourseKind::MobileTrainingTeam, 3);
    assert!(matches!(
        resident_cost(
            &team,
            "JOR".parse().unwrap(),
            day(2008, 1, 1),
            Money::ZERO,
            &Stay::FreeQuartersAndMess,
            &TuitionPricing::new(),
            &rates(),
        ),
        Err(TrainingError::WrongCourseKind { .. })
    ));
}

/// A FY2008 IMET account with a $100,000.00 allocation to each of JOR and KEN, a ledger
/// gated by `engine`.
fn setup(engine: Arc<Engine>) -> (Ledger, AccountSymbol) {
    let account: AccountSymbol = "011-2008-1081".parse().unwrap();
    let mut ledger = Ledger::new(engine);
    let mut actions = vec![
        Action::Appropriate {
            account,
            title: "IMET".into(),
            purposes: vec![ProgramKind::Training],
            amount: m("1000000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: m("1000000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("1000000"),
        },
    ];
    for p in ["JOR", "KEN"] {
        actions.push(Action::Allocate {
            account,
            key: AllocationKey::new(
                "DSCA".parse().unwrap(),
                ProgramKind::Training,
                Some(p.parse().unwrap()),
            ),
            amount: m("100000"),
        });
    }
    for (i, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("setup-{i}").parse().unwrap(),
                day(2007, 12, 26),
                "pm".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    (ledger, account)
}

fn engine_with_bad_unit() -> Arc<Engine> {
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
    Arc::new(Engine::new(facts, RuleSet::builtin()))
}

fn catalog() -> CourseCatalog {
    let mut catalog = CourseCatalog::new();
    catalog.add(course("MIL", CourseKind::Resident, 5)).unwrap();
    catalog
        .add(
            course("EIMET", CourseKind::InternationalProgram, 5)
                .admitting_civilians_for([ExpandedPurpose::DefenseResourceManagement]),
        )
        .unwrap();
    catalog
        .add(course("MTT", CourseKind::MobileTrainingTeam, 5))
        .unwrap();
    catalog
}

fn estimate(amount: &str) -> CostBuildUp {
    CostBuildUp::of(vec![CostLine {
        item: CostItem::Tuition,
        explanation: "test".into(),
        amount: m(amount),
    }])
    .unwrap()
}

fn request(
    document: &str,
    partner: &str,
    course: &str,
    start: NaiveDate,
    trainee: Trainee,
    account: AccountSymbol,
) -> EnrollmentRequest {
    EnrollmentRequest {
        document: document.parse().unwrap(),
        partner: partner.parse().unwrap(),
        course: course.parse().unwrap(),
        start,
        trainee,
        account,
        holder: "DSCA".parse().unwrap(),
        enrolled_on: day(2008, 1, 10),
    }
}

fn student(name: &str, unit: &str, civilian: bool) -> Trainee {
    Trainee::Student {
        name: name.into(),
        unit: unit.into(),
        civilian,
    }
}

fn id(s: &str) -> CommandId {
    s.parse().unwrap()
}

fn pm() -> Actor {
    "pm".parse().unwrap()
}

#[test]
fn enrollment_checks_in_precedence_order() {
    let engine = engine_with_bad_unit();
    let (mut ledger, account) = setup(engine.clone());
    let catalog = catalog();
    let enroll = |ledger: &mut Ledger, r: EnrollmentRequest, amount: &str, i: &str| {
        Enrollment::enroll(r, &catalog, estimate(amount), ledger, id(i), pm())
    };
    let start = day(2008, 3, 3);
    // 2 shape: an empty unit, then a zero estimate.
    let err = enroll(
        &mut ledger,
        request("D1", "JOR", "NOPE", start, student("A", "", true), account),
        "0",
        "x1",
    )
    .unwrap_err();
    assert_eq!(err.precedence(), 2);
    assert!(matches!(
        err,
        TrainingError::EmptyText {
            field: TextField::Unit
        }
    ));
    let err = enroll(
        &mut ledger,
        request("D1", "JOR", "NOPE", start, student("A", "U", true), account),
        "0",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::NotPositive { .. }));
    // 3 existence: an unknown course, then the wrong kind of course.
    let err = enroll(
        &mut ledger,
        request("D1", "JOR", "NOPE", start, student("A", "U", true), account),
        "100",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::UnknownCourse { .. }));
    assert_eq!(err.precedence(), 3);
    let err = enroll(
        &mut ledger,
        request("D1", "JOR", "MTT", start, student("A", "U", true), account),
        "100",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::WrongCourseKind { .. }));
    let err = enroll(
        &mut ledger,
        request(
            "D1",
            "JOR",
            "MIL",
            start,
            Trainee::Unit { name: "U".into() },
            account,
        ),
        "100",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::WrongCourseKind { .. }));
    // 5 purpose: a civilian in a course without an E-IMET purpose.
    let err = enroll(
        &mut ledger,
        request("D1", "JOR", "MIL", start, student("A", "U", true), account),
        "100",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::CiviliansNotAdmitted { .. }));
    assert_eq!(err.precedence(), 5);
    // 7 ledger: more than the allocation.
    let err = enroll(
        &mut ledger,
        request(
            "D1",
            "JOR",
            "EIMET",
            start,
            student("A", "U", true),
            account,
        ),
        "100000.01",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(
        err,
        TrainingError::Ledger(BudgetError::Exceeds { .. })
    ));
    assert_eq!(err.precedence(), 7);
    assert_eq!(ledger.journal().len(), 5, "refusals change nothing");
    // Accepted: a civilian in an E-IMET course.
    let (mut e, _) = enroll(
        &mut ledger,
        request(
            "D1",
            "JOR",
            "EIMET",
            day(2008, 10, 6),
            student("A", "U", true),
            account,
        ),
        "100",
        "x1",
    )
    .unwrap();
    // A reused command id is refused.
    let err = enroll(
        &mut ledger,
        request(
            "D1",
            "JOR",
            "EIMET",
            day(2008, 10, 6),
            student("A", "U", true),
            account,
        ),
        "100",
        "x1",
    )
    .unwrap_err();
    assert!(matches!(err, TrainingError::DuplicateLedgerCommand { .. }));

    // Obligation: 4 time (starts in FY2009, outside FY2008 money) before 5 vetting.
    let err = e
        .obligate(&mut ledger, day(2008, 2, 1), id("o1"), pm())
        .unwrap_err();
    assert!(matches!(
        err,
        TrainingError::StartOutsideAvailability { .. }
    ));
    assert_eq!(err.precedence(), 4);
    assert!(
        err.to_string().contains("2007-10-01 to 2008-09-30"),
        "{err}"
    );
    e.start = day(2008, 3, 3);
    let err = e
        .obligate(&mut ledger, day(2008, 2, 1), id("o1"), pm())
        .unwrap_err();
    assert!(matches!(err, TrainingError::NotCleared { .. }));
    // Cleared on 2008-02-05: not yet on 2008-02-04.
    e.vet(engine.as_ref(), day(2008, 2, 5)).unwrap();
    assert_eq!(
        e.student_vetting(),
        Some(VettingStatus::Cleared {
            on: day(2008, 2, 5)
        })
    );
    let err = e
        .obligate(&mut ledger, day(2008, 2, 4), id("o1"), pm())
        .unwrap_err();
    assert!(matches!(err, TrainingError::NotCleared { .. }));
    // Not refused: a release "for refusal" is refused.
    assert!(matches!(
        e.release(
            &mut ledger,
            day(2008, 2, 5),
            ReleaseReason::RefusedInVetting,
            id("r1"),
            pm()
        ),
        Err(TrainingError::NotRefused { .. })
    ));
    e.obligate(&mut ledger, day(2008, 2, 5), id("o1"), pm())
        .unwrap();
    // 1 state: no second obligation, no vetting once obligated.
    let err = e
        .obligate(&mut ledger, day(2008, 2, 6), id("o2"), pm())
        .unwrap_err();
    assert_eq!(err.precedence(), 1);
    assert!(e.vet(engine.as_ref(), day(2008, 2, 6)).is_err());
    // 6 amount: a payment above the obligation.
    let err = e
        .pay(&mut ledger, day(2008, 3, 10), m("100.01"), id("p1"), pm())
        .unwrap_err();
    assert!(matches!(err, TrainingError::PaymentAboveUnpaid { .. }));
    assert_eq!(err.precedence(), 6);
}

#[test]
fn refused_in_vetting_releases_the_commitment() {
    let engine = engine_with_bad_unit();
    let (mut ledger, account) = setup(engine.clone());
    let catalog = catalog();
    let (mut e, _) = Enrollment::enroll(
        request(
            "K1",
            "KEN",
            "MIL",
            day(2008, 3, 3),
            student("Lt. B", "GSU 5th", false),
            account,
        ),
        &catalog,
        estimate("5000"),
        &mut ledger,
        id("k1"),
        pm(),
    )
    .unwrap();
    let decision = e.vet(engine.as_ref(), day(2008, 2, 1)).unwrap();
    assert!(!decision.outcome().allows());
    assert_eq!(
        e.unit_vetting(),
        VettingStatus::Refused {
            on: day(2008, 2, 1)
        }
    );
    // The student has no record of their own: cleared.
    assert_eq!(
        e.student_vetting(),
        Some(VettingStatus::Cleared {
            on: day(2008, 2, 1)
        })
    );
    let err = e
        .obligate(&mut ledger, day(2008, 2, 2), id("k2"), pm())
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the unit is refused on 2008-02-01"),
        "{err}"
    );
    let receipt = e
        .release(
            &mut ledger,
            day(2008, 2, 2),
            ReleaseReason::RefusedInVetting,
            id("k3"),
            pm(),
        )
        .unwrap()
        .unwrap();
    assert!(!receipt.duplicate);
    assert_eq!(
        e.state(),
        EnrollmentState::Released {
            reason: ReleaseReason::RefusedInVetting
        }
    );
    assert!(
        e.release(
            &mut ledger,
            day(2008, 2, 3),
            ReleaseReason::Withdrawn,
            id("k4"),
            pm()
        )
        .is_err()
    );
}

#[test]
fn a_withdrawal_after_payment_deobligates_the_rest() {
    let engine = engine_with_bad_unit();
    let (mut ledger, account) = setup(engine.clone());
    let catalog = catalog();
    let (mut e, _) = Enrollment::enroll(
        request(
            "J1",
            "JOR",
            "MIL",
            day(2008, 3, 3),
            student("Capt. A", "RJN", false),
            account,
        ),
        &catalog,
        estimate("5000"),
        &mut ledger,
        id("j1"),
        pm(),
    )
    .unwrap();
    e.vet(engine.as_ref(), day(2008, 2, 1)).unwrap();
    e.obligate(&mut ledger, day(2008, 2, 1), id("j2"), pm())
        .unwrap();
    e.pay(&mut ledger, day(2008, 2, 20), m("1850"), id("j3"), pm())
        .unwrap();
    // A ledger refusal changes nothing: a payment dated before the obligation's account
    // existed would be backdated before enactment.
    assert!(
        e.pay(&mut ledger, day(2007, 1, 1), m("1"), id("j4"), pm())
            .is_err()
    );
    assert_eq!(e.state(), EnrollmentState::Obligated);
    e.release(
        &mut ledger,
        day(2008, 3, 1),
        ReleaseReason::Withdrawn,
        id("j5"),
        pm(),
    )
    .unwrap()
    .unwrap();
    let balance = ledger.obligation(&account, e.document()).unwrap();
    assert_eq!(balance.obligated, m("1850"));
    assert_eq!(balance.disbursed, m("1850"));
}

#[test]
fn completion_with_everything_paid_needs_no_command() {
    let engine = engine_with_bad_unit();
    let (mut ledger, account) = setup(engine.clone());
    let catalog = catalog();
    let (mut e, _) = Enrollment::enroll(
        request(
            "J2",
            "JOR",
            "MTT",
            day(2008, 3, 3),
            Trainee::Unit { name: "RJN".into() },
            account,
        ),
        &catalog,
        estimate("5000"),
        &mut ledger,
        id("j1"),
        pm(),
    )
    .unwrap();
    e.vet(engine.as_ref(), day(2008, 2, 1)).unwrap();
    assert_eq!(e.student_vetting(), None);
    e.obligate(&mut ledger, day(2008, 2, 1), id("j2"), pm())
        .unwrap();
    e.pay(&mut ledger, day(2008, 3, 20), m("5000"), id("j3"), pm())
        .unwrap();
    assert_eq!(
        e.complete(&mut ledger, day(2008, 3, 31), id("j4"), pm())
            .unwrap(),
        None
    );
    assert_eq!(e.state(), EnrollmentState::Completed);
    let json = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<Enrollment>(&json).unwrap(), e);
}

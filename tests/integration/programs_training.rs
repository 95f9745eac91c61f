//! A year of training for three partners against a training appropriation, through the
//! public API only: resident students, an expanded-IMET civilian, a mobile training team,
//! one trainee refused in vetting, one course that starts after the money expires, and one
//! enrollment still waiting for vetting at year end. The status of funds reconciles to
//! the cent with figures computed by hand below.
//!
//! The account is one-year FY2008 money (`011-2008-1081`, $85,000,000.00, P.L. 110-161 of
//! 2007-12-26), all of it apportioned and $1,500,000.00 allotted to DSCA, which allocates
//! $60,000.00 to Jordan, $40,000.00 to Kenya and $50,000.00 to Colombia. Credible
//! information of gross violations of human rights is on file against Kenya's "GSU 5th".
//! All three partners concurrently receive IMET, so tuition is at incremental cost. The
//! living-allowance rates are illustrative, not JFTR's.
//!
//! | document | partner, trainee | course, start | estimate (hand-computed) |
//! |---|---|---|---|
//! | JOR-1 | Capt. A, RJN Coast Guard | MLE-101 (28 days, Yorktown), 2008-02-04 | 9,870.00 + 1,850.00 + 28 × (92.50 + 64.00 + 11.00 = 167.50) 4,690.00 = **16,410.00** |
//! | KEN-1 | Lt. B, GSU 5th | MLE-101, 2008-04-07, free quarters and mess | 9,870.00 + 2,400.00 + 28 × 11.00 = 308.00 → **12,578.00** |
//! | COL-1 | mobile team for ARC Caribe Marine Battalion | MTT-NCO, 2008-04-14 | 3 × 10 × 187.00 + 3 × 1,265.40 + 3 × 4 × 412.50 = **14,356.20** |
//! | JOR-2 | Ms. D (civilian), MOD Budget Directorate | DRM-201 (14 days, Monterey), 2008-07-14 | 4,150.00 + 2,100.00 + 14 × (min(140.00, 129.00) + 64.00 + 11.00 = 204.00) 2,856.00 = **9,106.00** |
//! | KEN-2 | Maj. E, KDF 1st Ranger Battalion | DRM-201, 2008-09-08 | 4,150.00 + 2,400.00 + 14 × (110.00 + 64.00 + 11.00 = 185.00) 2,590.00 = **9,140.00** |
//! | COL-2 | Lt. C, ARC Caribe | MLE-101, 2008-10-06 (FY2009 rates) | 9,870.00 + 1,600.00 + 28 × (101.35 + 66.00 + 11.00 = 178.35) 4,993.80 = **16,463.80** |
//! | COL-3 | Sgt. F, ARC Caribe | DRM-201, 2008-09-22 | 4,150.00 + 1,600.00 + 14 × (120.00 + 64.00 + 11.00 = 195.00) 2,730.00 = **8,480.00** |
//!
//! What happens:
//!
//! - JOR-1: obligated; paid 1,850.00 (travel) and 14,225.00 (tuition and 26 days of
//!   allowance, the student left two days early); completed: 16,410.00 − 16,075.00 =
//!   335.00 deobligated.
//! - KEN-1: the unit is refused in vetting; the commitment is released.
//! - COL-1: obligated; paid 13,942.75; completed: 413.45 deobligated.
//! - JOR-2: obligated and paid 9,106.00 in full; completed with nothing to deobligate.
//! - KEN-2: obligated; 2,400.00 of travel paid; 6,740.00 unpaid at year end.
//! - COL-2: cleared, but the course starts in FY2009, outside FY2008 money: withdrawn and
//!   the commitment released.
//! - COL-3: enrolled 2008-09-15, vetting still pending at year end: 8,480.00 committed.
//!
//! Status of funds on 2008-09-30, by partner:
//!
//! | partner | allocated | committed | obligated | disbursed | unliquidated | unobligated |
//! |---|---|---|---|---|---|---|
//! | JOR | 60,000.00 | 0.00 | 16,075.00 + 9,106.00 = 25,181.00 | 25,181.00 | 0.00 | 34,819.00 |
//! | KEN | 40,000.00 | 0.00 | 9,140.00 | 2,400.00 | 6,740.00 | 30,860.00 |
//! | COL | 50,000.00 | 8,480.00 | 13,942.75 | 13,942.75 | 0.00 | 36,057.25 |
//! | all | 150,000.00 | 8,480.00 | 48,263.75 | 41,523.75 | 6,740.00 | 85,000,000.00 − 48,263.75 = 84,951,736.25 |
//!
//! On 2008-03-31 (the end of the second quarter) only JOR-1 (16,075.00, all paid) and
//! COL-1 (14,356.20, none paid) were obligated: 30,431.20 obligated, 16,075.00 disbursed.

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, Command, CommandId, Dimension,
    Ledger, StatusQuery, StatusRow,
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

/// Command ids in the order the steps happen.
struct Ids(u32);

impl Ids {
    fn next(&mut self) -> CommandId {
        self.0 += 1;
        format!("trn-{:03}", self.0).parse().unwrap()
    }
}

fn pm() -> Actor {
    "pm-imet".parse().unwrap()
}

fn catalog() -> CourseCatalog {
    let mut catalog = CourseCatalog::new();
    catalog
        .add(
            Course::new(
                "MLE-101".parse().unwrap(),
                "Maritime law enforcement",
                "USCG Training Center Yorktown",
                "Yorktown, VA",
                CourseKind::Resident,
                CourseLength::Weeks(4),
                Tuition::new(m("14250"), m("9870")).unwrap(),
            )
            .unwrap()
            .admitting_civilians_for([ExpandedPurpose::LawEnforcementCooperation]),
        )
        .unwrap();
    catalog
        .add(
            Course::new(
                "DRM-201".parse().unwrap(),
                "Defense resource management",
                "Defense Resources Management Institute",
                "Monterey, CA",
                CourseKind::Resident,
                CourseLength::Weeks(2),
                Tuition::new(m("6400"), m("4150")).unwrap(),
            )
            .unwrap()
            .admitting_civilians_for([ExpandedPurpose::DefenseResourceManagement]),
        )
        .unwrap();
    catalog
        .add(
            Course::new(
                "MTT-NCO".parse().unwrap(),
                "Non-commissioned officer development",
                "WHINSEC",
                "Bogota",
                CourseKind::MobileTrainingTeam,
                CourseLength::Days(10),
                Tuition::new(Money::ZERO, Money::ZERO).unwrap(),
            )
            .unwrap(),
        )
        .unwrap();
    catalog
}

fn rates() -> RateTable {
    let source = || Citation::new("illustrative", "not JFTR");
    let mut table = RateTable::new();
    for (location, from, lodging, meals) in [
        ("Yorktown, VA", day(2007, 10, 1), "98", "64"),
        ("Yorktown, VA", day(2008, 10, 1), "104", "66"),
        ("Monterey, CA", day(2007, 10, 1), "129", "64"),
    ] {
        table
            .add(DailyRates::new(location, from, m(lodging), m(meals), source()).unwrap())
            .unwrap();
    }
    table
}

fn pricing() -> TuitionPricing {
    let cbj = || Citation::new("Congressional Budget Justification", "FY2008 IMET");
    ["JOR", "KEN", "COL"]
        .into_iter()
        .fold(TuitionPricing::new(), |p, c| {
            p.with_imet_recipient(CountryListing::new(
                c.parse().unwrap(),
                day(2007, 10, 1),
                cbj(),
            ))
        })
}

fn student(name: &str, unit: &str, civilian: bool) -> Trainee {
    Trainee::Student {
        name: name.into(),
        unit: unit.into(),
        civilian,
    }
}

fn paid(lodging: &str) -> Stay {
    Stay::Paid {
        actual_lodging: m(lodging),
        meals: MealRate::Local,
    }
}

struct Year {
    ledger: Ledger,
    engine: Arc<Engine>,
    account: AccountSymbol,
    catalog: CourseCatalog,
    ids: Ids,
}

impl Year {
    fn new() -> Year {
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
        let mut year = Year {
            ledger: Ledger::new(engine.clone()),
            engine,
            account: "011-2008-1081".parse().unwrap(),
            catalog: catalog(),
            ids: Ids(0),
        };
        let account = year.account;
        let mut actions = vec![
            Action::Appropriate {
                account,
                title: "International Military Education and Training".into(),
                purposes: vec![ProgramKind::Training],
                amount: m("85000000"),
                law: "P.L. 110-161".into(),
            },
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod {
                    from: day(2007, 10, 1),
                },
                amount: m("85000000"),
            },
            Action::Allot {
                account,
                holder: "DSCA".parse().unwrap(),
                amount: m("1500000"),
            },
        ];
        for (partner, amount) in [("JOR", "60000"), ("KEN", "40000"), ("COL", "50000")] {
            actions.push(Action::Allocate {
                account,
                key: AllocationKey::new(
                    "DSCA".parse().unwrap(),
                    ProgramKind::Training,
                    Some(partner.parse().unwrap()),
                ),
                amount: m(amount),
            });
        }
        for action in actions {
            let id = year.ids.next();
            year.ledger
                .apply(Command::new(id, day(2007, 12, 26), pm(), action))
                .unwrap();
        }
        year
    }

    #[allow(clippy::too_many_arguments)]
    fn enroll(
        &mut self,
        document: &str,
        partner: &str,
        course: &str,
        start: NaiveDate,
        trainee: Trainee,
        estimate: CostBuildUp,
        on: NaiveDate,
    ) -> Enrollment {
        let request = EnrollmentRequest {
            document: document.parse().unwrap(),
            partner: partner.parse().unwrap(),
            course: course.parse().unwrap(),
            start,
            trainee,
            account: self.account,
            holder: "DSCA".parse().unwrap(),
            enrolled_on: on,
        };
        let id = self.ids.next();
        let (enrollment, receipt) =
            Enrollment::enroll(request, &self.catalog, estimate, &mut self.ledger, id, pm())
                .unwrap();
        assert!(!receipt.duplicate);
        enrollment
    }

    fn resident(
        &self,
        course: &str,
        partner: &str,
        start: NaiveDate,
        travel: &str,
        stay: Stay,
    ) -> CostBuildUp {
        let course = self.catalog.get(&course.parse().unwrap()).unwrap();
        resident_cost(
            course,
            partner.parse().unwrap(),
            start,
            m(travel),
            &stay,
            &pricing(),
            &rates(),
        )
        .unwrap()
    }

    fn obligate(&mut self, e: &mut Enrollment, on: NaiveDate) {
        let id = self.ids.next();
        let receipt = e.obligate(&mut self.ledger, on, id, pm()).unwrap();
        // The ledger's own gate decided for the partner and kept its decision.
        assert!(receipt.decision.is_some());
    }

    fn pay(&mut self, e: &mut Enrollment, on: NaiveDate, amount: &str) {
        let id = self.ids.next();
        e.pay(&mut self.ledger, on, m(amount), id, pm()).unwrap();
    }

    fn complete(&mut self, e: &mut Enrollment, on: NaiveDate) -> Option<Money> {
        let before = self.ledger.obligation(&self.account, e.document()).unwrap();
        let id = self.ids.next();
        let receipt = e.complete(&mut self.ledger, on, id, pm()).unwrap();
        let after = self.ledger.obligation(&self.account, e.document()).unwrap();
        receipt.map(|_| before.obligated.checked_sub(after.obligated).unwrap())
    }

    fn row(&self, as_of: NaiveDate, partner: Option<&str>) -> StatusRow {
        let rows = self
            .ledger
            .status_of_funds(&StatusQuery::new(as_of, &[Dimension::Partner]))
            .unwrap();
        let partner = partner.map(|p| p.parse().unwrap());
        rows.into_iter().find(|r| r.key.partner == partner).unwrap()
    }
}

#[test]
fn a_year_of_training_for_three_partners_reconciles_to_the_cent() {
    let mut y = Year::new();
    let account = y.account;

    // JOR-1: Capt. A in MLE-101 from 2008-02-04.
    let estimate = y.resident("MLE-101", "JOR", day(2008, 2, 4), "1850", paid("92.50"));
    assert_eq!(estimate.total(), m("16410"));
    let mut jor1 = y.enroll(
        "JOR-1",
        "JOR",
        "MLE-101",
        day(2008, 2, 4),
        student("Capt. A", "RJN Coast Guard", false),
        estimate,
        day(2008, 1, 2),
    );
    jor1.vet(y.engine.as_ref(), day(2008, 1, 15)).unwrap();
    y.obligate(&mut jor1, day(2008, 1, 16));
    y.pay(&mut jor1, day(2008, 2, 1), "1850");

    // KEN-1: Lt. B of GSU 5th, refused in vetting.
    let estimate = y.resident(
        "MLE-101",
        "KEN",
        day(2008, 4, 7),
        "2400",
        Stay::FreeQuartersAndMess,
    );
    assert_eq!(estimate.total(), m("12578"));
    let mut ken1 = y.enroll(
        "KEN-1",
        "KEN",
        "MLE-101",
        day(2008, 4, 7),
        student("Lt. B", "GSU 5th", false),
        estimate,
        day(2008, 2, 1),
    );
    let decision = ken1.vet(y.engine.as_ref(), day(2008, 2, 20)).unwrap();
    assert!(decision.explanation().contains("the State Leahy law"));
    assert_eq!(
        ken1.unit_vetting(),
        VettingStatus::Refused {
            on: day(2008, 2, 20)
        }
    );
    let id = y.ids.next();
    assert!(matches!(
        ken1.obligate(&mut y.ledger, day(2008, 2, 21), id, pm()),
        Err(TrainingError::NotCleared { .. })
    ));
    ken1.release(
        &mut y.ledger,
        day(2008, 2, 21),
        ReleaseReason::RefusedInVetting,
        y.ids.next(),
        pm(),
    )
    .unwrap();

    // COL-1: a ten-day mobile training team for a Colombian marine battalion.
    let estimate = MobileTeam::new(3, 10, 4, m("187"), m("1265.40"), m("412.50"))
        .unwrap()
        .cost()
        .unwrap();
    assert_eq!(estimate.total(), m("14356.20"));
    let mut col1 = y.enroll(
        "COL-1",
        "COL",
        "MTT-NCO",
        day(2008, 4, 14),
        Trainee::Unit {
            name: "ARC Caribe Marine Battalion".into(),
        },
        estimate,
        day(2008, 3, 3),
    );
    y.pay(&mut jor1, day(2008, 3, 10), "14225");
    col1.vet(y.engine.as_ref(), day(2008, 3, 17)).unwrap();
    y.obligate(&mut col1, day(2008, 3, 18));
    assert_eq!(y.complete(&mut jor1, day(2008, 3, 31)), Some(m("335")));

    // JOR-2: a civilian in an expanded-IMET course at Monterey.
    let estimate = y.resident("DRM-201", "JOR", day(2008, 7, 14), "2100", paid("140"));
    assert_eq!(estimate.total(), m("9106"));
    let mut jor2 = y.enroll(
        "JOR-2",
        "JOR",
        "DRM-201",
        day(2008, 7, 14),
        student("Ms. D", "MOD Budget Directorate", true),
        estimate,
        day(2008, 5, 1),
    );
    y.pay(&mut col1, day(2008, 5, 15), "13942.75");
    jor2.vet(y.engine.as_ref(), day(2008, 5, 20)).unwrap();
    y.obligate(&mut jor2, day(2008, 5, 21));
    assert_eq!(y.complete(&mut col1, day(2008, 5, 30)), Some(m("413.45")));

    // KEN-2: Maj. E of a clean unit.
    let estimate = y.resident("DRM-201", "KEN", day(2008, 9, 8), "2400", paid("110"));
    assert_eq!(estimate.total(), m("9140"));
    let mut ken2 = y.enroll(
        "KEN-2",
        "KEN",
        "DRM-201",
        day(2008, 9, 8),
        student("Maj. E", "KDF 1st Ranger Battalion", false),
        estimate,
        day(2008, 6, 2),
    );
    ken2.vet(y.engine.as_ref(), day(2008, 6, 16)).unwrap();
    y.obligate(&mut ken2, day(2008, 6, 17));

    // COL-2: cleared, but the course starts in FY2009.
    let estimate = y.resident("MLE-101", "COL", day(2008, 10, 6), "1600", paid("101.35"));
    assert_eq!(estimate.total(), m("16463.80"));
    let mut col2 = y.enroll(
        "COL-2",
        "COL",
        "MLE-101",
        day(2008, 10, 6),
        student("Lt. C", "ARC Caribe", false),
        estimate,
        day(2008, 7, 1),
    );
    col2.vet(y.engine.as_ref(), day(2008, 7, 15)).unwrap();
    let id = y.ids.next();
    let err = col2
        .obligate(&mut y.ledger, day(2008, 7, 16), id, pm())
        .unwrap_err();
    assert!(matches!(
        err,
        TrainingError::StartOutsideAvailability { .. }
    ));
    col2.release(
        &mut y.ledger,
        day(2008, 7, 16),
        ReleaseReason::Withdrawn,
        y.ids.next(),
        pm(),
    )
    .unwrap();

    y.pay(&mut jor2, day(2008, 8, 15), "9106");
    assert_eq!(y.complete(&mut jor2, day(2008, 8, 20)), None);
    y.pay(&mut ken2, day(2008, 9, 2), "2400");

    // COL-3: enrolled late; vetting pending at year end.
    let estimate = y.resident("DRM-201", "COL", day(2008, 9, 22), "1600", paid("120"));
    assert_eq!(estimate.total(), m("8480"));
    let col3 = y.enroll(
        "COL-3",
        "COL",
        "DRM-201",
        day(2008, 9, 22),
        student("Sgt. F", "ARC Caribe", false),
        estimate,
        day(2008, 9, 15),
    );
    assert_eq!(col3.student_vetting(), Some(VettingStatus::Pending));

    let states: Vec<_> = [&jor1, &ken1, &col1, &jor2, &ken2, &col2, &col3]
        .iter()
        .map(|e| e.state())
        .collect();
    let released = |reason| EnrollmentState::Released { reason };
    assert_eq!(
        states,
        [
            EnrollmentState::Completed,
            released(ReleaseReason::RefusedInVetting),
            EnrollmentState::Completed,
            EnrollmentState::Completed,
            EnrollmentState::Obligated,
            released(ReleaseReason::Withdrawn),
            EnrollmentState::Committed,
        ]
    );

    // The status of funds on 2008-09-30, as computed by hand in the module docs.
    let end = day(2008, 9, 30);
    let expect = |partner, allocated, committed, obligated, disbursed, unobligated| {
        let row = y.row(end, Some(partner));
        assert_eq!(
            (
                row.allocated,
                row.committed,
                row.obligated,
                row.disbursed,
                row.unobligated
            ),
            (
                m(allocated),
                m(committed),
                m(obligated),
                m(disbursed),
                m(unobligated)
            ),
            "{partner}"
        );
        assert_eq!(
            row.obligated,
            row.unliquidated.checked_add(row.disbursed).unwrap(),
            "{partner}: obligated = unpaid + paid"
        );
        assert_eq!(
            row.budget_authority,
            row.unobligated.checked_add(row.obligated).unwrap(),
            "{partner}: authority = unobligated + obligated"
        );
    };
    expect("JOR", "60000", "0", "25181", "25181", "34819");
    expect("KEN", "40000", "0", "9140", "2400", "30860");
    expect("COL", "50000", "8480", "13942.75", "13942.75", "36057.25");
    assert_eq!(y.row(end, Some("KEN")).unliquidated, m("6740"));

    let rows = y
        .ledger
        .status_of_funds(&StatusQuery::new(end, &[Dimension::Partner]))
        .unwrap();
    let sum = |f: fn(&StatusRow) -> Money| Money::checked_sum(rows.iter().map(f)).unwrap();
    assert_eq!(sum(|r| r.budget_authority), m("85000000"));
    assert_eq!(sum(|r| r.allocated), m("150000"));
    assert_eq!(sum(|r| r.committed), m("8480"));
    assert_eq!(sum(|r| r.obligated), m("48263.75"));
    assert_eq!(sum(|r| r.disbursed), m("41523.75"));
    assert_eq!(sum(|r| r.unliquidated), m("6740"));
    assert_eq!(sum(|r| r.unobligated), m("84951736.25"));

    // The SF-133 agrees: unobligated balance at year end, and total resources.
    let sf133 = y
        .ledger
        .sf133(&account, "FY2008".parse().unwrap(), end)
        .unwrap();
    assert_eq!(sf133.line(2490), Some(m("84951736.25")));
    assert_eq!(sf133.line(2500), Some(m("85000000")));

    // At the end of the second quarter.
    let q2 = day(2008, 3, 31);
    let rows = y
        .ledger
        .status_of_funds(&StatusQuery::new(q2, &[Dimension::Partner]))
        .unwrap();
    let obligated = Money::checked_sum(rows.iter().map(|r| r.obligated)).unwrap();
    let disbursed = Money::checked_sum(rows.iter().map(|r| r.disbursed)).unwrap();
    assert_eq!((obligated, disbursed), (m("30431.20"), m("16075")));

    // The journal replays to the same ledger.
    assert_eq!(
        Ledger::replay(
            y.ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        y.ledger
    );
}

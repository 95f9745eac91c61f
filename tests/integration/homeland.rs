//! The homeland-security program through the public API: the menu, one-stop packages,
//! the priority allocation and oversight.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use security_assistance::budget::{AccountSymbol, Action, Apportionment, Command, Ledger};
use security_assistance::eligibility::{
    AllowAll, EligibilityCheck, Engine, Fact, FactKind, Facts, RuleSet,
};
use security_assistance::homeland::*;
use security_assistance::notification::{Committee, Regime, Thresholds};
use security_assistance::{Citation, CountryCode, Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn cc(s: &str) -> CountryCode {
    s.parse().unwrap()
}

fn account() -> AccountSymbol {
    "070-2008/2009-0100".parse().unwrap()
}

fn offering(
    id: &str,
    category: Category,
    mission: MissionArea,
    domain: Domain,
    agency: Agency,
    cost: &str,
    delivery: Delivery,
) -> Offering {
    Offering {
        id: id.into(),
        name: id.to_lowercase(),
        category,
        mission,
        domain,
        agency,
        unit_cost: m(cost),
        delivery,
        standards: Vec::new(),
    }
}

fn menu() -> Catalog {
    use Agency as A;
    use Category as C;
    use Delivery as D;
    use MissionArea as M;
    let mut offerings = vec![
        offering(
            "USCG-BOAT",
            C::Equipment,
            M::MaritimeSecurity,
            Domain::Sea,
            A::CoastGuard,
            "450000",
            D::Sale,
        ),
        offering(
            "USCG-PORT-MTT",
            C::Training,
            M::MaritimeSecurity,
            Domain::Sea,
            A::CoastGuard,
            "85000",
            D::MobileTeam,
        ),
        offering(
            "TSA-SCREEN",
            C::Training,
            M::AviationSecurity,
            Domain::Air,
            A::TransportationSecurityAdministration,
            "12500",
            D::Enrollment,
        ),
        offering(
            "TSA-XRAY",
            C::Equipment,
            M::AviationSecurity,
            Domain::Air,
            A::TransportationSecurityAdministration,
            "300000",
            D::Grant,
        ),
        offering(
            "CBP-TRUCK",
            C::Logistics,
            M::BorderControl,
            Domain::Land,
            A::CustomsAndBorderProtection,
            "60000",
            D::ExcessTransfer,
        ),
        offering(
            "CBP-SUPPORT",
            C::TechnicalSupport,
            M::BorderControl,
            Domain::Land,
            A::CustomsAndBorderProtection,
            "40000",
            D::Lease,
        ),
    ];
    // The port-security team builds toward the ISPS Code, the screening course toward
    // Annex 17; the rest toward no standard.
    for o in &mut offerings {
        o.standards = match o.id.as_str() {
            "USCG-PORT-MTT" => vec![StandardRef::to("IMO-ISPS").part("part A, section 18")],
            "TSA-SCREEN" => vec![StandardRef::to("ICAO-ANNEX-17").part("chapter 4")],
            _ => Vec::new(),
        };
    }
    Catalog::new(offerings, &Standards::builtin()).unwrap()
}

fn ctx() -> PackageContext {
    PackageContext {
        account: account(),
        date: day(2008, 3, 3),
        actor: "OIA".parse().unwrap(),
        thresholds: Thresholds::current(),
    }
}

fn item(id: &str, quantity: u32) -> PackageItem {
    PackageItem {
        offering: id.into(),
        quantity,
    }
}

fn source(kind: FundingKind, pays_for: Delivery, amount: &str) -> FundingSource {
    FundingSource {
        kind,
        pays_for,
        amount: m(amount),
    }
}

fn western_package(partner: &str) -> PackageSpec {
    PackageSpec {
        id: "PKG-1".into(),
        partner: cc(partner),
        domains: [Domain::Air, Domain::Land, Domain::Sea].into(),
        items: vec![
            item("USCG-BOAT", 2),
            item("USCG-PORT-MTT", 1),
            item("TSA-SCREEN", 4),
            item("TSA-XRAY", 1),
            item("CBP-TRUCK", 3),
        ],
        funding: vec![
            source(FundingKind::Grant, Delivery::Sale, "500000"),
            source(FundingKind::PartnerFunds, Delivery::Sale, "400000"),
            source(FundingKind::Grant, Delivery::MobileTeam, "85000"),
            source(FundingKind::Grant, Delivery::Enrollment, "50000"),
            source(FundingKind::Loan, Delivery::Grant, "300000"),
            source(FundingKind::Grant, Delivery::ExcessTransfer, "180000"),
        ],
        justified: Some(m("1000000")),
    }
}

#[test]
fn catalog_round_trips_through_json_and_validates() {
    let catalog = menu();
    let json = catalog.to_json().unwrap();
    assert_eq!(
        Catalog::from_json(&json, &Standards::builtin()).unwrap(),
        catalog
    );
    assert_eq!(catalog.offerings().len(), 6);
    assert_eq!(
        catalog.get("TSA-XRAY").unwrap().agency,
        Agency::TransportationSecurityAdministration
    );

    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["offerings"][0]["unit_cost"] = "0.00".into();
    assert!(matches!(
        Catalog::from_json(&value.to_string(), &Standards::builtin()),
        Err(CatalogError::NonPositiveCost { .. })
    ));
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["offerings"][0]["domain"] = "cyber".into();
    assert!(matches!(
        Catalog::from_json(&value.to_string(), &Standards::builtin()),
        Err(CatalogError::DomainMismatch {
            domain: Domain::Cyber,
            ..
        })
    ));
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["offerings"][1]["id"] = value["offerings"][0]["id"].clone();
    assert!(matches!(
        Catalog::from_json(&value.to_string(), &Standards::builtin()),
        Err(CatalogError::DuplicateId { .. })
    ));
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["offerings"][0]["id"] = "has space".into();
    let err = Catalog::from_json(&value.to_string(), &Standards::builtin()).unwrap_err();
    assert!(matches!(err, CatalogError::InvalidId { max: 32, .. }));
    assert!(
        err.to_string()
            .starts_with("offering id \"has space\" is invalid")
    );
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["offerings"][0]["agency"] = "nasa".into();
    assert!(matches!(
        Catalog::from_json(&value.to_string(), &Standards::builtin()),
        Err(CatalogError::Json(_))
    ));
    assert!(matches!(
        Catalog::from_json("not json", &Standards::builtin()),
        Err(CatalogError::Json(cause)) if cause.line() == Some(1)
    ));
}

#[test]
fn package_prices_splits_and_yields_commands() {
    let package = western_package("COL")
        .build(&menu(), &ctx(), &AllowAll)
        .unwrap();
    // 900,000 + 85,000 + 50,000 + 300,000 + 180,000
    assert_eq!(package.price, m("1515000"));
    assert_eq!(package.offered_price, package.price);
    assert!(package.dropped.is_empty());
    let deliveries: Vec<Delivery> = package.parts.iter().map(|p| p.delivery).collect();
    assert_eq!(
        deliveries,
        [
            Delivery::Enrollment,
            Delivery::MobileTeam,
            Delivery::Grant,
            Delivery::Sale,
            Delivery::ExcessTransfer
        ]
    );
    let sale = package
        .parts
        .iter()
        .find(|p| p.delivery == Delivery::Sale)
        .unwrap();
    // A grant paying for a sale is financing: two decisions.
    let programs: Vec<ProgramKind> = sale.decisions.iter().map(|d| d.request().program).collect();
    assert_eq!(programs, [ProgramKind::Sales, ProgramKind::Financing]);
    assert!(sale.decisions.iter().all(|d| d.request().department
        == security_assistance::eligibility::Department::HomelandSecurity));
    // 900,000 is below the 36(b) thresholds.
    assert!(sale.notification.is_none());
    let grant = package
        .parts
        .iter()
        .find(|p| p.delivery == Delivery::Grant)
        .unwrap();
    assert!(grant.notification.is_none()); // within the justified amount
    let commands = package.go_ahead().unwrap();
    // Commit + obligate for each grant/loan document; partner funds obligate nothing.
    assert_eq!(commands.len(), 10);
    let obligated: Vec<Money> = commands
        .iter()
        .filter_map(|c| match &c.action {
            Action::Obligate { amount, .. } => Some(*amount),
            _ => None,
        })
        .collect();
    assert_eq!(Money::checked_sum(obligated).unwrap(), m("1115000"));
    let loan = commands
        .iter()
        .find(|c| c.id.as_str() == "PKG-1-GRT-TSA-AVN-L-O")
        .unwrap();
    assert!(matches!(
        loan.action,
        Action::Obligate {
            instrument: security_assistance::budget::Instrument::Loan,
            ..
        }
    ));
    assert_eq!(package.tags().len(), 5);
}

#[test]
fn package_notices_follow_the_homeland_policy_above_the_justified_amount() {
    let mut spec = western_package("COL");
    spec.justified = Some(m("10000"));
    let package = spec.build(&menu(), &ctx(), &AllowAll).unwrap();
    let mtt = package
        .parts
        .iter()
        .find(|p| p.delivery == Delivery::MobileTeam)
        .unwrap();
    let notice = mtt.notification.as_ref().unwrap();
    assert_eq!(notice.regime, Regime::HomelandPolicy);
    assert!(notice.policy);
    assert!(
        notice
            .committees
            .contains(&Committee::SenateHomelandSecurity)
    );
}

#[test]
fn a_package_for_a_refused_partner_offers_what_the_rule_does_not_govern() {
    let mut facts = Facts::new();
    facts.add(Fact::new(
        cc("VEN"),
        FactKind::Sanction {
            name: "arms embargo".into(),
            programs: vec![ProgramKind::Sales, ProgramKind::Financing],
        },
        day(2006, 5, 15),
        Citation::new("22 U.S.C.", "2781"),
        day(2006, 5, 15),
    ));
    let engine = Engine::new(facts, RuleSet::builtin());
    let package = western_package("VEN")
        .build(&menu(), &ctx(), &engine)
        .unwrap();
    let offered: Vec<Delivery> = package.parts.iter().map(|p| p.delivery).collect();
    assert_eq!(
        offered,
        [
            Delivery::Enrollment,
            Delivery::MobileTeam,
            Delivery::ExcessTransfer
        ]
    );
    let dropped: Vec<Delivery> = package.dropped.iter().map(|d| d.part.delivery).collect();
    assert_eq!(dropped, [Delivery::Grant, Delivery::Sale]);
    for d in &package.dropped {
        assert_eq!(
            d.rules.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            ["sanction"]
        );
        assert!(
            d.reasons.iter().all(|r| r.starts_with("ineligible:")),
            "{:?}",
            d.reasons
        );
    }
    assert_eq!(package.offered_price, m("315000"));
    let commands = package.go_ahead().unwrap();
    assert_eq!(commands.len(), 6);
    assert!(
        commands
            .iter()
            .all(|c| !c.id.as_str().contains("-SAL-") && !c.id.as_str().contains("-GRT-"))
    );
}

#[test]
fn package_blockers_and_errors() {
    let mut spec = western_package("COL");
    spec.funding.pop();
    let package = spec.build(&menu(), &ctx(), &AllowAll).unwrap();
    assert_eq!(
        package.go_ahead().unwrap_err(),
        [PackageBlocker::FundingMismatch {
            delivery: Delivery::ExcessTransfer,
            price: m("180000"),
            funded: Money::ZERO
        }]
    );
    let mut spec = western_package("COL");
    spec.funding
        .push(source(FundingKind::Grant, Delivery::Lease, "1"));
    let package = spec.build(&menu(), &ctx(), &AllowAll).unwrap();
    assert!(matches!(
        package.go_ahead().unwrap_err(),
        [PackageBlocker::NoSuchPart { .. }]
    ));
    let mut spec = western_package("COL");
    spec.domains = [Domain::Air, Domain::Land].into();
    assert!(matches!(
        spec.build(&menu(), &ctx(), &AllowAll),
        Err(HomelandError::DomainNotChosen {
            domain: Domain::Sea,
            ..
        })
    ));
    let mut spec = western_package("COL");
    spec.items.push(item("NOPE", 1));
    assert!(matches!(
        spec.build(&menu(), &ctx(), &AllowAll),
        Err(HomelandError::UnknownOffering { .. })
    ));
}

#[test]
fn package_commands_apply_to_a_ledger_and_show_in_the_quarterly_status() {
    let package = western_package("COL")
        .build(&menu(), &ctx(), &AllowAll)
        .unwrap();
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let actor: security_assistance::budget::Actor = "OIA".parse().unwrap();
    let mut n = 0;
    let mut cmd = |date: NaiveDate, action: Action| {
        n += 1;
        Command::new(
            format!("SETUP-{n}").parse().unwrap(),
            date,
            actor.clone(),
            action,
        )
    };
    let d = day(2007, 11, 1);
    let purposes = ProgramKind::ALL.to_vec();
    ledger
        .apply(cmd(
            d,
            Action::Appropriate {
                account: account(),
                title: "International homeland security assistance".into(),
                purposes,
                amount: m("5000000"),
                law: "P.L. 110-161".into(),
            },
        ))
        .unwrap();
    ledger
        .apply(cmd(
            d,
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod { from: d },
                amount: m("5000000"),
            },
        ))
        .unwrap();
    let needs = [
        (Agency::CoastGuard, ProgramKind::Sales, "500000"),
        (Agency::CoastGuard, ProgramKind::Training, "85000"),
        (
            Agency::TransportationSecurityAdministration,
            ProgramKind::Training,
            "50000",
        ),
        (
            Agency::TransportationSecurityAdministration,
            ProgramKind::Financing,
            "300000",
        ),
        (
            Agency::CustomsAndBorderProtection,
            ProgramKind::ExcessArticles,
            "180000",
        ),
    ];
    for (agency, program, amount) in needs {
        ledger
            .apply(cmd(
                d,
                Action::Allot {
                    account: account(),
                    holder: agency.holder(),
                    amount: m(amount),
                },
            ))
            .unwrap();
        ledger
            .apply(cmd(
                d,
                Action::Allocate {
                    account: account(),
                    key: security_assistance::budget::AllocationKey::new(
                        agency.holder(),
                        program,
                        Some(cc("COL")),
                    ),
                    amount: m(amount),
                },
            ))
            .unwrap();
    }
    for c in package.go_ahead().unwrap() {
        ledger.apply(c.clone()).unwrap();
    }
    let mut oversight = Oversight::new(account(), Thresholds::current().homeland);
    oversight.register(package.tags());
    let q1 = oversight
        .quarterly_status(&ledger, day(2007, 12, 1))
        .unwrap();
    assert!(q1.is_empty());
    let q2 = oversight
        .quarterly_status(&ledger, day(2008, 3, 3))
        .unwrap();
    assert_eq!(q2.len(), 3);
    let total = Money::checked_sum(q2.iter().map(|r| r.obligated)).unwrap();
    assert_eq!(total, m("1115000"));
    let uscg = q2
        .iter()
        .find(|r| {
            r.tag.agency == Agency::CoastGuard && r.tag.mission == MissionArea::MaritimeSecurity
        })
        .unwrap();
    assert_eq!(uscg.obligated, m("585000"));
    assert_eq!(uscg.documents, 2);
}

#[test]
fn consolidation_transfers_with_its_authority() {
    let c = Consolidation {
        from: "019-2008/2009-1121".parse().unwrap(),
        to: account(),
        authority: "P.L. 107-296 sec. 1511".into(),
        id: "CONS-1".into(),
        date: day(2008, 2, 1),
        actor: "OMB".parse().unwrap(),
    };
    let command = consolidate(&c, m("2500000")).unwrap();
    match command.action {
        Action::Transfer {
            from,
            to,
            amount,
            authority,
        } => {
            assert_eq!((from, to, amount), (c.from, c.to, m("2500000")));
            assert_eq!(authority, "P.L. 107-296 sec. 1511");
        }
        other => panic!("{other:?}"),
    }
    assert!(consolidate(&c, Money::ZERO).is_err());
}

// ---- allocation ----

const PARTNERS: [&str; 10] = [
    "COL", "MEX", "KEN", "NGA", "EGY", "JOR", "PAK", "IDN", "PHL", "FRA",
];

fn request_strategy() -> impl Strategy<Value = AllocationRequest> {
    (
        0..PARTNERS.len(),
        0..MissionArea::ALL.len(),
        0_i64..5_000_000,
        0_u32..1000,
    )
        .prop_map(|(p, mi, cents, tag)| AllocationRequest {
            id: format!("R{tag}"),
            partner: cc(PARTNERS[p]),
            mission: MissionArea::ALL[mi],
            agency: Agency::CoastGuard,
            program: ProgramKind::Training,
            amount: Money::from_cents(cents),
            // Some requests build toward a standard; off by default, this changes nothing.
            standards: match tag % 3 {
                0 => Vec::new(),
                1 => vec!["IMO-ISPS".to_owned()],
                _ => vec!["ICAO-ANNEX-17".to_owned(), "IMO-ISPS".to_owned()],
            },
        })
}

fn requests_strategy() -> impl Strategy<Value = Vec<AllocationRequest>> {
    proptest::collection::vec(request_strategy(), 0..12).prop_map(|mut v| {
        let mut seen = BTreeSet::new();
        v.retain(|r| seen.insert(r.id.clone()));
        v
    })
}

fn weight() -> impl Strategy<Value = Decimal> {
    (0_i64..=400, 0_u32..=2).prop_map(|(n, s)| Decimal::new(n, s))
}

fn priorities_strategy() -> impl Strategy<Value = Priorities> {
    (
        proptest::collection::vec(weight(), 6),
        proptest::collection::vec(weight(), 6),
        0_i64..2_000_000,
        proptest::option::of(0_i64..3_000_000),
    )
        .prop_map(|(mw, rw, floor, ceiling)| {
            let mut p = Priorities::seed();
            for (m, w) in MissionArea::ALL.into_iter().zip(mw) {
                p.mission.insert(m, w);
            }
            for (r, w) in security_assistance::Region::ALL.into_iter().zip(rw) {
                p.region.insert(r, w);
            }
            p.trading_partners = [cc("FRA"), cc("MEX")].into();
            p.floor = Money::from_cents(floor);
            if let Some(c) = ceiling {
                p.partner_ceiling.insert(cc("COL"), Money::from_cents(c));
            }
            p
        })
}

fn refusing(partners: &[&str]) -> Engine {
    let mut facts = Facts::new();
    for p in partners {
        facts.add(Fact::new(
            cc(p),
            FactKind::Sanction {
                name: "embargo".into(),
                programs: ProgramKind::ALL.to_vec(),
            },
            day(2000, 1, 1),
            Citation::new("test", "1"),
            day(2000, 1, 1),
        ));
    }
    Engine::new(facts, RuleSet::builtin())
}

fn run(
    budget: i64,
    requests: &[AllocationRequest],
    p: &Priorities,
    check: &dyn EligibilityCheck,
) -> AllocationResult {
    allocate(
        Money::from_cents(budget),
        day(2008, 1, 15),
        requests,
        p,
        check,
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn allocation_never_exceeds_the_budget_nor_a_cap(
        budget in 0_i64..30_000_000, requests in requests_strategy(), p in priorities_strategy()
    ) {
        let r = run(budget, &requests, &p, &AllowAll);
        prop_assert!(r.allocated <= Money::from_cents(budget));
        prop_assert_eq!(r.allocated.checked_add(r.unallocated).unwrap(), Money::from_cents(budget));
        prop_assert!(!r.unallocated.is_negative());
        for line in &r.lines {
            prop_assert!(line.amount <= line.request.amount);
            prop_assert!(!line.amount.is_negative());
            if let Some(c) = p.partner_ceiling.get(&line.request.partner) {
                prop_assert!(line.amount <= *c);
            }
        }
        // When every request is fully funded nothing is withheld for no reason; when the
        // water level decides, at most one cent per request is lost to rounding down.
        if let AllocationMethod::WaterLevel { .. } = r.method {
            let slack = i64::try_from(r.lines.len()).unwrap();
            prop_assert!(r.unallocated <= Money::from_cents(slack));
        }
    }

    #[test]
    fn ineligible_partners_get_nothing(
        budget in 0_i64..30_000_000, requests in requests_strategy(), p in priorities_strategy()
    ) {
        let engine = refusing(&["PAK", "NGA"]);
        let r = run(budget, &requests, &p, &engine);
        for line in &r.lines {
            if ["PAK", "NGA"].contains(&line.request.partner.alpha3()) {
                prop_assert_eq!(line.amount, Money::ZERO);
                prop_assert!(line.reason.contains("ineligible"), "{}", line.reason);
            }
        }
    }

    #[test]
    fn raising_a_priority_never_lowers_the_amount(
        budget in 0_i64..30_000_000, requests in requests_strategy(), p in priorities_strategy(),
        pick in any::<prop::sample::Index>(), raise in 2_i64..=2, region in any::<bool>()
    ) {
        prop_assume!(!requests.is_empty());
        let target = &requests[pick.index(requests.len())];
        let before = run(budget, &requests, &p, &AllowAll);
        let mut higher = p.clone();
        // Raise by a factor: every request sharing the raised weight rises by at most the
        // same factor as the target (the trading-partner weight is raised with the region
        // weight so that the target's effective region weight rises by exactly it).
        let factor = Decimal::from(raise);
        if region {
            let r = target.partner.region();
            let w = higher.region.get(&r).copied().unwrap_or_default() * factor;
            higher.region.insert(r, w);
            if higher.trading_partners.contains(&target.partner) {
                higher.trading_partner *= factor;
            }
        } else {
            let w = higher.mission.get(&target.mission).copied().unwrap_or_default() * factor;
            higher.mission.insert(target.mission, w);
        }
        let after = run(budget, &requests, &higher, &AllowAll);
        let a = before.line(&target.id).unwrap().amount;
        let b = after.line(&target.id).unwrap().amount;
        prop_assert!(b >= a, "{} fell from {} to {}", target.id, a, b);
    }

    #[test]
    fn the_order_of_requests_does_not_matter(
        budget in 0_i64..30_000_000, requests in requests_strategy(), p in priorities_strategy(),
        seed in any::<u64>()
    ) {
        let engine = refusing(&["KEN"]);
        let a = run(budget, &requests, &p, &engine);
        let mut shuffled = requests.clone();
        // A deterministic permutation from the seed.
        let len = shuffled.len();
        for i in (1..len).rev() {
            let j = usize::try_from(seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64) % (i as u64 + 1)).unwrap();
            shuffled.swap(i, j);
        }
        shuffled.reverse();
        let b = run(budget, &shuffled, &p, &engine);
        prop_assert_eq!(a, b);
    }
}

#[test]
fn allocation_explains_each_amount() {
    let request = |id: &str, partner: &str, mission, amount: &str| AllocationRequest {
        id: id.into(),
        partner: cc(partner),
        mission,
        agency: Agency::CoastGuard,
        program: ProgramKind::Training,
        amount: m(amount),
        standards: Vec::new(),
    };
    let requests = vec![
        request("a", "COL", MissionArea::MaritimeSecurity, "100000"),
        request("b", "KEN", MissionArea::DisasterResponse, "5000000"),
        request("c", "FRA", MissionArea::Counterterrorism, "5000000"),
        request("d", "PAK", MissionArea::AviationSecurity, "5000000"),
    ];
    let mut p = Priorities::seed();
    p.floor = m("50000");
    let r = allocate(
        m("1000000"),
        day(2008, 1, 15),
        &requests,
        &p,
        &refusing(&["PAK"]),
    )
    .unwrap();
    let a = r.line("a").unwrap();
    assert_eq!(a.amount, m("100000"));
    assert!(a.reason.starts_with("the full request"), "{}", a.reason);
    assert_eq!(a.score, Decimal::from(9));
    let d = r.line("d").unwrap();
    assert_eq!(d.amount, Money::ZERO);
    assert!(d.reason.contains("ineligible"));
    // b (score 4) and c (score 2) share 900,000 in proportion 2:1.
    assert_eq!(r.line("b").unwrap().amount, m("600000"));
    assert_eq!(r.line("c").unwrap().amount, m("300000"));
    assert_eq!(r.unallocated, Money::ZERO);
    let commands = r
        .commands(
            &account(),
            day(2008, 1, 15),
            &"OIA".parse().unwrap(),
            "FY08-ALLOC",
        )
        .unwrap();
    assert_eq!(commands.len(), 3);

    // Floors above the budget go in score order.
    let r = allocate(
        m("120000"),
        day(2008, 1, 15),
        &requests,
        &{
            let mut p = p.clone();
            p.floor = m("100000");
            p
        },
        &refusing(&["PAK"]),
    )
    .unwrap();
    assert_eq!(r.method, AllocationMethod::FloorsInPriorityOrder);
    assert_eq!(r.line("a").unwrap().amount, m("100000"));
    assert_eq!(r.line("b").unwrap().amount, m("20000"));
    assert_eq!(r.line("c").unwrap().amount, Money::ZERO);
    let _ = Arc::new(AllowAll);
}

// ---------------------------------------------------------------------------------------
// Technology cooperation
// ---------------------------------------------------------------------------------------

fn st_account() -> AccountSymbol {
    "070-2008/2009-0800".parse().unwrap()
}

fn coop_ctx() -> CooperationContext {
    CooperationContext {
        account: st_account(),
        actor: "st-budget".parse().unwrap(),
    }
}

#[test]
fn a_cost_shared_project_runs_through_the_ledger_and_reconciles_to_the_cent() {
    use security_assistance::budget::{BudgetError, Dimension, Level, StatusQuery, Ussgl};
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let actor: security_assistance::budget::Actor = "st-budget".parse().unwrap();
    let mut n = 0;
    let mut cmd = |date: NaiveDate, action: Action| {
        n += 1;
        Command::new(
            format!("ST-{n}").parse().unwrap(),
            date,
            actor.clone(),
            action,
        )
    };
    let d = day(2007, 12, 26);
    let setup = [
        Action::Appropriate {
            account: st_account(),
            title: "Research, Development, Acquisition and Operations".into(),
            purposes: vec![ProgramKind::TechnologyCooperation],
            amount: m("1000000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account: st_account(),
            category: Apportionment::ByPeriod { from: d },
            amount: m("1000000"),
        },
        Action::Allot {
            account: st_account(),
            holder: Agency::ScienceAndTechnology.holder(),
            amount: m("1000000"),
        },
    ];
    for action in setup {
        ledger.apply(cmd(d, action)).unwrap();
    }

    // 25% and 15% of $1,200,000.03, each rounded toward zero; the U.S. absorbs the rest.
    let due = day(2008, 9, 1);
    let project = Project::with_rates(
        "TSWG-7",
        "Standoff explosives detection",
        MissionArea::AviationSecurity,
        m("1200000.03"),
        &[
            (cc("GBR"), "25".parse().unwrap(), day(2008, 6, 30)),
            (cc("CAN"), "15".parse().unwrap(), due),
        ],
        &AllowAll,
        day(2008, 1, 15),
    )
    .unwrap();
    assert_eq!(project.share_of(cc("GBR")), Some(m("300000.00")));
    assert_eq!(project.share_of(cc("CAN")), Some(m("180000.00")));
    assert_eq!(project.us_share(), m("720000.03"));

    // The U.S. share is obligated on the S&T allotment.
    ledger
        .apply(
            project
                .obligate_us_share(&coop_ctx(), day(2008, 2, 1))
                .unwrap(),
        )
        .unwrap();

    // Contributions arrive and are credited as offsetting collections.
    let (project, gbr) = project
        .receive(&coop_ctx(), cc("GBR"), m("300000"), day(2008, 4, 1))
        .unwrap();
    ledger.apply(gbr).unwrap();
    let (project, can) = project
        .receive(&coop_ctx(), cc("CAN"), m("100000"), day(2008, 5, 1))
        .unwrap();
    ledger.apply(can).unwrap();
    assert!(matches!(
        project
            .receive(&coop_ctx(), cc("CAN"), m("80000.01"), day(2008, 5, 2))
            .unwrap_err(),
        CooperationError::ExceedsDue { .. }
    ));
    assert_eq!(project.received().unwrap(), m("400000"));
    let late = project.arrears(day(2008, 10, 1)).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(
        (late[0].partner, late[0].outstanding),
        (cc("CAN"), m("80000"))
    );

    // The collections are new resources: they must be apportioned and allotted first.
    let key = Project::key();
    let grow = |n: &str| {
        Command::new(
            n.parse().unwrap(),
            day(2008, 5, 15),
            "st-budget".parse().unwrap(),
            Action::AdjustObligation {
                account: st_account(),
                document: "TSWG-7-US".parse().unwrap(),
                amount: m("400000"),
            },
        )
    };
    assert!(matches!(
        ledger.apply(grow("GROW-0")).unwrap_err(),
        BudgetError::Exceeds {
            level: Level::Allotment,
            ..
        }
    ));
    let allot = |n: &str, amount: &str| {
        Command::new(
            n.parse().unwrap(),
            day(2008, 5, 15),
            "st-budget".parse().unwrap(),
            Action::Allot {
                account: st_account(),
                holder: key.holder.clone(),
                amount: m(amount),
            },
        )
    };
    let err = ledger.apply(allot("ALLOT-0", "400000")).unwrap_err();
    assert!(
        matches!(err, BudgetError::Exceeds { level: Level::Apportionment, available, .. } if available == Money::ZERO),
        "{err}"
    );
    let apportion = |n: &str, amount: &str| {
        Command::new(
            n.parse().unwrap(),
            day(2008, 5, 15),
            "st-budget".parse().unwrap(),
            Action::Apportion {
                account: st_account(),
                category: Apportionment::ByPeriod {
                    from: day(2008, 5, 15),
                },
                amount: m(amount),
            },
        )
    };
    let err = ledger.apply(apportion("APP-0", "400000.01")).unwrap_err();
    assert!(
        matches!(err, BudgetError::Exceeds { level: Level::Appropriation, available, .. } if available == m("400000")),
        "{err}"
    );
    ledger.apply(apportion("APP-1", "400000")).unwrap();
    ledger.apply(allot("ALLOT-1", "400000")).unwrap();
    ledger.apply(grow("GROW-1")).unwrap();
    ledger
        .apply(Command::new(
            "PAY-1".parse().unwrap(),
            day(2008, 8, 1),
            "st-budget".parse().unwrap(),
            Action::Disburse {
                account: st_account(),
                document: "TSWG-7-US".parse().unwrap(),
                amount: m("500000"),
            },
        ))
        .unwrap();

    // Status of funds: authority includes the collections; everything reconciles.
    let rows = ledger
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[Dimension::Account]))
        .unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.budget_authority, m("1400000"));
    assert_eq!(r.obligated, m("1120000.03"));
    assert_eq!(r.unobligated, m("279999.97"));
    assert_eq!(r.disbursed, m("500000"));
    assert_eq!(r.unliquidated, m("620000.03"));

    // The chart: 4252 holds the collections and every balance sums to zero.
    let tb = ledger.trial_balance(&st_account()).unwrap();
    assert_eq!(tb.balance(Ussgl::ReimbursementsCollected), m("400000"));
    assert_eq!(tb.net().unwrap(), Money::ZERO);
    assert_eq!(tb.unobligated().unwrap(), m("279999.97"));

    // SF-133: line 1700/1750 show the collections and the identities hold.
    let sf = ledger
        .sf133(&st_account(), "FY2008".parse().unwrap(), day(2008, 9, 30))
        .unwrap();
    let l = |n: u16| sf.line(n).unwrap();
    assert_eq!(l(1100), m("1000000"));
    assert_eq!(l(1700), m("400000"));
    assert_eq!(l(1750), m("400000"));
    assert_eq!(l(1910), m("1400000"));
    assert_eq!(l(2190), m("1120000.03"));
    assert_eq!(l(2490), m("279999.97"));
    assert_eq!(l(2500), l(1910));
    assert_eq!(l(3020), m("-500000"));
    assert_eq!(l(3050), m("620000.03"));
    let whole = sf.to_whole_dollars().unwrap();
    assert_eq!(whole.line(1750), Some(m("400000")));
    assert_eq!(whole.line(2490), Some(m("280000")));
    assert_eq!(whole.line(1910), whole.line(2500));

    // As of before the first contribution, no collection; replay and JSON agree.
    let before = ledger
        .sf133(&st_account(), "FY2008".parse().unwrap(), day(2008, 3, 31))
        .unwrap();
    assert_eq!(before.line(1700), Some(Money::ZERO));
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
    let json = serde_json::to_string(ledger.journal()).unwrap();
    assert_eq!(
        Ledger::replay(
            &serde_json::from_str(&json).unwrap(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );

    // A partner the eligibility engine refuses cannot join a project.
    let err = Project::new(
        "TSWG-8",
        "Border sensors",
        MissionArea::BorderControl,
        m("100"),
        &[(cc("GBR"), m("10"), due), (cc("PRK"), m("10"), due)],
        &refusing(&["PRK"]),
        day(2008, 1, 15),
    )
    .unwrap_err();
    assert!(
        matches!(&err, CooperationError::Ineligible { partner, .. } if *partner == cc("PRK")),
        "{err}"
    );

    // The clearinghouse shares the project's results.
    let mut register = ResultsRegister::new();
    register.add_project(&project).unwrap();
    register
        .record(SharedResult {
            id: "TSWG-7-R1".into(),
            project: "TSWG-7".into(),
            title: "Trace detection field trial".into(),
            date: day(2008, 9, 15),
            kind: ResultKind::Data,
            access: BTreeSet::from([cc("GBR")]),
            release: Release::ParticipantsOnly,
        })
        .unwrap();
    assert_eq!(register.for_partner(cc("GBR")).len(), 1);
    assert!(register.for_partner(cc("CAN")).is_empty());
    assert_eq!(register.for_mission(MissionArea::AviationSecurity).len(), 1);
    assert_eq!(
        ResultsRegister::from_json(&register.to_json().unwrap()).unwrap(),
        register
    );
}

fn coop_partners() -> impl Strategy<Value = Vec<(usize, u32)>> {
    // (partner index, rate in hundredths of a percent)
    prop::collection::vec((0usize..6, 1u32..4_000), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Shares always sum exactly to the cost, no partner is asked for more than its rate
    /// of the cost, and contributions never exceed the agreed share.
    #[test]
    fn shares_sum_to_cost_and_contributions_never_exceed_them(
        cost in 1i64..10_000_000_000,
        partners in coop_partners(),
        payments in prop::collection::vec((0usize..6, 1i64..500_000_000), 0..20),
    ) {
        let codes = ["GBR", "CAN", "AUS", "NZL", "FRA", "JPN"];
        let cost = Money::from_cents(cost);
        let date = day(2008, 3, 1);
        let mut seen = BTreeSet::new();
        let rates: Vec<(CountryCode, security_assistance::Rate, NaiveDate)> = partners
            .iter()
            .filter(|(i, _)| seen.insert(*i))
            .map(|(i, r)| {
                let rate = security_assistance::Rate::from_percent(Decimal::new(i64::from(*r), 2)).unwrap();
                (cc(codes[*i]), rate, date)
            })
            .collect();
        let result = Project::with_rates("P", "t", MissionArea::DisasterResponse, cost, &rates, &AllowAll, date);
        let mut project = match result {
            Ok(p) => p,
            // A share that rounds to zero cents is refused, never silently dropped.
            Err(CooperationError::NotPositive { amount, .. }) => {
                prop_assert!(!amount.is_positive());
                return Ok(());
            }
            // Rates above 100 percent in total leave no U.S. share: refused.
            Err(CooperationError::SharesExceedCost { cost: c, shares }) => {
                prop_assert!(shares > c);
                let total: Decimal = rates.iter().map(|r| r.1.percent()).sum();
                prop_assert!(total > Decimal::ONE_HUNDRED);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
        };
        let shares = Money::checked_sum(project.partners().iter().map(|p| p.share)).unwrap();
        prop_assert_eq!(shares.checked_add(project.us_share()).unwrap(), cost);
        prop_assert!(!project.us_share().is_negative());
        for (p, (_, rate, _)) in project.partners().iter().zip(&rates) {
            // Exact: share ≤ cost × rate < share + 1 cent.
            let exact = cost.to_decimal() * rate.percent() / Decimal::ONE_HUNDRED;
            prop_assert!(p.share.to_decimal() <= exact);
            prop_assert!(exact - p.share.to_decimal() < Decimal::new(1, 2));
        }
        let ctx = coop_ctx();
        for (i, amount) in payments {
            let partner = cc(codes[i]);
            let amount = Money::from_cents(amount);
            let before = project.clone();
            match project.receive(&ctx, partner, amount, date) {
                Ok((next, command)) => {
                    let old = before.partners().iter().find(|p| p.partner == partner).unwrap();
                    prop_assert!(amount <= old.outstanding().unwrap());
                    let collected = matches!(command.action, Action::Collect { amount: a, .. } if a == amount);
                    prop_assert!(collected, "the command collects the amount received");
                    project = next;
                }
                Err(CooperationError::ExceedsDue { outstanding, .. }) => {
                    prop_assert!(amount > outstanding);
                }
                Err(CooperationError::UnknownPartner { .. }) => {
                    prop_assert!(before.share_of(partner).is_none());
                }
                Err(e) => return Err(TestCaseError::fail(format!("{e}"))),
            }
            for p in project.partners() {
                prop_assert!(p.received() <= p.share);
                let sum = Money::checked_sum(p.contributions().iter().map(|c| c.amount)).unwrap();
                prop_assert_eq!(sum, p.received());
            }
        }
    }
}

/// A ledger with the homeland account appropriated, apportioned, allotted and allocated to
/// exactly what `package`'s commitments need (by key), with `applied` of its documents
/// (by index, Commit and Obligate) applied, each then adjusted down by the cents given.
fn ledger_with(package: &Package, applied: &[(usize, i64)]) -> Ledger {
    let mut ledger = Ledger::new(Arc::new(AllowAll));
    let actor: security_assistance::budget::Actor = "OIA".parse().unwrap();
    let mut n = 0;
    let mut cmd = |date: NaiveDate, action: Action| {
        n += 1;
        Command::new(
            format!("SETUP-{n}").parse().unwrap(),
            date,
            actor.clone(),
            action,
        )
    };
    let d = day(2007, 11, 1);
    let total = m("900000000");
    ledger
        .apply(cmd(
            d,
            Action::Appropriate {
                account: account(),
                title: "International homeland security assistance".into(),
                purposes: ProgramKind::ALL.to_vec(),
                amount: total,
                law: "P.L. 110-161".into(),
            },
        ))
        .unwrap();
    ledger
        .apply(cmd(
            d,
            Action::Apportion {
                account: account(),
                category: Apportionment::ByPeriod { from: d },
                amount: total,
            },
        ))
        .unwrap();
    for agency in Agency::ALL {
        ledger
            .apply(cmd(
                d,
                Action::Allot {
                    account: account(),
                    holder: agency.holder(),
                    amount: m("50000000"),
                },
            ))
            .unwrap();
    }
    let commands = package.go_ahead().unwrap();
    let mut needs: std::collections::BTreeMap<_, Money> = std::collections::BTreeMap::new();
    for c in commands {
        if let Action::Commit { key, amount, .. } = &c.action {
            let slot = needs.entry(key.clone()).or_insert(Money::ZERO);
            *slot = slot.checked_add(*amount).unwrap();
        }
    }
    for (key, amount) in needs {
        ledger
            .apply(cmd(
                d,
                Action::Allocate {
                    account: account(),
                    key,
                    amount,
                },
            ))
            .unwrap();
    }
    let mut downs = Vec::new();
    for &(i, down) in applied {
        let (commit, obligate) = (&commands[2 * i], &commands[2 * i + 1]);
        ledger.apply(commit.clone()).unwrap();
        ledger.apply(obligate.clone()).unwrap();
        let Action::Obligate {
            document, amount, ..
        } = &obligate.action
        else {
            panic!("not an obligation")
        };
        let down = down.min(amount.to_cents().unwrap());
        if down > 0 {
            downs.push((document.clone(), down));
        }
    }
    for (document, down) in downs {
        ledger
            .apply(cmd(
                day(2008, 4, 1),
                Action::AdjustObligation {
                    account: account(),
                    document,
                    amount: Money::from_cents(-down),
                },
            ))
            .unwrap();
    }
    ledger
}

fn registered(package: &Package) -> Oversight {
    let mut oversight = Oversight::new(account(), Thresholds::current().homeland);
    oversight.register_package(package);
    oversight
}

#[test]
fn a_package_names_its_standards_and_the_interoperability_report_follows_the_money() {
    use security_assistance::report::{InteropQuery, InteropReport, InteropScope};
    let standards = Standards::builtin();
    let catalog = menu();
    let package = western_package("COL")
        .build(&catalog, &ctx(), &AllowAll)
        .unwrap();
    let oversight = registered(&package);
    let query = |scope| InteropQuery::new(day(2008, 9, 30), scope);
    let report = |ledger: &Ledger, scope| {
        InteropReport::of(ledger, &oversight, &catalog, &standards, &query(scope)).unwrap()
    };
    let row = |r: &InteropReport, mission, standard: Option<&str>| {
        r.rows
            .iter()
            .find(|row| {
                row.mission == mission
                    && row.standards.first().map(|s| s.standard.as_str()) == standard
            })
            .map(|row| (row.obligated, row.planned))
    };

    // Built, not yet obligated: everything is planned.
    let ledger = ledger_with(&package, &[]);
    let planned = report(&ledger, InteropScope::All);
    assert_eq!(planned.obligated, Money::ZERO);
    assert_eq!(planned.planned, m("1115000"));
    assert_eq!(
        row(&planned, MissionArea::MaritimeSecurity, Some("IMO-ISPS")),
        Some((Money::ZERO, m("85000")))
    );

    // Every document obligated.
    let all: Vec<(usize, i64)> = (0..package.tags().len()).map(|i| (i, 0)).collect();
    let ledger = ledger_with(&package, &all);
    let r = report(&ledger, InteropScope::All);
    assert_eq!((r.obligated, r.planned), (m("1115000"), Money::ZERO));
    assert_eq!(
        row(&r, MissionArea::MaritimeSecurity, Some("IMO-ISPS")),
        Some((m("85000"), Money::ZERO))
    );
    assert_eq!(
        row(&r, MissionArea::AviationSecurity, Some("ICAO-ANNEX-17")),
        Some((m("50000"), Money::ZERO))
    );
    assert_eq!(
        row(&r, MissionArea::MaritimeSecurity, None),
        Some((m("500000"), Money::ZERO))
    );
    assert_eq!(
        row(&r, MissionArea::BorderControl, None),
        Some((m("180000"), Money::ZERO))
    );
    let isps = r
        .rows
        .iter()
        .find(|row| row.mission == MissionArea::MaritimeSecurity && !row.standards.is_empty())
        .unwrap();
    assert_eq!(
        isps.standards[0].part.as_deref(),
        Some("part A, section 18")
    );
    let ids: Vec<&str> = r.by_standard.iter().map(|t| t.standard.as_str()).collect();
    assert_eq!(ids, ["ICAO-ANNEX-17", "IMO-ISPS"]);
    // The gaps: priority mission areas where nothing builds toward a standard, with what
    // the menu and the table offer.
    let gaps: Vec<MissionArea> = r.gaps.iter().map(|g| g.mission).collect();
    assert_eq!(
        gaps,
        [
            MissionArea::BorderControl,
            MissionArea::InformationSecurity,
            MissionArea::Counterterrorism,
            MissionArea::DisasterResponse
        ]
    );
    assert_eq!(r.gaps[0].obligated, m("180000"));
    assert!(r.gaps[0].offerings.is_empty());
    assert!(r.gaps[0].standards.contains(&"ICAO-DOC-9303".to_owned()));
    assert!(r.gaps[2].standards.is_empty());
    let mut seed_priorities = query(InteropScope::All);
    seed_priorities.priority =
        [MissionArea::AviationSecurity, MissionArea::MaritimeSecurity].into();
    let narrow =
        InteropReport::of(&ledger, &oversight, &catalog, &standards, &seed_priorities).unwrap();
    assert!(narrow.gaps.is_empty());

    // Scopes: the package, its partner and region see the same; another partner nothing.
    for scope in [
        InteropScope::Package("PKG-1".into()),
        InteropScope::Partner(cc("COL")),
        InteropScope::Region(security_assistance::Region::WesternHemisphere),
    ] {
        assert_eq!(report(&ledger, scope).rows, r.rows);
    }
    let other = report(&ledger, InteropScope::Partner(cc("PAN")));
    assert!(other.rows.is_empty());
    assert_eq!(other.gaps.len(), MissionArea::ALL.len());

    // Exports: CSV with a header, and JSON that reads back to the same report.
    let csv = r.csv().unwrap();
    assert!(csv.starts_with("scope,mission_area,standards,obligated,planned,documents\n"));
    assert!(csv.contains(
        "all packages,maritime_security,\"IMO-ISPS (part A, section 18)\",85000.00,0.00,1"
    ));
    assert!(
        r.gaps_csv()
            .unwrap()
            .contains("counterterrorism,0.00,0.00,,")
    );
    let back: InteropReport = serde_json::from_str(&r.json().unwrap()).unwrap();
    assert_eq!(back, r);
    assert!(r.text().contains("gap: counterterrorism"));
}

#[test]
fn a_catalog_refuses_an_unknown_standard_and_reads_old_json() {
    let standards = Standards::builtin();
    let mut offerings = menu().offerings().to_vec();
    offerings[0].standards = vec![StandardRef::to("ICAO-ANNEX-99")];
    let err = Catalog::new(offerings.clone(), &standards).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("ICAO-ANNEX-99") && text.contains("WCO-SAFE"),
        "{text}"
    );
    // A standard that does not serve the offering's mission area.
    offerings[0].standards = vec![StandardRef::to("ISO-IEC-27001")];
    assert!(matches!(
        Catalog::new(offerings.clone(), &standards),
        Err(CatalogError::StandardMissionMismatch { .. })
    ));
    // A caller's own standard is accepted once added to the table.
    let mut table = standards.clone();
    let mut stanag = table.get("IMO-ISPS").unwrap().clone();
    stanag.id = "NATO-STANAG-1234".into();
    stanag.body = "NATO Standardization Office".into();
    stanag.missions = MissionArea::ALL.into_iter().collect();
    table.add(stanag).unwrap();
    offerings[0].standards = vec![StandardRef::to("NATO-STANAG-1234")];
    let catalog = Catalog::new(offerings.clone(), &table).unwrap();
    assert!(Catalog::new(offerings, &standards).is_err());
    // JSON written before standards existed still loads; unknown fields are refused.
    let old = r#"{"offerings": [{"id": "CBP-X", "name": "x", "category": "equipment",
        "mission": "border_control", "domain": "land", "agency": "customs_and_border_protection",
        "unit_cost": "100.00", "delivery": "grant"}]}"#;
    assert!(
        Catalog::from_json(old, &standards).unwrap().offerings()[0]
            .standards
            .is_empty()
    );
    let extra = old.replace("\"grant\"}", "\"grant\", \"standard\": \"WCO-SAFE\"}");
    assert!(matches!(
        Catalog::from_json(&extra, &standards),
        Err(CatalogError::Json(_))
    ));
    let json = catalog.to_json().unwrap();
    assert!(json.contains("NATO-STANAG-1234"));
    assert_eq!(Catalog::from_json(&json, &table).unwrap(), catalog);
}

fn standards_menu(choices: &[u8]) -> Catalog {
    use Agency as A;
    use Category as C;
    use Delivery as D;
    use MissionArea as M;
    let options: [(&str, &str); 4] = [
        ("IMO-ISPS", "WCO-SAFE"),
        ("IMO-ISPS", "WCO-SAFE"),
        ("ICAO-ANNEX-17", "ICAO-ANNEX-9"),
        ("ICAO-DOC-9303", "WCO-SAFE"),
    ];
    let mut offerings = vec![
        offering(
            "M-TEAM-A",
            C::Training,
            M::MaritimeSecurity,
            Domain::Sea,
            A::CoastGuard,
            "85000.33",
            D::MobileTeam,
        ),
        offering(
            "M-TEAM-B",
            C::Training,
            M::MaritimeSecurity,
            Domain::Sea,
            A::CoastGuard,
            "41000.07",
            D::MobileTeam,
        ),
        offering(
            "A-COURSE",
            C::Training,
            M::AviationSecurity,
            Domain::Air,
            A::TransportationSecurityAdministration,
            "12500.01",
            D::MobileTeam,
        ),
        offering(
            "B-TRUCK",
            C::Logistics,
            M::BorderControl,
            Domain::Land,
            A::CustomsAndBorderProtection,
            "60000.99",
            D::ExcessTransfer,
        ),
    ];
    for ((o, choice), (first, second)) in offerings.iter_mut().zip(choices).zip(options) {
        o.standards = match choice % 3 {
            0 => Vec::new(),
            1 => vec![StandardRef::to(first)],
            _ => vec![
                StandardRef::to(first).part("part 1"),
                StandardRef::to(second),
            ],
        };
    }
    Catalog::new(offerings, &Standards::builtin()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The interoperability report adds up to the obligations it describes, to the cent,
    /// whatever the standards, quantities, documents obligated and later adjustments.
    #[test]
    fn the_interoperability_report_adds_up_to_the_obligations_to_the_cent(
        choices in proptest::collection::vec(0_u8..3, 4),
        quantities in proptest::collection::vec(1_u32..7, 4),
        grant_share in 1_i64..100,
        applied in proptest::collection::vec((any::<bool>(), 0_i64..5_000_000), 8),
    ) {
        use security_assistance::report::{InteropQuery, InteropReport, InteropScope};
        let catalog = standards_menu(&choices);
        let ids = ["M-TEAM-A", "M-TEAM-B", "A-COURSE", "B-TRUCK"];
        let items: Vec<PackageItem> = ids.iter().zip(&quantities).map(|(id, q)| item(id, *q)).collect();
        let price = |ids: &[&str]| -> Money {
            Money::checked_sum(ids.iter().map(|id| {
                let q = quantities[["M-TEAM-A", "M-TEAM-B", "A-COURSE", "B-TRUCK"].iter().position(|x| x == id).unwrap()];
                catalog.get(id).unwrap().unit_cost.checked_mul_int(i64::from(q)).unwrap()
            })).unwrap()
        };
        let team = price(&["M-TEAM-A", "M-TEAM-B", "A-COURSE"]);
        // Part of the mobile-team part is a grant, the rest a loan: two documents per share.
        let grant = Money::from_cents(team.to_cents().unwrap() * grant_share / 100).max(Money::from_cents(1));
        let loan = team.checked_sub(grant).unwrap();
        let mut funding = vec![
            FundingSource { kind: FundingKind::Grant, pays_for: Delivery::MobileTeam, amount: grant },
            FundingSource { kind: FundingKind::Grant, pays_for: Delivery::ExcessTransfer, amount: price(&["B-TRUCK"]) },
        ];
        if loan.is_positive() {
            funding.push(FundingSource { kind: FundingKind::Loan, pays_for: Delivery::MobileTeam, amount: loan });
        }
        let spec = PackageSpec {
            id: "P".into(),
            partner: cc("COL"),
            domains: [Domain::Air, Domain::Land, Domain::Sea].into(),
            items,
            funding,
            justified: None,
        };
        let package = spec.build(&catalog, &ctx(), &AllowAll).unwrap();
        let documents = package.tags().len();
        let chosen: Vec<(usize, i64)> = applied
            .iter()
            .take(documents)
            .enumerate()
            .filter(|(_, (on, _))| *on)
            .map(|(i, (_, down))| (i, *down))
            .collect();
        let ledger = ledger_with(&package, &chosen);
        let oversight = registered(&package);
        let standards = Standards::builtin();
        let report = InteropReport::of(
            &ledger,
            &oversight,
            &catalog,
            &standards,
            &InteropQuery::new(day(2008, 9, 30), InteropScope::All),
        )
        .unwrap();
        // What the ledger says the described documents obligate, and what is still planned.
        let mut obligated = Money::ZERO;
        let mut planned = Money::ZERO;
        for (document, _, plan) in oversight.plans() {
            match ledger.obligation(&account(), document) {
                Some(b) => obligated = obligated.checked_add(b.obligated).unwrap(),
                None => planned = planned.checked_add(plan.amount().unwrap()).unwrap(),
            }
        }
        prop_assert_eq!(report.obligated, obligated);
        prop_assert_eq!(report.planned, planned);
        prop_assert_eq!(Money::checked_sum(report.rows.iter().map(|r| r.obligated)).unwrap(), obligated);
        prop_assert_eq!(Money::checked_sum(report.rows.iter().map(|r| r.planned)).unwrap(), planned);
        // The plans add up to what the package commits.
        let committed = Money::checked_sum(package.go_ahead().unwrap().iter().filter_map(|c| match &c.action {
            Action::Commit { amount, .. } => Some(*amount),
            _ => None,
        })).unwrap();
        let plans = Money::checked_sum(package.plans().iter().map(|(_, p)| p.amount().unwrap())).unwrap();
        prop_assert_eq!(plans, committed);
        // Each standard's total is the sum of the rows that name it.
        for total in &report.by_standard {
            let rows = Money::checked_sum(report.rows.iter()
                .filter(|r| r.standards.iter().any(|s| s.standard == total.standard))
                .map(|r| r.obligated)).unwrap();
            prop_assert_eq!(total.obligated, rows);
        }
    }
}

fn gap_requests() -> Vec<AllocationRequest> {
    let request = |id: &str, partner: &str, standards: &[&str]| AllocationRequest {
        id: id.into(),
        partner: cc(partner),
        mission: MissionArea::MaritimeSecurity,
        agency: Agency::CoastGuard,
        program: ProgramKind::Training,
        amount: m("1000000"),
        standards: standards.iter().map(|s| (*s).to_owned()).collect(),
    };
    vec![request("a", "COL", &[]), request("b", "PAN", &["IMO-ISPS"])]
}

fn standing_with_gap() -> Standing {
    let mut standing = Standing::new();
    standing
        .add(
            Assessment::new(
                cc("PAN"),
                "IMO-ISPS",
                Finding::DoesNotMeet,
                day(2007, 1, 1),
                Citation::new("ISPS compliance finding", "illustrative"),
                day(2007, 1, 2),
            ),
            &Standards::builtin(),
        )
        .unwrap();
    standing
}

#[test]
fn a_standards_gap_weight_changes_the_order_and_says_why() {
    // Equal scores (both Western Hemisphere, maritime: 9); the floor covers one request.
    let mut p = Priorities::seed();
    p.floor = m("1000000");
    let off = run(100_000_000, &gap_requests(), &p, &AllowAll);
    assert_eq!(off.method, AllocationMethod::FloorsInPriorityOrder);
    assert_eq!(off.line("a").unwrap().amount, m("1000000")); // COL before PAN on a tie
    assert_eq!(off.line("b").unwrap().amount, Money::ZERO);

    p.standard_gap = Some(StandardGap {
        weight: Decimal::new(15, 1),
        standing: standing_with_gap(),
        known_on: None,
    });
    let on = run(100_000_000, &gap_requests(), &p, &AllowAll);
    let b = on.line("b").unwrap();
    assert_eq!(b.amount, m("1000000"));
    assert_eq!(b.score, Decimal::new(135, 1));
    assert!(
        b.reason.contains("standards-gap weight 1.5")
            && b.reason.contains("IMO-ISPS")
            && b.reason.contains("does not meet"),
        "{}",
        b.reason
    );
    assert_eq!(on.line("a").unwrap().amount, Money::ZERO);
    assert!(!on.line("a").unwrap().reason.contains("standards-gap"));

    // As known before the finding was recorded, there is no gap on record.
    if let Some(g) = p.standard_gap.as_mut() {
        g.known_on = Some(day(2007, 1, 1));
    }
    let unknown = run(100_000_000, &gap_requests(), &p, &AllowAll);
    assert_eq!(unknown.line("a").unwrap().amount, m("1000000"));

    // Water-filling: the gap-closing request gets 1.5 times the other's share.
    let mut p = Priorities::seed();
    p.standard_gap = Some(StandardGap {
        weight: Decimal::new(15, 1),
        standing: standing_with_gap(),
        known_on: None,
    });
    let shared = run(100_000_000, &gap_requests(), &p, &AllowAll);
    assert_eq!(shared.line("a").unwrap().amount, m("400000"));
    assert_eq!(shared.line("b").unwrap().amount, m("600000"));

    // A bad weight is refused like the others.
    if let Some(g) = p.standard_gap.as_mut() {
        g.weight = Decimal::new(-1, 0);
    }
    let err = allocate(m("1"), day(2008, 1, 15), &gap_requests(), &p, &AllowAll).unwrap_err();
    assert!(err.to_string().contains("the standards gap"), "{err}");
}

proptest! {
    /// Off by default, the standards a request names change nothing; on at weight 1, the
    /// amounts are today's.
    #[test]
    fn the_standards_gap_weight_is_off_by_default_and_neutral_at_one(
        requests in requests_strategy(),
        p in priorities_strategy(),
        budget in 0_i64..5_000_000_000,
    ) {
        let today: Vec<AllocationRequest> = requests
            .iter()
            .cloned()
            .map(|mut r| { r.standards.clear(); r })
            .collect();
        let before = run(budget, &today, &p, &AllowAll);
        let off = run(budget, &requests, &p, &AllowAll);
        prop_assert_eq!(off.method, before.method);
        for (a, b) in off.lines.iter().zip(&before.lines) {
            prop_assert_eq!((&a.request.id, a.amount, &a.score, &a.reason), (&b.request.id, b.amount, &b.score, &b.reason));
        }
        let mut standing = Standing::new();
        for partner in PARTNERS {
            standing.add(Assessment::new(cc(partner), "IMO-ISPS", Finding::Partially, day(2007, 1, 1),
                Citation::new("x", "y"), day(2007, 1, 1)), &Standards::builtin()).unwrap();
        }
        let mut one = p.clone();
        one.standard_gap = Some(StandardGap { weight: Decimal::ONE, standing, known_on: None });
        let neutral = run(budget, &requests, &one, &AllowAll);
        for (a, b) in neutral.lines.iter().zip(&before.lines) {
            prop_assert_eq!(a.amount, b.amount);
        }
    }
}

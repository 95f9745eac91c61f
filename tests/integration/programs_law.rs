//! Program law of issue 19 through the public API only: the built-in eligibility rules'
//! statutory start dates, the SFOPS notification rules for FMF commitments (DOMAIN.md §10
//! rules 19 and 20), and sales-case money: the small-case minimum, contract
//! administration exemptions, transportation from the caller's rows, closure with its
//! financial checks and refund, and interest on arrears.
//!
//! Facts, exemptions, transportation rows and billing figures are hypothetical test data;
//! the dates and figures under test are the crate's shipped tables.

use chrono::NaiveDate;
use security_assistance::eligibility::{
    AllowAll, EligibilityRequest, Fact, FactKind, Facts, Outcome, RuleSet, evaluate,
};
use security_assistance::notification::{
    FmfEquipment, Notification, ProposedAction, Regime, Thresholds, WaiverError,
};
use security_assistance::programs::sales::{
    BpcFunding, Case, CaseKind, CaseRequest, CaseState, ContractAdministrationBasis,
    ContractAdministrationExemption, Disposition, ImplementationBasis, LineBilling, LineSpec,
    SalesError, TermsOfSale, TransportationRow, TrustFund, interest_on_arrears,
};
use security_assistance::{Citation, CountryCode, Money, ProgramKind, Rounding};

/// The notification assessment of an action whose figures are in range.
fn assess(action: &ProposedAction, date: NaiveDate, t: &Thresholds) -> Option<Notification> {
    security_assistance::notification::assess(action, date, t).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn code(alpha3: &str) -> CountryCode {
    alpha3.parse().unwrap()
}

// ----- eligibility: each built-in rule from the day its statute took effect -----

#[test]
fn the_child_soldiers_rule_does_not_refuse_before_2009_06_21() {
    let mut facts = Facts::new();
    facts.add(Fact::new(
        code("COD"),
        FactKind::ChildSoldiersListed { report_year: 2008 },
        day(2008, 10, 1),
        Citation::new("test data", "1"),
        day(2008, 10, 1),
    ));
    let rules = RuleSet::builtin();
    let on = |date| {
        evaluate(
            &EligibilityRequest::new(code("COD"), ProgramKind::Financing, date),
            &facts,
            &rules,
        )
        .outcome()
    };
    assert_eq!(on(day(2009, 6, 20)), Outcome::Eligible);
    assert_eq!(on(day(2009, 6, 21)), Outcome::Ineligible);
    assert_eq!(on(day(2009, 6, 22)), Outcome::Ineligible);
    let rule = rules
        .rules()
        .iter()
        .find(|r| r.id().as_str() == "child-soldiers")
        .unwrap();
    assert_eq!(rule.effective_from(), Some(day(2009, 6, 21)));
    assert!(rule.effective_source().unwrap().contains("P.L. 110-457"));
}

#[test]
fn every_builtin_rule_but_the_general_sanction_names_its_start_and_source() {
    for rule in RuleSet::builtin().rules() {
        if rule.id().as_str() == "sanction" {
            assert!(rule.effective_from().is_none());
        } else {
            assert!(rule.effective_from().is_some(), "{}", rule.id().as_str());
            assert!(
                rule.effective_source()
                    .is_some_and(|s| s.starts_with("P.L. "))
            );
        }
    }
}

// ----- notification rules 19 and 20 -----

fn commitment(quantity: u64, justified: Option<u64>, amount: &str) -> ProposedAction {
    ProposedAction::FinancingCommitment {
        partner: code("JOR"),
        equipment: FmfEquipment::MajorDefenseEquipment,
        quantity,
        justified_quantity: justified,
        amount: m(amount),
        justified_amount: Some(m("10000000")),
    }
}

#[test]
fn rule_19_fmf_major_defense_equipment_notice() {
    let t = Thresholds::current();
    let on = day(2011, 2, 1);
    // 20 percent above the justified quantity: 119 of 100 needs none, 120 and 121 do.
    assert!(assess(&commitment(119, Some(100), "5000000"), on, &t).is_none());
    let n = assess(&commitment(120, Some(100), "5000000"), on, &t).unwrap();
    assert_eq!(n.regime, Regime::Sfops7015);
    assert_eq!(n.earliest, day(2011, 2, 16));
    assert!(assess(&commitment(121, Some(100), "5000000"), on, &t).is_some());
    // Below 10 percent of the justified amount: exempt, a cent under; not at or over.
    assert!(assess(&commitment(1, None, "999999.99"), on, &t).is_none());
    assert!(assess(&commitment(1, None, "1000000.00"), on, &t).is_some());
    assert!(assess(&commitment(1, None, "1000000.01"), on, &t).is_some());
}

#[test]
fn rule_20_health_waiver_needs_notice_within_three_days() {
    let t = Thresholds::current();
    let acted = day(2011, 2, 1);
    let n = assess(&commitment(1, None, "5000000"), acted, &t).unwrap();
    assert!(n.waive_for_health(acted, day(2011, 2, 3), &t).is_ok());
    assert_eq!(
        n.waive_for_health(acted, day(2011, 2, 4), &t)
            .unwrap()
            .deadline,
        day(2011, 2, 4)
    );
    assert!(matches!(
        n.waive_for_health(acted, day(2011, 2, 5), &t),
        Err(WaiverError::NoticeLate { .. })
    ));
}

// ----- sales-case money -----

fn case_accepted(accepted: NaiveDate, spec: LineSpec, request: CaseRequest) -> Case {
    let mut case = Case::new(request);
    let start = accepted.pred_opt().unwrap().pred_opt().unwrap();
    case.begin_development(start).unwrap();
    case.add_line(start, spec).unwrap();
    case.offer(start, start, None, &Thresholds::current(), &AllowAll)
        .unwrap();
    case.accept(accepted).unwrap();
    case
}

fn request(id: &str, partner: &str, received: NaiveDate) -> CaseRequest {
    CaseRequest::new(
        id.parse().unwrap(),
        code(partner),
        received,
        TermsOfSale::CashWithAcceptance,
        Rounding::HalfEven,
    )
}

#[test]
fn the_small_case_line_applies_to_cases_accepted_2006_08_01_through_2012_07_02() {
    let scml = |accepted: NaiveDate| {
        let r = request("JO-B-SCM", "JOR", day(2006, 1, 2));
        let case = case_accepted(accepted, LineSpec::new("radios", 10, m("10000")), r);
        case.small_case_management_line().unwrap()
    };
    assert!(scml(day(2006, 7, 31)).is_zero());
    // 3.8 percent of $100,000.00 is $3,800.00; the line is the rest of $15,000.00.
    assert_eq!(scml(day(2006, 8, 1)), m("11200"));
    assert_eq!(scml(day(2006, 8, 2)), m("11200"));
    // 3.8 percent until 2012-10-31: the last day of the line, then none.
    assert_eq!(scml(day(2012, 7, 2)), m("11200"));
    assert!(scml(day(2012, 7, 3)).is_zero());
}

#[test]
fn a_reciprocal_agreement_exempts_contract_administration_and_transport_shows_its_source() {
    let mut r = request("AU-D-CAS", "AUS", day(2021, 1, 4));
    r.charges
        .contract_administration_exemptions
        .push(ContractAdministrationExemption {
            partner: code("AUS"),
            from: day(2021, 3, 1),
            to: None,
            basis: ContractAdministrationBasis::ReciprocalAgreement,
            source: "reciprocal agreement (test data)".to_owned(),
            confirmed: false,
        });
    let dtc = "4".parse().unwrap();
    r.charges.transportation.push(TransportationRow {
        from: day(2018, 8, 15),
        delivery_term: dtc,
        rate: "2.5".parse().unwrap(),
        source: "caller's DTC 4 rate (test data)".to_owned(),
        confirmed: false,
    });
    let spec = LineSpec::new("spares", 1, m("1000000"))
        .from_procurement()
        .delivered_under(dtc);
    let priced = |accepted| {
        let case = case_accepted(accepted, spec.clone(), r.clone());
        case.line_charges(case.lines()[0].number).unwrap()
    };
    let before = priced(day(2021, 2, 28));
    assert_eq!(before.contract_administration, m("10000"));
    assert_eq!(before.contract_administration_exemption, None);
    for on in [day(2021, 3, 1), day(2021, 3, 2)] {
        let exempt = priced(on);
        assert!(exempt.contract_administration.is_zero());
        assert_eq!(
            exempt.contract_administration_exemption,
            Some(ContractAdministrationBasis::ReciprocalAgreement)
        );
        assert_eq!(exempt.transportation, m("25000"));
        assert_eq!(
            exempt.transportation_source.as_deref(),
            Some("caller's DTC 4 rate (test data)")
        );
        assert!(!exempt.confirmed);
    }
}

/// A delivered case of $10,000.00 of radios accepted in 2015 (3.5 percent: $350.00 of
/// charges), with `deposited` collected and `disbursed` paid out.
fn delivered_case(deposited: &str, disbursed: &str) -> (Case, TrustFund) {
    let r = request("JO-B-CLS", "JOR", day(2015, 1, 5));
    let mut case = case_accepted(day(2015, 2, 2), LineSpec::new("radios", 10, m("1000")), r);
    let mut trust = TrustFund::new();
    trust
        .deposit(&case, day(2015, 2, 2), m(deposited), code("JOR"))
        .unwrap();
    case.implement(day(2015, 2, 3), ImplementationBasis::InitialDeposit, &trust)
        .unwrap();
    trust
        .disburse(&case, day(2015, 6, 1), m(disbursed))
        .unwrap();
    let line = case.lines()[0].number;
    case.complete_line(line, day(2015, 6, 30)).unwrap();
    (case, trust)
}

#[test]
fn closure_checks_billing_collections_and_refunds_the_balance() {
    let (case, trust) = delivered_case("11000", "10000");
    let line = case.lines()[0].number;
    // $10,000.00 of radios and a $350.00 surcharge: $10,350.00 billed.
    let billed = |amount: &str| {
        vec![LineBilling {
            line,
            billed: m(amount),
        }]
    };
    let mut c = case.clone();
    let mut t = trust.clone();
    assert!(matches!(
        c.close_reconciled(
            day(2016, 1, 4),
            &mut t,
            &billed("10349.99"),
            Some(Disposition::Refund)
        ),
        Err(SalesError::LineNotBilled { .. })
    ));
    assert_eq!((c.clone(), t.clone()), (case.clone(), trust.clone()));
    assert!(matches!(
        c.close_reconciled(day(2016, 1, 4), &mut t, &billed("10350"), None),
        Err(SalesError::DispositionRequired { .. })
    ));
    let statement = c
        .close_reconciled(
            day(2016, 1, 4),
            &mut t,
            &billed("10350"),
            Some(Disposition::Refund),
        )
        .unwrap();
    assert_eq!(c.state(), CaseState::Closed);
    assert_eq!(statement.collections, m("11000"));
    assert_eq!(statement.disbursements, m("10000"));
    assert_eq!(statement.charges, m("350"));
    assert_eq!(statement.billed, m("10350"));
    assert_eq!(statement.balance, m("650"));
    assert_eq!(t.case_refunds(case.id()).unwrap(), m("650"));
    // What stays in the account is the charges, collected for the surcharge accounts.
    assert_eq!(t.balance(code("JOR")).unwrap(), m("350"));
}

#[test]
fn a_case_in_arrears_stays_open() {
    // Collected the total, disbursed the total: the charges are not covered.
    let (case, mut trust) = delivered_case("10350", "10350");
    let line = case.lines()[0].number;
    let mut c = case.clone();
    let err = c
        .close_reconciled(
            day(2016, 1, 4),
            &mut trust,
            &[LineBilling {
                line,
                billed: m("10350"),
            }],
            None,
        )
        .unwrap_err();
    assert!(matches!(err, SalesError::ClosureArrears { .. }), "{err}");
    assert_eq!(c.state(), CaseState::SupplyComplete);
}

#[test]
fn interest_on_arrears_after_sixty_days() {
    let owed = m("73000");
    let rate = "2".parse().unwrap();
    let i = |paid| {
        interest_on_arrears(owed, day(2016, 3, 15), paid, rate, 60, Rounding::HalfEven).unwrap()
    };
    assert!(i(day(2016, 5, 14)).is_zero());
    // 61 days at 2 percent on $73,000.00: $244.00.
    assert_eq!(i(day(2016, 5, 15)), m("244"));
    assert_eq!(i(day(2016, 5, 16)), m("248"));
}

// ----- Building Partner Capacity cases obligate in the ledger -----

/// An O&M-like account for BPC cases, $5,000,000 allocated to Jordan on 2021-01-04.
fn bpc_ledger(allocated: Money) -> (security_assistance::budget::Ledger, BpcFunding) {
    use security_assistance::budget::{Action, AllocationKey, Apportionment, Ledger};
    let account = "097-2021/2022-0100".parse().unwrap();
    let key = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Sales,
        Some(code("JOR")),
    );
    let start = day(2021, 1, 4);
    let mut ledger = Ledger::allow_all();
    let actions = [
        Action::Appropriate {
            account,
            title: "Operation and Maintenance, Defense-Wide".into(),
            purposes: vec![ProgramKind::Sales],
            amount: m("5000000"),
            law: "P.L. 116-260".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: start },
            amount: m("5000000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("5000000"),
        },
        Action::Allocate {
            account,
            key: key.clone(),
            amount: allocated,
        },
    ];
    crate::support::apply_each(&mut ledger, "bpc-setup-", start, "budget", actions);
    (ledger, BpcFunding { account, key })
}

fn bpc_case(kind: CaseKind) -> Case {
    let mut r = request("JO-P-BPC", "JOR", day(2021, 1, 4));
    r.kind = kind;
    case_accepted(
        day(2021, 3, 1),
        LineSpec::new("patrol boats", 2, m("1000000")),
        r,
    )
}

#[test]
// The closure returns the library's own `Result<Receipt, SalesError>` unchanged.
#[allow(clippy::result_large_err)]
fn a_bpc_case_obligates_its_total_against_the_appropriation_that_funds_it() {
    let case = bpc_case(CaseKind::BuildingPartnerCapacity);
    let total = case.total().unwrap();
    let (base, funding) = bpc_ledger(m("5000000"));
    let obligate = |ledger: &mut security_assistance::budget::Ledger,
                    case: &Case,
                    funding: &BpcFunding,
                    date: NaiveDate| {
        let before = ledger.clone();
        let result = case.obligate_building_partner_capacity(
            ledger,
            funding,
            date,
            format!("OBL-{date}").parse().unwrap(),
            "dsca".parse().unwrap(),
        );
        if result.is_err() {
            assert_eq!(*ledger, before, "{result:?}");
        }
        result
    };
    // A sale is paid by its partner, not obligated.
    let mut l = base.clone();
    let sale = bpc_case(CaseKind::Sale);
    assert!(matches!(
        obligate(&mut l, &sale, &funding, day(2021, 3, 1)),
        Err(SalesError::NotBuildingPartnerCapacity { .. })
    ));
    // Not before acceptance: the day before is refused, naming both dates.
    assert_eq!(
        obligate(&mut l, &case, &funding, day(2021, 2, 28)).unwrap_err(),
        SalesError::ObligationBeforeAcceptance {
            case: case.id().clone(),
            date: day(2021, 2, 28),
            accepted: day(2021, 3, 1),
        }
    );
    // Not from another partner's allocation.
    let mut other = funding.clone();
    other.key.partner = Some(code("EGY"));
    assert!(matches!(
        obligate(&mut l, &case, &other, day(2021, 3, 1)),
        Err(SalesError::CrossPartner { .. })
    ));
    // The day of acceptance: the whole total is obligated as a sales case.
    let receipt = obligate(&mut l, &case, &funding, day(2021, 3, 1)).unwrap();
    assert!(!receipt.duplicate);
    let entry = l.journal().iter().last().unwrap();
    assert!(matches!(
        &entry.command.action,
        security_assistance::budget::Action::Obligate { amount, instrument, .. }
            if *amount == total && *instrument == security_assistance::budget::Instrument::SalesCase
    ));
    // Once only: the ledger refuses the same document again.
    assert!(matches!(
        obligate(&mut l, &case, &funding, day(2021, 3, 2)),
        Err(SalesError::Ledger(_))
    ));
    // An allocation a cent under the total is refused by the ledger; at the total it is not.
    let under = total.checked_sub(m("0.01")).unwrap();
    let (mut short, funding) = bpc_ledger(under);
    assert!(matches!(
        obligate(&mut short, &case, &funding, day(2021, 3, 1)),
        Err(SalesError::Ledger(_))
    ));
    let (mut exact, funding) = bpc_ledger(total);
    obligate(&mut exact, &case, &funding, day(2021, 3, 1)).unwrap();
    // Before acceptance, the state is named.
    let mut offered = Case::new({
        let mut r = request("JO-P-BPD", "JOR", day(2021, 1, 4));
        r.kind = CaseKind::BuildingPartnerCapacity;
        r
    });
    offered.begin_development(day(2021, 1, 5)).unwrap();
    let mut l = base.clone();
    assert!(matches!(
        obligate(&mut l, &offered, &funding, day(2021, 3, 1)),
        Err(SalesError::NotAccepted {
            state: CaseState::OfferInDevelopment,
            ..
        })
    ));
}

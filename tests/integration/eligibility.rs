//! Eligibility through the public API only (DOMAIN.md §6, §10 rules 37, 40, 47–53; issue 4):
//! every built-in rule allowing, prohibiting, waived and not waived, on the day before, of
//! and after each effective date; statutory exceptions; the properties of a decision; a
//! property test that irrelevant facts never change a decision; and the ledger's gate.
//!
//! Cuba's designation, rescission and re-designation dates are DOMAIN.md §6's; the Thai
//! coup date is the eligibility module's own example. Every other fact (the end of the
//! Thai restriction, arrears, listings, findings, units, sanctions, waivers) is
//! hypothetical test data, and says so where it is built.

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, BudgetError, Command, Funding,
    Instrument, Journal, Ledger, Receipt,
};
use security_assistance::eligibility::{
    Claim, Decision, Department, EligibilityCheck, EligibilityRequest, Engine, Evaluation, Fact,
    FactKind, Facts, Finding, FindingOutcome, Notice, Official, Outcome, Remediation,
    RequiredAction, Rule, RuleId, RuleSet, RuleTest, Stage, Subject, TipTier, Waiver, WaiverPolicy,
    WaiverRefusal, WaiverScope, WaiverStatus, evaluate,
};
use security_assistance::{Citation, CountryCode, Money, ProgramKind};

use crate::support::{Snapshot, assert_unchanged};

use ProgramKind as P;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn cc(code: &str) -> CountryCode {
    code.parse().unwrap()
}

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

fn source() -> Citation {
    Citation::new("test data", "1")
}

fn fact(partner: &str, kind: FactKind, from: &str, to: Option<&str>, recorded: &str) -> Fact {
    let f = Fact::new(cc(partner), kind, day(from), source(), day(recorded));
    match to {
        Some(to) => f.until(day(to)),
        None => f,
    }
}

fn request(partner: &str, program: ProgramKind, date: &str) -> EligibilityRequest {
    EligibilityRequest::new(cc(partner), program, day(date))
}

fn at(base: &EligibilityRequest, date: &str) -> EligibilityRequest {
    let mut r = base.clone();
    r.date = day(date);
    r
}

/// The built-in rules without their statutory start dates, for the tests below whose
/// historical examples predate a statute (the Child Soldiers Prevention Act took effect
/// 2009-06-21; these examples are from 2007 and 2008). They exercise the rule's mechanics;
/// the start dates themselves are tested in `programs_law` and `eligibility::builtin`.
fn undated() -> RuleSet {
    RuleSet::builtin()
        .rules()
        .iter()
        .cloned()
        .fold(RuleSet::builtin(), |set, rule| {
            set.with_rule(rule.in_force(None, None))
        })
}

fn decide_undated(facts: &Facts, request: &EligibilityRequest) -> Decision {
    evaluate(request, facts, &undated())
}

fn decide(facts: &Facts, request: &EligibilityRequest) -> Decision {
    evaluate(request, facts, &RuleSet::builtin())
}

fn store(facts: impl IntoIterator<Item = Fact>) -> Facts {
    facts.into_iter().collect()
}

fn with_waivers(mut facts: Facts, waivers: impl IntoIterator<Item = Waiver>) -> Facts {
    for w in waivers {
        facts.add_waiver(w);
    }
    facts
}

#[allow(clippy::too_many_arguments)]
fn waiver(
    id: &str,
    rule: &str,
    partner: &str,
    scope: WaiverScope,
    granted_by: Official,
    valid: (&str, Option<&str>),
    notice_given: Option<&str>,
    recorded: &str,
) -> Waiver {
    Waiver {
        id: id.to_owned(),
        rule: RuleId::new(rule.to_owned()),
        partner: cc(partner),
        scope,
        granted_by,
        provision: Citation::new("test provision", id.to_owned()),
        valid_from: day(valid.0),
        valid_to: valid.1.map(day),
        notice_given: notice_given.map(day),
        recorded: day(recorded),
    }
}

fn finding<'a>(decision: &'a Decision, rule: &str) -> &'a Finding {
    decision
        .findings()
        .iter()
        .find(|f| f.rule.as_str() == rule)
        .unwrap_or_else(|| panic!("no {rule} finding in {decision:#?}"))
}

fn has_finding(decision: &Decision, rule: &str) -> bool {
    decision.findings().iter().any(|f| f.rule.as_str() == rule)
}

fn rule_ids(decision: &Decision) -> Vec<&str> {
    decision
        .findings()
        .iter()
        .map(|f| f.rule.as_str())
        .collect()
}

/// A finding's outcome without its payload, for tables of expectations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    Allows,
    Prohibits,
    Exempt,
    Requires,
}

fn found(f: &Finding) -> Found {
    match &f.outcome {
        FindingOutcome::Allows => Found::Allows,
        FindingOutcome::Prohibits => Found::Prohibits,
        FindingOutcome::Exempt { .. } => Found::Exempt,
        FindingOutcome::Requires { .. } => Found::Requires,
        other => panic!("unexpected finding outcome {other:?}"),
    }
}

/// Checks `rule`'s finding and the overall outcome on each date. Only `rule`'s facts may be
/// in `facts`, so the overall outcome follows from that one finding.
fn walk(facts: &Facts, base: &EligibilityRequest, rule: &str, cases: &[(&str, Found)]) {
    walk_with(decide, facts, base, rule, cases);
}

fn walk_with(
    decide: fn(&Facts, &EligibilityRequest) -> Decision,
    facts: &Facts,
    base: &EligibilityRequest,
    rule: &str,
    cases: &[(&str, Found)],
) {
    for &(date, expected) in cases {
        let decision = decide(facts, &at(base, date));
        let f = finding(&decision, rule);
        assert_eq!(found(f), expected, "{rule} on {date}: {decision}");
        let overall = if expected == Found::Prohibits {
            Outcome::Ineligible
        } else {
            Outcome::Eligible
        };
        assert_eq!(decision.outcome(), overall, "{rule} on {date}: {decision}");
        if expected == Found::Prohibits {
            assert!(!f.facts.is_empty(), "a prohibition names its facts");
            assert_eq!(f.waiver, WaiverStatus::Missing);
        }
    }
}

fn refusals(decision: &Decision, rule: &str) -> Vec<WaiverRefusal> {
    match &finding(decision, rule).waiver {
        WaiverStatus::Refused { refusals } => refusals.iter().map(|(_, r)| r.clone()).collect(),
        other => panic!("{rule}: expected refused waivers, got {other:?}"),
    }
}

fn applied(decision: &Decision, rule: &str) -> String {
    assert_eq!(
        decision.outcome(),
        Outcome::EligibleUnderWaiver,
        "{decision}"
    );
    match &finding(decision, rule).waiver {
        WaiverStatus::Applied { waiver, .. } => waiver.clone(),
        other => panic!("{rule}: expected an applied waiver, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// brooke: SFOPS 7012, DOMAIN §10 rule 37
// ---------------------------------------------------------------------------------------

/// Hypothetical arrears: an installment due 2007-03-01, unpaid until 2009-06-15.
fn brooke_facts() -> Facts {
    store([fact(
        "ZWE",
        FactKind::LoanArrears {
            oldest_unpaid_due: day("2007-03-01"),
        },
        "2007-03-01",
        Some("2009-06-15"),
        "2007-03-05",
    )])
}

#[test]
fn brooke_one_calendar_year_and_effective_dates() {
    let facts = brooke_facts();
    let base = request("ZWE", P::Financing, "2008-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "brooke",
        &[
            // The arrears fact takes effect on the due date: not yet a year.
            ("2007-02-28", Allows),
            ("2007-03-01", Allows),
            ("2007-03-02", Allows),
            // Exactly one calendar year late is not "in excess of one calendar year".
            ("2008-02-29", Allows),
            ("2008-03-01", Allows),
            ("2008-03-02", Prohibits),
            ("2008-03-03", Prohibits),
            // Paid on 2009-06-15: the fact ends.
            ("2009-06-14", Prohibits),
            ("2009-06-15", Allows),
            ("2009-06-16", Allows),
        ],
    );
    // All SFOPS programs it governs, including democracy; not sales (no SFOPS funds).
    for program in [P::Training, P::Peacekeeping, P::Democracy] {
        let d = decide(&facts, &request("ZWE", program, "2008-03-02"));
        assert_eq!(d.outcome(), Outcome::Ineligible, "{program}");
    }
    let sales = decide(&facts, &request("ZWE", P::Sales, "2008-03-02"));
    assert!(!has_finding(&sales, "brooke"));
    assert_eq!(sales.outcome(), Outcome::Eligible);
    // Another partner is untouched.
    let jor = decide(&facts, &request("JOR", P::Financing, "2008-03-02"));
    assert_eq!(found(finding(&jor, "brooke")), Found::Allows);
}

#[test]
fn brooke_leap_day_installment() {
    // Due 2008-02-29: one calendar year later is 2009-02-28 (no 29th), so the first day
    // "more than one calendar year" past due is 2009-03-01. Our reading of the month
    // arithmetic; the statute does not address leap days.
    let facts = store([fact(
        "ZWE",
        FactKind::LoanArrears {
            oldest_unpaid_due: day("2008-02-29"),
        },
        "2008-02-29",
        None,
        "2008-03-01",
    )]);
    let base = request("ZWE", P::Financing, "2009-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "brooke",
        &[("2009-02-28", Allows), ("2009-03-01", Prohibits)],
    );
}

#[test]
fn brooke_waiver_by_the_president_only() {
    let president = waiver(
        "PD-2008-12",
        "brooke",
        "ZWE",
        WaiverScope::AllPrograms,
        Official::President,
        ("2008-04-01", Some("2009-04-01")),
        None,
        "2008-04-01",
    );
    let facts = with_waivers(brooke_facts(), [president]);
    let base = request("ZWE", P::Financing, "2008-05-01");
    let d = decide(&facts, &base);
    assert_eq!(applied(&d, "brooke"), "PD-2008-12");
    assert_eq!(
        finding(&d, "brooke").waiver,
        WaiverStatus::Applied {
            waiver: "PD-2008-12".to_owned(),
            granted_by: Official::President,
            provision: Citation::new("test provision", "PD-2008-12"),
            notice: None,
        }
    );
    assert!(
        d.explanation()
            .starts_with("eligible under waiver: financing for ZWE on 2008-05-01 is prohibited by the Brooke amendment (section 7012)"),
        "{d}"
    );
    assert!(
        d.explanation().ends_with(
            "; waived by the President under test provision section PD-2008-12 (PD-2008-12)"
        ),
        "{d}"
    );
    // The day before, of and after the waiver's validity dates.
    for (date, outcome) in [
        ("2008-03-31", Outcome::Ineligible),
        ("2008-04-01", Outcome::EligibleUnderWaiver),
        ("2008-04-02", Outcome::EligibleUnderWaiver),
        ("2009-03-31", Outcome::EligibleUnderWaiver),
        ("2009-04-01", Outcome::Ineligible),
        ("2009-04-02", Outcome::Ineligible),
    ] {
        assert_eq!(
            decide(&facts, &at(&base, date)).outcome(),
            outcome,
            "{date}"
        );
    }
    let outside = decide(&facts, &at(&base, "2009-04-01"));
    assert_eq!(
        refusals(&outside, "brooke"),
        [WaiverRefusal::NotInForce {
            valid_from: day("2008-04-01"),
            valid_to: Some(day("2009-04-01")),
        }]
    );

    // Granted by the wrong official: refused, and the decision says who may grant it.
    let secstate = waiver(
        "SS-1",
        "brooke",
        "ZWE",
        WaiverScope::AllPrograms,
        Official::SecretaryOfState,
        ("2008-04-01", None),
        None,
        "2008-04-01",
    );
    let facts = with_waivers(brooke_facts(), [secstate]);
    let d = decide(&facts, &base);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "brooke"),
        [WaiverRefusal::OfficialNotAllowed {
            granted_by: Official::SecretaryOfState,
            allowed: vec![Official::President],
        }]
    );
    assert!(
        d.explanation().ends_with(
            "; no waiver applies: waiver SS-1 granted by the Secretary of State, but only the President may waive it"
        ),
        "{d}"
    );
}

// ---------------------------------------------------------------------------------------
// coup-7008: SFOPS 7008, DOMAIN §10 rule 47
// ---------------------------------------------------------------------------------------

/// Thailand: coup of 2006-09-19; the certification that an elected government took office is
/// taken as 2008-02-06 (test data).
fn coup() -> Fact {
    fact(
        "THA",
        FactKind::MilitaryCoup,
        "2006-09-19",
        Some("2008-02-06"),
        "2006-09-20",
    )
}

/// Section 7008 says no funds "shall be obligated or expended": after a coup, payments on
/// grants obligated before it stop too, until the certification. The Brooke amendment
/// bars new assistance only; a default does not stop a payment on an earlier grant.
#[test]
fn a_coup_stops_disbursements_on_earlier_obligations_and_a_default_does_not() {
    let fmf: AccountSymbol = "011-2006/2007-1082".parse().unwrap();
    let key = |p: &str| AllocationKey::new("DSCA".parse().unwrap(), P::Financing, Some(cc(p)));
    let arrears = fact(
        "PAK",
        FactKind::LoanArrears {
            oldest_unpaid_due: day("2005-07-15"),
        },
        "2005-07-15",
        None,
        "2005-07-16",
    );
    let engine = Engine::new(store([coup(), arrears]), RuleSet::builtin());
    assert!(engine.checks_expenditures());
    let mut ledger = Ledger::new(Arc::new(engine));
    let mut n = 0;
    let mut run = |ledger: &mut Ledger, date: &str, action| {
        n += 1;
        ledger.apply(Command::new(
            format!("c{n}").parse().unwrap(),
            day(date),
            "dsca".parse().unwrap(),
            action,
        ))
    };
    let setup = [
        Action::Appropriate {
            account: fmf,
            title: "FMF".into(),
            purposes: vec![P::Financing],
            amount: money("1000"),
            law: "P.L. 109-102".into(),
        },
        Action::Apportion {
            account: fmf,
            category: Apportionment::ByPeriod {
                from: day("2005-10-01"),
            },
            amount: money("1000"),
        },
        Action::Allot {
            account: fmf,
            holder: "DSCA".parse().unwrap(),
            amount: money("1000"),
        },
        Action::Allocate {
            account: fmf,
            key: key("THA"),
            amount: money("500"),
        },
        Action::Obligate {
            account: fmf,
            document: "TH-GRANT".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key("THA") },
            amount: money("500"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    ];
    for action in setup {
        run(&mut ledger, "2006-01-10", action).unwrap();
    }
    // Pakistan's grant, obligated before its default passed one calendar year.
    for action in [
        Action::Allocate {
            account: fmf,
            key: key("PAK"),
            amount: money("300"),
        },
        Action::Obligate {
            account: fmf,
            document: "PK-GRANT".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key("PAK") },
            amount: money("300"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    ] {
        run(&mut ledger, "2006-07-10", action).unwrap();
    }
    let pay = |document: &str, amount: &str| Action::Disburse {
        account: fmf,
        document: document.parse().unwrap(),
        amount: money(amount),
    };
    run(&mut ledger, "2006-09-18", pay("TH-GRANT", "100")).unwrap();
    let before = Snapshot::of(&ledger);
    let err = run(&mut ledger, "2006-10-02", pay("TH-GRANT", "100")).unwrap_err();
    let BudgetError::Ineligible { decision } = &err else {
        panic!("expected a 7008 refusal, got {err:?}");
    };
    assert_eq!(decision.request().stage, Stage::Expenditure);
    assert_eq!(decision.outcome(), Outcome::Ineligible);
    assert_eq!(rule_ids(decision), ["coup-7008"]);
    assert!(
        decision
            .explanation()
            .starts_with("ineligible: an expenditure of financing funds for THA on 2006-10-02"),
        "{}",
        decision.explanation()
    );
    before.assert_same(&ledger, "a refusal changes nothing");
    // The default is past one calendar year (from 2006-07-16), yet payments go on.
    run(&mut ledger, "2006-10-02", pay("PK-GRANT", "300")).unwrap();
    // After the certification, the Thai grant is paid again; refunds never asked.
    run(&mut ledger, "2008-02-06", pay("TH-GRANT", "400")).unwrap();
    run(
        &mut ledger,
        "2008-03-01",
        Action::Refund {
            account: fmf,
            document: "TH-GRANT".parse().unwrap(),
            amount: money("50"),
        },
    )
    .unwrap();
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

#[test]
fn coup_from_the_coup_until_the_certification() {
    let facts = store([coup()]);
    let base = request("THA", P::Financing, "2007-03-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "coup-7008",
        &[
            ("2006-09-18", Allows),
            ("2006-09-19", Prohibits),
            ("2006-09-20", Prohibits),
            ("2008-02-05", Prohibits),
            ("2008-02-06", Allows),
            ("2008-02-07", Allows),
        ],
    );
    for program in [P::Training, P::Peacekeeping] {
        let d = decide(&facts, &request("THA", program, "2007-03-01"));
        assert_eq!(found(finding(&d, "coup-7008")), Prohibits, "{program}");
    }
    // Cash sales are not SFOPS-funded assistance: section 7008 does not govern them.
    let sales = decide(&facts, &request("THA", P::Sales, "2007-03-01"));
    assert!(!has_finding(&sales, "coup-7008"));
}

#[test]
fn coup_exact_explanation() {
    let facts = store([coup()]);
    let d = decide(&facts, &request("THA", P::Financing, "2007-03-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        d.explanation(),
        "ineligible: financing for THA on 2007-03-01 is prohibited by section 7008 since the coup of 2006-09-19; no waiver"
    );
    assert_eq!(d.to_string(), d.explanation());
}

#[test]
fn coup_democracy_assistance_is_exempt() {
    let facts = store([coup()]);
    let d = decide(&facts, &request("THA", P::Democracy, "2007-03-01"));
    assert_eq!(d.outcome(), Outcome::Eligible);
    let f = finding(&d, "coup-7008");
    match &f.outcome {
        FindingOutcome::Exempt { exception, action } => {
            assert!(exception.contains("democracy"), "{exception}");
            assert_eq!(*action, None);
        }
        other => panic!("expected an exemption, got {other:?}"),
    }
    assert_eq!(f.facts, [coup()]);
    assert_eq!(f.waiver, WaiverStatus::NotNeeded);
    // Without a coup the democracy finding is a plain allowance.
    let d = decide(&facts, &request("THA", P::Democracy, "2006-09-18"));
    assert_eq!(found(finding(&d, "coup-7008")), Found::Allows);
}

#[test]
fn coup_waiver_is_program_by_program() {
    let training = waiver(
        "SS-7008-T",
        "coup-7008",
        "THA",
        WaiverScope::Programs(vec![P::Training]),
        Official::SecretaryOfState,
        ("2007-01-01", None),
        None,
        "2007-01-01",
    );
    let facts = with_waivers(store([coup()]), [training]);
    let d = decide(&facts, &request("THA", P::Training, "2007-03-01"));
    assert_eq!(applied(&d, "coup-7008"), "SS-7008-T");
    // The same waiver does not lift the restriction for another program.
    let d = decide(&facts, &request("THA", P::Financing, "2007-03-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "coup-7008"),
        [WaiverRefusal::OtherProgram {
            covers: vec![P::Training],
        }]
    );
    assert!(
        d.explanation()
            .ends_with("; no waiver applies: waiver SS-7008-T covers only training"),
        "{d}"
    );

    // A blanket waiver is refused: section 7008 is waived program by program.
    let blanket = waiver(
        "SS-7008-ALL",
        "coup-7008",
        "THA",
        WaiverScope::AllPrograms,
        Official::SecretaryOfState,
        ("2007-01-01", None),
        None,
        "2007-01-01",
    );
    let facts = with_waivers(store([coup()]), [blanket]);
    let d = decide(&facts, &request("THA", P::Training, "2007-03-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "coup-7008"),
        [WaiverRefusal::ProgramScopeRequired]
    );
}

// ---------------------------------------------------------------------------------------
// child-soldiers: 22 U.S.C. 2370c-1, DOMAIN §10 rule 48
// ---------------------------------------------------------------------------------------

/// Hypothetical listing in the 2007 report.
fn cspa_listing() -> Fact {
    Fact::child_soldiers_listed(cc("COD"), 2007, source(), day("2007-06-12"))
}

#[test]
fn child_soldiers_report_year_covers_the_next_fiscal_year_only() {
    let listing = cspa_listing();
    assert_eq!(listing.effective_from, day("2007-10-01"));
    assert_eq!(listing.effective_to, Some(day("2008-10-01")));
    let facts = store([listing]);
    let base = request("COD", P::Financing, "2008-01-01");
    use Found::*;
    walk_with(
        decide_undated,
        &facts,
        &base,
        "child-soldiers",
        &[
            ("2007-09-30", Allows),
            ("2007-10-01", Prohibits),
            ("2007-10-02", Prohibits),
            ("2008-09-29", Prohibits),
            ("2008-09-30", Prohibits),
            ("2008-10-01", Allows),
            ("2008-10-02", Allows),
        ],
    );
    for program in [P::Training, P::Peacekeeping, P::ExcessArticles] {
        let mut r = request("COD", program, "2008-01-01");
        // Name a vetted unit so that the Leahy law does not ask for vetting.
        r.subjects = vec![Subject::Unit("1st Brigade".into())];
        let d = decide_undated(&facts, &r);
        assert_eq!(d.outcome(), Outcome::Ineligible, "{program}: {d}");
    }
    let democracy = decide_undated(&facts, &request("COD", P::Democracy, "2008-01-01"));
    assert!(!has_finding(&democracy, "child-soldiers"));
}

#[test]
fn child_soldiers_professionalization_exception() {
    let facts = store([cspa_listing()]);
    let exempt = |program, claims: Vec<Claim>| {
        let mut r = request("COD", program, "2008-01-01");
        r.claims = claims;
        r.subjects = vec![Subject::Unit("1st Brigade".into())];
        decide_undated(&facts, &r)
    };
    // IMET that professionalizes the military.
    let d = exempt(P::Training, vec![Claim::Professionalization]);
    assert_eq!(d.outcome(), Outcome::Eligible, "{d}");
    assert_eq!(found(finding(&d, "child-soldiers")), Found::Exempt);
    assert_eq!(finding(&d, "child-soldiers").facts, [cspa_listing()]);
    // Nonlethal supplies that professionalize it.
    let d = exempt(
        P::Financing,
        vec![Claim::Nonlethal, Claim::Professionalization],
    );
    assert_eq!(d.outcome(), Outcome::Eligible, "{d}");
    assert_eq!(found(finding(&d, "child-soldiers")), Found::Exempt);
    // Financing that is only nonlethal, or only claims professionalization, is not exempt;
    // nor is IMET that does not claim it.
    for (program, claims) in [
        (P::Financing, vec![Claim::Nonlethal]),
        (P::Financing, vec![Claim::Professionalization]),
        (P::Training, vec![]),
        (P::Training, vec![Claim::Nonlethal]),
    ] {
        let d = exempt(program, claims.clone());
        assert_eq!(d.outcome(), Outcome::Ineligible, "{program} {claims:?}");
    }
}

#[test]
fn child_soldiers_waiver_needs_notice_within_45_days() {
    let fy2008 = ("2007-10-01", Some("2008-10-01"));
    let with = |notice: Option<&str>| {
        with_waivers(
            store([cspa_listing()]),
            [waiver(
                "PD-2008-CSPA",
                "child-soldiers",
                "COD",
                WaiverScope::AllPrograms,
                Official::President,
                fy2008,
                notice,
                "2007-10-01",
            )],
        )
    };
    let base = request("COD", P::Financing, "2008-01-01");
    // 2007-10-01 + 45 days = 2007-11-15: notice on that day is in time, a day later is not.
    let d = decide_undated(&with(Some("2007-11-15")), &base);
    assert_eq!(applied(&d, "child-soldiers"), "PD-2008-CSPA");
    let d = decide_undated(&with(Some("2007-11-16")), &base);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "child-soldiers"),
        [WaiverRefusal::NoticeLate {
            due: day("2007-11-15"),
        }]
    );
    assert!(
        d.explanation().ends_with(
            "; no waiver applies: waiver PD-2008-CSPA notice to Congress was due by 2007-11-15"
        ),
        "{d}"
    );
    // With no notice yet, the waiver applies while the 45 days run, and not after.
    let silent = with(None);
    assert_eq!(
        decide_undated(&silent, &at(&base, "2007-11-15")).outcome(),
        Outcome::EligibleUnderWaiver
    );
    assert_eq!(
        decide_undated(&silent, &at(&base, "2007-11-16")).outcome(),
        Outcome::Ineligible
    );
    // The waiver is annual: it does not cover the next fiscal year's listing.
    let mut facts = with(Some("2007-10-15"));
    facts.add(Fact::child_soldiers_listed(
        cc("COD"),
        2008,
        source(),
        day("2008-06-04"),
    ));
    let d = decide_undated(&facts, &at(&base, "2008-10-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "child-soldiers"),
        [WaiverRefusal::NotInForce {
            valid_from: day("2007-10-01"),
            valid_to: Some(day("2008-10-01")),
        }]
    );
}

// ---------------------------------------------------------------------------------------
// trafficking-tier3: 22 U.S.C. 7107, DOMAIN §10 rule 49
// ---------------------------------------------------------------------------------------

/// Hypothetical Tier 3 ranking in the 2007 report.
fn tier3() -> Fact {
    Fact::trafficking_tier(cc("VEN"), 2007, TipTier::Tier3, source(), day("2007-06-12"))
}

#[test]
fn trafficking_tier3_covers_the_next_fiscal_year_only() {
    let listing = tier3();
    assert_eq!(listing.effective_from, day("2007-10-01"));
    assert_eq!(listing.effective_to, Some(day("2008-10-01")));
    let facts = store([listing]);
    let base = request("VEN", P::Financing, "2008-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "trafficking-tier3",
        &[
            ("2007-09-30", Allows),
            ("2007-10-01", Prohibits),
            ("2007-10-02", Prohibits),
            ("2008-09-30", Prohibits),
            ("2008-10-01", Allows),
            ("2008-10-02", Allows),
        ],
    );
    // Humanitarian assistance is not governed.
    let d = decide(&facts, &request("VEN", P::Humanitarian, "2008-01-01"));
    assert!(!has_finding(&d, "trafficking-tier3"));
    assert_eq!(d.outcome(), Outcome::Eligible);
    // Only Tier 3 restricts: a watch-list ranking does not.
    for tier in [TipTier::Tier1, TipTier::Tier2, TipTier::Tier2Watch] {
        let facts = store([Fact::trafficking_tier(
            cc("VEN"),
            2007,
            tier,
            source(),
            day("2007-06-12"),
        )]);
        let d = decide(&facts, &base);
        assert_eq!(found(finding(&d, "trafficking-tier3")), Allows, "{tier:?}");
    }
}

#[test]
fn trafficking_explanation_names_the_tier_in_words() {
    let d = decide(
        &store([tier3()]),
        &request("VEN", P::Financing, "2008-01-01"),
    );
    assert_eq!(
        d.explanation(),
        "ineligible: financing for VEN on 2008-01-01 is prohibited by the Trafficking Victims Protection Act (Tier 3) since the Tier 3 ranking in the 2007 trafficking report of 2007-10-01; no waiver"
    );
    for (tier, words) in [
        (TipTier::Tier1, "Tier 1"),
        (TipTier::Tier2, "Tier 2"),
        (TipTier::Tier2Watch, "Tier 2 Watch List"),
        (TipTier::Tier3, "Tier 3"),
    ] {
        let kind = FactKind::TraffickingTier {
            report_year: 2007,
            tier,
        };
        assert_eq!(
            kind.noun(),
            format!("{words} ranking in the 2007 trafficking report")
        );
    }
    let remedy = FactKind::HumanRightsRemediation {
        subject: unit(),
        remediation: Remediation::EffectiveSteps,
    };
    assert_eq!(
        remedy.noun(),
        "effective-steps determination for unit 3rd Infantry Battalion"
    );
}

#[test]
fn trafficking_waiver_by_program_and_in_force() {
    let pko = waiver(
        "PD-2008-TIP",
        "trafficking-tier3",
        "VEN",
        WaiverScope::Programs(vec![P::Peacekeeping]),
        Official::President,
        ("2007-10-01", Some("2008-01-01")),
        None,
        "2007-09-28",
    );
    let facts = with_waivers(store([tier3()]), [pko]);
    let d = decide(&facts, &request("VEN", P::Peacekeeping, "2007-12-31"));
    assert_eq!(applied(&d, "trafficking-tier3"), "PD-2008-TIP");
    let d = decide(&facts, &request("VEN", P::Financing, "2007-12-31"));
    assert_eq!(
        refusals(&d, "trafficking-tier3"),
        [WaiverRefusal::OtherProgram {
            covers: vec![P::Peacekeeping],
        }]
    );
    // Expired on 2008-01-01.
    let d = decide(&facts, &request("VEN", P::Peacekeeping, "2008-01-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "trafficking-tier3"),
        [WaiverRefusal::NotInForce {
            valid_from: day("2007-10-01"),
            valid_to: Some(day("2008-01-01")),
        }]
    );
    assert!(
        d.explanation().ends_with(
            "; no waiver applies: waiver PD-2008-TIP valid only from 2007-10-01 until 2008-01-01"
        ),
        "{d}"
    );
}

// ---------------------------------------------------------------------------------------
// state-sponsor: AECA 40 / FAA 620A, DOMAIN §10 rule 50
// ---------------------------------------------------------------------------------------

/// Cuba: designated 1982-03-01, rescinded 2015-05-29, re-designated 2021-01-12 (DOMAIN §6,
/// dates marked [M]).
fn cuba() -> Facts {
    store([
        fact(
            "CUB",
            FactKind::StateSponsorOfTerrorism,
            "1982-03-01",
            Some("2015-05-29"),
            "1982-03-01",
        ),
        fact(
            "CUB",
            FactKind::StateSponsorOfTerrorism,
            "2021-01-12",
            None,
            "2021-01-12",
        ),
    ])
}

#[test]
fn state_sponsor_designation_rescission_redesignation() {
    let facts = cuba();
    let base = request("CUB", P::Sales, "2000-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "state-sponsor",
        &[
            ("1982-02-28", Allows),
            ("1982-03-01", Prohibits),
            ("1982-03-02", Prohibits),
            ("2015-05-28", Prohibits),
            ("2015-05-29", Allows),
            ("2015-05-30", Allows),
            ("2021-01-11", Allows),
            ("2021-01-12", Prohibits),
            ("2021-01-13", Prohibits),
        ],
    );
    for program in [P::Financing, P::ExcessArticles, P::Leases] {
        let d = decide(&facts, &request("CUB", program, "2022-01-01"));
        assert_eq!(found(finding(&d, "state-sponsor")), Prohibits, "{program}");
    }
    // Rule 50: FMS, FMF, IMET, EDA and the DHS analog. Every department's funds.
    for department in [
        Department::State,
        Department::Defense,
        Department::HomelandSecurity,
    ] {
        let mut r = request("CUB", P::Training, "2022-01-01");
        r.department = department;
        r.subjects = vec![Subject::Unit("any".into())];
        let d = decide(&facts, &r);
        assert_eq!(
            found(finding(&d, "state-sponsor")),
            Prohibits,
            "{department:?}"
        );
        assert_eq!(d.outcome(), Outcome::Ineligible);
    }
}

#[test]
fn state_sponsor_governs_homeland_security_funds() {
    let mut r = request("CUB", P::Training, "2022-01-01");
    r.department = Department::HomelandSecurity;
    let d = decide(&cuba(), &r);
    // Only the rules that govern Homeland Security funds give findings.
    assert_eq!(rule_ids(&d), ["state-sponsor", "sanction"]);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        d.explanation(),
        "ineligible: training for CUB on 2022-01-01 is prohibited by the state sponsor of terrorism designation since the designation as a state sponsor of terrorism of 2021-01-12; no waiver"
    );
}

#[test]
fn state_sponsor_waiver_per_transaction_with_prior_notice() {
    let with = |notice: &str| {
        with_waivers(
            cuba(),
            [waiver(
                "PD-AECA40-1",
                "state-sponsor",
                "CUB",
                WaiverScope::Case("CU-D-AAA".into()),
                Official::President,
                ("2022-03-01", None),
                Some(notice),
                "2022-02-01",
            )],
        )
    };
    let mut base = request("CUB", P::Sales, "2022-03-10");
    base.document = Some("CU-D-AAA".into());
    // 15 days before 2022-03-01 is 2022-02-14.
    let d = decide(&with("2022-02-14"), &base);
    assert_eq!(applied(&d, "state-sponsor"), "PD-AECA40-1");
    let d = decide(&with("2022-02-15"), &base);
    assert_eq!(
        refusals(&d, "state-sponsor"),
        [WaiverRefusal::NoticeLate {
            due: day("2022-02-14"),
        }]
    );
    // Another case, or no case at all.
    let mut other = base.clone();
    other.document = Some("CU-D-AAB".into());
    for r in [
        other,
        at(&request("CUB", P::Sales, "2022-03-10"), "2022-03-10"),
    ] {
        let d = decide(&with("2022-02-14"), &r);
        assert_eq!(d.outcome(), Outcome::Ineligible);
        assert_eq!(
            refusals(&d, "state-sponsor"),
            [WaiverRefusal::OtherCase {
                case: "CU-D-AAA".into(),
            }]
        );
    }
}

// ---------------------------------------------------------------------------------------
// end-use-3c: AECA 3(c), DOMAIN §10 rule 51
// ---------------------------------------------------------------------------------------

/// Hypothetical finding of 2010-05-01, ceased (determination) 2011-02-01.
fn end_use() -> Fact {
    fact(
        "BRA",
        FactKind::EndUseViolation,
        "2010-05-01",
        Some("2011-02-01"),
        "2010-05-03",
    )
}

#[test]
fn end_use_violation_until_cessation() {
    let facts = store([end_use()]);
    use Found::*;
    for program in [P::Sales, P::Financing] {
        walk(
            &facts,
            &request("BRA", program, "2010-01-01"),
            "end-use-3c",
            &[
                ("2010-04-30", Allows),
                ("2010-05-01", Prohibits),
                ("2010-05-02", Prohibits),
                ("2011-01-31", Prohibits),
                ("2011-02-01", Allows),
                ("2011-02-02", Allows),
            ],
        );
    }
    // Cash sales, credits and guarantees only: training is not governed.
    let mut r = request("BRA", P::Training, "2010-06-01");
    r.subjects = vec![Subject::Unit("any".into())];
    let d = decide(&facts, &r);
    assert!(!has_finding(&d, "end-use-3c"));
    assert_eq!(d.outcome(), Outcome::Eligible);
}

#[test]
fn end_use_cannot_be_waived() {
    // AECA 3(c) has no waiver; its exit is the cessation determination (the fact's end,
    // tested above), so "a waiver that applies" is not possible for this rule.
    let w = waiver(
        "W-3C",
        "end-use-3c",
        "BRA",
        WaiverScope::AllPrograms,
        Official::President,
        ("2010-01-01", None),
        None,
        "2010-01-01",
    );
    let facts = with_waivers(store([end_use()]), [w]);
    let d = decide(&facts, &request("BRA", P::Sales, "2010-06-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(refusals(&d, "end-use-3c"), [WaiverRefusal::RuleNotWaivable]);
    assert_eq!(
        d.explanation(),
        "ineligible: sales for BRA on 2010-06-01 is prohibited by AECA section 3(c) since the end-use violation finding of 2010-05-01; no waiver applies: waiver W-3C the rule cannot be waived"
    );
}

// ---------------------------------------------------------------------------------------
// leahy-state: 22 U.S.C. 2378d, DOMAIN §10 rule 40
// ---------------------------------------------------------------------------------------

fn unit() -> Subject {
    Subject::Unit("3rd Infantry Battalion".into())
}

/// Hypothetical: credible information about a unit from 2005-06-01; the Secretary of State's
/// effective-steps report of 2009-01-15; the Secretary of Defense's corrective-steps
/// determination of 2010-03-01.
fn leahy_facts() -> Facts {
    store([
        fact(
            "COL",
            FactKind::GrossViolations { subject: unit() },
            "2005-06-01",
            None,
            "2005-06-03",
        ),
        fact(
            "COL",
            FactKind::HumanRightsRemediation {
                subject: unit(),
                remediation: Remediation::EffectiveSteps,
            },
            "2009-01-15",
            None,
            "2009-01-15",
        ),
        fact(
            "COL",
            FactKind::HumanRightsRemediation {
                subject: unit(),
                remediation: Remediation::CorrectiveSteps,
            },
            "2010-03-01",
            None,
            "2010-03-01",
        ),
    ])
}

fn leahy_request(department: Department, program: ProgramKind, date: &str) -> EligibilityRequest {
    let mut r = request("COL", program, date);
    r.department = department;
    r.subjects = vec![unit(), Subject::Individual("Capt. A. Example".into())];
    r
}

#[test]
fn leahy_state_unit_and_effective_steps() {
    let facts = leahy_facts();
    let base = leahy_request(Department::State, P::Training, "2006-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "leahy-state",
        &[
            ("2005-05-31", Allows),
            ("2005-06-01", Prohibits),
            ("2005-06-02", Prohibits),
            ("2009-01-14", Prohibits),
            // The effective-steps exception (22 U.S.C. 2378d(b)).
            ("2009-01-15", Exempt),
            ("2009-01-16", Exempt),
        ],
    );
    let d = decide(&facts, &at(&base, "2009-01-15"));
    // The exemption lists the information and the determination that answered it.
    let used: Vec<&FactKind> = finding(&d, "leahy-state")
        .facts
        .iter()
        .map(|f| &f.kind)
        .collect();
    assert_eq!(
        used,
        [
            &FactKind::GrossViolations { subject: unit() },
            &FactKind::HumanRightsRemediation {
                subject: unit(),
                remediation: Remediation::EffectiveSteps,
            },
        ]
    );
    match &finding(&d, "leahy-state").outcome {
        FindingOutcome::Exempt { exception, action } => {
            assert!(exception.contains("effective steps"), "{exception}");
            assert_eq!(*action, None);
        }
        other => panic!("{other:?}"),
    }
    // A State-funded request is not governed by the Defense law.
    assert!(!has_finding(&d, "leahy-defense"));
    // Another unit is not affected.
    let mut other = base.clone();
    other.subjects = vec![Subject::Unit("5th Brigade".into())];
    let d = decide(&facts, &at(&other, "2006-01-01"));
    assert_eq!(found(finding(&d, "leahy-state")), Allows);
    // An individual trainee with credible information against them.
    let trainee = Subject::Individual("Lt. B. Example".into());
    let facts = store([fact(
        "COL",
        FactKind::GrossViolations {
            subject: trainee.clone(),
        },
        "2005-06-01",
        None,
        "2005-06-01",
    )]);
    let mut r = request("COL", P::Training, "2006-01-01");
    r.subjects = vec![Subject::Unit("5th Brigade".into()), trainee];
    let d = decide(&facts, &r);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert!(d.explanation().contains("individual Lt. B. Example"), "{d}");
}

#[test]
fn leahy_remediation_does_not_cover_a_later_violation() {
    // Effective steps reported 2009-01-15 for the 2005 information; new credible
    // information about the same unit on 2011-04-01 needs its own determination.
    let mut facts = leahy_facts();
    facts.add(fact(
        "COL",
        FactKind::GrossViolations { subject: unit() },
        "2011-04-01",
        None,
        "2011-04-02",
    ));
    for department in [Department::State, Department::Defense] {
        let rule = match department {
            Department::Defense => "leahy-defense",
            _ => "leahy-state",
        };
        let base = leahy_request(department, P::Training, "2011-01-01");
        use Found::*;
        walk(
            &facts,
            &base,
            rule,
            &[
                ("2011-03-31", Exempt),
                ("2011-04-01", Prohibits),
                ("2011-04-02", Prohibits),
            ],
        );
        let d = decide(&facts, &at(&base, "2011-04-01"));
        // Both pieces of information are named.
        assert_eq!(finding(&d, rule).facts.len(), 2);
    }
}

/// One determination made after two pieces of information answers both, and the finding
/// names it once beside the two pieces.
#[test]
fn leahy_one_determination_answering_two_violations_is_named_once() {
    let mut facts = leahy_facts();
    facts.add(fact(
        "COL",
        FactKind::GrossViolations { subject: unit() },
        "2006-02-01",
        None,
        "2006-02-02",
    ));
    let d = decide(
        &facts,
        &leahy_request(Department::State, P::Training, "2009-01-15"),
    );
    let f = finding(&d, "leahy-state");
    assert!(matches!(f.outcome, FindingOutcome::Exempt { .. }), "{f:?}");
    let count = |violation: bool| {
        f.facts
            .iter()
            .filter(|fact| matches!(fact.kind, FactKind::GrossViolations { .. }) == violation)
            .count()
    };
    assert_eq!(count(true), 2, "{f:?}");
    assert_eq!(count(false), 1, "{f:?}");
}

#[test]
fn leahy_requires_vetting_for_training_with_no_subjects() {
    let facts = leahy_facts();
    for department in [Department::State, Department::Defense] {
        let mut r = request("COL", P::Training, "2006-01-01");
        r.department = department;
        let d = decide(&facts, &r);
        let rule = match department {
            Department::Defense => "leahy-defense",
            _ => "leahy-state",
        };
        assert_eq!(
            finding(&d, rule).outcome,
            FindingOutcome::Requires {
                action: RequiredAction::Vetting,
            }
        );
        assert_eq!(d.required_actions(), [&RequiredAction::Vetting]);
        // A required action does not by itself make the partner ineligible.
        assert_eq!(d.outcome(), Outcome::Eligible);
    }
    // Vetting is asked for training only; financing with no named unit is allowed.
    let d = decide(&facts, &request("COL", P::Financing, "2006-01-01"));
    assert_eq!(found(finding(&d, "leahy-state")), Found::Allows);
    assert!(d.required_actions().is_empty());
}

#[test]
fn leahy_state_cannot_be_waived() {
    let w = waiver(
        "W-LEAHY",
        "leahy-state",
        "COL",
        WaiverScope::AllPrograms,
        Official::SecretaryOfState,
        ("2005-01-01", None),
        None,
        "2005-01-01",
    );
    let facts = with_waivers(leahy_facts(), [w]);
    let d = decide(
        &facts,
        &leahy_request(Department::State, P::Training, "2006-01-01"),
    );
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "leahy-state"),
        [WaiverRefusal::RuleNotWaivable]
    );
}

// ---------------------------------------------------------------------------------------
// leahy-defense: 10 U.S.C. 362, DOMAIN §10 rule 52
// ---------------------------------------------------------------------------------------

fn report_within_15() -> RequiredAction {
    RequiredAction::Notice {
        notice: Notice::Within(15),
    }
}

#[test]
fn leahy_defense_corrective_steps_with_report() {
    let facts = leahy_facts();
    let base = leahy_request(Department::Defense, P::Training, "2006-01-01");
    use Found::*;
    walk(
        &facts,
        &base,
        "leahy-defense",
        &[
            ("2005-05-31", Allows),
            ("2005-06-01", Prohibits),
            ("2005-06-02", Prohibits),
            // The State effective-steps report is not the Defense exception.
            ("2009-01-15", Prohibits),
            ("2010-02-28", Prohibits),
            ("2010-03-01", Exempt),
            ("2010-03-02", Exempt),
        ],
    );
    let d = decide(&facts, &at(&base, "2010-03-01"));
    // A Defense-funded request is governed by the Defense law, not the State one.
    assert!(has_finding(&d, "leahy-defense"));
    assert!(!has_finding(&d, "leahy-state"));
    match &finding(&d, "leahy-defense").outcome {
        FindingOutcome::Exempt { exception, action } => {
            assert!(exception.contains("corrective steps"), "{exception}");
            assert_eq!(*action, Some(report_within_15()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(d.required_actions(), [&report_within_15()]);
}

#[test]
fn leahy_defense_emergency_exception_with_report() {
    let facts = leahy_facts();
    let mut r = leahy_request(Department::Defense, P::ExcessArticles, "2007-01-01");
    assert_eq!(decide(&facts, &r).outcome(), Outcome::Ineligible);
    r.claims = vec![Claim::Emergency];
    let d = decide(&facts, &r);
    assert_eq!(d.outcome(), Outcome::Eligible, "{d}");
    let f = finding(&d, "leahy-defense");
    assert_eq!(found(f), Found::Exempt);
    assert_eq!(f.facts.len(), 1);
    assert_eq!(d.required_actions(), [&report_within_15()]);
    // The emergency exception is the Defense law's; the State law has none.
    let mut state = leahy_request(Department::State, P::ExcessArticles, "2007-01-01");
    state.claims = vec![Claim::Emergency];
    assert_eq!(decide(&facts, &state).outcome(), Outcome::Ineligible);
}

#[test]
fn leahy_defense_waiver_by_the_secretary_of_defense() {
    let secdef = |recorded: &str, notice: Option<&str>| {
        waiver(
            "SECDEF-362-1",
            "leahy-defense",
            "COL",
            WaiverScope::Case("CO-B-UAA".into()),
            Official::SecretaryOfDefense,
            ("2007-06-01", None),
            notice,
            recorded,
        )
    };
    let mut r = leahy_request(Department::Defense, P::Training, "2007-06-05");
    r.document = Some("CO-B-UAA".into());
    let facts = with_waivers(leahy_facts(), [secdef("2007-06-01", Some("2007-06-10"))]);
    let d = decide(&facts, &r);
    assert_eq!(applied(&d, "leahy-defense"), "SECDEF-362-1");
    // Decided as known on a day before the waiver was recorded: not yet known.
    let facts = with_waivers(leahy_facts(), [secdef("2007-06-05", Some("2007-06-10"))]);
    let mut early = r.clone();
    early.known_on = Some(day("2007-06-04"));
    let d = decide(&facts, &early);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        refusals(&d, "leahy-defense"),
        [WaiverRefusal::NotYetKnown {
            recorded: day("2007-06-05"),
        }]
    );
    early.known_on = Some(day("2007-06-05"));
    assert_eq!(
        decide(&facts, &early).outcome(),
        Outcome::EligibleUnderWaiver
    );
    // The report is due within 15 days: 2007-06-16 is late.
    let facts = with_waivers(leahy_facts(), [secdef("2007-06-01", Some("2007-06-17"))]);
    let d = decide(&facts, &r);
    assert_eq!(
        refusals(&d, "leahy-defense"),
        [WaiverRefusal::NoticeLate {
            due: day("2007-06-16"),
        }]
    );
    // The Secretary of State cannot waive the Defense law.
    let mut by_state = secdef("2007-06-01", Some("2007-06-10"));
    by_state.granted_by = Official::SecretaryOfState;
    let facts = with_waivers(leahy_facts(), [by_state]);
    let d = decide(&facts, &r);
    assert_eq!(
        refusals(&d, "leahy-defense"),
        [WaiverRefusal::OfficialNotAllowed {
            granted_by: Official::SecretaryOfState,
            allowed: vec![Official::SecretaryOfDefense],
        }]
    );
}

// ---------------------------------------------------------------------------------------
// sanction
// ---------------------------------------------------------------------------------------

/// Hypothetical arms embargo covering sales, excess articles and leases, 2011-02-26 until
/// 2013-01-01.
fn embargo() -> Fact {
    fact(
        "LBY",
        FactKind::Sanction {
            name: "arms embargo".into(),
            programs: vec![P::Sales, P::ExcessArticles, P::Leases],
        },
        "2011-02-26",
        Some("2013-01-01"),
        "2011-02-27",
    )
}

#[test]
fn sanction_covers_the_programs_it_names() {
    let facts = store([embargo()]);
    use Found::*;
    walk(
        &facts,
        &request("LBY", P::Sales, "2012-01-01"),
        "sanction",
        &[
            ("2011-02-25", Allows),
            ("2011-02-26", Prohibits),
            ("2011-02-27", Prohibits),
            ("2012-12-31", Prohibits),
            ("2013-01-01", Allows),
            ("2013-01-02", Allows),
        ],
    );
    // A program the sanction does not name.
    let d = decide(&facts, &request("LBY", P::Humanitarian, "2012-01-01"));
    assert_eq!(found(finding(&d, "sanction")), Allows);
    // Every department's funds.
    let mut r = request("LBY", P::Leases, "2012-01-01");
    r.department = Department::HomelandSecurity;
    assert_eq!(decide(&facts, &r).outcome(), Outcome::Ineligible);
    let d = decide(&facts, &request("LBY", P::Sales, "2012-01-01"));
    assert!(
        d.explanation().contains(
            "prohibited by a general sanction since the sanction arms embargo of 2011-02-26"
        ),
        "{d}"
    );
}

#[test]
fn sanction_cannot_be_waived() {
    let w = waiver(
        "W-EMB",
        "sanction",
        "LBY",
        WaiverScope::AllPrograms,
        Official::President,
        ("2011-01-01", None),
        None,
        "2011-01-01",
    );
    let facts = with_waivers(store([embargo()]), [w]);
    let d = decide(&facts, &request("LBY", P::Sales, "2012-01-01"));
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(refusals(&d, "sanction"), [WaiverRefusal::RuleNotWaivable]);
}

// ---------------------------------------------------------------------------------------
// Decision properties (DOMAIN §10 rule 53)
// ---------------------------------------------------------------------------------------

#[test]
fn decision_lists_every_applicable_rule_with_citation_and_facts() {
    let facts = store([coup()]);
    let r = request("THA", P::Financing, "2007-03-01");
    let d = decide_undated(&facts, &r);
    assert_eq!(d.request(), &r);
    // Every built-in rule that governs State-funded financing, in rule-set order.
    assert_eq!(
        rule_ids(&d),
        [
            "brooke",
            "coup-7008",
            "child-soldiers",
            "trafficking-tier3",
            "state-sponsor",
            "end-use-3c",
            "leahy-state",
            "sanction",
        ]
    );
    let rules = undated();
    for f in d.findings() {
        let rule = rules.rules().iter().find(|r| r.id() == &f.rule).unwrap();
        assert_eq!(&f.citation, rule.citation(), "{}", f.rule);
        assert_eq!(f.title, rule.title(), "{}", f.rule);
        if f.rule.as_str() == "coup-7008" {
            assert_eq!(f.outcome, FindingOutcome::Prohibits);
            assert_eq!(f.facts, [coup()]);
            assert_eq!(f.citation.section(), "7008");
            assert_eq!(f.waiver, WaiverStatus::Missing);
            assert!(f.blocks());
        } else {
            assert_eq!(f.outcome, FindingOutcome::Allows, "{}", f.rule);
            assert!(f.facts.is_empty());
            assert_eq!(f.waiver, WaiverStatus::NotNeeded);
            assert!(!f.blocks());
        }
    }
    // Two prohibitions are both explained.
    let mut facts = store([coup()]);
    facts.add(fact(
        "THA",
        FactKind::EndUseViolation,
        "2006-01-01",
        None,
        "2006-01-01",
    ));
    let d = decide_undated(&facts, &r);
    assert_eq!(
        d.explanation(),
        "ineligible: financing for THA on 2007-03-01 is prohibited by section 7008 since the coup of 2006-09-19; no waiver, and prohibited by AECA section 3(c) since the end-use violation finding of 2006-01-01; no waiver"
    );
    // A waiver for one of two prohibitions leaves the partner ineligible.
    let w = waiver(
        "SS-7008-F",
        "coup-7008",
        "THA",
        WaiverScope::Programs(vec![P::Financing]),
        Official::SecretaryOfState,
        ("2007-01-01", None),
        None,
        "2007-01-01",
    );
    let d = decide_undated(&with_waivers(facts, [w]), &r);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert!(!finding(&d, "coup-7008").blocks());
    assert!(finding(&d, "end-use-3c").blocks());
}

#[test]
fn decision_explains_an_allowance_with_the_rule_set() {
    let d = decide_undated(&Facts::new(), &request("JOR", P::Financing, "2008-01-15"));
    assert_eq!(d.outcome(), Outcome::Eligible);
    assert_eq!(
        d.explanation(),
        format!(
            "eligible: financing for JOR on 2008-01-15 is allowed; 8 applicable rules of rule set {} found no prohibition",
            RuleSet::builtin().version()
        )
    );
    let one = RuleSet::new("one-1").with_rule(Rule::new(
        RuleId::new("no-cooperation-under-sanction"),
        "the cooperation policy",
        Citation::new("Agency policy", "13"),
        vec![P::Financing],
        NoCooperationUnderSanction,
    ));
    let d = evaluate(
        &request("JOR", P::Financing, "2008-01-15"),
        &Facts::new(),
        &one,
    );
    assert_eq!(
        d.explanation(),
        "eligible: financing for JOR on 2008-01-15 is allowed; 1 applicable rule of rule set one-1 found no prohibition"
    );
    let d = evaluate(
        &request("JOR", P::Financing, "2008-01-15"),
        &Facts::new(),
        &RuleSet::new("empty-1"),
    );
    assert!(d.findings().is_empty());
    assert_eq!(
        d.explanation(),
        "eligible: financing for JOR on 2008-01-15 is allowed; 0 applicable rules of rule set empty-1 found no prohibition"
    );
}

#[test]
fn rule_set_version_travels_in_the_decision() {
    let r = request("THA", P::Financing, "2007-03-01");
    let facts = store([coup()]);
    let builtin = evaluate(&r, &facts, &RuleSet::builtin());
    assert_eq!(builtin.rule_set(), RuleSet::builtin().version());
    assert!(!builtin.rule_set().is_empty());
    let mine = RuleSet::builtin().with_version("agency-2026-1");
    let d = evaluate(&r, &facts, &mine);
    assert_eq!(d.rule_set(), "agency-2026-1");
    // Same findings, different version: different decisions.
    assert_eq!(d.findings(), builtin.findings());
    assert_ne!(d, builtin);
    let back: Decision = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(back.rule_set(), "agency-2026-1");
}

/// A custom rule: an agency policy capping leases at $1,000,000 per request, citing its own
/// authority, waivable by the Secretary of Defense for one case.
#[derive(Debug)]
struct LeaseCap;

impl RuleTest for LeaseCap {
    fn evaluate(&self, request: &EligibilityRequest, _facts: &[&Fact]) -> Evaluation {
        match request.amount {
            Some(amount) if amount > money("1000000") => Evaluation::Prohibits { facts: vec![] },
            Some(_) => Evaluation::Allows,
            None => Evaluation::Requires {
                action: RequiredAction::Notice {
                    notice: Notice::Before(30),
                },
            },
        }
    }
}

/// A custom rule that reads the facts: no technology cooperation while the partner has any
/// sanction in force, whatever it names.
#[derive(Debug)]
struct NoCooperationUnderSanction;

impl RuleTest for NoCooperationUnderSanction {
    fn evaluate(&self, _request: &EligibilityRequest, facts: &[&Fact]) -> Evaluation {
        let used: Vec<Fact> = facts
            .iter()
            .filter(|f| matches!(f.kind, FactKind::Sanction { .. }))
            .map(|f| (*f).clone())
            .collect();
        if used.is_empty() {
            Evaluation::Allows
        } else {
            Evaluation::Prohibits { facts: used }
        }
    }
}

fn lease_cap() -> Rule {
    Rule::new(
        RuleId::new("lease-cap"),
        "the agency lease cap",
        Citation::new("Agency policy", "12").with_paragraph("(b)"),
        vec![P::Leases],
        LeaseCap,
    )
    .for_departments(vec![Department::Defense])
    .waivable(WaiverPolicy {
        officials: vec![Official::SecretaryOfDefense],
        per_program: false,
        notice: None,
    })
}

#[test]
fn custom_rules_can_be_added_and_builtin_ones_removed() {
    let rules = RuleSet::builtin()
        .with_version("agency-2026-2")
        .with_rule(lease_cap())
        .with_rule(Rule::new(
            RuleId::new("no-cooperation-under-sanction"),
            "the cooperation policy",
            Citation::new("Agency policy", "13"),
            vec![P::TechnologyCooperation],
            NoCooperationUnderSanction,
        ));
    assert_eq!(rules.rules().len(), RuleSet::builtin().rules().len() + 2);
    let mut r = request("JOR", P::Leases, "2008-01-15");
    r.department = Department::Defense;
    r.amount = Some(money("1000000.01"));
    let d = evaluate(&r, &Facts::new(), &rules);
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(rule_ids(&d).last(), Some(&"lease-cap"));
    assert_eq!(
        finding(&d, "lease-cap").citation.to_string(),
        "Agency policy section 12(b)"
    );
    assert_eq!(
        d.explanation(),
        "ineligible: leases for JOR on 2008-01-15 is prohibited by the agency lease cap; no waiver"
    );
    r.amount = Some(money("1000000"));
    assert_eq!(
        evaluate(&r, &Facts::new(), &rules).outcome(),
        Outcome::Eligible
    );
    // A custom rule can require an action.
    r.amount = None;
    let d = evaluate(&r, &Facts::new(), &rules);
    assert_eq!(
        d.required_actions(),
        [&RequiredAction::Notice {
            notice: Notice::Before(30),
        }]
    );
    // ... and be waived under its own policy, for one case.
    r.amount = Some(money("2000000"));
    r.document = Some("JO-D-LAA".into());
    let facts = with_waivers(
        Facts::new(),
        [waiver(
            "SECDEF-LEASE-1",
            "lease-cap",
            "JOR",
            WaiverScope::Case("JO-D-LAA".into()),
            Official::SecretaryOfDefense,
            ("2008-01-01", None),
            None,
            "2008-01-01",
        )],
    );
    assert_eq!(
        applied(&evaluate(&r, &facts, &rules), "lease-cap"),
        "SECDEF-LEASE-1"
    );
    r.document = Some("JO-D-LAB".into());
    assert_eq!(
        refusals(&evaluate(&r, &facts, &rules), "lease-cap"),
        [WaiverRefusal::OtherCase {
            case: "JO-D-LAA".into(),
        }]
    );
    // A custom rule reading the facts, including a sanction that names other programs.
    let facts = store([embargo()]);
    let d = evaluate(
        &request("LBY", P::TechnologyCooperation, "2012-01-01"),
        &facts,
        &rules,
    );
    assert_eq!(d.outcome(), Outcome::Ineligible);
    assert_eq!(
        finding(&d, "no-cooperation-under-sanction").facts,
        [embargo()]
    );
    assert_eq!(found(finding(&d, "sanction")), Found::Allows);

    // Removing a built-in rule.
    let without = RuleSet::builtin().without_rule("coup-7008");
    assert_eq!(without.rules().len(), RuleSet::builtin().rules().len() - 1);
    let d = evaluate(
        &request("THA", P::Financing, "2007-03-01"),
        &store([coup()]),
        &without,
    );
    assert_eq!(d.outcome(), Outcome::Eligible);
    assert!(!has_finding(&d, "coup-7008"));
    // Replacing a built-in rule keeps one rule of that id.
    let replaced = RuleSet::builtin().with_rule(Rule::new(
        RuleId::new("coup-7008"),
        "section 7008 as the agency reads it",
        Citation::new("Agency policy", "7008"),
        vec![P::Sales],
        NoCooperationUnderSanction,
    ));
    assert_eq!(replaced.rules().len(), RuleSet::builtin().rules().len());
    let d = evaluate(
        &request("THA", P::Financing, "2007-03-01"),
        &store([coup()]),
        &replaced,
    );
    assert!(!has_finding(&d, "coup-7008"));
}

/// Decisions of every shape: ineligible with refusals, under waiver, exempt with a required
/// report, requiring vetting, eligible, and with a custom rule.
fn sample_decisions() -> Vec<Decision> {
    let coup_waivers = with_waivers(
        store([coup()]),
        [
            waiver(
                "SS-7008-T",
                "coup-7008",
                "THA",
                WaiverScope::Programs(vec![P::Training]),
                Official::SecretaryOfState,
                ("2007-01-01", Some("2008-01-01")),
                Some("2007-01-02"),
                "2007-01-01",
            ),
            waiver(
                "SS-7008-ALL",
                "coup-7008",
                "THA",
                WaiverScope::AllPrograms,
                Official::SecretaryOfState,
                ("2007-01-01", None),
                None,
                "2007-01-01",
            ),
        ],
    );
    let mut emergency = leahy_request(Department::Defense, P::ExcessArticles, "2007-01-01");
    emergency.claims = vec![Claim::Emergency];
    emergency.amount = Some(money("12345.67"));
    emergency.known_on = Some(day("2008-01-01"));
    emergency.document = Some("CO-B-UAB".into());
    let mut lease = request("JOR", P::Leases, "2008-01-15");
    lease.department = Department::Defense;
    vec![
        decide(&coup_waivers, &request("THA", P::Financing, "2007-03-01")),
        decide(&coup_waivers, &request("THA", P::Training, "2007-03-01")),
        decide(&leahy_facts(), &emergency),
        decide(&leahy_facts(), &request("COL", P::Training, "2006-01-01")),
        decide(
            &store([tier3(), cspa_listing()]),
            &request("VEN", P::Financing, "2008-01-01"),
        ),
        decide(&store([embargo()]), &request("LBY", P::Sales, "2012-01-01")),
        decide(&Facts::new(), &request("JOR", P::Financing, "2008-01-15")),
        evaluate(
            &lease,
            &Facts::new(),
            &RuleSet::builtin().with_rule(lease_cap()),
        ),
    ]
}

#[test]
fn decisions_serialize_and_deserialize_to_an_equal_value() {
    for d in sample_decisions() {
        let json = serde_json::to_string(&d).unwrap();
        let back: Decision = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d, "{json}");
        assert_eq!(back.explanation(), d.explanation());
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }
    // The fact store round-trips too, waivers included.
    let facts = with_waivers(
        store([coup(), tier3(), cspa_listing(), embargo(), end_use()]),
        [waiver(
            "PD-1",
            "brooke",
            "ZWE",
            WaiverScope::Case("X".into()),
            Official::President,
            ("2008-01-01", None),
            None,
            "2008-01-01",
        )],
    );
    let json = serde_json::to_string(&facts).unwrap();
    let back: Facts = serde_json::from_str(&json).unwrap();
    assert_eq!(back, facts);
    assert_eq!(serde_json::to_string(&back).unwrap(), json);
}

#[test]
fn same_inputs_same_decision() {
    let again = sample_decisions();
    assert_eq!(again, sample_decisions());
    // Through an Engine as through evaluate.
    let facts = store([coup()]);
    let engine = Engine::new(facts.clone(), RuleSet::builtin());
    let r = request("THA", P::Financing, "2007-03-01");
    assert_eq!(engine.decide(&r), evaluate(&r, &facts, &RuleSet::builtin()));
    assert_eq!(engine.decide(&r), engine.decide(&r));
}

#[test]
fn as_known_on_excludes_facts_recorded_later() {
    // The coup took effect 2006-09-19 and was recorded 2006-09-20.
    let facts = store([coup()]);
    let mut r = request("THA", P::Financing, "2006-09-19");
    for (known_on, outcome) in [
        (Some("2006-09-19"), Outcome::Eligible),
        (Some("2006-09-20"), Outcome::Ineligible),
        (Some("2006-09-21"), Outcome::Ineligible),
        (None, Outcome::Ineligible),
    ] {
        r.known_on = known_on.map(day);
        let d = decide(&facts, &r);
        assert_eq!(d.outcome(), outcome, "known on {known_on:?}");
        if outcome == Outcome::Eligible {
            assert_eq!(found(finding(&d, "coup-7008")), Found::Allows);
        }
    }
    // A fact recorded later than the date it takes effect is still dated by its effect.
    let late = store([fact(
        "THA",
        FactKind::MilitaryCoup,
        "2006-09-19",
        None,
        "2006-12-01",
    )]);
    r.date = day("2006-10-01");
    r.known_on = Some(day("2006-11-30"));
    assert_eq!(decide(&late, &r).outcome(), Outcome::Eligible);
    r.known_on = Some(day("2006-12-01"));
    assert_eq!(decide(&late, &r).outcome(), Outcome::Ineligible);
}

// ---------------------------------------------------------------------------------------
// Property: irrelevant facts never change a decision
// ---------------------------------------------------------------------------------------

const EPOCH: &str = "2000-01-01";

fn offset(days: u32) -> NaiveDate {
    day(EPOCH)
        .checked_add_days(Days::new(u64::from(days)))
        .unwrap()
}

fn arb_subject() -> impl Strategy<Value = Subject> {
    prop_oneof![
        Just(Subject::Unit("1st Brigade".into())),
        Just(Subject::Unit("2nd Brigade".into())),
        Just(Subject::Individual("A. Example".into())),
    ]
}

fn arb_program() -> impl Strategy<Value = ProgramKind> {
    proptest::sample::select(P::ALL.to_vec())
}

fn arb_kind() -> impl Strategy<Value = FactKind> {
    prop_oneof![
        Just(FactKind::StateSponsorOfTerrorism),
        Just(FactKind::MilitaryCoup),
        (2000..2014i32).prop_map(|report_year| FactKind::ChildSoldiersListed { report_year }),
        (
            2000..2014i32,
            proptest::sample::select(vec![
                TipTier::Tier1,
                TipTier::Tier2,
                TipTier::Tier2Watch,
                TipTier::Tier3
            ])
        )
            .prop_map(|(report_year, tier)| FactKind::TraffickingTier { report_year, tier }),
        (0..5000u32).prop_map(|o| FactKind::LoanArrears {
            oldest_unpaid_due: offset(o)
        }),
        Just(FactKind::EndUseViolation),
        arb_subject().prop_map(|subject| FactKind::GrossViolations { subject }),
        (
            arb_subject(),
            prop_oneof![
                Just(Remediation::EffectiveSteps),
                Just(Remediation::CorrectiveSteps)
            ]
        )
            .prop_map(|(subject, remediation)| FactKind::HumanRightsRemediation {
                subject,
                remediation
            }),
        proptest::collection::vec(arb_program(), 0..4).prop_map(|programs| FactKind::Sanction {
            name: "embargo".into(),
            programs
        }),
    ]
}

/// A fact about `partner`: kind, effective from, optional length, recorded.
fn arb_fact(partner: CountryCode) -> impl Strategy<Value = Fact> {
    (
        arb_kind(),
        0..5000u32,
        proptest::option::of(1..2000u32),
        0..5500u32,
    )
        .prop_map(move |(kind, from, len, recorded)| Fact {
            partner,
            kind,
            effective_from: offset(from),
            effective_to: len.map(|l| offset(from + l)),
            citation: source(),
            recorded: offset(recorded),
        })
}

fn rule_names() -> Vec<&'static str> {
    vec![
        "brooke",
        "coup-7008",
        "child-soldiers",
        "trafficking-tier3",
        "state-sponsor",
        "end-use-3c",
        "leahy-state",
        "leahy-defense",
        "sanction",
    ]
}

fn arb_waiver(partner: CountryCode) -> impl Strategy<Value = Waiver> {
    (
        proptest::sample::select(rule_names()),
        prop_oneof![
            Just(WaiverScope::AllPrograms),
            proptest::collection::vec(arb_program(), 1..3).prop_map(WaiverScope::Programs),
            Just(WaiverScope::Case("DOC-A".into())),
        ],
        proptest::sample::select(vec![
            Official::President,
            Official::SecretaryOfState,
            Official::SecretaryOfDefense,
        ]),
        0..5000u32,
        proptest::option::of(1..2000u32),
        proptest::option::of(0..5500u32),
        0..5500u32,
    )
        .prop_map(
            move |(rule, scope, granted_by, from, len, notice, recorded)| Waiver {
                id: format!("W-{rule}-{from}"),
                rule: RuleId::new(rule),
                partner,
                scope,
                granted_by,
                provision: source(),
                valid_from: offset(from),
                valid_to: len.map(|l| offset(from + l)),
                notice_given: notice.map(offset),
                recorded: offset(recorded),
            },
        )
}

fn arb_request(partner: CountryCode) -> impl Strategy<Value = EligibilityRequest> {
    (
        arb_program(),
        proptest::sample::select(vec![
            Department::State,
            Department::Defense,
            Department::HomelandSecurity,
        ]),
        100..5400u32,
        proptest::option::of(0..5500u32),
        proptest::collection::vec(arb_subject(), 0..3),
        proptest::collection::vec(
            proptest::sample::select(vec![
                Claim::Professionalization,
                Claim::Nonlethal,
                Claim::Emergency,
            ]),
            0..3,
        ),
        proptest::option::of(Just("DOC-A".to_owned())),
    )
        .prop_map(
            move |(program, department, date, known_on, subjects, claims, document)| {
                let mut r = EligibilityRequest::new(partner, program, offset(date));
                r.department = department;
                r.known_on = known_on.map(offset);
                r.subjects = subjects;
                r.claims = claims;
                r.document = document;
                r
            },
        )
}

/// How an irrelevant fact is made irrelevant.
#[derive(Debug, Clone, Copy)]
enum Irrelevant {
    /// About another partner, dated anyhow.
    OtherPartner(usize),
    /// About the request's partner, ending on or before the request date.
    EndedBefore { gap: u32, len: u32 },
    /// About the request's partner, starting after the request date.
    StartsAfter { gap: u32 },
    /// About the request's partner, in force on the date but recorded after `known_on`.
    RecordedLater { gap: u32 },
}

fn arb_irrelevant() -> impl Strategy<Value = (Irrelevant, Fact)> {
    let how = prop_oneof![
        (0..3usize).prop_map(Irrelevant::OtherPartner),
        (0..400u32, 1..400u32).prop_map(|(gap, len)| Irrelevant::EndedBefore { gap, len }),
        (1..400u32).prop_map(|gap| Irrelevant::StartsAfter { gap }),
        (1..400u32).prop_map(|gap| Irrelevant::RecordedLater { gap }),
    ];
    // The fact is drawn for a placeholder partner and re-dated against the request below.
    (how, arb_fact(cc("THA")))
}

const OTHERS: [&str; 3] = ["JOR", "CUB", "COL"];

fn make_irrelevant(request: &EligibilityRequest, how: Irrelevant, mut f: Fact) -> Option<Fact> {
    let date = request.date;
    match how {
        Irrelevant::OtherPartner(i) => {
            f.partner = cc(OTHERS[i]);
        }
        Irrelevant::EndedBefore { gap, len } => {
            let to = date.checked_sub_days(Days::new(u64::from(gap)))?;
            f.effective_to = Some(to);
            f.effective_from = to.checked_sub_days(Days::new(u64::from(len)))?;
        }
        Irrelevant::StartsAfter { gap } => {
            f.effective_from = date.checked_add_days(Days::new(u64::from(gap)))?;
        }
        Irrelevant::RecordedLater { gap } => {
            let known_on = request.known_on?;
            f.recorded = known_on.checked_add_days(Days::new(u64::from(gap)))?;
        }
    }
    Some(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn irrelevant_facts_never_change_a_decision(
        r in arb_request(cc("THA")),
        base in proptest::collection::vec(arb_fact(cc("THA")), 0..12),
        base_waivers in proptest::collection::vec(arb_waiver(cc("THA")), 0..4),
        extra in proptest::collection::vec(arb_irrelevant(), 1..12),
        other_waivers in proptest::collection::vec((0..3usize).prop_flat_map(|i| arb_waiver(cc(OTHERS[i]))), 0..4),
    ) {
        let rules = RuleSet::builtin().with_rule(lease_cap());
        let relevant = with_waivers(store(base.clone()), base_waivers.clone());
        let expected = evaluate(&r, &relevant, &rules);

        let extra: Vec<Fact> = extra
            .into_iter()
            .filter_map(|(how, f)| make_irrelevant(&r, how, f))
            .collect();
        for f in &extra {
            let same = f.partner == r.partner;
            prop_assert!(!same || !f.in_force(r.date, r.known_on), "not irrelevant: {f:?}");
        }
        // Irrelevant facts and other partners' waivers added after the relevant ones ...
        let mut after = relevant.clone();
        after.extend(extra.iter().cloned());
        for w in &other_waivers {
            after.add_waiver(w.clone());
        }
        prop_assert_eq!(&evaluate(&r, &after, &rules), &expected);
        // ... and before them.
        let mut before: Facts = extra.iter().cloned().collect();
        for w in other_waivers.iter().chain(base_waivers.iter()) {
            before.add_waiver(w.clone());
        }
        before.extend(base);
        prop_assert_eq!(&evaluate(&r, &before, &rules), &expected);
        // Through an engine, too.
        prop_assert_eq!(&Engine::new(after, rules).decide(&r), &expected);
    }
}

// ---------------------------------------------------------------------------------------
// Into the ledger
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
struct Books {
    ledger: Ledger,
    account: AccountSymbol,
    next: u32,
}

impl Books {
    /// A ledger gated by `facts` and the built-in rules, with `account` appropriated,
    /// apportioned and allotted to DSCA on 2007-12-26 for `purposes`.
    fn new(facts: Facts, account: &str, purposes: Vec<ProgramKind>) -> Books {
        let engine = Engine::new(facts, RuleSet::builtin());
        let mut books = Books {
            ledger: Ledger::new(Arc::new(engine)),
            account: account.parse().unwrap(),
            next: 0,
        };
        let account = books.account;
        let enacted = "2007-12-26";
        books
            .apply(
                enacted,
                enacted,
                Action::Appropriate {
                    account,
                    title: "assistance".into(),
                    purposes,
                    amount: money("10000000"),
                    law: "P.L. 110-161".into(),
                },
            )
            .unwrap();
        books
            .apply(
                enacted,
                enacted,
                Action::Apportion {
                    account,
                    category: Apportionment::ByPeriod { from: day(enacted) },
                    amount: money("10000000"),
                },
            )
            .unwrap();
        books
            .apply(
                enacted,
                enacted,
                Action::Allot {
                    account,
                    holder: "DSCA".parse().unwrap(),
                    amount: money("10000000"),
                },
            )
            .unwrap();
        books
    }

    fn apply(
        &mut self,
        date: &str,
        recorded: &str,
        action: Action,
    ) -> Result<Receipt, BudgetError> {
        self.next += 1;
        let actor: Actor = "budget-office".parse().unwrap();
        let command = Command::new(
            format!("c{}", self.next).parse().unwrap(),
            day(date),
            actor,
            action,
        )
        .recorded_on(day(recorded));
        self.ledger.apply(command)
    }

    fn allocate(
        &mut self,
        date: &str,
        key: &AllocationKey,
        amount: &str,
    ) -> Result<Receipt, BudgetError> {
        let action = Action::Allocate {
            account: self.account,
            key: key.clone(),
            amount: money(amount),
        };
        self.apply(date, date, action)
    }

    fn obligate(
        &mut self,
        date: &str,
        recorded: &str,
        document: &str,
        key: &AllocationKey,
        amount: &str,
    ) -> Result<Receipt, BudgetError> {
        let action = Action::Obligate {
            account: self.account,
            document: document.parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key.clone() },
            amount: money(amount),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        };
        self.apply(date, recorded, action)
    }
}

fn key(program: ProgramKind, partner: &str) -> AllocationKey {
    AllocationKey::new("DSCA".parse().unwrap(), program, Some(cc(partner)))
}

/// The error must be `Ineligible`; returns its decision.
fn ineligible(result: Result<Receipt, BudgetError>) -> Decision {
    match result {
        Err(BudgetError::Ineligible { decision }) => *decision,
        other => panic!("expected an eligibility refusal, got {other:?}"),
    }
}

/// The decision in a receipt and in the journal entry it names.
fn kept(ledger: &Ledger, receipt: &Receipt) -> Decision {
    let decision = receipt
        .decision
        .as_deref()
        .cloned()
        .expect("a decision in the receipt");
    let entry = ledger
        .journal()
        .iter()
        .find(|e| e.sequence == receipt.sequence)
        .unwrap();
    assert_eq!(entry.decision.as_deref(), Some(&decision));
    decision
}

#[test]
fn ledger_refuses_an_ineligible_allocation_and_keeps_decisions() {
    let mut books = Books::new(store([coup()]), "011-2008/2009-1082", vec![P::Financing]);
    let tha = key(P::Financing, "THA");
    // Before the certification: refused, with the decision, and nothing changes.
    let before = Snapshot::of(&books.ledger);
    let decision = ineligible(books.allocate("2008-02-05", &tha, "500000"));
    assert_eq!(decision.outcome(), Outcome::Ineligible);
    assert_eq!(
        decision.explanation(),
        "ineligible: financing for THA on 2008-02-05 is prohibited by section 7008 since the coup of 2006-09-19; no waiver"
    );
    // The ledger asked as known on the recorded date, with State funds and the amount.
    assert_eq!(decision.request().known_on, Some(day("2008-02-05")));
    assert_eq!(decision.request().department, Department::State);
    assert_eq!(decision.request().amount, Some(money("500000")));
    assert_unchanged(&books.ledger, &before);
    assert_eq!(books.ledger.journal().len(), 3);
    // The error displays the explanation.
    let err = books.allocate("2008-02-05", &tha, "500000").unwrap_err();
    assert!(err.to_string().ends_with(&decision.explanation()), "{err}");
    assert_unchanged(&books.ledger, &before);

    // From the certification: applied, and the decision is kept.
    let receipt = books.allocate("2008-02-06", &tha, "500000").unwrap();
    let decision = kept(&books.ledger, &receipt);
    assert_eq!(decision.outcome(), Outcome::Eligible);
    assert_eq!(found(finding(&decision, "coup-7008")), Found::Allows);
    let position = books.ledger.journal().len() - 1;
    assert_eq!(
        books
            .ledger
            .journal()
            .get(position)
            .unwrap()
            .decision
            .as_deref(),
        Some(&decision)
    );
    // Entries without a partner need no decision.
    assert_eq!(books.ledger.journal().get(0).unwrap().decision, None);
}

#[test]
fn ledger_refuses_an_ineligible_obligation_and_a_waiver_lets_it_through() {
    // Brooke: installment due 2007-03-01; a Presidential determination valid from
    // 2008-03-10, recorded 2008-03-12.
    let mut facts = brooke_facts();
    facts.add_waiver(waiver(
        "PD-2008-12",
        "brooke",
        "ZWE",
        WaiverScope::AllPrograms,
        Official::President,
        ("2008-03-10", None),
        None,
        "2008-03-12",
    ));
    let mut books = Books::new(facts, "011-2008/2009-1082", vec![P::Financing]);
    let zwe = key(P::Financing, "ZWE");
    // Allocated on the last day of the year of grace.
    let allocation = books.allocate("2008-03-01", &zwe, "800000").unwrap();
    assert_eq!(
        kept(&books.ledger, &allocation).outcome(),
        Outcome::Eligible
    );
    // Obligating a day later is refused and changes nothing.
    let before = Snapshot::of(&books.ledger);
    let decision =
        ineligible(books.obligate("2008-03-02", "2008-03-02", "ZW-D-GAA", &zwe, "300000"));
    assert_eq!(decision.outcome(), Outcome::Ineligible);
    assert_eq!(
        decision.explanation(),
        "ineligible: financing for ZWE on 2008-03-02 is prohibited by the Brooke amendment (section 7012) since the loan installment due 2007-03-01 went unpaid; no waiver applies: waiver PD-2008-12 not recorded until 2008-03-12"
    );
    // Decided as known on the recorded date, a waiver recorded later is named with the
    // reason it does not count (the refusal precedence puts "not yet known" before "not in
    // force").
    assert_eq!(decision.request().document.as_deref(), Some("ZW-D-GAA"));
    assert_unchanged(&books.ledger, &before);
    // On 2008-03-10, recorded that day, the determination is not yet known to the ledger.
    let decision =
        ineligible(books.obligate("2008-03-10", "2008-03-10", "ZW-D-GAA", &zwe, "300000"));
    assert_eq!(
        refusals(&decision, "brooke"),
        [WaiverRefusal::NotYetKnown {
            recorded: day("2008-03-12"),
        }]
    );
    assert_unchanged(&books.ledger, &before);
    // Recorded on 2008-03-12 it is: eligible under waiver, and the journal keeps why.
    let receipt = books
        .obligate("2008-03-12", "2008-03-12", "ZW-D-GAA", &zwe, "300000")
        .unwrap();
    let decision = kept(&books.ledger, &receipt);
    assert_eq!(decision.outcome(), Outcome::EligibleUnderWaiver);
    assert_eq!(applied(&decision, "brooke"), "PD-2008-12");
    // The same command applied again returns the same receipt, decision included.
    let actor: Actor = "budget-office".parse().unwrap();
    let same = books
        .ledger
        .journal()
        .iter()
        .find(|e| e.sequence == receipt.sequence)
        .unwrap()
        .command
        .clone();
    assert_eq!(same.actor, actor);
    let duplicate = books.ledger.apply(same).unwrap();
    assert!(duplicate.duplicate);
    assert_eq!(duplicate.decision, receipt.decision);

    // A commitment made on the last allowed day cannot be obligated a day later either: the
    // gate asks again at obligation, for the commitment's allocation.
    let commitment = books
        .apply(
            "2008-03-12",
            "2008-03-12",
            Action::Commit {
                account: books.account,
                document: "ZW-D-GAB".parse().unwrap(),
                key: zwe.clone(),
                amount: money("100000"),
            },
        )
        .unwrap();
    assert_eq!(
        kept(&books.ledger, &commitment).outcome(),
        Outcome::EligibleUnderWaiver
    );
    let mut revoked = books.clone();
    revoked
        .ledger
        .set_eligibility(Arc::new(Engine::new(brooke_facts(), RuleSet::builtin())));
    let before = Snapshot::of(&revoked.ledger);
    let decision = ineligible(revoked.apply(
        "2008-03-13",
        "2008-03-13",
        Action::Obligate {
            account: books.account,
            document: "ZW-D-GAB".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Commitment,
            amount: money("100000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    ));
    assert_eq!(decision.request().partner, cc("ZWE"));
    assert_eq!(decision.request().document.as_deref(), Some("ZW-D-GAB"));
    assert_unchanged(&revoked.ledger, &before);

    // Replaying the journal keeps every decision, with no eligibility check at all.
    let replayed = Ledger::replay(
        books.ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert_eq!(replayed, books.ledger);
    let decisions = |j: &Journal| j.iter().map(|e| e.decision.clone()).collect::<Vec<_>>();
    assert_eq!(
        decisions(replayed.journal()),
        decisions(books.ledger.journal())
    );
    // Through JSON too.
    let json = serde_json::to_string(books.ledger.journal()).unwrap();
    let journal: Journal = serde_json::from_str(&json).unwrap();
    let replayed = Ledger::replay(
        &journal,
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert_eq!(replayed, books.ledger);
    let last = replayed
        .journal()
        .iter()
        .find(|e| e.sequence == receipt.sequence)
        .unwrap();
    assert_eq!(
        last.decision.as_deref().map(Decision::outcome),
        Some(Outcome::EligibleUnderWaiver)
    );
}

#[test]
fn replay_refuses_a_decision_about_another_request() {
    let mut books = Books::new(store([coup()]), "011-2008/2009-1082", vec![P::Financing]);
    books
        .allocate("2008-01-15", &key(P::Financing, "JOR"), "1000")
        .unwrap();
    let refused = ineligible(books.allocate("2008-01-15", &key(P::Financing, "THA"), "1000"));
    assert_eq!(refused.outcome(), Outcome::Ineligible);
    // A journal in which the refused THA allocation carries the decision about JOR.
    let mut entries: Vec<_> = books.ledger.journal().iter().collect();
    let jor = entries.last().unwrap().clone();
    let mut forged = jor.clone();
    forged.sequence += 1;
    forged.command.id = "forged".parse().unwrap();
    forged.command.action = Action::Allocate {
        account: books.account,
        key: key(P::Financing, "THA"),
        amount: money("1000"),
    };
    entries.push(forged);
    let err = Ledger::replay(
        &Journal::from_entries(entries.clone()),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap_err();
    assert!(
        matches!(&err, BudgetError::Journal { position: 4, problem }
            if **problem == security_assistance::budget::JournalProblem::MissingDecision),
        "{err:?}"
    );
    // The genuine journal replays.
    entries.pop();
    assert!(
        Ledger::replay(
            &Journal::from_entries(entries),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .is_ok()
    );
}

#[test]
fn ledger_asks_by_department() {
    // Homeland Security funds (agency 070): the state-sponsor rule governs them.
    let mut books = Books::new(cuba(), "070-2008/2009-0400", vec![P::Training]);
    let before = Snapshot::of(&books.ledger);
    let decision = ineligible(books.allocate("2008-01-15", &key(P::Training, "CUB"), "1000"));
    assert_eq!(decision.request().department, Department::HomelandSecurity);
    assert_eq!(rule_ids(&decision), ["state-sponsor", "sanction"]);
    assert_unchanged(&books.ledger, &before);
    // Another partner goes through.
    let receipt = books
        .allocate("2008-01-15", &key(P::Training, "JOR"), "1000")
        .unwrap();
    assert_eq!(kept(&books.ledger, &receipt).outcome(), Outcome::Eligible);

    // Defense funds (agency 097): the Defense Leahy law, not the State one.
    let mut books = Books::new(Facts::new(), "097-2008/2009-0100", vec![P::Training]);
    let receipt = books
        .allocate("2008-01-15", &key(P::Training, "COL"), "1000")
        .unwrap();
    let decision = kept(&books.ledger, &receipt);
    assert_eq!(decision.request().department, Department::Defense);
    assert!(has_finding(&decision, "leahy-defense"));
    assert!(!has_finding(&decision, "leahy-state"));
    // The ledger names no units, so training is allowed with vetting still required.
    assert_eq!(decision.required_actions(), [&RequiredAction::Vetting]);
}

//! Unit tests of the decision and the request's wire form (`mod.rs`); the rules and facts
//! have theirs beside them, the statutes' boundaries are in `tests/integration/eligibility.rs`.

use chrono::NaiveDate;

use super::{
    AllowAll, Decision, EligibilityCheck, EligibilityRequest, Engine, Fact, Facts, Finding,
    FindingOutcome, Notice, Official, Outcome, RequiredAction, Rule, RuleId, RuleSet, Stage,
    WaiverRefusal, WaiverStatus,
};
use crate::law::Citation;
use crate::purpose::ProgramKind;

fn request(stage: Stage) -> EligibilityRequest {
    let mut request = EligibilityRequest::new(
        "THA".parse().expect("a country code"),
        ProgramKind::Financing,
        NaiveDate::from_ymd_opt(2007, 3, 1).expect("a date"),
    );
    request.stage = stage;
    request
}

fn finding(title: &str, outcome: FindingOutcome, waiver: WaiverStatus) -> Finding {
    Finding {
        rule: RuleId::new(title.to_lowercase()),
        title: title.to_owned(),
        citation: Citation::new("Test Act", "1"),
        outcome,
        facts: Vec::new(),
        waiver,
    }
}

fn report_within(days: u32) -> RequiredAction {
    RequiredAction::Notice {
        notice: Notice::Within(days),
    }
}

fn applied_waiver(notice: Option<RequiredAction>) -> WaiverStatus {
    WaiverStatus::Applied {
        waiver: "W-1".to_owned(),
        granted_by: Official::SecretaryOfState,
        provision: Citation::new("Waiver Act", "2"),
        notice,
    }
}

/// A check that keeps the trait's default for expenditures.
struct Defaults;

impl EligibilityCheck for Defaults {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        Decision::new(request.clone(), "defaults", Vec::new())
    }
}

#[test]
fn a_request_omits_its_stage_on_the_wire_only_when_it_is_an_obligation() {
    let obligation = serde_json::to_value(request(Stage::Obligation)).expect("serializes");
    assert!(obligation.get("stage").is_none(), "{obligation}");
    let expenditure = serde_json::to_value(request(Stage::Expenditure)).expect("serializes");
    assert_eq!(expenditure["stage"], "expenditure");
    for stage in [Stage::Obligation, Stage::Expenditure] {
        let text = serde_json::to_string(&request(stage)).expect("serializes");
        let back: EligibilityRequest = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, request(stage));
    }
}

#[test]
fn an_outcome_displays_in_words_and_honours_width() {
    assert_eq!(Outcome::Eligible.to_string(), "eligible");
    assert_eq!(
        Outcome::EligibleUnderWaiver.to_string(),
        "eligible under waiver"
    );
    assert_eq!(Outcome::Ineligible.to_string(), "ineligible");
    assert_eq!(format!("[{:>10}]", Outcome::Eligible), "[  eligible]");
}

#[test]
fn the_outcome_follows_the_findings() {
    let allows = finding("A", FindingOutcome::Allows, WaiverStatus::NotNeeded);
    let waived = finding("B", FindingOutcome::Prohibits, applied_waiver(None));
    let blocks = finding("C", FindingOutcome::Prohibits, WaiverStatus::Missing);
    let decide =
        |findings: Vec<Finding>| Decision::new(request(Stage::Obligation), "t", findings).outcome();
    assert_eq!(decide(vec![]), Outcome::Eligible);
    assert_eq!(decide(vec![allows.clone()]), Outcome::Eligible);
    assert_eq!(
        decide(vec![allows.clone(), waived.clone()]),
        Outcome::EligibleUnderWaiver
    );
    assert_eq!(decide(vec![waived, blocks, allows]), Outcome::Ineligible);
}

#[test]
fn required_actions_are_every_findings_action_and_every_applied_waivers_notice_in_order() {
    let findings = vec![
        finding(
            "Vetting",
            FindingOutcome::Requires {
                action: RequiredAction::Vetting,
            },
            WaiverStatus::NotNeeded,
        ),
        finding(
            "Exempt with report",
            FindingOutcome::Exempt {
                exception: "nonlethal".to_owned(),
                action: Some(report_within(15)),
            },
            WaiverStatus::NotNeeded,
        ),
        finding(
            "Exempt",
            FindingOutcome::Exempt {
                exception: "emergency".to_owned(),
                action: None,
            },
            WaiverStatus::NotNeeded,
        ),
        finding(
            "Waived",
            FindingOutcome::Prohibits,
            applied_waiver(Some(report_within(30))),
        ),
        finding(
            "Waived quietly",
            FindingOutcome::Prohibits,
            applied_waiver(None),
        ),
        finding("Allows", FindingOutcome::Allows, WaiverStatus::NotNeeded),
    ];
    let decision = Decision::new(request(Stage::Obligation), "t", findings);
    assert_eq!(
        decision.required_actions(),
        [
            &RequiredAction::Vetting,
            &report_within(15),
            &report_within(30)
        ]
    );
    let none = Decision::new(request(Stage::Obligation), "t", Vec::new());
    assert!(none.required_actions().is_empty());
}

#[test]
fn an_allowed_decision_explains_how_many_rules_found_nothing() {
    let allows = || finding("A", FindingOutcome::Allows, WaiverStatus::NotNeeded);
    let one = Decision::new(request(Stage::Obligation), "rs-1", vec![allows()]);
    assert_eq!(
        one.explanation(),
        "eligible: financing for THA on 2007-03-01 is allowed; 1 applicable rule of rule set \
         rs-1 found no prohibition"
    );
    let two = Decision::new(
        request(Stage::Expenditure),
        "rs-2",
        vec![allows(), allows()],
    );
    assert_eq!(
        two.explanation(),
        "eligible: an expenditure of financing funds for THA on 2007-03-01 is allowed; 2 \
         applicable rules of rule set rs-2 found no prohibition"
    );
    assert_eq!(two.to_string(), two.explanation());
}

#[test]
fn a_prohibited_decision_explains_each_prohibition_and_its_waiver() {
    let findings = vec![
        finding("Allows", FindingOutcome::Allows, WaiverStatus::NotNeeded),
        finding("Coup", FindingOutcome::Prohibits, WaiverStatus::Missing),
        finding(
            "Arrears",
            FindingOutcome::Prohibits,
            WaiverStatus::Refused {
                refusals: vec![("W-9".to_owned(), WaiverRefusal::RuleNotWaivable)],
            },
        ),
        finding("Terrorism", FindingOutcome::Prohibits, applied_waiver(None)),
    ];
    let decision = Decision::new(request(Stage::Obligation), "rs", findings);
    let text = decision.explanation();
    assert!(
        text.starts_with("ineligible: financing for THA on 2007-03-01 is prohibited by Coup; no waiver, and prohibited by Arrears; no waiver applies: waiver W-9 "),
        "{text}"
    );
    assert!(
        text.ends_with(
            ", and prohibited by Terrorism; waived by the Secretary of State under Waiver Act \
             section 2 (W-1)"
        ),
        "{text}"
    );
    assert!(!text.contains("Allows"), "{text}");
    assert_eq!(decision.to_string(), text);
}

#[test]
fn a_check_asks_about_expenditures_unless_it_says_it_never_refuses_one() {
    // Generic, so that `&C` goes through the blanket `impl EligibilityCheck for &T`.
    fn asks<C: EligibilityCheck>(check: C) -> bool {
        check.checks_expenditures()
    }
    let (defaults, allow_all): (&Defaults, &AllowAll) = (&Defaults, &AllowAll);
    assert!(asks(Defaults));
    assert!(asks(defaults));
    assert!(!asks(AllowAll));
    assert!(!asks(allow_all));
    let by_reference: &dyn EligibilityCheck = &&Defaults;
    assert_eq!(
        by_reference.decide(&request(Stage::Obligation)).rule_set(),
        "defaults"
    );
}

#[test]
fn an_engine_keeps_its_facts_and_asks_about_expenditures_only_when_a_rule_bars_them() {
    let mut facts = Facts::new();
    facts.add(Fact::child_soldiers_listed(
        "THA".parse().expect("a country code"),
        2008,
        Citation::new("Test Act", "1"),
        NaiveDate::from_ymd_opt(2008, 6, 16).expect("a date"),
    ));
    let builtin = RuleSet::builtin();
    let engine = Engine::new(facts.clone(), builtin.clone());
    assert_eq!(engine.facts(), &facts);
    assert_eq!(engine.rules().rules().len(), builtin.rules().len());
    // The built-in rules include one that bars expenditures (SFOPS 7008, coups) ...
    assert!(builtin.rules().iter().any(Rule::bars_expenditures));
    assert!(engine.checks_expenditures());
    // ... and without it the engine never refuses one, so it says so.
    let obligations_only = builtin
        .rules()
        .iter()
        .filter(|rule| !rule.bars_expenditures())
        .cloned()
        .fold(RuleSet::new("obligations only"), RuleSet::with_rule);
    assert!(!obligations_only.rules().is_empty());
    assert!(!Engine::new(facts, obligations_only).checks_expenditures());
}

#[test]
fn facts_count_what_they_hold() {
    let mut facts = Facts::new();
    assert_eq!((facts.len(), facts.is_empty()), (0, true));
    let date = NaiveDate::from_ymd_opt(2008, 6, 16).expect("a date");
    for partner in ["THA", "MMR"] {
        facts.add(Fact::child_soldiers_listed(
            partner.parse().expect("a country code"),
            2008,
            Citation::new("Test Act", "1"),
            date,
        ));
    }
    assert_eq!((facts.len(), facts.is_empty()), (2, false));
}

#[test]
fn a_rule_id_displays_as_its_text_and_a_rule_debugs_with_its_fields() {
    let id = RuleId::new("leahy-state");
    assert_eq!(id.to_string(), "leahy-state");
    assert_eq!(format!("[{id:>12}]"), "[ leahy-state]");
    let builtin = RuleSet::builtin();
    let rule = builtin.rules().first().expect("a built-in rule");
    let debug = format!("{rule:?}");
    assert!(debug.starts_with("Rule { id: "), "{debug}");
    assert!(debug.contains(rule.id().as_str()), "{debug}");
    assert!(debug.contains("effective_from"), "{debug}");
}

#[test]
fn a_built_in_rule_says_what_it_governs_and_whose_funds() {
    let builtin = RuleSet::builtin();
    let rule = |id: &str| {
        builtin
            .rules()
            .iter()
            .find(|rule| rule.id().as_str() == id)
            .cloned()
            .expect("a built-in rule")
    };
    let defense = rule("leahy-defense");
    assert_eq!(defense.departments(), [super::Department::Defense]);
    assert!(defense.governs().contains(&ProgramKind::Training));
    let state = rule("leahy-state");
    assert_eq!(state.departments(), [super::Department::State]);
    assert!(state.governs().contains(&ProgramKind::Financing));
}

/// A rule in force until a day (exclusive) governs the day before and not that day or
/// after; from a day (inclusive), not the day before.
#[test]
fn a_rule_applies_from_its_first_day_until_the_day_it_ends() {
    #[derive(Debug)]
    struct Prohibits;
    impl super::RuleTest for Prohibits {
        fn evaluate(&self, _: &EligibilityRequest, _: &[&Fact]) -> super::Evaluation {
            super::Evaluation::Prohibits { facts: Vec::new() }
        }
    }
    let day = |d| NaiveDate::from_ymd_opt(2007, 3, d).expect("a date");
    let rule = Rule::new(
        RuleId::new("window"),
        "a window",
        Citation::new("Test Act", "3"),
        vec![ProgramKind::Financing],
        Prohibits,
    )
    .in_force(Some(day(10)), Some(day(20)));
    let on = |d| {
        let mut r = request(Stage::Obligation);
        r.date = day(d);
        rule.applies_to(&r)
    };
    assert_eq!(
        [9, 10, 11, 19, 20, 21].map(on),
        [false, true, true, true, false, false]
    );
}

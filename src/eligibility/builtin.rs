//! The built-in rule set.
//!
//! | id | law | governs | waiver |
//! |---|---|---|---|
//! | `brooke` | SFOPS section 7012 (Brooke amendment): default of more than one calendar year on a US loan | training, financing, peacekeeping, democracy (State funds) | the President (national-interest determination) |
//! | `coup-7008` | 1985-12-19 | P.L. 99-190, the FY1986 continuing appropriations enacted that day, which first carried the military coups section (CRS IF11267: "since 1986"; contemporary reports of the 1985-12-19 enactment); text as in P.L. 100-461 sec. 513 (102 Stat. 2268-23) |
//! | `child-soldiers` | 22 U.S.C. 2370c-1: listed in the previous year's report | training, financing, peacekeeping, excess articles; exception for IMET and nonlethal professionalization | the President, notice within 45 days |
//! | `trafficking-tier3` | 22 U.S.C. 7107: Tier 3 in the previous year's report | nonhumanitarian, nontrade programs, sales included (22 U.S.C. 7102) | the President, whole or by program |
//! | `state-sponsor` | 1976-06-30 | P.L. 94-329 sec. 303, which added FAA section 620A; in force before the first designations (Syria, Libya, Iraq 1979-12-29, DOMAIN rule 50); AECA section 40 followed in P.L. 99-399 (1986) |
//! | `end-use-3c` | 22 U.S.C. 2753(c) (AECA 3(c)): substantial end-use violation, until cessation | sales, financing (State and Defense accounts) | none |
//! | `leahy-state` | 1996-09-30 | P.L. 104-208 sec. 570, the FY1997 foreign operations appropriations, the first State Leahy provision (CRS R43361); made permanent as FAA section 620J (later 620M) by P.L. 110-161 div. J sec. 651 |
//! | `leahy-defense` | 1998-10-17 | P.L. 105-262 sec. 8130, the FY1999 DoD appropriations, the first Defense Leahy provision, carried in each annual act (CRS R43361) until codified as 10 U.S.C. 362 (P.L. 113-291, P.L. 114-328) |
//! | `sanction` | a general sanction or embargo recorded as a fact | the programs the fact names | none |
//!
//! Each built-in rule but `sanction` carries the day its statute took effect
//! ([`Rule::effective_from`](super::Rule::effective_from), with the source in
//! [`Rule::effective_source`](super::Rule::effective_source)), so a request dated before it
//! is not decided under the rule (the current text of the law is applied from that day on):
//!
//! | id | in force from | source |
//! |---|---|---|
//! | `brooke` | 1977-10-31 | P.L. 95-148 sec. 503 (91 Stat. 1239), the earliest text of the default provision read for this crate |
//! | `coup-7008` | 1985-12-19 | P.L. 99-190, the FY1986 continuing appropriations enacted that day, which first carried the military coups section (CRS IF11267: "since 1986"; contemporary reports of the 1985-12-19 enactment); text as in P.L. 100-461 sec. 513 (102 Stat. 2268-23) |
//! | `child-soldiers` | 2009-06-21 | P.L. 110-457 sec. 404(a), effective 180 days after enactment on 2008-12-23 |
//! | `trafficking-tier3` | 2000-10-28 | P.L. 106-386 sec. 110 (114 Stat. 1482); the first report with consequences was that of June 2003 |
//! | `state-sponsor` | 1976-06-30 | P.L. 94-329 sec. 303, which added FAA section 620A; in force before the first designations (Syria, Libya, Iraq 1979-12-29, DOMAIN rule 50); AECA section 40 followed in P.L. 99-399 (1986) |
//! | `end-use-3c` | 1973-12-17 | P.L. 93-189 (87 Stat. 730), the "cash sales, credits, or guarantees" text of section 3(c) |
//! | `leahy-state` | 1996-09-30 | P.L. 104-208 sec. 570, the FY1997 foreign operations appropriations, the first State Leahy provision (CRS R43361); made permanent as FAA section 620J (later 620M) by P.L. 110-161 div. J sec. 651 |
//! | `leahy-defense` | 1998-10-17 | P.L. 105-262 sec. 8130, the FY1999 DoD appropriations, the first Defense Leahy provision, carried in each annual act (CRS R43361) until codified as 10 U.S.C. 362 (P.L. 113-291, P.L. 114-328) |
//!
//! A caller who needs an earlier start (an annual act before the one read here) widens a
//! rule with [`Rule::in_force`](super::Rule::in_force).
//!
//! Only `coup-7008` also bars expenditures on earlier obligations
//! ([`Stage::Expenditure`](super::Stage::Expenditure)): its text says no funds "shall be
//! obligated or expended" (P.L. 112-74 sec. 7008, as quoted by CRS and others). The Brooke
//! amendment says no appropriation "shall be used to furnish assistance" to the defaulting
//! government; this crate reads that, like the other rules, as a bar on new obligations.
//!
//! Arrears are compared as "more than one calendar year": an installment due 2007-03-01
//! and unpaid blocks assistance from 2008-03-02 (on 2008-03-01 it is exactly one year).

use std::borrow::Cow;

use chrono::{Months, NaiveDate};

use super::fact::{Fact, FactKind, Remediation, Subject, TipTier};
use super::rule::{
    Department, Evaluation, Notice, Official, RequiredAction, Rule, RuleId, RuleTest, WaiverPolicy,
};
use super::{Claim, EligibilityRequest};
use crate::law::Citation;
use crate::purpose::ProgramKind;

/// The version id of the built-in rule set.
pub(crate) const VERSION: &str = "builtin-2026-12";

const SFOPS_2019: &str =
    "Department of State, Foreign Operations, and Related Programs Appropriations Act, 2019";
const SFOPS_2024: &str =
    "Department of State, Foreign Operations, and Related Programs Appropriations Act, 2024";

#[derive(Debug, Clone, Copy)]
enum Test {
    Brooke,
    Coup,
    ChildSoldiers,
    Trafficking,
    StateSponsor,
    EndUse,
    LeahyState,
    LeahyDefense,
    Sanction,
}

fn matching(facts: &[&Fact], pick: impl Fn(&FactKind) -> bool) -> Vec<Fact> {
    facts
        .iter()
        .filter(|f| pick(&f.kind))
        .map(|f| (*f).clone())
        .collect()
}

fn prohibits_if_any(facts: Vec<Fact>) -> Evaluation {
    if facts.is_empty() {
        Evaluation::Allows
    } else {
        Evaluation::Prohibits { facts }
    }
}

impl Test {
    fn leahy(
        request: &EligibilityRequest,
        facts: &[&Fact],
        remedy: Remediation,
        defense: bool,
    ) -> Evaluation {
        let named = |subject: &Subject| request.subjects.contains(subject);
        let violations = matching(
            facts,
            |k| matches!(k, FactKind::GrossViolations { subject } if named(subject)),
        );
        if violations.is_empty() {
            if request.subjects.is_empty() && request.program == ProgramKind::Training {
                return Evaluation::Requires {
                    action: RequiredAction::Vetting,
                };
            }
            return Evaluation::Allows;
        }
        // Each piece of information needs a determination made on or after it takes effect:
        // steps taken for earlier violations do not answer later ones. The determinations
        // that answer them are facts the finding used.
        let mut determinations: Vec<Fact> = Vec::new();
        let mut remedied = true;
        for v in &violations {
            let FactKind::GrossViolations { subject } = &v.kind else {
                remedied = false;
                continue;
            };
            let answer = facts.iter().find(|f| {
                f.effective_from >= v.effective_from
                    && matches!(&f.kind, FactKind::HumanRightsRemediation { subject: s, remediation }
                    if s == subject && *remediation == remedy)
            });
            match answer {
                Some(f) if !determinations.contains(f) => determinations.push((*f).clone()),
                Some(_) => {}
                None => remedied = false,
            }
        }
        let report = defense.then_some(RequiredAction::Notice {
            notice: Notice::Within(15),
        });
        if remedied {
            let exception = match remedy {
                Remediation::EffectiveSteps => {
                    "the Secretary of State reported that the government is taking effective steps"
                }
                Remediation::CorrectiveSteps => {
                    "the Secretary of Defense determined that all necessary corrective steps were taken"
                }
            };
            let mut used = violations;
            used.extend(determinations);
            return Evaluation::Exempt {
                exception: Cow::Borrowed(exception),
                facts: used,
                action: report,
            };
        }
        if defense && request.claims.contains(&Claim::Emergency) {
            return Evaluation::Exempt {
                exception: Cow::Borrowed(
                    "assistance for disaster relief, humanitarian or national-security emergencies",
                ),
                facts: violations,
                action: report,
            };
        }
        Evaluation::Prohibits { facts: violations }
    }
}

impl RuleTest for Test {
    fn evaluate(&self, request: &EligibilityRequest, facts: &[&Fact]) -> Evaluation {
        match self {
            Test::Brooke => prohibits_if_any(matching(facts, |k| match k {
                FactKind::LoanArrears { oldest_unpaid_due } => oldest_unpaid_due
                    .checked_add_months(Months::new(12))
                    .is_some_and(|one_year| request.date > one_year),
                _ => false,
            })),
            Test::Coup => {
                let coups = matching(facts, |k| matches!(k, FactKind::MilitaryCoup));
                if !coups.is_empty() && request.program == ProgramKind::Democracy {
                    return Evaluation::Exempt {
                        exception: Cow::Borrowed(
                            "democracy, election and transition assistance is not restricted",
                        ),
                        facts: coups,
                        action: None,
                    };
                }
                prohibits_if_any(coups)
            }
            Test::ChildSoldiers => {
                let listed = matching(facts, |k| matches!(k, FactKind::ChildSoldiersListed { .. }));
                let professionalizing = request.claims.contains(&Claim::Professionalization)
                    && (request.program == ProgramKind::Training
                        || request.claims.contains(&Claim::Nonlethal));
                if !listed.is_empty() && professionalizing {
                    return Evaluation::Exempt {
                        exception: Cow::Borrowed(
                            "IMET and nonlethal supplies that professionalize the military",
                        ),
                        facts: listed,
                        action: None,
                    };
                }
                prohibits_if_any(listed)
            }
            Test::Trafficking => prohibits_if_any(matching(facts, |k| {
                matches!(
                    k,
                    FactKind::TraffickingTier {
                        tier: TipTier::Tier3,
                        ..
                    }
                )
            })),
            Test::StateSponsor => prohibits_if_any(matching(facts, |k| {
                matches!(k, FactKind::StateSponsorOfTerrorism)
            })),
            Test::EndUse => {
                prohibits_if_any(matching(facts, |k| matches!(k, FactKind::EndUseViolation)))
            }
            Test::LeahyState => Test::leahy(request, facts, Remediation::EffectiveSteps, false),
            Test::LeahyDefense => Test::leahy(request, facts, Remediation::CorrectiveSteps, true),
            Test::Sanction => prohibits_if_any(matching(
                facts,
                |k| matches!(k, FactKind::Sanction { programs, .. } if programs.contains(&request.program)),
            )),
        }
    }
}

/// The day a built-in rule took effect; the dates are constants of the table above.
fn took_effect(rule: Rule, (y, m, d): (i32, u32, u32), source: &'static str) -> Rule {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => rule.took_effect(date, source),
        // The table's dates are all valid; an invalid one leaves the rule undated rather
        // than panicking (the boundary tests would fail).
        None => rule,
    }
}

fn security() -> Vec<ProgramKind> {
    use ProgramKind as P;
    vec![
        P::Training,
        P::Financing,
        P::Peacekeeping,
        P::ExcessArticles,
    ]
}

fn brooke() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("brooke"),
        "the Brooke amendment (section 7012)",
        Citation::fixed(SFOPS_2019, "7012", None),
        vec![P::Training, P::Financing, P::Peacekeeping, P::Democracy],
        Test::Brooke,
    )
    .waivable(WaiverPolicy {
        officials: vec![Official::President],
        per_program: false,
        notice: None,
    });
    took_effect(
        rule,
        (1977, 10, 31),
        "P.L. 95-148 sec. 503 (91 Stat. 1239), 1977-10-31",
    )
}

fn coup() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("coup-7008"),
        "section 7008",
        Citation::fixed(SFOPS_2024, "7008", None),
        vec![P::Training, P::Financing, P::Peacekeeping, P::Democracy],
        Test::Coup,
    )
    .waivable(WaiverPolicy {
        officials: vec![Official::SecretaryOfState],
        per_program: true,
        notice: None,
    })
    .barring_expenditures();
    took_effect(
        rule,
        (1985, 12, 19),
        "P.L. 99-190 (FY1986 continuing appropriations, enacted 1985-12-19), first carrying the military coups section (CRS IF11267: in SFOPS acts since 1986; text as in P.L. 100-461 sec. 513, 102 Stat. 2268-23)",
    )
}

fn child_soldiers() -> Rule {
    let rule = Rule::new(
        RuleId::fixed("child-soldiers"),
        "the Child Soldiers Prevention Act",
        Citation::fixed("22 U.S.C.", "2370c-1", None),
        security(),
        Test::ChildSoldiers,
    )
    .waivable(WaiverPolicy {
        officials: vec![Official::President],
        per_program: false,
        notice: Some(Notice::Within(45)),
    });
    took_effect(
        rule,
        (2009, 6, 21),
        "P.L. 110-457 sec. 404(a), 180 days after enactment on 2008-12-23",
    )
}

fn trafficking() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("trafficking-tier3"),
        "the Trafficking Victims Protection Act (Tier 3)",
        Citation::fixed("22 U.S.C.", "7107", Some("(d)")),
        vec![
            P::Training,
            P::Financing,
            P::Peacekeeping,
            P::ExcessArticles,
            P::Democracy,
        ],
        Test::Trafficking,
    )
    .waivable(WaiverPolicy {
        officials: vec![Official::President],
        per_program: false,
        notice: None,
    });
    took_effect(
        rule,
        (2000, 10, 28),
        "P.L. 106-386 sec. 110 (114 Stat. 1482), 2000-10-28",
    )
}

fn state_sponsor() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("state-sponsor"),
        "the state sponsor of terrorism designation",
        Citation::fixed("22 U.S.C.", "2780", None),
        vec![
            P::Sales,
            P::Financing,
            P::Training,
            P::ExcessArticles,
            P::Leases,
            P::Peacekeeping,
            P::TechnologyCooperation,
        ],
        Test::StateSponsor,
    )
    .for_departments(vec![
        Department::State,
        Department::Defense,
        Department::HomelandSecurity,
    ])
    .waivable(WaiverPolicy {
        officials: vec![Official::President],
        per_program: false,
        notice: Some(Notice::Before(15)),
    });
    took_effect(
        rule,
        (1976, 6, 30),
        "P.L. 94-329 sec. 303, adding FAA section 620A, 1976-06-30; before every designation (Syria 1979-12-29); AECA section 40 followed in P.L. 99-399 (1986)",
    )
}

fn end_use() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("end-use-3c"),
        "AECA section 3(c)",
        Citation::fixed("22 U.S.C.", "2753", Some("(c)")),
        vec![P::Sales, P::Financing],
        Test::EndUse,
    )
    // The ineligibility is the country's, whichever department's accounts run the sale.
    .for_departments(vec![Department::State, Department::Defense]);
    took_effect(
        rule,
        (1973, 12, 17),
        "P.L. 93-189 (87 Stat. 730), 1973-12-17",
    )
}

fn leahy_state() -> Rule {
    let rule = Rule::new(
        RuleId::fixed("leahy-state"),
        "the State Leahy law",
        Citation::fixed("22 U.S.C.", "2378d", None),
        security(),
        Test::LeahyState,
    );
    took_effect(
        rule,
        (1996, 9, 30),
        "P.L. 104-208 sec. 570 (FY1997 foreign operations appropriations), 1996-09-30, the first State Leahy provision (CRS R43361); made FAA section 620M by P.L. 110-161 div. J sec. 651 (2007-12-26)",
    )
}

fn leahy_defense() -> Rule {
    use ProgramKind as P;
    let rule = Rule::new(
        RuleId::fixed("leahy-defense"),
        "the Defense Leahy law",
        Citation::fixed("10 U.S.C.", "362", None),
        vec![
            P::Training,
            P::Financing,
            P::Peacekeeping,
            P::ExcessArticles,
            P::Leases,
        ],
        Test::LeahyDefense,
    )
    .for_departments(vec![Department::Defense])
    .waivable(WaiverPolicy {
        officials: vec![Official::SecretaryOfDefense],
        per_program: false,
        notice: Some(Notice::Within(15)),
    });
    took_effect(
        rule,
        (1998, 10, 17),
        "P.L. 105-262 sec. 8130 (FY1999 DoD appropriations), 1998-10-17, the first DoD Leahy provision (CRS R43361); codified as 10 U.S.C. 362 by P.L. 113-291 and P.L. 114-328",
    )
}

fn sanction() -> Rule {
    // Undated: the fact carries the sanction's own dates.
    Rule::new(
        RuleId::fixed("sanction"),
        "a general sanction",
        Citation::fixed("sanctions law", "as cited by the fact", None),
        ProgramKind::ALL.to_vec(),
        Test::Sanction,
    )
    .for_departments(vec![
        Department::State,
        Department::Defense,
        Department::HomelandSecurity,
    ])
}

/// The built-in rules, in evaluation order.
pub(crate) fn rules() -> Vec<Rule> {
    vec![
        brooke(),
        coup(),
        child_soldiers(),
        trafficking(),
        state_sponsor(),
        end_use(),
        leahy_state(),
        leahy_defense(),
        sanction(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::{Facts, Outcome, RuleSet, evaluate};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// One dated rule, the fact that trips it (in force long before the rule), and a
    /// request it governs.
    fn case(id: &str) -> (Rule, FactKind, ProgramKind, Department, Vec<Subject>) {
        let unit = || vec![Subject::Unit("1st Battalion".into())];
        let rule = rules().into_iter().find(|r| r.id().as_str() == id).unwrap();
        let (kind, program, dept, subjects) = match id {
            "brooke" => (
                FactKind::LoanArrears {
                    oldest_unpaid_due: day(1960, 1, 1),
                },
                ProgramKind::Financing,
                Department::State,
                vec![],
            ),
            "coup-7008" => (
                FactKind::MilitaryCoup,
                ProgramKind::Financing,
                Department::State,
                vec![],
            ),
            "child-soldiers" => (
                FactKind::ChildSoldiersListed { report_year: 1960 },
                ProgramKind::Financing,
                Department::State,
                vec![],
            ),
            "trafficking-tier3" => (
                FactKind::TraffickingTier {
                    report_year: 1960,
                    tier: TipTier::Tier3,
                },
                ProgramKind::Financing,
                Department::State,
                vec![],
            ),
            "state-sponsor" => (
                FactKind::StateSponsorOfTerrorism,
                ProgramKind::Sales,
                Department::State,
                vec![],
            ),
            "end-use-3c" => (
                FactKind::EndUseViolation,
                ProgramKind::Sales,
                Department::State,
                vec![],
            ),
            "leahy-state" => (
                FactKind::GrossViolations {
                    subject: Subject::Unit("1st Battalion".into()),
                },
                ProgramKind::Training,
                Department::State,
                unit(),
            ),
            _ => (
                FactKind::GrossViolations {
                    subject: Subject::Unit("1st Battalion".into()),
                },
                ProgramKind::Training,
                Department::Defense,
                unit(),
            ),
        };
        (rule, kind, program, dept, subjects)
    }

    fn outcome(id: &str, date: NaiveDate) -> Outcome {
        let (rule, kind, program, department, subjects) = case(id);
        let partner = "BRA".parse().unwrap();
        let mut facts = Facts::new();
        facts.add(Fact::new(
            partner,
            kind,
            day(1960, 1, 1),
            Citation::new("test data", "1"),
            day(1960, 1, 1),
        ));
        let mut request = EligibilityRequest::new(partner, program, date);
        request.department = department;
        request.subjects = subjects;
        evaluate(&request, &facts, &RuleSet::new("one").with_rule(rule)).outcome()
    }

    const DATED: [(&str, (i32, u32, u32)); 8] = [
        ("brooke", (1977, 10, 31)),
        ("coup-7008", (1985, 12, 19)),
        ("child-soldiers", (2009, 6, 21)),
        ("trafficking-tier3", (2000, 10, 28)),
        ("state-sponsor", (1976, 6, 30)),
        ("end-use-3c", (1973, 12, 17)),
        ("leahy-state", (1996, 9, 30)),
        ("leahy-defense", (1998, 10, 17)),
    ];

    #[test]
    fn every_rule_but_sanction_carries_its_start_and_source() {
        for rule in rules() {
            let dated = DATED.iter().find(|(id, _)| *id == rule.id().as_str());
            match dated {
                Some((_, (y, m, d))) => {
                    assert_eq!(
                        rule.effective_from(),
                        Some(day(*y, *m, *d)),
                        "{}",
                        rule.id().as_str()
                    );
                    let source = rule.effective_source().unwrap();
                    assert!(source.starts_with("P.L. "), "{source}");
                }
                None => {
                    assert_eq!(rule.id().as_str(), "sanction");
                    assert_eq!(rule.effective_from(), None);
                    assert_eq!(rule.effective_source(), None);
                }
            }
        }
    }

    #[test]
    fn a_request_before_a_statute_took_effect_is_not_refused_under_it() {
        for (id, (y, m, d)) in DATED {
            let first = day(y, m, d);
            let before = first.pred_opt().unwrap();
            let after = first.succ_opt().unwrap();
            assert_eq!(outcome(id, before), Outcome::Eligible, "{id} on {before}");
            assert_eq!(outcome(id, first), Outcome::Ineligible, "{id} on {first}");
            assert_eq!(outcome(id, after), Outcome::Ineligible, "{id} on {after}");
        }
    }

    #[test]
    fn widening_a_rule_drops_the_statutes_source() {
        let rule = child_soldiers().in_force(Some(day(2008, 10, 1)), None);
        assert_eq!(rule.effective_from(), Some(day(2008, 10, 1)));
        assert_eq!(rule.effective_source(), None);
        let same = child_soldiers().in_force(Some(day(2009, 6, 21)), None);
        assert!(same.effective_source().is_some());
    }
}

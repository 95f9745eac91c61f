//! The built-in rule set.
//!
//! | id | law | governs | waiver |
//! |---|---|---|---|
//! | `brooke` | SFOPS section 7012 (Brooke amendment): default of more than one calendar year on a US loan | training, financing, peacekeeping, democracy (State funds) | the President (national-interest determination) |
//! | `coup-7008` | SFOPS section 7008: military coup, until the certification that an elected government took office | training, financing, peacekeeping; democracy assistance is exempt | the Secretary of State, program by program |
//! | `child-soldiers` | 22 U.S.C. 2370c-1: listed in the previous year's report | training, financing, peacekeeping, excess articles; exception for IMET and nonlethal professionalization | the President, notice within 45 days |
//! | `trafficking-tier3` | 22 U.S.C. 7107: Tier 3 in the previous year's report | nonhumanitarian, nontrade programs, sales included (22 U.S.C. 7102) | the President, whole or by program |
//! | `state-sponsor` | 22 U.S.C. 2780 (AECA 40), 2371 (FAA 620A) | sales, financing, training, excess articles, leases, peacekeeping, technology cooperation; State, Defense and Homeland Security funds | the President, 15 days' prior notice (DOMAIN.md marks the mechanics unconfirmed) |
//! | `end-use-3c` | 22 U.S.C. 2753(c) (AECA 3(c)): substantial end-use violation, until cessation | sales, financing (State and Defense accounts) | none |
//! | `leahy-state` | 22 U.S.C. 2378d: credible information of gross violations by the unit or person; exception: effective steps | training, financing, peacekeeping, excess articles (State funds) | none |
//! | `leahy-defense` | 10 U.S.C. 362: the same for Defense funds; exceptions: corrective steps, emergencies (report within 15 days) | Defense-funded programs | the Secretary of Defense, report within 15 days |
//! | `sanction` | a general sanction or embargo recorded as a fact | the programs the fact names | none |
//!
//! The built-in rules carry no start dates: they apply the current law to any date asked,
//! so that the rule types can be exercised on historical examples. For historical accuracy
//! restrict them with [`Rule::in_force`](super::Rule::in_force): section 404(a) of the Child
//! Soldiers Prevention Act took effect on 2009-06-21 (180 days after P.L. 110-457), and
//! 10 U.S.C. 362 dates from the FY2017 NDAA (P.L. 114-328, 2016-12-23), earlier Defense
//! Leahy provisions riding on annual appropriations acts.
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

use chrono::Months;

use super::fact::{Fact, FactKind, Remediation, Subject, TipTier};
use super::rule::{
    Department, Evaluation, Notice, Official, RequiredAction, Rule, RuleId, RuleTest, WaiverPolicy,
};
use super::{Claim, EligibilityRequest};
use crate::law::Citation;
use crate::purpose::ProgramKind;

/// The version id of the built-in rule set.
pub(crate) const VERSION: &str = "builtin-2026-11";

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

/// The built-in rules, in evaluation order.
pub(crate) fn rules() -> Vec<Rule> {
    use ProgramKind as P;
    let security = vec![
        P::Training,
        P::Financing,
        P::Peacekeeping,
        P::ExcessArticles,
    ];
    vec![
        Rule::new(
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
        }),
        Rule::new(
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
        .barring_expenditures(),
        Rule::new(
            RuleId::fixed("child-soldiers"),
            "the Child Soldiers Prevention Act",
            Citation::fixed("22 U.S.C.", "2370c-1", None),
            security.clone(),
            Test::ChildSoldiers,
        )
        .waivable(WaiverPolicy {
            officials: vec![Official::President],
            per_program: false,
            notice: Some(Notice::Within(45)),
        }),
        Rule::new(
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
        }),
        Rule::new(
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
        }),
        Rule::new(
            RuleId::fixed("end-use-3c"),
            "AECA section 3(c)",
            Citation::fixed("22 U.S.C.", "2753", Some("(c)")),
            vec![P::Sales, P::Financing],
            Test::EndUse,
        )
        // The ineligibility is the country's, whichever department's accounts run the sale.
        .for_departments(vec![Department::State, Department::Defense]),
        Rule::new(
            RuleId::fixed("leahy-state"),
            "the State Leahy law",
            Citation::fixed("22 U.S.C.", "2378d", None),
            security.clone(),
            Test::LeahyState,
        ),
        Rule::new(
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
        }),
        Rule::new(
            RuleId::fixed("sanction"),
            "a general sanction",
            Citation::fixed("sanctions law", "as cited by the fact", None),
            P::ALL.to_vec(),
            Test::Sanction,
        )
        .for_departments(vec![
            Department::State,
            Department::Defense,
            Department::HomelandSecurity,
        ]),
    ]
}

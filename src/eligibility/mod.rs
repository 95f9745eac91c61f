//! Who may receive assistance: effective-dated facts, rules with citations, waivers, and
//! decisions that say why.
//!
//! An [`EligibilityRequest`] names a partner, a program kind, a date, the department whose
//! funds pay, and optionally the units or people to vet. [`evaluate`] checks it against
//! the [`Facts`] in force on that date (as known on the request's `known_on` date) with a
//! [`RuleSet`], and returns a [`Decision`] listing every applicable rule's [`Finding`]:
//! its citation, the facts it used, its outcome and the waiver that covered it or why none
//! did. The same inputs always give the same decision.
//!
//! The ledger asks an [`EligibilityCheck`] before every allocation and obligation to a
//! partner and keeps the decision in its journal; [`Engine`] is the check built from facts
//! and rules, [`AllowAll`] the one to use when no rules apply.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::eligibility::{evaluate, EligibilityRequest, Fact, FactKind, Facts, Outcome, RuleSet};
//! use security_assistance::{Citation, ProgramKind};
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
//! let mut facts = Facts::new();
//! facts.add(Fact::new("THA".parse()?, FactKind::MilitaryCoup, day(2006, 9, 19)?,
//!     Citation::new("CRS", "IF11267"), day(2006, 9, 20)?));
//! let request = EligibilityRequest::new("THA".parse()?, ProgramKind::Financing, day(2007, 3, 1)?);
//! let decision = evaluate(&request, &facts, &RuleSet::builtin());
//! assert_eq!(decision.outcome(), Outcome::Ineligible);
//! assert_eq!(decision.explanation(),
//!     "ineligible: financing for THA on 2007-03-01 is prohibited by section 7008 since the coup of 2006-09-19; no waiver");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod builtin;
mod fact;
mod rule;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

pub use fact::{Fact, FactKind, Facts, Remediation, Subject, TipTier};
pub use rule::{
    Department, Evaluation, Finding, FindingOutcome, Notice, Official, RequiredAction, Rule,
    RuleId, RuleSet, RuleTest, Waiver, WaiverPolicy, WaiverRefusal, WaiverScope, WaiverStatus,
};

/// A statutory exception that a request claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Claim {
    /// The assistance professionalizes the military (Child Soldiers Prevention Act).
    Professionalization,
    /// The assistance is nonlethal.
    Nonlethal,
    /// Disaster relief, humanitarian or national-security emergency (10 U.S.C. 362).
    Emergency,
}

/// What the funds in question would do: be obligated (the usual question, asked before an
/// allocation, commitment or obligation), or be spent on an obligation already made.
///
/// Most restrictions bar new assistance; a few say that no funds shall be "obligated or
/// expended" (SFOPS section 7008, coups), so they also stop disbursements on earlier
/// obligations. A [`Rule`] says which it is
/// ([`Rule::barring_expenditures`]), and at [`Stage::Expenditure`] only such rules are
/// asked.
///
/// ```
/// use security_assistance::eligibility::Stage;
/// assert_eq!(Stage::default(), Stage::Obligation);
/// assert_eq!(serde_json::to_string(&Stage::Expenditure)?, "\"expenditure\"");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Stage {
    /// Funds would be allocated, committed or obligated.
    #[default]
    Obligation,
    /// Funds would be disbursed on an existing obligation.
    Expenditure,
}

/// A question for the eligibility gate: may `partner` receive `program` on `date`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct EligibilityRequest {
    /// The partner country that would receive the assistance.
    pub partner: CountryCode,
    /// The kind of program.
    pub program: ProgramKind,
    /// The date the assistance would be allocated or obligated (or, at
    /// [`Stage::Expenditure`], disbursed).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// Decide with the facts recorded by this date (`None`: everything recorded).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub known_on: Option<NaiveDate>,
    /// Whose funds pay.
    #[serde(default)]
    pub department: Department,
    /// The amount, when one is known.
    #[serde(default)]
    pub amount: Option<Money>,
    /// The case, agreement or other document, when the request is for one (a waiver may
    /// cover a single case).
    #[serde(default)]
    pub document: Option<String>,
    /// The units and people who would receive it, for human-rights vetting.
    #[serde(default)]
    pub subjects: Vec<Subject>,
    /// Statutory exceptions the request claims.
    #[serde(default)]
    pub claims: Vec<Claim>,
    /// Whether the funds would be obligated or spent.
    #[serde(default, skip_serializing_if = "is_obligation")]
    pub stage: Stage,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_obligation(stage: &Stage) -> bool {
    *stage == Stage::Obligation
}

impl EligibilityRequest {
    /// A request for `program` to `partner` on `date`, paid with State funds, as known now,
    /// without amount, document, subjects or claims.
    #[must_use]
    pub fn new(partner: CountryCode, program: ProgramKind, date: NaiveDate) -> Self {
        EligibilityRequest {
            partner,
            program,
            date,
            known_on: None,
            department: Department::State,
            amount: None,
            document: None,
            subjects: Vec::new(),
            claims: Vec::new(),
            stage: Stage::Obligation,
        }
    }
}

/// The overall answer of a [`Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// No rule prohibits the assistance.
    Eligible,
    /// A rule prohibits it, but a valid waiver covers every such finding.
    EligibleUnderWaiver,
    /// At least one rule prohibits it and no valid waiver covers that finding.
    Ineligible,
}

impl Outcome {
    /// `true` for [`Outcome::Eligible`] and [`Outcome::EligibleUnderWaiver`].
    #[must_use]
    pub const fn allows(self) -> bool {
        match self {
            Outcome::Eligible | Outcome::EligibleUnderWaiver => true,
            Outcome::Ineligible => false,
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Outcome::Eligible => "eligible",
            Outcome::EligibleUnderWaiver => "eligible under waiver",
            Outcome::Ineligible => "ineligible",
        })
    }
}

/// The answer to an [`EligibilityRequest`]: the overall outcome, every applicable rule's
/// finding, and the version of the rule set that decided.
///
/// The ledger stores the decision with the journal entry it allowed, so an auditor can see
/// why money went to a partner. [`Decision::explanation`] renders it in plain English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Decision {
    request: EligibilityRequest,
    rule_set: Cow<'static, str>,
    outcome: Outcome,
    /// Shared, so that the journal keeps each distinct set of findings once.
    #[serde(with = "shared_findings")]
    #[cfg_attr(feature = "schemars", schemars(with = "Vec<Finding>"))]
    findings: Arc<[Finding]>,
}

/// [`Decision`]'s findings as a plain list on the wire.
mod shared_findings {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Finding;

    pub(super) fn serialize<S: Serializer>(
        findings: &Arc<[Finding]>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        findings.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Arc<[Finding]>, D::Error> {
        Ok(Vec::<Finding>::deserialize(deserializer)?.into())
    }
}

impl Decision {
    /// A decision on `request` from `findings`, for implementors of [`EligibilityCheck`]: the
    /// outcome is ineligible if any finding blocks, eligible under waiver if a waiver
    /// covered a prohibition, else eligible.
    #[must_use]
    pub fn new(
        request: EligibilityRequest,
        rule_set: impl Into<Cow<'static, str>>,
        findings: Vec<Finding>,
    ) -> Self {
        let outcome = if findings.iter().any(Finding::blocks) {
            Outcome::Ineligible
        } else if findings
            .iter()
            .any(|f| matches!(f.waiver, WaiverStatus::Applied { .. }))
        {
            Outcome::EligibleUnderWaiver
        } else {
            Outcome::Eligible
        };
        Decision {
            request,
            rule_set: rule_set.into(),
            outcome,
            findings: findings.into(),
        }
    }

    /// A decision on `request` with another decision's rule set, outcome and findings,
    /// shared rather than copied (the journal keeps each distinct set once).
    pub(crate) fn from_shared(
        request: EligibilityRequest,
        rule_set: Cow<'static, str>,
        outcome: Outcome,
        findings: Arc<[Finding]>,
    ) -> Self {
        Decision {
            request,
            rule_set,
            outcome,
            findings,
        }
    }

    /// The rule set's version, the outcome and the findings, as shared.
    pub(crate) fn shared_parts(&self) -> (&Cow<'static, str>, Outcome, &Arc<[Finding]>) {
        (&self.rule_set, self.outcome, &self.findings)
    }

    /// The request this decision answers.
    #[must_use]
    pub fn request(&self) -> &EligibilityRequest {
        &self.request
    }

    /// The overall outcome.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// The version id of the rule set that decided.
    #[must_use]
    pub fn rule_set(&self) -> &str {
        &self.rule_set
    }

    /// Every applicable rule's finding, in rule-set order.
    #[must_use]
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The actions the findings require before the assistance goes ahead (vetting,
    /// notices).
    #[must_use]
    pub fn required_actions(&self) -> Vec<&RequiredAction> {
        self.findings
            .iter()
            .flat_map(|f| {
                let own = match &f.outcome {
                    FindingOutcome::Requires { action } => Some(action),
                    FindingOutcome::Exempt { action, .. } => action.as_ref(),
                    FindingOutcome::Allows | FindingOutcome::Prohibits => None,
                };
                let waiver = match &f.waiver {
                    WaiverStatus::Applied { notice, .. } => notice.as_ref(),
                    WaiverStatus::NotNeeded
                    | WaiverStatus::Missing
                    | WaiverStatus::Refused { .. } => None,
                };
                own.into_iter().chain(waiver)
            })
            .collect()
    }

    /// A plain-English explanation, for example: `"ineligible: financing for THA on
    /// 2007-03-01 is prohibited by section 7008 since the coup of 2006-09-19; no waiver"`.
    #[must_use]
    pub fn explanation(&self) -> String {
        let r = &self.request;
        let subject = match r.stage {
            Stage::Obligation => format!("{} for {} on {}", r.program, r.partner, r.date),
            Stage::Expenditure => format!(
                "an expenditure of {} funds for {} on {}",
                r.program, r.partner, r.date
            ),
        };
        let prohibitions: Vec<String> = self
            .findings
            .iter()
            .filter(|f| f.outcome == FindingOutcome::Prohibits)
            .map(|f| {
                let since = f.facts.first().map_or_else(String::new, |fact| {
                    format!(" since {}", fact.kind.since(fact.effective_from))
                });
                let waiver = match &f.waiver {
                    WaiverStatus::Applied {
                        waiver,
                        granted_by,
                        provision,
                        ..
                    } => {
                        format!("waived by {granted_by} under {provision} ({waiver})")
                    }
                    WaiverStatus::Refused { refusals } => {
                        let why: Vec<String> = refusals
                            .iter()
                            .map(|(id, reason)| format!("waiver {id} {reason}"))
                            .collect();
                        format!("no waiver applies: {}", why.join("; "))
                    }
                    WaiverStatus::Missing | WaiverStatus::NotNeeded => "no waiver".to_owned(),
                };
                format!("prohibited by {}{since}; {waiver}", f.title)
            })
            .collect();
        if prohibitions.is_empty() {
            let checked = self.findings.len();
            return format!(
                "{}: {subject} is allowed; {checked} applicable rule{} of rule set {} found no prohibition",
                self.outcome,
                if checked == 1 { "" } else { "s" },
                self.rule_set
            );
        }
        format!(
            "{}: {subject} is {}",
            self.outcome,
            prohibitions.join(", and ")
        )
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation())
    }
}

/// The eligibility gate the ledger consults before an allocation, a commitment or an
/// obligation to a partner, and before a disbursement when the check can refuse
/// expenditures ([`EligibilityCheck::checks_expenditures`], [`Stage`]). Implementations
/// must be deterministic: the same request gives the same decision.
pub trait EligibilityCheck {
    /// Decides `request`.
    fn decide(&self, request: &EligibilityRequest) -> Decision;

    /// Whether this check can refuse an expenditure ([`Stage::Expenditure`]). The ledger
    /// asks about a disbursement only when it is `true`, so a check that never refuses
    /// one says `false` and saves the question. The default, `true`, is always safe.
    fn checks_expenditures(&self) -> bool {
        true
    }
}

impl<T: EligibilityCheck + ?Sized> EligibilityCheck for &T {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        (**self).decide(request)
    }

    fn checks_expenditures(&self) -> bool {
        (**self).checks_expenditures()
    }
}

/// A check that allows everything and says so in every decision: the ledger's default
/// until a caller supplies its rules.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::{AllowAll, EligibilityCheck, EligibilityRequest, Outcome};
/// use security_assistance::{CountryCode, ProgramKind};
///
/// let request = EligibilityRequest::new(
///     "JOR".parse::<CountryCode>()?,
///     ProgramKind::Training,
///     NaiveDate::from_ymd_opt(2008, 1, 15).ok_or("bad date")?,
/// );
/// let decision = AllowAll.decide(&request);
/// assert_eq!(decision.outcome(), Outcome::Eligible);
/// assert!(decision.explanation().contains("rule set allow-all"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AllowAll;

impl AllowAll {
    /// The rule-set version id that [`AllowAll`] decisions carry.
    pub const RULE_SET: &'static str = "allow-all";
}

impl EligibilityCheck for AllowAll {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        Decision::new(request.clone(), AllowAll::RULE_SET, Vec::new())
    }

    fn checks_expenditures(&self) -> bool {
        false
    }
}

/// Decides `request` with `rules` against `facts`.
///
/// Every rule in force on the request's date that governs its program and department gives
/// one finding; a prohibition is looked up among the waivers of that rule for the partner.
#[must_use]
pub fn evaluate(request: &EligibilityRequest, facts: &Facts, rules: &RuleSet) -> Decision {
    let in_force: Vec<&Fact> = facts
        .in_force(request.partner, request.date, request.known_on)
        .collect();
    // Sized to the rules that apply (a cheap test each), so the findings are never moved
    // while they grow (with the built-in rules an obligation has seven: one reallocation
    // each, 7 % of this function; PERFORMANCE.md), and a stored decision keeps no spare room.
    let applicable = rules
        .rules()
        .iter()
        .filter(|rule| rule.applies_to(request))
        .count();
    let mut findings = Vec::with_capacity(applicable);
    for rule in rules.rules() {
        if !rule.applies_to(request) {
            continue;
        }
        let (outcome, used) = match rule.evaluate(request, &in_force) {
            Evaluation::Allows => (FindingOutcome::Allows, Vec::new()),
            Evaluation::Prohibits { facts } => (FindingOutcome::Prohibits, facts),
            Evaluation::Requires { action } => (FindingOutcome::Requires { action }, Vec::new()),
            Evaluation::Exempt {
                exception,
                facts,
                action,
            } => (
                FindingOutcome::Exempt {
                    exception: exception.into_owned(),
                    action,
                },
                facts,
            ),
        };
        let waiver = if outcome == FindingOutcome::Prohibits {
            waiver_status(request, facts, rule)
        } else {
            WaiverStatus::NotNeeded
        };
        findings.push(Finding {
            rule: rule.id().clone(),
            title: rule.title().to_owned(),
            citation: rule.citation().clone(),
            outcome,
            facts: used,
            waiver,
        });
    }
    Decision::new(request.clone(), rules.version_cow(), findings)
}

/// Finds a waiver that covers `rule`'s prohibition for the request, or says why none does.
fn waiver_status(request: &EligibilityRequest, facts: &Facts, rule: &Rule) -> WaiverStatus {
    let mut refusals = Vec::new();
    for waiver in facts.waivers_for(rule.id(), request.partner) {
        match waiver_refusal(request, rule, waiver) {
            None => {
                return WaiverStatus::Applied {
                    waiver: waiver.id.clone(),
                    granted_by: waiver.granted_by,
                    provision: waiver.provision.clone(),
                    notice: rule
                        .waiver()
                        .and_then(|p| p.notice)
                        .map(|notice| RequiredAction::Notice { notice }),
                };
            }
            Some(reason) => refusals.push((waiver.id.clone(), reason)),
        }
    }
    if refusals.is_empty() {
        WaiverStatus::Missing
    } else {
        WaiverStatus::Refused { refusals }
    }
}

fn waiver_refusal(
    request: &EligibilityRequest,
    rule: &Rule,
    waiver: &Waiver,
) -> Option<WaiverRefusal> {
    let Some(policy) = rule.waiver() else {
        return Some(WaiverRefusal::RuleNotWaivable);
    };
    if !policy.officials.contains(&waiver.granted_by) {
        return Some(WaiverRefusal::OfficialNotAllowed {
            granted_by: waiver.granted_by,
            allowed: policy.officials.clone(),
        });
    }
    if request.known_on.is_some_and(|k| waiver.recorded > k) {
        return Some(WaiverRefusal::NotYetKnown {
            recorded: waiver.recorded,
        });
    }
    let in_force =
        waiver.valid_from <= request.date && waiver.valid_to.is_none_or(|to| request.date < to);
    if !in_force {
        return Some(WaiverRefusal::NotInForce {
            valid_from: waiver.valid_from,
            valid_to: waiver.valid_to,
        });
    }
    match &waiver.scope {
        WaiverScope::AllPrograms if policy.per_program => {
            return Some(WaiverRefusal::ProgramScopeRequired);
        }
        WaiverScope::AllPrograms => {}
        WaiverScope::Programs(programs) => {
            if !programs.contains(&request.program) {
                return Some(WaiverRefusal::OtherProgram {
                    covers: programs.clone(),
                });
            }
        }
        WaiverScope::Case(case) => {
            if request.document.as_deref() != Some(case.as_str()) {
                return Some(WaiverRefusal::OtherCase { case: case.clone() });
            }
        }
    }
    match policy.notice {
        Some(Notice::Before(days)) => {
            // Notice must have been given at least `days` before the waiver took effect.
            let due = waiver
                .valid_from
                .checked_sub_days(chrono::Days::new(u64::from(days)));
            let on_time = match (waiver.notice_given, due) {
                (Some(given), Some(due)) => given <= due,
                _ => false,
            };
            if !on_time {
                return Some(WaiverRefusal::NoticeLate {
                    due: due.unwrap_or(waiver.valid_from),
                });
            }
        }
        Some(Notice::Within(days)) => {
            // Notice may follow the waiver, but once the window has passed it must have
            // been given within it.
            let due = waiver
                .valid_from
                .checked_add_days(chrono::Days::new(u64::from(days)))
                .unwrap_or(waiver.valid_from);
            let late = match waiver.notice_given {
                Some(given) => given > due,
                None => request.date > due,
            };
            if late {
                return Some(WaiverRefusal::NoticeLate { due });
            }
        }
        None => {}
    }
    None
}

/// The eligibility gate built from facts and a rule set.
///
/// ```
/// use std::sync::Arc;
/// use security_assistance::budget::Ledger;
/// use security_assistance::eligibility::{Engine, Facts, RuleSet};
/// let engine = Engine::new(Facts::new(), RuleSet::builtin());
/// let ledger = Ledger::new(Arc::new(engine));
/// assert!(ledger.journal().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    facts: Facts,
    rules: RuleSet,
}

impl Engine {
    /// An engine deciding with `rules` against `facts`.
    #[must_use]
    pub fn new(facts: Facts, rules: RuleSet) -> Engine {
        Engine { facts, rules }
    }

    /// The facts.
    #[must_use]
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// The rules.
    #[must_use]
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }
}

impl EligibilityCheck for Engine {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        evaluate(request, &self.facts, &self.rules)
    }

    fn checks_expenditures(&self) -> bool {
        self.rules.rules().iter().any(Rule::bars_expenditures)
    }
}

#[cfg(test)]
mod tests;

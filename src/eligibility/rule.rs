//! Rules with citations, their findings, waivers, and rule sets.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::EligibilityRequest;
use super::fact::Fact;
use crate::law::Citation;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// Whose appropriations fund a request: the eligibility laws differ by department.
///
/// The ledger derives it from the account's agency code (`070` Homeland Security;
/// `017`, `021`, `057`, `097` Defense; anything else State and foreign operations).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Department {
    /// Foreign operations funds under the Foreign Assistance Act and the Arms Export Control
    /// Act (the annual SFOPS act).
    #[default]
    State,
    /// Defense funds (title 10).
    Defense,
    /// Homeland Security funds: the seed paper's program, to which the same rule types apply
    /// as configurable policy, by analogy.
    HomelandSecurity,
}

impl Department {
    /// The department whose funds a Treasury agency code designates.
    ///
    /// ```
    /// use security_assistance::eligibility::Department;
    /// assert_eq!(Department::from_agency_code(70), Department::HomelandSecurity);
    /// assert_eq!(Department::from_agency_code(97), Department::Defense);
    /// assert_eq!(Department::from_agency_code(11), Department::State);
    /// ```
    #[must_use]
    pub const fn from_agency_code(agency: u16) -> Department {
        match agency {
            70 => Department::HomelandSecurity,
            17 | 21 | 57 | 97 => Department::Defense,
            _ => Department::State,
        }
    }
}

/// An official who may grant a waiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Official {
    /// The President.
    President,
    /// The Secretary of State.
    SecretaryOfState,
    /// The Secretary of Defense.
    SecretaryOfDefense,
    /// The Secretary of Homeland Security.
    SecretaryOfHomelandSecurity,
}

impl fmt::Display for Official {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Official::President => "the President",
            Official::SecretaryOfState => "the Secretary of State",
            Official::SecretaryOfDefense => "the Secretary of Defense",
            Official::SecretaryOfHomelandSecurity => "the Secretary of Homeland Security",
        })
    }
}

/// When a required notice to Congress falls relative to the action it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "timing", content = "days")]
#[non_exhaustive]
pub enum Notice {
    /// At least this many calendar days before.
    Before(u32),
    /// Within this many calendar days after.
    Within(u32),
}

/// Who may waive a rule, how narrowly, and what notice the waiver needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct WaiverPolicy {
    /// The officials who may grant it.
    pub officials: Vec<Official>,
    /// `true` when a waiver must name the programs it covers (program by program).
    pub per_program: bool,
    /// The notice a waiver needs, counted from its first day of validity.
    pub notice: Option<Notice>,
}

/// The identifier of a rule, such as `"coup-7008"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct RuleId(Cow<'static, str>);

impl RuleId {
    /// An identifier.
    #[must_use]
    pub fn new(id: impl Into<Cow<'static, str>>) -> RuleId {
        RuleId(id.into())
    }

    pub(crate) const fn fixed(id: &'static str) -> RuleId {
        RuleId(Cow::Borrowed(id))
    }

    /// The identifier's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// An action a rule requires before the assistance may go ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "action")]
#[non_exhaustive]
pub enum RequiredAction {
    /// Human-rights vetting of the recipient unit or person.
    Vetting,
    /// A report or notice to Congress.
    Notice {
        /// When it is due.
        notice: Notice,
    },
}

/// What a rule's test says about a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Evaluation {
    /// Nothing in the facts triggers the rule.
    Allows,
    /// The facts trigger the rule.
    Prohibits {
        /// The facts that trigger it.
        facts: Vec<Fact>,
    },
    /// The assistance may go ahead once the action is taken.
    Requires {
        /// The action.
        action: RequiredAction,
    },
    /// The facts trigger the rule, but a statutory exception covers the request.
    Exempt {
        /// The exception, in words.
        exception: Cow<'static, str>,
        /// The facts that triggered the rule.
        facts: Vec<Fact>,
        /// An action the exception requires, such as a report within 15 days.
        action: Option<RequiredAction>,
    },
}

/// The test a [`Rule`] applies to the facts in force for a request.
///
/// Implement it for a custom rule; it must be deterministic.
pub trait RuleTest: fmt::Debug + Send + Sync {
    /// Evaluates `request` against `facts`: the facts about the request's partner in force
    /// on its date, as known on its `known_on` date.
    fn evaluate(&self, request: &EligibilityRequest, facts: &[&Fact]) -> Evaluation;
}

/// A rule of eligibility: which programs and funds it governs, when it is in force, whether
/// and by whom it can be waived, its citation, and its test.
///
/// ```
/// use security_assistance::eligibility::{Evaluation, Rule, RuleId, RuleTest, EligibilityRequest, Fact};
/// use security_assistance::{Citation, ProgramKind};
///
/// #[derive(Debug)]
/// struct NoLeasesToAnyone;
/// impl RuleTest for NoLeasesToAnyone {
///     fn evaluate(&self, _: &EligibilityRequest, _: &[&Fact]) -> Evaluation {
///         Evaluation::Prohibits { facts: Vec::new() }
///     }
/// }
/// let rule = Rule::new(RuleId::new("no-leases"), "agency lease moratorium",
///     Citation::new("Agency policy", "12"), vec![ProgramKind::Leases], NoLeasesToAnyone);
/// assert_eq!(rule.id().as_str(), "no-leases");
/// assert!(rule.waiver().is_none());
/// ```
#[derive(Clone)]
pub struct Rule {
    id: RuleId,
    title: Cow<'static, str>,
    citation: Citation,
    governs: Vec<ProgramKind>,
    departments: Vec<Department>,
    effective_from: Option<NaiveDate>,
    effective_to: Option<NaiveDate>,
    effective_source: Option<Cow<'static, str>>,
    waiver: Option<WaiverPolicy>,
    expenditures: bool,
    test: Arc<dyn RuleTest>,
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("citation", &self.citation)
            .field("governs", &self.governs)
            .field("departments", &self.departments)
            .field("effective_from", &self.effective_from)
            .field("effective_to", &self.effective_to)
            .field("effective_source", &self.effective_source)
            .field("waiver", &self.waiver)
            .field("expenditures", &self.expenditures)
            .field("test", &self.test)
            .finish()
    }
}

impl Rule {
    /// A rule governing `governs` for State (foreign operations) funds, always in force, not
    /// waivable. Refine it with the builder methods.
    pub fn new(
        id: RuleId,
        title: impl Into<Cow<'static, str>>,
        citation: Citation,
        governs: Vec<ProgramKind>,
        test: impl RuleTest + 'static,
    ) -> Rule {
        Rule {
            id,
            title: title.into(),
            citation,
            governs,
            departments: vec![Department::State],
            effective_from: None,
            effective_to: None,
            effective_source: None,
            waiver: None,
            expenditures: false,
            test: Arc::new(test),
        }
    }

    /// The same rule, governing the funds of `departments`.
    #[must_use]
    pub fn for_departments(mut self, departments: Vec<Department>) -> Rule {
        self.departments = departments;
        self
    }

    /// The same rule, in force from `from` (inclusive) until `to` (exclusive). A `from`
    /// other than the one [`Rule::took_effect`] gave drops that source: the caller's date
    /// is no longer the statute's.
    #[must_use]
    pub fn in_force(mut self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> Rule {
        if from != self.effective_from {
            self.effective_source = None;
        }
        self.effective_from = from;
        self.effective_to = to;
        self
    }

    /// The same rule, in force from `date` (inclusive), the day its statute took effect, as
    /// `source` says (the enacting law and where the date was read). A request dated
    /// before `date` is not decided under the rule.
    ///
    /// ```
    /// # use security_assistance::eligibility::{Evaluation, EligibilityRequest, Fact, Rule, RuleId, RuleTest};
    /// # use security_assistance::{Citation, ProgramKind};
    /// # #[derive(Debug)]
    /// # struct Never;
    /// # impl RuleTest for Never {
    /// #     fn evaluate(&self, _: &EligibilityRequest, _: &[&Fact]) -> Evaluation { Evaluation::Allows }
    /// # }
    /// let day = chrono::NaiveDate::from_ymd_opt(2009, 6, 21).ok_or("date")?;
    /// let rule = Rule::new(RuleId::new("cspa"), "the Child Soldiers Prevention Act",
    ///     Citation::new("22 U.S.C.", "2370c-1"), vec![ProgramKind::Training], Never)
    ///     .took_effect(day, "P.L. 110-457 sec. 404(a), 180 days after 2008-12-23");
    /// assert_eq!(rule.effective_from(), Some(day));
    /// assert_eq!(rule.effective_source(), Some("P.L. 110-457 sec. 404(a), 180 days after 2008-12-23"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn took_effect(mut self, date: NaiveDate, source: impl Into<Cow<'static, str>>) -> Rule {
        self.effective_from = Some(date);
        self.effective_source = Some(source.into());
        self
    }

    /// The first day the rule is in force, if it has one.
    #[must_use]
    pub fn effective_from(&self) -> Option<NaiveDate> {
        self.effective_from
    }

    /// Where the rule's first day was read (the enacting law), if
    /// [`Rule::took_effect`] gave one.
    #[must_use]
    pub fn effective_source(&self) -> Option<&str> {
        self.effective_source.as_deref()
    }

    /// The same rule, waivable under `policy`.
    #[must_use]
    pub fn waivable(mut self, policy: WaiverPolicy) -> Rule {
        self.waiver = Some(policy);
        self
    }

    /// The same rule, barring expenditures too: its law says no funds shall be "obligated
    /// or expended", so it is also asked before a disbursement on an earlier obligation
    /// ([`Stage::Expenditure`](super::Stage::Expenditure)).
    #[must_use]
    pub fn barring_expenditures(mut self) -> Rule {
        self.expenditures = true;
        self
    }

    /// Whether the rule also bars expenditures on earlier obligations.
    #[must_use]
    pub fn bars_expenditures(&self) -> bool {
        self.expenditures
    }

    /// The rule's id.
    #[must_use]
    pub fn id(&self) -> &RuleId {
        &self.id
    }

    /// The rule's title, as used in explanations ("section 7008").
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The law it carries out.
    #[must_use]
    pub fn citation(&self) -> &Citation {
        &self.citation
    }

    /// The program kinds it governs.
    #[must_use]
    pub fn governs(&self) -> &[ProgramKind] {
        &self.governs
    }

    /// The departments whose funds it governs.
    #[must_use]
    pub fn departments(&self) -> &[Department] {
        &self.departments
    }

    /// Who may waive it; `None` if it cannot be waived.
    #[must_use]
    pub fn waiver(&self) -> Option<&WaiverPolicy> {
        self.waiver.as_ref()
    }

    /// `true` if the rule is in force on `date` and governs the request's program and funds
    /// and, for an expenditure, bars expenditures.
    #[must_use]
    pub fn applies_to(&self, request: &EligibilityRequest) -> bool {
        (request.stage == super::Stage::Obligation || self.expenditures)
            && self.effective_from.is_none_or(|f| f <= request.date)
            && self.effective_to.is_none_or(|t| request.date < t)
            && self.governs.contains(&request.program)
            && self.departments.contains(&request.department)
    }

    pub(crate) fn evaluate(&self, request: &EligibilityRequest, facts: &[&Fact]) -> Evaluation {
        self.test.evaluate(request, facts)
    }
}

/// Which programs or case a [`Waiver`] covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "scope", content = "of")]
#[non_exhaustive]
pub enum WaiverScope {
    /// Every program the rule governs.
    AllPrograms,
    /// These program kinds only.
    Programs(Vec<ProgramKind>),
    /// One case, agreement or other document only.
    Case(String),
}

/// A waiver of one rule's finding for one partner, granted by a named official under a
/// cited provision, for a scope and a period.
///
/// It is valid from `valid_from` up to, not including, `valid_to`, and known from
/// `recorded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Waiver {
    /// The waiver's identifier, such as a determination number ("PD 2021-01").
    pub id: String,
    /// The rule whose finding it covers.
    pub rule: RuleId,
    /// The partner.
    pub partner: CountryCode,
    /// The programs or case covered.
    pub scope: WaiverScope,
    /// Who granted it.
    pub granted_by: Official,
    /// The provision it was granted under.
    pub provision: Citation,
    /// First day of validity.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub valid_from: NaiveDate,
    /// First day no longer valid, if it ends.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub valid_to: Option<NaiveDate>,
    /// The day the required notice was given to Congress, if it was.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub notice_given: Option<NaiveDate>,
    /// The day it was recorded.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub recorded: NaiveDate,
}

/// Why a waiver did not cover a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum WaiverRefusal {
    /// The rule cannot be waived.
    RuleNotWaivable,
    /// The official who granted it may not waive this rule.
    OfficialNotAllowed {
        /// Who granted it.
        granted_by: Official,
        /// Who may.
        allowed: Vec<Official>,
    },
    /// The decision date is outside the waiver's validity.
    NotInForce {
        /// First day of validity.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        valid_from: NaiveDate,
        /// First day no longer valid.
        #[serde(
            default,
            deserialize_with = "crate::fiscal::date_serde::deserialize_option"
        )]
        valid_to: Option<NaiveDate>,
    },
    /// The waiver was recorded after the date the decision is made as known on.
    NotYetKnown {
        /// When it was recorded.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        recorded: NaiveDate,
    },
    /// The waiver covers other programs.
    OtherProgram {
        /// The programs it covers.
        covers: Vec<ProgramKind>,
    },
    /// The waiver covers another case.
    OtherCase {
        /// The case it covers.
        case: String,
    },
    /// The rule is waived program by program, and the waiver names no programs.
    ProgramScopeRequired,
    /// The required notice was not given in time.
    NoticeLate {
        /// The last day it could have been given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        due: NaiveDate,
    },
}

impl fmt::Display for WaiverRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaiverRefusal::RuleNotWaivable => f.write_str("the rule cannot be waived"),
            WaiverRefusal::OfficialNotAllowed {
                granted_by,
                allowed,
            } => {
                let names: Vec<String> = allowed.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "granted by {granted_by}, but only {} may waive it",
                    names.join(" or ")
                )
            }
            WaiverRefusal::NotInForce {
                valid_from,
                valid_to,
            } => match valid_to {
                Some(to) => write!(f, "valid only from {valid_from} until {to}"),
                None => write!(f, "valid only from {valid_from}"),
            },
            WaiverRefusal::NotYetKnown { recorded } => write!(f, "not recorded until {recorded}"),
            WaiverRefusal::OtherProgram { covers } => {
                let names: Vec<&str> = covers.iter().map(|p| p.as_str()).collect();
                write!(f, "covers only {}", names.join(", "))
            }
            WaiverRefusal::OtherCase { case } => write!(f, "covers only case {case}"),
            WaiverRefusal::ProgramScopeRequired => {
                f.write_str("the rule is waived program by program and the waiver names none")
            }
            WaiverRefusal::NoticeLate { due } => write!(f, "notice to Congress was due by {due}"),
        }
    }
}

/// Whether a prohibiting finding was waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "status")]
#[non_exhaustive]
pub enum WaiverStatus {
    /// The finding does not prohibit, so no waiver is needed.
    NotNeeded,
    /// A waiver covers the finding.
    Applied {
        /// The waiver.
        waiver: String,
        /// Who granted it.
        granted_by: Official,
        /// Under which provision.
        provision: Citation,
        /// The notice to Congress the waiver requires, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        notice: Option<RequiredAction>,
    },
    /// No waiver exists for this rule and partner.
    Missing,
    /// Waivers exist, and none covers the finding; each one's reason.
    Refused {
        /// `(waiver id, reason)` pairs.
        refusals: Vec<(String, WaiverRefusal)>,
    },
}

/// What a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "finding")]
#[non_exhaustive]
pub enum FindingOutcome {
    /// The rule allows the assistance.
    Allows,
    /// The rule prohibits it (unless waived).
    Prohibits,
    /// The assistance may go ahead once an action is taken.
    Requires {
        /// The action.
        action: RequiredAction,
    },
    /// The rule is triggered, and a statutory exception covers the request.
    Exempt {
        /// The exception.
        exception: String,
        /// An action the exception requires.
        action: Option<RequiredAction>,
    },
}

/// One rule's finding in a [`Decision`](super::Decision): the rule, its citation, the facts
/// it used, the outcome, and whether a waiver applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Finding {
    /// The rule.
    pub rule: RuleId,
    /// The rule's title.
    pub title: String,
    /// The rule's citation.
    pub citation: Citation,
    /// What it found.
    pub outcome: FindingOutcome,
    /// The facts it used.
    pub facts: Vec<Fact>,
    /// Whether a waiver covered a prohibition.
    pub waiver: WaiverStatus,
}

impl Finding {
    /// `true` if the finding prohibits the assistance and no waiver covers it.
    #[must_use]
    pub fn blocks(&self) -> bool {
        self.outcome == FindingOutcome::Prohibits
            && !matches!(self.waiver, WaiverStatus::Applied { .. })
    }
}

/// A versioned set of rules. The version travels in every decision.
///
/// ```
/// use security_assistance::eligibility::RuleSet;
/// let rules = RuleSet::builtin();
/// assert!(rules.rules().iter().any(|r| r.id().as_str() == "coup-7008"));
/// let mine = RuleSet::builtin().with_version("agency-2026-1");
/// assert_eq!(mine.version(), "agency-2026-1");
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    version: Cow<'static, str>,
    rules: Vec<Rule>,
}

impl RuleSet {
    /// An empty rule set with a version id.
    #[must_use]
    pub fn new(version: impl Into<Cow<'static, str>>) -> RuleSet {
        RuleSet {
            version: version.into(),
            rules: Vec::new(),
        }
    }

    /// The built-in rules: Brooke, section 7008, the Child Soldiers Prevention Act,
    /// trafficking Tier 3, state sponsors of terrorism, AECA 3(c), the two Leahy laws and
    /// general sanctions (see the built-in rule table in the `eligibility` module source).
    #[must_use]
    pub fn builtin() -> RuleSet {
        RuleSet {
            version: Cow::Borrowed(super::builtin::VERSION),
            rules: super::builtin::rules(),
        }
    }

    /// The same rules under another version id.
    #[must_use]
    pub fn with_version(mut self, version: impl Into<Cow<'static, str>>) -> RuleSet {
        self.version = version.into();
        self
    }

    /// The same set with `rule` added, replacing any rule with the same id.
    #[must_use]
    pub fn with_rule(mut self, rule: Rule) -> RuleSet {
        self.rules.retain(|r| r.id != rule.id);
        self.rules.push(rule);
        self
    }

    /// The same set without the rule `id`.
    #[must_use]
    pub fn without_rule(mut self, id: &str) -> RuleSet {
        self.rules.retain(|r| r.id.as_str() != id);
        self
    }

    /// The version id.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    pub(crate) fn version_cow(&self) -> Cow<'static, str> {
        self.version.clone()
    }

    /// The rules, in evaluation order.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }
}

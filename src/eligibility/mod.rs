//! Who may receive assistance: the eligibility gate that the ledger consults.
//!
//! The ledger asks an [`EligibilityCheck`] before it records an allocation or an obligation
//! for a partner, and keeps the [`Decision`] that allowed it in the journal. A refused
//! decision travels inside the ledger's rejection.
//!
//! [`AllowAll`] is the check to use when no eligibility rules apply; its decisions say so.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// A question for the eligibility gate: may `partner` receive `program` on `date`?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRequest {
    /// The partner country that would receive the assistance.
    pub partner: CountryCode,
    /// The kind of program.
    pub program: ProgramKind,
    /// The date the assistance would be allocated or obligated.
    pub date: NaiveDate,
    /// The amount, when one is known.
    pub amount: Option<Money>,
    /// The case, agreement or other document, when the request is for one (a waiver may
    /// cover a single case).
    pub document: Option<String>,
}

impl EligibilityRequest {
    /// A request for `program` to `partner` on `date`, without amount or document.
    #[must_use]
    pub fn new(partner: CountryCode, program: ProgramKind, date: NaiveDate) -> Self {
        EligibilityRequest {
            partner,
            program,
            date,
            amount: None,
            document: None,
        }
    }
}

/// The overall answer of a [`Decision`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
        f.write_str(match self {
            Outcome::Eligible => "eligible",
            Outcome::EligibleUnderWaiver => "eligible under waiver",
            Outcome::Ineligible => "ineligible",
        })
    }
}

/// The answer to an [`EligibilityRequest`], with the rule-set version that produced it and
/// a plain-English explanation.
///
/// The ledger stores the decision with the journal entry it allowed, so an auditor can see
/// why money went to a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    request: EligibilityRequest,
    outcome: Outcome,
    rule_set: String,
    explanation: String,
}

impl Decision {
    /// A decision on `request`, for implementors of [`EligibilityCheck`].
    #[must_use]
    pub fn new(
        request: EligibilityRequest,
        outcome: Outcome,
        rule_set: impl Into<String>,
        explanation: impl Into<String>,
    ) -> Self {
        Decision {
            request,
            outcome,
            rule_set: rule_set.into(),
            explanation: explanation.into(),
        }
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

    /// A plain-English explanation, for example
    /// `"eligible: no eligibility rules were configured"`.
    #[must_use]
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explanation)
    }
}

/// The eligibility gate the ledger consults before an allocation or an obligation to a
/// partner.
///
/// Implementations must be deterministic: the same request gives the same decision.
pub trait EligibilityCheck {
    /// Decides `request`.
    fn decide(&self, request: &EligibilityRequest) -> Decision;
}

/// A check that allows everything and says so in every decision: the default until a
/// caller supplies its rules.
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
/// assert!(decision.explanation().contains("no eligibility rules"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AllowAll;

impl AllowAll {
    /// The rule-set version id that [`AllowAll`] decisions carry.
    pub const RULE_SET: &'static str = "allow-all";
}

impl EligibilityCheck for AllowAll {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        Decision {
            explanation: format!(
                "eligible: {} for {} on {} is allowed because no eligibility rules were configured",
                request.program, request.partner, request.date
            ),
            request: request.clone(),
            outcome: Outcome::Eligible,
            rule_set: AllowAll::RULE_SET.to_owned(),
        }
    }
}

impl<T: EligibilityCheck + ?Sized> EligibilityCheck for &T {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        (**self).decide(request)
    }
}

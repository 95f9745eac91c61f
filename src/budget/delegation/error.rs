//! What authority a refused command lacked.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BEYOND_REGULATION, CERTIFYING_OFFICIAL, FUND_CONTROL, Power, SEGREGATION, VOUCHERS};
use crate::budget::ids::{AccountSymbol, Actor, CommandId, DocumentId};
use crate::fiscal::FiscalYear;
use crate::law::Citation;
use crate::money::Money;

/// Why delegated authority refused a command: the problem inside
/// [`BudgetError::Unauthorized`](crate::budget::BudgetError::Unauthorized), each naming what
/// was missing. [`AuthorityError::citation`] gives the provision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "problem", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum AuthorityError {
    /// The actor holds no delegation, known when the command was recorded, that gives
    /// the power in its role.
    #[error("{actor} holds no delegation to {power}")]
    NoDelegation {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
    },
    /// The delegation does not reach the command's account, funds holder, program or
    /// partner.
    #[error(
        "{value} is outside the {dimension} of delegation {delegation} held by {actor} to {power}"
    )]
    OutOfScope {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation judged.
        delegation: CommandId,
        /// `accounts`, `holders`, `programs` or `partners`.
        dimension: String,
        /// What the command reached there (`none` for no partner).
        value: String,
    },
    /// The amount is above the delegation's limit per command.
    #[error(
        "{amount} is above the limit of {limit} per command of delegation {delegation} held by {actor}"
    )]
    OverCommandLimit {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation judged.
        delegation: CommandId,
        /// Its limit per command.
        limit: Money,
        /// The command's amount.
        amount: Money,
    },
    /// The amount would take the commands under a delegation (this one or one above it)
    /// beyond its cumulative limit for the fiscal year.
    #[error(
        "{amount} with the {used} already used in fiscal year {fiscal_year} is above the limit of {limit} of delegation {delegation} (held by {actor} or above)"
    )]
    OverCumulativeLimit {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation whose limit would be passed.
        delegation: CommandId,
        /// The fiscal year of the command's date.
        fiscal_year: FiscalYear,
        /// The limit for the year.
        limit: Money,
        /// What commands under it already used in the year.
        used: Money,
        /// The command's amount.
        amount: Money,
    },
    /// The delegation expired before the command's date.
    #[error("delegation {delegation} held by {actor} expired on {expires}, before {date}")]
    Expired {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation judged.
        delegation: CommandId,
        /// Its last day.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expires: NaiveDate,
        /// The command's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The delegation, or one above it, was revoked from a date on or before the command's.
    #[error("delegation {delegation} held by {actor} is revoked from {from} by {revocation}")]
    Revoked {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation judged.
        delegation: CommandId,
        /// The revocation (of it or of one above it).
        revocation: CommandId,
        /// The revocation's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        from: NaiveDate,
    },
    /// The delegation takes effect after the command's date.
    #[error("delegation {delegation} held by {actor} takes effect on {effective}, after {date}")]
    NotYetEffective {
        /// Who.
        actor: Actor,
        /// The power needed.
        power: Power,
        /// The delegation judged.
        delegation: CommandId,
        /// Its effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        effective: NaiveDate,
        /// The command's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A disbursement names no certifying officer.
    #[error("the disbursement on document {document} names no certifying officer")]
    NoCertifyingOfficer {
        /// The document paid.
        document: DocumentId,
    },
    /// The certifying officer obligated the document paid.
    #[error("{officer} obligated document {document} and may not certify its payment")]
    CertifierObligated {
        /// The certifying officer named.
        officer: Actor,
        /// The document.
        document: DocumentId,
    },
    /// An obligation above the threshold names no second approver.
    #[error("an obligation of {amount}, above {threshold}, names no second approver")]
    NoSecondApprover {
        /// The amount obligated.
        amount: Money,
        /// The policy's threshold.
        threshold: Money,
    },
    /// The second approver is the obligating actor.
    #[error("{approver} obligates and may not also approve")]
    ApproverObligates {
        /// The approver named.
        approver: Actor,
    },
    /// No delegation with this id is known.
    #[error("no delegation {delegation} is known")]
    UnknownDelegation {
        /// The id asked for.
        delegation: CommandId,
    },
    /// A re-delegation is made by someone other than the holder of its parent.
    #[error("delegation {parent} is held by {holder}, not by {actor}")]
    NotHolder {
        /// The parent delegation.
        parent: CommandId,
        /// Its holder.
        holder: Actor,
        /// Who tried to re-delegate it.
        actor: Actor,
    },
    /// A root delegation is made by someone other than the head of an account's agency.
    #[error("{actor} is not the head of the agency of account {account}")]
    NotAgencyHead {
        /// Who tried.
        actor: Actor,
        /// The account in its scope.
        account: AccountSymbol,
    },
    /// A root delegation names no account.
    #[error("a root delegation must name its accounts")]
    RootWithoutAccounts,
    /// A re-delegation would give more than its parent holds.
    #[error("the delegation gives more than delegation {parent} holds: its {what}")]
    BeyondParent {
        /// The parent delegation.
        parent: CommandId,
        /// What is beyond it: a scope dimension, `powers`, `per_command`, `per_year`,
        /// `dates`, or `revoked`.
        what: String,
    },
    /// The grant is malformed.
    #[error("malformed delegation: {what}")]
    BadGrant {
        /// What is wrong.
        what: String,
    },
    /// The delegation is already revoked.
    #[error("delegation {delegation} is already revoked by {revocation}")]
    AlreadyRevoked {
        /// The delegation.
        delegation: CommandId,
        /// The earlier revocation.
        revocation: CommandId,
    },
    /// Only those above a delegation in its chain (its grantor, the holders and grantors
    /// above) may revoke it.
    #[error("{actor} is not above delegation {delegation} and may not revoke it")]
    NotAbove {
        /// The delegation.
        delegation: CommandId,
        /// Who tried.
        actor: Actor,
    },
}

impl AuthorityError {
    /// The provision the refusal applies.
    ///
    /// ```
    /// use security_assistance::budget::{AuthorityError, Power};
    /// let err = AuthorityError::NoDelegation { actor: "clerk".parse()?, power: Power::Obligate };
    /// assert_eq!(err.citation().to_string(), "31 U.S.C. 1514(a)");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn citation(&self) -> Citation {
        match self {
            AuthorityError::NoDelegation { power, .. }
            | AuthorityError::OutOfScope { power, .. }
            | AuthorityError::Expired { power, .. }
            | AuthorityError::Revoked { power, .. }
            | AuthorityError::NotYetEffective { power, .. } => power.citation(),
            AuthorityError::OverCommandLimit { power, .. }
            | AuthorityError::OverCumulativeLimit { power, .. } => match power {
                Power::Certify => CERTIFYING_OFFICIAL,
                Power::Approve => SEGREGATION,
                _ => BEYOND_REGULATION,
            },
            AuthorityError::NoCertifyingOfficer { .. } => VOUCHERS,
            AuthorityError::CertifierObligated { .. }
            | AuthorityError::NoSecondApprover { .. }
            | AuthorityError::ApproverObligates { .. } => SEGREGATION,
            AuthorityError::UnknownDelegation { .. }
            | AuthorityError::NotHolder { .. }
            | AuthorityError::NotAgencyHead { .. }
            | AuthorityError::RootWithoutAccounts
            | AuthorityError::BeyondParent { .. }
            | AuthorityError::BadGrant { .. }
            | AuthorityError::AlreadyRevoked { .. }
            | AuthorityError::NotAbove { .. } => FUND_CONTROL,
        }
    }
}

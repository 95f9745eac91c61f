//! Delegated fund-control authority: who may do what with which money, segregation of
//! duties, and the audit trail (DESIGN invariant 10).
//!
//! # The law
//!
//! - 31 U.S.C. 1514(a): the head of each agency prescribes, by regulation approved by OMB, a
//!   system of administrative control of funds that fixes responsibility within the agency
//!   for obligations and expenditures. OMB Circular A-11 Appendix H (fund control
//!   regulations) says what those regulations contain: who may subdivide and use funds,
//!   and up to what amount.
//! - 31 U.S.C. 1517(a)(2): no officer or employee may make or authorize an obligation or
//!   expenditure exceeding an amount permitted by those regulations; it is reportable as a
//!   violation like an overobligation of an apportionment.
//! - 31 U.S.C. 3325(a)(1): a disbursing official pays only on a voucher certified by the
//!   head of the agency or by an officer or employee with written authorization from the
//!   head of the agency to certify vouchers; 31 U.S.C. 3528(a) makes that certifying
//!   official accountable for the certification.
//! - GAO, Standards for Internal Control in the Federal Government (GAO-14-704G, the
//!   Green Book), principle 10 (paragraph 10.13): management segregates key duties, so that
//!   no one person both authorizes a transaction and processes, records or reviews it; here,
//!   whoever obligates a document never certifies its payment, and an obligation above the
//!   agency's threshold needs a second approver.
//!
//! # The model
//!
//! A delegation is a journaled command ([`Action::Delegate`](super::Action::Delegate)): its
//! id is the command's id, its grantor the command's actor, its effective date the command's
//! date, and its [`Grant`] says to whom, in which [`Role`], with which [`Power`]s, within
//! which [`Scope`] (accounts, funds holders, programs, partners), with a limit per command
//! and a cumulative limit per fiscal year, until which expiry. The root of every chain is
//! the authority the appropriation names: the head of the agency of the account (the
//! account symbol's agency code), by role, named in the [`Policy`]. A delegate may
//! re-delegate no more than it holds: a narrower or equal scope, a subset of its powers,
//! limits not above its own, an expiry not after its own.
//! [`Action::Revoke`](super::Action::Revoke) ends a delegation, and every one made under it,
//! from its date.
//!
//! A [`Ledger`](super::Ledger) runs under a [`Policy`]: [`Policy::Open`] (the default: any
//! actor may issue any command, as before) or [`Policy::Delegated`], under which every
//! command of the agency's fund control (allotment, allocation, commitment, obligation,
//! disbursement, see [`Power::of`]) is checked after its shape and before existence, time,
//! purpose and amount: its actor must hold a delegation in force on the command's date, as
//! known when it is recorded, that covers the power, the scope and the amount. Acts of law
//! and of OMB (appropriations, resolutions, apportionments, transfers, rescissions,
//! collections) are outside the agency's delegations and are not checked.
//!
//! # Which refusal
//!
//! The actor's delegations that give the power are each judged in this order: scope,
//! limit per command, cumulative limit for the fiscal year (of the delegation and of each
//! one above it), expiry, revocation (of the delegation or one above it), effective date.
//! The first delegation that passes every check covers the command. If none does, the
//! refusal is that of the delegation that came furthest through the list (the earliest
//! made, on a tie); if the actor holds none that gives the power, [`AuthorityError::NoDelegation`].
//! A disbursement then needs its certifying officer (not the actor who obligated the
//! document, then holding a covering certifying delegation), and an obligation above the
//! policy's threshold its second approver (not the obligating actor, then holding a
//! covering approving delegation).
//!
//! # Limits
//!
//! Limits count what a command adds: positive amounts of allotments, allocations,
//! reprogrammings, commitments, obligations, upward adjustments, charges to current
//! accounts and disbursements. Withdrawals, decommitments, downward adjustments and refunds
//! give money back and still need a delegation, but use none of its limits. A command
//! counts against the delegation that covered it and every delegation above it, in the
//! fiscal year of the command's date; usage starts when the ledger runs under the policy.
//!
//! # Replay
//!
//! The policy is not in the journal; the delegations and revocations it judges by are. The
//! system of record keeps it beside the journal: a store records the policy its ledger was
//! first opened under, and [`DurableLedger::open`](crate::store::DurableLedger::open) takes
//! the policy explicitly and refuses another than the recorded one, so a store under
//! delegated authority never reopens open. [`Ledger::replay`](super::Ledger::replay)
//! gives an open ledger; [`Ledger::set_policy`](super::Ledger::set_policy) then decides
//! every entry again in the order the ledger accepted them (sequence order) against the
//! delegations recorded before it, exactly as `apply` did, and refuses the policy if an
//! entry would not have been accepted under it. So
//! `Ledger::replay(journal, check)?.set_policy(policy)` rebuilds an equal ledger.

mod audit;
mod error;
mod register;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::command::Action;
use super::ids::{AccountSymbol, Actor, CommandId, FundsHolder};
use super::journal::{Compact, Reader, Symbols};
use crate::law::Citation;
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

pub use audit::{AuditRow, Signer};
pub use error::AuthorityError;
pub(crate) use register::Authority;
pub use register::Delegation;

/// 31 U.S.C. 1514(a): the agency's regulations for the administrative control of funds.
pub(crate) const FUND_CONTROL: Citation = Citation::fixed("31 U.S.C.", "1514", Some("(a)"));
/// 31 U.S.C. 1517(a)(2): an obligation or expenditure beyond the amount the fund control
/// regulations permit.
pub(crate) const BEYOND_REGULATION: Citation = Citation::fixed("31 U.S.C.", "1517", Some("(a)(2)"));
/// 31 U.S.C. 3325(a)(1): payment only on a voucher certified by an authorized officer.
pub(crate) const VOUCHERS: Citation = Citation::fixed("31 U.S.C.", "3325", Some("(a)(1)"));
/// 31 U.S.C. 3528(a): the certifying official's responsibilities.
pub(crate) const CERTIFYING_OFFICIAL: Citation = Citation::fixed("31 U.S.C.", "3528", Some("(a)"));
/// GAO-14-704G (the Green Book), principle 10, paragraph 10.13: segregation of duties.
pub(crate) const SEGREGATION: Citation = Citation::fixed(
    "GAO-14-704G, Standards for Internal Control in the Federal Government",
    "10.13",
    None,
);

/// The role a delegation gives its holder, which says which of its [`Power`]s it exercises
/// itself (the others it may only re-delegate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Role {
    /// A funds holder (allotment holder, fund-control officer): allots, allocates,
    /// commits, obligates and disburses.
    FundsHolder,
    /// A certifying officer (31 U.S.C. 3325(a)(1), 3528): certifies vouchers for payment.
    CertifyingOfficer,
    /// An approving official: gives the second approval of large obligations.
    ApprovingOfficial,
}

/// What a delegation allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Power {
    /// Allot to funds holders ([`Action::Allot`]).
    Allot,
    /// Allocate and reprogram ([`Action::Allocate`], [`Action::Reprogram`]).
    Allocate,
    /// Commit and decommit ([`Action::Commit`], [`Action::Decommit`]).
    Commit,
    /// Obligate, adjust obligations, charge to current accounts ([`Action::Obligate`],
    /// [`Action::AdjustObligation`], [`Action::ChargeToCurrent`]).
    Obligate,
    /// Disburse and record refunds ([`Action::Disburse`], [`Action::Refund`]).
    Disburse,
    /// Certify the voucher a disbursement pays (31 U.S.C. 3325(a)(1)).
    Certify,
    /// Approve, as second approver, an obligation above the policy's threshold.
    Approve,
}

impl Power {
    /// The power an action's actor needs under [`Policy::Delegated`]; `None` for acts of
    /// law or of OMB outside the agency's delegations, and for delegations and revocations
    /// (checked by their own rules).
    ///
    /// ```
    /// use security_assistance::budget::{Action, Power};
    /// let pay = Action::Disburse { account: "011-2008-1081".parse()?,
    ///     document: "D-1".parse()?, amount: "10".parse()? };
    /// assert_eq!(Power::of(&pay), Some(Power::Disburse));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn of(action: &Action) -> Option<Power> {
        match action {
            Action::Allot { .. } => Some(Power::Allot),
            Action::Allocate { .. } | Action::Reprogram { .. } => Some(Power::Allocate),
            Action::Commit { .. } | Action::Decommit { .. } => Some(Power::Commit),
            Action::Obligate { .. }
            | Action::AdjustObligation { .. }
            | Action::ChargeToCurrent { .. } => Some(Power::Obligate),
            Action::Disburse { .. } | Action::Refund { .. } => Some(Power::Disburse),
            _ => None,
        }
    }

    /// The role that exercises the power.
    #[must_use]
    pub const fn role(self) -> Role {
        match self {
            Power::Certify => Role::CertifyingOfficer,
            Power::Approve => Role::ApprovingOfficial,
            Power::Allot | Power::Allocate | Power::Commit | Power::Obligate | Power::Disburse => {
                Role::FundsHolder
            }
        }
    }

    /// The provision that requires the power to be delegated.
    #[must_use]
    pub fn citation(self) -> Citation {
        match self {
            Power::Certify => VOUCHERS,
            Power::Approve => SEGREGATION,
            _ => FUND_CONTROL,
        }
    }
}

impl std::fmt::Display for Power {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Power::Allot => "allot",
            Power::Allocate => "allocate",
            Power::Commit => "commit",
            Power::Obligate => "obligate",
            Power::Disburse => "disburse",
            Power::Certify => "certify",
            Power::Approve => "approve",
        })
    }
}

/// Where a delegation applies. An empty list is no restriction in that dimension; a root
/// delegation must name its accounts, and a re-delegation's lists must lie inside its
/// parent's (an empty list only under an empty one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Scope {
    /// The accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<AccountSymbol>,
    /// The funds holders whose allotments may be used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holders: Vec<FundsHolder>,
    /// The program kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ProgramKind>,
    /// The partner countries (an allocation without a partner is outside a list of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners: Vec<CountryCode>,
}

impl Scope {
    /// The first dimension (`"accounts"`, `"holders"`, `"programs"`, `"partners"`) in
    /// which `self` is not inside `parent`, if any.
    #[must_use]
    pub fn outside(&self, parent: &Scope) -> Option<&'static str> {
        fn inside<T: PartialEq>(child: &[T], parent: &[T]) -> bool {
            parent.is_empty() || (!child.is_empty() && child.iter().all(|c| parent.contains(c)))
        }
        if !inside(&self.accounts, &parent.accounts) {
            Some("accounts")
        } else if !inside(&self.holders, &parent.holders) {
            Some("holders")
        } else if !inside(&self.programs, &parent.programs) {
            Some("programs")
        } else if !inside(&self.partners, &parent.partners) {
            Some("partners")
        } else {
            None
        }
    }
}

/// What a delegation gives: the body of an [`Action::Delegate`].
///
/// ```
/// use security_assistance::budget::{Grant, Power, Role};
/// let grant: Grant = serde_json::from_str(r#"{
///     "to": "dsca-comptroller", "role": "funds_holder",
///     "scope": {"accounts": ["011-2008/2009-1082"]},
///     "powers": ["allot", "allocate", "obligate"],
///     "per_command": "5000000", "per_year": "50000000", "expires": "2009-09-30"
/// }"#)?;
/// assert_eq!(grant.role, Role::FundsHolder);
/// assert!(grant.parent.is_none());
/// assert!(grant.powers.contains(&Power::Obligate));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Grant {
    /// The delegation this one is made under; `None` for a root delegation, made by the
    /// agency head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<CommandId>,
    /// Who receives it.
    pub to: Actor,
    /// In which role.
    pub role: Role,
    /// Where it applies.
    #[serde(default)]
    pub scope: Scope,
    /// What it allows (to exercise when the role does, else to re-delegate).
    pub powers: Vec<Power>,
    /// The most one command may add; `None` for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_command: Option<Money>,
    /// The most all commands under it may add in one fiscal year; `None` for no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_year: Option<Money>,
    /// The last day it is in force; `None` until revoked.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub expires: Option<NaiveDate>,
}

/// The head of an agency, the root of its delegations: the authority the appropriation
/// names, by role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AgencyHead {
    /// The agency code of the accounts (the first part of the account symbol, 11 for
    /// "011-2008/2009-1082").
    pub agency: u16,
    /// The actor who holds the role, such as "secretary-of-state".
    pub actor: Actor,
}

/// The parameters of delegated authority.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct DelegatedAuthority {
    /// The agency heads, the roots of the delegations.
    pub heads: Vec<AgencyHead>,
    /// Obligations above this amount need a second approver; `None` for no second
    /// approval. No statute or OMB circular sets the figure: A-11 Appendix H leaves the
    /// levels of approval to each agency's fund control regulations (31 U.S.C. 1514(a)), so
    /// it is the agency's parameter here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_approval_above: Option<Money>,
}

impl DelegatedAuthority {
    /// The head of `agency`, if the policy names one.
    #[must_use]
    pub fn head_of(&self, agency: u16) -> Option<&Actor> {
        self.heads
            .iter()
            .find(|h| h.agency == agency)
            .map(|h| &h.actor)
    }
}

/// How a [`Ledger`](super::Ledger) checks who issues its commands.
///
/// ```
/// use security_assistance::budget::{AgencyHead, DelegatedAuthority, Ledger, Policy};
/// let mut ledger = Ledger::allow_all();
/// assert_eq!(ledger.policy(), &Policy::Open);
/// let policy = Policy::Delegated(DelegatedAuthority {
///     heads: vec![AgencyHead { agency: 11, actor: "secretary-of-state".parse()? }],
///     second_approval_above: Some("10000000".parse()?),
/// });
/// ledger.set_policy(policy.clone())?;
/// assert_eq!(ledger.policy(), &policy);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Policy {
    /// Any actor may issue any command (for simple embedding and tests). Delegations are
    /// still recorded and checked against the ones they are made under.
    #[default]
    Open,
    /// Every fund-control command needs a covering delegation in force (module docs).
    Delegated(DelegatedAuthority),
}

/// A grant in the journal's compact encoding: its JSON, as one string (grants are few).
impl Compact for Grant {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        // Serializing plain data to a string cannot fail; an empty string would fail to
        // decode, and the entry with it, rather than decode as something else.
        serde_json::to_string(self)
            .unwrap_or_default()
            .put(out, symbols);
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        serde_json::from_str(&String::get(r, symbols)?).ok()
    }
}

impl Compact for CommandId {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        self.as_str().to_owned().put(out, symbols);
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        String::get(r, symbols)?.parse().ok()
    }
}

impl super::Ledger {
    /// The policy the ledger runs under ([`Policy::Open`] unless set).
    #[must_use]
    pub fn policy(&self) -> &Policy {
        self.authority().policy()
    }

    /// Runs the ledger under `policy` from now on, after deciding every entry of its
    /// journal again under it, in the order they were accepted (module docs, "Replay").
    /// On an error nothing changes.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`](super::BudgetError::Journal) with the position of the first
    /// entry the policy would have refused, and the
    /// [`BudgetError::Unauthorized`](super::BudgetError::Unauthorized) it would have been.
    pub fn set_policy(&mut self, policy: Policy) -> Result<(), super::BudgetError> {
        let entries: Vec<super::JournalEntry> = self.journal().iter().collect();
        let mut order: Vec<(usize, &super::JournalEntry)> = entries.iter().enumerate().collect();
        order.sort_by_key(|(_, e)| e.sequence);
        let authority = Authority::rebuilt(
            policy,
            order
                .into_iter()
                .map(|(position, e)| (position, e.sequence, &e.command)),
        )
        .map_err(|(position, problem)| {
            let command = entries.get(position).map(|e| &e.command);
            super::BudgetError::Journal {
                position,
                problem: Box::new(super::JournalProblem::Rejected(
                    super::BudgetError::Unauthorized {
                        action: command.map_or("", |c| c.action.name()).to_owned(),
                        actor: command.map_or_else(
                            || Actor::from_static(const { super::StaticText::new("unknown") }),
                            |c| c.actor.clone(),
                        ),
                        problem: Box::new(problem),
                    },
                )),
            }
        })?;
        self.set_authority(authority);
        Ok(())
    }

    /// The delegations in force on `date` as known on `known_on` (`None`: everything
    /// recorded), in the order they were made: "who could obligate on D, as known on K" is
    /// `ledger.delegations(d, Some(k))` filtered by [`Power::Obligate`] and
    /// [`Role::FundsHolder`]. A delegation is in force from its effective date through its
    /// expiry, unless it or one above it is revoked from a date on or before `date` by a
    /// revocation known on `known_on`.
    #[must_use]
    pub fn delegations(&self, date: NaiveDate, known_on: Option<NaiveDate>) -> Vec<Delegation> {
        self.authority().in_force(date, known_on)
    }
}

#[cfg(test)]
mod tests;

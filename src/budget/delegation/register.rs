//! The delegation register: every delegation, revocation and use of one, by the sequence
//! number of the command that made it, and the checks made against it.
//!
//! The register grows in sequence order (`Ledger::record` notes each applied command), and
//! each check sees only what was noted before a horizon: the sequence number the command
//! will get. A batch taken back resets the ledger's next sequence number, so whatever the
//! register noted for it is beyond the horizon, invisible, and dropped when the next
//! command is noted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::audit::Signer;
use super::{AuthorityError, DelegatedAuthority, Grant, Policy, Power, Scope};
use crate::budget::command::{Action, AllocationKey, Command, Funding};
use crate::budget::ids::{AccountSymbol, Actor, CommandId, DocumentId, FundsHolder};
use crate::fiscal::FiscalYear;
use crate::money::Money;

/// A delegation as the register knows it, from [`Ledger::delegations`](crate::budget::Ledger::delegations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Delegation {
    /// Its id (the id of the command that made it).
    pub id: CommandId,
    /// Who made it.
    pub from: Actor,
    /// The first day it is in force.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub effective: NaiveDate,
    /// The day it was recorded.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub recorded: NaiveDate,
    /// What it gives.
    pub grant: Grant,
    /// The revocation of it, if one is known: its id and date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<(CommandId, NaiveDate)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Held {
    seq: u64,
    id: CommandId,
    from: Actor,
    effective: NaiveDate,
    recorded: NaiveDate,
    grant: Grant,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Revocation {
    seq: u64,
    id: CommandId,
    delegation: CommandId,
    from: NaiveDate,
    recorded: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Use {
    seq: u64,
    delegation: CommandId,
    year: FiscalYear,
    amount: Money,
}

/// What the register knows of a document: the allocation it is under, who obligated it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocFact {
    seq: u64,
    account: AccountSymbol,
    document: DocumentId,
    key: AllocationKey,
    obligor: Option<Actor>,
}

/// One signature on an applied command: who, in which capacity, under which delegation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Signature {
    pub(super) seq: u64,
    pub(super) signer: Signer,
    pub(super) actor: Actor,
    pub(super) delegation: Option<CommandId>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Register {
    grants: Vec<Held>,
    revocations: Vec<Revocation>,
    uses: Vec<Use>,
    documents: Vec<DocFact>,
    signatures: Vec<Signature>,
}

/// The ledger's policy and delegation register. A store's checkpoint keeps both (as JSON:
/// the policy is an internally tagged enum, which a non-self-describing format cannot read
/// back), so that opening from it decides no entry again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Authority {
    policy: Policy,
    register: Register,
    /// The least horizon: set on a copy made to rebuild a ledger around a backdated
    /// command, whose own sequence counter starts at 0 (never on a ledger that is saved).
    #[serde(skip)]
    pinned: u64,
}

/// What a command reaches: the dimensions of a [`Scope`] and, for documents, who
/// obligated them.
struct Subject {
    account: Option<AccountSymbol>,
    holder: Option<FundsHolder>,
    keys: Vec<AllocationKey>,
    document: Option<(AccountSymbol, DocumentId)>,
    obligor: Option<Actor>,
}

/// How far a delegation came through the checks before failing (higher is closer).
type Stage = u8;

impl Authority {
    /// The policy.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A copy for rebuilding a ledger around a backdated command: sees what `self` sees
    /// below `next_sequence`.
    pub(crate) fn pinned_at(&self, next_sequence: u64) -> Authority {
        let mut copy = self.clone();
        copy.pinned = next_sequence;
        copy
    }

    /// The horizon for a ledger whose next sequence number is `next_sequence`.
    pub(crate) fn horizon(&self, next_sequence: u64) -> u64 {
        self.pinned.max(next_sequence)
    }

    /// A register rebuilt under `policy` from `entries` (sequence, command) in sequence
    /// order, deciding each one again: the position (in `entries`) and error of the first
    /// that would have been refused.
    pub(crate) fn rebuilt<'a>(
        policy: Policy,
        entries: impl IntoIterator<Item = (usize, u64, &'a Command)>,
    ) -> Result<Authority, (usize, AuthorityError)> {
        let mut authority = Authority {
            policy,
            ..Authority::default()
        };
        for (position, seq, command) in entries {
            let signed = authority
                .attribute(command, seq)
                .map_err(|e| (position, e))?;
            authority.note_signed(command, seq, signed);
        }
        Ok(authority)
    }

    /// The pipeline's authority step: `Ok` when `command` may be applied with `horizon`
    /// its sequence number.
    pub(crate) fn admit(&self, command: &Command, horizon: u64) -> Result<(), AuthorityError> {
        self.attribute(command, horizon).map(|_| ())
    }

    /// Notes an applied command with sequence number `seq`.
    pub(crate) fn note(&mut self, command: &Command, seq: u64) {
        self.truncate(seq);
        let signed = self.attribute(command, seq).unwrap_or_default();
        self.note_signed(command, seq, signed);
    }

    fn note_signed(
        &mut self,
        command: &Command,
        seq: u64,
        signed: Vec<(Signer, Actor, CommandId)>,
    ) {
        let register = &mut self.register;
        match &command.action {
            Action::Delegate { grant } => register.grants.push(Held {
                seq,
                id: command.id.clone(),
                from: command.actor.clone(),
                effective: command.date,
                recorded: command.recorded,
                grant: grant.clone(),
            }),
            Action::Revoke { delegation, .. } => register.revocations.push(Revocation {
                seq,
                id: command.id.clone(),
                delegation: delegation.clone(),
                from: command.date,
                recorded: command.recorded,
            }),
            _ => {}
        }
        if matches!(self.policy, Policy::Open) {
            return;
        }
        let subject = self.subject(&command.action, seq);
        let register = &mut self.register;
        if let Some((account, document)) = subject.document.clone() {
            let obligor = matches!(
                command.action,
                Action::Obligate { .. } | Action::ChargeToCurrent { .. }
            )
            .then(|| command.actor.clone());
            let known = register
                .documents
                .iter()
                .any(|d| d.account == account && d.document == document);
            if let (Some(key), true) = (subject.keys.first(), obligor.is_some() || !known) {
                register.documents.push(DocFact {
                    seq,
                    account,
                    document,
                    key: key.clone(),
                    obligor,
                });
            }
        }
        let amount = counted(&command.action);
        let year = FiscalYear::containing(command.date);
        // Each delegation in the signers' chains counts the command once.
        let mut counted_in: Vec<CommandId> = Vec::new();
        for (_, _, delegation) in &signed {
            for held in self.chain(delegation, seq) {
                if !counted_in.contains(&held.id) {
                    counted_in.push(held.id.clone());
                }
            }
        }
        if amount.is_positive() {
            for id in counted_in {
                self.register.uses.push(Use {
                    seq,
                    delegation: id,
                    year,
                    amount,
                });
            }
        }
        for (signer, actor, delegation) in signed {
            let register = &mut self.register;
            register.signatures.push(Signature {
                seq,
                signer,
                actor,
                delegation: Some(delegation),
            });
        }
    }

    /// Drops what was noted at or beyond `seq` (a batch taken back).
    fn truncate(&mut self, seq: u64) {
        let r = &mut self.register;
        let stale = |last: Option<u64>| last.is_some_and(|s| s >= seq);
        if stale(r.grants.last().map(|h| h.seq)) {
            r.grants.retain(|h| h.seq < seq);
        }
        if stale(r.revocations.last().map(|h| h.seq)) {
            r.revocations.retain(|h| h.seq < seq);
        }
        if stale(r.uses.last().map(|h| h.seq)) {
            r.uses.retain(|h| h.seq < seq);
        }
        if stale(r.documents.last().map(|h| h.seq)) {
            r.documents.retain(|h| h.seq < seq);
        }
        if stale(r.signatures.last().map(|h| h.seq)) {
            r.signatures.retain(|h| h.seq < seq);
        }
    }

    /// The signatures noted on the command with sequence number `seq`.
    pub(super) fn signatures_of(&self, seq: u64) -> impl Iterator<Item = &Signature> {
        self.register
            .signatures
            .iter()
            .filter(move |s| s.seq == seq)
    }

    /// The chain from `delegation` up to its root, as seen below `horizon`.
    fn chain(&self, delegation: &CommandId, horizon: u64) -> impl Iterator<Item = &Held> {
        let mut next = self.grant(delegation, horizon);
        // Each parent was made before its child, so the walk ends; the bound is a guard.
        let bound = self.register.grants.len();
        std::iter::from_fn(move || {
            let current = next?;
            next = current
                .grant
                .parent
                .as_ref()
                .and_then(|p| self.grant(p, current.seq));
            Some(current)
        })
        .take(bound)
    }

    /// The chain of `delegation` to its root, for the audit report: ids, root first last.
    pub(super) fn chain_ids(&self, delegation: &CommandId) -> Vec<(CommandId, Actor)> {
        self.chain(delegation, u64::MAX)
            .map(|h| (h.id.clone(), h.from.clone()))
            .collect()
    }

    fn grant(&self, id: &CommandId, horizon: u64) -> Option<&Held> {
        self.register
            .grants
            .iter()
            .find(|h| h.seq < horizon && &h.id == id)
    }

    fn revocation(&self, id: &CommandId, horizon: u64) -> Option<&Revocation> {
        self.register
            .revocations
            .iter()
            .find(|r| r.seq < horizon && &r.delegation == id)
    }

    /// The delegations in force on `date` as known on `known_on` (`None`: everything
    /// recorded), in the order they were made.
    pub(crate) fn in_force(&self, date: NaiveDate, known_on: Option<NaiveDate>) -> Vec<Delegation> {
        let known = |recorded: NaiveDate| known_on.is_none_or(|k| recorded <= k);
        let revoked = |id: &CommandId| {
            self.register
                .revocations
                .iter()
                .find(|r| known(r.recorded) && &r.delegation == id)
        };
        self.register
            .grants
            .iter()
            .filter(|h| known(h.recorded) && h.effective <= date)
            .filter(|h| h.grant.expires.is_none_or(|e| date <= e))
            .filter(|h| {
                // Revoked from on or before `date`, itself or above.
                let mut up = Some(*h);
                let mut steps = self.register.grants.len();
                while let (Some(g), true) = (up, steps > 0) {
                    if revoked(&g.id).is_some_and(|r| r.from <= date) {
                        return false;
                    }
                    steps = steps.saturating_sub(1);
                    up = g.grant.parent.as_ref().and_then(|p| {
                        self.register
                            .grants
                            .iter()
                            .find(|x| &x.id == p && known(x.recorded))
                    });
                }
                true
            })
            .map(|h| Delegation {
                id: h.id.clone(),
                from: h.from.clone(),
                effective: h.effective,
                recorded: h.recorded,
                grant: h.grant.clone(),
                revoked: revoked(&h.id).map(|r| (r.id.clone(), r.from)),
            })
            .collect()
    }

    /// Who signs `command` under which delegation, or why it may not be applied: the
    /// whole check, with `horizon` the command's sequence number.
    fn attribute(
        &self,
        command: &Command,
        horizon: u64,
    ) -> Result<Vec<(Signer, Actor, CommandId)>, AuthorityError> {
        let delegated = match &self.policy {
            Policy::Delegated(d) => Some(d),
            Policy::Open => None,
        };
        match &command.action {
            Action::Delegate { grant } => {
                self.check_grant(command, grant, delegated, horizon)?;
                return Ok(Vec::new());
            }
            Action::Revoke { delegation, .. } => {
                self.check_revoke(command, delegation, delegated.is_some(), horizon)?;
                return Ok(Vec::new());
            }
            _ => {}
        }
        let (Some(policy), Some(power)) = (delegated, Power::of(&command.action)) else {
            return Ok(Vec::new());
        };
        let subject = self.subject(&command.action, horizon);
        let amount = counted(&command.action);
        let date = command.date;
        let mut signed = vec![(
            Signer::Actor,
            command.actor.clone(),
            self.cover(&command.actor, power, &subject, amount, date, horizon)?,
        )];
        if let Action::Disburse { document, .. } = &command.action {
            let officer = command.certifying_officer.clone().ok_or_else(|| {
                AuthorityError::NoCertifyingOfficer {
                    document: document.clone(),
                }
            })?;
            if subject.obligor.as_ref() == Some(&officer) {
                return Err(AuthorityError::CertifierObligated {
                    officer,
                    document: document.clone(),
                });
            }
            let delegation =
                self.cover(&officer, Power::Certify, &subject, amount, date, horizon)?;
            signed.push((Signer::CertifyingOfficer, officer, delegation));
        }
        if let (Action::Obligate { .. }, Some(threshold)) =
            (&command.action, policy.second_approval_above)
        {
            if amount > threshold {
                let approver = command
                    .second_approver
                    .clone()
                    .ok_or(AuthorityError::NoSecondApprover { amount, threshold })?;
                if approver == command.actor {
                    return Err(AuthorityError::ApproverObligates { approver });
                }
                let delegation =
                    self.cover(&approver, Power::Approve, &subject, amount, date, horizon)?;
                signed.push((Signer::SecondApprover, approver, delegation));
            }
        }
        Ok(signed)
    }

    /// The delegation that covers `actor` exercising `power` on `subject` for `amount` on
    /// `date`, or the refusal of the one that came closest (module docs, "Which refusal").
    fn cover(
        &self,
        actor: &Actor,
        power: Power,
        subject: &Subject,
        amount: Money,
        date: NaiveDate,
        horizon: u64,
    ) -> Result<CommandId, AuthorityError> {
        let mut best: Option<(Stage, AuthorityError)> = None;
        let candidates = self.register.grants.iter().filter(|h| {
            h.seq < horizon
                && &h.grant.to == actor
                && h.grant.role == power.role()
                && h.grant.powers.contains(&power)
        });
        for held in candidates {
            match self.judge(held, power, subject, amount, date, horizon) {
                Ok(()) => return Ok(held.id.clone()),
                Err((stage, error)) => {
                    if best.as_ref().is_none_or(|(s, _)| stage > *s) {
                        best = Some((stage, error));
                    }
                }
            }
        }
        Err(best.map_or_else(
            || AuthorityError::NoDelegation {
                actor: actor.clone(),
                power,
            },
            |(_, e)| e,
        ))
    }

    fn judge(
        &self,
        held: &Held,
        power: Power,
        subject: &Subject,
        amount: Money,
        date: NaiveDate,
        horizon: u64,
    ) -> Result<(), (Stage, AuthorityError)> {
        let actor = held.grant.to.clone();
        let delegation = held.id.clone();
        if let Some((dimension, value)) = outside(&held.grant.scope, subject) {
            return Err((
                1,
                AuthorityError::OutOfScope {
                    actor,
                    power,
                    delegation,
                    dimension: dimension.to_owned(),
                    value,
                },
            ));
        }
        if let Some(limit) = held.grant.per_command {
            if amount > limit {
                return Err((
                    2,
                    AuthorityError::OverCommandLimit {
                        actor,
                        power,
                        delegation,
                        limit,
                        amount,
                    },
                ));
            }
        }
        let year = FiscalYear::containing(date);
        for above in self.chain(&held.id, horizon) {
            let Some(limit) = above.grant.per_year else {
                continue;
            };
            let used = Money::checked_sum(
                self.register
                    .uses
                    .iter()
                    .filter(|u| u.seq < horizon && u.year == year && u.delegation == above.id)
                    .map(|u| u.amount),
            );
            let total = used.as_ref().ok().and_then(|u| u.checked_add(amount).ok());
            if total.is_none_or(|total| total > limit) {
                let used = used.unwrap_or(limit);
                return Err((
                    3,
                    AuthorityError::OverCumulativeLimit {
                        actor,
                        power,
                        delegation: above.id.clone(),
                        fiscal_year: year,
                        limit,
                        used,
                        amount,
                    },
                ));
            }
        }
        if let Some(expires) = held.grant.expires {
            if date > expires {
                return Err((
                    4,
                    AuthorityError::Expired {
                        actor,
                        power,
                        delegation,
                        expires,
                        date,
                    },
                ));
            }
        }
        for above in self.chain(&held.id, horizon) {
            if let Some(r) = self.revocation(&above.id, horizon) {
                if r.from <= date {
                    return Err((
                        5,
                        AuthorityError::Revoked {
                            actor,
                            power,
                            delegation,
                            revocation: r.id.clone(),
                            from: r.from,
                        },
                    ));
                }
            }
        }
        if date < held.effective {
            return Err((
                6,
                AuthorityError::NotYetEffective {
                    actor,
                    power,
                    delegation,
                    effective: held.effective,
                    date,
                },
            ));
        }
        Ok(())
    }

    fn check_grant(
        &self,
        command: &Command,
        grant: &Grant,
        policy: Option<&DelegatedAuthority>,
        horizon: u64,
    ) -> Result<(), AuthorityError> {
        let bad = |what: &str| {
            Err(AuthorityError::BadGrant {
                what: what.to_owned(),
            })
        };
        if grant.to == command.actor {
            return bad("a delegation to its own grantor");
        }
        if grant.powers.is_empty() {
            return bad("it gives no power");
        }
        if [grant.per_command, grant.per_year]
            .into_iter()
            .flatten()
            .any(|m| !m.is_positive())
        {
            return bad("a limit is not positive");
        }
        if grant.expires.is_some_and(|e| e < command.date) {
            return bad("it expires before it takes effect");
        }
        let Some(parent_id) = &grant.parent else {
            if grant.scope.accounts.is_empty() {
                return Err(AuthorityError::RootWithoutAccounts);
            }
            if let Some(policy) = policy {
                for account in &grant.scope.accounts {
                    if policy.head_of(account.agency()) != Some(&command.actor) {
                        return Err(AuthorityError::NotAgencyHead {
                            actor: command.actor.clone(),
                            account: *account,
                        });
                    }
                }
            }
            return Ok(());
        };
        let parent =
            self.grant(parent_id, horizon)
                .ok_or_else(|| AuthorityError::UnknownDelegation {
                    delegation: parent_id.clone(),
                })?;
        if parent.grant.to != command.actor {
            return Err(AuthorityError::NotHolder {
                parent: parent_id.clone(),
                holder: parent.grant.to.clone(),
                actor: command.actor.clone(),
            });
        }
        let beyond = |what: &str| {
            Err(AuthorityError::BeyondParent {
                parent: parent_id.clone(),
                what: what.to_owned(),
            })
        };
        if let Some(dimension) = grant.scope.outside(&parent.grant.scope) {
            return beyond(dimension);
        }
        if !grant.powers.iter().all(|p| parent.grant.powers.contains(p)) {
            return beyond("powers");
        }
        let above = |child: Option<Money>, parent: Option<Money>| match (child, parent) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(c), Some(p)) => c > p,
        };
        if above(grant.per_command, parent.grant.per_command) {
            return beyond("per_command");
        }
        if above(grant.per_year, parent.grant.per_year) {
            return beyond("per_year");
        }
        let expires_later = match (grant.expires, parent.grant.expires) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(c), Some(p)) => c > p,
        };
        if command.date < parent.effective || expires_later {
            return beyond("dates");
        }
        if self.chain(parent_id, horizon).any(|h| {
            self.revocation(&h.id, horizon)
                .is_some_and(|r| r.from <= command.date)
        }) {
            return beyond("revoked");
        }
        Ok(())
    }

    fn check_revoke(
        &self,
        command: &Command,
        delegation: &CommandId,
        delegated: bool,
        horizon: u64,
    ) -> Result<(), AuthorityError> {
        let held =
            self.grant(delegation, horizon)
                .ok_or_else(|| AuthorityError::UnknownDelegation {
                    delegation: delegation.clone(),
                })?;
        if let Some(r) = self.revocation(delegation, horizon) {
            return Err(AuthorityError::AlreadyRevoked {
                delegation: delegation.clone(),
                revocation: r.id.clone(),
            });
        }
        if delegated {
            let mut above = std::iter::once(&held.from).chain(
                self.chain(delegation, horizon)
                    .skip(1)
                    .flat_map(|h| [&h.from, &h.grant.to]),
            );
            if !above.any(|a| a == &command.actor) {
                return Err(AuthorityError::NotAbove {
                    delegation: delegation.clone(),
                    actor: command.actor.clone(),
                });
            }
        }
        Ok(())
    }

    /// What `action` reaches, with documents looked up in the register below `horizon`.
    fn subject(&self, action: &Action, horizon: u64) -> Subject {
        let account = action.account();
        let mut subject = Subject {
            account,
            holder: None,
            keys: Vec::new(),
            document: None,
            obligor: None,
        };
        let known = |account: AccountSymbol, document: &DocumentId| {
            let facts = self
                .register
                .documents
                .iter()
                .filter(|d| d.seq < horizon && d.account == account && &d.document == document);
            let mut key = None;
            let mut obligor = None;
            for fact in facts {
                key = Some(fact.key.clone());
                if fact.obligor.is_some() {
                    obligor.clone_from(&fact.obligor);
                }
            }
            (key, obligor)
        };
        match action {
            Action::Allot { holder, .. } => subject.holder = Some(holder.clone()),
            Action::Allocate { key, .. } => subject.keys.push(key.clone()),
            Action::Reprogram { from, to, .. } => subject.keys.extend([from.clone(), to.clone()]),
            Action::Commit {
                account,
                document,
                key,
                ..
            }
            | Action::ChargeToCurrent {
                current: account,
                document,
                key,
                ..
            } => {
                subject.keys.push(key.clone());
                subject.document = Some((*account, document.clone()));
            }
            Action::Obligate {
                account,
                document,
                funding,
                ..
            } => {
                subject.document = Some((*account, document.clone()));
                match funding {
                    Funding::Allocation { key } | Funding::Allotment { key } => {
                        subject.keys.push(key.clone());
                    }
                    Funding::Commitment => subject.keys.extend(known(*account, document).0),
                }
            }
            Action::Decommit {
                account, document, ..
            }
            | Action::AdjustObligation {
                account, document, ..
            }
            | Action::Disburse {
                account, document, ..
            }
            | Action::Refund {
                account, document, ..
            } => {
                let (key, obligor) = known(*account, document);
                subject.keys.extend(key);
                subject.obligor = obligor;
                subject.document = Some((*account, document.clone()));
            }
            _ => {}
        }
        subject
    }
}

/// What a command adds, for the limits: its amount when positive, except for decommitments
/// and refunds, which give money back.
fn counted(action: &Action) -> Money {
    match action {
        Action::Decommit { .. } | Action::Refund { .. } => Money::ZERO,
        _ => {
            let amount = action.amount();
            if amount.is_positive() {
                amount
            } else {
                Money::ZERO
            }
        }
    }
}

/// The first dimension of `scope` that `subject` is outside of, and the value there.
fn outside(scope: &Scope, subject: &Subject) -> Option<(&'static str, String)> {
    if let Some(account) = subject.account {
        if !scope.accounts.is_empty() && !scope.accounts.contains(&account) {
            return Some(("accounts", account.to_string()));
        }
    }
    let holders = subject
        .holder
        .iter()
        .chain(subject.keys.iter().map(|k| &k.holder));
    for holder in holders {
        if !scope.holders.is_empty() && !scope.holders.contains(holder) {
            return Some(("holders", holder.to_string()));
        }
    }
    for key in &subject.keys {
        if !scope.programs.is_empty() && !scope.programs.contains(&key.program) {
            return Some(("programs", key.program.to_string()));
        }
        if !scope.partners.is_empty() && !key.partner.is_some_and(|p| scope.partners.contains(&p)) {
            return Some((
                "partners",
                key.partner
                    .map_or_else(|| "none".to_owned(), |p| p.to_string()),
            ));
        }
    }
    None
}

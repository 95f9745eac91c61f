//! The audit trail: for a document, who committed, obligated, adjusted, certified and paid
//! it, under which delegation and its chain to the root; for an actor, what they did under
//! what authority. The rows are the ledger's; `report::AuditReport` renders them as text,
//! CSV or JSON beside the other reports.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::ids::{AccountSymbol, Actor, CommandId, DocumentId};
use crate::budget::{JournalEntry, Ledger};
use crate::money::Money;

/// In which capacity an actor signed a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Signer {
    /// The command's actor, who issued it.
    Actor,
    /// The certifying officer of a disbursement's voucher.
    CertifyingOfficer,
    /// The second approver of an obligation.
    SecondApprover,
}

impl Signer {
    /// The capacity's name, as in the serde form (`"actor"`, `"certifying_officer"`,
    /// `"second_approver"`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Signer::Actor => "actor",
            Signer::CertifyingOfficer => "certifying_officer",
            Signer::SecondApprover => "second_approver",
        }
    }
}

/// One signature in an audit trail ([`Ledger::audit_document`], [`Ledger::audit_actor`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AuditRow {
    /// The command's sequence number.
    pub sequence: u64,
    /// Its id.
    pub command: CommandId,
    /// Its effective date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// Its recorded date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub recorded: NaiveDate,
    /// The action's name (`"obligate"`, `"disburse"`, ...).
    pub action: String,
    /// The account, if the action is on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountSymbol>,
    /// The document, if the action is on one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<DocumentId>,
    /// The action's amount.
    pub amount: Money,
    /// Who signed.
    pub actor: Actor,
    /// In which capacity.
    pub signer: Signer,
    /// The delegation that covered the signature; `None` when the command was applied
    /// under the open policy or needs no delegation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegation: Option<CommandId>,
    /// The chain from that delegation up to its root: each delegation and who made it,
    /// the root (made by the agency head) last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<(CommandId, Actor)>,
}

impl Ledger {
    /// The audit trail of `document` in `account`, in sequence order: every command on it
    /// (commitment, obligation, adjustments, disbursements with their certifying officers,
    /// refunds, charges to current), each signature with the delegation that covered it and
    /// that delegation's chain to the root. `report::AuditReport` exports it.
    ///
    /// ```
    /// use security_assistance::budget::Ledger;
    /// let ledger = Ledger::allow_all();
    /// let rows = ledger.audit_document(&"011-2008-1081".parse()?, &"JO-D-GAA".parse()?);
    /// assert!(rows.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn audit_document(&self, account: &AccountSymbol, document: &DocumentId) -> Vec<AuditRow> {
        self.audit_rows(|entry| {
            let action = &entry.command.action;
            action.document() == Some(document)
                && (action.account().as_ref() == Some(account)
                    || action.other_account().as_ref() == Some(account))
        })
    }

    /// What `actor` signed, in any capacity, and under which delegation, in sequence order.
    #[must_use]
    pub fn audit_actor(&self, actor: &Actor) -> Vec<AuditRow> {
        let mut rows = self.audit_rows(|entry| {
            let c = &entry.command;
            &c.actor == actor
                || c.certifying_officer.as_ref() == Some(actor)
                || c.second_approver.as_ref() == Some(actor)
        });
        rows.retain(|row| &row.actor == actor);
        rows
    }

    fn audit_rows(&self, select: impl Fn(&JournalEntry) -> bool) -> Vec<AuditRow> {
        let authority = self.authority();
        let mut entries: Vec<JournalEntry> = self.journal().iter().filter(|e| select(e)).collect();
        entries.sort_by_key(|e| e.sequence);
        let mut rows = Vec::new();
        for entry in entries {
            let c = &entry.command;
            let mut signers = vec![(Signer::Actor, c.actor.clone())];
            signers.extend(
                c.certifying_officer
                    .clone()
                    .map(|a| (Signer::CertifyingOfficer, a)),
            );
            signers.extend(
                c.second_approver
                    .clone()
                    .map(|a| (Signer::SecondApprover, a)),
            );
            for (signer, actor) in signers {
                let delegation = authority
                    .signatures_of(entry.sequence)
                    .find(|s| s.signer == signer && s.actor == actor)
                    .and_then(|s| s.delegation.clone());
                let chain = delegation
                    .as_ref()
                    .map(|d| authority.chain_ids(d))
                    .unwrap_or_default();
                rows.push(AuditRow {
                    sequence: entry.sequence,
                    command: c.id.clone(),
                    date: c.date,
                    recorded: c.recorded,
                    action: c.action.name().to_owned(),
                    account: c.action.account(),
                    document: c.action.document().cloned(),
                    amount: c.action.amount(),
                    actor,
                    signer,
                    delegation,
                    chain,
                });
            }
        }
        rows
    }
}

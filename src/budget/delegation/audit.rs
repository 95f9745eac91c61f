//! The audit trail: for a document, who committed, obligated, adjusted, certified and paid
//! it, under which delegation and its chain to the root; for an actor, what they did under
//! what authority.

use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::ids::{AccountSymbol, Actor, CommandId, DocumentId};
use crate::budget::{JournalEntry, Ledger};
use crate::money::Money;
use crate::report::ReportError;

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
    fn as_str(self) -> &'static str {
        match self {
            Signer::Actor => "actor",
            Signer::CertifyingOfficer => "certifying_officer",
            Signer::SecondApprover => "second_approver",
        }
    }
}

/// One signature in an [`AuditReport`].
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

/// The audit trail of a document or an actor, from [`Ledger::audit_document`] or
/// [`Ledger::audit_actor`], in sequence order; exported as text, CSV or JSON like the other
/// reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AuditReport {
    /// What the report is about, such as `document 011-2008/2009-1082 JO-D-GAA` or
    /// `actor dsca-comptroller`.
    pub subject: String,
    /// The signatures.
    pub rows: Vec<AuditRow>,
}

/// The CSV columns of [`AuditReport::csv`].
const AUDIT_COLUMNS: [&str; 12] = [
    "sequence",
    "command",
    "date",
    "recorded",
    "action",
    "account",
    "document",
    "amount",
    "actor",
    "signer",
    "delegation",
    "chain",
];

impl AuditReport {
    /// The rows as CSV with a header line: `sequence`, `command`, `date`, `recorded`,
    /// `action`, `account`, `document`, `amount`, `actor`, `signer`, `delegation` and
    /// `chain`, the chain written `id by actor` joined by `" < "`, the root last.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn csv(&self) -> Result<String, ReportError> {
        let csv_error = |e: ::csv::Error| ReportError::Csv(crate::wire::Cause::csv(&e));
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(AUDIT_COLUMNS).map_err(csv_error)?;
        for row in &self.rows {
            writer
                .write_record([
                    row.sequence.to_string(),
                    row.command.to_string(),
                    row.date.to_string(),
                    row.recorded.to_string(),
                    row.action.clone(),
                    row.account.map(|a| a.to_string()).unwrap_or_default(),
                    row.document
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    row.amount.to_decimal().to_string(),
                    row.actor.to_string(),
                    row.signer.as_str().to_owned(),
                    row.delegation
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    chain_text(&row.chain),
                ])
                .map_err(csv_error)?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| ReportError::Csv(crate::wire::Cause::io(e.error())))?;
        String::from_utf8(bytes).map_err(|e| ReportError::Csv(crate::wire::Cause::utf8(&e)))
    }

    /// The report as pretty-printed JSON.
    ///
    /// # Errors
    ///
    /// [`ReportError::Json`] if serialization fails (it does not for these types).
    pub fn json(&self) -> Result<String, ReportError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| ReportError::Json(crate::wire::Cause::json(&e)))
    }

    /// The report as readable text: a title line, then one line per signature.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = format!("audit trail of {}\n", self.subject);
        for row in &self.rows {
            let authority = match &row.delegation {
                Some(d) => format!("under {d}: {}", chain_text(&row.chain)),
                None => "(no delegation)".to_owned(),
            };
            let _ = writeln!(
                out,
                "  {:>4} {} {:<18} {:>15} {:<20} {:<18} {}",
                row.sequence,
                row.date,
                row.action,
                row.amount.to_string(),
                row.actor.as_str(),
                row.signer.as_str(),
                authority
            );
        }
        out
    }
}

fn chain_text(chain: &[(CommandId, Actor)]) -> String {
    chain
        .iter()
        .map(|(id, by)| format!("{id} by {by}"))
        .collect::<Vec<_>>()
        .join(" < ")
}

impl Ledger {
    /// The audit trail of `document` in `account`: every command on it (commitment,
    /// obligation, adjustments, disbursements with their certifying officers, refunds,
    /// charges to current), each signature with the delegation that covered it and that
    /// delegation's chain to the root.
    ///
    /// ```
    /// use security_assistance::budget::Ledger;
    /// let ledger = Ledger::allow_all();
    /// let report = ledger.audit_document(&"011-2008-1081".parse()?, &"JO-D-GAA".parse()?);
    /// assert!(report.rows.is_empty());
    /// assert!(report.csv()?.starts_with("sequence,command,date"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn audit_document(&self, account: &AccountSymbol, document: &DocumentId) -> AuditReport {
        let rows = self.audit_rows(|entry| {
            let action = &entry.command.action;
            action.document() == Some(document)
                && (action.account().as_ref() == Some(account)
                    || action.other_account().as_ref() == Some(account))
        });
        AuditReport {
            subject: format!("document {account} {document}"),
            rows,
        }
        .only(|_| true)
    }

    /// What `actor` signed, in any capacity, and under which delegation.
    #[must_use]
    pub fn audit_actor(&self, actor: &Actor) -> AuditReport {
        let rows = self.audit_rows(|entry| {
            let c = &entry.command;
            &c.actor == actor
                || c.certifying_officer.as_ref() == Some(actor)
                || c.second_approver.as_ref() == Some(actor)
        });
        AuditReport {
            subject: format!("actor {actor}"),
            rows,
        }
        .only(|row| &row.actor == actor)
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

impl AuditReport {
    fn only(mut self, keep: impl Fn(&AuditRow) -> bool) -> AuditReport {
        self.rows.retain(keep);
        self
    }
}

//! The audit trail of a document or an actor as a report: text, CSV or JSON.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::ReportError;
use super::status::{csv_error, csv_text};
use crate::budget::{AccountSymbol, Actor, AuditRow, CommandId, DocumentId, Ledger};

/// The audit trail of a document or an actor ([`Ledger::audit_document`],
/// [`Ledger::audit_actor`]), in sequence order, exported as text, CSV or JSON like the
/// other reports.
///
/// ```
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::AuditReport;
/// let ledger = Ledger::allow_all();
/// let report = AuditReport::of_document(&ledger, &"011-2008-1081".parse()?, &"JO-D-GAA".parse()?);
/// assert_eq!(report.subject, "document 011-2008-1081 JO-D-GAA");
/// assert!(report.rows.is_empty());
/// assert!(report.csv()?.starts_with("sequence,command,date"));
/// assert!(report.text().starts_with("audit trail of document"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// The audit trail of `document` in `account` ([`Ledger::audit_document`]).
    #[must_use]
    pub fn of_document(
        ledger: &Ledger,
        account: &AccountSymbol,
        document: &DocumentId,
    ) -> AuditReport {
        AuditReport {
            subject: format!("document {account} {document}"),
            rows: ledger.audit_document(account, document),
        }
    }

    /// What `actor` signed, in any capacity ([`Ledger::audit_actor`]).
    #[must_use]
    pub fn of_actor(ledger: &Ledger, actor: &Actor) -> AuditReport {
        AuditReport {
            subject: format!("actor {actor}"),
            rows: ledger.audit_actor(actor),
        }
    }

    /// The rows as CSV with a header line: `sequence`, `command`, `date`, `recorded`,
    /// `action`, `account`, `document`, `amount`, `actor`, `signer`, `delegation` and
    /// `chain`, the chain written `id by actor` joined by `" < "`, the root last.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn csv(&self) -> Result<String, ReportError> {
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
        csv_text(writer)
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

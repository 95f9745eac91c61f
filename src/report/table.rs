//! The aligned text table of a status of funds, and the report errors.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::budget::BudgetError;
use crate::money::Money;

/// The money columns of a status of funds, in table order.
pub(super) const COLUMNS: [&str; 10] = [
    "budget_authority",
    "apportioned",
    "allotted",
    "allocated",
    "committed",
    "obligated",
    "unobligated",
    "disbursed",
    "unliquidated",
    "recoveries",
];

/// What a table shows in a key column that some rows have and this row lacks: money not
/// yet allotted to a funds holder, allocated to a program, or meant for a partner.
fn absent(column: &str) -> &'static str {
    match column {
        "holder" => "(not allotted)",
        "program" => "(not allocated)",
        "partner" => "(no partner)",
        "region" => "(no region)",
        "agency" => "(no agency)",
        _ => "-",
    }
}

/// An aligned table: the key columns that are set in some row (left-aligned), then the
/// ten amounts right-aligned as `$1,234.56`, and a total line. In a column some rows have,
/// a row that lacks it says why (see [`absent`]).
pub(super) fn aligned(
    key_headers: &[&str],
    keys: &[Vec<String>],
    values: &[[Money; 10]],
) -> Result<String, BudgetError> {
    let used: Vec<usize> = (0..key_headers.len())
        .filter(|&i| keys.iter().any(|k| k.get(i).is_some_and(|c| !c.is_empty())))
        .collect();
    let mut cells: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = used
        .iter()
        .filter_map(|&i| key_headers.get(i))
        .map(|s| (*s).to_owned())
        .collect();
    header.extend(COLUMNS.iter().map(|s| (*s).to_owned()));
    cells.push(header);
    let mut totals = [Money::ZERO; 10];
    for (key, row) in keys.iter().zip(values) {
        let mut line: Vec<String> = used
            .iter()
            .filter_map(|&i| {
                let cell = key.get(i)?;
                Some(if cell.is_empty() {
                    key_headers.get(i).map_or("", |h| absent(h)).to_owned()
                } else {
                    cell.clone()
                })
            })
            .collect();
        for (total, amount) in totals.iter_mut().zip(row) {
            *total = total.checked_add(*amount)?;
            line.push(amount.to_string());
        }
        cells.push(line);
    }
    let mut total_line: Vec<String> = used.iter().map(|_| String::new()).collect();
    if let Some(first) = total_line.first_mut() {
        "total".clone_into(first);
    }
    total_line.extend(totals.iter().map(ToString::to_string));
    cells.push(total_line);
    let widths: Vec<usize> = (0..cells.first().map_or(0, Vec::len))
        .map(|c| {
            cells
                .iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &cells {
        let mut text = String::new();
        for (c, cell) in line.iter().enumerate() {
            let width = widths.get(c).copied().unwrap_or(0);
            if c > 0 {
                text.push_str("  ");
            }
            if c < used.len() {
                let _ = write!(text, "{cell:<width$}");
            } else {
                let _ = write!(text, "{cell:>width$}");
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    }
    Ok(out)
}

/// Why a report could not be written.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ReportError {
    /// The CSV writer failed.
    #[error("cannot write the CSV")]
    Csv(#[source] crate::wire::Cause),
    /// The JSON writer failed.
    #[error("cannot write the JSON")]
    Json(#[source] crate::wire::Cause),
    /// A total was out of range, or the ledger could not answer.
    #[error("the ledger refused")]
    Budget(#[from] BudgetError),
    /// An amount was out of range.
    #[error("amount arithmetic failed")]
    Money(#[from] crate::money::MoneyError),
    /// The XML writer failed (it writes to memory, so only on a bug).
    #[error("cannot write the XML")]
    Xml(#[source] crate::wire::Cause),
    /// A text cannot go into an XML file: it holds a character that XML 1.0 does not allow
    /// anywhere, not even as a character reference (the `Char` production, XML 1.0 §2.2).
    #[error(
        "{field} holds the character U+{code:04X}, which XML 1.0 cannot carry; allowed are tab, line feed, carriage return and U+0020 and above, except U+FFFE and U+FFFF"
    )]
    XmlCharacter {
        /// The field that holds it.
        field: String,
        /// The character's code point.
        #[serde(rename = "code_point")]
        code: u32,
    },
    /// An IATI reporting organisation's identifier does not begin with a prefix of the
    /// org-id register (org-id.guide) the crate knows, followed by a hyphen and the
    /// organisation's identifier in that list.
    #[error(
        "the IATI organisation identifier {org_ref:?} has no registered org-id prefix; allowed are {allowed}, each followed by a hyphen and the identifier in that list"
    )]
    UnregisteredOrgIdPrefix {
        /// The identifier as given.
        org_ref: String,
        /// The registered prefixes accepted, comma-separated.
        allowed: String,
    },
    /// A journal entry names an obligating document the ledger does not have.
    #[error("no obligation on document {document} in account {account}")]
    UnknownDocument {
        /// The account.
        account: crate::budget::AccountSymbol,
        /// The document.
        document: crate::budget::DocumentId,
    },
    /// A program activity breaks a limit of the DATA Act Broker's field list.
    #[error("{field} {value:?} is not allowed; allowed: {allowed}")]
    InvalidProgramActivity {
        /// The field.
        field: String,
        /// The value given.
        value: String,
        /// What the field allows.
        allowed: String,
    },
    /// A File B row with money has no program activity: the caller's table names none for
    /// this account and program (DATA Act Broker rule B27.3 needs one on every row).
    #[error(
        "no program activity for {program} in account {account}; name one in the program activities"
    )]
    MissingProgramActivity {
        /// The account.
        account: crate::budget::AccountSymbol,
        /// The program.
        program: crate::purpose::ProgramKind,
    },
}

crate::wire::wire_error!(ReportError);

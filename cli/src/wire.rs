//! The JSON the CLI prints for an error of one input line (a command, an import row, a
//! fact or a waiver): the crate's one error shape on the wire (`security_assistance::wire`),
//! `{"code", "message", "citation", "precedence", typed details..., "source"}`.
//!
//! Every error on stdout goes through [`error`]. The crate's errors serialize themselves;
//! the few the CLI finds itself (a line that is not JSON, a record the CLI checks, a
//! command left out of a refused batch) are written in the same shape, with precedence 0
//! (outside the ledger's checking order).

use serde_json::{Value, json};

use security_assistance::budget::BudgetError;
use security_assistance::report::{ImportError, RowError};
use security_assistance::store::ServiceError;

/// What went wrong with one input line.
#[derive(Debug)]
pub(crate) enum LineError<'a> {
    /// The line is not the JSON the subcommand reads.
    Json(&'a serde_json::Error),
    /// The line is JSON of the right shape but its content is refused (a record's dates).
    Invalid(&'a str),
    /// The ledger (through its store) refused the command.
    Service(&'a ServiceError),
    /// An all-or-nothing batch was refused at another line: this one was not applied.
    NotApplied {
        /// The line that was refused.
        refused_line: usize,
    },
    /// A row of an import.
    Row(&'a RowError),
    /// An entry of an imported journal.
    Budget(&'a BudgetError),
    /// A whole import.
    Import(&'a ImportError),
}

/// The wire JSON of `error`.
pub(crate) fn error(error: &LineError<'_>) -> Value {
    match error {
        LineError::Json(e) => json!({
            "code": "invalid_json",
            "message": e.to_string(),
            "precedence": 0,
            "line": e.line(),
            "column": e.column(),
        }),
        LineError::Invalid(message) => json!({
            "code": "invalid",
            "message": message,
            "precedence": 0,
        }),
        LineError::NotApplied { refused_line } => json!({
            "code": "not_applied",
            "message": format!("not applied: the batch was refused at line {refused_line}"),
            "precedence": 0,
            "refused_line": refused_line,
        }),
        LineError::Service(e) => to_value(*e),
        LineError::Row(row) => to_value(&row.problem),
        LineError::Budget(e) => to_value(*e),
        LineError::Import(e) => to_value(*e),
    }
}

/// The crate's wire shape of `value`; an error that cannot be written (none of the
/// crate's) still says what it was.
fn to_value<T: serde::Serialize + std::fmt::Display>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| {
        json!({
            "code": "unserializable",
            "message": value.to_string(),
            "precedence": 0,
            "detail": e.to_string(),
        })
    })
}

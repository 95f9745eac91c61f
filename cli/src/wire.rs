//! The JSON the CLI prints for an error of one input line (a command, an import row, a
//! fact or a waiver).
//!
//! Every error on stdout goes through [`error`], so that the crate's one error shape on
//! the wire replaces this one in one place.

use serde_json::{Value, json};

use security_assistance::budget::BudgetError;
use security_assistance::report::RowError;
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
}

/// The JSON of `error`: `{"code": ..., "message": ..., "details": ...}`, where `code` is
/// stable, `message` is the crate's message and `details` the crate's typed error as it
/// serializes today.
pub(crate) fn error(error: &LineError<'_>) -> Value {
    match error {
        LineError::Json(e) => json!({
            "code": "invalid_json",
            "message": e.to_string(),
            "details": {"line": e.line(), "column": e.column()},
        }),
        LineError::Invalid(message) => json!({
            "code": "invalid",
            "message": message,
        }),
        LineError::Service(e) => {
            let (code, details) = match e {
                ServiceError::Refused(inner) => ("refused", to_value(inner)),
                ServiceError::Batch(batch) => ("refused", to_value(&batch.error)),
                ServiceError::Store(inner) => ("store", to_value(inner)),
                ServiceError::RecordedAfterToday { .. } => ("recorded_after_today", Value::Null),
                ServiceError::RecordedOutOfRange { .. } => ("recorded_out_of_range", Value::Null),
                _ => ("service", Value::Null),
            };
            let message = match e {
                ServiceError::Refused(inner) => inner.to_string(),
                ServiceError::Batch(batch) => batch.error.to_string(),
                other => other.to_string(),
            };
            json!({"code": code, "message": message, "details": details})
        }
        LineError::NotApplied { refused_line } => json!({
            "code": "not_applied",
            "message": format!("not applied: the batch was refused at line {refused_line}"),
        }),
        LineError::Row(row) => json!({
            "code": "row_refused",
            "message": row.problem.to_string(),
            "details": to_value(&row.problem),
        }),
        LineError::Budget(e) => json!({
            "code": "refused",
            "message": e.to_string(),
            "details": to_value(e),
        }),
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

//! Every JSON line the program prints on stdout, as a typed value with a JSON Schema.
//!
//! Each subcommand that prints JSON prints values of one type here (an untagged enum when
//! a line may be one of several kinds); [`documents`] lists their schemas, committed in
//! the repository's `schemas/cli/` (regenerate with `SA_WRITE_SCHEMAS=1 cargo test -p
//! security-assistance-cli --bin security-assistance schemas`). `status --format json`
//! prints the crate's `StatusReport` (`schemas/status_report.json`) and `sf133 --format
//! json` its `Sf133` (`schemas/sf133.json`).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

use security_assistance::Money;
use security_assistance::budget::{AccountSymbol, BudgetError, CommandId, Receipt, Ussgl};
use security_assistance::eligibility::{EligibilityRequest, Fact, Outcome, Waiver};
use security_assistance::report::{ImportError, ImportSummary, RowProblem};
use security_assistance::store::ServiceError;
use security_assistance::wire::FormatVersion;

/// The precedence of an error the program finds itself: 0, outside the ledger's checking
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Zero;

impl Serialize for Zero {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(0)
    }
}

impl JsonSchema for Zero {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Zero".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "integer", "const": 0})
    }
}

/// An error the program finds itself in one input line, in the crate's one error shape
/// (`code`, `message`, `precedence`, the details), precedence 0.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "code", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum CliLineError {
    /// The line is not the JSON the subcommand reads: serde_json's message, with the line
    /// (always 1: one input line is one JSON text) and column it gives.
    InvalidJson {
        /// serde_json's text.
        message: String,
        /// 0.
        precedence: Zero,
        /// The line within the input line's text.
        line: usize,
        /// The column.
        column: usize,
    },
    /// A record of the right shape whose content is refused (its period, its rule).
    Invalid {
        /// What is wrong and what is allowed.
        message: String,
        /// 0.
        precedence: Zero,
    },
    /// An all-or-nothing batch was refused at another line: this one was not applied.
    NotApplied {
        /// The text.
        message: String,
        /// 0.
        precedence: Zero,
        /// The input line that was refused.
        refused_line: usize,
    },
    /// A command sent to `apply` or `check` carries a field that only the ledger sets:
    /// `recorded`, which the ledger's clock stamps.
    FieldNotAccepted {
        /// What is wrong, why, and what to do.
        message: String,
        /// 0.
        precedence: Zero,
        /// The field (`recorded`).
        field: String,
        /// The fields a command sent to `apply` or `check` has.
        allowed: Vec<String>,
    },
}

/// The error of one output line: the program's own, or one of the crate's, each in the
/// crate's one error shape.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum LineError {
    /// Found by the program.
    Cli(CliLineError),
    /// The ledger, through its store, refused a command or a batch.
    Service(ServiceError),
    /// A row of a CSV import.
    Row(RowProblem),
    /// An entry of an imported journal.
    Budget(BudgetError),
    /// A whole import.
    Import(ImportError),
}

impl LineError {
    /// A line that is not the JSON the subcommand reads.
    pub(crate) fn json(error: &serde_json::Error) -> LineError {
        LineError::Cli(CliLineError::InvalidJson {
            message: error.to_string(),
            precedence: Zero,
            line: error.line(),
            column: error.column(),
        })
    }

    /// A record whose content is refused, saying what is wrong and what is allowed.
    pub(crate) fn invalid(message: String) -> LineError {
        LineError::Cli(CliLineError::Invalid {
            message,
            precedence: Zero,
        })
    }

    /// A line left out of an all-or-nothing batch refused at `refused_line`.
    pub(crate) fn not_applied(refused_line: usize) -> LineError {
        LineError::Cli(CliLineError::NotApplied {
            message: format!("not applied: the batch was refused at line {refused_line}"),
            precedence: Zero,
            refused_line,
        })
    }
}

/// `apply`, `check`: a command's receipt.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReceiptLine {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// The input line (1-based).
    pub(crate) line: usize,
    /// The ledger's receipt.
    pub(crate) receipt: Receipt,
}

/// An error: of an input line (`line`), of a command of an import (`command`), or of a
/// whole import (neither).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ErrorLine {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// The input line (1-based): a line of stdin, or a row's line in an imported file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    /// The imported command that was refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) command: Option<CommandId>,
    /// What was wrong.
    pub(crate) error: LineError,
}

impl ErrorLine {
    /// The error of input line `line`.
    pub(crate) fn at(line: usize, error: LineError) -> ErrorLine {
        ErrorLine {
            format_version: FormatVersion::CURRENT,
            line: u64::try_from(line).ok(),
            command: None,
            error,
        }
    }
}

/// A line of `apply` and `check`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ApplyOutput {
    /// Applied (or, by `check`, would be).
    Receipt(ReceiptLine),
    /// Refused.
    Error(ErrorLine),
}

/// `import csv`'s last line: what it applied and skipped.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CsvSummaryLine {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// The import's summary.
    pub(crate) summary: ImportSummary,
}

/// A line of `import csv`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ImportCsvOutput {
    /// A bad row, or the whole file refused.
    Error(ErrorLine),
    /// The summary.
    Summary(CsvSummaryLine),
}

/// What `import journal` brought in.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JournalSummary {
    /// The journal's entries.
    pub(crate) entries: u64,
    /// Entries new to the store, applied.
    pub(crate) applied: u64,
    /// Entries the store already held.
    pub(crate) duplicates: u64,
}

/// `import journal`'s last line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct JournalSummaryLine {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// What was brought in.
    pub(crate) summary: JournalSummary,
}

/// A line of `import journal`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum ImportJournalOutput {
    /// The journal refused.
    Error(ErrorLine),
    /// The summary.
    Summary(JournalSummaryLine),
}

/// A fact or a waiver as it was added, with its recorded date.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum Added {
    /// A fact.
    Fact(Fact),
    /// A waiver.
    Waiver(Waiver),
}

/// `facts add`, `waivers add`: a record added.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AddedLine {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// The input line (1-based).
    pub(crate) line: usize,
    /// The record, stamped with today's recorded date.
    pub(crate) added: Added,
}

/// A line of `facts add` and `waivers add`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RecordsAddOutput {
    /// Added.
    Added(AddedLine),
    /// Refused (nothing is added when a line is refused).
    Error(ErrorLine),
}

/// One check of `verify`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Check {
    /// Passed.
    pub(crate) ok: bool,
    /// Why not (or why it was not run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

impl Check {
    /// Passed.
    pub(crate) fn ok() -> Check {
        Check {
            ok: true,
            error: None,
        }
    }

    /// Failed, with `why`.
    pub(crate) fn failed(why: String) -> Check {
        Check {
            ok: false,
            error: Some(why),
        }
    }

    /// Not run, because `why`.
    pub(crate) fn skipped(why: &str) -> Check {
        Check::failed(format!("not checked: {why}"))
    }
}

/// A stored decision that today's facts and waivers answer differently.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Redecided {
    /// The entry's sequence.
    pub(crate) sequence: u64,
    /// Its command.
    pub(crate) command: CommandId,
    /// The question asked.
    pub(crate) request: EligibilityRequest,
    /// The stored answer.
    pub(crate) stored: Outcome,
    /// Today's answer.
    pub(crate) now: Outcome,
}

/// Every stored decision asked again (reported, never failed).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecidedAgain {
    /// Always true when asked: a changed answer is not a failure.
    pub(crate) ok: bool,
    /// Decisions asked again.
    pub(crate) asked: usize,
    /// Those answered differently today.
    pub(crate) changed: Vec<Redecided>,
}

/// `decided_again` of `verify`: asked, or not (the store could not be read whole).
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum DecidedAgainCheck {
    /// Asked.
    Asked(DecidedAgain),
    /// Not asked.
    Skipped(Check),
}

/// `verify`'s one line.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyReport {
    /// The format of this line.
    pub(crate) format_version: FormatVersion,
    /// Every check passed.
    pub(crate) ok: bool,
    /// Entries read.
    pub(crate) entries: usize,
    /// Entries with a stored eligibility decision.
    pub(crate) entries_with_decisions: usize,
    /// Every entry's checksum.
    pub(crate) checksums: Check,
    /// Sequences without a gap, each entry in its place.
    pub(crate) order: Check,
    /// Every stored decision answers its entry.
    pub(crate) decisions: Check,
    /// The ledger opened from the store equals a replay of every entry, also after a JSON
    /// round trip.
    pub(crate) replay: Check,
    /// The stored decisions asked again with today's facts.
    pub(crate) decided_again: DecidedAgainCheck,
}

/// One USSGL account's balance in `trial-balance`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrialBalanceLine {
    /// The USSGL account number.
    pub(crate) ussgl: u16,
    /// Its name (the crate's `Ussgl` variant).
    pub(crate) name: String,
    /// Its balance (debit positive).
    pub(crate) balance: Money,
}

impl TrialBalanceLine {
    /// The line of `ussgl`.
    pub(crate) fn new(ussgl: Ussgl, balance: Money) -> TrialBalanceLine {
        TrialBalanceLine {
            ussgl: ussgl.number(),
            name: format!("{ussgl:?}"),
            balance,
        }
    }
}

/// One account's trial balance.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TrialBalanceAccount {
    /// The account.
    pub(crate) account: AccountSymbol,
    /// As of this date.
    pub(crate) as_of: NaiveDate,
    /// Every USSGL account's balance.
    pub(crate) balances: Vec<TrialBalanceLine>,
    /// Debits less credits: zero when the books balance.
    pub(crate) net: Money,
}

/// `trial-balance --format json`: every account's, one line.
pub(crate) type TrialBalanceOutput = Vec<TrialBalanceAccount>;

/// The schemas of the program's output, by file name under `schemas/cli/`.
#[cfg(test)]
pub(crate) fn documents() -> Vec<(&'static str, serde_json::Value)> {
    use security_assistance::report::json_schema_for;
    vec![
        ("apply", json_schema_for::<ApplyOutput>()),
        (
            "apply_input",
            json_schema_for::<crate::commands::ApplyLine>(),
        ),
        ("import_csv", json_schema_for::<ImportCsvOutput>()),
        ("import_journal", json_schema_for::<ImportJournalOutput>()),
        ("records_add", json_schema_for::<RecordsAddOutput>()),
        ("facts_list", json_schema_for::<Fact>()),
        ("waivers_list", json_schema_for::<Waiver>()),
        ("verify", json_schema_for::<VerifyReport>()),
        ("trial_balance", json_schema_for::<TrialBalanceOutput>()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schemas are the ones the types give; `SA_WRITE_SCHEMAS=1` rewrites them.
    #[test]
    fn schemas_are_committed_as_generated() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/cli");
        let write = std::env::var_os("SA_WRITE_SCHEMAS").is_some();
        let mut stale = Vec::new();
        for (name, schema) in documents() {
            let path = dir.join(format!("{name}.json"));
            let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
            text.push('\n');
            if write {
                std::fs::create_dir_all(&dir).ok();
                std::fs::write(&path, &text).ok();
            } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(name);
            }
        }
        assert!(
            stale.is_empty(),
            "schemas/cli/ differs for {stale:?}: run SA_WRITE_SCHEMAS=1 cargo test -p security-assistance-cli --bin security-assistance schemas"
        );
    }

    #[test]
    fn the_programs_own_errors_are_in_the_one_error_shape() {
        let error = LineError::Cli(CliLineError::NotApplied {
            message: "not applied: the batch was refused at line 2".to_owned(),
            precedence: Zero,
            refused_line: 2,
        });
        assert_eq!(
            serde_json::to_value(&error).ok(),
            Some(serde_json::json!({
                "code": "not_applied",
                "message": "not applied: the batch was refused at line 2",
                "precedence": 0,
                "refused_line": 2
            }))
        );
    }
}

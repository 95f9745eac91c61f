//! Reports and the formats other services read and write.
//!
//! - [`import_transactions`]: budget-execution transactions from CSV, all or nothing (or
//!   partial, on request), every bad row reported with its line number;
//! - [`import_journal`]: a journal from JSON, replayed and checked;
//! - [`StatusReport`]: a status of funds for a [`StatusQuery`](crate::budget::StatusQuery)
//!   (any combination of [`Dimension`](crate::budget::Dimension)s: account, fiscal year,
//!   holder, program, partner, the partner's region, the implementing agency and the
//!   mission area, whose documents come from a
//!   [`MissionRegister`](crate::budget::MissionRegister)), as typed rows, an aligned text
//!   table, CSV or JSON;
//! - [`InteropReport`]: which international standards the homeland program's obligated and
//!   planned money builds toward, by mission area, and the priority mission areas with
//!   none (the gaps), as typed rows, CSV or JSON;
//! - [`AuditReport`]: the audit trail of a document or an actor (who signed what under
//!   which delegation, and its chain to the agency head), as text, CSV or JSON;
//! - [`FlowGraph`]: appropriation → funds holder → program → partner → instrument, as
//!   Mermaid `sankey-beta` text or a standalone SVG Sankey diagram;
//! - exports: [`iati_activities`] (IATI 2.03 activity XML), [`file_a`] and [`file_b`]
//!   (DATA Act Broker files with the Broker's current columns, signs and rules; program
//!   activities from the caller's [`ProgramActivities`]), [`foreign_assistance_csv`]
//!   (ForeignAssistance.gov-style).

mod audit;
mod broker;
mod flow;
mod iati;
mod import;
mod interop;
mod records;
mod status;
mod table;
mod transactions;
mod usaspending;
mod xml;

pub use audit::AuditReport;
pub use broker::{
    FILE_A_COLUMNS, FILE_B_COLUMNS, ProgramActivities, ProgramActivity, ProgramActivityAssignment,
    file_a, file_b,
};
pub use flow::{FlowEdge, FlowGraph, FlowNode, Measure};
pub use iati::{IATI_FLOW_TYPE, IATI_ORG_ID_PREFIXES, IatiPublisher, iati_activities};
pub use interop::{
    InteropGap, InteropQuery, InteropReport, InteropRow, InteropScope, StandardTotal,
};
pub use status::StatusReport;
pub use table::ReportError;
pub use usaspending::{FOREIGN_ASSISTANCE_COLUMNS, foreign_assistance_csv};

pub use import::{
    CSV_COLUMNS, CsvImport, ImportError, ImportSummary, RowError, RowProblem, import_journal,
    import_transactions,
};

/// JSON Schemas (draft 2020-12) of what the crate reads and writes, one per document kind,
/// by name: `command` ([`Command`](crate::budget::Command)), `journal`
/// ([`Journal`](crate::budget::Journal), its versioned envelope), `receipt` and
/// `batch_receipts` ([`Receipt`](crate::budget::Receipt)), `error`
/// ([`ServiceError`](crate::store::ServiceError) in the wire shape of [`crate::wire`]),
/// `batch_error` ([`BatchError`](crate::budget::BatchError)), `status_rows` (a `Vec` of
/// [`StatusRow`](crate::budget::StatusRow)), `status_report` ([`StatusReport`]), `sf133`
/// ([`Sf133`](crate::budget::Sf133)), `trial_balance`
/// ([`TrialBalance`](crate::budget::TrialBalance)) and `flow_graph` ([`FlowGraph`]). Only
/// with the `schemars` feature. The same schemas are committed in the repository's
/// `schemas/` folder; `docs/COMPATIBILITY.md` says what they constrain and what they
/// cannot (a date that matches the pattern but does not exist, such as 2008-02-30, which
/// the crate refuses).
///
/// ```
/// let schemas = security_assistance::report::json_schemas();
/// let command = &schemas["command"];
/// assert_eq!(command["title"], "Command");
/// assert!(command["required"].as_array().ok_or("required")?.contains(&"action".into()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "schemars")]
#[must_use]
pub fn json_schemas() -> std::collections::BTreeMap<&'static str, serde_json::Value> {
    crate::schema::documents()
}

/// The JSON Schema (draft 2020-12) of any type that has one, finished the way the
/// schemas of [`json_schemas`] are: dates by pattern rather than a `format` label, and no
/// properties beyond those named. For a program that wraps the crate's types in documents
/// of its own (the command-line program's output lines are made this way). Only with the
/// `schemars` feature.
///
/// ```
/// use security_assistance::budget::Receipt;
/// let schema = security_assistance::report::json_schema_for::<Vec<Receipt>>();
/// assert_eq!(schema["type"], "array");
/// ```
#[cfg(feature = "schemars")]
#[must_use]
pub fn json_schema_for<T: schemars::JsonSchema>() -> serde_json::Value {
    crate::schema::one::<T>()
}

//! Reports and the formats other services read and write.
//!
//! - [`import_transactions`]: budget-execution transactions from CSV, all or nothing (or
//!   partial, on request), every bad row reported with its line number;
//! - [`import_journal`]: a journal from JSON, replayed and checked;
//! - [`text_table`] and [`csv()`]: a status of funds as an aligned table or as CSV;
//!   [`by_region`] sums it by the partners' State Department regions;
//! - [`StatusReport`]: a status of funds by any combination of [`ReportDimension`]s,
//!   the partner's region included, as typed rows, a text table or CSV;
//! - [`FlowGraph`]: appropriation → funds holder → program → partner → instrument, as
//!   Mermaid `sankey-beta` text or a standalone SVG Sankey diagram.

mod flow;
mod import;
mod status;
mod table;

pub use flow::{FlowEdge, FlowGraph, FlowNode, Measure};
pub use status::{ReportDimension, ReportQuery, ReportRow, StatusReport};
pub use table::{ReportError, by_region, csv, text_table};

pub use import::{
    CSV_COLUMNS, CsvImport, ImportError, ImportSummary, RowError, RowProblem, import_journal,
    import_transactions,
};

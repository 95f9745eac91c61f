//! Reports and the formats other services read and write.
//!
//! - [`import_transactions`]: budget-execution transactions from CSV, all or nothing (or
//!   partial, on request), every bad row reported with its line number;
//! - [`import_journal`]: a journal from JSON, replayed and checked;
//! - [`text_table`] and [`csv()`]: a status of funds as an aligned table or as CSV;
//!   [`by_region`] sums it by the partners' State Department regions.

mod import;
mod table;

pub use table::{ReportError, by_region, csv, text_table};

pub use import::{
    CSV_COLUMNS, CsvImport, ImportError, ImportSummary, RowError, RowProblem, import_journal,
    import_transactions,
};

//! Reports and the formats other services read and write.
//!
//! - [`import_transactions`]: budget-execution transactions from CSV, all or nothing (or
//!   partial, on request), every bad row reported with its line number;
//! - [`import_journal`]: a journal from JSON, replayed and checked.

mod import;

pub use import::{
    CSV_COLUMNS, CsvImport, ImportError, ImportSummary, RowError, RowProblem, import_journal,
    import_transactions,
};

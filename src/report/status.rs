//! A status of funds with the query that produced it, as a text table, CSV or JSON.

use serde::{Deserialize, Serialize};

use super::ReportError;
use super::table::{COLUMNS, aligned};
use crate::budget::{
    Dimension, Ledger, MissionKey, MissionRegister, StatusKey, StatusQuery, StatusRow,
};
use crate::money::Money;

/// A status of funds: the rows of [`Ledger::status_of_funds`] for a [`StatusQuery`], with
/// the query, rendered as an aligned text table, CSV or JSON.
///
/// Every dollar is counted once, at the deepest level it reached (see [`StatusRow`]), so
/// every column adds up across rows whatever the grouping ([`Dimension`] says how agency
/// and mission area are read).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Dimension, Ledger, StatusQuery};
/// use security_assistance::report::StatusReport;
/// use security_assistance::{ProgramKind, Region};
///
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let account = "011-2008-1081".parse()?;
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// let key = AllocationKey::new("DSCA".parse()?, ProgramKind::Training, Some("JOR".parse()?));
/// for (id, action) in [
///     ("a", Action::Appropriate { account, title: "IMET".into(),
///         purposes: vec![ProgramKind::Training], amount: "1000".parse()?, law: "P.L. 110-161".into() }),
///     ("b", Action::Apportion { account,
///         category: Apportionment::ByPeriod { from: day }, amount: "1000".parse()? }),
///     ("c", Action::Allot { account, holder: "DSCA".parse()?, amount: "800".parse()? }),
///     ("d", Action::Allocate { account, key, amount: "500".parse()? }),
/// ] {
///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
/// }
/// let report = StatusReport::of(&ledger, &StatusQuery::new(day, &[Dimension::Region]))?;
/// assert_eq!(report.rows.len(), 2);
/// assert_eq!(report.rows[0].key.region, None);
/// assert_eq!(report.rows[1].key.region, Some(Region::NearEast));
/// assert_eq!(report.rows[1].allocated, "500".parse()?);
/// let table = report.text_table()?;
/// assert!(table.contains("NEA"));
/// assert!(table.contains("(no region)"));
/// assert!(report.csv()?.starts_with(
///     "account,fiscal_year,holder,program,partner,region,agency,mission_area,object_class,"));
/// assert!(report.json()?.starts_with(r#"{"query":{"as_of":"2008-01-02""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusReport {
    /// The query answered.
    pub query: StatusQuery,
    /// The rows, sorted by key.
    pub rows: Vec<StatusRow>,
}

impl StatusReport {
    /// The status of funds of `ledger` for `query` ([`Ledger::status_of_funds`]). Grouped
    /// by [`Dimension::MissionArea`], everything is unassigned here: use
    /// [`StatusReport::with_missions`] to say which document serves which mission area.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot answer the query (a replay error or a
    /// total out of range).
    pub fn of(ledger: &Ledger, query: &StatusQuery) -> Result<StatusReport, ReportError> {
        StatusReport::with_missions(ledger, query, &MissionRegister::new())
    }

    /// The status of funds of `ledger` for `query`, with the mission areas of the
    /// documents in `missions` ([`Ledger::status_of_funds_with_missions`]).
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot answer the query (a replay error or a
    /// total out of range).
    pub fn with_missions(
        ledger: &Ledger,
        query: &StatusQuery,
        missions: &MissionRegister,
    ) -> Result<StatusReport, ReportError> {
        Ok(StatusReport {
            query: query.clone(),
            rows: ledger.status_of_funds_with_missions(query, missions)?,
        })
    }

    /// The column totals of the report.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] only if a total is out of range.
    pub fn totals(&self) -> Result<StatusRow, ReportError> {
        let mut sum = StatusRow::default();
        for row in &self.rows {
            sum.add(row)?;
        }
        Ok(sum)
    }

    /// The report as an aligned text table: the key columns the query groups by (the
    /// region by its abbreviation, such as `NEA`; the agency by its abbreviation; the
    /// mission area by its code or `unassigned`), then the amounts right-aligned as
    /// `$1,234.56`, and a total line. Where a row has no value in a key column, the cell
    /// says what the money is: `(not allotted)` for a holder, `(not allocated)` for a
    /// program, `(no partner)`, `(no region)`, `(no agency)`. See [`StatusReport`] for an
    /// example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] only if a total is out of range.
    pub fn text_table(&self) -> Result<String, ReportError> {
        let shown: Vec<usize> = KEY_COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, (_, d))| self.query.groups_by(*d))
            .map(|(i, _)| i)
            .collect();
        let headers: Vec<&str> = shown
            .iter()
            .filter_map(|&i| KEY_COLUMNS.get(i).map(|c| c.0))
            .collect();
        let keys: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                let cells = key_cells(&r.key);
                shown
                    .iter()
                    .map(|&i| cells.get(i).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        let values: Vec<[Money; 10]> = self.rows.iter().map(StatusRow::amounts).collect();
        Ok(aligned(&headers, &keys, &values)?)
    }

    /// The report as CSV: the nine key columns (`account`, `fiscal_year`, `holder`,
    /// `program`, `partner`, `region`, `agency`, `mission_area`, `object_class` (A-11
    /// §83.6, `41.0`; empty for money not obligated); empty when not grouped
    /// or absent, `-` for no agency in a report grouped by agency), then the ten amounts
    /// in canonical form (`1234.56`), with a header line. See [`StatusReport`] for an
    /// example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn csv(&self) -> Result<String, ReportError> {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = KEY_COLUMNS.iter().map(|c| c.0).chain(COLUMNS).collect();
        writer.write_record(&header).map_err(csv_error)?;
        for row in &self.rows {
            let mut record = key_cells(&row.key).to_vec();
            if self.query.groups_by(Dimension::Agency) && row.key.agency.is_none() {
                if let Some(cell) = record.get_mut(AGENCY_COLUMN) {
                    NO_AGENCY.clone_into(cell);
                }
            }
            record.extend(row.amounts().iter().map(|a| a.to_decimal().to_string()));
            writer.write_record(&record).map_err(csv_error)?;
        }
        csv_text(writer)
    }

    /// The report as one line of JSON (this type's serde form): the query and the rows,
    /// amounts as decimal strings. See [`StatusReport`] for an example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Json`] if the writer fails (only on a bug).
    pub fn json(&self) -> Result<String, ReportError> {
        serde_json::to_string(self).map_err(|e| ReportError::Json(crate::wire::Cause::json(&e)))
    }
}

/// The key columns of a status of funds, in table order, with their dimension.
const KEY_COLUMNS: [(&str, Dimension); 9] = [
    ("account", Dimension::Account),
    ("fiscal_year", Dimension::FiscalYear),
    ("holder", Dimension::Holder),
    ("program", Dimension::Program),
    ("partner", Dimension::Partner),
    ("region", Dimension::Region),
    ("agency", Dimension::Agency),
    ("mission_area", Dimension::MissionArea),
    ("object_class", Dimension::ObjectClass),
];

/// Where the agency is among [`KEY_COLUMNS`].
const AGENCY_COLUMN: usize = 6;

/// How the CSV of a report grouped by agency shows funds with no agency.
const NO_AGENCY: &str = "-";

/// The nine key cells of `key`, empty where it has no value.
fn key_cells(key: &StatusKey) -> [String; 9] {
    fn cell<T: ToString>(value: Option<T>) -> String {
        value.map(|v| v.to_string()).unwrap_or_default()
    }
    [
        cell(key.account),
        cell(key.fiscal_year),
        cell(key.holder.as_ref()),
        cell(key.program),
        cell(key.partner),
        cell(key.region.map(|r| r.abbreviation())),
        cell(key.agency.map(|a| a.abbreviation())),
        cell(key.mission_area.map(|m: MissionKey| m.to_string())),
        cell(key.object_class),
    ]
}

/// The CSV writer's error as a [`ReportError::Csv`].
pub(super) fn csv_error(e: ::csv::Error) -> ReportError {
    ReportError::Csv(crate::wire::Cause::csv(&e))
}

/// The text a CSV writer wrote to memory.
pub(super) fn csv_text(writer: ::csv::Writer<Vec<u8>>) -> Result<String, ReportError> {
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportError::Csv(crate::wire::Cause::io(e.error())))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(crate::wire::Cause::utf8(&e)))
}

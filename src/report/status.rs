//! Status of funds by any combination of the ledger's dimensions and the partner's region.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::table::{COLUMNS, KEY_COLUMNS, aligned, amounts, key_cells};
use crate::budget::{
    BudgetError, Dimension, Ledger, StatusFilter, StatusKey, StatusQuery, StatusRow,
};
use crate::money::Money;
use crate::partner::Region;

/// A dimension a [`StatusReport`] can group by: the ledger's five, plus the partner's
/// region.
///
/// # Not yet
///
/// Mission area and implementing agency (the homeland program's dimensions) will join
/// this enum when the ledger records them on its allocations; until then they are not
/// offered rather than guessed. The enum is `#[non_exhaustive]` for that reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReportDimension {
    /// The appropriation account.
    Account,
    /// The account's first fiscal year of availability.
    FiscalYear,
    /// The funds holder.
    Holder,
    /// The program kind.
    Program,
    /// The partner country.
    Partner,
    /// The partner's State Department region ([`crate::CountryCode::region`]); funds with
    /// no partner have none.
    Region,
}

impl ReportDimension {
    /// The ledger dimension behind this one (the partner, for the region).
    #[must_use]
    pub const fn ledger_dimension(self) -> Dimension {
        match self {
            ReportDimension::Account => Dimension::Account,
            ReportDimension::FiscalYear => Dimension::FiscalYear,
            ReportDimension::Holder => Dimension::Holder,
            ReportDimension::Program => Dimension::Program,
            ReportDimension::Partner | ReportDimension::Region => Dimension::Partner,
        }
    }
}

/// What a [`StatusReport`] covers: as of a date, as known on a date, grouped and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReportQuery {
    /// Balances include entries effective on or before this date.
    pub as_of: NaiveDate,
    /// Balances include entries recorded on or before this date (`None`: all recorded).
    pub known_on: Option<NaiveDate>,
    /// The dimensions that make up a row's key.
    pub group_by: Vec<ReportDimension>,
    /// Which funds to include.
    pub filter: StatusFilter,
}

impl ReportQuery {
    /// A query as of `as_of`, grouped by `group_by`, with no filter.
    #[must_use]
    pub fn new(as_of: NaiveDate, group_by: &[ReportDimension]) -> Self {
        ReportQuery {
            as_of,
            known_on: None,
            group_by: group_by.to_vec(),
            filter: StatusFilter::default(),
        }
    }
}

/// One row of a [`StatusReport`]: the ledger's row (its key holds the grouped ledger
/// dimensions) and the region when grouped by region.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReportRow {
    /// The partner's region, when the report is grouped by region and the funds have a
    /// partner.
    pub region: Option<Region>,
    /// The amounts, with the key of the grouped ledger dimensions.
    pub status: StatusRow,
}

/// A status of funds grouped by any combination of [`ReportDimension`]s, as typed rows.
///
/// Every dollar is counted once, at the deepest level it reached (see
/// [`StatusRow`]), so every column adds up across rows whatever the grouping.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, AllocationKey, Command, Ledger, Apportionment};
/// use security_assistance::report::{ReportDimension, ReportQuery, StatusReport};
/// use security_assistance::{ProgramKind, Region};
///
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let account = "011-2008-1081".parse()?;
/// let mut ledger = Ledger::new();
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
/// let report = StatusReport::of(&ledger, &ReportQuery::new(day, &[ReportDimension::Region]))?;
/// assert_eq!(report.rows.len(), 2);
/// assert_eq!(report.rows[0].region, None);
/// assert_eq!(report.rows[1].region, Some(Region::NearEast));
/// assert_eq!(report.rows[1].status.allocated, "500".parse()?);
/// assert!(report.text_table()?.contains("NEA"));
/// assert!(report.csv()?.starts_with("account,fiscal_year,holder,program,partner,region,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusReport {
    /// The query answered.
    pub query: ReportQuery,
    /// The rows, sorted by key then region.
    pub rows: Vec<ReportRow>,
}

impl StatusReport {
    /// The status of funds of `ledger` for `query`.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot answer the query (a replay error or a
    /// total out of range).
    pub fn of(ledger: &Ledger, query: &ReportQuery) -> Result<StatusReport, ReportError> {
        let by_region = query.group_by.contains(&ReportDimension::Region);
        let by_partner = query.group_by.contains(&ReportDimension::Partner);
        let mut group_by: Vec<Dimension> = query
            .group_by
            .iter()
            .map(|d| d.ledger_dimension())
            .collect();
        group_by.sort_unstable();
        group_by.dedup();
        let ledger_query = StatusQuery {
            as_of: query.as_of,
            known_on: query.known_on,
            group_by,
            filter: query.filter.clone(),
        };
        let rows = ledger.status_of_funds(&ledger_query)?;
        let mut sums: BTreeMap<(StatusKey, Option<Region>), StatusRow> = BTreeMap::new();
        for row in rows {
            let region = if by_region {
                row.key.partner.map(|p| p.region())
            } else {
                None
            };
            let mut key = row.key.clone();
            if !by_partner {
                key.partner = None;
            }
            match sums.get_mut(&(key.clone(), region)) {
                Some(sum) => add(sum, &row)?,
                None => {
                    let mut first = row;
                    first.key = key.clone();
                    sums.insert((key, region), first);
                }
            }
        }
        Ok(StatusReport {
            query: query.clone(),
            rows: sums
                .into_iter()
                .map(|((_, region), status)| ReportRow { region, status })
                .collect(),
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
            add(&mut sum, &row.status)?;
        }
        Ok(sum)
    }

    /// The report as an aligned text table: the key columns that are set in some row
    /// (the region by its abbreviation, such as `NEA`), then the amounts right-aligned as
    /// `$1,234.56`, and a total line. See [`StatusReport`] for an example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] only if a total is out of range.
    pub fn text_table(&self) -> Result<String, ReportError> {
        let headers: Vec<&str> = KEY_COLUMNS.iter().copied().chain(["region"]).collect();
        let keys: Vec<Vec<String>> = self.rows.iter().map(key_of).collect();
        let values: Vec<[Money; 10]> = self.rows.iter().map(|r| amounts(&r.status)).collect();
        Ok(aligned(&headers, &keys, &values)?)
    }

    /// The report as CSV: the six key columns (`account`, `fiscal_year`, `holder`,
    /// `program`, `partner`, `region`; empty when not grouped), then the ten amounts in
    /// canonical form (`1234.56`), with a header line. See [`StatusReport`] for an example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn csv(&self) -> Result<String, ReportError> {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = KEY_COLUMNS
            .iter()
            .copied()
            .chain(["region"])
            .chain(COLUMNS)
            .collect();
        writer.write_record(&header).map_err(csv_error)?;
        for row in &self.rows {
            let mut record = key_of(row);
            record.extend(
                amounts(&row.status)
                    .iter()
                    .map(|a| a.to_decimal().to_string()),
            );
            writer.write_record(&record).map_err(csv_error)?;
        }
        csv_text(writer)
    }
}

fn key_of(row: &ReportRow) -> Vec<String> {
    let mut cells = key_cells(&row.status.key).to_vec();
    cells.push(
        row.region
            .map(|r| r.abbreviation().to_owned())
            .unwrap_or_default(),
    );
    cells
}

fn add(sum: &mut StatusRow, row: &StatusRow) -> Result<(), BudgetError> {
    let pairs = [
        (&mut sum.budget_authority, row.budget_authority),
        (&mut sum.apportioned, row.apportioned),
        (&mut sum.allotted, row.allotted),
        (&mut sum.allocated, row.allocated),
        (&mut sum.committed, row.committed),
        (&mut sum.obligated, row.obligated),
        (&mut sum.unobligated, row.unobligated),
        (&mut sum.disbursed, row.disbursed),
        (&mut sum.unliquidated, row.unliquidated),
        (&mut sum.recoveries, row.recoveries),
    ];
    for (total, amount) in pairs {
        *total = total.checked_add(amount)?;
    }
    Ok(())
}

/// The CSV writer's error as a [`ReportError::Csv`].
pub(super) fn csv_error(e: ::csv::Error) -> ReportError {
    ReportError::Csv(e.to_string())
}

/// The text a CSV writer wrote to memory.
pub(super) fn csv_text(writer: ::csv::Writer<Vec<u8>>) -> Result<String, ReportError> {
    let bytes = writer
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))
}

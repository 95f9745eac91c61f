//! Status of funds by any combination of the ledger's dimensions and the partner's region.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::ReportError;
use super::mission::{MissionKey, MissionRegister, TaggedObligations, split, tagged_obligations};
use super::table::{COLUMNS, KEY_COLUMNS, aligned, key_cells};
use crate::budget::{Dimension, Ledger, StatusFilter, StatusKey, StatusQuery, StatusRow};
use crate::homeland::Agency;
use crate::money::Money;
use crate::partner::Region;

/// A dimension a [`StatusReport`] can group by: the ledger's five, the partner's region,
/// the implementing agency and the mission area.
///
/// # Agency
///
/// Derived from the funds holder by the homeland program's convention
/// ([`Agency::from_holder`]: a holder named `USCG` is the Coast Guard). A holder that is
/// not an agency's abbreviation (such as `DSCA`), and authority not yet allotted to any
/// holder, have no agency: the row's [`ReportRow::agency`] is `None`, shown as `-`. The
/// crate never guesses an agency from anything else.
///
/// # Mission area
///
/// The ledger's keys do not carry a mission area; the homeland program keeps it per
/// obligating document ([`Oversight`](crate::homeland::Oversight)). A report grouped by
/// mission area reads it from a [`MissionRegister`] given to
/// [`StatusReport::with_missions`], by this rule:
///
/// - the obligation of a document tagged with a mission area — its obligated, disbursed
///   and unliquidated amounts, net of adjustments and refunds as of the date — goes to
///   that area's row. Those dollars have reached their deepest level, the document, so
///   they count there from budget authority down to obligated (budget authority,
///   apportioned, allotted and allocated equal the amount obligated; unobligated and
///   committed are zero);
/// - everything else goes to the explicit [`MissionKey::Unassigned`] row: authority not
///   yet allotted or allocated, allocated but not obligated (commitments included),
///   obligations on untagged documents, and recoveries (which the ledger keeps per
///   allocation, not per document).
///
/// So every column still adds up to the ungrouped status of funds, to the cent, and each
/// row keeps `budget_authority = obligated + unobligated` and
/// `obligated = disbursed + unliquidated`. [`StatusReport::of`] has no register: there,
/// everything is unassigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// The implementing agency that holds the funds (see [Agency](#agency)).
    Agency,
    /// The mission area of the obligating document (see [Mission area](#mission-area)).
    MissionArea,
}

impl ReportDimension {
    /// The ledger dimensions a report must read to group by this one: itself for the
    /// ledger's five, the partner for the region, the holder for the agency, and the
    /// whole allocation key (account, holder, program, partner) for the mission area,
    /// whose documents are matched to their allocations.
    ///
    /// ```
    /// use security_assistance::budget::Dimension;
    /// use security_assistance::report::ReportDimension;
    /// assert_eq!(ReportDimension::Agency.ledger_dimensions(), [Dimension::Holder]);
    /// assert_eq!(ReportDimension::MissionArea.ledger_dimensions().len(), 4);
    /// ```
    #[must_use]
    pub const fn ledger_dimensions(self) -> &'static [Dimension] {
        match self {
            ReportDimension::Account => &[Dimension::Account],
            ReportDimension::FiscalYear => &[Dimension::FiscalYear],
            ReportDimension::Holder | ReportDimension::Agency => &[Dimension::Holder],
            ReportDimension::Program => &[Dimension::Program],
            ReportDimension::Partner | ReportDimension::Region => &[Dimension::Partner],
            ReportDimension::MissionArea => &[
                Dimension::Account,
                Dimension::Holder,
                Dimension::Program,
                Dimension::Partner,
            ],
        }
    }

    /// The ledger dimension this one is, for the ledger's five.
    const fn as_ledger(self) -> Option<Dimension> {
        match self {
            ReportDimension::Account => Some(Dimension::Account),
            ReportDimension::FiscalYear => Some(Dimension::FiscalYear),
            ReportDimension::Holder => Some(Dimension::Holder),
            ReportDimension::Program => Some(Dimension::Program),
            ReportDimension::Partner => Some(Dimension::Partner),
            ReportDimension::Region | ReportDimension::Agency | ReportDimension::MissionArea => {
                None
            }
        }
    }
}

/// What a [`StatusReport`] covers: as of a date, as known on a date, grouped and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReportQuery {
    /// Balances include entries effective on or before this date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub as_of: NaiveDate,
    /// Balances include entries recorded on or before this date (`None`: all recorded).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
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
/// dimensions), and the region, agency and mission area when grouped by them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct ReportRow {
    /// The partner's region, when the report is grouped by region and the funds have a
    /// partner.
    pub region: Option<Region>,
    /// The implementing agency, when the report is grouped by agency and the funds holder
    /// is an agency ([`Agency::from_holder`]); `None` otherwise, shown as `-` in a report
    /// grouped by agency.
    #[serde(default)]
    pub agency: Option<Agency>,
    /// The mission area, when the report is grouped by mission area (see
    /// [`ReportDimension`] for the rule); `None` when it is not.
    #[serde(default)]
    pub mission: Option<MissionKey>,
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
/// let report = StatusReport::of(&ledger, &ReportQuery::new(day, &[ReportDimension::Region]))?;
/// assert_eq!(report.rows.len(), 2);
/// assert_eq!(report.rows[0].region, None);
/// assert_eq!(report.rows[1].region, Some(Region::NearEast));
/// assert_eq!(report.rows[1].status.allocated, "500".parse()?);
/// assert!(report.text_table()?.contains("NEA"));
/// assert!(report.csv()?.starts_with(
///     "account,fiscal_year,holder,program,partner,region,agency,mission_area,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusReport {
    /// The query answered.
    pub query: ReportQuery,
    /// The rows, sorted by key, then region, agency and mission area.
    pub rows: Vec<ReportRow>,
}

/// What makes a report row distinct.
type RowKey = (
    StatusKey,
    Option<Region>,
    Option<Agency>,
    Option<MissionKey>,
);

impl StatusReport {
    /// The status of funds of `ledger` for `query`. Grouped by
    /// [`ReportDimension::MissionArea`], everything is unassigned here: use
    /// [`StatusReport::with_missions`] to say which document serves which mission area.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot answer the query (a replay error or a
    /// total out of range).
    pub fn of(ledger: &Ledger, query: &ReportQuery) -> Result<StatusReport, ReportError> {
        StatusReport::with_missions(ledger, query, &MissionRegister::new())
    }

    /// The status of funds of `ledger` for `query`, with the mission areas of the
    /// documents in `missions` (used only when the query groups by
    /// [`ReportDimension::MissionArea`]; the rule is documented there).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger};
    /// use security_assistance::homeland::{Agency, MissionArea};
    /// use security_assistance::report::{MissionKey, MissionRegister, ReportDimension, ReportQuery, StatusReport};
    /// use security_assistance::ProgramKind;
    ///
    /// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
    /// let account = "070-2008/2009-0100".parse()?;
    /// let key = AllocationKey::new(Agency::CoastGuard.holder(), ProgramKind::Training, Some("PAN".parse()?));
    /// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
    /// for (id, action) in [
    ///     ("a", Action::Appropriate { account, title: "Homeland security assistance".into(),
    ///         purposes: vec![ProgramKind::Training], amount: "1000".parse()?, law: "P.L. 110-161".into() }),
    ///     ("b", Action::Apportion { account,
    ///         category: Apportionment::ByPeriod { from: day }, amount: "1000".parse()? }),
    ///     ("c", Action::Allot { account, holder: Agency::CoastGuard.holder(), amount: "1000".parse()? }),
    ///     ("d", Action::Allocate { account, key: key.clone(), amount: "600".parse()? }),
    ///     ("e", Action::Obligate { account, document: "PA-MTT-1".parse()?, instrument: Instrument::Enrollment,
    ///         funding: Funding::Allocation { key: key.clone() }, amount: "250".parse()? }),
    ///     ("f", Action::Obligate { account, document: "PA-MTT-2".parse()?, instrument: Instrument::Enrollment,
    ///         funding: Funding::Allocation { key }, amount: "100".parse()? }),
    /// ] {
    ///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
    /// }
    /// let mut missions = MissionRegister::new();
    /// missions.tag(account, "PA-MTT-1".parse()?, MissionArea::MaritimeSecurity);
    /// let query = ReportQuery::new(day, &[ReportDimension::Agency, ReportDimension::MissionArea]);
    /// let report = StatusReport::with_missions(&ledger, &query, &missions)?;
    /// let [maritime, unassigned] = report.rows.as_slice() else { return Err("two rows".into()) };
    /// assert_eq!(maritime.agency, Some(Agency::CoastGuard));
    /// assert_eq!(maritime.mission, Some(MissionKey::Area(MissionArea::MaritimeSecurity)));
    /// assert_eq!(maritime.status.obligated, "250".parse()?);
    /// // The untagged document and the unobligated balance are unassigned.
    /// assert_eq!(unassigned.mission, Some(MissionKey::Unassigned));
    /// assert_eq!(unassigned.status.obligated, "100".parse()?);
    /// assert_eq!(unassigned.status.unobligated, "650".parse()?);
    /// assert!(report.text_table()?.contains("maritime_security"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot answer the query (a replay error or a
    /// total out of range).
    pub fn with_missions(
        ledger: &Ledger,
        query: &ReportQuery,
        missions: &MissionRegister,
    ) -> Result<StatusReport, ReportError> {
        let grouped = |d: ReportDimension| query.group_by.contains(&d);
        let by_mission = grouped(ReportDimension::MissionArea);
        let mut group_by: Vec<Dimension> = query
            .group_by
            .iter()
            .flat_map(|d| d.ledger_dimensions().iter().copied())
            .collect();
        group_by.sort_unstable();
        group_by.dedup();
        // The key fields the report keeps: the ledger dimensions it groups by itself.
        let keeps = |d: Dimension| query.group_by.iter().any(|g| g.as_ledger() == Some(d));
        let ledger_query = StatusQuery {
            as_of: query.as_of,
            known_on: query.known_on,
            group_by,
            filter: query.filter.clone(),
        };
        // Documents are read from the ledger as it stood, like the balances.
        let tagged_needed = by_mission && !missions.is_empty();
        let then = if tagged_needed {
            ledger.as_known(query.as_of, query.known_on)?
        } else {
            Cow::Borrowed(ledger)
        };
        let tagged = if tagged_needed {
            tagged_obligations(&then, missions)?
        } else {
            TaggedObligations::new()
        };
        let mut sums: BTreeMap<RowKey, StatusRow> = BTreeMap::new();
        for row in then.status_of_funds(&ledger_query)? {
            let pieces = if by_mission {
                split(row, &tagged)?
                    .into_iter()
                    .map(|(m, piece)| (Some(m), piece))
                    .collect()
            } else {
                vec![(None, row)]
            };
            for (mission, mut piece) in pieces {
                if is_zero(&piece) {
                    continue;
                }
                let k = &piece.key;
                let region = k.partner.filter(|_| grouped(ReportDimension::Region));
                let agency = k
                    .holder
                    .as_ref()
                    .filter(|_| grouped(ReportDimension::Agency));
                let key = StatusKey {
                    account: k.account.filter(|_| keeps(Dimension::Account)),
                    fiscal_year: k.fiscal_year.filter(|_| keeps(Dimension::FiscalYear)),
                    holder: k.holder.clone().filter(|_| keeps(Dimension::Holder)),
                    program: k.program.filter(|_| keeps(Dimension::Program)),
                    partner: k.partner.filter(|_| keeps(Dimension::Partner)),
                };
                let row_key = (
                    key.clone(),
                    region.map(|p| p.region()),
                    agency.and_then(Agency::from_holder),
                    mission,
                );
                match sums.get_mut(&row_key) {
                    Some(sum) => sum.add(&piece)?,
                    None => {
                        piece.key = key;
                        if !keeps(Dimension::Account) {
                            piece.account_status = None;
                        }
                        sums.insert(row_key, piece);
                    }
                }
            }
        }
        Ok(StatusReport {
            query: query.clone(),
            rows: sums
                .into_iter()
                .map(|((_, region, agency, mission), status)| ReportRow {
                    region,
                    agency,
                    mission,
                    status,
                })
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
            sum.add(&row.status)?;
        }
        Ok(sum)
    }

    /// The report as an aligned text table: the key columns that are set in some row
    /// (the region by its abbreviation, such as `NEA`; the agency by its abbreviation or
    /// `-`; the mission area by its code or `unassigned`), then the amounts right-aligned
    /// as `$1,234.56`, and a total line. See [`StatusReport`] for an example.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] only if a total is out of range.
    pub fn text_table(&self) -> Result<String, ReportError> {
        let headers: Vec<&str> = KEY_COLUMNS.iter().copied().chain(EXTRA_COLUMNS).collect();
        let keys: Vec<Vec<String>> = self.rows.iter().map(|r| self.key_of(r)).collect();
        let values: Vec<[Money; 10]> = self.rows.iter().map(|r| r.status.amounts()).collect();
        Ok(aligned(&headers, &keys, &values)?)
    }

    /// The report as CSV: the eight key columns (`account`, `fiscal_year`, `holder`,
    /// `program`, `partner`, `region`, `agency`, `mission_area`; empty when not grouped,
    /// `-` for no agency, `unassigned` for no mission area), then the ten amounts in
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
            .chain(EXTRA_COLUMNS)
            .chain(COLUMNS)
            .collect();
        writer.write_record(&header).map_err(csv_error)?;
        for row in &self.rows {
            let mut record = self.key_of(row);
            record.extend(
                row.status
                    .amounts()
                    .iter()
                    .map(|a| a.to_decimal().to_string()),
            );
            writer.write_record(&record).map_err(csv_error)?;
        }
        csv_text(writer)
    }

    /// The eight key cells of `row`.
    fn key_of(&self, row: &ReportRow) -> Vec<String> {
        let grouped = |d: ReportDimension| self.query.group_by.contains(&d);
        let mut cells = key_cells(&row.status.key).to_vec();
        cells.push(
            row.region
                .map(|r| r.abbreviation().to_owned())
                .unwrap_or_default(),
        );
        cells.push(if grouped(ReportDimension::Agency) {
            row.agency
                .map_or_else(|| NO_AGENCY.to_owned(), |a| a.abbreviation().to_owned())
        } else {
            String::new()
        });
        cells.push(if grouped(ReportDimension::MissionArea) {
            row.mission.unwrap_or(MissionKey::Unassigned).to_string()
        } else {
            String::new()
        });
        cells
    }
}

/// The key columns a [`StatusReport`] adds to the ledger's five.
const EXTRA_COLUMNS: [&str; 3] = ["region", "agency", "mission_area"];

/// How a report grouped by agency shows funds with no agency.
const NO_AGENCY: &str = "-";

fn is_zero(row: &StatusRow) -> bool {
    row.amounts().iter().all(|a| a.is_zero())
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

//! The interoperability report: which international standards the homeland program's
//! obligated and planned money builds toward, by mission area, and where a priority mission
//! area has no standard-building money at all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::status::{csv_error, csv_text};
use super::table::ReportError;
use crate::budget::{DocumentId, Ledger};
use crate::homeland::{Catalog, MissionArea, Oversight, Plan, StandardRef, Standards, Tag};
use crate::money::{Money, pro_rata};
use crate::partner::{CountryCode, Region};

/// Which documents an [`InteropReport`] describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "of")]
#[non_exhaustive]
pub enum InteropScope {
    /// Every registered package.
    All,
    /// One package, by its id.
    Package(String),
    /// One partner's packages.
    Partner(CountryCode),
    /// The packages of the partners in one region.
    Region(Region),
}

impl std::fmt::Display for InteropScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InteropScope::All => f.write_str("all packages"),
            InteropScope::Package(id) => write!(f, "package {id}"),
            InteropScope::Partner(p) => write!(f, "partner {p}"),
            InteropScope::Region(r) => write!(f, "region {}", r.abbreviation()),
        }
    }
}

/// What an [`InteropReport`] answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteropQuery {
    /// Obligations include entries effective on or before this date.
    pub as_of: NaiveDate,
    /// Obligations include entries recorded on or before this date (`None`: all).
    #[serde(default)]
    pub known_on: Option<NaiveDate>,
    /// Which documents.
    pub scope: InteropScope,
    /// The priority mission areas whose gaps are reported.
    pub priority: BTreeSet<MissionArea>,
}

impl InteropQuery {
    /// A query as of `as_of` for `scope`, every mission area a priority.
    #[must_use]
    pub fn new(as_of: NaiveDate, scope: InteropScope) -> InteropQuery {
        InteropQuery {
            as_of,
            known_on: None,
            scope,
            priority: MissionArea::ALL.into_iter().collect(),
        }
    }
}

/// The money of one mission area that builds toward one set of standards (the empty set:
/// toward none). Rows partition the money: each offering's share of a document falls in
/// exactly one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteropRow {
    /// The mission area.
    pub mission: MissionArea,
    /// The standards (and parts) the money builds toward, sorted; empty for none.
    pub standards: Vec<StandardRef>,
    /// Obligated in the ledger, net, split across a document's offerings in proportion
    /// to their planned shares.
    pub obligated: Money,
    /// Planned by a registered package but not (yet) obligated.
    pub planned: Money,
    /// How many documents contribute.
    pub documents: usize,
}

/// The money toward one standard. A share that builds toward two standards counts under
/// both, so these totals overlap; the [`InteropRow`]s add up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardTotal {
    /// The standard's id.
    pub standard: String,
    /// Its edition or amendment, from the table.
    pub edition: String,
    /// The date of that edition or amendment (which may be later than the money: the table
    /// holds the edition in force today).
    pub dated: Option<NaiveDate>,
    /// `false` when the table marks its edition or date unconfirmed.
    pub confirmed: bool,
    /// Obligated toward it.
    pub obligated: Money,
    /// Planned toward it.
    pub planned: Money,
}

/// A priority mission area in which no money of the scope builds toward any standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteropGap {
    /// The mission area.
    pub mission: MissionArea,
    /// What the scope obligated in it anyway (toward no standard).
    pub obligated: Money,
    /// What the scope planned in it (toward no standard).
    pub planned: Money,
    /// The menu's offerings in this mission area that build toward a standard (empty: the
    /// menu has none).
    pub offerings: Vec<String>,
    /// The table's standards that serve this mission area (empty: the table has none).
    pub standards: Vec<String>,
}

/// Which standards the obligated and planned money of a package, a partner or a region
/// builds toward, by mission area, and the gaps.
///
/// The documents described are those a package registered with
/// [`Oversight::register_package`]. A document the ledger holds on the query's date counts
/// as obligated (its net obligation, split across its offerings in proportion to their
/// planned shares, to the cent); one it does not hold yet counts as planned. So
/// `obligated` is exactly the ledger's obligations on the documents described, and the
/// rows add up to it.
///
/// See `tests/integration/homeland.rs` for a full example through a ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InteropReport {
    /// The query answered.
    pub query: InteropQuery,
    /// The rows, by mission area in priority order, then standards.
    pub rows: Vec<InteropRow>,
    /// The money toward each standard named (overlapping), sorted by id.
    pub by_standard: Vec<StandardTotal>,
    /// The priority mission areas with no standard-building money, in priority order.
    pub gaps: Vec<InteropGap>,
    /// The ledger's obligations on the documents described (the sum of the rows).
    pub obligated: Money,
    /// The planned amount of the documents not yet obligated (the sum of the rows).
    pub planned: Money,
}

#[derive(Default)]
struct Sums {
    obligated: Money,
    planned: Money,
    documents: BTreeSet<String>,
}

/// The rows of an interoperability report by mission area and standards.
type InteropRows = BTreeMap<(MissionArea, Vec<StandardRef>), Sums>;

/// What the described documents add up to: rows, totals by standard (obligated,
/// planned), and the report's totals.
#[derive(Default)]
struct Tally {
    rows: InteropRows,
    totals: BTreeMap<String, (Money, Money)>,
    obligated: Money,
    planned: Money,
}

impl Tally {
    /// Adds `document`'s plan: its obligation (`obligated`, shared pro rata over the
    /// plan's lines) if the ledger has it, else the planned amounts.
    fn add(
        &mut self,
        document: &DocumentId,
        tag: &Tag,
        plan: &Plan,
        obligated: Option<Money>,
    ) -> Result<(), ReportError> {
        let weights: Vec<Money> = plan.lines.iter().map(|l| l.amount).collect();
        let amounts = match obligated {
            Some(amount) => {
                self.obligated = self.obligated.checked_add(amount)?;
                pro_rata(amount, &weights)?
            }
            None => {
                self.planned = self.planned.checked_add(plan.amount()?)?;
                weights
            }
        };
        let obligated = obligated.is_some();
        for (line, amount) in plan.lines.iter().zip(amounts) {
            let mut refs = line.standards.clone();
            refs.sort();
            refs.dedup();
            let sums = self.rows.entry((tag.mission, refs)).or_default();
            let ids: BTreeSet<&str> = line.standards.iter().map(|r| r.standard.as_str()).collect();
            let slot = if obligated {
                &mut sums.obligated
            } else {
                &mut sums.planned
            };
            *slot = slot.checked_add(amount)?;
            sums.documents.insert(document.to_string());
            for id in ids {
                let total = self.totals.entry(id.to_owned()).or_default();
                let slot = if obligated {
                    &mut total.0
                } else {
                    &mut total.1
                };
                *slot = slot.checked_add(amount)?;
            }
        }
        Ok(())
    }
}

/// The priority mission areas of `query` whose described money builds toward no
/// standard, with the offerings and standards that could serve them.
fn gaps(
    rows: &InteropRows,
    catalog: &Catalog,
    standards: &Standards,
    query: &InteropQuery,
) -> Result<Vec<InteropGap>, ReportError> {
    let mut gaps = Vec::new();
    for mission in MissionArea::ALL
        .into_iter()
        .filter(|m| query.priority.contains(m))
    {
        let in_mission = rows.iter().filter(|((m, _), _)| *m == mission);
        let building = in_mission.clone().any(|((_, refs), s)| {
            !(refs.is_empty() || s.obligated.is_zero() && s.planned.is_zero())
        });
        if building {
            continue;
        }
        let obligated = Money::checked_sum(in_mission.clone().map(|(_, s)| s.obligated))?;
        let planned = Money::checked_sum(in_mission.map(|(_, s)| s.planned))?;
        gaps.push(InteropGap {
            mission,
            obligated,
            planned,
            offerings: catalog
                .offerings()
                .iter()
                .filter(|o| o.mission == mission && !o.standards.is_empty())
                .map(|o| o.id.clone())
                .collect(),
            standards: standards.serving(mission).map(|s| s.id.clone()).collect(),
        });
    }
    Ok(gaps)
}

impl InteropReport {
    /// The report for `query` from the documents `oversight` registered, their obligations
    /// in `ledger`, the menu `catalog` (for the gaps) and the table `standards`.
    ///
    /// # Errors
    ///
    /// [`ReportError::Budget`] if the ledger cannot be rebuilt as of the date;
    /// [`ReportError::Money`] on overflow.
    pub fn of(
        ledger: &Ledger,
        oversight: &Oversight,
        catalog: &Catalog,
        standards: &Standards,
        query: &InteropQuery,
    ) -> Result<InteropReport, ReportError> {
        let then = ledger.as_known(query.as_of, query.known_on)?;
        let mut tally = Tally::default();
        for (document, tag, plan) in oversight.plans() {
            let described = match &query.scope {
                InteropScope::All => true,
                InteropScope::Package(id) => &plan.package == id,
                InteropScope::Partner(p) => tag.partner == *p,
                InteropScope::Region(r) => tag.partner.region() == *r,
            };
            if described {
                let balance = then.obligation(&oversight.account(), document);
                tally.add(document, tag, plan, balance.map(|b| b.obligated))?;
            }
        }
        let gaps = gaps(&tally.rows, catalog, standards, query)?;
        let by_standard = tally
            .totals
            .into_iter()
            .map(|(standard, (obligated, planned))| {
                let entry = standards.get(&standard);
                StandardTotal {
                    edition: entry.map(|s| s.edition.clone()).unwrap_or_default(),
                    dated: entry.map(|s| s.dated),
                    confirmed: entry.is_some_and(|s| s.confirmed),
                    standard,
                    obligated,
                    planned,
                }
            })
            .collect();
        Ok(InteropReport {
            query: query.clone(),
            rows: tally
                .rows
                .into_iter()
                .map(|((mission, standards), s)| InteropRow {
                    mission,
                    standards,
                    obligated: s.obligated,
                    planned: s.planned,
                    documents: s.documents.len(),
                })
                .collect(),
            by_standard,
            gaps,
            obligated: tally.obligated,
            planned: tally.planned,
        })
    }

    /// The rows as CSV with a header line: `scope`, `mission_area` (its code),
    /// `standards` (the references joined by `"; "`, a part in parentheses; empty for
    /// none), `obligated`, `planned` (canonical amounts, `1234.56`), `documents`.
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn csv(&self) -> Result<String, ReportError> {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(INTEROP_COLUMNS).map_err(csv_error)?;
        let scope = self.query.scope.to_string();
        for row in &self.rows {
            writer
                .write_record([
                    scope.clone(),
                    row.mission.code().to_owned(),
                    joined(&row.standards),
                    row.obligated.to_decimal().to_string(),
                    row.planned.to_decimal().to_string(),
                    row.documents.to_string(),
                ])
                .map_err(csv_error)?;
        }
        csv_text(writer)
    }

    /// The gaps as CSV with a header line: `scope`, `mission_area`, `obligated`,
    /// `planned`, `menu_offerings` and `table_standards` (ids joined by `"; "`).
    ///
    /// # Errors
    ///
    /// [`ReportError::Csv`] if the writer fails (it writes to memory, so only on a bug).
    pub fn gaps_csv(&self) -> Result<String, ReportError> {
        let mut writer = ::csv::Writer::from_writer(Vec::new());
        writer.write_record(GAP_COLUMNS).map_err(csv_error)?;
        let scope = self.query.scope.to_string();
        for gap in &self.gaps {
            writer
                .write_record([
                    scope.clone(),
                    gap.mission.code().to_owned(),
                    gap.obligated.to_decimal().to_string(),
                    gap.planned.to_decimal().to_string(),
                    gap.offerings.join("; "),
                    gap.standards.join("; "),
                ])
                .map_err(csv_error)?;
        }
        csv_text(writer)
    }

    /// The report as pretty-printed JSON (the serde form: query, rows, totals by standard,
    /// gaps and the two sums).
    ///
    /// # Errors
    ///
    /// [`ReportError::Json`] if serialization fails (it does not for these types).
    pub fn json(&self) -> Result<String, ReportError> {
        serde_json::to_string_pretty(self)
            .map_err(|e| ReportError::Json(crate::wire::Cause::json(&e)))
    }

    /// The report as readable text: one line per row (mission area, standards, obligated,
    /// planned), then the gaps.
    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        for row in &self.rows {
            let standards = if row.standards.is_empty() {
                "(no standard)".to_owned()
            } else {
                joined(&row.standards)
            };
            let _ = writeln!(
                out,
                "  {:<22} {:<44} {:>15} {:>15}",
                row.mission.code(),
                standards,
                row.obligated.to_string(),
                row.planned.to_string()
            );
        }
        let _ = writeln!(
            out,
            "  {:<22} {:<44} {:>15} {:>15}",
            "total",
            "",
            self.obligated.to_string(),
            self.planned.to_string()
        );
        for gap in &self.gaps {
            let menu = if gap.offerings.is_empty() {
                "the menu has no standard-building offering".to_owned()
            } else {
                format!("the menu offers {}", gap.offerings.join(", "))
            };
            let table = if gap.standards.is_empty() {
                "no standard in the table serves it".to_owned()
            } else {
                format!("standards: {}", gap.standards.join(", "))
            };
            let _ = writeln!(out, "  gap: {} ({menu}; {table})", gap.mission.code());
        }
        out
    }
}

/// The columns of [`InteropReport::csv`].
const INTEROP_COLUMNS: [&str; 6] = [
    "scope",
    "mission_area",
    "standards",
    "obligated",
    "planned",
    "documents",
];

/// The columns of [`InteropReport::gaps_csv`].
const GAP_COLUMNS: [&str; 6] = [
    "scope",
    "mission_area",
    "obligated",
    "planned",
    "menu_offerings",
    "table_standards",
];

fn joined(refs: &[StandardRef]) -> String {
    refs.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

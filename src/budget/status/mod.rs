//! Status of funds by any dimension, and the SF-133-shaped statement of an account.
//!
//! One query ([`StatusQuery`]) groups by any [`Dimension`]: the ledger's own (account,
//! fiscal year, funds holder, program, partner), the partner's region, the implementing
//! agency and the mission area. The last two belong to the homeland program, a higher
//! layer: the agency follows from the funds holder by the program's naming convention
//! ([`Agency::from_holder`]), and the mission area of an obligating document comes in as a
//! value, a [`MissionRegister`]. Rows are [`StatusRow`]s; `report::StatusReport` renders
//! them as a table, CSV or JSON.

mod classes;
mod grouping;
mod missions;
mod sf133;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::agency::Agency;
use super::error::BudgetError;
use super::ids::{AccountSymbol, FundsHolder};
use super::ledger::Ledger;
use super::object_class::ObjectClass;
use crate::fiscal::{AccountStatus, FiscalYear};
use crate::money::Money;
use crate::partner::{CountryCode, Region};
use crate::purpose::ProgramKind;

pub use missions::{MissionKey, MissionRegister};
pub(crate) use sf133::Sf133Period;
pub use sf133::{Sf133, Sf133Line};

/// A dimension by which status-of-funds rows are grouped.
///
/// # Agency
///
/// Derived from the funds holder by the homeland program's convention
/// ([`Agency::from_holder`]: a holder named `USCG` is the Coast Guard). A holder that is
/// not an agency's abbreviation (such as `DSCA`), and authority not yet allotted to any
/// holder, have no agency: the key's [`StatusKey::agency`] is `None`. The crate never
/// guesses an agency from anything else.
///
/// # Mission area
///
/// The ledger's keys do not carry a mission area; the homeland program keeps it per
/// obligating document ([`Oversight`](crate::homeland::Oversight)). A status grouped by
/// mission area reads it from a [`MissionRegister`] given to
/// [`Ledger::status_of_funds_with_missions`], by this rule:
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
/// `obligated = disbursed + unliquidated`. [`Ledger::status_of_funds`] has no register:
/// there, everything is unassigned.
///
/// # Object class
///
/// Every obligation has an object class ([`ObligationBalance::object_class`](super::ObligationBalance):
/// the one its command gave, or its instrument's). Grouped or filtered by object class, an
/// allocation's row is split among its documents' classes: each class gets its
/// documents' obligated, disbursed and unliquidated amounts and their recoveries of
/// prior-year obligations, counted from budget authority down to obligated as for mission
/// areas; what is not obligated (unallotted, unallocated and uncommitted authority, and
/// commitments) has no class (`None` in the key). Every column still adds up to the
/// ungrouped status of funds, to the cent. Grouped by mission area and object class
/// together, each (area, class) pair gets its documents' amounts, recoveries included.
///
/// More dimensions (program activity) are added as variants here and as fields of
/// [`StatusKey`] and [`StatusFilter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dimension {
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
    /// The object class of the obligating document (see [Object class](#object-class)).
    ObjectClass,
}

/// Which funds a status-of-funds query covers; `None` fields match everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusFilter {
    /// Only this account.
    pub account: Option<AccountSymbol>,
    /// Only accounts whose first fiscal year is this one.
    pub fiscal_year: Option<FiscalYear>,
    /// Only this funds holder.
    pub holder: Option<FundsHolder>,
    /// Only this program kind.
    pub program: Option<ProgramKind>,
    /// Only this partner.
    pub partner: Option<CountryCode>,
    /// Only partners of this region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Only funds held by this agency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Agency>,
    /// Only this mission area (or only the unassigned share).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission_area: Option<MissionKey>,
    /// Only obligations of this object class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_class: Option<ObjectClass>,
}

/// A status-of-funds query: as of a date, as known on a date, grouped and filtered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusQuery {
    /// Balances include entries effective on or before this date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub as_of: NaiveDate,
    /// Balances include entries recorded on or before this date (`None`: all recorded).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub known_on: Option<NaiveDate>,
    /// The dimensions that make up a row's key; the others are summed over.
    pub group_by: Vec<Dimension>,
    /// Which funds to include.
    pub filter: StatusFilter,
}

impl StatusQuery {
    /// A query as of `as_of`, grouped by `group_by`, with no filter.
    #[must_use]
    pub fn new(as_of: NaiveDate, group_by: &[Dimension]) -> Self {
        StatusQuery {
            as_of,
            known_on: None,
            group_by: group_by.to_vec(),
            filter: StatusFilter::default(),
        }
    }

    /// Whether the rows are grouped by `dimension`.
    #[must_use]
    pub fn groups_by(&self, dimension: Dimension) -> bool {
        self.group_by.contains(&dimension)
    }
}

/// The key of a status-of-funds row: the grouped dimensions are set, the others are
/// `None`. Funds not yet distributed to a holder, program or partner have `None` there
/// too, and so have funds of no agency or region; grouped by mission area, the key always
/// has one ([`MissionKey::Unassigned`] for funds not on a tagged document).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusKey {
    /// The account.
    pub account: Option<AccountSymbol>,
    /// The fiscal year.
    pub fiscal_year: Option<FiscalYear>,
    /// The funds holder.
    pub holder: Option<FundsHolder>,
    /// The program kind.
    pub program: Option<ProgramKind>,
    /// The partner.
    pub partner: Option<CountryCode>,
    /// The partner's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// The implementing agency of the funds holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<Agency>,
    /// The mission area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission_area: Option<MissionKey>,
    /// The object class of the obligations (`None` for money not obligated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_class: Option<ObjectClass>,
}

/// One row of a status of funds.
///
/// Each dollar of budget authority is counted once, at the deepest level it has reached:
/// an account's undistributed authority, a holder's unallocated allotment, or an
/// allocation. So every column adds up across rows, whatever the grouping:
/// `budget_authority ≥ apportioned ≥ allotted ≥ allocated`,
/// `budget_authority = obligated + unobligated`, `obligated = disbursed + unliquidated`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct StatusRow {
    /// The row's key.
    pub key: StatusKey,
    /// The account's status on the as-of date, when the row is for one account.
    pub account_status: Option<AccountStatus>,
    /// Budget authority (appropriations or resolution authority, transfers, offsetting
    /// collections, rescissions).
    pub budget_authority: Money,
    /// Of which apportioned.
    pub apportioned: Money,
    /// Of which allotted.
    pub allotted: Money,
    /// Of which allocated.
    pub allocated: Money,
    /// Reserved by commitments (still unobligated).
    pub committed: Money,
    /// Obligated, net of deobligations and recoveries.
    pub obligated: Money,
    /// Budget authority not obligated.
    pub unobligated: Money,
    /// Disbursed, net of refunds.
    pub disbursed: Money,
    /// Obligated, not yet disbursed.
    pub unliquidated: Money,
    /// Deobligations of prior-year obligations.
    pub recoveries: Money,
}

impl StatusRow {
    /// The ten amounts, in column order (budget authority … recoveries).
    pub(crate) fn amounts(&self) -> [Money; 10] {
        [
            self.budget_authority,
            self.apportioned,
            self.allotted,
            self.allocated,
            self.committed,
            self.obligated,
            self.unobligated,
            self.disbursed,
            self.unliquidated,
            self.recoveries,
        ]
    }

    fn amounts_mut(&mut self) -> [&mut Money; 10] {
        [
            &mut self.budget_authority,
            &mut self.apportioned,
            &mut self.allotted,
            &mut self.allocated,
            &mut self.committed,
            &mut self.obligated,
            &mut self.unobligated,
            &mut self.disbursed,
            &mut self.unliquidated,
            &mut self.recoveries,
        ]
    }

    /// Adds `other`'s amounts to this row's, column by column (the key is kept).
    pub(crate) fn add(&mut self, other: &StatusRow) -> Result<(), BudgetError> {
        for (total, amount) in self.amounts_mut().into_iter().zip(other.amounts()) {
            *total = total.checked_add(amount)?;
        }
        Ok(())
    }

    /// Subtracts `other`'s amounts from this row's, column by column (the key is kept).
    pub(crate) fn subtract(&mut self, other: &StatusRow) -> Result<(), BudgetError> {
        for (total, amount) in self.amounts_mut().into_iter().zip(other.amounts()) {
            *total = total.checked_sub(amount)?;
        }
        Ok(())
    }
}

impl Ledger {
    /// The status of funds for `query`, as typed rows sorted by key.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] if the journal cannot be replayed to the as-of date, or
    /// [`BudgetError::Money`] if a total is out of range.
    pub fn status_of_funds(&self, query: &StatusQuery) -> Result<Vec<StatusRow>, BudgetError> {
        self.status_of_funds_with_missions(query, &MissionRegister::new())
    }

    /// The status of funds for `query`, with the mission areas of the documents in
    /// `missions` (used only when the query groups or filters by
    /// [`Dimension::MissionArea`]; the rule is documented there).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger, MissionKey, MissionRegister, StatusQuery};
    /// use security_assistance::homeland::{Agency, MissionArea};
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
    ///         funding: Funding::Allocation { key: key.clone() }, amount: "250".parse()?, object_class: None, financed_by: Default::default() }),
    ///     ("f", Action::Obligate { account, document: "PA-MTT-2".parse()?, instrument: Instrument::Enrollment,
    ///         funding: Funding::Allocation { key }, amount: "100".parse()?, object_class: None, financed_by: Default::default() }),
    /// ] {
    ///     ledger.apply(Command::new(id.parse()?, day, "me".parse()?, action))?;
    /// }
    /// let mut missions = MissionRegister::new();
    /// missions.tag(account, "PA-MTT-1".parse()?, MissionArea::MaritimeSecurity);
    /// let query = StatusQuery::new(day, &[Dimension::Agency, Dimension::MissionArea]);
    /// let rows = ledger.status_of_funds_with_missions(&query, &missions)?;
    /// let [maritime, unassigned] = rows.as_slice() else { return Err("two rows".into()) };
    /// assert_eq!(maritime.key.agency, Some(Agency::CoastGuard));
    /// assert_eq!(maritime.key.mission_area, Some(MissionKey::Area(MissionArea::MaritimeSecurity)));
    /// assert_eq!(maritime.obligated, "250".parse()?);
    /// // The untagged document and the unobligated balance are unassigned.
    /// assert_eq!(unassigned.key.mission_area, Some(MissionKey::Unassigned));
    /// assert_eq!(unassigned.obligated, "100".parse()?);
    /// assert_eq!(unassigned.unobligated, "650".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Ledger::status_of_funds`].
    pub fn status_of_funds_with_missions(
        &self,
        query: &StatusQuery,
        missions: &MissionRegister,
    ) -> Result<Vec<StatusRow>, BudgetError> {
        grouping::status_rows(
            &*self.as_known(query.as_of, query.known_on)?,
            query,
            missions,
        )
    }
}

//! Errors of the homeland program.

use serde::{Deserialize, Serialize};

use super::{Domain, MissionArea};
use crate::money::{Money, MoneyError};
use crate::partner::CountryCode;

/// Why a catalog was refused on load. Checks run in this order, and the first failure is
/// reported: JSON syntax and shape, then each offering in file order (id, cost, domain),
/// then duplicate ids.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CatalogError {
    /// The text is not a catalog in JSON (serde_json's error, with its line and column, is
    /// the source).
    #[error("catalog json is invalid")]
    Json(#[source] crate::wire::Cause),
    /// An offering's id is empty, longer than [`Catalog::ID_MAX`](super::Catalog::ID_MAX)
    /// characters, or not made of ASCII letters, digits, `-` and `_`.
    #[error("offering id {id:?} is invalid: expected 1 to {max} ascii letters, digits, '-' or '_'")]
    InvalidId {
        /// The refused id.
        id: String,
        /// The maximum length.
        max: usize,
    },
    /// An offering's unit cost is zero or negative.
    #[error("offering {id} has unit cost {cost}: expected a positive amount")]
    NonPositiveCost {
        /// The offering.
        id: String,
        /// Its cost.
        cost: Money,
    },
    /// An offering's domain does not fit its mission area.
    #[error(
        "offering {id} is in the {domain} domain, which does not fit {mission}: cyber serves information security only"
    )]
    DomainMismatch {
        /// The offering.
        id: String,
        /// Its mission area.
        mission: MissionArea,
        /// Its domain.
        domain: Domain,
    },
    /// Two offerings share an id.
    #[error("offering id {id} appears more than once")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// An offering names a standard the table of standards does not hold.
    #[error("offering {offering} builds toward standard {standard:?}, which is not in the table: expected one of {}", known.join(", "))]
    UnknownStandard {
        /// The offering.
        offering: String,
        /// The standard it names.
        standard: String,
        /// The ids the table holds.
        known: Vec<String>,
    },
    /// An offering names a standard that does not serve its mission area.
    #[error("offering {offering} serves {mission}, which standard {standard} does not serve")]
    StandardMissionMismatch {
        /// The offering.
        offering: String,
        /// The standard it names.
        standard: String,
        /// The offering's mission area.
        mission: MissionArea,
    },
}

crate::wire::wire_error!(CatalogError);

/// Why a standard, or an assessment against one, was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum StandardError {
    /// A standard's id is empty, too long or not made of ASCII letters, digits, `-` and `_`.
    #[error("standard id {id:?} is invalid: expected 1 to {max} ascii letters, digits, '-' or '_'")]
    InvalidId {
        /// The refused id.
        id: String,
        /// The maximum length.
        max: usize,
    },
    /// A required text of a standard is blank.
    #[error("standard {id} has a blank {field}: expected text")]
    Blank {
        /// The standard.
        id: String,
        /// The blank field.
        field: String,
    },
    /// A standard serves no mission area.
    #[error("standard {id} serves no mission area: expected at least one")]
    NoMission {
        /// The standard.
        id: String,
    },
    /// The table already holds a standard with this id.
    #[error("standard id {id} appears more than once")]
    Duplicate {
        /// The repeated id.
        id: String,
    },
    /// No standard in the table has this id.
    #[error("unknown standard {id:?}: expected one of {}", known.join(", "))]
    Unknown {
        /// The refused id.
        id: String,
        /// The ids the table holds.
        known: Vec<String>,
    },
    /// An assessment ends on or before the day it starts.
    #[error(
        "the assessment of {partner} against {standard} ends on {to}, not after it starts on {from}"
    )]
    EndsBeforeItStarts {
        /// The standard.
        standard: String,
        /// The partner.
        partner: CountryCode,
        /// The first day in force.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        from: chrono::NaiveDate,
        /// The first day no longer in force.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        to: chrono::NaiveDate,
    },
}

crate::wire::wire_error!(StandardError);

/// Why a homeland operation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum HomelandError {
    /// A name did not match any known value.
    #[error("unknown {what} {input:?}")]
    UnknownName {
        /// What kind of name.
        what: String,
        /// The refused input.
        input: String,
    },
    /// A catalog was refused.
    #[error("the catalog is refused")]
    Catalog(#[from] CatalogError),
    /// A standard or an assessment was refused.
    #[error("the standard or assessment is refused")]
    Standard(#[from] StandardError),
    /// The ledger refused a query.
    #[error("the ledger refused")]
    Budget(#[from] Box<crate::budget::BudgetError>),
    /// Arithmetic on money overflowed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
    /// A part's notice could not be assessed: a figure was out of range.
    #[error("the notice could not be assessed")]
    Assess(#[from] crate::notification::AssessError),
    /// An identifier composed by the module was refused by the ledger's id rules.
    #[error("composed identifier {id:?} is invalid")]
    Id {
        /// The composed text.
        id: String,
        /// The ledger's reason.
        source: crate::budget::IdError,
    },
    /// A priority weight is negative, above [`Priorities::WEIGHT_MAX`](super::Priorities::WEIGHT_MAX)
    /// or has more than [`Priorities::WEIGHT_SCALE_MAX`](super::Priorities::WEIGHT_SCALE_MAX)
    /// decimals.
    #[error(
        "priority weight {weight} for {of} is invalid: expected 0 to {max} with at most {scale} decimals"
    )]
    InvalidWeight {
        /// What the weight is for.
        of: String,
        /// The weight.
        weight: rust_decimal::Decimal,
        /// The maximum.
        max: rust_decimal::Decimal,
        /// The maximum number of decimals.
        scale: u32,
    },
    /// An amount that must not be negative was negative.
    #[error("{what} is {amount}: expected zero or more")]
    NegativeAmount {
        /// What the amount is.
        what: String,
        /// The amount.
        amount: Money,
    },
    /// Two allocation requests share an id.
    #[error("allocation request id {id} appears more than once")]
    DuplicateRequest {
        /// The repeated id.
        id: String,
    },
    /// The exact allocation arithmetic did not fit in 128 bits.
    #[error(
        "allocation arithmetic overflowed 128 bits: reduce the weights' decimals or the amounts"
    )]
    Overflow,
    /// A package names an offering the catalog does not hold.
    #[error("package item {offering} is not in the catalog")]
    UnknownOffering {
        /// The id.
        offering: String,
    },
    /// A package item's quantity is zero.
    #[error("package item {offering} has quantity 0: expected at least 1")]
    ZeroQuantity {
        /// The offering.
        offering: String,
    },
    /// A package item's domain was not chosen for the package.
    #[error(
        "package item {offering} is in the {domain} domain, which the package for {partner} did not choose"
    )]
    DomainNotChosen {
        /// The offering.
        offering: String,
        /// Its domain.
        domain: Domain,
        /// The partner.
        partner: CountryCode,
    },
}

crate::wire::wire_error!(HomelandError);

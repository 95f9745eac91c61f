//! The homeland-security assistance program of the seed paper: mission areas, domains and
//! implementing agencies; a menu of goods and services; one-stop packages; a priority
//! allocation of a constrained appropriation; and oversight by partner, mission area and
//! agency.
//!
//! The program is modeled on the State and Defense tools (DOMAIN.md §8): the same rule
//! types apply to Homeland Security funds as configurable policy, by analogy, not as
//! statutes that bind the department today. The module talks to the ledger only through
//! [`budget::Command`](crate::budget::Command)s it returns (it never applies them) and to
//! eligibility only through the caller's
//! [`EligibilityCheck`](crate::eligibility::EligibilityCheck), asked with
//! [`Department::HomelandSecurity`](crate::eligibility::Department::HomelandSecurity).
//!
//! * [`Standards`]: the international standards the mission areas are measured against
//!   (dated data with sources; callers add their own); [`Standing`]: partners' assessed
//!   standing against them, as effective-dated facts with two clocks.
//! * [`Catalog`]: the menu, loaded from and saved to JSON and validated on load; each
//!   [`Offering`] names the standards it builds toward ([`StandardRef`]).
//! * [`PackageSpec::build`]: a one-stop package for one partner, split into instruments,
//!   each with its eligibility decision and notification requirement; the ledger commands
//!   it needs or the reasons it cannot go ahead.
//! * [`allocate`]: a weighted water-filling division of a budget with floors and caps.
//! * [`Oversight`]: the committees of jurisdiction and a quarterly status.
//! * [`Project`]: technology cooperation, a cost-shared research project of the Science
//!   and Technology Directorate with foreign partners (6 U.S.C. 195c); it obligates the
//!   U.S. share and turns each partner contribution into an
//!   [`Action::Collect`](crate::budget::Action::Collect), tracking what is due, received
//!   and in arrears. [`ResultsRegister`]: the clearinghouse of shared results.
//!
//! ## Funds-holder convention
//!
//! Each implementing agency holds its allotments under a funds holder named by its
//! abbreviation ([`Agency::holder`]: `"USCG"`, `"CBP"`, `"ICE"`, `"TSA"`, `"USCIS"`,
//! `"USSS"`, `"FEMA"`, `"ST"`, `"OIA"`, `"DOD"`, `"DOS"`); [`Agency::from_holder`] reads it
//! back. An allocation key of the homeland account is therefore (agency, program kind,
//! partner); the mission area is not part of the key and is kept by [`Oversight`] per
//! obligating document.

mod allocation;
mod catalog;
mod consolidation;
mod cooperation;
mod error;
mod oversight;
mod package;
mod standards;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::budget::Instrument;
use crate::purpose::ProgramKind;

pub use crate::budget::agency::Agency;
pub use crate::purpose::MissionArea;

pub use allocation::{
    AllocationLine, AllocationMethod, AllocationRequest, AllocationResult, Priorities, StandardGap,
    allocate,
};
pub use catalog::{Catalog, Category, Offering};
pub use consolidation::{Consolidation, consolidate};
pub use cooperation::{
    AUTHORITY as COOPERATION_AUTHORITY, Arrears, Contribution, CooperationContext,
    CooperationError, MATCHING as COOPERATION_MATCHING, PartnerShare, Project, RegisteredProject,
    Release, ResultKind, ResultsRegister, SharedResult,
};
pub use error::{CatalogError, HomelandError, StandardError};
pub use oversight::{Oversight, Plan, PlanLine, QuarterRow, Tag};
pub use package::{
    Dropped, FundingKind, FundingSource, Package, PackageBlocker, PackageContext, PackageItem,
    PackageSpec, Part, PartLine,
};
pub use standards::{Assessment, Finding, Standard, StandardRef, Standards, Standing};

impl FromStr for MissionArea {
    type Err = HomelandError;

    fn from_str(s: &str) -> Result<MissionArea, HomelandError> {
        MissionArea::ALL
            .into_iter()
            .find(|m| m.code() == s)
            .ok_or_else(|| HomelandError::UnknownName {
                what: "mission area".to_owned(),
                input: s.to_owned(),
            })
    }
}

/// The domain an offering serves. A package chooses among air, land and sea; cyber serves
/// information security only.
///
/// ```
/// use security_assistance::homeland::{Domain, MissionArea};
/// assert!(Domain::Cyber.fits(MissionArea::InformationSecurity));
/// assert!(!Domain::Sea.fits(MissionArea::InformationSecurity));
/// assert!(!Domain::Cyber.fits(MissionArea::AviationSecurity));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Domain {
    /// Air.
    Air,
    /// Land.
    Land,
    /// Sea.
    Sea,
    /// Cyber, for information security.
    Cyber,
}

impl Domain {
    /// Whether an offering in this domain may serve `mission`: cyber exactly for
    /// information security, the physical domains for every other mission area.
    #[must_use]
    pub const fn fits(self, mission: MissionArea) -> bool {
        let cyber_mission = matches!(mission, MissionArea::InformationSecurity);
        match self {
            Domain::Cyber => cyber_mission,
            Domain::Air | Domain::Land | Domain::Sea => !cyber_mission,
        }
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Domain::Air => "air",
            Domain::Land => "land",
            Domain::Sea => "sea",
            Domain::Cyber => "cyber",
        })
    }
}

/// How an offering is delivered.
///
/// Each maps to the [`ProgramKind`] that eligibility and the ledger's allocation keys use,
/// and to the ledger [`Instrument`] that obligates it:
///
/// | delivery | program kind | instrument |
/// |---|---|---|
/// | `Enrollment` (resident course) | training | enrollment |
/// | `MobileTeam` (mobile training team) | training | enrollment |
/// | `Grant` | financing | grant agreement |
/// | `Sale` | sales | sales case |
/// | `Lease` | leases | lease |
/// | `ExcessTransfer` | excess articles | transfer |
///
/// ```
/// use security_assistance::budget::Instrument;
/// use security_assistance::homeland::Delivery;
/// use security_assistance::ProgramKind;
/// assert_eq!(Delivery::MobileTeam.program(), ProgramKind::Training);
/// assert_eq!(Delivery::Sale.instrument(), Instrument::SalesCase);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Delivery {
    /// Enrollment in a resident course.
    Enrollment,
    /// A mobile training team abroad.
    MobileTeam,
    /// A grant.
    Grant,
    /// A sale.
    Sale,
    /// A lease.
    Lease,
    /// A transfer of excess articles.
    ExcessTransfer,
}

impl Delivery {
    /// The program kind.
    #[must_use]
    pub const fn program(self) -> ProgramKind {
        match self {
            Delivery::Enrollment | Delivery::MobileTeam => ProgramKind::Training,
            Delivery::Grant => ProgramKind::Financing,
            Delivery::Sale => ProgramKind::Sales,
            Delivery::Lease => ProgramKind::Leases,
            Delivery::ExcessTransfer => ProgramKind::ExcessArticles,
        }
    }

    /// The ledger instrument that obligates it.
    #[must_use]
    pub const fn instrument(self) -> Instrument {
        match self {
            Delivery::Enrollment | Delivery::MobileTeam => Instrument::Enrollment,
            Delivery::Grant => Instrument::GrantAgreement,
            Delivery::Sale => Instrument::SalesCase,
            Delivery::Lease => Instrument::Lease,
            Delivery::ExcessTransfer => Instrument::Transfer,
        }
    }

    /// A short code used in document ids, such as `"MTT"`.
    ///
    /// ```
    /// use security_assistance::homeland::Delivery;
    /// assert_eq!(Delivery::ExcessTransfer.code(), "EXC");
    /// ```
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Delivery::Enrollment => "ENR",
            Delivery::MobileTeam => "MTT",
            Delivery::Grant => "GRT",
            Delivery::Sale => "SAL",
            Delivery::Lease => "LSE",
            Delivery::ExcessTransfer => "EXC",
        }
    }
}

impl fmt::Display for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Delivery::Enrollment => "training enrollment",
            Delivery::MobileTeam => "mobile training team",
            Delivery::Grant => "grant",
            Delivery::Sale => "sale",
            Delivery::Lease => "lease",
            Delivery::ExcessTransfer => "excess article transfer",
        })
    }
}

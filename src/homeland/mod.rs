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

use crate::budget::{FundsHolder, Instrument, StaticText};
use crate::purpose::ProgramKind;

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

/// A mission area of the program, in the seed paper's order of priority.
///
/// ```
/// use security_assistance::homeland::MissionArea;
/// assert_eq!(MissionArea::ALL[0], MissionArea::AviationSecurity);
/// assert_eq!("maritime_security".parse::<MissionArea>()?, MissionArea::MaritimeSecurity);
/// assert_eq!(MissionArea::MaritimeSecurity.to_string(), "maritime, port and cargo security");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissionArea {
    /// Aviation security (first priority, with maritime security).
    AviationSecurity,
    /// Maritime, port and cargo security.
    MaritimeSecurity,
    /// Immigration and border control.
    BorderControl,
    /// Information security (the cyber domain).
    InformationSecurity,
    /// Counterterrorism operations.
    Counterterrorism,
    /// Disaster preparedness, response and recovery.
    DisasterResponse,
}

impl MissionArea {
    /// Every mission area, first priority first.
    pub const ALL: [MissionArea; 6] = [
        MissionArea::AviationSecurity,
        MissionArea::MaritimeSecurity,
        MissionArea::BorderControl,
        MissionArea::InformationSecurity,
        MissionArea::Counterterrorism,
        MissionArea::DisasterResponse,
    ];

    /// The snake-case code used in JSON, such as `"aviation_security"`.
    ///
    /// ```
    /// use security_assistance::homeland::MissionArea;
    /// assert_eq!(MissionArea::BorderControl.code(), "border_control");
    /// ```
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            MissionArea::AviationSecurity => "aviation_security",
            MissionArea::MaritimeSecurity => "maritime_security",
            MissionArea::BorderControl => "border_control",
            MissionArea::InformationSecurity => "information_security",
            MissionArea::Counterterrorism => "counterterrorism",
            MissionArea::DisasterResponse => "disaster_response",
        }
    }
}

impl fmt::Display for MissionArea {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            MissionArea::AviationSecurity => "aviation security",
            MissionArea::MaritimeSecurity => "maritime, port and cargo security",
            MissionArea::BorderControl => "immigration and border control",
            MissionArea::InformationSecurity => "information security",
            MissionArea::Counterterrorism => "counterterrorism operations",
            MissionArea::DisasterResponse => "disaster preparedness, response and recovery",
        })
    }
}

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

/// An implementing agency: a component of the department under the Office of International
/// Affairs, or an interagency partner.
///
/// ```
/// use security_assistance::homeland::Agency;
/// assert_eq!(Agency::CoastGuard.holder().as_str(), "USCG");
/// assert_eq!(Agency::from_holder(&"USCG".parse()?), Some(Agency::CoastGuard));
/// assert!(Agency::Defense.is_interagency());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Agency {
    /// The Office of International Affairs, which coordinates the program.
    InternationalAffairs,
    /// The Coast Guard.
    CoastGuard,
    /// Customs and Border Protection.
    CustomsAndBorderProtection,
    /// Immigration and Customs Enforcement.
    ImmigrationAndCustomsEnforcement,
    /// The Transportation Security Administration.
    TransportationSecurityAdministration,
    /// Citizenship and Immigration Services.
    CitizenshipAndImmigrationServices,
    /// The Secret Service.
    SecretService,
    /// The Federal Emergency Management Agency.
    EmergencyManagement,
    /// The Science and Technology Directorate.
    ScienceAndTechnology,
    /// The Department of Defense (interagency partner).
    Defense,
    /// The Department of State (interagency partner).
    State,
}

impl Agency {
    /// Every agency, in the order of the enum.
    pub const ALL: [Agency; 11] = [
        Agency::InternationalAffairs,
        Agency::CoastGuard,
        Agency::CustomsAndBorderProtection,
        Agency::ImmigrationAndCustomsEnforcement,
        Agency::TransportationSecurityAdministration,
        Agency::CitizenshipAndImmigrationServices,
        Agency::SecretService,
        Agency::EmergencyManagement,
        Agency::ScienceAndTechnology,
        Agency::Defense,
        Agency::State,
    ];

    /// The abbreviation, which is also the funds-holder name.
    ///
    /// ```
    /// use security_assistance::homeland::Agency;
    /// assert_eq!(Agency::EmergencyManagement.abbreviation(), "FEMA");
    /// ```
    #[must_use]
    pub const fn abbreviation(self) -> &'static str {
        self.holder_text().as_str()
    }

    /// The abbreviation as a funds-holder text, each checked when the crate compiles.
    const fn holder_text(self) -> StaticText<64> {
        match self {
            Agency::InternationalAffairs => const { StaticText::new("OIA") },
            Agency::CoastGuard => const { StaticText::new("USCG") },
            Agency::CustomsAndBorderProtection => const { StaticText::new("CBP") },
            Agency::ImmigrationAndCustomsEnforcement => const { StaticText::new("ICE") },
            Agency::TransportationSecurityAdministration => const { StaticText::new("TSA") },
            Agency::CitizenshipAndImmigrationServices => const { StaticText::new("USCIS") },
            Agency::SecretService => const { StaticText::new("USSS") },
            Agency::EmergencyManagement => const { StaticText::new("FEMA") },
            Agency::ScienceAndTechnology => const { StaticText::new("ST") },
            Agency::Defense => const { StaticText::new("DOD") },
            Agency::State => const { StaticText::new("DOS") },
        }
    }

    /// The funds holder that holds this agency's allotments (its abbreviation).
    ///
    /// ```
    /// use security_assistance::homeland::Agency;
    /// assert_eq!(Agency::TransportationSecurityAdministration.holder().as_str(), "TSA");
    /// ```
    #[must_use]
    pub fn holder(self) -> FundsHolder {
        FundsHolder::from_static(self.holder_text())
    }

    /// The agency whose funds holder is `holder`, if it follows the convention.
    ///
    /// ```
    /// use security_assistance::homeland::Agency;
    /// assert_eq!(Agency::from_holder(&"FEMA".parse()?), Some(Agency::EmergencyManagement));
    /// assert_eq!(Agency::from_holder(&"DSCA".parse()?), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn from_holder(holder: &FundsHolder) -> Option<Agency> {
        Agency::ALL
            .into_iter()
            .find(|a| a.abbreviation() == holder.as_str())
    }

    /// `true` for the interagency partners (Defense, State).
    #[must_use]
    pub const fn is_interagency(self) -> bool {
        matches!(self, Agency::Defense | Agency::State)
    }
}

impl fmt::Display for Agency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.abbreviation())
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

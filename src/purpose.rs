//! The purposes an appropriation may fund: the kinds of assistance program.
//!
//! The purpose statute (31 U.S.C. 1301(a)) applies appropriations only to the objects for
//! which they were made. In this crate an appropriation names the [`ProgramKind`]s it may
//! fund, and the ledger refuses an allocation or obligation for any other kind. The same
//! kinds are what eligibility rules govern (a rule on financing does not touch training).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A kind of security-assistance program: what money is spent *for*.
///
/// The first five mirror the Defense and State Department tools the seed paper takes as
/// models (IMET, FMF, excess defense articles, FMS, leases); the rest are the other kinds the
/// eligibility rules distinguish. serde and [`FromStr`] use the snake-case names shown.
///
/// ```
/// use security_assistance::ProgramKind;
/// let kind: ProgramKind = "excess_articles".parse()?;
/// assert_eq!(kind, ProgramKind::ExcessArticles);
/// assert_eq!(kind.to_string(), "excess_articles");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProgramKind {
    /// Education and training (IMET-like): resident courses, mobile training teams.
    Training,
    /// Financing (FMF-like): grants, direct loans, loan guarantees.
    Financing,
    /// Transfers of excess articles (EDA-like), as grants or sales.
    ExcessArticles,
    /// Government-to-government sales cases (FMS-like).
    Sales,
    /// Leases of articles.
    Leases,
    /// Peacekeeping operations (PKO-like), named by the Child Soldiers Prevention Act.
    Peacekeeping,
    /// Democracy, election and transition assistance (exempt from the coup restriction).
    Democracy,
    /// Humanitarian assistance (exempt from the trafficking restriction).
    Humanitarian,
    /// Cost-shared technology cooperation and research.
    TechnologyCooperation,
}

impl ProgramKind {
    /// Every kind, in declaration order.
    pub const ALL: [ProgramKind; 9] = [
        ProgramKind::Training,
        ProgramKind::Financing,
        ProgramKind::ExcessArticles,
        ProgramKind::Sales,
        ProgramKind::Leases,
        ProgramKind::Peacekeeping,
        ProgramKind::Democracy,
        ProgramKind::Humanitarian,
        ProgramKind::TechnologyCooperation,
    ];

    /// The snake-case name used by serde, [`FromStr`] and [`fmt::Display`].
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            ProgramKind::Training => "training",
            ProgramKind::Financing => "financing",
            ProgramKind::ExcessArticles => "excess_articles",
            ProgramKind::Sales => "sales",
            ProgramKind::Leases => "leases",
            ProgramKind::Peacekeeping => "peacekeeping",
            ProgramKind::Democracy => "democracy",
            ProgramKind::Humanitarian => "humanitarian",
            ProgramKind::TechnologyCooperation => "technology_cooperation",
        }
    }
}

impl fmt::Display for ProgramKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A program-kind name that is not one of [`ProgramKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[error(
    "unknown program kind {input:?}: expected one of training, financing, excess_articles, sales, leases, peacekeeping, democracy, humanitarian, technology_cooperation"
)]
pub struct ProgramKindError {
    /// The refused input.
    pub input: String,
}

crate::wire::wire_struct!(ProgramKindError, "unknown_program_kind");

impl FromStr for ProgramKind {
    type Err = ProgramKindError;

    fn from_str(s: &str) -> Result<ProgramKind, ProgramKindError> {
        ProgramKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| ProgramKindError {
                input: s.to_owned(),
            })
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for kind in ProgramKind::ALL {
            assert_eq!(kind.as_str().parse::<ProgramKind>().unwrap(), kind);
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<ProgramKind>(&json).unwrap(), kind);
        }
        assert!("Training".parse::<ProgramKind>().is_err());
        assert!("".parse::<ProgramKind>().is_err());
    }
}

//! The implementing agencies of the homeland-security program, as far as the ledger sees
//! them: each holds its allotments under a funds holder named by its abbreviation.
//!
//! The type lives here, below the `homeland` module that owns the program, so that a
//! status of funds can be grouped by agency (the ledger's funds holders roll up to
//! agencies by that naming convention); `homeland` re-exports it as
//! [`homeland::Agency`](crate::homeland::Agency).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ids::{FundsHolder, StaticText};

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
    ///
    /// ```
    /// use security_assistance::homeland::Agency;
    /// assert!(Agency::Defense.is_interagency() && Agency::State.is_interagency());
    /// assert!(!Agency::CoastGuard.is_interagency());
    /// ```
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

#[cfg(test)]
mod tests {
    use super::Agency;

    #[test]
    fn only_defense_and_state_are_interagency_partners() {
        let partners: Vec<Agency> = Agency::ALL
            .into_iter()
            .filter(|a| a.is_interagency())
            .collect();
        assert_eq!(partners, [Agency::Defense, Agency::State]);
    }

    #[test]
    fn an_agency_displays_as_its_abbreviation_padded_as_asked() {
        assert_eq!(Agency::CoastGuard.to_string(), "USCG");
        assert_eq!(format!("{:>6}|", Agency::ScienceAndTechnology), "    ST|");
    }
}

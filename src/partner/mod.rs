//! Partner countries: ISO 3166-1 codes, State Department regions, and effective-dated groups.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::{CountryCode, Group, Region};
//!
//! let jordan: CountryCode = "jor".parse()?;
//! assert_eq!(jordan.to_string(), "JOR");
//! assert_eq!(jordan.name(), "Jordan");
//! assert_eq!(jordan.region(), Region::NearEast);
//! let day = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
//! assert!(Group::MajorNonNatoAlly.is_member(jordan, day));
//! assert!(!Group::Nato.is_member(jordan, day));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod groups;
mod iso3166;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use groups::{Group, Membership};
use iso3166::COUNTRIES;

/// Why a country code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PartnerError {
    /// Not an ISO 3166-1 alpha-3 code in the crate's table.
    #[error(
        "unknown country code {input:?}: expected an ISO 3166-1 alpha-3 code such as \"JOR\" (or \"XKX\" for Kosovo)"
    )]
    UnknownCountry {
        /// The refused input.
        input: String,
    },
    /// Not an ISO 3166-1 alpha-2 code in the crate's table.
    #[error(
        "unknown alpha-2 country code {input:?}: expected an ISO 3166-1 alpha-2 code such as \"JO\""
    )]
    UnknownAlpha2 {
        /// The refused input.
        input: String,
    },
}

/// A country or territory, by its ISO 3166-1 alpha-3 code.
///
/// Only codes in the crate's table exist: every officially assigned ISO 3166-1 entry (249,
/// from the Debian iso-codes database via `tools/gen_iso3166.py`), plus **Kosovo** under the
/// user-assigned code `XKX` (alpha-2 `XK`), which US foreign-assistance data uses although
/// ISO has not assigned Kosovo a code.
///
/// [`FromStr`] accepts any case (`"jor"`); the value is canonical upper case; serde reads
/// and writes the string `"JOR"`. The value is one byte and `Copy`; ordering is
/// alphabetical by alpha-3.
///
/// ```
/// use security_assistance::CountryCode;
/// let kosovo: CountryCode = "XKX".parse()?;
/// assert_eq!(kosovo.alpha2(), "XK");
/// assert_eq!(CountryCode::from_alpha2("gb")?.to_string(), "GBR");
/// assert!("ZZZ".parse::<CountryCode>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode(u8);

impl CountryCode {
    fn row(self) -> Option<&'static (&'static str, &'static str, u16, &'static str, Region)> {
        COUNTRIES.get(usize::from(self.0))
    }

    /// The alpha-3 code, such as `"JOR"`.
    #[must_use]
    pub fn alpha3(self) -> &'static str {
        self.row().map_or("???", |r| r.0)
    }

    /// The alpha-2 code, such as `"JO"`.
    #[must_use]
    pub fn alpha2(self) -> &'static str {
        self.row().map_or("??", |r| r.1)
    }

    /// The ISO numeric code (0 for Kosovo, which has none).
    #[must_use]
    pub fn numeric(self) -> u16 {
        self.row().map_or(0, |r| r.2)
    }

    /// The English short name, such as `"Jordan"`.
    #[must_use]
    pub fn name(self) -> &'static str {
        self.row().map_or("", |r| r.3)
    }

    /// The State Department regional bureau that covers the country.
    #[must_use]
    pub fn region(self) -> Region {
        self.row().map_or(Region::WesternHemisphere, |r| r.4)
    }

    /// Every code in the table, in alphabetical order.
    pub fn all() -> impl Iterator<Item = CountryCode> {
        (0..COUNTRIES.len()).filter_map(|i| u8::try_from(i).ok().map(CountryCode))
    }

    /// The country with alpha-2 code `code` (any case).
    ///
    /// # Errors
    ///
    /// [`PartnerError::UnknownAlpha2`] if no entry has that code.
    pub fn from_alpha2(code: &str) -> Result<CountryCode, PartnerError> {
        let upper = code.to_ascii_uppercase();
        CountryCode::all()
            .find(|c| c.alpha2() == upper)
            .ok_or_else(|| PartnerError::UnknownAlpha2 {
                input: code.to_owned(),
            })
    }

    /// Looks up an alpha-3 code without allocating.
    fn lookup(s: &str) -> Option<CountryCode> {
        let bytes = s.as_bytes();
        let [a, b, c] = bytes else {
            return None;
        };
        let key = [
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ];
        let index = COUNTRIES
            .binary_search_by(|row| row.0.as_bytes().cmp(&key[..]))
            .ok()?;
        u8::try_from(index).ok().map(CountryCode)
    }
}

impl FromStr for CountryCode {
    type Err = PartnerError;

    fn from_str(s: &str) -> Result<CountryCode, PartnerError> {
        CountryCode::lookup(s).ok_or_else(|| PartnerError::UnknownCountry {
            input: s.to_owned(),
        })
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.alpha3())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.alpha3())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.alpha3())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<CountryCode, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The State Department's six regional bureaus. Every country in the table maps to one;
/// dependent territories map to the bureau of their geographic region (the choices are
/// listed in `tools/gen_iso3166.py`).
///
/// ```
/// use security_assistance::Region;
/// assert_eq!(Region::WesternHemisphere.abbreviation(), "WHA");
/// assert_eq!(Region::NearEast.to_string(), "Near Eastern Affairs");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Region {
    /// Bureau of African Affairs (AF): sub-Saharan Africa.
    Africa,
    /// Bureau of East Asian and Pacific Affairs (EAP).
    EastAsiaPacific,
    /// Bureau of European and Eurasian Affairs (EUR), including Turkey, Cyprus, Russia and
    /// the Caucasus.
    EuropeEurasia,
    /// Bureau of Near Eastern Affairs (NEA): North Africa, the Levant, the Gulf, Iran.
    NearEast,
    /// Bureau of South and Central Asian Affairs (SCA).
    SouthCentralAsia,
    /// Bureau of Western Hemisphere Affairs (WHA).
    WesternHemisphere,
}

impl Region {
    /// Every region.
    pub const ALL: [Region; 6] = [
        Region::Africa,
        Region::EastAsiaPacific,
        Region::EuropeEurasia,
        Region::NearEast,
        Region::SouthCentralAsia,
        Region::WesternHemisphere,
    ];

    /// The bureau's abbreviation: AF, EAP, EUR, NEA, SCA or WHA.
    #[must_use]
    pub const fn abbreviation(self) -> &'static str {
        match self {
            Region::Africa => "AF",
            Region::EastAsiaPacific => "EAP",
            Region::EuropeEurasia => "EUR",
            Region::NearEast => "NEA",
            Region::SouthCentralAsia => "SCA",
            Region::WesternHemisphere => "WHA",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Region::Africa => "African Affairs",
            Region::EastAsiaPacific => "East Asian and Pacific Affairs",
            Region::EuropeEurasia => "European and Eurasian Affairs",
            Region::NearEast => "Near Eastern Affairs",
            Region::SouthCentralAsia => "South and Central Asian Affairs",
            Region::WesternHemisphere => "Western Hemisphere Affairs",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_table_is_sorted_unique_and_consistent() {
        assert_eq!(COUNTRIES.len(), 250);
        for pair in COUNTRIES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "not sorted at {}", pair[1].0);
        }
        let alpha2: HashSet<_> = COUNTRIES.iter().map(|r| r.1).collect();
        assert_eq!(alpha2.len(), COUNTRIES.len());
        let numeric: HashSet<_> = COUNTRIES.iter().map(|r| r.2).collect();
        assert_eq!(numeric.len(), COUNTRIES.len());
        for code in CountryCode::all() {
            assert_eq!(code.alpha3().len(), 3);
            assert_eq!(code.alpha2().len(), 2);
            assert!(code.alpha3().bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!code.name().is_empty());
            assert_eq!(CountryCode::from_alpha2(code.alpha2()).unwrap(), code);
            assert_eq!(code.alpha3().parse::<CountryCode>().unwrap(), code);
            assert!(code.alpha2().bytes().all(|b| b.is_ascii_uppercase()));
        }
    }

    #[test]
    fn regions_follow_the_state_department() {
        let r = |s: &str| s.parse::<CountryCode>().unwrap().region();
        assert_eq!(r("EGY"), Region::NearEast);
        assert_eq!(r("MAR"), Region::NearEast);
        assert_eq!(r("ISR"), Region::NearEast);
        assert_eq!(r("KEN"), Region::Africa);
        assert_eq!(r("AFG"), Region::SouthCentralAsia);
        assert_eq!(r("KAZ"), Region::SouthCentralAsia);
        assert_eq!(r("TUR"), Region::EuropeEurasia);
        assert_eq!(r("GEO"), Region::EuropeEurasia);
        assert_eq!(r("GRL"), Region::EuropeEurasia);
        assert_eq!(r("PRI"), Region::WesternHemisphere);
        assert_eq!(r("PYF"), Region::EastAsiaPacific);
        assert_eq!(r("XKX"), Region::EuropeEurasia);
        for region in Region::ALL {
            assert!(CountryCode::all().any(|c| c.region() == region));
        }
    }

    #[test]
    fn parsing_and_serde() {
        let jor: CountryCode = "jor".parse().unwrap();
        assert_eq!(jor, "JOR".parse().unwrap());
        assert_eq!(jor, "Jor".parse().unwrap());
        assert_eq!(jor.to_string(), "JOR");
        assert_eq!(format!("{jor:?}"), "CountryCode(JOR)");
        for bad in ["ZZZ", "", "JO", "JORD", "J0R", " JOR", "ÄÖÜ"] {
            let err = bad.parse::<CountryCode>().unwrap_err();
            assert!(err.to_string().contains("alpha-3"), "{bad}");
        }
        assert_eq!(serde_json::to_string(&jor).unwrap(), "\"JOR\"");
        assert_eq!(serde_json::from_str::<CountryCode>("\"jor\"").unwrap(), jor);
        assert!(serde_json::from_str::<CountryCode>("\"ZZZ\"").is_err());
        assert!(CountryCode::from_alpha2("ZZ").is_err());
        assert_eq!(std::mem::size_of::<CountryCode>(), 1);
        assert_eq!(
            serde_json::to_string(&Region::WesternHemisphere).unwrap(),
            "\"western_hemisphere\""
        );
    }
}

//! `Region`: the State Department's six regional bureaus.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::error::PartnerError;

/// One of the US Department of State's six regional bureaus, which divide the world's
/// countries among them for foreign policy and, in this crate, for security-assistance
/// reports by region.
///
/// Every entry of the crate's country table belongs to exactly one region
/// ([`CountryCode::region`](crate::CountryCode::region)). Independent states follow the
/// bureau that handles them, which is not always plain geography:
///
/// - Egypt, Libya, Tunisia, Algeria, Morocco (and Western Sahara), Israel, the Palestinian
///   territories, Iran, Iraq, the Levant and the Arabian Peninsula are **Near East**, not
///   Africa or Asia;
/// - Afghanistan, Pakistan, India, the rest of South Asia and the five Central Asian
///   states are **South and Central Asia**;
/// - Turkey, Cyprus, Russia, Ukraine, Belarus, Moldova and the Caucasus (Georgia, Armenia,
///   Azerbaijan) are **Europe and Eurasia**, as is Kosovo (`XKX`);
/// - Canada, like the rest of the Americas, is **Western Hemisphere**.
///
/// Dependent territories have no desk of their own; each goes to the bureau whose region
/// contains it: the Caribbean and South Atlantic territories (Puerto Rico, the US Virgin
/// Islands, the British, Dutch and French Caribbean, Bermuda, the Falklands, South
/// Georgia) to Western Hemisphere; the Pacific territories (Guam, American Samoa, the
/// Northern Marianas, the US Minor Outlying Islands, French Polynesia, New Caledonia and
/// the rest), Hong Kong and Macao to East Asia and Pacific; Greenland, the Faroes,
/// Svalbard, Åland, Gibraltar and the Crown Dependencies to Europe and Eurasia; Réunion,
/// Mayotte, Saint Helena, the French Southern Territories and Bouvet Island to Africa;
/// the British Indian Ocean Territory to South and Central Asia.
///
/// **Antarctica** is covered by no regional bureau (the Antarctic Treaty is handled by
/// the Bureau of Oceans and International Environmental and Scientific Affairs). The crate
/// puts it in East Asia and Pacific, because the US Antarctic Program's main gateway is
/// Christchurch, New Zealand. That is this crate's choice, not a State Department
/// assignment. The full list is in `tools/gen_iso3166.py`.
///
/// # Text forms
///
/// [`Display`](fmt::Display) writes the bureau's name ("Bureau of Near Eastern Affairs");
/// [`abbreviation`](Region::abbreviation) gives the State Department's short form
/// ("NEA"); serde uses snake case (`"near_east"`). [`FromStr`] accepts the abbreviation
/// or the snake-case form, in any case.
///
/// # Example
///
/// ```
/// use security_assistance::{CountryCode, Region};
///
/// let region = "MAR".parse::<CountryCode>()?.region();
/// assert_eq!(region, Region::NearEast);
/// assert_eq!(region.abbreviation(), "NEA");
/// assert_eq!(region.to_string(), "Bureau of Near Eastern Affairs");
/// assert_eq!("wha".parse::<Region>()?, Region::WesternHemisphere);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Region {
    /// Bureau of African Affairs (AF): sub-Saharan Africa, including Sudan and
    /// Mauritania.
    Africa,
    /// Bureau of East Asian and Pacific Affairs (EAP): East and Southeast Asia, Australia,
    /// New Zealand and the Pacific islands.
    EastAsiaPacific,
    /// Bureau of European and Eurasian Affairs (EUR): Europe, Turkey, Cyprus, Russia,
    /// Ukraine, Belarus, Moldova and the Caucasus.
    EuropeEurasia,
    /// Bureau of Near Eastern Affairs (NEA): North Africa from Morocco to Egypt, the
    /// Levant, Iraq, Iran and the Arabian Peninsula.
    NearEast,
    /// Bureau of South and Central Asian Affairs (SCA): Afghanistan, Pakistan, India,
    /// the rest of South Asia and the Central Asian states.
    SouthCentralAsia,
    /// Bureau of Western Hemisphere Affairs (WHA): the Americas, Canada and the Caribbean.
    WesternHemisphere,
}

impl Region {
    /// Every region, in the order of the enum (alphabetical by name).
    ///
    /// # Example
    ///
    /// ```
    /// use security_assistance::Region;
    ///
    /// let abbreviations: Vec<&str> = Region::ALL.iter().map(|r| r.abbreviation()).collect();
    /// assert_eq!(abbreviations, ["AF", "EAP", "EUR", "NEA", "SCA", "WHA"]);
    /// ```
    pub const ALL: [Region; 6] = [
        Region::Africa,
        Region::EastAsiaPacific,
        Region::EuropeEurasia,
        Region::NearEast,
        Region::SouthCentralAsia,
        Region::WesternHemisphere,
    ];

    /// The State Department's abbreviation for the bureau: `AF`, `EAP`, `EUR`, `NEA`,
    /// `SCA` or `WHA`.
    ///
    /// # Example
    ///
    /// ```
    /// use security_assistance::Region;
    ///
    /// assert_eq!(Region::WesternHemisphere.abbreviation(), "WHA");
    /// ```
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

    /// The bureau's name, such as `"Bureau of Western Hemisphere Affairs"` (what
    /// [`Display`](fmt::Display) writes).
    ///
    /// # Example
    ///
    /// ```
    /// use security_assistance::Region;
    ///
    /// assert_eq!(Region::Africa.bureau_name(), "Bureau of African Affairs");
    /// ```
    #[must_use]
    pub const fn bureau_name(self) -> &'static str {
        match self {
            Region::Africa => "Bureau of African Affairs",
            Region::EastAsiaPacific => "Bureau of East Asian and Pacific Affairs",
            Region::EuropeEurasia => "Bureau of European and Eurasian Affairs",
            Region::NearEast => "Bureau of Near Eastern Affairs",
            Region::SouthCentralAsia => "Bureau of South and Central Asian Affairs",
            Region::WesternHemisphere => "Bureau of Western Hemisphere Affairs",
        }
    }

    /// The serde (snake-case) name, such as `"western_hemisphere"`.
    const fn snake_name(self) -> &'static str {
        match self {
            Region::Africa => "africa",
            Region::EastAsiaPacific => "east_asia_pacific",
            Region::EuropeEurasia => "europe_eurasia",
            Region::NearEast => "near_east",
            Region::SouthCentralAsia => "south_central_asia",
            Region::WesternHemisphere => "western_hemisphere",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.bureau_name())
    }
}

impl FromStr for Region {
    type Err = PartnerError;

    /// Parses a bureau abbreviation (`"NEA"`) or the snake-case name (`"near_east"`), in
    /// any case.
    fn from_str(text: &str) -> Result<Region, PartnerError> {
        Region::ALL
            .into_iter()
            .find(|region| {
                text.eq_ignore_ascii_case(region.abbreviation())
                    || text.eq_ignore_ascii_case(region.snake_name())
            })
            .ok_or_else(|| PartnerError::unknown_region(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partner::CountryCode;

    fn region_of(alpha3: &str) -> Region {
        alpha3.parse::<CountryCode>().unwrap().region()
    }

    #[test]
    fn every_entry_has_a_region_and_every_region_has_entries() {
        for region in Region::ALL {
            let count = CountryCode::all().filter(|c| c.region() == region).count();
            assert!(count >= 10, "{region}: {count}");
        }
        let total: usize = Region::ALL
            .iter()
            .map(|r| CountryCode::all().filter(|c| c.region() == *r).count())
            .sum();
        assert_eq!(total, CountryCode::all().len());
    }

    #[test]
    fn state_department_assignments() {
        for code in [
            "EGY", "LBY", "TUN", "DZA", "MAR", "ESH", "ISR", "PSE", "IRN", "SAU",
        ] {
            assert_eq!(region_of(code), Region::NearEast, "{code}");
        }
        for code in [
            "AFG", "PAK", "IND", "KAZ", "KGZ", "TJK", "TKM", "UZB", "LKA", "IOT",
        ] {
            assert_eq!(region_of(code), Region::SouthCentralAsia, "{code}");
        }
        for code in [
            "TUR", "CYP", "RUS", "GEO", "ARM", "AZE", "UKR", "XKX", "GRL", "FRO",
        ] {
            assert_eq!(region_of(code), Region::EuropeEurasia, "{code}");
        }
        for code in [
            "KEN", "NGA", "SDN", "SSD", "MRT", "ZAF", "REU", "MYT", "SHN",
        ] {
            assert_eq!(region_of(code), Region::Africa, "{code}");
        }
        for code in [
            "CAN", "USA", "MEX", "BRA", "PRI", "VIR", "FLK", "SGS", "GUF",
        ] {
            assert_eq!(region_of(code), Region::WesternHemisphere, "{code}");
        }
        for code in [
            "CHN", "TWN", "JPN", "AUS", "NZL", "PYF", "GUM", "UMI", "HKG", "ATA",
        ] {
            assert_eq!(region_of(code), Region::EastAsiaPacific, "{code}");
        }
    }

    #[test]
    fn text_forms_round_trip() {
        for region in Region::ALL {
            assert_eq!(region.abbreviation().parse::<Region>().unwrap(), region);
            assert_eq!(
                region
                    .abbreviation()
                    .to_lowercase()
                    .parse::<Region>()
                    .unwrap(),
                region
            );
            let json = serde_json::to_string(&region).unwrap();
            assert_eq!(json, format!("\"{}\"", region.snake_name()));
            assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
            assert_eq!(region.snake_name().parse::<Region>().unwrap(), region);
            assert_eq!(region.to_string(), region.bureau_name());
            assert!(region.bureau_name().starts_with("Bureau of "));
        }
        assert_eq!(
            serde_json::to_string(&Region::WesternHemisphere).unwrap(),
            "\"western_hemisphere\""
        );
        let err = "Africa Bureau".parse::<Region>().unwrap_err();
        assert_eq!(
            err,
            PartnerError::UnknownRegion {
                input: "Africa Bureau".into()
            }
        );
        assert!(
            serde_json::from_str::<Region>("\"AF\"").is_err(),
            "serde is snake case only"
        );
    }
}

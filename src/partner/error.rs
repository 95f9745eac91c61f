//! Errors of the `partner` module.

use serde::{Deserialize, Serialize};

/// Why a partner value (a country code or a region) was refused.
///
/// Each variant keeps the refused input, so a caller can show it or log it; the message
/// says what would have been accepted.
///
/// # Example
///
/// ```
/// use security_assistance::{CountryCode, PartnerError};
///
/// let err = "ZZZ".parse::<CountryCode>().err().ok_or("ZZZ is not assigned")?;
/// assert_eq!(err, PartnerError::UnknownCountry { input: "ZZZ".to_string() });
/// assert_eq!(
///     err.to_string(),
///     "unknown country code \"ZZZ\": expected an ISO 3166-1 alpha-3 code such as \"JOR\"",
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum PartnerError {
    /// The text is not an alpha-3 code in the crate's ISO 3166-1 table (which also holds
    /// Kosovo's `XKX`). Case does not matter; length, letters and assignment do.
    #[error("unknown country code {input:?}: expected an ISO 3166-1 alpha-3 code such as \"JOR\"")]
    UnknownCountry {
        /// The refused text, as given.
        input: String,
    },
    /// A wire document (JSON: commands, journals, facts, queries) names a country in other
    /// than its canonical form. The wire carries the upper-case alpha-3 code only, as the
    /// JSON Schemas enumerate it, so that a document the crate accepts is one every
    /// validator accepts; [`FromStr`](std::str::FromStr) and CSV imports still read any
    /// case.
    #[error(
        "country code {input:?} is not in canonical form: JSON carries the upper-case ISO 3166-1 alpha-3 code {expected:?}"
    )]
    NotCanonical {
        /// The refused text, as given.
        input: String,
        /// The canonical code the text names.
        expected: String,
    },
    /// The text is not an alpha-2 code in the crate's ISO 3166-1 table (which also holds
    /// Kosovo's `XK`).
    #[error(
        "unknown alpha-2 country code {input:?}: expected an ISO 3166-1 alpha-2 code such as \"JO\""
    )]
    UnknownAlpha2 {
        /// The refused text, as given.
        input: String,
    },
    /// The text is not the abbreviation of a State Department regional bureau.
    #[error(
        "unknown region {input:?}: expected one of \"AF\", \"EAP\", \"EUR\", \"NEA\", \"SCA\", \"WHA\""
    )]
    UnknownRegion {
        /// The refused text, as given.
        input: String,
    },
}

crate::wire::wire_error!(PartnerError);

impl PartnerError {
    #[cold]
    pub(super) fn unknown_country(input: &str) -> PartnerError {
        PartnerError::UnknownCountry {
            input: input.to_owned(),
        }
    }

    #[cold]
    pub(super) fn unknown_alpha2(input: &str) -> PartnerError {
        PartnerError::UnknownAlpha2 {
            input: input.to_owned(),
        }
    }

    #[cold]
    pub(super) fn unknown_region(input: &str) -> PartnerError {
        PartnerError::UnknownRegion {
            input: input.to_owned(),
        }
    }
}

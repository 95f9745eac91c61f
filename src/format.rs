//! The version of the crate's JSON formats and its compatibility policy (see
//! [`FormatVersion`]).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// The version of the JSON formats the crate reads and writes: the journal's envelope
/// (`{"format_version": "1.0", "entries": [...]}`) and the command-line program's output
/// lines carry it as `"format_version"`.
///
/// # Compatibility policy
///
/// The version is `MAJOR.MINOR`, two decimal numbers.
///
/// - A **minor** version may only add: a new optional field, a new action type, a new
///   error code, a new detail of an error, a new document kind. Every document valid in
///   `N.m` is valid, with the same meaning, in `N.m+1`.
/// - A **major** version is any other change: a field renamed, removed or made required, a
///   meaning changed, a tag renamed. A reader of major `N+1` names the older versions it
///   still reads (this crate reads every version up to its own, and a journal written
///   before the envelope existed, a bare JSON array of entries, as `1.0`).
/// - A reader refuses a document of a **newer** version, minor or major, with
///   [`FormatError::Newer`] naming both versions, before it reads anything else: input is
///   strict (unknown fields are errors), so an older reader cannot know that what a newer
///   minor version added is safe to drop. Upgrade the reader; never strip the version.
/// - Writers always write [`FormatVersion::CURRENT`].
///
/// The compact binary encoding of stored journal entries is versioned separately, by the
/// store's schema version.
///
/// ```
/// use security_assistance::wire::{FormatError, FormatVersion};
///
/// assert_eq!(FormatVersion::CURRENT.to_string(), "1.0");
/// let newer: FormatVersion = "1.1".parse()?;
/// assert_eq!(
///     newer.check(),
///     Err(FormatError::Newer { found: newer, supported: FormatVersion::CURRENT })
/// );
/// assert!("1".parse::<FormatVersion>().is_err());
/// # Ok::<(), FormatError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FormatVersion {
    major: u32,
    minor: u32,
}

impl FormatVersion {
    /// The version this crate writes, and the newest it reads.
    pub const CURRENT: FormatVersion = FormatVersion { major: 1, minor: 0 };

    /// The version `major.minor`.
    #[must_use]
    pub const fn new(major: u32, minor: u32) -> FormatVersion {
        FormatVersion { major, minor }
    }

    /// The major version: a change in it is incompatible.
    #[must_use]
    pub const fn major(self) -> u32 {
        self.major
    }

    /// The minor version: a change in it only adds.
    #[must_use]
    pub const fn minor(self) -> u32 {
        self.minor
    }

    /// `self` if this crate reads documents of that version.
    ///
    /// # Errors
    ///
    /// [`FormatError::Newer`] for a version after [`FormatVersion::CURRENT`].
    pub fn check(self) -> Result<FormatVersion, FormatError> {
        if self > FormatVersion::CURRENT {
            return Err(FormatError::Newer {
                found: self,
                supported: FormatVersion::CURRENT,
            });
        }
        Ok(self)
    }
}

impl fmt::Display for FormatVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl FromStr for FormatVersion {
    type Err = FormatError;

    /// Exactly `MAJOR.MINOR`: ASCII digits, one dot, no sign, space or leading zero.
    fn from_str(s: &str) -> Result<FormatVersion, FormatError> {
        let malformed = || FormatError::Malformed {
            input: s.to_owned(),
        };
        let number = |part: &str| -> Result<u32, FormatError> {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            if !digits || (part.len() > 1 && part.starts_with('0')) {
                return Err(malformed());
            }
            part.parse().map_err(|_| malformed())
        };
        let (major, minor) = s.split_once('.').ok_or_else(malformed)?;
        Ok(FormatVersion::new(number(major)?, number(minor)?))
    }
}

impl Serialize for FormatVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FormatVersion {
    /// Reads a version this crate reads: a malformed or newer one is an error.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FormatVersion, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse::<FormatVersion>()
            .and_then(FormatVersion::check)
            .map_err(de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for FormatVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "FormatVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // No version before 1.0 was ever written, so the one this crate reads is 1.0.
        schemars::json_schema!({
            "type": "string",
            "description": "the version of the crate's JSON formats (MAJOR.MINOR) these schemas describe; a reader refuses a newer one",
            "const": FormatVersion::CURRENT.to_string()
        })
    }
}

/// Why a format version was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "FormatError", transform = crate::schema::wire_error_shape)
)]
#[non_exhaustive]
pub enum FormatError {
    /// Not `MAJOR.MINOR`.
    #[error("format version {input:?} is malformed: expected MAJOR.MINOR such as \"1.0\"")]
    Malformed {
        /// The text given.
        input: String,
    },
    /// A version after the one this crate reads.
    #[error(
        "the document has format version {found}, newer than {supported}, the newest this version of the crate reads: upgrade the reader"
    )]
    Newer {
        /// The document's version.
        found: FormatVersion,
        /// The newest version this crate reads ([`FormatVersion::CURRENT`]).
        supported: FormatVersion,
    },
}

crate::wire::wire_error!(FormatError);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly_major_dot_minor() {
        assert_eq!("1.0".parse(), Ok(FormatVersion::CURRENT));
        assert_eq!("12.34".parse(), Ok(FormatVersion::new(12, 34)));
        for bad in [
            "", "1", "1.", ".0", "1.0.0", "01.0", "1.00", "+1.0", " 1.0", "1.0 ", "v1.0", "1.-1",
        ] {
            assert_eq!(
                bad.parse::<FormatVersion>(),
                Err(FormatError::Malformed {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_newer_version_is_refused_naming_both() {
        for newer in [FormatVersion::new(1, 1), FormatVersion::new(2, 0)] {
            let err = newer.check().unwrap_err();
            assert_eq!(
                err,
                FormatError::Newer {
                    found: newer,
                    supported: FormatVersion::CURRENT
                }
            );
            let text = err.to_string();
            assert!(
                text.contains(&newer.to_string()) && text.contains("1.0"),
                "{text}"
            );
            let json = serde_json::to_string(&newer).unwrap();
            let read = serde_json::from_str::<FormatVersion>(&json).unwrap_err();
            assert!(read.to_string().contains(&text), "{read}");
        }
        assert_eq!(
            FormatVersion::new(0, 9).check(),
            Ok(FormatVersion::new(0, 9))
        );
    }

    #[test]
    fn the_current_version_round_trips() {
        let json = serde_json::to_string(&FormatVersion::CURRENT).unwrap();
        assert_eq!(json, "\"1.0\"");
        assert_eq!(
            serde_json::from_str::<FormatVersion>(&json).unwrap(),
            FormatVersion::CURRENT
        );
    }
}

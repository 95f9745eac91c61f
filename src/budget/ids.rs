//! Identifiers of the ledger: account symbols, funds holders, documents, commands, actors.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::fiscal::{Availability, push_padded};

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum IdError {
    /// A text identifier was empty, too long, or had characters outside printable ASCII.
    #[error(
        "{what} {input:?} is invalid: expected 1 to {max} printable ASCII characters without leading or trailing spaces"
    )]
    Text {
        /// Which kind of identifier.
        what: String,
        /// The refused input.
        input: String,
        /// The maximum length.
        max: usize,
    },
    /// An account symbol did not have the form `AAA-PERIOD-MMMM`.
    #[error(
        "account symbol {input:?} is invalid: expected agency-period-main such as \"011-2008/2009-1082\" (3-digit agency, period of availability, 4-digit main account)"
    )]
    AccountSymbol {
        /// The refused input.
        input: String,
    },
}

crate::wire::wire_error!(IdError);

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident, $store:ty, $what:literal, $max:literal, $example:literal) => {
        $(#[$doc])*
        ///
        /// Between 1 and
        #[doc = concat!(stringify!($max))]
        /// printable ASCII characters, without leading or trailing spaces.
        ///
        /// ```
        #[doc = concat!("use security_assistance::budget::", stringify!($name), ";")]
        #[doc = concat!("let id: ", stringify!($name), " = \"", $example, "\".parse()?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(\"\".parse::<", stringify!($name), ">().is_err());")]
        #[doc = concat!("let same = ", stringify!($name), "::try_from(\"", $example, "\")?;")]
        /// assert_eq!(same, id);
        /// assert_eq!(same.as_ref(), id.as_str());
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name($store);

        impl $name {
            /// An identifier from a text checked when the crate compiles: build the
            /// [`StaticText`] in a `const` block, `from_static(const { StaticText::new("x") })`.
            #[allow(dead_code)]
            pub(crate) fn from_static(text: StaticText<$max>) -> Self {
                $name(text.0.into())
            }

            /// An identifier from a stored text the crate validated when it was first
            /// parsed (the journal's interned strings), sharing it where the type can;
            /// checked again, so a text that is not a valid identifier gives `None`.
            #[allow(dead_code)]
            pub(crate) fn from_validated(text: &std::sync::Arc<str>) -> Option<Self> {
                valid_text(text, $max).then(|| $name(<$store>::from(SharedText(text))))
            }

            /// An identifier from an owned text, checked as [`FromStr`] checks it, reusing
            /// the text's allocation where the type can.
            #[allow(dead_code)]
            pub(crate) fn from_string(text: String) -> Result<Self, IdError> {
                if valid_text(&text, $max) {
                    Ok($name(text.into()))
                } else {
                    Err(IdError::Text { what: $what.to_owned(), input: text, max: $max })
                }
            }

            /// `true` when `text` is a valid identifier of this kind, checked as
            /// [`FromStr`] checks it, without building one.
            #[allow(dead_code)]
            pub(crate) const fn is_valid(text: &str) -> bool {
                valid_text(text, $max)
            }

            /// The identifier's text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, IdError> {
                if valid_text(s, $max) {
                    Ok($name(s.into()))
                } else {
                    Err(IdError::Text { what: $what.to_owned(), input: s.to_owned(), max: $max })
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(&self.0)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = IdError;

            /// The same check as [`FromStr`].
            fn try_from(text: &str) -> Result<Self, IdError> {
                text.parse()
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;

            /// The same check as [`FromStr`], reusing the text's allocation where it can.
            fn try_from(text: String) -> Result<Self, IdError> {
                Self::from_string(text)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": concat!("A ", $what, ": printable ASCII, no leading or trailing spaces."),
                    "minLength": 1,
                    "maxLength": $max,
                    "pattern": "^[!-~]([ -~]*[!-~])?$",
                    "examples": [$example]
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// A stored text converted into an identifier's storage: shared for `Arc<str>`, copied for
/// `Box<str>`.
struct SharedText<'a>(&'a std::sync::Arc<str>);

impl From<SharedText<'_>> for std::sync::Arc<str> {
    fn from(text: SharedText<'_>) -> Self {
        std::sync::Arc::clone(text.0)
    }
}

impl From<SharedText<'_>> for Box<str> {
    fn from(text: SharedText<'_>) -> Self {
        Box::from(&**text.0)
    }
}

/// Whether `s` is 1 to `max` printable ASCII characters without leading or trailing
/// spaces (a `const fn`, so [`StaticText::new`] can check a literal at compile time).
const fn valid_text(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > max {
        return false;
    }
    if matches!(bytes.first(), Some(b' ')) || matches!(bytes.last(), Some(b' ')) {
        return false;
    }
    let mut rest = bytes;
    while let [first, tail @ ..] = rest {
        if *first < b' ' || *first > b'~' {
            return false;
        }
        rest = tail;
    }
    true
}

/// A `'static` text that is a valid identifier of at most `MAX` characters, for
/// `from_static`. Build it only in a `const` block (`const { StaticText::new("x") }`), so
/// an invalid literal fails to compile and nothing is checked at run time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StaticText<const MAX: usize>(&'static str);

impl<const MAX: usize> StaticText<MAX> {
    /// The text, checked; called in a `const` block, an invalid text is a compile error.
    #[allow(
        clippy::manual_assert,
        clippy::panic,
        reason = "evaluated at compile time only (const blocks): an invalid literal does not compile"
    )]
    pub(crate) const fn new(text: &'static str) -> Self {
        if !valid_text(text, MAX) {
            panic!("not a valid identifier text");
        }
        StaticText(text)
    }

    /// The text.
    pub(crate) const fn as_str(self) -> &'static str {
        self.0
    }
}

text_id!(
    /// A caller-chosen identifier of a [`Command`](super::Command), unique within a ledger.
    CommandId, Box<str>, "command id", 64, "FY08-OBL-0001"
);
text_id!(
    /// The office that holds an allotment (a funds holder), such as `"DSCA"`.
    FundsHolder, std::sync::Arc<str>, "funds holder", 64, "DSCA"
);
text_id!(
    /// The identifier of an obligating document or a planned one: an enrollment, a grant
    /// agreement, a loan, a sales case, a transfer.
    DocumentId, std::sync::Arc<str>, "document id", 64, "JO-B-ZAA"
);
text_id!(
    /// Who issued a command: a person, an office or a service.
    Actor, std::sync::Arc<str>, "actor", 64, "budget-office"
);

/// A Treasury-style account symbol: agency code, period of availability and main account,
/// written `011-2008/2009-1082`.
///
/// The period decides when the account may take new obligations, when it expires and when
/// it is cancelled (see [`Availability`]).
///
/// ```
/// use security_assistance::budget::AccountSymbol;
/// let fmf: AccountSymbol = "011-2008/2009-1082".parse()?;
/// assert_eq!(fmf.agency(), 11);
/// assert_eq!(fmf.main_account(), 1082);
/// assert_eq!(fmf.to_string(), "011-2008/2009-1082");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountSymbol {
    agency: u16,
    period: Availability,
    main: u16,
}

impl AccountSymbol {
    /// The largest agency code (three digits).
    pub const AGENCY_MAX: u16 = 999;
    /// The largest main account code (four digits).
    pub const MAIN_MAX: u16 = 9999;

    /// A symbol from its parts.
    ///
    /// # Errors
    ///
    /// [`IdError::AccountSymbol`] when `agency` is above 999 or `main_account` above 9999.
    pub fn new(agency: u16, period: Availability, main_account: u16) -> Result<Self, IdError> {
        if agency > Self::AGENCY_MAX || main_account > Self::MAIN_MAX {
            return Err(IdError::AccountSymbol {
                input: format!("{agency:03}-{period}-{main_account:04}"),
            });
        }
        Ok(AccountSymbol {
            agency,
            period,
            main: main_account,
        })
    }

    /// The agency code (`11` for the Department of State, written `011`).
    #[must_use]
    pub fn agency(&self) -> u16 {
        self.agency
    }

    /// The period of availability.
    #[must_use]
    pub fn period(&self) -> Availability {
        self.period
    }

    /// The main account code.
    #[must_use]
    pub fn main_account(&self) -> u16 {
        self.main
    }

    /// The symbol as text that parses back whole (a no-year period keeps its first
    /// fiscal year: `097-X2008-0100`).
    pub(crate) fn lossless(&self) -> String {
        self.text(true)
    }

    /// `AAA-PERIOD-MMMM`, the period written lossless or as displayed.
    fn text(&self, lossless: bool) -> String {
        let mut text = String::with_capacity(19);
        push_padded(&mut text, u32::from(self.agency), 3);
        text.push('-');
        self.period.push_text(&mut text, lossless);
        text.push('-');
        push_padded(&mut text, u32::from(self.main), 4);
        text
    }
}

impl fmt::Display for AccountSymbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.text(false))
    }
}

impl FromStr for AccountSymbol {
    type Err = IdError;

    /// Parses `AAA-PERIOD-MMMM`, where `PERIOD` is anything [`Availability`] parses.
    fn from_str(s: &str) -> Result<Self, IdError> {
        let bad = || IdError::AccountSymbol {
            input: s.to_owned(),
        };
        let (agency, rest) = s.split_once('-').ok_or_else(bad)?;
        let (period, main) = rest.rsplit_once('-').ok_or_else(bad)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(agency, 3) || !digits(main, 4) {
            return Err(bad());
        }
        let agency = agency.parse().map_err(|_| bad())?;
        let main = main.parse().map_err(|_| bad())?;
        let period = period.parse().map_err(|_| bad())?;
        AccountSymbol::new(agency, period, main)
    }
}

impl TryFrom<&str> for AccountSymbol {
    type Error = IdError;

    /// The same check as [`FromStr`].
    fn try_from(text: &str) -> Result<Self, IdError> {
        text.parse()
    }
}

impl Serialize for AccountSymbol {
    /// Like [`fmt::Display`], but a no-year period keeps its first fiscal year
    /// (`097-X2008-0100`), so that the value reads back whole.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.lossless())
    }
}

impl<'de> Deserialize<'de> for AccountSymbol {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FiscalYear;

    #[test]
    fn ids_validate() {
        assert!("A".parse::<CommandId>().is_ok());
        assert!(" A".parse::<CommandId>().is_err());
        assert!("A\n".parse::<DocumentId>().is_err());
        assert!("x".repeat(65).parse::<Actor>().is_err());
        assert!("x".repeat(64).parse::<Actor>().is_ok());
        let json = serde_json::to_string(&"DSCA".parse::<FundsHolder>().unwrap()).unwrap();
        assert_eq!(json, "\"DSCA\"");
        assert!(serde_json::from_str::<FundsHolder>("\"\"").is_err());
    }

    #[test]
    fn valid_text_bounds_are_exact() {
        assert!(valid_text("a", 1));
        assert!(!valid_text("", 1));
        assert!(!valid_text("ab", 1));
        assert!(valid_text("a b", 3));
        assert!(!valid_text(" ab", 3));
        assert!(!valid_text("ab ", 3));
        // The printable range is ' ' through '~', both inside.
        assert!(valid_text("!~", 2));
        assert!(!valid_text("a\u{7f}", 2));
        assert!(!valid_text("a\u{1f}", 2));
        assert!(!valid_text("a\u{e9}", 3));
    }

    #[test]
    fn stored_texts_are_checked_again_and_static_texts_at_compile_time() {
        let good: std::sync::Arc<str> = "DSCA".into();
        assert_eq!(
            FundsHolder::from_validated(&good).map(|h| h.as_str().to_owned()),
            Some("DSCA".to_owned())
        );
        for bad in ["", " DSCA", "DSCA\n", &"x".repeat(65)] {
            let text: std::sync::Arc<str> = bad.into();
            assert!(FundsHolder::from_validated(&text).is_none(), "{bad:?}");
            assert!(Actor::from_validated(&text).is_none(), "{bad:?}");
            assert!(DocumentId::from_validated(&text).is_none(), "{bad:?}");
        }
        let actor = Actor::from_static(const { StaticText::new("csv-import") });
        assert_eq!(actor.as_str(), "csv-import");
    }

    #[test]
    fn account_symbols_round_trip() {
        let no_year: AccountSymbol = "097-X2008-0100".parse().unwrap();
        assert_eq!(no_year.to_string(), "097-X-0100");
        let json = serde_json::to_string(&no_year).unwrap();
        assert_eq!(json, "\"097-X2008-0100\"");
        assert_eq!(
            serde_json::from_str::<AccountSymbol>(&json).unwrap(),
            no_year
        );
        for text in ["011-2008-1081", "011-2008/2009-1082"] {
            let symbol: AccountSymbol = text.parse().unwrap();
            assert_eq!(symbol.to_string(), text);
            let json = serde_json::to_string(&symbol).unwrap();
            assert_eq!(
                serde_json::from_str::<AccountSymbol>(&json).unwrap(),
                symbol
            );
        }
        // Small codes keep their leading zeros; a width pads the whole symbol.
        let small = AccountSymbol::new(7, Availability::no_year(FiscalYear::MIN), 9).unwrap();
        assert_eq!(small.to_string(), "007-X-0009");
        assert_eq!(small.lossless(), "007-X1800-0009");
        assert_eq!(format!("[{small:>12}]"), "[  007-X-0009]");
        let large = AccountSymbol::new(999, Availability::one_year(FiscalYear::MAX), 9999);
        assert_eq!(large.unwrap().lossless(), "999-9999-9999");
        for bad in [
            "11-2008-1081",
            "011-2008-108",
            "011--1081",
            "0112008",
            "011-20x8-1081",
        ] {
            assert!(bad.parse::<AccountSymbol>().is_err(), "{bad}");
        }
    }

    /// Every kind of identifier takes a stored text whole, whether it shares it (`Arc`)
    /// or copies it (`Box`).
    #[test]
    fn a_stored_text_becomes_each_kind_of_identifier_whole() {
        let text: std::sync::Arc<str> = "FY08-OBL-0001".into();
        let texts = [
            CommandId::from_validated(&text).map(|i| i.as_str().to_owned()),
            FundsHolder::from_validated(&text).map(|i| i.as_str().to_owned()),
            DocumentId::from_validated(&text).map(|i| i.as_str().to_owned()),
            Actor::from_validated(&text).map(|i| i.as_str().to_owned()),
        ];
        assert_eq!(texts, [(); 4].map(|()| Some("FY08-OBL-0001".to_owned())));
    }
}

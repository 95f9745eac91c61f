//! Object classes (OMB Circular A-11 section 83): what an obligation buys.
//!
//! # Source and date of the table
//!
//! [`ObjectClass::ALL`] is the list of object classes of OMB Circular A-11, section 83.6
//! ("What object class codes and definitions should I use?") and Exhibit 83A ("Summary of
//! object class codes and standard titles"), as the Treasury's DATA Act Broker validates
//! File B against it: the three-digit codes and titles of the Broker's object class list
//! (`dataactvalidator/config/example_object_class.csv` in
//! github.com/fedspendingtransparency/data-act-broker-backend, read at commit
//! `24a2645efe8273f4abc049ce08a0b2cdb224784a`, June 2026; a copy is vendored in
//! `stores/postgres/tests/data/broker/`, and a test checks the two lists are the same).
//! [`OBJECT_CLASS_TABLE_DATE`] is the date of that reading. Subtotal lines (99.0, 99.5,
//! 99.9) classify no obligation and are not in the table. The crate does not date
//! individual codes: a code is accepted if it is in this table, whatever the obligation's
//! date (A-11 has added few codes over the years, such as 11.6; a ledger of periods before a
//! code existed should not use it).
//!
//! # When the caller gives none
//!
//! An [`Action::Obligate`](super::Action::Obligate) may leave its object class out (so
//! that journals written before the field existed still read). The obligation is then
//! classed by its instrument, [`Instrument::default_object_class`]: a loan is 33.0
//! "Investments and loans"; every other instrument of the crate — grants, training
//! enrollments, sales cases financed for a partner, transfers of excess articles, leases
//! and the rest — is assistance given to a foreign government or organization and is
//! classed 41.0 "Grants, subsidies, and contributions". The class is fixed when the
//! obligation is recorded and reported as the obligation's own
//! ([`ObligationBalance::object_class`](super::ObligationBalance)); nothing is ever left
//! blank. A caller whose obligation buys something else (a contract for services, 25.2;
//! equipment, 31.0) gives the class on the command.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::command::Instrument;

/// The date the table of object classes ([`ObjectClass::ALL`]) was read from its source
/// (see the module notes).
pub const OBJECT_CLASS_TABLE_DATE: &str = "2026-06-01";

/// An object class of OMB Circular A-11 section 83.6, such as 41.0 "Grants, subsidies, and
/// contributions": one of [`ObjectClass::ALL`].
///
/// Written as A-11 writes it, with the decimal point (`"41.0"`, `"25.2"`); the DATA Act
/// Broker's File B writes the same code without it ([`ObjectClass::broker_code`], `"410"`).
///
/// ```
/// use security_assistance::budget::{Instrument, ObjectClass};
/// let class: ObjectClass = "25.2".parse()?;
/// assert_eq!(class.title(), "Other services from non-Federal sources");
/// assert_eq!(class.broker_code(), "252");
/// assert_eq!(class.to_string(), "25.2");
/// assert_eq!(Instrument::Loan.default_object_class().to_string(), "33.0");
/// assert!("25.9".parse::<ObjectClass>().is_err());
/// assert!("252".parse::<ObjectClass>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectClass(u16);

/// Declares the table of object classes once: [`TABLE`] (codes and titles) and
/// [`TABLE_CLASSES`] (the classes, for [`ObjectClass::ALL`]).
macro_rules! object_classes {
    ($( $code:literal => $title:literal ),* $(,)?) => {
        /// The object classes: A-11 section 83.6 codes (times ten: 252 is 25.2) and titles.
        const TABLE: [(u16, &str); CLASSES] = [$( ($code, $title) ),*];
        /// The classes of [`TABLE`], in its order.
        const TABLE_CLASSES: [ObjectClass; CLASSES] = [$( ObjectClass($code) ),*];
    };
}

/// How many classes the table holds.
const CLASSES: usize = 34;

object_classes! {
    111 => "Full-time permanent",
    113 => "Other than full-time permanent",
    115 => "Other personnel compensation",
    116 => "Military personnel - basic allowance for housing",
    117 => "Military personnel",
    118 => "Special personal services payments",
    121 => "Civilian personnel benefits",
    122 => "Military personnel benefits",
    130 => "Benefits for former personnel",
    210 => "Travel and transportation of persons",
    220 => "Transportation of things",
    231 => "Rental payments to GSA",
    232 => "Rental payments to others",
    233 => "Communications, utilities, and miscellaneous charges",
    240 => "Printing and reproduction",
    251 => "Advisory and assistance services",
    252 => "Other services from non-Federal sources",
    253 => "Other goods and services from Federal sources",
    254 => "Operation and maintenance of facilities",
    255 => "Research and development contracts",
    256 => "Medical care",
    257 => "Operation and maintenance of equipment",
    258 => "Subsistence and support of persons",
    260 => "Supplies and materials",
    310 => "Equipment",
    320 => "Land and structures",
    330 => "Investments and loans",
    410 => "Grants, subsidies, and contributions",
    420 => "Insurance claims and indemnities",
    430 => "Interest and dividends",
    440 => "Refunds",
    910 => "Unvouchered",
    920 => "Undistributed",
    940 => "Financial transfers",
}

impl ObjectClass {
    /// 41.0 Grants, subsidies, and contributions.
    pub const GRANTS: ObjectClass = ObjectClass(410);
    /// 33.0 Investments and loans.
    pub const INVESTMENTS_AND_LOANS: ObjectClass = ObjectClass(330);
    /// 22.0 Transportation of things.
    pub const TRANSPORTATION_OF_THINGS: ObjectClass = ObjectClass(220);
    /// 25.7 Operation and maintenance of equipment.
    pub const OPERATION_AND_MAINTENANCE_OF_EQUIPMENT: ObjectClass = ObjectClass(257);

    /// Every object class, in the order of A-11 Exhibit 83A.
    pub const ALL: [ObjectClass; CLASSES] = TABLE_CLASSES;

    /// A-11's title of the class, such as "Grants, subsidies, and contributions".
    #[must_use]
    pub fn title(self) -> &'static str {
        TABLE
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or("", |(_, title)| *title)
    }

    /// The code as the DATA Act Broker's File B writes it: three digits, no decimal point
    /// (`"410"`).
    #[must_use]
    pub fn broker_code(self) -> String {
        format!("{:03}", self.0)
    }

    /// The class of the three-digit code `code` (410 for 41.0), if it is in the table.
    fn from_code(code: u16) -> Option<ObjectClass> {
        TABLE
            .iter()
            .any(|(c, _)| *c == code)
            .then_some(ObjectClass(code))
    }

    /// The three-digit code (410 for 41.0), for the journal's compact encoding.
    pub(crate) const fn code(self) -> u16 {
        self.0
    }

    /// The class of a code written by [`ObjectClass::code`]; `None` if not in the table.
    pub(crate) fn from_stored(code: u16) -> Option<ObjectClass> {
        ObjectClass::from_code(code)
    }
}

impl Instrument {
    /// The object class an obligation on this instrument is recorded under when its
    /// command gives none (see [`ObjectClass`]'s module notes): 33.0 "Investments and
    /// loans" for a loan, 41.0 "Grants, subsidies, and contributions" for every other
    /// instrument (assistance to a foreign government or organization).
    ///
    /// ```
    /// use security_assistance::budget::{Instrument, ObjectClass};
    /// assert_eq!(Instrument::GrantAgreement.default_object_class(), ObjectClass::GRANTS);
    /// assert_eq!(Instrument::Loan.default_object_class(), ObjectClass::INVESTMENTS_AND_LOANS);
    /// ```
    #[must_use]
    pub const fn default_object_class(self) -> ObjectClass {
        match self {
            Instrument::Loan => ObjectClass::INVESTMENTS_AND_LOANS,
            Instrument::Enrollment
            | Instrument::GrantAgreement
            | Instrument::LoanGuarantee
            | Instrument::SalesCase
            | Instrument::Transfer
            | Instrument::Lease
            | Instrument::Other => ObjectClass::GRANTS,
        }
    }
}

impl fmt::Display for ObjectClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// An object class that is not one of [`ObjectClass::ALL`], or not written as A-11 writes
/// it (two digits, a point, one digit: `"41.0"`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[error(
    "unknown object class {input:?}: expected an OMB Circular A-11 section 83.6 code written as A-11 writes it, such as \"41.0\" (grants, subsidies, and contributions) or \"25.2\" (other services from non-Federal sources)"
)]
pub struct ObjectClassError {
    /// The refused input.
    pub input: String,
}

crate::wire::wire_struct!(ObjectClassError, "unknown_object_class");

impl FromStr for ObjectClass {
    type Err = ObjectClassError;

    fn from_str(s: &str) -> Result<ObjectClass, ObjectClassError> {
        let refused = || ObjectClassError {
            input: s.to_owned(),
        };
        let &[tens, units, b'.', tenths] = s.as_bytes() else {
            return Err(refused());
        };
        let digits = [tens, units, tenths];
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(refused());
        }
        std::str::from_utf8(&digits)
            .ok()
            .and_then(|text| text.parse::<u16>().ok())
            .and_then(ObjectClass::from_code)
            .ok_or_else(refused)
    }
}

impl Serialize for ObjectClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ObjectClass {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for ObjectClass {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ObjectClass".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<String> = ObjectClass::ALL.iter().map(ToString::to_string).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An object class of OMB Circular A-11 section 83.6, written as A-11 writes it (\"41.0\").",
            "enum": codes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_class_reads_back_from_its_text_and_has_a_title() {
        for class in ObjectClass::ALL {
            assert_eq!(class.to_string().parse::<ObjectClass>(), Ok(class));
            assert!(!class.title().is_empty(), "{class}");
            assert_eq!(class.broker_code().len(), 3);
            assert_eq!(ObjectClass::from_stored(class.code()), Some(class));
        }
        assert_eq!(ObjectClass::ALL.len(), 34);
    }

    #[test]
    fn texts_not_written_as_a11_writes_them_are_refused() {
        for text in [
            "", "41", "410", "41.00", "4.10", " 41.0", "41.0 ", "41,0", "99.0", "99.9", "00.0",
            "25.9", "+1.0", "4a.0",
        ] {
            assert_eq!(
                text.parse::<ObjectClass>(),
                Err(ObjectClassError {
                    input: text.to_owned()
                }),
                "{text:?}"
            );
        }
        assert_eq!(ObjectClass::from_stored(0), None);
        assert_eq!(ObjectClass::from_stored(999), None);
    }

    #[test]
    fn json_is_the_a11_text() {
        let class: ObjectClass = serde_json::from_str("\"31.0\"").unwrap();
        assert_eq!(class.title(), "Equipment");
        assert_eq!(serde_json::to_string(&class).unwrap(), "\"31.0\"");
        let error = serde_json::from_str::<ObjectClass>("\"31.5\"").unwrap_err();
        assert!(error.to_string().contains("unknown object class \"31.5\""));
    }

    proptest! {
        #[test]
        fn a_text_parses_only_to_a_class_that_prints_as_it(text in "[0-9]{2}\\.[0-9]") {
            match text.parse::<ObjectClass>() {
                Ok(class) => {
                    prop_assert_eq!(class.to_string(), text);
                    prop_assert!(ObjectClass::ALL.contains(&class));
                }
                Err(e) => prop_assert_eq!(e.input, text),
            }
        }
    }
}

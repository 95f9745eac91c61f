//! TEMPORARY STUB (replaced by the partner branch)
#![allow(missing_docs)]
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 3]);
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad country {0}")]
pub struct PartnerError(String);
impl FromStr for CountryCode {
    type Err = PartnerError;
    fn from_str(s: &str) -> Result<Self, PartnerError> {
        let b = s.to_ascii_uppercase();
        let b = b.as_bytes();
        match b {
            [a, c, d] if b.iter().all(u8::is_ascii_alphabetic) => Ok(CountryCode([*a, *c, *d])),
            _ => Err(PartnerError(s.to_owned())),
        }
    }
}
impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::str::from_utf8(&self.0).unwrap_or("???"))
    }
}

impl Serialize for CountryCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}
impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let t = String::deserialize(d)?;
        t.parse().map_err(serde::de::Error::custom)
    }
}

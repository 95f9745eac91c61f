//! TEMPORARY STUB (replaced by the fiscal branch)
#![allow(missing_docs, clippy::arithmetic_side_effects, clippy::unwrap_used)]
use crate::money::{Money, Rate, Rounding};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FiscalYear(i32);
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("fiscal")]
pub struct FiscalError;
impl FiscalYear {
    pub fn new(y: i32) -> Result<Self, FiscalError> {
        Ok(FiscalYear(y))
    }
    pub fn containing(d: NaiveDate) -> FiscalYear {
        if d.month() >= 10 {
            FiscalYear(d.year() + 1)
        } else {
            FiscalYear(d.year())
        }
    }
    pub fn year(self) -> i32 {
        self.0
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 - 1, 10, 1).unwrap()
    }
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 9, 30).unwrap()
    }
    pub fn days(self) -> u32 {
        (self.last_day() - self.first_day()).num_days() as u32 + 1
    }
}
impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Availability {
    first: FiscalYear,
    last: Option<FiscalYear>,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    NotYetAvailable,
    Unexpired,
    Expired,
    Cancelled,
}
impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
impl Availability {
    pub fn one_year(fy: FiscalYear) -> Self {
        Availability {
            first: fy,
            last: Some(fy),
        }
    }
    pub fn multi_year(a: FiscalYear, b: FiscalYear) -> Result<Self, FiscalError> {
        Ok(Availability {
            first: a,
            last: Some(b),
        })
    }
    pub fn no_year(a: FiscalYear) -> Self {
        Availability {
            first: a,
            last: None,
        }
    }
    pub fn first(&self) -> FiscalYear {
        self.first
    }
    pub fn last(&self) -> Option<FiscalYear> {
        self.last
    }
    pub fn expires_on(&self) -> Option<NaiveDate> {
        self.last.map(|l| l.last_day().succ_opt().unwrap())
    }
    pub fn cancels_on(&self) -> Option<NaiveDate> {
        self.last
            .map(|l| FiscalYear(l.0 + 5).last_day().succ_opt().unwrap())
    }
    pub fn status_on(&self, d: NaiveDate) -> AccountStatus {
        if d < self.first.first_day() {
            return AccountStatus::NotYetAvailable;
        }
        match (self.expires_on(), self.cancels_on()) {
            (Some(e), Some(c)) => {
                if d < e {
                    AccountStatus::Unexpired
                } else if d < c {
                    AccountStatus::Expired
                } else {
                    AccountStatus::Cancelled
                }
            }
            _ => AccountStatus::Unexpired,
        }
    }
}
impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last {
            None => write!(f, "X"),
            Some(l) if l == self.first => write!(f, "{}", l.0),
            Some(l) => write!(f, "{}/{}", self.first.0, l.0),
        }
    }
}
impl std::str::FromStr for Availability {
    type Err = FiscalError;
    fn from_str(s: &str) -> Result<Self, FiscalError> {
        match s.split_once('/') {
            Some((a, b)) => Ok(Availability {
                first: FiscalYear(a.parse().map_err(|_| FiscalError)?),
                last: Some(FiscalYear(b.parse().map_err(|_| FiscalError)?)),
            }),
            None => {
                let y = FiscalYear(s.parse().map_err(|_| FiscalError)?);
                Ok(Availability::one_year(y))
            }
        }
    }
}
pub fn cr_amount(
    annual_rate: Money,
    days_covered: u32,
    fy: FiscalYear,
    _seasonal: Option<Rate>,
    rounding: Rounding,
) -> Result<Money, FiscalError> {
    annual_rate
        .checked_mul_ratio(i128::from(days_covered), i128::from(fy.days()), rounding)
        .map_err(|_| FiscalError)
}

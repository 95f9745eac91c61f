//! The federal fiscal calendar: fiscal years, periods of availability, account status, and
//! continuing-resolution pro-rating.
//!
//! The federal fiscal year runs from 1 October to 30 September and is named for the
//! calendar year in which it ends: FY2008 is 2007-10-01 through 2008-09-30 (31 U.S.C. 1102).
//!
//! An appropriation is available for new obligations during its period of availability
//! ([`Availability`]): one fiscal year, several, or until expended. Afterwards the account
//! is *expired* for five fiscal years, during which it only records, adjusts and pays
//! obligations already made (31 U.S.C. 1553(a)); on 30 September of the fifth fiscal year
//! after expiry it is closed and every remaining balance is *cancelled* (31 U.S.C. 1552(a)).
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::{AccountStatus, Availability, FiscalYear};
//!
//! let fy2008 = FiscalYear::new(2008)?;
//! let two_year = Availability::multi_year(fy2008, fy2008.next()?)?;
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
//! assert_eq!(two_year.status_on(day(2009, 9, 30)?), AccountStatus::Unexpired);
//! assert_eq!(two_year.status_on(day(2009, 10, 1)?), AccountStatus::Expired);
//! assert_eq!(two_year.status_on(day(2014, 10, 1)?), AccountStatus::Cancelled);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::money::{Money, Rate, Rounding};

/// The number of fiscal years an expired account stays open before it is closed
/// (31 U.S.C. 1552(a)).
pub(crate) const EXPIRED_YEARS: i32 = 5;

/// What went wrong with a fiscal-calendar value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FiscalError {
    /// A fiscal year outside the supported range.
    #[error("fiscal year {year} is out of range: expected {min} through {max}")]
    YearOutOfRange {
        /// The year given.
        year: i64,
        /// The first supported fiscal year.
        min: i32,
        /// The last supported fiscal year.
        max: i32,
    },
    /// Text that is not a fiscal year.
    #[error("{input:?} is not a fiscal year: expected \"FY2008\" or \"2008\"")]
    InvalidYear {
        /// The refused input.
        input: String,
    },
    /// A multi-year period whose last year is not after its first.
    #[error("period {first}/{last} is invalid: the last fiscal year must come after the first")]
    PeriodOrder {
        /// The first fiscal year.
        first: i32,
        /// The last fiscal year.
        last: i32,
    },
    /// Text that is not a period of availability.
    #[error(
        "{input:?} is not a period of availability: expected \"2008\", \"2008/2009\" or \"X2008\" (no-year, first available in FY2008)"
    )]
    InvalidPeriod {
        /// The refused input.
        input: String,
    },
    /// A continuing resolution covering more days than its fiscal year has.
    #[error(
        "a continuing resolution cannot cover {days} days of {fiscal_year}, which has {days_in_year}"
    )]
    DaysOutOfRange {
        /// The days covered.
        days: u32,
        /// The fiscal year.
        fiscal_year: FiscalYear,
        /// The days in that fiscal year.
        days_in_year: u32,
    },
    /// A negative annualized rate for a continuing resolution.
    #[error("the annualized rate of a continuing resolution must not be negative, got {rate}")]
    NegativeRate {
        /// The rate given.
        rate: Money,
    },
    /// Arithmetic on money failed.
    #[error("amount arithmetic failed")]
    Money(#[from] crate::money::MoneyError),
    /// Text that is not a real day written exactly `YYYY-MM-DD`.
    #[error("date {input:?} is not a real day written YYYY-MM-DD, such as \"2008-03-02\"")]
    InvalidDate {
        /// The refused input.
        input: String,
    },
}

crate::wire::wire_error!(FiscalError);

/// Reads a date written exactly `YYYY-MM-DD` that names a real day: four digits, two,
/// two, no sign, space, missing zero or other separator. Every date the crate reads (JSON,
/// CSV, the command line) is read this way.
///
/// ```
/// use security_assistance::{FiscalError, parse_date};
///
/// assert_eq!(parse_date("2008-03-02")?.to_string(), "2008-03-02");
/// for bad in ["2008-3-2", " 2008-03-02", "2008-03-02 ", "+2008-03-02", "20080302", "2008-02-30"] {
///     assert_eq!(parse_date(bad), Err(FiscalError::InvalidDate { input: bad.to_owned() }));
/// }
/// # Ok::<(), FiscalError>(())
/// ```
///
/// # Errors
///
/// [`FiscalError::InvalidDate`] for anything else.
pub fn parse_date(text: &str) -> Result<NaiveDate, FiscalError> {
    date_serde::plain(text).ok_or_else(|| FiscalError::InvalidDate {
        input: text.to_owned(),
    })
}

/// A US federal fiscal year, named for the calendar year in which it ends.
///
/// # Range
///
/// [`FiscalYear::MIN`] (1800) through [`FiscalYear::MAX`] (9999): every day of every
/// supported fiscal year, and of the five years after it, is a valid [`NaiveDate`].
///
/// # Serialization
///
/// serde writes the number `2008` and reads only a number in range; [`fmt::Display`]
/// writes `FY2008`; [`FromStr`] reads `"FY2008"`, `"fy2008"` (the prefix in any case) or
/// `"2008"`, and nothing else: no spaces, signs or more than four digits.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::FiscalYear;
///
/// let fy: FiscalYear = "FY2008".parse()?;
/// assert_eq!(fy.first_day(), NaiveDate::from_ymd_opt(2007, 10, 1).ok_or("date")?);
/// assert_eq!(fy.days(), 366);
/// assert_eq!(FiscalYear::containing(NaiveDate::from_ymd_opt(2008, 10, 1).ok_or("date")?).year(), 2009);
/// assert!(FiscalYear::new(10_000).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FiscalYear(i32);

impl FiscalYear {
    /// The first supported fiscal year.
    pub const MIN_YEAR: i32 = 1800;
    /// The last supported fiscal year.
    pub const MAX_YEAR: i32 = 9999;
    /// The first supported fiscal year.
    pub const MIN: FiscalYear = FiscalYear(Self::MIN_YEAR);
    /// The last supported fiscal year.
    pub const MAX: FiscalYear = FiscalYear(Self::MAX_YEAR);

    /// The fiscal year that ends in calendar year `year`.
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] outside [`FiscalYear::MIN_YEAR`] ..=
    /// [`FiscalYear::MAX_YEAR`].
    pub fn new(year: i32) -> Result<FiscalYear, FiscalError> {
        if (Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) {
            Ok(FiscalYear(year))
        } else {
            Err(FiscalError::YearOutOfRange {
                year: i64::from(year),
                min: Self::MIN_YEAR,
                max: Self::MAX_YEAR,
            })
        }
    }

    /// The fiscal year that contains `date`: the next calendar year's from 1 October on.
    ///
    /// Dates outside the supported range have no fiscal year of their own: dates before
    /// 1799-10-01 give [`FiscalYear::MIN`] and dates after 9999-09-30 give
    /// [`FiscalYear::MAX`]. Use [`FiscalYear::contains`] to tell.
    #[must_use]
    pub fn containing(date: NaiveDate) -> FiscalYear {
        let year = if date.month() >= 10 {
            date.year().saturating_add(1)
        } else {
            date.year()
        };
        FiscalYear(year.clamp(Self::MIN_YEAR, Self::MAX_YEAR))
    }

    /// The calendar year in which the fiscal year ends (`2008` for FY2008).
    #[must_use]
    pub const fn year(self) -> i32 {
        self.0
    }

    /// 1 October of the previous calendar year.
    #[must_use]
    pub fn first_day(self) -> NaiveDate {
        // OK because the range check keeps year - 1 within chrono's range.
        NaiveDate::from_ymd_opt(self.0.saturating_sub(1), 10, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 30 September.
    #[must_use]
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 9, 30).unwrap_or(NaiveDate::MAX)
    }

    /// The number of days: 366 when the year contains 29 February, else 365.
    #[must_use]
    pub fn days(self) -> u32 {
        let span = self
            .last_day()
            .signed_duration_since(self.first_day())
            .num_days();
        u32::try_from(span.saturating_add(1)).unwrap_or(365)
    }

    /// `true` if `date` falls in this fiscal year.
    #[must_use]
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The next fiscal year.
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] after [`FiscalYear::MAX`].
    pub fn next(self) -> Result<FiscalYear, FiscalError> {
        FiscalYear::new(self.0.saturating_add(1))
    }

    /// The previous fiscal year.
    ///
    /// # Errors
    ///
    /// [`FiscalError::YearOutOfRange`] before [`FiscalYear::MIN`].
    pub fn prev(self) -> Result<FiscalYear, FiscalError> {
        FiscalYear::new(self.0.saturating_sub(1))
    }

    /// The fiscal quarter (1 through 4) in which `date` falls: the first quarter is October
    /// through December, the fourth July through September. Quarters are the unit of OMB
    /// apportionment and of quarterly status-of-funds reports.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::FiscalYear;
    ///
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
    /// assert_eq!(FiscalYear::quarter_of(day(2007, 10, 1)?), 1);
    /// assert_eq!(FiscalYear::quarter_of(day(2008, 3, 31)?), 2);
    /// assert_eq!(FiscalYear::quarter_of(day(2008, 9, 30)?), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn quarter_of(date: NaiveDate) -> u8 {
        match date.month() {
            10..=12 => 1,
            1..=3 => 2,
            4..=6 => 3,
            _ => 4,
        }
    }

    /// 30 September of the calendar year `n` years after this fiscal year ends.
    ///
    /// Not clamped to [`FiscalYear::MAX`]: the closing day of an account whose last year
    /// is FY9999 is 10004-09-30, well inside chrono's range.
    fn last_day_after(self, n: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.0.checked_add(n)?, 9, 30)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("FY{}", self.0))
    }
}

impl FromStr for FiscalYear {
    type Err = FiscalError;

    fn from_str(s: &str) -> Result<FiscalYear, FiscalError> {
        // The prefix is optional and read in any case: "FY2008", "fy2008", "2008".
        let digits = match s.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("FY") => s.get(2..).unwrap_or_default(),
            _ => s,
        };
        if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FiscalError::InvalidYear {
                input: s.to_owned(),
            });
        }
        let year: i32 = digits.parse().map_err(|_| FiscalError::InvalidYear {
            input: s.to_owned(),
        })?;
        FiscalYear::new(year)
    }
}

impl Serialize for FiscalYear {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.0)
    }
}

impl<'de> Deserialize<'de> for FiscalYear {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FiscalYear, D::Error> {
        let year = i64::deserialize(deserializer)?;
        i32::try_from(year)
            .ok()
            .and_then(|y| FiscalYear::new(y).ok())
            .ok_or_else(|| {
                serde::de::Error::custom(FiscalError::YearOutOfRange {
                    year,
                    min: FiscalYear::MIN_YEAR,
                    max: FiscalYear::MAX_YEAR,
                })
            })
    }
}

/// The status of an appropriation account on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountStatus {
    /// Before the first day of the period of availability.
    NotYetAvailable,
    /// Within the period of availability: new obligations allowed (31 U.S.C. 1502(a)).
    Unexpired,
    /// After the period, for five fiscal years: only recording, adjusting and paying
    /// existing obligations (31 U.S.C. 1553(a)).
    Expired,
    /// Closed: every balance is cancelled and the account takes nothing (31 U.S.C. 1552(a)).
    Cancelled,
}

impl fmt::Display for AccountStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            AccountStatus::NotYetAvailable => "not yet available",
            AccountStatus::Unexpired => "unexpired",
            AccountStatus::Expired => "expired",
            AccountStatus::Cancelled => "cancelled",
        })
    }
}

/// A period of availability: one fiscal year, several, or no year ("until expended").
///
/// # Status on a date
///
/// [`Availability::status_on`] gives [`AccountStatus::NotYetAvailable`] before the first
/// day, [`AccountStatus::Unexpired`] through the last day, [`AccountStatus::Expired`] from
/// the next day through 30 September of the fifth fiscal year after the last one (the
/// closing day, the last day on which expired-phase actions are allowed), and
/// [`AccountStatus::Cancelled`] from the day after. A no-year account never expires by the
/// calendar: 31 U.S.C. 1555 closes it only when its purposes are carried out and no
/// disbursement has been made for two consecutive fiscal years, which is a determination,
/// not a date.
///
/// # Text and serde
///
/// [`fmt::Display`] writes the Treasury account period: `2008`, `2008/2009`, or `X` for no
/// year. Because `X` alone loses the first fiscal year, [`FromStr`] and serde use
/// `X2008` for a no-year account first available in FY2008 (and read `2008` and
/// `2008/2009` as written).
///
/// ```
/// use security_assistance::{Availability, FiscalYear};
/// let period: Availability = "2008/2009".parse()?;
/// assert_eq!(period, Availability::multi_year(FiscalYear::new(2008)?, FiscalYear::new(2009)?)?);
/// assert_eq!(Availability::no_year(FiscalYear::new(2008)?).to_string(), "X");
/// assert!(Availability::multi_year(FiscalYear::new(2009)?, FiscalYear::new(2008)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Availability {
    first: FiscalYear,
    last: Option<FiscalYear>,
}

impl Availability {
    /// Available for new obligations in `fiscal_year` only.
    #[must_use]
    pub const fn one_year(fiscal_year: FiscalYear) -> Availability {
        Availability {
            first: fiscal_year,
            last: Some(fiscal_year),
        }
    }

    /// Available from `first` through `last` ("to remain available until September 30,
    /// `last`").
    ///
    /// # Errors
    ///
    /// [`FiscalError::PeriodOrder`] unless `first` is before `last`.
    pub fn multi_year(first: FiscalYear, last: FiscalYear) -> Result<Availability, FiscalError> {
        if first < last {
            Ok(Availability {
                first,
                last: Some(last),
            })
        } else {
            Err(FiscalError::PeriodOrder {
                first: first.year(),
                last: last.year(),
            })
        }
    }

    /// Available from `first` until expended.
    #[must_use]
    pub const fn no_year(first: FiscalYear) -> Availability {
        Availability { first, last: None }
    }

    /// The first fiscal year of availability.
    #[must_use]
    pub const fn first(&self) -> FiscalYear {
        self.first
    }

    /// The last fiscal year of availability; `None` for a no-year account.
    #[must_use]
    pub const fn last(&self) -> Option<FiscalYear> {
        self.last
    }

    /// `true` for a no-year account.
    #[must_use]
    pub const fn is_no_year(&self) -> bool {
        self.last.is_none()
    }

    /// The first day of availability.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        self.first.first_day()
    }

    /// The last day of availability; `None` for a no-year account.
    #[must_use]
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.last.map(FiscalYear::last_day)
    }

    /// `true` if `date` lies in the period of availability.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.status_on(date) == AccountStatus::Unexpired
    }

    /// The first day on which the account is expired (the day after its last day);
    /// `None` for a no-year account. FY2008/2009 money expires on 2009-10-01.
    #[must_use]
    pub fn expires_on(&self) -> Option<NaiveDate> {
        self.last.and_then(|l| l.last_day().succ_opt())
    }

    /// The closing day: 30 September of the fifth fiscal year after the last year of
    /// availability, the last day on which expired-phase actions are allowed;
    /// `None` for a no-year account.
    #[must_use]
    pub fn closes_on(&self) -> Option<NaiveDate> {
        self.last.and_then(|l| l.last_day_after(EXPIRED_YEARS))
    }

    /// The first day on which the account is cancelled (the day after closing);
    /// `None` for a no-year account. FY2008/2009 money is cancelled from 2014-10-01.
    #[must_use]
    pub fn cancels_on(&self) -> Option<NaiveDate> {
        self.closes_on().and_then(|d| d.succ_opt())
    }

    /// The account's status on `date` (see the type's documentation).
    #[must_use]
    pub fn status_on(&self, date: NaiveDate) -> AccountStatus {
        if date < self.first_day() {
            return AccountStatus::NotYetAvailable;
        }
        match (self.last_day(), self.closes_on()) {
            (Some(last), _) if date <= last => AccountStatus::Unexpired,
            (Some(_), Some(closing)) if date <= closing => AccountStatus::Expired,
            (Some(_), _) => AccountStatus::Cancelled,
            (None, _) => AccountStatus::Unexpired,
        }
    }
}

impl fmt::Display for Availability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = String::with_capacity(9);
        self.push_text(&mut text, false);
        f.pad(&text)
    }
}

impl FromStr for Availability {
    type Err = FiscalError;

    /// Reads `2008`, `2008/2009` and `X2008`.
    fn from_str(s: &str) -> Result<Availability, FiscalError> {
        let bad = || FiscalError::InvalidPeriod {
            input: s.to_owned(),
        };
        let year = |t: &str| -> Result<FiscalYear, FiscalError> {
            if t.len() != 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            FiscalYear::new(t.parse().map_err(|_| bad())?)
        };
        if let Some(first) = s.strip_prefix('X') {
            return Ok(Availability::no_year(year(first)?));
        }
        match s.split_once('/') {
            Some((first, last)) => Availability::multi_year(year(first)?, year(last)?),
            None => Ok(Availability::one_year(year(s)?)),
        }
    }
}

impl Availability {
    /// The lossless text form: like [`fmt::Display`], but `X2008` for no-year.
    pub(crate) fn lossless(&self) -> String {
        let mut text = String::with_capacity(9);
        self.push_text(&mut text, true);
        text
    }

    /// Writes the period onto `out`: `2008`, `2008/2009`, and for no-year `X`, or with
    /// `lossless` `X2008`. Written digit by digit: a journal of a million entries writes
    /// an account symbol, and so a period, for nearly every one of them.
    pub(crate) fn push_text(&self, out: &mut String, lossless: bool) {
        let year = |out: &mut String, year: FiscalYear| {
            push_padded(out, u32::try_from(year.year()).unwrap_or_default(), 4);
        };
        match self.last {
            None => {
                out.push('X');
                if lossless {
                    year(out, self.first);
                }
            }
            Some(last) if last == self.first => year(out, last),
            Some(last) => {
                year(out, self.first);
                out.push('/');
                year(out, last);
            }
        }
    }
}

/// Writes `value` in decimal onto `out`, with leading zeros to at least `width` digits
/// (`push_padded(out, 11, 3)` writes `011`), as `format!("{value:0width$}")` would.
pub(crate) fn push_padded(out: &mut String, value: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut rest = value;
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0'.saturating_add(u8::try_from(rest % 10).unwrap_or_default());
        rest /= 10;
        start = start.saturating_sub(1);
        if rest == 0 {
            break;
        }
    }
    let written = digits.get(start..).unwrap_or_default();
    for _ in written.len()..width {
        out.push('0');
    }
    for &digit in written {
        out.push(char::from(digit));
    }
}

impl Serialize for Availability {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.lossless())
    }
}

impl<'de> Deserialize<'de> for Availability {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Availability, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The amount a continuing resolution makes available: the annualized rate times the
/// lower of the share of the fiscal year covered (`days_covered` / days in `fiscal_year`)
/// and OMB's seasonal limit, rounded once with `rounding` (DOMAIN.md §1.9, OMB Bulletins
/// 99-07 … 05-03).
///
/// The comparison and the product are exact (integer cents); nothing is rounded before
/// the end. To reproduce a published percentage that OMB rounded (13.42 % for 49 days of
/// FY2006), pass it as the seasonal limit or use [`Rate::apply`].
///
/// # Errors
///
/// [`FiscalError::DaysOutOfRange`] if `days_covered` exceeds the days in the year,
/// [`FiscalError::NegativeRate`] for a negative rate.
///
/// ```
/// use security_assistance::{cr_amount, FiscalYear, Money, Rounding};
/// let rate: Money = "100000000".parse()?;
/// let fy2006 = FiscalYear::new(2006)?;
/// assert_eq!(cr_amount(rate, 49, fy2006, None, Rounding::HalfEven)?, "13424657.53".parse()?);
/// assert_eq!(cr_amount(rate, 49, fy2006, Some("13.42".parse()?), Rounding::HalfEven)?,
///            "13420000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cr_amount(
    annual_rate: Money,
    days_covered: u32,
    fiscal_year: FiscalYear,
    seasonal_limit: Option<Rate>,
    rounding: Rounding,
) -> Result<Money, FiscalError> {
    let days_in_year = fiscal_year.days();
    if days_covered > days_in_year {
        return Err(FiscalError::DaysOutOfRange {
            days: days_covered,
            fiscal_year,
            days_in_year,
        });
    }
    if annual_rate.is_negative() {
        return Err(FiscalError::NegativeRate { rate: annual_rate });
    }
    let days = i128::from(days_covered);
    let year = i128::from(days_in_year);
    if let Some(limit) = seasonal_limit {
        // Compare days/year with percent/100 exactly: days × 100 × 10^s vs mantissa × year.
        let percent = limit.percent();
        let scale = 10i128.checked_pow(percent.scale()).unwrap_or(i128::MAX);
        let share = days.saturating_mul(100).saturating_mul(scale);
        let seasonal = percent.mantissa().saturating_mul(year);
        if seasonal < share {
            return Ok(limit.apply(annual_rate, rounding)?);
        }
    }
    Ok(annual_rate.checked_mul_ratio(days, year, rounding)?)
}

/// serde for dates read from JSON journals: the same text as chrono's `NaiveDate` impls
/// (`"2008-01-02"`), read without chrono's general-purpose format parser when the text is
/// the plain `YYYY-MM-DD` that chrono writes; anything else goes to chrono, so what is
/// accepted and how it is refused do not change.
pub(crate) mod date_serde {
    use std::fmt;

    use chrono::NaiveDate;
    use serde::de::{Deserializer, Error, Visitor};

    /// A plain `YYYY-MM-DD` date, if `text` is one and names a real day.
    pub(super) fn plain(text: &str) -> Option<NaiveDate> {
        let b: &[u8; 10] = text.as_bytes().try_into().ok()?;
        let digit = |i: usize| -> Option<u32> {
            let d = b.get(i)?.wrapping_sub(b'0');
            (d < 10).then_some(u32::from(d))
        };
        if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let mut year = 0u32;
        for i in 0..4 {
            year = year.checked_mul(10)?.checked_add(digit(i)?)?;
        }
        let month = digit(5)?.checked_mul(10)?.checked_add(digit(6)?)?;
        let day = digit(8)?.checked_mul(10)?.checked_add(digit(9)?)?;
        NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }

    /// Exactly `YYYY-MM-DD` naming a real day: no sign, no space, no missing zero.
    fn parse<E: Error>(text: &str) -> Result<NaiveDate, E> {
        plain(text).ok_or_else(|| {
            E::custom(format_args!(
                "date {text:?} is not a real day written YYYY-MM-DD"
            ))
        })
    }

    struct DateVisitor;

    impl Visitor<'_> for DateVisitor {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date written YYYY-MM-DD")
        }
        fn visit_str<E: Error>(self, text: &str) -> Result<NaiveDate, E> {
            parse(text)
        }
    }

    /// A date, exactly `YYYY-MM-DD`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_str(DateVisitor)
    }

    /// An optional date (`null` or a date, exactly `YYYY-MM-DD`).
    pub(crate) fn deserialize_option<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        struct OptionVisitor;
        impl<'de> Visitor<'de> for OptionVisitor {
            type Value = Option<NaiveDate>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date written YYYY-MM-DD, or null")
            }
            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                deserialize(d).map(Some)
            }
        }
        d.deserialize_option(OptionVisitor)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn reads_exactly_yyyy_mm_dd_and_nothing_else() {
            for (text, date) in [
                ("2008-01-02", NaiveDate::from_ymd_opt(2008, 1, 2)),
                ("0001-01-01", NaiveDate::from_ymd_opt(1, 1, 1)),
                ("9999-12-31", NaiveDate::from_ymd_opt(9999, 12, 31)),
                ("2008-02-29", NaiveDate::from_ymd_opt(2008, 2, 29)),
            ] {
                let ours: Wrapper =
                    serde_json::from_value(serde_json::json!({ "d": text })).unwrap();
                assert_eq!(Some(ours.d), date, "{text}");
            }
            for text in [
                "2007-02-29",
                "2008-13-01",
                "2008-00-10",
                "2008-1-2",
                "2008-3-2",
                "+2008-03-02",
                "+12345-01-01",
                "-0001-01-01",
                " 2008-01-02",
                "2008-01-02 ",
                "2008/01/02",
                "20080102",
                "",
                "2008-01-0x",
                "2008-01-02T00:00:00",
            ] {
                let err = serde_json::from_value::<Wrapper>(serde_json::json!({ "d": text }))
                    .unwrap_err()
                    .to_string();
                assert!(
                    err.contains("is not a real day written YYYY-MM-DD"),
                    "{text}: {err}"
                );
                assert!(err.contains(&format!("{text:?}")), "{text}: {err}");
            }
            let none: Maybe = serde_json::from_str("{}").unwrap();
            assert_eq!(none.d, None);
            let null: Maybe = serde_json::from_str(r#"{"d":null}"#).unwrap();
            assert_eq!(null.d, None);
            assert!(serde_json::from_str::<Maybe>(r#"{"d":"2008-3-2"}"#).is_err());
        }

        #[test]
        fn a_date_that_is_not_text_is_refused_naming_the_form_expected() {
            let err = serde_json::from_str::<Wrapper>(r#"{"d":20080102}"#)
                .unwrap_err()
                .to_string();
            assert!(err.contains("expected a date written YYYY-MM-DD"), "{err}");
            let err = deserialize_option(serde::de::value::StrDeserializer::<
                serde::de::value::Error,
            >::new("2008-01-02"))
            .unwrap_err()
            .to_string();
            assert!(
                err.contains("expected a date written YYYY-MM-DD, or null"),
                "{err}"
            );
            let err = serde_json::from_str::<Maybe>(r#"{"d":20080102}"#)
                .unwrap_err()
                .to_string();
            assert!(err.contains("expected a date written YYYY-MM-DD"), "{err}");
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Maybe {
            #[serde(default, deserialize_with = "deserialize_option")]
            d: Option<NaiveDate>,
        }

        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Wrapper {
            #[serde(deserialize_with = "deserialize")]
            d: NaiveDate,
        }
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    #[test]
    fn parse_date_reads_exactly_a_real_day_written_yyyy_mm_dd() {
        assert_eq!(parse_date("2008-03-02"), Ok(day(2008, 3, 2)));
        assert_eq!(parse_date("0001-01-01"), Ok(day(1, 1, 1)));
        assert_eq!(parse_date("2024-02-29"), Ok(day(2024, 2, 29)));
        for bad in [
            "",
            "2008-3-2",
            " 2008-03-02",
            "2008-03-02 ",
            "+2008-03-02",
            "20080302",
            "2008/03/02",
            "2008-02-30",
            "2023-02-29",
            "2008-13-01",
            "2008-00-10",
            "2008-01-00",
            "2008-0a-01",
            "２008-03-02",
            "2008-0:-01",
            "2008/03-02",
            "2008-03/02",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(FiscalError::InvalidDate {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn push_padded_writes_what_format_writes(value in any::<u32>(), width in 0usize..14) {
            let mut out = String::from("<");
            push_padded(&mut out, value, width);
            prop_assert_eq!(out, format!("<{value:0width$}"));
        }

        #[test]
        fn a_period_is_written_as_formatted_and_read_back(
            first in FiscalYear::MIN_YEAR..=FiscalYear::MAX_YEAR,
            span in 0i32..4,
            no_year in any::<bool>(),
        ) {
            let period = if no_year {
                Availability::no_year(fy(first))
            } else {
                let last = (first + span).min(FiscalYear::MAX_YEAR);
                if last == first {
                    Availability::one_year(fy(first))
                } else {
                    Availability::multi_year(fy(first), fy(last)).unwrap()
                }
            };
            let expected = match period.last {
                None => "X".to_owned(),
                Some(last) if last == period.first => format!("{}", last.year()),
                Some(last) => format!("{}/{}", period.first.year(), last.year()),
            };
            prop_assert_eq!(period.to_string(), expected.clone());
            prop_assert_eq!(format!("{period:>12}"), format!("{expected:>12}"));
            let lossless = period.lossless();
            if no_year {
                prop_assert_eq!(&lossless, &format!("X{first}"));
            } else {
                prop_assert_eq!(&lossless, &expected);
            }
            prop_assert_eq!(lossless.parse::<Availability>(), Ok(period));
        }

        #[test]
        fn parse_date_reads_back_what_a_date_writes(days in 0i64..3_000_000) {
            let date = day(1, 1, 1) + chrono::Duration::days(days);
            prop_assume!(date.year() <= 9999);
            prop_assert_eq!(parse_date(&date.format("%Y-%m-%d").to_string()), Ok(date));
        }
    }

    #[test]
    fn a_year_is_at_most_four_digits_with_no_sign() {
        // Each of these would parse as an i32: the guard, not the parse, refuses them.
        for bad in ["02008", "002008", "+999", "+208", "-999", ""] {
            assert_eq!(
                bad.parse::<FiscalYear>(),
                Err(FiscalError::InvalidYear {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
        assert_eq!("2008".parse::<FiscalYear>(), Ok(fy(2008)));
        assert_eq!("Fy2008".parse::<FiscalYear>(), Ok(fy(2008)));
    }

    #[test]
    fn a_period_names_years_of_exactly_four_digits() {
        for bad in [
            "02008",
            "02008/02009",
            "2008/02009",
            "X02008",
            "X+999",
            "20080",
        ] {
            assert_eq!(
                bad.parse::<Availability>(),
                Err(FiscalError::InvalidPeriod {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
        assert_eq!(
            "2008/2009".parse::<Availability>(),
            Availability::multi_year(fy(2008), fy(2009))
        );
    }

    #[test]
    fn statuses_and_availability_read_as_written() {
        let texts: Vec<String> = [
            AccountStatus::NotYetAvailable,
            AccountStatus::Unexpired,
            AccountStatus::Expired,
            AccountStatus::Cancelled,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            texts,
            ["not yet available", "unexpired", "expired", "cancelled"]
        );
        assert_eq!(format!("[{:>9}]", AccountStatus::Expired), "[  expired]");
        let fixed = Availability::multi_year(fy(2008), fy(2009)).unwrap();
        assert_eq!((fixed.first(), fixed.last()), (fy(2008), Some(fy(2009))));
        assert!(!fixed.is_no_year());
        let no_year = Availability::no_year(fy(2008));
        assert_eq!((no_year.first(), no_year.last()), (fy(2008), None));
        assert!(no_year.is_no_year());
    }

    #[test]
    fn every_day_maps_to_exactly_one_fiscal_year() {
        let mut date = day(1989, 10, 1);
        let end = day(2101, 9, 30);
        let mut expected = fy(1990);
        let mut count = 0u32;
        while date <= end {
            let got = FiscalYear::containing(date);
            assert_eq!(got, expected, "{date}");
            assert!(got.contains(date));
            assert!(!got.prev().unwrap().contains(date) && !got.next().unwrap().contains(date));
            count += 1;
            let quarter = FiscalYear::quarter_of(date);
            assert_eq!(
                u32::from(quarter),
                (date.month() + 2) % 12 / 3 + 1,
                "{date}"
            );
            if date == expected.last_day() {
                assert_eq!(quarter, 4);
                assert_eq!(count, expected.days(), "{expected}");
                assert_eq!(FiscalYear::containing(expected.first_day()), expected);
                assert_eq!(FiscalYear::containing(expected.last_day()), expected);
                expected = expected.next().unwrap();
                count = 0;
            }
            date = date.succ_opt().unwrap();
        }
        assert_eq!(expected, fy(2102));
    }

    #[test]
    fn rules_one_and_two() {
        assert_eq!(FiscalYear::containing(day(2007, 10, 1)), fy(2008));
        assert_eq!(FiscalYear::containing(day(2008, 9, 30)), fy(2008));
        assert_eq!(FiscalYear::containing(day(2008, 10, 1)), fy(2009));
        assert_eq!(fy(2008).first_day(), day(2007, 10, 1));
        assert_eq!(fy(2008).last_day(), day(2008, 9, 30));
        assert_eq!(fy(2008).days(), 366);
        assert_eq!(fy(2016).days(), 366);
        assert_eq!(fy(2006).days(), 365);
    }

    #[test]
    fn year_range_and_text() {
        assert!(FiscalYear::new(1799).is_err());
        assert!(FiscalYear::new(10_000).is_err());
        assert_eq!(
            FiscalYear::MAX.next(),
            Err(FiscalError::YearOutOfRange {
                year: 10_000,
                min: 1800,
                max: 9999
            })
        );
        assert!(FiscalYear::MIN.prev().is_err());
        assert_eq!(
            FiscalYear::new(1700).unwrap_err().to_string(),
            "fiscal year 1700 is out of range: expected 1800 through 9999"
        );
        assert_eq!(
            "FY 2008".parse::<FiscalYear>().unwrap_err().to_string(),
            r#""FY 2008" is not a fiscal year: expected "FY2008" or "2008""#
        );
        for text in ["FY2008", "fy2008", "Fy2008", "fY2008", "2008"] {
            assert_eq!(text.parse::<FiscalYear>().unwrap(), fy(2008));
        }
        for bad in [
            "",
            "FY",
            "FY20O8",
            "2008.0",
            " 2008",
            "2008 ",
            "-2008",
            "+2008",
            "FY12345",
            "FYFY2008",
            "F2008",
            "Y2008",
            "FY-2008",
            "FY 2008",
            "1799",
            "FY0000",
            "ＦＹ2008",
        ] {
            assert!(bad.parse::<FiscalYear>().is_err(), "{bad}");
        }
        assert_eq!(fy(2008).to_string(), "FY2008");
        assert_eq!(serde_json::to_string(&fy(2008)).unwrap(), "2008");
        assert_eq!(
            serde_json::from_str::<FiscalYear>("2008").unwrap(),
            fy(2008)
        );
        assert!(serde_json::from_str::<FiscalYear>("1").is_err());
        assert!(serde_json::from_str::<FiscalYear>("\"2008\"").is_err());
        assert_eq!(FiscalYear::containing(NaiveDate::MAX), FiscalYear::MAX);
        assert_eq!(FiscalYear::containing(NaiveDate::MIN), FiscalYear::MIN);
        assert!(!FiscalYear::MAX.contains(NaiveDate::MAX));
    }

    #[test]
    fn one_year_account_boundaries() {
        let a = Availability::one_year(fy(2008));
        use AccountStatus::*;
        for (date, want) in [
            (day(2007, 9, 30), NotYetAvailable),
            (day(2007, 10, 1), Unexpired),
            (day(2008, 9, 30), Unexpired),
            (day(2008, 10, 1), Expired),
            (day(2013, 9, 30), Expired),
            (day(2013, 10, 1), Cancelled),
        ] {
            assert_eq!(a.status_on(date), want, "{date}");
        }
        assert_eq!(a.expires_on(), Some(day(2008, 10, 1)));
        assert_eq!(a.closes_on(), Some(day(2013, 9, 30)));
        assert_eq!(a.cancels_on(), Some(day(2013, 10, 1)));
        assert_eq!(a.to_string(), "2008");
    }

    #[test]
    fn multi_year_account_boundaries() {
        let a = Availability::multi_year(fy(2008), fy(2009)).unwrap();
        use AccountStatus::*;
        for (date, want) in [
            (day(2007, 9, 30), NotYetAvailable),
            (day(2007, 10, 1), Unexpired),
            (day(2009, 9, 30), Unexpired),
            (day(2009, 10, 1), Expired),
            (day(2014, 9, 30), Expired),
            (day(2014, 10, 1), Cancelled),
        ] {
            assert_eq!(a.status_on(date), want, "{date}");
        }
        assert_eq!(a.expires_on(), Some(day(2009, 10, 1)));
        assert_eq!(a.cancels_on(), Some(day(2014, 10, 1)));
        assert_eq!(a.to_string(), "2008/2009");
        assert!(Availability::multi_year(fy(2009), fy(2009)).is_err());
        assert!(Availability::multi_year(fy(2010), fy(2009)).is_err());
    }

    #[test]
    fn no_year_account_never_expires() {
        let a = Availability::no_year(fy(2008));
        assert_eq!(
            a.status_on(day(2007, 9, 30)),
            AccountStatus::NotYetAvailable
        );
        assert_eq!(a.status_on(day(2007, 10, 1)), AccountStatus::Unexpired);
        assert_eq!(a.status_on(day(2100, 1, 1)), AccountStatus::Unexpired);
        assert_eq!(a.expires_on(), None);
        assert_eq!(a.cancels_on(), None);
        assert_eq!(a.to_string(), "X");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"X2008\"");
    }

    #[test]
    fn periods_round_trip() {
        for a in [
            Availability::one_year(fy(2008)),
            Availability::multi_year(fy(2008), fy(2009)).unwrap(),
            Availability::no_year(fy(2008)),
        ] {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(serde_json::from_str::<Availability>(&json).unwrap(), a);
        }
        for bad in [
            "",
            "X",
            "2008/",
            "/2009",
            "2009/2008",
            "08",
            "2008-2009",
            "X20080",
        ] {
            assert!(bad.parse::<Availability>().is_err(), "{bad}");
        }
    }

    #[test]
    fn continuing_resolution_vectors() {
        let rate: Money = "100000000".parse().unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert_eq!(
            cr_amount(rate, 49, fy(2006), None, Rounding::HalfEven).unwrap(),
            m("13424657.53")
        );
        assert_eq!(
            cr_amount(rate, 72, fy(2016), None, Rounding::HalfEven).unwrap(),
            m("19672131.15")
        );
        assert_eq!(
            cr_amount(rate, 51, fy(2005), None, Rounding::HalfEven).unwrap(),
            m("13972602.74")
        );
        let limit = |s: &str| Some(s.parse::<Rate>().unwrap());
        assert_eq!(
            cr_amount(rate, 49, fy(2006), limit("13.42"), Rounding::HalfEven).unwrap(),
            m("13420000")
        );
        // A seasonal limit above the share of the year changes nothing.
        assert_eq!(
            cr_amount(rate, 49, fy(2006), limit("20"), Rounding::HalfEven).unwrap(),
            m("13424657.53")
        );
        assert_eq!(
            cr_amount(rate, 0, fy(2006), None, Rounding::HalfEven).unwrap(),
            Money::ZERO
        );
        assert_eq!(
            cr_amount(rate, 365, fy(2006), None, Rounding::HalfEven).unwrap(),
            rate
        );
        assert!(matches!(
            cr_amount(rate, 366, fy(2006), None, Rounding::HalfEven),
            Err(FiscalError::DaysOutOfRange {
                days: 366,
                days_in_year: 365,
                ..
            })
        ));
        assert!(cr_amount(m("-1"), 1, fy(2006), None, Rounding::HalfEven).is_err());
    }

    #[test]
    fn closing_is_not_clamped_at_the_top_of_the_range() {
        let last = Availability::one_year(FiscalYear::MAX);
        assert_eq!(last.expires_on(), Some(day(9999, 10, 1)));
        assert_eq!(last.closes_on(), Some(day(10_004, 9, 30)));
        assert_eq!(last.cancels_on(), Some(day(10_004, 10, 1)));
        assert_eq!(last.status_on(day(10_004, 9, 30)), AccountStatus::Expired);
        assert_eq!(last.status_on(day(10_004, 10, 1)), AccountStatus::Cancelled);
        assert_eq!(last.status_on(NaiveDate::MAX), AccountStatus::Cancelled);
        let first = Availability::one_year(FiscalYear::MIN);
        assert_eq!(
            first.status_on(NaiveDate::MIN),
            AccountStatus::NotYetAvailable
        );
        assert_eq!(first.status_on(day(1799, 10, 1)), AccountStatus::Unexpired);
    }

    #[test]
    fn status_phases_partition_the_calendar() {
        use AccountStatus::*;
        // For every one- and multi-year period, the four phases meet exactly at the first
        // day, the expiry day and the cancellation day.
        for first in [1990, 2008, 2099] {
            for len in 0..=4 {
                let a = if len == 0 {
                    Availability::one_year(fy(first))
                } else {
                    Availability::multi_year(fy(first), fy(first + len)).unwrap()
                };
                let start = a.first_day();
                let expires = a.expires_on().unwrap();
                let cancels = a.cancels_on().unwrap();
                assert_eq!(a.status_on(start.pred_opt().unwrap()), NotYetAvailable);
                assert_eq!(a.status_on(start), Unexpired);
                assert_eq!(Some(expires.pred_opt().unwrap()), a.last_day());
                assert_eq!(a.status_on(expires.pred_opt().unwrap()), Unexpired);
                assert_eq!(a.status_on(expires), Expired);
                assert_eq!(a.status_on(cancels.pred_opt().unwrap()), Expired);
                assert_eq!(a.status_on(cancels), Cancelled);
                assert_eq!((cancels.month(), cancels.day()), (10, 1));
                assert_eq!(cancels.year() - expires.year(), 5);
            }
        }
    }

    fn any_period() -> impl Strategy<Value = Availability> {
        (1990i32..2090, 0i32..4).prop_map(|(first, len)| match len {
            0 => Availability::one_year(fy(first)),
            3 => Availability::no_year(fy(first)),
            _ => Availability::multi_year(fy(first), fy(first + len)).unwrap(),
        })
    }

    proptest! {
        #[test]
        fn status_never_goes_back(period in any_period(), a in 0u64..45_000, b in 0u64..45_000) {
            let base = day(1989, 1, 1);
            let d1 = base + chrono::Days::new(a.min(b));
            let d2 = base + chrono::Days::new(a.max(b));
            prop_assert!(period.status_on(d1) <= period.status_on(d2));
            if period.is_no_year() {
                prop_assert!(period.status_on(d2) <= AccountStatus::Unexpired);
            }
        }

        #[test]
        fn containing_contains(n in 0u64..3_000_000) {
            let date = day(1799, 10, 1) + chrono::Days::new(n);
            prop_assume!(date <= FiscalYear::MAX.last_day());
            let fiscal_year = FiscalYear::containing(date);
            prop_assert!(fiscal_year.contains(date));
            prop_assert_eq!(Availability::one_year(fiscal_year).status_on(date), AccountStatus::Unexpired);
        }

        #[test]
        fn text_and_serde_round_trip(period in any_period()) {
            let json = serde_json::to_string(&period).unwrap();
            prop_assert_eq!(serde_json::from_str::<Availability>(&json).unwrap(), period);
            let fiscal_year = period.first();
            prop_assert_eq!(fiscal_year.to_string().parse::<FiscalYear>().unwrap(), fiscal_year);
            if !period.is_no_year() {
                prop_assert_eq!(period.to_string().parse::<Availability>().unwrap(), period);
            }
        }
    }
}

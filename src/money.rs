//! Exact US-dollar amounts, percentages and named rounding.
//!
//! # Money
//!
//! [`Money`] is an amount of US dollars held exactly to the cent. It is backed by
//! [`rust_decimal::Decimal`] and its scale is always two: `"12.3"` is `12.30`, and no
//! value with a fraction of a cent can exist. Binary floating point never touches it: there
//! is no `From<f64>`, and a JSON number is rejected when deserializing.
//!
//! Arithmetic is checked and returns a [`MoneyError`] rather than panicking or wrapping:
//! [`Money::checked_add`], [`Money::checked_sub`], [`Money::checked_neg`],
//! [`Money::checked_mul_int`] and [`Money::checked_sum`]. There are deliberately no
//! `Add`/`Sub` operators.
//!
//! # Rounding
//!
//! Every conversion that can lose precision takes a [`Rounding`] that the caller names:
//! [`Money::from_decimal`], [`Money::round_to_dollars`] and [`Rate::apply`].
//!
//! ```
//! use security_assistance::{Money, Rate, Rounding};
//!
//! let line: Money = "10000000".parse()?;
//! let rate: Rate = "3.8".parse()?;
//! assert_eq!(rate.apply(line, Rounding::HalfEven)?.to_string(), "$380,000.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The number of decimal places a [`Money`] always has.
const CENT_SCALE: u32 = 2;

/// How to round a value that falls between two representable amounts.
///
/// Each strategy is shown rounding to whole cents; the same rules apply when rounding to
/// whole dollars with [`Money::round_to_dollars`].
///
/// | value | `HalfEven` | `HalfAwayFromZero` | `TowardZero` | `AwayFromZero` |
/// |---|---|---|---|---|
/// | 2.345 | 2.34 | 2.35 | 2.34 | 2.35 |
/// | 2.355 | 2.36 | 2.36 | 2.35 | 2.36 |
/// | 2.341 | 2.34 | 2.34 | 2.34 | 2.35 |
/// | -2.345 | -2.34 | -2.35 | -2.34 | -2.35 |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rounding {
    /// Round to the nearest; an exact half goes to the even neighbour ("banker's rounding").
    /// `2.345 → 2.34`, `2.355 → 2.36`; in whole dollars `$2.50 → $2`, `$3.50 → $4`. This is
    /// the rule of OMB Circular A-11 §130 for SF-133 amounts.
    HalfEven,
    /// Round to the nearest; an exact half goes away from zero. `2.345 → 2.35`,
    /// `-2.345 → -2.35`.
    HalfAwayFromZero,
    /// Drop the excess digits (truncate). `2.349 → 2.34`, `-2.349 → -2.34`.
    TowardZero,
    /// Any excess goes to the next amount away from zero. `2.341 → 2.35`, `-2.341 → -2.35`.
    AwayFromZero,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::TowardZero => RoundingStrategy::ToZero,
            Rounding::AwayFromZero => RoundingStrategy::AwayFromZero,
        }
    }

    /// Divides `numerator` by `denominator` (which must be positive) and rounds the
    /// quotient to an integer with this strategy, exactly.
    fn div_round(self, numerator: i128, denominator: i128) -> Option<i128> {
        if denominator <= 0 {
            return None;
        }
        let quotient = numerator.checked_div(denominator)?; // truncates toward zero
        let remainder = numerator.checked_rem(denominator)?;
        if remainder == 0 {
            return Some(quotient);
        }
        let away = if numerator < 0 { -1 } else { 1 };
        // Compare twice the remainder's size with the denominator to find the midpoint.
        let twice = remainder.checked_abs()?.checked_mul(2)?;
        let go_away = match self {
            Rounding::TowardZero => false,
            Rounding::AwayFromZero => true,
            Rounding::HalfAwayFromZero => twice >= denominator,
            Rounding::HalfEven => {
                twice > denominator || (twice == denominator && quotient.checked_rem(2)? != 0)
            }
        };
        if go_away {
            quotient.checked_add(away)
        } else {
            Some(quotient)
        }
    }
}

/// An arithmetic operation on [`Money`] or [`Rate`], named in [`MoneyError::Overflow`].
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MoneyOperation {
    /// [`Money::checked_add`] or [`Money::checked_sum`].
    Add,
    /// [`Money::checked_sub`].
    Subtract,
    /// [`Money::checked_neg`].
    Negate,
    /// [`Money::checked_mul_int`] or [`Rate::apply`].
    Multiply,
    /// A conversion from a [`Decimal`] or an integer count of cents.
    Convert,
}

impl fmt::Display for MoneyOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyOperation::Add => "addition",
            MoneyOperation::Subtract => "subtraction",
            MoneyOperation::Negate => "negation",
            MoneyOperation::Multiply => "multiplication",
            MoneyOperation::Convert => "conversion",
        })
    }
}

/// What went wrong when parsing or computing a [`Money`] or a [`Rate`].
///
/// Parsing errors carry the input that was refused and say what is accepted; arithmetic
/// errors name the operation. A failed operation never produces a partial value.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "MoneyError", transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum MoneyError {
    /// The input was empty.
    #[error("empty amount: expected digits such as \"1234.56\" or \"-5\"")]
    Empty,
    /// The input had more than two digits after the decimal point.
    #[error("amount {input:?} has {decimals} decimal places: at most 2 (whole cents) are allowed")]
    TooManyDecimals {
        /// The refused input.
        input: String,
        /// How many digits followed the decimal point.
        decimals: usize,
    },
    /// The input contained a thousands separator such as `,` or `_`.
    #[error(
        "amount {input:?} contains a thousands separator: write digits only, such as \"1234567.89\""
    )]
    ThousandsSeparator {
        /// The refused input.
        input: String,
    },
    /// The input used exponent notation such as `1e6`.
    #[error("amount {input:?} uses an exponent: write every digit, such as \"1000000\"")]
    Exponent {
        /// The refused input.
        input: String,
    },
    /// The input was not of the form `-?digits(.d{1,2})?`.
    #[error(
        "amount {input:?} is malformed at byte {position}: expected an optional '-', digits, and an optional '.' with one or two digits"
    )]
    Malformed {
        /// The refused input.
        input: String,
        /// Byte offset of the first character that does not fit.
        position: usize,
    },
    /// A percentage rate was negative or malformed.
    #[error(
        "rate {input:?} is not a valid percentage: expected a non-negative decimal such as \"3.8\""
    )]
    InvalidRate {
        /// The refused input.
        input: String,
    },
    /// The result does not fit in the range of [`Money`].
    #[error("{operation} overflows the range of money")]
    Overflow {
        /// The operation that overflowed.
        operation: MoneyOperation,
    },
}

crate::wire::wire_error!(MoneyError);

#[cold]
/// Splits `total` across `weights` in proportion, exactly: each share is rounded down to
/// the cent and the cents left over go one each to the largest remainders (ties: the
/// earlier weight), so the shares add up to `total` to the cent. A negative total is split
/// as its magnitude and negated. All weights zero (or none): everything goes to the first,
/// or `total` must be zero.
pub(crate) fn pro_rata(total: Money, weights: &[Money]) -> Result<Vec<Money>, MoneyError> {
    let convert = || overflow(MoneyOperation::Convert);
    let whole = i128::from(total.to_cents()?);
    let magnitude = whole.checked_abs().ok_or_else(convert)?;
    let mut cents = Vec::with_capacity(weights.len());
    for w in weights {
        cents.push(i128::from(w.to_cents()?).max(0));
    }
    let sum = cents
        .iter()
        .try_fold(0_i128, |a, c| a.checked_add(*c))
        .ok_or_else(convert)?;
    let mut shares: Vec<i128> = vec![0; cents.len()];
    if sum == 0 {
        match shares.first_mut() {
            Some(first) => *first = magnitude,
            None if magnitude == 0 => {}
            None => return Err(convert()),
        }
    } else {
        let mut remainders = Vec::with_capacity(cents.len());
        let mut given: i128 = 0;
        for (i, (c, share)) in cents.iter().zip(shares.iter_mut()).enumerate() {
            let exact = magnitude.checked_mul(*c).ok_or_else(convert)?;
            *share = exact.checked_div(sum).ok_or_else(convert)?;
            remainders.push((exact.checked_rem(sum).ok_or_else(convert)?, i));
            given = given.checked_add(*share).ok_or_else(convert)?;
        }
        remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let left = magnitude.checked_sub(given).ok_or_else(convert)?;
        for (_, i) in remainders
            .into_iter()
            .take(usize::try_from(left).map_err(|_| convert())?)
        {
            if let Some(share) = shares.get_mut(i) {
                *share = share.checked_add(1).ok_or_else(convert)?;
            }
        }
    }
    shares
        .into_iter()
        .map(|c| {
            let signed = if whole < 0 { c.checked_neg() } else { Some(c) };
            signed
                .and_then(|c| i64::try_from(c).ok())
                .map(Money::from_cents)
                .ok_or_else(convert)
        })
        .collect()
}

fn overflow(operation: MoneyOperation) -> MoneyError {
    MoneyError::Overflow { operation }
}

/// An exact amount of US dollars, always held to the cent.
///
/// # Construction
///
/// - [`Money::ZERO`] and [`Money::from_cents`] for integer cents;
/// - [`FromStr`] for text: `"1234.56"`, `"-5"` and `"12.3"` (which is `12.30`) are accepted;
///   more than two decimals, thousands separators, exponents and empty input are refused;
/// - [`Money::from_decimal`] for a computed [`Decimal`], rounded to the cent by a named
///   [`Rounding`].
///
/// # Invariants
///
/// The value always has exactly two decimal places, so two equal amounts have equal text,
/// equal serde output and equal hashes.
///
/// # Arithmetic
///
/// Only checked methods returning `Result<Money, MoneyError>`; there are no operators.
///
/// # Serialization
///
/// serde writes the canonical string `"1234567.89"` and reads only strings, through the same
/// parser as [`FromStr`]. A JSON number such as `1234.5` is refused, so a float can never
/// slip into an amount. [`fmt::Display`] is for people: `$1,234,567.89`, `-$5.00`.
///
/// # Example
///
/// ```
/// use security_assistance::Money;
///
/// let a: Money = "1234567.8".parse()?;
/// let b = Money::from_cents(11);
/// let total = a.checked_add(b)?;
/// assert_eq!(total.to_string(), "$1,234,567.91");
/// assert!("1,234.00".parse::<Money>().is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money(Decimal);

impl Ord for Money {
    /// By value. Amounts are held at scale two, so comparing the integer mantissas is exact
    /// and cheaper than [`Decimal`]'s comparison, which aligns scales first; two amounts of
    /// different scales (which no constructor makes) still compare by value, never wrongly.
    fn cmp(&self, other: &Money) -> std::cmp::Ordering {
        if self.0.scale() == other.0.scale() {
            self.0.mantissa().cmp(&other.0.mantissa())
        } else {
            self.0.cmp(&other.0)
        }
    }
}

impl PartialOrd for Money {
    fn partial_cmp(&self, other: &Money) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Default for Money {
    /// [`Money::ZERO`], held at two decimals like every other amount.
    fn default() -> Money {
        Money::ZERO
    }
}

impl Money {
    /// Zero dollars.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, CENT_SCALE));

    /// An amount from a whole number of cents. Every `i64` is representable.
    ///
    /// ```
    /// use security_assistance::Money;
    /// assert_eq!(Money::from_cents(-500).to_string(), "-$5.00");
    /// ```
    #[must_use]
    pub const fn from_cents(cents: i64) -> Money {
        let magnitude = cents.unsigned_abs();
        // OK because a u64 splits exactly into the two low 32-bit words of the mantissa.
        let lo = (magnitude & 0xFFFF_FFFF) as u32;
        let mid = (magnitude >> 32) as u32;
        Money(Decimal::from_parts(lo, mid, 0, cents < 0, CENT_SCALE))
    }

    /// An amount from a [`Decimal`], rounded to the cent with `rounding`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the decimal cannot be held at a scale of two (its
    /// magnitude is above about 7.9 × 10²⁶ dollars).
    ///
    /// ```
    /// use rust_decimal::Decimal;
    /// use security_assistance::{Money, Rounding};
    ///
    /// let d: Decimal = "2.345".parse()?;
    /// assert_eq!(Money::from_decimal(d, Rounding::HalfEven)?.to_string(), "$2.34");
    /// assert_eq!(Money::from_decimal(d, Rounding::HalfAwayFromZero)?.to_string(), "$2.35");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_decimal(value: Decimal, rounding: Rounding) -> Result<Money, MoneyError> {
        let rounded = value.round_dp_with_strategy(CENT_SCALE, rounding.strategy());
        Money::from_exact(rounded).ok_or_else(|| overflow(MoneyOperation::Convert))
    }

    /// Holds `value` at scale two, if it has at most two decimals and fits.
    fn from_exact(mut value: Decimal) -> Option<Money> {
        // The common case: sums and differences of amounts keep scale two unless they
        // overflow (when rust_decimal lowers the scale, and the check below refuses it).
        if value.scale() == CENT_SCALE {
            return Some(Money(value));
        }
        if value.scale() > CENT_SCALE {
            return None;
        }
        let before = value;
        value.rescale(CENT_SCALE);
        // `rescale` silently rounds when the mantissa would overflow; refuse that case.
        (value == before && value.scale() == CENT_SCALE).then_some(Money(value))
    }

    /// The amount as a [`Decimal`] with exactly two decimal places.
    #[must_use]
    pub const fn to_decimal(self) -> Decimal {
        self.0
    }

    /// The amount as a whole number of cents.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the amount is beyond ±92,233,720,368,547,758.07 dollars.
    pub fn to_cents(self) -> Result<i64, MoneyError> {
        i64::try_from(self.0.mantissa()).map_err(|_| overflow(MoneyOperation::Convert))
    }

    /// `true` when the amount is zero.
    #[must_use]
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// `true` when the amount is below zero.
    #[must_use]
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// `true` when the amount is above zero.
    #[must_use]
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the sum is out of range.
    ///
    /// ```
    /// use security_assistance::Money;
    /// let sum = Money::from_cents(150).checked_add(Money::from_cents(-200))?;
    /// assert_eq!(sum, Money::from_cents(-50));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_add(other.0)
            .and_then(Money::from_exact)
            .ok_or_else(|| overflow(MoneyOperation::Add))
    }

    /// `self - other`.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the difference is out of range.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.0
            .checked_sub(other.0)
            .and_then(Money::from_exact)
            .ok_or_else(|| overflow(MoneyOperation::Subtract))
    }

    /// `-self`.
    ///
    /// # Errors
    ///
    /// Never in practice (the range is symmetric); the `Result` keeps the arithmetic family
    /// uniform.
    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        Decimal::ZERO
            .checked_sub(self.0)
            .and_then(Money::from_exact)
            .ok_or_else(|| overflow(MoneyOperation::Negate))
    }

    /// `self × factor`, exact.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the product is out of range.
    ///
    /// ```
    /// use security_assistance::Money;
    /// let per_day: Money = "11".parse()?;
    /// assert_eq!(per_day.checked_mul_int(28)?.to_string(), "$308.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_mul_int(self, factor: i64) -> Result<Money, MoneyError> {
        self.0
            .checked_mul(Decimal::from(factor))
            .and_then(Money::from_exact)
            .ok_or_else(|| overflow(MoneyOperation::Multiply))
    }

    /// The exact sum of `amounts`; an empty iterator sums to [`Money::ZERO`].
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] if the total is out of range. The sum is exact in cents, so
    /// its order does not matter: a partial sum beyond the range is not an error when the
    /// total is within it.
    ///
    /// ```
    /// use security_assistance::Money;
    /// let parts = ["0.10", "0.20", "0.30"].map(|s| s.parse::<Money>());
    /// let total = Money::checked_sum(parts.into_iter().collect::<Result<Vec<_>, _>>()?)?;
    /// assert_eq!(total, Money::from_cents(60));
    /// let largest: Money = "792281625142643375935439503.35".parse()?;
    /// let back = Money::checked_sum([largest, Money::from_cents(100), Money::from_cents(-300)])?;
    /// assert_eq!(back, largest.checked_sub(Money::from_cents(200))?);
    /// assert!(Money::checked_sum([largest, Money::from_cents(1)]).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn checked_sum<I>(amounts: I) -> Result<Money, MoneyError>
    where
        I: IntoIterator<Item = Money>,
    {
        // Exact in integer cents, whatever the order: a sum fails only when the total is
        // out of range, never because a partial sum was (issue 17 item 7).
        let err = || overflow(MoneyOperation::Add);
        let cents = amounts.into_iter().try_fold(0i128, |total, amount| {
            total.checked_add(amount.0.mantissa()).ok_or_else(err)
        })?;
        Decimal::try_from_i128_with_scale(cents, CENT_SCALE)
            .ok()
            .and_then(Money::from_exact)
            .ok_or_else(err)
    }

    /// `self × numerator ÷ denominator`, rounded to the cent with `rounding`, computed
    /// exactly in integer cents.
    pub(crate) fn checked_mul_ratio(
        self,
        numerator: i128,
        denominator: i128,
        rounding: Rounding,
    ) -> Result<Money, MoneyError> {
        let err = || overflow(MoneyOperation::Multiply);
        let cents = self.0.mantissa().checked_mul(numerator).ok_or_else(err)?;
        let rounded = rounding.div_round(cents, denominator).ok_or_else(err)?;
        Decimal::try_from_i128_with_scale(rounded, CENT_SCALE)
            .ok()
            .and_then(Money::from_exact)
            .ok_or_else(err)
    }

    /// The amount rounded to whole dollars (the cents become `.00`), as whole-dollar reports
    /// such as the SF-133 require.
    ///
    /// ```
    /// use security_assistance::{Money, Rounding};
    /// let half: Money = "2.50".parse()?;
    /// assert_eq!(half.round_to_dollars(Rounding::HalfEven)?, "2".parse()?);
    /// let half: Money = "3.50".parse()?;
    /// assert_eq!(half.round_to_dollars(Rounding::HalfEven)?, "4".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the whole dollars, held to the cent, leave the range of
    /// money (rounding the largest amounts away from zero).
    pub fn round_to_dollars(self, rounding: Rounding) -> Result<Money, MoneyError> {
        let mut rounded = self.0.round_dp_with_strategy(0, rounding.strategy());
        rounded.rescale(CENT_SCALE);
        // `rescale` keeps the value when the mantissa has no room for the cents: then the
        // scale stays short of two places, and the amount is out of range.
        if rounded.scale() != CENT_SCALE {
            return Err(overflow(MoneyOperation::Convert));
        }
        Ok(Money(rounded))
    }

    /// Parses without allocating on success; `input` is only copied into an error.
    fn parse(input: &str) -> Result<Money, MoneyError> {
        let bytes = input.as_bytes();
        if bytes.is_empty() {
            return Err(MoneyError::Empty);
        }
        let owned = || input.to_owned();
        let (negative, digits) = match bytes.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, bytes),
        };
        let sign_len = usize::from(negative);
        let mut mantissa: i128 = 0;
        let mut decimals: Option<usize> = None;
        let mut int_digits = 0usize;
        for (offset, &byte) in digits.iter().enumerate() {
            let position = offset.saturating_add(sign_len);
            match byte {
                b'0'..=b'9' => {
                    match decimals.as_mut() {
                        Some(count) => *count = count.saturating_add(1),
                        None => int_digits = int_digits.saturating_add(1),
                    }
                    mantissa = mantissa
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(i128::from(byte.wrapping_sub(b'0'))))
                        .ok_or_else(|| overflow(MoneyOperation::Convert))?;
                }
                b'.' if decimals.is_none() && int_digits > 0 => decimals = Some(0),
                // A separator stands between digits: "1,000" and "1 000", never "5 " or "5 USD".
                b',' | b'_' | b'\'' | b' '
                    if int_digits > 0
                        && decimals.is_none()
                        && offset
                            .checked_add(1)
                            .and_then(|next| digits.get(next))
                            .is_some_and(u8::is_ascii_digit) =>
                {
                    return Err(MoneyError::ThousandsSeparator { input: owned() });
                }
                b'e' | b'E' if int_digits > 0 => {
                    return Err(MoneyError::Exponent { input: owned() });
                }
                _ => {
                    return Err(MoneyError::Malformed {
                        input: owned(),
                        position,
                    });
                }
            }
        }
        let decimals = Money::decimals(input, decimals)?;
        if int_digits == 0 {
            return Err(MoneyError::Malformed {
                input: owned(),
                position: sign_len,
            });
        }
        Money::from_mantissa(mantissa, decimals, negative)
    }

    /// How many decimals a parsed amount has (`None`: no point), refusing a point with no
    /// digit after it and more than two.
    #[inline]
    fn decimals(input: &str, decimals: Option<usize>) -> Result<usize, MoneyError> {
        match decimals {
            None => Ok(0),
            Some(0) => Err(MoneyError::Malformed {
                input: input.to_owned(),
                position: input.len(),
            }),
            Some(n) if n > 2 => Err(MoneyError::TooManyDecimals {
                input: input.to_owned(),
                decimals: n,
            }),
            Some(n) => Ok(n),
        }
    }

    /// The amount whose digits are `mantissa` with `decimals` places, negated if
    /// `negative`.
    #[inline]
    fn from_mantissa(
        mut mantissa: i128,
        decimals: usize,
        negative: bool,
    ) -> Result<Money, MoneyError> {
        // Scale the mantissa up to exactly two decimals.
        for _ in decimals..2 {
            mantissa = mantissa
                .checked_mul(10)
                .ok_or_else(|| overflow(MoneyOperation::Convert))?;
        }
        if negative {
            mantissa = mantissa
                .checked_neg()
                .ok_or_else(|| overflow(MoneyOperation::Convert))?;
        }
        Decimal::try_from_i128_with_scale(mantissa, CENT_SCALE)
            .map(Money)
            .map_err(|_| overflow(MoneyOperation::Convert))
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Parses `-?digits(.d{1,2})?`: `"1234.56"`, `"-5"`, `"12.3"`.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        Money::parse(s)
    }
}

impl fmt::Display for Money {
    /// `$1,234,567.89`; negatives `-$5.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.abs().to_string();
        let (whole, cents) = text.split_once('.').unwrap_or((text.as_str(), "00"));
        let mut grouped = String::with_capacity(whole.len().saturating_add(whole.len() / 3));
        for (i, ch) in whole.chars().enumerate() {
            let remaining = whole.len().saturating_sub(i);
            if i > 0 && remaining % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.is_negative() { "-" } else { "" };
        f.pad(&format!("{sign}${grouped}.{cents}"))
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({})", self.0)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The Decimal is always at scale 2, so its text is the canonical "1234567.89".
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of money as a string such as \"1234.56\" (never a number)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

/// An exact percentage, such as the 3.8 % administrative surcharge.
///
/// `"3.8".parse::<Rate>()` is 3.8 percent, not 380 percent. A rate is never negative. serde
/// writes and reads the string `"3.8"`.
///
/// ```
/// use security_assistance::{Money, Rate, Rounding};
/// let rate: Rate = "13.42".parse()?;
/// let annual: Money = "100000000".parse()?;
/// assert_eq!(rate.apply(annual, Rounding::HalfEven)?, "13420000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rate(Decimal);

impl Rate {
    /// A rate of zero percent.
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// A rate from a percentage (`3.8` means 3.8 %).
    ///
    /// # Errors
    ///
    /// [`MoneyError::InvalidRate`] when `percent` is negative.
    pub fn from_percent(percent: Decimal) -> Result<Rate, MoneyError> {
        if percent.is_sign_negative() && !percent.is_zero() {
            return Err(MoneyError::InvalidRate {
                input: percent.to_string(),
            });
        }
        Ok(Rate(percent.normalize()))
    }

    /// The rate as a percentage (`3.8` for 3.8 %).
    #[must_use]
    pub fn percent(self) -> Decimal {
        self.0
    }

    /// `amount × rate ÷ 100`, rounded to the cent with `rounding`, computed exactly.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] when the result is out of range.
    ///
    /// ```
    /// use security_assistance::{Money, Rate, Rounding};
    /// let rate: Rate = "3.2".parse()?;
    /// assert_eq!(rate.apply(Money::from_cents(1_000_000_000), Rounding::HalfEven)?,
    ///            Money::from_cents(32_000_000));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(self, amount: Money, rounding: Rounding) -> Result<Money, MoneyError> {
        // percent = m / 10^s, so amount × percent / 100 = amount × m / (100 × 10^s).
        let scale = self.0.scale();
        let denominator = 10i128
            .checked_pow(scale)
            .and_then(|p| p.checked_mul(100))
            .ok_or_else(|| overflow(MoneyOperation::Multiply))?;
        amount.checked_mul_ratio(self.0.mantissa(), denominator, rounding)
    }
}

impl FromStr for Rate {
    type Err = MoneyError;

    /// Parses a non-negative decimal percentage such as `"3.8"` or `"0.81"`; exponents,
    /// signs other than none, and empty input are refused.
    fn from_str(s: &str) -> Result<Rate, MoneyError> {
        let invalid = || MoneyError::InvalidRate {
            input: s.to_owned(),
        };
        let well_formed = !s.is_empty()
            && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
            && s.bytes().filter(|&b| b == b'.').count() <= 1
            && !s.starts_with('.')
            && !s.ends_with('.');
        if !well_formed {
            return Err(invalid());
        }
        let value = Decimal::from_str_exact(s).map_err(|_| invalid())?;
        Rate::from_percent(value)
    }
}

impl fmt::Display for Rate {
    /// The percentage without a sign: `3.8`. Use `{}%` to add one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rate({}%)", self.0)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ordering_is_by_value_even_across_scales() {
        // No constructor makes another scale; if one ever did, the order stays right.
        let one_and_a_half = Money(Decimal::new(15, 1));
        assert!(one_and_a_half > Money::from_cents(149));
        assert!(one_and_a_half < Money::from_cents(151));
        assert_eq!(
            one_and_a_half.cmp(&Money::from_cents(150)),
            std::cmp::Ordering::Equal
        );
        assert!(Money::from_cents(-1) < Money::ZERO);
        assert!(Money::from_cents(200) > Money::from_cents(199));
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    #[test]
    fn parses_the_accepted_forms() {
        assert_eq!(m("1234.56"), Money::from_cents(123_456));
        assert_eq!(m("-5"), Money::from_cents(-500));
        assert_eq!(m("12.3"), Money::from_cents(1230));
        assert_eq!(m("0"), Money::ZERO);
        assert_eq!(m("-0"), Money::ZERO);
        assert_eq!(m("007.5"), Money::from_cents(750));
        assert_eq!(m("12.3").to_decimal().to_string(), "12.30");
        assert_eq!(Money::default().to_decimal().to_string(), "0.00");
    }

    #[test]
    fn refuses_what_it_must_with_the_reason() {
        assert_eq!("".parse::<Money>(), Err(MoneyError::Empty));
        assert!(matches!(
            "1.234".parse::<Money>(),
            Err(MoneyError::TooManyDecimals { decimals: 3, .. })
        ));
        assert!(matches!(
            "1,234.00".parse::<Money>(),
            Err(MoneyError::ThousandsSeparator { .. })
        ));
        assert!(matches!(
            "1_000".parse::<Money>(),
            Err(MoneyError::ThousandsSeparator { .. })
        ));
        assert!(matches!(
            "1e6".parse::<Money>(),
            Err(MoneyError::Exponent { .. })
        ));
        assert!(matches!(
            "1E6".parse::<Money>(),
            Err(MoneyError::Exponent { .. })
        ));
        for bad in [
            "-", ".5", "5.", "+5", " 5", "5 ", "$5", "1.2.3", "--5", "abc", "NaN",
        ] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} must be refused");
        }
        let e = "1.234".parse::<Money>().unwrap_err().to_string();
        assert!(e.contains("at most 2"), "{e}");
    }

    /// Every refusal of `Money::parse` with its exact error, so each guard is pinned: the
    /// kind of error, the position of a malformed byte and the decimals counted.
    #[test]
    fn each_parse_guard_gives_its_own_error() {
        fn malformed(input: &str, position: usize) -> Result<Money, MoneyError> {
            Err(MoneyError::Malformed {
                input: input.to_owned(),
                position,
            })
        }
        let cases: Vec<(&str, Result<Money, MoneyError>)> = vec![
            ("-", malformed("-", 1)),
            ("--5", malformed("--5", 1)),
            ("+5", malformed("+5", 0)),
            (".5", malformed(".5", 0)),
            ("-.5", malformed("-.5", 1)),
            ("5.", malformed("5.", 2)),
            ("-5.", malformed("-5.", 3)),
            ("1.2.3", malformed("1.2.3", 3)),
            ("5 ", malformed("5 ", 1)),
            ("5,", malformed("5,", 1)),
            ("5 USD", malformed("5 USD", 1)),
            (",000", malformed(",000", 0)),
            ("-,5", malformed("-,5", 1)),
            ("1.5,00", malformed("1.5,00", 3)),
            ("1,x", malformed("1,x", 1)),
            ("e5", malformed("e5", 0)),
            ("-E5", malformed("-E5", 1)),
            ("5x", malformed("5x", 1)),
            (
                "1.2e3",
                Err(MoneyError::Exponent {
                    input: "1.2e3".to_owned(),
                }),
            ),
            (
                "1,000",
                Err(MoneyError::ThousandsSeparator {
                    input: "1,000".to_owned(),
                }),
            ),
            (
                "-1 000",
                Err(MoneyError::ThousandsSeparator {
                    input: "-1 000".to_owned(),
                }),
            ),
            (
                "1'000",
                Err(MoneyError::ThousandsSeparator {
                    input: "1'000".to_owned(),
                }),
            ),
            (
                "1e5",
                Err(MoneyError::Exponent {
                    input: "1e5".to_owned(),
                }),
            ),
            (
                "5.123",
                Err(MoneyError::TooManyDecimals {
                    input: "5.123".to_owned(),
                    decimals: 3,
                }),
            ),
            ("5.12", Ok(Money::from_cents(512))),
            ("5.1", Ok(Money::from_cents(510))),
            ("-5.1", Ok(Money::from_cents(-510))),
            ("5", Ok(Money::from_cents(500))),
            ("90", Ok(Money::from_cents(9000))),
            ("-0.01", Ok(Money::from_cents(-1))),
        ];
        for (input, expected) in cases {
            assert_eq!(Money::parse(input), expected, "{input:?}");
            assert_eq!(input.parse::<Money>(), expected, "{input:?} via FromStr");
        }
        // More digits than the mantissa holds.
        let huge = "9".repeat(40);
        assert!(matches!(
            Money::parse(&huge),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn rates_parse_exactly_or_say_why_not() {
        let rate = |s: &str| s.parse::<Rate>();
        assert_eq!(rate("3.8").map(|r| r.to_string()), Ok("3.8".to_owned()));
        assert_eq!(rate("0.81").map(|r| r.to_string()), Ok("0.81".to_owned()));
        assert_eq!(rate("12").map(|r| r.to_string()), Ok("12".to_owned()));
        for bad in [
            "", ".5", "5.", "1.2.3", "-1", "+1", "1e2", "abc", " 1", "1 ", "1..2",
        ] {
            assert_eq!(
                rate(bad),
                Err(MoneyError::InvalidRate {
                    input: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn displays_for_people() {
        assert_eq!(m("1234567.89").to_string(), "$1,234,567.89");
        assert_eq!(m("-5").to_string(), "-$5.00");
        assert_eq!(m("0").to_string(), "$0.00");
        assert_eq!(m("999").to_string(), "$999.00");
        assert_eq!(m("1000").to_string(), "$1,000.00");
        assert_eq!(m("-0.01").to_string(), "-$0.01");
        assert_eq!(m("100000000").to_string(), "$100,000,000.00");
    }

    #[test]
    fn serde_is_the_canonical_string_and_refuses_numbers() {
        let json = serde_json::to_string(&m("1234567.8")).unwrap();
        assert_eq!(json, "\"1234567.80\"");
        assert_eq!(serde_json::from_str::<Money>("\"-5\"").unwrap(), m("-5"));
        assert!(serde_json::from_str::<Money>("1234.5").is_err());
        assert!(serde_json::from_str::<Money>("12").is_err());
        assert!(serde_json::from_str::<Money>("\"1.005\"").is_err());
    }

    #[test]
    fn rounding_strategies_match_their_docs() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let cases = [
            ("2.345", ["2.34", "2.35", "2.34", "2.35"]),
            ("2.355", ["2.36", "2.36", "2.35", "2.36"]),
            ("2.341", ["2.34", "2.34", "2.34", "2.35"]),
            ("-2.345", ["-2.34", "-2.35", "-2.34", "-2.35"]),
        ];
        let strategies = [
            Rounding::HalfEven,
            Rounding::HalfAwayFromZero,
            Rounding::TowardZero,
            Rounding::AwayFromZero,
        ];
        for (input, expected) in cases {
            for (strategy, want) in strategies.iter().zip(expected) {
                assert_eq!(Money::from_decimal(d(input), *strategy).unwrap(), m(want));
            }
        }
        assert_eq!(
            m("2.50").round_to_dollars(Rounding::HalfEven).unwrap(),
            m("2")
        );
        assert_eq!(
            m("3.50").round_to_dollars(Rounding::HalfEven).unwrap(),
            m("4")
        );
        assert_eq!(
            m("-2.50").round_to_dollars(Rounding::HalfEven).unwrap(),
            m("-2")
        );
        assert_eq!(
            m("2.50")
                .round_to_dollars(Rounding::HalfAwayFromZero)
                .unwrap(),
            m("3")
        );
        assert_eq!(
            m("2.99").round_to_dollars(Rounding::TowardZero).unwrap(),
            m("2")
        );
        assert_eq!(
            m("2.01").round_to_dollars(Rounding::AwayFromZero).unwrap(),
            m("3")
        );
        // Issue 17 item 8: the largest amount rounded away from zero does not fit.
        // 792281625142643375935439503.35: all 96 bits of the mantissa, held to the cent.
        let largest: Money = "792281625142643375935439503.35".parse().unwrap();
        for big in [largest, largest.checked_neg().unwrap()] {
            assert_eq!(
                big.round_to_dollars(Rounding::AwayFromZero),
                Err(MoneyError::Overflow {
                    operation: MoneyOperation::Convert
                })
            );
            let down = big.round_to_dollars(Rounding::TowardZero).unwrap();
            assert_eq!(down.is_negative(), big.is_negative());
            assert!(if big.is_negative() {
                down >= big
            } else {
                down <= big
            });
            let json = serde_json::to_string(&down).unwrap();
            assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), down);
        }
    }

    #[test]
    fn integer_division_rounding_agrees_with_decimal_rounding() {
        let strategies = [
            Rounding::HalfEven,
            Rounding::HalfAwayFromZero,
            Rounding::TowardZero,
            Rounding::AwayFromZero,
        ];
        for n in -50i128..=50 {
            for den in 1i128..=8 {
                for s in strategies {
                    let exact = Decimal::from_i128_with_scale(n, 0) / Decimal::from(den as i64);
                    let want = exact.round_dp_with_strategy(0, s.strategy());
                    assert_eq!(
                        Decimal::from(s.div_round(n, den).unwrap() as i64),
                        want,
                        "{n}/{den} {s:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn rates_apply_exactly() {
        let ten_million = m("10000000");
        for (rate, want) in [
            ("3.0", "300000"),
            ("2.5", "250000"),
            ("3.8", "380000"),
            ("3.5", "350000"),
            ("3.2", "320000"),
        ] {
            let r: Rate = rate.parse().unwrap();
            assert_eq!(r.apply(ten_million, Rounding::HalfEven).unwrap(), m(want));
        }
        let r: Rate = "0.81".parse().unwrap();
        assert_eq!(
            r.apply(m("2400000000"), Rounding::HalfEven).unwrap(),
            m("19440000")
        );
        assert!("-1".parse::<Rate>().is_err());
        assert!("1e2".parse::<Rate>().is_err());
        assert!("".parse::<Rate>().is_err());
        assert_eq!(
            serde_json::to_string(&"3.8".parse::<Rate>().unwrap()).unwrap(),
            "\"3.8\""
        );
        assert_eq!(
            serde_json::from_str::<Rate>("\"3.80\"").unwrap(),
            "3.8".parse().unwrap()
        );
        assert!(serde_json::from_str::<Rate>("3.8").is_err());
    }

    // The three tests below were written for mutants that `cargo mutants` found missed
    // (docs/mutation.md): each pins one guard.

    #[test]
    fn pro_rata_over_no_weights_gives_nothing_or_an_error() {
        // Nothing to share among no one is no shares; something is an error (it would be
        // lost), whatever its sign.
        assert_eq!(pro_rata(Money::ZERO, &[]), Ok(Vec::new()));
        for total in [Money::from_cents(1), Money::from_cents(-1)] {
            assert_eq!(
                pro_rata(total, &[]),
                Err(overflow(MoneyOperation::Convert)),
                "{total}"
            );
        }
        // All-zero weights give the whole to the first.
        assert_eq!(
            pro_rata(Money::from_cents(5), &[Money::ZERO, Money::ZERO]),
            Ok(vec![Money::from_cents(5), Money::ZERO])
        );
    }

    #[test]
    fn from_exact_refuses_more_than_two_decimals_even_when_they_are_zeros() {
        let three_places = Decimal::new(1000, 3); // 1.000
        assert_eq!(Money::from_exact(three_places), None);
        assert_eq!(Money::from_exact(Decimal::new(1005, 3)), None);
        let one_place = Decimal::new(15, 1); // 1.5
        let held = Money::from_exact(one_place).unwrap();
        assert_eq!(held, Money::from_cents(150));
        assert_eq!(held.0.scale(), CENT_SCALE);
        assert_eq!(
            Money::from_exact(Decimal::new(150, 2)),
            Some(Money::from_cents(150))
        );
    }

    #[test]
    fn a_negative_rate_is_refused_and_negative_zero_is_zero() {
        assert_eq!(
            Rate::from_percent(Decimal::NEGATIVE_ONE),
            Err(MoneyError::InvalidRate {
                input: "-1".to_owned()
            })
        );
        let mut negative_zero = Decimal::ZERO;
        negative_zero.set_sign_negative(true);
        assert!(negative_zero.is_sign_negative());
        assert_eq!(Rate::from_percent(negative_zero), Ok(Rate::ZERO));
        assert_eq!(
            Rate::from_percent(Decimal::new(38, 1)).map(|r| r.to_string()),
            Ok("3.8".to_owned())
        );
    }

    #[test]
    fn the_texts_a_caller_reads_are_pinned() {
        let names: Vec<String> = [
            MoneyOperation::Add,
            MoneyOperation::Subtract,
            MoneyOperation::Negate,
            MoneyOperation::Multiply,
            MoneyOperation::Convert,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            names,
            [
                "addition",
                "subtraction",
                "negation",
                "multiplication",
                "conversion"
            ]
        );
        assert_eq!(format!("{:?}", Money::from_cents(150)), "Money(1.50)");
        assert_eq!(
            format!("{:?}", Rate::from_percent(Decimal::new(38, 1)).unwrap()),
            "Rate(3.8%)"
        );
        // A number where a string is expected: serde's message quotes what was expected.
        let refused = serde_json::from_str::<Money>("1234.56").unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("an amount of money as a string such as \"1234.56\" (never a number)"),
            "{refused}"
        );
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Money::from_cents(i64::MAX);
        assert!(matches!(
            big.checked_mul_int(i64::MAX),
            Err(MoneyError::Overflow {
                operation: MoneyOperation::Multiply
            })
        ));
        // The largest Decimal cannot be held to the cent.
        assert!(matches!(
            Money::from_decimal(Decimal::MAX, Rounding::HalfEven),
            Err(MoneyError::Overflow {
                operation: MoneyOperation::Convert
            })
        ));
        let top =
            Money::from_decimal(Decimal::MAX / Decimal::from(1000), Rounding::TowardZero).unwrap();
        assert!(matches!(
            top.checked_add(top),
            Ok(_)
                | Err(MoneyError::Overflow {
                    operation: MoneyOperation::Add
                })
        ));
        let mut acc = top;
        let mut overflowed = false;
        for _ in 0..2000 {
            match acc.checked_add(top) {
                Ok(next) => acc = next,
                Err(e) => {
                    assert_eq!(
                        e,
                        MoneyError::Overflow {
                            operation: MoneyOperation::Add
                        }
                    );
                    overflowed = true;
                    break;
                }
            }
        }
        assert!(overflowed);
        assert!(top.to_cents().is_err());
        assert!(
            "99999999999999999999999999999999999"
                .parse::<Money>()
                .is_err()
        );
    }

    fn money() -> impl Strategy<Value = Money> {
        prop_oneof![
            Just(Money::ZERO),
            Just(Money::from_cents(1)),
            Just(Money::from_cents(-1)),
            Just(Money::from_cents(i64::MAX)),
            Just(Money::from_cents(i64::MIN)),
            any::<i64>().prop_map(Money::from_cents),
            (-1_000_000_000i64..1_000_000_000).prop_map(Money::from_cents),
        ]
    }

    proptest! {
        #[test]
        fn pro_rata_shares_add_up_to_the_total_and_follow_the_weights(
            total in -10_000_000_000i64..10_000_000_000,
            weights in proptest::collection::vec(0i64..1_000_000_000, 1..8),
        ) {
            let weights: Vec<Money> = weights.into_iter().map(Money::from_cents).collect();
            let total = Money::from_cents(total);
            let shares = super::pro_rata(total, &weights).unwrap();
            prop_assert_eq!(shares.len(), weights.len());
            prop_assert_eq!(Money::checked_sum(shares.iter().copied()).unwrap(), total);
            let sum: i128 = weights.iter().map(|w| i128::from(w.to_cents().unwrap())).sum();
            for (share, weight) in shares.iter().zip(&weights) {
                // Each share is within one cent of its exact proportion.
                if sum > 0 {
                    let exact = i128::from(total.to_cents().unwrap()) * i128::from(weight.to_cents().unwrap());
                    let diff = i128::from(share.to_cents().unwrap()) * sum - exact;
                    prop_assert!(diff.abs() < sum, "share {} of weight {}", share, weight);
                }
            }
        }

        #[test]
        fn add_and_sub_round_trip(a in money(), b in money()) {
            let sum = a.checked_add(b).unwrap();
            prop_assert_eq!(sum.checked_sub(b).unwrap(), a);
            prop_assert_eq!(sum.checked_sub(a).unwrap(), b);
            prop_assert_eq!(a.checked_neg().unwrap().checked_neg().unwrap(), a);
        }

        #[test]
        fn ordering_is_that_of_the_decimal_values(a in money(), b in money()) {
            prop_assert_eq!(a.cmp(&b), a.to_decimal().cmp(&b.to_decimal()));
            prop_assert_eq!(a == b, a.cmp(&b) == std::cmp::Ordering::Equal);
        }

        #[test]
        fn a_sum_never_gains_or_loses_a_cent(cents in proptest::collection::vec(any::<i32>(), 0..50)) {
            let total = Money::checked_sum(cents.iter().map(|&c| Money::from_cents(i64::from(c)))).unwrap();
            let exact: i64 = cents.iter().map(|&c| i64::from(c)).sum();
            prop_assert_eq!(total, Money::from_cents(exact));
        }

        #[test]
        fn text_and_serde_round_trip(a in money()) {
            let text = a.to_decimal().to_string();
            prop_assert_eq!(text.parse::<Money>().unwrap(), a);
            let json = serde_json::to_string(&a).unwrap();
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), a);
            prop_assert_eq!(a.to_cents().ok().map(Money::from_cents), Some(a));
            let shown = a.to_string();
            let plain = shown.replace(['$', ','], "");
            prop_assert_eq!(plain.parse::<Money>().unwrap(), a);
        }

        #[test]
        fn multiplication_never_panics(a in money(), k in any::<i64>()) {
            match a.checked_mul_int(k) {
                Ok(p) => prop_assert_eq!(p.to_decimal(), a.to_decimal() * Decimal::from(k)),
                Err(e) => {
                    let is_overflow = matches!(e, MoneyError::Overflow { .. });
                    prop_assert!(is_overflow);
                }
            }
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<Money>();
            let _ = s.parse::<Rate>();
        }
    }
}

//! Closing a case with its financial checks, and interest on arrears.
//!
//! A case is closed when every line is delivered and billed, the known financial
//! transactions are complete, and a final statement goes out (SAMM chapter 16; DOMAIN.md
//! §2.1 step 8 and rule 27). [`Case::close_reconciled`] checks, in this order:
//!
//! 1. every line is supply complete (the case is [`CaseState::SupplyComplete`]);
//! 2. every line with a quantity is billed, at exactly its priced total (value and
//!    charges), from the caller's billing records ([`LineBilling`], the DD 645 amounts);
//! 3. collections (the case's trust-fund deposits) equal disbursements plus charges plus
//!    the balance the [`Disposition`] refunds to the partner or applies to another of its
//!    cases: a shortfall is arrears and the case stays open
//!    ([`SalesError::ClosureArrears`]).
//!
//! The trust fund keeps the refund (see [`TrustFund::case_refunds`]); an application to
//! another case of the same partner moves no cash (one partner's cash is pooled across its cases,
//! DOMAIN.md rule 28) and is recorded on the [`ClosureStatement`].
//!
//! Interest on arrears: AECA section 21(d) as enacted in 1976 (P.L. 94-329, 90 Stat. 737)
//! charges interest on any net amount due and not paid within sixty days of the billing,
//! computed from the date of billing, at a rate the Secretary of the Treasury sets from
//! the market yield of short-term Treasury obligations. The rate is the caller's data
//! ([`interest_on_arrears`]).

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Case, CaseAction, CaseState, LineNumber, SalesError, TrustFund};
use crate::budget::DocumentId;
use crate::money::{Money, Rate, Rounding};

/// What was billed for one line, from the caller's billing records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineBilling {
    /// The line.
    pub line: LineNumber,
    /// The amount billed in all for it (value and charges).
    pub billed: Money,
}

/// What happens to a credit balance left on the case at closure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "disposition")]
#[non_exhaustive]
pub enum Disposition {
    /// Refunded to the partner: a refund entry in the trust fund on the closing date (see
    /// [`TrustFund::case_refunds`]).
    Refund,
    /// Applied to another case of the same partner.
    ApplyTo {
        /// The case that receives the balance.
        case: DocumentId,
    },
}

/// The final figures of a closed case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosureStatement {
    /// The case.
    pub case: DocumentId,
    /// The closing date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub closed: NaiveDate,
    /// Deposits on the case.
    pub collections: Money,
    /// Disbursements on the case.
    pub disbursements: Money,
    /// The charges of the case: every line's surcharges and transportation, and the
    /// Small Case Management Line.
    pub charges: Money,
    /// The total billed.
    pub billed: Money,
    /// Collections less disbursements and charges, refunded or applied.
    pub balance: Money,
    /// What happened to the balance (`None` when it is zero).
    pub disposition: Option<Disposition>,
}

impl Case {
    /// The charges of the case: every line's priced total less its value, plus the Small
    /// Case Management Line.
    fn charges_total(&self) -> Result<Money, SalesError> {
        let lines = self.lines.iter().try_fold(Money::ZERO, |total, line| {
            let priced = self.price_line(line)?;
            Ok::<Money, SalesError>(total.checked_add(priced.total.checked_sub(priced.value)?)?)
        })?;
        Ok(lines.checked_add(self.small_case_management_line()?)?)
    }

    /// Every line with a quantity billed at exactly its priced total; the total billed.
    fn check_billing(&self, billing: &[LineBilling]) -> Result<Money, SalesError> {
        let mut billed_total = Money::ZERO;
        for line in self.lines.iter().filter(|l| l.quantity > 0) {
            let priced = self.price_line(line)?.total;
            let billed = billing
                .iter()
                .filter(|b| b.line == line.number)
                .try_fold(Money::ZERO, |t, b| t.checked_add(b.billed))?;
            if billed != priced {
                return Err(SalesError::LineNotBilled {
                    case: self.id.clone(),
                    line: line.number,
                    priced,
                    billed,
                });
            }
            billed_total = billed_total.checked_add(billed)?;
        }
        let small = self.small_case_management_line()?;
        Ok(billed_total.checked_add(small)?)
    }

    /// Closes a supply-complete case on `date` after its financial checks: every line
    /// billed at its priced total, collections equal to disbursements plus charges plus the
    /// credit balance, and that balance refunded or applied by `disposition`. A refund is
    /// recorded in `trust`.
    /// Checks everything before changing anything.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless supply complete;
    /// [`SalesError::DateBeforePrevious`]; [`SalesError::LineNotBilled`];
    /// [`SalesError::ClosureArrears`] when collections fall short;
    /// [`SalesError::DispositionRequired`] when a balance is left and `disposition` is
    /// `None` or applies the balance to the case itself. The case applied to must be the
    /// same partner's (the caller's to check: cash never crosses partners, DOMAIN.md rule
    /// 28).
    pub fn close_reconciled(
        &mut self,
        date: NaiveDate,
        trust: &mut TrustFund,
        billing: &[LineBilling],
        disposition: Option<Disposition>,
    ) -> Result<ClosureStatement, SalesError> {
        let in_order = self.guard(CaseAction::Close, date)?;
        let billed = self.check_billing(billing)?;
        let collections = trust.case_deposits(&self.id, None)?;
        let disbursements = trust.case_disbursements(&self.id)?;
        let charges = self.charges_total()?;
        let owed = disbursements.checked_add(charges)?;
        let balance = collections.checked_sub(owed)?;
        if balance.is_negative() {
            return Err(SalesError::ClosureArrears {
                case: self.id.clone(),
                collections,
                owed,
            });
        }
        let disposition = if balance.is_zero() { None } else { disposition };
        match (&disposition, balance.is_zero()) {
            (None, false) => {
                return Err(SalesError::DispositionRequired {
                    case: self.id.clone(),
                    balance,
                });
            }
            (Some(Disposition::ApplyTo { case }), _) if *case == self.id => {
                return Err(SalesError::DispositionRequired {
                    case: self.id.clone(),
                    balance,
                });
            }
            _ => {}
        }
        if disposition == Some(Disposition::Refund) {
            trust.refund(self, date, balance)?;
        }
        self.record(in_order, CaseAction::Close, CaseState::Closed);
        Ok(ClosureStatement {
            case: self.id.clone(),
            closed: date,
            collections,
            disbursements,
            charges,
            billed,
            balance,
            disposition,
        })
    }
}

/// Interest on an amount billed on `billed` and still unpaid on `paid` (AECA 21(d), 1976
/// text, P.L. 94-329, 90 Stat. 737): nothing if paid within `grace_days` (60) of the
/// billing; otherwise simple interest at `annual_rate` from the billing date to `paid`,
/// on an actual/365 day count (the day count is this crate's documented choice), rounded
/// once with `rounding`.
///
/// # Errors
///
/// [`SalesError::Money`] on overflow.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::interest_on_arrears;
/// use security_assistance::Rounding;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let due = "36500".parse()?;
/// let rate = "5".parse()?;
/// // Paid on the sixtieth day: no interest; on the sixty-first: 61 days from the billing.
/// assert!(interest_on_arrears(due, day(2015, 1, 15)?, day(2015, 3, 16)?, rate, 60, Rounding::HalfEven)?.is_zero());
/// assert_eq!(interest_on_arrears(due, day(2015, 1, 15)?, day(2015, 3, 17)?, rate, 60, Rounding::HalfEven)?.to_string(), "$305.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn interest_on_arrears(
    amount: Money,
    billed: NaiveDate,
    paid: NaiveDate,
    annual_rate: Rate,
    grace_days: u32,
    rounding: Rounding,
) -> Result<Money, SalesError> {
    let grace_end = billed
        .checked_add_days(Days::new(u64::from(grace_days)))
        .unwrap_or(NaiveDate::MAX);
    if paid <= grace_end || !amount.is_positive() {
        return Ok(Money::ZERO);
    }
    let days = Decimal::from(paid.signed_duration_since(billed).num_days());
    let exact = annual_rate
        .percent()
        .checked_mul(amount.to_decimal())
        .and_then(|v| v.checked_mul(days))
        .and_then(|v| v.checked_div(Decimal::from(36_500)))
        .ok_or(SalesError::Money(crate::money::MoneyError::Overflow {
            operation: crate::money::MoneyOperation::Multiply,
        }))?;
    Ok(Money::from_decimal(exact, rounding)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn interest_starts_after_the_grace_period_from_the_billing_date() {
        let amount: Money = "36500".parse().unwrap();
        let rate: Rate = "5".parse().unwrap();
        let i = |paid| {
            interest_on_arrears(amount, d(2015, 1, 15), paid, rate, 60, Rounding::HalfEven).unwrap()
        };
        // 2015-03-16 is the sixtieth day after 2015-01-15.
        assert!(i(d(2015, 3, 15)).is_zero());
        assert!(i(d(2015, 3, 16)).is_zero());
        assert_eq!(i(d(2015, 3, 17)).to_string(), "$305.00");
        assert_eq!(i(d(2015, 3, 18)).to_string(), "$310.00");
        assert!(
            interest_on_arrears(
                Money::ZERO,
                d(2015, 1, 15),
                d(2016, 1, 1),
                rate,
                60,
                Rounding::HalfEven
            )
            .unwrap()
            .is_zero()
        );
    }
}

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
//!    what was returned to financing plus the balance the [`Disposition`] refunds to the
//!    partner or applies to another of its cases: a shortfall is arrears and the case
//!    stays open ([`SalesError::ClosureArrears`]);
//! 4. a refund to the partner is at most the partner's own cash on the case
//!    ([`SalesError::RefundExceedsOwnCash`]): financing drawn and not used goes back
//!    first to the grant or loan it was drawn on with [`TrustFund::return_financing`],
//!    which posts an [`Action::Refund`] of the draw to the ledger.
//!
//! The trust fund keeps the refund (see [`TrustFund::case_refunds`]); the partner's own
//! cash is no appropriated money and has no account in the ledger, so its refund is a
//! trust-fund entry only. An application to another case of the same partner moves no
//! cash (one partner's cash is pooled across its cases, DOMAIN.md rule 28) and is recorded
//! on the [`ClosureStatement`].
//!
//! Interest on arrears: AECA section 21(d) as enacted in 1976 (P.L. 94-329, 90 Stat. 737)
//! charges interest on any net amount due and not paid within sixty days of the billing,
//! computed from the date of billing, at a rate the Secretary of the Treasury sets from
//! the market yield of short-term Treasury obligations. The rate is the caller's data
//! ([`interest_on_arrears`]); [`Case::collect_interest_on_arrears`] posts the interest to
//! the ledger as an [`Action::Collect`] into the account the caller names.

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Case, CaseAction, CaseState, LineNumber, SalesError, TrustFund};
use crate::budget::{
    AccountSymbol, Action, Actor, Command, CommandId, DocumentId, Ledger, Receipt,
};
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
    /// Financing drawn for the case and returned to its financing documents before
    /// closure ([`TrustFund::return_financing`], posted to the ledger).
    #[serde(default)]
    pub returned_to_financing: Money,
    /// The total billed.
    pub billed: Money,
    /// Collections less disbursements, charges and what was returned to financing,
    /// refunded or applied.
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

    /// Collections less disbursements, charges, and what was returned to financing or
    /// refunded: what is left on the case for its disposition (negative: arrears).
    pub(super) fn credit_balance(&self, trust: &TrustFund) -> Result<Money, SalesError> {
        let out = trust
            .case_disbursements(&self.id)?
            .checked_add(self.charges_total()?)?
            .checked_add(trust.returned(&self.id, None)?)?
            .checked_add(trust.case_refunds(&self.id)?)?;
        Ok(trust.case_deposits(&self.id, None)?.checked_sub(out)?)
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
        let returned_to_financing = trust.returned(&self.id, None)?;
        let owed = disbursements.checked_add(charges)?;
        let balance = self.credit_balance(trust)?;
        if balance.is_negative() {
            return Err(SalesError::ClosureArrears {
                case: self.id.clone(),
                collections: collections.checked_sub(returned_to_financing)?,
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
            let own_cash = trust.own_cash(&self.id)?;
            if balance > own_cash {
                return Err(SalesError::RefundExceedsOwnCash {
                    case: self.id.clone(),
                    balance,
                    own_cash,
                });
            }
            trust.refund(self, date, balance)?;
        }
        self.record(in_order, CaseAction::Close, CaseState::Closed);
        Ok(ClosureStatement {
            case: self.id.clone(),
            closed: date,
            collections,
            disbursements,
            charges,
            returned_to_financing,
            billed,
            balance,
            disposition,
        })
    }
}

/// The authority cited on the ledger collection of interest on arrears
/// ([`Case::collect_interest_on_arrears`]).
pub const ARREARS_INTEREST_AUTHORITY: &str = "AECA sec. 21(d) (P.L. 94-329, 90 Stat. 737)";

/// An amount billed to the partner of a case and paid late, and where the interest on it
/// is credited ([`Case::collect_interest_on_arrears`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrears {
    /// The ledger account the interest is credited to. The 1976 text of AECA section
    /// 21(d) does not name it in what this crate could read, so the caller names it (the
    /// ledger refuses a collection into an account that is not open).
    pub account: AccountSymbol,
    /// The bill (the DD 645 statement) that billed the amount: the collection document of
    /// the interest, unique within the account.
    pub bill: DocumentId,
    /// The amount billed and paid late.
    pub amount: Money,
    /// The billing date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub billed: NaiveDate,
    /// The date it was paid, and the date of the collection.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub paid: NaiveDate,
    /// The annual rate the Secretary of the Treasury set (caller's data).
    pub annual_rate: Rate,
    /// The days after the billing within which no interest runs: 60 in the 1976 text.
    pub grace_days: u32,
}

impl Case {
    /// Collects the interest on `arrears` into the ledger: computes it with
    /// [`interest_on_arrears`] at the case's rounding and, when there is any, posts an
    /// [`Action::Collect`] of it into `arrears.account` (document `arrears.bill`, payer the
    /// case's partner, authority [`ARREARS_INTEREST_AUTHORITY`], dated the payment), as
    /// command `id` by `actor`. Returns the interest and the ledger's receipt, or `None`
    /// when the amount was paid within the grace period (nothing is posted).
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the ledger unchanged:
    /// [`SalesError::IllegalTransition`] unless the case is implemented, supply complete
    /// or closed (only then is anything billed); [`SalesError::NotPositive`] for an amount
    /// that is not positive; [`SalesError::DateBeforePrevious`] when the payment is dated
    /// before the billing or the billing before the implementation;
    /// [`SalesError::Money`] on overflow; [`SalesError::Ledger`] when the ledger refuses
    /// the collection; [`SalesError::DuplicateLedgerCommand`] when `id` was applied.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use std::sync::Arc;
    /// # use security_assistance::budget::{Action, Command, Ledger};
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::{ProgramKind, Rounding};
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2015, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2015, 1, 3)?)?;
    /// # case.add_line(day(2015, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # case.offer(day(2015, 1, 5)?, day(2015, 1, 4)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2015, 1, 10)?)?;
    /// # let mut trust = TrustFund::new();
    /// # trust.deposit(&case, day(2015, 1, 10)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// # case.implement(day(2015, 1, 12)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// let mut ledger = Ledger::new(Arc::new(AllowAll));
    /// let account = "097-X2014-8242".parse()?;
    /// ledger.apply(Command::new("TF-1".parse()?, day(2014, 10, 1)?, "treasury".parse()?,
    ///     Action::Appropriate { account, title: "FMS Trust Fund".into(),
    ///         purposes: vec![ProgramKind::Sales], amount: "1".parse()?, law: "AECA".into() }))?;
    /// let arrears = Arrears { account, bill: "DD645-2015-1".parse()?,
    ///     amount: "36500".parse()?, billed: day(2015, 1, 15)?, paid: day(2015, 3, 17)?,
    ///     annual_rate: "5".parse()?, grace_days: 60 };
    /// let (interest, _) = case
    ///     .collect_interest_on_arrears(&mut ledger, &arrears, "INT-1".parse()?, "dfas".parse()?)?
    ///     .ok_or("interest is due")?;
    /// assert_eq!(interest.to_string(), "$305.00");
    /// assert_eq!(ledger.journal().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn collect_interest_on_arrears(
        &self,
        ledger: &mut Ledger,
        arrears: &Arrears,
        id: CommandId,
        actor: Actor,
    ) -> Result<Option<(Money, Receipt)>, SalesError> {
        let action = CaseAction::Disburse;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        if !arrears.amount.is_positive() {
            return Err(SalesError::NotPositive {
                amount: arrears.amount,
            });
        }
        for (date, previous) in [
            (arrears.billed, self.implemented_on()),
            (arrears.paid, Some(arrears.billed)),
        ] {
            if let Some(previous) = previous.filter(|p| date < *p) {
                return Err(SalesError::DateBeforePrevious {
                    case: self.id.clone(),
                    action,
                    date,
                    previous,
                });
            }
        }
        let interest = interest_on_arrears(
            arrears.amount,
            arrears.billed,
            arrears.paid,
            arrears.annual_rate,
            arrears.grace_days,
            self.rounding,
        )?;
        if interest.is_zero() {
            return Ok(None);
        }
        let command = Command::new(
            id.clone(),
            arrears.paid,
            actor,
            Action::Collect {
                account: arrears.account,
                document: arrears.bill.clone(),
                amount: interest,
                payer: self.partner,
                authority: ARREARS_INTEREST_AUTHORITY.into(),
            },
        );
        let receipt = super::super::post::<SalesError>(ledger, command)?;
        Ok(Some((interest, receipt)))
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

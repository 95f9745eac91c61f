//! Terms of sale, funding sources, and quarterly payment schedules (DOMAIN.md §2.4, rules
//! 29 and 30).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::SalesError;
use crate::budget::{AccountSymbol, DocumentId};
use crate::money::Money;

/// How the purchaser pays (SAMM Table C9.T12; AECA sections 21 and 22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TermsOfSale {
    /// The whole case value is paid with the signed letter of offer and acceptance; no
    /// payment schedule is needed (DOMAIN.md rule 29).
    CashWithAcceptance,
    /// Payment in advance of delivery, by the payment schedule.
    CashPriorToDelivery,
    /// A dependable undertaking (AECA section 22(a)): the purchaser pays ahead of contract
    /// payments and of any termination costs, by the payment schedule.
    DependableUndertaking,
}

/// Where the money for a case comes from. A financing source names the financing document
/// and the account it is obligated in, so a draw on it can be posted to the ledger as a
/// disbursement of that document; the financing program owns the document itself.
///
/// ```
/// use security_assistance::programs::sales::FundingSource;
/// let grant = FundingSource::FinancingGrant {
///     document: "FMF-JOR-2012-01".parse()?,
///     account: "011-X2012-1082".parse()?,
///     amount: "6000000".parse()?,
/// };
/// assert!(grant.is_non_repayable());
/// assert_eq!(grant.amount().to_string(), "$6,000,000.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "source")]
#[non_exhaustive]
pub enum FundingSource {
    /// The purchaser's own (national) funds.
    OwnFunds {
        /// The amount planned.
        amount: Money,
    },
    /// A non-repayable financing grant.
    FinancingGrant {
        /// The grant agreement.
        document: DocumentId,
        /// The account it is obligated in.
        account: AccountSymbol,
        /// The amount of the grant applied to this case.
        amount: Money,
    },
    /// A repayable financing loan.
    FinancingLoan {
        /// The loan agreement.
        document: DocumentId,
        /// The account it is obligated in.
        account: AccountSymbol,
        /// The amount of the loan applied to this case.
        amount: Money,
    },
    /// A standby letter of credit a bank issued for the purchaser: drawn on when the
    /// purchaser fails to pay what its case has made due (SAMM C9; as of 2026 it may stand
    /// in for the termination-liability reserve, DSCA 26-50, DOMAIN.md §2.4). It backs the
    /// funding plan and is not part of it: its amount is not counted toward the case total
    /// (nor toward DOMAIN.md rule 29). A draw ([`TrustFund::draw_letter_of_credit`](super::TrustFund::draw_letter_of_credit))
    /// is refused outside `issued..=expires` and beyond `amount`.
    StandbyLetterOfCredit {
        /// The letter's number.
        letter: DocumentId,
        /// The first day it may be drawn on.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        issued: NaiveDate,
        /// The last day it may be drawn on.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expires: NaiveDate,
        /// The most that may be drawn on it.
        amount: Money,
    },
}

impl FundingSource {
    /// The amount planned from this source.
    #[must_use]
    pub fn amount(&self) -> Money {
        match self {
            FundingSource::OwnFunds { amount }
            | FundingSource::FinancingGrant { amount, .. }
            | FundingSource::FinancingLoan { amount, .. }
            | FundingSource::StandbyLetterOfCredit { amount, .. } => *amount,
        }
    }

    /// `true` for a standby letter of credit, which backs the plan and is not part of it.
    #[must_use]
    pub fn is_standby(&self) -> bool {
        matches!(self, FundingSource::StandbyLetterOfCredit { .. })
    }

    /// The amount this source adds to the funding plan: zero for a standby letter of
    /// credit.
    #[must_use]
    pub fn planned(&self) -> Money {
        if self.is_standby() {
            Money::ZERO
        } else {
            self.amount()
        }
    }

    /// `true` for a financing grant (non-repayable financing).
    #[must_use]
    pub fn is_non_repayable(&self) -> bool {
        match self {
            FundingSource::FinancingGrant { .. } => true,
            FundingSource::OwnFunds { .. }
            | FundingSource::FinancingLoan { .. }
            | FundingSource::StandbyLetterOfCredit { .. } => false,
        }
    }

    /// The financing document and its account, for a grant or a loan.
    #[must_use]
    pub fn financing(&self) -> Option<(&DocumentId, &AccountSymbol)> {
        match self {
            FundingSource::FinancingGrant {
                document, account, ..
            }
            | FundingSource::FinancingLoan {
                document, account, ..
            } => Some((document, account)),
            FundingSource::OwnFunds { .. } | FundingSource::StandbyLetterOfCredit { .. } => None,
        }
    }
}

/// Cases below this value that are wholly funded by non-repayable financing, for a
/// purchaser without cash-flow financing, need no payment schedule: $5,000,000.00
/// (SAMM C9.9.1; DOMAIN.md rule 29). The check and its documentation read this one value.
pub const SMALL_CASE_LIMIT: Money = Money::from_cents(500_000_000);

/// Whether a case needs a payment schedule (DOMAIN.md rule 29).
///
/// None is needed — the initial deposit is the whole case value — when the terms are cash
/// with acceptance, or when the case value is under [`SMALL_CASE_LIMIT`], every funding
/// source is a financing grant and together they cover the value, and the purchaser is not
/// authorized cash-flow financing.
///
/// ```
/// use security_assistance::programs::sales::{payment_schedule_required, FundingSource, TermsOfSale};
/// use security_assistance::Money;
/// let value: Money = "4999999.99".parse()?;
/// let grant = FundingSource::FinancingGrant {
///     document: "FMF-1".parse()?,
///     account: "011-X2012-1082".parse()?,
///     amount: value,
/// };
/// let terms = TermsOfSale::DependableUndertaking;
/// assert!(!payment_schedule_required(terms, value, &[grant.clone()], false));
/// assert!(payment_schedule_required(terms, value, &[grant.clone()], true));
/// assert!(payment_schedule_required(terms, "5000000".parse()?, &[grant], false));
/// assert!(!payment_schedule_required(TermsOfSale::CashWithAcceptance, value, &[], true));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn payment_schedule_required(
    terms: TermsOfSale,
    case_value: Money,
    funding: &[FundingSource],
    cash_flow_financing: bool,
) -> bool {
    if terms == TermsOfSale::CashWithAcceptance {
        return false;
    }
    let plan = || funding.iter().filter(|s| !s.is_standby());
    let all_grants = plan().next().is_some() && plan().all(FundingSource::is_non_repayable);
    let covered =
        Money::checked_sum(plan().map(FundingSource::amount)).is_ok_and(|sum| sum >= case_value);
    let small = case_value < SMALL_CASE_LIMIT;
    !(small && all_grants && covered && !cash_flow_financing)
}

/// The quarter-end months and the month whose 15th a payment for that period is due
/// (DOMAIN.md rule 30): period ending 31 Dec → 15 Mar, 31 Mar → 15 Jun, 30 Jun → 15 Sep,
/// 30 Sep → 15 Dec.
const BILLING: [(u32, u32); 4] = [(12, 3), (3, 6), (6, 9), (9, 12)];

/// The day the payment billed for the quarter ending `period_end` is due (DOMAIN.md rule
/// 30): the quarterly statement goes out about the 15th of the next month and the payment,
/// which covers the quarter after the due date, is due the 15th of the third month.
///
/// # Errors
///
/// [`SalesError::NotQuarterEnd`] unless `period_end` is 31 March, 30 June, 30 September or
/// 31 December.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::billing_due_date;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// assert_eq!(billing_due_date(day(2012, 12, 31)?)?, day(2013, 3, 15)?);
/// assert_eq!(billing_due_date(day(2013, 9, 30)?)?, day(2013, 12, 15)?);
/// assert!(billing_due_date(day(2013, 9, 29)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn billing_due_date(period_end: NaiveDate) -> Result<NaiveDate, SalesError> {
    let not_end = || SalesError::NotQuarterEnd { date: period_end };
    let next_day = period_end.succ_opt().ok_or_else(not_end)?;
    let (_, due_month) = BILLING
        .iter()
        .find(|(end, _)| *end == period_end.month())
        .ok_or_else(not_end)?;
    if next_day.day() != 1 {
        return Err(not_end());
    }
    let year = if *due_month < period_end.month() {
        period_end.year().checked_add(1).ok_or_else(not_end)?
    } else {
        period_end.year()
    };
    NaiveDate::from_ymd_opt(year, *due_month, 15).ok_or_else(not_end)
}

/// The first billing due date (15 March, June, September or December) strictly after
/// `date`; `None` only at the end of the calendar.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::next_billing_due_date;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// assert_eq!(next_billing_due_date(day(2013, 3, 15)?), Some(day(2013, 6, 15)?));
/// assert_eq!(next_billing_due_date(day(2013, 12, 20)?), Some(day(2014, 3, 15)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn next_billing_due_date(date: NaiveDate) -> Option<NaiveDate> {
    let year = date.year();
    [year, year.checked_add(1)?]
        .into_iter()
        .flat_map(|y| BILLING.iter().map(move |(_, m)| (y, *m)))
        .filter_map(|(y, m)| NaiveDate::from_ymd_opt(y, m, 15))
        .filter(|due| *due > date)
        .min()
}

fn is_billing_due_date(date: NaiveDate) -> bool {
    date.day() == 15 && BILLING.iter().any(|(_, m)| *m == date.month())
}

/// One quarterly payment of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installment {
    /// The due date: the 15th of March, June, September or December.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub due: NaiveDate,
    /// The amount due.
    pub amount: Money,
}

impl Installment {
    /// The first and last day of the quarter the payment covers: the three months after
    /// the month it is due (due 15 March covers April through June).
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::Installment;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let i = Installment { due: day(2013, 3, 15)?, amount: "1".parse()? };
    /// assert_eq!(i.covers(), Some((day(2013, 4, 1)?, day(2013, 6, 30)?)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn covers(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self
            .due
            .with_day(1)?
            .checked_add_months(chrono::Months::new(1))?;
        let end = start
            .checked_add_months(chrono::Months::new(3))?
            .pred_opt()?;
        Some((start, end))
    }
}

/// A case's payment schedule: the initial deposit due with acceptance, then quarterly
/// installments due on the billing dates of DOMAIN.md rule 30.
///
/// # Invariants
///
/// No amount is negative; installments fall on billing due dates, in strictly increasing
/// order.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::PaymentSchedule;
/// use security_assistance::Money;
/// let accepted = NaiveDate::from_ymd_opt(2013, 1, 10).ok_or("date")?;
/// let amounts: Vec<Money> = vec!["400000".parse()?, "600000".parse()?];
/// let schedule = PaymentSchedule::quarterly(accepted, "1000000".parse()?, &amounts)?;
/// let dues: Vec<String> = schedule.installments().iter().map(|i| i.due.to_string()).collect();
/// assert_eq!(dues, ["2013-03-15", "2013-06-15"]);
/// assert_eq!(schedule.total()?.to_string(), "$2,000,000.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentSchedule {
    initial_deposit: Money,
    installments: Vec<Installment>,
}

impl PaymentSchedule {
    /// A schedule from an initial deposit and explicit installments.
    ///
    /// # Errors
    ///
    /// [`SalesError::NegativeAmount`] for a negative amount;
    /// [`SalesError::NotBillingDueDate`] for an installment not due on the 15th of March,
    /// June, September or December, or not after the one before it.
    pub fn new(
        initial_deposit: Money,
        installments: Vec<Installment>,
    ) -> Result<PaymentSchedule, SalesError> {
        if initial_deposit.is_negative() {
            return Err(SalesError::NegativeAmount {
                amount: initial_deposit,
            });
        }
        let mut previous: Option<NaiveDate> = None;
        for installment in &installments {
            if installment.amount.is_negative() {
                return Err(SalesError::NegativeAmount {
                    amount: installment.amount,
                });
            }
            let in_order = previous.is_none_or(|p| installment.due > p);
            if !is_billing_due_date(installment.due) || !in_order {
                return Err(SalesError::NotBillingDueDate {
                    due: installment.due,
                    previous,
                });
            }
            previous = Some(installment.due);
        }
        Ok(PaymentSchedule {
            initial_deposit,
            installments,
        })
    }

    /// A schedule whose installments fall on successive billing due dates after `start`
    /// (usually the offer or acceptance date), one for each of `amounts`.
    ///
    /// # Errors
    ///
    /// As [`PaymentSchedule::new`]; [`SalesError::NotBillingDueDate`] at the end of the
    /// calendar.
    pub fn quarterly(
        start: NaiveDate,
        initial_deposit: Money,
        amounts: &[Money],
    ) -> Result<PaymentSchedule, SalesError> {
        let mut installments = Vec::with_capacity(amounts.len());
        let mut after = start;
        for amount in amounts {
            let due = next_billing_due_date(after).ok_or(SalesError::NotBillingDueDate {
                due: after,
                previous: None,
            })?;
            installments.push(Installment {
                due,
                amount: *amount,
            });
            after = due;
        }
        PaymentSchedule::new(initial_deposit, installments)
    }

    /// The deposit due with acceptance.
    #[must_use]
    pub fn initial_deposit(&self) -> Money {
        self.initial_deposit
    }

    /// The quarterly installments, in due order.
    #[must_use]
    pub fn installments(&self) -> &[Installment] {
        &self.installments
    }

    /// The initial deposit plus every installment.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn total(&self) -> Result<Money, SalesError> {
        let rest = Money::checked_sum(self.installments.iter().map(|i| i.amount))?;
        Ok(self.initial_deposit.checked_add(rest)?)
    }

    /// What is due by `date`: the initial deposit and every installment due on or before
    /// it.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::PaymentSchedule;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let s = PaymentSchedule::quarterly(day(2013, 1, 10)?, "100".parse()?, &["50".parse()?, "50".parse()?])?;
    /// assert_eq!(s.due_by(day(2013, 3, 14)?)?.to_string(), "$100.00");
    /// assert_eq!(s.due_by(day(2013, 3, 15)?)?.to_string(), "$150.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due_by(&self, date: NaiveDate) -> Result<Money, SalesError> {
        let rest = Money::checked_sum(
            self.installments
                .iter()
                .filter(|i| i.due <= date)
                .map(|i| i.amount),
        )?;
        Ok(self.initial_deposit.checked_add(rest)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// DOMAIN.md rule 30, every quarter end of one year, and every other day refused.
    #[test]
    fn billing_due_dates() {
        assert_eq!(billing_due_date(d(2012, 12, 31)).unwrap(), d(2013, 3, 15));
        assert_eq!(billing_due_date(d(2013, 3, 31)).unwrap(), d(2013, 6, 15));
        assert_eq!(billing_due_date(d(2013, 6, 30)).unwrap(), d(2013, 9, 15));
        assert_eq!(billing_due_date(d(2013, 9, 30)).unwrap(), d(2013, 12, 15));
        let mut day = d(2013, 1, 1);
        let mut accepted = 0;
        while day.year() == 2013 {
            if billing_due_date(day).is_ok() {
                accepted += 1;
            }
            day = day.succ_opt().unwrap();
        }
        assert_eq!(accepted, 4);
        assert_eq!(
            billing_due_date(d(2013, 6, 29)),
            Err(SalesError::NotQuarterEnd {
                date: d(2013, 6, 29)
            })
        );
    }

    #[test]
    fn covered_quarters_follow_the_due_date() {
        let i = Installment {
            due: d(2013, 3, 15),
            amount: Money::ZERO,
        };
        assert_eq!(i.covers(), Some((d(2013, 4, 1), d(2013, 6, 30))));
        let i = Installment {
            due: d(2013, 12, 15),
            amount: Money::ZERO,
        };
        assert_eq!(i.covers(), Some((d(2014, 1, 1), d(2014, 3, 31))));
    }

    #[test]
    fn next_due_dates_are_strictly_after() {
        assert_eq!(next_billing_due_date(d(2013, 3, 14)), Some(d(2013, 3, 15)));
        assert_eq!(next_billing_due_date(d(2013, 3, 15)), Some(d(2013, 6, 15)));
        assert_eq!(next_billing_due_date(d(2013, 12, 15)), Some(d(2014, 3, 15)));
        assert_eq!(next_billing_due_date(d(2013, 12, 31)), Some(d(2014, 3, 15)));
    }

    #[test]
    fn schedules_validate() {
        let m = |s: &str| s.parse::<Money>().unwrap();
        assert!(matches!(
            PaymentSchedule::new(m("-1"), vec![]),
            Err(SalesError::NegativeAmount { .. })
        ));
        let bad = Installment {
            due: d(2013, 3, 16),
            amount: m("1"),
        };
        assert!(matches!(
            PaymentSchedule::new(m("1"), vec![bad]),
            Err(SalesError::NotBillingDueDate { .. })
        ));
        let a = Installment {
            due: d(2013, 6, 15),
            amount: m("1"),
        };
        let b = Installment {
            due: d(2013, 3, 15),
            amount: m("1"),
        };
        assert!(PaymentSchedule::new(m("1"), vec![a, b]).is_err());
        let s = PaymentSchedule::new(m("10"), vec![b, a]).unwrap();
        assert_eq!(s.due_by(d(2013, 3, 14)).unwrap(), m("10"));
        assert_eq!(s.due_by(d(2013, 3, 15)).unwrap(), m("11"));
        assert_eq!(s.total().unwrap(), m("12"));
    }

    /// DOMAIN.md rule 29 at its boundaries: each condition flipped alone.
    #[test]
    fn schedule_exemption_boundaries() {
        let m = |s: &str| s.parse::<Money>().unwrap();
        let grant = |amount| FundingSource::FinancingGrant {
            document: "G".parse().unwrap(),
            account: "011-X2012-1082".parse().unwrap(),
            amount,
        };
        let terms = TermsOfSale::CashPriorToDelivery;
        let under = m("4999999.99");
        assert!(!payment_schedule_required(
            terms,
            under,
            &[grant(under)],
            false
        ));
        assert!(payment_schedule_required(
            terms,
            m("5000000"),
            &[grant(m("5000000"))],
            false
        ));
        assert!(payment_schedule_required(
            terms,
            under,
            &[grant(under)],
            true
        ));
        assert!(payment_schedule_required(
            terms,
            under,
            &[grant(m("4999999.98"))],
            false
        ));
        let loan = FundingSource::FinancingLoan {
            document: "L".parse().unwrap(),
            account: "011-X2012-1082".parse().unwrap(),
            amount: under,
        };
        assert!(payment_schedule_required(terms, under, &[loan], false));
        let own = FundingSource::OwnFunds { amount: under };
        assert!(payment_schedule_required(terms, under, &[own], false));
        assert!(payment_schedule_required(terms, under, &[], false));
        for cash_flow in [false, true] {
            assert!(!payment_schedule_required(
                TermsOfSale::CashWithAcceptance,
                m("900000000"),
                &[],
                cash_flow
            ));
        }
    }
}

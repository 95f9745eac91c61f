//! Financing (FMF-like): grants, direct loans with repayment schedules and arrears, and loan
//! guarantees.
//!
//! - A **grant** agreement obligates a partner's allocation; drawdowns disburse; a grant
//!   never creates a receivable (DOMAIN.md §10 rule 35).
//! - A **direct loan** has a principal, an annual interest rate, a semiannual repayment
//!   schedule by a named method and day-count convention, and principal repaid within 12
//!   years of delivery (rule 36). Payments received are applied to the oldest installment
//!   first; the arrears on any date give the oldest unpaid installment, which becomes the
//!   Brooke fact ([`DirectLoan::arrears_fact`]), derived from the loan and not typed in.
//! - A **loan guarantee** obligates only its subsidy cost.
//!
//! The financing documents' ids and amounts are what a sales case names as its funding
//! source.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Command, CommandId, DocumentId, Funding,
    Instrument,
};
use crate::eligibility::{Fact, FactKind};
use crate::law::Citation;
use crate::money::{Money, MoneyError, Rate, Rounding};
use crate::partner::CountryCode;

/// The longest time from delivery to the last principal payment (AECA section 23,
/// 22 U.S.C. 2763: "within 12 years after the delivery").
pub const MAX_REPAYMENT_YEARS: u32 = 12;

/// Months between installments: repayment is semiannual.
const PERIOD_MONTHS: u32 = 6;

/// What went wrong with a financing instrument.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FinancingError {
    /// An amount that must be positive is not.
    #[error("{what} must be greater than zero, got {amount}")]
    NotPositive {
        /// Which amount.
        what: String,
        /// The amount given.
        amount: Money,
    },
    /// The schedule has no principal installment.
    #[error("a loan needs at least one principal installment")]
    NoInstallments,
    /// The last principal payment falls more than 12 years after delivery.
    #[error(
        "the last principal payment on {maturity} is after {limit}, 12 years after delivery (22 U.S.C. 2763)"
    )]
    TermTooLong {
        /// The last payment date.
        maturity: NaiveDate,
        /// The last date allowed.
        limit: NaiveDate,
    },
    /// The first payment is not after the disbursement.
    #[error("the first payment on {first_payment} must come after the disbursement on {disbursed}")]
    PaymentBeforeDisbursement {
        /// The first payment date.
        first_payment: NaiveDate,
        /// The disbursement date.
        disbursed: NaiveDate,
    },
    /// A payment is dated before an earlier one.
    #[error("payment of {date} is before the last payment recorded, {last}")]
    PaymentOutOfOrder {
        /// The payment's date.
        date: NaiveDate,
        /// The last payment's date.
        last: NaiveDate,
    },
    /// A payment is larger than everything still owed on the schedule.
    #[error("payment of {amount} exceeds the {outstanding} still owed")]
    Overpayment {
        /// The payment.
        amount: Money,
        /// What is still owed.
        outstanding: Money,
    },
    /// A date computation left the calendar.
    #[error("the schedule runs past the supported calendar")]
    Calendar,
    /// Arithmetic on money failed.
    #[error("amount arithmetic failed: {0}")]
    Money(#[from] MoneyError),
}

/// How principal is spread over the installments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RepaymentMethod {
    /// The same principal each installment (principal ÷ n, rounded down to the cent; the
    /// last installment takes the remainder); interest falls as the balance falls.
    LevelPrincipal,
    /// The same total payment each installment: the annuity A = P·r / (1 − (1 + r)^−n) at
    /// the periodic rate r = annual rate ÷ 2, rounded to the cent; principal = A − interest,
    /// and the last installment takes whatever principal remains.
    LevelPayment,
}

/// How interest for a period is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DayCount {
    /// 30/360: every month has 30 days and the year 360, so a semiannual period is exactly
    /// half the annual rate (the first, irregular period counts its 30/360 days).
    Thirty360,
    /// Actual/365: the actual days in the period over 365.
    Actual365,
}

impl DayCount {
    /// The fraction of a year between `from` and `to`, as (numerator, denominator).
    fn fraction(self, from: NaiveDate, to: NaiveDate) -> (i64, i64) {
        use chrono::Datelike;
        match self {
            DayCount::Thirty360 => {
                let d1 = i64::from(from.day().min(30));
                let d2 = if to.day() == 31 && d1 == 30 {
                    30
                } else {
                    i64::from(to.day())
                };
                // OK because calendar years, months and days are small: no i64 overflow.
                let days = i64::from(to.year())
                    .saturating_sub(i64::from(from.year()))
                    .saturating_mul(360)
                    .saturating_add(
                        i64::from(to.month())
                            .saturating_sub(i64::from(from.month()))
                            .saturating_mul(30),
                    )
                    .saturating_add(d2.saturating_sub(d1));
                (days, 360)
            }
            DayCount::Actual365 => (to.signed_duration_since(from).num_days(), 365),
        }
    }
}

/// The terms of a direct loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanTerms {
    /// The principal.
    pub principal: Money,
    /// The annual interest rate.
    pub annual_rate: Rate,
    /// The day the principal is disbursed (interest runs from it).
    pub disbursed_on: NaiveDate,
    /// The day the financed articles are delivered (the 12-year limit runs from it).
    pub delivered_on: NaiveDate,
    /// The first payment date; later payments fall every six months.
    pub first_payment: NaiveDate,
    /// How many payments at the start pay interest only (the grace period).
    pub grace_payments: u32,
    /// How many payments repay principal.
    pub principal_payments: u32,
    /// How principal is spread.
    pub method: RepaymentMethod,
    /// How interest is counted.
    pub day_count: DayCount,
    /// How each installment's interest (and a level payment) is rounded to the cent.
    pub rounding: Rounding,
}

/// One installment of a schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installment {
    /// Its number, from 1.
    pub number: u32,
    /// The due date.
    pub due: NaiveDate,
    /// The principal due.
    pub principal: Money,
    /// The interest due.
    pub interest: Money,
    /// The principal outstanding after it is paid.
    pub balance_after: Money,
}

impl Installment {
    /// Principal plus interest.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] only if out of range.
    pub fn total(&self) -> Result<Money, MoneyError> {
        self.principal.checked_add(self.interest)
    }
}

/// How far behind a loan is on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrears {
    /// The due date of the oldest installment not fully paid.
    pub oldest_unpaid_due: NaiveDate,
    /// Days past that due date.
    pub days_past_due: i64,
    /// Everything due before the date and not paid.
    pub amount_past_due: Money,
}

/// A direct loan: its terms, its schedule, and the payments received.
///
/// # Worked example: a $50,000,000 loan
///
/// 4.5 % a year, disbursed 2008-01-15, delivered 2008-06-30, payments every 15 January and
/// 15 July from 2008-07-15: two interest-only payments, then 20 level-principal payments of
/// $2,500,000.00, 30/360, half-even cents. The first period (2008-01-15 to 2008-07-15) is
/// 180 days of 30/360, so every installment's interest is balance × 2.25 %:
///
/// | # | due | principal | interest | balance after |
/// |---|---|---|---|---|
/// | 1 | 2008-07-15 | 0.00 | 1,125,000.00 | 50,000,000.00 |
/// | 2 | 2009-01-15 | 0.00 | 1,125,000.00 | 50,000,000.00 |
/// | 3 | 2009-07-15 | 2,500,000.00 | 1,125,000.00 | 47,500,000.00 |
/// | 4 | 2010-01-15 | 2,500,000.00 | 1,068,750.00 | 45,000,000.00 |
/// | 5 | 2010-07-15 | 2,500,000.00 | 1,012,500.00 | 42,500,000.00 |
/// | 6 | 2011-01-15 | 2,500,000.00 | 956,250.00 | 40,000,000.00 |
/// | 7 | 2011-07-15 | 2,500,000.00 | 900,000.00 | 37,500,000.00 |
/// | 8 | 2012-01-15 | 2,500,000.00 | 843,750.00 | 35,000,000.00 |
/// | 9 | 2012-07-15 | 2,500,000.00 | 787,500.00 | 32,500,000.00 |
/// | 10 | 2013-01-15 | 2,500,000.00 | 731,250.00 | 30,000,000.00 |
/// | 11 | 2013-07-15 | 2,500,000.00 | 675,000.00 | 27,500,000.00 |
/// | 12 | 2014-01-15 | 2,500,000.00 | 618,750.00 | 25,000,000.00 |
/// | 13 | 2014-07-15 | 2,500,000.00 | 562,500.00 | 22,500,000.00 |
/// | 14 | 2015-01-15 | 2,500,000.00 | 506,250.00 | 20,000,000.00 |
/// | 15 | 2015-07-15 | 2,500,000.00 | 450,000.00 | 17,500,000.00 |
/// | 16 | 2016-01-15 | 2,500,000.00 | 393,750.00 | 15,000,000.00 |
/// | 17 | 2016-07-15 | 2,500,000.00 | 337,500.00 | 12,500,000.00 |
/// | 18 | 2017-01-15 | 2,500,000.00 | 281,250.00 | 10,000,000.00 |
/// | 19 | 2017-07-15 | 2,500,000.00 | 225,000.00 | 7,500,000.00 |
/// | 20 | 2018-01-15 | 2,500,000.00 | 168,750.00 | 5,000,000.00 |
/// | 21 | 2018-07-15 | 2,500,000.00 | 112,500.00 | 2,500,000.00 |
/// | 22 | 2019-01-15 | 2,500,000.00 | 56,250.00 | 0.00 |
///
/// Total interest $14,062,500.00 (2 × 1,125,000 + 2.25 % × 2,500,000 × (20 + 19 + … + 1)); the last principal payment (2019-01-15) is within 12 years
/// of delivery (2020-06-30).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::financing::{DayCount, DirectLoan, LoanTerms, RepaymentMethod};
/// use security_assistance::{Money, Rounding};
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let loan = DirectLoan::new(LoanTerms {
///     principal: "50000000".parse()?,
///     annual_rate: "4.5".parse()?,
///     disbursed_on: day(2008, 1, 15)?,
///     delivered_on: day(2008, 6, 30)?,
///     first_payment: day(2008, 7, 15)?,
///     grace_payments: 2,
///     principal_payments: 20,
///     method: RepaymentMethod::LevelPrincipal,
///     day_count: DayCount::Thirty360,
///     rounding: Rounding::HalfEven,
/// })?;
/// let schedule = loan.schedule();
/// assert_eq!(schedule.len(), 22);
/// assert_eq!(schedule[3].interest, "1068750".parse()?);
/// let interest = Money::checked_sum(schedule.iter().map(|i| i.interest))?;
/// assert_eq!(interest, "14062500".parse()?);
/// // Nothing paid: on 2009-07-16 the oldest unpaid installment is the first.
/// let arrears = loan.arrears(day(2009, 7, 16)?)?.ok_or("arrears expected")?;
/// assert_eq!(arrears.oldest_unpaid_due, day(2008, 7, 15)?);
/// assert_eq!(arrears.days_past_due, 366);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectLoan {
    terms: LoanTerms,
    schedule: Vec<Installment>,
    payments: Vec<(NaiveDate, Money)>,
}

fn add_months(date: NaiveDate, months: u32) -> Result<NaiveDate, FinancingError> {
    date.checked_add_months(Months::new(months))
        .ok_or(FinancingError::Calendar)
}

fn positive(what: &str, amount: Money) -> Result<(), FinancingError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(FinancingError::NotPositive {
            what: what.to_owned(),
            amount,
        })
    }
}

impl DirectLoan {
    /// A loan on `terms`, with its schedule computed.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`] for a non-positive principal,
    /// [`FinancingError::NoInstallments`], [`FinancingError::PaymentBeforeDisbursement`],
    /// [`FinancingError::TermTooLong`] when the last principal payment is more than 12
    /// years after delivery, or an arithmetic error.
    pub fn new(terms: LoanTerms) -> Result<DirectLoan, FinancingError> {
        positive("the principal", terms.principal)?;
        if terms.principal_payments == 0 {
            return Err(FinancingError::NoInstallments);
        }
        if terms.first_payment <= terms.disbursed_on {
            return Err(FinancingError::PaymentBeforeDisbursement {
                first_payment: terms.first_payment,
                disbursed: terms.disbursed_on,
            });
        }
        let count = terms
            .grace_payments
            .checked_add(terms.principal_payments)
            .ok_or(FinancingError::Calendar)?;
        let maturity = add_months(
            terms.first_payment,
            PERIOD_MONTHS
                .checked_mul(count.saturating_sub(1))
                .ok_or(FinancingError::Calendar)?,
        )?;
        let limit = add_months(terms.delivered_on, MAX_REPAYMENT_YEARS.saturating_mul(12))?;
        if maturity > limit {
            return Err(FinancingError::TermTooLong { maturity, limit });
        }
        let schedule = build_schedule(&terms, count)?;
        Ok(DirectLoan {
            terms,
            schedule,
            payments: Vec::new(),
        })
    }

    /// The terms.
    #[must_use]
    pub fn terms(&self) -> &LoanTerms {
        &self.terms
    }

    /// The installments in due order.
    #[must_use]
    pub fn schedule(&self) -> &[Installment] {
        &self.schedule
    }

    /// The payments received, in date order.
    #[must_use]
    pub fn payments(&self) -> &[(NaiveDate, Money)] {
        &self.payments
    }

    /// Records a payment received on `date`; payments go to the oldest installment first.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`], [`FinancingError::PaymentOutOfOrder`], or
    /// [`FinancingError::Overpayment`] beyond everything the schedule still asks; nothing
    /// is recorded then.
    pub fn record_payment(&mut self, date: NaiveDate, amount: Money) -> Result<(), FinancingError> {
        positive("a payment", amount)?;
        if let Some(&(last, _)) = self.payments.last() {
            if date < last {
                return Err(FinancingError::PaymentOutOfOrder { date, last });
            }
        }
        let owed = Money::checked_sum(
            self.schedule
                .iter()
                .map(Installment::total)
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        let paid = Money::checked_sum(self.payments.iter().map(|p| p.1))?;
        let outstanding = owed.checked_sub(paid)?;
        if amount > outstanding {
            return Err(FinancingError::Overpayment {
                amount,
                outstanding,
            });
        }
        self.payments.push((date, amount));
        Ok(())
    }

    /// The arrears on `date`: installments due before `date` (an installment due on `date`
    /// is not yet late) not covered by payments received by `date`; `None` when current.
    ///
    /// # Errors
    ///
    /// An arithmetic error only.
    pub fn arrears(&self, date: NaiveDate) -> Result<Option<Arrears>, FinancingError> {
        let mut paid = Money::checked_sum(
            self.payments
                .iter()
                .filter(|(d, _)| *d <= date)
                .map(|p| p.1),
        )?;
        let mut oldest = None;
        let mut past_due = Money::ZERO;
        for installment in self.schedule.iter().filter(|i| i.due < date) {
            let total = installment.total()?;
            if paid >= total {
                paid = paid.checked_sub(total)?;
                continue;
            }
            let short = total.checked_sub(paid)?;
            paid = Money::ZERO;
            oldest.get_or_insert(installment.due);
            past_due = past_due.checked_add(short)?;
        }
        Ok(oldest.map(|due| Arrears {
            oldest_unpaid_due: due,
            days_past_due: date.signed_duration_since(due).num_days(),
            amount_past_due: past_due,
        }))
    }

    /// The Brooke fact this loan gives on `date`: the loan-arrears fact for `partner`, in
    /// force from the day after the oldest unpaid installment fell due, recorded on `date`;
    /// `None` when the loan is current. The eligibility rule decides whether the default is
    /// long enough to bar assistance.
    ///
    /// # Errors
    ///
    /// An arithmetic error only.
    pub fn arrears_fact(
        &self,
        partner: CountryCode,
        date: NaiveDate,
        citation: Citation,
    ) -> Result<Option<Fact>, FinancingError> {
        Ok(self.arrears(date)?.map(|a| {
            let from = a
                .oldest_unpaid_due
                .succ_opt()
                .unwrap_or(a.oldest_unpaid_due);
            Fact::new(
                partner,
                FactKind::LoanArrears {
                    oldest_unpaid_due: a.oldest_unpaid_due,
                },
                from,
                citation,
                date,
            )
        }))
    }

    /// The ledger command that obligates the loan (31 U.S.C. 1501(a)(2)).
    #[must_use]
    pub fn obligate(
        &self,
        id: CommandId,
        actor: Actor,
        account: AccountSymbol,
        document: DocumentId,
        key: AllocationKey,
    ) -> Command {
        Command::new(
            id,
            self.terms.disbursed_on,
            actor,
            Action::Obligate {
                account,
                document,
                instrument: Instrument::Loan,
                funding: Funding::Allocation { key },
                amount: self.terms.principal,
            },
        )
    }
}

fn build_schedule(terms: &LoanTerms, count: u32) -> Result<Vec<Installment>, FinancingError> {
    let rate = terms.annual_rate.percent();
    let hundred = Decimal::from(100);
    let mut balance = terms.principal;
    let mut previous = terms.disbursed_on;
    let n = terms.principal_payments;
    let level_principal = terms
        .principal
        .to_decimal()
        .checked_div(Decimal::from(n))
        .ok_or(MoneyError::Overflow {
            operation: crate::money::MoneyOperation::Multiply,
        })?;
    let level_principal = Money::from_decimal(level_principal, Rounding::TowardZero)?;
    let level_payment = match terms.method {
        RepaymentMethod::LevelPrincipal => Money::ZERO,
        RepaymentMethod::LevelPayment => annuity(terms.principal, rate, n, terms.rounding)?,
    };
    let mut out = Vec::new();
    for k in 0..count {
        let due = add_months(terms.first_payment, PERIOD_MONTHS.saturating_mul(k))?;
        let (num, den) = terms.day_count.fraction(previous, due);
        let interest = balance
            .to_decimal()
            .checked_mul(rate)
            .and_then(|v| v.checked_mul(Decimal::from(num)))
            .and_then(|v| v.checked_div(Decimal::from(den)))
            .and_then(|v| v.checked_div(hundred))
            .ok_or(MoneyError::Overflow {
                operation: crate::money::MoneyOperation::Multiply,
            })?;
        let interest = Money::from_decimal(interest, terms.rounding)?;
        let repaying = k >= terms.grace_payments;
        let last = k.saturating_add(1) == count;
        let principal = if !repaying {
            Money::ZERO
        } else if last {
            balance
        } else {
            match terms.method {
                RepaymentMethod::LevelPrincipal => level_principal,
                RepaymentMethod::LevelPayment => level_payment
                    .checked_sub(interest)?
                    .max(Money::ZERO)
                    .min(balance),
            }
        };
        balance = balance.checked_sub(principal)?;
        out.push(Installment {
            number: k.saturating_add(1),
            due,
            principal,
            interest,
            balance_after: balance,
        });
        previous = due;
    }
    Ok(out)
}

/// A = P·r / (1 − (1 + r)^−n) with r = annual percent ÷ 200, rounded with `rounding`.
fn annuity(
    principal: Money,
    percent: Decimal,
    n: u32,
    rounding: Rounding,
) -> Result<Money, FinancingError> {
    let overflow = || MoneyError::Overflow {
        operation: crate::money::MoneyOperation::Multiply,
    };
    let r = percent
        .checked_div(Decimal::from(200))
        .ok_or_else(overflow)?;
    if r.is_zero() {
        let each = principal
            .to_decimal()
            .checked_div(Decimal::from(n))
            .ok_or_else(overflow)?;
        return Ok(Money::from_decimal(each, rounding)?);
    }
    let mut growth = Decimal::ONE;
    let step = Decimal::ONE.checked_add(r).ok_or_else(overflow)?;
    for _ in 0..n {
        growth = growth.checked_mul(step).ok_or_else(overflow)?;
    }
    let discount = Decimal::ONE.checked_div(growth).ok_or_else(overflow)?;
    let denominator = Decimal::ONE.checked_sub(discount).ok_or_else(overflow)?;
    let payment = principal
        .to_decimal()
        .checked_mul(r)
        .and_then(|v| v.checked_div(denominator))
        .ok_or_else(overflow)?;
    Ok(Money::from_decimal(payment, rounding)?)
}

/// A grant agreement: obligates a partner's allocation; drawdowns disburse it. A grant is
/// not repaid, so it never creates a receivable.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::AllocationKey;
/// use security_assistance::programs::financing::Grant;
/// use security_assistance::ProgramKind;
///
/// let grant = Grant {
///     account: "011-2008/2009-1082".parse()?,
///     document: "JO-D-GAA".parse()?,
///     key: AllocationKey::new("DSCA".parse()?, ProgramKind::Financing, Some("JOR".parse()?)),
///     amount: "198380000".parse()?,
/// };
/// let day = NaiveDate::from_ymd_opt(2008, 2, 1).ok_or("date")?;
/// let obligate = grant.obligate("g1".parse()?, day, "dsca".parse()?);
/// let draw = grant.drawdown("g2".parse()?, day, "dsca".parse()?, "50000000".parse()?)?;
/// assert_eq!(obligate.action.name(), "obligate");
/// assert_eq!(draw.action.name(), "disburse");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    /// The account charged.
    pub account: AccountSymbol,
    /// The grant agreement's document id (a sales case names it as its funding source).
    pub document: DocumentId,
    /// The partner's allocation.
    pub key: AllocationKey,
    /// The amount granted.
    pub amount: Money,
}

impl Grant {
    /// The command that obligates the grant agreement (31 U.S.C. 1501(a)(5)).
    #[must_use]
    pub fn obligate(&self, id: CommandId, date: NaiveDate, actor: Actor) -> Command {
        Command::new(
            id,
            date,
            actor,
            Action::Obligate {
                account: self.account,
                document: self.document.clone(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation {
                    key: self.key.clone(),
                },
                amount: self.amount,
            },
        )
    }

    /// A drawdown: a disbursement of part of the grant.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`] for a non-positive amount; the ledger refuses one
    /// above what remains.
    pub fn drawdown(
        &self,
        id: CommandId,
        date: NaiveDate,
        actor: Actor,
        amount: Money,
    ) -> Result<Command, FinancingError> {
        positive("a drawdown", amount)?;
        Ok(Command::new(
            id,
            date,
            actor,
            Action::Disburse {
                account: self.account,
                document: self.document.clone(),
                amount,
            },
        ))
    }
}

/// A loan guarantee: the guaranteed amount and the subsidy rate; only the subsidy cost
/// obligates budget authority (credit reform).
///
/// ```
/// use security_assistance::programs::financing::LoanGuarantee;
/// use security_assistance::Rounding;
/// let g = LoanGuarantee { guaranteed: "100000000".parse()?, subsidy_rate: "6.5".parse()? };
/// assert_eq!(g.subsidy_cost(Rounding::HalfEven)?, "6500000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoanGuarantee {
    /// The principal guaranteed.
    pub guaranteed: Money,
    /// The subsidy cost as a percentage of the guaranteed amount.
    pub subsidy_rate: Rate,
}

impl LoanGuarantee {
    /// The subsidy cost: guaranteed × rate, rounded with `rounding`.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`] for a non-positive guaranteed amount.
    pub fn subsidy_cost(&self, rounding: Rounding) -> Result<Money, FinancingError> {
        positive("the guaranteed amount", self.guaranteed)?;
        Ok(self.subsidy_rate.apply(self.guaranteed, rounding)?)
    }

    /// The command obligating the subsidy cost (31 U.S.C. 1501(a)(5)).
    ///
    /// # Errors
    ///
    /// As [`LoanGuarantee::subsidy_cost`].
    #[allow(clippy::too_many_arguments)]
    pub fn obligate(
        &self,
        id: CommandId,
        date: NaiveDate,
        actor: Actor,
        account: AccountSymbol,
        document: DocumentId,
        key: AllocationKey,
        rounding: Rounding,
    ) -> Result<Command, FinancingError> {
        Ok(Command::new(
            id,
            date,
            actor,
            Action::Obligate {
                account,
                document,
                instrument: Instrument::LoanGuarantee,
                funding: Funding::Allocation { key },
                amount: self.subsidy_cost(rounding)?,
            },
        ))
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

    fn terms(
        principal: Money,
        rate: &str,
        grace: u32,
        n: u32,
        method: RepaymentMethod,
        day_count: DayCount,
    ) -> LoanTerms {
        LoanTerms {
            principal,
            annual_rate: rate.parse().unwrap(),
            disbursed_on: day(2008, 1, 15),
            delivered_on: day(2008, 6, 30),
            first_payment: day(2008, 7, 15),
            grace_payments: grace,
            principal_payments: n,
            method,
            day_count,
            rounding: Rounding::HalfEven,
        }
    }

    #[test]
    fn the_worked_example_to_the_cent() {
        let loan = DirectLoan::new(terms(
            "50000000".parse().unwrap(),
            "4.5",
            2,
            20,
            RepaymentMethod::LevelPrincipal,
            DayCount::Thirty360,
        ))
        .unwrap();
        let s = loan.schedule();
        assert_eq!(s.len(), 22);
        assert_eq!(s[0].interest, "1125000".parse().unwrap());
        assert_eq!(s[2].principal, "2500000".parse().unwrap());
        assert_eq!(s[21].interest, "56250".parse().unwrap());
        assert_eq!(s[21].due, day(2019, 1, 15));
        assert!(s[21].balance_after.is_zero());
    }

    #[test]
    fn rule_36_twelve_years_after_delivery() {
        // 2 grace + 23 principal payments end 2020-07-15, after 2020-06-30.
        let err = DirectLoan::new(terms(
            "1000".parse().unwrap(),
            "4",
            2,
            23,
            RepaymentMethod::LevelPrincipal,
            DayCount::Thirty360,
        ))
        .unwrap_err();
        assert!(matches!(err, FinancingError::TermTooLong { .. }));
        assert!(
            DirectLoan::new(terms(
                "1000".parse().unwrap(),
                "4",
                2,
                22,
                RepaymentMethod::LevelPrincipal,
                DayCount::Thirty360
            ))
            .is_ok()
        );
    }

    #[test]
    fn arrears_and_the_brooke_fact() {
        let mut loan = DirectLoan::new(terms(
            "1000000".parse().unwrap(),
            "5",
            0,
            4,
            RepaymentMethod::LevelPayment,
            DayCount::Actual365,
        ))
        .unwrap();
        assert_eq!(loan.arrears(day(2008, 7, 15)).unwrap(), None);
        let first = loan.schedule()[0];
        let a = loan.arrears(day(2008, 7, 16)).unwrap().unwrap();
        assert_eq!(a.oldest_unpaid_due, first.due);
        assert_eq!(a.amount_past_due, first.total().unwrap());
        loan.record_payment(day(2008, 7, 20), first.total().unwrap())
            .unwrap();
        assert_eq!(loan.arrears(day(2008, 8, 1)).unwrap(), None);
        let fact = loan
            .arrears_fact(
                "ZWE".parse().unwrap(),
                day(2009, 3, 1),
                Citation::new("loan", "1"),
            )
            .unwrap()
            .unwrap();
        assert_eq!(
            fact.kind,
            FactKind::LoanArrears {
                oldest_unpaid_due: day(2009, 1, 15)
            }
        );
        assert!(
            loan.record_payment(day(2008, 7, 1), "1".parse().unwrap())
                .is_err()
        );
        assert!(matches!(
            loan.record_payment(day(2009, 8, 1), "99999999".parse().unwrap()),
            Err(FinancingError::Overpayment { .. })
        ));
    }

    fn method() -> impl Strategy<Value = RepaymentMethod> {
        prop_oneof![
            Just(RepaymentMethod::LevelPrincipal),
            Just(RepaymentMethod::LevelPayment)
        ]
    }

    fn day_count() -> impl Strategy<Value = DayCount> {
        prop_oneof![Just(DayCount::Thirty360), Just(DayCount::Actual365)]
    }

    proptest! {
        #[test]
        fn principal_sums_exactly_and_nothing_is_negative(
            cents in 1i64..1_000_000_000_000,
            rate in 0u32..1500,
            grace in 0u32..4,
            n in 1u32..20,
            method in method(),
            dc in day_count(),
        ) {
            let rate = format!("{}.{:02}", rate / 100, rate % 100);
            let loan = DirectLoan::new(terms(Money::from_cents(cents), &rate, grace, n, method, dc)).unwrap();
            let principal = Money::checked_sum(loan.schedule().iter().map(|i| i.principal)).unwrap();
            prop_assert_eq!(principal, Money::from_cents(cents));
            for i in loan.schedule() {
                prop_assert!(!i.principal.is_negative() && !i.interest.is_negative() && !i.balance_after.is_negative());
            }
        }

        #[test]
        fn interest_follows_the_named_convention(cents in 1i64..100_000_000_000, rate in 1u32..1500) {
            let rate_text = format!("{}.{:02}", rate / 100, rate % 100);
            let loan = DirectLoan::new(terms(Money::from_cents(cents), &rate_text, 1, 4, RepaymentMethod::LevelPrincipal, DayCount::Thirty360)).unwrap();
            // 30/360: a six-month period is exactly half the annual rate.
            let expected = Money::from_decimal(
                Money::from_cents(cents).to_decimal() * Decimal::from(rate) / Decimal::from(20000),
                Rounding::HalfEven,
            ).unwrap();
            prop_assert_eq!(loan.schedule()[0].interest, expected);
            let actual = DirectLoan::new(terms(Money::from_cents(cents), &rate_text, 1, 4, RepaymentMethod::LevelPrincipal, DayCount::Actual365)).unwrap();
            // Actual/365: 2008-01-15 to 2008-07-15 is 182 days.
            let expected = Money::from_decimal(
                Money::from_cents(cents).to_decimal() * Decimal::from(rate) * Decimal::from(182) / Decimal::from(365) / Decimal::from(10000),
                Rounding::HalfEven,
            ).unwrap();
            prop_assert_eq!(actual.schedule()[0].interest, expected);
        }

        #[test]
        fn arrears_only_grow_until_a_payment(offsets in proptest::collection::vec(0u64..4000, 2..8)) {
            let loan = DirectLoan::new(terms("1000000".parse().unwrap(), "5", 1, 6, RepaymentMethod::LevelPayment, DayCount::Actual365)).unwrap();
            let mut dates: Vec<NaiveDate> = offsets.iter().map(|o| day(2008, 1, 15) + chrono::Days::new(*o)).collect();
            dates.sort();
            let mut previous = Money::ZERO;
            for d in dates {
                let now = loan.arrears(d).unwrap().map_or(Money::ZERO, |a| a.amount_past_due);
                prop_assert!(now >= previous);
                previous = now;
            }
        }
    }
}

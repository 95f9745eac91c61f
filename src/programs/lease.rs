//! Leases of articles (AECA chapter 6, 22 U.S.C. 2796): rental, waivers, payments through
//! the ledger, renewal, return, and loss or damage.
//!
//! # The rules encoded
//!
//! DOMAIN.md is silent on leases; these come from the statute as read in stored copies of
//! 22 U.S.C. 2796 and SAMM C11.6, and are documented choices where noted:
//!
//! - **Term**: each lease (and each renewal, which is a new lease agreement) runs for a
//!   fixed duration of at most [`MAX_TERM_MONTHS`] months (AECA section 61(b)). Some
//!   secondary sources read the five years as including renewals; this crate does not.
//! - **Rental** (AECA section 61(a)(4), 22 U.S.C. 2796(a)(4): the lessee agrees "to pay in
//!   United States dollars all costs incurred by the United States Government in leasing
//!   such articles, including reimbursement for depreciation of such articles while
//!   leased"; [`Money`] is U.S. dollars by construction). Documented choice, straight-line
//!   depreciation over the article's normal service life:
//!
//!   ```text
//!   rental = round(replacement value × term ÷ service-life months) + other costs
//!   ```
//!
//!   rounded once, to the cent, with the lease's named [`Rounding`]. The term is whole
//!   months plus, when it is not whole months, some days fewer than the month that follows
//!   them ([`TermLength`]); those days count as a fraction of a month by the lease's
//!   [`Proration`]: the days over the days of that calendar month
//!   ([`Proration::ActualDays`]) or over 30 ([`Proration::ThirtyDayMonth`]). Neither SAMM
//!   C11 nor the statute, as read in the stored copies (SAMM C11.6, 22 U.S.C. 2796), gives
//!   a proration rule, so the rule is the caller's choice, named on the lease; the crate's
//!   default is [`Proration::ActualDays`]. The rental is paid in installments in advance,
//!   every `payment_months` from the start, each the rental's share of the months it pays
//!   for (rounded the same way), the extra days paid on the day they begin, the last
//!   installment taking the remainder, so they sum exactly to the rental.
//!   [`Lease::rental_by_fiscal_year`] splits each term's rental over the fiscal years its
//!   days fall in, by days, to the cent (a largest-remainder split), so the pieces add up
//!   to the rental.
//! - **Waivers**: a lease for cooperative research or development, military exercises, or
//!   communications or electronics interface projects pays nothing under paragraph (4) —
//!   neither rental nor costs nor loss and damage ("The requirement of paragraph (4) shall
//!   not apply to leases entered into for purposes of ...", the text after section
//!   61(a)(4)); for an article past three quarters of its
//!   normal service life the depreciation may be waived on a national-security
//!   determination, and the other costs, loss and damage are still paid.
//! - **Loss and damage**: damage is billed at the cost of restoration, at most the
//!   replacement value; a loss at the replacement value less depreciation to the day of
//!   the loss when the United States will replace the article, or at the actual value stated
//!   in the lease less the same depreciation when it will not (AECA section 61(a)(4)(A),
//!   (B)).
//!
//! Payments by the lessee's own cash are recorded on the lease; payments from a financing
//! grant or loan are posted to the ledger as disbursements of that financing document
//! first, and recorded only if the ledger accepts them.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::eligibility::AllowAll;
//! use security_assistance::notification::Thresholds;
//! use security_assistance::programs::lease::{Lease, LeaseRequest, LeasedArticle, RentalPayer};
//! use security_assistance::Rounding;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
//! let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
//! let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
//!     24, article, RentalPayer::Lessee, Rounding::HalfEven)
//!     // A lease of a year or longer waits for the AECA section 62 certification's review:
//!     // 15 days for Poland, a NATO member (section 62(c)(1)), 30 for most lessees.
//!     .notified_on(day(2014, 12, 2)?);
//! let mut lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
//! // $30,000,000.00 × 24 ÷ 360 = $2,000,000.00, in 8 quarterly payments of $250,000.00.
//! assert_eq!(lease.rental()?.to_string(), "$2,000,000.00");
//! assert_eq!(lease.schedule()?.len(), 8);
//! lease.pay(day(2015, 1, 1)?, "250000".parse()?)?;
//! assert_eq!(lease.balance_due(day(2015, 4, 1)?)?.to_string(), "$250,000.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, BudgetError, Command, CommandId, DocumentId, Ledger, Receipt,
};
use crate::eligibility::{Decision, EligibilityCheck, EligibilityRequest};
use crate::fiscal::FiscalYear;
use crate::law::Citation;
use crate::money::{Money, MoneyError, Rounding};
use crate::notification::{self, AssessError, NoticeGap, ProposedAction, Thresholds};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The AECA section 62 certification a lease (or a renewal) of `term_months` entered into
/// on `date` needs under `thresholds`, if any, transmitted on `notified` and reviewed by
/// `date`.
fn check_notice(
    id: &DocumentId,
    action: &ProposedAction,
    date: NaiveDate,
    notified: Option<NaiveDate>,
    thresholds: &Thresholds,
) -> Result<(), LeaseError> {
    match notification::check_given(action, date, notified, thresholds) {
        Ok(_) => Ok(()),
        Err(NoticeGap::Assess(e)) => Err(e.into()),
        Err(NoticeGap::Required(today)) => Err(LeaseError::NotificationRequired {
            id: id.clone(),
            citation: today.citation,
            review_days: today.review_days,
            earliest_if_notified_today: today.earliest,
        }),
        Err(NoticeGap::Pending { notice, notified }) => Err(LeaseError::ReviewPeriodNotEnded {
            id: id.clone(),
            citation: notice.citation,
            notified,
            earliest: notice.earliest,
            start: date,
        }),
    }
}

/// The longest term of one lease or renewal, in months: five years (AECA section 61(b)).
pub const MAX_TERM_MONTHS: u32 = 60;

/// How the days of a term that is not whole months count toward its rental: a fraction of
/// the month that follows the whole months. Neither SAMM C11 nor AECA section 61 gives the
/// rule (stored copies of SAMM C11.6 and 22 U.S.C. 2796 read), so it is the caller's
/// choice, named on the lease.
///
/// ```
/// use security_assistance::programs::lease::Proration;
/// assert_eq!(Proration::default(), Proration::ActualDays);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Proration {
    /// The days over the days of that calendar month (10 days of a 31-day month: 10/31).
    #[default]
    ActualDays,
    /// The days over 30, at most 30 (10 days: 10/30; 30 days of a 31-day month: a month).
    ThirtyDayMonth,
}

/// The length of a lease term or renewal: whole months and some days fewer than the month
/// that follows them.
///
/// ```
/// use security_assistance::programs::lease::TermLength;
/// assert_eq!(TermLength::from(12), TermLength { months: 12, days: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermLength {
    /// Whole months.
    pub months: u32,
    /// Days after the whole months.
    pub days: u32,
}

impl From<u32> for TermLength {
    fn from(months: u32) -> TermLength {
        TermLength { months, days: 0 }
    }
}

impl TermLength {
    /// Checks the length for a term starting on `start`: not empty, at most
    /// [`MAX_TERM_MONTHS`] months (five years, no days past them), and the days fewer than
    /// the month that follows the whole months.
    fn check(self, start: NaiveDate) -> Result<(), LeaseError> {
        if self.months == 0 && self.days == 0 {
            return Err(LeaseError::ZeroMonths {
                what: "term".to_owned(),
            });
        }
        if self.months > MAX_TERM_MONTHS || (self.months == MAX_TERM_MONTHS && self.days > 0) {
            return Err(LeaseError::TermTooLong {
                months: self.months,
                max: MAX_TERM_MONTHS,
            });
        }
        let month_days = month_days_after(start, self.months)?;
        if self.days >= month_days {
            return Err(LeaseError::DaysNotUnderAMonth {
                days: self.days,
                month_days,
            });
        }
        Ok(())
    }
}

/// The days of the calendar month that follows `months` whole months from `start` (from
/// `start + months` to `start + months + 1`).
fn month_days_after(start: NaiveDate, months: u32) -> Result<u32, LeaseError> {
    let from = start
        .checked_add_months(Months::new(months))
        .ok_or(LeaseError::DateOutOfRange)?;
    let to = from
        .checked_add_months(Months::new(1))
        .ok_or(LeaseError::DateOutOfRange)?;
    u32::try_from(to.signed_duration_since(from).num_days()).map_err(|_| LeaseError::DateOutOfRange)
}

/// An article offered for lease.
///
/// ```
/// use security_assistance::programs::lease::LeasedArticle;
/// let article = LeasedArticle::new("patrol boat", "4000000".parse()?, 240, 200);
/// assert!(article.past_three_quarters_of_service_life());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeasedArticle {
    /// What it is.
    pub description: String,
    /// What replacing it would cost.
    pub replacement_value: Money,
    /// Its normal service life, in months.
    pub service_life_months: u32,
    /// How many months of service it has had when the lease starts.
    pub months_in_service: u32,
    /// The actual value stated in the lease, billed (less depreciation) if the article is
    /// lost and the United States will not replace it; the replacement value when `None`.
    pub actual_value: Option<Money>,
}

impl LeasedArticle {
    /// An article of `replacement_value` with a normal service life of
    /// `service_life_months`, `months_in_service` old.
    #[must_use]
    pub fn new(
        description: impl Into<String>,
        replacement_value: Money,
        service_life_months: u32,
        months_in_service: u32,
    ) -> LeasedArticle {
        LeasedArticle {
            description: description.into(),
            replacement_value,
            service_life_months,
            months_in_service,
            actual_value: None,
        }
    }

    /// Whether the article has passed three quarters of its normal service life.
    #[must_use]
    pub fn past_three_quarters_of_service_life(&self) -> bool {
        u64::from(self.months_in_service).saturating_mul(4)
            > u64::from(self.service_life_months).saturating_mul(3)
    }
}

/// The purposes for which AECA section 61(a)(4) does not apply: no rental, costs, loss or
/// damage are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaivedPurpose {
    /// Cooperative research or development.
    CooperativeResearchOrDevelopment,
    /// Military exercises.
    MilitaryExercises,
    /// Communications or electronics interface projects.
    CommunicationsOrElectronicsInterface,
}

/// A waiver the law allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "waiver")]
#[non_exhaustive]
pub enum RentalWaiver {
    /// A lease for a purpose to which section 61(a)(4) does not apply.
    Purpose {
        /// The purpose.
        purpose: WaivedPurpose,
    },
    /// Depreciation waived for an article past three quarters of its normal service life,
    /// on a national-security determination.
    ServiceLife {
        /// The determination.
        determination: DocumentId,
    },
}

/// Who pays the rental and any bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "payer")]
#[non_exhaustive]
pub enum RentalPayer {
    /// The lessee, in cash.
    Lessee,
    /// A financing grant or loan, obligated in `account`.
    Financing {
        /// The financing document.
        document: DocumentId,
        /// The account it is obligated in.
        account: AccountSymbol,
    },
}

impl RentalPayer {
    /// The payer in words: "the lessee" or "financing document G-1".
    ///
    /// ```
    /// use security_assistance::programs::lease::RentalPayer;
    /// assert_eq!(RentalPayer::Lessee.describe(), "the lessee");
    /// ```
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            RentalPayer::Lessee => "the lessee".to_owned(),
            RentalPayer::Financing { document, .. } => format!("financing document {document}"),
        }
    }
}

/// What opens a lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseRequest {
    /// The lease identifier.
    pub id: DocumentId,
    /// The lessee.
    pub lessee: CountryCode,
    /// The first day of the lease.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub start: NaiveDate,
    /// Its term in whole months.
    pub term_months: u32,
    /// Days of the term after its whole months, fewer than the month that follows them
    /// (0: a term of whole months).
    #[serde(default)]
    pub term_days: u32,
    /// How those days count toward the rental.
    #[serde(default)]
    pub proration: Proration,
    /// The article.
    pub article: LeasedArticle,
    /// Other costs the United States incurs, added to the rental of every term.
    pub other_costs: Money,
    /// The cost of refurbishing the article for the lease, charged once, with the first
    /// term's rental: a cost the United States incurs in leasing, which the lessee pays
    /// (AECA section 61(a)(4), "all costs incurred by the United States Government in
    /// leasing"; that refurbishment is one of them is this crate's reading). Nothing under
    /// a purpose waiver, like the rest of paragraph (4).
    #[serde(default)]
    pub refurbishment: Money,
    /// Months between rental payments (3: quarterly).
    pub payment_months: u32,
    /// A waiver, if one applies.
    pub waiver: Option<RentalWaiver>,
    /// Who pays.
    pub payer: RentalPayer,
    /// How the rental is rounded to the cent.
    pub rounding: Rounding,
    /// The day the AECA section 62 certification of the lease was transmitted to the
    /// Congress, if it was (required for a lease of a year or longer: [`Lease::new`]).
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub notified: Option<NaiveDate>,
}

impl LeaseRequest {
    /// A lease without other costs or waiver, paid quarterly.
    #[must_use]
    pub fn new(
        id: DocumentId,
        lessee: CountryCode,
        start: NaiveDate,
        term_months: u32,
        article: LeasedArticle,
        payer: RentalPayer,
        rounding: Rounding,
    ) -> LeaseRequest {
        LeaseRequest {
            id,
            lessee,
            start,
            term_months,
            term_days: 0,
            proration: Proration::ActualDays,
            article,
            other_costs: Money::ZERO,
            refurbishment: Money::ZERO,
            payment_months: 3,
            waiver: None,
            payer,
            rounding,
            notified: None,
        }
    }

    /// The same request with the AECA section 62 certification transmitted on `date`.
    #[must_use]
    pub fn notified_on(mut self, date: NaiveDate) -> LeaseRequest {
        self.notified = Some(date);
        self
    }
}

/// One term of a lease: the original or a renewal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// The first day.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub start: NaiveDate,
    /// The length in whole months.
    pub months: u32,
    /// The days after the whole months (fewer than the month that follows them).
    #[serde(default)]
    pub days: u32,
    /// The months of service the article had at the start of the term.
    pub months_in_service: u32,
    /// The rental for the term.
    pub rental: Money,
}

impl Term {
    /// The first day after the term.
    #[must_use]
    pub fn end(&self) -> Option<NaiveDate> {
        self.start
            .checked_add_months(Months::new(self.months))?
            .checked_add_days(chrono::Days::new(u64::from(self.days)))
    }
}

/// A rental installment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RentalInstallment {
    /// The due date (in advance of the period it pays for).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub due: NaiveDate,
    /// The amount.
    pub amount: Money,
}

/// Why a bill was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BillReason {
    /// Restoration of a damaged article.
    Damage,
    /// Loss or destruction; the United States will replace the article.
    LossReplaced,
    /// Loss or destruction; the United States will not replace the article.
    LossNotReplaced,
}

/// A bill for loss or damage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bill {
    /// The date raised.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// Why.
    pub reason: BillReason,
    /// The amount.
    pub amount: Money,
}

/// A payment received on a lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeasePayment {
    /// The date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The amount.
    pub amount: Money,
    /// The ledger command that posted it, for a financing payment.
    pub command: Option<CommandId>,
}

/// The condition of an article on its return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "condition")]
#[non_exhaustive]
pub enum ReturnCondition {
    /// As leased, allowing for fair wear.
    Serviceable,
    /// Damaged; restoring it costs `restoration_cost`.
    Damaged {
        /// The cost of restoration.
        restoration_cost: Money,
    },
}

/// Where a lease is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LeaseState {
    /// The article is with the lessee.
    Active,
    /// The article came back.
    Returned,
    /// The article was lost or destroyed.
    Lost,
}

impl fmt::Display for LeaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            LeaseState::Active => "active",
            LeaseState::Returned => "returned",
            LeaseState::Lost => "lost",
        })
    }
}

/// Something done to a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LeaseAction {
    /// Renew for a new term.
    Renew,
    /// Return the article.
    Return,
    /// Report the article lost.
    ReportLoss,
    /// Pay.
    Pay,
}

impl fmt::Display for LeaseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            LeaseAction::Renew => "renew",
            LeaseAction::Return => "return",
            LeaseAction::ReportLoss => "report the loss of",
            LeaseAction::Pay => "pay",
        })
    }
}

/// A lease: its terms, schedule, payments, bills and state. Every method checks first and
/// either applies whole or returns a [`LeaseError`] and changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lease {
    id: DocumentId,
    lessee: CountryCode,
    article: LeasedArticle,
    other_costs: Money,
    payment_months: u32,
    waiver: Option<RentalWaiver>,
    payer: RentalPayer,
    rounding: Rounding,
    #[serde(default)]
    proration: Proration,
    terms: Vec<Term>,
    payments: Vec<LeasePayment>,
    bills: Vec<Bill>,
    state: LeaseState,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    ended: Option<NaiveDate>,
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    last_step: NaiveDate,
    decision: Decision,
}

impl Lease {
    /// Opens a lease.
    ///
    /// # Errors
    ///
    /// In precedence order: [`LeaseError::EmptyDescription`],
    /// [`LeaseError::NegativeAmount`]; for the term ([`TermLength`]: `term_months` and
    /// `term_days`) [`LeaseError::ZeroMonths`] when empty, [`LeaseError::TermTooLong`] past
    /// five years, [`LeaseError::DaysNotUnderAMonth`] when the days make a month;
    /// [`LeaseError::ZeroMonths`] for the service life or payment period; [`LeaseError::ServiceLifeNotPassed`]
    /// for a service-life waiver on an article that has not passed three quarters of its
    /// life; [`LeaseError::NotificationRequired`] or [`LeaseError::ReviewPeriodNotEnded`]
    /// when the lease needs the AECA section 62 certification (a term of a year or longer,
    /// under the dated lease rows of `thresholds` — [`Thresholds::current`] ships them with
    /// their source: 30 days before the lease from 1981-12-29 (P.L. 97-113), and from
    /// 1996-08-05 15 days for NATO members, Australia, Japan and New Zealand (P.L. 104-164,
    /// 22 U.S.C. 2796a(c)); a caller may pass its own rows) and it was not transmitted, or
    /// its review has not run by the start;
    /// [`LeaseError::Ineligible`] when `eligibility` refuses a lease to the lessee on the
    /// start date.
    pub fn new(
        request: LeaseRequest,
        thresholds: &Thresholds,
        eligibility: &dyn EligibilityCheck,
    ) -> Result<Lease, LeaseError> {
        let article = &request.article;
        if article.description.trim().is_empty() {
            return Err(LeaseError::EmptyDescription);
        }
        if let Some(amount) = [
            article.replacement_value,
            request.other_costs,
            request.refurbishment,
        ]
        .into_iter()
        .chain(article.actual_value)
        .find(|a| a.is_negative())
        {
            return Err(LeaseError::NegativeAmount { amount });
        }
        let length = TermLength {
            months: request.term_months,
            days: request.term_days,
        };
        length.check(request.start)?;
        for (what, months) in [
            ("service life", article.service_life_months),
            ("payment period", request.payment_months),
        ] {
            if months == 0 {
                return Err(LeaseError::ZeroMonths {
                    what: what.to_owned(),
                });
            }
        }
        if matches!(request.waiver, Some(RentalWaiver::ServiceLife { .. }))
            && !article.past_three_quarters_of_service_life()
        {
            return Err(LeaseError::ServiceLifeNotPassed {
                months_in_service: article.months_in_service,
                service_life_months: article.service_life_months,
            });
        }
        let action = ProposedAction::Lease {
            partner: request.lessee,
            term_months: request.term_months,
            replacement_value: article.replacement_value,
        };
        check_notice(
            &request.id,
            &action,
            request.start,
            request.notified,
            thresholds,
        )?;
        let mut asked = EligibilityRequest::new(request.lessee, ProgramKind::Leases, request.start);
        asked.document = Some(request.id.as_str().to_owned());
        let decision = eligibility.decide(&asked);
        if !decision.outcome().allows() {
            return Err(LeaseError::Ineligible {
                id: request.id,
                decision: Box::new(decision),
            });
        }
        let mut lease = Lease {
            id: request.id,
            lessee: request.lessee,
            article: request.article,
            other_costs: request.other_costs,
            payment_months: request.payment_months,
            waiver: request.waiver,
            payer: request.payer,
            rounding: request.rounding,
            proration: request.proration,
            terms: Vec::new(),
            payments: Vec::new(),
            bills: Vec::new(),
            state: LeaseState::Active,
            ended: None,
            last_step: request.start,
            decision,
        };
        let mut term = lease.price_term(request.start, length, lease.article.months_in_service)?;
        if lease.billable() {
            term.rental = term.rental.checked_add(request.refurbishment)?;
        }
        lease.terms.push(term);
        Ok(lease)
    }

    /// The rental for a term of `length` starting on `start` with `months_in_service`:
    /// the depreciation of `months + days ÷ month` months, rounded once (see the module
    /// documentation), plus the other costs.
    fn price_term(
        &self,
        start: NaiveDate,
        length: TermLength,
        months_in_service: u32,
    ) -> Result<Term, LeaseError> {
        let term = Term {
            start,
            months: length.months,
            days: length.days,
            months_in_service,
            rental: Money::ZERO,
        };
        let rental = match &self.waiver {
            Some(RentalWaiver::Purpose { .. }) => Money::ZERO,
            Some(RentalWaiver::ServiceLife { .. }) => self.other_costs,
            None => {
                let (units, per_month) = self.term_units(&term)?;
                let depreciation = self.article.replacement_value.checked_mul_ratio(
                    units,
                    i128::from(self.article.service_life_months).saturating_mul(per_month),
                    self.rounding,
                )?;
                depreciation.checked_add(self.other_costs)?
            }
        };
        Ok(Term { rental, ..term })
    }

    /// A term's length in day-units and the units of one month, by the lease's
    /// [`Proration`]: `(months × m + days, m)` where `m` is the days of the calendar month
    /// after the whole months ([`Proration::ActualDays`]) or 30, the days counted at most
    /// 30 ([`Proration::ThirtyDayMonth`]).
    fn term_units(&self, term: &Term) -> Result<(i128, i128), LeaseError> {
        let (per_month, days) = match self.proration {
            Proration::ActualDays => (month_days_after(term.start, term.months)?, term.days),
            Proration::ThirtyDayMonth => (30, term.days.min(30)),
        };
        let per_month = i128::from(per_month);
        let units = i128::from(term.months)
            .saturating_mul(per_month)
            .saturating_add(i128::from(days));
        Ok((units, per_month))
    }

    /// Each term's rental split over the fiscal years its days fall in, by days (the
    /// first term's refurbishment with it), and summed per fiscal year, in order: the
    /// rental an appropriation-year report charges to each year. The split is to the cent
    /// with the cents left over going to the largest remainders, so the pieces of a term
    /// add up to its rental and the pieces of the lease to [`Lease::rental`]. A lease
    /// returned or lost early still lists its whole terms, as [`Lease::rental`] does.
    ///
    /// # Errors
    ///
    /// [`LeaseError::DateOutOfRange`] for a term outside the calendar;
    /// [`LeaseError::Money`] on overflow.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("radar", "3650000".parse()?, 120, 0);
    /// let mut request = LeaseRequest::new("LEASE-1".parse()?, "POL".parse()?,
    ///     day(2015, 9, 1)?, 2, article, RentalPayer::Lessee, Rounding::HalfEven);
    /// request.term_days = 10; // 2015-09-01 to 2015-11-10: two months and 10 of November's 30 days
    /// let lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// // $3,650,000.00 × (2 + 10/30) ÷ 120 = $70,972.222… → $70,972.22
    /// assert_eq!(lease.rental()?.to_string(), "$70,972.22");
    /// let by_year = lease.rental_by_fiscal_year()?;
    /// // 30 days in FY2015 (September), 41 in FY2016 (October and 10 days of November):
    /// // 30/71 and 41/71 of the rental, the cent left over to the larger remainder.
    /// assert_eq!(by_year[0].1.to_string(), "$29,988.26");
    /// assert_eq!(by_year[1].1.to_string(), "$40,983.96");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rental_by_fiscal_year(&self) -> Result<Vec<(FiscalYear, Money)>, LeaseError> {
        let mut out: Vec<(FiscalYear, Money)> = Vec::new();
        for term in &self.terms {
            let end = term.end().ok_or(LeaseError::DateOutOfRange)?;
            let mut pieces: Vec<(FiscalYear, Money)> = Vec::new();
            let mut from = term.start;
            while from < end {
                let year = FiscalYear::containing(from);
                let next = year
                    .last_day()
                    .succ_opt()
                    .ok_or(LeaseError::DateOutOfRange)?
                    .min(end);
                let days = next.signed_duration_since(from).num_days();
                pieces.push((year, Money::from_cents(days)));
                from = next;
            }
            let weights: Vec<Money> = pieces.iter().map(|(_, w)| *w).collect();
            let shares = crate::money::pro_rata(term.rental, &weights)?;
            for ((year, _), share) in pieces.into_iter().zip(shares) {
                match out.iter_mut().find(|(y, _)| *y == year) {
                    Some((_, sum)) => *sum = sum.checked_add(share)?,
                    None => out.push((year, share)),
                }
            }
        }
        out.sort_by_key(|(year, _)| *year);
        Ok(out)
    }

    /// The lease identifier.
    #[must_use]
    pub fn id(&self) -> &DocumentId {
        &self.id
    }

    /// The lessee.
    #[must_use]
    pub fn lessee(&self) -> CountryCode {
        self.lessee
    }

    /// The article.
    #[must_use]
    pub fn article(&self) -> &LeasedArticle {
        &self.article
    }

    /// The state.
    #[must_use]
    pub fn state(&self) -> LeaseState {
        self.state
    }

    /// Every term, the original first.
    #[must_use]
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The payments received.
    #[must_use]
    pub fn payments(&self) -> &[LeasePayment] {
        &self.payments
    }

    /// The bills for loss or damage.
    #[must_use]
    pub fn bills(&self) -> &[Bill] {
        &self.bills
    }

    /// The eligibility decision that allowed the lease.
    #[must_use]
    pub fn decision(&self) -> &Decision {
        &self.decision
    }

    /// The day the lease ended (returned or lost), if it has.
    #[must_use]
    pub fn ended_on(&self) -> Option<NaiveDate> {
        self.ended
    }

    /// The rental over every term.
    ///
    /// # Errors
    ///
    /// [`LeaseError::Money`] on overflow.
    pub fn rental(&self) -> Result<Money, LeaseError> {
        Ok(Money::checked_sum(self.terms.iter().map(|t| t.rental))?)
    }

    /// Every rental installment of every term, in due order.
    ///
    /// # Errors
    ///
    /// [`LeaseError::Money`] on overflow.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
    /// let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
    ///     24, article, RentalPayer::Lessee, Rounding::HalfEven)
    ///     .notified_on(day(2014, 12, 2)?);
    /// let lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// let schedule = lease.schedule()?;
    /// assert_eq!(schedule.len(), 8);
    /// assert_eq!(schedule[7].due, day(2016, 10, 1)?);
    /// assert_eq!(schedule[7].amount.to_string(), "$250,000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn schedule(&self) -> Result<Vec<RentalInstallment>, LeaseError> {
        let mut all = Vec::new();
        for term in &self.terms {
            all.extend(self.term_schedule(term)?);
        }
        Ok(all)
    }

    fn term_schedule(&self, term: &Term) -> Result<Vec<RentalInstallment>, LeaseError> {
        // Periods of `payment_months` whole months (the last may be shorter), then the
        // extra days as a period of their own, due the day they begin.
        let (units, per_month) = self.term_units(term)?;
        let mut periods: Vec<(u32, i128)> = Vec::new();
        let mut offset = 0u32;
        while offset < term.months {
            let next = offset.saturating_add(self.payment_months).min(term.months);
            periods.push((
                offset,
                i128::from(next.saturating_sub(offset)).saturating_mul(per_month),
            ));
            offset = next;
        }
        if term.days > 0 {
            periods.push((
                term.months,
                units.saturating_sub(i128::from(term.months).saturating_mul(per_month)),
            ));
        }
        let mut out = Vec::with_capacity(periods.len());
        let mut paid = Money::ZERO;
        let last = periods.len().saturating_sub(1);
        for (i, (offset, share_units)) in periods.into_iter().enumerate() {
            let due = term
                .start
                .checked_add_months(Months::new(offset))
                .ok_or(LeaseError::DateOutOfRange)?;
            let rest = term.rental.checked_sub(paid)?;
            let amount = if i == last {
                rest
            } else {
                // Capped at what is left: rounded away from zero, the shares of a tiny
                // rental (a cent over three months) would otherwise pass the rental and
                // leave a negative last installment.
                term.rental
                    .checked_mul_ratio(share_units, units, self.rounding)?
                    .min(rest)
            };
            paid = paid.checked_add(amount)?;
            out.push(RentalInstallment { due, amount });
        }
        // The installments sum to the term's rental by construction (issue 17: no
        // assertion that input can reach): the last one is `rental − paid`, and there is
        // at least one period because a term is never empty (`TermLength::check` in
        // `Lease::new` and `renew`) and `payment_months` is at least 1.
        Ok(out)
    }

    /// What has been paid.
    ///
    /// # Errors
    ///
    /// [`LeaseError::Money`] on overflow.
    pub fn paid(&self) -> Result<Money, LeaseError> {
        Ok(Money::checked_sum(self.payments.iter().map(|p| p.amount))?)
    }

    /// Everything owed over the life of the lease: rental installments (of installments
    /// due before the lease ended, when it has) and bills.
    fn owed_by(&self, date: Option<NaiveDate>) -> Result<Money, LeaseError> {
        let installments = self
            .schedule()?
            .into_iter()
            .filter(|i| date.is_none_or(|d| i.due <= d))
            .filter(|i| self.ended.is_none_or(|end| i.due < end))
            .map(|i| i.amount);
        let bills = self
            .bills
            .iter()
            .filter(|b| date.is_none_or(|d| b.date <= d))
            .map(|b| b.amount);
        Ok(Money::checked_sum(installments.chain(bills))?)
    }

    /// What is due on `date` and not yet paid (never negative).
    ///
    /// # Errors
    ///
    /// [`LeaseError::Money`] on overflow.
    pub fn balance_due(&self, date: NaiveDate) -> Result<Money, LeaseError> {
        let owed = self.owed_by(Some(date))?;
        let paid = self.paid()?;
        Ok(if paid >= owed {
            Money::ZERO
        } else {
            owed.checked_sub(paid)?
        })
    }

    fn check(
        &self,
        action: LeaseAction,
        date: NaiveDate,
        allowed: &[LeaseState],
    ) -> Result<(), LeaseError> {
        if !allowed.contains(&self.state) {
            return Err(LeaseError::IllegalAction {
                lease: self.id.clone(),
                state: self.state,
                action,
            });
        }
        let previous = self.last_step;
        if date < previous {
            return Err(LeaseError::DateBeforePrevious {
                lease: self.id.clone(),
                action,
                date,
                previous,
            });
        }
        Ok(())
    }

    /// The checks of a payment, in precedence order, before any money moves.
    fn check_payment(
        &self,
        date: NaiveDate,
        amount: Money,
        financed: bool,
    ) -> Result<(), LeaseError> {
        let allowed = [LeaseState::Active, LeaseState::Returned, LeaseState::Lost];
        if !allowed.contains(&self.state) {
            return Err(LeaseError::IllegalAction {
                lease: self.id.clone(),
                state: self.state,
                action: LeaseAction::Pay,
            });
        }
        let by_financing = matches!(self.payer, RentalPayer::Financing { .. });
        if by_financing != financed {
            return Err(LeaseError::WrongPayer {
                lease: self.id.clone(),
                payer: self.payer.clone(),
            });
        }
        if !amount.is_positive() {
            return Err(LeaseError::NotPositive { amount });
        }
        self.check(LeaseAction::Pay, date, &allowed)?;
        let owed = self.owed_by(None)?;
        let paid = self.paid()?;
        if paid.checked_add(amount)? > owed {
            return Err(LeaseError::Overpayment {
                lease: self.id.clone(),
                owed,
                paid,
                requested: amount,
            });
        }
        Ok(())
    }

    /// Records a payment of the lessee's own cash.
    ///
    /// # Errors
    ///
    /// [`LeaseError::WrongPayer`] when the lease is paid by financing;
    /// [`LeaseError::NotPositive`]; [`LeaseError::DateBeforePrevious`];
    /// [`LeaseError::Overpayment`] beyond everything the lease will owe.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
    /// let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
    ///     24, article, RentalPayer::Lessee, Rounding::HalfEven)
    ///     .notified_on(day(2014, 12, 2)?);
    /// let mut lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// lease.pay(day(2015, 1, 1)?, "250000".parse()?)?;
    /// assert!(matches!(lease.pay(day(2015, 1, 2)?, "1750000.01".parse()?), Err(LeaseError::Overpayment { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pay(&mut self, date: NaiveDate, amount: Money) -> Result<(), LeaseError> {
        self.check_payment(date, amount, false)?;
        self.payments.push(LeasePayment {
            date,
            amount,
            command: None,
        });
        self.last_step = date;
        Ok(())
    }

    /// Pays from the lease's financing document: posts a disbursement of it to `ledger` as
    /// command `id` by `actor` and, if the ledger accepts it, records the payment.
    ///
    /// # Errors
    ///
    /// As [`Lease::pay`], with [`LeaseError::WrongPayer`] when the lessee pays in cash;
    /// [`LeaseError::Ledger`] when the ledger refuses;
    /// [`LeaseError::DuplicateLedgerCommand`] when `id` was already applied. Neither the
    /// ledger nor the lease changes on an error.
    pub fn pay_from_financing(
        &mut self,
        date: NaiveDate,
        amount: Money,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, LeaseError> {
        self.check_payment(date, amount, true)?;
        let RentalPayer::Financing { document, account } = &self.payer else {
            return Err(LeaseError::WrongPayer {
                lease: self.id.clone(),
                payer: self.payer.clone(),
            });
        };
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Disburse {
                account: *account,
                document: document.clone(),
                amount,
            },
        );
        let receipt = super::post::<LeaseError>(ledger, command)?;
        self.payments.push(LeasePayment {
            date,
            amount,
            command: Some(id),
        });
        self.last_step = date;
        Ok(receipt)
    }

    /// Renews the lease on `date`, the last day of the current term or earlier, for a new
    /// term of `length` (whole months, `12`, or a [`TermLength`] of months and days)
    /// starting the day the current one ends; its rental is priced with the article's age
    /// in whole months at that start and the lease's [`Proration`].
    ///
    /// A renewal is a new lease agreement: AECA section 62 asks the certification before
    /// "entering into or renewing" a lease of a year or longer (22 U.S.C. 2796a(a), (c);
    /// 15 or 30 days by the lessee), so a renewal whose own term reaches the
    /// dated lease rows of `thresholds` needs a certification of its own, transmitted on
    /// `notified` and reviewed by `date` (the certification of the original lease does not
    /// cover it).
    ///
    /// # Errors
    ///
    /// In precedence order: [`LeaseError::IllegalAction`] unless active;
    /// [`LeaseError::DateBeforePrevious`]; [`LeaseError::ZeroMonths`] for an empty term;
    /// [`LeaseError::TermTooLong`] past five years; [`LeaseError::DaysNotUnderAMonth`];
    /// [`LeaseError::RenewalAfterEnd`] after the current term ended; [`LeaseError::NotificationRequired`] or [`LeaseError::ReviewPeriodNotEnded`]
    /// as above.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
    /// let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
    ///     24, article, RentalPayer::Lessee, Rounding::HalfEven)
    ///     .notified_on(day(2014, 12, 2)?);
    /// let mut lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// // A twelve-month renewal needs its own certification (Poland: 15 days ahead).
    /// assert!(matches!(
    ///     lease.clone().renew(day(2016, 12, 1)?, 12, None, &Thresholds::current()),
    ///     Err(LeaseError::NotificationRequired { .. })
    /// ));
    /// lease.renew(day(2016, 12, 1)?, 12, Some(day(2016, 11, 1)?), &Thresholds::current())?;
    /// // The renewal starts 2017-01-01 with the aircraft 144 months old: $1,000,000.00.
    /// assert_eq!(lease.terms()[1].start, day(2017, 1, 1)?);
    /// assert_eq!(lease.rental()?.to_string(), "$3,000,000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn renew(
        &mut self,
        date: NaiveDate,
        length: impl Into<TermLength>,
        notified: Option<NaiveDate>,
        thresholds: &Thresholds,
    ) -> Result<(), LeaseError> {
        let length = length.into();
        self.check(LeaseAction::Renew, date, &[LeaseState::Active])?;
        let current = self.terms.last().ok_or(LeaseError::DateOutOfRange)?;
        let end = current.end().ok_or(LeaseError::DateOutOfRange)?;
        length.check(end)?;
        if date >= end {
            return Err(LeaseError::RenewalAfterEnd {
                lease: self.id.clone(),
                ended: end,
                date,
            });
        }
        let action = ProposedAction::Lease {
            partner: self.lessee,
            term_months: length.months,
            replacement_value: self.article.replacement_value,
        };
        check_notice(&self.id, &action, date, notified, thresholds)?;
        // The article's age counts whole months: the days of a term that is not whole
        // months are not carried into the next term's starting age (documented choice).
        let in_service = current.months_in_service.saturating_add(current.months);
        let term = self.price_term(end, length, in_service)?;
        self.terms.push(term);
        self.last_step = date;
        Ok(())
    }

    /// Records the article's return on `date`; a damaged article is billed its restoration
    /// cost, at most the replacement value (nothing under a purpose waiver). Rental
    /// installments falling due after the return are not owed.
    ///
    /// # Errors
    ///
    /// [`LeaseError::IllegalAction`] unless active; [`LeaseError::DateBeforePrevious`];
    /// [`LeaseError::NegativeAmount`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
    /// let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
    ///     24, article, RentalPayer::Lessee, Rounding::HalfEven)
    ///     .notified_on(day(2014, 12, 2)?);
    /// let mut lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// let damage = ReturnCondition::Damaged { restoration_cost: "120000".parse()? };
    /// let bill = lease.return_article(day(2016, 12, 31)?, damage)?.ok_or("a bill")?;
    /// assert_eq!(bill.amount.to_string(), "$120,000.00");
    /// assert_eq!(lease.state(), LeaseState::Returned);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn return_article(
        &mut self,
        date: NaiveDate,
        condition: ReturnCondition,
    ) -> Result<Option<Bill>, LeaseError> {
        self.check(LeaseAction::Return, date, &[LeaseState::Active])?;
        let bill = match condition {
            ReturnCondition::Serviceable => None,
            ReturnCondition::Damaged { restoration_cost } => {
                if restoration_cost.is_negative() {
                    return Err(LeaseError::NegativeAmount {
                        amount: restoration_cost,
                    });
                }
                self.billable().then(|| Bill {
                    date,
                    reason: BillReason::Damage,
                    amount: restoration_cost.min(self.article.replacement_value),
                })
            }
        };
        self.bills.extend(bill.clone());
        self.state = LeaseState::Returned;
        self.ended = Some(date);
        self.last_step = date;
        Ok(bill)
    }

    /// Records the article lost or destroyed on `date` and bills it: the replacement value
    /// less depreciation to `date` when the United States will `replace` it, else the
    /// stated actual value less the same depreciation (nothing under a purpose waiver).
    /// Depreciation is straight-line over the service life from the article's months in
    /// service at the start of the current term plus the whole months since.
    ///
    /// # Errors
    ///
    /// [`LeaseError::IllegalAction`] unless active; [`LeaseError::DateBeforePrevious`];
    /// [`LeaseError::Money`] on overflow.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::lease::*;
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let article = LeasedArticle::new("C-130H aircraft", "30000000".parse()?, 360, 120);
    /// let request = LeaseRequest::new("LEASE-POL-1".parse()?, "POL".parse()?, day(2015, 1, 1)?,
    ///     24, article, RentalPayer::Lessee, Rounding::HalfEven)
    ///     .notified_on(day(2014, 12, 2)?);
    /// let mut lease = Lease::new(request, &Thresholds::current(), &AllowAll)?;
    /// // Lost after 18 months: 138 of 360 months served, so 222/360 of the replacement value.
    /// let bill = lease.report_loss(day(2016, 7, 1)?, true)?;
    /// assert_eq!(bill.amount.to_string(), "$18,500,000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn report_loss(&mut self, date: NaiveDate, replace: bool) -> Result<Bill, LeaseError> {
        self.check(LeaseAction::ReportLoss, date, &[LeaseState::Active])?;
        let term = self.terms.last().ok_or(LeaseError::DateOutOfRange)?;
        let months_since = whole_months_between(term.start, date);
        let age = term.months_in_service.saturating_add(months_since);
        let life = self.article.service_life_months;
        let remaining = life.saturating_sub(age);
        let (reason, base) = if replace {
            (BillReason::LossReplaced, self.article.replacement_value)
        } else {
            (
                BillReason::LossNotReplaced,
                self.article
                    .actual_value
                    .unwrap_or(self.article.replacement_value),
            )
        };
        let amount = if self.billable() {
            base.checked_mul_ratio(i128::from(remaining), i128::from(life), self.rounding)?
        } else {
            Money::ZERO
        };
        let bill = Bill {
            date,
            reason,
            amount,
        };
        self.bills.push(bill.clone());
        self.state = LeaseState::Lost;
        self.ended = Some(date);
        self.last_step = date;
        Ok(bill)
    }

    fn billable(&self) -> bool {
        !matches!(self.waiver, Some(RentalWaiver::Purpose { .. }))
    }
}

/// Whole months from `from` to `to` (zero if `to` is not later).
fn whole_months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    let mut months = 0u32;
    while let Some(next) = from.checked_add_months(Months::new(months.saturating_add(1))) {
        if next > to || months == u32::MAX {
            break;
        }
        months = months.saturating_add(1);
    }
    months
}

/// Why a lease step was refused.
///
/// # Precedence
///
/// [`LeaseError::precedence`]: 1 state and payer; 2 shape; 3 time; 4 amount; 5 the AECA
/// section 62 certification; 6 eligibility; 7 ledger; 0 arithmetic and assessment.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum LeaseError {
    /// The action is not allowed in the lease's state.
    #[error("cannot {action} lease {lease} while it is {state}")]
    IllegalAction {
        /// The lease.
        lease: DocumentId,
        /// Its state.
        state: LeaseState,
        /// The action refused.
        action: LeaseAction,
    },
    /// The payment came from the wrong payer.
    #[error("lease {lease} is paid by {}: pay it that way", payer.describe())]
    WrongPayer {
        /// The lease.
        lease: DocumentId,
        /// The lease's payer.
        payer: RentalPayer,
    },
    /// The article has no description.
    #[error("the leased article must be described")]
    EmptyDescription,
    /// A negative amount.
    #[error("amount {amount} must not be negative")]
    NegativeAmount {
        /// The amount.
        amount: Money,
    },
    /// A payment that is not positive.
    #[error("amount {amount} must be greater than zero")]
    NotPositive {
        /// The amount.
        amount: Money,
    },
    /// A period of zero months.
    #[error("the {what} must be at least one month")]
    ZeroMonths {
        /// Which period.
        what: String,
    },
    /// A term longer than the law allows.
    #[error("a lease term of {months} months is too long: at most {max} months are allowed")]
    TermTooLong {
        /// The term given.
        months: u32,
        /// The most allowed.
        max: u32,
    },
    /// The days of a term that is not whole months make a month or more.
    #[error(
        "a term's {days} days after its whole months must be fewer than the {month_days} days of the month that follows them: count that month as a whole month"
    )]
    DaysNotUnderAMonth {
        /// The days given.
        days: u32,
        /// The days of the month after the whole months.
        month_days: u32,
    },
    /// A date outside the calendar.
    #[error("a lease date falls outside the supported calendar")]
    DateOutOfRange,
    /// A step dated before the lease's previous step.
    #[error(
        "cannot {action} lease {lease} on {date}: its previous step was on {previous} and steps may not go back in time"
    )]
    DateBeforePrevious {
        /// The lease.
        lease: DocumentId,
        /// The action.
        action: LeaseAction,
        /// The date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The previous step's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        previous: NaiveDate,
    },
    /// A renewal after the current term ended.
    #[error("lease {lease} ended on {ended}: renew it before then, not on {date}")]
    RenewalAfterEnd {
        /// The lease.
        lease: DocumentId,
        /// The first day after the term.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        ended: NaiveDate,
        /// The renewal date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A service-life waiver on an article that has not passed three quarters of its life.
    #[error(
        "depreciation may be waived only past three quarters of the service life: the article has served {months_in_service} of {service_life_months} months"
    )]
    ServiceLifeNotPassed {
        /// Months in service.
        months_in_service: u32,
        /// The service life.
        service_life_months: u32,
    },
    /// A payment beyond everything the lease will owe.
    #[error(
        "payment of {requested} on lease {lease} exceeds what it owes, {owed} ({paid} already paid)"
    )]
    Overpayment {
        /// The lease.
        lease: DocumentId,
        /// Everything it owes.
        owed: Money,
        /// What was paid before.
        paid: Money,
        /// The payment refused.
        requested: Money,
    },
    /// The eligibility gate refused the lessee.
    #[error("lease {id} is refused: {decision}")]
    Ineligible {
        /// The lease.
        id: DocumentId,
        /// The decision.
        decision: Box<Decision>,
    },
    /// The ledger refused the posting.
    #[error("the ledger refused the lease payment")]
    Ledger(#[source] BudgetError),
    /// The ledger command id was already applied.
    #[error("ledger command {id} was already applied: give each payment a new command id")]
    DuplicateLedgerCommand {
        /// The id.
        id: CommandId,
    },
    /// Arithmetic overflowed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
    /// The lease needs the AECA section 62 certification (22 U.S.C. 2796a) and none was
    /// transmitted (or one transmitted when the rule did not yet apply).
    #[error(
        "lease {id} needs the certification under {citation}: transmitted today, its {review_days}-day review would end on {earliest_if_notified_today}"
    )]
    NotificationRequired {
        /// The lease.
        id: DocumentId,
        /// The law.
        citation: Citation,
        /// The review period in days.
        review_days: u32,
        /// The earliest start if the certification were transmitted on the start date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest_if_notified_today: NaiveDate,
    },
    /// The review after the certification has not run by the lease's start.
    #[error(
        "lease {id} cannot start on {start}: the review under {citation} after the certification of {notified} ends on {earliest}; start on or after that day"
    )]
    ReviewPeriodNotEnded {
        /// The lease.
        id: DocumentId,
        /// The law.
        citation: Citation,
        /// The day the certification was transmitted.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        notified: NaiveDate,
        /// The first day the lease may start.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest: NaiveDate,
        /// The start refused.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        start: NaiveDate,
    },
    /// The notice assessment failed: a figure was out of range.
    #[error("the lease's notice could not be assessed")]
    Assess(#[from] AssessError),
}

crate::wire::wire_serde!(LeaseError);

impl crate::wire::ErrorCode for LeaseError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, LeaseError::serialize)
    }
    fn precedence(&self) -> u8 {
        LeaseError::precedence(self)
    }
}

impl LeaseError {
    /// The rank of the check that failed (see the type's documentation).
    #[must_use]
    pub fn precedence(&self) -> u8 {
        match self {
            LeaseError::IllegalAction { .. } | LeaseError::WrongPayer { .. } => 1,
            LeaseError::EmptyDescription
            | LeaseError::NegativeAmount { .. }
            | LeaseError::NotPositive { .. }
            | LeaseError::ZeroMonths { .. }
            | LeaseError::TermTooLong { .. }
            | LeaseError::DaysNotUnderAMonth { .. }
            | LeaseError::ServiceLifeNotPassed { .. } => 2,
            LeaseError::DateOutOfRange
            | LeaseError::DateBeforePrevious { .. }
            | LeaseError::RenewalAfterEnd { .. } => 3,
            LeaseError::Overpayment { .. } => 4,
            LeaseError::NotificationRequired { .. } | LeaseError::ReviewPeriodNotEnded { .. } => 5,
            LeaseError::Ineligible { .. } => 6,
            LeaseError::Ledger(_) | LeaseError::DuplicateLedgerCommand { .. } => 7,
            LeaseError::Money(_) | LeaseError::Assess(_) => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::AllowAll;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn request(term: u32, article: LeasedArticle) -> LeaseRequest {
        LeaseRequest::new(
            "L-1".parse().unwrap(),
            // Jordan, not named in section 62(c)(1): the 30-day review.
            "JOR".parse().unwrap(),
            d(2015, 1, 1),
            term,
            article,
            RentalPayer::Lessee,
            Rounding::HalfEven,
        )
        .notified_on(d(2014, 12, 2))
    }

    fn plane() -> LeasedArticle {
        LeasedArticle::new("C-130H", m("30000000"), 360, 120)
    }

    /// AECA section 62 (rule as enacted 1981-12-29, 30 days): a lease of 11 months needs no
    /// certification, one of 12 or 13 does; started the day the review ends it is accepted,
    /// the day before it is refused; a lease that started the day before the rule took
    /// effect needs none, one started the day it did needs it.
    #[test]
    fn a_lease_of_a_year_or_longer_waits_for_its_section_62_certification() {
        let mut bare = request(11, plane());
        bare.notified = None;
        assert!(Lease::new(bare.clone(), &Thresholds::current(), &AllowAll).is_ok());
        for months in [12, 13] {
            bare.term_months = months;
            let err = Lease::new(bare.clone(), &Thresholds::current(), &AllowAll).unwrap_err();
            assert_eq!(
                err,
                LeaseError::NotificationRequired {
                    id: "L-1".parse().unwrap(),
                    citation: Citation::fixed("22 U.S.C.", "2796a", Some("(c)")),
                    review_days: 30,
                    earliest_if_notified_today: d(2015, 1, 31),
                }
            );
            assert_eq!(err.precedence(), 5);
        }
        // Transmitted 2014-12-02: the review ends 2015-01-01, the start.
        assert!(
            Lease::new(
                bare.clone().notified_on(d(2014, 12, 2)),
                &Thresholds::current(),
                &AllowAll
            )
            .is_ok()
        );
        assert!(
            Lease::new(
                bare.clone().notified_on(d(2014, 12, 1)),
                &Thresholds::current(),
                &AllowAll
            )
            .is_ok()
        );
        assert_eq!(
            Lease::new(
                bare.clone().notified_on(d(2014, 12, 3)),
                &Thresholds::current(),
                &AllowAll
            )
            .unwrap_err(),
            LeaseError::ReviewPeriodNotEnded {
                id: "L-1".parse().unwrap(),
                citation: Citation::fixed("22 U.S.C.", "2796a", Some("(c)")),
                notified: d(2014, 12, 3),
                earliest: d(2015, 1, 2),
                start: d(2015, 1, 1),
            }
        );
        // The day before the rule took effect, none was needed; from that day, one is.
        bare.start = d(1981, 12, 28);
        assert!(Lease::new(bare.clone(), &Thresholds::current(), &AllowAll).is_ok());
        bare.start = d(1981, 12, 29);
        assert!(matches!(
            Lease::new(bare.clone(), &Thresholds::current(), &AllowAll),
            Err(LeaseError::NotificationRequired { .. })
        ));
        // A certification transmitted before the rule existed does not cover the lease.
        bare.start = d(1982, 3, 1);
        assert!(matches!(
            Lease::new(
                bare.notified_on(d(1981, 12, 28)),
                &Thresholds::current(),
                &AllowAll
            ),
            Err(LeaseError::NotificationRequired { .. })
        ));
    }

    /// AECA section 62(c)(1): a lease to Poland, a NATO member, waits 15 days after the
    /// certification (transmitted the day before, of, after 15 days before the start).
    #[test]
    fn a_lease_to_a_nato_member_waits_fifteen_days() {
        let mut req = request(24, plane());
        req.lessee = "POL".parse().unwrap();
        for (notified, ok) in [
            (d(2014, 12, 16), true),
            (d(2014, 12, 17), true),
            (d(2014, 12, 18), false),
        ] {
            let result = Lease::new(
                req.clone().notified_on(notified),
                &Thresholds::current(),
                &AllowAll,
            );
            if ok {
                assert!(result.is_ok(), "{notified}");
            } else {
                assert_eq!(
                    result.unwrap_err(),
                    LeaseError::ReviewPeriodNotEnded {
                        id: "L-1".parse().unwrap(),
                        citation: Citation::fixed("22 U.S.C.", "2796a", Some("(c)")),
                        notified,
                        earliest: d(2015, 1, 2),
                        start: d(2015, 1, 1),
                    }
                );
            }
        }
    }

    /// Issue 17 (the former `debug_assert_eq!` of the schedule's sum): rounded away from
    /// zero, a cent of rental paid monthly over three months used to give 0.01, 0.01 and
    /// −0.01; each share is now capped at what is left, so no installment is negative and
    /// they still sum to the rental. A zero payment period is refused before any schedule.
    #[test]
    fn a_schedule_rounded_away_from_zero_never_goes_negative() {
        let mut req = request(3, LeasedArticle::new("gauge", m("0.01"), 3, 0));
        req.rounding = Rounding::AwayFromZero;
        req.payment_months = 1;
        let lease = Lease::new(req.clone(), &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(lease.rental().unwrap(), m("0.01"));
        let amounts: Vec<Money> = lease.schedule().unwrap().iter().map(|i| i.amount).collect();
        assert_eq!(amounts, [m("0.01"), m("0"), m("0")]);
        req.payment_months = 0;
        assert!(matches!(
            Lease::new(req, &Thresholds::current(), &AllowAll),
            Err(LeaseError::ZeroMonths { .. })
        ));
    }

    /// The documented formula, with a remainder that must land on the last installment.
    #[test]
    fn rental_and_schedule() {
        let lease = Lease::new(request(24, plane()), &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(lease.rental().unwrap(), m("2000000"));
        let mut req = request(7, LeasedArticle::new("radar", m("1000000"), 7, 0));
        req.other_costs = m("0.01");
        let lease = Lease::new(req, &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(lease.rental().unwrap(), m("1000000.01"));
        let schedule = lease.schedule().unwrap();
        let dues: Vec<NaiveDate> = schedule.iter().map(|i| i.due).collect();
        assert_eq!(dues, [d(2015, 1, 1), d(2015, 4, 1), d(2015, 7, 1)]);
        let amounts: Vec<Money> = schedule.iter().map(|i| i.amount).collect();
        // 3/7 and 3/7 of $1,000,000.01, rounded half-even, then the remainder.
        assert_eq!(amounts, [m("428571.43"), m("428571.43"), m("142857.15")]);
        let sum = Money::checked_sum(amounts).unwrap();
        assert_eq!(sum, lease.rental().unwrap());
    }

    #[test]
    fn terms_are_at_most_five_years() {
        assert!(Lease::new(request(60, plane()), &Thresholds::current(), &AllowAll).is_ok());
        assert_eq!(
            Lease::new(request(61, plane()), &Thresholds::current(), &AllowAll).unwrap_err(),
            LeaseError::TermTooLong {
                months: 61,
                max: 60
            }
        );
        assert!(matches!(
            Lease::new(request(0, plane()), &Thresholds::current(), &AllowAll),
            Err(LeaseError::ZeroMonths { .. })
        ));
        let mut lease =
            Lease::new(request(60, plane()), &Thresholds::current(), &AllowAll).unwrap();
        let before = lease.clone();
        assert!(matches!(
            lease.renew(d(2019, 12, 1), 61, None, &Thresholds::current()),
            Err(LeaseError::TermTooLong { .. })
        ));
        assert_eq!(
            lease.renew(d(2020, 1, 1), 12, None, &Thresholds::current()),
            Err(LeaseError::RenewalAfterEnd {
                lease: "L-1".parse().unwrap(),
                ended: d(2020, 1, 1),
                date: d(2020, 1, 1)
            })
        );
        assert_eq!(lease, before);
        lease
            .renew(
                d(2019, 12, 31),
                12,
                Some(d(2019, 12, 1)),
                &Thresholds::current(),
            )
            .unwrap();
        let renewal = &lease.terms()[1];
        assert_eq!(renewal.start, d(2020, 1, 1));
        assert_eq!(renewal.months_in_service, 180);
        // 12 months of $30,000,000.00 over 360 = $1,000,000.00.
        assert_eq!(renewal.rental, m("1000000"));
        assert_eq!(lease.rental().unwrap(), m("6000000"));
        // Paying for the first term is still possible after the renewal was signed.
        lease.pay(d(2019, 12, 31), m("1")).unwrap();
    }

    /// Refurbishment is charged once, with the first term's rental, and not under a
    /// purpose waiver; a negative cost is refused.
    #[test]
    fn refurbishment_is_charged_with_the_first_term() {
        let mut req = request(24, plane());
        req.refurbishment = m("250000.01");
        let mut lease = Lease::new(req.clone(), &Thresholds::current(), &AllowAll).unwrap();
        // $2,000,000.00 of depreciation plus the refurbishment.
        assert_eq!(lease.terms()[0].rental, m("2250000.01"));
        lease
            .renew(
                d(2016, 12, 1),
                12,
                Some(d(2016, 11, 1)),
                &Thresholds::current(),
            )
            .unwrap();
        assert_eq!(lease.terms()[1].rental, m("1000000"));
        let installments = lease.schedule().unwrap();
        let sum = installments
            .iter()
            .fold(Money::ZERO, |a, i| a.checked_add(i.amount).unwrap());
        assert_eq!(sum, m("3250000.01"));
        let mut negative = req.clone();
        negative.refurbishment = m("-0.01");
        assert!(matches!(
            Lease::new(negative, &Thresholds::current(), &AllowAll),
            Err(LeaseError::NegativeAmount { .. })
        ));
        let mut waived = req;
        waived.waiver = Some(RentalWaiver::Purpose {
            purpose: WaivedPurpose::MilitaryExercises,
        });
        let waived = Lease::new(waived, &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(waived.terms()[0].rental, Money::ZERO);
    }

    /// AECA section 62 on renewal: an 11-month renewal needs no certification, a 12-month
    /// one does, reviewed 30 days (certified the day before, of and after 30 days before
    /// the renewal); a caller's own rows (certification from 6 months) are used instead of
    /// the shipped ones.
    #[test]
    fn a_renewal_of_a_year_needs_its_own_certification() {
        let lease = Lease::new(request(60, plane()), &Thresholds::current(), &AllowAll).unwrap();
        let renew = |months, notified, thresholds: &Thresholds| {
            let mut renewed = lease.clone();
            renewed
                .renew(d(2019, 12, 1), months, notified, thresholds)
                .map(|()| renewed)
        };
        let shipped = Thresholds::current();
        assert!(renew(11, None, &shipped).is_ok());
        let err = renew(12, None, &shipped).unwrap_err();
        assert!(
            matches!(
                &err,
                LeaseError::NotificationRequired { review_days: 30, earliest_if_notified_today, .. }
                    if *earliest_if_notified_today == d(2019, 12, 31)
            ),
            "{err}"
        );
        for (notified, ok) in [
            (d(2019, 11, 2), false),
            (d(2019, 11, 1), true),
            (d(2019, 10, 31), true),
        ] {
            let result = renew(12, Some(notified), &shipped);
            if ok {
                assert_eq!(result.unwrap().terms().len(), 2);
            } else {
                assert!(
                    matches!(
                        result,
                        Err(LeaseError::ReviewPeriodNotEnded { earliest, .. })
                            if earliest == d(2019, 12, 2)
                    ),
                    "{notified}"
                );
            }
        }
        let mut own = Thresholds::current();
        for row in &mut own.leases {
            row.min_term_months = 6;
        }
        assert!(matches!(
            renew(11, None, &own),
            Err(LeaseError::NotificationRequired { .. })
        ));
        assert!(renew(5, None, &own).is_ok());
    }

    #[test]
    fn waivers_the_law_allows() {
        let mut req = request(24, plane());
        req.other_costs = m("50000");
        req.waiver = Some(RentalWaiver::Purpose {
            purpose: WaivedPurpose::MilitaryExercises,
        });
        let mut exercise = Lease::new(req.clone(), &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(exercise.rental().unwrap(), Money::ZERO);
        let bill = exercise.report_loss(d(2016, 1, 1), true).unwrap();
        assert_eq!(bill.amount, Money::ZERO);

        req.waiver = Some(RentalWaiver::ServiceLife {
            determination: "PD-1".parse().unwrap(),
        });
        assert_eq!(
            Lease::new(req.clone(), &Thresholds::current(), &AllowAll).unwrap_err(),
            LeaseError::ServiceLifeNotPassed {
                months_in_service: 120,
                service_life_months: 360
            }
        );
        // 270 of 360 months is exactly three quarters: not yet past.
        req.article.months_in_service = 270;
        assert!(Lease::new(req.clone(), &Thresholds::current(), &AllowAll).is_err());
        req.article.months_in_service = 271;
        let old = Lease::new(req, &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(old.rental().unwrap(), m("50000"));
    }

    #[test]
    fn return_damage_and_loss() {
        let mut lease =
            Lease::new(request(24, plane()), &Thresholds::current(), &AllowAll).unwrap();
        let bill = lease
            .return_article(
                d(2016, 1, 1),
                ReturnCondition::Damaged {
                    restoration_cost: m("40000000"),
                },
            )
            .unwrap()
            .unwrap();
        assert_eq!(bill.amount, m("30000000"));
        assert_eq!(lease.state(), LeaseState::Returned);
        // Installments due before the return (4 of 8: the one due on the return day
        // pays for a quarter not used) plus the bill.
        assert_eq!(lease.balance_due(d(2030, 1, 1)).unwrap(), m("31000000"));
        assert!(matches!(
            lease.renew(d(2016, 2, 1), 12, None, &Thresholds::current()),
            Err(LeaseError::IllegalAction {
                state: LeaseState::Returned,
                ..
            })
        ));

        // Lost 18 months in: 138 of 360 months served, 222 remain.
        let mut lease =
            Lease::new(request(24, plane()), &Thresholds::current(), &AllowAll).unwrap();
        let bill = lease.report_loss(d(2016, 7, 15), true).unwrap();
        assert_eq!(bill.reason, BillReason::LossReplaced);
        assert_eq!(bill.amount, m("18500000"));
        let mut article = plane();
        article.actual_value = Some(m("12000000"));
        let mut lease =
            Lease::new(request(24, article), &Thresholds::current(), &AllowAll).unwrap();
        let bill = lease.report_loss(d(2016, 7, 15), false).unwrap();
        assert_eq!(bill.amount, m("7400000"));
        assert_eq!(lease.state(), LeaseState::Lost);
    }

    #[test]
    fn payments_are_checked() {
        let mut lease =
            Lease::new(request(24, plane()), &Thresholds::current(), &AllowAll).unwrap();
        assert_eq!(
            lease.pay(d(2015, 1, 1), Money::ZERO),
            Err(LeaseError::NotPositive {
                amount: Money::ZERO
            })
        );
        lease.pay(d(2015, 2, 1), m("1999999.99")).unwrap();
        assert!(matches!(
            lease.pay(d(2015, 1, 31), m("0.01")),
            Err(LeaseError::DateBeforePrevious { .. })
        ));
        let before = lease.clone();
        assert_eq!(
            lease.pay(d(2015, 3, 1), m("0.02")),
            Err(LeaseError::Overpayment {
                lease: "L-1".parse().unwrap(),
                owed: m("2000000"),
                paid: m("1999999.99"),
                requested: m("0.02"),
            })
        );
        assert_eq!(lease, before);
        lease.pay(d(2015, 3, 1), m("0.01")).unwrap();
        assert_eq!(lease.balance_due(d(2017, 1, 1)).unwrap(), Money::ZERO);
        let mut ledger = Ledger::new(std::sync::Arc::new(crate::eligibility::AllowAll));
        assert!(matches!(
            lease.pay_from_financing(
                d(2015, 3, 1),
                m("1"),
                &mut ledger,
                "C-1".parse().unwrap(),
                "dsca".parse().unwrap()
            ),
            Err(LeaseError::WrongPayer { .. })
        ));
        assert!(ledger.journal().is_empty());
    }

    #[test]
    fn whole_months() {
        assert_eq!(whole_months_between(d(2015, 1, 31), d(2015, 2, 27)), 0);
        assert_eq!(whole_months_between(d(2015, 1, 31), d(2015, 2, 28)), 1);
        assert_eq!(whole_months_between(d(2015, 1, 1), d(2016, 7, 15)), 18);
        assert_eq!(whole_months_between(d(2015, 1, 1), d(2014, 7, 15)), 0);
    }

    fn partial(months: u32, days: u32, proration: Proration) -> LeaseRequest {
        let mut req = request(months, LeasedArticle::new("radar", m("3000000"), 100, 0));
        req.start = d(2015, 1, 1);
        req.term_days = days;
        req.proration = proration;
        req
    }

    /// AECA section 61(a)(4) depreciation for a term that is not whole months: two months
    /// and some days of March (31 days) from 2015-01-01. Actual days: 30 days is the most
    /// (the day before a whole month), 31 is refused; 30 days by the 30-day month is a
    /// whole month's rental.
    #[test]
    fn a_term_of_months_and_days_is_prorated_by_the_leases_rule() {
        let rental = |months, days, p| {
            Lease::new(partial(months, days, p), &Thresholds::current(), &AllowAll)
                .map(|l| l.rental().unwrap())
        };
        // $3,000,000 ÷ 100 = $30,000.00 a month.
        assert_eq!(rental(2, 0, Proration::ActualDays).unwrap(), m("60000"));
        // 10/31 of a month: 30,000 × 10 ÷ 31 = 9,677.419… → $69,677.42.
        assert_eq!(rental(2, 10, Proration::ActualDays).unwrap(), m("69677.42"));
        assert_eq!(
            rental(2, 10, Proration::ThirtyDayMonth).unwrap(),
            m("70000")
        );
        assert_eq!(rental(2, 30, Proration::ActualDays).unwrap(), m("89032.26"));
        assert_eq!(
            rental(2, 30, Proration::ThirtyDayMonth).unwrap(),
            m("90000")
        );
        for p in [Proration::ActualDays, Proration::ThirtyDayMonth] {
            assert_eq!(
                rental(2, 31, p),
                Err(LeaseError::DaysNotUnderAMonth {
                    days: 31,
                    month_days: 31
                })
            );
        }
        // February 2015 follows one month from 2015-01-01: 27 days allowed, 28 not.
        assert!(rental(1, 27, Proration::ActualDays).is_ok());
        assert!(matches!(
            rental(1, 28, Proration::ActualDays),
            Err(LeaseError::DaysNotUnderAMonth { month_days: 28, .. })
        ));
        // A term of days only; nothing at all is refused.
        assert_eq!(rental(0, 15, Proration::ActualDays).unwrap(), m("14516.13"));
        assert!(matches!(
            rental(0, 0, Proration::ActualDays),
            Err(LeaseError::ZeroMonths { .. })
        ));
        // Five years is the most: 60 months and no day more (AECA section 61(b)).
        assert!(rental(60, 0, Proration::ActualDays).is_ok());
        assert_eq!(
            rental(60, 1, Proration::ActualDays),
            Err(LeaseError::TermTooLong {
                months: 60,
                max: 60
            })
        );
        assert!(rental(59, 30, Proration::ActualDays).is_ok());
    }

    /// The extra days are paid in advance the day they begin; the installments and the
    /// fiscal-year pieces each add up to the rental to the cent; the term ends after the
    /// days; a renewal of months and days starts that day.
    #[test]
    fn partial_terms_schedule_fiscal_years_and_renewal() {
        let mut req = partial(7, 10, Proration::ActualDays);
        req.start = d(2015, 6, 1);
        let mut lease = Lease::new(req, &Thresholds::current(), &AllowAll).unwrap();
        // 7 months and 10 of January 2016's 31 days: 30,000 × (7 + 10/31) = 219,677.42.
        let rental = lease.rental().unwrap();
        assert_eq!(rental, m("219677.42"));
        assert_eq!(lease.terms()[0].end(), Some(d(2016, 1, 11)));
        let schedule = lease.schedule().unwrap();
        let dues: Vec<NaiveDate> = schedule.iter().map(|i| i.due).collect();
        assert_eq!(
            dues,
            [d(2015, 6, 1), d(2015, 9, 1), d(2015, 12, 1), d(2016, 1, 1)]
        );
        let amounts: Vec<Money> = schedule.iter().map(|i| i.amount).collect();
        assert_eq!(amounts, [m("90000"), m("90000"), m("30000"), m("9677.42")]);
        // FY2015: June to September, 122 days; FY2016: October to January 10, 102 days.
        let by_year = lease.rental_by_fiscal_year().unwrap();
        assert_eq!(by_year.len(), 2);
        assert_eq!(by_year[0].0, FiscalYear::new(2015).unwrap());
        assert_eq!(by_year[0].1.checked_add(by_year[1].1).unwrap(), rental);
        // 219,677.42 × 122 ÷ 224 = 119,645.737… → $119,645.74.
        assert_eq!(by_year[0].1, m("119645.74"));
        // The renewal, of one month and 5 days, starts the day after the days.
        lease
            .renew(
                d(2016, 1, 10),
                TermLength { months: 1, days: 5 },
                None,
                &Thresholds::current(),
            )
            .unwrap();
        let renewal = &lease.terms()[1];
        assert_eq!(renewal.start, d(2016, 1, 11));
        assert_eq!(renewal.months_in_service, 7);
        // 1 month and 5 of the 29 days from 2016-02-11 to 2016-03-11 (a leap February).
        assert_eq!(renewal.rental, m("35172.41"));
        let before = lease.clone();
        assert!(matches!(
            lease.renew(
                d(2016, 2, 1),
                TermLength {
                    months: 0,
                    days: 31
                },
                None,
                &Thresholds::current()
            ),
            Err(LeaseError::DaysNotUnderAMonth { .. })
        ));
        assert_eq!(lease, before);
    }

    proptest::proptest! {
        /// No cent lost or invented: for any start, whole months and days, value, service
        /// life, proration and rounding, the installments and the fiscal-year pieces each
        /// add up to the rental, and no piece is negative.
        #[test]
        fn the_pieces_of_a_rental_add_up_to_it(
            start in 0i64..20_000,
            months in 0u32..=60,
            days in 0u32..31,
            value in 0i64..10_000_000_000,
            life in 1u32..600,
            payment_months in 1u32..13,
            thirty in proptest::bool::ANY,
            rounding in proptest::sample::select(vec![
                Rounding::HalfEven, Rounding::HalfAwayFromZero, Rounding::AwayFromZero, Rounding::TowardZero,
            ]),
        ) {
            let start = d(1990, 1, 1)
                .checked_add_days(chrono::Days::new(u64::try_from(start).unwrap()))
                .unwrap();
            let mut req = request(months, LeasedArticle::new("x", Money::from_cents(value), life, 0));
            req.start = start;
            req.notified = Some(d(1989, 1, 1));
            req.term_days = days;
            req.payment_months = payment_months;
            req.rounding = rounding;
            req.proration = if thirty { Proration::ThirtyDayMonth } else { Proration::ActualDays };
            let Ok(lease) = Lease::new(req, &Thresholds::current(), &AllowAll) else {
                // Only a month's worth of days, an empty term or one past five years.
                proptest::prop_assert!(months == 0 && days == 0 || months == 60 && days > 0
                    || days >= 28);
                return Ok(());
            };
            let rental = lease.rental().unwrap();
            let schedule = lease.schedule().unwrap();
            proptest::prop_assert!(schedule.iter().all(|i| !i.amount.is_negative()));
            proptest::prop_assert_eq!(
                Money::checked_sum(schedule.iter().map(|i| i.amount)).unwrap(), rental);
            let years = lease.rental_by_fiscal_year().unwrap();
            proptest::prop_assert!(years.iter().all(|(_, a)| !a.is_negative()));
            proptest::prop_assert!(years.windows(2).all(|w| w[0].0 < w[1].0));
            proptest::prop_assert_eq!(
                Money::checked_sum(years.iter().map(|(_, a)| *a)).unwrap(), rental);
        }
    }
}

//! Sales cases (FMS-like): from the purchaser's request to closure, with lines, dated
//! surcharges, terms of sale, funding sources, payment schedules and the trust fund.
//!
//! # The life of a case
//!
//! A [`Case`] is a typed state machine (DOMAIN.md §2.1):
//!
//! ```text
//! request received → offer in development → offered (offer expires 85 days after the
//!   MILAP milestone) → accepted (on or before the expiration) → implemented (after the
//!   initial deposit, or on an emergency implementation) → supply complete (every line)
//!   → closed (due 12 months after supply complete)
//! request received, offer in development, offered, accepted → cancelled
//! ```
//!
//! Every step is dated and no step may be dated before the one before it. A step the state
//! does not allow is refused with [`SalesError::IllegalTransition`], which names the state,
//! the action, and the states that allow it; a refused step changes nothing.
//!
//! # Lines, amendments and modifications
//!
//! A line has an item, a quantity, a unit price, and flags for major defense equipment and
//! design and construction. A scope change is an [`Amendment`] that the purchaser accepts;
//! a change that is not one (a price, a delivery estimate, the payment schedule) is a
//! [`Modification`] that needs no signature. A line keeps the surcharge rate of its key
//! dates for ever; growth goes on a new line at the rate then in force, and a reduced line
//! cannot be re-added at a lower rate (DOMAIN.md rules 21–23, 26). An amendment is offered
//! and accepted like a basic LOA: it has its own offer expiry, its acceptance requires the
//! amended case's initial deposit ([`Case::amendment_deposit`]), and one that makes the
//! case cross an AECA 36(b) threshold needs its own notice; a modification that would cross
//! one changes scope and is refused ([`SalesError::ModificationChangesScope`]).
//!
//! # Charges, money and notice
//!
//! Lines are priced with the dated [`Charges`] the case was created with and the
//! [`Rounding`] it names. The purchaser pays by its [`TermsOfSale`] from its
//! [`FundingSource`]s, by a quarterly [`PaymentSchedule`] unless DOMAIN.md rule 29 exempts
//! the case; cash moves through the partner's account in the [`TrustFund`], and draws on a
//! financing grant or loan are posted to the ledger. A case whose values reach the AECA
//! 36(b) thresholds (or, when cash-flow financed, the AECA 23(g) threshold) cannot be
//! offered before the review period that began with its recorded notice has ended; the
//! [`notification`] module decides.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::eligibility::AllowAll;
//! use security_assistance::notification::Thresholds;
//! use security_assistance::programs::sales::{
//!     Case, CaseRequest, CaseState, Disposition, ImplementationBasis, LineBilling, LineSpec,
//!     TermsOfSale, TrustFund,
//! };
//! use security_assistance::Rounding;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
//! let request = CaseRequest::new("JO-D-SAA".parse()?, "JOR".parse()?, day(2012, 9, 4)?,
//!     TermsOfSale::CashWithAcceptance, Rounding::HalfEven);
//! let mut case = Case::new(request);
//! case.begin_development(day(2012, 9, 5)?)?;
//! let line = case.add_line(day(2012, 9, 5)?, LineSpec::new("night-vision goggles", 100, "100000".parse()?))?;
//! case.offer(day(2012, 10, 1)?, day(2012, 9, 28)?, None, &Thresholds::current(), &AllowAll)?;
//! assert_eq!(case.offer_expires_on(), Some(day(2012, 12, 22)?));
//! case.accept(day(2012, 10, 31)?)?;
//! // Accepted before 2012-11-01: the line carries 3.8 %.
//! assert_eq!(case.line_charges(line)?.administrative.to_string(), "$380,000.00");
//!
//! let mut trust = TrustFund::new();
//! trust.deposit(&case, day(2012, 10, 31)?, case.initial_deposit()?, "JOR".parse()?)?;
//! case.implement(day(2012, 11, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
//! case.complete_line(line, day(2013, 6, 30)?)?;
//! assert_eq!(case.state(), CaseState::SupplyComplete);
//! assert_eq!(case.closure_due(), Some(day(2014, 6, 30)?));
//! // Closure: the line billed at its priced total, the credit balance refunded.
//! trust.disburse(&case, day(2013, 7, 1)?, "9000000".parse()?)?;
//! let billing = [LineBilling { line, billed: case.line_charges(line)?.total }];
//! let statement = case.close_reconciled(day(2014, 1, 15)?, &mut trust, &billing,
//!     Some(Disposition::Refund))?;
//! assert_eq!(statement.balance.to_string(), "$1,000,000.00");
//! assert_eq!(case.state(), CaseState::Closed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bpc;
mod charges;
mod closure;
mod letters;
mod schedule;
mod trust;

use std::fmt;

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

pub use bpc::BpcFunding;
pub use charges::{
    ChargeKind, Charges, ContractAdministrationBasis, ContractAdministrationExemption,
    DeliveryTerm, Exemption, KeyDate, LineCharges, RateRow, SmallCaseMinimum, SourceOfSupply,
    TransportationRow,
};
pub use closure::{
    ARREARS_INTEREST_AUTHORITY, Arrears, ClosureStatement, Disposition, LineBilling,
    interest_on_arrears,
};
pub use letters::{LetterOfCredit, LetterProvision};
pub use schedule::{
    FundingSource, Installment, PaymentSchedule, SMALL_CASE_LIMIT, TermsOfSale, billing_due_date,
    next_billing_due_date, payment_schedule_required,
};
pub use trust::{
    DepositSource, LETTER_OF_CREDIT_AUTHORITY, LetterOfCreditDraw, TrustAccount, TrustEntry,
    TrustEntryKind, TrustFund,
};

use crate::budget::{BudgetError, CommandId, DocumentId};
use crate::eligibility::{Decision, EligibilityCheck, EligibilityRequest};
use crate::law::Citation;
use crate::money::{Money, MoneyError, Rate, Rounding};
use crate::notification::{self, NoticeGap, Notification, ProposedAction, Thresholds};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The standard offer period: the offer expires this many days after the MILAP milestone
/// (DSCA LOA Standardization Guide, "Offer Expiration Date"; DOMAIN.md §2.1 and rule 24).
pub const STANDARD_OFFER_DAYS: u32 = 85;

/// Closure is due this many months after the case becomes supply complete (SAMM C16,
/// Reconciliation and Closure Guide; DOMAIN.md rule 27).
pub const CLOSURE_DUE_MONTHS: u32 = 12;

/// The most lines a case may have (line numbers are three digits).
pub const MAX_LINES: u16 = 999;

/// Where a case is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseState {
    /// The purchaser's letter of request has been received.
    RequestReceived,
    /// The letter of offer and acceptance is being written.
    OfferInDevelopment,
    /// The letter has been offered and has not expired or been accepted.
    Offered,
    /// The purchaser accepted the offer.
    Accepted,
    /// The case is implemented: it may be executed.
    Implemented,
    /// Every line has been delivered or performed.
    SupplyComplete,
    /// The case is closed.
    Closed,
    /// The case was cancelled before implementation.
    Cancelled,
}

impl CaseState {
    /// Every state, in life order.
    pub const ALL: [CaseState; 8] = [
        CaseState::RequestReceived,
        CaseState::OfferInDevelopment,
        CaseState::Offered,
        CaseState::Accepted,
        CaseState::Implemented,
        CaseState::SupplyComplete,
        CaseState::Closed,
        CaseState::Cancelled,
    ];
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            CaseState::RequestReceived => "request received",
            CaseState::OfferInDevelopment => "offer in development",
            CaseState::Offered => "offered",
            CaseState::Accepted => "accepted",
            CaseState::Implemented => "implemented",
            CaseState::SupplyComplete => "supply complete",
            CaseState::Closed => "closed",
            CaseState::Cancelled => "cancelled",
        })
    }
}

/// Something done to a case; each is allowed only in the states [`CaseAction::allowed_in`]
/// lists.
///
/// ```
/// use security_assistance::programs::sales::{CaseAction, CaseState};
/// assert_eq!(CaseAction::Accept.allowed_in(), &[CaseState::Offered]);
/// assert!(CaseAction::Cancel.allowed_in().contains(&CaseState::Accepted));
/// assert!(!CaseAction::Cancel.allowed_in().contains(&CaseState::Implemented));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseAction {
    /// Start writing the offer.
    BeginDevelopment,
    /// Add a line to the offer being written.
    AddLine,
    /// Set the funding sources.
    SetFunding,
    /// Set the payment schedule of the offer being written.
    SetPaymentSchedule,
    /// Record the date congressional notice was given.
    RecordNotification,
    /// Offer the case (or re-offer it with a new expiration).
    Offer,
    /// The purchaser accepts the offer.
    Accept,
    /// Implement the case.
    Implement,
    /// Propose an amendment (a scope change).
    ProposeAmendment,
    /// The purchaser accepts an amendment.
    AcceptAmendment,
    /// Issue a modification (no scope change).
    Modify,
    /// Record a line as delivered or performed.
    CompleteLine,
    /// Close the case.
    Close,
    /// Cancel the case.
    Cancel,
    /// Deposit cash for the case in the trust fund.
    Deposit,
    /// Disburse cash for the case from the trust fund.
    Disburse,
    /// Provide (or replace) a standby letter of credit after the offer.
    ProvideLetterOfCredit,
}

const IN_DEVELOPMENT: &[CaseState] = &[CaseState::OfferInDevelopment];
const AMENDABLE: &[CaseState] = &[CaseState::Accepted, CaseState::Implemented];

impl CaseAction {
    /// Every action.
    pub const ALL: [CaseAction; 17] = [
        CaseAction::BeginDevelopment,
        CaseAction::AddLine,
        CaseAction::SetFunding,
        CaseAction::SetPaymentSchedule,
        CaseAction::RecordNotification,
        CaseAction::Offer,
        CaseAction::Accept,
        CaseAction::Implement,
        CaseAction::ProposeAmendment,
        CaseAction::AcceptAmendment,
        CaseAction::Modify,
        CaseAction::CompleteLine,
        CaseAction::Close,
        CaseAction::Cancel,
        CaseAction::Deposit,
        CaseAction::Disburse,
        CaseAction::ProvideLetterOfCredit,
    ];

    /// The states in which the action is allowed. This one table is what every check and
    /// every error message reads.
    #[must_use]
    pub const fn allowed_in(self) -> &'static [CaseState] {
        match self {
            CaseAction::BeginDevelopment => &[CaseState::RequestReceived],
            CaseAction::AddLine | CaseAction::SetFunding | CaseAction::SetPaymentSchedule => {
                IN_DEVELOPMENT
            }
            CaseAction::RecordNotification => &[
                CaseState::RequestReceived,
                CaseState::OfferInDevelopment,
                CaseState::Offered,
            ],
            CaseAction::Offer => &[CaseState::OfferInDevelopment, CaseState::Offered],
            CaseAction::Accept => &[CaseState::Offered],
            CaseAction::Implement => &[CaseState::Accepted],
            CaseAction::ProposeAmendment | CaseAction::AcceptAmendment => AMENDABLE,
            CaseAction::Modify => &[
                CaseState::Accepted,
                CaseState::Implemented,
                CaseState::SupplyComplete,
            ],
            CaseAction::CompleteLine => &[CaseState::Implemented],
            CaseAction::Close => &[CaseState::SupplyComplete],
            CaseAction::Cancel => &[
                CaseState::RequestReceived,
                CaseState::OfferInDevelopment,
                CaseState::Offered,
                CaseState::Accepted,
            ],
            CaseAction::Deposit => trust::DEPOSIT_STATES,
            CaseAction::Disburse => trust::DISBURSE_STATES,
            CaseAction::ProvideLetterOfCredit => &[
                CaseState::Offered,
                CaseState::Accepted,
                CaseState::Implemented,
                CaseState::SupplyComplete,
            ],
        }
    }

    /// The allowed states in words: "offered or accepted".
    #[must_use]
    pub fn allowed_phrase(self) -> String {
        let names: Vec<String> = self.allowed_in().iter().map(ToString::to_string).collect();
        match names.split_last() {
            None => "never".to_owned(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

impl fmt::Display for CaseAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            CaseAction::BeginDevelopment => "begin offer development",
            CaseAction::AddLine => "add a line",
            CaseAction::SetFunding => "set funding",
            CaseAction::SetPaymentSchedule => "set the payment schedule",
            CaseAction::RecordNotification => "record notification",
            CaseAction::Offer => "offer",
            CaseAction::Accept => "accept",
            CaseAction::Implement => "implement",
            CaseAction::ProposeAmendment => "propose an amendment",
            CaseAction::AcceptAmendment => "accept an amendment",
            CaseAction::Modify => "modify",
            CaseAction::CompleteLine => "complete a line",
            CaseAction::Close => "close",
            CaseAction::Cancel => "cancel",
            CaseAction::Deposit => "deposit",
            CaseAction::Disburse => "disburse",
            CaseAction::ProvideLetterOfCredit => "provide a standby letter of credit",
        })
    }
}

/// What kind of case: a sale to the partner, or a Building Partner Capacity case that the
/// United States funds for the partner (exempt from the administrative surcharge on lines
/// accepted from 2020-10-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CaseKind {
    /// A government-to-government sale.
    Sale,
    /// A Building Partner Capacity case.
    BuildingPartnerCapacity,
}

/// A line number, 1 through [`MAX_LINES`], written with three digits (`001`).
///
/// ```
/// use security_assistance::programs::sales::LineNumber;
/// let n = LineNumber::new(7)?;
/// assert_eq!(n.to_string(), "007");
/// assert!(LineNumber::new(0).is_err());
/// assert!(LineNumber::new(1000).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct LineNumber(u16);

impl LineNumber {
    /// A line number.
    ///
    /// # Errors
    ///
    /// [`SalesError::InvalidLine`] outside 1 through [`MAX_LINES`].
    pub fn new(number: u16) -> Result<LineNumber, SalesError> {
        if (1..=MAX_LINES).contains(&number) {
            Ok(LineNumber(number))
        } else {
            Err(SalesError::InvalidLine {
                problem: LineProblem::NumberOutOfRange { number },
            })
        }
    }

    /// The number.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for LineNumber {
    type Error = SalesError;
    fn try_from(number: u16) -> Result<LineNumber, SalesError> {
        LineNumber::new(number)
    }
}

impl From<LineNumber> for u16 {
    fn from(n: LineNumber) -> u16 {
        n.0
    }
}

impl fmt::Display for LineNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:03}", self.0))
    }
}

/// The number of an amendment or a modification of one case, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DocumentNumber(u16);

impl DocumentNumber {
    /// The number.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0.to_string())
    }
}

/// What is wrong with a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum LineProblem {
    /// The item description is empty.
    EmptyItem,
    /// The quantity is zero.
    ZeroQuantity,
    /// The unit price is negative.
    NegativePrice {
        /// The price given.
        price: Money,
    },
    /// A line number outside 1 through [`MAX_LINES`].
    NumberOutOfRange {
        /// The number given.
        number: u16,
    },
}

impl fmt::Display for LineProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineProblem::EmptyItem => f.write_str("the item must be described"),
            LineProblem::ZeroQuantity => f.write_str("the quantity must be at least 1"),
            LineProblem::NegativePrice { price } => {
                write!(f, "unit price {price} must not be negative")
            }
            LineProblem::NumberOutOfRange { number } => {
                write!(f, "line number {number} must be 1 through {MAX_LINES}")
            }
        }
    }
}

/// A line as the caller describes it, before it is on a case.
///
/// ```
/// use security_assistance::programs::sales::{LineSpec, SourceOfSupply};
/// let spec = LineSpec::new("F-16 aircraft", 2, "30000000".parse()?)
///     .major_defense_equipment()
///     .from_procurement();
/// assert!(spec.major_defense_equipment);
/// assert_eq!(spec.source_of_supply, SourceOfSupply::Procurement);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineSpec {
    /// What is sold.
    pub item: String,
    /// How many.
    pub quantity: u32,
    /// The price of one.
    pub unit_price: Money,
    /// Major defense equipment (AECA 36(b) counts it separately).
    pub major_defense_equipment: bool,
    /// Design and construction services (AECA 36(b) counts them separately).
    pub design_and_construction: bool,
    /// Stock or procurement.
    pub source_of_supply: SourceOfSupply,
    /// The Delivery Term Code, if the United States transports the articles.
    pub delivery_term: Option<DeliveryTerm>,
}

impl LineSpec {
    /// A line of `quantity` × `unit_price` of `item`, from stock, neither major defense
    /// equipment nor design and construction, without transportation.
    #[must_use]
    pub fn new(item: impl Into<String>, quantity: u32, unit_price: Money) -> LineSpec {
        LineSpec {
            item: item.into(),
            quantity,
            unit_price,
            major_defense_equipment: false,
            design_and_construction: false,
            source_of_supply: SourceOfSupply::Stock,
            delivery_term: None,
        }
    }

    /// The same line flagged as major defense equipment.
    #[must_use]
    pub fn major_defense_equipment(mut self) -> LineSpec {
        self.major_defense_equipment = true;
        self
    }

    /// The same line flagged as design and construction services.
    #[must_use]
    pub fn design_and_construction(mut self) -> LineSpec {
        self.design_and_construction = true;
        self
    }

    /// The same line supplied from procurement.
    #[must_use]
    pub fn from_procurement(mut self) -> LineSpec {
        self.source_of_supply = SourceOfSupply::Procurement;
        self
    }

    /// The same line transported under `delivery_term`.
    #[must_use]
    pub fn delivered_under(mut self, delivery_term: DeliveryTerm) -> LineSpec {
        self.delivery_term = Some(delivery_term);
        self
    }

    fn validate(&self) -> Result<(), SalesError> {
        let problem = if self.item.trim().is_empty() {
            Some(LineProblem::EmptyItem)
        } else if self.quantity == 0 {
            Some(LineProblem::ZeroQuantity)
        } else if self.unit_price.is_negative() {
            Some(LineProblem::NegativePrice {
                price: self.unit_price,
            })
        } else {
            None
        };
        problem.map_or(Ok(()), |problem| Err(SalesError::InvalidLine { problem }))
    }
}

/// Which document put a line on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "document")]
#[non_exhaustive]
pub enum LineOrigin {
    /// The basic letter of offer and acceptance.
    Basic,
    /// An amendment; `grows` names the line whose scope growth this line carries.
    Amendment {
        /// The amendment.
        number: DocumentNumber,
        /// The line that grew, if the line carries growth.
        grows: Option<LineNumber>,
    },
}

/// A line on a case, with its key dates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// The line number.
    pub number: LineNumber,
    /// What is sold.
    pub item: String,
    /// How many (after any reductions).
    pub quantity: u32,
    /// The price of one.
    pub unit_price: Money,
    /// Major defense equipment.
    pub major_defense_equipment: bool,
    /// Design and construction services.
    pub design_and_construction: bool,
    /// Stock or procurement.
    pub source_of_supply: SourceOfSupply,
    /// The Delivery Term Code, if any.
    pub delivery_term: Option<DeliveryTerm>,
    /// The document that added the line.
    pub origin: LineOrigin,
    /// The date the purchaser accepted the document that added the line.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub accepted: Option<NaiveDate>,
    /// The date the line was implemented.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub implemented: Option<NaiveDate>,
    /// The estimated delivery date, if one was given.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub estimated_delivery: Option<NaiveDate>,
    /// The date the line became supply complete.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub supply_complete: Option<NaiveDate>,
    /// `true` once an amendment reduced its quantity.
    pub reduced: bool,
}

impl Line {
    /// Quantity × unit price.
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn value(&self) -> Result<Money, SalesError> {
        Ok(self.unit_price.checked_mul_int(i64::from(self.quantity))?)
    }

    fn from_spec(
        number: LineNumber,
        spec: &LineSpec,
        origin: LineOrigin,
        accepted: Option<NaiveDate>,
        implemented: Option<NaiveDate>,
    ) -> Line {
        Line {
            number,
            item: spec.item.clone(),
            quantity: spec.quantity,
            unit_price: spec.unit_price,
            major_defense_equipment: spec.major_defense_equipment,
            design_and_construction: spec.design_and_construction,
            source_of_supply: spec.source_of_supply,
            delivery_term: spec.delivery_term,
            origin,
            accepted,
            implemented,
            estimated_delivery: None,
            supply_complete: None,
            reduced: false,
        }
    }

    fn spec(&self, quantity: u32) -> LineSpec {
        LineSpec {
            item: self.item.clone(),
            quantity,
            unit_price: self.unit_price,
            major_defense_equipment: self.major_defense_equipment,
            design_and_construction: self.design_and_construction,
            source_of_supply: self.source_of_supply,
            delivery_term: self.delivery_term,
        }
    }
}

/// A change of scope, carried by an [`Amendment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "change")]
#[non_exhaustive]
pub enum ScopeChange {
    /// A new line.
    AddLine(LineSpec),
    /// More of an existing line: the growth goes on a new line at the rate in force when
    /// the amendment is accepted (DOMAIN.md rule 22).
    IncreaseQuantity {
        /// The line that grows.
        line: LineNumber,
        /// How many more.
        additional: u32,
    },
    /// Less of an existing line; the line keeps its rate.
    ReduceQuantity {
        /// The line.
        line: LineNumber,
        /// How many fewer.
        by: u32,
    },
}

/// A change that is not a change of scope, carried by a [`Modification`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "change")]
#[non_exhaustive]
pub enum Adjustment {
    /// A new price estimate for a line; the line keeps its rate.
    UnitPrice {
        /// The line.
        line: LineNumber,
        /// The new unit price.
        unit_price: Money,
    },
    /// A new estimated delivery date for a line.
    EstimatedDelivery {
        /// The line.
        line: LineNumber,
        /// The estimate.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A new payment schedule; it must total the case total after the other adjustments.
    PaymentSchedule(PaymentSchedule),
}

/// An amendment: a change of scope that the purchaser must accept (DOMAIN.md rule 26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// Its number.
    pub number: DocumentNumber,
    /// The date it was proposed.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub proposed: NaiveDate,
    /// The date the purchaser accepted it.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub accepted: Option<NaiveDate>,
    /// The date its offer expires: [`STANDARD_OFFER_DAYS`] after it was proposed, the
    /// amendment's own offer expiration date (an amendment is offered and accepted like a
    /// basic LOA, DOMAIN.md §2.2; the proposal stands in for its MILAP milestone). `None`
    /// in amendments stored before it was kept: no expiry is checked for them.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub offer_expires: Option<NaiveDate>,
    /// The scope changes.
    pub changes: Vec<ScopeChange>,
    /// The lines it added, once accepted.
    pub lines_added: Vec<LineNumber>,
    /// The revised payment schedule it carries, when the amended case needs one (DOMAIN.md
    /// rule 29): it totals the amended case total, and its initial deposit is what the
    /// case's deposits must reach when the amendment is accepted.
    #[serde(default)]
    pub schedule: Option<PaymentSchedule>,
    /// The day congressional notice of the amendment was given, when it was.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub notified: Option<NaiveDate>,
    /// The notices the amendment needed when it was proposed (an AECA 36(b) threshold the
    /// case newly reaches, or the AECA 23(g) threshold for the amendment's own value).
    #[serde(default)]
    pub notices: Vec<Notification>,
    /// What the case's deposits had to reach when the amendment was accepted: the initial
    /// deposit of the amended case (the amended total without a payment schedule, else the
    /// revised schedule's initial deposit). `None` before acceptance (and in amendments
    /// stored before it was kept).
    #[serde(default)]
    pub due_with_acceptance: Option<Money>,
}

/// What an amendment proposes: its scope changes, the revised payment schedule when the
/// amended case needs one, and the day congressional notice of it was given when it needs
/// one (see [`Case::propose_amendment`]).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::{AmendmentProposal, LineSpec, ScopeChange};
/// let proposal = AmendmentProposal::new(vec![ScopeChange::AddLine(
///     LineSpec::new("antennas", 4, "250".parse()?),
/// )])
/// .notified_on(NaiveDate::from_ymd_opt(2013, 3, 1).ok_or("date")?);
/// assert!(proposal.schedule.is_none());
/// assert!(proposal.notified.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AmendmentProposal {
    /// The scope changes.
    pub changes: Vec<ScopeChange>,
    /// The revised payment schedule (see [`Amendment::schedule`]).
    #[serde(default)]
    pub schedule: Option<PaymentSchedule>,
    /// The day congressional notice of the amendment was given.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub notified: Option<NaiveDate>,
}

impl AmendmentProposal {
    /// A proposal of `changes`, without a revised schedule or a notice.
    #[must_use]
    pub fn new(changes: Vec<ScopeChange>) -> AmendmentProposal {
        AmendmentProposal {
            changes,
            schedule: None,
            notified: None,
        }
    }

    /// The same proposal carrying the revised payment `schedule`.
    #[must_use]
    pub fn with_schedule(mut self, schedule: PaymentSchedule) -> AmendmentProposal {
        self.schedule = Some(schedule);
        self
    }

    /// The same proposal with congressional notice given on `date`.
    #[must_use]
    pub fn notified_on(mut self, date: NaiveDate) -> AmendmentProposal {
        self.notified = Some(date);
        self
    }
}

/// A modification: a unilateral change without a change of scope (DOMAIN.md rule 26).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Modification {
    /// Its number.
    pub number: DocumentNumber,
    /// The date it was issued.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The adjustments.
    pub adjustments: Vec<Adjustment>,
}

/// Why a case was implemented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "basis")]
#[non_exhaustive]
pub enum ImplementationBasis {
    /// The initial deposit was received.
    InitialDeposit,
    /// An emergency implementation was approved before the deposit.
    Emergency {
        /// The approving document.
        approval: DocumentId,
    },
}

/// One dated step in a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// The date of the step.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// What was done.
    pub action: CaseAction,
    /// The state after it.
    pub state: CaseState,
}

/// What opens a case: the purchaser's request and the terms the case is priced under.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::sales::{CaseKind, CaseRequest, TermsOfSale};
/// use security_assistance::Rounding;
/// let request = CaseRequest::new("BR-D-QAA".parse()?, "BRA".parse()?,
///     NaiveDate::from_ymd_opt(2019, 4, 1).ok_or("date")?,
///     TermsOfSale::DependableUndertaking, Rounding::HalfEven);
/// assert_eq!(request.kind, CaseKind::Sale);
/// assert!(!request.cash_flow_financing);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseRequest {
    /// The case identifier.
    pub id: DocumentId,
    /// The purchaser.
    pub partner: CountryCode,
    /// The date the request was received.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub received: NaiveDate,
    /// Sale or Building Partner Capacity.
    pub kind: CaseKind,
    /// The terms of sale.
    pub terms: TermsOfSale,
    /// Whether the purchaser is authorized cash-flow financing (DOMAIN.md rules 29, 34).
    pub cash_flow_financing: bool,
    /// The dated charges the case is priced with.
    pub charges: Charges,
    /// How charges are rounded to the cent.
    pub rounding: Rounding,
}

impl CaseRequest {
    /// A request for a sale, without cash-flow financing, priced with
    /// [`Charges::current`] and rounded with `rounding`.
    #[must_use]
    pub fn new(
        id: DocumentId,
        partner: CountryCode,
        received: NaiveDate,
        terms: TermsOfSale,
        rounding: Rounding,
    ) -> CaseRequest {
        CaseRequest {
            id,
            partner,
            received,
            kind: CaseKind::Sale,
            terms,
            cash_flow_financing: false,
            charges: Charges::current(),
            rounding,
        }
    }
}

/// A sales case: its lines, its documents, its dated history and its state.
///
/// Every method that changes the case checks everything first and either applies whole or
/// returns a [`SalesError`] and changes nothing. See the [module documentation](self) for
/// the life of a case and an example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    id: DocumentId,
    partner: CountryCode,
    kind: CaseKind,
    terms: TermsOfSale,
    cash_flow_financing: bool,
    charges: Charges,
    rounding: Rounding,
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    received: NaiveDate,
    state: CaseState,
    history: Vec<Event>,
    lines: Vec<Line>,
    funding: Vec<FundingSource>,
    schedule: Option<PaymentSchedule>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    notified: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    milap: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    offered: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    offer_expires: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    accepted: Option<NaiveDate>,
    implemented: Option<(NaiveDate, ImplementationBasis)>,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    supply_complete: Option<NaiveDate>,
    amendments: Vec<Amendment>,
    modifications: Vec<Modification>,
    notices: Vec<Notification>,
    decision: Option<Decision>,
    /// The Small Case Management Line fixed at acceptance; later changes only lower it.
    #[serde(default)]
    small_case_line: Option<Money>,
    /// The standby letters of credit provided after the offer.
    #[serde(default)]
    letters: Vec<LetterProvision>,
}

/// A date that `Case::check_date` found on or after the case's last event; private, not
/// `Clone`, so each check allows exactly one `Case::record`.
#[derive(Debug)]
struct InOrder(NaiveDate);

impl Case {
    /// A case in [`CaseState::RequestReceived`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::sales::{Case, CaseRequest, CaseState, TermsOfSale};
    /// use security_assistance::Rounding;
    /// let received = NaiveDate::from_ymd_opt(2013, 1, 2).ok_or("date")?;
    /// let case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?, received,
    ///     TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// assert_eq!(case.state(), CaseState::RequestReceived);
    /// assert!(case.history().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn new(request: CaseRequest) -> Case {
        Case {
            id: request.id,
            partner: request.partner,
            kind: request.kind,
            terms: request.terms,
            cash_flow_financing: request.cash_flow_financing,
            charges: request.charges,
            rounding: request.rounding,
            received: request.received,
            state: CaseState::RequestReceived,
            history: Vec::new(),
            lines: Vec::new(),
            funding: Vec::new(),
            schedule: None,
            notified: None,
            milap: None,
            offered: None,
            offer_expires: None,
            accepted: None,
            implemented: None,
            supply_complete: None,
            amendments: Vec::new(),
            modifications: Vec::new(),
            notices: Vec::new(),
            decision: None,
            small_case_line: None,
            letters: Vec::new(),
        }
    }

    // ----- queries -----

    /// The case identifier.
    #[must_use]
    pub fn id(&self) -> &DocumentId {
        &self.id
    }

    /// The purchaser.
    #[must_use]
    pub fn partner(&self) -> CountryCode {
        self.partner
    }

    /// Sale or Building Partner Capacity.
    #[must_use]
    pub fn kind(&self) -> CaseKind {
        self.kind
    }

    /// The terms of sale.
    #[must_use]
    pub fn terms(&self) -> TermsOfSale {
        self.terms
    }

    /// The current state.
    #[must_use]
    pub fn state(&self) -> CaseState {
        self.state
    }

    /// The date the request was received.
    #[must_use]
    pub fn received_on(&self) -> NaiveDate {
        self.received
    }

    /// Every step after the request, in order.
    #[must_use]
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// Every line, in number order.
    #[must_use]
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// One line.
    ///
    /// # Errors
    ///
    /// [`SalesError::UnknownLine`] if there is no such line.
    pub fn line(&self, number: LineNumber) -> Result<&Line, SalesError> {
        self.lines
            .iter()
            .find(|l| l.number == number)
            .ok_or_else(|| SalesError::UnknownLine {
                case: self.id.clone(),
                line: number,
            })
    }

    /// The funding sources.
    #[must_use]
    pub fn funding(&self) -> &[FundingSource] {
        &self.funding
    }

    /// The payment schedule, if one was set.
    #[must_use]
    pub fn payment_schedule(&self) -> Option<&PaymentSchedule> {
        self.schedule.as_ref()
    }

    /// The date congressional notice was given, if recorded.
    #[must_use]
    pub fn notified_on(&self) -> Option<NaiveDate> {
        self.notified
    }

    /// The MILAP milestone date of the latest offer.
    #[must_use]
    pub fn milap_on(&self) -> Option<NaiveDate> {
        self.milap
    }

    /// The date of the latest offer.
    #[must_use]
    pub fn offered_on(&self) -> Option<NaiveDate> {
        self.offered
    }

    /// The offer expiration date of the latest offer.
    #[must_use]
    pub fn offer_expires_on(&self) -> Option<NaiveDate> {
        self.offer_expires
    }

    /// The acceptance date.
    #[must_use]
    pub fn accepted_on(&self) -> Option<NaiveDate> {
        self.accepted
    }

    /// The implementation date.
    #[must_use]
    pub fn implemented_on(&self) -> Option<NaiveDate> {
        self.implemented.as_ref().map(|(d, _)| *d)
    }

    /// Why the case was implemented.
    #[must_use]
    pub fn implementation_basis(&self) -> Option<&ImplementationBasis> {
        self.implemented.as_ref().map(|(_, b)| b)
    }

    /// The date the last line became supply complete.
    #[must_use]
    pub fn supply_complete_on(&self) -> Option<NaiveDate> {
        self.supply_complete
    }

    /// The date closure is due: [`CLOSURE_DUE_MONTHS`] after supply complete.
    #[must_use]
    pub fn closure_due(&self) -> Option<NaiveDate> {
        self.supply_complete?
            .checked_add_months(Months::new(CLOSURE_DUE_MONTHS))
    }

    /// The amendments, proposed and accepted.
    #[must_use]
    pub fn amendments(&self) -> &[Amendment] {
        &self.amendments
    }

    /// The modifications.
    #[must_use]
    pub fn modifications(&self) -> &[Modification] {
        &self.modifications
    }

    /// The notices the latest offer needed (and waited for).
    #[must_use]
    pub fn notices(&self) -> &[Notification] {
        &self.notices
    }

    /// The eligibility decision that allowed the latest offer.
    #[must_use]
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }

    /// The charges table the case is priced with.
    #[must_use]
    pub fn charges_table(&self) -> &Charges {
        &self.charges
    }

    /// The date of the last step (the request date before any).
    fn last_date(&self) -> NaiveDate {
        self.history.last().map_or(self.received, |e| e.date)
    }

    /// The sum of line values (before charges).
    ///
    /// # Errors
    ///
    /// [`SalesError::Money`] on overflow.
    pub fn value(&self) -> Result<Money, SalesError> {
        sum_values(self.lines.iter())
    }

    /// The charges on one line, priced at its key dates; before acceptance, the latest
    /// offer date (or the last step) stands in and the result is marked an estimate.
    ///
    /// # Errors
    ///
    /// [`SalesError::UnknownLine`]; [`SalesError::NoRateInForce`] when the table has no row
    /// for a charge the line needs; [`SalesError::Money`] on overflow.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// let charges = case.line_charges(line)?;
    /// assert_eq!(charges.value.to_string(), "$10,000.00");
    /// assert_eq!(charges.administrative.to_string(), "$350.00");
    /// assert_eq!(charges.total.to_string(), "$10,350.00");
    /// assert!(!charges.estimate);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn line_charges(&self, number: LineNumber) -> Result<LineCharges, SalesError> {
        self.price_line(self.line(number)?)
    }

    fn price_line(&self, line: &Line) -> Result<LineCharges, SalesError> {
        let estimate_date = self.offered.unwrap_or_else(|| self.last_date());
        let input = charges::PricingInput {
            partner: self.partner,
            value: line.value()?,
            accepted: line.accepted.unwrap_or(estimate_date),
            implemented: line.implemented,
            delivered: line.supply_complete,
            source_of_supply: line.source_of_supply,
            delivery_term: line.delivery_term,
            building_partner_capacity: self.kind == CaseKind::BuildingPartnerCapacity,
            estimate: line.accepted.is_none(),
        };
        self.charges.price(&input, self.rounding)
    }

    /// The case total: every line's value and charges.
    ///
    /// # Errors
    ///
    /// As [`Case::line_charges`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// assert_eq!(case.total()?.to_string(), "$10,350.00");
    /// assert_eq!(case.value()?.to_string(), "$10,000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn total(&self) -> Result<Money, SalesError> {
        total_of(self, &self.lines)
    }

    /// Whether the case needs a payment schedule (DOMAIN.md rule 29, with the case total
    /// as its value and an empty funding plan read as the purchaser's own funds).
    ///
    /// # Errors
    ///
    /// As [`Case::total`].
    pub fn payment_schedule_required(&self) -> Result<bool, SalesError> {
        Ok(payment_schedule_required(
            self.terms,
            self.total()?,
            &self.funding,
            self.cash_flow_financing,
        ))
    }

    /// The initial deposit due with acceptance: the whole case total when no payment
    /// schedule is required, else the schedule's initial deposit.
    ///
    /// # Errors
    ///
    /// [`SalesError::PaymentScheduleRequired`] when a schedule is required but none is set;
    /// as [`Case::total`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// // Cash with acceptance: the whole case is due with acceptance.
    /// assert!(!case.payment_schedule_required()?);
    /// assert_eq!(case.initial_deposit()?, case.total()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn initial_deposit(&self) -> Result<Money, SalesError> {
        let total = self.total()?;
        if !payment_schedule_required(self.terms, total, &self.funding, self.cash_flow_financing) {
            return Ok(total);
        }
        self.schedule
            .as_ref()
            .map(PaymentSchedule::initial_deposit)
            .ok_or_else(|| SalesError::PaymentScheduleRequired {
                case: self.id.clone(),
                total,
            })
    }

    /// What the case has made due by `date`: its initial deposit, and with a payment
    /// schedule every installment due on or before `date` (DOMAIN.md rules 29 and 30).
    ///
    /// # Errors
    ///
    /// As [`Case::initial_deposit`].
    pub fn due_by(&self, date: NaiveDate) -> Result<Money, SalesError> {
        let total = self.total()?;
        if !payment_schedule_required(self.terms, total, &self.funding, self.cash_flow_financing) {
            return Ok(total);
        }
        self.schedule
            .as_ref()
            .ok_or_else(|| SalesError::PaymentScheduleRequired {
                case: self.id.clone(),
                total,
            })?
            .due_by(date)
    }

    /// The Small Case Management Line: on a case accepted from 2006-08-01 through
    /// 2012-07-02 whose administrative surcharge is below $15,000, the difference, itself
    /// free of the surcharge; zero otherwise. It is part of [`Case::total`]. Fixed at
    /// acceptance, it only goes down when amendments or modifications raise the surcharge
    /// (SAMM LOA note "Small Case Management Line (SCML)"; DSCA 06-14, 12-37, 12-53; the
    /// dated figure is [`Charges::small_case_minimums`]).
    ///
    /// # Errors
    ///
    /// As [`Case::line_charges`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let mut case = Case::new(CaseRequest::new("JO-B-AAB".parse()?, "JOR".parse()?,
    ///     day(2010, 1, 4)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// case.begin_development(day(2010, 1, 5)?)?;
    /// case.add_line(day(2010, 1, 5)?, LineSpec::new("radios", 10, "10000".parse()?))?;
    /// case.offer(day(2010, 2, 1)?, day(2010, 1, 29)?, None, &Thresholds::current(), &AllowAll)?;
    /// case.accept(day(2010, 3, 1)?)?;
    /// // 3.8 % of $100,000 is $3,800: the line charges the other $11,200.
    /// assert_eq!(case.small_case_management_line()?.to_string(), "$11,200.00");
    /// assert_eq!(case.total()?.to_string(), "$115,000.00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn small_case_management_line(&self) -> Result<Money, SalesError> {
        small_case_line_of(self, &self.lines)
    }

    // ----- the checks every step starts with -----

    /// State, then date order.
    fn guard(&self, action: CaseAction, date: NaiveDate) -> Result<InOrder, SalesError> {
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        self.check_date(action, date)
    }

    /// The date-order check, and the only way to make the `InOrder` that
    /// `Case::record` needs.
    fn check_date(&self, action: CaseAction, date: NaiveDate) -> Result<InOrder, SalesError> {
        let previous = self.last_date();
        if date < previous {
            return Err(SalesError::DateBeforePrevious {
                case: self.id.clone(),
                action,
                date,
                previous,
            });
        }
        Ok(InOrder(date))
    }

    fn state_error(&self, action: CaseAction) -> Option<SalesError> {
        (!action.allowed_in().contains(&self.state)).then(|| SalesError::IllegalTransition {
            case: self.id.clone(),
            state: self.state,
            action,
        })
    }

    /// Appends the event. The history stays in date order by construction, not by an
    /// assertion: `in_order` can only come from `Case::check_date` (directly or through
    /// `Case::guard`) on this case, it is consumed here, and no step records twice or
    /// records between its check and this call, so the date it carries is on or after the
    /// last event's (issue 17: no assertion that input can reach).
    fn record(&mut self, in_order: InOrder, action: CaseAction, state: CaseState) {
        let InOrder(date) = in_order;
        self.state = state;
        self.history.push(Event {
            date,
            action,
            state,
        });
    }

    fn next_line_number(lines: &[Line]) -> Result<LineNumber, SalesError> {
        let count = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        LineNumber::new(count.saturating_add(1)).map_err(|_| SalesError::InvalidLine {
            problem: LineProblem::NumberOutOfRange {
                number: count.saturating_add(1),
            },
        })
    }

    // ----- development -----

    /// Starts writing the offer.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless the request was just received;
    /// [`SalesError::DateBeforePrevious`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// assert_eq!(case.state(), CaseState::OfferInDevelopment);
    /// // Twice is refused: development has begun.
    /// assert!(case.begin_development(day(2013, 1, 4)?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn begin_development(&mut self, date: NaiveDate) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::BeginDevelopment, date)?;
        self.record(
            in_order,
            CaseAction::BeginDevelopment,
            CaseState::OfferInDevelopment,
        );
        Ok(())
    }

    /// Adds a line to the offer being written and returns its number.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless the offer is in development;
    /// [`SalesError::DateBeforePrevious`]; [`SalesError::InvalidLine`] for an empty item, a
    /// zero quantity, a negative price, or more than [`MAX_LINES`] lines.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// assert_eq!(line.to_string(), "001");
    /// let spares = case.add_line(day(2013, 1, 4)?, LineSpec::new("spares", 1, "500".parse()?))?;
    /// assert_eq!(spares.get(), 2);
    /// assert!(case.add_line(day(2013, 1, 4)?, LineSpec::new("", 1, "1".parse()?)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_line(&mut self, date: NaiveDate, spec: LineSpec) -> Result<LineNumber, SalesError> {
        if let Some(e) = self.state_error(CaseAction::AddLine) {
            return Err(e);
        }
        spec.validate()?;
        let number = Case::next_line_number(&self.lines)?;
        let in_order = self.check_date(CaseAction::AddLine, date)?;
        self.lines.push(Line::from_spec(
            number,
            &spec,
            LineOrigin::Basic,
            None,
            None,
        ));
        self.record(in_order, CaseAction::AddLine, self.state);
        Ok(number)
    }

    /// Sets the funding sources; they must total the case total when the case is offered.
    /// An empty plan means the purchaser's own funds.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless the offer is in development;
    /// [`SalesError::DateBeforePrevious`]; [`SalesError::NegativeAmount`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// case.set_funding(day(2013, 1, 4)?, vec![FundingSource::OwnFunds { amount: "10350".parse()? }])?;
    /// assert_eq!(case.funding().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_funding(
        &mut self,
        date: NaiveDate,
        sources: Vec<FundingSource>,
    ) -> Result<(), SalesError> {
        if let Some(e) = self.state_error(CaseAction::SetFunding) {
            return Err(e);
        }
        if let Some(bad) = sources.iter().find(|s| s.amount().is_negative()) {
            return Err(SalesError::NegativeAmount {
                amount: bad.amount(),
            });
        }
        for source in &sources {
            if let FundingSource::StandbyLetterOfCredit {
                letter,
                issued,
                expires,
                ..
            } = source
                && expires < issued
            {
                return Err(SalesError::LetterOfCreditDates {
                    letter: letter.clone(),
                    issued: *issued,
                    expires: *expires,
                });
            }
        }
        let in_order = self.check_date(CaseAction::SetFunding, date)?;
        self.funding = sources;
        self.record(in_order, CaseAction::SetFunding, self.state);
        Ok(())
    }

    /// Sets the payment schedule of the offer being written; it must total the case total
    /// when the case is offered.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless the offer is in development;
    /// [`SalesError::DateBeforePrevious`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// let schedule = PaymentSchedule::quarterly(day(2013, 2, 1)?, "5350".parse()?, &["5000".parse()?])?;
    /// case.set_payment_schedule(day(2013, 1, 4)?, schedule)?;
    /// assert_eq!(case.payment_schedule().map(|s| s.installments().len()), Some(1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_payment_schedule(
        &mut self,
        date: NaiveDate,
        schedule: PaymentSchedule,
    ) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::SetPaymentSchedule, date)?;
        self.schedule = Some(schedule);
        self.record(in_order, CaseAction::SetPaymentSchedule, self.state);
        Ok(())
    }

    /// Records that congressional notice of the case was given on `date`; the review period
    /// runs from it.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] once the case is accepted;
    /// [`SalesError::DateBeforePrevious`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// case.record_notification(day(2013, 1, 10)?)?;
    /// assert_eq!(case.notified_on(), Some(day(2013, 1, 10)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_notification(&mut self, date: NaiveDate) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::RecordNotification, date)?;
        self.notified = Some(date);
        self.record(in_order, CaseAction::RecordNotification, self.state);
        Ok(())
    }

    // ----- offer and acceptance -----

    /// Offers the case on `date`, after the MILAP milestone on `milap`, to expire on
    /// `expires` (`None`: the standard [`STANDARD_OFFER_DAYS`] after `milap`). Offering an
    /// offered case re-offers it with the new expiration.
    ///
    /// # Errors
    ///
    /// In precedence order:
    /// 1. [`SalesError::IllegalTransition`] unless the offer is in development or offered;
    /// 2. [`SalesError::NoLines`];
    /// 3. [`SalesError::DateBeforePrevious`]; [`SalesError::MilapOutOfOrder`] when `milap`
    ///    is after `date` or before the request; [`SalesError::ExpirationNotAfterOffer`];
    /// 4. [`SalesError::NoRateInForce`] or [`SalesError::Money`] while pricing;
    /// 5. [`SalesError::FundingMismatch`] when funding sources are set and do not total the
    ///    case total; [`SalesError::PaymentScheduleRequired`] and
    ///    [`SalesError::ScheduleMismatch`] (DOMAIN.md rule 29);
    /// 6. [`SalesError::NotificationRequired`] when the case reaches an AECA 36(b) threshold
    ///    (or, cash-flow financed, the 23(g) one) and no notice is recorded;
    ///    [`SalesError::ReviewPeriodNotEnded`] when `date` is before the end of the review
    ///    period that began on the recorded notice;
    /// 7. [`SalesError::Ineligible`] when `eligibility` refuses a sale to the partner on
    ///    `date`.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// assert_eq!(case.state(), CaseState::Offered);
    /// assert_eq!(case.offer_expires_on(), Some(day(2013, 4, 26)?));
    /// assert!(case.decision().is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn offer(
        &mut self,
        date: NaiveDate,
        milap: NaiveDate,
        expires: Option<NaiveDate>,
        thresholds: &Thresholds,
        eligibility: &dyn EligibilityCheck,
    ) -> Result<(), SalesError> {
        let action = CaseAction::Offer;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        if self.lines.is_empty() {
            return Err(SalesError::NoLines {
                case: self.id.clone(),
            });
        }
        let in_order = self.check_date(action, date)?;
        if milap > date || milap < self.received {
            return Err(SalesError::MilapOutOfOrder {
                case: self.id.clone(),
                milap,
                received: self.received,
                offered: date,
            });
        }
        let expires = match expires {
            Some(d) => d,
            None => milap
                .checked_add_days(Days::new(u64::from(STANDARD_OFFER_DAYS)))
                .unwrap_or(NaiveDate::MAX),
        };
        if expires <= date {
            return Err(SalesError::ExpirationNotAfterOffer {
                case: self.id.clone(),
                expires,
                offered: date,
            });
        }
        // Price as if offered on `date`.
        let mut priced = self.clone();
        priced.offered = Some(date);
        let total = priced.total()?;
        self.check_funding_and_schedule(total)?;
        let notices = self.check_notices(date, total, thresholds)?;
        let mut request = EligibilityRequest::new(self.partner, ProgramKind::Sales, date);
        request.amount = Some(total);
        request.document = Some(self.id.as_str().to_owned());
        let decision = eligibility.decide(&request);
        if !decision.outcome().allows() {
            return Err(SalesError::Ineligible {
                case: self.id.clone(),
                decision: Box::new(decision),
            });
        }
        self.milap = Some(milap);
        self.offered = Some(date);
        self.offer_expires = Some(expires);
        self.notices = notices;
        self.decision = Some(decision);
        self.record(in_order, action, CaseState::Offered);
        Ok(())
    }

    /// The funding plan, when set, totals `total`; a payment schedule, when DOMAIN.md rule
    /// 29 requires one, exists and totals `total`.
    fn check_funding_and_schedule(&self, total: Money) -> Result<(), SalesError> {
        if self.funding.iter().any(|s| !s.is_standby()) {
            let planned = Money::checked_sum(self.funding.iter().map(FundingSource::planned))?;
            if planned != total {
                return Err(SalesError::FundingMismatch {
                    case: self.id.clone(),
                    total,
                    planned,
                });
            }
        }
        if !payment_schedule_required(self.terms, total, &self.funding, self.cash_flow_financing) {
            return Ok(());
        }
        let schedule =
            self.schedule
                .as_ref()
                .ok_or_else(|| SalesError::PaymentScheduleRequired {
                    case: self.id.clone(),
                    total,
                })?;
        let scheduled = schedule.total()?;
        if scheduled != total {
            return Err(SalesError::ScheduleMismatch {
                case: self.id.clone(),
                total,
                scheduled,
            });
        }
        Ok(())
    }

    /// The proposed actions a notice may be needed for: the sale under AECA 36(b), and the
    /// cash-flow financing under 23(g) when the purchaser has it.
    fn proposed_actions(&self, total: Money) -> Result<Vec<ProposedAction>, SalesError> {
        let [mde, all, dc] = sale_values(&self.lines)?;
        let mut actions = vec![ProposedAction::Sale {
            partner: self.partner,
            major_defense_equipment: mde,
            articles_and_services: all,
            design_and_construction: dc,
        }];
        if self.cash_flow_financing {
            actions.push(ProposedAction::CashFlowFinancing {
                partner: self.partner,
                value: total,
            });
        }
        Ok(actions)
    }

    fn check_notices(
        &self,
        date: NaiveDate,
        total: Money,
        thresholds: &Thresholds,
    ) -> Result<Vec<Notification>, SalesError> {
        self.check_actions(
            self.proposed_actions(total)?,
            date,
            self.notified,
            thresholds,
        )
    }

    /// The notices `actions` on `date` need, each given on `notified` and reviewed by
    /// `date`.
    fn check_actions(
        &self,
        actions: Vec<ProposedAction>,
        date: NaiveDate,
        notified: Option<NaiveDate>,
        thresholds: &Thresholds,
    ) -> Result<Vec<Notification>, SalesError> {
        let mut notices = Vec::new();
        for action in actions {
            // The review period runs from the notice, under the thresholds of its day.
            match notification::check_given(&action, date, notified, thresholds) {
                Ok(None) => {}
                Ok(Some(notice)) => notices.push(notice),
                Err(NoticeGap::Assess(e)) => return Err(e.into()),
                Err(NoticeGap::Required(today)) => {
                    return Err(SalesError::NotificationRequired {
                        case: self.id.clone(),
                        citation: today.citation,
                        review_days: today.review_days,
                        earliest_if_notified_today: today.earliest,
                    });
                }
                Err(NoticeGap::Pending { notice, notified }) => {
                    return Err(SalesError::ReviewPeriodNotEnded {
                        case: self.id.clone(),
                        citation: notice.citation,
                        notified,
                        earliest: notice.earliest,
                        date,
                    });
                }
            }
        }
        Ok(notices)
    }

    /// The purchaser accepts the offer on `date`, on or before its expiration.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless offered; [`SalesError::DateBeforePrevious`];
    /// [`SalesError::OfferExpired`] after the offer expiration date (DOMAIN.md rule 24: it
    /// must be re-offered or cancelled).
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// let mut late = case.clone();
    /// assert!(matches!(late.accept(day(2013, 4, 27)?), Err(SalesError::OfferExpired { .. })));
    /// case.accept(day(2013, 4, 26)?)?;
    /// assert_eq!(case.accepted_on(), Some(day(2013, 4, 26)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accept(&mut self, date: NaiveDate) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::Accept, date)?;
        if let Some(expired) = self.offer_expires.filter(|e| date > *e) {
            return Err(SalesError::OfferExpired {
                case: self.id.clone(),
                expired,
                date,
            });
        }
        let mut accepted = self.clone();
        accepted.accepted = Some(date);
        for line in &mut accepted.lines {
            line.accepted.get_or_insert(date);
        }
        let small = small_case_line_of(&accepted, &accepted.lines)?;
        *self = accepted;
        self.small_case_line = Some(small);
        self.record(in_order, CaseAction::Accept, CaseState::Accepted);
        Ok(())
    }

    /// Implements the case on `date`: after its initial deposit is in `trust` (deposits
    /// dated on or before `date`), or on an emergency implementation.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless accepted; [`SalesError::DateBeforePrevious`];
    /// [`SalesError::PaymentScheduleRequired`]; [`SalesError::DepositNotReceived`]
    /// (DOMAIN.md rule 25).
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// let mut trust = TrustFund::new();
    /// let before = case.clone();
    /// assert!(matches!(
    ///     case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust),
    ///     Err(SalesError::DepositNotReceived { .. })
    /// ));
    /// assert_eq!(case, before);
    /// trust.deposit(&case, day(2013, 3, 2)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// assert_eq!(case.state(), CaseState::Implemented);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn implement(
        &mut self,
        date: NaiveDate,
        basis: ImplementationBasis,
        trust: &TrustFund,
    ) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::Implement, date)?;
        if basis == ImplementationBasis::InitialDeposit {
            let required = self.initial_deposit()?;
            let received = trust.case_deposits(&self.id, Some(date))?;
            if received < required {
                return Err(SalesError::DepositNotReceived {
                    case: self.id.clone(),
                    required,
                    received,
                });
            }
        }
        self.implemented = Some((date, basis));
        for line in &mut self.lines {
            line.implemented.get_or_insert(date);
        }
        self.record(in_order, CaseAction::Implement, CaseState::Implemented);
        Ok(())
    }

    /// Cancels the case (before implementation).
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] once implemented, closed or cancelled;
    /// [`SalesError::DateBeforePrevious`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// case.cancel(day(2013, 5, 1)?)?;
    /// assert_eq!(case.state(), CaseState::Cancelled);
    /// assert!(case.accept(day(2013, 5, 2)?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn cancel(&mut self, date: NaiveDate) -> Result<(), SalesError> {
        let in_order = self.guard(CaseAction::Cancel, date)?;
        self.record(in_order, CaseAction::Cancel, CaseState::Cancelled);
        Ok(())
    }

    // ----- amendments and modifications -----

    /// Proposes (offers) an amendment of scope on `date`; it changes nothing until the
    /// purchaser accepts it, and its offer expires [`STANDARD_OFFER_DAYS`] later.
    ///
    /// An amendment is offered like a basic LOA (DOMAIN.md §2.2; SAMM C6, which keeps scope
    /// changes for amendments), so it is checked for congressional notice the way
    /// [`Case::offer`] is, with the lines it would leave (new lines priced as accepted on
    /// `date`):
    ///
    /// - **AECA 36(b) re-notification**: when the amended case reaches a threshold of the
    ///   dated [`Thresholds`] rows (major defense equipment, articles and services, design
    ///   and construction, each assessed alone) that the case before it did not reach, the
    ///   amendment needs its own notice (`proposal.notified`), and `date` must be on or
    ///   after the end of the review period that began on it. A case already over a
    ///   threshold is not notified again for growth under that threshold (the AECA 36(b)(5)
    ///   report on enhanced or upgraded technology is not modelled).
    /// - **AECA 23(g)**: a cash-flow-financed purchaser's amendment whose own value (the
    ///   growth of the case total) reaches the 23(g) threshold needs that notice too (SAMM
    ///   Figure C9.F3 names amendments).
    ///
    /// # Errors
    ///
    /// In precedence order: [`SalesError::IllegalTransition`] unless accepted or
    /// implemented; [`SalesError::NoChanges`]; [`SalesError::InvalidLine`] for a new line or
    /// a zero quantity; [`SalesError::UnknownLine`]; [`SalesError::DateBeforePrevious`];
    /// [`SalesError::QuantityBelowZero`]; [`SalesError::NoRateInForce`] or
    /// [`SalesError::Money`] while pricing; [`SalesError::NotificationRequired`] and
    /// [`SalesError::ReviewPeriodNotEnded`] as above.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// # let mut trust = TrustFund::new();
    /// # trust.deposit(&case, day(2013, 3, 1)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// # case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// let number = case.propose_amendment(day(2013, 4, 1)?,
    ///     AmendmentProposal::new(vec![ScopeChange::IncreaseQuantity { line, additional: 5 }]),
    ///     &Thresholds::current())?;
    /// // Nothing changes until the purchaser accepts and pays what acceptance requires.
    /// assert_eq!(case.lines().len(), 1);
    /// assert_eq!(case.amendment_deposit(number, day(2013, 4, 15)?, &trust)?.to_string(), "$5,175.00");
    /// trust.deposit(&case, day(2013, 4, 15)?, "5175".parse()?, "JOR".parse()?)?;
    /// case.accept_amendment(number, day(2013, 4, 15)?, &trust)?;
    /// assert_eq!(case.lines().len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn propose_amendment(
        &mut self,
        date: NaiveDate,
        proposal: AmendmentProposal,
        thresholds: &Thresholds,
    ) -> Result<DocumentNumber, SalesError> {
        let action = CaseAction::ProposeAmendment;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        let AmendmentProposal {
            changes,
            schedule,
            notified,
        } = proposal;
        if changes.is_empty() {
            return Err(SalesError::NoChanges {
                case: self.id.clone(),
                action,
            });
        }
        for change in &changes {
            match change {
                ScopeChange::AddLine(spec) => spec.validate()?,
                ScopeChange::IncreaseQuantity {
                    line,
                    additional: n,
                }
                | ScopeChange::ReduceQuantity { line, by: n } => {
                    if *n == 0 {
                        return Err(SalesError::InvalidLine {
                            problem: LineProblem::ZeroQuantity,
                        });
                    }
                    self.line(*line)?;
                }
            }
        }
        let in_order = self.check_date(action, date)?;
        let number = next_document_number(self.amendments.len());
        let (after, _) = self.amended_lines(number, &changes, date, false)?;
        let mut actions = Vec::new();
        if let Some((sale, _)) = self.newly_notifiable(&after, date, thresholds)? {
            actions.push(sale);
        }
        if self.cash_flow_financing {
            let growth = total_of(self, &after)?.checked_sub(self.total()?)?;
            if growth.is_positive() {
                actions.push(ProposedAction::CashFlowFinancing {
                    partner: self.partner,
                    value: growth,
                });
            }
        }
        let notices = self.check_actions(actions, date, notified, thresholds)?;
        let offer_expires = date
            .checked_add_days(Days::new(u64::from(STANDARD_OFFER_DAYS)))
            .unwrap_or(NaiveDate::MAX);
        self.amendments.push(Amendment {
            number,
            proposed: date,
            accepted: None,
            offer_expires: Some(offer_expires),
            changes,
            lines_added: Vec::new(),
            schedule,
            notified,
            notices,
            due_with_acceptance: None,
        });
        self.record(in_order, action, self.state);
        Ok(number)
    }

    /// The AECA 36(b) sale `after` would be, with its notice, when on `date` one of its
    /// values (major defense equipment, articles and services, design and construction)
    /// reaches its threshold alone and the same value of the case's lines does not: the
    /// case "crosses" a notification threshold.
    fn newly_notifiable(
        &self,
        after: &[Line],
        date: NaiveDate,
        thresholds: &Thresholds,
    ) -> Result<Option<(ProposedAction, Notification)>, SalesError> {
        let sale = |[mde, all, dc]: [Money; 3]| ProposedAction::Sale {
            partner: self.partner,
            major_defense_equipment: mde,
            articles_and_services: all,
            design_and_construction: dc,
        };
        let was = sale_values(&self.lines)?;
        let now = sale_values(after)?;
        let z = Money::ZERO;
        let alone = |[mde, all, dc]: [Money; 3]| {
            [[mde, z, z], [z, all, z], [z, z, dc]].map(|values| {
                notification::assess(&sale(values), date, thresholds).map(|n| n.is_some())
            })
        };
        let crossed = alone(was)
            .into_iter()
            .zip(alone(now))
            .try_fold(false, |any, (before, after)| {
                Ok::<bool, SalesError>(any || (!before? && after?))
            })?;
        if !crossed {
            return Ok(None);
        }
        let action = sale(now);
        Ok(notification::assess(&action, date, thresholds)?.map(|notice| (action, notice)))
    }

    /// The lines after `changes` of amendment `number`, accepted on `date` (and implemented
    /// on `date` when the case is), and the numbers of the lines added; `readd` refuses a
    /// line that comes back at a lower rate ([`Case::check_readd`]).
    fn amended_lines(
        &self,
        number: DocumentNumber,
        changes: &[ScopeChange],
        date: NaiveDate,
        readd: bool,
    ) -> Result<(Vec<Line>, Vec<LineNumber>), SalesError> {
        let implemented = self.implemented_on().map(|_| date);
        let mut lines = self.lines.clone();
        let mut added = Vec::new();
        for change in changes {
            let (spec, grows) =
                match change {
                    ScopeChange::ReduceQuantity { line, by } => {
                        let target = find_line_mut(&mut lines, &self.id, *line)?;
                        target.quantity = target.quantity.checked_sub(*by).ok_or(
                            SalesError::QuantityBelowZero {
                                line: *line,
                                quantity: target.quantity,
                                removed: *by,
                            },
                        )?;
                        target.reduced = true;
                        continue;
                    }
                    ScopeChange::AddLine(spec) => (spec.clone(), None),
                    ScopeChange::IncreaseQuantity { line, additional } => {
                        let source = find_line(&lines, &self.id, *line)?;
                        (source.spec(*additional), Some(*line))
                    }
                };
            if readd {
                self.check_readd(&lines, &spec.item, date, implemented)?;
            }
            let new_number = Case::next_line_number(&lines)?;
            lines.push(Line::from_spec(
                new_number,
                &spec,
                LineOrigin::Amendment { number, grows },
                Some(date),
                implemented,
            ));
            added.push(new_number);
        }
        Ok((lines, added))
    }

    /// What accepting `amendment` on `date` makes of the case: its lines, the lines added,
    /// the payment schedule it runs on (`None` when DOMAIN.md rule 29 needs none), and
    /// what the case's deposits must reach.
    fn amendment_terms(
        &self,
        amendment: &Amendment,
        date: NaiveDate,
    ) -> Result<AmendedCase, SalesError> {
        let (lines, added) =
            self.amended_lines(amendment.number, &amendment.changes, date, true)?;
        let total = total_of(self, &lines)?;
        if !payment_schedule_required(self.terms, total, &self.funding, self.cash_flow_financing) {
            return Ok(AmendedCase {
                lines,
                added,
                schedule: None,
                required: total,
            });
        }
        let schedule = amendment
            .schedule
            .clone()
            .or_else(|| self.schedule.clone())
            .ok_or_else(|| SalesError::PaymentScheduleRequired {
                case: self.id.clone(),
                total,
            })?;
        let scheduled = schedule.total()?;
        if scheduled != total {
            return Err(SalesError::ScheduleMismatch {
                case: self.id.clone(),
                total,
                scheduled,
            });
        }
        let required = schedule.initial_deposit();
        Ok(AmendedCase {
            lines,
            added,
            schedule: Some(schedule),
            required,
        })
    }

    fn find_amendment(&self, number: DocumentNumber) -> Result<(usize, Amendment), SalesError> {
        self.amendments
            .iter()
            .enumerate()
            .find(|(_, a)| a.number == number)
            .map(|(i, a)| (i, a.clone()))
            .ok_or_else(|| SalesError::UnknownAmendment {
                case: self.id.clone(),
                number,
            })
    }

    /// The deposit the purchaser must still make for amendment `number` to be accepted on
    /// `date`: what acceptance requires less the case's deposits in `trust` dated on or
    /// before `date`, never negative.
    ///
    /// What acceptance requires is the **initial deposit of the amended case** (DOMAIN.md
    /// §2.1 steps 5-6 and §2.2: an amendment is accepted like a basic LOA, with its initial
    /// deposit, and one that needs a deposit is implemented only after the funds are
    /// received; rule 25): without a payment schedule (DOMAIN.md rule 29, cash with
    /// acceptance or a small case wholly financed by grants) the whole amended total; with
    /// one, the initial deposit of the revised schedule the amendment carries (or, if it
    /// carries none, of the case's schedule, which must then still total the amended case).
    /// The deposit for the added value is the difference from what the case's deposits
    /// already cover; installments falling due later are billed as usual and are not a
    /// condition of acceptance.
    ///
    /// # Errors
    ///
    /// [`SalesError::UnknownAmendment`]; [`SalesError::AmendmentAlreadyAccepted`]; as
    /// [`Case::accept_amendment`] for the pricing and the schedule.
    pub fn amendment_deposit(
        &self,
        number: DocumentNumber,
        date: NaiveDate,
        trust: &TrustFund,
    ) -> Result<Money, SalesError> {
        let (_, amendment) = self.find_amendment(number)?;
        if let Some(accepted) = amendment.accepted {
            return Err(SalesError::AmendmentAlreadyAccepted {
                case: self.id.clone(),
                number,
                accepted,
            });
        }
        let terms = self.amendment_terms(&amendment, date)?;
        let received = trust.case_deposits(&self.id, Some(date))?;
        Ok(terms.required.checked_sub(received)?.max(Money::ZERO))
    }

    /// The purchaser accepts amendment `number` on `date`, having deposited what acceptance
    /// requires (see [`Case::amendment_deposit`]): reductions apply to their lines, new
    /// lines and growth go on new lines priced at `date` (implemented on `date` if the case
    /// is), and the revised payment schedule, if the amendment carries one, replaces the
    /// case's.
    ///
    /// # Errors
    ///
    /// In precedence order: [`SalesError::IllegalTransition`] unless accepted or
    /// implemented; [`SalesError::UnknownAmendment`]; [`SalesError::AmendmentAlreadyAccepted`];
    /// [`SalesError::DateBeforePrevious`]; [`SalesError::AmendmentOfferExpired`] after the
    /// amendment's own offer expiration date ([`Amendment::offer_expires`], 85 days after
    /// its proposal); [`SalesError::UnknownLine`];
    /// [`SalesError::InvalidLine`] past [`MAX_LINES`]; [`SalesError::QuantityBelowZero`];
    /// [`SalesError::ReAddAtLowerRate`] when a line of an item whose line was reduced would
    /// come back at a lower surcharge rate (DOMAIN.md §2.3); [`SalesError::NoRateInForce`]
    /// or [`SalesError::Money`] while pricing; [`SalesError::PaymentScheduleRequired`] and
    /// [`SalesError::ScheduleMismatch`] when the amended case needs a schedule and none
    /// totals it; [`SalesError::DepositNotReceived`] when the case's deposits by `date`
    /// fall short of what acceptance requires.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// # let mut trust = TrustFund::new();
    /// # trust.deposit(&case, day(2013, 3, 1)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// # case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// let number = case.propose_amendment(day(2013, 4, 1)?, AmendmentProposal::new(
    ///     vec![ScopeChange::AddLine(LineSpec::new("antennas", 4, "250".parse()?))]),
    ///     &Thresholds::current())?;
    /// // Cash with acceptance: the $1,035.00 the new line adds is due with acceptance.
    /// let before = case.clone();
    /// assert!(matches!(case.accept_amendment(number, day(2013, 4, 15)?, &trust),
    ///     Err(SalesError::DepositNotReceived { .. })));
    /// assert_eq!(case, before);
    /// trust.deposit(&case, day(2013, 4, 15)?, "1035".parse()?, "JOR".parse()?)?;
    /// case.accept_amendment(number, day(2013, 4, 15)?, &trust)?;
    /// let added = case.amendments()[0].lines_added[0];
    /// assert_eq!(case.line(added)?.accepted, Some(day(2013, 4, 15)?));
    /// assert!(case.accept_amendment(number, day(2013, 4, 16)?, &trust).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn accept_amendment(
        &mut self,
        number: DocumentNumber,
        date: NaiveDate,
        trust: &TrustFund,
    ) -> Result<(), SalesError> {
        let action = CaseAction::AcceptAmendment;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        let (index, amendment) = self.find_amendment(number)?;
        if let Some(accepted) = amendment.accepted {
            return Err(SalesError::AmendmentAlreadyAccepted {
                case: self.id.clone(),
                number,
                accepted,
            });
        }
        let in_order = self.check_date(action, date)?;
        if let Some(expired) = amendment.offer_expires.filter(|e| date > *e) {
            return Err(SalesError::AmendmentOfferExpired {
                case: self.id.clone(),
                number,
                expired,
                date,
            });
        }
        let terms = self.amendment_terms(&amendment, date)?;
        let received = trust.case_deposits(&self.id, Some(date))?;
        if received < terms.required {
            return Err(SalesError::DepositNotReceived {
                case: self.id.clone(),
                required: terms.required,
                received,
            });
        }
        self.lines = terms.lines;
        if terms.schedule.is_some() {
            self.schedule = terms.schedule;
        }
        if let Some(a) = self.amendments.get_mut(index) {
            a.accepted = Some(date);
            a.lines_added = terms.added;
            a.due_with_acceptance = Some(terms.required);
        }
        self.record(in_order, action, self.state);
        Ok(())
    }

    /// Refuses a new line of `item` at a lower administrative rate than a reduced line of
    /// the same item.
    fn check_readd(
        &self,
        lines: &[Line],
        item: &str,
        accepted: NaiveDate,
        implemented: Option<NaiveDate>,
    ) -> Result<(), SalesError> {
        let rate_of = |a: NaiveDate, i: Option<NaiveDate>| {
            self.charges.administrative_row(a, i).map(|r| r.rate)
        };
        let Some(new_rate) = rate_of(accepted, implemented) else {
            return Ok(());
        };
        for line in lines.iter().filter(|l| l.reduced && l.item == item) {
            let Some(accepted_then) = line.accepted else {
                continue;
            };
            if let Some(reduced_rate) =
                rate_of(accepted_then, line.implemented).filter(|r| new_rate < *r)
            {
                return Err(SalesError::ReAddAtLowerRate {
                    line: line.number,
                    item: item.to_owned(),
                    reduced_rate,
                    new_rate,
                });
            }
        }
        Ok(())
    }

    /// Issues a modification on `date`: price estimates, delivery estimates, a new payment
    /// schedule. Lines keep their rates; no purchaser signature is needed.
    ///
    /// A modification stays within the case's scope (DOMAIN.md §2.2 and rule 26; SAMM C6,
    /// DSCA 24-08): what the purchaser did not accept cannot be added to it. Its adjustments
    /// cannot add lines or quantities by construction ([`Adjustment`] has no such change),
    /// and a price change that would make the case reach an AECA 36(b) threshold it did
    /// not reach before (the test of [`Case::propose_amendment`], under `thresholds` on
    /// `date`) is a change the Congress must be told of before the purchaser is bound, so
    /// it is refused as a change of scope and must go on an amendment. That a price
    /// increase crossing a threshold needs an amendment is our reading of SAMM C6's
    /// amendment-versus-modification table, whose text was not confirmed here.
    ///
    /// # Errors
    ///
    /// In precedence order: [`SalesError::IllegalTransition`] unless accepted, implemented
    /// or supply complete; [`SalesError::NoChanges`]; [`SalesError::InvalidLine`] for a
    /// negative price; [`SalesError::UnknownLine`]; [`SalesError::DateBeforePrevious`];
    /// [`SalesError::ScheduleMismatch`] when a new schedule does not total the case total;
    /// [`SalesError::ModificationChangesScope`] as above.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// # let mut trust = TrustFund::new();
    /// # trust.deposit(&case, day(2013, 3, 1)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// # case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// case.modify(day(2013, 4, 1)?, vec![Adjustment::UnitPrice { line, unit_price: "1100".parse()? }],
    ///     &Thresholds::current())?;
    /// let charges = case.line_charges(line)?;
    /// assert_eq!(charges.value.to_string(), "$11,000.00");
    /// assert_eq!(charges.administrative_rate.to_string(), "3.5");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn modify(
        &mut self,
        date: NaiveDate,
        adjustments: Vec<Adjustment>,
        thresholds: &Thresholds,
    ) -> Result<DocumentNumber, SalesError> {
        let action = CaseAction::Modify;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        if adjustments.is_empty() {
            return Err(SalesError::NoChanges {
                case: self.id.clone(),
                action,
            });
        }
        let mut lines = self.lines.clone();
        let mut schedule = self.schedule.clone();
        for adjustment in &adjustments {
            match adjustment {
                Adjustment::UnitPrice { line, unit_price } => {
                    if unit_price.is_negative() {
                        return Err(SalesError::InvalidLine {
                            problem: LineProblem::NegativePrice { price: *unit_price },
                        });
                    }
                    find_line_mut(&mut lines, &self.id, *line)?.unit_price = *unit_price;
                }
                Adjustment::EstimatedDelivery { line, date } => {
                    find_line_mut(&mut lines, &self.id, *line)?.estimated_delivery = Some(*date);
                }
                Adjustment::PaymentSchedule(s) => schedule = Some(s.clone()),
            }
        }
        let in_order = self.check_date(action, date)?;
        if adjustments
            .iter()
            .any(|a| matches!(a, Adjustment::PaymentSchedule(_)))
        {
            let total = total_of(self, &lines)?;
            let scheduled = schedule
                .as_ref()
                .map_or(Ok(Money::ZERO), PaymentSchedule::total)?;
            if scheduled != total {
                return Err(SalesError::ScheduleMismatch {
                    case: self.id.clone(),
                    total,
                    scheduled,
                });
            }
        }
        if let Some((_, notice)) = self.newly_notifiable(&lines, date, thresholds)? {
            return Err(SalesError::ModificationChangesScope {
                case: self.id.clone(),
                notice: Box::new(notice),
            });
        }
        let number = next_document_number(self.modifications.len());
        self.lines = lines;
        self.schedule = schedule;
        self.modifications.push(Modification {
            number,
            date,
            adjustments,
        });
        self.record(in_order, action, self.state);
        Ok(number)
    }

    // ----- execution and closure -----

    /// Records line `number` as delivered or performed on `date`; when every line is, the
    /// case becomes supply complete on that date.
    ///
    /// # Errors
    ///
    /// [`SalesError::IllegalTransition`] unless implemented; [`SalesError::UnknownLine`];
    /// [`SalesError::LineAlreadyComplete`]; [`SalesError::DateBeforePrevious`].
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use security_assistance::eligibility::AllowAll;
    /// # use security_assistance::notification::Thresholds;
    /// # use security_assistance::programs::sales::*;
    /// # use security_assistance::Rounding;
    /// # let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// # let _ = (AllowAll, Thresholds::current());
    /// # let mut case = Case::new(CaseRequest::new("JO-B-AAA".parse()?, "JOR".parse()?,
    /// #     day(2013, 1, 2)?, TermsOfSale::CashWithAcceptance, Rounding::HalfEven));
    /// # case.begin_development(day(2013, 1, 3)?)?;
    /// # let line = case.add_line(day(2013, 1, 3)?, LineSpec::new("radios", 10, "1000".parse()?))?;
    /// # let _ = line;
    /// # case.offer(day(2013, 2, 1)?, day(2013, 1, 31)?, None, &Thresholds::current(), &AllowAll)?;
    /// # case.accept(day(2013, 3, 1)?)?;
    /// # let mut trust = TrustFund::new();
    /// # trust.deposit(&case, day(2013, 3, 1)?, case.initial_deposit()?, "JOR".parse()?)?;
    /// # case.implement(day(2013, 3, 2)?, ImplementationBasis::InitialDeposit, &trust)?;
    /// case.complete_line(line, day(2013, 9, 30)?)?;
    /// assert_eq!(case.state(), CaseState::SupplyComplete);
    /// assert_eq!(case.supply_complete_on(), Some(day(2013, 9, 30)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn complete_line(&mut self, number: LineNumber, date: NaiveDate) -> Result<(), SalesError> {
        let action = CaseAction::CompleteLine;
        if let Some(e) = self.state_error(action) {
            return Err(e);
        }
        if let Some(completed) = self.line(number)?.supply_complete {
            return Err(SalesError::LineAlreadyComplete {
                case: self.id.clone(),
                line: number,
                completed,
            });
        }
        let in_order = self.check_date(action, date)?;
        find_line_mut(&mut self.lines, &self.id, number)?.supply_complete = Some(date);
        let all_done = self
            .lines
            .iter()
            .all(|l| l.supply_complete.is_some() || l.quantity == 0);
        let state = if all_done {
            self.supply_complete = Some(date);
            CaseState::SupplyComplete
        } else {
            self.state
        };
        self.record(in_order, action, state);
        Ok(())
    }
}

fn next_document_number(existing: usize) -> DocumentNumber {
    DocumentNumber(
        u16::try_from(existing)
            .unwrap_or(u16::MAX)
            .saturating_add(1),
    )
}

fn find_line<'a>(
    lines: &'a [Line],
    case: &DocumentId,
    number: LineNumber,
) -> Result<&'a Line, SalesError> {
    lines
        .iter()
        .find(|l| l.number == number)
        .ok_or_else(|| SalesError::UnknownLine {
            case: case.clone(),
            line: number,
        })
}

fn find_line_mut<'a>(
    lines: &'a mut [Line],
    case: &DocumentId,
    number: LineNumber,
) -> Result<&'a mut Line, SalesError> {
    lines
        .iter_mut()
        .find(|l| l.number == number)
        .ok_or_else(|| SalesError::UnknownLine {
            case: case.clone(),
            line: number,
        })
}

/// What accepting an amendment makes of a case (see `Case::amendment_terms`).
#[derive(Debug)]
struct AmendedCase {
    lines: Vec<Line>,
    added: Vec<LineNumber>,
    schedule: Option<PaymentSchedule>,
    required: Money,
}

/// The AECA 36(b) values of `lines`: major defense equipment, all articles and services,
/// design and construction.
fn sale_values(lines: &[Line]) -> Result<[Money; 3], SalesError> {
    Ok([
        sum_values(lines.iter().filter(|l| l.major_defense_equipment))?,
        sum_values(lines.iter())?,
        sum_values(lines.iter().filter(|l| l.design_and_construction))?,
    ])
}

fn sum_values<'a>(mut lines: impl Iterator<Item = &'a Line>) -> Result<Money, SalesError> {
    lines.try_fold(Money::ZERO, |total, line| {
        Ok(total.checked_add(line.value()?)?)
    })
}

fn total_of(case: &Case, lines: &[Line]) -> Result<Money, SalesError> {
    let lines_total = lines.iter().try_fold(Money::ZERO, |total, line| {
        Ok::<Money, SalesError>(total.checked_add(case.price_line(line)?.total)?)
    })?;
    Ok(lines_total.checked_add(small_case_line_of(case, lines)?)?)
}

/// The Small Case Management Line of a case with `lines`: the shortfall of their
/// administrative surcharge below the minimum in force on the case's acceptance date (the
/// offer date, then the last step, standing in before acceptance), never more than the
/// line fixed at acceptance (SAMM LOA note "Small Case Management Line (SCML)").
fn small_case_line_of(case: &Case, lines: &[Line]) -> Result<Money, SalesError> {
    let key = case
        .accepted
        .or(case.offered)
        .unwrap_or_else(|| case.last_date());
    let Some(minimum) = case.charges.small_case_minimum(key) else {
        return Ok(Money::ZERO);
    };
    let administrative = lines.iter().try_fold(Money::ZERO, |total, line| {
        Ok::<Money, SalesError>(total.checked_add(case.price_line(line)?.administrative)?)
    })?;
    let shortfall = minimum
        .minimum
        .checked_sub(administrative)?
        .max(Money::ZERO);
    Ok(case
        .small_case_line
        .map_or(shortfall, |fixed| shortfall.min(fixed)))
}

/// Why a step on a case, the trust fund, or a schedule was refused.
///
/// # Precedence
///
/// Each operation checks in one fixed order and returns the first failure;
/// [`SalesError::precedence`] gives the rank:
///
/// 1. state and identity: [`SalesError::IllegalTransition`], [`SalesError::CrossPartner`],
///    [`SalesError::CaseOfOtherPartner`], [`SalesError::NotBuildingPartnerCapacity`],
///    [`SalesError::NotAccepted`];
/// 2. shape: [`SalesError::InvalidLine`], [`SalesError::NoLines`], [`SalesError::NoChanges`],
///    [`SalesError::NotPositive`], [`SalesError::NegativeAmount`],
///    [`SalesError::NotQuarterEnd`], [`SalesError::NotBillingDueDate`],
///    [`SalesError::InvalidDeliveryTerm`], [`SalesError::LetterOfCreditDates`];
/// 3. existence: [`SalesError::UnknownLine`], [`SalesError::UnknownAmendment`],
///    [`SalesError::AmendmentAlreadyAccepted`], [`SalesError::LineAlreadyComplete`],
///    [`SalesError::UnknownFundingSource`], [`SalesError::UnknownLetterOfCredit`],
///    [`SalesError::DuplicateLetterOfCredit`];
/// 4. time: [`SalesError::DateBeforePrevious`], [`SalesError::TrustDateBeforePrevious`],
///    [`SalesError::MilapOutOfOrder`], [`SalesError::ExpirationNotAfterOffer`],
///    [`SalesError::OfferExpired`], [`SalesError::AmendmentOfferExpired`],
///    [`SalesError::ObligationBeforeAcceptance`], [`SalesError::LetterOfCreditNotInForce`],
///    [`SalesError::LetterOfCreditExpired`], [`SalesError::LetterOfCreditReplaced`];
/// 5. pricing: [`SalesError::NoRateInForce`];
/// 6. amount: [`SalesError::FundingMismatch`], [`SalesError::PaymentScheduleRequired`],
///    [`SalesError::ScheduleMismatch`], [`SalesError::DepositNotReceived`],
///    [`SalesError::QuantityBelowZero`], [`SalesError::ReAddAtLowerRate`],
///    [`SalesError::FundingSourceExceeded`], [`SalesError::ExceedsCaseValue`],
///    [`SalesError::InsufficientTrustBalance`], [`SalesError::LineNotBilled`],
///    [`SalesError::ClosureArrears`], [`SalesError::DispositionRequired`],
///    [`SalesError::FinancingReturnExceeded`], [`SalesError::RefundExceedsOwnCash`],
///    [`SalesError::LetterOfCreditExceeded`], [`SalesError::DrawExceedsArrears`];
/// 7. notice: [`SalesError::NotificationRequired`], [`SalesError::ReviewPeriodNotEnded`],
///    [`SalesError::ModificationChangesScope`];
/// 8. eligibility: [`SalesError::Ineligible`];
/// 9. ledger: [`SalesError::Ledger`], [`SalesError::DuplicateLedgerCommand`].
///
/// Arithmetic overflow ([`SalesError::Money`]) and an assessment that could not be made
/// ([`SalesError::Assess`]) have rank 0.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SalesError {
    /// The action is not allowed in the case's state.
    #[error(
        "cannot {action} case {case} while it is {state}: {action} is allowed only while the case is {}",
        action.allowed_phrase()
    )]
    IllegalTransition {
        /// The case.
        case: DocumentId,
        /// Its state.
        state: CaseState,
        /// The action refused.
        action: CaseAction,
    },
    /// A partner tried to pay another partner's case.
    #[error("{payer} cannot pay case {case} of {case_partner}: cash never crosses partners")]
    CrossPartner {
        /// The case.
        case: DocumentId,
        /// The case's partner.
        case_partner: CountryCode,
        /// The partner that tried to pay.
        payer: CountryCode,
    },
    /// The trust fund knows a case of the same id under another partner.
    #[error("case {case} belongs to {registered} in the trust fund, not to {presented}")]
    CaseOfOtherPartner {
        /// The case.
        case: DocumentId,
        /// The partner the trust fund has for it.
        registered: CountryCode,
        /// The partner of the case presented.
        presented: CountryCode,
    },
    /// A line is malformed.
    #[error("invalid line: {problem}")]
    InvalidLine {
        /// What is wrong.
        problem: LineProblem,
    },
    /// A case cannot be offered without lines.
    #[error("case {case} has no lines: add at least one before offering")]
    NoLines {
        /// The case.
        case: DocumentId,
    },
    /// An amendment or modification carried no change.
    #[error("cannot {action} case {case} without any change: give at least one")]
    NoChanges {
        /// The case.
        case: DocumentId,
        /// The action.
        action: CaseAction,
    },
    /// An amount that must be positive was not.
    #[error("amount {amount} must be greater than zero")]
    NotPositive {
        /// The amount.
        amount: Money,
    },
    /// An amount that must not be negative was.
    #[error("amount {amount} must not be negative")]
    NegativeAmount {
        /// The amount.
        amount: Money,
    },
    /// A billing period did not end on a quarter end.
    #[error("{date} is not a quarter end: expected 31 March, 30 June, 30 September or 31 December")]
    NotQuarterEnd {
        /// The date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// An installment was not on a billing due date, or not after the one before it.
    #[error(
        "installment due {due} must fall on the 15th of March, June, September or December, after any earlier installment"
    )]
    NotBillingDueDate {
        /// The due date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        due: NaiveDate,
        /// The previous installment's due date.
        #[serde(
            default,
            deserialize_with = "crate::fiscal::date_serde::deserialize_option"
        )]
        previous: Option<NaiveDate>,
    },
    /// A Delivery Term Code did not parse.
    #[error("delivery term code {input:?} is invalid: expected one digit or capital letter")]
    InvalidDeliveryTerm {
        /// The input.
        input: String,
    },
    /// No such line.
    #[error("case {case} has no line {line}")]
    UnknownLine {
        /// The case.
        case: DocumentId,
        /// The line asked for.
        line: LineNumber,
    },
    /// No such amendment.
    #[error("case {case} has no amendment {number}")]
    UnknownAmendment {
        /// The case.
        case: DocumentId,
        /// The number asked for.
        number: DocumentNumber,
    },
    /// The amendment was already accepted.
    #[error("amendment {number} of case {case} was already accepted on {accepted}")]
    AmendmentAlreadyAccepted {
        /// The case.
        case: DocumentId,
        /// The amendment.
        number: DocumentNumber,
        /// When it was accepted.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        accepted: NaiveDate,
    },
    /// The line was already supply complete.
    #[error("line {line} of case {case} was already supply complete on {completed}")]
    LineAlreadyComplete {
        /// The case.
        case: DocumentId,
        /// The line.
        line: LineNumber,
        /// When it completed.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        completed: NaiveDate,
    },
    /// A standby letter of credit expires before it is issued.
    #[error(
        "standby letter of credit {letter} expires on {expires}, before it is issued on {issued}"
    )]
    LetterOfCreditDates {
        /// The letter.
        letter: DocumentId,
        /// Its issue date.
        issued: NaiveDate,
        /// Its expiry.
        expires: NaiveDate,
    },
    /// The case names no such standby letter of credit among its funding sources.
    #[error("case {case} names no standby letter of credit {letter} among its funding sources")]
    UnknownLetterOfCredit {
        /// The case.
        case: DocumentId,
        /// The letter given.
        letter: DocumentId,
    },
    /// A standby letter of credit was drawn on outside the days it is in force.
    #[error(
        "standby letter of credit {letter} of case {case} cannot be drawn on {date}: it is in force from {issued} through {expires}"
    )]
    LetterOfCreditNotInForce {
        /// The case.
        case: DocumentId,
        /// The letter.
        letter: DocumentId,
        /// Its issue date.
        issued: NaiveDate,
        /// Its expiry.
        expires: NaiveDate,
        /// The day of the draw refused.
        date: NaiveDate,
    },
    /// The case already names a standby letter of credit with this number.
    #[error("case {case} already names standby letter of credit {letter}: give a new number")]
    DuplicateLetterOfCredit {
        /// The case.
        case: DocumentId,
        /// The letter given.
        letter: DocumentId,
    },
    /// A standby letter of credit was provided after it expired.
    #[error(
        "standby letter of credit {letter} of case {case} expired on {expires}, before it was provided on {date}"
    )]
    LetterOfCreditExpired {
        /// The case.
        case: DocumentId,
        /// The letter.
        letter: DocumentId,
        /// Its expiry.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expires: NaiveDate,
        /// The day it was provided.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A standby letter of credit was replaced: it is not drawn on (or replaced again)
    /// from the replacement's day.
    #[error(
        "standby letter of credit {letter} of case {case} was replaced by {replaced_by} on {replaced}: it cannot be used on {date}"
    )]
    LetterOfCreditReplaced {
        /// The case.
        case: DocumentId,
        /// The replaced letter.
        letter: DocumentId,
        /// The letter that replaced it.
        replaced_by: DocumentId,
        /// The day it was replaced.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        replaced: NaiveDate,
        /// The day refused.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A draw would pass the letter's amount.
    #[error(
        "draw of {requested} on standby letter of credit {letter} of case {case} passes its {amount} ({drawn} already drawn)"
    )]
    LetterOfCreditExceeded {
        /// The case.
        case: DocumentId,
        /// The letter.
        letter: DocumentId,
        /// Its amount.
        amount: Money,
        /// What was drawn before.
        drawn: Money,
        /// The draw refused.
        requested: Money,
    },
    /// A draw on a standby letter of credit passes what the purchaser failed to pay.
    #[error(
        "draw of {requested} on standby letter of credit {letter} of case {case} passes the {arrears} the purchaser has failed to pay on {date}"
    )]
    DrawExceedsArrears {
        /// The case.
        case: DocumentId,
        /// The letter.
        letter: DocumentId,
        /// What the case has made due by the day and its deposits do not cover.
        arrears: Money,
        /// The draw refused.
        requested: Money,
        /// The day of the draw.
        date: NaiveDate,
    },
    /// The case names no such financing document.
    #[error("case {case} names no financing grant or loan {document} among its funding sources")]
    UnknownFundingSource {
        /// The case.
        case: DocumentId,
        /// The document given.
        document: DocumentId,
    },
    /// A step was dated before the case's previous step.
    #[error(
        "cannot {action} case {case} on {date}: its previous step was on {previous} and steps may not go back in time"
    )]
    DateBeforePrevious {
        /// The case.
        case: DocumentId,
        /// The action.
        action: CaseAction,
        /// The date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The previous step's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        previous: NaiveDate,
    },
    /// A trust entry was dated before the account's last entry.
    #[error(
        "the trust account of {partner} cannot take an entry on {date}: its last entry is on {previous}"
    )]
    TrustDateBeforePrevious {
        /// The partner.
        partner: CountryCode,
        /// The date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The last entry's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        previous: NaiveDate,
    },
    /// The MILAP milestone is after the offer or before the request.
    #[error(
        "milestone date {milap} of case {case} must fall between the request on {received} and the offer on {offered}"
    )]
    MilapOutOfOrder {
        /// The case.
        case: DocumentId,
        /// The MILAP date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        milap: NaiveDate,
        /// The request date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        received: NaiveDate,
        /// The offer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        offered: NaiveDate,
    },
    /// The offer would expire on or before the day it is made.
    #[error("offer expiration {expires} of case {case} must be after the offer date {offered}")]
    ExpirationNotAfterOffer {
        /// The case.
        case: DocumentId,
        /// The expiration.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expires: NaiveDate,
        /// The offer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        offered: NaiveDate,
    },
    /// The purchaser tried to accept after the offer expired.
    #[error(
        "case {case} cannot be accepted on {date}: its offer expired on {expired}; re-offer or cancel it"
    )]
    OfferExpired {
        /// The case.
        case: DocumentId,
        /// The expiration date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expired: NaiveDate,
        /// The acceptance date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A modification would change the case's scope: it would make the case reach a
    /// congressional-notification threshold it did not reach, which only an amendment the
    /// purchaser accepts, after notice, may do (DOMAIN.md rule 26; SAMM C6).
    #[error(
        "a modification of case {case} cannot change its scope: it would newly need notice under {} ({}); propose an amendment",
        notice.citation,
        notice.reasons.join("; ")
    )]
    ModificationChangesScope {
        /// The case.
        case: DocumentId,
        /// The notice the case would newly need: the law, and which thresholds with the
        /// values.
        notice: Box<Notification>,
    },
    /// The purchaser tried to accept an amendment after its own offer expired.
    #[error(
        "amendment {number} of case {case} cannot be accepted on {date}: its offer expired on {expired}; propose it again"
    )]
    AmendmentOfferExpired {
        /// The case.
        case: DocumentId,
        /// The amendment.
        number: DocumentNumber,
        /// Its offer expiration date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        expired: NaiveDate,
        /// The acceptance date given.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The charges table has no row for a charge a line needs.
    #[error("no {charge} rate is in force for {date}: supply a table row that covers it")]
    NoRateInForce {
        /// The charge.
        charge: ChargeKind,
        /// The key date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The Delivery Term Code, for transportation.
        delivery_term: Option<DeliveryTerm>,
    },
    /// The funding sources do not total the case total.
    #[error(
        "funding sources of case {case} total {planned}: they must equal the case total {total}"
    )]
    FundingMismatch {
        /// The case.
        case: DocumentId,
        /// The case total.
        total: Money,
        /// What the sources total.
        planned: Money,
    },
    /// The case needs a payment schedule and has none.
    #[error(
        "case {case} of {total} needs a payment schedule: only cash-with-acceptance cases, and cases under {} wholly funded by financing grants for a purchaser without cash-flow financing, go without",
        SMALL_CASE_LIMIT
    )]
    PaymentScheduleRequired {
        /// The case.
        case: DocumentId,
        /// The case total.
        total: Money,
    },
    /// The payment schedule does not total the case total.
    #[error(
        "payment schedule of case {case} totals {scheduled}: it must equal the case total {total}"
    )]
    ScheduleMismatch {
        /// The case.
        case: DocumentId,
        /// The case total.
        total: Money,
        /// What the schedule totals.
        scheduled: Money,
    },
    /// The initial deposit has not been received.
    #[error(
        "case {case} cannot be implemented: its initial deposit of {required} has not been received ({received} deposited); deposit it or record an emergency implementation"
    )]
    DepositNotReceived {
        /// The case.
        case: DocumentId,
        /// The initial deposit due.
        required: Money,
        /// What the trust fund holds for the case.
        received: Money,
    },
    /// An amendment would remove more than a line has.
    #[error("cannot remove {removed} from line {line}: it has only {quantity}")]
    QuantityBelowZero {
        /// The line.
        line: LineNumber,
        /// Its quantity.
        quantity: u32,
        /// How many the amendment removes.
        removed: u32,
    },
    /// A reduced line's item would come back at a lower surcharge rate.
    #[error(
        "cannot add {item:?} back at {new_rate}% after line {line} was reduced at {reduced_rate}%: a reduced line may not be re-added at a lower surcharge rate"
    )]
    ReAddAtLowerRate {
        /// The reduced line.
        line: LineNumber,
        /// The item.
        item: String,
        /// The reduced line's rate.
        reduced_rate: Rate,
        /// The rate the new line would carry.
        new_rate: Rate,
    },
    /// A draw would exceed what the case planned from a financing source.
    #[error(
        "draw of {requested} on {document} for case {case} exceeds the {planned} planned ({drawn} already drawn)"
    )]
    FundingSourceExceeded {
        /// The case.
        case: DocumentId,
        /// The financing document.
        document: DocumentId,
        /// The amount planned.
        planned: Money,
        /// What was drawn before.
        drawn: Money,
        /// The draw refused.
        requested: Money,
    },
    /// A disbursement would pass the case total.
    #[error(
        "disbursement of {requested} for case {case} would pass its total {total} ({disbursed} already disbursed)"
    )]
    ExceedsCaseValue {
        /// The case.
        case: DocumentId,
        /// The case total.
        total: Money,
        /// What was disbursed before.
        disbursed: Money,
        /// The disbursement refused.
        requested: Money,
    },
    /// A disbursement would take the partner's cumulative disbursements past its deposits.
    #[error(
        "disbursement of {requested} exceeds the trust balance of {partner}, {available}: disbursements may not exceed deposits"
    )]
    InsufficientTrustBalance {
        /// The partner.
        partner: CountryCode,
        /// Its balance.
        available: Money,
        /// The disbursement refused.
        requested: Money,
    },
    /// The case needs congressional notice and none is recorded.
    #[error(
        "case {case} needs notice under {citation} before it is offered: notified today, its {review_days}-day review would end on {earliest_if_notified_today}"
    )]
    NotificationRequired {
        /// The case.
        case: DocumentId,
        /// The law requiring notice.
        citation: Citation,
        /// The review period.
        review_days: u32,
        /// The earliest offer date if notice were given on the offer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest_if_notified_today: NaiveDate,
    },
    /// The review period that began with the recorded notice has not ended.
    #[error(
        "case {case} cannot be offered on {date}: the review under {citation} after notice on {notified} ends on {earliest}; offer on or after that day"
    )]
    ReviewPeriodNotEnded {
        /// The case.
        case: DocumentId,
        /// The law requiring notice.
        citation: Citation,
        /// The notice date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        notified: NaiveDate,
        /// The first day the case may be offered.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest: NaiveDate,
        /// The offer date refused.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The eligibility gate refused a sale to the partner.
    #[error("case {case} cannot be offered: {decision}")]
    Ineligible {
        /// The case.
        case: DocumentId,
        /// The decision, with every finding.
        decision: Box<Decision>,
    },
    /// Only a Building Partner Capacity case is obligated in the ledger; a sale is paid by
    /// its partner through the trust fund.
    #[error(
        "case {case} is a {kind:?} case: only a building partner capacity case is obligated against a us appropriation"
    )]
    NotBuildingPartnerCapacity {
        /// The case.
        case: DocumentId,
        /// Its kind.
        kind: CaseKind,
    },
    /// A BPC case is obligated only once its LOA is accepted, and not after closure or
    /// cancellation.
    #[error(
        "case {case} is {state}: a building partner capacity case is obligated only while accepted, implemented or supply complete"
    )]
    NotAccepted {
        /// The case.
        case: DocumentId,
        /// Its state.
        state: CaseState,
    },
    /// The obligation is dated before the LOA's acceptance.
    #[error(
        "case {case} cannot be obligated on {date}, before its acceptance on {accepted}: the accepted loa is the binding agreement (31 U.S.C. 1501(a)(1))"
    )]
    ObligationBeforeAcceptance {
        /// The case.
        case: DocumentId,
        /// The obligation date refused.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The acceptance date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        accepted: NaiveDate,
    },
    /// The ledger refused the posting (a financing draw or a BPC obligation).
    #[error("the ledger refused the posting")]
    Ledger(#[source] BudgetError),
    /// The ledger command id was already applied.
    #[error("ledger command {id} was already applied: give each draw a new command id")]
    DuplicateLedgerCommand {
        /// The command id.
        id: CommandId,
    },
    /// A line is not billed at its priced total, so the case cannot close (SAMM C16).
    #[error(
        "case {case} line {line} is priced at {priced} but billed {billed}: every line must be billed in full before closure"
    )]
    LineNotBilled {
        /// The case.
        case: DocumentId,
        /// The line.
        line: LineNumber,
        /// Its priced total.
        priced: Money,
        /// What was billed.
        billed: Money,
    },
    /// Collections fall short of disbursements plus charges: the case is in arrears and
    /// stays open.
    #[error(
        "case {case} collected {collections} but owes {owed} in disbursements and charges: collect the arrears before closure"
    )]
    ClosureArrears {
        /// The case.
        case: DocumentId,
        /// Deposits on the case.
        collections: Money,
        /// Disbursements plus charges.
        owed: Money,
    },
    /// A credit balance is left and no valid disposition (refund, or application to
    /// another case) was given.
    #[error(
        "case {case} closes with a credit balance of {balance}: refund it or apply it to another case of the partner"
    )]
    DispositionRequired {
        /// The case.
        case: DocumentId,
        /// The balance.
        balance: Money,
    },
    /// A return of financing at closure would pass what may be returned: the case's
    /// credit balance, or what was drawn on the document less what was returned to it.
    #[error(
        "return of {requested} from case {case} to {document} exceeds the {returnable} that may be returned (the lower of the case's credit balance and the draws on it not yet returned)"
    )]
    FinancingReturnExceeded {
        /// The case.
        case: DocumentId,
        /// The financing document.
        document: DocumentId,
        /// What may be returned.
        returnable: Money,
        /// The return refused.
        requested: Money,
    },
    /// A refund to the partner at closure would pass the partner's own cash on the case:
    /// the financed part of the balance goes back to its financing first.
    #[error(
        "case {case} would refund {balance} to its partner, which paid {own_cash} of its own cash: return the rest to the financing it was drawn on before closure"
    )]
    RefundExceedsOwnCash {
        /// The case.
        case: DocumentId,
        /// The credit balance to refund.
        balance: Money,
        /// The partner's own cash deposited for the case.
        own_cash: Money,
    },
    /// Arithmetic overflowed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
    /// The notification assessment failed: a figure was out of range.
    #[error("the case's notice could not be assessed")]
    Assess(#[from] crate::notification::AssessError),
}

crate::wire::wire_serde!(SalesError);

impl crate::wire::ErrorCode for SalesError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, SalesError::serialize)
    }
    fn precedence(&self) -> u8 {
        SalesError::precedence(self)
    }
}

impl SalesError {
    /// The rank of the check that failed, in the order of the type's documentation.
    #[must_use]
    pub fn precedence(&self) -> u8 {
        match self {
            SalesError::IllegalTransition { .. }
            | SalesError::CrossPartner { .. }
            | SalesError::CaseOfOtherPartner { .. }
            | SalesError::NotBuildingPartnerCapacity { .. }
            | SalesError::NotAccepted { .. } => 1,
            SalesError::InvalidLine { .. }
            | SalesError::NoLines { .. }
            | SalesError::NoChanges { .. }
            | SalesError::NotPositive { .. }
            | SalesError::NegativeAmount { .. }
            | SalesError::NotQuarterEnd { .. }
            | SalesError::NotBillingDueDate { .. }
            | SalesError::InvalidDeliveryTerm { .. }
            | SalesError::LetterOfCreditDates { .. } => 2,
            SalesError::UnknownLine { .. }
            | SalesError::UnknownAmendment { .. }
            | SalesError::AmendmentAlreadyAccepted { .. }
            | SalesError::LineAlreadyComplete { .. }
            | SalesError::UnknownFundingSource { .. }
            | SalesError::UnknownLetterOfCredit { .. }
            | SalesError::DuplicateLetterOfCredit { .. } => 3,
            SalesError::DateBeforePrevious { .. }
            | SalesError::TrustDateBeforePrevious { .. }
            | SalesError::MilapOutOfOrder { .. }
            | SalesError::ExpirationNotAfterOffer { .. }
            | SalesError::OfferExpired { .. }
            | SalesError::AmendmentOfferExpired { .. }
            | SalesError::ObligationBeforeAcceptance { .. }
            | SalesError::LetterOfCreditNotInForce { .. }
            | SalesError::LetterOfCreditExpired { .. }
            | SalesError::LetterOfCreditReplaced { .. } => 4,
            SalesError::NoRateInForce { .. } => 5,
            SalesError::FundingMismatch { .. }
            | SalesError::PaymentScheduleRequired { .. }
            | SalesError::ScheduleMismatch { .. }
            | SalesError::DepositNotReceived { .. }
            | SalesError::QuantityBelowZero { .. }
            | SalesError::ReAddAtLowerRate { .. }
            | SalesError::FundingSourceExceeded { .. }
            | SalesError::ExceedsCaseValue { .. }
            | SalesError::InsufficientTrustBalance { .. }
            | SalesError::LineNotBilled { .. }
            | SalesError::ClosureArrears { .. }
            | SalesError::DispositionRequired { .. }
            | SalesError::FinancingReturnExceeded { .. }
            | SalesError::RefundExceedsOwnCash { .. }
            | SalesError::LetterOfCreditExceeded { .. }
            | SalesError::DrawExceedsArrears { .. } => 6,
            SalesError::NotificationRequired { .. }
            | SalesError::ReviewPeriodNotEnded { .. }
            | SalesError::ModificationChangesScope { .. } => 7,
            SalesError::Ineligible { .. } => 8,
            SalesError::Ledger(_) | SalesError::DuplicateLedgerCommand { .. } => 9,
            SalesError::Money(_) | SalesError::Assess(_) => 0,
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

    fn request(id: &str, partner: &str, received: NaiveDate, terms: TermsOfSale) -> CaseRequest {
        CaseRequest::new(
            id.parse().unwrap(),
            partner.parse().unwrap(),
            received,
            terms,
            Rounding::HalfEven,
        )
    }

    fn n(k: u16) -> LineNumber {
        LineNumber::new(k).unwrap()
    }

    /// A cash-with-acceptance case of one $10,000 line, driven into `state` with steps in
    /// early 2013 (offer 2013-02-01, expiring 2013-04-26).
    fn case_in(state: CaseState) -> (Case, TrustFund) {
        let mut case = Case::new(request(
            "JO-B-AAA",
            "JOR",
            d(2013, 1, 2),
            TermsOfSale::CashWithAcceptance,
        ));
        let mut trust = TrustFund::new();
        let path: &[CaseState] = match state {
            CaseState::RequestReceived => &[],
            CaseState::OfferInDevelopment => &[CaseState::OfferInDevelopment],
            CaseState::Offered => &[CaseState::OfferInDevelopment, CaseState::Offered],
            CaseState::Accepted => &[
                CaseState::OfferInDevelopment,
                CaseState::Offered,
                CaseState::Accepted,
            ],
            CaseState::Implemented => &[
                CaseState::OfferInDevelopment,
                CaseState::Offered,
                CaseState::Accepted,
                CaseState::Implemented,
            ],
            CaseState::SupplyComplete => &[
                CaseState::OfferInDevelopment,
                CaseState::Offered,
                CaseState::Accepted,
                CaseState::Implemented,
                CaseState::SupplyComplete,
            ],
            CaseState::Closed => &[
                CaseState::OfferInDevelopment,
                CaseState::Offered,
                CaseState::Accepted,
                CaseState::Implemented,
                CaseState::SupplyComplete,
                CaseState::Closed,
            ],
            CaseState::Cancelled => &[CaseState::Cancelled],
        };
        for step in path {
            match step {
                CaseState::OfferInDevelopment => {
                    case.begin_development(d(2013, 1, 3)).unwrap();
                    case.add_line(d(2013, 1, 3), LineSpec::new("radios", 10, m("1000")))
                        .unwrap();
                }
                CaseState::Offered => case
                    .offer(
                        d(2013, 2, 1),
                        d(2013, 1, 31),
                        None,
                        &Thresholds::current(),
                        &AllowAll,
                    )
                    .unwrap(),
                CaseState::Accepted => case.accept(d(2013, 3, 1)).unwrap(),
                CaseState::Implemented => {
                    let deposit = case.initial_deposit().unwrap();
                    trust
                        .deposit(&case, d(2013, 3, 1), deposit, case.partner())
                        .unwrap();
                    case.implement(d(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust)
                        .unwrap();
                }
                CaseState::SupplyComplete => case.complete_line(n(1), d(2013, 3, 3)).unwrap(),
                CaseState::Closed => {
                    let billing = [LineBilling {
                        line: n(1),
                        billed: case.line_charges(n(1)).unwrap().total,
                    }];
                    case.close_reconciled(
                        d(2013, 3, 4),
                        &mut trust,
                        &billing,
                        Some(Disposition::Refund),
                    )
                    .map(|_| ())
                    .unwrap();
                }
                CaseState::Cancelled => case.cancel(d(2013, 1, 3)).unwrap(),
                CaseState::RequestReceived => {}
            }
        }
        assert_eq!(case.state(), state);
        (case, trust)
    }

    /// Tries `action` with a payload that succeeds whenever the state allows the action.
    fn attempt(
        case: &mut Case,
        trust: &mut TrustFund,
        action: CaseAction,
    ) -> Result<(), SalesError> {
        let day = d(2013, 4, 1);
        match action {
            CaseAction::BeginDevelopment => case.begin_development(day),
            CaseAction::AddLine => case
                .add_line(day, LineSpec::new("batteries", 5, m("20")))
                .map(|_| ()),
            CaseAction::SetFunding => case.set_funding(day, Vec::new()),
            CaseAction::SetPaymentSchedule => {
                case.set_payment_schedule(day, PaymentSchedule::new(m("1"), vec![])?)
            }
            CaseAction::RecordNotification => case.record_notification(day),
            CaseAction::Offer => case.offer(day, day, None, &Thresholds::current(), &AllowAll),
            CaseAction::Accept => case.accept(day),
            CaseAction::Implement => case.implement(
                day,
                ImplementationBasis::Emergency {
                    approval: "EMERGENCY-1".parse().unwrap(),
                },
                trust,
            ),
            CaseAction::ProposeAmendment => case
                .propose_amendment(
                    day,
                    AmendmentProposal::new(vec![ScopeChange::AddLine(LineSpec::new(
                        "spares",
                        1,
                        m("5"),
                    ))]),
                    &Thresholds::current(),
                )
                .map(|_| ()),
            CaseAction::AcceptAmendment => {
                if action.allowed_in().contains(&case.state()) {
                    let number = case.propose_amendment(
                        day,
                        AmendmentProposal::new(vec![ScopeChange::IncreaseQuantity {
                            line: n(1),
                            additional: 2,
                        }]),
                        &Thresholds::current(),
                    )?;
                    let due = case.amendment_deposit(number, day, trust)?;
                    if due.is_positive() {
                        trust.deposit(case, day, due, case.partner())?;
                    }
                    case.accept_amendment(number, day, trust)
                } else {
                    case.accept_amendment(DocumentNumber(1), day, trust)
                }
            }
            CaseAction::Modify => case
                .modify(
                    day,
                    vec![Adjustment::EstimatedDelivery {
                        line: n(1),
                        date: d(2013, 9, 1),
                    }],
                    &Thresholds::current(),
                )
                .map(|_| ()),
            CaseAction::CompleteLine => case.complete_line(n(1), day),
            CaseAction::Close => {
                let billing = match case.line_charges(n(1)) {
                    Ok(charges) => vec![LineBilling {
                        line: n(1),
                        billed: charges.total,
                    }],
                    Err(_) => Vec::new(),
                };
                case.close_reconciled(day, trust, &billing, Some(Disposition::Refund))
                    .map(|_| ())
            }
            CaseAction::Cancel => case.cancel(day),
            CaseAction::Deposit => trust.deposit(case, day, m("1"), case.partner()),
            CaseAction::Disburse => {
                if action.allowed_in().contains(&case.state()) {
                    trust.deposit(case, day, m("1"), case.partner())?;
                }
                trust.disburse(case, day, m("1"))
            }
            CaseAction::ProvideLetterOfCredit => case.provide_letter_of_credit(
                day,
                LetterOfCredit {
                    letter: "SBLC-T".parse().unwrap(),
                    issued: day,
                    expires: d(2014, 4, 1),
                    amount: m("1"),
                },
                None,
            ),
        }
    }

    /// Every action in every state: allowed exactly where the table says, and refused
    /// elsewhere with an error naming the state and the action, changing nothing.
    #[test]
    fn every_transition_legal_and_illegal() {
        let mut legal = 0;
        let mut illegal = 0;
        for state in CaseState::ALL {
            for action in CaseAction::ALL {
                let (mut case, mut trust) = case_in(state);
                let (before, trust_before) = (case.clone(), trust.clone());
                let result = attempt(&mut case, &mut trust, action);
                if action.allowed_in().contains(&state) {
                    legal += 1;
                    assert!(result.is_ok(), "{action} in {state}: {result:?}");
                } else {
                    illegal += 1;
                    let err = result.expect_err("illegal transition accepted");
                    assert_eq!(
                        err,
                        SalesError::IllegalTransition {
                            case: before.id().clone(),
                            state,
                            action
                        }
                    );
                    let text = err.to_string();
                    assert!(text.contains(&action.to_string()), "{text}");
                    assert!(text.contains(&state.to_string()), "{text}");
                    assert!(text.contains(&action.allowed_phrase()), "{text}");
                    assert_eq!(case, before);
                    assert_eq!(trust, trust_before);
                }
            }
        }
        assert_eq!(legal + illegal, 8 * 17);
        assert_eq!(legal, 35);
    }

    /// An amendment is offered like a basic LOA: its own offer expires 85 days after it
    /// was proposed (2013-04-01 + 85 days = 2013-06-25); accepted the day before and the
    /// day of, refused the day after, changing nothing.
    #[test]
    fn an_amendment_expires_85_days_after_its_proposal() {
        for (accepted, ok) in [
            (d(2013, 6, 24), true),
            (d(2013, 6, 25), true),
            (d(2013, 6, 26), false),
        ] {
            let (mut case, mut trust) = case_in(CaseState::Implemented);
            let number = case
                .propose_amendment(
                    d(2013, 4, 1),
                    AmendmentProposal::new(vec![ScopeChange::AddLine(LineSpec::new(
                        "spares",
                        1,
                        m("5"),
                    ))]),
                    &Thresholds::current(),
                )
                .unwrap();
            assert_eq!(case.amendments()[0].offer_expires, Some(d(2013, 6, 25)));
            trust
                .deposit(&case, d(2013, 4, 1), m("5.18"), case.partner())
                .unwrap();
            let before = case.clone();
            let result = case.accept_amendment(number, accepted, &trust);
            if ok {
                result.unwrap();
                assert_eq!(case.lines().len(), 2);
            } else {
                let err = result.unwrap_err();
                assert_eq!(
                    err,
                    SalesError::AmendmentOfferExpired {
                        case: before.id().clone(),
                        number,
                        expired: d(2013, 6, 25),
                        date: accepted,
                    }
                );
                assert_eq!(err.precedence(), 4);
                assert!(err.to_string().contains("propose it again"), "{err}");
                assert_eq!(case, before);
            }
        }
    }

    /// A cash-with-acceptance case for Jordan (the general AECA 36(b) group: major defense
    /// equipment notified from $14,000,000.00, 30 days) with one line of major defense
    /// equipment worth `value`, implemented 2013-03-02 on deposits of its whole total.
    fn mde_case(value: &str) -> (Case, TrustFund) {
        let mut case = Case::new(request(
            "JO-D-MDE",
            "JOR",
            d(2013, 1, 2),
            TermsOfSale::CashWithAcceptance,
        ));
        case.begin_development(d(2013, 1, 3)).unwrap();
        case.add_line(
            d(2013, 1, 3),
            LineSpec::new("armored vehicle", 1, m(value)).major_defense_equipment(),
        )
        .unwrap();
        case.offer(
            d(2013, 2, 1),
            d(2013, 1, 31),
            None,
            &Thresholds::current(),
            &AllowAll,
        )
        .unwrap();
        case.accept(d(2013, 3, 1)).unwrap();
        let mut trust = TrustFund::new();
        let total = case.total().unwrap();
        trust
            .deposit(&case, d(2013, 3, 1), total, case.partner())
            .unwrap();
        case.implement(d(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust)
            .unwrap();
        (case, trust)
    }

    fn add_mde(value: &str) -> AmendmentProposal {
        AmendmentProposal::new(vec![ScopeChange::AddLine(
            LineSpec::new("spare turret", 1, m(value)).major_defense_equipment(),
        )])
    }

    /// The deposit an amendment's acceptance requires, a cent under, at and over: cash with
    /// acceptance, so the amended total ($1,000.00 + 3.5 % = $1,035.00 more).
    #[test]
    fn an_amendment_is_accepted_only_on_its_deposit() {
        for (paid, ok) in [("1034.99", false), ("1035", true), ("1035.01", true)] {
            let (mut case, mut trust) = mde_case("100000");
            let number = case
                .propose_amendment(d(2013, 4, 1), add_mde("1000"), &Thresholds::current())
                .unwrap();
            assert_eq!(
                case.amendment_deposit(number, d(2013, 4, 2), &trust)
                    .unwrap(),
                m("1035")
            );
            trust
                .deposit(&case, d(2013, 4, 2), m(paid), case.partner())
                .unwrap();
            let before = case.clone();
            let result = case.accept_amendment(number, d(2013, 4, 2), &trust);
            if ok {
                result.unwrap();
                assert_eq!(case.amendments()[0].due_with_acceptance, Some(m("104535")));
                assert_eq!(case.total().unwrap(), m("104535"));
            } else {
                assert_eq!(
                    result.unwrap_err(),
                    SalesError::DepositNotReceived {
                        case: before.id().clone(),
                        required: m("104535"),
                        received: m("104534.99"),
                    }
                );
                assert_eq!(case, before);
            }
        }
        // A deposit dated after the acceptance does not count.
        let (mut case, mut trust) = mde_case("100000");
        let number = case
            .propose_amendment(d(2013, 4, 1), add_mde("1000"), &Thresholds::current())
            .unwrap();
        trust
            .deposit(&case, d(2013, 4, 3), m("1035"), case.partner())
            .unwrap();
        assert!(matches!(
            case.accept_amendment(number, d(2013, 4, 2), &trust),
            Err(SalesError::DepositNotReceived { .. })
        ));
    }

    /// With a payment schedule, the amendment carries a revised one that totals the
    /// amended case; its initial deposit is what acceptance requires.
    #[test]
    fn a_scheduled_case_needs_a_revised_schedule_and_its_deposit() {
        let mut case = Case::new(request(
            "JO-D-SCH",
            "JOR",
            d(2013, 1, 2),
            TermsOfSale::DependableUndertaking,
        ));
        case.begin_development(d(2013, 1, 3)).unwrap();
        case.add_line(d(2013, 1, 3), LineSpec::new("radios", 10, m("1000")))
            .unwrap();
        let schedule = PaymentSchedule::quarterly(d(2013, 2, 1), m("5350"), &[m("5000")]).unwrap();
        case.set_payment_schedule(d(2013, 1, 4), schedule).unwrap();
        case.offer(
            d(2013, 2, 1),
            d(2013, 1, 31),
            None,
            &Thresholds::current(),
            &AllowAll,
        )
        .unwrap();
        case.accept(d(2013, 3, 1)).unwrap();
        let mut trust = TrustFund::new();
        trust
            .deposit(&case, d(2013, 3, 1), m("5350"), case.partner())
            .unwrap();
        case.implement(d(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust)
            .unwrap();
        let change = vec![ScopeChange::IncreaseQuantity {
            line: n(1),
            additional: 10,
        }];
        // Without a revised schedule the case's own no longer totals the case.
        let bare = case
            .propose_amendment(
                d(2013, 4, 1),
                AmendmentProposal::new(change.clone()),
                &Thresholds::current(),
            )
            .unwrap();
        assert_eq!(
            case.amendment_deposit(bare, d(2013, 4, 2), &trust),
            Err(SalesError::ScheduleMismatch {
                case: case.id().clone(),
                total: m("20700"),
                scheduled: m("10350"),
            })
        );
        // The revised schedule asks $2,000.00 more with acceptance.
        let revised =
            PaymentSchedule::quarterly(d(2013, 4, 1), m("7350"), &[m("5000"), m("8350")]).unwrap();
        let number = case
            .propose_amendment(
                d(2013, 4, 1),
                AmendmentProposal::new(change).with_schedule(revised.clone()),
                &Thresholds::current(),
            )
            .unwrap();
        assert_eq!(
            case.amendment_deposit(number, d(2013, 4, 2), &trust)
                .unwrap(),
            m("2000")
        );
        trust
            .deposit(&case, d(2013, 4, 2), m("1999.99"), case.partner())
            .unwrap();
        assert!(matches!(
            case.accept_amendment(number, d(2013, 4, 2), &trust),
            Err(SalesError::DepositNotReceived { .. })
        ));
        trust
            .deposit(&case, d(2013, 4, 2), m("0.01"), case.partner())
            .unwrap();
        case.accept_amendment(number, d(2013, 4, 2), &trust)
            .unwrap();
        assert_eq!(case.payment_schedule(), Some(&revised));
        assert_eq!(case.initial_deposit().unwrap(), m("7350"));
    }

    /// AECA 36(b) re-notification: a case of $13,000,000.00 of major defense equipment
    /// for Jordan needed no notice; an amendment that brings it to $13,999,999.99 needs
    /// none, one that brings it to $14,000,000.00 crosses the threshold and needs its own
    /// notice, reviewed 30 days (offered the day before, of, and after the end).
    #[test]
    fn an_amendment_crossing_a_notification_threshold_needs_notice() {
        let (mut case, _) = mde_case("13000000");
        assert!(case.notices().is_empty());
        let mut under = case.clone();
        under
            .propose_amendment(d(2013, 4, 1), add_mde("999999.99"), &Thresholds::current())
            .unwrap();
        assert!(under.amendments()[0].notices.is_empty());

        let before = case.clone();
        let err = case
            .propose_amendment(d(2013, 4, 1), add_mde("1000000"), &Thresholds::current())
            .unwrap_err();
        let SalesError::NotificationRequired {
            citation,
            review_days,
            earliest_if_notified_today,
            ..
        } = &err
        else {
            panic!("{err}");
        };
        assert!(citation.to_string().contains("2776(b)"), "{citation}");
        assert_eq!(*review_days, 30);
        assert_eq!(*earliest_if_notified_today, d(2013, 5, 1));
        assert_eq!(err.precedence(), 7);
        assert_eq!(case, before);

        // Notice given 2013-04-01: the amendment may be offered from 2013-05-01.
        for (offered, ok) in [
            (d(2013, 4, 30), false),
            (d(2013, 5, 1), true),
            (d(2013, 5, 2), true),
        ] {
            let mut case = before.clone();
            let proposal = add_mde("1000000").notified_on(d(2013, 4, 1));
            let result = case.propose_amendment(offered, proposal, &Thresholds::current());
            if ok {
                result.unwrap();
                let amendment = &case.amendments()[0];
                assert_eq!(amendment.notified, Some(d(2013, 4, 1)));
                assert_eq!(amendment.notices.len(), 1);
            } else {
                assert!(matches!(
                    result,
                    Err(SalesError::ReviewPeriodNotEnded { earliest, .. }) if earliest == d(2013, 5, 1)
                ));
                assert_eq!(case, before);
            }
        }

        // A case already over the threshold is not notified again for more of the same.
        let mut over = {
            let mut case = Case::new(request(
                "JO-D-OVR",
                "JOR",
                d(2013, 1, 2),
                TermsOfSale::CashWithAcceptance,
            ));
            case.begin_development(d(2013, 1, 3)).unwrap();
            case.add_line(
                d(2013, 1, 3),
                LineSpec::new("armored vehicle", 1, m("14000000")).major_defense_equipment(),
            )
            .unwrap();
            case.record_notification(d(2013, 1, 3)).unwrap();
            case.offer(
                d(2013, 2, 4),
                d(2013, 2, 4),
                None,
                &Thresholds::current(),
                &AllowAll,
            )
            .unwrap();
            case.accept(d(2013, 3, 1)).unwrap();
            case
        };
        over.propose_amendment(d(2013, 4, 1), add_mde("1000000"), &Thresholds::current())
            .unwrap();
        assert!(over.amendments()[0].notices.is_empty());
    }

    /// A modification stays within scope: a price change that makes the case reach the
    /// $14,000,000.00 threshold is refused, a cent under is a modification.
    #[test]
    fn a_modification_that_crosses_a_threshold_changes_scope() {
        let (case, _) = mde_case("13000000");
        let price = |p: &str| {
            vec![Adjustment::UnitPrice {
                line: n(1),
                unit_price: m(p),
            }]
        };
        let mut under = case.clone();
        under
            .modify(d(2013, 4, 1), price("13999999.99"), &Thresholds::current())
            .unwrap();
        for over in ["14000000", "14000000.01"] {
            let mut changed = case.clone();
            let err = changed
                .modify(d(2013, 4, 1), price(over), &Thresholds::current())
                .unwrap_err();
            let SalesError::ModificationChangesScope { notice, .. } = &err else {
                panic!("{err}");
            };
            assert!(
                notice.citation.to_string().contains("2776(b)"),
                "{}",
                notice.citation
            );
            assert!(!notice.reasons.is_empty());
            assert!(err.to_string().contains("propose an amendment"), "{err}");
            assert_eq!(changed, case);
        }
        // Lowering the price is within scope.
        let mut lower = case.clone();
        lower
            .modify(d(2013, 4, 1), price("12000000"), &Thresholds::current())
            .unwrap();
    }

    /// The transitions that change the state go where the diagram says.
    #[test]
    fn transitions_reach_their_states() {
        let cases = [
            (
                CaseState::RequestReceived,
                CaseAction::BeginDevelopment,
                CaseState::OfferInDevelopment,
            ),
            (
                CaseState::OfferInDevelopment,
                CaseAction::Offer,
                CaseState::Offered,
            ),
            (CaseState::Offered, CaseAction::Offer, CaseState::Offered),
            (CaseState::Offered, CaseAction::Accept, CaseState::Accepted),
            (
                CaseState::Accepted,
                CaseAction::Implement,
                CaseState::Implemented,
            ),
            (
                CaseState::Implemented,
                CaseAction::CompleteLine,
                CaseState::SupplyComplete,
            ),
            (
                CaseState::SupplyComplete,
                CaseAction::Close,
                CaseState::Closed,
            ),
            (
                CaseState::RequestReceived,
                CaseAction::Cancel,
                CaseState::Cancelled,
            ),
            (
                CaseState::OfferInDevelopment,
                CaseAction::Cancel,
                CaseState::Cancelled,
            ),
            (CaseState::Offered, CaseAction::Cancel, CaseState::Cancelled),
            (
                CaseState::Accepted,
                CaseAction::Cancel,
                CaseState::Cancelled,
            ),
        ];
        for (from, action, to) in cases {
            let (mut case, mut trust) = case_in(from);
            attempt(&mut case, &mut trust, action).unwrap();
            assert_eq!(case.state(), to, "{action} from {from}");
            let last = case.history().last().unwrap();
            assert_eq!(
                (last.action, last.state, last.date),
                (action, to, d(2013, 4, 1))
            );
        }
    }

    #[test]
    fn steps_may_not_go_back_in_time() {
        let (mut case, _) = case_in(CaseState::Offered);
        let before = case.clone();
        let err = case.accept(d(2013, 1, 31)).unwrap_err();
        assert_eq!(
            err,
            SalesError::DateBeforePrevious {
                case: before.id().clone(),
                action: CaseAction::Accept,
                date: d(2013, 1, 31),
                previous: d(2013, 2, 1),
            }
        );
        assert_eq!(case, before);
    }

    /// DOMAIN.md rule 24: acceptance on the expiration date is allowed, the day after is
    /// not; a re-offer opens a new period.
    #[test]
    fn offer_expiration() {
        let (mut case, _) = case_in(CaseState::Offered);
        assert_eq!(case.offer_expires_on(), Some(d(2013, 4, 26)));
        let mut on_time = case.clone();
        on_time.accept(d(2013, 4, 26)).unwrap();
        let before = case.clone();
        let err = case.accept(d(2013, 4, 27)).unwrap_err();
        assert_eq!(
            err,
            SalesError::OfferExpired {
                case: before.id().clone(),
                expired: d(2013, 4, 26),
                date: d(2013, 4, 27),
            }
        );
        assert_eq!(case, before);
        case.offer(
            d(2013, 5, 1),
            d(2013, 4, 30),
            Some(d(2013, 6, 30)),
            &Thresholds::current(),
            &AllowAll,
        )
        .unwrap();
        case.accept(d(2013, 6, 30)).unwrap();
    }

    /// DOMAIN.md rule 25.
    #[test]
    fn implementation_waits_for_the_deposit_unless_emergency() {
        let (mut case, mut trust) = case_in(CaseState::Accepted);
        let before = case.clone();
        let err = case
            .implement(d(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust)
            .unwrap_err();
        assert_eq!(
            err,
            SalesError::DepositNotReceived {
                case: before.id().clone(),
                required: m("10350"),
                received: Money::ZERO,
            }
        );
        assert_eq!(case, before);
        trust
            .deposit(&case, d(2013, 3, 5), m("10349.99"), case.partner())
            .unwrap();
        assert!(matches!(
            case.implement(d(2013, 3, 5), ImplementationBasis::InitialDeposit, &trust),
            Err(SalesError::DepositNotReceived { .. })
        ));
        trust
            .deposit(&case, d(2013, 3, 6), m("0.01"), case.partner())
            .unwrap();
        // The last cent arrived on the 6th: implementing on the 5th still waits.
        assert!(
            case.implement(d(2013, 3, 5), ImplementationBasis::InitialDeposit, &trust)
                .is_err()
        );
        case.implement(d(2013, 3, 6), ImplementationBasis::InitialDeposit, &trust)
            .unwrap();

        let (mut urgent, trust) = case_in(CaseState::Accepted);
        let basis = ImplementationBasis::Emergency {
            approval: "DSCA-EI-1".parse().unwrap(),
        };
        urgent
            .implement(d(2013, 3, 2), basis.clone(), &trust)
            .unwrap();
        assert_eq!(urgent.implementation_basis(), Some(&basis));
    }

    /// A case of one $10,000,000.00 line accepted on `accepted` and implemented on
    /// `implemented`; returns the line's administrative surcharge.
    fn surcharge(accepted: NaiveDate, implemented: NaiveDate, kind: CaseKind) -> Money {
        let received = accepted.checked_sub_days(Days::new(60)).unwrap();
        let mut req = request("XX-B-AAA", "BRA", received, TermsOfSale::CashWithAcceptance);
        req.kind = kind;
        let mut case = Case::new(req);
        case.begin_development(received).unwrap();
        let line = case
            .add_line(received, LineSpec::new("trucks", 100, m("100000")))
            .unwrap();
        let offered = accepted.checked_sub_days(Days::new(10)).unwrap();
        case.offer(offered, offered, None, &Thresholds::current(), &AllowAll)
            .unwrap();
        case.accept(accepted).unwrap();
        let trust = TrustFund::new();
        let basis = ImplementationBasis::Emergency {
            approval: "E".parse().unwrap(),
        };
        case.implement(implemented, basis, &trust).unwrap();
        let charges = case.line_charges(line).unwrap();
        assert!(!charges.estimate);
        assert_eq!(charges.value, m("10000000"));
        charges.administrative
    }

    /// DOMAIN.md rule 21: a $10,000,000.00 line by key date.
    #[test]
    fn rule_21_surcharge_vectors() {
        let sale = CaseKind::Sale;
        let cases = [
            (d(1999, 5, 20), d(1999, 5, 31), "300000"),
            (d(1999, 5, 20), d(1999, 6, 1), "250000"),
            (d(2006, 7, 31), d(2006, 8, 2), "250000"),
            (d(2006, 8, 1), d(2006, 8, 2), "380000"),
            (d(2012, 10, 31), d(2012, 11, 2), "380000"),
            (d(2012, 11, 1), d(2012, 11, 2), "350000"),
            (d(2018, 5, 31), d(2018, 6, 2), "350000"),
            (d(2018, 6, 1), d(2018, 6, 2), "320000"),
        ];
        for (accepted, implemented, want) in cases {
            assert_eq!(
                surcharge(accepted, implemented, sale),
                m(want),
                "accepted {accepted}, implemented {implemented}"
            );
        }
    }

    /// DOMAIN.md rule 23: Building Partner Capacity lines accepted from 2020-10-01 carry
    /// no administrative surcharge; earlier ones keep 3.2 %.
    #[test]
    fn rule_23_bpc_exemption() {
        let bpc = CaseKind::BuildingPartnerCapacity;
        assert_eq!(surcharge(d(2020, 9, 30), d(2020, 10, 5), bpc), m("320000"));
        assert_eq!(surcharge(d(2020, 10, 1), d(2020, 10, 5), bpc), Money::ZERO);
        assert_eq!(
            surcharge(d(2020, 10, 1), d(2020, 10, 5), CaseKind::Sale),
            m("320000")
        );
    }

    /// DOMAIN.md rule 22: the line accepted 2012-10-31 keeps 3.8 % through modifications;
    /// growth goes on a new line at 3.5 %; a reduced line cannot come back cheaper.
    #[test]
    fn rule_22_growth_goes_on_a_new_line() {
        let mut case = Case::new(request(
            "EG-D-AAA",
            "EGY",
            d(2012, 9, 1),
            TermsOfSale::CashWithAcceptance,
        ));
        case.begin_development(d(2012, 9, 2)).unwrap();
        let first = case
            .add_line(d(2012, 9, 2), LineSpec::new("trucks", 100, m("100000")))
            .unwrap();
        case.offer(
            d(2012, 10, 1),
            d(2012, 10, 1),
            None,
            &Thresholds::current(),
            &AllowAll,
        )
        .unwrap();
        case.accept(d(2012, 10, 31)).unwrap();
        let mut trust = TrustFund::new();
        // Cash with acceptance: deposits cover every amended total below.
        trust
            .deposit(&case, d(2012, 10, 31), m("20000000"), case.partner())
            .unwrap();
        let emergency = ImplementationBasis::Emergency {
            approval: "E".parse().unwrap(),
        };
        case.implement(d(2012, 11, 5), emergency, &trust).unwrap();

        // A modification changes the price, not the rate.
        case.modify(
            d(2013, 1, 10),
            vec![Adjustment::UnitPrice {
                line: first,
                unit_price: m("110000"),
            }],
            &Thresholds::current(),
        )
        .unwrap();
        let charges = case.line_charges(first).unwrap();
        assert_eq!(charges.administrative_rate.to_string(), "3.8");
        assert_eq!(charges.administrative, m("418000"));

        // Growth: 10 more trucks go on line 002 at 3.5 %.
        let growth = case
            .propose_amendment(
                d(2013, 2, 1),
                AmendmentProposal::new(vec![ScopeChange::IncreaseQuantity {
                    line: first,
                    additional: 10,
                }]),
                &Thresholds::current(),
            )
            .unwrap();
        case.accept_amendment(growth, d(2013, 2, 15), &trust)
            .unwrap();
        let second = n(2);
        assert_eq!(case.line(first).unwrap().quantity, 100);
        let new_line = case.line(second).unwrap();
        assert_eq!(new_line.quantity, 10);
        assert_eq!(
            new_line.origin,
            LineOrigin::Amendment {
                number: growth,
                grows: Some(first)
            }
        );
        assert_eq!(new_line.implemented, Some(d(2013, 2, 15)));
        let charges = case.line_charges(second).unwrap();
        assert_eq!(charges.administrative_rate.to_string(), "3.5");
        assert_eq!(charges.administrative, m("38500"));
        assert_eq!(
            case.line_charges(first)
                .unwrap()
                .administrative_rate
                .to_string(),
            "3.8"
        );

        // Shrinking line 001 to re-add the trucks at 3.5 % is refused, whole.
        let trick = case
            .propose_amendment(
                d(2013, 3, 1),
                AmendmentProposal::new(vec![
                    ScopeChange::ReduceQuantity {
                        line: first,
                        by: 50,
                    },
                    ScopeChange::AddLine(LineSpec::new("trucks", 50, m("110000"))),
                ]),
                &Thresholds::current(),
            )
            .unwrap();
        let before = case.clone();
        let err = case
            .accept_amendment(trick, d(2013, 3, 5), &trust)
            .unwrap_err();
        assert!(matches!(
            err,
            SalesError::ReAddAtLowerRate { line, .. } if line == first
        ));
        assert_eq!(case, before);

        // A plain reduction is fine, and the line keeps its rate.
        let cut = case
            .propose_amendment(
                d(2013, 3, 6),
                AmendmentProposal::new(vec![ScopeChange::ReduceQuantity {
                    line: first,
                    by: 40,
                }]),
                &Thresholds::current(),
            )
            .unwrap();
        case.accept_amendment(cut, d(2013, 3, 7), &trust).unwrap();
        assert_eq!(case.line(first).unwrap().quantity, 60);
        assert_eq!(
            case.line_charges(first)
                .unwrap()
                .administrative_rate
                .to_string(),
            "3.8"
        );
        assert!(matches!(
            case.accept_amendment(cut, d(2013, 3, 8), &trust),
            Err(SalesError::AmendmentAlreadyAccepted { .. })
        ));
        // A reduction past the line's quantity is refused when proposed.
        let before = case.clone();
        assert!(matches!(
            case.propose_amendment(
                d(2013, 3, 8),
                AmendmentProposal::new(vec![ScopeChange::ReduceQuantity {
                    line: first,
                    by: 61,
                }]),
                &Thresholds::current(),
            ),
            Err(SalesError::QuantityBelowZero {
                quantity: 60,
                removed: 61,
                ..
            })
        ));
        assert_eq!(case, before);
    }

    fn brazil_mde(value: &str, partner: &str) -> Case {
        let mut case = Case::new(request(
            "BR-D-AAA",
            partner,
            d(2020, 1, 2),
            TermsOfSale::CashWithAcceptance,
        ));
        case.begin_development(d(2020, 1, 3)).unwrap();
        case.add_line(
            d(2020, 1, 3),
            LineSpec::new("armored vehicles", 1, m(value)).major_defense_equipment(),
        )
        .unwrap();
        case
    }

    /// DOMAIN.md rules 31–32 through the case: the offer waits for the review period.
    #[test]
    fn offers_wait_for_the_aeca_36b_review() {
        let t = Thresholds::current();
        let mut case = brazil_mde("14000000", "BRA");
        let before = case.clone();
        let err = case
            .offer(d(2020, 3, 2), d(2020, 3, 2), None, &t, &AllowAll)
            .unwrap_err();
        assert!(matches!(
            err,
            SalesError::NotificationRequired { review_days: 30, earliest_if_notified_today, .. }
                if earliest_if_notified_today == d(2020, 4, 1)
        ));
        assert_eq!(case, before);
        case.record_notification(d(2020, 3, 2)).unwrap();
        let err = case
            .offer(d(2020, 3, 31), d(2020, 3, 31), None, &t, &AllowAll)
            .unwrap_err();
        assert!(matches!(
            err,
            SalesError::ReviewPeriodNotEnded { earliest, notified, .. }
                if earliest == d(2020, 4, 1) && notified == d(2020, 3, 2)
        ));
        case.offer(d(2020, 4, 1), d(2020, 4, 1), None, &t, &AllowAll)
            .unwrap();
        assert_eq!(case.notices().len(), 1);

        let mut below = brazil_mde("13999999.99", "BRA");
        below
            .offer(d(2020, 3, 2), d(2020, 3, 2), None, &t, &AllowAll)
            .unwrap();
        assert!(below.notices().is_empty());

        let mut uk = brazil_mde("20000000", "GBR");
        uk.offer(d(2020, 3, 2), d(2020, 3, 2), None, &t, &AllowAll)
            .unwrap();
        let mut india = brazil_mde("20000000", "IND");
        assert!(matches!(
            india.offer(d(2020, 3, 2), d(2020, 3, 2), None, &t, &AllowAll),
            Err(SalesError::NotificationRequired {
                review_days: 30,
                ..
            })
        ));
        let mut uk_big = brazil_mde("25000000", "GBR");
        uk_big.record_notification(d(2020, 3, 2)).unwrap();
        assert!(matches!(
            uk_big.offer(d(2020, 3, 16), d(2020, 3, 16), None, &t, &AllowAll),
            Err(SalesError::ReviewPeriodNotEnded { earliest, .. }) if earliest == d(2020, 3, 17)
        ));
        uk_big
            .offer(d(2020, 3, 17), d(2020, 3, 17), None, &t, &AllowAll)
            .unwrap();
    }

    /// DOMAIN.md rule 34: a cash-flow-financed case of $100,000,000 or more also waits
    /// for the AECA 23(g) notice.
    #[test]
    fn cash_flow_financed_cases_need_the_23g_notice() {
        let mut req = request(
            "IL-D-AAA",
            "ISR",
            d(2020, 1, 2),
            TermsOfSale::CashWithAcceptance,
        );
        req.cash_flow_financing = true;
        let mut case = Case::new(req);
        case.begin_development(d(2020, 1, 3)).unwrap();
        // $96,899,224.81 + 3.2 % = $100,000,000.00, below every 36(b) threshold for Israel.
        case.add_line(
            d(2020, 1, 3),
            LineSpec::new("munitions", 1, m("96899224.81")),
        )
        .unwrap();
        let t = Thresholds::current();
        assert_eq!(
            case.clone()
                .offer(d(2020, 3, 2), d(2020, 3, 2), None, &t, &AllowAll)
                .map_err(|e| e.precedence()),
            Err(7)
        );
        case.record_notification(d(2020, 3, 2)).unwrap();
        assert!(
            case.clone()
                .offer(d(2020, 3, 16), d(2020, 3, 16), None, &t, &AllowAll)
                .is_err()
        );
        case.offer(d(2020, 3, 17), d(2020, 3, 17), None, &t, &AllowAll)
            .unwrap();
        assert_eq!(case.notices().len(), 1);
    }

    /// DOMAIN.md rule 29 through the case: small grant-funded cases need no schedule and
    /// the initial deposit is the whole case; others must carry one that totals the case.
    #[test]
    fn payment_schedules_on_cases() {
        let grant = |amount| FundingSource::FinancingGrant {
            document: "FMF-JOR-1".parse().unwrap(),
            account: "011-X2012-1082".parse().unwrap(),
            amount,
        };
        let new_case = || {
            let mut case = Case::new(request(
                "JO-B-AAB",
                "JOR",
                d(2013, 1, 2),
                TermsOfSale::CashPriorToDelivery,
            ));
            case.begin_development(d(2013, 1, 3)).unwrap();
            case.add_line(d(2013, 1, 3), LineSpec::new("radios", 100, m("1000")))
                .unwrap();
            case
        };
        let t = Thresholds::current();
        // $100,000.00 + 3.5 % = $103,500.00.
        let mut small = new_case();
        small
            .set_funding(d(2013, 1, 4), vec![grant(m("103500"))])
            .unwrap();
        small
            .offer(d(2013, 2, 1), d(2013, 2, 1), None, &t, &AllowAll)
            .unwrap();
        assert!(!small.payment_schedule_required().unwrap());
        assert_eq!(small.initial_deposit().unwrap(), m("103500"));

        let mut own = new_case();
        let before = own.clone();
        assert_eq!(
            own.offer(d(2013, 2, 1), d(2013, 2, 1), None, &t, &AllowAll),
            Err(SalesError::PaymentScheduleRequired {
                case: before.id().clone(),
                total: m("103500")
            })
        );
        assert_eq!(own, before);
        let wrong = PaymentSchedule::quarterly(d(2013, 2, 1), m("50000"), &[m("50000")]).unwrap();
        own.set_payment_schedule(d(2013, 1, 5), wrong).unwrap();
        assert!(matches!(
            own.offer(d(2013, 2, 1), d(2013, 2, 1), None, &t, &AllowAll),
            Err(SalesError::ScheduleMismatch { scheduled, .. }) if scheduled == m("100000")
        ));
        let right =
            PaymentSchedule::quarterly(d(2013, 2, 1), m("50000"), &[m("30000"), m("23500")])
                .unwrap();
        own.set_payment_schedule(d(2013, 1, 6), right).unwrap();
        own.offer(d(2013, 2, 1), d(2013, 2, 1), None, &t, &AllowAll)
            .unwrap();
        assert_eq!(own.initial_deposit().unwrap(), m("50000"));
        let dues: Vec<NaiveDate> = own
            .payment_schedule()
            .unwrap()
            .installments()
            .iter()
            .map(|i| i.due)
            .collect();
        assert_eq!(dues, [d(2013, 3, 15), d(2013, 6, 15)]);

        let mut mismatched = new_case();
        mismatched
            .set_funding(d(2013, 1, 4), vec![grant(m("100000"))])
            .unwrap();
        assert!(matches!(
            mismatched.offer(d(2013, 2, 1), d(2013, 2, 1), None, &t, &AllowAll),
            Err(SalesError::FundingMismatch { .. })
        ));
    }

    /// The offer's checks, walked from the highest precedence to the lowest, one failure
    /// at a time.
    #[test]
    fn offer_errors_follow_the_documented_precedence() {
        use crate::eligibility::{
            EligibilityRequest, Finding, FindingOutcome, RuleId, WaiverStatus,
        };
        struct DenyAll;
        impl EligibilityCheck for DenyAll {
            fn decide(&self, request: &EligibilityRequest) -> Decision {
                let finding = Finding {
                    rule: RuleId::new("deny"),
                    title: "a test rule".to_owned(),
                    citation: Citation::new("Test", "1"),
                    outcome: FindingOutcome::Prohibits,
                    facts: Vec::new(),
                    waiver: WaiverStatus::Missing,
                };
                Decision::new(request.clone(), "deny-all", vec![finding])
            }
        }
        let t = Thresholds::current();
        let mut order = Vec::new();
        // 1. state
        let (mut c, _) = case_in(CaseState::Accepted);
        order.push(c.offer(d(2013, 4, 1), d(2013, 4, 1), None, &t, &AllowAll));
        // 2. shape: no lines
        let mut c = Case::new(request(
            "A",
            "BRA",
            d(2020, 1, 2),
            TermsOfSale::CashWithAcceptance,
        ));
        c.begin_development(d(2020, 1, 3)).unwrap();
        order.push(c.offer(d(2019, 1, 1), d(2019, 1, 1), None, &t, &DenyAll));
        // 4. time: the date goes back, then the milestone, then the expiration
        let mut c = brazil_mde("14000000", "BRA");
        order.push(c.offer(d(2020, 1, 2), d(2020, 1, 2), None, &t, &DenyAll));
        order.push(c.offer(d(2020, 2, 1), d(2020, 2, 2), None, &t, &DenyAll));
        order.push(c.offer(
            d(2020, 2, 1),
            d(2020, 2, 1),
            Some(d(2020, 2, 1)),
            &t,
            &DenyAll,
        ));
        // 5. pricing: a table with no rate
        let mut req = request("B", "BRA", d(2020, 1, 2), TermsOfSale::CashWithAcceptance);
        req.charges.administrative.clear();
        let mut c = Case::new(req);
        c.begin_development(d(2020, 1, 3)).unwrap();
        c.add_line(
            d(2020, 1, 3),
            LineSpec::new("x", 1, m("14000000")).major_defense_equipment(),
        )
        .unwrap();
        order.push(c.offer(d(2020, 2, 1), d(2020, 2, 1), None, &t, &DenyAll));
        // 6. amount: a funding plan that does not match
        let mut c = brazil_mde("14000000", "BRA");
        c.set_funding(
            d(2020, 1, 4),
            vec![FundingSource::OwnFunds { amount: m("1") }],
        )
        .unwrap();
        order.push(c.offer(d(2020, 2, 1), d(2020, 2, 1), None, &t, &DenyAll));
        // 7. notice
        let mut c = brazil_mde("14000000", "BRA");
        order.push(c.offer(d(2020, 2, 1), d(2020, 2, 1), None, &t, &DenyAll));
        // 8. eligibility
        let mut c = brazil_mde("1000", "BRA");
        order.push(c.offer(d(2020, 2, 1), d(2020, 2, 1), None, &t, &DenyAll));
        let ranks: Vec<u8> = order
            .iter()
            .map(|r| r.as_ref().unwrap_err().precedence())
            .collect();
        assert_eq!(ranks, [1, 2, 4, 4, 4, 5, 6, 7, 8]);
        assert!(matches!(order[3], Err(SalesError::MilapOutOfOrder { .. })));
        assert!(matches!(
            order[4],
            Err(SalesError::ExpirationNotAfterOffer { .. })
        ));
        assert!(matches!(
            &order[8],
            Err(SalesError::Ineligible { decision, .. }) if decision.rule_set() == "deny-all"
        ));
    }

    #[test]
    fn closure_is_due_twelve_months_after_the_last_line() {
        let (mut case, _) = case_in(CaseState::Implemented);
        let before = case.clone();
        assert!(matches!(
            case.complete_line(n(2), d(2013, 5, 1)),
            Err(SalesError::UnknownLine { .. })
        ));
        assert_eq!(case, before);
        case.complete_line(n(1), d(2013, 5, 31)).unwrap();
        assert_eq!(case.supply_complete_on(), Some(d(2013, 5, 31)));
        assert_eq!(case.closure_due(), Some(d(2014, 5, 31)));
        let (mut leap, _) = case_in(CaseState::Implemented);
        leap.complete_line(n(1), d(2016, 2, 29)).unwrap();
        assert_eq!(leap.closure_due(), Some(d(2017, 2, 28)));
    }

    #[test]
    fn lines_validate() {
        let (mut case, _) = case_in(CaseState::OfferInDevelopment);
        for (spec, problem) in [
            (LineSpec::new(" ", 1, m("1")), LineProblem::EmptyItem),
            (LineSpec::new("x", 0, m("1")), LineProblem::ZeroQuantity),
            (
                LineSpec::new("x", 1, m("-1")),
                LineProblem::NegativePrice { price: m("-1") },
            ),
        ] {
            assert_eq!(
                case.add_line(d(2013, 1, 3), spec),
                Err(SalesError::InvalidLine { problem })
            );
        }
        assert!(serde_json::from_str::<LineNumber>("0").is_err());
        assert_eq!(serde_json::from_str::<LineNumber>("12").unwrap(), n(12));
    }

    #[test]
    fn a_case_round_trips_through_json() {
        let (case, trust) = case_in(CaseState::Closed);
        let json = serde_json::to_string(&case).unwrap();
        assert_eq!(serde_json::from_str::<Case>(&json).unwrap(), case);
        let json = serde_json::to_string(&trust).unwrap();
        assert_eq!(serde_json::from_str::<TrustFund>(&json).unwrap(), trust);
    }

    /// Issue 17 (the former `debug_assert!` in `Case::record`): every dated step checks the
    /// date against the last event and hands `record` the proof; a step dated before it is
    /// refused with the case unchanged, a step dated the same day is recorded.
    #[test]
    fn a_step_dated_before_the_last_event_is_refused_and_changes_nothing() {
        let (mut case, _) = case_in(CaseState::OfferInDevelopment);
        let before = case.clone();
        let early = d(2013, 1, 2);
        let refused = [
            case.add_line(early, LineSpec::new("masts", 1, m("10")))
                .map(|_| ()),
            case.record_notification(early),
            case.cancel(early),
        ];
        for result in refused {
            assert!(
                matches!(
                    result,
                    Err(SalesError::DateBeforePrevious { previous, date, .. })
                        if previous == d(2013, 1, 3) && date == early
                ),
                "{result:?}"
            );
        }
        assert_eq!(case, before);
        case.record_notification(d(2013, 1, 3)).unwrap();
        assert_eq!(case.history().len(), before.history().len() + 1);
    }

    /// Issue 17 (the former `debug_assert!` in `TrustFund::record`): the trust fund's own
    /// record refuses a refund a cent over the partner's balance, naming the balance, and
    /// changes nothing; the balance itself is refunded.
    #[test]
    fn a_refund_over_the_trust_balance_is_refused_by_the_record_itself() {
        let (case, mut trust) = case_in(CaseState::SupplyComplete);
        let balance = trust.balance(case.partner()).unwrap();
        let before = trust.clone();
        let over = balance.checked_add(m("0.01")).unwrap();
        assert_eq!(
            trust.refund(&case, d(2013, 3, 4), over),
            Err(SalesError::InsufficientTrustBalance {
                partner: case.partner(),
                available: balance,
                requested: over,
            })
        );
        assert_eq!(trust, before);
        trust.refund(&case, d(2013, 3, 4), balance).unwrap();
        assert_eq!(trust.balance(case.partner()).unwrap(), Money::ZERO);
    }
}

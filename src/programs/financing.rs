//! Financing (FMF-like): grants, direct loans with repayment schedules and arrears, and
//! loan guarantees (DOMAIN.md §3, §10 rules 35–37).
//!
//! - A [`Grant`] agreement obligates a partner's allocation
//!   ([`Instrument::GrantAgreement`]); drawdowns disburse it. A grant is not repaid: it
//!   never creates a receivable (rule 35, [`FinancingKind::creates_receivable`]).
//! - A [`DirectLoan`] in a credit program account is budgeted under credit reform
//!   (2 U.S.C. 661–661f, [`crate::budget::credit`]): [`DirectLoan::obligate_under_credit_reform`]
//!   obligates its subsidy cost at the [`SubsidyRates`] in force, each scheduled
//!   disbursement pays the borrower from the financing account, and
//!   [`DirectLoan::collect`] posts the borrower's payments, split into principal and
//!   interest, to the financing account. In an account without a financing account
//!   [`DirectLoan::obligate`] obligates the whole principal ([`Instrument::Loan`]); the
//!   ledger refuses that in a credit program account. A loan disburses on a
//!   schedule. Its [`LoanTerms`] give the annual rate, the grace period, and a semiannual
//!   repayment schedule by a named [`RepaymentMethod`] and a named [`DayCount`], each
//!   installment rounded by a named [`Rounding`], the last one absorbing the rounding so
//!   that the principal sums exactly. The last principal payment must fall within 12 years
//!   of delivery (rule 36, [`MAX_REPAYMENT_YEARS`]), and, when the caller gives the
//!   Treasury comparable-maturity yield, the rate may not be below it without a
//!   below-market certification.
//! - Payments received go to the oldest installment first; [`DirectLoan::arrears`] gives
//!   the oldest unpaid installment and its days past due on any date, and
//!   [`DirectLoan::arrears_fact`] turns it into the [`FactKind::LoanArrears`] fact that the
//!   Brooke rule reads (rule 37): derived from the loan, never typed in by hand.
//! - A [`LoanGuarantee`] of a private lender's loan obligates only its subsidy cost
//!   ([`Instrument::LoanGuarantee`]); the guaranteed amount is not budget authority.
//!
//! Every instrument names the document that obligates it; [`FinancingReference`] gives a
//! sales case what it needs to name a grant or a loan as a funding source and draw on it.
//!
//! Each step that touches money applies one command to the caller's [`Ledger`] and
//! changes the instrument only if the ledger accepts it.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, BudgetError, Command, CommandId, DocumentId,
    Funding, FundsHolder, Instrument, Ledger, Receipt,
};
use crate::eligibility::{Fact, FactKind};
use crate::law::Citation;
use crate::money::{Money, MoneyError, MoneyOperation, Rate, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The longest time from delivery to the last principal payment of a direct loan, in
/// years (AECA section 23, 22 U.S.C. 2763: repaid "within 12 years after the delivery";
/// 10 years in the 1968 and 1974 texts).
pub const MAX_REPAYMENT_YEARS: u32 = 12;

/// Months between installments: repayment is semiannual.
pub const INSTALLMENT_MONTHS: u32 = 6;

/// Why a financing step was refused.
///
/// # Precedence
///
/// A step checks, and reports the first failure, in this order
/// ([`FinancingError::precedence`]): 1 the instrument's state; 2 the shape of the input;
/// 4 time (the order of disbursements, installments and payments, the 12-year limit);
/// 5 the law on the interest rate; 6 amount; 7 the ledger's own refusal, or a command id
/// it had already applied. Arithmetic and calendar failures (0) can only come from values
/// out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FinancingError {
    /// The instrument is already obligated.
    #[error("{kind} {document} is already obligated")]
    AlreadyObligated {
        /// The instrument.
        kind: FinancingKind,
        /// Its document.
        document: DocumentId,
    },
    /// The step needs the instrument obligated first.
    #[error("{kind} {document} is not obligated yet: obligate it first")]
    NotObligated {
        /// The instrument.
        kind: FinancingKind,
        /// Its document.
        document: DocumentId,
    },
    /// The scheduled disbursement was already posted to the ledger.
    #[error("disbursement {number} of loan {document} was already posted")]
    DisbursementPosted {
        /// The loan.
        document: DocumentId,
        /// The disbursement's number, from 1.
        number: usize,
    },
    /// An amount that must be greater than zero is not.
    #[error("the {field} of {amount} must be greater than zero")]
    NotPositive {
        /// Which amount.
        field: AmountField,
        /// The amount given.
        amount: Money,
    },
    /// A loan without principal installments.
    #[error("a loan needs at least one principal installment")]
    NoPrincipalInstallments,
    /// A loan without disbursements.
    #[error("a loan needs at least one disbursement")]
    NoDisbursements,
    /// The disbursements do not add up to the principal.
    #[error(
        "the disbursements total {disbursed}: they must add up to the principal of {principal}"
    )]
    DisbursementsDoNotSum {
        /// The principal.
        principal: Money,
        /// What the disbursements add up to.
        disbursed: Money,
    },
    /// A scheduled disbursement number that does not exist.
    #[error(
        "loan {document} has {count} scheduled disbursements: {number} is not one of 1 to {count}"
    )]
    UnknownDisbursement {
        /// The loan.
        document: DocumentId,
        /// The number asked for.
        number: usize,
        /// How many there are.
        count: usize,
    },
    /// A subsidy rate above 100 percent.
    #[error(
        "a subsidy rate of {rate}% is above 100%: the subsidy cannot exceed the amount guaranteed"
    )]
    SubsidyRateAbove100 {
        /// The rate given.
        rate: Rate,
    },
    /// Disbursements not in date order.
    #[error("disbursement on {later} is listed after one on {earlier}: list them in date order")]
    DisbursementsOutOfOrder {
        /// The earlier-listed, later date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earlier: NaiveDate,
        /// The later-listed, earlier date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        later: NaiveDate,
    },
    /// The first installment is not after the first disbursement.
    #[error(
        "the first installment on {first_installment} must come after the first disbursement on {first_disbursement}"
    )]
    InstallmentBeforeDisbursement {
        /// The first installment's due date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        first_installment: NaiveDate,
        /// The first disbursement's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        first_disbursement: NaiveDate,
    },
    /// A disbursement on or after the first principal installment.
    #[error(
        "the disbursement on {disbursed_on} must come before the first principal installment on {first_principal_due}: disburse during the grace period"
    )]
    DisbursementAfterRepaymentStarts {
        /// The disbursement's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        disbursed_on: NaiveDate,
        /// The first principal installment's due date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        first_principal_due: NaiveDate,
    },
    /// The last principal payment falls more than 12 years after delivery.
    #[error(
        "the last principal payment on {maturity} is after {limit}, {MAX_REPAYMENT_YEARS} years after delivery on {delivered_on} (22 U.S.C. 2763): shorten the schedule"
    )]
    TermTooLong {
        /// The last principal payment's due date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        maturity: NaiveDate,
        /// The last date allowed.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        limit: NaiveDate,
        /// The delivery date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        delivered_on: NaiveDate,
    },
    /// A payment dated before the last one recorded.
    #[error(
        "payment dated {date} is before the last payment recorded, on {last}: record payments in date order"
    )]
    PaymentOutOfOrder {
        /// The payment's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The last payment's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        last: NaiveDate,
    },
    /// The rate is below the Treasury comparable-maturity yield without a below-market
    /// certification.
    #[error(
        "an interest rate of {rate}% is below the Treasury comparable-maturity yield of {market}% (AECA 23, 31(c)): it needs a Presidential below-market certification"
    )]
    RateBelowMarket {
        /// The loan's rate.
        rate: Rate,
        /// The market yield.
        market: Rate,
    },
    /// A payment larger than everything still owed on the schedule.
    #[error("payment of {amount} exceeds the {outstanding} still owed on the schedule")]
    Overpayment {
        /// The payment.
        amount: Money,
        /// What is still owed.
        outstanding: Money,
    },
    /// A drawdown larger than what remains of the grant.
    #[error(
        "drawdown of {requested} on grant {document} exceeds the {remaining} obligated and not yet drawn"
    )]
    DrawdownAboveRemaining {
        /// The grant.
        document: DocumentId,
        /// The drawdown asked for.
        requested: Money,
        /// What remains.
        remaining: Money,
    },
    /// No subsidy rate is in force on the date.
    #[error("no subsidy rate is in force on {date}: the table starts on {first}")]
    NoSubsidyRate {
        /// The date asked for.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The first date the table covers.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        first: NaiveDate,
    },
    /// A subsidy rate table that is empty, not in strictly increasing date order, or has
    /// an entry without a source.
    #[error(
        "subsidy rate entry {index} (from 0) is out of date order or has no source: list each rate once, in date order, with its source"
    )]
    SubsidyRatesInvalid {
        /// The entry at fault (0 for an empty table).
        index: usize,
    },
    /// The loan was not obligated under credit reform, so it has no financing account to
    /// post its collections to.
    #[error(
        "loan {document} was not obligated under credit reform: record its payments with record_payment"
    )]
    NotCreditReform {
        /// The loan.
        document: DocumentId,
    },
    /// The ledger refused the command.
    #[error("the ledger refused the financing step")]
    Ledger(#[from] BudgetError),
    /// The ledger command id had already been applied.
    #[error("ledger command {id} was already applied: give each financing step a new command id")]
    DuplicateLedgerCommand {
        /// The command id.
        id: CommandId,
    },
    /// A date of the schedule falls outside the supported calendar.
    #[error("the schedule runs past the supported calendar")]
    Calendar,
    /// Arithmetic on money failed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
}

crate::wire::wire_serde!(FinancingError);

impl crate::wire::ErrorCode for FinancingError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, FinancingError::serialize)
    }
    fn precedence(&self) -> u8 {
        FinancingError::precedence(self)
    }
}

impl FinancingError {
    /// The error's place in the documented precedence: 1 state, 2 shape, 4 time, 5 law,
    /// 6 amount, 7 ledger, 0 arithmetic and calendar.
    ///
    /// ```
    /// use security_assistance::programs::financing::{FinancingError, AmountField};
    /// let err = FinancingError::NotPositive { field: AmountField::Principal, amount: "0".parse()? };
    /// assert_eq!(err.precedence(), 2);
    /// assert_eq!(err.to_string(), "the principal of $0.00 must be greater than zero");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub const fn precedence(&self) -> u8 {
        match self {
            FinancingError::AlreadyObligated { .. }
            | FinancingError::NotObligated { .. }
            | FinancingError::DisbursementPosted { .. }
            | FinancingError::NotCreditReform { .. } => 1,
            FinancingError::NotPositive { .. }
            | FinancingError::NoPrincipalInstallments
            | FinancingError::NoDisbursements
            | FinancingError::DisbursementsDoNotSum { .. }
            | FinancingError::UnknownDisbursement { .. }
            | FinancingError::SubsidyRateAbove100 { .. }
            | FinancingError::SubsidyRatesInvalid { .. } => 2,
            FinancingError::DisbursementsOutOfOrder { .. }
            | FinancingError::InstallmentBeforeDisbursement { .. }
            | FinancingError::DisbursementAfterRepaymentStarts { .. }
            | FinancingError::TermTooLong { .. }
            | FinancingError::PaymentOutOfOrder { .. }
            | FinancingError::NoSubsidyRate { .. } => 4,
            FinancingError::RateBelowMarket { .. } => 5,
            FinancingError::Overpayment { .. } | FinancingError::DrawdownAboveRemaining { .. } => 6,
            FinancingError::Ledger(_) | FinancingError::DuplicateLedgerCommand { .. } => 7,
            FinancingError::Calendar | FinancingError::Money(_) => 0,
        }
    }
}

/// An amount named in [`FinancingError::NotPositive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AmountField {
    /// A grant's amount.
    Grant,
    /// A loan's principal.
    Principal,
    /// A loan disbursement.
    Disbursement,
    /// A payment received.
    Payment,
    /// A grant drawdown.
    Drawdown,
    /// The amount a guarantee covers.
    Guaranteed,
    /// A guarantee's subsidy cost.
    SubsidyCost,
}

impl fmt::Display for AmountField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AmountField::Grant => "grant",
            AmountField::Principal => "principal",
            AmountField::Disbursement => "disbursement",
            AmountField::Payment => "payment",
            AmountField::Drawdown => "drawdown",
            AmountField::Guaranteed => "guaranteed amount",
            AmountField::SubsidyCost => "subsidy cost",
        })
    }
}

/// The three forms of financing (DOMAIN.md §10 rule 35).
///
/// ```
/// use security_assistance::programs::financing::FinancingKind;
/// assert!(!FinancingKind::Grant.creates_receivable());
/// assert!(FinancingKind::DirectLoan.creates_receivable());
/// assert_eq!(FinancingKind::LoanGuarantee.instrument().citation().to_string(), "31 U.S.C. 1501(a)(5)");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FinancingKind {
    /// A non-repayable grant.
    Grant,
    /// A direct loan from the United States.
    DirectLoan,
    /// A guarantee of a private lender's loan.
    LoanGuarantee,
}

impl FinancingKind {
    /// `true` if the United States acquires a receivable: the partner owes it repayment.
    /// A grant never does; a guaranteed loan is owed to the lender, not to the United
    /// States.
    #[must_use]
    pub const fn creates_receivable(self) -> bool {
        match self {
            FinancingKind::DirectLoan => true,
            FinancingKind::Grant | FinancingKind::LoanGuarantee => false,
        }
    }

    /// The instrument the obligation is recorded on.
    #[must_use]
    pub const fn instrument(self) -> Instrument {
        match self {
            FinancingKind::Grant => Instrument::GrantAgreement,
            FinancingKind::DirectLoan => Instrument::Loan,
            FinancingKind::LoanGuarantee => Instrument::LoanGuarantee,
        }
    }
}

impl fmt::Display for FinancingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FinancingKind::Grant => "grant",
            FinancingKind::DirectLoan => "loan",
            FinancingKind::LoanGuarantee => "loan guarantee",
        })
    }
}

/// The agreement behind a financing instrument: its document, the account charged, and
/// the funds holder whose financing allocation to the partner is charged
/// (`AllocationKey::new(holder, ProgramKind::Financing, Some(partner))`).
///
/// ```
/// use security_assistance::programs::financing::FinancingAgreement;
/// use security_assistance::ProgramKind;
/// let agreement = FinancingAgreement::new("JO-D-GAA".parse()?, "011-2008/2009-1082".parse()?,
///     "DSCA".parse()?, "JOR".parse()?);
/// assert_eq!(agreement.key().program, ProgramKind::Financing);
/// assert_eq!(agreement.partner(), "JOR".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancingAgreement {
    document: DocumentId,
    account: AccountSymbol,
    holder: FundsHolder,
    partner: CountryCode,
}

impl FinancingAgreement {
    /// The agreement `document`, charging `account` under `holder`'s financing allocation
    /// to `partner`.
    #[must_use]
    pub fn new(
        document: DocumentId,
        account: AccountSymbol,
        holder: FundsHolder,
        partner: CountryCode,
    ) -> FinancingAgreement {
        FinancingAgreement {
            document,
            account,
            holder,
            partner,
        }
    }

    /// The obligating document.
    #[must_use]
    pub fn document(&self) -> &DocumentId {
        &self.document
    }

    /// The account charged.
    #[must_use]
    pub fn account(&self) -> AccountSymbol {
        self.account
    }

    /// The allocation charged: the funds holder's financing allocation to the partner.
    #[must_use]
    pub fn key(&self) -> AllocationKey {
        AllocationKey::new(
            self.holder.clone(),
            ProgramKind::Financing,
            Some(self.partner),
        )
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> CountryCode {
        self.partner
    }

    fn obligate_action(&self, kind: FinancingKind, amount: Money) -> Action {
        Action::Obligate {
            account: self.account,
            document: self.document.clone(),
            instrument: kind.instrument(),
            funding: Funding::Allocation { key: self.key() },
            amount,
            object_class: None,
            financed_by: crate::budget::DirectOrReimbursable::Direct,
        }
    }
}

/// A subsidy rate in force from a date, with its source: for credit reform, the cost of a
/// direct loan as a percentage of its principal (2 U.S.C. 661a(5); the rates of a cohort
/// come from the President's budget's credit supplement, OMB Circular A-11 section 185).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubsidyRate {
    /// The first day the rate applies to new obligations.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The rate, a percentage of the principal.
    pub rate: Rate,
    /// Where it comes from, such as "FY2008 Federal Credit Supplement, FMF direct loans".
    pub source: String,
}

/// The subsidy rates a caller supplies, each in force from its date until the next one's
/// (effective-dated data: the crate holds no rate of its own).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::financing::{SubsidyRate, SubsidyRates};
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let rates = SubsidyRates::new(vec![
///     SubsidyRate { from: day(2007, 10, 1)?, rate: "6.53".parse()?, source: "FY2008 supplement".into() },
///     SubsidyRate { from: day(2008, 10, 1)?, rate: "5.9".parse()?, source: "FY2009 supplement".into() },
/// ])?;
/// assert_eq!(rates.on(day(2008, 9, 30)?)?.rate, "6.53".parse()?);
/// assert_eq!(rates.on(day(2008, 10, 1)?)?.rate, "5.9".parse()?);
/// assert!(rates.on(day(2007, 9, 30)?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubsidyRates {
    rates: Vec<SubsidyRate>,
}

impl SubsidyRates {
    /// The table of `rates`, in strictly increasing date order.
    ///
    /// # Errors
    ///
    /// [`FinancingError::SubsidyRatesInvalid`] for an empty table, dates not strictly
    /// increasing, or a blank source; [`FinancingError::SubsidyRateAbove100`].
    pub fn new(rates: Vec<SubsidyRate>) -> Result<SubsidyRates, FinancingError> {
        if rates.is_empty() {
            return Err(FinancingError::SubsidyRatesInvalid { index: 0 });
        }
        for (index, entry) in rates.iter().enumerate() {
            let ordered = index
                .checked_sub(1)
                .and_then(|i| rates.get(i))
                .is_none_or(|previous| previous.from < entry.from);
            if !ordered || entry.source.trim().is_empty() {
                return Err(FinancingError::SubsidyRatesInvalid { index });
            }
            if entry.rate.percent() > Decimal::ONE_HUNDRED {
                return Err(FinancingError::SubsidyRateAbove100 { rate: entry.rate });
            }
        }
        Ok(SubsidyRates { rates })
    }

    /// The rate in force on `date`: the last one from on or before it.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NoSubsidyRate`] before the first entry.
    pub fn on(&self, date: NaiveDate) -> Result<&SubsidyRate, FinancingError> {
        let first = self.rates.first().map_or(date, |r| r.from);
        self.rates
            .iter()
            .rev()
            .find(|r| r.from <= date)
            .ok_or(FinancingError::NoSubsidyRate { date, first })
    }

    /// The entries, in date order.
    #[must_use]
    pub fn entries(&self) -> &[SubsidyRate] {
        &self.rates
    }
}

impl<'de> Deserialize<'de> for SubsidyRates {
    /// Reads the entries and checks them as [`SubsidyRates::new`] does.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SubsidyRates, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            rates: Vec<SubsidyRate>,
        }
        let fields = Fields::deserialize(deserializer)?;
        SubsidyRates::new(fields.rates).map_err(serde::de::Error::custom)
    }
}

/// How a credit program budgets its direct loans (2 U.S.C. 661c): the financing account
/// that holds their cash, the subsidy rates in force, and how a subsidy cost is rounded
/// to the cent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditReform {
    /// The financing account (opened with
    /// [`Action::OpenFinancingAccount`]).
    pub financing: AccountSymbol,
    /// The subsidy rates.
    pub rates: SubsidyRates,
    /// The rounding of principal × rate.
    pub rounding: Rounding,
}

/// What a sales case needs to name a grant or a loan as a funding source: the kind, the
/// obligating document and its account, the partner, what is obligated in the ledger and
/// what the instrument can finance.
///
/// For a grant and a direct loan the two amounts are equal, and a case draws on the
/// document with disbursements (`Action::Disburse` on `document` in `account`). For a
/// guarantee only the subsidy is obligated: the financed purchase is paid by the lender,
/// outside the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinancingReference {
    /// The kind of financing.
    pub kind: FinancingKind,
    /// The obligating document.
    pub document: DocumentId,
    /// The account it is obligated in.
    pub account: AccountSymbol,
    /// The partner financed.
    pub partner: CountryCode,
    /// What the instrument obligates in the ledger.
    pub obligated: Money,
    /// What it can finance.
    pub financing: Money,
}

/// A grant (non-repayable financing): the agreement obligates the partner's allocation;
/// drawdowns disburse it. A grant never creates a receivable.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Apportionment, Command, Ledger};
/// use security_assistance::programs::financing::{FinancingAgreement, Grant};
/// use security_assistance::ProgramKind;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2008, m, d).ok_or("date");
/// let account = "011-2008/2009-1082".parse()?;
/// let agreement = FinancingAgreement::new("JO-D-GAA".parse()?, account, "DSCA".parse()?, "JOR".parse()?);
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// for (i, action) in [
///     Action::Appropriate { account, title: "FMF".into(), purposes: vec![ProgramKind::Financing],
///         amount: "200000000".parse()?, law: "P.L. 110-161".into() },
///     Action::Apportion { account, category: Apportionment::ByPeriod { from: day(1, 2)? }, amount: "200000000".parse()? },
///     Action::Allot { account, holder: "DSCA".parse()?, amount: "200000000".parse()? },
///     Action::Allocate { account, key: agreement.key(), amount: "198380000".parse()? },
/// ].into_iter().enumerate() {
///     ledger.apply(Command::new(format!("s{i}").parse()?, day(1, 2)?, "dsca".parse()?, action))?;
/// }
/// let mut grant = Grant::new(agreement, "198380000".parse()?)?;
/// grant.obligate(&mut ledger, day(2, 1)?, "g1".parse()?, "dsca".parse()?)?;
/// grant.drawdown(&mut ledger, day(3, 1)?, "50000000".parse()?, "g2".parse()?, "dsca".parse()?)?;
/// assert_eq!(grant.remaining(&ledger)?, "148380000".parse()?);
/// assert!(grant.drawdown(&mut ledger, day(3, 2)?, "148380000.01".parse()?, "g3".parse()?, "dsca".parse()?).is_err());
/// assert!(!grant.reference().kind.creates_receivable());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    agreement: FinancingAgreement,
    amount: Money,
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    obligated_on: Option<NaiveDate>,
}

impl Grant {
    /// A grant of `amount` under `agreement`, not yet obligated.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`] for an amount of zero or less.
    pub fn new(agreement: FinancingAgreement, amount: Money) -> Result<Grant, FinancingError> {
        positive(AmountField::Grant, amount)?;
        Ok(Grant {
            agreement,
            amount,
            obligated_on: None,
        })
    }

    /// Obligates the grant agreement on `date` (31 U.S.C. 1501(a)(5)) from the partner's
    /// allocation, as command `id` by `actor`.
    ///
    /// # Errors
    ///
    /// [`FinancingError::AlreadyObligated`]; [`FinancingError::Ledger`] when the ledger
    /// refuses (an ineligible partner, too little allocated, expired money),
    /// [`FinancingError::DuplicateLedgerCommand`]. Nothing changes on an error.
    pub fn obligate(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        if self.obligated_on.is_some() {
            return Err(FinancingError::AlreadyObligated {
                kind: FinancingKind::Grant,
                document: self.agreement.document.clone(),
            });
        }
        let action = self
            .agreement
            .obligate_action(FinancingKind::Grant, self.amount);
        let receipt = post(ledger, id, date, actor, action)?;
        self.obligated_on = Some(date);
        Ok(receipt)
    }

    /// Draws `amount` of the grant on `date` (a disbursement), as command `id`.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotObligated`]; [`FinancingError::NotPositive`];
    /// [`FinancingError::DrawdownAboveRemaining`] above what the ledger holds obligated
    /// and undrawn (draws by sales cases included); [`FinancingError::Ledger`],
    /// [`FinancingError::DuplicateLedgerCommand`].
    pub fn drawdown(
        &self,
        ledger: &mut Ledger,
        date: NaiveDate,
        amount: Money,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        if self.obligated_on.is_none() {
            return Err(FinancingError::NotObligated {
                kind: FinancingKind::Grant,
                document: self.agreement.document.clone(),
            });
        }
        positive(AmountField::Drawdown, amount)?;
        let remaining = self.remaining(ledger)?;
        if amount > remaining {
            return Err(FinancingError::DrawdownAboveRemaining {
                document: self.agreement.document.clone(),
                requested: amount,
                remaining,
            });
        }
        post(
            ledger,
            id,
            date,
            actor,
            Action::Disburse {
                account: self.agreement.account,
                document: self.agreement.document.clone(),
                amount,
            },
        )
    }

    /// What the ledger holds obligated on the grant and not yet drawn; zero before the
    /// obligation.
    ///
    /// # Errors
    ///
    /// [`FinancingError::Money`] only if out of range.
    pub fn remaining(&self, ledger: &Ledger) -> Result<Money, FinancingError> {
        undrawn(&self.agreement, ledger)
    }

    /// The agreement.
    #[must_use]
    pub fn agreement(&self) -> &FinancingAgreement {
        &self.agreement
    }

    /// The amount granted.
    #[must_use]
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The obligation date, once obligated.
    #[must_use]
    pub fn obligated_on(&self) -> Option<NaiveDate> {
        self.obligated_on
    }

    /// What a sales case names to be funded by this grant.
    #[must_use]
    pub fn reference(&self) -> FinancingReference {
        reference(
            &self.agreement,
            FinancingKind::Grant,
            self.amount,
            self.amount,
        )
    }
}

/// How principal is spread over the principal installments (the installments after the
/// grace period). Each is named, and each installment's amounts are rounded to the cent
/// by the loan's named [`Rounding`]; the last installment takes whatever principal
/// remains, so the principal always sums exactly.
///
/// ```
/// use security_assistance::programs::financing::RepaymentMethod;
/// assert_eq!(RepaymentMethod::LevelPayment.to_string(), "level payment");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RepaymentMethod {
    /// The same principal each installment: principal ÷ n, rounded; the last
    /// installment takes the remainder (and no installment takes more than the balance).
    /// Interest falls as the balance falls.
    LevelPrincipal,
    /// The same total payment each installment: the annuity A = P·r ÷ (1 − (1 + r)^−n) at
    /// the nominal semiannual rate r = annual rate ÷ 2, rounded; each installment's
    /// principal is A less its interest (never below zero, never above the balance) and
    /// the last takes whatever remains. Under 30/360 the payments are exactly level but
    /// for the last; under an actual-day convention they vary with the days in each
    /// period.
    LevelPayment,
}

impl fmt::Display for RepaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RepaymentMethod::LevelPrincipal => "level principal",
            RepaymentMethod::LevelPayment => "level payment",
        })
    }
}

/// How the interest of a period is counted: days in the period ÷ days in the year.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::financing::DayCount;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// // 2008-01-15 to 2008-07-15: 180 days of 30/360, 182 actual days.
/// assert_eq!(DayCount::Thirty360.days_between(day(2008, 1, 15)?, day(2008, 7, 15)?), 180);
/// assert_eq!(DayCount::Actual365.days_between(day(2008, 1, 15)?, day(2008, 7, 15)?), 182);
/// // 30/360 counts the 31st as the 30th when the period starts on the 30th or 31st.
/// assert_eq!(DayCount::Thirty360.days_between(day(2008, 1, 31)?, day(2008, 7, 31)?), 180);
/// assert_eq!(DayCount::Actual365.days_in_year(), 365);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DayCount {
    /// 30/360, bond basis (ISDA 2006 section 4.16(f)): D1 = min(d1, 30); D2 = 30 when
    /// d2 = 31 and D1 = 30, else d2; days = 360 (Y2 − Y1) + 30 (M2 − M1) + (D2 − D1);
    /// over a 360-day year. A whole semiannual period is 180 days: half the annual rate.
    Thirty360,
    /// Actual/365 (fixed): actual days over 365.
    Actual365,
    /// Actual/360: actual days over 360.
    Actual360,
}

impl DayCount {
    /// The days from `from` to `to` under the convention (negative if `to` is earlier).
    #[must_use]
    pub fn days_between(self, from: NaiveDate, to: NaiveDate) -> i64 {
        match self {
            DayCount::Thirty360 => {
                let d1 = i64::from(from.day().min(30));
                let d2 = if to.day() == 31 && d1 == 30 {
                    30
                } else {
                    i64::from(to.day())
                };
                // OK because years, months and days of a NaiveDate are small: the
                // saturating operations never saturate.
                i64::from(to.year())
                    .saturating_sub(i64::from(from.year()))
                    .saturating_mul(360)
                    .saturating_add(
                        i64::from(to.month())
                            .saturating_sub(i64::from(from.month()))
                            .saturating_mul(30),
                    )
                    .saturating_add(d2.saturating_sub(d1))
            }
            DayCount::Actual365 | DayCount::Actual360 => to.signed_duration_since(from).num_days(),
        }
    }

    /// The days in the convention's year: 360 or 365.
    #[must_use]
    pub const fn days_in_year(self) -> i64 {
        match self {
            DayCount::Thirty360 | DayCount::Actual360 => 360,
            DayCount::Actual365 => 365,
        }
    }
}

impl fmt::Display for DayCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DayCount::Thirty360 => "30/360",
            DayCount::Actual365 => "Actual/365",
            DayCount::Actual360 => "Actual/360",
        })
    }
}

/// One scheduled disbursement of a loan's principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    /// The day it is paid out (interest runs from it).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The amount.
    pub amount: Money,
}

/// The Treasury comparable-maturity yield a loan's rate is tested against (DOMAIN.md §10
/// rule 36), and whether the President certified a lower rate. Caller data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketYield {
    /// The current average yield on outstanding marketable Treasury obligations of
    /// comparable maturity.
    pub rate: Rate,
    /// A Presidential certification allows a lower rate.
    pub below_market_certified: bool,
    /// Where the yield comes from.
    pub source: Citation,
}

/// The terms of a direct loan.
///
/// Interest runs on each disbursement from its date. Installments fall every
/// [`INSTALLMENT_MONTHS`] months from `first_installment` (the same day of the month,
/// or the month's last day when shorter); the first `grace_installments` pay interest
/// only (the grace period on principal), then `principal_installments` repay the
/// principal by `method`. All disbursements come before the first principal
/// installment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoanTerms {
    /// The principal.
    pub principal: Money,
    /// The annual interest rate.
    pub annual_rate: Rate,
    /// The disbursement schedule, in date order; it adds up to the principal.
    pub disbursements: Vec<Disbursement>,
    /// The day the financed articles are delivered: the 12-year limit runs from it (for
    /// staged deliveries, give the first, the strictest reading).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub delivered_on: NaiveDate,
    /// The due date of the first installment.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub first_installment: NaiveDate,
    /// Installments of interest only at the start (the grace period).
    pub grace_installments: u32,
    /// Installments that repay principal.
    pub principal_installments: u32,
    /// How principal is spread.
    pub method: RepaymentMethod,
    /// How interest is counted.
    pub day_count: DayCount,
    /// How each installment's interest, the level principal and the level payment are
    /// rounded to the cent.
    pub rounding: Rounding,
    /// The market yield to test the rate against, if the caller has it.
    pub market_yield: Option<MarketYield>,
}

impl LoanTerms {
    /// Terms for one disbursement of the whole `principal` on `disbursed_on`, with no
    /// market-yield test; change the public fields for the rest.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::financing::{DayCount, LoanTerms, RepaymentMethod};
    /// use security_assistance::Rounding;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let terms = LoanTerms::single_disbursement("1000000".parse()?, "5".parse()?, day(2008, 1, 15)?,
    ///     day(2008, 7, 15)?, 10, RepaymentMethod::LevelPrincipal, DayCount::Thirty360, Rounding::HalfEven);
    /// assert_eq!(terms.disbursements.len(), 1);
    /// assert_eq!(terms.delivered_on, day(2008, 1, 15)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    #[must_use]
    pub fn single_disbursement(
        principal: Money,
        annual_rate: Rate,
        disbursed_on: NaiveDate,
        first_installment: NaiveDate,
        principal_installments: u32,
        method: RepaymentMethod,
        day_count: DayCount,
        rounding: Rounding,
    ) -> LoanTerms {
        LoanTerms {
            principal,
            annual_rate,
            disbursements: vec![Disbursement {
                date: disbursed_on,
                amount: principal,
            }],
            delivered_on: disbursed_on,
            first_installment,
            grace_installments: 0,
            principal_installments,
            method,
            day_count,
            rounding,
            market_yield: None,
        }
    }

    /// The due date of installment `index` (from 0).
    fn due(&self, index: u32) -> Result<NaiveDate, FinancingError> {
        let months = INSTALLMENT_MONTHS
            .checked_mul(index)
            .ok_or(FinancingError::Calendar)?;
        self.first_installment
            .checked_add_months(Months::new(months))
            .ok_or(FinancingError::Calendar)
    }

    /// Checks the terms in the documented precedence.
    fn check(&self) -> Result<u32, FinancingError> {
        // Shape.
        positive(AmountField::Principal, self.principal)?;
        if self.principal_installments == 0 {
            return Err(FinancingError::NoPrincipalInstallments);
        }
        let (first, last) = match (self.disbursements.first(), self.disbursements.last()) {
            (Some(first), Some(last)) => (first.date, last.date),
            _ => return Err(FinancingError::NoDisbursements),
        };
        for d in &self.disbursements {
            positive(AmountField::Disbursement, d.amount)?;
        }
        let disbursed = Money::checked_sum(self.disbursements.iter().map(|d| d.amount))?;
        if disbursed != self.principal {
            return Err(FinancingError::DisbursementsDoNotSum {
                principal: self.principal,
                disbursed,
            });
        }
        // Time.
        for pair in self.disbursements.windows(2) {
            if let [a, b] = pair {
                if b.date < a.date {
                    return Err(FinancingError::DisbursementsOutOfOrder {
                        earlier: a.date,
                        later: b.date,
                    });
                }
            }
        }
        if self.first_installment <= first {
            return Err(FinancingError::InstallmentBeforeDisbursement {
                first_installment: self.first_installment,
                first_disbursement: first,
            });
        }
        let first_principal_due = self.due(self.grace_installments)?;
        if last >= first_principal_due {
            return Err(FinancingError::DisbursementAfterRepaymentStarts {
                disbursed_on: last,
                first_principal_due,
            });
        }
        let count = self
            .grace_installments
            .checked_add(self.principal_installments)
            .ok_or(FinancingError::Calendar)?;
        let maturity = self.due(count.saturating_sub(1))?;
        let limit = self
            .delivered_on
            .checked_add_months(Months::new(MAX_REPAYMENT_YEARS.saturating_mul(12)))
            .ok_or(FinancingError::Calendar)?;
        if maturity > limit {
            return Err(FinancingError::TermTooLong {
                maturity,
                limit,
                delivered_on: self.delivered_on,
            });
        }
        // Law on the rate.
        if let Some(market) = &self.market_yield {
            if self.annual_rate < market.rate && !market.below_market_certified {
                return Err(FinancingError::RateBelowMarket {
                    rate: self.annual_rate,
                    market: market.rate,
                });
            }
        }
        Ok(count)
    }
}

/// One installment of a repayment schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Installment {
    /// Its number, from 1.
    pub number: u32,
    /// The due date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub due: NaiveDate,
    /// The days of interest under the loan's day count (summed over the sub-periods
    /// between disbursements).
    pub interest_days: i64,
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

/// A payment received on a loan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payment {
    /// The day it was received.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The amount.
    pub amount: Money,
}

/// How far behind a loan is on a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrears {
    /// The date asked about.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub as_of: NaiveDate,
    /// The due date of the oldest installment not fully paid.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub oldest_unpaid_due: NaiveDate,
    /// Days from that due date to `as_of`.
    pub days_past_due: i64,
    /// Installments due before `as_of` and not fully paid.
    pub installments_past_due: u32,
    /// Everything due before `as_of` and not paid by then.
    pub amount_past_due: Money,
}

/// A direct loan: its agreement, its terms and schedule, the payments received, and what
/// has been posted to the ledger.
///
/// # Worked example: a $50,000,000 loan
///
/// Assumptions: principal $50,000,000.00 at 4.5 % a year, disbursed $30,000,000.00 on
/// 2008-01-15 and $20,000,000.00 on 2008-04-15; articles delivered 2008-06-30;
/// installments every 15 January and 15 July from 2008-07-15; two interest-only
/// installments (the grace period), then 20 level-principal installments of
/// $2,500,000.00; 30/360 (bond basis); interest rounded half-even to the cent (every
/// amount below happens to be exact).
///
/// The first period counts each disbursement from its date: 30,000,000 × 4.5 % × 90/360
/// (2008-01-15 to 2008-04-15) = 337,500.00, plus 50,000,000 × 4.5 % × 90/360 (2008-04-15
/// to 2008-07-15) = 562,500.00. Every later period is 180 days of 30/360: the balance ×
/// 2.25 %.
///
/// | # | due | principal | interest | balance after |
/// |---|---|---|---|---|
/// | 1 | 2008-07-15 | 0.00 | 900,000.00 | 50,000,000.00 |
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
/// Total interest $13,837,500.00 = 900,000 + 1,125,000 + 56,250 × (20 + 19 + … + 1 = 210);
/// total repaid $63,837,500.00. The last principal payment, 2019-01-15, is within 12
/// years of delivery (the limit is 2020-06-30). With nothing paid, on 2009-07-16 the
/// oldest unpaid installment is the first, 366 days past due, and $5,650,000.00 is past
/// due (installments 1 to 3: 900,000 + 1,125,000 + 3,625,000).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::financing::*;
/// use security_assistance::Rounding;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let terms = LoanTerms {
///     principal: "50000000".parse()?,
///     annual_rate: "4.5".parse()?,
///     disbursements: vec![
///         Disbursement { date: day(2008, 1, 15)?, amount: "30000000".parse()? },
///         Disbursement { date: day(2008, 4, 15)?, amount: "20000000".parse()? },
///     ],
///     delivered_on: day(2008, 6, 30)?,
///     first_installment: day(2008, 7, 15)?,
///     grace_installments: 2,
///     principal_installments: 20,
///     method: RepaymentMethod::LevelPrincipal,
///     day_count: DayCount::Thirty360,
///     rounding: Rounding::HalfEven,
///     market_yield: None,
/// };
/// let agreement = FinancingAgreement::new("EG-L-001".parse()?, "011-2008/2009-1082".parse()?,
///     "DSCA".parse()?, "EGY".parse()?);
/// let loan = DirectLoan::new(agreement, terms)?;
/// let s = loan.schedule();
/// assert_eq!(s.len(), 22);
/// let interest: Vec<String> = s.iter().map(|i| i.interest.to_string()).collect();
/// assert_eq!(interest[..4], ["$900,000.00", "$1,125,000.00", "$1,125,000.00", "$1,068,750.00"]);
/// assert_eq!(s[21].interest, "56250".parse()?);
/// assert_eq!(s[21].due, day(2019, 1, 15)?);
/// assert!(s[21].balance_after.is_zero());
/// assert_eq!(loan.total_interest()?, "13837500".parse()?);
/// assert_eq!(loan.scheduled_total(), "63837500".parse()?);
/// let arrears = loan.arrears(day(2009, 7, 16)?).ok_or("arrears expected")?;
/// assert_eq!((arrears.oldest_unpaid_due, arrears.days_past_due), (day(2008, 7, 15)?, 366));
/// assert_eq!(arrears.amount_past_due, "5650000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "LoanFields", into = "LoanFields")]
pub struct DirectLoan {
    fields: LoanFields,
    schedule: Vec<Installment>,
    /// Each installment's due date and total in cents, for arrears without fallible
    /// arithmetic.
    due_cents: Vec<(NaiveDate, i64)>,
    /// Each payment's cents.
    paid_cents: Vec<i64>,
}

/// A loan as written in JSON; [`DirectLoan`] recomputes its schedule from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct LoanFields {
    agreement: FinancingAgreement,
    terms: LoanTerms,
    #[serde(default)]
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize_option")]
    obligated_on: Option<NaiveDate>,
    #[serde(default)]
    disbursements_posted: Vec<bool>,
    #[serde(default)]
    payments: Vec<Payment>,
    /// The financing account, for a loan obligated under credit reform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    financing: Option<AccountSymbol>,
}

impl TryFrom<LoanFields> for DirectLoan {
    type Error = FinancingError;

    fn try_from(fields: LoanFields) -> Result<DirectLoan, FinancingError> {
        let count = fields.terms.check()?;
        let schedule = build_schedule(&fields.terms, count)?;
        let due_cents = schedule
            .iter()
            .map(|i| Ok((i.due, i.total()?.to_cents()?)))
            .collect::<Result<Vec<_>, MoneyError>>()?;
        // The whole schedule's total must fit in cents too: payments are bounded by it.
        due_cents
            .iter()
            .try_fold(0i64, |sum, (_, c)| sum.checked_add(*c))
            .ok_or(MoneyError::Overflow {
                operation: MoneyOperation::Add,
            })?;
        let mut loan = DirectLoan {
            fields: LoanFields {
                payments: Vec::new(),
                ..fields.clone()
            },
            schedule,
            due_cents,
            paid_cents: Vec::new(),
        };
        loan.fields
            .disbursements_posted
            .resize(loan.fields.terms.disbursements.len(), false);
        for payment in fields.payments {
            loan.record_payment(payment.date, payment.amount)?;
        }
        Ok(loan)
    }
}

impl From<DirectLoan> for LoanFields {
    fn from(loan: DirectLoan) -> LoanFields {
        loan.fields
    }
}

impl DirectLoan {
    /// A loan under `agreement` on `terms`, with its schedule computed; not yet obligated.
    ///
    /// # Errors
    ///
    /// In precedence order: shape — [`FinancingError::NotPositive`] (principal or a
    /// disbursement), [`FinancingError::NoPrincipalInstallments`],
    /// [`FinancingError::NoDisbursements`], [`FinancingError::DisbursementsDoNotSum`];
    /// time — [`FinancingError::DisbursementsOutOfOrder`],
    /// [`FinancingError::InstallmentBeforeDisbursement`],
    /// [`FinancingError::DisbursementAfterRepaymentStarts`],
    /// [`FinancingError::TermTooLong`] (DOMAIN.md §10 rule 36); law —
    /// [`FinancingError::RateBelowMarket`]; then arithmetic or calendar errors.
    pub fn new(
        agreement: FinancingAgreement,
        terms: LoanTerms,
    ) -> Result<DirectLoan, FinancingError> {
        DirectLoan::try_from(LoanFields {
            agreement,
            terms,
            obligated_on: None,
            disbursements_posted: Vec::new(),
            payments: Vec::new(),
            financing: None,
        })
    }

    /// The agreement.
    #[must_use]
    pub fn agreement(&self) -> &FinancingAgreement {
        &self.fields.agreement
    }

    /// The terms.
    #[must_use]
    pub fn terms(&self) -> &LoanTerms {
        &self.fields.terms
    }

    /// The installments in due order.
    #[must_use]
    pub fn schedule(&self) -> &[Installment] {
        &self.schedule
    }

    /// The payments received, in date order.
    #[must_use]
    pub fn payments(&self) -> &[Payment] {
        &self.fields.payments
    }

    /// The obligation date, once obligated.
    #[must_use]
    pub fn obligated_on(&self) -> Option<NaiveDate> {
        self.fields.obligated_on
    }

    /// The interest of the whole schedule.
    ///
    /// # Errors
    ///
    /// [`MoneyError::Overflow`] only if out of range.
    pub fn total_interest(&self) -> Result<Money, MoneyError> {
        Money::checked_sum(self.schedule.iter().map(|i| i.interest))
    }

    /// Principal plus interest of the whole schedule.
    #[must_use]
    pub fn scheduled_total(&self) -> Money {
        Money::from_cents(self.scheduled_cents())
    }

    /// Everything received.
    #[must_use]
    pub fn paid(&self) -> Money {
        Money::from_cents(self.paid_cents_through(None))
    }

    /// What the schedule still asks: its total less everything received.
    #[must_use]
    pub fn outstanding(&self) -> Money {
        Money::from_cents(
            self.scheduled_cents()
                .saturating_sub(self.paid_cents_through(None)),
        )
    }

    fn scheduled_cents(&self) -> i64 {
        // OK because the constructor checked the sum fits in an i64.
        self.due_cents
            .iter()
            .fold(0i64, |sum, (_, c)| sum.saturating_add(*c))
    }

    fn paid_cents_through(&self, date: Option<NaiveDate>) -> i64 {
        // OK because payments never exceed the schedule's total, which fits in an i64.
        self.fields
            .payments
            .iter()
            .zip(&self.paid_cents)
            .filter(|(p, _)| date.is_none_or(|d| p.date <= d))
            .fold(0i64, |sum, (_, c)| sum.saturating_add(*c))
    }

    /// Records a payment of `amount` received on `date`. Payments go to the oldest
    /// installment first, interest and principal together.
    ///
    /// Payments received are collections on the loan, kept here; they are not budget
    /// authority and post nothing to the ledger.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`]; [`FinancingError::PaymentOutOfOrder`] before the
    /// last payment recorded; [`FinancingError::Overpayment`] beyond everything the
    /// schedule still asks. Nothing is recorded on an error.
    pub fn record_payment(&mut self, date: NaiveDate, amount: Money) -> Result<(), FinancingError> {
        positive(AmountField::Payment, amount)?;
        if let Some(last) = self.fields.payments.last() {
            if date < last.date {
                return Err(FinancingError::PaymentOutOfOrder {
                    date,
                    last: last.date,
                });
            }
        }
        let outstanding = self.outstanding();
        if amount > outstanding {
            return Err(FinancingError::Overpayment {
                amount,
                outstanding,
            });
        }
        let cents = amount.to_cents()?;
        self.fields.payments.push(Payment { date, amount });
        self.paid_cents.push(cents);
        Ok(())
    }

    /// The arrears on `as_of`: installments due before `as_of` (an installment due on
    /// `as_of` is not yet late) not covered by the payments received by `as_of`, applied
    /// oldest first; `None` when the loan is current.
    ///
    /// Between two payments, the arrears only grow: the same oldest unpaid installment
    /// grows older, and more installments fall due.
    #[must_use]
    pub fn arrears(&self, as_of: NaiveDate) -> Option<Arrears> {
        let mut paid = self.paid_cents_through(Some(as_of));
        let mut oldest = None;
        let mut count = 0u32;
        let mut past_due = 0i64;
        for (due, total) in self.due_cents.iter().filter(|(due, _)| *due < as_of) {
            if paid >= *total {
                paid = paid.saturating_sub(*total);
                continue;
            }
            // OK because every installment total and their sum fit in an i64.
            past_due = past_due.saturating_add(total.saturating_sub(paid));
            paid = 0;
            count = count.saturating_add(1);
            oldest.get_or_insert(*due);
        }
        oldest.map(|due| Arrears {
            as_of,
            oldest_unpaid_due: due,
            days_past_due: as_of.signed_duration_since(due).num_days(),
            installments_past_due: count,
            amount_past_due: Money::from_cents(past_due),
        })
    }

    /// The Brooke fact the loan gives on `as_of` (DOMAIN.md §10 rule 37): a
    /// [`FactKind::LoanArrears`] fact about the borrower, naming the oldest unpaid
    /// installment's due date, in force from the day after it fell due, recorded on
    /// `as_of`, citing `citation` (the loan's record); `None` when the loan is current.
    /// The eligibility rule decides whether the default is long enough to bar assistance.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::{evaluate, EligibilityRequest, FactKind, Facts, Outcome, RuleSet};
    /// use security_assistance::programs::financing::*;
    /// use security_assistance::{Citation, ProgramKind, Rounding};
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let terms = LoanTerms::single_disbursement("1000000".parse()?, "5".parse()?, day(2006, 1, 15)?,
    ///     day(2006, 7, 15)?, 10, RepaymentMethod::LevelPayment, DayCount::Actual365, Rounding::HalfEven);
    /// let agreement = FinancingAgreement::new("ZW-L-1".parse()?, "011-2006/2007-1082".parse()?,
    ///     "DSCA".parse()?, "ZWE".parse()?);
    /// let loan = DirectLoan::new(agreement, terms)?;
    /// let fact = loan.arrears_fact(day(2007, 8, 1)?, Citation::new("loan record", "ZW-L-1"))
    ///     .ok_or("in arrears")?;
    /// assert_eq!(fact.kind, FactKind::LoanArrears { oldest_unpaid_due: day(2006, 7, 15)? });
    /// let facts: Facts = [fact].into_iter().collect();
    /// let zimbabwe = "ZWE".parse()?;
    /// let ask = |d| evaluate(&EligibilityRequest::new(zimbabwe, ProgramKind::Financing, d),
    ///     &facts, &RuleSet::builtin()).outcome();
    /// // One calendar year after the due date is not yet "more than one": refused the next day.
    /// assert_eq!(ask(day(2007, 7, 15)?), Outcome::Eligible);
    /// assert_eq!(ask(day(2007, 7, 16)?), Outcome::Ineligible);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn arrears_fact(&self, as_of: NaiveDate, citation: Citation) -> Option<Fact> {
        self.arrears(as_of).map(|a| {
            let from = a
                .oldest_unpaid_due
                .succ_opt()
                .unwrap_or(a.oldest_unpaid_due);
            Fact::new(
                self.fields.agreement.partner(),
                FactKind::LoanArrears {
                    oldest_unpaid_due: a.oldest_unpaid_due,
                },
                from,
                citation,
                as_of,
            )
        })
    }

    /// Obligates the loan agreement's principal on `date` (31 U.S.C. 1501(a)(2)) from the
    /// partner's allocation, as command `id` by `actor`, in an account that is not a
    /// credit program account. Where the account has a financing account the ledger
    /// refuses it ([`BudgetError::Credit`] with
    /// [`CreditProblem::UseCreditReform`](crate::budget::CreditProblem::UseCreditReform)):
    /// use [`DirectLoan::obligate_under_credit_reform`].
    ///
    /// # Errors
    ///
    /// [`FinancingError::AlreadyObligated`]; [`FinancingError::Ledger`],
    /// [`FinancingError::DuplicateLedgerCommand`]. Nothing changes on an error.
    pub fn obligate(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        if self.fields.obligated_on.is_some() {
            return Err(FinancingError::AlreadyObligated {
                kind: FinancingKind::DirectLoan,
                document: self.fields.agreement.document.clone(),
            });
        }
        let action = self
            .fields
            .agreement
            .obligate_action(FinancingKind::DirectLoan, self.fields.terms.principal);
        let receipt = post(ledger, id, date, actor, action)?;
        self.fields.obligated_on = Some(date);
        Ok(receipt)
    }

    /// Obligates the loan under credit reform on `date` (2 U.S.C. 661c(b)), as command `id`
    /// by `actor`: the program account (the agreement's account) obligates the subsidy
    /// cost, the principal × the rate of `credit`'s table in force on `date`, rounded by
    /// its rule ([`Action::ObligateLoan`]); its financing account records the loan in
    /// the cohort of `date`'s fiscal year. From then on each scheduled disbursement
    /// ([`DirectLoan::post_disbursement`]) is paid from the financing account and the
    /// borrower's payments are posted with [`DirectLoan::collect`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{credit::CreditKind, Action, Apportionment, Command, Ledger};
    /// use security_assistance::programs::financing::*;
    /// use security_assistance::{ProgramKind, Rounding};
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let program = "011-2008/2009-1085".parse()?;
    /// let financing = "011-X2008-4122".parse()?;
    /// let agreement = FinancingAgreement::new("JO-L-1".parse()?, program, "DSCA".parse()?, "JOR".parse()?);
    /// let mut ledger = Ledger::allow_all();
    /// for (i, action) in [
    ///     Action::Appropriate { account: program, title: "FMF loan program".into(),
    ///         purposes: vec![ProgramKind::Financing], amount: "10000000".parse()?, law: "P.L. 110-161".into() },
    ///     Action::Apportion { account: program, category: Apportionment::ByPeriod { from: day(2008, 1, 2)? },
    ///         amount: "10000000".parse()? },
    ///     Action::Allot { account: program, holder: "DSCA".parse()?, amount: "10000000".parse()? },
    ///     Action::Allocate { account: program, key: agreement.key(), amount: "10000000".parse()? },
    ///     Action::OpenFinancingAccount { account: financing, program,
    ///         title: "FMF direct loan financing account".into(), law: "2 U.S.C. 661d(b)".into(),
    ///         kind: CreditKind::DirectLoan },
    /// ].into_iter().enumerate() {
    ///     ledger.apply(Command::new(format!("s{i}").parse()?, day(2008, 1, 2)?, "dsca".parse()?, action))?;
    /// }
    /// let rates = SubsidyRates::new(vec![SubsidyRate { from: day(2007, 10, 1)?,
    ///     rate: "6.53".parse()?, source: "FY2008 credit supplement".into() }])?;
    /// let credit = CreditReform { financing, rates, rounding: Rounding::HalfEven };
    /// let terms = LoanTerms::single_disbursement("50000000".parse()?, "5".parse()?, day(2008, 2, 1)?,
    ///     day(2008, 8, 1)?, 10, RepaymentMethod::LevelPrincipal, DayCount::Actual365, Rounding::HalfEven);
    /// let mut loan = DirectLoan::new(agreement, terms)?;
    /// loan.obligate_under_credit_reform(&mut ledger, &credit, day(2008, 1, 15)?, "l1".parse()?, "dsca".parse()?)?;
    /// // The program account obligates the subsidy, 6.53 % of $50,000,000, not the principal.
    /// let obligation = ledger.obligation(&program, loan.agreement().document()).ok_or("obligated")?;
    /// assert_eq!(obligation.obligated, "3265000".parse()?);
    /// loan.post_disbursement(&mut ledger, 1, "l2".parse()?, "dsca".parse()?)?;
    /// let cohort = &ledger.credit_reconciliation(&financing)?.cohorts[0];
    /// assert_eq!((cohort.subsidy_received, cohort.borrowed), ("3265000".parse()?, "46735000".parse()?));
    /// loan.collect(&mut ledger, day(2008, 8, 1)?, "6246575.34".parse()?, "l3".parse()?, "dsca".parse()?)?;
    /// let reconciled = ledger.credit_reconciliation(&financing)?;
    /// assert!(reconciled.reconciles());
    /// assert_eq!(reconciled.cohorts[0].principal_collected, "5000000".parse()?);
    /// assert!(!ledger.accounts().contains(&financing));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`FinancingError::AlreadyObligated`]; [`FinancingError::NoSubsidyRate`];
    /// [`FinancingError::Ledger`] (an account that is not `credit`'s program account, an
    /// ineligible partner, too little allocated for the subsidy, expired money),
    /// [`FinancingError::DuplicateLedgerCommand`]. Nothing changes on an error.
    pub fn obligate_under_credit_reform(
        &mut self,
        ledger: &mut Ledger,
        credit: &CreditReform,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        if self.fields.obligated_on.is_some() {
            return Err(FinancingError::AlreadyObligated {
                kind: FinancingKind::DirectLoan,
                document: self.fields.agreement.document.clone(),
            });
        }
        let rate = credit.rates.on(date)?;
        let agreement = &self.fields.agreement;
        let action = Action::ObligateLoan {
            account: agreement.account,
            financing: credit.financing,
            document: agreement.document.clone(),
            funding: Funding::Allocation {
                key: agreement.key(),
            },
            principal: self.fields.terms.principal,
            subsidy_rate: rate.rate,
            rounding: credit.rounding,
            rate_source: rate.source.clone(),
        };
        let receipt = post(ledger, id, date, actor, action)?;
        self.fields.obligated_on = Some(date);
        self.fields.financing = Some(credit.financing);
        Ok(receipt)
    }

    /// The financing account, for a loan obligated under credit reform.
    #[must_use]
    pub fn financing_account(&self) -> Option<AccountSymbol> {
        self.fields.financing
    }

    /// Records a payment of `amount` received on `date` on a credit-reform loan, as
    /// [`DirectLoan::record_payment`] does, and posts it to the financing account as
    /// command `id` ([`Action::CollectLoan`]): split into interest and principal by
    /// applying everything received to the oldest installment first, its interest before
    /// its principal.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotCreditReform`]; those of [`DirectLoan::record_payment`];
    /// [`FinancingError::Ledger`] (principal beyond what was disbursed and not repaid),
    /// [`FinancingError::DuplicateLedgerCommand`]. Nothing changes on an error.
    pub fn collect(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        amount: Money,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        let document = self.fields.agreement.document.clone();
        let Some(financing) = self.fields.financing else {
            return Err(FinancingError::NotCreditReform { document });
        };
        let before = self.paid_cents_through(None);
        let mut next = self.clone();
        next.record_payment(date, amount)?;
        let after = next.paid_cents_through(None);
        let principal = Money::from_cents(
            self.principal_covered(after)?
                .saturating_sub(self.principal_covered(before)?),
        );
        let interest = amount.checked_sub(principal)?;
        let receipt = post(
            ledger,
            id,
            date,
            actor,
            Action::CollectLoan {
                financing,
                document,
                principal,
                interest,
            },
        )?;
        *self = next;
        Ok(receipt)
    }

    /// The principal that `paid` cents cover, applied to the installments oldest first,
    /// interest before principal within each.
    fn principal_covered(&self, paid: i64) -> Result<i64, FinancingError> {
        let mut rest = paid;
        let mut principal = 0i64;
        for installment in &self.schedule {
            let interest = installment.interest.to_cents()?;
            rest = rest.saturating_sub(interest);
            if rest <= 0 {
                break;
            }
            let share = rest.min(installment.principal.to_cents()?);
            principal = principal.saturating_add(share);
            rest = rest.saturating_sub(share);
        }
        Ok(principal)
    }

    /// Posts scheduled disbursement `number` (from 1) to the ledger on its date, as
    /// command `id`: for a credit-reform loan an [`Action::DisburseLoan`] from the
    /// financing account (which draws the subsidy's share from the program account and
    /// borrows the rest), otherwise an [`Action::Disburse`] of the agreement's
    /// obligation. When the loan funds a sales case, the case's draws on the loan
    /// document take the place of these postings: use one or the other (a case cannot
    /// draw on a credit-reform loan's subsidy obligation: the ledger refuses it).
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotObligated`], [`FinancingError::DisbursementPosted`];
    /// [`FinancingError::UnknownDisbursement`]; [`FinancingError::Ledger`],
    /// [`FinancingError::DuplicateLedgerCommand`].
    pub fn post_disbursement(
        &mut self,
        ledger: &mut Ledger,
        number: usize,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        let document = self.fields.agreement.document.clone();
        if self.fields.obligated_on.is_none() {
            return Err(FinancingError::NotObligated {
                kind: FinancingKind::DirectLoan,
                document,
            });
        }
        let count = self.fields.terms.disbursements.len();
        let index = number.checked_sub(1);
        let scheduled = index.and_then(|i| self.fields.terms.disbursements.get(i).copied());
        let posted = index.and_then(|i| self.fields.disbursements_posted.get(i).copied());
        let (Some(index), Some(disbursement), Some(posted)) = (index, scheduled, posted) else {
            return Err(FinancingError::UnknownDisbursement {
                document,
                number,
                count,
            });
        };
        if posted {
            return Err(FinancingError::DisbursementPosted { document, number });
        }
        let action = match self.fields.financing {
            Some(financing) => Action::DisburseLoan {
                financing,
                document,
                amount: disbursement.amount,
            },
            None => Action::Disburse {
                account: self.fields.agreement.account,
                document,
                amount: disbursement.amount,
            },
        };
        let receipt = post(ledger, id, disbursement.date, actor, action)?;
        if let Some(flag) = self.fields.disbursements_posted.get_mut(index) {
            *flag = true;
        }
        Ok(receipt)
    }

    /// What a sales case names to be funded by this loan.
    #[must_use]
    pub fn reference(&self) -> FinancingReference {
        let principal = self.fields.terms.principal;
        reference(
            &self.fields.agreement,
            FinancingKind::DirectLoan,
            principal,
            principal,
        )
    }
}

/// The schedule of `count` installments on checked `terms`.
fn build_schedule(terms: &LoanTerms, count: u32) -> Result<Vec<Installment>, FinancingError> {
    let n = terms.principal_installments;
    let level_principal = match terms.method {
        RepaymentMethod::LevelPrincipal => {
            ratio(terms.principal, 1, i128::from(n), terms.rounding)?
        }
        RepaymentMethod::LevelPayment => Money::ZERO,
    };
    let level_payment = match terms.method {
        RepaymentMethod::LevelPrincipal => Money::ZERO,
        RepaymentMethod::LevelPayment => {
            annuity(terms.principal, terms.annual_rate, n, terms.rounding)?
        }
    };
    let mut disbursements = terms.disbursements.iter().peekable();
    let mut balance = Money::ZERO; // principal disbursed and not repaid
    let mut cursor = terms
        .disbursements
        .first()
        .map(|d| d.date)
        .ok_or(FinancingError::NoDisbursements)?;
    let mut out = Vec::new();
    for k in 0..count {
        let due = terms.due(k)?;
        // Σ balance (cents) × days, over the sub-periods between disbursements: a
        // disbursement dated on or before the cursor joins the balance at once; one dated
        // inside the period splits it; one dated on the due date joins the next period.
        let mut weighted: i128 = 0;
        let mut days: i64 = 0;
        while let Some(d) = disbursements.next_if(|d| d.date <= cursor) {
            balance = balance.checked_add(d.amount)?;
        }
        while let Some(next) = disbursements.peek().map(|d| d.date).filter(|d| *d < due) {
            let span = terms.day_count.days_between(cursor, next);
            weighted = accrue(weighted, balance, span)?;
            days = days.saturating_add(span);
            cursor = next;
            while let Some(d) = disbursements.next_if(|d| d.date <= cursor) {
                balance = balance.checked_add(d.amount)?;
            }
        }
        let span = terms.day_count.days_between(cursor, due);
        weighted = accrue(weighted, balance, span)?;
        days = days.saturating_add(span);
        cursor = due;
        let interest = interest_of(weighted, terms)?;
        let repaying = k >= terms.grace_installments;
        let last = k.saturating_add(1) == count;
        let principal = if !repaying {
            Money::ZERO
        } else if last {
            balance
        } else {
            match terms.method {
                RepaymentMethod::LevelPrincipal => level_principal,
                RepaymentMethod::LevelPayment => {
                    level_payment.checked_sub(interest)?.max(Money::ZERO)
                }
            }
            .min(balance)
        };
        // None of the three can be negative, by construction (issue 17: no assertion that
        // input can reach): `balance` is a sum of positive disbursements (`LoanTerms::check`)
        // less principal never above it (`min(balance)`, or all of it on the last
        // installment); `principal` is zero, a share of a positive principal, or a payment
        // floored at zero; `interest` is a non-negative `Rate` (refused negative by
        // `Rate::from_percent`) on a non-negative balance over non-negative spans (the
        // cursor only moves forward: the first installment falls after the first
        // disbursement and disbursements are in date order, both checked).
        balance = balance.checked_sub(principal)?;
        out.push(Installment {
            number: k.saturating_add(1),
            due,
            interest_days: days,
            principal,
            interest,
            balance_after: balance,
        });
    }
    // Every disbursement joined the balance and the last installment took the rest, by
    // construction (issue 17: no assertion that input can reach): `LoanTerms::check`, run
    // by the only caller before this function, refuses a disbursement on or after the
    // first principal due date (`DisbursementAfterRepaymentStarts`), so each is dated
    // before the last due date and joins inside the loop; the last installment repays the
    // whole balance (it is a repaying one since `principal_installments` is at least 1).
    Ok(out)
}

/// `weighted + balance (cents) × days`.
fn accrue(weighted: i128, balance: Money, days: i64) -> Result<i128, FinancingError> {
    let overflow = || MoneyError::Overflow {
        operation: MoneyOperation::Multiply,
    };
    let cents = i128::from(balance.to_cents()?);
    cents
        .checked_mul(i128::from(days))
        .and_then(|v| weighted.checked_add(v))
        .ok_or_else(|| overflow().into())
}

/// Interest = Σ balance × days × rate ÷ (days in year × 100), rounded once, exactly.
fn interest_of(weighted_cents: i128, terms: &LoanTerms) -> Result<Money, FinancingError> {
    let percent = terms.annual_rate.percent();
    let overflow = || MoneyError::Overflow {
        operation: MoneyOperation::Multiply,
    };
    // percent = mantissa ÷ 10^scale, so the interest in cents is
    // weighted × mantissa ÷ (days in year × 100 × 10^scale).
    let denominator = 10i128
        .checked_pow(percent.scale())
        .and_then(|p| p.checked_mul(100))
        .and_then(|p| p.checked_mul(i128::from(terms.day_count.days_in_year())))
        .ok_or_else(overflow)?;
    let numerator = weighted_cents
        .checked_mul(percent.mantissa())
        .ok_or_else(overflow)?;
    Ok(ratio(
        Money::from_cents(1),
        numerator,
        denominator,
        terms.rounding,
    )?)
}

/// `amount × numerator ÷ denominator`, rounded to the cent with `rounding`, exactly.
fn ratio(
    amount: Money,
    numerator: i128,
    denominator: i128,
    rounding: Rounding,
) -> Result<Money, MoneyError> {
    amount.checked_mul_ratio(numerator, denominator, rounding)
}

/// A = P·r ÷ (1 − (1 + r)^−n) with r = annual percent ÷ 200, rounded with `rounding`.
fn annuity(
    principal: Money,
    rate: Rate,
    n: u32,
    rounding: Rounding,
) -> Result<Money, FinancingError> {
    let overflow = || MoneyError::Overflow {
        operation: MoneyOperation::Multiply,
    };
    let r = rate
        .percent()
        .checked_div(Decimal::from(200))
        .ok_or_else(overflow)?;
    if r.is_zero() {
        return Ok(ratio(principal, 1, i128::from(n), rounding)?);
    }
    let step = Decimal::ONE.checked_add(r).ok_or_else(overflow)?;
    let mut growth = Decimal::ONE;
    for _ in 0..n {
        growth = growth.checked_mul(step).ok_or_else(overflow)?;
    }
    // A = P·r·g ÷ (g − 1) with g = (1 + r)^n: the same value, one division fewer.
    let payment = principal
        .to_decimal()
        .checked_mul(r)
        .and_then(|v| v.checked_mul(growth))
        .and_then(|v| v.checked_div(growth.checked_sub(Decimal::ONE)?))
        .ok_or_else(overflow)?;
    Ok(Money::from_decimal(payment, rounding)?)
}

/// A guarantee of a private lender's loan to a partner (AECA 24): the guaranteed amount
/// and its subsidy cost (guaranteed × subsidy rate, rounded by a named rule). Only the
/// subsidy cost obligates budget authority ([`Instrument::LoanGuarantee`], 31 U.S.C.
/// 1501(a)(5), credit reform); the guaranteed loan itself is the lender's money.
///
/// ```
/// use security_assistance::programs::financing::{FinancingAgreement, LoanGuarantee};
/// use security_assistance::Rounding;
/// let agreement = FinancingAgreement::new("TU-G-1".parse()?, "011-2008/2009-1085".parse()?,
///     "DSCA".parse()?, "TUR".parse()?);
/// let g = LoanGuarantee::new(agreement, "Federal Financing Bank", "100000000".parse()?,
///     "6.25".parse()?, Rounding::HalfEven)?;
/// assert_eq!(g.subsidy_cost(), "6250000".parse()?);
/// assert_eq!(g.reference().obligated, "6250000".parse()?);
/// assert_eq!(g.reference().financing, "100000000".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanGuarantee {
    agreement: FinancingAgreement,
    lender: String,
    guaranteed: Money,
    subsidy_rate: Rate,
    rounding: Rounding,
    subsidy_cost: Money,
    obligated_on: Option<NaiveDate>,
}

impl LoanGuarantee {
    /// A guarantee under `agreement` of `guaranteed` lent by `lender`, with its subsidy
    /// cost at `subsidy_rate` of the guaranteed amount, rounded with `rounding`.
    ///
    /// # Errors
    ///
    /// [`FinancingError::NotPositive`] for a guaranteed amount or a subsidy cost of zero
    /// or less; [`FinancingError::SubsidyRateAbove100`].
    pub fn new(
        agreement: FinancingAgreement,
        lender: &str,
        guaranteed: Money,
        subsidy_rate: Rate,
        rounding: Rounding,
    ) -> Result<LoanGuarantee, FinancingError> {
        positive(AmountField::Guaranteed, guaranteed)?;
        if subsidy_rate.percent() > Decimal::ONE_HUNDRED {
            return Err(FinancingError::SubsidyRateAbove100 { rate: subsidy_rate });
        }
        let subsidy_cost = subsidy_rate.apply(guaranteed, rounding)?;
        positive(AmountField::SubsidyCost, subsidy_cost)?;
        Ok(LoanGuarantee {
            agreement,
            lender: lender.to_owned(),
            guaranteed,
            subsidy_rate,
            rounding,
            subsidy_cost,
            obligated_on: None,
        })
    }

    /// The subsidy cost: what obligates budget authority.
    #[must_use]
    pub fn subsidy_cost(&self) -> Money {
        self.subsidy_cost
    }

    /// The amount guaranteed.
    #[must_use]
    pub fn guaranteed(&self) -> Money {
        self.guaranteed
    }

    /// The subsidy rate.
    #[must_use]
    pub fn subsidy_rate(&self) -> Rate {
        self.subsidy_rate
    }

    /// The lender.
    #[must_use]
    pub fn lender(&self) -> &str {
        &self.lender
    }

    /// The agreement.
    #[must_use]
    pub fn agreement(&self) -> &FinancingAgreement {
        &self.agreement
    }

    /// The obligation date, once obligated.
    #[must_use]
    pub fn obligated_on(&self) -> Option<NaiveDate> {
        self.obligated_on
    }

    /// Obligates the subsidy cost on `date`, as command `id` by `actor`.
    ///
    /// # Errors
    ///
    /// [`FinancingError::AlreadyObligated`]; [`FinancingError::Ledger`],
    /// [`FinancingError::DuplicateLedgerCommand`]. Nothing changes on an error.
    pub fn obligate(
        &mut self,
        ledger: &mut Ledger,
        date: NaiveDate,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, FinancingError> {
        if self.obligated_on.is_some() {
            return Err(FinancingError::AlreadyObligated {
                kind: FinancingKind::LoanGuarantee,
                document: self.agreement.document.clone(),
            });
        }
        let action = self
            .agreement
            .obligate_action(FinancingKind::LoanGuarantee, self.subsidy_cost);
        let receipt = post(ledger, id, date, actor, action)?;
        self.obligated_on = Some(date);
        Ok(receipt)
    }

    /// The guarantee's reference: the subsidy obligated, the guaranteed amount financed.
    #[must_use]
    pub fn reference(&self) -> FinancingReference {
        reference(
            &self.agreement,
            FinancingKind::LoanGuarantee,
            self.subsidy_cost,
            self.guaranteed,
        )
    }
}

impl<'de> Deserialize<'de> for LoanGuarantee {
    /// Reads the guarantee and recomputes its subsidy cost.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<LoanGuarantee, D::Error> {
        use serde::de::Error;
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Fields {
            agreement: FinancingAgreement,
            lender: String,
            guaranteed: Money,
            subsidy_rate: Rate,
            rounding: Rounding,
            subsidy_cost: Money,
            #[serde(default)]
            #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize_option")]
            obligated_on: Option<NaiveDate>,
        }
        let f = Fields::deserialize(deserializer)?;
        let mut g = LoanGuarantee::new(
            f.agreement,
            &f.lender,
            f.guaranteed,
            f.subsidy_rate,
            f.rounding,
        )
        .map_err(D::Error::custom)?;
        if g.subsidy_cost != f.subsidy_cost {
            return Err(D::Error::custom(format!(
                "subsidy cost {} is not {}% of {}, {}",
                f.subsidy_cost, f.subsidy_rate, f.guaranteed, g.subsidy_cost
            )));
        }
        g.obligated_on = f.obligated_on;
        Ok(g)
    }
}

fn reference(
    agreement: &FinancingAgreement,
    kind: FinancingKind,
    obligated: Money,
    financing: Money,
) -> FinancingReference {
    FinancingReference {
        kind,
        document: agreement.document.clone(),
        account: agreement.account,
        partner: agreement.partner(),
        obligated,
        financing,
    }
}

/// What the ledger holds obligated on the agreement's document and not yet disbursed;
/// zero if nothing is obligated.
fn undrawn(agreement: &FinancingAgreement, ledger: &Ledger) -> Result<Money, FinancingError> {
    match ledger.obligation(&agreement.account, &agreement.document) {
        Some(balance) => Ok(balance.obligated.checked_sub(balance.disbursed)?),
        None => Ok(Money::ZERO),
    }
}

/// Applies one command; a duplicate id is an error rather than a silent no-op.
fn post(
    ledger: &mut Ledger,
    id: CommandId,
    date: NaiveDate,
    actor: Actor,
    action: Action,
) -> Result<Receipt, FinancingError> {
    super::post(ledger, Command::new(id, date, actor, action))
}

fn positive(field: AmountField, amount: Money) -> Result<(), FinancingError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(FinancingError::NotPositive { field, amount })
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests;

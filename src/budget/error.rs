//! Why the ledger refused a command.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::command::AllocationKey;
use super::delegation::AuthorityError;
use super::ids::{AccountSymbol, Actor, CommandId, DocumentId, FundsHolder};
use crate::eligibility::Decision;
use crate::fiscal::{AccountStatus, Availability};
use crate::law::{Citation, usc31};
use crate::money::{Money, MoneyError};
use crate::purpose::ProgramKind;

/// Why a batch ([`Ledger::check_all`](super::Ledger::check_all),
/// [`Ledger::apply_all`](super::Ledger::apply_all)) was refused: the first command refused,
/// its place in the batch, and why ([`std::error::Error::source`]). Nothing of the batch
/// was applied.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "BatchError", transform = crate::schema::batch_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
#[error("command {command} (number {index} of the batch, from 0) was refused")]
pub struct BatchError {
    /// The place of the refused command in the batch, from 0.
    pub index: usize,
    /// Its id.
    pub command: CommandId,
    /// Why it was refused.
    #[source]
    pub error: BudgetError,
}

crate::wire::wire_struct!(BatchError, "batch_refused");

/// A level of funds control at which an amount can run out.
///
/// The first six are the levels of the Anti-Deficiency Act and the agency's administrative
/// control of funds (31 U.S.C. 1341, 1517); the others guard the life of an obligation.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Level {
    /// The appropriation's budget authority not yet apportioned.
    Appropriation,
    /// The apportionment not yet allotted (or, for Category B, not yet allocated).
    Apportionment,
    /// The allotment not yet allocated.
    Allotment,
    /// The allocation neither committed nor obligated.
    Allocation,
    /// What remains of a commitment.
    Commitment,
    /// What remains unpaid on an obligation.
    Obligation,
    /// What has been paid on an obligation (the most a refund can return).
    Disbursement,
    /// The 1 percent of a current account's appropriations that may absorb charges from
    /// cancelled accounts (31 U.S.C. 1553(b)(2)).
    ChargeToCurrentLimit,
    /// What a cancelled account could still have paid for a document when it closed: the
    /// document's unliquidated balance, plus the account's unobligated balance for any
    /// upward adjustment beyond it (31 U.S.C. 1553(b)(1), "both as to purpose and in
    /// amount").
    ClosedAccountBalance,
    /// What remains collected on a collection document (the most a
    /// [`Action::ReverseCollection`](super::Action::ReverseCollection) can take back):
    /// collections never go negative.
    Collection,
    /// The principal of a credit-reform loan not yet disbursed (the most an
    /// [`Action::DisburseLoan`](super::Action::DisburseLoan) can disburse).
    LoanPrincipal,
    /// The principal of a credit-reform loan disbursed and not yet repaid (the most an
    /// [`Action::CollectLoan`](super::Action::CollectLoan) can collect as principal).
    LoanReceivable,
    /// What a financing account's cohort owes the Treasury (the most an
    /// [`Action::RepayTreasury`](super::Action::RepayTreasury) can repay).
    FinancingDebt,
    /// The cash (fund balance with the Treasury) of a financing account's cohort: a
    /// financing account pays nothing it does not hold.
    FinancingCash,
    /// The guaranteed principal a lender disbursed and no default claim has yet been paid
    /// on (the most an [`Action::PayDefaultClaim`](super::Action::PayDefaultClaim) can pay).
    GuaranteeOutstanding,
}

impl Level {
    /// The law that the level enforces.
    #[must_use]
    pub fn citation(self) -> Citation {
        match self {
            Level::Appropriation | Level::Obligation | Level::Disbursement => usc31::ADA_AMOUNT,
            Level::Apportionment | Level::Allotment | Level::Allocation | Level::Commitment => {
                usc31::ADA_SUBDIVISION
            }
            Level::ChargeToCurrentLimit | Level::ClosedAccountBalance => usc31::CHARGE_TO_CURRENT,
            Level::Collection => usc31::GROSS_DEPOSIT,
            Level::LoanPrincipal
            | Level::LoanReceivable
            | Level::FinancingDebt
            | Level::FinancingCash
            | Level::GuaranteeOutstanding => crate::budget::credit::FINANCING_ACCOUNTS,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Appropriation => "appropriation",
            Level::Apportionment => "apportionment",
            Level::Allotment => "allotment",
            Level::Allocation => "allocation",
            Level::Commitment => "commitment",
            Level::Obligation => "obligation",
            Level::Disbursement => "disbursement",
            Level::ChargeToCurrentLimit => "charge-to-current limit",
            Level::ClosedAccountBalance => "cancelled-account balance",
            Level::Collection => "collection",
            Level::LoanPrincipal => "loan principal",
            Level::LoanReceivable => "loan receivable",
            Level::FinancingDebt => "financing-account debt",
            Level::FinancingCash => "financing-account cash",
            Level::GuaranteeOutstanding => "guaranteed principal outstanding",
        })
    }
}

/// What is wrong with the shape of a command, before anything is looked up.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum ShapeError {
    /// An amount that must be positive was zero or negative.
    NotPositive {
        /// The amount given.
        amount: Money,
    },
    /// A signed amount was zero.
    Zero,
    /// An appropriation named no purposes.
    NoPurposes,
    /// A required text (title, law, authority) was empty.
    EmptyText {
        /// Which field.
        field: String,
    },
    /// A transfer, reprogramming or charge named the same source and destination.
    SameSourceAndDestination,
    /// A reprogramming named allocations of two funds holders; it stays within one
    /// holder's allotment (withdraw and re-allot to move funds between holders).
    DifferentHolders,
    /// A [`Action::CollectEarned`](super::Action::CollectEarned) names a day earned after
    /// the day collected.
    EarnedAfterCollection {
        /// The day the reimbursement was said to be earned.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earned: NaiveDate,
        /// The day it was collected (the command's date).
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        collected: NaiveDate,
    },
    /// A subsidy rate above 100 percent of the principal.
    RateAbove100 {
        /// The rate given.
        rate: crate::money::Rate,
    },
    /// A loan collection or a repayment to the Treasury of zero principal and zero
    /// interest.
    NothingPaid,
    /// The date lies outside the supported fiscal years.
    DateOutOfRange {
        /// The date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A reprogramming names a notice to the Congress dated after the command: notice
    /// comes first (FAA section 634A, 22 U.S.C. 2394-1).
    NoticeAfterCommand {
        /// The day of the notice.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        notified: NaiveDate,
        /// The command's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A continuing resolution ends before the start of its fiscal year or after its end.
    ResolutionOutsideYear {
        /// The resolution's last day.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        through: NaiveDate,
    },
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::NotPositive { amount } => {
                write!(f, "amount {amount} must be greater than zero")
            }
            ShapeError::Zero => f.write_str("amount must not be zero"),
            ShapeError::NoPurposes => f.write_str("an appropriation must name at least one purpose"),
            ShapeError::EmptyText { field } => write!(f, "{field} must not be empty"),
            ShapeError::SameSourceAndDestination => {
                f.write_str("source and destination must differ")
            }
            ShapeError::EarnedAfterCollection { earned, collected } => write!(
                f,
                "earned {earned} is after the collection of {collected}: a reimbursement is collected on or after the day it is earned"
            ),
            ShapeError::RateAbove100 { rate } => write!(
                f,
                "subsidy rate {rate}% is above 100%: a subsidy cost is at most the principal"
            ),
            ShapeError::NothingPaid => {
                f.write_str("principal and interest are both zero: at least one must be positive")
            }
            ShapeError::DateOutOfRange { date } => write!(
                f,
                "date {date} is outside the supported fiscal years FY1800 through FY9999"
            ),
            ShapeError::DifferentHolders => f.write_str(
                "a reprogramming stays within one funds holder: withdraw and re-allot to move funds between holders",
            ),
            ShapeError::NoticeAfterCommand { notified, date } => write!(
                f,
                "notice given {notified} is after the command of {date}: the committees are notified before the reprogramming"
            ),
            ShapeError::ResolutionOutsideYear { through } => write!(
                f,
                "resolution through {through} must end within the account's first fiscal year"
            ),
        }
    }
}

/// What credit reform refuses ([`BudgetError::Credit`]).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "problem")]
#[non_exhaustive]
pub enum CreditProblem {
    /// The account is not a financing account.
    NotFinancingAccount,
    /// The account is a financing account: non-budgetary, it takes only the credit-reform
    /// commands (`disburse_loan`, `collect_loan`, `repay_treasury`, the reestimates, and for
    /// guarantees `collect_guarantee_fee` and `pay_default_claim`).
    NonBudgetary {
        /// The action refused.
        action: String,
    },
    /// The account is already tied to a financing account, or is one.
    AlreadyLinked {
        /// The financing account it is tied to (itself, for a financing account).
        financing: AccountSymbol,
    },
    /// The financing account has no loan obligated in the cohort.
    UnknownCohort {
        /// The cohort named.
        cohort: crate::fiscal::FiscalYear,
    },
    /// The financing account finances another program account.
    WrongProgram {
        /// The program account the financing account finances.
        program: AccountSymbol,
    },
    /// Guarantee fees and default claims belong to a loan guarantee financing account;
    /// this one finances direct loans.
    NotGuarantee,
    /// The financing account finances another kind of credit than the command names.
    WrongKind {
        /// What the financing account finances.
        kind: crate::budget::credit::CreditKind,
    },
    /// A direct loan in a credit program account obligates its subsidy cost, not its
    /// principal, and its subsidy is paid only as the loan disburses: use
    /// `obligate_loan` (`DirectLoan::obligate`) and `disburse_loan`.
    UseCreditReform {
        /// The action refused.
        action: String,
        /// The document.
        document: DocumentId,
        /// The financing account of the program.
        financing: AccountSymbol,
    },
}

impl fmt::Display for CreditProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CreditProblem::NotFinancingAccount => {
                f.write_str("not a financing account: open one with open_financing_account")
            }
            CreditProblem::NonBudgetary { action } => write!(
                f,
                "{action} is refused in a non-budgetary financing account: it takes disburse_loan, collect_loan, repay_treasury, reestimates and, for guarantees, collect_guarantee_fee and pay_default_claim only"
            ),
            CreditProblem::AlreadyLinked { financing } => {
                write!(f, "already tied to financing account {financing}")
            }
            CreditProblem::UnknownCohort { cohort } => {
                write!(f, "no loan was obligated in cohort {cohort}")
            }
            CreditProblem::NotGuarantee => f.write_str(
                "a direct loan financing account: guarantee fees and default claims go to a loan guarantee financing account",
            ),
            CreditProblem::WrongKind { kind } => write!(
                f,
                "the financing account finances {}: open it with that kind",
                match kind {
                    crate::budget::credit::CreditKind::DirectLoan => "direct loans",
                    crate::budget::credit::CreditKind::LoanGuarantee => "loan guarantees",
                }
            ),
            CreditProblem::WrongProgram { program } => {
                write!(
                    f,
                    "the financing account finances program account {program}"
                )
            }
            CreditProblem::UseCreditReform {
                action,
                document,
                financing,
            } => write!(
                f,
                "{action} of direct loan {document} is refused in a credit program account: obligate its subsidy cost with obligate_loan and disburse it with disburse_loan through financing account {financing}"
            ),
        }
    }
}

/// Why a ledger refused a command, or a journal could not be replayed.
///
/// # Precedence
///
/// A command is checked in one fixed order, and the first failure is returned:
///
/// 1. identity and idempotency: [`BudgetError::CommandConflict`],
///    [`BudgetError::RecordedOutOfOrder`];
/// 2. shape: [`BudgetError::Shape`]; then, under delegated authority, authority:
///    [`BudgetError::Unauthorized`] (same rank: both are about the command as issued,
///    before the state of its accounts is consulted);
/// 3. existence: [`BudgetError::UnknownAccount`], [`BudgetError::AccountExists`],
///    [`BudgetError::UnknownAllotment`], [`BudgetError::UnknownAllocation`],
///    [`BudgetError::UnknownCommitment`], [`BudgetError::UnknownObligation`],
///    [`BudgetError::UnknownCollection`],
///    [`BudgetError::DocumentExists`], [`BudgetError::ApportionmentMixed`],
///    [`BudgetError::Credit`];
/// 4. time: [`BudgetError::NotAvailable`], [`BudgetError::BeforeEnactment`];
/// 5. purpose: [`BudgetError::Purpose`];
/// 6. amount: [`BudgetError::Exceeds`]; then, for a reprogramming, the amount justified
///    to the Congress (FAA section 634A): [`BudgetError::NoticeRequired`],
///    [`BudgetError::ReviewPeriodRunning`];
/// 7. eligibility: [`BudgetError::Ineligible`].
///
/// A backdated command that would make a later entry invalid is refused with
/// [`BudgetError::BreaksLaterEntry`]. Replaying a journal reports
/// [`BudgetError::Journal`].
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "BudgetError", transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum BudgetError {
    /// A command with this id was already applied with different content.
    #[error("command {id} was already applied with a different {field}")]
    CommandConflict {
        /// The id.
        id: CommandId,
        /// The first field that differs, such as `date` or `action.amount`.
        field: String,
    },
    /// The recorded date is before the last recorded date: the recording clock never goes
    /// back.
    #[error("command recorded on {recorded} is before the ledger's last recorded date {latest}")]
    RecordedOutOfOrder {
        /// The command's recorded date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        recorded: NaiveDate,
        /// The ledger's last recorded date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        latest: NaiveDate,
    },
    /// The command is malformed.
    #[error("malformed {action} command: {problem}")]
    Shape {
        /// The action's type.
        action: String,
        /// What is wrong.
        problem: ShapeError,
    },
    /// No account with this symbol has been appropriated.
    #[error("account {account} does not exist: appropriate it first")]
    UnknownAccount {
        /// The symbol.
        account: AccountSymbol,
    },
    /// An account already exists with different purposes.
    #[error("account {account} already exists with purposes {existing:?}")]
    AccountExists {
        /// The symbol.
        account: AccountSymbol,
        /// Its purposes.
        existing: Vec<ProgramKind>,
    },
    /// The funds holder has no allotment in the account.
    #[error("funds holder {holder} has no allotment in account {account}")]
    UnknownAllotment {
        /// The account.
        account: AccountSymbol,
        /// The funds holder.
        holder: FundsHolder,
    },
    /// No allocation exists with this key.
    #[error("no allocation for {} of {} under {} in account {account}", key.program, partner_text(key), key.holder)]
    UnknownAllocation {
        /// The account.
        account: AccountSymbol,
        /// The allocation key.
        key: AllocationKey,
    },
    /// No commitment exists for the document.
    #[error("no commitment for document {document} in account {account}")]
    UnknownCommitment {
        /// The account.
        account: AccountSymbol,
        /// The document.
        document: DocumentId,
    },
    /// No collection was recorded for the document in the account.
    #[error("no collection for document {document} in account {account}")]
    UnknownCollection {
        /// The account.
        account: AccountSymbol,
        /// The document.
        document: DocumentId,
    },
    /// No obligation exists for the document.
    #[error("no obligation for document {document} in account {account}")]
    UnknownObligation {
        /// The account.
        account: AccountSymbol,
        /// The document.
        document: DocumentId,
    },
    /// An obligation or commitment for the document already exists.
    #[error("document {document} already has {what} in account {account}")]
    DocumentExists {
        /// The account.
        account: AccountSymbol,
        /// The document.
        document: DocumentId,
        /// "an obligation" or "a commitment".
        what: String,
    },
    /// The account is apportioned by period and the command apportions by program, or the
    /// reverse.
    #[error(
        "account {account} is already apportioned by {existing}: one account uses one category"
    )]
    ApportionmentMixed {
        /// The account.
        account: AccountSymbol,
        /// "period" or "program".
        existing: String,
    },
    /// The account is not available for this action on this date.
    #[error("{action} on {date} is not allowed in account {account} ({period}), which is {status} that day ({})", time_law(action, *status))]
    NotAvailable {
        /// The action's type.
        action: String,
        /// The account.
        account: AccountSymbol,
        /// Its period of availability.
        period: Availability,
        /// Its status on the date.
        status: AccountStatus,
        /// The date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The date is before the account's appropriation was enacted.
    #[error(
        "{action} on {date} is before account {account} was enacted on {enacted} ({})",
        usc31::ADA_ADVANCE
    )]
    BeforeEnactment {
        /// The action's type.
        action: String,
        /// The account.
        account: AccountSymbol,
        /// The date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The enactment date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        enacted: NaiveDate,
    },
    /// The program is not among the account's purposes.
    #[error(
        "account {account} may not fund {program}: its purposes are {} ({})",
        list(allowed),
        usc31::PURPOSE
    )]
    Purpose {
        /// The account.
        account: AccountSymbol,
        /// The program asked for.
        program: ProgramKind,
        /// The purposes allowed.
        allowed: Vec<ProgramKind>,
    },
    /// The amount exceeds what is available at a level.
    #[error("{requested} exceeds the {available} available at the {level} level of account {account} ({})", level.citation())]
    Exceeds {
        /// The level breached first.
        level: Level,
        /// The account.
        account: AccountSymbol,
        /// The amount requested.
        requested: Money,
        /// The amount available at that level.
        available: Money,
    },
    /// A reprogramming the Congress must be notified of first (FAA section 634A, 22
    /// U.S.C. 2394-1; see [`Action::Justify`](super::Action::Justify)) names no notice:
    /// the notice says why it is needed, to whom, and the day its review would end if
    /// given on the command's date.
    #[error(
        "reprogramming to {program} for {} in account {account} needs notice under {} first ({}): notified on the command's date, the {}-day review would end on {}",
        partner_or_activity(*partner),
        notice.citation,
        notice.reasons.join("; "),
        notice.review_days,
        notice.earliest
    )]
    NoticeRequired {
        /// The account.
        account: AccountSymbol,
        /// The receiving program.
        program: ProgramKind,
        /// The receiving country, if any.
        partner: Option<crate::partner::CountryCode>,
        /// The notice needed, as assessed on the command's date.
        notice: Box<crate::notification::Notification>,
    },
    /// A reprogramming names a notice whose review period has not run on the command's
    /// date (FAA section 634A: notified fifteen days in advance).
    #[error(
        "reprogramming to {program} for {} in account {account} was notified under {} on {notified}: the {}-day review runs to {}, after the command's date",
        partner_or_activity(*partner),
        notice.citation,
        notice.review_days,
        notice.earliest
    )]
    ReviewPeriodRunning {
        /// The account.
        account: AccountSymbol,
        /// The receiving program.
        program: ProgramKind,
        /// The receiving country, if any.
        partner: Option<crate::partner::CountryCode>,
        /// The day the committees were notified.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        notified: NaiveDate,
        /// The notice as assessed on the day it was given: its `earliest` is the first day
        /// the reprogramming may take effect.
        notice: Box<crate::notification::Notification>,
    },
    /// The partner is ineligible on the date; the decision says why.
    #[error("refused by the eligibility gate: {decision}")]
    Ineligible {
        /// The decision, with its findings.
        decision: Box<Decision>,
    },
    /// The eligibility check answered a request other than the one it was asked (a fault
    /// of the check, not of the command): nothing is applied, since the journal could not
    /// be replayed with that decision.
    #[error(
        "the eligibility check answered another request than the one asked, about {partner} for {program} on {date}"
    )]
    WrongAnswer {
        /// The partner asked about.
        partner: crate::partner::CountryCode,
        /// The program asked about.
        program: ProgramKind,
        /// The date asked about.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// A backdated command would make a later journal entry invalid.
    #[error("backdated command would invalidate later command {later}")]
    BreaksLaterEntry {
        /// The later command.
        later: CommandId,
        /// What would go wrong with it.
        source: Box<BudgetError>,
    },
    /// The command would take the resources of the ledger's accounts together
    /// (appropriations, transfers in and collections) beyond the largest amount money
    /// holds, after which no report could total them.
    #[error(
        "{requested} of new resources in account {account} would take the ledger's total resources beyond the largest amount money holds: {room} remain"
    )]
    ResourcesOutOfRange {
        /// The account the resources would be added to.
        account: AccountSymbol,
        /// The resources the command would add.
        requested: Money,
        /// What may still be added to the ledger's resources.
        room: Money,
    },
    /// The ledger has given out its last sequence number (`u64::MAX - 1`): no further
    /// command can be recorded.
    #[error(
        "the ledger has recorded its last sequence number {last}: no further command can be recorded"
    )]
    SequenceExhausted {
        /// The last sequence number given out.
        last: u64,
    },
    /// Under delegated authority ([`Policy::Delegated`](super::Policy::Delegated)) the
    /// command's actor, certifying officer or second approver lacks the authority the
    /// command needs, or a delegation or revocation is not one its actor may make; the
    /// problem names what was missing, and [`BudgetError::citation`] the provision (31
    /// U.S.C. 1514(a), 1517(a)(2), 3325(a)(1), 3528(a), or GAO-14-704G principle 10).
    #[error("{action} by {actor} is refused: {problem} ({})", problem.citation())]
    Unauthorized {
        /// The action's type.
        action: String,
        /// The command's actor.
        actor: Actor,
        /// What authority is missing.
        problem: Box<AuthorityError>,
    },
    /// A command that credit reform does not allow on this account (2 U.S.C. 661c): the
    /// problem names what was wrong and the command to use instead.
    #[error("{problem} (account {account}; 2 U.S.C. 661c)")]
    Credit {
        /// The account.
        account: AccountSymbol,
        /// What was wrong.
        problem: CreditProblem,
    },
    /// Arithmetic left the range of money.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
    /// A journal could not be replayed.
    #[error("journal entry {position} cannot be replayed")]
    Journal {
        /// The zero-based position of the entry.
        position: usize,
        /// What is wrong with it, also its [`std::error::Error::source`] (which downcasts as
        /// `Box<JournalProblem>`).
        #[source]
        problem: Box<JournalProblem>,
    },
}

crate::wire::wire_serde!(BudgetError);

impl crate::wire::ErrorCode for BudgetError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, BudgetError::serialize)
    }
    fn citation(&self) -> Option<crate::law::Citation> {
        BudgetError::citation(self)
    }
    fn precedence(&self) -> u8 {
        BudgetError::precedence(self)
    }
}

/// What is wrong with a journal entry found by [`Ledger::replay`](super::Ledger::replay).
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "JournalProblem", transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum JournalProblem {
    /// Entries are not in (effective date, sequence) order.
    #[error(
        "out of order: entry (date {date}, sequence {sequence}) follows (date {previous_date}, sequence {previous_sequence})"
    )]
    OutOfOrder {
        /// This entry's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// This entry's sequence.
        sequence: u64,
        /// The previous entry's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        previous_date: NaiveDate,
        /// The previous entry's sequence.
        previous_sequence: u64,
    },
    /// The entry's command is refused when applied in order: the journal is corrupt or
    /// unbalanced.
    #[error("its command is refused when applied in order")]
    Rejected(#[source] BudgetError),
    /// An entry that needs an eligibility decision has none, or one that did not allow it,
    /// or one about another partner, program or date.
    #[error("the entry carries no decision that allows it")]
    MissingDecision,
    /// The entry repeats the sequence number of an earlier entry: a ledger gives each
    /// command its own sequence, so no journal it writes repeats one.
    #[error("sequence {sequence} is already the sequence of the entry at position {first}")]
    RepeatedSequence {
        /// The repeated sequence number.
        sequence: u64,
        /// The position of the earlier entry (journal order) with that sequence.
        first: usize,
    },
}

crate::wire::wire_error!(JournalProblem);

/// The law behind a refusal for time: 1502(a) before the period, 1553(a) after it,
/// 1552(a) once cancelled, and 1553(b) for a charge to a current account.
fn time_law(action: &str, status: AccountStatus) -> Citation {
    match status {
        _ if action == "charge_to_current" => usc31::CHARGE_TO_CURRENT,
        AccountStatus::NotYetAvailable | AccountStatus::Unexpired => usc31::BONA_FIDE,
        AccountStatus::Expired => usc31::EXPIRED,
        AccountStatus::Cancelled => usc31::CLOSING,
    }
}

fn partner_text(key: &AllocationKey) -> String {
    key.partner
        .map_or_else(|| "no single partner".to_owned(), |p| p.to_string())
}

fn partner_or_activity(partner: Option<crate::partner::CountryCode>) -> String {
    partner.map_or_else(|| "the activity".to_owned(), |p| p.to_string())
}

fn list(kinds: &[ProgramKind]) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl BudgetError {
    /// The rank of the error in the checking precedence (1 = identity … 7 = eligibility);
    /// replay and arithmetic errors rank 0.
    #[must_use]
    pub fn precedence(&self) -> u8 {
        match self {
            BudgetError::CommandConflict { .. } | BudgetError::RecordedOutOfOrder { .. } => 1,
            BudgetError::Shape { .. } | BudgetError::Unauthorized { .. } => 2,
            BudgetError::UnknownAccount { .. }
            | BudgetError::AccountExists { .. }
            | BudgetError::UnknownAllotment { .. }
            | BudgetError::UnknownAllocation { .. }
            | BudgetError::UnknownCommitment { .. }
            | BudgetError::UnknownCollection { .. }
            | BudgetError::UnknownObligation { .. }
            | BudgetError::DocumentExists { .. }
            | BudgetError::ApportionmentMixed { .. }
            | BudgetError::Credit { .. } => 3,
            BudgetError::NotAvailable { .. } | BudgetError::BeforeEnactment { .. } => 4,
            BudgetError::Purpose { .. } => 5,
            BudgetError::Exceeds { .. }
            | BudgetError::ResourcesOutOfRange { .. }
            | BudgetError::NoticeRequired { .. }
            | BudgetError::ReviewPeriodRunning { .. } => 6,
            BudgetError::Ineligible { .. } | BudgetError::WrongAnswer { .. } => 7,
            BudgetError::BreaksLaterEntry { source, .. } => source.precedence(),
            BudgetError::Money(_)
            | BudgetError::Journal { .. }
            | BudgetError::SequenceExhausted { .. } => 0,
        }
    }

    /// The law the command would break, when the error is a legal one.
    ///
    /// ```
    /// use security_assistance::budget::{BudgetError, Level};
    /// let err = BudgetError::Exceeds {
    ///     level: Level::Allotment,
    ///     account: "011-2008-1081".parse()?,
    ///     requested: "10".parse()?,
    ///     available: "5".parse()?,
    /// };
    /// assert_eq!(err.citation().map(|c| c.to_string()).as_deref(), Some("31 U.S.C. 1517(a)"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn citation(&self) -> Option<Citation> {
        match self {
            BudgetError::NotAvailable { action, status, .. } => Some(time_law(action, *status)),
            BudgetError::BeforeEnactment { .. } => Some(usc31::ADA_ADVANCE),
            BudgetError::Purpose { .. } => Some(usc31::PURPOSE),
            BudgetError::Exceeds { level, .. } => Some(level.citation()),
            BudgetError::BreaksLaterEntry { source, .. } => source.citation(),
            BudgetError::Unauthorized { problem, .. } => Some(problem.citation()),
            BudgetError::Credit { .. } => Some(crate::budget::credit::CREDIT_BUDGETING),
            BudgetError::NoticeRequired { notice, .. }
            | BudgetError::ReviewPeriodRunning { notice, .. } => Some(notice.citation.clone()),
            BudgetError::CommandConflict { .. }
            | BudgetError::RecordedOutOfOrder { .. }
            | BudgetError::Shape { .. }
            | BudgetError::UnknownAccount { .. }
            | BudgetError::AccountExists { .. }
            | BudgetError::UnknownAllotment { .. }
            | BudgetError::UnknownAllocation { .. }
            | BudgetError::UnknownCommitment { .. }
            | BudgetError::UnknownCollection { .. }
            | BudgetError::UnknownObligation { .. }
            | BudgetError::DocumentExists { .. }
            | BudgetError::ApportionmentMixed { .. }
            | BudgetError::Ineligible { .. }
            | BudgetError::WrongAnswer { .. }
            | BudgetError::ResourcesOutOfRange { .. }
            | BudgetError::SequenceExhausted { .. }
            | BudgetError::Money(_)
            | BudgetError::Journal { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_error_says_what_was_wrong() {
        let amount: Money = "-5".parse().unwrap();
        assert_eq!(
            ShapeError::NotPositive { amount }.to_string(),
            "amount -$5.00 must be greater than zero"
        );
        assert_eq!(
            ShapeError::SameSourceAndDestination.to_string(),
            "source and destination must differ"
        );
    }

    #[test]
    fn messages_name_the_partner_or_say_there_is_none_and_list_the_purposes() {
        let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
        let unknown = |partner: Option<&str>| BudgetError::UnknownAllocation {
            account,
            key: AllocationKey::new(
                "DSCA".parse().unwrap(),
                ProgramKind::Training,
                partner.map(|p| p.parse().unwrap()),
            ),
        };
        assert_eq!(
            unknown(Some("JOR")).to_string(),
            "no allocation for training of JOR under DSCA in account 011-2008/2009-1082"
        );
        assert_eq!(
            unknown(None).to_string(),
            "no allocation for training of no single partner under DSCA in account 011-2008/2009-1082"
        );
        let purpose = BudgetError::Purpose {
            account,
            program: ProgramKind::Sales,
            allowed: vec![ProgramKind::Training, ProgramKind::Financing],
        };
        assert!(
            purpose
                .to_string()
                .starts_with("account 011-2008/2009-1082 may not fund sales: its purposes are training, financing ("),
            "{purpose}"
        );
    }
}

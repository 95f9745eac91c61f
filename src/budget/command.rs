//! The commands a ledger applies: the vocabulary of budget execution.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::direct_reimbursable::DirectOrReimbursable;
use super::ids::{AccountSymbol, Actor, CommandId, DocumentId, FundsHolder};
use super::journal::{Compact, Reader, Symbols};
use super::object_class::ObjectClass;
use crate::fiscal::FiscalYear;
use crate::money::{Money, Rate, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// One instruction to the [`Ledger`](super::Ledger): who issued it, when it takes effect,
/// when it was recorded, and what it does.
///
/// The two dates are the ledger's two clocks: `date` is when the action takes effect in law
/// (the obligation date, the enactment date), `recorded` is when the ledger learned of it.
/// Recorded dates never go backwards; effective dates may, for a correction entered late.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command};
/// let date = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let command = Command::new(
///     "APPN-1".parse()?,
///     date,
///     "treasury".parse()?,
///     Action::Rescind {
///         account: "011-2008-1081".parse()?,
///         amount: "1000".parse()?,
///         law: "P.L. 110-161 sec. 699K".into(),
///     },
/// );
/// assert_eq!(command.recorded, date);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Command {
    /// The caller-chosen id; applying the same id twice applies it once.
    pub id: CommandId,
    /// The date the action takes effect.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The date the action was recorded (the second clock).
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub recorded: NaiveDate,
    /// Who issued the command.
    pub actor: Actor,
    /// What the command does.
    pub action: Action,
    /// The certifying officer who certified the voucher a disbursement pays (31 U.S.C.
    /// 3325(a)(1), 3528): required on a [`Action::Disburse`] under
    /// [`Policy::Delegated`](super::Policy::Delegated), ignored otherwise. Optional on the
    /// wire and left out when absent, so journals written before it still read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certifying_officer: Option<Actor>,
    /// The approving official who approved an obligation above the policy's second-approval
    /// threshold (GAO-14-704G principle 10, segregation of duties): required on such an
    /// [`Action::Obligate`] under [`Policy::Delegated`](super::Policy::Delegated), ignored
    /// otherwise. Optional on the wire and left out when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_approver: Option<Actor>,
}

impl Command {
    /// A command recorded on the day it takes effect.
    #[must_use]
    pub fn new(id: CommandId, date: NaiveDate, actor: Actor, action: Action) -> Self {
        Command {
            id,
            date,
            recorded: date,
            actor,
            action,
            certifying_officer: None,
            second_approver: None,
        }
    }

    /// The same command naming `officer` as the certifying officer of its voucher.
    #[must_use]
    pub fn certified_by(mut self, officer: Actor) -> Self {
        self.certifying_officer = Some(officer);
        self
    }

    /// The same command naming `approver` as its second approver.
    #[must_use]
    pub fn approved_by(mut self, approver: Actor) -> Self {
        self.second_approver = Some(approver);
        self
    }

    /// The same command recorded on `recorded`.
    #[must_use]
    pub fn recorded_on(mut self, recorded: NaiveDate) -> Self {
        self.recorded = recorded;
        self
    }

    /// The name of the first field in which `self` and `other` differ, if any, in the order
    /// `id`, `date`, `recorded`, `actor`, the action's type and fields, then
    /// `certifying_officer` and `second_approver`.
    #[must_use]
    pub fn first_difference(&self, other: &Command) -> Option<String> {
        if self.id != other.id {
            return Some("id".to_owned());
        }
        if self.date != other.date {
            return Some("date".to_owned());
        }
        if self.recorded != other.recorded {
            return Some("recorded".to_owned());
        }
        if self.actor != other.actor {
            return Some("actor".to_owned());
        }
        if let Some(field) = self.action.first_difference(&other.action) {
            return Some(field);
        }
        if self.certifying_officer != other.certifying_officer {
            return Some("certifying_officer".to_owned());
        }
        (self.second_approver != other.second_approver).then(|| "second_approver".to_owned())
    }
}

/// Where an allocation sits below an allotment: the funds holder, the program kind and the
/// partner country (none for regional, global or administrative uses).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct AllocationKey {
    /// The funds holder whose allotment is subdivided.
    pub holder: FundsHolder,
    /// The program kind the money is for; it must be one of the account's purposes.
    pub program: ProgramKind,
    /// The partner country, if the allocation is for one.
    pub partner: Option<CountryCode>,
}

impl AllocationKey {
    /// A key for `program` under `holder`, for `partner` if given.
    #[must_use]
    pub fn new(holder: FundsHolder, program: ProgramKind, partner: Option<CountryCode>) -> Self {
        AllocationKey {
            holder,
            program,
            partner,
        }
    }
}

/// How OMB divides an appropriation (31 U.S.C. 1512): by time period (Category A) or by
/// activity (Category B, here a program kind).
///
/// An account is apportioned one way or the other, not both. Category A amounts become
/// available on their `from` date; Category B amounts cap the allocations to their program.
// Deserialize: in `tagged.rs`, without buffering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "category")]
#[non_exhaustive]
pub enum Apportionment {
    /// Category A: available for allotment from `from` (for example the first day of a
    /// quarter).
    ByPeriod {
        /// The first day the amount is available.
        from: NaiveDate,
    },
    /// Category B: available only for allocations to `program`.
    ByProgram {
        /// The program the amount is apportioned to.
        program: ProgramKind,
    },
}

/// The kind of binding instrument an obligation is recorded on, each one of the kinds of
/// documentary evidence of 31 U.S.C. 1501(a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Instrument {
    /// A training enrollment or mobile training team order: a binding written agreement for
    /// services (1501(a)(1)).
    Enrollment,
    /// A grant agreement (1501(a)(5)).
    GrantAgreement,
    /// A loan agreement (1501(a)(2)).
    Loan,
    /// The subsidy cost of a loan guarantee (1501(a)(5)).
    LoanGuarantee,
    /// A sales case (letter of offer and acceptance), a written binding agreement
    /// (1501(a)(1)).
    SalesCase,
    /// A transfer agreement for excess articles (1501(a)(1)).
    Transfer,
    /// A lease (1501(a)(1)).
    Lease,
    /// Any other liability that may result in a payment (1501(a)(9)).
    Other,
}

impl Instrument {
    /// The paragraph of 31 U.S.C. 1501(a) under which the instrument is recorded.
    #[must_use]
    pub const fn paragraph_1501(self) -> &'static str {
        match self {
            Instrument::Enrollment
            | Instrument::SalesCase
            | Instrument::Transfer
            | Instrument::Lease => "(a)(1)",
            Instrument::Loan => "(a)(2)",
            Instrument::GrantAgreement | Instrument::LoanGuarantee => "(a)(5)",
            Instrument::Other => "(a)(9)",
        }
    }

    /// The citation of 31 U.S.C. 1501 for this instrument.
    ///
    /// ```
    /// use security_assistance::budget::Instrument;
    /// assert_eq!(Instrument::Loan.citation().to_string(), "31 U.S.C. 1501(a)(2)");
    /// ```
    #[must_use]
    pub fn citation(self) -> crate::law::Citation {
        crate::law::Citation::new("31 U.S.C.", "1501").with_paragraph(self.paragraph_1501())
    }
}

/// Where an obligation draws its money from.
// Deserialize: in `tagged.rs`, without buffering.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "from")]
#[non_exhaustive]
pub enum Funding {
    /// The commitment recorded earlier for the same document; the obligation may not exceed
    /// what remains of it.
    Commitment,
    /// An allocation directly, without a prior commitment.
    Allocation {
        /// The allocation charged.
        key: AllocationKey,
    },
    /// The funds holder's allotment directly, for agencies that do not subdivide it: the
    /// allocation `key` only records the program and partner, and always equals what is
    /// obligated on such documents. Adjustments of the obligation draw on, or return to,
    /// the allotment too.
    Allotment {
        /// Where the obligation is recorded; its holder's allotment is charged.
        key: AllocationKey,
    },
}

/// Declares [`Action`] from one table and derives from it everything that must follow each
/// variant: the JSON name ([`Action::name`], and serde's), the externally tagged twin that
/// `tagged.rs` reads without buffering, the journal's compact encoding (each field in
/// declaration order, through [`Compact`]), and [`Command::first_difference`]'s field by
/// field comparison. Adding a command is adding a variant here and its handler in the
/// ledger; nothing else lists the variants.
///
/// A variant is written `Name as "json_name" { fields }`; field attributes (documentation,
/// `#[serde(...)]`) apply to the enum and to its twin. The compact encoding writes the
/// variant's position in the table, then its fields in order, so stored journals stay
/// readable only while variants are appended and fields are not reordered.
///
/// Fields added to a variant after journals were stored with it go in an
/// `extended { fields }` block after its fields: they are part of the enum, its JSON (give
/// them `#[serde(default, skip_serializing_if = ...)]` so older JSON reads) and its
/// comparison, but not of the variant's compact bytes, which stay as stored. Each
/// extended field must implement `Default` (its value in an entry written before it) and
/// is written by the journal after the entry's flags say it is present (see
/// `Journal::encode`).
macro_rules! action_table {
    (
        $(#[$attr:meta])*
        pub enum Action {
            $(
                $(#[$vattr:meta])*
                $variant:ident as $name:literal {
                    $( $(#[$fattr:meta])* $field:ident : $ty:ty ),* $(,)?
                }
                $( extended {
                    $( $(#[$xattr:meta])* $xfield:ident : $xty:ty ),* $(,)?
                } )?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        pub enum Action {
            $(
                $(#[$vattr])*
                #[serde(rename = $name)]
                $variant {
                    $( $(#[$fattr])* $field: $ty, )*
                    $($( $(#[$xattr])* $xfield: $xty, )*)?
                },
            )*
        }

        /// The externally tagged twin of [`Action`] that `tagged.rs` reads the variant's
        /// fields with (a serde `remote` definition: the same variants and fields).
        #[derive(Deserialize)]
        #[serde(remote = "Action", deny_unknown_fields)]
        pub(super) enum ActionDef {
            $(
                #[serde(rename = $name)]
                $variant {
                    $( $(#[$fattr])* $field: $ty, )*
                    $($( $(#[$xattr])* $xfield: $xty, )*)?
                },
            )*
        }

        /// The variants' positions in the table: the first byte of an encoded action.
        #[repr(u8)]
        enum ActionCode {
            $( $variant, )*
        }

        impl Action {
            /// The name of the action's type, as serde writes it.
            #[must_use]
            pub const fn name(&self) -> &'static str {
                match self {
                    $( Action::$variant { .. } => $name, )*
                }
            }

            /// The first field (`"action.type"`, or `"action."` and the field's name, in
            /// declaration order) in which `self` and `other` differ, if any.
            fn first_difference(&self, other: &Action) -> Option<String> {
                match (self, other) {
                    $(
                        (Action::$variant { .. }, Action::$variant { .. }) => {
                            $(
                                if let (
                                    Action::$variant { $field: left, .. },
                                    Action::$variant { $field: right, .. },
                                ) = (self, other)
                                {
                                    if left != right {
                                        return Some(
                                            concat!("action.", stringify!($field)).to_owned(),
                                        );
                                    }
                                }
                            )*
                            $($(
                                if let (
                                    Action::$variant { $xfield: left, .. },
                                    Action::$variant { $xfield: right, .. },
                                ) = (self, other)
                                {
                                    if left != right {
                                        return Some(
                                            concat!("action.", stringify!($xfield)).to_owned(),
                                        );
                                    }
                                }
                            )*)?
                            None
                        }
                    )*
                    _ => Some("action.type".to_owned()),
                }
            }
        }

        impl Compact for Action {
            fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
                match self {
                    $(
                        Action::$variant { $($field,)* .. } => {
                            out.push(ActionCode::$variant as u8);
                            $( Compact::put($field, out, symbols); )*
                        }
                    )*
                }
            }

            fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Action> {
                let code = r.byte()?;
                $(
                    if code == ActionCode::$variant as u8 {
                        // Struct fields are read in the order written, the encoding's order.
                        return Some(Action::$variant {
                            $( $field: Compact::get(r, symbols)?, )*
                            $($( $xfield: <$xty>::default(), )*)?
                        });
                    }
                )*
                None
            }
        }
    };
}

action_table! {
/// What a [`Command`] does. Amounts are positive unless the variant says it is signed.
///
/// Each variant is written once, in a table that also derives its JSON name, its strict
/// reader, its compact journal encoding and its field-by-field comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(tag = "type")]
#[non_exhaustive]
pub enum Action {
    /// Enact full-year budget authority into an account (a regular or supplemental
    /// appropriation act). Creates the account, or adds to it (purposes must match), or
    /// supersedes its continuing-resolution authority.
    Appropriate as "appropriate" {
        /// The account.
        account: AccountSymbol,
        /// The appropriation's title, such as "Foreign Military Financing Program".
        title: String,
        /// The program kinds it may fund.
        purposes: Vec<ProgramKind>,
        /// The amount enacted.
        amount: Money,
        /// The act, such as "P.L. 110-161".
        law: String,
    },
    /// Enact continuing-resolution authority through `through`, automatically apportioned
    /// at the annualized rate × the lower of the share of the fiscal year covered and the
    /// seasonal limit (DOMAIN §1.9). A later resolution for the same account extends it; a
    /// full-year [`Action::Appropriate`] supersedes it.
    ContinuingResolution as "continuing_resolution" {
        /// The account.
        account: AccountSymbol,
        /// The appropriation's title.
        title: String,
        /// The program kinds it may fund.
        purposes: Vec<ProgramKind>,
        /// The annualized rate for operations.
        annual_rate: Money,
        /// The last day the resolution covers.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        through: NaiveDate,
        /// OMB's seasonal limit, if any.
        seasonal_limit: Option<Rate>,
        /// The act, such as "P.L. 110-92".
        law: String,
    },
    /// Apportion (positive) or withdraw an apportionment (negative) (31 U.S.C. 1512).
    ///
    /// A withdrawal leaves every line above what was distributed from it: for Category A,
    /// what stays apportioned to date (lines whose `from` has come) still covers the
    /// allotments; for Category B, the line still covers the allocations to its program.
    Apportion as "apportion" {
        /// The account.
        account: AccountSymbol,
        /// Category A (by period) or B (by program).
        category: Apportionment,
        /// Signed amount.
        amount: Money,
    },
    /// Allot apportioned funds to a funds holder (positive) or withdraw (negative).
    Allot as "allot" {
        /// The account.
        account: AccountSymbol,
        /// The funds holder.
        holder: FundsHolder,
        /// Signed amount.
        amount: Money,
    },
    /// Allocate allotted funds to a program × partner (positive) or withdraw (negative).
    /// A positive allocation to a partner passes the eligibility gate.
    Allocate as "allocate" {
        /// The account.
        account: AccountSymbol,
        /// Where the allocation sits.
        key: AllocationKey,
        /// Signed amount.
        amount: Money,
    },
    /// Reserve allocated funds for a planned document (not a legal liability).
    Commit as "commit" {
        /// The account.
        account: AccountSymbol,
        /// The planned document.
        document: DocumentId,
        /// The allocation reserved.
        key: AllocationKey,
        /// Positive amount.
        amount: Money,
    },
    /// Release part or all of a commitment.
    Decommit as "decommit" {
        /// The account.
        account: AccountSymbol,
        /// The planned document.
        document: DocumentId,
        /// Positive amount released.
        amount: Money,
    },
    /// Record an obligation on a binding instrument (31 U.S.C. 1501(a)).
    Obligate as "obligate" {
        /// The account.
        account: AccountSymbol,
        /// The obligating document, unique within the account.
        document: DocumentId,
        /// The kind of instrument.
        instrument: Instrument,
        /// A commitment for the same document, or an allocation.
        funding: Funding,
        /// Positive amount.
        amount: Money,
    } extended {
        /// What the obligation buys, as an OMB Circular A-11 section 83.6 object class
        /// (`"41.0"`); when absent, the instrument's
        /// ([`Instrument::default_object_class`]). Left out of the JSON when absent, so
        /// journals written before it still read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        object_class: Option<ObjectClass>,
        /// What finances the obligation: the account's budget authority (`"direct"`, the
        /// default, left out of the JSON) or offsetting collections (`"reimbursable"`);
        /// see [`DirectOrReimbursable`]. Its adjustments, payments and refunds are of the same
        /// source.
        #[serde(default, skip_serializing_if = "DirectOrReimbursable::is_direct")]
        financed_by: DirectOrReimbursable,
    },
    /// Adjust an existing obligation up (positive) or down (negative). A downward
    /// adjustment of an obligation recorded in an earlier fiscal year is a recovery.
    AdjustObligation as "adjust_obligation" {
        /// The account.
        account: AccountSymbol,
        /// The obligating document.
        document: DocumentId,
        /// Signed, non-zero amount.
        amount: Money,
    },
    /// Pay against an obligation, partly or wholly (an outlay).
    Disburse as "disburse" {
        /// The account.
        account: AccountSymbol,
        /// The obligating document.
        document: DocumentId,
        /// Positive amount.
        amount: Money,
    },
    /// A collection that reverses part of a disbursement.
    Refund as "refund" {
        /// The account.
        account: AccountSymbol,
        /// The obligating document.
        document: DocumentId,
        /// Positive amount.
        amount: Money,
    },
    /// Move unapportioned budget authority between accounts under a cited authority.
    Transfer as "transfer" {
        /// The losing account.
        from: AccountSymbol,
        /// The gaining account.
        to: AccountSymbol,
        /// Positive amount.
        amount: Money,
        /// The statutory authority, such as "FAA sec. 610".
        authority: String,
    },
    /// Move allocated, uncommitted funds between programs or partners within an account
    /// under a cited authority.
    Reprogram as "reprogram" {
        /// The account.
        account: AccountSymbol,
        /// The losing allocation.
        from: AllocationKey,
        /// The gaining allocation.
        to: AllocationKey,
        /// Positive amount.
        amount: Money,
        /// The authority and notice, such as "FAA sec. 634A notice of 2008-03-01".
        authority: String,
    } extended {
        /// The day the committees were notified of the reprogramming (FAA section 634A,
        /// 22 U.S.C. 2394-1), when they were. The ledger assesses every reprogramming
        /// against the amount justified to the Congress for the receiving program and
        /// country ([`Action::Justify`]) and refuses one that needs notice when none is
        /// recorded here, or when the command is dated before the review period that
        /// runs from this day ends ([`BudgetError::NoticeRequired`](super::BudgetError::NoticeRequired),
        /// [`BudgetError::ReviewPeriodRunning`](super::BudgetError::ReviewPeriodRunning)).
        /// On or before the command's date. Left out of the JSON when absent, so journals
        /// written before it still read.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "crate::fiscal::date_serde::deserialize_option"
        )]
        notified: Option<NaiveDate>,
    },
    /// Cancel unapportioned budget authority by law.
    Rescind as "rescind" {
        /// The account.
        account: AccountSymbol,
        /// Positive amount.
        amount: Money,
        /// The act.
        law: String,
    },
    /// Charge an obligation or adjustment of a cancelled account to a current account for
    /// the same purpose (31 U.S.C. 1553(b)): within 1 percent of the current account's
    /// appropriations (1553(b)(2)), and within what the cancelled account could have paid
    /// (1553(b)(1), "both as to purpose and in amount"): the document's unliquidated
    /// balance when the account closed, and beyond it the closed account's unobligated
    /// balance, which the upward adjustments of all its documents share
    /// ([`Level::ClosedAccountBalance`](super::Level::ClosedAccountBalance)).
    ChargeToCurrent as "charge_to_current" {
        /// The cancelled account.
        cancelled: AccountSymbol,
        /// The obligating document of the cancelled account.
        document: DocumentId,
        /// The current account charged.
        current: AccountSymbol,
        /// The allocation of the current account charged.
        key: AllocationKey,
        /// Positive amount.
        amount: Money,
    },
    /// Record money received from a payer and credited to the account as an offsetting
    /// collection under a cited authority, such as a foreign partner's contribution to a
    /// cost-shared project credited under 6 U.S.C. 195c(d).
    ///
    /// The collection adds to the account's budget authority and budgetary resources
    /// (SF-133 line 1700, "spending authority from offsetting collections, collected",
    /// totalled on line 1750) and is posted Dr 4252 Reimbursements and Other Income
    /// Earned – Collected, Cr 4450 Unapportioned Authority. Like any new resource it must
    /// be apportioned and allotted before it can be obligated. The account must be
    /// unexpired on the date: a reimbursement earned while it was available and collected
    /// after it expired is an [`Action::CollectEarned`]; a collection taken back is an
    /// [`Action::ReverseCollection`]. Each collection document is recorded once per account.
    ///
    /// ```
    /// use security_assistance::budget::Action;
    /// let collect = Action::Collect {
    ///     account: "070-2008/2009-0800".parse()?,
    ///     document: "COOP-1-GBR-1".parse()?,
    ///     payer: "GBR".parse()?,
    ///     amount: "250000".parse()?,
    ///     authority: "6 U.S.C. 195c(d)".into(),
    /// };
    /// assert_eq!(collect.name(), "collect");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Collect as "collect" {
        /// The account credited.
        account: AccountSymbol,
        /// The collection document (a deposit ticket or bill), unique within the account.
        document: DocumentId,
        /// Positive amount received.
        amount: Money,
        /// Who paid.
        payer: CountryCode,
        /// The law that lets the collection be credited to the account, such as
        /// "6 U.S.C. 195c(d)".
        authority: String,
    },
    /// Delegate fund-control authority (31 U.S.C. 1514(a); OMB Circular A-11 Appendix H):
    /// the command's actor grants `grant` to `grant.to`, from the date of the command until
    /// the grant's expiry. The delegation's id is the command's id. A root grant
    /// (`parent: None`) is made by the head of the agency of every account in its scope; a
    /// re-delegation is made by the holder of `parent` and gives no more than it holds. See
    /// [`Policy`](super::Policy).
    Delegate as "delegate" {
        /// What is delegated, to whom, and within which limits.
        grant: super::delegation::Grant,
    },
    /// Revoke a delegation from the command's date: the delegation and every one made
    /// under it cover no command dated on or after it. Commands already applied stay.
    Revoke as "revoke" {
        /// The id of the delegation (the command that made it).
        delegation: CommandId,
        /// Why, for the record.
        reason: String,
    },
    /// Record a collection of reimbursements earned on `earned` and collected on the
    /// command's date, credited to the account whose period of availability held the day
    /// they were earned, even after that account has expired.
    ///
    /// A fixed account keeps its fiscal-year identity until it closes (31 U.S.C. 1553(a)),
    /// and collections authorized to be credited to it are deposited as miscellaneous
    /// receipts only when they are not received before it closes (31 U.S.C. 1552(b), text
    /// read at uscode.house.gov). In the expired account they can fund no new obligation,
    /// only the adjustment and payment of obligations properly chargeable to it (1553(a);
    /// the issue also cites OMB Circular A-11 section 20, whose text was not confirmed
    /// here). So the ledger accepts the credit
    /// when the account was unexpired on `earned` and is not yet cancelled on the command's
    /// date; `earned` may not be after the collection. Posted like [`Action::Collect`] (Dr
    /// 4252, Cr 4450; SF-133 line 1700), and its document shares the account's collection
    /// documents. [`Action::Collect`] is the same collection earned on the day it is
    /// collected.
    ///
    /// ```
    /// use security_assistance::budget::Action;
    /// let late = Action::CollectEarned {
    ///     account: "011-2008/2009-1082".parse()?,
    ///     document: "BILL-2009-0917".parse()?,
    ///     amount: "42000".parse()?,
    ///     payer: "COL".parse()?,
    ///     authority: "22 U.S.C. 2392(d)".into(),
    ///     earned: "2009-09-17".parse()?,
    /// };
    /// assert_eq!(late.name(), "collect_earned");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    CollectEarned as "collect_earned" {
        /// The account credited: the one available on `earned`.
        account: AccountSymbol,
        /// The collection document (a deposit ticket or bill), unique within the account.
        document: DocumentId,
        /// Positive amount received.
        amount: Money,
        /// Who paid.
        payer: CountryCode,
        /// The law that lets the collection be credited to the account.
        authority: String,
        /// The day the reimbursement was earned (the work performed or the article
        /// delivered); on or before the command's date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earned: NaiveDate,
    },
    /// Reverse part or all of a collection recorded earlier on the account (a returned
    /// check, a deposit credited to the wrong account, an overpayment returned to the
    /// payer): the budget authority the collection added is taken back (Dr 4450, Cr 4252;
    /// SF-133 line 1700 falls by the amount).
    ///
    /// Refused when the document has no collection in the account
    /// ([`BudgetError::UnknownCollection`](super::BudgetError::UnknownCollection)), when
    /// the account is cancelled on the date, when the amount is more than what remains
    /// collected on the document (collections never go negative:
    /// [`Level::Collection`](super::Level::Collection)), or when it is more than the
    /// account's unapportioned authority (withdraw the apportionment first:
    /// [`Level::Appropriation`](super::Level::Appropriation)).
    ///
    /// ```
    /// use security_assistance::budget::Action;
    /// let reversal = Action::ReverseCollection {
    ///     account: "070-2008/2009-0800".parse()?,
    ///     document: "COOP-1-GBR-1".parse()?,
    ///     amount: "1000".parse()?,
    ///     reason: "check returned unpaid".into(),
    /// };
    /// assert_eq!(reversal.name(), "reverse_collection");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ReverseCollection as "reverse_collection" {
        /// The account the collection was credited to.
        account: AccountSymbol,
        /// The collection document reversed.
        document: DocumentId,
        /// Positive amount taken back.
        amount: Money,
        /// Why, for the record.
        reason: String,
    },
    /// Open the non-budgetary financing account of a credit program account (2 U.S.C.
    /// 661a(7), 661d(b)): the account that holds every cash flow of the program's direct
    /// loans with the borrowers and with the Treasury. Opening it again names another
    /// period of the same program account (same agency and main account), such as the
    /// next fiscal year's appropriation, as financed by it too. Its collections and payments are a
    /// means of financing, not budget authority or outlays (661c(d)(3)), so it is left out
    /// of every budgetary report ([`Ledger::accounts`](super::Ledger::accounts)). From
    /// then on a loan obligated in `program` is an [`Action::ObligateLoan`]. See
    /// [`credit`](super::credit).
    OpenFinancingAccount as "open_financing_account" {
        /// The financing account, a no-year account such as `011-X2008-4122` (written
        /// `011-X-4122`).
        account: AccountSymbol,
        /// The credit program account whose loans it finances.
        program: AccountSymbol,
        /// Its title, such as "Foreign Military Financing, Direct Loan Financing Account".
        title: String,
        /// The law that authorizes it, such as "2 U.S.C. 661d(b)".
        law: String,
    } extended {
        /// What it finances: direct loans (`"direct_loan"`, the default, left out of the
        /// JSON) or loan guarantees (`"loan_guarantee"`); see
        /// [`CreditKind`](super::credit::CreditKind). Naming another period of the program
        /// account, the kind must be the account's.
        #[serde(default, skip_serializing_if = "super::credit::CreditKind::is_direct_loan")]
        kind: super::credit::CreditKind,
    },
    /// Obligate a direct loan under credit reform (2 U.S.C. 661c(b), 661a(5)): the program
    /// account obligates the loan's subsidy cost, `principal` × `subsidy_rate` rounded by
    /// `rounding` (object class 41.0), through `funding` as any obligation does; the
    /// financing account records the loan and its principal in the cohort of the
    /// command's fiscal year. The rate is the one in force for the cohort, supplied by the
    /// caller with its source and kept in the journal, so that replay does not depend on a
    /// table that may change.
    ObligateLoan as "obligate_loan" {
        /// The credit program account charged with the subsidy.
        account: AccountSymbol,
        /// Its financing account.
        financing: AccountSymbol,
        /// The loan agreement, unique within both accounts.
        document: DocumentId,
        /// A commitment for the same document, or an allocation, as for
        /// [`Action::Obligate`].
        funding: Funding,
        /// The loan's principal; positive.
        principal: Money,
        /// The subsidy rate, a percentage of the principal from 0 to 100.
        subsidy_rate: Rate,
        /// How the subsidy cost is rounded to the cent.
        rounding: Rounding,
        /// Where the rate comes from, such as "OMB credit supplement FY2008, risk
        /// category 4".
        rate_source: String,
    },
    /// Disburse `amount` of a credit-reform loan's principal to the borrower from the
    /// financing account. In the same command the program account pays the financing
    /// account the subsidy that goes with it (the cumulative share of the subsidy cost
    /// that the principal disbursed so far bears, rounded half even, so that the shares
    /// sum to the subsidy cost exactly when the whole principal is disbursed), and the
    /// financing account borrows the rest from the Treasury (661d(c)): principal
    /// disbursed = subsidy received + borrowing, to the cent.
    DisburseLoan as "disburse_loan" {
        /// The financing account.
        financing: AccountSymbol,
        /// The loan.
        document: DocumentId,
        /// Positive principal disbursed, no more than the principal not yet disbursed.
        amount: Money,
    },
    /// A borrower's payment on a credit-reform loan, collected in the financing account:
    /// `principal` repays the loan receivable, `interest` is interest income. At least one
    /// is positive, neither is negative.
    CollectLoan as "collect_loan" {
        /// The financing account.
        financing: AccountSymbol,
        /// The loan.
        document: DocumentId,
        /// Principal repaid, no more than the principal outstanding.
        principal: Money,
        /// Interest paid.
        interest: Money,
    },
    /// The financing account repays `principal` of what a cohort borrowed from the
    /// Treasury and pays `interest` on its borrowing (661d(c)), from the cohort's cash.
    RepayTreasury as "repay_treasury" {
        /// The financing account.
        financing: AccountSymbol,
        /// The cohort (the fiscal year its loans were obligated in).
        cohort: FiscalYear,
        /// Principal repaid, no more than the cohort's debt.
        principal: Money,
        /// Interest paid on the borrowing.
        interest: Money,
    },
    /// An upward reestimate of a cohort's subsidy cost (661c(f)): program account `account`
    /// pays `amount` of its obligation `document` (an obligation the caller recorded under
    /// the permanent indefinite authority the Act provides for reestimates) to the
    /// financing account, for the cohort. The program account must be tied to the
    /// financing account ([`Action::OpenFinancingAccount`] names each period of the
    /// program account that it finances).
    UpwardReestimate as "upward_reestimate" {
        /// The program account (any period of the financing account's program) that pays.
        account: AccountSymbol,
        /// The financing account.
        financing: AccountSymbol,
        /// The cohort reestimated.
        cohort: FiscalYear,
        /// The program account's obligation that pays the reestimate.
        document: DocumentId,
        /// Positive amount.
        amount: Money,
    },
    /// A downward reestimate of a cohort's subsidy cost (661c(f)): the financing account
    /// pays `amount` from the cohort's cash to the general fund receipt account `receipt`
    /// (discretionary programs; OMB Circular A-11 section 185).
    DownwardReestimate as "downward_reestimate" {
        /// The financing account.
        financing: AccountSymbol,
        /// The cohort reestimated.
        cohort: FiscalYear,
        /// The general fund receipt account credited, such as `011-X2008-2714`.
        receipt: AccountSymbol,
        /// Positive amount, no more than the cohort's cash.
        amount: Money,
    },
    /// A fee on a guaranteed loan (an origination or annual guarantee fee, 2 U.S.C.
    /// 661a(5)(C)), collected into its loan guarantee financing account, in the loan's
    /// cohort. See [`credit`](super::credit).
    CollectGuaranteeFee as "collect_guarantee_fee" {
        /// The loan guarantee financing account.
        financing: AccountSymbol,
        /// The guaranteed loan.
        document: DocumentId,
        /// Positive fee.
        amount: Money,
    },
    /// Pay a lender's default claim on a guaranteed loan from its loan guarantee
    /// financing account (2 U.S.C. 661a(5)(C)): no more than the guaranteed principal the
    /// lender disbursed and no claim has yet been paid on. What the cohort's cash does not
    /// cover is borrowed from the Treasury (661d(c)); the account then holds the defaulted
    /// loan, whose recoveries are collected with [`Action::CollectLoan`].
    PayDefaultClaim as "pay_default_claim" {
        /// The loan guarantee financing account.
        financing: AccountSymbol,
        /// The guaranteed loan.
        document: DocumentId,
        /// Positive claim paid.
        amount: Money,
    },
    /// Record the amount justified to the Congress for `program` in `partner` (or, with no
    /// partner, for the activity) from `account`: the congressional budget justification
    /// for the fiscal year, and the country's level in the FAA section 653(a) report
    /// (22 U.S.C. 2413(a)) when one is known. From the command's date it replaces any
    /// amount recorded before for the same account, program and partner.
    ///
    /// FAA section 634A (22 U.S.C. 2394-1) forbids obligating FAA or AECA funds "for any
    /// activities, programs, projects, types of materiel assistance, countries, or other
    /// operations not justified, or in excess of the amount justified, to the Congress"
    /// unless four committees are notified fifteen days in advance. The ledger applies it
    /// to every [`Action::Reprogram`], the step that moves money to a program and country:
    /// a reprogramming whose receiving program and country has no justification recorded
    /// here is one "not justified" and needs notice (so does one that would take their
    /// allocations above the amount recorded), unless it is an IMET reprogramming under
    /// $25,000 for a country whose IMET program was justified (section 634A's second
    /// exemption). See [`notification`](crate::notification) for the thresholds.
    ///
    /// A justification is a record of what the Congress was told, not a use of funds: it
    /// needs no delegation under [`Policy::Delegated`](super::Policy::Delegated), like an
    /// appropriation.
    ///
    /// ```
    /// use security_assistance::budget::Action;
    /// let justified = Action::Justify {
    ///     account: "011-2008/2009-1082".parse()?,
    ///     program: security_assistance::ProgramKind::Financing,
    ///     partner: Some("JOR".parse()?),
    ///     amount: "200000000".parse()?,
    ///     level_653a: Some("200000000".parse()?),
    ///     source: "FY2008 congressional budget justification, FMF table".into(),
    /// };
    /// assert_eq!(justified.name(), "justify");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    Justify as "justify" {
        /// The account whose funds were justified.
        account: AccountSymbol,
        /// The program; one of the account's purposes.
        program: ProgramKind,
        /// The country; `None` for an activity not for a single country.
        partner: Option<CountryCode>,
        /// The amount justified; positive.
        amount: Money,
        /// The country's level in the section 653(a) report for the account, when known;
        /// positive. A notice of a reprogramming above $1,000,000 that takes the country
        /// more than $5,000,000 above it must state its purpose and the country losing the
        /// funds.
        level_653a: Option<Money>,
        /// Where the figures come from, such as "FY2008 CBJ, FMF country table".
        source: String,
    },
}
}

impl Action {
    /// The account the action is on: for a [`Action::Transfer`] the losing account, for a
    /// [`Action::ChargeToCurrent`] the current account charged; `None` for the actions on
    /// no account ([`Action::Delegate`], [`Action::Revoke`]).
    ///
    /// ```
    /// use security_assistance::budget::Action;
    /// let transfer = Action::Transfer {
    ///     from: "011-2008-1081".parse()?,
    ///     to: "097-2008-0100".parse()?,
    ///     amount: "10".parse()?,
    ///     authority: "FAA sec. 610".into(),
    /// };
    /// assert_eq!(transfer.account().map(|a| a.to_string()).as_deref(), Some("011-2008-1081"));
    /// assert_eq!(transfer.other_account().map(|a| a.to_string()).as_deref(), Some("097-2008-0100"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn account(&self) -> Option<AccountSymbol> {
        match self {
            Action::Transfer { from, .. } => Some(*from),
            Action::ChargeToCurrent { current, .. } => Some(*current),
            Action::Delegate { .. } | Action::Revoke { .. } => None,
            Action::Appropriate { account, .. }
            | Action::ContinuingResolution { account, .. }
            | Action::Apportion { account, .. }
            | Action::Allot { account, .. }
            | Action::Allocate { account, .. }
            | Action::Commit { account, .. }
            | Action::Decommit { account, .. }
            | Action::Obligate { account, .. }
            | Action::AdjustObligation { account, .. }
            | Action::Disburse { account, .. }
            | Action::Refund { account, .. }
            | Action::Reprogram { account, .. }
            | Action::Rescind { account, .. }
            | Action::Collect { account, .. }
            | Action::CollectEarned { account, .. }
            | Action::ReverseCollection { account, .. }
            | Action::OpenFinancingAccount { account, .. }
            | Action::ObligateLoan { account, .. }
            | Action::UpwardReestimate { account, .. }
            | Action::Justify { account, .. } => Some(*account),
            Action::DisburseLoan { financing, .. }
            | Action::CollectLoan { financing, .. }
            | Action::RepayTreasury { financing, .. }
            | Action::DownwardReestimate { financing, .. }
            | Action::CollectGuaranteeFee { financing, .. }
            | Action::PayDefaultClaim { financing, .. } => Some(*financing),
        }
    }

    /// The second account the action changes, if any: a transfer's gaining account, a
    /// charge to current's cancelled account.
    #[must_use]
    pub fn other_account(&self) -> Option<AccountSymbol> {
        match self {
            Action::Transfer { to, .. } => Some(*to),
            Action::ChargeToCurrent { cancelled, .. } => Some(*cancelled),
            Action::OpenFinancingAccount { program, .. } => Some(*program),
            Action::ObligateLoan { financing, .. } | Action::UpwardReestimate { financing, .. } => {
                Some(*financing)
            }
            _ => None,
        }
    }

    /// The document the action is on, for the actions on one (commitments, obligations,
    /// payments, charges to current, collections).
    #[must_use]
    pub fn document(&self) -> Option<&DocumentId> {
        match self {
            Action::Commit { document, .. }
            | Action::Decommit { document, .. }
            | Action::Obligate { document, .. }
            | Action::AdjustObligation { document, .. }
            | Action::Disburse { document, .. }
            | Action::Refund { document, .. }
            | Action::ChargeToCurrent { document, .. }
            | Action::Collect { document, .. }
            | Action::CollectEarned { document, .. }
            | Action::ReverseCollection { document, .. }
            | Action::ObligateLoan { document, .. }
            | Action::DisburseLoan { document, .. }
            | Action::CollectLoan { document, .. }
            | Action::UpwardReestimate { document, .. }
            | Action::CollectGuaranteeFee { document, .. }
            | Action::PayDefaultClaim { document, .. } => Some(document),
            _ => None,
        }
    }

    /// The action's amount as written (signed where the variant says so); for a
    /// continuing resolution, its annual rate; for a loan obligation its principal, and for
    /// a loan collection or a repayment to the Treasury the principal part; zero for the
    /// actions that move no money ([`Action::Delegate`], [`Action::Revoke`],
    /// [`Action::OpenFinancingAccount`], and [`Action::Justify`], which records an amount
    /// justified to the Congress).
    #[must_use]
    pub fn amount(&self) -> Money {
        match self {
            Action::Delegate { .. }
            | Action::Revoke { .. }
            | Action::OpenFinancingAccount { .. }
            | Action::Justify { .. } => Money::ZERO,
            Action::ObligateLoan { principal, .. }
            | Action::CollectLoan { principal, .. }
            | Action::RepayTreasury { principal, .. } => *principal,
            Action::ContinuingResolution { annual_rate, .. } => *annual_rate,
            Action::Appropriate { amount, .. }
            | Action::Apportion { amount, .. }
            | Action::Allot { amount, .. }
            | Action::Allocate { amount, .. }
            | Action::Commit { amount, .. }
            | Action::Decommit { amount, .. }
            | Action::Obligate { amount, .. }
            | Action::AdjustObligation { amount, .. }
            | Action::Disburse { amount, .. }
            | Action::Refund { amount, .. }
            | Action::Transfer { amount, .. }
            | Action::Reprogram { amount, .. }
            | Action::Rescind { amount, .. }
            | Action::ChargeToCurrent { amount, .. }
            | Action::Collect { amount, .. }
            | Action::CollectEarned { amount, .. }
            | Action::ReverseCollection { amount, .. }
            | Action::DisburseLoan { amount, .. }
            | Action::UpwardReestimate { amount, .. }
            | Action::DownwardReestimate { amount, .. }
            | Action::CollectGuaranteeFee { amount, .. }
            | Action::PayDefaultClaim { amount, .. } => *amount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Instrument;

    /// Each instrument is recorded under its paragraph of 31 U.S.C. 1501(a).
    #[test]
    fn each_instrument_cites_its_paragraph_of_1501a() {
        let cited = [
            (Instrument::Enrollment, "(a)(1)"),
            (Instrument::SalesCase, "(a)(1)"),
            (Instrument::Transfer, "(a)(1)"),
            (Instrument::Lease, "(a)(1)"),
            (Instrument::Loan, "(a)(2)"),
            (Instrument::GrantAgreement, "(a)(5)"),
            (Instrument::LoanGuarantee, "(a)(5)"),
            (Instrument::Other, "(a)(9)"),
        ];
        for (instrument, paragraph) in cited {
            assert_eq!(instrument.paragraph_1501(), paragraph, "{instrument:?}");
            assert_eq!(
                instrument.citation().to_string(),
                format!("31 U.S.C. 1501{paragraph}")
            );
        }
    }
}

//! The appropriation ledger: purpose, time and amount, from appropriation to outlay.
//!
//! A [`Ledger`] applies typed [`Command`]s. Each one either applies whole or is refused
//! whole with a [`BudgetError`] that names the law and the limit it would break:
//!
//! ```text
//! Appropriate / ContinuingResolution   budget authority            (4119 → 4450)
//!   Apportion   (31 U.S.C. 1512)        by period or by program     (4450 → 4510)
//!   Allot       to a funds holder                                   (4510 → 4610)
//!   Allocate    to a program × partner   [eligibility gate]
//!   Commit      reserve for a planned document                     (4610 → 4700)
//!   Obligate    on a binding instrument  [eligibility gate]         (4700/4610 → 4801)
//!   Disburse    an outlay [gate, for rules barring expenditures]    (4801 → 4902)
//!   Refund      reverses an outlay                                  (4902 → 4801)
//!   AdjustObligation (recoveries when prior-year), Transfer, Rescind,
//!   ChargeToCurrent (31 U.S.C. 1553(b))
//!   Justify     the amount justified to the Congress for a program × partner
//!   Reprogram   between allocations    [FAA 634A notice, gate]
//!   Collect     an offsetting collection credited to the account  (4252 → 4450)
//! ```
//!
//! Every applied allocation, commitment and obligation is kept in the journal with the
//! eligibility decision that allowed it (a disbursement is asked only whether a rule such
//! as SFOPS 7008 bars expenditures, and keeps no decision); [`Ledger::replay`] rebuilds an
//! equal ledger, [`Ledger::as_of`] the ledger as it was on a date and as known on a date.
//! [`Ledger::status_of_funds`] reports any grouping of account, fiscal year, funds holder,
//! program, partner, the partner's region, the implementing agency, the object class of
//! the obligations ([`ObjectClass`], OMB Circular A-11 section 83.6) and (with a
//! [`MissionRegister`], [`Ledger::status_of_funds_with_missions`]) the mission area;
//! [`Ledger::sf133`] gives the SF-133-shaped statement of an account.

pub(crate) mod agency;
mod cancellation;
mod command;
pub mod credit;
mod delegation;
mod direct_reimbursable;
mod error;
mod ids;
mod journal;
mod ledger;
mod object_class;
mod resources;
mod sequence;
mod status;
mod tagged;
mod ussgl;

pub use cancellation::{
    CANCELED_AUTHORITY, Cancellation, ClosingEntry, SF133_LINE_OBLIGATIONS_CANCELLED,
    SF133_LINE_WITHDRAWN,
};
pub use command::{Action, AllocationKey, Apportionment, Command, Funding, Instrument};
pub use delegation::{
    AgencyHead, AuditRow, AuthorityError, DelegatedAuthority, Delegation, Grant, Policy, Power,
    Role, Scope, Signer,
};
pub use direct_reimbursable::DirectOrReimbursable;
pub use error::{BatchError, BudgetError, CreditProblem, JournalProblem, Level, ShapeError};
pub(crate) use ids::StaticText;
pub use ids::{AccountSymbol, Actor, CommandId, DocumentId, FundsHolder, IdError};
#[cfg(test)]
pub(crate) use journal::encode_entry;
pub use journal::{Journal, JournalEntry};
pub(crate) use journal::{StandaloneDecoder, encode_standalone};
pub(crate) use ledger::Undo;
pub use ledger::{Ledger, ObligationBalance, Receipt};
pub use object_class::{OBJECT_CLASS_TABLE_DATE, ObjectClass, ObjectClassError};
pub(crate) use status::Sf133Period;
pub use status::{
    Dimension, MissionKey, MissionRegister, Sf133, Sf133Line, StatusFilter, StatusKey, StatusQuery,
    StatusRow,
};
pub use ussgl::{TrialBalance, Ussgl};

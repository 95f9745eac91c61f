#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod budget;
pub mod eligibility;
mod fiscal;
mod format;
pub mod homeland;
mod law;
mod money;
pub mod notification;
mod partner;
pub mod programs;
mod purpose;

pub mod report;
#[cfg(feature = "schemars")]
mod schema;
pub mod store;
mod unique_keys;
pub mod wire;

pub use crate::fiscal::{
    AccountStatus, Availability, FiscalError, FiscalYear, cr_amount, parse_date,
};
pub use crate::law::Citation;
pub use crate::money::{Money, MoneyError, MoneyOperation, Rate, Rounding};
pub use crate::partner::{CountryCode, Group, Membership, PartnerError, Region};
pub use crate::purpose::{ProgramKind, ProgramKindError};

// The ledger, its journal and every error can move to and be shared across threads (a
// service keeps one ledger behind a lock and hands receipts and errors to other tasks).
// Checked at compile time: a field that broke it would fail the build here.
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<budget::Ledger>();
    send_sync::<budget::Journal>();
    send_sync::<budget::Receipt>();
    send_sync::<budget::BudgetError>();
    send_sync::<report::ReportError>();
    send_sync::<report::ImportError>();
    send_sync::<eligibility::Decision>();
    send_sync::<Money>();
};

#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

pub mod budget;
pub mod eligibility;
mod fiscal;
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

pub use crate::fiscal::{AccountStatus, Availability, FiscalError, FiscalYear, cr_amount};
pub use crate::law::Citation;
pub use crate::money::{Money, MoneyError, MoneyOperation, Rate, Rounding};
pub use crate::partner::{CountryCode, Group, Membership, PartnerError, Region};
pub use crate::purpose::{ProgramKind, ProgramKindError};

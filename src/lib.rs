//! Typed models of international security-assistance programs and the money that flows
//! through them.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

mod money;
mod purpose;

pub use crate::money::{Money, MoneyError, MoneyOperation, Rate, Rounding};
pub use crate::purpose::{ProgramKind, ProgramKindError};

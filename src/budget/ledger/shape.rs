//! Checks that need no state (the shape of a command), the purpose check, and the errors
//! the handlers build.

use chrono::NaiveDate;

use super::AccountState;
use crate::budget::command::Action;
use crate::budget::error::{BudgetError, Level, ShapeError};
use crate::budget::ids::AccountSymbol;
use crate::fiscal::FiscalYear;
use crate::money::Money;
use crate::purpose::ProgramKind;

/// The fiscal year of a command's date; a date outside the supported fiscal years is a
/// malformed command.
pub(crate) fn fiscal_year_of(action: &str, date: NaiveDate) -> Result<FiscalYear, BudgetError> {
    let fiscal_year = FiscalYear::containing(date);
    if fiscal_year.contains(date) {
        Ok(fiscal_year)
    } else {
        Err(shape(action, ShapeError::DateOutOfRange { date }))
    }
}

#[cold]
pub(super) fn shape(action: &str, problem: ShapeError) -> BudgetError {
    BudgetError::Shape {
        action: action.to_owned(),
        problem,
    }
}

#[cold]
pub(super) fn exceeds(
    level: Level,
    account: AccountSymbol,
    requested: Money,
    available: Money,
) -> BudgetError {
    BudgetError::Exceeds {
        level,
        account,
        requested,
        available,
    }
}

/// Shape checks that need no state.
pub(super) fn check_shape(action: &Action) -> Result<(), BudgetError> {
    let name = action.name();
    let positive = |amount: &Money| {
        if amount.is_positive() {
            Ok(())
        } else {
            Err(shape(name, ShapeError::NotPositive { amount: *amount }))
        }
    };
    let nonzero = |amount: &Money| {
        if amount.is_zero() {
            Err(shape(name, ShapeError::Zero))
        } else {
            Ok(())
        }
    };
    let text = |field: &str, value: &str| {
        if value.trim().is_empty() {
            Err(shape(
                name,
                ShapeError::EmptyText {
                    field: field.to_owned(),
                },
            ))
        } else {
            Ok(())
        }
    };
    match action {
        Action::Appropriate {
            title,
            purposes,
            amount,
            law,
            ..
        } => {
            text("title", title)?;
            text("law", law)?;
            if purposes.is_empty() {
                return Err(shape(name, ShapeError::NoPurposes));
            }
            positive(amount)
        }
        Action::ContinuingResolution {
            title,
            purposes,
            annual_rate,
            law,
            ..
        } => {
            text("title", title)?;
            text("law", law)?;
            if purposes.is_empty() {
                return Err(shape(name, ShapeError::NoPurposes));
            }
            positive(annual_rate)
        }
        Action::Apportion { amount, .. }
        | Action::Allot { amount, .. }
        | Action::Allocate { amount, .. }
        | Action::AdjustObligation { amount, .. } => nonzero(amount),
        Action::Commit { amount, .. }
        | Action::Decommit { amount, .. }
        | Action::Obligate { amount, .. }
        | Action::Disburse { amount, .. }
        | Action::Refund { amount, .. } => positive(amount),
        Action::Transfer {
            from,
            to,
            amount,
            authority,
        } => {
            text("authority", authority)?;
            if from == to {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            positive(amount)
        }
        Action::Reprogram {
            from,
            to,
            amount,
            authority,
            ..
        } => {
            text("authority", authority)?;
            if from == to {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            if from.holder != to.holder {
                return Err(shape(name, ShapeError::DifferentHolders));
            }
            positive(amount)
        }
        Action::Rescind { amount, law, .. } => {
            text("law", law)?;
            positive(amount)
        }
        Action::ChargeToCurrent {
            cancelled,
            current,
            amount,
            ..
        } => {
            if cancelled == current {
                return Err(shape(name, ShapeError::SameSourceAndDestination));
            }
            positive(amount)
        }
        Action::Collect {
            amount, authority, ..
        } => {
            text("authority", authority)?;
            positive(amount)
        }
    }
}

pub(super) fn check_purpose(acct: &AccountState, program: ProgramKind) -> Result<(), BudgetError> {
    if acct.purposes.contains(&program) {
        Ok(())
    } else {
        Err(BudgetError::Purpose {
            account: acct.symbol,
            program,
            allowed: acct.purposes.clone(),
        })
    }
}

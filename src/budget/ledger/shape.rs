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
pub(super) fn fiscal_year_of(action: &str, date: NaiveDate) -> Result<FiscalYear, BudgetError> {
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

/// Shape checks that need no state, the first checks after identity: every field of the
/// action well formed, and its date within the supported fiscal years.
pub(super) fn check_shape(action: &Action, date: NaiveDate) -> Result<(), BudgetError> {
    check_fields(action)?;
    fiscal_year_of(action.name(), date)?;
    if let Action::CollectEarned { earned, .. } = action {
        if *earned > date {
            return Err(shape(
                action.name(),
                ShapeError::EarnedAfterCollection {
                    earned: *earned,
                    collected: date,
                },
            ));
        }
    }
    if let Action::Reprogram {
        notified: Some(notified),
        ..
    } = action
    {
        if *notified > date {
            return Err(shape(
                action.name(),
                ShapeError::NoticeAfterCommand {
                    notified: *notified,
                    date,
                },
            ));
        }
    }
    Ok(())
}

/// Every field of the action well formed: amounts of the right sign, texts not blank,
/// two different places for a move.
fn check_fields(action: &Action) -> Result<(), BudgetError> {
    let name = action.name();
    match action {
        Action::Appropriate {
            title,
            purposes,
            amount,
            law,
            ..
        } => {
            enactment(name, title, purposes, law)?;
            positive(name, *amount)
        }
        Action::ContinuingResolution {
            title,
            purposes,
            annual_rate,
            law,
            ..
        } => {
            enactment(name, title, purposes, law)?;
            positive(name, *annual_rate)
        }
        Action::Apportion { amount, .. }
        | Action::Allot { amount, .. }
        | Action::Allocate { amount, .. }
        | Action::AdjustObligation { amount, .. } => nonzero(name, *amount),
        Action::Commit { amount, .. }
        | Action::Decommit { amount, .. }
        | Action::Obligate { amount, .. }
        | Action::Disburse { amount, .. }
        | Action::Refund { amount, .. } => positive(name, *amount),
        Action::Transfer {
            from,
            to,
            amount,
            authority,
        } => {
            text(name, "authority", authority)?;
            distinct(name, from, to)?;
            positive(name, *amount)
        }
        Action::Reprogram {
            from,
            to,
            amount,
            authority,
            ..
        } => {
            text(name, "authority", authority)?;
            distinct(name, from, to)?;
            if from.holder != to.holder {
                return Err(shape(name, ShapeError::DifferentHolders));
            }
            positive(name, *amount)
        }
        Action::Rescind { amount, law, .. } => {
            text(name, "law", law)?;
            positive(name, *amount)
        }
        Action::ChargeToCurrent {
            cancelled,
            current,
            amount,
            ..
        } => {
            distinct(name, cancelled, current)?;
            positive(name, *amount)
        }
        Action::Collect {
            amount, authority, ..
        }
        | Action::CollectEarned {
            amount, authority, ..
        } => {
            text(name, "authority", authority)?;
            positive(name, *amount)
        }
        Action::ReverseCollection { amount, reason, .. } => {
            text(name, "reason", reason)?;
            positive(name, *amount)
        }
        Action::OpenFinancingAccount {
            account,
            program,
            title,
            law,
            ..
        } => {
            text(name, "title", title)?;
            text(name, "law", law)?;
            distinct(name, account, program)
        }
        Action::ObligateLoan {
            account,
            financing,
            principal,
            subsidy_rate,
            rate_source,
            ..
        } => {
            text(name, "rate_source", rate_source)?;
            distinct(name, account, financing)?;
            if subsidy_rate.percent() > rust_decimal::Decimal::ONE_HUNDRED {
                return Err(shape(
                    name,
                    ShapeError::RateAbove100 {
                        rate: *subsidy_rate,
                    },
                ));
            }
            positive(name, *principal)
        }
        Action::UpwardReestimate {
            account,
            financing,
            amount,
            ..
        } => {
            distinct(name, account, financing)?;
            positive(name, *amount)
        }
        Action::DisburseLoan { amount, .. }
        | Action::DownwardReestimate { amount, .. }
        | Action::CollectGuaranteeFee { amount, .. }
        | Action::PayDefaultClaim { amount, .. } => positive(name, *amount),
        Action::CollectLoan {
            principal,
            interest,
            ..
        }
        | Action::RepayTreasury {
            principal,
            interest,
            ..
        } => paid(name, *principal, *interest),
        // A grant's own checks need the delegation register: `delegation::Register::admit`.
        Action::Delegate { .. } => Ok(()),
        Action::Revoke { reason, .. } => text(name, "reason", reason),
        Action::Justify {
            amount,
            level_653a,
            source,
            ..
        } => {
            text(name, "source", source)?;
            if let Some(level) = level_653a {
                positive(name, *level)?;
            }
            positive(name, *amount)
        }
    }
}

/// An appropriation or resolution names its title and law and at least one purpose.
fn enactment(
    name: &str,
    title: &str,
    purposes: &[ProgramKind],
    law: &str,
) -> Result<(), BudgetError> {
    text(name, "title", title)?;
    text(name, "law", law)?;
    if purposes.is_empty() {
        return Err(shape(name, ShapeError::NoPurposes));
    }
    Ok(())
}

fn positive(name: &str, amount: Money) -> Result<(), BudgetError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(shape(name, ShapeError::NotPositive { amount }))
    }
}

/// A payment of principal and interest: neither negative, not both zero.
fn paid(name: &str, principal: Money, interest: Money) -> Result<(), BudgetError> {
    for amount in [principal, interest] {
        if amount.is_negative() {
            return Err(shape(name, ShapeError::NotPositive { amount }));
        }
    }
    if principal.is_zero() && interest.is_zero() {
        return Err(shape(name, ShapeError::NothingPaid));
    }
    Ok(())
}

fn nonzero(name: &str, amount: Money) -> Result<(), BudgetError> {
    if amount.is_zero() {
        Err(shape(name, ShapeError::Zero))
    } else {
        Ok(())
    }
}

fn text(name: &str, field: &str, value: &str) -> Result<(), BudgetError> {
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
}

/// A move between two places (accounts, allocations) names two different ones.
fn distinct<T: PartialEq>(name: &str, from: &T, to: &T) -> Result<(), BudgetError> {
    if from == to {
        Err(shape(name, ShapeError::SameSourceAndDestination))
    } else {
        Ok(())
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

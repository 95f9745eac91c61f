//! Time: when an account may take each kind of command, from enactment through expiry and
//! closing to cancellation (31 U.S.C. 1341, 1502, 1552, 1553), and the charge of a cancelled
//! account's obligation to a current account (1553(b)).

use std::sync::Arc;

use chrono::NaiveDate;

use super::gate::gate_check;
use super::shape::{check_purpose, exceeds, fiscal_year_of, shape};
use super::state::{ObligationState, put_slot};
use super::{AccountState, Effect, Ledger, Map, Step};
use crate::budget::command::AllocationKey;
use crate::budget::error::{BudgetError, Level, ShapeError};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::ussgl::Ussgl;
use crate::eligibility::Decision;
use crate::fiscal::AccountStatus;
use crate::money::{Money, Rounding};

/// An appropriation or resolution may be enacted before or during its period, not after.
pub(super) fn check_enactable(
    name: &str,
    symbol: &AccountSymbol,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    let status = symbol.period().status_on(date);
    match status {
        AccountStatus::NotYetAvailable | AccountStatus::Unexpired => Ok(()),
        AccountStatus::Expired | AccountStatus::Cancelled => Err(BudgetError::NotAvailable {
            action: name.to_owned(),
            account: *symbol,
            period: symbol.period(),
            status,
            date,
        }),
    }
}

pub(super) fn check_enacted(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    if date < acct.enacted {
        return Err(BudgetError::BeforeEnactment {
            action: name.to_owned(),
            account: acct.symbol,
            date,
            enacted: acct.enacted,
        });
    }
    Ok(())
}

/// Distribution, withdrawal and rescission: any time from enactment until cancellation.
pub(super) fn check_distributable(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    match status {
        AccountStatus::NotYetAvailable | AccountStatus::Unexpired | AccountStatus::Expired => {
            Ok(())
        }
        AccountStatus::Cancelled => Err(BudgetError::NotAvailable {
            action: name.to_owned(),
            account: acct.symbol,
            period: acct.symbol.period(),
            status,
            date,
        }),
    }
}

/// New obligations, commitments, transfers and reprogrammings: only while unexpired.
pub(super) fn check_new_obligation(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    if status == AccountStatus::Unexpired {
        return Ok(());
    }
    Err(BudgetError::NotAvailable {
        action: name.to_owned(),
        account: acct.symbol,
        period: acct.symbol.period(),
        status,
        date,
    })
}

/// Adjustments of and payments on existing obligations: unexpired or expired.
pub(super) fn check_adjustable(
    name: &str,
    acct: &AccountState,
    date: NaiveDate,
) -> Result<(), BudgetError> {
    check_enacted(name, acct, date)?;
    let status = acct.status(date);
    if matches!(status, AccountStatus::Unexpired | AccountStatus::Expired) {
        return Ok(());
    }
    Err(BudgetError::NotAvailable {
        action: name.to_owned(),
        account: acct.symbol,
        period: acct.symbol.period(),
        status,
        date,
    })
}

impl Ledger {
    pub(super) fn charge_to_current<'c>(
        &self,
        step: Step<'_>,
        cancelled: &'c AccountSymbol,
        document: &'c DocumentId,
        current: &'c AccountSymbol,
        key: &'c AllocationKey,
        amount: Money,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let Step { name, date, gate } = step;
        if cancelled == current {
            return Err(shape(name, ShapeError::SameSourceAndDestination));
        }
        let old = self.account(cancelled)?;
        let original = old.obligation(document)?;
        let acct = self.account(current)?;
        let slot = acct.allocation(key)?;
        let existing = acct.obligations.get(document);
        if let Some(e) = existing {
            if e.key != *key {
                return Err(BudgetError::DocumentExists {
                    account: *current,
                    document: document.clone(),
                    what: "an obligation under another allocation".to_owned(),
                });
            }
        }
        check_cancelled(name, old, date)?;
        check_new_obligation(name, acct, date)?;
        check_same_program(acct, key, original)?;
        check_current_limit(acct, amount)?;
        // Then as to the cancelled account (1553(b)(1), "in amount"): what the document
        // still owed when the account closed, and beyond that (an upward adjustment) the
        // account's unobligated balance, shared by every document's adjustments.
        let closed_charges = closed_account_charges(old, document, amount)?;
        slot.require_free(*current, amount)?;
        let decision = gate_check(gate, current, key, date, Some(amount), Some(document))?;
        let mut next = slot;
        next.obligated = slot.obligated.checked_add(amount)?;
        let charged = acct.charged_to_current.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Allotments, Ussgl::UnpaidObligations, amount)?;
        let obligation = match existing {
            Some(e) => ObligationState {
                obligated: e.obligated.checked_add(amount)?,
                ..e.clone()
            },
            None => ObligationState {
                key: key.clone(),
                instrument: original.instrument,
                fiscal_year: fiscal_year_of(name, date)?,
                obligated: amount,
                disbursed: Money::ZERO,
                direct: false,
                object_class: original.object_class,
                recoveries: Money::ZERO,
                financed_by: original.financed_by,
            },
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(current) {
                    put_slot(&mut a.allocations, key, next);
                    a.obligations.insert(document.clone(), obligation);
                    a.charged_to_current = charged;
                    a.gl = gl;
                }
                if let Some(a) = accounts.get_mut(cancelled) {
                    a.charged_after_closing
                        .insert(document.clone(), closed_charges);
                }
            });
        Ok((decision, effect))
    }
}

/// Checks a charge of `amount` for `document` of the cancelled account `old` against what
/// the account could have paid when it closed (31 U.S.C. 1553(b)(1)): the document's
/// unliquidated balance, and beyond it (an upward adjustment) the account's unobligated
/// balance, which the adjustments of all its documents share. Returns the document's
/// charges after this one.
pub(super) fn closed_account_charges(
    old: &AccountState,
    document: &DocumentId,
    amount: Money,
) -> Result<Money, BudgetError> {
    let owed = |doc: &DocumentId| -> Result<Money, BudgetError> {
        let o = old.obligation(doc)?;
        Ok(o.obligated.checked_sub(o.disbursed)?.max(Money::ZERO))
    };
    // What a document's charges took beyond what it owed: an upward adjustment.
    let adjustment = |doc: &DocumentId, charged: Money| -> Result<Money, BudgetError> {
        Ok(charged.checked_sub(owed(doc)?)?.max(Money::ZERO))
    };
    let mut adjustments = Money::ZERO;
    for (doc, charged) in &old.charged_after_closing {
        adjustments = adjustments.checked_add(adjustment(doc, *charged)?)?;
    }
    let before = old
        .charged_after_closing
        .get(document)
        .copied()
        .unwrap_or(Money::ZERO);
    let unobligated = old.gl.unobligated()?.max(Money::ZERO);
    let room = owed(document)?
        .checked_sub(before)?
        .max(Money::ZERO)
        .checked_add(unobligated.checked_sub(adjustments)?.max(Money::ZERO))?;
    if amount > room {
        return Err(exceeds(
            Level::ClosedAccountBalance,
            old.symbol,
            amount,
            room,
        ));
    }
    Ok(before.checked_add(amount)?)
}

/// A charge to current is for an obligation of a cancelled account only (31 U.S.C.
/// 1553(b)): before cancellation the account pays its own obligations.
fn check_cancelled(name: &str, old: &AccountState, date: NaiveDate) -> Result<(), BudgetError> {
    let status = old.status(date);
    if status == AccountStatus::Cancelled {
        return Ok(());
    }
    Err(BudgetError::NotAvailable {
        action: name.to_owned(),
        account: old.symbol,
        period: old.symbol.period(),
        status,
        date,
    })
}

/// Purpose: the current account must fund the same program as the original obligation
/// (31 U.S.C. 1553(b)(1): a current appropriation available for the same purpose).
fn check_same_program(
    acct: &AccountState,
    key: &AllocationKey,
    original: &ObligationState,
) -> Result<(), BudgetError> {
    check_purpose(acct, original.key.program)?;
    if key.program != original.key.program {
        return Err(BudgetError::Purpose {
            account: acct.symbol,
            program: key.program,
            allowed: vec![original.key.program],
        });
    }
    Ok(())
}

/// Amount, first as to the current account: all its charges to current stay within 1
/// percent of its appropriations, rounded down to the cent (31 U.S.C. 1553(b)(2)).
fn check_current_limit(acct: &AccountState, amount: Money) -> Result<(), BudgetError> {
    let base = if acct.full_year {
        acct.appropriated
    } else {
        acct.resolution.map_or(Money::ZERO, |r| r.amount)
    };
    let limit = base.checked_mul_ratio(1, 100, Rounding::TowardZero)?;
    let room = limit.checked_sub(acct.charged_to_current)?;
    if amount > room {
        return Err(exceeds(
            Level::ChargeToCurrentLimit,
            acct.symbol,
            amount,
            room.max(Money::ZERO),
        ));
    }
    Ok(())
}

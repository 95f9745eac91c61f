//! Documents: commitments (reservations for planned documents), obligations on binding
//! instruments, and adjustments of obligations (recoveries when prior-year).

use std::sync::Arc;

use chrono::NaiveDate;

use super::gate::{Gate, gate_check};
use super::lifecycle::{check_adjustable, check_distributable, check_new_obligation};
use super::shape::{check_purpose, exceeds, fiscal_year_of};
use super::state::{Allotment, CommitmentState, ObligationState, put_slot};
use super::{AccountState, Effect, Ledger, Map};
use crate::budget::command::{AllocationKey, Funding, Instrument};
use crate::budget::error::{BudgetError, Level};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::ussgl::Ussgl;
use crate::eligibility::Decision;
use crate::money::Money;

impl Ledger {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn commit<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        key: &'c AllocationKey,
        amount: Money,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let acct = self.account(symbol)?;
        let slot = acct.allocation(key)?;
        if acct.commitments.contains_key(document) || acct.obligations.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "a commitment or obligation".to_owned(),
            });
        }
        check_new_obligation(name, acct, date)?;
        check_purpose(acct, key.program)?;
        slot.require_free(*symbol, amount)?;
        let decision = gate_check(gate, symbol, key, date, Some(amount), Some(document))?;
        let mut next = slot;
        next.committed = slot.committed.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Allotments, Ussgl::Commitments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, key, next);
                    acct.commitments.insert(
                        document.clone(),
                        CommitmentState {
                            key: key.clone(),
                            amount,
                        },
                    );
                    acct.gl = gl;
                }
            });
        Ok((decision, effect))
    }

    pub(super) fn decommit<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let commitment = acct.commitment(document)?;
        check_distributable(name, acct, date)?;
        if amount > commitment.amount {
            return Err(exceeds(
                Level::Commitment,
                *symbol,
                amount,
                commitment.amount,
            ));
        }
        let key = commitment.key.clone();
        let remaining = commitment.amount.checked_sub(amount)?;
        let mut slot = acct.allocations.get(&key).copied().unwrap_or_default();
        slot.committed = slot.committed.checked_sub(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Commitments, Ussgl::Allotments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, slot);
                    if remaining.is_zero() {
                        acct.commitments.remove(document);
                    } else if let Some(c) = acct.commitments.get_mut(document) {
                        c.amount = remaining;
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn obligate<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        instrument: Instrument,
        funding: &'c Funding,
        amount: Money,
        gate: Gate<'_>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let acct = self.account(symbol)?;
        if acct.obligations.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "an obligation".to_owned(),
            });
        }
        let (key, commitment) = match funding {
            Funding::Commitment => {
                let c = acct.commitments.get(document).ok_or_else(|| {
                    BudgetError::UnknownCommitment {
                        account: *symbol,
                        document: document.clone(),
                    }
                })?;
                (&c.key, Some(c.amount))
            }
            Funding::Allocation { key } => {
                if acct.commitments.contains_key(document) {
                    return Err(BudgetError::DocumentExists {
                        account: *symbol,
                        document: document.clone(),
                        what: "a commitment (obligate it with funding from the commitment)"
                            .to_owned(),
                    });
                }
                (key, None)
            }
            Funding::Allotment { key } => {
                if acct.commitments.contains_key(document) {
                    return Err(BudgetError::DocumentExists {
                        account: *symbol,
                        document: document.clone(),
                        what: "a commitment (obligate it with funding from the commitment)"
                            .to_owned(),
                    });
                }
                (key, None)
            }
        };
        let direct = matches!(funding, Funding::Allotment { .. });
        let slot = if direct {
            if !acct.allotments.contains_key(&key.holder) {
                return Err(BudgetError::UnknownAllotment {
                    account: *symbol,
                    holder: key.holder.clone(),
                });
            }
            acct.allocations.get(key).copied().unwrap_or_default()
        } else {
            acct.allocation(key)?
        };
        check_new_obligation(name, acct, date)?;
        check_purpose(acct, key.program)?;
        let mut next = slot;
        let mut remaining_commitment = None;
        let mut direct_change = None;
        if direct {
            direct_change = Some(draw_on_allotment(acct, key, amount)?);
            next.allocated = slot.allocated.checked_add(amount)?;
        } else if let Some(committed) = commitment {
            if amount > committed {
                return Err(exceeds(Level::Commitment, *symbol, amount, committed));
            }
            next.committed = slot.committed.checked_sub(amount)?;
            remaining_commitment = Some(committed.checked_sub(amount)?);
        } else {
            slot.require_free(*symbol, amount)?;
        }
        next.obligated = slot.obligated.checked_add(amount)?;
        let decision = gate_check(gate, symbol, key, date, Some(amount), Some(document))?;
        let debit = if commitment.is_some() {
            Ussgl::Commitments
        } else {
            Ussgl::Allotments
        };
        let gl = acct.gl.post(debit, Ussgl::UnpaidObligations, amount)?;
        let key = key.clone();
        let obligation = ObligationState {
            key: key.clone(),
            instrument,
            fiscal_year: fiscal_year_of(name, date)?,
            obligated: amount,
            disbursed: Money::ZERO,
            direct,
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, next);
                    if let Some(change) = direct_change {
                        change.write(acct, &key);
                    }
                    match remaining_commitment {
                        Some(rest) if rest.is_zero() => {
                            acct.commitments.remove(document);
                        }
                        Some(rest) => {
                            if let Some(c) = acct.commitments.get_mut(document) {
                                c.amount = rest;
                            }
                        }
                        None => {}
                    }
                    acct.obligations.insert(document.clone(), obligation);
                    acct.gl = gl;
                }
            });
        Ok((decision, effect))
    }

    pub(super) fn adjust<'c>(
        &self,
        name: &'static str,
        date: NaiveDate,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        let obligation = acct.obligation(document)?;
        check_adjustable(name, acct, date)?;
        let slot = acct
            .allocations
            .get(&obligation.key)
            .copied()
            .unwrap_or_default();
        let prior_year = fiscal_year_of(name, date)? > obligation.fiscal_year;
        let mut next = slot;
        let gl;
        let mut direct_change = None;
        if amount.is_positive() {
            if obligation.direct {
                direct_change = Some(draw_on_allotment(acct, &obligation.key, amount)?);
                next.allocated = slot.allocated.checked_add(amount)?;
            } else {
                slot.require_free(*symbol, amount)?;
            }
            let debit = if prior_year {
                Ussgl::UpwardAdjustmentsPriorYear
            } else {
                Ussgl::Allotments
            };
            gl = acct.gl.post(debit, Ussgl::UnpaidObligations, amount)?;
        } else {
            let reduction = amount.checked_neg()?;
            let unpaid = obligation.obligated.checked_sub(obligation.disbursed)?;
            if reduction > unpaid {
                return Err(exceeds(Level::Obligation, *symbol, reduction, unpaid));
            }
            if prior_year {
                next.recoveries = slot.recoveries.checked_add(reduction)?;
            }
            if obligation.direct {
                direct_change = Some(draw_on_allotment(acct, &obligation.key, amount)?);
                next.allocated = slot.allocated.checked_add(amount)?;
            }
            let credit = if prior_year {
                Ussgl::Recoveries
            } else {
                Ussgl::Allotments
            };
            gl = acct.gl.post(Ussgl::UnpaidObligations, credit, reduction)?;
        }
        next.obligated = slot.obligated.checked_add(amount)?;
        let obligated = obligation.obligated.checked_add(amount)?;
        let key = obligation.key.clone();
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, next);
                    if let Some(change) = direct_change {
                        change.write(acct, &key);
                    }
                    if let Some(o) = acct.obligations.get_mut(document) {
                        o.obligated = obligated;
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }
}

/// The new allotment and Category B totals after an obligation drawn directly on an
/// allotment (positive `amount`) or returned to it (negative).
#[derive(Clone, Copy)]
pub(super) struct AllotmentDraw {
    allotment: Allotment,
    by_program: Money,
}

impl AllotmentDraw {
    pub(super) fn write(self, acct: &mut AccountState, key: &AllocationKey) {
        if let Some(a) = acct.allotments.get_mut(&key.holder) {
            *a = self.allotment;
        }
        acct.allocated_by_program
            .insert(key.program, self.by_program);
    }
}

/// Checks a draw of `amount` on `key.holder`'s allotment (and, for Category B accounts, on
/// the program's apportionment) and computes the totals to write.
pub(super) fn draw_on_allotment(
    acct: &AccountState,
    key: &AllocationKey,
    amount: Money,
) -> Result<AllotmentDraw, BudgetError> {
    let allotment =
        acct.allotments
            .get(&key.holder)
            .copied()
            .ok_or_else(|| BudgetError::UnknownAllotment {
                account: acct.symbol,
                holder: key.holder.clone(),
            })?;
    let by_program = acct
        .allocated_by_program
        .get(&key.program)
        .copied()
        .unwrap_or(Money::ZERO);
    if amount.is_positive() {
        // The Category B apportionment is the higher level, so it is checked first
        // (DOMAIN.md §1.6).
        if !acct.by_program.is_empty() {
            let line = acct
                .by_program
                .get(&key.program)
                .copied()
                .unwrap_or(Money::ZERO);
            let available = line.checked_sub(by_program)?;
            if amount > available {
                return Err(exceeds(
                    Level::Apportionment,
                    acct.symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
        }
        let available = allotment.allotted.checked_sub(allotment.allocated)?;
        if amount > available {
            return Err(exceeds(
                Level::Allotment,
                acct.symbol,
                amount,
                available.max(Money::ZERO),
            ));
        }
    }
    Ok(AllotmentDraw {
        allotment: Allotment {
            allotted: allotment.allotted,
            allocated: allotment.allocated.checked_add(amount)?,
        },
        by_program: by_program.checked_add(amount)?,
    })
}

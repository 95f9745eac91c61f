//! Documents: commitments (reservations for planned documents), obligations on binding
//! instruments, and adjustments of obligations (recoveries when prior-year).

use std::sync::Arc;

use super::gate::gate_check;
use super::lifecycle::{check_adjustable, check_distributable, check_new_obligation};
use super::shape::{check_purpose, exceeds, fiscal_year_of};
use super::state::{Allotment, CommitmentState, ObligationState, Slot, put_slot};
use super::{AccountState, Effect, Ledger, Map, Step};
use crate::budget::command::{AllocationKey, Funding, Instrument};
use crate::budget::direct_reimbursable::DirectOrReimbursable;
use crate::budget::error::{BudgetError, Level};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::object_class::ObjectClass;
use crate::budget::ussgl::{TrialBalance, Ussgl};
use crate::eligibility::Decision;
use crate::money::Money;

impl Ledger {
    pub(super) fn commit<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        key: &'c AllocationKey,
        amount: Money,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let Step { name, date, gate } = step;
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
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
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
                    set_commitment(acct, document, remaining);
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    pub(super) fn obligate<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        (instrument, object_class, financed_by): (Instrument, ObjectClass, DirectOrReimbursable),
        funding: &'c Funding,
        amount: Money,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let Step { name, date, gate } = step;
        let acct = self.account(symbol)?;
        let (key, commitment) = obligation_funding(acct, document, funding)?;
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
            object_class,
            recoveries: Money::ZERO,
            financed_by,
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    put_slot(&mut acct.allocations, &key, next);
                    if let Some(change) = direct_change {
                        change.write(acct, &key);
                    }
                    if let Some(rest) = remaining_commitment {
                        set_commitment(acct, document, rest);
                    }
                    acct.obligations.insert(document.clone(), obligation);
                    acct.gl = gl;
                }
            });
        Ok((decision, effect))
    }

    pub(super) fn adjust<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
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
        let mut recoveries = obligation.recoveries;
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
                recoveries = recoveries.checked_add(reduction)?;
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
        let change = ObligationChange {
            key: obligation.key.clone(),
            slot: next,
            draw: direct_change,
            obligated,
            disbursed: obligation.disbursed,
            recoveries,
            gl,
        };
        Ok(change.effect(*symbol, document))
    }
}

/// The writes of a change to an existing obligation (an adjustment or a payment): its
/// allocation's balances, the allotment when it was obligated directly on one, the
/// obligation's own balances and the trial balance.
pub(super) struct ObligationChange {
    pub(super) key: AllocationKey,
    pub(super) slot: Slot,
    pub(super) draw: Option<AllotmentDraw>,
    pub(super) obligated: Money,
    pub(super) disbursed: Money,
    pub(super) recoveries: Money,
    pub(super) gl: TrialBalance,
}

impl ObligationChange {
    /// The change as the writes of the command on `document` of `symbol`.
    pub(super) fn effect<'c>(self, symbol: AccountSymbol, document: &'c DocumentId) -> Effect<'c> {
        Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
            if let Some(acct) = accounts.get_mut(&symbol) {
                put_slot(&mut acct.allocations, &self.key, self.slot);
                if let Some(draw) = self.draw {
                    draw.write(acct, &self.key);
                }
                if let Some(o) = acct.obligations.get_mut(document) {
                    o.obligated = self.obligated;
                    o.disbursed = self.disbursed;
                    o.recoveries = self.recoveries;
                }
                acct.gl = self.gl;
            }
        })
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

/// The allocation an obligation on `document` is recorded under, and the commitment it
/// liquidates (if funded from one). The document must not be obligated yet, and a
/// committed document is obligated from its commitment only.
fn obligation_funding<'a>(
    acct: &'a AccountState,
    document: &DocumentId,
    funding: &'a Funding,
) -> Result<(&'a AllocationKey, Option<Money>), BudgetError> {
    if acct.obligations.contains_key(document) {
        return Err(BudgetError::DocumentExists {
            account: acct.symbol,
            document: document.clone(),
            what: "an obligation".to_owned(),
        });
    }
    match funding {
        Funding::Commitment => {
            let c = acct.commitment(document)?;
            Ok((&c.key, Some(c.amount)))
        }
        Funding::Allocation { key } | Funding::Allotment { key } => {
            if acct.commitments.contains_key(document) {
                return Err(BudgetError::DocumentExists {
                    account: acct.symbol,
                    document: document.clone(),
                    what: "a commitment (obligate it with funding from the commitment)".to_owned(),
                });
            }
            Ok((key, None))
        }
    }
}

/// Writes what is left of the commitment on `document`; a commitment used up is removed.
fn set_commitment(acct: &mut AccountState, document: &DocumentId, remaining: Money) {
    if remaining.is_zero() {
        acct.commitments.remove(document);
    } else if let Some(c) = acct.commitments.get_mut(document) {
        c.amount = remaining;
    }
}

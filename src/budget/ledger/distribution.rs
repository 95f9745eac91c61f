//! Distribution of budget authority: apportionment (31 U.S.C. 1512), allotment to funds
//! holders, allocation to programs and partners, and reprogramming between allocations.

use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;

use super::gate::gate_check;
use super::lifecycle::{check_distributable, check_new_obligation};
use super::shape::{check_purpose, exceeds, shape};
use super::state::{Allotment, Justification, Slot, put_slot};
use super::{AccountState, Effect, Ledger, Map, Step};
use crate::budget::command::{AllocationKey, Apportionment};
use crate::budget::error::{BudgetError, Level, ShapeError};
use crate::budget::ids::{AccountSymbol, FundsHolder};
use crate::budget::ussgl::Ussgl;
use crate::eligibility::Decision;
use crate::money::{Money, MoneyError, MoneyOperation};
use crate::notification::{self, AssessError, Figure, NoticeGap, ProposedAction, Thresholds};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

impl Ledger {
    pub(super) fn apportion<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        category: Apportionment,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        check_one_category(acct, category)?;
        check_distributable(name, acct, date)?;
        if let Apportionment::ByProgram { program } = category {
            check_purpose(acct, program)?;
        }
        let apportioned = acct.apportioned.checked_add(amount)?;
        if amount.is_positive() {
            acct.check_unapportioned(amount)?;
        }
        // A withdrawal must leave the line, and the whole, above what was distributed from it.
        let line_before = match category {
            Apportionment::ByPeriod { from } => acct.by_period.get(&from).copied(),
            Apportionment::ByProgram { program } => acct.by_program.get(&program).copied(),
        }
        .unwrap_or(Money::ZERO);
        let line = line_before.checked_add(amount)?;
        if amount.is_negative() {
            let withdrawn = amount.checked_neg()?;
            let room = withdrawal_room(acct, category, line_before, date)?;
            if withdrawn > room {
                return Err(exceeds(
                    Level::Apportionment,
                    *symbol,
                    withdrawn,
                    room.max(Money::ZERO),
                ));
            }
        }
        let gl = acct
            .gl
            .post(Ussgl::Unapportioned, Ussgl::Apportionments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.apportioned = apportioned;
                    match category {
                        Apportionment::ByPeriod { from } => {
                            acct.by_period.insert(from, line);
                        }
                        Apportionment::ByProgram { program } => {
                            acct.by_program.insert(program, line);
                        }
                    }
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    pub(super) fn allot<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        holder: &'c FundsHolder,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        let current = acct.allotments.get(holder).copied();
        if amount.is_negative() && current.is_none() {
            return Err(BudgetError::UnknownAllotment {
                account: *symbol,
                holder: holder.clone(),
            });
        }
        check_distributable(name, acct, date)?;
        let current = current.unwrap_or_default();
        if amount.is_positive() {
            let available = acct.apportioned_on(date)?.checked_sub(acct.allotted)?;
            if amount > available {
                return Err(exceeds(
                    Level::Apportionment,
                    *symbol,
                    amount,
                    available.max(Money::ZERO),
                ));
            }
        } else {
            let withdrawn = amount.checked_neg()?;
            let room = current.allotted.checked_sub(current.allocated)?;
            if withdrawn > room {
                return Err(exceeds(Level::Allotment, *symbol, withdrawn, room));
            }
        }
        let allotted = acct.allotted.checked_add(amount)?;
        let next = Allotment {
            allotted: current.allotted.checked_add(amount)?,
            allocated: current.allocated,
        };
        let gl = acct
            .gl
            .post(Ussgl::Apportionments, Ussgl::Allotments, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.allotted = allotted;
                    acct.allotments.insert(holder.clone(), next);
                    acct.gl = gl;
                }
            });
        Ok(effect)
    }

    /// Allocates `amount` to `key` (or withdraws when negative); with `reprogram`, moves it
    /// from another allocation (a reprogramming), with the day the Congress was notified
    /// of it, if it was.
    pub(super) fn allocate<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        key: &'c AllocationKey,
        amount: Money,
        reprogram: Option<(&AllocationKey, Option<NaiveDate>)>,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let Step { name, date, gate } = step;
        let from = reprogram.map(|(from, _)| from);
        let acct = self.account(symbol)?;
        let allotment = acct.allotments.get(&key.holder).copied().ok_or_else(|| {
            BudgetError::UnknownAllotment {
                account: *symbol,
                holder: key.holder.clone(),
            }
        })?;
        let current = acct.allocations.get(key).copied();
        if amount.is_negative() && current.is_none() {
            return Err(BudgetError::UnknownAllocation {
                account: *symbol,
                key: key.clone(),
            });
        }
        let source = from
            .map(|from_key| reprogram_source(acct, from_key))
            .transpose()?;
        // Time: a reprogramming is a new use of funds, so the account must be unexpired.
        if from.is_some() {
            check_new_obligation(name, acct, date)?;
        } else {
            check_distributable(name, acct, date)?;
        }
        check_purpose(acct, key.program)?;
        let current = current.unwrap_or_default();
        // Category B: allocations to a program stay within its apportionment. The
        // apportionment is the higher level, so it is checked first (DOMAIN.md §1.6).
        let prior_prog = program_line_room(acct, key, amount, from)?;
        let mut allotment_next = allotment;
        let mut source_next = None;
        let mut by_program = Vec::with_capacity(2);
        if let Some((from_key, slot)) = source {
            slot.require_free(*symbol, amount)?;
            let mut s = slot;
            s.allocated = s.allocated.checked_sub(amount)?;
            source_next = Some((from_key.clone(), s));
            let from_prog = acct
                .allocated_by_program
                .get(&from_key.program)
                .copied()
                .unwrap_or(Money::ZERO);
            by_program.push((from_key.program, from_prog.checked_sub(amount)?));
        } else {
            allotment_next.allocated = allotment_draw(acct, allotment, current, amount)?;
        }
        let prog_next = prior_prog.checked_add(amount)?;
        by_program.retain(|(p, _)| *p != key.program);
        by_program.push((key.program, prog_next));
        let mut next = current;
        next.allocated = current.allocated.checked_add(amount)?;
        if let Some((_, notified)) = reprogram {
            check_notice(acct, key, amount, date, notified)?;
        }
        let decision = if amount.is_positive() {
            gate_check(gate, symbol, key, date, Some(amount), None)?
        } else {
            None
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.allotments.insert(key.holder.clone(), allotment_next);
                    if let Some((k, s)) = source_next {
                        put_slot(&mut acct.allocations, &k, s);
                    }
                    put_slot(&mut acct.allocations, key, next);
                    for (program, value) in by_program {
                        acct.allocated_by_program.insert(program, value);
                    }
                }
            });
        Ok((decision, effect))
    }

    /// Records the amount justified to the Congress for a program in a country
    /// ([`Action::Justify`](crate::budget::Action::Justify)): the account must exist and
    /// fund the program.
    pub(super) fn justify<'c>(
        &self,
        symbol: &'c AccountSymbol,
        (program, partner): (ProgramKind, Option<CountryCode>),
        amount: Money,
        level_653a: Option<Money>,
        source: &str,
    ) -> Result<Effect<'c>, BudgetError> {
        let acct = self.account(symbol)?;
        check_purpose(acct, program)?;
        let justification = Justification {
            amount,
            level_653a,
            source: source.to_owned(),
        };
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(symbol) {
                    acct.justified.insert((program, partner), justification);
                }
            });
        Ok(effect)
    }
}

/// The notification thresholds the ledger applies: the crate's dated table.
fn thresholds() -> &'static Thresholds {
    static THRESHOLDS: LazyLock<Thresholds> = LazyLock::new(Thresholds::current);
    &THRESHOLDS
}

/// The Treasury agency codes whose accounts carry funds appropriated under the Foreign
/// Assistance Act or the Arms Export Control Act, the only funds FAA section 634A governs
/// ("None of the funds appropriated to carry out the purposes of this chapter ... or the
/// Arms Export Control Act", 22 U.S.C. 2394-1): 011, International Assistance Programs
/// (Funds Appropriated to the President: FMF 011-1082, IMET 011-1081, PKO 011-1032),
/// 019, Department of State, and 072, the Agency for International Development (OMB,
/// Budget Appendix, account identification codes). The homeland program's Homeland
/// Security accounts (070) and Defense's own (097) carry other funds: a reprogramming
/// there answers to its own act and to the seed paper's
/// [`HomelandPolicy`](crate::notification::HomelandPolicy), not to section 634A.
const FAA_AECA_AGENCIES: [u16; 3] = [11, 19, 72];

/// FAA section 634A (22 U.S.C. 2394-1): funds may not be obligated for a country or
/// activity "not justified, or in excess of the amount justified, to the Congress" unless
/// the committees are notified fifteen days in advance. A reprogramming is the step that
/// makes funds available to a program in a country, so the ledger asks it there: the
/// receiving program and country's allocations in the account before the command
/// (everything allocated may be obligated without another step) plus `amount`, against
/// the amount justified ([`Action::Justify`](crate::budget::Action::Justify)); none
/// recorded is "not justified". The assessment is [`notification::check_given`]'s, under
/// the crate's [`Thresholds`] for the command's date; the review runs from `notified`.
fn check_notice(
    acct: &AccountState,
    key: &AllocationKey,
    amount: Money,
    date: NaiveDate,
    notified: Option<NaiveDate>,
) -> Result<(), BudgetError> {
    if !FAA_AECA_AGENCIES.contains(&acct.symbol.agency()) {
        return Ok(());
    }
    let justification = acct.justified.get(&(key.program, key.partner));
    let allocated = Money::checked_sum(
        acct.allocations
            .iter()
            .filter(|(k, _)| k.program == key.program && k.partner == key.partner)
            .map(|(_, slot)| slot.allocated),
    )?;
    let after = allocated.checked_add(amount)?;
    let proposal = ProposedAction::Reprogramming {
        partner: key.partner,
        program: key.program,
        amount,
        justified: justification.map(|j| j.amount),
        already_obligated: allocated,
        country_total_and_653a_level: justification
            .and_then(|j| j.level_653a)
            .map(|level| (after, level)),
    };
    let (account, program, partner) = (acct.symbol, key.program, key.partner);
    match notification::check_given(&proposal, date, notified, thresholds()) {
        Ok(_) => Ok(()),
        Err(NoticeGap::Required(notice)) => Err(BudgetError::NoticeRequired {
            account,
            program,
            partner,
            notice,
        }),
        Err(NoticeGap::Pending { notice, notified }) => Err(BudgetError::ReviewPeriodRunning {
            account,
            program,
            partner,
            notified,
            notice,
        }),
        Err(NoticeGap::Assess(AssessError::ReviewOutOfRange { date, .. })) => {
            Err(shape("reprogram", ShapeError::DateOutOfRange { date }))
        }
        // The figure that left the range of money: a sum of obligations and the amount,
        // or a country's excess over its 653(a) level (a difference).
        Err(NoticeGap::Assess(error)) => Err(BudgetError::Money(MoneyError::Overflow {
            operation: match error {
                AssessError::Overflow {
                    figure: Figure::ExcessOver653a,
                    ..
                } => MoneyOperation::Subtract,
                _ => MoneyOperation::Add,
            },
        })),
    }
}

/// An account is apportioned by period (Category A) or by program (Category B) (31 U.S.C.
/// 1512(a)); this ledger keeps one kind of line per account, so never both.
fn check_one_category(acct: &AccountState, category: Apportionment) -> Result<(), BudgetError> {
    let existing = match category {
        Apportionment::ByPeriod { .. } if !acct.by_program.is_empty() => "program",
        Apportionment::ByProgram { .. } if !acct.by_period.is_empty() => "period",
        Apportionment::ByPeriod { .. } | Apportionment::ByProgram { .. } => return Ok(()),
    };
    Err(BudgetError::ApportionmentMixed {
        account: acct.symbol,
        existing: existing.to_owned(),
    })
}

/// How much of an apportionment line (`line_before`) may be withdrawn on `date`: no more
/// than is apportioned and not yet allotted, and for Category B no more than the program's
/// line has not allocated; for Category A, what stays apportioned to date must still cover
/// the allotments.
fn withdrawal_room(
    acct: &AccountState,
    category: Apportionment,
    line_before: Money,
    date: NaiveDate,
) -> Result<Money, BudgetError> {
    let room = acct
        .apportioned
        .checked_sub(acct.allotted)?
        .min(line_before);
    Ok(match category {
        Apportionment::ByProgram { program } => {
            let used = acct
                .allocated_by_program
                .get(&program)
                .copied()
                .unwrap_or(Money::ZERO);
            room.min(line_before.checked_sub(used)?)
        }
        Apportionment::ByPeriod { from } => {
            // From the later of the command's date and the line's first day on.
            let to_date = acct.apportioned_on(date.max(from))?;
            room.min(to_date.checked_sub(acct.allotted)?)
        }
    })
}

/// The allocation a reprogramming moves funds from, and its balances; it must exist, under
/// an allotment that exists.
fn reprogram_source<'k>(
    acct: &AccountState,
    from_key: &'k AllocationKey,
) -> Result<(&'k AllocationKey, Slot), BudgetError> {
    let slot =
        acct.allocations
            .get(from_key)
            .copied()
            .ok_or_else(|| BudgetError::UnknownAllocation {
                account: acct.symbol,
                key: from_key.clone(),
            })?;
    if !acct.allotments.contains_key(&from_key.holder) {
        return Err(BudgetError::UnknownAllotment {
            account: acct.symbol,
            holder: from_key.holder.clone(),
        });
    }
    Ok((from_key, slot))
}

/// Category B: allocations to a program stay within its apportionment. The apportionment
/// is the higher level, so it is checked before the allotment (DOMAIN.md §1.6). Returns
/// what the program has allocated before this command, less what a reprogramming within
/// the program (`from` of the same program) releases.
fn program_line_room(
    acct: &AccountState,
    key: &AllocationKey,
    amount: Money,
    from: Option<&AllocationKey>,
) -> Result<Money, BudgetError> {
    let released = match from {
        Some(from_key) if from_key.program == key.program => amount,
        Some(_) | None => Money::ZERO,
    };
    let prior_prog = acct
        .allocated_by_program
        .get(&key.program)
        .copied()
        .unwrap_or(Money::ZERO)
        .checked_sub(released)?;
    if !acct.by_program.is_empty() && amount.is_positive() {
        let line = acct
            .by_program
            .get(&key.program)
            .copied()
            .unwrap_or(Money::ZERO);
        let available = line.checked_sub(prior_prog)?;
        if amount > available {
            return Err(exceeds(
                Level::Apportionment,
                acct.symbol,
                amount,
                available.max(Money::ZERO),
            ));
        }
    }
    Ok(prior_prog)
}

/// The allotment's allocated total after allocating `amount` from it (within what it has
/// not allocated, 31 U.S.C. 1517(a)), or returning `-amount` to it from the allocation
/// `current` (within what that allocation has neither committed nor obligated).
fn allotment_draw(
    acct: &AccountState,
    allotment: Allotment,
    current: Slot,
    amount: Money,
) -> Result<Money, BudgetError> {
    if amount.is_positive() {
        let available = allotment.allotted.checked_sub(allotment.allocated)?;
        if amount > available {
            return Err(exceeds(
                Level::Allotment,
                acct.symbol,
                amount,
                available.max(Money::ZERO),
            ));
        }
    } else {
        current.require_free(acct.symbol, amount.checked_neg()?)?;
    }
    Ok(allotment.allocated.checked_add(amount)?)
}

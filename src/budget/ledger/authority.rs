//! Budget authority: appropriations, continuing resolutions, transfers between accounts,
//! rescissions and offsetting collections.

use chrono::NaiveDate;

use crate::fiscal::cr_amount;
use crate::money::{Rate, Rounding};

use super::lifecycle::{check_distributable, check_enactable, check_new_obligation};
use super::shape::{exceeds, shape};
use super::state::{Resolution, new_account};
use super::{AccountState, Effect, Ledger, Map, Step};
use crate::budget::error::{BudgetError, Level, ShapeError};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::ussgl::{TrialBalance, Ussgl};
use crate::money::Money;
use crate::purpose::ProgramKind;

impl Ledger {
    pub(super) fn appropriate<'c>(
        &self,
        step: Step<'_>,
        symbol: AccountSymbol,
        title: &'c str,
        purposes: &'c [ProgramKind],
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let purposes = normalized(purposes);
        match self.accounts.get(&symbol) {
            None => {
                check_enactable(name, &symbol, date)?;
                self.check_resources(symbol, amount)?;
                let gl = TrialBalance::default().post(
                    Ussgl::OtherAppropriationsRealized,
                    Ussgl::Unapportioned,
                    amount,
                )?;
                let acct = new_account(symbol, title, purposes, date, amount, true, None, gl);
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        accounts.insert(symbol, acct);
                    },
                ))
            }
            Some(existing) => {
                if existing.purposes != purposes {
                    return Err(BudgetError::AccountExists {
                        account: symbol,
                        existing: existing.purposes.clone(),
                    });
                }
                check_enactable(name, &symbol, date)?;
                // A full-year act supersedes continuing-resolution authority: the resolution's
                // amount is replaced by the full-year amount.
                let (appropriated, delta) = if existing.full_year {
                    (existing.appropriated.checked_add(amount)?, amount)
                } else {
                    let cr = existing.resolution.map_or(Money::ZERO, |r| r.amount);
                    (amount, amount.checked_sub(cr)?)
                };
                self.check_resources(symbol, delta)?;
                let mut next = existing.clone_totals();
                next.appropriated = appropriated;
                next.full_year = true;
                let authority = next.authority()?;
                if authority < existing.apportioned {
                    return Err(exceeds(
                        Level::Appropriation,
                        symbol,
                        existing.apportioned,
                        authority,
                    ));
                }
                let gl = existing.gl.post(
                    Ussgl::OtherAppropriationsRealized,
                    Ussgl::Unapportioned,
                    delta,
                )?;
                Ok(Box::new(
                    move |accounts: &mut Map<AccountSymbol, AccountState>| {
                        if let Some(acct) = accounts.get_mut(&symbol) {
                            acct.appropriated = appropriated;
                            acct.full_year = true;
                            acct.gl = gl;
                        }
                    },
                ))
            }
        }
    }

    /// A continuing resolution: authority at the annual rate for the days it covers,
    /// apportioned at once (OMB's automatic apportionment under a resolution, A-11 §123),
    /// for an account without a full-year act.
    pub(super) fn continuing_resolution<'c>(
        &self,
        step: Step<'_>,
        symbol: AccountSymbol,
        title: &'c str,
        purposes: &'c [ProgramKind],
        resolution: Resolution,
    ) -> Result<Effect<'c>, BudgetError> {
        let purposes = normalized(purposes);
        match self.accounts.get(&symbol) {
            None => self.first_resolution(step, symbol, title, purposes, resolution),
            Some(existing) => self.longer_resolution(step, existing, purposes, resolution),
        }
    }

    /// The first resolution of an account opens it.
    fn first_resolution<'c>(
        &self,
        step: Step<'_>,
        symbol: AccountSymbol,
        title: &str,
        purposes: Vec<ProgramKind>,
        resolution: Resolution,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let Resolution { amount, .. } = resolution;
        let from = symbol.period().first().first_day();
        check_enactable(name, &symbol, date)?;
        self.check_resources(symbol, amount)?;
        let gl = TrialBalance::default()
            .post(
                Ussgl::OtherAppropriationsRealized,
                Ussgl::Unapportioned,
                amount,
            )?
            .post(Ussgl::Unapportioned, Ussgl::Apportionments, amount)?;
        let mut acct = new_account(
            symbol,
            title,
            purposes,
            date,
            Money::ZERO,
            false,
            Some(resolution),
            gl,
        );
        acct.apportioned = amount;
        acct.by_period.insert(from, amount);
        Ok(Box::new(
            move |accounts: &mut Map<AccountSymbol, AccountState>| {
                accounts.insert(symbol, acct);
            },
        ))
    }

    /// A later, longer resolution adds what it provides beyond the one in force.
    fn longer_resolution<'c>(
        &self,
        step: Step<'_>,
        existing: &AccountState,
        purposes: Vec<ProgramKind>,
        resolution: Resolution,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let Resolution { amount, through } = resolution;
        let symbol = existing.symbol;
        let from = symbol.period().first().first_day();
        let previous = existing.resolution.map_or(Money::ZERO, |r| r.amount);
        let delta = amount.checked_sub(previous)?;
        if delta.is_negative() {
            // A shorter resolution than the one in force adds nothing; a shape
            // error, so it ranks before the existence checks below.
            return Err(shape(name, ShapeError::ResolutionOutsideYear { through }));
        }
        if existing.full_year || existing.purposes != purposes || !existing.by_program.is_empty() {
            return Err(BudgetError::AccountExists {
                account: symbol,
                existing: existing.purposes.clone(),
            });
        }
        check_enactable(name, &symbol, date)?;
        self.check_resources(symbol, delta)?;
        let gl = existing
            .gl
            .post(
                Ussgl::OtherAppropriationsRealized,
                Ussgl::Unapportioned,
                delta,
            )?
            .post(Ussgl::Unapportioned, Ussgl::Apportionments, delta)?;
        let apportioned = existing.apportioned.checked_add(delta)?;
        let line = existing
            .by_period
            .get(&from)
            .copied()
            .unwrap_or(Money::ZERO)
            .checked_add(delta)?;
        Ok(Box::new(
            move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(acct) = accounts.get_mut(&symbol) {
                    acct.resolution = Some(resolution);
                    acct.apportioned = apportioned;
                    acct.by_period.insert(from, line);
                    acct.gl = gl;
                }
            },
        ))
    }

    pub(super) fn transfer<'c>(
        &self,
        step: Step<'_>,
        from: &'c AccountSymbol,
        to: &'c AccountSymbol,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        if from == to {
            return Err(shape(name, ShapeError::SameSourceAndDestination));
        }
        let source = self.account(from)?;
        let dest = self.account(to)?;
        check_new_obligation(name, source, date)?;
        check_new_obligation(name, dest, date)?;
        source.check_unapportioned(amount)?;
        let out_total = source.transfers_out.checked_add(amount)?;
        let in_total = dest.transfers_in.checked_add(amount)?;
        self.check_resources(*to, amount)?;
        let source_gl =
            source
                .gl
                .post(Ussgl::Unapportioned, Ussgl::TransfersCurrentYear, amount)?;
        let dest_gl = dest
            .gl
            .post(Ussgl::TransfersCurrentYear, Ussgl::Unapportioned, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(from) {
                    a.transfers_out = out_total;
                    a.gl = source_gl;
                }
                if let Some(a) = accounts.get_mut(to) {
                    a.transfers_in = in_total;
                    a.gl = dest_gl;
                }
            });
        Ok(effect)
    }

    pub(super) fn rescind<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        check_distributable(name, acct, date)?;
        acct.check_unapportioned(amount)?;
        let rescinded = acct.rescinded.checked_add(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Unapportioned, Ussgl::Rescissions, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(symbol) {
                    a.rescinded = rescinded;
                    a.gl = gl;
                }
            });
        Ok(effect)
    }

    /// Credits an offsetting collection to the account: new budget authority, not yet
    /// apportioned (Dr 4252, Cr 4450). Collected on the day it was earned (`earned` is
    /// `None`), the account must be unexpired; earned earlier, the account must have been
    /// unexpired on the day earned and not be cancelled on the day collected (31 U.S.C.
    /// 1552(b), 1553(a)).
    pub(super) fn collect<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
        earned: Option<NaiveDate>,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        if acct.collected.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: *symbol,
                document: document.clone(),
                what: "a collection".to_owned(),
            });
        }
        match earned {
            None => check_new_obligation(name, acct, date)?,
            Some(earned) => {
                check_distributable(name, acct, date)?;
                check_new_obligation(name, acct, earned)?;
            }
        }
        let collections = acct.collections.checked_add(amount)?;
        self.check_resources(*symbol, amount)?;
        let gl = acct
            .gl
            .post(Ussgl::ReimbursementsCollected, Ussgl::Unapportioned, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(symbol) {
                    a.collections = collections;
                    a.collected.insert(document.clone(), amount);
                    a.gl = gl;
                }
            });
        Ok(effect)
    }

    /// Takes back part or all of a collection (Dr 4450, Cr 4252): no more than remains
    /// collected on its document, and no more than the account's unapportioned authority.
    pub(super) fn reverse_collection<'c>(
        &self,
        step: Step<'_>,
        symbol: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        let Some(&remaining) = acct.collected.get(document) else {
            return Err(BudgetError::UnknownCollection {
                account: *symbol,
                document: document.clone(),
            });
        };
        check_distributable(name, acct, date)?;
        if amount > remaining {
            return Err(exceeds(Level::Collection, *symbol, amount, remaining));
        }
        acct.check_unapportioned(amount)?;
        let remaining = remaining.checked_sub(amount)?;
        let collections = acct.collections.checked_sub(amount)?;
        let gl = acct
            .gl
            .post(Ussgl::Unapportioned, Ussgl::ReimbursementsCollected, amount)?;
        let effect: Effect<'c> =
            Box::new(move |accounts: &mut Map<AccountSymbol, AccountState>| {
                if let Some(a) = accounts.get_mut(symbol) {
                    a.collections = collections;
                    a.collected.insert(document.clone(), remaining);
                    a.gl = gl;
                }
            });
        Ok(effect)
    }
}

pub(super) fn normalized(purposes: &[ProgramKind]) -> Vec<ProgramKind> {
    let mut v = purposes.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

/// The authority a continuing resolution provides through `through`: its annual rate for
/// the days from the start of its fiscal year (or its seasonal limit), rounded half to
/// even ([`cr_amount`]). A resolution must end within its account's first fiscal year and
/// not before its own date: otherwise it is malformed.
pub(super) fn resolution(
    step: Step<'_>,
    account: &AccountSymbol,
    annual_rate: Money,
    through: NaiveDate,
    seasonal_limit: Option<Rate>,
) -> Result<Resolution, BudgetError> {
    let Step { name, date, .. } = step;
    let fy = account.period().first();
    if through < fy.first_day() || through > fy.last_day() || through < date {
        return Err(shape(name, ShapeError::ResolutionOutsideYear { through }));
    }
    let days = u32::try_from(
        through
            .signed_duration_since(fy.first_day())
            .num_days()
            .saturating_add(1),
    )
    .unwrap_or(0);
    let amount = cr_amount(annual_rate, days, fy, seasonal_limit, Rounding::HalfEven)
        .map_err(|_| shape(name, ShapeError::ResolutionOutsideYear { through }))?;
    Ok(Resolution { amount, through })
}

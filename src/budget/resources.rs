//! The range of money a ledger may hold (issue 17 item 7): every state the ledger accepts
//! stays reportable.
//!
//! An account's *resources* are what was made available to it: its full-year
//! appropriations (or its continuing resolution's amount until they arrive), transfers in
//! and offsetting collections. Budget authority is the resources less transfers out and
//! rescissions, which the ledger never lets exceed them (a rescission or transfer out is
//! refused above the unapportioned authority). Every figure a report shows — appropriated,
//! transferred, collected, rescinded, authority, apportioned, allotted, obligated, each
//! SF-133 line — is therefore a part of the resources, or a difference of such parts, and
//! every column of the status of funds adds accounts together.
//!
//! So the ledger refuses, with [`BudgetError::ResourcesOutOfRange`], a command that would
//! take the resources of all its accounts together beyond the largest amount [`Money`]
//! holds, and computes authority as resources first, reductions after. Refusing is right
//! for money, rather than accepting the command and letting a report fail later: the
//! refusal comes when the caller can still act on it, it names the room left, and it
//! changes nothing; a ledger that accepts an amount it cannot total would fail every
//! report after it, for ever. The bound (about 7.9 × 10²⁶ dollars) is far above any real
//! appropriation, so no real command meets it.

use super::error::BudgetError;
use super::ids::AccountSymbol;
use super::ledger::{AccountState, Ledger};
use crate::money::Money;

/// The largest amount [`Money`] holds: 2⁹⁶ − 1 cents.
fn largest() -> Money {
    let cents = rust_decimal::Decimal::MAX.mantissa();
    Money::from_decimal(
        rust_decimal::Decimal::from_i128_with_scale(cents, 2),
        crate::money::Rounding::TowardZero,
    )
    .unwrap_or(Money::ZERO)
}

impl AccountState {
    /// The resources made available to the account: full-year appropriations (or the
    /// continuing resolution's amount until they arrive), transfers in and collections.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Money`] only for a state the ledger would not have accepted.
    pub(crate) fn resources(&self) -> Result<Money, BudgetError> {
        let base = if self.full_year {
            self.appropriated
        } else {
            self.resolution.map_or(Money::ZERO, |r| r.amount)
        };
        Ok(Money::checked_sum([
            base,
            self.transfers_in,
            self.collections,
        ])?)
    }
}

impl Ledger {
    /// Refuses adding `added` to the resources of `account` when the resources of every
    /// account together would then leave the range of [`Money`]; a decrease is always
    /// allowed.
    ///
    /// # Errors
    ///
    /// [`BudgetError::ResourcesOutOfRange`] naming the account, the amount and the room.
    pub(crate) fn check_resources(
        &self,
        account: AccountSymbol,
        added: Money,
    ) -> Result<(), BudgetError> {
        if !added.is_positive() {
            return Ok(());
        }
        let total = Money::checked_sum(
            self.accounts
                .values()
                .map(AccountState::resources)
                .collect::<Result<Vec<_>, _>>()?,
        )?;
        let room = largest().checked_sub(total)?;
        if added > room {
            return Err(BudgetError::ResourcesOutOfRange {
                account,
                requested: added,
                room,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::largest;
    use crate::money::Money;

    #[test]
    fn the_largest_amount_is_the_largest_money() {
        let top = largest();
        assert_eq!(
            top.to_decimal().to_string(),
            "792281625142643375935439503.35"
        );
        assert!(top.checked_add(Money::from_cents(1)).is_err());
    }
}

//! Payments on obligations: disbursements (asked of the gate when its rules bar
//! expenditures) and refunds of them.

use super::documents::ObligationChange;
use super::gate::{Gate, expenditure_check};
use super::lifecycle::check_adjustable;
use super::shape::exceeds;
use super::{Effect, Ledger, Step};
use crate::budget::error::{BudgetError, Level};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::ussgl::Ussgl;
use crate::money::Money;

/// What a payment does to an obligation: a disbursement (asked of the gate when its rules
/// bar expenditures) or a refund of one.
#[derive(Clone, Copy)]
pub(super) enum Outlay<'a> {
    Disburse(Gate<'a>),
    Refund,
}

impl Ledger {
    pub(super) fn pay<'c>(
        &self,
        step: Step<'_>,
        symbol: &AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
        outlay: Outlay<'_>,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { name, date, .. } = step;
        let acct = self.account(symbol)?;
        let obligation = acct.obligation(document)?;
        check_adjustable(name, acct, date)?;
        let (signed, gl) = if let Outlay::Disburse(gate) = outlay {
            let unpaid = obligation.obligated.checked_sub(obligation.disbursed)?;
            if amount > unpaid {
                return Err(exceeds(Level::Obligation, *symbol, amount, unpaid));
            }
            expenditure_check(gate, symbol, &obligation.key, date, amount, document)?;
            let gl = acct
                .gl
                .post(Ussgl::UnpaidObligations, Ussgl::PaidObligations, amount)?;
            (amount, gl)
        } else {
            if amount > obligation.disbursed {
                return Err(exceeds(
                    Level::Disbursement,
                    *symbol,
                    amount,
                    obligation.disbursed,
                ));
            }
            let gl = acct
                .gl
                .post(Ussgl::PaidObligations, Ussgl::UnpaidObligations, amount)?;
            (amount.checked_neg()?, gl)
        };
        let disbursed = obligation.disbursed.checked_add(signed)?;
        let mut slot = acct
            .allocations
            .get(&obligation.key)
            .copied()
            .unwrap_or_default();
        slot.disbursed = slot.disbursed.checked_add(signed)?;
        let change = ObligationChange {
            key: obligation.key.clone(),
            slot,
            draw: None,
            obligated: obligation.obligated,
            disbursed,
            recoveries: obligation.recoveries,
            gl,
        };
        Ok(change.effect(*symbol, document))
    }
}

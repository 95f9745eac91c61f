//! How a status of funds is split by object class: each obligation carries its class
//! ([`ObligationBalance::object_class`](crate::budget::ObligationBalance)), so an
//! allocation's obligations, payments and recoveries are split among its documents'
//! classes, and what is not obligated stays with no class.

use std::collections::BTreeMap;

use super::{MissionKey, MissionRegister, StatusRow};
use crate::budget::{AccountSymbol, AllocationKey, BudgetError, Ledger, ObjectClass};
use crate::money::Money;

/// Obligated, disbursed and recovered on the documents of one class (and mission key)
/// under one allocation.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ClassSums {
    obligated: Money,
    disbursed: Money,
    recoveries: Money,
}

/// The obligations of a ledger (as it stood on the report's date), per allocation, then
/// per mission key (from the register; [`MissionKey::Unassigned`] for untagged
/// documents) and object class.
pub(crate) type ClassedObligations =
    BTreeMap<(AccountSymbol, AllocationKey), BTreeMap<(MissionKey, ObjectClass), ClassSums>>;

/// Every obligation of `ledger`, summed per allocation, mission key and object class.
pub(crate) fn classed_obligations(
    ledger: &Ledger,
    missions: &MissionRegister,
) -> Result<ClassedObligations, BudgetError> {
    let mut out = ClassedObligations::new();
    for account in ledger.accounts() {
        for (document, balance) in ledger.obligations_of(&account)? {
            let mission = missions
                .mission(&account, &document)
                .map_or(MissionKey::Unassigned, MissionKey::Area);
            let sums = out
                .entry((account, balance.key))
                .or_default()
                .entry((mission, balance.object_class))
                .or_default();
            sums.obligated = sums.obligated.checked_add(balance.obligated)?;
            sums.disbursed = sums.disbursed.checked_add(balance.disbursed)?;
            sums.recoveries = sums.recoveries.checked_add(balance.recoveries)?;
        }
    }
    Ok(out)
}

/// Splits the row of one allocation (`key` of `account`) by the object class (and mission
/// key) of its documents: each class gets its documents' obligated, disbursed and
/// recovered amounts, counted from budget authority down to obligated like the mission
/// split ([`Dimension::MissionArea`](super::Dimension::MissionArea)); what is left
/// (unobligated, committed) has no class and is unassigned. The pieces add up to `row` in
/// every column, to the cent.
pub(crate) fn split_by_class(
    account: AccountSymbol,
    key: &AllocationKey,
    row: StatusRow,
    classed: &ClassedObligations,
) -> Result<Vec<(MissionKey, Option<ObjectClass>, StatusRow)>, BudgetError> {
    let Some(groups) = classed.get(&(account, key.clone())) else {
        return Ok(vec![(MissionKey::Unassigned, None, row)]);
    };
    let mut rest = row.clone();
    let mut pieces = Vec::with_capacity(groups.len().saturating_add(1));
    for ((mission, class), sums) in groups {
        let bound = sums.obligated;
        // A piece's key and account status are its caller's to set (`grouping::add`
        // keeps the row's own key and adds only the amounts).
        let piece = StatusRow {
            budget_authority: bound,
            apportioned: bound,
            allotted: bound,
            allocated: bound,
            obligated: bound,
            disbursed: sums.disbursed,
            unliquidated: bound.checked_sub(sums.disbursed)?,
            recoveries: sums.recoveries,
            ..StatusRow::default()
        };
        rest.subtract(&piece)?;
        pieces.push((*mission, Some(*class), piece));
    }
    // The ledger keeps an allocation's obligated, disbursed and recovered amounts as the
    // sums of its documents' (checked by the integration test
    // `report::reports_by_mission_area_reconcile`, grouped by object class too), so what is left for the piece with no class is never negative.
    pieces.push((MissionKey::Unassigned, None, rest));
    Ok(pieces)
}

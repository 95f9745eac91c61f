//! The assistance programs, each speaking to the ledger only through its public commands,
//! as an outside service would, and asking the eligibility engine before it commits money.
//!
//! - [`training`]: courses, resident training and mobile training teams (IMET-like);
//! - [`financing`]: grants, direct loans and loan guarantees (FMF-like);
//! - [`sales`]: sales cases from request to closure (FMS-like);
//! - [`excess`]: transfers of excess articles, as grants or sales (EDA-like);
//! - [`lease`]: leases of articles, rental and return;
//! - [`notice`]: reprogrammings and FMF equipment commitments posted only after the
//!   Congress's review period.

pub mod excess;
pub mod financing;
pub mod lease;
pub mod notice;
pub mod sales;
pub mod training;

use crate::budget::{BudgetError, Command, CommandId, Ledger, Receipt};

/// Applies `command` to `ledger` for a program; a duplicate id is an error rather than a
/// silent no-op. `ledger_error` wraps the ledger's refusal and `duplicate` names the id
/// already taken, each in the calling program's error type.
fn post<E>(
    ledger: &mut Ledger,
    command: Command,
    ledger_error: impl FnOnce(BudgetError) -> E,
    duplicate: impl FnOnce(CommandId) -> E,
) -> Result<Receipt, E> {
    let id = command.id.clone();
    let receipt = ledger.apply(command).map_err(ledger_error)?;
    if receipt.duplicate {
        return Err(duplicate(id));
    }
    Ok(receipt)
}

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

/// A program's error type, in which [`post`] reports the ledger's refusal and a command id
/// already taken.
trait PostingError {
    /// The ledger refused the command.
    fn ledger(error: BudgetError) -> Self;
    /// The command's id was already in the ledger: a duplicate, not applied again.
    fn duplicate(id: CommandId) -> Self;
}

/// Implements [`PostingError`] for a program error with the variants `$ledger` (taking the
/// ledger's error as `$wrap` makes it) and `DuplicateLedgerCommand { id }`.
macro_rules! posting_error {
    ($error:ty, $wrap:expr) => {
        impl PostingError for $error {
            fn ledger(error: BudgetError) -> Self {
                $wrap(error)
            }
            fn duplicate(id: CommandId) -> Self {
                Self::DuplicateLedgerCommand { id }
            }
        }
    };
}
posting_error!(notice::NoticeError, notice::NoticeError::Ledger);
posting_error!(sales::SalesError, sales::SalesError::Ledger);
posting_error!(lease::LeaseError, lease::LeaseError::Ledger);
posting_error!(excess::ExcessError, |e| excess::ExcessError::Ledger(
    Box::new(e)
));
posting_error!(financing::FinancingError, financing::FinancingError::from);
posting_error!(training::TrainingError, training::TrainingError::from);

/// Applies `command` to `ledger` for a program; a duplicate id is an error rather than a
/// silent no-op, each in the calling program's error type.
fn post<E: PostingError>(ledger: &mut Ledger, command: Command) -> Result<Receipt, E> {
    let id = command.id.clone();
    let receipt = ledger.apply(command).map_err(E::ledger)?;
    if receipt.duplicate {
        return Err(E::duplicate(id));
    }
    Ok(receipt)
}

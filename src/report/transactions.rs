//! The money-moving entries of a journal, each with the allocation and instrument of its
//! obligation: the common ground of the IATI and ForeignAssistance.gov exports.

use chrono::NaiveDate;

use super::ReportError;
use crate::budget::{AccountSymbol, Action, AllocationKey, DocumentId, Instrument, Ledger};
use crate::money::Money;

/// Whether a transaction changes what is obligated or what is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Flow {
    /// An obligation, an upward adjustment (positive) or a deobligation (negative).
    Obligation,
    /// A disbursement (positive) or a refund of one (negative).
    Disbursement,
}

/// One money-moving journal entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Transaction {
    pub(super) date: NaiveDate,
    pub(super) account: AccountSymbol,
    pub(super) document: DocumentId,
    pub(super) key: AllocationKey,
    pub(super) instrument: Instrument,
    pub(super) flow: Flow,
    /// Signed: negative for deobligations and refunds.
    pub(super) amount: Money,
}

/// The transactions of `ledger` effective on or before `as_of`, in journal order.
pub(super) fn transactions(
    ledger: &Ledger,
    as_of: NaiveDate,
) -> Result<Vec<Transaction>, ReportError> {
    let then = ledger.as_of(as_of, None)?;
    let mut out = Vec::new();
    for entry in then.journal().iter() {
        let date = entry.command.date;
        let (account, document, flow, amount) = match entry.command.action {
            Action::Obligate {
                account,
                document,
                amount,
                ..
            } => (account, document, Flow::Obligation, amount),
            Action::AdjustObligation {
                account,
                document,
                amount,
            } => (account, document, Flow::Obligation, amount),
            Action::Disburse {
                account,
                document,
                amount,
            } => (account, document, Flow::Disbursement, amount),
            Action::Refund {
                account,
                document,
                amount,
            } => (account, document, Flow::Disbursement, amount.checked_neg()?),
            Action::ChargeToCurrent {
                cancelled,
                document,
                current,
                key,
                amount,
            } => {
                let instrument = then
                    .obligation(&cancelled, &document)
                    .map_or(Instrument::Other, |o| o.instrument);
                out.push(Transaction {
                    date,
                    account: current,
                    document,
                    key,
                    instrument,
                    flow: Flow::Obligation,
                    amount,
                });
                continue;
            }
            _ => continue,
        };
        let obligation =
            then.obligation(&account, &document)
                .ok_or_else(|| ReportError::UnknownDocument {
                    account,
                    document: document.clone(),
                })?;
        out.push(Transaction {
            date,
            account,
            document,
            key: obligation.key,
            instrument: obligation.instrument,
            flow,
            amount,
        });
    }
    Ok(out)
}

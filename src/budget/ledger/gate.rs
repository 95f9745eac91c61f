//! The eligibility gate: a live check, or the decision stored in a journal being replayed.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::budget::command::AllocationKey;
use crate::budget::error::{BudgetError, JournalProblem};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::eligibility::{Decision, Department, EligibilityCheck, EligibilityRequest, Stage};
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// What the gate uses: a live check, or the decision stored in a journal being replayed.
#[derive(Clone, Copy)]
pub(super) enum Gate<'a> {
    /// A live check, and the recorded date the command is decided as known on.
    Live(&'a dyn EligibilityCheck, NaiveDate),
    Stored(Option<&'a Arc<Decision>>),
}

/// `true` if `decision` answers a request about `partner`, `program` and `date`: a stored
/// decision about another partner, program or date does not allow an entry.
pub(super) fn answers(
    decision: &Decision,
    partner: CountryCode,
    program: ProgramKind,
    date: NaiveDate,
) -> bool {
    let request = decision.request();
    request.partner == partner && request.program == program && request.date == date
}

/// The eligibility question for `partner` about funds of `account` under `key`, as known
/// on `recorded`.
pub(super) fn gate_request(
    account: &AccountSymbol,
    key: &AllocationKey,
    partner: CountryCode,
    date: NaiveDate,
    recorded: NaiveDate,
    amount: Option<Money>,
    document: Option<&DocumentId>,
) -> EligibilityRequest {
    let mut request = EligibilityRequest::new(partner, key.program, date);
    request.known_on = Some(recorded);
    request.department = Department::from_agency_code(account.agency());
    request.amount = amount;
    request.document = document.map(|d| d.as_str().to_owned());
    request
}

/// Asks a live gate whether the disbursement may be spent ([`Stage::Expenditure`]), for
/// the partner of the obligation, when the check has rules that can refuse one (SFOPS
/// 7008: no funds "shall be obligated or expended"). Allowed disbursements keep no
/// decision, so replay (a stored gate) does not ask again.
pub(super) fn expenditure_check(
    gate: Gate<'_>,
    account: &AccountSymbol,
    key: &AllocationKey,
    date: NaiveDate,
    amount: Money,
    document: &DocumentId,
) -> Result<(), BudgetError> {
    let (Gate::Live(check, recorded), Some(partner)) = (gate, key.partner) else {
        return Ok(());
    };
    if !check.checks_expenditures() {
        return Ok(());
    }
    let mut request = gate_request(
        account,
        key,
        partner,
        date,
        recorded,
        Some(amount),
        Some(document),
    );
    request.stage = Stage::Expenditure;
    let decision = check.decide(&request);
    if decision.outcome().allows() {
        Ok(())
    } else {
        Err(BudgetError::Ineligible {
            decision: Box::new(decision),
        })
    }
}

/// Asks the gate about a partner; entries without a partner need no decision.
pub(super) fn gate_check(
    gate: Gate<'_>,
    account: &AccountSymbol,
    key: &AllocationKey,
    date: NaiveDate,
    amount: Option<Money>,
    document: Option<&DocumentId>,
) -> Result<Option<Arc<Decision>>, BudgetError> {
    let Some(partner) = key.partner else {
        return Ok(None);
    };
    match gate {
        Gate::Live(check, recorded) => {
            let request = gate_request(account, key, partner, date, recorded, amount, document);
            let decision = check.decide(&request);
            // Paired with the stored arm below: a check must answer the request it was
            // asked, or replay would refuse what was applied. A user's check can get this
            // wrong, so it is a typed error in every build.
            if !answers(&decision, partner, key.program, date) {
                return Err(BudgetError::WrongAnswer {
                    partner,
                    program: key.program,
                    date,
                });
            }
            if decision.outcome().allows() {
                Ok(Some(Arc::new(decision)))
            } else {
                Err(BudgetError::Ineligible {
                    decision: Box::new(decision),
                })
            }
        }
        Gate::Stored(Some(decision))
            if decision.outcome().allows() && answers(decision, partner, key.program, date) =>
        {
            Ok(Some(Arc::clone(decision)))
        }
        Gate::Stored(_) => Err(BudgetError::Journal {
            position: 0,
            problem: Box::new(JournalProblem::MissingDecision),
        }),
    }
}

//! Credit reform in the ledger (see [`crate::budget::credit`]): the financing account's
//! books, the handlers of the credit-reform commands, the guard that keeps budgetary
//! commands out of financing accounts and whole-principal loans out of credit program
//! accounts, and the reconciliation.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::payments::Outlay;
use super::shape::{exceeds, fiscal_year_of, shape};
use super::state::new_account;
use super::{AccountState, Effect, Ledger, Map, Step};
use crate::budget::DirectOrReimbursable;
use crate::budget::command::{Action, Funding, Instrument};
use crate::budget::credit::{
    CohortReconciliation, CreditKind, CreditLoan, CreditReconciliation, Discrepancy,
};
use crate::budget::error::{BudgetError, CreditProblem, Level, ShapeError};
use crate::budget::ids::{AccountSymbol, DocumentId};
use crate::budget::object_class::ObjectClass;
use crate::budget::ussgl::TrialBalance;
use crate::eligibility::Decision;
use crate::fiscal::FiscalYear;
use crate::money::{Money, Rate, Rounding};

/// The object class of a subsidy obligation in a program account: 41.0, grants,
/// subsidies and contributions (OMB Circular A-11 section 83.6).
const SUBSIDY_CLASS: ObjectClass = ObjectClass::GRANTS;

/// What credit reform adds to an account: a program account names its financing
/// account; a financing account keeps its books.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum CreditRole {
    /// A credit program account, financed by `financing`.
    Program {
        /// Its financing account.
        financing: AccountSymbol,
    },
    /// A direct loan financing account.
    Financing(FinancingBook),
    /// A loan guarantee financing account: the book a direct loan account keeps, and the
    /// flows only guarantees have. (Appended last, so that the checkpoints of format 4,
    /// which hold none, read unchanged.)
    Guarantee(FinancingBook, GuaranteeBook),
}

/// What a loan guarantee financing account keeps beside its [`FinancingBook`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct GuaranteeBook {
    /// Fees and claims by cohort.
    pub(crate) cohorts: BTreeMap<FiscalYear, GuaranteeFlows>,
    /// Default claims paid, by guaranteed loan.
    pub(crate) claims: BTreeMap<DocumentId, Money>,
}

/// The flows of one cohort that only guarantees have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct GuaranteeFlows {
    pub(crate) fees: Money,
    pub(crate) claims: Money,
}

impl GuaranteeBook {
    fn flows(&self, cohort: FiscalYear) -> GuaranteeFlows {
        self.cohorts.get(&cohort).copied().unwrap_or_default()
    }

    fn claimed(&self, document: &DocumentId) -> Money {
        self.claims.get(document).copied().unwrap_or(Money::ZERO)
    }
}

/// The books of a financing account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FinancingBook {
    /// The periods of the program account it finances, in the order tied.
    pub(crate) programs: Vec<AccountSymbol>,
    pub(crate) law: String,
    pub(crate) loans: BTreeMap<DocumentId, CreditLoan>,
    pub(crate) cohorts: BTreeMap<FiscalYear, CohortBook>,
    /// The program-account documents that paid upward reestimates, with the cohort each
    /// paid for and what it paid.
    pub(crate) reestimate_documents: BTreeMap<(AccountSymbol, DocumentId), (FiscalYear, Money)>,
    pub(crate) receipts: BTreeMap<AccountSymbol, Money>,
}

/// The flows of one cohort of a financing account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct CohortBook {
    pub(crate) subsidy_received: Money,
    pub(crate) borrowed: Money,
    pub(crate) principal_disbursed: Money,
    pub(crate) principal_collected: Money,
    pub(crate) interest_collected: Money,
    pub(crate) repaid_to_treasury: Money,
    pub(crate) interest_to_treasury: Money,
    pub(crate) upward_reestimates: Money,
    pub(crate) downward_reestimates: Money,
}

impl CohortBook {
    /// Cash: every inflow less every outflow, inflows first so that no partial sum of an
    /// accepted state leaves the range of money. A direct loan cohort pays out the
    /// principal it disburses; a guarantee cohort (`guarantee`, its fees and claims) pays
    /// out claims, the principal being the lender's.
    pub(crate) fn cash(&self, guarantee: Option<GuaranteeFlows>) -> Result<Money, BudgetError> {
        let (fees, paid_out) = match guarantee {
            Some(g) => (g.fees, g.claims),
            None => (Money::ZERO, self.principal_disbursed),
        };
        let inflows = Money::checked_sum([
            self.subsidy_received,
            fees,
            self.borrowed,
            self.principal_collected,
            self.interest_collected,
            self.upward_reestimates,
        ])?;
        let outflows = Money::checked_sum([
            paid_out,
            self.repaid_to_treasury,
            self.interest_to_treasury,
            self.downward_reestimates,
        ])?;
        Ok(inflows.checked_sub(outflows)?)
    }

    pub(crate) fn debt(&self) -> Result<Money, BudgetError> {
        Ok(self.borrowed.checked_sub(self.repaid_to_treasury)?)
    }

    /// Principal owed to the account: a direct loan cohort's disbursed and not repaid; a
    /// guarantee cohort's claims paid and not recovered (the defaulted loans acquired).
    pub(crate) fn receivable(
        &self,
        guarantee: Option<GuaranteeFlows>,
    ) -> Result<Money, BudgetError> {
        let lent = guarantee.map_or(self.principal_disbursed, |g| g.claims);
        Ok(lent.checked_sub(self.principal_collected)?)
    }
}

fn credit_error(account: AccountSymbol, problem: CreditProblem) -> BudgetError {
    BudgetError::Credit { account, problem }
}

/// `true` for the actions a financing account takes.
fn is_credit_action(action: &Action) -> bool {
    matches!(
        action,
        Action::OpenFinancingAccount { .. }
            | Action::ObligateLoan { .. }
            | Action::DisburseLoan { .. }
            | Action::CollectLoan { .. }
            | Action::RepayTreasury { .. }
            | Action::UpwardReestimate { .. }
            | Action::DownwardReestimate { .. }
            | Action::CollectGuaranteeFee { .. }
            | Action::PayDefaultClaim { .. }
    )
}

impl AccountState {
    fn book(&self) -> Result<&FinancingBook, BudgetError> {
        match self.credit.as_deref() {
            Some(CreditRole::Financing(book) | CreditRole::Guarantee(book, _)) => Ok(book),
            _ => Err(credit_error(
                self.symbol,
                CreditProblem::NotFinancingAccount,
            )),
        }
    }

    /// The guarantee book of a loan guarantee financing account; `None` for any other.
    fn guarantees(&self) -> Option<&GuaranteeBook> {
        match self.credit.as_deref() {
            Some(CreditRole::Guarantee(_, guarantees)) => Some(guarantees),
            _ => None,
        }
    }

    /// What a financing account finances.
    fn kind(&self) -> CreditKind {
        if self.guarantees().is_some() {
            CreditKind::LoanGuarantee
        } else {
            CreditKind::DirectLoan
        }
    }

    /// `true` for a financing account.
    pub(crate) fn is_financing(&self) -> bool {
        matches!(
            self.credit.as_deref(),
            Some(CreditRole::Financing(_) | CreditRole::Guarantee(..))
        )
    }
}

impl Ledger {
    /// Refuses a budgetary command aimed at a financing account, and, in a credit program
    /// account, a whole-principal loan obligation or a payment, refund or adjustment of a
    /// credit-reform loan outside the credit-reform commands. Checked after shape and
    /// authority, with the existence checks.
    pub(super) fn check_credit(&self, action: &Action) -> Result<(), BudgetError> {
        if is_credit_action(action) {
            return Ok(());
        }
        for symbol in [action.account(), action.other_account()]
            .into_iter()
            .flatten()
        {
            if self
                .accounts
                .get(&symbol)
                .is_some_and(AccountState::is_financing)
            {
                return Err(credit_error(
                    symbol,
                    CreditProblem::NonBudgetary {
                        action: action.name().to_owned(),
                    },
                ));
            }
        }
        let (account, document, refused) = match action {
            Action::Obligate {
                account,
                document,
                instrument,
                ..
            } => (account, document, *instrument == Instrument::Loan),
            Action::AdjustObligation {
                account, document, ..
            }
            | Action::Disburse {
                account, document, ..
            }
            | Action::Refund {
                account, document, ..
            } => (account, document, false),
            _ => return Ok(()),
        };
        let Some(CreditRole::Program { financing }) =
            self.accounts.get(account).and_then(|a| a.credit.as_deref())
        else {
            return Ok(());
        };
        let is_loan = self
            .accounts
            .get(financing)
            .and_then(|f| f.book().ok())
            .is_some_and(|book| {
                book.loans
                    .get(document)
                    .is_some_and(|loan| loan.program == *account)
            });
        if refused || is_loan {
            return Err(credit_error(
                *account,
                CreditProblem::UseCreditReform {
                    action: action.name().to_owned(),
                    document: document.clone(),
                    financing: *financing,
                },
            ));
        }
        Ok(())
    }

    pub(super) fn open_financing_account<'c>(
        &self,
        step: Step<'_>,
        (symbol, kind): (AccountSymbol, CreditKind),
        program: AccountSymbol,
        title: &str,
        law: &str,
    ) -> Result<Effect<'c>, BudgetError> {
        let Step { date, .. } = step;
        let prog = self.account(&program)?;
        if let Some(role) = prog.credit.as_deref() {
            let financing = match role {
                CreditRole::Program { financing } => *financing,
                CreditRole::Financing(_) | CreditRole::Guarantee(..) => program,
            };
            return Err(credit_error(
                program,
                CreditProblem::AlreadyLinked { financing },
            ));
        }
        if let Some(existing) = self.accounts.get(&symbol) {
            // Another period of the same program account, for the same kind of credit.
            let book = existing.book()?;
            if existing.kind() != kind {
                return Err(credit_error(
                    symbol,
                    CreditProblem::WrongKind {
                        kind: existing.kind(),
                    },
                ));
            }
            let same_program = book.programs.first().is_some_and(|first| {
                first.agency() == program.agency() && first.main_account() == program.main_account()
            });
            if !same_program {
                return Err(credit_error(
                    symbol,
                    CreditProblem::WrongProgram {
                        program: book.programs.first().copied().unwrap_or(program),
                    },
                ));
            }
            return Ok(Box::new(
                move |accounts: &mut Map<AccountSymbol, AccountState>| {
                    with_book(accounts, &symbol, |book| book.programs.push(program));
                    if let Some(p) = accounts.get_mut(&program) {
                        p.credit = Some(Box::new(CreditRole::Program { financing: symbol }));
                    }
                },
            ));
        }
        let mut acct = new_account(
            symbol,
            title,
            prog.purposes.clone(),
            date,
            Money::ZERO,
            true,
            None,
            TrialBalance::default(),
        );
        let book = FinancingBook {
            programs: vec![program],
            law: law.to_owned(),
            loans: BTreeMap::new(),
            cohorts: BTreeMap::new(),
            reestimate_documents: BTreeMap::new(),
            receipts: BTreeMap::new(),
        };
        acct.credit = Some(Box::new(match kind {
            CreditKind::DirectLoan => CreditRole::Financing(book),
            CreditKind::LoanGuarantee => CreditRole::Guarantee(book, GuaranteeBook::default()),
        }));
        Ok(Box::new(
            move |accounts: &mut Map<AccountSymbol, AccountState>| {
                accounts.insert(symbol, acct);
                if let Some(p) = accounts.get_mut(&program) {
                    p.credit = Some(Box::new(CreditRole::Program { financing: symbol }));
                }
            },
        ))
    }

    /// The financing account `financing` and its book, checking that it finances
    /// `program` when given.
    fn financing_book(
        &self,
        financing: &AccountSymbol,
        program: Option<&AccountSymbol>,
    ) -> Result<&FinancingBook, BudgetError> {
        let book = self.account(financing)?.book()?;
        if let Some(program) = program {
            if !book.programs.contains(program) {
                return Err(credit_error(
                    *financing,
                    CreditProblem::WrongProgram {
                        program: book.programs.first().copied().unwrap_or(*program),
                    },
                ));
            }
        }
        Ok(book)
    }

    /// The guarantee flows of `cohort` in financing account `financing`: `None` for a
    /// direct loan account.
    fn guarantee_flows(
        &self,
        financing: &AccountSymbol,
        cohort: FiscalYear,
    ) -> Option<GuaranteeFlows> {
        self.accounts
            .get(financing)?
            .guarantees()
            .map(|g| g.flows(cohort))
    }

    /// The guarantee book of loan guarantee financing account `financing`.
    fn guarantee_book(&self, financing: &AccountSymbol) -> Result<&GuaranteeBook, BudgetError> {
        let account = self.account(financing)?;
        account.book()?;
        account
            .guarantees()
            .ok_or_else(|| credit_error(*financing, CreditProblem::NotGuarantee))
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn obligate_loan<'c>(
        &self,
        step: Step<'_>,
        (program, financing): (&'c AccountSymbol, AccountSymbol),
        document: &'c DocumentId,
        funding: &'c Funding,
        principal: Money,
        (rate, rounding): (Rate, Rounding),
        rate_source: &str,
    ) -> Result<(Option<Arc<Decision>>, Effect<'c>), BudgetError> {
        let book = self.financing_book(&financing, Some(program))?;
        if book.loans.contains_key(document) {
            return Err(BudgetError::DocumentExists {
                account: financing,
                document: document.clone(),
                what: "a loan".to_owned(),
            });
        }
        let cohort = fiscal_year_of(step.name, step.date)?;
        let subsidy = rate.apply(principal, rounding)?;
        if !subsidy.is_positive() {
            return Err(shape(
                step.name,
                ShapeError::NotPositive { amount: subsidy },
            ));
        }
        let (decision, obligate) = self.obligate(
            step,
            program,
            document,
            // The subsidy cost is paid from the program account's appropriation: direct.
            (
                Instrument::Loan,
                SUBSIDY_CLASS,
                DirectOrReimbursable::Direct,
            ),
            funding,
            subsidy,
        )?;
        let loan = CreditLoan {
            document: document.clone(),
            program: *program,
            cohort,
            principal,
            subsidy,
            subsidy_rate: rate,
            rate_source: rate_source.to_owned(),
            disbursed: Money::ZERO,
            subsidy_received: Money::ZERO,
            principal_collected: Money::ZERO,
            interest_collected: Money::ZERO,
        };
        let effect: Effect<'c> = Box::new(move |accounts| {
            obligate(accounts);
            with_book(accounts, &financing, |book| {
                book.cohorts.entry(cohort).or_default();
                book.loans.insert(loan.document.clone(), loan);
            });
        });
        Ok((decision, effect))
    }

    pub(super) fn disburse_loan<'c>(
        &self,
        step: Step<'_>,
        financing: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let book = self.financing_book(financing, None)?;
        let loan = loan_of(book, financing, document)?;
        let undisbursed = loan.principal.checked_sub(loan.disbursed)?;
        if amount > undisbursed {
            return Err(exceeds(
                Level::LoanPrincipal,
                *financing,
                amount,
                undisbursed,
            ));
        }
        // The subsidy that the principal disbursed so far bears, rounded half even; the
        // share of this disbursement is the difference, so the shares sum to the subsidy
        // exactly once the whole principal is disbursed.
        let disbursed = loan.disbursed.checked_add(amount)?;
        let due = loan.subsidy.checked_mul_ratio(
            i128::from(disbursed.to_cents()?),
            i128::from(loan.principal.to_cents()?),
            Rounding::HalfEven,
        )?;
        let share = due.checked_sub(loan.subsidy_received)?;
        let guarantee = self.guarantee_flows(financing, loan.cohort);
        // A direct loan's principal leaves the account: what the subsidy does not cover is
        // borrowed. A guaranteed loan's is the lender's: the account only receives the
        // subsidy.
        let borrowed = if guarantee.is_some() {
            Money::ZERO
        } else {
            amount.checked_sub(share)?
        };
        let pay = if share.is_positive() {
            Some(self.pay(
                step,
                &loan.program,
                document,
                share,
                Outlay::Disburse(step.gate),
            )?)
        } else {
            None
        };
        let cohort = loan.cohort;
        let mut cohort_book = book.cohorts.get(&cohort).copied().unwrap_or_default();
        cohort_book.subsidy_received = cohort_book.subsidy_received.checked_add(share)?;
        cohort_book.borrowed = cohort_book.borrowed.checked_add(borrowed)?;
        cohort_book.principal_disbursed = cohort_book.principal_disbursed.checked_add(amount)?;
        cohort_book.cash(guarantee)?;
        let mut next = loan.clone();
        next.disbursed = disbursed;
        next.subsidy_received = due;
        Ok(Box::new(move |accounts| {
            if let Some(pay) = pay {
                pay(accounts);
            }
            with_book(accounts, financing, |book| {
                book.cohorts.insert(cohort, cohort_book);
                book.loans.insert(document.clone(), next);
            });
        }))
    }

    pub(super) fn collect_loan<'c>(
        &self,
        financing: &'c AccountSymbol,
        document: &'c DocumentId,
        principal: Money,
        interest: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let book = self.financing_book(financing, None)?;
        let loan = loan_of(book, financing, document)?;
        // A guarantee account is owed only what it paid in claims (the defaulted loan).
        let lent = match self.account(financing)?.guarantees() {
            Some(g) => g.claimed(document),
            None => loan.disbursed,
        };
        let receivable = lent.checked_sub(loan.principal_collected)?;
        if principal > receivable {
            return Err(exceeds(
                Level::LoanReceivable,
                *financing,
                principal,
                receivable,
            ));
        }
        let cohort = loan.cohort;
        let mut cohort_book = book.cohorts.get(&cohort).copied().unwrap_or_default();
        cohort_book.principal_collected = cohort_book.principal_collected.checked_add(principal)?;
        cohort_book.interest_collected = cohort_book.interest_collected.checked_add(interest)?;
        cohort_book.cash(self.guarantee_flows(financing, cohort))?;
        let mut next = loan.clone();
        next.principal_collected = loan.principal_collected.checked_add(principal)?;
        next.interest_collected = loan.interest_collected.checked_add(interest)?;
        Ok(Box::new(move |accounts| {
            with_book(accounts, financing, |book| {
                book.cohorts.insert(cohort, cohort_book);
                book.loans.insert(document.clone(), next);
            });
        }))
    }

    pub(super) fn repay_treasury<'c>(
        &self,
        financing: &'c AccountSymbol,
        cohort: FiscalYear,
        principal: Money,
        interest: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let book = self.financing_book(financing, None)?;
        let mut cohort_book = cohort_book(book, financing, cohort)?;
        let debt = cohort_book.debt()?;
        if principal > debt {
            return Err(exceeds(Level::FinancingDebt, *financing, principal, debt));
        }
        let cash = cohort_book.cash(self.guarantee_flows(financing, cohort))?;
        let paid = principal.checked_add(interest)?;
        if paid > cash {
            return Err(exceeds(Level::FinancingCash, *financing, paid, cash));
        }
        cohort_book.repaid_to_treasury = cohort_book.repaid_to_treasury.checked_add(principal)?;
        cohort_book.interest_to_treasury =
            cohort_book.interest_to_treasury.checked_add(interest)?;
        Ok(Box::new(move |accounts| {
            with_book(accounts, financing, |book| {
                book.cohorts.insert(cohort, cohort_book);
            });
        }))
    }

    pub(super) fn upward_reestimate<'c>(
        &self,
        step: Step<'_>,
        (program, financing): (AccountSymbol, &'c AccountSymbol),
        cohort: FiscalYear,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let book = self.financing_book(financing, Some(&program))?;
        if book
            .loans
            .get(document)
            .is_some_and(|loan| loan.program == program)
        {
            return Err(credit_error(
                program,
                CreditProblem::UseCreditReform {
                    action: step.name.to_owned(),
                    document: document.clone(),
                    financing: *financing,
                },
            ));
        }
        let mut cohort_book = cohort_book(book, financing, cohort)?;
        let key = (program, document.clone());
        let paid_before = match book.reestimate_documents.get(&key) {
            Some((earlier, _)) if *earlier != cohort => {
                return Err(BudgetError::DocumentExists {
                    account: program,
                    document: document.clone(),
                    what: format!("a reestimate of cohort {earlier}"),
                });
            }
            Some((_, paid)) => *paid,
            None => Money::ZERO,
        };
        let paid = paid_before.checked_add(amount)?;
        let pay = self.pay(
            step,
            &program,
            document,
            amount,
            Outlay::Disburse(step.gate),
        )?;
        cohort_book.upward_reestimates = cohort_book.upward_reestimates.checked_add(amount)?;
        cohort_book.cash(self.guarantee_flows(financing, cohort))?;
        Ok(Box::new(move |accounts| {
            pay(accounts);
            with_book(accounts, financing, |book| {
                book.cohorts.insert(cohort, cohort_book);
                book.reestimate_documents.insert(key, (cohort, paid));
            });
        }))
    }

    pub(super) fn downward_reestimate<'c>(
        &self,
        financing: &'c AccountSymbol,
        cohort: FiscalYear,
        receipt: AccountSymbol,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let book = self.financing_book(financing, None)?;
        let mut cohort_book = cohort_book(book, financing, cohort)?;
        let cash = cohort_book.cash(self.guarantee_flows(financing, cohort))?;
        if amount > cash {
            return Err(exceeds(Level::FinancingCash, *financing, amount, cash));
        }
        cohort_book.downward_reestimates = cohort_book.downward_reestimates.checked_add(amount)?;
        let credited = book
            .receipts
            .get(&receipt)
            .copied()
            .unwrap_or(Money::ZERO)
            .checked_add(amount)?;
        Ok(Box::new(move |accounts| {
            with_book(accounts, financing, |book| {
                book.cohorts.insert(cohort, cohort_book);
                book.receipts.insert(receipt, credited);
            });
        }))
    }

    pub(super) fn collect_guarantee_fee<'c>(
        &self,
        financing: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let guarantees = self.guarantee_book(financing)?;
        let book = self.financing_book(financing, None)?;
        let cohort = loan_of(book, financing, document)?.cohort;
        let mut flows = guarantees.flows(cohort);
        flows.fees = flows.fees.checked_add(amount)?;
        cohort_book(book, financing, cohort)?.cash(Some(flows))?;
        Ok(Box::new(move |accounts| {
            with_guarantees(accounts, financing, |_, guarantees| {
                guarantees.cohorts.insert(cohort, flows);
            });
        }))
    }

    pub(super) fn pay_default_claim<'c>(
        &self,
        financing: &'c AccountSymbol,
        document: &'c DocumentId,
        amount: Money,
    ) -> Result<Effect<'c>, BudgetError> {
        let guarantees = self.guarantee_book(financing)?;
        let book = self.financing_book(financing, None)?;
        let loan = loan_of(book, financing, document)?;
        let claimed = guarantees.claimed(document);
        let outstanding = loan.disbursed.checked_sub(claimed)?;
        if amount > outstanding {
            return Err(exceeds(
                Level::GuaranteeOutstanding,
                *financing,
                amount,
                outstanding,
            ));
        }
        let cohort = loan.cohort;
        let mut flows = guarantees.flows(cohort);
        let mut cohort_book = cohort_book(book, financing, cohort)?;
        // The claim is paid from the cohort's cash; the Treasury lends the shortfall.
        let cash = cohort_book.cash(Some(flows))?;
        let shortfall = amount.checked_sub(cash)?.max(Money::ZERO);
        cohort_book.borrowed = cohort_book.borrowed.checked_add(shortfall)?;
        flows.claims = flows.claims.checked_add(amount)?;
        cohort_book.cash(Some(flows))?;
        let claimed = claimed.checked_add(amount)?;
        Ok(Box::new(move |accounts| {
            with_guarantees(accounts, financing, |book, guarantees| {
                book.cohorts.insert(cohort, cohort_book);
                guarantees.cohorts.insert(cohort, flows);
                guarantees.claims.insert(document.clone(), claimed);
            });
        }))
    }

    /// Every financing account's symbol, sorted: the non-budgetary accounts that
    /// [`Ledger::accounts`] leaves out (2 U.S.C. 661c(d)(3)).
    #[must_use]
    pub fn financing_accounts(&self) -> Vec<AccountSymbol> {
        let mut symbols: Vec<_> = self
            .accounts
            .values()
            .filter(|a| a.is_financing())
            .map(|a| a.symbol)
            .collect();
        symbols.sort_unstable();
        symbols
    }

    /// The credit-reform loan `document` of financing account `financing`, if there is
    /// one.
    #[must_use]
    pub fn credit_loan(
        &self,
        financing: &AccountSymbol,
        document: &DocumentId,
    ) -> Option<CreditLoan> {
        self.accounts
            .get(financing)?
            .book()
            .ok()?
            .loans
            .get(document)
            .cloned()
    }

    /// Reconciles financing account `financing` with its program account, per cohort and
    /// to the cent (see [`CohortReconciliation`] for the identities): what the program
    /// account obligated and paid is read from its obligations, independently of the
    /// financing account's books.
    ///
    /// # Errors
    ///
    /// [`BudgetError::UnknownAccount`]; [`BudgetError::Credit`] when the account is not a
    /// financing account; [`BudgetError::Money`] only if out of range.
    pub fn credit_reconciliation(
        &self,
        financing: &AccountSymbol,
    ) -> Result<CreditReconciliation, BudgetError> {
        let book = self.financing_book(financing, None)?;
        let account = self.account(financing)?;
        let guarantees = account.guarantees();
        // What program account `symbol` obligated and paid on `document`.
        let program_side = |symbol: &AccountSymbol, document: &DocumentId| {
            self.accounts
                .get(symbol)
                .and_then(|a| a.obligations.get(document))
                .map_or((Money::ZERO, Money::ZERO), |o| (o.obligated, o.disbursed))
        };
        let mut cohorts = Vec::new();
        let mut discrepancies = Vec::new();
        for (cohort, flows) in &book.cohorts {
            let cohort = *cohort;
            let guarantee = guarantees.map(|g| g.flows(cohort));
            let loans: Vec<&CreditLoan> =
                book.loans.values().filter(|l| l.cohort == cohort).collect();
            let mut principal_obligated = Money::ZERO;
            let mut subsidy_obligated = Money::ZERO;
            let mut subsidy_paid = Money::ZERO;
            let mut receivable_loans = Money::ZERO;
            for loan in &loans {
                principal_obligated = principal_obligated.checked_add(loan.principal)?;
                let (obligated, disbursed) = program_side(&loan.program, &loan.document);
                subsidy_obligated = subsidy_obligated.checked_add(obligated)?;
                subsidy_paid = subsidy_paid.checked_add(disbursed)?;
                let lent = guarantees.map_or(loan.disbursed, |g| g.claimed(&loan.document));
                receivable_loans =
                    receivable_loans.checked_add(lent.checked_sub(loan.principal_collected)?)?;
            }
            let mut reestimates_paid = Money::ZERO;
            for ((symbol, document), (of, _)) in &book.reestimate_documents {
                if *of == cohort {
                    let (_, disbursed) = program_side(symbol, document);
                    reestimates_paid = reestimates_paid.checked_add(disbursed)?;
                }
            }
            let financed = flows.subsidy_received.checked_add(flows.borrowed)?;
            if guarantee.is_none() && financed != flows.principal_disbursed {
                discrepancies.push(Discrepancy::DisbursedNotFinanced {
                    cohort,
                    disbursed: flows.principal_disbursed,
                    financed,
                });
            }
            if subsidy_paid != flows.subsidy_received {
                discrepancies.push(Discrepancy::SubsidyNotMatched {
                    cohort,
                    paid: subsidy_paid,
                    received: flows.subsidy_received,
                });
            }
            if reestimates_paid != flows.upward_reestimates {
                discrepancies.push(Discrepancy::ReestimateNotMatched {
                    cohort,
                    paid: reestimates_paid,
                    received: flows.upward_reestimates,
                });
            }
            let receivable = flows.receivable(guarantee)?;
            if receivable != receivable_loans {
                discrepancies.push(Discrepancy::ReceivableNotMatched {
                    cohort,
                    loans: receivable_loans,
                    cohort_total: receivable,
                });
            }
            let cash = flows.cash(guarantee)?;
            let debt = flows.debt()?;
            let g = guarantee.unwrap_or_default();
            let guaranteed = flows.principal_disbursed.checked_sub(g.claims)?;
            for (balance, amount) in [
                ("cash", cash),
                ("debt", debt),
                ("receivable", receivable),
                ("guaranteed", guaranteed),
            ] {
                if amount.is_negative() {
                    discrepancies.push(Discrepancy::Negative {
                        cohort,
                        balance: balance.to_owned(),
                        amount,
                    });
                }
            }
            cohorts.push(CohortReconciliation {
                cohort,
                loans: loans.len(),
                principal_obligated,
                subsidy_obligated,
                subsidy_paid_by_program: subsidy_paid,
                subsidy_received: flows.subsidy_received,
                borrowed: flows.borrowed,
                principal_disbursed: flows.principal_disbursed,
                principal_collected: flows.principal_collected,
                interest_collected: flows.interest_collected,
                fees_collected: g.fees,
                claims_paid: g.claims,
                repaid_to_treasury: flows.repaid_to_treasury,
                interest_to_treasury: flows.interest_to_treasury,
                upward_reestimates: flows.upward_reestimates,
                reestimates_paid_by_program: reestimates_paid,
                downward_reestimates: flows.downward_reestimates,
                cash,
                debt,
                receivable,
            });
        }
        Ok(CreditReconciliation {
            financing: *financing,
            kind: account.kind(),
            programs: book.programs.clone(),
            cohorts,
            receipts: book.receipts.iter().map(|(a, m)| (*a, *m)).collect(),
            discrepancies,
        })
    }
}

fn loan_of<'b>(
    book: &'b FinancingBook,
    financing: &AccountSymbol,
    document: &DocumentId,
) -> Result<&'b CreditLoan, BudgetError> {
    book.loans
        .get(document)
        .ok_or_else(|| BudgetError::UnknownObligation {
            account: *financing,
            document: document.clone(),
        })
}

/// Runs `write` on the book of financing account `financing`.
fn with_book(
    accounts: &mut Map<AccountSymbol, AccountState>,
    financing: &AccountSymbol,
    write: impl FnOnce(&mut FinancingBook),
) {
    if let Some(acct) = accounts.get_mut(financing) {
        if let Some(CreditRole::Financing(book) | CreditRole::Guarantee(book, _)) =
            acct.credit.as_deref_mut()
        {
            write(book);
        }
    }
}

/// Runs `write` on the books of loan guarantee financing account `financing`.
fn with_guarantees(
    accounts: &mut Map<AccountSymbol, AccountState>,
    financing: &AccountSymbol,
    write: impl FnOnce(&mut FinancingBook, &mut GuaranteeBook),
) {
    if let Some(acct) = accounts.get_mut(financing) {
        if let Some(CreditRole::Guarantee(book, guarantees)) = acct.credit.as_deref_mut() {
            write(book, guarantees);
        }
    }
}

/// The books of `cohort`, which must have a loan obligated in it.
fn cohort_book(
    book: &FinancingBook,
    financing: &AccountSymbol,
    cohort: FiscalYear,
) -> Result<CohortBook, BudgetError> {
    book.cohorts
        .get(&cohort)
        .copied()
        .ok_or_else(|| credit_error(*financing, CreditProblem::UnknownCohort { cohort }))
}

//! Credit reform (the Federal Credit Reform Act of 1990, 2 U.S.C. 661–661f): direct loans
//! whose budget cost is their subsidy, and the non-budgetary financing account that holds
//! their cash.
//!
//! # The two accounts
//!
//! - The **program account** (661a(6)) is budgetary: a direct loan obligates its *cost*,
//!   the subsidy (661a(5): principal × the subsidy rate in force for the cohort,
//!   [`Action::ObligateLoan`]), not its principal, and pays it to the financing account as
//!   the loan disburses (661c(d)(2)). Administrative expenses stay in the program account
//!   as any other obligation (661c(g)).
//! - The **financing account** (661a(7), opened with [`Action::OpenFinancingAccount`]) is
//!   non-budgetary: its collections and payments are a means of financing (661c(d)(3)).
//!   It receives the subsidy, borrows the rest of each disbursement from the Treasury
//!   (661d(c)), disburses the principal ([`Action::DisburseLoan`]), collects repayments
//!   and interest ([`Action::CollectLoan`]), repays the Treasury and pays interest on its
//!   borrowing ([`Action::RepayTreasury`]). It appears in no budgetary report:
//!   [`Ledger::accounts`] leaves it out, so the status of funds, the SF-133 and the
//!   Broker's File A and File B never count it; [`Ledger::financing_accounts`] lists it.
//! - **Reestimates** (661c(f)) are commands: an upward reestimate is paid from a program
//!   account obligation recorded under the Act's permanent indefinite authority
//!   ([`Action::UpwardReestimate`]); a downward one returns cash from the financing
//!   account to a general fund receipt account ([`Action::DownwardReestimate`]).
//!
//! Loans are grouped by **cohort**, the fiscal year in which they were obligated (OMB
//! Circular A-11 section 185; the Treasury's "Guide for basic accounting and reporting
//! for direct loan programs without collateral", Bureau of the Fiscal Service, FY2017,
//! revised 2022). [`Ledger::credit_reconciliation`] proves, per cohort and to the cent,
//! that principal disbursed = subsidy received + borrowing, that the program account
//! paid exactly the subsidy the financing account received, and that the cohort's cash
//! and debt follow from its flows.
//!
//! # Loan guarantees
//!
//! A financing account is opened for direct loans or for loan guarantees
//! ([`CreditKind`]; the Act keeps them apart, 661a(7) and OMB Circular A-11 section 185).
//! A guarantee (661a(3)) goes through the same commands as a direct loan, with the
//! guarantee's meaning:
//!
//! - [`Action::ObligateLoan`] obligates the guarantee's subsidy cost (661a(5)(C): the
//!   present value of default claims less fees and recoveries, supplied as the dated
//!   rate on the guaranteed principal) in the program account;
//! - [`Action::DisburseLoan`] records the lender's disbursement of the guaranteed loan:
//!   the program account pays the financing account the subsidy share that goes with it
//!   (661c(d)(2)), computed as for a direct loan; no cash leaves the financing account and
//!   nothing is borrowed;
//! - [`Action::CollectGuaranteeFee`] collects a guarantee fee into the financing account;
//! - [`Action::PayDefaultClaim`] pays a lender's default claim, no more than the
//!   guaranteed principal disbursed and not yet claimed; what the cohort's cash does not
//!   cover is borrowed from the Treasury (661d(c)). The account then holds the defaulted
//!   loan as a receivable;
//! - [`Action::CollectLoan`] collects recoveries (principal and interest) on that
//!   receivable, no more than the claims paid and not yet recovered;
//! - [`Action::RepayTreasury`] and the reestimates are as for direct loans.
//!
//! Not modelled (see the issue's note): negative subsidies, modifications (661c(e)),
//! interest on reestimates and on uninvested balances, and the USSGL proprietary and
//! budgetary postings of the financing account itself (its balances are kept here, not in
//! a [`TrialBalance`]).
//!
//! [`Action::ObligateLoan`]: super::Action::ObligateLoan
//! [`Action::OpenFinancingAccount`]: super::Action::OpenFinancingAccount
//! [`Action::DisburseLoan`]: super::Action::DisburseLoan
//! [`Action::CollectLoan`]: super::Action::CollectLoan
//! [`Action::RepayTreasury`]: super::Action::RepayTreasury
//! [`Action::UpwardReestimate`]: super::Action::UpwardReestimate
//! [`Action::DownwardReestimate`]: super::Action::DownwardReestimate
//! [`Action::CollectGuaranteeFee`]: super::Action::CollectGuaranteeFee
//! [`Action::PayDefaultClaim`]: super::Action::PayDefaultClaim
//! [`Ledger::accounts`]: super::Ledger::accounts
//! [`Ledger::financing_accounts`]: super::Ledger::financing_accounts
//! [`Ledger::credit_reconciliation`]: super::Ledger::credit_reconciliation
//! [`TrialBalance`]: super::TrialBalance

use serde::{Deserialize, Serialize};

use super::ids::{AccountSymbol, DocumentId};
use crate::fiscal::FiscalYear;
use crate::law::Citation;
use crate::money::Money;

/// Budgetary treatment of credit programs: the cost in the program account, the
/// financing account a means of financing (2 U.S.C. 661c).
pub(crate) const CREDIT_BUDGETING: Citation = Citation::fixed("2 U.S.C.", "661c", None);

/// Treasury transactions with the financing accounts: borrowing, repayment, interest
/// (2 U.S.C. 661d(c)).
pub(crate) const FINANCING_ACCOUNTS: Citation = Citation::fixed("2 U.S.C.", "661d", Some("(c)"));

/// What a financing account finances (2 U.S.C. 661a(1), 661a(3)): direct loans, or loan
/// guarantees (see the module notes for what each command means in each). Written
/// `"direct_loan"` or `"loan_guarantee"`.
///
/// ```
/// use security_assistance::budget::credit::CreditKind;
/// assert_eq!(CreditKind::default(), CreditKind::DirectLoan);
/// assert_eq!(serde_json::to_string(&CreditKind::LoanGuarantee)?, r#""loan_guarantee""#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub enum CreditKind {
    /// Direct loans (661a(1)): the financing account disburses the principal.
    #[default]
    DirectLoan,
    /// Loan guarantees (661a(3)): a lender disburses; the financing account collects fees
    /// and pays default claims.
    LoanGuarantee,
}

impl CreditKind {
    /// `true` for [`CreditKind::DirectLoan`], the default (left out of a command's JSON).
    #[must_use]
    pub fn is_direct_loan(&self) -> bool {
        *self == CreditKind::DirectLoan
    }
}

/// One cohort of a financing account, reconciled
/// ([`Ledger::credit_reconciliation`](super::Ledger::credit_reconciliation)).
///
/// The identities that hold to the cent (each one a [`Discrepancy`] when it does not):
///
/// - for direct loans, `principal_disbursed = subsidy_received + borrowed` (a guarantee's
///   principal is disbursed by the lender, not from the account);
/// - `subsidy_paid_by_program = subsidy_received` and
///   `reestimates_paid_by_program = upward_reestimates` (read from the program account's
///   obligations, independently of the financing account);
/// - `receivable = principal_disbursed − principal_collected ≥ 0` for direct loans,
///   `claims_paid − principal_collected ≥ 0` for guarantees (the defaulted loans the
///   account acquired), and the same sum over the cohort's loans;
/// - for guarantees, `claims_paid ≤ principal_disbursed`;
/// - `debt = borrowed − repaid_to_treasury ≥ 0`;
/// - `cash = subsidy_received + fees_collected + borrowed + principal_collected +
///   interest_collected + upward_reestimates − (principal_disbursed for direct loans,
///   claims_paid for guarantees) − repaid_to_treasury − interest_to_treasury −
///   downward_reestimates ≥ 0`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CohortReconciliation {
    /// The cohort: the fiscal year its loans were obligated in.
    pub cohort: FiscalYear,
    /// How many loans.
    pub loans: usize,
    /// Their principal, as obligated.
    pub principal_obligated: Money,
    /// Their subsidy cost, as obligated in the program account (read there).
    pub subsidy_obligated: Money,
    /// The subsidy the program account paid on them (read there).
    pub subsidy_paid_by_program: Money,
    /// The subsidy the financing account received as they disbursed.
    pub subsidy_received: Money,
    /// Borrowed from the Treasury.
    pub borrowed: Money,
    /// Principal disbursed to borrowers (by the financing account for direct loans, by
    /// the lenders for guarantees).
    pub principal_disbursed: Money,
    /// Principal repaid by borrowers (for guarantees, recovered on the defaulted loans).
    pub principal_collected: Money,
    /// Interest paid by borrowers (for guarantees, on the defaulted loans).
    pub interest_collected: Money,
    /// Guarantee fees collected (zero for direct loans).
    pub fees_collected: Money,
    /// Default claims paid to lenders (zero for direct loans).
    pub claims_paid: Money,
    /// Principal repaid to the Treasury.
    pub repaid_to_treasury: Money,
    /// Interest paid to the Treasury.
    pub interest_to_treasury: Money,
    /// Upward reestimates received.
    pub upward_reestimates: Money,
    /// What the program account paid on the obligations named by upward reestimates
    /// (read there).
    pub reestimates_paid_by_program: Money,
    /// Downward reestimates paid to receipt accounts.
    pub downward_reestimates: Money,
    /// Cash (fund balance with the Treasury) of the cohort.
    pub cash: Money,
    /// What the cohort owes the Treasury.
    pub debt: Money,
    /// Principal outstanding from borrowers.
    pub receivable: Money,
}

/// A credit-reform identity that does not hold, with the amounts on each side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "identity")]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum Discrepancy {
    /// Principal disbursed is not subsidy received plus borrowing.
    DisbursedNotFinanced {
        /// The cohort.
        cohort: FiscalYear,
        /// Principal disbursed.
        disbursed: Money,
        /// Subsidy received plus borrowing.
        financed: Money,
    },
    /// The program account paid another subsidy than the financing account received.
    SubsidyNotMatched {
        /// The cohort.
        cohort: FiscalYear,
        /// Paid by the program account.
        paid: Money,
        /// Received by the financing account.
        received: Money,
    },
    /// The program account paid other reestimates than the financing account received.
    ReestimateNotMatched {
        /// The cohort.
        cohort: FiscalYear,
        /// Paid by the program account.
        paid: Money,
        /// Received by the financing account.
        received: Money,
    },
    /// The loans' receivables do not sum to the cohort's.
    ReceivableNotMatched {
        /// The cohort.
        cohort: FiscalYear,
        /// Summed over the loans.
        loans: Money,
        /// The cohort's.
        cohort_total: Money,
    },
    /// A balance that may not be negative is.
    Negative {
        /// The cohort.
        cohort: FiscalYear,
        /// `"cash"`, `"debt"`, `"receivable"` or, for guarantees, `"guaranteed"` (the
        /// principal disbursed and not yet claimed).
        balance: String,
        /// Its amount.
        amount: Money,
    },
}

/// The reconciliation of a financing account with its program account
/// ([`Ledger::credit_reconciliation`](super::Ledger::credit_reconciliation)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreditReconciliation {
    /// The financing account.
    pub financing: AccountSymbol,
    /// What it finances.
    pub kind: CreditKind,
    /// The periods of its program account that it finances, in the order tied.
    pub programs: Vec<AccountSymbol>,
    /// Each cohort, oldest first.
    pub cohorts: Vec<CohortReconciliation>,
    /// Downward reestimates by receipt account.
    pub receipts: Vec<(AccountSymbol, Money)>,
    /// Every identity that does not hold; empty when the accounts reconcile.
    pub discrepancies: Vec<Discrepancy>,
}

impl CreditReconciliation {
    /// `true` when every identity holds to the cent.
    #[must_use]
    pub fn reconciles(&self) -> bool {
        self.discrepancies.is_empty()
    }
}

/// One credit-reform loan as the financing account holds it
/// ([`Ledger::credit_loan`](super::Ledger::credit_loan)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct CreditLoan {
    /// The loan agreement.
    pub document: DocumentId,
    /// The program account that obligated its subsidy.
    pub program: AccountSymbol,
    /// Its cohort.
    pub cohort: FiscalYear,
    /// Its principal.
    pub principal: Money,
    /// Its subsidy cost, obligated in the program account.
    pub subsidy: Money,
    /// The subsidy rate and its source, as obligated.
    pub subsidy_rate: crate::money::Rate,
    /// Where the rate came from.
    pub rate_source: String,
    /// Principal disbursed.
    pub disbursed: Money,
    /// Subsidy received from the program account.
    pub subsidy_received: Money,
    /// Principal repaid.
    pub principal_collected: Money,
    /// Interest paid.
    pub interest_collected: Money,
}

//! DATA Act Broker File A (appropriations account) and File B (object class and program
//! activity), as the Treasury's DATA Act Broker reads them.
//!
//! # Sources
//!
//! - Column names: the field lists the Broker validates headers against,
//!   `dataactvalidator/config/appropFields.csv` (File A, 20 columns) and
//!   `programActivityFields.csv` (File B, 50 columns) in
//!   github.com/fedspendingtransparency/data-act-broker-backend (read at commit
//!   `24a2645efe8273f4abc049ce08a0b2cdb224784a`, June 2026), in the order they list them.
//! - What each amount must equal: the Broker's SQL rules (`dataactvalidator/config/sqlrules/`,
//!   listed in `sqlRules.csv`), cited by id below, and the SF-133 lines of
//!   [`Ledger::sf133`](crate::budget::Ledger::sf133).
//!
//! # Signs
//!
//! File A carries the SF-133's lines with the SF-133's signs (rules A6–A34): gross outlays
//! are SF-133 line 3020, **negative** (A14). File B carries USSGL balances as GTAS does,
//! debit positive and credit negative: obligations incurred are −1 × line 2190 (B25, A19),
//! undelivered orders (USSGL 4801) and paid delivered orders (4902) negative, gross
//! outlays = line 3020, negative (B22, A18); recoveries of prior-year obligations (USSGL
//! 4871) positive, = lines 1021 + 1033 (B13, B26, A35).
//!
//! # What the ledger knows, and what it writes where it does not
//!
//! File B's USSGL columns are summed from the obligations themselves
//! ([`Ledger::obligations_of`](crate::budget::Ledger::obligations_of)) at the period's
//! two ends, as GTAS holds the balances during the year, before the year-end closing
//! entries: unpaid obligations in USSGL 4801 (undelivered orders, unpaid), payments in 4902
//! (delivered orders, paid), recoveries of prior-year unpaid obligations in 4871 (debit,
//! positive) and upward adjustments of prior-year obligations in 4881 (credit, negative).
//! The adjustments of prior-year obligations rest in 4871 and 4881 until the closing
//! entries carry them into 4801, so during the year 4801 is the unpaid balance less the
//! upward adjustments plus the recoveries, and 4801 + 4881 (undelivered orders unpaid,
//! rule B3.2) + 4871 is the unpaid balance; the 4801 brought forward (`_FYB`, rule B3.1)
//! is the closed balance of 1 October. So the direct rows' (4801 change) + 4881 + 4902 is
//! minus the direct obligations incurred, SF-133 line 2004 (rule B14), and the
//! reimbursable rows' minus line 2104 (rule B15); that the Broker once counted 4871 in the
//! undelivered orders (its rule B3 of 2016, "USSGL(4801 + 4831 + 4871 + 4881)", pull
//! request #126 of data-act-broker-backend) is what shows the recoveries beside 4801
//! before closing. The ledger keeps no prepayments (4802, 4882), no delivered-unpaid
//! orders (4901, 4981), no transfers of obligations (4831, 4832, 4931), and no refunds
//! collected (4872, 4972): those columns are written `0`. Every File B row is
//! `PriorYearAdjustment` `X` (the current year's activity, rule B29) and
//! `DisasterEmergencyFundCode` `Q` (not designated emergency or disaster: the Broker's
//! `DEFC_LIST_FOR_USAS.csv`; rule B24). `ByDirectReimbursableFundingSource` is the
//! source of the row's obligations ([`ObligationBalance::financed_by`](crate::budget::ObligationBalance),
//! [`DirectOrReimbursable`]): `D`, or `R` for obligations financed by offsetting
//! collections; an account's all-zero row has none (rule B12.1 asks for it only on rows
//! with money). `ObjectClass` is the object class of the
//! row's obligations (OMB Circular A-11 section 83.6, three digits as the Broker writes
//! them: `410`), from the ledger: each obligation carries its class
//! ([`ObligationBalance::object_class`](crate::budget::ObligationBalance)), so an account
//! × program activity has one row per class its obligations are of (rule B19 counts the
//! class in the row's identity). Only an account's all-zero row, written when it has no
//! obligation (rule A30.1), has `000`.
//!
//! ## The disaster emergency fund code, and why it is `Q`
//!
//! The code is not a fact the ledger is told: no command carries one, so every File B row
//! (and every SF-133 line the Broker harness loads) is written `Q`, "Not Designated
//! Nonemergency/Emergency/Disaster/Wildfire Suppression" in the Broker's
//! `DEFC_LIST_FOR_USAS.csv`. That is right for the appropriations the crate models (the
//! annual SFOPS and homeland-security accounts, none designated emergency or disaster
//! under the Balanced Budget Act's section 251(b)(2)), and it is the only code a period
//! before FY2020 can carry: the DEFC attribute came into GTAS and DAIMS with the COVID-19
//! supplementals (OMB memorandum M-20-21, April 2020), so earlier GTAS data has none.
//! An appropriation act that designates funds (each designation has its own code in the
//! list) would need the code on its `Appropriate` command, carried to the obligations it
//! funds; that is not built.

mod activity;

pub use activity::{ProgramActivities, ProgramActivity, ProgramActivityAssignment};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ReportError;
use super::status::{csv_error, csv_text};
use crate::budget::{
    AccountSymbol, DirectOrReimbursable, DocumentId, Ledger, ObjectClass, ObligationBalance,
    Sf133Period,
};
use crate::fiscal::{AccountStatus, FiscalYear};
use crate::money::Money;

/// The columns of [`file_a`], in the order of the Broker's `appropFields.csv`.
///
/// | column | from the ledger (SF-133 line) | rule |
/// |---|---|---|
/// | `AdjustmentsToUnobligatedBalanceBroughtForward_CPE` | 1021 + 1029 (the ledger's lines in 1010–1067: recoveries, and the balance withdrawn when the account cancels) | A12 |
/// | `AgencyIdentifier`, `MainAccountCode`, `SubAccountCode` | the account symbol; sub-account `000` | A1 |
/// | `AllocationTransferAgencyIdentifier` | empty (no allocation transfers) | A1 |
/// | `AvailabilityTypeCode` | `X` for no-year, else empty | A1 |
/// | `BeginningPeriodOfAvailability`, `EndingPeriodOfAvailability` | the period (empty for no-year) | A1 |
/// | `BorrowingAuthorityAmountTotal_CPE` | 1340 + 1440: `0` (the ledger has no borrowing authority) | A10 |
/// | `BudgetAuthorityAppropriatedAmount_CPE` | 1160 (+ 1180 + 1260 + 1280, which the ledger has not) | A8 |
/// | `TotalBudgetaryResources_CPE` | 1910 | A6, A2 |
/// | `BudgetAuthorityUnobligatedBalanceBroughtForward_FYB` | 1000 (= last year's 2490) | A7, A34 |
/// | `ContractAuthorityAmountTotal_CPE` | 1540 + 1640: `0` | A9 |
/// | `DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE` | 1021 + 1033 | A29 |
/// | `GrossOutlayAmountByTAS_CPE` | 3020, negative | A14 |
/// | `ObligationsIncurredTotalByTAS_CPE` | 2190 | A22 |
/// | `OtherBudgetaryResourcesAmount_CPE` | contract + borrowing + offsetting collections | A3 |
/// | `SpendingAuthorityfromOffsettingCollectionsAmountTotal_CPE` | 1750 + 1850 | A11 |
/// | `StatusOfBudgetaryResourcesTotal_CPE` | 2500 | A23, A4, A24 |
/// | `UnobligatedBalance_CPE` | 2490 | A15 |
pub const FILE_A_COLUMNS: [&str; 20] = [
    "AdjustmentsToUnobligatedBalanceBroughtForward_CPE",
    "AgencyIdentifier",
    "AllocationTransferAgencyIdentifier",
    "AvailabilityTypeCode",
    "BeginningPeriodOfAvailability",
    "BorrowingAuthorityAmountTotal_CPE",
    "BudgetAuthorityAppropriatedAmount_CPE",
    "TotalBudgetaryResources_CPE",
    "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB",
    "ContractAuthorityAmountTotal_CPE",
    "DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE",
    "EndingPeriodOfAvailability",
    "GrossOutlayAmountByTAS_CPE",
    "MainAccountCode",
    "ObligationsIncurredTotalByTAS_CPE",
    "OtherBudgetaryResourcesAmount_CPE",
    "SpendingAuthorityfromOffsettingCollectionsAmountTotal_CPE",
    "StatusOfBudgetaryResourcesTotal_CPE",
    "SubAccountCode",
    "UnobligatedBalance_CPE",
];

/// The columns of [`file_b`], in the order of the Broker's `programActivityFields.csv`,
/// spelled as it spells them (`Refundsd` included). The module notes say what the ledger
/// writes in each; the amounts are, per row (one account × program activity × object class × source):
///
/// | column | value | rule |
/// |---|---|---|
/// | `ByDirectReimbursableFundingSource` | `D` or `R`, the obligations' source; empty on an account's all-zero row | B12, B14, B15, B19 |
/// | `ObligationsIncurredByProgramObjectClass_CPE` | −(net new obligations + recoveries) | B25, A19 |
/// | `DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE`, `USSGL487100_…_CPE` | recoveries of prior-year unpaid obligations | B13, B26, A35 |
/// | `GrossOutlayAmountByProgramObjectClass_CPE`, `GrossOutlaysDeliveredOrdersPaidTotal_CPE`, `USSGL490200_…_CPE` | −(payments this year) | B22, B5.2, B7.2, A18 |
/// | `ObligationsUndeliveredOrdersUnpaidTotal_CPE` | 4801 + 4881: −(unpaid obligations at the period's end + recoveries in the period) | B3.2 |
/// | `USSGL480100_…_CPE` | −(unpaid at the end − upward adjustments of prior-year obligations + recoveries) | B3.2, B14, B15 |
/// | `USSGL488100_…_CPE` | −(upward adjustments of prior-year obligations in the period) | B3.2, B14, B15 |
/// | `ObligationsUndeliveredOrdersUnpaidTotal_FYB`, `USSGL480100_…_FYB` | −(unpaid obligations on 1 October) | B3.1 |
/// | `ObjectClass` | the obligations' A-11 §83.6 class, three digits (`410`); `000` only on an account's all-zero row | B11, B19 |
/// | every other amount | `0` (the ledger keeps no such balances) | |
pub const FILE_B_COLUMNS: [&str; 50] = [
    "AgencyIdentifier",
    "AllocationTransferAgencyIdentifier",
    "AvailabilityTypeCode",
    "BeginningPeriodOfAvailability",
    "ByDirectReimbursableFundingSource",
    "DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE",
    "DisasterEmergencyFundCode",
    "EndingPeriodOfAvailability",
    "GrossOutlayAmountByProgramObjectClass_CPE",
    "GrossOutlayAmountByProgramObjectClass_FYB",
    "GrossOutlaysDeliveredOrdersPaidTotal_CPE",
    "GrossOutlaysDeliveredOrdersPaidTotal_FYB",
    "GrossOutlaysUndeliveredOrdersPrepaidTotal_CPE",
    "GrossOutlaysUndeliveredOrdersPrepaidTotal_FYB",
    "MainAccountCode",
    "ObjectClass",
    "ObligationsDeliveredOrdersUnpaidTotal_CPE",
    "ObligationsDeliveredOrdersUnpaidTotal_FYB",
    "ObligationsIncurredByProgramObjectClass_CPE",
    "ObligationsUndeliveredOrdersUnpaidTotal_CPE",
    "ObligationsUndeliveredOrdersUnpaidTotal_FYB",
    "ProgramActivityCode",
    "ProgramActivityName",
    "ProgramActivityReportingKey",
    "PriorYearAdjustment",
    "SubAccountCode",
    "USSGL480100_UndeliveredOrdersObligationsUnpaid_CPE",
    "USSGL480100_UndeliveredOrdersObligationsUnpaid_FYB",
    "USSGL480110_ReinstatedUndeliveredOrdersObligationsUnpaid_CPE",
    "USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_CPE",
    "USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_FYB",
    "USSGL480210_ReinstatedUndeliveredOrdersObligationsPrepaid_CPE",
    "USSGL483100_UndeliveredOrdersObligationsTransferredUnpaid_CPE",
    "USSGL483200_UndeliveredOrdersObligationsTransferredPrepaidAdvanced_CPE",
    "USSGL487100_DownwardAdjustmentsOfPriorYearUnpaidUndeliveredOrdersObligationsRecoveries_CPE",
    "USSGL487200_DownwardAdjustmentsOfPriorYearPrepaidAdvancedUndeliveredOrdersObligationsRefundsCollected_CPE",
    "USSGL488100_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsUnpaid_CPE",
    "USSGL488200_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsPrepaidAdvanced_CPE",
    "USSGL490100_DeliveredOrdersObligationsUnpaid_CPE",
    "USSGL490100_DeliveredOrdersObligationsUnpaid_FYB",
    "USSGL490110_ReinstatedDeliveredOrdersObligationsUnpaid_CPE",
    "USSGL490200_DeliveredOrdersObligationsPaid_CPE",
    "USSGL490800_AuthorityOutlayedNotYetDisbursed_CPE",
    "USSGL490800_AuthorityOutlayedNotYetDisbursed_FYB",
    "USSGL493100_DeliveredOrdersObligationsTransferredUnpaid_CPE",
    "USSGL497100_DownwardAdjustmentsOfPriorYearUnpaidDeliveredOrdersObligationsRecoveries_CPE",
    "USSGL497200_DownwardAdjustmentsOfPriorYearPaidDeliveredOrdersObligationsRefundsCollected_CPE",
    "USSGL497210_DownwardAdjustmentsOfPriorYearPaidDeliveredOrdersObligationsNonCashRefunds_CPE",
    "USSGL498100_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsUnpaid_CPE",
    "USSGL498200_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsPaid_CPE",
];

/// The account-symbol cells: agency, allocation transfer agency, availability type code,
/// beginning and ending period, main account, sub-account.
struct Tas {
    agency: String,
    allocation: String,
    type_code: String,
    begin: String,
    end: String,
    main: String,
    sub: String,
}

fn tas(account: &AccountSymbol) -> Tas {
    let period = account.period();
    let no_year = period.is_no_year();
    Tas {
        agency: format!("{:03}", account.agency()),
        allocation: String::new(),
        type_code: if no_year { "X" } else { "" }.to_owned(),
        begin: if no_year {
            String::new()
        } else {
            period.first().year().to_string()
        },
        end: period
            .last()
            .map(|y| y.year().to_string())
            .unwrap_or_default(),
        main: format!("{:04}", account.main_account()),
        sub: "000".to_owned(),
    }
}

/// The accounts File A and File B of `fiscal_year` report: those of `then` (the budgetary
/// accounts on the reporting date, as [`Ledger::accounts`] lists them) except the ones
/// cancelled before the year began. An account is closed on 30 September of the fifth
/// fiscal year after its period of availability (31 U.S.C. 1552(a)); that year's files are
/// its last, and no later period reports it (USSGL
/// account 435000 "Canceled Authority" is used in the canceling year because the account
/// "does not have budgetary reporting requirements in the following fiscal year": USSGL
/// FAQ, fiscal.treasury.gov/ussgl/faqs.html).
fn reported(then: Vec<AccountSymbol>, fiscal_year: FiscalYear) -> Vec<AccountSymbol> {
    then.into_iter()
        .filter(|a| a.period().status_on(fiscal_year.first_day()) != AccountStatus::Cancelled)
        .collect()
}

fn amount(m: Money) -> String {
    m.to_decimal().to_string()
}

/// The last day reported for `fiscal_year`: `as_of`, or the year's last day if earlier.
fn end_of(fiscal_year: FiscalYear, as_of: NaiveDate) -> NaiveDate {
    as_of.min(fiscal_year.last_day())
}

/// File A, account balances: one row per account that exists on the reporting date and was
/// not cancelled before `fiscal_year` began (a cancelled account's last report is that of
/// the fiscal year it closes in, 31 U.S.C. 1552(a)), from
/// its SF-133 ([`Ledger::sf133`]) cumulative from 1 October of `fiscal_year` to `as_of`
/// (or the year's end). Columns in [`FILE_A_COLUMNS`] (which gives the line and rule of
/// each); amounts canonical (`1234.56`), to the cent, with the SF-133's signs.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command, Ledger};
/// use security_assistance::report::{file_a, FILE_A_COLUMNS};
/// use security_assistance::{FiscalYear, ProgramKind};
///
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// ledger.apply(Command::new("a".parse()?, day, "me".parse()?, Action::Appropriate {
///     account: "011-2008-1081".parse()?, title: "IMET".into(), purposes: vec![ProgramKind::Training],
///     amount: "85000000".parse()?, law: "P.L. 110-161".into() }))?;
/// let csv = file_a(&ledger, FiscalYear::new(2008)?, day)?;
/// assert!(csv.starts_with(&FILE_A_COLUMNS.join(",")));
/// assert!(csv.contains("\n0.00,011,,,2008,0.00,85000000.00,85000000.00,0.00,0.00,0.00,2008,0.00,1081,"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::Budget`] if the ledger cannot be replayed, [`ReportError::Csv`] on a
/// writer failure.
pub fn file_a(
    ledger: &Ledger,
    fiscal_year: FiscalYear,
    as_of: NaiveDate,
) -> Result<String, ReportError> {
    let end = end_of(fiscal_year, as_of);
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(FILE_A_COLUMNS).map_err(csv_error)?;
    // Both ends of the period once, for every account.
    let period = Sf133Period::new(ledger, fiscal_year, end)?;
    for account in reported(period.accounts(), fiscal_year) {
        let statement = period.statement(&account)?;
        let line = |n: u16| statement.line(n).unwrap_or(Money::ZERO);
        let sum = |ns: &[u16]| Money::checked_sum(ns.iter().map(|&n| line(n)));
        let t = tas(&account);
        let borrowing = sum(&[1340, 1440])?;
        let contract = sum(&[1540, 1640])?;
        let offsetting = sum(&[1750, 1850])?;
        let other = Money::checked_sum([contract, borrowing, offsetting])?;
        let record = [
            amount(sum(&[1021, 1029])?),
            t.agency,
            t.allocation,
            t.type_code,
            t.begin,
            amount(borrowing),
            amount(sum(&[1160, 1180, 1260, 1280])?),
            amount(line(1910)),
            amount(line(1000)),
            amount(contract),
            amount(sum(&[1021, 1033])?),
            t.end,
            amount(line(3020)),
            t.main,
            amount(line(2190)),
            amount(other),
            amount(offsetting),
            amount(line(2500)),
            t.sub,
            amount(line(2490)),
        ];
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

/// The amounts of one File B row.
#[derive(Debug, Clone, Copy, Default)]
struct Amounts {
    /// Obligations incurred in the period: new obligations and upward adjustments, gross
    /// of recoveries (SF-133 line 2190's share).
    obligations: Money,
    /// Recoveries of prior-year obligations in the period (USSGL 4871).
    recoveries: Money,
    /// Upward adjustments of prior-year obligations in the period (USSGL 4881).
    upward: Money,
    /// Paid in the period, net of refunds (USSGL 4902).
    paid: Money,
    /// Unpaid obligations on the day before the period (USSGL 4801 brought forward).
    unpaid_start: Money,
    /// Unpaid obligations at the period's end, after its adjustments.
    unpaid_end: Money,
}

impl Amounts {
    fn add(self, other: Amounts) -> Result<Amounts, ReportError> {
        Ok(Amounts {
            obligations: self.obligations.checked_add(other.obligations)?,
            recoveries: self.recoveries.checked_add(other.recoveries)?,
            upward: self.upward.checked_add(other.upward)?,
            paid: self.paid.checked_add(other.paid)?,
            unpaid_start: self.unpaid_start.checked_add(other.unpaid_start)?,
            unpaid_end: self.unpaid_end.checked_add(other.unpaid_end)?,
        })
    }

    fn is_zero(&self) -> bool {
        [
            self.obligations,
            self.recoveries,
            self.upward,
            self.paid,
            self.unpaid_start,
            self.unpaid_end,
        ]
        .iter()
        .all(|m| m.is_zero())
    }

    /// One obligation's amounts from its balances at the period's start (`None` if it
    /// did not exist then) and end, for the fiscal year `fiscal_year`.
    fn of(
        was: Option<&ObligationBalance>,
        now: &ObligationBalance,
        fiscal_year: FiscalYear,
    ) -> Result<Amounts, ReportError> {
        let (obligated, disbursed, recovered) = was
            .map_or((Money::ZERO, Money::ZERO, Money::ZERO), |w| {
                (w.obligated, w.disbursed, w.recoveries)
            });
        let recoveries = now.recoveries.checked_sub(recovered)?;
        // Net change plus recoveries: what the obligation added in the period, gross.
        let obligations = now
            .obligated
            .checked_sub(obligated)?
            .checked_add(recoveries)?;
        // An obligation of an earlier fiscal year adds in this one only by upward
        // adjustment (its downward ones are the recoveries).
        let upward = if now.fiscal_year < fiscal_year {
            obligations
        } else {
            Money::ZERO
        };
        Ok(Amounts {
            obligations,
            recoveries,
            upward,
            paid: now.disbursed.checked_sub(disbursed)?,
            unpaid_start: obligated.checked_sub(disbursed)?,
            unpaid_end: now.obligated.checked_sub(now.disbursed)?,
        })
    }
}

/// File B, by program activity, object class and source, for the accounts of
/// [`file_a`]: one row per account × program activity (the caller's
/// [`ProgramActivities`] name it for each account and program) × object class of the
/// obligations ([`ObligationBalance::object_class`](crate::budget::ObligationBalance)) ×
/// direct or reimbursable ([`ObligationBalance::financed_by`](crate::budget::ObligationBalance),
/// `D` or `R`), from 1 October of `fiscal_year` to `as_of` (or the year's end), summed
/// from the obligations themselves. Programs an account reports under the same activity
/// share a row for each class and source (the Broker wants each combination once, rule
/// B19). A row whose every amount is zero is left out, except that every account of
/// [`file_a`] has at least one row (rule A30.1): an account with no activity gets one
/// all-zero row under code `0000`, name `Unknown/Other` and reporting key `0000`, as rules
/// B9 and B28.1 allow for such a row, with no source (rule B12.1 asks for one only on a row
/// with money). Columns in [`FILE_B_COLUMNS`] (which gives the value and rule of each);
/// amounts canonical, with GTAS's signs (see the module notes).
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{file_b, FILE_B_COLUMNS, ProgramActivities};
/// use security_assistance::FiscalYear;
///
/// let ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// let day = NaiveDate::from_ymd_opt(2008, 9, 30).ok_or("date")?;
/// let csv = file_b(&ledger, FiscalYear::new(2008)?, day, &ProgramActivities::new())?;
/// assert_eq!(csv.trim_end(), FILE_B_COLUMNS.join(","));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::MissingProgramActivity`] if a row with money has no program activity
/// in `activities`; [`ReportError::Budget`] if the ledger cannot be replayed;
/// [`ReportError::Csv`] on a writer failure.
pub fn file_b(
    ledger: &Ledger,
    fiscal_year: FiscalYear,
    as_of: NaiveDate,
    activities: &ProgramActivities,
) -> Result<String, ReportError> {
    let end = end_of(fiscal_year, as_of);
    let start = fiscal_year
        .first_day()
        .pred_opt()
        .unwrap_or(fiscal_year.first_day());
    let before = ledger.as_known(start, None)?;
    let after = ledger.as_known(end, None)?;
    let mut rows: BTreeMap<Row, Amounts> = BTreeMap::new();
    for account in reported(after.accounts(), fiscal_year) {
        rows.entry((account, None, None, None)).or_default();
        let was: BTreeMap<DocumentId, ObligationBalance> = before
            .obligations_of(&account)
            .map(|list| list.into_iter().collect())
            .unwrap_or_default();
        for (document, now) in after.obligations_of(&account)? {
            let amounts = Amounts::of(was.get(&document), &now, fiscal_year)?;
            if amounts.is_zero() {
                continue;
            }
            let program = now.key.program;
            let activity = activities
                .get(&account, program)
                .ok_or(ReportError::MissingProgramActivity { account, program })?;
            let row = rows
                .entry((
                    account,
                    Some(activity.clone()),
                    Some(now.object_class),
                    Some(now.financed_by),
                ))
                .or_default();
            *row = row.add(amounts)?;
        }
    }
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(FILE_B_COLUMNS).map_err(csv_error)?;
    let with_activity: std::collections::BTreeSet<AccountSymbol> = rows
        .keys()
        .filter(|(_, activity, _, _)| activity.is_some())
        .map(|(account, _, _, _)| *account)
        .collect();
    for ((account, activity, class, source), a) in &rows {
        if activity.is_none() && with_activity.contains(account) {
            continue;
        }
        writer
            .write_record(file_b_record(
                account,
                activity.as_ref(),
                *class,
                *source,
                a,
            )?)
            .map_err(csv_error)?;
    }
    csv_text(writer)
}

/// A File B row's key: the account, its program activity (none for an account's all-zero
/// row), the object class of its obligations and their source (none on that row).
type Row = (
    AccountSymbol,
    Option<ProgramActivity>,
    Option<ObjectClass>,
    Option<DirectOrReimbursable>,
);

fn file_b_record(
    account: &AccountSymbol,
    activity: Option<&ProgramActivity>,
    class: Option<ObjectClass>,
    source: Option<DirectOrReimbursable>,
    a: &Amounts,
) -> Result<Vec<String>, ReportError> {
    let t = tas(account);
    let zero = amount(Money::ZERO);
    let obligations = amount(a.obligations.checked_neg()?);
    let recoveries = amount(a.recoveries);
    let outlays = amount(a.paid.checked_neg()?);
    // Before the year-end closing entries, recoveries (4871) and upward adjustments of
    // prior-year obligations (4881) rest beside 4801 (module notes).
    let ussgl_4801 = amount(
        a.unpaid_end
            .checked_sub(a.upward)?
            .checked_add(a.recoveries)?
            .checked_neg()?,
    );
    let ussgl_4881 = amount(a.upward.checked_neg()?);
    let undelivered_end = amount(a.unpaid_end.checked_add(a.recoveries)?.checked_neg()?);
    let unpaid_start = amount(a.unpaid_start.checked_neg()?);
    let (code, name, key) = match activity {
        Some(pa) => (
            pa.code().to_owned(),
            pa.name().to_owned(),
            pa.reporting_key().unwrap_or_default().to_owned(),
        ),
        None => (
            activity::UNKNOWN_CODE.to_owned(),
            activity::UNKNOWN_NAME.to_owned(),
            activity::UNKNOWN_CODE.to_owned(),
        ),
    };
    Ok(vec![
        t.agency,
        t.allocation,
        t.type_code,
        t.begin,
        source.map_or_else(String::new, |s| s.broker_code().to_owned()),
        recoveries.clone(),
        "Q".to_owned(),
        t.end,
        outlays.clone(),
        zero.clone(),
        outlays.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        t.main,
        class.map_or_else(|| NO_OBJECT_CLASS.to_owned(), ObjectClass::broker_code),
        zero.clone(),
        zero.clone(),
        obligations,
        undelivered_end,
        unpaid_start.clone(),
        code,
        name,
        key,
        "X".to_owned(),
        t.sub,
        ussgl_4801,
        unpaid_start,
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        recoveries,
        zero.clone(),
        ussgl_4881,
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        outlays,
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero.clone(),
        zero,
    ])
}

/// The object class written on an account's all-zero row (rule A30.1): `000`, which the
/// Broker's rule B11 accepts for a row with no object class (and rule B11.4 warns about
/// only when the row has money).
const NO_OBJECT_CLASS: &str = "000";

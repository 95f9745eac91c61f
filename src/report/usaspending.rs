//! USAspending-style DATA Act files: File A (account balances by Treasury Account Symbol)
//! and File B (by program activity), and a ForeignAssistance.gov-style CSV.
//!
//! # Sources for the column names
//!
//! - DATA Act files: the DAIMS element names as the Treasury's DATA Act Broker validates
//!   them, `daimsname` column of `dataactvalidator/config/appropFields.csv` (File A) and
//!   `programActivityFields.csv` (File B) in github.com/fedspendingtransparency/data-act-broker-backend,
//!   and the Broker's SQL rules in `dataactvalidator/config/sqlrules/` for what each amount
//!   must equal: A6 (total budgetary resources = SF-133 line 1910), A7 (brought forward =
//!   line 1000), A8 (appropriated = lines 1160 + 1180 + 1260 + 1280), A12 (adjustments =
//!   lines 1010–1042), A14 (gross outlays = line 3020), A15 (unobligated = line 2490), A22
//!   (obligations incurred = line 2190), the deobligations rule (lines 1021 + 1033), and
//!   the cross-file rules A18 (File A gross outlays = the sum of File B's), A19 (File A
//!   obligations incurred = −1 × the sum of File B's: File B reports obligations with the
//!   sign of a credit) and A35/B26 (File A deobligations and recoveries = File B's sum).
//! - ForeignAssistance.gov: the column names of its complete dataset
//!   (`us_foreign_aid_complete.csv`) as published, and the site's "Understanding the Data"
//!   page (foreignassistance.gov/learn/understanding-the-data) for what the fiscal year of
//!   an obligation or spent transaction means (the year the transaction took place).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ReportError;
use super::status::{csv_error, csv_text};
use super::transactions::{Flow, transactions};
use crate::budget::{AccountSymbol, Dimension, Ledger, StatusQuery, StatusRow};
use crate::fiscal::FiscalYear;
use crate::money::Money;
use crate::partner::{CountryCode, Region};
use crate::purpose::ProgramKind;

/// The columns of [`file_a`], in order: DAIMS File A (Appropriations Account) element
/// names, exactly as DAIMS spells them (see the module notes for the source).
///
/// | column | from the ledger |
/// |---|---|
/// | `AllocationTransferAgencyIdentifier` | empty (no allocation transfers) |
/// | `AgencyIdentifier`, `MainAccountCode`, `SubAccountCode` | the account symbol; sub-account `000` |
/// | `BeginningPeriodOfAvailability`, `EndingPeriodOfAvailability`, `AvailabilityTypeCode` | the period; `X` for no-year |
/// | `BudgetAuthorityUnobligatedBalanceBroughtForward_FYB` | SF-133 line 1000 |
/// | `AdjustmentsToUnobligatedBalanceBroughtForward_CPE` | line 1021 (the ledger's only line in 1010–1042) |
/// | `BudgetAuthorityAppropriatedAmount_CPE` | line 1160 (all of the ledger's authority is discretionary) |
/// | `TotalBudgetaryResources_CPE` | line 1910 |
/// | `ObligationsIncurredTotalByTAS_CPE` | line 2190 |
/// | `DeobligationsRecoveriesRefundsByTAS_CPE` | line 1021 (the ledger has no line 1033) |
/// | `GrossOutlayAmountByTAS_CPE` | line 3020, written positive |
/// | `UnobligatedBalance_CPE` | line 2490 |
/// | `StatusOfBudgetaryResourcesTotal_CPE` | line 2500 |
///
/// DAIMS's optional `BorrowingAuthorityAmountTotal_CPE`, `ContractAuthorityAmountTotal_CPE`,
/// `SpendingAuthorityfromOffsettingCollectionsAmountTotal_CPE` and
/// `OtherBudgetaryResourcesAmount_CPE` are left out: the ledger has no such resources.
pub const FILE_A_COLUMNS: [&str; 16] = [
    "AllocationTransferAgencyIdentifier",
    "AgencyIdentifier",
    "BeginningPeriodOfAvailability",
    "EndingPeriodOfAvailability",
    "AvailabilityTypeCode",
    "MainAccountCode",
    "SubAccountCode",
    "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB",
    "AdjustmentsToUnobligatedBalanceBroughtForward_CPE",
    "BudgetAuthorityAppropriatedAmount_CPE",
    "TotalBudgetaryResources_CPE",
    "ObligationsIncurredTotalByTAS_CPE",
    "DeobligationsRecoveriesRefundsByTAS_CPE",
    "GrossOutlayAmountByTAS_CPE",
    "UnobligatedBalance_CPE",
    "StatusOfBudgetaryResourcesTotal_CPE",
];

/// The columns of [`file_b`], in order: DAIMS File B (Object Class and Program Activity)
/// element names, exactly as DAIMS spells them (`Refundsd` included; see the module notes
/// for the source).
///
/// | column | from the ledger |
/// |---|---|
/// | the seven account-symbol columns | as in [`FILE_A_COLUMNS`] |
/// | `ProgramActivityCode` | empty: the ledger's program kinds are not the program activities of the President's Budget, whose four-character codes it does not know |
/// | `ProgramActivityName` | the program kind in words (`financing`) |
/// | `ObjectClass` | empty: the ledger does not track object classes |
/// | `ObligationsIncurredByProgramObjectClass_CPE` | obligations incurred, **negative** (rule A19) |
/// | `DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE` | recoveries of prior-year obligations, positive (rules A35, B26) |
/// | `GrossOutlayAmountByProgramObjectClass_CPE` | gross outlays, positive (rule A18) |
///
/// DAIMS's USSGL breakdown columns (`USSGL480100_…` and the like), the `_FYB` columns,
/// `ByDirectReimbursableFundingSource` and, in later DAIMS versions, the disaster
/// emergency fund code and prior-year adjustment are left out: the ledger does not keep
/// those distinctions.
pub const FILE_B_COLUMNS: [&str; 13] = [
    "AllocationTransferAgencyIdentifier",
    "AgencyIdentifier",
    "BeginningPeriodOfAvailability",
    "EndingPeriodOfAvailability",
    "AvailabilityTypeCode",
    "MainAccountCode",
    "SubAccountCode",
    "ProgramActivityCode",
    "ProgramActivityName",
    "ObjectClass",
    "ObligationsIncurredByProgramObjectClass_CPE",
    "DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE",
    "GrossOutlayAmountByProgramObjectClass_CPE",
];

/// The columns of [`foreign_assistance_csv`], in order: ten columns of the
/// ForeignAssistance.gov complete dataset, by their published names, and one addition.
///
/// | column | from the ledger |
/// |---|---|
/// | `Country Code` | ISO 3166-1 alpha-3, as the dataset writes it (`ETH`); empty for `World` |
/// | `Country Name` | the partner's name; `World` for funds with no partner |
/// | `Region Name` | the dataset's region name for the partner's State Department region (`Middle East and North Africa` for NEA, and so on); `World` for no partner. Derived, not copied: the dataset places a few countries differently |
/// | `Managing Sub-agency or Bureau Acronym` | the funds holder (`DSCA`, `USCG`) |
/// | `Funding Account ID` | the Treasury account symbol as the crate writes it (`011-2008/2009-1082`) |
/// | `Funding Account Name` | the account's title |
/// | `Activity Name` | `<program> for <country name>` |
/// | `Transaction Type Name` | `Obligations` or `Disbursements` |
/// | `Fiscal Year` | the fiscal year of the transaction |
/// | `Current Dollar Amount` | the net amount, to the cent (the dataset rounds to dollars) |
/// | `Program Kind` | **addition** (not in the dataset): the crate's program kind code |
///
/// `Managing Agency Acronym` (the department) and `US Sector Name` (the standardized
/// program structure's sector) are not written: the ledger knows neither, and the
/// program kind is not a sector.
pub const FOREIGN_ASSISTANCE_COLUMNS: [&str; 11] = [
    "Country Code",
    "Country Name",
    "Region Name",
    "Managing Sub-agency or Bureau Acronym",
    "Funding Account ID",
    "Funding Account Name",
    "Activity Name",
    "Transaction Type Name",
    "Fiscal Year",
    "Current Dollar Amount",
    "Program Kind",
];

/// ForeignAssistance.gov's name for the region of a partner in `region` (`None`: no
/// partner, `World`).
const fn foreign_assistance_region(region: Option<Region>) -> &'static str {
    match region {
        Some(Region::Africa) => "Sub-Saharan Africa",
        Some(Region::EastAsiaPacific) => "East Asia and Oceania",
        Some(Region::EuropeEurasia) => "Europe and Eurasia",
        Some(Region::NearEast) => "Middle East and North Africa",
        Some(Region::SouthCentralAsia) => "South and Central Asia",
        Some(Region::WesternHemisphere) => "Western Hemisphere",
        None => "World",
    }
}

fn tas_cells(account: &AccountSymbol) -> [String; 7] {
    let period = account.period();
    [
        String::new(),
        format!("{:03}", account.agency()),
        period.first().year().to_string(),
        period
            .last()
            .map(|y| y.year().to_string())
            .unwrap_or_default(),
        if period.is_no_year() { "X" } else { "" }.to_owned(),
        format!("{:04}", account.main_account()),
        "000".to_owned(),
    ]
}

fn amount(m: Money) -> String {
    m.to_decimal().to_string()
}

/// The last day reported for `fiscal_year`: `as_of`, or the year's last day if earlier.
fn end_of(fiscal_year: FiscalYear, as_of: NaiveDate) -> NaiveDate {
    as_of.min(fiscal_year.last_day())
}

/// File A, account balances: one row per account that exists on the reporting date, from
/// its SF-133-shaped statement ([`Ledger::sf133`]) cumulative from 1 October of
/// `fiscal_year` to `as_of` (or the year's end): lines 1000, 1021, 1160, 1910, 2190, 1021
/// again (recoveries), 3020 (gross outlays, written positive), 2490 and 2500. Columns in
/// [`FILE_A_COLUMNS`]; amounts canonical (`1234.56`), to the cent.
///
/// Its totals agree with [`file_b`] as the DATA Act Broker's cross-file rules ask: per
/// account, obligations incurred equal −1 × the sum over its program activities (A19),
/// recoveries and gross outlays equal the sums (A35, A18).
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
/// assert!(csv.contains(",011,2008,2008,,1081,000,0.00,0.00,85000000.00,85000000.00,"));
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
    let then = ledger.as_of(end, None)?;
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(FILE_A_COLUMNS).map_err(csv_error)?;
    for account in then.accounts() {
        let statement = ledger.sf133(&account, fiscal_year, end)?;
        let line = |n: u16| statement.line(n).unwrap_or(Money::ZERO);
        let mut record: Vec<String> = tas_cells(&account).to_vec();
        record.extend(
            [
                line(1000),
                line(1021),
                line(1160),
                line(1910),
                line(2190),
                line(1021),
                line(3020).checked_neg()?,
                line(2490),
                line(2500),
            ]
            .into_iter()
            .map(amount),
        );
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

/// File B, by program activity: one row per account × program kind (named in
/// `ProgramActivityName`; the budget's program activity code is left empty) with
/// obligations incurred (net new obligations plus recoveries, as SF-133 line 2190 counts
/// them, written negative as DAIMS rule A19 has File B carry them), recoveries of
/// prior-year obligations and gross outlays (both positive) from 1 October of
/// `fiscal_year` to `as_of` (or the year's end). Rows whose three amounts are zero are
/// left out. The ledger does not track object classes, so `ObjectClass` is empty.
/// Columns in [`FILE_B_COLUMNS`]; amounts canonical.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{file_b, FILE_B_COLUMNS};
/// use security_assistance::FiscalYear;
///
/// let csv = file_b(&Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll)), FiscalYear::new(2008)?, NaiveDate::from_ymd_opt(2008, 9, 30).ok_or("date")?)?;
/// assert_eq!(csv.trim_end(), FILE_B_COLUMNS.join(","));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::Budget`] if the ledger cannot be replayed, [`ReportError::Csv`] on a
/// writer failure.
pub fn file_b(
    ledger: &Ledger,
    fiscal_year: FiscalYear,
    as_of: NaiveDate,
) -> Result<String, ReportError> {
    let end = end_of(fiscal_year, as_of);
    let start = fiscal_year
        .first_day()
        .pred_opt()
        .unwrap_or(fiscal_year.first_day());
    let by = [Dimension::Account, Dimension::Program];
    let before = by_account_program(&ledger.status_of_funds(&StatusQuery::new(start, &by))?);
    let after = by_account_program(&ledger.status_of_funds(&StatusQuery::new(end, &by))?);
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer.write_record(FILE_B_COLUMNS).map_err(csv_error)?;
    for ((account, program), now) in &after {
        let Some(program) = program else { continue };
        let zero = StatusRow::default();
        let was = before.get(&(*account, Some(*program))).unwrap_or(&zero);
        let recoveries = now.recoveries.checked_sub(was.recoveries)?;
        let obligations = now
            .obligated
            .checked_sub(was.obligated)?
            .checked_add(recoveries)?;
        let outlays = now.disbursed.checked_sub(was.disbursed)?;
        if obligations.is_zero() && recoveries.is_zero() && outlays.is_zero() {
            continue;
        }
        let mut record: Vec<String> = tas_cells(account).to_vec();
        record.push(String::new());
        record.push(program.as_str().replace('_', " "));
        record.push(String::new());
        record.extend(
            [obligations.checked_neg()?, recoveries, outlays]
                .into_iter()
                .map(amount),
        );
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

fn by_account_program(
    rows: &[StatusRow],
) -> BTreeMap<(AccountSymbol, Option<ProgramKind>), StatusRow> {
    rows.iter()
        .filter_map(|r| r.key.account.map(|a| ((a, r.key.program), r.clone())))
        .collect()
}

/// A ForeignAssistance.gov-style CSV: obligations and disbursements by the fiscal year of
/// the transaction, country, managing bureau (the funds holder), funding account and
/// activity (program × country), each row the net amount of that year (deobligations and
/// refunds subtract). Funds with no partner are reported under country and region
/// `World`, as ForeignAssistance.gov does. Columns in [`FOREIGN_ASSISTANCE_COLUMNS`]
/// (which says what each holds and what is ours); transaction types `Obligations` and
/// `Disbursements`.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{foreign_assistance_csv, FOREIGN_ASSISTANCE_COLUMNS};
///
/// let csv = foreign_assistance_csv(&Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll)), NaiveDate::from_ymd_opt(2008, 9, 30).ok_or("date")?)?;
/// assert_eq!(csv.trim_end(), FOREIGN_ASSISTANCE_COLUMNS.join(","));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ReportError::Budget`] if the ledger cannot be replayed,
/// [`ReportError::UnknownDocument`] if the journal names an obligation the ledger lacks,
/// [`ReportError::Csv`] on a writer failure.
pub fn foreign_assistance_csv(ledger: &Ledger, as_of: NaiveDate) -> Result<String, ReportError> {
    type Key = (
        FiscalYear,
        Option<CountryCode>,
        String,
        AccountSymbol,
        ProgramKind,
        Flow,
    );
    let mut sums: BTreeMap<Key, Money> = BTreeMap::new();
    for t in transactions(ledger, as_of)? {
        let key = (
            FiscalYear::containing(t.date),
            t.key.partner,
            t.key.holder.as_str().to_owned(),
            t.account,
            t.key.program,
            t.flow,
        );
        let sum = sums.entry(key).or_default();
        *sum = sum.checked_add(t.amount)?;
    }
    let then = ledger.as_of(as_of, None)?;
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    writer
        .write_record(FOREIGN_ASSISTANCE_COLUMNS)
        .map_err(csv_error)?;
    for ((year, partner, holder, account, program, flow), sum) in sums {
        let title = then
            .account_title(&account)
            .map_err(ReportError::from)?
            .to_owned();
        let country = partner.map_or("World", |p| p.name());
        let record = [
            partner.map(|p| p.alpha3().to_owned()).unwrap_or_default(),
            country.to_owned(),
            foreign_assistance_region(partner.map(|p| p.region())).to_owned(),
            holder,
            account.to_string(),
            title,
            format!("{} for {country}", program.as_str().replace('_', " ")),
            match flow {
                Flow::Obligation => "Obligations",
                Flow::Disbursement => "Disbursements",
            }
            .to_owned(),
            year.year().to_string(),
            amount(sum),
            program.as_str().to_owned(),
        ];
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

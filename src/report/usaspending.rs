//! USAspending-style DATA Act files: File A (account balances by Treasury Account Symbol)
//! and File B (by program activity), and a ForeignAssistance.gov-style CSV.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ReportError;
use super::status::{csv_error, csv_text};
use super::transactions::{Flow, transactions};
use crate::budget::{AccountSymbol, Dimension, Ledger, StatusQuery, StatusRow};
use crate::fiscal::FiscalYear;
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The columns of [`file_a`], in order (names after the DATA Act Information Model
/// Schema, DAIMS).
pub const FILE_A_COLUMNS: [&str; 16] = [
    "allocation_transfer_agency_identifier",
    "agency_identifier",
    "beginning_period_of_availability",
    "ending_period_of_availability",
    "availability_type_code",
    "main_account_code",
    "sub_account_code",
    "budget_authority_unobligated_balance_brought_forward_fyb",
    "adjustments_to_unobligated_balance_brought_forward_cpe",
    "budget_authority_appropriated_amount_cpe",
    "total_budgetary_resources_amount_cpe",
    "obligations_incurred_total_by_tas_cpe",
    "deobligations_recoveries_refunds_by_tas_cpe",
    "gross_outlay_amount_by_tas_cpe",
    "unobligated_balance_cpe",
    "status_of_budgetary_resources_total_cpe",
];

/// The columns of [`file_b`], in order.
pub const FILE_B_COLUMNS: [&str; 13] = [
    "allocation_transfer_agency_identifier",
    "agency_identifier",
    "beginning_period_of_availability",
    "ending_period_of_availability",
    "availability_type_code",
    "main_account_code",
    "sub_account_code",
    "program_activity_code",
    "program_activity_name",
    "object_class",
    "obligations_incurred_by_program_object_class_cpe",
    "deobligations_recoveries_refund_pri_program_object_class_cpe",
    "gross_outlay_amount_by_program_object_class_cpe",
];

/// The columns of [`foreign_assistance_csv`], in order (after the ForeignAssistance.gov
/// complete dataset).
pub const FOREIGN_ASSISTANCE_COLUMNS: [&str; 11] = [
    "Country Code",
    "Country Name",
    "Region Name",
    "Managing Agency Acronym",
    "Funding Account ID",
    "Funding Account Name",
    "US Sector Name",
    "Activity ID",
    "Transaction Type Name",
    "Fiscal Year",
    "Current Dollar Amount",
];

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
/// Its totals agree with [`file_b`]: per account, obligations incurred, recoveries and
/// gross outlays equal the sums over its program activities.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command, Ledger};
/// use security_assistance::report::{file_a, FILE_A_COLUMNS};
/// use security_assistance::{FiscalYear, ProgramKind};
///
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let mut ledger = Ledger::new();
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

/// File B, by program activity: one row per account × program kind (the ledger's program
/// activity) with obligations incurred (net new obligations plus recoveries, as SF-133
/// line 2190 counts them), recoveries of prior-year obligations and gross outlays from
/// 1 October of `fiscal_year` to `as_of` (or the year's end). Rows whose three amounts are
/// zero are left out. The ledger does not track object classes, so `object_class` is
/// empty. Columns in [`FILE_B_COLUMNS`]; amounts positive and canonical.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{file_b, FILE_B_COLUMNS};
/// use security_assistance::FiscalYear;
///
/// let csv = file_b(&Ledger::new(), FiscalYear::new(2008)?, NaiveDate::from_ymd_opt(2008, 9, 30).ok_or("date")?)?;
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
        record.push(program.as_str().to_owned());
        record.push(program.as_str().replace('_', " "));
        record.push(String::new());
        record.extend([obligations, recoveries, outlays].into_iter().map(amount));
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
/// the transaction, country, managing agency (the funds holder), funding account, sector
/// (the program kind) and activity (`<program>-<country>`), each row the net amount of
/// that year (deobligations and refunds subtract). Funds with no partner are reported
/// under country `World`, as ForeignAssistance.gov does. Columns in
/// [`FOREIGN_ASSISTANCE_COLUMNS`]; transaction types `Obligations` and `Disbursements`.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{foreign_assistance_csv, FOREIGN_ASSISTANCE_COLUMNS};
///
/// let csv = foreign_assistance_csv(&Ledger::new(), NaiveDate::from_ymd_opt(2008, 9, 30).ok_or("date")?)?;
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
        let record = [
            partner.map(|p| p.alpha3().to_owned()).unwrap_or_default(),
            partner.map_or_else(|| "World".to_owned(), |p| p.name().to_owned()),
            partner
                .map(|p| p.region().bureau_name().to_owned())
                .unwrap_or_default(),
            holder,
            account.to_string(),
            title,
            program.as_str().replace('_', " "),
            format!(
                "{}-{}",
                program.as_str(),
                partner.map_or("WORLD", |p| p.alpha3())
            ),
            match flow {
                Flow::Obligation => "Obligations",
                Flow::Disbursement => "Disbursements",
            }
            .to_owned(),
            year.year().to_string(),
            amount(sum),
        ];
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

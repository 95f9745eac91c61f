//! A ForeignAssistance.gov-style CSV (the DATA Act files are in `broker`).
//!
//! # Sources for the column names
//!
//! - ForeignAssistance.gov: the column names of its complete dataset
//!   (`us_foreign_aid_complete.csv`) as published, and the site's "Understanding the Data"
//!   page (foreignassistance.gov/learn/understanding-the-data) for what the fiscal year of
//!   an obligation or spent transaction means (the year the transaction took place).
//!   The complete dataset's current header (checked against the snapshot of
//!   `us_foreign_aid_complete` of 2025-02-03 served at
//!   foreignassistance-data.andrewheiss.com, a Datasette copy of the site's download) runs
//!   `Country ID`, `Country Code`, `Country Name`, `Region ID`, `Region Name`, income
//!   group, `Managing Agency …`, `Managing Sub-agency or Bureau ID`/`Acronym`/`Name`,
//!   implementing partner, international and US category/sector/purpose, `Funding Account
//!   ID`, `Funding Account Name`, funding agency, objective, aid type, `Activity ID`,
//!   `Submission ID`, `Activity Name`, `Activity Description`, `Activity Project Number`,
//!   `Activity Start Date`, `Activity End Date`, `Transaction Type ID`, `Transaction Type
//!   Name`, `Fiscal Year`, `Transaction Date`, `Current Dollar Amount`, `Constant Dollar
//!   Amount`. Every column this file shares with it carries that name exactly. (The
//!   site's older per-country downloads spell one column `Funding Acount ID`; the complete
//!   dataset's `Funding Account ID` is used.)
//!
//! # Whole dollars
//!
//! The dataset's amounts are whole dollars, so each row's amount is the exact net of the
//! row's transactions, summed to the cent, then rounded once to whole dollars with
//! [`Rounding::HalfEven`]: the crate's rule for whole-dollar reports (OMB Circular A-11
//! §130, as for the SF-133), and the rounding whose halves go up as often as down, so the
//! rounded rows of a large file drift least from the exact total. ForeignAssistance.gov
//! publishes no rounding rule of its own. Rounding is per row, never per transaction, so a
//! row is never more than $0.50 from its exact amount, and the sum of the rows of one
//! transaction type is within $0.50 × (number of rows) of the ledger's exact total; the
//! exact totals are in the status of funds, which this file does not replace.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ReportError;
use super::status::{csv_error, csv_text};
use super::transactions::{Flow, transactions};
use crate::budget::{AccountSymbol, Ledger};
use crate::fiscal::FiscalYear;
use crate::money::{Money, Rounding};
use crate::partner::{CountryCode, Region};
use crate::purpose::ProgramKind;

/// The columns of [`foreign_assistance_csv`], in order: ten columns of the
/// ForeignAssistance.gov complete dataset, by their current published names (source in the
/// module notes), and one addition of the crate's.
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
/// | `Current Dollar Amount` | the net amount in whole dollars (`1234`, `-50`), rounded half to even from the exact net (see the module notes) |
/// | `Program Kind` | **addition** (not in the dataset): the crate's program kind code (`financing`), which the dataset's columns cannot carry |
///
/// `Managing Agency Acronym` (the department) and `US Sector Name` (the standardized
/// program structure's sector) are not written: the ledger knows neither, and the
/// program kind is not a sector. `Constant Dollar Amount` is not written either: it needs
/// the dataset's deflators, which the crate does not hold. Nor are the dataset's numeric
/// `… ID` columns, which are the site's own keys.
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

/// `m` in whole dollars, rounded half to even, written without cents (`1234`, `-50`).
fn whole_dollars(m: Money) -> Result<String, ReportError> {
    Ok(m.round_to_dollars(Rounding::HalfEven)?
        .to_decimal()
        .trunc()
        .to_string())
}

/// A ForeignAssistance.gov-style CSV: obligations and disbursements by the fiscal year of
/// the transaction, country, managing bureau (the funds holder), funding account and
/// activity (program × country), each row the net amount of that year (deobligations and
/// refunds subtract), in whole dollars rounded half to even (the module notes say why and
/// how far the rows may be from the exact totals). Funds with no partner are reported under country and region
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
/// [`ReportError::Money`] if a sum leaves the range of money,
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
            whole_dollars(sum)?,
            program.as_str().to_owned(),
        ];
        writer.write_record(&record).map_err(csv_error)?;
    }
    csv_text(writer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn whole_dollars_round_half_to_even_and_drop_the_cents()
    -> Result<(), Box<dyn std::error::Error>> {
        for (exact, written) in [
            ("4000000.25", "4000000"),
            ("19749999.50", "19750000"),
            ("2.50", "2"),
            ("-2.50", "-2"),
            ("-3.50", "-4"),
            ("0.49", "0"),
            ("1234.00", "1234"),
        ] {
            assert_eq!(whole_dollars(exact.parse()?)?, written, "{exact}");
        }
        Ok(())
    }

    proptest! {
        /// A row is never more than fifty cents from its exact amount, and carries no cents.
        #[test]
        fn a_row_is_within_fifty_cents(cents in -1_000_000_000_000_i64..1_000_000_000_000) {
            let exact = Money::from_cents(cents);
            let written = whole_dollars(exact).unwrap();
            prop_assert!(!written.contains('.'), "{written}");
            let back: Money = written.parse().unwrap();
            let gap = back.checked_sub(exact).unwrap().to_decimal().abs();
            prop_assert!(gap <= rust_decimal::Decimal::new(50, 2), "{exact} -> {written}");
        }
    }
}

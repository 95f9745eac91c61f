//! The README's main example runs and its homeland fiscal year reconciles to the cent.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/fiscal_year.rs"]
mod fiscal_year;

use chrono::NaiveDate;
use security_assistance::budget::{Dimension, StatusQuery};
use security_assistance::{AccountStatus, Money};

#[test]
fn the_homeland_year_reconciles() {
    let ledger = fiscal_year::homeland_year().unwrap();
    let m = |s: &str| s.parse::<Money>().unwrap();
    let year_end = NaiveDate::from_ymd_opt(2008, 9, 30).unwrap();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(year_end, &[Dimension::Account]))
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.budget_authority, m("150000000"));
    assert_eq!(row.allotted, m("150000000"));
    // $60,000,000 allocated by priority, plus what the Colombia package obligates
    // (mobile team 85,000 + enrollments 50,000 + excess transfer 180,000).
    assert_eq!(row.allocated, m("60315000"));
    assert_eq!(row.obligated, m("315000"));
    assert_eq!(row.unobligated, m("149685000"));
    let after = NaiveDate::from_ymd_opt(2009, 10, 1).unwrap();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(after, &[Dimension::Account]))
        .unwrap();
    assert_eq!(rows[0].account_status, Some(AccountStatus::Expired));
}

#[test]
fn the_main_example_runs() {
    fiscal_year::main().unwrap();
}

//! The fiscal calendar and partners through the public API (DOMAIN.md §10 rules 1–6, 14–15).

use chrono::NaiveDate;
use security_assistance::{
    AccountStatus, Availability, CountryCode, FiscalYear, Group, Money, Region, Rounding, cr_amount,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn rule_1_and_2_fiscal_years() {
    assert_eq!(FiscalYear::containing(d(2007, 10, 1)).year(), 2008);
    assert_eq!(FiscalYear::containing(d(2008, 9, 30)).year(), 2008);
    assert_eq!(FiscalYear::containing(d(2008, 10, 1)).year(), 2009);
    assert_eq!(FiscalYear::new(2008).unwrap().days(), 366);
    assert_eq!(FiscalYear::new(2006).unwrap().days(), 365);
}

#[test]
fn rules_3_to_6_account_status() {
    let fy = |y| FiscalYear::new(y).unwrap();
    let one = Availability::one_year(fy(2008));
    assert_eq!(one.status_on(d(2008, 9, 30)), AccountStatus::Unexpired);
    assert_eq!(one.status_on(d(2008, 10, 1)), AccountStatus::Expired);
    assert_eq!(one.status_on(d(2013, 9, 30)), AccountStatus::Expired);
    assert_eq!(one.status_on(d(2013, 10, 1)), AccountStatus::Cancelled);
    let two = Availability::multi_year(fy(2008), fy(2009)).unwrap();
    assert_eq!(two.status_on(d(2009, 9, 30)), AccountStatus::Unexpired);
    assert_eq!(two.expires_on(), Some(d(2009, 10, 1)));
    assert_eq!(two.cancels_on(), Some(d(2014, 10, 1)));
    let none = Availability::no_year(fy(2008));
    assert_eq!(none.status_on(d(2050, 1, 1)), AccountStatus::Unexpired);
    assert_eq!(none.cancels_on(), None);
}

#[test]
fn rules_14_and_15_continuing_resolutions() {
    let rate: Money = "100000000.00".parse().unwrap();
    let fy = |y| FiscalYear::new(y).unwrap();
    let amount = |days, y| cr_amount(rate, days, fy(y), None, Rounding::HalfEven).unwrap();
    assert_eq!(amount(49, 2006), "13424657.53".parse().unwrap());
    assert_eq!(amount(72, 2016), "19672131.15".parse().unwrap());
    let omb = cr_amount(
        rate,
        49,
        fy(2006),
        Some("13.42".parse().unwrap()),
        Rounding::HalfEven,
    );
    assert_eq!(omb.unwrap(), "13420000.00".parse().unwrap());
}

#[test]
fn partners_regions_and_groups() {
    let c = |s: &str| s.parse::<CountryCode>().unwrap();
    assert_eq!(CountryCode::all().count(), 250);
    assert!(CountryCode::all().all(|code| Region::ALL.contains(&code.region())));
    assert_eq!(c("col").region(), Region::WesternHemisphere);
    assert!(Group::Aeca36bFavored.is_member(c("GBR"), d(2020, 1, 1)));
    assert!(!Group::Aeca36bFavored.is_member(c("IND"), d(2020, 1, 1)));
    assert!(Group::Nato.is_member(c("SWE"), d(2024, 3, 7)));
    assert!(!Group::Nato.is_member(c("SWE"), d(2024, 3, 6)));
}

//! The fiscal calendar through the public API only: text and serde forms, typed errors,
//! account phases and continuing-resolution pro-rating (DOMAIN.md §1.1–1.4, §1.9).

use chrono::NaiveDate;
use security_assistance::{
    AccountStatus, Availability, FiscalError, FiscalYear, Money, Rate, Rounding, cr_amount,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn fy(y: i32) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

#[test]
fn fiscal_year_text_and_serde() {
    for text in ["FY2008", "fy2008", "2008"] {
        assert_eq!(text.parse::<FiscalYear>().unwrap(), fy(2008));
    }
    assert_eq!(fy(2008).to_string(), "FY2008");
    assert_eq!(serde_json::to_string(&fy(2008)).unwrap(), "2008");
    assert_eq!(
        serde_json::from_str::<FiscalYear>("2008").unwrap(),
        fy(2008)
    );
    for bad in ["\"FY2008\"", "2008.5", "10000", "-2008", "null"] {
        assert!(serde_json::from_str::<FiscalYear>(bad).is_err(), "{bad}");
    }
    assert!(matches!(
        FiscalYear::new(FiscalYear::MAX_YEAR + 1),
        Err(FiscalError::YearOutOfRange { .. })
    ));
    assert!(FiscalYear::MAX.next().is_err());
    assert!(FiscalYear::MIN.prev().is_err());
    assert_eq!(fy(2008).next().unwrap().prev().unwrap(), fy(2008));
}

#[test]
fn periods_text_and_serde() {
    let cases = [
        (Availability::one_year(fy(2008)), "2008", "\"2008\""),
        (
            Availability::multi_year(fy(2008), fy(2009)).unwrap(),
            "2008/2009",
            "\"2008/2009\"",
        ),
        (Availability::no_year(fy(2008)), "X", "\"X2008\""),
    ];
    for (period, display, json) in cases {
        assert_eq!(period.to_string(), display);
        assert_eq!(serde_json::to_string(&period).unwrap(), json);
        assert_eq!(serde_json::from_str::<Availability>(json).unwrap(), period);
    }
    assert!(matches!(
        Availability::multi_year(fy(2009), fy(2008)),
        Err(FiscalError::PeriodOrder {
            first: 2009,
            last: 2008
        })
    ));
    assert!("X".parse::<Availability>().is_err());
    assert!(serde_json::from_str::<Availability>("2008").is_err());
}

#[test]
fn a_two_year_account_through_its_life() {
    let period = Availability::multi_year(fy(2008), fy(2009)).unwrap();
    assert_eq!(period.first_day(), d(2007, 10, 1));
    assert_eq!(period.last_day(), Some(d(2009, 9, 30)));
    assert!(period.contains(d(2009, 9, 30)) && !period.contains(d(2009, 10, 1)));
    let phases = [
        (
            d(2007, 9, 30),
            AccountStatus::NotYetAvailable,
            "not yet available",
        ),
        (d(2007, 10, 1), AccountStatus::Unexpired, "unexpired"),
        (d(2009, 10, 1), AccountStatus::Expired, "expired"),
        (d(2014, 9, 30), AccountStatus::Expired, "expired"),
        (d(2014, 10, 1), AccountStatus::Cancelled, "cancelled"),
    ];
    for (date, status, words) in phases {
        assert_eq!(period.status_on(date), status, "{date}");
        assert_eq!(status.to_string(), words);
    }
    assert_eq!(
        serde_json::to_string(&AccountStatus::NotYetAvailable).unwrap(),
        "\"not_yet_available\""
    );
}

#[test]
fn quarters() {
    assert_eq!(FiscalYear::quarter_of(d(2007, 12, 31)), 1);
    assert_eq!(FiscalYear::quarter_of(d(2008, 1, 1)), 2);
    assert_eq!(FiscalYear::quarter_of(d(2008, 4, 1)), 3);
    assert_eq!(FiscalYear::quarter_of(d(2008, 7, 1)), 4);
}

#[test]
fn continuing_resolution_errors() {
    let rate: Money = "100000000.00".parse().unwrap();
    let err = cr_amount(rate, 366, fy(2006), None, Rounding::HalfEven).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a continuing resolution cannot cover 366 days of FY2006, which has 365"
    );
    let negative: Money = "-1.00".parse().unwrap();
    assert!(matches!(
        cr_amount(negative, 10, fy(2006), None, Rounding::HalfEven),
        Err(FiscalError::NegativeRate { .. })
    ));
    // 51 days of FY2005 is 13.97 % of the year; the lower of that and a 15 % limit wins.
    let limit: Rate = "15".parse().unwrap();
    assert_eq!(
        cr_amount(rate, 51, fy(2005), Some(limit), Rounding::HalfEven).unwrap(),
        "13972602.74".parse().unwrap()
    );
    let json = serde_json::to_string(&err).unwrap();
    assert_eq!(serde_json::from_str::<FiscalError>(&json).unwrap(), err);
}

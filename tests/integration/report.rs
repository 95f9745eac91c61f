//! Reports through the public API: the status table (a snapshot), its CSV (parsed back),
//! and the regional summary.

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger,
    StatusQuery,
};
use security_assistance::report::{by_region, csv, text_table};
use security_assistance::{Money, ProgramKind, Region};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ledger() -> Ledger {
    let account = "011-2008/2009-1082".parse().unwrap();
    let key = |p: &str| {
        AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Financing,
            Some(p.parse().unwrap()),
        )
    };
    let m = |s: &str| s.parse::<Money>().unwrap();
    let mut ledger = Ledger::new();
    let actions = vec![
        Action::Appropriate {
            account,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("10000000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1),
            },
            amount: m("10000000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("9000000"),
        },
        Action::Allocate {
            account,
            key: key("JOR"),
            amount: m("4000000"),
        },
        Action::Allocate {
            account,
            key: key("COL"),
            amount: m("3000000"),
        },
        Action::Obligate {
            account,
            document: "JO-1".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key("JOR") },
            amount: m("2500000"),
        },
        Action::Disburse {
            account,
            document: "JO-1".parse().unwrap(),
            amount: m("1000000.50"),
        },
    ];
    for (i, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("c{i}").parse().unwrap(),
                day(2008, 1, 2),
                "me".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

#[test]
fn status_table_matches_its_snapshot() {
    let rows = ledger()
        .status_of_funds(&StatusQuery::new(
            day(2008, 9, 30),
            &[Dimension::Account, Dimension::Partner],
        ))
        .unwrap();
    let table = text_table(&rows).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/snapshots/status_by_partner.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    assert_eq!(table, std::fs::read_to_string(&path).unwrap());
}

#[test]
fn csv_parses_back_to_the_same_amounts() {
    let rows = ledger()
        .status_of_funds(&StatusQuery::new(
            day(2008, 9, 30),
            &[Dimension::Account, Dimension::Partner],
        ))
        .unwrap();
    let text = csv(&rows).unwrap();
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let obligated = header.iter().position(|h| h == "obligated").unwrap();
    let partner = header.iter().position(|h| h == "partner").unwrap();
    let parsed: Vec<(String, Money)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[partner].to_owned(), r[obligated].parse().unwrap())
        })
        .collect();
    assert_eq!(parsed.len(), rows.len());
    for ((p, amount), row) in parsed.iter().zip(&rows) {
        assert_eq!(*amount, row.obligated);
        assert_eq!(
            *p,
            row.key.partner.map(|c| c.to_string()).unwrap_or_default()
        );
    }
}

#[test]
fn regional_sums_add_up() {
    let rows = ledger()
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[Dimension::Partner]))
        .unwrap();
    let regions = by_region(&rows).unwrap();
    let keys: Vec<Option<Region>> = regions.iter().map(|(r, _)| *r).collect();
    assert_eq!(
        keys,
        [
            None,
            Some(Region::NearEast),
            Some(Region::WesternHemisphere)
        ]
    );
    let total = Money::checked_sum(regions.iter().map(|(_, r)| r.budget_authority)).unwrap();
    assert_eq!(total, "10000000".parse().unwrap());
    let near_east = &regions[1].1;
    assert_eq!(near_east.obligated, "2500000".parse().unwrap());
    assert_eq!(near_east.disbursed, "1000000.50".parse().unwrap());
}

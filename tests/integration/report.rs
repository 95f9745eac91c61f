//! Reports through the public API: the status table (a snapshot), its CSV (parsed back),
//! and the regional summary.

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger,
    StatusQuery,
};
use security_assistance::report::{FlowGraph, Measure, by_region, csv, text_table};
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

// ---------------------------------------------------------------------------------------
// A richer year: two accounts, two holders, four partners and a regional allocation,
// five kinds of instrument, a deobligation and a refund.

mod year {
    use super::day;
    use security_assistance::ProgramKind;
    use security_assistance::budget::{
        Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger,
    };

    pub(super) const FMF: &str = "011-2008/2009-1082";
    pub(super) const IMET: &str = "011-2008-1081";

    fn key(holder: &str, program: ProgramKind, partner: Option<&str>) -> AllocationKey {
        AllocationKey::new(
            holder.parse().unwrap(),
            program,
            partner.map(|p| p.parse().unwrap()),
        )
    }

    /// The year's ledger, every command effective on its own date.
    pub(super) fn ledger() -> Ledger {
        use ProgramKind::{Financing, Sales, Training};
        let fmf = FMF.parse().unwrap();
        let imet = IMET.parse().unwrap();
        let m = |s: &str| s.parse().unwrap();
        let obligate =
            |account, doc: &str, instrument, k: AllocationKey, amount: &str| Action::Obligate {
                account,
                document: doc.parse().unwrap(),
                instrument,
                funding: Funding::Allocation { key: k },
                amount: m(amount),
            };
        let steps: Vec<(u32, u32, Action)> = vec![
            (
                1,
                2,
                Action::Appropriate {
                    account: fmf,
                    title: "Foreign Military Financing Program".into(),
                    purposes: vec![Financing, Sales],
                    amount: m("60000000"),
                    law: "P.L. 110-161".into(),
                },
            ),
            (
                1,
                2,
                Action::Appropriate {
                    account: imet,
                    title: "International Military Education & Training".into(),
                    purposes: vec![Training],
                    amount: m("8500000"),
                    law: "P.L. 110-161".into(),
                },
            ),
            (
                1,
                3,
                Action::Apportion {
                    account: fmf,
                    category: Apportionment::ByPeriod {
                        from: day(2007, 10, 1),
                    },
                    amount: m("60000000"),
                },
            ),
            (
                1,
                3,
                Action::Apportion {
                    account: imet,
                    category: Apportionment::ByPeriod {
                        from: day(2007, 10, 1),
                    },
                    amount: m("8000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account: fmf,
                    holder: "DSCA".parse().unwrap(),
                    amount: m("55000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account: imet,
                    holder: "DSCA".parse().unwrap(),
                    amount: m("5000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account: imet,
                    holder: "STATE-PM".parse().unwrap(),
                    amount: m("2500000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: fmf,
                    key: key("DSCA", Financing, Some("JOR")),
                    amount: m("30000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: fmf,
                    key: key("DSCA", Financing, Some("COL")),
                    amount: m("12000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: fmf,
                    key: key("DSCA", Sales, Some("PHL")),
                    amount: m("8000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: imet,
                    key: key("DSCA", Training, Some("COL")),
                    amount: m("1500000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: imet,
                    key: key("DSCA", Training, Some("GEO")),
                    amount: m("2000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account: imet,
                    key: key("STATE-PM", Training, None),
                    amount: m("2500000"),
                },
            ),
            (
                2,
                1,
                obligate(
                    fmf,
                    "JO-FMF-GA-1",
                    Instrument::GrantAgreement,
                    key("DSCA", Financing, Some("JOR")),
                    "25000000",
                ),
            ),
            (
                2,
                1,
                obligate(
                    fmf,
                    "CO-FMF-LN-1",
                    Instrument::Loan,
                    key("DSCA", Financing, Some("COL")),
                    "10000000",
                ),
            ),
            (
                2,
                15,
                obligate(
                    fmf,
                    "PH-D-SAA",
                    Instrument::SalesCase,
                    key("DSCA", Sales, Some("PHL")),
                    "7500000",
                ),
            ),
            (
                3,
                1,
                obligate(
                    imet,
                    "CO-IMET-1",
                    Instrument::Enrollment,
                    key("DSCA", Training, Some("COL")),
                    "1200000",
                ),
            ),
            (
                3,
                1,
                obligate(
                    imet,
                    "GE-IMET-1",
                    Instrument::Enrollment,
                    key("DSCA", Training, Some("GEO")),
                    "1800000",
                ),
            ),
            (
                3,
                1,
                obligate(
                    imet,
                    "GL-MTT-1",
                    Instrument::Other,
                    key("STATE-PM", Training, None),
                    "900000",
                ),
            ),
            (
                4,
                1,
                Action::Disburse {
                    account: fmf,
                    document: "JO-FMF-GA-1".parse().unwrap(),
                    amount: m("20000000"),
                },
            ),
            (
                4,
                1,
                Action::Disburse {
                    account: fmf,
                    document: "CO-FMF-LN-1".parse().unwrap(),
                    amount: m("4000000.25"),
                },
            ),
            (
                4,
                15,
                Action::Disburse {
                    account: fmf,
                    document: "PH-D-SAA".parse().unwrap(),
                    amount: m("3000000"),
                },
            ),
            (
                5,
                1,
                Action::Disburse {
                    account: imet,
                    document: "CO-IMET-1".parse().unwrap(),
                    amount: m("600000"),
                },
            ),
            (
                5,
                1,
                Action::Disburse {
                    account: imet,
                    document: "GE-IMET-1".parse().unwrap(),
                    amount: m("1500000"),
                },
            ),
            (
                5,
                1,
                Action::Disburse {
                    account: imet,
                    document: "GL-MTT-1".parse().unwrap(),
                    amount: m("450000"),
                },
            ),
            (
                6,
                2,
                Action::AdjustObligation {
                    account: imet,
                    document: "GE-IMET-1".parse().unwrap(),
                    amount: m("-150000"),
                },
            ),
            (
                6,
                20,
                Action::Refund {
                    account: fmf,
                    document: "JO-FMF-GA-1".parse().unwrap(),
                    amount: m("250000.50"),
                },
            ),
        ];
        let mut ledger = Ledger::new();
        for (i, (month, d, action)) in steps.into_iter().enumerate() {
            ledger
                .apply(Command::new(
                    format!("y{i:02}").parse().unwrap(),
                    day(2008, month, d),
                    "comptroller".parse().unwrap(),
                    action,
                ))
                .unwrap();
        }
        ledger
    }
}

/// Compares `text` with the snapshot `name`, or writes it when `UPDATE_SNAPSHOTS` is set.
fn snapshot(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/snapshots")
        .join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    assert_eq!(text, expected, "snapshot {name} differs");
}

#[test]
fn flow_graph_pictures_match_their_snapshots() {
    let graph = FlowGraph::of(&year::ledger(), day(2008, 9, 30)).unwrap();
    snapshot("flow_allocated.mmd", &graph.mermaid(Measure::Allocated));
    snapshot("flow_allocated.svg", &graph.svg(Measure::Allocated));
    snapshot("flow_disbursed.svg", &graph.svg(Measure::Disbursed));
}

//! Reports through the public API: the status table (a snapshot), its CSV (parsed back),
//! and the regional summary.

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger,
    StatusQuery,
};
use security_assistance::report::{
    FILE_A_COLUMNS, FILE_B_COLUMNS, FOREIGN_ASSISTANCE_COLUMNS, FlowGraph, IatiPublisher, Measure,
    ProgramActivities, ProgramActivity, StatusReport, file_a, file_b, foreign_assistance_csv,
    iati_activities,
};
use security_assistance::{FiscalYear, Money, ProgramKind, Region};
use std::collections::BTreeMap;

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
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
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
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        Action::Disburse {
            account,
            document: "JO-1".parse().unwrap(),
            amount: m("1000000.50"),
        },
    ];
    crate::support::apply_each(&mut ledger, "c", day(2008, 1, 2), "me", actions);
    ledger
}

#[test]
fn status_table_matches_its_snapshot() {
    let report = StatusReport::of(
        &ledger(),
        &StatusQuery::new(day(2008, 9, 30), &[Dimension::Account, Dimension::Partner]),
    )
    .unwrap();
    let table = report.text_table().unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/snapshots/status_by_partner.txt");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    assert_eq!(table, std::fs::read_to_string(&path).unwrap());
}

#[test]
fn csv_parses_back_to_the_same_amounts() {
    let report = StatusReport::of(
        &ledger(),
        &StatusQuery::new(day(2008, 9, 30), &[Dimension::Account, Dimension::Partner]),
    )
    .unwrap();
    let rows = &report.rows;
    let text = report.csv().unwrap();
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
    for ((p, amount), row) in parsed.iter().zip(rows) {
        assert_eq!(*amount, row.obligated);
        assert_eq!(
            *p,
            row.key.partner.map(|c| c.to_string()).unwrap_or_default()
        );
    }
}

#[test]
fn regional_sums_add_up() {
    let regions = ledger()
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[Dimension::Region]))
        .unwrap();
    let keys: Vec<Option<Region>> = regions.iter().map(|r| r.key.region).collect();
    assert_eq!(
        keys,
        [
            None,
            Some(Region::NearEast),
            Some(Region::WesternHemisphere)
        ]
    );
    let total = Money::checked_sum(regions.iter().map(|r| r.budget_authority)).unwrap();
    assert_eq!(total, "10000000".parse().unwrap());
    let near_east = &regions[1];
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
        let mut ledger = Ledger::new(std::sync::Arc::new(
            security_assistance::eligibility::AllowAll,
        ));
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
    snapshot(
        "flow_allocated.svg",
        &graph.svg(Measure::Allocated).unwrap(),
    );
    snapshot(
        "flow_disbursed.svg",
        &graph.svg(Measure::Disbursed).unwrap(),
    );
}

#[test]
fn status_report_by_region_and_program_matches_its_snapshot_and_adds_up() {
    let ledger = year::ledger();
    let report = StatusReport::of(
        &ledger,
        &StatusQuery::new(day(2008, 9, 30), &[Dimension::Region, Dimension::Program]),
    )
    .unwrap();
    snapshot(
        "status_by_region_program.txt",
        &report.text_table().unwrap(),
    );
    snapshot("status_by_region_program.csv", &report.csv().unwrap());
    // Every column adds up to the ungrouped total.
    let all = StatusReport::of(&ledger, &StatusQuery::new(day(2008, 9, 30), &[])).unwrap();
    assert_eq!(all.rows.len(), 1);
    let mut totals = report.totals().unwrap();
    totals.key = all.rows[0].key.clone();
    totals.account_status = all.rows[0].account_status;
    assert_eq!(totals, all.rows[0]);
    // The CSV parses back to the rows.
    let text = report.csv().unwrap();
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<_> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), report.rows.len());
    for (record, row) in records.iter().zip(&report.rows) {
        assert_eq!(
            record[col("region")],
            *row.key.region.map_or("", |r| r.abbreviation())
        );
        assert_eq!(
            record[col("allocated")].parse::<Money>().unwrap(),
            row.allocated
        );
        assert_eq!(
            record[col("disbursed")].parse::<Money>().unwrap(),
            row.disbursed
        );
    }
    let near_east: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.key.region == Some(Region::NearEast))
        .collect();
    assert_eq!(near_east.len(), 1);
    assert_eq!(near_east[0].key.program, Some(ProgramKind::Financing));
    assert_eq!(
        near_east[0].disbursed,
        "19749999.50".parse::<Money>().unwrap()
    );
}

#[test]
fn flow_graph_conserves_money_through_its_columns() {
    let graph = FlowGraph::of(&year::ledger(), day(2008, 9, 30)).unwrap();
    let column_sum = |c: usize, f: fn(&security_assistance::report::FlowEdge) -> Money| {
        Money::checked_sum(graph.edges.iter().filter(|e| e.from.column() == c).map(f)).unwrap()
    };
    // Obligations and disbursements reach every column whole.
    for c in 0..4 {
        assert_eq!(column_sum(c, |e| e.obligated), "46250000".parse().unwrap());
        assert_eq!(
            column_sum(c, |e| e.disbursed),
            "29299999.75".parse().unwrap()
        );
    }
    assert_eq!(column_sum(0, |e| e.allocated), "62500000".parse().unwrap());
    assert_eq!(column_sum(1, |e| e.allocated), "56000000".parse().unwrap());
    assert_eq!(column_sum(3, |e| e.allocated), "46250000".parse().unwrap());
}

/// Parses an IATI file: checks it is well-formed, and returns per activity identifier the
/// transactions (type code, value) and the budget values.
/// Per activity identifier: its transactions (type code, value) and its budget values.
type Activities = BTreeMap<String, (Vec<(String, Money)>, Vec<Money>)>;

fn parse_iati(xml: &str) -> Activities {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut out: Activities = BTreeMap::new();
    let mut path: Vec<String> = Vec::new();
    let mut id = String::new();
    let mut tx_type = String::new();
    let mut version = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e)
                if {
                    let name = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                    if name == "iati-activities" {
                        version = e
                            .try_get_attribute("version")
                            .unwrap()
                            .map(|a| a.unescape_value().unwrap().into_owned());
                    }
                    if name == "transaction-type" {
                        tx_type = e
                            .try_get_attribute("code")
                            .unwrap()
                            .unwrap()
                            .unescape_value()
                            .unwrap()
                            .into_owned();
                    }
                    false
                } => {}
            Event::Start(e) => path.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap()),
            Event::End(_) => {
                path.pop();
            }
            Event::Text(t) => {
                let text = t.decode().unwrap().into_owned();
                let here: Vec<&str> = path.iter().map(String::as_str).collect();
                match here.as_slice() {
                    [.., "iati-activity", "iati-identifier"] => {
                        id = text;
                        out.entry(id.clone()).or_default();
                    }
                    [.., "transaction", "value"] => out
                        .get_mut(&id)
                        .unwrap()
                        .0
                        .push((tx_type.clone(), text.parse().unwrap())),
                    [.., "budget", "value"] => {
                        out.get_mut(&id).unwrap().1.push(text.parse().unwrap());
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(version.as_deref(), Some("2.03"));
    assert!(path.is_empty(), "unclosed elements {path:?}");
    out
}

#[test]
fn iati_export_parses_back_and_agrees_with_the_ledger() {
    let ledger = year::ledger();
    let publisher = IatiPublisher {
        org_ref: "XM-DAC-302".into(),
        org_name: "Department of State & <Defense>".into(),
    };
    let xml = iati_activities(&ledger, day(2008, 9, 30), &publisher).unwrap();
    snapshot("iati_activities.xml", &xml);
    assert!(xml.contains("Department of State &amp; &lt;Defense&gt;"));
    let activities = parse_iati(&xml);
    let ids: Vec<&str> = activities.keys().map(String::as_str).collect();
    assert_eq!(
        ids,
        [
            "XM-DAC-302-financing-COL",
            "XM-DAC-302-financing-JOR",
            "XM-DAC-302-sales-PHL",
            "XM-DAC-302-training-COL",
            "XM-DAC-302-training-GEO",
        ]
    );
    let rows = ledger
        .status_of_funds(&StatusQuery::new(
            day(2008, 9, 30),
            &[Dimension::Program, Dimension::Partner],
        ))
        .unwrap();
    for row in rows.iter().filter(|r| r.key.partner.is_some()) {
        let id = format!(
            "XM-DAC-302-{}-{}",
            row.key.program.unwrap(),
            row.key.partner.unwrap()
        );
        let (transactions, budgets) = &activities[&id];
        let sum = |codes: &[&str]| {
            Money::checked_sum(
                transactions
                    .iter()
                    .filter(|(c, _)| codes.contains(&c.as_str()))
                    .map(|(_, v)| *v),
            )
            .unwrap()
        };
        assert_eq!(sum(&["2"]), row.obligated, "{id} commitments");
        assert_eq!(sum(&["3", "4"]), row.disbursed, "{id} disbursements");
        assert_eq!(
            Money::checked_sum(budgets.iter().copied()).unwrap(),
            row.allocated
        );
    }
    // Returned funds are negative: Georgia's deobligation and Jordan's refund.
    let (geo, _) = &activities["XM-DAC-302-training-GEO"];
    assert!(geo.contains(&("2".into(), "-150000".parse().unwrap())));
    let (jor, _) = &activities["XM-DAC-302-financing-JOR"];
    assert!(jor.contains(&("3".into(), "-250000.50".parse().unwrap())));
    let (col, _) = &activities["XM-DAC-302-training-COL"];
    assert!(
        col.iter().any(|(c, _)| c == "4"),
        "training is spent, not handed over"
    );
}

/// Every activity of the main example carries an OECD DAC sector (vocabulary 1) beside the
/// crate's own (vocabulary 99), each vocabulary's percentages summing to 100, and a
/// reporting organisation whose identifier begins with a registered org-id prefix: the two
/// things the IATI validator warned about.
#[test]
fn iati_activities_carry_a_dac_sector_and_a_registered_org_id() {
    use quick_xml::events::Event;
    let publisher = IatiPublisher {
        org_ref: "XM-DAC-302".into(),
        org_name: "United States".into(),
    };
    let xml = iati_activities(&year::ledger(), day(2008, 9, 30), &publisher).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    // Per activity: vocabulary -> (codes, percentage sum), and the reporting-org refs.
    type Sectors = BTreeMap<String, (Vec<String>, u32)>;
    let mut activities: Vec<(Sectors, Vec<String>)> = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |n: &str| {
                    e.try_get_attribute(n)
                        .unwrap()
                        .map(|a| a.unescape_value().unwrap().into_owned())
                };
                match e.name().as_ref() {
                    b"iati-activity" => activities.push(Default::default()),
                    b"sector" => {
                        let (sectors, _) = activities.last_mut().unwrap();
                        let entry = sectors.entry(attr("vocabulary").unwrap()).or_default();
                        entry.0.push(attr("code").unwrap());
                        entry.1 += attr("percentage").unwrap().parse::<u32>().unwrap();
                    }
                    b"reporting-org" => {
                        let (_, refs) = activities.last_mut().unwrap();
                        refs.push(attr("ref").unwrap());
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(activities.len(), 5);
    for (sectors, refs) in &activities {
        assert_eq!(
            sectors.keys().map(String::as_str).collect::<Vec<_>>(),
            ["1", "99"]
        );
        for (codes, percent) in sectors.values() {
            assert_eq!(*percent, 100, "{sectors:?}");
            assert_eq!(codes.len(), 1);
        }
        let dac = &sectors["1"].0[0];
        assert!(
            dac.len() == 5 && dac.bytes().all(|b| b.is_ascii_digit()),
            "{dac}"
        );
        assert_eq!(refs.as_slice(), ["XM-DAC-302"]);
        assert!(
            security_assistance::report::IATI_ORG_ID_PREFIXES
                .iter()
                .any(|p| refs[0].starts_with(&format!("{p}-")))
        );
    }
    // Financing, sales and training are security-system purposes (DAC 15210).
    assert!(
        activities
            .iter()
            .all(|(sectors, _)| sectors["1"].0 == ["15210"])
    );
}

/// An identifier whose prefix is not in the org-id register (or that is a bare prefix) is
/// refused by name, with the prefixes allowed, and nothing is written.
#[test]
fn iati_refuses_an_unregistered_org_id_prefix() {
    let ledger = year::ledger();
    for org_ref in [
        "US-GOV-11",
        "US-GOV-1",
        "XM-DAC",
        "XM-DAC-",
        "xm-dac-302",
        "XM-DACX-302",
        "302",
        "",
    ] {
        let publisher = IatiPublisher {
            org_ref: org_ref.into(),
            org_name: "Department of State".into(),
        };
        let err = iati_activities(&ledger, day(2008, 9, 30), &publisher).unwrap_err();
        match &err {
            security_assistance::report::ReportError::UnregisteredOrgIdPrefix {
                org_ref: named,
                allowed,
            } => {
                assert_eq!(named, org_ref);
                assert!(allowed.contains("XM-DAC") && allowed.contains("US-USAGOV"));
            }
            other => panic!("{org_ref}: {other:?}"),
        }
        assert!(err.to_string().contains("registered org-id prefix"));
    }
    for org_ref in ["XM-DAC-302", "US-USAGOV-dos", "XI-IATI-1"] {
        let publisher = IatiPublisher {
            org_ref: org_ref.into(),
            org_name: "United States".into(),
        };
        assert!(iati_activities(&ledger, day(2008, 9, 30), &publisher).is_ok());
    }
}

fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = ::csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn file_a_and_file_b_totals_agree() {
    let mut ledger = year::ledger();
    // A prior-year recovery in FY2009 against the two-year FMF account.
    ledger
        .apply(Command::new(
            "y-recovery".parse().unwrap(),
            day(2008, 11, 3),
            "comptroller".parse().unwrap(),
            Action::AdjustObligation {
                account: year::FMF.parse().unwrap(),
                document: "CO-FMF-LN-1".parse().unwrap(),
                amount: "-1000000".parse().unwrap(),
            },
        ))
        .unwrap();
    for (fy, as_of) in [(2008, day(2008, 9, 30)), (2009, day(2009, 3, 31))] {
        let fy = FiscalYear::new(fy).unwrap();
        let a = file_a(&ledger, fy, as_of).unwrap();
        let mut activities = ProgramActivities::new();
        for (account, program, code, name) in [
            (
                year::FMF,
                ProgramKind::Financing,
                "0001",
                "Foreign Military Financing",
            ),
            (year::FMF, ProgramKind::Sales, "0002", "Sales financing"),
            (
                year::IMET,
                ProgramKind::Training,
                "0001",
                "Military education and training",
            ),
        ] {
            activities.insert(
                account.parse().unwrap(),
                program,
                ProgramActivity::new(code, name, None).unwrap(),
            );
        }
        let b = file_b(&ledger, fy, as_of, &activities).unwrap();
        snapshot(&format!("file_a_fy{}.csv", fy.year()), &a);
        snapshot(&format!("file_b_fy{}.csv", fy.year()), &b);
        let (ha, ra) = read_csv(&a);
        let (hb, rb) = read_csv(&b);
        assert_eq!(ha, FILE_A_COLUMNS);
        assert_eq!(hb, FILE_B_COLUMNS);
        let ca = |n: &str| ha.iter().position(|h| h == n).unwrap();
        let cb = |n: &str| hb.iter().position(|h| h == n).unwrap();
        let tas = |r: &Vec<String>| {
            [
                "AgencyIdentifier",
                "BeginningPeriodOfAvailability",
                "EndingPeriodOfAvailability",
                "MainAccountCode",
            ]
            .map(|c| r[ha.iter().position(|h| h == c).unwrap()].clone())
            .join("|")
        };
        let tas_b = |r: &Vec<String>| {
            [
                "AgencyIdentifier",
                "BeginningPeriodOfAvailability",
                "EndingPeriodOfAvailability",
                "MainAccountCode",
            ]
            .map(|c| r[hb.iter().position(|h| h == c).unwrap()].clone())
            .join("|")
        };
        // The DATA Act Broker's cross-file rules: A19 (File B carries obligations with the
        // sign of a credit), A35 and A18.
        for (a_column, b_column, sign) in [
            (
                "ObligationsIncurredTotalByTAS_CPE",
                "ObligationsIncurredByProgramObjectClass_CPE",
                -1,
            ),
            (
                "DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE",
                "DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE",
                1,
            ),
            (
                "GrossOutlayAmountByTAS_CPE",
                "GrossOutlayAmountByProgramObjectClass_CPE",
                1,
            ),
        ] {
            for row in &ra {
                let total: Money = row[ca(a_column)].parse().unwrap();
                let parts = Money::checked_sum(
                    rb.iter()
                        .filter(|r| tas_b(r) == tas(row))
                        .map(|r| r[cb(b_column)].parse::<Money>().unwrap()),
                )
                .unwrap();
                let parts = if sign < 0 {
                    parts.checked_neg().unwrap()
                } else {
                    parts
                };
                assert_eq!(total, parts, "{} {a_column}", tas(row));
            }
        }
        // File B's obligations and outlays carry the sign of a credit (rules B25, B22).
        for row in &rb {
            let v = |n: &str| row[cb(n)].parse::<Money>().unwrap();
            assert!(!v("ObligationsIncurredByProgramObjectClass_CPE").is_positive());
            assert!(!v("GrossOutlayAmountByProgramObjectClass_CPE").is_positive());
        }
        // SF-133 identities survive the file: 1910 = 2190 + 2490 = 2500.
        for row in &ra {
            let v = |n: &str| row[ca(n)].parse::<Money>().unwrap();
            assert_eq!(
                v("TotalBudgetaryResources_CPE"),
                v("ObligationsIncurredTotalByTAS_CPE")
                    .checked_add(v("UnobligatedBalance_CPE"))
                    .unwrap()
            );
            assert_eq!(
                v("TotalBudgetaryResources_CPE"),
                v("StatusOfBudgetaryResourcesTotal_CPE")
            );
            // DAIMS rule A2: total = appropriated + brought forward + adjustments (+ other
            // resources, none here).
            assert_eq!(
                v("TotalBudgetaryResources_CPE"),
                Money::checked_sum([
                    v("BudgetAuthorityAppropriatedAmount_CPE"),
                    v("BudgetAuthorityUnobligatedBalanceBroughtForward_FYB"),
                    v("AdjustmentsToUnobligatedBalanceBroughtForward_CPE"),
                ])
                .unwrap()
            );
        }
        if fy.year() == 2009 {
            let fmf = ra
                .iter()
                .find(|r| r[ca("MainAccountCode")] == "1082")
                .unwrap();
            assert_eq!(
                fmf[ca("DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE")],
                "1000000.00"
            );
        }
    }
}

#[test]
fn foreign_assistance_csv_parses_back_to_the_journal_totals() {
    let ledger = year::ledger();
    let text = foreign_assistance_csv(&ledger, day(2008, 9, 30)).unwrap();
    snapshot("foreign_assistance.csv", &text);
    let (header, rows) = read_csv(&text);
    assert_eq!(header, FOREIGN_ASSISTANCE_COLUMNS);
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    // Whole dollars: no row carries cents.
    for r in &rows {
        let amount = &r[col("Current Dollar Amount")];
        assert!(
            !amount.is_empty()
                && amount
                    .trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit()),
            "{amount}"
        );
    }
    let count = |kind: &str| {
        rows.iter()
            .filter(|r| r[col("Transaction Type Name")] == kind)
            .count()
    };
    let total = |kind: &str| {
        Money::checked_sum(
            rows.iter()
                .filter(|r| r[col("Transaction Type Name")] == kind)
                .map(|r| r[col("Current Dollar Amount")].parse::<Money>().unwrap()),
        )
        .unwrap()
    };
    let all = ledger
        .status_of_funds(&StatusQuery::new(day(2008, 9, 30), &[]))
        .unwrap();
    // Each row is rounded once, so a type's rows sum to within $0.50 a row of the exact
    // total. The example's obligations are whole dollars and reconcile exactly; its
    // disbursements hold two rows with cents, Colombia's $4,000,000.25 (written 4000000)
    // and Jordan's $19,749,999.50 (written 19750000, half to even), so their sum is
    // $0.25 above the exact total.
    for (kind, exact) in [
        ("Obligations", all[0].obligated),
        ("Disbursements", all[0].disbursed),
    ] {
        let gap = total(kind).checked_sub(exact).unwrap().to_decimal().abs();
        let bound = "0.50"
            .parse::<Money>()
            .unwrap()
            .checked_mul_int(i64::try_from(count(kind)).unwrap())
            .unwrap();
        assert!(gap <= bound.to_decimal(), "{kind}: {gap} over {bound}");
    }
    assert_eq!(total("Obligations"), all[0].obligated);
    assert_eq!(
        total("Disbursements")
            .checked_sub(all[0].disbursed)
            .unwrap(),
        "0.25".parse().unwrap()
    );
    let world: Vec<_> = rows
        .iter()
        .filter(|r| r[col("Country Name")] == "World")
        .collect();
    assert_eq!(world.len(), 2);
    assert!(world.iter().all(|r| r[col("Region Name")] == "World"));
    let jordan: Vec<_> = rows
        .iter()
        .filter(|r| r[col("Country Code")] == "JOR")
        .collect();
    assert!(!jordan.is_empty());
    for r in jordan {
        assert_eq!(r[col("Region Name")], "Middle East and North Africa");
        assert_eq!(r[col("Managing Sub-agency or Bureau Acronym")], "DSCA");
        assert_eq!(r[col("Activity Name")], "financing for Jordan");
        assert_eq!(r[col("Program Kind")], "financing");
    }
}

/// Checks `value` against the parts of `schema` this crate's schemas use: `$ref` into
/// `$defs`, `type`, `required`, `properties`, `items`, `enum`/`const`, `oneOf`/`anyOf`
/// and `pattern` (anchored patterns of the money and id types, checked by hand for
/// the few shapes they take). A small stand-in for a full validator.
#[cfg(feature = "schemars")]
fn conforms(
    root: &serde_json::Value,
    schema: &serde_json::Value,
    value: &serde_json::Value,
) -> bool {
    use serde_json::Value;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return conforms(root, &root["$defs"][name], value);
    }
    if let Some(options) = schema
        .get("oneOf")
        .or(schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        let count = options.iter().filter(|o| conforms(root, o, value)).count();
        if count == 0 {
            return false;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            return false;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(value) {
            return false;
        }
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            "null" => value.is_null(),
            _ => false,
        });
        if !ok {
            return false;
        }
    }
    if let (Some(pattern), Some(text)) = (
        schema.get("pattern").and_then(Value::as_str),
        value.as_str(),
    ) {
        // The money pattern is the one the samples exercise most; check it exactly.
        if pattern == "^-?[0-9]+(\\.[0-9]{1,2})?$" {
            let body = text.strip_prefix('-').unwrap_or(text);
            let (int, frac) = body.split_once('.').unwrap_or((body, "1"));
            if int.is_empty()
                || !int.bytes().all(|b| b.is_ascii_digit())
                || frac.is_empty()
                || frac.len() > 2
                || !frac.bytes().all(|b| b.is_ascii_digit())
            {
                return false;
            }
        }
    }
    if let Some(obj) = value.as_object() {
        if let Some(req) = schema.get("required").and_then(Value::as_array) {
            if !req
                .iter()
                .filter_map(Value::as_str)
                .all(|k| obj.contains_key(k))
            {
                return false;
            }
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, v) in obj {
                if let Some(s) = props.get(k) {
                    if !conforms(root, s, v) {
                        return false;
                    }
                }
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), value.as_array()) {
        if !arr.iter().all(|v| conforms(root, items, v)) {
            return false;
        }
    }
    true
}

#[cfg(feature = "schemars")]
#[test]
fn json_schemas_accept_the_sample_json_and_refuse_broken_samples() {
    use security_assistance::report::json_schemas;
    let schemas = json_schemas();
    let ledger = year::ledger();
    let journal = serde_json::to_value(ledger.journal()).unwrap();
    assert!(conforms(&schemas["journal"], &schemas["journal"], &journal));
    for entry in journal["entries"].as_array().unwrap() {
        let command = &entry["command"];
        assert!(
            conforms(&schemas["command"], &schemas["command"], command),
            "{command}"
        );
    }
    // Broken samples are refused: a missing action, money as a number, an unknown action type.
    let mut command = journal["entries"][0]["command"].clone();
    command.as_object_mut().unwrap().remove("action");
    assert!(!conforms(
        &schemas["command"],
        &schemas["command"],
        &command
    ));
    let mut command = journal["entries"][0]["command"].clone();
    command["action"]["amount"] = serde_json::json!(60000000);
    assert!(!conforms(
        &schemas["command"],
        &schemas["command"],
        &command
    ));
    let mut command = journal["entries"][0]["command"].clone();
    command["action"]["type"] = serde_json::json!("embezzle");
    assert!(!conforms(
        &schemas["command"],
        &schemas["command"],
        &command
    ));
    // Reports conform to theirs.
    let report = StatusReport::of(
        &ledger,
        &StatusQuery::new(day(2008, 9, 30), &[Dimension::Region]),
    )
    .unwrap();
    let value = serde_json::to_value(&report).unwrap();
    assert!(conforms(
        &schemas["status_report"],
        &schemas["status_report"],
        &value
    ));
    let graph = serde_json::to_value(FlowGraph::of(&ledger, day(2008, 9, 30)).unwrap()).unwrap();
    assert!(conforms(
        &schemas["flow_graph"],
        &schemas["flow_graph"],
        &graph
    ));
}

// ---------------------------------------------------------------------------------------
// Agency and mission area: a homeland account whose holders follow the agency convention
// (USCG, CBP) and one that does not (DSCA), with documents tagged by mission area through
// the program's oversight register.

mod homeland_year {
    use super::day;
    use security_assistance::ProgramKind;
    use security_assistance::budget::{
        Action, AllocationKey, Apportionment, Command, Funding, Instrument, Ledger,
    };
    use security_assistance::homeland::{Agency, MissionArea, Oversight, Tag};
    use security_assistance::notification::Thresholds;

    pub(super) const ACCOUNT: &str = "070-2008/2009-0100";

    pub(super) fn key(holder: &str, program: ProgramKind, partner: &str) -> AllocationKey {
        AllocationKey::new(
            holder.parse().unwrap(),
            program,
            Some(partner.parse().unwrap()),
        )
    }

    /// The year's ledger and the oversight register of its documents. Amounts invented;
    /// the expected figures in the tests are computed by hand from them.
    pub(super) fn ledger() -> (Ledger, Oversight) {
        use ProgramKind::{Financing, Sales, Training};
        let account = ACCOUNT.parse().unwrap();
        let m = |s: &str| s.parse().unwrap();
        let obligate = |doc: &str, k: AllocationKey, amount: &str| Action::Obligate {
            account,
            document: doc.parse().unwrap(),
            instrument: Instrument::Other,
            funding: Funding::Allocation { key: k },
            amount: m(amount),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        };
        let disburse = |doc: &str, amount: &str| Action::Disburse {
            account,
            document: doc.parse().unwrap(),
            amount: m(amount),
        };
        let steps: Vec<(u32, u32, Action)> = vec![
            (
                1,
                2,
                Action::Appropriate {
                    account,
                    title: "Homeland Security International Assistance".into(),
                    purposes: vec![Training, Financing, Sales],
                    amount: m("20000000"),
                    law: "P.L. 110-161".into(),
                },
            ),
            (
                1,
                3,
                Action::Apportion {
                    account,
                    category: Apportionment::ByPeriod {
                        from: day(2007, 10, 1),
                    },
                    amount: m("20000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account,
                    holder: "USCG".parse().unwrap(),
                    amount: m("8000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account,
                    holder: "CBP".parse().unwrap(),
                    amount: m("6000000"),
                },
            ),
            (
                1,
                4,
                Action::Allot {
                    account,
                    holder: "DSCA".parse().unwrap(),
                    amount: m("3000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account,
                    key: key("USCG", Training, "PAN"),
                    amount: m("3000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account,
                    key: key("USCG", Financing, "PHL"),
                    amount: m("4000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account,
                    key: key("CBP", Training, "MEX"),
                    amount: m("5000000"),
                },
            ),
            (
                1,
                7,
                Action::Allocate {
                    account,
                    key: key("DSCA", Sales, "JOR"),
                    amount: m("2000000"),
                },
            ),
            (
                2,
                1,
                Action::Commit {
                    account,
                    document: "PA-MTT-9".parse().unwrap(),
                    key: key("USCG", Training, "PAN"),
                    amount: m("200000"),
                },
            ),
            (
                2,
                1,
                obligate("PA-MTT-1", key("USCG", Training, "PAN"), "1200000"),
            ),
            (
                2,
                1,
                obligate("PA-ENR-1", key("USCG", Training, "PAN"), "300000"),
            ),
            (
                2,
                5,
                obligate("PH-GRT-1", key("USCG", Financing, "PHL"), "2500000"),
            ),
            (
                2,
                5,
                obligate("MX-MTT-1", key("CBP", Training, "MEX"), "1000000"),
            ),
            (
                2,
                5,
                obligate("MX-MTT-2", key("CBP", Training, "MEX"), "400000"),
            ),
            (
                2,
                9,
                obligate("JO-SAL-1", key("DSCA", Sales, "JOR"), "1500000"),
            ),
            (3, 1, disburse("PA-MTT-1", "700000.50")),
            (3, 1, disburse("PH-GRT-1", "1000000")),
            (3, 1, disburse("MX-MTT-2", "100000")),
            (
                4,
                1,
                Action::AdjustObligation {
                    account,
                    document: "PA-ENR-1".parse().unwrap(),
                    amount: m("-50000"),
                },
            ),
        ];
        let mut ledger = Ledger::new(std::sync::Arc::new(
            security_assistance::eligibility::AllowAll,
        ));
        for (i, (month, d, action)) in steps.into_iter().enumerate() {
            ledger
                .apply(Command::new(
                    format!("h{i:02}").parse().unwrap(),
                    day(2008, month, d),
                    "oia".parse().unwrap(),
                    action,
                ))
                .unwrap();
        }
        let tag = |partner: &str, mission, agency| Tag {
            partner: partner.parse().unwrap(),
            mission,
            agency,
        };
        let mut oversight = Oversight::new(account, Thresholds::current().homeland);
        oversight.register(&[
            (
                "PA-MTT-1".parse().unwrap(),
                tag("PAN", MissionArea::MaritimeSecurity, Agency::CoastGuard),
            ),
            (
                "PA-ENR-1".parse().unwrap(),
                tag("PAN", MissionArea::AviationSecurity, Agency::CoastGuard),
            ),
            (
                "PH-GRT-1".parse().unwrap(),
                tag("PHL", MissionArea::MaritimeSecurity, Agency::CoastGuard),
            ),
            (
                "MX-MTT-1".parse().unwrap(),
                tag(
                    "MEX",
                    MissionArea::BorderControl,
                    Agency::CustomsAndBorderProtection,
                ),
            ),
            // Registered but never obligated: matches nothing.
            (
                "MX-MTT-3".parse().unwrap(),
                tag(
                    "MEX",
                    MissionArea::DisasterResponse,
                    Agency::CustomsAndBorderProtection,
                ),
            ),
            // A non-agency holder's document can still serve a mission area.
            (
                "JO-SAL-1".parse().unwrap(),
                tag("JOR", MissionArea::Counterterrorism, Agency::State),
            ),
        ]);
        (ledger, oversight)
    }
}

/// Every amount column of a report's totals equals the ungrouped status of funds.
fn assert_reconciles(ledger: &Ledger, report: &StatusReport) {
    let all = ledger
        .status_of_funds(&StatusQuery::new(report.query.as_of, &[]))
        .unwrap();
    let mut totals = report.totals().unwrap();
    totals.key = all[0].key.clone();
    totals.account_status = all[0].account_status;
    assert_eq!(totals, all[0], "{:?}", report.query.group_by);
    for row in &report.rows {
        let s = row;
        assert_eq!(
            s.budget_authority,
            s.obligated.checked_add(s.unobligated).unwrap()
        );
        assert_eq!(
            s.obligated,
            s.disbursed.checked_add(s.unliquidated).unwrap()
        );
    }
}

#[test]
fn status_by_agency_and_mission_area_matches_its_snapshot_and_reconciles() {
    use security_assistance::budget::{MissionKey, MissionRegister};
    use security_assistance::homeland::{Agency, MissionArea};
    let (ledger, oversight) = homeland_year::ledger();
    let missions = MissionRegister::from(&oversight);
    let query = StatusQuery::new(
        day(2008, 9, 30),
        &[Dimension::Agency, Dimension::MissionArea],
    );
    let report = StatusReport::with_missions(&ledger, &query, &missions).unwrap();
    snapshot(
        "status_by_agency_mission.txt",
        &report.text_table().unwrap(),
    );
    snapshot("status_by_agency_mission.csv", &report.csv().unwrap());
    assert_reconciles(&ledger, &report);
    let m = |s: &str| s.parse::<Money>().unwrap();
    let cell = |agency: Option<Agency>, mission: MissionKey| {
        report
            .rows
            .iter()
            .find(|r| r.key.agency == agency && r.key.mission_area == Some(mission))
            .map(|r| (*r).clone())
            .unwrap_or_else(|| panic!("no row {agency:?} {mission:?}"))
    };
    use MissionKey::{Area, Unassigned};
    // Figures by hand from the ledger above.
    let maritime = cell(
        Some(Agency::CoastGuard),
        Area(MissionArea::MaritimeSecurity),
    );
    assert_eq!(maritime.obligated, m("3700000"));
    assert_eq!(maritime.disbursed, m("1700000.50"));
    assert_eq!(maritime.allocated, m("3700000"));
    let aviation = cell(
        Some(Agency::CoastGuard),
        Area(MissionArea::AviationSecurity),
    );
    assert_eq!(aviation.obligated, m("250000"));
    // USCG: 8,000,000 allotted − 3,700,000 − 250,000 tagged = 4,050,000 of authority,
    // of which 200,000 committed and nothing obligated.
    let uscg_rest = cell(Some(Agency::CoastGuard), Unassigned);
    assert_eq!(uscg_rest.budget_authority, m("4050000"));
    assert_eq!(uscg_rest.committed, m("200000"));
    assert_eq!(uscg_rest.obligated, Money::ZERO);
    let border = cell(
        Some(Agency::CustomsAndBorderProtection),
        Area(MissionArea::BorderControl),
    );
    assert_eq!(border.obligated, m("1000000"));
    let cbp_rest = cell(Some(Agency::CustomsAndBorderProtection), Unassigned);
    assert_eq!(cbp_rest.obligated, m("400000"));
    assert_eq!(cbp_rest.disbursed, m("100000"));
    assert_eq!(cbp_rest.unobligated, m("4600000"));
    // DSCA is not an agency abbreviation: no agency, never a guess.
    let dsca = cell(None, Area(MissionArea::Counterterrorism));
    assert_eq!(dsca.obligated, m("1500000"));
    // No agency, unassigned: 3,000,000 never allotted, 1,000,000 of DSCA's allotment not
    // allocated, 500,000 of its allocation not obligated.
    let none_rest = cell(None, Unassigned);
    assert_eq!(none_rest.budget_authority, m("4500000"));
    assert_eq!(none_rest.obligated, Money::ZERO);
    assert!(
        report
            .rows
            .iter()
            .all(|r| r.key.mission_area != Some(Area(MissionArea::DisasterResponse)))
    );
    // The typed rows go through JSON unchanged and conform to the published schema.
    let value = serde_json::to_value(&report).unwrap();
    #[cfg(feature = "schemars")]
    {
        let schemas = security_assistance::report::json_schemas();
        let schema = &schemas["status_report"];
        assert!(conforms(schema, schema, &value));
    }
    assert_eq!(
        serde_json::from_value::<StatusReport>(value).unwrap(),
        report
    );
    // The CSV parses back to the rows, "-" for no agency.
    let (header, records) = read_csv(&report.csv().unwrap());
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    assert_eq!(records.len(), report.rows.len());
    for (record, row) in records.iter().zip(&report.rows) {
        assert_eq!(
            record[col("agency")],
            row.key.agency.map_or("-", |a| a.abbreviation())
        );
        assert_eq!(
            record[col("mission_area")],
            row.key.mission_area.unwrap().to_string()
        );
        assert_eq!(
            record[col("obligated")].parse::<Money>().unwrap(),
            row.obligated
        );
    }
}

#[test]
fn mission_areas_follow_the_as_of_date_and_need_a_register() {
    use security_assistance::budget::{MissionKey, MissionRegister};
    use security_assistance::homeland::MissionArea;
    let (ledger, oversight) = homeland_year::ledger();
    let missions = MissionRegister::from(&oversight);
    // On 3 February only the Panama documents exist, and nothing is paid.
    let query = StatusQuery::new(day(2008, 2, 3), &[Dimension::MissionArea]);
    let report = StatusReport::with_missions(&ledger, &query, &missions).unwrap();
    assert_reconciles(&ledger, &report);
    let keys: Vec<_> = report
        .rows
        .iter()
        .map(|r| r.key.mission_area.unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            MissionKey::Area(MissionArea::AviationSecurity),
            MissionKey::Area(MissionArea::MaritimeSecurity),
            MissionKey::Unassigned
        ]
    );
    assert_eq!(report.rows[0].obligated, "300000".parse().unwrap());
    assert_eq!(report.rows[1].obligated, "1200000".parse().unwrap());
    assert_eq!(report.rows[1].disbursed, Money::ZERO);
    // Without a register everything is unassigned, and still reconciles.
    let plain = StatusReport::of(&ledger, &query).unwrap();
    assert_eq!(plain.rows.len(), 1);
    assert_eq!(plain.rows[0].key.mission_area, Some(MissionKey::Unassigned));
    assert_reconciles(&ledger, &plain);
    // Grouped by agency with the other dimensions, the agency column follows the holder.
    let by_holder = StatusReport::of(
        &ledger,
        &StatusQuery::new(day(2008, 9, 30), &[Dimension::Holder, Dimension::Agency]),
    )
    .unwrap();
    for row in &by_holder.rows {
        let expected = row
            .key
            .holder
            .as_ref()
            .and_then(security_assistance::homeland::Agency::from_holder);
        assert_eq!(row.key.agency, expected);
        assert_eq!(row.key.mission_area, None);
    }
    assert!(by_holder.text_table().unwrap().contains("USCG"));
}

mod mission_reconciliation {
    //! Property: whatever documents are obligated, paid, adjusted and tagged, a report by
    //! mission area adds up to the ungrouped status of funds to the cent, and each area's
    //! obligations equal a naive sum over its tagged documents.

    use super::{assert_reconciles, day, homeland_year::key};
    use proptest::prelude::*;
    use security_assistance::budget::{
        Action, Apportionment, Command, Dimension, Funding, Instrument, Ledger, MissionKey,
        MissionRegister, StatusQuery,
    };
    use security_assistance::homeland::MissionArea;
    use security_assistance::report::StatusReport;
    use security_assistance::{Money, ProgramKind};
    use std::collections::BTreeMap;

    /// One document: its allocation (index), the day of February it is obligated on,
    /// the cents obligated, paid and deobligated (bounded by what is left), its tag.
    type Doc = (usize, u32, i64, i64, i64, Option<usize>);

    fn doc() -> impl Strategy<Value = Doc> {
        (
            0_usize..4,
            1_u32..=28,
            1_i64..=50_000_000,
            0_i64..=50_000_000,
            0_i64..=50_000_000,
            prop::option::of(0_usize..6),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn reports_by_mission_area_reconcile(
            docs in prop::collection::vec(doc(), 0..10),
            as_of_day in 1_u32..=29,
        ) {
            let account = super::homeland_year::ACCOUNT.parse().unwrap();
            let keys = [
                key("USCG", ProgramKind::Training, "PAN"),
                key("USCG", ProgramKind::Training, "PHL"),
                key("CBP", ProgramKind::Training, "MEX"),
                key("DSCA", ProgramKind::Training, "JOR"),
            ];
            let mut actions: Vec<(chrono::NaiveDate, Action)> = vec![
                (day(2008, 1, 2), Action::Appropriate {
                    account, title: "HSIA".into(), purposes: vec![ProgramKind::Training],
                    amount: Money::from_cents(100_000_000_000), law: "P.L. 110-161".into() }),
                (day(2008, 1, 2), Action::Apportion { account,
                    category: Apportionment::ByPeriod { from: day(2007, 10, 1) },
                    amount: Money::from_cents(100_000_000_000) }),
            ];
            for holder in ["USCG", "CBP", "DSCA"] {
                actions.push((day(2008, 1, 3), Action::Allot { account,
                    holder: holder.parse().unwrap(), amount: Money::from_cents(30_000_000_000) }));
            }
            for k in &keys {
                actions.push((day(2008, 1, 4), Action::Allocate { account, key: k.clone(),
                    amount: Money::from_cents(10_000_000_000) }));
            }
            let as_of = day(2008, 2, as_of_day);
            let mut missions = MissionRegister::new();
            // The naive model: obligated and disbursed per mission key, as of the date.
            let mut model: BTreeMap<MissionKey, (i64, i64)> = BTreeMap::new();
            for (i, &(k, d, amount, paid, deobligated, tag)) in docs.iter().enumerate() {
                let document: security_assistance::budget::DocumentId =
                    format!("D-{i}").parse().unwrap();
                let paid = paid.min(amount);
                let deobligated = deobligated.min(amount - paid);
                let date = day(2008, 2, d);
                actions.push((date, Action::Obligate { account, document: document.clone(),
                    instrument: Instrument::Enrollment,
                    funding: Funding::Allocation { key: keys[k].clone() },
                    amount: Money::from_cents(amount),
                    // Half the documents name a class, half take the instrument's.
                    object_class: (i % 2 == 0).then(|| "31.0".parse().unwrap()),
                    financed_by: security_assistance::budget::DirectOrReimbursable::Direct }));
                if paid > 0 {
                    actions.push((date, Action::Disburse { account, document: document.clone(),
                        amount: Money::from_cents(paid) }));
                }
                if deobligated > 0 {
                    actions.push((date, Action::AdjustObligation { account,
                        document: document.clone(), amount: Money::from_cents(-deobligated) }));
                }
                let mission = match tag {
                    Some(t) => {
                        missions.tag(account, document, MissionArea::ALL[t]);
                        MissionKey::Area(MissionArea::ALL[t])
                    }
                    None => MissionKey::Unassigned,
                };
                if date <= as_of {
                    let entry = model.entry(mission).or_default();
                    entry.0 += amount - deobligated;
                    entry.1 += paid;
                }
            }
            actions.sort_by_key(|(date, _)| *date);
            let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
            for (i, (date, action)) in actions.into_iter().enumerate() {
                ledger.apply(Command::new(format!("p{i}").parse().unwrap(), date,
                    "oia".parse().unwrap(), action)).unwrap();
            }
            for group_by in [
                vec![Dimension::MissionArea],
                vec![Dimension::MissionArea, Dimension::Agency],
                vec![Dimension::Partner, Dimension::MissionArea, Dimension::Program],
                vec![Dimension::Region, Dimension::MissionArea],
                vec![Dimension::MissionArea, Dimension::ObjectClass],
            ] {
                let query = StatusQuery::new(as_of, &group_by);
                let report = StatusReport::with_missions(&ledger, &query, &missions).unwrap();
                assert_reconciles(&ledger, &report);
                // Split by object class, no piece goes negative (the ledger keeps each
                // allocation's balances as the sums of its documents').
                for row in &report.rows {
                    let amounts = [row.budget_authority, row.allocated, row.committed,
                        row.obligated, row.unobligated, row.disbursed, row.unliquidated,
                        row.recoveries];
                    prop_assert!(amounts.iter().all(|m| !m.is_negative()), "{:?}", row);
                }
                let mut seen: BTreeMap<MissionKey, (Money, Money)> = BTreeMap::new();
                for row in &report.rows {
                    let e = seen.entry(row.key.mission_area.unwrap()).or_default();
                    e.0 = e.0.checked_add(row.obligated).unwrap();
                    e.1 = e.1.checked_add(row.disbursed).unwrap();
                }
                for (mission, (obligated, disbursed)) in &model {
                    let (o, d) = seen.get(mission).copied().unwrap_or_default();
                    prop_assert_eq!(o, Money::from_cents(*obligated), "{:?}", mission);
                    prop_assert_eq!(d, Money::from_cents(*disbursed), "{:?}", mission);
                }
                for (mission, (o, _)) in &seen {
                    if !model.contains_key(mission) {
                        prop_assert!(o.is_zero() || *mission == MissionKey::Unassigned);
                    }
                }
            }
        }
    }
}

/// Every free text the IATI file carries from a caller (the publisher's reference and name)
/// comes back from a real XML parser exactly as written, markup and tab, line feed and
/// carriage return included; a character XML 1.0 cannot carry is refused by name.
#[test]
fn iati_free_text_is_escaped_and_control_characters_are_refused() {
    use quick_xml::events::Event;
    let ledger = year::ledger();
    let tricky = "A & B <x> \"q\" 'a' ]]> \t tab\nline\r\nend";
    let publisher = IatiPublisher {
        org_ref: format!("XM-DAC-302{tricky}"),
        org_name: tricky.to_owned(),
    };
    let xml = iati_activities(&ledger, day(2008, 9, 30), &publisher).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().check_end_names = true;
    let (mut names, mut refs): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    // A narrative's text arrives in pieces (text, references, text): `text_started` is
    // true until its first piece.
    let (mut in_narrative, mut text_started) = (false, false);
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"narrative" => {
                in_narrative = true;
                text_started = true;
            }
            Event::Start(e) | Event::Empty(e) => {
                if let Some(a) = e.try_get_attribute("ref").unwrap() {
                    refs.push(a.unescape_value().unwrap().into_owned());
                }
            }
            Event::End(e) if e.name().as_ref() == b"narrative" => in_narrative = false,
            Event::Text(t) if in_narrative => {
                let text = t.decode().unwrap().into_owned();
                match names.last_mut() {
                    Some(last) if !text_started => last.push_str(&text),
                    _ => names.push(text),
                }
                text_started = false;
            }
            Event::GeneralRef(r) if in_narrative => {
                // quick-xml reports references apart from the text around them.
                let resolved = match r.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.decode().unwrap();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .unwrap()
                            .to_owned()
                    }
                };
                match names.last_mut() {
                    Some(last) if !text_started => last.push_str(&resolved),
                    _ => names.push(resolved),
                }
                text_started = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(!refs.is_empty() && !names.is_empty());
    for r in &refs {
        assert_eq!(r, &publisher.org_ref);
    }
    assert!(names.iter().any(|n| n == tricky), "{names:?}");
    for c in ['\u{0}', '\u{7}', '\u{1B}', '\u{FFFF}'] {
        for field in [0, 1] {
            let mut bad = IatiPublisher {
                org_ref: "XM-DAC-302".into(),
                org_name: "Department of State".into(),
            };
            let text = if field == 0 {
                &mut bad.org_ref
            } else {
                &mut bad.org_name
            };
            text.push(c);
            let err = iati_activities(&ledger, day(2008, 9, 30), &bad).unwrap_err();
            assert!(
                matches!(&err, security_assistance::report::ReportError::XmlCharacter { code, field: f } if *code == u32::from(c) && f.contains(if field == 0 { "org_ref" } else { "org_name" })),
                "{err:?}"
            );
        }
    }
}

/// The homeland year's status rows under each single-dimension grouping, and filters.
mod filters {
    use super::{Dimension, StatusQuery, day, homeland_year};
    use security_assistance::budget::{MissionRegister, StatusFilter, StatusRow};

    /// The row's amounts, its key and account status cleared.
    fn amounts(row: &StatusRow) -> StatusRow {
        StatusRow {
            key: Default::default(),
            account_status: None,
            ..row.clone()
        }
    }

    /// For every dimension a filter can name and every value a report grouped by it shows,
    /// the ungrouped report filtered by that value is that row, column by column: a filter
    /// keeps exactly the money of its value, no more, no less.
    #[test]
    fn a_filter_keeps_what_grouping_by_its_dimension_shows() {
        let (ledger, oversight) = homeland_year::ledger();
        let missions = MissionRegister::from(&oversight);
        let as_of = day(2008, 9, 30);
        let mut checked = std::collections::BTreeMap::new();
        for dimension in [
            Dimension::Holder,
            Dimension::Program,
            Dimension::Partner,
            Dimension::Region,
            Dimension::Agency,
            Dimension::MissionArea,
            Dimension::ObjectClass,
        ] {
            let query = StatusQuery::new(as_of, &[dimension]);
            let grouped = ledger
                .status_of_funds_with_missions(&query, &missions)
                .unwrap();
            // More than one row, so that a filter keeping everything differs from each.
            assert!(grouped.len() >= 2, "{dimension:?}");
            for row in &grouped {
                let k = &row.key;
                // The filter naming this row's value of `dimension`, if it has one.
                let mut filter = StatusFilter::default();
                match dimension {
                    Dimension::Holder => filter.holder.clone_from(&k.holder),
                    Dimension::Program => filter.program = k.program,
                    Dimension::Partner => filter.partner = k.partner,
                    Dimension::Region => filter.region = k.region,
                    Dimension::Agency => filter.agency = k.agency,
                    Dimension::MissionArea => filter.mission_area = k.mission_area,
                    Dimension::ObjectClass => filter.object_class = k.object_class,
                    other => panic!("not a filter dimension here: {other:?}"),
                }
                if filter == StatusFilter::default() {
                    continue;
                }
                let mut filtered = StatusQuery::new(as_of, &[]);
                filtered.filter = filter;
                let rows = ledger
                    .status_of_funds_with_missions(&filtered, &missions)
                    .unwrap();
                assert_eq!(rows.len(), 1, "{dimension:?} {k:?}");
                assert_eq!(amounts(&rows[0]), amounts(row), "{dimension:?} {k:?}");
                *checked.entry(format!("{dimension:?}")).or_insert(0) += 1;
            }
        }
        // Every dimension was checked.
        assert_eq!(checked.len(), 7, "{checked:?}");
    }

    /// Split by object class, a class's row holds only its documents' obligations: budget
    /// authority, apportioned, allotted and allocated equal to what they obligated, nothing
    /// unobligated or committed; the rest of each allocation is the unclassed row's.
    #[test]
    fn an_object_class_row_holds_only_what_its_documents_obligated() {
        let (ledger, _) = homeland_year::ledger();
        let as_of = day(2008, 9, 30);
        let rows = ledger
            .status_of_funds(&StatusQuery::new(as_of, &[Dimension::ObjectClass]))
            .unwrap();
        let classed: Vec<_> = rows
            .iter()
            .filter(|r| r.key.object_class.is_some())
            .collect();
        assert!(!classed.is_empty());
        for row in &classed {
            assert!(row.obligated.is_positive(), "{row:?}");
            for column in [
                row.budget_authority,
                row.apportioned,
                row.allotted,
                row.allocated,
            ] {
                assert_eq!(column, row.obligated, "{row:?}");
            }
            assert!(
                row.unobligated.is_zero() && row.committed.is_zero(),
                "{row:?}"
            );
        }
        let rest = rows.iter().find(|r| r.key.object_class.is_none()).unwrap();
        let all = ledger
            .status_of_funds(&StatusQuery::new(as_of, &[]))
            .unwrap();
        let obligated = classed
            .iter()
            .try_fold(security_assistance::Money::ZERO, |sum, r| {
                sum.checked_add(r.allocated)
            })
            .unwrap();
        assert_eq!(
            rest.allocated,
            all[0].allocated.checked_sub(obligated).unwrap()
        );
        assert_eq!(rest.obligated, security_assistance::Money::ZERO);
    }
}

/// Filters by account and by fiscal year, on a ledger of two accounts of two fiscal years.
mod account_filters {
    use super::{Action, Apportionment, Command, Dimension, Ledger, StatusQuery, day};
    use security_assistance::ProgramKind;
    use security_assistance::budget::{AccountSymbol, StatusFilter};

    #[test]
    fn a_filter_by_account_or_fiscal_year_keeps_that_accounts_money() {
        let mut ledger = Ledger::allow_all();
        let accounts: [AccountSymbol; 2] = [
            "011-2008/2009-1082".parse().unwrap(),
            "011-2009/2010-1082".parse().unwrap(),
        ];
        for (i, account) in accounts.iter().enumerate() {
            let amount = format!("{}", 1_000_000 * (i + 1)).parse().unwrap();
            for (n, action) in [
                Action::Appropriate {
                    account: *account,
                    title: "FMF".into(),
                    purposes: vec![ProgramKind::Financing],
                    amount,
                    law: "P.L. 110-161".into(),
                },
                Action::Apportion {
                    account: *account,
                    category: Apportionment::ByPeriod {
                        from: day(2008, 10, 1),
                    },
                    amount,
                },
            ]
            .into_iter()
            .enumerate()
            {
                ledger
                    .apply(Command::new(
                        format!("a{i}-{n}").parse().unwrap(),
                        day(2008, 10, 2),
                        "omb".parse().unwrap(),
                        action,
                    ))
                    .unwrap();
            }
        }
        let as_of = day(2008, 12, 31);
        for (i, account) in accounts.iter().enumerate() {
            let amount = format!("{}", 1_000_000 * (i + 1)).parse().unwrap();
            for filter in [
                StatusFilter {
                    account: Some(*account),
                    ..StatusFilter::default()
                },
                StatusFilter {
                    fiscal_year: Some(account.period().first()),
                    ..StatusFilter::default()
                },
            ] {
                let mut query = StatusQuery::new(as_of, &[Dimension::Account]);
                query.filter = filter.clone();
                let rows = ledger.status_of_funds(&query).unwrap();
                assert_eq!(rows.len(), 1, "{filter:?}");
                assert_eq!(rows[0].key.account, Some(*account));
                assert_eq!(rows[0].budget_authority, amount);
            }
        }
    }
}

/// SF-133 lines 2001/2101 (Category A) and 2002/2102 (Category B).
mod sf133_category {
    use super::{Action, AllocationKey, Apportionment, Funding, Instrument, Ledger, day};
    use security_assistance::budget::{AccountSymbol, DirectOrReimbursable};
    use security_assistance::{FiscalYear, Money, ProgramKind};

    /// A year of one account apportioned by `category`, with 1,000 obligated.
    fn year(account: AccountSymbol, category: Apportionment) -> Ledger {
        let mut ledger = Ledger::allow_all();
        let key = AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Financing,
            Some("JOR".parse().unwrap()),
        );
        let amount: Money = "100000".parse().unwrap();
        let actions = [
            Action::Appropriate {
                account,
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing],
                amount,
                law: "P.L. 110-161".into(),
            },
            Action::Apportion {
                account,
                category,
                amount,
            },
            Action::Allot {
                account,
                holder: "DSCA".parse().unwrap(),
                amount,
            },
            Action::Allocate {
                account,
                key: key.clone(),
                amount,
            },
            Action::Obligate {
                account,
                document: "JO-1".parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key },
                amount: "1000".parse().unwrap(),
                object_class: None,
                financed_by: DirectOrReimbursable::Direct,
            },
        ];
        crate::support::apply_each(&mut ledger, "c", day(2007, 11, 1), "oia", actions);
        ledger
    }

    /// An account apportioned by time period reports its obligations on the Category A
    /// lines 2001 and 2101, one apportioned by program on the Category B lines 2002 and
    /// 2102; never both.
    #[test]
    fn obligations_are_reported_on_the_lines_of_the_apportionment_category() {
        let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
        let fy = FiscalYear::new(2008).unwrap();
        let cases = [
            (
                Apportionment::ByPeriod {
                    from: day(2007, 10, 1),
                },
                [2001, 2101],
                [2002, 2102],
            ),
            (
                Apportionment::ByProgram {
                    program: ProgramKind::Financing,
                },
                [2002, 2102],
                [2001, 2101],
            ),
        ];
        for (category, present, absent) in cases {
            let ledger = year(account, category);
            let statement = ledger.sf133(&account, fy, day(2008, 9, 30)).unwrap();
            assert_eq!(
                statement.line(present[0]),
                Some("1000".parse().unwrap()),
                "{category:?}"
            );
            assert_eq!(
                statement.line(present[1]),
                Some(Money::ZERO),
                "{category:?}"
            );
            for line in absent {
                assert_eq!(statement.line(line), None, "{category:?} {line}");
            }
        }
    }
}

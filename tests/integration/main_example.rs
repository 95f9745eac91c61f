//! The README's main example runs, and its homeland fiscal year reconciles to the cent.
//!
//! Hand-computed figures (the example's doc comments give the inputs):
//!
//! | document | what | obligated | disbursed |
//! |---|---|---|---|
//! | JAM-T-001 | TSA course: 5,200.00 incremental tuition + 1,150.00 travel + 14 × (85.00 + 51.00 + 11.00) = 8,408.00; paid 1,150.00 and 7,111.00 (a day early), completed | 8,261.00 | 8,261.00 |
//! | PAN-T-001 | mobile team: 4 × 10 × 215.00 + 4 × 980.00 + 4 × 3 × 390.00 = 17,200.00, paid in full | 17,200.00 | 17,200.00 |
//! | SDN-T-001 | FEMA course at full cost: 3,400.00 + 2,300.00 + 7 × 11.00 = 5,777.00; travel paid | 5,777.00 | 2,300.00 |
//! | PH-H-GAA | grant; 2,000,000.00 drawn by sales case PH-H-SAA (2 × 1,250,000.00 + 3.8 % = 2,595,000.00), 1,000,000.00 drawn down | 4,000,000.00 | 3,000,000.00 |
//! | MX-H-LAA | loan, disbursed in full | 4,800,000.00 | 4,800,000.00 |
//! | NG-H-EDA | reactivation of an excess patrol boat | 1,200,000.00 | 600,000.00 |
//! | COL-1 package | mobile team 85,000.00 + enrollments 50,000.00 + excess trucks 180,000.00 | 315,000.00 | 0.00 |
//! | ST-CSR-1-US | U.S. share of 2,400,000.00 research: 100 % − 25 % (GBR) − 15 % (CAN), on the S&T allotment | 1,440,000.00 | 480,000.00 |
//! | all | | 11,786,238.00 | 8,907,761.00 |
//!
//! The COL-1 package's interoperability: the mobile team (85,000.00) builds toward the ISPS
//! Code, the enrollments (50,000.00) toward ICAO Annex 17, the excess trucks (180,000.00)
//! toward no standard: 315,000.00 in all.
//!
//! Collections: GBR 600,000.00 and CAN 200,000.00 (of 360,000.00: 160,000.00 in arrears), so
//! budget authority is 150,800,000.00 and SF-133 line 1700 is 800,000.00. Allocated: the
//! $60,000,000.00 priority allocation, the 315,000.00 the package needed, and the
//! 1,440,000.00 obligated directly on the allotment. Unobligated: 150,800,000.00 −
//! 11,786,238.00 = 139,013,762.00.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/fiscal_year.rs"]
pub(crate) mod fiscal_year;

use chrono::NaiveDate;
use security_assistance::budget::{Action, Dimension, Ledger, StatusQuery};
use security_assistance::homeland::{Finding, MissionArea};
use security_assistance::{AccountStatus, Money};

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn day(y: i32, mo: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap()
}

#[test]
fn the_homeland_year_reconciles() {
    let year = fiscal_year::homeland_year().unwrap();
    let ledger = year.ledger();
    let year_end = day(2008, 9, 30);
    let rows = ledger
        .status_of_funds(&StatusQuery::new(year_end, &[Dimension::Account]))
        .unwrap();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.budget_authority, m("150800000"));
    assert_eq!(row.apportioned, m("150000000"));
    assert_eq!(row.allotted, m("150000000"));
    assert_eq!(row.allocated, m("61755000"));
    assert_eq!(row.committed, Money::ZERO);
    assert_eq!(row.obligated, m("11786238"));
    assert_eq!(row.disbursed, m("8907761"));
    assert_eq!(row.unliquidated, m("2878477"));
    assert_eq!(row.unobligated, m("139013762"));
    let sf133 = ledger
        .sf133(
            &fiscal_year::ACCOUNT.parse().unwrap(),
            "FY2008".parse().unwrap(),
            year_end,
        )
        .unwrap();
    assert_eq!(sf133.line(1700), Some(m("800000")));
    assert_eq!(sf133.line(1910), Some(m("150800000")));
    assert_eq!(sf133.line(2490), Some(m("139013762")));

    // The refused partner has nothing; the waived one was obligated.
    let by_partner = ledger
        .status_of_funds(&StatusQuery::new(year_end, &[Dimension::Partner]))
        .unwrap();
    let partner = |code: &str| {
        by_partner
            .iter()
            .find(|r| r.key.partner == Some(code.parse().unwrap()))
            .cloned()
    };
    assert!(partner("PRK").is_none());
    assert_eq!(partner("SDN").unwrap().obligated, m("5777"));
    assert_eq!(partner("PHL").unwrap().disbursed, m("3000000"));

    // Every obligating document with a partner is registered for oversight: the quarterly
    // status by partner, mission area and agency adds up to the ledger's obligations less
    // the research project's U.S. share, which has no single partner.
    let quarter = year.oversight.quarterly_status(ledger, year_end).unwrap();
    let sum = |f: fn(&security_assistance::homeland::QuarterRow) -> Money| {
        Money::checked_sum(quarter.iter().map(f)).unwrap()
    };
    assert_eq!(sum(|r| r.obligated), m("10346238"));
    assert_eq!(sum(|r| r.disbursed), m("8427761"));
    assert_eq!(year.research.len(), 1);
    assert_eq!(year.results.for_partner("CAN".parse().unwrap()).len(), 1);

    // The interoperability report for Colombia adds up to the package's obligations
    // (315,000.00): the port-security team toward the ISPS Code, the screening course
    // toward Annex 17, the excess trucks toward no standard (a gap in border control).
    let interop = year.interoperability(year_end).unwrap();
    assert_eq!(interop.obligated, m("315000"));
    assert_eq!(interop.planned, Money::ZERO);
    let toward = |id: &str| {
        interop
            .by_standard
            .iter()
            .find(|t| t.standard == id)
            .map(|t| t.obligated)
    };
    assert_eq!(toward("IMO-ISPS"), Some(m("85000")));
    assert_eq!(toward("ICAO-ANNEX-17"), Some(m("50000")));
    assert_eq!(
        Money::checked_sum(interop.rows.iter().map(|r| r.obligated)).unwrap(),
        m("315000")
    );
    let gaps: Vec<MissionArea> = interop.gaps.iter().map(|g| g.mission).collect();
    assert_eq!(
        gaps,
        [
            MissionArea::BorderControl,
            MissionArea::InformationSecurity,
            MissionArea::Counterterrorism,
            MissionArea::DisasterResponse
        ]
    );
    assert_eq!(
        year.standing
            .finding("COL".parse().unwrap(), "IMO-ISPS", year_end, None),
        Some(Finding::Partially)
    );

    // The journal replays to the same ledger, under the same policy.
    let mut replayed = Ledger::replay(
        ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    replayed.set_policy(fiscal_year::policy().unwrap()).unwrap();
    assert_eq!(&replayed, ledger);

    let after = ledger
        .status_of_funds(&StatusQuery::new(day(2009, 10, 1), &[Dimension::Account]))
        .unwrap();
    assert_eq!(after[0].account_status, Some(AccountStatus::Expired));
}

#[test]
fn the_main_example_runs_and_writes_its_picture() {
    fiscal_year::main().unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fiscal_year");
    // The year is kept in SQLite and reopens (main itself checks it equals the live one).
    let store = security_assistance_sqlite::SqliteStore::open(
        dir.join("ledger.sqlite"),
        fiscal_year::LEDGER_NAME,
    )
    .unwrap();
    let reopened = security_assistance::store::DurableLedger::open(
        store,
        std::sync::Arc::new(security_assistance::store::FixedClock::new(day(
            2009, 12, 1,
        ))),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
        fiscal_year::policy().unwrap(),
    )
    .unwrap();
    let year = fiscal_year::homeland_year().unwrap();
    assert_eq!(reopened.ledger(), year.ledger());
    // The store records delegated authority: it does not reopen open.
    let store = reopened.into_store();
    assert!(matches!(
        security_assistance::store::DurableLedger::open(
            store,
            std::sync::Arc::new(security_assistance::store::FixedClock::new(day(
                2009, 12, 1
            ))),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll),
            security_assistance::budget::Policy::Open,
        ),
        Err(security_assistance::store::ServiceError::Store(
            security_assistance::store::StoreError::OtherPolicy { .. }
        ))
    ));
    // The chain from the agency head: DEL-1 from the Secretary to the funds holder, who
    // re-delegates to the certifying officer and the program officer.
    let chain: Vec<(String, String, String, Option<String>)> = year
        .ledger()
        .delegations(day(2008, 6, 2), None)
        .into_iter()
        .map(|d| {
            (
                d.id.to_string(),
                d.from.to_string(),
                d.grant.to.to_string(),
                d.grant.parent.map(|p| p.to_string()),
            )
        })
        .collect();
    let owned = |a: &str, b: &str, c: &str, p: Option<&str>| {
        (
            a.to_owned(),
            b.to_owned(),
            c.to_owned(),
            p.map(str::to_owned),
        )
    };
    assert_eq!(
        chain,
        [
            owned("DEL-1", fiscal_year::AGENCY_HEAD, "dhs-oia", None),
            owned(
                "DEL-2",
                "dhs-oia",
                fiscal_year::CERTIFYING_OFFICER,
                Some("DEL-1")
            ),
            owned(
                "DEL-3",
                "dhs-oia",
                fiscal_year::PROGRAM_OFFICER,
                Some("DEL-1")
            ),
        ]
    );
    // Every obligation carries its actor, every disbursement the certifying officer, and
    // each signature the delegation that covered it, up to the Secretary.
    for entry in year.ledger().journal().iter() {
        let c = &entry.command;
        match &c.action {
            Action::Disburse { .. } => assert_eq!(
                c.certifying_officer.as_ref().map(|a| a.as_str()),
                Some(fiscal_year::CERTIFYING_OFFICER)
            ),
            Action::Obligate { document, .. } => {
                let trail = year
                    .ledger()
                    .audit_document(&c.action.account().unwrap(), document);
                let row = trail.iter().find(|r| r.sequence == entry.sequence).unwrap();
                assert_eq!(row.actor, c.actor);
                assert_eq!(row.delegation.as_ref().map(|d| d.as_str()), Some("DEL-1"));
                assert_eq!(
                    row.chain.last().unwrap().1.as_str(),
                    fiscal_year::AGENCY_HEAD
                );
            }
            _ => {}
        }
    }
    // The program officer's obligation beyond her delegation was refused, and is not in
    // the journal.
    let (command, error) = year.refused.as_ref().unwrap();
    assert_eq!(command.actor.as_str(), fiscal_year::PROGRAM_OFFICER);
    assert!(
        matches!(
            error,
            security_assistance::store::ServiceError::Refused(
                security_assistance::budget::BudgetError::Unauthorized { problem, .. }
            ) if matches!(**problem, security_assistance::budget::AuthorityError::OverCommandLimit { .. })
        ),
        "{error:?}"
    );
    assert!(
        year.ledger()
            .journal()
            .iter()
            .all(|e| e.command.id != command.id)
    );
    let svg = std::fs::read_to_string(dir.join("funding-flow.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "{}",
        &svg[..40]
    );
    assert!(svg.contains("070-2008/2009-0100"));
    let mermaid = std::fs::read_to_string(dir.join("funding-flow.mmd")).unwrap();
    assert!(mermaid.starts_with("sankey-beta"));
    // The oversight section's interoperability report, exported as CSV and JSON.
    let csv = std::fs::read_to_string(dir.join("interoperability.csv")).unwrap();
    assert!(csv.contains(
        "partner COL,maritime_security,\"IMO-ISPS (part A, section 18)\",85000.00,0.00,1"
    ));
    let gaps = std::fs::read_to_string(dir.join("interoperability-gaps.csv")).unwrap();
    assert!(gaps.contains("partner COL,counterterrorism,0.00,0.00,,"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("interoperability.json")).unwrap())
            .unwrap();
    assert_eq!(json["obligated"], "315000.00");
}

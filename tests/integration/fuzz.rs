//! A short, count-bounded run of the fuzz harness (`tests/fuzzing/harness.rs`; the long
//! run is `examples/fuzz.rs`): seeded command streams, mutated journals and mutated CSV
//! files, with the invariants checked after every accepted command and import.

use crate::harness::{Config, run};

#[test]
#[allow(
    clippy::print_stderr,
    reason = "pending findings are reported, not skipped silently"
)]
fn a_short_fuzz_run_finds_nothing() {
    let config = Config {
        seed: 17,
        commands: 3_000,
        journals: 1_500,
        csv: 300,
        stream_len: 24,
        deep_every: 1,
    };
    let report = run(&config, &mut |_| {});
    assert!(report.commands >= config.commands, "{}", report.summary());
    assert!(report.journals >= config.journals, "{}", report.summary());
    assert!(report.csv >= config.csv, "{}", report.summary());
    // The generators reach deep states: most streams get commands accepted.
    assert!(
        report.commands_accepted > report.commands / 10,
        "{}",
        report.summary()
    );
    // Findings of issue 17 items that the `harden` branch fixes are reported, not failed,
    // until it is merged; any other finding fails.
    let pending = [
        (
            "an accepted state cannot be reported (status_of_funds)",
            "7",
        ),
        ("an accepted state cannot be reported (grouped)", "7"),
        (
            "a CSV import summary counts other commands than the journal holds",
            "1",
        ),
    ];
    let mut findings = Vec::new();
    for (kind, f) in &report.findings {
        match pending.iter().find(|(k, _)| k == kind) {
            Some((_, item)) => eprintln!("PENDING (issue 17 item {item}) x{} {kind}", f.count),
            None => findings.push(format!("x{} {kind}\n{}", f.count, f.example)),
        }
    }
    assert!(
        findings.is_empty(),
        "{}\n{}",
        report.summary(),
        findings.join("\n\n")
    );
}

// Regressions for what the long run found; both are issue 17 items that the `harden`
// branch fixes, so they are ignored here until it is merged (run them with --ignored).

/// Issue 17 item 7: an accepted state must stay reportable.
#[test]
#[ignore = "issue 17 item 7 is still open: budget authority is summed left to right and overflows"]
fn an_accepted_state_stays_reportable() {
    use security_assistance::budget::{Action, Command, Dimension, Ledger, StatusQuery};
    use security_assistance::{Money, ProgramKind};
    let day = chrono::NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
    let account: security_assistance::budget::AccountSymbol = "070-2008/2009-0800".parse().unwrap();
    let usd = |s: &str| -> Money { s.parse().unwrap() };
    let actions = [
        Action::Appropriate {
            account,
            title: "Research".into(),
            purposes: vec![ProgramKind::TechnologyCooperation],
            amount: usd("792281625142643375935439503.35"),
            law: "P.L. 110-161".into(),
        },
        Action::Rescind {
            account,
            amount: usd("347772.74"),
            law: "P.L. 110-252".into(),
        },
        Action::Collect {
            account,
            document: "COLL-1".parse().unwrap(),
            payer: "GBR".parse().unwrap(),
            amount: usd("1000"),
            authority: "6 U.S.C. 195c(d)".into(),
        },
    ];
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let mut accepted = 0;
    for (i, action) in actions.into_iter().enumerate() {
        let command = Command::new(
            format!("c{i}").parse().unwrap(),
            day,
            "budget-office".parse().unwrap(),
            action,
        );
        if ledger.apply(command).is_ok() {
            accepted += 1;
        }
    }
    assert!(accepted > 0);
    ledger
        .status_of_funds(&StatusQuery::new(day, &[Dimension::Account]))
        .unwrap();
}

/// Issue 17 item 1: a partial CSV import's summary counts the commands it applied.
#[test]
fn a_partial_import_counts_what_it_applied() {
    use security_assistance::budget::Ledger;
    use security_assistance::report::{CsvImport, import_transactions};
    let csv = "id,date,fiscal_year,kind,account,program,country,amount\n\
               1,2015-10-17,2016,appropriation,070-2016-0114,,,600.00\n\
               1,2015-10-17,2016,appropriation,070-2016-0114,,,600.00\n";
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let options = CsvImport {
        partial: true,
        ..CsvImport::default()
    };
    let summary = import_transactions(&mut ledger, csv.as_bytes(), &options).unwrap();
    assert_eq!(
        summary.commands,
        ledger.journal().len() as u64,
        "{summary:?}"
    );
}

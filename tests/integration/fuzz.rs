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
    let report = run(&config, &mut |_| std::ops::ControlFlow::Continue(()));
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
    let pending = [(
        "a CSV import summary counts other commands than the journal holds",
        "1",
    )];
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

// Regressions for what the long run found.

/// Issue 17 item 7: an accepted state must stay reportable. The exact sequence:
/// the largest amount appropriated, $347,772.74 rescinded, $1,000 collected. The
/// collection would take the account's resources beyond the range of money, so it is
/// refused with a typed error naming the room left, and the ledger stays usable: status of
/// funds, SF-133 and a later apportionment all work.
#[test]
fn an_accepted_state_stays_reportable() {
    use security_assistance::FiscalYear;
    use security_assistance::budget::{
        Action, Apportionment, BudgetError, Command, Dimension, Ledger, StatusQuery,
    };
    use security_assistance::{Money, ProgramKind};
    let day = chrono::NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
    let account: security_assistance::budget::AccountSymbol = "070-2008/2009-0800".parse().unwrap();
    let usd = |s: &str| -> Money { s.parse().unwrap() };
    let largest = usd("792281625142643375935439503.35");
    let command = |i: usize, action: Action| {
        Command::new(
            format!("c{i}").parse().unwrap(),
            day,
            "budget-office".parse().unwrap(),
            action,
        )
    };
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    ledger
        .apply(command(
            0,
            Action::Appropriate {
                account,
                title: "Research".into(),
                purposes: vec![ProgramKind::TechnologyCooperation],
                amount: largest,
                law: "P.L. 110-161".into(),
            },
        ))
        .unwrap();
    ledger
        .apply(command(
            1,
            Action::Rescind {
                account,
                amount: usd("347772.74"),
                law: "P.L. 110-252".into(),
            },
        ))
        .unwrap();
    let before = crate::support::Snapshot::of(&ledger);
    let refused = ledger
        .apply(command(
            2,
            Action::Collect {
                account,
                document: "COLL-1".parse().unwrap(),
                payer: "GBR".parse().unwrap(),
                amount: usd("1000"),
                authority: "6 U.S.C. 195c(d)".into(),
            },
        ))
        .unwrap_err();
    assert_eq!(
        refused,
        BudgetError::ResourcesOutOfRange {
            account,
            requested: usd("1000"),
            room: Money::ZERO,
        }
    );
    assert_eq!(refused.precedence(), 6);
    before.assert_same(&ledger, "the refused collection");
    // Reportable: the status of funds, grouped and not, and the SF-133.
    for dims in [&[][..], &[Dimension::Account][..]] {
        let rows = ledger
            .status_of_funds(&StatusQuery::new(day, dims))
            .unwrap();
        let authority: Money = Money::checked_sum(rows.iter().map(|r| r.budget_authority)).unwrap();
        assert_eq!(authority, largest.checked_sub(usd("347772.74")).unwrap());
    }
    let sf133 = ledger
        .sf133(&account, FiscalYear::new(2008).unwrap(), day)
        .unwrap();
    let line = |n: u16| sf133.line(n).unwrap();
    assert_eq!(line(1100), largest);
    assert_eq!(line(1130), usd("-347772.74"));
    assert_eq!(line(1910), largest.checked_sub(usd("347772.74")).unwrap());
    // Usable: a later apportionment of what is left is accepted.
    ledger
        .apply(command(
            3,
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod { from: day },
                amount: largest.checked_sub(usd("347772.74")).unwrap(),
            },
        ))
        .unwrap();
    ledger
        .status_of_funds(&StatusQuery::new(day, &[Dimension::Account]))
        .unwrap();
    // Resources count what was made available, not what is left after rescissions: a
    // second account's appropriation of one cent finds no room, and is refused too.
    let other: security_assistance::budget::AccountSymbol = "070-2008/2009-0801".parse().unwrap();
    let before = crate::support::Snapshot::of(&ledger);
    let err = ledger
        .apply(command(
            4,
            Action::Appropriate {
                account: other,
                title: "More".into(),
                purposes: vec![ProgramKind::TechnologyCooperation],
                amount: usd("0.01"),
                law: "P.L. 110-161".into(),
            },
        ))
        .unwrap_err();
    assert_eq!(
        err,
        BudgetError::ResourcesOutOfRange {
            account: other,
            requested: usd("0.01"),
            room: Money::ZERO,
        }
    );
    before.assert_same(&ledger, "the refused appropriation");
    // The ledger's own journal replays.
    ledger.status_of_funds(&StatusQuery::new(day, &[])).unwrap();
    let replayed = Ledger::replay(
        ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert_eq!(replayed, ledger);
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

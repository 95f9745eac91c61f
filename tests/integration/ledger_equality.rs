//! `Ledger`'s equality seen from outside: ledgers built from different commands are
//! unequal even when their balances agree, and a CSV import into an empty ledger keeps
//! that ledger's eligibility gate.

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{Action, BudgetError, Command, Ledger};
use security_assistance::eligibility::{
    Decision, EligibilityCheck, EligibilityRequest, Finding, FindingOutcome, RuleId, WaiverStatus,
};
use security_assistance::report::{CsvImport, ImportError, RowProblem, import_transactions};
use security_assistance::{Citation, ProgramKind};

use crate::support::{Snapshot, status_text};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn appropriation(id: &str, recorded: NaiveDate) -> Command {
    Command::new(
        id.parse().unwrap(),
        day(2008, 1, 2),
        "budget-office".parse().unwrap(),
        Action::Appropriate {
            account: "011-2008/2009-1082".parse().unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
    .recorded_on(recorded)
}

#[test]
fn ledgers_with_the_same_balances_from_different_commands_are_unequal() {
    let mut one = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    one.apply(appropriation("a", day(2008, 1, 2))).unwrap();
    let mut other = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    other.apply(appropriation("b", day(2008, 1, 2))).unwrap();
    // The balances agree; only the journal (the command id) differs.
    assert_eq!(status_text(&one), status_text(&other));
    assert!(one != other);
    assert!(one == one.clone());
}

#[test]
fn ledgers_differing_only_in_the_recorded_date_are_unequal() {
    let mut one = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    one.apply(appropriation("a", day(2008, 1, 2))).unwrap();
    let mut other = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    other.apply(appropriation("a", day(2008, 1, 5))).unwrap();
    assert_eq!(status_text(&one), status_text(&other));
    assert!(one != other);
    assert!(
        one != Ledger::new(std::sync::Arc::new(
            security_assistance::eligibility::AllowAll
        ))
    );
}

#[test]
#[should_panic(expected = "the ledger changed")]
fn the_unchanged_check_sees_a_change() {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let before = Snapshot::of(&ledger);
    ledger.apply(appropriation("a", day(2008, 1, 2))).unwrap();
    before.assert_same(&ledger, "test");
}

/// Refuses every partner.
struct DenyAll;

impl EligibilityCheck for DenyAll {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        let finding = Finding {
            rule: RuleId::new("deny"),
            title: "a test rule".into(),
            citation: Citation::new("Test Act", "1"),
            outcome: FindingOutcome::Prohibits,
            facts: Vec::new(),
            waiver: WaiverStatus::Missing,
        };
        Decision::new(request.clone(), "deny-all", vec![finding])
    }
}

#[test]
fn a_csv_import_into_an_empty_ledger_keeps_its_eligibility_gate() {
    let csv = "id,date,fiscal_year,kind,account,program,country,amount\n\
               1,2015-10-16,2016,appropriation,070-2016-0114,,,1000.00\n\
               2,2015-10-26,2016,allotment,070-2016-0114,sales,,600.00\n\
               3,2015-11-02,2016,obligation,070-2016-0114,sales,NPL,250.00\n";
    let mut ledger = Ledger::new(Arc::new(DenyAll));
    let before = Snapshot::of(&ledger);
    let err = import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap_err();
    let ImportError::Rows { errors } = &err else {
        panic!("expected bad rows, got {err:?}");
    };
    assert_eq!(errors.len(), 1, "{err}");
    assert_eq!(errors[0].line, 4);
    assert!(
        matches!(
            errors[0].problem,
            RowProblem::Refused(BudgetError::Ineligible { .. })
        ),
        "{err}"
    );
    before.assert_same(&ledger, "a refused import");
}

#[test]
fn a_ledger_debugs_as_its_size_and_last_recorded_date() {
    let mut ledger = Ledger::new(Arc::new(security_assistance::eligibility::AllowAll));
    assert_eq!(
        format!("{ledger:?}"),
        "Ledger { accounts: 0, journal_entries: 0, last_recorded: None, .. }"
    );
    ledger.apply(appropriation("a", day(2008, 1, 3))).unwrap();
    assert_eq!(
        format!("{ledger:?}"),
        "Ledger { accounts: 1, journal_entries: 1, last_recorded: Some(2008-01-03), .. }"
    );
}

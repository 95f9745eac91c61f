//! `PartialEq for Ledger` compares the journal, the balances, the next sequence and the
//! latest recorded date: two ledgers that differ in any one of them are unequal.

use super::*;
use crate::budget::Actor;
use crate::purpose::ProgramKind;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn account() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

/// A ledger with one appropriation, recorded a day after it took effect.
fn ledger() -> Ledger {
    let actor: Actor = "budget-office".parse().unwrap();
    let mut ledger = Ledger::allow_all();
    ledger
        .apply(
            Command::new(
                "a".parse().unwrap(),
                day(2008, 1, 2),
                actor,
                Action::Appropriate {
                    account: account(),
                    title: "FMF".into(),
                    purposes: vec![ProgramKind::Financing],
                    amount: "1000".parse().unwrap(),
                    law: "P.L. 110-161".into(),
                },
            )
            .recorded_on(day(2008, 1, 3)),
        )
        .unwrap();
    ledger
}

#[test]
fn a_clone_is_equal() {
    let one = ledger();
    assert!(one == one.clone());
    assert!(Ledger::allow_all() == Ledger::allow_all());
}

#[test]
fn ledgers_differing_only_in_the_journal_are_unequal() {
    let one = ledger();
    let mut other = one.clone();
    other.journal = Journal::default();
    assert!(other.accounts == one.accounts);
    assert!(one != other);
    assert!(other != one);
}

#[test]
fn ledgers_differing_only_in_the_balances_are_unequal() {
    let one = ledger();
    let mut other = one.clone();
    other.accounts = Map::default();
    assert!(one != other);
    assert!(other != one);
}

#[test]
fn ledgers_differing_only_in_the_next_sequence_are_unequal() {
    let one = ledger();
    let mut other = one.clone();
    other.next_sequence = other.next_sequence.saturating_add(1);
    assert!(one != other);
    assert!(other != one);
}

#[test]
fn ledgers_differing_only_in_the_latest_recorded_date_are_unequal() {
    let one = ledger();
    assert_eq!(one.last_recorded, Some(day(2008, 1, 3)));
    let mut other = one.clone();
    other.last_recorded = Some(day(2008, 1, 2));
    assert!(one != other);
    assert!(other != one);
    other.last_recorded = None;
    assert!(one != other);
}

#[test]
fn empty_like_keeps_the_eligibility_gate() {
    use crate::eligibility::{EligibilityRequest, Finding, FindingOutcome, RuleId, WaiverStatus};
    struct DenyAll;
    impl EligibilityCheck for DenyAll {
        fn decide(&self, request: &EligibilityRequest) -> Decision {
            let finding = Finding {
                rule: RuleId::new("deny"),
                title: "a test rule".to_owned(),
                citation: crate::law::Citation::new("Test", "1"),
                outcome: FindingOutcome::Prohibits,
                facts: Vec::new(),
                waiver: WaiverStatus::Missing,
            };
            Decision::new(request.clone(), "deny-all", vec![finding])
        }
    }
    let gated = Ledger::new(Arc::new(DenyAll));
    let empty = gated.empty_like();
    assert!(empty.journal.is_empty());
    assert!(Arc::ptr_eq(&empty.eligibility, &gated.eligibility));
}

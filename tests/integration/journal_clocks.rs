//! Issue 17 item 6: a replay or an import refuses what `apply` refuses. Recorded dates
//! never run backwards in the order entries were recorded (their sequence), and the last
//! sequence a ledger gives out is `u64::MAX - 1`, so its next sequence is always a `u64`
//! and its own journal always replays.

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    Action, BudgetError, Command, Journal, JournalEntry, JournalProblem, Ledger,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::report::{ImportError, import_journal};

use crate::support::Snapshot;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, m, d).unwrap()
}

fn appropriate(n: u16, date: NaiveDate, recorded: NaiveDate) -> Command {
    Command::new(
        format!("c{n}").parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        Action::Appropriate {
            account: format!("011-2008/2009-{}", 1000 + n).parse().unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
    .recorded_on(recorded)
}

fn entry(sequence: u64, command: Command) -> JournalEntry {
    JournalEntry {
        sequence,
        command,
        decision: None,
    }
}

fn gate() -> Arc<AllowAll> {
    Arc::new(AllowAll)
}

/// Replay and import of `journal` both fail with `expected`.
#[track_caller]
fn refused_by_replay_and_import(journal: &Journal, expected: &BudgetError) {
    assert_eq!(Ledger::replay(journal, gate()).unwrap_err(), *expected);
    let json = serde_json::to_string(journal).unwrap();
    match import_journal(&json, gate()) {
        Err(ImportError::Replay(error)) => assert_eq!(error, *expected),
        other => panic!("import: {other:?}"),
    }
}

#[test]
fn a_journal_whose_recorded_dates_run_backwards_is_refused_as_apply_refuses_them() {
    // Sequence 1 recorded 3 January after sequence 0 recorded 5 January.
    let journal = Journal::from_entries(vec![
        entry(0, appropriate(0, day(1, 2), day(1, 5))),
        entry(1, appropriate(1, day(1, 2), day(1, 3))),
    ]);
    let backwards = BudgetError::RecordedOutOfOrder {
        recorded: day(1, 3),
        latest: day(1, 5),
    };
    refused_by_replay_and_import(
        &journal,
        &BudgetError::Journal {
            position: 1,
            problem: Box::new(JournalProblem::Rejected(backwards.clone())),
        },
    );
    // `apply` refuses the same command for the same reason.
    let mut ledger = Ledger::new(gate());
    ledger.apply(appropriate(0, day(1, 2), day(1, 5))).unwrap();
    let before = Snapshot::of(&ledger);
    let err = ledger
        .apply(appropriate(1, day(1, 2), day(1, 3)))
        .unwrap_err();
    assert_eq!(err, backwards);
    before.assert_same(&ledger, "the backward recorded date");
}

#[test]
fn recorded_dates_are_checked_in_the_order_they_were_recorded_not_by_effective_date() {
    // A backdated entry (sequence 1, effective 2 January) stands before sequence 0
    // (effective 9 January) in the journal, but was recorded after it: accepted.
    let mut ledger = Ledger::new(gate());
    ledger.apply(appropriate(0, day(1, 9), day(1, 9))).unwrap();
    ledger.apply(appropriate(1, day(1, 2), day(1, 10))).unwrap();
    assert_eq!(ledger.journal().get(0).unwrap().sequence, 1);
    assert_eq!(Ledger::replay(ledger.journal(), gate()).unwrap(), ledger);
    // The same journal with the recorded dates swapped has them running backwards by
    // sequence: refused, naming the entry recorded out of turn (position 0, sequence 1).
    let swapped = Journal::from_entries(vec![
        entry(1, appropriate(1, day(1, 2), day(1, 9))),
        entry(0, appropriate(0, day(1, 9), day(1, 10))),
    ]);
    refused_by_replay_and_import(
        &swapped,
        &BudgetError::Journal {
            position: 0,
            problem: Box::new(JournalProblem::Rejected(BudgetError::RecordedOutOfOrder {
                recorded: day(1, 9),
                latest: day(1, 10),
            })),
        },
    );
}

#[test]
fn a_sequence_of_u64_max_is_refused_by_replay_and_import() {
    let journal = Journal::from_entries(vec![
        entry(0, appropriate(0, day(1, 2), day(1, 2))),
        entry(u64::MAX, appropriate(1, day(1, 3), day(1, 3))),
    ]);
    refused_by_replay_and_import(
        &journal,
        &BudgetError::Journal {
            position: 1,
            problem: Box::new(JournalProblem::Rejected(BudgetError::SequenceExhausted {
                last: u64::MAX - 1,
            })),
        },
    );
}

#[test]
fn after_the_last_sequence_apply_refuses_with_a_typed_error_and_the_journal_still_replays() {
    let journal = Journal::from_entries(vec![entry(
        u64::MAX - 1,
        appropriate(0, day(1, 2), day(1, 2)),
    )]);
    let mut ledger = Ledger::replay(&journal, gate()).unwrap();
    let before = Snapshot::of(&ledger);
    let next = appropriate(1, day(1, 3), day(1, 3));
    let exhausted = BudgetError::SequenceExhausted { last: u64::MAX - 1 };
    assert_eq!(ledger.check(&next).unwrap_err(), exhausted);
    assert_eq!(ledger.apply(next.clone()).unwrap_err(), exhausted);
    let batch = ledger.apply_all(vec![next]).unwrap_err();
    assert_eq!((batch.index, batch.error), (0, exhausted));
    before.assert_same(&ledger, "the exhausted sequence");
    // A repeat of the last command is still answered with its receipt.
    let again = ledger.apply(appropriate(0, day(1, 2), day(1, 2))).unwrap();
    assert!(again.duplicate);
    assert_eq!(again.sequence, u64::MAX - 1);
    // The ledger's own journal replays, and imports, to an equal ledger.
    assert_eq!(Ledger::replay(ledger.journal(), gate()).unwrap(), ledger);
    let json = serde_json::to_string(ledger.journal()).unwrap();
    assert_eq!(import_journal(&json, gate()).unwrap(), ledger);
}

#[test]
fn a_journal_repeating_a_sequence_number_is_refused_naming_both_entries() {
    // Sequence 1 twice, on different effective dates: in (date, sequence) order, so only
    // the repeat is wrong. A ledger never writes such a journal.
    let journal = Journal::from_entries(vec![
        entry(0, appropriate(0, day(1, 2), day(1, 2))),
        entry(1, appropriate(1, day(1, 2), day(1, 2))),
        entry(1, appropriate(2, day(1, 3), day(1, 3))),
    ]);
    refused_by_replay_and_import(
        &journal,
        &BudgetError::Journal {
            position: 2,
            problem: Box::new(JournalProblem::RepeatedSequence {
                sequence: 1,
                first: 1,
            }),
        },
    );
    // The same entries with their own sequences replay.
    let fixed = Journal::from_entries(vec![
        entry(0, appropriate(0, day(1, 2), day(1, 2))),
        entry(1, appropriate(1, day(1, 2), day(1, 2))),
        entry(2, appropriate(2, day(1, 3), day(1, 3))),
    ]);
    assert_eq!(Ledger::replay(&fixed, gate()).unwrap().journal().len(), 3);
}

#[test]
fn the_last_sequence_itself_is_given_out_once() {
    let journal = Journal::from_entries(vec![entry(
        u64::MAX - 2,
        appropriate(0, day(1, 2), day(1, 2)),
    )]);
    let mut ledger = Ledger::replay(&journal, gate()).unwrap();
    let last = ledger.apply(appropriate(1, day(1, 3), day(1, 3))).unwrap();
    assert_eq!(last.sequence, u64::MAX - 1);
    let exhausted = BudgetError::SequenceExhausted { last: u64::MAX - 1 };
    assert_eq!(
        ledger
            .apply(appropriate(2, day(1, 4), day(1, 4)))
            .unwrap_err(),
        exhausted
    );
    assert_eq!(Ledger::replay(ledger.journal(), gate()).unwrap(), ledger);
}

//! Two writers as two processes on one SQLite file (issue 13): each opens its own ledger
//! from the store and obligates against one allocation, round after round, racing the
//! other for every sequence. SQLite's write lock and the expected last sequence are the
//! only arbiters. Afterwards the store holds every acknowledged command exactly once, at
//! its receipt's sequence, no refused one, and never more than the allocation.
//!
//! The child processes are this test binary run again on the ignored test
//! `race::writer_process` with `SA_RACE_WRITER` and `SA_RACE_PATH` set; each prints one
//! `RACE` line per command.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};

use security_assistance::Money;
use security_assistance::budget::{BudgetError, Command, Funding, Instrument, Level};
use security_assistance::store::ServiceError;

use crate::common::{account, day, filled, key, reopen, temp_path};

const ROUNDS: u32 = 40;
const EACH: &str = "9300";
/// The allocation `filled` makes for JOR.
const ALLOCATED: &str = "500000";

fn obligation(writer: &str, round: u32) -> Command {
    Command::new(
        format!("{writer}-r{round}").parse().unwrap(),
        day(2008, 1, 2),
        "me".parse().unwrap(),
        security_assistance::budget::Action::Obligate {
            account: account(),
            document: format!("{}-R{round}", writer.to_uppercase())
                .parse()
                .unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key("JOR") },
            amount: EACH.parse().unwrap(),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    )
}

/// The child: run only by the parent test, with its environment set.
#[test]
#[ignore = "a child process of two_writer_processes_never_obligate_more_than_the_allocation"]
fn writer_process() {
    let writer = std::env::var("SA_RACE_WRITER").unwrap();
    let path = std::path::PathBuf::from(std::env::var("SA_RACE_PATH").unwrap());
    let mut ledger = reopen(&path).unwrap();
    for round in 0..ROUNDS {
        let command = obligation(&writer, round);
        let id = command.id.as_str().to_owned();
        match ledger.apply(command) {
            Ok(receipt) => println!("RACE ack {id} {}", receipt.sequence),
            Err(ServiceError::Refused(BudgetError::Exceeds {
                level: Level::Allocation,
                ..
            })) => println!("RACE refused {id}"),
            Err(ServiceError::Contended { attempts }) => println!("RACE lost {id} {attempts}"),
            Err(other) => panic!("{id}: unexpected {other}"),
        }
    }
    println!("RACE lost-races {}", ledger.lost_races());
}

#[test]
fn two_writer_processes_never_obligate_more_than_the_allocation() {
    let path = temp_path("race");
    drop(filled(&path, 0));
    let children: Vec<_> = ["wa", "wb"]
        .into_iter()
        .map(|writer| {
            Process::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "race::writer_process",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("SA_RACE_WRITER", writer)
                .env("SA_RACE_PATH", &path)
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut outcomes: Vec<(String, String, Option<u64>)> = Vec::new();
    let mut lost_races = 0u64;
    for mut child in children {
        let stdout = child.stdout.take().unwrap();
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            // The test harness may print its own words before the first line.
            let Some((_, rest)) = line.split_once("RACE ") else {
                continue;
            };
            let parts: Vec<&str> = rest.split(' ').collect();
            match parts.as_slice() {
                ["lost-races", n] => lost_races += n.parse::<u64>().unwrap(),
                ["ack", id, sequence] => {
                    outcomes.push(("ack".into(), (*id).into(), Some(sequence.parse().unwrap())));
                }
                [kind, id, ..] => outcomes.push(((*kind).into(), (*id).into(), None)),
                _ => panic!("unreadable line {line}"),
            }
        }
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    assert_eq!(outcomes.len(), 2 * ROUNDS as usize, "{outcomes:?}");

    // A third process's view: the store read from scratch.
    let reader = reopen(&path).unwrap();
    let ledger = reader.ledger();
    let mut in_journal: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for entry in ledger.journal().iter() {
        let seen = in_journal
            .entry(entry.command.id.as_str().to_owned())
            .or_insert((0, entry.sequence));
        seen.0 += 1;
    }
    let mut acknowledged = 0usize;
    for (kind, id, sequence) in &outcomes {
        let (times, at) = in_journal.get(id).copied().unwrap_or((0, 0));
        if kind == "ack" {
            assert_eq!(times, 1, "{id} acknowledged, in the journal {times} times");
            assert_eq!(Some(at), *sequence, "{id} at its receipt's sequence");
            acknowledged += 1;
        } else {
            assert_eq!(times, 0, "{id} {kind} but in the journal");
        }
    }
    // The 4 setup entries and the acknowledged ones, nothing else.
    assert_eq!(ledger.journal().len(), 4 + acknowledged);
    let each: Money = EACH.parse().unwrap();
    let obligated = Money::checked_sum(
        ledger
            .journal()
            .iter()
            .filter(|e| e.command.action.name() == "obligate")
            .map(|_| each),
    )
    .unwrap();
    let allocated: Money = ALLOCATED.parse().unwrap();
    assert!(
        obligated <= allocated,
        "obligated {obligated} of {allocated}"
    );
    // 500,000.00 holds 53 obligations of 9,300.00; every refusal came once it was full.
    assert_eq!(acknowledged, 53, "{outcomes:?}");
    println!(
        "two writer processes: {acknowledged} acknowledged, {} refused or lost, {lost_races} lost races retried",
        outcomes.len() - acknowledged
    );
}

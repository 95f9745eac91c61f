//! Two service instances, each with its own in-memory ledger and its own connection, race
//! to obligate against one allotment for many rounds. The database is the only arbiter: the
//! total obligated never exceeds the allotment, every acknowledged command is in the journal
//! exactly once, and every refused one is not in it at all.

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};

use security_assistance::budget::{BudgetError, Ledger, Level};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{DurableLedger, FixedClock, ServiceError};
use security_assistance_postgres::PostgresStore;

use crate::fixture::{day, obligate, setup, usd};
use crate::support::schema;

const LEDGER: &str = "race";
const ALLOTTED: &str = "20000.00";
const EACH: &str = "370.00";
const ROUNDS: usize = 60;
const WRITERS: usize = 2;

/// A writer's outcomes by command id and its ledger at the end.
type WriterResult = (Vec<(String, Outcome)>, Ledger);

#[derive(Debug)]
enum Outcome {
    Acknowledged(u64),
    Refused,
    LostRace,
}

fn open(config: &security_assistance_postgres::Config) -> DurableLedger<PostgresStore> {
    let store = PostgresStore::open(config, LEDGER).unwrap();
    let clock = Arc::new(FixedClock::new(day(2007, 11, 1)));
    DurableLedger::open(
        store,
        clock,
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap()
}

#[test]
fn two_writers_never_obligate_more_than_the_allotment() {
    let Some(db) = schema("two_writers_never_obligate_more_than_the_allotment") else {
        return;
    };
    let mut first = open(&db.config);
    for command in setup(ALLOTTED) {
        first.apply(command).unwrap();
    }
    drop(first);

    let barrier = Arc::new(Barrier::new(WRITERS));
    let handles: Vec<_> = (0..WRITERS)
        .map(|w| {
            let config = db.config.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                // Each instance opens its own ledger from the store.
                let mut instance = open(&config);
                let mut outcomes = Vec::new();
                for round in 0..ROUNDS {
                    barrier.wait();
                    let id = format!("w{w}-r{round}");
                    let command = obligate(&id, &format!("W{w}-R{round}"), day(2007, 11, 1), EACH);
                    let outcome = match instance.apply(command) {
                        Ok(receipt) => Outcome::Acknowledged(receipt.sequence),
                        Err(ServiceError::Refused(BudgetError::Exceeds { level, .. })) => {
                            assert_eq!(level, Level::Allotment);
                            Outcome::Refused
                        }
                        Err(ServiceError::Contended { .. }) => Outcome::LostRace,
                        Err(other) => panic!("{id}: unexpected {other}"),
                    };
                    if !matches!(outcome, Outcome::Acknowledged(_)) {
                        // Not applied in memory either.
                        assert!(
                            instance
                                .ledger()
                                .journal()
                                .iter()
                                .all(|e| e.command.id.as_str() != id)
                        );
                    }
                    outcomes.push((id, outcome));
                }
                instance.catch_up().unwrap();
                (outcomes, instance.ledger().clone())
            })
        })
        .collect();
    let results: Vec<WriterResult> = handles.into_iter().map(|h| h.join().unwrap()).collect();

    // A third instance reads the journal from scratch.
    let reader = open(&db.config);
    let ledger = reader.ledger();
    let mut in_journal: BTreeMap<String, usize> = BTreeMap::new();
    let mut sequence_of: BTreeMap<String, u64> = BTreeMap::new();
    for entry in ledger.journal().iter() {
        *in_journal
            .entry(entry.command.id.as_str().to_owned())
            .or_default() += 1;
        sequence_of.insert(entry.command.id.as_str().to_owned(), entry.sequence);
    }
    let (mut acknowledged, mut refused, mut lost) = (0, 0, 0);
    for (outcomes, _) in &results {
        for (id, outcome) in outcomes {
            let times = in_journal.get(id).copied().unwrap_or(0);
            match outcome {
                Outcome::Acknowledged(sequence) => {
                    assert_eq!(times, 1, "{id} acknowledged, in the journal {times} times");
                    assert_eq!(sequence_of[id], *sequence, "{id} at its receipt's sequence");
                    acknowledged += 1;
                }
                Outcome::Refused => {
                    assert_eq!(times, 0, "{id} refused but in the journal");
                    refused += 1;
                }
                Outcome::LostRace => {
                    assert_eq!(times, 0, "{id} lost its race but is in the journal");
                    lost += 1;
                }
            }
        }
    }
    // Nothing in the journal that nobody was told about: 3 setup entries and the acks.
    assert_eq!(ledger.journal().len(), 3 + acknowledged);

    // Never more than the allotment, and the allotment used up as far as 370.00 goes.
    let obligated = ledger
        .journal()
        .iter()
        .filter(|e| e.command.action.name() == "obligate")
        .try_fold(security_assistance::Money::ZERO, |sum, _| {
            sum.checked_add(usd(EACH))
        })
        .unwrap();
    assert!(
        obligated <= usd(ALLOTTED),
        "obligated {obligated} of {ALLOTTED}"
    );
    assert_eq!(acknowledged, 54, "20,000.00 holds 54 obligations of 370.00");
    assert_eq!(refused + lost, ROUNDS * WRITERS - 54);
    // The analyst's view in the database says the same, independently of the ledger.
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let stored: String = client
        .query_one(
            "SELECT coalesce(sum(amount), 0)::text FROM sa_journal WHERE action = 'obligate'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored, "19980.00");
    assert_eq!(obligated, usd("19980.00"));

    // Every instance, caught up, holds the same ledger as the reader.
    for (_, instance) in &results {
        assert!(
            instance == ledger,
            "an instance differs from the store after catching up"
        );
    }
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "two writers: {acknowledged} acknowledged, {refused} refused, {lost} gave up after losing every race\n"
        ),
    );
}

/// The child of [`two_writer_processes_never_obligate_more_than_the_allotment`]: this test
/// binary run again on this ignored test, with `SA_RACE_WRITER` and `SA_RACE_SCHEMA` set
/// (and the parent's `SA_POSTGRES_URL`); one `RACE` line per command on stdout.
#[test]
#[ignore = "a child process of two_writer_processes_never_obligate_more_than_the_allotment"]
#[allow(
    clippy::print_stdout,
    reason = "the child reports to its parent on stdout"
)]
fn writer_process() {
    let writer = std::env::var("SA_RACE_WRITER").unwrap();
    let schema = std::env::var("SA_RACE_SCHEMA").unwrap();
    let mut config: security_assistance_postgres::Config =
        std::env::var("SA_POSTGRES_URL").unwrap().parse().unwrap();
    config.options(&format!("-c search_path={schema}"));
    let mut instance = open(&config);
    for round in 0..ROUNDS {
        let id = format!("{writer}-r{round}");
        let command = obligate(
            &id,
            &format!("{}-R{round}", writer.to_uppercase()),
            day(2007, 11, 1),
            EACH,
        );
        match instance.apply(command) {
            Ok(receipt) => println!("RACE ack {id} {}", receipt.sequence),
            Err(ServiceError::Refused(BudgetError::Exceeds {
                level: Level::Allotment,
                ..
            })) => println!("RACE refused {id}"),
            Err(ServiceError::Contended { attempts }) => println!("RACE lost {id} {attempts}"),
            Err(other) => panic!("{id}: unexpected {other}"),
        }
    }
    println!("RACE lost-races {}", instance.lost_races());
}

/// Two writers as two processes, each with its own connection and in-memory ledger, race
/// to obligate against one allotment: the database is the only arbiter.
#[test]
fn two_writer_processes_never_obligate_more_than_the_allotment() {
    let Some(db) = schema("two_writer_processes_never_obligate_more_than_the_allotment") else {
        return;
    };
    let mut first = open(&db.config);
    for command in setup(ALLOTTED) {
        first.apply(command).unwrap();
    }
    drop(first);
    let children: Vec<_> = ["pa", "pb"]
        .into_iter()
        .map(|writer| {
            std::process::Command::new(std::env::current_exe().unwrap())
                .args([
                    "--ignored",
                    "--exact",
                    "race::writer_process",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("SA_RACE_WRITER", writer)
                .env("SA_RACE_SCHEMA", &db.name)
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut outcomes: Vec<(String, String, Option<u64>)> = Vec::new();
    let mut lost_races = 0u64;
    for mut child in children {
        let stdout = child.stdout.take().unwrap();
        for line in std::io::BufRead::lines(std::io::BufReader::new(stdout)) {
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
    assert_eq!(outcomes.len(), ROUNDS * WRITERS, "{outcomes:?}");

    let reader = open(&db.config);
    let ledger = reader.ledger();
    let mut in_journal: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    for entry in ledger.journal().iter() {
        in_journal
            .entry(entry.command.id.as_str().to_owned())
            .or_insert((0, entry.sequence))
            .0 += 1;
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
    assert_eq!(ledger.journal().len(), 3 + acknowledged);
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let stored: String = client
        .query_one(
            "SELECT coalesce(sum(amount), 0)::text FROM sa_journal WHERE action = 'obligate'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(stored, "19980.00");
    assert_eq!(acknowledged, 54, "20,000.00 holds 54 obligations of 370.00");
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "two writer processes: {acknowledged} acknowledged, {} refused or gave up, {lost_races} lost races retried\n",
            outcomes.len() - acknowledged
        ),
    );
}

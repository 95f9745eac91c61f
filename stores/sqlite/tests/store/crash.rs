//! Crash safety: a child process applies commands and prints each acknowledgement; it is
//! killed with SIGKILL at random moments, 60 times. After each kill the reopened ledger
//! holds every acknowledged command, nothing half-written (a batch whole or absent), and
//! equals a replay of its journal.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;
use std::time::Duration;

use security_assistance::budget::Ledger;
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{DurableLedger, FixedClock};
use security_assistance_sqlite::SqliteStore;

use crate::common::{day, temp_path};

/// xorshift64*: random kill times without a dependency; the seed is printed so a failure
/// can be rerun.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

const KILLS: u32 = 60;

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_command() {
    let path = temp_path("crash");
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    println!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut acknowledged: BTreeSet<u64> = BTreeSet::new();
    let mut mid_write = 0u32;
    let mut previous = 0u64;
    for round in 0..KILLS {
        let mut child = Process::new(env!("CARGO_BIN_EXE_crash-child"))
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acks = Vec::new();
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(id) = line.strip_prefix("ack c") {
                    acks.push(id.parse::<u64>().unwrap());
                }
            }
            acks
        });
        // From 1 to 120 ms: some kills land while the child opens the store, most while it
        // writes.
        std::thread::sleep(Duration::from_millis(1 + rng.next() % 120));
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        assert!(
            !status.success(),
            "round {round}: the child exited by itself"
        );
        let acks = reader.join().unwrap();
        acknowledged.extend(acks);

        if !path.exists() {
            // Killed while creating the store: nothing can have been acknowledged, and no
            // half-made store is left at the path.
            assert!(acknowledged.is_empty(), "round {round}");
            continue;
        }
        let store = SqliteStore::open(&path, "crash").unwrap();
        let clock = Arc::new(FixedClock::new(day(2008, 1, 2)));
        let reopened = DurableLedger::open(
            store,
            clock,
            Arc::new(AllowAll),
            security_assistance::budget::Policy::Open,
        )
        .unwrap();
        let journal = reopened.ledger().journal();
        let mut held: Vec<u64> = journal
            .iter()
            .map(|e| e.command.id.as_str()[1..].parse().unwrap())
            .collect();
        held.sort_unstable();
        // The child's commands are a fixed sequence: the store holds c0..c(n-1), no gap.
        let n = held.len() as u64;
        assert_eq!(held, (0..n).collect::<Vec<_>>(), "round {round}");
        // Every acknowledged command is there.
        if let Some(&last_ack) = acknowledged.last() {
            assert!(
                last_ack < n,
                "round {round}: c{last_ack} acknowledged, store has {n}"
            );
        }
        // Durable but not yet acknowledged in this round: at most the one write in flight
        // (a batch of three at most), and a batch whole: its commands start at a multiple
        // of 5. (A restarted child continues after what is durable, so what an earlier
        // round left unacknowledged is never acknowledged; it is counted in `previous`.)
        let acked = acknowledged.last().map_or(0, |a| a + 1).max(previous);
        let extra = n - acked;
        previous = n;
        assert!(extra <= 3, "round {round}: {extra} unacknowledged entries");
        if extra > 0 {
            mid_write += 1;
        }
        let batch_cut = (5..n).step_by(5).any(|b| b < n && n < b + 3);
        assert!(!batch_cut, "round {round}: a batch is cut at {n}");
        // And the ledger equals a replay of its journal.
        assert_eq!(
            Ledger::replay(journal, Arc::new(AllowAll)).unwrap(),
            *reopened.ledger(),
            "round {round}"
        );
    }
    println!(
        "{KILLS} kills, {} commands acknowledged, {mid_write} kills between a write and its ack",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() > KILLS as usize,
        "the child made progress"
    );
}

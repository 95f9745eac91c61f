//! Issue 13: a `DurableLedger` whose appends keep losing the race to another writer gives
//! up after `APPEND_ATTEMPTS` with a typed error that says how many attempts were made, and
//! counts every lost race for the embedding service.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{Action, Command, JournalEntry, Ledger};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{
    APPEND_ATTEMPTS, Checkpoint, DurableLedger, EncodedEntry, FixedClock, JournalStore,
    MemoryStore, NewEntry, PolicyRecord, ServiceError, StoreError,
};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 1, 2).unwrap()
}

fn appropriate(id: &str, main: u16) -> Command {
    Command::new(
        id.parse().unwrap(),
        day(),
        "budget-office".parse().unwrap(),
        Action::Appropriate {
            account: format!("011-2008/2009-{}", 1000 + main).parse().unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: "1000".parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
}

/// A store shared with a rival writer that, `rival_left` times, appends one command of its
/// own (checked by its own ledger) just before ours: ours loses each of those races.
struct Raced {
    inner: MemoryStore,
    rival: Ledger,
    rival_left: AtomicU32,
    rival_count: u16,
}

impl Raced {
    fn rival_appends(&mut self) -> Result<(), StoreError> {
        self.rival_count += 1;
        let command = appropriate(&format!("rival-{}", self.rival_count), self.rival_count);
        let last = self.rival.journal().len().checked_sub(1).map(|l| l as u64);
        let receipt = self.rival.apply(command.clone()).unwrap();
        let entry = JournalEntry {
            sequence: receipt.sequence,
            command,
            decision: receipt.decision,
        };
        self.inner.append(last, &[NewEntry::new(&entry)?])
    }
}

impl JournalStore for Raced {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        self.inner.schema_version()
    }
    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        self.inner.last_sequence()
    }
    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        if self.rival_left.load(Ordering::SeqCst) > 0 {
            self.rival_left.fetch_sub(1, Ordering::SeqCst);
            self.rival_appends()?;
        }
        self.inner.append(after, batch)
    }
    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.inner.read_after(after, each)
    }
    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        self.inner.save_checkpoint(checkpoint)
    }
    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        self.inner.latest_checkpoint()
    }
    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        self.inner.policy()
    }
    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        self.inner.record_policy(policy)
    }
}

/// A durable ledger on a store whose rival writer wins the next `rival_left` races.
fn raced(rival_left: u32) -> DurableLedger<Raced> {
    let store = Raced {
        inner: MemoryStore::default(),
        rival: Ledger::new(Arc::new(AllowAll)),
        rival_left: AtomicU32::new(rival_left),
        rival_count: 0,
    };
    DurableLedger::open(
        store,
        Arc::new(FixedClock::new(day())),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap()
}

/// The ids of the commands in `durable`'s journal, in order, after checking that memory
/// holds what a replay of that journal gives.
fn journal_ids(durable: &DurableLedger<Raced>) -> Vec<String> {
    let journal = durable.ledger().journal();
    assert_eq!(
        &Ledger::replay(journal, Arc::new(AllowAll)).unwrap(),
        durable.ledger()
    );
    journal
        .iter()
        .map(|e| e.command.id.as_str().to_owned())
        .collect()
}

/// The ids of the commands the store holds, in sequence order.
fn stored_ids(mut store: Raced) -> Vec<String> {
    let mut stored = Vec::new();
    store
        .read_after(None, &mut |entry| {
            let expected = stored.len() as u64;
            stored.push(entry.decode(expected)?.command.id.as_str().to_owned());
            Ok(())
        })
        .unwrap();
    stored
}

/// After every attempt lost the race: the contended error, and a journal that holds the
/// rival's entries only, one a race.
fn assert_lost_every_race(durable: &DurableLedger<Raced>, err: &ServiceError) {
    assert_eq!(
        *err,
        ServiceError::Contended {
            attempts: APPEND_ATTEMPTS
        }
    );
    let ids = journal_ids(durable);
    assert_eq!(ids.len() as u64, u64::from(APPEND_ATTEMPTS));
    assert!(ids.iter().all(|id| id.starts_with("rival-")), "{ids:?}");
}

#[test]
fn an_append_that_always_loses_the_race_is_a_contended_error_and_is_counted() {
    let mut durable = raced(u32::MAX);
    assert_eq!(durable.lost_races(), 0);
    let err = durable.apply(appropriate("ours", 900)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains(&format!("{APPEND_ATTEMPTS} times")), "{text}");
    assert!(text.contains("retry"), "{text}");
    assert_eq!(durable.lost_races(), u64::from(APPEND_ATTEMPTS));
    // Nothing of ours was written; memory caught up with every rival entry and equals a
    // replay of the store.
    assert_lost_every_race(&durable, &err);
    // Once the rival stops, the same command goes through on the first attempt.
    durable.store().rival_left.store(0, Ordering::SeqCst);
    let receipt = durable.apply(appropriate("ours", 900)).unwrap();
    assert_eq!(receipt.sequence, u64::from(APPEND_ATTEMPTS));
    assert_eq!(durable.lost_races(), u64::from(APPEND_ATTEMPTS));
}

#[test]
fn an_append_that_loses_a_few_races_goes_through_and_counts_them() {
    let mut durable = raced(3);
    let receipt = durable.apply(appropriate("ours", 900)).unwrap();
    assert_eq!(durable.lost_races(), 3);
    assert_eq!(receipt.sequence, 3);
    assert_eq!(
        journal_ids(&durable),
        ["rival-1", "rival-2", "rival-3", "ours"]
    );
}

#[test]
fn a_batch_that_loses_races_is_taken_back_and_checked_again_after_catching_up() {
    let mut durable = raced(3);
    // The batch's second command is the one the rival writes second: new on the first two
    // attempts, a duplicate once caught up, when only ours is written.
    let receipts = durable
        .apply_all(vec![appropriate("ours", 900), appropriate("rival-2", 2)])
        .unwrap();
    assert_eq!(durable.lost_races(), 3);
    assert_eq!(
        receipts
            .iter()
            .map(|r| (r.command.as_str(), r.sequence, r.duplicate))
            .collect::<Vec<_>>(),
        [("ours", 3, false), ("rival-2", 1, true)]
    );
    // Memory holds what the store holds: the taken-back attempts left nothing behind.
    let ids = journal_ids(&durable);
    assert_eq!(ids, ["rival-1", "rival-2", "rival-3", "ours"]);
    assert_eq!(stored_ids(durable.into_store()), ids);
}

#[test]
fn a_batch_that_always_loses_the_race_writes_nothing_of_its_own() {
    let mut durable = raced(u32::MAX);
    let err = durable
        .apply_all(vec![appropriate("ours-1", 900), appropriate("ours-2", 901)])
        .unwrap_err();
    assert_lost_every_race(&durable, &err);
}

#[test]
fn a_large_batch_that_loses_races_is_taken_back_each_time_and_written_once() {
    // 4,000 commands: applied on a second thread while the store writes them (a batch of
    // this size is), each lost race abandoning the store's transaction.
    let mut durable = raced(3);
    let batch: Vec<Command> = (0..4000u16)
        .map(|i| appropriate(&format!("ours-{i}"), 100 + i))
        .collect();
    let receipts = durable.apply_all(batch).unwrap();
    assert_eq!(durable.lost_races(), 3);
    assert_eq!(receipts.first().map(|r| r.sequence), Some(3));
    assert_eq!(receipts.last().map(|r| r.sequence), Some(4002));
    let ids = journal_ids(&durable);
    assert_eq!(ids.len(), 4003);
    assert_eq!(ids[..4], ["rival-1", "rival-2", "rival-3", "ours-0"]);
    assert_eq!(stored_ids(durable.into_store()), ids);
}

//! The write-ahead service path (`store::DurableLedger`) on the in-memory store: the clock
//! stamps recorded dates (issue 17 item 5), import refuses a date after today or too far
//! from the effective date, a failed write changes nothing, and checkpoints reopen equal.

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{Action, BudgetError, Command, Ledger};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{
    Checkpoint, DurableLedger, EncodedEntry, FixedClock, JournalStore, MemoryStore, NewEntry,
    PolicyRecord, RECORDED_LATE_YEARS, ServiceError, StoreError,
};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn appropriate(id: &str, date: NaiveDate, amount: &str) -> Command {
    Command::new(
        id.parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        Action::Appropriate {
            // One account per command id.
            account: format!(
                "011-2008/2009-{}",
                1000 + id.bytes().map(u16::from).sum::<u16>() % 1000
            )
            .parse()
            .unwrap(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: amount.parse().unwrap(),
            law: "P.L. 110-161".into(),
        },
    )
}

fn durable(today: NaiveDate) -> (DurableLedger<MemoryStore>, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(today));
    let ledger = DurableLedger::open(
        MemoryStore::default(),
        clock.clone(),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    (ledger, clock)
}

#[test]
fn the_clock_stamps_the_recorded_date_and_9999_12_31_cannot_poison_the_ledger() {
    let (mut ledger, clock) = durable(day(2008, 1, 2));
    let far = day(9999, 12, 31);
    // Through apply, the client's recorded date is replaced by today.
    ledger
        .apply(appropriate("a1", day(2008, 1, 2), "10").recorded_on(far))
        .unwrap();
    assert_eq!(
        ledger.ledger().journal().get(0).unwrap().command.recorded,
        day(2008, 1, 2)
    );
    // Through import, a date after today is refused and nothing changes.
    let before = ledger.ledger().clone();
    let err = ledger
        .import(appropriate("a2", day(2008, 1, 2), "10").recorded_on(far))
        .unwrap_err();
    assert_eq!(
        err,
        ServiceError::RecordedAfterToday {
            recorded: far,
            today: day(2008, 1, 2)
        }
    );
    assert_eq!(ledger.ledger(), &before);
    // Later commands still apply.
    clock.set(day(2008, 1, 3));
    ledger
        .apply(appropriate("a3", day(2008, 1, 3), "10"))
        .unwrap();
    assert_eq!(ledger.ledger().journal().len(), 2);
}

#[test]
fn a_recorded_date_far_from_its_effective_date_is_refused() {
    let (mut ledger, clock) = durable(day(2008, 1, 2));
    // Recorded a thousand years before it takes effect.
    let err = ledger
        .import(appropriate("b1", day(2008, 1, 2), "10").recorded_on(day(1008, 1, 2)))
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::RecordedOutOfRange { recorded, earliest, .. }
            if recorded == day(1008, 1, 2) && earliest == day(2006, 10, 1)),
        "{err:?}"
    );
    // Effective more than a budget year after today.
    let err = ledger
        .apply(appropriate("b2", day(2010, 1, 2), "10"))
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::RecordedOutOfRange { .. }),
        "{err:?}"
    );
    // Recorded more than six years after it took effect: the clock far ahead.
    clock.set(day(2008 + RECORDED_LATE_YEARS as i32, 1, 3));
    let err = ledger
        .apply(appropriate("b3", day(2008, 1, 2), "10"))
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::RecordedOutOfRange { latest, .. } if latest == day(2014, 1, 2)),
        "{err:?}"
    );
    // On the last allowed day it is accepted.
    clock.set(day(2014, 1, 2));
    ledger
        .apply(appropriate("b4", day(2008, 1, 2), "10"))
        .unwrap();
    assert_eq!(ledger.ledger().journal().len(), 1);
}

#[test]
fn a_refused_command_writes_nothing() {
    let (mut ledger, _) = durable(day(2008, 1, 2));
    ledger
        .apply(appropriate("c1", day(2008, 1, 2), "10"))
        .unwrap();
    let before = ledger.ledger().clone();
    // The same id with another amount: a conflict, refused, nothing written.
    let err = ledger
        .apply(appropriate("c1", day(2008, 1, 2), "11"))
        .unwrap_err();
    assert!(
        matches!(
            err,
            ServiceError::Refused(BudgetError::CommandConflict { .. })
        ),
        "{err:?}"
    );
    assert_eq!(ledger.ledger(), &before);
    let mut store = ledger.into_store();
    assert_eq!(store.last_sequence().unwrap(), Some(0));
}

/// A store whose appends fail after `ok` of them: the fault a full disk or a lost
/// connection gives.
#[derive(Debug, Default)]
struct FailingStore {
    inner: MemoryStore,
    ok: usize,
}

impl JournalStore for FailingStore {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        self.inner.schema_version()
    }
    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        self.inner.last_sequence()
    }
    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        if self.ok == 0 {
            return Err(StoreError::Backend {
                operation: "append".into(),
                reason: "disk full".into(),
            });
        }
        self.ok -= 1;
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

#[test]
fn a_failed_write_leaves_the_ledger_unchanged() {
    let clock = Arc::new(FixedClock::new(day(2008, 1, 2)));
    let store = FailingStore {
        inner: MemoryStore::default(),
        ok: 1,
    };
    let mut ledger = DurableLedger::open(
        store,
        clock,
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    ledger
        .apply(appropriate("d1", day(2008, 1, 2), "10"))
        .unwrap();
    let before = ledger.ledger().clone();
    let err = ledger
        .apply(appropriate("d2", day(2008, 1, 2), "10"))
        .unwrap_err();
    assert!(
        matches!(err, ServiceError::Store(StoreError::Backend { .. })),
        "{err:?}"
    );
    assert_eq!(ledger.ledger(), &before);
    let err = ledger
        .apply_all(vec![
            appropriate("d3", day(2008, 1, 2), "1"),
            appropriate("d4", day(2008, 1, 2), "2"),
        ])
        .unwrap_err();
    assert!(matches!(err, ServiceError::Store(_)), "{err:?}");
    assert_eq!(ledger.ledger(), &before);
}

#[test]
fn a_batch_is_all_or_none_and_reopens_from_a_checkpoint_equal() {
    let (mut ledger, _) = durable(day(2008, 1, 2));
    ledger
        .apply_all(vec![
            appropriate("e1", day(2008, 1, 2), "10"),
            appropriate("e22", day(2008, 1, 2), "20"),
        ])
        .unwrap();
    let before = ledger.ledger().clone();
    // The second command of this batch conflicts with e1: nothing of it is written.
    let mut conflicting = appropriate("e1", day(2008, 1, 2), "10");
    conflicting.actor = "someone-else".parse().unwrap();
    let err = ledger
        .apply_all(vec![
            appropriate("e333", day(2008, 1, 2), "30"),
            conflicting,
        ])
        .unwrap_err();
    match err {
        ServiceError::Batch(batch) => assert_eq!(batch.index, 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(ledger.ledger(), &before);
    assert_eq!(ledger.checkpoint().unwrap(), Some(1));
    ledger
        .apply(appropriate("e4444", day(2008, 1, 2), "40"))
        .unwrap();
    let live = ledger.ledger().clone();
    let store = ledger.into_store();
    let reopened = DurableLedger::open(
        store,
        Arc::new(FixedClock::new(day(2008, 1, 2))),
        Arc::new(AllowAll),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    assert_eq!(reopened.ledger(), &live);
    assert_eq!(
        Ledger::replay(live.journal(), Arc::new(AllowAll)).unwrap(),
        live
    );
}

/// A store that holds entries but records no policy (one written before stores recorded
/// it): opened under delegated authority, its entries are decided again; one the policy
/// would have refused refuses the opening and nothing is recorded. Opened open, the store
/// records that, and from then on refuses to open under another policy.
#[test]
fn a_store_without_a_recorded_policy_is_decided_again_before_the_policy_is_recorded() {
    use security_assistance::budget::{AgencyHead, DelegatedAuthority, Policy};
    let mut open = Ledger::allow_all();
    open.apply(appropriate("a1", day(2008, 1, 2), "10"))
        .unwrap();
    let account = open
        .journal()
        .get(0)
        .unwrap()
        .command
        .action
        .account()
        .unwrap();
    let allot = Command::new(
        "a2".parse().unwrap(),
        day(2008, 1, 2),
        "nobody".parse().unwrap(),
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: "0.01".parse().unwrap(),
        },
    );
    let apportion = Command::new(
        "a3".parse().unwrap(),
        day(2008, 1, 2),
        "omb".parse().unwrap(),
        Action::Apportion {
            account,
            category: security_assistance::budget::Apportionment::ByPeriod {
                from: day(2008, 1, 2),
            },
            amount: "10".parse().unwrap(),
        },
    );
    open.apply(apportion).unwrap();
    open.apply(allot).unwrap();
    let mut store = MemoryStore::default();
    let batch: Vec<NewEntry> = open
        .journal()
        .iter()
        .map(|e| NewEntry::new(&e).unwrap())
        .collect();
    store.append(None, &batch).unwrap();
    let delegated = Policy::Delegated(DelegatedAuthority {
        heads: vec![AgencyHead {
            agency: 11,
            actor: "secretary".parse().unwrap(),
        }],
        second_approval_above: None,
    });
    let clock = Arc::new(FixedClock::new(day(2008, 1, 2)));
    let refused = DurableLedger::open(
        store.clone(),
        clock.clone(),
        Arc::new(AllowAll),
        delegated.clone(),
    )
    .unwrap_err();
    assert!(
        matches!(
            &refused,
            ServiceError::Refused(BudgetError::Journal { position: 2, .. })
        ),
        "{refused:?}"
    );
    assert_eq!(store.policy().unwrap(), None);
    let opened =
        DurableLedger::open(store, clock.clone(), Arc::new(AllowAll), Policy::Open).unwrap();
    assert_eq!(opened.ledger(), &open);
    let mut store = opened.into_store();
    assert_eq!(
        store.policy().unwrap().unwrap().decode().unwrap(),
        Policy::Open
    );
    let again = DurableLedger::open(store, clock, Arc::new(AllowAll), delegated).unwrap_err();
    assert!(
        matches!(again, ServiceError::Store(StoreError::OtherPolicy { .. })),
        "{again:?}"
    );
}

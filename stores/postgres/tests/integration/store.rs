//! The store contract on PostgreSQL: appends, reads, conflicts, checkpoints, checksums and
//! the analyst's columns.

use std::sync::{Arc, Barrier};

use security_assistance::budget::JournalEntry;
use security_assistance::store::{
    Checkpoint, EncodedEntry, JournalStore, SCHEMA_VERSION, StoreError,
};
use security_assistance_postgres::PostgresStore;

use crate::fixture::{encode, entries};
use crate::support::schema;

const LEDGER: &str = "test-ledger";

fn read_all(
    store: &mut PostgresStore,
    after: Option<u64>,
) -> Result<Vec<JournalEntry>, StoreError> {
    let mut out = Vec::new();
    let mut expected = after.map_or(0, |s| s + 1);
    store.read_after(after, &mut |e: EncodedEntry| {
        out.push(e.decode(expected)?);
        expected += 1;
        Ok(())
    })?;
    Ok(out)
}

fn count(store_schema: &crate::support::TestSchema) -> i64 {
    let mut client = store_schema.config.connect(postgres::NoTls).unwrap();
    client
        .query_one("SELECT count(*) FROM sa_journal", &[])
        .unwrap()
        .get(0)
}

#[test]
fn appended_entries_read_back_equal_from_any_sequence() {
    let Some(db) = schema("appended_entries_read_back_equal_from_any_sequence") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.last_sequence().unwrap(), None);
    let all = entries(20);
    let encoded = encode(&all);
    store.append(None, &encoded[..5]).unwrap();
    store.append(Some(4), &encoded[5..]).unwrap();
    store.append(Some(22), &[]).unwrap();
    assert_eq!(store.last_sequence().unwrap(), Some(22));
    assert_eq!(read_all(&mut store, None).unwrap(), all);
    assert_eq!(read_all(&mut store, Some(9)).unwrap(), all[10..].to_vec());
    assert_eq!(
        read_all(&mut store, Some(22)).unwrap(),
        Vec::<JournalEntry>::new()
    );
    // Reopened on a new connection, the same journal.
    drop(store);
    let mut again = PostgresStore::open(&db.config, LEDGER).unwrap();
    assert_eq!(read_all(&mut again, None).unwrap(), all);
}

#[test]
fn the_analyst_columns_sum_to_the_ledger() {
    let Some(db) = schema("the_analyst_columns_sum_to_the_ledger") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    store.append(None, &encode(&entries(12))).unwrap();
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let row = client
        .query_one(
            "SELECT sum(amount)::text, count(*), min(effective)::text, max(document)
             FROM sa_journal WHERE action = 'obligate' AND account = '011-2008-1081'",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "120.00");
    assert_eq!(row.get::<_, i64>(1), 12);
    assert_eq!(row.get::<_, String>(2), "2007-10-02");
    assert_eq!(row.get::<_, String>(3), "DOC-9");
    let actor: String = client
        .query_one("SELECT actor FROM sa_journal WHERE id = 'allot'", &[])
        .unwrap()
        .get(0);
    assert_eq!(actor, "budget-office");
}

#[test]
fn an_append_after_a_stale_sequence_is_a_conflict_that_writes_nothing() {
    let Some(db) = schema("an_append_after_a_stale_sequence_is_a_conflict_that_writes_nothing")
    else {
        return;
    };
    let all = encode(&entries(4));
    let mut first = PostgresStore::open(&db.config, LEDGER).unwrap();
    let mut second = PostgresStore::open(&db.config, LEDGER).unwrap();
    first.append(None, &all[..3]).unwrap();
    let err = second.append(None, &all[..2]).unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            expected: None,
            found: Some(2)
        }
    );
    let err = second.append(Some(1), &all[2..4]).unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            expected: Some(1),
            found: Some(2)
        }
    );
    assert_eq!(count(&db), 3);
    second.append(Some(2), &all[3..5]).unwrap();
    assert_eq!(count(&db), 5);
}

#[test]
fn a_batch_that_does_not_continue_the_journal_is_refused() {
    let Some(db) = schema("a_batch_that_does_not_continue_the_journal_is_refused") else {
        return;
    };
    let all = encode(&entries(4));
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    assert_eq!(
        store.append(None, &all[1..3]).unwrap_err(),
        StoreError::BatchSequence {
            expected: 0,
            found: 1
        }
    );
    // A gap inside the batch.
    let gapped = vec![all[0].clone(), all[2].clone()];
    assert_eq!(
        store.append(None, &gapped).unwrap_err(),
        StoreError::BatchSequence {
            expected: 1,
            found: 2
        }
    );
    assert_eq!(count(&db), 0);
}

/// Many connections race to append one entry each after the last they saw: the primary
/// key lets exactly one in per sequence; the journal has no gap and no duplicate, and
/// every append that returned `Ok` is in it.
#[test]
fn racing_raw_appends_leave_one_entry_per_sequence() {
    let Some(db) = schema("racing_raw_appends_leave_one_entry_per_sequence") else {
        return;
    };
    let all = entries(200);
    let writers = 4;
    let barrier = Arc::new(Barrier::new(writers));
    let mut handles = Vec::new();
    for w in 0..writers {
        let config = db.config.clone();
        let barrier = Arc::clone(&barrier);
        let all = all.clone();
        handles.push(std::thread::spawn(move || {
            let mut store = PostgresStore::open(&config, LEDGER).unwrap();
            barrier.wait();
            let (mut won, mut lost) = (Vec::new(), 0u32);
            loop {
                let last = store.last_sequence().unwrap();
                let next = last.map_or(0, |s| s + 1) as usize;
                if next >= all.len() {
                    break;
                }
                // Each writer stamps its own actor into the entry so we can tell who won.
                let mut entry = all[next].clone();
                entry.command.actor = format!("writer-{w}").parse().unwrap();
                let new = security_assistance::store::NewEntry::new(&entry).unwrap();
                match store.append(last, &[new]) {
                    Ok(()) => won.push(next as u64),
                    Err(StoreError::Conflict { expected, found }) => {
                        assert_eq!(expected, last);
                        assert!(found > last, "a conflict names a later sequence");
                        lost += 1;
                    }
                    Err(other) => panic!("unexpected {other}"),
                }
            }
            (w, won, lost)
        }));
    }
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    let stored = read_all(&mut store, None).unwrap();
    assert_eq!(stored.len(), all.len());
    let mut acknowledged = 0;
    for (w, won, _) in &results {
        for s in won {
            assert_eq!(
                stored[*s as usize].command.actor.as_str(),
                format!("writer-{w}")
            );
            acknowledged += 1;
        }
    }
    assert_eq!(
        acknowledged,
        all.len(),
        "every sequence won by exactly one writer"
    );
    let lost: u32 = results.iter().map(|r| r.2).sum();
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr(),
        format_args!(
            "racing_raw_appends: {} appends won, {lost} conflicts\n",
            all.len()
        ),
    );
}

#[test]
fn a_flipped_byte_is_a_checksum_error_naming_the_sequence() {
    let Some(db) = schema("a_flipped_byte_is_a_checksum_error_naming_the_sequence") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    store.append(None, &encode(&entries(5))).unwrap();
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    client
        .execute(
            "UPDATE sa_journal SET entry = set_byte(entry, 5, get_byte(entry, 5) # 1) WHERE sequence = 6",
            &[],
        )
        .unwrap();
    match read_all(&mut store, None).unwrap_err() {
        StoreError::Checksum {
            sequence,
            stored,
            computed,
        } => {
            assert_eq!(sequence, 6);
            assert_ne!(stored, computed);
        }
        other => panic!("expected a checksum error, got {other:?}"),
    }
    // The entries before it read fine.
    assert_eq!(read_all(&mut store, Some(6)).unwrap().len(), 1);
}

#[test]
fn the_latest_checkpoint_replaces_older_ones() {
    let Some(db) = schema("the_latest_checkpoint_replaces_older_ones") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, LEDGER).unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), None);
    let first = Checkpoint::from_stored(3, b"state at 3".to_vec(), 0xdead_beef);
    let second = Checkpoint::from_stored(9, b"state at 9".to_vec(), 0x0000_0001);
    store.save_checkpoint(&first).unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), Some(first));
    store.save_checkpoint(&second).unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), Some(second.clone()));
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let kept: i64 = client
        .query_one("SELECT count(*) FROM sa_checkpoint", &[])
        .unwrap()
        .get(0);
    assert_eq!(kept, 1);
    // The checksum is kept as stored, all 32 bits of it.
    let max = Checkpoint::from_stored(9, b"x".to_vec(), u32::MAX);
    store.save_checkpoint(&max).unwrap();
    assert_eq!(store.latest_checkpoint().unwrap(), Some(max));
}

/// Instances starting together on a new schema: one creates the store, the others wait
/// for it (an advisory lock) and find it; none fails, one row of schema version.
#[test]
fn instances_opening_a_new_store_together_all_succeed() {
    let Some(db) = schema("instances_opening_a_new_store_together_all_succeed") else {
        return;
    };
    let barrier = Arc::new(Barrier::new(6));
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let config = db.config.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                PostgresStore::open(&config, LEDGER).map(|mut s| s.schema_version())
            })
        })
        .collect();
    for handle in handles {
        assert_eq!(handle.join().unwrap().unwrap().unwrap(), SCHEMA_VERSION);
    }
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let rows: i64 = client
        .query_one("SELECT count(*) FROM sa_store", &[])
        .unwrap()
        .get(0);
    assert_eq!(rows, 1);
}

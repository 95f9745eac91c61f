//! A large batch through SQLite: `DurableLedger` applies it on a second thread while the
//! store writes the entries as they come (`append_from`), in one transaction. Batches of
//! 4,000 and more are well above the size from which it does so.

use rusqlite::Connection;
use security_assistance::budget::{BudgetError, JournalEntry};
use security_assistance::store::{JournalStore, NewEntry, ServiceError, StoreError};
use security_assistance_sqlite::SqliteStore;

use crate::common::{commands, created, filled, reopen, temp_path};

/// The journal's rows and the sum of their `amount` column, as an analyst reads them.
fn rows(path: &std::path::Path) -> (i64, String) {
    Connection::open(path)
        .unwrap()
        .query_row(
            "SELECT count(*), printf('%.2f', total(CAST(amount AS REAL))) FROM journal",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

#[test]
fn a_batch_written_while_it_is_applied_reopens_equal() {
    let path = temp_path("large");
    let mut durable = created(&path);
    let batch = commands(4000);
    let mut alone = durable.ledger().clone();
    let expected = alone.apply_all(batch.clone()).unwrap();
    assert_eq!(durable.apply_all(batch).unwrap(), expected);
    assert_eq!(durable.ledger(), &alone);
    drop(durable);
    // 4,004 rows: 1,000,000 appropriated, apportioned and allotted, 500,000 allocated,
    // 4,000 obligations of 10.
    assert_eq!(rows(&path), (4004, "3540000.00".to_owned()));
    assert_eq!(reopen(&path).unwrap().ledger(), &alone);
}

#[test]
fn a_large_batch_refused_at_its_end_writes_nothing() {
    let path = temp_path("large-refused");
    let before = filled(&path, 2).ledger().clone();
    let rows_before = rows(&path);
    let mut durable = reopen(&path).unwrap();
    // 4,000 obligations of 10 to JOR, then one more than the allocation has left.
    let mut batch: Vec<_> = commands(4002).split_off(6);
    let mut over = batch.last().unwrap().clone();
    over.id = "over".parse().unwrap();
    if let security_assistance::budget::Action::Obligate {
        amount, document, ..
    } = &mut over.action
    {
        *amount = "460000".parse().unwrap();
        *document = "JO-D-over".parse().unwrap();
    }
    batch.push(over);
    let err = durable.apply_all(batch).unwrap_err();
    let ServiceError::Batch(refused) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(refused.index, 4000);
    assert!(
        matches!(refused.error, BudgetError::Exceeds { .. }),
        "{err:?}"
    );
    assert_eq!(durable.ledger(), &before);
    drop(durable);
    assert_eq!(rows(&path), rows_before);
    assert_eq!(reopen(&path).unwrap().ledger(), &before);
}

#[test]
fn append_from_abandons_the_batch_at_an_error_and_checks_each_sequence() {
    let path = temp_path("append-from");
    let mut store = SqliteStore::create(&path, "test").unwrap();
    let entries: Vec<NewEntry> = commands(3)
        .into_iter()
        .enumerate()
        .map(|(sequence, command)| {
            NewEntry::new(&JournalEntry {
                sequence: sequence as u64,
                command,
                decision: None,
            })
            .unwrap()
        })
        .collect();
    // An error after two entries: nothing is written, the error comes back.
    let stop = StoreError::Backend {
        operation: "append".into(),
        reason: "the writer stopped".into(),
    };
    let mut first = entries[..2]
        .iter()
        .cloned()
        .map(Ok)
        .chain([Err(stop.clone())]);
    assert_eq!(store.append_from(None, &mut first), Err(stop));
    assert_eq!(store.last_sequence().unwrap(), None);
    // An entry out of line: refused with the sequence it should have had, nothing written.
    let mut gap = [&entries[0], &entries[2]].into_iter().cloned().map(Ok);
    assert_eq!(
        store.append_from(None, &mut gap),
        Err(StoreError::BatchSequence {
            expected: 1,
            found: 2
        })
    );
    assert_eq!(store.last_sequence().unwrap(), None);
    // After a stale sequence: a conflict.
    store
        .append_from(None, &mut entries[..4].iter().cloned().map(Ok))
        .unwrap();
    assert_eq!(
        store.append_from(Some(1), &mut entries[4..].iter().cloned().map(Ok)),
        Err(StoreError::Conflict {
            expected: Some(1),
            found: Some(3)
        })
    );
    store
        .append_from(Some(3), &mut entries[4..].iter().cloned().map(Ok))
        .unwrap();
    assert_eq!(store.last_sequence().unwrap(), Some(6));
    drop(store);
    assert_eq!(rows(&path).0, 7);
}

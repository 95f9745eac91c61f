//! A corrupt store is a typed error on open that names the sequence; nothing is dropped.

use rusqlite::{Connection, params};
use security_assistance::store::{ServiceError, StoreError};

use crate::common::{filled, reopen, temp_path};

fn raw(path: &std::path::Path) -> Connection {
    Connection::open(path).unwrap()
}

fn entry(c: &Connection, sequence: i64) -> (Vec<u8>, i64) {
    c.query_row(
        "SELECT entry, checksum FROM journal WHERE sequence = ?1",
        params![sequence],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn store_error(path: &std::path::Path) -> StoreError {
    match reopen(path) {
        Err(ServiceError::Store(e)) => e,
        other => panic!("expected a store error, got {other:?}"),
    }
}

#[test]
fn a_flipped_byte_is_a_checksum_error_naming_the_entry() {
    let path = temp_path("flip");
    drop(filled(&path, 6));
    for at in [0usize, 5, 17] {
        let c = raw(&path);
        let (mut bytes, _) = entry(&c, 7);
        let original = bytes.clone();
        let at = at.min(bytes.len() - 1);
        bytes[at] ^= 0x10;
        c.execute(
            "UPDATE journal SET entry = ?1 WHERE sequence = 7",
            params![bytes],
        )
        .unwrap();
        drop(c);
        match store_error(&path) {
            StoreError::Checksum { sequence, .. } => assert_eq!(sequence, 7),
            e => panic!("flipped byte {at}: {e:?}"),
        }
        raw(&path)
            .execute(
                "UPDATE journal SET entry = ?1 WHERE sequence = 7",
                params![original],
            )
            .unwrap();
    }
    // Restored, the store opens again, whole.
    assert_eq!(reopen(&path).unwrap().ledger().journal().len(), 10);
}

#[test]
fn a_truncated_last_entry_is_a_checksum_error_naming_it() {
    let path = temp_path("truncate");
    drop(filled(&path, 3));
    let c = raw(&path);
    c.execute(
        "UPDATE journal SET entry = substr(entry, 1, length(entry) - 3) WHERE sequence = 6",
        [],
    )
    .unwrap();
    drop(c);
    assert!(matches!(
        store_error(&path),
        StoreError::Checksum { sequence: 6, .. }
    ));
}

#[test]
fn entries_out_of_order_are_refused_with_the_sequence() {
    let path = temp_path("order");
    drop(filled(&path, 4));
    // Swap entries 2 and 3 (bytes and checksums): each stands under the other's sequence.
    let c = raw(&path);
    let (b2, k2) = entry(&c, 2);
    let (b3, k3) = entry(&c, 3);
    c.execute(
        "UPDATE journal SET entry = ?1, checksum = ?2 WHERE sequence = 2",
        params![b3, k3],
    )
    .unwrap();
    c.execute(
        "UPDATE journal SET entry = ?1, checksum = ?2 WHERE sequence = 3",
        params![b2, k2],
    )
    .unwrap();
    drop(c);
    assert_eq!(
        store_error(&path),
        StoreError::OutOfOrder {
            expected: 2,
            found: 3
        }
    );
    // A gap: entry 5 missing.
    let path = temp_path("gap");
    drop(filled(&path, 4));
    raw(&path)
        .execute("DELETE FROM journal WHERE sequence = 5", [])
        .unwrap();
    assert_eq!(
        store_error(&path),
        StoreError::OutOfOrder {
            expected: 5,
            found: 6
        }
    );
}

#[test]
fn a_corrupt_checkpoint_is_refused() {
    let path = temp_path("checkpoint");
    let mut ledger = filled(&path, 4);
    assert_eq!(ledger.checkpoint().unwrap(), Some(7));
    drop(ledger);
    let c = raw(&path);
    let mut state: Vec<u8> = c
        .query_row("SELECT state FROM checkpoint", [], |r| r.get(0))
        .unwrap();
    let middle = state.len() / 2;
    state[middle] ^= 1;
    c.execute("UPDATE checkpoint SET state = ?1", params![state])
        .unwrap();
    drop(c);
    assert!(matches!(
        store_error(&path),
        StoreError::Checkpoint { sequence: 7, .. }
    ));
}

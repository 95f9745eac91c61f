//! Bad input: each a typed error, nothing changed.

use std::process::Command as Process;

use rusqlite::Connection;
use security_assistance::store::{JournalStore, SCHEMA_VERSION, StoreError};
use security_assistance_sqlite::SqliteStore;

use crate::common::{filled, reopen, temp_path};

fn bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_missing_file_is_not_found_and_not_created() {
    let path = temp_path("missing");
    let err = SqliteStore::open(&path, "test").unwrap_err();
    assert_eq!(
        err,
        StoreError::NotFound {
            location: path.display().to_string()
        }
    );
    assert!(!path.exists());
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let path = temp_path("newer");
    drop(filled(&path, 1));
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    let before = bytes(&path);
    let err = SqliteStore::open(&path, "test").unwrap_err();
    assert_eq!(
        err,
        StoreError::NewerSchema {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION
        }
    );
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_store_of_another_ledger_is_refused() {
    let path = temp_path("other");
    drop(filled(&path, 1));
    let err = SqliteStore::open(&path, "fy2009").unwrap_err();
    assert_eq!(
        err,
        StoreError::OtherLedger {
            expected: "fy2009".into(),
            found: "test".into()
        }
    );
    // The right name opens it, whole.
    assert_eq!(reopen(&path).unwrap().ledger().journal().len(), 5);
}

#[test]
fn creating_over_an_existing_store_is_refused() {
    let path = temp_path("exists");
    drop(filled(&path, 1));
    let before = bytes(&path);
    assert!(matches!(
        SqliteStore::create(&path, "test"),
        Err(StoreError::Backend { .. })
    ));
    assert_eq!(bytes(&path), before);
}

#[test]
fn a_file_that_is_not_a_store_is_a_backend_error() {
    let path = temp_path("garbage");
    std::fs::write(
        &path,
        b"not a database at all, just some text that is long enough",
    )
    .unwrap();
    let before = bytes(&path);
    assert!(matches!(
        SqliteStore::open(&path, "test"),
        Err(StoreError::Backend { .. })
    ));
    assert_eq!(bytes(&path), before);
}

#[test]
fn an_append_that_lost_the_race_is_a_conflict_and_writes_nothing() {
    let path = temp_path("race");
    drop(filled(&path, 2));
    // A second writer on the same file appends first.
    let mut a = reopen(&path).unwrap();
    let mut b = reopen(&path).unwrap();
    let more = crate::common::commands(4);
    b.apply(more[6].clone()).unwrap();
    // `a` is behind: its append conflicts, it catches up and re-checks.
    let receipt = a.apply(more[7].clone()).unwrap();
    assert_eq!(receipt.sequence, 7);
    assert_eq!(a.ledger().journal().len(), 8);
    let mut store = SqliteStore::open(&path, "test").unwrap();
    assert_eq!(store.last_sequence().unwrap(), Some(7));
    // Raw: an append after a stale sequence is a conflict.
    let err = store.append(Some(3), &[]).unwrap_err();
    assert_eq!(
        err,
        StoreError::Conflict {
            expected: Some(3),
            found: Some(7)
        }
    );
    assert_eq!(reopen(&path).unwrap().ledger(), a.ledger());
}

#[test]
fn a_read_only_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let path = temp_path("readonly");
    drop(filled(&path, 1));
    let dir = path.parent().unwrap();
    for p in [dir, path.as_path()] {
        let mode = if p == dir { 0o755 } else { 0o444 };
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let before = bytes(&path);
    let privileged = std::fs::OpenOptions::new().write(true).open(&path).is_ok();
    if privileged {
        // Root writes through permission bits: ask as an unprivileged user instead, through
        // the crash test's child program.
        let out = Process::new("runuser")
            .args(["-u", "nobody", "--"])
            .arg(env!("CARGO_BIN_EXE_crash-child"))
            .arg("--open")
            .arg(&path)
            .output()
            .expect("runuser, to test as an unprivileged user");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("ReadOnly"),
            "{text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    } else {
        assert_eq!(
            SqliteStore::open(&path, "test").unwrap_err(),
            StoreError::ReadOnly {
                location: path.display().to_string()
            }
        );
    }
    assert_eq!(bytes(&path), before);
}

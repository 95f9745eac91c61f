//! Bad stores and unreachable databases: each a typed error, nothing changed.

use security_assistance::store::{JournalStore, SCHEMA_VERSION, StoreError};
use security_assistance_postgres::{Config, PostgresStore};

use crate::fixture::{encode, entries};
use crate::support::{cluster_url, schema};

/// Needs no cluster: a port on which nothing listens.
#[test]
fn a_refused_connection_is_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let config: Config = format!("postgresql://sa@127.0.0.1:{port}/nothing?connect_timeout=5")
        .parse()
        .unwrap();
    match PostgresStore::open(&config, "ledger").unwrap_err() {
        StoreError::Unavailable { location, reason } => {
            assert_eq!(location, format!("postgresql://127.0.0.1:{port}/nothing"));
            assert!(reason.to_lowercase().contains("refused"), "{reason}");
        }
        other => panic!("expected Unavailable, got {other:?}"),
    }
}

#[test]
fn a_missing_database_is_not_found() {
    let Some(url) = cluster_url("a_missing_database_is_not_found") else {
        return;
    };
    let mut config: Config = url.parse().unwrap();
    config.dbname("no_such_database_for_security_assistance");
    match PostgresStore::open(&config, "ledger").unwrap_err() {
        StoreError::NotFound { location } => {
            assert!(
                location.ends_with("/no_such_database_for_security_assistance"),
                "{location}"
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[test]
fn a_newer_schema_version_is_refused_and_left_alone() {
    let Some(db) = schema("a_newer_schema_version_is_refused_and_left_alone") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, "ledger").unwrap();
    store.append(None, &encode(&entries(2))).unwrap();
    drop(store);
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    let newer = i32::try_from(SCHEMA_VERSION + 1).unwrap();
    client
        .execute("UPDATE sa_store SET schema_version = $1", &[&newer])
        .unwrap();
    assert_eq!(
        PostgresStore::open(&db.config, "ledger").unwrap_err(),
        StoreError::NewerSchema {
            found: SCHEMA_VERSION + 1,
            supported: SCHEMA_VERSION
        }
    );
    let (version, rows): (i32, i64) = {
        let row = client
            .query_one(
                "SELECT schema_version, (SELECT count(*) FROM sa_journal) FROM sa_store",
                &[],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert_eq!((version, rows), (newer, 5));
}

#[test]
fn a_store_of_another_ledger_is_refused() {
    let Some(db) = schema("a_store_of_another_ledger_is_refused") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, "homeland-fy2008").unwrap();
    store.append(None, &encode(&entries(1))).unwrap();
    drop(store);
    assert_eq!(
        PostgresStore::open(&db.config, "imet-fy2008").unwrap_err(),
        StoreError::OtherLedger {
            expected: "imet-fy2008".to_owned(),
            found: "homeland-fy2008".to_owned()
        }
    );
    let mut store = PostgresStore::open(&db.config, "homeland-fy2008").unwrap();
    assert_eq!(store.last_sequence().unwrap(), Some(3));
}

/// An older store (here: version 0, the version table and nothing else) is migrated.
#[test]
fn an_older_store_is_migrated_on_open() {
    let Some(db) = schema("an_older_store_is_migrated_on_open") else {
        return;
    };
    let mut client = db.config.connect(postgres::NoTls).unwrap();
    client
        .batch_execute(
            "CREATE TABLE sa_store (one boolean PRIMARY KEY DEFAULT true CHECK (one),
                 ledger text NOT NULL, schema_version integer NOT NULL);
             INSERT INTO sa_store (ledger, schema_version) VALUES ('ledger', 0);",
        )
        .unwrap();
    let mut store = PostgresStore::open(&db.config, "ledger").unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.last_sequence().unwrap(), None);
}

/// A database that refuses writes: opening a new store there is ReadOnly, and so is an
/// append to an existing one.
#[test]
fn a_read_only_database_is_read_only() {
    let Some(db) = schema("a_read_only_database_is_read_only") else {
        return;
    };
    let mut store = PostgresStore::open(&db.config, "ledger").unwrap();
    let all = encode(&entries(1));
    store.append(None, &all[..2]).unwrap();
    drop(store);
    let mut read_only = db.config.clone();
    read_only.options(&format!(
        "-c search_path={} -c default_transaction_read_only=on",
        db.name
    ));
    let mut store = PostgresStore::open(&read_only, "ledger").unwrap();
    assert_eq!(store.last_sequence().unwrap(), Some(1));
    assert!(matches!(
        store.append(Some(1), &all[2..]).unwrap_err(),
        StoreError::ReadOnly { .. }
    ));
    assert_eq!(store.last_sequence().unwrap(), Some(1));
}

/// The server ends the session (a restart, an administrator): the next call is
/// Unavailable, a typed error, not a panic or a wrong answer.
#[test]
fn a_lost_connection_is_unavailable() {
    let Some(db) = schema("a_lost_connection_is_unavailable") else {
        return;
    };
    let name = format!("sa-lost-{}", std::process::id());
    let mut config = db.config.clone();
    config.application_name(&name);
    let mut store = PostgresStore::open(&config, "ledger").unwrap();
    let mut admin = db.config.connect(postgres::NoTls).unwrap();
    let ended: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert_eq!(ended, 1);
    match store.last_sequence().unwrap_err() {
        StoreError::Unavailable { location, .. } => assert!(location.starts_with("postgresql://")),
        other => panic!("expected Unavailable, got {other:?}"),
    }
    let all = encode(&entries(1));
    match store.append(None, &all).unwrap_err() {
        StoreError::Unavailable { .. } => {}
        other => panic!("expected Unavailable, got {other:?}"),
    }
    // Nothing was written; a new connection sees the empty journal.
    let mut again = PostgresStore::open(&db.config, "ledger").unwrap();
    assert_eq!(again.last_sequence().unwrap(), None);
}

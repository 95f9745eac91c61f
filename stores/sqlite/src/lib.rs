//! The security-assistance ledger's journal on SQLite, the embedded default.
//!
//! [`SqliteStore`] implements [`JournalStore`] on one SQLite file, with the SQLite library
//! compiled in (nothing to install). Open a ledger on it with
//! [`DurableLedger`](security_assistance::store::DurableLedger):
//!
//! ```
//! use std::sync::Arc;
//! use security_assistance::budget::Policy;
//! use security_assistance::eligibility::AllowAll;
//! use security_assistance::store::{DurableLedger, SystemClock};
//! use security_assistance_sqlite::SqliteStore;
//! # let dir = std::env::temp_dir().join(format!("sa-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&dir)?;
//! # let path = dir.join("ledger.sqlite");
//! # let _ = std::fs::remove_file(&path);
//! let store = SqliteStore::create(&path, "fy2008")?;
//! let ledger = DurableLedger::open(store, Arc::new(SystemClock), Arc::new(AllowAll), Policy::Open)?;
//! assert!(ledger.ledger().journal().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What it promises
//!
//! - **Durability**: the file is in WAL mode with `synchronous=FULL`: an append returns
//!   only after its transaction is in the write-ahead log and the log is flushed to disk
//!   (fsync), so an acknowledged batch survives a process crash and a power loss.
//! - **Atomicity**: one transaction per batch (`BEGIN IMMEDIATE` … `COMMIT`); a batch that
//!   fails is rolled back whole. A batch handed over an entry at a time
//!   ([`JournalStore::append_from`], as `DurableLedger` does with a large batch while it
//!   is still applying it) is inserted as it comes and committed only at its end; an error
//!   among its entries rolls it back.
//! - **Ordering**: entries are rows keyed by their sequence (0, 1, 2, …); reading is in
//!   sequence order and a gap is reported when read.
//! - **Concurrency**: one writer at a time (SQLite's write lock); an append whose expected
//!   last sequence is stale fails with [`StoreError::Conflict`] and writes nothing. Several
//!   processes may share the file on one machine; for several machines use PostgreSQL.
//! - **Policy**: the table `policy` keeps the fund-control policy the ledger runs under
//!   (one row: its JSON and CRC-32), recorded by the first
//!   [`DurableLedger::open`](security_assistance::store::DurableLedger::open) and never
//!   changed.
//! - **Checkpoints**: the table `checkpoint` keeps the latest one (the ledger's whole state
//!   at a sequence, with its checksum); opening reads it and the entries after it.
//!
//! # For analysts
//!
//! The table `journal` has, beside the compact entry (`entry`, `checksum`), the columns
//! `sequence`, `id`, `effective`, `recorded`, `action`, `account`, `document`, `amount`
//! (decimal text) and `actor`:
//!
//! ```text
//! sqlite3 target/fiscal_year/ledger.sqlite \
//!   "select account, sum(amount) from journal where action = 'obligate' group by account"
//! ```

use std::path::Path;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior, params};
use security_assistance::store::{
    Checkpoint, EncodedEntry, JournalStore, NewEntry, PolicyRecord, SCHEMA_VERSION, StoreError,
};

/// The migrations, in order: `MIGRATIONS[i]` takes a store from schema version `i` to
/// `i + 1`. Version 0 is an empty file.
const MIGRATIONS: [&str; 2] = [
    r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE journal (
    sequence  INTEGER PRIMARY KEY NOT NULL CHECK (sequence >= 0),
    entry     BLOB NOT NULL,
    checksum  INTEGER NOT NULL,
    id        TEXT NOT NULL UNIQUE,
    effective TEXT NOT NULL,
    recorded  TEXT NOT NULL,
    action    TEXT NOT NULL,
    account   TEXT,
    document  TEXT,
    amount    TEXT,
    actor     TEXT NOT NULL
) STRICT;
CREATE TABLE checkpoint (
    sequence INTEGER PRIMARY KEY NOT NULL,
    state    BLOB NOT NULL,
    checksum INTEGER NOT NULL
) STRICT;
"#,
    // 1 -> 2: the fund-control policy, one row, written once.
    r#"
CREATE TABLE policy (
    one      INTEGER PRIMARY KEY NOT NULL CHECK (one = 1),
    policy   TEXT NOT NULL,
    checksum INTEGER NOT NULL
) STRICT;
"#,
];

// The migrations end at the schema version the core crate names.
const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// A ledger's journal in one SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    location: String,
}

impl SqliteStore {
    /// Creates a store for the ledger named `ledger` in a new file at `path`.
    ///
    /// The store is built whole in `path` + `.creating` and renamed into place, so a crash
    /// while creating leaves no half-made store at `path`.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if a file is already there or cannot be created.
    pub fn create(path: impl AsRef<Path>, ledger: &str) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let location = path.display().to_string();
        if path.exists() {
            return Err(StoreError::Backend {
                operation: "create".to_owned(),
                reason: format!("{location} already exists"),
            });
        }
        let mut building = path.as_os_str().to_owned();
        building.push(".creating");
        let building = std::path::PathBuf::from(building);
        let io = |e: std::io::Error| StoreError::Backend {
            operation: "create".to_owned(),
            reason: e.to_string(),
        };
        if building.exists() {
            std::fs::remove_file(&building).map_err(io)?;
        }
        {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let connection = Connection::open_with_flags(&building, flags)
                .map_err(|e| backend(&location, "create", e))?;
            let mut store = SqliteStore {
                connection,
                location: location.clone(),
            };
            store
                .connection
                .pragma_update(None, "synchronous", "FULL")
                .map_err(|e| backend(&location, "create", e))?;
            store.migrate()?;
            store
                .connection
                .execute(
                    "INSERT INTO meta (key, value) VALUES ('ledger', ?1)",
                    params![ledger],
                )
                .map_err(|e| backend(&location, "create", e))?;
        }
        std::fs::rename(&building, path).map_err(io)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        SqliteStore::open(path, ledger)
    }

    /// Opens the store at `path`, which must hold the ledger named `ledger`; an older
    /// schema is migrated.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if there is no file, [`StoreError::ReadOnly`] if it cannot
    /// be written, [`StoreError::NewerSchema`] if a newer version of this crate wrote it,
    /// [`StoreError::OtherLedger`] if it holds another ledger, [`StoreError::Backend`] if
    /// it is not a SQLite store.
    pub fn open(path: impl AsRef<Path>, ledger: &str) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let location = path.display().to_string();
        if !path.is_file() {
            return Err(StoreError::NotFound { location });
        }
        let writable = std::fs::OpenOptions::new().write(true).open(path).is_ok();
        if !writable {
            return Err(StoreError::ReadOnly { location });
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection =
            Connection::open_with_flags(path, flags).map_err(|e| backend(&location, "open", e))?;
        let mut store = SqliteStore {
            connection,
            location,
        };
        if store
            .connection
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| backend(&store.location, "open", e))?
        {
            return Err(StoreError::ReadOnly {
                location: store.location,
            });
        }
        store.configure()?;
        store.migrate()?;
        let found: Option<String> = store
            .connection
            .query_row("SELECT value FROM meta WHERE key = 'ledger'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| backend(&store.location, "open", e))?;
        match found {
            Some(found) if found == ledger => Ok(store),
            found => Err(StoreError::OtherLedger {
                expected: ledger.to_owned(),
                found: found.unwrap_or_default(),
            }),
        }
    }

    /// Where the store is (its path).
    #[must_use]
    pub fn location(&self) -> &str {
        &self.location
    }

    /// WAL with full synchronous commits: a commit is flushed to disk before it returns.
    fn configure(&mut self) -> Result<(), StoreError> {
        let c = &self.connection;
        let mode: String = c
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| backend(&self.location, "configure", e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Backend {
                operation: "configure".to_owned(),
                reason: format!("journal mode {mode}, not wal"),
            });
        }
        c.pragma_update(None, "synchronous", "FULL")
            .and_then(|()| c.pragma_update(None, "foreign_keys", "ON"))
            .and_then(|()| c.busy_timeout(std::time::Duration::from_secs(10)))
            .map_err(|e| backend(&self.location, "configure", e))
    }

    /// Brings the schema to [`SCHEMA_VERSION`], one migration per transaction.
    fn migrate(&mut self) -> Result<(), StoreError> {
        loop {
            let location = self.location.clone();
            let fail = |e: rusqlite::Error| backend(&location, "migrate", e);
            let tx = self
                .connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(fail)?;
            let version: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(fail)?;
            let version = u32::try_from(version).unwrap_or(u32::MAX);
            if version > SCHEMA_VERSION {
                return Err(StoreError::NewerSchema {
                    found: version,
                    supported: SCHEMA_VERSION,
                });
            }
            let Some(migration) = usize::try_from(version)
                .ok()
                .and_then(|v| MIGRATIONS.get(v))
            else {
                return Ok(());
            };
            tx.execute_batch(migration).map_err(fail)?;
            tx.pragma_update(None, "user_version", version.saturating_add(1))
                .map_err(fail)?;
            tx.commit().map_err(fail)?;
        }
    }

    fn last(&self) -> Result<Option<u64>, rusqlite::Error> {
        let last: Option<i64> =
            self.connection
                .query_row("SELECT max(sequence) FROM journal", [], |r| r.get(0))?;
        Ok(last.and_then(|s| u64::try_from(s).ok()))
    }

    /// One transaction: checks that the journal still ends at `after`, inserts every entry
    /// `entries` yields (already checked to run on from `after`), commits. The first error
    /// rolls the whole transaction back (dropping it does).
    fn write<E: std::borrow::Borrow<NewEntry>>(
        &mut self,
        after: Option<u64>,
        entries: &mut dyn Iterator<Item = Result<E, StoreError>>,
    ) -> Result<(), StoreError> {
        let location = self.location.clone();
        let fail = |e: rusqlite::Error| backend(&location, "append", e);
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let last: Option<i64> = tx
            .query_row("SELECT max(sequence) FROM journal", [], |r| r.get(0))
            .map_err(fail)?;
        let last = last.and_then(|s| u64::try_from(s).ok());
        if last != after {
            return Err(StoreError::Conflict {
                expected: after,
                found: last,
            });
        }
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO journal (sequence, entry, checksum, id, effective, recorded, \
                     action, account, document, amount, actor) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )
                .map_err(fail)?;
            for entry in entries {
                let entry = entry?;
                let e = entry.borrow().encoded();
                let c = entry.borrow().columns();
                insert
                    .execute(params![
                        sql_sequence(e.sequence())?,
                        e.bytes(),
                        i64::from(e.checksum()),
                        c.id,
                        c.date.to_string(),
                        c.recorded.to_string(),
                        c.action,
                        c.account,
                        c.document,
                        c.amount,
                        c.actor,
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }
}

fn backend(location: &str, operation: &str, error: rusqlite::Error) -> StoreError {
    match error.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) => StoreError::ReadOnly {
            location: location.to_owned(),
        },
        Some(ErrorCode::CannotOpen) => StoreError::NotFound {
            location: location.to_owned(),
        },
        _ => StoreError::Backend {
            operation: operation.to_owned(),
            reason: error.to_string(),
        },
    }
}

fn sql_sequence(sequence: u64) -> Result<i64, StoreError> {
    i64::try_from(sequence).map_err(|_| StoreError::BatchSequence {
        expected: 0,
        found: sequence,
    })
}

impl JournalStore for SqliteStore {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        let version: i64 = self
            .connection
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| backend(&self.location, "read the schema version", e))?;
        Ok(u32::try_from(version).unwrap_or(u32::MAX))
    }

    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        self.last()
            .map_err(|e| backend(&self.location, "read the last sequence", e))
    }

    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        NewEntry::check_continues(after, batch)?;
        self.write(after, &mut batch.iter().map(Ok))
    }

    /// Writes each entry as it comes, inside the batch's transaction, so that the rows
    /// are written while the rest of the batch is made.
    fn append_from(
        &mut self,
        after: Option<u64>,
        entries: &mut dyn Iterator<Item = Result<NewEntry, StoreError>>,
    ) -> Result<(), StoreError> {
        let mut last = after;
        self.write(
            after,
            &mut entries.map(|entry| {
                let entry = entry?;
                NewEntry::check_continues(last, std::slice::from_ref(&entry))?;
                last = Some(entry.encoded().sequence());
                Ok(entry)
            }),
        )
    }

    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let location = self.location.clone();
        let fail = |e: rusqlite::Error| backend(&location, "read entries", e);
        let from = match after {
            None => -1,
            Some(a) => sql_sequence(a)?,
        };
        let mut select = self
            .connection
            .prepare_cached(
                "SELECT sequence, entry, checksum FROM journal WHERE sequence > ?1 \
                 ORDER BY sequence",
            )
            .map_err(fail)?;
        let mut rows = select.query(params![from]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let sequence: i64 = row.get(0).map_err(fail)?;
            let bytes: Vec<u8> = row.get(1).map_err(fail)?;
            let checksum: i64 = row.get(2).map_err(fail)?;
            let sequence = u64::try_from(sequence).unwrap_or(u64::MAX);
            // A checksum that is not a u32 cannot match: keep it as a mismatch.
            let checksum = u32::try_from(checksum).unwrap_or(u32::MAX);
            each(EncodedEntry::from_stored(sequence, bytes, checksum))?;
        }
        Ok(())
    }

    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let location = self.location.clone();
        let fail = |e: rusqlite::Error| backend(&location, "save a checkpoint", e);
        let sequence = sql_sequence(checkpoint.sequence())?;
        let tx = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        tx.execute(
            "INSERT OR REPLACE INTO checkpoint (sequence, state, checksum) VALUES (?1, ?2, ?3)",
            params![
                sequence,
                checkpoint.bytes(),
                i64::from(checkpoint.checksum())
            ],
        )
        .map_err(fail)?;
        tx.execute(
            "DELETE FROM checkpoint WHERE sequence < ?1",
            params![sequence],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        let location = self.location.clone();
        let fail = |e: rusqlite::Error| backend(&location, "read the checkpoint", e);
        let row: Option<(i64, Vec<u8>, i64)> = self
            .connection
            .query_row(
                "SELECT sequence, state, checksum FROM checkpoint ORDER BY sequence DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(fail)?;
        Ok(row.map(|(sequence, bytes, checksum)| {
            Checkpoint::from_stored(
                u64::try_from(sequence).unwrap_or(u64::MAX),
                bytes,
                u32::try_from(checksum).unwrap_or(u32::MAX),
            )
        }))
    }

    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        let location = self.location.clone();
        let row: Option<(String, i64)> = self
            .connection
            .query_row(
                "SELECT policy, checksum FROM policy WHERE one = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| backend(&location, "read the policy", e))?;
        Ok(row.map(|(text, checksum)| {
            // A checksum that is not a u32 cannot match: keep it as a mismatch.
            PolicyRecord::from_stored(text, u32::try_from(checksum).unwrap_or(u32::MAX))
        }))
    }

    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        let location = self.location.clone();
        self.connection
            .execute(
                "INSERT INTO policy (one, policy, checksum) VALUES (1, ?1, ?2) \
                 ON CONFLICT (one) DO NOTHING",
                params![policy.text(), i64::from(policy.checksum())],
            )
            .map(|_| ())
            .map_err(|e| backend(&location, "record the policy", e))
    }
}

//! The security-assistance journal on PostgreSQL, for services that run several instances.
//!
//! [`PostgresStore`] implements [`JournalStore`]: every instance of a service keeps its own
//! in-memory [`Ledger`](security_assistance::budget::Ledger) and appends to one journal in
//! one database. When two instances append after the same last sequence, the database
//! lets one transaction in and refuses the other with [`StoreError::Conflict`]; the loser
//! catches up from the store and checks its command again, so two instances can never
//! together obligate more than an allotment holds. There is no protocol of our own: the
//! journal's primary key (the sequence) and PostgreSQL's transactions are the arbiter.
//!
//! # A service instance
//!
//! ```no_run
//! use std::sync::Arc;
//! use security_assistance::budget::Policy;
//! use security_assistance::eligibility::AllowAll;
//! use security_assistance::store::{DurableLedger, SystemClock};
//! use security_assistance_postgres::{Config, PostgresStore};
//! let config: Config = "postgresql://budget@db.internal/budget".parse()?;
//! let store = PostgresStore::open(&config, "homeland-fy2008")?;
//! // The latest checkpoint and the entries after it; the gate is the service's own.
//! // The policy the store records (the first opening records it; later ones must match).
//! let ledger = DurableLedger::open(store, Arc::new(SystemClock), Arc::new(AllowAll), Policy::Open)?;
//! println!("{} entries", ledger.ledger().journal().len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`DurableLedger::apply`](security_assistance::store::DurableLedger::apply) checks a
//! command, appends it here, and applies it in memory only once PostgreSQL committed it;
//! when another instance appended first it catches up from the journal and checks the
//! command again.
//!
//! # What the store promises
//!
//! - **Durability**: an append returns `Ok` only after PostgreSQL committed it, with
//!   `synchronous_commit` at least `on` for the session (the store raises it from `off`
//!   when it connects), so the batch is in the write-ahead log on stable storage.
//! - **Atomicity**: a batch is one transaction: every entry or none.
//! - **Ordering**: entries are numbered from 0 without a gap; an append names the last
//!   sequence its writer has seen and writes only if that is still the last one.
//! - **Concurrency**: any number of connections, in any number of processes, may append;
//!   a lost race is a typed [`StoreError::Conflict`] that wrote nothing.
//! - **Integrity**: every entry and checkpoint is stored with the CRC-32 the core crate
//!   computed; the core crate checks it on reading and names the sequence on a mismatch.
//! - **Checkpoints** hold the ledger's state at a sequence (encoded and checked by the
//!   core crate); opening a ledger reads the latest one and the entries after it.
//!
//! # Where the tables are
//!
//! In the connection's `search_path` (PostgreSQL's `public` schema unless the service says
//! otherwise), so a service chooses the schema with its connection options:
//!
//! ```no_run
//! use security_assistance_postgres::{Config, PostgresStore};
//! let mut config: Config = "postgresql://budget@db.internal/budget".parse()?;
//! config.options("-c search_path=fy2008");
//! let store = PostgresStore::open(&config, "homeland-fy2008")?;
//! assert_eq!(store.ledger(), "homeland-fy2008");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The schema (version 2)
//!
//! The same as the SQLite store's, so an analyst can query it with `psql`:
//!
//! - `sa_store`: one row, the ledger's name and the schema version;
//! - `sa_journal`: `sequence` (the primary key), `entry` (the compact encoding), `checksum`
//!   (its CRC-32), and the analyst's columns `id`, `effective`, `recorded`, `action`,
//!   `account`, `document`, `amount` (`numeric`) and `actor`;
//! - `sa_checkpoint`: `sequence`, `state`, `checksum`;
//! - `sa_policy` (since version 2): one row, the fund-control policy the ledger runs under
//!   (`policy`, its JSON, and `checksum`), recorded by the first
//!   [`DurableLedger::open`](security_assistance::store::DurableLedger::open) and never
//!   changed.
//!
//! Opening a store of an older schema version migrates it in one transaction; a store of a
//! newer version is refused with [`StoreError::NewerSchema`] and left as it is.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![doc(test(attr(deny(warnings))))]

use std::fmt;

use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};
use security_assistance::store::{
    Checkpoint, EncodedEntry, JournalStore, NewEntry, PolicyRecord, SCHEMA_VERSION, StoreError,
};

/// How to reach the database: `postgres`'s connection configuration, parsed from a URL
/// (`postgresql://user@host:port/database`) or a `key=value` string.
pub use postgres::Config;

/// The schema migrations, in order: `MIGRATIONS[n]` takes a store from version `n` to
/// `n + 1`. Version 0 is an empty database.
const MIGRATIONS: &[&str] = &[
    // 0 -> 1: the journal, its analyst columns and the checkpoints.
    "CREATE TABLE sa_journal (
         sequence  bigint  PRIMARY KEY CHECK (sequence >= 0),
         entry     bytea   NOT NULL,
         checksum  bigint  NOT NULL CHECK (checksum BETWEEN 0 AND 4294967295),
         id        text    NOT NULL,
         effective date    NOT NULL,
         recorded  date    NOT NULL,
         action    text    NOT NULL,
         account   text,
         document  text,
         amount    numeric,
         actor     text    NOT NULL
     );
     CREATE INDEX sa_journal_document ON sa_journal (document);
     CREATE TABLE sa_checkpoint (
         sequence  bigint  PRIMARY KEY CHECK (sequence >= 0),
         state     bytea   NOT NULL,
         checksum  bigint  NOT NULL CHECK (checksum BETWEEN 0 AND 4294967295)
     );",
    // 1 -> 2: the fund-control policy, one row, written once.
    "CREATE TABLE sa_policy (
         one       boolean PRIMARY KEY DEFAULT true CHECK (one),
         policy    text    NOT NULL,
         checksum  bigint  NOT NULL CHECK (checksum BETWEEN 0 AND 4294967295)
     );",
];

const _: () = assert!(MIGRATIONS.len() == SCHEMA_VERSION as usize);

/// A journal store in a PostgreSQL database: one connection, used by one writer.
///
/// Open one per service instance (or per thread); they coordinate through the database.
pub struct PostgresStore {
    client: Client,
    location: String,
    ledger: String,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("location", &self.location)
            .field("ledger", &self.ledger)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Connects, creates the store if the schema holds none, migrates an older one, and
    /// checks that it holds the journal of `ledger`.
    ///
    /// # Errors
    ///
    /// In this order:
    /// - [`StoreError::Unavailable`] if the server cannot be reached (a connection refused,
    ///   a failed login);
    /// - [`StoreError::NotFound`] if the database does not exist;
    /// - [`StoreError::NewerSchema`] if the store was written by a newer version;
    /// - [`StoreError::OtherLedger`] if it holds another ledger's journal;
    /// - [`StoreError::ReadOnly`] if it must be created or migrated and cannot be written;
    /// - [`StoreError::Backend`] for any other failure of the database.
    ///
    /// Nothing is changed in the database when an error is returned.
    pub fn open(config: &Config, ledger: &str) -> Result<PostgresStore, StoreError> {
        let location = location(config);
        let client = config.connect(NoTls).map_err(|e| {
            if e.code() == Some(&SqlState::INVALID_CATALOG_NAME) {
                StoreError::NotFound {
                    location: location.clone(),
                }
            } else {
                StoreError::Unavailable {
                    location: location.clone(),
                    reason: reason(&e),
                }
            }
        })?;
        let mut store = PostgresStore {
            client,
            location,
            ledger: ledger.to_owned(),
        };
        store.durable_commits()?;
        store.prepare()?;
        Ok(store)
    }

    /// Where the store is (host, port and database; never the password).
    #[must_use]
    pub fn location(&self) -> &str {
        &self.location
    }

    /// The ledger whose journal this store holds.
    #[must_use]
    pub fn ledger(&self) -> &str {
        &self.ledger
    }

    /// Makes sure a commit waits for the write-ahead log to reach stable storage.
    fn durable_commits(&mut self) -> Result<(), StoreError> {
        let row = self
            .client
            .query_one("SHOW synchronous_commit", &[])
            .map_err(|e| self.backend("read synchronous_commit", &e))?;
        let setting: String = row.get(0);
        if setting == "off" {
            self.client
                .batch_execute("SET synchronous_commit = on")
                .map_err(|e| self.backend("set synchronous_commit", &e))?;
        }
        Ok(())
    }

    /// Creates, checks or migrates the store, in one transaction under a lock that keeps
    /// two instances opening the same schema from migrating it at once.
    fn prepare(&mut self) -> Result<(), StoreError> {
        let ledger = self.ledger.clone();
        let location = self.location.clone();
        let fail = |operation: &str, e: &postgres::Error| classify(&location, operation, e);
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| fail("begin opening", &e))?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('security-assistance:' || coalesce(current_schema(), '')))",
            &[],
        )
        .map_err(|e| fail("lock the schema", &e))?;
        let exists: bool = tx
            .query_one("SELECT to_regclass('sa_store') IS NOT NULL", &[])
            .map_err(|e| fail("look for the store", &e))?
            .get(0);
        let (found_version, found_ledger) = if exists {
            let row = tx
                .query_opt("SELECT schema_version, ledger FROM sa_store", &[])
                .map_err(|e| fail("read the schema version", &e))?;
            match row {
                Some(row) => (row.get::<_, i32>(0), Some(row.get::<_, String>(1))),
                None => (0, None),
            }
        } else {
            tx.batch_execute(
                "CREATE TABLE sa_store (
                     one            boolean PRIMARY KEY DEFAULT true CHECK (one),
                     ledger         text    NOT NULL,
                     schema_version integer NOT NULL
                 )",
            )
            .map_err(|e| fail("create the store", &e))?;
            (0, None)
        };
        let found = u32::try_from(found_version).map_err(|_| StoreError::Backend {
            operation: "read the schema version".to_owned(),
            reason: format!("the stored schema version {found_version} is negative"),
        })?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        if let Some(found_ledger) = found_ledger.as_ref() {
            if *found_ledger != ledger {
                return Err(StoreError::OtherLedger {
                    expected: ledger,
                    found: found_ledger.clone(),
                });
            }
        }
        for migration in MIGRATIONS.iter().skip(found as usize) {
            tx.batch_execute(migration)
                .map_err(|e| fail("migrate the schema", &e))?;
        }
        let version = i32::try_from(SCHEMA_VERSION).map_err(|_| StoreError::Backend {
            operation: "write the schema version".to_owned(),
            reason: format!("schema version {SCHEMA_VERSION} does not fit an integer column"),
        })?;
        if found_ledger.is_none() {
            tx.execute(
                "INSERT INTO sa_store (ledger, schema_version) VALUES ($1, $2)",
                &[&ledger, &version],
            )
            .map_err(|e| fail("record the ledger", &e))?;
        } else if found < SCHEMA_VERSION {
            tx.execute("UPDATE sa_store SET schema_version = $1", &[&version])
                .map_err(|e| fail("record the schema version", &e))?;
        }
        tx.commit().map_err(|e| fail("commit opening", &e))
    }

    fn backend(&self, operation: &str, e: &postgres::Error) -> StoreError {
        classify(&self.location, operation, e)
    }
}

impl JournalStore for PostgresStore {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        let version: i32 = self
            .client
            .query_one("SELECT schema_version FROM sa_store", &[])
            .map_err(|e| self.backend("read the schema version", &e))?
            .get(0);
        u32::try_from(version).map_err(|_| StoreError::Backend {
            operation: "read the schema version".to_owned(),
            reason: format!("the stored schema version {version} is negative"),
        })
    }

    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        let last: Option<i64> = self
            .client
            .query_one("SELECT max(sequence) FROM sa_journal", &[])
            .map_err(|e| self.backend("read the last sequence", &e))?
            .get(0);
        last.map(to_sequence).transpose()
    }

    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        let rows = Rows::of(after, batch)?;
        if rows.sequence.is_empty() {
            return Ok(());
        }
        let location = self.location.clone();
        let fail = |operation: &str, e: &postgres::Error| classify(&location, operation, e);
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| fail("begin an append", &e))?;
        let last: Option<i64> = tx
            .query_one("SELECT max(sequence) FROM sa_journal", &[])
            .map_err(|e| fail("read the last sequence", &e))?
            .get(0);
        let last = last.map(to_sequence).transpose()?;
        if last != after {
            return Err(StoreError::Conflict {
                expected: after,
                found: last,
            });
        }
        // One statement for the whole batch. If another writer commits the same sequences
        // first, the primary key refuses this insert: that is the race, lost.
        let inserted = tx.execute(
            "INSERT INTO sa_journal
                 (sequence, entry, checksum, id, effective, recorded, action, account,
                  document, amount, actor)
             SELECT s, e, c, i, ef, r, a, ac, d, am::numeric, ar
             FROM unnest($1::bigint[], $2::bytea[], $3::bigint[], $4::text[], $5::date[],
                         $6::date[], $7::text[], $8::text[], $9::text[], $10::text[],
                         $11::text[])
                  AS t(s, e, c, i, ef, r, a, ac, d, am, ar)",
            &[
                &rows.sequence,
                &rows.entry,
                &rows.checksum,
                &rows.id,
                &rows.effective,
                &rows.recorded,
                &rows.action,
                &rows.account,
                &rows.document,
                &rows.amount,
                &rows.actor,
            ],
        );
        let committed = inserted.and_then(|_| tx.commit());
        match committed {
            Ok(()) => Ok(()),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                let found = self.last_sequence()?;
                Err(StoreError::Conflict {
                    expected: after,
                    found,
                })
            }
            Err(e) => Err(fail("append", &e)),
        }
    }

    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let from = match after {
            None => -1i64,
            Some(s) => to_column(s)?,
        };
        let location = self.location.clone();
        let fail = |e: &postgres::Error| classify(&location, "read entries", e);
        let mut rows = self
            .client
            .query_raw(
                "SELECT sequence, entry, checksum FROM sa_journal WHERE sequence > $1 ORDER BY sequence",
                [from],
            )
            .map_err(|e| fail(&e))?;
        while let Some(row) = rows.next().map_err(|e| fail(&e))? {
            let sequence = to_sequence(row.try_get(0).map_err(|e| fail(&e))?)?;
            let bytes: Vec<u8> = row.try_get(1).map_err(|e| fail(&e))?;
            let stored: i64 = row.try_get(2).map_err(|e| fail(&e))?;
            let checksum =
                u32::try_from(stored).map_err(|_| StoreError::Undecodable { sequence })?;
            each(EncodedEntry::from_stored(sequence, bytes, checksum))?;
        }
        Ok(())
    }

    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let sequence = to_column(checkpoint.sequence())?;
        let checksum = i64::from(checkpoint.checksum());
        let location = self.location.clone();
        let fail = |operation: &str, e: &postgres::Error| classify(&location, operation, e);
        let mut tx = self
            .client
            .transaction()
            .map_err(|e| fail("begin a checkpoint", &e))?;
        tx.execute(
            "INSERT INTO sa_checkpoint (sequence, state, checksum) VALUES ($1, $2, $3)
             ON CONFLICT (sequence) DO UPDATE SET state = excluded.state, checksum = excluded.checksum",
            &[&sequence, &checkpoint.bytes(), &checksum],
        )
        .map_err(|e| fail("save a checkpoint", &e))?;
        tx.execute(
            "DELETE FROM sa_checkpoint WHERE sequence < $1",
            &[&sequence],
        )
        .map_err(|e| fail("drop older checkpoints", &e))?;
        tx.commit().map_err(|e| fail("commit a checkpoint", &e))
    }

    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        let row = self
            .client
            .query_opt(
                "SELECT sequence, state, checksum FROM sa_checkpoint ORDER BY sequence DESC LIMIT 1",
                &[],
            )
            .map_err(|e| self.backend("read the latest checkpoint", &e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sequence = to_sequence(row.get(0))?;
        let stored: i64 = row.get(2);
        let checksum = u32::try_from(stored).map_err(|_| StoreError::Checkpoint {
            sequence,
            reason: format!("stored checksum {stored} is not a CRC-32"),
        })?;
        Ok(Some(Checkpoint::from_stored(
            sequence,
            row.get(1),
            checksum,
        )))
    }

    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        let row = self
            .client
            .query_opt("SELECT policy, checksum FROM sa_policy", &[])
            .map_err(|e| self.backend("read the policy", &e))?;
        Ok(row.map(|row| {
            let stored: i64 = row.get(1);
            // A checksum that is not a u32 cannot match: keep it as a mismatch.
            PolicyRecord::from_stored(row.get(0), u32::try_from(stored).unwrap_or(u32::MAX))
        }))
    }

    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        self.client
            .execute(
                "INSERT INTO sa_policy (policy, checksum) VALUES ($1, $2)
                 ON CONFLICT (one) DO NOTHING",
                &[&policy.text(), &i64::from(policy.checksum())],
            )
            .map(|_| ())
            .map_err(|e| self.backend("record the policy", &e))
    }
}

/// A batch as columns, one array per column, for one `INSERT ... SELECT FROM unnest`.
#[derive(Default)]
struct Rows {
    sequence: Vec<i64>,
    entry: Vec<Vec<u8>>,
    checksum: Vec<i64>,
    id: Vec<String>,
    effective: Vec<chrono::NaiveDate>,
    recorded: Vec<chrono::NaiveDate>,
    action: Vec<&'static str>,
    account: Vec<Option<String>>,
    document: Vec<Option<String>>,
    amount: Vec<Option<String>>,
    actor: Vec<String>,
}

impl Rows {
    /// The batch's columns, once its sequences are checked to run on from `after`.
    fn of(after: Option<u64>, batch: &[NewEntry]) -> Result<Rows, StoreError> {
        NewEntry::check_continues(after, batch)?;
        let mut rows = Rows::default();
        for new in batch {
            let encoded = new.encoded();
            let columns = new.columns();
            rows.sequence.push(to_column(encoded.sequence())?);
            rows.entry.push(encoded.bytes().to_vec());
            rows.checksum.push(i64::from(encoded.checksum()));
            rows.id.push(columns.id.clone());
            rows.effective.push(columns.date);
            rows.recorded.push(columns.recorded);
            rows.action.push(columns.action);
            rows.account.push(columns.account.clone());
            rows.document.push(columns.document.clone());
            rows.amount.push(columns.amount.clone());
            rows.actor.push(columns.actor.clone());
        }
        Ok(rows)
    }
}

/// A sequence as the `bigint` column holds it.
fn to_column(sequence: u64) -> Result<i64, StoreError> {
    i64::try_from(sequence).map_err(|_| StoreError::Backend {
        operation: "store a sequence".to_owned(),
        reason: format!("sequence {sequence} exceeds PostgreSQL's bigint"),
    })
}

/// A sequence read from the `bigint` column (which a CHECK keeps non-negative).
fn to_sequence(column: i64) -> Result<u64, StoreError> {
    u64::try_from(column).map_err(|_| StoreError::Backend {
        operation: "read a sequence".to_owned(),
        reason: format!("stored sequence {column} is negative"),
    })
}

/// Host, port and database of `config`, for messages (never the password).
fn location(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let host = if hosts.is_empty() {
        "localhost".to_owned()
    } else {
        hosts.join(",")
    };
    let port = config
        .get_ports()
        .first()
        .map_or_else(|| "5432".to_owned(), ToString::to_string);
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or("postgres");
    format!("postgresql://{host}:{port}/{database}")
}

/// The database's own message, with its detail when it gives one.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_owned(),
        None => {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                text = format!("{text}: {s}");
                source = s.source();
            }
            text
        }
    }
}

/// A database error as a store error: a read-only database or a missing privilege is
/// [`StoreError::ReadOnly`], a lost connection or a server shutting down
/// [`StoreError::Unavailable`], anything else [`StoreError::Backend`].
fn classify(location: &str, operation: &str, e: &postgres::Error) -> StoreError {
    let code = e.code();
    if code == Some(&SqlState::READ_ONLY_SQL_TRANSACTION)
        || code == Some(&SqlState::INSUFFICIENT_PRIVILEGE)
    {
        StoreError::ReadOnly {
            location: location.to_owned(),
        }
    } else if e.is_closed()
        // The socket failed (reset, broken pipe): the server is gone.
        || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
        || code.is_some_and(|c| {
            // Class 08 (connection exception) and the server ending the session.
            c.code().starts_with("08")
                || *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
        })
    {
        StoreError::Unavailable {
            location: location.to_owned(),
            reason: reason(e),
        }
    } else {
        StoreError::Backend {
            operation: operation.to_owned(),
            reason: reason(e),
        }
    }
}

//! Where the journal lives (SQLite or PostgreSQL), the dry-run overlay, the eligibility
//! gate, and the table that keeps eligibility facts and waivers.
//!
//! # Facts and waivers in the store
//!
//! The core crate journals commands, not the facts and waivers its eligibility engine reads
//! (`eligibility::Facts` is given to the engine when a ledger is opened). The CLI keeps
//! them durably beside the journal, in the same database, in a table of its own:
//!
//! - SQLite: `cli_eligibility` in the store's file;
//! - PostgreSQL: `sa_cli_eligibility` in the connection's `search_path`.
//!
//! Each has the columns `position` (integer, the order they were added), `kind` (`fact` or
//! `waiver`) and `body` (the record's JSON, as `eligibility::Fact` or
//! `eligibility::Waiver` serialize). Records are only ever added, one transaction per
//! `add`; their `recorded` date is the CLI's today, so an eligibility decision "as known
//! on" an earlier date does not see them. Every command opens the ledger with the built-in
//! rule set and every record in the table (unless `--eligibility allow-all`). Decisions
//! already in the journal are kept as they were made: a fact added later changes only
//! what is decided from then on.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use security_assistance::budget::Policy;
use security_assistance::eligibility::{
    AllowAll, EligibilityCheck, Engine, Fact, Facts, RuleSet, Waiver,
};
use security_assistance::store::{
    Checkpoint, DurableLedger, EncodedEntry, JournalStore, MemoryStore, NewEntry, PolicyRecord,
    StoreError,
};
use security_assistance_postgres::{Config, PostgresStore};
use security_assistance_sqlite::SqliteStore;

use crate::Context;
use crate::error::CliError;

/// Where the journal is.
#[derive(Debug, Clone)]
pub(crate) enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL.
    Postgres(String),
}

/// The eligibility gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Gate {
    /// The crate's built-in rule set, with the facts and waivers kept in the store.
    Builtin,
    /// No rules: every request is allowed, and every decision says so.
    AllowAll,
}

/// The store of either kind, or an empty one in memory (a dry run with no store yet).
#[derive(Debug)]
pub(crate) enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
    Memory(MemoryStore),
}

macro_rules! each {
    ($self:ident, $store:ident => $body:expr) => {
        match $self {
            AnyStore::Sqlite($store) => $body,
            AnyStore::Postgres($store) => $body,
            AnyStore::Memory($store) => $body,
        }
    };
}

impl JournalStore for AnyStore {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        each!(self, s => s.schema_version())
    }
    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        each!(self, s => s.last_sequence())
    }
    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        each!(self, s => s.append(after, batch))
    }
    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        each!(self, s => s.read_after(after, each))
    }
    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        each!(self, s => s.save_checkpoint(checkpoint))
    }
    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        each!(self, s => s.latest_checkpoint())
    }
    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        each!(self, s => s.policy())
    }
    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        each!(self, s => s.record_policy(policy))
    }
}

/// A store read as it is, whose appends are kept in memory and never written: `check`
/// runs the very path of `apply` (the same checks, the same recorded dates) on it.
#[derive(Debug)]
pub(crate) struct DryRun {
    inner: AnyStore,
    pending: Vec<EncodedEntry>,
    /// The policy a first opening would record, kept in memory.
    policy: Option<PolicyRecord>,
}

impl DryRun {
    fn last(&mut self) -> Result<Option<u64>, StoreError> {
        match self.pending.last() {
            Some(entry) => Ok(Some(entry.sequence())),
            None => self.inner.last_sequence(),
        }
    }
}

impl JournalStore for DryRun {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        self.inner.schema_version()
    }
    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        self.last()
    }
    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        let found = self.last()?;
        if found != after {
            return Err(StoreError::Conflict {
                expected: after,
                found,
            });
        }
        NewEntry::check_continues(after, batch)?;
        self.pending
            .extend(batch.iter().map(|entry| entry.encoded().clone()));
        Ok(())
    }
    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.inner.read_after(after, each)?;
        for entry in &self.pending {
            if after.is_none_or(|a| entry.sequence() > a) {
                each(entry.clone())?;
            }
        }
        Ok(())
    }
    fn save_checkpoint(&mut self, _checkpoint: &Checkpoint) -> Result<(), StoreError> {
        Ok(())
    }
    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        self.inner.latest_checkpoint()
    }
    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        match self.inner.policy()? {
            Some(recorded) => Ok(Some(recorded)),
            None => Ok(self.policy.clone()),
        }
    }
    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        if self.policy.is_none() {
            self.policy = Some(policy.clone());
        }
        Ok(())
    }
}

/// Opens the store; a missing SQLite file is created when `create` is set.
pub(crate) fn open_store(context: &Context, create: bool) -> Result<AnyStore, CliError> {
    match &context.location {
        Location::Sqlite(path) => {
            if create && !path.exists() {
                Ok(AnyStore::Sqlite(SqliteStore::create(
                    path,
                    &context.ledger,
                )?))
            } else {
                Ok(AnyStore::Sqlite(SqliteStore::open(path, &context.ledger)?))
            }
        }
        Location::Postgres(url) => {
            let config = postgres_config(url)?;
            Ok(AnyStore::Postgres(PostgresStore::open(
                &config,
                &context.ledger,
            )?))
        }
    }
}

/// The store for a dry run: the real one if it exists, else an empty one in memory.
pub(crate) fn open_dry_run(context: &Context) -> Result<DryRun, CliError> {
    let inner = match &context.location {
        Location::Sqlite(path) if !path.exists() => AnyStore::Memory(MemoryStore::default()),
        _ => open_store(context, false)?,
    };
    Ok(DryRun {
        inner,
        pending: Vec::new(),
        policy: None,
    })
}

fn postgres_config(url: &str) -> Result<Config, CliError> {
    url.parse::<Config>().map_err(|e| {
        CliError::Usage(format!(
            "--postgres (or SA_POSTGRES_URL) is not a PostgreSQL URL: {e}; expected \
             postgresql://user@host/database"
        ))
    })
}

/// Opens the ledger in `store` with the chosen gate (reading the facts and waivers kept
/// beside the journal for the built-in one), under the policy --policy names or, without
/// it, the one the store records.
pub(crate) fn open_ledger<S: JournalStore>(
    context: &Context,
    mut store: S,
) -> Result<DurableLedger<S>, CliError> {
    let gate = gate(context)?;
    let policy = match &context.policy {
        Some(given) => policy_arg(given)?,
        None => match store.policy()? {
            Some(recorded) => recorded.decode()?,
            None => {
                return Err(CliError::Usage(
                    "the store records no fund-control policy: name it once with --policy open \
                     (any actor may issue any command) or --policy FILE (a JSON policy of \
                     delegated authority); the store keeps it from then on"
                        .to_owned(),
                ));
            }
        },
    };
    Ok(DurableLedger::open(
        store,
        Arc::clone(&context.clock),
        gate,
        policy,
    )?)
}

/// The policy `--policy` names: `open`, or a JSON policy file.
fn policy_arg(given: &str) -> Result<Policy, CliError> {
    if given == "open" {
        return Ok(Policy::Open);
    }
    let what = format!("policy file {given}");
    let text = std::fs::read_to_string(given).map_err(|e| CliError::io(what.clone(), &e))?;
    serde_json::from_str(&text).map_err(|e| {
        CliError::Usage(format!(
            "{what}: {e}; expected {{\"policy\":\"open\"}} or {{\"policy\":\"delegated\",\
             \"heads\":[{{\"agency\":11,\"actor\":\"...\"}}],\"second_approval_above\":\"...\"}}"
        ))
    })
}

/// The eligibility gate `context` names.
pub(crate) fn gate(context: &Context) -> Result<Arc<dyn EligibilityCheck + Send + Sync>, CliError> {
    Ok(match context.gate {
        Gate::AllowAll => Arc::new(AllowAll),
        Gate::Builtin => {
            let mut facts = Facts::new();
            for record in Sidecar::open(context, false)?.load()? {
                match record {
                    Record::Fact(fact) => facts.add(fact),
                    Record::Waiver(waiver) => facts.add_waiver(waiver),
                }
            }
            Arc::new(Engine::new(facts, RuleSet::builtin()))
        }
    })
}

/// Facts or waivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Fact,
    Waiver,
}

impl Kind {
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Kind::Fact => "fact",
            Kind::Waiver => "waiver",
        }
    }
}

/// One stored record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Record {
    Fact(Fact),
    Waiver(Waiver),
}

impl Record {
    pub(crate) fn kind(&self) -> Kind {
        match self {
            Record::Fact(_) => Kind::Fact,
            Record::Waiver(_) => Kind::Waiver,
        }
    }

    /// Stamps the recorded date, and checks what serde cannot: the period is not empty and
    /// a waiver names a rule of the built-in rule set.
    pub(crate) fn stamp(&mut self, today: NaiveDate) -> Result<(), String> {
        match self {
            Record::Fact(fact) => {
                fact.recorded = today;
                if fact
                    .effective_to
                    .is_some_and(|to| to <= fact.effective_from)
                {
                    return Err(format!(
                        "effective_to {} must be after effective_from {}",
                        fact.effective_to.unwrap_or_default(),
                        fact.effective_from
                    ));
                }
            }
            Record::Waiver(waiver) => {
                waiver.recorded = today;
                if waiver.valid_to.is_some_and(|to| to <= waiver.valid_from) {
                    return Err(format!(
                        "valid_to {} must be after valid_from {}",
                        waiver.valid_to.unwrap_or_default(),
                        waiver.valid_from
                    ));
                }
                let rules = RuleSet::builtin();
                if !rules.rules().iter().any(|r| r.id() == &waiver.rule) {
                    let known: Vec<&str> = rules.rules().iter().map(|r| r.id().as_str()).collect();
                    return Err(format!(
                        "rule {:?} is not in the built-in rule set; expected one of {}",
                        waiver.rule.as_str(),
                        known.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    fn body(&self) -> Result<String, CliError> {
        match self {
            Record::Fact(fact) => serde_json::to_string(fact),
            Record::Waiver(waiver) => serde_json::to_string(waiver),
        }
        .map_err(|e| CliError::Report(format!("cannot encode a record: {e}")))
    }

    fn decode(kind: &str, body: &str, position: i64) -> Result<Record, CliError> {
        let bad = |reason: String| {
            CliError::Store(StoreError::Backend {
                operation: "read eligibility records".to_owned(),
                reason: format!("record {position}: {reason}"),
            })
        };
        match kind {
            "fact" => serde_json::from_str(body).map(Record::Fact),
            "waiver" => serde_json::from_str(body).map(Record::Waiver),
            other => return Err(bad(format!("unknown kind {other:?}"))),
        }
        .map_err(|e| bad(e.to_string()))
    }
}

/// The table of facts and waivers beside the journal (see the module notes).
pub(crate) enum Sidecar {
    Sqlite(rusqlite::Connection),
    Postgres(postgres::Client),
    /// No store yet (a dry run): no records.
    None,
}

impl std::fmt::Debug for Sidecar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sidecar::Sqlite(_) => "Sidecar::Sqlite",
            Sidecar::Postgres(_) => "Sidecar::Postgres",
            Sidecar::None => "Sidecar::None",
        })
    }
}

const SQLITE_TABLE: &str = "CREATE TABLE IF NOT EXISTS cli_eligibility (
    position INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('fact', 'waiver')),
    body     TEXT NOT NULL
)";

const POSTGRES_TABLE: &str = "CREATE TABLE IF NOT EXISTS sa_cli_eligibility (
    position bigserial PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('fact', 'waiver')),
    body     text NOT NULL
)";

/// The transaction-scoped advisory lock under which the PostgreSQL store creates and
/// migrates its tables (security-assistance-postgres, `prepare`): one key per schema.
const POSTGRES_SCHEMA_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtext('security-assistance:' || coalesce(current_schema(), '')))";

/// Creates the PostgreSQL facts table if it is missing, in `tx`, under the store's advisory
/// lock: `CREATE TABLE IF NOT EXISTS` alone races (a session that starts while another's
/// creation is uncommitted does not see the table, waits on the catalog's unique index,
/// and fails with a unique violation when the other commits; test
/// `tests::a_second_creator_waits_for_the_first_under_the_lock`).
fn create_postgres_table(tx: &mut postgres::Transaction<'_>) -> Result<(), postgres::Error> {
    tx.batch_execute(POSTGRES_SCHEMA_LOCK)?;
    tx.batch_execute(POSTGRES_TABLE)
}

fn backend(operation: &str, reason: impl ToString) -> CliError {
    CliError::Store(StoreError::Backend {
        operation: operation.to_owned(),
        reason: reason.to_string(),
    })
}

impl Sidecar {
    /// Connects to the store's database; the store itself must exist (or be created first,
    /// `create`), so that the table sits in a real store of the right ledger.
    pub(crate) fn open(context: &Context, create: bool) -> Result<Sidecar, CliError> {
        match &context.location {
            Location::Sqlite(path) => {
                if !path.exists() {
                    if !create {
                        return Ok(Sidecar::None);
                    }
                    drop(SqliteStore::create(path, &context.ledger)?);
                }
                // Opening the store checks the file is a store of this ledger.
                drop(SqliteStore::open(path, &context.ledger)?);
                let connection = rusqlite::Connection::open(path)
                    .map_err(|e| backend("open eligibility records", e))?;
                connection
                    .busy_timeout(std::time::Duration::from_secs(10))
                    .and_then(|()| connection.pragma_update(None, "synchronous", "FULL"))
                    .map_err(|e| backend("open eligibility records", e))?;
                connection
                    .execute(SQLITE_TABLE, [])
                    .map_err(|e| backend("create eligibility records", e))?;
                Ok(Sidecar::Sqlite(connection))
            }
            Location::Postgres(url) => {
                let config = postgres_config(url)?;
                drop(PostgresStore::open(&config, &context.ledger)?);
                let mut client = config
                    .connect(postgres::NoTls)
                    .map_err(|e| backend("open eligibility records", e))?;
                // `CREATE TABLE IF NOT EXISTS` races in PostgreSQL (two sessions may both
                // find it missing, and one fails on the catalog's unique index): create it
                // under the advisory lock the store's own migration takes.
                let mut tx = client
                    .transaction()
                    .map_err(|e| backend("create eligibility records", e))?;
                create_postgres_table(&mut tx)
                    .map_err(|e| backend("create eligibility records", e))?;
                tx.commit()
                    .map_err(|e| backend("create eligibility records", e))?;
                Ok(Sidecar::Postgres(client))
            }
        }
    }

    /// Every record, in the order added.
    pub(crate) fn load(&mut self) -> Result<Vec<Record>, CliError> {
        let rows: Vec<(i64, String, String)> = match self {
            Sidecar::None => Vec::new(),
            Sidecar::Sqlite(connection) => {
                let mut statement = connection
                    .prepare("SELECT position, kind, body FROM cli_eligibility ORDER BY position")
                    .map_err(|e| backend("read eligibility records", e))?;
                statement
                    .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
                    .and_then(Iterator::collect)
                    .map_err(|e| backend("read eligibility records", e))?
            }
            Sidecar::Postgres(client) => client
                .query(
                    "SELECT position, kind, body FROM sa_cli_eligibility ORDER BY position",
                    &[],
                )
                .map_err(|e| backend("read eligibility records", e))?
                .iter()
                .map(|row| (row.get(0), row.get(1), row.get(2)))
                .collect(),
        };
        rows.iter()
            .map(|(position, kind, body)| Record::decode(kind, body, *position))
            .collect()
    }

    /// Adds `records` in one transaction: all or none.
    pub(crate) fn add(&mut self, records: &[Record]) -> Result<(), CliError> {
        let rows: Vec<(&'static str, String)> = records
            .iter()
            .map(|r| Ok((r.kind().as_str(), r.body()?)))
            .collect::<Result<_, CliError>>()?;
        match self {
            Sidecar::None => Err(backend("add eligibility records", "there is no store")),
            Sidecar::Sqlite(connection) => {
                let tx = connection
                    .transaction()
                    .map_err(|e| backend("add eligibility records", e))?;
                for (kind, body) in &rows {
                    tx.execute(
                        "INSERT INTO cli_eligibility (kind, body) VALUES (?1, ?2)",
                        rusqlite::params![kind, body],
                    )
                    .map_err(|e| backend("add eligibility records", e))?;
                }
                tx.commit()
                    .map_err(|e| backend("add eligibility records", e))
            }
            Sidecar::Postgres(client) => {
                let mut tx = client
                    .transaction()
                    .map_err(|e| backend("add eligibility records", e))?;
                for (kind, body) in &rows {
                    tx.execute(
                        "INSERT INTO sa_cli_eligibility (kind, body) VALUES ($1, $2)",
                        &[kind, body],
                    )
                    .map_err(|e| backend("add eligibility records", e))?;
                }
                tx.commit()
                    .map_err(|e| backend("add eligibility records", e))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    type Create = fn(&mut postgres::Transaction<'_>) -> Result<(), postgres::Error>;

    /// Two creators of the facts table in a fresh schema, the second starting while the
    /// first's creation is uncommitted: the first commits only once the second is seen
    /// waiting on a lock. `create` is how each creates it. Returns the second's result;
    /// `None` (said on stderr) without `SA_POSTGRES_URL`, a failure with `CI=true`.
    fn second_creator(test: &str, create: Create) -> Option<Result<(), postgres::Error>> {
        let url = match std::env::var("SA_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                assert_ne!(
                    std::env::var("CI").as_deref(),
                    Ok("true"),
                    "CI=true but SA_POSTGRES_URL is not set"
                );
                eprintln!("SKIPPED {test}: SA_POSTGRES_URL is not set");
                return None;
            }
        };
        let admin: Config = url.parse().unwrap();
        let schema = format!("sa_cli_race_{test}_{}", std::process::id());
        let mut watcher = admin.connect(postgres::NoTls).unwrap();
        watcher
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .unwrap();
        let mut in_schema = admin.clone();
        in_schema.options(&format!("-c search_path={schema}"));
        let mut first = in_schema.connect(postgres::NoTls).unwrap();
        let mut tx = first.transaction().unwrap();
        create(&mut tx).unwrap();
        // The second starts now, while the first's table is not committed.
        let (pid_tx, pid_rx) = std::sync::mpsc::channel();
        let config = in_schema.clone();
        let second = std::thread::spawn(move || {
            let mut client = config.connect(postgres::NoTls).unwrap();
            let pid: i32 = client
                .query_one("SELECT pg_backend_pid()", &[])
                .unwrap()
                .get(0);
            pid_tx.send(pid).unwrap();
            let mut tx = client.transaction().unwrap();
            create(&mut tx).and_then(|()| tx.commit())
        });
        let pid = pid_rx.recv().unwrap();
        // Until the second waits on a lock (the catalog's row, or the advisory lock).
        let waiting = (0..1000).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(10));
            watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
                    &[&pid],
                )
                .unwrap()
                .get::<_, i64>(0)
                > 0
        });
        tx.commit().unwrap();
        let result = second.join().unwrap();
        watcher
            .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .unwrap();
        assert!(waiting, "{test}: the second creator never waited on a lock");
        Some(result)
    }

    fn without_the_lock(tx: &mut postgres::Transaction<'_>) -> Result<(), postgres::Error> {
        tx.batch_execute(POSTGRES_TABLE)
    }

    /// The race is real: without the lock, the second `CREATE TABLE IF NOT EXISTS` fails
    /// with a unique violation on the catalog when the first commits.
    #[test]
    fn without_the_lock_a_second_creator_fails() {
        let Some(result) = second_creator("nolock", without_the_lock) else {
            return;
        };
        let error = result.err();
        assert_eq!(
            error.as_ref().and_then(postgres::Error::code),
            Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            "{error:?}"
        );
    }

    /// With the lock (the program's own creation), the second waits for the first and
    /// finds the table.
    #[test]
    fn a_second_creator_waits_for_the_first_under_the_lock() {
        let Some(result) = second_creator("lock", create_postgres_table) else {
            return;
        };
        assert!(result.is_ok(), "{result:?}");
    }
}

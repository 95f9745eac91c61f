//! The write-ahead service path: a ledger kept in a store, stamped by a clock.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use super::{
    Checkpoint, Clock, EncodedEntry, JournalStore, NewEntry, PolicyRecord, SCHEMA_VERSION,
    StoreError,
};
use crate::FiscalYear;
use crate::budget::{BatchError, BudgetError, Command, JournalEntry, Ledger, Policy, Receipt};
use crate::eligibility::EligibilityCheck;

/// How many years after its effective date a command may still be recorded: six, the
/// period after which a claim against the United States is barred (31 U.S.C. 3702(b)(1),
/// the Barring Act) and after which a fixed account's expired balances have long been
/// cancelled (31 U.S.C. 1552(a): five fiscal years after expiry). No payment, and so no
/// entry, can rightly be recorded later.
pub const RECORDED_LATE_YEARS: u32 = 6;

/// How far ahead of its recorded date a command may take effect: to the end of the
/// budget year, the fiscal year after the one the recorded date lies in (31 U.S.C.
/// 1105(a): the President's budget and the appropriations acts it leads to cover the
/// budget year). An entry dated later records something no law has yet provided.
pub const RECORDED_EARLY_FISCAL_YEARS: i32 = 1;

/// How many times [`DurableLedger`] tries to append a command (or a batch) that keeps
/// losing the race to other writers — catching up from the store and checking the command
/// again after each loss — before it gives up with [`ServiceError::Contended`].
pub const APPEND_ATTEMPTS: u32 = 16;

/// Why a [`DurableLedger`] did not apply a command.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "ServiceError", transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ServiceError {
    /// The ledger refused the command; nothing was written.
    #[error("the ledger refused the command")]
    Refused(#[source] BudgetError),
    /// The ledger refused a batch; nothing was written.
    #[error("the ledger refused the batch")]
    Batch(#[source] BatchError),
    /// The store failed or holds something wrong; nothing was acknowledged.
    #[error("the store failed")]
    Store(#[source] StoreError),
    /// An imported command recorded after the clock's today.
    #[error("command recorded on {recorded} is after today {today}")]
    RecordedAfterToday {
        /// The command's recorded date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        recorded: NaiveDate,
        /// The clock's today.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        today: NaiveDate,
    },
    /// A command whose recorded date lies too far from its effective date (see
    /// [`RECORDED_LATE_YEARS`] and [`RECORDED_EARLY_FISCAL_YEARS`]).
    #[error(
        "command dated {date} cannot be recorded on {recorded}: allowed from {earliest} to {latest}"
    )]
    RecordedOutOfRange {
        /// The command's effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// Its recorded date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        recorded: NaiveDate,
        /// The earliest recorded date allowed for that effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest: NaiveDate,
        /// The latest recorded date allowed for that effective date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        latest: NaiveDate,
    },
    /// Every attempt to append lost the race to another writer (each time this ledger
    /// caught up and checked the command again); nothing was written or acknowledged.
    #[error(
        "the append lost the race to other writers {attempts} times in a row and nothing was written: retry the command later, or route this journal's commands through fewer writers"
    )]
    Contended {
        /// How many appends were tried ([`APPEND_ATTEMPTS`]).
        attempts: u32,
    },
}

crate::wire::wire_error!(ServiceError);

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> ServiceError {
        ServiceError::Store(error)
    }
}

/// The recorded dates allowed for a command effective on `date`: from the start of the
/// fiscal year before the effective date's ([`RECORDED_EARLY_FISCAL_YEARS`]) to six years
/// after it ([`RECORDED_LATE_YEARS`]).
fn recorded_window(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let fiscal_year = FiscalYear::containing(date);
    let earliest = fiscal_year
        .year()
        .checked_sub(RECORDED_EARLY_FISCAL_YEARS)
        .and_then(|y| FiscalYear::new(y).ok())
        .map_or(NaiveDate::MIN, FiscalYear::first_day);
    let latest = date
        .year()
        .checked_add(i32::try_from(RECORDED_LATE_YEARS).unwrap_or(i32::MAX))
        .and_then(|y| {
            date.with_year(y)
                // 29 February six years on is 28 February.
                .or_else(|| date.pred_opt().and_then(|d| d.with_year(y)))
        })
        .unwrap_or(NaiveDate::MAX);
    (earliest, latest)
}

fn check_recorded(command: &Command) -> Result<(), ServiceError> {
    let (earliest, latest) = recorded_window(command.date);
    if command.recorded < earliest || command.recorded > latest {
        return Err(ServiceError::RecordedOutOfRange {
            date: command.date,
            recorded: command.recorded,
            earliest,
            latest,
        });
    }
    Ok(())
}

/// A ledger kept in a [`JournalStore`]: the service path of the system of record.
///
/// Every command is stamped with the clock's today as its recorded date (the client's is
/// ignored), checked, made durable in the store, and only then acknowledged. One command
/// is checked without changing the ledger and applied once it is durable; a batch is
/// checked by applying it to the ledger in memory, which keeps it once the batch is
/// durable and takes it back if the write fails (applying it twice would cost a third of
/// the write). Either way nothing is acknowledged before it is durable, a refused command
/// writes nothing, a failed write leaves the ledger in memory unchanged, and an append
/// that lost the race to another writer catches up from the store and checks the
/// commands again. A batch of 512 commands or more is applied on a scoped second thread
/// while this one writes its entries as they come ([`JournalStore::append_from`], one
/// transaction), committed only once the whole batch has applied; if that thread panics
/// (a panicking eligibility check), nothing is written, the ledger is rebuilt from the
/// store and the call returns [`ServiceError::Store`]. (A [`JournalStore`] that itself
/// panics leaves a batch applied in memory and not written: reopen from the store after
/// such a panic.)
/// [`DurableLedger::import`] is the one path that keeps a caller's recorded date, and
/// refuses one after today.
///
/// ```
/// use std::sync::Arc;
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command, Policy};
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::store::{DurableLedger, FixedClock, MemoryStore};
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let clock = Arc::new(FixedClock::new(day));
/// let mut ledger = DurableLedger::open(MemoryStore::default(), clock, Arc::new(AllowAll), Policy::Open)?;
/// let appropriate = Command::new("c0".parse()?, day, "budget-office".parse()?,
///     Action::Appropriate { account: "011-2008/2009-1082".parse()?, title: "FMF".into(),
///         purposes: vec![security_assistance::ProgramKind::Financing],
///         amount: "1000".parse()?, law: "P.L. 110-161".into() })
///     .recorded_on(NaiveDate::from_ymd_opt(2099, 1, 1).ok_or("date")?);
/// let receipt = ledger.apply(appropriate)?;
/// // The clock stamped the recorded date; the client's 2099 is gone.
/// let entry = ledger.ledger().journal().get(0).ok_or("entry")?;
/// assert_eq!(entry.command.recorded, day);
/// assert_eq!(receipt.sequence, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct DurableLedger<S> {
    ledger: Ledger,
    store: S,
    clock: Arc<dyn Clock>,
    lost_races: u64,
}

impl<S: JournalStore> DurableLedger<S> {
    /// Opens the ledger kept in `store` under `policy`: its latest checkpoint, then every
    /// entry after it, each checked as it is applied (stored decisions must answer their
    /// entries). The ledger then asks `eligibility` about every new allocation and
    /// obligation to a partner, and runs every command under `policy`; there is no default
    /// gate and no default policy.
    ///
    /// The store records the policy ([`JournalStore::policy`]): the first opening records
    /// `policy` (after deciding every entry already stored again under it, as
    /// [`Ledger::set_policy`] does), and every later opening must name the same policy, so a
    /// ledger under delegated authority never reopens open. A service that keeps the policy
    /// only in its store reads it with [`JournalStore::policy`] and passes it here.
    ///
    /// With 4,096 entries or more to read, this thread reads the store, checks each
    /// entry's checksum and decodes it while a second thread (scoped: it ends before
    /// `open` returns) applies the entries in order; the ledger, and the error if one
    /// entry is wrong (the first in journal order), are those of reading them one at a
    /// time, which is what happens if the thread cannot be started. The store is used from
    /// this thread only.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{AgencyHead, DelegatedAuthority, Policy};
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::store::{DurableLedger, FixedClock, JournalStore, MemoryStore, StoreError, ServiceError};
    /// let clock = Arc::new(FixedClock::new(NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?));
    /// let delegated = Policy::Delegated(DelegatedAuthority {
    ///     heads: vec![AgencyHead { agency: 11, actor: "secretary-of-state".parse()? }],
    ///     second_approval_above: None,
    /// });
    /// let ledger = DurableLedger::open(MemoryStore::default(), clock.clone(), Arc::new(AllowAll), delegated.clone())?;
    /// let mut store = ledger.into_store();
    /// assert_eq!(store.policy()?.ok_or("recorded")?.decode()?, delegated);
    /// // Reopened open, it is refused: the store records delegated authority.
    /// let reopened = DurableLedger::open(store, clock, Arc::new(AllowAll), Policy::Open);
    /// assert!(matches!(reopened, Err(ServiceError::Store(StoreError::OtherPolicy { .. }))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ServiceError::Store`] with [`StoreError::NewerSchema`],
    /// [`StoreError::OtherPolicy`] (the store records another policy),
    /// [`StoreError::CorruptPolicy`], a corrupt checkpoint, a corrupt or misplaced entry
    /// (naming its sequence), an entry the ledger refuses ([`StoreError::Refused`]), or the
    /// store's own failure; [`ServiceError::Refused`] with
    /// [`BudgetError::Journal`] if a stored entry would not have been accepted under a
    /// policy the store does not record yet (nothing is recorded then).
    pub fn open(
        mut store: S,
        clock: Arc<dyn Clock>,
        eligibility: Arc<dyn EligibilityCheck + Send + Sync>,
        policy: Policy,
    ) -> Result<DurableLedger<S>, ServiceError> {
        let version = store.schema_version()?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            }
            .into());
        }
        let recorded = recorded_policy(&mut store)?;
        if let Some(recorded) = &recorded {
            same_policy(recorded, &policy)?;
        }
        let mut durable = DurableLedger {
            ledger: Ledger::new(eligibility),
            store,
            clock,
            lost_races: 0,
        };
        durable.load(policy.clone(), recorded.is_some())?;
        if recorded.is_none() {
            durable.store.record_policy(&PolicyRecord::new(&policy)?)?;
            // Another writer may have recorded first: the store's policy is the one.
            let now = recorded_policy(&mut durable.store)?.ok_or_else(|| StoreError::Backend {
                operation: "record the policy".to_owned(),
                reason: "the store records no policy after recording one".to_owned(),
            })?;
            same_policy(&now, &policy)?;
        }
        Ok(durable)
    }

    /// Loads the ledger from the store under `policy`: the latest checkpoint and the
    /// entries after it. When the store holds its entries under `policy` (`trusted`) and
    /// the checkpoint (if any) keeps the delegation register under `policy`, each entry
    /// read is noted in the register as it comes and nothing is decided again. Otherwise
    /// (a checkpoint of format 3, which holds no register, or entries written before the
    /// policy was recorded, which were never checked under it) the policy decides every
    /// entry again once they are all read.
    fn load(&mut self, policy: Policy, trusted: bool) -> Result<(), ServiceError> {
        let check = self.ledger.eligibility();
        let (ledger, register) = match self.store.latest_checkpoint()? {
            None => (Ledger::new(check), None),
            Some(checkpoint) => restore_checkpoint(&checkpoint, check)?,
        };
        self.ledger = ledger;
        let incremental = trusted
            && match &register {
                None => self.ledger.last_sequence().is_none(),
                Some(kept) => *kept == policy,
            };
        if incremental && register.is_none() {
            self.ledger
                .set_policy(policy.clone())
                .map_err(ServiceError::Refused)?;
        }
        // How many entries there are to read: the in-memory checkpoints' spacing is set
        // for them at once, and many are decoded on a second thread.
        let stored = self
            .store
            .last_sequence()?
            .map_or(0, |s| s.saturating_add(1));
        let held = self
            .ledger
            .last_sequence()
            .map_or(0, |s| s.saturating_add(1));
        let coming = usize::try_from(stored.saturating_sub(held)).unwrap_or(usize::MAX);
        self.ledger.expect_entries(coming);
        if coming >= PIPELINE_FROM {
            restore_pipelined(&mut self.store, &mut self.ledger)?;
        } else {
            restore_all(&mut self.store, &mut self.ledger)?;
        }
        if !incremental {
            self.ledger
                .set_policy(policy)
                .map_err(ServiceError::Refused)?;
        }
        Ok(())
    }

    /// The ledger as applied (every acknowledged command, and nothing else).
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The store.
    #[must_use]
    pub fn store(&self) -> &S {
        &self.store
    }

    /// How many appends lost the race to another writer since this ledger was opened (each
    /// was retried after catching up, up to [`APPEND_ATTEMPTS`] times per command): a
    /// counter for the embedding service's metrics, rising with contention.
    #[must_use]
    pub fn lost_races(&self) -> u64 {
        self.lost_races
    }

    /// Gives the store back.
    #[must_use]
    pub fn into_store(self) -> S {
        self.store
    }

    /// Stamps `command` with today's date as its recorded date, checks it, appends it
    /// durably and applies it. A command already applied returns its receipt again and
    /// writes nothing.
    ///
    /// # Errors
    ///
    /// [`ServiceError::RecordedOutOfRange`] if the command's effective date is too far
    /// from today, [`ServiceError::Refused`] if the ledger refuses it,
    /// [`ServiceError::Store`] if it could not be made durable, [`ServiceError::Contended`]
    /// if every append lost the race to other writers. In every case nothing changed.
    pub fn apply(&mut self, mut command: Command) -> Result<Receipt, ServiceError> {
        command.recorded = self.clock.today();
        self.write(vec![command])
            .and_then(|mut receipts| receipts.pop().ok_or_else(empty_batch))
    }

    /// Stamps every command with today's date, checks them as one batch (each in the
    /// ledger as the ones before it leave it), appends them in one durable write and
    /// keeps them: all or none.
    ///
    /// # Errors
    ///
    /// As [`DurableLedger::apply`], with [`ServiceError::Batch`] naming the command the
    /// ledger refused.
    pub fn apply_all(&mut self, commands: Vec<Command>) -> Result<Vec<Receipt>, ServiceError> {
        let today = self.clock.today();
        let commands = commands.into_iter().map(|c| c.recorded_on(today)).collect();
        self.write(commands)
    }

    /// Imports `commands` as one batch, keeping each one's recorded date (the explicit
    /// import path of [`DurableLedger::import`]): every command is checked, then all are
    /// written in one store transaction and applied, or none is.
    ///
    /// # Errors
    ///
    /// [`ServiceError::RecordedAfterToday`] for a command recorded after the clock's today,
    /// [`ServiceError::Batch`] naming the first command refused, or a store failure; nothing
    /// is written or applied.
    pub fn import_all(&mut self, commands: Vec<Command>) -> Result<Vec<Receipt>, ServiceError> {
        let today = self.clock.today();
        if let Some(late) = commands.iter().find(|c| c.recorded > today) {
            return Err(ServiceError::RecordedAfterToday {
                recorded: late.recorded,
                today,
            });
        }
        self.write(commands)
    }

    /// Applies `command` keeping the recorded date the caller gave it: the one path for
    /// bringing in a history kept elsewhere.
    ///
    /// # Errors
    ///
    /// [`ServiceError::RecordedAfterToday`] if it is recorded after the clock's today;
    /// otherwise as [`DurableLedger::apply`].
    pub fn import(&mut self, command: Command) -> Result<Receipt, ServiceError> {
        let today = self.clock.today();
        if command.recorded > today {
            return Err(ServiceError::RecordedAfterToday {
                recorded: command.recorded,
                today,
            });
        }
        self.write(vec![command])
            .and_then(|mut receipts| receipts.pop().ok_or_else(empty_batch))
    }

    /// Saves a checkpoint of the ledger's state at its last entry, so that opening reads
    /// only the entries after it. Returns the checkpoint's sequence (`None`, and nothing
    /// saved, for an empty ledger).
    ///
    /// # Errors
    ///
    /// [`ServiceError::Store`] if it cannot be written.
    pub fn checkpoint(&mut self) -> Result<Option<u64>, ServiceError> {
        let Some(sequence) = self.ledger.last_sequence() else {
            return Ok(None);
        };
        let bytes = self
            .ledger
            .snapshot()
            .map_err(|reason| StoreError::Checkpoint { sequence, reason })?;
        self.store
            .save_checkpoint(&Checkpoint::new(sequence, bytes))?;
        Ok(Some(sequence))
    }

    /// Applies the entries other writers appended since this ledger last read the store.
    ///
    /// # Errors
    ///
    /// [`ServiceError::Store`] for a corrupt, misplaced or refused entry (nothing after it
    /// is applied) or the store's own failure.
    pub fn catch_up(&mut self) -> Result<(), ServiceError> {
        Ok(restore_all(&mut self.store, &mut self.ledger)?)
    }

    /// Checks `commands`, appends what they add and applies it; on a lost race catches up
    /// and starts again.
    fn write(&mut self, commands: Vec<Command>) -> Result<Vec<Receipt>, ServiceError> {
        for command in &commands {
            check_recorded(command)?;
        }
        if let [command] = commands.as_slice() {
            return self.write_one(command);
        }
        let mut attempt = 1u32;
        loop {
            let last = self.ledger.last_sequence();
            // Applied once, on the ledger itself, and taken back if the append fails: no
            // copy of the whole ledger, no second application.
            let (applied, appended) = if commands.len() >= WRITE_PIPELINE_FROM {
                apply_and_append_pipelined(&mut self.ledger, &mut self.store, last, &commands)
            } else {
                apply_and_append(&mut self.ledger, &mut self.store, last, &commands)
            };
            match (applied, appended) {
                (Ok((receipts, _)), Ok(())) => return Ok(receipts),
                (Ok((_, undo)), Err(error)) => {
                    self.ledger.take_back(undo);
                    self.after_failed_append(error, attempt)?;
                }
                // Refused: the ledger took the batch back, the store wrote nothing.
                (Err(Applying::Refused(refused)), _) => return Err(ServiceError::Batch(refused)),
                // The applying thread stopped half-way (a panic); the store wrote nothing.
                // Rebuild memory from the store, so that memory and store agree.
                (Err(Applying::Stopped), _) => {
                    self.reload()?;
                    return Err(applying_stopped("append").into());
                }
            }
            attempt = attempt.saturating_add(1);
        }
    }

    /// One command: checked without changing the ledger (a batch's way would copy the
    /// accounts it touches, which for one command costs more than applying it twice),
    /// appended, then applied as written.
    fn write_one(&mut self, command: &Command) -> Result<Vec<Receipt>, ServiceError> {
        let mut attempt = 1u32;
        loop {
            let receipt = self.ledger.check(command).map_err(ServiceError::Refused)?;
            if receipt.duplicate {
                return Ok(vec![receipt]);
            }
            let entry = entry(&receipt, command);
            let encoded = NewEntry::new(&entry)?;
            if let Err(error) = self.store.append(self.ledger.last_sequence(), &[encoded]) {
                self.after_failed_append(error, attempt)?;
                attempt = attempt.saturating_add(1);
                continue;
            }
            // Durable: now apply in memory exactly what was written.
            if let Err(error) = self.ledger.restore(entry) {
                // The store holds what the check accepted; the ledger in memory must
                // follow it. Rebuild from the store so memory and store agree.
                self.reload()?;
                return Err(StoreError::Refused {
                    sequence: receipt.sequence,
                    error: Box::new(error),
                }
                .into());
            }
            return Ok(vec![receipt]);
        }
    }

    /// After an append that failed (nothing of it applied in memory): a lost race
    /// catches up and lets the caller try again, unless this was the last attempt; any
    /// other failure is returned.
    fn after_failed_append(&mut self, error: StoreError, attempt: u32) -> Result<(), ServiceError> {
        let StoreError::Conflict { .. } = error else {
            return Err(error.into());
        };
        self.lost_races = self.lost_races.saturating_add(1);
        // Catch up either way, so that memory follows the store.
        self.catch_up()?;
        if attempt >= APPEND_ATTEMPTS {
            return Err(ServiceError::Contended { attempts: attempt });
        }
        Ok(())
    }

    /// Rebuilds the ledger in memory from the store (after an entry the store holds could
    /// not be applied in memory), under the policy it runs under.
    fn reload(&mut self) -> Result<(), ServiceError> {
        let policy = self.ledger.policy().clone();
        self.load(policy, true)
    }
}

/// The policy `store` records, checked and decoded.
fn recorded_policy<S: JournalStore>(store: &mut S) -> Result<Option<Policy>, StoreError> {
    store.policy()?.map(|record| record.decode()).transpose()
}

/// `Ok` when the policy given is the one recorded.
fn same_policy(recorded: &Policy, given: &Policy) -> Result<(), StoreError> {
    if recorded == given {
        return Ok(());
    }
    let json = |p: &Policy| serde_json::to_string(p).unwrap_or_else(|e| e.to_string());
    Err(StoreError::OtherPolicy {
        recorded: json(recorded),
        given: json(given),
    })
}

/// The ledger `checkpoint` holds, with the policy its delegation register was kept under
/// (`None` for a checkpoint of an older format, which keeps no register, and for one so
/// old that the entries are replayed instead: then the ledger is empty).
fn restore_checkpoint(
    checkpoint: &Checkpoint,
    eligibility: Arc<dyn EligibilityCheck + Send + Sync>,
) -> Result<(Ledger, Option<Policy>), StoreError> {
    let sequence = checkpoint.sequence();
    let bytes = checkpoint.verified()?;
    if !Ledger::reads_snapshot(bytes) {
        return Ok((Ledger::new(eligibility), None));
    }
    let (ledger, register) = Ledger::from_snapshot(bytes, eligibility)
        .map_err(|reason| StoreError::Checkpoint { sequence, reason })?;
    if ledger.last_sequence() != Some(sequence) {
        return Err(StoreError::Checkpoint {
            sequence,
            reason: format!(
                "it holds the state at sequence {:?}",
                ledger.last_sequence()
            ),
        });
    }
    let policy = register.then(|| ledger.policy().clone());
    Ok((ledger, policy))
}

/// Opening reads the entries on two threads from this many on: fewer are read on one.
const PIPELINE_FROM: usize = 4096;

/// How many decoded entries pass from the reading thread to the applying one at a time.
const PIPELINE_BATCH: usize = 256;

/// Batches of this many commands and more are applied on a second thread while this one
/// writes them ([`apply_and_append_pipelined`]); smaller ones on this thread.
const WRITE_PIPELINE_FROM: usize = 512;

/// Why a batch was not applied in memory.
enum Applying {
    /// The ledger refused a command; it took the batch back.
    Refused(BatchError),
    /// The thread applying the batch stopped (it panicked) part-way.
    Stopped,
}

/// What applying a batch gives: its receipts and what takes it back.
type Applied = Result<(Vec<Receipt>, crate::budget::Undo), Applying>;

/// Applies `commands` to `ledger` once, then appends the entries they made to `store`
/// after `last` (nothing is appended if the ledger refused the batch or it made no entry).
/// The caller takes the batch back if the append fails.
fn apply_and_append<S: JournalStore>(
    ledger: &mut Ledger,
    store: &mut S,
    last: Option<u64>,
    commands: &[Command],
) -> (Applied, Result<(), StoreError>) {
    let mut recorded = Vec::with_capacity(commands.len());
    let applied = ledger
        .apply_all_undoable(commands, &mut |index, receipt| {
            recorded.push(Recorded::of(index, receipt, commands));
        })
        .map_err(Applying::Refused);
    if applied.is_err() || recorded.is_empty() {
        return (applied, Ok(()));
    }
    let appended = store.append_from(last, &mut recorded.into_iter().map(Recorded::encode));
    (applied, appended)
}

/// [`apply_and_append`] on two threads, for a large batch: a scoped thread applies the
/// commands and encodes each entry as it is recorded, passing them on a chunk at a time;
/// this one adds each entry's analyst columns and writes it to `store` as it comes
/// ([`JournalStore::append_from`]), so that the ledger's work and the store's overlap.
/// (The columns, five small strings an entry, are made on the writing thread, which also
/// frees them: memory allocated on one thread and freed on another costs more, through
/// the allocator's locks, than making them here.) The outcome is the sequential one: the
/// store commits only after the applying thread has applied the whole batch and said so;
/// a refusal, an entry that cannot be encoded, or the applying thread stopping abandons
/// the store's transaction. If the thread cannot be started, the batch is applied and
/// written on this one.
fn apply_and_append_pipelined<S: JournalStore>(
    ledger: &mut Ledger,
    store: &mut S,
    last: Option<u64>,
    commands: &[Command],
) -> (Applied, Result<(), StoreError>) {
    let outcome = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Passed<'_>>(8);
        let applying = &mut *ledger;
        let applier = std::thread::Builder::new()
            .name("security-assistance-append".to_owned())
            .spawn_scoped(scope, move || {
                let mut chunk = Vec::with_capacity(PIPELINE_BATCH);
                // Whether the writer still listens (it stops at a conflict or a failure).
                let mut listening = true;
                let applied = applying.apply_all_undoable(commands, &mut |index, receipt| {
                    if !listening {
                        return;
                    }
                    chunk.push(Recorded::of(index, receipt, commands));
                    if chunk.len() >= PIPELINE_BATCH {
                        let full =
                            std::mem::replace(&mut chunk, Vec::with_capacity(PIPELINE_BATCH));
                        listening = sender.send(Passed::Entries(full)).is_ok();
                    }
                });
                if applied.is_ok() && listening {
                    // Whole: the rest, then the word that the batch is complete.
                    let _ = sender
                        .send(Passed::Entries(chunk))
                        .and_then(|()| sender.send(Passed::End));
                }
                // Otherwise the sender is dropped without `End`: the writer abandons.
                applied.map_err(Applying::Refused)
            });
        let Ok(applier) = applier else {
            return None;
        };
        let mut entries = Received {
            receiver,
            current: Vec::new().into_iter(),
            done: false,
        };
        let appended = store.append_from(last, &mut entries);
        // Stop listening before waiting, so that the applying thread never waits on a
        // writer that has finished.
        drop(entries);
        let applied = applier.join().unwrap_or(Err(Applying::Stopped));
        Some((applied, appended))
    });
    outcome.unwrap_or_else(|| apply_and_append(ledger, store, last, commands))
}

/// An entry a batch recorded, encoded, with its command; the analyst columns are added
/// where the entry is written ([`Recorded::encode`]). An error if it cannot be encoded
/// (or, never, if the ledger named a place outside the batch).
struct Recorded<'c>(Result<(EncodedEntry, &'c Command), StoreError>);

impl<'c> Recorded<'c> {
    /// The entry `receipt` says the command at `index` in `commands` made.
    fn of(index: usize, receipt: &Receipt, commands: &'c [Command]) -> Recorded<'c> {
        Recorded(
            commands
                .get(index)
                .ok_or_else(|| applying_stopped("append"))
                .and_then(|command| {
                    let encoded =
                        EncodedEntry::of(receipt.sequence, command, receipt.decision.as_ref())?;
                    Ok((encoded, command))
                }),
        )
    }

    /// The entry for a store, with its command's columns.
    fn encode(self) -> Result<NewEntry, StoreError> {
        let (encoded, command) = self.0?;
        Ok(NewEntry::with_columns(encoded, command))
    }
}

/// What passes from the applying thread to the writing one.
enum Passed<'c> {
    /// The next entries recorded.
    Entries(Vec<Recorded<'c>>),
    /// The batch is whole.
    End,
}

/// The entries the applying thread passes on, completed one at a time; the channel closing
/// without [`Passed::End`] (the batch refused, or the thread stopped) is an error, so
/// that the store abandons the batch.
struct Received<'c> {
    receiver: std::sync::mpsc::Receiver<Passed<'c>>,
    current: std::vec::IntoIter<Recorded<'c>>,
    done: bool,
}

impl Iterator for Received<'_> {
    type Item = Result<NewEntry, StoreError>;

    fn next(&mut self) -> Option<Result<NewEntry, StoreError>> {
        loop {
            if let Some(entry) = self.current.next() {
                return Some(entry.encode());
            }
            if self.done {
                return None;
            }
            match self.receiver.recv() {
                Ok(Passed::Entries(entries)) => self.current = entries.into_iter(),
                Ok(Passed::End) => {
                    self.done = true;
                    return None;
                }
                Err(std::sync::mpsc::RecvError) => {
                    self.done = true;
                    return Some(Err(applying_stopped("append")));
                }
            }
        }
    }
}

/// The journal entry `receipt` says `command` makes.
fn entry(receipt: &Receipt, command: &Command) -> JournalEntry {
    JournalEntry {
        sequence: receipt.sequence,
        command: command.clone(),
        decision: receipt.decision.clone(),
    }
}

/// Applies an entry read back from the store to `ledger`.
fn restore(ledger: &mut Ledger, entry: JournalEntry) -> Result<(), StoreError> {
    let sequence = entry.sequence;
    ledger
        .restore(entry)
        .map(drop)
        .map_err(|error| StoreError::Refused {
            sequence,
            error: Box::new(error),
        })
}

/// Reads every entry of `store` after `ledger`'s last one and applies it, one at a time.
fn restore_all<S: JournalStore>(store: &mut S, ledger: &mut Ledger) -> Result<(), StoreError> {
    let after = ledger.last_sequence();
    let mut expected = next_sequence(after);
    let mut decoder = crate::budget::StandaloneDecoder::default();
    store.read_after(after, &mut |encoded| {
        let sequence = expected.unwrap_or(u64::MAX);
        restore(ledger, encoded.decode_with(sequence, &mut decoder)?)?;
        expected = sequence.checked_add(1);
        Ok(())
    })
}

/// The sequence expected after `last` (`None` past `u64::MAX`).
fn next_sequence(last: Option<u64>) -> Option<u64> {
    last.map_or(Some(0), |s| s.checked_add(1))
}

/// [`restore_all`] on two threads, for opening a store of many entries: this
/// one reads the entries from `store`, checks their checksums and decodes them (about a
/// quarter of the work), a scoped thread applies them to `ledger` in order, a batch at a
/// time. The outcome is the sequential one: the same ledger, or the first error in
/// journal order, since the applying thread receives only the entries before the first
/// one that could not be read, and the reading stops when the applying does. If the
/// thread cannot be started, the entries are read on this one.
fn restore_pipelined<S: JournalStore>(
    store: &mut S,
    ledger: &mut Ledger,
) -> Result<(), StoreError> {
    let after = ledger.last_sequence();
    let mut expected = next_sequence(after);
    let mut decoder = crate::budget::StandaloneDecoder::default();
    let (read, applied) = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<JournalEntry>>(8);
        let applying = &mut *ledger;
        let applier = std::thread::Builder::new()
            .name("security-assistance-open".to_owned())
            .spawn_scoped(scope, move || -> Result<(), StoreError> {
                for batch in receiver {
                    for entry in batch {
                        restore(applying, entry)?;
                    }
                }
                Ok(())
            });
        let Ok(applier) = applier else {
            return (Err(None), Ok(()));
        };
        let mut batch = Vec::with_capacity(PIPELINE_BATCH);
        let mut read = store.read_after(after, &mut |encoded| {
            let sequence = expected.unwrap_or(u64::MAX);
            batch.push(encoded.decode_with(sequence, &mut decoder)?);
            expected = sequence.checked_add(1);
            if batch.len() >= PIPELINE_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(PIPELINE_BATCH));
                // The applying thread stopped at a refused entry: its error is the one.
                sender.send(full).map_err(|_| applying_stopped("open"))?;
            }
            Ok(())
        });
        if !batch.is_empty() && sender.send(batch).is_err() && read.is_ok() {
            read = Err(applying_stopped("open"));
        }
        drop(sender);
        let applied = applier
            .join()
            .unwrap_or_else(|_| Err(applying_stopped("open")));
        (read.map_err(Some), applied)
    });
    match (read, applied) {
        // Nothing was read: the thread could not be started.
        (Err(None), _) => restore_all(store, ledger),
        // An entry refused comes before any that could not be read.
        (_, Err(refused)) => Err(refused),
        (Err(Some(unread)), Ok(())) => Err(unread),
        (Ok(()), Ok(())) => Ok(()),
    }
}

/// The error of the side that reads or writes the store when the applying thread stopped
/// (during `operation`): a refusal shows as the applying thread's own error instead.
#[cold]
fn applying_stopped(operation: &str) -> StoreError {
    StoreError::Backend {
        operation: operation.to_owned(),
        reason: "the thread applying the entries stopped".to_owned(),
    }
}

#[cold]
fn empty_batch() -> ServiceError {
    StoreError::Backend {
        operation: "apply".to_owned(),
        reason: "no receipt for the command".to_owned(),
    }
    .into()
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn appropriation(id: &str, date: NaiveDate, main: u16, amount: &str) -> Command {
        Command::new(
            id.parse().unwrap(),
            date,
            "budget-office".parse().unwrap(),
            crate::budget::Action::Appropriate {
                account: format!("011-2008/2009-{main}").parse().unwrap(),
                title: "FMF".into(),
                purposes: vec![crate::ProgramKind::Financing],
                amount: amount.parse().unwrap(),
                law: "P.L. 110-161".into(),
            },
        )
    }

    #[test]
    fn a_batch_applied_undoably_is_apply_alls_and_taken_back_leaves_the_ledger_as_it_was() {
        let mut ledger = Ledger::new(Arc::new(crate::eligibility::AllowAll));
        ledger
            .apply(appropriation("a", day(2008, 1, 9), 1001, "10"))
            .unwrap();
        let before = ledger.clone();
        let json = serde_json::to_string(ledger.journal()).unwrap();
        // A new command, a duplicate of the first, a backdated one, a new one again.
        let batch = vec![
            appropriation("b", day(2008, 1, 10), 1002, "20"),
            appropriation("a", day(2008, 1, 9), 1001, "10"),
            appropriation("c", day(2008, 1, 3), 1003, "30").recorded_on(day(2008, 1, 10)),
            appropriation("d", day(2008, 1, 10), 1001, "40"),
        ];
        let expected = ledger.check_all(&batch).unwrap();
        let mut applied = before.clone();
        assert_eq!(applied.apply_all(batch.clone()).unwrap(), expected);
        let mut called = Vec::new();
        let (receipts, undo) = ledger
            .apply_all_undoable(&batch, &mut |index, receipt| {
                called.push((index, receipt.clone()));
            })
            .unwrap();
        assert_eq!(receipts, expected);
        // Called with each new entry and its command's place, in order: not with the
        // duplicate (the second command).
        let new: Vec<_> = receipts
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, r)| !r.duplicate)
            .collect();
        assert_eq!(called, new);
        assert_eq!(
            called.iter().map(|(index, _)| *index).collect::<Vec<_>>(),
            [0, 2, 3]
        );
        assert_eq!(ledger, applied);
        ledger.take_back(undo);
        assert_eq!(ledger, before);
        assert_eq!(serde_json::to_string(ledger.journal()).unwrap(), json);
        // A refused batch: the same error as check_all, and nothing changed.
        let mut refused = batch;
        refused.push(appropriation("e", day(2008, 1, 10), 1002, "0"));
        let error = ledger.check_all(&refused).unwrap_err();
        assert_eq!(
            ledger
                .apply_all_undoable(&refused, &mut |_, _| {})
                .map(|(receipts, _)| receipts)
                .unwrap_err(),
            error
        );
        assert_eq!(ledger, before);
        assert_eq!(serde_json::to_string(ledger.journal()).unwrap(), json);
    }

    /// [`delegated_year`]'s ledger, its store, its policy and its last sequence: for
    /// saving a checkpoint of another format in the store and opening it
    /// ([`reopened_from`]).
    fn delegated_year_stored() -> (Ledger, super::super::MemoryStore, Policy, u64) {
        let (durable, policy) = delegated_year();
        let live = durable.ledger().clone();
        let sequence = live.last_sequence().unwrap();
        (live, durable.into_store(), policy, sequence)
    }

    /// `store` reopened under `policy` after saving `bytes` as its checkpoint at
    /// `sequence`; the reopened ledger and its delegation register must be `live`'s.
    fn reopened_from(
        mut store: super::super::MemoryStore,
        sequence: u64,
        bytes: Vec<u8>,
        policy: &Policy,
        live: &Ledger,
    ) -> DurableLedger<super::super::MemoryStore> {
        store
            .save_checkpoint(&Checkpoint::new(sequence, bytes))
            .unwrap();
        let opened = reopened(store, policy);
        assert_eq!(opened.ledger(), live);
        assert_eq!(opened.ledger().authority(), live.authority());
        opened
    }

    /// Under delegated authority: an appropriation apportioned, allotted and allocated,
    /// a root delegation with a yearly limit of 12,000 (of which the allotment and the
    /// allocation use 10,000), and 1,500 obligated under it.
    fn delegated_year() -> (DurableLedger<super::super::MemoryStore>, Policy) {
        use crate::budget::{
            AgencyHead, AllocationKey, Apportionment, DelegatedAuthority, Funding, Grant,
            Instrument, Power, Role, Scope,
        };
        let policy = Policy::Delegated(DelegatedAuthority {
            heads: vec![AgencyHead {
                agency: 11,
                actor: "secretary".parse().unwrap(),
            }],
            second_approval_above: None,
        });
        let account: crate::budget::AccountSymbol = "011-2008/2009-1001".parse().unwrap();
        let key = AllocationKey::new(
            "DSCA".parse().unwrap(),
            crate::ProgramKind::Financing,
            Some("JOR".parse().unwrap()),
        );
        let command = |id: &str, actor: &str, action| {
            Command::new(
                id.parse().unwrap(),
                day(2008, 1, 9),
                actor.parse().unwrap(),
                action,
            )
        };
        let mut durable = DurableLedger::open(
            super::super::MemoryStore::default(),
            Arc::new(super::super::FixedClock::new(day(2008, 1, 9))),
            Arc::new(crate::eligibility::AllowAll),
            policy.clone(),
        )
        .unwrap();
        let grant = Grant {
            parent: None,
            to: "director".parse().unwrap(),
            role: Role::FundsHolder,
            scope: Scope {
                accounts: vec![account],
                ..Scope::default()
            },
            powers: vec![Power::Allot, Power::Allocate, Power::Obligate],
            per_command: None,
            per_year: Some("12000".parse().unwrap()),
            expires: None,
        };
        durable
            .apply_all(vec![
                appropriation("a", day(2008, 1, 9), 1001, "5000"),
                command(
                    "b",
                    "omb",
                    crate::budget::Action::Apportion {
                        account,
                        category: Apportionment::ByPeriod {
                            from: day(2008, 1, 9),
                        },
                        amount: "5000".parse().unwrap(),
                    },
                ),
                command("D1", "secretary", crate::budget::Action::Delegate { grant }),
            ])
            .unwrap();
        durable
            .apply(command(
                "c",
                "director",
                crate::budget::Action::Allot {
                    account,
                    holder: "DSCA".parse().unwrap(),
                    amount: "5000".parse().unwrap(),
                },
            ))
            .unwrap();
        durable
            .apply(command(
                "d",
                "director",
                crate::budget::Action::Allocate {
                    account,
                    key: key.clone(),
                    amount: "5000".parse().unwrap(),
                },
            ))
            .unwrap();
        for (id, amount) in [("e", "1500"), ("f", "1000")] {
            let obligate = command(
                id,
                "director",
                crate::budget::Action::Obligate {
                    account,
                    document: format!("DOC-{id}").parse().unwrap(),
                    instrument: Instrument::GrantAgreement,
                    funding: Funding::Allocation { key: key.clone() },
                    amount: amount.parse().unwrap(),
                    object_class: None,
                    financed_by: crate::budget::DirectOrReimbursable::Direct,
                },
            );
            // 11,500 of the 12,000 a year, then 1,000 more is over the delegation's limit.
            let outcome = durable.apply(obligate);
            assert_eq!(outcome.is_ok(), id == "e", "{outcome:?}");
        }
        (durable, policy)
    }

    /// Reopens `store` under `policy`, returns the ledger after checking that a second
    /// obligation over the delegation's yearly limit is still refused.
    fn reopened(
        store: super::super::MemoryStore,
        policy: &Policy,
    ) -> DurableLedger<super::super::MemoryStore> {
        let opened = DurableLedger::open(
            store,
            Arc::new(super::super::FixedClock::new(day(2008, 1, 9))),
            Arc::new(crate::eligibility::AllowAll),
            policy.clone(),
        )
        .unwrap();
        let over = Command::new(
            "g".parse().unwrap(),
            day(2008, 1, 9),
            "director".parse().unwrap(),
            crate::budget::Action::Obligate {
                account: "011-2008/2009-1001".parse().unwrap(),
                document: "DOC-g".parse().unwrap(),
                instrument: crate::budget::Instrument::GrantAgreement,
                funding: crate::budget::Funding::Allocation {
                    key: crate::budget::AllocationKey::new(
                        "DSCA".parse().unwrap(),
                        crate::ProgramKind::Financing,
                        Some("JOR".parse().unwrap()),
                    ),
                },
                amount: "1000".parse().unwrap(),
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
        );
        let refused = opened.ledger().check(&over).unwrap_err();
        assert!(
            matches!(
                &refused,
                BudgetError::Unauthorized { problem, .. }
                    if matches!(**problem, crate::budget::AuthorityError::OverCumulativeLimit { .. })
            ),
            "{refused:?}"
        );
        opened
    }

    #[test]
    fn a_checkpoint_keeps_the_delegation_register_and_opening_from_it_decides_nothing_again() {
        let (mut durable, policy) = delegated_year();
        durable.checkpoint().unwrap();
        let live = durable.ledger().clone();
        let store = durable.into_store();
        // The checkpoint holds the register itself.
        let mut read = store.clone();
        let checkpoint = read.latest_checkpoint().unwrap().unwrap();
        let (restored, register) =
            Ledger::from_snapshot(checkpoint.verified().unwrap(), live.eligibility()).unwrap();
        assert!(register);
        assert_eq!(restored.authority(), live.authority());
        // Opening from it gives the live register, and the limit still holds.
        let opened = reopened(store.clone(), &policy);
        assert_eq!(opened.ledger(), &live);
        assert_eq!(opened.ledger().authority(), live.authority());
        // The register is read, not rebuilt: a checkpoint whose register was emptied opens
        // with the empty register (a checkpoint is trusted once its checksum matches).
        let mut emptied = live.clone();
        let mut nothing = Ledger::new(live.eligibility());
        nothing.set_policy(policy.clone()).unwrap();
        emptied.set_authority(nothing.authority().clone());
        let mut store = store;
        store
            .save_checkpoint(&Checkpoint::new(
                checkpoint.sequence(),
                emptied.snapshot().unwrap(),
            ))
            .unwrap();
        let opened = DurableLedger::open(
            store,
            Arc::new(super::super::FixedClock::new(day(2008, 1, 9))),
            Arc::new(crate::eligibility::AllowAll),
            policy,
        )
        .unwrap();
        assert_eq!(opened.ledger().authority(), emptied.authority());
        assert_ne!(opened.ledger().authority(), live.authority());
    }

    #[test]
    fn a_format_4_checkpoint_still_opens_equal_and_differs_from_format_5_only_in_its_first_byte() {
        // Format 5 only appended the loan guarantee variant of the credit role: a ledger
        // without guarantees is written byte for byte as format 4 wrote it, but for the
        // format number, and a format-4 checkpoint opens to the same ledger.
        let (live, store, policy, sequence) = delegated_year_stored();
        let old = live.snapshot_as(4).unwrap();
        let new = live.snapshot_as(5).unwrap();
        assert_eq!(old.first(), Some(&4));
        assert_eq!(new.first(), Some(&5));
        assert_eq!(old.get(1..), new.get(1..));
        // Format 5 still opens equal, as the current format does.
        assert_eq!(
            Ledger::from_snapshot(&new, live.eligibility()).unwrap().0,
            live
        );
        let current = live.snapshot().unwrap();
        assert_eq!(current.first(), Some(&8));
        // Formats 6 (no justifications section; the entries' dates, sequences and offsets
        // inside the journal's parts) and 7 (those inside the journal's parts) still open
        // equal for a ledger without justifications.
        for format in [6, 7] {
            let older = live.snapshot_as(format).unwrap();
            assert_eq!(older.first(), Some(&format));
            assert_eq!(
                Ledger::from_snapshot(&older, live.eligibility()).unwrap().0,
                live
            );
        }
        assert_eq!(
            Ledger::from_snapshot(&current, live.eligibility())
                .unwrap()
                .0,
            live
        );
        let (read, register) = Ledger::from_snapshot(&old, live.eligibility()).unwrap();
        assert!(register);
        assert_eq!(read, live);
        reopened_from(store, sequence, old, &policy, &live);
    }

    #[test]
    fn a_format_3_checkpoint_still_opens_and_the_register_is_rebuilt_from_its_journal() {
        let (live, store, policy, sequence) = delegated_year_stored();
        let old = live.snapshot_as(3).unwrap();
        let (read, register) = Ledger::from_snapshot(&old, live.eligibility()).unwrap();
        assert!(!register);
        assert_eq!(read.policy(), &Policy::Open);
        let mut opened = reopened_from(store, sequence, old, &policy, &live);
        // The next checkpoint is written in the current format, with the register.
        opened.checkpoint().unwrap();
        let mut store = opened.into_store();
        let checkpoint = store.latest_checkpoint().unwrap().unwrap();
        let (_, register) =
            Ledger::from_snapshot(checkpoint.verified().unwrap(), live.eligibility()).unwrap();
        assert!(register);
        let reopened = reopened(store, &policy);
        assert_eq!(reopened.ledger().authority(), live.authority());
    }

    /// A checkpoint of a format older than any this crate reads is passed over: opening
    /// replays every entry instead, and the ledger is the same.
    #[test]
    fn a_checkpoint_older_than_the_oldest_format_read_is_passed_over() {
        let (live, store, policy, sequence) = delegated_year_stored();
        let mut old = live.snapshot_as(3).unwrap();
        old[0] = 2;
        assert!(!Ledger::reads_snapshot(&old));
        reopened_from(store, sequence, old, &policy, &live);
    }

    /// A store that hands out one entry with a flipped byte and one that the ledger
    /// refuses (well encoded, with its checksum), as `read_after` reads them; and whose
    /// streamed append reads `fail_after` entries, then fails (counting them in `read`).
    #[derive(Debug)]
    struct Tampered {
        inner: super::super::MemoryStore,
        flip: Option<u64>,
        refuse: Option<u64>,
        fail_after: Option<usize>,
        read: usize,
    }

    impl JournalStore for Tampered {
        fn schema_version(&mut self) -> Result<u32, StoreError> {
            self.inner.schema_version()
        }
        fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
            self.inner.last_sequence()
        }
        fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
            self.inner.append(after, batch)
        }
        fn append_from(
            &mut self,
            after: Option<u64>,
            entries: &mut dyn Iterator<Item = Result<NewEntry, StoreError>>,
        ) -> Result<(), StoreError> {
            let Some(fail_after) = self.fail_after else {
                return self.inner.append_from(after, entries);
            };
            for entry in entries.take(fail_after) {
                entry?;
                self.read += 1;
            }
            Err(StoreError::Backend {
                operation: "append".to_owned(),
                reason: "disk full".to_owned(),
            })
        }
        fn read_after(
            &mut self,
            after: Option<u64>,
            each: &mut dyn FnMut(super::super::EncodedEntry) -> Result<(), StoreError>,
        ) -> Result<(), StoreError> {
            let (flip, refuse) = (self.flip, self.refuse);
            self.inner.read_after(after, &mut |entry| {
                let sequence = entry.sequence();
                if Some(sequence) == flip {
                    let mut bytes = entry.bytes().to_vec();
                    bytes[3] ^= 0x20;
                    return each(super::super::EncodedEntry::from_stored(
                        sequence,
                        bytes,
                        entry.checksum(),
                    ));
                }
                if Some(sequence) == refuse {
                    let refused = JournalEntry {
                        sequence,
                        command: appropriation("zero", day(2008, 1, 9), 1001, "0"),
                        decision: None,
                    };
                    return each(NewEntry::new(&refused).unwrap().encoded().clone());
                }
                each(entry)
            })
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

    /// Opening returns the first error in journal order (a corrupt entry or one the
    /// ledger refuses), with its sequence, and nothing after it; an untouched store opens
    /// equal. Over 3,000 entries (read on one thread) and over `PIPELINE_FROM` + 1,000
    /// (read on two, a batch at a time): errors at and around the batches' edges, a
    /// refused entry before and after a corrupt one in the same batch and in others, the
    /// last entry, the first.
    #[test]
    fn opening_returns_the_first_error_in_journal_order() {
        for n in [3000, super::PIPELINE_FROM as u64 + 1000] {
            first_error_in_journal_order(n);
        }
    }

    fn first_error_in_journal_order(n: u64) {
        let clock = Arc::new(super::super::FixedClock::new(day(2008, 1, 9)));
        let mut durable = DurableLedger::open(
            super::super::MemoryStore::default(),
            clock.clone(),
            Arc::new(crate::eligibility::AllowAll),
            Policy::Open,
        )
        .unwrap();
        let commands = (0..n)
            .map(|i| appropriation(&format!("a{i}"), day(2008, 1, 9), 1001, "1.01"))
            .collect();
        durable.apply_all(commands).unwrap();
        let live = durable.ledger().clone();
        let inner = durable.into_store();
        let open = |flip: Option<u64>, refuse: Option<u64>| {
            DurableLedger::open(
                Tampered {
                    inner: inner.clone(),
                    flip,
                    refuse,
                    fail_after: None,
                    read: 0,
                },
                clock.clone(),
                Arc::new(crate::eligibility::AllowAll),
                Policy::Open,
            )
        };
        assert_eq!(open(None, None).unwrap().ledger(), &live);
        let error = |flip, refuse| match open(flip, refuse) {
            Err(ServiceError::Store(error)) => error,
            other => panic!("{other:?}"),
        };
        let batch = super::PIPELINE_BATCH as u64;
        for (flip, refuse, expected) in [
            (Some(2500), None, 2500),
            (Some(2500), Some(1500), 1500),
            (Some(1500), Some(1200), 1200),
            (Some(1200), Some(1500), 1200),
            (None, Some(n - 1), n - 1),
            (Some(n - 1), None, n - 1),
            (Some(0), None, 0),
            (None, Some(0), 0),
            (Some(batch), Some(batch - 1), batch - 1),
            (Some(batch - 1), Some(batch), batch - 1),
            (Some(batch + 3), Some(batch + 2), batch + 2),
            (Some(n - 2), Some(n - 3), n - 3),
        ] {
            match error(flip, refuse) {
                StoreError::Checksum { sequence, .. } => {
                    assert_eq!((flip, sequence), (Some(expected), expected), "{n}");
                }
                StoreError::Refused { sequence, .. } => {
                    assert_eq!((refuse, sequence), (Some(expected), expected), "{n}");
                }
                other => panic!("{n} {flip:?} {refuse:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_recorded_window_runs_from_the_previous_fiscal_year_to_six_years_on() {
        assert_eq!(
            recorded_window(day(2008, 3, 2)),
            (day(2006, 10, 1), day(2014, 3, 2))
        );
        assert_eq!(
            recorded_window(day(2008, 10, 1)),
            (day(2007, 10, 1), day(2014, 10, 1))
        );
        assert_eq!(
            recorded_window(day(2008, 2, 29)),
            (day(2006, 10, 1), day(2014, 2, 28))
        );
    }

    /// A durable ledger on a memory store (or `store`) holding an appropriation of
    /// 1,000,000 to account 1001 (entry 0), under `gate`.
    fn large<S: JournalStore>(
        store: S,
        gate: Arc<dyn EligibilityCheck + Send + Sync>,
    ) -> DurableLedger<S> {
        let mut durable = DurableLedger::open(
            store,
            Arc::new(super::super::FixedClock::new(day(2008, 1, 9))),
            gate,
            Policy::Open,
        )
        .unwrap();
        durable
            .apply(appropriation("a", day(2008, 1, 9), 1001, "1000000"))
            .unwrap();
        durable
    }

    /// The `n`th command of a large batch: a rescission of `amount` from account 1001.
    fn rescission(n: usize, amount: &str) -> Command {
        Command::new(
            format!("r{n}").parse().unwrap(),
            day(2008, 1, 9),
            "budget-office".parse().unwrap(),
            crate::budget::Action::Rescind {
                account: "011-2008/2009-1001".parse().unwrap(),
                amount: amount.parse().unwrap(),
                law: "P.L. 110-252".into(),
            },
        )
    }

    /// A batch large enough to be applied on a second thread, with a duplicate of an
    /// earlier command of its own half-way (it makes no entry).
    fn large_batch() -> Vec<Command> {
        let mut batch: Vec<Command> = (0..WRITE_PIPELINE_FROM + PIPELINE_BATCH + 7)
            .map(|n| rescission(n, "0.01"))
            .collect();
        batch[PIPELINE_BATCH + 3] = rescission(PIPELINE_BATCH, "0.01");
        batch
    }

    /// The entries `store` holds, decoded.
    fn stored<S: JournalStore>(store: &mut S) -> Vec<JournalEntry> {
        let mut entries = Vec::new();
        store
            .read_after(None, &mut |entry| {
                entries.push(entry.decode(entries.len() as u64)?);
                Ok(())
            })
            .unwrap();
        entries
    }

    #[test]
    fn a_batch_applied_on_a_second_thread_writes_what_one_thread_writes() {
        let mut durable = large(
            super::super::MemoryStore::default(),
            Arc::new(crate::eligibility::AllowAll),
        );
        let batch = large_batch();
        assert!(batch.len() >= WRITE_PIPELINE_FROM);
        let mut alone = durable.ledger().clone();
        let expected = alone.apply_all(batch.clone()).unwrap();
        let receipts = durable.apply_all(batch.clone()).unwrap();
        assert_eq!(receipts, expected);
        assert_eq!(receipts.iter().filter(|r| r.duplicate).count(), 1);
        assert_eq!(durable.ledger(), &alone);
        // The store holds the journal, entry for entry, and the same batch written on
        // this thread (as smaller batches) makes the same store.
        let journal: Vec<JournalEntry> = durable.ledger().journal().iter().collect();
        assert_eq!(journal.len(), batch.len());
        let mut store = durable.into_store();
        assert_eq!(stored(&mut store), journal);
        let mut small = large(
            super::super::MemoryStore::default(),
            Arc::new(crate::eligibility::AllowAll),
        );
        for part in batch.chunks(WRITE_PIPELINE_FROM - 1) {
            small.apply_all(part.to_vec()).unwrap();
        }
        assert_eq!(small.ledger(), &alone);
        assert_eq!(stored(&mut small.into_store()), journal);
    }

    #[test]
    fn a_large_batch_refused_at_its_end_writes_nothing_and_changes_nothing() {
        let mut durable = large(
            super::super::MemoryStore::default(),
            Arc::new(crate::eligibility::AllowAll),
        );
        let before = durable.ledger().clone();
        let mut batch = large_batch();
        let last = batch.len();
        // More than is left: refused after every other entry was passed on to be written.
        batch.push(rescission(last, "999999"));
        let err = durable.apply_all(batch).unwrap_err();
        let ServiceError::Batch(refused) = err else {
            panic!("{err:?}");
        };
        assert_eq!(refused.index, last);
        assert_eq!(durable.ledger(), &before);
        let mut store = durable.into_store();
        assert_eq!(store.last_sequence().unwrap(), Some(0));
    }

    #[test]
    fn a_store_failing_half_way_through_a_large_batch_leaves_memory_unchanged() {
        let store = Tampered {
            inner: super::super::MemoryStore::default(),
            flip: None,
            refuse: None,
            fail_after: None,
            read: 0,
        };
        let mut durable = large(store, Arc::new(crate::eligibility::AllowAll));
        let before = durable.ledger().clone();
        // Fails before the first chunk has all been read, in the middle, and after the
        // last entry (before the store would commit).
        let batch = large_batch();
        for fail_after in [1, PIPELINE_BATCH + 1, batch.len() - 1] {
            let mut store = durable.into_store();
            store.fail_after = Some(fail_after);
            store.read = 0;
            durable = DurableLedger::open(
                store,
                Arc::new(super::super::FixedClock::new(day(2008, 1, 9))),
                Arc::new(crate::eligibility::AllowAll),
                Policy::Open,
            )
            .unwrap();
            let err = durable.apply_all(batch.clone()).unwrap_err();
            assert!(
                matches!(&err, ServiceError::Store(StoreError::Backend { reason, .. }) if reason == "disk full"),
                "{fail_after}: {err:?}"
            );
            assert_eq!(durable.store().read, fail_after);
            assert_eq!(durable.ledger(), &before, "{fail_after}");
        }
    }

    /// Allows everything, but panics on the `panics_at`th question (counting from 1).
    struct PanicsOnce {
        asked: std::sync::atomic::AtomicUsize,
        panics_at: usize,
    }

    impl EligibilityCheck for PanicsOnce {
        fn decide(
            &self,
            request: &crate::eligibility::EligibilityRequest,
        ) -> crate::eligibility::Decision {
            let asked = self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            assert_ne!(asked, self.panics_at, "the gate fails");
            crate::eligibility::AllowAll.decide(request)
        }
    }

    #[test]
    fn a_batch_whose_applying_thread_panics_is_an_error_and_memory_follows_the_store() {
        let gate = Arc::new(PanicsOnce {
            asked: std::sync::atomic::AtomicUsize::new(0),
            panics_at: WRITE_PIPELINE_FROM - 3,
        });
        let mut durable = large(super::super::MemoryStore::default(), gate.clone());
        let (key, account) = (
            crate::budget::AllocationKey::new(
                "DSCA".parse().unwrap(),
                crate::ProgramKind::Financing,
                Some("JOR".parse().unwrap()),
            ),
            "011-2008/2009-1001"
                .parse::<crate::budget::AccountSymbol>()
                .unwrap(),
        );
        let command = |id: String, action| {
            Command::new(
                id.parse().unwrap(),
                day(2008, 1, 9),
                "budget-office".parse().unwrap(),
                action,
            )
        };
        durable
            .apply_all(vec![
                command(
                    "b".into(),
                    crate::budget::Action::Apportion {
                        account,
                        category: crate::budget::Apportionment::ByPeriod {
                            from: day(2008, 1, 9),
                        },
                        amount: "1000000".parse().unwrap(),
                    },
                ),
                command(
                    "c".into(),
                    crate::budget::Action::Allot {
                        account,
                        holder: "DSCA".parse().unwrap(),
                        amount: "1000000".parse().unwrap(),
                    },
                ),
                command(
                    "d".into(),
                    crate::budget::Action::Allocate {
                        account,
                        key: key.clone(),
                        amount: "1000000".parse().unwrap(),
                    },
                ),
            ])
            .unwrap();
        let before = durable.ledger().clone();
        // Each obligation asks the gate: the batch's last few questions panic.
        let batch: Vec<Command> = (0..WRITE_PIPELINE_FROM)
            .map(|n| {
                command(
                    format!("o{n}"),
                    crate::budget::Action::Obligate {
                        account,
                        document: format!("DOC-{n}").parse().unwrap(),
                        instrument: crate::budget::Instrument::GrantAgreement,
                        funding: crate::budget::Funding::Allocation { key: key.clone() },
                        amount: "1".parse().unwrap(),
                        object_class: None,
                        financed_by: crate::budget::DirectOrReimbursable::Direct,
                    },
                )
            })
            .collect();
        let err = durable.apply_all(batch.clone()).unwrap_err();
        assert_eq!(err, ServiceError::Store(applying_stopped("append")));
        // Nothing was written; memory was rebuilt from the store.
        assert_eq!(durable.ledger(), &before);
        assert_eq!(
            stored(&mut durable.store().clone()).len(),
            before.journal().len()
        );
        // The gate answers again: the same batch goes through.
        let receipts = durable.apply_all(batch).unwrap();
        assert_eq!(receipts.len(), WRITE_PIPELINE_FROM);
    }
}

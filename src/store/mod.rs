//! The system of record: the contract a durable journal store keeps, and the clock that
//! stamps recorded dates.
//!
//! This module has no database dependency. A store crate (SQLite in
//! `security-assistance-sqlite`, PostgreSQL in `security-assistance-postgres`) implements
//! [`JournalStore`]; the core crate encodes and checks what goes in and comes out
//! ([`NewEntry`], [`EncodedEntry`], [`Checkpoint`]), so every store keeps the same bytes
//! and detects corruption the same way.
//!
//! # What a store promises
//!
//! - **Durability**: [`JournalStore::append`] returns `Ok` only once the whole batch is
//!   durable (committed and flushed to stable storage); nothing is acknowledged before.
//! - **Atomicity**: a batch is written whole or not at all (one transaction per batch).
//! - **Ordering**: entries are kept in sequence order, the order the ledger accepted them,
//!   with no gap: the first entry is sequence 0 and each batch continues from the last.
//! - **Concurrency**: an append names the last sequence its writer has seen; if another
//!   writer appended first, the append fails with [`StoreError::Conflict`] and writes
//!   nothing. The store (the database's unique sequence) is the arbiter.
//! - **Integrity**: every entry carries a CRC-32 of its bytes; a mismatch is
//!   [`StoreError::Checksum`] naming the sequence, never a wrong ledger.
//! - **Checkpoints**: a [`Checkpoint`] holds the ledger's whole state after the entry at
//!   its sequence: every account's balances, the counters (next sequence, last recorded
//!   date), the journal in its compact in-memory form and the fund-control policy with its
//!   delegation register, encoded with postcard (a compact binary serde format; the
//!   eligibility decisions and the register inside as JSON; from format 6 the obligations
//!   as a compact section of their own, allocation keys once per account, documents as
//!   the journal's symbols and amounts in whole cents; from format 7 the amounts justified
//!   to the Congress; from format 8 the entries' dates, sequences and offsets as a section
//!   of differences), with a CRC-32. Opening loads
//!   it without decoding, re-checking or re-deciding an entry, then applies the entries
//!   after it, each checked. The index of command ids and the index of the journal's
//!   texts are not stored: each is built from the journal when first needed (the first
//!   command checked or applied after opening), not while the checkpoint loads. A checkpoint of format 3 (written before it held the
//!   register) still opens: the register is rebuilt by deciding its journal again under
//!   the store's policy, and the next checkpoint is written in the current format. The format was chosen so that a checkpoint loads in one pass
//!   of copying (the journal's arena is stored as it is in memory), while staying a serde
//!   format of the ledger's own types rather than a hand-written one.
//!
//! - **Policy**: the store records the fund-control [`Policy`](crate::budget::Policy) its
//!   ledger runs under ([`PolicyRecord`], JSON with a CRC-32), written once, the first time
//!   a ledger is opened on it; every later opening must name the same policy, so a ledger
//!   under delegated authority never reopens open.
//!
//! # The service path
//!
//! [`DurableLedger`] owns a [`Ledger`](crate::budget::Ledger), a store and a [`Clock`]:
//! `apply` and `apply_all` stamp the recorded date from the clock, check
//! ([`Ledger::check`](crate::budget::Ledger::check),
//! [`Ledger::check_all`](crate::budget::Ledger::check_all)), append durably, then apply in
//! memory. `import` is the only path that keeps a caller's recorded date. A batch of 512
//! commands or more is applied on a scoped second thread while the calling thread writes
//! its entries as they come ([`JournalStore::append_from`]): the same single transaction,
//! committed only after the whole batch applied. Opening reads
//! the store from the calling thread only; with 4,096 entries or more after the
//! checkpoint, a scoped second thread applies them while the calling thread checks and
//! decodes the next ones ([`DurableLedger::open`]), with the same ledger, or the same
//! first error in journal order, as reading them one at a time.

mod clock;
mod durable;
mod entry;
mod error;
mod memory;

pub use clock::{Clock, FixedClock, SystemClock};
pub use durable::{
    APPEND_ATTEMPTS, DurableLedger, RECORDED_EARLY_FISCAL_YEARS, RECORDED_LATE_YEARS, ServiceError,
};
pub use entry::{Checkpoint, Columns, EncodedEntry, NewEntry, PolicyRecord};
pub use error::StoreError;
pub use memory::MemoryStore;

/// The schema version this crate's stores write: 1 the journal and its checkpoints, 2 the
/// fund-control policy beside them ([`JournalStore::policy`]). A store whose version is newer is refused
/// with [`StoreError::NewerSchema`]; an older one is migrated when opened.
pub const SCHEMA_VERSION: u32 = 2;

/// A durable journal: the entries a ledger accepted, in sequence order, with checksums,
/// and checkpoints of the ledger's state.
///
/// The methods take `&mut self` so that a synchronous database client (which needs
/// exclusive access for a transaction) can implement it directly; the trait is
/// object-safe, so a service may hold a `Box<dyn JournalStore + Send>`.
///
/// Sequences are `u64` from 0. `after` names the last sequence the caller has seen,
/// `None` for an empty journal.
pub trait JournalStore {
    /// The schema version of the open store (after any migration done when it was opened).
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the store cannot be read.
    fn schema_version(&mut self) -> Result<u32, StoreError>;

    /// The sequence of the last stored entry, `None` if the journal is empty.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the store cannot be read.
    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError>;

    /// Appends `batch` durably, in one transaction, if the last stored sequence is still
    /// `after`. The batch's sequences must run on from `after` without a gap.
    ///
    /// # Errors
    ///
    /// - [`StoreError::Conflict`] if another writer appended first (nothing is written);
    /// - [`StoreError::BatchSequence`] if the batch does not continue from `after`;
    /// - [`StoreError::ReadOnly`] or [`StoreError::Backend`] if the write fails (nothing
    ///   is written).
    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError>;

    /// [`JournalStore::append`] of a batch handed over an entry at a time, so that a store
    /// can write the first entries while the rest are still being made: [`DurableLedger`]
    /// hands over a large batch this way, applying and encoding its commands on a second
    /// thread while this one writes. Same transaction, same promises: the whole batch
    /// once `entries` ends, or nothing.
    ///
    /// An error from `entries` abandons the batch: nothing is written and that error is
    /// returned. The default collects the entries and calls [`JournalStore::append`];
    /// a store that can write rows as they come (SQLite) overrides it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::{Action, Command, JournalEntry};
    /// use security_assistance::store::{JournalStore, MemoryStore, NewEntry, StoreError};
    /// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
    /// let entries = (0..5)
    ///     .map(|sequence| -> Result<NewEntry, Box<dyn std::error::Error>> {
    ///         let command = Command::new(format!("c{sequence}").parse()?, day,
    ///             "budget-office".parse()?, Action::Rescind { account: "011-2008-1081".parse()?,
    ///                 amount: "10".parse()?, law: "P.L. 110-161".into() });
    ///         Ok(NewEntry::new(&JournalEntry { sequence, command, decision: None })?)
    ///     })
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let mut store = MemoryStore::default();
    /// store.append_from(None, &mut entries[..3].iter().cloned().map(Ok))?;
    /// assert_eq!(store.last_sequence()?, Some(2));
    /// // An error among the entries: nothing of the batch is written.
    /// let stop = StoreError::Backend { operation: "append".into(), reason: "stopped".into() };
    /// let mut rest = entries[3..].iter().cloned().map(Ok).chain([Err(stop.clone())]);
    /// assert_eq!(store.append_from(Some(2), &mut rest), Err(stop));
    /// assert_eq!(store.last_sequence()?, Some(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`JournalStore::append`] ([`StoreError::BatchSequence`] for the first entry out
    /// of line), or the first error `entries` yields.
    fn append_from(
        &mut self,
        after: Option<u64>,
        entries: &mut dyn Iterator<Item = Result<NewEntry, StoreError>>,
    ) -> Result<(), StoreError> {
        let batch = entries.collect::<Result<Vec<_>, _>>()?;
        self.append(after, &batch)
    }

    /// Calls `each` with every stored entry after `after` (every entry if `None`), in
    /// sequence order, as stored: the caller checks them with [`EncodedEntry::decode`].
    /// The first error returned by `each` stops the reading and is returned.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the store cannot be read, or the error `each` returned.
    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// Saves `checkpoint` durably; it replaces any older checkpoint it is newer than.
    ///
    /// # Errors
    ///
    /// [`StoreError::ReadOnly`] or [`StoreError::Backend`] if the write fails.
    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError>;

    /// The checkpoint with the highest sequence, if any, as stored: the caller checks it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the store cannot be read.
    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError>;

    /// The fund-control policy the store records, if any, as stored: the caller checks it
    /// ([`PolicyRecord::decode`]). A store records one policy, for its whole life.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if the store cannot be read.
    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError>;

    /// Records `policy` durably if the store records none yet; a store that records one
    /// keeps it unchanged (so that of two writers opening a new store at once, the first
    /// decides, and the second reads it back with [`JournalStore::policy`]).
    ///
    /// # Errors
    ///
    /// [`StoreError::ReadOnly`] or [`StoreError::Backend`] if the write fails.
    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError>;
}

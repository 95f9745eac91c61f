//! The journal as history: replay, restore from a store, backdated commands (rebuilding
//! the state around them), the ledger as of a date and as known on a date, and checkpoints.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::gate::Gate;
use super::state::Justifications;
use super::{AccountState, Accounts, Checkpoint, Checkpoints, IdIndex, Ledger, Receipt};
use crate::budget::command::Command;
use crate::budget::error::{BudgetError, JournalProblem};
use crate::budget::ids::AccountSymbol;
use crate::budget::journal::{Journal, JournalEntry};
use crate::budget::sequence;
use crate::eligibility::{Decision, EligibilityCheck};

impl Ledger {
    /// The ledger as of `as_of`, as known on `known_on`: this ledger itself when it holds
    /// nothing later on either clock, else [`Ledger::as_of`] (from the nearest checkpoint).
    pub(crate) fn as_known(
        &self,
        as_of: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Result<std::borrow::Cow<'_, Ledger>, BudgetError> {
        let current = self.latest_date().is_none_or(|d| d <= as_of)
            && known_on.is_none_or(|k| self.latest_recorded().is_none_or(|r| r <= k));
        Ok(if current {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(self.as_of(as_of, known_on)?)
        })
    }

    /// The accounts as they stood on `date` (entries effective on or before it, everything
    /// recorded): this ledger's own when it holds nothing later, else the nearest
    /// checkpoint's with the entries after it run again, each checked as
    /// [`Ledger::rebuild_with`] checks the entries before a backdated command. For reports
    /// that read balances only (the SF-133 and File A): unlike [`Ledger::as_of`], no
    /// journal or id index is built.
    pub(crate) fn accounts_as_of(
        &self,
        date: NaiveDate,
    ) -> Result<std::borrow::Cow<'_, Accounts>, BudgetError> {
        if self.latest_date().is_none_or(|d| d <= date) {
            return Ok(std::borrow::Cow::Borrowed(&self.accounts));
        }
        let count = self.journal.count_through(date);
        let mut state = self.empty_like();
        let start = match self.checkpoints.nearest(count, None) {
            Some(c) => {
                state.accounts = (*c.accounts).clone();
                c.position
            }
            None => 0,
        };
        for (position, entry) in self
            .journal
            .entries_from(start)
            .take(count.saturating_sub(start))
        {
            state
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| journal_error(position, e))?;
        }
        Ok(std::borrow::Cow::Owned(state.accounts))
    }

    /// The accounts with a backdated `command` in its place: the state at the nearest
    /// checkpoint at or before its date, the entries from there to its date, the command
    /// checked there, then every later entry re-checked. With `keep`, also the checkpoints
    /// of the journal with the command in it (for a dry run, none are copied).
    pub(super) fn rebuild_with(
        &self,
        command: &Command,
        keep: bool,
    ) -> Result<(Accounts, Option<Arc<Decision>>, Checkpoints), BudgetError> {
        self.rebuild_gated(
            command,
            Gate::Live(&*self.eligibility, command.recorded),
            keep,
        )
    }

    /// [`Ledger::rebuild_with`], asking `gate` about the command.
    pub(super) fn rebuild_gated(
        &self,
        command: &Command,
        gate: Gate<'_>,
        keep: bool,
    ) -> Result<(Accounts, Option<Arc<Decision>>, Checkpoints), BudgetError> {
        let split = self.journal.count_through(command.date);
        let mut checkpoints = self.checkpoints.clone();
        // A checkpoint at `split` or before holds only entries before the command.
        checkpoints.truncate_after(split);
        let mut rebuilt = self.empty_like();
        let (start, mut recorded) = match checkpoints.nearest(split, None) {
            Some(c) => {
                rebuilt.accounts = (*c.accounts).clone();
                (c.position, c.recorded)
            }
            None => (0, None),
        };
        for (position, entry) in self
            .journal
            .entries_from(start)
            .take(split.saturating_sub(start))
        {
            rebuilt
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| journal_error(position, e))?;
            recorded = recorded.max(Some(entry.command.recorded));
        }
        let decision = rebuilt
            .run(command, gate)
            .map_err(|e| self.before_enactment(command, e))?;
        recorded = recorded.max(Some(command.recorded));
        let mut count = split.saturating_add(1);
        let checkpoint =
            |count: usize, recorded, rebuilt: &Ledger, checkpoints: &mut Checkpoints| {
                if keep && checkpoints.due(count) {
                    checkpoints.push(Checkpoint {
                        position: count,
                        recorded,
                        accounts: Arc::new(rebuilt.accounts.clone()),
                    });
                }
            };
        checkpoint(count, recorded, &rebuilt, &mut checkpoints);
        for (position, entry) in self.journal.entries_from(split) {
            rebuilt
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| BudgetError::BreaksLaterEntry {
                    later: entry.command.id.clone(),
                    source: Box::new(at_entry(position, e)),
                })?;
            recorded = recorded.max(Some(entry.command.recorded));
            count = count.saturating_add(1);
            checkpoint(count, recorded, &rebuilt, &mut checkpoints);
        }
        Ok((rebuilt.accounts, decision, checkpoints))
    }

    /// Applies an entry read back from a store, after the entries already applied: its
    /// sequence must be the next one, its recorded date not before the last, its id new,
    /// and its stored decision must answer it (eligibility is not asked again).
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] with the entry's position (its sequence) and the problem.
    pub(crate) fn restore(&mut self, entry: JournalEntry) -> Result<Receipt, BudgetError> {
        let position = usize::try_from(entry.sequence).unwrap_or(usize::MAX);
        sequence::check_sequence(position, entry.sequence)?;
        let c = &entry.command;
        if entry.sequence != self.next_sequence {
            return Err(BudgetError::Journal {
                position,
                problem: Box::new(JournalProblem::OutOfOrder {
                    date: c.date,
                    sequence: entry.sequence,
                    previous_date: self.journal.last_date().unwrap_or(c.date),
                    previous_sequence: self.next_sequence.saturating_sub(1),
                }),
            });
        }
        if self.by_id.get(&c.id, &self.journal).is_some() {
            return Err(journal_error(
                position,
                BudgetError::CommandConflict {
                    id: c.id.clone(),
                    field: "id".to_owned(),
                },
            ));
        }
        if let Some(latest) = self.last_recorded {
            if c.recorded < latest {
                return Err(journal_error(
                    position,
                    BudgetError::RecordedOutOfOrder {
                        recorded: c.recorded,
                        latest,
                    },
                ));
            }
        }
        let gate = Gate::Stored(entry.decision.as_ref());
        let decision = if self.backdates(c) {
            let (accounts, decision, checkpoints) = self
                .rebuild_gated(c, gate, true)
                .map_err(|e| journal_error(position, e))?;
            self.accounts = accounts;
            self.checkpoints = checkpoints;
            decision
        } else {
            self.run(c, gate).map_err(|e| journal_error(position, e))?
        };
        Ok(self.record(&entry.command, decision))
    }

    /// The ledger's state in the checkpoint format: postcard (a compact binary serde
    /// format) of the balances, the counters and the journal in its in-memory compact
    /// form, then the policy and delegation register as JSON, so that loading it decodes no
    /// entry, replays nothing and decides nothing again.
    pub(crate) fn snapshot(&self) -> Result<Vec<u8>, String> {
        self.snapshot_as(SNAPSHOT_FORMAT)
    }

    /// [`Ledger::snapshot`] in `format`: the current one, or (for the tests of opening an
    /// older store) format 3, the same without the register.
    pub(crate) fn snapshot_as(&self, format: u8) -> Result<Vec<u8>, String> {
        let mut accounts: Vec<&AccountState> = self.accounts.values().collect();
        accounts.sort_unstable_by_key(|a| a.symbol);
        let compact = format >= COMPACT_OBLIGATIONS_FORMAT;
        let (mut journal, obligations) = self
            .journal
            .to_parts_with(|symbols| {
                compact.then(|| super::snapshot::write_obligations(&accounts, symbols))
            })
            .map_err(|e| e.to_string())?;
        let columns = (format >= COLUMNS_FORMAT).then(|| journal.take_columns());
        let snapshot = SnapshotRef {
            format,
            next_sequence: self.next_sequence,
            last_recorded: self.last_recorded,
            accounts: accounts
                .iter()
                .map(|a| {
                    if compact {
                        super::snapshot::without_obligations(a)
                    } else {
                        std::borrow::Cow::Borrowed(*a)
                    }
                })
                .collect(),
            journal,
        };
        let mut bytes = postcard::to_stdvec(&snapshot).map_err(|e| e.to_string())?;
        if format >= REGISTER_FORMAT {
            let register = serde_json::to_string(&self.authority).map_err(|e| e.to_string())?;
            bytes.extend(postcard::to_stdvec(&register).map_err(|e| e.to_string())?);
        }
        if let Some(obligations) = obligations {
            bytes.extend(postcard::to_stdvec(&Bytes(&obligations)).map_err(|e| e.to_string())?);
        }
        if format >= JUSTIFICATIONS_FORMAT {
            let justified: Vec<(AccountSymbol, &Justifications)> = accounts
                .iter()
                .filter(|a| !a.justified.is_empty())
                .map(|a| (a.symbol, &a.justified))
                .collect();
            bytes.extend(postcard::to_stdvec(&justified).map_err(|e| e.to_string())?);
        }
        if let Some(columns) = columns {
            bytes.extend(postcard::to_stdvec(&Bytes(&columns)).map_err(|e| e.to_string())?);
        }
        Ok(bytes)
    }

    /// `false` for a checkpoint of a format older than this crate reads, which opening
    /// ignores (replaying the entries instead): a checkpoint saves time and never holds
    /// anything the entries do not. Postcard writes the leading format number as one byte.
    pub(crate) fn reads_snapshot(bytes: &[u8]) -> bool {
        bytes
            .first()
            .is_none_or(|format| *format >= OLDEST_SNAPSHOT_FORMAT)
    }

    /// A ledger from [`Ledger::snapshot`]'s bytes, with `check` as its gate, and whether
    /// the bytes held its policy and delegation register (format 4 on). From a format-3
    /// checkpoint the ledger runs under [`Policy::Open`](crate::budget::Policy::Open) with
    /// an empty register: the caller rebuilds it with
    /// [`Ledger::set_policy`](crate::budget::Ledger::set_policy).
    pub(crate) fn from_snapshot(
        bytes: &[u8],
        check: Arc<dyn EligibilityCheck + Send + Sync>,
    ) -> Result<(Ledger, bool), String> {
        let (mut snapshot, rest): (Snapshot<'_>, &[u8]) =
            postcard::take_from_bytes(bytes).map_err(|e| e.to_string())?;
        if !(OLDEST_SNAPSHOT_FORMAT..=SNAPSHOT_FORMAT).contains(&snapshot.format) {
            return Err(format!(
                "checkpoint format {} is not one of {OLDEST_SNAPSHOT_FORMAT} to {SNAPSHOT_FORMAT}",
                snapshot.format
            ));
        }
        let with_register = snapshot.format >= REGISTER_FORMAT;
        let (authority, rest) = if with_register {
            let (register, rest): (&str, &[u8]) =
                postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
            let authority = serde_json::from_str(register)
                .map_err(|e| format!("the checkpoint's delegation register: {e}"))?;
            (authority, rest)
        } else {
            (super::Authority::default(), rest)
        };
        let (obligations, rest) = if snapshot.format >= COMPACT_OBLIGATIONS_FORMAT {
            let (obligations, rest): (&[u8], &[u8]) =
                postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
            (Some(obligations), rest)
        } else {
            (None, rest)
        };
        let (justified, rest): (Vec<(AccountSymbol, Justifications)>, &[u8]) =
            if snapshot.format >= JUSTIFICATIONS_FORMAT {
                postcard::take_from_bytes(rest)
                    .map_err(|e| format!("the checkpoint's justifications: {e}"))?
            } else {
                (Vec::new(), rest)
            };
        let rest = if snapshot.format >= COLUMNS_FORMAT {
            let (columns, rest): (&[u8], &[u8]) =
                postcard::take_from_bytes(rest).map_err(|e| e.to_string())?;
            snapshot.journal.put_columns(columns).ok_or_else(|| {
                "the checkpoint's dates, sequences and offsets are unreadable".to_owned()
            })?;
            rest
        } else {
            rest
        };
        if !rest.is_empty() {
            return Err(format!("{} bytes after the checkpoint", rest.len()));
        }
        let journal = Journal::from_parts(snapshot.journal)
            .ok_or_else(|| "the checkpoint's journal is inconsistent".to_owned())?;
        let mut accounts = snapshot.accounts;
        if let Some(obligations) = obligations {
            if accounts.iter().any(|a| !a.obligations.is_empty()) {
                return Err("the checkpoint's accounts hold obligations twice".to_owned());
            }
            super::snapshot::read_obligations(obligations, &mut accounts, journal.symbols())?;
        }
        // Every entry's id must be readable; the index of ids is built from them when it
        // is first asked (`IdIndex`), not here.
        if let Some(position) = journal.first_unreadable_id() {
            return Err(format!(
                "the checkpoint's journal entry {position} is unreadable"
            ));
        }
        let mut ledger = Ledger::new(check);
        ledger.accounts = accounts.into_iter().map(|a| (a.symbol, a)).collect();
        for (symbol, justifications) in justified {
            let account = ledger.accounts.get_mut(&symbol).ok_or_else(|| {
                format!(
                    "the checkpoint justifies amounts in account {symbol}, which it does not hold"
                )
            })?;
            if !account.justified.is_empty() {
                return Err(format!(
                    "the checkpoint justifies amounts in account {symbol} twice"
                ));
            }
            account.justified = justifications;
        }
        ledger.journal = journal;
        ledger.next_sequence = snapshot.next_sequence;
        ledger.last_recorded = snapshot.last_recorded;
        ledger.authority = authority;
        Ok((ledger, with_register))
    }

    /// The sequence of the last entry applied, `None` for an empty ledger.
    pub(crate) fn last_sequence(&self) -> Option<u64> {
        self.next_sequence.checked_sub(1)
    }

    /// An account that exists now but did not exist on a backdated command's date was
    /// enacted after it: the command is in advance of the appropriation
    /// (31 U.S.C. 1341(a)(1)(B)), a time error, rather than aimed at an unknown account.
    pub(super) fn before_enactment(&self, command: &Command, error: BudgetError) -> BudgetError {
        if let BudgetError::UnknownAccount { account } = &error {
            if let Some(acct) = self.accounts.get(account) {
                if command.date < acct.enacted {
                    return BudgetError::BeforeEnactment {
                        action: command.action.name().to_owned(),
                        account: *account,
                        date: command.date,
                        enacted: acct.enacted,
                    };
                }
            }
        }
        error
    }

    /// Rebuilds a ledger from a journal, checking every entry as it goes, with `check` as
    /// its eligibility gate for the commands applied from then on. Entries keep their
    /// sequence numbers and stored decisions: each allocation or obligation to a partner
    /// must carry an allowing decision that answers it (partner, program, date), and
    /// eligibility is not asked again.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] with the position of the first entry that is out of order,
    /// refused, or lacks the decision that allowed it.
    pub fn replay(
        journal: &Journal,
        check: Arc<dyn EligibilityCheck + Send + Sync>,
    ) -> Result<Ledger, BudgetError> {
        Ledger::replay_after(journal.clone(), check, None, Checkpoints::default(), true)
    }

    /// [`Ledger::replay`] of `journal`, whose first entries are already applied to `start`
    /// (a checkpoint, with an index holding at least their ids and checkpoints at or
    /// before it): only the entries after it are run and checked. The ledger keeps
    /// `checkpoints`, and with `take`, takes new ones as it goes.
    fn replay_after(
        journal: Journal,
        check: Arc<dyn EligibilityCheck + Send + Sync>,
        start: Option<(&Checkpoint, IdIndex)>,
        checkpoints: Checkpoints,
        take: bool,
    ) -> Result<Ledger, BudgetError> {
        let mut ledger = Ledger::new(check);
        ledger.checkpoints = checkpoints;
        let mut from = 0;
        let mut next_sequence = 0u64;
        let mut last_recorded = None;
        let mut previous: Option<(NaiveDate, u64)> = None;
        if let Some((checkpoint, index)) = start {
            from = checkpoint.position.min(journal.len());
            ledger.accounts = (*checkpoint.accounts).clone();
            ledger.by_id = index;
            last_recorded = checkpoint.recorded;
            next_sequence = journal
                .max_sequence_before(from)
                .map_or(0, |s| s.saturating_add(1));
            previous = from.checked_sub(1).and_then(|p| journal.key_at(p));
        }
        let mut recorded = sequence::RecordedOrder::default();
        for (position, entry) in journal.entries_from(from) {
            let at = (entry.command.date, entry.sequence);
            sequence::check_sequence(position, entry.sequence)?;
            recorded.push(entry.sequence, entry.command.recorded, position);
            if let Some(prev) = previous {
                if prev >= at {
                    return Err(BudgetError::Journal {
                        position,
                        problem: Box::new(JournalProblem::OutOfOrder {
                            date: entry.command.date,
                            sequence: entry.sequence,
                            previous_date: prev.0,
                            previous_sequence: prev.1,
                        }),
                    });
                }
            }
            // The index points into the journal being replayed, whose earlier entries are
            // already checked, so a repeated id is found on the way. (An index copied for
            // a checkpoint may already hold this entry's own id, at this entry.)
            if ledger
                .by_id
                .get(&entry.command.id, &journal)
                .is_some_and(|found| found != at)
            {
                return Err(journal_error(
                    position,
                    BudgetError::CommandConflict {
                        id: entry.command.id.clone(),
                        field: "id".to_owned(),
                    },
                ));
            }
            ledger
                .run(&entry.command, Gate::Stored(entry.decision.as_ref()))
                .map_err(|e| journal_error(position, e))?;
            ledger.by_id.insert(&entry.command.id, at, &journal);
            next_sequence = next_sequence.max(entry.sequence.saturating_add(1));
            last_recorded = last_recorded.max(Some(entry.command.recorded));
            previous = Some(at);
            let count = position.saturating_add(1);
            if take && ledger.checkpoints.due(count) {
                ledger.checkpoints.push(Checkpoint {
                    position: count,
                    recorded: last_recorded,
                    accounts: Arc::new(ledger.accounts.clone()),
                });
            }
        }
        recorded.check()?;
        ledger.journal = journal;
        ledger.next_sequence = next_sequence;
        ledger.last_recorded = last_recorded;
        Ok(ledger)
    }

    /// The ledger as it stood on `date` (entries effective on or before it), as known on
    /// `known_on` (entries recorded on or before it; `None` for everything recorded).
    ///
    /// It starts from the latest in-memory checkpoint at or before that point (the
    /// ledger keeps one every so many entries) and replays only the selected entries after
    /// it, so it costs a copy of the accounts plus at most the checkpoints' spacing in
    /// entries, not the whole journal.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] if the selected entries cannot be replayed.
    pub fn as_of(
        &self,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> Result<Ledger, BudgetError> {
        let everything_known = known_on.is_none_or(|k| self.last_recorded.is_none_or(|r| r <= k));
        let check = Arc::clone(&self.eligibility);
        let count = self.journal.count_through(date);
        let start = self.checkpoints.nearest(count, known_on);
        let from = start.map_or(0, |c| c.position);
        // Entries effective by `date` are a prefix of the journal; the entries before the
        // checkpoint were all recorded by `known_on`.
        let journal = if everything_known {
            self.journal.prefix(count)
        } else {
            let mut journal = self.journal.prefix(from);
            for (_, entry) in self
                .journal
                .entries_from(from)
                .take(count.saturating_sub(from))
            {
                if known_on.is_none_or(|k| entry.command.recorded <= k) {
                    journal.push(entry);
                }
            }
            journal
        };
        // The copy keeps the checkpoints that hold only its entries, and takes no new one
        // on the way (it is usually read and dropped).
        let checkpoints = self.checkpoints.up_to(from, known_on);
        let start = start.map(|c| (c, self.by_id.within(&self.journal, &journal)));
        Ledger::replay_after(journal, check, start, checkpoints, false)
    }
}

/// The version of [`Ledger::snapshot`]'s format. Version 2 keeps each distinct decision
/// body once; version 3 keeps each obligation's object class and recoveries; version 4
/// adds the policy and delegation register, each obligation's funding source (direct or
/// reimbursable; absent in format 3, whose obligations are all direct) and credit reform's
/// financing accounts and their books (none in format 3); version 5 adds loan guarantee
/// financing accounts (a variant appended to the credit role, so a format-4 checkpoint,
/// which holds none, reads unchanged; a reader of format 4 refuses a format-5 one rather
/// than misread it); version 6 writes the obligations apart, after the register, as one
/// compact section (`snapshot.rs`: keys once per account, documents as the journal's
/// symbols, amounts as whole cents), the accounts without them; version 7 adds, after
/// the obligations, the amounts justified to the Congress ([`Action::Justify`](crate::budget::Action::Justify)), by
/// account (none in older formats, whose journals hold no justification). A store holding a
/// checkpoint older than [`OLDEST_SNAPSHOT_FORMAT`] is opened from scratch
/// ([`Ledger::reads_snapshot`]). Version 8 writes the journal's entry dates, sequences and
/// offsets apart, as one section of differences after the justifications
/// (`JournalParts::take_columns`), leaving those lists empty in the journal's parts: read
/// without serde's cost per element, and smaller.
pub(super) const SNAPSHOT_FORMAT: u8 = 8;

/// The first format that keeps the amounts justified to the Congress.
const JUSTIFICATIONS_FORMAT: u8 = 7;

/// The first format that writes the obligations as a compact section of their own.
const COMPACT_OBLIGATIONS_FORMAT: u8 = 6;

/// The first format that writes the entries' dates, sequences and offsets as a section of
/// their own.
const COLUMNS_FORMAT: u8 = 8;

/// The first format that keeps the policy and delegation register.
const REGISTER_FORMAT: u8 = 4;

/// The oldest format read: a format-3 checkpoint is read, and the register rebuilt from
/// its journal under the store's policy.
const OLDEST_SNAPSHOT_FORMAT: u8 = 3;

#[derive(Serialize)]
pub(super) struct SnapshotRef<'a> {
    format: u8,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    accounts: Vec<std::borrow::Cow<'a, AccountState>>,
    journal: crate::budget::journal::JournalParts<'static>,
}

#[derive(Deserialize)]
pub(super) struct Snapshot<'a> {
    format: u8,
    next_sequence: u64,
    last_recorded: Option<NaiveDate>,
    accounts: Vec<AccountState>,
    #[serde(borrow)]
    journal: crate::budget::journal::JournalParts<'a>,
}

/// A byte string for postcard (a length and the bytes, not a number per byte).
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

#[cold]
pub(super) fn journal_error(position: usize, error: BudgetError) -> BudgetError {
    match at_entry(position, error) {
        missing @ BudgetError::Journal { .. } if missing_decision(&missing) => missing,
        error => BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::Rejected(error)),
        },
    }
}

/// The gate cannot know where the entry it checks stands: a missing decision is named at
/// `position`, the entry's place in the journal.
pub(super) fn at_entry(position: usize, error: BudgetError) -> BudgetError {
    if missing_decision(&error) {
        BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::MissingDecision),
        }
    } else {
        error
    }
}

pub(super) fn missing_decision(error: &BudgetError) -> bool {
    matches!(error, BudgetError::Journal { problem, .. } if **problem == JournalProblem::MissingDecision)
}

impl Ledger {
    /// Readies the ledger for `additional` entries about to be restored one by one from a
    /// store (opening): the in-memory checkpoints take the spacing they will have then, so
    /// that only the checkpoints that survive are copied. Only a hint: the ledger and the
    /// checkpoints it holds at the end are the same whatever the count.
    pub(crate) fn expect_entries(&mut self, additional: usize) {
        let from = self.journal.len();
        self.checkpoints
            .expect(from, from.saturating_add(additional));
    }
}

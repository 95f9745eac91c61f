//! The journal: every applied command, in (effective date, sequence) order, stored compactly.
//!
//! A million journal entries as Rust values take about 300 bytes each (the command, its
//! strings, the decision). The journal instead keeps each entry as a few dozen bytes: a
//! binary encoding in a chunked arena, with the repeated strings (actors, funds holders,
//! documents, accounts) interned once, and the entries' dates and sequence numbers in
//! flat arrays for binary search. Entries are decoded back into [`JournalEntry`] values on
//! access.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::command::{Action, AllocationKey, Apportionment, Command, Funding, Instrument};
use super::direct_reimbursable::DirectOrReimbursable;
use super::ids::{AccountSymbol, Actor, CommandId, DocumentId, FundsHolder};
use super::object_class::ObjectClass;
use crate::eligibility::{Decision, Department, EligibilityRequest, Finding, Outcome, Stage};
use crate::fiscal::FiscalYear;
use crate::money::{Money, Rate, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;
use crate::wire::FormatVersion;

/// One applied command in the journal, with its sequence number (the order in which the
/// ledger accepted it) and the eligibility decision that allowed it, if it needed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct JournalEntry {
    /// The order of acceptance, from 0.
    pub sequence: u64,
    /// The command.
    pub command: Command,
    /// The eligibility decision, for allocations and obligations to a partner. It is shared
    /// (not copied) with the [`Receipt`](super::Receipt) and with replayed ledgers.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "shared")]
    #[cfg_attr(
        feature = "schemars",
        schemars(with = "Option<crate::eligibility::Decision>")
    )]
    pub decision: Option<Arc<Decision>>,
}

/// Every command a [`Ledger`](super::Ledger) applied, in (effective date, sequence) order.
///
/// A ledger's state is a pure function of its journal: [`Ledger::replay`](super::Ledger::replay)
/// rebuilds an equal ledger from it. serde writes it as a versioned envelope,
/// `{"format_version": "1.0", "entries": [...]}` (an array of [`JournalEntry`]; see
/// [`FormatVersion`] for the compatibility policy), and reads it back; reading refuses a
/// newer format version and does not check the entries, replaying does. Entries are stored
/// compactly and decoded on access, so [`Journal::get`] and [`Journal::iter`] return
/// values, not references.
///
/// ```
/// use security_assistance::budget::{Journal, Ledger};
/// let ledger = Ledger::allow_all();
/// let json = serde_json::to_string(ledger.journal())?;
/// let journal: Journal = serde_json::from_str(&json)?;
/// assert_eq!(Ledger::replay(&journal, std::sync::Arc::new(security_assistance::eligibility::AllowAll))?, ledger);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Journal {
    dates: Vec<NaiveDate>,
    sequences: Vec<u64>,
    /// Where each entry's bytes start: chunk index in the high 32 bits, offset in the low.
    offsets: Vec<u64>,
    arena: Arena,
    symbols: Symbols,
    /// Decisions kept whole: those whose request names subjects or claims.
    decisions: Vec<Arc<Decision>>,
    /// What the other decisions share (rule set, outcome, findings), each distinct one
    /// once; an entry keeps only its decision's request and the index of its body.
    bodies: Bodies,
    /// Reused buffer for encoding one entry (not part of the journal's value).
    scratch: Vec<u8>,
}

impl PartialEq for Journal {
    /// Two journals are equal when their entries are equal, however they are stored.
    fn eq(&self, other: &Journal) -> bool {
        self.len() == other.len()
            && self.dates == other.dates
            && self.sequences == other.sequences
            && self.iter().eq(other.iter())
    }
}

impl Journal {
    /// A journal of `entries`, as read from storage; [`Ledger::replay`](super::Ledger::replay)
    /// checks them. The entries are kept in the order given.
    #[must_use]
    pub fn from_entries(entries: Vec<JournalEntry>) -> Journal {
        let mut journal = Journal::default();
        for entry in entries {
            journal.push(entry);
        }
        journal
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.dates.len()
    }

    /// `true` when the journal has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dates.is_empty()
    }

    /// The entry at `position` (0-based, in journal order).
    #[must_use]
    pub fn get(&self, position: usize) -> Option<JournalEntry> {
        let offset = *self.offsets.get(position)?;
        let sequence = *self.sequences.get(position)?;
        let date = *self.dates.get(position)?;
        let mut reader = self.arena.reader(offset)?;
        self.decode(&mut reader, sequence, date)
    }

    /// The entries in journal order.
    pub fn iter(&self) -> impl Iterator<Item = JournalEntry> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The entries from `start` on, with their positions, in journal order.
    pub(crate) fn entries_from(
        &self,
        start: usize,
    ) -> impl Iterator<Item = (usize, JournalEntry)> + '_ {
        (start..self.len()).filter_map(|i| self.get(i).map(|entry| (i, entry)))
    }

    /// The largest sequence among the first `count` entries.
    pub(crate) fn max_sequence_before(&self, count: usize) -> Option<u64> {
        self.sequences.iter().take(count).max().copied()
    }

    /// The entries as a vector, in journal order.
    #[must_use]
    pub fn to_entries(&self) -> Vec<JournalEntry> {
        self.iter().collect()
    }

    /// The first `count` entries, as a journal of their own.
    pub(crate) fn prefix(&self, count: usize) -> Journal {
        let mut journal = self.clone();
        journal.dates.truncate(count);
        journal.sequences.truncate(count);
        journal.offsets.truncate(count);
        journal
    }

    /// The (date, sequence) of the entry at `position`.
    pub(crate) fn key_at(&self, position: usize) -> Option<(NaiveDate, u64)> {
        Some((*self.dates.get(position)?, *self.sequences.get(position)?))
    }

    /// The journal's in-memory form, for a checkpoint, and what `more` returns.
    ///
    /// `more` runs first on a copy of the symbol table: the texts it interns (the
    /// documents and funds holders of a checkpoint's balances that no entry names) are
    /// written with the journal's, after them, so every entry's symbols keep their numbers.
    ///
    /// # Errors
    ///
    /// serde_json's error if a decision does not serialize (a bug: none of its types can
    /// fail), so a checkpoint is refused rather than written with an empty decision.
    pub(super) fn to_parts_with<T>(
        &self,
        more: impl FnOnce(&mut Symbols) -> T,
    ) -> Result<(JournalParts<'static>, T), serde_json::Error> {
        let mut symbols = self.symbols.clone();
        let extra = more(&mut symbols);
        let parts = JournalParts {
            days: self.dates.iter().map(|d| days(*d)).collect(),
            sequences: self.sequences.clone(),
            offsets: self.offsets.clone(),
            chunks: self.arena.chunks.clone(),
            texts: symbols
                .texts
                .iter()
                .map(|t| std::borrow::Cow::Owned(t.to_string()))
                .collect(),
            accounts: symbols.accounts,
            decisions: self
                .decisions
                .iter()
                .map(|d| serde_json::to_string(&**d))
                .collect::<Result<_, _>>()?,
            bodies: self
                .bodies
                .list
                .iter()
                .map(Body::to_json)
                .collect::<Result<_, _>>()?,
        };
        Ok((parts, extra))
    }

    /// The journal's symbol table (the texts and accounts its entries name).
    pub(super) fn symbols(&self) -> &Symbols {
        &self.symbols
    }

    /// A journal from [`Journal::to_parts_with`]; `None` if the parts disagree in length or an
    /// entry does not decode.
    pub(crate) fn from_parts(parts: JournalParts<'_>) -> Option<Journal> {
        let n = parts.days.len();
        if parts.sequences.len() != n || parts.offsets.len() != n {
            return None;
        }
        let mut journal = Journal {
            dates: {
                // Entries in date order share their dates in runs: each distinct day is
                // converted once.
                let mut last: Option<(i32, NaiveDate)> = None;
                parts
                    .days
                    .iter()
                    .map(|&d| match last {
                        Some((day, date)) if day == d => Some(date),
                        _ => {
                            let date = from_days(i64::from(d))?;
                            last = Some((d, date));
                            Some(date)
                        }
                    })
                    .collect::<Option<Vec<_>>>()?
            },
            sequences: parts.sequences,
            offsets: parts.offsets,
            arena: Arena {
                chunks: parts.chunks,
            },
            symbols: Symbols::default(),
            decisions: parts
                .decisions
                .iter()
                .map(|d| serde_json::from_str::<Decision>(d).ok().map(Arc::new))
                .collect::<Option<Vec<_>>>()?,
            bodies: Bodies::default(),
            scratch: Vec::new(),
        };
        for body in parts.bodies {
            journal.bodies.push(Body::from_json(&body)?);
        }
        journal.symbols.with_texts(parts.texts.iter().map(|t| &**t));
        for account in parts.accounts {
            journal.symbols.account(account);
        }
        Some(journal)
    }

    /// The effective date of the last entry.
    pub(crate) fn last_date(&self) -> Option<NaiveDate> {
        self.dates.last().copied()
    }

    /// The number of entries dated on or before `date`.
    pub(crate) fn count_through(&self, date: NaiveDate) -> usize {
        self.dates.partition_point(|d| *d <= date)
    }

    /// The position of the entry with `date` and `sequence`.
    pub(crate) fn find(&self, date: NaiveDate, sequence: u64) -> Option<usize> {
        let start = self.dates.partition_point(|d| *d < date);
        let end = self.dates.partition_point(|d| *d <= date);
        let slice = self.sequences.get(start..end)?;
        slice
            .binary_search(&sequence)
            .ok()
            .and_then(|i| i.checked_add(start))
    }

    /// The position of the first entry whose command id cannot be read (its bytes lie
    /// outside the journal's arena, or are not a command id's text: printable ASCII,
    /// without edge spaces, within the length [`CommandId`] allows), if any: loading a
    /// checkpoint refuses such a journal rather than fail when the entry is first read.
    pub(crate) fn first_unreadable_id(&self) -> Option<usize> {
        (0..self.len()).find(|&position| {
            let bytes = self.offsets.get(position).and_then(|offset| {
                let mut reader = self.arena.reader(*offset)?;
                let len = usize::try_from(reader.u64()?).ok()?;
                reader.bytes.get(..len)
            });
            !bytes.is_some_and(|b| std::str::from_utf8(b).is_ok_and(CommandId::is_valid))
        })
    }

    /// The text of the command id of the entry at `position`, as stored (not parsed).
    pub(crate) fn id_text_at(&self, position: usize) -> Option<&str> {
        let offset = *self.offsets.get(position)?;
        let mut reader = self.arena.reader(offset)?;
        reader.string()
    }

    /// Removes the entry at `position` (its bytes stay in the arena, unreachable).
    pub(crate) fn remove_at(&mut self, position: usize) {
        if position < self.len() {
            self.dates.remove(position);
            self.sequences.remove(position);
            self.offsets.remove(position);
        }
    }

    /// Appends an entry at the end (its date must not be before the last entry's).
    pub(crate) fn push(&mut self, entry: JournalEntry) {
        let position = self.len();
        self.insert_at(
            position,
            entry.sequence,
            &entry.command,
            entry.decision.as_ref(),
        );
    }

    /// Inserts at `position` the entry `sequence` holding `command` and `decision` (the
    /// journal keeps its own encoding; the command is not kept).
    pub(crate) fn insert_at(
        &mut self,
        position: usize,
        sequence: u64,
        command: &Command,
        decision: Option<&Arc<Decision>>,
    ) {
        let mut bytes = std::mem::take(&mut self.scratch);
        bytes.clear();
        self.encode(&mut bytes, command, decision);
        let offset = self.arena.push(&bytes);
        self.scratch = bytes;
        let position = position.min(self.len());
        self.dates.insert(position, command.date);
        self.sequences.insert(position, sequence);
        self.offsets.insert(position, offset);
    }

    fn encode(&mut self, out: &mut Vec<u8>, c: &Command, decision: Option<&Arc<Decision>>) {
        put_str(out, c.id.as_str());
        put_i64(
            out,
            i64::from(days(c.recorded)).saturating_sub(i64::from(days(c.date))),
        );
        put_u64(out, u64::from(self.symbols.text(c.actor.as_str())));
        // One byte of flags: bits 0-1 the decision (0 none; 1 kept whole; 2 shared, its
        // body once per journal), bit 2 a certifying officer, bit 3 a second approver,
        // bit 4 an obligation's object class (an `extended` field of the action table,
        // written before the action), bit 5 a reimbursable obligation (the extended
        // `financed_by`; clear for a direct one), bit 6 a loan guarantee financing account
        // (the extended `kind` of `open_financing_account`; clear for direct loans), bit 7
        // a reprogramming's notice date (the extended `notified` of `reprogram`, written
        // before the action as days before the command's date).
        // Entries written before the signers
        // were added have 0 or 1 and read unchanged; entries without an object class, or
        // direct, have the bytes they had before those fields existed.
        let kind: u8 = match decision {
            None => 0,
            Some(decision) if shareable(decision) => 2,
            Some(_) => 1,
        };
        let (object_class, reimbursable) = match &c.action {
            Action::Obligate {
                object_class,
                financed_by,
                ..
            } => (*object_class, !financed_by.is_direct()),
            _ => (None, false),
        };
        let guarantee = matches!(
            &c.action,
            Action::OpenFinancingAccount { kind, .. } if !kind.is_direct_loan()
        );
        let notified = match &c.action {
            Action::Reprogram { notified, .. } => *notified,
            _ => None,
        };
        let flags = kind
            | (u8::from(c.certifying_officer.is_some()) << 2)
            | (u8::from(c.second_approver.is_some()) << 3)
            | (u8::from(object_class.is_some()) << 4)
            | (u8::from(reimbursable) << 5)
            | (u8::from(guarantee) << 6)
            | (u8::from(notified.is_some()) << 7);
        out.push(flags);
        match decision {
            None => {}
            Some(decision) if kind == 2 => self.put_shared(out, decision, c.date, c.recorded),
            Some(decision) => {
                put_u64(out, self.decisions.len() as u64);
                self.decisions.push(Arc::clone(decision));
            }
        }
        for signer in [&c.certifying_officer, &c.second_approver]
            .into_iter()
            .flatten()
        {
            put_u64(out, u64::from(self.symbols.text(signer.as_str())));
        }
        if let Some(class) = object_class {
            put_u64(out, u64::from(class.code()));
        }
        if let Some(notified) = notified {
            put_i64(
                out,
                i64::from(days(c.date)).saturating_sub(i64::from(days(notified))),
            );
        }
        c.action.put(out, &mut self.symbols);
    }

    /// A shared decision: the index of its body, then its request field by field.
    fn put_shared(
        &mut self,
        out: &mut Vec<u8>,
        decision: &Decision,
        date: NaiveDate,
        recorded: NaiveDate,
    ) {
        put_u64(out, u64::from(self.bodies.intern(decision)));
        let r = decision.request();
        put_u64(out, u64::from(r.partner.index()));
        out.push(program_code(r.program));
        put_i64(
            out,
            i64::from(days(r.date)).saturating_sub(i64::from(days(date))),
        );
        match r.known_on {
            None => out.push(0),
            Some(known_on) => {
                out.push(1);
                put_i64(
                    out,
                    i64::from(days(known_on)).saturating_sub(i64::from(days(recorded))),
                );
            }
        }
        out.push(department_code(r.department));
        match r.amount {
            None => out.push(0),
            Some(amount) => {
                out.push(1);
                put_money(out, amount);
            }
        }
        match &r.document {
            None => out.push(0),
            Some(document) => {
                out.push(1);
                put_u64(out, u64::from(self.symbols.text(document)));
            }
        }
        out.push(stage_code(r.stage));
    }

    /// Reads a decision written by [`Journal::put_shared`].
    fn get_shared(
        &self,
        r: &mut Reader<'_>,
        date: NaiveDate,
        recorded: NaiveDate,
    ) -> Option<Decision> {
        let body = self.bodies.list.get(usize::try_from(r.u64()?).ok()?)?;
        let partner = CountryCode::from_index(usize::try_from(r.u64()?).ok()?)?;
        let program = program_of(r.byte()?)?;
        let asked = from_days(i64::from(days(date)).checked_add(r.i64()?)?)?;
        let mut request = EligibilityRequest::new(partner, program, asked);
        request.known_on = match r.byte()? {
            0 => None,
            _ => Some(from_days(i64::from(days(recorded)).checked_add(r.i64()?)?)?),
        };
        request.department = department_of(r.byte()?)?;
        request.amount = match r.byte()? {
            0 => None,
            _ => Some(r.money()?),
        };
        request.document = match r.byte()? {
            0 => None,
            _ => Some(self.symbols.get_shared(r.u64()?)?.to_string()),
        };
        request.stage = stage_of(r.byte()?)?;
        Some(Decision::from_shared(
            request,
            body.rule_set.clone(),
            body.outcome,
            Arc::clone(&body.findings),
        ))
    }

    fn decode(&self, r: &mut Reader<'_>, sequence: u64, date: NaiveDate) -> Option<JournalEntry> {
        let id: CommandId = r.string()?.parse().ok()?;
        let recorded = from_days(i64::from(days(date)).checked_add(r.i64()?)?)?;
        let actor = Actor::from_validated(self.symbols.get_shared(r.u64()?)?)?;
        let flags = r.byte()?;
        let decision = match flags & 0b11 {
            0 => None,
            1 => Some(Arc::clone(
                self.decisions.get(usize::try_from(r.u64()?).ok()?)?,
            )),
            2 => Some(Arc::new(self.get_shared(r, date, recorded)?)),
            _ => return None,
        };
        let mut signer = |bit: u8| -> Option<Option<Actor>> {
            if flags & bit == 0 {
                Some(None)
            } else {
                Actor::from_validated(self.symbols.get_shared(r.u64()?)?).map(Some)
            }
        };
        let certifying_officer = signer(0b100)?;
        let second_approver = signer(0b1000)?;
        let class = if flags & 0b1_0000 == 0 {
            None
        } else {
            Some(ObjectClass::from_stored(u16::try_from(r.u64()?).ok()?)?)
        };
        let notice = if flags & 0b1000_0000 == 0 {
            None
        } else {
            Some(from_days(i64::from(days(date)).checked_sub(r.i64()?)?)?)
        };
        let mut action = Action::get(r, &self.symbols)?;
        if let Some(notice) = notice {
            let Action::Reprogram { notified, .. } = &mut action else {
                return None;
            };
            *notified = Some(notice);
        }
        if let Some(class) = class {
            let Action::Obligate { object_class, .. } = &mut action else {
                return None;
            };
            *object_class = Some(class);
        }
        if flags & 0b10_0000 != 0 {
            let Action::Obligate { financed_by, .. } = &mut action else {
                return None;
            };
            *financed_by = DirectOrReimbursable::Reimbursable;
        }
        if flags & 0b100_0000 != 0 {
            let Action::OpenFinancingAccount { kind, .. } = &mut action else {
                return None;
            };
            *kind = crate::budget::credit::CreditKind::LoanGuarantee;
        }
        Some(JournalEntry {
            sequence,
            command: Command {
                id,
                date,
                recorded,
                actor,
                action,
                certifying_officer,
                second_approver,
            },
            decision,
        })
    }
}

/// A [`Journal`]'s in-memory form, as a checkpoint keeps it.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct JournalParts<'a> {
    days: Vec<i32>,
    sequences: Vec<u64>,
    offsets: Vec<u64>,
    #[serde(with = "chunks")]
    chunks: Vec<Vec<u8>>,
    /// Borrowed from the checkpoint's bytes where the format allows (postcard does):
    /// serde borrows a `Cow` only as a field of its own, not inside a `Vec`, so the texts
    /// are read through [`texts`].
    #[serde(borrow, deserialize_with = "texts::deserialize")]
    texts: Vec<std::borrow::Cow<'a, str>>,
    accounts: Vec<AccountSymbol>,
    /// As JSON: a decision's internally tagged enums need a self-describing format.
    decisions: Vec<String>,
    /// The shared decision bodies, as JSON ([`Body::to_json`]).
    bodies: Vec<String>,
}

impl JournalParts<'_> {
    /// Takes the entries' dates, sequences and offsets out of the parts as one compact
    /// section (checkpoint format 8 on): the number of entries, then for each entry the
    /// differences from the entry before of its day, its sequence and its offset
    /// (zigzag varints: in date order these are mostly 0, 1 and the entry's length, one
    /// byte each), read back by [`JournalParts::put_columns`] without serde's cost per
    /// element.
    pub(crate) fn take_columns(&mut self) -> Vec<u8> {
        let days = std::mem::take(&mut self.days);
        let sequences = std::mem::take(&mut self.sequences);
        let offsets = std::mem::take(&mut self.offsets);
        let mut out = Vec::with_capacity(days.len().saturating_mul(3).saturating_add(10));
        put_u64(&mut out, days.len() as u64);
        let (mut day, mut sequence, mut offset) = (0i32, 0u64, 0u64);
        for ((d, s), o) in days.iter().zip(&sequences).zip(&offsets) {
            put_i64(&mut out, i64::from(*d).wrapping_sub(i64::from(day)));
            put_i64(&mut out, s.wrapping_sub(sequence) as i64);
            put_i64(&mut out, o.wrapping_sub(offset) as i64);
            (day, sequence, offset) = (*d, *s, *o);
        }
        out
    }

    /// Puts back the columns [`JournalParts::take_columns`] wrote; `None` if the parts
    /// already hold columns, or `bytes` are not whole columns (a count beyond the bytes, a
    /// day out of range, bytes left over).
    pub(crate) fn put_columns(&mut self, bytes: &[u8]) -> Option<()> {
        if !(self.days.is_empty() && self.sequences.is_empty() && self.offsets.is_empty()) {
            return None;
        }
        let mut r = Reader::new(bytes);
        let n = usize::try_from(r.u64()?).ok()?;
        // Each entry takes at least three bytes.
        if n > bytes.len() / 3 {
            return None;
        }
        let (mut days, mut sequences, mut offsets) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut day, mut sequence, mut offset) = (0i32, 0u64, 0u64);
        for _ in 0..n {
            day = i32::try_from(i64::from(day).checked_add(r.i64()?)?).ok()?;
            sequence = sequence.wrapping_add(r.i64()? as u64);
            offset = offset.wrapping_add(r.i64()? as u64);
            days.push(day);
            sequences.push(sequence);
            offsets.push(offset);
        }
        if !r.is_done() {
            return None;
        }
        (self.days, self.sequences, self.offsets) = (days, sequences, offsets);
        Some(())
    }
}

/// `true` when a decision can be kept as a shared body and its request field by field
/// (its request names no subjects and no claims: those are kept whole).
fn shareable(decision: &Decision) -> bool {
    let r = decision.request();
    r.subjects.is_empty() && r.claims.is_empty()
}

/// What decisions on different entries share: the rule set's version, the outcome and the
/// findings (about 2 KB with the built-in rules).
#[derive(Debug, Clone)]
struct Body {
    rule_set: std::borrow::Cow<'static, str>,
    outcome: Outcome,
    findings: Arc<[Finding]>,
}

/// A [`Body`] on the wire (checkpoints and standalone entries).
#[derive(Serialize)]
struct BodyRef<'a> {
    rule_set: &'a str,
    outcome: Outcome,
    findings: &'a [Finding],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BodyOwned {
    rule_set: String,
    outcome: Outcome,
    findings: Vec<Finding>,
}

impl Body {
    fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(&BodyRef {
            rule_set: &self.rule_set,
            outcome: self.outcome,
            findings: &self.findings,
        })
    }

    /// [`Body::to_json`], remembering the last few bodies written on this thread: a store
    /// writes the same few bodies for a million entries.
    fn to_json_cached(&self) -> Result<String, serde_json::Error> {
        thread_local! {
            static WRITTEN: std::cell::RefCell<Vec<(Body, Arc<str>)>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        WRITTEN.with(|written| {
            let mut written = written.borrow_mut();
            if let Some((_, json)) = written.iter().find(|(body, _)| body.same(self)) {
                return Ok(json.to_string());
            }
            let json = self.to_json()?;
            if written.len() >= 32 {
                written.remove(0);
            }
            written.push((self.clone(), Arc::from(json.as_str())));
            Ok(json)
        })
    }

    fn same(&self, other: &Body) -> bool {
        self.outcome == other.outcome
            && self.rule_set == other.rule_set
            && (Arc::ptr_eq(&self.findings, &other.findings) || self.findings == other.findings)
    }

    fn from_json(json: &str) -> Option<Body> {
        let body: BodyOwned = serde_json::from_str(json).ok()?;
        // The built-in rules' version is borrowed, as the engine's own decisions borrow it:
        // a decision decoded from a store then copies no text.
        let rule_set = if body.rule_set == crate::eligibility::builtin::VERSION {
            std::borrow::Cow::Borrowed(crate::eligibility::builtin::VERSION)
        } else {
            body.rule_set.into()
        };
        Some(Body {
            rule_set,
            outcome: body.outcome,
            findings: body.findings.into(),
        })
    }

    fn matches(&self, decision: &Decision) -> bool {
        let (rule_set, outcome, findings) = decision.shared_parts();
        self.outcome == outcome
            && self.rule_set == *rule_set
            && (Arc::ptr_eq(&self.findings, findings) || *self.findings == **findings)
    }
}

/// The distinct decision bodies of a journal, each kept once.
#[derive(Debug, Clone, Default)]
struct Bodies {
    list: Vec<Body>,
    /// A hash of each body's rule set, outcome and findings' rules and titles, to the
    /// bodies with that hash.
    index: foldhash::HashMap<u64, Vec<u32>>,
}

impl Bodies {
    /// The index of `decision`'s body, added if it is new.
    fn intern(&mut self, decision: &Decision) -> u32 {
        let (rule_set, outcome, findings) = decision.shared_parts();
        // A decision read back from this journal or a store shares its body's findings:
        // found without hashing them.
        if let Some(i) = self.list.iter().take(16).position(|body| {
            Arc::ptr_eq(&body.findings, findings)
                && body.outcome == outcome
                && body.rule_set == *rule_set
        }) {
            return u32::try_from(i).unwrap_or(u32::MAX);
        }
        let hash = body_hash(rule_set, outcome, findings);
        let bucket = self.index.entry(hash).or_default();
        for &i in bucket.iter() {
            if self
                .list
                .get(i as usize)
                .is_some_and(|body| body.matches(decision))
            {
                return i;
            }
        }
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        bucket.push(i);
        self.list.push(Body {
            rule_set: rule_set.clone(),
            outcome,
            findings: Arc::clone(findings),
        });
        i
    }

    /// Appends `body` (read back from a checkpoint or an entry) as the next one.
    fn push(&mut self, body: Body) {
        let hash = body_hash(&body.rule_set, body.outcome, &body.findings);
        let i = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.index.entry(hash).or_default().push(i);
        self.list.push(body);
    }
}

fn body_hash(rule_set: &str, outcome: Outcome, findings: &[Finding]) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::default().build_hasher();
    rule_set.hash(&mut h);
    outcome.hash(&mut h);
    findings.len().hash(&mut h);
    for finding in findings {
        finding.rule.hash(&mut h);
        finding.title.hash(&mut h);
        finding.facts.len().hash(&mut h);
    }
    h.finish()
}

fn department_code(department: Department) -> u8 {
    match department {
        Department::State => 0,
        Department::Defense => 1,
        Department::HomelandSecurity => 2,
    }
}

fn department_of(code: u8) -> Option<Department> {
    Some(match code {
        0 => Department::State,
        1 => Department::Defense,
        2 => Department::HomelandSecurity,
        _ => return None,
    })
}

fn stage_code(stage: Stage) -> u8 {
    match stage {
        Stage::Obligation => 0,
        Stage::Expenditure => 1,
    }
}

fn stage_of(code: u8) -> Option<Stage> {
    Some(match code {
        0 => Stage::Obligation,
        1 => Stage::Expenditure,
        _ => return None,
    })
}

/// The arena's chunks as byte strings (one length and a copy each, not a number per byte).
mod chunks {
    use serde::de::{SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserializer, Serializer};

    struct Bytes<'a>(&'a [u8]);

    impl serde::Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    pub(super) fn serialize<S: Serializer>(chunks: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(chunks.len()))?;
        for chunk in chunks {
            seq.serialize_element(&Bytes(chunk))?;
        }
        seq.end()
    }

    struct ByteBuf(Vec<u8>);

    impl<'de> serde::Deserialize<'de> for ByteBuf {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ByteBuf, D::Error> {
            struct V;
            impl Visitor<'_> for V {
                type Value = ByteBuf;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<ByteBuf, E> {
                    Ok(ByteBuf(v.to_vec()))
                }
            }
            d.deserialize_bytes(V)
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Vec<u8>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of byte strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Vec<u8>>, A::Error> {
                let mut chunks = Vec::new();
                while let Some(ByteBuf(chunk)) = seq.next_element()? {
                    chunks.push(chunk);
                }
                Ok(chunks)
            }
        }
        d.deserialize_seq(V)
    }
}

/// A list of texts read without copying them when the format hands out borrowed strings.
mod texts {
    use std::borrow::Cow;

    use serde::Deserializer;
    use serde::de::{SeqAccess, Visitor};

    struct Text<'de>(Cow<'de, str>);

    impl<'de> serde::Deserialize<'de> for Text<'de> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text<'de>, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Text<'de>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a text")
                }
                fn visit_borrowed_str<E: serde::de::Error>(
                    self,
                    v: &'de str,
                ) -> Result<Text<'de>, E> {
                    Ok(Text(Cow::Borrowed(v)))
                }
                fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                    Ok(Text(Cow::Owned(v.to_owned())))
                }
            }
            d.deserialize_str(V)
        }
    }

    pub(super) fn deserialize<'de: 'a, 'a, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Cow<'a, str>>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Cow<'de, str>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of texts")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut texts = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(Text(text)) = seq.next_element()? {
                    texts.push(text);
                }
                Ok(texts)
            }
        }
        d.deserialize_seq(V)
    }
}

/// The version byte that opens an entry encoded on its own ([`encode_standalone`]).
/// Version 1 kept every decision whole as JSON; version 2 keeps a shared decision as its
/// body (rule set, outcome, findings) in JSON and its request in the compact entry, so a
/// reader can parse each distinct body once ([`StandaloneDecoder`]).
const STANDALONE_VERSION: u8 = 2;

/// One entry encoded on its own, for a store: the journal's compact encoding of the entry,
/// preceded by its own symbol table (the strings and accounts the entry names) and its
/// decision, so that it decodes without the rest of the journal.
///
/// Layout: version byte, sequence, effective date (days from CE), the texts (count, then
/// each string), the accounts (count, then each symbol's text), the decision (0; 1 and
/// the whole decision as JSON; or 2 and its shared body as JSON), then the compact entry.
///
/// The entry is `sequence` holding `command` and `decision`, given apart so that a caller
/// holding a command and its receipt (a write-ahead batch) need not copy the command.
pub(crate) fn encode_standalone(
    sequence: u64,
    command: &Command,
    decision: Option<&Arc<Decision>>,
) -> Result<Vec<u8>, serde_json::Error> {
    let mut local = Journal::default();
    let mut body = Vec::with_capacity(64);
    local.encode(&mut body, command, decision);
    let mut out = Vec::with_capacity(body.len().saturating_add(64));
    out.push(STANDALONE_VERSION);
    put_u64(&mut out, sequence);
    put_i64(&mut out, i64::from(days(command.date)));
    put_u64(&mut out, local.symbols.texts.len() as u64);
    for text in &local.symbols.texts {
        put_str(&mut out, text);
    }
    put_u64(&mut out, local.symbols.accounts.len() as u64);
    for account in &local.symbols.accounts {
        put_str(&mut out, &account.lossless());
    }
    match (local.decisions.first(), local.bodies.list.first()) {
        (Some(decision), _) => {
            out.push(1);
            put_str(&mut out, &serde_json::to_string(&**decision)?);
        }
        (None, Some(shared)) => {
            out.push(2);
            put_str(&mut out, &shared.to_json_cached()?);
        }
        (None, None) => out.push(0),
    }
    out.extend_from_slice(&body);
    Ok(out)
}

/// [`encode_standalone`] of a whole entry.
#[cfg(test)]
pub(crate) fn encode_entry(entry: &JournalEntry) -> Result<Vec<u8>, serde_json::Error> {
    encode_standalone(entry.sequence, &entry.command, entry.decision.as_ref())
}

/// Decodes an entry written by [`encode_standalone`]; `None` if the bytes are not one
/// whole entry.
#[cfg(test)]
pub(crate) fn decode_standalone(bytes: &[u8]) -> Option<JournalEntry> {
    StandaloneDecoder::default().decode(bytes)
}

/// Decodes entries written by [`encode_standalone`] (versions 1 and 2), parsing each
/// distinct shared decision body once: opening a store reads a million entries whose
/// decisions share a handful of bodies.
#[derive(Debug, Default)]
pub(crate) struct StandaloneDecoder {
    /// Body JSON already parsed, by its bytes.
    parsed: foldhash::HashMap<Box<[u8]>, Body>,
    /// The bodies of the last few entries, by their bytes: a store's entries share a
    /// handful of bodies (about 2 KB each with the built-in rules), found again by
    /// comparing bytes, without hashing them or checking them for UTF-8 again.
    recent_bodies: Vec<(Box<[u8]>, Body)>,
    /// The one-entry journal each entry is decoded with, emptied and reused.
    local: Journal,
    /// The texts and accounts of the last few entries: actors, funds holders and accounts
    /// repeat from entry to entry, and are then shared rather than allocated or parsed.
    recent_texts: Vec<Arc<str>>,
    recent_accounts: Vec<(Box<str>, AccountSymbol)>,
}

/// How many recent texts and accounts [`StandaloneDecoder`] keeps.
const RECENT: usize = 8;

/// The value at `at` of `recent` moved to the front, or (`at` is `None`) `new()` added
/// at the front, the oldest dropped past [`RECENT`]; the value at the front is returned.
fn remember<T>(
    recent: &mut Vec<T>,
    at: Option<usize>,
    new: impl FnOnce() -> Option<T>,
) -> Option<&T> {
    match at.and_then(|at| recent.get_mut(..=at)) {
        Some(front) => front.rotate_right(1),
        None => {
            recent.truncate(RECENT.saturating_sub(1));
            recent.insert(0, new()?);
        }
    }
    recent.first()
}

impl StandaloneDecoder {
    /// The entry in `bytes`; `None` if the bytes are not one whole entry.
    pub(crate) fn decode(&mut self, bytes: &[u8]) -> Option<JournalEntry> {
        let mut r = Reader { bytes };
        let version = r.byte()?;
        if version != 1 && version != STANDALONE_VERSION {
            return None;
        }
        let sequence = r.u64()?;
        let date = from_days(r.i64()?)?;
        let local = &mut self.local;
        local.symbols.clear();
        local.decisions.clear();
        local.bodies.list.clear();
        let texts = r.u64()?;
        for _ in 0..texts {
            // Compared as bytes, checked for UTF-8 only when new.
            let text = r.bytes()?;
            let at = self.recent_texts.iter().position(|t| t.as_bytes() == text);
            let shared = remember(&mut self.recent_texts, at, || {
                Some(Arc::from(std::str::from_utf8(text).ok()?))
            })?;
            local.symbols.texts.push(Arc::clone(shared));
        }
        let accounts = r.u64()?;
        for _ in 0..accounts {
            let text = r.bytes()?;
            let at = self
                .recent_accounts
                .iter()
                .position(|(t, _)| t.as_bytes() == text);
            let (_, account) = remember(&mut self.recent_accounts, at, || {
                let text = std::str::from_utf8(text).ok()?;
                Some((Box::from(text), text.parse().ok()?))
            })?;
            local.symbols.accounts.push(*account);
        }
        match r.byte()? {
            0 => {}
            1 => {
                let decision: Decision = serde_json::from_str(r.string()?).ok()?;
                local.decisions.push(Arc::new(decision));
            }
            2 if version == STANDALONE_VERSION => {
                let json = r.bytes()?;
                let at = self.recent_bodies.iter().position(|(b, _)| **b == *json);
                let parsed = &mut self.parsed;
                let (_, body) = remember(&mut self.recent_bodies, at, || {
                    let body = match parsed.get(json) {
                        Some(body) => body.clone(),
                        None => {
                            // Checked for UTF-8 once, when first parsed: equal bytes are
                            // equally valid.
                            let body = Body::from_json(std::str::from_utf8(json).ok()?)?;
                            parsed.insert(json.into(), body.clone());
                            body
                        }
                    };
                    Some((Box::from(json), body))
                })?;
                local.bodies.list.push(body.clone());
            }
            _ => return None,
        }
        let entry = local.decode(&mut r, sequence, date)?;
        r.bytes.is_empty().then_some(entry)
    }
}

/// Interned strings and account symbols. Text symbols are shared `Arc<str>`s, so a decoded
/// funds holder, actor or document shares the journal's copy.
///
/// The index from text to symbol is needed only to intern a text (to encode an entry, or
/// write a checkpoint), not to decode one: a table loaded from a checkpoint (half a
/// million texts at a million entries) is indexed when the first text is interned after
/// it, not while the checkpoint loads ([`Symbols::index_texts`]).
#[derive(Debug, Clone, Default)]
pub(super) struct Symbols {
    texts: Vec<Arc<str>>,
    /// The symbols of `texts[..indexed]` by their text.
    text_index: foldhash::HashMap<Arc<str>, u32>,
    indexed: usize,
    accounts: Vec<AccountSymbol>,
    account_index: foldhash::HashMap<AccountSymbol, u32>,
}

impl Symbols {
    fn text(&mut self, text: &str) -> u32 {
        self.index_texts();
        if let Some(&i) = self.text_index.get(text) {
            return i;
        }
        let i = u32::try_from(self.texts.len()).unwrap_or(u32::MAX);
        let shared: Arc<str> = Arc::from(text);
        self.texts.push(Arc::clone(&shared));
        self.text_index.insert(shared, i);
        self.indexed = self.texts.len();
        i
    }

    /// Indexes the texts added without interning (by [`Symbols::with_texts`]). A text
    /// found twice keeps its first symbol: either decodes to the same text.
    fn index_texts(&mut self) {
        if self.indexed == self.texts.len() {
            return;
        }
        if self.indexed > self.texts.len() {
            self.text_index.clear();
            self.indexed = 0;
        }
        self.text_index
            .reserve(self.texts.len().saturating_sub(self.indexed));
        for (i, text) in self.texts.iter().enumerate().skip(self.indexed) {
            let Ok(i) = u32::try_from(i) else { break };
            self.text_index.entry(Arc::clone(text)).or_insert(i);
        }
        self.indexed = self.texts.len();
    }

    /// Appends `texts` as the next symbols, in their order, without indexing them yet.
    fn with_texts<'t>(&mut self, texts: impl ExactSizeIterator<Item = &'t str>) {
        self.texts.reserve(texts.len());
        self.texts.extend(texts.map(Arc::from));
    }

    /// The number of text symbols.
    #[cfg(test)]
    pub(super) fn text_count(&self) -> usize {
        self.texts.len()
    }

    /// Forgets every text and account (a table reused for one entry after another).
    fn clear(&mut self) {
        self.texts.clear();
        self.text_index.clear();
        self.indexed = 0;
        self.accounts.clear();
        self.account_index.clear();
    }

    fn account(&mut self, account: AccountSymbol) -> u32 {
        if let Some(&i) = self.account_index.get(&account) {
            return i;
        }
        let i = u32::try_from(self.accounts.len()).unwrap_or(u32::MAX);
        self.accounts.push(account);
        self.account_index.insert(account, i);
        i
    }

    fn get_shared(&self, i: u64) -> Option<&Arc<str>> {
        self.texts.get(usize::try_from(i).ok()?)
    }

    fn get_account(&self, i: u64) -> Option<AccountSymbol> {
        self.accounts.get(usize::try_from(i).ok()?).copied()
    }
}

/// A value in the journal's compact encoding: the fields of an [`Action`] (whose own
/// impl the action table in `command.rs` derives) and what they are made of. Repeated
/// strings (accounts, funds holders, documents) are interned in the journal's [`Symbols`].
pub(super) trait Compact: Sized {
    /// Appends the value's bytes to `out`.
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols);
    /// Reads a value written by [`Compact::put`]; `None` if the bytes are not one.
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self>;
}

impl Compact for AccountSymbol {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        put_u64(out, u64::from(symbols.account(*self)));
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        symbols.get_account(r.u64()?)
    }
}

impl Compact for FundsHolder {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        put_u64(out, u64::from(symbols.text(self.as_str())));
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        symbols
            .get_shared(r.u64()?)
            .and_then(FundsHolder::from_validated)
    }
}

impl Compact for DocumentId {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        put_u64(out, u64::from(symbols.text(self.as_str())));
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        symbols
            .get_shared(r.u64()?)
            .and_then(DocumentId::from_validated)
    }
}

impl Compact for String {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_str(out, self);
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        r.string().map(str::to_owned)
    }
}

impl Compact for Money {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_money(out, *self);
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        r.money()
    }
}

impl Compact for NaiveDate {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_i64(out, i64::from(days(*self)));
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        from_days(r.i64()?)
    }
}

/// An optional value: a byte, 0 for none, else 1 and the value.
impl<T: Compact> Compact for Option<T> {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        match self {
            None => out.push(0),
            Some(value) => {
                out.push(1);
                value.put(out, symbols);
            }
        }
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        match r.byte()? {
            0 => Some(None),
            _ => T::get(r, symbols).map(Some),
        }
    }
}

impl Compact for Rate {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        out.extend_from_slice(&self.percent().serialize());
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        Rate::from_percent(Decimal::deserialize(r.array16()?)).ok()
    }
}

impl Compact for Rounding {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        out.push(match self {
            Rounding::HalfEven => 0,
            Rounding::HalfAwayFromZero => 1,
            Rounding::TowardZero => 2,
            Rounding::AwayFromZero => 3,
        });
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        match r.byte()? {
            0 => Some(Rounding::HalfEven),
            1 => Some(Rounding::HalfAwayFromZero),
            2 => Some(Rounding::TowardZero),
            3 => Some(Rounding::AwayFromZero),
            _ => None,
        }
    }
}

impl Compact for FiscalYear {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_i64(out, i64::from(self.year()));
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        FiscalYear::new(i32::try_from(r.i64()?).ok()?).ok()
    }
}

impl Compact for ProgramKind {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        out.push(program_code(*self));
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        program_of(r.byte()?)
    }
}

impl Compact for Vec<ProgramKind> {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_programs(out, self);
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        r.programs()
    }
}

impl Compact for CountryCode {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        put_u64(out, u64::from(self.index()));
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        CountryCode::from_index(usize::try_from(r.u64()?).ok()?)
    }
}

impl Compact for AllocationKey {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        put_key(out, symbols, self);
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        r.key(symbols)
    }
}

impl Compact for Instrument {
    fn put(&self, out: &mut Vec<u8>, _: &mut Symbols) {
        out.push(instrument_code(*self));
    }
    fn get(r: &mut Reader<'_>, _: &Symbols) -> Option<Self> {
        instrument_of(r.byte()?)
    }
}

impl Compact for Apportionment {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        match self {
            Apportionment::ByPeriod { from } => {
                out.push(0);
                from.put(out, symbols);
            }
            Apportionment::ByProgram { program } => {
                out.push(1);
                program.put(out, symbols);
            }
        }
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        match r.byte()? {
            0 => Some(Apportionment::ByPeriod {
                from: Compact::get(r, symbols)?,
            }),
            1 => Some(Apportionment::ByProgram {
                program: Compact::get(r, symbols)?,
            }),
            _ => None,
        }
    }
}

impl Compact for Funding {
    fn put(&self, out: &mut Vec<u8>, symbols: &mut Symbols) {
        match self {
            Funding::Commitment => out.push(0),
            Funding::Allocation { key } => {
                out.push(1);
                key.put(out, symbols);
            }
            Funding::Allotment { key } => {
                out.push(2);
                key.put(out, symbols);
            }
        }
    }
    fn get(r: &mut Reader<'_>, symbols: &Symbols) -> Option<Self> {
        match r.byte()? {
            0 => Some(Funding::Commitment),
            1 => Some(Funding::Allocation {
                key: Compact::get(r, symbols)?,
            }),
            2 => Some(Funding::Allotment {
                key: Compact::get(r, symbols)?,
            }),
            _ => None,
        }
    }
}

/// Append-only byte storage in chunks, so that growing it never copies what is stored.
#[derive(Debug, Clone, Default)]
struct Arena {
    chunks: Vec<Vec<u8>>,
}

const CHUNK: usize = 1 << 22;

impl Arena {
    fn push(&mut self, bytes: &[u8]) -> u64 {
        let fits = self
            .chunks
            .last()
            .is_some_and(|c| c.capacity().saturating_sub(c.len()) >= bytes.len());
        if !fits {
            self.chunks.push(Vec::with_capacity(CHUNK.max(bytes.len())));
        }
        let chunk = self.chunks.len().saturating_sub(1);
        let Some(last) = self.chunks.last_mut() else {
            return 0;
        };
        let offset = last.len();
        last.extend_from_slice(bytes);
        ((chunk as u64) << 32) | (offset as u64)
    }

    fn reader(&self, at: u64) -> Option<Reader<'_>> {
        let chunk = self.chunks.get(usize::try_from(at >> 32).ok()?)?;
        let offset = usize::try_from(at & 0xFFFF_FFFF).ok()?;
        Some(Reader {
            bytes: chunk.get(offset..)?,
        })
    }
}

pub(super) struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader of `bytes`.
    pub(super) fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    /// `true` when every byte has been read.
    pub(super) fn is_done(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(super) fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.bytes.split_first()?;
        self.bytes = rest;
        Some(b)
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        // Most numbers (symbols, counts, small amounts) take one byte.
        let (&first, rest) = self.bytes.split_first()?;
        if first & 0x80 == 0 {
            self.bytes = rest;
            return Some(u64::from(first));
        }
        let mut value = u64::from(first & 0x7F);
        let mut shift = 7u32;
        for (i, &b) in rest.iter().enumerate().take(9) {
            value |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                self.bytes = rest.get(i.checked_add(1)?..)?;
                return Some(value);
            }
            shift = shift.checked_add(7)?;
        }
        // Ten bytes without an end, or the bytes ran out.
        self.bytes = &[];
        None
    }

    fn i64(&mut self) -> Option<i64> {
        let z = self.u64()?;
        // Zigzag: 0, -1, 1, -2, ... map to 0, 1, 2, 3, ...
        Some(((z >> 1) as i64) ^ ((z & 1) as i64).wrapping_neg())
    }

    fn string(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.bytes()?).ok()
    }

    /// A length-prefixed run of bytes (as [`put_str`] writes a text), not checked.
    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        let (bytes, rest) = self.bytes.split_at_checked(len)?;
        self.bytes = rest;
        Some(bytes)
    }

    fn array16(&mut self) -> Option<[u8; 16]> {
        let (head, rest) = self.bytes.split_at_checked(16)?;
        self.bytes = rest;
        head.try_into().ok()
    }

    fn money(&mut self) -> Option<Money> {
        match self.byte()? {
            0 => Some(Money::from_cents(self.i64()?)),
            _ => Money::from_decimal(
                Decimal::deserialize(self.array16()?),
                crate::money::Rounding::HalfEven,
            )
            .ok(),
        }
    }

    /// An amount written by [`Compact::put`] for [`Money`], refused (`None`) unless it is
    /// a whole number of cents as written: a decimal with more places is never rounded
    /// here (a checkpoint holds amounts exactly as the ledger held them).
    pub(super) fn exact_money(&mut self) -> Option<Money> {
        match self.byte()? {
            0 => Some(Money::from_cents(self.i64()?)),
            1 => {
                let decimal = Decimal::deserialize(self.array16()?);
                Money::from_decimal(decimal, crate::money::Rounding::HalfEven)
                    .ok()
                    .filter(|money| money.to_decimal() == decimal)
            }
            _ => None,
        }
    }

    fn programs(&mut self) -> Option<Vec<ProgramKind>> {
        let n = usize::try_from(self.u64()?).ok()?;
        (0..n).map(|_| program_of(self.byte()?)).collect()
    }

    fn key(&mut self, s: &Symbols) -> Option<AllocationKey> {
        let holder = FundsHolder::from_validated(s.get_shared(self.u64()?)?)?;
        let program = program_of(self.byte()?)?;
        let partner = match self.byte()? {
            0 => None,
            _ => {
                let code = self.u64()?;
                CountryCode::from_index(usize::try_from(code).ok()?)
            }
        };
        Some(AllocationKey {
            holder,
            program,
            partner,
        })
    }
}

pub(super) fn put_u64(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let low = (value & 0x7F) as u8;
        value >>= 7;
        if value == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

fn put_i64(out: &mut Vec<u8>, value: i64) {
    put_u64(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn put_str(out: &mut Vec<u8>, text: &str) {
    put_u64(out, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

fn put_money(out: &mut Vec<u8>, amount: Money) {
    match amount.to_cents() {
        Ok(cents) => {
            out.push(0);
            put_i64(out, cents);
        }
        Err(_) => {
            out.push(1);
            out.extend_from_slice(&amount.to_decimal().serialize());
        }
    }
}

fn put_programs(out: &mut Vec<u8>, programs: &[ProgramKind]) {
    put_u64(out, programs.len() as u64);
    out.extend(programs.iter().map(|p| program_code(*p)));
}

fn put_key(out: &mut Vec<u8>, s: &mut Symbols, key: &AllocationKey) {
    put_u64(out, u64::from(s.text(key.holder.as_str())));
    out.push(program_code(key.program));
    match key.partner {
        None => out.push(0),
        Some(partner) => {
            out.push(1);
            put_u64(out, u64::from(partner.index()));
        }
    }
}

fn program_code(program: ProgramKind) -> u8 {
    ProgramKind::ALL
        .iter()
        .position(|p| *p == program)
        .and_then(|i| u8::try_from(i).ok())
        .unwrap_or(u8::MAX)
}

fn program_of(code: u8) -> Option<ProgramKind> {
    ProgramKind::ALL.get(usize::from(code)).copied()
}

fn instrument_code(instrument: Instrument) -> u8 {
    match instrument {
        Instrument::Enrollment => 0,
        Instrument::GrantAgreement => 1,
        Instrument::Loan => 2,
        Instrument::LoanGuarantee => 3,
        Instrument::SalesCase => 4,
        Instrument::Transfer => 5,
        Instrument::Lease => 6,
        Instrument::Other => 7,
    }
}

fn instrument_of(code: u8) -> Option<Instrument> {
    Some(match code {
        0 => Instrument::Enrollment,
        1 => Instrument::GrantAgreement,
        2 => Instrument::Loan,
        3 => Instrument::LoanGuarantee,
        4 => Instrument::SalesCase,
        5 => Instrument::Transfer,
        6 => Instrument::Lease,
        7 => Instrument::Other,
        _ => return None,
    })
}

fn days(date: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&date)
}

fn from_days(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days).ok()?)
}

impl Serialize for Journal {
    /// `{"format_version": "1.0", "entries": [...]}` ([`FormatVersion::CURRENT`]).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Entries<'a>(&'a Journal);
        impl Serialize for Entries<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_seq(self.0.iter())
            }
        }
        let mut out = serializer.serialize_struct("Journal", 2)?;
        out.serialize_field("format_version", &FormatVersion::CURRENT)?;
        out.serialize_field("entries", &Entries(self))?;
        out.end()
    }
}

impl<'de> Deserialize<'de> for Journal {
    /// Reads the envelope (`format_version` must be one this crate reads, see
    /// [`FormatVersion`]; unknown or repeated fields are refused), or a bare array of
    /// entries, the format `1.0` journal written before the envelope existed.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Journal, D::Error> {
        use serde::de::Error;
        struct Entries(Journal);
        impl<'de> Deserialize<'de> for Entries {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Entries, D::Error> {
                deserializer.deserialize_seq(Visitor).map(Entries)
            }
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Journal;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a journal: {\"format_version\": \"1.0\", \"entries\": [...]} (or a bare array of entries, format 1.0)",
                )
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Journal, A::Error> {
                // Entries are encoded one by one as they are read, never held all at once.
                let mut journal = Journal::default();
                while let Some(entry) = seq.next_element::<JournalEntry>()? {
                    journal.push(entry);
                }
                Ok(journal)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Journal, A::Error> {
                const FIELDS: &[&str] = &["format_version", "entries"];
                let mut version: Option<FormatVersion> = None;
                let mut entries: Option<Journal> = None;
                // Entries met before the version (a map that sorts its keys) wait as JSON
                // until the version is known to be one this crate reads.
                let mut early: Option<serde_json::Value> = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match &*key {
                        "format_version" if version.is_none() => {
                            version = Some(map.next_value()?);
                        }
                        "entries" if entries.is_none() && early.is_none() => {
                            if version.is_some() {
                                entries = Some(map.next_value::<Entries>()?.0);
                            } else {
                                early = Some(map.next_value()?);
                            }
                        }
                        "format_version" | "entries" => {
                            return Err(A::Error::custom(format_args!("duplicate field `{key}`")));
                        }
                        other => return Err(A::Error::unknown_field(other, FIELDS)),
                    }
                }
                if version.is_none() {
                    return Err(A::Error::missing_field("format_version"));
                }
                match (entries, early) {
                    (Some(entries), _) => Ok(entries),
                    (None, Some(early)) => Entries::deserialize(early)
                        .map(|e| e.0)
                        .map_err(A::Error::custom),
                    (None, None) => Err(A::Error::missing_field("entries")),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// serde for a shared decision, without serde's `rc` feature.
pub(crate) mod shared {
    use std::sync::Arc;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::eligibility::Decision;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<Arc<Decision>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.as_deref().serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Arc<Decision>>, D::Error> {
        Ok(Option::<Decision>::deserialize(deserializer)?.map(Arc::new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_action_round_trips_through_the_compact_encoding() {
        let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
        let other: AccountSymbol = "097-X2008-0100".parse().unwrap();
        let key = AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Financing,
            Some("JOR".parse().unwrap()),
        );
        let regional = AllocationKey::new("DSCA".parse().unwrap(), ProgramKind::Training, None);
        let doc: DocumentId = "JO-D-GAA".parse().unwrap();
        let m = |s: &str| s.parse::<Money>().unwrap();
        let huge = Money::from_decimal(
            "79228162514264337593543950.33".parse().unwrap(),
            crate::money::Rounding::HalfEven,
        )
        .unwrap();
        let actions = vec![
            Action::Appropriate {
                account,
                title: "FMF — ünïcode".into(),
                purposes: vec![ProgramKind::Financing, ProgramKind::Sales],
                amount: m("4536000000"),
                law: "P.L. 110-161".into(),
            },
            Action::ContinuingResolution {
                account,
                title: "t".into(),
                purposes: vec![ProgramKind::Training],
                annual_rate: huge,
                through: day(2007, 11, 16),
                seasonal_limit: Some("13.42".parse().unwrap()),
                law: "l".into(),
            },
            Action::ContinuingResolution {
                account,
                title: String::new(),
                purposes: vec![],
                annual_rate: m("1"),
                through: day(2007, 11, 16),
                seasonal_limit: None,
                law: "l".into(),
            },
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod {
                    from: day(2008, 1, 1),
                },
                amount: m("-5.01"),
            },
            Action::Apportion {
                account,
                category: Apportionment::ByProgram {
                    program: ProgramKind::Leases,
                },
                amount: m("5"),
            },
            Action::Allot {
                account,
                holder: "PM".parse().unwrap(),
                amount: m("1"),
            },
            Action::Allocate {
                account,
                key: key.clone(),
                amount: m("-2"),
            },
            Action::Commit {
                account,
                document: doc.clone(),
                key: regional.clone(),
                amount: m("3"),
            },
            Action::Decommit {
                account,
                document: doc.clone(),
                amount: m("0.01"),
            },
            Action::Obligate {
                account,
                document: doc.clone(),
                instrument: Instrument::Loan,
                funding: Funding::Commitment,
                amount: m("4"),
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
            Action::Obligate {
                account,
                document: doc.clone(),
                instrument: Instrument::Other,
                funding: Funding::Allocation { key: key.clone() },
                amount: m("4"),
                object_class: Some("25.5".parse().unwrap()),
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
            Action::Obligate {
                account,
                document: doc.clone(),
                instrument: Instrument::Lease,
                funding: Funding::Allotment {
                    key: regional.clone(),
                },
                amount: m("4"),
                object_class: Some(ObjectClass::GRANTS),
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
            Action::AdjustObligation {
                account,
                document: doc.clone(),
                amount: m("-4"),
            },
            Action::Disburse {
                account,
                document: doc.clone(),
                amount: m("4"),
            },
            Action::Refund {
                account,
                document: doc.clone(),
                amount: m("4"),
            },
            Action::Transfer {
                from: account,
                to: other,
                amount: m("9"),
                authority: "FAA 610".into(),
            },
            Action::Reprogram {
                account,
                from: key.clone(),
                to: regional.clone(),
                amount: m("9"),
                authority: "634A".into(),
                notified: None,
            },
            Action::Reprogram {
                account,
                from: key.clone(),
                to: regional.clone(),
                amount: m("9"),
                authority: "634A".into(),
                notified: Some(day(2007, 12, 1)),
            },
            Action::Rescind {
                account,
                amount: m("9"),
                law: "x".into(),
            },
            Action::ChargeToCurrent {
                cancelled: other,
                document: doc.clone(),
                current: account,
                key,
                amount: m("1"),
            },
            Action::Collect {
                account,
                document: "COLL-1".parse().unwrap(),
                payer: "GBR".parse().unwrap(),
                amount: m("2500.75"),
                authority: "6 U.S.C. 195c(d)".into(),
            },
            Action::CollectEarned {
                account,
                document: "COLL-2".parse().unwrap(),
                payer: "COL".parse().unwrap(),
                amount: m("42000"),
                authority: "22 U.S.C. 2392(d)".into(),
                earned: NaiveDate::from_ymd_opt(2008, 9, 30).unwrap(),
            },
            Action::ReverseCollection {
                account,
                document: "COLL-1".parse().unwrap(),
                amount: m("0.75"),
                reason: "overpayment returned".into(),
            },
            Action::OpenFinancingAccount {
                account: "011-X2008-4122".parse().unwrap(),
                program: account,
                title: "FMF direct loan financing account".into(),
                law: "2 U.S.C. 661d(b)".into(),
                kind: crate::budget::credit::CreditKind::DirectLoan,
            },
            Action::OpenFinancingAccount {
                account: "011-X2008-4123".parse().unwrap(),
                program: account,
                title: "FMF guaranteed loan financing account".into(),
                law: "2 U.S.C. 661d(b)".into(),
                kind: crate::budget::credit::CreditKind::LoanGuarantee,
            },
            Action::ObligateLoan {
                account,
                financing: "011-X2008-4122".parse().unwrap(),
                document: "JO-L-1".parse().unwrap(),
                funding: Funding::Commitment,
                principal: m("50000000"),
                subsidy_rate: "6.53".parse().unwrap(),
                rounding: crate::money::Rounding::TowardZero,
                rate_source: "FY2008 supplement".into(),
            },
            Action::DisburseLoan {
                financing: "011-X2008-4122".parse().unwrap(),
                document: "JO-L-1".parse().unwrap(),
                amount: m("17500000.01"),
            },
            Action::CollectLoan {
                financing: "011-X2008-4122".parse().unwrap(),
                document: "JO-L-1".parse().unwrap(),
                principal: m("5000000"),
                interest: m("0"),
            },
            Action::RepayTreasury {
                financing: "011-X2008-4122".parse().unwrap(),
                cohort: FiscalYear::new(2008).unwrap(),
                principal: m("0"),
                interest: m("2000000.5"),
            },
            Action::UpwardReestimate {
                account,
                financing: "011-X2008-4122".parse().unwrap(),
                cohort: FiscalYear::new(2008).unwrap(),
                document: "REEST-1".parse().unwrap(),
                amount: m("120000"),
            },
            Action::DownwardReestimate {
                financing: "011-X2008-4122".parse().unwrap(),
                cohort: FiscalYear::new(9999).unwrap(),
                receipt: "011-X2008-2714".parse().unwrap(),
                amount: m("70000"),
            },
            Action::CollectGuaranteeFee {
                financing: "011-X2008-4123".parse().unwrap(),
                document: "JO-G-1".parse().unwrap(),
                amount: m("300000"),
            },
            Action::PayDefaultClaim {
                financing: "011-X2008-4123".parse().unwrap(),
                document: "JO-G-1".parse().unwrap(),
                amount: m("2000000.01"),
            },
            Action::Justify {
                account,
                program: ProgramKind::Financing,
                partner: Some("JOR".parse().unwrap()),
                amount: m("200000000"),
                level_653a: Some(m("250000000.5")),
                source: "FY2008 CBJ".into(),
            },
            Action::Justify {
                account,
                program: ProgramKind::Training,
                partner: None,
                amount: m("1"),
                level_653a: None,
                source: "FY2008 CBJ".into(),
            },
        ];
        let entries: Vec<JournalEntry> = actions
            .into_iter()
            .enumerate()
            .map(|(i, action)| JournalEntry {
                sequence: i as u64 * 3,
                command: Command::new(
                    format!("c{i}").parse().unwrap(),
                    day(2008, 1, 2),
                    "me".parse().unwrap(),
                    action,
                )
                .recorded_on(day(2008, 1, 2) + chrono::Days::new(i as u64)),
                decision: None,
            })
            .collect();
        for entry in &entries {
            let bytes = encode_entry(entry).unwrap();
            assert_eq!(decode_standalone(&bytes).as_ref(), Some(entry));
            // A truncated or extended entry is not an entry.
            assert_eq!(decode_standalone(&bytes[..bytes.len() - 1]), None);
            let mut longer = bytes.clone();
            longer.push(0);
            assert_eq!(decode_standalone(&longer), None);
        }
        let journal = Journal::from_entries(entries.clone());
        assert_eq!(journal.to_entries(), entries);
        assert_eq!(journal.len(), entries.len());
        assert_eq!(journal.id_text_at(3), Some("c3"));
        assert_eq!(journal.find(day(2008, 1, 2), 6), Some(2));
        assert_eq!(journal.find(day(2008, 1, 2), 7), None);
        let json = serde_json::to_string(&journal).unwrap();
        assert_eq!(serde_json::from_str::<Journal>(&json).unwrap(), journal);
    }

    /// The stored encoding of every action, as main wrote it before the action table
    /// derived it (`tests/data/encoding/journal_entries.json`, bytes from `encode_standalone` at
    /// commit 9da25cd, version 1): stores and checkpoints written then must still read, so
    /// the table may only append variants, never reorder variants or fields. Version 2
    /// changed only how a decision is kept, so an entry without one is written as before
    /// but for the version byte.
    #[test]
    fn the_encoding_of_every_action_is_unchanged() {
        #[derive(Deserialize)]
        struct Case {
            entry: JournalEntry,
            bytes: String,
        }
        let cases: Vec<Case> = serde_json::from_str(include_str!(
            "../../tests/data/encoding/journal_entries.json"
        ))
        .unwrap();
        let mut names = std::collections::BTreeSet::new();
        for case in &cases {
            let hex: String = encode_entry(&case.entry)
                .unwrap()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(&hex[..2], "02");
            assert_eq!(&case.bytes[..2], "01");
            assert_eq!(hex[2..], case.bytes[2..], "{:?}", case.entry.command.action);
            let bytes: Vec<u8> = (0..case.bytes.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&case.bytes[i..i + 2], 16).unwrap())
                .collect();
            assert_eq!(decode_standalone(&bytes).as_ref(), Some(&case.entry));
            names.insert(case.entry.command.action.name());
        }
        assert_eq!(names.len(), 16, "every action is in the file: {names:?}");
    }

    /// A reprogramming's notice date is written after flag bit 7 as days before the
    /// command; one without a notice keeps the bytes it had before the field existed, and
    /// bit 7 on another action is not an entry.
    #[test]
    fn a_reprogramming_notice_sets_flag_bit_7_and_reads_back() {
        let key = AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Financing,
            Some("JOR".parse().unwrap()),
        );
        let command = |action| {
            Command::new(
                "r".parse().unwrap(),
                day(2008, 3, 16),
                "me".parse().unwrap(),
                action,
            )
        };
        let entry = |notified: Option<NaiveDate>| JournalEntry {
            sequence: 4,
            command: command(Action::Reprogram {
                account: "011-2008/2009-1082".parse().unwrap(),
                from: AllocationKey::new("DSCA".parse().unwrap(), ProgramKind::Financing, None),
                to: key.clone(),
                amount: "1".parse().unwrap(),
                authority: "634A".into(),
                notified,
            }),
            decision: None,
        };
        let plain = encode_entry(&entry(None)).unwrap();
        for notified in [day(2008, 3, 1), day(2008, 3, 16), day(1990, 1, 1)] {
            let bytes = encode_entry(&entry(Some(notified))).unwrap();
            assert_eq!(decode_standalone(&bytes), Some(entry(Some(notified))));
            let flag_at = plain.iter().zip(&bytes).position(|(a, b)| a != b).unwrap();
            assert_eq!(bytes[flag_at] & 0b1000_0000, 0b1000_0000);
            assert_eq!(bytes[flag_at] & 0b0111_1111, plain[flag_at]);
            // The bytes after the flag, less the date, are the plain entry's.
            assert_eq!(
                bytes[bytes.len() - (plain.len() - flag_at - 1)..],
                plain[flag_at + 1..]
            );
        }
        // Bit 7 on a disbursement is not an entry.
        let disburse = JournalEntry {
            sequence: 0,
            command: command(Action::Disburse {
                account: "011-2008/2009-1082".parse().unwrap(),
                document: "JO-R-1".parse().unwrap(),
                amount: "1".parse().unwrap(),
            }),
            decision: None,
        };
        let bytes = encode_entry(&disburse).unwrap();
        let mut body = Vec::new();
        Journal::default().encode(&mut body, &disburse.command, disburse.decision.as_ref());
        // The body ends the bytes: the id "r" (2 bytes), the recorded offset and the actor
        // (1 each), then the flags.
        let flag_at = bytes.len() - body.len() + 4;
        assert_eq!(bytes[flag_at], 0);
        let mut flagged = bytes[..=flag_at].to_vec();
        flagged[flag_at] |= 0b1000_0000;
        flagged.push(30);
        flagged.extend_from_slice(&bytes[flag_at + 1..]);
        assert_eq!(decode_standalone(&flagged), None);
        // JSON: no notice, no field; a notice, its date.
        let json = serde_json::to_string(&entry(None).command).unwrap();
        assert!(!json.contains("notified"), "{json}");
        let json = serde_json::to_string(&entry(Some(day(2008, 3, 1))).command).unwrap();
        assert!(json.contains(r#""notified":"2008-03-01""#), "{json}");
        assert_eq!(
            serde_json::from_str::<Command>(&json).unwrap(),
            entry(Some(day(2008, 3, 1))).command
        );
    }

    /// A built-in decision on an obligation of `amount` on `document` to `partner`.
    fn builtin_decision(
        partner: &str,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
        amount: Option<Money>,
        document: Option<&str>,
        stage: Stage,
    ) -> Decision {
        use crate::eligibility::{EligibilityCheck, Engine, Facts, RuleSet};
        let mut request =
            EligibilityRequest::new(partner.parse().unwrap(), ProgramKind::Financing, date);
        request.known_on = known_on;
        request.amount = amount;
        request.document = document.map(str::to_owned);
        request.department = Department::Defense;
        request.stage = stage;
        Engine::new(Facts::new(), RuleSet::builtin()).decide(&request)
    }

    fn obligation(i: u64, decision: Decision) -> JournalEntry {
        let date = day(2008, 1, 2)
            .checked_add_days(chrono::Days::new(i))
            .unwrap();
        JournalEntry {
            sequence: i,
            command: Command::new(
                format!("c{i}").parse().unwrap(),
                date,
                "me".parse().unwrap(),
                Action::Disburse {
                    account: "011-2008/2009-1082".parse().unwrap(),
                    document: format!("D{i}").parse().unwrap(),
                    amount: "10".parse().unwrap(),
                },
            )
            .recorded_on(date.checked_add_days(chrono::Days::new(3)).unwrap()),
            decision: Some(Arc::new(decision)),
        }
    }

    #[test]
    fn equal_decision_bodies_are_kept_once_and_every_entry_reads_back_whole() {
        let entries: Vec<JournalEntry> = (0..40u64)
            .map(|i| {
                let date = day(2008, 1, 2)
                    .checked_add_days(chrono::Days::new(i))
                    .unwrap();
                let decision = builtin_decision(
                    if i % 2 == 0 { "JOR" } else { "EGY" },
                    date,
                    (i % 3 != 0).then(|| date.checked_add_days(chrono::Days::new(3)).unwrap()),
                    (i % 5 != 0).then(|| {
                        Money::from_cents(i64::try_from(i).unwrap().checked_mul(101).unwrap())
                    }),
                    (i % 7 != 0).then_some("JO-D-GAA"),
                    if i % 4 == 0 {
                        Stage::Expenditure
                    } else {
                        Stage::Obligation
                    },
                );
                obligation(i, decision)
            })
            .collect();
        let journal = Journal::from_entries(entries.clone());
        assert_eq!(journal.to_entries(), entries);
        // Every decision shares one of a few bodies; none is kept whole.
        assert!(
            journal.bodies.list.len() <= 2,
            "{}",
            journal.bodies.list.len()
        );
        assert!(journal.decisions.is_empty());
        // Decoded decisions share the journal's findings rather than copying them.
        let (a, b) = (journal.get(2).unwrap(), journal.get(6).unwrap());
        let (a, b) = (a.decision.unwrap(), b.decision.unwrap());
        assert!(Arc::ptr_eq(a.shared_parts().2, b.shared_parts().2));
        // The checkpoint form and the JSON wire form read back equal.
        let restored = Journal::from_parts(journal.to_parts_with(|_| ()).unwrap().0).unwrap();
        assert_eq!(restored.to_entries(), entries);
        let json = serde_json::to_string(&journal).unwrap();
        assert_eq!(serde_json::from_str::<Journal>(&json).unwrap(), journal);
        // Standalone entries (version 2) decode alone, and through one decoder that parses
        // each body once.
        let mut decoder = StandaloneDecoder::default();
        for entry in &entries {
            let bytes = encode_entry(entry).unwrap();
            assert_eq!(bytes[0], 2);
            assert_eq!(decode_standalone(&bytes).as_ref(), Some(entry));
            assert_eq!(decoder.decode(&bytes).as_ref(), Some(entry));
            assert_eq!(decoder.decode(&bytes[..bytes.len() - 1]), None);
        }
        assert!(decoder.parsed.len() <= 2);
    }

    #[test]
    fn an_object_class_is_written_after_the_flags_and_read_back_into_the_obligation() {
        let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
        let obligate = |object_class| Action::Obligate {
            account,
            document: "JO-D-GAA".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Commitment,
            amount: "4".parse().unwrap(),
            object_class,
            financed_by: crate::budget::DirectOrReimbursable::Direct,
        };
        let entry = |action| JournalEntry {
            sequence: 0,
            command: Command::new(
                "c".parse().unwrap(),
                day(2008, 1, 2),
                "me".parse().unwrap(),
                action,
            ),
            decision: None,
        };
        let without = encode_entry(&entry(obligate(None))).unwrap();
        let class: ObjectClass = "31.0".parse().unwrap();
        let with = encode_entry(&entry(obligate(Some(class)))).unwrap();
        // The same bytes but for flag bit 4 and the class's code (310, two varint bytes)
        // before the action: an entry without a class is byte for byte what it was before
        // object classes existed.
        assert_eq!(with.len(), without.len() + 2);
        assert_eq!(decode_standalone(&with), Some(entry(obligate(Some(class)))));
        assert_eq!(decode_standalone(&without), Some(entry(obligate(None))));
        // A code not in the table is not an entry: 310 is the varint [0xB6, 0x02], 999
        // is [0xE7, 0x07].
        let at = with.windows(2).position(|w| w == [0xB6, 0x02]).unwrap();
        let mut unknown = with.clone();
        unknown[at] = 0xE7;
        unknown[at + 1] = 0x07;
        assert_eq!(decode_standalone(&unknown), None);
        let json = serde_json::to_string(&entry(obligate(Some(class))).command).unwrap();
        assert!(json.contains(r#""object_class":"31.0""#), "{json}");
        let none = serde_json::to_string(&entry(obligate(None)).command).unwrap();
        assert!(!none.contains("object_class"), "{none}");
        let back: Command = serde_json::from_str(&json).unwrap();
        assert_eq!(back, entry(obligate(Some(class))).command);
        let bad = json.replace("31.0", "31.5");
        assert!(serde_json::from_str::<Command>(&bad).is_err());
    }

    #[test]
    fn a_reimbursable_obligation_sets_flag_bit_5_and_a_direct_one_keeps_its_old_bytes() {
        use crate::budget::DirectOrReimbursable;
        let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
        let entry = |object_class: Option<ObjectClass>, financed_by| JournalEntry {
            sequence: 0,
            command: Command::new(
                "c".parse().unwrap(),
                day(2008, 1, 2),
                "me".parse().unwrap(),
                Action::Obligate {
                    account,
                    document: "JO-R-1".parse().unwrap(),
                    instrument: Instrument::Other,
                    funding: Funding::Commitment,
                    amount: "4".parse().unwrap(),
                    object_class,
                    financed_by,
                },
            ),
            decision: None,
        };
        let class: ObjectClass = "25.2".parse().unwrap();
        for object_class in [None, Some(class)] {
            let direct = encode_entry(&entry(object_class, DirectOrReimbursable::Direct)).unwrap();
            let reimbursable =
                encode_entry(&entry(object_class, DirectOrReimbursable::Reimbursable)).unwrap();
            // Only the flag byte differs, by bit 5.
            assert_eq!(direct.len(), reimbursable.len());
            let diff: Vec<(u8, u8)> = direct
                .iter()
                .zip(&reimbursable)
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (*a, *b))
                .collect();
            assert_eq!(diff.len(), 1, "{diff:?}");
            assert_eq!(diff[0].0 ^ diff[0].1, 0b10_0000);
            assert_eq!(
                decode_standalone(&reimbursable),
                Some(entry(object_class, DirectOrReimbursable::Reimbursable))
            );
            assert_eq!(
                decode_standalone(&direct),
                Some(entry(object_class, DirectOrReimbursable::Direct))
            );
        }
        // Bit 5 on an action that is not an obligation is not an entry.
        let disburse = JournalEntry {
            sequence: 0,
            command: Command::new(
                "d".parse().unwrap(),
                day(2008, 1, 2),
                "me".parse().unwrap(),
                Action::Disburse {
                    account,
                    document: "JO-R-1".parse().unwrap(),
                    amount: "1".parse().unwrap(),
                },
            ),
            decision: None,
        };
        let bytes = encode_entry(&disburse).unwrap();
        let plain = encode_entry(&entry(None, DirectOrReimbursable::Direct)).unwrap();
        let flag_at = plain
            .iter()
            .zip(&encode_entry(&entry(None, DirectOrReimbursable::Reimbursable)).unwrap())
            .position(|(a, b)| a != b)
            .unwrap();
        let mut flagged = bytes.clone();
        flagged[flag_at] |= 0b10_0000;
        assert_ne!(flagged, bytes);
        assert_eq!(decode_standalone(&flagged), None);
        // JSON: a direct obligation leaves the field out; a reimbursable one names it.
        let json = serde_json::to_string(&entry(None, DirectOrReimbursable::Reimbursable).command)
            .unwrap();
        assert!(json.contains(r#""financed_by":"reimbursable""#), "{json}");
        let direct =
            serde_json::to_string(&entry(None, DirectOrReimbursable::Direct).command).unwrap();
        assert!(!direct.contains("financed_by"), "{direct}");
        let back: Command = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back,
            entry(None, DirectOrReimbursable::Reimbursable).command
        );
        assert!(serde_json::from_str::<Command>(&json.replace("reimbursable", "R")).is_err());
    }

    #[test]
    fn a_decision_whose_request_names_subjects_is_kept_whole() {
        let date = day(2008, 1, 2);
        let mut decision = builtin_decision("JOR", date, None, None, None, Stage::Obligation);
        let mut request = decision.request().clone();
        request.subjects = vec![crate::eligibility::Subject::Unit("1st Brigade".to_owned())];
        let (rule_set, outcome, findings) = decision.shared_parts();
        decision = Decision::from_shared(request, rule_set.clone(), outcome, Arc::clone(findings));
        let entry = obligation(0, decision);
        let journal = Journal::from_entries(vec![entry.clone()]);
        assert_eq!(journal.decisions.len(), 1);
        assert!(journal.bodies.list.is_empty());
        assert_eq!(journal.to_entries(), vec![entry.clone()]);
        let bytes = encode_entry(&entry).unwrap();
        assert_eq!(decode_standalone(&bytes), Some(entry));
    }

    #[test]
    fn a_version_1_entry_with_its_decision_whole_still_reads() {
        // Version 1 wrote every decision whole: byte 1, then its JSON, and the compact
        // entry pointed at it (tag 1, index 0).
        let date = day(2008, 1, 2);
        let decision =
            builtin_decision("JOR", date, Some(date), None, Some("X"), Stage::Obligation);
        let entry = obligation(0, decision.clone());
        let mut local = Journal::default();
        local.decisions.push(Arc::new(decision.clone()));
        let mut body = Vec::new();
        let c = &entry.command;
        put_str(&mut body, c.id.as_str());
        put_i64(
            &mut body,
            i64::from(days(c.recorded).checked_sub(days(c.date)).unwrap()),
        );
        put_u64(&mut body, u64::from(local.symbols.text(c.actor.as_str())));
        body.push(1);
        put_u64(&mut body, 0);
        c.action.put(&mut body, &mut local.symbols);
        let mut bytes = vec![1];
        put_u64(&mut bytes, entry.sequence);
        put_i64(&mut bytes, i64::from(days(c.date)));
        put_u64(&mut bytes, local.symbols.texts.len() as u64);
        for text in &local.symbols.texts {
            put_str(&mut bytes, text);
        }
        put_u64(&mut bytes, local.symbols.accounts.len() as u64);
        for account in &local.symbols.accounts {
            put_str(&mut bytes, &account.lossless());
        }
        bytes.push(1);
        put_str(&mut bytes, &serde_json::to_string(&decision).unwrap());
        bytes.extend_from_slice(&body);
        assert_eq!(decode_standalone(&bytes), Some(entry));
        // A version-1 entry cannot name a shared body.
        let mut shared = bytes.clone();
        let at = bytes.len().checked_sub(body.len() + 1).unwrap();
        shared[at] = 2;
        assert_eq!(decode_standalone(&shared), None);
    }

    /// The entries' columns taken out of a journal's parts read back into them; they are
    /// refused cut short, with bytes after them, with a count beyond the bytes, or put
    /// into parts that still hold columns.
    #[test]
    fn the_columns_read_back_and_refuse_what_does_not_fit() {
        let decision =
            builtin_decision("JOR", day(2008, 1, 2), None, None, None, Stage::Obligation);
        let journal = Journal::from_entries(
            (0..40u64)
                .map(|i| {
                    let mut entry = obligation(i, decision.clone());
                    entry.command.date = day(2008, 1, 2)
                        .checked_add_days(chrono::Days::new(i / 7))
                        .unwrap();
                    entry
                })
                .collect(),
        );
        let parts = || journal.to_parts_with(|_| ()).unwrap().0;
        let mut taken = parts();
        let columns = taken.take_columns();
        assert!(columns.len() < 4 * journal.len());
        let mut back = parts();
        assert_eq!(back.put_columns(&columns), None, "columns twice");
        back.take_columns();
        assert_eq!(back.put_columns(&columns), Some(()));
        assert_eq!(Journal::from_parts(back).unwrap(), journal);
        for bad in [
            columns.get(..columns.len() - 1).unwrap().to_vec(),
            [columns.clone(), vec![0]].concat(),
            [vec![0xFF, 0x01], columns.get(1..).unwrap().to_vec()].concat(),
        ] {
            let mut empty = parts();
            empty.take_columns();
            assert_eq!(empty.put_columns(&bad), None);
        }
    }

    /// An id whose bytes are not UTF-8, or lie beyond the arena, is found.
    #[test]
    fn the_first_unreadable_id_is_found() {
        let decision =
            builtin_decision("JOR", day(2008, 1, 2), None, None, None, Stage::Obligation);
        let journal =
            Journal::from_entries((0..3u64).map(|i| obligation(i, decision.clone())).collect());
        assert_eq!(journal.first_unreadable_id(), None);
        let mut broken = journal.clone();
        let second = usize::try_from(broken.offsets[1] & 0xFFFF_FFFF).unwrap();
        broken.arena.chunks[0][second + 1] = 0xFF;
        assert_eq!(broken.first_unreadable_id(), Some(1));
        let mut beyond = journal.clone();
        beyond.offsets[2] = 7 << 32;
        assert_eq!(beyond.first_unreadable_id(), Some(2));
    }

    #[test]
    fn one_decoder_reads_more_distinct_bodies_than_it_remembers_and_refuses_a_body_that_is_not_utf_8()
     {
        let base = builtin_decision("JOR", day(2008, 1, 2), None, None, None, Stage::Obligation);
        let (_, outcome, findings) = base.shared_parts();
        let rule_sets = RECENT * 2 + 1;
        let entries: Vec<JournalEntry> = (0..60u64)
            .map(|i| {
                // Rule sets in turn, then one again at random: more bodies than the decoder
                // keeps at hand, so some are found again only in its table of all bodies.
                let k = (i * 7 + i / 5) % rule_sets as u64;
                let decision = Decision::from_shared(
                    base.request().clone(),
                    std::borrow::Cow::Owned(format!("rules-{k}")),
                    outcome,
                    Arc::clone(findings),
                );
                obligation(i, decision)
            })
            .collect();
        let mut decoder = StandaloneDecoder::default();
        for entry in &entries {
            let bytes = encode_entry(entry).unwrap();
            assert_eq!(decoder.decode(&bytes).as_ref(), Some(entry));
        }
        assert_eq!(decoder.parsed.len(), rule_sets);
        assert!(decoder.recent_bodies.len() <= RECENT);
        // A body whose bytes are not UTF-8 is refused, the first time and every time, and
        // the decoder still reads the good entries after it.
        let bytes = encode_entry(&entries[0]).unwrap();
        let at = bytes
            .windows(11)
            .position(|w| w == br#"{"rule_set""#)
            .unwrap();
        let mut broken = bytes.clone();
        broken[at + 2] = 0xFF;
        let mut fresh = StandaloneDecoder::default();
        assert_eq!(fresh.decode(&broken), None);
        assert_eq!(fresh.decode(&broken), None);
        assert_eq!(fresh.decode(&bytes).as_ref(), Some(&entries[0]));
        assert_eq!(decoder.decode(&broken), None);
        assert_eq!(decoder.decode(&bytes).as_ref(), Some(&entries[0]));
        // A text of the entry that is not UTF-8 is refused too, after the same text was
        // read well: compared as bytes it is new, and is checked.
        let me = bytes.windows(3).position(|w| w == [2, b'm', b'e']).unwrap();
        let mut broken = bytes.clone();
        broken[me + 1] = 0xFF;
        assert_eq!(decoder.decode(&broken), None);
        assert_eq!(decoder.decode(&bytes).as_ref(), Some(&entries[0]));
    }

    proptest::proptest! {
        /// Interning gives each distinct text one symbol, found again in the index (texts
        /// loaded from a checkpoint, indexed on the first interning, included), and each
        /// symbol reads back as its text.
        #[test]
        fn every_text_is_interned_once_and_reads_back(
            loaded in proptest::collection::vec(0u8..30, 0..20),
            interned in proptest::collection::vec(0u8..30, 0..200),
        ) {
            let text = |k: u8| format!("T{k}");
            let mut symbols = Symbols::default();
            let loaded: Vec<String> = loaded.into_iter().map(text).collect();
            symbols.with_texts(loaded.iter().map(String::as_str));
            let mut seen: std::collections::HashMap<String, u32> = loaded
                .iter()
                .enumerate()
                .rev()
                .map(|(i, t)| (t.clone(), u32::try_from(i).unwrap()))
                .collect();
            let distinct_loaded = seen.len();
            for k in interned {
                let t = text(k);
                let i = symbols.text(&t);
                proptest::prop_assert_eq!(symbols.get_shared(u64::from(i)).map(|s| &**s), Some(t.as_str()));
                // A text loaded twice answers its first symbol.
                let first = *seen.entry(t.clone()).or_insert(i);
                proptest::prop_assert_eq!(i, first);
            }
            // The texts loaded, then one new symbol for each text first interned.
            proptest::prop_assert_eq!(
                symbols.text_count().checked_add(distinct_loaded),
                loaded.len().checked_add(seen.len())
            );
        }

        /// Every number reads back as written, leaving the bytes after it; a number cut
        /// short, or one longer than ten bytes, is not read.
        #[test]
        fn a_number_reads_back_as_written(value in proptest::num::u64::ANY, small in 0u64..300, signed in proptest::num::i64::ANY) {
            let mut out = Vec::new();
            put_u64(&mut out, value);
            put_u64(&mut out, small);
            put_i64(&mut out, signed);
            out.push(0xAB);
            let mut r = Reader::new(&out);
            proptest::prop_assert_eq!(r.u64(), Some(value));
            proptest::prop_assert_eq!(r.u64(), Some(small));
            proptest::prop_assert_eq!(r.i64(), Some(signed));
            proptest::prop_assert_eq!(r.byte(), Some(0xAB));
            proptest::prop_assert!(r.is_done());
            let mut one = Vec::new();
            put_u64(&mut one, value);
            proptest::prop_assert_eq!(Reader::new(&one[..one.len().saturating_sub(1)]).u64(), None);
            proptest::prop_assert_eq!(Reader::new(&[0x80; 11]).u64(), None);
        }

        #[test]
        fn any_shareable_decision_reads_back_equal(
            partner in proptest::sample::select(vec!["JOR", "EGY", "THA", "PAK", "COL"]),
            offset in 0u64..4000,
            known in proptest::option::of(0u64..60),
            cents in proptest::option::of(-1_000_000_000i64..1_000_000_000),
            document in proptest::option::of("[A-Z0-9-]{1,12}"),
            expenditure in proptest::bool::ANY,
        ) {
            let date = day(1998, 1, 1).checked_add_days(chrono::Days::new(offset)).unwrap();
            let decision = builtin_decision(
                partner,
                date,
                known.map(|k| date.checked_add_days(chrono::Days::new(k)).unwrap()),
                cents.map(Money::from_cents),
                document.as_deref(),
                if expenditure { Stage::Expenditure } else { Stage::Obligation },
            );
            let entry = obligation(0, decision);
            let journal = Journal::from_entries(vec![entry.clone()]);
            proptest::prop_assert_eq!(journal.to_entries(), vec![entry.clone()]);
            let restored = Journal::from_parts(journal.to_parts_with(|_| ()).unwrap().0).unwrap();
            proptest::prop_assert_eq!(restored.to_entries(), vec![entry.clone()]);
            let bytes = encode_entry(&entry).unwrap();
            proptest::prop_assert_eq!(decode_standalone(&bytes), Some(entry));
        }
    }
}

/// The checkpoint form refused when its columns disagree in length (kept apart from
/// `tests` so that the lines of the code above do not move).
#[cfg(test)]
mod parts_tests {
    use super::*;

    fn journal() -> Journal {
        Journal::from_entries((0..3u64).map(test_support::rescission).collect())
    }

    /// An id that is not a command id's text (valid UTF-8 but not ASCII, a control
    /// character, an edge space) is unreadable, as bytes that are not UTF-8 are.
    #[test]
    fn an_id_that_no_command_could_carry_is_unreadable() {
        let journal = journal();
        assert_eq!(journal.first_unreadable_id(), None);
        let id_at = |j: &Journal, position: usize| {
            usize::try_from(j.offsets[position] & 0xFFFF_FFFF).unwrap() + 1
        };
        for (position, bytes) in [
            (0, &[0xC3, 0xA9][..]),
            (1, &[b'c', 0x01][..]),
            (2, &[b' ', b'2'][..]),
            (1, &[0xFF, b'1'][..]),
        ] {
            let mut broken = journal.clone();
            let at = id_at(&broken, position);
            broken.arena.chunks[0][at..at + 2].copy_from_slice(bytes);
            assert_eq!(broken.first_unreadable_id(), Some(position), "{bytes:?}");
        }
    }

    /// Columns go back only into parts that hold none of the three (each column checked).
    #[test]
    fn columns_go_back_only_into_parts_without_any() {
        let journal = journal();
        let mut taken = journal.to_parts_with(|_| ()).unwrap().0;
        let columns = taken.take_columns();
        for column in 0..3 {
            let mut parts = journal.to_parts_with(|_| ()).unwrap().0;
            let _ = parts.take_columns();
            match column {
                0 => parts.days.push(0),
                1 => parts.sequences.push(0),
                _ => parts.offsets.push(0),
            }
            assert_eq!(parts.put_columns(&columns), None, "column {column}");
        }
        let mut parts = journal.to_parts_with(|_| ()).unwrap().0;
        let _ = parts.take_columns();
        assert_eq!(parts.put_columns(&columns), Some(()));
        assert_eq!(Journal::from_parts(parts).unwrap(), journal);
    }

    /// A count of entries is believed only as far as the bytes could hold them (three
    /// bytes an entry at least): exactly that many are read, one more is refused before
    /// anything is reserved for them.
    #[test]
    fn a_column_count_beyond_the_bytes_is_refused_before_reserving() {
        let empty = || {
            let mut parts = journal().to_parts_with(|_| ()).unwrap().0;
            let _ = parts.take_columns();
            parts
        };
        // Two entries of three one-byte differences after a one-byte count: 7 bytes.
        let mut columns = Vec::new();
        put_u64(&mut columns, 2);
        for (day, sequence, offset) in [(0, 0, 0), (0, 1, 1)] {
            put_i64(&mut columns, day);
            put_i64(&mut columns, sequence);
            put_i64(&mut columns, offset);
        }
        assert_eq!(columns.len(), 7);
        let mut parts = empty();
        assert_eq!(parts.put_columns(&columns), Some(()));
        assert_eq!(parts.sequences, vec![0, 1]);
        // A count no bytes could back: refused, not an allocation of that size.
        for count in [3u64, 1 << 40, u64::MAX] {
            let mut claim = Vec::new();
            put_u64(&mut claim, count);
            claim.extend_from_slice(columns.get(1..).unwrap());
            assert_eq!(empty().put_columns(&claim), None, "{count}");
        }
    }

    /// An entry decided under `rule_set` by one finding citing `act`: findings that differ
    /// only in their citation hash alike (the hash reads rules, titles and fact counts).
    fn decided(i: u64, rule_set: &'static str, act: &'static str) -> JournalEntry {
        let mut entry = test_support::rescission(i);
        entry.command.id = format!("d{i}").parse().unwrap();
        entry.decision = Some(Arc::new(Decision::new(
            test_support::request(),
            rule_set,
            vec![test_support::finding(act)],
        )));
        entry
    }

    /// Decisions whose bodies hash alike, or share findings under another rule set, each
    /// keep their own body: in a journal, and written alone one after another (each
    /// body's JSON is remembered on the thread).
    #[test]
    fn decisions_alike_but_not_equal_keep_their_own_bodies() {
        let entries = vec![
            decided(0, "rules", "Act A"),
            decided(1, "rules", "Act B"),
            decided(2, "other", "Act A"),
        ];
        let journal = Journal::from_entries(entries.clone());
        assert_eq!(journal.to_entries(), entries);
        assert_eq!(journal.bodies.list.len(), 3);
        for entry in entries.iter().chain(entries.iter().rev()) {
            let bytes = encode_entry(entry).unwrap();
            assert_eq!(decode_standalone(&bytes).as_ref(), Some(entry));
        }
    }

    /// Removing past the end changes nothing.
    #[test]
    fn removing_past_the_end_changes_nothing() {
        let mut journal = journal();
        let before = journal.clone();
        journal.remove_at(journal.len());
        assert_eq!(journal, before);
        journal.remove_at(1);
        assert_eq!(journal.len(), 2);
    }

    /// An empty journal is empty; one with an entry is not.
    #[test]
    fn is_empty_means_no_entry() {
        assert!(Journal::default().is_empty());
        assert!(!journal().is_empty());
    }

    #[test]
    fn parts_whose_columns_disagree_in_length_are_refused() {
        let journal = journal();
        let parts = || journal.to_parts_with(|_| ()).unwrap().0;
        assert_eq!(Journal::from_parts(parts()).unwrap(), journal);
        let mut short = parts();
        short.days.pop();
        assert!(Journal::from_parts(short).is_none(), "a day short");
        let mut short = parts();
        short.sequences.pop();
        assert!(Journal::from_parts(short).is_none(), "a sequence short");
        let mut short = parts();
        short.offsets.pop();
        assert!(Journal::from_parts(short).is_none(), "an offset short");
    }
}

#[cfg(test)]
mod body_tests {
    use super::test_support::{finding, request};
    use super::*;

    fn allowed() -> Decision {
        Decision::new(request(), "rules", vec![finding("Act")])
    }

    /// Interning finds a recent body by its findings' pointer only when the rule set and
    /// the outcome are the same too: a decision that shares the findings under another
    /// rule set, or with another outcome, gets a body of its own.
    #[test]
    fn sharing_findings_is_not_enough_to_share_a_body() {
        let first = allowed();
        let (rule_set, outcome, findings) = first.shared_parts();
        assert_eq!(outcome, Outcome::Eligible);
        let other_rules =
            Decision::from_shared(request(), "other".into(), outcome, Arc::clone(findings));
        let other_outcome = Decision::from_shared(
            request(),
            rule_set.clone(),
            Outcome::Ineligible,
            Arc::clone(findings),
        );
        let mut bodies = Bodies::default();
        assert_eq!(bodies.intern(&first), 0);
        assert_eq!(bodies.intern(&other_rules), 1);
        assert_eq!(bodies.intern(&other_outcome), 2);
        assert_eq!(bodies.intern(&first), 0);
        assert_eq!(bodies.intern(&other_outcome), 2);
        assert_eq!(bodies.list.len(), 3);
    }

    /// A shared body (decision kind 2) exists only from version 2 of the standalone
    /// encoding: the same bytes marked version 1 are not an entry.
    #[test]
    fn a_version_1_entry_cannot_hold_a_shared_body() {
        let entry = JournalEntry {
            decision: Some(Arc::new(allowed())),
            ..test_support::rescission(0)
        };
        let mut bytes = encode_entry(&entry).unwrap();
        assert_eq!(decode_standalone(&bytes).as_ref(), Some(&entry));
        assert_eq!(bytes[0], STANDALONE_VERSION);
        bytes[0] = 1;
        assert_eq!(decode_standalone(&bytes), None);
    }
}

#[cfg(test)]
mod compact_tests {
    use super::*;

    /// Every rounding rule (an `obligate_loan`'s) reads back as written; a byte past the
    /// last rule is not one.
    #[test]
    fn every_rounding_reads_back_as_written() {
        for rounding in [
            Rounding::HalfEven,
            Rounding::HalfAwayFromZero,
            Rounding::TowardZero,
            Rounding::AwayFromZero,
        ] {
            let mut out = Vec::new();
            let mut symbols = Symbols::default();
            rounding.put(&mut out, &mut symbols);
            let mut r = Reader { bytes: &out };
            assert_eq!(Rounding::get(&mut r, &symbols), Some(rounding));
        }
        let mut r = Reader { bytes: &[4] };
        assert_eq!(Rounding::get(&mut r, &Symbols::default()), None);
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    /// A repeated envelope field is refused as a duplicate, never read twice (the last
    /// one winning), whichever comes first.
    #[test]
    fn a_repeated_envelope_field_is_a_duplicate() {
        for (json, field) in [
            (
                r#"{"format_version": "1.0", "format_version": "1.0", "entries": []}"#,
                "format_version",
            ),
            (
                r#"{"format_version": "1.0", "entries": [], "entries": []}"#,
                "entries",
            ),
            (
                r#"{"entries": [], "format_version": "1.0", "entries": []}"#,
                "entries",
            ),
            (
                r#"{"entries": [], "entries": [], "format_version": "1.0"}"#,
                "entries",
            ),
        ] {
            let error = serde_json::from_str::<Journal>(json)
                .unwrap_err()
                .to_string();
            assert!(
                error.contains(&format!("duplicate field `{field}`")),
                "{json}: {error}"
            );
        }
    }

    /// A journal's entries that are not a list are refused with what a journal is.
    #[test]
    fn entries_that_are_not_a_list_name_what_a_journal_is() {
        let error = serde_json::from_str::<Journal>(r#"{"format_version": "1.0", "entries": 42}"#)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("a journal: {\"format_version\": \"1.0\", \"entries\": [...]}"),
            "{error}"
        );
    }
}

/// Entries for the tests of the journal and of what is built on it.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Entry `i`: command `c{i}` rescinding $10 on 2 January 2008, no decision.
    pub(crate) fn rescission(i: u64) -> JournalEntry {
        JournalEntry {
            sequence: i,
            command: Command::new(
                format!("c{i}").parse().unwrap(),
                NaiveDate::from_ymd_opt(2008, 1, 2).unwrap(),
                "me".parse().unwrap(),
                Action::Rescind {
                    account: "011-2008/2009-1082".parse().unwrap(),
                    amount: "10".parse().unwrap(),
                    law: "P.L. 110-161".into(),
                },
            ),
            decision: None,
        }
    }

    /// A request about Jordan, financing, on 2 January 2008.
    pub(crate) fn request() -> EligibilityRequest {
        let day = NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
        EligibilityRequest::new("JOR".parse().unwrap(), ProgramKind::Financing, day)
    }

    /// A finding of rule `r` that allows, citing `act`: findings that differ only in
    /// their citation hash alike (the body hash reads rules, titles and fact counts).
    pub(crate) fn finding(act: &'static str) -> Finding {
        use crate::eligibility::{FindingOutcome, RuleId, WaiverStatus};
        Finding {
            rule: RuleId::new("r"),
            title: "t".into(),
            citation: crate::Citation::new(act, "1"),
            outcome: FindingOutcome::Allows,
            facts: Vec::new(),
            waiver: WaiverStatus::NotNeeded,
        }
    }
}

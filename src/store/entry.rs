//! What goes into a store and comes out of it: encoded entries with checksums, the
//! columns an analyst queries, and checkpoints.

use std::sync::Arc;

use chrono::NaiveDate;

use super::StoreError;
use crate::budget::{Command, JournalEntry, Policy, StandaloneDecoder, encode_standalone};
use crate::eligibility::Decision;

/// The CRC-32 (IEEE) of `bytes`: it detects every error confined to 32 consecutive bits,
/// so every flipped byte.
fn checksum(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

/// One journal entry as a store keeps it: its sequence, the compact encoding of the entry
/// (which repeats the sequence) and the checksum of those bytes.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::budget::{Action, Command, JournalEntry};
/// use security_assistance::store::{EncodedEntry, NewEntry, StoreError};
/// let day = NaiveDate::from_ymd_opt(2008, 1, 2).ok_or("date")?;
/// let entry = JournalEntry {
///     sequence: 0,
///     command: Command::new("c0".parse()?, day, "budget-office".parse()?, Action::Rescind {
///         account: "011-2008-1081".parse()?, amount: "10".parse()?, law: "P.L. 110-161".into() }),
///     decision: None,
/// };
/// let new = NewEntry::new(&entry)?;
/// let stored = new.encoded();
/// // What a store reads back is checked before it is decoded.
/// let read = EncodedEntry::from_stored(0, stored.bytes().to_vec(), stored.checksum());
/// assert_eq!(read.decode(0)?, entry);
/// let mut flipped = stored.bytes().to_vec();
/// flipped[3] ^= 1;
/// let read = EncodedEntry::from_stored(0, flipped, stored.checksum());
/// assert!(matches!(read.decode(0), Err(StoreError::Checksum { sequence: 0, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct EncodedEntry {
    sequence: u64,
    bytes: Bytes,
    checksum: u32,
}

/// An entry's bytes: owned as a store read them, or shared by a store that hands the same
/// entry out again and again (the in-memory store), so that reading copies nothing.
#[derive(Debug, Clone)]
enum Bytes {
    Owned(Vec<u8>),
    Shared(std::sync::Arc<[u8]>),
}

impl PartialEq for EncodedEntry {
    /// Equal sequence, bytes and checksum, however the bytes are held.
    fn eq(&self, other: &EncodedEntry) -> bool {
        self.sequence == other.sequence
            && self.checksum == other.checksum
            && self.bytes() == other.bytes()
    }
}

impl Eq for EncodedEntry {}

impl EncodedEntry {
    /// An entry as read from a store: the sequence it is stored under, its bytes and the
    /// checksum stored with them. Nothing is checked until [`EncodedEntry::decode`].
    #[must_use]
    pub fn from_stored(sequence: u64, bytes: Vec<u8>, checksum: u32) -> EncodedEntry {
        EncodedEntry {
            sequence,
            bytes: Bytes::Owned(bytes),
            checksum,
        }
    }

    /// The entry `sequence` holding `command` and `decision`, encoded with its checksum.
    pub(crate) fn of(
        sequence: u64,
        command: &Command,
        decision: Option<&Arc<Decision>>,
    ) -> Result<EncodedEntry, StoreError> {
        let bytes =
            encode_standalone(sequence, command, decision).map_err(|e| StoreError::Encode {
                sequence,
                source: crate::wire::Cause::json(&e),
            })?;
        Ok(EncodedEntry {
            sequence,
            checksum: checksum(&bytes),
            bytes: Bytes::Owned(bytes),
        })
    }

    /// The same entry with its bytes shared: its clones copy no bytes (for a store that
    /// keeps entries in memory and hands out a clone of each on every read).
    pub(crate) fn shared(&self) -> EncodedEntry {
        let bytes = match &self.bytes {
            Bytes::Owned(bytes) => Bytes::Shared(std::sync::Arc::from(bytes.as_slice())),
            Bytes::Shared(bytes) => Bytes::Shared(std::sync::Arc::clone(bytes)),
        };
        EncodedEntry {
            sequence: self.sequence,
            bytes,
            checksum: self.checksum,
        }
    }

    /// The sequence the entry is stored under.
    #[must_use]
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The encoded entry.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        match &self.bytes {
            Bytes::Owned(bytes) => bytes,
            Bytes::Shared(bytes) => bytes,
        }
    }

    /// The CRC-32 of [`EncodedEntry::bytes`].
    #[must_use]
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// Checks the entry and decodes it: the checksum must match, the bytes must be one
    /// whole entry, and the entry must be the one `expected` next (its own sequence, the
    /// sequence it is stored under and `expected` all equal).
    ///
    /// # Errors
    ///
    /// In this order: [`StoreError::Checksum`], [`StoreError::Undecodable`],
    /// [`StoreError::OutOfOrder`].
    pub fn decode(&self, expected: u64) -> Result<JournalEntry, StoreError> {
        self.decode_with(expected, &mut StandaloneDecoder::default())
    }

    /// [`EncodedEntry::decode`], parsing each distinct decision body once across the
    /// entries `decoder` reads.
    pub(crate) fn decode_with(
        &self,
        expected: u64,
        decoder: &mut StandaloneDecoder,
    ) -> Result<JournalEntry, StoreError> {
        let bytes = self.bytes();
        let computed = checksum(bytes);
        if computed != self.checksum {
            return Err(StoreError::Checksum {
                sequence: self.sequence,
                stored: self.checksum,
                computed,
            });
        }
        let entry = decoder.decode(bytes).ok_or(StoreError::Undecodable {
            sequence: self.sequence,
        })?;
        if self.sequence != expected || entry.sequence != expected {
            let found = if self.sequence == expected {
                entry.sequence
            } else {
                self.sequence
            };
            return Err(StoreError::OutOfOrder { expected, found });
        }
        Ok(entry)
    }
}

/// The columns a store keeps beside each encoded entry, so that an analyst can query the
/// journal with the database's own shell. They are derived from the entry and never read
/// back by the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Columns {
    /// The entry's sequence.
    pub sequence: u64,
    /// The command id.
    pub id: String,
    /// The effective date.
    pub date: NaiveDate,
    /// The recorded date.
    pub recorded: NaiveDate,
    /// The action's name, as in JSON (`"obligate"`, `"disburse"`, ...).
    pub action: &'static str,
    /// The account the action is on (for a transfer, the account it is from).
    pub account: Option<String>,
    /// The document, for actions on one.
    pub document: Option<String>,
    /// The amount as a decimal (`"1234.56"`).
    pub amount: Option<String>,
    /// Who issued the command.
    pub actor: String,
}

impl Columns {
    fn of(sequence: u64, c: &Command) -> Columns {
        Columns {
            sequence,
            id: c.id.as_str().to_owned(),
            date: c.date,
            recorded: c.recorded,
            action: c.action.name(),
            account: c.action.account().map(|a| a.lossless()),
            document: c.action.document().map(|d| d.as_str().to_owned()),
            amount: Some(c.action.amount().to_decimal().to_string()),
            actor: c.actor.as_str().to_owned(),
        }
    }
}

/// An entry ready to append: its encoding with checksum, and its analyst columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    encoded: EncodedEntry,
    columns: Columns,
}

impl NewEntry {
    /// Checks that `batch` runs on from `after` (the last stored sequence, `None` for an
    /// empty store) without a gap: the first entry is `after + 1` (or `0`), each next one
    /// the one before plus one. Every store calls this before it writes a batch.
    ///
    /// # Errors
    ///
    /// [`StoreError::BatchSequence`] naming the first entry out of line and the sequence it
    /// should have had (`u64::MAX` when `after` is already the last sequence there is).
    pub fn check_continues(after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        let mut expected = after.map_or(Some(0), |a| a.checked_add(1));
        for entry in batch {
            let found = entry.encoded.sequence();
            if expected != Some(found) {
                return Err(StoreError::BatchSequence {
                    expected: expected.unwrap_or(u64::MAX),
                    found,
                });
            }
            expected = found.checked_add(1);
        }
        Ok(())
    }

    /// Encodes `entry` for a store.
    ///
    /// # Errors
    ///
    /// [`StoreError::Encode`] if its eligibility decision cannot be written as JSON.
    pub fn new(entry: &JournalEntry) -> Result<NewEntry, StoreError> {
        let encoded = EncodedEntry::of(entry.sequence, &entry.command, entry.decision.as_ref())?;
        Ok(NewEntry::with_columns(encoded, &entry.command))
    }

    /// The entry `encoded` (made by [`EncodedEntry::of`] from `command`), with the
    /// columns of `command`.
    pub(crate) fn with_columns(encoded: EncodedEntry, command: &Command) -> NewEntry {
        NewEntry {
            columns: Columns::of(encoded.sequence, command),
            encoded,
        }
    }

    /// The encoded entry and its checksum.
    #[must_use]
    pub fn encoded(&self) -> &EncodedEntry {
        &self.encoded
    }

    /// The analyst columns.
    #[must_use]
    pub fn columns(&self) -> &Columns {
        &self.columns
    }
}

/// The ledger's state at a sequence, so that opening a ledger reads only the entries after
/// it instead of replaying from the start. A store keeps the bytes and the checksum as
/// they are; the core crate writes and checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    sequence: u64,
    bytes: Vec<u8>,
    checksum: u32,
}

impl Checkpoint {
    /// A checkpoint as read from a store. Nothing is checked until it is used.
    #[must_use]
    pub fn from_stored(sequence: u64, bytes: Vec<u8>, checksum: u32) -> Checkpoint {
        Checkpoint {
            sequence,
            bytes,
            checksum,
        }
    }

    /// A checkpoint of `bytes` taken at `sequence` (the last entry it includes).
    pub(crate) fn new(sequence: u64, bytes: Vec<u8>) -> Checkpoint {
        let checksum = checksum(&bytes);
        Checkpoint {
            sequence,
            bytes,
            checksum,
        }
    }

    /// The sequence of the last entry the checkpoint includes.
    #[must_use]
    pub fn sequence(&self) -> u64 {
        self.sequence
    }

    /// The encoded state.
    #[must_use]
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The CRC-32 of [`Checkpoint::bytes`].
    #[must_use]
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// The bytes, once their checksum is verified.
    pub(crate) fn verified(&self) -> Result<&[u8], StoreError> {
        let computed = checksum(&self.bytes);
        if computed == self.checksum {
            Ok(&self.bytes)
        } else {
            Err(StoreError::Checkpoint {
                sequence: self.sequence,
                reason: format!("checksum {:08x}, computed {computed:08x}", self.checksum),
            })
        }
    }
}

/// The fund-control [`Policy`] a store records, as the core crate encodes it: its JSON
/// text and the CRC-32 of that text. A store keeps both as they are; the core crate writes
/// and checks them, so a flipped byte in a threshold is found, never obeyed.
///
/// ```
/// use security_assistance::budget::Policy;
/// use security_assistance::store::{PolicyRecord, StoreError};
/// let record = PolicyRecord::new(&Policy::Open)?;
/// assert_eq!(record.text(), r#"{"policy":"open"}"#);
/// let read = PolicyRecord::from_stored(record.text().to_owned(), record.checksum());
/// assert_eq!(read.decode()?, Policy::Open);
/// let flipped = PolicyRecord::from_stored(r#"{"policy":"opem"}"#.to_owned(), record.checksum());
/// assert!(matches!(flipped.decode(), Err(StoreError::CorruptPolicy { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRecord {
    text: String,
    checksum: u32,
}

impl PolicyRecord {
    /// Encodes `policy` for a store.
    ///
    /// # Errors
    ///
    /// [`StoreError::Backend`] if it cannot be written as JSON (plain data: only on a bug).
    pub fn new(policy: &Policy) -> Result<PolicyRecord, StoreError> {
        let text = serde_json::to_string(policy).map_err(|e| StoreError::Backend {
            operation: "encode the policy".to_owned(),
            reason: e.to_string(),
        })?;
        let checksum = checksum(text.as_bytes());
        Ok(PolicyRecord { text, checksum })
    }

    /// A record as read from a store. Nothing is checked until [`PolicyRecord::decode`].
    #[must_use]
    pub fn from_stored(text: String, checksum: u32) -> PolicyRecord {
        PolicyRecord { text, checksum }
    }

    /// The policy's JSON text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The CRC-32 of [`PolicyRecord::text`].
    #[must_use]
    pub fn checksum(&self) -> u32 {
        self.checksum
    }

    /// Checks the checksum and decodes the policy.
    ///
    /// # Errors
    ///
    /// [`StoreError::CorruptPolicy`] if the checksum does not match or the text is not a
    /// policy.
    pub fn decode(&self) -> Result<Policy, StoreError> {
        let computed = checksum(self.text.as_bytes());
        if computed != self.checksum {
            return Err(StoreError::CorruptPolicy {
                reason: format!("checksum {:08x}, computed {computed:08x}", self.checksum),
            });
        }
        serde_json::from_str(&self.text).map_err(|e| StoreError::CorruptPolicy {
            reason: e.to_string(),
        })
    }
}

//! What can go wrong between a ledger and its store.

use serde::{Deserialize, Serialize};

/// An error from a [`JournalStore`](super::JournalStore), or found in what it holds.
///
/// Every variant that concerns a stored entry names its sequence. Nothing is written when a
/// store returns an error from an append.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(rename = "StoreError", transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum StoreError {
    /// Another writer appended first: the journal no longer ends where the writer thought.
    #[error(
        "another writer appended first: expected the journal to end at {}, it ends at {}",
        show(*expected),
        show(*found)
    )]
    Conflict {
        /// The last sequence the writer had seen (`None`: an empty journal).
        expected: Option<u64>,
        /// The last sequence in the store.
        found: Option<u64>,
    },
    /// A batch whose sequences do not run on from the last stored one.
    #[error("a batch entry has sequence {found}, expected {expected}")]
    BatchSequence {
        /// The sequence the entry should have had.
        expected: u64,
        /// The sequence it had.
        found: u64,
    },
    /// A stored entry whose bytes do not match their checksum.
    #[error("stored entry {sequence} is corrupt: checksum {stored:08x}, computed {computed:08x}")]
    Checksum {
        /// The entry's sequence.
        sequence: u64,
        /// The checksum stored with it.
        stored: u32,
        /// The checksum of its bytes as read.
        computed: u32,
    },
    /// A stored entry whose checksum matches but whose bytes are not an entry (written by
    /// another program, or an encoding this crate does not know).
    #[error("stored entry {sequence} cannot be decoded")]
    Undecodable {
        /// The entry's sequence.
        sequence: u64,
    },
    /// A stored entry out of order: the journal has a gap, or an entry stands at another
    /// sequence than its own.
    #[error("stored entries out of order: expected sequence {expected}, found entry {found}")]
    OutOfOrder {
        /// The sequence that should come next.
        expected: u64,
        /// The sequence of the entry found there.
        found: u64,
    },
    /// A stored entry that is whole but that the ledger refuses when it is applied in
    /// its place (a broken journal, or a decision that does not answer its entry).
    #[error("stored entry {sequence} does not apply")]
    Refused {
        /// The entry's sequence.
        sequence: u64,
        /// Why the ledger refuses it.
        #[source]
        error: Box<crate::budget::BudgetError>,
    },
    /// A checkpoint whose bytes do not match their checksum or cannot be decoded.
    #[error("the checkpoint at sequence {sequence} is corrupt: {reason}")]
    Checkpoint {
        /// The sequence the checkpoint was taken at.
        sequence: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// An entry that cannot be encoded for storage.
    #[error("entry {sequence} cannot be encoded")]
    Encode {
        /// The entry's sequence.
        sequence: u64,
        /// Why: the JSON writer's error.
        source: crate::wire::Cause,
    },
    /// The fund-control policy the store records does not match its checksum or is not a
    /// policy.
    #[error("the store's recorded policy is corrupt: {reason}")]
    CorruptPolicy {
        /// What is wrong with it.
        reason: String,
    },
    /// A ledger opened under another policy than the one its store records: a store keeps
    /// the policy it was first opened under, and every later opening must name the same.
    #[error(
        "the store records the policy {recorded}, not the policy {given} the ledger was opened under"
    )]
    OtherPolicy {
        /// The policy the store records, as JSON.
        recorded: String,
        /// The policy given, as JSON.
        given: String,
    },
    /// A store written by a newer version of this crate.
    #[error("the store has schema version {found}; this version reads up to {supported}")]
    NewerSchema {
        /// The store's schema version.
        found: u32,
        /// The newest version this crate reads.
        supported: u32,
    },
    /// A store that holds another ledger's journal.
    #[error("the store holds ledger {found:?}, not {expected:?}")]
    OtherLedger {
        /// The ledger asked for.
        expected: String,
        /// The ledger the store holds.
        found: String,
    },
    /// A store that is not there (a missing file, an absent database).
    #[error("no store at {location}")]
    NotFound {
        /// Where it was looked for.
        location: String,
    },
    /// A store that cannot be written.
    #[error("the store at {location} is read-only")]
    ReadOnly {
        /// Where it is.
        location: String,
    },
    /// A store that cannot be reached (a connection refused).
    #[error("cannot reach the store at {location}: {reason}")]
    Unavailable {
        /// Where it was looked for.
        location: String,
        /// The database's or the system's reason.
        reason: String,
    },
    /// Any other failure of the database, with its own message.
    #[error("the store failed to {operation}: {reason}")]
    Backend {
        /// What the store was doing ("append", "read entries", ...).
        operation: String,
        /// The database's message.
        reason: String,
    },
}

crate::wire::wire_error!(StoreError);

fn show(sequence: Option<u64>) -> String {
    sequence.map_or_else(|| "nothing (empty)".to_owned(), |s| format!("sequence {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_sequence() {
        let e = StoreError::Conflict {
            expected: Some(4),
            found: Some(5),
        };
        assert_eq!(
            e.to_string(),
            "another writer appended first: expected the journal to end at sequence 4, it ends at sequence 5"
        );
        let e = StoreError::Conflict {
            expected: None,
            found: Some(0),
        };
        assert!(e.to_string().contains("nothing (empty)"));
        let e = StoreError::Checksum {
            sequence: 7,
            stored: 1,
            computed: 2,
        };
        assert_eq!(
            e.to_string(),
            "stored entry 7 is corrupt: checksum 00000001, computed 00000002"
        );
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<StoreError>(&json).unwrap(), e);
    }
}

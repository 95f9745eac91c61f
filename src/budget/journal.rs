//! The journal: every applied command, in (effective date, sequence) order.

use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::command::Command;
use crate::eligibility::Decision;

/// One applied command in the journal, with its sequence number (the order in which the
/// ledger accepted it) and the eligibility decision that allowed it, if it needed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// The order of acceptance, from 0.
    pub sequence: u64,
    /// The command.
    pub command: Command,
    /// The eligibility decision, for allocations and obligations to a partner. It is shared
    /// (not copied) with the [`Receipt`](super::Receipt) and with replayed ledgers.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "shared")]
    pub decision: Option<Arc<Decision>>,
}

/// Every command a [`Ledger`](super::Ledger) applied, in (effective date, sequence) order.
///
/// A ledger's state is a pure function of its journal: [`Ledger::replay`](super::Ledger::replay)
/// rebuilds an equal ledger from it. serde writes it as a JSON array of [`JournalEntry`]
/// and reads it back; reading does not check it, replaying does.
///
/// ```
/// use security_assistance::budget::{Journal, Ledger};
/// let ledger = Ledger::new();
/// let json = serde_json::to_string(ledger.journal())?;
/// let journal: Journal = serde_json::from_str(&json)?;
/// assert_eq!(Ledger::replay(&journal)?, ledger);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Journal {
    pub(crate) entries: Vec<JournalEntry>,
}

impl Journal {
    /// A journal of `entries`, as read from storage; [`Ledger::replay`](super::Ledger::replay)
    /// checks them.
    #[must_use]
    pub fn from_entries(entries: Vec<JournalEntry>) -> Journal {
        Journal { entries }
    }

    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when the journal has no entries.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at `position` (0-based, in journal order).
    #[must_use]
    pub fn get(&self, position: usize) -> Option<JournalEntry> {
        self.entries.get(position).cloned()
    }

    /// The entries in journal order.
    pub fn iter(&self) -> impl Iterator<Item = JournalEntry> + '_ {
        self.entries.iter().cloned()
    }

    /// The entries as a vector, in journal order.
    #[must_use]
    pub fn to_entries(&self) -> Vec<JournalEntry> {
        self.entries.clone()
    }
}

impl Serialize for Journal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.entries.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Journal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Journal, D::Error> {
        Vec::<JournalEntry>::deserialize(deserializer).map(Journal::from_entries)
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

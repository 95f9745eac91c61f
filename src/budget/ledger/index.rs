//! The index of command ids: each id to its entry's (date, sequence), in 8 bytes.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use chrono::NaiveDate;

use super::Map;
use crate::budget::ids::CommandId;
use crate::budget::journal::Journal;

/// Command ids to their (date, sequence), keyed by a 64-bit hash so that the index does
/// not copy every id; the rare colliding id is kept whole in `overflow`.
///
/// The index is built from the journal when it is first asked (a ledger loaded from a
/// checkpoint starts without one, so loading hashes no id): until then inserting and
/// removing change nothing, since the journal the index is built from already holds
/// every entry it would have been told about, and no longer holds one taken back.
#[derive(Clone, Default)]
pub(super) struct IdIndex {
    table: OnceLock<Table>,
}

#[derive(Clone, Default)]
struct Table {
    hasher: foldhash::fast::RandomState,
    /// Hash → (days from CE of the date, sequence), packed in 8 bytes.
    by_hash: Map<u64, Packed>,
    /// Ids whose hash another id holds, by their text.
    overflow: Map<Box<str>, (NaiveDate, u64)>,
}

/// A (date, sequence) in 8 bytes; sequences beyond `u32::MAX` go to the overflow map.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Packed {
    days: i32,
    sequence: u32,
}

impl Packed {
    pub(super) fn new((date, sequence): (NaiveDate, u64)) -> Option<Packed> {
        Some(Packed {
            days: chrono::Datelike::num_days_from_ce(&date),
            sequence: u32::try_from(sequence).ok()?,
        })
    }

    pub(super) fn unpack(self) -> Option<(NaiveDate, u64)> {
        Some((
            NaiveDate::from_num_days_from_ce_opt(self.days)?,
            u64::from(self.sequence),
        ))
    }
}

impl IdIndex {
    pub(super) fn get(&self, id: &CommandId, journal: &Journal) -> Option<(NaiveDate, u64)> {
        self.table
            .get_or_init(|| Table::build(journal))
            .get(id, journal)
    }

    /// `true` once the index is built (asked at least once).
    #[cfg(test)]
    pub(super) fn is_built(&self) -> bool {
        self.table.get().is_some()
    }

    /// A copy of the index of `own` (the journal this index is of) for `journal`, which
    /// holds some of its entries (the ledger as of a date): an entry it lacks is never
    /// found, because [`IdIndex::get`] checks the hash's entry in the journal; ids kept
    /// whole (a hash collision) are kept only if their entry is there. An index not built
    /// yet is built first, once, so that every copy does not build its own.
    pub(super) fn within(&self, own: &Journal, journal: &Journal) -> IdIndex {
        let mut table = self.table.get_or_init(|| Table::build(own)).clone();
        table
            .overflow
            .retain(|_, at| journal.find(at.0, at.1).is_some());
        IdIndex {
            table: OnceLock::from(table),
        }
    }

    /// Forgets `id`, recorded at `at` (an entry taken back by a refused batch, already
    /// removed from the journal).
    pub(super) fn remove(&mut self, id: &str, at: (NaiveDate, u64)) {
        if let Some(table) = self.table.get_mut() {
            table.remove(id, at);
        }
    }

    /// Indexes `id`; the entry it names must already be in `journal`.
    pub(super) fn insert(&mut self, id: &CommandId, at: (NaiveDate, u64), journal: &Journal) {
        if let Some(table) = self.table.get_mut() {
            let hash = table.hasher.hash_one(id);
            table.insert_hashed(hash, id.as_str(), at, journal);
        }
    }
}

impl Table {
    /// The index of every entry of `journal` (an entry whose id cannot be read is left
    /// out: loading a checkpoint refuses such a journal).
    fn build(journal: &Journal) -> Table {
        let mut table = Table::default();
        table.by_hash.reserve(journal.len());
        for position in 0..journal.len() {
            if let (Some(text), Some(at)) = (journal.id_text_at(position), journal.key_at(position))
            {
                // A `CommandId` hashes as its text.
                let hash = table.hasher.hash_one(text);
                table.insert_hashed(hash, text, at, journal);
            }
        }
        table
    }

    fn get(&self, id: &CommandId, journal: &Journal) -> Option<(NaiveDate, u64)> {
        let hash = self.hasher.hash_one(id);
        if let Some((date, sequence)) = self.by_hash.get(&hash).and_then(|p| p.unpack()) {
            let same = journal
                .find(date, sequence)
                .and_then(|p| journal.id_text_at(p))
                .is_some_and(|found| found == id.as_str());
            if same {
                return Some((date, sequence));
            }
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.get(id.as_str()).copied()
    }

    fn remove(&mut self, id: &str, at: (NaiveDate, u64)) {
        // A `CommandId` hashes as its text.
        let hash = self.hasher.hash_one(id);
        if self.by_hash.get(&hash).and_then(|p| p.unpack()) == Some(at) {
            self.by_hash.remove(&hash);
        } else {
            self.overflow.remove(id);
        }
    }

    fn insert_hashed(&mut self, hash: u64, id: &str, at: (NaiveDate, u64), journal: &Journal) {
        let Some(packed) = Packed::new(at) else {
            self.overflow.insert(Box::from(id), at);
            return;
        };
        // One probe of the hash map: the slot is either free or checked and then reused.
        match self.by_hash.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(packed);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let taken = slot
                    .get()
                    .unpack()
                    .is_some_and(|other| other != at && journal.find(other.0, other.1).is_some());
                if taken {
                    self.overflow.insert(Box::from(id), at);
                } else {
                    slot.insert(packed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use crate::budget::ids::CommandId;

    #[test]
    fn a_command_id_hashes_as_its_text() {
        let hasher = foldhash::fast::RandomState::default();
        let id: CommandId = "c-2008-000001".parse().unwrap();
        assert_eq!(hasher.hash_one(&id), hasher.hash_one("c-2008-000001"));
    }
}

#[cfg(test)]
mod collision_tests {
    use std::hash::BuildHasher;
    use std::sync::OnceLock;

    use chrono::NaiveDate;

    use super::{IdIndex, Table};
    use crate::budget::ids::CommandId;
    use crate::budget::journal::Journal;
    use crate::budget::journal::test_support::rescission;

    /// An id whose hash another id holds is kept whole; taking it back (a refused batch)
    /// forgets it, and only it: the id holding the hash is still found. The index is told
    /// the hash, so the collision (1 in 2^64) is forced.
    #[test]
    fn an_id_kept_whole_after_a_collision_is_forgotten_when_taken_back() {
        let day = NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
        let journal = Journal::from_entries((0..2u64).map(rescission).collect());
        let (first, second): (CommandId, CommandId) =
            ("c0".parse().unwrap(), "c1".parse().unwrap());
        let mut table = Table::default();
        let hash = table.hasher.hash_one(&first);
        table.insert_hashed(hash, "c0", (day, 0), &journal);
        table.insert_hashed(hash, "c1", (day, 1), &journal);
        assert!(table.overflow.contains_key("c1"));
        let mut index = IdIndex {
            table: OnceLock::from(table),
        };
        assert_eq!(index.get(&second, &journal), Some((day, 1)));
        index.remove(second.as_str(), (day, 1));
        assert_eq!(index.get(&second, &journal), None);
        assert_eq!(index.get(&first, &journal), Some((day, 0)));
    }
}

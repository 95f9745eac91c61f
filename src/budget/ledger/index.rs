//! The index of command ids: each id to its entry's (date, sequence), in 8 bytes.

use std::hash::BuildHasher;

use chrono::NaiveDate;

use super::Map;
use crate::budget::ids::CommandId;
use crate::budget::journal::Journal;

/// Command ids to their (date, sequence), keyed by a 64-bit hash so that the index does
/// not copy every id; the rare colliding id is kept whole in `overflow`.
#[derive(Clone, Default)]
pub(super) struct IdIndex {
    hasher: foldhash::fast::RandomState,
    /// Hash → (days from CE of the date, sequence), packed in 8 bytes.
    by_hash: Map<u64, Packed>,
    overflow: Map<CommandId, (NaiveDate, u64)>,
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
        let hash = self.hasher.hash_one(id);
        if let Some((date, sequence)) = self.by_hash.get(&hash).and_then(|p| p.unpack()) {
            let same = journal
                .find(date, sequence)
                .and_then(|p| journal.id_at(p))
                .is_some_and(|found| found == *id);
            if same {
                return Some((date, sequence));
            }
        }
        if self.overflow.is_empty() {
            return None;
        }
        self.overflow.get(id).copied()
    }

    /// A copy of the index for `journal`, which holds some of the entries this index
    /// points to (the ledger as of a date): an entry it lacks is never found, because
    /// [`IdIndex::get`] checks the hash's entry in the journal; ids kept whole (a hash
    /// collision) are kept only if their entry is there.
    pub(super) fn within(&self, journal: &Journal) -> IdIndex {
        let mut index = self.clone();
        index
            .overflow
            .retain(|_, at| journal.find(at.0, at.1).is_some());
        index
    }

    /// Forgets `id`, recorded at `at` (an entry taken back by a refused batch).
    pub(super) fn remove(&mut self, id: &CommandId, at: (NaiveDate, u64)) {
        let hash = self.hasher.hash_one(id);
        if self.by_hash.get(&hash).and_then(|p| p.unpack()) == Some(at) {
            self.by_hash.remove(&hash);
        } else {
            self.overflow.remove(id);
        }
    }

    /// Makes room for `additional` more ids without growing the table on the way.
    pub(super) fn reserve(&mut self, additional: usize) {
        self.by_hash.reserve(additional);
    }

    /// Indexes `id`; the entry it names must already be in `journal`.
    pub(super) fn insert(&mut self, id: &CommandId, at: (NaiveDate, u64), journal: &Journal) {
        let hash = self.hasher.hash_one(id);
        self.insert_hashed(hash, at, journal, || Some(id.clone()));
    }

    /// Indexes the id whose text is `text` (as the journal stores it, checked when it was
    /// first applied): a `CommandId` hashes as its text, so nothing is parsed or allocated
    /// unless the id goes to the overflow map. `false` if it had to and the text is not an
    /// id.
    pub(super) fn insert_text(
        &mut self,
        text: &str,
        at: (NaiveDate, u64),
        journal: &Journal,
    ) -> bool {
        let hash = self.hasher.hash_one(text);
        let mut valid = true;
        self.insert_hashed(hash, at, journal, || {
            let id = text.parse().ok();
            valid = id.is_some();
            id
        });
        valid
    }

    fn insert_hashed(
        &mut self,
        hash: u64,
        at: (NaiveDate, u64),
        journal: &Journal,
        id: impl FnOnce() -> Option<CommandId>,
    ) {
        let Some(packed) = Packed::new(at) else {
            if let Some(id) = id() {
                self.overflow.insert(id, at);
            }
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
                    if let Some(id) = id() {
                        self.overflow.insert(id, at);
                    }
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

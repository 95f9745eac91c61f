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

    /// Forgets `id`, recorded at `at` (an entry taken back by a refused batch).
    pub(super) fn remove(&mut self, id: &CommandId, at: (NaiveDate, u64)) {
        let hash = self.hasher.hash_one(id);
        if self.by_hash.get(&hash).and_then(|p| p.unpack()) == Some(at) {
            self.by_hash.remove(&hash);
        } else {
            self.overflow.remove(id);
        }
    }

    /// Indexes `id`; the entry it names must already be in `journal`.
    pub(super) fn insert(&mut self, id: &CommandId, at: (NaiveDate, u64), journal: &Journal) {
        let hash = self.hasher.hash_one(id);
        let Some(packed) = Packed::new(at) else {
            self.overflow.insert(id.clone(), at);
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
                    self.overflow.insert(id.clone(), at);
                } else {
                    slot.insert(packed);
                }
            }
        }
    }
}

//! A store in memory: the contract without durability, for tests and examples.

use super::{
    Checkpoint, EncodedEntry, JournalStore, NewEntry, PolicyRecord, SCHEMA_VERSION, StoreError,
};

/// A [`JournalStore`] held in memory: it keeps the contract (ordering, conflicts,
/// checksums, checkpoints) but nothing survives the process. For tests, examples and
/// services that rebuild their ledger from elsewhere.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    entries: Vec<EncodedEntry>,
    checkpoint: Option<Checkpoint>,
    policy: Option<PolicyRecord>,
}

impl MemoryStore {
    fn last(&self) -> Option<u64> {
        self.entries.last().map(EncodedEntry::sequence)
    }
}

impl JournalStore for MemoryStore {
    fn schema_version(&mut self) -> Result<u32, StoreError> {
        Ok(SCHEMA_VERSION)
    }

    fn last_sequence(&mut self) -> Result<Option<u64>, StoreError> {
        Ok(self.last())
    }

    fn append(&mut self, after: Option<u64>, batch: &[NewEntry]) -> Result<(), StoreError> {
        let last = self.last();
        if last != after {
            return Err(StoreError::Conflict {
                expected: after,
                found: last,
            });
        }
        NewEntry::check_continues(after, batch)?;
        self.entries
            .extend(batch.iter().map(|e| e.encoded().shared()));
        Ok(())
    }

    fn read_after(
        &mut self,
        after: Option<u64>,
        each: &mut dyn FnMut(EncodedEntry) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let start = after.map_or(0, |a| self.entries.partition_point(|e| e.sequence() <= a));
        for entry in self.entries.iter().skip(start) {
            each(entry.clone())?;
        }
        Ok(())
    }

    fn save_checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(), StoreError> {
        let newer = self
            .checkpoint
            .as_ref()
            .is_none_or(|c| c.sequence() <= checkpoint.sequence());
        if newer {
            self.checkpoint = Some(checkpoint.clone());
        }
        Ok(())
    }

    fn latest_checkpoint(&mut self) -> Result<Option<Checkpoint>, StoreError> {
        Ok(self.checkpoint.clone())
    }

    fn policy(&mut self) -> Result<Option<PolicyRecord>, StoreError> {
        Ok(self.policy.clone())
    }

    fn record_policy(&mut self, policy: &PolicyRecord) -> Result<(), StoreError> {
        if self.policy.is_none() {
            self.policy = Some(policy.clone());
        }
        Ok(())
    }
}

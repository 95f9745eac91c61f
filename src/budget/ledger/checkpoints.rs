//! In-memory checkpoints: the accounts as they stood after the first `position` journal
//! entries, kept every `every` entries, so that the ledger as of a past date, and a
//! backdated command, start from the nearest checkpoint at or before it instead of
//! replaying the journal from its first entry.
//!
//! A checkpoint holds a copy of every account (shared, `Arc`, between clones of the
//! ledger). At most [`Checkpoints::MAX`] are kept unless the ledger is told otherwise
//! ([`Ledger::keep_checkpoints`](super::Ledger::keep_checkpoints)): when one more is due,
//! every other one is dropped and the spacing doubles, so the memory they take stays
//! within a few copies of the accounts, and the entries replayed after the nearest one
//! within the spacing.

use std::sync::Arc;

use chrono::NaiveDate;

use super::Accounts;

/// The accounts after the first `position` entries of the journal.
#[derive(Clone)]
pub(super) struct Checkpoint {
    /// How many journal entries (in journal order) the state includes.
    pub(super) position: usize,
    /// The latest recorded date among those entries (`None` for none).
    pub(super) recorded: Option<NaiveDate>,
    /// Every account after them.
    pub(super) accounts: Arc<Accounts>,
}

/// The ledger's checkpoints, in increasing position.
#[derive(Clone)]
pub(super) struct Checkpoints {
    every: usize,
    /// The most checkpoints kept (none when zero).
    max: usize,
    pub(super) list: Vec<Checkpoint>,
}

impl Default for Checkpoints {
    fn default() -> Checkpoints {
        Checkpoints {
            every: Checkpoints::FIRST_SPACING,
            max: Checkpoints::MAX,
            list: Vec::new(),
        }
    }
}

impl Checkpoints {
    /// The spacing of the first checkpoints, in journal entries.
    pub(super) const FIRST_SPACING: usize = 4096;
    /// The most checkpoints kept unless the ledger is told otherwise.
    pub(super) const MAX: usize = 4;

    /// Keeps at most `max` checkpoints from now on (none when zero), dropping every other
    /// one until that many remain.
    pub(super) fn limit(&mut self, max: usize) {
        self.max = max;
        if max == 0 {
            self.list.clear();
        }
        while self.list.len() > self.max {
            self.thin();
        }
    }

    fn thin(&mut self) {
        let every = self.every.saturating_mul(2);
        self.list
            .retain(|c| c.position.checked_rem(every) == Some(0));
        self.every = every;
    }

    /// No checkpoint yet, the first due after `every` entries.
    #[cfg(test)]
    pub(super) fn with_spacing(every: usize) -> Checkpoints {
        Checkpoints {
            every: every.max(1),
            max: usize::MAX,
            list: Vec::new(),
        }
    }

    /// `true` when a checkpoint is due after `count` entries.
    pub(super) fn due(&self, count: usize) -> bool {
        self.max > 0 && count > 0 && count.checked_rem(self.every) == Some(0)
    }

    /// Keeps `checkpoint`, after every checkpoint kept so far (positions increase),
    /// thinning the list when it is full.
    pub(super) fn push(&mut self, checkpoint: Checkpoint) {
        if self
            .list
            .last()
            .is_some_and(|last| last.position >= checkpoint.position)
        {
            return;
        }
        self.list.push(checkpoint);
        while self.list.len() > self.max {
            self.thin();
        }
    }

    /// Forgets the checkpoints after `position` entries (the entries after it changed).
    pub(super) fn truncate_after(&mut self, position: usize) {
        self.list.retain(|c| c.position <= position);
    }

    /// The latest checkpoint at or before `count` entries whose entries were all
    /// recorded on or before `known_on` (any, for `None`).
    pub(super) fn nearest(&self, count: usize, known_on: Option<NaiveDate>) -> Option<&Checkpoint> {
        self.list.iter().rev().find(|c| {
            c.position <= count && known_on.is_none_or(|k| c.recorded.is_none_or(|r| r <= k))
        })
    }

    /// The checkpoints at or before `position` whose entries were all recorded on or
    /// before `known_on`: those of a ledger that holds the same first entries.
    pub(super) fn up_to(&self, position: usize, known_on: Option<NaiveDate>) -> Checkpoints {
        Checkpoints {
            every: self.every,
            max: self.max,
            list: self
                .list
                .iter()
                .filter(|c| {
                    c.position <= position
                        && known_on.is_none_or(|k| c.recorded.is_none_or(|r| r <= k))
                })
                .cloned()
                .collect(),
        }
    }

    /// The number of checkpoints kept.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(position: usize) -> Checkpoint {
        Checkpoint {
            position,
            recorded: NaiveDate::from_ymd_opt(2008, 1, 1),
            accounts: Arc::default(),
        }
    }

    #[test]
    fn the_list_thins_and_the_spacing_doubles_when_full() {
        let mut c = Checkpoints::default();
        let mut count = 0;
        for _ in 0..100_000 {
            count += 1;
            if c.due(count) {
                c.push(at(count));
            }
        }
        assert!(c.len() <= Checkpoints::MAX);
        assert!(c.len() >= Checkpoints::MAX / 2);
        assert!(c.list.iter().all(|k| k.position % c.every == 0));
        // 100,000 entries: the spacing doubled to 32,768, three checkpoints remain.
        assert_eq!(c.every, 32_768);
        assert_eq!(c.len(), 3);
        assert_eq!(c.nearest(70_000, None).map(|k| k.position), Some(65_536));
        c.limit(1);
        assert_eq!(c.len(), 1);
        c.limit(0);
        assert_eq!(c.len(), 0);
        assert!(!c.due(c.every));
    }

    #[test]
    fn nearest_respects_the_count_and_the_recorded_date() {
        let mut c = Checkpoints::default();
        c.push(at(4096));
        c.push(Checkpoint {
            recorded: NaiveDate::from_ymd_opt(2009, 1, 1),
            ..at(8192)
        });
        assert_eq!(c.nearest(4095, None).map(|k| k.position), None);
        assert_eq!(c.nearest(8191, None).map(|k| k.position), Some(4096));
        assert_eq!(c.nearest(9000, None).map(|k| k.position), Some(8192));
        let early = NaiveDate::from_ymd_opt(2008, 6, 1);
        assert_eq!(c.nearest(9000, early).map(|k| k.position), Some(4096));
        c.truncate_after(8000);
        assert_eq!(c.nearest(9000, None).map(|k| k.position), Some(4096));
    }

    /// Nothing is due before the first entry; the list is thinned only when it holds
    /// more than its limit.
    #[test]
    fn due_after_entries_and_thinned_only_beyond_the_limit() {
        let mut c = Checkpoints::default();
        assert!(!c.due(0));
        assert!(c.due(Checkpoints::FIRST_SPACING));
        for k in 1..=Checkpoints::MAX {
            c.push(at(k * Checkpoints::FIRST_SPACING));
        }
        assert_eq!(c.len(), Checkpoints::MAX);
        assert_eq!(c.every, Checkpoints::FIRST_SPACING);
        c.push(at((Checkpoints::MAX + 1) * Checkpoints::FIRST_SPACING));
        assert!(c.len() < Checkpoints::MAX, "{}", c.len());
        assert_eq!(c.every, 2 * Checkpoints::FIRST_SPACING);
    }

    /// `up_to` keeps the checkpoints of the shared first entries, with the same spacing
    /// and limit.
    #[test]
    fn up_to_keeps_the_checkpoints_at_or_before_the_position() {
        let mut c = Checkpoints::with_spacing(4);
        c.limit(3);
        for p in [4, 8, 12] {
            c.push(at(p));
        }
        let kept = c.up_to(8, None);
        assert_eq!(
            kept.list.iter().map(|k| k.position).collect::<Vec<_>>(),
            [4, 8]
        );
        assert_eq!((kept.every, kept.max), (4, 3));
        let early = NaiveDate::from_ymd_opt(2007, 12, 31);
        assert_eq!(c.up_to(12, early).len(), 0);
    }
}

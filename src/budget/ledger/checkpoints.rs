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

    /// Readies the spacing for the entries from `from` to `total` (journal lengths) that
    /// are about to be appended one by one (a ledger opened from a store): the spacing and
    /// the checkpoints kept become those that pushing each due checkpoint and thinning
    /// would leave once `total` entries are held, so that only the checkpoints that
    /// survive are taken (about 1.6 copies of the accounts for a million entries instead
    /// of 3.9). The checkpoints kept at `total` are the same either way: a position kept
    /// by the final spacing was due, and kept, at every spacing before it.
    pub(super) fn expect(&mut self, from: usize, total: usize) {
        if self.max == 0 {
            return;
        }
        // The spacing at most doubles 64 times before no position is due.
        for _ in 0..usize::BITS {
            let due = total
                .checked_div(self.every)
                .unwrap_or(0)
                .saturating_sub(from.checked_div(self.every).unwrap_or(0));
            if self.list.len().saturating_add(due) <= self.max {
                return;
            }
            self.thin();
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
    use super::test_support::at;
    use super::*;

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

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod expect_tests {
    use proptest::prelude::*;

    use super::test_support::{positions, run};
    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Readying the spacing for the entries to come leaves, once they are held, the
        /// checkpoints and the spacing that taking each due checkpoint and thinning leaves;
        /// and it copies the accounts no more often. Whatever the spacing, the limit, the
        /// checkpoints already kept and the count announced (too few or too many: the
        /// list is the same at the count it was readied for, and never over the limit).
        #[test]
        fn expecting_the_entries_keeps_the_checkpoints_that_pushing_each_keeps(
            every in 1usize..64,
            max in 0usize..7,
            before in 0usize..400,
            coming in 0usize..3000,
            // Half the time the count that comes, else any other.
            other in proptest::option::of(0usize..4000),
        ) {
            let announced = other.unwrap_or(coming);
            let mut plain = Checkpoints::with_spacing(every);
            plain.limit(max);
            run(&mut plain, 0, before);
            let mut ready = plain.clone();
            let plain_copies = run(&mut plain, before, before + coming);
            ready.expect(before, before + announced);
            let ready_copies = run(&mut ready, before, before + coming);
            prop_assert!(ready.list.len() <= max);
            if announced == coming {
                prop_assert_eq!(positions(&ready), positions(&plain));
                prop_assert_eq!(ready.every, plain.every);
                prop_assert!(ready_copies <= plain_copies);
            }
        }
    }

    /// A million entries: three copies of the accounts instead of twenty-one, the same
    /// three checkpoints kept.
    #[test]
    fn a_million_entries_copy_the_accounts_three_times() {
        let mut plain = Checkpoints::default();
        let mut ready = Checkpoints::default();
        ready.expect(0, 1_000_023);
        assert_eq!(run(&mut plain, 0, 1_000_023), 21);
        assert_eq!(run(&mut ready, 0, 1_000_023), 3);
        assert_eq!(positions(&ready), [262_144, 524_288, 786_432]);
        assert_eq!(positions(&ready), positions(&plain));
        // None kept, none copied.
        let mut none = Checkpoints::default();
        none.limit(0);
        none.expect(0, 1_000);
        assert_eq!(run(&mut none, 0, 1_000), 0);
    }
}

#[cfg(test)]
#[allow(clippy::arithmetic_side_effects)]
mod test_support {
    use super::*;

    pub(super) fn at(position: usize) -> Checkpoint {
        Checkpoint {
            position,
            recorded: NaiveDate::from_ymd_opt(2008, 1, 1),
            accounts: Arc::default(),
        }
    }

    /// Appends the entries after `from` up to `to` as the ledger does, taking each due
    /// checkpoint; returns how many it took (each a copy of the accounts).
    pub(super) fn run(c: &mut Checkpoints, from: usize, to: usize) -> usize {
        let mut copies = 0;
        for count in from + 1..=to {
            if c.due(count) {
                c.push(at(count));
                copies += 1;
            }
        }
        copies
    }

    pub(super) fn positions(c: &Checkpoints) -> Vec<usize> {
        c.list.iter().map(|k| k.position).collect()
    }
}

//! The two clocks of a journal as replay checks them (issue 17 item 6): what
//! [`Ledger::apply`](super::Ledger::apply) refuses, a replay or an import refuses too.
//!
//! - Sequence numbers are given out from 0 up to [`LAST_SEQUENCE`] (`u64::MAX - 1`): the
//!   ledger's next sequence must stay a `u64`, so `u64::MAX` is never given out, `apply`
//!   refuses a command once the last one is taken, and a journal holding an entry with
//!   sequence `u64::MAX` is refused.
//! - Recorded dates never go back in the order the entries were recorded (their
//!   sequence), whatever their effective dates.

use chrono::NaiveDate;

use super::error::{BudgetError, JournalProblem};

/// The last sequence number a ledger gives out.
pub(crate) const LAST_SEQUENCE: u64 = u64::MAX - 1;

/// The error for a command that would need a sequence after [`LAST_SEQUENCE`].
pub(crate) fn exhausted() -> BudgetError {
    BudgetError::SequenceExhausted {
        last: LAST_SEQUENCE,
    }
}

/// Refuses an entry's sequence that `apply` could never have given out.
pub(crate) fn check_sequence(position: usize, sequence: u64) -> Result<(), BudgetError> {
    if sequence > LAST_SEQUENCE {
        return Err(BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::Rejected(exhausted())),
        });
    }
    Ok(())
}

/// The recorded dates of a journal's entries, checked in sequence order once every entry
/// is seen: `(sequence, recorded, position in the journal)` for each.
#[derive(Debug, Default)]
pub(crate) struct RecordedOrder {
    entries: Vec<(u64, NaiveDate, usize)>,
}

impl RecordedOrder {
    /// Notes an entry.
    pub(crate) fn push(&mut self, sequence: u64, recorded: NaiveDate, position: usize) {
        self.entries.push((sequence, recorded, position));
    }

    /// Refuses, naming the entry, a sequence that repeats (the later entry in journal
    /// order is named), then the first entry (by sequence) recorded before an entry with a
    /// smaller sequence.
    ///
    /// # Errors
    ///
    /// [`BudgetError::Journal`] with the entry's position and
    /// [`JournalProblem::RepeatedSequence`] or [`BudgetError::RecordedOutOfOrder`].
    pub(crate) fn check(mut self) -> Result<(), BudgetError> {
        if !self.entries.is_sorted_by_key(|e| e.0) {
            // Stable: entries sharing a sequence stay in journal order.
            self.entries.sort_by_key(|e| e.0);
        }
        let repeated = self
            .entries
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if a.0 == b.0 => Some((b.2, a.2, b.0)),
                _ => None,
            })
            .min();
        if let Some((position, first, sequence)) = repeated {
            return Err(BudgetError::Journal {
                position,
                problem: Box::new(JournalProblem::RepeatedSequence { sequence, first }),
            });
        }
        let mut latest: Option<NaiveDate> = None;
        for (_, recorded, position) in self.entries {
            if let Some(latest) = latest {
                if recorded < latest {
                    return Err(BudgetError::Journal {
                        position,
                        problem: Box::new(JournalProblem::Rejected(
                            BudgetError::RecordedOutOfOrder { recorded, latest },
                        )),
                    });
                }
            }
            latest = Some(recorded);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{LAST_SEQUENCE, RecordedOrder, check_sequence};
    use crate::budget::{BudgetError, JournalProblem};
    use chrono::NaiveDate;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2008, 1, d).unwrap_or_default()
    }

    #[test]
    fn recorded_dates_are_checked_in_sequence_order_not_journal_order() {
        // Journal order (date, sequence): sequence 2 is backdated before sequence 1.
        let mut ok = RecordedOrder::default();
        ok.push(0, day(1), 0);
        ok.push(2, day(5), 1);
        ok.push(1, day(3), 2);
        assert!(ok.check().is_ok());
        let mut bad = RecordedOrder::default();
        bad.push(0, day(1), 0);
        bad.push(2, day(2), 1);
        bad.push(1, day(3), 2);
        match bad.check() {
            Err(BudgetError::Journal { position, problem }) => {
                assert_eq!(position, 1);
                assert_eq!(
                    *problem,
                    JournalProblem::Rejected(BudgetError::RecordedOutOfOrder {
                        recorded: day(2),
                        latest: day(3)
                    })
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_repeated_sequence_is_refused_naming_the_later_entry() {
        // Journal order: positions 0..4; sequence 3 appears at positions 1 and 3, and
        // sequence 0 at positions 0 and 4 (the first repeat in journal order is at 3).
        let mut bad = RecordedOrder::default();
        bad.push(3, day(1), 0);
        bad.push(5, day(2), 1);
        bad.push(1, day(3), 2);
        bad.push(5, day(4), 3);
        bad.push(3, day(5), 4);
        match bad.check() {
            Err(BudgetError::Journal { position, problem }) => {
                assert_eq!(position, 3);
                assert_eq!(
                    *problem,
                    JournalProblem::RepeatedSequence {
                        sequence: 5,
                        first: 1
                    }
                );
            }
            other => panic!("{other:?}"),
        }
        // Distinct sequences (even far apart) are not a repeat.
        let mut ok = RecordedOrder::default();
        ok.push(0, day(1), 0);
        ok.push(LAST_SEQUENCE, day(1), 1);
        assert!(ok.check().is_ok());
    }

    #[test]
    fn the_last_sequence_is_one_below_the_largest_u64() {
        assert!(check_sequence(0, LAST_SEQUENCE).is_ok());
        assert!(check_sequence(7, u64::MAX).is_err());
    }
}

//! The clock that stamps recorded dates: the embedding service's, never the client's.

use std::fmt;
use std::sync::atomic::{AtomicI32, Ordering};

use chrono::{Datelike, NaiveDate};

/// The embedding service's idea of today, which stamps the recorded date of every command
/// applied through the service path.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::store::{Clock, FixedClock};
/// let day = NaiveDate::from_ymd_opt(2008, 3, 2).ok_or("date")?;
/// let clock = FixedClock::new(day);
/// assert_eq!(clock.today(), day);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Clock: fmt::Debug + Send + Sync {
    /// Today's date.
    fn today(&self) -> NaiveDate;
}

/// A clock that says what it was set to: for tests, replays and batch jobs that run "as of"
/// a business date.
#[derive(Debug)]
pub struct FixedClock {
    days: AtomicI32,
}

impl FixedClock {
    /// A clock that says `today` until [`FixedClock::set`] moves it.
    #[must_use]
    pub fn new(today: NaiveDate) -> FixedClock {
        FixedClock {
            days: AtomicI32::new(today.num_days_from_ce()),
        }
    }

    /// Sets the date the clock says from now on.
    pub fn set(&self, today: NaiveDate) {
        self.days.store(today.num_days_from_ce(), Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn today(&self) -> NaiveDate {
        // OK because the stored days always came from a NaiveDate.
        NaiveDate::from_num_days_from_ce_opt(self.days.load(Ordering::SeqCst))
            .unwrap_or(NaiveDate::MIN)
    }
}

/// The system clock's date in UTC.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> NaiveDate {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
        let days = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 86_400);
        epoch
            .checked_add_days(chrono::Days::new(days))
            .unwrap_or(epoch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_says_what_it_was_set_to() {
        let a = NaiveDate::from_ymd_opt(2008, 3, 2).unwrap();
        let b = NaiveDate::from_ymd_opt(2009, 10, 1).unwrap();
        let clock = FixedClock::new(a);
        assert_eq!(clock.today(), a);
        clock.set(b);
        assert_eq!(clock.today(), b);
    }

    #[test]
    fn the_system_clock_is_after_this_code_was_written() {
        assert!(SystemClock.today() > NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    }
}

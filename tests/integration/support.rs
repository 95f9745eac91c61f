//! Helpers shared by the integration tests: what "the ledger is unchanged" means, and
//! applying a set-up.

use chrono::NaiveDate;
use security_assistance::budget::{Action, Command, Dimension, Ledger, StatusQuery};

/// Every dimension, so that a status of funds groups by all of them.
const ALL_DIMENSIONS: [Dimension; 5] = [
    Dimension::Account,
    Dimension::FiscalYear,
    Dimension::Holder,
    Dimension::Program,
    Dimension::Partner,
];

/// What a ledger looked like: itself, its journal as JSON, and its status of funds grouped
/// by every dimension as of its latest effective date (or the error it gave).
#[derive(Debug, Clone)]
pub(crate) struct Snapshot {
    ledger: Ledger,
    journal_json: String,
    status: String,
}

impl Snapshot {
    /// Takes a snapshot of `ledger`.
    pub(crate) fn of(ledger: &Ledger) -> Snapshot {
        Snapshot {
            ledger: ledger.clone(),
            journal_json: serde_json::to_string(ledger.journal()).unwrap(),
            status: status_text(ledger),
        }
    }

    /// Panics, naming `context`, unless `ledger` equals the snapshot by `==`, by its
    /// journal's JSON and by its status of funds.
    #[track_caller]
    pub(crate) fn assert_same(&self, ledger: &Ledger, context: &str) {
        assert!(*ledger == self.ledger, "{context}: the ledger changed (==)");
        assert_eq!(
            serde_json::to_string(ledger.journal()).unwrap(),
            self.journal_json,
            "{context}: the journal changed"
        );
        assert_eq!(
            status_text(ledger),
            self.status,
            "{context}: the status of funds changed"
        );
    }
}

/// The status of funds of `ledger` by every dimension as of its latest effective date
/// (1 October 2007 for an empty ledger), as JSON, or the error it gave.
pub(crate) fn status_text(ledger: &Ledger) -> String {
    let as_of = ledger
        .journal()
        .iter()
        .map(|e| e.command.date)
        .max()
        .unwrap_or_else(|| NaiveDate::from_ymd_opt(2007, 10, 1).unwrap());
    match ledger.status_of_funds(&StatusQuery::new(as_of, &ALL_DIMENSIONS)) {
        Ok(rows) => serde_json::to_string(&rows).unwrap(),
        Err(e) => format!("error: {e:?}"),
    }
}

/// Panics unless `ledger` is unchanged from `before` (see [`Snapshot::assert_same`]).
#[track_caller]
pub(crate) fn assert_unchanged(ledger: &Ledger, before: &Snapshot) {
    before.assert_same(ledger, "after a refusal");
}

/// Applies `actions` on `date` by `actor`, each as command `{prefix}{i}`, and expects each
/// accepted: a test's set-up.
#[track_caller]
pub(crate) fn apply_each(
    ledger: &mut Ledger,
    prefix: &str,
    date: NaiveDate,
    actor: &str,
    actions: impl IntoIterator<Item = Action>,
) {
    for (i, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("{prefix}{i}").parse().unwrap(),
                date,
                actor.parse().unwrap(),
                action,
            ))
            .unwrap();
    }
}

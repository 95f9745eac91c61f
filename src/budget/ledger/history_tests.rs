//! History from checkpoints: the ledger as of a date and as known on a date, and a
//! backdated command, answered from the nearest in-memory checkpoint, equal what a full
//! replay from the first entry answers.

use proptest::prelude::*;

use super::*;
use crate::budget::{Apportionment, Funding, JournalEntry, StatusQuery};
use crate::purpose::ProgramKind;

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, 1, 2)
        .and_then(|d| d.checked_add_days(chrono::Days::new(u64::from(offset))))
        .unwrap_or_default()
}

fn account() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

fn key(partner: usize) -> AllocationKey {
    let partner = ["JOR", "EGY", "COL"][partner % 3];
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        partner.parse().ok(),
    )
}

fn command(id: String, date: NaiveDate, action: Action) -> Command {
    Command::new(id.parse().unwrap(), date, "bench".parse().unwrap(), action)
}

/// Appropriation, apportionment, allotment and three allocations on the first day.
fn setup() -> Vec<Command> {
    let big = Money::from_cents(100_000_000);
    let mut actions = vec![
        Action::Appropriate {
            account: account(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: big,
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account: account(),
            category: Apportionment::ByPeriod { from: day(0) },
            amount: big,
        },
        Action::Allot {
            account: account(),
            holder: "DSCA".parse().unwrap(),
            amount: big,
        },
    ];
    for p in 0..3 {
        actions.push(Action::Allocate {
            account: account(),
            key: key(p),
            amount: Money::from_cents(20_000_000),
        });
    }
    actions
        .into_iter()
        .enumerate()
        .map(|(i, a)| command(format!("s{i}"), day(0), a))
        .collect()
}

/// One step of a random workload: what, on which document, how much, how many days after
/// the start (backdated when before the latest), and how many days its recording waits.
type Step = (u8, u8, u32, u32, u8);

fn to_command(i: usize, (kind, doc, amount, offset, _): Step) -> Command {
    let document: DocumentId = format!("D{doc}").parse().unwrap();
    // Amounts up to $10,000: some obligations exceed what is free and are refused, some
    // disbursements exceed what is unpaid.
    let amount = Money::from_cents(i64::from(amount % 1_000_000).saturating_add(1));
    let action = match kind % 3 {
        0 | 1 => Action::Obligate {
            account: account(),
            document,
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation {
                key: key(usize::from(doc)),
            },
            amount,
            object_class: None,
            financed_by: crate::budget::DirectOrReimbursable::Direct,
        },
        _ => Action::Disburse {
            account: account(),
            document,
            amount,
        },
    };
    command(
        format!("c{i}"),
        day((offset % 200).saturating_add(1)),
        action,
    )
}

/// Applies the setup and `steps` (refusals ignored) to a ledger with checkpoints every
/// `every` entries, recording each on a clock that never goes back; the outcomes as text.
fn build(steps: &[Step], every: usize) -> (Ledger, Vec<String>) {
    let mut ledger = Ledger::allow_all();
    ledger.checkpoints = Checkpoints::with_spacing(every);
    let mut outcomes = Vec::new();
    for c in setup() {
        outcomes.push(format!("{:?}", ledger.apply(c)));
    }
    let mut clock = day(0);
    for (i, step) in steps.iter().enumerate() {
        let c = to_command(i, *step);
        clock = clock
            .checked_add_days(chrono::Days::new(u64::from(step.4 % 3)))
            .unwrap_or(clock)
            .max(c.date);
        outcomes.push(format!("{:?}", ledger.apply(c.recorded_on(clock))));
    }
    (ledger, outcomes)
}

/// The ledger as of `date`, as known on `known_on`, replayed from the first entry.
fn replayed(ledger: &Ledger, date: NaiveDate, known_on: Option<NaiveDate>) -> Ledger {
    let selected: Vec<JournalEntry> = ledger
        .journal
        .iter()
        .filter(|e| e.command.date <= date && known_on.is_none_or(|k| e.command.recorded <= k))
        .collect();
    Ledger::replay(&Journal::from_entries(selected), ledger.eligibility())
        .unwrap_or_else(|e| panic!("the reference replay failed: {e}"))
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec(
        (any::<u8>(), 0u8..24, any::<u32>(), 0u32..400, any::<u8>()),
        1..120,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Checkpoints every 4 entries or none at all: the same outcome for every command
    /// (backdated and refused ones included), the same ledger, and every checkpoint equal
    /// to the replay of the entries before it.
    #[test]
    fn checkpoints_change_no_outcome_and_hold_the_replayed_state(steps in steps()) {
        let (with, outcomes) = build(&steps, 4);
        let (without, reference) = build(&steps, usize::MAX);
        prop_assert_eq!(outcomes, reference);
        prop_assert!(with == without);
        prop_assert!(with.checkpoints.len() > 0 || with.journal.len() < 4);
        for c in &with.checkpoints.list {
            let prefix = Ledger::replay(&with.journal.prefix(c.position), with.eligibility())
                .unwrap_or_else(|e| panic!("prefix: {e}"));
            prop_assert!(*c.accounts == prefix.accounts, "checkpoint at {}", c.position);
            let latest = with.journal.iter().take(c.position).map(|e| e.command.recorded).max();
            prop_assert_eq!(c.recorded, latest);
        }
    }

    /// The ledger as of any date, as known on any date (or everything known), from the
    /// nearest checkpoint equals the replay from the first entry: journal, balances,
    /// counters, status of funds, the accounts as of the date, the SF-133 and File A.
    #[test]
    fn history_from_checkpoints_equals_the_full_replay(
        steps in steps(),
        queries in prop::collection::vec((0u32..210, prop::option::of(0u32..260)), 1..8),
    ) {
        let (ledger, _) = build(&steps, 4);
        for (date, known) in queries {
            let date = day(date);
            let known_on = known.map(day);
            let fast = ledger.as_of(date, known_on).unwrap_or_else(|e| panic!("as of: {e}"));
            let slow = replayed(&ledger, date, known_on);
            prop_assert!(fast == slow, "as of {} known on {:?}", date, known_on);
            let query = StatusQuery { known_on, ..StatusQuery::new(date, &[]) };
            prop_assert_eq!(
                format!("{:?}", ledger.status_of_funds(&query)),
                format!("{:?}", slow.status_of_funds(&StatusQuery::new(date, &[])))
            );
            // The SF-133 and File A count everything recorded; they read the accounts as
            // of the date, without the journal and index of an as-of ledger.
            let fy = crate::fiscal::FiscalYear::containing(date);
            let everything = replayed(&ledger, date, None);
            let accounts = ledger.accounts_as_of(date).unwrap_or_else(|e| panic!("accounts: {e}"));
            prop_assert!(*accounts == everything.accounts, "accounts as of {}", date);
            prop_assert_eq!(
                format!("{:?}", ledger.sf133(&account(), fy, date)),
                format!("{:?}", everything.sf133(&account(), fy, date))
            );
            prop_assert_eq!(
                format!("{:?}", crate::report::file_a(&ledger, fy, date)),
                format!("{:?}", crate::report::file_a(&everything, fy, date))
            );
            // What the fast ledger answers next equals what the replayed one answers.
            let next = to_command(9999, (0, 1, 100, 0, 0));
            prop_assert_eq!(
                format!("{:?}", fast.clone().apply(next.clone())),
                format!("{:?}", slow.clone().apply(next))
            );
        }
    }
}

/// `keep_checkpoints` bounds what the ledger keeps: none at 0 (and none taken later),
/// at most `max` otherwise, the answers unchanged.
#[test]
fn keep_checkpoints_bounds_the_checkpoints_kept() {
    let steps = sixty_obligations();
    let (mut ledger, _) = build(&steps, 4);
    // One every 4 entries appended, none between.
    let positions: Vec<usize> = ledger.checkpoints.list.iter().map(|c| c.position).collect();
    assert!(positions.len() > 2, "{positions:?}");
    assert!(positions.iter().all(|p| p % 4 == 0), "{positions:?}");
    let before = ledger.clone();
    ledger.keep_checkpoints(2);
    assert!(
        (1..=2).contains(&ledger.checkpoints.len()),
        "{}",
        ledger.checkpoints.len()
    );
    ledger.keep_checkpoints(0);
    assert_eq!(ledger.checkpoints.len(), 0);
    let more = to_command(1_000, (0, 3, 7, 7, 1)).recorded_on(day(400));
    let _ = ledger.apply(more.clone());
    let mut reference = before;
    let _ = reference.apply(more);
    assert_eq!(ledger.checkpoints.len(), 0);
    assert!(ledger == reference);
}

/// A backdated command takes the checkpoints after it again only where they are due:
/// with no limit, one at every multiple of the spacing up to the journal's length, as
/// appending the same entries one after another leaves them; none between.
#[test]
fn a_backdated_command_takes_checkpoints_only_where_due() {
    let steps = sixty_obligations();
    let (mut ledger, _) = build(&steps, 4);
    // A document no entry names (D200), obligated on the second day.
    let backdated = to_command(1_000, (0, 200, 7, 0, 1)).recorded_on(day(400));
    assert!(ledger.journal.last_date() > Some(backdated.date));
    ledger.apply(backdated).unwrap();
    let positions: Vec<usize> = ledger.checkpoints.list.iter().map(|c| c.position).collect();
    let due: Vec<usize> = (1..=ledger.journal.len() / 4).map(|k| k * 4).collect();
    assert_eq!(positions, due);
}

/// Replaying a journal takes checkpoints only where they are due: none for a journal
/// shorter than the first spacing.
#[test]
fn a_replay_takes_checkpoints_only_where_due() {
    let steps = sixty_obligations();
    let (ledger, _) = build(&steps, 4);
    let entries: Vec<JournalEntry> = ledger.journal.iter().collect();
    assert!(entries.len() < Checkpoints::FIRST_SPACING);
    // Five lengths in a row: a checkpoint at every entry, thinned, would leave some.
    for len in entries.len().saturating_sub(4)..=entries.len() {
        let journal = Journal::from_entries(entries[..len].to_vec());
        let replayed = Ledger::replay(&journal, ledger.eligibility()).unwrap();
        assert_eq!(replayed.journal.len(), len);
        assert_eq!(replayed.checkpoints.len(), 0, "{len}");
    }
}

/// Sixty obligations on successive days, over 24 documents (some refused as repeated).
fn sixty_obligations() -> Vec<Step> {
    (0u32..60)
        .map(|i| (0u8, u8::try_from(i % 24).unwrap_or(0), i, i, 1u8))
        .collect()
}

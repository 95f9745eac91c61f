//! `Ledger::check`, `check_all` and `apply_all` against `apply`: a dry run gives the
//! receipt or the error that applying gives, and a refused batch leaves the ledger as it
//! was (compared with `==`, as the journal's JSON, and as the status of funds).

use chrono::NaiveDate;
use proptest::prelude::*;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, BatchError, BudgetError, Command,
    Dimension, Funding, Instrument, Ledger, StatusQuery, StatusRow,
};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, m, d).unwrap()
}

fn account(i: u8) -> AccountSymbol {
    if i % 2 == 0 {
        "011-2008/2009-1082".parse().unwrap()
    } else {
        "011-2008-1081".parse().unwrap()
    }
}

fn key() -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    )
}

/// A command drawn from small pools of ids, accounts, documents, dates and amounts, so
/// that duplicates, conflicts, backdating and refusals at every level all occur.
fn command(raw: (u8, u8, u8, u8, u8, u8)) -> Command {
    let (kind, id, acct, doc, date, amount) = raw;
    let account = account(acct);
    let amount = ["1", "100", "250.50", "1000", "1000000", "0"][usize::from(amount % 6)]
        .parse()
        .unwrap();
    let document = format!("JO-D-{}", doc % 3).parse().unwrap();
    let date = day(1 + u32::from(date % 3), 2);
    let action = match kind % 9 {
        0 => Action::Appropriate {
            account,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount,
            law: "P.L. 110-161".into(),
        },
        1 => Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: day(1, 2) },
            amount,
        },
        2 => Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount,
        },
        3 => Action::Allocate {
            account,
            key: key(),
            amount,
        },
        4 => Action::Obligate {
            account,
            document,
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key() },
            amount,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        5 => Action::Disburse {
            account,
            document,
            amount,
        },
        6 => Action::Refund {
            account,
            document,
            amount,
        },
        7 => Action::Rescind {
            account,
            amount,
            law: "P.L. 110-252".into(),
        },
        _ => Action::Collect {
            account,
            document,
            payer: "GBR".parse().unwrap(),
            amount,
            authority: "22 U.S.C. 2392(d)".into(),
        },
    };
    // Recorded on a fixed late date, so that effective dates may go back.
    Command::new(
        format!("c{}", id % 12).parse().unwrap(),
        date,
        "budget-office".parse().unwrap(),
        action,
    )
    .recorded_on(day(4, 1))
}

/// What "unchanged" compares besides `==`: the journal as JSON and the status of funds.
fn seen(ledger: &Ledger) -> (String, Vec<StatusRow>) {
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(day(12, 31), &[Dimension::Account]))
        .unwrap();
    (json, rows)
}

fn raw() -> impl Strategy<Value = (u8, u8, u8, u8, u8, u8)> {
    (
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
        any::<u8>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// `check` then `apply` agree (same receipt or same error), and `check` changes nothing.
    #[test]
    fn check_and_apply_agree(steps in prop::collection::vec(raw(), 1..60)) {
        let mut ledger = Ledger::allow_all();
        for step in steps {
            let c = command(step);
            let before = ledger.clone();
            let checked = ledger.check(&c);
            prop_assert_eq!(&ledger, &before);
            let applied = ledger.apply(c);
            prop_assert_eq!(checked, applied);
        }
        prop_assert_eq!(Ledger::replay(ledger.journal(), std::sync::Arc::new(security_assistance::eligibility::AllowAll)).unwrap(), ledger);
    }

    /// A batch applies whole or not at all, and `check_all` predicts which.
    #[test]
    fn a_batch_is_all_or_nothing(
        batches in prop::collection::vec(prop::collection::vec(raw(), 0..5), 1..20)
    ) {
        let mut ledger = Ledger::allow_all();
        for batch in batches {
            let commands: Vec<Command> = batch.into_iter().map(command).collect();
            let before = ledger.clone();
            let seen_before = seen(&ledger);
            let checked = ledger.check_all(&commands);
            prop_assert_eq!(&ledger, &before);
            let applied = ledger.apply_all(commands.clone());
            prop_assert_eq!(&checked, &applied);
            match applied {
                Err(BatchError { index, command, error, .. }) => {
                    prop_assert_eq!(&ledger, &before);
                    prop_assert_eq!(seen(&ledger), seen_before.clone());
                    prop_assert_eq!(&command, &commands[index].id);
                    // The refused command is refused alike after the ones before it.
                    let mut alone = before.clone();
                    for c in &commands[..index] {
                        alone.apply(c.clone()).unwrap();
                    }
                    prop_assert_eq!(alone.apply(commands[index].clone()).unwrap_err(), error);
                }
                Ok(receipts) => {
                    prop_assert_eq!(receipts.len(), commands.len());
                    // The same as applying them one by one.
                    let mut one_by_one = before.clone();
                    for (c, r) in commands.into_iter().zip(&receipts) {
                        prop_assert_eq!(&one_by_one.apply(c).unwrap(), r);
                    }
                    prop_assert_eq!(&one_by_one, &ledger);
                }
            }
            prop_assert_eq!(Ledger::replay(ledger.journal(), std::sync::Arc::new(security_assistance::eligibility::AllowAll)).unwrap(), ledger.clone());
        }
    }
}

#[test]
fn a_refused_batch_names_the_command_and_keeps_its_cause_once() {
    let mut ledger = Ledger::allow_all();
    let appropriate = command((0, 1, 0, 0, 0, 3)); // $1,000
    let apportion = command((1, 2, 0, 0, 0, 4)); // $1,000,000: too much
    let before = ledger.clone();
    let err = ledger
        .apply_all(vec![appropriate.clone(), apportion])
        .unwrap_err();
    assert_eq!((err.index, err.command.as_str()), (1, "c2"));
    assert!(matches!(err.error, BudgetError::Exceeds { .. }));
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert_eq!(source, err.error.to_string());
    assert!(!err.to_string().contains(&source));
    assert_eq!(ledger, before);
    // Serializable, and read back equal.
    let json = serde_json::to_string(&err).unwrap();
    assert_eq!(serde_json::from_str::<BatchError>(&json).unwrap(), err);
    // The first command alone is accepted, with the receipt a dry run gives.
    let checked = ledger
        .check_all(std::slice::from_ref(&appropriate))
        .unwrap();
    assert_eq!(ledger.apply_all(vec![appropriate]).unwrap(), checked);
}

/// A refused batch takes back a transfer whole: the gaining account too, not only the
/// account it names first.
#[test]
fn a_refused_batch_takes_back_a_transfers_gaining_account() {
    let mut ledger = Ledger::allow_all();
    for (id, i) in [("a0", 0), ("a1", 1)] {
        let c = Command::new(
            id.parse().unwrap(),
            day(1, 2),
            "budget-office".parse().unwrap(),
            Action::Appropriate {
                account: account(i),
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing],
                amount: "1000".parse().unwrap(),
                law: "P.L. 110-161".into(),
            },
        );
        ledger.apply(c).unwrap();
    }
    let before = ledger.clone();
    let seen_before = seen(&ledger);
    let transfer = Command::new(
        "t".parse().unwrap(),
        day(1, 3),
        "budget-office".parse().unwrap(),
        Action::Transfer {
            from: account(0),
            to: account(1),
            amount: "100".parse().unwrap(),
            authority: "P.L. 107-296 sec. 1511".into(),
        },
    );
    // The gaining account now holds 1,100: apportioning 1,100.01 is refused.
    let too_much = Command::new(
        "p".parse().unwrap(),
        day(1, 3),
        "omb".parse().unwrap(),
        Action::Apportion {
            account: account(1),
            category: Apportionment::ByPeriod { from: day(1, 2) },
            amount: "1100.01".parse().unwrap(),
        },
    );
    let err = ledger
        .apply_all(vec![transfer.clone(), too_much])
        .unwrap_err();
    assert_eq!(err.index, 1);
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen_before);
    // The transfer alone goes through.
    ledger.apply(transfer).unwrap();
}

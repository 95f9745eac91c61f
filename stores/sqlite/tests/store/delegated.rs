//! A store under delegated authority: the policy is recorded with the journal, a command
//! beyond its actor's delegation is refused, and it is still refused after the ledger is
//! reopened (from the entries, and from a checkpoint); the store never reopens open.
//!
//! The scenario is generic over the store; the PostgreSQL store's tests run it too (they
//! include this file).

use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    Action, AgencyHead, AllocationKey, Apportionment, AuthorityError, BudgetError, Command,
    DelegatedAuthority, Funding, Grant, Instrument, Policy, Power, Role, Scope,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::store::{
    DurableLedger, FixedClock, JournalStore, ServiceError, StoreError,
};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, m, d).unwrap()
}

const ACCOUNT: &str = "011-2008/2009-1082";

/// The Secretary of State heads agency 11.
pub(crate) fn delegated() -> Policy {
    Policy::Delegated(DelegatedAuthority {
        heads: vec![AgencyHead {
            agency: 11,
            actor: "secretary".parse().unwrap(),
        }],
        second_approval_above: None,
    })
}

fn key() -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    )
}

fn command(id: &str, actor: &str, action: Action) -> Command {
    Command::new(
        id.parse().unwrap(),
        day(1, 2),
        actor.parse().unwrap(),
        action,
    )
}

fn obligation(id: &str, actor: &str, amount: &str) -> Command {
    command(
        id,
        actor,
        Action::Obligate {
            account: ACCOUNT.parse().unwrap(),
            document: format!("JO-{id}").parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: key() },
            amount: amount.parse().unwrap(),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    )
}

/// The year's start: appropriation and apportionment (not delegated), the secretary's
/// delegation to DSCA's director (at most $1,000 a command), the director's allotment and
/// allocation.
fn start() -> Vec<Command> {
    let account = ACCOUNT.parse().unwrap();
    vec![
        command(
            "a1",
            "congress",
            Action::Appropriate {
                account,
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing],
                amount: "1000000".parse().unwrap(),
                law: "P.L. 110-161".into(),
            },
        ),
        command(
            "a2",
            "omb",
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod { from: day(1, 2) },
                amount: "1000000".parse().unwrap(),
            },
        ),
        command(
            "d1",
            "secretary",
            Action::Delegate {
                grant: Grant {
                    parent: None,
                    to: "dsca-director".parse().unwrap(),
                    role: Role::FundsHolder,
                    scope: Scope {
                        accounts: vec![account],
                        ..Scope::default()
                    },
                    powers: vec![Power::Allot, Power::Allocate, Power::Obligate],
                    per_command: Some("1000".parse().unwrap()),
                    per_year: None,
                    expires: None,
                },
            },
        ),
        command(
            "a3",
            "dsca-director",
            Action::Allot {
                account,
                holder: "DSCA".parse().unwrap(),
                amount: "1000".parse().unwrap(),
            },
        ),
        command(
            "a4",
            "dsca-director",
            Action::Allocate {
                account,
                key: key(),
                amount: "1000".parse().unwrap(),
            },
        ),
    ]
}

fn open<S: JournalStore>(store: S, policy: Policy) -> Result<DurableLedger<S>, ServiceError> {
    let clock = Arc::new(FixedClock::new(day(1, 2)));
    DurableLedger::open(store, clock, Arc::new(AllowAll), policy)
}

/// `ledger` refuses the stranger's obligation as unauthorized, and writes nothing.
fn refuses_the_stranger<S: JournalStore>(ledger: &mut DurableLedger<S>) {
    let before = ledger.ledger().clone();
    let stored = ledger.ledger().journal().len();
    let error = ledger
        .apply(obligation("x1", "stranger", "10"))
        .unwrap_err();
    let ServiceError::Refused(BudgetError::Unauthorized { actor, problem, .. }) = error else {
        panic!("not unauthorized: {error:?}");
    };
    assert_eq!(actor.as_str(), "stranger");
    assert!(
        matches!(*problem, AuthorityError::NoDelegation { .. }),
        "{problem:?}"
    );
    assert_eq!(ledger.ledger(), &before);
    assert_eq!(ledger.ledger().journal().len(), stored);
}

/// The whole story on the store `fresh` opens (a new, empty store each call is not needed:
/// `fresh` is called once, `reopen` for every later opening).
pub(crate) fn delegated_store_scenario<S: JournalStore>(
    fresh: impl FnOnce() -> S,
    mut reopen: impl FnMut() -> S,
) {
    let mut ledger = open(fresh(), delegated()).unwrap();
    ledger.apply_all(start()).unwrap();
    refuses_the_stranger(&mut ledger);
    // Over the delegation's limit per command.
    let error = ledger
        .apply(obligation("x2", "dsca-director", "1000.01"))
        .unwrap_err();
    assert!(
        matches!(
            &error,
            ServiceError::Refused(BudgetError::Unauthorized { problem, .. })
                if matches!(**problem, AuthorityError::OverCommandLimit { .. })
        ),
        "{error:?}"
    );
    ledger
        .apply(obligation("o1", "dsca-director", "10"))
        .unwrap();
    let applied = ledger.ledger().clone();
    drop(ledger);

    // The store records the policy; reopened from its entries, it still refuses.
    let mut store = reopen();
    let recorded = store.policy().unwrap().unwrap().decode().unwrap();
    assert_eq!(recorded, delegated());
    let mut ledger = open(store, recorded).unwrap();
    assert_eq!(ledger.ledger(), &applied);
    refuses_the_stranger(&mut ledger);
    assert_eq!(ledger.checkpoint().unwrap(), Some(5));
    drop(ledger);

    // Reopened from the checkpoint: the delegations are known, the stranger refused, the
    // director's obligation within the delegation accepted.
    let mut ledger = open(reopen(), delegated()).unwrap();
    assert_eq!(ledger.ledger(), &applied);
    assert_eq!(ledger.ledger().delegations(day(1, 2), None).len(), 1);
    refuses_the_stranger(&mut ledger);
    ledger
        .apply(obligation("o2", "dsca-director", "20"))
        .unwrap();
    drop(ledger);

    // Never open: asked to open it open, the store refuses, naming both policies.
    let Err(error) = open(reopen(), Policy::Open) else {
        panic!("opened open");
    };
    let ServiceError::Store(StoreError::OtherPolicy { recorded, given }) = error else {
        panic!("not another policy: {error:?}");
    };
    assert!(recorded.contains("delegated"), "{recorded}");
    assert_eq!(given, r#"{"policy":"open"}"#);
}

//! Unit tests of the delegation register.

use super::*;

#[test]
fn a_scope_inside_its_parent() {
    let parent = Scope {
        accounts: vec!["011-2008/2009-1082".parse().unwrap()],
        ..Scope::default()
    };
    let child = Scope {
        accounts: vec!["011-2008/2009-1082".parse().unwrap()],
        programs: vec![ProgramKind::Financing],
        ..Scope::default()
    };
    assert_eq!(child.outside(&parent), None);
    assert_eq!(parent.outside(&child), Some("programs"));
    assert_eq!(Scope::default().outside(&parent), Some("accounts"));
}

#[test]
fn signers_and_grants_survive_the_stored_encoding() {
    use crate::budget::journal::decode_standalone;
    use crate::budget::{Command, JournalEntry, encode_entry};
    let date = NaiveDate::from_ymd_opt(2008, 1, 2).unwrap();
    let pay = Command::new(
        "p1".parse().unwrap(),
        date,
        "holder".parse().unwrap(),
        Action::Disburse {
            account: "011-2008/2009-1082".parse().unwrap(),
            document: "D-1".parse().unwrap(),
            amount: "10".parse().unwrap(),
        },
    )
    .certified_by("certifier".parse().unwrap())
    .approved_by("approver".parse().unwrap());
    let delegate = Command::new(
        "d1".parse().unwrap(),
        date,
        "head".parse().unwrap(),
        Action::Delegate {
            grant: Grant {
                parent: None,
                to: "holder".parse().unwrap(),
                role: Role::FundsHolder,
                scope: Scope::default(),
                powers: vec![Power::Disburse],
                per_command: Some("5".parse().unwrap()),
                per_year: None,
                expires: Some(date),
            },
        },
    );
    let plain = Command::new(
        "p2".parse().unwrap(),
        date,
        "holder".parse().unwrap(),
        Action::Revoke {
            delegation: "d1".parse().unwrap(),
            reason: "done".into(),
        },
    );
    for command in [pay, delegate, plain] {
        let entry = JournalEntry {
            sequence: 3,
            command,
            decision: None,
        };
        let bytes = encode_entry(&entry).unwrap();
        assert_eq!(decode_standalone(&bytes), Some(entry));
    }
}

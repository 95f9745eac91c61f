//! Delegated fund-control authority (issue 18): delegations as journaled commands, the
//! authority check in the command pipeline, segregation of duties, replay under the policy
//! and the audit report. Every refusal is shown to leave the ledger unchanged.

use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;
use security_assistance::ProgramKind;
use security_assistance::budget::{
    AccountSymbol, Action, AgencyHead, AllocationKey, Apportionment, AuthorityError, BudgetError,
    Command, DelegatedAuthority, Funding, Grant, Instrument, Ledger, Policy, Power, Role, Scope,
    Signer,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::report::AuditReport;

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2008, m, d).unwrap()
}

fn account() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

fn key(partner: &str) -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some(partner.parse().unwrap()),
    )
}

fn policy() -> Policy {
    Policy::Delegated(DelegatedAuthority {
        heads: vec![AgencyHead {
            agency: 11,
            actor: "secretary".parse().unwrap(),
        }],
        second_approval_above: Some("1000000".parse().unwrap()),
    })
}

fn grant(parent: Option<&str>, to: &str, role: Role, powers: &[Power]) -> Grant {
    Grant {
        parent: parent.map(|p| p.parse().unwrap()),
        to: to.parse().unwrap(),
        role,
        // Inside the root's accounts, as every re-delegation must be.
        scope: Scope {
            accounts: vec![account()],
            ..Scope::default()
        },
        powers: powers.to_vec(),
        per_command: None,
        // Within the root's limit, as every re-delegation must be.
        per_year: Some(money("50000000")),
        expires: None,
    }
}

fn money(text: &str) -> security_assistance::Money {
    text.parse().unwrap()
}

/// A commitment in the first account for `partner`.
fn commit(document: &str, partner: &str, amount: &str) -> Action {
    Action::Commit {
        account: account(),
        document: document.parse().unwrap(),
        key: key(partner),
        amount: money(amount),
    }
}

/// A release of part of a commitment in the first account.
fn decommit(document: &str, amount: &str) -> Action {
    Action::Decommit {
        account: account(),
        document: document.parse().unwrap(),
        amount: money(amount),
    }
}

/// A revocation of `delegation`, for `reason`.
fn revoke(delegation: &str, reason: &str) -> Action {
    Action::Revoke {
        delegation: delegation.parse().unwrap(),
        reason: reason.into(),
    }
}

/// The country officer's re-delegation to a deputy, inside every bound of `D2`.
fn deputy() -> Grant {
    let mut deputy = grant(Some("D2"), "deputy", Role::FundsHolder, &[Power::Obligate]);
    deputy.scope.holders = vec!["DSCA".parse().unwrap()];
    deputy.scope.partners = vec!["JOR".parse().unwrap()];
    deputy.per_command = Some(money("500000"));
    deputy.per_year = Some(money("800000"));
    deputy.expires = Some(day(9, 30));
    deputy
}

/// A command numbered by the ledger's journal length, so ids never repeat.
struct World {
    ledger: Ledger,
    n: usize,
}

impl World {
    fn command(&mut self, date: NaiveDate, actor: &str, action: Action) -> Command {
        self.n += 1;
        Command::new(
            format!("c{}", self.n).parse().unwrap(),
            date,
            actor.parse().unwrap(),
            action,
        )
    }

    fn apply(&mut self, date: NaiveDate, actor: &str, action: Action) -> Command {
        let command = self.command(date, actor, action);
        self.ledger.apply(command.clone()).unwrap();
        command
    }

    fn delegate(&mut self, id: &str, date: NaiveDate, actor: &str, grant: Grant) {
        self.ledger
            .apply(Command::new(
                id.parse().unwrap(),
                date,
                actor.parse().unwrap(),
                Action::Delegate { grant },
            ))
            .unwrap();
    }

    /// Applies `command`, expects a refusal for want of authority, checks that nothing
    /// changed, and returns the problem.
    fn refused(&mut self, command: Command) -> AuthorityError {
        let before = self.ledger.clone();
        let err = self.ledger.apply(command).unwrap_err();
        assert_eq!(self.ledger, before, "a refused command changed the ledger");
        assert_eq!(err.precedence(), 2);
        assert!(err.citation().is_some());
        match err {
            BudgetError::Unauthorized { problem, .. } => *problem,
            other => panic!("expected an authority refusal, got {other:?}"),
        }
    }

    fn obligate(
        &mut self,
        date: NaiveDate,
        actor: &str,
        document: &str,
        partner: &str,
        amount: &str,
    ) -> Command {
        self.command(
            date,
            actor,
            Action::Obligate {
                account: account(),
                document: document.parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key(partner) },
                amount: money(amount),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        )
    }

    fn disburse(&mut self, date: NaiveDate, actor: &str, document: &str, amount: &str) -> Command {
        self.command(
            date,
            actor,
            Action::Disburse {
                account: account(),
                document: document.parse().unwrap(),
                amount: money(amount),
            },
        )
    }
}

/// The chain: the secretary (head of agency 011) delegates to the DSCA director, who
/// delegates to a country officer (Jordan only, limits), a certifying officer and an
/// approving official. The director allots and allocates; the officer obligates.
fn world() -> World {
    let mut w = World {
        ledger: Ledger::allow_all(),
        n: 0,
    };
    w.ledger.set_policy(policy()).unwrap();
    w.apply(
        day(1, 2),
        "budget-office",
        Action::Appropriate {
            account: account(),
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: money("10000000"),
            law: "P.L. 110-161".into(),
        },
    );
    w.apply(
        day(1, 2),
        "omb",
        Action::Apportion {
            account: account(),
            category: Apportionment::ByPeriod { from: day(1, 2) },
            amount: money("10000000"),
        },
    );
    let mut root = grant(
        None,
        "dsca-director",
        Role::FundsHolder,
        &[
            Power::Allot,
            Power::Allocate,
            Power::Commit,
            Power::Obligate,
            Power::Disburse,
            Power::Certify,
            Power::Approve,
        ],
    );
    root.scope.accounts = vec![account()];
    root.per_year = Some(money("50000000"));
    w.delegate("D1", day(1, 3), "secretary", root);
    let mut officer = grant(
        Some("D1"),
        "country-officer",
        Role::FundsHolder,
        &[Power::Commit, Power::Obligate],
    );
    officer.scope = Scope {
        accounts: vec![account()],
        holders: vec!["DSCA".parse().unwrap()],
        programs: vec![],
        partners: vec!["JOR".parse().unwrap()],
    };
    officer.per_command = Some(money("500000"));
    officer.per_year = Some(money("800000"));
    officer.expires = Some(day(9, 30));
    w.delegate("D2", day(1, 4), "dsca-director", officer);
    w.delegate(
        "D3",
        day(1, 4),
        "dsca-director",
        grant(
            Some("D1"),
            "certifier",
            Role::CertifyingOfficer,
            &[Power::Certify],
        ),
    );
    w.delegate(
        "D4",
        day(1, 4),
        "dsca-director",
        grant(
            Some("D1"),
            "approver",
            Role::ApprovingOfficial,
            &[Power::Approve],
        ),
    );
    w.apply(
        day(1, 5),
        "dsca-director",
        Action::Allot {
            account: account(),
            holder: "DSCA".parse().unwrap(),
            amount: money("5000000"),
        },
    );
    for partner in ["JOR", "EGY"] {
        w.apply(
            day(1, 5),
            "dsca-director",
            Action::Allocate {
                account: account(),
                key: key(partner),
                amount: money("2000000"),
            },
        );
    }
    let c = w.obligate(day(2, 1), "country-officer", "JO-1", "JOR", "300000");
    w.ledger.apply(c).unwrap();
    w
}

#[test]
fn the_chain_from_the_agency_head_covers_the_officers_obligation() {
    let w = world();
    let report = AuditReport::of_document(&w.ledger, &account(), &"JO-1".parse().unwrap());
    assert_eq!(report.subject, "document 011-2008/2009-1082 JO-1");
    assert_eq!(report.rows.len(), 1);
    let row = &report.rows[0];
    assert_eq!(row.actor.as_str(), "country-officer");
    assert_eq!(row.delegation.as_ref().unwrap().as_str(), "D2");
    let chain: Vec<(&str, &str)> = row
        .chain
        .iter()
        .map(|(d, a)| (d.as_str(), a.as_str()))
        .collect();
    assert_eq!(chain, [("D2", "dsca-director"), ("D1", "secretary")]);
    assert!(
        report
            .text()
            .contains("D2 by dsca-director < D1 by secretary")
    );
    assert!(
        report
            .csv()
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .contains("country-officer")
    );
    let json: serde_json::Value = serde_json::from_str(&report.json().unwrap()).unwrap();
    assert_eq!(json["rows"][0]["delegation"], "D2");
}

#[test]
fn an_actor_without_a_delegation_is_refused() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "stranger", "JO-2", "JOR", "10");
    let problem = w.refused(c);
    assert_eq!(
        problem,
        AuthorityError::NoDelegation {
            actor: "stranger".parse().unwrap(),
            power: Power::Obligate
        }
    );
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 1514(a)");
}

#[test]
fn a_partner_outside_the_delegation_is_out_of_scope() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "country-officer", "EG-1", "EGY", "10");
    match w.refused(c) {
        AuthorityError::OutOfScope {
            delegation,
            dimension,
            value,
            ..
        } => {
            assert_eq!(
                (delegation.as_str(), dimension.as_str(), value.as_str()),
                ("D2", "partners", "EGY")
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_amount_above_the_limit_per_command_is_refused() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "country-officer", "JO-2", "JOR", "500000.01");
    let problem = w.refused(c);
    assert!(
        matches!(problem, AuthorityError::OverCommandLimit { ref limit, .. } if *limit == money("500000"))
    );
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 1517(a)(2)");
}

#[test]
fn the_cumulative_limit_for_the_fiscal_year_is_never_passed() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "country-officer", "JO-2", "JOR", "400000");
    w.ledger.apply(c).unwrap();
    // 300,000 + 400,000 used of 800,000: 100,000.01 more is refused, 100,000 is not.
    let c = w.obligate(day(2, 3), "country-officer", "JO-3", "JOR", "100000.01");
    match w.refused(c) {
        AuthorityError::OverCumulativeLimit {
            delegation,
            used,
            limit,
            ..
        } => {
            assert_eq!(delegation.as_str(), "D2");
            assert_eq!((used, limit), (money("700000"), money("800000")));
        }
        other => panic!("{other:?}"),
    }
    let c = w.obligate(day(2, 3), "country-officer", "JO-3", "JOR", "100000");
    w.ledger.apply(c).unwrap();
}

#[test]
fn an_expired_delegation_covers_nothing() {
    let mut w = world();
    // The day it expires is still covered.
    let c = w.obligate(day(9, 30), "country-officer", "JO-E", "JOR", "10");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(10, 1), "country-officer", "JO-2", "JOR", "10");
    assert!(
        matches!(w.refused(c), AuthorityError::Expired { ref delegation, .. } if delegation.as_str() == "D2")
    );
}

#[test]
fn a_revoked_delegation_and_those_under_it_cover_nothing_from_the_revocation() {
    let mut w = world();
    let trial = w.ledger.trial_balance(&account()).unwrap();
    w.apply(day(3, 1), "secretary", revoke("D1", "reorganization"));
    // What was applied stays applied.
    assert_eq!(w.ledger.trial_balance(&account()).unwrap(), trial);
    let c = w.obligate(day(3, 2), "country-officer", "JO-2", "JOR", "10");
    match w.refused(c) {
        AuthorityError::Revoked {
            delegation,
            revocation,
            ..
        } => {
            assert_eq!(delegation.as_str(), "D2");
            assert_eq!(revocation.as_str(), format!("c{}", w.n - 1));
        }
        other => panic!("{other:?}"),
    }
    // Only those above may revoke; a revoked delegation is not revoked twice.
    let again = w.command(day(3, 3), "secretary", revoke("D1", "again"));
    assert!(matches!(
        w.refused(again),
        AuthorityError::AlreadyRevoked { .. }
    ));
    let by_officer = w.command(day(3, 3), "country-officer", revoke("D3", "x"));
    assert!(matches!(
        w.refused(by_officer),
        AuthorityError::NotAbove { .. }
    ));
}

#[test]
fn a_delegation_not_yet_effective_covers_nothing_and_is_checked_when_backdated() {
    let mut w = world();
    let mut later = grant(
        Some("D1"),
        "late-officer",
        Role::FundsHolder,
        &[Power::Obligate],
    );
    later.scope.accounts = vec![account()];
    w.delegate("D5", day(6, 1), "dsca-director", later);
    // Backdated before D5 takes effect: rebuilt around the command, still refused.
    let c = w
        .obligate(day(4, 1), "late-officer", "JO-9", "JOR", "10")
        .recorded_on(day(6, 1));
    assert!(
        matches!(w.refused(c), AuthorityError::NotYetEffective { ref effective, .. } if *effective == day(6, 1))
    );
    let c = w.obligate(day(6, 1), "late-officer", "JO-9", "JOR", "10");
    w.ledger.apply(c).unwrap();
}

#[test]
fn a_disbursement_needs_a_certifying_officer_who_did_not_obligate() {
    let mut w = world();
    let c = w.disburse(day(3, 1), "dsca-director", "JO-1", "1000");
    assert!(matches!(
        w.refused(c),
        AuthorityError::NoCertifyingOfficer { .. }
    ));
    let c = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("country-officer".parse().unwrap());
    let problem = w.refused(c);
    assert!(matches!(problem, AuthorityError::CertifierObligated { .. }));
    assert!(problem.citation().to_string().contains("GAO-14-704G"));
    // A certifier without a certifying delegation.
    let c = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("approver".parse().unwrap());
    let problem = w.refused(c);
    assert_eq!(
        problem,
        AuthorityError::NoDelegation {
            actor: "approver".parse().unwrap(),
            power: Power::Certify
        }
    );
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 3325(a)(1)");
    let c = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("certifier".parse().unwrap());
    w.ledger.apply(c).unwrap();
    let report = w
        .ledger
        .audit_document(&account(), &"JO-1".parse().unwrap());
    let certified = report
        .iter()
        .find(|r| r.signer == Signer::CertifyingOfficer)
        .unwrap();
    assert_eq!(
        (
            certified.actor.as_str(),
            certified.delegation.as_ref().unwrap().as_str()
        ),
        ("certifier", "D3")
    );
    let by_certifier = w.ledger.audit_actor(&"certifier".parse().unwrap());
    assert_eq!(by_certifier.len(), 1);
}

#[test]
fn a_large_obligation_needs_a_second_approver_other_than_the_obligor() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "dsca-director", "JO-L", "JOR", "1200000");
    assert!(matches!(
        w.refused(c.clone()),
        AuthorityError::NoSecondApprover { .. }
    ));
    let c2 = c.clone().approved_by("dsca-director".parse().unwrap());
    assert!(matches!(
        w.refused(c2),
        AuthorityError::ApproverObligates { .. }
    ));
    let c3 = c.clone().approved_by("certifier".parse().unwrap());
    assert!(matches!(
        w.refused(c3),
        AuthorityError::NoDelegation {
            power: Power::Approve,
            ..
        }
    ));
    w.ledger
        .apply(c.approved_by("approver".parse().unwrap()))
        .unwrap();
}

#[test]
fn a_delegate_may_not_re_delegate_more_than_it_holds() {
    let mut w = world();
    let mut wider = grant(Some("D2"), "clerk", Role::FundsHolder, &[Power::Obligate]);
    wider.scope.accounts = vec![account()];
    wider.scope.partners = vec!["JOR".parse().unwrap()];
    wider.per_command = Some(money("600000"));
    wider.per_year = Some(money("100"));
    wider.expires = Some(day(9, 30));
    let c = w.command(
        day(2, 2),
        "country-officer",
        Action::Delegate {
            grant: wider.clone(),
        },
    );
    assert!(
        matches!(w.refused(c), AuthorityError::BeyondParent { ref what, .. } if what == "holders")
    );
    wider.scope.holders = vec!["DSCA".parse().unwrap()];
    let c = w.command(
        day(2, 2),
        "country-officer",
        Action::Delegate {
            grant: wider.clone(),
        },
    );
    assert!(
        matches!(w.refused(c), AuthorityError::BeyondParent { ref what, .. } if what == "per_command")
    );
    wider.per_command = Some(money("100"));
    wider.powers = vec![Power::Disburse];
    let c = w.command(
        day(2, 2),
        "country-officer",
        Action::Delegate {
            grant: wider.clone(),
        },
    );
    assert!(
        matches!(w.refused(c), AuthorityError::BeyondParent { ref what, .. } if what == "powers")
    );
    wider.powers = vec![Power::Obligate];
    wider.expires = Some(day(12, 31));
    let c = w.command(
        day(2, 2),
        "country-officer",
        Action::Delegate {
            grant: wider.clone(),
        },
    );
    assert!(
        matches!(w.refused(c), AuthorityError::BeyondParent { ref what, .. } if what == "dates")
    );
    wider.expires = Some(day(9, 30));
    let c = w.command(
        day(2, 2),
        "stranger",
        Action::Delegate {
            grant: wider.clone(),
        },
    );
    assert!(matches!(w.refused(c), AuthorityError::NotHolder { .. }));
    let c = w.command(
        day(2, 2),
        "country-officer",
        Action::Delegate { grant: wider },
    );
    w.ledger.apply(c).unwrap();
    // A root delegation is the agency head's.
    let mut root = grant(None, "clerk", Role::FundsHolder, &[Power::Obligate]);
    root.scope.accounts = vec![account()];
    let c = w.command(day(2, 2), "dsca-director", Action::Delegate { grant: root });
    assert!(matches!(w.refused(c), AuthorityError::NotAgencyHead { .. }));
}

#[test]
fn who_could_obligate_on_a_date_as_known_on_another() {
    let mut w = world();
    let obligors = |l: &Ledger, date, known| {
        let mut who: Vec<String> = l
            .delegations(date, known)
            .into_iter()
            .filter(|d| {
                d.grant.role == Role::FundsHolder && d.grant.powers.contains(&Power::Obligate)
            })
            .map(|d| d.grant.to.to_string())
            .collect();
        who.sort();
        who
    };
    // Revoked on 3 March, recorded on 5 March.
    let revocation = w
        .command(day(3, 3), "dsca-director", revoke("D2", "moved"))
        .recorded_on(day(3, 5));
    w.ledger.apply(revocation).unwrap();
    assert_eq!(
        obligors(&w.ledger, day(3, 4), Some(day(3, 4))),
        ["country-officer", "dsca-director"]
    );
    assert_eq!(obligors(&w.ledger, day(3, 4), None), ["dsca-director"]);
    assert_eq!(obligors(&w.ledger, day(1, 3), None), ["dsca-director"]);
    assert!(obligors(&w.ledger, day(1, 2), None).is_empty());
}

#[test]
fn the_open_policy_checks_no_actor() {
    let mut open = Ledger::allow_all();
    let mut w = world();
    for entry in w.ledger.journal().iter() {
        open.apply(entry.command).unwrap();
    }
    w.ledger = open;
    let c = w.obligate(day(2, 2), "stranger", "JO-2", "JOR", "900000");
    w.ledger.apply(c).unwrap();
    // Under the delegated policy that entry is refused, and the policy with it.
    let err = w.ledger.clone().set_policy(policy()).unwrap_err();
    match err {
        BudgetError::Journal { position, .. } => {
            assert_eq!(
                w.ledger
                    .journal()
                    .get(position)
                    .unwrap()
                    .command
                    .actor
                    .as_str(),
                "stranger"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn replay_under_the_policy_gives_the_same_ledger() {
    let mut w = world();
    let c = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("certifier".parse().unwrap());
    w.ledger.apply(c).unwrap();
    let mut replayed = Ledger::replay(w.ledger.journal(), Arc::new(AllowAll)).unwrap();
    assert_ne!(
        replayed, w.ledger,
        "the policy is part of the ledger's value"
    );
    replayed.set_policy(policy()).unwrap();
    assert_eq!(replayed, w.ledger);
    assert_eq!(
        replayed.audit_document(&account(), &"JO-1".parse().unwrap()),
        w.ledger
            .audit_document(&account(), &"JO-1".parse().unwrap())
    );
    // The journal's JSON carries the signers, and reads back equal.
    let json = serde_json::to_string(w.ledger.journal()).unwrap();
    assert!(json.contains("\"certifying_officer\":\"certifier\""));
    let journal: security_assistance::budget::Journal = serde_json::from_str(&json).unwrap();
    assert_eq!(&journal, w.ledger.journal());
}

#[test]
fn a_refused_batch_takes_its_delegations_back() {
    let mut w = world();
    let mut g = grant(Some("D1"), "temp", Role::FundsHolder, &[Power::Obligate]);
    g.scope.accounts = vec![account()];
    let delegate = Command::new(
        "D9".parse().unwrap(),
        day(2, 2),
        "dsca-director".parse().unwrap(),
        Action::Delegate { grant: g },
    );
    let bad = w.obligate(day(2, 2), "stranger", "JO-2", "JOR", "10");
    let before = w.ledger.clone();
    assert!(w.ledger.apply_all(vec![delegate, bad]).is_err());
    assert_eq!(w.ledger, before);
    let c = w.obligate(day(2, 3), "temp", "JO-3", "JOR", "10");
    assert!(matches!(w.refused(c), AuthorityError::NoDelegation { .. }));
}

/// One step of the property test: an actor (0 director, 1 officer, 2 certifier, 3
/// stranger), what it does, an amount in thousands, and a day offset.
#[derive(Debug, Clone)]
enum Step {
    Obligate(u8, u16, u8),
    Disburse(u8, u8, u16, u8),
    Revoke(u8),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0u8..4, 1u16..700, 0u8..3).prop_map(|(a, m, d)| Step::Obligate(a, m, d)),
        (0u8..4, 0u8..4, 1u16..50, 0u8..3).prop_map(|(a, c, m, d)| Step::Disburse(a, c, m, d)),
        (0u8..3).prop_map(Step::Revoke),
    ]
}

const ACTORS: [&str; 4] = ["dsca-director", "country-officer", "certifier", "stranger"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_accepted_command_is_covered_within_its_limits(steps in prop::collection::vec(step(), 1..24)) {
        let mut w = world();
        let mut date = day(2, 2);
        let mut docs: Vec<String> = vec!["JO-1".to_owned()];
        for s in steps {
            let before = w.ledger.clone();
            let result = match s {
                Step::Obligate(a, thousands, d) => {
                    date = date + chrono::Days::new(u64::from(d));
                    let doc = format!("JO-P{}", w.n);
                    let c = w.obligate(date, ACTORS[usize::from(a)], &doc, "JOR", &format!("{thousands}000"));
                    let ok = w.ledger.apply(c).is_ok();
                    if ok { docs.push(doc); }
                    ok
                }
                Step::Disburse(a, c, amount, d) => {
                    date = date + chrono::Days::new(u64::from(d));
                    let doc = docs[usize::from(c) % docs.len()].clone();
                    let cmd = w.disburse(date, ACTORS[usize::from(a)], &doc, &amount.to_string())
                        .certified_by(ACTORS[usize::from(c % 3)].parse().unwrap());
                    w.ledger.apply(cmd).is_ok()
                }
                Step::Revoke(which) => {
                    let target = ["D2", "D3", "D4"][usize::from(which)];
                    let cmd = w.command(date, "dsca-director", revoke(target, "test"));
                    let trial = w.ledger.trial_balance(&account()).unwrap();
                    let entries: Vec<_> = w.ledger.journal().iter().collect();
                    let trails: Vec<_> = docs.iter().map(|d| w.ledger.audit_document(&account(), &d.parse().unwrap())).collect();
                    let ok = w.ledger.apply(cmd).is_ok();
                    // Revoking never changes what was applied: the balances, every entry
                    // already in the journal, and the delegation each past signature was
                    // made under (and its chain) in the audit trail.
                    prop_assert_eq!(w.ledger.trial_balance(&account()).unwrap(), trial);
                    let now: Vec<_> = w.ledger.journal().iter().filter(|e| entries.iter().any(|b| b.sequence == e.sequence)).collect();
                    prop_assert_eq!(now, entries);
                    let trails_now: Vec<_> = docs.iter().map(|d| w.ledger.audit_document(&account(), &d.parse().unwrap())).collect();
                    prop_assert_eq!(trails_now, trails);
                    // And the journal with the revocation replays to the same ledger.
                    let mut replayed = Ledger::replay(w.ledger.journal(), Arc::new(AllowAll)).unwrap();
                    replayed.set_policy(policy()).unwrap();
                    prop_assert_eq!(&replayed, &w.ledger);
                    ok
                }
            };
            if !result {
                prop_assert_eq!(&w.ledger, &before);
            }
        }
        let delegations = w.ledger.delegations(day(12, 31), None);
        let _ = delegations;
        let mut used: std::collections::BTreeMap<String, security_assistance::Money> = Default::default();
        for entry in w.ledger.journal().iter() {
            let c = &entry.command;
            let Some(power) = Power::of(&c.action) else { continue };
            let _ = power;
            let report = w.ledger.audit_actor(&c.actor);
            let row = report.iter().find(|r| r.sequence == entry.sequence && r.signer == Signer::Actor).unwrap();
            // No accepted command lacks a covering delegation.
            let delegation = row.delegation.clone();
            prop_assert!(delegation.is_some(), "{:?} has no delegation", c.id);
            if let Action::Disburse { document, .. } = &c.action {
                // The obligating actor never certifies the same document's payment.
                let trail = w.ledger.audit_document(&account(), document);
                let obligor = trail.iter().find(|r| r.action == "obligate").map(|r| r.actor.clone());
                prop_assert!(obligor.is_some());
                prop_assert_ne!(obligor, c.certifying_officer.clone());
            }
            if c.action.amount().is_positive() && !matches!(c.action, Action::Refund { .. } | Action::Decommit { .. }) {
                for (d, _) in &row.chain {
                    let total = used.entry(d.to_string()).or_default();
                    *total = total.checked_add(c.action.amount()).unwrap();
                }
            }
        }
        // Cumulative limits are never exceeded (every command here is in fiscal 2008).
        let limits = [("D1", "50000000"), ("D2", "800000")];
        for (d, limit) in limits {
            if let Some(total) = used.get(d) {
                prop_assert!(*total <= money(limit), "{} used {} of {}", d, total, limit);
            }
        }
        let mut replayed = Ledger::replay(w.ledger.journal(), Arc::new(AllowAll)).unwrap();
        replayed.set_policy(policy()).unwrap();
        prop_assert_eq!(&replayed, &w.ledger);
    }
}

/// A commitment and its release need the power to commit: an actor delegated only to
/// approve is refused either, naming that power and the fund-control regulations; the
/// officer delegated to commit may.
#[test]
fn committing_and_releasing_a_commitment_need_the_power_to_commit() {
    let mut w = world();
    let hold = commit("JO-C", "JOR", "1000");
    let release = decommit("JO-C", "400");
    let c = w.command(day(2, 3), "approver", hold.clone());
    let problem = w.refused(c);
    assert_eq!(
        problem,
        AuthorityError::NoDelegation {
            actor: "approver".parse().unwrap(),
            power: Power::Commit
        }
    );
    assert_eq!(
        problem.to_string(),
        "approver holds no delegation to commit"
    );
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 1514(a)");
    w.apply(day(2, 3), "country-officer", hold);
    let c = w.command(day(2, 4), "approver", release.clone());
    assert_eq!(
        w.refused(c),
        AuthorityError::NoDelegation {
            actor: "approver".parse().unwrap(),
            power: Power::Commit
        }
    );
    w.apply(day(2, 4), "country-officer", release);
    // A commitment for Egypt, made by the director, is outside the officer's partners:
    // releasing it is refused.
    w.apply(day(2, 5), "dsca-director", commit("EG-C", "EGY", "1000"));
    let egypt = w.command(day(2, 6), "country-officer", decommit("EG-C", "1000"));
    assert!(matches!(
        w.refused(egypt),
        AuthorityError::OutOfScope { ref dimension, ref value, .. }
            if dimension == "partners" && value == "EGY"
    ));
}

/// Each power's name in a refusal, and the provision that requires it to be delegated:
/// certifying a voucher under 31 U.S.C. 3325(a)(1), approving as second approver under
/// the Green Book's segregation of duties, the others under the fund-control regulations.
#[test]
fn a_refusal_names_the_power_and_the_provision_that_requires_it() {
    let cases = [
        (Power::Allot, "allot", "31 U.S.C. 1514(a)"),
        (Power::Allocate, "allocate", "31 U.S.C. 1514(a)"),
        (Power::Commit, "commit", "31 U.S.C. 1514(a)"),
        (Power::Obligate, "obligate", "31 U.S.C. 1514(a)"),
        (Power::Disburse, "disburse", "31 U.S.C. 1514(a)"),
        (Power::Certify, "certify", "31 U.S.C. 3325(a)(1)"),
        (
            Power::Approve,
            "approve",
            "GAO-14-704G, Standards for Internal Control in the Federal Government section 10.13",
        ),
    ];
    for (power, name, citation) in cases {
        let problem = AuthorityError::NoDelegation {
            actor: "clerk".parse().unwrap(),
            power,
        };
        assert_eq!(
            problem.to_string(),
            format!("clerk holds no delegation to {name}")
        );
        assert_eq!(power.citation().to_string(), citation, "{power:?}");
        assert_eq!(problem.citation(), power.citation());
    }
    // Through the ledger: an approver who holds no delegation to approve.
    let mut w = world();
    let c = w
        .obligate(day(2, 2), "dsca-director", "JO-L", "JOR", "1200000")
        .approved_by("certifier".parse().unwrap());
    let problem = w.refused(c);
    assert_eq!(
        problem.citation().to_string(),
        "GAO-14-704G, Standards for Internal Control in the Federal Government section 10.13"
    );
    assert_eq!(
        problem.to_string(),
        "certifier holds no delegation to approve"
    );
}

/// An audit trail names each signer's capacity as its serde form, in the rows' JSON, the
/// CSV and the text: the actor, the certifying officer of a payment, the second approver
/// of a large obligation.
#[test]
fn an_audit_trail_names_each_signers_capacity() {
    for signer in [
        Signer::Actor,
        Signer::CertifyingOfficer,
        Signer::SecondApprover,
    ] {
        assert_eq!(
            serde_json::to_value(signer).unwrap(),
            serde_json::Value::from(signer.as_str())
        );
    }
    let mut w = world();
    let pay = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("certifier".parse().unwrap());
    w.ledger.apply(pay).unwrap();
    let large = w
        .obligate(day(3, 2), "dsca-director", "JO-L", "JOR", "1200000")
        .approved_by("approver".parse().unwrap());
    w.ledger.apply(large).unwrap();
    for (document, actor, capacity) in [
        ("JO-1", "certifier", "certifying_officer"),
        ("JO-L", "approver", "second_approver"),
        ("JO-L", "dsca-director", "actor"),
    ] {
        let report = AuditReport::of_document(&w.ledger, &account(), &document.parse().unwrap());
        let csv = report.csv().unwrap();
        assert!(
            csv.lines()
                .any(|line| line.contains(&format!(",{actor},{capacity},"))),
            "{csv}"
        );
        assert!(
            report
                .text()
                .lines()
                .any(|line| line.contains(actor) && line.contains(capacity)),
            "{}",
            report.text()
        );
    }
}

/// A document number names a document within its account: the trail of `D-1` in one
/// account leaves out `D-1` of another.
#[test]
fn an_audit_trail_keeps_to_the_account_asked_about() {
    let mut ledger = Ledger::allow_all();
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger, action: Action| {
        n += 1;
        ledger
            .apply(Command::new(
                format!("c{n}").parse().unwrap(),
                day(1, 2),
                "officer".parse().unwrap(),
                action,
            ))
            .unwrap();
    };
    let accounts: [AccountSymbol; 2] = [account(), "011-2008/2009-1081".parse().unwrap()];
    for (i, account) in accounts.iter().enumerate() {
        apply(
            &mut ledger,
            Action::Appropriate {
                account: *account,
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing],
                amount: money("1000000"),
                law: "P.L. 110-161".into(),
            },
        );
        apply(
            &mut ledger,
            Action::Apportion {
                account: *account,
                category: Apportionment::ByPeriod { from: day(1, 2) },
                amount: money("1000000"),
            },
        );
        apply(
            &mut ledger,
            Action::Allot {
                account: *account,
                holder: "DSCA".parse().unwrap(),
                amount: money("1000000"),
            },
        );
        apply(
            &mut ledger,
            Action::Allocate {
                account: *account,
                key: key("JOR"),
                amount: money("1000000"),
            },
        );
        apply(
            &mut ledger,
            Action::Obligate {
                account: *account,
                document: "D-1".parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("JOR") },
                amount: money(&format!("{}", 1000 * (i + 1))),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        );
    }
    for (i, account) in accounts.iter().enumerate() {
        let rows = ledger.audit_document(account, &"D-1".parse().unwrap());
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].account, Some(*account));
        assert_eq!(rows[0].amount, money(&format!("{}", 1000 * (i + 1))));
    }
}

/// A certifying officer or second approver who signs beyond a limit of their delegation
/// is refused under the provision of that capacity: 31 U.S.C. 3528(a) for the certifier,
/// the Green Book's segregation of duties for the approver (the other powers come under
/// 31 U.S.C. 1517(a)(2)).
#[test]
fn a_signature_beyond_its_limit_cites_the_signers_provision() {
    let mut w = world();
    let mut certifier = grant(
        Some("D1"),
        "small-certifier",
        Role::CertifyingOfficer,
        &[Power::Certify],
    );
    certifier.per_command = Some(money("500"));
    w.delegate("D5", day(2, 2), "dsca-director", certifier);
    let mut approver = grant(
        Some("D1"),
        "small-approver",
        Role::ApprovingOfficial,
        &[Power::Approve],
    );
    approver.per_command = Some(money("1000000"));
    w.delegate("D6", day(2, 2), "dsca-director", approver);
    let pay = w
        .disburse(day(3, 1), "dsca-director", "JO-1", "1000")
        .certified_by("small-certifier".parse().unwrap());
    let problem = w.refused(pay);
    assert!(
        matches!(
            problem,
            AuthorityError::OverCommandLimit {
                power: Power::Certify,
                ..
            }
        ),
        "{problem:?}"
    );
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 3528(a)");
    let large = w
        .obligate(day(3, 2), "dsca-director", "JO-L", "JOR", "1200000")
        .approved_by("small-approver".parse().unwrap());
    let problem = w.refused(large);
    assert!(
        matches!(
            problem,
            AuthorityError::OverCommandLimit {
                power: Power::Approve,
                ..
            }
        ),
        "{problem:?}"
    );
    assert!(problem.citation().to_string().starts_with("GAO-14-704G"));
    // The officer's own limit: the fund-control provision on amounts.
    let over = w.obligate(day(3, 3), "country-officer", "JO-3", "JOR", "600000");
    let problem = w.refused(over);
    assert!(matches!(
        problem,
        AuthorityError::OverCommandLimit {
            power: Power::Obligate,
            ..
        }
    ));
    assert_eq!(problem.citation().to_string(), "31 U.S.C. 1517(a)(2)");
}

/// One person signing a payment in two capacities, under two delegations: the audit trail
/// names for each signature the delegation of its own capacity; and what a second
/// approver signed is in their trail.
#[test]
fn each_signature_is_traced_to_the_delegation_of_its_capacity() {
    let mut w = world();
    w.delegate(
        "D5",
        day(2, 2),
        "dsca-director",
        grant(Some("D1"), "cashier", Role::FundsHolder, &[Power::Disburse]),
    );
    w.delegate(
        "D6",
        day(2, 2),
        "dsca-director",
        grant(
            Some("D1"),
            "cashier",
            Role::CertifyingOfficer,
            &[Power::Certify],
        ),
    );
    let pay = w
        .disburse(day(3, 1), "cashier", "JO-1", "1000")
        .certified_by("cashier".parse().unwrap());
    w.ledger.apply(pay).unwrap();
    let rows = w.ledger.audit_actor(&"cashier".parse().unwrap());
    let traced: Vec<(Signer, Option<&str>)> = rows
        .iter()
        .map(|r| (r.signer, r.delegation.as_ref().map(|d| d.as_str())))
        .collect();
    assert_eq!(
        traced,
        [
            (Signer::Actor, Some("D5")),
            (Signer::CertifyingOfficer, Some("D6"))
        ]
    );
    let large = w
        .obligate(day(3, 2), "dsca-director", "JO-L", "JOR", "1200000")
        .approved_by("approver".parse().unwrap());
    w.ledger.apply(large).unwrap();
    let rows = w.ledger.audit_actor(&"approver".parse().unwrap());
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].signer, Signer::SecondApprover);
    assert_eq!(rows[0].delegation.as_ref().unwrap().as_str(), "D4");
}

/// A document number is a document of its own account to the authority check too: a
/// commitment `X` of a second account, for Egypt, is known by its own key, not by `X` of
/// the first (for Jordan), so the officer who may release only Jordan's commitments there
/// is refused it.
#[test]
fn a_document_number_of_another_account_is_another_document() {
    let mut w = world();
    let second: AccountSymbol = "011-2008/2009-1081".parse().unwrap();
    w.apply(
        day(2, 2),
        "budget-office",
        Action::Appropriate {
            account: second,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: money("1000000"),
            law: "P.L. 110-161".into(),
        },
    );
    w.apply(
        day(2, 2),
        "omb",
        Action::Apportion {
            account: second,
            category: Apportionment::ByPeriod { from: day(2, 2) },
            amount: money("1000000"),
        },
    );
    let mut root = grant(
        None,
        "second-director",
        Role::FundsHolder,
        &[Power::Allot, Power::Allocate, Power::Commit],
    );
    root.scope.accounts = vec![second];
    w.delegate("D7", day(2, 2), "secretary", root);
    let mut officer = grant(
        Some("D7"),
        "second-officer",
        Role::FundsHolder,
        &[Power::Commit],
    );
    officer.scope = Scope {
        accounts: vec![second],
        holders: vec![],
        programs: vec![],
        partners: vec!["JOR".parse().unwrap()],
    };
    w.delegate("D8", day(2, 2), "second-director", officer);
    w.apply(
        day(2, 2),
        "second-director",
        Action::Allot {
            account: second,
            holder: "DSCA".parse().unwrap(),
            amount: money("1000000"),
        },
    );
    for partner in ["JOR", "EGY"] {
        w.apply(
            day(2, 2),
            "second-director",
            Action::Allocate {
                account: second,
                key: key(partner),
                amount: money("500000"),
            },
        );
    }
    // `X` committed for Jordan in the first account, then for Egypt in the second.
    w.apply(day(2, 3), "dsca-director", commit("X", "JOR", "1000"));
    w.apply(
        day(2, 3),
        "second-director",
        Action::Commit {
            account: second,
            document: "X".parse().unwrap(),
            key: key("EGY"),
            amount: money("1000"),
        },
    );
    let release = w.command(
        day(2, 4),
        "second-officer",
        Action::Decommit {
            account: second,
            document: "X".parse().unwrap(),
            amount: money("400"),
        },
    );
    // The first account's officer reaches no further than the first account.
    let elsewhere = w.command(
        day(2, 4),
        "country-officer",
        Action::Commit {
            account: second,
            document: "JO-C".parse().unwrap(),
            key: key("JOR"),
            amount: money("10"),
        },
    );
    assert!(matches!(
        w.refused(elsewhere),
        AuthorityError::OutOfScope { ref dimension, .. } if dimension == "accounts"
    ));
    assert_eq!(
        w.refused(release),
        AuthorityError::OutOfScope {
            actor: "second-officer".parse().unwrap(),
            power: Power::Commit,
            delegation: "D8".parse().unwrap(),
            dimension: "partners".into(),
            value: "EGY".into(),
        }
    );
}

/// What a refused batch noted is forgotten for good, not only until the next command: after
/// each refused batch an accepted command takes the batch's sequence numbers, and still
/// the batch's delegation covers nothing, its revocation revokes nothing and its
/// obligation counts nothing against the officer's limit for the year.
#[test]
fn a_refused_batch_leaves_nothing_behind_once_another_command_takes_its_place() {
    let mut w = world();
    let bad = |w: &mut World| w.obligate(day(2, 2), "stranger", "JO-X", "JOR", "10");
    // A delegation in a refused batch.
    let delegate = Command::new(
        "D9".parse().unwrap(),
        day(2, 2),
        "dsca-director".parse().unwrap(),
        Action::Delegate {
            grant: grant(Some("D1"), "temp", Role::FundsHolder, &[Power::Obligate]),
        },
    );
    let stranger = bad(&mut w);
    assert!(w.ledger.apply_all(vec![delegate, stranger]).is_err());
    // Straight after it, under the batch's first sequence number, `D9` is unknown.
    let revocation = w.command(day(2, 2), "dsca-director", revoke("D9", "never made"));
    assert!(matches!(
        w.refused(revocation),
        AuthorityError::UnknownDelegation { .. }
    ));
    let c = w.obligate(day(2, 2), "country-officer", "JO-2", "JOR", "100000");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(2, 3), "temp", "JO-3", "JOR", "10");
    assert!(matches!(w.refused(c), AuthorityError::NoDelegation { .. }));
    // A revocation in a refused batch, after one that was applied (the approver's).
    w.apply(day(2, 3), "dsca-director", revoke("D4", "reassigned"));
    let revocation = w.command(day(2, 3), "dsca-director", revoke("D2", "never"));
    let stranger = bad(&mut w);
    assert!(w.ledger.apply_all(vec![revocation, stranger]).is_err());
    // Straight after it the officer's delegation holds, and after the next command too.
    let c = w.obligate(day(2, 3), "country-officer", "JO-4", "JOR", "5");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(2, 4), "country-officer", "JO-5", "JOR", "5");
    w.ledger.apply(c).unwrap();
    let approved = w
        .obligate(day(2, 4), "dsca-director", "JO-L", "JOR", "1200000")
        .approved_by("approver".parse().unwrap());
    assert!(matches!(
        w.refused(approved),
        AuthorityError::Revoked { .. }
    ));
    // A commitment for Egypt, outside the officer's partners, made before the next batch.
    w.apply(day(2, 4), "dsca-director", commit("EG-C", "EGY", "1000"));
    // An obligation in a refused batch: 300,000 + 100,000 + 5 + 5 used of 800,000.
    let big = w.obligate(day(2, 4), "country-officer", "JO-6", "JOR", "399990");
    let stranger = bad(&mut w);
    assert!(w.ledger.apply_all(vec![big, stranger]).is_err());
    // Straight after it, under its first sequence number, the officer's own obligation
    // is counted against the limit without the refused one.
    let c = w.obligate(day(2, 4), "country-officer", "JO-7", "JOR", "10");
    w.ledger.apply(c).unwrap();
    // The documents and signatures noted before the batch are all still known: the
    // Egyptian commitment by its key, the first obligation by its officer's delegation.
    let release = w.command(day(2, 5), "country-officer", decommit("EG-C", "1000"));
    assert!(matches!(
        w.refused(release),
        AuthorityError::OutOfScope { ref value, .. } if value == "EGY"
    ));
    let trail = w
        .ledger
        .audit_document(&account(), &"JO-1".parse().unwrap());
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].delegation.as_ref().unwrap().as_str(), "D2");
    // 300,000 + 100,000 + 5 + 5 + 10 used: 399,980 more is within the limit, one cent
    // more would not be.
    let over = w.obligate(day(2, 5), "country-officer", "JO-8", "JOR", "399980.01");
    assert!(matches!(
        w.refused(over),
        AuthorityError::OverCumulativeLimit { .. }
    ));
    let c = w.obligate(day(2, 5), "country-officer", "JO-8", "JOR", "399980");
    w.ledger.apply(c).unwrap();
}

/// A signature noted for a refused batch is not read as that of the command that takes its
/// sequence number: one officer holding two delegations to obligate (Jordan, Egypt) signs
/// a refused obligation for Egypt, then an accepted one for Jordan in its place; the trail
/// names the Jordan delegation.
#[test]
fn a_refused_batchs_signature_is_not_read_as_another_commands() {
    let mut w = world();
    for (id, partner) in [("D12", "JOR"), ("D13", "EGY")] {
        let mut g = grant(
            Some("D1"),
            "officer2",
            Role::FundsHolder,
            &[Power::Obligate],
        );
        g.scope.partners = vec![partner.parse().unwrap()];
        w.delegate(id, day(2, 2), "dsca-director", g);
    }
    let egypt = w.obligate(day(2, 3), "officer2", "EG-1", "EGY", "10");
    let stranger = w.obligate(day(2, 3), "stranger", "JO-X", "JOR", "10");
    assert!(w.ledger.apply_all(vec![egypt, stranger]).is_err());
    let jordan = w.obligate(day(2, 3), "officer2", "JO-2", "JOR", "10");
    w.ledger.apply(jordan).unwrap();
    let trail = w
        .ledger
        .audit_document(&account(), &"JO-2".parse().unwrap());
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].delegation.as_ref().unwrap().as_str(), "D12");
}

/// A revocation takes out the delegation and every one under it, and only those: the
/// officer's re-delegation to a deputy goes with the officer's, the certifier's and the
/// approver's (siblings under the director's) stay in force.
#[test]
fn the_delegations_in_force_leave_out_a_revoked_one_and_those_under_it_only() {
    let mut w = world();
    let deputy = deputy();
    w.delegate("D10", day(2, 2), "country-officer", deputy);
    let ids = |w: &World, date: NaiveDate| -> Vec<String> {
        w.ledger
            .delegations(date, None)
            .iter()
            .map(|d| d.id.to_string())
            .collect()
    };
    assert_eq!(ids(&w, day(3, 1)), ["D1", "D2", "D3", "D4", "D10"]);
    w.apply(day(3, 1), "dsca-director", revoke("D2", "reassigned"));
    assert_eq!(ids(&w, day(2, 28)), ["D1", "D2", "D3", "D4", "D10"]);
    assert_eq!(ids(&w, day(3, 1)), ["D1", "D3", "D4"]);
}

/// The second approval is for obligations above the threshold: one of exactly the
/// threshold needs none.
#[test]
fn an_obligation_of_exactly_the_threshold_needs_no_second_approver() {
    let mut w = world();
    let c = w.obligate(day(2, 2), "dsca-director", "JO-T", "JOR", "1000000");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(2, 2), "dsca-director", "JO-U", "JOR", "0.01");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(2, 2), "dsca-director", "JO-V", "JOR", "1000000.01");
    assert!(matches!(
        w.refused(c),
        AuthorityError::NoSecondApprover { .. }
    ));
}

/// The refusal of officer3's Jordanian obligation of 500 under two delegations, `D14` and
/// `D15` (in that order), each limited to 100 a command, for the partners given.
fn refusal_under_two_delegations(partners: [&str; 2]) -> AuthorityError {
    let mut w = world();
    for (id, partner) in ["D14", "D15"].into_iter().zip(partners) {
        let mut g = grant(
            Some("D1"),
            "officer3",
            Role::FundsHolder,
            &[Power::Obligate],
        );
        g.scope.partners = vec![partner.parse().unwrap()];
        g.per_command = Some(money("100"));
        w.delegate(id, day(2, 2), "dsca-director", g);
    }
    let c = w.obligate(day(2, 3), "officer3", "JO-2", "JOR", "500");
    w.refused(c)
}

/// Of an actor's delegations that all fail, the refusal is that of the one that came
/// closest: a Jordanian obligation above the limit of the officer's Jordan delegation is
/// refused for the limit, not for the partner of the Egypt delegation made before it.
/// Between two equally close, it is that of the one made first.
#[test]
fn the_refusal_is_that_of_the_delegation_that_came_closest() {
    let over = |delegation: &str| AuthorityError::OverCommandLimit {
        actor: "officer3".parse().unwrap(),
        power: Power::Obligate,
        delegation: delegation.parse().unwrap(),
        limit: money("100"),
        amount: money("500"),
    };
    assert_eq!(refusal_under_two_delegations(["EGY", "JOR"]), over("D15"));
    assert_eq!(refusal_under_two_delegations(["JOR", "JOR"]), over("D14"));
}

/// A delegation's limits are maxima: the officer's obligation of exactly the limit per
/// command, which also brings the year's use to exactly its limit, is within both.
#[test]
fn an_obligation_of_exactly_the_limits_is_within_them() {
    let mut w = world();
    // 300,000 used of 800,000 a year; 500,000 a command.
    let c = w.obligate(day(2, 2), "country-officer", "JO-2", "JOR", "500000");
    w.ledger.apply(c).unwrap();
    let c = w.obligate(day(2, 2), "country-officer", "JO-3", "JOR", "0.01");
    assert!(matches!(
        w.refused(c),
        AuthorityError::OverCumulativeLimit { .. }
    ));
}

/// A delegation may expire the day it takes effect (it covers that one day), never before.
#[test]
fn a_delegation_may_expire_the_day_it_is_made_but_not_before() {
    let mut w = world();
    let mut one_day = grant(Some("D1"), "temp", Role::FundsHolder, &[Power::Obligate]);
    one_day.expires = Some(day(2, 2));
    w.delegate("D9", day(2, 2), "dsca-director", one_day);
    let c = w.obligate(day(2, 2), "temp", "JO-2", "JOR", "10");
    w.ledger.apply(c).unwrap();
    let mut backwards = grant(Some("D1"), "temp2", Role::FundsHolder, &[Power::Obligate]);
    backwards.expires = Some(day(2, 1));
    let c = w.command(
        day(2, 2),
        "dsca-director",
        Action::Delegate { grant: backwards },
    );
    assert!(matches!(
        w.refused(c),
        AuthorityError::BadGrant { ref what, .. } if what == "it expires before it takes effect"
    ));
}

/// The authority check reads a document's key from that document's own record: the
/// officer releases their Jordanian commitment after the director has committed for
/// Egypt in the same account.
#[test]
fn a_release_is_judged_by_its_own_documents_key() {
    let mut w = world();
    w.apply(day(2, 3), "country-officer", commit("JO-C", "JOR", "1000"));
    w.apply(day(2, 3), "dsca-director", commit("EG-C", "EGY", "1000"));
    w.apply(day(2, 4), "country-officer", decommit("JO-C", "1000"));
}

/// No re-delegation under a revoked delegation: from the day of the revocation the
/// officer's delegation can no longer be passed on.
#[test]
fn a_revoked_delegation_cannot_be_passed_on() {
    let mut w = world();
    w.apply(day(3, 1), "dsca-director", revoke("D2", "reassigned"));
    let deputy = deputy();
    let c = w.command(
        day(3, 1),
        "country-officer",
        Action::Delegate { grant: deputy },
    );
    assert_eq!(
        w.refused(c),
        AuthorityError::BeyondParent {
            parent: "D2".parse().unwrap(),
            what: "revoked".into(),
        }
    );
}

/// Each action is judged by what it reaches: an allotment by its funds holder, a
/// reprogramming by both its allocations, a commitment by its allocation; one reaching
/// outside the actor's delegation is refused, naming the dimension and the value.
#[test]
fn each_action_is_judged_by_the_holders_and_partners_it_reaches() {
    let mut w = world();
    let mut allotter = grant(Some("D1"), "allotter", Role::FundsHolder, &[Power::Allot]);
    allotter.scope.holders = vec!["DSCA".parse().unwrap()];
    w.delegate("D16", day(2, 2), "dsca-director", allotter);
    let mut allocator = grant(
        Some("D1"),
        "allocator",
        Role::FundsHolder,
        &[Power::Allocate],
    );
    allocator.scope.partners = vec!["JOR".parse().unwrap()];
    w.delegate("D17", day(2, 2), "dsca-director", allocator);
    let outside = |w: &mut World, actor: &str, action: Action| -> (String, String) {
        let c = w.command(day(2, 3), actor, action);
        match w.refused(c) {
            AuthorityError::OutOfScope {
                dimension, value, ..
            } => (dimension, value),
            other => panic!("{other:?}"),
        }
    };
    let allot = |holder: &str| Action::Allot {
        account: account(),
        holder: holder.parse().unwrap(),
        amount: money("10"),
    };
    assert_eq!(
        outside(&mut w, "allotter", allot("USCG")),
        ("holders".into(), "USCG".into())
    );
    w.apply(day(2, 3), "allotter", allot("DSCA"));
    let reprogram = |from: &str, to: &str| Action::Reprogram {
        account: account(),
        from: key(from),
        to: key(to),
        amount: money("10"),
        authority: "FAA sec. 634A".into(),
        notified: None,
    };
    assert_eq!(
        outside(&mut w, "allocator", reprogram("JOR", "EGY")),
        ("partners".into(), "EGY".into())
    );
    assert_eq!(
        outside(&mut w, "allocator", reprogram("EGY", "JOR")),
        ("partners".into(), "EGY".into())
    );
    let egypt = commit("EG-C", "EGY", "10");
    assert_eq!(
        outside(&mut w, "country-officer", egypt),
        ("partners".into(), "EGY".into())
    );
    // A delegation for training reaches no financing allocation.
    let mut trainer = grant(Some("D1"), "trainer", Role::FundsHolder, &[Power::Allocate]);
    trainer.scope.programs = vec![ProgramKind::Training];
    w.delegate("D18", day(2, 3), "dsca-director", trainer);
    let allocate = Action::Allocate {
        account: account(),
        key: key("JOR"),
        amount: money("10"),
    };
    assert_eq!(outside(&mut w, "trainer", allocate).0, "programs");
}

/// Releasing a commitment gives money back: it counts nothing against the officer's
/// limit for the year, so a commitment that brings the year to its limit can be released.
#[test]
fn releasing_a_commitment_counts_nothing_against_the_limits() {
    let mut w = world();
    // 300,000 used of 800,000; the commitment uses the other 500,000.
    w.apply(
        day(2, 3),
        "country-officer",
        commit("JO-C", "JOR", "500000"),
    );
    w.apply(day(2, 4), "country-officer", decommit("JO-C", "500000"));
}

/// A document first noted by the first command of a refused batch is forgotten with it:
/// made again later under another partner, it is judged by its new key.
#[test]
fn a_document_of_a_refused_batchs_first_command_is_forgotten() {
    let mut w = world();
    let egypt = w.obligate(day(2, 2), "dsca-director", "XX-D", "EGY", "10");
    let stranger = w.obligate(day(2, 2), "stranger", "JO-X", "JOR", "10");
    assert!(w.ledger.apply_all(vec![egypt, stranger]).is_err());
    w.apply(day(2, 3), "dsca-director", commit("XX-D", "JOR", "1000"));
    // The officer may release a Jordanian commitment; the refused Egyptian obligation
    // must not lend the document its key.
    let release = w.command(day(2, 4), "country-officer", decommit("XX-D", "400"));
    w.ledger.apply(release).unwrap();
}

//! Issue 19, the ledger side of notification: a reprogramming (FAA section 634A, DOMAIN.md
//! §10 rules 16–18) or an FMF commitment to major defense equipment (SFOPS notification
//! section, rule 19) reaches the ledger only once the Congress's review period has run.
//! Each refusal leaves the ledger unchanged, compared whole. Amounts and partners are test
//! data; the thresholds and periods are the crate's shipped tables.

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Ledger, StatusFilter, StatusQuery,
};
use security_assistance::notification::{FmfEquipment, ProposedAction, Regime, Thresholds};
use security_assistance::programs::notice::{NoticeError, post_after_notice};
use security_assistance::{Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn key(program: ProgramKind, partner: &str) -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        program,
        Some(partner.parse().unwrap()),
    )
}

/// An account for `program` enacted, apportioned, allotted to DSCA and allocated
/// $1,000,000 to Egypt and to Jordan on the first day of `fy`'s year.
fn ledger(account: &str, program: ProgramKind, start: NaiveDate) -> Ledger {
    let account = account.parse().unwrap();
    let mut ledger = Ledger::allow_all();
    let mut actions = vec![
        Action::Appropriate {
            account,
            title: "test account".into(),
            purposes: vec![program],
            amount: m("2000000"),
            law: "test act".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: start },
            amount: m("2000000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("2000000"),
        },
    ];
    for partner in ["EGY", "JOR"] {
        actions.push(Action::Allocate {
            account,
            key: key(program, partner),
            amount: m("1000000"),
        });
    }
    for (i, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("setup-{i}").parse().unwrap(),
                start,
                "dsca".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

const FMF: &str = "011-2008/2009-1082";
const IMET: &str = "011-2008/2009-1081";

fn reprogram(account: &str, program: ProgramKind, date: NaiveDate, amount: &str) -> Command {
    Command::new(
        format!("reprogram-{date}-{amount}").parse().unwrap(),
        date,
        "dsca".parse().unwrap(),
        Action::Reprogram {
            account: account.parse().unwrap(),
            from: key(program, "EGY"),
            to: key(program, "JOR"),
            amount: m(amount),
            authority: "FAA sec. 634A".into(),
        },
    )
}

fn proposal(program: ProgramKind, amount: &str, justified: Option<&str>) -> ProposedAction {
    ProposedAction::Reprogramming {
        partner: Some("JOR".parse().unwrap()),
        program,
        amount: m(amount),
        justified: justified.map(m),
        already_obligated: Money::ZERO,
        country_total_and_653a_level: None,
    }
}

/// Applies through the gate; on a refusal, checks that the ledger is unchanged (whole,
/// journal and status of funds through its equality) and returns the error.
fn refused(
    ledger: &mut Ledger,
    command: Command,
    proposed: &ProposedAction,
    notified: Option<NaiveDate>,
) -> NoticeError {
    let before = ledger.clone();
    let err =
        post_after_notice(ledger, command, proposed, notified, &Thresholds::current()).unwrap_err();
    assert_eq!(*ledger, before);
    assert_eq!(ledger.journal().len(), before.journal().len());
    err
}

/// What `ledger` holds allocated to `k`'s partner in `account` on 2010-01-01.
fn allocated(ledger: &Ledger, account: &str, k: &AllocationKey) -> Money {
    let mut query = StatusQuery::new(day(2010, 1, 1), &[Dimension::Partner]);
    query.filter = StatusFilter {
        account: Some(account.parse().unwrap()),
        ..StatusFilter::default()
    };
    let rows = ledger.status_of_funds(&query).unwrap();
    rows.iter()
        .find(|r| r.key.partner == k.partner)
        .map_or(Money::ZERO, |r| r.allocated)
}

#[test]
fn an_unjustified_reprogramming_waits_fifteen_days_after_notice() {
    let start = day(2008, 1, 2);
    let base = ledger(FMF, ProgramKind::Financing, start);
    let proposed = proposal(ProgramKind::Financing, "250000", None);
    let notified = day(2008, 3, 1);
    // No notice: refused, naming the day a notice given today would allow.
    let mut l = base.clone();
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, day(2008, 3, 10), "250000"),
        &proposed,
        None,
    );
    assert!(matches!(
        err,
        NoticeError::NoticeRequired { regime: Regime::Faa634a, review_days: 15,
            earliest_if_notified_today, .. } if earliest_if_notified_today == day(2008, 3, 25)
    ));
    // Notified 1 March: the day before the fifteenth day is refused ...
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, day(2008, 3, 15), "250000"),
        &proposed,
        Some(notified),
    );
    assert_eq!(
        err,
        NoticeError::ReviewPeriodRunning {
            regime: Regime::Faa634a,
            citation: Box::new(security_assistance::Citation::new("22 U.S.C.", "2394-1")),
            notified,
            earliest: day(2008, 3, 16),
            date: day(2008, 3, 15),
        }
    );
    assert_eq!(security_assistance::wire::ErrorCode::precedence(&err), 3);
    // ... the day it ends and the day after go ahead, moving the money.
    for date in [day(2008, 3, 16), day(2008, 3, 17)] {
        let mut l = base.clone();
        let receipt = post_after_notice(
            &mut l,
            reprogram(FMF, ProgramKind::Financing, date, "250000"),
            &proposed,
            Some(notified),
            &Thresholds::current(),
        )
        .unwrap();
        assert!(!receipt.duplicate);
        assert_eq!(
            allocated(&l, FMF, &key(ProgramKind::Financing, "JOR")),
            m("1250000")
        );
        assert_eq!(
            allocated(&l, FMF, &key(ProgramKind::Financing, "EGY")),
            m("750000")
        );
    }
    // A notice dated after the command is refused as such.
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, day(2008, 3, 16), "250000"),
        &proposed,
        Some(day(2008, 3, 17)),
    );
    assert!(matches!(err, NoticeError::NoticeAfterCommand { .. }));
}

#[test]
fn within_the_justified_amount_no_notice_is_needed_a_cent_over_it_is() {
    let base = ledger(FMF, ProgramKind::Financing, day(2008, 1, 2));
    let date = day(2008, 3, 10);
    let mut l = base.clone();
    post_after_notice(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, date, "250000"),
        &proposal(ProgramKind::Financing, "250000", Some("250000")),
        None,
        &Thresholds::current(),
    )
    .unwrap();
    let mut l = base.clone();
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, date, "250000.01"),
        &proposal(ProgramKind::Financing, "250000.01", Some("250000")),
        None,
    );
    assert!(matches!(err, NoticeError::NoticeRequired { .. }));
}

#[test]
fn an_imet_reprogramming_under_25000_is_exempt_at_25000_it_is_not() {
    let base = ledger(IMET, ProgramKind::Training, day(2008, 1, 2));
    let date = day(2008, 3, 10);
    let mut l = base.clone();
    post_after_notice(
        &mut l,
        reprogram(IMET, ProgramKind::Training, date, "24999.99"),
        &proposal(ProgramKind::Training, "24999.99", None),
        None,
        &Thresholds::current(),
    )
    .unwrap();
    assert_eq!(
        allocated(&l, IMET, &key(ProgramKind::Training, "JOR")),
        m("1024999.99")
    );
    for amount in ["25000", "25000.01"] {
        let mut l = base.clone();
        let err = refused(
            &mut l,
            reprogram(IMET, ProgramKind::Training, date, amount),
            &proposal(ProgramKind::Training, amount, None),
            None,
        );
        assert!(
            matches!(
                err,
                NoticeError::NoticeRequired {
                    regime: Regime::Faa634a,
                    ..
                }
            ),
            "{amount}: {err:?}"
        );
    }
}

#[test]
fn an_fmf_commitment_to_unjustified_major_defense_equipment_waits_for_its_notice() {
    let account = "011-2009/2010-1082";
    let base = ledger(account, ProgramKind::Financing, day(2009, 3, 12));
    let commit = |date: NaiveDate| {
        Command::new(
            format!("commit-{date}").parse().unwrap(),
            date,
            "dsca".parse().unwrap(),
            Action::Commit {
                account: account.parse().unwrap(),
                document: "JO-D-TANKS".parse().unwrap(),
                key: key(ProgramKind::Financing, "JOR"),
                amount: m("600000"),
            },
        )
    };
    let proposed = ProposedAction::FinancingCommitment {
        partner: "JOR".parse().unwrap(),
        equipment: FmfEquipment::MajorDefenseEquipment,
        quantity: 12,
        justified_quantity: Some(10),
        amount: m("600000"),
        justified_amount: None,
    };
    let notified = day(2009, 4, 1);
    let mut l = base.clone();
    let err = refused(&mut l, commit(day(2009, 4, 15)), &proposed, Some(notified));
    assert!(matches!(
        err,
        NoticeError::ReviewPeriodRunning { regime: Regime::Sfops7015, earliest, .. }
            if earliest == day(2009, 4, 16)
    ));
    post_after_notice(
        &mut l,
        commit(day(2009, 4, 16)),
        &proposed,
        Some(notified),
        &Thresholds::current(),
    )
    .unwrap();
    // 11 of 10 justified is under 20 percent above: no notice.
    let mut l = base.clone();
    let fewer = ProposedAction::FinancingCommitment {
        partner: "JOR".parse().unwrap(),
        equipment: FmfEquipment::MajorDefenseEquipment,
        quantity: 11,
        justified_quantity: Some(10),
        amount: m("600000"),
        justified_amount: None,
    };
    post_after_notice(
        &mut l,
        commit(day(2009, 4, 2)),
        &fewer,
        None,
        &Thresholds::current(),
    )
    .unwrap();
}

#[test]
fn a_proposal_that_describes_other_money_is_refused_before_the_notice() {
    let mut l = ledger(FMF, ProgramKind::Financing, day(2008, 1, 2));
    let date = day(2008, 3, 10);
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, date, "250000"),
        &proposal(ProgramKind::Financing, "1", None),
        None,
    );
    assert_eq!(
        err,
        NoticeError::AmountMismatch {
            proposed: m("1"),
            command: m("250000")
        }
    );
    let other = ProposedAction::Reprogramming {
        partner: Some("EGY".parse().unwrap()),
        program: ProgramKind::Financing,
        amount: m("250000"),
        justified: None,
        already_obligated: Money::ZERO,
        country_total_and_653a_level: None,
    };
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, date, "250000"),
        &other,
        None,
    );
    assert!(matches!(err, NoticeError::PartnerMismatch { .. }));
    let disburse = Command::new(
        "d-1".parse().unwrap(),
        date,
        "dsca".parse().unwrap(),
        Action::Disburse {
            account: FMF.parse().unwrap(),
            document: "X".parse().unwrap(),
            amount: m("250000"),
        },
    );
    let err = refused(
        &mut l,
        disburse,
        &proposal(ProgramKind::Financing, "250000", None),
        None,
    );
    assert!(matches!(err, NoticeError::Mismatch { .. }));
    assert_eq!(security_assistance::wire::ErrorCode::code(&err), "mismatch");
    // The ledger's own refusal comes last: more than Egypt holds.
    let err = refused(
        &mut l,
        reprogram(FMF, ProgramKind::Financing, day(2008, 3, 26), "1000000.01"),
        &proposal(ProgramKind::Financing, "1000000.01", None),
        Some(day(2008, 3, 1)),
    );
    assert!(matches!(err, NoticeError::Ledger(_)));
}

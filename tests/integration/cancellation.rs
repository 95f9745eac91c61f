//! Cancellation (31 U.S.C. 1552(a)): on 30 September of the fifth fiscal year after its
//! period, a fixed account's remaining balances are cancelled (USSGL 435000), its SF-133
//! shows the unobligated balance withdrawn on line 1029, and from the next day the ledger
//! refuses every command on it.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, BudgetError, CANCELED_AUTHORITY, Command,
    Funding, Instrument, Ledger, SF133_LINE_OBLIGATIONS_CANCELLED, SF133_LINE_WITHDRAWN, Sf133,
    Ussgl,
};
use security_assistance::report::{FILE_A_COLUMNS, file_a};

use crate::support::apply_each;
use security_assistance::{AccountStatus, FiscalYear, Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn add(a: Money, b: Money) -> Money {
    a.checked_add(b).unwrap()
}

fn neg(a: Money) -> Money {
    a.checked_neg().unwrap()
}

fn line(statement: &Sf133, n: u16) -> Money {
    statement.line(n).unwrap_or(Money::ZERO)
}

/// The SF-133 identities (DOMAIN.md rule 55), with line 1029 among the resources.
fn assert_identities(s: &Sf133) {
    let resources = Money::checked_sum([1000, 1021, 1029, 1160, 1750].map(|n| line(s, n))).unwrap();
    assert_eq!(line(s, 1910), resources, "{s:?}");
    assert_eq!(line(s, 1910), add(line(s, 2190), line(s, 2490)), "{s:?}");
    assert_eq!(line(s, 2500), line(s, 1910), "{s:?}");
    assert_eq!(
        line(s, 3050),
        Money::checked_sum(
            [3000, 3010, 3020, 3040, SF133_LINE_OBLIGATIONS_CANCELLED].map(|n| line(s, n))
        )
        .unwrap(),
        "{s:?}"
    );
}

/// The two FY2008/2009 accounts of the FY2008 scenario close on 30 September 2014 with
/// unobligated balances of $266,000,000.00 (1032) and $178,698,400.00 (1082) that nothing
/// withdrew (issue 15): their FY2014 SF-133 through the closing day withdraws them on line
/// 1029 and ends the year at zero; the day before, nothing is withdrawn yet.
#[test]
fn the_fy2008_accounts_cancel_their_fy2014_balances_on_line_1029() {
    let ledger = crate::broker::fy2008_ledger();
    let fy2014 = FiscalYear::new(2014).unwrap();
    for (symbol, balance) in [
        ("011-2008/2009-1032", m("266000000.00")),
        ("011-2008/2009-1082", m("178698400.00")),
    ] {
        let account = symbol.parse().unwrap();
        assert_eq!(
            ledger.cancellation(&account, day(2014, 9, 29)).unwrap(),
            None
        );
        let before = ledger.sf133(&account, fy2014, day(2014, 9, 29)).unwrap();
        assert_eq!(before.line(SF133_LINE_WITHDRAWN), None, "{symbol}");
        assert_eq!(line(&before, 2490), balance, "{symbol}");
        assert_identities(&before);

        let closed = ledger
            .cancellation(&account, day(2014, 9, 30))
            .unwrap()
            .unwrap();
        assert_eq!(closed.closing_day, day(2014, 9, 30));
        assert_eq!(closed.unobligated, balance, "{symbol}");
        let entries = Money::checked_sum(closed.entries.iter().map(|e| e.amount)).unwrap();
        assert_eq!(entries, add(closed.unobligated, closed.unpaid_obligations));
        assert_eq!(
            ledger.cancellation(&account, day(2020, 1, 1)).unwrap(),
            Some(closed.clone()),
            "later dates see the same closing"
        );

        let statement = ledger.sf133(&account, fy2014, day(2014, 9, 30)).unwrap();
        assert_eq!(line(&statement, 1029), neg(balance), "{symbol}");
        assert_eq!(statement.line(2490), Some(Money::ZERO), "{symbol}");
        assert_eq!(add(line(&statement, 1910), balance), line(&before, 1910));
        assert_identities(&statement);
        let lines: Vec<u16> = statement.lines.iter().map(|l| l.line).collect();
        assert!(lines.is_sorted(), "{lines:?}");
        let whole = statement.to_whole_dollars().unwrap();
        assert_eq!(line(&whole, 1029), neg(balance));
        assert_eq!(whole.line(2490), Some(Money::ZERO));
        assert_identities(&whole);

        // A year's SF-133 that is not the cancelling year's shows no withdrawal.
        let fy2013 = ledger
            .sf133(&account, FiscalYear::new(2013).unwrap(), day(2013, 9, 30))
            .unwrap();
        assert_eq!(fy2013.line(SF133_LINE_WITHDRAWN), None);
    }
    assert_eq!(CANCELED_AUTHORITY, 435_000);
}

/// File A of FY2014 carries the withdrawal among the adjustments to the unobligated
/// balance brought forward (Broker rule A12 sums SF-133 lines 1010–1042) and ends both
/// accounts at zero.
#[test]
fn file_a_of_the_cancelling_year_shows_the_balances_withdrawn() {
    let ledger = crate::broker::fy2008_ledger();
    let csv = file_a(&ledger, FiscalYear::new(2014).unwrap(), day(2014, 9, 30)).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let col = |name: &str| FILE_A_COLUMNS.iter().position(|c| *c == name).unwrap();
    let mut seen = 0;
    for row in reader.records() {
        let row = row.unwrap();
        let symbol = format!(
            "{}-{}/{}-{}",
            &row[col("AgencyIdentifier")],
            &row[col("BeginningPeriodOfAvailability")],
            &row[col("EndingPeriodOfAvailability")],
            &row[col("MainAccountCode")]
        );
        let withdrawn = match symbol.as_str() {
            "011-2008/2009-1032" => m("-266000000.00"),
            "011-2008/2009-1082" => m("-178698400.00"),
            _ => continue,
        };
        seen += 1;
        let statement = ledger
            .sf133(
                &symbol.parse().unwrap(),
                FiscalYear::new(2014).unwrap(),
                day(2014, 9, 30),
            )
            .unwrap();
        assert_eq!(
            m(&row[col("AdjustmentsToUnobligatedBalanceBroughtForward_CPE")]),
            add(line(&statement, 1021), withdrawn),
            "{symbol}"
        );
        assert_eq!(m(&row[col("UnobligatedBalance_CPE")]), Money::ZERO);
        assert_eq!(
            m(&row[col("TotalBudgetaryResources_CPE")]),
            m(&row[col("StatusOfBudgetaryResourcesTotal_CPE")])
        );
    }
    assert_eq!(seen, 2);
}

/// One FY2008/2009 account with an obligation, to the day it closes and the day after.
fn small_ledger() -> (Ledger, security_assistance::budget::AccountSymbol) {
    let account = "011-2008/2009-1082".parse().unwrap();
    let key = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    );
    let start = day(2008, 1, 2);
    let mut ledger = Ledger::allow_all();
    let actions = [
        Action::Appropriate {
            account,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("1000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: start },
            amount: m("1000"),
        },
        Action::Allot {
            account,
            holder: "DSCA".parse().unwrap(),
            amount: m("800"),
        },
        Action::Allocate {
            account,
            key: key.clone(),
            amount: m("600"),
        },
        Action::Obligate {
            account,
            document: "JO-1".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: m("400"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        Action::Disburse {
            account,
            document: "JO-1".parse().unwrap(),
            amount: m("150"),
        },
    ];
    apply_each(&mut ledger, "c", start, "me", actions);
    (ledger, account)
}

fn adjust(on: NaiveDate, id: &str, amount: &str) -> Command {
    Command::new(
        id.parse().unwrap(),
        on,
        "me".parse().unwrap(),
        Action::AdjustObligation {
            account: "011-2008/2009-1082".parse().unwrap(),
            document: "JO-1".parse().unwrap(),
            amount: m(amount),
        },
    )
}

/// The closing day is the last on which an expired account's obligations may be adjusted
/// and paid; from 1 October it refuses every command (31 U.S.C. 1552(a): "shall not be
/// available for obligation or expenditure for any purpose"), and changes nothing.
#[test]
fn a_cancelled_account_refuses_adjustments_and_payments_from_the_day_after_closing() {
    let (mut ledger, account) = small_ledger();
    ledger
        .apply(adjust(day(2014, 9, 30), "last", "-50"))
        .unwrap();
    let before = ledger.clone();
    for command in [
        adjust(day(2014, 10, 1), "after", "-10"),
        adjust(day(2014, 10, 1), "after-up", "10"),
        Command::new(
            "pay".parse().unwrap(),
            day(2014, 10, 1),
            "me".parse().unwrap(),
            Action::Disburse {
                account,
                document: "JO-1".parse().unwrap(),
                amount: m("1"),
            },
        ),
    ] {
        let err = ledger.apply(command).unwrap_err();
        assert!(
            matches!(
                err,
                BudgetError::NotAvailable {
                    status: AccountStatus::Cancelled,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(ledger, before, "a refused command changed nothing");
    }
    // The closing entries clear every status balance to USSGL 435000.
    let closed = ledger
        .cancellation(&account, day(2014, 9, 30))
        .unwrap()
        .unwrap();
    // 1000 appropriated, 400 obligated, 50 recovered: 650 unobligated; 400 - 150 - 50 unpaid.
    assert_eq!(closed.unobligated, m("650"));
    assert_eq!(closed.unpaid_obligations, m("200"));
    let cleared = |account: Ussgl| {
        closed
            .entries
            .iter()
            .find(|e| e.debit == account)
            .map(|e| e.amount)
    };
    assert_eq!(cleared(Ussgl::UnpaidObligations), Some(m("200")));
    assert_eq!(cleared(Ussgl::Recoveries), Some(m("50")));
    assert_eq!(cleared(Ussgl::Unapportioned), None, "all was apportioned");
    let trial = ledger.trial_balance(&account).unwrap();
    for entry in &closed.entries {
        assert_eq!(entry.amount, neg(trial.balance(entry.debit)), "{entry:?}");
    }
    let sf = ledger
        .sf133(&account, FiscalYear::new(2014).unwrap(), day(2014, 9, 30))
        .unwrap();
    assert_eq!(line(&sf, 1029), m("-650"));
    assert_eq!(line(&sf, 1021), m("50"));
    assert_identities(&sf);
    // A no-year account never closes.
    let no_year = "011-X2008-1082".parse().unwrap();
    let mut open = Ledger::allow_all();
    open.apply(Command::new(
        "x".parse().unwrap(),
        day(2008, 1, 2),
        "me".parse().unwrap(),
        Action::Appropriate {
            account: no_year,
            title: "no-year".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("5"),
            law: "P.L. 110-161".into(),
        },
    ))
    .unwrap();
    assert_eq!(open.cancellation(&no_year, day(2099, 9, 30)).unwrap(), None);
}

/// The trial balance of the closing day carries the closing entries (USSGL implementation
/// guidance, cancellation scenario: the status accounts debited, 435000 credited): every
/// status account at zero, 435000 credited with everything cancelled, the resource
/// accounts untouched and the whole balanced. The ledger's own chart is left as it was.
fn assert_closing_trial_balance(
    ledger: &Ledger,
    account: &security_assistance::budget::AccountSymbol,
    closing_day: NaiveDate,
) {
    let closed = ledger.cancellation(account, closing_day).unwrap().unwrap();
    let before = ledger
        .as_of(closing_day, None)
        .unwrap()
        .trial_balance(account)
        .unwrap();
    let after = closed.trial_balance;
    for status in [
        Ussgl::Unapportioned,
        Ussgl::Apportionments,
        Ussgl::Allotments,
        Ussgl::Commitments,
        Ussgl::UnpaidObligations,
        Ussgl::Recoveries,
        Ussgl::UpwardAdjustmentsPriorYear,
    ] {
        assert_eq!(after.balance(status), Money::ZERO, "{account} {status}");
    }
    for kept in [
        Ussgl::OtherAppropriationsRealized,
        Ussgl::TransfersCurrentYear,
        Ussgl::ReimbursementsCollected,
        Ussgl::Rescissions,
        Ussgl::PaidObligations,
    ] {
        assert_eq!(
            after.balance(kept),
            before.balance(kept),
            "{account} {kept}"
        );
    }
    assert_eq!(before.balance(Ussgl::CanceledAuthority), Money::ZERO);
    assert_eq!(
        after.balance(Ussgl::CanceledAuthority),
        neg(add(closed.unobligated, closed.unpaid_obligations)),
        "{account}: 4350 is credited with all that was cancelled"
    );
    assert_eq!(after.net().unwrap(), Money::ZERO, "{account}");
    assert_eq!(after.unobligated().unwrap(), Money::ZERO, "{account}");
    // The entries, posted one by one, are the difference between the two.
    let mut posted = Money::ZERO;
    for entry in &closed.entries {
        assert_eq!(entry.amount, neg(before.balance(entry.debit)), "{entry:?}");
        posted = add(posted, entry.amount);
    }
    assert_eq!(neg(posted), after.balance(Ussgl::CanceledAuthority));
}

/// Every account of the FY2008 scenario that closes by FY2015 carries its closing entries
/// in the trial balance of its closing day, and its SF-133 of that year ends both the
/// unobligated balance (2490) and the unpaid obligations (3050) at zero, the unpaid ones
/// cancelled on their own line, whatever was left in each.
#[test]
fn every_fy2008_account_closes_its_books_and_its_sf133_at_zero() {
    let ledger = crate::broker::fy2008_ledger();
    let end = day(2015, 9, 30);
    let mut closed_accounts = 0;
    for account in ledger.accounts() {
        let Some(closed) = ledger.cancellation(&account, end).unwrap() else {
            continue;
        };
        closed_accounts += 1;
        assert_closing_trial_balance(&ledger, &account, closed.closing_day);
        let year = FiscalYear::containing(closed.closing_day);
        let statement = ledger.sf133(&account, year, closed.closing_day).unwrap();
        assert_eq!(statement.line(2490), Some(Money::ZERO), "{account}");
        assert_eq!(statement.line(3050), Some(Money::ZERO), "{account}");
        assert_eq!(
            line(&statement, SF133_LINE_WITHDRAWN),
            neg(closed.unobligated)
        );
        assert_eq!(
            line(&statement, SF133_LINE_OBLIGATIONS_CANCELLED),
            neg(closed.unpaid_obligations)
        );
        assert_identities(&statement);
        let whole = statement.to_whole_dollars().unwrap();
        assert_identities(&whole);
        assert_eq!(whole.line(3050), Some(Money::ZERO), "{account}");
        // The day before, nothing is cancelled.
        let before = ledger
            .sf133(&account, year, closed.closing_day.pred_opt().unwrap())
            .unwrap();
        assert_eq!(before.line(SF133_LINE_OBLIGATIONS_CANCELLED), None);
        assert_identities(&before);
    }
    assert!(closed_accounts >= 2, "{closed_accounts}");
}

/// An account with obligations still unpaid when it closes: its SF-133 withdraws the
/// unobligated balance on 1029 and cancels the unpaid obligations on their own line, so
/// that 3050 ends at zero (the roll-forward still holds, to the cent and in whole
/// dollars); the trial balance of the closing day carries the closing entries.
#[test]
fn unpaid_obligations_cancelled_leave_the_obligated_balance_at_zero() {
    let (mut ledger, account) = small_ledger();
    ledger
        .apply(adjust(day(2014, 9, 30), "last", "-50.25"))
        .unwrap();
    let fy2014 = FiscalYear::new(2014).unwrap();
    let closed = ledger
        .cancellation(&account, day(2014, 9, 30))
        .unwrap()
        .unwrap();
    // 400 obligated, 150 paid, 50.25 recovered on the closing day.
    assert_eq!(closed.unpaid_obligations, m("199.75"));
    assert_eq!(closed.unobligated, m("650.25"));
    let sf = ledger.sf133(&account, fy2014, day(2014, 9, 30)).unwrap();
    assert_eq!(line(&sf, 3000), m("250"));
    assert_eq!(line(&sf, 3040), m("-50.25"));
    assert_eq!(line(&sf, SF133_LINE_OBLIGATIONS_CANCELLED), m("-199.75"));
    assert_eq!(sf.line(3050), Some(Money::ZERO));
    assert_eq!(line(&sf, 1029), m("-650.25"));
    assert_eq!(sf.line(2490), Some(Money::ZERO));
    assert_identities(&sf);
    let whole = sf.to_whole_dollars().unwrap();
    assert_eq!(line(&whole, SF133_LINE_OBLIGATIONS_CANCELLED), m("-200"));
    assert_eq!(whole.line(3050), Some(Money::ZERO));
    assert_identities(&whole);
    assert_closing_trial_balance(&ledger, &account, day(2014, 9, 30));
    // The ledger's own chart keeps the balances the closing entries cleared.
    assert_eq!(
        ledger
            .trial_balance(&account)
            .unwrap()
            .balance(Ussgl::UnpaidObligations),
        m("-199.75")
    );
}

/// Two charges to current of one cancelled document add up in the current account: the
/// document's obligation there is their sum (31 U.S.C. 1553(b)), not the first alone.
/// The FY2015 account to which charges to current go, funded and allocated to Jordan on
/// `on`, with its key.
fn current_account(ledger: &mut Ledger, on: NaiveDate) -> (AccountSymbol, AllocationKey) {
    let current: AccountSymbol = "011-2015-1082".parse().unwrap();
    let key = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    );
    let actions = [
        Action::Appropriate {
            account: current,
            title: "FMF".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("100000"),
            law: "P.L. 113-235".into(),
        },
        Action::Apportion {
            account: current,
            category: Apportionment::ByPeriod { from: on },
            amount: m("100000"),
        },
        Action::Allot {
            account: current,
            holder: "DSCA".parse().unwrap(),
            amount: m("100000"),
        },
        Action::Allocate {
            account: current,
            key: key.clone(),
            amount: m("100000"),
        },
    ];
    apply_each(ledger, "cur", on, "me", actions);
    (current, key)
}

fn charge(
    cancelled: AccountSymbol,
    current: AccountSymbol,
    key: &AllocationKey,
    amount: &str,
) -> Action {
    Action::ChargeToCurrent {
        cancelled,
        document: "JO-1".parse().unwrap(),
        current,
        key: key.clone(),
        amount: m(amount),
    }
}

#[test]
fn charges_to_current_of_one_document_add_up_in_the_current_account() {
    let (mut ledger, cancelled) = small_ledger();
    let on = day(2014, 10, 15);
    let (current, key) = current_account(&mut ledger, on);
    let actions = [
        charge(cancelled, current, &key, "100"),
        charge(cancelled, current, &key, "50"),
    ];
    apply_each(&mut ledger, "ctc", on, "me", actions);
    let obligation = ledger
        .obligation(&current, &"JO-1".parse().unwrap())
        .unwrap();
    assert_eq!(obligation.obligated, m("150"));
    assert_eq!(obligation.disbursed, Money::ZERO);
}

/// A refused batch takes a charge to current back from both accounts it changes.
#[test]
fn a_refused_batch_takes_back_a_charge_to_current_from_both_accounts() {
    let (mut ledger, cancelled) = small_ledger();
    let on = day(2014, 10, 15);
    let (current, key) = current_account(&mut ledger, on);
    let before = ledger.clone();
    let command =
        |id: &str, action| Command::new(id.parse().unwrap(), on, "me".parse().unwrap(), action);
    let first = command("ctc", charge(cancelled, current, &key, "100"));
    // Everything apportioned is allotted already: refused.
    let too_much = command(
        "allot",
        Action::Allot {
            account: current,
            holder: "DSCA".parse().unwrap(),
            amount: m("1"),
        },
    );
    assert!(ledger.apply_all(vec![first.clone(), too_much]).is_err());
    assert_eq!(ledger, before);
    ledger.apply(first).unwrap();
}

//! Sales-case closure posted to the ledger, through the public API only: financing drawn
//! and not used goes back to its grant as a ledger refund before the partner is refunded
//! its own cash, the closure is refused until the books balance, and interest on arrears
//! is collected into the ledger (SAMM chapter 16; AECA sections 21(d) and 23); a standby
//! letter of credit is drawn when the partner fails to pay, as a ledger collection (SAMM
//! chapter 9).
//!
//! The case, the grant and the figures are hypothetical test data.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Dimension, DocumentId, Funding,
    Instrument, Ledger, StatusQuery,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::notification::Thresholds;
use security_assistance::programs::sales::{
    ARREARS_INTEREST_AUTHORITY, Arrears, Case, CaseAction, CaseRequest, CaseState, Disposition,
    FundingSource, ImplementationBasis, LETTER_OF_CREDIT_AUTHORITY, LetterOfCredit,
    LetterOfCreditDraw, LineBilling, LineSpec, PaymentSchedule, SalesError, TermsOfSale,
    TrustEntryKind, TrustFund,
};
use security_assistance::{CountryCode, Money, ProgramKind, Rounding};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn code(alpha3: &str) -> CountryCode {
    alpha3.parse().unwrap()
}

fn fmf() -> AccountSymbol {
    "011-X2014-1082".parse().unwrap()
}

fn trust_account() -> AccountSymbol {
    "097-X2014-8242".parse().unwrap()
}

fn grant() -> DocumentId {
    "G-JOR".parse().unwrap()
}

/// A ledger with a no-year financing account holding a $10,000.00 grant to Jordan, and a
/// no-year account the interest on arrears is credited to.
fn ledger() -> Ledger {
    let date = day(2014, 10, 1);
    let mut ledger = Ledger::new(std::sync::Arc::new(AllowAll));
    let key = AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some(code("JOR")),
    );
    let actions = vec![
        Action::Appropriate {
            account: fmf(),
            title: "Foreign Military Financing Program".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("10000"),
            law: "P.L. 113-76".into(),
        },
        Action::Apportion {
            account: fmf(),
            category: Apportionment::ByPeriod { from: date },
            amount: m("10000"),
        },
        Action::Allot {
            account: fmf(),
            holder: "DSCA".parse().unwrap(),
            amount: m("10000"),
        },
        Action::Allocate {
            account: fmf(),
            key: key.clone(),
            amount: m("10000"),
        },
        Action::Obligate {
            account: fmf(),
            document: grant(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: m("10000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        Action::Appropriate {
            account: trust_account(),
            title: "Foreign Military Sales Trust Fund".into(),
            purposes: vec![ProgramKind::Sales],
            amount: m("1"),
            law: "AECA".into(),
        },
    ];
    for (n, action) in actions.into_iter().enumerate() {
        let id = format!("SETUP-{n}").parse().unwrap();
        ledger
            .apply(Command::new(
                id,
                date,
                "budget-office".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

fn disbursed_on_the_grant(ledger: &Ledger) -> Money {
    ledger
        .status_of_funds(&StatusQuery::new(day(2016, 9, 30), &[Dimension::Account]))
        .unwrap()
        .iter()
        .filter(|r| r.key.account == Some(fmf()))
        .map(|r| r.disbursed)
        .fold(Money::ZERO, |a, b| a.checked_add(b).unwrap())
}

/// Ten radios at $1,000.00 accepted in 2015 (3.5 percent: $350.00 of charges, $10,350.00
/// in all), paid $10,000.00 from the grant (drawn through the ledger) and $350.00 of the
/// partner's cash; the contractor was paid $9,000.00 and every line delivered, so the
/// credit balance is $1,000.00, of which only $350.00 is the partner's own cash.
fn delivered(ledger: &mut Ledger) -> (Case, TrustFund) {
    let mut case = Case::new(CaseRequest::new(
        "JO-B-CLF".parse().unwrap(),
        code("JOR"),
        day(2015, 1, 5),
        TermsOfSale::CashWithAcceptance,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2015, 1, 6)).unwrap();
    let line = case
        .add_line(day(2015, 1, 6), LineSpec::new("radios", 10, m("1000")))
        .unwrap();
    case.set_funding(
        day(2015, 1, 6),
        vec![
            FundingSource::FinancingGrant {
                document: grant(),
                account: fmf(),
                amount: m("10000"),
            },
            FundingSource::OwnFunds { amount: m("350") },
        ],
    )
    .unwrap();
    case.offer(
        day(2015, 2, 2),
        day(2015, 2, 1),
        None,
        &Thresholds::current(),
        &AllowAll,
    )
    .unwrap();
    case.accept(day(2015, 2, 10)).unwrap();
    let mut trust = TrustFund::new();
    trust
        .deposit_financing(
            &case,
            day(2015, 2, 10),
            m("10000"),
            &grant(),
            ledger,
            "DRAW-1".parse().unwrap(),
            "dsca".parse().unwrap(),
        )
        .unwrap();
    trust
        .deposit(&case, day(2015, 2, 10), m("350"), code("JOR"))
        .unwrap();
    case.implement(
        day(2015, 2, 11),
        ImplementationBasis::InitialDeposit,
        &trust,
    )
    .unwrap();
    trust.disburse(&case, day(2015, 6, 1), m("9000")).unwrap();
    case.complete_line(line, day(2015, 6, 30)).unwrap();
    (case, trust)
}

fn billing(case: &Case) -> Vec<LineBilling> {
    case.lines()
        .iter()
        .map(|l| LineBilling {
            line: l.number,
            billed: case.line_charges(l.number).unwrap().total,
        })
        .collect()
}

fn give_back(
    trust: &mut TrustFund,
    case: &Case,
    ledger: &mut Ledger,
    amount: &str,
    id: &str,
) -> Result<(), Box<SalesError>> {
    trust
        .return_financing(
            case,
            day(2015, 12, 1),
            m(amount),
            &grant(),
            ledger,
            id.parse().unwrap(),
            "dfas".parse().unwrap(),
        )
        .map(|_| ())
        .map_err(Box::new)
}

#[test]
fn the_partner_is_refunded_only_its_own_cash() {
    let mut ledger = ledger();
    let (case, trust) = delivered(&mut ledger);
    let mut c = case.clone();
    let mut t = trust.clone();
    let err = c
        .close_reconciled(
            day(2016, 1, 4),
            &mut t,
            &billing(&case),
            Some(Disposition::Refund),
        )
        .unwrap_err();
    assert_eq!(
        err,
        SalesError::RefundExceedsOwnCash {
            case: case.id().clone(),
            balance: m("1000"),
            own_cash: m("350"),
        }
    );
    assert!(err.to_string().contains("return the rest to the financing"));
    assert_eq!((c.state(), &t), (CaseState::SupplyComplete, &trust));
    // Applying the balance to another case of the partner moves no cash and is allowed.
    let statement = c
        .close_reconciled(
            day(2016, 1, 4),
            &mut t,
            &billing(&case),
            Some(Disposition::ApplyTo {
                case: "JO-B-NXT".parse().unwrap(),
            }),
        )
        .unwrap();
    assert_eq!(statement.balance, m("1000"));
    assert_eq!(t, trust);
}

/// The financed balance goes back to the grant on the ledger: a cent over what may be
/// returned is refused, the rest of the balance is refunded when it is at most the
/// partner's own cash (a cent under, at, a cent over).
#[test]
fn financing_not_used_is_returned_to_the_grant_through_the_ledger() {
    let mut ledger = ledger();
    let (case, mut trust) = delivered(&mut ledger);
    assert_eq!(disbursed_on_the_grant(&ledger), m("10000"));
    let (journal, before) = (ledger.journal().len(), trust.clone());
    let err = *give_back(&mut trust, &case, &mut ledger, "1000.01", "RET-0").unwrap_err();
    assert_eq!(
        err,
        SalesError::FinancingReturnExceeded {
            case: case.id().clone(),
            document: grant(),
            returnable: m("1000"),
            requested: m("1000.01"),
        }
    );
    assert_eq!((ledger.journal().len(), &trust), (journal, &before));

    // Returned, the balance left: 650.01 → 349.99 (under), 650 → 350 (at), 649.99 →
    // 350.01 (over the partner's $350.00).
    for (returned, refunded, closes) in [
        ("650.01", "349.99", true),
        ("650", "350", true),
        ("649.99", "350.01", false),
    ] {
        let mut ledger = ledger.clone();
        let mut trust = trust.clone();
        let mut case = case.clone();
        give_back(&mut trust, &case, &mut ledger, returned, "RET-1").unwrap();
        assert_eq!(ledger.journal().len(), journal + 1);
        let posted = ledger.journal().get(journal).unwrap().command;
        assert_eq!(
            posted.action,
            Action::Refund {
                account: fmf(),
                document: grant(),
                amount: m(returned),
            }
        );
        assert_eq!(
            disbursed_on_the_grant(&ledger),
            m("10000").checked_sub(m(returned)).unwrap()
        );
        assert!(matches!(
            trust
                .account(code("JOR"))
                .unwrap()
                .entries()
                .last()
                .unwrap()
                .kind,
            TrustEntryKind::Return { .. }
        ));
        assert_eq!(trust.returned(case.id(), None).unwrap(), m(returned));
        let result = case.close_reconciled(
            day(2016, 1, 4),
            &mut trust,
            &billing(&case),
            Some(Disposition::Refund),
        );
        if closes {
            let statement = result.unwrap();
            assert_eq!(statement.balance, m(refunded));
            assert_eq!(statement.returned_to_financing, m(returned));
            // Collections = disbursements + charges + returned + refunded, to the cent.
            let out = [
                statement.disbursements,
                statement.charges,
                statement.returned_to_financing,
                statement.balance,
            ]
            .into_iter()
            .fold(Money::ZERO, |a, b| a.checked_add(b).unwrap());
            assert_eq!(statement.collections, out);
            assert_eq!(trust.case_refunds(case.id()).unwrap(), m(refunded));
            assert_eq!(case.state(), CaseState::Closed);
        } else {
            assert!(matches!(
                result,
                Err(SalesError::RefundExceedsOwnCash { balance, .. }) if balance == m(refunded)
            ));
            assert_eq!(case.state(), CaseState::SupplyComplete);
        }
        let replayed = Ledger::replay(ledger.journal(), std::sync::Arc::new(AllowAll)).unwrap();
        assert_eq!(replayed, ledger);
    }
}

#[test]
fn a_return_waits_for_supply_complete_and_names_a_financing_source() {
    let mut ledger = ledger();
    let (case, mut trust) = delivered(&mut ledger);
    let journal = ledger.journal().len();
    let other: DocumentId = "G-OTHER".parse().unwrap();
    let err = trust
        .return_financing(
            &case,
            day(2015, 12, 1),
            m("1"),
            &other,
            &mut ledger,
            "RET-X".parse().unwrap(),
            "dfas".parse().unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(err, SalesError::UnknownFundingSource { .. }),
        "{err}"
    );
    // Dated before the trust account's last entry.
    let err = trust
        .return_financing(
            &case,
            day(2015, 5, 31),
            m("1"),
            &grant(),
            &mut ledger,
            "RET-Y".parse().unwrap(),
            "dfas".parse().unwrap(),
        )
        .unwrap_err();
    assert!(
        matches!(err, SalesError::TrustDateBeforePrevious { .. }),
        "{err}"
    );
    // Once closed, nothing more is returned.
    let mut closed = case.clone();
    closed
        .close_reconciled(
            day(2016, 1, 4),
            &mut trust,
            &billing(&case),
            Some(Disposition::ApplyTo {
                case: "JO-B-NXT".parse().unwrap(),
            }),
        )
        .unwrap();
    let err = *give_back(&mut trust, &closed, &mut ledger, "1", "RET-Z").unwrap_err();
    assert!(matches!(err, SalesError::IllegalTransition { .. }), "{err}");
    assert_eq!(ledger.journal().len(), journal);
    // A closed case takes no standby letter of credit (SAMM C9; issue 19).
    let letter = new_letter("SBLC-LATE", day(2016, 1, 1), day(2016, 12, 31), "100");
    assert_eq!(
        closed.provide_letter_of_credit(day(2016, 1, 5), letter, None),
        Err(SalesError::IllegalTransition {
            case: closed.id().clone(),
            state: CaseState::Closed,
            action: CaseAction::ProvideLetterOfCredit,
        })
    );
}

/// Collections against disbursements plus charges: a cent under leaves a balance that
/// needs a disposition, at closes with none, a cent over is arrears and the case stays
/// open.
#[test]
fn a_case_in_arrears_cannot_close_until_the_arrears_are_collected() {
    let mut ledger = ledger();
    let (case, trust) = delivered(&mut ledger);
    for (more, outcome) in [("999.99", "0.01"), ("1000", "0"), ("1000.01", "arrears")] {
        let mut trust = trust.clone();
        let mut case = case.clone();
        // $9,000.00 paid, then `more`: against $10,350.00 collected and $350.00 of charges.
        trust.disburse(&case, day(2015, 7, 1), m(more)).unwrap();
        let result = case.close_reconciled(day(2016, 1, 4), &mut trust, &billing(&case), None);
        match outcome {
            "arrears" => {
                assert_eq!(
                    result.unwrap_err(),
                    SalesError::ClosureArrears {
                        case: case.id().clone(),
                        collections: m("10350"),
                        owed: m("10350.01"),
                    }
                );
                assert_eq!(case.state(), CaseState::SupplyComplete);
                // The partner pays the cent: the case closes.
                trust
                    .deposit(&case, day(2016, 1, 4), m("0.01"), code("JOR"))
                    .unwrap();
                let statement = case
                    .close_reconciled(day(2016, 1, 4), &mut trust, &billing(&case), None)
                    .unwrap();
                assert_eq!(statement.balance, Money::ZERO);
            }
            "0" => {
                let statement = result.unwrap();
                assert_eq!(
                    (statement.balance, statement.disposition),
                    (Money::ZERO, None)
                );
            }
            _ => {
                assert!(matches!(
                    result,
                    Err(SalesError::DispositionRequired { balance, .. }) if balance == m(outcome)
                ));
            }
        }
    }
}

/// Interest runs from the billing date once the sixty days have passed (AECA 21(d), 1976
/// text): paid on the sixtieth day nothing is posted; on the sixty-first the interest is
/// collected into the account the caller names.
#[test]
fn interest_on_arrears_is_collected_into_the_ledger() {
    let mut ledger = ledger();
    let (case, _) = delivered(&mut ledger);
    let journal = ledger.journal().len();
    let arrears = |paid| Arrears {
        account: trust_account(),
        bill: "DD645-2015-07".parse().unwrap(),
        amount: m("36500"),
        billed: day(2015, 7, 15),
        paid,
        annual_rate: "5".parse().unwrap(),
        grace_days: 60,
    };
    let collect = |ledger: &mut Ledger, paid, id: &str| {
        case.collect_interest_on_arrears(
            ledger,
            &arrears(paid),
            id.parse().unwrap(),
            "dfas".parse().unwrap(),
        )
        .map_err(Box::new)
    };
    // 2015-09-13 is the sixtieth day after 2015-07-15.
    for paid in [day(2015, 9, 12), day(2015, 9, 13)] {
        assert_eq!(collect(&mut ledger, paid, "INT-0").unwrap(), None);
        assert_eq!(ledger.journal().len(), journal);
    }
    let err = *collect(&mut ledger, day(2015, 7, 14), "INT-0").unwrap_err();
    assert!(
        matches!(err, SalesError::DateBeforePrevious { .. }),
        "{err}"
    );
    let (interest, receipt) = collect(&mut ledger, day(2015, 9, 14), "INT-1")
        .unwrap()
        .unwrap();
    // 61 days on $36,500.00 at 5 percent, actual/365.
    assert_eq!(interest, m("305"));
    assert!(!receipt.duplicate);
    assert_eq!(
        ledger.journal().get(journal).unwrap().command.action,
        Action::Collect {
            account: trust_account(),
            document: "DD645-2015-07".parse().unwrap(),
            amount: m("305"),
            payer: code("JOR"),
            authority: ARREARS_INTEREST_AUTHORITY.into(),
        }
    );
    // The same bill collected twice in the account is refused by the ledger.
    let err = *collect(&mut ledger, day(2015, 9, 15), "INT-2").unwrap_err();
    assert!(matches!(err, SalesError::Ledger(_)), "{err}");
    assert_eq!(ledger.journal().len(), journal + 1);
}

fn letter() -> DocumentId {
    "SBLC-JOR-1".parse().unwrap()
}

/// Ten radios at $1,000.00 accepted 2015-02-10 (3.5 percent: $10,350.00) on a dependable
/// undertaking: $5,350.00 with acceptance, $5,000.00 due 2015-03-15. The partner's own
/// funds pay for it, backed by a $5,000.00 standby letter of credit in force from
/// 2015-01-06 through `expires`; the initial deposit is paid and the case implemented.
fn backed_by_a_letter(expires: NaiveDate) -> (Case, TrustFund) {
    let mut case = Case::new(CaseRequest::new(
        "JO-B-LOC".parse().unwrap(),
        code("JOR"),
        day(2015, 1, 5),
        TermsOfSale::DependableUndertaking,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2015, 1, 6)).unwrap();
    case.add_line(day(2015, 1, 6), LineSpec::new("radios", 10, m("1000")))
        .unwrap();
    case.set_funding(
        day(2015, 1, 6),
        vec![
            FundingSource::OwnFunds { amount: m("10350") },
            FundingSource::StandbyLetterOfCredit {
                letter: letter(),
                issued: day(2015, 1, 6),
                expires,
                amount: m("5000"),
            },
        ],
    )
    .unwrap();
    case.set_payment_schedule(
        day(2015, 1, 6),
        PaymentSchedule::quarterly(day(2015, 2, 2), m("5350"), &[m("5000")]).unwrap(),
    )
    .unwrap();
    // The letter backs the plan: the plan's $10,350.00 alone must equal the total.
    case.offer(
        day(2015, 2, 2),
        day(2015, 2, 1),
        None,
        &Thresholds::current(),
        &AllowAll,
    )
    .unwrap();
    case.accept(day(2015, 2, 10)).unwrap();
    let mut trust = TrustFund::new();
    trust
        .deposit(&case, day(2015, 2, 10), m("5350"), code("JOR"))
        .unwrap();
    case.implement(
        day(2015, 2, 11),
        ImplementationBasis::InitialDeposit,
        &trust,
    )
    .unwrap();
    (case, trust)
}

fn draw_of(amount: &str, document: &str) -> LetterOfCreditDraw {
    LetterOfCreditDraw {
        letter: letter(),
        account: trust_account(),
        document: document.parse().unwrap(),
        amount: m(amount),
    }
}

/// A standby letter of credit is drawn only for what the partner failed to pay (nothing
/// before the installment's due date, at most the installment on it), at most its amount
/// (a cent under, at, over), and each draw is a collection on the ledger.
#[test]
fn a_standby_letter_of_credit_is_drawn_when_the_partner_fails_to_pay() {
    let mut ledger = ledger();
    let (case, mut trust) = backed_by_a_letter(day(2015, 6, 30));
    assert_eq!(case.due_by(day(2015, 3, 14)).unwrap(), m("5350"));
    assert_eq!(case.due_by(day(2015, 3, 15)).unwrap(), m("10350"));
    let journal = ledger.journal().len();
    let draw = |trust: &mut TrustFund, ledger: &mut Ledger, date, amount, id: &str| {
        trust
            .draw_letter_of_credit(
                &case,
                date,
                draw_of(amount, &format!("ADVICE-{id}")),
                ledger,
                id.parse().unwrap(),
                "dfas".parse().unwrap(),
            )
            .map_err(Box::new)
    };
    // The day before the installment is due the partner owes nothing.
    let before = trust.clone();
    let err = *draw(&mut trust, &mut ledger, day(2015, 3, 14), "0.01", "D-0").unwrap_err();
    assert_eq!(
        err,
        SalesError::DrawExceedsArrears {
            case: case.id().clone(),
            letter: letter(),
            arrears: Money::ZERO,
            requested: m("0.01"),
            date: day(2015, 3, 14),
        }
    );
    // A cent over the letter's amount.
    let err = *draw(&mut trust, &mut ledger, day(2015, 3, 15), "5000.01", "D-0").unwrap_err();
    assert!(
        matches!(err, SalesError::LetterOfCreditExceeded { .. }),
        "{err}"
    );
    assert_eq!(trust, before);
    assert_eq!(ledger.journal().len(), journal);
    // A cent under, then the last cent: at the amount.
    let receipt = draw(&mut trust, &mut ledger, day(2015, 3, 15), "4999.99", "D-1").unwrap();
    assert!(!receipt.duplicate);
    assert_eq!(
        ledger.journal().get(journal).unwrap().command.action,
        Action::Collect {
            account: trust_account(),
            document: "ADVICE-D-1".parse().unwrap(),
            amount: m("4999.99"),
            payer: code("JOR"),
            authority: LETTER_OF_CREDIT_AUTHORITY.into(),
        }
    );
    draw(&mut trust, &mut ledger, day(2015, 3, 15), "0.01", "D-2").unwrap();
    assert_eq!(
        trust.drawn_on_letter(case.id(), &letter()).unwrap(),
        m("5000")
    );
    assert_eq!(trust.case_deposits(case.id(), None).unwrap(), m("10350"));
    let before = trust.clone();
    let err = *draw(&mut trust, &mut ledger, day(2015, 3, 16), "0.01", "D-3").unwrap_err();
    assert_eq!(
        err,
        SalesError::LetterOfCreditExceeded {
            case: case.id().clone(),
            letter: letter(),
            amount: m("5000"),
            drawn: m("5000"),
            requested: m("0.01"),
        }
    );
    assert_eq!(trust, before);
    assert_eq!(ledger.journal().len(), journal + 2);
}

/// A letter is drawn on through the day it expires, not after; and only a letter the
/// case names.
#[test]
fn a_standby_letter_of_credit_is_refused_after_it_expires() {
    for (date, ok) in [
        (day(2015, 3, 15), true),
        (day(2015, 3, 16), true),
        (day(2015, 3, 17), false),
    ] {
        let mut ledger = ledger();
        let (case, mut trust) = backed_by_a_letter(day(2015, 3, 16));
        let result = trust.draw_letter_of_credit(
            &case,
            date,
            draw_of("5000", "ADVICE-1"),
            &mut ledger,
            "D-1".parse().unwrap(),
            "dfas".parse().unwrap(),
        );
        if ok {
            result.unwrap();
        } else {
            assert_eq!(
                result.unwrap_err(),
                SalesError::LetterOfCreditNotInForce {
                    case: case.id().clone(),
                    letter: letter(),
                    issued: day(2015, 1, 6),
                    expires: day(2015, 3, 16),
                    date,
                }
            );
            assert_eq!(trust.case_deposits(case.id(), None).unwrap(), m("5350"));
        }
    }
    let mut ledger = ledger();
    let (case, mut trust) = backed_by_a_letter(day(2015, 6, 30));
    let mut unknown = draw_of("1", "ADVICE-1");
    unknown.letter = "SBLC-OTHER".parse().unwrap();
    assert!(matches!(
        trust.draw_letter_of_credit(
            &case,
            day(2015, 3, 15),
            unknown,
            &mut ledger,
            "D-1".parse().unwrap(),
            "dfas".parse().unwrap(),
        ),
        Err(SalesError::UnknownLetterOfCredit { .. })
    ));
    // A letter that expires before it is issued is refused with the funding plan.
    let mut case = Case::new(CaseRequest::new(
        "JO-B-LOD".parse().unwrap(),
        code("JOR"),
        day(2015, 1, 5),
        TermsOfSale::DependableUndertaking,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2015, 1, 6)).unwrap();
    let err = case
        .set_funding(
            day(2015, 1, 6),
            vec![FundingSource::StandbyLetterOfCredit {
                letter: letter(),
                issued: day(2015, 1, 6),
                expires: day(2015, 1, 5),
                amount: m("5000"),
            }],
        )
        .unwrap_err();
    assert!(
        matches!(err, SalesError::LetterOfCreditDates { .. }),
        "{err}"
    );
    assert!(case.funding().is_empty());
}

fn new_letter(number: &str, issued: NaiveDate, expires: NaiveDate, amount: &str) -> LetterOfCredit {
    LetterOfCredit {
        letter: number.parse().unwrap(),
        issued,
        expires,
        amount: m(amount),
    }
}

/// SAMM C9 (issue 19): a standby letter of credit provided after the offer, here to
/// replace the case's letter on 2015-03-10. The replaced letter is not drawn on from that
/// day; the new one is drawn on from the later of its issue and its provision (the day
/// before refused, the day of allowed) through its expiry, at most its amount and the
/// arrears, each draw a collection on the ledger.
#[test]
fn a_standby_letter_provided_after_the_offer_replaces_the_first() {
    let mut ledger = ledger();
    let (mut case, mut trust) = backed_by_a_letter(day(2015, 6, 30));
    let replacement = new_letter("SBLC-JOR-2", day(2015, 3, 1), day(2015, 12, 31), "5000");
    // Dates wrong: expires before it is issued; expired before it is provided.
    let before = case.clone();
    let mut backwards = replacement.clone();
    backwards.expires = day(2015, 2, 28);
    assert!(matches!(
        case.provide_letter_of_credit(day(2015, 3, 10), backwards, Some(letter())),
        Err(SalesError::LetterOfCreditDates { .. })
    ));
    let mut stale = replacement.clone();
    stale.expires = day(2015, 3, 9);
    assert_eq!(
        case.provide_letter_of_credit(day(2015, 3, 10), stale.clone(), Some(letter())),
        Err(SalesError::LetterOfCreditExpired {
            case: case.id().clone(),
            letter: stale.letter.clone(),
            expires: day(2015, 3, 9),
            date: day(2015, 3, 10),
        })
    );
    // Expiring the day it is provided is allowed (checked on a copy).
    stale.expires = day(2015, 3, 10);
    assert!(
        case.clone()
            .provide_letter_of_credit(day(2015, 3, 10), stale, Some(letter()))
            .is_ok()
    );
    // Dated before the case's last step (implemented 2015-02-11).
    assert!(matches!(
        case.provide_letter_of_credit(day(2015, 2, 10), replacement.clone(), Some(letter())),
        Err(SalesError::DateBeforePrevious { .. })
    ));
    assert!(matches!(
        case.provide_letter_of_credit(
            day(2015, 3, 10),
            replacement.clone(),
            Some("SBLC-NONE".parse().unwrap())
        ),
        Err(SalesError::UnknownLetterOfCredit { .. })
    ));
    let mut zero = replacement.clone();
    zero.amount = Money::ZERO;
    assert!(matches!(
        case.provide_letter_of_credit(day(2015, 3, 10), zero, None),
        Err(SalesError::NotPositive { .. })
    ));
    assert_eq!(case, before);
    case.provide_letter_of_credit(day(2015, 3, 10), replacement.clone(), Some(letter()))
        .unwrap();
    assert_eq!(
        case.replacement_of(&letter()).unwrap().provided,
        day(2015, 3, 10)
    );
    // The same number again, or the replaced letter replaced again, is refused.
    assert!(matches!(
        case.provide_letter_of_credit(day(2015, 3, 11), replacement.clone(), None),
        Err(SalesError::DuplicateLetterOfCredit { .. })
    ));
    let third = new_letter("SBLC-JOR-3", day(2015, 3, 1), day(2015, 12, 31), "1");
    assert!(matches!(
        case.provide_letter_of_credit(day(2015, 3, 11), third, Some(letter())),
        Err(SalesError::LetterOfCreditReplaced { .. })
    ));
    // The installment of $5,000.00 falls due 2015-03-15 and is not paid.
    let draw =
        |trust: &mut TrustFund, ledger: &mut Ledger, which: DocumentId, date, amount, id: &str| {
            let mut draw = draw_of(amount, &format!("ADVICE-{id}"));
            draw.letter = which;
            trust
                .draw_letter_of_credit(
                    &case,
                    date,
                    draw,
                    ledger,
                    id.parse().unwrap(),
                    "dfas".parse().unwrap(),
                )
                .map_err(Box::new)
        };
    let journal = ledger.journal().len();
    assert_eq!(
        *draw(
            &mut trust,
            &mut ledger,
            letter(),
            day(2015, 3, 15),
            "5000",
            "D-OLD"
        )
        .unwrap_err(),
        SalesError::LetterOfCreditReplaced {
            case: case.id().clone(),
            letter: letter(),
            replaced_by: replacement.letter.clone(),
            replaced: day(2015, 3, 10),
            date: day(2015, 3, 15),
        }
    );
    assert!(matches!(
        draw(
            &mut trust,
            &mut ledger,
            replacement.letter.clone(),
            day(2015, 3, 15),
            "5000.01",
            "D-1"
        )
        .map_err(|e| *e),
        Err(SalesError::LetterOfCreditExceeded { .. })
    ));
    assert_eq!(ledger.journal().len(), journal);
    draw(
        &mut trust,
        &mut ledger,
        replacement.letter.clone(),
        day(2015, 3, 15),
        "5000",
        "D-1",
    )
    .unwrap();
    assert_eq!(
        trust
            .drawn_on_letter(case.id(), &replacement.letter)
            .unwrap(),
        m("5000")
    );
    assert_eq!(ledger.journal().len(), journal + 1);
}

/// A letter provided after the offer is drawn on from the later of its issue and the day
/// it was provided: provided 2015-03-16 (issued 2015-03-01), a draw on 2015-03-15 is
/// refused as not in force from 2015-03-16, and one on 2015-03-16 is allowed. A closed
/// case takes no letter (the state table).
#[test]
fn a_standby_letter_provided_later_is_in_force_from_its_provision() {
    for (date, ok) in [
        (day(2015, 3, 15), false),
        (day(2015, 3, 16), true),
        (day(2015, 3, 17), true),
    ] {
        let mut ledger = ledger();
        let (mut case, mut trust) = backed_by_a_letter(day(2015, 6, 30));
        let second = new_letter("SBLC-JOR-2", day(2015, 3, 1), day(2015, 12, 31), "5000");
        case.provide_letter_of_credit(day(2015, 3, 16), second.clone(), None)
            .unwrap();
        let mut draw = draw_of("5000", "ADVICE-1");
        draw.letter = second.letter.clone();
        let result = trust.draw_letter_of_credit(
            &case,
            date,
            draw,
            &mut ledger,
            "D-1".parse().unwrap(),
            "dfas".parse().unwrap(),
        );
        if ok {
            result.unwrap();
        } else {
            assert_eq!(
                result.unwrap_err(),
                SalesError::LetterOfCreditNotInForce {
                    case: case.id().clone(),
                    letter: second.letter,
                    issued: day(2015, 3, 16),
                    expires: day(2015, 12, 31),
                    date,
                }
            );
        }
    }
    assert!(
        CaseAction::ProvideLetterOfCredit
            .allowed_in()
            .contains(&CaseState::SupplyComplete)
    );
    assert!(
        !CaseAction::ProvideLetterOfCredit
            .allowed_in()
            .contains(&CaseState::Closed)
    );
    assert!(
        !CaseAction::ProvideLetterOfCredit
            .allowed_in()
            .contains(&CaseState::OfferInDevelopment)
    );
}

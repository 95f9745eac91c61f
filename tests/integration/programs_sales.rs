//! Sales cases, excess-article transfers and leases through the public API only, with the
//! money that moves posted to a ledger.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument,
    Ledger, StatusQuery,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::notification::Thresholds;
use security_assistance::programs::excess::{
    CapTable, ConditionCode, ExcessArticle, ExcessError, ExcessProgram, TransferRequest,
    TransferTerms, Transport,
};
use security_assistance::programs::lease::{
    Lease, LeaseError, LeaseRequest, LeasedArticle, Proration, RentalPayer, TermLength,
};
use security_assistance::programs::sales::{
    AmendmentProposal, Case, CaseRequest, CaseState, FundingSource, ImplementationBasis,
    LineBilling, LineSpec, PaymentSchedule, SalesError, ScopeChange, TermsOfSale, TrustFund,
};
use security_assistance::{CountryCode, FiscalYear, Money, ProgramKind, Rounding};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn code(alpha3: &str) -> CountryCode {
    alpha3.parse().unwrap()
}

const FMF: &str = "011-X2012-1082";

fn fmf() -> AccountSymbol {
    FMF.parse().unwrap()
}

/// A no-year financing account with a grant agreement of `amount` obligated for each
/// partner (document `G-<partner>`), all on 2011-10-03.
fn ledger_with_grants(grants: &[(&str, &str)]) -> Ledger {
    let date = day(2011, 10, 3);
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger, action| {
        n += 1;
        let id = format!("SETUP-{n}").parse().unwrap();
        ledger
            .apply(Command::new(
                id,
                date,
                "budget-office".parse().unwrap(),
                action,
            ))
            .unwrap();
    };
    apply(
        &mut ledger,
        Action::Appropriate {
            account: fmf(),
            title: "Foreign Military Financing Program".into(),
            purposes: vec![ProgramKind::Financing],
            amount: m("500000000"),
            law: "P.L. 112-74".into(),
        },
    );
    apply(
        &mut ledger,
        Action::Apportion {
            account: fmf(),
            category: Apportionment::ByPeriod { from: date },
            amount: m("500000000"),
        },
    );
    apply(
        &mut ledger,
        Action::Allot {
            account: fmf(),
            holder: "DSCA".parse().unwrap(),
            amount: m("500000000"),
        },
    );
    for (partner, amount) in grants {
        let key = AllocationKey::new(
            "DSCA".parse().unwrap(),
            ProgramKind::Financing,
            Some(code(partner)),
        );
        apply(
            &mut ledger,
            Action::Allocate {
                account: fmf(),
                key: key.clone(),
                amount: m(amount),
            },
        );
        apply(
            &mut ledger,
            Action::Obligate {
                account: fmf(),
                document: format!("G-{partner}").parse().unwrap(),
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key },
                amount: m(amount),
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        );
    }
    ledger
}

fn fmf_disbursed(ledger: &Ledger, as_of: NaiveDate) -> Money {
    let rows = ledger
        .status_of_funds(&StatusQuery::new(as_of, &[Dimension::Account]))
        .unwrap();
    rows.iter()
        .filter(|r| r.key.account == Some(fmf()))
        .map(|r| r.disbursed)
        .fold(Money::ZERO, |a, b| a.checked_add(b).unwrap())
}

/// The whole life of a case, with lines accepted either side of 2012-11-01 and of
/// 2018-06-01, funded partly by a financing grant (drawn through the ledger) and partly by
/// the partner's cash.
#[test]
fn a_whole_case_with_surcharges_across_two_rate_changes() {
    let mut ledger = ledger_with_grants(&[("JOR", "6000000")]);
    let grant: security_assistance::budget::DocumentId = "G-JOR".parse().unwrap();
    let mut case = Case::new(CaseRequest::new(
        "JO-D-SAB".parse().unwrap(),
        code("JOR"),
        day(2012, 8, 1),
        TermsOfSale::DependableUndertaking,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2012, 8, 2)).unwrap();
    let line1 = case
        .add_line(
            day(2012, 8, 2),
            LineSpec::new("armored personnel carriers", 20, m("500000")),
        )
        .unwrap();
    // $10,000,000.00 + 3.8 % = $10,380,000.00, from a $6,000,000.00 grant and cash.
    case.set_funding(
        day(2012, 8, 3),
        vec![
            FundingSource::FinancingGrant {
                document: grant.clone(),
                account: fmf(),
                amount: m("6000000"),
            },
            FundingSource::OwnFunds {
                amount: m("4380000"),
            },
        ],
    )
    .unwrap();
    let schedule = PaymentSchedule::quarterly(
        day(2012, 10, 1),
        m("2380000"),
        &[m("4000000"), m("4000000")],
    )
    .unwrap();
    case.set_payment_schedule(day(2012, 8, 3), schedule)
        .unwrap();
    case.offer(
        day(2012, 10, 1),
        day(2012, 9, 28),
        None,
        &Thresholds::current(),
        &AllowAll,
    )
    .unwrap();
    case.accept(day(2012, 10, 31)).unwrap();
    assert_eq!(case.initial_deposit().unwrap(), m("2380000"));

    // The initial deposit: $2,000,000.00 drawn on the grant, $380,000.00 in cash.
    let mut trust = TrustFund::new();
    let receipt = trust
        .deposit_financing(
            &case,
            day(2012, 10, 31),
            m("2000000"),
            &grant,
            &mut ledger,
            "DRAW-1".parse().unwrap(),
            "dsca".parse().unwrap(),
        )
        .unwrap();
    assert!(!receipt.duplicate);
    trust
        .deposit(&case, day(2012, 10, 31), m("380000"), code("JOR"))
        .unwrap();

    // Amendment accepted 2012-11-01 (before implementation): line 002 at 3.5 %.
    // The amendment carries a revised schedule totalling the amended case: the same
    // initial deposit, the growth in a later installment.
    let revised = |more: &[Money]| {
        let mut amounts = vec![m("4000000"), m("4000000")];
        amounts.extend_from_slice(more);
        PaymentSchedule::quarterly(day(2012, 10, 1), m("2380000"), &amounts).unwrap()
    };
    let a1 = case
        .propose_amendment(
            day(2012, 10, 31),
            AmendmentProposal::new(vec![ScopeChange::AddLine(LineSpec::new(
                "recovery vehicles",
                10,
                m("1000000"),
            ))])
            .with_schedule(revised(&[m("10350000")])),
            &Thresholds::current(),
        )
        .unwrap();
    assert_eq!(
        case.amendment_deposit(a1, day(2012, 11, 1), &trust)
            .unwrap(),
        Money::ZERO
    );
    case.accept_amendment(a1, day(2012, 11, 1), &trust).unwrap();
    case.implement(
        day(2012, 11, 2),
        ImplementationBasis::InitialDeposit,
        &trust,
    )
    .unwrap();

    // Two amendments either side of 2018-06-01.
    let mut growth = vec![m("10350000")];
    for (when, item, added) in [
        (day(2018, 5, 31), "radios", m("10350000")),
        (day(2018, 6, 1), "spares", m("10320000")),
    ] {
        growth.push(added);
        let a = case
            .propose_amendment(
                when,
                AmendmentProposal::new(vec![ScopeChange::AddLine(LineSpec::new(
                    item,
                    1,
                    m("10000000"),
                ))])
                .with_schedule(revised(&growth)),
                &Thresholds::current(),
            )
            .unwrap();
        case.accept_amendment(a, when, &trust).unwrap();
    }
    let surcharges: Vec<(String, Money)> = case
        .lines()
        .iter()
        .map(|l| {
            let c = case.line_charges(l.number).unwrap();
            assert_eq!(c.value, m("10000000"));
            (c.administrative_rate.to_string(), c.administrative)
        })
        .collect();
    assert_eq!(
        surcharges,
        [
            ("3.8".to_owned(), m("380000")),
            ("3.5".to_owned(), m("350000")),
            ("3.5".to_owned(), m("350000")),
            ("3.2".to_owned(), m("320000")),
        ]
    );
    assert_eq!(case.total().unwrap(), m("41400000"));

    // The rest of the money: the grant's remaining $4,000,000.00 and cash.
    trust
        .deposit_financing(
            &case,
            day(2018, 6, 15),
            m("4000000"),
            &grant,
            &mut ledger,
            "DRAW-2".parse().unwrap(),
            "dsca".parse().unwrap(),
        )
        .unwrap();
    // The grant is used up: one cent more is refused and nothing moves.
    let (trust_before, journal_len) = (trust.clone(), ledger.journal().len());
    assert!(matches!(
        trust.deposit_financing(
            &case,
            day(2018, 6, 15),
            m("0.01"),
            &grant,
            &mut ledger,
            "DRAW-3".parse().unwrap(),
            "dsca".parse().unwrap(),
        ),
        Err(SalesError::FundingSourceExceeded { .. })
    ));
    assert_eq!(trust, trust_before);
    assert_eq!(ledger.journal().len(), journal_len);
    trust
        .deposit(&case, day(2018, 6, 15), m("35020000"), code("JOR"))
        .unwrap();
    trust
        .disburse(&case, day(2019, 1, 10), m("41400000"))
        .unwrap();
    assert_eq!(trust.balance(code("JOR")).unwrap(), Money::ZERO);
    assert!(matches!(
        trust.disburse(&case, day(2019, 1, 11), m("0.01")),
        Err(SalesError::ExceedsCaseValue { .. })
    ));

    for line in case.lines().to_vec() {
        case.complete_line(line.number, day(2019, 3, 31)).unwrap();
    }
    assert_eq!(case.state(), CaseState::SupplyComplete);
    assert_eq!(case.closure_due(), Some(day(2020, 3, 31)));
    // Every line billed at its priced total; the charges were paid out with the value, so
    // collections fall short of disbursements plus charges and the case stays open until
    // the partner pays them.
    let billing: Vec<LineBilling> = case
        .lines()
        .iter()
        .map(|l| LineBilling {
            line: l.number,
            billed: case.line_charges(l.number).unwrap().total,
        })
        .collect();
    let err = case
        .clone()
        .close_reconciled(day(2020, 3, 1), &mut trust.clone(), &billing, None)
        .unwrap_err();
    let SalesError::ClosureArrears {
        collections, owed, ..
    } = err
    else {
        panic!("{err}");
    };
    assert_eq!(collections, m("41400000"));
    let arrears = owed.checked_sub(collections).unwrap();
    assert!(arrears.is_positive());
    trust
        .deposit(&case, day(2020, 2, 28), arrears, code("JOR"))
        .unwrap();
    let statement = case
        .close_reconciled(day(2020, 3, 1), &mut trust, &billing, None)
        .unwrap();
    assert_eq!(statement.balance, Money::ZERO);
    assert_eq!(statement.collections, owed);
    assert_eq!(case.state(), CaseState::Closed);
    assert_eq!(line1.get(), 1);

    // The ledger reconciles to the cent with the grant draws.
    assert_eq!(fmf_disbursed(&ledger, day(2020, 3, 1)), m("6000000"));
    let replayed = Ledger::replay(
        ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert_eq!(replayed, ledger);
}

fn offered_case(id: &str, partner: &str) -> Case {
    let mut case = Case::new(CaseRequest::new(
        id.parse().unwrap(),
        code(partner),
        day(2013, 1, 2),
        TermsOfSale::CashWithAcceptance,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2013, 1, 3)).unwrap();
    case.add_line(day(2013, 1, 3), LineSpec::new("radios", 10, m("1000")))
        .unwrap();
    case.offer(
        day(2013, 2, 1),
        day(2013, 1, 31),
        None,
        &Thresholds::current(),
        &AllowAll,
    )
    .unwrap();
    case
}

/// Acceptance after the offer expired, implementation before the deposit, and one
/// partner's cash paying another's case: each refused with a typed error, nothing changed.
#[test]
fn refusals_change_nothing() {
    let mut late = offered_case("JO-B-LATE", "JOR");
    let before = late.clone();
    assert_eq!(
        late.accept(day(2013, 4, 27)),
        Err(SalesError::OfferExpired {
            case: "JO-B-LATE".parse().unwrap(),
            expired: day(2013, 4, 26),
            date: day(2013, 4, 27),
        })
    );
    assert_eq!(late, before);

    let mut early = offered_case("JO-B-EARLY", "JOR");
    early.accept(day(2013, 3, 1)).unwrap();
    let trust = TrustFund::new();
    let before = early.clone();
    assert!(matches!(
        early.implement(day(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust),
        Err(SalesError::DepositNotReceived { required, received, .. })
            if required == m("10350") && received == Money::ZERO
    ));
    assert_eq!(early, before);

    let mut egypt = offered_case("EG-B-AAA", "EGY");
    egypt.accept(day(2013, 3, 1)).unwrap();
    let mut trust = TrustFund::new();
    trust
        .deposit(&early, day(2013, 3, 1), m("10350"), code("JOR"))
        .unwrap();
    let before = trust.clone();
    assert_eq!(
        trust.deposit(&egypt, day(2013, 3, 1), m("10350"), code("JOR")),
        Err(SalesError::CrossPartner {
            case: "EG-B-AAA".parse().unwrap(),
            case_partner: code("EGY"),
            payer: code("JOR"),
        })
    );
    // Jordan's cash cannot be disbursed for Egypt's case either.
    let emergency = ImplementationBasis::Emergency {
        approval: "EI-EGY".parse().unwrap(),
    };
    egypt.implement(day(2013, 3, 2), emergency, &trust).unwrap();
    assert_eq!(
        trust.disburse(&egypt, day(2013, 3, 2), m("1")),
        Err(SalesError::InsufficientTrustBalance {
            partner: code("EGY"),
            available: Money::ZERO,
            requested: m("1"),
        })
    );
    assert_eq!(trust, before);
    assert_eq!(trust.balance(code("JOR")).unwrap(), m("10350"));
}

/// One of a partner's cases may run a deficit covered by its other cases (DOMAIN.md rule
/// 28).
#[test]
fn a_case_may_run_a_deficit_covered_by_the_same_partners_other_cases() {
    let mut a = offered_case("JO-B-AAA", "JOR");
    let mut b = offered_case("JO-B-AAB", "JOR");
    a.accept(day(2013, 3, 1)).unwrap();
    b.accept(day(2013, 3, 1)).unwrap();
    let mut trust = TrustFund::new();
    trust
        .deposit(&a, day(2013, 3, 1), m("10350"), code("JOR"))
        .unwrap();
    trust
        .deposit(&b, day(2013, 3, 1), m("5000"), code("JOR"))
        .unwrap();
    a.implement(day(2013, 3, 2), ImplementationBasis::InitialDeposit, &trust)
        .unwrap();
    let emergency = ImplementationBasis::Emergency {
        approval: "EI".parse().unwrap(),
    };
    b.implement(day(2013, 3, 2), emergency, &trust).unwrap();
    trust.disburse(&b, day(2013, 3, 3), m("10350")).unwrap();
    assert_eq!(trust.case_disbursements(b.id()).unwrap(), m("10350"));
    assert_eq!(trust.balance(code("JOR")).unwrap(), m("5000"));
    assert!(matches!(
        trust.disburse(&a, day(2013, 3, 3), m("5000.01")),
        Err(SalesError::InsufficientTrustBalance { .. })
    ));
}

/// One operation of the trust-fund property test.
#[derive(Debug, Clone)]
enum Op {
    Cash {
        case: usize,
        payer: usize,
        cents: i64,
        days: u64,
    },
    Draw {
        case: usize,
        cents: i64,
        days: u64,
    },
    Disburse {
        case: usize,
        cents: i64,
        days: u64,
    },
}

const PARTNERS: [&str; 3] = ["JOR", "EGY", "BRA"];

/// Two implemented cases per partner, each of $1,035,000.00 ($1,000,000.00 + 3.5 %),
/// funded by a $600,000.00 grant (of which the ledger obligated only $500,000.00 per
/// partner, so late draws are refused by the ledger) and the partner's cash.
fn fixture() -> (Vec<Case>, Ledger) {
    let ledger = ledger_with_grants(&[("JOR", "500000"), ("EGY", "500000"), ("BRA", "500000")]);
    let mut cases = Vec::new();
    for partner in PARTNERS {
        for k in 0..2 {
            let mut case = Case::new(CaseRequest::new(
                format!("{partner}-{k}").parse().unwrap(),
                code(partner),
                day(2013, 1, 2),
                TermsOfSale::CashWithAcceptance,
                Rounding::HalfEven,
            ));
            case.begin_development(day(2013, 1, 3)).unwrap();
            case.add_line(day(2013, 1, 3), LineSpec::new("trucks", 10, m("100000")))
                .unwrap();
            case.set_funding(
                day(2013, 1, 3),
                vec![
                    FundingSource::FinancingGrant {
                        document: format!("G-{partner}").parse().unwrap(),
                        account: fmf(),
                        amount: m("600000"),
                    },
                    FundingSource::OwnFunds {
                        amount: m("435000"),
                    },
                ],
            )
            .unwrap();
            case.offer(
                day(2013, 2, 1),
                day(2013, 2, 1),
                None,
                &Thresholds::current(),
                &AllowAll,
            )
            .unwrap();
            case.accept(day(2013, 3, 1)).unwrap();
            let emergency = ImplementationBasis::Emergency {
                approval: "EI".parse().unwrap(),
            };
            case.implement(day(2013, 3, 1), emergency, &TrustFund::new())
                .unwrap();
            cases.push(case);
        }
    }
    (cases, ledger)
}

fn cents() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(0i64),
        Just(1),
        Just(-1),
        Just(10_000_000),
        Just(60_000_000),
        Just(103_500_000),
        1i64..200_000_000,
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..6usize, 0..3usize, cents(), 0..3u64).prop_map(|(case, payer, cents, days)| Op::Cash {
            case,
            payer,
            cents,
            days
        }),
        (0..6usize, cents(), 0..3u64).prop_map(|(case, cents, days)| Op::Draw {
            case,
            cents,
            days
        }),
        (0..6usize, cents(), 0..3u64).prop_map(|(case, cents, days)| Op::Disburse {
            case,
            cents,
            days
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Across random deposits, draws and disbursements on six cases of three partners: no
    /// partner's cumulative disbursements ever exceed its deposits, cash never crosses
    /// partners, a refused operation changes nothing, and the ledger reconciles to the
    /// cent with the draws — checked against a plain model of sums.
    #[test]
    fn trust_accounts_never_go_negative_and_reconcile(ops in proptest::collection::vec(op(), 1..40)) {
        let (cases, mut ledger) = fixture();
        let mut trust = TrustFund::new();
        let mut date = day(2013, 3, 1);
        // The model: per partner, deposits and disbursements; per case, disbursements
        // and grant draws; the ledger's total draws.
        let mut deposits: BTreeMap<CountryCode, i64> = BTreeMap::new();
        let mut disbursed: BTreeMap<CountryCode, i64> = BTreeMap::new();
        let mut case_out: BTreeMap<usize, i64> = BTreeMap::new();
        let mut case_drawn: BTreeMap<usize, i64> = BTreeMap::new();
        let mut partner_drawn: BTreeMap<CountryCode, i64> = BTreeMap::new();
        let mut ledger_draws = 0i64;
        for (i, op) in ops.into_iter().enumerate() {
            let (trust_before, journal_before) = (trust.clone(), ledger.journal().len());
            let (case_index, amount_cents, days) = match op {
                Op::Cash { case, cents, days, .. }
                | Op::Draw { case, cents, days }
                | Op::Disburse { case, cents, days } => (case, cents, days),
            };
            date = date.checked_add_days(chrono::Days::new(days)).unwrap();
            let case = &cases[case_index];
            let partner = case.partner();
            let amount = Money::from_cents(amount_cents);
            match op {
                Op::Cash { payer, .. } => {
                    let payer = code(PARTNERS[payer]);
                    let result = trust.deposit(case, date, amount, payer);
                    let expect_ok = payer == partner && amount_cents > 0;
                    prop_assert_eq!(result.is_ok(), expect_ok, "{:?}", result);
                    if payer != partner {
                        let crossed = matches!(result, Err(SalesError::CrossPartner { .. }));
                        prop_assert!(crossed);
                    }
                    if expect_ok {
                        *deposits.entry(partner).or_default() += amount_cents;
                    }
                }
                Op::Draw { .. } => {
                    let document = format!("G-{}", partner.alpha3()).parse().unwrap();
                    let result = trust.deposit_financing(
                        case, date, amount, &document, &mut ledger,
                        format!("D-{i}").parse().unwrap(), "dsca".parse().unwrap(),
                    );
                    let drawn = case_drawn.get(&case_index).copied().unwrap_or(0);
                    let by_partner = partner_drawn.get(&partner).copied().unwrap_or(0);
                    let expect_ok = amount_cents > 0
                        && drawn + amount_cents <= 60_000_000
                        && by_partner + amount_cents <= 50_000_000;
                    prop_assert_eq!(result.is_ok(), expect_ok, "{:?}", result);
                    if amount_cents > 0 && drawn + amount_cents <= 60_000_000 && !expect_ok {
                        let ledger_refused = matches!(result, Err(SalesError::Ledger(_)));
                        prop_assert!(ledger_refused);
                    }
                    if expect_ok {
                        *deposits.entry(partner).or_default() += amount_cents;
                        *case_drawn.entry(case_index).or_default() += amount_cents;
                        *partner_drawn.entry(partner).or_default() += amount_cents;
                        ledger_draws += amount_cents;
                    }
                }
                Op::Disburse { .. } => {
                    let result = trust.disburse(case, date, amount);
                    let balance = deposits.get(&partner).copied().unwrap_or(0)
                        - disbursed.get(&partner).copied().unwrap_or(0);
                    let out = case_out.get(&case_index).copied().unwrap_or(0);
                    let expect_ok = amount_cents > 0
                        && amount_cents <= balance
                        && out + amount_cents <= 103_500_000;
                    prop_assert_eq!(result.is_ok(), expect_ok, "{:?}", result);
                    if expect_ok {
                        *disbursed.entry(partner).or_default() += amount_cents;
                        *case_out.entry(case_index).or_default() += amount_cents;
                    }
                }
            }
            if trust == trust_before {
                prop_assert_eq!(ledger.journal().len(), journal_before);
            }
            for p in PARTNERS.map(code) {
                let dep = deposits.get(&p).copied().unwrap_or(0);
                let dis = disbursed.get(&p).copied().unwrap_or(0);
                prop_assert!(dis <= dep);
                prop_assert_eq!(trust.balance(p).unwrap(), Money::from_cents(dep - dis));
                if let Some(account) = trust.account(p) {
                    prop_assert!(account.disbursements() <= account.deposits());
                    let own_cases_only = account
                        .entries()
                        .iter()
                        .all(|e| cases.iter().any(|c| c.id() == &e.case && c.partner() == p));
                    prop_assert!(own_cases_only);
                }
            }
            prop_assert_eq!(fmf_disbursed(&ledger, date), Money::from_cents(ledger_draws));
        }
    }
}

/// DOMAIN.md rules 43–44 at their boundaries, through the public API.
#[test]
fn excess_articles_notice_and_cap() {
    let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    program.justify(code("PHL"), FiscalYear::new(2016).unwrap(), "FY2016 CBJ");
    let grant = |id: &str, date, oav: &str, value: &str| {
        TransferRequest::new(
            id.parse().unwrap(),
            code("PHL"),
            date,
            ExcessArticle::new("patrol boat", m(oav), ConditionCode::B),
            m(value),
            TransferTerms::Grant {
                transport: Transport::Recipient,
            },
        )
    };
    let below = program
        .transfer(
            grant("E1", day(2016, 3, 1), "6999999.99", "1000000"),
            &AllowAll,
        )
        .unwrap();
    assert!(below.notice.is_none());
    let at = grant("E2", day(2016, 3, 1), "7000000", "1000000");
    assert!(matches!(
        program.transfer(at.clone(), &AllowAll),
        Err(ExcessError::NotificationRequired {
            review_days: 30,
            ..
        })
    ));
    let made = program
        .transfer(at.notified_on(day(2016, 1, 31)), &AllowAll)
        .unwrap();
    assert_eq!(made.notice.unwrap().earliest, day(2016, 3, 1));
    // The cap across FY2016: $500,000,000.00 in all.
    program
        .transfer(grant("E3", day(2016, 9, 30), "1", "498000000"), &AllowAll)
        .unwrap();
    let fy = FiscalYear::new(2016).unwrap();
    assert_eq!(program.remaining_in(fy).unwrap(), Some(Money::ZERO));
    let before = program.clone();
    assert!(matches!(
        program.transfer(grant("E4", day(2016, 9, 30), "1", "0.01"), &AllowAll),
        Err(ExcessError::CapExceeded { .. })
    ));
    assert_eq!(program, before);
}

/// A lease paid from a financing grant: each payment is a disbursement of the grant in
/// the ledger, and a refusal by the ledger leaves the lease unchanged.
#[test]
fn lease_payments_through_the_ledger() {
    let mut ledger = ledger_with_grants(&[("POL", "1500000")]);
    let payer = RentalPayer::Financing {
        document: "G-POL".parse().unwrap(),
        account: fmf(),
    };
    let article = LeasedArticle::new("C-130H aircraft", m("30000000"), 360, 120);
    let mut lease = Lease::new(
        LeaseRequest::new(
            "LEASE-POL-1".parse().unwrap(),
            code("POL"),
            day(2015, 1, 1),
            24,
            article,
            payer,
            Rounding::HalfEven,
        )
        .notified_on(day(2014, 12, 2)),
        &Thresholds::current(),
        &AllowAll,
    )
    .unwrap();
    for (k, installment) in lease.schedule().unwrap().into_iter().take(6).enumerate() {
        lease
            .pay_from_financing(
                installment.due,
                installment.amount,
                &mut ledger,
                format!("RENT-{k}").parse().unwrap(),
                "dsca".parse().unwrap(),
            )
            .unwrap();
    }
    assert_eq!(fmf_disbursed(&ledger, day(2016, 4, 1)), m("1500000"));
    // The grant is exhausted: the seventh installment is refused by the ledger.
    let before = lease.clone();
    assert!(matches!(
        lease.pay_from_financing(
            day(2016, 7, 1),
            m("250000"),
            &mut ledger,
            "RENT-6".parse().unwrap(),
            "dsca".parse().unwrap(),
        ),
        Err(LeaseError::Ledger(_))
    ));
    assert_eq!(lease, before);
    assert_eq!(lease.balance_due(day(2016, 7, 1)).unwrap(), m("250000"));
    assert!(matches!(
        lease.pay(day(2016, 7, 1), m("250000")),
        Err(LeaseError::WrongPayer { .. })
    ));
}

/// AECA section 61 rental for a lease that is not whole months (issue 19): a lease from
/// 2015-08-15 of 13 months and 20 days, paid by the lessee, prorated by actual days; its
/// installments and its fiscal-year pieces each add up to the rental, to the cent; the
/// lessee pays it off exactly, and a cent more is refused.
#[test]
fn a_lease_of_months_and_days_is_prorated_and_paid_to_the_cent() {
    let article = LeasedArticle::new("patrol boat", m("7200000"), 240, 60);
    let mut request = LeaseRequest::new(
        "LEASE-EST-1".parse().unwrap(),
        code("EST"),
        day(2015, 8, 15),
        13,
        article,
        RentalPayer::Lessee,
        Rounding::HalfEven,
    )
    .notified_on(day(2015, 7, 16));
    request.term_days = 20;
    request.proration = Proration::ActualDays;
    let mut lease = Lease::new(request.clone(), &Thresholds::current(), &AllowAll).unwrap();
    // $30,000.00 a month; the 20 days fall in the 30 days from 2016-09-15:
    // 30,000 × (13 + 20/30) = $410,000.00.
    let rental = lease.rental().unwrap();
    assert_eq!(rental, m("410000"));
    assert_eq!(lease.terms()[0].end(), Some(day(2016, 10, 5)));
    let schedule = lease.schedule().unwrap();
    let sum = Money::checked_sum(schedule.iter().map(|i| i.amount)).unwrap();
    assert_eq!(sum, rental);
    assert_eq!(schedule.last().unwrap().due, day(2016, 9, 15));
    assert_eq!(schedule.last().unwrap().amount, m("20000"));
    // FY2015 (47 days), FY2016 (366), FY2017 (4 days of October 2016).
    let years = lease.rental_by_fiscal_year().unwrap();
    let fy: Vec<FiscalYear> = years.iter().map(|(y, _)| *y).collect();
    assert_eq!(fy, [2015, 2016, 2017].map(|y| FiscalYear::new(y).unwrap()));
    assert_eq!(
        Money::checked_sum(years.iter().map(|(_, a)| *a)).unwrap(),
        rental
    );
    // The 30-day month gives the same here (the month after is 30 days long).
    request.proration = Proration::ThirtyDayMonth;
    let thirty = Lease::new(request, &Thresholds::current(), &AllowAll).unwrap();
    assert_eq!(thirty.rental().unwrap(), rental);
    // Paid in full: a cent more is refused.
    lease.pay(day(2015, 8, 15), m("409999.99")).unwrap();
    assert!(matches!(
        lease.pay(day(2015, 8, 16), m("0.02")),
        Err(LeaseError::Overpayment { .. })
    ));
    lease.pay(day(2015, 8, 16), m("0.01")).unwrap();
    assert_eq!(lease.balance_due(day(2017, 1, 1)).unwrap(), Money::ZERO);
    // A renewal of 30 days from 2016-10-05 (the month after has 31): allowed; 31 are not.
    let mut longer = lease.clone();
    assert!(matches!(
        longer.renew(
            day(2016, 10, 4),
            TermLength {
                months: 0,
                days: 31
            },
            None,
            &Thresholds::current()
        ),
        Err(LeaseError::DaysNotUnderAMonth {
            days: 31,
            month_days: 31
        })
    ));
    longer
        .renew(
            day(2016, 10, 4),
            TermLength {
                months: 0,
                days: 30,
            },
            None,
            &Thresholds::current(),
        )
        .unwrap();
    assert_eq!(longer.terms()[1].end(), Some(day(2016, 11, 4)));
}

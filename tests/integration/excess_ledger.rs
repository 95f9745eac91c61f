//! Excess-article costs and sale proceeds posted to the ledger, through the public API
//! only: transportation and refurbishment obligated as typed costs (FAA section 516(e),
//! DOMAIN.md rule 45), sale proceeds collected into the account the caller names under
//! AECA section 37(a) (22 U.S.C. 2777(a)).
//!
//! The transfers and the figures are hypothetical test data.

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, DocumentId, Funding, Ledger,
    ObjectClass,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::notification::Thresholds;
use security_assistance::programs::excess::{
    CapTable, ConditionCode, CostObligation, ExcessArticle, ExcessCost, ExcessError, ExcessProgram,
    ProceedsCollection, SALE_PROCEEDS_AUTHORITY, TransferRequest, TransferTerms, Transport,
};
use security_assistance::{CountryCode, FiscalYear, Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

fn code(alpha3: &str) -> CountryCode {
    alpha3.parse().unwrap()
}

fn operations() -> AccountSymbol {
    "097-X2016-0100".parse().unwrap()
}

fn proceeds_account() -> AccountSymbol {
    "097-X2016-8242".parse().unwrap()
}

fn key() -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::ExcessArticles,
        Some(code("PHL")),
    )
}

/// A no-year account with $100,000.00 allocated to excess articles for the Philippines,
/// and the account sale proceeds are credited to.
fn ledger() -> Ledger {
    let date = day(2015, 10, 1);
    let mut ledger = Ledger::new(std::sync::Arc::new(AllowAll));
    let actions = vec![
        Action::Appropriate {
            account: operations(),
            title: "Excess defense articles, transportation and repair".into(),
            purposes: vec![ProgramKind::ExcessArticles],
            amount: m("100000"),
            law: "hypothetical".into(),
        },
        Action::Apportion {
            account: operations(),
            category: Apportionment::ByPeriod { from: date },
            amount: m("100000"),
        },
        Action::Allot {
            account: operations(),
            holder: "DSCA".parse().unwrap(),
            amount: m("100000"),
        },
        Action::Allocate {
            account: operations(),
            key: key(),
            amount: m("100000"),
        },
        Action::Appropriate {
            account: proceeds_account(),
            title: "Foreign Military Sales Trust Fund".into(),
            purposes: vec![ProgramKind::Sales],
            amount: m("1"),
            law: "AECA".into(),
        },
    ];
    for (n, action) in actions.into_iter().enumerate() {
        ledger
            .apply(Command::new(
                format!("SETUP-{n}").parse().unwrap(),
                date,
                "budget-office".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

/// A grant whose transport the United States pays (40,000 lb, within the 50,000 lb
/// limit), a grant whose recipient pays, and a $1,200,000.00 sale.
fn program() -> ExcessProgram {
    let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    program.justify(code("PHL"), FiscalYear::new(2016).unwrap(), "FY2016 CBJ");
    let boat = || ExcessArticle::new("patrol boat", m("6000000"), ConditionCode::B);
    for (id, terms) in [
        (
            "EDA-1",
            TransferTerms::Grant {
                transport: Transport::UnitedStates {
                    weight_pounds: 40_000,
                },
            },
        ),
        (
            "EDA-2",
            TransferTerms::Grant {
                transport: Transport::Recipient,
            },
        ),
        (
            "EDA-3",
            TransferTerms::Sale {
                price: m("1200000"),
                actual_value: m("1200000"),
                scrap_value: None,
                fair_value: None,
            },
        ),
    ] {
        let request = TransferRequest::new(
            id.parse().unwrap(),
            code("PHL"),
            day(2016, 3, 1),
            boat(),
            m("1200000"),
            terms,
        );
        program.transfer(request, &AllowAll).unwrap();
    }
    program
}

fn cost(transfer: &str, cost: ExcessCost, document: &str, amount: &str) -> CostObligation {
    CostObligation {
        transfer: transfer.parse().unwrap(),
        cost,
        account: operations(),
        document: document.parse().unwrap(),
        funding: Funding::Allocation { key: key() },
        amount: m(amount),
    }
}

/// Transportation and refurbishment are obligated with their object classes; a grant
/// whose recipient pays transport cannot have it obligated; the ledger's amount check
/// holds (a cent over the allocation is refused and nothing is recorded).
#[test]
fn transportation_and_refurbishment_are_obligated_as_typed_costs() {
    let mut ledger = ledger();
    let mut program = program();
    let journal = ledger.journal().len();
    let post = |program: &mut ExcessProgram, ledger: &mut Ledger, c, id: &str| {
        program
            .obligate_cost(
                day(2016, 3, 2),
                c,
                ledger,
                id.parse().unwrap(),
                "dsca".parse().unwrap(),
            )
            .map_err(Box::new)
    };
    post(
        &mut program,
        &mut ledger,
        cost("EDA-1", ExcessCost::Transportation, "TO-1", "60000"),
        "C-1",
    )
    .unwrap();
    post(
        &mut program,
        &mut ledger,
        cost("EDA-1", ExcessCost::Refurbishment, "RO-1", "39999.99"),
        "C-2",
    )
    .unwrap();
    let classes: Vec<Option<ObjectClass>> = ledger
        .journal()
        .iter()
        .skip(journal)
        .map(|e| match &e.command.action {
            Action::Obligate { object_class, .. } => *object_class,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        classes,
        [
            Some(ObjectClass::TRANSPORTATION_OF_THINGS),
            Some(ObjectClass::OPERATION_AND_MAINTENANCE_OF_EQUIPMENT)
        ]
    );
    // $0.01 is left: two cents are refused by the ledger, nothing is recorded.
    let before = program.clone();
    let err = *post(
        &mut program,
        &mut ledger,
        cost("EDA-1", ExcessCost::Refurbishment, "RO-2", "0.02"),
        "C-3",
    )
    .unwrap_err();
    assert!(matches!(err, ExcessError::Ledger(_)), "{err}");
    assert_eq!(program, before);
    post(
        &mut program,
        &mut ledger,
        cost("EDA-1", ExcessCost::Refurbishment, "RO-2", "0.01"),
        "C-4",
    )
    .unwrap();
    assert_eq!(program.costs().len(), 3);

    let journal = ledger.journal().len();
    let err = *post(
        &mut program,
        &mut ledger,
        cost("EDA-2", ExcessCost::Transportation, "TO-2", "1"),
        "C-5",
    )
    .unwrap_err();
    assert_eq!(
        err,
        ExcessError::TransportPaidByRecipient {
            id: "EDA-2".parse().unwrap()
        }
    );
    let err = *post(
        &mut program,
        &mut ledger,
        cost("EDA-9", ExcessCost::Transportation, "TO-2", "1"),
        "C-5",
    )
    .unwrap_err();
    assert!(matches!(err, ExcessError::UnknownTransfer { .. }), "{err}");
    let err = *post(
        &mut program,
        &mut ledger,
        cost("EDA-1", ExcessCost::Transportation, "TO-2", "0"),
        "C-5",
    )
    .unwrap_err();
    assert!(matches!(err, ExcessError::NotPositive { .. }), "{err}");
    assert_eq!(ledger.journal().len(), journal);
}

/// Sale proceeds are collected on the ledger up to the price (a cent under, at, over);
/// a grant has none.
#[test]
fn sale_proceeds_are_collected_up_to_the_price() {
    let mut ledger = ledger();
    let mut program = program();
    let collect = |program: &mut ExcessProgram,
                   ledger: &mut Ledger,
                   transfer: &str,
                   amount: &str,
                   id: &str| {
        program
            .collect_proceeds(
                day(2016, 3, 15),
                ProceedsCollection {
                    transfer: transfer.parse().unwrap(),
                    account: proceeds_account(),
                    document: format!("DEPOSIT-{id}").parse().unwrap(),
                    amount: m(amount),
                },
                ledger,
                id.parse().unwrap(),
                "dfas".parse().unwrap(),
            )
            .map_err(Box::new)
    };
    let journal = ledger.journal().len();
    collect(&mut program, &mut ledger, "EDA-3", "1199999.99", "P-1").unwrap();
    assert_eq!(
        ledger.journal().get(journal).unwrap().command.action,
        Action::Collect {
            account: proceeds_account(),
            document: "DEPOSIT-P-1".parse().unwrap(),
            amount: m("1199999.99"),
            payer: code("PHL"),
            authority: SALE_PROCEEDS_AUTHORITY.into(),
        }
    );
    collect(&mut program, &mut ledger, "EDA-3", "0.01", "P-2").unwrap();
    let sale: DocumentId = "EDA-3".parse().unwrap();
    assert_eq!(program.collected_for(&sale).unwrap(), m("1200000"));
    let before = program.clone();
    let err = *collect(&mut program, &mut ledger, "EDA-3", "0.01", "P-3").unwrap_err();
    assert_eq!(
        err,
        ExcessError::ProceedsExceedPrice {
            id: sale,
            price: m("1200000"),
            collected: m("1200000"),
            requested: m("0.01"),
        }
    );
    assert_eq!(program, before);
    let err = *collect(&mut program, &mut ledger, "EDA-1", "1", "P-3").unwrap_err();
    assert!(matches!(err, ExcessError::NotASale { .. }), "{err}");
    assert_eq!(ledger.journal().len(), journal + 2);
}

//! The one error shape on the wire: a code, a message, a citation, a precedence and the typed
//! details, read back as the same typed error; every wrapped error prints its cause once and
//! keeps it as its `source()`; and the refusals of issue 17 item 10.

use std::error::Error;
use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    BatchError, BudgetError, IdError, JournalProblem, Ledger, Level, ShapeError,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::homeland::{CatalogError, CooperationError, HomelandError, StandardError};
use security_assistance::programs::excess::ExcessError;
use security_assistance::programs::financing::FinancingError;
use security_assistance::programs::lease::LeaseError;
use security_assistance::programs::sales::SalesError;
use security_assistance::programs::training::TrainingError;
use security_assistance::report::{
    CsvImport, ImportError, ReportError, RowProblem, import_journal, import_transactions,
};
use security_assistance::store::{ServiceError, StoreError};
use security_assistance::wire::{Cause, CauseKind, ErrorCode};
use security_assistance::{
    CountryCode, FiscalError, Money, MoneyError, MoneyOperation, PartnerError, ProgramKind,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::support::Snapshot;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn exceeds() -> BudgetError {
    BudgetError::Exceeds {
        level: Level::Allotment,
        account: "011-2008-1081".parse().unwrap(),
        requested: "10".parse().unwrap(),
        available: "5".parse().unwrap(),
    }
}

fn overflow() -> MoneyError {
    MoneyError::Overflow {
        operation: MoneyOperation::Add,
    }
}

fn id_error() -> IdError {
    "".parse::<security_assistance::budget::CommandId>()
        .unwrap_err()
}

/// A cause as a client reads it from the wire (the crate builds them from the libraries'
/// errors only).
fn cause(code: &str, position: Option<(u64, u64)>) -> Cause {
    let mut json = serde_json::json!({"code": code, "message": "disk full", "precedence": 0});
    if let Some((line, column)) = position {
        json["line"] = line.into();
        json["column"] = column.into();
    }
    serde_json::from_value(json).unwrap()
}

/// One error of every variant that wraps another, each beside the error it wraps.
fn wrapping() -> Vec<Box<dyn Error>> {
    let journal = BudgetError::Journal {
        position: 3,
        problem: Box::new(JournalProblem::Rejected(exceeds())),
    };
    vec![
        Box::new(BudgetError::BreaksLaterEntry {
            later: "later-1".parse().unwrap(),
            source: Box::new(exceeds()),
        }),
        Box::new(BudgetError::Money(overflow())),
        Box::new(journal.clone()),
        Box::new(JournalProblem::Rejected(exceeds())),
        Box::new(BatchError {
            index: 2,
            command: "c-2".parse().unwrap(),
            error: exceeds(),
        }),
        Box::new(ImportError::Replay(journal)),
        Box::new(ImportError::Json(cause("syntax", Some((1, 1))))),
        Box::new(ImportError::Read(cause("io", None))),
        Box::new(ReportError::Csv(cause("io", None))),
        Box::new(ReportError::Json(cause("data", None))),
        Box::new(ReportError::Xml(cause("io", None))),
        Box::new(RowProblem::Refused(exceeds())),
        Box::new(ReportError::Budget(exceeds())),
        Box::new(ReportError::Money(overflow())),
        Box::new(FiscalError::Money(overflow())),
        Box::new(HomelandError::Budget(Box::new(exceeds()))),
        Box::new(HomelandError::Money(overflow())),
        Box::new(HomelandError::Catalog(CatalogError::DuplicateId {
            id: "x".to_owned(),
        })),
        Box::new(HomelandError::Standard(StandardError::Duplicate {
            id: "x".to_owned(),
        })),
        Box::new(HomelandError::Id {
            id: String::new(),
            source: id_error(),
        }),
        Box::new(CooperationError::Id {
            id: String::new(),
            source: id_error(),
        }),
        Box::new(CooperationError::Entry {
            section: "projects".to_owned(),
            index: 1,
            id: "p-1".to_owned(),
            source: Box::new(CooperationError::NoPartners),
        }),
        Box::new(CooperationError::Money(overflow())),
        Box::new(FinancingError::Ledger(exceeds())),
        Box::new(FinancingError::Money(overflow())),
        Box::new(SalesError::Ledger(exceeds())),
        Box::new(SalesError::Money(overflow())),
        Box::new(TrainingError::Ledger(exceeds())),
        Box::new(TrainingError::Money(overflow())),
        Box::new(LeaseError::Ledger(exceeds())),
        Box::new(LeaseError::Money(overflow())),
        Box::new(ExcessError::Money(overflow())),
        Box::new(StoreError::Refused {
            sequence: 7,
            error: Box::new(exceeds()),
        }),
        Box::new(ServiceError::Refused(exceeds())),
        Box::new(ServiceError::Store(StoreError::NotFound {
            location: "here".to_owned(),
        })),
        Box::new(ServiceError::Batch(BatchError {
            index: 0,
            command: "c-0".parse().unwrap(),
            error: exceeds(),
        })),
    ]
}

#[test]
fn every_wrapping_error_keeps_its_cause_as_source_and_prints_it_once() {
    for error in wrapping() {
        let mut current: &dyn Error = &*error;
        let mut depth = 0;
        while let Some(source) = current.source() {
            let (outer, inner) = (current.to_string(), source.to_string());
            assert!(
                !outer.contains(&inner),
                "{error:?}: {outer:?} repeats its cause {inner:?}"
            );
            current = source;
            depth += 1;
        }
        assert!(depth >= 1, "{error:?} has no source");
    }
}

/// Serializes `error`, checks the shape, and reads it back equal.
#[track_caller]
fn wire<E>(error: &E) -> Value
where
    E: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + ErrorCode,
{
    let value = serde_json::to_value(error).unwrap();
    let object = value.as_object().unwrap();
    assert_eq!(object["code"], error.code(), "{value}");
    assert_eq!(object["message"], error.to_string(), "{value}");
    assert_eq!(object["precedence"], error.precedence(), "{value}");
    match error.citation() {
        Some(citation) => assert_eq!(object["citation"], citation.to_string()),
        None => assert!(!object.contains_key("citation"), "{value}"),
    }
    let code = error.code();
    assert!(
        !code.is_empty()
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "{code} is not snake_case"
    );
    // No variant name as a key, as `{"Exceeds": {...}}` had.
    for key in object.keys() {
        assert!(
            !key.starts_with(|c: char| c.is_ascii_uppercase()),
            "{value}"
        );
    }
    let back: E = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(&back, error, "{value}");
    // The text is also read back from a string.
    let text = serde_json::to_string(error).unwrap();
    assert_eq!(&serde_json::from_str::<E>(&text).unwrap(), error);
    value
}

#[test]
fn a_ledger_refusal_is_one_flat_object_with_code_citation_precedence_and_details() {
    let value = wire(&exceeds());
    assert_eq!(
        value,
        serde_json::json!({
            "code": "exceeds",
            "message": "$10.00 exceeds the $5.00 available at the allotment level of account 011-2008-1081 (31 U.S.C. 1517(a))",
            "citation": "31 U.S.C. 1517(a)",
            "precedence": 6,
            "level": "allotment",
            "account": "011-2008-1081",
            "requested": "10.00",
            "available": "5.00"
        })
    );
}

#[test]
fn a_wrapped_error_carries_its_cause_in_the_same_shape_under_source() {
    let error = ImportError::Replay(BudgetError::Journal {
        position: 3,
        problem: Box::new(JournalProblem::Rejected(exceeds())),
    });
    let value = wire(&error);
    assert_eq!(value["code"], "replay");
    assert_eq!(value["source"]["code"], "journal");
    assert_eq!(value["source"]["position"], 3);
    assert_eq!(value["source"]["problem"]["code"], "rejected");
    assert_eq!(value["source"]["problem"]["source"]["code"], "exceeds");
    assert_eq!(value["source"]["problem"]["source"]["precedence"], 6);
}

#[test]
fn every_error_type_reads_back_as_the_same_typed_error() {
    wire(&MoneyError::Empty);
    wire(&overflow());
    wire(&"1,000".parse::<Money>().unwrap_err());
    wire(&id_error());
    wire(&"XXX".parse::<CountryCode>().unwrap_err());
    wire(&PartnerError::UnknownRegion {
        input: "MARS".to_owned(),
    });
    wire(&"nothing".parse::<ProgramKind>().unwrap_err());
    wire(
        &"FY20088"
            .parse::<security_assistance::FiscalYear>()
            .unwrap_err(),
    );
    wire(&FiscalError::Money(overflow()));
    wire(&exceeds());
    wire(&BudgetError::Shape {
        action: "allot".to_owned(),
        problem: ShapeError::Zero,
    });
    wire(&BudgetError::WrongAnswer {
        partner: "JOR".parse().unwrap(),
        program: ProgramKind::Training,
        date: day(2008, 3, 2),
    });
    wire(&BudgetError::BreaksLaterEntry {
        later: "later-1".parse().unwrap(),
        source: Box::new(exceeds()),
    });
    wire(&BudgetError::Journal {
        position: 4,
        problem: Box::new(JournalProblem::MissingDecision),
    });
    wire(&BatchError {
        index: 2,
        command: "c-2".parse().unwrap(),
        error: exceeds(),
    });
    wire(&ImportError::Json(cause("syntax", Some((1, 1)))));
    wire(&ImportError::Read(cause("field_count", None)));
    wire(&ImportError::Replay(exceeds()));
    wire(&RowProblem::FieldCount {
        expected: 8,
        found: 7,
    });
    wire(&ReportError::Csv(cause("io", None)));
    wire(&ReportError::Json(cause("data", Some((3, 7)))));
    wire(&ReportError::Xml(cause("utf8", None)));
    wire(&RowProblem::Refused(exceeds()));
    wire(&ReportError::XmlCharacter {
        field: "publisher".to_owned(),
        code: 7,
    });
    wire(&ReportError::Budget(exceeds()));
    wire(&HomelandError::UnknownName {
        what: "mission area".to_owned(),
        input: "space".to_owned(),
    });
    wire(&HomelandError::Overflow);
    wire(&HomelandError::Budget(Box::new(exceeds())));
    wire(&HomelandError::Id {
        id: String::new(),
        source: id_error(),
    });
    wire(&HomelandError::Standard(
        StandardError::EndsBeforeItStarts {
            standard: "ISPS".to_owned(),
            partner: "PAN".parse().unwrap(),
            from: day(2008, 3, 2),
            to: day(2008, 1, 1),
        },
    ));
    wire(&CooperationError::EmptyText {
        what: "project id".to_owned(),
    });
    wire(&CooperationError::Entry {
        section: "results".to_owned(),
        index: 1,
        id: "r-1".to_owned(),
        source: Box::new(CooperationError::NoPartners),
    });
    wire(&StoreError::Conflict {
        expected: Some(3),
        found: None,
    });
    wire(&ServiceError::RecordedAfterToday {
        recorded: day(2008, 3, 3),
        today: day(2008, 3, 2),
    });
    wire(&ServiceError::Batch(BatchError {
        index: 0,
        command: "c-0".parse().unwrap(),
        error: exceeds(),
    }));
    wire(&FinancingError::Calendar);
    wire(&TrainingError::Ledger(exceeds()));
    wire(&SalesError::Ledger(exceeds()));
    wire(&LeaseError::Money(overflow()));
    wire(&ExcessError::Money(overflow()));
}

#[test]
fn the_precedence_of_a_wrapped_refusal_is_on_its_source() {
    let later = BudgetError::BreaksLaterEntry {
        later: "later-1".parse().unwrap(),
        source: Box::new(exceeds()),
    };
    let value = wire(&later);
    assert_eq!(value["precedence"], 6);
    assert_eq!(value["citation"], "31 U.S.C. 1517(a)");
    assert_eq!(value["source"]["code"], "exceeds");
}

#[test]
fn a_wire_error_with_an_unknown_code_detail_or_shape_is_refused() {
    let good = serde_json::to_value(exceeds()).unwrap();
    let mut unknown_code = good.clone();
    unknown_code["code"] = "exceedz".into();
    let mut unknown_detail = good.clone();
    unknown_detail["levle"] = "allotment".into();
    let mut missing_message = good.clone();
    missing_message.as_object_mut().unwrap().remove("message");
    let mut bad_date = serde_json::to_value(BudgetError::WrongAnswer {
        partner: "JOR".parse().unwrap(),
        program: ProgramKind::Training,
        date: day(2008, 3, 2),
    })
    .unwrap();
    bad_date["date"] = "2008-3-2".into();
    let old_shape = serde_json::json!({"Exceeds": {"level": "allotment", "account": "011-2008-1081", "requested": "10", "available": "5"}});
    for (what, value) in [
        ("an unknown code", unknown_code),
        ("an unknown detail", unknown_detail),
        ("no message", missing_message),
        ("a lenient date", bad_date),
        ("the old externally tagged shape", old_shape),
        ("a bare string", Value::from("exceeds")),
    ] {
        let refused = serde_json::from_value::<BudgetError>(value.clone());
        assert!(refused.is_err(), "{what} was read: {value}");
    }
}

// Issue 17 item 10.

#[test]
fn a_trailing_space_is_malformed_not_a_thousands_separator() {
    assert_eq!(
        "5 ".parse::<Money>(),
        Err(MoneyError::Malformed {
            input: "5 ".to_owned(),
            position: 1
        })
    );
    assert_eq!(
        "5 USD".parse::<Money>(),
        Err(MoneyError::Malformed {
            input: "5 USD".to_owned(),
            position: 1
        })
    );
    assert_eq!(
        "1 000".parse::<Money>(),
        Err(MoneyError::ThousandsSeparator {
            input: "1 000".to_owned()
        })
    );
}

const HEADER: &str = "id,date,fiscal_year,kind,account,program,country,amount\n";

fn csv_ledger() -> Ledger {
    let csv = format!(
        "{HEADER}1,2015-10-16,2016,appropriation,070-2016-0114,,,1000.00\n\
         2,2015-10-26,2016,allotment,070-2016-0114,sales,,600.00\n\
         3,2015-11-02,2016,obligation,070-2016-0114,sales,NPL,250.00\n"
    );
    let mut ledger = Ledger::new(Arc::new(AllowAll));
    import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap();
    ledger
}

#[test]
fn a_csv_row_id_longer_than_50_is_refused_naming_the_real_limit_and_changes_nothing() {
    let mut ledger = csv_ledger();
    let before = Snapshot::of(&ledger);
    // 51 characters on an obligation row, whose command id alone would still fit in 64.
    let long = "x".repeat(51);
    let csv = format!("{HEADER}{long},2015-11-03,2016,obligation,070-2016-0114,sales,NPL,1.00\n");
    let err = import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap_err();
    let ImportError::Rows { errors } = &err else {
        panic!("expected a row error, got {err:?}")
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    let RowProblem::Field {
        column, expected, ..
    } = &errors[0].problem
    else {
        panic!("expected a field error, got {:?}", errors[0].problem)
    };
    assert_eq!(column, "id");
    assert_eq!(
        expected,
        "an identifier of 1 to 50 printable ASCII characters"
    );
    before.assert_same(&ledger, "a 51-character row id");
    // 50 is allowed, on an appropriation row too (csv-{id}.apportion is 64 characters).
    let fifty = "y".repeat(50);
    let csv = format!("{HEADER}{fifty},2016-10-16,2017,appropriation,070-2017-0114,,,1.00\n");
    import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap();
}

#[test]
fn a_missing_decision_names_the_entry_that_lacks_it_and_keeps_the_cause_typed() {
    let ledger = csv_ledger();
    let mut journal = serde_json::to_value(ledger.journal()).unwrap();
    let entries = journal["entries"].as_array_mut().unwrap();
    let position = entries
        .iter()
        .position(|e| e.get("decision").is_some())
        .expect("the obligation to NPL carries a decision");
    assert!(position > 0);
    entries[position]
        .as_object_mut()
        .unwrap()
        .remove("decision");
    let err = import_journal(&journal.to_string(), Arc::new(AllowAll)).unwrap_err();
    assert_eq!(
        err,
        ImportError::Replay(BudgetError::Journal {
            position,
            problem: Box::new(JournalProblem::MissingDecision),
        })
    );
    // The cause is a typed source, not only text.
    let source = err.source().unwrap();
    let budget = source.downcast_ref::<BudgetError>().unwrap();
    // A boxed cause is its own `source()`: it downcasts as the box.
    let problem = budget.source().unwrap();
    assert_eq!(
        problem.downcast_ref::<Box<JournalProblem>>().map(|p| &**p),
        Some(&JournalProblem::MissingDecision)
    );
    assert_eq!(err.to_string(), "the journal cannot be replayed");
}

#[test]
fn a_journal_refusal_keeps_the_refused_command_as_a_typed_source() {
    // Entry 1 allots more than was appropriated.
    let ledger = csv_ledger();
    let mut journal = serde_json::to_value(ledger.journal()).unwrap();
    let allot = journal["entries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["command"]["action"]["type"] == "allot")
        .unwrap();
    allot["command"]["action"]["amount"] = "5000.00".into();
    let err = import_journal(&journal.to_string(), Arc::new(AllowAll)).unwrap_err();
    let budget = err.source().unwrap().downcast_ref::<BudgetError>().unwrap();
    let problem = budget
        .source()
        .unwrap()
        .downcast_ref::<Box<JournalProblem>>()
        .unwrap();
    let refused = problem
        .source()
        .unwrap()
        .downcast_ref::<BudgetError>()
        .unwrap();
    assert_eq!(refused.code(), "exceeds");
    assert_eq!(ErrorCode::precedence(refused), 6);
}

#[test]
fn a_journal_that_is_not_json_keeps_serde_jsons_error_as_a_typed_source_with_its_position() {
    let err =
        import_journal("{\"entries\": [\n  {\"sequence\": }]}", Arc::new(AllowAll)).unwrap_err();
    assert_eq!(err.to_string(), "invalid journal JSON");
    let source = err.source().expect("a source");
    let cause = source
        .downcast_ref::<Cause>()
        .expect("the source is a Cause");
    assert_eq!(cause.kind(), CauseKind::Syntax);
    assert_eq!((cause.line(), cause.column()), (Some(2), Some(16)));
    assert!(cause.message().starts_with("expected value"), "{cause}");
    assert_eq!(source.to_string(), cause.message());
    let value = wire(&err);
    assert_eq!(
        value,
        serde_json::json!({
            "code": "json",
            "message": "invalid journal JSON",
            "precedence": 0,
            "source": {
                "code": "syntax",
                "message": cause.message(),
                "precedence": 0,
                "line": 2,
                "column": 16
            }
        })
    );
}

/// A file that breaks after its header.
struct BreaksAfterHeader;

impl std::io::Read for BreaksAfterHeader {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("the disk went away"))
    }
}

#[test]
fn an_unreadable_csv_keeps_the_readers_error_as_a_typed_source() {
    use std::io::Read;
    let mut ledger = Ledger::allow_all();
    let before = ledger.clone();
    let text: &[u8] = b"id,date,fiscal_year,kind,account,program,country,amount\n";
    let err = import_transactions(
        &mut ledger,
        text.chain(BreaksAfterHeader),
        &CsvImport::default(),
    )
    .unwrap_err();
    assert_eq!(ledger, before);
    let ImportError::Read(cause) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(cause.kind(), CauseKind::Io);
    assert!(cause.message().contains("the disk went away"), "{cause}");
    assert_eq!(err.to_string(), "cannot read the file");
    let source = err.source().and_then(|s| s.downcast_ref::<Cause>());
    assert_eq!(source, Some(cause));
    let value = wire(&err);
    assert_eq!(value["code"], "read");
    assert_eq!(value["source"]["code"], "io");
    assert_eq!(value["source"]["message"], cause.message());
}

#[test]
fn a_cause_refuses_an_unknown_code_an_unknown_field_and_a_precedence_other_than_zero() {
    for bad in [
        serde_json::json!({"code": "disk", "message": "x", "precedence": 0}),
        serde_json::json!({"code": "io", "message": "x", "precedence": 0, "offset": 3}),
        serde_json::json!({"code": "io", "message": "x", "precedence": 2}),
        serde_json::json!({"code": "io", "precedence": 0}),
    ] {
        assert!(
            serde_json::from_value::<Cause>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

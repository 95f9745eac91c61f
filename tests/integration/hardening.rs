//! Regressions of issue 17: each bad input gets its typed error and leaves the ledger as it
//! was, compared with `==`, as the journal's JSON and as the status of funds.

use chrono::NaiveDate;
use security_assistance::budget::{BudgetError, Dimension, Ledger, StatusQuery, StatusRow};
use security_assistance::report::{CsvImport, ImportError, RowProblem, import_transactions};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// What "unchanged" compares besides `==`: the journal as JSON and the status of funds.
pub(crate) fn seen(ledger: &Ledger) -> (String, Vec<StatusRow>) {
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(
            day(2030, 1, 1),
            &[Dimension::Account, Dimension::Program],
        ))
        .unwrap();
    (json, rows)
}

const HEADER: &str = "id,date,fiscal_year,kind,account,program,country,amount\n";

fn partial() -> CsvImport {
    CsvImport {
        partial: true,
        ..CsvImport::default()
    }
}

/// Item 1: an appropriation row whose second command id is taken is refused whole: its
/// appropriation does not stay behind, and the summary agrees with the journal.
#[test]
fn a_refused_csv_row_changes_nothing() {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    // Row "2.apportion" takes the id csv-2.apportion, which row "2" needs for its
    // apportionment.
    let first =
        format!("{HEADER}2.apportion,2015-10-16,2016,appropriation,070-2016-0114,,,1000.00\n");
    import_transactions(&mut ledger, first.as_bytes(), &CsvImport::default()).unwrap();
    let before = ledger.clone();
    let seen_before = seen(&before);
    let second = format!("{HEADER}2,2015-10-17,2016,appropriation,070-2016-0113,,,5000.00\n");
    // All or nothing: the row is refused, nothing changes.
    let err =
        import_transactions(&mut ledger, second.as_bytes(), &CsvImport::default()).unwrap_err();
    let ImportError::Rows { errors } = err else {
        panic!("expected bad rows, got {err:?}");
    };
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 2);
    assert!(matches!(
        &errors[0].problem,
        RowProblem::Refused(BudgetError::CommandConflict { id, .. }) if id.as_str() == "csv-2.apportion"
    ));
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen_before);
    // Partial: the row is skipped and still changes nothing.
    let summary = import_transactions(&mut ledger, second.as_bytes(), &partial()).unwrap();
    assert_eq!((summary.rows, summary.applied, summary.commands), (1, 0, 0));
    assert_eq!(summary.skipped.len(), 1);
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen_before);
    assert_eq!(ledger.accounts().len(), 1);
}

/// Item 1: an identical row imported again is a duplicate, not an applied row, and the
/// summary's command count is what the journal grew by.
#[test]
fn an_identical_row_again_is_counted_as_a_duplicate() {
    let csv = format!(
        "{HEADER}1,2015-10-16,2016,appropriation,070-2016-0114,,,1000.00\n\
         2,2015-10-26,2016,allotment,070-2016-0114,sales,,600.00\n\
         3,2015-11-02,2016,obligation,070-2016-0114,sales,NPL,250.00\n\
         4,2015-11-03,2016,obligation,070-2016-0114,sales,NPL,100.00\n\
         5,2015-11-04,2016,disbursement,070-2016-0114,sales,NPL,50.00\n"
    );
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    let summary = import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap();
    assert_eq!(
        (summary.rows, summary.applied, summary.duplicates),
        (5, 5, 0)
    );
    assert_eq!(summary.commands, ledger.journal().len() as u64);
    assert_eq!(summary.commands, 6);
    let before = ledger.clone();
    let seen_before = seen(&before);
    for options in [CsvImport::default(), partial()] {
        let again = import_transactions(&mut ledger, csv.as_bytes(), &options).unwrap();
        assert_eq!(
            (again.rows, again.applied, again.duplicates, again.commands),
            (5, 0, 5, 0)
        );
        assert!(again.skipped.is_empty());
        assert_eq!(ledger, before);
        assert_eq!(seen(&ledger), seen_before);
    }
    // A row repeated inside one file: the repeat is a duplicate.
    let repeated = format!(
        "{HEADER}7,2015-11-05,2016,obligation,070-2016-0114,sales,NPL,10.00\n\
         7,2015-11-05,2016,obligation,070-2016-0114,sales,NPL,10.00\n"
    );
    let summary =
        import_transactions(&mut ledger, repeated.as_bytes(), &CsvImport::default()).unwrap();
    assert_eq!(
        (summary.applied, summary.duplicates, summary.commands),
        (1, 1, 1)
    );
    assert_eq!(ledger.journal().len(), 7);
}

/// A gate that answers about Colombia whatever it is asked.
#[derive(Debug)]
struct AnswersAnother;

impl security_assistance::eligibility::EligibilityCheck for AnswersAnother {
    fn decide(
        &self,
        request: &security_assistance::eligibility::EligibilityRequest,
    ) -> security_assistance::eligibility::Decision {
        let mut other = request.clone();
        other.partner = "COL".parse().unwrap();
        security_assistance::eligibility::Decision::new(other, "answers-another", Vec::new())
    }
}

/// Item 9: a user's check that answers another request is a typed error in every build,
/// and nothing is applied.
#[test]
fn an_eligibility_check_that_answers_another_request_is_a_typed_error() {
    use security_assistance::ProgramKind;
    use security_assistance::budget::{Action, AllocationKey, Apportionment, Command};
    let account = "011-2008/2009-1082".parse().unwrap();
    let date = day(2008, 1, 2);
    let command = |id: &str, action| {
        Command::new(
            id.parse().unwrap(),
            date,
            "budget-office".parse().unwrap(),
            action,
        )
    };
    let mut ledger = Ledger::new(std::sync::Arc::new(AnswersAnother));
    for c in [
        command(
            "a",
            Action::Appropriate {
                account,
                title: "FMF".into(),
                purposes: vec![ProgramKind::Financing],
                amount: "1000".parse().unwrap(),
                law: "P.L. 110-161".into(),
            },
        ),
        command(
            "b",
            Action::Apportion {
                account,
                category: Apportionment::ByPeriod { from: date },
                amount: "1000".parse().unwrap(),
            },
        ),
        command(
            "c",
            Action::Allot {
                account,
                holder: "DSCA".parse().unwrap(),
                amount: "1000".parse().unwrap(),
            },
        ),
    ] {
        ledger.apply(c).unwrap();
    }
    let before = ledger.clone();
    let seen_before = seen(&before);
    let allocate = command(
        "d",
        Action::Allocate {
            account,
            key: AllocationKey::new(
                "DSCA".parse().unwrap(),
                ProgramKind::Financing,
                Some("JOR".parse().unwrap()),
            ),
            amount: "10".parse().unwrap(),
        },
    );
    let expected = BudgetError::WrongAnswer {
        partner: "JOR".parse().unwrap(),
        program: ProgramKind::Financing,
        date,
    };
    assert_eq!(ledger.check(&allocate).unwrap_err(), expected);
    assert_eq!(ledger.apply(allocate).unwrap_err(), expected);
    assert_eq!(ledger, before);
    assert_eq!(seen(&ledger), seen_before);
    assert_eq!(
        Ledger::replay(
            ledger.journal(),
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

/// Items 2–4: misspelt fields, repeated keys and repeated tags, and lenient dates are
/// refused in commands, journals and queries, naming the field and the fields allowed.
#[test]
fn strict_json_input() {
    use security_assistance::budget::{Command, Journal};
    let cr = r#"{"id":"cr","date":"2007-10-01","recorded":"2007-10-01","actor":"budget-office","action":{"type":"continuing_resolution","account":"011-2008/2009-1082","title":"FMF","purposes":["financing"],"annual_rate":"1000000","through":"2007-11-16","seasonal_limt":"10","law":"P.L. 110-92"}}"#;
    let err = serde_json::from_str::<Command>(cr).unwrap_err().to_string();
    assert!(err.contains("unknown field `seasonal_limt`"), "{err}");
    assert!(err.contains("`seasonal_limit`"), "{err}");
    let entry = r#"[{"sequence":0,"command":{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"rescind","account":"011-2008-1081","amount":"1","law":"L"}},"extra":1}]"#;
    let err = serde_json::from_str::<Journal>(entry)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `extra`"), "{err}");
    let amout = r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"rescind","account":"011-2008-1081","amout":"1","law":"L"}}"#;
    let err = serde_json::from_str::<Command>(amout)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `amout`"), "{err}");
    for repeated in [
        r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"account":"011-2008-1081","document":"D","amount":"1","amount":"1000000","type":"disburse"}}"#,
        r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"disburse","account":"011-2008-1081","document":"D","amount":"1","amount":"1000000"}}"#,
        r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"disburse","account":"011-2008-1081","document":"D","amount":"1","type":"refund"}}"#,
        r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"account":"011-2008-1081","type":"disburse","document":"D","amount":"1","type":"refund"}}"#,
        r#"{"id":"a","id":"b","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"rescind","account":"011-2008-1081","amount":"1","law":"L"}}"#,
    ] {
        let err = serde_json::from_str::<Command>(repeated)
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate field"), "{repeated}: {err}");
    }
    for date in ["2008-3-2", " 2008-03-02", "2008-03-02 ", "+2008-03-02"] {
        let json = format!(
            r#"{{"id":"a","date":"{date}","recorded":"2008-03-02","actor":"x","action":{{"type":"rescind","account":"011-2008-1081","amount":"1","law":"L"}}}}"#
        );
        let err = serde_json::from_str::<Command>(&json)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("is not a real day written YYYY-MM-DD"),
            "{date}: {err}"
        );
    }
    let query = r#"{"as_of":"2008-09-30","group_by":["account"],"filter":{"partnr":"JOR"}}"#;
    let err = serde_json::from_str::<StatusQuery>(query)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `partnr`"), "{err}");
    let query = r#"{"as_of":"2008-09-30","knwon_on":"2008-09-30","group_by":["account"]}"#;
    let err = serde_json::from_str::<StatusQuery>(query)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `knwon_on`"), "{err}");
}

/// Issue 20: a variant index is not a type (`{"type":9}` was read as the tenth variant),
/// wherever the tag stands and in nested tags too; and a key repeated inside a map of
/// configuration (CSV import purposes) is refused rather than the last one winning.
#[test]
fn variant_indexes_and_repeated_map_keys_are_refused() {
    use security_assistance::budget::Command;
    for (json, named) in [
        (
            r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":9,"account":"011-2008-1081","document":"D","amount":"1"}}"#,
            "unknown variant `9`, expected one of `appropriate`",
        ),
        (
            r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"account":"011-2008-1081","document":"D","amount":"1","type":9}}"#,
            "unknown variant `9`, expected one of `appropriate`",
        ),
        (
            r#"{"id":"a","date":"2008-01-02","recorded":"2008-01-02","actor":"x","action":{"type":"apportion","account":"011-2008-1081","category":{"category":0,"from":"2008-01-02"},"amount":"1"}}"#,
            "unknown variant `0`, expected `by_period` or `by_program`",
        ),
    ] {
        let err = serde_json::from_str::<Command>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(named), "{json}: {err}");
    }
    let options = r#"{"availability_years":2,"purposes":{"113":["training"],"114":["sales"],"113":["financing"]},"actor":"importer","partial":false}"#;
    let err = serde_json::from_str::<CsvImport>(options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("duplicate key `113`"), "{err}");
    let once = options.replace(r#","113":["financing"]"#, "");
    let read: CsvImport = serde_json::from_str(&once).unwrap();
    assert_eq!(read.purposes.len(), 2);
}

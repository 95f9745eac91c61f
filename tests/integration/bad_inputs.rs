//! The catalogue of bad inputs (`tests/data/bad_inputs/*.json`), run as data.
//!
//! Each case names an input, the public entry point it goes through, the error code that
//! must come back and why. For every case the runner builds the same known ledger, feeds
//! the input, asserts the code (and, where the case gives one, a fragment of the message),
//! and asserts that nothing changed: the ledger by `==`, its journal as JSON and its status
//! of funds (see `support::Snapshot`).
//!
//! A case marked `"pending": "<issue item>"` waits for a fix on another branch: the runner
//! runs it, reports it on stderr with what happened, and fails if it already passes (so the
//! mark is removed when the fix lands).
//!
//! # Entry points
//!
//! | entry | what the input is | fed through |
//! |---|---|---|
//! | `money`, `rate` | text | `Money`/`Rate` `FromStr` |
//! | `account_symbol`, `command_id`, `document_id`, `actor`, `funds_holder` | text | `FromStr` |
//! | `country_code`, `fiscal_year`, `program_kind` | text | `FromStr` |
//! | `command` | a command as JSON | `serde_json`, then `Ledger::apply` on the known ledger |
//! | `journal` | a journal as JSON | `report::import_journal` |
//! | `csv` | a transactions file | `report::import_transactions` into the known ledger |
//! | `catalog` | a package menu as JSON | `homeland::Catalog::from_json` |
//! | `loan`, `project`, `course` | JSON-pointer edits of a known loan, project or course | `serde_json` |
//!
//! Errors that do not come from serde carry their wire code ([`ErrorCode::code`], the
//! `"code"` of their JSON form; [`code`]); a JSON text that does not deserialize has code
//! `json`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, AllocationKey, Apportionment, Command, CommandId, DocumentId, Funding,
    FundsHolder, Instrument, Ledger,
};
use security_assistance::eligibility::AllowAll;
use security_assistance::homeland::{Catalog, MissionArea, Project};
use security_assistance::programs::financing::{
    DayCount, DirectLoan, Disbursement, FinancingAgreement, LoanTerms, RepaymentMethod,
};
use security_assistance::report::{CsvImport, import_journal, import_transactions};
use security_assistance::wire::ErrorCode;
use security_assistance::{CountryCode, FiscalYear, Money, ProgramKind, Rate, Rounding};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::support::Snapshot;

/// One bad input.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    /// A short unique name.
    name: String,
    /// The entry point (see the module documentation).
    entry: String,
    /// The input text.
    #[serde(default)]
    input: Option<String>,
    /// Or the input built from parts, each repeated: `[["[", 100000], ["]", 100000]]`.
    #[serde(default)]
    input_parts: Option<Vec<(String, usize)>>,
    /// For `loan`, `project` and `course`: JSON-pointer edits of the known value; a value
    /// of `"<delete>"` removes the field, `"<swap>"` swaps an array element with the next.
    #[serde(default)]
    edits: Option<BTreeMap<String, Value>>,
    /// The expected error code.
    code: String,
    /// A fragment the error message must contain.
    #[serde(default)]
    message: Option<String>,
    /// Why the input is bad, in one line.
    why: String,
    /// The issue item whose fix this case waits for.
    #[serde(default)]
    pending: Option<String>,
}

/// The code of an error, as it is on the wire: the `"code"` of its serialized form, which
/// must equal [`ErrorCode::code`].
fn code<E: Serialize + std::fmt::Debug + ErrorCode>(error: &E) -> String {
    let wire = serde_json::to_value(error).unwrap();
    let code = wire["code"]
        .as_str()
        .unwrap_or_else(|| panic!("{error:?} has no code on the wire"));
    assert_eq!(code, error.code(), "{error:?}");
    code.to_owned()
}

/// What an entry point did with an input: refused it with (code, message), or accepted it.
type Outcome = Result<String, (String, String)>;

fn refused<E: Serialize + std::fmt::Debug + std::fmt::Display + ErrorCode>(
    e: &E,
) -> (String, String) {
    (code(e), e.to_string())
}

fn json_refused(e: &serde_json::Error) -> (String, String) {
    ("json".to_owned(), e.to_string())
}

fn parse<T: std::str::FromStr + std::fmt::Debug>(input: &str) -> Outcome
where
    T::Err: Serialize + std::fmt::Debug + std::fmt::Display + ErrorCode,
{
    input
        .parse::<T>()
        .map(|v| format!("{v:?}"))
        .map_err(|e| refused(&e))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn fmf() -> AccountSymbol {
    "011-2008/2009-1082".parse().unwrap()
}

fn jor_key() -> AllocationKey {
    AllocationKey::new(
        "DSCA".parse().unwrap(),
        ProgramKind::Financing,
        Some("JOR".parse().unwrap()),
    )
}

/// The known ledger every case starts from: FY2008/2009 FMF (financing and training)
/// $1,000,000 appropriated and apportioned, $800,000 allotted to DSCA, $500,000 allocated
/// to financing for Jordan, $300,000 obligated on `D1` of which $120,000 paid, $50,000
/// committed for `D2`; and a one-year FY2008 training account with $200,000. Command ids
/// `c1` to `c8`, all recorded on their dates in January 2008.
fn known_ledger() -> Ledger {
    let usd = |s: &str| -> Money { s.parse().unwrap() };
    let steps = vec![
        Action::Appropriate {
            account: fmf(),
            title: "Foreign Military Financing Program".into(),
            purposes: vec![ProgramKind::Financing, ProgramKind::Training],
            amount: usd("1000000"),
            law: "P.L. 110-161".into(),
        },
        Action::Apportion {
            account: fmf(),
            category: Apportionment::ByPeriod {
                from: day(2008, 1, 2),
            },
            amount: usd("1000000"),
        },
        Action::Allot {
            account: fmf(),
            holder: "DSCA".parse().unwrap(),
            amount: usd("800000"),
        },
        Action::Allocate {
            account: fmf(),
            key: jor_key(),
            amount: usd("500000"),
        },
        Action::Obligate {
            account: fmf(),
            document: "D1".parse().unwrap(),
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key: jor_key() },
            amount: usd("300000"),
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        Action::Disburse {
            account: fmf(),
            document: "D1".parse().unwrap(),
            amount: usd("120000"),
        },
        Action::Commit {
            account: fmf(),
            document: "D2".parse().unwrap(),
            key: jor_key(),
            amount: usd("50000"),
        },
        Action::Appropriate {
            account: "011-2008-1081".parse().unwrap(),
            title: "International Military Education and Training".into(),
            purposes: vec![ProgramKind::Training],
            amount: usd("200000"),
            law: "P.L. 110-161".into(),
        },
    ];
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    for (i, action) in steps.into_iter().enumerate() {
        let n = u32::try_from(i).unwrap() + 1;
        let id: CommandId = format!("c{n}").parse().unwrap();
        ledger
            .apply(Command::new(
                id,
                day(2008, 1, 1 + n),
                "budget-office".parse().unwrap(),
                action,
            ))
            .unwrap();
    }
    ledger
}

fn known_loan() -> Value {
    let terms = LoanTerms {
        principal: "50000000".parse().unwrap(),
        annual_rate: "4.5".parse().unwrap(),
        disbursements: vec![
            Disbursement {
                date: day(2008, 1, 15),
                amount: "30000000".parse().unwrap(),
            },
            Disbursement {
                date: day(2008, 4, 15),
                amount: "20000000".parse().unwrap(),
            },
        ],
        delivered_on: day(2008, 6, 30),
        first_installment: day(2008, 7, 15),
        grace_installments: 2,
        principal_installments: 20,
        method: RepaymentMethod::LevelPrincipal,
        day_count: DayCount::Thirty360,
        rounding: Rounding::HalfEven,
        market_yield: None,
    };
    let agreement = FinancingAgreement::new(
        "EG-L-001".parse().unwrap(),
        fmf(),
        "DSCA".parse().unwrap(),
        "EGY".parse().unwrap(),
    );
    serde_json::to_value(DirectLoan::new(agreement, terms).unwrap()).unwrap()
}

fn known_project() -> Value {
    let d = day(2008, 3, 1);
    let project = Project::new(
        "P1",
        "Port scanners",
        MissionArea::MaritimeSecurity,
        "100".parse().unwrap(),
        &[
            ("AUS".parse().unwrap(), "40".parse().unwrap(), d),
            ("GBR".parse().unwrap(), "20".parse().unwrap(), d),
        ],
        &AllowAll,
        d,
    )
    .unwrap();
    serde_json::to_value(project).unwrap()
}

fn known_course() -> Value {
    use security_assistance::programs::training::{Course, CourseKind, CourseLength, Tuition};
    let course = Course::new(
        "MASL-D123456".parse().unwrap(),
        "Basic officer course",
        "Infantry school",
        "Fort Benning",
        CourseKind::Resident,
        CourseLength::Weeks(12),
        Tuition::new("12000".parse().unwrap(), "8000".parse().unwrap()).unwrap(),
    )
    .unwrap();
    serde_json::to_value(course).unwrap()
}

/// Applies the JSON-pointer `edits` to `value`.
fn edited(mut value: Value, edits: &BTreeMap<String, Value>) -> Value {
    for (pointer, new) in edits {
        if new == "<swap>" {
            // Swaps an array element with the next one.
            let (parent, index) = pointer.rsplit_once('/').unwrap();
            let index: usize = index.parse().unwrap();
            let array = value
                .pointer_mut(parent)
                .and_then(Value::as_array_mut)
                .unwrap_or_else(|| panic!("no array at {parent}"));
            array.swap(index, index + 1);
        } else if new == "<delete>" {
            let (parent, field) = pointer.rsplit_once('/').unwrap();
            let removed = match value.pointer_mut(parent) {
                Some(Value::Object(o)) => o.remove(field),
                Some(Value::Array(a)) => {
                    let i: usize = field.parse().unwrap();
                    (i < a.len()).then(|| a.remove(i))
                }
                _ => None,
            };
            assert!(removed.is_some(), "no field at {pointer}");
        } else if let Some(slot) = value.pointer_mut(pointer) {
            *slot = new.clone();
        } else {
            let (parent, field) = pointer.rsplit_once('/').unwrap();
            let object = value
                .pointer_mut(parent)
                .and_then(Value::as_object_mut)
                .unwrap_or_else(|| panic!("no object at {parent}"));
            object.insert(field.to_owned(), new.clone());
        }
    }
    value
}

fn deserialize<T: for<'de> Deserialize<'de> + std::fmt::Debug>(value: Value) -> Outcome {
    serde_json::from_value::<T>(value)
        .map(|v| format!("{v:?}"))
        .map_err(|e| json_refused(&e))
}

/// Feeds `input` through `entry`, with the known ledger at hand.
fn feed(case: &Case, input: &str, ledger: &mut Ledger) -> Outcome {
    let edits = || case.edits.clone().unwrap_or_default();
    match case.entry.as_str() {
        "money" => parse::<Money>(input),
        "rate" => parse::<Rate>(input),
        "account_symbol" => parse::<AccountSymbol>(input),
        "command_id" => parse::<CommandId>(input),
        "document_id" => parse::<DocumentId>(input),
        "actor" => parse::<security_assistance::budget::Actor>(input),
        "funds_holder" => parse::<FundsHolder>(input),
        "country_code" => parse::<CountryCode>(input),
        "fiscal_year" => parse::<FiscalYear>(input),
        "program_kind" => parse::<ProgramKind>(input),
        "command" => {
            let command: Command = serde_json::from_str(input).map_err(|e| json_refused(&e))?;
            ledger
                .apply(command)
                .map(|r| format!("{r:?}"))
                .map_err(|e| refused(&e))
        }
        "journal" => import_journal(
            input,
            std::sync::Arc::new(security_assistance::eligibility::AllowAll),
        )
        .map(|l| format!("a ledger of {} entries", l.journal().len()))
        .map_err(|e| refused(&e)),
        "csv" => import_transactions(ledger, input.as_bytes(), &CsvImport::default())
            .map(|s| format!("{s:?}"))
            .map_err(|e| refused(&e)),
        "catalog" => {
            Catalog::from_json(input, &security_assistance::homeland::Standards::builtin())
                .map(|c| format!("{c:?}"))
                .map_err(|e| refused(&e))
        }
        "loan" => deserialize::<DirectLoan>(edited(known_loan(), &edits())),
        "project" => deserialize::<Project>(edited(known_project(), &edits())),
        "course" => deserialize::<security_assistance::programs::training::Course>(edited(
            known_course(),
            &edits(),
        )),
        other => panic!("case {}: unknown entry point {other}", case.name),
    }
}

fn input_of(case: &Case) -> String {
    match (&case.input, &case.input_parts) {
        (Some(text), None) => text.clone(),
        (None, Some(parts)) => parts.iter().map(|(text, n)| text.repeat(*n)).collect(),
        (None, None) if case.edits.is_some() => String::new(),
        _ => panic!("case {}: give exactly one of input, input_parts", case.name),
    }
}

fn cases() -> Vec<(String, Case)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad_inputs");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut all = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let cases: Vec<Case> =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        all.extend(cases.into_iter().map(|c| (stem.clone(), c)));
    }
    all
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "pending cases are reported, not skipped silently"
)]
fn every_bad_input_is_refused_with_its_code_and_changes_nothing() {
    let cases = cases();
    assert!(
        cases.len() >= 200,
        "the catalogue holds {} cases",
        cases.len()
    );
    let mut names = std::collections::BTreeSet::new();
    let ledger = known_ledger();
    let before = Snapshot::of(&ledger);
    let mut failures = Vec::new();
    let mut pending = Vec::new();
    for (file, case) in &cases {
        assert!(
            names.insert(case.name.clone()),
            "duplicate case name {}",
            case.name
        );
        assert!(
            !case.why.trim().is_empty(),
            "case {} says no why",
            case.name
        );
        let input = input_of(case);
        let mut work = ledger.clone();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            feed(case, &input, &mut work)
        }));
        let problem = match &outcome {
            Err(_) => Some("panicked".to_owned()),
            Ok(Ok(accepted)) => Some(format!(
                "accepted: {}",
                accepted.chars().take(200).collect::<String>()
            )),
            Ok(Err((code, message))) if *code != case.code => {
                Some(format!("code {code} ({message}), expected {}", case.code))
            }
            Ok(Err((_, message)))
                if case
                    .message
                    .as_ref()
                    .is_some_and(|m| !message.contains(m.as_str())) =>
            {
                Some(format!(
                    "message {message:?} lacks {:?}",
                    case.message.as_deref().unwrap_or_default()
                ))
            }
            Ok(Err(_)) => None,
        };
        let unchanged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            before.assert_same(&work, &case.name);
        }))
        .is_ok();
        let problem = match (problem, unchanged) {
            (None, true) => None,
            (Some(p), true) => Some(p),
            (p, false) => Some(format!("{}; the ledger changed", p.unwrap_or_default())),
        };
        match (&case.pending, problem) {
            (None, None) => {}
            (None, Some(p)) => failures.push(format!("{file}/{}: {p} — {}", case.name, case.why)),
            (Some(item), Some(p)) => pending.push(format!("{file}/{} [{item}]: {p}", case.name)),
            (Some(item), None) => failures.push(format!(
                "{file}/{}: passes now; remove \"pending\": \"{item}\"",
                case.name
            )),
        }
    }
    for p in &pending {
        eprintln!("PENDING {p}");
    }
    eprintln!(
        "bad inputs: {} cases, {} pending, {} failing",
        cases.len(),
        pending.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

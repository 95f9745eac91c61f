//! The CSV import against its specification, applied one command at a time.
//!
//! `import_transactions` reads a file in blocks, parses its columns into integer cents and
//! applies the rows in bulk. This module writes random workloads (good rows, bad rows,
//! duplicates, conflicting ids, backdated and refused rows), builds from each row the
//! commands that [`CsvImport`]'s documentation says it becomes, applies them one by one
//! with [`Ledger::apply`], and requires the import to give the same ledger (`==`), the same
//! journal (byte-identical JSON), the same summary and the same bad rows, each with its
//! line number and error, in order (so the first refusal is the same).

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate};
use proptest::prelude::*;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, Command, DocumentId, Funding,
    FundsHolder, Instrument, Ledger,
};
use security_assistance::eligibility::{AllowAll, EligibilityCheck, Engine, Facts, RuleSet};
use security_assistance::report::{
    CsvImport, ImportError, ImportSummary, RowError, RowProblem, import_transactions,
};
use security_assistance::{Money, ProgramKind};

const HEADER: &str = "id,date,fiscal_year,kind,account,program,country,amount\n";

/// Accounts of the workload; main account 0115 has no configured purposes.
const ACCOUNTS: [&str; 4] = [
    "070-2016-0114",
    "070-2016-0113",
    "070-2017-0114",
    "070-2016-0115",
];
const PROGRAMS: [&str; 4] = ["sales", "excess_articles", "training", "financing"];
/// Partners: eligible ones and, under the built-in rules, refused ones.
const COUNTRIES: [&str; 4] = ["NPL", "JOR", "PRK", "COL"];
const KINDS: [&str; 5] = [
    "appropriation",
    "allotment",
    "obligation",
    "deobligation",
    "disbursement",
];

/// How a row is written wrong (or not).
#[derive(Debug, Clone, Copy)]
enum Fault {
    None,
    Date,
    FiscalYear,
    Kind,
    Account,
    AmountDecimals,
    AmountZero,
    AmountSign,
    TooFewFields,
    TooManyFields,
    EmptyId,
    LongId,
    Program,
    Country,
    /// An appropriation with a program, an obligation without a country.
    Columns,
    /// The amount in double quotes (still a good row).
    Quoted,
}

/// One generated row.
#[derive(Debug, Clone)]
struct Spec {
    id: u32,
    /// Days after 2015-10-01; negative steps make backdated rows.
    step: i64,
    kind: usize,
    account: usize,
    program: usize,
    country: usize,
    cents: i64,
    fault: Fault,
    /// Repeat the row `n` rows before this one verbatim instead (a duplicate or, if the
    /// ledger changed since, a conflict).
    repeat: Option<usize>,
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        30 => Just(Fault::None),
        1 => Just(Fault::Date),
        1 => Just(Fault::FiscalYear),
        1 => Just(Fault::Kind),
        1 => Just(Fault::Account),
        1 => Just(Fault::AmountDecimals),
        1 => Just(Fault::AmountZero),
        1 => Just(Fault::AmountSign),
        1 => Just(Fault::TooFewFields),
        1 => Just(Fault::TooManyFields),
        1 => Just(Fault::EmptyId),
        1 => Just(Fault::LongId),
        1 => Just(Fault::Program),
        1 => Just(Fault::Country),
        1 => Just(Fault::Columns),
        2 => Just(Fault::Quoted),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u32..400,
        prop_oneof![8 => 0i64..6, 1 => -20i64..0, 1 => 100i64..400],
        prop_oneof![2 => Just(0usize), 3 => Just(1usize), 6 => Just(2usize), 1 => Just(3usize), 3 => Just(4usize)],
        prop_oneof![6 => Just(0usize), 2 => Just(1usize), 1 => Just(2usize), 1 => Just(3usize)],
        0usize..4,
        0usize..4,
        prop_oneof![1i64..100_000, 1i64..10_000_000_000, Just(i64::MAX / 2)],
        fault(),
        prop::option::weighted(0.08, 1usize..8),
    )
        .prop_map(
            |(id, step, kind, account, program, country, cents, fault, repeat)| Spec {
                id,
                step,
                kind,
                account,
                program,
                country,
                cents,
                fault,
                repeat,
            },
        )
}

/// The row's fields as the importer reads them (the amount unquoted).
struct Row {
    fields: Vec<String>,
}

/// Writes `specs` as CSV lines (without the header) and the fields of each line.
fn render(specs: &[Spec]) -> (String, Vec<Row>) {
    let start = NaiveDate::from_ymd_opt(2015, 10, 1).unwrap();
    let mut day = 0i64;
    let mut text = String::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for spec in specs {
        if let Some(back) = spec.repeat {
            if let Some(i) = lines.len().checked_sub(back) {
                text.push_str(&lines[i]);
                rows.push(Row {
                    fields: rows[i].fields.clone(),
                });
                lines.push(lines[i].clone());
                continue;
            }
        }
        day = (day + spec.step).max(0);
        let date = start + Duration::days(day);
        let fy = if date.month() >= 10 {
            date.year() + 1
        } else {
            date.year()
        };
        let kind = KINDS[spec.kind];
        let (program, country) = match spec.kind {
            0 => ("", ""),
            1 => (PROGRAMS[spec.program], ""),
            _ => (PROGRAMS[spec.program], COUNTRIES[spec.country]),
        };
        let amount = format!("{}.{:02}", spec.cents / 100, spec.cents % 100);
        let mut fields: Vec<String> = vec![
            spec.id.to_string(),
            date.format("%Y-%m-%d").to_string(),
            fy.to_string(),
            kind.to_owned(),
            ACCOUNTS[spec.account].to_owned(),
            program.to_owned(),
            country.to_owned(),
            amount.clone(),
        ];
        let mut written = fields.clone();
        match spec.fault {
            Fault::None => {}
            Fault::Date => fields[1] = format!("{}-13-01", date.year()),
            Fault::FiscalYear => fields[2] = (fy + 1).to_string(),
            Fault::Kind => fields[3] = "commitment".to_owned(),
            Fault::Account => fields[4] = "70-2016-0114".to_owned(),
            Fault::AmountDecimals => fields[7] = format!("{amount}1"),
            Fault::AmountZero => fields[7] = "0.00".to_owned(),
            Fault::AmountSign => fields[7] = format!("-{amount}"),
            Fault::TooFewFields => {
                fields.pop();
            }
            Fault::TooManyFields => fields.push("x".to_owned()),
            Fault::EmptyId => fields[0] = String::new(),
            Fault::LongId => fields[0] = "i".repeat(51),
            Fault::Program => fields[5] = "bakery".to_owned(),
            Fault::Country => fields[6] = "XXX".to_owned(),
            Fault::Columns => {
                if spec.kind == 0 {
                    fields[5] = "sales".to_owned();
                } else {
                    fields[6] = String::new();
                }
            }
            Fault::Quoted => {}
        }
        if !matches!(spec.fault, Fault::Quoted) {
            written = fields.clone();
        } else {
            written[7] = format!("\"{amount}\"");
        }
        let line = format!("{}\n", written.join(","));
        text.push_str(&line);
        lines.push(line);
        rows.push(Row { fields });
    }
    (text, rows)
}

/// What a row becomes, by `CsvImport`'s documentation: its commands, or the column (and
/// value) it is refused for before the ledger sees it.
fn commands(
    ledger: &Ledger,
    fields: &[String],
    options: &CsvImport,
) -> Result<Vec<Command>, RowProblem> {
    let field = |column: &str, value: &str| RowProblem::Field {
        column: column.to_owned(),
        value: value.to_owned(),
        expected: String::new(),
    };
    if fields.len() != 8 {
        return Err(RowProblem::FieldCount {
            expected: 8,
            found: fields.len(),
        });
    }
    let f = |i: usize| fields[i].as_str();
    if f(0).is_empty() || f(0).len() > 50 {
        return Err(field("id", f(0)));
    }
    let date = NaiveDate::parse_from_str(f(1), "%Y-%m-%d").map_err(|_| field("date", f(1)))?;
    let fy = if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    };
    if f(2) != fy.to_string() {
        return Err(field("fiscal_year", f(2)));
    }
    let kind = KINDS
        .iter()
        .position(|k| *k == f(3))
        .ok_or_else(|| field("kind", f(3)))?;
    let (agency, year, main) = {
        let parts: Vec<&str> = f(4).split('-').collect();
        if parts.len() != 3 || parts[0].len() != 3 {
            return Err(field("account", f(4)));
        }
        (
            parts[0].to_owned(),
            parts[1].parse::<i32>().unwrap(),
            parts[2].parse::<u16>().unwrap(),
        )
    };
    let program: Option<ProgramKind> = match f(5) {
        "" => None,
        p => Some(p.parse().map_err(|_| field("program", p))?),
    };
    let country = match f(6) {
        "" => None,
        c => Some(c.parse().map_err(|_| field("country", c))?),
    };
    let amount: Money = f(7).parse().map_err(|_| field("amount", f(7)))?;
    if !amount.is_positive() {
        return Err(field("amount", f(7)));
    }
    match kind {
        0 if program.is_some() => return Err(field("program", f(5))),
        0 if country.is_some() => return Err(field("country", f(6))),
        1 if program.is_none() => return Err(field("program", f(5))),
        1 if country.is_some() => return Err(field("country", f(6))),
        2..=4 if program.is_none() => return Err(field("program", f(5))),
        2..=4 if country.is_none() => return Err(field("country", f(6))),
        _ => {}
    }
    let account: AccountSymbol = format!("{agency}-{year}/{}-{main:04}", year + 1)
        .parse()
        .unwrap();
    let actor: Actor = "csv-import".parse().unwrap();
    let id = |suffix: &str| format!("csv-{}{suffix}", f(0)).parse().unwrap();
    let command = |action| Command::new(id(""), date, actor.clone(), action);
    let holder = |p: ProgramKind| -> FundsHolder { p.as_str().parse().unwrap() };
    let document = || -> DocumentId { format!("{}/{}/{}", f(4), f(5), f(6)).parse().unwrap() };
    Ok(match kind {
        0 => {
            let purposes = options
                .purposes
                .get(&main)
                .cloned()
                .ok_or_else(|| field("account", &format!("{main:04}")))?;
            vec![
                command(Action::Appropriate {
                    account,
                    title: format!("main account {main:04}"),
                    purposes,
                    amount,
                    law: "imported appropriation".to_owned(),
                }),
                Command::new(
                    id(".apportion"),
                    date,
                    actor.clone(),
                    Action::Apportion {
                        account,
                        category: Apportionment::ByPeriod {
                            from: NaiveDate::from_ymd_opt(year - 1, 10, 1).unwrap(),
                        },
                        amount,
                    },
                ),
            ]
        }
        1 => vec![command(Action::Allot {
            account,
            holder: holder(program.unwrap()),
            amount,
        })],
        2 => {
            let program = program.unwrap();
            let obligate = command(Action::Obligate {
                account,
                document: document(),
                instrument: Instrument::Other,
                funding: Funding::Allotment {
                    key: AllocationKey::new(holder(program), program, country),
                },
                amount,
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            });
            // The first obligation of a document obligates it, later ones adjust it; the
            // same row again is the same command again (a duplicate).
            let again = ledger.check(&obligate).is_ok_and(|r| r.duplicate);
            if ledger.obligation(&account, &document()).is_some() && !again {
                vec![command(Action::AdjustObligation {
                    account,
                    document: document(),
                    amount,
                })]
            } else {
                vec![obligate]
            }
        }
        3 => vec![command(Action::AdjustObligation {
            account,
            document: document(),
            amount: amount.checked_neg().unwrap(),
        })],
        _ => vec![command(Action::Disburse {
            account,
            document: document(),
            amount,
        })],
    })
}

/// Applies `rows` one command at a time, as the import is specified to.
fn one_by_one(
    ledger: &mut Ledger,
    rows: &[Row],
    options: &CsvImport,
) -> Result<ImportSummary, ImportError> {
    let mut work = ledger.clone();
    let mut summary = ImportSummary::default();
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i as u64 + 2;
        summary.rows += 1;
        let result = commands(&work, &row.fields, options).and_then(|commands| {
            let before = work.clone();
            let mut new = 0u64;
            for command in commands {
                match work.apply(command) {
                    Ok(receipt) => new += u64::from(!receipt.duplicate),
                    Err(e) => {
                        work = before;
                        return Err(RowProblem::Refused(e));
                    }
                }
            }
            Ok(new)
        });
        match result {
            Ok(0) => summary.duplicates += 1,
            Ok(n) => {
                summary.applied += 1;
                summary.commands += n;
            }
            Err(problem) => errors.push(RowError { line, problem }),
        }
    }
    if !errors.is_empty() && !options.partial {
        return Err(ImportError::Rows { errors });
    }
    summary.skipped = errors;
    *ledger = work;
    Ok(summary)
}

/// The rows' problems with the text of what a field expects left out (the reference does
/// not repeat the importer's wording; the column and the value found are compared).
fn normalized(result: Result<ImportSummary, ImportError>) -> Result<ImportSummary, ImportError> {
    let blank = |errors: Vec<RowError>| -> Vec<RowError> {
        errors
            .into_iter()
            .map(|mut e| {
                if let RowProblem::Field { expected, .. } = &mut e.problem {
                    expected.clear();
                }
                e
            })
            .collect()
    };
    match result {
        Ok(mut summary) => {
            summary.skipped = blank(summary.skipped);
            Ok(summary)
        }
        Err(ImportError::Rows { errors }) => Err(ImportError::Rows {
            errors: blank(errors),
        }),
        Err(other) => Err(other),
    }
}

fn gate(builtin: bool) -> Arc<dyn EligibilityCheck + Send + Sync> {
    if builtin {
        Arc::new(Engine::new(Facts::new(), RuleSet::builtin()))
    } else {
        Arc::new(AllowAll)
    }
}

/// Imports `first` then `second` into one ledger, by the import and one by one, and
/// requires the same outcome at every step.
fn same_as_one_by_one(first: &[Spec], second: &[Spec], partial: bool, builtin: bool) {
    let options = CsvImport {
        partial,
        ..CsvImport::default()
    };
    let mut bulk = Ledger::new(gate(builtin));
    let mut reference = Ledger::new(gate(builtin));
    for specs in [first, second] {
        let (text, rows) = render(specs);
        let csv = format!("{HEADER}{text}");
        let got = normalized(import_transactions(&mut bulk, csv.as_bytes(), &options));
        let want = normalized(one_by_one(&mut reference, &rows, &options));
        assert_eq!(got, want, "the summary or the bad rows differ\n{csv}");
        assert!(bulk == reference, "the ledgers differ\n{csv}");
        assert_eq!(
            serde_json::to_string(bulk.journal()).unwrap(),
            serde_json::to_string(reference.journal()).unwrap(),
            "the journals differ\n{csv}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    })]

    /// The import is the one-by-one application of its rows' commands: same ledger, same
    /// journal, same summary, same bad rows with the same line numbers and errors, whether
    /// all or nothing or partial, with the allow-everything gate or the built-in rules, into
    /// an empty ledger and then into the one the first file left.
    #[test]
    fn the_import_equals_applying_the_commands_one_by_one(
        first in prop::collection::vec(spec(), 0..80),
        second in prop::collection::vec(spec(), 0..40),
        partial in any::<bool>(),
        builtin in any::<bool>(),
    ) {
        same_as_one_by_one(&first, &second, partial, builtin);
    }
}

/// The 10,000-row workload, good rows only: one by one and imported agree.
#[test]
fn the_workload_imports_as_its_rows_apply_one_by_one() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-10k");
    let csv = std::fs::read_to_string(dir.join("tx.csv")).unwrap();
    let rows: Vec<Row> = csv
        .lines()
        .skip(1)
        .map(|l| Row {
            fields: l.split(',').map(str::to_owned).collect(),
        })
        .collect();
    let options = CsvImport::default();
    let mut bulk = Ledger::new(gate(true));
    let mut reference = Ledger::new(gate(true));
    let got = import_transactions(&mut bulk, csv.as_bytes(), &options).unwrap();
    let want = one_by_one(&mut reference, &rows, &options).unwrap();
    assert_eq!(got, want);
    assert_eq!(got.applied, 10_000);
    assert!(bulk == reference);
    assert_eq!(
        serde_json::to_string(bulk.journal()).unwrap(),
        serde_json::to_string(reference.journal()).unwrap()
    );
}

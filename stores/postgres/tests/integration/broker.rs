//! Treasury's DATA Act Broker, run as published on the crate's File A and File B.
//!
//! The Broker's own SQL rules for File A, File B and the A-B cross-file checks
//! (`tests/data/broker/sqlrules/`, copied unchanged from
//! github.com/fedspendingtransparency/data-act-broker-backend; the folder's README names the
//! commit) run on PostgreSQL against the tables they read (`tests/data/broker/schema.sql`,
//! the Broker's models cut to the columns the rules use), after each file is loaded the way
//! the Broker's validator loads it (`dataactvalidator/validation_handlers/
//! validationManager.py`, `load_file_data` and `process_data_chunk`;
//! `dataactvalidator/filestreaming/csvReader.py`; `dataactbroker/helpers/
//! validation_helper.py`):
//!
//! 1. the header: each name trimmed and lowercased, the legacy names the Broker still
//!    accepts renamed, and, if most are long (GSDM) names, each mapped to its short column
//!    through the field list (`appropFields.csv`, `programActivityFields.csv`); a column
//!    of the list missing or repeated is an error;
//! 2. every cell trimmed, surrounding quotes removed, empty cells made NULL; rows with
//!    another number of cells than the header are errors; padded fields zero-filled to
//!    their length; commas removed from numbers; DEFC `QQQ` made `Q` (File B);
//! 3. the schema checks: a required field that is empty, a number field that is not a
//!    decimal, a field longer than its length (rows with a type error are not loaded);
//! 4. `tas` and `display_tas` formed as the Broker's `concat_tas_dict` and
//!    `concat_display_tas_dict` form them; `account_num` set from CARS (`tas_lookup`) by
//!    the Broker's own `update_account_nums` query.
//!
//! GTAS's SF-133 (`sf_133`) holds the crate's [`Ledger::sf133`] for the submission's
//! period and for period 12 of the year before (rule A34), for every account of the ledger
//! not cancelled before the year began (a cancelled account reports no more, 31 U.S.C.
//! 1552(a)), each line as GTAS attributes it: DEFC `Q` (the crate designates no emergency
//! or disaster funds; `DEFC_LIST_FOR_USAS.csv`), and only the lines the Broker's
//! `load_sf133.py` keeps (its validation lines, and any other line that is not zero).
//! CARS (`tas_lookup`) lists every account of the ledger from the first day of its period
//! of availability to the day it cancels. The program activity and PARK tables hold the
//! caller's program activities, the ones File B is written with; the DEFC and object class
//! tables are the Broker's own lists.
//!
//! The submission is a monthly one (`is_quarter_format` false), so that B21, which skips
//! quarterly submissions, runs.
//!
//! Each fatal rule must return no row; each warning that fires must be one of
//! [`EXPECTED_WARNINGS`], which says why, and each listed one must fire.
//!
//! What these checks cannot see: whether OMB lists our program activities and PARKs (B9,
//! B28 check File B against the caller's table, which is all the crate has), and the
//! rules that cannot fire on our files whatever they hold: B27.1 and B27.5 apply from
//! FY2026 on, A33.3 to accounts with an allocation transfer agency. B15 runs on the
//! reimbursable rows of the FY2008 scenario with reimbursable work
//! (`tests/data/overlays/reimbursable_work.json`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use postgres::{Client, SimpleQueryMessage};
use security_assistance::budget::{AccountSymbol, Command, Dimension, Ledger, StatusQuery};
use security_assistance::report::{
    ProgramActivities, ProgramActivity, ProgramActivityAssignment, file_a, file_b,
};
use security_assistance::{AccountStatus, FiscalYear, ProgramKind};

use crate::round_trip::fiscal_year;
use crate::support::{cluster_url, schema};

/// The warnings our files draw, by rule id, each with the reason it is expected. A new
/// warning, or one that no longer fires, fails the tests. None is expected: B14 and B15
/// pass since the SF-133 has lines 2004 and 2104 and File B its `D` and `R` rows.
const EXPECTED_WARNINGS: &[(&str, &str)] = &[];

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/broker")
        .join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(data(path)).unwrap_or_else(|e| panic!("read {path}: {e}"))
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// One column of a Broker field list.
#[derive(Debug, Clone)]
struct Field {
    /// `fieldname`: the long name, lowercased.
    long: String,
    /// `fieldname_short`: the database column.
    short: String,
    required: bool,
    number: bool,
    length: Option<usize>,
    padded: bool,
}

/// A field list (`appropFields.csv` or `programActivityFields.csv`), as the Broker's
/// `FieldCleaner` reads it.
fn fields(file: &str) -> Vec<Field> {
    let (header, rows) = csv_rows(&read(file));
    assert_eq!(
        header,
        [
            "gsdmname",
            "fieldname",
            "fieldname_short",
            "required",
            "data_type",
            "field_length",
            "padded_flag"
        ]
    );
    rows.into_iter()
        .map(|r| Field {
            long: r[1].trim().to_lowercase(),
            short: r[2].trim().to_owned(),
            required: match r[3].trim().to_lowercase().as_str() {
                "true" => true,
                "false" | "" => false,
                other => panic!("{file}: unknown required value {other}"),
            },
            number: match r[4].trim() {
                "float" => true,
                "str" => false,
                other => panic!("{file}: a type this harness does not check: {other}"),
            },
            length: (!r[5].trim().is_empty()).then(|| r[5].trim().parse().unwrap()),
            padded: r[6].trim().eq_ignore_ascii_case("true"),
        })
        .collect()
}

/// A header cell as `normalize_headers` (csvReader.py) cleans it, legacy names renamed.
fn clean_header(header: &str) -> String {
    let header = header.trim().to_lowercase();
    let renamed = match header.as_str() {
        "deobligationsrecoveriesrefundsofprioryearbyprogramobjectclass_cpe" => {
            "deobligationsrecoveriesrefundsdofprioryearbyprogramobjectclass_cpe"
        }
        "budgetauthorityavailableamounttotal_cpe" => "totalbudgetaryresources_cpe",
        "deobligationsrecoveriesrefundsbytas_cpe" => {
            "deobligationsrecoveriesrefundsofprioryearbytas_cpe"
        }
        other => other,
    };
    renamed.to_owned()
}

/// Python's `Decimal(text)` accepts it (what `is_valid_type` asks of a DECIMAL field).
fn is_decimal(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix(['+', '-']).unwrap_or(t);
    if ["inf", "infinity", "nan", "snan"].contains(&t.to_lowercase().as_str()) {
        return true;
    }
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, frac)) => {
            digits(whole) && digits(frac) && !(whole.is_empty() && frac.is_empty())
        }
        None => !mantissa.is_empty() && digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A number with its commas removed, if what is left is a number (`clean_numbers_vectorized`).
fn without_commas(value: &str) -> String {
    if !value.contains(',') {
        return value.to_owned();
    }
    let stripped = value.replace(',', "");
    let check = stripped.replacen('.', "", 1).replacen('-', "", 1);
    if !check.is_empty() && check.chars().all(|c| c.is_ascii_digit()) {
        stripped
    } else {
        value.to_owned()
    }
}

/// The TAS components of a row, by short column name.
type Row = BTreeMap<String, Option<String>>;

fn component<'a>(row: &'a Row, name: &str) -> Option<&'a str> {
    row.get(name).and_then(|v| v.as_deref())
}

/// `concat_tas_dict` (domainModels.py).
fn concat_tas(row: &Row) -> String {
    [
        ("allocation_transfer_agency", "000"),
        ("agency_identifier", "000"),
        ("beginning_period_of_availa", "0000"),
        ("ending_period_of_availabil", "0000"),
        ("availability_type_code", " "),
        ("main_account_code", "0000"),
        ("sub_account_code", "000"),
    ]
    .iter()
    .map(|(name, default)| component(row, name).unwrap_or(default).to_owned())
    .collect()
}

/// `concat_display_tas_dict` (domainModels.py).
fn concat_display_tas(row: &Row) -> String {
    let join = |parts: &[Option<&str>], sep: &str| {
        parts
            .iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(sep)
    };
    let mut label = join(
        &[
            component(row, "allocation_transfer_agency"),
            component(row, "agency_identifier"),
        ],
        "-",
    );
    if let Some(code) = component(row, "availability_type_code").filter(|c| !c.is_empty()) {
        label = join(&[Some(&label), Some(code)], "-");
    } else {
        let poa = join(
            &[
                component(row, "beginning_period_of_availa"),
                component(row, "ending_period_of_availabil"),
            ],
            "/",
        );
        label = join(&[Some(&label), Some(&poa)], "-");
    }
    join(
        &[
            Some(&label),
            component(row, "main_account_code"),
            component(row, "sub_account_code"),
        ],
        "-",
    )
}

/// A file as the validator loads it: the rows it inserts (row number, cells by short
/// name) and the errors it reports before any SQL rule runs.
#[derive(Debug, Default)]
struct Loaded {
    rows: Vec<(usize, Row)>,
    errors: Vec<String>,
}

fn load_file(text: &str, fields: &[Field], file_b: bool) -> Loaded {
    let mut out = Loaded::default();
    let (header, records) = csv_rows(text);
    // csvReader.py: use_gsdm_headers, normalize_headers, count_and_set_headers,
    // handle_missing_duplicate_headers.
    let cleaned: Vec<String> = header.iter().map(|h| clean_header(h)).collect();
    let long_names: BTreeMap<&str, &str> = fields
        .iter()
        .map(|f| (f.long.as_str(), f.short.as_str()))
        .collect();
    let long = cleaned
        .iter()
        .filter(|h| long_names.contains_key(h.as_str()))
        .count();
    let gsdm = 2 * long > cleaned.len();
    let columns: Vec<String> = cleaned
        .iter()
        .map(|h| match long_names.get(h.as_str()) {
            Some(short) if gsdm => (*short).to_owned(),
            _ => h.clone(),
        })
        .collect();
    for f in fields {
        match columns.iter().filter(|c| **c == f.short).count() {
            0 => out.errors.push(format!("missing header {}", f.long)),
            1 => {}
            _ => out.errors.push(format!("duplicated header {}", f.long)),
        }
    }
    if !out.errors.is_empty() {
        return out;
    }
    for (i, record) in records.iter().enumerate() {
        let row_number = i + 2;
        if record.len() != columns.len() {
            out.errors.push(format!(
                "row {row_number}: {} cells, the header has {}",
                record.len(),
                columns.len()
            ));
            continue;
        }
        let mut row = Row::new();
        for f in fields {
            let at = columns.iter().position(|c| *c == f.short).unwrap();
            let mut value = record[at].trim().to_owned();
            if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
                value = value.trim_matches('"').trim().to_owned();
            }
            let mut cell = (!value.is_empty()).then_some(value);
            if let (true, Some(length), Some(v)) = (f.padded, f.length, cell.as_mut()) {
                let width = v.chars().count();
                if width < length {
                    *v = format!("{}{v}", "0".repeat(length - width));
                }
            }
            if f.number {
                cell = cell.map(|v| without_commas(&v));
            }
            if file_b && f.short == "disaster_emergency_fund_code" {
                cell = cell.map(|v| {
                    let upper = v.to_uppercase();
                    match upper.find("QQQ") {
                        Some(at) => format!("{}Q{}", &v[..at], &v[at + 3..]),
                        None => v,
                    }
                });
            }
            row.insert(f.short.clone(), cell);
        }
        if row.values().all(Option::is_none) {
            continue;
        }
        let mut type_error = false;
        for f in fields {
            let cell = row[&f.short].as_deref();
            match cell {
                None if f.required => out
                    .errors
                    .push(format!("row {row_number}: {} is required", f.long)),
                Some(v) if f.number && !is_decimal(v) => {
                    type_error = true;
                    out.errors.push(format!(
                        "row {row_number}: {} = {v:?} is not a number",
                        f.long
                    ));
                }
                _ => {}
            }
        }
        if type_error {
            continue;
        }
        for f in fields {
            if let (Some(length), Some(v)) = (f.length, row[&f.short].as_deref()) {
                if v.chars().count() > length {
                    out.errors.push(format!(
                        "row {row_number}: {} = {v:?} is longer than {length}",
                        f.long
                    ));
                }
            }
        }
        let tas = concat_tas(&row);
        let display = concat_display_tas(&row);
        row.insert("tas".to_owned(), Some(tas));
        row.insert("display_tas".to_owned(), Some(display));
        out.rows.push((row_number, row));
    }
    out
}

/// A SQL literal.
fn lit(value: Option<&str>) -> String {
    value.map_or_else(
        || "NULL".to_owned(),
        |v| format!("'{}'", v.replace('\'', "''")),
    )
}

fn insert(client: &mut Client, table: &str, cells: &[(&str, Option<String>)]) {
    let names: Vec<&str> = cells.iter().map(|(n, _)| *n).collect();
    let values: Vec<String> = cells.iter().map(|(_, v)| lit(v.as_deref())).collect();
    client
        .batch_execute(&format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            names.join(", "),
            values.join(", ")
        ))
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

/// One rule of `sqlRules.csv` that applies to File A, File B or both.
#[derive(Debug, Clone)]
struct Rule {
    label: String,
    fatal: bool,
    query: String,
}

/// Every rule whose file is `appropriations` or `program_activity` and whose target is
/// none or the other: the rules vendored in `sqlrules/`, and no other file there.
fn rules() -> Vec<Rule> {
    let (header, rows) = csv_rows(&read("sqlRules.csv"));
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (label, file, target, severity, query) = (
        at("rule_label"),
        at("file_type"),
        at("target_file"),
        at("severity_name"),
        at("query_name"),
    );
    let ours = ["appropriations", "program_activity"];
    let rules: Vec<Rule> = rows
        .iter()
        .filter(|r| {
            ours.contains(&r[file].as_str())
                && (r[target].is_empty() || ours.contains(&r[target].as_str()))
        })
        .map(|r| Rule {
            label: r[label].clone(),
            fatal: match r[severity].as_str() {
                "fatal" => true,
                "warning" => false,
                other => panic!("rule {}: severity {other}", r[label]),
            },
            query: r[query].clone(),
        })
        .collect();
    let vendored: BTreeSet<String> = std::fs::read_dir(data("sqlrules"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let wanted: BTreeSet<String> = rules.iter().map(|r| format!("{}.sql", r.query)).collect();
    assert_eq!(
        vendored, wanted,
        "sqlrules/ holds exactly the A, B and A-B rules"
    );
    rules
}

/// `generate_fiscal_year` and `generate_fiscal_period` (jobModels.py).
fn fiscal_year_and_period(end: NaiveDate) -> (i32, u32) {
    let year = if end.month() >= 10 {
        end.year() + 1
    } else {
        end.year()
    };
    let period = match (end.month() + 3) % 12 {
        0 => 12,
        p => p,
    };
    (year, period)
}

/// The TAS cells of an account, as File A writes them.
fn tas_cells(account: &AccountSymbol) -> Row {
    let period = account.period();
    let no_year = period.is_no_year();
    let mut row = Row::new();
    row.insert("allocation_transfer_agency".into(), None);
    row.insert(
        "agency_identifier".into(),
        Some(format!("{:03}", account.agency())),
    );
    row.insert(
        "beginning_period_of_availa".into(),
        (!no_year).then(|| period.first().year().to_string()),
    );
    row.insert(
        "ending_period_of_availabil".into(),
        period.last().map(|y| y.year().to_string()),
    );
    row.insert(
        "availability_type_code".into(),
        no_year.then(|| "X".to_owned()),
    );
    row.insert(
        "main_account_code".into(),
        Some(format!("{:04}", account.main_account())),
    );
    row.insert("sub_account_code".into(), Some("000".to_owned()));
    row
}

fn row_cells(row: &Row) -> Vec<(&str, Option<String>)> {
    row.iter().map(|(k, v)| (k.as_str(), v.clone())).collect()
}

/// The lines `load_sf133.py` keeps even when zero.
const SF133_VALIDATION_LINES: [u16; 44] = [
    1000, 1010, 1011, 1012, 1013, 1020, 1021, 1022, 1023, 1024, 1025, 1026, 1029, 1030, 1031, 1032,
    1033, 1040, 1041, 1042, 1160, 1180, 1260, 1280, 1340, 1440, 1540, 1640, 1750, 1850, 1910, 2190,
    2490, 2500, 3020, 4801, 4802, 4881, 4882, 4901, 4902, 4908, 4981, 4982,
];

/// Loads GTAS's SF-133 for `fiscal_year` through `end` as period `period`.
fn load_sf133(client: &mut Client, ledger: &Ledger, fiscal_year: i32, end: NaiveDate, period: u32) {
    let year = FiscalYear::new(fiscal_year).unwrap();
    let Ok(then) = ledger.as_of(end, None) else {
        return;
    };
    for account in then.accounts() {
        if account.period().status_on(year.first_day()) == AccountStatus::Cancelled {
            continue;
        }
        let statement = ledger.sf133(&account, year, end).unwrap();
        let tas = tas_cells(&account);
        for line in &statement.lines {
            if !SF133_VALIDATION_LINES.contains(&line.line) && line.amount.is_zero() {
                continue;
            }
            let mut cells = row_cells(&tas);
            cells.extend([
                ("tas", Some(concat_tas(&tas))),
                ("display_tas", Some(concat_display_tas(&tas))),
                ("fiscal_year", Some(fiscal_year.to_string())),
                ("period", Some(period.to_string())),
                ("line", Some(line.line.to_string())),
                ("amount", Some(line.amount.to_decimal().to_string())),
                ("disaster_emergency_fund_code", Some("Q".to_owned())),
            ]);
            insert(client, "sf_133", &cells);
        }
    }
}

/// The caller's program activities: one per account and program with money by `as_of`,
/// each with a code, a name and a reporting key (the recipe of the root crate's
/// `tests/integration/broker.rs`).
fn activities(ledger: &Ledger, as_of: NaiveDate) -> ProgramActivities {
    let mut out = ProgramActivities::new();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(
            as_of,
            &[Dimension::Account, Dimension::Program],
        ))
        .unwrap();
    for row in rows {
        let (Some(account), Some(program)) = (row.key.account, row.key.program) else {
            continue;
        };
        let n = ProgramKind::ALL.iter().position(|p| *p == program).unwrap() + 1;
        let name = program.as_str().replace('_', " ");
        out.insert(
            account,
            program,
            ProgramActivity::new(&format!("{n:04}"), &name, Some(&format!("PARK{n:04}"))).unwrap(),
        );
    }
    out
}

/// One submission: the files and what the Broker needs beside them.
struct Submission<'a> {
    name: String,
    ledger: &'a Ledger,
    as_of: NaiveDate,
    activities: ProgramActivities,
    file_a: String,
    file_b: String,
}

impl<'a> Submission<'a> {
    /// File A and File B of `ledger` for `fiscal_year` through `as_of`.
    fn new(
        name: &str,
        ledger: &'a Ledger,
        fiscal_year: i32,
        as_of: NaiveDate,
        activities: ProgramActivities,
    ) -> Self {
        let year = FiscalYear::new(fiscal_year).unwrap();
        Submission {
            name: format!("{name} FY{fiscal_year} through {as_of}"),
            ledger,
            as_of,
            file_a: file_a(ledger, year, as_of).unwrap(),
            file_b: file_b(ledger, year, as_of, &activities).unwrap(),
            activities,
        }
    }
}

/// What the Broker said of a submission.
#[derive(Debug, Default)]
struct Verdict {
    /// Errors of loading (header, required, type, length), before any SQL rule.
    schema_errors: Vec<String>,
    /// The rules that returned rows: id, fatal, the rows.
    failed: BTreeMap<String, (bool, Vec<String>)>,
    /// How many rules ran.
    ran: usize,
}

impl Verdict {
    fn fatal(&self) -> Vec<&str> {
        self.failed
            .iter()
            .filter(|(_, (fatal, _))| *fatal)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    fn warnings(&self) -> BTreeSet<&str> {
        self.failed
            .iter()
            .filter(|(_, (fatal, _))| !*fatal)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    fn report(&self, name: &str) -> String {
        let mut out = format!(
            "{name}: {} rules ran; {} schema errors; {} rules returned rows\n",
            self.ran,
            self.schema_errors.len(),
            self.failed.len()
        );
        for e in &self.schema_errors {
            out.push_str(&format!("  schema: {e}\n"));
        }
        for (id, (fatal, rows)) in &self.failed {
            let kind = if *fatal { "FATAL" } else { "warning" };
            out.push_str(&format!("  {kind} {id}: {} rows\n", rows.len()));
            for r in rows.iter().take(5) {
                out.push_str(&format!("    {r}\n"));
            }
        }
        out
    }
}

const SUBMISSION_ID: i32 = 1;

/// Loads `s` into a new schema and runs every rule; `None` when no cluster is configured
/// (see [`crate::support::cluster_url`]).
fn run_the_broker(test: &str, s: &Submission<'_>) -> Option<Verdict> {
    let schema = schema(test)?;
    let mut client = schema.config.connect(postgres::NoTls).unwrap();
    client.batch_execute(&read("schema.sql")).unwrap();
    let mut verdict = Verdict::default();

    // Reference data: the Broker's DEFC and object class lists (load_defc.py;
    // load_object_class.py pads codes to 3 and drops duplicates).
    let (_, defcs) = csv_rows(&read("DEFC_LIST_FOR_USAS.csv"));
    for r in defcs {
        insert(
            &mut client,
            "defc",
            &[("code", Some(r[0].trim().to_owned()))],
        );
    }
    let (_, classes) = csv_rows(&read("example_object_class.csv"));
    let codes: BTreeSet<String> = classes
        .iter()
        .map(|r| format!("{:0>3}", r[0].trim()))
        .collect();
    for code in codes {
        insert(
            &mut client,
            "object_class",
            &[("object_class_code", Some(code))],
        );
    }

    let (fy, period) = fiscal_year_and_period(s.as_of);
    let accounts = s.ledger.as_of(s.as_of, None).unwrap().accounts();
    let agencies: BTreeSet<String> = accounts
        .iter()
        .map(|a| format!("{:03}", a.agency()))
        .collect();
    assert_eq!(agencies.len(), 1, "one agency submits: {agencies:?}");
    let agency = agencies.into_iter().next().unwrap();
    insert(
        &mut client,
        "cgac",
        &[
            ("cgac_id", Some("1".into())),
            ("cgac_code", Some(agency.clone())),
        ],
    );

    // CARS: every account, from its first day of availability until it cancels.
    for (i, account) in accounts.iter().enumerate() {
        let tas = tas_cells(account);
        let mut cells = row_cells(&tas);
        cells.extend([
            ("account_num", Some((i + 1).to_string())),
            ("tas", Some(concat_tas(&tas))),
            ("display_tas", Some(concat_display_tas(&tas))),
            (
                "internal_start_date",
                Some(account.period().first_day().to_string()),
            ),
            (
                "internal_end_date",
                account.period().cancels_on().map(|d| d.to_string()),
            ),
        ]);
        insert(&mut client, "tas_lookup", &cells);
    }

    // The caller's program activities and their reporting keys.
    let fyp = format!("FY{:02}P{period:02}", fy % 100);
    let mut activities = BTreeSet::new();
    let mut parks = BTreeSet::new();
    for a in Vec::<ProgramActivityAssignment>::from(s.activities.clone()) {
        let main = format!("{:04}", a.account.main_account());
        let agency = format!("{:03}", a.account.agency());
        activities.insert((
            agency.clone(),
            main.clone(),
            a.activity.code().to_owned(),
            a.activity.name().to_owned(),
        ));
        if let Some(key) = a.activity.reporting_key() {
            parks.insert((agency, main, key.to_owned()));
        }
    }
    for (agency, main, code, name) in activities {
        insert(
            &mut client,
            "program_activity",
            &[
                ("fiscal_year_period", Some(fyp.clone())),
                ("agency_id", Some(agency)),
                ("account_number", Some(main)),
                ("program_activity_code", Some(code)),
                ("program_activity_name", Some(name)),
            ],
        );
    }
    for (agency, main, key) in parks {
        insert(
            &mut client,
            "program_activity_park",
            &[
                ("fiscal_year", Some(fy.to_string())),
                ("period", Some(period.to_string())),
                ("agency_id", Some(agency)),
                ("main_account_number", Some(main)),
                ("park_code", Some(key)),
            ],
        );
    }

    // GTAS: this period's SF-133 and last year's final one.
    load_sf133(&mut client, s.ledger, fy, s.as_of, period);
    let last_year = FiscalYear::new(fy - 1).unwrap();
    load_sf133(&mut client, s.ledger, fy - 1, last_year.last_day(), 12);

    // The submission: a monthly one (so that B21, which skips quarterly ones, runs).
    let start = s.as_of.with_day(1).unwrap();
    insert(
        &mut client,
        "submission",
        &[
            ("submission_id", Some(SUBMISSION_ID.to_string())),
            ("cgac_code", Some(agency)),
            ("reporting_start_date", Some(start.to_string())),
            ("reporting_end_date", Some(s.as_of.to_string())),
            ("reporting_fiscal_year", Some(fy.to_string())),
            ("reporting_fiscal_period", Some(period.to_string())),
            ("is_quarter_format", Some("false".into())),
        ],
    );

    // The files, as the validator loads them.
    for (text, list, table, is_b) in [
        (&s.file_a, "appropFields.csv", "appropriation", false),
        (
            &s.file_b,
            "programActivityFields.csv",
            "object_class_program_activity",
            true,
        ),
    ] {
        let loaded = load_file(text, &fields(list), is_b);
        verdict
            .schema_errors
            .extend(loaded.errors.iter().map(|e| format!("{table}: {e}")));
        for (row_number, row) in loaded.rows {
            let mut cells = row_cells(&row);
            cells.push(("submission_id", Some(SUBMISSION_ID.to_string())));
            cells.push(("row_number", Some(row_number.to_string())));
            insert(&mut client, table, &cells);
        }
        // validationManager.py, update_account_nums, as there.
        let day_after_end = s.as_of.succ_opt().unwrap();
        client
            .batch_execute(&format!(
                "
        WITH relevant_tas AS  (
            SELECT
                min(tas_lookup.account_num) AS min_account_num,
                tas
            FROM
                tas_lookup
            WHERE
                (('{start}'::date, '{end}'::date) OVERLAPS
                    (tas_lookup.internal_start_date, coalesce(tas_lookup.internal_end_date, '{day_after_end}'::date)))
            GROUP BY
                tas
        )
        UPDATE {model}
        SET account_num = min_account_num
        FROM relevant_tas
        WHERE {model}.submission_id = {submission_id}
            AND relevant_tas.tas = {model}.tas;
    ",
                end = s.as_of,
                model = table,
                submission_id = SUBMISSION_ID,
            ))
            .unwrap();
    }
    // load_sf133.py links GTAS rows to CARS for the period's month (matching_cars_subquery);
    // here by TAS and the same date overlap. Only A33.1 and B21 read the link, for CARS's
    // financial_indicator2, which is empty for every account of ours.
    client
        .batch_execute(
            "UPDATE sf_133 SET account_num = tl.account_num FROM tas_lookup AS tl \
             WHERE tl.tas = sf_133.tas AND (make_date(sf_133.fiscal_year - (CASE WHEN sf_133.period <= 3 THEN 1 ELSE 0 END), \
             ((sf_133.period + 8) % 12) + 1, 1), make_date(sf_133.fiscal_year - (CASE WHEN sf_133.period <= 3 THEN 1 ELSE 0 END), \
             ((sf_133.period + 8) % 12) + 1, 1) + interval '1 month') OVERLAPS \
             (tl.internal_start_date, coalesce(tl.internal_end_date, 'infinity'::date))",
        )
        .unwrap();

    // Every rule, as validator.py runs it: the query with `{0}` the submission's id.
    for rule in rules() {
        let text = read(&format!("sqlrules/{}.sql", rule.query));
        let sql = text.replace("{0}", &SUBMISSION_ID.to_string());
        let mut rows = Vec::new();
        for message in client
            .simple_query(&sql)
            .unwrap_or_else(|e| panic!("rule {} ({}): {e}", rule.label, rule.query))
        {
            if let SimpleQueryMessage::Row(r) = message {
                let cells: Vec<String> = r
                    .columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("{}={}", c.name(), r.get(i).unwrap_or("NULL")))
                    .collect();
                rows.push(cells.join(" "));
            }
        }
        verdict.ran += 1;
        if !rows.is_empty() {
            verdict.failed.insert(rule.label, (rule.fatal, rows));
        }
    }
    let _ = writeln!(std::io::stderr(), "{}", verdict.report(&s.name));
    Some(verdict)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Asserts that the Broker accepts every submission of `all`: no schema error, no fatal
/// rule, no warning outside [`EXPECTED_WARNINGS`]; and that each expected warning is drawn
/// by at least one of them (so the list cannot go stale).
fn assert_accepted(test: &str, all: &[Submission<'_>]) {
    let mut drawn = BTreeSet::new();
    for s in all {
        let Some(verdict) = run_the_broker(test, s) else {
            return;
        };
        let report = verdict.report(&s.name);
        assert_eq!(verdict.ran, 58, "{report}");
        assert!(verdict.schema_errors.is_empty(), "{report}");
        assert!(verdict.fatal().is_empty(), "{report}");
        for id in verdict.warnings() {
            assert!(
                EXPECTED_WARNINGS.iter().any(|(known, _)| *known == id),
                "a new warning, {id}:\n{report}"
            );
            drawn.insert(id.to_owned());
        }
    }
    let mut listing = format!("{test}: the Broker's warnings on our files\n");
    for (id, why) in EXPECTED_WARNINGS {
        listing.push_str(&format!("  {id}: {why}\n"));
    }
    let _ = writeln!(std::io::stderr(), "{listing}");
    let expected: BTreeSet<String> = EXPECTED_WARNINGS
        .iter()
        .map(|(id, _)| (*id).to_owned())
        .collect();
    assert_eq!(drawn, expected, "the expected warnings, drawn or not");
}

#[test]
fn the_main_example_passes_the_brokers_rules() {
    if cluster_url("the_main_example_passes_the_brokers_rules").is_none() {
        return;
    }
    let year = fiscal_year::homeland_year().unwrap();
    let end = day(2008, 9, 30);
    let all: Vec<Submission<'_>> = [day(2008, 3, 31), end]
        .into_iter()
        .map(|as_of| {
            Submission::new(
                "main example",
                year.ledger(),
                2008,
                as_of,
                activities(year.ledger(), end),
            )
        })
        .collect();
    assert_accepted("broker_main_example", &all);
}

/// The FY2008 scenario's ledger (the root crate's `tests/data/fy2008_financing.json`):
/// every command it applies, the refused ones left out.
fn fy2008_ledger() -> Ledger {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    apply_scenario(&mut ledger, "fy2008_financing.json");
    ledger
}

/// The FY2008 scenario with reimbursable work in its FMF account (the root crate's
/// `tests/data/overlays/reimbursable_work.json`): a collection finances a reimbursable order,
/// adjusted up and down in FY2009.
fn reimbursable_ledger() -> Ledger {
    let mut ledger = fy2008_ledger();
    apply_scenario(&mut ledger, "overlays/reimbursable_work.json");
    ledger
}

fn apply_scenario(ledger: &mut Ledger, file: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    for step in scenario["steps"].as_array().unwrap() {
        if step.get("rejected").is_some() {
            continue;
        }
        if let Some(command) = step.get("command") {
            let command: Command = serde_json::from_value(command.clone()).unwrap();
            ledger.apply(command).unwrap();
        }
    }
}

#[test]
fn the_fy2008_scenario_passes_the_brokers_rules_every_year_to_cancellation() {
    if cluster_url("the_fy2008_scenario_passes_the_brokers_rules_every_year_to_cancellation")
        .is_none()
    {
        return;
    }
    let ledger = fy2008_ledger();
    let last = day(2015, 9, 30);
    let mut submissions = vec![Submission::new(
        "FY2008 scenario",
        &ledger,
        2008,
        day(2008, 3, 31),
        activities(&ledger, last),
    )];
    for fy in 2008..=2015 {
        submissions.push(Submission::new(
            "FY2008 scenario",
            &ledger,
            fy,
            FiscalYear::new(fy).unwrap().last_day(),
            activities(&ledger, last),
        ));
    }
    assert_accepted("broker_fy2008", &submissions);
}

#[test]
fn reimbursable_work_passes_the_brokers_rules_b14_and_b15_included() {
    if cluster_url("reimbursable_work_passes_the_brokers_rules_b14_and_b15_included").is_none() {
        return;
    }
    let ledger = reimbursable_ledger();
    let last = day(2015, 9, 30);
    let submissions: Vec<Submission<'_>> = (2008..=2010)
        .map(|fy| {
            Submission::new(
                "reimbursable work",
                &ledger,
                fy,
                FiscalYear::new(fy).unwrap().last_day(),
                activities(&ledger, last),
            )
        })
        .collect();
    // The files carry what B14 and B15 read: R rows with the order's balances.
    for s in &submissions[..2] {
        let (header, rows) = csv_rows(&s.file_b);
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let source = at("ByDirectReimbursableFundingSource");
        let ussgl_4801 = at("USSGL480100_UndeliveredOrdersObligationsUnpaid_CPE");
        assert!(
            rows.iter()
                .any(|r| r[source] == "R" && r[ussgl_4801] != "0.00" && r[ussgl_4801] != "0"),
            "{}: no reimbursable row with money",
            s.name
        );
    }
    assert_accepted("broker_reimbursable", &submissions);
    // Moving the reimbursable order's 4801 by a cent breaks B15 (and B3.2, which ties the
    // undelivered orders to 4801).
    let mut broken = Submission::new(
        "reimbursable work, 4801 of the R row moved by a cent",
        &ledger,
        2008,
        day(2008, 9, 30),
        activities(&ledger, last),
    );
    broken.file_b = edit_csv(&broken.file_b, |header, rows| {
        let at = |name: &str| header.iter().position(|h| h == name).unwrap();
        let source = at("ByDirectReimbursableFundingSource");
        let ussgl_4801 = at("USSGL480100_UndeliveredOrdersObligationsUnpaid_CPE");
        let row = rows.iter_mut().find(|r| r[source] == "R").unwrap();
        let value: security_assistance::Money = row[ussgl_4801].parse().unwrap();
        let cent: security_assistance::Money = "0.01".parse().unwrap();
        row[ussgl_4801] = value.checked_sub(cent).unwrap().to_decimal().to_string();
    });
    let verdict = run_the_broker("broker_reimbursable_broken", &broken).unwrap();
    let report = verdict.report(&broken.name);
    assert!(verdict.failed.contains_key("B15"), "{report}");
    assert!(!verdict.failed.contains_key("B14"), "{report}");
}

/// `text` with `change` applied to its records (the header kept).
fn edit_csv(text: &str, change: impl FnOnce(&[String], &mut Vec<Vec<String>>)) -> String {
    let (header, mut rows) = csv_rows(text);
    change(&header, &mut rows);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for r in rows {
        writer.write_record(&r).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

#[test]
fn the_brokers_rules_catch_a_changed_file_a() {
    if cluster_url("the_brokers_rules_catch_a_changed_file_a").is_none() {
        return;
    }
    let year = fiscal_year::homeland_year().unwrap();
    let end = day(2008, 9, 30);
    let good = Submission::new(
        "main example",
        year.ledger(),
        2008,
        end,
        activities(year.ledger(), end),
    );

    let baseline = run_the_broker("broker_good", &good).unwrap();
    let new_failures = |v: &Verdict| -> Vec<String> {
        v.failed
            .keys()
            .filter(|id| !baseline.failed.contains_key(*id))
            .cloned()
            .collect()
    };

    // Gross outlays with the sign flipped: A14 (File A against SF-133 line 3020) is fatal,
    // A18 (File A against File B's outlays) warns.
    let mut flipped = Submission::new(
        "main example, gross outlays of File A's first row negated",
        year.ledger(),
        2008,
        end,
        activities(year.ledger(), end),
    );
    flipped.file_a = edit_csv(&good.file_a, |header, rows| {
        let at = header
            .iter()
            .position(|h| h == "GrossOutlayAmountByTAS_CPE")
            .unwrap();
        let value = &mut rows[0][at];
        assert_ne!(value.as_str(), "0.00", "a non-zero outlay to flip");
        *value = match value.strip_prefix('-') {
            Some(rest) => rest.to_owned(),
            None => format!("-{value}"),
        };
    });
    let verdict = run_the_broker("broker_flipped", &flipped).unwrap();
    let report = verdict.report(&flipped.name);
    assert!(verdict.schema_errors.is_empty(), "{report}");
    assert_eq!(new_failures(&verdict), ["A14", "A18"], "{report}");
    assert_eq!(verdict.fatal(), ["A14"], "{report}");

    // File A's row dropped: File B's rows have no File A account (A30.2, fatal) and GTAS
    // reports an account File A omits (A33.1, warning).
    let mut dropped = Submission::new(
        "main example, File A's first row dropped",
        year.ledger(),
        2008,
        end,
        activities(year.ledger(), end),
    );
    dropped.file_a = edit_csv(&good.file_a, |_, rows| {
        rows.remove(0);
    });
    let verdict = run_the_broker("broker_dropped", &dropped).unwrap();
    let report = verdict.report(&dropped.name);
    assert_eq!(new_failures(&verdict), ["A30.2", "A33.1"], "{report}");
    assert_eq!(verdict.fatal(), ["A30.2"], "{report}");

    // ObjectClass left empty on File B: the Broker's required-field check refuses the row
    // before any SQL rule.
    let mut blank = Submission::new(
        "main example, File B's ObjectClass blank",
        year.ledger(),
        2008,
        end,
        activities(year.ledger(), end),
    );
    blank.file_b = edit_csv(&good.file_b, |header, rows| {
        let at = header.iter().position(|h| h == "ObjectClass").unwrap();
        rows[0][at].clear();
    });
    let verdict = run_the_broker("broker_blank", &blank).unwrap();
    assert!(
        verdict
            .schema_errors
            .iter()
            .any(|e| e.contains("objectclass is required")),
        "{}",
        verdict.report(&blank.name)
    );
}

#[test]
fn the_brokers_rules_catch_a_cancelled_account_reported_after_it_cancels() {
    if cluster_url("the_brokers_rules_catch_a_cancelled_account_reported_after_it_cancels")
        .is_none()
    {
        return;
    }
    let ledger = fy2008_ledger();
    let last = day(2015, 9, 30);
    let fy2014 = Submission::new(
        "FY2008 scenario",
        &ledger,
        2014,
        day(2014, 9, 30),
        activities(&ledger, last),
    );
    let good = Submission::new(
        "FY2008 scenario",
        &ledger,
        2015,
        last,
        activities(&ledger, last),
    );
    let baseline = run_the_broker("broker_fy2015", &good).unwrap();
    // FY2015's File A with the FY2014 rows of the accounts that cancelled on 1 October
    // 2014 put back: CARS no longer lists them, so the Broker cannot link them (A1.1) and
    // File B has no row for them (A30.1).
    let mut stale = Submission::new(
        "FY2008 scenario, FY2015 File A with the cancelled accounts' FY2014 rows",
        &ledger,
        2015,
        last,
        activities(&ledger, last),
    );
    let (_, old_rows) = csv_rows(&fy2014.file_a);
    let (_, new_rows) = csv_rows(&good.file_a);
    let cancelled: Vec<Vec<String>> = old_rows
        .into_iter()
        .filter(|old| {
            !new_rows
                .iter()
                .any(|new| new[1..5] == old[1..5] && new[11..14] == old[11..14])
        })
        .collect();
    assert!(
        !cancelled.is_empty(),
        "FY2014 reports accounts FY2015 does not"
    );
    stale.file_a = edit_csv(&good.file_a, |_, rows| rows.extend(cancelled));
    let verdict = run_the_broker("broker_fy2015_stale", &stale).unwrap();
    let report = verdict.report(&stale.name);
    let new_fatal: Vec<&str> = verdict
        .fatal()
        .into_iter()
        .filter(|id| !baseline.failed.contains_key(*id))
        .collect();
    assert!(new_fatal.contains(&"A1.1"), "{report}");
    assert!(new_fatal.contains(&"A30.1"), "{report}");
}

/// The harness's own steps, against what the Broker's code and tests say (no database).
#[test]
fn the_harness_loads_a_file_as_the_brokers_validator_does() {
    // concat_display_tas_dict and concat_tas_dict; the Broker's test_load_sf133.py expects
    // "005-X-0107-000" for this TAS.
    let mut row = Row::new();
    for (k, v) in [
        ("agency_identifier", Some("005")),
        ("availability_type_code", Some("X")),
        ("main_account_code", Some("0107")),
        ("sub_account_code", Some("000")),
        ("allocation_transfer_agency", None),
        ("beginning_period_of_availa", None),
        ("ending_period_of_availabil", None),
    ] {
        row.insert(k.to_owned(), v.map(str::to_owned));
    }
    assert_eq!(concat_display_tas(&row), "005-X-0107-000");
    assert_eq!(concat_tas(&row), "00000500000000X0107000");
    let account: AccountSymbol = "011-2008/2009-1082".parse().unwrap();
    assert_eq!(
        concat_display_tas(&tas_cells(&account)),
        "011-2008/2009-1082-000"
    );
    assert_eq!(fiscal_year_and_period(day(2008, 3, 31)), (2008, 6));
    assert_eq!(fiscal_year_and_period(day(2007, 10, 31)), (2008, 1));
    assert_eq!(fiscal_year_and_period(day(2008, 9, 30)), (2008, 12));

    for (text, ok) in [
        ("12.50", true),
        ("-0.01", true),
        ("1e3", true),
        (".5", true),
        ("", false),
        ("1.2.3", false),
        ("12a", false),
        ("$5", false),
    ] {
        assert_eq!(is_decimal(text), ok, "{text:?}");
    }
    assert_eq!(without_commas("1,234.50"), "1234.50");
    assert_eq!(without_commas("a,b"), "a,b");

    // A File A with long headers: padded, cleaned, and checked.
    let list = fields("appropFields.csv");
    let header: Vec<&str> = list.iter().map(|f| f.long.as_str()).collect();
    let good: Vec<String> = list
        .iter()
        .map(|f| match f.short.as_str() {
            "agency_identifier" => "70".to_owned(),
            "main_account_code" => "100".to_owned(),
            "sub_account_code" => "0".to_owned(),
            "allocation_transfer_agency"
            | "availability_type_code"
            | "beginning_period_of_availa"
            | "ending_period_of_availabil" => String::new(),
            _ => "\"1,000.00\"".to_owned(),
        })
        .collect();
    let mut bad_type = good.clone();
    bad_type[0] = "ten".to_owned();
    let mut too_long = good.clone();
    let agency = list
        .iter()
        .position(|f| f.short == "agency_identifier")
        .unwrap();
    too_long[agency] = "0700".to_owned();
    let mut missing = good.clone();
    missing[0] = String::new();
    let text = [
        header.join(","),
        good.join(","),
        bad_type.join(","),
        too_long.join(","),
        missing.join(","),
    ]
    .join("\n");
    let loaded = load_file(&text, &list, false);
    assert_eq!(
        loaded.errors,
        [
            "row 3: adjustmentstounobligatedbalancebroughtforward_cpe = \"ten\" is not a number",
            "row 4: agencyidentifier = \"0700\" is longer than 3",
            "row 5: adjustmentstounobligatedbalancebroughtforward_cpe is required",
        ]
    );
    let numbers: Vec<usize> = loaded.rows.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [2, 4, 5], "a row with a type error is not loaded");
    let first = &loaded.rows[0].1;
    assert_eq!(first["agency_identifier"].as_deref(), Some("070"));
    assert_eq!(first["main_account_code"].as_deref(), Some("0100"));
    assert_eq!(first["sub_account_code"].as_deref(), Some("000"));
    assert_eq!(first["unobligated_balance_cpe"].as_deref(), Some("1000.00"));
    assert_eq!(first["allocation_transfer_agency"], None);
    assert_eq!(first["display_tas"].as_deref(), Some("070-0100-000"));

    // A missing column stops the file at the header, as the Broker's does.
    let short_header = header[1..].join(",");
    let loaded = load_file(&short_header, &list, false);
    assert_eq!(
        loaded.errors,
        ["missing header adjustmentstounobligatedbalancebroughtforward_cpe"]
    );
}

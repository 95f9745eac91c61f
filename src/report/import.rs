//! Imports: budget-execution transactions from CSV, and journals from JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::io;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, BudgetError, Command, CommandId,
    DocumentId, Funding, FundsHolder, Instrument, Journal, Ledger, StaticText,
};
use crate::fiscal::{Availability, FiscalYear};
use crate::money::Money;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

use super::records::{Record, Records};

/// The longest row id: a row's commands are `csv-{id}` and `csv-{id}.apportion`, and a
/// command id has at most 64 characters (64 - 4 - 10 = 50).
const MAX_ROW_ID: usize = 50;

/// What a row id must be, as the refusal says it.
const ROW_ID_RULE: &str = "an identifier of 1 to 50 printable ASCII characters";

/// The columns a transactions CSV must have, in this order.
pub const CSV_COLUMNS: [&str; 8] = [
    "id",
    "date",
    "fiscal_year",
    "kind",
    "account",
    "program",
    "country",
    "amount",
];

/// How [`import_transactions`] reads a budget-execution CSV and turns its rows into ledger
/// commands.
///
/// # The file
///
/// A header row with [`CSV_COLUMNS`], then one transaction a row:
///
/// | column | content |
/// |---|---|
/// | `id` | the row's identifier (any text; command ids are `csv-<id>`) |
/// | `date` | the effective date, `YYYY-MM-DD`; rows must be in date order for the ledger's checks to be those of the day |
/// | `fiscal_year` | the fiscal year the date falls in (checked) |
/// | `kind` | `appropriation`, `allotment`, `obligation`, `deobligation` or `disbursement` |
/// | `account` | `AAA-YYYY-MMMM`: agency, the fiscal year of the appropriation, main account |
/// | `program` | a [`ProgramKind`] name; empty for appropriations |
/// | `country` | an ISO 3166-1 alpha-3 code for obligations, deobligations and disbursements; empty otherwise |
/// | `amount` | a positive amount with at most two decimals; the kind gives the direction |
///
/// # The commands
///
/// - `appropriation`: [`Action::Appropriate`] of the account `AAA-YYYY/YYYY+n-MMMM`
///   (`availability_years` of availability) whose purposes are those `purposes` lists for
///   the main account, then an automatic Category A [`Action::Apportion`] of the same
///   amount from the first day of the fiscal year (a supplemental adds to both);
/// - `allotment`: [`Action::Allot`] to the funds holder named after the program;
/// - `obligation`: the first one for an account × program × country obligates the
///   document `AAA-YYYY-MMMM/program/COUNTRY` directly against the program's allotment
///   ([`Funding::Allotment`]); later ones adjust it upward;
/// - `deobligation`: a downward [`Action::AdjustObligation`] of that document;
/// - `disbursement`: an [`Action::Disburse`] against it.
///
/// Every check of the ledger stays on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvImport {
    /// Fiscal years of availability of an appropriated account (2 in the workload).
    pub availability_years: u16,
    /// The purposes of each main account (a main account named twice is refused).
    #[serde(deserialize_with = "crate::unique_keys::deserialize")]
    pub purposes: BTreeMap<u16, Vec<ProgramKind>>,
    /// The actor the commands name.
    pub actor: Actor,
    /// Apply the good rows of a file with bad rows, and report the bad ones as skipped.
    pub partial: bool,
}

impl Default for CsvImport {
    /// Two-year accounts; main account 0113 funds training and financing, 0114 excess
    /// articles and sales; actor `csv-import`; all or nothing.
    fn default() -> Self {
        let mut purposes = BTreeMap::new();
        purposes.insert(113, vec![ProgramKind::Training, ProgramKind::Financing]);
        purposes.insert(114, vec![ProgramKind::ExcessArticles, ProgramKind::Sales]);
        CsvImport {
            availability_years: 2,
            purposes,
            actor: Actor::from_static(const { StaticText::new("csv-import") }),
            partial: false,
        }
    }
}

/// What is wrong with one CSV row.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RowProblem {
    /// A field does not have the form the column needs.
    #[error("column {column}: {value:?} is not {expected}")]
    Field {
        /// The column.
        column: String,
        /// The value found.
        value: String,
        /// What the column accepts.
        expected: String,
    },
    /// The row has the wrong number of fields.
    #[error("expected {expected} fields, found {found}")]
    FieldCount {
        /// Fields expected.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// The ledger refused the row's command.
    #[error("the ledger refused the row's command")]
    Refused(#[source] BudgetError),
}

crate::wire::wire_error!(RowProblem);

/// One bad row: its line number in the file (the header is line 1) and why.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowError {
    /// The line number.
    pub line: u64,
    /// What is wrong.
    pub problem: RowProblem,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The whole chain: a refused row's reason is the ledger's error, its source.
        write!(f, "line {}: {}", self.line, self.problem)?;
        let mut cause = std::error::Error::source(&self.problem);
        while let Some(next) = cause {
            write!(f, ": {next}")?;
            cause = next.source();
        }
        Ok(())
    }
}

/// Why an import failed as a whole. The ledger is unchanged.
#[cfg_attr(
    feature = "schemars",
    derive(schemars::JsonSchema),
    schemars(transform = crate::schema::wire_error_shape)
)]
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read the file")]
    Read(#[source] crate::wire::Cause),
    /// The header is not [`CSV_COLUMNS`].
    #[error("header {found:?} is not the expected {expected:?}")]
    Header {
        /// The header found.
        found: Vec<String>,
        /// The header expected.
        expected: Vec<String>,
    },
    /// Some rows are bad; nothing was applied. Every bad row is listed.
    #[error("{} bad row(s), nothing applied; first: {}", errors.len(), errors.first().map(ToString::to_string).unwrap_or_default())]
    Rows {
        /// Every bad row.
        errors: Vec<RowError>,
    },
    /// A JSON journal could not be parsed.
    #[error("invalid journal JSON")]
    Json(#[source] crate::wire::Cause),
    /// A journal could not be replayed.
    #[error("the journal cannot be replayed")]
    Replay(#[source] BudgetError),
}

crate::wire::wire_error!(ImportError);

/// What an import applied, and with a partial import, what it skipped.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSummary {
    /// Data rows read.
    pub rows: u64,
    /// Rows applied (at least one of their commands was new to the ledger).
    pub applied: u64,
    /// Rows whose every command the ledger already held (an identical row imported
    /// again): nothing was applied for them.
    pub duplicates: u64,
    /// Ledger commands applied, new to the ledger: the journal grew by this many.
    pub commands: u64,
    /// Rows skipped (only with a partial import), each with its reason.
    pub skipped: Vec<RowError>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Appropriation,
    Allotment,
    Obligation,
    Deobligation,
    Disbursement,
}

/// A parsed row, borrowing its id from the record.
struct Row<'a> {
    id: &'a str,
    date: NaiveDate,
    kind: Kind,
    account: (u16, i32, u16),
    program: Option<ProgramKind>,
    country: Option<CountryCode>,
    amount: Money,
}

fn field_error(column: &str, value: &[u8], expected: &str) -> RowProblem {
    RowProblem::Field {
        column: column.to_owned(),
        value: String::from_utf8_lossy(value).into_owned(),
        expected: expected.to_owned(),
    }
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || bytes.len() > 9 {
        return None;
    }
    bytes.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit()
            .then(|| {
                acc.checked_mul(10)?
                    .checked_add(u32::from(b.wrapping_sub(b'0')))
            })
            .flatten()
    })
}

/// An amount written `digits(.d{1,2})?` with at most 18 digits, in integer cents: the form
/// of every amount a workload writes, read without going through a decimal. Anything else
/// is `None`, and the caller reads it with [`Money`]'s parser, which accepts the same texts
/// and more (proved equal on this form by `tests::cents_agree_with_money`).
fn cents(bytes: &[u8]) -> Option<i64> {
    let (whole, fraction) = match memchr::memchr(b'.', bytes) {
        Some(dot) => (bytes.get(..dot)?, bytes.get(dot.saturating_add(1)..)?),
        None => (bytes, &b""[..]),
    };
    if whole.is_empty()
        || whole.len().saturating_add(fraction.len()) > 18
        || (bytes.len() > whole.len() && !(1..=2).contains(&fraction.len()))
    {
        return None;
    }
    let mut value: i64 = 0;
    for &b in whole.iter().chain(fraction) {
        if !b.is_ascii_digit() {
            return None;
        }
        // At most 18 digits: no overflow.
        value = value
            .wrapping_mul(10)
            .wrapping_add(i64::from(b.wrapping_sub(b'0')));
    }
    // Scale to cents: "12" is 1200, "12.3" is 1230 (at most 20 digits after scaling would
    // overflow, hence 18 digits in all and a checked scale).
    let scale = match fraction.len() {
        0 => 100,
        1 => 10,
        _ => 1,
    };
    value.checked_mul(scale)
}

fn parse_date(bytes: &[u8]) -> Option<NaiveDate> {
    let (y, rest) = bytes.split_at_checked(4)?;
    let (dash1, rest) = rest.split_first()?;
    let (m, rest) = rest.split_at_checked(2)?;
    let (dash2, d) = rest.split_first()?;
    if *dash1 != b'-' || *dash2 != b'-' || d.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(digits(y)?).ok()?, digits(m)?, digits(d)?)
}

/// The last date read, reused while rows share it (a workload is in date order, with
/// thousands of rows a day); only a date that parsed is kept.
#[derive(Default)]
struct DateCache {
    text: [u8; 10],
    date: Option<NaiveDate>,
}

impl DateCache {
    fn parse(&mut self, bytes: &[u8]) -> Option<NaiveDate> {
        if let Some(date) = self.date {
            if bytes == self.text {
                return Some(date);
            }
        }
        let date = parse_date(bytes)?;
        if let Ok(text) = <[u8; 10]>::try_from(bytes) {
            self.text = text;
            self.date = Some(date);
        }
        Some(date)
    }
}

fn parse_row<'a>(record: &'a Record, dates: &mut DateCache) -> Result<Row<'a>, RowProblem> {
    if record.len() != CSV_COLUMNS.len() {
        return Err(RowProblem::FieldCount {
            expected: CSV_COLUMNS.len(),
            found: record.len(),
        });
    }
    let get = |i: usize| record.get(i);
    let text = |i: usize, column: &str, expected: &str| {
        std::str::from_utf8(get(i)).map_err(|_| field_error(column, get(i), expected))
    };
    let id = text(0, "id", "UTF-8 text")?;
    if id.is_empty() {
        return Err(field_error("id", get(0), "a non-empty identifier"));
    }
    if id.len() > MAX_ROW_ID {
        return Err(field_error("id", get(0), ROW_ID_RULE));
    }
    let date = dates
        .parse(get(1))
        .ok_or_else(|| field_error("date", get(1), "a date YYYY-MM-DD"))?;
    let fiscal_year = digits(get(2))
        .and_then(|y| i32::try_from(y).ok())
        .ok_or_else(|| field_error("fiscal_year", get(2), "a year such as 2016"))?;
    if FiscalYear::containing(date).year() != fiscal_year {
        return Err(field_error(
            "fiscal_year",
            get(2),
            "the fiscal year in which the date falls",
        ));
    }
    let kind = parse_kind(get(3))?;
    let account = parse_account(get(4))?;
    let program = match get(5) {
        b"" => None,
        raw => Some(
            text(5, "program", "a program kind")?
                .parse::<ProgramKind>()
                .map_err(|_| field_error("program", raw, "a program kind such as training"))?,
        ),
    };
    let country = match get(6) {
        b"" => None,
        raw => Some(
            text(6, "country", "a country code")?
                .parse::<CountryCode>()
                .map_err(|_| field_error("country", raw, "an ISO 3166-1 alpha-3 code"))?,
        ),
    };
    let amount = match cents(get(7)) {
        Some(cents) => Money::from_cents(cents),
        None => text(7, "amount", "an amount")?.parse().map_err(|_| {
            field_error(
                "amount",
                get(7),
                "a positive amount with at most two decimals",
            )
        })?,
    };
    if !amount.is_positive() {
        return Err(field_error("amount", get(7), "a positive amount"));
    }
    check_columns(kind, program.is_some(), country.is_some(), get(5), get(6))?;
    Ok(Row {
        id,
        date,
        kind,
        account,
        program,
        country,
        amount,
    })
}

/// The `kind` column.
fn parse_kind(raw: &[u8]) -> Result<Kind, RowProblem> {
    match raw {
        b"appropriation" => Ok(Kind::Appropriation),
        b"allotment" => Ok(Kind::Allotment),
        b"obligation" => Ok(Kind::Obligation),
        b"deobligation" => Ok(Kind::Deobligation),
        b"disbursement" => Ok(Kind::Disbursement),
        other => Err(field_error(
            "kind",
            other,
            "appropriation, allotment, obligation, deobligation or disbursement",
        )),
    }
}

/// The `account` column, `AAA-YYYY-MMMM`: agency, year, main account.
fn parse_account(raw: &[u8]) -> Result<(u16, i32, u16), RowProblem> {
    let bad = || field_error("account", raw, "AAA-YYYY-MMMM");
    let (agency, rest) = raw.split_at_checked(3).ok_or_else(bad)?;
    let (dash1, rest) = rest.split_first().ok_or_else(bad)?;
    let (year, rest) = rest.split_at_checked(4).ok_or_else(bad)?;
    let (dash2, main) = rest.split_first().ok_or_else(bad)?;
    if *dash1 != b'-' || *dash2 != b'-' || main.len() != 4 {
        return Err(bad());
    }
    let agency = digits(agency)
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(bad)?;
    let year = digits(year)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(bad)?;
    let main = digits(main)
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(bad)?;
    Ok((agency, year, main))
}

/// Whether a row of `kind` has the program and country it needs (and no others);
/// `program_raw` and `country_raw` are the cells, for the error.
fn check_columns(
    kind: Kind,
    program: bool,
    country: bool,
    program_raw: &[u8],
    country_raw: &[u8],
) -> Result<(), RowProblem> {
    let needs = |ok: bool, column: &str, raw: &[u8], expected: &str| {
        if ok {
            Ok(())
        } else {
            Err(field_error(column, raw, expected))
        }
    };
    match kind {
        Kind::Appropriation => {
            needs(
                !program,
                "program",
                program_raw,
                "empty for an appropriation",
            )?;
            needs(
                !country,
                "country",
                country_raw,
                "empty for an appropriation",
            )
        }
        Kind::Allotment => {
            needs(
                program,
                "program",
                program_raw,
                "a program kind for an allotment",
            )?;
            needs(!country, "country", country_raw, "empty for an allotment")
        }
        Kind::Obligation | Kind::Deobligation | Kind::Disbursement => {
            needs(program, "program", program_raw, "a program kind")?;
            needs(country, "country", country_raw, "a country code")
        }
    }
}

/// An account (agency, year, main), program and country: one obligating document.
type DocumentKey = ((u16, i32, u16), ProgramKind, CountryCode);

/// Turns rows into commands and applies them, remembering the symbols it built.
struct Importer<'a> {
    options: &'a CsvImport,
    symbols: BTreeMap<(u16, i32, u16), AccountSymbol>,
    holders: BTreeMap<ProgramKind, FundsHolder>,
    documents: foldhash::HashMap<DocumentKey, DocumentId>,
}

impl Importer<'_> {
    fn symbol(
        &mut self,
        (agency, year, main): (u16, i32, u16),
    ) -> Result<AccountSymbol, RowProblem> {
        if let Some(symbol) = self.symbols.get(&(agency, year, main)) {
            return Ok(*symbol);
        }
        let bad = || {
            field_error(
                "account",
                format!("{agency:03}-{year}-{main:04}").as_bytes(),
                "a supported account",
            )
        };
        let first = FiscalYear::new(year).map_err(|_| bad())?;
        let extra = i32::from(self.options.availability_years.saturating_sub(1));
        let period = if extra == 0 {
            Availability::one_year(first)
        } else {
            let last = FiscalYear::new(year.saturating_add(extra)).map_err(|_| bad())?;
            Availability::multi_year(first, last).map_err(|_| bad())?
        };
        let symbol = AccountSymbol::new(agency, period, main).map_err(|_| bad())?;
        self.symbols.insert((agency, year, main), symbol);
        Ok(symbol)
    }

    fn holder(&mut self, program: ProgramKind) -> Result<FundsHolder, RowProblem> {
        if let Some(h) = self.holders.get(&program) {
            return Ok(h.clone());
        }
        let holder: FundsHolder = program
            .as_str()
            .parse()
            .map_err(|_| field_error("program", program.as_str().as_bytes(), "a program kind"))?;
        self.holders.insert(program, holder.clone());
        Ok(holder)
    }

    /// The row's commands (one or two); the second of a pair cannot fail once the first
    /// applied (an automatic apportionment of what was just appropriated).
    fn commands(&mut self, row: &Row<'_>) -> Result<(Command, Option<Box<Command>>), RowProblem> {
        let symbol = self.symbol(row.account)?;
        Ok(match row.kind {
            Kind::Appropriation => return self.appropriation(symbol, row),
            Kind::Allotment => {
                let program = row
                    .program
                    .ok_or_else(|| field_error("program", b"", "a program kind"))?;
                let id = row_id(row, "")?;
                let action = Action::Allot {
                    account: symbol,
                    holder: self.holder(program)?,
                    amount: row.amount,
                };
                (self.command(id, row, action), None)
            }
            Kind::Obligation => (self.obligation(symbol, row)?, None),
            Kind::Deobligation => {
                let amount = row
                    .amount
                    .checked_neg()
                    .map_err(|_| field_error("amount", b"", "an amount in range"))?;
                let id = row_id(row, "")?;
                let action = Action::AdjustObligation {
                    account: symbol,
                    document: self.document(row)?,
                    amount,
                };
                (self.command(id, row, action), None)
            }
            Kind::Disbursement => {
                let id = row_id(row, "")?;
                let action = Action::Disburse {
                    account: symbol,
                    document: self.document(row)?,
                    amount: row.amount,
                };
                (self.command(id, row, action), None)
            }
        })
    }

    /// The command of `row` with `id` and `action`.
    fn command(&self, id: CommandId, row: &Row<'_>, action: Action) -> Command {
        Command::new(id, row.date, self.options.actor.clone(), action)
    }

    /// The obligating document of the row's account, program and country.
    fn document(&mut self, row: &Row<'_>) -> Result<DocumentId, RowProblem> {
        let bad = || field_error("account", b"", "a document id of at most 64 characters");
        let (program, country) = row.program.zip(row.country).ok_or_else(bad)?;
        let key = (row.account, program, country);
        if let Some(id) = self.documents.get(&key) {
            return Ok(id.clone());
        }
        let (agency, year, main) = row.account;
        let id: DocumentId = format!("{agency:03}-{year}-{main:04}/{program}/{country}")
            .parse()
            .map_err(|_| bad())?;
        self.documents.insert(key, id.clone());
        Ok(id)
    }

    /// An appropriation row: the appropriation and its automatic apportionment.
    fn appropriation(
        &self,
        symbol: AccountSymbol,
        row: &Row<'_>,
    ) -> Result<(Command, Option<Box<Command>>), RowProblem> {
        let main = symbol.main_account();
        let purposes = self.options.purposes.get(&main).cloned().ok_or_else(|| {
            field_error(
                "account",
                format!("{main:04}").as_bytes(),
                "a main account with configured purposes",
            )
        })?;
        let from = symbol.period().first().first_day();
        let appropriate = Action::Appropriate {
            account: symbol,
            title: format!("main account {main:04}"),
            purposes,
            amount: row.amount,
            law: "imported appropriation".to_owned(),
        };
        let apportion = Action::Apportion {
            account: symbol,
            category: Apportionment::ByPeriod { from },
            amount: row.amount,
        };
        Ok((
            self.command(row_id(row, "")?, row, appropriate),
            Some(Box::new(self.command(
                row_id(row, ".apportion")?,
                row,
                apportion,
            ))),
        ))
    }

    /// An obligation row: an obligation of the document, which [`Applier::row`] turns into
    /// an upward adjustment if the document is already obligated.
    fn obligation(&mut self, symbol: AccountSymbol, row: &Row<'_>) -> Result<Command, RowProblem> {
        let program = row
            .program
            .ok_or_else(|| field_error("program", b"", "a program kind"))?;
        let document = self.document(row)?;
        let id = row_id(row, "")?;
        let key = AllocationKey::new(self.holder(program)?, program, row.country);
        Ok(self.command(
            id,
            row,
            Action::Obligate {
                account: symbol,
                document,
                instrument: Instrument::Other,
                funding: Funding::Allotment { key },
                amount: row.amount,
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
        ))
    }
}

/// The id of the command `row` becomes: `csv-` and the row's id, then `suffix`.
fn row_id(row: &Row<'_>, suffix: &str) -> Result<CommandId, RowProblem> {
    // One allocation, kept by the id (no formatting machinery on the hot path).
    let mut text =
        String::with_capacity(row.id.len().saturating_add(suffix.len()).saturating_add(4));
    text.push_str("csv-");
    text.push_str(row.id);
    text.push_str(suffix);
    CommandId::from_string(text).map_err(|_| field_error("id", row.id.as_bytes(), ROW_ID_RULE))
}

/// Rows parsed, then applied, at a time.
const BLOCK_ROWS: usize = 2048;

/// One row read: its line, and its commands or why it is bad.
struct Parsed {
    line: u64,
    /// `true` for an obligation row (whose obligation becomes an upward adjustment of a
    /// document already obligated).
    obligation: bool,
    commands: Result<(Command, Option<Box<Command>>), RowProblem>,
}

/// The parsing half of an import: the file's records into blocks of commands (it needs no
/// ledger, so it could run on another thread than the [`Applier`]).
struct Reader<'a, R> {
    records: Records<R>,
    record: Record,
    importer: Importer<'a>,
    dates: DateCache,
}

impl<R: io::Read> Reader<'_, R> {
    /// Parses the rest of the file in blocks of [`BLOCK_ROWS`] rows, handing each to
    /// `sink`, until the file ends or `sink` returns `false`.
    fn each_block(&mut self, mut sink: impl FnMut(Vec<Parsed>) -> bool) -> io::Result<()> {
        loop {
            let mut block = Vec::with_capacity(BLOCK_ROWS);
            while block.len() < BLOCK_ROWS && self.records.next_record(&mut self.record)? {
                let commands = parse_row(&self.record, &mut self.dates);
                let obligation = commands
                    .as_ref()
                    .is_ok_and(|row| row.kind == Kind::Obligation);
                block.push(Parsed {
                    line: self.record.line(),
                    obligation,
                    commands: commands.and_then(|row| self.importer.commands(&row)),
                });
            }
            let last = block.len() < BLOCK_ROWS;
            if !block.is_empty() && !sink(block) {
                return Ok(());
            }
            if last {
                return Ok(());
            }
        }
    }
}

/// The applying half of an import: the rows' commands applied in file order to a copy of
/// the ledger, with what was applied and what was refused.
struct Applier {
    ledger: Ledger,
    summary: ImportSummary,
    errors: Vec<RowError>,
}

impl Applier {
    fn new(ledger: Ledger) -> Applier {
        Applier {
            ledger,
            summary: ImportSummary::default(),
            errors: Vec::new(),
        }
    }

    fn block(&mut self, block: Vec<Parsed>) {
        for parsed in block {
            self.summary.rows = self.summary.rows.saturating_add(1);
            match self.row(parsed.obligation, parsed.commands) {
                // Every command of the row was already in the ledger: nothing applied.
                Ok(0) => self.summary.duplicates = self.summary.duplicates.saturating_add(1),
                Ok(applied) => {
                    self.summary.applied = self.summary.applied.saturating_add(1);
                    self.summary.commands = self.summary.commands.saturating_add(applied);
                }
                Err(problem) => self.errors.push(RowError {
                    line: parsed.line,
                    problem,
                }),
            }
        }
    }

    /// Applies one row's commands, together or not at all; the number of them that were
    /// new to the ledger.
    fn row(
        &mut self,
        obligation: bool,
        commands: Result<(Command, Option<Box<Command>>), RowProblem>,
    ) -> Result<u64, RowProblem> {
        let (mut first, second) = commands?;
        if obligation {
            self.obligate_or_adjust(&mut first);
        }
        Ok(match second {
            None => u64::from(
                !self
                    .ledger
                    .apply(first)
                    .map_err(RowProblem::Refused)?
                    .duplicate,
            ),
            Some(second) => self
                .ledger
                .apply_all(vec![first, *second])
                .map_err(|e| RowProblem::Refused(e.error))?
                .iter()
                .filter(|r| !r.duplicate)
                .count() as u64,
        })
    }

    /// The first obligation row of a document obligates it and later ones adjust it
    /// upward; a row imported again becomes what it became the first time, so that it is
    /// a duplicate.
    fn obligate_or_adjust(&self, command: &mut Command) {
        let Action::Obligate {
            account,
            document,
            amount,
            ..
        } = &command.action
        else {
            return;
        };
        let adjusts = self.ledger.has_obligation(account, document)
            && !(self.ledger.knows(&command.id)
                && self.ledger.check(command).is_ok_and(|r| r.duplicate));
        if adjusts {
            command.action = Action::AdjustObligation {
                account: *account,
                document: document.clone(),
                amount: *amount,
            };
        }
    }
}

/// Reads a transactions CSV (see [`CsvImport`] for the columns and the commands each row
/// becomes) and applies it to `ledger`.
///
/// All or nothing by default: if any row is malformed or refused, nothing is applied and
/// [`ImportError::Rows`] lists every bad row with its line number and reason. With
/// [`CsvImport::partial`], the good rows are applied and the summary lists what was
/// skipped (a skipped row can make later rows fail; they are listed too).
///
/// The import is the crate's bulk path and gives exactly what applying each row's commands
/// one by one with [`Ledger::apply`] gives (the same ledger, journal, summary and bad rows,
/// proved by the integration test `csv_import`): the file is read in blocks of a mebibyte
/// and split by hand (the `csv` crate's grammar), amounts are read as integer cents, and
/// rows are parsed into their commands in blocks of 2,048, each block then applied in file
/// order with every check of the ledger. A line number is the line the record starts on,
/// the header being line 1.
///
/// # Errors
///
/// [`ImportError::Read`], [`ImportError::Header`] or [`ImportError::Rows`].
///
/// ```
/// use security_assistance::budget::Ledger;
/// use security_assistance::report::{import_transactions, CsvImport};
///
/// let csv = "id,date,fiscal_year,kind,account,program,country,amount\n\
///            1,2015-10-16,2016,appropriation,070-2016-0114,,,1000.00\n\
///            2,2015-10-26,2016,allotment,070-2016-0114,sales,,600.00\n\
///            3,2015-11-02,2016,obligation,070-2016-0114,sales,NPL,250.00\n\
///            4,2015-11-03,2016,obligation,070-2016-0114,sales,NPL,500.00\n";
/// let mut ledger = Ledger::new(std::sync::Arc::new(security_assistance::eligibility::AllowAll));
/// let err = import_transactions(&mut ledger, csv.as_bytes(), &CsvImport::default()).unwrap_err();
/// assert!(err.to_string().contains("line 5"));     // 750 obligated exceeds the 600 allotted
/// assert!(ledger.journal().is_empty());            // nothing applied
/// let partial = CsvImport { partial: true, ..CsvImport::default() };
/// let summary = import_transactions(&mut ledger, csv.as_bytes(), &partial)?;
/// assert_eq!((summary.applied, summary.skipped.len()), (3, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn import_transactions<R: io::Read>(
    ledger: &mut Ledger,
    reader: R,
    options: &CsvImport,
) -> Result<ImportSummary, ImportError> {
    let mut records = Records::new(reader);
    let mut record = Record::default();
    let read = |e: &io::Error| ImportError::Read(crate::wire::Cause::io(e));
    records.next_record(&mut record).map_err(|e| read(&e))?;
    if !record.iter().eq(CSV_COLUMNS.iter().map(|c| c.as_bytes())) {
        return Err(ImportError::Header {
            found: record
                .iter()
                .map(|h| String::from_utf8_lossy(h).into_owned())
                .collect(),
            expected: CSV_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
        });
    }
    let mut applier = Applier::new(if ledger.journal().is_empty() {
        ledger.empty_like()
    } else {
        ledger.clone()
    });
    let mut reader = Reader {
        records,
        record,
        importer: Importer {
            options,
            symbols: BTreeMap::new(),
            holders: BTreeMap::new(),
            documents: foldhash::HashMap::default(),
        },
        dates: DateCache::default(),
    };
    // Parsing and applying alternate block by block on this thread. Handing the blocks to
    // a second thread was measured (PERFORMANCE.md) and did not pay on a loaded 2-core
    // machine; `Reader` and `Applier` are the two halves such a pipeline would run.
    reader
        .each_block(|block| {
            applier.block(block);
            true
        })
        .map_err(|e| read(&e))?;
    let Applier {
        ledger: work,
        mut summary,
        errors,
    } = applier;
    if !errors.is_empty() && !options.partial {
        return Err(ImportError::Rows { errors });
    }
    summary.skipped = errors;
    *ledger = work;
    Ok(summary)
}

/// Reads a journal from JSON and replays it into a ledger whose eligibility gate for
/// commands applied afterwards is `check` (the stored decisions are verified against the
/// entries, see [`Ledger::replay`]).
///
/// # Errors
///
/// [`ImportError::Json`] if the text is not a journal, [`ImportError::Replay`] if it cannot
/// be replayed (out of order, refused entries, missing decisions).
pub fn import_journal(
    json: &str,
    check: std::sync::Arc<dyn crate::eligibility::EligibilityCheck + Send + Sync>,
) -> Result<Ledger, ImportError> {
    let journal: Journal =
        serde_json::from_str(json).map_err(|e| ImportError::Json(crate::wire::Cause::json(&e)))?;
    Ledger::replay(&journal, check).map_err(ImportError::Replay)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// Where the integer-cent reading answers, it answers what [`Money`]'s parser does,
        /// on texts of digits, dots and signs of any length (including past `i64`).
        #[test]
        fn cents_agree_with_money(text in "[-+]?[0-9]{0,21}(\\.[0-9]{0,3})?[.0-9a]?") {
            if let Some(cents) = cents(text.as_bytes()) {
                prop_assert_eq!(text.parse::<Money>(), Ok(Money::from_cents(cents)));
            }
        }

        /// Every amount of at most 16 whole digits and two decimals is read without the
        /// decimal parser.
        #[test]
        fn cents_read_every_workload_amount(whole in 0u64..10_000_000_000_000_000, hundredths in 0u64..100) {
            let text = format!("{whole}.{hundredths:02}");
            prop_assert_eq!(
                cents(text.as_bytes()).map(Money::from_cents),
                Some(text.parse::<Money>().unwrap())
            );
        }
    }
}

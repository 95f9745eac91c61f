//! The subcommands that write or check: `apply`, `check`, `import`, `export`, `verify`,
//! `facts` and `waivers`.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use security_assistance::FiscalYear;
use security_assistance::budget::{
    Action, Actor, Command, CommandId, Journal, JournalEntry, Ledger,
};
use security_assistance::report::{
    CsvImport, FlowGraph, IatiPublisher, ImportError, Measure, ProgramActivities, file_a, file_b,
    foreign_assistance_csv, iati_activities, import_journal, import_transactions,
};
use security_assistance::store::{JournalStore, ServiceError, StoreError};
use security_assistance::wire::FormatVersion;

use crate::backend::{Kind, Record, Sidecar, gate, open_dry_run, open_ledger, open_store};
use crate::error::{CliError, EXIT_REFUSED, chain};
use crate::output::{
    Added, AddedLine, ApplyOutput, Check, CliLineError, CsvSummaryLine, DecidedAgain,
    DecidedAgainCheck, ErrorLine, ImportCsvOutput, ImportJournalOutput, JournalSummary,
    JournalSummaryLine, LineError, ReceiptLine, RecordsAddOutput, Redecided, VerifyReport, Zero,
};
use crate::queries::{json_line, out};
use crate::{Context, Records, parse_date};

/// Writes one JSON line to stdout.
fn line_out<T: Serialize>(value: &T) -> Result<(), CliError> {
    out(&json_line(value)?)
}

/// Says `message` on stderr.
fn say(message: &str) {
    let _ = writeln!(std::io::stderr(), "security-assistance: {message}");
}

fn exit(refused: usize) -> ExitCode {
    if refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_REFUSED)
    }
}

/// The non-blank lines of stdin, with their line numbers (from 1).
fn stdin_lines() -> Result<Vec<(usize, String)>, CliError> {
    let mut lines = Vec::new();
    for (index, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| CliError::io("stdin", &e))?;
        if !line.trim().is_empty() {
            lines.push((index.saturating_add(1), line));
        }
    }
    Ok(lines)
}

/// A command as `apply` and `check` read it: `id`, `date`, `actor` and `action`, without
/// `recorded`, which the ledger's clock stamps (`--today`, or the system date). A client's
/// recorded date is never taken on this path (issue 13); one supplied is refused, naming
/// the path that keeps recorded dates (`import journal`).
///
/// Its JSON Schema is `schemas/cli/apply_input.json`: the journaled command's schema
/// (`schemas/command.json`) without `recorded`.
#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ApplyCommand")]
pub(crate) struct ApplyLine {
    /// The command's id, unique in the ledger.
    id: CommandId,
    /// The date it takes effect.
    #[serde(deserialize_with = "exact_date")]
    date: NaiveDate,
    /// Who orders it.
    actor: Actor,
    /// What it does.
    action: Action,
    /// The certifying officer of the voucher a disbursement pays (31 U.S.C. 3325(a)(1)):
    /// required on a disbursement under delegated authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certifying_officer: Option<Actor>,
    /// The second approver of an obligation above the policy's threshold: required on such
    /// an obligation under delegated authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    second_approver: Option<Actor>,
    /// Read only to be refused with its own error code (see [`recorded_refused`]).
    #[serde(default, rename = "recorded")]
    #[schemars(skip)]
    recorded: Option<serde::de::IgnoredAny>,
}

/// The fields a command sent to `apply` or `check` has.
const APPLY_FIELDS: [&str; 6] = [
    "id",
    "date",
    "actor",
    "action",
    "certifying_officer",
    "second_approver",
];

/// The refusal of a command sent with `recorded`.
fn recorded_refused() -> LineError {
    LineError::Cli(CliLineError::FieldNotAccepted {
        message: "a command sent to apply or check carries no \"recorded\" date: the ledger's \
                  clock stamps it (--today, or the system date), so that no client can date \
                  its commands into the past; remove the field, or bring recorded history in \
                  with `import journal`"
            .to_owned(),
        precedence: Zero,
        field: "recorded".to_owned(),
        allowed: APPLY_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
    })
}

fn exact_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
    security_assistance::parse_date(&text).map_err(serde::de::Error::custom)
}

/// `apply` and `check` (a dry run on the same path).
pub(crate) fn apply(context: &Context, atomic: bool, dry_run: bool) -> Result<ExitCode, CliError> {
    let lines = stdin_lines()?;
    let parsed: Vec<(usize, Result<Command, LineError>)> = lines
        .iter()
        .map(|(n, text)| {
            let command = match serde_json::from_str::<ApplyLine>(text) {
                Err(e) => Err(LineError::json(&e)),
                Ok(ApplyLine {
                    recorded: Some(_), ..
                }) => Err(recorded_refused()),
                Ok(l) => {
                    let mut command = Command::new(l.id, l.date, l.actor, l.action);
                    command.certifying_officer = l.certifying_officer;
                    command.second_approver = l.second_approver;
                    Ok(command)
                }
            };
            (*n, command)
        })
        .collect();
    if dry_run {
        let durable = open_ledger(context, open_dry_run(context)?)?;
        run_commands(durable, parsed, atomic, "checked")
    } else {
        let durable = open_ledger(context, open_store(context, true)?)?;
        run_commands(durable, parsed, atomic, "applied")
    }
}

fn run_commands<S: JournalStore>(
    mut durable: security_assistance::store::DurableLedger<S>,
    parsed: Vec<(usize, Result<Command, LineError>)>,
    atomic: bool,
    verb: &str,
) -> Result<ExitCode, CliError> {
    let total = parsed.len();
    let mut refused = 0usize;
    if !atomic {
        for (n, command) in parsed {
            let result = match command {
                Err(e) => Err(e),
                Ok(command) => match durable.apply(command) {
                    Ok(receipt) => Ok(receipt),
                    // A store failure is not the command's fault: stop, exit 3.
                    Err(ServiceError::Store(store)) => {
                        let error = ServiceError::Store(store.clone());
                        line_out(&ErrorLine::at(n, LineError::Service(error)))?;
                        say(&format!(
                            "stopped at line {n}: nothing from it on was {verb}"
                        ));
                        return Err(CliError::Store(store));
                    }
                    Err(e) => Err(LineError::Service(e)),
                },
            };
            match result {
                Ok(receipt) => line_out(&ApplyOutput::Receipt(ReceiptLine {
                    format_version: FormatVersion::CURRENT,
                    line: n,
                    receipt,
                }))?,
                Err(error) => {
                    refused = refused.saturating_add(1);
                    line_out(&ApplyOutput::Error(ErrorLine::at(n, error)))?;
                }
            }
        }
        let done = total.saturating_sub(refused);
        say(&format!(
            "{done} of {total} command(s) {verb}, {refused} refused"
        ));
        return Ok(exit(refused));
    }
    // All or nothing: a line that is not a command refuses the batch before the ledger.
    if parsed.iter().any(|(_, c)| c.is_err()) {
        let first = parsed
            .iter()
            .find(|(_, c)| c.is_err())
            .map_or(0, |(n, _)| *n);
        for (n, command) in &parsed {
            let error = match command {
                Err(e) => e.clone(),
                Ok(_) => LineError::not_applied(first),
            };
            line_out(&ApplyOutput::Error(ErrorLine::at(*n, error)))?;
        }
        say(&format!(
            "nothing {verb}: line {first} is not a command (the batch is all or nothing)"
        ));
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    let numbers: Vec<usize> = parsed.iter().map(|(n, _)| *n).collect();
    let commands: Vec<Command> = parsed.into_iter().filter_map(|(_, c)| c.ok()).collect();
    match durable.apply_all(commands) {
        Ok(receipts) => {
            for (n, receipt) in numbers.iter().zip(receipts) {
                line_out(&ApplyOutput::Receipt(ReceiptLine {
                    format_version: FormatVersion::CURRENT,
                    line: *n,
                    receipt,
                }))?;
            }
            say(&format!("{total} command(s) {verb} as one batch"));
            Ok(ExitCode::SUCCESS)
        }
        Err(ServiceError::Store(error)) => Err(CliError::Store(error)),
        Err(error) => {
            let at = match &error {
                ServiceError::Batch(batch) => numbers.get(batch.index).copied(),
                _ => None,
            };
            for n in &numbers {
                let line_error = if at.is_none_or(|a| a == *n) {
                    LineError::Service(error.clone())
                } else {
                    LineError::not_applied(at.unwrap_or(0))
                };
                line_out(&ApplyOutput::Error(ErrorLine::at(*n, line_error)))?;
            }
            say(&format!("nothing {verb}: {}", chain(&error)));
            Ok(ExitCode::from(EXIT_REFUSED))
        }
    }
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// DATA Act File A (appropriations account), CSV.
    FileA,
    /// DATA Act File B (object class and program activity), CSV.
    FileB,
    /// IATI 2.03 activity XML (needs --org-ref and --org-name).
    Iati,
    /// The ForeignAssistance.gov CSV.
    ForeignAssistance,
    /// The funding-flow picture as a standalone SVG Sankey diagram.
    FlowSvg,
    /// The funding-flow picture as Mermaid `sankey-beta` text.
    FlowMermaid,
}

/// The flow measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FlowMeasure {
    /// Amounts allocated.
    Allocated,
    /// Amounts obligated.
    Obligated,
    /// Amounts disbursed.
    Disbursed,
}

/// `export`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ExportArgs {
    /// What to write.
    #[arg(value_enum)]
    format: ExportFormat,
    /// The file to write (default: stdout).
    #[arg(long, short)]
    out: Option<PathBuf>,
    /// As of this date (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// The fiscal year of File A and File B (default: the one --as-of falls in).
    #[arg(long)]
    fiscal_year: Option<FiscalYear>,
    /// What the funding-flow picture measures.
    #[arg(long, value_enum, default_value_t = FlowMeasure::Obligated)]
    measure: FlowMeasure,
    /// The IATI publisher's organisation identifier (its prefix registered in org-id.guide, such as XM-DAC-302).
    #[arg(long)]
    org_ref: Option<String>,
    /// The IATI publisher's name (such as "Department of State").
    #[arg(long)]
    org_name: Option<String>,
    /// File B: a JSON file naming the program activity of each account's program, an
    /// array of `{"account": ..., "program": ..., "activity": {"code": ..., "name": ...,
    /// "reporting_key": ...}}` (File B refuses a row with money and no program activity).
    #[arg(long, value_name = "FILE")]
    program_activities: Option<PathBuf>,
}

/// The program activities `export file-b` reads, or an empty table.
fn program_activities(path: Option<&PathBuf>) -> Result<ProgramActivities, CliError> {
    let Some(path) = path else {
        return Ok(ProgramActivities::new());
    };
    let what = format!("program activities {}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| CliError::Usage(format!("{what}: {e}")))
}

pub(crate) fn export(context: &Context, args: &ExportArgs) -> Result<ExitCode, CliError> {
    let publisher = match (args.format, &args.org_ref, &args.org_name) {
        (ExportFormat::Iati, Some(org_ref), Some(org_name)) => Some(IatiPublisher {
            org_ref: org_ref.clone(),
            org_name: org_name.clone(),
        }),
        (ExportFormat::Iati, _, _) => {
            return Err(CliError::Usage(
                "export iati needs --org-ref and --org-name (the publisher's IATI \
                 organisation identifier and name)"
                    .to_owned(),
            ));
        }
        _ => None,
    };
    let durable = open_ledger(context, open_store(context, false)?)?;
    let ledger = durable.ledger();
    let as_of = args.as_of.unwrap_or(context.today());
    let year = args.fiscal_year.unwrap_or(FiscalYear::containing(as_of));
    let measure = match args.measure {
        FlowMeasure::Allocated => Measure::Allocated,
        FlowMeasure::Obligated => Measure::Obligated,
        FlowMeasure::Disbursed => Measure::Disbursed,
    };
    let report = |e: security_assistance::report::ReportError| CliError::Report(chain(&e));
    let text = match (args.format, publisher) {
        (ExportFormat::FileA, _) => file_a(ledger, year, as_of).map_err(report)?,
        (ExportFormat::FileB, _) => {
            let activities = program_activities(args.program_activities.as_ref())?;
            file_b(ledger, year, as_of, &activities).map_err(report)?
        }
        (ExportFormat::Iati, Some(publisher)) => {
            iati_activities(ledger, as_of, &publisher).map_err(report)?
        }
        (ExportFormat::Iati, None) => String::new(),
        (ExportFormat::ForeignAssistance, _) => {
            foreign_assistance_csv(ledger, as_of).map_err(report)?
        }
        (ExportFormat::FlowSvg, _) => FlowGraph::of(ledger, as_of)
            .and_then(|g| g.svg(measure))
            .map_err(report)?,
        (ExportFormat::FlowMermaid, _) => FlowGraph::of(ledger, as_of)
            .map(|g| g.mermaid(measure))
            .map_err(report)?,
    };
    match &args.out {
        None => out(&text)?,
        Some(path) if path.as_os_str() == "-" => out(&text)?,
        Some(path) => {
            std::fs::write(path, text.as_bytes())
                .map_err(|e| CliError::io(path.display().to_string(), &e))?;
            say(&format!("wrote {}", path.display()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `import`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ImportArgs {
    #[command(subcommand)]
    what: ImportKind,
}

#[derive(Debug, Clone, Subcommand)]
enum ImportKind {
    /// A CSV of budget-execution transactions (columns id,date,fiscal_year,kind,account,
    /// program,country,amount): all or nothing unless --partial; every bad row is reported
    /// on stdout with its line number. A row's date is also its command's recorded date
    /// (a history kept elsewhere), so a row dated after --today is refused.
    Csv {
        /// The file (`-` for stdin).
        #[arg(default_value = "-")]
        file: PathBuf,
        /// Apply the good rows of a file with bad rows, and report the bad ones.
        #[arg(long)]
        partial: bool,
        /// The actor the commands name.
        #[arg(long, default_value = "csv-import")]
        actor: Actor,
    },
    /// A JSON journal (as the crate serializes `budget::Journal`): checked by a replay,
    /// then brought in entry by entry keeping each entry's recorded date; all or nothing.
    Journal {
        /// The file (`-` for stdin).
        #[arg(default_value = "-")]
        file: PathBuf,
    },
}

/// A progress bar on stderr (a spinner when the length is unknown), hidden when stderr is
/// not a terminal.
fn progress(length: Option<u64>, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let (bar, template) = match length {
        Some(length) => (
            indicatif::ProgressBar::new(length),
            "{msg} [{bar:40}] {pos}/{len} ({eta} left)",
        ),
        None => (
            indicatif::ProgressBar::new_spinner(),
            "{spinner} {msg} {pos}",
        ),
    };
    let style = indicatif::ProgressStyle::with_template(template).map(|s| s.progress_chars("=> "));
    if let Ok(style) = style {
        bar.set_style(style);
    }
    bar.set_message(what.to_owned());
    bar
}

fn read_input(file: &PathBuf) -> Result<(Box<dyn Read>, Option<u64>), CliError> {
    if file.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin()), None));
    }
    let opened =
        std::fs::File::open(file).map_err(|e| CliError::io(file.display().to_string(), &e))?;
    let size = opened.metadata().ok().map(|m| m.len());
    Ok((Box::new(std::io::BufReader::new(opened)), size))
}

pub(crate) fn import(context: &Context, args: &ImportArgs) -> Result<ExitCode, CliError> {
    match &args.what {
        ImportKind::Csv {
            file,
            partial,
            actor,
        } => import_csv(context, file, *partial, actor),
        ImportKind::Journal { file } => import_journal_file(context, file),
    }
}

fn import_csv(
    context: &Context,
    file: &PathBuf,
    partial: bool,
    actor: &Actor,
) -> Result<ExitCode, CliError> {
    let (reader, size) = read_input(file)?;
    let durable = open_ledger(context, open_store(context, true)?)?;
    let before = next_sequence(durable.ledger());
    let mut work = durable.ledger().clone();
    let options = CsvImport {
        partial,
        actor: actor.clone(),
        ..CsvImport::default()
    };
    let bar = progress(size, "reading");
    let result = import_transactions(&mut work, bar.wrap_read(reader), &options);
    bar.finish_and_clear();
    let summary = match result {
        Ok(summary) => summary,
        Err(ImportError::Rows { errors }) => {
            for row in &errors {
                line_out(&ImportCsvOutput::Error(row_error(row)))?;
            }
            say(&format!(
                "nothing imported: {} bad row(s) (each on stdout); fix them, or pass --partial \
                 to import the good rows",
                errors.len()
            ));
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
        Err(other) => {
            line_out(&ImportCsvOutput::Error(ErrorLine {
                format_version: FormatVersion::CURRENT,
                line: None,
                command: None,
                error: LineError::Import(other.clone()),
            }))?;
            say(&format!("nothing imported: {}", chain(&other)));
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
    };
    // The commands the import added, in the order it applied them.
    let mut added: Vec<JournalEntry> = work
        .journal()
        .iter()
        .filter(|e| before.is_none_or(|b| e.sequence >= b))
        .collect();
    added.sort_by_key(|e| e.sequence);
    drop(durable);
    let count = added.len();
    if bring_in(context, added)?.is_none() {
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    for row in &summary.skipped {
        line_out(&ImportCsvOutput::Error(row_error(row)))?;
    }
    line_out(&ImportCsvOutput::Summary(CsvSummaryLine {
        format_version: FormatVersion::CURRENT,
        summary: summary.clone(),
    }))?;
    say(&format!(
        "{} row(s): {} imported ({} command(s)), {} already there, {} skipped",
        summary.rows,
        summary.applied,
        count,
        summary.duplicates,
        summary.skipped.len()
    ));
    Ok(exit(summary.skipped.len()))
}

/// The error line of a bad row of an imported CSV.
fn row_error(row: &security_assistance::report::RowError) -> ErrorLine {
    ErrorLine {
        format_version: FormatVersion::CURRENT,
        line: Some(row.line),
        command: None,
        error: LineError::Row(row.problem.clone()),
    }
}

/// The sequence the ledger's next entry will have.
fn next_sequence(ledger: &Ledger) -> Option<u64> {
    ledger
        .journal()
        .iter()
        .map(|e| e.sequence)
        .max()
        .and_then(|s| s.checked_add(1))
}

fn import_journal_file(context: &Context, file: &PathBuf) -> Result<ExitCode, CliError> {
    let (mut reader, _) = read_input(file)?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| CliError::io(file.display().to_string(), &e))?;
    let replayed = match import_journal(&text, gate(context)?) {
        Ok(ledger) => ledger,
        Err(error) => {
            let wire = match &error {
                ImportError::Replay(budget) => LineError::Budget(budget.clone()),
                other => LineError::Import(other.clone()),
            };
            line_out(&ImportJournalOutput::Error(ErrorLine {
                format_version: FormatVersion::CURRENT,
                line: None,
                command: None,
                error: wire,
            }))?;
            say(&format!("nothing imported: {}", chain(&error)));
            return Ok(ExitCode::from(EXIT_REFUSED));
        }
    };
    let entries = replayed.journal().to_entries();
    let total = entries.len();
    let Some((applied, duplicates)) = bring_in(context, entries)? else {
        return Ok(ExitCode::from(EXIT_REFUSED));
    };
    line_out(&ImportJournalOutput::Summary(JournalSummaryLine {
        format_version: FormatVersion::CURRENT,
        summary: JournalSummary {
            entries: u64::try_from(total).unwrap_or(u64::MAX),
            applied,
            duplicates,
        },
    }))?;
    say(&format!(
        "{total} journal entries: {applied} imported, {duplicates} already there"
    ));
    Ok(ExitCode::SUCCESS)
}

/// Brings `entries`' commands into the store in sequence order, keeping each one's
/// recorded date (`DurableLedger::import_all`): one batch, checked whole, then written in
/// one store transaction and applied, so that a refusal writes nothing. Returns the
/// commands applied and those already there, or `None` after reporting the refused one.
fn bring_in(
    context: &Context,
    mut entries: Vec<JournalEntry>,
) -> Result<Option<(u64, u64)>, CliError> {
    entries.sort_by_key(|e| e.sequence);
    let bar = progress(None, "checking and writing in one transaction");
    let mut durable = open_ledger(context, open_store(context, true)?)?;
    let commands: Vec<Command> = entries.into_iter().map(|e| e.command).collect();
    let ids: Vec<_> = commands.iter().map(|c| c.id.clone()).collect();
    let receipts = match durable.import_all(commands) {
        Ok(receipts) => receipts,
        Err(error @ (ServiceError::Batch(_) | ServiceError::RecordedAfterToday { .. })) => {
            bar.finish_and_clear();
            let command = match &error {
                ServiceError::Batch(batch) => ids.get(batch.index).cloned(),
                _ => None,
            };
            // Printed by `import csv` and `import journal` alike: both schemas have it.
            line_out(&ErrorLine {
                format_version: FormatVersion::CURRENT,
                line: None,
                command,
                error: LineError::Service(error.clone()),
            })?;
            say(&format!("nothing imported: {}", chain(&error)));
            return Ok(None);
        }
        Err(other) => return Err(CliError::from(other)),
    };
    bar.finish_and_clear();
    let duplicates = receipts.iter().filter(|r| r.duplicate).count();
    let applied = receipts.len().saturating_sub(duplicates);
    Ok(Some((
        u64::try_from(applied).unwrap_or(u64::MAX),
        u64::try_from(duplicates).unwrap_or(u64::MAX),
    )))
}

/// `verify`: one report of checksums, order, decisions and replay equality.
pub(crate) fn verify(context: &Context) -> Result<ExitCode, CliError> {
    let mut store = open_store(context, false)?;
    let mut entries: Vec<JournalEntry> = Vec::new();
    let mut expected = 0u64;
    let read = store.read_after(None, &mut |encoded| {
        let entry = encoded.decode(expected)?;
        expected = expected.saturating_add(1);
        entries.push(entry);
        Ok(())
    });
    let (checksums, order) = match &read {
        Ok(()) => (Check::ok(), Check::ok()),
        Err(e @ (StoreError::Checksum { .. } | StoreError::Undecodable { .. })) => {
            (failed(e), Check::skipped("the checksums failed"))
        }
        Err(e @ StoreError::OutOfOrder { .. }) => (Check::ok(), failed(e)),
        Err(other) => return Err(CliError::Store(other.clone())),
    };
    let count = entries.len();
    let with_decisions = entries.iter().filter(|e| e.decision.is_some()).count();
    let mut now_decided: Option<DecidedAgain> = None;
    let (decisions, replay) = if read.is_err() {
        let why = Check::skipped("the store could not be read whole");
        (why.clone(), why)
    } else {
        let mut in_order = entries;
        in_order.sort_by_key(|e| (e.command.date, e.sequence));
        let journal = Journal::from_entries(in_order);
        let check = gate(context)?;
        now_decided = Some(decided_again(&journal, check.as_ref()));
        match Ledger::replay(&journal, Arc::clone(&check)) {
            Err(error) => (
                failed(&error),
                Check::skipped("the journal does not replay"),
            ),
            Ok(mut replayed) => {
                let reopened = open_ledger(context, open_store(context, false)?);
                // The replays run under the policy the ledger was opened under.
                let policy = reopened.as_ref().map(|d| d.ledger().policy().clone());
                let authorized = policy
                    .as_ref()
                    .map_or(Ok(()), |p| replayed.set_policy(p.clone()));
                let through_json = serde_json::to_string(&journal)
                    .ok()
                    .and_then(|text| serde_json::from_str::<Journal>(&text).ok())
                    .and_then(|j| Ledger::replay(&j, check).ok())
                    .and_then(|mut l| match &policy {
                        Ok(p) => l.set_policy(p.clone()).ok().map(|()| l),
                        Err(_) => Some(l),
                    });
                let replay = match reopened {
                    Err(error) => Check::failed(DisplayError(&error).to_string()),
                    Ok(_) if authorized.is_err() => Check::failed(format!(
                        "the journal is not authorized under the store's policy: {}",
                        authorized
                            .as_ref()
                            .err()
                            .map(|e| crate::error::chain(e))
                            .unwrap_or_default()
                    )),
                    Ok(durable) if durable.ledger() != &replayed => Check::failed(
                        "the ledger opened from the store (checkpoint and later entries) \
                         differs from a replay of every entry"
                            .to_owned(),
                    ),
                    Ok(_) if through_json.as_ref() != Some(&replayed) => Check::failed(
                        "the journal does not replay to the same ledger after a JSON round trip"
                            .to_owned(),
                    ),
                    Ok(_) => Check::ok(),
                };
                (Check::ok(), replay)
            }
        }
    };
    let all_ok = [&checksums, &order, &decisions, &replay]
        .iter()
        .all(|check| check.ok);
    let report = VerifyReport {
        format_version: FormatVersion::CURRENT,
        ok: all_ok,
        entries: count,
        entries_with_decisions: with_decisions,
        checksums,
        order,
        decisions,
        replay,
        decided_again: now_decided.map_or_else(
            || DecidedAgainCheck::Skipped(Check::skipped("the store could not be read whole")),
            DecidedAgainCheck::Asked,
        ),
    };
    line_out(&report)?;
    if all_ok {
        say(&format!(
            "verified {count} entries: checksums, order, {with_decisions} decisions, replay equality"
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        say("the store FAILED verification (see the report on stdout)");
        Ok(ExitCode::from(EXIT_REFUSED))
    }
}

/// Every stored decision asked again of the gate with today's facts and waivers: those
/// that would now be answered differently are reported (not failed: the entry was lawful
/// when it was made, and the law looks at the facts of its day as known then).
fn decided_again(
    journal: &Journal,
    check: &(dyn security_assistance::eligibility::EligibilityCheck + Send + Sync),
) -> DecidedAgain {
    let mut asked = 0usize;
    let mut changed = Vec::new();
    for entry in journal.iter() {
        let Some(stored) = entry.decision.as_deref() else {
            continue;
        };
        asked = asked.saturating_add(1);
        let now = check.decide(stored.request());
        if now.outcome() != stored.outcome() {
            changed.push(Redecided {
                sequence: entry.sequence,
                command: entry.command.id.clone(),
                request: stored.request().clone(),
                stored: stored.outcome(),
                now: now.outcome(),
            });
        }
    }
    DecidedAgain {
        ok: true,
        asked,
        changed,
    }
}

struct DisplayError<'a>(&'a CliError);

impl std::fmt::Display for DisplayError<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            CliError::Usage(m) | CliError::Report(m) => f.write_str(m),
            CliError::Store(e) => f.write_str(&chain(e)),
            CliError::Service(e) => f.write_str(&chain(e)),
            CliError::Io { what, reason } => write!(f, "{what}: {reason}"),
        }
    }
}

fn failed(error: &dyn std::error::Error) -> Check {
    Check::failed(chain(error))
}

/// `facts` and `waivers`: add (all or nothing) and list.
pub(crate) fn records(
    context: &Context,
    kind: Kind,
    action: &Records,
) -> Result<ExitCode, CliError> {
    match action {
        Records::List { partner } => {
            let mut sidecar = Sidecar::open(context, false)?;
            if matches!(sidecar, Sidecar::None) {
                open_store(context, false)?;
            }
            for record in sidecar.load()? {
                match &record {
                    Record::Fact(f)
                        if kind == Kind::Fact && partner.is_none_or(|p| p == f.partner) =>
                    {
                        line_out(f)?;
                    }
                    Record::Waiver(w)
                        if kind == Kind::Waiver && partner.is_none_or(|p| p == w.partner) =>
                    {
                        line_out(w)?;
                    }
                    _ => {}
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Records::Add => {
            let today = context.today();
            let mut records = Vec::new();
            let mut errors = Vec::new();
            for (n, text) in stdin_lines()? {
                let parsed = match kind {
                    Kind::Fact => serde_json::from_str(&text).map(Record::Fact),
                    Kind::Waiver => serde_json::from_str(&text).map(Record::Waiver),
                };
                match parsed {
                    Err(e) => errors.push((n, LineError::json(&e))),
                    Ok(mut record) => match record.stamp(today) {
                        Ok(()) => records.push((n, record)),
                        Err(message) => errors.push((n, LineError::invalid(message))),
                    },
                }
            }
            if !errors.is_empty() {
                for (n, error) in errors.iter().cloned() {
                    line_out(&RecordsAddOutput::Error(ErrorLine::at(n, error)))?;
                }
                say(&format!(
                    "nothing added: {} bad line(s) of {}s (each on stdout); all or nothing",
                    errors.len(),
                    kind.as_str()
                ));
                return Ok(ExitCode::from(EXIT_REFUSED));
            }
            let mut sidecar = Sidecar::open(context, true)?;
            let plain: Vec<Record> = records.iter().map(|(_, r)| r.clone()).collect();
            sidecar.add(&plain)?;
            for (n, record) in &records {
                let added = match record {
                    Record::Fact(f) => Added::Fact(f.clone()),
                    Record::Waiver(w) => Added::Waiver(w.clone()),
                };
                line_out(&RecordsAddOutput::Added(AddedLine {
                    format_version: FormatVersion::CURRENT,
                    line: *n,
                    added,
                }))?;
            }
            say(&format!("{} {}(s) added", records.len(), kind.as_str()));
            Ok(ExitCode::SUCCESS)
        }
    }
}

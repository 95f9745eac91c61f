//! `security-assistance`: the ledger from the command line, for services in any language.
//!
//! Commands go in as JSON lines and receipts and errors come out as JSON lines; reports
//! come out as a text table, CSV or JSON. The journal lives in a SQLite file (`--store`,
//! the default) or a PostgreSQL database (`--postgres URL` or `SA_POSTGRES_URL`), written
//! through the core crate's write-ahead `DurableLedger`. Run `security-assistance --help`
//! for the subcommands and the exit codes.

#![forbid(unsafe_code)]

mod backend;
mod commands;
mod error;
mod output;
mod queries;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use security_assistance::CountryCode;
use security_assistance::store::{Clock, FixedClock, SystemClock};

use crate::backend::{Gate, Location};

/// The default SQLite file, in the current directory.
const DEFAULT_STORE: &str = "security-assistance.sqlite";

const EXIT_CODES: &str = "\
Exit status:
  0  everything was done (every command applied or checked, the report written, the store verified)
  1  something was refused: a command, an import row, a fact or waiver, or a verify check
     (each is reported on stdout as JSON, and summed up on stderr)
  2  the arguments are wrong (unknown option, bad date, missing value); nothing was done
  3  the store cannot be opened, read or written, or holds something wrong; nothing was
     acknowledged that is not durable
  4  an input file or stdin cannot be read, or the output cannot be written

Store: --store PATH (SQLite, the default, ./security-assistance.sqlite), or --postgres URL
(or the environment variable SA_POSTGRES_URL, used when --store is not given).
Policy: the first command on a store names its fund-control policy (--policy open, or
--policy FILE for delegated authority); the store records it and enforces it from then on.";

/// The security-assistance ledger: appropriations to outlays, with the law that governs
/// them, kept durably on SQLite or PostgreSQL.
#[derive(Debug, Parser)]
#[command(name = "security-assistance", version, after_long_help = EXIT_CODES, after_help = EXIT_CODES)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand takes.
#[derive(Debug, Args)]
struct Global {
    /// The SQLite file that holds the journal (created by the first command that writes).
    #[arg(long, global = true, value_name = "PATH")]
    store: Option<PathBuf>,
    /// A PostgreSQL URL (`postgresql://user@host/db`, `?options=-c%20search_path%3Dschema`
    /// to choose a schema); used when --store is not given.
    #[arg(
        long,
        global = true,
        env = "SA_POSTGRES_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    postgres: Option<String>,
    /// The ledger's name in the store (a store holds one ledger and refuses another name).
    #[arg(long, global = true, default_value = "main", value_name = "NAME")]
    ledger: String,
    /// The eligibility gate asked before every allocation and obligation to a partner:
    /// `builtin` (the crate's rule set, with the facts and waivers kept in the store) or
    /// `allow-all` (no rules: every decision says it was allowed by `allow-all`).
    #[arg(long, global = true, value_enum, default_value_t = Gate::Builtin, env = "SA_ELIGIBILITY")]
    eligibility: Gate,
    /// The fund-control policy: `open` (any actor may issue any command) or the path of a
    /// JSON policy file (`{"policy":"delegated","heads":[{"agency":11,"actor":"..."}],
    /// "second_approval_above":"..."}`). The store records it the first time it is opened
    /// and enforces it on every later command; later, it may be left out or must name the
    /// same policy. A store that records none refuses to open without it.
    #[arg(long, global = true, env = "SA_POLICY", value_name = "open|FILE")]
    policy: Option<String>,
    /// The business date that stamps what is recorded and is the default "as of" date
    /// (YYYY-MM-DD); without it, today's date in UTC.
    #[arg(long, global = true, value_parser = parse_date, env = "SA_TODAY", value_name = "DATE")]
    today: Option<NaiveDate>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Applies commands: one JSON command a line on stdin (`id`, `date`, `actor`, `action`;
    /// no `recorded`: the clock stamps it), one JSON line out per command,
    /// `{"format_version":"1.0","line":N,"receipt":{...}}` or `{...,"error":{...}}`.
    Apply {
        /// All or nothing: if any command is refused, none is applied.
        #[arg(long)]
        atomic: bool,
    },
    /// The same as `apply`, as a dry run: every command is checked after the ones before
    /// it, nothing is written.
    Check {
        /// Check as one all-or-nothing batch, as `apply --atomic` would apply it.
        #[arg(long)]
        atomic: bool,
    },
    /// Status of funds grouped by any dimensions, as of a date and as known on a date.
    Status(queries::StatusArgs),
    /// The SF-133-shaped report on budget execution of one account for a fiscal year.
    Sf133(queries::Sf133Args),
    /// The trial balance of budgetary accounts (USSGL) of one account or every account.
    TrialBalance(queries::TrialBalanceArgs),
    /// Writes one of the formats the crate exports, to a file or stdout.
    Export(commands::ExportArgs),
    /// Imports a CSV of budget-execution transactions or a JSON journal.
    Import(commands::ImportArgs),
    /// The audit trail of a document (--document with --account) or of an actor (--actor):
    /// every signature (actor, certifying officer, second approver), the delegation that
    /// covered it and that delegation's chain to the agency head.
    Audit(queries::AuditArgs),
    /// Checks the store: checksums, order, decisions, and that a replay equals the ledger.
    Verify,
    /// Eligibility facts about partners (a coup, a listing, a designation).
    Facts {
        #[command(subcommand)]
        action: Records,
    },
    /// Waivers of eligibility findings.
    Waivers {
        #[command(subcommand)]
        action: Records,
    },
}

/// Adding and listing facts or waivers.
#[derive(Debug, Subcommand)]
enum Records {
    /// Adds them: one JSON object a line on stdin, all or nothing. The recorded date is
    /// stamped from --today (or the system date), whatever the input says.
    Add,
    /// Lists them as JSON lines.
    List {
        /// Only those about this partner (ISO 3166-1 alpha-3).
        #[arg(long)]
        partner: Option<CountryCode>,
    },
}

/// What every subcommand needs: where the store is, which gate, which clock.
#[derive(Debug)]
struct Context {
    location: Location,
    ledger: String,
    gate: Gate,
    policy: Option<String>,
    clock: Arc<dyn Clock>,
}

impl Context {
    fn today(&self) -> NaiveDate {
        self.clock.today()
    }
}

/// A date exactly `YYYY-MM-DD`.
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    security_assistance::parse_date(text).map_err(|e| e.to_string())
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// An aligned text table.
    Table,
    /// CSV with a header row.
    Csv,
    /// JSON.
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let location = match (&cli.global.store, &cli.global.postgres) {
        (Some(path), _) => Location::Sqlite(path.clone()),
        (None, Some(url)) if !url.is_empty() => Location::Postgres(url.clone()),
        (None, _) => Location::Sqlite(PathBuf::from(DEFAULT_STORE)),
    };
    let clock: Arc<dyn Clock> = match cli.global.today {
        Some(day) => Arc::new(FixedClock::new(day)),
        None => Arc::new(SystemClock),
    };
    let context = Context {
        location,
        ledger: cli.global.ledger,
        gate: cli.global.eligibility,
        policy: cli.global.policy,
        clock,
    };
    let result = match cli.command {
        Command::Apply { atomic } => commands::apply(&context, atomic, false),
        Command::Check { atomic } => commands::apply(&context, atomic, true),
        Command::Status(args) => queries::status(&context, &args),
        Command::Sf133(args) => queries::sf133(&context, &args),
        Command::TrialBalance(args) => queries::trial_balance(&context, &args),
        Command::Export(args) => commands::export(&context, &args),
        Command::Import(args) => commands::import(&context, &args),
        Command::Audit(args) => queries::audit(&context, &args),
        Command::Verify => commands::verify(&context),
        Command::Facts { action } => commands::records(&context, backend::Kind::Fact, &action),
        Command::Waivers { action } => commands::records(&context, backend::Kind::Waiver, &action),
    };
    match result {
        Ok(code) => code,
        Err(error) => error.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_is_exactly_year_month_day() {
        assert_eq!(
            parse_date("2008-03-02"),
            Ok(NaiveDate::from_ymd_opt(2008, 3, 2).unwrap_or_default())
        );
        for bad in [
            "2008-3-2",
            " 2008-03-02",
            "2008-02-30",
            "08-03-02",
            "2008/03/02",
            "",
        ] {
            let error = parse_date(bad).unwrap_err();
            assert!(error.contains("YYYY-MM-DD"), "{bad}: {error}");
        }
    }

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

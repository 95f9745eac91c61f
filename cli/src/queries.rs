//! The read-only reports: `status`, `sf133`, `trial-balance`, `audit`.
//!
//! Every use of the crate's status query (`budget::StatusQuery`, rendered by
//! `report::StatusReport`) is in this module, so that a change of the status API is
//! adapted here alone.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::output::{TrialBalanceAccount, TrialBalanceLine, TrialBalanceOutput};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use security_assistance::budget::{
    AccountSymbol, Actor, Dimension, DocumentId, FundsHolder, MissionRegister, StatusFilter,
    StatusQuery, Ussgl,
};
use security_assistance::report::{AuditReport, StatusReport};
use security_assistance::{CountryCode, FiscalYear, Money, ProgramKind};

use crate::backend::{open_ledger, open_store};
use crate::error::{CliError, chain};
use crate::{Context, Format, parse_date};

/// A dimension to group a status of funds by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum By {
    /// The appropriation account.
    Account,
    /// The account's first fiscal year of availability.
    FiscalYear,
    /// The funds holder.
    Holder,
    /// The program kind.
    Program,
    /// The partner country.
    Partner,
    /// The partner's State Department region.
    Region,
    /// The implementing agency (from the funds holder).
    Agency,
    /// The mission area of the obligating document (from --missions; without it, every
    /// amount is unassigned).
    MissionArea,
}

impl By {
    const fn dimension(self) -> Dimension {
        match self {
            By::Account => Dimension::Account,
            By::FiscalYear => Dimension::FiscalYear,
            By::Holder => Dimension::Holder,
            By::Program => Dimension::Program,
            By::Partner => Dimension::Partner,
            By::Region => Dimension::Region,
            By::Agency => Dimension::Agency,
            By::MissionArea => Dimension::MissionArea,
        }
    }
}

/// When: as of a date (entries effective by then), as known on a date (entries recorded
/// by then).
#[derive(Debug, Clone, Args)]
pub(crate) struct When {
    /// Include entries effective on or before this date (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Include only entries recorded on or before this date (YYYY-MM-DD; default: all).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    known_on: Option<NaiveDate>,
}

/// `status`.
#[derive(Debug, Clone, Args)]
pub(crate) struct StatusArgs {
    /// Group rows by these dimensions, comma-separated, in order (none: one total row).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "account")]
    by: Vec<By>,
    #[command(flatten)]
    when: When,
    /// Only this account (such as 011-2008/2009-1082).
    #[arg(long)]
    account: Option<AccountSymbol>,
    /// Only accounts whose first fiscal year is this one (such as 2008).
    #[arg(long)]
    fiscal_year: Option<FiscalYear>,
    /// Only this funds holder (such as DSCA).
    #[arg(long)]
    holder: Option<FundsHolder>,
    /// Only this program (such as financing).
    #[arg(long)]
    program: Option<ProgramKind>,
    /// Only this partner (ISO 3166-1 alpha-3, such as JOR).
    #[arg(long)]
    partner: Option<CountryCode>,
    /// The mission area of obligating documents, for --by mission-area: a JSON file
    /// `{"documents": {ACCOUNT: {DOCUMENT: MISSION_AREA, ...}, ...}}` (mission areas such
    /// as maritime_security). The store does not keep it; the homeland program's
    /// oversight register does.
    #[arg(long, value_name = "FILE")]
    missions: Option<PathBuf>,
    /// How to write it.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// The mission register `status` reads, or an empty one.
fn missions(path: Option<&PathBuf>) -> Result<MissionRegister, CliError> {
    let Some(path) = path else {
        return Ok(MissionRegister::new());
    };
    let what = format!("mission register {}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Io {
        what: what.clone(),
        reason: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| CliError::Usage(format!("{what}: {e}")))
}

/// `sf133`.
#[derive(Debug, Clone, Args)]
pub(crate) struct Sf133Args {
    /// The account (such as 011-2008/2009-1082).
    #[arg(long)]
    account: AccountSymbol,
    /// The fiscal year reported (default: the one --as-of falls in).
    #[arg(long)]
    fiscal_year: Option<FiscalYear>,
    /// The last day included (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    as_of: Option<NaiveDate>,
    /// Whole dollars, rounded half to even (OMB Circular A-11 section 130), instead of cents.
    #[arg(long)]
    whole_dollars: bool,
    /// How to write it.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `trial-balance`.
#[derive(Debug, Clone, Args)]
pub(crate) struct TrialBalanceArgs {
    /// Only this account (default: every account).
    #[arg(long)]
    account: Option<AccountSymbol>,
    #[command(flatten)]
    when: When,
    /// How to write it.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `audit`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("subject").required(true).args(["document", "actor"])))]
pub(crate) struct AuditArgs {
    /// The obligating document whose trail to show (with --account).
    #[arg(long, requires = "account", value_name = "ID")]
    document: Option<DocumentId>,
    /// The account of --document (such as 011-2008/2009-1082).
    #[arg(long)]
    account: Option<AccountSymbol>,
    /// The actor whose signatures to show, in any capacity.
    #[arg(long, value_name = "NAME")]
    actor: Option<Actor>,
    /// How to write it.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// `audit`: who signed what, under which delegation, and its chain to the agency head.
pub(crate) fn audit(context: &Context, args: &AuditArgs) -> Result<ExitCode, CliError> {
    let durable = open_ledger(context, open_store(context, false)?)?;
    let report = match (&args.document, &args.account, &args.actor) {
        (Some(document), Some(account), _) => {
            AuditReport::of_document(durable.ledger(), account, document)
        }
        (_, _, Some(actor)) => AuditReport::of_actor(durable.ledger(), actor),
        _ => {
            return Err(CliError::Usage(
                "audit needs --document ID with --account SYMBOL, or --actor NAME".to_owned(),
            ));
        }
    };
    let text = match args.format {
        Format::Table => report.text(),
        Format::Csv => report.csv().map_err(report_error)?,
        Format::Json => json_line(&report)?,
    };
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn report_error(error: impl std::error::Error) -> CliError {
    CliError::Report(chain(&error))
}

/// Writes `text` to stdout.
pub(crate) fn out(text: &str) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| CliError::io("stdout", &e))
}

pub(crate) fn status(context: &Context, args: &StatusArgs) -> Result<ExitCode, CliError> {
    let missions = missions(args.missions.as_ref())?;
    let durable = open_ledger(context, open_store(context, false)?)?;
    let group_by: Vec<Dimension> = args.by.iter().map(|b| b.dimension()).collect();
    let mut query = StatusQuery::new(args.when.as_of.unwrap_or(context.today()), &group_by);
    query.known_on = args.when.known_on;
    query.filter = StatusFilter {
        account: args.account,
        fiscal_year: args.fiscal_year,
        holder: args.holder.clone(),
        program: args.program,
        partner: args.partner,
        ..StatusFilter::default()
    };
    let report =
        StatusReport::with_missions(durable.ledger(), &query, &missions).map_err(report_error)?;
    let text = match args.format {
        Format::Table => report.text_table().map_err(report_error)?,
        Format::Csv => report.csv().map_err(report_error)?,
        Format::Json => {
            let mut line = report.json().map_err(report_error)?;
            line.push('\n');
            line
        }
    };
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn sf133(context: &Context, args: &Sf133Args) -> Result<ExitCode, CliError> {
    let durable = open_ledger(context, open_store(context, false)?)?;
    let as_of = args.as_of.unwrap_or(context.today());
    let year = args.fiscal_year.unwrap_or(FiscalYear::containing(as_of));
    let mut statement = durable
        .ledger()
        .sf133(&args.account, year, as_of)
        .map_err(report_error)?;
    if args.whole_dollars {
        statement = statement.to_whole_dollars().map_err(report_error)?;
    }
    let text = match args.format {
        Format::Json => json_line(&statement)?,
        Format::Csv => {
            let mut text = String::from("line,title,amount\n");
            for line in &statement.lines {
                text.push_str(&format!(
                    "{},\"{}\",{}\n",
                    line.line,
                    line.title.replace('"', "\"\""),
                    plain(line.amount)
                ));
            }
            text
        }
        Format::Table => {
            let mut text = format!(
                "SF-133 {} fiscal year {} as of {}\n",
                statement.account, statement.fiscal_year, statement.as_of
            );
            let width = statement
                .lines
                .iter()
                .map(|l| l.amount.to_string().len())
                .max()
                .unwrap_or(0);
            for line in &statement.lines {
                text.push_str(&format!(
                    "{:>4}  {:>width$}  {}\n",
                    line.line,
                    line.amount.to_string(),
                    line.title
                ));
            }
            text
        }
    };
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn trial_balance(
    context: &Context,
    args: &TrialBalanceArgs,
) -> Result<ExitCode, CliError> {
    let durable = open_ledger(context, open_store(context, false)?)?;
    let as_of = args.when.as_of.unwrap_or(context.today());
    let then = durable
        .ledger()
        .as_of(as_of, args.when.known_on)
        .map_err(report_error)?;
    let accounts = match args.account {
        Some(account) => vec![account],
        None => then.accounts(),
    };
    let mut rows = Vec::new();
    for account in &accounts {
        // From its closing day a cancelled account's books carry the closing entries
        // (31 U.S.C. 1552(a): status accounts cleared to USSGL 4350).
        let balance = match then.cancellation(account, as_of).map_err(report_error)? {
            Some(closed) => closed.trial_balance,
            None => then.trial_balance(account).map_err(report_error)?,
        };
        let net = balance.net().map_err(report_error)?;
        let lines: Vec<(Ussgl, Money)> = Ussgl::ALL
            .iter()
            .map(|u| (*u, balance.balance(*u)))
            .collect();
        rows.push((*account, lines, net));
    }
    let text = match args.format {
        Format::Json => {
            let value: TrialBalanceOutput = rows
                .iter()
                .map(|(account, lines, net)| TrialBalanceAccount {
                    account: *account,
                    as_of,
                    balances: lines
                        .iter()
                        .map(|(u, b)| TrialBalanceLine::new(*u, *b))
                        .collect(),
                    net: *net,
                })
                .collect();
            json_line(&value)?
        }
        Format::Csv => {
            let mut text = String::from("account,ussgl,name,balance\n");
            for (account, lines, _) in &rows {
                for (u, b) in lines {
                    text.push_str(&format!("{account},{},{u:?},{}\n", u.number(), plain(*b)));
                }
            }
            text
        }
        Format::Table => {
            let mut text = String::new();
            for (account, lines, net) in &rows {
                text.push_str(&format!("{account} as of {as_of}\n"));
                let width = lines
                    .iter()
                    .map(|(_, b)| b.to_string().len())
                    .max()
                    .unwrap_or(0);
                for (u, b) in lines {
                    text.push_str(&format!(
                        "  {}  {:>width$}  {u:?}\n",
                        u.number(),
                        b.to_string()
                    ));
                }
                text.push_str(&format!("  net   {:>width$}\n", net.to_string()));
            }
            text
        }
    };
    out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `money` as the canonical decimal text of the wire and of CSV (`1234567.89`).
fn plain(money: Money) -> String {
    // OK because a Money always serializes to a JSON string.
    serde_json::to_value(money)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// `value` as one line of JSON.
pub(crate) fn json_line<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    let mut text = serde_json::to_string(value).map_err(|e| CliError::Report(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

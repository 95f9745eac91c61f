//! What can stop a subcommand, what it says on stderr, and its exit status.

use std::io::Write;
use std::process::ExitCode;

use security_assistance::store::{ServiceError, StoreError};

/// Exit status: something was refused (a command, a row, a record, a verify check).
pub(crate) const EXIT_REFUSED: u8 = 1;
/// Exit status: the arguments are wrong.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status: the store failed or holds something wrong.
pub(crate) const EXIT_STORE: u8 = 3;
/// Exit status: input or output failed.
pub(crate) const EXIT_IO: u8 = 4;

/// Why a subcommand stopped before finishing its work.
#[derive(Debug)]
pub(crate) enum CliError {
    /// An argument the parser could not check (a combination, a missing value).
    Usage(String),
    /// The store could not be opened, read or written.
    Store(StoreError),
    /// The ledger in the store could not be opened or a report could not be computed.
    Service(ServiceError),
    /// A report the ledger cannot give (an unknown account, a replay error).
    Report(String),
    /// Reading input or writing output failed.
    Io {
        /// What was being read or written.
        what: String,
        /// The system's reason.
        reason: String,
    },
}

impl From<StoreError> for CliError {
    fn from(error: StoreError) -> CliError {
        CliError::Store(error)
    }
}

impl From<ServiceError> for CliError {
    fn from(error: ServiceError) -> CliError {
        match error {
            ServiceError::Store(error) => CliError::Store(error),
            other => CliError::Service(other),
        }
    }
}

impl CliError {
    /// An input or output failure on `what`.
    pub(crate) fn io(what: impl Into<String>, error: &std::io::Error) -> CliError {
        CliError::Io {
            what: what.into(),
            reason: error.to_string(),
        }
    }

    /// Says on stderr what was wrong and what to do, and gives the exit status.
    pub(crate) fn report(&self) -> ExitCode {
        let (code, message) = match self {
            CliError::Usage(message) => (
                EXIT_USAGE,
                format!("{message}\n(run with --help for the options)"),
            ),
            CliError::Store(error) => (
                EXIT_STORE,
                format!("{}\n{}", chain(error), store_hint(error)),
            ),
            CliError::Service(error) => (EXIT_STORE, chain(error)),
            CliError::Report(message) => (EXIT_REFUSED, message.clone()),
            CliError::Io { what, reason } => (EXIT_IO, format!("cannot use {what}: {reason}")),
        };
        // Nothing more can be said if stderr is gone.
        let _ = writeln!(std::io::stderr(), "security-assistance: error: {message}");
        ExitCode::from(code)
    }
}

/// `error` and its causes, joined by ": " (the crate's messages leave their causes to
/// `source()`).
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}

/// What to do about a store error.
fn store_hint(error: &StoreError) -> &'static str {
    match error {
        StoreError::NotFound { .. } => {
            "hint: check --store (or --postgres); a SQLite store is created by the first \
             `apply`, `import`, `facts add` or `waivers add`"
        }
        StoreError::OtherLedger { .. } => "hint: give the ledger's name with --ledger",
        StoreError::OtherPolicy { .. } => {
            "hint: leave out --policy to run under the policy the store records"
        }
        StoreError::Unavailable { .. } => {
            "hint: check that PostgreSQL is running and the URL's user, host and database"
        }
        StoreError::ReadOnly { .. } => "hint: the store must be writable by this user",
        StoreError::NewerSchema { .. } => {
            "hint: a newer version of security-assistance wrote this store; upgrade this one"
        }
        StoreError::Checksum { .. }
        | StoreError::Undecodable { .. }
        | StoreError::OutOfOrder { .. }
        | StoreError::Checkpoint { .. }
        | StoreError::Refused { .. } => {
            "hint: the store holds something wrong; run `security-assistance verify` for a \
             full report and restore the store from a backup"
        }
        _ => "hint: run `security-assistance verify` to check the store",
    }
}

//! A database of its own for each test: a new PostgreSQL schema in the cluster that
//! `SA_POSTGRES_URL` names, dropped when the test ends.
//!
//! Without `SA_POSTGRES_URL` a test says on stderr (past the test harness's capture) that
//! it did not run and returns; with `CI=true` it fails instead, so CI never passes a
//! PostgreSQL test it did not run.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

use security_assistance_postgres::Config;

/// A schema that exists for one test; `config` connects into it.
pub(crate) struct TestSchema {
    /// Connects to the cluster with `search_path` set to this schema.
    pub(crate) config: Config,
    /// The schema's name.
    pub(crate) name: String,
    admin: Config,
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        if let Ok(mut client) = self.admin.connect(postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The cluster's URL, or `None` after saying that `test` did not run (a failure in CI).
pub(crate) fn cluster_url(test: &str) -> Option<String> {
    match std::env::var("SA_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                !in_ci(),
                "{test}: CI=true but SA_POSTGRES_URL is not set; start PostgreSQL with .ci/postgres.sh"
            );
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED {test}: SA_POSTGRES_URL is not set, so this PostgreSQL test did not run \
                 (run `.ci/postgres.sh cargo test -p security-assistance-postgres`)"
            );
            None
        }
    }
}

/// A fresh schema for `test`, or `None` when no cluster is configured (see [`cluster_url`]).
pub(crate) fn schema(test: &str) -> Option<TestSchema> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let url = cluster_url(test)?;
    let admin: Config = url.parse().expect("SA_POSTGRES_URL is a PostgreSQL URL");
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let short: String = test.to_lowercase().chars().take(32).collect();
    let name = format!("sa_{short}_{}_{n}", std::process::id());
    let mut client = admin
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("{test}: cannot connect to SA_POSTGRES_URL {url}: {e}"));
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
        ))
        .expect("create the test's schema");
    let mut config = admin.clone();
    config.options(&format!("-c search_path={name}"));
    Some(TestSchema {
        config,
        name,
        admin,
    })
}

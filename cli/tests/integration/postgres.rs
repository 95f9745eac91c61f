//! The same scenario on PostgreSQL, in a schema of its own.
//!
//! Without `SA_POSTGRES_URL` a test says on stderr (past the test harness's capture) that
//! it did not run and returns; with `CI=true` it fails instead, so CI never passes a
//! PostgreSQL test it did not run. The build script lists these tests as warnings.

use std::io::Write;

use crate::cli::scenario;
use crate::support::{Target, stdin, too_much, year};

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
                 (run `.ci/postgres.sh cargo test -p security-assistance-cli`)"
            );
            None
        }
    }
}

/// A schema that exists for one test, dropped at the end.
struct Schema {
    admin: postgres::Config,
    name: String,
    target: Target,
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = self.admin.connect(postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

impl Schema {
    /// The rows of `table` in this schema.
    fn count(&self, table: &str) -> i64 {
        let mut client = self.admin.connect(postgres::NoTls).unwrap();
        client
            .query_one(&format!("SELECT count(*) FROM {}.{table}", self.name), &[])
            .unwrap()
            .get(0)
    }
}

fn schema(test: &str) -> Option<Schema> {
    let url = cluster_url(test)?;
    let admin: postgres::Config = url.parse().expect("SA_POSTGRES_URL is a PostgreSQL URL");
    let short: String = test.to_lowercase().chars().take(32).collect();
    let name = format!("sa_cli_{short}_{}", std::process::id());
    let mut client = admin
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("{test}: cannot connect to SA_POSTGRES_URL {url}: {e}"));
    client
        .batch_execute(&format!(
            "DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}"
        ))
        .expect("create the test's schema");
    let separator = if url.contains('?') { '&' } else { '?' };
    let with_schema = format!("{url}{separator}options=-c%20search_path%3D{name}");
    Some(Schema {
        admin,
        name,
        target: Target {
            args: vec![
                "--postgres".into(),
                with_schema,
                "--policy".into(),
                "open".into(),
            ],
        },
    })
}

#[test]
fn every_subcommand_works_end_to_end_on_postgres() {
    let Some(schema) = schema("every_subcommand_works_end_to_end_on_postgres") else {
        return;
    };
    scenario(&schema.target);
    // The journal is in the test's schema (the URL's search_path), nowhere else.
    assert_eq!(schema.count("sa_journal"), 6);
}

#[test]
fn delegated_authority_is_recorded_and_enforced_on_postgres() {
    let Some(schema) = schema("delegated_authority_is_recorded_and_enforced_on_postgres") else {
        return;
    };
    let dir = std::env::temp_dir().join(format!("sa-cli-pg-delegated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    crate::authority::delegated_scenario(&schema.target, &dir);
    assert_eq!(schema.count("sa_policy"), 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn facts_and_an_atomic_batch_on_postgres() {
    let Some(schema) = schema("facts_and_an_atomic_batch_on_postgres") else {
        return;
    };
    let target = &schema.target;
    let today = "2008-02-01";
    let mut commands = year();
    commands.push(too_much());
    target
        .run(today, &["apply", "--atomic"], &stdin(&commands))
        .expect(1);
    let verify = target.run(today, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 0);
    let coup = r#"{"partner":"THA","kind":{"kind":"military_coup"},"effective_from":"2006-09-19","citation":{"act":"CRS","section":"IF11267"},"recorded":"2006-09-20"}"#;
    target
        .run(today, &["facts", "add"], &stdin(&[coup.into()]))
        .expect(0);
    let list = target.run(today, &["facts", "list"], "").expect(0);
    assert_eq!(list.lines()[0]["partner"], "THA");
    assert_eq!(list.lines()[0]["recorded"], today);
    assert_eq!(schema.count("sa_cli_eligibility"), 1);
}

/// Eight instances starting together on a fresh schema each create the store and the
/// facts table if missing and add a fact: none fails on the other's `CREATE TABLE` (the
/// table is created under the store's advisory lock), and every fact is there once.
#[test]
fn instances_starting_together_create_the_facts_table_once() {
    let Some(schema) = schema("instances_starting_together_create_the_facts_table") else {
        return;
    };
    let today = "2008-02-01";
    let coup = r#"{"partner":"THA","kind":{"kind":"military_coup"},"effective_from":"2006-09-19","citation":{"act":"CRS","section":"IF11267"},"recorded":"2006-09-20"}"#;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let target = schema.target.clone();
            let barrier = std::sync::Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                target.run(today, &["facts", "add"], &stdin(&[coup.into()]))
            })
        })
        .collect();
    for run in runs {
        run.join().unwrap().expect(0);
    }
    assert_eq!(schema.count("sa_cli_eligibility"), 8);
}

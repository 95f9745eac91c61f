//! Running the binary, and the commands of a small FMF year.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use serde_json::Value;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_security-assistance");

/// Where a test's ledger lives: the arguments that name it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) args: Vec<String>,
}

impl Target {
    /// A SQLite file in a new temporary directory.
    pub(crate) fn sqlite(test: &str) -> (Target, PathBuf) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("sa-cli-{test}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = dir.join("ledger.sqlite");
        (
            Target {
                args: vec![
                    "--store".into(),
                    store.display().to_string(),
                    "--policy".into(),
                    "open".into(),
                ],
            },
            dir,
        )
    }

    /// The same store under the policy in the file `path` instead of `--policy open`.
    pub(crate) fn with_policy(&self, path: &Path) -> Target {
        let mut args = self.args.clone();
        if let Some(at) = args.iter().position(|a| a == "--policy") {
            args.truncate(at);
        }
        args.push("--policy".into());
        args.push(path.display().to_string());
        Target { args }
    }

    /// The same store with no --policy: the one the store records.
    pub(crate) fn recorded_policy(&self) -> Target {
        let mut args = self.args.clone();
        if let Some(at) = args.iter().position(|a| a == "--policy") {
            args.truncate(at);
        }
        Target { args }
    }

    /// Runs the binary with these arguments after the target's, stdin fed, on business
    /// date `today`.
    pub(crate) fn run(&self, today: &str, args: &[&str], stdin: &str) -> Run {
        let mut all: Vec<String> = self.args.clone();
        all.push("--today".into());
        all.push(today.into());
        all.extend(args.iter().map(|a| (*a).to_owned()));
        run_raw(&all, stdin)
    }
}

/// Runs the binary with exactly `args`, without the environment variables it reads.
pub(crate) fn run_raw(args: &[String], stdin: &str) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("SA_POSTGRES_URL")
        .env_remove("SA_TODAY")
        .env_remove("SA_ELIGIBILITY")
        .env_remove("SA_POLICY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let run = Run(child.wait_with_output().unwrap());
    run.validate(args);
    run
}

/// The committed schema (under `schemas/`) of what the program prints on stdout for these
/// arguments, when it prints JSON.
fn schema_of(args: &[String]) -> Option<&'static str> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let json = words.windows(2).any(|w| w == ["--format", "json"]);
    let position = words.iter().position(|w| {
        [
            "apply",
            "check",
            "import",
            "facts",
            "waivers",
            "verify",
            "status",
            "sf133",
            "trial-balance",
            "audit",
        ]
        .contains(w)
    })?;
    let next = words.get(position + 1).copied();
    match (words[position], next) {
        _ if words.contains(&"--help") => None,
        ("apply" | "check", _) => Some("cli/apply.json"),
        ("import", Some("csv")) => Some("cli/import_csv.json"),
        ("import", Some("journal")) => Some("cli/import_journal.json"),
        ("facts" | "waivers", Some("add")) => Some("cli/records_add.json"),
        ("facts", Some("list")) => Some("cli/facts_list.json"),
        ("waivers", Some("list")) => Some("cli/waivers_list.json"),
        ("verify", _) => Some("cli/verify.json"),
        ("status", _) if json => Some("status_report.json"),
        ("sf133", _) if json => Some("sf133.json"),
        ("trial-balance", _) if json => Some("cli/trial_balance.json"),
        ("audit", _) if json => Some("audit_report.json"),
        _ => None,
    }
}

/// The validator of a committed schema, compiled once per test binary.
pub(crate) fn validator(name: &str) -> std::sync::Arc<jsonschema::Validator> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache.lock().unwrap();
    Arc::clone(cache.entry(name.to_owned()).or_insert_with(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../schemas")
            .join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).unwrap();
        Arc::new(jsonschema::draft202012::new(&schema).unwrap())
    }))
}

impl Run {
    /// Every JSON line the program printed is valid under its committed schema.
    fn validate(&self, args: &[String]) {
        let Some(name) = schema_of(args) else {
            return;
        };
        let validator = validator(name);
        for line in self.stdout().lines() {
            let value: Value = serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("{args:?} printed a line that is not JSON ({e}): {line}")
            });
            let problems: Vec<String> = validator
                .iter_errors(&value)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                problems.is_empty(),
                "{args:?}: a line is not valid under schemas/{name}: {problems:?}\n{line}"
            );
        }
    }
}

/// A finished run.
#[derive(Debug)]
pub(crate) struct Run(pub(crate) Output);

impl Run {
    pub(crate) fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8(self.0.stdout.clone()).unwrap()
    }
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8(self.0.stderr.clone()).unwrap()
    }
    /// Every stdout line as JSON.
    pub(crate) fn lines(&self) -> Vec<Value> {
        self.stdout()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    }
    /// Asserts the exit code, showing the output if it differs.
    pub(crate) fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

pub(crate) const ACCOUNT: &str = "011-2008/2009-1082";

/// The year's commands as JSON lines: appropriate $1,000,000, apportion, allot $600,000 to
/// DSCA, allocate $500,000 to Jordan, obligate $400,000.10, disburse $123,456.78.
pub(crate) fn year() -> Vec<String> {
    let c = |id: &str, date: &str, action: &str| {
        format!(r#"{{"id":"{id}","date":"{date}","actor":"budget-office","action":{action}}}"#)
    };
    let key = r#"{"holder":"DSCA","program":"financing","partner":"JOR"}"#;
    vec![
        c(
            "a1",
            "2008-01-02",
            &format!(
                r#"{{"type":"appropriate","account":"{ACCOUNT}","title":"FMF","purposes":["financing"],"amount":"1000000.00","law":"P.L. 110-161"}}"#
            ),
        ),
        c(
            "a2",
            "2008-01-02",
            &format!(
                r#"{{"type":"apportion","account":"{ACCOUNT}","category":{{"category":"by_period","from":"2007-10-01"}},"amount":"1000000.00"}}"#
            ),
        ),
        c(
            "a3",
            "2008-01-03",
            &format!(
                r#"{{"type":"allot","account":"{ACCOUNT}","holder":"DSCA","amount":"600000.00"}}"#
            ),
        ),
        c(
            "a4",
            "2008-01-04",
            &format!(
                r#"{{"type":"allocate","account":"{ACCOUNT}","key":{key},"amount":"500000.00"}}"#
            ),
        ),
        c(
            "a5",
            "2008-01-05",
            &format!(
                r#"{{"type":"obligate","account":"{ACCOUNT}","document":"JO-GAA-1","instrument":"grant_agreement","funding":{{"from":"allocation","key":{key}}},"amount":"400000.10"}}"#
            ),
        ),
        c(
            "a6",
            "2008-01-10",
            &format!(
                r#"{{"type":"disburse","account":"{ACCOUNT}","document":"JO-GAA-1","amount":"123456.78"}}"#
            ),
        ),
    ]
}

/// A command that asks for more than the allotment holds.
pub(crate) fn too_much() -> String {
    format!(
        r#"{{"id":"x1","date":"2008-01-11","actor":"budget-office","action":{{"type":"allocate","account":"{ACCOUNT}","key":{{"holder":"DSCA","program":"financing","partner":"EGY"}},"amount":"100000.01"}}}}"#
    )
}

/// `lines` joined as stdin.
pub(crate) fn stdin(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// The totals row of `status --format json`: one amount of it.
pub(crate) fn total_of(report: &Value, column: &str) -> String {
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{report}");
    rows[0][column].as_str().unwrap().to_owned()
}

/// Removes a test's directory.
pub(crate) fn clean(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

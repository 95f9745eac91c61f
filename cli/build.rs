//! Says, at build time, which tests will not run against PostgreSQL.
//!
//! The integration tests need a database: `SA_POSTGRES_URL` names one (`.ci/postgres.sh`
//! starts a throwaway cluster and sets it). Without it a developer's plain `cargo test`
//! still passes, but must not pass silently, so this script lists every test that will
//! only report itself skipped. In CI (`CI=true`) those tests fail instead of skipping.

#![allow(clippy::print_stdout)] // a build script speaks to cargo on stdout

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=SA_POSTGRES_URL");
    println!("cargo:rerun-if-env-changed=CI");
    println!("cargo:rerun-if-changed=tests");
    if std::env::var_os("SA_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        return;
    }
    let mut tests = Vec::new();
    collect_tests(Path::new("tests"), &mut tests);
    tests.sort();
    tests.dedup();
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    let consequence = if ci {
        "CI=true: they will FAIL"
    } else {
        "they will be skipped, each saying so"
    };
    println!(
        "cargo:warning=SA_POSTGRES_URL is not set, so {} PostgreSQL tests of \
         security-assistance-cli cannot run ({consequence}); start a cluster with \
         `.ci/postgres.sh cargo test -p security-assistance-cli`",
        tests.len()
    );
    for test in tests {
        println!("cargo:warning=  not run without PostgreSQL: {test}");
    }
}

/// Every test under `dir` that needs the cluster, as `file::name`: the tests name
/// themselves when they ask for it (`schema("name")` or `cluster_url("name")`).
fn collect_tests(dir: &Path, tests: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_tests(&path, tests);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let Ok(text) = fs::read_to_string(&path) else {
            continue;
        };
        let module = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        for call in ["schema(\"", "cluster_url(\""] {
            for (at, _) in text.match_indices(call) {
                let rest = text
                    .get(at.saturating_add(call.len())..)
                    .unwrap_or_default();
                let name: String = rest.chars().take_while(|c| *c != '"').collect();
                tests.push(format!("{module}::{name}"));
            }
        }
    }
}

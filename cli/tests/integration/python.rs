//! The CLI driven from Python (stdlib only), as a service in another language would.

use std::io::Write;
use std::process::Command;

use crate::support::{BIN, Target, clean};

#[test]
fn a_python_client_applies_commands_and_checks_the_status_to_the_cent() {
    let python = Command::new("python3").arg("--version").output();
    if python.is_err() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(
            !ci,
            "CI=true but python3 is not installed: the Python client test cannot run"
        );
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED a_python_client_applies_commands_and_checks_the_status_to_the_cent: \
             python3 is not installed"
        );
        return;
    }
    let (target, dir) = Target::sqlite("python");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/integration/client.py");
    let output = Command::new("python3")
        .arg(script)
        .arg(BIN)
        .args(&target.args)
        .env_remove("SA_POSTGRES_URL")
        .env_remove("SA_TODAY")
        .env_remove("SA_ELIGIBILITY")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Python client failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("python client: ok"));
    clean(&dir);
}

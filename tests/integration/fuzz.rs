//! A short, count-bounded run of the fuzz harness (`tests/fuzzing/harness.rs`; the long
//! run is `examples/fuzz.rs`): seeded command streams, mutated journals and mutated CSV
//! files, with the invariants checked after every accepted command and import.

use crate::harness::{Config, run};

#[test]
fn a_short_fuzz_run_finds_nothing() {
    let config = Config {
        seed: 17,
        commands: 3_000,
        journals: 1_500,
        csv: 300,
        stream_len: 24,
        deep_every: 1,
    };
    let report = run(&config, &mut |_| {});
    assert!(report.commands >= config.commands, "{}", report.summary());
    assert!(report.journals >= config.journals, "{}", report.summary());
    assert!(report.csv >= config.csv, "{}", report.summary());
    // The generators reach deep states: most streams get commands accepted.
    assert!(report.commands_accepted > report.commands / 10, "{}", report.summary());
    let findings: Vec<String> = report
        .findings
        .iter()
        .map(|(kind, f)| format!("x{} {kind}\n{}", f.count, f.example))
        .collect();
    assert!(findings.is_empty(), "{}\n{}", report.summary(), findings.join("\n\n"));
}

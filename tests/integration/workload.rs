//! The 10,000-row workload: the CSV import and the status of funds reproduce the reference
//! balances of `check_workload.py --report` exactly.

#[allow(dead_code, unreachable_pub)]
#[path = "../../examples/status_from_csv.rs"]
mod status_from_csv;

#[test]
fn status_of_funds_matches_the_reference_to_the_cent() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/workload-10k");
    let csv = std::fs::File::open(dir.join("tx.csv")).unwrap();
    let mut out = Vec::new();
    let rows = status_from_csv::write_status(std::io::BufReader::new(csv), &mut out).unwrap();
    assert_eq!(rows, 10_000);
    let expected = std::fs::read_to_string(dir.join("ref.tsv")).unwrap();
    let got = String::from_utf8(out).unwrap();
    assert_eq!(got.lines().count(), expected.lines().count());
    for (line, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
        assert_eq!(g, e, "line {}", line + 1);
    }
}

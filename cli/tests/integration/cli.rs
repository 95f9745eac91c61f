//! Every subcommand end to end on SQLite; [`scenario`] also runs on PostgreSQL.

use serde_json::Value;

use crate::support::{ACCOUNT, Target, clean, run_raw, stdin, too_much, total_of, year};

const TODAY: &str = "2008-02-01";

/// The year applied, refused, checked, reported, exported, verified: the same on every
/// store.
pub(crate) fn scenario(target: &Target) {
    // Apply: one receipt a line, then a refusal that changes nothing and exits 1.
    let run = target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    let lines = run.lines();
    assert_eq!(lines.len(), 6);
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line["line"], n + 1);
        assert_eq!(line["receipt"]["sequence"], n as u64, "{line}");
    }
    let refused = target
        .run(TODAY, &["apply"], &stdin(&[too_much()]))
        .expect(1);
    let error = &refused.lines()[0]["error"];
    // The crate's one error shape: the service's code, the ledger's reason as the source
    // with its citation and precedence.
    assert_eq!(error["code"], "refused", "{error}");
    assert_eq!(error["source"]["code"], "exceeds", "{error}");
    assert_eq!(error["source"]["level"], "allotment", "{error}");
    assert_eq!(error["source"]["available"], "100000.00", "{error}");
    assert!(
        error["source"]["citation"]
            .as_str()
            .unwrap()
            .contains("1517"),
        "{error}"
    );
    assert!(
        refused
            .stderr()
            .contains("0 of 1 command(s) applied, 1 refused")
    );

    // Applying the year again: every command a duplicate, nothing new.
    let again = target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    assert!(
        again
            .lines()
            .iter()
            .all(|l| l["receipt"]["duplicate"] == true)
    );

    // Status to the cent, in each format.
    let json = target
        .run(
            TODAY,
            &["status", "--by", "account", "--format", "json"],
            "",
        )
        .expect(0);
    let report: Value = serde_json::from_str(&json.stdout()).unwrap();
    assert_eq!(total_of(&report, "obligated"), "400000.10");
    assert_eq!(total_of(&report, "disbursed"), "123456.78");
    assert_eq!(total_of(&report, "unliquidated"), "276543.32");
    assert_eq!(total_of(&report, "unobligated"), "599999.90");
    let table = target
        .run(TODAY, &["status", "--by", "account,partner"], "")
        .expect(0);
    assert!(table.stdout().contains("$400,000.10"), "{}", table.stdout());
    assert!(table.stdout().contains("JOR"), "{}", table.stdout());
    let csv = target
        .run(TODAY, &["status", "--by", "partner", "--format", "csv"], "")
        .expect(0);
    assert!(
        csv.stdout()
            .lines()
            .any(|l| l.contains("JOR") && l.contains("400000.10"))
    );

    // As of a date before the obligation: nothing obligated.
    let before = target
        .run(
            TODAY,
            &[
                "status",
                "--by",
                "account",
                "--format",
                "json",
                "--as-of",
                "2008-01-04",
            ],
            "",
        )
        .expect(0);
    let before: Value = serde_json::from_str(&before.stdout()).unwrap();
    assert_eq!(total_of(&before, "obligated"), "0.00");

    // SF-133 and the trial balance.
    let sf133 = target
        .run(
            TODAY,
            &["sf133", "--account", ACCOUNT, "--format", "json"],
            "",
        )
        .expect(0);
    let sf133: Value = serde_json::from_str(&sf133.stdout()).unwrap();
    let line = |n: u64| {
        sf133["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == n)
            .map(|l| l["amount"].as_str().unwrap().to_owned())
    };
    assert_eq!(line(1100).as_deref(), Some("1000000.00"));
    assert_eq!(line(2190).as_deref(), Some("400000.10"));
    let trial = target
        .run(TODAY, &["trial-balance", "--format", "json"], "")
        .expect(0);
    let trial: Value = serde_json::from_str(&trial.stdout()).unwrap();
    assert_eq!(trial[0]["account"], ACCOUNT);
    assert_eq!(trial[0]["net"], "0.00");

    // File B needs the program activity of every account's program that has money.
    let no_activity = target.run(TODAY, &["export", "file-b"], "").expect(1);
    assert!(
        no_activity.stderr().contains("program activity"),
        "{}",
        no_activity.stderr()
    );
    let activities = std::env::temp_dir().join(format!(
        "sa-cli-activities-{}-{}.json",
        std::process::id(),
        target.args.join("").len()
    ));
    std::fs::write(
        &activities,
        format!(
            r#"[{{"account":"{ACCOUNT}","program":"financing","activity":{{"code":"0001","name":"Foreign Military Financing","reporting_key":null}}}}]"#
        ),
    )
    .unwrap();
    let file_b = target
        .run(
            TODAY,
            &[
                "export",
                "file-b",
                "--program-activities",
                activities.to_str().unwrap(),
            ],
            "",
        )
        .expect(0);
    assert!(
        file_b
            .stdout()
            .contains("ObligationsIncurredByProgramObjectClass_CPE")
    );
    assert!(
        file_b.stdout().contains("Foreign Military Financing"),
        "{}",
        file_b.stdout()
    );
    let _ = std::fs::remove_file(&activities);

    // Every other export, to stdout.
    for (format, marker) in [
        ("file-a", "AllocationTransferAgencyIdentifier"),
        ("foreign-assistance", "JOR"),
        ("flow-svg", "<svg"),
        ("flow-mermaid", "sankey-beta"),
    ] {
        let export = target.run(TODAY, &["export", format], "").expect(0);
        assert!(
            export.stdout().contains(marker),
            "{format}: {}",
            export.stdout()
        );
    }
    let iati = target
        .run(
            TODAY,
            &[
                "export",
                "iati",
                "--org-ref",
                "XM-DAC-302",
                "--org-name",
                "State",
            ],
            "",
        )
        .expect(0);
    assert!(
        iati.stdout().contains("XM-DAC-302-financing-JOR"),
        "{}",
        iati.stdout()
    );

    // Verify: one report, every check passed.
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    let report = &verify.lines()[0];
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["entries"], 6);
    assert_eq!(report["entries_with_decisions"], 2);
}

#[test]
fn every_subcommand_works_end_to_end_on_sqlite() {
    let (target, dir) = Target::sqlite("scenario");
    scenario(&target);
    clean(&dir);
}

#[test]
fn an_atomic_apply_applies_nothing_when_one_command_is_refused() {
    let (target, dir) = Target::sqlite("atomic");
    let mut commands = year();
    commands.push(too_much());
    let run = target
        .run(TODAY, &["apply", "--atomic"], &stdin(&commands))
        .expect(1);
    let lines = run.lines();
    assert_eq!(lines.len(), 7);
    let refused = &lines[6]["error"];
    assert_eq!(refused["code"], "batch", "{refused}");
    assert_eq!(refused["source"]["code"], "batch_refused", "{refused}");
    assert_eq!(refused["source"]["error"]["code"], "exceeds", "{refused}");
    for line in &lines[..6] {
        assert_eq!(line["error"]["code"], "not_applied", "{line}");
        assert!(
            line["error"]["message"]
                .as_str()
                .unwrap()
                .contains("line 7")
        );
    }
    // The store exists and holds nothing.
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 0);
    // Without the bad command the batch applies whole.
    let run = target
        .run(TODAY, &["apply", "--atomic"], &stdin(&year()))
        .expect(0);
    assert!(run.lines().iter().all(|l| l.get("receipt").is_some()));
    clean(&dir);
}

#[test]
fn check_is_a_dry_run_that_writes_nothing() {
    let (target, dir) = Target::sqlite("check");
    // On no store at all: checked in order, and no file is created.
    let mut commands = year();
    commands.push(too_much());
    let run = target.run(TODAY, &["check"], &stdin(&commands)).expect(1);
    let lines = run.lines();
    assert!(
        lines[..6].iter().all(|l| l.get("receipt").is_some()),
        "{lines:?}"
    );
    assert_eq!(lines[6]["error"]["code"], "refused");
    assert!(!dir.join("ledger.sqlite").exists());
    // On a store: the same answers as apply, and the store unchanged.
    target
        .run(TODAY, &["apply"], &stdin(&year()[..3]))
        .expect(0);
    let checked = target
        .run(TODAY, &["check"], &stdin(&year()[3..]))
        .expect(0);
    assert_eq!(checked.lines()[0]["receipt"]["sequence"], 3);
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 3);
    clean(&dir);
}

#[test]
fn a_line_that_is_not_a_command_is_refused_and_names_the_problem() {
    let (target, dir) = Target::sqlite("badline");
    let bad = r#"{"id":"b1","date":"2008-1-2","actor":"x","action":{"type":"rescind"}}"#;
    let misspelt = year()[0].replace("\"title\"", "\"titel\"");
    let run = target
        .run(
            TODAY,
            &["apply"],
            &stdin(&["not json".into(), bad.into(), misspelt]),
        )
        .expect(1);
    let lines = run.lines();
    assert_eq!(lines.len(), 3);
    for line in &lines {
        assert_eq!(line["error"]["code"], "invalid_json", "{line}");
    }
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("titel")
    );
    clean(&dir);
}

#[test]
fn status_as_known_on_a_date_leaves_out_what_was_recorded_later() {
    let (target, dir) = Target::sqlite("known");
    target
        .run("2008-01-20", &["apply"], &stdin(&year()[..4]))
        .expect(0);
    target
        .run("2008-02-01", &["apply"], &stdin(&year()[4..]))
        .expect(0);
    let known = |known_on: &str| {
        let run = target
            .run(
                TODAY,
                &[
                    "status",
                    "--by",
                    "account",
                    "--format",
                    "json",
                    "--known-on",
                    known_on,
                ],
                "",
            )
            .expect(0);
        let report: Value = serde_json::from_str(&run.stdout()).unwrap();
        total_of(&report, "obligated")
    };
    assert_eq!(known("2008-01-31"), "0.00");
    assert_eq!(known("2008-02-01"), "400000.10");
    clean(&dir);
}

#[test]
fn status_by_mission_area_reads_the_mission_register_from_a_file() {
    let (target, dir) = Target::sqlite("missions");
    target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    let register = dir.join("missions.json");
    std::fs::write(
        &register,
        format!(r#"{{"documents":{{"{ACCOUNT}":{{"JO-GAA-1":"counterterrorism"}}}}}}"#),
    )
    .unwrap();
    let path = register.display().to_string();
    let by_mission = |extra: &[&str]| {
        let mut args = vec!["status", "--by", "mission-area", "--format", "json"];
        args.extend_from_slice(extra);
        let run = target.run(TODAY, &args, "").expect(0);
        let report: Value = serde_json::from_str(&run.stdout()).unwrap();
        report["rows"].as_array().unwrap().clone()
    };
    // The tagged document's obligation is its area's; everything else is unassigned.
    let rows = by_mission(&["--missions", &path]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["key"]["mission_area"]["area"], "counterterrorism");
    assert_eq!(rows[0]["obligated"], "400000.10");
    assert_eq!(rows[0]["disbursed"], "123456.78");
    assert_eq!(rows[0]["unobligated"], "0.00");
    assert_eq!(rows[1]["key"]["mission_area"], "unassigned");
    assert_eq!(rows[1]["obligated"], "0.00");
    assert_eq!(rows[1]["unobligated"], "599999.90");
    // Without a register, every amount is unassigned.
    let rows = by_mission(&[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["key"]["mission_area"], "unassigned");
    assert_eq!(rows[0]["obligated"], "400000.10");
    // The table names the area; a register that is not one is refused, naming the file.
    let table = target
        .run(
            TODAY,
            &["status", "--by", "mission-area", "--missions", &path],
            "",
        )
        .expect(0);
    assert!(
        table.stdout().contains("counterterrorism"),
        "{}",
        table.stdout()
    );
    assert!(table.stdout().contains("unassigned"), "{}", table.stdout());
    std::fs::write(&register, r#"{"documents":{"not-an-account":{}}}"#).unwrap();
    let run = target
        .run(
            TODAY,
            &["status", "--by", "mission-area", "--missions", &path],
            "",
        )
        .expect(2);
    assert!(
        run.stderr().contains("mission register"),
        "{}",
        run.stderr()
    );
    clean(&dir);
}

#[test]
fn export_writes_a_file() {
    let (target, dir) = Target::sqlite("export");
    target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    let file = dir.join("flow.mmd");
    let run = target
        .run(
            TODAY,
            &[
                "export",
                "flow-mermaid",
                "--measure",
                "disbursed",
                "--out",
                &file.display().to_string(),
            ],
            "",
        )
        .expect(0);
    assert!(run.stdout().is_empty());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("123456.78"), "{text}");
    clean(&dir);
}

#[test]
fn imports_a_csv_all_or_nothing_with_every_bad_row_reported() {
    let (target, dir) = Target::sqlite("csv");
    let header = "id,date,fiscal_year,kind,account,program,country,amount\n";
    let good = "1,2016-10-16,2017,appropriation,070-2017-0114,,,1000.00\n\
                2,2016-10-26,2017,allotment,070-2017-0114,sales,,600.00\n\
                3,2016-11-02,2017,obligation,070-2017-0114,sales,NPL,250.00\n";
    let bad = "4,2016-11-03,2017,obligation,070-2017-0114,sales,NPL,500.00\n\
               5,2016-11-04,2017,disbursement,070-2017-0114,sales,NPL,abc\n";
    let file = dir.join("tx.csv");
    std::fs::write(&file, format!("{header}{good}{bad}")).unwrap();
    let path = file.display().to_string();
    let run = target
        .run("2017-01-01", &["import", "csv", &path], "")
        .expect(1);
    let lines = run.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["line"], 5);
    assert_eq!(lines[1]["line"], 6);
    assert!(run.stderr().contains("nothing imported"));
    assert!(
        !dir.join("ledger.sqlite").exists() || {
            let verify = target.run("2017-01-01", &["verify"], "").expect(0);
            verify.lines()[0]["entries"] == 0
        }
    );
    // Partial: the good rows, the bad ones reported, exit 1.
    let run = target
        .run("2017-01-01", &["import", "csv", &path, "--partial"], "")
        .expect(1);
    let lines = run.lines();
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["applied"], 3, "{summary}");
    assert_eq!(summary["skipped"].as_array().unwrap().len(), 2);
    let status = target
        .run(
            "2017-01-01",
            &["status", "--by", "account", "--format", "json"],
            "",
        )
        .expect(0);
    let report: Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(total_of(&report, "obligated"), "250.00");
    // The good file from stdin: every row already there.
    let run = target
        .run("2017-01-01", &["import", "csv"], &format!("{header}{good}"))
        .expect(0);
    assert_eq!(run.lines()[0]["summary"]["duplicates"], 3);
    clean(&dir);
}

#[test]
fn imports_a_json_journal_keeping_recorded_dates() {
    use security_assistance::budget::{Command, Ledger};
    use security_assistance::eligibility::AllowAll;
    let (target, dir) = Target::sqlite("journal");
    let mut ledger = Ledger::new(std::sync::Arc::new(AllowAll));
    for line in year() {
        // An imported journal keeps recorded dates: here each command's own date.
        let mut value: serde_json::Value = serde_json::from_str(&line).unwrap();
        value["recorded"] = value["date"].clone();
        let command: Command = serde_json::from_value(value).unwrap();
        ledger.apply(command).unwrap();
    }
    let journal = serde_json::to_string(ledger.journal()).unwrap();
    let run = target
        .run(TODAY, &["import", "journal"], &journal)
        .expect(0);
    assert_eq!(run.lines()[0]["summary"]["applied"], 6);
    // Recorded dates kept: as known on 2008-01-04, the obligation (recorded 2008-01-05) is
    // not there yet.
    let status = target
        .run(
            TODAY,
            &[
                "status",
                "--by",
                "account",
                "--format",
                "json",
                "--known-on",
                "2008-01-04",
            ],
            "",
        )
        .expect(0);
    let report: Value = serde_json::from_str(&status.stdout()).unwrap();
    assert_eq!(total_of(&report, "obligated"), "0.00");
    // A journal that does not replay is refused whole.
    let broken = journal.replace("400000.10", "900000.10");
    let run = target.run(TODAY, &["import", "journal"], &broken).expect(1);
    assert!(
        run.stderr().contains("nothing imported"),
        "{}",
        run.stderr()
    );
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 6);
    clean(&dir);
}

#[test]
fn verify_reports_a_corrupt_entry() {
    let (target, dir) = Target::sqlite("verify");
    target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    let db = rusqlite::Connection::open(dir.join("ledger.sqlite")).unwrap();
    db.execute(
        "UPDATE journal SET checksum = (checksum + 1) % 4294967296 WHERE sequence = 3",
        [],
    )
    .unwrap();
    drop(db);
    let run = target.run(TODAY, &["verify"], "").expect(1);
    let report = &run.lines()[0];
    assert_eq!(report["ok"], false);
    assert_eq!(report["checksums"]["ok"], false, "{report}");
    assert!(
        report["checksums"]["error"]
            .as_str()
            .unwrap()
            .contains("entry 3")
    );
    assert!(run.stderr().contains("FAILED"));
    // Opening the ledger reads every entry: a report refuses, with what to do (exit 3).
    let run = target.run(TODAY, &["status"], "").expect(3);
    assert!(run.stderr().contains("entry 3"), "{}", run.stderr());
    assert!(
        run.stderr().contains("security-assistance verify"),
        "{}",
        run.stderr()
    );
    clean(&dir);
}

#[test]
fn verify_reports_decisions_that_todays_facts_would_answer_differently() {
    let (target, dir) = Target::sqlite("decided-again");
    target.run(TODAY, &["apply"], &stdin(&year())).expect(0);
    let before = target.run(TODAY, &["verify"], "").expect(0);
    let again = &before.lines()[0]["decided_again"];
    assert!(again["asked"].as_u64().unwrap() >= 1, "{again}");
    assert_eq!(again["changed"], serde_json::json!([]), "{again}");
    // A coup in Jordan, learned today, effective before the year: the stored decisions that
    // allowed Jordan's allocation and obligation would now be answered differently.
    let coup = r#"{"partner":"JOR","kind":{"kind":"military_coup"},"effective_from":"2006-09-19","citation":{"act":"CRS","section":"IF11267"},"recorded":"2008-02-01"}"#;
    target
        .run(TODAY, &["facts", "add"], &stdin(&[coup.into()]))
        .expect(0);
    let after = target.run(TODAY, &["verify"], "").expect(0);
    let report = &after.lines()[0];
    assert_eq!(report["ok"], true, "reported, not failed: {report}");
    let changed = report["decided_again"]["changed"].as_array().unwrap();
    assert!(!changed.is_empty(), "{report}");
    for decision in changed {
        assert_eq!(decision["request"]["partner"], "JOR", "{decision}");
        assert_ne!(decision["stored"], decision["now"], "{decision}");
        assert_eq!(decision["now"], "ineligible", "{decision}");
    }
    clean(&dir);
}

#[test]
fn facts_gate_the_ledger_and_waivers_name_a_rule() {
    let (target, dir) = Target::sqlite("facts");
    target
        .run(TODAY, &["apply"], &stdin(&year()[..3]))
        .expect(0);
    let coup = r#"{"partner":"THA","kind":{"kind":"military_coup"},"effective_from":"2006-09-19","citation":{"act":"CRS","section":"IF11267"},"recorded":"1999-01-01"}"#;
    let run = target
        .run(TODAY, &["facts", "add"], &stdin(&[coup.into()]))
        .expect(0);
    // The recorded date is the CLI's today, not the input's.
    assert_eq!(run.lines()[0]["added"]["recorded"], TODAY);
    let list = target
        .run(TODAY, &["facts", "list", "--partner", "THA"], "")
        .expect(0);
    assert_eq!(list.lines().len(), 1);
    assert!(
        target
            .run(TODAY, &["facts", "list", "--partner", "JOR"], "")
            .expect(0)
            .lines()
            .is_empty()
    );
    let allocate = format!(
        r#"{{"id":"t1","date":"2008-01-20","actor":"budget-office","action":{{"type":"allocate","account":"{ACCOUNT}","key":{{"holder":"DSCA","program":"financing","partner":"THA"}},"amount":"1000.00"}}}}"#
    );
    // The built-in rules (the default) refuse it, citing section 7008.
    let run = target
        .run(TODAY, &["apply"], &stdin(std::slice::from_ref(&allocate)))
        .expect(1);
    let error = run.lines()[0]["error"].to_string();
    assert!(error.contains("7008"), "{error}");
    // Chosen explicitly, allow-all allows it and the decision says so.
    let run = target
        .run(
            TODAY,
            &["--eligibility", "allow-all", "apply"],
            &stdin(&[allocate]),
        )
        .expect(0);
    assert_eq!(
        run.lines()[0]["receipt"]["decision"]["rule_set"],
        "allow-all",
        "{}",
        run.stdout()
    );
    // A waiver of a rule the rule set does not have is refused, naming those it has.
    let waiver = r#"{"id":"PD-1","rule":"no-such-rule","partner":"THA","scope":{"scope":"all_programs"},"granted_by":"secretary_of_state","provision":{"act":"SFOPS","section":"7008"},"valid_from":"2008-01-01","recorded":"2008-01-01"}"#;
    let run = target
        .run(TODAY, &["waivers", "add"], &stdin(&[waiver.into()]))
        .expect(1);
    let message = run.lines()[0]["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("coup-7008"), "{message}");
    assert!(
        target
            .run(TODAY, &["waivers", "list"], "")
            .expect(0)
            .lines()
            .is_empty()
    );
    // An unknown field is refused.
    let run = target
        .run(
            TODAY,
            &["facts", "add"],
            &stdin(&[coup.replace("citation", "citaton")]),
        )
        .expect(1);
    assert_eq!(run.lines()[0]["error"]["code"], "invalid_json");
    clean(&dir);
}

#[test]
fn errors_say_what_was_wrong_and_exit_with_the_documented_status() {
    let (target, dir) = Target::sqlite("errors");
    // No store yet: 3, with what to do.
    let run = target.run(TODAY, &["status"], "").expect(3);
    assert!(run.stderr().contains("hint:"), "{}", run.stderr());
    // A loose date: 2.
    let run = target
        .run(TODAY, &["status", "--as-of", "2008-3-2"], "")
        .expect(2);
    assert!(run.stderr().contains("YYYY-MM-DD"), "{}", run.stderr());
    // IATI without its publisher: 2.
    target
        .run(TODAY, &["apply"], &stdin(&year()[..1]))
        .expect(0);
    let run = target.run(TODAY, &["export", "iati"], "").expect(2);
    assert!(run.stderr().contains("--org-ref"));
    // Another ledger's name: 3.
    let run = target
        .run(TODAY, &["--ledger", "other", "status"], "")
        .expect(3);
    assert!(run.stderr().contains("--ledger"), "{}", run.stderr());
    // A missing input file: 4.
    let run = target
        .run(TODAY, &["import", "csv", "/nonexistent/tx.csv"], "")
        .expect(4);
    assert!(run.stderr().contains("/nonexistent/tx.csv"));
    clean(&dir);
}

#[test]
fn apply_stamps_the_recorded_date_and_refuses_a_supplied_one() {
    let (target, dir) = Target::sqlite("recorded");
    let mut lines = year();
    lines.truncate(1);
    let with_recorded = lines[0].replacen(r#""actor""#, r#""recorded":"2008-01-02","actor""#, 1);
    for verb in ["check", "apply"] {
        let run = target
            .run(TODAY, &[verb], &stdin(std::slice::from_ref(&with_recorded)))
            .expect(1);
        let error = &run.lines()[0]["error"];
        // Its own code, naming the field, the fields allowed, and why.
        assert_eq!(error["code"], "field_not_accepted", "{error}");
        assert_eq!(error["field"], "recorded", "{error}");
        assert_eq!(
            error["allowed"],
            serde_json::json!([
                "id",
                "date",
                "actor",
                "action",
                "certifying_officer",
                "second_approver"
            ])
        );
        assert_eq!(error["precedence"], 0);
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("the ledger's clock stamps it"),
            "{message}"
        );
    }
    // The apply-input schema refuses the field too; the command without it is valid there,
    // and the journaled command's schema (which requires it) is another document.
    let input = crate::support::validator("cli/apply_input.json");
    let sent: Value = serde_json::from_str(&with_recorded).unwrap();
    assert!(!input.is_valid(&sent), "{sent}");
    let plain: Value = serde_json::from_str(&lines[0]).unwrap();
    assert!(input.is_valid(&plain), "{plain}");
    assert!(!crate::support::validator("command.json").is_valid(&plain));
    // A line that is not JSON keeps invalid_json, with serde_json's position.
    let run = target.run(TODAY, &["check"], "{\"id\": }\n").expect(1);
    let error = &run.lines()[0]["error"];
    assert_eq!(error["code"], "invalid_json", "{error}");
    assert_eq!(
        (error["line"].clone(), error["column"].clone()),
        (1.into(), 8.into())
    );
    // Nothing was applied; without the field the command applies, recorded on --today.
    let run = target.run(TODAY, &["apply"], &stdin(&lines)).expect(0);
    assert_eq!(run.lines()[0]["receipt"]["sequence"], 0);
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 1);
    let known = target
        .run(
            TODAY,
            &["status", "--format", "json", "--known-on", "2008-01-31"],
            "",
        )
        .expect(0);
    let before = known.stdout();
    let known = target
        .run(
            TODAY,
            &["status", "--format", "json", "--known-on", TODAY],
            "",
        )
        .expect(0);
    assert_ne!(
        before,
        known.stdout(),
        "the command is recorded on --today ({TODAY})"
    );
    clean(&dir);
}

#[test]
fn dates_on_the_command_line_are_exactly_yyyy_mm_dd() {
    let (target, dir) = Target::sqlite("dates");
    target
        .run(TODAY, &["apply"], &stdin(&year()[..1]))
        .expect(0);
    for bad in [
        "2008-3-2",
        " 2008-03-02",
        "2008-03-02 ",
        "+2008-03-02",
        "20080302",
        "2008-02-30",
    ] {
        for flag in ["--as-of", "--known-on"] {
            let run = target.run(TODAY, &["status", flag, bad], "").expect(2);
            assert!(
                run.stderr().contains(&format!(
                    "date {bad:?} is not a real day written YYYY-MM-DD"
                )),
                "{flag} {bad:?}: {}",
                run.stderr()
            );
        }
        let run = target.run(bad, &["status"], "").expect(2);
        assert!(
            run.stderr().contains("YYYY-MM-DD"),
            "--today {bad:?}: {}",
            run.stderr()
        );
    }
    target
        .run(TODAY, &["status", "--as-of", "2008-03-02"], "")
        .expect(0);
    clean(&dir);
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        vec!["--help"],
        vec!["apply", "--help"],
        vec!["check", "--help"],
        vec!["status", "--help"],
        vec!["sf133", "--help"],
        vec!["trial-balance", "--help"],
        vec!["export", "--help"],
        vec!["import", "--help"],
        vec!["import", "csv", "--help"],
        vec!["import", "journal", "--help"],
        vec!["verify", "--help"],
        vec!["facts", "--help"],
        vec!["facts", "add", "--help"],
        vec!["waivers", "list", "--help"],
    ] {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let run = run_raw(&args, "").expect(0);
        assert!(run.stdout().contains("Usage:"), "{args:?}");
    }
    let run = run_raw(&["--help".to_owned()], "").expect(0);
    assert!(run.stdout().contains("Exit status:"));
}

/// The output schemas have teeth: a real line of each kind is valid (every run is checked
/// in `support`), and the same line with an extra property, a wrong code or a loose date
/// is not.
#[test]
fn the_output_schemas_refuse_what_the_program_never_prints() {
    let (target, dir) = Target::sqlite("output-schemas");
    let applied = target
        .run(TODAY, &["apply"], &stdin(&year()[..1]))
        .expect(0);
    let receipt = applied.lines()[0].clone();
    let refused = target.run(TODAY, &["apply"], "{\"id\": 3}\n").expect(1);
    let error = refused.lines()[0].clone();
    let trial = target
        .run(TODAY, &["trial-balance", "--format", "json"], "")
        .expect(0);
    let trial: Value = serde_json::from_str(&trial.stdout()).unwrap();
    let verify = target.run(TODAY, &["verify"], "").expect(0).lines()[0].clone();
    let apply = crate::support::validator("cli/apply.json");
    assert!(apply.is_valid(&receipt) && apply.is_valid(&error));
    let mut extra = receipt.clone();
    extra["receipt"]["extra"] = true.into();
    assert!(!apply.is_valid(&extra), "{extra}");
    let mut no_version = receipt.clone();
    no_version.as_object_mut().unwrap().remove("format_version");
    assert!(!apply.is_valid(&no_version), "{no_version}");
    let mut unknown_code = error.clone();
    unknown_code["error"]["code"] = "invalid_jsn".into();
    assert!(!apply.is_valid(&unknown_code), "{unknown_code}");
    let trial_balance = crate::support::validator("cli/trial_balance.json");
    assert!(trial_balance.is_valid(&trial));
    let mut loose = trial.clone();
    loose[0]["as_of"] = "2008-2-1".into();
    assert!(!trial_balance.is_valid(&loose), "{loose}");
    let mut float = trial.clone();
    float[0]["net"] = 0.0.into();
    assert!(!trial_balance.is_valid(&float), "{float}");
    let verify_schema = crate::support::validator("cli/verify.json");
    assert!(verify_schema.is_valid(&verify));
    let mut extra = verify.clone();
    extra["checksums"]["why"] = "x".into();
    assert!(!verify_schema.is_valid(&extra), "{extra}");
    clean(&dir);
}

/// FAA 634A through the program: a reprogramming to a country with nothing justified is
/// refused with `notice_required` (its notice on the wire), and goes ahead once the
/// amount justified is journaled with `justify`.
#[test]
fn a_reprogramming_needs_its_justification_or_notice() {
    let (target, dir) = Target::sqlite("notice");
    target
        .run(TODAY, &["apply"], &stdin(&year()[..4]))
        .expect(0);
    let key = |partner: &str| {
        format!(r#"{{"holder":"DSCA","program":"financing","partner":"{partner}"}}"#)
    };
    let reprogram = format!(
        r#"{{"id":"r1","date":"2008-01-20","actor":"budget-office","action":{{"type":"reprogram","account":"{ACCOUNT}","from":{},"to":{},"amount":"1000.00","authority":"FAA sec. 634A"}}}}"#,
        key("JOR"),
        key("EGY")
    );
    let refused = target
        .run(TODAY, &["apply"], &stdin(std::slice::from_ref(&reprogram)))
        .expect(1);
    let error = &refused.lines()[0]["error"];
    assert_eq!(error["code"], "refused", "{error}");
    assert_eq!(error["source"]["code"], "notice_required", "{error}");
    assert_eq!(error["source"]["precedence"], 6, "{error}");
    assert_eq!(error["source"]["notice"]["review_days"], 15, "{error}");
    assert_eq!(
        error["source"]["notice"]["earliest"], "2008-02-04",
        "{error}"
    );
    assert!(
        error["source"]["citation"]
            .as_str()
            .unwrap()
            .contains("2394-1"),
        "{error}"
    );
    let justify = format!(
        r#"{{"id":"j1","date":"2008-01-15","actor":"budget-office","action":{{"type":"justify","account":"{ACCOUNT}","program":"financing","partner":"EGY","amount":"1000.00","level_653a":null,"source":"FY2008 CBJ"}}}}"#
    );
    let run = target
        .run(TODAY, &["apply"], &stdin(&[justify, reprogram]))
        .expect(0);
    assert!(run.lines().iter().all(|l| l.get("receipt").is_some()));
    let verify = target.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 6);
    clean(&dir);
}

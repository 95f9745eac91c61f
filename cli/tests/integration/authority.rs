//! Delegated fund-control authority through the program: the policy recorded once with the
//! store, a command beyond its actor's delegation refused (exit status and typed error), the
//! policy still enforced after reopening, and the audit trail of a document.

use std::path::Path;

use crate::support::{ACCOUNT, Target, clean, stdin, year};

const TODAY: &str = "2008-02-01";

/// The policy file: the Secretary of State heads agency 11.
fn write_policy(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("policy.json");
    std::fs::write(
        &path,
        r#"{"policy":"delegated","heads":[{"agency":11,"actor":"secretary"}]}"#,
    )
    .unwrap();
    path
}

/// The secretary's delegation to DSCA's director: allot, allocate, obligate and disburse
/// on the account, at most $700,000 a command.
fn delegation() -> String {
    format!(
        r#"{{"id":"d1","date":"2008-01-02","actor":"secretary","action":{{"type":"delegate","grant":{{"to":"dsca-director","role":"funds_holder","scope":{{"accounts":["{ACCOUNT}"]}},"powers":["allot","allocate","obligate","disburse"],"per_command":"700000.00"}}}}}}"#
    )
}

/// The certifying officer's delegation.
fn certifying() -> String {
    format!(
        r#"{{"id":"d2","date":"2008-01-02","actor":"secretary","action":{{"type":"delegate","grant":{{"to":"certifier","role":"certifying_officer","scope":{{"accounts":["{ACCOUNT}"]}},"powers":["certify"]}}}}}}"#
    )
}

/// The year of `support::year` signed by the delegate, the payment certified.
fn signed_year() -> Vec<String> {
    let mut lines = vec![delegation(), certifying()];
    for (n, line) in year().into_iter().enumerate() {
        // Appropriation and apportionment are acts of Congress and OMB; the rest the
        // delegate signs.
        let mut line = if n < 2 {
            line
        } else {
            line.replace(r#""actor":"budget-office""#, r#""actor":"dsca-director""#)
        };
        if line.contains(r#""type":"disburse""#) {
            line = line.replacen('{', r#"{"certifying_officer":"certifier","#, 1);
        }
        lines.push(line);
    }
    lines
}

/// An obligation by an actor who holds no delegation.
fn strangers_obligation() -> String {
    format!(
        r#"{{"id":"s1","date":"2008-01-20","actor":"stranger","action":{{"type":"obligate","account":"{ACCOUNT}","document":"JO-GAA-2","instrument":"grant_agreement","funding":{{"from":"allocation","key":{{"holder":"DSCA","program":"financing","partner":"JOR"}}}},"amount":"10.00"}}}}"#
    )
}

/// The whole story on one store: `target` names it with `--policy open`, `dir` is a
/// scratch directory for the policy file.
pub(crate) fn delegated_scenario(target: &Target, dir: &Path) {
    let delegated = target.with_policy(&write_policy(dir));
    let applied = delegated
        .run(TODAY, &["apply"], &stdin(&signed_year()))
        .expect(0);
    assert_eq!(applied.lines().len(), 8);
    // A command by an actor without a delegation: exit 1, the typed error, nothing written.
    let refused = delegated
        .run(TODAY, &["apply"], &stdin(&[strangers_obligation()]))
        .expect(1);
    let error = &refused.lines()[0]["error"];
    assert_eq!(error["code"], "refused", "{error}");
    assert_eq!(error["source"]["code"], "unauthorized", "{error}");
    assert_eq!(error["source"]["actor"], "stranger", "{error}");
    assert_eq!(error["source"]["citation"], "31 U.S.C. 1514(a)", "{error}");
    assert_eq!(
        error["source"]["problem"]["problem"], "no_delegation",
        "{error}"
    );
    // Reopened without --policy, the store's recorded policy still refuses it.
    let recorded = target.recorded_policy();
    let again = recorded
        .run(TODAY, &["apply"], &stdin(&[strangers_obligation()]))
        .expect(1);
    assert_eq!(again.lines()[0]["error"]["source"]["code"], "unauthorized");
    // Over the delegation's limit per command: refused, and it names the limit.
    let over = strangers_obligation()
        .replace("stranger", "dsca-director")
        .replace(r#""amount":"10.00""#, r#""amount":"700000.01""#);
    let over = recorded.run(TODAY, &["apply"], &stdin(&[over])).expect(1);
    assert_eq!(
        over.lines()[0]["error"]["source"]["problem"]["problem"],
        "over_command_limit",
        "{}",
        over.stdout()
    );
    // Opening it open is refused: the store records delegated authority.
    let open = target
        .run(TODAY, &["apply"], &stdin(&[strangers_obligation()]))
        .expect(3);
    assert!(
        open.stderr().contains("records the policy"),
        "{}",
        open.stderr()
    );
    // The journal holds the year and nothing refused.
    let verify = recorded.run(TODAY, &["verify"], "").expect(0);
    assert_eq!(verify.lines()[0]["entries"], 8);
    // The audit of the obligated document: the obligation and the payment, each signature
    // with the delegation that covered it and its chain to the secretary.
    let audit = recorded
        .run(
            TODAY,
            &[
                "audit",
                "--document",
                "JO-GAA-1",
                "--account",
                ACCOUNT,
                "--format",
                "json",
            ],
            "",
        )
        .expect(0);
    let report = &audit.lines()[0];
    assert_eq!(report["subject"], format!("document {ACCOUNT} JO-GAA-1"));
    let rows = report["rows"].as_array().unwrap();
    let signers: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap(),
                r["actor"].as_str().unwrap(),
                r["delegation"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        signers,
        [
            ("obligate", "dsca-director", "d1"),
            ("disburse", "dsca-director", "d1"),
            ("disburse", "certifier", "d2"),
        ]
    );
    assert_eq!(rows[0]["chain"][0][1], "secretary");
    let csv = recorded
        .run(
            TODAY,
            &[
                "audit",
                "--document",
                "JO-GAA-1",
                "--account",
                ACCOUNT,
                "--format",
                "csv",
            ],
            "",
        )
        .expect(0);
    assert!(
        csv.stdout()
            .starts_with("sequence,command,date,recorded,action")
    );
    assert!(
        csv.stdout()
            .contains("certifying_officer,d2,d2 by secretary")
    );
    let by_actor = recorded
        .run(TODAY, &["audit", "--actor", "certifier"], "")
        .expect(0);
    assert!(
        by_actor
            .stdout()
            .starts_with("audit trail of actor certifier")
    );
    assert_eq!(
        by_actor.stdout().lines().count(),
        2,
        "{}",
        by_actor.stdout()
    );
}

#[test]
fn a_store_under_delegated_authority_refuses_and_keeps_refusing_after_reopening() {
    let (target, dir) = Target::sqlite("delegated");
    delegated_scenario(&target, &dir);
    clean(&dir);
}

#[test]
fn a_store_that_records_no_policy_is_not_opened_without_one() {
    let (target, dir) = Target::sqlite("no-policy");
    let bare = target.recorded_policy();
    let run = bare.run(TODAY, &["apply"], &stdin(&year())).expect(2);
    assert!(
        run.stderr().contains("records no fund-control policy"),
        "{}",
        run.stderr()
    );
    assert!(run.stdout().is_empty());
    // Named once, the store keeps it: later commands need not name it.
    target
        .run(TODAY, &["apply"], &stdin(&year()[..1]))
        .expect(0);
    bare.run(TODAY, &["apply"], &stdin(&year()[1..])).expect(0);
    clean(&dir);
}

#[test]
fn audit_needs_a_document_with_its_account_or_an_actor() {
    let (target, dir) = Target::sqlite("audit-args");
    target.run(TODAY, &["audit"], "").expect(2);
    target
        .run(TODAY, &["audit", "--document", "JO-GAA-1"], "")
        .expect(2);
    clean(&dir);
}

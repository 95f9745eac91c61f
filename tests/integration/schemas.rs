//! The committed JSON Schemas (`schemas/*.json`) are the generated ones, and a real
//! validator (the `jsonschema` crate, draft 2020-12) accepts every document the crate wrote
//! in the main example's year and refuses each invalid one, as the crate does.
//!
//! To update the committed files after changing a wire type:
//! `cargo run --example write_schemas --features schemars` (or run this test with
//! `SA_WRITE_SCHEMAS=1`).
#![cfg(feature = "schemars")]

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    BatchError, Command, Dimension, Journal, Ledger, Receipt, Sf133, StatusQuery, StatusRow,
};
use security_assistance::report::json_schemas;
use security_assistance::store::{DurableLedger, FixedClock, MemoryStore, ServiceError};
use security_assistance::wire::{FormatError, FormatVersion};
use security_assistance::{Money, MoneyError};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::main_example::fiscal_year;

fn schemas_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn validator(name: &str) -> jsonschema::Validator {
    let schemas = json_schemas();
    let schema = schemas
        .get(name)
        .unwrap_or_else(|| panic!("no schema {name}"));
    jsonschema::draft202012::new(schema).unwrap_or_else(|e| panic!("schema {name}: {e}"))
}

/// A validator for one definition (`$defs/NAME`) of the document kind `document`.
fn def_validator(document: &str, name: &str) -> jsonschema::Validator {
    let schemas = json_schemas();
    let defs = schemas[document]["$defs"].clone();
    assert!(defs.get(name).is_some(), "{document} defines no {name}");
    let schema = json!({"$ref": format!("#/$defs/{name}"), "$defs": defs});
    jsonschema::draft202012::new(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .take(3)
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate: {errors:?}\n{document}"
    );
}

#[test]
fn the_committed_schemas_are_the_generated_ones() {
    let generated = json_schemas();
    for (name, schema) in &generated {
        let path = schemas_dir().join(format!("{name}.json"));
        let mut expected = serde_json::to_string_pretty(schema).unwrap();
        expected.push('\n');
        // The same update as the example, from the test binary.
        if std::env::var_os("SA_WRITE_SCHEMAS").is_some() {
            std::fs::write(&path, &expected).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "{} differs from the generated schema: run `cargo run --example write_schemas --features schemars` (or this test with SA_WRITE_SCHEMAS=1) and commit schemas/",
            path.display()
        );
    }
    // No committed schema is left over from a document kind that no longer exists.
    // schemas/cli/ holds the command-line program's schemas, checked by its own test.
    for file in std::fs::read_dir(schemas_dir()).unwrap() {
        let file = file.unwrap();
        if file.file_type().unwrap().is_dir() {
            continue;
        }
        let name = file.file_name().to_string_lossy().into_owned();
        let kind = name.strip_suffix(".json").unwrap_or(&name);
        assert!(
            generated.contains_key(kind),
            "schemas/{name} is not generated"
        );
    }
}

#[test]
fn every_schema_is_draft_2020_12_and_forbids_extra_properties() {
    for (name, schema) in json_schemas() {
        assert!(
            jsonschema::meta::is_valid(&schema),
            "{name} is not a valid schema"
        );
        // Every object with named properties forbids others.
        let mut stack = vec![schema.clone()];
        while let Some(node) = stack.pop() {
            match node {
                Value::Object(map) => {
                    if map.contains_key("properties") {
                        assert!(
                            map.get("additionalProperties") == Some(&Value::Bool(false))
                                || map.get("unevaluatedProperties") == Some(&Value::Bool(false)),
                            "{name}: an object allows extra properties: {map:?}"
                        );
                    }
                    assert_ne!(
                        map.get("format"),
                        Some(&json!("date")),
                        "{name}: date by format"
                    );
                    stack.extend(
                        map.into_iter()
                            .filter(|(k, _)| k != "const" && k != "enum")
                            .map(|(_, v)| v),
                    );
                }
                Value::Array(items) => stack.extend(items),
                _ => {}
            }
        }
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Every field named `key` in `value`, mutably, depth first.
fn find_mut<'a>(value: &'a mut Value, key: &str, out: &mut Vec<&'a mut Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == key {
                    out.push(v);
                } else {
                    find_mut(v, key, out);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| find_mut(v, key, out)),
        _ => {}
    }
}

/// `document` with its first field named `key` set to `to`, if it has one.
fn with_field(document: &Value, key: &str, to: Value) -> Option<Value> {
    let mut copy = document.clone();
    let mut found = Vec::new();
    find_mut(&mut copy, key, &mut found);
    let first = found.into_iter().next()?;
    *first = to;
    Some(copy)
}

struct Documents {
    journal: Value,
    commands: Vec<Value>,
    receipts: Vec<Value>,
    errors: Vec<Value>,
    batch_errors: Vec<Value>,
}

/// What the crate wrote in the main example's year, and the errors its ledger and service
/// answer to commands built from that year's (a larger amount, an unknown account, a
/// recorded date after today, a batch with one refused command).
fn documents() -> Documents {
    let year = fiscal_year::homeland_year().unwrap();
    let ledger = year.ledger();
    let journal = serde_json::to_value(ledger.journal()).unwrap();
    let mut entries = ledger.journal().to_entries();
    entries.sort_by_key(|e| e.sequence);
    let commands: Vec<Command> = entries.iter().map(|e| e.command.clone()).collect();

    // Receipts: the year again on a fresh ledger (its own), and each command retried.
    let mut fresh = Ledger::new(year.engine.clone());
    let mut receipts: Vec<Value> = Vec::new();
    for command in &commands {
        let receipt: Receipt = fresh.apply(command.clone()).unwrap();
        receipts.push(serde_json::to_value(&receipt).unwrap());
        let retry = ledger.check(command).unwrap();
        assert!(retry.duplicate);
        receipts.push(serde_json::to_value(&retry).unwrap());
    }

    // Errors: each command under a new id with a thousand times its amount, then with an
    // unknown account, through the service; and a batch with one of them.
    let clock = Arc::new(FixedClock::new(day(2009, 12, 1)));
    let mut service = DurableLedger::open(
        MemoryStore::default(),
        clock,
        year.engine.clone(),
        security_assistance::budget::Policy::Open,
    )
    .unwrap();
    // The service holds the year (recorded dates kept, one batch).
    let imported = service.import_all(commands.clone()).unwrap();
    assert_eq!(imported.len(), commands.len());
    // Open, so that its refusals reach existence and amount (under the year's delegated
    // authority an unknown account is out of every delegation's scope first).
    let mut open = ledger.clone();
    open.set_policy(security_assistance::budget::Policy::Open)
        .unwrap();
    assert_eq!(service.ledger(), &open);
    let mut errors = Vec::new();
    let mut batch_errors = Vec::new();
    for (n, command) in commands.iter().enumerate() {
        let mut json = serde_json::to_value(command).unwrap();
        json["id"] = json!(format!("SCHEMA-{n}"));
        let mut variants = Vec::new();
        if let Some(Value::String(amount)) = json["action"].get("amount").cloned() {
            let big: Money = amount.parse().unwrap();
            let big = big.checked_mul_int(1000).unwrap_or(big);
            variants.extend(with_field(
                &json,
                "amount",
                json!(big.to_decimal().to_string()),
            ));
        }
        variants.extend(with_field(&json, "account", json!("011-2008-9999")));
        for variant in variants {
            let variant: Command = serde_json::from_value(variant).unwrap();
            if let Err(e) = service.import(variant.clone()) {
                errors.push(serde_json::to_value(&e).unwrap());
            }
            if let Err(e) = ledger.check_all(&[commands[0].clone(), variant]) {
                batch_errors.push(serde_json::to_value(&e).unwrap());
            }
        }
        // The service's own refusal: recorded after its today.
        if n == 0 {
            let late = command.clone().recorded_on(day(2010, 1, 1));
            errors.push(serde_json::to_value(service.import(late).unwrap_err()).unwrap());
        }
    }
    // A store that is not there.
    let missing = std::env::temp_dir().join("security-assistance-no-such-dir/ledger.sqlite");
    let store = security_assistance_sqlite::SqliteStore::open(&missing, "x").unwrap_err();
    errors.push(serde_json::to_value(ServiceError::Store(store)).unwrap());

    Documents {
        journal,
        commands: commands
            .iter()
            .map(|c| serde_json::to_value(c).unwrap())
            .collect(),
        receipts,
        errors,
        batch_errors,
    }
}

fn codes(errors: &[Value]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for error in errors {
        let mut e = error;
        out.insert(e["code"].as_str().unwrap().to_owned());
        while let Some(source) = e.get("source").or_else(|| e.get("error")) {
            out.insert(source["code"].as_str().unwrap().to_owned());
            e = source;
        }
    }
    out
}

#[test]
fn every_document_of_the_main_year_validates() {
    let docs = documents();
    assert_valid(&validator("journal"), "the journal", &docs.journal);
    let command = validator("command");
    for c in &docs.commands {
        assert_valid(&command, "a command", c);
    }
    let receipt = validator("receipt");
    for r in &docs.receipts {
        assert_valid(&receipt, "a receipt", r);
    }
    assert!(
        docs.receipts.iter().any(|r| r.get("decision").is_some()),
        "no receipt with a decision"
    );
    assert_valid(
        &validator("batch_receipts"),
        "the receipts",
        &Value::Array(docs.receipts.clone()),
    );
    let error = validator("error");
    for e in &docs.errors {
        assert_valid(&error, "an error", e);
    }
    let batch_error = validator("batch_error");
    for e in &docs.batch_errors {
        assert_valid(&batch_error, "a batch error", e);
    }
    // Errors of several kinds, each read back by the crate as the same error.
    let seen = codes(&docs.errors);
    for code in [
        "refused",
        "recorded_after_today",
        "store",
        "not_found",
        "exceeds",
        "unknown_account",
    ] {
        assert!(seen.contains(code), "no {code} error among {seen:?}");
    }
    for e in &docs.errors {
        let back: ServiceError = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&back).unwrap(), e);
    }
    assert!(!docs.batch_errors.is_empty());
    for e in &docs.batch_errors {
        let _: BatchError = serde_json::from_value(e.clone()).unwrap();
    }
    // A money error on its own ($defs/MoneyError of the error schema).
    let money = def_validator("error", "MoneyError");
    for text in ["1.234", "1,000", "1e3", "", "12x"] {
        let e: MoneyError = text.parse::<Money>().unwrap_err();
        assert_valid(&money, "a money error", &serde_json::to_value(&e).unwrap());
    }
}

#[test]
fn the_query_results_of_the_main_year_validate() {
    let year = fiscal_year::homeland_year().unwrap();
    let ledger = year.ledger();
    let year_end = day(2008, 9, 30);
    let status = validator("status_rows");
    for dimensions in [
        &[Dimension::Account][..],
        &[Dimension::Partner],
        &[Dimension::Account, Dimension::Partner],
    ] {
        let rows: Vec<StatusRow> = ledger
            .status_of_funds(&StatusQuery::new(year_end, dimensions))
            .unwrap();
        assert!(!rows.is_empty());
        assert_valid(
            &status,
            "status rows",
            &serde_json::to_value(&rows).unwrap(),
        );
    }
    let account = fiscal_year::ACCOUNT.parse().unwrap();
    let sf133: Sf133 = ledger
        .sf133(&account, "FY2008".parse().unwrap(), year_end)
        .unwrap();
    assert_valid(
        &validator("sf133"),
        "the SF-133",
        &serde_json::to_value(&sf133).unwrap(),
    );
    let balance = ledger.trial_balance(&account).unwrap();
    assert_valid(
        &validator("trial_balance"),
        "the trial balance",
        &serde_json::to_value(balance).unwrap(),
    );
}

/// Asserts that the schema `name` refuses `document` and that the crate refuses it too
/// (reading it as `T`).
fn refused_by_both<T: DeserializeOwned + std::fmt::Debug>(name: &str, why: &str, document: &Value) {
    assert!(
        !validator(name).is_valid(document),
        "the {name} schema accepts {why}: {document}"
    );
    let read = serde_json::from_value::<T>(document.clone());
    assert!(read.is_err(), "the crate reads {why}: {read:?}");
}

#[test]
fn invalid_documents_are_refused_by_the_schema_and_by_the_crate() {
    let docs = documents();
    // A command with a partner (an allocation or obligation to a country).
    let command = docs
        .commands
        .iter()
        .find(|c| c.to_string().contains("\"partner\":\""))
        .unwrap()
        .clone();
    let mut extra = command.clone();
    extra["extra"] = json!(1);
    refused_by_both::<Command>("command", "an unknown field", &extra);
    for bad in [
        "2008-3-2",
        "2008-13-01",
        " 2008-03-02",
        "2008-03-02 ",
        "+2008-03-02",
        "20080302",
    ] {
        refused_by_both::<Command>(
            "command",
            bad,
            &with_field(&command, "date", json!(bad)).unwrap(),
        );
    }
    for bad in ["1.234", "1,000.00", "1e3", "$5"] {
        let doc = with_field(&command, "amount", json!(bad)).unwrap();
        refused_by_both::<Command>("command", bad, &doc);
    }
    let doc = with_field(&command, "partner", json!("XXX")).unwrap();
    refused_by_both::<Command>("command", "an unknown country", &doc);
    // The schema names the canonical upper-case codes only, and so does the crate: a code
    // in another case is refused on the wire (FromStr and CSV still read any case).
    for bad in ["jor", "Jor", "jOR"] {
        let doc = with_field(&command, "partner", json!(bad)).unwrap();
        refused_by_both::<Command>("command", bad, &doc);
        let err = serde_json::from_value::<Command>(doc).unwrap_err();
        assert!(
            err.to_string().contains("not in canonical form")
                && err.to_string().contains("\"JOR\""),
            "{err}"
        );
    }
    let mut nested = command.clone();
    nested["action"]["extra"] = json!(1);
    refused_by_both::<Command>("command", "an extra property in the action", &nested);
    let mut wrong_tag = command.clone();
    wrong_tag["action"]["type"] = json!("obligate_everything");
    refused_by_both::<Command>("command", "a wrong tag", &wrong_tag);
    let mut missing = command.clone();
    missing.as_object_mut().unwrap().remove("actor");
    refused_by_both::<Command>("command", "a missing field", &missing);
    let doc = with_field(&command, "account", json!("11-2008-1081")).unwrap();
    refused_by_both::<Command>("command", "a malformed account symbol", &doc);

    // The journal: an extra property in a nested entry, a bad date deep inside.
    let mut journal = docs.journal.clone();
    journal["entries"][0]["extra"] = json!(true);
    refused_by_both::<Journal>("journal", "an extra property in an entry", &journal);
    let doc = with_field(&docs.journal, "date", json!("2008-3-2")).unwrap();
    refused_by_both::<Journal>("journal", "2008-3-2", &doc);

    let mut newer = docs.journal.clone();
    newer["format_version"] = json!("1.1");
    refused_by_both::<Journal>("journal", "a newer format version", &newer);
    let mut extra = docs.journal.clone();
    extra["extra"] = json!(1);
    refused_by_both::<Journal>("journal", "an unknown field of the envelope", &extra);

    // Receipts and errors.
    let mut receipt = docs.receipts[0].clone();
    receipt["extra"] = json!(1);
    refused_by_both::<Receipt>("receipt", "an unknown field", &receipt);
    let mut receipt = docs.receipts[0].clone();
    receipt.as_object_mut().unwrap().remove("duplicate");
    refused_by_both::<Receipt>("receipt", "a missing field", &receipt);
    let error = docs
        .errors
        .iter()
        .find(|e| e.to_string().contains("\"exceeds\""))
        .unwrap();
    let mut unknown = error.clone();
    unknown["code"] = json!("no_such_code");
    refused_by_both::<ServiceError>("error", "an unknown code", &unknown);
    let mut extra = error.clone();
    extra["source"]["extra"] = json!(1);
    refused_by_both::<ServiceError>("error", "an extra detail in the source", &extra);
    let mut missing = error.clone();
    missing["source"]
        .as_object_mut()
        .unwrap()
        .remove("available");
    refused_by_both::<ServiceError>("error", "a missing detail", &missing);
    let doc = with_field(error, "available", json!("1.234")).unwrap();
    refused_by_both::<ServiceError>("error", "a detail of bad money", &doc);
}

/// What the schema cannot say: a pattern does not know the length of a month, so
/// `2008-02-30` matches it; the crate refuses it.
#[test]
fn a_date_that_matches_the_pattern_but_does_not_exist_is_refused_by_the_crate() {
    let docs = documents();
    let doc = with_field(&docs.commands[0], "date", json!("2008-02-30")).unwrap();
    assert!(validator("command").is_valid(&doc));
    assert!(serde_json::from_value::<Command>(doc).is_err());
}

#[test]
fn the_schemas_name_their_document_kinds() {
    let names: Vec<&str> = json_schemas().keys().copied().collect();
    let expected: BTreeMap<&str, ()> = [
        "audit_report",
        "batch_error",
        "batch_receipts",
        "command",
        "delegations",
        "error",
        "flow_graph",
        "journal",
        "policy",
        "receipt",
        "sf133",
        "status_report",
        "status_rows",
        "trial_balance",
    ]
    .into_iter()
    .map(|n| (n, ()))
    .collect();
    assert_eq!(names, expected.keys().copied().collect::<Vec<_>>());
}

#[test]
fn the_journal_carries_its_format_version_and_refuses_a_newer_one() {
    let year = fiscal_year::homeland_year().unwrap();
    let journal = year.ledger().journal();
    let text = serde_json::to_string(journal).unwrap();
    assert!(
        text.starts_with("{\"format_version\":\"1.0\",\"entries\":["),
        "{}",
        &text[..60]
    );
    let back: Journal = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, journal);
    // Through a map that sorts its keys (entries before the version), the same journal.
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(&serde_json::from_value::<Journal>(value).unwrap(), journal);
    // A bare array of entries is the format 1.0 journal written before the envelope.
    let bare = serde_json::to_string(&journal.to_entries()).unwrap();
    assert_eq!(&serde_json::from_str::<Journal>(&bare).unwrap(), journal);
    // A newer version, minor or major, is refused naming both versions, entries unread.
    for newer in ["1.1", "2.0"] {
        let text = text.replacen("\"1.0\"", &format!("\"{newer}\""), 1);
        let err = serde_json::from_str::<Journal>(&text)
            .unwrap_err()
            .to_string();
        let typed = newer.parse::<FormatVersion>().unwrap().check().unwrap_err();
        assert_eq!(
            typed,
            FormatError::Newer {
                found: newer.parse().unwrap(),
                supported: FormatVersion::CURRENT
            }
        );
        assert!(err.contains(&typed.to_string()), "{err}");
        assert!(err.contains(newer) && err.contains("1.0"), "{err}");
    }
    for bad in [
        "{\"entries\": []}",
        "{\"format_version\": \"1.0\"}",
        "{\"format_version\": \"1\", \"entries\": []}",
        "{\"format_version\": \"1.0\", \"format_version\": \"1.0\", \"entries\": []}",
    ] {
        assert!(serde_json::from_str::<Journal>(bad).is_err(), "{bad}");
    }
}

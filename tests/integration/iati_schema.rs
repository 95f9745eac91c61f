//! The IATI export checked by the IATI Standard itself: the 2.03 activity schema
//! (IATI-Schemas, vendored in `tests/data/iati/schema/`) run through `xmllint`, and every
//! code the export writes looked up in the IATI codelists (`tests/data/iati/codelists/`);
//! sources and licence in `tests/data/iati/README.md`.
//!
//! `xmllint` (libxml2-utils) is an external program: `.ci/run` installs it when missing, and
//! under `CI=true` a test that cannot find it fails; outside CI it says on stderr that it
//! did not run, and returns.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::NaiveDate;
use security_assistance::report::{IatiPublisher, iati_activities};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/iati")
}

/// True when `xmllint` runs; otherwise fails under CI, or says the test did not run.
fn xmllint_present(test: &str) -> bool {
    if Command::new("xmllint").arg("--version").output().is_ok() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "CI=true but xmllint is not installed (libxml2-utils): {test} cannot run"
    );
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: xmllint is not installed (apt-get install libxml2-utils); \
         the IATI export was NOT checked against the IATI 2.03 schema"
    );
    false
}

/// Runs `xmllint --noout --nonet --schema iati-activities-schema.xsd` on `xml`, written to
/// a new file named after `name`.
fn xmllint(name: &str, xml: &str) -> Output {
    let file = std::env::temp_dir().join(format!("sa-iati-{}-{name}.xml", std::process::id()));
    std::fs::write(&file, xml).unwrap();
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(data().join("schema/iati-activities-schema.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    output
}

fn publisher() -> IatiPublisher {
    IatiPublisher {
        org_ref: "XM-DAC-302".into(),
        org_name: "United States".into(),
    }
}

/// The main example's IATI file at the end of FY2008 (and the same year a year later,
/// when every instrument has paid out).
fn main_example_exports() -> Vec<(String, String)> {
    let year = crate::main_example::fiscal_year::homeland_year().unwrap();
    [day(2008, 9, 30), day(2009, 9, 30)]
        .into_iter()
        .map(|as_of| {
            let xml = iati_activities(year.ledger(), as_of, &publisher()).unwrap();
            (format!("main-{as_of}"), xml)
        })
        .collect()
}

#[test]
fn the_main_example_iati_export_is_valid_against_the_iati_2_03_schema() {
    let test = "the_main_example_iati_export_is_valid_against_the_iati_2_03_schema";
    if !xmllint_present(test) {
        return;
    }
    for (name, xml) in main_example_exports() {
        // A realistic file: several activities, each with budgets and transactions.
        assert!(xml.matches("<iati-activity ").count() >= 3, "{name}");
        assert!(xml.matches("<transaction>").count() >= 10, "{name}");
        let output = xmllint(&name, &xml);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "{name}: xmllint refused the export:\n{stderr}"
        );
        assert!(stderr.contains("validates"), "{name}: {stderr}");
    }
}

/// The schema check has teeth: each of these changes to a valid export (mirroring
/// IATI-Schemas' own `tests/activity-tests/should-fail/` cases) must be refused.
#[test]
fn a_broken_iati_file_is_refused_by_the_schema() {
    let test = "a_broken_iati_file_is_refused_by_the_schema";
    if !xmllint_present(test) {
        return;
    }
    let (_, xml) = main_example_exports().swap_remove(0);
    let first_value = {
        let start = xml.find("<transaction>").unwrap();
        let open = start + xml[start..].find("<value ").unwrap();
        let text = open + xml[open..].find('>').unwrap() + 1;
        let end = text + xml[text..].find("</value>").unwrap();
        (text, end)
    };
    let broken: Vec<(&str, String)> = vec![
        (
            "no-version",
            xml.replacen("<iati-activities version=\"2.03\"", "<iati-activities", 1),
        ),
        (
            "non-decimal-value",
            format!(
                "{}one million{}",
                &xml[..first_value.0],
                &xml[first_value.1..]
            ),
        ),
        (
            "two-reporting-orgs",
            xml.replacen(
                "</reporting-org>",
                "</reporting-org><reporting-org ref=\"XM-DAC-302\" type=\"10\"><narrative>again</narrative></reporting-org>",
                1,
            ),
        ),
        (
            "no-transaction-date",
            xml.replacen("<transaction-date ", "<transaction-dated ", 1),
        ),
        (
            "not-well-formed",
            xml.replacen("</iati-activities>", "", 1),
        ),
    ];
    for (name, bad) in broken {
        assert_ne!(bad, xml, "{name}: the change did not apply");
        let output = xmllint(name, &bad);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            !output.status.success(),
            "{name}: xmllint accepted a broken file:\n{stderr}"
        );
        assert!(!stderr.contains(" validates"), "{name}: {stderr}");
    }
}

/// The codes of one IATI codelist file: code → status (`active` when the item has none).
fn codelist(name: &str) -> BTreeMap<String, String> {
    use quick_xml::events::Event;
    let text = std::fs::read_to_string(data().join(format!("codelists/{name}.xml"))).unwrap();
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut out = BTreeMap::new();
    let mut status = None;
    let mut in_code = false;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.name().as_ref() == b"codelist-item" => {
                status = Some(
                    e.try_get_attribute("status")
                        .unwrap()
                        .map_or("active".to_owned(), |a| {
                            a.unescape_value().unwrap().into_owned()
                        }),
                );
            }
            Event::Start(e) if e.name().as_ref() == b"code" => in_code = status.is_some(),
            Event::Text(t) if in_code => {
                let code = t.decode().unwrap().trim().to_owned();
                out.insert(code, status.clone().unwrap());
            }
            Event::End(e) if e.name().as_ref() == b"code" => in_code = false,
            Event::End(e) if e.name().as_ref() == b"codelist-item" => status = None,
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(!out.is_empty(), "codelist {name} has no codes");
    out
}

/// Every (element, attribute) value of an IATI file, with the vocabulary beside each
/// sector code (`sector@code` under vocabulary 1 is a DAC purpose code).
fn coded_values(xml: &str) -> BTreeMap<(String, String), BTreeSet<String>> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let element = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                let mut attrs: BTreeMap<String, String> = BTreeMap::new();
                for a in e.attributes() {
                    let a = a.unwrap();
                    attrs.insert(
                        String::from_utf8(a.key.as_ref().to_vec()).unwrap(),
                        a.unescape_value().unwrap().into_owned(),
                    );
                }
                if element == "sector" {
                    let vocabulary = attrs["vocabulary"].clone();
                    let code = attrs.remove("code").unwrap();
                    out.entry((element.clone(), format!("code@vocabulary={vocabulary}")))
                        .or_default()
                        .insert(code);
                }
                for (key, value) in attrs {
                    out.entry((element.clone(), key)).or_default().insert(value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

/// Every code the main example's export writes is an active code of the IATI codelist its
/// attribute names (IATI 2.03 reference: each attribute's codelist), and the reporting
/// organisation's identifier begins with an active org-id register prefix. An attribute the
/// export writes that this table does not know fails the test, so a new code cannot slip in
/// unchecked.
#[test]
fn every_code_the_iati_export_writes_is_in_its_iati_codelist() {
    // (element, attribute) -> codelist; None for values that are not codes.
    let table: BTreeMap<(&str, &str), Option<&str>> = [
        (("iati-activities", "version"), None),
        (("iati-activities", "generated-datetime"), None),
        (("iati-activity", "last-updated-datetime"), None),
        (("iati-activity", "xml:lang"), Some("Language")),
        (("iati-activity", "default-currency"), Some("Currency")),
        (("reporting-org", "ref"), None),
        (("reporting-org", "type"), Some("OrganisationType")),
        (("participating-org", "ref"), None),
        (("participating-org", "role"), Some("OrganisationRole")),
        (("participating-org", "type"), Some("OrganisationType")),
        (("activity-status", "code"), Some("ActivityStatus")),
        (("activity-date", "iso-date"), None),
        (("activity-date", "type"), Some("ActivityDateType")),
        (("recipient-country", "code"), Some("Country")),
        (("recipient-country", "percentage"), None),
        (("sector", "vocabulary"), Some("SectorVocabulary")),
        (("sector", "code@vocabulary=1"), Some("Sector")),
        // Vocabulary 99 is the reporting organisation's own: no codelist.
        (("sector", "code@vocabulary=99"), None),
        (("sector", "percentage"), None),
        (("default-flow-type", "code"), Some("FlowType")),
        (("budget", "type"), Some("BudgetType")),
        (("budget", "status"), Some("BudgetStatus")),
        (("period-start", "iso-date"), None),
        (("period-end", "iso-date"), None),
        (("value", "currency"), Some("Currency")),
        (("value", "value-date"), None),
        (("transaction-type", "code"), Some("TransactionType")),
        (("transaction-date", "iso-date"), None),
        (("finance-type", "code"), Some("FinanceType")),
    ]
    .into_iter()
    .collect();
    let mut lists: BTreeMap<&str, BTreeMap<String, String>> = BTreeMap::new();
    let mut checked = 0;
    for (name, xml) in main_example_exports() {
        let values = coded_values(&xml);
        for ((element, attribute), codes) in &values {
            let list = table
                .get(&(element.as_str(), attribute.as_str()))
                .unwrap_or_else(|| panic!("{name}: {element}@{attribute} is not in the table"));
            let Some(list) = list else { continue };
            let items = lists.entry(list).or_insert_with(|| codelist(list));
            for code in codes {
                assert_eq!(
                    items.get(code).map(String::as_str),
                    Some("active"),
                    "{name}: {element}@{attribute} = {code:?} is not an active {list} code"
                );
                checked += 1;
            }
        }
        // The reporting organisation: a registered prefix, then the identifier.
        let agencies = codelist("OrganisationRegistrationAgency");
        for org_ref in &values[&("reporting-org".to_owned(), "ref".to_owned())] {
            assert!(
                agencies.iter().any(|(prefix, status)| status == "active"
                    && org_ref
                        .strip_prefix(prefix.as_str())
                        .is_some_and(|rest| rest.len() > 1 && rest.starts_with('-'))),
                "{name}: {org_ref} does not begin with an active org-id prefix"
            );
        }
    }
    // The test looked at real codes: sector, transaction type, currency, roles, countries...
    assert!(checked >= 20, "only {checked} codes checked");
    for list in [
        "Sector",
        "TransactionType",
        "Currency",
        "OrganisationRole",
        "Country",
    ] {
        assert!(lists.contains_key(list), "no {list} code was checked");
    }
}

/// The codelist reader has teeth: a withdrawn code and an unknown one are told apart from
/// active ones.
#[test]
fn the_codelist_reader_sees_withdrawn_and_unknown_codes() {
    let flow = codelist("FlowType");
    assert_eq!(flow.get("50").map(String::as_str), Some("active"));
    assert_eq!(flow.get("20").map(String::as_str), Some("withdrawn"));
    assert_eq!(flow.get("99999"), None);
    let sectors = codelist("Sector");
    assert_eq!(sectors.get("15210").map(String::as_str), Some("active"));
}

//! Data-driven ledger scenarios from `tests/data/*.json` (see `tests/data/README.md`).

use std::collections::BTreeMap;
use std::path::Path;

use security_assistance::budget::{
    AccountSymbol, BudgetError, Command, Dimension, Ledger, StatusFilter, StatusQuery, StatusRow,
};
use security_assistance::{FiscalYear, Money};
use serde::Deserialize;

use crate::support::Snapshot;

#[derive(Deserialize)]
struct Scenario {
    title: String,
    #[allow(dead_code)]
    source: String,
    steps: Vec<Step>,
}

/// One step: a command (maybe expected to be refused), an expected status of funds, or an
/// expected SF-133 statement; dispatched on its key so that a malformed step says why.
// A command with its two optional signers is large; a scenario has a few dozen steps.
#[allow(clippy::large_enum_variant)]
enum Step {
    Command {
        command: Command,
        rejected: Option<Rejection>,
    },
    Expect {
        expect: Expectation,
    },
    Sf133 {
        sf133: Sf133Expectation,
    },
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut v = serde_json::Map::deserialize(d)?;
        let take = |v: &mut serde_json::Map<String, serde_json::Value>, k: &str| v.remove(k);
        if let Some(c) = take(&mut v, "command") {
            let rejected = take(&mut v, "rejected");
            return Ok(Step::Command {
                command: serde_json::from_value(c).map_err(D::Error::custom)?,
                rejected: rejected
                    .map(serde_json::from_value)
                    .transpose()
                    .map_err(D::Error::custom)?,
            });
        }
        if let Some(e) = take(&mut v, "expect") {
            return Ok(Step::Expect {
                expect: serde_json::from_value(e).map_err(D::Error::custom)?,
            });
        }
        if let Some(s) = take(&mut v, "sf133") {
            return Ok(Step::Sf133 {
                sf133: serde_json::from_value(s).map_err(D::Error::custom)?,
            });
        }
        Err(D::Error::custom(
            "a step needs a command, expect or sf133 key",
        ))
    }
}

#[derive(Deserialize)]
struct Rejection {
    precedence: u8,
    level: Option<String>,
    requested: Option<Money>,
    available: Option<Money>,
    contains: Option<String>,
}

#[derive(Deserialize)]
struct Expectation {
    as_of: chrono::NaiveDate,
    known_on: Option<chrono::NaiveDate>,
    group_by: Vec<Dimension>,
    filter: StatusFilter,
    rows: Vec<StatusRow>,
}

#[derive(Deserialize)]
struct Sf133Expectation {
    account: AccountSymbol,
    fiscal_year: FiscalYear,
    as_of: chrono::NaiveDate,
    lines: BTreeMap<u16, Money>,
}

fn run(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let scenario: Scenario = serde_json::from_str(&text).unwrap();
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    for (i, step) in scenario.steps.into_iter().enumerate() {
        let at = format!("{} step {i}", scenario.title);
        match step {
            Step::Command {
                command,
                rejected: None,
            } => {
                let id = command.id.clone();
                if let Err(e) = ledger.apply(command) {
                    panic!("{at}: command {id} refused: {e}");
                }
            }
            Step::Command {
                command,
                rejected: Some(want),
            } => {
                let before = Snapshot::of(&ledger);
                let err = ledger.apply(command).expect_err(&at);
                before.assert_same(&ledger, &format!("{at}: a refused command"));
                assert_eq!(err.precedence(), want.precedence, "{at}: {err}");
                if let BudgetError::Exceeds {
                    level,
                    requested,
                    available,
                    ..
                } = &err
                {
                    if let Some(l) = &want.level {
                        assert_eq!(&serde_json::to_value(level).unwrap(), l, "{at}");
                    }
                    if let Some(r) = want.requested {
                        assert_eq!(*requested, r, "{at}");
                    }
                    if let Some(a) = want.available {
                        assert_eq!(*available, a, "{at}");
                    }
                } else {
                    assert!(
                        want.level.is_none(),
                        "{at}: expected an amount error, got {err}"
                    );
                }
                if let Some(text) = want.contains {
                    assert!(err.to_string().contains(&text), "{at}: {err} lacks {text}");
                }
            }
            Step::Expect { expect } => {
                let query = StatusQuery {
                    as_of: expect.as_of,
                    known_on: expect.known_on,
                    group_by: expect.group_by,
                    filter: expect.filter,
                };
                let rows = ledger.status_of_funds(&query).unwrap();
                assert_eq!(rows, expect.rows, "{at}: status of funds");
            }
            Step::Sf133 { sf133 } => {
                let statement = ledger
                    .sf133(&sf133.account, sf133.fiscal_year, sf133.as_of)
                    .unwrap();
                for (line, amount) in &sf133.lines {
                    assert_eq!(
                        statement.line(*line),
                        Some(*amount),
                        "{at}: SF-133 line {line}"
                    );
                }
                let rounded = statement.to_whole_dollars().unwrap();
                assert_eq!(rounded.line(1910), rounded.line(2500), "{at}");
            }
        }
    }
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let journal: security_assistance::budget::Journal = serde_json::from_str(&json).unwrap();
    assert_eq!(
        Ledger::replay(
            &journal,
            std::sync::Arc::new(security_assistance::eligibility::AllowAll)
        )
        .unwrap(),
        ledger
    );
}

#[test]
fn every_scenario_in_tests_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for path in paths {
        run(&path);
    }
}

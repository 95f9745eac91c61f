//! Program activities as the caller names them: the code and name of the President's
//! Budget program activity, and its Program Activity Reporting Key (PARK), per account
//! and program.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::super::ReportError;
use crate::budget::AccountSymbol;
use crate::purpose::ProgramKind;

/// One program activity: a four-digit code, a name, and optionally its Program Activity
/// Reporting Key (PARK).
///
/// The field list of the DATA Act Broker (`programActivityFields.csv`) gives the limits
/// checked here: `ProgramActivityCode` four characters, `ProgramActivityName` at most 164,
/// `ProgramActivityReportingKey` at most 15. Which combinations are valid for an account is
/// OMB's to say (Broker rules B9, B28): the crate does not know them and takes the
/// caller's word.
///
/// ```
/// use security_assistance::report::ProgramActivity;
///
/// let pa = ProgramActivity::new("0001", "Foreign Military Financing", Some("FMF01"))?;
/// assert_eq!(pa.code(), "0001");
/// assert!(ProgramActivity::new("1", "too short a code", None).is_err());
/// # Ok::<(), security_assistance::report::ReportError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawProgramActivity", into = "RawProgramActivity")]
pub struct ProgramActivity {
    code: String,
    name: String,
    reporting_key: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProgramActivity {
    code: String,
    name: String,
    #[serde(default)]
    reporting_key: Option<String>,
}

impl TryFrom<RawProgramActivity> for ProgramActivity {
    type Error = ReportError;
    fn try_from(raw: RawProgramActivity) -> Result<Self, Self::Error> {
        ProgramActivity::new(&raw.code, &raw.name, raw.reporting_key.as_deref())
    }
}

impl From<ProgramActivity> for RawProgramActivity {
    fn from(pa: ProgramActivity) -> Self {
        RawProgramActivity {
            code: pa.code,
            name: pa.name,
            reporting_key: pa.reporting_key,
        }
    }
}

fn invalid(field: &str, value: &str, allowed: &str) -> ReportError {
    ReportError::InvalidProgramActivity {
        field: field.to_owned(),
        value: value.to_owned(),
        allowed: allowed.to_owned(),
    }
}

impl ProgramActivity {
    /// A program activity, checked against the Broker's field limits.
    ///
    /// # Errors
    ///
    /// [`ReportError::InvalidProgramActivity`] naming the field: a code that is not four
    /// ASCII digits, or `0000` (the Broker's placeholder for all-zero rows, rule B9); an
    /// empty or blank name, one longer than 164 characters, or `Unknown/Other`; a
    /// reporting key that is empty, longer than 15 characters or not ASCII letters and
    /// digits.
    pub fn new(
        code: &str,
        name: &str,
        reporting_key: Option<&str>,
    ) -> Result<ProgramActivity, ReportError> {
        if code.len() != 4 || !code.bytes().all(|b| b.is_ascii_digit()) || code == "0000" {
            return Err(invalid(
                "program activity code",
                code,
                "four digits other than 0000",
            ));
        }
        if name.trim().is_empty()
            || name.chars().count() > 164
            || name.eq_ignore_ascii_case(UNKNOWN_NAME)
        {
            return Err(invalid(
                "program activity name",
                name,
                "1 to 164 characters other than Unknown/Other",
            ));
        }
        if let Some(key) = reporting_key {
            if key.is_empty() || key.len() > 15 || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(invalid(
                    "program activity reporting key",
                    key,
                    "1 to 15 ASCII letters and digits",
                ));
            }
        }
        Ok(ProgramActivity {
            code: code.to_owned(),
            name: name.to_owned(),
            reporting_key: reporting_key.map(str::to_owned),
        })
    }

    /// The four-digit program activity code.
    #[must_use]
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The program activity name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The Program Activity Reporting Key, if the caller gave one.
    #[must_use]
    pub fn reporting_key(&self) -> Option<&str> {
        self.reporting_key.as_deref()
    }
}

/// The name the Broker asks for on a File B row whose every balance is zero (rule B9).
pub(super) const UNKNOWN_NAME: &str = "Unknown/Other";
/// The code and reporting key the Broker accepts on such a row (rules B9, B28.1).
pub(super) const UNKNOWN_CODE: &str = "0000";

/// Which program activity each account's program reports under: the caller's table,
/// read by [`file_b`](super::file_b).
///
/// ```
/// use security_assistance::report::{ProgramActivities, ProgramActivity};
/// use security_assistance::ProgramKind;
///
/// let mut activities = ProgramActivities::new();
/// activities.insert(
///     "011-2008/2009-1082".parse()?,
///     ProgramKind::Financing,
///     ProgramActivity::new("0001", "Foreign Military Financing", None)?,
/// );
/// assert_eq!(activities.get(&"011-2008/2009-1082".parse()?, ProgramKind::Financing).map(|p| p.code()), Some("0001"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(
    try_from = "Vec<ProgramActivityAssignment>",
    into = "Vec<ProgramActivityAssignment>"
)]
pub struct ProgramActivities {
    map: BTreeMap<(AccountSymbol, ProgramKind), ProgramActivity>,
}

/// One line of [`ProgramActivities`] on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramActivityAssignment {
    /// The account.
    pub account: AccountSymbol,
    /// The program.
    pub program: ProgramKind,
    /// Its program activity.
    pub activity: ProgramActivity,
}

impl TryFrom<Vec<ProgramActivityAssignment>> for ProgramActivities {
    type Error = ReportError;
    fn try_from(lines: Vec<ProgramActivityAssignment>) -> Result<Self, Self::Error> {
        let mut out = ProgramActivities::new();
        for line in lines {
            if let Some(was) = out.insert(line.account, line.program, line.activity) {
                return Err(invalid(
                    "program activity assignment",
                    &format!("{} {}", line.account, line.program.as_str()),
                    &format!(
                        "one assignment per account and program (already {})",
                        was.code
                    ),
                ));
            }
        }
        Ok(out)
    }
}

impl From<ProgramActivities> for Vec<ProgramActivityAssignment> {
    fn from(activities: ProgramActivities) -> Self {
        activities
            .map
            .into_iter()
            .map(|((account, program), activity)| ProgramActivityAssignment {
                account,
                program,
                activity,
            })
            .collect()
    }
}

impl ProgramActivities {
    /// An empty table.
    #[must_use]
    pub fn new() -> ProgramActivities {
        ProgramActivities::default()
    }

    /// Names the program activity of `program` in `account`; returns the one it replaces.
    pub fn insert(
        &mut self,
        account: AccountSymbol,
        program: ProgramKind,
        activity: ProgramActivity,
    ) -> Option<ProgramActivity> {
        self.map.insert((account, program), activity)
    }

    /// The program activity of `program` in `account`, if named.
    #[must_use]
    pub fn get(&self, account: &AccountSymbol, program: ProgramKind) -> Option<&ProgramActivity> {
        self.map.get(&(*account, program))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_of_the_field_list_are_enforced() {
        assert!(ProgramActivity::new("0001", "A", None).is_ok());
        for (code, name, key) in [
            ("001", "A", None),
            ("00a1", "A", None),
            ("0000", "A", None),
            ("0001", " ", None),
            ("0001", "unknown/other", None),
            ("0001", "A", Some("")),
            ("0001", "A", Some("KEY-1")),
            ("0001", "A", Some("ABCDEFGHIJKLMNOP")),
        ] {
            assert!(
                matches!(
                    ProgramActivity::new(code, name, key),
                    Err(ReportError::InvalidProgramActivity { .. })
                ),
                "{code} {name} {key:?}"
            );
        }
        let long = "x".repeat(165);
        assert!(ProgramActivity::new("0001", &long, None).is_err());
        assert!(ProgramActivity::new("0001", &long[..164], None).is_ok());
    }

    #[test]
    fn serde_validates_and_refuses_duplicates() {
        let json = r#"[{"account":"011-2008-1081","program":"training","activity":{"code":"0001","name":"IMET","reporting_key":"IMET1"}}]"#;
        let table: ProgramActivities = serde_json::from_str(json).unwrap();
        let back = serde_json::to_string(&table).unwrap();
        assert_eq!(
            serde_json::from_str::<ProgramActivities>(&back).unwrap(),
            table
        );
        let bad = json.replace("0001", "01");
        assert!(serde_json::from_str::<ProgramActivities>(&bad).is_err());
        let twice = format!(
            "[{},{}]",
            &json[1..json.len() - 1],
            &json[1..json.len() - 1]
        );
        assert!(serde_json::from_str::<ProgramActivities>(&twice).is_err());
        let unknown = json.replace("\"reporting_key\"", "\"extra\":1,\"reporting_key\"");
        assert!(serde_json::from_str::<ProgramActivities>(&unknown).is_err());
    }
}

//! The DATA Act Broker's rules, by id, run on File A and File B of the main example's year
//! and of the FY2008 scenario over every fiscal year from FY2008 to FY2015 (its two-year
//! account closes at the end of FY2014 and is gone from FY2015's files).
//!
//! Each rule is written here as its SQL in
//! github.com/fedspendingtransparency/data-act-broker-backend
//! (`dataactvalidator/config/sqlrules/`, listed in `sqlRules.csv`) states it; the GTAS
//! SF-133 the Broker compares against is the ledger's own [`Ledger::sf133`]. Every rule
//! also names the columns it reads that must carry data in at least one of the files, so
//! that no rule passes only because a column is empty; the columns the ledger has no
//! balances for (borrowing and contract authority, prepayments, delivered-unpaid orders,
//! transfers and refunds of obligations) must be zero everywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Command, Dimension, Ledger, ObjectClass, StatusQuery,
};
use security_assistance::report::{
    FILE_A_COLUMNS, FILE_B_COLUMNS, ProgramActivities, ProgramActivity, file_a, file_b,
};
use security_assistance::{FiscalYear, Money, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A CSV file read back: its header and rows.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn read(text: &str) -> Csv {
        let mut reader = ::csv::Reader::from_reader(text.as_bytes());
        let header = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        Csv { header, rows }
    }

    fn s<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        let i = self
            .header
            .iter()
            .position(|h| h == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        &row[i]
    }

    /// An amount; empty is zero, as the Broker's `COALESCE(x, 0)` reads it.
    fn m(&self, row: &[String], column: &str) -> Money {
        let text = self.s(row, column);
        if text.is_empty() {
            Money::ZERO
        } else {
            text.parse().unwrap()
        }
    }

    fn sum(&self, row: &[String], columns: &[&str]) -> Money {
        Money::checked_sum(columns.iter().map(|c| self.m(row, c))).unwrap()
    }

    /// The Treasury account symbol of a row as the crate writes it (`011-2008/2009-1082`).
    fn tas(&self, row: &[String]) -> String {
        let agency = self.s(row, "AgencyIdentifier");
        let main = self.s(row, "MainAccountCode");
        assert_eq!(self.s(row, "SubAccountCode"), "000");
        assert_eq!(self.s(row, "AllocationTransferAgencyIdentifier"), "");
        let period = if self.s(row, "AvailabilityTypeCode") == "X" {
            "X".to_owned()
        } else {
            let (b, e) = (
                self.s(row, "BeginningPeriodOfAvailability"),
                self.s(row, "EndingPeriodOfAvailability"),
            );
            if b == e {
                b.to_owned()
            } else {
                format!("{b}/{e}")
            }
        };
        format!("{agency}-{period}-{main}")
    }
}

/// One submission: File A, File B and the SF-133 lines of every account in File A, this
/// year's and last year's.
struct Submission {
    name: String,
    a: Csv,
    b: Csv,
    sf133: BTreeMap<String, BTreeMap<u16, Money>>,
    prior_2490: BTreeMap<String, Money>,
    ledger: Ledger,
    fiscal_year: FiscalYear,
    as_of: NaiveDate,
}

impl Submission {
    fn line(&self, tas: &str, lines: &[u16]) -> Money {
        let Some(statement) = self.sf133.get(tas) else {
            return Money::ZERO;
        };
        Money::checked_sum(
            lines
                .iter()
                .map(|n| statement.get(n).copied().unwrap_or_default()),
        )
        .unwrap()
    }

    /// File B's rows where PYA = "X", summed by TAS (and DEFC, which is `Q` throughout).
    fn b_sums(&self, columns: &[&str]) -> BTreeMap<String, Money> {
        let mut out: BTreeMap<String, Money> = BTreeMap::new();
        for row in self
            .b
            .rows
            .iter()
            .filter(|r| self.b.s(r, "PriorYearAdjustment") == "X")
        {
            let sum = out.entry(self.b.tas(row)).or_default();
            *sum = sum.checked_add(self.b.sum(row, columns)).unwrap();
        }
        out
    }
}

const SF133_LINES: [u16; 23] = [
    1000, 1021, 1029, 1033, 1160, 1180, 1260, 1280, 1340, 1440, 1540, 1640, 1750, 1850, 1902, 1910,
    2004, 2104, 2190, 2490, 2500, 3020, 3050,
];

/// The caller's program activities: one per account and program the ledger has, each with
/// a reporting key, as OMB's mapping would give them.
fn activities(ledger: &Ledger, as_of: NaiveDate) -> ProgramActivities {
    let mut out = ProgramActivities::new();
    let rows = ledger
        .status_of_funds(&StatusQuery::new(
            as_of,
            &[Dimension::Account, Dimension::Program],
        ))
        .unwrap();
    for row in rows {
        let (Some(account), Some(program)) = (row.key.account, row.key.program) else {
            continue;
        };
        let n = ProgramKind::ALL.iter().position(|p| *p == program).unwrap() + 1;
        let name = program.as_str().replace('_', " ");
        out.insert(
            account,
            program,
            ProgramActivity::new(&format!("{n:04}"), &name, Some(&format!("PARK{n:04}"))).unwrap(),
        );
    }
    out
}

fn submission(
    name: &str,
    ledger: &Ledger,
    fy: i32,
    as_of: NaiveDate,
    last: NaiveDate,
) -> Submission {
    let year = FiscalYear::new(fy).unwrap();
    let a = Csv::read(&file_a(ledger, year, as_of).unwrap());
    let b = Csv::read(&file_b(ledger, year, as_of, &activities(ledger, last)).unwrap());
    let mut sf133 = BTreeMap::new();
    let mut prior_2490 = BTreeMap::new();
    for row in &a.rows {
        let tas = a.tas(row);
        let account: AccountSymbol = tas.parse().unwrap();
        let statement = ledger.sf133(&account, year, as_of).unwrap();
        let lines = SF133_LINES
            .iter()
            .filter_map(|&n| statement.line(n).map(|m| (n, m)))
            .collect();
        sf133.insert(tas.clone(), lines);
        let prior = FiscalYear::new(fy - 1).unwrap();
        let before = match ledger.sf133(&account, prior, prior.last_day()) {
            Ok(s) => s.line(2490).unwrap_or_default(),
            Err(_) => Money::ZERO,
        };
        prior_2490.insert(tas, before);
    }
    Submission {
        name: format!("{name} FY{fy} as of {as_of}"),
        a,
        b,
        sf133,
        prior_2490,
        ledger: ledger.clone(),
        fiscal_year: year,
        as_of,
    }
}

/// The FY2008 scenario's ledger: every command it applies (refused ones left out).
pub(crate) fn fy2008_ledger() -> Ledger {
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
    apply_scenario(&mut ledger, "tests/data/fy2008_financing.json");
    ledger
}

/// The FY2008 scenario with reimbursable work in its FMF account
/// (`tests/data/overlays/reimbursable_work.json`): a collection finances a reimbursable order in
/// FY2008, adjusted up and down (a recovery) in FY2009.
pub(crate) fn reimbursable_ledger() -> Ledger {
    let mut ledger = fy2008_ledger();
    apply_scenario(&mut ledger, "tests/data/overlays/reimbursable_work.json");
    ledger
}

fn apply_scenario(ledger: &mut Ledger, path: &str) {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap();
    let scenario: serde_json::Value = serde_json::from_str(&text).unwrap();
    for step in scenario["steps"].as_array().unwrap() {
        if step.get("rejected").is_some() {
            continue;
        }
        if let Some(command) = step.get("command") {
            let command: Command = serde_json::from_value(command.clone()).unwrap();
            ledger.apply(command).unwrap();
        }
    }
}

fn submissions() -> &'static [Submission] {
    static ALL: OnceLock<Vec<Submission>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        let year = crate::main_example::fiscal_year::homeland_year().unwrap();
        let end = day(2008, 9, 30);
        for as_of in [day(2008, 3, 31), end] {
            out.push(submission("main example", year.ledger(), 2008, as_of, end));
        }
        let ledger = fy2008_ledger();
        let last = day(2015, 9, 30);
        out.push(submission(
            "FY2008 scenario",
            &ledger,
            2008,
            day(2008, 3, 31),
            last,
        ));
        for fy in 2008..=2015 {
            out.push(submission(
                "FY2008 scenario",
                &ledger,
                fy,
                FiscalYear::new(fy).unwrap().last_day(),
                last,
            ));
        }
        let ledger = reimbursable_ledger();
        for fy in 2008..=2010 {
            out.push(submission(
                "reimbursable work",
                &ledger,
                fy,
                FiscalYear::new(fy).unwrap().last_day(),
                last,
            ));
        }
        out
    })
}

/// Runs `check` on every submission (it returns the failures of one), then asserts that
/// each column in `data` is non-zero in at least one File A or File B row.
#[track_caller]
fn rule(id: &str, data: &[&str], check: impl Fn(&Submission) -> Vec<String>) {
    let mut failures = Vec::new();
    for s in submissions() {
        for f in check(s) {
            failures.push(format!("{}: {f}", s.name));
        }
    }
    assert!(
        failures.is_empty(),
        "rule {id} fails:\n{}",
        failures.join("\n")
    );
    for column in data {
        let carries = submissions().iter().any(|s| {
            [&s.a, &s.b].iter().any(|f| {
                f.header.iter().any(|h| h == column)
                    && f.rows.iter().any(|r| !f.m(r, column).is_zero())
            })
        });
        assert!(
            carries,
            "rule {id}: column {column} is zero in every file checked"
        );
    }
}

/// A File A rule: per row, `left` must equal `right`.
fn per_a_row(
    s: &Submission,
    left: impl Fn(&Csv, &[String]) -> Money,
    right: impl Fn(&Csv, &[String], &str) -> Money,
) -> Vec<String> {
    s.a.rows
        .iter()
        .filter_map(|r| {
            let tas = s.a.tas(r);
            let (l, rt) = (left(&s.a, r), right(&s.a, r, &tas));
            (l != rt).then(|| format!("{tas}: {l} <> {rt}"))
        })
        .collect()
}

/// A File A rule: per row, column `column` equals the sum of SF-133 `lines`.
fn a_equals_lines(s: &Submission, column: &str, lines: &[u16]) -> Vec<String> {
    per_a_row(s, |a, r| a.m(r, column), |_, _, tas| s.line(tas, lines))
}

/// A File B rule: per row where PYA = X, `column` equals the sum of `parts` less the sum
/// of `less`.
fn b_row_sum(s: &Submission, column: &str, parts: &[&str], less: &[&str]) -> Vec<String> {
    s.b.rows
        .iter()
        .filter(|r| s.b.s(r, "PriorYearAdjustment") == "X")
        .filter_map(|r| {
            let l = s.b.m(r, column);
            let rt = s.b.sum(r, parts).checked_sub(s.b.sum(r, less)).unwrap();
            (l != rt).then(|| {
                format!(
                    "{} {}: {l} <> {rt}",
                    s.b.tas(r),
                    s.b.s(r, "ProgramActivityCode")
                )
            })
        })
        .collect()
}

/// A cross-file or SF-133 rule on File B's sums by TAS: `b` summed by TAS, times `sign`,
/// must equal `expected(tas)` for every TAS in File B and File A.
fn b_sums_equal(
    s: &Submission,
    columns: &[&str],
    sign: i64,
    expected: impl Fn(&str) -> Money,
) -> Vec<String> {
    let sums = s.b_sums(columns);
    let mut all: BTreeSet<String> = sums.keys().cloned().collect();
    all.extend(s.a.rows.iter().map(|r| s.a.tas(r)));
    all.into_iter()
        .filter_map(|tas| {
            let sum = sums.get(&tas).copied().unwrap_or_default();
            let got = if sign < 0 {
                sum.checked_neg().unwrap()
            } else {
                sum
            };
            let want = expected(&tas);
            (got != want).then(|| format!("{tas}: {got} <> {want}"))
        })
        .collect()
}

fn a_value(s: &Submission, tas: &str, column: &str) -> Money {
    s.a.rows
        .iter()
        .find(|r| s.a.tas(r) == tas)
        .map(|r| s.a.m(r, column))
        .unwrap_or_default()
}

const USSGL_4801: &str = "USSGL480100_UndeliveredOrdersObligationsUnpaid_CPE";
const USSGL_4801_FYB: &str = "USSGL480100_UndeliveredOrdersObligationsUnpaid_FYB";
const USSGL_4871: &str =
    "USSGL487100_DownwardAdjustmentsOfPriorYearUnpaidUndeliveredOrdersObligationsRecoveries_CPE";
const USSGL_4902: &str = "USSGL490200_DeliveredOrdersObligationsPaid_CPE";
const USSGL_4881: &str =
    "USSGL488100_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsUnpaid_CPE";
const B_DEOBLIGATIONS: &str = "DeobligationsRecoveriesRefundsdOfPriorYearByProgramObjectClass_CPE";
const B_OBLIGATIONS: &str = "ObligationsIncurredByProgramObjectClass_CPE";
const B_OUTLAYS: &str = "GrossOutlayAmountByProgramObjectClass_CPE";

/// File B's amount columns.
fn b_amount_columns() -> impl Iterator<Item = &'static str> {
    FILE_B_COLUMNS
        .iter()
        .copied()
        .filter(|c| c.ends_with("_CPE") || c.ends_with("_FYB"))
}

fn b_row_is_zero(b: &Csv, row: &[String]) -> bool {
    b_amount_columns().all(|c| b.m(row, c).is_zero())
}

#[test]
fn headers_are_the_field_lists() {
    for s in submissions() {
        assert_eq!(s.a.header, FILE_A_COLUMNS);
        assert_eq!(s.b.header, FILE_B_COLUMNS);
    }
    // The legacy name is gone; the current one is there.
    assert!(FILE_A_COLUMNS.contains(&"DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE"));
    assert!(!FILE_A_COLUMNS.contains(&"DeobligationsRecoveriesRefundsByTAS_CPE"));
}

#[test]
fn required_columns_are_filled() {
    // Every column the field lists mark required (`TRUE`) is non-empty on every row.
    let optional_a = [
        "AllocationTransferAgencyIdentifier",
        "AvailabilityTypeCode",
        "BeginningPeriodOfAvailability",
        "EndingPeriodOfAvailability",
    ];
    let optional_b = [
        "AllocationTransferAgencyIdentifier",
        "AvailabilityTypeCode",
        "BeginningPeriodOfAvailability",
        "ByDirectReimbursableFundingSource",
        "EndingPeriodOfAvailability",
        "ProgramActivityCode",
        "ProgramActivityName",
        "ProgramActivityReportingKey",
        "USSGL480110_ReinstatedUndeliveredOrdersObligationsUnpaid_CPE",
        "USSGL490110_ReinstatedDeliveredOrdersObligationsUnpaid_CPE",
    ];
    for s in submissions() {
        for (file, optional) in [(&s.a, &optional_a[..]), (&s.b, &optional_b[..])] {
            for row in &file.rows {
                for (i, column) in file.header.iter().enumerate() {
                    if !optional.contains(&column.as_str()) {
                        assert!(!row[i].is_empty(), "{}: {column} is empty", s.name);
                    }
                }
            }
        }
    }
}

#[test]
fn columns_the_ledger_has_no_balances_for_are_zero() {
    for column in [
        "BorrowingAuthorityAmountTotal_CPE",
        "ContractAuthorityAmountTotal_CPE",
        "GrossOutlaysUndeliveredOrdersPrepaidTotal_CPE",
        "GrossOutlaysUndeliveredOrdersPrepaidTotal_FYB",
        "ObligationsDeliveredOrdersUnpaidTotal_CPE",
        "ObligationsDeliveredOrdersUnpaidTotal_FYB",
        "GrossOutlayAmountByProgramObjectClass_FYB",
        "GrossOutlaysDeliveredOrdersPaidTotal_FYB",
    ] {
        for s in submissions() {
            for f in [&s.a, &s.b] {
                if f.header.iter().any(|h| h == column) {
                    assert!(f.rows.iter().all(|r| f.m(r, column).is_zero()), "{column}");
                }
            }
        }
    }
}

#[test]
fn a1_tas_components() {
    rule("A1", &[], |s| {
        let mut out = Vec::new();
        for (f, name) in [(&s.a, "A"), (&s.b, "B")] {
            for r in &f.rows {
                let tas = f.tas(r);
                if tas.parse::<AccountSymbol>().is_err() {
                    out.push(format!("File {name}: {tas} is not a TAS"));
                }
            }
        }
        out
    });
}

#[test]
fn a2_total_budgetary_resources() {
    rule(
        "A2",
        &[
            "TotalBudgetaryResources_CPE",
            "BudgetAuthorityAppropriatedAmount_CPE",
            "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB",
            "AdjustmentsToUnobligatedBalanceBroughtForward_CPE",
            "OtherBudgetaryResourcesAmount_CPE",
        ],
        |s| {
            per_a_row(
                s,
                |a, r| a.m(r, "TotalBudgetaryResources_CPE"),
                |a, r, tas| {
                    a.sum(
                        r,
                        &[
                            "BudgetAuthorityAppropriatedAmount_CPE",
                            "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB",
                            "AdjustmentsToUnobligatedBalanceBroughtForward_CPE",
                            "OtherBudgetaryResourcesAmount_CPE",
                        ],
                    )
                    .checked_add(s.line(tas, &[1902]))
                    .unwrap()
                },
            )
        },
    );
}

#[test]
fn a3_other_budgetary_resources() {
    rule("A3", &["OtherBudgetaryResourcesAmount_CPE"], |s| {
        per_a_row(
            s,
            |a, r| a.m(r, "OtherBudgetaryResourcesAmount_CPE"),
            |a, r, _| {
                a.sum(
                    r,
                    &[
                        "ContractAuthorityAmountTotal_CPE",
                        "BorrowingAuthorityAmountTotal_CPE",
                        "SpendingAuthorityfromOffsettingCollectionsAmountTotal_CPE",
                    ],
                )
            },
        )
    });
}

#[test]
fn a4_status_of_budgetary_resources() {
    rule(
        "A4",
        &[
            "StatusOfBudgetaryResourcesTotal_CPE",
            "ObligationsIncurredTotalByTAS_CPE",
            "UnobligatedBalance_CPE",
        ],
        |s| {
            per_a_row(
                s,
                |a, r| a.m(r, "StatusOfBudgetaryResourcesTotal_CPE"),
                |a, r, _| {
                    a.sum(
                        r,
                        &[
                            "ObligationsIncurredTotalByTAS_CPE",
                            "UnobligatedBalance_CPE",
                        ],
                    )
                },
            )
        },
    );
}

macro_rules! sf133_rule {
    ($name:ident, $id:literal, $column:literal, $lines:expr) => {
        #[test]
        fn $name() {
            rule($id, &[$column], |s| a_equals_lines(s, $column, &$lines));
        }
    };
}

sf133_rule!(
    a6_total_resources_line_1910,
    "A6",
    "TotalBudgetaryResources_CPE",
    [1910]
);
sf133_rule!(
    a7_brought_forward_line_1000,
    "A7",
    "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB",
    [1000]
);
sf133_rule!(
    a8_appropriated_lines_1160_1180_1260_1280,
    "A8",
    "BudgetAuthorityAppropriatedAmount_CPE",
    [1160, 1180, 1260, 1280]
);
sf133_rule!(
    a11_offsetting_collections_lines_1750_1850,
    "A11",
    "SpendingAuthorityfromOffsettingCollectionsAmountTotal_CPE",
    [1750, 1850]
);
sf133_rule!(
    a14_gross_outlays_line_3020,
    "A14",
    "GrossOutlayAmountByTAS_CPE",
    [3020]
);
sf133_rule!(
    a15_unobligated_line_2490,
    "A15",
    "UnobligatedBalance_CPE",
    [2490]
);
sf133_rule!(
    a22_obligations_line_2190,
    "A22",
    "ObligationsIncurredTotalByTAS_CPE",
    [2190]
);
sf133_rule!(
    a23_status_line_2500,
    "A23",
    "StatusOfBudgetaryResourcesTotal_CPE",
    [2500]
);
sf133_rule!(
    a29_recoveries_lines_1021_1033,
    "A29",
    "DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE",
    [1021, 1033]
);

#[test]
fn a9_a10_contract_and_borrowing_authority() {
    // The ledger has neither: both columns and their SF-133 lines are zero (see
    // columns_the_ledger_has_no_balances_for_are_zero).
    rule("A9", &[], |s| {
        a_equals_lines(s, "ContractAuthorityAmountTotal_CPE", &[1540, 1640])
    });
    rule("A10", &[], |s| {
        a_equals_lines(s, "BorrowingAuthorityAmountTotal_CPE", &[1340, 1440])
    });
}

#[test]
fn a12_adjustments_lines_1010_to_1067() {
    let lines: Vec<u16> = (1010..=1067).collect();
    rule(
        "A12",
        &["AdjustmentsToUnobligatedBalanceBroughtForward_CPE"],
        |s| {
            a_equals_lines(
                s,
                "AdjustmentsToUnobligatedBalanceBroughtForward_CPE",
                &lines,
            )
        },
    );
}

#[test]
fn a24_status_equals_resources() {
    rule("A24", &["TotalBudgetaryResources_CPE"], |s| {
        per_a_row(
            s,
            |a, r| a.m(r, "StatusOfBudgetaryResourcesTotal_CPE"),
            |a, r, _| a.m(r, "TotalBudgetaryResources_CPE"),
        )
    });
}

#[test]
fn a34_brought_forward_is_last_years_2490() {
    rule(
        "A34",
        &["BudgetAuthorityUnobligatedBalanceBroughtForward_FYB"],
        |s| {
            per_a_row(
                s,
                |a, r| a.m(r, "BudgetAuthorityUnobligatedBalanceBroughtForward_FYB"),
                |_, _, tas| s.prior_2490.get(tas).copied().unwrap_or_default(),
            )
        },
    );
}

#[test]
fn a18_gross_outlays_a_equals_b() {
    rule("A18", &["GrossOutlayAmountByTAS_CPE", B_OUTLAYS], |s| {
        b_sums_equal(s, &[B_OUTLAYS], 1, |tas| {
            a_value(s, tas, "GrossOutlayAmountByTAS_CPE")
        })
    });
}

#[test]
fn a19_obligations_a_equals_minus_b() {
    rule(
        "A19",
        &["ObligationsIncurredTotalByTAS_CPE", B_OBLIGATIONS],
        |s| {
            b_sums_equal(s, &[B_OBLIGATIONS], -1, |tas| {
                a_value(s, tas, "ObligationsIncurredTotalByTAS_CPE")
            })
        },
    );
}

#[test]
fn a35_recoveries_a_equals_b_ussgl() {
    rule(
        "A35",
        &[
            "DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE",
            USSGL_4871,
        ],
        |s| {
            b_sums_equal(
                s,
                &[
                    USSGL_4871,
                    "USSGL497100_DownwardAdjustmentsOfPriorYearUnpaidDeliveredOrdersObligationsRecoveries_CPE",
                    "USSGL487200_DownwardAdjustmentsOfPriorYearPrepaidAdvancedUndeliveredOrdersObligationsRefundsCollected_CPE",
                    "USSGL497200_DownwardAdjustmentsOfPriorYearPaidDeliveredOrdersObligationsRefundsCollected_CPE",
                ],
                1,
                |tas| a_value(s, tas, "DeobligationsRecoveriesRefundsOfPriorYearByTAS_CPE"),
            )
        },
    );
}

#[test]
fn a30_every_tas_in_both_files() {
    rule("A30", &[], |s| {
        let a: BTreeSet<String> = s.a.rows.iter().map(|r| s.a.tas(r)).collect();
        let b: BTreeSet<String> = s.b.rows.iter().map(|r| s.b.tas(r)).collect();
        let b_with_money: BTreeSet<String> =
            s.b.rows
                .iter()
                .filter(|r| !b_row_is_zero(&s.b, r))
                .map(|r| s.b.tas(r))
                .collect();
        let mut out: Vec<String> = a
            .difference(&b)
            .map(|t| format!("A30.1: {t} is in File A, not in File B"))
            .collect();
        out.extend(
            b_with_money
                .difference(&a)
                .map(|t| format!("A30.2: {t} is in File B, not in File A")),
        );
        out
    });
    // A30.1 has something to check: some File A account has no activity in some year.
    assert!(
        submissions()
            .iter()
            .any(|s| s.b.rows.iter().any(|r| b_row_is_zero(&s.b, r)))
    );
}

#[test]
fn a32_tas_unique_in_file_a() {
    rule("A32", &[], |s| {
        let mut seen = BTreeSet::new();
        s.a.rows
            .iter()
            .map(|r| s.a.tas(r))
            .filter(|t| !seen.insert(t.clone()))
            .map(|t| format!("{t} twice"))
            .collect()
    });
}

#[test]
fn b3_undelivered_orders_unpaid() {
    rule(
        "B3.1",
        &[
            "ObligationsUndeliveredOrdersUnpaidTotal_FYB",
            USSGL_4801_FYB,
        ],
        |s| {
            b_row_sum(
                s,
                "ObligationsUndeliveredOrdersUnpaidTotal_FYB",
                &[USSGL_4801_FYB],
                &[],
            )
        },
    );
    rule(
        "B3.2",
        &["ObligationsUndeliveredOrdersUnpaidTotal_CPE", USSGL_4801],
        |s| {
            b_row_sum(
                s,
                "ObligationsUndeliveredOrdersUnpaidTotal_CPE",
                &[
                    USSGL_4801,
                    "USSGL480110_ReinstatedUndeliveredOrdersObligationsUnpaid_CPE",
                    "USSGL483100_UndeliveredOrdersObligationsTransferredUnpaid_CPE",
                    "USSGL488100_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsUnpaid_CPE",
                ],
                &[],
            )
        },
    );
}

#[test]
fn b4_delivered_orders_unpaid() {
    rule("B4.1", &[], |s| {
        b_row_sum(
            s,
            "ObligationsDeliveredOrdersUnpaidTotal_FYB",
            &["USSGL490100_DeliveredOrdersObligationsUnpaid_FYB"],
            &[],
        )
    });
    rule("B4.2", &[], |s| {
        b_row_sum(
            s,
            "ObligationsDeliveredOrdersUnpaidTotal_CPE",
            &[
                "USSGL490100_DeliveredOrdersObligationsUnpaid_CPE",
                "USSGL490110_ReinstatedDeliveredOrdersObligationsUnpaid_CPE",
                "USSGL493100_DeliveredOrdersObligationsTransferredUnpaid_CPE",
                "USSGL498100_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsUnpaid_CPE",
            ],
            &[],
        )
    });
}

#[test]
fn b5_gross_outlays_by_delivery() {
    rule("B5.1", &[], |s| {
        b_row_sum(
            s,
            "GrossOutlayAmountByProgramObjectClass_FYB",
            &[
                "GrossOutlaysUndeliveredOrdersPrepaidTotal_FYB",
                "GrossOutlaysDeliveredOrdersPaidTotal_FYB",
            ],
            &[],
        )
    });
    rule(
        "B5.2",
        &[B_OUTLAYS, "GrossOutlaysDeliveredOrdersPaidTotal_CPE"],
        |s| {
            b_row_sum(
                s,
                B_OUTLAYS,
                &[
                    "GrossOutlaysUndeliveredOrdersPrepaidTotal_CPE",
                    "GrossOutlaysDeliveredOrdersPaidTotal_CPE",
                ],
                &[
                    "GrossOutlaysUndeliveredOrdersPrepaidTotal_FYB",
                    "GrossOutlaysDeliveredOrdersPaidTotal_FYB",
                ],
            )
        },
    );
}

#[test]
fn b6_prepaid_undelivered_orders() {
    rule("B6.1", &[], |s| {
        b_row_sum(
            s,
            "GrossOutlaysUndeliveredOrdersPrepaidTotal_FYB",
            &["USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_FYB"],
            &[],
        )
    });
    rule("B6.2", &[], |s| {
        b_row_sum(
            s,
            "GrossOutlaysUndeliveredOrdersPrepaidTotal_CPE",
            &[
                "USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_CPE",
                "USSGL480210_ReinstatedUndeliveredOrdersObligationsPrepaid_CPE",
                "USSGL483200_UndeliveredOrdersObligationsTransferredPrepaidAdvanced_CPE",
                "USSGL488200_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsPrepaidAdvanced_CPE",
            ],
            &[],
        )
    });
}

#[test]
fn b7_delivered_orders_paid() {
    rule("B7.1", &[], |s| {
        b_row_sum(
            s,
            "GrossOutlaysDeliveredOrdersPaidTotal_FYB",
            &["USSGL490800_AuthorityOutlayedNotYetDisbursed_FYB"],
            &[],
        )
    });
    rule(
        "B7.2",
        &["GrossOutlaysDeliveredOrdersPaidTotal_CPE", USSGL_4902],
        |s| {
            b_row_sum(
                s,
                "GrossOutlaysDeliveredOrdersPaidTotal_CPE",
                &[
                    USSGL_4902,
                    "USSGL490800_AuthorityOutlayedNotYetDisbursed_CPE",
                    "USSGL498200_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsPaid_CPE",
                ],
                &[],
            )
        },
    );
}

#[test]
fn b9_program_activity_code_and_name() {
    rule("B9", &[], |s| {
        s.b.rows
            .iter()
            .filter_map(|r| {
                let (code, name) = (
                    s.b.s(r, "ProgramActivityCode"),
                    s.b.s(r, "ProgramActivityName"),
                );
                let placeholder = code == "0000" && name == "Unknown/Other";
                let ok = if b_row_is_zero(&s.b, r) {
                    placeholder || (code.len() == 4 && !name.is_empty())
                } else {
                    !placeholder
                        && code.len() == 4
                        && code.bytes().all(|b| b.is_ascii_digit())
                        && !name.is_empty()
                };
                (!ok).then(|| format!("{}: {code} {name}", s.b.tas(r)))
            })
            .collect()
    });
}

/// The Broker's object class list (`example_object_class.csv`, vendored with its rules),
/// the three-digit codes: what rule B11.3 checks File B's ObjectClass against.
fn brokers_object_classes() -> BTreeSet<String> {
    include_str!("../../stores/postgres/tests/data/broker/example_object_class.csv")
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .filter(|code| code.len() == 3)
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_crates_object_classes_are_the_brokers_list() {
    let ours: BTreeSet<String> = ObjectClass::ALL.iter().map(|c| c.broker_code()).collect();
    assert_eq!(ours, brokers_object_classes());
}

#[test]
fn b11_3_object_class_in_the_a11_list() {
    let list = brokers_object_classes();
    rule("B11.3", &[], |s| {
        s.b.rows
            .iter()
            .map(|r| s.b.s(r, "ObjectClass"))
            .filter(|oc| !["0000", "000", "00", "0"].contains(oc) && !list.contains(*oc))
            .map(|oc| format!("object class {oc:?}"))
            .collect()
    });
}

#[test]
fn b11_4_every_row_with_money_has_an_object_class() {
    rule("B11.4", &[], |s| {
        s.b.rows
            .iter()
            .filter(|r| {
                ["0000", "000", "00", "0"].contains(&s.b.s(r, "ObjectClass"))
                    && !b_row_is_zero(&s.b, r)
            })
            .map(|r| format!("{}: object class 000 on a row with money", s.b.tas(r)))
            .collect()
    });
    // The classes come from the ledger: the files carry more than one, and each row's
    // class is that of the obligations it sums (checked against the status of funds).
    let classes: BTreeSet<String> = submissions()
        .iter()
        .flat_map(|s| s.b.rows.iter().map(|r| s.b.s(r, "ObjectClass").to_owned()))
        .filter(|oc| oc != "000")
        .collect();
    assert!(classes.len() >= 2, "{classes:?}");
}

#[test]
fn file_b_rows_carry_the_object_class_of_their_obligations() {
    // For every submission: File B's obligations incurred, per account and object class,
    // are the status of funds' obligations of that class (net of the year's start) plus
    // its recoveries, as the ledger keeps them per obligation.
    for s in submissions() {
        let mut by_class: BTreeMap<(String, String), Money> = BTreeMap::new();
        for r in &s.b.rows {
            let oc = s.b.s(r, "ObjectClass").to_owned();
            if oc == "000" {
                continue;
            }
            let total = by_class.entry((s.b.tas(r), oc)).or_insert(Money::ZERO);
            *total = total.checked_add(s.b.m(r, B_OBLIGATIONS)).unwrap();
        }
        let by = [Dimension::Account, Dimension::ObjectClass];
        let start = s.fiscal_year.first_day().pred_opt().unwrap();
        let rows = |date| {
            s.ledger
                .status_of_funds(&StatusQuery::new(date, &by))
                .unwrap()
        };
        let before = rows(start);
        let mut expected: BTreeMap<(String, String), Money> = BTreeMap::new();
        for row in rows(s.as_of) {
            let (Some(account), Some(class)) = (row.key.account, row.key.object_class) else {
                continue;
            };
            let was = before
                .iter()
                .find(|b| b.key == row.key)
                .map_or((Money::ZERO, Money::ZERO), |b| (b.obligated, b.recoveries));
            let incurred = row
                .obligated
                .checked_sub(was.0)
                .unwrap()
                .checked_add(row.recoveries.checked_sub(was.1).unwrap())
                .unwrap();
            if s.b.rows.iter().any(|r| s.b.tas(r) == account.to_string()) && !incurred.is_zero() {
                expected.insert(
                    (account.to_string(), class.broker_code()),
                    incurred.checked_neg().unwrap(),
                );
            }
        }
        by_class.retain(|_, m| !m.is_zero());
        assert_eq!(by_class, expected, "{}", s.name);
    }
}

#[test]
fn b12_direct_or_reimbursable() {
    rule("B12", &[], |s| {
        s.b.rows
            .iter()
            .filter(|r| {
                let flag = s.b.s(r, "ByDirectReimbursableFundingSource");
                // B12.4: empty, D or R; B12.3: D or R when any balance is non-zero.
                !(flag == "D" || flag == "R" || (flag.is_empty() && b_row_is_zero(&s.b, r)))
            })
            .map(|r| format!("{}: flag missing", s.b.tas(r)))
            .collect()
    });
}

#[test]
fn b13_recoveries_are_the_downward_adjustments() {
    rule("B13", &[B_DEOBLIGATIONS, USSGL_4871], |s| {
        b_row_sum(
            s,
            B_DEOBLIGATIONS,
            &[
                USSGL_4871,
                "USSGL487200_DownwardAdjustmentsOfPriorYearPrepaidAdvancedUndeliveredOrdersObligationsRefundsCollected_CPE",
                "USSGL497100_DownwardAdjustmentsOfPriorYearUnpaidDeliveredOrdersObligationsRecoveries_CPE",
                "USSGL497200_DownwardAdjustmentsOfPriorYearPaidDeliveredOrdersObligationsRefundsCollected_CPE",
                "USSGL497210_DownwardAdjustmentsOfPriorYearPaidDeliveredOrdersObligationsNonCashRefunds_CPE",
            ],
            &[],
        )
    });
}

/// B14 and B15: the rows of one source, (4801 − 4801 FYB) + (4802 − 4802 FYB) + 4881 +
/// 4882 + (4901 − 4901 FYB) + 4902 + (4908 − 4908 FYB) + 4981 + 4982, summed by TAS, are
/// minus SF-133 line 2004 (`D`) or 2104 (`R`); a TAS with no row of the source must have
/// the line at zero.
fn b14_b15(s: &Submission, code: &str, line: u16) -> Vec<String> {
    let plus = [
        USSGL_4801,
        "USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_CPE",
        USSGL_4881,
        "USSGL488200_UpwardAdjustmentsOfPriorYearUndeliveredOrdersObligationsPrepaidAdvanced_CPE",
        "USSGL490100_DeliveredOrdersObligationsUnpaid_CPE",
        USSGL_4902,
        "USSGL490800_AuthorityOutlayedNotYetDisbursed_CPE",
        "USSGL498100_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsUnpaid_CPE",
        "USSGL498200_UpwardAdjustmentsOfPriorYearDeliveredOrdersObligationsPaid_CPE",
    ];
    let less = [
        USSGL_4801_FYB,
        "USSGL480200_UndeliveredOrdersObligationsPrepaidAdvanced_FYB",
        "USSGL490100_DeliveredOrdersObligationsUnpaid_FYB",
        "USSGL490800_AuthorityOutlayedNotYetDisbursed_FYB",
    ];
    let mut sums: BTreeMap<String, Money> = BTreeMap::new();
    for row in s.b.rows.iter().filter(|r| {
        s.b.s(r, "PriorYearAdjustment") == "X"
            && s.b.s(r, "ByDirectReimbursableFundingSource") == code
    }) {
        let sum = sums.entry(s.b.tas(row)).or_default();
        *sum = sum
            .checked_add(s.b.sum(row, &plus))
            .unwrap()
            .checked_sub(s.b.sum(row, &less))
            .unwrap();
    }
    let mut failures = Vec::new();
    for tas in s.sf133.keys() {
        let got = sums.get(tas).copied().unwrap_or_default();
        let want = s.line(tas, &[line]).checked_neg().unwrap();
        if got != want {
            failures.push(format!(
                "{tas}: {code} rows sum to {got}, −line {line} is {want}"
            ));
        }
    }
    failures
}

#[test]
fn b14_direct_rows_are_minus_line_2004() {
    rule("B14", &[USSGL_4801, USSGL_4881, USSGL_4902], |s| {
        b14_b15(s, "D", 2004)
    });
}

#[test]
fn b15_reimbursable_rows_are_minus_line_2104() {
    rule("B15", &[USSGL_4801, USSGL_4881, USSGL_4902], |s| {
        b14_b15(s, "R", 2104)
    });
    // The reimbursable rows carry data: an order, its upward adjustment and its recovery.
    let reimbursable = |column: &str| {
        submissions().iter().any(|s| {
            s.b.rows.iter().any(|r| {
                s.b.s(r, "ByDirectReimbursableFundingSource") == "R" && !s.b.m(r, column).is_zero()
            })
        })
    };
    for column in [
        USSGL_4801,
        USSGL_4801_FYB,
        USSGL_4881,
        USSGL_4871,
        USSGL_4902,
        B_OBLIGATIONS,
    ] {
        assert!(reimbursable(column), "no R row carries {column}");
    }
    // The order keeps its source through its payments and adjustments.
    let ledger = reimbursable_ledger();
    let order = ledger
        .obligation(
            &"011-2008/2009-1082".parse().unwrap(),
            &"RW-ORD-1".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(
        order.financed_by,
        security_assistance::budget::DirectOrReimbursable::Reimbursable
    );
    assert_eq!(order.obligated, "1050000".parse().unwrap());
    assert_eq!(order.recoveries, "50000".parse().unwrap());
    // And the SF-133 splits line 2190 exactly.
    for s in submissions() {
        for tas in s.sf133.keys() {
            assert_eq!(
                s.line(tas, &[2004, 2104]),
                s.line(tas, &[2190]),
                "{}: {tas}",
                s.name
            );
        }
    }
    assert!(
        submissions()
            .iter()
            .any(|s| s.sf133.keys().any(|t| !s.line(t, &[2104]).is_zero()))
    );
}

#[test]
fn b19_combination_unique() {
    rule("B19", &[], |s| {
        let mut by_code = BTreeSet::new();
        let mut by_park = BTreeSet::new();
        let mut out = Vec::new();
        for r in &s.b.rows {
            let oc = format!("{:0<4}", s.b.s(r, "ObjectClass"));
            let rest = [
                "ByDirectReimbursableFundingSource",
                "DisasterEmergencyFundCode",
                "PriorYearAdjustment",
            ]
            .map(|c| s.b.s(r, c).to_uppercase());
            let code = (
                s.b.tas(r),
                oc.clone(),
                s.b.s(r, "ProgramActivityCode").to_owned(),
                s.b.s(r, "ProgramActivityName").to_uppercase(),
                rest.clone(),
            );
            if !by_code.insert(code.clone()) {
                out.push(format!("B19.1: {code:?} twice"));
            }
            let park = (
                s.b.tas(r),
                oc,
                s.b.s(r, "ProgramActivityReportingKey").to_uppercase(),
                rest,
            );
            if !by_park.insert(park.clone()) {
                out.push(format!("B19.2: {park:?} twice"));
            }
        }
        out
    });
}

#[test]
fn b22_gross_outlays_line_3020() {
    rule("B22", &[B_OUTLAYS], |s| {
        b_sums_equal(s, &[B_OUTLAYS], 1, |tas| s.line(tas, &[3020]))
    });
}

#[test]
fn b24_disaster_emergency_fund_code() {
    // The Broker's DEFC_LIST_FOR_USAS.csv.
    let codes: Vec<String> =
        "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z 1 2 3 4 5 6 7 8 AAA AAB AAC AAD AAE"
            .split(' ')
            .map(str::to_owned)
            .collect();
    rule("B24", &[], |s| {
        s.b.rows
            .iter()
            .map(|r| s.b.s(r, "DisasterEmergencyFundCode"))
            .filter(|c| !codes.iter().any(|k| k.eq_ignore_ascii_case(c)))
            .map(|c| format!("DEFC {c:?}"))
            .collect()
    });
}

#[test]
fn b25_obligations_minus_line_2190() {
    rule("B25", &[B_OBLIGATIONS], |s| {
        b_sums_equal(s, &[B_OBLIGATIONS], -1, |tas| s.line(tas, &[2190]))
    });
}

#[test]
fn b26_recoveries_lines_1021_1033() {
    rule("B26", &[B_DEOBLIGATIONS], |s| {
        b_sums_equal(s, &[B_DEOBLIGATIONS], 1, |tas| s.line(tas, &[1021, 1033]))
    });
}

#[test]
fn b27_3_program_activity_or_reporting_key() {
    rule("B27.3", &[], |s| {
        s.b.rows
            .iter()
            .filter(|r| {
                let pac_pan = !s.b.s(r, "ProgramActivityCode").is_empty()
                    && !s.b.s(r, "ProgramActivityName").is_empty();
                !pac_pan && s.b.s(r, "ProgramActivityReportingKey").is_empty()
            })
            .map(|r| s.b.tas(r))
            .collect()
    });
}

#[test]
fn b29_prior_year_adjustment() {
    rule("B29", &[], |s| {
        s.b.rows
            .iter()
            .map(|r| s.b.s(r, "PriorYearAdjustment"))
            .filter(|p| !["X", "B", "P"].contains(&p.to_uppercase().as_str()))
            .map(|p| format!("PYA {p:?}"))
            .collect()
    });
}

#[test]
fn a_cancelled_account_is_reported_in_its_closing_year_and_never_after() {
    // 011-2008/2009-1082 closes on 30 September 2014 (31 U.S.C. 1552(a)).
    let ledger = fy2008_ledger();
    let last = day(2015, 9, 30);
    for (fy, listed) in [(2014, true), (2015, false), (2016, false)] {
        let s = submission(
            "FY2008 scenario",
            &ledger,
            fy,
            FiscalYear::new(fy).unwrap().last_day(),
            last,
        );
        for f in [&s.a, &s.b] {
            let has = f.rows.iter().any(|r| f.tas(r) == "011-2008/2009-1082");
            assert_eq!(has, listed, "{}", s.name);
        }
    }
}

#[test]
fn a_row_with_money_and_no_program_activity_is_refused() {
    let year = crate::main_example::fiscal_year::homeland_year().unwrap();
    let err = file_b(
        year.ledger(),
        FiscalYear::new(2008).unwrap(),
        day(2008, 9, 30),
        &ProgramActivities::new(),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            security_assistance::report::ReportError::MissingProgramActivity { .. }
        ),
        "{err}"
    );
}

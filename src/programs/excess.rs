//! Transfers of excess articles (EDA-like), as grants or as sales (DOMAIN.md §5, rules
//! 42–46).
//!
//! An [`ExcessArticle`] has a description, its original acquisition value, its supply
//! condition and whether it is significant military equipment. It leaves through an
//! [`ExcessProgram`], which keeps the dated data the transfer is checked against and every
//! transfer made:
//!
//! - a **grant** (FAA section 516) is at no cost to the recipient, only to a country
//!   justified for that fiscal year (rule 42), only while the fiscal year's aggregate stays
//!   within the cap in force (rule 44), and the recipient pays packing, crating, handling
//!   and transportation unless the statutory exception applies (rule 45);
//! - a **sale** (AECA section 21) is at not less than the actual value, or, for a naval
//!   vessel of 3,000 tons or less and 20 years or older, not less than the greater of its
//!   scrap value and its fair value (rule 46);
//! - either one, of significant military equipment or of an original acquisition value of
//!   $7,000,000 or more, waits 30 days after notice ([`crate::notification::assess`] with
//!   [`ProposedAction::ExcessTransfer`], rule 43).
//!
//! Once made, a transfer's transportation and refurbishment are obligated on the ledger as
//! typed costs ([`ExcessProgram::obligate_cost`]; a grant's transport only under the FAA
//! section 516(e) exception), and a sale's proceeds are collected into the account the
//! caller names under AECA section 37(a) ([`ExcessProgram::collect_proceeds`]).
//!
//! Pricing as a percentage of original acquisition value by condition is unconfirmed
//! (DOMAIN.md §5 and §9 item 4), so the crate ships **no** default: a caller supplies a
//! [`PricingTable`] and uses it to state an article's actual value.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::eligibility::AllowAll;
//! use security_assistance::notification::Thresholds;
//! use security_assistance::programs::excess::{
//!     CapTable, ConditionCode, ExcessArticle, ExcessProgram, Transport, TransferRequest, TransferTerms,
//! };
//! use security_assistance::FiscalYear;
//!
//! let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
//! let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
//! program.justify("PHL".parse()?, FiscalYear::new(2016)?, "FY2016 CBJ");
//! let article = ExcessArticle::new("patrol boat", "6999999.99".parse()?, ConditionCode::B);
//! let request = TransferRequest::new("EDA-PHL-1".parse()?, "PHL".parse()?, day(2016, 3, 1)?,
//!     article, "1200000".parse()?, TransferTerms::Grant { transport: Transport::Recipient });
//! let transfer = program.transfer(request, &AllowAll)?;
//! assert!(transfer.notice.is_none());
//! assert_eq!(program.granted_in(FiscalYear::new(2016)?)?.to_string(), "$1,200,000.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::budget::{
    AccountSymbol, Action, Actor, Command, CommandId, DirectOrReimbursable, DocumentId, Funding,
    Instrument, Ledger, ObjectClass, Receipt,
};
use crate::eligibility::{Decision, EligibilityCheck, EligibilityRequest};
use crate::fiscal::FiscalYear;
use crate::law::Citation;
use crate::money::{Money, MoneyError, Rate, Rounding};
use crate::notification::{self, NoticeGap, Notification, ProposedAction, Thresholds};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// A supply condition code (DoD/DLA), the basis of condition pricing. The meanings are
/// general knowledge, not confirmed in DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub enum ConditionCode {
    /// Serviceable, issuable without qualification.
    A,
    /// Serviceable, issuable with qualification.
    B,
    /// Serviceable, priority issue.
    C,
    /// Serviceable, test or modification needed.
    D,
    /// Unserviceable, limited restoration.
    E,
    /// Unserviceable, reparable.
    F,
    /// Unserviceable, incomplete.
    G,
    /// Unserviceable, condemned.
    H,
    /// Unserviceable, scrap.
    S,
}

impl ConditionCode {
    /// Every code.
    pub const ALL: [ConditionCode; 9] = [
        ConditionCode::A,
        ConditionCode::B,
        ConditionCode::C,
        ConditionCode::D,
        ConditionCode::E,
        ConditionCode::F,
        ConditionCode::G,
        ConditionCode::H,
        ConditionCode::S,
    ];

    /// The code's letter.
    #[must_use]
    pub const fn letter(self) -> char {
        match self {
            ConditionCode::A => 'A',
            ConditionCode::B => 'B',
            ConditionCode::C => 'C',
            ConditionCode::D => 'D',
            ConditionCode::E => 'E',
            ConditionCode::F => 'F',
            ConditionCode::G => 'G',
            ConditionCode::H => 'H',
            ConditionCode::S => 'S',
        }
    }
}

impl fmt::Display for ConditionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.letter().to_string())
    }
}

impl FromStr for ConditionCode {
    type Err = ExcessError;

    /// One letter, A through H or S, in either case.
    fn from_str(s: &str) -> Result<ConditionCode, ExcessError> {
        let mut chars = s.chars();
        let found = match (chars.next(), chars.next()) {
            (Some(c), None) => ConditionCode::ALL
                .into_iter()
                .find(|code| code.letter() == c.to_ascii_uppercase()),
            _ => None,
        };
        found.ok_or_else(|| ExcessError::InvalidCondition {
            input: s.to_owned(),
        })
    }
}

/// A naval vessel's displacement and commissioning date, for the vessel price floor of
/// rule 46.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NavalVessel {
    /// Displacement in tons.
    pub displacement_tons: u32,
    /// The date the vessel was commissioned, from which its age is counted.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub commissioned: NaiveDate,
}

/// The largest displacement of a vessel under the vessel price floor (AECA section 21;
/// DOMAIN.md rule 46).
pub const VESSEL_MAX_TONS: u32 = 3_000;

/// The least age, in years, of a vessel under the vessel price floor.
pub const VESSEL_MIN_AGE_YEARS: u32 = 20;

impl NavalVessel {
    /// Whether the vessel, on `date`, is of [`VESSEL_MAX_TONS`] or less and
    /// [`VESSEL_MIN_AGE_YEARS`] old or older.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::programs::excess::NavalVessel;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let cutter = NavalVessel { displacement_tons: 3_000, commissioned: day(1996, 3, 1)? };
    /// assert!(cutter.under_vessel_floor(day(2016, 3, 1)?));
    /// assert!(!cutter.under_vessel_floor(day(2016, 2, 29)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn under_vessel_floor(&self, date: NaiveDate) -> bool {
        let old_enough = self
            .commissioned
            .checked_add_months(Months::new(VESSEL_MIN_AGE_YEARS.saturating_mul(12)))
            .is_some_and(|twenty| date >= twenty);
        self.displacement_tons <= VESSEL_MAX_TONS && old_enough
    }
}

/// An excess article.
///
/// ```
/// use security_assistance::programs::excess::{ConditionCode, ExcessArticle};
/// let article = ExcessArticle::new("UH-1H helicopter", "7000000".parse()?, ConditionCode::F)
///     .significant_military_equipment();
/// assert!(article.significant_military_equipment);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcessArticle {
    /// What it is.
    pub description: String,
    /// What the United States paid for it.
    pub original_acquisition_value: Money,
    /// Its supply condition.
    pub condition: ConditionCode,
    /// Whether it is significant military equipment.
    pub significant_military_equipment: bool,
    /// For a naval vessel, its displacement and commissioning date.
    pub naval_vessel: Option<NavalVessel>,
}

impl ExcessArticle {
    /// An article that is neither significant military equipment nor a naval vessel.
    #[must_use]
    pub fn new(
        description: impl Into<String>,
        original_acquisition_value: Money,
        condition: ConditionCode,
    ) -> ExcessArticle {
        ExcessArticle {
            description: description.into(),
            original_acquisition_value,
            condition,
            significant_military_equipment: false,
            naval_vessel: None,
        }
    }

    /// The same article flagged as significant military equipment.
    #[must_use]
    pub fn significant_military_equipment(mut self) -> ExcessArticle {
        self.significant_military_equipment = true;
        self
    }

    /// The same article as a naval vessel.
    #[must_use]
    pub fn vessel(mut self, vessel: NavalVessel) -> ExcessArticle {
        self.naval_vessel = Some(vessel);
        self
    }
}

/// One caller-supplied pricing row: articles of `condition` priced at `percent` of their
/// original acquisition value from `from` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingRow {
    /// The first date the row applies.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The condition.
    pub condition: ConditionCode,
    /// The percentage of original acquisition value.
    pub percent: Rate,
    /// Where it comes from.
    pub source: String,
    /// `false` unless the caller confirmed the figure.
    pub confirmed: bool,
}

/// Pricing by condition as a percentage of original acquisition value: caller-supplied
/// data only. DOMAIN.md marks the usual "5 to 50 percent" band unconfirmed, so the crate
/// ships no rows.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::programs::excess::{ConditionCode, ExcessArticle, PricingRow, PricingTable};
/// use security_assistance::Rounding;
/// let from = NaiveDate::from_ymd_opt(2000, 1, 1).ok_or("date")?;
/// let table = PricingTable::new(vec![PricingRow {
///     from, condition: ConditionCode::B, percent: "12.5".parse()?,
///     source: "our agency's price list".to_owned(), confirmed: false,
/// }]);
/// let article = ExcessArticle::new("truck", "80000".parse()?, ConditionCode::B);
/// let day = NaiveDate::from_ymd_opt(2016, 3, 1).ok_or("date")?;
/// assert_eq!(table.actual_value(&article, day, Rounding::HalfEven)?.to_string(), "$10,000.00");
/// assert!(PricingTable::default().actual_value(&article, day, Rounding::HalfEven).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricingTable {
    /// The rows.
    pub rows: Vec<PricingRow>,
}

impl PricingTable {
    /// A table of `rows`.
    #[must_use]
    pub fn new(rows: Vec<PricingRow>) -> PricingTable {
        PricingTable { rows }
    }

    /// The row for `condition` in force on `date`.
    #[must_use]
    pub fn row(&self, condition: ConditionCode, date: NaiveDate) -> Option<&PricingRow> {
        self.rows
            .iter()
            .filter(|r| r.condition == condition && r.from <= date)
            .max_by_key(|r| r.from)
    }

    /// The article's actual value on `date`: its original acquisition value × the row's
    /// percentage, rounded with `rounding`.
    ///
    /// # Errors
    ///
    /// [`ExcessError::NoPriceForCondition`] without a row; [`ExcessError::Money`] on
    /// overflow.
    pub fn actual_value(
        &self,
        article: &ExcessArticle,
        date: NaiveDate,
        rounding: Rounding,
    ) -> Result<Money, ExcessError> {
        let row = self
            .row(article.condition, date)
            .ok_or(ExcessError::NoPriceForCondition {
                condition: article.condition,
                date,
            })?;
        Ok(row
            .percent
            .apply(article.original_acquisition_value, rounding)?)
    }
}

/// One dated row of the aggregate annual cap on grant transfers (FAA section 516(g)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapRow {
    /// The first fiscal year the cap applies to.
    pub from: FiscalYear,
    /// The most that may be transferred in one fiscal year.
    pub cap: Money,
    /// Where it comes from.
    pub source: String,
    /// `false` when the figure or its first fiscal year is unconfirmed.
    pub confirmed: bool,
}

/// The aggregate annual caps, by fiscal year.
///
/// | from | cap | confirmed |
/// |---|---|---|
/// | FY1997 | $350,000,000 | yes: P.L. 104-164 sec. 104, Stat. 110 p. 1426 ("fiscal years beginning after fiscal year 1996") |
/// | FY2000 | $425,000,000 | no: the figure is from P.L. 106-113 app. G sec. 1213 (Stat. 113 p. 1501A-498, enacted 1999-11-29); applying it from FY2000 is an inference |
/// | FY2015 | $500,000,000 | no: the figure is from P.L. 113-276 (December 2014); FY2015 as the first year is an inference (DOMAIN.md rule 44) |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapTable {
    /// The rows.
    pub rows: Vec<CapRow>,
}

impl CapTable {
    /// The public values (see the table on [`CapTable`]).
    #[must_use]
    pub fn current() -> CapTable {
        let row = |year: i32, dollars: i64, source: &str, confirmed| CapRow {
            // OK because the literal years below are in range.
            from: FiscalYear::new(year).unwrap_or(FiscalYear::MIN),
            cap: Money::from_cents(dollars.saturating_mul(100)),
            source: source.to_owned(),
            confirmed,
        };
        CapTable {
            rows: vec![
                row(
                    1997,
                    350_000_000,
                    "FAA 516(g) as enacted by P.L. 104-164 sec. 104 (Stat. 110 p. 1426): $350,000,000 for fiscal years beginning after FY1996",
                    true,
                ),
                row(
                    2000,
                    425_000_000,
                    "P.L. 106-113 app. G sec. 1213 (Stat. 113 p. 1501A-498, 1999-11-29) struck $350,000,000 and inserted $425,000,000; FY2000 as the first year is an inference",
                    false,
                ),
                row(
                    2015,
                    500_000_000,
                    "P.L. 113-276 (December 2014) raised the cap to $500,000,000 (22 U.S.C. 2321j notes); FY2015 as the first full year is an inference (DOMAIN.md rule 44)",
                    false,
                ),
            ],
        }
    }

    /// The cap in force for `fiscal_year`.
    ///
    /// ```
    /// use security_assistance::programs::excess::CapTable;
    /// use security_assistance::FiscalYear;
    /// let caps = CapTable::current();
    /// assert!(caps.cap_for(FiscalYear::new(1996)?).is_none());
    /// assert_eq!(caps.cap_for(FiscalYear::new(1997)?).map(|r| r.cap.to_string()),
    ///     Some("$350,000,000.00".to_owned()));
    /// assert_eq!(caps.cap_for(FiscalYear::new(2015)?).map(|r| r.cap.to_string()),
    ///     Some("$500,000,000.00".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn cap_for(&self, fiscal_year: FiscalYear) -> Option<&CapRow> {
        self.rows
            .iter()
            .filter(|r| r.from <= fiscal_year)
            .max_by_key(|r| r.from)
    }
}

/// One dated limit on the weight of a grant shipment whose transport the United States
/// may pay under the statutory exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightLimit {
    /// The first transfer date the limit applies to.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The most a shipment may weigh, in pounds.
    pub pounds: u32,
    /// Where it comes from.
    pub source: String,
    /// `false` when unconfirmed.
    pub confirmed: bool,
}

/// The weight limits shipped: 25,000 pounds from the 1996 text, 50,000 pounds from 2000
/// (DOMAIN.md §5 marks the change partly confirmed; the date used, the enactment of the
/// Security Assistance Act of 2000 on 2000-10-06, is unconfirmed).
///
/// ```
/// use security_assistance::programs::excess::weight_limits;
/// let limits = weight_limits();
/// assert_eq!(limits.iter().map(|l| l.pounds).collect::<Vec<_>>(), [25_000, 50_000]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn weight_limits() -> Vec<WeightLimit> {
    let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    vec![
        WeightLimit {
            from: ymd(1996, 7, 21),
            pounds: 25_000,
            source: "FAA 516(e) as enacted by P.L. 104-164 (Stat. 110 p. 1425): 25,000 pounds"
                .to_owned(),
            confirmed: false,
        },
        WeightLimit {
            from: ymd(2000, 10, 6),
            pounds: 50_000,
            source: "raised to 50,000 pounds in 2000 (22 U.S.C. 2321j notes); the date, that of P.L. 106-280, is unconfirmed".to_owned(),
            confirmed: false,
        },
    ]
}

/// Who pays packing, crating, handling and transportation of a grant (DOMAIN.md rule 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "payer")]
#[non_exhaustive]
pub enum Transport {
    /// The recipient pays: the rule.
    Recipient,
    /// The United States pays under the statutory exception, for a shipment within the
    /// weight limit in force; the caller answers for the exception's other conditions.
    UnitedStates {
        /// The shipment's weight, in pounds.
        weight_pounds: u32,
    },
}

/// How the article is transferred.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "basis")]
#[non_exhaustive]
pub enum TransferTerms {
    /// A grant under FAA section 516: no cost to the recipient.
    Grant {
        /// Who pays transport.
        transport: Transport,
    },
    /// A sale under AECA section 21.
    Sale {
        /// The price.
        price: Money,
        /// The article's actual value (for instance from a [`PricingTable`]).
        actual_value: Money,
        /// The scrap value, for a vessel under the vessel floor.
        scrap_value: Option<Money>,
        /// The fair value, for a vessel under the vessel floor.
        fair_value: Option<Money>,
    },
}

/// A proposed transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// The transfer's identifier.
    pub id: DocumentId,
    /// The recipient.
    pub recipient: CountryCode,
    /// The transfer date.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The article.
    pub article: ExcessArticle,
    /// The value the transfer counts against the annual cap when it is a grant: the
    /// article's current value (22 U.S.C. 2403 "value"; DOMAIN.md leaves acquisition versus
    /// current value unconfirmed, and this crate counts current value — a documented
    /// choice).
    pub current_value: Money,
    /// Grant or sale.
    pub terms: TransferTerms,
    /// The date notice was given to the committees, if it was.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub notified: Option<NaiveDate>,
}

impl TransferRequest {
    /// A request without a recorded notice.
    #[must_use]
    pub fn new(
        id: DocumentId,
        recipient: CountryCode,
        date: NaiveDate,
        article: ExcessArticle,
        current_value: Money,
        terms: TransferTerms,
    ) -> TransferRequest {
        TransferRequest {
            id,
            recipient,
            date,
            article,
            current_value,
            terms,
            notified: None,
        }
    }

    /// The same request with notice given on `date`.
    #[must_use]
    pub fn notified_on(mut self, date: NaiveDate) -> TransferRequest {
        self.notified = Some(date);
        self
    }
}

/// A cost of an excess-article transfer that the United States obligates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExcessCost {
    /// Packing, crating, handling and transportation (FAA section 516(e)).
    Transportation,
    /// Refurbishment or repair before delivery.
    Refurbishment,
}

/// A cost of a transfer to obligate on the ledger ([`ExcessProgram::obligate_cost`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostObligation {
    /// The transfer.
    pub transfer: DocumentId,
    /// What the cost is for.
    pub cost: ExcessCost,
    /// The account obligated.
    pub account: AccountSymbol,
    /// The obligating document (the transportation order or the repair order).
    pub document: DocumentId,
    /// The allocation or allotment charged.
    pub funding: Funding,
    /// The amount.
    pub amount: Money,
}

/// Sale proceeds to collect on the ledger ([`ExcessProgram::collect_proceeds`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProceedsCollection {
    /// The sale.
    pub transfer: DocumentId,
    /// The account credited.
    pub account: AccountSymbol,
    /// The collection document, unique within the account.
    pub document: DocumentId,
    /// The amount collected.
    pub amount: Money,
}

/// The authority cited on the ledger collection of excess-article sale proceeds
/// ([`ExcessProgram::collect_proceeds`]); text read at uscode.elaws.us (22 U.S.C. 2777).
pub const SALE_PROCEEDS_AUTHORITY: &str = "AECA sec. 37(a) (22 U.S.C. 2777(a))";

/// A transfer made: the request, its fiscal year, the notice it waited for and the
/// eligibility decision that allowed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The request.
    pub request: TransferRequest,
    /// The fiscal year of the transfer date.
    pub fiscal_year: FiscalYear,
    /// What the transfer counted against the cap (zero for a sale).
    pub counted_against_cap: Money,
    /// The notice it waited for, if one was needed.
    pub notice: Option<Notification>,
    /// The eligibility decision.
    pub decision: Decision,
}

/// A justification of a recipient for a fiscal year, in the budget justification or
/// separately (FAA section 516(a)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Justification {
    /// The recipient.
    pub partner: CountryCode,
    /// The fiscal year.
    pub fiscal_year: FiscalYear,
    /// The document, such as "FY2016 Congressional Budget Justification".
    pub source: String,
}

/// The excess-article program: dated caps, weight limits, notification thresholds,
/// justifications, and every transfer made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcessProgram {
    caps: CapTable,
    thresholds: Thresholds,
    weight_limits: Vec<WeightLimit>,
    justifications: Vec<Justification>,
    transfers: Vec<Transfer>,
    /// Costs obligated on the ledger for transfers.
    #[serde(default)]
    costs: Vec<CostObligation>,
    /// Sale proceeds collected on the ledger.
    #[serde(default)]
    proceeds: Vec<ProceedsCollection>,
}

impl ExcessProgram {
    /// A program with `caps` and notification `thresholds`, the shipped
    /// [`weight_limits`], no justifications and no transfers.
    #[must_use]
    pub fn new(caps: CapTable, thresholds: Thresholds) -> ExcessProgram {
        ExcessProgram {
            caps,
            thresholds,
            weight_limits: weight_limits(),
            justifications: Vec::new(),
            transfers: Vec::new(),
            costs: Vec::new(),
            proceeds: Vec::new(),
        }
    }

    /// The same program with other transport weight limits.
    #[must_use]
    pub fn with_weight_limits(mut self, limits: Vec<WeightLimit>) -> ExcessProgram {
        self.weight_limits = limits;
        self
    }

    /// Records that `partner` is justified for grants in `fiscal_year` by `source`.
    ///
    /// ```
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::excess::*;
    /// use security_assistance::FiscalYear;
    /// let fy2016 = FiscalYear::new(2016)?;
    /// let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    /// assert!(!program.is_justified("PHL".parse()?, fy2016));
    /// program.justify("PHL".parse()?, fy2016, "FY2016 CBJ");
    /// assert!(program.is_justified("PHL".parse()?, fy2016));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn justify(
        &mut self,
        partner: CountryCode,
        fiscal_year: FiscalYear,
        source: impl Into<String>,
    ) {
        self.justifications.push(Justification {
            partner,
            fiscal_year,
            source: source.into(),
        });
    }

    /// Whether `partner` is justified for `fiscal_year`.
    #[must_use]
    pub fn is_justified(&self, partner: CountryCode, fiscal_year: FiscalYear) -> bool {
        self.justifications
            .iter()
            .any(|j| j.partner == partner && j.fiscal_year == fiscal_year)
    }

    /// The caps.
    #[must_use]
    pub fn caps(&self) -> &CapTable {
        &self.caps
    }

    /// Every cost obligated on the ledger, in order.
    #[must_use]
    pub fn costs(&self) -> &[CostObligation] {
        &self.costs
    }

    /// Every collection of sale proceeds, in order.
    #[must_use]
    pub fn proceeds(&self) -> &[ProceedsCollection] {
        &self.proceeds
    }

    /// What has been collected for the sale `transfer`.
    ///
    /// # Errors
    ///
    /// [`ExcessError::Money`] on overflow.
    pub fn collected_for(&self, transfer: &DocumentId) -> Result<Money, ExcessError> {
        Ok(Money::checked_sum(
            self.proceeds
                .iter()
                .filter(|p| p.transfer == *transfer)
                .map(|p| p.amount),
        )?)
    }

    fn transfer_of(&self, id: &DocumentId) -> Result<&Transfer, ExcessError> {
        self.transfers
            .iter()
            .find(|t| t.request.id == *id)
            .ok_or_else(|| ExcessError::UnknownTransfer { id: id.clone() })
    }

    /// Obligates a cost of a transfer made on the ledger: an [`Action::Obligate`] of
    /// `cost.amount` in `cost.account` against `cost.funding`, document `cost.document`,
    /// instrument [`Instrument::Transfer`], object class 22.0 (transportation of things)
    /// for transportation and 25.7 (operation and maintenance of equipment) for
    /// refurbishment (OMB A-11 Exhibit 83A), dated `date`, as command `id` by `actor`. The
    /// ledger applies its own checks (purpose, time, amount); the program records the cost
    /// only if the ledger accepts it.
    ///
    /// For a grant the United States pays packing, crating, handling and transportation
    /// only under the statutory exception (FAA section 516(e), DOMAIN.md rule 45): a grant
    /// whose transport the recipient pays cannot have it obligated. Refurbishment is
    /// obligated as the caller's funding allows; whether a grant's refurbishment may be
    /// paid from the United States' funds is not decided here (FAA section 516 forbids
    /// spending DoD procurement funds on the transfer; the ledger's purpose check answers
    /// for the account named).
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the program and the ledger unchanged:
    /// [`ExcessError::UnknownTransfer`]; [`ExcessError::NotPositive`];
    /// [`ExcessError::TransportPaidByRecipient`]; [`ExcessError::Ledger`] when the ledger
    /// refuses the obligation; [`ExcessError::DuplicateLedgerCommand`] when `id` was
    /// already applied.
    pub fn obligate_cost(
        &mut self,
        date: NaiveDate,
        cost: CostObligation,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, ExcessError> {
        let transfer = self.transfer_of(&cost.transfer)?;
        if !cost.amount.is_positive() {
            return Err(ExcessError::NotPositive {
                amount: cost.amount,
            });
        }
        if let (
            ExcessCost::Transportation,
            TransferTerms::Grant {
                transport: Transport::Recipient,
            },
        ) = (cost.cost, &transfer.request.terms)
        {
            return Err(ExcessError::TransportPaidByRecipient {
                id: cost.transfer.clone(),
            });
        }
        let object_class = match cost.cost {
            ExcessCost::Transportation => ObjectClass::TRANSPORTATION_OF_THINGS,
            ExcessCost::Refurbishment => ObjectClass::OPERATION_AND_MAINTENANCE_OF_EQUIPMENT,
        };
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Obligate {
                account: cost.account,
                document: cost.document.clone(),
                instrument: Instrument::Transfer,
                funding: cost.funding.clone(),
                amount: cost.amount,
                object_class: Some(object_class),
                financed_by: DirectOrReimbursable::Direct,
            },
        );
        let receipt = super::post::<ExcessError>(ledger, command)?;
        self.costs.push(cost);
        Ok(receipt)
    }

    /// Collects `collection.amount` of the price of the sale `collection.transfer` on the
    /// ledger: an [`Action::Collect`] into `collection.account` (document
    /// `collection.document`, payer the recipient, authority [`SALE_PROCEEDS_AUTHORITY`]),
    /// dated `date`, as command `id` by `actor`.
    ///
    /// An excess article is sold under AECA section 21 (DOMAIN.md §5), and AECA section
    /// 37(a) (22 U.S.C. 2777(a)) makes cash received for such sales available solely for
    /// payments to suppliers (the military departments included) and refunds to
    /// purchasers: the proceeds go to the account that paid for the article or holds the
    /// purchaser's cash, which the caller names (the crate does not know the military
    /// department's account). A grant has no proceeds.
    ///
    /// # Errors
    ///
    /// In precedence order, each leaving the program and the ledger unchanged:
    /// [`ExcessError::UnknownTransfer`]; [`ExcessError::NotASale`];
    /// [`ExcessError::NotPositive`]; [`ExcessError::ProceedsExceedPrice`] past the sale
    /// price; [`ExcessError::Ledger`]; [`ExcessError::DuplicateLedgerCommand`].
    pub fn collect_proceeds(
        &mut self,
        date: NaiveDate,
        collection: ProceedsCollection,
        ledger: &mut Ledger,
        id: CommandId,
        actor: Actor,
    ) -> Result<Receipt, ExcessError> {
        let transfer = self.transfer_of(&collection.transfer)?;
        let TransferTerms::Sale { price, .. } = transfer.request.terms else {
            return Err(ExcessError::NotASale {
                id: collection.transfer.clone(),
            });
        };
        let payer = transfer.request.recipient;
        if !collection.amount.is_positive() {
            return Err(ExcessError::NotPositive {
                amount: collection.amount,
            });
        }
        let collected = self.collected_for(&collection.transfer)?;
        if collected.checked_add(collection.amount)? > price {
            return Err(ExcessError::ProceedsExceedPrice {
                id: collection.transfer.clone(),
                price,
                collected,
                requested: collection.amount,
            });
        }
        let command = Command::new(
            id.clone(),
            date,
            actor,
            Action::Collect {
                account: collection.account,
                document: collection.document.clone(),
                amount: collection.amount,
                payer,
                authority: SALE_PROCEEDS_AUTHORITY.into(),
            },
        );
        let receipt = super::post::<ExcessError>(ledger, command)?;
        self.proceeds.push(collection);
        Ok(receipt)
    }

    /// Every transfer made, in order.
    #[must_use]
    pub fn transfers(&self) -> &[Transfer] {
        &self.transfers
    }

    /// What grants counted against the cap in `fiscal_year`.
    ///
    /// # Errors
    ///
    /// [`ExcessError::Money`] on overflow.
    pub fn granted_in(&self, fiscal_year: FiscalYear) -> Result<Money, ExcessError> {
        Ok(Money::checked_sum(
            self.transfers
                .iter()
                .filter(|t| t.fiscal_year == fiscal_year)
                .map(|t| t.counted_against_cap),
        )?)
    }

    /// What may still be granted in `fiscal_year`; `None` when no cap is in force.
    ///
    /// # Errors
    ///
    /// [`ExcessError::Money`] on overflow.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::excess::*;
    /// use security_assistance::FiscalYear;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let fy2016 = FiscalYear::new(2016)?;
    /// let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    /// program.justify("PHL".parse()?, fy2016, "FY2016 CBJ");
    /// let boat = ExcessArticle::new("patrol boat", "1000000".parse()?, ConditionCode::A);
    /// program.transfer(TransferRequest::new("E1".parse()?, "PHL".parse()?, day(2016, 3, 1)?, boat,
    ///     "100000000".parse()?, TransferTerms::Grant { transport: Transport::Recipient }), &AllowAll)?;
    /// assert_eq!(program.granted_in(fy2016)?.to_string(), "$100,000,000.00");
    /// assert_eq!(program.remaining_in(fy2016)?.map(|m| m.to_string()), Some("$400,000,000.00".to_owned()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn remaining_in(&self, fiscal_year: FiscalYear) -> Result<Option<Money>, ExcessError> {
        let Some(row) = self.caps.cap_for(fiscal_year) else {
            return Ok(None);
        };
        Ok(Some(row.cap.checked_sub(self.granted_in(fiscal_year)?)?))
    }

    /// Makes the transfer and returns it, or refuses it whole and changes nothing.
    ///
    /// # Errors
    ///
    /// In precedence order:
    /// 1. [`ExcessError::DuplicateTransfer`];
    /// 2. [`ExcessError::EmptyDescription`], [`ExcessError::NegativeAmount`];
    /// 3. [`ExcessError::NotJustified`] for a grant to a recipient not justified for the
    ///    fiscal year (rule 42);
    /// 4. [`ExcessError::PriceBelowFloor`] and [`ExcessError::VesselValuesMissing`] for a
    ///    sale (rule 46); [`ExcessError::TransportOverWeight`] and
    ///    [`ExcessError::NoWeightLimit`] when the United States pays transport (rule 45);
    ///    [`ExcessError::NoCapInForce`] and [`ExcessError::CapExceeded`] for a grant (rule
    ///    44);
    /// 5. [`ExcessError::NotificationRequired`] and [`ExcessError::ReviewPeriodNotEnded`]
    ///    (rule 43);
    /// 6. [`ExcessError::Ineligible`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::notification::Thresholds;
    /// use security_assistance::programs::excess::*;
    /// use security_assistance::FiscalYear;
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let fy2016 = FiscalYear::new(2016)?;
    /// let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    /// let helicopter = ExcessArticle::new("UH-1H", "7000000".parse()?, ConditionCode::F);
    /// let request = TransferRequest::new("E2".parse()?, "PHL".parse()?, day(2016, 3, 1)?, helicopter,
    ///     "350000".parse()?, TransferTerms::Grant { transport: Transport::Recipient });
    /// // Not justified for FY2016 yet.
    /// assert!(matches!(program.transfer(request.clone(), &AllowAll), Err(ExcessError::NotJustified { .. })));
    /// program.justify("PHL".parse()?, fy2016, "FY2016 CBJ");
    /// // $7,000,000 original acquisition value: 30 days after notice.
    /// assert!(matches!(
    ///     program.transfer(request.clone(), &AllowAll),
    ///     Err(ExcessError::NotificationRequired { review_days: 30, .. })
    /// ));
    /// let made = program.transfer(request.notified_on(day(2016, 1, 31)?), &AllowAll)?;
    /// assert_eq!(made.notice.map(|n| n.earliest), Some(day(2016, 3, 1)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn transfer(
        &mut self,
        request: TransferRequest,
        eligibility: &dyn EligibilityCheck,
    ) -> Result<Transfer, ExcessError> {
        if self.transfers.iter().any(|t| t.request.id == request.id) {
            return Err(ExcessError::DuplicateTransfer { id: request.id });
        }
        check_shape(&request)?;
        let fiscal_year = FiscalYear::containing(request.date);
        let is_grant = matches!(request.terms, TransferTerms::Grant { .. });
        if is_grant && !self.is_justified(request.recipient, fiscal_year) {
            return Err(ExcessError::NotJustified {
                partner: request.recipient,
                fiscal_year,
            });
        }
        let counted = match &request.terms {
            TransferTerms::Sale {
                price,
                actual_value,
                scrap_value,
                fair_value,
            } => {
                self.check_price(&request, *price, *actual_value, *scrap_value, *fair_value)?;
                Money::ZERO
            }
            TransferTerms::Grant { transport } => {
                self.check_transport(*transport, request.date)?;
                self.check_cap(fiscal_year, request.current_value)?;
                request.current_value
            }
        };
        let notice = self.check_notice(&request)?;
        let mut asked =
            EligibilityRequest::new(request.recipient, ProgramKind::ExcessArticles, request.date);
        asked.amount = Some(request.current_value);
        asked.document = Some(request.id.as_str().to_owned());
        let decision = eligibility.decide(&asked);
        if !decision.outcome().allows() {
            return Err(ExcessError::Ineligible {
                id: request.id,
                decision: Box::new(decision),
            });
        }
        let transfer = Transfer {
            request,
            fiscal_year,
            counted_against_cap: counted,
            notice,
            decision,
        };
        self.transfers.push(transfer.clone());
        Ok(transfer)
    }

    /// The aggregate annual cap on grants (22 U.S.C. 2321j; DOMAIN.md rule 44).
    fn check_cap(&self, fiscal_year: FiscalYear, requested: Money) -> Result<(), ExcessError> {
        let cap = self
            .caps
            .cap_for(fiscal_year)
            .ok_or(ExcessError::NoCapInForce { fiscal_year })?;
        let granted = self.granted_in(fiscal_year)?;
        if granted.checked_add(requested)? > cap.cap {
            return Err(ExcessError::CapExceeded {
                fiscal_year,
                cap: cap.cap,
                granted,
                requested,
            });
        }
        Ok(())
    }

    fn check_price(
        &self,
        request: &TransferRequest,
        price: Money,
        actual_value: Money,
        scrap_value: Option<Money>,
        fair_value: Option<Money>,
    ) -> Result<(), ExcessError> {
        let vessel = request
            .article
            .naval_vessel
            .filter(|v| v.under_vessel_floor(request.date));
        let (floor, basis) = match vessel {
            None => (actual_value, PriceBasis::ActualValue),
            Some(_) => {
                let (Some(scrap), Some(fair)) = (scrap_value, fair_value) else {
                    return Err(ExcessError::VesselValuesMissing {
                        id: request.id.clone(),
                    });
                };
                (scrap.max(fair), PriceBasis::VesselScrapOrFairValue)
            }
        };
        if price < floor {
            return Err(ExcessError::PriceBelowFloor {
                id: request.id.clone(),
                price,
                floor,
                basis,
            });
        }
        Ok(())
    }

    fn check_transport(&self, transport: Transport, date: NaiveDate) -> Result<(), ExcessError> {
        let Transport::UnitedStates { weight_pounds } = transport else {
            return Ok(());
        };
        let limit = self
            .weight_limits
            .iter()
            .filter(|l| l.from <= date)
            .max_by_key(|l| l.from)
            .ok_or(ExcessError::NoWeightLimit { date })?;
        if weight_pounds > limit.pounds {
            return Err(ExcessError::TransportOverWeight {
                weight_pounds,
                limit_pounds: limit.pounds,
                date,
            });
        }
        Ok(())
    }

    fn check_notice(&self, request: &TransferRequest) -> Result<Option<Notification>, ExcessError> {
        let action = ProposedAction::ExcessTransfer {
            partner: request.recipient,
            original_acquisition_value: request.article.original_acquisition_value,
            significant_military_equipment: request.article.significant_military_equipment,
        };
        notification::check_given(&action, request.date, request.notified, &self.thresholds)
            .map_err(|gap| match gap {
                NoticeGap::Assess(e) => e.into(),
                NoticeGap::Required(today) => ExcessError::NotificationRequired {
                    id: request.id.clone(),
                    citation: today.citation,
                    review_days: today.review_days,
                    earliest_if_notified_today: today.earliest,
                },
                NoticeGap::Pending { notice, notified } => ExcessError::ReviewPeriodNotEnded {
                    id: request.id.clone(),
                    citation: notice.citation,
                    notified,
                    earliest: notice.earliest,
                    date: request.date,
                },
            })
    }
}

/// Which floor a sale price is held to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PriceBasis {
    /// Not less than the actual value (AECA section 21(a)(1)(A)).
    ActualValue,
    /// A naval vessel of 3,000 tons or less and 20 years or older: not less than the
    /// greater of scrap value and fair value.
    VesselScrapOrFairValue,
}

impl fmt::Display for PriceBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            PriceBasis::ActualValue => "the actual value",
            PriceBasis::VesselScrapOrFairValue => "the greater of scrap and fair value",
        })
    }
}

/// Why a transfer or a price was refused.
///
/// # Precedence
///
/// [`ExcessError::precedence`]: 1 identity ([`ExcessError::DuplicateTransfer`],
/// [`ExcessError::UnknownTransfer`], [`ExcessError::NotASale`]); 2 shape; 3 justification
/// and who pays ([`ExcessError::TransportPaidByRecipient`]); 4 amount (price floors,
/// transport weight, the cap, [`ExcessError::ProceedsExceedPrice`]); 5 notice; 6
/// eligibility; 7 ledger; 0 arithmetic and lookups outside a transfer.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum ExcessError {
    /// A transfer with this id was already made.
    #[error("transfer {id} was already made: use a new id")]
    DuplicateTransfer {
        /// The id.
        id: DocumentId,
    },
    /// The article has no description.
    #[error("the article must be described")]
    EmptyDescription,
    /// An amount was negative.
    #[error("amount {amount} must not be negative")]
    NegativeAmount {
        /// The amount.
        amount: Money,
    },
    /// A condition code did not parse.
    #[error("condition code {input:?} is invalid: expected one of A through H or S")]
    InvalidCondition {
        /// The input.
        input: String,
    },
    /// The recipient is not justified for grants in the fiscal year (rule 42).
    #[error(
        "{partner} is not justified for excess-article grants in {fiscal_year}: only countries justified for that fiscal year may receive them"
    )]
    NotJustified {
        /// The recipient.
        partner: CountryCode,
        /// The fiscal year.
        fiscal_year: FiscalYear,
    },
    /// A sale price is below its floor (rule 46).
    #[error("transfer {id} at {price} is below {basis}, {floor}: the price may not be less")]
    PriceBelowFloor {
        /// The transfer.
        id: DocumentId,
        /// The price.
        price: Money,
        /// The floor.
        floor: Money,
        /// Which floor.
        basis: PriceBasis,
    },
    /// A vessel under the vessel floor was offered without scrap and fair values.
    #[error(
        "transfer {id} sells a vessel of 3,000 tons or less and 20 years or older: give its scrap value and its fair value"
    )]
    VesselValuesMissing {
        /// The transfer.
        id: DocumentId,
    },
    /// The shipment is over the weight limit for United States-paid transport (rule 45).
    #[error(
        "the United States may pay transport only for shipments of up to {limit_pounds} pounds on {date}, not {weight_pounds}"
    )]
    TransportOverWeight {
        /// The shipment's weight.
        weight_pounds: u32,
        /// The limit in force.
        limit_pounds: u32,
        /// The transfer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// No weight limit is in force, so the exception cannot be used.
    #[error("no transport weight limit is in force on {date}: the recipient must pay transport")]
    NoWeightLimit {
        /// The transfer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// No cap is in force for the fiscal year.
    #[error("no annual cap is in force for {fiscal_year}: supply a cap row that covers it")]
    NoCapInForce {
        /// The fiscal year.
        fiscal_year: FiscalYear,
    },
    /// The grant would take the fiscal year past its cap (rule 44).
    #[error(
        "a grant of {requested} would take {fiscal_year} past its cap of {cap} ({granted} already granted)"
    )]
    CapExceeded {
        /// The fiscal year.
        fiscal_year: FiscalYear,
        /// The cap.
        cap: Money,
        /// What was granted before.
        granted: Money,
        /// The grant refused.
        requested: Money,
    },
    /// Notice is needed and none was given (rule 43).
    #[error(
        "transfer {id} needs notice under {citation}: notified today, its {review_days}-day review would end on {earliest_if_notified_today}"
    )]
    NotificationRequired {
        /// The transfer.
        id: DocumentId,
        /// The law.
        citation: Citation,
        /// The review period.
        review_days: u32,
        /// The earliest transfer date if notice were given on the transfer date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest_if_notified_today: NaiveDate,
    },
    /// The review period after the notice has not ended (rule 43).
    #[error(
        "transfer {id} cannot take place on {date}: the review under {citation} after notice on {notified} ends on {earliest}; transfer on or after that day"
    )]
    ReviewPeriodNotEnded {
        /// The transfer.
        id: DocumentId,
        /// The law.
        citation: Citation,
        /// The notice date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        notified: NaiveDate,
        /// The first allowed date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        earliest: NaiveDate,
        /// The date refused.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// The eligibility gate refused the recipient.
    #[error("transfer {id} is refused: {decision}")]
    Ineligible {
        /// The transfer.
        id: DocumentId,
        /// The decision.
        decision: Box<Decision>,
    },
    /// No pricing row covers the condition on the date.
    #[error("no price row for condition {condition} is in force on {date}: supply one")]
    NoPriceForCondition {
        /// The condition.
        condition: ConditionCode,
        /// The date.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
    },
    /// No transfer of that id was made.
    #[error("no transfer {id} was made")]
    UnknownTransfer {
        /// The id given.
        id: DocumentId,
    },
    /// An amount that must be positive is not.
    #[error("amount {amount} must be positive")]
    NotPositive {
        /// The amount.
        amount: Money,
    },
    /// The recipient of a grant pays its transportation (FAA section 516(e)).
    #[error(
        "transportation of grant {id} is paid by the recipient: the United States pays it only under the FAA 516(e) exception"
    )]
    TransportPaidByRecipient {
        /// The transfer.
        id: DocumentId,
    },
    /// Proceeds were collected for a grant.
    #[error("transfer {id} is a grant: it has no sale proceeds")]
    NotASale {
        /// The transfer.
        id: DocumentId,
    },
    /// A collection would pass the sale price.
    #[error(
        "collection of {requested} for sale {id} passes its price {price} ({collected} already collected)"
    )]
    ProceedsExceedPrice {
        /// The sale.
        id: DocumentId,
        /// Its price.
        price: Money,
        /// What was collected before.
        collected: Money,
        /// The collection refused.
        requested: Money,
    },
    /// The ledger refused the posting.
    #[error("the ledger refused the posting: {0}")]
    Ledger(Box<crate::budget::BudgetError>),
    /// The ledger command id was already applied.
    #[error("ledger command {id} was already applied")]
    DuplicateLedgerCommand {
        /// The command id.
        id: CommandId,
    },
    /// Arithmetic overflowed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
    /// The notification assessment failed: a figure was out of range.
    #[error("the transfer's notice could not be assessed")]
    Assess(#[from] crate::notification::AssessError),
}

crate::wire::wire_serde!(ExcessError);

impl crate::wire::ErrorCode for ExcessError {
    fn code(&self) -> &'static str {
        crate::wire::variant_code(self, ExcessError::serialize)
    }
    fn precedence(&self) -> u8 {
        ExcessError::precedence(self)
    }
}

impl ExcessError {
    /// The rank of the check that failed (see the type's documentation).
    #[must_use]
    pub fn precedence(&self) -> u8 {
        match self {
            ExcessError::DuplicateTransfer { .. }
            | ExcessError::UnknownTransfer { .. }
            | ExcessError::NotASale { .. } => 1,
            ExcessError::EmptyDescription
            | ExcessError::NegativeAmount { .. }
            | ExcessError::NotPositive { .. }
            | ExcessError::InvalidCondition { .. } => 2,
            ExcessError::NotJustified { .. } | ExcessError::TransportPaidByRecipient { .. } => 3,
            ExcessError::PriceBelowFloor { .. }
            | ExcessError::VesselValuesMissing { .. }
            | ExcessError::TransportOverWeight { .. }
            | ExcessError::NoWeightLimit { .. }
            | ExcessError::NoCapInForce { .. }
            | ExcessError::CapExceeded { .. }
            | ExcessError::ProceedsExceedPrice { .. } => 4,
            ExcessError::NotificationRequired { .. } | ExcessError::ReviewPeriodNotEnded { .. } => {
                5
            }
            ExcessError::Ineligible { .. } => 6,
            ExcessError::Ledger(_) | ExcessError::DuplicateLedgerCommand { .. } => 7,
            ExcessError::NoPriceForCondition { .. }
            | ExcessError::Money(_)
            | ExcessError::Assess(_) => 0,
        }
    }
}

/// A transfer's description is not blank and none of its amounts is negative.
fn check_shape(request: &TransferRequest) -> Result<(), ExcessError> {
    let article = &request.article;
    if article.description.trim().is_empty() {
        return Err(ExcessError::EmptyDescription);
    }
    let mut amounts = vec![article.original_acquisition_value, request.current_value];
    if let TransferTerms::Sale {
        price,
        actual_value,
        scrap_value,
        fair_value,
    } = &request.terms
    {
        amounts.extend([*price, *actual_value]);
        amounts.extend(scrap_value.iter().chain(fair_value.iter()).copied());
    }
    match amounts.into_iter().find(|a| a.is_negative()) {
        Some(amount) => Err(ExcessError::NegativeAmount { amount }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::AllowAll;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn fy(y: i32) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    fn program() -> ExcessProgram {
        let mut p = ExcessProgram::new(CapTable::current(), Thresholds::current());
        for year in [1997, 2014, 2015, 2016] {
            p.justify("PHL".parse().unwrap(), fy(year), "CBJ");
        }
        p
    }

    fn grant(id: &str, date: NaiveDate, oav: &str, value: &str) -> TransferRequest {
        TransferRequest::new(
            id.parse().unwrap(),
            "PHL".parse().unwrap(),
            date,
            ExcessArticle::new("patrol boat", m(oav), ConditionCode::B),
            m(value),
            TransferTerms::Grant {
                transport: Transport::Recipient,
            },
        )
    }

    /// DOMAIN.md rule 42.
    #[test]
    fn grants_only_to_justified_recipients() {
        let mut p = program();
        let mut req = grant("T1", d(2016, 3, 1), "1000", "100");
        req.recipient = "VNM".parse().unwrap();
        let before = p.clone();
        assert_eq!(
            p.transfer(req.clone(), &AllowAll),
            Err(ExcessError::NotJustified {
                partner: "VNM".parse().unwrap(),
                fiscal_year: fy(2016)
            })
        );
        assert_eq!(p, before);
        // Justified for FY2016, not for FY2017 (which begins 2016-10-01).
        p.justify("VNM".parse().unwrap(), fy(2016), "separate notice");
        p.transfer(req.clone(), &AllowAll).unwrap();
        req.id = "T2".parse().unwrap();
        req.date = d(2016, 10, 1);
        assert!(matches!(
            p.transfer(req, &AllowAll),
            Err(ExcessError::NotJustified { .. })
        ));
    }

    /// DOMAIN.md rule 43: $6,999,999.99 non-SME needs no notice; $7,000,000.00 and any
    /// SME wait 30 days.
    #[test]
    fn notice_boundaries() {
        let mut p = program();
        let below = p
            .transfer(grant("T1", d(2016, 3, 1), "6999999.99", "1"), &AllowAll)
            .unwrap();
        assert!(below.notice.is_none());
        let at = grant("T2", d(2016, 3, 1), "7000000", "1");
        assert!(matches!(
            p.transfer(at.clone(), &AllowAll),
            Err(ExcessError::NotificationRequired { review_days: 30, earliest_if_notified_today, .. })
                if earliest_if_notified_today == d(2016, 3, 31)
        ));
        let notified = at.clone().notified_on(d(2016, 2, 1));
        assert!(matches!(
            p.transfer(notified, &AllowAll),
            Err(ExcessError::ReviewPeriodNotEnded { earliest, .. }) if earliest == d(2016, 3, 2)
        ));
        let notified = at.notified_on(d(2016, 1, 31));
        let made = p.transfer(notified, &AllowAll).unwrap();
        assert_eq!(made.notice.unwrap().review_days, 30);

        let mut sme = grant("T3", d(2016, 3, 1), "1", "1");
        sme.article = sme.article.significant_military_equipment();
        assert!(matches!(
            p.transfer(sme, &AllowAll),
            Err(ExcessError::NotificationRequired { .. })
        ));
        // Sales need notice too.
        let sale = TransferRequest::new(
            "T4".parse().unwrap(),
            "PHL".parse().unwrap(),
            d(2016, 3, 1),
            ExcessArticle::new("frigate", m("7000000"), ConditionCode::C),
            m("0"),
            TransferTerms::Sale {
                price: m("100"),
                actual_value: m("100"),
                scrap_value: None,
                fair_value: None,
            },
        );
        assert!(matches!(
            p.transfer(sale, &AllowAll),
            Err(ExcessError::NotificationRequired { .. })
        ));
    }

    /// DOMAIN.md rule 44: the cap across one fiscal year, to the cent, by year.
    #[test]
    fn the_annual_cap() {
        let caps = CapTable::current();
        assert_eq!(caps.cap_for(fy(1996)), None);
        assert_eq!(caps.cap_for(fy(1997)).unwrap().cap, m("350000000"));
        assert_eq!(caps.cap_for(fy(1999)).unwrap().cap, m("350000000"));
        assert_eq!(caps.cap_for(fy(2000)).unwrap().cap, m("425000000"));
        assert_eq!(caps.cap_for(fy(2014)).unwrap().cap, m("425000000"));
        assert_eq!(caps.cap_for(fy(2015)).unwrap().cap, m("500000000"));

        let mut p = program();
        // FY2014: $425,000,000.00 exactly fits; one cent more does not.
        p.transfer(grant("A", d(2013, 10, 1), "1", "400000000"), &AllowAll)
            .unwrap();
        let over = grant("B", d(2014, 9, 30), "1", "25000000.01");
        let before = p.clone();
        assert_eq!(
            p.transfer(over, &AllowAll),
            Err(ExcessError::CapExceeded {
                fiscal_year: fy(2014),
                cap: m("425000000"),
                granted: m("400000000"),
                requested: m("25000000.01"),
            })
        );
        assert_eq!(p, before);
        p.transfer(grant("C", d(2014, 9, 30), "1", "25000000"), &AllowAll)
            .unwrap();
        assert_eq!(p.remaining_in(fy(2014)).unwrap(), Some(Money::ZERO));
        // The next day is FY2015, with its own $500,000,000.
        p.transfer(grant("D", d(2014, 10, 1), "1", "500000000"), &AllowAll)
            .unwrap();
        assert!(matches!(
            p.transfer(grant("E", d(2015, 9, 30), "1", "0.01"), &AllowAll),
            Err(ExcessError::CapExceeded { .. })
        ));
        // Sales do not count against the cap.
        let sale = TransferRequest::new(
            "F".parse().unwrap(),
            "VNM".parse().unwrap(),
            d(2015, 9, 30),
            ExcessArticle::new("trucks", m("100"), ConditionCode::A),
            m("50"),
            TransferTerms::Sale {
                price: m("50"),
                actual_value: m("50"),
                scrap_value: None,
                fair_value: None,
            },
        );
        let made = p.transfer(sale, &AllowAll).unwrap();
        assert_eq!(made.counted_against_cap, Money::ZERO);
        assert_eq!(p.granted_in(fy(2015)).unwrap(), m("500000000"));
        let mut early = program();
        assert!(matches!(
            early.transfer(grant("G", d(1996, 9, 30), "1", "1"), &AllowAll),
            Err(ExcessError::NotJustified { .. })
        ));
        early.justify("PHL".parse().unwrap(), fy(1996), "CBJ");
        assert_eq!(
            early.transfer(grant("G", d(1996, 9, 30), "1", "1"), &AllowAll),
            Err(ExcessError::NoCapInForce {
                fiscal_year: fy(1996)
            })
        );
    }

    /// DOMAIN.md rule 45.
    #[test]
    fn transport_paid_by_the_united_states_only_within_the_weight_limit() {
        let mut p = program();
        let with = |id: &str, date, pounds| {
            let mut r = grant(id, date, "1", "1");
            r.terms = TransferTerms::Grant {
                transport: Transport::UnitedStates {
                    weight_pounds: pounds,
                },
            };
            r
        };
        p.transfer(with("A", d(2016, 3, 1), 50_000), &AllowAll)
            .unwrap();
        assert_eq!(
            p.transfer(with("B", d(2016, 3, 1), 50_001), &AllowAll),
            Err(ExcessError::TransportOverWeight {
                weight_pounds: 50_001,
                limit_pounds: 50_000,
                date: d(2016, 3, 1)
            })
        );
        assert!(matches!(
            p.transfer(with("C", d(1997, 3, 1), 25_001), &AllowAll),
            Err(ExcessError::TransportOverWeight {
                limit_pounds: 25_000,
                ..
            })
        ));
    }

    /// DOMAIN.md rule 46.
    #[test]
    fn sale_price_floors() {
        let mut p = program();
        let sale = |id: &str,
                    article: ExcessArticle,
                    price: &str,
                    actual: &str,
                    scrap: Option<&str>,
                    fair: Option<&str>| {
            TransferRequest::new(
                id.parse().unwrap(),
                "PHL".parse().unwrap(),
                d(2016, 3, 1),
                article,
                m("0"),
                TransferTerms::Sale {
                    price: m(price),
                    actual_value: m(actual),
                    scrap_value: scrap.map(m),
                    fair_value: fair.map(m),
                },
            )
            .notified_on(d(2016, 1, 1))
        };
        let truck = ExcessArticle::new("truck", m("100"), ConditionCode::A);
        assert!(matches!(
            p.transfer(
                sale("A", truck.clone(), "49.99", "50", None, None),
                &AllowAll
            ),
            Err(ExcessError::PriceBelowFloor {
                basis: PriceBasis::ActualValue,
                ..
            })
        ));
        p.transfer(sale("A", truck, "50", "50", None, None), &AllowAll)
            .unwrap();

        let vessel = |tons, commissioned| {
            ExcessArticle::new("cutter", m("9000000"), ConditionCode::C).vessel(NavalVessel {
                displacement_tons: tons,
                commissioned,
            })
        };
        // 3,000 tons, commissioned exactly 20 years before: the vessel floor.
        let old = vessel(3_000, d(1996, 3, 1));
        assert!(matches!(
            p.transfer(sale("B", old.clone(), "1", "900000", None, None), &AllowAll),
            Err(ExcessError::VesselValuesMissing { .. })
        ));
        assert_eq!(
            p.transfer(
                sale(
                    "B",
                    old.clone(),
                    "299999.99",
                    "900000",
                    Some("300000"),
                    Some("250000")
                ),
                &AllowAll
            )
            .unwrap_err(),
            ExcessError::PriceBelowFloor {
                id: "B".parse().unwrap(),
                price: m("299999.99"),
                floor: m("300000"),
                basis: PriceBasis::VesselScrapOrFairValue,
            }
        );
        p.transfer(
            sale("B", old, "300000", "900000", Some("300000"), Some("250000")),
            &AllowAll,
        )
        .unwrap();
        // One day younger, or one ton heavier: the actual value again.
        for (id, young) in [
            ("C", vessel(3_000, d(1996, 3, 2))),
            ("D", vessel(3_001, d(1990, 1, 1))),
        ] {
            assert!(matches!(
                p.transfer(
                    sale(
                        id,
                        young,
                        "300000",
                        "900000",
                        Some("300000"),
                        Some("250000")
                    ),
                    &AllowAll
                ),
                Err(ExcessError::PriceBelowFloor {
                    basis: PriceBasis::ActualValue,
                    ..
                })
            ));
        }
    }

    #[test]
    fn errors_follow_the_documented_precedence() {
        use crate::eligibility::{Finding, FindingOutcome, RuleId, WaiverStatus};
        struct DenyAll;
        impl EligibilityCheck for DenyAll {
            fn decide(&self, request: &EligibilityRequest) -> Decision {
                let finding = Finding {
                    rule: RuleId::new("deny"),
                    title: "a test rule".to_owned(),
                    citation: Citation::new("Test", "1"),
                    outcome: FindingOutcome::Prohibits,
                    facts: Vec::new(),
                    waiver: WaiverStatus::Missing,
                };
                Decision::new(request.clone(), "deny-all", vec![finding])
            }
        }
        let mut p = program();
        p.transfer(grant("A", d(2016, 3, 1), "1", "1"), &AllowAll)
            .unwrap();
        let mut errors = Vec::new();
        errors.push(p.transfer(grant("A", d(2016, 3, 1), "1", "1"), &DenyAll));
        let mut r = grant("B", d(2016, 3, 1), "1", "1");
        r.article.description = String::new();
        errors.push(p.transfer(r, &DenyAll));
        let mut r = grant("B", d(2016, 3, 1), "7000000", "1");
        r.recipient = "VNM".parse().unwrap();
        errors.push(p.transfer(r, &DenyAll));
        errors.push(p.transfer(grant("B", d(2016, 3, 1), "7000000", "600000000"), &DenyAll));
        errors.push(p.transfer(grant("B", d(2016, 3, 1), "7000000", "1"), &DenyAll));
        errors.push(p.transfer(grant("B", d(2016, 3, 1), "1", "1"), &DenyAll));
        let ranks: Vec<u8> = errors
            .iter()
            .map(|e| e.as_ref().unwrap_err().precedence())
            .collect();
        assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn condition_codes_parse() {
        for code in ConditionCode::ALL {
            assert_eq!(code.to_string().parse::<ConditionCode>().unwrap(), code);
            assert_eq!(
                code.to_string()
                    .to_lowercase()
                    .parse::<ConditionCode>()
                    .unwrap(),
                code
            );
        }
        for bad in ["", "I", "AB", "x"] {
            assert!(bad.parse::<ConditionCode>().is_err(), "{bad:?}");
        }
    }
}

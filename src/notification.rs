//! Congressional notification: which proposed actions need notice, to which committees, how
//! long Congress has to review them, and the earliest day the action may go ahead.
//!
//! Every threshold is a row of dated data with its source ([`Thresholds`]); rows that
//! DOMAIN.md marks unconfirmed say so (`confirmed: false`), and a caller can supply its own
//! table. Review periods are calendar days: an action notified on day N with a 30-day review
//! may go ahead on day N + 30.
//!
//! ```
//! use chrono::NaiveDate;
//! use security_assistance::notification::{assess, ProposedAction, Thresholds};
//! use security_assistance::Money;
//!
//! let day = NaiveDate::from_ymd_opt(2020, 3, 2).ok_or("date")?;
//! let sale = ProposedAction::Sale {
//!     partner: "BRA".parse()?,
//!     major_defense_equipment: "14000000".parse()?,
//!     articles_and_services: "14000000".parse()?,
//!     design_and_construction: Money::ZERO,
//! };
//! let notice = assess(&sale, day, &Thresholds::current()).ok_or("notice expected")?;
//! assert_eq!(notice.review_days, 30);
//! assert_eq!(notice.earliest, NaiveDate::from_ymd_opt(2020, 4, 1).ok_or("date")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::law::Citation;
use crate::money::Money;
use crate::partner::{CountryCode, Group};
use crate::purpose::ProgramKind;

/// A committee of Congress that receives notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Committee {
    /// Senate Committee on Foreign Relations.
    SenateForeignRelations,
    /// House Committee on Foreign Affairs.
    HouseForeignAffairs,
    /// Senate Committee on Appropriations.
    SenateAppropriations,
    /// House Committee on Appropriations.
    HouseAppropriations,
    /// House Committee on Homeland Security.
    HouseHomelandSecurity,
    /// Senate Committee on Homeland Security and Governmental Affairs.
    SenateHomelandSecurity,
}

impl fmt::Display for Committee {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Committee::SenateForeignRelations => "Senate Foreign Relations",
            Committee::HouseForeignAffairs => "House Foreign Affairs",
            Committee::SenateAppropriations => "Senate Appropriations",
            Committee::HouseAppropriations => "House Appropriations",
            Committee::HouseHomelandSecurity => "House Homeland Security",
            Committee::SenateHomelandSecurity => {
                "Senate Homeland Security and Governmental Affairs"
            }
        })
    }
}

const FOREIGN_AFFAIRS: [Committee; 2] = [
    Committee::SenateForeignRelations,
    Committee::HouseForeignAffairs,
];
const APPROPRIATIONS: [Committee; 2] = [
    Committee::SenateAppropriations,
    Committee::HouseAppropriations,
];
const SECTION_634A: [Committee; 4] = [
    Committee::SenateForeignRelations,
    Committee::HouseForeignAffairs,
    Committee::SenateAppropriations,
    Committee::HouseAppropriations,
];

/// A proposed action that may need notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "action")]
#[non_exhaustive]
pub enum ProposedAction {
    /// A government-to-government sale (AECA section 36(b)). `articles_and_services` is the
    /// whole value of articles and services, major defense equipment included.
    Sale {
        /// The purchaser.
        partner: CountryCode,
        /// The value of major defense equipment.
        major_defense_equipment: Money,
        /// The value of all defense articles and services.
        articles_and_services: Money,
        /// The value of design and construction services.
        design_and_construction: Money,
    },
    /// A transfer of excess articles (FAA section 516, and AECA transfers).
    ExcessTransfer {
        /// The recipient.
        partner: CountryCode,
        /// The original acquisition value.
        original_acquisition_value: Money,
        /// Whether the articles are significant military equipment.
        significant_military_equipment: bool,
    },
    /// An obligation of FAA or AECA funds for a country or activity not justified to
    /// Congress, or above the justified amount (FAA section 634A).
    Reprogramming {
        /// The country gaining the funds, if any.
        partner: Option<CountryCode>,
        /// The program.
        program: ProgramKind,
        /// The amount reprogrammed.
        amount: Money,
        /// The amount justified to Congress for this country or activity; `None` if it was
        /// not justified at all.
        justified: Option<Money>,
        /// What is already obligated against the justified amount.
        already_obligated: Money,
        /// The country's total for the year after the reprogramming, and its level in the
        /// section 653(a) report, when known.
        country_total_and_653a_level: Option<(Money, Money)>,
    },
    /// A letter of offer or amendment financed on a cash-flow basis (AECA section 23(g)).
    CashFlowFinancing {
        /// The purchaser.
        partner: CountryCode,
        /// The total value of the letter of offer, amendment or contract.
        value: Money,
    },
    /// An obligation under the homeland-security assistance program above the amount
    /// justified to its committees of jurisdiction (the seed paper's program; policy, not
    /// statute).
    HomelandProgram {
        /// The partner.
        partner: CountryCode,
        /// The amount.
        amount: Money,
        /// The amount justified; `None` if not justified.
        justified: Option<Money>,
    },
}

/// Which regime a requirement comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Regime {
    /// AECA section 36(b), government-to-government sales.
    Aeca36b,
    /// FAA section 516 and AECA transfers of excess articles.
    ExcessArticles,
    /// FAA section 634A reprogramming.
    Faa634a,
    /// AECA section 23(g) cash-flow financing.
    Aeca23g,
    /// The homeland-security program's committees of jurisdiction: policy, not statute.
    HomelandPolicy,
}

/// A notice that a proposed action needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// The regime.
    pub regime: Regime,
    /// The committees to notify.
    pub committees: Vec<Committee>,
    /// The review period, in calendar days.
    pub review_days: u32,
    /// The earliest day the action may go ahead if notice is given on the day assessed.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub earliest: NaiveDate,
    /// The law (or policy) that requires it.
    pub citation: Citation,
    /// Why it is needed, such as "major defense equipment of $14,000,000.00 reaches the
    /// $14,000,000.00 threshold".
    pub reasons: Vec<String>,
    /// What the notice must contain beyond the usual, such as the losing country.
    pub content: Vec<String>,
    /// `false` when a threshold or period used is marked unconfirmed in DOMAIN.md.
    pub confirmed: bool,
    /// `true` when the requirement is policy (the homeland program), not statute.
    pub policy: bool,
}

impl Notification {
    /// The earliest day the action may go ahead if notice is given on `notified`.
    #[must_use]
    pub fn earliest_after(&self, notified: NaiveDate) -> NaiveDate {
        notified
            .checked_add_days(Days::new(u64::from(self.review_days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Whether the AECA 36(b) destination is in the favored group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SaleGroup {
    /// NATO, its members, Japan, Australia, the Republic of Korea, Israel, New Zealand
    /// ([`Group::Aeca36bFavored`]).
    Favored,
    /// Every other destination.
    General,
}

/// One dated row of AECA 36(b) thresholds for one destination group. A threshold is
/// reached when the value is greater than or equal to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaleThresholds {
    /// The first day the row applies.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first day it no longer applies.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// The destination group.
    pub group: SaleGroup,
    /// Major defense equipment.
    pub major_defense_equipment: Money,
    /// Defense articles or services.
    pub articles_and_services: Money,
    /// Design and construction services, if the row has that threshold.
    pub design_and_construction: Option<Money>,
    /// The review period.
    pub review_days: u32,
    /// The source.
    pub source: String,
    /// `false` if DOMAIN.md marks a figure or date of the row unconfirmed.
    pub confirmed: bool,
}

/// One dated row of a simple threshold: excess-article transfers or cash-flow financing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueThreshold {
    /// The first day the row applies.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first day it no longer applies.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// The value at or above which notice is needed.
    pub threshold: Money,
    /// The review period.
    pub review_days: u32,
    /// The source.
    pub source: String,
    /// `false` if DOMAIN.md (or its silence) leaves the row unconfirmed.
    pub confirmed: bool,
}

/// The FAA 634A reprogramming parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReprogrammingRules {
    /// Advance notice, in days (15).
    pub review_days: u32,
    /// Training (IMET) reprogrammings below this are exempt ($25,000).
    pub imet_exemption_below: Money,
    /// A reprogramming above this ($1,000,000) ...
    pub content_amount_above: Money,
    /// ... for a country whose total exceeds its 653(a) level by more than this
    /// ($5,000,000) must name its purpose and the losing country.
    pub content_excess_above: Money,
    /// The source.
    pub source: String,
}

/// The homeland program's committees of jurisdiction: configurable policy from the seed
/// paper, not a statute that binds DHS today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomelandPolicy {
    /// The committees notified.
    pub committees: Vec<Committee>,
    /// The advance notice, in days (15, by analogy with FAA 634A).
    pub review_days: u32,
}

/// Every notification threshold, as dated rows with sources.
///
/// [`Thresholds::current`] is the crate's table of the public values; build your own with
/// the public fields to try other values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// AECA 36(b) rows.
    pub sales: Vec<SaleThresholds>,
    /// Excess-article rows.
    pub excess_articles: Vec<ValueThreshold>,
    /// AECA 23(g) rows.
    pub cash_flow_financing: Vec<ValueThreshold>,
    /// FAA 634A parameters.
    pub reprogramming: ReprogrammingRules,
    /// The homeland program's policy.
    pub homeland: HomelandPolicy,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    // OK because every literal date below is a valid calendar date (checked by a test).
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn dollars(d: i64) -> Money {
    Money::from_cents(d.saturating_mul(100))
}

impl Thresholds {
    /// The public values with their history (DOMAIN.md §2.5, §5, §1.8, §8).
    #[must_use]
    pub fn current() -> Thresholds {
        let sale = |from, to, group, mde, aas, dc: Option<i64>, days, source: &str, confirmed| {
            SaleThresholds {
                from,
                to,
                group,
                major_defense_equipment: dollars(mde),
                articles_and_services: dollars(aas),
                design_and_construction: dc.map(dollars),
                review_days: days,
                source: source.to_owned(),
                confirmed,
            }
        };
        let y1976 = ymd(1976, 6, 30);
        let y1981 = ymd(1981, 12, 29);
        let y2008 = ymd(2008, 10, 15);
        Thresholds {
            sales: vec![
                sale(y1976, Some(y1981), SaleGroup::General, 7_000_000, 25_000_000, None, 30,
                    "P.L. 94-329 (1976), as implied by the 1981 amendment text (DOMAIN.md 2.5, 10 rule 33)", true),
                sale(y1976, Some(y1981), SaleGroup::Favored, 7_000_000, 25_000_000, None, 30,
                    "P.L. 94-329 (1976): no favored group yet (DOMAIN.md 2.5)", true),
                sale(y1981, None, SaleGroup::General, 14_000_000, 50_000_000, Some(200_000_000), 30,
                    "P.L. 97-113 sec. 101(c), Stat. 95 p. 1520 (1981-12-29); the $200,000,000 design-and-construction threshold was added later (1989?) and its date is unconfirmed", false),
                sale(y1981, Some(y2008), SaleGroup::Favored, 14_000_000, 50_000_000, Some(200_000_000), 15,
                    "P.L. 97-113 (1981): favored group with a 15-day review at the general thresholds; unconfirmed", false),
                sale(y2008, None, SaleGroup::Favored, 25_000_000, 100_000_000, Some(300_000_000), 15,
                    "P.L. 110-429 secs. 201(d), 203(b)(1) (2008-10-15); CRS RL31675; $100,000,000 articles-and-services partly confirmed (one CRS In Focus prints $50 million)", false),
            ],
            excess_articles: vec![ValueThreshold {
                from: ymd(1996, 7, 21),
                to: None,
                threshold: dollars(7_000_000),
                review_days: 30,
                source: "P.L. 104-164 sec. 104, Stat. 110 p. 1426: significant military equipment, or original acquisition cost of $7,000,000 or more, 30 days".to_owned(),
                confirmed: true,
            }],
            cash_flow_financing: vec![ValueThreshold {
                from: ymd(1996, 7, 21),
                to: None,
                threshold: dollars(100_000_000),
                review_days: 15,
                source: "AECA 23(g)(1) (P.L. 104-164 sec. 102(b)); SAMM Figure C9.F3: $100,000,000 or more; the 15-day period is unconfirmed".to_owned(),
                confirmed: false,
            }],
            reprogramming: ReprogrammingRules {
                review_days: 15,
                imet_exemption_below: dollars(25_000),
                content_amount_above: dollars(1_000_000),
                content_excess_above: dollars(5_000_000),
                source: "FAA 634A, 22 U.S.C. 2394-1".to_owned(),
            },
            homeland: HomelandPolicy {
                committees: vec![
                    Committee::HouseHomelandSecurity,
                    Committee::SenateHomelandSecurity,
                    Committee::SenateAppropriations,
                    Committee::HouseAppropriations,
                ],
                review_days: 15,
            },
        }
    }
}

fn in_window(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date < t)
}

/// Whether `action`, proposed on `date`, needs notice under `thresholds`; `None` if it
/// does not.
#[must_use]
pub fn assess(
    action: &ProposedAction,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Option<Notification> {
    let notice =
        |regime, committees: &[Committee], days: u32, citation, reasons: Vec<String>, confirmed| {
            Notification {
                regime,
                committees: committees.to_vec(),
                review_days: days,
                earliest: date
                    .checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(NaiveDate::MAX),
                citation,
                reasons,
                content: Vec::new(),
                confirmed,
                policy: false,
            }
        };
    match action {
        ProposedAction::Sale {
            partner,
            major_defense_equipment,
            articles_and_services,
            design_and_construction,
        } => {
            let group = if Group::Aeca36bFavored.is_member(*partner, date) {
                SaleGroup::Favored
            } else {
                SaleGroup::General
            };
            let row = thresholds
                .sales
                .iter()
                .find(|r| r.group == group && in_window(r.from, r.to, date))?;
            let mut reasons = Vec::new();
            let mut check = |what: &str, value: Money, threshold: Option<Money>| {
                if let Some(t) = threshold {
                    if value >= t {
                        reasons.push(format!("{what} of {value} reaches the {t} threshold"));
                    }
                }
            };
            check(
                "major defense equipment",
                *major_defense_equipment,
                Some(row.major_defense_equipment),
            );
            check(
                "defense articles and services",
                *articles_and_services,
                Some(row.articles_and_services),
            );
            check(
                "design and construction services",
                *design_and_construction,
                row.design_and_construction,
            );
            if reasons.is_empty() {
                return None;
            }
            Some(notice(
                Regime::Aeca36b,
                &FOREIGN_AFFAIRS,
                row.review_days,
                Citation::fixed("22 U.S.C.", "2776", Some("(b)")),
                reasons,
                row.confirmed,
            ))
        }
        ProposedAction::ExcessTransfer {
            original_acquisition_value,
            significant_military_equipment,
            ..
        } => {
            let row = thresholds
                .excess_articles
                .iter()
                .find(|r| in_window(r.from, r.to, date))?;
            let mut reasons = Vec::new();
            if *significant_military_equipment {
                reasons.push("the articles are significant military equipment".to_owned());
            }
            if *original_acquisition_value >= row.threshold {
                reasons.push(format!(
                    "original acquisition value of {original_acquisition_value} reaches the {} threshold",
                    row.threshold
                ));
            }
            if reasons.is_empty() {
                return None;
            }
            Some(notice(
                Regime::ExcessArticles,
                &SECTION_634A,
                row.review_days,
                Citation::fixed("22 U.S.C.", "2321j", Some("(f)")),
                reasons,
                row.confirmed,
            ))
        }
        ProposedAction::Reprogramming {
            partner,
            program,
            amount,
            justified,
            already_obligated,
            country_total_and_653a_level,
        } => {
            let rules = &thresholds.reprogramming;
            if *program == ProgramKind::Training && *amount < rules.imet_exemption_below {
                return None;
            }
            let reason = match justified {
                None => format!(
                    "{program} for {} was not justified to Congress",
                    partner.map_or("this activity".to_owned(), |p| p.to_string())
                ),
                Some(limit) => {
                    let total = already_obligated.checked_add(*amount).ok()?;
                    if total <= *limit {
                        return None;
                    }
                    format!("obligations of {total} would exceed the {limit} justified")
                }
            };
            let mut n = notice(
                Regime::Faa634a,
                &SECTION_634A,
                rules.review_days,
                Citation::fixed("22 U.S.C.", "2394-1", None),
                vec![reason],
                true,
            );
            if let Some((total, level)) = country_total_and_653a_level {
                let excess = total.checked_sub(*level).ok()?;
                if *amount > rules.content_amount_above && excess > rules.content_excess_above {
                    n.content.push(
                        "the notice must state the purpose and the country losing the funds"
                            .to_owned(),
                    );
                }
            }
            Some(n)
        }
        ProposedAction::CashFlowFinancing { value, .. } => {
            let row = thresholds
                .cash_flow_financing
                .iter()
                .find(|r| in_window(r.from, r.to, date))?;
            if *value < row.threshold {
                return None;
            }
            Some(notice(
                Regime::Aeca23g,
                &APPROPRIATIONS,
                row.review_days,
                Citation::fixed("22 U.S.C.", "2763", Some("(g)(1)")),
                vec![format!(
                    "cash-flow financed value of {value} reaches the {} threshold",
                    row.threshold
                )],
                row.confirmed,
            ))
        }
        ProposedAction::HomelandProgram {
            partner,
            amount,
            justified,
        } => {
            let policy = &thresholds.homeland;
            let reason = match justified {
                None => format!("homeland assistance for {partner} was not justified"),
                Some(limit) if amount > limit => {
                    format!("{amount} exceeds the {limit} justified for {partner}")
                }
                Some(_) => return None,
            };
            let mut n = notice(
                Regime::HomelandPolicy,
                &policy.committees,
                policy.review_days,
                Citation::new(
                    "Policy (seed paper, Heritage Backgrounder No. 2078)",
                    "committees of jurisdiction",
                ),
                vec![reason],
                false,
            );
            n.policy = true;
            Some(n)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn mde_sale(partner: &str, mde: &str) -> ProposedAction {
        ProposedAction::Sale {
            partner: partner.parse().unwrap(),
            major_defense_equipment: m(mde),
            articles_and_services: m(mde),
            design_and_construction: Money::ZERO,
        }
    }

    #[test]
    fn rule_32_boundaries() {
        let t = Thresholds::current();
        let on = d(2020, 3, 2);
        let brazil = assess(&mde_sale("BRA", "14000000.00"), on, &t).unwrap();
        assert_eq!(brazil.review_days, 30);
        assert_eq!(brazil.committees, FOREIGN_AFFAIRS.to_vec());
        assert!(assess(&mde_sale("BRA", "13999999.99"), on, &t).is_none());
        assert!(assess(&mde_sale("GBR", "20000000"), on, &t).is_none());
        assert_eq!(
            assess(&mde_sale("IND", "20000000"), on, &t)
                .unwrap()
                .review_days,
            30
        );
        assert_eq!(
            assess(&mde_sale("GBR", "25000000"), on, &t)
                .unwrap()
                .review_days,
            15
        );
    }

    #[test]
    fn rule_31_other_thresholds() {
        let t = Thresholds::current();
        let on = d(2020, 3, 2);
        let sale = |p: &str, a: &str, dc: &str| ProposedAction::Sale {
            partner: p.parse().unwrap(),
            major_defense_equipment: Money::ZERO,
            articles_and_services: m(a),
            design_and_construction: m(dc),
        };
        assert!(assess(&sale("IND", "50000000", "0"), on, &t).is_some());
        assert!(assess(&sale("IND", "49999999.99", "0"), on, &t).is_none());
        assert!(assess(&sale("IND", "0", "200000000"), on, &t).is_some());
        assert!(assess(&sale("IND", "0", "199999999.99"), on, &t).is_none());
        assert!(assess(&sale("JPN", "99999999.99", "299999999.99"), on, &t).is_none());
        assert!(assess(&sale("JPN", "100000000", "0"), on, &t).is_some());
        assert!(assess(&sale("JPN", "0", "300000000"), on, &t).is_some());
    }

    #[test]
    fn rule_33_effective_dating() {
        let t = Thresholds::current();
        // 1976 to 1981: $7M / $25M.
        assert!(assess(&mde_sale("BRA", "7000000"), d(1980, 1, 1), &t).is_some());
        assert!(assess(&mde_sale("BRA", "6999999.99"), d(1980, 1, 1), &t).is_none());
        assert!(assess(&mde_sale("BRA", "7000000"), d(1981, 12, 29), &t).is_none());
        assert!(assess(&mde_sale("BRA", "7000000"), d(1976, 6, 29), &t).is_none());
        // Korea: 30 days until 2008-10-14, then the favored group.
        assert_eq!(
            assess(&mde_sale("KOR", "20000000"), d(2008, 10, 14), &t)
                .unwrap()
                .review_days,
            30
        );
        assert!(assess(&mde_sale("KOR", "20000000"), d(2008, 10, 15), &t).is_none());
        assert_eq!(
            assess(&mde_sale("KOR", "25000000"), d(2008, 10, 15), &t)
                .unwrap()
                .review_days,
            15
        );
        // Israel: from 2010-10-08.
        assert_eq!(
            assess(&mde_sale("ISR", "25000000"), d(2010, 10, 7), &t)
                .unwrap()
                .review_days,
            30
        );
        assert_eq!(
            assess(&mde_sale("ISR", "25000000"), d(2010, 10, 8), &t)
                .unwrap()
                .review_days,
            15
        );
    }

    #[test]
    fn rule_43_excess_articles() {
        let t = Thresholds::current();
        let eda = |v: &str, sme| ProposedAction::ExcessTransfer {
            partner: "PHL".parse().unwrap(),
            original_acquisition_value: m(v),
            significant_military_equipment: sme,
        };
        let on = d(2010, 1, 4);
        let n = assess(&eda("7000000", false), on, &t).unwrap();
        assert_eq!(n.review_days, 30);
        assert_eq!(n.earliest, d(2010, 2, 3));
        assert!(assess(&eda("6999999.99", false), on, &t).is_none());
        assert!(assess(&eda("1000", true), on, &t).is_some());
    }

    #[test]
    fn rules_16_to_18_reprogramming() {
        let t = Thresholds::current();
        let on = d(2008, 3, 1);
        let rep = |program, amount: &str, justified: Option<&str>, totals| {
            ProposedAction::Reprogramming {
                partner: Some("JOR".parse().unwrap()),
                program,
                amount: m(amount),
                justified: justified.map(m),
                already_obligated: m("1000000"),
                country_total_and_653a_level: totals,
            }
        };
        let n = assess(&rep(ProgramKind::Financing, "500000", None, None), on, &t).unwrap();
        assert_eq!(n.review_days, 15);
        assert_eq!(n.earliest, d(2008, 3, 16));
        assert_eq!(n.committees.len(), 4);
        assert!(
            assess(
                &rep(ProgramKind::Financing, "500000", Some("1500000"), None),
                on,
                &t
            )
            .is_none()
        );
        assert!(
            assess(
                &rep(ProgramKind::Financing, "500000.01", Some("1500000"), None),
                on,
                &t
            )
            .is_some()
        );
        assert!(assess(&rep(ProgramKind::Training, "24999.99", None, None), on, &t).is_none());
        assert!(assess(&rep(ProgramKind::Training, "25000", None, None), on, &t).is_some());
        let totals = Some((m("20000000.01"), m("15000000")));
        let big = assess(
            &rep(ProgramKind::Financing, "1000000.01", None, totals),
            on,
            &t,
        )
        .unwrap();
        assert_eq!(big.content.len(), 1);
        let small = assess(
            &rep(ProgramKind::Financing, "1000000", None, totals),
            on,
            &t,
        )
        .unwrap();
        assert!(small.content.is_empty());
    }

    #[test]
    fn rule_34_cash_flow_and_homeland_policy() {
        let t = Thresholds::current();
        let on = d(2012, 5, 1);
        let cff = |v: &str| ProposedAction::CashFlowFinancing {
            partner: "ISR".parse().unwrap(),
            value: m(v),
        };
        let n = assess(&cff("100000000"), on, &t).unwrap();
        assert_eq!(n.committees, APPROPRIATIONS.to_vec());
        assert!(!n.confirmed);
        assert!(assess(&cff("99999999.99"), on, &t).is_none());
        let home = ProposedAction::HomelandProgram {
            partner: "COL".parse().unwrap(),
            amount: m("2"),
            justified: Some(m("1")),
        };
        let n = assess(&home, on, &t).unwrap();
        assert!(n.policy);
        assert!(n.committees.contains(&Committee::HouseHomelandSecurity));
    }

    #[test]
    fn every_row_has_a_source() {
        let t = Thresholds::current();
        assert!(
            t.sales
                .iter()
                .all(|r| !r.source.is_empty() && r.from > NaiveDate::MIN)
        );
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Thresholds>(&json).unwrap(), t);
    }
}

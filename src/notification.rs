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
//! let notice = assess(&sale, day, &Thresholds::current())?.ok_or("notice expected")?;
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
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
    /// Senate Committee on Armed Services (AECA section 62 lease certifications).
    SenateArmedServices,
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
            Committee::SenateArmedServices => "Senate Armed Services",
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
const SECTION_62: [Committee; 3] = [
    Committee::HouseForeignAffairs,
    Committee::SenateForeignRelations,
    Committee::SenateArmedServices,
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
    /// A commitment of Foreign Military Financing to equipment (DOMAIN.md §10 rule 19): the
    /// President may not commit FMF to major defense equipment other than conventional
    /// ammunition, or to aircraft, ships, missiles or combat vehicles, not justified to
    /// Congress or 20 percent in excess of the quantities justified, unless the
    /// Appropriations Committees are notified 15 days in advance; a reprogramming of less
    /// than 10 percent of the amount justified is exempt (SFOPS notification section, 7015
    /// in the FY2009 and FY2010 acts).
    FinancingCommitment {
        /// The country the equipment is for.
        partner: CountryCode,
        /// What the commitment buys.
        equipment: FmfEquipment,
        /// The quantity committed, this commitment included.
        quantity: u64,
        /// The quantity justified to Congress; `None` if not justified at all.
        justified_quantity: Option<u64>,
        /// The amount committed.
        amount: Money,
        /// The amount justified for the activity, when known (for the 10 percent
        /// exemption).
        justified_amount: Option<Money>,
    },
    /// A lease of a defense article (AECA section 61), or its renewal: one for a year or
    /// longer needs the section 62 certification before it is entered into (22 U.S.C.
    /// 2796a).
    Lease {
        /// The lessee.
        partner: CountryCode,
        /// The term of the lease or renewal, in months.
        term_months: u32,
        /// The articles' value in terms of replacement cost (stated in the certification).
        replacement_value: Money,
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
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
    /// AECA section 62 (22 U.S.C. 2796a): certification before a lease of a year or longer.
    Aeca62,
    /// The annual SFOPS notification section (7015 in the FY2009 and FY2010 acts): FMF
    /// commitments to major defense equipment.
    Sfops7015,
    /// The homeland-security program's committees of jurisdiction: policy, not statute.
    HomelandPolicy,
}

/// A notice that a proposed action needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
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
    /// Training (IMET) reprogrammings below this are exempt ($25,000) for a country whose
    /// IMET program for the year was justified to the Congress.
    pub imet_exemption_below: Money,
    /// A reprogramming above this ($1,000,000) ...
    pub content_amount_above: Money,
    /// ... for a country whose total exceeds its 653(a) level by more than this
    /// ($5,000,000) must name its purpose and the losing country.
    pub content_excess_above: Money,
    /// The source.
    pub source: String,
}

/// What a Foreign Military Financing commitment buys, as the SFOPS notification section
/// sorts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FmfEquipment {
    /// Major defense equipment other than conventional ammunition.
    MajorDefenseEquipment,
    /// Aircraft, ships, missiles or combat vehicles (named beside major defense equipment).
    AircraftShipsMissilesOrCombatVehicles,
    /// Conventional ammunition (excluded from the rule).
    ConventionalAmmunition,
    /// Anything else (outside the rule).
    Other,
}

impl FmfEquipment {
    /// `true` for the equipment the rule covers.
    #[must_use]
    pub const fn covered(self) -> bool {
        matches!(
            self,
            FmfEquipment::MajorDefenseEquipment
                | FmfEquipment::AircraftShipsMissilesOrCombatVehicles
        )
    }
}

/// One dated row of the SFOPS notification section's rules for FMF commitments (DOMAIN.md
/// §1.8, §10 rules 19 and 20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FmfCommitmentRules {
    /// The first day the row applies.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first day it no longer applies.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// Advance notice, in days (15).
    pub review_days: u32,
    /// A quantity this many percent or more above the quantity justified needs notice (20).
    pub quantity_excess_percent: u32,
    /// A reprogramming of less than this percent of the amount justified is exempt (10).
    pub exempt_below_percent: u32,
    /// Notice waived for a substantial risk to human health or welfare must follow within
    /// this many days of the action (3; rule 20).
    pub waiver_notice_days: u32,
    /// The source.
    pub source: String,
    /// `false` if DOMAIN.md leaves a figure of the row unconfirmed.
    pub confirmed: bool,
}

/// The shorter AECA section 62 review for the partners the statute names.
///
/// Since P.L. 104-164 §141(e) (110 Stat. 1433, 1996-07-21), 22 U.S.C. 2796a(c) has the
/// certification transmitted "not less than 15 calendar days before the agreement is
/// entered into or renewed in the case of an agreement with the North Atlantic Treaty
/// Organization, any member country of that Organization or Australia, Japan, or New
/// Zealand", and 30 calendar days before for any other.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FavoredLeaseReview {
    /// The shorter review, in days (15).
    pub review_days: u32,
    /// Whether every NATO member, while a member on the lease's date ([`Group::Nato`]),
    /// has the shorter review.
    pub nato_members: bool,
    /// The other countries that have it.
    pub countries: Vec<CountryCode>,
    /// The source.
    pub source: String,
}

impl FavoredLeaseReview {
    fn covers(&self, partner: CountryCode, date: NaiveDate) -> bool {
        (self.nato_members && Group::Nato.is_member(partner, date))
            || self.countries.contains(&partner)
    }
}

/// One dated row of the AECA section 62 lease certification rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseNoticeRule {
    /// The first day the row applies.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub from: NaiveDate,
    /// The first day it no longer applies.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub to: Option<NaiveDate>,
    /// A lease or renewal of at least this many months needs the certification (12).
    pub min_term_months: u32,
    /// The certification precedes the lease by at least this many days (30).
    pub review_days: u32,
    /// The shorter review for the partners the statute names, when the row has one.
    #[serde(default)]
    pub favored: Option<FavoredLeaseReview>,
    /// The source.
    pub source: String,
    /// `false` when a figure of the row is unconfirmed for its dates.
    pub confirmed: bool,
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
    /// SFOPS notification-section rows for FMF commitments.
    pub fmf_commitments: Vec<FmfCommitmentRules>,
    /// AECA section 62 lease rows.
    pub leases: Vec<LeaseNoticeRule>,
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

/// The SFOPS notification section's rows for FMF commitments (DOMAIN.md §1.8, rules 19-20).
fn fmf_commitment_rows() -> Vec<FmfCommitmentRules> {
    vec![FmfCommitmentRules {
        from: ymd(2009, 3, 11),
        to: None,
        review_days: 15,
        quantity_excess_percent: 20,
        exempt_below_percent: 10,
        waiver_notice_days: 3,
        source: "SFOPS notification section, sec. 7015 of the FY2009 act (P.L. 111-8 div. H, 2009-03-11) and the FY2010 act (DOMAIN.md 1.8); earlier annual acts carried a similar section not read here".to_owned(),
        confirmed: true,
    }]
}

/// The AECA section 62 lease certification rows (22 U.S.C. 2796a), read from the enacting
/// texts:
///
/// - from 1981-12-29, P.L. 97-113 (95 Stat. 1525) enacted section 62(a): "Not less than 30
///   days before entering into or renewing any agreement ... to lease any defense article
///   ... for a period of one year or longer" — 30 days for every lessee. Before that day
///   section 62 did not exist, so no certification is asked (the "after 1981" condition
///   is real and kept).
/// - P.L. 104-164 §141(e) (110 Stat. 1433, 1996-07-21) struck the 30 days from (a) and added
///   (c): 15 calendar days for NATO, its members, Australia, Japan and New Zealand, 30 for
///   any other; by §141(f) the amendment applies to "certifications required to be
///   submitted on or after the date of the enactment". A 15-day certification is first
///   required on 1996-07-21 for a lease entered into on 1996-08-05, so the 15 days apply to
///   leases from 1996-08-05; until then every lessee has 30 (the old certification's due
///   day, 30 days before, falls before the enactment).
/// - Later amendments to (c) (the Republic of Korea and Israel, added to section 36(b)'s
///   list in 2008 and 2010) were not found in the texts read: those partners keep 30 days
///   in the shipped rows, the longer (safe) period; a caller who confirms them adds them to
///   [`FavoredLeaseReview::countries`] in its own rows. The President's emergency waiver
///   (section 62(b)) is not modelled: a caller records it by passing its own rows.
fn lease_rows() -> Vec<LeaseNoticeRule> {
    let favored_from = ymd(1996, 8, 5);
    vec![
        LeaseNoticeRule {
            from: ymd(1981, 12, 29),
            to: Some(favored_from),
            min_term_months: 12,
            review_days: 30,
            favored: None,
            source: "AECA sec. 62(a) as enacted by P.L. 97-113 (95 Stat. 1525, 1981-12-29): not less than 30 days before entering into or renewing a lease of one year or longer; P.L. 104-164 sec. 141(e)-(f) (110 Stat. 1433) kept 30 days for every lessee until the first 15-day certification it allows, for a lease of 1996-08-05".to_owned(),
            confirmed: true,
        },
        LeaseNoticeRule {
            from: favored_from,
            to: None,
            min_term_months: 12,
            review_days: 30,
            favored: Some(FavoredLeaseReview {
                review_days: 15,
                nato_members: true,
                countries: ["AUS", "JPN", "NZL"]
                    .into_iter()
                    .filter_map(|c| c.parse().ok())
                    .collect(),
                source: "AECA sec. 62(c)(1) as added by P.L. 104-164 sec. 141(e) (110 Stat. 1433, 1996-07-21): NATO, any member country, Australia, Japan, New Zealand".to_owned(),
            }),
            source: "AECA sec. 62(a), (c)(2) as amended by P.L. 104-164 sec. 141(e) (110 Stat. 1433, 1996-07-21): a lease of one year or longer, certified not less than 30 calendar days before for any other country; later amendments of (c) not read".to_owned(),
            confirmed: true,
        },
    ]
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
            fmf_commitments: fmf_commitment_rows(),
            leases: lease_rows(),
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

fn citation_7015() -> Citation {
    Citation::fixed(
        "Department of State, Foreign Operations, and Related Programs Appropriations Act, 2010",
        "7015",
        None,
    )
}

/// A notice of `regime` proposed on `date`, reviewed for `days`; an error if the review
/// would end past the last date the calendar represents.
fn notice(
    regime: Regime,
    committees: &[Committee],
    days: u32,
    date: NaiveDate,
    citation: Citation,
    reasons: Vec<String>,
    confirmed: bool,
) -> Result<Notification, AssessError> {
    let earliest = date
        .checked_add_days(Days::new(u64::from(days)))
        .ok_or(AssessError::ReviewOutOfRange { regime, date, days })?;
    Ok(Notification {
        regime,
        committees: committees.to_vec(),
        review_days: days,
        earliest,
        citation,
        reasons,
        content: Vec::new(),
        confirmed,
        policy: false,
    })
}

/// Why a proposed action could not be assessed. An action that cannot be assessed is not
/// one that needs no notice: the caller learns which figure was out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum AssessError {
    /// A figure the regime compares with its threshold is out of the range of [`Money`]
    /// (for example obligations already made plus the amount reprogrammed).
    #[error(
        "the {regime:?} assessment of {figure} overflows the range of money: {left} and {right} cannot be combined"
    )]
    Overflow {
        /// The regime being assessed.
        regime: Regime,
        /// Which figure overflowed.
        figure: Figure,
        /// The first operand.
        left: Money,
        /// The second operand.
        right: Money,
    },
    /// The review period would end after the last date the calendar represents.
    #[error("a {regime:?} review of {days} days from {date} ends past the last representable date")]
    ReviewOutOfRange {
        /// The regime of the notice.
        regime: Regime,
        /// The day the action was proposed.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        date: NaiveDate,
        /// The review period in days.
        days: u32,
    },
}

crate::wire::wire_error!(AssessError);

/// A figure an assessment computes before comparing it with a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Figure {
    /// Obligations already made plus the amount reprogrammed (FAA 634A).
    ObligationsPlusAmount,
    /// A country's total above its FAA 653(a) level (FAA 634A).
    ExcessOver653a,
    /// The amount as a percentage of the amount justified (SFOPS section 7015).
    PercentOfJustified,
}

impl fmt::Display for Figure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Figure::ObligationsPlusAmount => "obligations already made plus the amount",
            Figure::ExcessOver653a => "the country total above its 653(a) level",
            Figure::PercentOfJustified => "the amount as a percentage of the amount justified",
        })
    }
}

/// `left + right`, or the overflow error naming `figure`.
fn sum(regime: Regime, figure: Figure, left: Money, right: Money) -> Result<Money, AssessError> {
    left.checked_add(right).map_err(|_| AssessError::Overflow {
        regime,
        figure,
        left,
        right,
    })
}

/// `left - right`, or the overflow error naming `figure`.
fn difference(
    regime: Regime,
    figure: Figure,
    left: Money,
    right: Money,
) -> Result<Money, AssessError> {
    left.checked_sub(right).map_err(|_| AssessError::Overflow {
        regime,
        figure,
        left,
        right,
    })
}

/// Why [`check_given`] refused an action that needs notice: the program maps each case
/// to its own error type.
#[derive(Debug)]
pub(crate) enum NoticeGap {
    /// Notice is required and none (or one given when none was required) covers the
    /// action; the notification as assessed on the action's date.
    Required(Box<Notification>),
    /// Notice was given on `notified` but its review period runs past the action's date.
    Pending {
        /// The notice as assessed on the day it was given.
        notice: Box<Notification>,
        /// The day it was given.
        notified: NaiveDate,
    },
    /// A figure could not be assessed.
    Assess(AssessError),
}

impl From<AssessError> for NoticeGap {
    fn from(e: AssessError) -> Self {
        NoticeGap::Assess(e)
    }
}

/// The notice `action` on `date` needs under `thresholds`, checked against the date it was
/// given (`notified`): `Ok(None)` when none is needed, `Ok(Some(notice))` when the notice
/// given covers the action and its review period has run by `date`. The review runs from
/// the notice, under the rules of its day; a notice given when none was required does not
/// cover the action. The one check the lease (AECA section 62) and excess-article (FAA
/// section 516(f)) programs and the ledger's reprogrammings (FAA section 634A) share.
pub(crate) fn check_given(
    action: &ProposedAction,
    date: NaiveDate,
    notified: Option<NaiveDate>,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, NoticeGap> {
    let Some(today) = assess(action, date, thresholds)? else {
        return Ok(None);
    };
    let Some(notified) = notified else {
        return Err(NoticeGap::Required(Box::new(today)));
    };
    let Some(notice) = assess(action, notified, thresholds)? else {
        return Err(NoticeGap::Required(Box::new(today)));
    };
    if date < notice.earliest {
        return Err(NoticeGap::Pending {
            notice: Box::new(notice),
            notified,
        });
    }
    Ok(Some(notice))
}

/// Whether `action`, proposed on `date`, needs notice under `thresholds`; `Ok(None)` if it
/// does not.
///
/// # Errors
///
/// [`AssessError::Overflow`] if a figure the regime compares (a sum, a difference, a
/// percentage) is out of the range of [`Money`], and [`AssessError::ReviewOutOfRange`] if
/// the review would end past the last representable date: an action that cannot be
/// assessed is never reported as needing no notice.
pub fn assess(
    action: &ProposedAction,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    match action {
        ProposedAction::Sale {
            partner,
            major_defense_equipment,
            articles_and_services,
            design_and_construction,
        } => sale(
            *partner,
            [
                *major_defense_equipment,
                *articles_and_services,
                *design_and_construction,
            ],
            date,
            thresholds,
        ),
        ProposedAction::ExcessTransfer {
            original_acquisition_value,
            significant_military_equipment,
            ..
        } => excess_transfer(
            *original_acquisition_value,
            *significant_military_equipment,
            date,
            thresholds,
        ),
        ProposedAction::Reprogramming { .. } => {
            reprogramming(action, date, &thresholds.reprogramming)
        }
        ProposedAction::CashFlowFinancing { value, .. } => cash_flow(*value, date, thresholds),
        ProposedAction::FinancingCommitment { .. } => {
            financing_commitment(action, date, thresholds)
        }
        ProposedAction::Lease {
            partner,
            term_months,
            replacement_value,
        } => lease(*partner, *term_months, *replacement_value, date, thresholds),
        ProposedAction::HomelandProgram {
            partner,
            amount,
            justified,
        } => homeland(*partner, *amount, *justified, date, &thresholds.homeland),
    }
}

/// AECA 36(b) (rules 31-33): `values` are major defense equipment, articles and services,
/// design and construction.
fn sale(
    partner: CountryCode,
    values: [Money; 3],
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    let group = if Group::Aeca36bFavored.is_member(partner, date) {
        SaleGroup::Favored
    } else {
        SaleGroup::General
    };
    let Some(row) = thresholds
        .sales
        .iter()
        .find(|r| r.group == group && in_window(r.from, r.to, date))
    else {
        return Ok(None);
    };
    let [mde, articles, construction] = values;
    let checks = [
        (
            "major defense equipment",
            mde,
            Some(row.major_defense_equipment),
        ),
        (
            "defense articles and services",
            articles,
            Some(row.articles_and_services),
        ),
        (
            "design and construction services",
            construction,
            row.design_and_construction,
        ),
    ];
    let reasons: Vec<String> = checks
        .iter()
        .filter_map(|(what, value, threshold)| {
            threshold
                .filter(|t| value >= t)
                .map(|t| format!("{what} of {value} reaches the {t} threshold"))
        })
        .collect();
    if reasons.is_empty() {
        return Ok(None);
    }
    notice(
        Regime::Aeca36b,
        &FOREIGN_AFFAIRS,
        row.review_days,
        date,
        Citation::fixed("22 U.S.C.", "2776", Some("(b)")),
        reasons,
        row.confirmed,
    )
    .map(Some)
}

/// Excess articles (rule 43).
fn excess_transfer(
    original_acquisition_value: Money,
    significant_military_equipment: bool,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    let Some(row) = thresholds
        .excess_articles
        .iter()
        .find(|r| in_window(r.from, r.to, date))
    else {
        return Ok(None);
    };
    let mut reasons = Vec::new();
    if significant_military_equipment {
        reasons.push("the articles are significant military equipment".to_owned());
    }
    if original_acquisition_value >= row.threshold {
        reasons.push(format!(
            "original acquisition value of {original_acquisition_value} reaches the {} threshold",
            row.threshold
        ));
    }
    if reasons.is_empty() {
        return Ok(None);
    }
    notice(
        Regime::ExcessArticles,
        &SECTION_634A,
        row.review_days,
        date,
        Citation::fixed("22 U.S.C.", "2321j", Some("(f)")),
        reasons,
        row.confirmed,
    )
    .map(Some)
}

/// FAA 634A (rules 16-18).
fn reprogramming(
    action: &ProposedAction,
    date: NaiveDate,
    rules: &ReprogrammingRules,
) -> Result<Option<Notification>, AssessError> {
    let ProposedAction::Reprogramming {
        partner,
        program,
        amount,
        justified,
        already_obligated,
        country_total_and_653a_level,
    } = action
    else {
        return Ok(None);
    };
    // Section 634A's second exemption: a reprogramming "of less than $25,000 to be used
    // under part V [IMET] ... for a country for which a program under that part for that
    // fiscal year was justified" (22 U.S.C. 2394-1, text read at law.onecle.com): only
    // where an IMET program for the country was justified.
    if *program == ProgramKind::Training
        && justified.is_some()
        && *amount < rules.imet_exemption_below
    {
        return Ok(None);
    }
    let reason = match justified {
        None => format!(
            "{program} for {} was not justified to Congress",
            partner.map_or("this activity".to_owned(), |p| p.to_string())
        ),
        Some(limit) => {
            let total = sum(
                Regime::Faa634a,
                Figure::ObligationsPlusAmount,
                *already_obligated,
                *amount,
            )?;
            if total <= *limit {
                return Ok(None);
            }
            format!("obligations of {total} would exceed the {limit} justified")
        }
    };
    let mut n = notice(
        Regime::Faa634a,
        &SECTION_634A,
        rules.review_days,
        date,
        Citation::fixed("22 U.S.C.", "2394-1", None),
        vec![reason],
        true,
    )?;
    if let Some((total, level)) = country_total_and_653a_level {
        let excess = difference(Regime::Faa634a, Figure::ExcessOver653a, *total, *level)?;
        if *amount > rules.content_amount_above && excess > rules.content_excess_above {
            n.content.push(
                "the notice must state the purpose and the country losing the funds".to_owned(),
            );
        }
    }
    Ok(Some(n))
}

/// AECA 23(g) (rule 34).
fn cash_flow(
    value: Money,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    let Some(row) = thresholds
        .cash_flow_financing
        .iter()
        .find(|r| in_window(r.from, r.to, date))
    else {
        return Ok(None);
    };
    if value < row.threshold {
        return Ok(None);
    }
    notice(
        Regime::Aeca23g,
        &APPROPRIATIONS,
        row.review_days,
        date,
        Citation::fixed("22 U.S.C.", "2763", Some("(g)(1)")),
        vec![format!(
            "cash-flow financed value of {value} reaches the {} threshold",
            row.threshold
        )],
        row.confirmed,
    )
    .map(Some)
}

/// `part` is less than `percent` percent of `whole` (exactly, in cents).
fn below_percent(part: Money, whole: Money, percent: u32) -> Result<bool, AssessError> {
    let overflow = |_| AssessError::Overflow {
        regime: Regime::Sfops7015,
        figure: Figure::PercentOfJustified,
        left: part,
        right: whole,
    };
    let scaled = part.checked_mul_int(100).map_err(overflow)?;
    let limit = whole
        .checked_mul_int(i64::from(percent))
        .map_err(overflow)?;
    Ok(scaled < limit)
}

/// The SFOPS notification section for FMF commitments (rule 19).
fn financing_commitment(
    action: &ProposedAction,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    let ProposedAction::FinancingCommitment {
        partner,
        equipment,
        quantity,
        justified_quantity,
        amount,
        justified_amount,
    } = action
    else {
        return Ok(None);
    };
    if !equipment.covered() {
        return Ok(None);
    }
    let Some(row) = thresholds
        .fmf_commitments
        .iter()
        .find(|r| in_window(r.from, r.to, date))
    else {
        return Ok(None);
    };
    if let Some(justified) = justified_amount {
        if below_percent(*amount, *justified, row.exempt_below_percent)? {
            return Ok(None);
        }
    }
    let reason = match justified_quantity {
        None => {
            format!("{quantity} items of equipment for {partner} were not justified to Congress")
        }
        Some(justified) => {
            // quantity >= justified * (100 + p) / 100, in integers.
            // A u64 times 100, or times a u32 plus 100, is below 2^97: exact in u128.
            let lhs = u128::from(*quantity).saturating_mul(100);
            let rhs = u128::from(*justified)
                .saturating_mul(u128::from(row.quantity_excess_percent).saturating_add(100));
            if lhs < rhs {
                return Ok(None);
            }
            format!(
                "{quantity} items are {} percent or more above the {justified} justified",
                row.quantity_excess_percent
            )
        }
    };
    notice(
        Regime::Sfops7015,
        &APPROPRIATIONS,
        row.review_days,
        date,
        citation_7015(),
        vec![reason],
        row.confirmed,
    )
    .map(Some)
}

/// AECA section 62 (22 U.S.C. 2796a): a lease or renewal of a year or longer.
fn lease(
    partner: CountryCode,
    term_months: u32,
    replacement_value: Money,
    date: NaiveDate,
    thresholds: &Thresholds,
) -> Result<Option<Notification>, AssessError> {
    let Some(row) = thresholds
        .leases
        .iter()
        .find(|r| in_window(r.from, r.to, date))
    else {
        return Ok(None);
    };
    if term_months < row.min_term_months {
        return Ok(None);
    }
    let mut reasons = vec![format!(
        "a lease to {partner} for {term_months} months reaches the {}-month term",
        row.min_term_months
    )];
    // The 1996 text puts the periods in subsection (c); the 1981 text had them in (a).
    let (days, subsection) = match &row.favored {
        Some(f) if f.covers(partner, date) => {
            reasons.push(format!(
                "{partner} has the {}-day review ({})",
                f.review_days, f.source
            ));
            (f.review_days, "(c)")
        }
        Some(_) => (row.review_days, "(c)"),
        None => (row.review_days, "(a)"),
    };
    let mut n = notice(
        Regime::Aeca62,
        &SECTION_62,
        days,
        date,
        Citation::fixed("22 U.S.C.", "2796a", Some(subsection)),
        reasons,
        row.confirmed,
    )?;
    n.content.push(format!(
        "the certification goes also to the Speaker of the House and states the country, the type, quantity and replacement value ({replacement_value}), the terms and duration, and why the article is leased rather than sold"
    ));
    Ok(Some(n))
}

/// The homeland program's policy.
fn homeland(
    partner: CountryCode,
    amount: Money,
    justified: Option<Money>,
    date: NaiveDate,
    policy: &HomelandPolicy,
) -> Result<Option<Notification>, AssessError> {
    let reason = match justified {
        None => format!("homeland assistance for {partner} was not justified"),
        Some(limit) if amount > limit => {
            format!("{amount} exceeds the {limit} justified for {partner}")
        }
        Some(_) => return Ok(None),
    };
    let mut n = notice(
        Regime::HomelandPolicy,
        &policy.committees,
        policy.review_days,
        date,
        Citation::new(
            "Policy (seed paper, Heritage Backgrounder No. 2078)",
            "committees of jurisdiction",
        ),
        vec![reason],
        false,
    )?;
    n.policy = true;
    Ok(Some(n))
}

/// Advance notice waived because delay would pose a substantial risk to human health or
/// welfare (DOMAIN.md §10 rule 20): valid only if notice follows no later than
/// `deadline`, three days after the action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthWaiver {
    /// The day of the action taken without advance notice.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub acted: NaiveDate,
    /// The last day the notice may follow.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub deadline: NaiveDate,
    /// The day the notice was given.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub notified: NaiveDate,
    /// The law that allows the waiver.
    pub citation: Citation,
}

/// Why a waiver of notice was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WaiverError {
    /// The regime has no health-or-welfare waiver in this crate's table.
    #[error(
        "a {regime:?} notice cannot be waived for human health or welfare; only the SFOPS notification section allows it"
    )]
    NotWaivable {
        /// The regime of the notice.
        regime: Regime,
    },
    /// No row of the table is in force on the day of the action.
    #[error("no FMF notification rules in force on {acted}")]
    NoRules {
        /// The day of the action.
        acted: NaiveDate,
    },
    /// The notice came later than the rule allows.
    #[error(
        "notice given {notified} is later than {deadline}, {days} days after the action of {acted}"
    )]
    NoticeLate {
        /// The day of the action.
        acted: NaiveDate,
        /// The day the notice was given.
        notified: NaiveDate,
        /// The last day allowed.
        deadline: NaiveDate,
        /// The days allowed.
        days: u32,
    },
}

impl Notification {
    /// The notice, waived for a substantial risk to human health or welfare: the action
    /// was taken on `acted` without advance notice, and notice was given on `notified`.
    /// Only SFOPS notification-section notices ([`Regime::Sfops7015`]) may be waived; the
    /// notice must follow within the row's `waiver_notice_days` (3) of the action
    /// (DOMAIN.md §1.8, §10 rule 20).
    ///
    /// # Errors
    ///
    /// [`WaiverError::NotWaivable`] for another regime, [`WaiverError::NoRules`] if no row
    /// is in force on `acted`, [`WaiverError::NoticeLate`] if `notified` is after the
    /// deadline.
    pub fn waive_for_health(
        &self,
        acted: NaiveDate,
        notified: NaiveDate,
        thresholds: &Thresholds,
    ) -> Result<HealthWaiver, WaiverError> {
        if self.regime != Regime::Sfops7015 {
            return Err(WaiverError::NotWaivable {
                regime: self.regime,
            });
        }
        let row = thresholds
            .fmf_commitments
            .iter()
            .find(|r| in_window(r.from, r.to, acted))
            .ok_or(WaiverError::NoRules { acted })?;
        let days = row.waiver_notice_days;
        let deadline = acted
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
        if notified > deadline {
            return Err(WaiverError::NoticeLate {
                acted,
                notified,
                deadline,
                days,
            });
        }
        Ok(HealthWaiver {
            acted,
            deadline,
            notified,
            citation: citation_7015(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The assessment of an action whose figures are in range.
    fn assess(
        action: &ProposedAction,
        date: NaiveDate,
        thresholds: &Thresholds,
    ) -> Option<Notification> {
        super::assess(action, date, thresholds).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// An amount that overflows is an error naming the figure, never "no notice".
    #[test]
    fn an_overflowing_figure_is_an_error_not_no_notice() {
        let t = Thresholds::current();
        let on = d(2008, 3, 1);
        // The largest amount: the 96-bit mantissa full, in cents.
        let max = Money::from_decimal(
            rust_decimal::Decimal::from_i128_with_scale((1_i128 << 96) - 1, 2),
            crate::money::Rounding::HalfEven,
        )
        .unwrap();
        let reprogramming =
            |amount: Money, obligated: Money, totals| ProposedAction::Reprogramming {
                partner: Some("JOR".parse().unwrap()),
                program: ProgramKind::Financing,
                amount,
                justified: Some(max),
                already_obligated: obligated,
                country_total_and_653a_level: totals,
            };
        // At the edge: the sum is the largest amount, which is within what was justified.
        assert_eq!(
            super::assess(
                &reprogramming(m("0.01"), max.checked_sub(m("0.01")).unwrap(), None),
                on,
                &t
            ),
            Ok(None)
        );
        // A cent over: the sum overflows.
        let err = super::assess(&reprogramming(m("0.01"), max, None), on, &t).unwrap_err();
        assert_eq!(
            err,
            AssessError::Overflow {
                regime: Regime::Faa634a,
                figure: Figure::ObligationsPlusAmount,
                left: max,
                right: m("0.01"),
            }
        );
        assert!(
            err.to_string()
                .contains("obligations already made plus the amount"),
            "{err}"
        );
        // The country's excess over its 653(a) level.
        let unjustified = ProposedAction::Reprogramming {
            partner: Some("JOR".parse().unwrap()),
            program: ProgramKind::Financing,
            amount: m("1"),
            justified: None,
            already_obligated: Money::ZERO,
            country_total_and_653a_level: Some((max, max.checked_neg().unwrap())),
        };
        assert!(matches!(
            super::assess(&unjustified, on, &t),
            Err(AssessError::Overflow {
                figure: Figure::ExcessOver653a,
                ..
            })
        ));
        // The FMF commitment's percentage of the amount justified.
        let commitment = ProposedAction::FinancingCommitment {
            partner: "JOR".parse().unwrap(),
            equipment: FmfEquipment::MajorDefenseEquipment,
            quantity: 1,
            justified_quantity: None,
            amount: max,
            justified_amount: Some(m("1")),
        };
        assert!(matches!(
            super::assess(&commitment, d(2010, 1, 4), &t),
            Err(AssessError::Overflow {
                regime: Regime::Sfops7015,
                figure: Figure::PercentOfJustified,
                ..
            })
        ));
        // A review that would end past the calendar.
        let late = NaiveDate::MAX;
        let err = super::assess(&mde_sale("BRA", "14000000"), late, &t).unwrap_err();
        assert!(
            matches!(err, AssessError::ReviewOutOfRange { days: 30, .. }),
            "{err}"
        );
        // Errors travel on the wire like every other.
        let json = serde_json::to_value(&err).unwrap();
        assert_eq!(json["code"], "review_out_of_range");
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
        // The IMET exemption: under $25,000 for a country whose IMET program was
        // justified (here $1,000,000, already obligated: any amount exceeds it).
        let imet = |amount| rep(ProgramKind::Training, amount, Some("1000000"), None);
        assert!(assess(&imet("24999.99"), on, &t).is_none());
        assert!(assess(&imet("25000"), on, &t).is_some());
        assert!(assess(&imet("25000.01"), on, &t).is_some());
        // Not justified at all: no exemption, however small.
        assert!(assess(&rep(ProgramKind::Training, "24999.99", None, None), on, &t).is_some());
        assert!(assess(&rep(ProgramKind::Training, "0.01", None, None), on, &t).is_some());
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

    fn commitment(
        equipment: FmfEquipment,
        quantity: u64,
        justified_quantity: Option<u64>,
        amount: &str,
        justified_amount: Option<&str>,
    ) -> ProposedAction {
        ProposedAction::FinancingCommitment {
            partner: "JOR".parse().unwrap(),
            equipment,
            quantity,
            justified_quantity,
            amount: m(amount),
            justified_amount: justified_amount.map(m),
        }
    }

    #[test]
    fn rule_19_quantity_and_justification() {
        let t = Thresholds::current();
        let on = d(2010, 1, 4);
        let mde = FmfEquipment::MajorDefenseEquipment;
        let q = |n| assess(&commitment(mde, n, Some(10), "5000000", None), on, &t);
        assert!(q(11).is_none(), "10 percent above");
        let at = q(12).unwrap();
        assert_eq!(at.regime, Regime::Sfops7015);
        assert_eq!(at.committees, APPROPRIATIONS.to_vec());
        assert_eq!(at.review_days, 15);
        assert_eq!(at.earliest, d(2010, 1, 19));
        assert!(q(13).is_some());
        let unjustified = assess(&commitment(mde, 1, None, "1", None), on, &t).unwrap();
        assert!(unjustified.reasons[0].contains("not justified"));
        let vehicles = FmfEquipment::AircraftShipsMissilesOrCombatVehicles;
        assert!(assess(&commitment(vehicles, 1, None, "1", None), on, &t).is_some());
        for outside in [FmfEquipment::ConventionalAmmunition, FmfEquipment::Other] {
            assert!(assess(&commitment(outside, 100, None, "1", None), on, &t).is_none());
        }
    }

    #[test]
    fn rule_19_ten_percent_exemption_a_cent_under_at_and_over() {
        let t = Thresholds::current();
        let on = d(2010, 1, 4);
        let mde = FmfEquipment::MajorDefenseEquipment;
        let a = |amount| {
            assess(
                &commitment(mde, 20, Some(10), amount, Some("1000000")),
                on,
                &t,
            )
        };
        assert!(a("99999.99").is_none());
        assert!(a("100000.00").is_some());
        assert!(a("100000.01").is_some());
    }

    #[test]
    fn rule_19_dated_row_and_review_period() {
        let t = Thresholds::current();
        let mde = FmfEquipment::MajorDefenseEquipment;
        let action = commitment(mde, 1, None, "1", None);
        assert!(assess(&action, d(2009, 3, 10), &t).is_none());
        assert!(assess(&action, d(2009, 3, 11), &t).is_some());
        assert!(assess(&action, d(2009, 3, 12), &t).is_some());
        let n = assess(&action, d(2010, 1, 4), &t).unwrap();
        // Notified 2010-01-04: 2010-01-18 is a day early, 2010-01-19 the first day.
        assert_eq!(n.earliest_after(d(2010, 1, 4)), d(2010, 1, 19));
        assert!(d(2010, 1, 18) < n.earliest && d(2010, 1, 20) > n.earliest);
    }

    #[test]
    fn rule_20_notice_within_three_days_of_the_action() {
        let t = Thresholds::current();
        let action = commitment(FmfEquipment::MajorDefenseEquipment, 1, None, "1", None);
        let acted = d(2010, 1, 4);
        let n = assess(&action, acted, &t).unwrap();
        let w = n.waive_for_health(acted, d(2010, 1, 6), &t).unwrap();
        assert_eq!(w.deadline, d(2010, 1, 7));
        assert!(n.waive_for_health(acted, d(2010, 1, 7), &t).is_ok());
        assert_eq!(
            n.waive_for_health(acted, d(2010, 1, 8), &t),
            Err(WaiverError::NoticeLate {
                acted,
                notified: d(2010, 1, 8),
                deadline: d(2010, 1, 7),
                days: 3
            })
        );
        assert_eq!(
            n.waive_for_health(d(2009, 3, 10), d(2009, 3, 10), &t),
            Err(WaiverError::NoRules {
                acted: d(2009, 3, 10)
            })
        );
        let sale = assess(&mde_sale("BRA", "14000000"), acted, &t).unwrap();
        assert_eq!(
            sale.waive_for_health(acted, acted, &t),
            Err(WaiverError::NotWaivable {
                regime: Regime::Aeca36b
            })
        );
    }

    #[test]
    fn aeca_62_lease_certification_a_year_or_longer() {
        let t = Thresholds::current();
        let lease = |months| ProposedAction::Lease {
            partner: "POL".parse().unwrap(),
            term_months: months,
            replacement_value: m("20000000"),
        };
        let on = d(2015, 6, 1);
        assert!(assess(&lease(11), on, &t).is_none());
        let n = assess(&lease(12), on, &t).unwrap();
        assert_eq!(n.regime, Regime::Aeca62);
        // Poland, a NATO member since 1999-03-12: 15 days (section 62(c)(1)).
        assert_eq!(n.review_days, 15);
        assert_eq!(n.earliest, d(2015, 6, 16));
        assert_eq!(
            n.citation,
            Citation::fixed("22 U.S.C.", "2796a", Some("(c)"))
        );
        assert!(n.committees.contains(&Committee::SenateArmedServices));
        assert!(n.confirmed);
        assert!(assess(&lease(13), on, &t).is_some());
        assert!(assess(&lease(60), d(1981, 12, 28), &t).is_none());
        assert!(assess(&lease(60), d(1981, 12, 29), &t).is_some());
        assert!(assess(&lease(60), d(1981, 12, 30), &t).is_some());
    }

    /// AECA section 62(c) (P.L. 104-164, 1996-07-21): 15 days for NATO members, Australia,
    /// Japan and New Zealand from the first lease whose 15-day certification falls on or
    /// after the enactment (1996-08-05; the day before, 30); 30 days for any other lessee
    /// (the Republic of Korea and Israel included, their addition to (c) unconfirmed); a
    /// member only while a member (Poland joined NATO 1999-03-12).
    #[test]
    fn aeca_62_fifteen_days_for_nato_australia_japan_new_zealand() {
        let t = Thresholds::current();
        let days = |partner: &str, on| {
            let action = ProposedAction::Lease {
                partner: partner.parse().unwrap(),
                term_months: 12,
                replacement_value: m("1000000"),
            };
            assess(&action, on, &t).unwrap().review_days
        };
        for partner in ["DEU", "JPN", "AUS", "NZL"] {
            assert_eq!(days(partner, d(1996, 8, 4)), 30, "{partner}");
            assert_eq!(days(partner, d(1996, 8, 5)), 15, "{partner}");
            assert_eq!(days(partner, d(1996, 8, 6)), 15, "{partner}");
        }
        for partner in ["JOR", "KOR", "ISR", "EGY"] {
            assert_eq!(days(partner, d(1996, 8, 5)), 30, "{partner}");
            assert_eq!(days(partner, d(2020, 1, 1)), 30, "{partner}");
        }
        assert_eq!(days("POL", d(1999, 3, 11)), 30);
        assert_eq!(days("POL", d(1999, 3, 12)), 15);
        let old = assess(
            &ProposedAction::Lease {
                partner: "DEU".parse().unwrap(),
                term_months: 12,
                replacement_value: m("1"),
            },
            d(1990, 1, 1),
            &t,
        )
        .unwrap();
        assert_eq!(
            old.citation,
            Citation::fixed("22 U.S.C.", "2796a", Some("(a)"))
        );
        assert!(old.confirmed);
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

//! Effective-dated facts about partners, and the store that answers "in force on D, as known
//! on K".

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::fiscal::FiscalYear;
use crate::law::Citation;
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

use super::rule::{RuleId, Waiver};

/// Who a human-rights vetting fact is about: a security-force unit or one person.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
#[non_exhaustive]
pub enum Subject {
    /// A security-force unit, such as "3rd Infantry Battalion".
    Unit(String),
    /// An individual, such as a nominated trainee.
    Individual(String),
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Unit(name) => write!(f, "unit {name}"),
            Subject::Individual(name) => write!(f, "individual {name}"),
        }
    }
}

/// A trafficking-in-persons tier from the annual report (22 U.S.C. 7107).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TipTier {
    /// Meets the minimum standards.
    Tier1,
    /// Does not meet them but makes significant efforts.
    Tier2,
    /// Tier 2 watch list.
    Tier2Watch,
    /// Neither meets the standards nor makes significant efforts.
    Tier3,
}

/// How a human-rights restriction on a subject was lifted, which the Leahy laws recognise
/// as an exception.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Remediation {
    /// The Secretary of State determined and reported that the government is taking
    /// effective steps to bring those responsible to justice (22 U.S.C. 2378d(b)).
    EffectiveSteps,
    /// The Secretary of Defense determined that all necessary corrective steps have been
    /// taken (10 U.S.C. 362(b)).
    CorrectiveSteps,
}

/// What a [`Fact`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind")]
#[non_exhaustive]
pub enum FactKind {
    /// Designated a state sponsor of terrorism (in force from designation to rescission).
    StateSponsorOfTerrorism,
    /// A military coup deposed the duly elected head of government (in force from the coup
    /// until the certification that a democratically elected government took office).
    MilitaryCoup,
    /// Listed under the Child Soldiers Prevention Act in the report of `report_year` (in
    /// force for the next fiscal year).
    ChildSoldiersListed {
        /// The year of the trafficking report that carried the list.
        report_year: i32,
    },
    /// Ranked in the trafficking-in-persons report of `report_year` (in force for the next
    /// fiscal year).
    TraffickingTier {
        /// The report's year.
        report_year: i32,
        /// The tier.
        tier: TipTier,
    },
    /// The oldest unpaid installment of a US loan fell due on `oldest_unpaid_due` (in force
    /// until it is paid).
    LoanArrears {
        /// The due date of the oldest unpaid installment.
        #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
        oldest_unpaid_due: NaiveDate,
    },
    /// A substantial violation of an end-use or transfer agreement (AECA section 3(c)), in
    /// force until the cessation-and-assurances determination.
    EndUseViolation,
    /// Credible information that `subject` committed a gross violation of human rights.
    GrossViolations {
        /// The unit or person.
        subject: Subject,
    },
    /// A determination that lifts a human-rights restriction on `subject`.
    HumanRightsRemediation {
        /// The unit or person.
        subject: Subject,
        /// Which determination.
        remediation: Remediation,
    },
    /// A general sanction or embargo covering the listed programs.
    Sanction {
        /// The sanction's name.
        name: String,
        /// The program kinds it covers.
        programs: Vec<ProgramKind>,
    },
}

impl FactKind {
    /// The phrase an explanation puts after "since": "the coup of 2006-09-19", or for
    /// arrears "the installment due 2007-03-01 went unpaid".
    #[must_use]
    pub fn since(&self, effective_from: NaiveDate) -> String {
        match self {
            FactKind::LoanArrears { oldest_unpaid_due } => {
                format!("the loan installment due {oldest_unpaid_due} went unpaid")
            }
            other => format!("the {} of {effective_from}", other.noun()),
        }
    }

    /// A short noun phrase for explanations: "coup", "Tier 3 ranking in the 2007
    /// trafficking report", "effective-steps determination for unit 3rd Battalion".
    ///
    /// ```
    /// use security_assistance::eligibility::{FactKind, TipTier};
    /// let kind = FactKind::TraffickingTier { report_year: 2007, tier: TipTier::Tier2Watch };
    /// assert_eq!(kind.noun(), "Tier 2 Watch List ranking in the 2007 trafficking report");
    /// ```
    #[must_use]
    pub fn noun(&self) -> String {
        match self {
            FactKind::StateSponsorOfTerrorism => {
                "designation as a state sponsor of terrorism".to_owned()
            }
            FactKind::MilitaryCoup => "coup".to_owned(),
            FactKind::ChildSoldiersListed { report_year } => {
                format!("child-soldiers listing in the {report_year} report")
            }
            FactKind::TraffickingTier { report_year, tier } => {
                let tier = match tier {
                    TipTier::Tier1 => "Tier 1",
                    TipTier::Tier2 => "Tier 2",
                    TipTier::Tier2Watch => "Tier 2 Watch List",
                    TipTier::Tier3 => "Tier 3",
                };
                format!("{tier} ranking in the {report_year} trafficking report")
            }
            FactKind::LoanArrears { oldest_unpaid_due } => {
                format!("loan installment due {oldest_unpaid_due} and still unpaid")
            }
            FactKind::EndUseViolation => "end-use violation finding".to_owned(),
            FactKind::GrossViolations { subject } => {
                format!("credible information of gross violations of human rights by {subject}")
            }
            FactKind::HumanRightsRemediation {
                subject,
                remediation,
            } => {
                let remediation = match remediation {
                    Remediation::EffectiveSteps => "effective-steps",
                    Remediation::CorrectiveSteps => "corrective-steps",
                };
                format!("{remediation} determination for {subject}")
            }
            FactKind::Sanction { name, .. } => format!("sanction {name}"),
        }
    }
}

/// An effective-dated fact about a partner, with its source and the date it was recorded.
///
/// A fact is in force from `effective_from` up to, not including, `effective_to`; it is
/// known from `recorded` on. The two dates are kept apart so that a decision can be made
/// "as of D, as known on K".
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::{Fact, FactKind};
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let coup = Fact::new("THA".parse()?, FactKind::MilitaryCoup, day(2006, 9, 19)?,
///     Citation::new("CRS", "IF11267"), day(2006, 9, 20)?)
///     .until(day(2008, 2, 6)?);
/// assert!(coup.in_force(day(2007, 1, 1)?, None));
/// assert!(!coup.in_force(day(2008, 2, 6)?, None));
/// assert!(!coup.in_force(day(2007, 1, 1)?, Some(day(2006, 9, 19)?)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Fact {
    /// The partner the fact is about.
    pub partner: CountryCode,
    /// What it says.
    pub kind: FactKind,
    /// The first day it is in force.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub effective_from: NaiveDate,
    /// The first day it is no longer in force, if it has ended.
    #[serde(
        default,
        deserialize_with = "crate::fiscal::date_serde::deserialize_option"
    )]
    pub effective_to: Option<NaiveDate>,
    /// Where it comes from.
    pub citation: Citation,
    /// The day it was recorded.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub recorded: NaiveDate,
}

impl Fact {
    /// A fact in force from `effective_from`, open-ended.
    #[must_use]
    pub fn new(
        partner: CountryCode,
        kind: FactKind,
        effective_from: NaiveDate,
        citation: Citation,
        recorded: NaiveDate,
    ) -> Fact {
        Fact {
            partner,
            kind,
            effective_from,
            effective_to: None,
            citation,
            recorded,
        }
    }

    /// The same fact, ending on `effective_to` (the first day no longer in force).
    #[must_use]
    pub fn until(mut self, effective_to: NaiveDate) -> Fact {
        self.effective_to = Some(effective_to);
        self
    }

    /// A Child Soldiers Prevention Act listing in the report of `report_year`, in force for
    /// the whole of the next fiscal year (22 U.S.C. 2370c-1(a): the list "for the year
    /// before the fiscal year" of the assistance).
    #[must_use]
    pub fn child_soldiers_listed(
        partner: CountryCode,
        report_year: i32,
        citation: Citation,
        recorded: NaiveDate,
    ) -> Fact {
        Fact::for_next_fiscal_year(
            partner,
            FactKind::ChildSoldiersListed { report_year },
            report_year,
            citation,
            recorded,
        )
    }

    /// A trafficking tier in the report of `report_year`, in force for the next fiscal year
    /// (22 U.S.C. 7107(d)).
    #[must_use]
    pub fn trafficking_tier(
        partner: CountryCode,
        report_year: i32,
        tier: TipTier,
        citation: Citation,
        recorded: NaiveDate,
    ) -> Fact {
        Fact::for_next_fiscal_year(
            partner,
            FactKind::TraffickingTier { report_year, tier },
            report_year,
            citation,
            recorded,
        )
    }

    fn for_next_fiscal_year(
        partner: CountryCode,
        kind: FactKind,
        report_year: i32,
        citation: Citation,
        recorded: NaiveDate,
    ) -> Fact {
        let fy = FiscalYear::containing(
            NaiveDate::from_ymd_opt(report_year, 12, 31).unwrap_or(NaiveDate::MIN),
        );
        Fact {
            partner,
            kind,
            effective_from: fy.first_day(),
            effective_to: fy.last_day().succ_opt(),
            citation,
            recorded,
        }
    }

    /// `true` if the fact is in force on `date` and, when `known_on` is given, was recorded
    /// by then.
    #[must_use]
    pub fn in_force(&self, date: NaiveDate, known_on: Option<NaiveDate>) -> bool {
        self.effective_from <= date
            && self.effective_to.is_none_or(|to| date < to)
            && known_on.is_none_or(|k| self.recorded <= k)
    }
}

/// The facts known about partners, indexed by partner.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::{Fact, FactKind, Facts};
/// use security_assistance::Citation;
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
/// let mut facts = Facts::new();
/// facts.add(Fact::new("SYR".parse()?, FactKind::StateSponsorOfTerrorism, day(1979, 12, 29)?,
///     Citation::new("22 U.S.C.", "2780"), day(1979, 12, 29)?));
/// assert_eq!(facts.in_force("SYR".parse()?, day(2008, 1, 1)?, None).count(), 1);
/// assert_eq!(facts.in_force("JOR".parse()?, day(2008, 1, 1)?, None).count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
pub struct Facts {
    #[serde(with = "by_partner")]
    #[cfg_attr(feature = "schemars", schemars(with = "Vec<Fact>"))]
    facts: HashMap<CountryCode, Vec<Fact>>,
    #[serde(default)]
    waivers: Vec<Waiver>,
}

impl Facts {
    /// An empty store.
    #[must_use]
    pub fn new() -> Facts {
        Facts::default()
    }

    /// Adds a fact.
    pub fn add(&mut self, fact: Fact) {
        self.facts.entry(fact.partner).or_default().push(fact);
    }

    /// Adds a waiver.
    pub fn add_waiver(&mut self, waiver: Waiver) {
        self.waivers.push(waiver);
    }

    /// Every waiver of `rule` for `partner`.
    pub fn waivers_for<'a>(
        &'a self,
        rule: &'a RuleId,
        partner: CountryCode,
    ) -> impl Iterator<Item = &'a Waiver> {
        self.waivers
            .iter()
            .filter(move |w| w.partner == partner && &w.rule == rule)
    }

    /// Every fact about `partner`, in force or not.
    pub fn about(&self, partner: CountryCode) -> impl Iterator<Item = &Fact> {
        self.facts.get(&partner).into_iter().flatten()
    }

    /// The facts about `partner` in force on `date`, as known on `known_on` (`None`: as
    /// known now).
    pub fn in_force(
        &self,
        partner: CountryCode,
        date: NaiveDate,
        known_on: Option<NaiveDate>,
    ) -> impl Iterator<Item = &Fact> {
        self.about(partner)
            .filter(move |f| f.in_force(date, known_on))
    }

    /// The number of facts.
    #[must_use]
    pub fn len(&self) -> usize {
        self.facts.values().map(Vec::len).sum()
    }

    /// `true` when there are no facts.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.facts.values().all(Vec::is_empty)
    }
}

impl Extend<Fact> for Facts {
    fn extend<I: IntoIterator<Item = Fact>>(&mut self, iter: I) {
        for fact in iter {
            self.add(fact);
        }
    }
}

impl FromIterator<Fact> for Facts {
    fn from_iter<I: IntoIterator<Item = Fact>>(iter: I) -> Facts {
        let mut facts = Facts::new();
        facts.extend(iter);
        facts
    }
}

/// serde for the store: a flat list of facts, sorted by partner for stable output.
mod by_partner {
    use super::{CountryCode, Fact, HashMap};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        map: &HashMap<CountryCode, Vec<Fact>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut keys: Vec<_> = map.keys().copied().collect();
        keys.sort_unstable();
        let all: Vec<&Fact> = keys.iter().filter_map(|k| map.get(k)).flatten().collect();
        all.serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<HashMap<CountryCode, Vec<Fact>>, D::Error> {
        let all = Vec::<Fact>::deserialize(deserializer)?;
        let mut map: HashMap<CountryCode, Vec<Fact>> = HashMap::new();
        for fact in all {
            map.entry(fact.partner).or_default().push(fact);
        }
        Ok(map)
    }
}

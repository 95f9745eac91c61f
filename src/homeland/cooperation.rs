//! Technology cooperation: cost-shared research projects of the Science and Technology
//! Directorate with foreign partners, their contributions, and a register of shared
//! results (the seed paper's international clearinghouse of technical information).
//!
//! # Authority
//!
//! Confirmed (text of 6 U.S.C. 195c, "Promoting antiterrorism through international
//! cooperation program", read at govregs.com): subsection (a)(2) counts coordinated and
//! joint research projects, joint studies and technical demonstrations and the exchange or
//! sharing of scientific and technological information as "international cooperative
//! activity"; subsection (b) establishes the Science and Technology Homeland Security
//! International Cooperative Programs Office; subsection (c) is headed "Matching funding"
//! (with "Equitability" and "Foreign partners" paragraphs); subsection (d) is headed
//! "Foreign reimbursements".
//!
//! Modeled, not confirmed from the text read: that 195c(d) lets a foreign partner's
//! contribution to a project on a cost-sharing basis be credited to the Directorate's
//! current appropriations, so that it becomes spending authority of that account. The
//! wording is modeled on the Defense Department's twin provision, 10 U.S.C. 2350i(a)
//! ("any contribution received ... to meet its share of the costs of the project may be
//! credited to appropriations"), whose text was read. The crate therefore cites
//! [`AUTHORITY`] on each [`Action::Collect`] and documents the rest as analogy.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Agency, MissionArea};
use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Command, CommandId, DocumentId, Funding, IdError,
    Instrument,
};
use crate::eligibility::{Decision, Department, EligibilityCheck, EligibilityRequest};
use crate::law::Citation;
use crate::money::{Money, MoneyError, Rate, Rounding};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// The program and crediting authority cited on contributions: 6 U.S.C. 195c(d),
/// "Foreign reimbursements" (heading confirmed; the crediting rule is modeled on
/// 10 U.S.C. 2350i(a), see the module docs). Exported as
/// `homeland::COOPERATION_AUTHORITY`.
///
/// ```
/// use security_assistance::homeland::COOPERATION_AUTHORITY;
/// assert_eq!(COOPERATION_AUTHORITY.to_string(), "6 U.S.C. 195c(d)");
/// ```
pub const AUTHORITY: Citation = Citation::fixed("6 U.S.C.", "195c", Some("(d)"));

/// The citation of the matching-funding rule (6 U.S.C. 195c(c), confirmed heading), which
/// the cost share implements.
pub const MATCHING: Citation = Citation::fixed("6 U.S.C.", "195c", Some("(c)"));

/// Why a cooperation operation was refused. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum CooperationError {
    /// A composed document or command id was refused by the ledger's id rules.
    #[error("composed identifier {id:?} is invalid")]
    Id {
        /// The composed text.
        id: String,
        /// The ledger's reason.
        source: IdError,
    },
    /// A required text was empty.
    #[error("{what} must not be empty")]
    EmptyText {
        /// Which text.
        what: String,
    },
    /// An amount that must be positive was not.
    #[error("{what} is {amount}: expected a positive amount")]
    NotPositive {
        /// What the amount is.
        what: String,
        /// The amount.
        amount: Money,
    },
    /// A project named no partner.
    #[error("a cooperative project needs at least one foreign partner")]
    NoPartners,
    /// A partner was named twice.
    #[error("partner {partner} is named more than once")]
    DuplicatePartner {
        /// The partner.
        partner: CountryCode,
    },
    /// The partners' shares add up to more than the cost, leaving a negative U.S. share.
    #[error("partner shares of {shares} exceed the project cost of {cost}")]
    SharesExceedCost {
        /// The total cost.
        cost: Money,
        /// The partners' shares.
        shares: Money,
    },
    /// The eligibility engine refused a partner.
    #[error("partner {partner} is refused for technology cooperation: {decision}")]
    Ineligible {
        /// The partner.
        partner: CountryCode,
        /// The decision, with its findings.
        decision: Box<Decision>,
    },
    /// The partner is not in the project.
    #[error("{partner} is not a partner of project {project}: its partners are {partners:?}")]
    UnknownPartner {
        /// The project.
        project: String,
        /// The partner.
        partner: CountryCode,
        /// The project's partners.
        partners: Vec<CountryCode>,
    },
    /// A contribution is above what the partner still owes.
    #[error(
        "contribution of {amount} from {partner} exceeds the {outstanding} still due on its agreed share"
    )]
    ExceedsDue {
        /// The partner.
        partner: CountryCode,
        /// The contribution offered.
        amount: Money,
        /// What remains due.
        outstanding: Money,
    },
    /// A loaded partner share whose received amount is not the sum of its contributions,
    /// or is above the share.
    #[error(
        "partner {partner} shows {received} received and {contributed} in contributions against a share of {share}: expected equal amounts within the share"
    )]
    InconsistentContributions {
        /// The partner.
        partner: CountryCode,
        /// The received amount recorded.
        received: Money,
        /// The sum of its contributions.
        contributed: Money,
        /// The agreed share.
        share: Money,
    },
    /// A loaded project whose eligibility decisions do not pair one to one with its
    /// partners.
    #[error(
        "project has {decisions} eligibility decisions for {partners} partners: expected one each"
    )]
    DecisionsMismatch {
        /// The number of partners.
        partners: usize,
        /// The number of decisions.
        decisions: usize,
    },
    /// A result id is used twice.
    #[error("result id {id} appears more than once")]
    DuplicateResult {
        /// The id.
        id: String,
    },
    /// A project id is used twice in a register.
    #[error("project id {id} appears more than once")]
    DuplicateProject {
        /// The id.
        id: String,
    },
    /// A result names a project the register does not hold.
    #[error("result {result} names project {project}, which is not in the register")]
    UnknownProject {
        /// The result.
        result: String,
        /// The project named.
        project: String,
    },
    /// A result is shared with a country that is not a partner of its project.
    #[error(
        "result {result} may not be shared with {partner}: only partners of project {project} may have access"
    )]
    NotParticipant {
        /// The result.
        result: String,
        /// The project.
        project: String,
        /// The country named.
        partner: CountryCode,
    },
    /// The register JSON is malformed (serde_json's error, with its line and column, is
    /// the source).
    #[error("register json is invalid")]
    Json(#[source] crate::wire::Cause),
    /// An entry of a register file was refused.
    #[error("register {section} entry {index} ({id}) is invalid")]
    Entry {
        /// `"projects"` or `"results"`.
        section: String,
        /// Its zero-based position in the file.
        index: usize,
        /// Its id.
        id: String,
        /// What is wrong with it.
        source: Box<CooperationError>,
    },
    /// Money arithmetic overflowed.
    #[error("amount arithmetic failed")]
    Money(#[from] MoneyError),
}

crate::wire::wire_error!(CooperationError);

fn compose<T>(text: String) -> Result<T, CooperationError>
where
    T: std::str::FromStr<Err = IdError>,
{
    text.parse()
        .map_err(|source| CooperationError::Id { id: text, source })
}

fn positive(what: impl Into<String>, amount: Money) -> Result<(), CooperationError> {
    if amount.is_positive() {
        Ok(())
    } else {
        Err(CooperationError::NotPositive {
            what: what.into(),
            amount,
        })
    }
}

/// The checks a project passes whether it is built or loaded, in this order: the id can
/// prefix a ledger document id, the title is not empty, the cost and every share are
/// positive, there is a partner and no partner twice, and the shares do not exceed the
/// cost. Returns the U.S. share, the cost less the partners' shares.
fn check_project(
    id: &str,
    title: &str,
    cost: Money,
    shares: &[(CountryCode, Money)],
) -> Result<Money, CooperationError> {
    // An empty id would still compose a valid document id ("-US"), so it is refused here.
    not_empty("project id", id)?;
    compose::<DocumentId>(format!("{id}-US"))?;
    not_empty("project title", title)?;
    positive("project cost", cost)?;
    for (partner, share) in shares {
        positive(format!("the share of {partner}"), *share)?;
    }
    if shares.is_empty() {
        return Err(CooperationError::NoPartners);
    }
    let mut seen = BTreeSet::new();
    for (partner, _) in shares {
        if !seen.insert(*partner) {
            return Err(CooperationError::DuplicatePartner { partner: *partner });
        }
    }
    let total = Money::checked_sum(shares.iter().map(|s| s.1))?;
    if total > cost {
        return Err(CooperationError::SharesExceedCost {
            cost,
            shares: total,
        });
    }
    Ok(cost.checked_sub(total)?)
}

fn not_empty(what: &str, text: &str) -> Result<(), CooperationError> {
    if text.trim().is_empty() {
        Err(CooperationError::EmptyText {
            what: what.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// One partner's agreed share of a project: the amount and the date it is due by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerShare {
    /// The partner.
    pub partner: CountryCode,
    /// The agreed contribution.
    pub share: Money,
    /// The date by which the whole share is due.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub due_by: NaiveDate,
    /// Received so far (never above `share`).
    received: Money,
    /// The contribution documents recorded, in order.
    contributions: Vec<Contribution>,
}

impl PartnerShare {
    /// Received so far.
    #[must_use]
    pub fn received(&self) -> Money {
        self.received
    }

    /// The contributions recorded, in order.
    #[must_use]
    pub fn contributions(&self) -> &[Contribution] {
        &self.contributions
    }

    /// What remains due: the share less what was received.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Money`] only on overflow.
    pub fn outstanding(&self) -> Result<Money, CooperationError> {
        Ok(self.share.checked_sub(self.received)?)
    }
}

/// A contribution received from a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contribution {
    /// The collection document (`{project}-{partner}-{sequence}`).
    pub document: String,
    /// The date received.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// The amount.
    pub amount: Money,
}

/// A partner behind on its share on a date, from [`Project::arrears`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Arrears {
    /// The partner.
    pub partner: CountryCode,
    /// The date the share was due by.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub due_by: NaiveDate,
    /// The agreed share.
    pub share: Money,
    /// Received so far.
    pub received: Money,
    /// Still owed.
    pub outstanding: Money,
}

/// Where a project's ledger commands go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CooperationContext {
    /// The Science and Technology account that pays the U.S. share and is credited with
    /// contributions.
    pub account: AccountSymbol,
    /// Who issues the commands.
    pub actor: Actor,
}

/// A cost-shared research project of the Science and Technology Directorate with one or
/// more foreign partners (6 U.S.C. 195c(a)(2)(A): coordinated or joint research projects).
///
/// # Cost share
///
/// The partners' shares and the U.S. share sum exactly to the cost. Shares are given as
/// amounts ([`Project::new`]) or as rates of the cost ([`Project::with_rates`]); a rate is
/// applied to the cost and rounded toward zero to the cent, and **the U.S. share absorbs
/// every rounding remainder** (it is the cost less the partners' shares), so no partner is
/// ever asked for more than its rate and the sum is exact.
///
/// # Ledger
///
/// The U.S. share is obligated by [`Project::obligate_us_share`] on the Science and
/// Technology allotment (funds holder `"ST"`, program
/// [`ProgramKind::TechnologyCooperation`], no single partner). Each contribution received
/// yields an [`Action::Collect`] ([`Project::receive`]) crediting the account under
/// [`AUTHORITY`]; the collected money must be apportioned and allotted before use like any
/// other resource.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::homeland::{MissionArea, Project};
///
/// let date = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
/// let due = NaiveDate::from_ymd_opt(2008, 9, 1).ok_or("date")?;
/// let project = Project::with_rates(
///     "BIO-1", "Biometric screening at ports", MissionArea::BorderControl,
///     "1000000.01".parse()?, &[("GBR".parse()?, "30".parse()?, due), ("CAN".parse()?, "20".parse()?, due)],
///     &AllowAll, date,
/// )?;
/// // 30% and 20% of $1,000,000.01, rounded toward zero; the U.S. absorbs the remainder.
/// assert_eq!(project.share_of("GBR".parse()?), Some("300000.00".parse()?));
/// assert_eq!(project.us_share(), "500000.01".parse()?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Serialization
///
/// A project saved with serde loads only if its invariants still hold (shares positive,
/// distinct partners, shares plus the U.S. share equal to the cost, received within each
/// share and equal to the sum of its contributions, one allowing decision per partner);
/// otherwise deserialization fails with the [`CooperationError`] that names the problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProjectData", into = "ProjectData")]
pub struct Project {
    id: String,
    title: String,
    mission: MissionArea,
    cost: Money,
    us_share: Money,
    partners: Vec<PartnerShare>,
    /// The eligibility decisions that admitted the partners.
    decisions: Vec<Decision>,
}

/// The serialized form of a [`Project`], checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectData {
    id: String,
    title: String,
    mission: MissionArea,
    cost: Money,
    us_share: Money,
    partners: Vec<PartnerShare>,
    decisions: Vec<Decision>,
}

impl From<Project> for ProjectData {
    fn from(p: Project) -> Self {
        ProjectData {
            id: p.id,
            title: p.title,
            mission: p.mission,
            cost: p.cost,
            us_share: p.us_share,
            partners: p.partners,
            decisions: p.decisions,
        }
    }
}

impl TryFrom<ProjectData> for Project {
    type Error = CooperationError;

    fn try_from(d: ProjectData) -> Result<Project, CooperationError> {
        let shares: Vec<(CountryCode, Money)> =
            d.partners.iter().map(|p| (p.partner, p.share)).collect();
        let us_share = check_project(&d.id, &d.title, d.cost, &shares)?;
        for p in &d.partners {
            let contributed = Money::checked_sum(p.contributions.iter().map(|c| c.amount))?;
            for c in &p.contributions {
                positive(format!("contribution {}", c.document), c.amount)?;
            }
            if contributed != p.received || p.received > p.share {
                return Err(CooperationError::InconsistentContributions {
                    partner: p.partner,
                    received: p.received,
                    contributed,
                    share: p.share,
                });
            }
        }
        if d.us_share != us_share {
            let partners = d.cost.checked_sub(us_share)?;
            return Err(CooperationError::SharesExceedCost {
                cost: d.cost,
                shares: partners.checked_add(d.us_share)?,
            });
        }
        if d.decisions.len() != d.partners.len() {
            return Err(CooperationError::DecisionsMismatch {
                partners: d.partners.len(),
                decisions: d.decisions.len(),
            });
        }
        for (p, decision) in d.partners.iter().zip(&d.decisions) {
            if decision.request().partner != p.partner || !decision.outcome().allows() {
                return Err(CooperationError::Ineligible {
                    partner: p.partner,
                    decision: Box::new(decision.clone()),
                });
            }
        }
        Ok(Project {
            id: d.id,
            title: d.title,
            mission: d.mission,
            cost: d.cost,
            us_share: d.us_share,
            partners: d.partners,
            decisions: d.decisions,
        })
    }
}

impl Project {
    /// A project with partner shares given as amounts; the U.S. share is the rest.
    ///
    /// # Errors
    ///
    /// In this order: [`CooperationError::Id`] if `id` cannot prefix a ledger document id;
    /// [`CooperationError::EmptyText`] for an empty title; [`CooperationError::NotPositive`]
    /// for a cost or share that is not positive; [`CooperationError::NoPartners`];
    /// [`CooperationError::DuplicatePartner`]; [`CooperationError::SharesExceedCost`];
    /// [`CooperationError::Ineligible`] if the eligibility engine, asked on `date` for
    /// [`ProgramKind::TechnologyCooperation`] under [`Department::HomelandSecurity`],
    /// refuses a partner.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::homeland::{CooperationError, MissionArea, Project};
    /// let d = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
    /// let p = Project::new("P1", "Port scanners", MissionArea::MaritimeSecurity,
    ///     "100".parse()?, &[("AUS".parse()?, "40".parse()?, d)], &AllowAll, d)?;
    /// assert_eq!(p.us_share(), "60".parse()?);
    /// let err = Project::new("P1", "Port scanners", MissionArea::MaritimeSecurity,
    ///     "100".parse()?, &[("AUS".parse()?, "100.01".parse()?, d)], &AllowAll, d).unwrap_err();
    /// assert!(matches!(err, CooperationError::SharesExceedCost { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &str,
        title: &str,
        mission: MissionArea,
        cost: Money,
        shares: &[(CountryCode, Money, NaiveDate)],
        check: &dyn EligibilityCheck,
        date: NaiveDate,
    ) -> Result<Project, CooperationError> {
        let amounts: Vec<(CountryCode, Money)> = shares
            .iter()
            .map(|(partner, share, _)| (*partner, *share))
            .collect();
        let us_share = check_project(id, title, cost, &amounts)?;
        let mut decisions = Vec::with_capacity(shares.len());
        for (partner, share, _) in shares {
            let mut request =
                EligibilityRequest::new(*partner, ProgramKind::TechnologyCooperation, date);
            request.department = Department::HomelandSecurity;
            request.amount = Some(*share);
            let decision = check.decide(&request);
            if !decision.outcome().allows() {
                return Err(CooperationError::Ineligible {
                    partner: *partner,
                    decision: Box::new(decision),
                });
            }
            decisions.push(decision);
        }
        Ok(Project {
            id: id.to_owned(),
            title: title.to_owned(),
            mission,
            cost,
            us_share,
            partners: shares
                .iter()
                .map(|(partner, share, due_by)| PartnerShare {
                    partner: *partner,
                    share: *share,
                    due_by: *due_by,
                    received: Money::ZERO,
                    contributions: Vec::new(),
                })
                .collect(),
            decisions,
        })
    }

    /// A project with partner shares given as rates of the cost: each share is
    /// `cost × rate` rounded toward zero to the cent, and the U.S. share absorbs the
    /// remainder (see the type docs).
    ///
    /// # Errors
    ///
    /// As [`Project::new`]; a rate of zero or less gives a zero or negative share
    /// ([`CooperationError::NotPositive`]), and rates above 100 percent in total give
    /// [`CooperationError::SharesExceedCost`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::homeland::{MissionArea, Project};
    /// let d = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
    /// let p = Project::with_rates("P2", "Cyber sensors", MissionArea::InformationSecurity,
    ///     "0.05".parse()?, &[("NZL".parse()?, "50".parse()?, d)], &AllowAll, d)?;
    /// assert_eq!(p.share_of("NZL".parse()?), Some("0.02".parse()?));
    /// assert_eq!(p.us_share(), "0.03".parse()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn with_rates(
        id: &str,
        title: &str,
        mission: MissionArea,
        cost: Money,
        rates: &[(CountryCode, Rate, NaiveDate)],
        check: &dyn EligibilityCheck,
        date: NaiveDate,
    ) -> Result<Project, CooperationError> {
        let shares = rates
            .iter()
            .map(|(partner, rate, due_by)| {
                Ok((*partner, rate.apply(cost, Rounding::TowardZero)?, *due_by))
            })
            .collect::<Result<Vec<_>, CooperationError>>()?;
        Project::new(id, title, mission, cost, &shares, check, date)
    }

    /// The project id.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The mission area.
    #[must_use]
    pub fn mission(&self) -> MissionArea {
        self.mission
    }

    /// The total cost.
    #[must_use]
    pub fn cost(&self) -> Money {
        self.cost
    }

    /// The U.S. share: the cost less every partner's share.
    #[must_use]
    pub fn us_share(&self) -> Money {
        self.us_share
    }

    /// The partners' shares, in the order given.
    #[must_use]
    pub fn partners(&self) -> &[PartnerShare] {
        &self.partners
    }

    /// The eligibility decisions that admitted the partners, in the same order.
    #[must_use]
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The agreed share of `partner`, if it is a partner.
    #[must_use]
    pub fn share_of(&self, partner: CountryCode) -> Option<Money> {
        self.partner(partner).map(|p| p.share)
    }

    fn partner(&self, partner: CountryCode) -> Option<&PartnerShare> {
        self.partners.iter().find(|p| p.partner == partner)
    }

    /// Every contribution received so far, all partners.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Money`] only on overflow.
    pub fn received(&self) -> Result<Money, CooperationError> {
        Ok(Money::checked_sum(
            self.partners.iter().map(|p| p.received),
        )?)
    }

    /// The allocation key the U.S. share is recorded under: the Science and Technology
    /// funds holder, [`ProgramKind::TechnologyCooperation`], no single partner.
    #[must_use]
    pub fn key() -> AllocationKey {
        AllocationKey::new(
            Agency::ScienceAndTechnology.holder(),
            ProgramKind::TechnologyCooperation,
            None,
        )
    }

    /// The command that obligates the U.S. share on the project agreement (document
    /// `{id}-US`), charged directly to the Science and Technology allotment. The
    /// instrument is [`Instrument::Other`] (31 U.S.C. 1501(a)(9)): a project agreement
    /// with foreign governments is modeled as a liability that may result in a payment.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Id`] if a composed id is refused;
    /// [`CooperationError::NotPositive`] when the U.S. share is zero (the partners pay
    /// everything and nothing is obligated).
    pub fn obligate_us_share(
        &self,
        ctx: &CooperationContext,
        date: NaiveDate,
    ) -> Result<Command, CooperationError> {
        positive("the U.S. share", self.us_share)?;
        let id: CommandId = compose(format!("{}-OBL-US", self.id))?;
        let document: DocumentId = compose(format!("{}-US", self.id))?;
        Ok(Command::new(
            id,
            date,
            ctx.actor.clone(),
            Action::Obligate {
                account: ctx.account,
                document,
                instrument: Instrument::Other,
                funding: Funding::Allotment {
                    key: Project::key(),
                },
                amount: self.us_share,
                object_class: None,
                financed_by: crate::budget::DirectOrReimbursable::Direct,
            },
        ))
    }

    /// Records a contribution of `amount` from `partner` on `date` and returns the
    /// updated project with the [`Action::Collect`] command that credits it to the
    /// account. `self` is not changed: keep the returned project only if the ledger
    /// applies the command.
    ///
    /// # Errors
    ///
    /// In this order: [`CooperationError::UnknownPartner`];
    /// [`CooperationError::NotPositive`]; [`CooperationError::ExceedsDue`] when the amount
    /// is above what the partner still owes; [`CooperationError::Id`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::budget::Action;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::homeland::{CooperationContext, CooperationError, MissionArea, Project};
    /// let d = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
    /// let p = Project::new("P1", "Port scanners", MissionArea::MaritimeSecurity,
    ///     "100".parse()?, &[("AUS".parse()?, "40".parse()?, d)], &AllowAll, d)?;
    /// let ctx = CooperationContext { account: "070-2008/2009-0800".parse()?, actor: "st".parse()? };
    /// let (p, command) = p.receive(&ctx, "AUS".parse()?, "25".parse()?, d)?;
    /// assert!(matches!(command.action, Action::Collect { .. }));
    /// let err = p.receive(&ctx, "AUS".parse()?, "15.01".parse()?, d).unwrap_err();
    /// assert!(matches!(err, CooperationError::ExceedsDue { .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive(
        &self,
        ctx: &CooperationContext,
        partner: CountryCode,
        amount: Money,
        date: NaiveDate,
    ) -> Result<(Project, Command), CooperationError> {
        let mut next = self.clone();
        let share = next
            .partners
            .iter_mut()
            .find(|p| p.partner == partner)
            .ok_or_else(|| CooperationError::UnknownPartner {
                project: self.id.clone(),
                partner,
                partners: self.partners.iter().map(|p| p.partner).collect(),
            })?;
        positive(format!("the contribution of {partner}"), amount)?;
        let outstanding = share.outstanding()?;
        if amount > outstanding {
            return Err(CooperationError::ExceedsDue {
                partner,
                amount,
                outstanding,
            });
        }
        let sequence = share.contributions.len().saturating_add(1);
        let document_text = format!("{}-{partner}-{sequence}", self.id);
        let document: DocumentId = compose(document_text.clone())?;
        let id: CommandId = compose(format!("{document_text}-COLL"))?;
        // At most the share, by construction (issue 17: no assertion that input can
        // reach): `amount` was refused above when over `outstanding`, which is the share
        // less what was received.
        share.received = share.received.checked_add(amount)?;
        share.contributions.push(Contribution {
            document: document_text,
            date,
            amount,
        });
        let command = Command::new(
            id,
            date,
            ctx.actor.clone(),
            Action::Collect {
                account: ctx.account,
                document,
                payer: partner,
                amount,
                authority: AUTHORITY.to_string(),
            },
        );
        Ok((next, command))
    }

    /// The partners whose share was due before `date` and is not fully received, in the
    /// order given.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Money`] only on overflow.
    pub fn arrears(&self, date: NaiveDate) -> Result<Vec<Arrears>, CooperationError> {
        let mut out = Vec::new();
        for p in &self.partners {
            let outstanding = p.outstanding()?;
            if p.due_by < date && outstanding.is_positive() {
                out.push(Arrears {
                    partner: p.partner,
                    due_by: p.due_by,
                    share: p.share,
                    received: p.received,
                    outstanding,
                });
            }
        }
        Ok(out)
    }
}

/// What kind of result a project shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResultKind {
    /// A technical report.
    Report,
    /// A data set.
    Data,
    /// A prototype or test article.
    Prototype,
    /// Software.
    Software,
}

/// How far a result may travel beyond the countries given access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Release {
    /// Releasable to the public.
    Public,
    /// Only to the governments given access (and the United States).
    ParticipantsOnly,
    /// Only to the governments given access, for official use; no onward transfer.
    OfficialUseOnly,
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Release::Public => "public",
            Release::ParticipantsOnly => "participants only",
            Release::OfficialUseOnly => "official use only",
        })
    }
}

/// One result entered in the clearinghouse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedResult {
    /// The result id, unique in the register.
    pub id: String,
    /// The project that produced it.
    pub project: String,
    /// The title.
    pub title: String,
    /// The date it was shared.
    #[serde(deserialize_with = "crate::fiscal::date_serde::deserialize")]
    pub date: NaiveDate,
    /// What it is.
    pub kind: ResultKind,
    /// The partners given access (each must be a partner of the project).
    pub access: BTreeSet<CountryCode>,
    /// The release restriction.
    pub release: Release,
}

/// A project as the register knows it: its mission area and partners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisteredProject {
    /// The project id.
    pub id: String,
    /// The title.
    pub title: String,
    /// The mission area.
    pub mission: MissionArea,
    /// The partners.
    pub partners: BTreeSet<CountryCode>,
}

impl From<&Project> for RegisteredProject {
    fn from(p: &Project) -> Self {
        RegisteredProject {
            id: p.id.clone(),
            title: p.title.clone(),
            mission: p.mission,
            partners: p.partners.iter().map(|s| s.partner).collect(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegisterFile {
    projects: Vec<RegisteredProject>,
    results: Vec<SharedResult>,
}

/// The international clearinghouse: a register of results shared by cooperative
/// projects (6 U.S.C. 195c(a)(2)(F), exchanges or sharing of scientific and technological
/// information), queried by project, partner and mission area, and saved as JSON.
///
/// ```
/// use std::collections::BTreeSet;
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::homeland::{MissionArea, Project, Release, ResultKind, ResultsRegister, SharedResult};
/// let d = NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?;
/// let p = Project::new("P1", "Port scanners", MissionArea::MaritimeSecurity,
///     "100".parse()?, &[("AUS".parse()?, "40".parse()?, d)], &AllowAll, d)?;
/// let mut register = ResultsRegister::new();
/// register.add_project(&p)?;
/// register.record(SharedResult { id: "R1".into(), project: "P1".into(), title: "Trial data".into(),
///     date: d, kind: ResultKind::Data, access: BTreeSet::from(["AUS".parse()?]),
///     release: Release::ParticipantsOnly })?;
/// assert_eq!(register.for_partner("AUS".parse()?).len(), 1);
/// assert_eq!(register.for_partner("CAN".parse()?).len(), 0);
/// let again = ResultsRegister::from_json(&register.to_json()?)?;
/// assert_eq!(again, register);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResultsRegister {
    projects: BTreeMap<String, RegisteredProject>,
    results: BTreeMap<String, SharedResult>,
}

impl ResultsRegister {
    /// An empty register.
    #[must_use]
    pub fn new() -> Self {
        ResultsRegister::default()
    }

    /// Registers a project so that its results can be recorded.
    ///
    /// # Errors
    ///
    /// [`CooperationError::DuplicateProject`] if its id is already registered.
    pub fn add_project(&mut self, project: &Project) -> Result<(), CooperationError> {
        self.insert_project(RegisteredProject::from(project))
    }

    fn insert_project(&mut self, project: RegisteredProject) -> Result<(), CooperationError> {
        not_empty("project id", &project.id)?;
        not_empty("project title", &project.title)?;
        if project.partners.is_empty() {
            return Err(CooperationError::NoPartners);
        }
        if self.projects.contains_key(&project.id) {
            return Err(CooperationError::DuplicateProject { id: project.id });
        }
        self.projects.insert(project.id.clone(), project);
        Ok(())
    }

    /// Records a shared result.
    ///
    /// # Errors
    ///
    /// In this order: [`CooperationError::EmptyText`] for an empty id or title;
    /// [`CooperationError::DuplicateResult`]; [`CooperationError::UnknownProject`];
    /// [`CooperationError::NotParticipant`] if access is given to a country that is not a
    /// partner of the project.
    pub fn record(&mut self, result: SharedResult) -> Result<(), CooperationError> {
        not_empty("result id", &result.id)?;
        not_empty("result title", &result.title)?;
        if self.results.contains_key(&result.id) {
            return Err(CooperationError::DuplicateResult { id: result.id });
        }
        let project =
            self.projects
                .get(&result.project)
                .ok_or_else(|| CooperationError::UnknownProject {
                    result: result.id.clone(),
                    project: result.project.clone(),
                })?;
        if let Some(outsider) = result.access.difference(&project.partners).next() {
            return Err(CooperationError::NotParticipant {
                result: result.id.clone(),
                project: result.project.clone(),
                partner: *outsider,
            });
        }
        self.results.insert(result.id.clone(), result);
        Ok(())
    }

    /// The registered projects, by id.
    #[must_use]
    pub fn projects(&self) -> Vec<&RegisteredProject> {
        self.projects.values().collect()
    }

    /// Every result, by id.
    #[must_use]
    pub fn results(&self) -> Vec<&SharedResult> {
        self.results.values().collect()
    }

    /// The results of `project`, by id.
    #[must_use]
    pub fn for_project(&self, project: &str) -> Vec<&SharedResult> {
        self.results
            .values()
            .filter(|r| r.project == project)
            .collect()
    }

    /// The results `partner` may see: those it was given access to, and public ones.
    #[must_use]
    pub fn for_partner(&self, partner: CountryCode) -> Vec<&SharedResult> {
        self.results
            .values()
            .filter(|r| r.release == Release::Public || r.access.contains(&partner))
            .collect()
    }

    /// The results of projects in `mission`, by id.
    #[must_use]
    pub fn for_mission(&self, mission: MissionArea) -> Vec<&SharedResult> {
        self.results
            .values()
            .filter(|r| {
                self.projects
                    .get(&r.project)
                    .is_some_and(|p| p.mission == mission)
            })
            .collect()
    }

    /// The register as JSON: `{"projects": [...], "results": [...]}`, sorted by id.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Json`] only if serialization fails.
    pub fn to_json(&self) -> Result<String, CooperationError> {
        let file = RegisterFile {
            projects: self.projects.values().cloned().collect(),
            results: self.results.values().cloned().collect(),
        };
        serde_json::to_string_pretty(&file).map_err(|e| json_error(&e))
    }

    /// Loads a register from JSON, validating every entry as [`ResultsRegister::add_project`]
    /// and [`ResultsRegister::record`] do, projects first, in file order.
    ///
    /// # Errors
    ///
    /// [`CooperationError::Json`] for malformed JSON; [`CooperationError::Entry`] naming
    /// the section, position and id of the first invalid entry and what is wrong with it.
    ///
    /// ```
    /// use security_assistance::homeland::{CooperationError, ResultsRegister};
    /// let bad = r#"{"projects": [], "results": [{"id": "R1", "project": "P9", "title": "x",
    ///   "date": "2008-03-01", "kind": "report", "access": [], "release": "public"}]}"#;
    /// let err = ResultsRegister::from_json(bad).unwrap_err();
    /// assert!(matches!(&err, CooperationError::Entry { section, index: 0, .. } if section == "results"));
    /// // The cause is the source, printed once.
    /// let cause = std::error::Error::source(&err).map(ToString::to_string);
    /// assert!(cause.is_some_and(|c| c.contains("P9")));
    /// ```
    pub fn from_json(text: &str) -> Result<ResultsRegister, CooperationError> {
        let file: RegisterFile = serde_json::from_str(text).map_err(|e| json_error(&e))?;
        let mut register = ResultsRegister::new();
        for (index, project) in file.projects.into_iter().enumerate() {
            let id = project.id.clone();
            register
                .insert_project(project)
                .map_err(|e| CooperationError::Entry {
                    section: "projects".to_owned(),
                    index,
                    id,
                    source: Box::new(e),
                })?;
        }
        for (index, result) in file.results.into_iter().enumerate() {
            let id = result.id.clone();
            register
                .record(result)
                .map_err(|e| CooperationError::Entry {
                    section: "results".to_owned(),
                    index,
                    id,
                    source: Box::new(e),
                })?;
        }
        Ok(register)
    }
}

fn json_error(e: &serde_json::Error) -> CooperationError {
    CooperationError::Json(crate::wire::Cause::json(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::{AllowAll, Decision};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn c(s: &str) -> CountryCode {
        s.parse().unwrap()
    }

    fn m(s: &str) -> Money {
        s.parse().unwrap()
    }

    fn ctx() -> CooperationContext {
        CooperationContext {
            account: "070-2008/2009-0800".parse().unwrap(),
            actor: "st-budget".parse().unwrap(),
        }
    }

    fn project() -> Project {
        Project::new(
            "BIO-1",
            "Biometrics",
            MissionArea::BorderControl,
            m("900000"),
            &[
                (c("GBR"), m("300000"), d(2008, 6, 30)),
                (c("CAN"), m("150000"), d(2008, 9, 30)),
            ],
            &AllowAll,
            d(2008, 3, 1),
        )
        .unwrap()
    }

    /// Refuses one partner, allows everyone else.
    struct Refuse(CountryCode);

    impl EligibilityCheck for Refuse {
        fn decide(&self, request: &EligibilityRequest) -> Decision {
            use crate::eligibility::{Finding, FindingOutcome, RuleId, WaiverStatus};
            let finding = Finding {
                rule: RuleId::new("test-refuse"),
                title: "refuses one partner".into(),
                citation: Citation::new("Test Act", "1"),
                outcome: if request.partner == self.0 {
                    FindingOutcome::Prohibits
                } else {
                    FindingOutcome::Allows
                },
                facts: Vec::new(),
                waiver: WaiverStatus::NotNeeded,
            };
            Decision::new(request.clone(), "test", vec![finding])
        }
    }

    /// Issue 17 (the former `debug_assert!` in `receive`): a contribution a cent over what
    /// is outstanding is refused, naming it, after part of the share was received; the
    /// rest of the share exactly is taken, and then nothing more.
    #[test]
    fn a_contribution_over_the_outstanding_share_is_refused() {
        let (p, _) = project()
            .receive(&ctx(), c("GBR"), m("100000"), d(2008, 4, 1))
            .unwrap();
        let over = p.receive(&ctx(), c("GBR"), m("200000.01"), d(2008, 4, 2));
        assert_eq!(
            over.unwrap_err(),
            CooperationError::ExceedsDue {
                partner: c("GBR"),
                amount: m("200000.01"),
                outstanding: m("200000"),
            }
        );
        let (full, _) = p
            .receive(&ctx(), c("GBR"), m("200000"), d(2008, 4, 2))
            .unwrap();
        assert_eq!(full.share_of(c("GBR")), Some(m("300000")));
        assert_eq!(full.received().unwrap(), m("300000"));
        assert!(matches!(
            full.receive(&ctx(), c("GBR"), m("0.01"), d(2008, 4, 3)),
            Err(CooperationError::ExceedsDue { .. })
        ));
    }

    #[test]
    fn shares_sum_to_cost_with_the_us_absorbing_the_remainder() {
        let p = Project::with_rates(
            "R",
            "t",
            MissionArea::AviationSecurity,
            m("100.00"),
            &[
                (c("GBR"), "33.333".parse().unwrap(), d(2008, 6, 1)),
                (c("CAN"), "33.333".parse().unwrap(), d(2008, 6, 1)),
            ],
            &AllowAll,
            d(2008, 3, 1),
        )
        .unwrap();
        assert_eq!(p.share_of(c("GBR")), Some(m("33.33")));
        assert_eq!(p.share_of(c("CAN")), Some(m("33.33")));
        assert_eq!(p.us_share(), m("33.34"));
        let total = Money::checked_sum(p.partners().iter().map(|s| s.share)).unwrap();
        assert_eq!(total.checked_add(p.us_share()).unwrap(), p.cost());
    }

    #[test]
    fn project_construction_refusals_in_order() {
        let due = d(2008, 6, 1);
        let date = d(2008, 3, 1);
        let make =
            |id: &str, title: &str, cost: &str, shares: &[(CountryCode, Money, NaiveDate)]| {
                Project::new(
                    id,
                    title,
                    MissionArea::Counterterrorism,
                    m(cost),
                    shares,
                    &AllowAll,
                    date,
                )
            };
        assert!(matches!(
            make("caf\u{e9}", "t", "10", &[]).unwrap_err(),
            CooperationError::Id { .. }
        ));
        assert!(matches!(
            make("P", " ", "10", &[]).unwrap_err(),
            CooperationError::EmptyText { .. }
        ));
        assert!(matches!(
            make("P", "t", "0", &[]).unwrap_err(),
            CooperationError::NotPositive { .. }
        ));
        assert!(matches!(
            make("P", "t", "10", &[(c("GBR"), m("0"), due)]).unwrap_err(),
            CooperationError::NotPositive { .. }
        ));
        assert_eq!(
            make("P", "t", "10", &[]).unwrap_err(),
            CooperationError::NoPartners
        );
        assert_eq!(
            make(
                "P",
                "t",
                "10",
                &[(c("GBR"), m("1"), due), (c("GBR"), m("2"), due)]
            )
            .unwrap_err(),
            CooperationError::DuplicatePartner { partner: c("GBR") }
        );
        assert_eq!(
            make(
                "P",
                "t",
                "10",
                &[(c("GBR"), m("6"), due), (c("CAN"), m("4.01"), due)]
            )
            .unwrap_err(),
            CooperationError::SharesExceedCost {
                cost: m("10"),
                shares: m("10.01")
            }
        );
        // Exactly the cost is allowed: the U.S. pays nothing and obligates nothing.
        let all = make("P", "t", "10", &[(c("GBR"), m("10"), due)]).unwrap();
        assert_eq!(all.us_share(), Money::ZERO);
        assert!(matches!(
            all.obligate_us_share(&ctx(), date).unwrap_err(),
            CooperationError::NotPositive { .. }
        ));
    }

    #[test]
    fn an_ineligible_partner_is_refused_with_the_decision() {
        let err = Project::new(
            "P",
            "t",
            MissionArea::Counterterrorism,
            m("10"),
            &[
                (c("GBR"), m("1"), d(2008, 6, 1)),
                (c("IRN"), m("1"), d(2008, 6, 1)),
            ],
            &Refuse(c("IRN")),
            d(2008, 3, 1),
        )
        .unwrap_err();
        match err {
            CooperationError::Ineligible { partner, decision } => {
                assert_eq!(partner, c("IRN"));
                assert!(!decision.outcome().allows());
                assert_eq!(decision.request().department, Department::HomelandSecurity);
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn contributions_are_tracked_and_capped_at_the_share() {
        let p = project();
        let (p1, cmd) = p
            .receive(&ctx(), c("GBR"), m("100000"), d(2008, 4, 1))
            .unwrap();
        assert_eq!(p.partners()[0].received(), Money::ZERO, "self is unchanged");
        match &cmd.action {
            Action::Collect {
                document,
                payer,
                amount,
                authority,
                ..
            } => {
                assert_eq!(document.as_str(), "BIO-1-GBR-1");
                assert_eq!(*payer, c("GBR"));
                assert_eq!(*amount, m("100000"));
                assert_eq!(authority, "6 U.S.C. 195c(d)");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            p1.receive(&ctx(), c("GBR"), m("200000.01"), d(2008, 4, 2))
                .unwrap_err(),
            CooperationError::ExceedsDue {
                partner: c("GBR"),
                amount: m("200000.01"),
                outstanding: m("200000")
            }
        );
        assert!(matches!(
            p1.receive(&ctx(), c("FRA"), m("1"), d(2008, 4, 2))
                .unwrap_err(),
            CooperationError::UnknownPartner { .. }
        ));
        assert!(matches!(
            p1.receive(&ctx(), c("GBR"), m("-1"), d(2008, 4, 2))
                .unwrap_err(),
            CooperationError::NotPositive { .. }
        ));
        // GBR is in arrears after 30 June; CAN not until after 30 September.
        let late = p1.arrears(d(2008, 7, 1)).unwrap();
        assert_eq!(late.len(), 1);
        assert_eq!(late[0].partner, c("GBR"));
        assert_eq!(late[0].outstanding, m("200000"));
        assert!(p1.arrears(d(2008, 6, 30)).unwrap().is_empty());
        let (p2, cmd2) = p1
            .receive(&ctx(), c("GBR"), m("200000"), d(2008, 7, 2))
            .unwrap();
        assert_ne!(cmd.id, cmd2.id);
        assert!(p2.arrears(d(2008, 7, 3)).unwrap().is_empty());
        assert_eq!(p2.received().unwrap(), m("300000"));
        assert_eq!(p2.partners()[0].contributions().len(), 2);
    }

    #[test]
    fn the_us_share_is_obligated_on_the_st_allotment() {
        let p = project();
        let cmd = p.obligate_us_share(&ctx(), d(2008, 3, 2)).unwrap();
        match cmd.action {
            Action::Obligate {
                document,
                funding: Funding::Allotment { key },
                amount,
                ..
            } => {
                assert_eq!(document.as_str(), "BIO-1-US");
                assert_eq!(key.holder.as_str(), "ST");
                assert_eq!(key.program, ProgramKind::TechnologyCooperation);
                assert_eq!(amount, m("450000"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_project_round_trips_through_json_and_a_tampered_one_is_refused() {
        let (p, _) = project()
            .receive(&ctx(), c("GBR"), m("1000"), d(2008, 4, 1))
            .unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Project>(&json).unwrap(), p);
        // Raise the U.S. share: the shares no longer sum to the cost.
        let tampered = json.replacen(
            "\"us_share\":\"450000.00\"",
            "\"us_share\":\"450000.01\"",
            1,
        );
        assert_ne!(tampered, json, "the test edits the JSON");
        let err = serde_json::from_str::<Project>(&tampered).unwrap_err();
        assert!(err.to_string().contains("exceed the project cost"), "{err}");
        // Claim more received than the contributions show.
        let tampered = json.replacen("\"received\":\"1000.00\"", "\"received\":\"2000.00\"", 1);
        assert_ne!(tampered, json, "the test edits the JSON");
        let err = serde_json::from_str::<Project>(&tampered).unwrap_err();
        assert!(err.to_string().contains("$2,000.00 received"), "{err}");
    }

    fn result(id: &str, project: &str, access: &[&str], release: Release) -> SharedResult {
        SharedResult {
            id: id.into(),
            project: project.into(),
            title: "Trial".into(),
            date: d(2008, 8, 1),
            kind: ResultKind::Report,
            access: access.iter().map(|a| c(a)).collect(),
            release,
        }
    }

    #[test]
    fn the_register_validates_and_answers_queries() {
        let mut r = ResultsRegister::new();
        r.add_project(&project()).unwrap();
        assert!(matches!(
            r.add_project(&project()).unwrap_err(),
            CooperationError::DuplicateProject { .. }
        ));
        r.record(result("R1", "BIO-1", &["GBR"], Release::ParticipantsOnly))
            .unwrap();
        r.record(result("R2", "BIO-1", &[], Release::Public))
            .unwrap();
        let before = r.clone();
        assert!(matches!(
            r.record(result("R1", "BIO-1", &[], Release::Public))
                .unwrap_err(),
            CooperationError::DuplicateResult { .. }
        ));
        assert!(matches!(
            r.record(result("R3", "NOPE", &[], Release::Public))
                .unwrap_err(),
            CooperationError::UnknownProject { .. }
        ));
        assert_eq!(
            r.record(result("R3", "BIO-1", &["GBR", "FRA"], Release::Public))
                .unwrap_err(),
            CooperationError::NotParticipant {
                result: "R3".into(),
                project: "BIO-1".into(),
                partner: c("FRA")
            }
        );
        assert_eq!(r, before);
        assert_eq!(r.for_project("BIO-1").len(), 2);
        assert_eq!(r.for_partner(c("GBR")).len(), 2);
        assert_eq!(r.for_partner(c("CAN")).len(), 1);
        assert_eq!(r.for_mission(MissionArea::BorderControl).len(), 2);
        assert!(r.for_mission(MissionArea::AviationSecurity).is_empty());
        let json = r.to_json().unwrap();
        assert_eq!(ResultsRegister::from_json(&json).unwrap(), r);
        assert!(matches!(
            ResultsRegister::from_json("{").unwrap_err(),
            CooperationError::Json(_)
        ));
        let dup = json.replacen("\"R2\"", "\"R1\"", 1);
        match ResultsRegister::from_json(&dup).unwrap_err() {
            CooperationError::Entry {
                section, index, id, ..
            } => {
                assert_eq!((section.as_str(), index, id.as_str()), ("results", 1, "R1"));
            }
            other => panic!("{other}"),
        }
    }
}

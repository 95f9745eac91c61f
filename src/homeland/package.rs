//! One-stop packages built from the menu.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::allocation::compose_id;
use super::catalog::Catalog;
use super::error::HomelandError;
use super::oversight::{Plan, PlanLine, Tag};
use super::standards::StandardRef;
use super::{Agency, Delivery, Domain, MissionArea};
use crate::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Command, CommandId, DocumentId, Funding,
    Instrument,
};
use crate::eligibility::{Decision, Department, EligibilityCheck, EligibilityRequest, RuleId};
use crate::money::Money;
use crate::notification::{Notification, ProposedAction, Thresholds, assess};
use crate::partner::CountryCode;
use crate::purpose::ProgramKind;

/// Where a package's money comes from, in the order sources are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FundingKind {
    /// A grant from the homeland account (obligated with the delivery's own instrument).
    Grant,
    /// A loan from the homeland account (obligated as [`Instrument::Loan`]).
    Loan,
    /// The partner's own money: no obligation of the homeland account.
    PartnerFunds,
}

impl std::fmt::Display for FundingKind {
    /// ```
    /// use security_assistance::homeland::FundingKind;
    /// assert_eq!(FundingKind::PartnerFunds.to_string(), "partner's own funds");
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            FundingKind::Grant => "grant",
            FundingKind::Loan => "loan",
            FundingKind::PartnerFunds => "partner's own funds",
        })
    }
}

/// An amount from one source that pays for the part of the package delivered one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundingSource {
    /// The source.
    pub kind: FundingKind,
    /// The part it pays for.
    pub pays_for: Delivery,
    /// The amount.
    pub amount: Money,
}

/// A menu item and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageItem {
    /// The catalog offering id.
    pub offering: String,
    /// How many units.
    pub quantity: u32,
}

/// What a caller asks for: a package tailored to one partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackageSpec {
    /// A short id, the prefix of the package's document and command ids.
    pub id: String,
    /// The partner.
    pub partner: CountryCode,
    /// The domains the partner chose (air, land, sea; cyber for information security).
    pub domains: BTreeSet<Domain>,
    /// The items.
    pub items: Vec<PackageItem>,
    /// The funding sources.
    pub funding: Vec<FundingSource>,
    /// The amount justified to the committees of jurisdiction for this partner, if any.
    pub justified: Option<Money>,
}

/// Where and when the package's commands go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageContext {
    /// The homeland account that pays grants and loans.
    pub account: AccountSymbol,
    /// The date of the commands and of the eligibility and notification questions.
    pub date: NaiveDate,
    /// Who issues the commands.
    pub actor: Actor,
    /// The notification thresholds and the homeland policy.
    pub thresholds: Thresholds,
}

/// One line of a part: an offering, its quantity and its extended price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartLine {
    /// The offering id.
    pub offering: String,
    /// The quantity.
    pub quantity: u32,
    /// Quantity × unit cost, exactly.
    pub amount: Money,
    /// The agency that delivers it.
    pub agency: Agency,
    /// Its mission area.
    pub mission: MissionArea,
    /// The standards the offering builds toward (empty, and absent from JSON, if none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<StandardRef>,
}

/// The part of a package delivered one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// How it is delivered.
    pub delivery: Delivery,
    /// Its price, exactly.
    pub price: Money,
    /// Its lines, sorted by offering id.
    pub lines: Vec<PartLine>,
    /// The sources paying for it, merged by kind, in the order grant, loan, partner.
    pub funding: Vec<FundingSource>,
    /// The eligibility decisions: its own program kind, and financing when a grant or loan
    /// pays for a sale or lease, or a loan pays for anything.
    pub decisions: Vec<Decision>,
    /// The notice it needs, if any.
    pub notification: Option<Notification>,
}

/// A part the package cannot offer, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dropped {
    /// The part.
    pub part: Part,
    /// The rules that refused it.
    pub rules: Vec<RuleId>,
    /// The refusing decisions' explanations.
    pub reasons: Vec<String>,
}

/// Why a package cannot go ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "blocker")]
#[non_exhaustive]
pub enum PackageBlocker {
    /// The sources for a part do not add up to its price.
    #[error("the {delivery} part costs {price} but its sources add up to {funded}")]
    FundingMismatch {
        /// The part.
        delivery: Delivery,
        /// Its price.
        price: Money,
        /// What the sources add up to.
        funded: Money,
    },
    /// A source pays for a part the package does not have.
    #[error("a {kind:?} source of {amount} pays for a {delivery} part the package does not have")]
    NoSuchPart {
        /// The source kind.
        kind: FundingKind,
        /// The delivery named.
        delivery: Delivery,
        /// The amount.
        amount: Money,
    },
    /// A source's amount is zero or negative.
    #[error(
        "a {kind:?} source for the {delivery} part has amount {amount}: expected a positive amount"
    )]
    NonPositiveSource {
        /// The source kind.
        kind: FundingKind,
        /// The delivery named.
        delivery: Delivery,
        /// The amount.
        amount: Money,
    },
    /// Every part was dropped, or the package had no items.
    #[error("the package offers nothing")]
    NothingOffered,
}

/// A built package: its price, its parts, what was dropped and why, and the commands it
/// needs or the reasons it cannot go ahead. Building never moves money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The spec's id.
    pub id: String,
    /// The partner.
    pub partner: CountryCode,
    /// The price of everything asked for.
    pub price: Money,
    /// The price of the parts offered.
    pub offered_price: Money,
    /// The parts offered, in delivery order.
    pub parts: Vec<Part>,
    /// The parts dropped for eligibility, with the rules and reasons.
    pub dropped: Vec<Dropped>,
    /// Why it cannot go ahead (empty if it can).
    pub blockers: Vec<PackageBlocker>,
    commands: Vec<Command>,
    tags: Vec<(DocumentId, Tag)>,
    #[serde(default)]
    plans: Vec<(DocumentId, Plan)>,
}

impl Package {
    /// The ledger commands (Commit then Obligate per document, for grant and loan money),
    /// or the reasons the package cannot go ahead. The caller applies the commands after
    /// allocating to the keys (agency, program, partner) of the homeland account.
    ///
    /// # Errors
    ///
    /// The blockers, if there are any.
    pub fn go_ahead(&self) -> Result<&[Command], &[PackageBlocker]> {
        if self.blockers.is_empty() {
            Ok(&self.commands)
        } else {
            Err(&self.blockers)
        }
    }

    /// The oversight tag (partner, mission area, agency) of each obligating document.
    #[must_use]
    pub fn tags(&self) -> &[(DocumentId, Tag)] {
        &self.tags
    }

    /// What each obligating document buys: the document's amount split across the
    /// offerings of its (agency, mission area) share in proportion to their prices, to the
    /// cent, each with the standards it builds toward.
    /// [`Oversight::register_package`](super::Oversight::register_package) keeps them for
    /// the interoperability report.
    #[must_use]
    pub fn plans(&self) -> &[(DocumentId, Plan)] {
        &self.plans
    }
}

fn mission_code(m: MissionArea) -> &'static str {
    match m {
        MissionArea::AviationSecurity => "AVN",
        MissionArea::MaritimeSecurity => "MAR",
        MissionArea::BorderControl => "BRD",
        MissionArea::InformationSecurity => "INF",
        MissionArea::Counterterrorism => "CT",
        MissionArea::DisasterResponse => "DIS",
    }
}

fn ask(
    check: &dyn EligibilityCheck,
    spec: &PackageSpec,
    program: ProgramKind,
    amount: Money,
    date: NaiveDate,
) -> Decision {
    let mut q = EligibilityRequest::new(spec.partner, program, date);
    q.department = Department::HomelandSecurity;
    q.amount = Some(amount);
    q.document = Some(spec.id.clone());
    check.decide(&q)
}

impl PackageSpec {
    /// Builds the package from `catalog`, asking `eligibility` about each part with
    /// Homeland Security funds and [`notification::assess`](crate::notification::assess)
    /// about its notice.
    ///
    /// Items are grouped into parts by delivery. A part whose decision refuses is dropped
    /// (with the rules and reasons) and its funding released; the other parts are still
    /// offered. Each offered part's sources must add up to its price exactly. Grant and
    /// loan money is applied to the part's (agency, mission area) shares in that order,
    /// grant first, then loan, then the partner's own money, filling each share before the
    /// next; each grant or loan share is one document `"{id}-{delivery}-{agency}-{mission}-{G|L}"`
    /// with a Commit and an Obligate (funded by the commitment) under the key
    /// (agency's funds holder, delivery's program kind, partner). Sales are notified as
    /// AECA 36(b) sales, excess transfers as such, everything else under the homeland
    /// policy.
    ///
    /// # Errors
    ///
    /// [`HomelandError::UnknownOffering`], [`HomelandError::ZeroQuantity`],
    /// [`HomelandError::DomainNotChosen`] for a malformed item (in item order);
    /// [`HomelandError::Money`] on overflow; [`HomelandError::Id`] if a composed id is
    /// invalid (keep the package id short). Reasons a well-formed package cannot go ahead
    /// are [`Package::blockers`], not errors.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use security_assistance::eligibility::AllowAll;
    /// use security_assistance::homeland::*;
    /// use security_assistance::notification::Thresholds;
    ///
    /// let catalog = Catalog::new(vec![Offering {
    ///     id: "USCG-BOAT".into(), name: "patrol boat".into(), category: Category::Equipment,
    ///     mission: MissionArea::MaritimeSecurity, domain: Domain::Sea,
    ///     agency: Agency::CoastGuard, unit_cost: "250000".parse()?, delivery: Delivery::Grant,
    ///     standards: vec![StandardRef::to("IMO-ISPS").part("part A, section 14")],
    /// }], &Standards::builtin())?;
    /// let spec = PackageSpec {
    ///     id: "PKG1".into(), partner: "PAN".parse()?, domains: [Domain::Sea].into(),
    ///     items: vec![PackageItem { offering: "USCG-BOAT".into(), quantity: 2 }],
    ///     funding: vec![FundingSource { kind: FundingKind::Grant, pays_for: Delivery::Grant,
    ///         amount: "500000".parse()? }],
    ///     justified: Some("1000000".parse()?),
    /// };
    /// let ctx = PackageContext {
    ///     account: "070-2008/2009-0100".parse()?,
    ///     date: NaiveDate::from_ymd_opt(2008, 3, 1).ok_or("date")?,
    ///     actor: "OIA".parse()?, thresholds: Thresholds::current(),
    /// };
    /// let package = spec.build(&catalog, &ctx, &AllowAll)?;
    /// assert_eq!(package.price.to_string(), "$500,000.00");
    /// let commands = package.go_ahead().map_err(|b| format!("{b:?}"))?;
    /// assert_eq!(commands.len(), 2); // commit, obligate
    /// let (_, plan) = &package.plans()[0];
    /// assert_eq!(plan.lines[0].standards[0].standard, "IMO-ISPS");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(
        &self,
        catalog: &Catalog,
        ctx: &PackageContext,
        eligibility: &dyn EligibilityCheck,
    ) -> Result<Package, HomelandError> {
        let by_delivery = self.lines_by_delivery(catalog)?;
        let mut blockers = self.source_blockers(&by_delivery);
        let mut price = Money::ZERO;
        let mut offered_price = Money::ZERO;
        let mut parts = Vec::new();
        let mut dropped = Vec::new();
        for (delivery, lines) in by_delivery {
            let part = self.part(delivery, lines, ctx, eligibility)?;
            price = price.checked_add(part.price)?;
            let refusing: Vec<&Decision> = part
                .decisions
                .iter()
                .filter(|d| !d.outcome().allows())
                .collect();
            if refusing.is_empty() {
                offered_price = offered_price.checked_add(part.price)?;
                let funded = Money::checked_sum(part.funding.iter().map(|s| s.amount))?;
                if funded != part.price {
                    blockers.push(PackageBlocker::FundingMismatch {
                        delivery,
                        price: part.price,
                        funded,
                    });
                }
                parts.push(part);
            } else {
                let (rules, reasons) = refusals(&refusing);
                dropped.push(Dropped {
                    part,
                    rules,
                    reasons,
                });
            }
        }
        if parts.is_empty() {
            blockers.push(PackageBlocker::NothingOffered);
        }
        let (commands, tags, plans) = if blockers.is_empty() {
            self.commands(&parts, ctx)?
        } else {
            (Vec::new(), Vec::new(), Vec::new())
        };
        Ok(Package {
            id: self.id.clone(),
            partner: self.partner,
            price,
            offered_price,
            parts,
            dropped,
            blockers,
            commands,
            tags,
            plans,
        })
    }

    /// The package's lines, priced from the catalog, grouped by how they are delivered.
    fn lines_by_delivery(
        &self,
        catalog: &Catalog,
    ) -> Result<BTreeMap<Delivery, Vec<PartLine>>, HomelandError> {
        let mut by_delivery: BTreeMap<Delivery, Vec<PartLine>> = BTreeMap::new();
        for item in &self.items {
            let offering =
                catalog
                    .get(&item.offering)
                    .ok_or_else(|| HomelandError::UnknownOffering {
                        offering: item.offering.clone(),
                    })?;
            if item.quantity == 0 {
                return Err(HomelandError::ZeroQuantity {
                    offering: item.offering.clone(),
                });
            }
            if !self.domains.contains(&offering.domain) {
                return Err(HomelandError::DomainNotChosen {
                    offering: item.offering.clone(),
                    domain: offering.domain,
                    partner: self.partner,
                });
            }
            let amount = offering
                .unit_cost
                .checked_mul_int(i64::from(item.quantity))?;
            by_delivery
                .entry(offering.delivery)
                .or_default()
                .push(PartLine {
                    offering: offering.id.clone(),
                    quantity: item.quantity,
                    amount,
                    agency: offering.agency,
                    mission: offering.mission,
                    standards: offering.standards.clone(),
                });
        }
        Ok(by_delivery)
    }

    /// Funding sources that cannot pay for anything: not positive, or for a part the
    /// package does not have.
    fn source_blockers(
        &self,
        by_delivery: &BTreeMap<Delivery, Vec<PartLine>>,
    ) -> Vec<PackageBlocker> {
        let mut blockers = Vec::new();
        for s in &self.funding {
            if !s.amount.is_positive() {
                blockers.push(PackageBlocker::NonPositiveSource {
                    kind: s.kind,
                    delivery: s.pays_for,
                    amount: s.amount,
                });
            } else if !by_delivery.contains_key(&s.pays_for) {
                blockers.push(PackageBlocker::NoSuchPart {
                    kind: s.kind,
                    delivery: s.pays_for,
                    amount: s.amount,
                });
            }
        }
        blockers
    }

    /// The part delivered by `delivery`: its lines in offering order, its merged funding,
    /// the eligibility decisions it needs and its notification requirement.
    fn part(
        &self,
        delivery: Delivery,
        mut lines: Vec<PartLine>,
        ctx: &PackageContext,
        eligibility: &dyn EligibilityCheck,
    ) -> Result<Part, HomelandError> {
        lines.sort_by(|a, b| a.offering.cmp(&b.offering));
        let part_price = Money::checked_sum(lines.iter().map(|l| l.amount))?;
        let funding = self.merged_funding(delivery)?;
        let mut programs = vec![delivery.program()];
        let financed_purchase = matches!(delivery, Delivery::Sale | Delivery::Lease)
            && funding
                .iter()
                .any(|s| matches!(s.kind, FundingKind::Grant | FundingKind::Loan));
        let loan = funding.iter().any(|s| s.kind == FundingKind::Loan);
        if (financed_purchase || loan) && !programs.contains(&ProgramKind::Financing) {
            programs.push(ProgramKind::Financing);
        }
        let decisions: Vec<Decision> = programs
            .into_iter()
            .map(|p| ask(eligibility, self, p, part_price, ctx.date))
            .collect();
        let action = self.proposed_action(delivery, part_price);
        Ok(Part {
            delivery,
            price: part_price,
            lines,
            funding,
            notification: assess(&action, ctx.date, &ctx.thresholds)?,
            decisions,
        })
    }

    /// The positive sources that pay for `delivery`, those of one kind merged, in the
    /// order grant, loan, partner.
    fn merged_funding(&self, delivery: Delivery) -> Result<Vec<FundingSource>, HomelandError> {
        let mut merged: BTreeMap<FundingKind, Money> = BTreeMap::new();
        for s in self
            .funding
            .iter()
            .filter(|s| s.pays_for == delivery && s.amount.is_positive())
        {
            let slot = merged.entry(s.kind).or_insert(Money::ZERO);
            *slot = slot.checked_add(s.amount)?;
        }
        Ok(merged
            .into_iter()
            .map(|(kind, amount)| FundingSource {
                kind,
                pays_for: delivery,
                amount,
            })
            .collect())
    }

    /// The action congressional notification is assessed on, for a part of `price`.
    fn proposed_action(&self, delivery: Delivery, price: Money) -> ProposedAction {
        match delivery {
            Delivery::Sale => ProposedAction::Sale {
                partner: self.partner,
                major_defense_equipment: Money::ZERO,
                articles_and_services: price,
                design_and_construction: Money::ZERO,
            },
            Delivery::ExcessTransfer => ProposedAction::ExcessTransfer {
                partner: self.partner,
                original_acquisition_value: price,
                significant_military_equipment: false,
            },
            Delivery::Enrollment | Delivery::MobileTeam | Delivery::Grant | Delivery::Lease => {
                ProposedAction::HomelandProgram {
                    partner: self.partner,
                    amount: price,
                    justified: self.justified,
                }
            }
        }
    }

    #[allow(clippy::type_complexity)]
    fn commands(
        &self,
        parts: &[Part],
        ctx: &PackageContext,
    ) -> Result<
        (
            Vec<Command>,
            Vec<(DocumentId, Tag)>,
            Vec<(DocumentId, Plan)>,
        ),
        HomelandError,
    > {
        let mut commands = Vec::new();
        let mut tags = Vec::new();
        let mut plans = Vec::new();
        for part in parts {
            let mut shares: BTreeMap<(Agency, MissionArea), Money> = BTreeMap::new();
            for l in &part.lines {
                let slot = shares.entry((l.agency, l.mission)).or_insert(Money::ZERO);
                *slot = slot.checked_add(l.amount)?;
            }
            let mut shares: Vec<((Agency, MissionArea), Money)> = shares.into_iter().collect();
            for source in &part.funding {
                let mut left = source.amount;
                for ((agency, mission), open) in &mut shares {
                    if !left.is_positive() {
                        break;
                    }
                    if !open.is_positive() {
                        continue;
                    }
                    let take = if left < *open { left } else { *open };
                    *open = open.checked_sub(take)?;
                    left = left.checked_sub(take)?;
                    let Some(issued) =
                        self.issue(part, *agency, *mission, source.kind, take, ctx)?
                    else {
                        continue;
                    };
                    commands.extend(issued.commands);
                    plans.push((issued.document.clone(), issued.plan));
                    tags.push((issued.document, issued.tag));
                }
            }
        }
        Ok((commands, tags, plans))
    }

    /// The commit and obligate commands, plan and tag of one document: `take` of
    /// `part`'s share of (`agency`, `mission`), paid by a source of `kind` (none for the
    /// partner's own funds, which the ledger does not see).
    fn issue(
        &self,
        part: &Part,
        agency: Agency,
        mission: MissionArea,
        kind: FundingKind,
        take: Money,
        ctx: &PackageContext,
    ) -> Result<Option<Issued>, HomelandError> {
        let (suffix, instrument) = match kind {
            FundingKind::Grant => ("G", part.delivery.instrument()),
            FundingKind::Loan => ("L", Instrument::Loan),
            FundingKind::PartnerFunds => return Ok(None),
        };
        let base = format!(
            "{}-{}-{}-{}-{suffix}",
            self.id,
            part.delivery.code(),
            agency.abbreviation(),
            mission_code(mission)
        );
        let document: DocumentId = compose_id(&base)?;
        let key = AllocationKey::new(agency.holder(), part.delivery.program(), Some(self.partner));
        let commands = vec![
            Command::new(
                compose_id::<CommandId>(&format!("{base}-C"))?,
                ctx.date,
                ctx.actor.clone(),
                Action::Commit {
                    account: ctx.account,
                    document: document.clone(),
                    key,
                    amount: take,
                },
            ),
            Command::new(
                compose_id::<CommandId>(&format!("{base}-O"))?,
                ctx.date,
                ctx.actor.clone(),
                Action::Obligate {
                    account: ctx.account,
                    document: document.clone(),
                    instrument,
                    funding: Funding::Commitment,
                    amount: take,
                    object_class: None,
                    financed_by: crate::budget::DirectOrReimbursable::Direct,
                },
            ),
        ];
        let lines: Vec<&PartLine> = part
            .lines
            .iter()
            .filter(|l| l.agency == agency && l.mission == mission)
            .collect();
        let weights: Vec<Money> = lines.iter().map(|l| l.amount).collect();
        let amounts = crate::money::pro_rata(take, &weights)?;
        let plan = Plan {
            package: self.id.clone(),
            lines: lines
                .iter()
                .zip(amounts)
                .map(|(l, amount)| PlanLine {
                    offering: l.offering.clone(),
                    amount,
                    standards: l.standards.clone(),
                })
                .collect(),
        };
        let tag = Tag {
            partner: self.partner,
            mission,
            agency,
        };
        Ok(Some(Issued {
            document,
            commands,
            plan,
            tag,
        }))
    }
}

/// What one document of a package issues: its commands, plan and tag.
struct Issued {
    document: DocumentId,
    commands: Vec<Command>,
    plan: Plan,
    tag: Tag,
}

/// Why the `refusing` decisions drop a part: the rules that block it and the decisions'
/// explanations.
fn refusals(refusing: &[&Decision]) -> (Vec<RuleId>, Vec<String>) {
    let rules = refusing
        .iter()
        .flat_map(|d| d.findings().iter().filter(|f| f.blocks()))
        .map(|f| f.rule.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let reasons = refusing.iter().map(|d| d.explanation()).collect();
    (rules, reasons)
}

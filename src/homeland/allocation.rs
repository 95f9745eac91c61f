//! Priorities and the allocation of a constrained appropriation.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::error::HomelandError;
use super::standards::{Finding, Standing};
use super::{Agency, MissionArea};
use crate::budget::{AccountSymbol, Action, Actor, AllocationKey, Command, CommandId};
use crate::eligibility::{Decision, Department, EligibilityCheck, EligibilityRequest};
use crate::money::Money;
use crate::partner::{CountryCode, Region};
use crate::purpose::ProgramKind;

/// One partner's request for a share of the appropriation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationRequest {
    /// A caller-chosen id, unique among the requests (it breaks ties and names the
    /// allocation command).
    pub id: String,
    /// The partner.
    pub partner: CountryCode,
    /// The mission area.
    pub mission: MissionArea,
    /// The implementing agency (its funds holder receives the allocation).
    pub agency: Agency,
    /// The program kind asked of eligibility and used in the allocation key.
    pub program: ProgramKind,
    /// The amount requested.
    pub amount: Money,
    /// The ids of the international standards the request builds toward (empty, and
    /// absent from JSON, if none); read only when [`Priorities::standard_gap`] is set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub standards: Vec<String>,
}

/// The optional weight of requests that close a partner's gap against a standard.
///
/// A request closes a gap when it builds toward a standard (its
/// [`AllocationRequest::standards`]) that its partner is assessed, in `standing`, as only
/// partially meeting or not meeting on the allocation date, as known on `known_on`
/// (`None`: as known now). A partner never assessed against the standard has no gap on
/// record. Such a request's score is multiplied by `weight`; every other score is
/// unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardGap {
    /// The factor, like the other weights in 0 ..= [`Priorities::WEIGHT_MAX`] with at most
    /// [`Priorities::WEIGHT_SCALE_MAX`] decimals.
    pub weight: Decimal,
    /// The partners' standing against the standards.
    pub standing: Standing,
    /// The recording date the standing is read as of (`None`: everything recorded).
    #[serde(default)]
    pub known_on: Option<NaiveDate>,
}

/// The configurable weights, floor and ceilings of an allocation.
///
/// A request's score is its mission weight × its region weight (× the standards-gap weight
/// when [`Priorities::standard_gap`] is set and the request closes a gap). The region weight is the
/// weight of the partner's [`Region`], or the `trading_partner` weight if the partner is in
/// `trading_partners` and that weight is higher: the seed's "traditional trading partners"
/// are caller data (a list of countries), because no statute or group defines them. A
/// missing weight counts as zero. Weights lie in 0 ..= [`Priorities::WEIGHT_MAX`] with at
/// most [`Priorities::WEIGHT_SCALE_MAX`] decimals.
///
/// ```
/// use security_assistance::homeland::{MissionArea, Priorities};
/// use security_assistance::Region;
/// use rust_decimal::Decimal;
///
/// let p = Priorities::seed();
/// assert_eq!(p.mission[&MissionArea::AviationSecurity], Decimal::from(3));
/// assert_eq!(p.region[&Region::WesternHemisphere], Decimal::from(3));
/// assert_eq!(p.region[&Region::EuropeEurasia], Decimal::from(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Priorities {
    /// Weight by mission area.
    #[serde(deserialize_with = "crate::unique_keys::deserialize")]
    pub mission: BTreeMap<MissionArea, Decimal>,
    /// Weight by region.
    #[serde(deserialize_with = "crate::unique_keys::deserialize")]
    pub region: BTreeMap<Region, Decimal>,
    /// The traditional trading partners (caller data).
    pub trading_partners: BTreeSet<CountryCode>,
    /// The region weight of a traditional trading partner, if higher than its region's.
    pub trading_partner: Decimal,
    /// The amount each eligible request gets first, if the budget allows (at most the
    /// request).
    pub floor: Money,
    /// A ceiling on any single request of a partner (optional per partner).
    #[serde(deserialize_with = "crate::unique_keys::deserialize")]
    pub partner_ceiling: BTreeMap<CountryCode, Money>,
    /// The weight of requests that close a partner's gap against a standard; `None` (the
    /// default, and the seed's) leaves every score as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard_gap: Option<StandardGap>,
}

impl Priorities {
    /// The largest weight.
    pub const WEIGHT_MAX: Decimal = Decimal::from_parts(1000, 0, 0, false, 0);
    /// The most decimals a weight may have.
    pub const WEIGHT_SCALE_MAX: u32 = 4;

    /// The seed paper's priorities: aviation and maritime security 3, the other mission
    /// areas 2; the Western Hemisphere 3, Africa, the Near East, South and Central Asia and
    /// East Asia-Pacific (the "troubled areas" and South-East Asia) 2, Europe and Eurasia 1;
    /// traditional trading partners 3 (the list is empty: the caller fills it); no floor,
    /// no ceilings.
    #[must_use]
    pub fn seed() -> Priorities {
        let mission = MissionArea::ALL
            .into_iter()
            .map(|m| {
                let w = match m {
                    MissionArea::AviationSecurity | MissionArea::MaritimeSecurity => 3,
                    MissionArea::BorderControl
                    | MissionArea::InformationSecurity
                    | MissionArea::Counterterrorism
                    | MissionArea::DisasterResponse => 2,
                };
                (m, Decimal::from(w))
            })
            .collect();
        let region = Region::ALL
            .into_iter()
            .map(|r| {
                let w = match r {
                    Region::WesternHemisphere => 3,
                    Region::Africa
                    | Region::NearEast
                    | Region::SouthCentralAsia
                    | Region::EastAsiaPacific => 2,
                    Region::EuropeEurasia => 1,
                };
                (r, Decimal::from(w))
            })
            .collect();
        Priorities {
            mission,
            region,
            trading_partners: BTreeSet::new(),
            trading_partner: Decimal::from(3),
            floor: Money::ZERO,
            partner_ceiling: BTreeMap::new(),
            standard_gap: None,
        }
    }

    fn mission_weight(&self, mission: MissionArea) -> Decimal {
        self.mission.get(&mission).copied().unwrap_or(Decimal::ZERO)
    }

    fn region_weight(&self, partner: CountryCode) -> Decimal {
        let own = self
            .region
            .get(&partner.region())
            .copied()
            .unwrap_or(Decimal::ZERO);
        if self.trading_partners.contains(&partner) && self.trading_partner > own {
            self.trading_partner
        } else {
            own
        }
    }

    fn validate(&self) -> Result<u32, HomelandError> {
        let mut scale = 0;
        let weights = self
            .mission
            .iter()
            .map(|(m, w)| (m.code().to_owned(), *w))
            .chain(
                self.region
                    .iter()
                    .map(|(r, w)| (r.abbreviation().to_owned(), *w)),
            )
            .chain(std::iter::once((
                "trading partners".to_owned(),
                self.trading_partner,
            )))
            .chain(
                self.standard_gap
                    .iter()
                    .map(|g| ("the standards gap".to_owned(), g.weight)),
            );
        for (of, weight) in weights {
            let normal = weight.normalize();
            if weight.is_sign_negative() && !weight.is_zero()
                || weight > Priorities::WEIGHT_MAX
                || normal.scale() > Priorities::WEIGHT_SCALE_MAX
            {
                return Err(HomelandError::InvalidWeight {
                    of,
                    weight,
                    max: Priorities::WEIGHT_MAX,
                    scale: Priorities::WEIGHT_SCALE_MAX,
                });
            }
            scale = scale.max(normal.scale());
        }
        non_negative("the floor", self.floor)?;
        for (partner, ceiling) in &self.partner_ceiling {
            non_negative(&format!("the ceiling of {partner}"), *ceiling)?;
        }
        Ok(scale)
    }
}

fn non_negative(what: &str, amount: Money) -> Result<(), HomelandError> {
    if amount.is_negative() {
        return Err(HomelandError::NegativeAmount {
            what: what.to_owned(),
            amount,
        });
    }
    Ok(())
}

/// Which branch of the method decided the amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "snake_case", tag = "method")]
#[non_exhaustive]
pub enum AllocationMethod {
    /// The floors alone used up the budget: floors were given in descending score order.
    FloorsInPriorityOrder,
    /// A water level λ = `numerator` / `denominator` (cents per unit of integer weight)
    /// solved Σ clamp(λ·w, floor, cap) = budget exactly.
    WaterLevel {
        /// The numerator (cents).
        numerator: i128,
        /// The denominator (integer weight).
        denominator: i128,
    },
    /// The budget covers every cap: each request got its cap (or its floor at weight 0).
    EverythingCapped,
}

/// One request's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationLine {
    /// The request.
    pub request: AllocationRequest,
    /// Its score: mission weight × region weight.
    pub score: Decimal,
    /// The amount allocated.
    pub amount: Money,
    /// Why it got that amount.
    pub reason: String,
    /// The eligibility decision.
    pub decision: Decision,
}

/// The result of [`allocate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllocationResult {
    /// The budget divided.
    pub budget: Money,
    /// The branch that decided.
    pub method: AllocationMethod,
    /// One line per request, sorted by partner then request id.
    pub lines: Vec<AllocationLine>,
    /// The sum of the amounts.
    pub allocated: Money,
    /// What is left: cents lost to rounding down, or budget above every cap.
    pub unallocated: Money,
}

impl AllocationResult {
    /// The line of request `id`, if any.
    #[must_use]
    pub fn line(&self, id: &str) -> Option<&AllocationLine> {
        self.lines.iter().find(|l| l.request.id == id)
    }

    /// The ledger `Allocate` commands for every positive amount, under `account`, keyed
    /// (agency's funds holder, program, partner), with command ids `"{prefix}-{request id}"`.
    /// The caller applies them (the ledger asks eligibility again).
    ///
    /// # Errors
    ///
    /// [`HomelandError::Id`] if a composed command id is not a valid [`CommandId`].
    pub fn commands(
        &self,
        account: &AccountSymbol,
        date: NaiveDate,
        actor: &Actor,
        prefix: &str,
    ) -> Result<Vec<Command>, HomelandError> {
        let mut out = Vec::new();
        for line in self.lines.iter().filter(|l| l.amount.is_positive()) {
            let r = &line.request;
            let id = compose_id::<CommandId>(&format!("{prefix}-{}", r.id))?;
            out.push(Command::new(
                id,
                date,
                actor.clone(),
                Action::Allocate {
                    account: *account,
                    key: AllocationKey::new(r.agency.holder(), r.program, Some(r.partner)),
                    amount: line.amount,
                },
            ));
        }
        Ok(out)
    }
}

pub(super) fn compose_id<T>(text: &str) -> Result<T, HomelandError>
where
    T: std::str::FromStr<Err = crate::budget::IdError>,
{
    text.parse().map_err(|source| HomelandError::Id {
        id: text.to_owned(),
        source,
    })
}

struct Entry {
    request: AllocationRequest,
    score: Decimal,
    gap: Option<(String, Finding, Decimal)>,
    weight: i128,
    floor: i128,
    cap: i128,
    eligible: bool,
    decision: Decision,
}

fn cents(m: Money) -> Result<i128, HomelandError> {
    Ok(i128::from(m.to_cents()?))
}

fn money(c: i128) -> Result<Money, HomelandError> {
    i64::try_from(c)
        .map(Money::from_cents)
        .map_err(|_| HomelandError::Overflow)
}

fn int_weight(d: Decimal, scale: u32) -> Result<i128, HomelandError> {
    let d = d.normalize();
    let shift = scale
        .checked_sub(d.scale())
        .ok_or(HomelandError::Overflow)?;
    10_i128
        .checked_pow(shift)
        .and_then(|p| d.mantissa().checked_mul(p))
        .ok_or(HomelandError::Overflow)
}

fn mul(a: i128, b: i128) -> Result<i128, HomelandError> {
    a.checked_mul(b).ok_or(HomelandError::Overflow)
}

fn add(a: i128, b: i128) -> Result<i128, HomelandError> {
    a.checked_add(b).ok_or(HomelandError::Overflow)
}

/// `a/b < c/d` for positive denominators.
fn less(a: (i128, i128), c: (i128, i128)) -> Result<bool, HomelandError> {
    Ok(mul(a.0, c.1)? < mul(c.0, a.1)?)
}

/// Divides `budget` across `requests` by priority, as of `date`, deterministically.
///
/// The method:
///
/// 1. Requests are sorted by partner code then id, so their order never matters; ids must
///    be unique.
/// 2. Each request is put to `eligibility` (Homeland Security funds, its program, partner,
///    amount and id as the document). An ineligible request gets nothing, with the
///    decision's explanation as its reason.
/// 3. Score wᵢ = mission weight × region weight ([`Priorities`]), × the standards-gap
///    weight for a request that closes a partner's gap when [`Priorities::standard_gap`]
///    is set ([`StandardGap`]; its reason then says which standard and finding); the exact
///    decimals are made integers by one common power of ten. capᵢ = the request (or the partner's
///    ceiling, if lower); floorᵢ = min(priorities.floor, capᵢ).
/// 4. If the floors add up to the budget or more, floors are given in descending score
///    order (ties: partner code, then request id) until the budget runs out
///    ([`AllocationMethod::FloorsInPriorityOrder`]).
/// 5. Otherwise the exact water level λ is found (rational arithmetic on integer cents and
///    integer weights, in `i128`) with xᵢ = clamp(λ·wᵢ, floorᵢ, capᵢ) and Σ xᵢ = budget,
///    or every request is capped ([`AllocationMethod::EverythingCapped`]); each xᵢ is then
///    rounded down to the cent, and the cents left over stay unallocated and are reported.
///
/// The total never exceeds the budget, and raising a request's score (its mission or
/// region weight) never lowers its amount.
///
/// # Errors
///
/// [`HomelandError::NegativeAmount`] for a negative budget, request, floor or ceiling;
/// [`HomelandError::InvalidWeight`] for a weight outside 0 ..= 1000 or with more than four
/// decimals; [`HomelandError::DuplicateRequest`] for a repeated id;
/// [`HomelandError::Overflow`] if the exact arithmetic leaves 128 bits.
///
/// ```
/// use chrono::NaiveDate;
/// use security_assistance::eligibility::AllowAll;
/// use security_assistance::homeland::{allocate, Agency, AllocationRequest, MissionArea, Priorities};
/// use security_assistance::{Money, ProgramKind};
///
/// let request = |id: &str, partner: &str, mission| -> Result<AllocationRequest, Box<dyn std::error::Error>> {
///     Ok(AllocationRequest {
///         id: id.into(), partner: partner.parse()?, mission,
///         agency: Agency::CoastGuard, program: ProgramKind::Training,
///         amount: "1000000".parse()?, standards: Vec::new(),
///     })
/// };
/// let requests = vec![
///     request("a", "COL", MissionArea::MaritimeSecurity)?,    // 3 × 3 = 9
///     request("b", "FRA", MissionArea::DisasterResponse)?,    // 2 × 1 = 2
/// ];
/// let date = NaiveDate::from_ymd_opt(2008, 1, 15).ok_or("date")?;
/// let result = allocate("1100000".parse()?, date, &requests, &Priorities::seed(), &AllowAll)?;
/// assert_eq!(result.line("a").ok_or("a")?.amount, "900000".parse::<Money>()?);
/// assert_eq!(result.line("b").ok_or("b")?.amount, "200000".parse::<Money>()?);
/// assert_eq!(result.unallocated, Money::ZERO);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn allocate(
    budget: Money,
    date: NaiveDate,
    requests: &[AllocationRequest],
    priorities: &Priorities,
    eligibility: &dyn EligibilityCheck,
) -> Result<AllocationResult, HomelandError> {
    non_negative("the budget", budget)?;
    let scale = priorities.validate()?;
    let mut sorted: Vec<&AllocationRequest> = requests.iter().collect();
    sorted.sort_by(|a, b| (a.partner, &a.id).cmp(&(b.partner, &b.id)));
    let mut ids = BTreeSet::new();
    for r in &sorted {
        if !ids.insert(r.id.as_str()) {
            return Err(HomelandError::DuplicateRequest { id: r.id.clone() });
        }
        non_negative(&format!("request {}", r.id), r.amount)?;
    }
    let floor_all = cents(priorities.floor)?;
    let entries = sorted
        .into_iter()
        .map(|r| entry(r, date, priorities, scale, floor_all, eligibility))
        .collect::<Result<Vec<Entry>, HomelandError>>()?;
    let budget_cents = cents(budget)?;
    let mut floors_total: i128 = 0;
    for e in entries.iter().filter(|e| e.eligible) {
        floors_total = add(floors_total, e.floor)?;
    }
    let (method, amounts) = if floors_total >= budget_cents && floors_total > 0 {
        floors_in_order(&entries, budget_cents)?
    } else {
        water_fill(&entries, budget_cents)?
    };
    let mut lines = Vec::with_capacity(entries.len());
    let mut total: i128 = 0;
    for (e, (amount, reason)) in entries.into_iter().zip(amounts) {
        total = add(total, amount)?;
        lines.push(line(e, amount, reason)?);
    }
    let left = budget_cents
        .checked_sub(total)
        .ok_or(HomelandError::Overflow)?;
    Ok(AllocationResult {
        budget,
        method,
        lines,
        allocated: money(total)?,
        unallocated: money(left)?,
    })
}

/// A request's entry in the division: its eligibility decision, score, integer weight,
/// floor and cap (in cents).
fn entry(
    r: &AllocationRequest,
    date: NaiveDate,
    priorities: &Priorities,
    scale: u32,
    floor_all: i128,
    eligibility: &dyn EligibilityCheck,
) -> Result<Entry, HomelandError> {
    let mut question = EligibilityRequest::new(r.partner, r.program, date);
    question.department = Department::HomelandSecurity;
    question.amount = Some(r.amount);
    question.document = Some(r.id.clone());
    let decision = eligibility.decide(&question);
    let mw = priorities.mission_weight(r.mission);
    let rw = priorities.region_weight(r.partner);
    let mut score = mw.checked_mul(rw).ok_or(HomelandError::Overflow)?;
    let mut weight = mul(int_weight(mw, scale)?, int_weight(rw, scale)?)?;
    let mut gap = None;
    if let Some(g) = &priorities.standard_gap {
        gap = closed_gap(r, g, date).map(|(s, f)| (s, f, g.weight));
        let factor = gap.as_ref().map_or(Decimal::ONE, |(_, _, w)| *w);
        score = score.checked_mul(factor).ok_or(HomelandError::Overflow)?;
        weight = mul(weight, int_weight(factor, scale)?)?;
    }
    let mut cap = cents(r.amount)?;
    if let Some(ceiling) = priorities.partner_ceiling.get(&r.partner) {
        cap = cap.min(cents(*ceiling)?);
    }
    Ok(Entry {
        request: r.clone(),
        score,
        gap,
        weight,
        floor: floor_all.min(cap),
        cap,
        eligible: decision.outcome().allows(),
        decision,
    })
}

/// The result line of entry `e`, given `amount` (in cents) for `reason`.
fn line(e: Entry, amount: i128, mut reason: String) -> Result<AllocationLine, HomelandError> {
    if let Some((standard, finding, w)) = &e.gap
        && e.decision.outcome().allows()
    {
        reason = format!(
            "{reason}; its score includes the standards-gap weight {w}: it builds toward {standard}, which {} is assessed as {finding}",
            e.request.partner
        );
    }
    Ok(AllocationLine {
        score: e.score,
        amount: money(amount)?,
        reason,
        request: e.request,
        decision: e.decision,
    })
}

/// The first standard (in the request's order) that the request builds toward and its
/// partner is assessed as not fully meeting on `date`.
fn closed_gap(
    r: &AllocationRequest,
    gap: &StandardGap,
    date: NaiveDate,
) -> Option<(String, Finding)> {
    r.standards.iter().find_map(|s| {
        gap.standing
            .finding(r.partner, s, date, gap.known_on)
            .filter(|f| f.is_gap())
            .map(|f| (s.clone(), f))
    })
}

fn ineligible_reason(e: &Entry) -> String {
    format!("nothing: {}", e.decision.explanation())
}

type Amounts = Vec<(i128, String)>;

fn floors_in_order(
    entries: &[Entry],
    budget: i128,
) -> Result<(AllocationMethod, Amounts), HomelandError> {
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| entries.get(i).is_some_and(|e| e.eligible))
        .collect();
    order.sort_by(|&a, &b| match (entries.get(a), entries.get(b)) {
        (Some(x), Some(y)) => y
            .score
            .cmp(&x.score)
            .then_with(|| x.request.partner.cmp(&y.request.partner))
            .then_with(|| x.request.id.cmp(&y.request.id)),
        _ => std::cmp::Ordering::Equal,
    });
    let mut out: Amounts = entries.iter().map(|e| (0, ineligible_reason(e))).collect();
    let mut left = budget;
    for (rank, i) in order.into_iter().enumerate() {
        let (Some(e), Some(slot)) = (entries.get(i), out.get_mut(i)) else {
            continue;
        };
        let give = e.floor.min(left);
        left = left.checked_sub(give).ok_or(HomelandError::Overflow)?;
        let place = rank.saturating_add(1);
        let reason = if give == e.floor {
            format!(
                "the floor of {} (score {}, rank {place}): the floors alone exceed the budget",
                money(give)?,
                e.score
            )
        } else if give > 0 {
            format!(
                "the last {} of the budget, short of the floor of {} (score {}, rank {place})",
                money(give)?,
                money(e.floor)?,
                e.score
            )
        } else {
            format!(
                "nothing: the budget ran out before rank {place} (score {})",
                e.score
            )
        };
        *slot = (give, reason);
    }
    Ok((AllocationMethod::FloorsInPriorityOrder, out))
}

/// Σ clamp(λ·w, floor, cap) at λ = p/q compared with the budget: `true` if it reaches it.
fn reaches(entries: &[Entry], lambda: (i128, i128), budget: i128) -> Result<bool, HomelandError> {
    let (p, q) = lambda;
    let mut fixed: i128 = 0;
    let mut free: i128 = 0;
    for e in entries.iter().filter(|e| e.eligible) {
        let level = mul(p, e.weight)?;
        if e.weight == 0 || level <= mul(e.floor, q)? {
            fixed = add(fixed, e.floor)?;
        } else if level >= mul(e.cap, q)? {
            fixed = add(fixed, e.cap)?;
        } else {
            free = add(free, e.weight)?;
        }
    }
    Ok(add(mul(fixed, q)?, mul(p, free)?)? >= mul(budget, q)?)
}

fn water_fill(
    entries: &[Entry],
    budget: i128,
) -> Result<(AllocationMethod, Amounts), HomelandError> {
    let mut breakpoints = Vec::new();
    for e in entries.iter().filter(|e| e.eligible && e.weight > 0) {
        breakpoints.push((e.floor, e.weight));
        breakpoints.push((e.cap, e.weight));
    }
    // The smallest breakpoint at which the sum reaches the budget.
    let mut found: Option<(i128, i128)> = None;
    for &bp in &breakpoints {
        if reaches(entries, bp, budget)? {
            found = match found {
                Some(best) if !less(bp, best)? => Some(best),
                _ => Some(bp),
            };
        }
    }
    let mut out: Amounts = entries.iter().map(|e| (0, ineligible_reason(e))).collect();
    let Some(upper) = found else {
        for (e, slot) in entries.iter().zip(out.iter_mut()) {
            if e.eligible {
                *slot = if e.weight == 0 {
                    (
                        e.floor,
                        format!("the floor of {} at score 0", money(e.floor)?),
                    )
                } else {
                    (e.cap, cap_reason(e)?)
                };
            }
        }
        return Ok((AllocationMethod::EverythingCapped, out));
    };
    // The largest breakpoint below it (or zero).
    let mut lower = (0_i128, 1_i128);
    for &bp in &breakpoints {
        if less(bp, upper)? && less(lower, bp)? {
            lower = bp;
        }
    }
    let (states, fixed, free_weight) = states(entries, lower, upper)?;
    let numerator = budget.checked_sub(fixed).ok_or(HomelandError::Overflow)?;
    let denominator = free_weight.max(1);
    for ((e, state), slot) in entries.iter().zip(states).zip(out.iter_mut()) {
        if e.eligible {
            *slot = water_amount(e, state, numerator, denominator)?;
        }
    }
    Ok((
        AllocationMethod::WaterLevel {
            numerator,
            denominator,
        },
        out,
    ))
}

/// Where a request stands on the water level's interval (lower, upper].
#[derive(Clone, Copy)]
enum State {
    Capped,
    Floored,
    Free,
}

/// Each request's state on (`lower`, `upper`], the sum of the fixed amounts (floors and
/// caps) and the weight of the free requests.
fn states(
    entries: &[Entry],
    lower: (i128, i128),
    upper: (i128, i128),
) -> Result<(Vec<State>, i128, i128), HomelandError> {
    let mut states = Vec::with_capacity(entries.len());
    let mut fixed: i128 = 0;
    let mut free_weight: i128 = 0;
    for e in entries {
        let state = if !e.eligible {
            State::Floored
        } else if e.weight == 0 {
            fixed = add(fixed, e.floor)?;
            State::Floored
        } else if mul(e.cap, lower.1)? <= mul(lower.0, e.weight)? {
            fixed = add(fixed, e.cap)?;
            State::Capped
        } else if mul(e.floor, upper.1)? >= mul(upper.0, e.weight)? {
            fixed = add(fixed, e.floor)?;
            State::Floored
        } else {
            free_weight = add(free_weight, e.weight)?;
            State::Free
        };
        states.push(state);
    }
    Ok((states, fixed, free_weight))
}

/// An eligible request's amount and reason at the water level `numerator / denominator`.
fn water_amount(
    e: &Entry,
    state: State,
    numerator: i128,
    denominator: i128,
) -> Result<(i128, String), HomelandError> {
    Ok(match state {
        State::Capped => (e.cap, cap_reason(e)?),
        State::Floored => (
            e.floor,
            format!(
                "the floor of {}: score {} is below the water level",
                money(e.floor)?,
                e.score
            ),
        ),
        State::Free => {
            let exact = mul(numerator, e.weight)?;
            let amount = exact
                .checked_div_euclid(denominator)
                .ok_or(HomelandError::Overflow)?;
            (
                amount,
                format!(
                    "score {} × the water level, {} rounded down to the cent",
                    e.score,
                    money(amount)?
                ),
            )
        }
    })
}

fn cap_reason(e: &Entry) -> Result<String, HomelandError> {
    let requested = cents(e.request.amount)?;
    Ok(if e.cap < requested {
        format!(
            "capped at the partner ceiling of {} (score {})",
            money(e.cap)?,
            e.score
        )
    } else {
        format!("the full request of {} (score {})", money(e.cap)?, e.score)
    })
}

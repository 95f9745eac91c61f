//! The ledger against a deliberately naive reference model (STYLE.md habit 14).
//!
//! Random command sequences over a small universe (four accounts, two funds holders, three
//! programs, three partners including none, six documents) are applied both to a
//! [`Ledger`] and to [`Model`], which keeps plain `BTreeMap`s of amounts in cents and
//! re-derives every total by summing. The model implements the rules from the
//! documentation of `Ledger`, `Action` and `BudgetError` and from DOMAIN.md §1 and §10
//! rules 3–13 directly; it never calls the crate to decide anything.
//!
//! After every command the test compares acceptance, the refusal (precedence, variant,
//! and for amounts the level, requested and available figures), the status of funds, and
//! the trial balance; it checks DESIGN.md invariants 1–4 and 6–8 on the ledger itself; at
//! the end it compares as-of queries on both clocks and the SF-133 identities.
//!
//! Generation is state-aware in the way of TigerBeetle's `state_machine_fuzz.zig`: each
//! operation is a handful of random numbers interpreted against the model, so amounts hit
//! the edges the model computes (zero, one cent, the exact limit, the limit plus one cent)
//! and dates cluster around period ends, expiry and cancellation.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, BudgetError, Command, CommandId,
    Dimension, DocumentId, Funding, FundsHolder, Instrument, Journal, Ledger, Level,
    SF133_LINE_OBLIGATIONS_CANCELLED, ShapeError, StatusKey, StatusQuery, StatusRow, Ussgl,
};
use security_assistance::eligibility::{
    Decision, EligibilityCheck, EligibilityRequest, Finding, FindingOutcome, Outcome, RuleId,
    WaiverStatus,
};
use security_assistance::{
    AccountStatus, Citation, CountryCode, FiscalYear, Money, ProgramKind, Rate,
};

type Cents = i64;

// ---------------------------------------------------------------------------------------
// The universe
// ---------------------------------------------------------------------------------------

/// An account of the universe, with its period written out for the model's own calendar.
struct Spec {
    symbol: &'static str,
    first: i32,
    last: i32,
    purposes: &'static [ProgramKind],
}

const SPECS: [Spec; 4] = [
    Spec {
        symbol: "011-2008-1081",
        first: 2008,
        last: 2008,
        purposes: &[ProgramKind::Training, ProgramKind::Financing],
    },
    Spec {
        symbol: "011-2008/2009-1082",
        first: 2008,
        last: 2009,
        purposes: &[ProgramKind::Financing, ProgramKind::Sales],
    },
    Spec {
        symbol: "011-2010-1081",
        first: 2010,
        last: 2010,
        purposes: &[
            ProgramKind::Training,
            ProgramKind::Financing,
            ProgramKind::Sales,
        ],
    },
    // A current account for charges from the cancelled ones (2013-10-01 … 2015-09-30).
    Spec {
        symbol: "011-2014/2015-1083",
        first: 2014,
        last: 2015,
        purposes: &[ProgramKind::Training, ProgramKind::Financing],
    },
];

const PROGRAMS: [ProgramKind; 3] = [
    ProgramKind::Training,
    ProgramKind::Financing,
    ProgramKind::Sales,
];

const INSTRUMENTS: [Instrument; 4] = [
    Instrument::GrantAgreement,
    Instrument::Enrollment,
    Instrument::SalesCase,
    Instrument::Loan,
];

/// Dates around the edges: fiscal-year ends, expiry of FY2008, FY2008/2009 and FY2010
/// money, and cancellation of FY2008 (2013-10-01) and FY2008/2009 (2014-10-01) money.
const KEY_DATES: [(i32, u32, u32); 19] = [
    (2007, 9, 30),
    (2007, 10, 1),
    (2007, 11, 16),
    (2008, 1, 2),
    (2008, 4, 1),
    (2008, 9, 30),
    (2008, 10, 1),
    (2009, 3, 2),
    (2009, 9, 30),
    (2009, 10, 1),
    (2010, 9, 30),
    (2010, 10, 1),
    (2013, 9, 30),
    (2013, 10, 1),
    (2014, 3, 3),
    (2014, 9, 30),
    (2014, 10, 1),
    (2015, 9, 30),
    (2015, 10, 1),
];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn key_date(i: usize) -> NaiveDate {
    let (y, m, d) = KEY_DATES[i.min(KEY_DATES.len() - 1)];
    day(y, m, d)
}

/// The fiscal year of a date, by DOMAIN.md §10 rule 1.
fn fy_of(date: NaiveDate) -> i32 {
    if date.month() >= 10 {
        date.year() + 1
    } else {
        date.year()
    }
}

/// An account's status on a date, by DOMAIN.md §1.4 and §10 rules 3–5: unexpired through
/// 30 September of its last year, expired through 30 September of the fifth fiscal year
/// after, cancelled from the next day.
fn model_status(spec: &Spec, date: NaiveDate) -> AccountStatus {
    if date < day(spec.first - 1, 10, 1) {
        AccountStatus::NotYetAvailable
    } else if date <= day(spec.last, 9, 30) {
        AccountStatus::Unexpired
    } else if date <= day(spec.last + 5, 9, 30) {
        AccountStatus::Expired
    } else {
        AccountStatus::Cancelled
    }
}

fn spec_index(symbol: &AccountSymbol) -> usize {
    let text = symbol.to_string();
    SPECS
        .iter()
        .position(|s| s.symbol == text)
        .unwrap_or_else(|| panic!("{text} is not in the universe"))
}

struct Universe {
    accounts: Vec<AccountSymbol>,
    holders: Vec<FundsHolder>,
    partners: Vec<Option<CountryCode>>,
    docs: Vec<DocumentId>,
    actor: Actor,
}

impl Universe {
    fn new() -> Universe {
        Universe {
            accounts: SPECS.iter().map(|s| s.symbol.parse().unwrap()).collect(),
            holders: vec!["DSCA".parse().unwrap(), "DOS".parse().unwrap()],
            partners: vec![Some(jor()), Some(col()), None],
            docs: (1..=6).map(|i| format!("D{i}").parse().unwrap()).collect(),
            actor: "budget-office".parse().unwrap(),
        }
    }
}

fn jor() -> CountryCode {
    "JOR".parse().unwrap()
}

fn col() -> CountryCode {
    "COL".parse().unwrap()
}

// ---------------------------------------------------------------------------------------
// The eligibility gate used by both sides
// ---------------------------------------------------------------------------------------

/// COL may never receive sales, nor financing from FY2010 on; everything else is allowed.
/// The same holds for expenditures (disbursements on earlier obligations).
fn eligible(partner: CountryCode, program: ProgramKind, date: NaiveDate) -> bool {
    !(partner == col()
        && (program == ProgramKind::Sales
            || (program == ProgramKind::Financing && date >= day(2009, 10, 1))))
}

#[derive(Debug)]
struct TestGate;

impl EligibilityCheck for TestGate {
    fn decide(&self, request: &EligibilityRequest) -> Decision {
        let allowed = eligible(request.partner, request.program, request.date);
        let finding = Finding {
            rule: RuleId::new("test-col"),
            title: "no sales to COL, no financing from FY2010".into(),
            citation: Citation::new("Test Act", "1"),
            outcome: if allowed {
                FindingOutcome::Allows
            } else {
                FindingOutcome::Prohibits
            },
            facts: Vec::new(),
            waiver: WaiverStatus::NotNeeded,
        };
        Decision::new(request.clone(), "test-gate", vec![finding])
    }
}

// ---------------------------------------------------------------------------------------
// The naive model
// ---------------------------------------------------------------------------------------

/// The refusal the model predicts; compared with [`BudgetError`] by [`matches`].
#[derive(Debug, Clone, PartialEq)]
enum MErr {
    Conflict(String),
    RecordedOutOfOrder,
    Shape(&'static str),
    UnknownAccount(AccountSymbol),
    AccountExists(AccountSymbol),
    UnknownAllotment(FundsHolder),
    UnknownAllocation(AllocationKey),
    UnknownCommitment(DocumentId),
    UnknownObligation(DocumentId),
    UnknownCollection(DocumentId),
    DocumentExists(DocumentId),
    ApportionmentMixed(&'static str),
    NotAvailable(AccountSymbol, AccountStatus),
    BeforeEnactment,
    Purpose(ProgramKind),
    Exceeds(Level, Cents, Cents),
    Ineligible,
    BreaksLater(CommandId, Box<MErr>),
}

impl MErr {
    /// The variant's name, and the level for amounts.
    fn label(&self) -> String {
        match self {
            MErr::Exceeds(level, ..) => format!("Exceeds({level:?})"),
            MErr::BreaksLater(_, source) => format!("BreaksLater({})", source.label()),
            other => format!("{other:?}")
                .split(['(', ' '])
                .next()
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn precedence(&self) -> u8 {
        match self {
            MErr::Conflict(_) | MErr::RecordedOutOfOrder => 1,
            MErr::Shape(_) => 2,
            MErr::UnknownAccount(_)
            | MErr::AccountExists(_)
            | MErr::UnknownAllotment(_)
            | MErr::UnknownAllocation(_)
            | MErr::UnknownCommitment(_)
            | MErr::UnknownObligation(_)
            | MErr::UnknownCollection(_)
            | MErr::DocumentExists(_)
            | MErr::ApportionmentMixed(_) => 3,
            MErr::NotAvailable(..) | MErr::BeforeEnactment => 4,
            MErr::Purpose(_) => 5,
            MErr::Exceeds(..) => 6,
            MErr::Ineligible => 7,
            MErr::BreaksLater(_, source) => source.precedence(),
        }
    }
}

fn shape_kind(problem: &ShapeError) -> &'static str {
    match problem {
        ShapeError::NotPositive { .. } => "not_positive",
        ShapeError::Zero => "zero",
        ShapeError::NoPurposes => "no_purposes",
        ShapeError::EmptyText { .. } => "empty_text",
        ShapeError::SameSourceAndDestination => "same",
        ShapeError::DifferentHolders => "different_holders",
        ShapeError::DateOutOfRange { .. } => "date",
        ShapeError::ResolutionOutsideYear { .. } => "resolution",
        ShapeError::EarnedAfterCollection { .. } => "earned_after",
        _ => "other",
    }
}

fn cents(m: Money) -> Cents {
    m.to_cents().unwrap()
}

fn money(c: Cents) -> Money {
    Money::from_cents(c)
}

/// Whether the ledger's refusal is the one the model predicted.
fn matches(actual: &BudgetError, predicted: &MErr) -> bool {
    if actual.precedence() != predicted.precedence() {
        return false;
    }
    match (actual, predicted) {
        (BudgetError::CommandConflict { field, .. }, MErr::Conflict(f)) => field == f,
        (BudgetError::RecordedOutOfOrder { .. }, MErr::RecordedOutOfOrder) => true,
        (BudgetError::Shape { problem, .. }, MErr::Shape(kind)) => shape_kind(problem) == *kind,
        (BudgetError::UnknownAccount { account }, MErr::UnknownAccount(a)) => account == a,
        (BudgetError::AccountExists { account, .. }, MErr::AccountExists(a)) => account == a,
        (BudgetError::UnknownAllotment { holder, .. }, MErr::UnknownAllotment(h)) => holder == h,
        (BudgetError::UnknownAllocation { key, .. }, MErr::UnknownAllocation(k)) => key == k,
        (BudgetError::UnknownCommitment { document, .. }, MErr::UnknownCommitment(d))
        | (BudgetError::UnknownObligation { document, .. }, MErr::UnknownObligation(d))
        | (BudgetError::UnknownCollection { document, .. }, MErr::UnknownCollection(d))
        | (BudgetError::DocumentExists { document, .. }, MErr::DocumentExists(d)) => document == d,
        (BudgetError::ApportionmentMixed { existing, .. }, MErr::ApportionmentMixed(e)) => {
            existing == e
        }
        (
            BudgetError::NotAvailable {
                account, status, ..
            },
            MErr::NotAvailable(a, s),
        ) => account == a && status == s,
        (BudgetError::BeforeEnactment { .. }, MErr::BeforeEnactment) => true,
        (BudgetError::Purpose { program, .. }, MErr::Purpose(p)) => program == p,
        (
            BudgetError::Exceeds {
                level,
                requested,
                available,
                ..
            },
            MErr::Exceeds(l, r, a),
        ) => level == l && cents(*requested) == *r && cents(*available) == *a,
        (BudgetError::Ineligible { decision }, MErr::Ineligible) => {
            decision.outcome() == Outcome::Ineligible
        }
        (BudgetError::BreaksLaterEntry { later, source }, MErr::BreaksLater(id, inner)) => {
            later == id && matches(source, inner)
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
struct MObligation {
    key: AllocationKey,
    instrument: Instrument,
    fiscal_year: i32,
    obligated: Cents,
    disbursed: Cents,
    /// Charged directly to the allotment (`Funding::Allotment`): its allocation follows
    /// what is obligated, and adjustments draw on or return to the allotment.
    direct: bool,
}

/// One account, as plain maps of cents; every total is a sum computed on demand.
#[derive(Debug, Clone)]
struct MAccount {
    spec: usize,
    purposes: BTreeSet<ProgramKind>,
    enacted: NaiveDate,
    full_year: bool,
    appropriated: Cents,
    resolution: Option<Cents>,
    transfers_in: Cents,
    transfers_out: Cents,
    rescinded: Cents,
    charged_to_current: Cents,
    /// Of a cancelled account: each document's charges to current accounts since closing.
    charged_after_closing: BTreeMap<DocumentId, Cents>,
    /// Offsetting collections, by collection document.
    collections: BTreeMap<DocumentId, Cents>,
    period_lines: BTreeMap<NaiveDate, Cents>,
    program_lines: BTreeMap<ProgramKind, Cents>,
    allotted: BTreeMap<FundsHolder, Cents>,
    allocated: BTreeMap<AllocationKey, Cents>,
    commitments: BTreeMap<DocumentId, (AllocationKey, Cents)>,
    obligations: BTreeMap<DocumentId, MObligation>,
    recoveries: BTreeMap<AllocationKey, Cents>,
    upward_prior: Cents,
}

impl MAccount {
    fn new(spec: usize, purposes: BTreeSet<ProgramKind>, enacted: NaiveDate) -> MAccount {
        MAccount {
            spec,
            purposes,
            enacted,
            full_year: false,
            appropriated: 0,
            resolution: None,
            transfers_in: 0,
            transfers_out: 0,
            rescinded: 0,
            charged_to_current: 0,
            charged_after_closing: BTreeMap::new(),
            collections: BTreeMap::new(),
            period_lines: BTreeMap::new(),
            program_lines: BTreeMap::new(),
            allotted: BTreeMap::new(),
            allocated: BTreeMap::new(),
            commitments: BTreeMap::new(),
            obligations: BTreeMap::new(),
            recoveries: BTreeMap::new(),
            upward_prior: 0,
        }
    }

    fn spec(&self) -> &'static Spec {
        &SPECS[self.spec]
    }

    /// Full-year appropriations once enacted, the resolution's amount until then.
    fn base(&self) -> Cents {
        if self.full_year {
            self.appropriated
        } else {
            self.resolution.unwrap_or(0)
        }
    }

    fn authority(&self) -> Cents {
        self.base() + self.transfers_in + self.collected() - self.transfers_out - self.rescinded
    }

    fn collected(&self) -> Cents {
        self.collections.values().sum()
    }

    fn apportioned(&self) -> Cents {
        self.period_lines.values().sum::<Cents>() + self.program_lines.values().sum::<Cents>()
    }

    /// Category A lines count from their first day.
    fn apportioned_on(&self, date: NaiveDate) -> Cents {
        if self.period_lines.is_empty() {
            self.apportioned()
        } else {
            self.period_lines.range(..=date).map(|(_, v)| *v).sum()
        }
    }

    fn unapportioned(&self) -> Cents {
        self.authority() - self.apportioned()
    }

    fn allotted_total(&self) -> Cents {
        self.allotted.values().sum()
    }

    fn allocated_to_holder(&self, holder: &FundsHolder) -> Cents {
        self.allocated
            .iter()
            .filter(|(k, _)| &k.holder == holder)
            .map(|(_, v)| *v)
            .sum()
    }

    fn allocated_to_program(&self, program: ProgramKind) -> Cents {
        self.allocated
            .iter()
            .filter(|(k, _)| k.program == program)
            .map(|(_, v)| *v)
            .sum()
    }

    fn committed(&self, key: &AllocationKey) -> Cents {
        self.commitments
            .values()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| *v)
            .sum()
    }

    fn obligated(&self, key: &AllocationKey) -> Cents {
        self.obligations
            .values()
            .filter(|o| &o.key == key)
            .map(|o| o.obligated)
            .sum()
    }

    fn disbursed(&self, key: &AllocationKey) -> Cents {
        self.obligations
            .values()
            .filter(|o| &o.key == key)
            .map(|o| o.disbursed)
            .sum()
    }

    /// Allocated, neither committed nor obligated.
    fn free(&self, key: &AllocationKey) -> Cents {
        self.allocated.get(key).copied().unwrap_or(0) - self.committed(key) - self.obligated(key)
    }

    fn holder_free(&self, holder: &FundsHolder) -> Cents {
        self.allotted.get(holder).copied().unwrap_or(0) - self.allocated_to_holder(holder)
    }

    /// What a Category B line still allows for allocations to its program.
    fn program_room(&self, program: ProgramKind) -> Cents {
        self.program_lines.get(&program).copied().unwrap_or(0) - self.allocated_to_program(program)
    }

    fn committed_total(&self) -> Cents {
        self.commitments.values().map(|(_, v)| *v).sum()
    }

    fn obligated_total(&self) -> Cents {
        self.obligations.values().map(|o| o.obligated).sum()
    }

    fn disbursed_total(&self) -> Cents {
        self.obligations.values().map(|o| o.disbursed).sum()
    }

    fn recoveries_total(&self) -> Cents {
        self.recoveries.values().sum()
    }

    /// Room to withdraw from an apportionment line: the line itself, what is not yet
    /// allotted, and for Category B what is not yet allocated to the program; for Category
    /// A, also what stays apportioned to date (from the later of the command's date and
    /// the line's first day) must still cover the allotments.
    fn withdrawal_room(&self, category: Apportionment, date: NaiveDate) -> Cents {
        let allotted = self.allotted_total();
        match category {
            Apportionment::ByPeriod { from } => {
                let line = self.period_lines.get(&from).copied().unwrap_or(0);
                line.min(self.apportioned() - allotted)
                    .min(self.apportioned_on(date.max(from)) - allotted)
            }
            Apportionment::ByProgram { program } => {
                let line = self.program_lines.get(&program).copied().unwrap_or(0);
                line.min(self.apportioned() - allotted)
                    .min(self.program_room(program))
            }
            _ => unreachable!(),
        }
    }

    /// 1 percent of the account's appropriations, rounded down, less what was charged.
    fn charge_room(&self) -> Cents {
        self.base() / 100 - self.charged_to_current
    }

    /// 1553(b)(1), "in amount": of this cancelled account, what `document` may still have
    /// charged to current accounts — what it owed when the account closed, less what was
    /// charged for it, plus the unobligated balance not yet taken by the upward adjustments
    /// (charges beyond what was owed) of all its documents.
    fn closed_room(&self, document: &DocumentId) -> Cents {
        let owed = |d: &DocumentId| {
            self.obligations
                .get(d)
                .map_or(0, |o| (o.obligated - o.disbursed).max(0))
        };
        let before = self
            .charged_after_closing
            .get(document)
            .copied()
            .unwrap_or(0);
        let adjustments: Cents = self
            .charged_after_closing
            .iter()
            .map(|(d, c)| (c - owed(d)).max(0))
            .sum();
        let unobligated = (self.authority() - self.obligated_total()).max(0);
        (owed(document) - before).max(0) + (unobligated - adjustments).max(0)
    }

    /// Every USSGL balance the chart should hold, derived from the totals (DOMAIN.md
    /// §1.11): debit minus credit.
    fn expected_chart(&self) -> BTreeMap<u16, Cents> {
        let authority = self.authority();
        let apportioned = self.apportioned();
        let allotted = self.allotted_total();
        let committed = self.committed_total();
        let obligated = self.obligated_total();
        let disbursed = self.disbursed_total();
        let recoveries = self.recoveries_total();
        BTreeMap::from([
            (4119, self.base()),
            (4170, self.transfers_in - self.transfers_out),
            (4252, self.collected()),
            // Canceled Authority: posted only in a cancelled account's closing trial
            // balance (`Cancellation::trial_balance`), never in the ledger's chart.
            (4350, 0),
            (4392, -self.rescinded),
            (4450, -(authority - apportioned)),
            (4510, -(apportioned - allotted)),
            (
                4610,
                -(allotted - committed - obligated) + recoveries - self.upward_prior,
            ),
            (4700, -committed),
            (4801, -(obligated - disbursed)),
            (4871, -recoveries),
            (4881, self.upward_prior),
            (4902, -disbursed),
        ])
    }
}

#[derive(Debug, Clone)]
struct Accepted {
    sequence: u64,
    command: Command,
    gated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Predicted {
    sequence: u64,
    duplicate: bool,
    gated: bool,
}

#[derive(Debug, Clone, Default)]
struct Model {
    accounts: BTreeMap<AccountSymbol, MAccount>,
    accepted: Vec<Accepted>,
}

/// An action's type and fields in the order serde writes them (`type` first, then the
/// fields in declaration order), each value as JSON text. Read from the action's own JSON,
/// so this oracle names no variant and no field.
fn action_fields(action: &Action) -> Vec<(String, String)> {
    struct Fields;
    impl<'de> serde::de::Visitor<'de> for Fields {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an action as a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut fields = Vec::new();
            while let Some((key, value)) = map.next_entry::<String, serde_json::Value>()? {
                fields.push((key, value.to_string()));
            }
            Ok(fields)
        }
    }
    let json = serde_json::to_string(action).unwrap();
    let mut reader = serde_json::Deserializer::from_str(&json);
    serde::Deserializer::deserialize_map(&mut reader, Fields).unwrap()
}

/// The first differing field, in the order the `CommandConflict` documentation gives.
fn naive_first_difference(a: &Command, b: &Command) -> Option<String> {
    if a.id != b.id {
        return Some("id".into());
    }
    if a.date != b.date {
        return Some("date".into());
    }
    if a.recorded != b.recorded {
        return Some("recorded".into());
    }
    if a.actor != b.actor {
        return Some("actor".into());
    }
    let (left, right) = (action_fields(&a.action), action_fields(&b.action));
    assert_eq!(left.first().map(|f| f.0.as_str()), Some("type"));
    if left.first() != right.first() {
        return Some("action.type".into());
    }
    left.into_iter()
        .zip(right)
        .find(|(x, y)| x.1 != y.1)
        .map(|(x, _)| format!("action.{}", x.0))
}

fn half_even(numerator: i128, denominator: i128) -> Cents {
    let q = numerator / denominator;
    let r = numerator % denominator;
    let up = 2 * r > denominator || (2 * r == denominator && q % 2 == 1);
    i64::try_from(q + i128::from(up)).unwrap()
}

/// DOMAIN.md §1.9 and §10 rule 14: the annual rate × the lower of days covered / days in
/// the year and the seasonal percentage, rounded once, half to even.
fn model_cr_amount(rate: Cents, through: NaiveDate, fy: i32, seasonal: Option<Rate>) -> Cents {
    let first = day(fy - 1, 10, 1);
    let days = i128::from((through - first).num_days() + 1);
    let year_days = i128::from((day(fy, 9, 30) - first).num_days() + 1);
    let (mut num, mut den) = (days, year_days);
    if let Some(rate) = seasonal {
        // The percentage as an exact fraction: mantissa / 10^scale / 100.
        let p = rate.percent();
        let (pn, pd) = (p.mantissa(), 10_i128.pow(p.scale()) * 100);
        if pn * year_days < days * pd {
            (num, den) = (pn, pd);
        }
    }
    half_even(i128::from(rate) * num, den)
}

fn normalized(purposes: &[ProgramKind]) -> BTreeSet<ProgramKind> {
    purposes.iter().copied().collect()
}

fn account<'a>(
    accounts: &'a mut BTreeMap<AccountSymbol, MAccount>,
    symbol: &AccountSymbol,
) -> Result<&'a mut MAccount, MErr> {
    accounts
        .get_mut(symbol)
        .ok_or(MErr::UnknownAccount(*symbol))
}

fn before_enactment(a: &MAccount, date: NaiveDate) -> Result<(), MErr> {
    if date < a.enacted {
        Err(MErr::BeforeEnactment)
    } else {
        Ok(())
    }
}

/// Distribution, withdrawal, decommitment and rescission: from enactment until cancelled.
fn time_distributable(a: &MAccount, s: &AccountSymbol, date: NaiveDate) -> Result<(), MErr> {
    before_enactment(a, date)?;
    match model_status(a.spec(), date) {
        AccountStatus::Cancelled => Err(MErr::NotAvailable(*s, AccountStatus::Cancelled)),
        _ => Ok(()),
    }
}

/// New obligations and commitments, transfers, reprogrammings: only while unexpired.
fn time_new_use(a: &MAccount, s: &AccountSymbol, date: NaiveDate) -> Result<(), MErr> {
    before_enactment(a, date)?;
    match model_status(a.spec(), date) {
        AccountStatus::Unexpired => Ok(()),
        status => Err(MErr::NotAvailable(*s, status)),
    }
}

/// Adjustments of and payments on existing obligations: unexpired or expired.
fn time_adjustable(a: &MAccount, s: &AccountSymbol, date: NaiveDate) -> Result<(), MErr> {
    before_enactment(a, date)?;
    match model_status(a.spec(), date) {
        AccountStatus::Unexpired | AccountStatus::Expired => Ok(()),
        status => Err(MErr::NotAvailable(*s, status)),
    }
}

/// An appropriation may be enacted before or during its period, not after.
fn time_enactable(s: &AccountSymbol, date: NaiveDate) -> Result<(), MErr> {
    match model_status(&SPECS[spec_index(s)], date) {
        status @ (AccountStatus::Expired | AccountStatus::Cancelled) => {
            Err(MErr::NotAvailable(*s, status))
        }
        _ => Ok(()),
    }
}

fn purpose(a: &MAccount, program: ProgramKind) -> Result<(), MErr> {
    if a.purposes.contains(&program) {
        Ok(())
    } else {
        Err(MErr::Purpose(program))
    }
}

fn exceeds(level: Level, requested: Cents, available: Cents) -> MErr {
    MErr::Exceeds(level, requested, available.max(0))
}

/// An obligation charged directly to the allotment: the program's Category B apportionment
/// (the higher level) and the holder's unallocated allotment must both cover it.
fn draw_on_allotment(a: &MAccount, key: &AllocationKey, amount: Cents) -> Result<(), MErr> {
    if !a.program_lines.is_empty() && amount > a.program_room(key.program) {
        return Err(exceeds(
            Level::Apportionment,
            amount,
            a.program_room(key.program),
        ));
    }
    if amount > a.holder_free(&key.holder) {
        return Err(exceeds(
            Level::Allotment,
            amount,
            a.holder_free(&key.holder),
        ));
    }
    Ok(())
}

/// The eligibility gate: only entries for a partner ask, and a replayed entry keeps its
/// stored decision (`live == false`).
fn gate(live: bool, key: &AllocationKey, date: NaiveDate) -> Result<bool, MErr> {
    match key.partner {
        None => Ok(false),
        Some(p) if live && !eligible(p, key.program, date) => Err(MErr::Ineligible),
        Some(_) => Ok(true),
    }
}

fn model_shape(action: &Action, date: NaiveDate) -> Result<(), MErr> {
    let positive = |m: &Money| {
        if cents(*m) > 0 {
            Ok(())
        } else {
            Err(MErr::Shape("not_positive"))
        }
    };
    let nonzero = |m: &Money| {
        if cents(*m) == 0 {
            Err(MErr::Shape("zero"))
        } else {
            Ok(())
        }
    };
    let text = |t: &str| {
        if t.trim().is_empty() {
            Err(MErr::Shape("empty_text"))
        } else {
            Ok(())
        }
    };
    match action {
        Action::Appropriate {
            title,
            purposes,
            amount,
            law,
            ..
        } => {
            text(title)?;
            text(law)?;
            if purposes.is_empty() {
                return Err(MErr::Shape("no_purposes"));
            }
            positive(amount)
        }
        Action::ContinuingResolution {
            account,
            title,
            purposes,
            annual_rate,
            through,
            law,
            ..
        } => {
            text(title)?;
            text(law)?;
            if purposes.is_empty() {
                return Err(MErr::Shape("no_purposes"));
            }
            positive(annual_rate)?;
            let fy = SPECS[spec_index(account)].first;
            if *through < day(fy - 1, 10, 1) || *through > day(fy, 9, 30) || *through < date {
                return Err(MErr::Shape("resolution"));
            }
            Ok(())
        }
        Action::Apportion { amount, .. }
        | Action::Allot { amount, .. }
        | Action::Allocate { amount, .. }
        | Action::AdjustObligation { amount, .. } => nonzero(amount),
        Action::Commit { amount, .. }
        | Action::Decommit { amount, .. }
        | Action::Obligate { amount, .. }
        | Action::Disburse { amount, .. }
        | Action::Refund { amount, .. } => positive(amount),
        Action::Transfer {
            from,
            to,
            amount,
            authority,
        } => {
            text(authority)?;
            if from == to {
                return Err(MErr::Shape("same"));
            }
            positive(amount)
        }
        Action::Reprogram {
            from,
            to,
            amount,
            authority,
            ..
        } => {
            text(authority)?;
            if from == to {
                return Err(MErr::Shape("same"));
            }
            if from.holder != to.holder {
                return Err(MErr::Shape("different_holders"));
            }
            positive(amount)
        }
        Action::Rescind { amount, law, .. } => {
            text(law)?;
            positive(amount)
        }
        Action::ChargeToCurrent {
            cancelled,
            current,
            amount,
            ..
        } => {
            if cancelled == current {
                return Err(MErr::Shape("same"));
            }
            positive(amount)
        }
        Action::Collect {
            amount, authority, ..
        } => {
            text(authority)?;
            positive(amount)
        }
        Action::CollectEarned {
            amount,
            authority,
            earned,
            ..
        } => {
            text(authority)?;
            positive(amount)?;
            if *earned > date {
                return Err(MErr::Shape("earned_after"));
            }
            Ok(())
        }
        Action::ReverseCollection { amount, reason, .. } => {
            text(reason)?;
            positive(amount)
        }
        _ => unreachable!(),
    }
}

impl Model {
    fn last_recorded(&self) -> Option<NaiveDate> {
        self.accepted.iter().map(|a| a.command.recorded).max()
    }

    fn last_date(&self) -> Option<NaiveDate> {
        self.accepted.iter().map(|a| a.command.date).max()
    }

    /// Accepted commands in journal order: effective date, then sequence.
    fn in_journal_order(&self) -> Vec<Accepted> {
        let mut v = self.accepted.clone();
        v.sort_by_key(|a| (a.command.date, a.sequence));
        v
    }

    /// The balances after replaying `entries` (already in journal order), each with its
    /// stored decision.
    fn rebuilt(entries: &[Accepted]) -> Model {
        let mut m = Model::default();
        for a in entries {
            if let Err(e) = m.execute(&a.command, false) {
                panic!(
                    "model cannot replay its own entry {:?}: {e:?}",
                    a.command.id
                );
            }
        }
        m
    }

    fn apply(&mut self, cmd: &Command) -> Result<Predicted, MErr> {
        // 1. Identity and idempotency.
        if let Some(prev) = self.accepted.iter().find(|a| a.command.id == cmd.id) {
            return match naive_first_difference(&prev.command, cmd) {
                None => Ok(Predicted {
                    sequence: prev.sequence,
                    duplicate: true,
                    gated: prev.gated,
                }),
                Some(field) => Err(MErr::Conflict(field)),
            };
        }
        if self.last_recorded().is_some_and(|l| cmd.recorded < l) {
            return Err(MErr::RecordedOutOfOrder);
        }
        let sequence = self.accepted.len() as u64;
        let gated = if self.last_date().is_some_and(|l| cmd.date < l) {
            // Backdated: rebuild with the command in its place, re-check every later entry.
            let order = self.in_journal_order();
            let (before, after): (Vec<_>, Vec<_>) =
                order.into_iter().partition(|a| a.command.date <= cmd.date);
            let mut rebuilt = Model::rebuilt(&before);
            let gated = rebuilt.execute(cmd, true).map_err(|e| match e {
                // An account enacted after the command's date: no obligation or
                // distribution in advance of an appropriation (31 U.S.C. 1341(a)(1)(B)).
                MErr::UnknownAccount(s)
                    if self.accounts.get(&s).is_some_and(|a| cmd.date < a.enacted) =>
                {
                    MErr::BeforeEnactment
                }
                e => e,
            })?;
            for a in &after {
                rebuilt
                    .execute(&a.command, false)
                    .map_err(|e| MErr::BreaksLater(a.command.id.clone(), Box::new(e)))?;
            }
            self.accounts = rebuilt.accounts;
            gated
        } else {
            self.execute(cmd, true)?
        };
        self.accepted.push(Accepted {
            sequence,
            command: cmd.clone(),
            gated,
        });
        Ok(Predicted {
            sequence,
            duplicate: false,
            gated,
        })
    }

    /// Checks shape, existence, time, purpose, amount and eligibility, in that order, then
    /// applies the command to a copy of the accounts; returns whether a decision is kept.
    #[allow(clippy::too_many_lines)]
    fn execute(&mut self, cmd: &Command, live: bool) -> Result<bool, MErr> {
        let date = cmd.date;
        model_shape(&cmd.action, date)?;
        let mut accts = self.accounts.clone();
        let mut gated = false;
        match &cmd.action {
            Action::Appropriate {
                account: s,
                purposes,
                amount,
                ..
            } => {
                let amount = cents(*amount);
                let purposes = normalized(purposes);
                match accts.get_mut(s) {
                    None => {
                        time_enactable(s, date)?;
                        let mut a = MAccount::new(spec_index(s), purposes, date);
                        a.full_year = true;
                        a.appropriated = amount;
                        accts.insert(*s, a);
                    }
                    Some(a) => {
                        if a.purposes != purposes {
                            return Err(MErr::AccountExists(*s));
                        }
                        time_enactable(s, date)?;
                        let mut next = a.clone();
                        next.appropriated = if a.full_year {
                            a.appropriated + amount
                        } else {
                            amount
                        };
                        next.full_year = true;
                        // A full-year act below what the resolution already apportioned. The docs
                        // name no figures for this case: the apportionment is taken as requested
                        // and the new authority as available.
                        if next.authority() < a.apportioned() {
                            return Err(MErr::Exceeds(
                                Level::Appropriation,
                                a.apportioned(),
                                next.authority(),
                            ));
                        }
                        *a = next;
                    }
                }
            }
            Action::ContinuingResolution {
                account: s,
                purposes,
                annual_rate,
                through,
                seasonal_limit,
                ..
            } => {
                let spec = &SPECS[spec_index(s)];
                let amount =
                    model_cr_amount(cents(*annual_rate), *through, spec.first, *seasonal_limit);
                let purposes = normalized(purposes);
                let first_day = day(spec.first - 1, 10, 1);
                match accts.get_mut(s) {
                    None => {
                        time_enactable(s, date)?;
                        let mut a = MAccount::new(spec_index(s), purposes, date);
                        a.resolution = Some(amount);
                        a.period_lines.insert(first_day, amount);
                        accts.insert(*s, a);
                    }
                    Some(a) => {
                        // A resolution adding less than the one in force is malformed
                        // (shape ranks before existence).
                        if a.resolution.is_some_and(|r| amount < r) {
                            return Err(MErr::Shape("resolution"));
                        }
                        if a.full_year || a.purposes != purposes || !a.program_lines.is_empty() {
                            return Err(MErr::AccountExists(*s));
                        }
                        time_enactable(s, date)?;
                        let delta = amount - a.resolution.unwrap_or(0);
                        a.resolution = Some(amount);
                        *a.period_lines.entry(first_day).or_insert(0) += delta;
                    }
                }
            }
            Action::Apportion {
                account: s,
                category,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                match category {
                    Apportionment::ByPeriod { .. } if !a.program_lines.is_empty() => {
                        return Err(MErr::ApportionmentMixed("program"));
                    }
                    Apportionment::ByProgram { .. } if !a.period_lines.is_empty() => {
                        return Err(MErr::ApportionmentMixed("period"));
                    }
                    _ => {}
                }
                time_distributable(a, s, date)?;
                if let Apportionment::ByProgram { program } = category {
                    purpose(a, *program)?;
                }
                if amount > 0 {
                    if amount > a.unapportioned() {
                        return Err(exceeds(Level::Appropriation, amount, a.unapportioned()));
                    }
                } else {
                    let room = a.withdrawal_room(*category, date);
                    if -amount > room {
                        return Err(exceeds(Level::Apportionment, -amount, room));
                    }
                }
                match category {
                    Apportionment::ByPeriod { from } => {
                        *a.period_lines.entry(*from).or_insert(0) += amount;
                    }
                    Apportionment::ByProgram { program } => {
                        *a.program_lines.entry(*program).or_insert(0) += amount;
                    }
                    _ => unreachable!(),
                }
            }
            Action::Allot {
                account: s,
                holder,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if amount < 0 && !a.allotted.contains_key(holder) {
                    return Err(MErr::UnknownAllotment(holder.clone()));
                }
                time_distributable(a, s, date)?;
                if amount > 0 {
                    let available = a.apportioned_on(date) - a.allotted_total();
                    if amount > available {
                        return Err(exceeds(Level::Apportionment, amount, available));
                    }
                } else if -amount > a.holder_free(holder) {
                    return Err(exceeds(Level::Allotment, -amount, a.holder_free(holder)));
                }
                *a.allotted.entry(holder.clone()).or_insert(0) += amount;
            }
            Action::Allocate {
                account: s,
                key,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if !a.allotted.contains_key(&key.holder) {
                    return Err(MErr::UnknownAllotment(key.holder.clone()));
                }
                if amount < 0 && !a.allocated.contains_key(key) {
                    return Err(MErr::UnknownAllocation(key.clone()));
                }
                time_distributable(a, s, date)?;
                purpose(a, key.program)?;
                if amount > 0 {
                    // Top down (DOMAIN.md §1.6): the program's apportionment, then the
                    // holder's allotment.
                    if !a.program_lines.is_empty() && amount > a.program_room(key.program) {
                        return Err(exceeds(
                            Level::Apportionment,
                            amount,
                            a.program_room(key.program),
                        ));
                    }
                    if amount > a.holder_free(&key.holder) {
                        return Err(exceeds(
                            Level::Allotment,
                            amount,
                            a.holder_free(&key.holder),
                        ));
                    }
                    gated = gate(live, key, date)?;
                } else if -amount > a.free(key) {
                    return Err(exceeds(Level::Allocation, -amount, a.free(key)));
                }
                *a.allocated.entry(key.clone()).or_insert(0) += amount;
            }
            Action::Reprogram {
                account: s,
                from,
                to,
                amount,
                ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if !a.allotted.contains_key(&to.holder) {
                    return Err(MErr::UnknownAllotment(to.holder.clone()));
                }
                if !a.allocated.contains_key(from) {
                    return Err(MErr::UnknownAllocation(from.clone()));
                }
                time_new_use(a, s, date)?;
                purpose(a, to.program)?;
                if !a.program_lines.is_empty() && from.program != to.program {
                    let room = a.program_room(to.program);
                    if amount > room {
                        return Err(exceeds(Level::Apportionment, amount, room));
                    }
                }
                if amount > a.free(from) {
                    return Err(exceeds(Level::Allocation, amount, a.free(from)));
                }
                gated = gate(live, to, date)?;
                *a.allocated.entry(from.clone()).or_insert(0) -= amount;
                *a.allocated.entry(to.clone()).or_insert(0) += amount;
            }
            Action::Commit {
                account: s,
                document,
                key,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if !a.allocated.contains_key(key) {
                    return Err(MErr::UnknownAllocation(key.clone()));
                }
                if a.commitments.contains_key(document) || a.obligations.contains_key(document) {
                    return Err(MErr::DocumentExists(document.clone()));
                }
                time_new_use(a, s, date)?;
                purpose(a, key.program)?;
                if amount > a.free(key) {
                    return Err(exceeds(Level::Allocation, amount, a.free(key)));
                }
                gated = gate(live, key, date)?;
                a.commitments
                    .insert(document.clone(), (key.clone(), amount));
            }
            Action::Decommit {
                account: s,
                document,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                let Some((_, reserved)) = a.commitments.get(document).cloned() else {
                    return Err(MErr::UnknownCommitment(document.clone()));
                };
                time_distributable(a, s, date)?;
                if amount > reserved {
                    return Err(exceeds(Level::Commitment, amount, reserved));
                }
                if amount == reserved {
                    a.commitments.remove(document);
                } else if let Some(c) = a.commitments.get_mut(document) {
                    c.1 -= amount;
                }
            }
            Action::Obligate {
                account: s,
                document,
                instrument,
                funding,
                amount,
                ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if a.obligations.contains_key(document) {
                    return Err(MErr::DocumentExists(document.clone()));
                }
                let (key, reserved) = match funding {
                    Funding::Commitment => match a.commitments.get(document) {
                        None => return Err(MErr::UnknownCommitment(document.clone())),
                        Some((k, v)) => (k.clone(), Some(*v)),
                    },
                    Funding::Allocation { key } | Funding::Allotment { key } => {
                        if a.commitments.contains_key(document) {
                            return Err(MErr::DocumentExists(document.clone()));
                        }
                        (key.clone(), None)
                    }
                    _ => unreachable!(),
                };
                let direct = matches!(funding, Funding::Allotment { .. });
                if direct {
                    if !a.allotted.contains_key(&key.holder) {
                        return Err(MErr::UnknownAllotment(key.holder.clone()));
                    }
                } else if !a.allocated.contains_key(&key) {
                    return Err(MErr::UnknownAllocation(key));
                }
                time_new_use(a, s, date)?;
                purpose(a, key.program)?;
                match reserved {
                    _ if direct => draw_on_allotment(a, &key, amount)?,
                    Some(r) if amount > r => {
                        return Err(exceeds(Level::Commitment, amount, r));
                    }
                    None if amount > a.free(&key) => {
                        return Err(exceeds(Level::Allocation, amount, a.free(&key)));
                    }
                    _ => {}
                }
                gated = gate(live, &key, date)?;
                if direct {
                    *a.allocated.entry(key.clone()).or_insert(0) += amount;
                }
                if let Some(r) = reserved {
                    if r == amount {
                        a.commitments.remove(document);
                    } else if let Some(c) = a.commitments.get_mut(document) {
                        c.1 -= amount;
                    }
                }
                a.obligations.insert(
                    document.clone(),
                    MObligation {
                        key,
                        instrument: *instrument,
                        fiscal_year: fy_of(date),
                        obligated: amount,
                        disbursed: 0,
                        direct,
                    },
                );
            }
            Action::AdjustObligation {
                account: s,
                document,
                amount,
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                let Some(o) = a.obligations.get(document).cloned() else {
                    return Err(MErr::UnknownObligation(document.clone()));
                };
                time_adjustable(a, s, date)?;
                let prior_year = fy_of(date) > o.fiscal_year;
                if amount > 0 {
                    if o.direct {
                        draw_on_allotment(a, &o.key, amount)?;
                    } else if amount > a.free(&o.key) {
                        return Err(exceeds(Level::Allocation, amount, a.free(&o.key)));
                    }
                    if prior_year {
                        a.upward_prior += amount;
                    }
                } else {
                    let unpaid = o.obligated - o.disbursed;
                    if -amount > unpaid {
                        return Err(exceeds(Level::Obligation, -amount, unpaid));
                    }
                    if prior_year {
                        *a.recoveries.entry(o.key.clone()).or_insert(0) -= amount;
                    }
                }
                if o.direct {
                    // Up or down, the allotment follows a direct obligation.
                    *a.allocated.entry(o.key.clone()).or_insert(0) += amount;
                }
                if let Some(o) = a.obligations.get_mut(document) {
                    o.obligated += amount;
                }
            }
            Action::Disburse {
                account: s,
                document,
                amount,
            }
            | Action::Refund {
                account: s,
                document,
                amount,
            } => {
                let refund = matches!(cmd.action, Action::Refund { .. });
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                let Some(o) = a.obligations.get(document).cloned() else {
                    return Err(MErr::UnknownObligation(document.clone()));
                };
                time_adjustable(a, s, date)?;
                if refund {
                    if amount > o.disbursed {
                        return Err(exceeds(Level::Disbursement, amount, o.disbursed));
                    }
                } else if amount > o.obligated - o.disbursed {
                    return Err(exceeds(
                        Level::Obligation,
                        amount,
                        o.obligated - o.disbursed,
                    ));
                } else {
                    // The test gate bars expenditures as it bars obligations; an allowed
                    // disbursement keeps no decision.
                    gate(live, &o.key, date)?;
                }
                if let Some(o) = a.obligations.get_mut(document) {
                    o.disbursed += if refund { -amount } else { amount };
                }
            }
            Action::Transfer {
                from, to, amount, ..
            } => {
                let amount = cents(*amount);
                let source = accts.get(from).ok_or(MErr::UnknownAccount(*from))?;
                let dest = accts.get(to).ok_or(MErr::UnknownAccount(*to))?;
                time_new_use(source, from, date)?;
                time_new_use(dest, to, date)?;
                if amount > source.unapportioned() {
                    return Err(exceeds(
                        Level::Appropriation,
                        amount,
                        source.unapportioned(),
                    ));
                }
                account(&mut accts, from)?.transfers_out += amount;
                account(&mut accts, to)?.transfers_in += amount;
            }
            Action::Rescind {
                account: s, amount, ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                time_distributable(a, s, date)?;
                if amount > a.unapportioned() {
                    return Err(exceeds(Level::Appropriation, amount, a.unapportioned()));
                }
                a.rescinded += amount;
            }
            Action::ChargeToCurrent {
                cancelled,
                document,
                current,
                key,
                amount,
            } => {
                let amount = cents(*amount);
                let old = accts
                    .get(cancelled)
                    .ok_or(MErr::UnknownAccount(*cancelled))?;
                let original = old
                    .obligations
                    .get(document)
                    .cloned()
                    .ok_or_else(|| MErr::UnknownObligation(document.clone()))?;
                let old_status = model_status(old.spec(), date);
                let closed_room = old.closed_room(document);
                let before = old
                    .charged_after_closing
                    .get(document)
                    .copied()
                    .unwrap_or(0);
                let a = account(&mut accts, current)?;
                if !a.allocated.contains_key(key) {
                    return Err(MErr::UnknownAllocation(key.clone()));
                }
                if a.obligations.get(document).is_some_and(|o| &o.key != key) {
                    return Err(MErr::DocumentExists(document.clone()));
                }
                if old_status != AccountStatus::Cancelled {
                    return Err(MErr::NotAvailable(*cancelled, old_status));
                }
                time_new_use(a, current, date)?;
                purpose(a, original.key.program)?;
                if key.program != original.key.program {
                    return Err(MErr::Purpose(key.program));
                }
                if amount > a.charge_room() {
                    return Err(exceeds(
                        Level::ChargeToCurrentLimit,
                        amount,
                        a.charge_room(),
                    ));
                }
                if amount > closed_room {
                    return Err(exceeds(Level::ClosedAccountBalance, amount, closed_room));
                }
                if amount > a.free(key) {
                    return Err(exceeds(Level::Allocation, amount, a.free(key)));
                }
                gated = gate(live, key, date)?;
                a.charged_to_current += amount;
                a.obligations
                    .entry(document.clone())
                    .and_modify(|o| o.obligated += amount)
                    .or_insert(MObligation {
                        key: key.clone(),
                        instrument: original.instrument,
                        fiscal_year: fy_of(date),
                        obligated: amount,
                        disbursed: 0,
                        direct: false,
                    });
                if let Some(old) = accts.get_mut(cancelled) {
                    old.charged_after_closing
                        .insert(document.clone(), before + amount);
                }
            }
            Action::Collect {
                account: s,
                document,
                amount,
                ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if a.collections.contains_key(document) {
                    return Err(MErr::DocumentExists(document.clone()));
                }
                time_new_use(a, s, date)?;
                a.collections.insert(document.clone(), amount);
            }
            Action::CollectEarned {
                account: s,
                document,
                amount,
                earned,
                ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                if a.collections.contains_key(document) {
                    return Err(MErr::DocumentExists(document.clone()));
                }
                time_distributable(a, s, date)?;
                time_new_use(a, s, *earned)?;
                a.collections.insert(document.clone(), amount);
            }
            Action::ReverseCollection {
                account: s,
                document,
                amount,
                ..
            } => {
                let amount = cents(*amount);
                let a = account(&mut accts, s)?;
                let Some(&remaining) = a.collections.get(document) else {
                    return Err(MErr::UnknownCollection(document.clone()));
                };
                time_distributable(a, s, date)?;
                if amount > remaining {
                    return Err(exceeds(Level::Collection, amount, remaining));
                }
                if amount > a.unapportioned() {
                    return Err(exceeds(Level::Appropriation, amount, a.unapportioned()));
                }
                a.collections.insert(document.clone(), remaining - amount);
            }
            _ => unreachable!(),
        }
        self.accounts = accts;
        Ok(gated)
    }

    /// The status of funds grouped by account, holder, program and partner, built the way
    /// `StatusRow` documents it: each dollar at the deepest level it reached.
    fn status_rows(&self, as_of: NaiveDate) -> Vec<StatusRow> {
        let mut rows = Vec::new();
        for (s, a) in &self.accounts {
            let key = |holder: Option<&FundsHolder>,
                       program: Option<ProgramKind>,
                       partner: Option<CountryCode>| StatusKey {
                account: Some(*s),
                fiscal_year: None,
                holder: holder.cloned(),
                program,
                partner,
                ..StatusKey::default()
            };
            let status = Some(model_status(a.spec(), as_of));
            let unallotted = a.authority() - a.allotted_total();
            rows.push(StatusRow {
                key: key(None, None, None),
                account_status: status,
                budget_authority: money(unallotted),
                apportioned: money(a.apportioned() - a.allotted_total()),
                unobligated: money(unallotted),
                ..StatusRow::default()
            });
            for h in a.allotted.keys() {
                let rest = money(a.holder_free(h));
                rows.push(StatusRow {
                    key: key(Some(h), None, None),
                    account_status: status,
                    budget_authority: rest,
                    apportioned: rest,
                    allotted: rest,
                    unobligated: rest,
                    ..StatusRow::default()
                });
            }
            for (k, allocated) in &a.allocated {
                let obligated = a.obligated(k);
                let disbursed = a.disbursed(k);
                rows.push(StatusRow {
                    key: key(Some(&k.holder), Some(k.program), k.partner),
                    account_status: status,
                    budget_authority: money(*allocated),
                    apportioned: money(*allocated),
                    allotted: money(*allocated),
                    allocated: money(*allocated),
                    committed: money(a.committed(k)),
                    obligated: money(obligated),
                    unobligated: money(allocated - obligated),
                    disbursed: money(disbursed),
                    unliquidated: money(obligated - disbursed),
                    recoveries: money(a.recoveries.get(k).copied().unwrap_or(0)),
                });
            }
        }
        rows.retain(|r| {
            *r != StatusRow {
                key: r.key.clone(),
                account_status: r.account_status,
                ..StatusRow::default()
            }
        });
        rows.sort_by(|x, y| x.key.cmp(&y.key));
        rows
    }
}

// ---------------------------------------------------------------------------------------
// Generation: random numbers interpreted against the model
// ---------------------------------------------------------------------------------------

/// One operation: six random numbers, read as kind, date move, amount, two picks and a
/// modifier.
type Op = [u32; 6];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Appropriate,
    Resolution,
    Apportion,
    Allot,
    Allocate,
    Commit,
    Decommit,
    ObligateCommitment,
    ObligateDirect,
    Adjust,
    Disburse,
    Refund,
    Transfer,
    Reprogram,
    Rescind,
    ChargeToCurrent,
    Collect,
    CollectEarned,
    ReverseCollection,
    Repeat,
    /// The next step down the chain for one account: appropriate, apportion, allot,
    /// allocate, obligate, disburse — so that sequences reach deep states.
    Advance,
}

fn pick<T: Clone>(items: &[T], r: u32) -> T {
    items[r as usize % items.len()].clone()
}

/// An amount biased to the edges of `limit`: zero, one cent, the limit, the limit plus
/// one cent, the limit less one cent, half of it, random below twice it, large, round.
fn edge_amount(limit: Cents, r: u32) -> Cents {
    let x = i64::from(r / 100);
    match r % 100 {
        0..=1 => 0,
        2..=8 => 1,
        9..=30 => limit,
        31..=45 => limit + 1,
        46..=50 => limit - 1,
        51..=70 => limit / 2,
        71..=89 => 1 + x % (limit.max(1) + 2),
        90..=94 => 1 + (x * 7919) % 10_000_000_000,
        _ => 100_000_000 * (1 + x % 20),
    }
}

struct Runner {
    u: Universe,
    model: Model,
    ledger: Ledger,
    clock: usize,
    pace: u32,
    issued: Vec<Command>,
    log: Vec<String>,
    /// Run the replay and serde checks after every command (not only at the end).
    thorough: bool,
    /// How often each (action, outcome) occurred, for the coverage test.
    outcomes: BTreeMap<(&'static str, String), usize>,
}

impl Runner {
    fn new(start: usize, pace: u32, thorough: bool) -> Runner {
        Runner {
            u: Universe::new(),
            model: Model::default(),
            ledger: Ledger::new(Arc::new(TestGate)),
            clock: start,
            pace,
            issued: Vec::new(),
            log: Vec::new(),
            thorough,
            outcomes: BTreeMap::new(),
        }
    }

    fn fail(&self, what: &str) -> ! {
        panic!("{what}\n--- commands so far ---\n{}", self.log.join("\n"));
    }

    fn acct(&self, s: &AccountSymbol) -> Option<&MAccount> {
        self.model.accounts.get(s)
    }

    fn pick_account(&self, r: u32, existing_pct: u32) -> AccountSymbol {
        let existing: Vec<_> = self.model.accounts.keys().copied().collect();
        if r % 100 < existing_pct && !existing.is_empty() {
            pick(&existing, r / 100)
        } else {
            pick(&self.u.accounts, r / 100)
        }
    }

    /// Mostly an account of the universe that may still be enacted on `date`.
    fn pick_enactable(&self, r: u32, date: NaiveDate) -> AccountSymbol {
        let candidates: Vec<_> = self
            .u
            .accounts
            .iter()
            .filter(|s| {
                let status = model_status(&SPECS[spec_index(s)], date);
                status == AccountStatus::Unexpired
                    || (r % 5 == 0 && status == AccountStatus::NotYetAvailable)
            })
            .copied()
            .collect();
        if r % 10 < 8 && !candidates.is_empty() {
            pick(&candidates, r / 10)
        } else {
            self.pick_account(r / 10, 50)
        }
    }

    /// Mostly an existing account where `feasible` holds, so that sequences reach deep
    /// states; sometimes any account.
    fn pick_feasible(
        &self,
        r: u32,
        date: NaiveDate,
        feasible: impl Fn(&MAccount, NaiveDate) -> bool,
    ) -> AccountSymbol {
        let candidates: Vec<_> = self
            .model
            .accounts
            .iter()
            .filter(|(_, a)| feasible(a, date))
            .map(|(s, _)| *s)
            .collect();
        if r % 10 < 8 && !candidates.is_empty() {
            pick(&candidates, r / 10)
        } else {
            self.pick_account(r / 10, 90)
        }
    }

    /// A fresh allocation key: a holder with unallocated allotment if any, mostly a
    /// program among the account's purposes (with Category B room if it has lines), any
    /// partner.
    fn fresh_key(&self, s: &AccountSymbol, r: u32) -> AllocationKey {
        let spec = &SPECS[spec_index(s)];
        let a = self.acct(s);
        let holders: Vec<_> = a
            .map(|a| {
                a.allotted
                    .keys()
                    .filter(|h| a.holder_free(h) > 0)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let holder = if (r >> 2) % 8 != 0 && !holders.is_empty() {
            pick(&holders, r >> 5)
        } else {
            pick(&self.u.holders, r >> 5)
        };
        let roomy: Vec<_> = a
            .map(|a| {
                a.program_lines
                    .keys()
                    .filter(|p| a.program_room(**p) > 0)
                    .copied()
                    .collect()
            })
            .unwrap_or_default();
        let program = match (r >> 8) % 8 {
            0 => pick(&PROGRAMS, r >> 11),
            _ if !roomy.is_empty() => pick(&roomy, r >> 11),
            _ => pick(spec.purposes, r >> 11),
        };
        AllocationKey::new(holder, program, pick(&self.u.partners, r >> 14))
    }

    /// Mostly an existing allocation with free funds, else any existing one, else fresh.
    fn pick_key(&self, s: &AccountSymbol, r: u32) -> AllocationKey {
        let a = self.acct(s);
        let keys: Vec<_> = a
            .map(|a| a.allocated.keys().cloned().collect())
            .unwrap_or_default();
        let free: Vec<_> = a
            .map(|a| {
                a.allocated
                    .keys()
                    .filter(|k| a.free(k) > 0)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        match r % 10 {
            0 => self.fresh_key(s, r),
            1 | 2 if !keys.is_empty() => pick(&keys, r >> 17),
            _ if !free.is_empty() => pick(&free, r >> 17),
            _ if !keys.is_empty() => pick(&keys, r >> 17),
            _ => self.fresh_key(s, r),
        }
    }

    /// Mostly an obligation with something unpaid (or, for a refund, paid).
    fn pick_obligation(&self, s: &AccountSymbol, r: u32, paid: bool) -> DocumentId {
        let a = self.acct(s);
        let docs: Vec<_> = a
            .map(|a| a.obligations.keys().cloned().collect())
            .unwrap_or_default();
        let live: Vec<_> = a
            .map(|a| {
                a.obligations
                    .iter()
                    .filter(|(_, o)| {
                        if paid {
                            o.disbursed > 0
                        } else {
                            o.obligated > o.disbursed
                        }
                    })
                    .map(|(d, _)| d.clone())
                    .collect()
            })
            .unwrap_or_default();
        match r % 10 {
            0 => pick(&self.u.docs, r / 10),
            1 if !docs.is_empty() => pick(&docs, r / 10),
            _ if !live.is_empty() => pick(&live, r / 10),
            _ if !docs.is_empty() => pick(&docs, r / 10),
            _ => pick(&self.u.docs, r / 10),
        }
    }

    fn pick_commitment(&self, s: &AccountSymbol, r: u32) -> DocumentId {
        let docs: Vec<_> = self
            .acct(s)
            .map(|a| a.commitments.keys().cloned().collect())
            .unwrap_or_default();
        if r % 10 != 0 && !docs.is_empty() {
            pick(&docs, r / 10)
        } else {
            pick(&self.u.docs, r / 10)
        }
    }

    /// The kind of the next command, weighted toward what the model says can succeed.
    fn kind(&self, r: u32, date: NaiveDate, advance: bool) -> Kind {
        let any = |f: &dyn Fn(&MAccount) -> bool| self.model.accounts.values().any(f);
        let w = |feasible: bool, yes: u32, no: u32| if feasible { yes } else { no };
        let live = |a: &MAccount| {
            model_status(a.spec(), date) == AccountStatus::Unexpired && a.authority() > 0
        };
        let usable = |a: &MAccount| model_status(a.spec(), date) == AccountStatus::Unexpired;
        let enactable = SPECS
            .iter()
            .any(|s| model_status(s, date) == AccountStatus::Unexpired);
        let weights = [
            (Kind::Appropriate, w(any(&live) || !enactable, 3, 25)),
            (Kind::Resolution, w(any(&live) || !enactable, 1, 5)),
            (Kind::Apportion, w(any(&|a| a.unapportioned() > 0), 10, 0)),
            (
                Kind::Allot,
                w(any(&|a| a.apportioned_on(date) > a.allotted_total()), 10, 0),
            ),
            (
                Kind::Allocate,
                w(
                    any(&|a| a.allotted.keys().any(|h| a.holder_free(h) > 0)),
                    12,
                    0,
                ),
            ),
            (
                Kind::Commit,
                w(
                    any(&|a| usable(a) && a.allocated.keys().any(|k| a.free(k) > 0)),
                    5,
                    0,
                ),
            ),
            (Kind::Decommit, w(any(&|a| !a.commitments.is_empty()), 3, 0)),
            (
                Kind::ObligateCommitment,
                w(any(&|a| !a.commitments.is_empty()), 6, 0),
            ),
            (
                Kind::ObligateDirect,
                w(
                    any(&|a| usable(a) && a.allocated.keys().any(|k| a.free(k) > 0)),
                    12,
                    0,
                ),
            ),
            (Kind::Adjust, w(any(&|a| !a.obligations.is_empty()), 6, 0)),
            (
                Kind::Disburse,
                w(any(&|a| a.obligated_total() > a.disbursed_total()), 9, 0),
            ),
            (Kind::Refund, w(any(&|a| a.disbursed_total() > 0), 3, 0)),
            (
                Kind::Transfer,
                w(any(&|a| usable(a) && a.unapportioned() > 0), 3, 0),
            ),
            (
                Kind::Reprogram,
                w(
                    any(&|a| usable(a) && a.allocated.keys().any(|k| a.free(k) > 0)),
                    4,
                    0,
                ),
            ),
            (Kind::Rescind, w(any(&|a| a.unapportioned() > 0), 2, 0)),
            (
                Kind::ChargeToCurrent,
                w(
                    any(&|a| {
                        model_status(a.spec(), date) == AccountStatus::Cancelled
                            && !a.obligations.is_empty()
                    }) && any(&|a| usable(a) && !a.allocated.is_empty()),
                    12,
                    0,
                ),
            ),
            (Kind::Collect, w(any(&usable), 2, 0)),
            (
                Kind::CollectEarned,
                w(
                    any(&|a| model_status(a.spec(), date) == AccountStatus::Expired),
                    2,
                    0,
                ),
            ),
            (
                Kind::ReverseCollection,
                w(any(&|a| !a.collections.is_empty()), 2, 0),
            ),
            (Kind::Repeat, w(self.issued.is_empty(), 0, 3)),
            (Kind::Advance, if advance { 40 } else { 0 }),
        ];
        if r % 16 == 0 {
            // Now and then anything at all, feasible or not.
            let kinds: Vec<Kind> = weights
                .iter()
                .filter(|w| w.1 > 0 || !matches!(w.0, Kind::Repeat | Kind::Advance))
                .map(|w| w.0)
                .collect();
            return pick(&kinds, r / 16);
        }
        let total: u32 = weights.iter().map(|w| w.1).sum();
        let mut x = (r / 16) % total;
        for (kind, w) in weights {
            if x < w {
                return kind;
            }
            x -= w;
        }
        unreachable!()
    }

    /// The next step down the chain for an account that can take it, with an amount
    /// within (or at) the limit; `None` when no account can go further.
    fn advance(&self, op: Op, date: NaiveDate) -> Option<Action> {
        let within = |limit: Cents| match op[2] % 10 {
            0..=2 => limit,
            3..=6 => (limit / 2).max(1),
            _ => 1 + Cents::from(op[2] / 10) % limit.max(1),
        };
        let live: Vec<AccountSymbol> = self
            .u
            .accounts
            .iter()
            .filter(|s| {
                let status = model_status(&SPECS[spec_index(s)], date);
                let steps = self.acct(s).is_none_or(|a| {
                    a.unapportioned() > 0
                        || a.apportioned_on(date) > a.allotted_total()
                        || a.allotted.keys().any(|h| a.holder_free(h) > 0)
                        || (status == AccountStatus::Unexpired
                            && a.allocated.keys().any(|k| a.free(k) > 0))
                        || a.obligated_total() > a.disbursed_total()
                });
                steps
                    && (status == AccountStatus::Unexpired
                        || (status == AccountStatus::NotYetAvailable && op[4] % 3 == 0))
            })
            .copied()
            .collect();
        if live.is_empty() {
            return None;
        }
        let s = pick(&live, op[3]);
        let spec = &SPECS[spec_index(&s)];
        let Some(a) = self.acct(&s) else {
            return Some(Action::Appropriate {
                account: s,
                title: "Appropriation".into(),
                purposes: spec.purposes.to_vec(),
                amount: money(100_000_000 * Cents::from(1 + op[2] % 50)),
                law: "P.L. 110-161".into(),
            });
        };
        let usable = model_status(spec, date) == AccountStatus::Unexpired;
        if a.unapportioned() > 0 && op[5] % 4 != 0 {
            let category =
                if !a.program_lines.is_empty() || (a.period_lines.is_empty() && op[4] % 2 == 0) {
                    Apportionment::ByProgram {
                        program: pick(spec.purposes, op[4] >> 4),
                    }
                } else {
                    Apportionment::ByPeriod {
                        from: day(spec.first - 1, 10, 1),
                    }
                };
            return Some(Action::Apportion {
                account: s,
                category,
                amount: money(within(a.unapportioned())),
            });
        }
        let room = a.apportioned_on(date) - a.allotted_total();
        if room > 0 && op[5] % 4 != 1 {
            return Some(Action::Allot {
                account: s,
                holder: pick(&self.u.holders, op[4]),
                amount: money(within(room)),
            });
        }
        let holders: Vec<_> = a
            .allotted
            .keys()
            .filter(|h| a.holder_free(h) > 0)
            .cloned()
            .collect();
        if !holders.is_empty() && usable && op[5] % 7 == 0 {
            let mut key = self.fresh_key(&s, op[4]);
            key.holder = pick(&holders, op[4] >> 20);
            let mut limit = a.holder_free(&key.holder);
            if !a.program_lines.is_empty() {
                limit = limit.min(a.program_room(key.program));
            }
            if limit > 0 {
                return Some(Action::Obligate {
                    account: s,
                    document: pick(&self.u.docs, op[5] / 10),
                    instrument: pick(&INSTRUMENTS, op[5] / 100),
                    funding: Funding::Allotment { key },
                    amount: money(within(limit)),
                    object_class: None,
                    financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                });
            }
        }
        if !holders.is_empty() && op[5] % 4 != 2 {
            let mut key = self.fresh_key(&s, op[4]);
            key.holder = pick(&holders, op[4] >> 20);
            if !a.purposes.contains(&key.program) {
                key.program = pick(spec.purposes, op[4] >> 11);
            }
            let mut limit = a.holder_free(&key.holder);
            if !a.program_lines.is_empty() {
                limit = limit.min(a.program_room(key.program));
            }
            if limit > 0 {
                return Some(Action::Allocate {
                    account: s,
                    key,
                    amount: money(within(limit)),
                });
            }
        }
        let free: Vec<_> = a
            .allocated
            .keys()
            .filter(|k| a.free(k) > 0)
            .cloned()
            .collect();
        if usable && !free.is_empty() && op[5] % 4 != 3 {
            let key = pick(&free, op[4]);
            let amount = money(within(a.free(&key)));
            let document = pick(&self.u.docs, op[5] / 10);
            return Some(if op[5] % 5 == 0 {
                Action::Commit {
                    account: s,
                    document,
                    key,
                    amount,
                }
            } else {
                Action::Obligate {
                    account: s,
                    document,
                    instrument: pick(&INSTRUMENTS, op[5] / 100),
                    funding: Funding::Allocation { key },
                    amount,
                    object_class: None,
                    financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                }
            });
        }
        let unpaid: Vec<_> = a
            .obligations
            .iter()
            .filter(|(_, o)| o.obligated > o.disbursed)
            .map(|(d, o)| (d.clone(), o.obligated - o.disbursed))
            .collect();
        if !unpaid.is_empty() {
            let (document, limit) = pick(&unpaid, op[4]);
            return Some(Action::Disburse {
                account: s,
                document,
                amount: money(within(limit)),
            });
        }
        None
    }

    /// Whether FY2008 or FY2008/2009 money has obligations that could be charged to a
    /// current account once cancelled.
    fn old_obligations(&self) -> bool {
        self.model
            .accounts
            .values()
            .any(|a| a.spec <= 1 && !a.obligations.is_empty())
    }

    /// Moves the clock and returns the command's (effective, recorded) dates.
    fn dates(&mut self, r: u32) -> (NaiveDate, NaiveDate) {
        let last = KEY_DATES.len() - 1;
        let v = r % 100;
        if v < self.pace {
            self.clock = (self.clock + 1).min(last);
        } else if v >= 98 {
            self.clock = (self.clock + 2 + (r / 100) as usize % 2).min(last);
        } else if (90..95).contains(&v) && self.clock < 12 && self.old_obligations() {
            // Straight to the cancellation of FY2008 money, with whatever was built.
            self.clock = 12 + (r / 100) as usize % 3;
        } else if v >= 95 && self.clock > 0 {
            // Backdated: effective earlier; recorded today, or (rarely) recorded earlier,
            // which the recording clock refuses.
            let date = key_date((r / 100) as usize % self.clock);
            let recorded = if v == 97 { date } else { key_date(self.clock) };
            return (date, recorded);
        }
        (key_date(self.clock), key_date(self.clock))
    }

    #[allow(clippy::too_many_lines)]
    fn make_command(&mut self, op: Op) -> Command {
        let (date, recorded) = self.dates(op[1]);
        self.make_command_on(op, date, recorded, true)
    }

    #[allow(clippy::too_many_lines)]
    fn make_command_on(
        &mut self,
        op: Op,
        date: NaiveDate,
        recorded: NaiveDate,
        advance: bool,
    ) -> Command {
        let kind = self.kind(op[0], date, advance);
        let id: CommandId = format!("c{}", self.issued.len()).parse().unwrap();
        let signed = |limit_pos: Cents, limit_neg: Cents| {
            if op[5] % 10 < 2 {
                money(-edge_amount(limit_neg, op[2]))
            } else {
                money(edge_amount(limit_pos, op[2]))
            }
        };
        let withdrawing = op[5] % 10 < 2;
        let action = match kind {
            Kind::Advance => match self.advance(op, date) {
                Some(action) => action,
                // Nothing to advance: any other kind instead.
                None => return self.make_command_on(op, date, recorded, false),
            },
            Kind::Appropriate => {
                let s = self.pick_enactable(op[3], date);
                let spec = &SPECS[spec_index(&s)];
                let mut purposes = spec.purposes.to_vec();
                match op[5] % 12 {
                    0 => purposes = vec![ProgramKind::Sales],
                    1 => {
                        purposes.reverse();
                        purposes.push(purposes[0]);
                    }
                    _ => {}
                }
                let amount = match self.acct(&s) {
                    Some(a) if !a.full_year => {
                        // Superseding a resolution: the least that still covers what was
                        // apportioned.
                        edge_amount(a.apportioned() - (a.authority() - a.base()), op[2])
                    }
                    _ if op[2] % 100 < 2 => 0,
                    _ => 100_000_000 * Cents::from(1 + op[2] % 50) + Cents::from(op[4] % 100_000),
                };
                Action::Appropriate {
                    account: s,
                    title: if op[5] % 40 == 2 {
                        " "
                    } else {
                        "Appropriation"
                    }
                    .into(),
                    purposes,
                    amount: money(amount),
                    law: "P.L. 110-161".into(),
                }
            }
            Kind::Resolution => {
                let s = self.pick_enactable(op[3], date);
                let fy = SPECS[spec_index(&s)].first;
                let throughs = [
                    day(fy - 1, 10, 1),
                    day(fy - 1, 11, 16),
                    day(fy - 1, 12, 21),
                    day(fy, 3, 31),
                    day(fy, 9, 30),
                    day(fy, 10, 1),
                ];
                // Mostly a valid end (within the first year, not before the date).
                let valid: Vec<_> = throughs[..5]
                    .iter()
                    .filter(|t| **t >= date)
                    .copied()
                    .collect();
                let through = if op[4] % 4 != 0 && !valid.is_empty() {
                    pick(&valid, op[4] / 4)
                } else {
                    pick(&throughs, op[4] / 4)
                };
                let seasonal = match op[5] % 5 {
                    0 => Some("10".parse().unwrap()),
                    1 => Some("13.42".parse().unwrap()),
                    _ => None,
                };
                Action::ContinuingResolution {
                    account: s,
                    title: "Resolution".into(),
                    purposes: SPECS[spec_index(&s)].purposes.to_vec(),
                    annual_rate: money(if op[2] % 100 < 2 {
                        0
                    } else {
                        100_000_000 * Cents::from(1 + op[2] % 40) + Cents::from(op[2] % 7)
                    }),
                    through,
                    seasonal_limit: seasonal,
                    law: "P.L. 110-92".into(),
                }
            }
            Kind::Apportion => {
                let s = self.pick_feasible(op[3], date, |a, _| {
                    a.unapportioned() > 0 || (withdrawing && a.apportioned() > a.allotted_total())
                });
                let spec = &SPECS[spec_index(&s)];
                let a = self.acct(&s);
                let by_program = match a {
                    Some(a) if !a.program_lines.is_empty() => op[4] % 10 != 0,
                    Some(a) if !a.period_lines.is_empty() => op[4] % 10 == 0,
                    _ => op[4] % 2 == 0,
                };
                let category = if by_program {
                    let program = if (op[4] >> 4) % 6 != 0 {
                        pick(spec.purposes, op[4] >> 8)
                    } else {
                        pick(&PROGRAMS, op[4] >> 8)
                    };
                    Apportionment::ByProgram { program }
                } else {
                    let lines: Vec<_> = a
                        .map(|a| a.period_lines.keys().copied().collect())
                        .unwrap_or_default();
                    let fy = spec.first;
                    let quarters = [
                        day(fy - 1, 10, 1),
                        day(fy, 1, 1),
                        day(fy, 4, 1),
                        day(fy, 7, 1),
                    ];
                    let from = if (op[4] >> 4) % 3 != 0 && !lines.is_empty() {
                        pick(&lines, op[4] >> 8)
                    } else {
                        pick(&quarters, op[4] >> 8)
                    };
                    Apportionment::ByPeriod { from }
                };
                let (pos, neg) = a.map_or((0, 0), |a| {
                    (a.unapportioned(), a.withdrawal_room(category, date))
                });
                Action::Apportion {
                    account: s,
                    category,
                    amount: signed(pos, neg),
                }
            }
            Kind::Allot => {
                let s = self.pick_feasible(op[3], date, |a, d| {
                    if withdrawing {
                        a.allotted.keys().any(|h| a.holder_free(h) > 0)
                    } else {
                        a.apportioned_on(d) > a.allotted_total()
                    }
                });
                let holder = pick(&self.u.holders, op[4]);
                let (pos, neg) = self.acct(&s).map_or((0, 0), |a| {
                    (
                        a.apportioned_on(date) - a.allotted_total(),
                        a.holder_free(&holder),
                    )
                });
                Action::Allot {
                    account: s,
                    holder,
                    amount: signed(pos, neg),
                }
            }
            Kind::Allocate => {
                let s = self.pick_feasible(op[3], date, |a, _| {
                    if withdrawing {
                        a.allocated.keys().any(|k| a.free(k) > 0)
                    } else {
                        a.allotted.keys().any(|h| a.holder_free(h) > 0)
                    }
                });
                let key = if withdrawing {
                    self.pick_key(&s, op[4])
                } else {
                    self.fresh_key(&s, op[4])
                };
                let (pos, neg) = self.acct(&s).map_or((0, 0), |a| {
                    let mut pos = a.holder_free(&key.holder);
                    if !a.program_lines.is_empty() {
                        pos = pos.min(a.program_room(key.program));
                    }
                    (pos, a.free(&key))
                });
                Action::Allocate {
                    account: s,
                    key,
                    amount: signed(pos, neg),
                }
            }
            Kind::ObligateDirect if op[5] % 10 < 3 => {
                // Charged directly to the allotment (Funding::Allotment).
                let s = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Unexpired
                        && a.allotted.keys().any(|h| a.holder_free(h) > 0)
                });
                let key = if op[4] % 4 == 0 {
                    self.pick_key(&s, op[4] / 4)
                } else {
                    self.fresh_key(&s, op[4] / 4)
                };
                let limit = self.acct(&s).map_or(0, |a| {
                    let mut limit = a.holder_free(&key.holder);
                    if !a.program_lines.is_empty() {
                        limit = limit.min(a.program_room(key.program));
                    }
                    limit
                });
                Action::Obligate {
                    account: s,
                    document: pick(&self.u.docs, op[5] / 10),
                    instrument: pick(&INSTRUMENTS, op[5] / 100),
                    funding: Funding::Allotment { key },
                    amount: money(edge_amount(limit, op[2])),
                    object_class: None,
                    financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                }
            }
            Kind::Commit | Kind::ObligateDirect => {
                let s = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Unexpired
                        && a.allocated.keys().any(|k| a.free(k) > 0)
                });
                let key = self.pick_key(&s, op[4]);
                let limit = self.acct(&s).map_or(0, |a| a.free(&key));
                let document = pick(&self.u.docs, op[5] / 10);
                let amount = money(edge_amount(limit, op[2]));
                if kind == Kind::Commit {
                    Action::Commit {
                        account: s,
                        document,
                        key,
                        amount,
                    }
                } else {
                    Action::Obligate {
                        account: s,
                        document,
                        instrument: pick(&INSTRUMENTS, op[5] / 100),
                        funding: Funding::Allocation { key },
                        amount,
                        object_class: None,
                        financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                    }
                }
            }
            Kind::Decommit | Kind::ObligateCommitment => {
                let s = self.pick_feasible(op[3], date, |a, _| !a.commitments.is_empty());
                let document = self.pick_commitment(&s, op[4]);
                let limit = self
                    .acct(&s)
                    .and_then(|a| a.commitments.get(&document))
                    .map_or(0, |c| c.1);
                let amount = money(edge_amount(limit, op[2]));
                if kind == Kind::Decommit {
                    Action::Decommit {
                        account: s,
                        document,
                        amount,
                    }
                } else {
                    Action::Obligate {
                        account: s,
                        document,
                        instrument: pick(&INSTRUMENTS, op[5] / 100),
                        funding: Funding::Commitment,
                        amount,
                        object_class: None,
                        financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
                    }
                }
            }
            Kind::Adjust | Kind::Disburse | Kind::Refund => {
                let s = self.pick_feasible(op[3], date, |a, _| {
                    if kind == Kind::Refund {
                        a.disbursed_total() > 0
                    } else {
                        !a.obligations.is_empty()
                    }
                });
                let document = self.pick_obligation(&s, op[4], kind == Kind::Refund);
                let a = self.acct(&s);
                let o = a.and_then(|a| a.obligations.get(&document));
                let unpaid = o.map_or(0, |o| o.obligated - o.disbursed);
                match kind {
                    Kind::Adjust => {
                        let up = match (a, o) {
                            (Some(a), Some(o)) if o.direct => {
                                let mut limit = a.holder_free(&o.key.holder);
                                if !a.program_lines.is_empty() {
                                    limit = limit.min(a.program_room(o.key.program));
                                }
                                limit
                            }
                            (Some(a), Some(o)) => a.free(&o.key),
                            _ => 0,
                        };
                        Action::AdjustObligation {
                            account: s,
                            document,
                            amount: signed(up, unpaid),
                        }
                    }
                    Kind::Disburse => Action::Disburse {
                        account: s,
                        document,
                        amount: money(edge_amount(unpaid, op[2])),
                    },
                    _ => Action::Refund {
                        account: s,
                        document,
                        amount: money(edge_amount(o.map_or(0, |o| o.disbursed), op[2])),
                    },
                }
            }
            Kind::Transfer => {
                let from = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Unexpired && a.unapportioned() > 0
                });
                let to = if op[5] % 10 == 0 {
                    from
                } else {
                    self.pick_account(op[4], 90)
                };
                let limit = self.acct(&from).map_or(0, MAccount::unapportioned);
                Action::Transfer {
                    from,
                    to,
                    amount: money(edge_amount(limit, op[2])),
                    authority: "FAA sec. 610".into(),
                }
            }
            Kind::Reprogram => {
                let s = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Unexpired
                        && a.allocated.keys().any(|k| a.free(k) > 0)
                });
                let from = self.pick_key(&s, op[4]);
                let to = if op[5] % 10 == 0 {
                    self.fresh_key(&s, op[5])
                } else {
                    let k = self.pick_key(&s, op[5] >> 4);
                    let mut to = AllocationKey::new(from.holder.clone(), k.program, k.partner);
                    if to == from {
                        to.partner = pick(&self.u.partners, op[5] >> 8);
                    }
                    to
                };
                let limit = self.acct(&s).map_or(0, |a| {
                    let mut l = a.free(&from);
                    if !a.program_lines.is_empty() && from.program != to.program {
                        l = l.min(a.program_room(to.program));
                    }
                    l
                });
                Action::Reprogram {
                    account: s,
                    from,
                    to,
                    amount: money(edge_amount(limit, op[2])),
                    authority: "FAA sec. 634A notice".into(),
                    // Notified thirty days before: the FAA 634A review has always run, so
                    // the model need not keep the amounts justified (the notice rule has
                    // its own tests in `programs_notice`).
                    notified: date.checked_sub_days(chrono::Days::new(30)),
                }
            }
            Kind::Rescind => {
                let s = self.pick_feasible(op[3], date, |a, _| a.unapportioned() > 0);
                let limit = self.acct(&s).map_or(0, MAccount::unapportioned);
                Action::Rescind {
                    account: s,
                    amount: money(edge_amount(limit, op[2])),
                    law: "P.L. 110-161 sec. 699K".into(),
                }
            }
            Kind::ChargeToCurrent => {
                let cancelled_ones: Vec<_> = self
                    .model
                    .accounts
                    .iter()
                    .filter(|(_, a)| {
                        model_status(a.spec(), date) == AccountStatus::Cancelled
                            && !a.obligations.is_empty()
                    })
                    .map(|(s, _)| *s)
                    .collect();
                let cancelled = if op[3] % 8 != 0 && !cancelled_ones.is_empty() {
                    pick(&cancelled_ones, op[3] / 8)
                } else {
                    self.pick_account(op[3] / 8, 90)
                };
                let document = self.pick_obligation(&cancelled, op[4], false);
                let original = self
                    .acct(&cancelled)
                    .and_then(|a| a.obligations.get(&document))
                    .map(|o| o.key.clone());
                let currents: Vec<_> = self
                    .model
                    .accounts
                    .iter()
                    .filter(|(s, a)| {
                        **s != cancelled && model_status(a.spec(), date) == AccountStatus::Unexpired
                    })
                    .map(|(s, _)| *s)
                    .collect();
                let current = if op[5] % 8 != 0 && !currents.is_empty() {
                    pick(&currents, op[5] / 8)
                } else {
                    self.pick_account(op[5] / 8, 90)
                };
                let same_program: Vec<_> = self
                    .acct(&current)
                    .map(|a| {
                        a.allocated
                            .keys()
                            .filter(|k| Some(k.program) == original.as_ref().map(|o| o.program))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let key = if op[4] % 5 != 0 && !same_program.is_empty() {
                    pick(&same_program, op[4] / 5)
                } else {
                    self.pick_key(&current, op[4] / 5)
                };
                let closed = self
                    .acct(&cancelled)
                    .map_or(0, |a| a.closed_room(&document));
                // Aim at the 1 % room alone half the time, so that its edge is reached even
                // when the allocation has more free; otherwise at both current bounds.
                let limit = self.acct(&current).map_or(0, |a| {
                    if (op[5] / 64) % 2 == 0 {
                        a.charge_room()
                    } else {
                        a.charge_room().min(a.free(&key))
                    }
                });
                // And now and then a cent over the cancelled account's bound, or at both.
                let amount = match op[5] % 3 {
                    0 => closed + 1,
                    1 => edge_amount(limit, op[2]),
                    _ => edge_amount(limit.min(closed), op[2]),
                };
                Action::ChargeToCurrent {
                    cancelled,
                    document,
                    current,
                    key,
                    amount: money(amount),
                }
            }
            Kind::Collect => {
                let s = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Unexpired
                });
                // Mostly a fresh collection document; now and then one already used.
                let used: Vec<DocumentId> = self
                    .acct(&s)
                    .map(|a| a.collections.keys().cloned().collect())
                    .unwrap_or_default();
                let document = if op[4] % 6 == 0 && !used.is_empty() {
                    pick(&used, op[4] / 6)
                } else {
                    format!("COLL-{}", self.issued.len()).parse().unwrap()
                };
                let payer = pick(&[jor(), col()], op[5]);
                Action::Collect {
                    account: s,
                    document,
                    payer,
                    amount: money(edge_amount(50_000_000, op[2])),
                    authority: if op[5] % 23 == 0 {
                        " ".into()
                    } else {
                        "6 U.S.C. 195c(d)".into()
                    },
                }
            }
            Kind::CollectEarned => {
                let s = self.pick_feasible(op[3], date, |a, d| {
                    model_status(a.spec(), d) == AccountStatus::Expired
                });
                let last = SPECS[spec_index(&s)].last;
                // Mostly earned on the last available day or the one before it; now and
                // then the day the account expired, or a day after the collection.
                let earned = match op[5] % 8 {
                    0 => day(last, 10, 1),
                    1 => date.succ_opt().unwrap(),
                    2 => day(last, 9, 29),
                    _ => day(last, 9, 30),
                };
                let used: Vec<DocumentId> = self
                    .acct(&s)
                    .map(|a| a.collections.keys().cloned().collect())
                    .unwrap_or_default();
                let document = if op[4] % 7 == 0 && !used.is_empty() {
                    pick(&used, op[4] / 7)
                } else {
                    format!("COLL-{}", self.issued.len()).parse().unwrap()
                };
                Action::CollectEarned {
                    account: s,
                    document,
                    payer: col(),
                    amount: money(edge_amount(50_000_000, op[2])),
                    authority: "22 U.S.C. 2392(d)".into(),
                    earned,
                }
            }
            Kind::ReverseCollection => {
                let s = self.pick_feasible(op[3], date, |a, _| !a.collections.is_empty());
                let held: Vec<(DocumentId, Cents)> = self
                    .acct(&s)
                    .map(|a| a.collections.iter().map(|(d, c)| (d.clone(), *c)).collect())
                    .unwrap_or_default();
                // Mostly a document collected, up to and past what remains on it; now and
                // then one never collected.
                let (document, limit) = if op[4] % 9 == 0 || held.is_empty() {
                    ("COLL-NONE".parse().unwrap(), 1_000)
                } else {
                    pick(&held, op[4] / 9)
                };
                Action::ReverseCollection {
                    account: s,
                    document,
                    amount: money(edge_amount(limit.max(1), op[2])),
                    reason: if op[5] % 19 == 0 {
                        " ".into()
                    } else {
                        "check returned unpaid".into()
                    },
                }
            }
            Kind::Repeat => {
                let mut c = pick(&self.issued, op[3]);
                match op[5] % 5 {
                    0..=2 => {}
                    3 => c.date = c.date.succ_opt().unwrap(),
                    _ if op[4] % 2 == 0 => c.actor = "someone-else".parse().unwrap(),
                    _ => bump_amount(&mut c.action),
                }
                return c;
            }
        };
        Command::new(id, date, self.u.actor.clone(), action).recorded_on(recorded)
    }

    fn step(&mut self, op: Op) {
        let command = self.make_command(op);
        self.issued.push(command.clone());
        let before = self.ledger.clone();
        let journal_before = serde_json::to_string(self.ledger.journal()).unwrap();
        let status_before = crate::support::status_text(&self.ledger);
        let predicted = self.model.apply(&command);
        let actual = self.ledger.apply(command.clone());
        self.log.push(format!(
            "{:?} {} rec {} {:?}\n    model: {predicted:?}\n    ledger: {}",
            command.id,
            command.date,
            command.recorded,
            command.action,
            match &actual {
                Ok(r) => format!("applied seq {} dup {}", r.sequence, r.duplicate),
                Err(e) => format!("refused: {e}"),
            }
        ));
        let outcome = match &predicted {
            Ok(p) if p.duplicate => "duplicate".to_owned(),
            Ok(_) => "applied".to_owned(),
            Err(e) => e.label(),
        };
        *self
            .outcomes
            .entry((coverage_name(&command.action), outcome))
            .or_default() += 1;
        match (&predicted, &actual) {
            (Ok(p), Ok(receipt)) => {
                if receipt.duplicate != p.duplicate
                    || receipt.sequence != p.sequence
                    || receipt.decision.is_some() != p.gated
                    || receipt.command != command.id
                {
                    self.fail(&format!("receipt {receipt:?} but model predicted {p:?}"));
                }
                if let Some(d) = &receipt.decision {
                    assert!(d.outcome().allows());
                }
                if p.duplicate && self.ledger != before {
                    self.fail("a duplicate command changed the ledger");
                }
            }
            (Err(m), Err(e)) => {
                if !matches(e, m) {
                    self.fail(&format!(
                        "ledger refused with {e:?} (precedence {}) but model predicted {m:?} (precedence {})",
                        e.precedence(),
                        m.precedence()
                    ));
                }
                // Invariant 6: a refused command changes nothing.
                if self.ledger != before {
                    self.fail("a refused command changed the ledger");
                }
                if crate::support::status_text(&self.ledger) != status_before {
                    self.fail("a refused command changed the status of funds");
                }
                let journal_after = serde_json::to_string(self.ledger.journal()).unwrap();
                if journal_after != journal_before {
                    self.fail("a refused command changed the serialized journal");
                }
            }
            _ => self.fail(&format!(
                "disagreement: model {predicted:?}, ledger {actual:?}"
            )),
        }
        self.check_now();
    }

    fn as_of_now(&self) -> NaiveDate {
        self.model
            .last_date()
            .unwrap_or(key_date(0))
            .max(key_date(self.clock))
    }

    fn query(as_of: NaiveDate) -> StatusQuery {
        StatusQuery::new(
            as_of,
            &[
                Dimension::Account,
                Dimension::Holder,
                Dimension::Program,
                Dimension::Partner,
            ],
        )
    }

    /// The checks after every command.
    fn check_now(&self) {
        let as_of = self.as_of_now();
        let rows = self.ledger.status_of_funds(&Self::query(as_of)).unwrap();
        let expected = self.model.status_rows(as_of);
        if rows != expected {
            self.fail(&format!(
                "status of funds differs\n ledger: {rows:#?}\n model: {expected:#?}"
            ));
        }
        check_rows(&rows);
        assert_eq!(
            self.ledger.accounts(),
            self.model.accounts.keys().copied().collect::<Vec<_>>()
        );
        for (s, a) in &self.model.accounts {
            let tb = self.ledger.trial_balance(s).unwrap();
            assert!(tb.net().unwrap().is_zero(), "{s}: trial balance {tb:?}");
            let row_unobligated: Cents = rows
                .iter()
                .filter(|r| r.key.account == Some(*s))
                .map(|r| cents(r.unobligated))
                .sum();
            assert_eq!(cents(tb.unobligated().unwrap()), row_unobligated, "{s}");
            let chart: BTreeMap<u16, Cents> = Ussgl::ALL
                .iter()
                .map(|u| (u.number(), cents(tb.balance(*u))))
                .collect();
            if chart != a.expected_chart() {
                self.fail(&format!(
                    "{s}: chart {chart:?}, model {:?}",
                    a.expected_chart()
                ));
            }
            for (document, o) in &a.obligations {
                let balance = self
                    .ledger
                    .obligation(s, document)
                    .unwrap_or_else(|| self.fail(&format!("{s}: obligation {document} missing")));
                let expected = (
                    &o.key,
                    o.instrument,
                    o.fiscal_year,
                    o.obligated,
                    o.disbursed,
                );
                let actual = (
                    &balance.key,
                    balance.instrument,
                    balance.fiscal_year.year(),
                    cents(balance.obligated),
                    cents(balance.disbursed),
                );
                if expected != actual {
                    self.fail(&format!(
                        "{s} {document}: ledger {actual:?}, model {expected:?}"
                    ));
                }
            }
            // Invariant 4: an allocation funds only a purpose of its account.
            for r in rows.iter().filter(|r| r.key.account == Some(*s)) {
                if let Some(p) = r.key.program {
                    assert!(a.purposes.contains(&p), "{s}: allocation to {p:?}");
                }
            }
        }
        check_journal_times(self.ledger.journal(), &self.model);
        if self.thorough {
            check_replay(&self.ledger, as_of);
        }
    }

    /// The checks at the end of a sequence: replay, and as-of queries on both clocks
    /// against the model rebuilt from the selected entries.
    fn check_end(&self) {
        let as_of = self.as_of_now();
        check_replay(&self.ledger, as_of);
        let entries = self.model.in_journal_order();
        for i in 0..=self.clock {
            let d = key_date(i);
            let recorded: Vec<NaiveDate> = entries
                .iter()
                .map(|a| a.command.recorded)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let knowns = [
                None,
                recorded.first().copied(),
                recorded.get(recorded.len() / 2).copied(),
            ];
            for known_on in knowns {
                let selected: Vec<Accepted> = entries
                    .iter()
                    .filter(|a| {
                        a.command.date <= d && known_on.is_none_or(|k| a.command.recorded <= k)
                    })
                    .cloned()
                    .collect();
                let mut query = Self::query(d);
                query.known_on = known_on;
                let rows = self.ledger.status_of_funds(&query).unwrap();
                let expected = Model::rebuilt(&selected).status_rows(d);
                if rows != expected {
                    self.fail(&format!(
                        "as of {d} known on {known_on:?}: ledger {rows:#?}\n model {expected:#?}"
                    ));
                }
            }
        }
    }

    /// SF-133 identities for every account and fiscal year the sequence reached.
    fn check_sf133(&self) {
        let entries = self.model.in_journal_order();
        let last = fy_of(self.as_of_now());
        for s in self.ledger.accounts() {
            let spec = &SPECS[spec_index(&s)];
            for y in (spec.first - 1)..=last {
                let fy = FiscalYear::new(y).unwrap();
                let end = fy.last_day();
                let statement = match self.ledger.sf133(&s, fy, end) {
                    Ok(st) => st,
                    Err(BudgetError::UnknownAccount { .. }) => {
                        assert!(
                            entries.iter().all(|a| a.command.date > end
                                || !touches_creation(&a.command.action, &s)),
                            "{s} exists by {end} but sf133 says unknown"
                        );
                        continue;
                    }
                    Err(e) => panic!("sf133 {s} {fy}: {e}"),
                };
                for st in [statement.clone(), statement.to_whole_dollars().unwrap()] {
                    let l = |n: u16| cents(st.line(n).unwrap_or_else(|| panic!("line {n}")));
                    assert_eq!(l(1910), l(2500), "{s} {fy} 1910 = 2500: {st:#?}");
                    assert_eq!(l(2500), l(2190) + l(2490), "{s} {fy} 2500 = 2190 + 2490");
                    // Line 3032 (unpaid obligations cancelled) appears only in a cancelling year.
                    let cancelled = st
                        .line(SF133_LINE_OBLIGATIONS_CANCELLED)
                        .map(cents)
                        .unwrap_or(0);
                    assert_eq!(
                        l(3050),
                        l(3000) + l(3010) + l(3020) + l(3040) + cancelled,
                        "{s} {fy} obligated balance roll-forward: {st:#?}"
                    );
                    assert_eq!(l(1160), l(1100) + l(1120) + l(1121) + l(1130));
                    assert_eq!(l(1750), l(1700), "{s} {fy} 1750 = 1700");
                    // Line 1029 (balances withdrawn on cancellation) appears only in a cancelling year.
                    let withdrawn = st.line(1029).map(cents).unwrap_or(0);
                    assert_eq!(l(1910), l(1000) + l(1021) + withdrawn + l(1160) + l(1750));
                }
                for line in &statement.to_whole_dollars().unwrap().lines {
                    assert_eq!(cents(line.amount) % 100, 0, "{s} {fy} line {}", line.line);
                }
                // The cent statement against the model as of the year's end.
                let selected: Vec<Accepted> = entries
                    .iter()
                    .filter(|a| a.command.date <= end)
                    .cloned()
                    .collect();
                let m = Model::rebuilt(&selected);
                let a = &m.accounts[&s];
                let l = |n: u16| cents(statement.line(n).unwrap());
                // Line 1700: the collections accepted in this fiscal year, summed naively.
                let collected_in_year: Cents = selected
                    .iter()
                    .filter(|e| e.command.date >= fy.first_day())
                    .map(|e| match &e.command.action {
                        Action::Collect {
                            account, amount, ..
                        }
                        | Action::CollectEarned {
                            account, amount, ..
                        } if *account == s => cents(*amount),
                        Action::ReverseCollection {
                            account, amount, ..
                        } if *account == s => -cents(*amount),
                        _ => 0,
                    })
                    .sum();
                assert_eq!(l(1700), collected_in_year, "{s} {fy} 1700");
                // 31 U.S.C. 1552(a): on 30 September of the fifth fiscal year after the
                // period of availability the account closes, and its cancelling year's
                // statement withdraws the unobligated balance on line 1029.
                let unobligated = a.authority() - a.obligated_total();
                // The unpaid obligations left are cancelled with it, on their own line, and
                // the obligated balance ends at zero.
                let unpaid = a.obligated_total() - a.disbursed_total();
                if y == spec.last + 5 {
                    assert_eq!(l(2490), 0, "{s} {fy} 2490 after cancellation");
                    assert_eq!(l(1029), -unobligated, "{s} {fy} 1029 withdrawn");
                    assert_eq!(
                        l(SF133_LINE_OBLIGATIONS_CANCELLED),
                        -unpaid,
                        "{s} {fy} cancelled"
                    );
                    assert_eq!(l(3050), 0, "{s} {fy} 3050 after cancellation");
                } else {
                    assert_eq!(l(2490), unobligated, "{s} {fy} 2490");
                    assert!(statement.line(1029).is_none(), "{s} {fy} no 1029");
                    assert!(
                        statement.line(SF133_LINE_OBLIGATIONS_CANCELLED).is_none(),
                        "{s} {fy} no {SF133_LINE_OBLIGATIONS_CANCELLED}"
                    );
                    assert_eq!(l(3050), unpaid, "{s} {fy} 3050");
                }
            }
        }
    }
}

/// The action's name, with obligations charged directly to an allotment told apart.
fn coverage_name(action: &Action) -> &'static str {
    match action {
        Action::Obligate {
            funding: Funding::Allotment { .. },
            ..
        } => "obligate_on_allotment",
        other => other.name(),
    }
}

fn touches_creation(action: &Action, s: &AccountSymbol) -> bool {
    match action {
        Action::Appropriate { account, .. } | Action::ContinuingResolution { account, .. } => {
            account == s
        }
        _ => false,
    }
}

fn bump_amount(action: &mut Action) {
    let bump = |m: &mut Money| *m = money(cents(*m) + 1);
    match action {
        Action::Appropriate { amount, .. }
        | Action::Apportion { amount, .. }
        | Action::Allot { amount, .. }
        | Action::Allocate { amount, .. }
        | Action::Commit { amount, .. }
        | Action::Decommit { amount, .. }
        | Action::Obligate { amount, .. }
        | Action::AdjustObligation { amount, .. }
        | Action::Disburse { amount, .. }
        | Action::Refund { amount, .. }
        | Action::Transfer { amount, .. }
        | Action::Reprogram { amount, .. }
        | Action::Rescind { amount, .. }
        | Action::Collect { amount, .. }
        | Action::CollectEarned { amount, .. }
        | Action::ReverseCollection { amount, .. }
        | Action::ChargeToCurrent { amount, .. } => bump(amount),
        Action::ContinuingResolution { annual_rate, .. } => bump(annual_rate),
        _ => unreachable!(),
    }
}

/// Invariant 1 on the ledger's own rows: conservation at every level, the order of the
/// levels, and no negative balance; per row and per account.
fn check_rows(rows: &[StatusRow]) {
    let check = |r: &StatusRow, allocation: bool| {
        let c = |m: Money| cents(m);
        assert_eq!(
            c(r.budget_authority),
            c(r.obligated) + c(r.unobligated),
            "authority = obligated + unobligated: {r:?}"
        );
        assert_eq!(
            c(r.obligated),
            c(r.disbursed) + c(r.unliquidated),
            "obligated = disbursed + unliquidated: {r:?}"
        );
        assert!(c(r.budget_authority) >= c(r.apportioned), "{r:?}");
        assert!(c(r.apportioned) >= c(r.allotted), "{r:?}");
        assert!(c(r.allotted) >= c(r.allocated), "{r:?}");
        if allocation {
            assert!(c(r.allocated) >= c(r.committed) + c(r.obligated), "{r:?}");
        }
        for m in [
            r.budget_authority,
            r.apportioned,
            r.allotted,
            r.allocated,
            r.committed,
            r.obligated,
            r.unobligated,
            r.disbursed,
            r.unliquidated,
            r.recoveries,
        ] {
            assert!(!m.is_negative(), "negative balance: {r:?}");
        }
    };
    let mut per_account: BTreeMap<AccountSymbol, StatusRow> = BTreeMap::new();
    for r in rows {
        check(r, r.key.program.is_some());
        let t = per_account.entry(r.key.account.unwrap()).or_default();
        let add = |x: &mut Money, y: Money| *x = x.checked_add(y).unwrap();
        add(&mut t.budget_authority, r.budget_authority);
        add(&mut t.apportioned, r.apportioned);
        add(&mut t.allotted, r.allotted);
        add(&mut t.allocated, r.allocated);
        add(&mut t.committed, r.committed);
        add(&mut t.obligated, r.obligated);
        add(&mut t.unobligated, r.unobligated);
        add(&mut t.disbursed, r.disbursed);
        add(&mut t.unliquidated, r.unliquidated);
        add(&mut t.recoveries, r.recoveries);
    }
    for t in per_account.values() {
        check(t, true);
    }
}

/// Invariant 3 on the journal: new obligations only while unexpired and enacted; expired
/// accounts take only adjustments and payments on existing obligations; nothing is
/// recorded in a cancelled account.
fn check_journal_times(journal: &Journal, model: &Model) {
    for e in journal.iter() {
        let date = e.command.date;
        let status = |s: &AccountSymbol| model_status(&SPECS[spec_index(s)], date);
        let unexpired = |s: &AccountSymbol| {
            assert_eq!(status(s), AccountStatus::Unexpired, "{:?}", e.command);
        };
        match &e.command.action {
            Action::Commit { account, .. }
            | Action::Obligate { account, .. }
            | Action::Collect { account, .. }
            | Action::Reprogram { account, .. } => unexpired(account),
            Action::Transfer { from, to, .. } => {
                unexpired(from);
                unexpired(to);
            }
            Action::ChargeToCurrent {
                cancelled, current, ..
            } => {
                assert_eq!(status(cancelled), AccountStatus::Cancelled);
                unexpired(current);
            }
            Action::AdjustObligation { account, .. }
            | Action::Disburse { account, .. }
            | Action::Refund { account, .. } => assert!(
                matches!(
                    status(account),
                    AccountStatus::Unexpired | AccountStatus::Expired
                ),
                "{:?}",
                e.command
            ),
            Action::Appropriate { account, .. } | Action::ContinuingResolution { account, .. } => {
                assert!(
                    matches!(
                        status(account),
                        AccountStatus::NotYetAvailable | AccountStatus::Unexpired
                    ),
                    "{:?}",
                    e.command
                );
            }
            Action::Apportion { account, .. }
            | Action::Allot { account, .. }
            | Action::Allocate { account, .. }
            | Action::Decommit { account, .. }
            | Action::Rescind { account, .. }
            | Action::ReverseCollection { account, .. } => {
                assert_ne!(status(account), AccountStatus::Cancelled, "{:?}", e.command);
            }
            Action::CollectEarned {
                account, earned, ..
            } => {
                assert_ne!(status(account), AccountStatus::Cancelled, "{:?}", e.command);
                assert_eq!(
                    model_status(&SPECS[spec_index(account)], *earned),
                    AccountStatus::Unexpired,
                    "{:?}",
                    e.command
                );
            }
            _ => unreachable!(),
        }
        // The eligibility decision is kept exactly where a partner was involved.
        let needs = match &e.command.action {
            Action::Allocate { key, amount, .. } => key.partner.is_some() && amount.is_positive(),
            Action::Reprogram { to: key, .. }
            | Action::Commit { key, .. }
            | Action::ChargeToCurrent { key, .. } => key.partner.is_some(),
            Action::Obligate {
                account,
                document,
                funding,
                ..
            } => match funding {
                Funding::Allocation { key } | Funding::Allotment { key } => key.partner.is_some(),
                _ => model.accounts[account].obligations[document]
                    .key
                    .partner
                    .is_some(),
            },
            _ => false,
        };
        assert_eq!(e.decision.is_some(), needs, "{:?}", e.command);
    }
}

/// Invariants 7 and 8: replay, also through JSON, gives an equal ledger and the same rows.
fn check_replay(ledger: &Ledger, as_of: NaiveDate) {
    let replayed = Ledger::replay(
        ledger.journal(),
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert!(replayed == *ledger, "replay differs");
    let json = serde_json::to_string(ledger.journal()).unwrap();
    let journal: Journal = serde_json::from_str(&json).unwrap();
    let from_json = Ledger::replay(
        &journal,
        std::sync::Arc::new(security_assistance::eligibility::AllowAll),
    )
    .unwrap();
    assert!(from_json == *ledger, "replay from JSON differs");
    let q = Runner::query(as_of);
    let rows = ledger.status_of_funds(&q).unwrap();
    assert_eq!(from_json.status_of_funds(&q).unwrap(), rows);
    assert_eq!(
        serde_json::to_string(&rows).unwrap(),
        serde_json::to_string(&replayed.status_of_funds(&q).unwrap()).unwrap()
    );
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(prop::array::uniform6(any::<u32>()), 1..=100)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        max_shrink_iters: 4096,
        ..ProptestConfig::default()
    })]

    /// Invariants 1–4 and 6–8 and agreement with the model, after every command.
    #[test]
    fn ledger_agrees_with_naive_model(start in 0usize..10, pace in 2u32..25, ops in ops()) {
        let mut runner = Runner::new(start, pace, true);
        for op in ops {
            runner.step(op);
        }
        runner.check_end();
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_shrink_iters: 2048,
        ..ProptestConfig::default()
    })]

    /// SF-133: 1910 = 2500 = 2190 + 2490 and 3050 = 3000 + 3010 + 3020 + 3040 for every
    /// account and fiscal year, in cents and in whole dollars.
    #[test]
    fn sf133_identities_hold(start in 0usize..10, pace in 10u32..40, ops in ops()) {
        let mut runner = Runner::new(start, pace, false);
        for op in ops {
            runner.step(op);
        }
        runner.check_sf133();
    }
}

/// The model's own arithmetic against DOMAIN.md §10 rule 15.
#[test]
fn model_resolution_amounts_match_domain_rule_15() {
    let rate = 10_000_000_000;
    assert_eq!(
        model_cr_amount(rate, day(2005, 11, 18), 2006, None),
        1_342_465_753
    );
    assert_eq!(
        model_cr_amount(rate, day(2015, 12, 11), 2016, None),
        1_967_213_115
    );
    assert_eq!(
        model_cr_amount(
            rate,
            day(2005, 11, 18),
            2006,
            Some("13.42".parse().unwrap())
        ),
        1_342_000_000
    );
    assert_eq!(half_even(5, 2), 2);
    assert_eq!(half_even(7, 2), 4);
}

/// The generator reaches every action and every refusal: 256 fixed sequences, counted by
/// action and outcome (run with `--nocapture` to see the table).
#[test]
#[allow(clippy::print_stdout)]
fn generator_covers_every_action_and_refusal() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut rng = TestRunner::deterministic();
    let strategy = (0usize..10, 2u32..25, ops());
    let mut outcomes: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    for _ in 0..256 {
        let (start, pace, ops) = strategy.new_tree(&mut rng).unwrap().current();
        let mut runner = Runner::new(start, pace, false);
        for op in ops {
            runner.step(op);
        }
        for (k, v) in runner.outcomes {
            *outcomes.entry(k).or_default() += v;
        }
    }
    let mut by_outcome: BTreeMap<String, usize> = BTreeMap::new();
    for ((action, outcome), n) in &outcomes {
        println!("{action:20} {outcome:40} {n}");
        *by_outcome.entry(outcome.clone()).or_default() += n;
    }
    for action in [
        "appropriate",
        "continuing_resolution",
        "apportion",
        "allot",
        "allocate",
        "commit",
        "decommit",
        "obligate",
        "obligate_on_allotment",
        "adjust_obligation",
        "disburse",
        "refund",
        "transfer",
        "reprogram",
        "rescind",
        "charge_to_current",
        "collect",
        "collect_earned",
        "reverse_collection",
    ] {
        let applied = outcomes
            .get(&(action, "applied".to_owned()))
            .copied()
            .unwrap_or(0);
        assert!(applied > 0, "no {action} was ever applied");
    }
    for outcome in [
        "duplicate",
        "Conflict",
        "RecordedOutOfOrder",
        "Shape",
        "UnknownAccount",
        "AccountExists",
        "UnknownAllotment",
        "UnknownAllocation",
        "UnknownCommitment",
        "UnknownObligation",
        "UnknownCollection",
        "DocumentExists",
        "ApportionmentMixed",
        "NotAvailable",
        "BeforeEnactment",
        "Purpose",
        "Exceeds(Appropriation)",
        "Exceeds(Apportionment)",
        "Exceeds(Allotment)",
        "Exceeds(Allocation)",
        "Exceeds(Commitment)",
        "Exceeds(Obligation)",
        "Exceeds(Disbursement)",
        "Exceeds(ChargeToCurrentLimit)",
        "Exceeds(Collection)",
        "Ineligible",
    ] {
        assert!(
            by_outcome.get(outcome).is_some_and(|n| *n > 0),
            "the generator never produced {outcome}"
        );
    }
    assert!(
        by_outcome.keys().any(|k| k.starts_with("BreaksLater")),
        "the generator never broke a later entry"
    );
}

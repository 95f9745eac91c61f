//! The main example: a fiscal year of the seed paper's homeland-security assistance program.
//!
//! FY2008 two-year money (`070-2008/2009-0100`, $150,000,000) is appropriated, apportioned
//! and allotted to the implementing agencies. A priority allocation divides $60,000,000
//! across twenty partner requests (North Korea refused under a sanction, Sudan allowed
//! under a Presidential waiver, each with its explanation). Then the instruments move the
//! money: resident training enrollments and a mobile training team, a grant to the
//! Philippines that pays part of a sales case, a loan to Mexico, an excess-article transfer
//! to Nigeria with its reactivation, a one-stop package for Colombia built from the menu,
//! and a cost-shared research project with the United Kingdom and Canada whose
//! contributions are collected into the account (Canada ends the year in arrears). At year
//! end it prints the status of funds by agency and program, by mission area and by region,
//! the clearinghouse, SF-133 lines, the quarterly oversight status and what the money buys
//! in international standards (the interoperability report for Colombia, with its gaps);
//! writes the funding-flow picture (SVG and Mermaid) and the interoperability report (CSV
//! and JSON); and shows the money expiring on 1 October 2009. Finally it keeps the year in
//! SQLite (`target/fiscal_year/ledger.sqlite`), reopens it and shows that the reopened
//! ledger equals the live one.
//!
//! The eligibility rules apply to Homeland Security funds by analogy (policy, not
//! statute); the living-allowance rates, tuition and prices are illustrative.
//!
//! ```sh
//! cargo run --example fiscal_year
//! ```
#![allow(clippy::print_stdout, clippy::arithmetic_side_effects)]

use std::error::Error;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;
use security_assistance::budget::{
    AccountSymbol, Action, Actor, AllocationKey, Apportionment, Command, CommandId, Dimension,
    DocumentId, Funding, Instrument, JournalEntry, Ledger, MissionRegister, StatusQuery,
};
use security_assistance::eligibility::{
    Engine, Fact, FactKind, Facts, Official, Outcome, RuleId, RuleSet, Waiver, WaiverScope,
};
use security_assistance::homeland::{
    Agency, AllocationRequest, AllocationResult, Assessment, COOPERATION_AUTHORITY, Catalog,
    Category, CooperationContext, Delivery, Domain, Finding, FundingKind, FundingSource,
    MissionArea, Offering, Oversight, PackageContext, PackageItem, PackageSpec, Priorities,
    Project, Release, ResultKind, ResultsRegister, SharedResult, StandardRef, Standards, Standing,
    Tag, allocate,
};
use security_assistance::notification::Thresholds;
use security_assistance::programs::excess::{
    CapTable, ConditionCode, ExcessArticle, ExcessProgram, TransferRequest, TransferTerms,
    Transport,
};
use security_assistance::programs::financing::{
    DayCount, DirectLoan, FinancingAgreement, Grant, LoanTerms, RepaymentMethod,
};
use security_assistance::programs::sales::{
    self, Case, CaseRequest, ImplementationBasis, LineSpec, TermsOfSale, TrustFund,
};
use security_assistance::programs::training::{
    CostBuildUp, CountryListing, Course, CourseCatalog, CourseKind, CourseLength, DailyRates,
    Enrollment, EnrollmentRequest, MealRate, MobileTeam, RateTable, Stay, Trainee, Tuition,
    TuitionPricing, resident_cost,
};
use security_assistance::report::{
    FlowGraph, InteropQuery, InteropReport, InteropScope, Measure, StatusReport,
};
use security_assistance::store::{DurableLedger, FixedClock};
use security_assistance::{Citation, CountryCode, FiscalYear, Money, ProgramKind, Rounding};
use security_assistance_sqlite::SqliteStore;

type Res<T> = Result<T, Box<dyn Error>>;

fn day(y: i32, m: u32, d: u32) -> Res<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}").into())
}

fn money(s: &str) -> Res<Money> {
    Ok(s.parse()?)
}

/// The homeland account: FY2008/2009 money of agency 070 (Homeland Security).
pub const ACCOUNT: &str = "070-2008/2009-0100";

/// Runs the whole example (public so that the integration tests can run it too).
pub fn main() -> Res<()> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("fiscal_year");
    let year = homeland_year_in(&dir.join("ledger.sqlite"))?;
    year.report()?;
    year.keep_in_sqlite()?;
    delegated_authority()
}

/// The name of the ledger the example keeps in SQLite.
pub const LEDGER_NAME: &str = "homeland-fy2008";

/// The head of agency 070, the root of the year's delegations (31 U.S.C. 1514(a)).
pub const AGENCY_HEAD: &str = "secretary-of-homeland-security";

/// The certifying officer who certifies every voucher the year pays (31 U.S.C. 3325(a)(1)).
pub const CERTIFYING_OFFICER: &str = "dhs-certifying-officer";

/// A Coast Guard program officer whose delegation allows obligations of at most $250,000
/// each: the year shows one of hers beyond it refused.
pub const PROGRAM_OFFICER: &str = "uscg-program-officer";

/// The policy the year's books run under: delegated authority, the Secretary of Homeland
/// Security heading agency 070. No second approval: this agency's regulations (in the
/// example) set no threshold; `delegated_authority` shows one.
pub fn policy() -> Res<security_assistance::budget::Policy> {
    use security_assistance::budget::{AgencyHead, DelegatedAuthority, Policy};
    Ok(Policy::Delegated(DelegatedAuthority {
        heads: vec![AgencyHead {
            agency: 70,
            actor: AGENCY_HEAD.parse()?,
        }],
        second_approval_above: None,
    }))
}

impl Year {
    /// The year's books are kept in SQLite write-ahead, command by command (see
    /// [`Year::durably`]); this saves a checkpoint, reopens the file and shows that the
    /// reopened ledger equals the live one.
    pub fn keep_in_sqlite(mut self) -> Res<()> {
        let checkpoint = self.books.checkpoint()?;
        let path = self.books.store().location().to_owned();
        let live = self.ledger().clone();
        let engine = self.engine.clone();
        drop(self);
        let store = SqliteStore::open(&path, LEDGER_NAME)?;
        let clock = Arc::new(FixedClock::new(day(2009, 12, 1)?));
        // The store records the policy; the year reopens under it, never open.
        let reopened = DurableLedger::open(store, clock, engine, policy()?)?;
        if reopened.ledger() != &live {
            return Err("the ledger reopened from SQLite differs from the live one".into());
        }
        println!(
            "\nkept in SQLite: {} ({} entries, checkpoint at sequence {}); reopened, it equals the live ledger",
            path,
            reopened.ledger().journal().len(),
            checkpoint.map_or("-".to_owned(), |s| s.to_string()),
        );
        Ok(())
    }

    /// The live ledger: every command made durable, and nothing else.
    pub fn ledger(&self) -> &Ledger {
        self.books.ledger()
    }

    /// One step of the year, written ahead: `step` runs on a copy of the ledger (a dry
    /// run, as the programs apply their commands to the ledger they are given); the
    /// commands it applied there are then made durable in SQLite, with the service's clock
    /// set to their recorded date, and only then applied to the live ledger.
    ///
    /// The programs build their commands without the voucher's certifying officer: the dry
    /// run is open, and each disbursement is certified by [`CERTIFYING_OFFICER`] on its way
    /// to the books, which run under delegated authority and check every signature.
    fn durably<T>(&mut self, step: impl FnOnce(&mut Ledger) -> Res<T>) -> Res<T> {
        let mut scratch = self.books.ledger().clone();
        scratch.set_policy(security_assistance::budget::Policy::Open)?;
        let officer: Actor = CERTIFYING_OFFICER.parse()?;
        let known = self.books.ledger().journal().len() as u64;
        let value = step(&mut scratch)?;
        let mut new: Vec<JournalEntry> = scratch
            .journal()
            .iter()
            .filter(|e| e.sequence >= known)
            .collect();
        new.sort_by_key(|e| e.sequence);
        // One durable write per recorded date (the clock stamps a batch with one date).
        let mut rest = new.as_slice();
        while let Some(first) = rest.first() {
            let recorded = first.command.recorded;
            let n = rest
                .iter()
                .take_while(|e| e.command.recorded == recorded)
                .count();
            let (batch, tail) = rest.split_at(n);
            self.clock.set(recorded);
            let commands = batch
                .iter()
                .map(|e| match e.command.action {
                    Action::Disburse { .. } => e.command.clone().certified_by(officer.clone()),
                    _ => e.command.clone(),
                })
                .collect();
            self.books.apply_all(commands)?;
            rest = tail;
        }
        let query = StatusQuery::new(day(2099, 12, 31)?, &[Dimension::Account]);
        if self.books.ledger().journal().len() != scratch.journal().len()
            || self.books.ledger().status_of_funds(&query)? != scratch.status_of_funds(&query)?
        {
            return Err("the ledger written ahead differs from its dry run".into());
        }
        Ok(value)
    }
}

/// The program's year: the ledger with every command applied, and the oversight register.
#[derive(Debug)]
pub struct Year {
    /// The books: the ledger kept in SQLite, written ahead ([`Year::ledger`] reads it).
    books: DurableLedger<SqliteStore>,
    /// The service's clock, set to each step's recorded date.
    clock: Arc<FixedClock>,
    /// The eligibility engine (the ledger's gate).
    pub engine: Arc<Engine>,
    /// The homeland account.
    pub account: AccountSymbol,
    /// The register of obligating documents by partner, mission area and agency.
    pub oversight: Oversight,
    /// Documents with a mission area but no single partner (cost-shared research).
    pub research: Vec<(DocumentId, MissionArea)>,
    /// The clearinghouse of shared research results.
    pub results: ResultsRegister,
    /// The international standards the mission areas are measured against.
    pub standards: Standards,
    /// The partners' assessed standing against them.
    pub standing: Standing,
    /// The command beyond its actor's delegation, and why the books refused it.
    pub refused: Option<(Command, security_assistance::store::ServiceError)>,
    actor: Actor,
    next_id: u32,
}

impl Year {
    fn id(&mut self) -> Res<CommandId> {
        self.next_id += 1;
        Ok(format!("HS-{:03}", self.next_id).parse()?)
    }

    fn apply(&mut self, date: NaiveDate, action: Action) -> Res<()> {
        let id = self.id()?;
        let command = Command::new(id, date, self.actor.clone(), action);
        self.durably(|ledger| Ok(ledger.apply(command)?))?;
        Ok(())
    }

    fn tag(
        &mut self,
        document: &DocumentId,
        partner: CountryCode,
        mission: MissionArea,
        agency: Agency,
    ) {
        let tag = Tag {
            partner,
            mission,
            agency,
        };
        self.oversight.register(&[(document.clone(), tag)]);
    }
}

/// The facts the year's eligibility decisions rest on: a general sanction on North Korea,
/// and Sudan's state-sponsor designation with a Presidential waiver for training.
fn facts() -> Res<Facts> {
    let cite = Citation::new("example fact base", "illustrative");
    let mut facts = Facts::new();
    facts.add(Fact::new(
        "PRK".parse()?,
        FactKind::Sanction {
            name: "embargo".into(),
            programs: ProgramKind::ALL.to_vec(),
        },
        day(2007, 1, 1)?,
        cite.clone(),
        day(2007, 1, 1)?,
    ));
    facts.add(
        Fact::new(
            "SDN".parse()?,
            FactKind::StateSponsorOfTerrorism,
            day(1993, 8, 12)?,
            cite,
            day(1993, 8, 12)?,
        )
        .until(day(2020, 12, 14)?),
    );
    facts.add_waiver(Waiver {
        id: "PD-2008-07".into(),
        rule: RuleId::new("state-sponsor"),
        partner: "SDN".parse()?,
        scope: WaiverScope::Programs(vec![ProgramKind::Training]),
        granted_by: Official::President,
        provision: Citation::new("22 U.S.C.", "2371").with_paragraph("(d)"),
        valid_from: day(2008, 1, 15)?,
        valid_to: Some(day(2008, 9, 30)?),
        notice_given: Some(day(2007, 12, 20)?),
        recorded: day(2007, 12, 20)?,
    });
    Ok(facts)
}

/// The whole year, printed as it goes, kept in a new SQLite file in the system's
/// temporary directory; returns the ledger and the register.
pub fn homeland_year() -> Res<Year> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sa-fiscal-year-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    homeland_year_in(&dir.join("ledger.sqlite"))
}

/// The whole year, printed as it goes, its books kept write-ahead in a new SQLite file at
/// `path` (any file there is replaced); returns the ledger and the register.
pub fn homeland_year_in(path: &std::path::Path) -> Res<Year> {
    println!("== FY2008 homeland-security assistance (the seed paper's program)");
    let engine = Arc::new(Engine::new(facts()?, RuleSet::builtin()));
    let account: AccountSymbol = ACCOUNT.parse()?;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(file));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let clock = Arc::new(FixedClock::new(day(2007, 10, 1)?));
    let store = SqliteStore::create(path, LEDGER_NAME)?;
    let mut year = Year {
        books: DurableLedger::open(store, clock.clone(), engine.clone(), policy()?)?,
        clock,
        engine,
        account,
        oversight: Oversight::new(account, Thresholds::current().homeland),
        research: Vec::new(),
        results: ResultsRegister::new(),
        standards: Standards::builtin(),
        standing: Standing::new(),
        refused: None,
        actor: "dhs-oia".parse()?,
        next_id: 0,
    };
    delegate(&mut year)?;
    fund(&mut year)?;
    let allocation = allocate_by_priority(&mut year)?;
    run_the_instruments(&mut year)?;
    refuse_beyond_delegation(&mut year)?;
    println!(
        "\nNorth Korea received nothing: {}",
        allocation
            .lines
            .iter()
            .find(|l| l.decision.outcome() == Outcome::Ineligible)
            .map_or("-".to_owned(), |l| l.decision.explanation())
    );
    Ok(year)
}

/// Fund control (31 U.S.C. 1514(a)): the Secretary, head of agency 070, delegates the
/// account to the Office of International Affairs (the year's funds holder, which
/// obligates and pays), which re-delegates certification to a certifying officer
/// (31 U.S.C. 3325(a)(1)) and a limited obligating authority to a Coast Guard program
/// officer. Prints the chain from the agency head.
fn delegate(year: &mut Year) -> Res<()> {
    use security_assistance::budget::{Grant as Delegation, Power, Role, Scope};
    let account = year.account;
    let on = day(2007, 10, 1)?;
    let scope = |holders: Vec<security_assistance::budget::FundsHolder>| Scope {
        accounts: vec![account],
        holders,
        programs: Vec::new(),
        partners: Vec::new(),
    };
    let grants = [
        (
            "DEL-1",
            AGENCY_HEAD,
            Delegation {
                parent: None,
                to: year.actor.clone(),
                role: Role::FundsHolder,
                scope: scope(Vec::new()),
                powers: vec![
                    Power::Allot,
                    Power::Allocate,
                    Power::Commit,
                    Power::Obligate,
                    Power::Disburse,
                    Power::Certify,
                ],
                per_command: None,
                per_year: None,
                expires: None,
            },
        ),
        (
            "DEL-2",
            "dhs-oia",
            Delegation {
                parent: Some("DEL-1".parse()?),
                to: CERTIFYING_OFFICER.parse()?,
                role: Role::CertifyingOfficer,
                scope: scope(Vec::new()),
                powers: vec![Power::Certify],
                per_command: None,
                per_year: None,
                expires: None,
            },
        ),
        (
            "DEL-3",
            "dhs-oia",
            Delegation {
                parent: Some("DEL-1".parse()?),
                to: PROGRAM_OFFICER.parse()?,
                role: Role::FundsHolder,
                scope: scope(vec![Agency::CoastGuard.holder()]),
                powers: vec![Power::Obligate],
                per_command: Some(money("250000")?),
                per_year: Some(money("1000000")?),
                expires: Some(day(2008, 9, 30)?),
            },
        ),
    ];
    let commands = grants
        .into_iter()
        .map(|(id, by, grant)| -> Res<Command> {
            Ok(Command::new(
                id.parse()?,
                on,
                by.parse()?,
                Action::Delegate { grant },
            ))
        })
        .collect::<Res<Vec<_>>>()?;
    year.clock.set(on);
    year.books.apply_all(commands)?;
    println!("\nfund control (31 U.S.C. 1514(a)), the chain from the head of agency 070:");
    for d in year.ledger().delegations(on, None) {
        let limit = d
            .grant
            .per_command
            .map_or(String::new(), |l| format!(", at most {l} a command"));
        let powers: Vec<String> = d.grant.powers.iter().map(ToString::to_string).collect();
        println!(
            "  {} {} -> {} as {:?}: {}{}",
            d.id,
            d.from,
            d.grant.to,
            d.grant.role,
            powers.join(", "),
            limit
        );
    }
    Ok(())
}

/// The Coast Guard program officer tries to obligate $1,000,000, four times her limit per
/// command: the books refuse it under 31 U.S.C. 1517(a)(2) and nothing changes. (The limit
/// per command is judged before the delegation's expiry, so the refusal names it whatever
/// the day.)
fn refuse_beyond_delegation(year: &mut Year) -> Res<()> {
    // On the day of the year's last entry (the service's clock never runs backward).
    let on = year
        .ledger()
        .journal()
        .iter()
        .map(|e| e.command.recorded)
        .max()
        .ok_or("an empty journal")?;
    let key = AllocationKey::new(
        Agency::CoastGuard.holder(),
        ProgramKind::Training,
        Some("COL".parse()?),
    );
    let command = Command::new(
        "USCG-1".parse()?,
        on,
        PROGRAM_OFFICER.parse()?,
        Action::Obligate {
            account: year.account,
            document: "USCG-BEYOND-1".parse()?,
            instrument: Instrument::GrantAgreement,
            funding: Funding::Allocation { key },
            amount: money("1000000")?,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    );
    let before = year.ledger().clone();
    year.clock.set(on);
    let error = match year.books.apply(command.clone()) {
        Ok(_) => return Err("an obligation beyond its actor's delegation was applied".into()),
        Err(error) => error,
    };
    if year.ledger() != &before {
        return Err("a refused command changed the books".into());
    }
    let mut why = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(next) = cause {
        why.push_str(": ");
        why.push_str(&next.to_string());
        cause = next.source();
    }
    println!(
        "\nrefused: {} obligating {} on {}: {why}",
        command.actor,
        command.action.amount(),
        on
    );
    year.refused = Some((command, error));
    Ok(())
}

/// Appropriation, apportionment and allotments to the agencies.
fn fund(year: &mut Year) -> Res<()> {
    let account = year.account;
    let enacted = day(2007, 12, 26)?;
    let total = money("150000000")?;
    year.apply(
        enacted,
        Action::Appropriate {
            account,
            title: "International Homeland Security Assistance (proposed)".into(),
            purposes: vec![
                ProgramKind::Training,
                ProgramKind::Financing,
                ProgramKind::Sales,
                ProgramKind::ExcessArticles,
                ProgramKind::Leases,
                ProgramKind::TechnologyCooperation,
            ],
            amount: total,
            law: "proposal after Heritage Backgrounder No. 2078".into(),
        },
    )?;
    year.apply(
        enacted,
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1)?,
            },
            amount: total,
        },
    )?;
    println!("\n{account}: {total} appropriated 2007-12-26 and apportioned; allotted to");
    for (agency, amount) in [
        (Agency::CoastGuard, "50000000"),
        (Agency::TransportationSecurityAdministration, "35000000"),
        (Agency::CustomsAndBorderProtection, "35000000"),
        (Agency::EmergencyManagement, "15000000"),
        (Agency::ScienceAndTechnology, "5000000"),
        (Agency::InternationalAffairs, "10000000"),
    ] {
        let amount = money(amount)?;
        year.apply(
            enacted,
            Action::Allot {
                account,
                holder: agency.holder(),
                amount,
            },
        )?;
        println!(
            "  {:<6} {:>16}",
            agency.holder().to_string(),
            amount.to_string()
        );
    }
    Ok(())
}

/// A priority allocation of $60,000,000 across twenty partner requests.
fn allocate_by_priority(year: &mut Year) -> Res<AllocationResult> {
    use Agency::{
        CoastGuard as Uscg, CustomsAndBorderProtection as Cbp, EmergencyManagement as Fema,
        TransportationSecurityAdministration as Tsa,
    };
    use MissionArea as M;
    use ProgramKind::{ExcessArticles as Eda, Financing as Fin, Training as Trn};
    let asks = [
        ("COL", M::MaritimeSecurity, Uscg, Trn, "6000000"),
        ("MEX", M::BorderControl, Cbp, Fin, "8000000"),
        ("PAN", M::MaritimeSecurity, Uscg, Trn, "3000000"),
        ("JAM", M::AviationSecurity, Tsa, Trn, "2000000"),
        ("DOM", M::MaritimeSecurity, Uscg, Trn, "2500000"),
        ("KEN", M::AviationSecurity, Tsa, Trn, "3000000"),
        ("NGA", M::MaritimeSecurity, Uscg, Eda, "5000000"),
        ("GHA", M::MaritimeSecurity, Uscg, Trn, "2000000"),
        ("SDN", M::DisasterResponse, Fema, Trn, "1500000"),
        ("JOR", M::BorderControl, Cbp, Fin, "4000000"),
        ("MAR", M::AviationSecurity, Tsa, Trn, "2500000"),
        ("EGY", M::MaritimeSecurity, Uscg, Fin, "4500000"),
        ("PAK", M::BorderControl, Cbp, Fin, "5000000"),
        ("IND", M::AviationSecurity, Tsa, Trn, "3500000"),
        ("BGD", M::DisasterResponse, Fema, Trn, "2000000"),
        ("IDN", M::MaritimeSecurity, Uscg, Fin, "4000000"),
        ("PHL", M::MaritimeSecurity, Uscg, Fin, "4000000"),
        ("VNM", M::DisasterResponse, Fema, Trn, "1500000"),
        ("POL", M::AviationSecurity, Tsa, Trn, "2000000"),
        ("PRK", M::AviationSecurity, Tsa, Trn, "1000000"),
    ];
    let mut requests = Vec::new();
    for (partner, mission, agency, program, amount) in asks {
        requests.push(AllocationRequest {
            id: format!("REQ-{partner}"),
            partner: partner.parse()?,
            mission,
            agency,
            program,
            amount: money(amount)?,
            standards: Vec::new(),
        });
    }
    let priorities = Priorities {
        floor: money("250000")?,
        ..Priorities::seed()
    };
    let on = day(2008, 2, 1)?;
    let result = allocate(
        money("60000000")?,
        on,
        &requests,
        &priorities,
        year.engine.as_ref(),
    )?;
    println!(
        "\npriority allocation of {} on {on}: score = mission weight x region weight; \
         water-filling from the top score, floor {}, ties by request id",
        result.budget, priorities.floor
    );
    println!(
        "  {:<4} {:<44} {:<6} {:>5} {:>15} {:>15}",
        "", "mission", "agency", "score", "requested", "allocated"
    );
    for line in &result.lines {
        let r = &line.request;
        println!(
            "  {:<4} {:<44} {:<6} {:>5} {:>15} {:>15}",
            r.partner.to_string(),
            r.mission.to_string(),
            r.agency.holder().to_string(),
            line.score.to_string(),
            r.amount.to_string(),
            line.amount.to_string(),
        );
    }
    for line in &result.lines {
        if line.decision.outcome() != Outcome::Eligible {
            println!("  {}", line.decision.explanation());
        }
    }
    println!(
        "  allocated {}, unallocated {}",
        result.allocated, result.unallocated
    );
    let actor = year.actor.clone();
    for command in result.commands(&year.account, on, &actor, "ALLOC")? {
        year.durably(|ledger| Ok(ledger.apply(command)?))?;
    }
    Ok(result)
}

/// The courses of the year (tuition illustrative).
fn courses() -> Res<CourseCatalog> {
    let mut catalog = CourseCatalog::new();
    for (id, title, school, location, kind, length, full, incremental) in [
        (
            "TSA-ASM",
            "Aviation security management",
            "TSA international training",
            "Oklahoma City, OK",
            CourseKind::Resident,
            CourseLength::Weeks(2),
            "7500",
            "5200",
        ),
        (
            "FEMA-IEM",
            "Integrated emergency management",
            "FEMA Emergency Management Institute",
            "Emmitsburg, MD",
            CourseKind::Resident,
            CourseLength::Weeks(1),
            "3400",
            "2600",
        ),
        (
            "USCG-PFS",
            "Port facility security",
            "USCG international mobile training",
            "Panama City",
            CourseKind::MobileTrainingTeam,
            CourseLength::Days(10),
            "0",
            "0",
        ),
    ] {
        let tuition = Tuition::new(money(full)?, money(incremental)?)?;
        catalog.add(Course::new(
            id.parse()?,
            title,
            school,
            location,
            kind,
            length,
            tuition,
        )?)?;
    }
    Ok(catalog)
}

/// The cost of a resident course (living-allowance rates illustrative, not the JFTR's).
fn resident(
    catalog: &CourseCatalog,
    course: &str,
    partner: &str,
    start: NaiveDate,
    travel: &str,
    stay: &Stay,
) -> Res<CostBuildUp> {
    let source = || Citation::new("illustrative", "not the JFTR");
    let mut rates = RateTable::new();
    for (location, lodging, meals) in [
        ("Oklahoma City, OK", "89", "51"),
        ("Emmitsburg, MD", "94", "54"),
    ] {
        rates.add(DailyRates::new(
            location,
            day(2007, 10, 1)?,
            money(lodging)?,
            money(meals)?,
            source(),
        )?)?;
    }
    let pricing = TuitionPricing::new().with_imet_recipient(CountryListing::new(
        "JAM".parse()?,
        day(2007, 10, 1)?,
        Citation::new("Congressional Budget Justification", "FY2008 IMET"),
    ));
    Ok(resident_cost(
        catalog.get(&course.parse()?)?,
        partner.parse()?,
        start,
        money(travel)?,
        stay,
        &pricing,
        &rates,
    )?)
}

/// One enrollment of the year.
struct Plan {
    document: &'static str,
    partner: &'static str,
    course: &'static str,
    start: NaiveDate,
    trainee: Trainee,
    estimate: CostBuildUp,
    agency: Agency,
    mission: MissionArea,
}

impl Year {
    fn log(&self, date: NaiveDate, what: impl std::fmt::Display) {
        println!("  {date}  {what}");
    }

    fn enroll(&mut self, catalog: &CourseCatalog, plan: Plan, on: NaiveDate) -> Res<Enrollment> {
        let partner: CountryCode = plan.partner.parse()?;
        let request = EnrollmentRequest {
            document: plan.document.parse()?,
            partner,
            course: plan.course.parse()?,
            start: plan.start,
            trainee: plan.trainee,
            account: self.account,
            holder: plan.agency.holder(),
            enrolled_on: on,
        };
        let total = plan.estimate.total();
        let explained: Vec<String> = plan
            .estimate
            .lines()
            .iter()
            .map(|l| l.explanation().to_owned())
            .collect();
        let id = self.id()?;
        let actor = self.actor.clone();
        let (enrollment, _) = self.durably(|ledger| {
            Ok(Enrollment::enroll(
                request,
                catalog,
                plan.estimate,
                ledger,
                id,
                actor,
            )?)
        })?;
        self.log(
            on,
            format!(
                "enroll {} in {} from {}: {total} committed\n{:14}{}",
                plan.document,
                plan.course,
                plan.start,
                "",
                explained.join(&format!("\n{:14}", ""))
            ),
        );
        self.tag(enrollment.document(), partner, plan.mission, plan.agency);
        Ok(enrollment)
    }

    fn vet_and_obligate(
        &mut self,
        e: &mut Enrollment,
        vet_on: NaiveDate,
        on: NaiveDate,
    ) -> Res<()> {
        e.vet(self.engine.as_ref(), vet_on)?;
        let id = self.id()?;
        let actor = self.actor.clone();
        let receipt = self.durably(|ledger| Ok(e.obligate(ledger, on, id, actor)?))?;
        let how = receipt
            .decision
            .filter(|d| d.outcome() != Outcome::Eligible)
            .map_or(String::new(), |d| format!(" ({})", d.explanation()));
        self.log(
            on,
            format!("obligate {} after vetting on {vet_on}{how}", e.document()),
        );
        Ok(())
    }

    /// Pays `amount` on `document` directly through the ledger, and says so.
    fn disburse(
        &mut self,
        on: NaiveDate,
        document: DocumentId,
        amount: &str,
        what: &str,
    ) -> Res<()> {
        let amount = money(amount)?;
        self.apply(
            on,
            Action::Disburse {
                account: self.account,
                document: document.clone(),
                amount,
            },
        )?;
        self.log(on, format!("pay {amount} {what} ({document})"));
        Ok(())
    }

    fn pay(&mut self, e: &mut Enrollment, on: NaiveDate, amount: &str) -> Res<()> {
        let id = self.id()?;
        let amount = money(amount)?;
        let actor = self.actor.clone();
        self.durably(|ledger| Ok(e.pay(ledger, on, amount, id, actor)?))?;
        self.log(on, format!("pay {amount} on {}", e.document()));
        Ok(())
    }

    fn complete(&mut self, e: &mut Enrollment, on: NaiveDate) -> Res<()> {
        let id = self.id()?;
        let actor = self.actor.clone();
        self.durably(|ledger| Ok(e.complete(ledger, on, id, actor)?))?;
        let balance = self
            .ledger()
            .obligation(&self.account, e.document())
            .ok_or("obligation")?;
        self.log(
            on,
            format!(
                "complete {}: obligated {}, paid {}",
                e.document(),
                balance.obligated,
                balance.disbursed
            ),
        );
        Ok(())
    }
}

/// The year's instruments, in date order (the ledger records in time order): training
/// enrollments and a mobile team, the Colombia package, a grant to the Philippines that
/// pays part of a sales case, a loan to Mexico, and an excess-article transfer to Nigeria.
fn run_the_instruments(year: &mut Year) -> Res<()> {
    println!("\nthe year, day by day:");
    let catalog = courses()?;
    let paid = Stay::Paid {
        actual_lodging: money("85")?,
        meals: MealRate::Local,
    };
    let account = year.account;
    let actor = year.actor.clone();
    let agreement = |document: &str, agency: Agency, partner: &str| -> Res<FinancingAgreement> {
        Ok(FinancingAgreement::new(
            document.parse()?,
            account,
            agency.holder(),
            partner.parse()?,
        ))
    };

    let jamaica = Plan {
        document: "JAM-T-001",
        partner: "JAM",
        course: "TSA-ASM",
        start: day(2008, 4, 7)?,
        trainee: Trainee::Student {
            name: "Insp. G".into(),
            unit: "Jamaica Civil Aviation Authority".into(),
            civilian: false,
        },
        estimate: resident(&catalog, "TSA-ASM", "JAM", day(2008, 4, 7)?, "1150", &paid)?,
        agency: Agency::TransportationSecurityAdministration,
        mission: MissionArea::AviationSecurity,
    };
    let mut jam = year.enroll(&catalog, jamaica, day(2008, 2, 15)?)?;
    year.vet_and_obligate(&mut jam, day(2008, 3, 1)?, day(2008, 3, 3)?)?;

    package(year, day(2008, 3, 3)?)?;

    let panama = Plan {
        document: "PAN-T-001",
        partner: "PAN",
        course: "USCG-PFS",
        start: day(2008, 5, 12)?,
        trainee: Trainee::Unit {
            name: "SENAN port security detachment".into(),
        },
        estimate: MobileTeam::new(4, 10, 3, money("215")?, money("980")?, money("390")?)?.cost()?,
        agency: Agency::CoastGuard,
        mission: MissionArea::MaritimeSecurity,
    };
    let mut pan = year.enroll(&catalog, panama, day(2008, 3, 10)?)?;

    let mut grant = Grant::new(
        agreement("PH-H-GAA", Agency::CoastGuard, "PHL")?,
        money("4000000")?,
    )?;
    let id = year.id()?;
    year.durably(|ledger| Ok(grant.obligate(ledger, day(2008, 3, 14)?, id, actor.clone())?))?;
    year.tag(
        grant.agreement().document(),
        "PHL".parse()?,
        MissionArea::MaritimeSecurity,
        Agency::CoastGuard,
    );
    year.log(
        day(2008, 3, 14)?,
        format!("obligate grant PH-H-GAA to PHL: {}", grant.amount()),
    );

    // A sales case for two patrol boats, paid partly from the grant.
    let mut case = Case::new(CaseRequest::new(
        "PH-H-SAA".parse()?,
        "PHL".parse()?,
        day(2008, 3, 17)?,
        TermsOfSale::CashWithAcceptance,
        Rounding::HalfEven,
    ));
    case.begin_development(day(2008, 3, 18)?)?;
    case.add_line(
        day(2008, 3, 18)?,
        LineSpec::new("coastal patrol boat", 2, money("1250000")?),
    )?;
    let total = case.total()?;
    let from_grant = money("2000000")?;
    let own = total.checked_sub(from_grant)?;
    let reference = grant.reference();
    case.set_funding(
        day(2008, 3, 18)?,
        vec![
            sales::FundingSource::FinancingGrant {
                document: reference.document.clone(),
                account: reference.account,
                amount: from_grant,
            },
            sales::FundingSource::OwnFunds { amount: own },
        ],
    )?;

    year.vet_and_obligate(&mut pan, day(2008, 3, 24)?, day(2008, 3, 25)?)?;

    case.offer(
        day(2008, 4, 1)?,
        day(2008, 3, 31)?,
        None,
        &Thresholds::current(),
        year.engine.as_ref(),
    )?;
    year.log(
        day(2008, 4, 1)?,
        format!("offer sales case PH-H-SAA to PHL: {total}, lines and surcharge"),
    );

    // A loan to Mexico for border inspection equipment.
    let terms = LoanTerms::single_disbursement(
        money("4800000")?,
        "4.5".parse()?,
        day(2008, 4, 15)?,
        day(2008, 10, 15)?,
        16,
        RepaymentMethod::LevelPrincipal,
        DayCount::Thirty360,
        Rounding::HalfEven,
    );
    let mut loan = DirectLoan::new(
        agreement("MX-H-LAA", Agency::CustomsAndBorderProtection, "MEX")?,
        terms,
    )?;
    let id = year.id()?;
    year.durably(|ledger| Ok(loan.obligate(ledger, day(2008, 4, 1)?, id, actor.clone())?))?;
    year.tag(
        loan.agreement().document(),
        "MEX".parse()?,
        MissionArea::BorderControl,
        Agency::CustomsAndBorderProtection,
    );
    let first = loan.schedule().first().ok_or("schedule")?;
    year.log(
        day(2008, 4, 1)?,
        format!(
            "obligate loan MX-H-LAA to MEX: {} at 4.5 %, 16 semiannual installments of \
             level principal from {} (first {}), interest over its life {}",
            loan.terms().principal,
            first.due,
            first.total()?,
            loan.total_interest()?
        ),
    );
    year.pay(&mut jam, day(2008, 4, 1)?, "1150")?;

    case.accept(day(2008, 4, 15)?)?;
    let mut trust = TrustFund::new();
    let id = year.id()?;
    year.durably(|ledger| {
        Ok(trust.deposit_financing(
            &case,
            day(2008, 4, 15)?,
            from_grant,
            &reference.document,
            ledger,
            id,
            actor.clone(),
        )?)
    })?;
    trust.deposit(&case, day(2008, 4, 15)?, own, "PHL".parse()?)?;
    year.log(
        day(2008, 4, 15)?,
        format!("PHL accepts PH-H-SAA: {from_grant} drawn on the grant, {own} of its own cash"),
    );
    let id = year.id()?;
    year.durably(|ledger| Ok(loan.post_disbursement(ledger, 1, id, actor.clone())?))?;
    year.log(day(2008, 4, 15)?, "disburse the loan to MEX");
    case.implement(
        day(2008, 4, 16)?,
        ImplementationBasis::InitialDeposit,
        &trust,
    )?;

    // The Jamaican student left a day early.
    year.pay(&mut jam, day(2008, 4, 25)?, "7111")?;
    year.complete(&mut jam, day(2008, 4, 30)?)?;

    transfer_excess(year, day(2008, 5, 20)?)?;

    let sudan = Plan {
        document: "SDN-T-001",
        partner: "SDN",
        course: "FEMA-IEM",
        start: day(2008, 9, 8)?,
        trainee: Trainee::Student {
            name: "Mr. H".into(),
            unit: "Humanitarian Aid Commission".into(),
            civilian: false,
        },
        estimate: resident(
            &catalog,
            "FEMA-IEM",
            "SDN",
            day(2008, 9, 8)?,
            "2300",
            &Stay::FreeQuartersAndMess,
        )?,
        agency: Agency::EmergencyManagement,
        mission: MissionArea::DisasterResponse,
    };
    let mut sdn = year.enroll(&catalog, sudan, day(2008, 6, 2)?)?;
    year.pay(&mut pan, day(2008, 6, 2)?, "17200")?;
    year.complete(&mut pan, day(2008, 6, 10)?)?;
    year.vet_and_obligate(&mut sdn, day(2008, 6, 16)?, day(2008, 6, 17)?)?;

    // Cost-shared research with two Technical Cooperation Program partners: the U.S.
    // share is obligated on the S&T allotment, contributions are collected into the account.
    let due = day(2008, 9, 1)?;
    let project = Project::with_rates(
        "ST-CSR-1",
        "Container screening research",
        MissionArea::MaritimeSecurity,
        money("2400000")?,
        &[
            ("GBR".parse()?, "25".parse()?, due),
            ("CAN".parse()?, "15".parse()?, due),
        ],
        year.engine.as_ref(),
        day(2008, 6, 20)?,
    )?;
    let ctx = CooperationContext {
        account,
        actor: actor.clone(),
    };
    let obligation = project.obligate_us_share(&ctx, day(2008, 6, 20)?)?;
    let us_document = match &obligation.action {
        Action::Obligate { document, .. } => document.clone(),
        _ => return Err("the U.S. share is an obligation".into()),
    };
    year.durably(|ledger| Ok(ledger.apply(obligation)?))?;
    year.research
        .push((us_document.clone(), MissionArea::MaritimeSecurity));
    year.results.add_project(&project)?;
    year.log(
        day(2008, 6, 20)?,
        format!(
            "obligate the U.S. share of research project ST-CSR-1: {} of {} \
             (GBR {} and CAN {} to be contributed by {due})",
            project.us_share(),
            project.cost(),
            project.share_of("GBR".parse()?).unwrap_or(Money::ZERO),
            project.share_of("CAN".parse()?).unwrap_or(Money::ZERO),
        ),
    );

    let id = year.id()?;
    let drawn = money("1000000")?;
    year.durably(|ledger| {
        Ok(grant.drawdown(ledger, day(2008, 7, 1)?, drawn, id, actor.clone())?)
    })?;
    year.log(
        day(2008, 7, 1)?,
        format!(
            "draw {drawn} on PH-H-GAA; {} undrawn",
            grant.remaining(year.ledger())?
        ),
    );
    let mut project = project;
    for (partner, on, amount) in [
        ("GBR", day(2008, 8, 15)?, "600000"),
        ("CAN", day(2008, 8, 29)?, "200000"),
    ] {
        let (next, collect) = project.receive(&ctx, partner.parse()?, money(amount)?, on)?;
        year.durably(|ledger| Ok(ledger.apply(collect)?))?;
        project = next;
        year.log(
            on,
            format!(
                "collect {} from {partner} for ST-CSR-1 under {}",
                money(amount)?,
                COOPERATION_AUTHORITY
            ),
        );
    }
    year.disburse(
        day(2008, 8, 29)?,
        "NG-H-EDA".parse()?,
        "600000",
        "of the reactivation",
    )?;
    year.pay(&mut sdn, day(2008, 9, 2)?, "2300")?;
    year.disburse(
        day(2008, 9, 15)?,
        us_document,
        "480000",
        "on the U.S. share of ST-CSR-1",
    )?;
    year.results.record(SharedResult {
        id: "ST-CSR-1-R1".into(),
        project: "ST-CSR-1".into(),
        title: "Phase 1 trials of container screening".into(),
        date: day(2008, 9, 25)?,
        kind: ResultKind::Report,
        access: ["GBR".parse()?, "CAN".parse()?].into(),
        release: Release::ParticipantsOnly,
    })?;
    for arrears in project.arrears(day(2008, 9, 30)?)? {
        year.log(
            day(2008, 9, 30)?,
            format!(
                "{} is in arrears on ST-CSR-1: {} of its {} share outstanding since {}",
                arrears.partner, arrears.outstanding, arrears.share, arrears.due_by
            ),
        );
    }
    carry_the_sales_case_to_closure(year, &mut case, &mut trust)?;
    Ok(())
}

/// The patrol-boat case PH-H-SAA after implementation, carried into FY2009: the boats are
/// delivered and paid from the trust fund, the line is billed at its priced total, and the
/// case is closed with its financial checks (SAMM C16: every line delivered and billed,
/// collections equal to disbursements plus charges, the balance refunded to the partner).
/// The ledger saw this case's money once, when the grant was drawn on acceptance; what
/// follows moves cash within the partner's trust fund account only.
fn carry_the_sales_case_to_closure(
    year: &mut Year,
    case: &mut Case,
    trust: &mut TrustFund,
) -> Res<()> {
    println!(
        "
  sales case PH-H-SAA, from delivery to closure:"
    );
    let line = case.lines().first().ok_or("the case has a line")?.number;
    let charges = case.line_charges(line)?;
    // The boats cost the contractor less than the offer's estimate.
    let delivered = money("2450000")?;
    trust.disburse(case, day(2008, 11, 14)?, delivered)?;
    year.log(
        day(2008, 11, 14)?,
        format!("deliver two coastal patrol boats to PHL; pay the contractor {delivered} from the trust fund"),
    );
    case.complete_line(line, day(2008, 12, 1)?)?;
    year.log(
        day(2008, 12, 1)?,
        format!("line {line} supply complete; PH-H-SAA is {}", case.state()),
    );
    let billing = [sales::LineBilling {
        line,
        billed: charges.total,
    }];
    year.log(
        day(2008, 12, 31)?,
        format!(
            "bill line {line} at its priced total {}: value {} and administrative surcharge {}",
            charges.total, charges.value, charges.administrative
        ),
    );
    let statement = case.close_reconciled(
        day(2009, 3, 31)?,
        trust,
        &billing,
        Some(sales::Disposition::Refund),
    )?;
    year.log(
        statement.closed,
        format!(
            "close PH-H-SAA: collections {} = disbursements {} + charges {} + balance {}; billed {}; {} refunded to PHL",
            statement.collections,
            statement.disbursements,
            statement.charges,
            statement.balance,
            statement.billed,
            trust.case_refunds(case.id())?
        ),
    );
    Ok(())
}

/// A decommissioned patrol boat granted to Nigeria as an excess article, its reactivation
/// obligated from the Nigerian allocation.
fn transfer_excess(year: &mut Year, on: NaiveDate) -> Res<()> {
    let fy2008 = FiscalYear::new(2008)?;
    let mut program = ExcessProgram::new(CapTable::current(), Thresholds::current());
    program.justify(
        "NGA".parse()?,
        fy2008,
        "FY2008 budget justification (illustrative)",
    );
    let boat = ExcessArticle::new(
        "82-foot patrol boat (decommissioned)",
        money("3900000")?,
        ConditionCode::F,
    );
    let request = TransferRequest::new(
        "NG-H-EDA".parse()?,
        "NGA".parse()?,
        on,
        boat,
        money("650000")?,
        TransferTerms::Grant {
            transport: Transport::Recipient,
        },
    )
    .notified_on(day(2008, 4, 10)?);
    let transfer = program.transfer(request, year.engine.as_ref())?;
    year.log(
        on,
        format!(
            "grant excess patrol boat NG-H-EDA to NGA: {} counted against the {} cap ({} left)",
            transfer.counted_against_cap,
            transfer.fiscal_year,
            program
                .remaining_in(fy2008)?
                .map_or("-".to_owned(), |m| m.to_string()),
        ),
    );
    let document: DocumentId = "NG-H-EDA".parse()?;
    let key = AllocationKey::new(
        Agency::CoastGuard.holder(),
        ProgramKind::ExcessArticles,
        Some("NGA".parse()?),
    );
    let reactivation = money("1200000")?;
    year.apply(
        on,
        Action::Obligate {
            account: year.account,
            document: document.clone(),
            instrument: Instrument::Transfer,
            funding: Funding::Allocation { key },
            amount: reactivation,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
    )?;
    year.tag(
        &document,
        "NGA".parse()?,
        MissionArea::MaritimeSecurity,
        Agency::CoastGuard,
    );
    year.log(
        on,
        format!("obligate {reactivation} for its reactivation and spares"),
    );
    Ok(())
}

/// The menu: each offering names the international standards it builds toward (the
/// port-security team the ISPS Code's port facility training, the screening course
/// Annex 17's preventive measures; the interceptors and trucks none).
pub fn menu(standards: &Standards) -> Res<Catalog> {
    use MissionArea as M;
    let offering = |id: &str,
                    category,
                    mission,
                    domain,
                    agency,
                    cost: &str,
                    delivery,
                    builds: Vec<StandardRef>|
     -> Res<Offering> {
        Ok(Offering {
            id: id.into(),
            name: id.to_lowercase(),
            category,
            mission,
            domain,
            agency,
            unit_cost: money(cost)?,
            delivery,
            standards: builds,
        })
    };
    Ok(Catalog::new(
        vec![
            offering(
                "USCG-INTERCEPTOR",
                Category::Equipment,
                M::MaritimeSecurity,
                Domain::Sea,
                Agency::CoastGuard,
                "450000",
                Delivery::Sale,
                Vec::new(),
            )?,
            offering(
                "USCG-PORT-MTT",
                Category::Training,
                M::MaritimeSecurity,
                Domain::Sea,
                Agency::CoastGuard,
                "85000",
                Delivery::MobileTeam,
                vec![StandardRef::to("IMO-ISPS").part("part A, section 18")],
            )?,
            offering(
                "TSA-SCREENING",
                Category::Training,
                M::AviationSecurity,
                Domain::Air,
                Agency::TransportationSecurityAdministration,
                "12500",
                Delivery::Enrollment,
                vec![StandardRef::to("ICAO-ANNEX-17").part("chapter 4")],
            )?,
            offering(
                "CBP-TRUCKS",
                Category::Logistics,
                M::BorderControl,
                Domain::Land,
                Agency::CustomsAndBorderProtection,
                "60000",
                Delivery::ExcessTransfer,
                Vec::new(),
            )?,
        ],
        standards,
    )?)
}

/// A one-stop package for Colombia, built from the menu.
fn package(year: &mut Year, on: NaiveDate) -> Res<()> {
    let menu = menu(&year.standards)?;
    // Colombia's standing: an illustrative ISPS compliance finding and ICAO audit result.
    let cite = Citation::new("example assessments", "illustrative");
    let colombia: CountryCode = "COL".parse()?;
    for (standard, finding, from) in [
        ("IMO-ISPS", Finding::Partially, day(2007, 3, 1)?),
        ("ICAO-ANNEX-17", Finding::Meets, day(2006, 11, 1)?),
    ] {
        year.standing.add(
            Assessment::new(colombia, standard, finding, from, cite.clone(), from),
            &year.standards,
        )?;
    }
    let item = |id: &str, quantity| PackageItem {
        offering: id.into(),
        quantity,
    };
    let pay = |kind, pays_for, amount: &str| -> Res<FundingSource> {
        Ok(FundingSource {
            kind,
            pays_for,
            amount: money(amount)?,
        })
    };
    let spec = PackageSpec {
        id: "COL-1".into(),
        partner: "COL".parse()?,
        domains: [Domain::Air, Domain::Land, Domain::Sea].into(),
        items: vec![
            item("USCG-INTERCEPTOR", 2),
            item("USCG-PORT-MTT", 1),
            item("TSA-SCREENING", 4),
            item("CBP-TRUCKS", 3),
        ],
        funding: vec![
            pay(FundingKind::PartnerFunds, Delivery::Sale, "900000")?,
            pay(FundingKind::Grant, Delivery::MobileTeam, "85000")?,
            pay(FundingKind::Grant, Delivery::Enrollment, "50000")?,
            pay(FundingKind::Grant, Delivery::ExcessTransfer, "180000")?,
        ],
        justified: Some(money("6000000")?),
    };
    let context = PackageContext {
        account: year.account,
        date: on,
        actor: year.actor.clone(),
        thresholds: Thresholds::current(),
    };
    let package = spec.build(&menu, &context, year.engine.as_ref())?;
    year.log(
        on,
        format!(
            "one-stop package {} for {}: price {}",
            package.id, package.partner, package.price
        ),
    );
    for part in &package.parts {
        let funded: Vec<String> = part
            .funding
            .iter()
            .map(|f| format!("{} {}", f.kind, f.amount))
            .collect();
        println!(
            "{:14}{:<24} {:>14}  paid by {}",
            "",
            part.delivery.to_string(),
            part.price.to_string(),
            funded.join(", ")
        );
        let outcomes: Vec<String> = part
            .decisions
            .iter()
            .map(|d| format!("{} ({})", d.outcome(), d.request().program))
            .collect();
        let notice = part.notification.as_ref().map_or_else(
            || "no notice needed".to_owned(),
            |n| {
                format!(
                    "{} days' notice to {} committees",
                    n.review_days,
                    n.committees.len()
                )
            },
        );
        println!("{:16}{}; {notice}", "", outcomes.join(", "));
    }
    let commands = package
        .go_ahead()
        .map_err(|blockers| format!("package blocked: {blockers:?}"))?;
    // Allocate exactly what the package obligates, then apply its commands.
    let mut needs: std::collections::BTreeMap<AllocationKey, Money> =
        std::collections::BTreeMap::new();
    for command in commands {
        if let Action::Commit { key, amount, .. } = &command.action {
            let entry = needs.entry(key.clone()).or_insert(Money::ZERO);
            *entry = entry.checked_add(*amount)?;
        }
    }
    for (key, amount) in needs {
        year.apply(
            context.date,
            Action::Allocate {
                account: year.account,
                key,
                amount,
            },
        )?;
    }
    for command in commands {
        year.durably(|ledger| Ok(ledger.apply(command.clone())?))?;
    }
    year.oversight.register_package(&package);
    Ok(())
}

impl Year {
    /// The interoperability report for Colombia, printed: which standards the obligated and
    /// planned money builds toward, by mission area, the gaps, and Colombia's standing.
    pub fn interoperability(&self, year_end: NaiveDate) -> Res<InteropReport> {
        let colombia: CountryCode = "COL".parse()?;
        let query = InteropQuery::new(year_end, InteropScope::Partner(colombia));
        let report = InteropReport::of(
            self.ledger(),
            &self.oversight,
            &menu(&self.standards)?,
            &self.standards,
            &query,
        )?;
        println!(
            "\noversight: what the money buys, {} on {year_end} (standards by mission area; obligated, planned)",
            query.scope
        );
        print!("{}", report.text());
        for total in &report.by_standard {
            let finding = self
                .standing
                .finding(colombia, &total.standard, year_end, None)
                .map_or("not assessed".to_owned(), |f| f.to_string());
            println!(
                "  {}: {} obligated; {colombia} {finding}; the table's edition: {}, {}{}",
                total.standard,
                total.obligated,
                total.edition,
                total.dated.map_or("-".to_owned(), |d| d.to_string()),
                if total.confirmed {
                    ""
                } else {
                    " (unconfirmed)"
                },
            );
        }
        Ok(report)
    }

    /// The year-end reports: status of funds, oversight, the flow picture and expiry.
    pub fn report(&self) -> Res<()> {
        let year_end = day(2008, 9, 30)?;
        let by_agency = StatusQuery::new(year_end, &[Dimension::Agency, Dimension::Program]);
        println!("\nstatus of funds by agency and program, {year_end}:");
        print!(
            "{}",
            StatusReport::of(self.ledger(), &by_agency)?.text_table()?
        );
        // Mission areas are kept per obligating document by the oversight register;
        // money not yet obligated on a tagged document is "unassigned".
        let mut missions = MissionRegister::from(&self.oversight);
        for (document, mission) in &self.research {
            missions.tag(self.account, document.clone(), *mission);
        }
        let by_mission = StatusQuery::new(year_end, &[Dimension::MissionArea]);
        println!("\nstatus of funds by mission area, {year_end}:");
        print!(
            "{}",
            StatusReport::with_missions(self.ledger(), &by_mission, &missions)?.text_table()?
        );
        let by_region = StatusQuery::new(year_end, &[Dimension::Region]);
        println!("\nstatus of funds by region, {year_end}:");
        print!(
            "{}",
            StatusReport::of(self.ledger(), &by_region)?.text_table()?
        );

        println!(
            "\nclearinghouse: {} result(s) shared with GBR, {} with PRK",
            self.results.for_partner("GBR".parse()?).len(),
            self.results.for_partner("PRK".parse()?).len()
        );
        let sf133 = self
            .ledger()
            .sf133(&self.account, FiscalYear::new(2008)?, year_end)?;
        println!("SF-133 of {}, FY2008, selected lines:", self.account);
        for line in sf133
            .lines
            .iter()
            .filter(|l| [1100, 1700, 1910, 2190, 2490, 3020].contains(&l.line))
        {
            println!(
                "  {:>4}  {:<60} {:>18}",
                line.line,
                line.title,
                line.amount.to_string()
            );
        }

        println!("\noversight: fourth-quarter status by partner, mission area and agency");
        println!(
            "  committees: {}",
            self.oversight
                .committees()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
        for row in self.oversight.quarterly_status(self.ledger(), year_end)? {
            println!(
                "  {:<4} {:<44} {:<6} {:>15} {:>15} {:>15}",
                row.tag.partner.to_string(),
                row.tag.mission.to_string(),
                row.tag.agency.holder().to_string(),
                row.obligated.to_string(),
                row.disbursed.to_string(),
                row.unliquidated.to_string(),
            );
        }

        let interop = self.interoperability(year_end)?;

        let flow = FlowGraph::of(self.ledger(), year_end)?;
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("fiscal_year");
        std::fs::create_dir_all(&dir)?;
        // The interoperability report exported with the picture, as CSV and JSON.
        std::fs::write(dir.join("interoperability.csv"), interop.csv()?)?;
        std::fs::write(dir.join("interoperability-gaps.csv"), interop.gaps_csv()?)?;
        std::fs::write(dir.join("interoperability.json"), interop.json()?)?;
        let svg = dir.join("funding-flow.svg");
        let mermaid = dir.join("funding-flow.mmd");
        std::fs::write(&svg, flow.svg(Measure::Allocated)?)?;
        std::fs::write(&mermaid, flow.mermaid(Measure::Allocated))?;
        println!(
            "\nfunding-flow picture: {} (open in a browser), {}",
            svg.display(),
            mermaid.display()
        );

        // Year end of the second year: the money expires.
        let expired_on = day(2009, 10, 1)?;
        let after = StatusReport::of(
            self.ledger(),
            &StatusQuery::new(expired_on, &[Dimension::Account]),
        )?;
        for row in &after.rows {
            println!(
                "\n{} on {expired_on} is {}: its {} unobligated can only cover adjustments of \
                 existing obligations",
                self.account,
                row.account_status.map_or("-".to_owned(), |s| s.to_string()),
                row.unobligated
            );
        }
        let mut late = self.ledger().clone();
        let key = AllocationKey::new(
            Agency::CoastGuard.holder(),
            ProgramKind::Training,
            Some("PAN".parse()?),
        );
        let refused = late.apply(Command::new(
            "HS-LATE".parse()?,
            expired_on,
            self.actor.clone(),
            Action::Obligate {
                account: self.account,
                document: "PAN-T-002".parse()?,
                instrument: Instrument::Enrollment,
                funding: Funding::Allocation { key },
                amount: money("10000")?,
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
            },
        ));
        if let Err(error) = refused {
            println!("refused: {error}");
        }
        Ok(())
    }
}

/// Fund control under delegated authority (31 U.S.C. 1514(a), 1517(a)(2), 3325(a)(1);
/// GAO-14-704G principle 10): on a ledger of its own, the Secretary of Homeland Security
/// (head of agency 070) delegates the year's account to the CFO, who re-delegates to the
/// funds holders of two agencies, a certifying officer and an approving official. The funds
/// holders obligate and pay within their delegations; a funds holder who obligates beyond
/// hers is refused and the ledger is unchanged. Prints the chain and the audit trail.
pub fn delegated_authority() -> Res<()> {
    use security_assistance::budget::{
        AgencyHead, BudgetError, DelegatedAuthority, Grant as Delegation, Policy, Power, Role,
        Scope,
    };
    let account: AccountSymbol = ACCOUNT.parse()?;
    let date = day(2008, 1, 15)?;
    let actor = |a: &str| -> Res<Actor> { Ok(a.parse()?) };
    let mut ledger = Ledger::allow_all();
    ledger.set_policy(Policy::Delegated(DelegatedAuthority {
        heads: vec![AgencyHead {
            agency: 70,
            actor: actor("secretary-of-homeland-security")?,
        }],
        second_approval_above: Some(money("5000000")?),
    }))?;
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger,
                     who: &str,
                     action: Action,
                     signer: Option<&str>|
     -> Res<Result<(), BudgetError>> {
        n += 1;
        let mut command = Command::new(format!("auth-{n}").parse()?, date, actor(who)?, action);
        if let Some(officer) = signer {
            command = command.certified_by(actor(officer)?);
        }
        Ok(ledger.apply(command).map(|_| ()))
    };
    let delegate = |parent: Option<&str>,
                    to: &str,
                    role: Role,
                    powers: &[Power],
                    holders: &[&str],
                    per_command: Option<&str>|
     -> Res<Action> {
        Ok(Action::Delegate {
            grant: Delegation {
                parent: parent.map(str::parse).transpose()?,
                to: actor(to)?,
                role,
                scope: Scope {
                    accounts: vec![account],
                    holders: holders
                        .iter()
                        .map(|h| h.parse())
                        .collect::<Result<_, _>>()?,
                    programs: Vec::new(),
                    partners: Vec::new(),
                },
                powers: powers.to_vec(),
                per_command: per_command.map(money).transpose()?,
                per_year: None,
                expires: Some(day(2009, 9, 30)?),
            },
        })
    };
    let funds = [
        Power::Allot,
        Power::Allocate,
        Power::Commit,
        Power::Obligate,
        Power::Disburse,
    ];
    let mut all = funds.to_vec();
    all.extend([Power::Certify, Power::Approve]);
    apply(
        &mut ledger,
        "congress",
        Action::Appropriate {
            account,
            title: "Homeland security assistance".into(),
            purposes: vec![ProgramKind::Training],
            amount: money("10000000")?,
            law: "P.L. 110-161".into(),
        },
        None,
    )??;
    apply(
        &mut ledger,
        "omb",
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod { from: date },
            amount: money("10000000")?,
        },
        None,
    )??;
    let chain = [
        (
            "secretary-of-homeland-security",
            delegate(None, "dhs-cfo", Role::FundsHolder, &all, &[], None)?,
        ),
        (
            "dhs-cfo",
            delegate(
                Some("auth-3"),
                "uscg-funds-holder",
                Role::FundsHolder,
                &funds,
                &["USCG"],
                Some("1000000"),
            )?,
        ),
        (
            "dhs-cfo",
            delegate(
                Some("auth-3"),
                "cbp-funds-holder",
                Role::FundsHolder,
                &funds,
                &["CBP"],
                Some("1000000"),
            )?,
        ),
        (
            "dhs-cfo",
            delegate(
                Some("auth-3"),
                "certifying-officer",
                Role::CertifyingOfficer,
                &[Power::Certify],
                &[],
                None,
            )?,
        ),
    ];
    for (who, action) in chain {
        apply(&mut ledger, who, action, None)??;
    }
    for holder in ["USCG", "CBP"] {
        apply(
            &mut ledger,
            "dhs-cfo",
            Action::Allot {
                account,
                holder: holder.parse()?,
                amount: money("3000000")?,
            },
            None,
        )??;
    }
    let key = AllocationKey::new("USCG".parse()?, ProgramKind::Training, Some("PHL".parse()?));
    apply(
        &mut ledger,
        "uscg-funds-holder",
        Action::Allocate {
            account,
            key: key.clone(),
            amount: money("900000")?,
        },
        None,
    )??;
    let document: DocumentId = "DHS-USCG-PHL-1".parse()?;
    apply(
        &mut ledger,
        "uscg-funds-holder",
        Action::Obligate {
            account,
            document: document.clone(),
            instrument: Instrument::Enrollment,
            funding: Funding::Allocation { key: key.clone() },
            amount: money("750000")?,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        None,
    )??;
    apply(
        &mut ledger,
        "uscg-funds-holder",
        Action::Disburse {
            account,
            document: document.clone(),
            amount: money("250000")?,
        },
        Some("certifying-officer"),
    )??;
    println!(
        "\ndelegated authority (31 U.S.C. 1514(a); GAO-14-704G principle 10), account {account}:"
    );
    for d in ledger.delegations(date, None) {
        println!(
            "  {:<7} {:<31} -> {:<19} {:?} {}",
            d.id.as_str(),
            d.from.as_str(),
            d.grant.to.as_str(),
            d.grant.role,
            d.grant
                .per_command
                .map_or("no limit per command".to_owned(), |l| format!(
                    "up to {l} per command"
                )),
        );
    }
    // Beyond her delegation: more than her limit per command, and for another agency's
    // allotment.
    let before = ledger.clone();
    let too_much = apply(
        &mut ledger,
        "uscg-funds-holder",
        Action::Obligate {
            account,
            document: "DHS-USCG-PHL-2".parse()?,
            instrument: Instrument::Enrollment,
            funding: Funding::Allocation { key },
            amount: money("1200000")?,
            object_class: None,
            financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
        },
        None,
    )?;
    let cbp = AllocationKey::new("CBP".parse()?, ProgramKind::Training, Some("MEX".parse()?));
    let other_agency = apply(
        &mut ledger,
        "uscg-funds-holder",
        Action::Allocate {
            account,
            key: cbp,
            amount: money("100000")?,
        },
        None,
    )?;
    for refused in [too_much, other_agency] {
        let Err(err) = refused else {
            return Err("a command beyond its delegation was applied".into());
        };
        println!("  refused: {err}");
    }
    if ledger != before {
        return Err("a refused command changed the ledger".into());
    }
    print!(
        "{}",
        security_assistance::report::AuditReport::of_document(&ledger, &account, &document).text()
    );
    Ok(())
}

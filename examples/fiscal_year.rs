//! The main example: a fiscal year of security-assistance money.
//!
//! Prints the status of a one-year, a two-year and a no-year account on the days that
//! matter, a few partners' regions and groups, then runs FY2008 financing money through
//! the ledger (continuing resolution, full-year act, apportionment, allotment, allocation
//! to partners, obligations, payments, a refusal) and prints the status of funds. Last, a
//! fiscal year of the seed paper's homeland-security assistance program: an appropriation
//! allotted to the implementing agencies, a priority allocation across twenty partners
//! (one refused, one allowed under a waiver, each with its explanation), a one-stop package
//! for a Western Hemisphere partner built from the menu, and the status at year end and
//! after expiry.
//!
//! ```sh
//! cargo run --example fiscal_year
//! ```
#![allow(clippy::print_stdout, clippy::arithmetic_side_effects)]

use std::error::Error;

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger,
    StatusQuery,
};
use security_assistance::eligibility::{
    Engine, Fact, FactKind, Facts, Official, RuleId, RuleSet, Waiver, WaiverScope,
};
use security_assistance::homeland::{
    Agency, AllocationRequest, Catalog, Category, Delivery, Domain, FundingKind, FundingSource,
    MissionArea, Offering, PackageContext, PackageItem, PackageSpec, Priorities, allocate,
};
use security_assistance::notification::Thresholds;
use security_assistance::{
    Availability, Citation, CountryCode, FiscalYear, Group, Money, ProgramKind,
};

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}").into())
}

/// Runs the whole example (public so that the integration tests can run it too).
pub fn main() -> Result<(), Box<dyn Error>> {
    let fy2008 = FiscalYear::new(2008)?;
    println!("== Periods of availability (31 U.S.C. 1502, 1552, 1553)");
    let periods = [
        ("one-year", Availability::one_year(fy2008)),
        (
            "two-year",
            Availability::multi_year(fy2008, fy2008.next()?)?,
        ),
        ("no-year", Availability::no_year(fy2008)),
    ];
    let dates = [
        day(2007, 9, 30)?,
        day(2007, 10, 1)?,
        day(2008, 10, 1)?,
        day(2009, 10, 1)?,
        day(2013, 10, 1)?,
        day(2014, 10, 1)?,
    ];
    print!("{:<10} {:<10}", "account", "period");
    for d in dates {
        print!(" {:>17}", d.to_string());
    }
    println!();
    for (name, period) in periods {
        print!("{name:<10} {:<10}", period.to_string());
        for d in dates {
            print!(" {:>17}", period.status_on(d).to_string());
        }
        println!();
    }

    println!("\n== Partners on 2008-03-01");
    let on = day(2008, 3, 1)?;
    for code in ["JOR", "EGY", "ISR", "KOR", "POL", "COL", "KEN", "XKX"] {
        let partner: CountryCode = code.parse()?;
        let groups: Vec<String> = [Group::Nato, Group::MajorNonNatoAlly, Group::Aeca36bFavored]
            .into_iter()
            .filter(|g| g.is_member(partner, on))
            .map(|g| g.to_string())
            .collect();
        println!(
            "{partner} {:<24} {:<4} {}",
            partner.name(),
            partner.region().abbreviation(),
            if groups.is_empty() {
                "-".to_owned()
            } else {
                groups.join(", ")
            }
        );
    }

    println!("\n== FY2008 financing through the ledger");
    let fmf = "011-2008/2009-1082".parse()?;
    let holder: security_assistance::budget::FundsHolder = "PM-DSCA".parse()?;
    let key = |p: &str| -> Result<AllocationKey, Box<dyn Error>> {
        Ok(AllocationKey::new(
            holder.clone(),
            ProgramKind::Financing,
            Some(p.parse()?),
        ))
    };
    let mut ledger = Ledger::new();
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger, date, action| -> Result<(), Box<dyn Error>> {
        n += 1;
        let command = Command::new(
            format!("FY08-{n:03}").parse()?,
            date,
            "budget-office".parse()?,
            action,
        );
        match ledger.apply(command) {
            Ok(_) => Ok(()),
            Err(e) => {
                println!("refused: {e}");
                Ok(())
            }
        }
    };
    let title = "Foreign Military Financing Program".to_owned();
    let steps = vec![
        (
            day(2007, 10, 1)?,
            Action::ContinuingResolution {
                account: fmf,
                title: title.clone(),
                purposes: vec![ProgramKind::Financing],
                annual_rate: "4536000000".parse()?,
                through: day(2007, 11, 16)?,
                seasonal_limit: None,
                law: "P.L. 110-92".into(),
            },
        ),
        (
            day(2007, 12, 26)?,
            Action::Appropriate {
                account: fmf,
                title,
                purposes: vec![ProgramKind::Financing],
                amount: "4536000000".parse()?,
                law: "P.L. 110-161".into(),
            },
        ),
        (
            day(2008, 1, 2)?,
            Action::Apportion {
                account: fmf,
                category: Apportionment::ByPeriod {
                    from: day(2008, 1, 1)?,
                },
                amount: "3953508196.72".parse()?,
            },
        ),
        (
            day(2008, 1, 3)?,
            Action::Allot {
                account: fmf,
                holder: holder.clone(),
                amount: "4000000000".parse()?,
            },
        ),
        (
            day(2008, 1, 3)?,
            Action::Allocate {
                account: fmf,
                key: key("ISR")?,
                amount: "2380560000".parse()?,
            },
        ),
        (
            day(2008, 1, 3)?,
            Action::Allocate {
                account: fmf,
                key: key("EGY")?,
                amount: "1289470000".parse()?,
            },
        ),
        (
            day(2008, 1, 3)?,
            Action::Allocate {
                account: fmf,
                key: key("JOR")?,
                amount: "198380000".parse()?,
            },
        ),
        (
            day(2008, 1, 15)?,
            Action::Obligate {
                account: fmf,
                document: "IS-D-GAA".parse()?,
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("ISR")? },
                amount: "2380560000".parse()?,
            },
        ),
        (
            day(2008, 1, 30)?,
            Action::Disburse {
                account: fmf,
                document: "IS-D-GAA".parse()?,
                amount: "2380560000".parse()?,
            },
        ),
        (
            day(2008, 4, 15)?,
            Action::Obligate {
                account: fmf,
                document: "EG-D-GAA".parse()?,
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("EGY")? },
                amount: "1289470000".parse()?,
            },
        ),
        (
            day(2008, 5, 1)?,
            Action::Obligate {
                account: fmf,
                document: "JO-D-GAA".parse()?,
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("JOR")? },
                amount: "198380000.01".parse()?,
            },
        ),
        (
            day(2008, 5, 1)?,
            Action::Obligate {
                account: fmf,
                document: "JO-D-GAA".parse()?,
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("JOR")? },
                amount: "198380000".parse()?,
            },
        ),
        (
            day(2008, 9, 15)?,
            Action::Disburse {
                account: fmf,
                document: "EG-D-GAA".parse()?,
                amount: "1000000000".parse()?,
            },
        ),
        (
            day(2009, 10, 1)?,
            Action::Obligate {
                account: fmf,
                document: "JO-D-GAB".parse()?,
                instrument: Instrument::GrantAgreement,
                funding: Funding::Allocation { key: key("JOR")? },
                amount: "1".parse()?,
            },
        ),
    ];
    for (date, action) in steps {
        apply(&mut ledger, date, action)?;
    }
    let query = StatusQuery::new(day(2008, 9, 30)?, &[Dimension::Account, Dimension::Partner]);
    println!(
        "\n{:<20} {:<7} {:>18} {:>18} {:>18} {:>18}",
        "account", "partner", "authority", "obligated", "disbursed", "unobligated"
    );
    for row in ledger.status_of_funds(&query)? {
        println!(
            "{:<20} {:<7} {:>18} {:>18} {:>18} {:>18}",
            row.key.account.map(|a| a.to_string()).unwrap_or_default(),
            row.key.partner.map_or("-".to_owned(), |p| p.to_string()),
            row.budget_authority.to_string(),
            row.obligated.to_string(),
            row.disbursed.to_string(),
            row.unobligated.to_string(),
        );
    }
    let sf133 = ledger
        .sf133(&fmf, fy2008, day(2008, 9, 30)?)?
        .to_whole_dollars()?;
    println!("\nSF-133, {fmf}, {fy2008}, whole dollars:");
    for line in &sf133.lines {
        println!(
            "  {:>4}  {:<52} {:>20}",
            line.line,
            line.title,
            line.amount.to_string()
        );
    }
    homeland_year().map(|_| ())
}

/// A fiscal year of the seed paper's program. Its eligibility rules apply to Homeland
/// Security funds by analogy (policy, not statute): here a state-sponsor designation with a
/// Presidential waiver for one program, and a general sanction.
pub fn homeland_year() -> Result<Ledger, Box<dyn Error>> {
    println!("\n== FY2008 homeland-security assistance (the seed paper's program)");
    let account: security_assistance::budget::AccountSymbol = "070-2008/2009-0100".parse()?;
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
    let engine = std::sync::Arc::new(Engine::new(facts, RuleSet::builtin()));
    let mut ledger = Ledger::with_eligibility(engine.clone());
    let actor: security_assistance::budget::Actor = "dhs-oia".parse()?;
    let mut n = 0;
    let mut apply = |ledger: &mut Ledger, date, action| -> Result<(), Box<dyn Error>> {
        n += 1;
        ledger.apply(Command::new(
            format!("HS-{n:03}").parse()?,
            date,
            actor.clone(),
            action,
        ))?;
        Ok(())
    };
    let enacted = day(2007, 12, 26)?;
    let purposes = vec![
        ProgramKind::Training,
        ProgramKind::Financing,
        ProgramKind::Sales,
        ProgramKind::ExcessArticles,
        ProgramKind::Leases,
    ];
    let total: Money = "150000000".parse()?;
    apply(
        &mut ledger,
        enacted,
        Action::Appropriate {
            account,
            title: "International Homeland Security Assistance (proposed)".into(),
            purposes,
            amount: total,
            law: "proposal after Heritage Backgrounder No. 2078".into(),
        },
    )?;
    apply(
        &mut ledger,
        enacted,
        Action::Apportion {
            account,
            category: Apportionment::ByPeriod {
                from: day(2007, 10, 1)?,
            },
            amount: total,
        },
    )?;
    let agencies = [
        (Agency::CoastGuard, "50000000"),
        (Agency::TransportationSecurityAdministration, "40000000"),
        (Agency::CustomsAndBorderProtection, "40000000"),
        (Agency::EmergencyManagement, "20000000"),
    ];
    for (agency, amount) in agencies {
        apply(
            &mut ledger,
            enacted,
            Action::Allot {
                account,
                holder: agency.holder(),
                amount: amount.parse()?,
            },
        )?;
    }

    // A priority allocation of $60,000,000 across twenty partner requests.
    use MissionArea as M;
    let asks = [
        ("COL", M::MaritimeSecurity, Agency::CoastGuard, "6000000"),
        (
            "MEX",
            M::BorderControl,
            Agency::CustomsAndBorderProtection,
            "8000000",
        ),
        ("PAN", M::MaritimeSecurity, Agency::CoastGuard, "3000000"),
        (
            "JAM",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "2000000",
        ),
        ("DOM", M::MaritimeSecurity, Agency::CoastGuard, "2500000"),
        (
            "KEN",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "3000000",
        ),
        ("NGA", M::MaritimeSecurity, Agency::CoastGuard, "5000000"),
        ("GHA", M::MaritimeSecurity, Agency::CoastGuard, "2000000"),
        (
            "SDN",
            M::DisasterResponse,
            Agency::EmergencyManagement,
            "1500000",
        ),
        (
            "JOR",
            M::BorderControl,
            Agency::CustomsAndBorderProtection,
            "4000000",
        ),
        (
            "MAR",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "2500000",
        ),
        ("EGY", M::MaritimeSecurity, Agency::CoastGuard, "4500000"),
        (
            "PAK",
            M::BorderControl,
            Agency::CustomsAndBorderProtection,
            "5000000",
        ),
        (
            "IND",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "3500000",
        ),
        (
            "BGD",
            M::DisasterResponse,
            Agency::EmergencyManagement,
            "2000000",
        ),
        ("IDN", M::MaritimeSecurity, Agency::CoastGuard, "4000000"),
        ("PHL", M::MaritimeSecurity, Agency::CoastGuard, "4000000"),
        (
            "VNM",
            M::DisasterResponse,
            Agency::EmergencyManagement,
            "1500000",
        ),
        (
            "POL",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "2000000",
        ),
        (
            "PRK",
            M::AviationSecurity,
            Agency::TransportationSecurityAdministration,
            "1000000",
        ),
    ];
    let mut requests = Vec::new();
    for (partner, mission, agency, amount) in asks {
        requests.push(AllocationRequest {
            id: format!("REQ-{partner}"),
            partner: partner.parse()?,
            mission,
            agency,
            program: ProgramKind::Training,
            amount: amount.parse()?,
        });
    }
    let priorities = Priorities {
        floor: "250000".parse()?,
        ..Priorities::seed()
    };
    let on = day(2008, 2, 1)?;
    let result = allocate(
        "60000000".parse()?,
        on,
        &requests,
        &priorities,
        engine.as_ref(),
    )?;
    println!("\nallocation of {} ({:?}):", result.budget, result.method);
    println!(
        "{:<4} {:<20} {:>6} {:>16} {:>16}",
        "", "mission", "score", "requested", "allocated"
    );
    for line in &result.lines {
        println!(
            "{:<4} {:<20} {:>6} {:>16} {:>16}",
            line.request.partner.to_string(),
            format!("{:?}", line.request.mission),
            line.score.to_string(),
            line.request.amount.to_string(),
            line.amount.to_string(),
        );
    }
    for line in &result.lines {
        if line.decision.outcome() != security_assistance::eligibility::Outcome::Eligible {
            println!("  {}", line.decision.explanation());
        }
    }
    println!(
        "allocated {}, unallocated {}",
        result.allocated, result.unallocated
    );
    for command in result.commands(&account, on, &"dhs-oia".parse()?, "ALLOC")? {
        ledger.apply(command)?;
    }

    // A one-stop package for Colombia, built from the menu.
    let offering = |id: &str,
                    category,
                    mission,
                    domain,
                    agency,
                    cost: &str,
                    delivery|
     -> Result<Offering, Box<dyn Error>> {
        Ok(Offering {
            id: id.into(),
            name: id.to_lowercase(),
            category,
            mission,
            domain,
            agency,
            unit_cost: cost.parse()?,
            delivery,
        })
    };
    let menu = Catalog::new(vec![
        offering(
            "USCG-INTERCEPTOR",
            Category::Equipment,
            M::MaritimeSecurity,
            Domain::Sea,
            Agency::CoastGuard,
            "450000",
            Delivery::Sale,
        )?,
        offering(
            "USCG-PORT-MTT",
            Category::Training,
            M::MaritimeSecurity,
            Domain::Sea,
            Agency::CoastGuard,
            "85000",
            Delivery::MobileTeam,
        )?,
        offering(
            "TSA-SCREENING",
            Category::Training,
            M::AviationSecurity,
            Domain::Air,
            Agency::TransportationSecurityAdministration,
            "12500",
            Delivery::Enrollment,
        )?,
        offering(
            "CBP-TRUCKS",
            Category::Logistics,
            M::BorderControl,
            Domain::Land,
            Agency::CustomsAndBorderProtection,
            "60000",
            Delivery::ExcessTransfer,
        )?,
    ])?;
    let item = |id: &str, quantity| PackageItem {
        offering: id.into(),
        quantity,
    };
    let pay = |kind, pays_for, amount: &str| -> Result<FundingSource, Box<dyn Error>> {
        Ok(FundingSource {
            kind,
            pays_for,
            amount: amount.parse()?,
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
        justified: Some("6000000".parse()?),
    };
    let context = PackageContext {
        account,
        date: day(2008, 3, 3)?,
        actor: "dhs-oia".parse()?,
        thresholds: Thresholds::current(),
    };
    let package = spec.build(&menu, &context, engine.as_ref())?;
    println!(
        "\none-stop package {} for {}: price {}",
        package.id, package.partner, package.price
    );
    for part in &package.parts {
        let funded: Vec<String> = part
            .funding
            .iter()
            .map(|f| format!("{:?} {}", f.kind, f.amount))
            .collect();
        println!(
            "  {:<15} {:>14}  paid by {}",
            format!("{:?}", part.delivery),
            part.price.to_string(),
            funded.join(", ")
        );
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
        apply(
            &mut ledger,
            context.date,
            Action::Allocate {
                account,
                key,
                amount,
            },
        )?;
    }
    for command in commands {
        ledger.apply(command.clone())?;
    }

    let by_agency = StatusQuery::new(day(2008, 9, 30)?, &[Dimension::Holder]);
    println!("\nstatus of funds by agency, 2008-09-30:");
    println!(
        "{:<8} {:>16} {:>16} {:>16}",
        "agency", "allotted", "allocated", "obligated"
    );
    for row in ledger.status_of_funds(&by_agency)? {
        println!(
            "{:<8} {:>16} {:>16} {:>16}",
            row.key.holder.map_or("-".to_owned(), |h| h.to_string()),
            row.allotted.to_string(),
            row.allocated.to_string(),
            row.obligated.to_string(),
        );
    }
    let after = StatusQuery::new(day(2009, 10, 1)?, &[Dimension::Account]);
    for row in ledger.status_of_funds(&after)? {
        println!(
            "\n{account} on 2009-10-01 is {}: its {} unobligated can only cover adjustments of existing obligations",
            row.account_status.map_or("-".to_owned(), |s| s.to_string()),
            row.unobligated
        );
    }
    Ok(ledger)
}

//! Accounts, partners and FY2008 financing money: the building blocks under the main
//! example.
//!
//! Prints the status of a one-year, a two-year and a no-year account on the days that
//! matter, a few partners' regions and groups, then runs FY2008 financing money through
//! the ledger (continuing resolution, full-year act, apportionment, allotment, allocation
//! to partners, obligations, payments, two refusals) and prints the status of funds and
//! the SF-133.
//!
//! ```sh
//! cargo run --example fmf_2008
//! ```
#![allow(clippy::print_stdout, clippy::arithmetic_side_effects)]

use std::error::Error;

use chrono::NaiveDate;
use security_assistance::budget::{
    Action, AllocationKey, Apportionment, Command, Dimension, Funding, Instrument, Ledger,
    StatusQuery,
};
use security_assistance::{Availability, CountryCode, FiscalYear, Group, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| format!("bad date {y}-{m}-{d}").into())
}

/// Runs the example.
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
    let mut ledger = Ledger::new(std::sync::Arc::new(
        security_assistance::eligibility::AllowAll,
    ));
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
                object_class: None,
                financed_by: security_assistance::budget::DirectOrReimbursable::Direct,
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
    Ok(())
}

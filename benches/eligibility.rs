//! Eligibility decisions a second: 200 partners × every program kind with the full
//! built-in rule set and a realistic fact base.
//!
//! ```sh
//! cargo bench --bench eligibility
//! ```
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::arithmetic_side_effects,
    clippy::indexing_slicing
)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use security_assistance::eligibility::{
    EligibilityRequest, Fact, FactKind, Facts, RuleSet, Subject, TipTier, evaluate,
};
use security_assistance::{Citation, CountryCode, ProgramKind};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn benches(c: &mut Criterion) {
    let partners: Vec<CountryCode> = CountryCode::all().take(200).collect();
    let cite = Citation::new("DOMAIN.md", "6");
    let mut facts = Facts::new();
    for (i, &p) in partners.iter().enumerate() {
        // A fact base where about one partner in five has something recorded.
        match i % 10 {
            0 => facts.add(Fact::new(
                p,
                FactKind::MilitaryCoup,
                day(2006, 9, 19),
                cite.clone(),
                day(2006, 9, 20),
            )),
            2 => facts.add(Fact::trafficking_tier(
                p,
                2007,
                TipTier::Tier3,
                cite.clone(),
                day(2007, 6, 12),
            )),
            4 => facts.add(Fact::new(
                p,
                FactKind::LoanArrears {
                    oldest_unpaid_due: day(2006, 1, 1),
                },
                day(2006, 1, 2),
                cite.clone(),
                day(2006, 1, 2),
            )),
            6 => facts.add(Fact::new(
                p,
                FactKind::GrossViolations {
                    subject: Subject::Unit("1st Brigade".into()),
                },
                day(2005, 1, 1),
                cite.clone(),
                day(2005, 1, 1),
            )),
            _ => {}
        }
    }
    let rules = RuleSet::builtin();
    let date = day(2008, 3, 1);
    let requests: Vec<EligibilityRequest> = partners
        .iter()
        .flat_map(|&p| ProgramKind::ALL.map(|k| EligibilityRequest::new(p, k, date)))
        .collect();
    let mut group = c.benchmark_group("eligibility");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("decide 200 partners x every program kind", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(evaluate(request, &facts, &rules));
            }
        });
    });
    group.finish();
}

criterion_group!(eligibility, benches);
criterion_main!(eligibility);

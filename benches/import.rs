//! CSV import: the 10,000-row budget-execution workload of `tests/data/workload-10k`
//! (the shape of `shared/bench/gen_workload.py`) read through
//! [`report::import_transactions`](security_assistance::report::import_transactions) into a
//! new ledger, every row applied as real commands with every check on, with the
//! allow-everything gate and with the built-in eligibility rules.
//!
//! ```sh
//! cargo bench --bench import
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use security_assistance::budget::Ledger;
use security_assistance::eligibility::{AllowAll, EligibilityCheck, Engine, Facts, RuleSet};
use security_assistance::report::{CsvImport, import_transactions};

/// An eligibility gate for a new ledger.
type Gate = Arc<dyn EligibilityCheck + Send + Sync>;

const TX: &str = include_str!("../tests/data/workload-10k/tx.csv");

fn benches(c: &mut Criterion) {
    let rows = TX.lines().count().saturating_sub(1) as u64;
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(rows));
    let gate = |builtin: bool| -> Gate {
        if builtin {
            Arc::new(Engine::new(Facts::new(), RuleSet::builtin()))
        } else {
            Arc::new(AllowAll)
        }
    };
    for (name, builtin) in [("allow-everything gate", false), ("built-in rules", true)] {
        group.bench_function(
            format!("10k-row workload CSV into a new ledger, {name}"),
            |b| {
                b.iter(|| {
                    let mut ledger = Ledger::new(gate(builtin));
                    let summary =
                        import_transactions(&mut ledger, TX.as_bytes(), &CsvImport::default())
                            .unwrap();
                    black_box((summary, ledger))
                });
            },
        );
    }
    group.finish();
}

criterion_group!(import, benches);
criterion_main!(import);

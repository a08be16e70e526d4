//! ABC(D) segmentation of 1M partners.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use partner_priority::PartnerId;
use partner_priority::pareto::{ParetoPolicy, segment};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Pareto};
use rust_decimal::Decimal;

fn turnovers(n: usize) -> Vec<(PartnerId, Decimal)> {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let dist: Pareto<f64> = Pareto::new(1_000_000.0, 1.16).unwrap();
    (0..n)
        .map(|i| {
            let kopecks = if rng.random_bool(0.05) { 0 } else { dist.sample(&mut rng).min(1e13) as i64 };
            (PartnerId::new(&format!("P{i:07}")).unwrap(), Decimal::new(kopecks, 2))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let data = turnovers(1_000_000);
    let policy = ParetoPolicy::default();
    let mut group = c.benchmark_group("pareto");
    group.sample_size(10);
    group.bench_function("segment 1M partners", |b| b.iter(|| black_box(segment(&data, &policy).unwrap())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

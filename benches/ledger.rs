//! Ingest of invoice lines into a ledger.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
use rust_decimal::Decimal;

fn sales(lines: usize, partners: usize) -> Vec<Sale> {
    let ids: Vec<PartnerId> = (0..partners).map(|p| PartnerId::new(&format!("P{p:07}")).unwrap()).collect();
    let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    (0..lines)
        .map(|i| {
            let p = (i.wrapping_mul(2_654_435_761)) % partners;
            let date = start + chrono::Days::new((i % 365) as u64);
            let amount = Money::new(Decimal::new((i % 100_000) as i64 * 100 + 99, 2), Currency::RUB);
            Sale::new(ids[p].clone(), date, amount).with_invoice(format!("I{i}"))
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    let n = 1_000_000;
    let data = sales(n, 100_000);
    group.throughput(Throughput::Elements(n as u64));
    group.bench_function("record_all 1M sales, 100k partners", |b| {
        b.iter_batched(
            || data.clone(),
            |sales| {
                let mut ledger = Ledger::new(Currency::RUB);
                ledger.record_all(sales).unwrap();
                black_box(ledger)
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);

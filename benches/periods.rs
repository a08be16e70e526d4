//! The issue-19 benchmarks: the period report of 1M partners × 24 months,
//! the forecast of 1M partners, and the review with them against the review
//! without them.
//!
//! - `periods/monthly 1M partners × 24 months` and `quarterly …`: every
//!   partner's periods (`PeriodReport::partners`), one partner at a time;
//! - `periods/network by tier, 1M partners × 24 months`: the totals per
//!   tier (`Portfolio::periods_by_tier`);
//! - `forecast/1M partners`: `Forecast::new` from a prebuilt review (a
//!   second pass over the ledger);
//! - `review/1M partners`, `review/1M partners with forecast` and
//!   `review/1M partners with forecast and dynamics`: the review alone, the
//!   review with the forecast made in its own pass
//!   (`Review::run_with_forecast`), and that followed by what `assess
//!   --html` adds (the report's monthly figures by segment and tier with
//!   the top 20's sparklines);
//! - `review/1M partners with forecast and dynamics per second without
//!   (paired)`: the last one's time over the first's, timed in pairs back
//!   to back and shown as seconds (1.10 s: 10 % slower), because the
//!   machine's drift between benchmarks run one after another is larger
//!   than the difference.
//!
//! The ledger holds warehouse monthly figures: 24 months (2024-11 …
//! 2026-10) for each of 1M partners, heavy-tailed, seasonal, deterministic.
//! Run with `cargo bench --bench periods`; it needs about 4 GB of memory.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use partner_priority::ledger::MonthlyFigures;
use partner_priority::ledger::periods::{Granularity, PeriodReport};
use partner_priority::period::{Month, Window};
use partner_priority::report::Dynamics;
use partner_priority::review::forecast::Forecast;
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review};
use rust_decimal::Decimal;

const PARTNERS: usize = 1_000_000;
const MONTHS: i32 = 24;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// 24 months of figures per partner: a heavy-tailed size from a hash of the
/// index, a seasonal wave and a little noise.
fn ledger() -> Ledger {
    let first = Month::new(2024, 11).unwrap();
    let mut ledger = Ledger::new(Currency::RUB);
    let mut batch = Vec::with_capacity(PARTNERS / 10 * MONTHS as usize);
    for p in 0..PARTNERS {
        let id = PartnerId::new(&format!("P{p:07}")).unwrap();
        let h = (p as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let size = 1_000_000i64 + (1i64 << (h % 24)) * 100; // kopecks
        for m in 0..MONTHS {
            let wave = [100, 104, 110, 96, 90, 95, 100, 106, 112, 108, 97, 92][(m % 12) as usize];
            let noise = 95 + ((h >> (m % 40)) % 11) as i64;
            let amount = size / 100 * wave / 100 * noise;
            let month = first.checked_add(m).unwrap();
            batch.push(
                MonthlyFigures::new(id.clone(), month, Money::new(Decimal::new(amount, 2), Currency::RUB))
                    .with_deals(1 + (h % 7) as u32)
                    .with_margin(Decimal::new(amount / 5, 2)),
            );
        }
        if batch.len() >= batch.capacity() {
            ledger.add_monthly_all(std::mem::take(&mut batch)).unwrap();
            batch.reserve(PARTNERS / 10 * MONTHS as usize);
        }
    }
    ledger.add_monthly_all(batch).unwrap();
    ledger
}

fn benches(c: &mut Criterion) {
    let ledger = ledger();
    let policy = Policy::default();
    let window = Window::new(Month::new(2024, 11).unwrap(), Month::new(2026, 10).unwrap()).unwrap();
    let portfolio = Review::new(&ledger, as_of()).run(&policy).unwrap();

    let mut group = c.benchmark_group("periods");
    group.sample_size(10);
    for (name, granularity) in [("monthly", Granularity::Monthly), ("quarterly", Granularity::Quarterly)] {
        group.bench_function(format!("{name} 1M partners × 24 months"), |b| {
            b.iter(|| {
                let report = PeriodReport::new(&ledger, window, granularity);
                let mut rows = 0usize;
                for p in report.partners() {
                    rows += black_box(p.unwrap()).periods().len();
                }
                rows
            })
        });
    }
    group.bench_function("network by tier, 1M partners × 24 months", |b| {
        b.iter(|| portfolio.periods_by_tier(&PeriodReport::new(&ledger, window, Granularity::Monthly)).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("1M partners", |b| {
        b.iter_with_large_drop(|| Forecast::new(&ledger, &portfolio, &policy).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("review");
    group.sample_size(10);
    group.bench_function("1M partners", |b| {
        b.iter_with_large_drop(|| Review::new(&ledger, as_of()).run(&policy).unwrap())
    });
    group.bench_function("1M partners with forecast", |b| {
        b.iter_with_large_drop(|| Review::new(&ledger, as_of()).run_with_forecast(&policy).unwrap())
    });
    group.bench_function("1M partners with forecast and dynamics", |b| {
        b.iter_with_large_drop(|| {
            let (p, f) = Review::new(&ledger, as_of()).run_with_forecast(&policy).unwrap();
            let d = Dynamics::new(&ledger, &p, 20).unwrap();
            (p, f, d)
        })
    });
    // The review with the forecast and the dynamics against the review
    // without them, paired: each iteration times one of each back to back
    // (in alternating order) and counts the ratio of the two times as
    // seconds, so that 1.10 s reads "10 % slower". The benchmarks above run
    // one after another, and this machine's speed drifts between them by
    // more than the difference (the same benchmark has given 1.10 and
    // 1.50 s in runs minutes apart); a pair shares the drift, which so
    // falls out.
    group.bench_function("1M partners with forecast and dynamics per second without (paired)", |b| {
        b.iter_custom(|iters| {
            let mut ratios = Duration::ZERO;
            for i in 0..iters {
                let without = || {
                    let start = Instant::now();
                    let p = black_box(Review::new(&ledger, as_of()).run(&policy).unwrap());
                    let took = start.elapsed();
                    drop(p);
                    took
                };
                let with = || {
                    let start = Instant::now();
                    let (p, f) = Review::new(&ledger, as_of()).run_with_forecast(&policy).unwrap();
                    let d = black_box(Dynamics::new(&ledger, &p, 20).unwrap());
                    let took = start.elapsed();
                    drop((p, f, d));
                    took
                };
                let (without, with) = if i % 2 == 0 {
                    let w = without();
                    (w, with())
                } else {
                    let w = with();
                    (without(), w)
                };
                ratios += Duration::from_secs_f64(with.as_secs_f64() / without.as_secs_f64());
            }
            ratios
        })
    });
    group.finish();
}

criterion_group!(periods, benches);
criterion_main!(periods);

//! Parquet in and out at scale (features `arrow`, `parquet`):
//!
//! - `parquet/read_sales_path 10M lines, 1M partners`: invoice lines from a
//!   Parquet file (Snappy, row groups of 1M rows; written once to the temp
//!   directory) into a ledger;
//! - `parquet/read_monthly_path 1M partners × 24 months`: monthly figures
//!   (one receivable per month) from a Parquet file into a ledger;
//! - `parquet/results_batch 1M partners` and `parquet/write_parquet 1M
//!   partners`: the review's per-partner results as a record batch, and as
//!   a Parquet file written to memory.
//!
//! The lines come from the deterministic generator of `benches/scale.rs`.
//! The read times leave out freeing the ledger (as in `benches/scale.rs`).
//! `COLUMNAR_BENCH_SCALE=10` divides every size by 10 for a quick look.
//! Run with `cargo bench --features parquet --bench columnar`.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "../examples/support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use chrono::{Datelike, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use partner_priority::import::ParquetImport;
use partner_priority::{Policy, Review, report};

fn scale() -> usize {
    std::env::var("COLUMNAR_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1).max(1)
}

fn partners() -> usize {
    1_000_000 / scale()
}

fn lines() -> usize {
    10_000_000 / scale()
}

const MONTHS: i32 = 24;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

fn write(path: &PathBuf, batches: impl Iterator<Item = RecordBatch>) {
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut batches = batches.peekable();
    let schema = batches.peek().unwrap().schema();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, schema, Some(props)).unwrap();
    for b in batches {
        w.write(&b).unwrap();
    }
    w.close().unwrap();
}

fn decimal(rows: usize) -> Decimal128Builder {
    Decimal128Builder::with_capacity(rows).with_precision_and_scale(18, 2).unwrap()
}

/// 10M invoice lines for 1M partners as Parquet.
fn sales_file() -> PathBuf {
    let path = std::env::temp_dir().join(format!("partner-priority-bench-{}-{}.parquet", partners(), lines()));
    if path.exists() {
        return path;
    }
    let chunk = 1 << 20;
    let (mut id, mut date, mut amount, mut invoice) =
        (StringBuilder::new(), Date32Builder::new(), decimal(chunk), StringBuilder::new());
    let mut batches = Vec::new();
    synth::large(partners(), lines(), as_of(), 7, |p, d, a, n| {
        id.append_value(format!("P{p:07}"));
        date.append_value(days(d));
        amount.append_value(i128::from(a));
        invoice.append_value(format!("I{n:09}"));
        if id.len() == chunk {
            batches.push(batch_of(&mut id, &mut date, &mut amount, &mut invoice));
        }
    });
    if !id.is_empty() {
        batches.push(batch_of(&mut id, &mut date, &mut amount, &mut invoice));
    }
    write(&path, batches.into_iter());
    path
}

fn batch_of(
    id: &mut StringBuilder,
    date: &mut Date32Builder,
    amount: &mut Decimal128Builder,
    invoice: &mut StringBuilder,
) -> RecordBatch {
    RecordBatch::try_from_iter([
        ("partner_id", Arc::new(id.finish()) as ArrayRef),
        ("date", Arc::new(date.finish())),
        ("amount", Arc::new(amount.finish().with_precision_and_scale(18, 2).unwrap())),
        ("invoice_id", Arc::new(invoice.finish())),
    ])
    .unwrap()
}

/// 1M partners × 24 months of figures, each with one receivable, as Parquet.
fn monthly_file() -> PathBuf {
    let path = std::env::temp_dir().join(format!("partner-priority-bench-monthly-{}x{MONTHS}.parquet", partners()));
    if path.exists() {
        return path;
    }
    let per_batch = (1 << 20) / MONTHS as usize;
    let batches = (0..partners()).step_by(per_batch).map(|first| {
        let rows = per_batch.min(partners() - first) * MONTHS as usize;
        let (mut id, mut month) = (StringBuilder::new(), StringBuilder::new());
        let (mut turnover, mut margin, mut receivable) = (decimal(rows), decimal(rows), decimal(rows));
        let mut deals = Int64Builder::with_capacity(rows);
        let mut complete = BooleanBuilder::with_capacity(rows);
        let (mut due, mut paid) = (Date32Builder::new(), Date32Builder::new());
        for p in first..first + rows / MONTHS as usize {
            let size = 1 + (p * 7919 % 1000) as i128;
            for m in 0..MONTHS {
                let first_day = NaiveDate::from_ymd_opt(2024 + m / 12, (m % 12) as u32 + 1, 1).unwrap();
                let value = size * 10_000_00 + i128::from(m) * 1_00;
                id.append_value(format!("P{p:07}"));
                month.append_value(format!("{}-{:02}", first_day.year(), first_day.month()));
                turnover.append_value(value);
                margin.append_value(value / 5);
                deals.append_value(1 + (p as i64 + i64::from(m)) % 9);
                complete.append_value(true);
                let due_day = first_day + chrono::Days::new(40);
                due.append_value(days(due_day));
                paid.append_value(days(due_day) + (p as i32 % 11) - 5);
                receivable.append_value(value);
            }
        }
        RecordBatch::try_from_iter([
            ("partner_id", Arc::new(id.finish()) as ArrayRef),
            ("month", Arc::new(month.finish())),
            ("turnover", Arc::new(turnover.finish().with_precision_and_scale(18, 2).unwrap())),
            ("deals", Arc::new(deals.finish())),
            ("margin", Arc::new(margin.finish().with_precision_and_scale(18, 2).unwrap())),
            ("margin_complete", Arc::new(complete.finish())),
            ("due_date", Arc::new(due.finish())),
            ("paid_date", Arc::new(paid.finish())),
            ("receivable", Arc::new(receivable.finish().with_precision_and_scale(18, 2).unwrap())),
        ])
        .unwrap()
    });
    write(&path, batches);
    path
}

fn parquet_in(c: &mut Criterion) {
    let mut group = c.benchmark_group("parquet");
    group.sample_size(10);
    let sales = sales_file();
    eprintln!("{}: {} MB", sales.display(), std::fs::metadata(&sales).unwrap().len() >> 20);
    group.throughput(Throughput::Elements(lines() as u64));
    group.bench_function(format!("read_sales_path {} lines, {} partners", lines(), partners()), |b| {
        b.iter_with_large_drop(|| ParquetImport::new().read_sales_path(&sales).unwrap());
    });
    let monthly = monthly_file();
    eprintln!("{}: {} MB", monthly.display(), std::fs::metadata(&monthly).unwrap().len() >> 20);
    group.throughput(Throughput::Elements(partners() as u64 * MONTHS as u64));
    group.bench_function(format!("read_monthly_path {} partners × {MONTHS} months", partners()), |b| {
        b.iter_with_large_drop(|| ParquetImport::new().read_monthly_path(&monthly).unwrap());
    });
    group.finish();
}

fn parquet_out(c: &mut Criterion) {
    let mut group = c.benchmark_group("parquet");
    group.sample_size(10);
    let ledger = ParquetImport::new().read_monthly_path(monthly_file()).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let portfolio = Review::new(&ledger, as_of).run(&Policy::default()).unwrap();
    group.throughput(Throughput::Elements(partners() as u64));
    group.bench_function(format!("results_batch {} partners", partners()), |b| {
        b.iter(|| black_box(report::results_batch(&portfolio).unwrap()));
    });
    group.bench_function(format!("write_parquet {} partners", partners()), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(64 << 20);
            report::write_parquet(&portfolio, &mut out).unwrap();
            black_box(out.len())
        });
    });
    group.finish();
}

criterion_group!(benches, parquet_in, parquet_out);
criterion_main!(benches);

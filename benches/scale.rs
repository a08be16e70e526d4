//! The issue-7 benchmarks at full scale: 10M invoice lines for 1M partners.
//!
//! - `ledger/record_all 10M sales, 1M partners`: in-memory ingest of owned
//!   sales (the ledger drops them);
//! - `ledger/record_all 10M borrowed sales, 1M partners`: the same from a
//!   slice the caller keeps;
//! - `ledger/csv import 10M lines, 1M partners`: the same lines from a CSV
//!   file (written once to the temp directory);
//! - `assess/1M partners`: the full review of a prebuilt ledger
//!   (`Review::new(..).run(..)`);
//! - `assess/write_csv 1M partners`: `report::write_csv`, the review's
//!   per-partner CSV (the `--out` file of the `assess` example), to memory
//!   (one buffer, emptied before each write);
//! - `floor/borrowed sales read alone, 10M sales, 2 threads`: what an
//!   in-memory ingest of those borrowed sales cannot go below on the machine
//!   at hand: each sale (120 bytes) with its date and amount, and one byte
//!   of its partner id and of its invoice id, whose texts are elsewhere on
//!   the heap (a million partner ids, shared by the sales), read on two
//!   threads;
//! - `floor/csv crate alone, 10M lines, 2 threads` and `floor/fresh memory,
//!   480 MiB, 2 threads`: what the CSV import cannot go below on the
//!   machine at hand, whatever the crate does. The first reads the same
//!   file with the `csv` crate in two halves on two threads and does
//!   nothing with the records (the import reads a file with quotes or
//!   carriage returns that way; this one, without, is read as below, by
//!   `floor/file read alone`); the second writes 480 MiB of newly
//!   allocated memory (about what the imported ledger keeps resident) on
//!   two threads, which costs a page fault every 4 KiB. Their sum against
//!   `ledger/csv import` shows how much of the import is the crate's own
//!   work;
//! - `floor/file read alone, 10M lines, 2 threads`: the same file read in
//!   two halves on two threads, 1 MiB at a time as the import reads a
//!   range without quotes, and its line breaks counted with `memchr`: what
//!   the import of such a file (it does not use the `csv` crate for it)
//!   cannot go below;
//! - `snapshot/save` and `snapshot/restore 1M partners, 10M lines`: the
//!   ledger of the CSV file to a binary snapshot (postcard) in memory and
//!   back; the size is printed once.
//!
//! The data comes from the deterministic generator in
//! `examples/support/synth.rs` (heavy-tailed turnover, credit notes, a year
//! of dates). Run with `cargo bench --bench scale`; a run takes a few
//! minutes and about 6 GB of memory. The times leave out freeing the
//! result (a ledger or portfolio of a million partners), which is the
//! caller's to keep; the owned-sales ingest includes dropping the sales it
//! consumes.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "../examples/support/synth.rs"]
mod synth;

use std::hint::black_box;
use std::io::Write;

use chrono::{Datelike, NaiveDate};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use partner_priority::import::CsvImport;
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale, report};
use rust_decimal::Decimal;

const PARTNERS: usize = 1_000_000;
const LINES: usize = 10_000_000;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn sales() -> Vec<Sale> {
    let ids: Vec<PartnerId> = (0..PARTNERS).map(|p| PartnerId::new(&format!("P{p:07}")).unwrap()).collect();
    let mut out = Vec::with_capacity(LINES);
    synth::large(PARTNERS, LINES, as_of(), 7, |p, date, amount, n| {
        let money = Money::new(Decimal::new(amount, 2), Currency::RUB);
        out.push(Sale::new(ids[p].clone(), date, money).with_invoice(format!("I{n:09}")));
    });
    out
}

fn csv_file() -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("partner-priority-bench-{PARTNERS}-{LINES}.csv"));
    if !path.exists() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        writeln!(out, "partner_id,date,amount,invoice_id").unwrap();
        synth::large(PARTNERS, LINES, as_of(), 7, |p, date, amount, n| {
            writeln!(out, "P{p:07},{date},{},I{n:09}", synth::money(amount)).unwrap();
        });
        out.flush().unwrap();
    }
    path
}

fn ledger(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LINES as u64));
    let data = sales();
    group.bench_function("record_all 10M sales, 1M partners", |b| {
        b.iter_batched(
            || data.clone(),
            |sales| {
                let mut ledger = Ledger::new(Currency::RUB);
                ledger.record_all(sales).unwrap();
                black_box(ledger)
            },
            BatchSize::PerIteration,
        )
    });
    group.bench_function("record_all 10M borrowed sales, 1M partners", |b| {
        b.iter_with_large_drop(|| {
            let mut ledger = Ledger::new(Currency::RUB);
            ledger.record_all(&data).unwrap();
            ledger
        })
    });
    group.finish();
    // What any ingest of these sales pays before doing anything with them;
    // here, not in `floor`, because the sales (about 2 GB with their ids)
    // are dropped before the CSV import below.
    let mut floor = c.benchmark_group("floor");
    floor.sample_size(10);
    floor.throughput(Throughput::Elements(LINES as u64));
    floor.bench_function("borrowed sales read alone, 10M sales, 2 threads", |b| {
        b.iter(|| {
            let (first, second) = data.split_at(data.len() / 2);
            let (a, b) = on_two_threads(|| read_sales(first), || read_sales(second));
            black_box(a ^ b)
        })
    });
    floor.finish();
    drop(data);
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LINES as u64));
    let path = csv_file();
    group.bench_function("csv import 10M lines, 1M partners", |b| {
        b.iter_with_large_drop(|| CsvImport::new().read_sales_path(&path).unwrap())
    });
    group.finish();
}

fn assessment(c: &mut Criterion) {
    let ledger = CsvImport::new().read_sales_path(csv_file()).unwrap();
    let policy = Policy::default();
    let mut group = c.benchmark_group("assess");
    group.sample_size(10);
    group.bench_function("1M partners", |b| {
        b.iter_with_large_drop(|| Review::new(&ledger, as_of()).run(&policy).unwrap())
    });
    let portfolio = Review::new(&ledger, as_of()).run(&policy).unwrap();
    // Into one buffer, emptied before each write: the writer's own time,
    // not that of faulting in fresh memory for the output.
    let mut out: Vec<u8> = Vec::with_capacity(128 << 20);
    group.bench_function("write_csv 1M partners", |b| {
        b.iter(|| {
            out.clear();
            report::write_csv(&portfolio, &mut out).unwrap();
            black_box(out.len())
        })
    });
    group.finish();
}

fn snapshot(c: &mut Criterion) {
    let ledger = CsvImport::new().read_sales_path(csv_file()).unwrap();
    let bytes = postcard::to_allocvec(&ledger).unwrap();
    eprintln!(
        "snapshot of {} partners, {} invoices: {} bytes ({:.1} MiB)",
        ledger.partner_count(),
        ledger.invoice_count(),
        bytes.len(),
        bytes.len() as f64 / f64::from(1 << 20)
    );
    let mut group = c.benchmark_group("snapshot");
    group.sample_size(10);
    group.bench_function("save 1M partners, 10M lines", |b| {
        b.iter_with_large_drop(|| postcard::to_allocvec(&ledger).unwrap())
    });
    group.bench_function("restore 1M partners, 10M lines", |b| {
        b.iter_with_large_drop(|| postcard::from_bytes::<Ledger>(&bytes).unwrap())
    });
    group.finish();
}

/// `first` on a thread of its own and `second` on this one, at the same
/// time (this thread's part runs before it waits for the other's).
fn on_two_threads<A: Send, B>(first: impl FnOnce() -> A + Send, second: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let other = s.spawn(first);
        let mine = second();
        (other.join().unwrap(), mine)
    })
}

/// Reads what any ingest must read of each sale: one byte of its partner
/// id's text and of its invoice id's (each somewhere else on the heap), the
/// lengths, the date and the amount; returns a checksum.
fn read_sales(sales: &[Sale]) -> u64 {
    let last = |s: &str| u64::from(s.as_bytes().last().copied().unwrap_or(0)) ^ s.len() as u64;
    sales.iter().fold(0u64, |acc, sale| {
        let invoice = sale.invoice().map_or(0, last);
        let date = u64::from(sale.date().num_days_from_ce().unsigned_abs());
        let amount = sale.amount().amount().mantissa() as u64;
        acc.wrapping_add(last(sale.partner().as_str()) ^ invoice << 16 ^ date ^ amount)
    })
}

/// The byte after the first line break at or after the middle of the file.
fn middle_line(path: &std::path::Path) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let size = std::fs::metadata(path).unwrap().len();
    let mut file = std::fs::File::open(path).unwrap();
    file.seek(SeekFrom::Start(size / 2)).unwrap();
    let mut buf = [0u8; 4096];
    let n = file.read(&mut buf).unwrap();
    size / 2 + buf[..n].iter().position(|&b| b == b'\n').unwrap() as u64 + 1
}

/// Records of the csv crate over bytes `from..to` of the file (the first
/// half with its header).
fn csv_records(path: &std::path::Path, from: u64, to: u64) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).unwrap();
    file.seek(SeekFrom::Start(from)).unwrap();
    let mut rdr = csv::ReaderBuilder::new().has_headers(from == 0).from_reader(file.take(to - from));
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while rdr.read_byte_record(&mut record).unwrap() {
        n += 1;
    }
    n
}

/// The line breaks of bytes `from..to` of the file, read as a plain range
/// of the import reads it (1 MiB at a time) and counted with `memchr`.
fn file_lines(path: &std::path::Path, from: u64, to: u64) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).unwrap();
    file.seek(SeekFrom::Start(from)).unwrap();
    let mut file = file.take(to - from);
    let mut buf = vec![0u8; 1 << 20];
    let mut n = 0;
    loop {
        let got = file.read(&mut buf).unwrap();
        if got == 0 {
            return n;
        }
        n += memchr::memchr_iter(b'\n', &buf[..got]).count() as u64;
    }
}

fn floor(c: &mut Criterion) {
    let path = csv_file();
    let (middle, size) = (middle_line(&path), std::fs::metadata(&path).unwrap().len());
    let mut group = c.benchmark_group("floor");
    group.sample_size(10);
    group.throughput(Throughput::Elements(LINES as u64));
    group.bench_function("csv crate alone, 10M lines, 2 threads", |b| {
        b.iter(|| {
            let (first, second) = on_two_threads(|| csv_records(&path, 0, middle), || csv_records(&path, middle, size));
            assert_eq!(first + second, LINES as u64);
        })
    });
    group.bench_function("file read alone, 10M lines, 2 threads", |b| {
        b.iter(|| {
            let (first, second) = on_two_threads(|| file_lines(&path, 0, middle), || file_lines(&path, middle, size));
            // The header's line break and each line's.
            assert_eq!(first + second, LINES as u64 + 1);
        })
    });
    group.throughput(Throughput::Bytes(480 << 20));
    group.bench_function("fresh memory, 480 MiB, 2 threads", |b| {
        let write = || {
            let mut v: Vec<u64> = Vec::with_capacity(30 << 20);
            v.extend((0..30u64 << 20).map(|i| i | 1));
            v
        };
        b.iter_with_large_drop(|| on_two_threads(write, write))
    });
    group.finish();
}

criterion_group!(benches, ledger, floor, assessment, snapshot);
criterion_main!(benches);

//! The bundled sample invoices, each line given an identity (its invoice
//! and its number within the invoice), recorded as a billing system posts
//! them: twice, or in shuffled batches with every line sent twice. The
//! ledger equals the one that recorded each line once, the lines sent again
//! are counted as replays, and the review is the review of the file.

#![cfg(feature = "csv")]
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::str::FromStr;

use partner_priority::chrono::NaiveDate;
use partner_priority::import::CsvImport;
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};

fn sample_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/invoices.csv")
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// The sample's lines with identities: `(invoice, n)`, n counting the
/// invoice's lines in file order. The sample has no quoted fields.
fn sample_lines() -> Vec<Sale> {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header, ["partner_id", "date", "amount", "invoice_id", "margin", "due_date", "paid_date"]);
    let date = |s: &str| NaiveDate::from_str(s).unwrap();
    let mut numbers: HashMap<String, u32> = HashMap::new();
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = numbers.entry(f[3].to_owned()).or_default();
            *n += 1;
            let mut sale = Sale::new(
                PartnerId::new(f[0]).unwrap(),
                date(f[1]),
                Money::new(Decimal::from_str(f[2]).unwrap(), Currency::RUB),
            )
            .with_invoice(f[3])
            .with_line(*n)
            .with_margin(Decimal::from_str(f[4]).unwrap())
            .with_due_date(date(f[5]));
            if !f[6].is_empty() {
                sale = sale.with_paid_date(date(f[6]));
            }
            sale
        })
        .collect()
}

/// A deterministic shuffle (xorshift), so a failure can be replayed.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let j = usize::try_from(seed % (i as u64 + 1)).unwrap();
        items.swap(i, j);
    }
}

fn once(lines: &[Sale]) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB);
    let r = ledger.record_all(lines).unwrap();
    assert_eq!((r.recorded, r.replays), (lines.len(), 0));
    ledger
}

#[test]
fn the_sample_recorded_twice_equals_the_sample_recorded_once() {
    let lines = sample_lines();
    assert!(lines.len() > 18_000);
    let reference = once(&lines);
    let mut twice = once(&lines);
    let again = twice.record_all(&lines).unwrap();
    assert_eq!((again.recorded, again.replays), (0, lines.len()));
    assert_eq!(twice, reference);
    // One by one, too.
    let mut single = once(&lines);
    for line in lines.iter().step_by(97) {
        let r = single.record(line.clone()).unwrap();
        assert_eq!((r.recorded, r.replays), (0, 1));
    }
    assert_eq!(single, reference);
}

#[test]
fn the_sample_in_shuffled_batches_with_every_line_sent_twice_equals_the_sample_recorded_once() {
    let lines = sample_lines();
    let reference = once(&lines);
    for seed in [1_u64, 0x9e37_79b9_7f4a_7c15, 20_261_129] {
        let mut doubled: Vec<Sale> = lines.iter().chain(&lines).cloned().collect();
        shuffle(&mut doubled, seed);
        let mut ledger = Ledger::new(Currency::RUB);
        let (mut recorded, mut replays) = (0, 0);
        // Batches of uneven sizes, the last one short.
        let mut rest = doubled.as_slice();
        let mut size = 1;
        while !rest.is_empty() {
            let (batch, tail) = rest.split_at(size.min(rest.len()));
            let r = ledger.record_all(batch).unwrap();
            recorded += r.recorded;
            replays += r.replays;
            rest = tail;
            size = size * 3 % 2_003 + 1;
        }
        assert_eq!((recorded, replays), (lines.len(), lines.len()), "seed {seed}");
        assert_eq!(ledger, reference, "seed {seed}");
    }
}

#[test]
fn the_review_of_the_identified_lines_is_the_review_of_the_file() {
    let from_file = CsvImport::new().read_sales_path(sample_path()).unwrap();
    let identified = once(&sample_lines());
    let policy = Policy::default();
    let a = Review::new(&from_file, as_of()).run(&policy).unwrap();
    let b = Review::new(&identified, as_of()).run(&policy).unwrap();
    assert_eq!(a, b);
}

/// The sample file with a `line_id` column (`<invoice>/<n>`), every line
/// written twice, in shuffled order.
fn doubled_file_with_line_ids(seed: u64) -> String {
    let text = std::fs::read_to_string(sample_path()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut numbers: HashMap<String, u32> = HashMap::new();
    let mut rows: Vec<String> = lines
        .map(|l| {
            let invoice = l.split(',').nth(3).unwrap().to_owned();
            let n = numbers.entry(invoice.clone()).or_default();
            *n += 1;
            format!("{l},{invoice}/{n}")
        })
        .collect();
    rows.extend(rows.clone());
    shuffle(&mut rows, seed);
    let mut out = format!("{header},line_id\n");
    for r in rows {
        out.push_str(&r);
        out.push('\n');
    }
    out
}

#[test]
fn a_file_with_line_ids_and_every_line_twice_gives_the_review_of_the_file() {
    let plain = CsvImport::new().read_sales_path(sample_path()).unwrap();
    let policy = Policy::default();
    let expected = Review::new(&plain, as_of()).run(&policy).unwrap();
    let data = doubled_file_with_line_ids(7);
    let doubled = CsvImport::new().read_sales(data.as_bytes()).unwrap();
    assert_eq!(Review::new(&doubled, as_of()).run(&policy).unwrap(), expected);
    // Read into a ledger, the second copies are counted.
    let mut ledger = Ledger::new(Currency::RUB);
    let r = CsvImport::new().read_sales_into(&mut ledger, data.as_bytes()).unwrap();
    assert_eq!(r.recorded + r.replays, data.lines().count() - 1);
    assert_eq!(r.recorded, r.replays);
    assert_eq!(ledger, doubled);
}

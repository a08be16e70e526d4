//! The ledger as a record: any sequence of lines (with or without an
//! identity, in batches or one by one), line replacements, voided invoices,
//! payments in parts and reversals. Each operation is all or nothing (a
//! failed one leaves the ledger as it was); a line sent again is a replay;
//! a snapshot restores the same ledger, which still knows its lines; and
//! the review of the result runs.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{Days, NaiveDate};
use libfuzzer_sys::fuzz_target;
use partner_priority::ledger::{DateRange, Payment};
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
use rust_decimal::Decimal;

#[derive(Arbitrary, Debug, Clone)]
struct Line {
    partner: u8,
    invoice: Option<u8>,
    /// 0: no identity; 1..=200: the line number; above: a `line_id`.
    line: u8,
    day: u16,
    cents: i32,
    margin: Option<i32>,
    due: Option<u8>,
    paid: Option<u16>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Record(Line),
    Batch(Vec<Line>),
    Replace(Line),
    Void(u8),
    Pay { invoice: u8, cents: Option<u32>, day: u16, id: Option<u8> },
    Reverse { invoice: u8, id: u8 },
    Snapshot,
}

#[derive(Arbitrary, Debug)]
struct Input {
    strict: bool,
    /// Dates from 1999 (outside the default range) on.
    any_dates: bool,
    ops: Vec<Op>,
}

fn date(day: u16) -> NaiveDate {
    // 1999-07-01 plus up to about 180 years: both ends of the default
    // range (2000 … 2099) are crossed.
    NaiveDate::from_ymd_opt(1999, 7, 1).unwrap().checked_add_days(Days::new(u64::from(day))).unwrap()
}

fn sale(l: &Line) -> Sale {
    let partner = PartnerId::new(&format!("P{}", l.partner % 8)).unwrap();
    let at = date(l.day);
    let mut s = Sale::new(partner, at, Money::new(Decimal::new(i64::from(l.cents), 2), Currency::RUB));
    if let Some(i) = l.invoice {
        s = s.with_invoice(format!("I{}", i % 16));
    }
    match l.line {
        0 => {}
        n @ 1..=200 => s = s.with_line(u32::from(n % 4)),
        n => s = s.with_line_id(format!("L{}", n % 8)),
    }
    if let Some(m) = l.margin {
        s = s.with_margin(Decimal::new(i64::from(m), 2));
    }
    if let Some(due) = l.due {
        // Mostly after the invoice date; sometimes before it (an error).
        let due = if due < 8 {
            at.checked_sub_days(Days::new(u64::from(due)))
        } else {
            at.checked_add_days(Days::new(u64::from(due)))
        };
        if let Some(due) = due {
            s = s.with_due_date(due);
        }
    }
    if let Some(p) = l.paid {
        s = s.with_paid_date(date(p));
    }
    s
}

fuzz_target!(|input: Input| {
    let mut ledger = Ledger::new(Currency::RUB);
    if input.any_dates {
        ledger = ledger.with_dates(DateRange::ANY);
    }
    if input.strict {
        ledger = ledger.strict();
    }
    let mut recorded: Vec<Sale> = Vec::new();
    for op in input.ops.iter().take(64) {
        let before = ledger.clone();
        let ok = match op {
            Op::Record(l) => {
                let s = sale(l);
                let r = ledger.record(s.clone());
                if r.is_ok() {
                    recorded.push(s);
                }
                r.is_ok()
            }
            Op::Batch(lines) => {
                let sales: Vec<Sale> = lines.iter().take(32).map(sale).collect();
                let r = ledger.record_all(&sales);
                if let Ok(r) = &r {
                    assert_eq!(r.recorded + r.replays, sales.len());
                    recorded.extend(sales);
                }
                r.is_ok()
            }
            Op::Replace(l) => ledger.replace_line(sale(l)).is_ok(),
            Op::Void(i) => ledger.void_invoice(&format!("I{}", i % 16)).is_ok(),
            Op::Pay { invoice, cents, day, id } => {
                let invoice = format!("I{}", invoice % 16);
                let mut p = match cents {
                    Some(c) => Payment::part(invoice, Decimal::new(i64::from(*c), 2), date(*day)),
                    None => Payment::full(invoice, date(*day)),
                };
                if let Some(id) = id {
                    p = p.with_id(format!("PAY{}", id % 4));
                }
                ledger.record_payment(&p).is_ok()
            }
            Op::Reverse { invoice, id } => {
                ledger.reverse_payment(&format!("I{}", invoice % 16), &format!("PAY{}", id % 4)).is_ok()
            }
            Op::Snapshot => {
                let json = serde_json::to_string(&ledger).unwrap();
                let restored: Ledger = serde_json::from_str(&json).unwrap();
                assert_eq!(restored, ledger, "a snapshot restores the ledger");
                assert_eq!(serde_json::to_string(&restored).unwrap(), json, "and writes the same snapshot");
                true
            }
        };
        if !ok {
            assert_eq!(ledger, before, "a failed operation changed the ledger: {op:?}");
        }
    }
    // A line with an identity sent again is a replay or, when it was
    // replaced or voided since, a conflict or a new line; never a panic, and
    // a replay changes nothing.
    for s in recorded.iter().filter(|s| s.has_identity()).take(16) {
        let before = ledger.clone();
        if let Ok(r) = ledger.record(s.clone()) {
            if r.replays == 1 {
                assert_eq!(ledger, before, "a replay changed the ledger");
            }
        }
    }
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let _ = Review::new(&ledger, as_of).run(&Policy::default());
});

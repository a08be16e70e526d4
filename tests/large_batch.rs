//! Large batches are buffered by partition and aggregated on several
//! threads; they must give exactly the ledger of the same documents recorded
//! one at a time, and the same errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
#[cfg(feature = "csv")]
use partner_priority::import::CsvImport;
use partner_priority::ledger::Payment;
use partner_priority::period::Window;
use partner_priority::{Currency, ErrorKind, Ledger, Money, PartnerId, Sale};
use rust_decimal::Decimal;

/// A small deterministic generator (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(offset)
}

/// About `lines` lines in documents of one to three lines: most with an
/// invoice id, some credit notes, zero totals, margins, due and paid dates.
fn documents(lines: usize, partners: u64, seed: u64) -> Vec<Vec<Sale>> {
    documents_of(lines, partners, seed, |p| format!("Dealer-{p:05}"))
}

/// [`documents`] with the partner ids `name` gives.
fn documents_of(lines: usize, partners: u64, seed: u64, name: impl Fn(u64) -> String) -> Vec<Vec<Sale>> {
    let mut rng = Lcg(seed);
    let ids: Vec<PartnerId> = (0..partners).map(|p| PartnerId::new(&name(p)).unwrap()).collect();
    let mut docs = Vec::new();
    let mut count = 0;
    let mut n = 0;
    while count < lines {
        n += 1;
        let partner = &ids[rng.next(partners) as usize];
        let size = 1 + rng.next(3) as usize;
        let with_id = rng.next(10) != 0;
        let size = if with_id { size } else { 1 };
        let mut doc = Vec::with_capacity(size);
        for _ in 0..size {
            let offset = rng.next(700);
            let kopecks = match rng.next(20) {
                0 => -(rng.next(5_000_000) as i64),
                1 => 0,
                _ => rng.next(50_000_000) as i64,
            };
            let mut sale = Sale::new(partner.clone(), day(offset), Money::new(Decimal::new(kopecks, 2), Currency::RUB));
            if rng.next(2) == 0 {
                sale = sale.with_margin(Decimal::new(kopecks / 5, 2));
            }
            if rng.next(3) == 0 {
                sale = sale.with_due_date(day(offset + rng.next(60)));
                if rng.next(2) == 0 {
                    sale = sale.with_paid_date(day(offset + rng.next(120)));
                }
            }
            if with_id {
                sale = sale.with_invoice(format!("INV-{n}"));
            }
            doc.push(sale);
        }
        count += doc.len();
        docs.push(doc);
    }
    docs
}

/// 6·10¹⁸ kopecks: two in one partner's month overflow.
fn huge() -> Money {
    Money::new(Decimal::new(6_000_000_000_000_000_000, 2), Currency::RUB)
}

fn one_by_one(docs: &[Vec<Sale>]) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB);
    for doc in docs {
        ledger.record_all(doc.clone()).unwrap();
    }
    ledger
}

#[test]
fn a_large_batch_equals_its_documents_recorded_one_at_a_time() {
    // Past the size from which a batch is partitioned and aggregated by
    // several threads.
    let docs = documents(300_000, 20_000, 7);
    let lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let mut at_once = Ledger::new(Currency::RUB);
    assert_eq!(at_once.record_all(lines.iter().cloned()).unwrap().recorded, lines.len());
    let mut separately = one_by_one(&docs);
    assert_eq!(at_once, separately);
    assert!(at_once.open_invoice_count() > 1000, "{}", at_once.open_invoice_count());
    assert_eq!(at_once.open_invoice_count(), separately.open_invoice_count());
    // What is open on each invoice, including those whose lines are zero
    // (nothing due on them either way).
    for doc in &docs {
        let Some(invoice) = doc[0].invoice() else { continue };
        assert_eq!(at_once.open_amount(invoice), separately.open_amount(invoice), "{invoice}");
    }
    // Deals and credit notes per partner, document by document.
    let window = Window::before(day(731), 24).unwrap();
    for (a, b) in at_once.turnovers(window).iter().zip(separately.turnovers(window).iter()) {
        assert_eq!((a.deals(), a.credit_note_count(), a.total()), (b.deals(), b.credit_note_count(), b.total()));
    }
    // Payments recorded later reach the same documents.
    for doc in docs.iter().step_by(7) {
        let Some(invoice) = doc[0].invoice() else { continue };
        let paid = day(800);
        let payment = Payment::full(invoice, paid);
        assert_eq!(at_once.record_payment(&payment).is_ok(), separately.record_payment(&payment).is_ok());
    }
    assert_eq!(at_once, separately);
    // A second large batch into the same ledger.
    let more = documents(100_000, 30_000, 8);
    let renamed: Vec<Sale> = more
        .iter()
        .flatten()
        .map(|s| match s.invoice() {
            Some(id) => s.clone().with_invoice(format!("B-{id}")),
            None => s.clone(),
        })
        .collect();
    at_once.record_all(renamed.iter().cloned()).unwrap();
    for doc in renamed.chunk_by(|a, b| a.invoice().is_some() && a.invoice() == b.invoice()) {
        separately.record_all(doc.to_vec()).unwrap();
    }
    assert_eq!(at_once, separately);
}

#[test]
fn a_large_batch_with_long_partner_ids_equals_its_documents_recorded_one_at_a_time() {
    // Ids of 12 to 52 bytes, some past the 22 a partner index holds inline.
    let docs = documents_of(80_000, 4_000, 13, |p| format!("Dealer-{p:05}{}", "-long".repeat(p as usize % 9)));
    let lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    assert!(lines.iter().any(|s| s.partner().as_str().len() > 22));
    let mut at_once = Ledger::new(Currency::RUB);
    at_once.record_all(lines.iter().cloned()).unwrap();
    assert_eq!(at_once, one_by_one(&docs));
}

#[cfg(feature = "csv")]
#[test]
fn a_large_csv_import_equals_its_lines_recorded_as_sales() {
    // Past the size at which a batch is split into partitions and its lines
    // staged, with plain ASCII ids, Cyrillic ones, ids of up to 256 bytes
    // and invoice ids with a space inside.
    let name = |p: u64| match p % 4 {
        0 => format!("D-{p:05}"),
        1 => format!("Дилер {p}"),
        2 => format!("{p:05}{}", "x".repeat(200 + (p / 4 % 52) as usize)),
        _ => format!("Dealer {p} ltd"),
    };
    let docs = documents_of(50_000, 3_000, 17, name);
    let lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    assert!(lines.iter().any(|s| s.partner().as_str().len() == 256));
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut csv = String::from("partner_id,date,amount,margin,invoice_id,due_date,paid_date\n");
    for s in &lines {
        let invoice = s.invoice().map(|i| format!("No {i}")).unwrap_or_default();
        csv.push_str(&format!(
            "\"{}\",{},{},{},{invoice},{},{}\n",
            s.partner(),
            s.date(),
            s.amount().amount(),
            s.margin().map(|m| m.to_string()).unwrap_or_default(),
            date(s.due_date()),
            date(s.paid_date()),
        ));
    }
    let imported = CsvImport::new().read_sales(csv.as_bytes()).unwrap();
    let renamed: Vec<Sale> = lines
        .iter()
        .map(|s| match s.invoice() {
            Some(i) => s.clone().with_invoice(format!("No {i}")),
            None => s.clone(),
        })
        .collect();
    let mut recorded = Ledger::new(Currency::RUB);
    recorded.record_all(renamed).unwrap();
    assert_eq!(imported, recorded);
    assert_eq!(imported.partner_count(), 3_000);
}

#[test]
fn a_large_batch_is_recorded_the_same_in_any_order() {
    let docs = documents(120_000, 5_000, 11);
    let lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let mut forward = Ledger::new(Currency::RUB);
    forward.record_all(lines.iter().cloned()).unwrap();
    let mut backward = Ledger::new(Currency::RUB);
    backward.record_all(lines.iter().rev().cloned()).unwrap();
    assert_eq!(forward, backward);
}

#[test]
fn an_invoice_with_two_partners_in_a_large_batch_names_the_second_line() {
    let docs = documents(100_000, 5_000, 3);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let first = lines.iter().position(|s| s.invoice().is_some()).unwrap();
    let invoice = lines[first].invoice().unwrap().to_owned();
    let other = PartnerId::new("Someone-else").unwrap();
    lines.push(Sale::new(other, day(3), Money::new(Decimal::ONE, Currency::RUB)).with_invoice(invoice));
    let mut ledger = Ledger::new(Currency::RUB);
    let err = ledger.record_all(lines.iter().cloned()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvoicePartnerConflict { .. }), "{err}");
    assert_eq!(err.line(), Some(lines.len() as u64));
    assert!(ledger.is_empty());
}

#[test]
fn a_bad_line_far_into_a_large_batch_is_reported_with_its_position() {
    // Several chunks of lines, buffered by several threads.
    let docs = documents(600_000, 20_000, 13);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let at = 555_555;
    let bad = lines[at].clone();
    lines[at] = Sale::new(bad.partner().clone(), bad.date(), Money::new(Decimal::ONE, Currency::USD));
    let mut ledger = Ledger::new(Currency::RUB);
    let err = ledger.record_all(&lines).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::CurrencyMismatch { .. }), "{err}");
    assert_eq!(err.line(), Some(at as u64 + 1));
    assert_eq!(err.partner(), Some(bad.partner().as_str()));
    assert!(ledger.is_empty());
    // The same lines, owned or borrowed, up to the bad one.
    lines.truncate(at);
    let (mut owned, mut borrowed) = (Ledger::new(Currency::RUB), Ledger::new(Currency::RUB));
    owned.record_all(lines.clone()).unwrap();
    borrowed.record_all(&lines).unwrap();
    assert_eq!(owned, borrowed);
}

#[test]
fn an_overflow_in_an_early_chunk_comes_before_a_bad_line_in_a_later_one() {
    let docs = documents(400_000, 20_000, 17);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let p = PartnerId::new("Big").unwrap();
    let huge = huge();
    lines.insert(1_000, Sale::new(p.clone(), day(1), huge));
    lines.insert(2_000, Sale::new(p.clone(), day(2), huge));
    lines.push(Sale::new(p, day(4), Money::new(Decimal::ONE, Currency::USD)));
    let mut ledger = Ledger::new(Currency::RUB);
    let err = ledger.record_all(&lines).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Overflow { .. }), "{err}");
    assert_eq!(err.line(), Some(2_001));
}

#[test]
fn an_overflow_before_a_bad_line_is_the_error_reported() {
    let docs = documents(50_000, 1_000, 5);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let p = PartnerId::new("Big").unwrap();
    let huge = huge();
    lines.push(Sale::new(p.clone(), day(1), huge));
    lines.push(Sale::new(p.clone(), day(2), huge));
    let overflow_at = lines.len() as u64;
    for _ in 0..10 {
        lines.push(Sale::new(p.clone(), day(3), Money::new(Decimal::ONE, Currency::RUB)));
    }
    lines.push(Sale::new(p, day(4), Money::new(Decimal::ONE, Currency::USD)));
    let mut ledger = Ledger::new(Currency::RUB);
    let err = ledger.record_all(lines.iter().cloned()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Overflow { .. }), "{err}");
    assert_eq!(err.line(), Some(overflow_at));
    // Without the bad line the overflow is still found, at the same line.
    lines.pop();
    let err = ledger.record_all(lines.iter().cloned()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Overflow { .. }), "{err}");
    assert_eq!(err.line(), Some(overflow_at));
    assert!(ledger.is_empty());
}

#[test]
fn the_lines_of_a_document_count_only_with_their_document() {
    // Recorded document by document, the credit notes reach −5·10¹⁸ kopecks,
    // which fits: the lines of I-1 (total zero) are no credit note.
    let p = PartnerId::new("P").unwrap();
    let big = 50_000_000_000_000_000i64; // rubles: 5·10¹⁸ kopecks
    let sale = |rubles: i64, invoice: &str| {
        Sale::new(p.clone(), day(3), Money::new(Decimal::new(rubles, 0), Currency::RUB)).with_invoice(invoice)
    };
    let mut lines = vec![sale(big, "I-1"), sale(-big, "I-1"), sale(-big, "CN-2")];
    let mut separately = Ledger::new(Currency::RUB);
    separately.record_all(lines[..2].to_vec()).unwrap();
    separately.record_all(lines[2..].to_vec()).unwrap();
    let mut at_once = Ledger::new(Currency::RUB);
    at_once.record_all(&lines).unwrap();
    assert_eq!(at_once, separately);
    let t = at_once.turnover(&p, Window::before(day(40), 1).unwrap()).unwrap();
    assert_eq!((t.credit_note_count(), t.deals()), (1, 0));
    // With a bad line after them, the bad line is the error (not an
    // overflow of the lines counted one by one).
    lines.push(Sale::new(p.clone(), day(4), Money::new(Decimal::ONE, Currency::USD)));
    let err = Ledger::new(Currency::RUB).record_all(&lines).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::CurrencyMismatch { .. }), "{err}");
    assert_eq!(err.line(), Some(4));
}

/// A line whose borrowing panics past its first use (a caller's type gone
/// wrong).
struct Panicking(Sale, std::sync::atomic::AtomicBool);

impl std::borrow::Borrow<Sale> for Panicking {
    #[allow(clippy::panic)]
    fn borrow(&self) -> &Sale {
        if self.1.swap(true, std::sync::atomic::Ordering::Relaxed) {
            panic!("a caller's Borrow panicked");
        }
        &self.0
    }
}

#[test]
fn a_panic_in_every_worker_ends_the_call_instead_of_hanging() {
    // More chunks than the workers take plus the queue holds.
    let docs = documents(1_400_000, 1_000, 19);
    // Each line is borrowed twice (its partner id is read ahead): the
    // second borrow panics.
    let lines: Vec<Panicking> =
        docs.into_iter().flatten().map(|s| Panicking(s, std::sync::atomic::AtomicBool::new(false))).collect();
    let mut ledger = Ledger::new(Currency::RUB);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ledger.record_all(lines)));
    assert!(outcome.is_err());
    assert!(ledger.is_empty());
}

#[test]
fn of_two_overflows_in_different_partitions_the_earlier_line_is_reported() {
    let docs = documents(60_000, 2_000, 23);
    let base: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let huge = huge();
    // Whichever partner's partition is aggregated first, the earlier
    // overflow must win.
    for (first, second) in [("Big-1", "Big-2"), ("Big-2", "Big-1")] {
        let (a, b) = (PartnerId::new(first).unwrap(), PartnerId::new(second).unwrap());
        let mut lines = base.clone();
        lines.insert(100, Sale::new(a.clone(), day(5), huge));
        lines.insert(200, Sale::new(a.clone(), day(6), huge)); // line 201: overflow
        lines.insert(300, Sale::new(b.clone(), day(5), huge));
        lines.insert(400, Sale::new(b.clone(), day(6), huge)); // line 401: overflow
        let err = Ledger::new(Currency::RUB).record_all(&lines).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Overflow { .. }), "{err}");
        assert_eq!((err.line(), err.partner()), (Some(201), Some(a.as_str())));
    }
}

#[test]
fn of_two_overflows_in_one_partition_the_earlier_line_is_reported_whichever_partner_came_first() {
    // A batch this small is one partition: its partners' rows are summed
    // one after the other, in the order the partners first came.
    let huge = huge();
    let one = |p: &PartnerId, d: u64| Sale::new(p.clone(), day(d), Money::new(Decimal::ONE, Currency::RUB));
    let big = |p: &PartnerId, d: u64| Sale::new(p.clone(), day(d), huge);
    let (a, b) = (PartnerId::new("A").unwrap(), PartnerId::new("B").unwrap());
    // A comes first and overflows last, B the other way round.
    let lines = [one(&a, 1), big(&b, 1), big(&b, 2), big(&a, 1), big(&a, 2)];
    let err = Ledger::new(Currency::RUB).record_all(&lines).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Overflow { .. }), "{err}");
    assert_eq!((err.line(), err.partner()), (Some(3), Some("B")));
    // And the other way round.
    let lines = [one(&a, 1), big(&a, 1), big(&a, 2), big(&b, 1), big(&b, 2)];
    let err = Ledger::new(Currency::RUB).record_all(&lines).unwrap_err();
    assert_eq!((err.line(), err.partner()), (Some(3), Some("A")));
}

#[test]
fn a_zero_line_with_a_due_date_opens_no_invoice() {
    let p = PartnerId::new("P").unwrap();
    let line = |rubles: i64, invoice: &str| {
        Sale::new(p.clone(), day(3), Money::new(Decimal::new(rubles, 0), Currency::RUB))
            .with_invoice(invoice)
            .with_due_date(day(20))
    };
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all([line(0, "Z-1"), line(100, "I-2")]).unwrap();
    assert_eq!(ledger.open_invoice_count(), 1);
    // The same ledger as the lines recorded one at a time: no account is
    // kept for the zero line.
    let mut one_at_a_time = Ledger::new(Currency::RUB);
    for sale in [line(0, "Z-1"), line(100, "I-2")] {
        one_at_a_time.record(sale).unwrap();
    }
    assert_eq!(ledger, one_at_a_time);
    assert!(ledger.record_payment(&Payment::full("Z-1", day(25))).unwrap_err().to_string().contains("Z-1"));
    ledger.record_payment(&Payment::full("I-2", day(25))).unwrap();
    assert_eq!(ledger.open_invoice_count(), 0);
}

/// The span of a ledger of more partners than one thread's block of rows:
/// the earliest and latest months are each of one partner, anywhere.
#[test]
fn the_span_of_many_partners_is_their_earliest_and_latest_month() {
    use partner_priority::ledger::MonthlyFigures;
    use partner_priority::period::Month;
    let n = 70_000u32;
    let month = |y, m| Month::new(y, m).unwrap();
    // Partners of one month, and the two at the ends with a second month in
    // the middle (so that a row's first and last month differ).
    let figures: Vec<MonthlyFigures> = (0..n)
        .flat_map(|i| {
            let at = match i {
                69_999 => vec![month(2019, 3), month(2024, 6)],
                35_000 => vec![month(2024, 6), month(2027, 5)],
                _ => vec![month(2024, 1 + i % 12)],
            };
            let id = PartnerId::new(&format!("S{i:06}")).unwrap();
            at.into_iter()
                .map(move |m| MonthlyFigures::new(id.clone(), m, Money::new(Decimal::from(100 + i), Currency::RUB)))
        })
        .collect();
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.add_monthly_all(figures).unwrap();
    assert_eq!(ledger.partner_count(), n as usize);
    assert_eq!(ledger.span(), Some((month(2019, 3), month(2027, 5))));
}

/// A line of zero with a due date and no payment leaves nothing open, in a
/// large batch as when recorded alone.
#[test]
fn a_zero_line_due_and_unpaid_leaves_nothing_open_in_a_large_batch() {
    let docs = documents(100_000, 5_000, 11);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let p = PartnerId::new("Zero").unwrap();
    lines.push(
        Sale::new(p, day(10), Money::new(Decimal::ZERO, Currency::RUB)).with_invoice("ZERO-1").with_due_date(day(40)),
    );
    let mut at_once = Ledger::new(Currency::RUB);
    at_once.record_all(lines.iter().cloned()).unwrap();
    let mut alone = Ledger::new(Currency::RUB);
    alone.record_all(lines.last().cloned()).unwrap();
    assert_eq!(alone.open_amount("ZERO-1"), None);
    assert_eq!(at_once.open_amount("ZERO-1"), None);
}

/// Months whose lines add up to nothing (a line of zero with a margin of
/// zero, a document whose two lines cancel) are not kept by a large batch,
/// nor a partner left with no month; a month with figures beside such a
/// month stays. As when each partner's lines are recorded on their own.
#[test]
fn a_large_batch_keeps_no_month_that_holds_nothing() {
    let docs = documents(70_000, 3_000, 13);
    let mut lines: Vec<Sale> = docs.iter().flatten().cloned().collect();
    let rub = |kopecks: i64| Money::new(Decimal::new(kopecks, 2), Currency::RUB);
    let id = |name: &str| PartnerId::new(name).unwrap();
    let nothing = [Sale::new(id("Nothing"), day(10), rub(0)).with_margin(Decimal::ZERO)];
    let even = [
        Sale::new(id("Even"), day(200), rub(5_000)).with_margin(Decimal::ZERO).with_invoice("EVEN-1"),
        Sale::new(id("Even"), day(201), rub(-5_000)).with_margin(Decimal::ZERO).with_invoice("EVEN-1"),
    ];
    let half = [
        Sale::new(id("Half"), day(40), rub(0)).with_margin(Decimal::ZERO),
        Sale::new(id("Half"), day(100), rub(10_000)).with_margin(Decimal::ZERO),
    ];
    lines.extend(nothing.iter().chain(&even).chain(&half).cloned());
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all(lines.iter().cloned()).unwrap();
    let partners: Vec<&str> = ledger.partners().into_iter().map(PartnerId::as_str).collect();
    assert!(!partners.contains(&"Nothing") && !partners.contains(&"Even"));
    let months_of = |l: &Ledger, p: &str| -> Vec<String> {
        l.monthly_figures().filter(|f| f.partner.as_str() == p).map(|f| f.month.to_string()).collect()
    };
    assert_eq!(months_of(&ledger, "Half"), ["2024-04"]);
    for group in [&nothing[..], &even[..], &half[..]] {
        let mut alone = Ledger::new(Currency::RUB);
        alone.record_all(group.iter().cloned()).unwrap();
        let p = group[0].partner().as_str();
        assert_eq!(months_of(&alone, p), months_of(&ledger, p), "{p}");
    }
}

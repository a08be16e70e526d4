//! The ledger as a billing-grade record, through the public API: lines with
//! an identity and their replays, corrections, payments in parts and their
//! reversal, dates, monthly figures with receivables, and snapshots.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use partner_priority::chrono::NaiveDate;
use partner_priority::ledger::{DateRange, MonthlyFigures, Payment};
use partner_priority::period::Window;
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Currency, ErrorKind, Ledger, Money, PartnerId, Policy, Review, Sale};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rub(units: i64) -> Money {
    Money::new(Decimal::from(units), Currency::RUB)
}

/// Line `n` of invoice `invoice` for partner `partner`.
fn line(partner: &str, invoice: &str, n: u32, date: NaiveDate, amount: i64) -> Sale {
    Sale::new(PartnerId::new(partner).unwrap(), date, rub(amount)).with_invoice(invoice).with_line(n)
}

fn year2025() -> Window {
    Window::before(d(2026, 1, 1), 12).unwrap()
}

#[test]
fn the_lines_of_an_invoice_come_one_by_one_in_any_order() {
    let lines = [
        line("A", "INV-1", 1, d(2025, 3, 4), 700),
        line("A", "INV-1", 2, d(2025, 3, 1), 300),
        line("A", "INV-1", 3, d(2025, 4, 2), -100),
    ];
    let mut whole = Ledger::new(Currency::RUB);
    whole.record_all(&lines).unwrap();
    let mut one_by_one = Ledger::new(Currency::RUB);
    for i in [2, 0, 1] {
        assert_eq!(one_by_one.record(lines[i].clone()).unwrap().recorded, 1);
    }
    assert_eq!(one_by_one, whole);
    assert_eq!((one_by_one.invoice_count(), one_by_one.contains_invoice("INV-1")), (1, true));
    // A line of another document under the same invoice id, without an
    // identity, is refused: the invoice is known.
    let bare = Sale::new(PartnerId::new("A").unwrap(), d(2025, 5, 1), rub(1)).with_invoice("INV-1");
    assert!(one_by_one.record(bare).is_err());
    let t = whole.turnover(&PartnerId::new("A").unwrap(), year2025()).unwrap();
    // One document, one deal, in the month of its earliest line (March).
    assert_eq!((t.deals(), t.total()), (1, Decimal::from(900)));
    assert_eq!(t.months()[2].deals, 1);
}

#[test]
fn a_line_sent_again_unchanged_is_skipped_and_counted() {
    let lines = [line("A", "INV-1", 1, d(2025, 3, 4), 700), line("A", "INV-1", 2, d(2025, 3, 4), 300)];
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all(&lines).unwrap();
    let once = ledger.clone();
    let again = ledger.record_all(&lines).unwrap();
    assert_eq!((again.recorded, again.replays), (0, 2));
    assert_eq!(ledger, once);
    assert_eq!(ledger.replays(), 2);
    // The same line twice in one batch: the second is a replay.
    let mut fresh = Ledger::new(Currency::RUB);
    let twice = fresh.record_all([lines[0].clone(), lines[0].clone(), lines[1].clone()]).unwrap();
    assert_eq!((twice.recorded, twice.replays, twice.total()), (2, 1, 3));
    assert_eq!(fresh, once);
}

#[test]
fn a_known_identity_with_other_content_is_a_conflict_naming_both_lines() {
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record(line("A", "INV-1", 1, d(2025, 3, 4), 700)).unwrap();
    let before = ledger.clone();
    let err = ledger.record(line("A", "INV-1", 1, d(2025, 3, 4), 750)).unwrap_err();
    assert!(err.is_conflict(), "{err}");
    // Another kind of refusal is not a conflict.
    let other =
        ledger.record(Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 4), Money::new(Decimal::ONE, Currency::USD)));
    assert!(!other.unwrap_err().is_conflict());
    assert_eq!(
        err.to_string(),
        "line 1, partner `A`: invoice `INV-1` line 1 was recorded as partner `A`, 700.00 on 2025-03-04; \
         this one says partner `A`, 750.00 on 2025-03-04"
    );
    assert_eq!(ledger, before);
    // Within one batch the error names the line that came first.
    let mut fresh = Ledger::new(Currency::RUB);
    let err = fresh
        .record_all([line("A", "INV-1", 1, d(2025, 3, 4), 700), line("A", "INV-1", 1, d(2025, 3, 5), 700)])
        .unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert!(matches!(err.kind(), ErrorKind::LineConflict { first_line: Some(1), .. }), "{err}");
    assert!(fresh.is_empty());
}

#[test]
fn identities_are_checked() {
    let mut ledger = Ledger::new(Currency::RUB);
    let no_invoice = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)).with_line(1);
    assert!(ledger.record(no_invoice).is_err());
    // An invoice recorded as a whole cannot take lines with identities.
    let whole = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)).with_invoice("INV-9");
    ledger.record(whole).unwrap();
    assert!(ledger.record(line("A", "INV-9", 2, d(2025, 3, 1), 5)).unwrap_err().is_duplicate());
    // One invoice, two partners.
    ledger.record(line("A", "INV-1", 1, d(2025, 3, 1), 5)).unwrap();
    let err = ledger.record(line("B", "INV-1", 2, d(2025, 3, 1), 5)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvoicePartnerConflict { .. }), "{err}");
    // A line id alone is an identity.
    let own = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)).with_line_id("L-1");
    ledger.record(own.clone()).unwrap();
    assert_eq!(ledger.record(own).unwrap().replays, 1);
}

#[test]
fn a_strict_ledger_refuses_lines_without_an_identity() {
    let mut ledger = Ledger::new(Currency::RUB).strict();
    let bare = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5));
    let err = ledger.record_all([line("A", "I", 1, d(2025, 3, 1), 5), bare]).unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert!(ledger.is_empty());
    assert!(ledger.record(line("A", "I", 1, d(2025, 3, 1), 5)).is_ok());
}

#[test]
fn an_empty_ledger_keeps_its_own_settings_when_it_takes_another_in_a_merge() {
    let mut other = Ledger::new(Currency::RUB);
    other.record(line("A", "I", 1, d(2025, 3, 1), 5)).unwrap();
    let mut strict = Ledger::new(Currency::RUB).strict();
    assert!(!Ledger::new(Currency::RUB).is_strict());
    strict.merge(other).unwrap();
    assert!(strict.is_strict());
    assert_eq!(strict.partner_count(), 1);
    let bare = Sale::new(PartnerId::new("B").unwrap(), d(2025, 3, 1), rub(5));
    assert!(strict.record(bare).is_err());
}

#[test]
fn voiding_an_invoice_leaves_the_ledger_that_never_had_it() {
    let other = line("A", "INV-2", 1, d(2025, 5, 1), 80);
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record(other.clone()).unwrap();
    let without = ledger.clone();
    let due = |s: Sale| s.with_due_date(d(2025, 4, 1));
    ledger
        .record_all([due(line("A", "INV-1", 1, d(2025, 3, 1), 700)), due(line("A", "INV-1", 2, d(2025, 3, 2), 300))])
        .unwrap();
    ledger.record_payment(&Payment::part("INV-1", Decimal::from(100), d(2025, 4, 5)).with_id("P1")).unwrap();
    ledger.void_invoice("INV-1").unwrap();
    assert_eq!(ledger, without);
    // Its id may be recorded again.
    assert!(ledger.record(line("A", "INV-1", 1, d(2025, 3, 1), 1)).is_ok());
    // An invoice recorded without identities cannot be voided line by line.
    let whole = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)).with_invoice("INV-W");
    ledger.record(whole).unwrap();
    assert!(matches!(ledger.void_invoice("INV-W").unwrap_err().kind(), ErrorKind::NotCorrectable { .. }));
    assert!(matches!(ledger.void_invoice("INV-?").unwrap_err().kind(), ErrorKind::UnknownInvoice { .. }));
}

#[test]
fn a_replaced_line_leaves_the_ledger_that_had_it_from_the_start() {
    let first = [line("A", "INV-1", 1, d(2025, 3, 1), 700), line("A", "INV-1", 2, d(2025, 3, 5), 300)];
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all(&first).unwrap();
    let corrected = line("A", "INV-1", 2, d(2025, 2, 27), -50).with_margin(Decimal::from(-5));
    ledger.replace_line(corrected.clone()).unwrap();
    let mut direct = Ledger::new(Currency::RUB);
    direct.record_all([first[0].clone(), corrected]).unwrap();
    assert_eq!(ledger, direct);
    // A line that is not there; a move to another partner while the
    // invoice keeps another line.
    assert!(matches!(
        ledger.replace_line(line("A", "INV-1", 9, d(2025, 3, 1), 1)).unwrap_err().kind(),
        ErrorKind::UnknownLine { .. }
    ));
    assert!(ledger.replace_line(line("B", "INV-1", 1, d(2025, 3, 1), 700)).is_err());
    assert_eq!(ledger, direct);
    // A single-line invoice booked to the wrong partner moves.
    let mut one = Ledger::new(Currency::RUB);
    one.record(line("A", "INV-5", 1, d(2025, 3, 1), 10).with_due_date(d(2025, 4, 1))).unwrap();
    one.replace_line(line("B", "INV-5", 1, d(2025, 3, 1), 10).with_due_date(d(2025, 4, 1))).unwrap();
    let mut right = Ledger::new(Currency::RUB);
    right.record(line("B", "INV-5", 1, d(2025, 3, 1), 10).with_due_date(d(2025, 4, 1))).unwrap();
    assert_eq!(one, right);
    assert_eq!(one.partner_count(), 1);
}

#[test]
fn an_invoice_is_paid_in_parts_earliest_due_first_and_a_payment_can_be_reversed() {
    let due = |n, date, amount| line("A", "INV-1", n, d(2025, 3, 1), amount).with_due_date(date);
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all([due(1, d(2025, 4, 30), 600), due(2, d(2025, 3, 31), 400)]).unwrap();
    let unpaid = ledger.clone();
    ledger.record_payment(&Payment::part("INV-1", Decimal::from(500), d(2025, 4, 10)).with_id("P1")).unwrap();
    let t = ledger.turnover(&PartnerId::new("A").unwrap(), year2025()).unwrap();
    let paid: Vec<(NaiveDate, Option<NaiveDate>, Decimal)> =
        t.receivables().iter().map(|r| (r.due_date, r.paid_date, r.amount)).collect();
    // 400 due on 31 March paid first, then 100 of the 600.
    assert_eq!(
        paid,
        [
            (d(2025, 3, 31), Some(d(2025, 4, 10)), Decimal::from(400)),
            (d(2025, 4, 30), None, Decimal::from(500)),
            (d(2025, 4, 30), Some(d(2025, 4, 10)), Decimal::from(100)),
        ]
    );
    assert_eq!(ledger.open_invoice_count(), 1);
    // Too much, too early, a replay, a conflict.
    let before = ledger.clone();
    assert!(ledger.record_payment(&Payment::part("INV-1", Decimal::from(501), d(2025, 5, 1))).is_err());
    assert!(ledger.record_payment(&Payment::part("INV-1", Decimal::from(1), d(2025, 2, 1))).is_err());
    assert_eq!(
        ledger
            .record_payment(&Payment::part("INV-1", Decimal::from(500), d(2025, 4, 10)).with_id("P1"))
            .unwrap()
            .replays,
        1
    );
    let err =
        ledger.record_payment(&Payment::part("INV-1", Decimal::from(400), d(2025, 4, 10)).with_id("P1")).unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(ledger, before);
    ledger.record_payment(&Payment::full("INV-1", d(2025, 5, 3)).with_id("P2")).unwrap();
    assert_eq!(ledger.open_invoice_count(), 0);
    // The first payment bounced: the second now pays what it would have
    // paid alone.
    ledger.reverse_payment("INV-1", "P1").unwrap();
    let mut alone = unpaid.clone();
    alone.record_payment(&Payment::part("INV-1", Decimal::from(500), d(2025, 5, 3)).with_id("P2")).unwrap();
    assert_eq!(
        ledger.turnover(&PartnerId::new("A").unwrap(), year2025()),
        alone.turnover(&PartnerId::new("A").unwrap(), year2025())
    );
    assert!(matches!(ledger.reverse_payment("INV-1", "P9").unwrap_err().kind(), ErrorKind::UnknownPayment { .. }));
    // A correction that would leave the invoice paid beyond what it owes.
    let before = ledger.clone();
    let err = ledger.replace_line(due(1, d(2025, 4, 30), 50)).unwrap_err();
    assert!(err.to_string().contains("payments exceed"), "{err}");
    assert_eq!(ledger, before);
}

#[test]
fn dates_outside_the_range_or_out_of_order_are_errors_naming_the_line() {
    let mut ledger = Ledger::new(Currency::RUB);
    let typo = Sale::new(PartnerId::new("A").unwrap(), d(1925, 3, 1), rub(5));
    let err =
        ledger.record_all([Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)), typo.clone()]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::DateOutOfRange { .. }), "{err}");
    assert_eq!(err.line(), Some(2));
    assert!(ledger.is_empty());
    let early_due = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5)).with_due_date(d(2025, 2, 1));
    assert!(ledger.record(early_due).is_err());
    let early_paid = Sale::new(PartnerId::new("A").unwrap(), d(2025, 3, 1), rub(5))
        .with_due_date(d(2025, 4, 1))
        .with_paid_date(d(2025, 2, 28));
    assert!(ledger.record(early_paid).is_err());
    // A ledger for older data takes it.
    let mut old = Ledger::new(Currency::RUB).with_dates(DateRange::ANY);
    old.record(typo).unwrap();
    let narrow = DateRange::new(d(2024, 1, 1), d(2026, 12, 31)).unwrap();
    let mut ledger = Ledger::new(Currency::RUB).with_dates(narrow);
    assert!(ledger.record(Sale::new(PartnerId::new("A").unwrap(), d(2027, 1, 1), rub(5))).is_err());
    let figures = MonthlyFigures::new(
        PartnerId::new("A").unwrap(),
        partner_priority::period::Month::new(2023, 12).unwrap(),
        rub(5),
    );
    assert!(ledger.add_monthly(figures).is_err());
}

#[test]
fn monthly_figures_with_receivables_give_the_review_of_their_lines() {
    let mut lines = Ledger::new(Currency::RUB);
    let p = PartnerId::new("A").unwrap();
    for m in 1..=12 {
        let date = d(2025, m, 5);
        let sale = Sale::new(p.clone(), date, rub(100_000 + i64::from(m) * 1_000))
            .with_invoice(format!("I{m}"))
            .with_due_date(date + chrono_days(20))
            .with_margin(Decimal::from(9_000));
        let sale = if m % 3 == 0 { sale } else { sale.with_paid_date(date + chrono_days(20 + i64::from(m) * 3)) };
        lines.record(sale).unwrap();
    }
    let mut figures = Ledger::new(Currency::RUB);
    figures.add_monthly_all(lines.monthly_figures()).unwrap();
    let as_of = d(2026, 1, 1);
    let policy = Policy::default();
    assert_eq!(Review::new(&figures, as_of).run(&policy).unwrap(), Review::new(&lines, as_of).run(&policy).unwrap());
}

fn chrono_days(n: i64) -> partner_priority::chrono::Days {
    partner_priority::chrono::Days::new(u64::try_from(n).unwrap())
}

#[cfg(feature = "serde")]
#[test]
fn a_snapshot_restores_the_ledger_which_still_knows_its_lines() {
    let mut ledger = Ledger::new(Currency::RUB);
    let due = |s: Sale| s.with_due_date(d(2025, 4, 1));
    ledger
        .record_all([due(line("A", "INV-1", 1, d(2025, 3, 1), 700)), line("B", "INV-2", 1, d(2025, 3, 2), 30)])
        .unwrap();
    ledger.record(Sale::new(PartnerId::new("C").unwrap(), d(2025, 6, 1), rub(5)).with_invoice("W-1")).unwrap();
    ledger.record_payment(&Payment::part("INV-1", Decimal::from(100), d(2025, 4, 5)).with_id("P1")).unwrap();
    let json = serde_json::to_string(&ledger).unwrap();
    let mut restored: Ledger = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, ledger);
    assert_eq!(ledger, restored);
    // The same snapshot, byte for byte, however the ledger was built.
    assert_eq!(serde_json::to_string(&restored).unwrap(), json);
    assert_eq!(
        restored.record(line("A", "INV-1", 1, d(2025, 3, 1), 700).with_due_date(d(2025, 4, 1))).unwrap().replays,
        1
    );
    assert!(
        restored.record(Sale::new(PartnerId::new("C").unwrap(), d(2025, 6, 1), rub(5)).with_invoice("W-1")).is_err()
    );
    restored.reverse_payment("INV-1", "P1").unwrap();
    // Another format version, or a snapshot that does not hang together.
    assert!(serde_json::from_str::<Ledger>(&json.replacen("\"format\":1", "\"format\":2", 1)).is_err());
    assert!(serde_json::from_str::<Ledger>(&json.replacen("\"A\"", "\"Z\"", 1)).is_err());
}

/// A binary format that does not describe itself (postcard, as a service
/// would keep its snapshots) restores the same ledger, and a cut-off or
/// damaged snapshot is an error, not a panic.
#[cfg(feature = "serde")]
#[test]
fn a_binary_snapshot_restores_the_ledger() {
    let mut ledger = Ledger::new(Currency::RUB).with_dates(DateRange::ANY);
    let due = |s: Sale| s.with_due_date(d(2025, 4, 1));
    ledger
        .record_all([due(line("A", "INV-1", 1, d(2025, 3, 1), 700)), line("A", "INV-1", 2, d(2025, 3, 1), 5)])
        .unwrap();
    ledger.record(Sale::new(PartnerId::new("B").unwrap(), d(1901, 6, 1), rub(-5)).with_line_id("CN-1")).unwrap();
    ledger.record_payment(&Payment::part("INV-1", Decimal::from(100), d(2025, 4, 5)).with_id("P1")).unwrap();
    let bytes = postcard::to_allocvec(&ledger).unwrap();
    let restored: Ledger = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(restored, ledger);
    assert_eq!(ledger, restored);
    assert_eq!(restored.dates(), DateRange::ANY);
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        assert!(postcard::from_bytes::<Ledger>(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for at in (0..bytes.len()).step_by(7) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x5a;
        // An error or a ledger that still hangs together; never a panic.
        if let Ok(l) = postcard::from_bytes::<Ledger>(&damaged) {
            let again: Ledger = postcard::from_bytes(&postcard::to_allocvec(&l).unwrap()).unwrap();
            assert_eq!(again, l);
        }
    }
}

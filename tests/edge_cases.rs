//! Inputs at the edges: amounts near Decimal's limits, one huge tie group, a
//! single partner, nothing at all, dates at the ends of chrono's range,
//! Unicode and very long ids, a partner listed twice, a window with no data.
//! None of them may panic; each gives a result or a typed error.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use partner_priority::ledger::{DateRange, MonthlyFigures};
use partner_priority::pareto::{ParetoPolicy, segment};
use partner_priority::period::{Month, Window};
use partner_priority::review::Migrations;
use partner_priority::tier::TierPolicy;
use partner_priority::{
    Currency, ErrorKind, Ledger, Money, Partner, PartnerId, Policy, Portfolio, Result, Review, Sale, Segment, Tier,
};
use rust_decimal::Decimal;

const MIN_SALE_DATE: NaiveDate = Ledger::MIN_DATE;
const MAX_SALE_DATE: NaiveDate = Ledger::MAX_DATE;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rub(amount: Decimal) -> Money {
    Money::new(amount, Currency::RUB)
}

fn id(s: &str) -> PartnerId {
    PartnerId::new(s).unwrap()
}

/// A review of `ledger` with `partners`, no facts and the default policy.
fn run(ledger: &Ledger, partners: &[Partner], as_of: NaiveDate, previous: Option<&Portfolio>) -> Result<Portfolio> {
    Review::new(ledger, as_of).partners(partners).previous(previous).run(&Policy::default())
}

#[test]
fn amounts_near_decimals_limits_are_errors_not_panics() {
    let mut ledger = Ledger::new(Currency::RUB);
    for amount in [Decimal::MAX, Decimal::MIN, Decimal::new(i64::MAX, 0), Decimal::new(1, 28)] {
        let err = ledger.record(Sale::new(id("A"), d(2025, 1, 1), rub(amount))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InexactAmount { .. }), "{amount}: {err}");
    }
    // The largest amount a cell keeps, then one kopeck more: an overflow.
    let max = Decimal::new(i64::MAX, 2);
    ledger.record(Sale::new(id("A"), d(2025, 1, 1), rub(max))).unwrap();
    assert!(ledger.record(Sale::new(id("A"), d(2025, 1, 2), rub(Decimal::new(1, 2)))).unwrap_err().is_overflow());
    let month = Month::new(2025, 1).unwrap();
    let err = ledger.add_monthly(MonthlyFigures::new(id("A"), month, rub(max))).unwrap_err();
    assert!(err.is_overflow(), "{err}");
    // A partner at the limit still assesses.
    let p = run(&ledger, &[], d(2026, 1, 1), None).unwrap();
    assert_eq!(p.by_rank(1).unwrap().tier(), Tier::Gold);
    // Segmentation and tiers of extreme decimals: a result or an overflow.
    let huge = vec![(id("a"), Decimal::MAX), (id("b"), Decimal::MAX), (id("c"), Decimal::MIN)];
    match segment(&huge, &ParetoPolicy::default()) {
        Ok(s) => assert_eq!(s.entries().len(), 3),
        Err(e) => assert!(e.is_overflow(), "{e}"),
    }
    // Over 1 200 months, Decimal::MAX is far above the Gold floor and
    // Decimal::MIN far below the Bronze one.
    let tiers = TierPolicy::default();
    for (total, expected) in [(Decimal::MAX, Tier::Gold), (Decimal::MIN, Tier::Beginner)] {
        match tiers.assign(rub(total), 1200, None) {
            Ok(a) => {
                assert_eq!(a.tier, expected, "{total}");
                assert_eq!(a.tier, tiers.tier_of(rub(a.monthly)).unwrap(), "{total}");
            }
            Err(e) => assert!(e.is_overflow(), "{e}"),
        }
    }
}

#[test]
fn a_million_partners_with_equal_turnover_are_one_tie_group() {
    let input: Vec<(PartnerId, Decimal)> =
        (0..1_000_000).map(|i| (PartnerId::new(&format!("P{i:07}")).unwrap(), Decimal::new(12_345, 2))).collect();
    let s = segment(&input, &ParetoPolicy::default()).unwrap();
    assert!(s.entries().iter().all(|e| e.segment == Segment::A && e.rank == 1));
    assert_eq!(s.table()[0].partners, 1_000_000);
    assert_eq!(s.concentration().unwrap().gini, Decimal::ZERO);
}

#[test]
fn a_single_partner() {
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record(Sale::new(id("only"), d(2025, 6, 1), rub(Decimal::from(10)))).unwrap();
    let p = run(&ledger, &[], d(2026, 1, 1), None).unwrap();
    let a = p.assessments().next().unwrap();
    assert_eq!((a.rank(), a.segment(), a.tier()), (1, Segment::A, Tier::Beginner));
    assert_eq!(p.concentration().unwrap().top_partner_share, Decimal::ONE);
}

#[test]
fn empty_inputs_give_empty_results() {
    let ledger = Ledger::new(Currency::RUB);
    let p = run(&ledger, &[], d(2026, 1, 1), None).unwrap();
    assert!(p.is_empty() && p.assessments().next().is_none());
    assert!(p.alerts().is_empty());
    assert!(p.concentration().is_none());
    assert_eq!(p.total().amount(), Decimal::ZERO);
    assert!(p.by_region().unwrap().is_empty());
    let again = run(&ledger, &[], d(2026, 4, 1), Some(&p)).unwrap();
    assert_eq!(again.migrations().unwrap().continuing(), 0);
    assert!(segment(&[], &ParetoPolicy::default()).unwrap().entries().is_empty());
    assert_eq!(Migrations::between(&[], &[]).unwrap().continuing(), 0);
    assert!(ledger.turnovers(Window::before(d(2026, 1, 1), 12).unwrap()).is_empty());
}

#[test]
fn dates_at_the_ends_of_chronos_range() {
    // The ledger's own range opened to everything chrono can hold.
    let mut ledger = Ledger::new(Currency::RUB).with_dates(DateRange::ANY);
    for date in [MIN_SALE_DATE, MAX_SALE_DATE] {
        ledger.record(Sale::new(id("A"), date, rub(Decimal::ONE))).unwrap();
    }
    for date in [NaiveDate::MIN, NaiveDate::MAX, MIN_SALE_DATE.pred_opt().unwrap()] {
        let err = ledger.record(Sale::new(id("A"), date, rub(Decimal::ONE))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::DateOutOfRange { .. }), "{date}: {err}");
        let due = Sale::new(id("A"), d(2025, 1, 1), rub(Decimal::ONE)).with_due_date(date);
        assert!(ledger.record(due).is_err());
    }
    // Reviews near the ends: a result or a typed error, never a panic.
    for as_of in [NaiveDate::MIN, d(1, 1, 1), d(1, 2, 1), MAX_SALE_DATE, NaiveDate::MAX] {
        match run(&ledger, &[], as_of, None) {
            Ok(p) => assert!(p.assessments().len() <= 1),
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::DateOutOfRange { .. } | ErrorKind::InvalidWindow { .. }),
                "{as_of}: {e}"
            ),
        }
    }
}

#[test]
fn unicode_and_very_long_ids() {
    let long = "Ж".repeat(128); // 256 bytes: the longest id
    let ids = ["Дилер №5 «Север»", "经销商-上海", "🚚-partner", long.as_str()];
    let mut ledger = Ledger::new(Currency::RUB);
    for (k, text) in ids.iter().enumerate() {
        let sale = Sale::new(id(text), d(2025, 3, 1), rub(Decimal::from(1000 * (k as i64 + 1))))
            .with_invoice(format!("{}/счёт-{k}", text.chars().take(20).collect::<String>()));
        ledger.record(sale).unwrap();
    }
    let p = run(&ledger, &[], d(2026, 1, 1), None).unwrap();
    assert_eq!(p.assessments().len(), 4);
    assert!(p.get(&id(&long)).is_some());
    assert!(p.get(long.as_str()).is_some());
    let too_long = "Ж".repeat(129);
    assert!(matches!(PartnerId::new(&too_long).unwrap_err().kind(), ErrorKind::InvalidPartnerId { .. }));
    let err = ledger.record(Sale::new(id("A"), d(2025, 1, 1), rub(Decimal::ONE)).with_invoice(too_long)).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::InvalidInvoiceId { .. }));
    let huge = "x".repeat(10_000_000);
    let err = PartnerId::new(&huge).unwrap_err();
    assert!(err.to_string().len() < 300);
}

/// A partner listed twice is an error (documented on `Review::run` and
/// `CsvImport::read_partners`): the two entries may disagree, and silently
/// picking one would lose data.
#[test]
fn a_partner_listed_twice_is_an_error() {
    let ledger = Ledger::new(Currency::RUB);
    let partners = vec![Partner::new(id("A")).with_region("Москва"), Partner::new(id("A")).with_region("Урал")];
    let err = run(&ledger, &partners, d(2026, 1, 1), None).unwrap_err();
    assert!(err.is_duplicate());
    assert_eq!(err.partner(), Some("A"));
}

#[cfg(feature = "csv")]
#[test]
fn a_partner_listed_twice_in_the_partners_file_names_both_lines() {
    let csv = "partner_id,name,region\nA,Альфа,Москва\nB,Бета,Урал\nA,Альфа-2,Урал\n";
    let err = partner_priority::import::CsvImport::new().read_partners(csv.as_bytes()).unwrap_err();
    assert!(err.is_duplicate());
    assert_eq!(err.partner(), Some("A"));
    assert_eq!(err.line(), Some(4));
    assert!(matches!(err.kind(), ErrorKind::DuplicatePartner { first_line: Some(2), .. }), "{err}");
}

#[test]
fn a_window_with_no_data() {
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record(Sale::new(id("A"), d(2020, 1, 1), rub(Decimal::from(500_000)))).unwrap();
    let partners = vec![Partner::new(id("B")).with_start_date(d(2019, 1, 1))];
    let p = run(&ledger, &partners, d(2030, 1, 1), None).unwrap();
    assert_eq!(p.assessments().len(), 2);
    for a in p.assessments() {
        assert_eq!((a.segment(), a.tier()), (Segment::D, Tier::Beginner));
        assert_eq!(a.turnover(), Decimal::ZERO);
    }
    assert!(p.concentration().is_none());
    // A partner that starts after the review date is not in the review.
    let later = vec![Partner::new(id("C")).with_start_date(d(2031, 1, 1))];
    let p = run(&Ledger::new(Currency::RUB), &later, d(2030, 1, 1), None).unwrap();
    assert!(p.is_empty() && p.assessments().next().is_none());
}

/// A window turnover beyond 64 bits of minor units (two months at the
/// largest amount a cell keeps) is kept exactly in the assessment, beside
/// partners of everyday amounts, and survives the portfolio's JSON.
#[test]
fn a_turnover_beyond_64_bits_of_minor_units_is_kept_exactly() {
    let mut ledger = Ledger::new(Currency::RUB);
    let max = Decimal::new(i64::MAX, 2);
    for month in [1, 2] {
        ledger.record(Sale::new(id("Wide"), d(2025, month, 1), rub(max))).unwrap();
        ledger.record(Sale::new(id("Plain"), d(2025, month, 1), rub(Decimal::new(12_345, 2)))).unwrap();
    }
    let p = run(&ledger, &[], d(2025, 3, 1), None).unwrap();
    let wide = p.get("Wide").unwrap();
    assert_eq!(wide.turnover(), max * Decimal::TWO);
    assert_eq!(wide.turnover().to_string(), "184467440737095516.14");
    assert_eq!(wide.credit_notes(), Decimal::ZERO);
    assert_eq!(p.get("Plain").unwrap().turnover().to_string(), "246.90");
    #[cfg(feature = "serde")]
    {
        let back = Portfolio::from_json(&p.to_json().unwrap()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.get("Wide").unwrap().turnover().to_string(), "184467440737095516.14");
    }
}

/// The review ranks alike with and without the forecast (the plain run makes
/// the priority keys in its pass, the one with the forecast in the ranking)
/// when a turnover beyond 64 bits of minor units takes the ranking's general
/// keys, and when ids alike in their first 12 or 16 bytes tie on score and
/// turnover.
#[test]
fn the_review_ranks_alike_with_and_without_the_forecast() {
    let max = Decimal::new(i64::MAX, 2);
    let names = ["Partner-0001-B", "Partner-0001-A", "Partner-0001", "Partner-Long-Pre-B", "Partner-Long-Pre-A", "Z"];
    let build = |wide: bool| {
        let mut ledger = Ledger::new(Currency::RUB);
        for month in 1..=12 {
            for name in names {
                ledger.record(Sale::new(id(name), d(2025, month, 3), rub(Decimal::new(5_000, 0)))).unwrap();
            }
            if wide && month <= 2 {
                ledger.record(Sale::new(id("Wide"), d(2025, month, 1), rub(max))).unwrap();
            }
        }
        ledger
    };
    let policy = Policy::default();
    for wide in [false, true] {
        let ledger = build(wide);
        let as_of = d(2026, 1, 1);
        let plain = Review::new(&ledger, as_of).run(&policy).unwrap();
        let (with, _) = Review::new(&ledger, as_of).run_with_forecast(&policy).unwrap();
        assert_eq!(plain, with);
        let order: Vec<&str> = plain.assessments().map(|a| a.id().as_str()).collect();
        let ties: Vec<&str> = order.iter().copied().filter(|n| *n != "Wide").collect();
        assert_eq!(
            ties,
            ["Partner-0001", "Partner-0001-A", "Partner-0001-B", "Partner-Long-Pre-A", "Partner-Long-Pre-B", "Z"]
        );
        if wide {
            assert_eq!(order.first(), Some(&"Wide"));
        }
    }
}

use rust_decimal::Decimal;

use super::*;
use crate::ledger::MonthlyFigures;
use crate::money::Money;

fn m(y: i32, mo: u32) -> Month {
    Month::new(y, mo).unwrap()
}

fn ledger(rows: &[(&str, Month, i64, u32)]) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB);
    for &(id, month, amount, deals) in rows {
        let f =
            MonthlyFigures::new(PartnerId::new(id).unwrap(), month, Money::new(Decimal::from(amount), Currency::RUB))
                .with_deals(deals);
        ledger.add_monthly(f).unwrap();
    }
    ledger
}

#[test]
fn periods_are_written_as_months_and_quarters() {
    assert_eq!(Period::of(m(2026, 3), Granularity::Monthly).to_string(), "2026-03");
    assert_eq!(Period::of(m(2026, 3), Granularity::Quarterly).to_string(), "2026-Q1");
    assert_eq!(Period::of(m(2026, 12), Granularity::Quarterly).to_string(), "2026-Q4");
    let q = Period::of(m(2026, 5), Granularity::Quarterly);
    assert_eq!((q.first(), q.last()), (m(2026, 4), m(2026, 6)));
    assert_eq!(Period::of(m(-5, 2), Granularity::Quarterly).to_string(), "-5-Q1");
    assert_eq!("quarterly".parse::<Granularity>().unwrap(), Granularity::Quarterly);
    assert_eq!("monthly".parse::<Granularity>().unwrap().months(), 1);
    assert!("weekly".parse::<Granularity>().is_err());
}

#[test]
fn a_window_that_starts_inside_a_quarter_counts_its_own_months_only() {
    let l = ledger(&[
        ("A", m(2025, 1), 100, 1),
        ("A", m(2025, 2), 200, 1),
        ("A", m(2025, 3), 300, 1),
        ("A", m(2025, 11), 400, 1),
        ("A", m(2025, 12), 500, 1),
    ]);
    let w = Window::new(m(2025, 2), m(2025, 12)).unwrap();
    let r = PeriodReport::new(&l, w, Granularity::Quarterly);
    let names: Vec<String> = r.periods().iter().map(ToString::to_string).collect();
    assert_eq!(names, ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]);
    let p = r.partner(&PartnerId::new("A").unwrap()).unwrap().unwrap();
    let q1 = &p.periods()[0];
    assert_eq!((q1.months, q1.turnover), (2, Decimal::from(500)));
    // The same two months one quarter earlier (2024-11, 2024-12) lie before
    // the data: no base.
    assert_eq!(q1.vs_previous, None);
    let q2 = &p.periods()[1];
    // Against Q1's own three months, all in the data.
    assert_eq!(
        q2.vs_previous,
        Some(Change { base: Decimal::from(600), absolute: Decimal::from(-600), ratio: Some(Decimal::from(-1)) })
    );
    let q4 = &p.periods()[3];
    assert_eq!(q4.vs_previous, Some(Change { base: Decimal::ZERO, absolute: Decimal::from(900), ratio: None }));
    assert_eq!(p.last(2).len(), 2);
    assert_eq!(p.last(9).len(), 4);
    assert!(r.partner(&PartnerId::new("B").unwrap()).unwrap().is_none());
}

#[test]
fn averages_and_shares_are_absent_where_they_mean_nothing() {
    let mut l = ledger(&[("A", m(2025, 1), 0, 0), ("B", m(2025, 1), 1000, 4)]);
    let f =
        MonthlyFigures::new(PartnerId::new("C").unwrap(), m(2025, 1), Money::new(Decimal::from(800), Currency::RUB))
            .with_deals(2)
            .with_margin(Decimal::from(200));
    l.add_monthly(f).unwrap();
    let w = Window::new(m(2025, 1), m(2025, 1)).unwrap();
    let rows: Vec<PartnerPeriods> =
        PeriodReport::new(&l, w, Granularity::Monthly).partners().map(Result::unwrap).collect();
    let [a, b, c] = [&rows[0].periods()[0], &rows[1].periods()[0], &rows[2].periods()[0]];
    assert_eq!((a.average_deal(), a.margin_rate()), (None, None));
    // B has no margin: no share, though it has turnover.
    assert_eq!((b.average_deal(), b.margin_rate()), (Some(Decimal::from(250)), None));
    assert_eq!((c.average_deal(), c.margin_rate()), (Some(Decimal::from(400)), Some(Decimal::new(25, 2))));
}

#[test]
fn sums_beyond_a_ledger_cell_stay_exact() {
    // Two partners at the top of a ledger cell's range: their sums need
    // more than 64 bits and stay exact (Decimal's 96 bits would need 2^33
    // such cells to overflow, which is then an error, not a rounding).
    let mut l = Ledger::with_scale(Currency::RUB, 8).unwrap();
    for id in ["A", "B"] {
        for month in 1..=3 {
            let f = MonthlyFigures::new(
                PartnerId::new(id).unwrap(),
                m(2025, month),
                Money::new(Decimal::new(i64::MAX / 2, 8), Currency::RUB),
            );
            l.add_monthly(f).unwrap();
        }
    }
    let w = Window::new(m(2025, 1), m(2025, 3)).unwrap();
    let r = PeriodReport::new(&l, w, Granularity::Quarterly);
    assert!(r.partners().all(|p| p.is_ok()));
    let big = Decimal::new(i64::MAX / 2, 8) * Decimal::from(6);
    assert_eq!(r.network().unwrap().periods()[0].turnover, big);
    let empty = Ledger::new(Currency::RUB);
    let none = PeriodReport::new(&empty, w, Granularity::Monthly).network().unwrap();
    assert_eq!((none.partners(), none.periods().len()), (0, 3));
    assert!(none.periods().iter().all(|f| f.vs_previous.is_none() && f.turnover.is_zero()));
}

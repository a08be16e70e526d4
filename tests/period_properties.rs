//! Properties of the period report: a partner's periods add up to its window
//! totals, a quarter is the sum of its months, group totals are the sums of
//! their partners, and the report from monthly figures is the report from
//! the lines they summarise.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use partner_priority::chrono::{Days, NaiveDate};
use partner_priority::ledger::DateRange;
use partner_priority::ledger::periods::{Granularity, PartnerPeriods, PeriodFigures, PeriodReport};
use partner_priority::period::{Month, Window};
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
use proptest::prelude::*;

/// A line: (partner 0..4, day offset over 2024-2025, amount in kopecks,
/// margin, invoice number).
type Content = (u8, u32, i64, Option<i64>, Option<u16>);

fn content() -> impl Strategy<Value = Content> {
    (
        0u8..4,
        0u32..730,
        prop_oneof![4 => 1i64..200_000_00, 1 => -50_000_00i64..0, 1 => Just(0)],
        proptest::option::weighted(0.8, -1_000_00i64..50_000_00),
        proptest::option::of(0u16..40),
    )
}

fn ledger_of(lines: &[Content]) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB).with_dates(DateRange::ANY);
    let sales: Vec<Sale> = lines
        .iter()
        .map(|&(partner, offset, amount, margin, invoice)| {
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Days::new(u64::from(offset));
            let mut s = Sale::new(
                PartnerId::new(&format!("P{partner}")).unwrap(),
                date,
                Money::new(Decimal::new(amount, 2), Currency::RUB),
            );
            if let Some(m) = margin {
                s = s.with_margin(Decimal::new(m, 2));
            }
            // Invoice ids are unique per partner, so no invoice has two partners.
            if let Some(i) = invoice {
                s = s.with_invoice(format!("P{partner}/I{i}"));
            }
            s
        })
        .collect();
    ledger.record_all(&sales).unwrap();
    ledger
}

fn window() -> impl Strategy<Value = Window> {
    (0i32..30, 1i32..30).prop_map(|(start, len)| {
        let first = Month::new(2023, 10).unwrap().checked_add(start).unwrap();
        Window::new(first, first.checked_add(len - 1).unwrap()).unwrap()
    })
}

fn granularity() -> impl Strategy<Value = Granularity> {
    prop_oneof![Just(Granularity::Monthly), Just(Granularity::Quarterly)]
}

fn all(report: &PeriodReport<'_>) -> Vec<PartnerPeriods> {
    report.partners().collect::<Result<Vec<_>, _>>().unwrap()
}

/// The sums of some periods' figures: turnover, credit notes, margin,
/// deals, credit-note count, margin complete.
fn sums<'a>(figures: impl IntoIterator<Item = &'a PeriodFigures>) -> (Decimal, Decimal, Decimal, u64, u64, bool) {
    figures.into_iter().fold((Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, 0, 0, true), |s, f| {
        (
            s.0 + f.turnover,
            s.1 + f.credit_notes,
            s.2 + f.margin,
            s.3 + f.deals,
            s.4 + f.credit_note_count,
            s.5 && f.margin_complete,
        )
    })
}

proptest! {
    /// Every partner's periods add up, exactly, to its turnover, credit
    /// notes, margin, deals and credit notes over the window.
    #[test]
    fn the_periods_of_a_partner_add_up_to_its_window_totals(
        lines in proptest::collection::vec(content(), 0..60),
        window in window(),
        granularity in granularity(),
    ) {
        let ledger = ledger_of(&lines);
        let report = PeriodReport::new(&ledger, window, granularity);
        let partners = all(&report);
        prop_assert_eq!(partners.len(), ledger.partner_count());
        for p in &partners {
            let t = ledger.turnover(p.partner(), window).unwrap();
            prop_assert_eq!(p.periods().len(), report.periods().len());
            prop_assert_eq!(
                sums(p.periods()),
                (t.total(), t.credit_notes(), t.margin(), t.deals(), t.credit_note_count(), t.margin_complete())
            );
            let months: u32 = p.periods().iter().map(|f| f.months).sum();
            prop_assert_eq!(months, window.len());
        }
    }

    /// A quarter's figures are the sums of its months' figures, and its
    /// bases (the previous quarter, the same quarter a year before) are the
    /// sums of its months' bases one quarter and one year earlier.
    #[test]
    fn a_quarter_is_the_sum_of_its_months(
        lines in proptest::collection::vec(content(), 0..60),
        window in window(),
    ) {
        let ledger = ledger_of(&lines);
        let monthly = all(&PeriodReport::new(&ledger, window, Granularity::Monthly));
        let quarterly = all(&PeriodReport::new(&ledger, window, Granularity::Quarterly));
        for (m, q) in monthly.iter().zip(&quarterly) {
            prop_assert_eq!(m.partner(), q.partner());
            for quarter in q.periods() {
                let months: Vec<&PeriodFigures> = m
                    .periods()
                    .iter()
                    .filter(|f| f.period.first() >= quarter.period.first() && f.period.first() <= quarter.period.last())
                    .collect();
                prop_assert_eq!(months.len() as u32, quarter.months);
                let s = sums(months.iter().copied());
                prop_assert_eq!(
                    s,
                    (quarter.turnover, quarter.credit_notes, quarter.margin, quarter.deals,
                        quarter.credit_note_count, quarter.margin_complete)
                );
                // The same quarter a year before: the months a year before.
                let year: Option<Decimal> =
                    months.iter().map(|f| f.vs_year_before.map(|c| c.base)).sum();
                match quarter.vs_year_before {
                    Some(c) => {
                        prop_assert_eq!(Some(c.base), year);
                        prop_assert_eq!(c.absolute, quarter.turnover - c.base);
                    }
                    None => prop_assert!(months.first().is_some_and(|f| f.vs_year_before.is_none())),
                }
                // The previous quarter, from the ledger directly.
                if let Some(c) = quarter.vs_previous {
                    let first = months[0].period.first().checked_add(-3).unwrap();
                    let last = months[months.len() - 1].period.first().checked_add(-3).unwrap();
                    let base = ledger.turnover(m.partner(), Window::new(first, last).unwrap()).unwrap().total();
                    prop_assert_eq!(c.base, base);
                }
            }
        }
    }

    /// The totals of a grouping are the sums of its partners' periods, and
    /// the network's totals the sums of all.
    #[test]
    fn group_totals_are_the_sums_of_their_partners(
        lines in proptest::collection::vec(content(), 0..60),
        window in window(),
        granularity in granularity(),
    ) {
        let ledger = ledger_of(&lines);
        let report = PeriodReport::new(&ledger, window, granularity);
        let partners = all(&report);
        let odd = |id: &PartnerId| id.as_str().ends_with(['1', '3']);
        let groups = report.totals_by(|id| Some(odd(id))).unwrap();
        for g in &groups {
            let members: Vec<&PartnerPeriods> = partners.iter().filter(|p| odd(p.partner()) == *g.key()).collect();
            prop_assert_eq!(g.partners(), members.len() as u64);
            for (i, f) in g.periods().iter().enumerate() {
                prop_assert_eq!(sums([f]), sums(members.iter().map(|p| &p.periods()[i])));
                let base: Option<Decimal> = members.iter().map(|p| p.periods()[i].vs_year_before.map(|c| c.base)).sum();
                prop_assert_eq!(f.vs_year_before.map(|c| c.base), base);
            }
        }
        let network = report.network().unwrap();
        prop_assert_eq!(network.partners(), partners.len() as u64);
        for (i, f) in network.periods().iter().enumerate() {
            prop_assert_eq!(sums([f]), sums(partners.iter().map(|p| &p.periods()[i])));
        }
    }

    /// The report from the monthly figures a ledger summarises to is the
    /// report from its lines, partner by partner and in total.
    #[test]
    fn the_report_from_monthly_figures_is_the_report_from_their_lines(
        lines in proptest::collection::vec(content(), 0..60),
        window in window(),
        granularity in granularity(),
    ) {
        let ledger = ledger_of(&lines);
        let mut figures = Ledger::new(Currency::RUB).with_dates(DateRange::ANY);
        figures.add_monthly_all(ledger.monthly_figures()).unwrap();
        let from_lines = PeriodReport::new(&ledger, window, granularity);
        let from_figures = PeriodReport::new(&figures, window, granularity);
        prop_assert_eq!(all(&from_lines), all(&from_figures));
        prop_assert_eq!(from_lines.network().unwrap(), from_figures.network().unwrap());
    }
}

//! The period report on the bundled sample data, through the public API:
//! the CSV header the README documents, the rows, and the totals per
//! segment, tier, region and specialisation.

#![cfg(all(feature = "csv", feature = "serde"))]
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use partner_priority::import::CsvImport;
use partner_priority::ledger::periods::{CSV_HEADER, Granularity, PeriodReport};
use partner_priority::period::{Month, Window};
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Ledger, Partner, Policy, Portfolio, Review};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data").join(name)
}

fn sample() -> (Ledger, Vec<Partner>) {
    let import = CsvImport::new();
    (import.read_sales_path(data("invoices.csv")).unwrap(), import.read_partners_path(data("partners.csv")).unwrap())
}

fn review(ledger: &Ledger, partners: &[Partner]) -> Portfolio {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    Review::new(ledger, as_of).partners(partners).run(&Policy::default()).unwrap()
}

/// The header the README and `assess --report` document: changing it breaks
/// every spreadsheet built on the file.
#[test]
fn the_period_csv_header_is_pinned() {
    assert_eq!(
        CSV_HEADER.join(","),
        "partner_id,period,turnover,margin,deals,average_deal,margin_pct,credit_notes,credit_note_count,\
         change_prev,change_prev_pct,change_year,change_year_pct"
    );
    let (ledger, _) = sample();
    let window = Window::new(Month::new(2025, 10).unwrap(), Month::new(2026, 9).unwrap()).unwrap();
    let mut out = Vec::new();
    PeriodReport::new(&ledger, window, Granularity::Quarterly).write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], CSV_HEADER.join(","));
    assert_eq!(lines.len(), 1 + 4 * ledger.partner_count());
    assert!(lines.iter().skip(1).all(|l| l.split(',').count() == CSV_HEADER.len()));
    let periods: Vec<&str> = lines[1..5].iter().map(|l| l.split(',').nth(1).unwrap()).collect();
    assert_eq!(periods, ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]);
    // The README's rows.
    assert_eq!(lines[2], "P-0001,2026-Q1,420853.52,87696.26,5,84170.70,20.84,0.00,0,-10696.02,-2.48,52189.05,14.16");
    let mut monthly = Vec::new();
    PeriodReport::new(&ledger, window, Granularity::Monthly).write_csv(&mut monthly).unwrap();
    let monthly = String::from_utf8(monthly).unwrap();
    assert_eq!(monthly.lines().nth(1).unwrap().split(',').nth(1), Some("2025-10"));
    assert_eq!(monthly.lines().count(), 1 + 12 * ledger.partner_count());
}

/// The totals per segment, tier, region and specialisation each cover the
/// whole network: their sums are the network's, period by period.
#[test]
fn totals_per_segment_tier_region_and_specialisation_add_up_to_the_network() {
    let (ledger, partners) = sample();
    let portfolio = review(&ledger, &partners);
    let report = PeriodReport::new(&ledger, portfolio.window(), Granularity::Monthly);
    let network = report.network().unwrap();
    assert_eq!(network.partners(), 300);
    let turnover: Decimal = network.periods().iter().map(|f| f.turnover).sum();
    assert_eq!(turnover, portfolio.total().amount());
    let check = |groups: Vec<(u64, Vec<Decimal>)>| {
        assert!(groups.len() > 1);
        assert_eq!(groups.iter().map(|g| g.0).sum::<u64>(), 300);
        for (i, f) in network.periods().iter().enumerate() {
            assert_eq!(groups.iter().map(|g| g.1[i]).sum::<Decimal>(), f.turnover);
        }
    };
    let t = |p: &[partner_priority::ledger::periods::PeriodFigures]| p.iter().map(|f| f.turnover).collect::<Vec<_>>();
    check(portfolio.periods_by_segment(&report).unwrap().iter().map(|g| (g.partners(), t(g.periods()))).collect());
    check(portfolio.periods_by_tier(&report).unwrap().iter().map(|g| (g.partners(), t(g.periods()))).collect());
    check(portfolio.periods_by_region(&report).unwrap().iter().map(|g| (g.partners(), t(g.periods()))).collect());
    let by_spec = portfolio.periods_by_specialisation(&report).unwrap();
    check(by_spec.iter().map(|g| (g.partners(), t(g.periods()))).collect());
    // Each segment's sum over the window is its partners' window turnover.
    for g in portfolio.periods_by_segment(&report).unwrap() {
        let sum: Decimal = portfolio.assessments().filter(|a| a.segment() == *g.key()).map(|a| a.turnover()).sum();
        assert_eq!(t(g.periods()).iter().sum::<Decimal>(), sum, "{:?}", g.key());
    }
}

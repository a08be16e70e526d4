//! The forecast's backtest: over the last six quarterly review dates of the
//! sample data, and of two independently generated networks, the forecast
//! made at the review before each date beats repeating the last quarter
//! (its weighted absolute percentage error is lower). The README quotes the
//! figures this test prints (`cargo test --test forecast -- --nocapture`).

#![cfg(all(feature = "csv", feature = "serde"))]
#![allow(clippy::unwrap_used, clippy::print_stdout)]

#[path = "../examples/support/synth.rs"]
mod synth;

use partner_priority::chrono::{Months, NaiveDate};
use partner_priority::import::CsvImport;
use partner_priority::ledger::MonthlyFigures;
use partner_priority::period::Month;
use partner_priority::review::forecast::{Forecast, Outlook};
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Currency, Ledger, Money, Partner, PartnerId, Policy, Review};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data").join(name)
}

/// Σ|actual − forecast| and Σ|actual| of the forecast and of the naive
/// forecast (the last quarter repeated), over the six review dates ending
/// with `last_review`: at each date R, the forecast made at R − 3 months
/// (from the data before it) of the months R − 3 … R − 1.
struct Backtest {
    forecast_error: Decimal,
    naive_error: Decimal,
    actual: Decimal,
    demotions_seen: usize,
}

impl Backtest {
    fn run(ledger: &Ledger, partners: &[Partner], last_review: NaiveDate) -> Backtest {
        let policy = Policy::default();
        let mut b = Backtest {
            forecast_error: Decimal::ZERO,
            naive_error: Decimal::ZERO,
            actual: Decimal::ZERO,
            demotions_seen: 0,
        };
        for k in 0..6 {
            let review = last_review.checked_sub_months(Months::new(3 * k)).unwrap();
            let made = review.checked_sub_months(Months::new(3)).unwrap();
            let portfolio = Review::new(ledger, made).partners(partners).run(&policy).unwrap();
            let forecast = Forecast::new(ledger, &portfolio, &policy).unwrap();
            assert_eq!(forecast.next_review(), review);
            // Made in the review's own pass, the same forecast.
            let (with, fused) = Review::new(ledger, made).partners(partners).run_with_forecast(&policy).unwrap();
            assert_eq!((&with, &fused), (&portfolio, &forecast));
            b.demotions_seen += forecast.demotions().len();
            for p in forecast.projections() {
                let actual = ledger.turnover(&p.partner, forecast.period()).unwrap().total();
                let months = Decimal::from(forecast.period().len());
                b.forecast_error += (actual - p.monthly * months).abs();
                b.naive_error += (actual - p.level * months).abs();
                b.actual += actual.abs();
                // Never a change of today's review.
                assert_eq!(portfolio.get(p.partner.as_str()).unwrap().tier(), p.tier);
            }
        }
        b
    }

    fn wape(&self) -> (Decimal, Decimal) {
        let pct = |e: Decimal| (e / self.actual * Decimal::ONE_HUNDRED).round_dp(1);
        (pct(self.forecast_error), pct(self.naive_error))
    }
}

#[test]
fn the_forecast_beats_the_last_quarter_repeated_on_the_sample_data() {
    let import = CsvImport::new();
    let ledger = import.read_sales_path(data("invoices.csv")).unwrap();
    let partners = import.read_partners_path(data("partners.csv")).unwrap();
    let b = Backtest::run(&ledger, &partners, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    let (forecast, naive) = b.wape();
    println!("sample data: WAPE forecast {forecast} %, last quarter repeated {naive} %");
    assert!(b.forecast_error < b.naive_error, "forecast {forecast} % against naive {naive} %");
}

#[test]
fn the_forecast_beats_the_last_quarter_repeated_on_another_draw_of_the_generator() {
    // The sample's generator with another seed and three years of data.
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let sample = synth::sample(400, 36, as_of, 7);
    let mut csv = Vec::new();
    synth::write_invoices(&sample, &mut csv).unwrap();
    let mut partners = Vec::new();
    synth::write_partners(&sample, &mut partners).unwrap();
    let import = CsvImport::new();
    let ledger = import.read_sales(csv.as_slice()).unwrap();
    let partners = import.read_partners(partners.as_slice()).unwrap();
    let b = Backtest::run(&ledger, &partners, as_of);
    let (forecast, naive) = b.wape();
    println!("generator, seed 7: WAPE forecast {forecast} %, last quarter repeated {naive} %");
    assert!(b.forecast_error < b.naive_error, "forecast {forecast} % against naive {naive} %");
}

/// A network from a model of its own, as monthly figures of a warehouse:
/// log-normal sizes, a trend per partner, one of three seasonal profiles
/// (a December peak, a summer peak, none) with its own amplitude,
/// log-normal monthly noise, lost contracts (a drop to 40 % from a random
/// month) and one-off deals (a month at three times its level).
fn independent_network(partners: usize, seed: u64) -> Ledger {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = Month::new(2023, 11).unwrap();
    let size = LogNormal::new(12.0, 1.3).unwrap();
    let trend = Normal::new(0.004, 0.015).unwrap();
    let noise = LogNormal::new(0.0, 0.3).unwrap();
    let mut ledger = Ledger::new(Currency::RUB);
    let mut figures = Vec::new();
    for i in 0..partners {
        let id = PartnerId::new(&format!("X-{i:04}")).unwrap();
        let base: f64 = size.sample(&mut rng);
        let growth: f64 = trend.sample(&mut rng);
        let (peak, amplitude) = match rng.random_range(0..3) {
            0 => (12.0, rng.random_range(0.1..0.5)),
            1 => (7.0, rng.random_range(0.1..0.5)),
            _ => (1.0, 0.0),
        };
        let start = if rng.random_bool(0.15) { rng.random_range(0..30) } else { 0 };
        let lost = rng.random_bool(0.08).then(|| rng.random_range(12..36));
        for m in start..36 {
            let month = first.checked_add(m).unwrap();
            let phase = (f64::from(month.month()) - peak) / 12.0 * std::f64::consts::TAU;
            let mut amount = base * (1.0 + growth).powi(m) * (1.0 + amplitude * phase.cos()) * noise.sample(&mut rng);
            if lost.is_some_and(|l| m >= l) {
                amount *= 0.4;
            }
            if rng.random_bool(0.03) {
                amount *= 3.0;
            }
            let kopecks = amount.round() as i64 * 100;
            let deals = (amount / 40_000.0).ceil().max(1.0) as u32;
            figures.push(
                MonthlyFigures::new(id.clone(), month, Money::new(Decimal::new(kopecks, 2), Currency::RUB))
                    .with_deals(deals)
                    .with_margin(Decimal::new(kopecks / 5, 2)),
            );
        }
    }
    ledger.add_monthly_all(figures).unwrap();
    ledger
}

#[test]
fn the_forecast_beats_the_last_quarter_repeated_on_an_independent_model() {
    let ledger = independent_network(500, 19);
    let b = Backtest::run(&ledger, &[], NaiveDate::from_ymd_opt(2026, 11, 1).unwrap());
    let (forecast, naive) = b.wape();
    println!("independent model: WAPE forecast {forecast} %, last quarter repeated {naive} %");
    assert!(b.forecast_error < b.naive_error, "forecast {forecast} % against naive {naive} %");
    assert!(b.demotions_seen > 0);
}

/// The forecast lists promotions and demotions consistently with each
/// partner's projected tier, and never changes the review it starts from.
#[test]
fn likely_moves_are_the_projected_tiers_against_todays() {
    let import = CsvImport::new();
    let ledger = import.read_sales_path(data("invoices.csv")).unwrap();
    let partners = import.read_partners_path(data("partners.csv")).unwrap();
    let policy = Policy::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let portfolio = Review::new(&ledger, as_of).partners(&partners).run(&policy).unwrap();
    let before = portfolio.clone();
    let forecast = Forecast::new(&ledger, &portfolio, &policy).unwrap();
    assert_eq!(portfolio, before);
    assert_eq!(forecast.projections().len(), portfolio.len());
    assert!(!forecast.promotions().is_empty() || !forecast.demotions().is_empty());
    for p in forecast.promotions() {
        assert!(p.projected_tier > p.tier && p.outlook() == Outlook::Promotion);
    }
    for p in forecast.demotions() {
        assert!(p.projected_tier < p.tier && p.outlook() == Outlook::Demotion);
    }
    let steady = forecast.projections().filter(|p| p.outlook() == Outlook::Steady).count();
    assert_eq!(steady + forecast.promotions().len() + forecast.demotions().len(), portfolio.len());
}

/// The evidence of a likely move reads in plain words in English and in
/// Russian: the level, the season, the projection and the tiers.
#[test]
fn the_evidence_of_a_likely_move_is_worded_in_english_and_russian() {
    use partner_priority::Language;
    use partner_priority::lang::Catalogue;
    let import = CsvImport::new();
    let ledger = import.read_sales_path(data("invoices.csv")).unwrap();
    let policy = Policy::default();
    let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()).run(&policy).unwrap();
    let forecast = Forecast::new(&ledger, &portfolio, &policy).unwrap();
    let p = &forecast.demotions()[0];
    let en = Language::En.projection(p);
    assert!(en.starts_with("last 3 months "), "{en}");
    assert!(en.contains("a month for 2026-11 … 2027-01"), "{en}");
    assert!(en.ends_with(&format!("{} → {}", Language::En.tier(p.tier), Language::En.tier(p.projected_tier))), "{en}");
    let ru = Language::Ru.projection(p);
    assert!(ru.starts_with("последние 3 мес.: "), "{ru}");
    assert!(ru.ends_with(&format!("{} → {}", Language::Ru.tier(p.tier), Language::Ru.tier(p.projected_tier))), "{ru}");
    assert!(!ru.chars().any(|c| c.is_ascii_alphabetic()), "{ru}");
    let seasonal = forecast.projections().find(|p| p.swing.is_some() && !p.swing_capped()).unwrap();
    assert!(Language::En.projection(&seasonal).contains("counted (halved): "));
    assert!(Language::Ru.projection(&seasonal).contains("учтено (наполовину): "));
    let young = forecast.projections().find(|p| p.swing.is_none()).unwrap();
    assert!(Language::En.projection(&young).contains("no year of history"));
}

/// A partner's month of figures for the properties: (partner 0..6, month
/// 0..36 from 2024-01, amount in roubles, deals).
type Cell = (u8, i32, i64, u32);

fn cells() -> impl Strategy<Value = Vec<Cell>> {
    proptest::collection::vec(
        (0u8..6, 0i32..36, prop_oneof![5 => 1i64..2_000_000, 1 => -50_000i64..0, 1 => Just(0)], 0u32..4),
        0..80,
    )
}

fn ledger_of(cells: &[Cell]) -> Ledger {
    // Summed per partner and month, in the order each first came.
    let mut sums: Vec<((u8, i32), (i64, u32))> = Vec::new();
    for &(p, m, amount, deals) in cells {
        match sums.iter_mut().find(|(k, _)| *k == (p, m)) {
            Some((_, e)) => *e = (e.0 + amount, e.1 + deals),
            None => sums.push(((p, m), (amount, deals))),
        }
    }
    let mut ledger = Ledger::new(Currency::RUB);
    let first = Month::new(2024, 1).unwrap();
    ledger
        .add_monthly_all(sums.into_iter().map(|((p, m), (amount, deals))| {
            let money = Money::new(Decimal::from(amount), Currency::RUB);
            MonthlyFigures::new(PartnerId::new(&format!("P{p}")).unwrap(), first.checked_add(m).unwrap(), money)
                .with_deals(deals)
        }))
        .unwrap();
    ledger
}

/// Listed partners: P4 … P7, some with a start date (P6 and P7 may have
/// no figures at all and are then assessed as passive).
fn listed(starts: &[Option<u32>]) -> Vec<Partner> {
    starts
        .iter()
        .enumerate()
        .map(|(k, start)| {
            let p = Partner::new(PartnerId::new(&format!("P{}", k + 4)).unwrap());
            match start {
                Some(d) => p.with_start_date(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Months::new(*d)),
                None => p,
            }
        })
        .collect()
}

proptest! {
    /// The forecast made in the review's own pass
    /// (`Review::run_with_forecast`) is the one `Forecast::new` makes from
    /// the portfolio afterwards, with the same portfolio, for monthly and
    /// quarterly reviews, listed partners without figures, and tier
    /// hysteresis from a previous review.
    #[test]
    fn the_forecast_made_with_the_review_is_the_forecast_made_after_it(
        cells in cells(),
        starts in proptest::collection::vec(proptest::option::of(0u32..40), 0..4),
        at in 12u32..40,
        monthly in any::<bool>(),
        demote_after in 1u32..3,
    ) {
        let ledger = ledger_of(&cells);
        let partners = listed(&starts);
        let mut policy = Policy::default();
        if monthly {
            policy.review_period = partner_priority::period::ReviewPeriod::Monthly;
        }
        policy.tiers = partner_priority::tier::TierPolicy::builder(Currency::RUB).demote_after(demote_after).build().unwrap();
        let as_of = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Months::new(at);
        let before = as_of - Months::new(policy.review_period.months());
        let previous = Review::new(&ledger, before).partners(&partners).run(&policy).unwrap();
        let review = Review::new(&ledger, as_of).partners(&partners).previous(&previous);
        let portfolio = review.run(&policy).unwrap();
        let after = Forecast::new(&ledger, &portfolio, &policy).unwrap();
        let (with, fused) = review.run_with_forecast(&policy).unwrap();
        prop_assert_eq!(&with, &portfolio);
        prop_assert_eq!(&fused, &after);
        prop_assert_eq!(fused.len(), portfolio.len());
        // In the portfolio's rank order, and found by id.
        for (p, a) in fused.projections().zip(portfolio.assessments()) {
            prop_assert_eq!(&p.partner, a.id());
            prop_assert_eq!(fused.get(a.id().as_str()), Some(p));
        }
    }

    /// The forecast does not depend on the order the ledger was built in.
    #[test]
    fn the_forecast_does_not_depend_on_the_order_of_the_data(cells in cells(), at in 12u32..40) {
        let mut reversed = cells.clone();
        reversed.reverse();
        let (a, b) = (ledger_of(&cells), ledger_of(&reversed));
        let as_of = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Months::new(at);
        let policy = Policy::default();
        let (_, fa) = Review::new(&a, as_of).run_with_forecast(&policy).unwrap();
        let (_, fb) = Review::new(&b, as_of).run_with_forecast(&policy).unwrap();
        prop_assert_eq!(fa, fb);
    }
}

/// Forecasts are equal when their dates and projections are, and differ
/// when either does.
#[test]
fn forecasts_differ_when_their_dates_or_projections_do() {
    let import = CsvImport::new();
    let ledger = import.read_sales_path(data("invoices.csv")).unwrap();
    let policy = Policy::default();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let (_, f) = Review::new(&ledger, as_of).run_with_forecast(&policy).unwrap();
    let (_, again) = Review::new(&ledger, as_of).run_with_forecast(&policy).unwrap();
    assert_eq!(f, again);
    // Another date: other dates and other projections.
    let (_, earlier) =
        Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()).run_with_forecast(&policy).unwrap();
    assert_ne!(f, earlier);
    // The same date, one partner's figures changed: only the projections differ.
    let mut changed = ledger.clone();
    let first = f.projections().next().unwrap().partner.clone();
    let month = Month::new(2026, 10).unwrap();
    changed
        .add_monthly(MonthlyFigures::new(first, month, Money::new(Decimal::from(1_000_000), Currency::RUB)))
        .unwrap();
    let (_, other) = Review::new(&changed, as_of).run_with_forecast(&policy).unwrap();
    assert_eq!((other.as_of(), other.next_review(), other.period()), (f.as_of(), f.next_review(), f.period()));
    assert_ne!(f, other);
}

/// A review without partners has a forecast without projections.
#[test]
fn an_empty_review_has_an_empty_forecast() {
    let ledger = Ledger::new(Currency::RUB);
    let (p, f) = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .run_with_forecast(&Policy::default())
        .unwrap();
    assert!(p.is_empty() && f.is_empty() && f.projections().next().is_none());
    let (_, one) = Review::new(&ledger_of(&[(0, 20, 90_000, 1)]), NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
        .run_with_forecast(&Policy::default())
        .unwrap();
    assert!(!one.is_empty() && one.len() == 1);
}

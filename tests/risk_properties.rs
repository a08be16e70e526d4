//! Properties of risk profiles and growth potential, each its own test.

#![allow(clippy::unwrap_used)]

use chrono::{Days, NaiveDate};
use partner_priority::ledger::Turnover;
use partner_priority::period::Window;
use partner_priority::potential::{PotentialInput, PotentialPolicy};
use partner_priority::risk::{RiskCategory, RiskFacts, RiskLevel, RiskPolicy};
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

/// A year of invoices for one partner: (amount in roubles, days late or
/// unpaid).
fn turnover(id: &str, lines: &[(i64, Option<u16>)]) -> Turnover {
    let p = PartnerId::new(id).unwrap();
    let mut l = Ledger::new(Currency::RUB);
    for (i, (amount, late)) in lines.iter().enumerate() {
        let date = NaiveDate::from_ymd_opt(2025, (i % 12) as u32 + 1, 1 + (i / 12) as u32 % 27).unwrap();
        let due = date + Days::new(20);
        let mut sale = Sale::new(p.clone(), date, Money::new(Decimal::from(*amount), Currency::RUB)).with_due_date(due);
        if let Some(days) = late {
            sale = sale.with_paid_date(due + Days::new(u64::from(*days)));
        }
        l.record(sale).unwrap();
    }
    l.turnover(&p, Window::before(as_of(), 12).unwrap()).unwrap()
}

fn arb_lines() -> impl Strategy<Value = Vec<(i64, Option<u16>)>> {
    proptest::collection::vec((1i64..1_000_000, proptest::option::weighted(0.8, 0u16..200)), 1..30)
}

fn arb_facts() -> impl Strategy<Value = RiskFacts> {
    let count = || proptest::option::of(0u32..20);
    let pct = || proptest::option::of((0i64..=1000).prop_map(|v| Decimal::new(v, 1)));
    (
        proptest::option::of(any::<bool>()),
        proptest::option::of((1i64..1_000_000, 0i64..2_000_000)),
        (pct(), pct(), pct()),
        (count(), count(), count(), count(), count(), count()),
    )
        .prop_map(|(insolvency, credit, (otd, defects, returns), (c, n, v, d, b, k))| {
            let mut f = RiskFacts::new(PartnerId::new("P").unwrap());
            f.insolvency = insolvency;
            if let Some((limit, used)) = credit {
                f.credit_limit = Some(Decimal::from(limit));
                f.credit_used = Some(Decimal::from(used));
            }
            f.on_time_delivery = otd;
            f.defect_rate = defects;
            f.return_rate = returns;
            f.complaints = c;
            f.negative_reviews = n;
            f.violations = v;
            f.open_disputes = d;
            f.contract_breaches = b;
            f.court_cases = k;
            f
        })
}

/// Makes one count indicator of `f` worse by `by`.
fn worse(f: &RiskFacts, which: usize, by: u32) -> RiskFacts {
    let mut g = f.clone();
    let bump = |v: Option<u32>| Some(v.unwrap_or(0).saturating_add(by));
    let bump_pct = |v: Option<Decimal>, up: bool| {
        let x = v.unwrap_or(Decimal::from(50));
        let step = Decimal::from(by);
        Some(if up { (x + step).min(Decimal::ONE_HUNDRED) } else { (x - step).max(Decimal::ZERO) })
    };
    match which {
        0 => g.complaints = bump(g.complaints),
        1 => g.negative_reviews = bump(g.negative_reviews),
        2 => g.violations = bump(g.violations),
        3 => g.open_disputes = bump(g.open_disputes),
        4 => g.contract_breaches = bump(g.contract_breaches),
        5 => g.court_cases = bump(g.court_cases),
        6 => g.defect_rate = bump_pct(g.defect_rate, true),
        7 => g.return_rate = bump_pct(g.return_rate, true),
        8 => g.on_time_delivery = bump_pct(g.on_time_delivery, false),
        9 => {
            g.credit_limit = Some(g.credit_limit.unwrap_or(Decimal::from(1000)));
            g.credit_used = Some(g.credit_used.unwrap_or(Decimal::ZERO) + Decimal::from(by) * Decimal::from(100));
        }
        _ => g.insolvency = Some(g.insolvency.unwrap_or(false) || by > 3),
    }
    g
}

fn rank(level: Option<RiskLevel>) -> i8 {
    level.map_or(-1, |l| l as i8)
}

proptest! {
    // proptest's default: 256 cases, or PROPTEST_CASES when set (the
    // mutation run sets fewer).
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn each_categorys_level_is_monotone_in_each_of_its_fact_indicators(
        lines in arb_lines(), facts in arb_facts(), which in 0usize..11, by in 1u32..40,
    ) {
        let t = turnover("P", &lines);
        let policy = RiskPolicy::default();
        let a = policy.assess(&t, Some(&facts), as_of()).unwrap();
        let b = policy.assess(&t, Some(&worse(&facts, which, by)), as_of()).unwrap();
        for c in RiskCategory::ALL {
            prop_assert!(rank(b.category(c).level) >= rank(a.category(c).level), "{c:?}: {:?} -> {:?}", a.category(c), b.category(c));
        }
    }

    #[test]
    fn financial_risk_is_monotone_in_days_late(lines in arb_lines(), extra in 1u16..100) {
        let later: Vec<(i64, Option<u16>)> = lines.iter().map(|(a, l)| (*a, l.map(|d| d.saturating_add(extra)))).collect();
        let policy = RiskPolicy::default();
        let a = policy.assess(&turnover("P", &lines), None, as_of()).unwrap();
        let b = policy.assess(&turnover("P", &later), None, as_of()).unwrap();
        prop_assert!(rank(b.financial.level) >= rank(a.financial.level));
        let (pa, pb) = (a.payment.unwrap(), b.payment.unwrap());
        prop_assert!(pb.average_days_late >= pa.average_days_late);
    }

    #[test]
    fn the_default_overall_level_is_never_below_any_categorys_level(lines in arb_lines(), facts in arb_facts()) {
        let p = RiskPolicy::default().assess(&turnover("P", &lines), Some(&facts), as_of()).unwrap();
        for c in RiskCategory::ALL {
            prop_assert!(rank(p.overall) >= rank(p.category(c).level));
        }
        prop_assert_eq!(p.overall.is_none(), RiskCategory::ALL.iter().all(|c| p.category(*c).level.is_none()));
    }

    #[test]
    fn scaling_a_series_by_a_positive_factor_leaves_trend_and_cv_unchanged(
        series in proptest::collection::vec(0i64..10_000_000, 3..30),
        mantissa in 1i64..100_000,
        scale in 0u32..6,
    ) {
        let factor = Decimal::new(mantissa, scale);
        let a: Vec<Decimal> = series.iter().map(|&v| Decimal::new(v, 2)).collect();
        let b: Vec<Decimal> = a.iter().map(|v| *v * factor).collect();
        let policy = PotentialPolicy::default();
        let pa = policy.assess(&PotentialInput::new(&a)).unwrap();
        let pb = policy.assess(&PotentialInput::new(&b)).unwrap();
        prop_assert_eq!(pa.trend, pb.trend);
        prop_assert_eq!(pa.cv_squared, pb.cv_squared);
        prop_assert_eq!(pa.stability, pb.stability);
        prop_assert_eq!(pa.level, pb.level);
    }

    #[test]
    fn permuting_partners_changes_no_partners_risk_or_potential(
        a in arb_lines(), b in arb_lines(), facts in arb_facts(),
    ) {
        // Record two partners in both orders; each partner's results are the same.
        let build = |first: (&str, &[(i64, Option<u16>)]), second: (&str, &[(i64, Option<u16>)])| {
            let mut l = Ledger::new(Currency::RUB);
            for (id, lines) in [first, second] {
                let p = PartnerId::new(id).unwrap();
                let mut batch = Vec::new();
                for (i, (amount, late)) in lines.iter().enumerate() {
                    let date = NaiveDate::from_ymd_opt(2025, (i % 12) as u32 + 1, 1).unwrap();
                    let due = date + Days::new(20);
                    let mut s = Sale::new(p.clone(), date, Money::new(Decimal::from(*amount), Currency::RUB)).with_due_date(due);
                    if let Some(d) = late { s = s.with_paid_date(due + Days::new(u64::from(*d))); }
                    batch.push(s);
                }
                l.record_all(batch).unwrap();
            }
            l
        };
        let w = Window::before(as_of(), 12).unwrap();
        let l1 = build(("P", &a), ("Q", &b));
        let l2 = build(("Q", &b), ("P", &a));
        let policy = RiskPolicy::default();
        // The whole review of either ledger, with the facts about P.
        let facts_list = [facts.clone()];
        let review = |l: &Ledger| Review::new(l, as_of()).facts(&facts_list).run(&Policy::default()).unwrap();
        let (p1, p2) = (review(&l1), review(&l2));
        for id in ["P", "Q"] {
            let p = PartnerId::new(id).unwrap();
            let f = (id == "P").then_some(&facts);
            let r1 = policy.assess(&l1.turnover(&p, w).unwrap(), f, as_of()).unwrap();
            let r2 = policy.assess(&l2.turnover(&p, w).unwrap(), f, as_of()).unwrap();
            prop_assert_eq!(r1, r2);
            let (x, y) = (p1.get(id).unwrap(), p2.get(id).unwrap());
            prop_assert_eq!(x.potential(), y.potential(), "{}", id);
            prop_assert_eq!(x.risk(), y.risk(), "{}", id);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn risk_facts_survive_a_json_round_trip(facts in arb_facts()) {
        prop_assume!(facts.check().is_ok());
        let json = serde_json::to_string(&facts).unwrap();
        prop_assert_eq!(serde_json::from_str::<RiskFacts>(&json).unwrap(), facts);
    }
}

#[cfg(feature = "serde")]
#[test]
fn a_risk_policy_round_trips_and_rejects_unknown_and_invalid_fields() {
    let p = RiskPolicy::default();
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<RiskPolicy>(&json).unwrap(), p);
    assert_eq!(serde_json::from_str::<RiskPolicy>("{}").unwrap(), p);
    let err = serde_json::from_str::<RiskPolicy>(r#"{"average_days_late": {"medium": 40, "high": 30}}"#).unwrap_err();
    assert!(err.to_string().contains("average_days_late.high"), "{err}");
    assert!(serde_json::from_str::<RiskPolicy>(r#"{"avg_days_late": {}}"#).is_err());
    assert!(serde_json::from_str::<RiskFacts>(r#"{"partner": "P", "complains": 3}"#).is_err());
    assert!(serde_json::from_str::<RiskFacts>(r#"{"partner": "P", "defect_rate": 120}"#).is_err());
}

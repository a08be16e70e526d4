//! The one-call assessment on the bundled sample data, through the public
//! API: headline figures, determinism, JSON round trips and policy errors.

#![cfg(all(feature = "csv", feature = "serde"))]
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use partner_priority::import::CsvImport;
use partner_priority::lang::Catalogue;
use partner_priority::ledger::MonthlyFigures;
use partner_priority::period::Month;
use partner_priority::risk::{RiskCategory, RiskFacts};
use partner_priority::strategy::Playbook;
use partner_priority::tier::TierPolicy;
use partner_priority::{
    Currency, Language, Ledger, Money, Partner, PartnerId, Policy, Portfolio, Review, Segment, Tier, report,
};
use rust_decimal::Decimal;

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data").join(name)
}

struct Sample {
    ledger: Ledger,
    partners: Vec<Partner>,
    facts: Vec<RiskFacts>,
}

fn sample() -> Sample {
    let import = CsvImport::new();
    Sample {
        ledger: import.read_sales_path(data("invoices.csv")).unwrap(),
        partners: import.read_partners_path(data("partners.csv")).unwrap(),
        facts: import.read_risk_facts_path(data("risk.csv")).unwrap(),
    }
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn run(s: &Sample, previous: Option<&Portfolio>) -> Portfolio {
    Review::new(&s.ledger, as_of())
        .partners(&s.partners)
        .facts(&s.facts)
        .previous(previous)
        .run(&Policy::default())
        .unwrap()
}

#[test]
fn headline_figures_of_the_bundled_data() {
    let s = sample();
    let p = run(&s, None);
    assert_eq!(p.assessments().len(), 300);
    assert_eq!(p.window().to_string(), "2025-11 … 2026-10");
    // Segments and tiers, re-derived independently from the CSV files with
    // Python's decimal module under the contract (see the closing note of #6).
    let segments: Vec<u64> = p.pareto().iter().map(|r| r.partners).collect();
    assert_eq!(segments, [71, 120, 66, 43]);
    let tiers: Vec<(Tier, u64)> = p.tiers().iter().map(|r| (r.tier, r.partners)).collect();
    assert_eq!(tiers, [(Tier::Gold, 7), (Tier::Silver, 28), (Tier::Bronze, 175), (Tier::Beginner, 90)]);
    assert_eq!(p.base().to_string(), "329737084.54");
    assert_eq!(p.total().amount().to_string(), "329695143.71");
    // The top 5 by priority: the crisis partner first (urgent), then by score.
    let top: Vec<&str> = p.assessments().take(5).map(|a| a.id().as_str()).collect();
    assert_eq!(top, ["P-0093", "P-0156", "P-0274", "P-0210", "P-0025"]);
    let first = p.assessments().next().unwrap();
    assert!(first.is_urgent());
    assert_eq!((first.segment(), first.tier()), (Segment::A, Tier::Gold));
    assert!(p.alerts().iter().any(|a| a.partner.as_str() == "P-0093"));
    // Ranks are 1..=n in order.
    assert!(p.assessments().enumerate().all(|(i, a)| a.rank() as usize == i + 1));
}

#[test]
fn reasons_read_as_plain_words() {
    let p = run(&sample(), None);
    let gold = p.get(&PartnerId::new("P-0278").unwrap()).unwrap();
    let texts: Vec<String> = gold.reasons().iter().map(|r| Language::En.reason(r)).collect();
    assert!(texts.iter().any(|t| t.starts_with("A: the largest partner")), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with("Gold: 4,064,171 RUB/month, 3,564,171 above the floor")), "{texts:?}");
    let ru: Vec<String> = gold.reasons().iter().map(|r| Language::Ru.reason(r)).collect();
    assert!(ru.iter().any(|t| t.starts_with("Золотой: 4\u{202f}064\u{202f}171 ₽ в месяц")), "{ru:?}");
}

#[test]
fn the_previous_review_carries_migrations_and_hysteresis() {
    let s = sample();
    let previous = Review::new(&s.ledger, NaiveDate::from_ymd_opt(2026, 8, 1).unwrap())
        .partners(&s.partners)
        .facts(&s.facts)
        .run(&Policy::default())
        .unwrap();
    let current = run(&s, Some(&previous));
    let review = current.migrations().unwrap();
    assert_eq!(review.continuing() + review.new.len() as u64, 300);
    assert!(review.tiers.up.len() + review.tiers.down.len() > 0);
    // A stored and reloaded previous review gives the same result.
    let reloaded = Portfolio::from_json(&previous.to_json().unwrap()).unwrap();
    assert_eq!(reloaded, previous);
    assert_eq!(run(&s, Some(&reloaded)), current);
}

#[test]
fn a_portfolio_round_trips_through_json() {
    let p = run(&sample(), None);
    let json = p.to_json().unwrap();
    let back = Portfolio::from_json(&json).unwrap();
    assert_eq!(back, p);
    assert_eq!(back.to_json().unwrap(), json);
    assert!(back.get(&PartnerId::new("P-0093").unwrap()).is_some());
}

#[test]
fn equality_compares_the_results_not_the_lookup_cache() {
    let s = sample();
    let p = run(&s, None);
    let fresh = run(&s, None);
    // `get` builds the lookup order on first use; it is not part of the value.
    assert!(p.get(&PartnerId::new("P-0093").unwrap()).is_some());
    assert_eq!(p, fresh);
    assert_eq!(p.clone(), fresh);
    // Any difference in the results makes two portfolios unequal.
    let russian = Review::new(&s.ledger, as_of())
        .partners(&s.partners)
        .facts(&s.facts)
        .run(&Policy::default().with_language(Language::Ru))
        .unwrap();
    assert_ne!(russian, p);
    let later = Review::new(&s.ledger, as_of().succ_opt().unwrap())
        .partners(&s.partners)
        .facts(&s.facts)
        .run(&Policy::default())
        .unwrap();
    assert_ne!(later, p);
}

#[test]
fn the_input_order_does_not_matter() {
    let s = sample();
    let p = run(&s, None);
    let mut shuffled =
        Sample { ledger: Ledger::new(s.ledger.currency()), partners: s.partners.clone(), facts: s.facts.clone() };
    shuffled.partners.reverse();
    shuffled.facts.rotate_left(17);
    // The same invoices read from the file with its lines reversed.
    let text = std::fs::read_to_string(data("invoices.csv")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    lines.reverse();
    let reversed = format!("{header}\n{}\n", lines.join("\n"));
    shuffled.ledger = CsvImport::new().read_sales(reversed.as_bytes()).unwrap();
    assert_eq!(run(&shuffled, None).to_json().unwrap(), p.to_json().unwrap());
}

#[test]
fn russian_strategies_come_from_the_russian_playbook() {
    let s = sample();
    let policy = Policy::default().with_language(Language::Ru);
    let p = Review::new(&s.ledger, as_of()).partners(&s.partners).facts(&s.facts).run(&policy).unwrap();
    let gold = p.assessments().find(|a| a.tier() == Tier::Gold).unwrap();
    assert_eq!(&*p.strategy(gold).goal, "укрепление долгосрочных отношений и максимизация прибыли");
}

#[test]
fn group_views_cover_every_partner() {
    let p = run(&sample(), None);
    for groups in [p.by_region().unwrap(), p.by_specialisation().unwrap()] {
        assert_eq!(groups.iter().map(|g| g.partners).sum::<u64>(), 300);
        for g in &groups {
            assert_eq!(g.pareto.iter().map(|r| r.partners).sum::<u64>(), g.partners);
            assert_eq!(g.tiers.iter().map(|r| r.partners).sum::<u64>(), g.partners);
        }
    }
    assert!(p.by_region().unwrap().iter().any(|g| g.key.as_deref() == Some("Москва")));
}

#[test]
fn an_assessment_carries_its_partners_record_and_risk_levels() {
    let s = sample();
    let p = Review::new(&s.ledger, as_of()).partners(&s.partners).facts(&s.facts).run(&Policy::default()).unwrap();
    let mut specialised = 0;
    for partner in &s.partners {
        let a = p.get(&partner.id).unwrap();
        assert_eq!(a.region(), partner.region.as_deref(), "{}", partner.id);
        assert_eq!(a.specialisation(), partner.specialisation.as_deref(), "{}", partner.id);
        specialised += usize::from(partner.specialisation.is_some());
    }
    assert!(specialised > 0, "the sample has specialisations");
    let mut known = 0;
    for a in p.assessments() {
        let risk = a.risk();
        for c in RiskCategory::ALL {
            assert_eq!(a.risk_category_level(c), risk.category(c).level, "{} {c:?}", a.id());
            known += usize::from(a.risk_category_level(c).is_some());
        }
        assert_eq!(a.worst_risk(), risk.worst_category(), "{}", a.id());
    }
    assert!(known > 300, "the sample has risk facts in several categories");
}

#[test]
fn assessments_go_in_rank_order_from_either_end() {
    let p = run(&sample(), None);
    let forward: Vec<u32> = p.assessments().map(|a| a.rank()).collect();
    assert_eq!(forward, (1..=300).collect::<Vec<u32>>());
    let backward: Vec<u32> = p.assessments().rev().map(|a| a.rank()).collect();
    assert_eq!(backward, (1..=300).rev().collect::<Vec<u32>>());
    let mut both = p.assessments();
    assert_eq!(
        (both.next().map(|a| a.rank()), both.next_back().map(|a| a.rank()), both.len()),
        (Some(1), Some(300), 298)
    );
    assert_eq!(p.top(3).map(|a| a.rank()).collect::<Vec<_>>(), [1, 2, 3]);
    // Skipping ahead (`nth`) lands on the same rank as stepping.
    assert_eq!(p.assessments().nth(41).map(|a| a.rank()), Some(42));
    assert_eq!(p.assessments().skip(299).map(|a| a.rank()).collect::<Vec<_>>(), [300]);
    assert!(p.assessments().nth(300).is_none());
    assert!(!p.is_empty() && p.len() == 300);
}

#[test]
fn a_policy_round_trips_through_json_losslessly() {
    let mut policy = Policy::default().with_window_months(6).unwrap().with_language(Language::Ru);
    policy.risk.average_days_late.medium = Some(rust_decimal::Decimal::new(105, 1));
    let json = policy.to_json().unwrap();
    assert_eq!(Policy::from_json(&json).unwrap(), policy);
    assert_eq!(Policy::from_json("{}").unwrap(), Policy::default());
}

#[test]
fn decimals_in_json_are_exact_not_rounded_through_a_float() {
    let json = r#"{"tiers": {"currency": "RUB", "gold": {"above": 500000.0000000000001}, "silver": {"from": 100000}, "bronze": {"from": 20000.5}}}"#;
    let policy = Policy::from_json(json).unwrap();
    let gold = policy.tiers.floor(Tier::Gold).unwrap();
    assert_eq!(gold.amount().to_string(), "500000.0000000000001");
    let facts =
        RiskFacts::list_from_json(r#"[{"partner": "P-1", "credit_limit": 12345678901234567.89, "defect_rate": 2.5}]"#)
            .unwrap();
    assert_eq!(facts[0].credit_limit.unwrap().to_string(), "12345678901234567.89");
    let err = RiskFacts::list_from_json(r#"[{"partner": "P-1"}, {"partner": "P-2", "defect_rate": 250}]"#).unwrap_err();
    assert!(err.to_string().contains("[1]"), "{err}");
}

#[test]
fn the_previous_review_must_be_earlier() {
    let s = sample();
    let p = run(&s, None);
    let err = Review::new(&s.ledger, as_of())
        .partners(&s.partners)
        .facts(&s.facts)
        .previous(&p)
        .run(&Policy::default())
        .unwrap_err();
    assert!(err.to_string().contains("previous review must be earlier"), "{err}");
}

#[test]
fn under_the_partner_share_basis_reasons_and_value_still_speak_of_turnover() {
    use partner_priority::pareto::ParetoPolicy;
    use partner_priority::{Currency, Money, Sale};
    use rust_decimal::Decimal;
    let mut ledger = Ledger::new(Currency::RUB);
    for (id, amount) in [("a", 1000), ("b", 10), ("c", 10), ("d", 10), ("e", 10)] {
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        ledger
            .record(Sale::new(PartnerId::new(id).unwrap(), date, Money::new(Decimal::from(amount), Currency::RUB)))
            .unwrap();
    }
    let mut policy = Policy::default();
    policy.pareto = ParetoPolicy::partner_share();
    let p = Review::new(&ledger, as_of()).run(&policy).unwrap();
    let b = p.get(&PartnerId::new("b").unwrap()).unwrap();
    // b is in the top 50 % of partners but 96 % of turnover lies above it.
    assert_eq!(b.segment_evidence().before, Decimal::new(2, 1));
    assert_eq!(b.segment_evidence().turnover_before.round_dp(4), Decimal::new(9615, 4));
    let text = Language::En.reason(&b.reasons()[0]);
    assert!(text.contains("hold 96 % of turnover"), "{text}");
}

#[test]
fn an_invalid_policy_names_the_field() {
    let cases = [
        (r#"{"window_months": 0}"#, "window_months"),
        (r#"{"pareto": {"cutoffs": {"a": 80, "b": 70, "c": 99}}}"#, "pareto.cutoffs.b"),
        (
            r#"{"tiers": {"currency": "RUB", "gold": {"above": 500000}, "silver": {"from": 100000}, "bronze": {"from": -1}}}"#,
            "tiers.bronze.from",
        ),
        (r#"{"risk": {"late_share": {"medium": 60, "high": 50}}}"#, "risk.late_share.high"),
        (r#"{"priority": {"weights": {"value": -1}}}"#, "priority.weights.value"),
        (r#"{"potential": {"stability_x_max_cv": 30}}"#, "potential.stability_y_max_cv"),
        (r#"{"tiers": {"currency": "RUR"}}"#, "tiers.currency"),
        (r#"{"windows_months": 12}"#, "windows_months"),
        (r#"{"risk": {"crisis": {"drop_percnt": 40}}}"#, "risk.crisis"),
    ];
    for (json, field) in cases {
        let err = Policy::from_json(json).unwrap_err();
        assert!(err.is_invalid_config(), "{json}: {err}");
        assert!(err.to_string().contains(&format!("`{field}")), "{json}: {err}");
    }
}

#[test]
fn a_playbook_missing_an_entry_fails_at_load() {
    let full = Playbook::english().to_json().unwrap();
    assert_eq!(Playbook::from_json(&full).unwrap(), Playbook::english());
    let mut value: serde_json::Value = serde_json::from_str(&full).unwrap();
    value["tiers"].as_object_mut().unwrap().remove("silver");
    let err = Playbook::from_json(&value.to_string()).unwrap_err();
    assert!(err.is_invalid_config());
    assert!(err.to_string().contains("`tiers`") && err.to_string().contains("silver"), "{err}");
    let mut value: serde_json::Value = serde_json::from_str(&full).unwrap();
    value["segments"].as_object_mut().unwrap().remove("d");
    assert!(Playbook::from_json(&value.to_string()).unwrap_err().to_string().contains("`d`"));
    let mut value: serde_json::Value = serde_json::from_str(&full).unwrap();
    value["tiers"]["gold"]["goal"] = serde_json::Value::String(String::new());
    assert!(Playbook::from_json(&value.to_string()).unwrap_err().to_string().contains("tiers.gold.goal"));
    // A custom playbook in a policy is checked the same way.
    let policy = format!(r#"{{"playbook": {{"custom": {}}}}}"#, value);
    assert!(Policy::from_json(&policy).unwrap_err().to_string().contains("playbook.custom.tiers.gold.goal"));
}

#[test]
fn facts_for_an_unknown_partner_are_an_error_not_silently_dropped() {
    let s = sample();
    let mut facts = s.facts.clone();
    facts.push(RiskFacts::new(PartnerId::new("P-9999").unwrap()));
    let err = Review::new(&s.ledger, as_of()).partners(&s.partners).facts(&facts).run(&Policy::default()).unwrap_err();
    assert_eq!(err.partner(), Some("P-9999"));
    let mut partners = s.partners.clone();
    partners.push(partners[0].clone());
    let err = Review::new(&s.ledger, as_of()).partners(&partners).facts(&s.facts).run(&Policy::default()).unwrap_err();
    assert!(err.is_duplicate());
}

#[test]
fn the_window_length_the_review_date_and_the_concentration_risk_are_kept() {
    let s = sample();
    assert_eq!(Policy::default().window_months(), 12);
    let six = Policy::default().with_window_months(6).unwrap();
    assert_eq!(six.window_months(), 6);
    assert!(Policy::default().with_window_months(0).is_err());
    let p = Review::new(&s.ledger, as_of()).partners(&s.partners).facts(&s.facts).run(&six).unwrap();
    assert_eq!(p.as_of(), as_of());
    assert_eq!(p.window().to_string(), "2026-05 … 2026-10");
    // The network's dependence on its largest partner, from the Pareto figures.
    let risk = p.concentration_risk().unwrap();
    let largest = p.assessments().map(|a| a.segment_evidence().share).max().unwrap();
    assert_eq!(risk.top_partner_percent, (largest * Decimal::ONE_HUNDRED).round_dp(risk.top_partner_percent.scale()));
    assert_eq!(risk.hhi, p.concentration().unwrap().hhi);
    // Only a crisis marks a partner urgent.
    let urgent: Vec<bool> = p.assessments().map(|a| a.is_urgent()).collect();
    assert!(urgent.contains(&true) && urgent.contains(&false));
    assert!(p.assessments().all(|a| a.is_urgent() == a.urgent().is_some()));
}

#[test]
fn a_partner_held_in_its_tier_says_so_and_how_far_below_the_floor_it_is() {
    // 150 000 a month for a year, then 60 000 a month: Silver at the first
    // review, below the Silver floor at the second; with demotion after two
    // reviews it keeps Silver for now.
    let id = PartnerId::new("held").unwrap();
    let mut ledger = Ledger::new(Currency::RUB);
    for (year, monthly) in [(2025, 150_000), (2026, 60_000)] {
        for m in 1..=12 {
            let month = Month::new(year, m).unwrap();
            ledger
                .add_monthly(MonthlyFigures::new(id.clone(), month, Money::new(Decimal::from(monthly), Currency::RUB)))
                .unwrap();
        }
    }
    let mut policy = Policy::default();
    policy.tiers = TierPolicy::builder(Currency::RUB).demote_after(2).build().unwrap();
    let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
    let before = Review::new(&ledger, day(2026)).run(&policy).unwrap();
    assert_eq!(before.by_rank(1).unwrap().tier(), Tier::Silver);
    let now = Review::new(&ledger, day(2027)).previous(&before).run(&policy).unwrap();
    let a = now.by_rank(1).unwrap();
    let tier = a.tier_assignment();
    assert_eq!((a.tier(), tier.tier, tier.plain), (Tier::Silver, Tier::Silver, Tier::Bronze));
    let texts: Vec<String> = a.reasons().iter().map(|r| Language::En.reason(r)).collect();
    assert!(
        texts.contains(
            &"Silver (held for now): 60,000 RUB/month, 40,000 below the floor, drops at the next review".to_owned()
        ),
        "{texts:?}"
    );
    let ru: Vec<String> = a.reasons().iter().map(|r| Language::Ru.reason(r)).collect();
    assert!(ru.iter().any(|t| t.contains("(пока сохранён)") && t.contains("ниже порога")), "{ru:?}");
}

#[test]
fn each_assessment_carries_the_ledgers_figures_for_the_window() {
    let s = sample();
    let p = run(&s, None);
    let mut with_credit_notes = 0;
    for a in p.assessments() {
        let t = s.ledger.turnover(a.id(), p.window()).unwrap();
        assert_eq!(a.turnover(), t.total(), "{}", a.id());
        assert_eq!(a.margin(), t.margin(), "{}", a.id());
        assert_eq!(a.credit_notes(), t.credit_notes(), "{}", a.id());
        assert_eq!(a.deals(), t.deals(), "{}", a.id());
        assert_eq!(a.average_deal(), t.average_deal(), "{}", a.id());
        if t.credit_notes() < Decimal::ZERO {
            with_credit_notes += 1;
        }
    }
    // The average deal is taken before credit notes, so they must be there.
    assert!(with_credit_notes > 10, "{with_credit_notes}");
}

#[test]
fn a_partners_beginning_is_its_first_month_with_any_activity() {
    // A month of zeros, then a month with a deal but no net turnover, then
    // sales; the start date on file is later than all of them.
    let id = PartnerId::new("late").unwrap();
    let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
    let month = |m: u32| Month::new(2025, m).unwrap();
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.add_monthly(MonthlyFigures::new(id.clone(), month(2), rub(0))).unwrap();
    ledger.add_monthly(MonthlyFigures::new(id.clone(), month(4), rub(0)).with_deals(1)).unwrap();
    for m in 6..=12 {
        ledger.add_monthly(MonthlyFigures::new(id.clone(), month(m), rub(90_000)).with_deals(2)).unwrap();
    }
    let partner = Partner::new(id.clone()).with_start_date(NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
    let review = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let partners = [partner];
    let p = Review::new(&ledger, review).partners(&partners).run(&Policy::default()).unwrap();
    let a = p.by_rank(1).unwrap();
    // April to December: 9 months; 630 000 / 9 = 70 000 a month.
    assert_eq!(a.monthly_turnover(), Decimal::from(70_000));
    assert_eq!(a.tier_assignment().monthly, Decimal::from(70_000));
    assert_eq!(a.tier(), Tier::Bronze);
    let potential = a.potential();
    assert_eq!(potential.tenure_months, Some(9));
    assert_eq!(potential.history_months, 9);
    // 30 000 short of Silver's 100 000 floor: the gap potential weighs.
    let gap = potential.gap_to_next.unwrap();
    assert_eq!(Some(gap.amount), a.tier_assignment().progress.to_next);
    assert_eq!(gap.amount, Decimal::from(30_000));

    // A month with only a credit-note count (and no net turnover) counts too.
    let mut ledger2 = ledger.clone();
    ledger2.add_monthly(MonthlyFigures::new(id.clone(), month(3), rub(0)).with_credit_notes(Decimal::ZERO, 1)).unwrap();
    let partner = Partner::new(id).with_start_date(NaiveDate::from_ymd_opt(2025, 10, 1).unwrap());
    let partners = [partner];
    let p = Review::new(&ledger2, review).partners(&partners).run(&Policy::default()).unwrap();
    assert_eq!(p.by_rank(1).unwrap().monthly_turnover(), Decimal::from(63_000)); // 630 000 / 10
}

#[test]
fn a_listed_partner_without_sales_counts_once_it_has_started() {
    let s = sample();
    let day = as_of();
    let listed = |start: NaiveDate| Partner::new(PartnerId::new("NEW-1").unwrap()).with_start_date(start);
    let with = |p: Partner| {
        let mut partners = s.partners.clone();
        partners.push(p);
        Review::new(&s.ledger, day).partners(&partners).facts(&s.facts).run(&Policy::default()).unwrap()
    };
    let id = PartnerId::new("NEW-1").unwrap();
    // Started the day before the review: assessed, a Beginner in D.
    let p = with(listed(day.pred_opt().unwrap()));
    let a = p.get(&id).unwrap();
    assert_eq!((a.segment(), a.tier()), (Segment::D, Tier::Beginner));
    // Starting on the review date or later: not yet part of the network.
    assert!(with(listed(day)).get(&id).is_none());
    assert_eq!(with(listed(day)).assessments().len(), 300);
}

#[test]
fn the_results_csv_has_a_row_per_partner_in_rank_order_with_the_assessments_figures() {
    // A playbook whose Gold goal needs quoting (a comma, a quote, a line break).
    let mut playbook: serde_json::Value = serde_json::from_str(&Playbook::english().to_json().unwrap()).unwrap();
    playbook["tiers"]["gold"]["goal"] = serde_json::Value::String("keep, \"grow\"\nand hold".to_owned());
    let policy = Policy::from_json(&format!(r#"{{"playbook": {{"custom": {playbook}}}}}"#)).unwrap();
    let s = sample();
    let p = Review::new(&s.ledger, as_of()).partners(&s.partners).facts(&s.facts).run(&policy).unwrap();
    let mut out = Vec::new();
    report::write_csv(&p, &mut out).unwrap();
    // Read back with the csv crate: quoting that broke a field would show
    // as a wrong number of fields or a wrong value.
    let mut reader = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "partner_id",
            "segment",
            "tier",
            "monthly_turnover",
            "priority_rank",
            "priority_score",
            "risk_level",
            "potential",
            "strategy_goal"
        ]
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), p.len());
    let en = Language::En;
    for (record, a) in records.iter().zip(p.assessments()) {
        let expected = [
            a.id().as_str().to_owned(),
            a.segment().to_string(),
            en.tier(a.tier()).to_owned(),
            a.monthly_turnover().round_dp(2).to_string(),
            a.rank().to_string(),
            a.score().to_string(),
            a.risk_level().map_or("unknown", |l| en.risk_level(l)).to_owned(),
            en.potential_level(a.potential_level()).to_owned(),
            p.playbook().tier(a.tier()).goal.to_string(),
        ];
        assert_eq!(record.iter().collect::<Vec<_>>(), expected, "{}", a.id());
    }
    // The Gold goal was quoted, its quotes doubled.
    assert!(records.iter().any(|r| r.get(8) == Some("keep, \"grow\"\nand hold")));
    assert!(out.windows(26).any(|w| w == b"\"keep, \"\"grow\"\"\nand hold\"\n"));
    // A file holds the same bytes.
    let path = std::env::temp_dir().join(format!("partner-priority-results-{}.csv", std::process::id()));
    report::write_csv_path(&p, &path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), out);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn the_results_csv_rounds_the_monthly_figure_to_the_currencys_minor_unit() {
    for (code, monthly) in [("JPY", "83333"), ("KWD", "83333.333"), ("RUB", "83333.33")] {
        let currency = Currency::new(code).unwrap();
        let mut ledger = Ledger::new(currency);
        let day = NaiveDate::from_ymd_opt(2026, 10, 5).unwrap();
        let sale = partner_priority::Sale::new(
            PartnerId::new("P-1").unwrap(),
            day,
            Money::new(Decimal::from(1_000_000), currency),
        );
        ledger.record(sale).unwrap();
        // 1,000,000 over a 12-month window: a third of a minor unit is left over.
        let mut policy = Policy::default();
        policy.tiers = TierPolicy::builder(currency).build().unwrap();
        let p = Review::new(&ledger, as_of()).run(&policy).unwrap();
        let a = p.get("P-1").unwrap();
        let mut out = Vec::new();
        report::write_csv(&p, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let row: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
        assert_eq!(row[3], monthly, "{code}: {}", a.monthly_turnover());
    }
}

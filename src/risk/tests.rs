use super::*;
use crate::lang::{Catalogue, Language};
use crate::ledger::Turnover;
use crate::ledger::{Ledger, MonthlyFigures, Sale};
use crate::money::{Currency, Money};
use crate::partner::PartnerId;
use crate::period::Window;
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn p() -> PartnerId {
    PartnerId::new("P").unwrap()
}
const AS_OF: (i32, u32, u32) = (2026, 1, 1);

/// A year of monthly invoices of `amount`, each due in 30 days and paid
/// `late` days after the due date.
fn ledger(amounts: &[i64], late: &[i64]) -> Turnover {
    let mut l = Ledger::new(Currency::RUB);
    for (i, (&a, &lt)) in amounts.iter().zip(late.iter().cycle()).enumerate() {
        let date = d(2025, i as u32 + 1, 5);
        let due = date + chrono::Days::new(30);
        let paid = due + chrono::Days::new(lt as u64);
        let mut sale = Sale::new(p(), date, Money::new(Decimal::from(a), Currency::RUB)).with_due_date(due);
        if paid < d(AS_OF.0, AS_OF.1, AS_OF.2) {
            sale = sale.with_paid_date(paid);
        }
        l.record(sale).unwrap();
    }
    let w = Window::before(d(AS_OF.0, AS_OF.1, AS_OF.2), 12).unwrap();
    l.turnover(&p(), w).unwrap()
}

fn as_of() -> NaiveDate {
    d(AS_OF.0, AS_OF.1, AS_OF.2)
}

#[test]
fn paying_on_the_due_date_is_low_financial_risk() {
    let t = ledger(&[100_000; 12], &[0]);
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    assert_eq!(r.financial.level, Some(RiskLevel::Low));
    assert_eq!(r.payment.unwrap().average_days_late, Decimal::ZERO);
    assert!(r.alerts.is_empty());
}

#[test]
fn paying_60_days_late_is_high_or_critical() {
    let t = ledger(&[100_000; 12], &[60]);
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    let level = r.financial.level.unwrap();
    assert!(level >= RiskLevel::High, "{level:?}");
    let e = r.financial.main_evidence().unwrap();
    assert!(Language::En.evidence(e).contains("days late"), "{}", Language::En.evidence(e));
}

#[test]
fn no_payment_data_is_unknown_not_low() {
    let mut l = Ledger::new(Currency::RUB);
    l.record(Sale::new(p(), d(2025, 3, 1), Money::new(Decimal::from(5), Currency::RUB))).unwrap();
    let w = Window::before(as_of(), 12).unwrap();
    let policy = RiskPolicy { returns_from_credit_notes: false, ..RiskPolicy::default() };
    let r = policy.assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
    assert_eq!(r.financial.level, None);
    assert_eq!(r.overall, None);
    for c in RiskCategory::ALL {
        assert_eq!(r.category(c).level, None);
    }
}

#[test]
fn a_sharp_drop_raises_an_alert_and_a_steady_series_does_not() {
    let mut amounts = [200_000i64; 12];
    amounts[11] = 30_000;
    let t = ledger(&amounts, &[0]);
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    let drop = r.alerts.iter().find(|a| matches!(a.kind, AlertKind::TurnoverDrop { .. })).unwrap();
    assert_eq!(drop.severity, RiskLevel::Critical); // −85 %

    assert!(Language::En.alert(drop).contains("fell 85 %"), "{}", Language::En.alert(drop));
    let steady = ledger(&[200_000; 12], &[0]);
    assert!(RiskPolicy::default().assess(&steady, None, as_of()).unwrap().alerts.is_empty());
}

#[test]
fn a_fall_within_the_usual_swing_is_not_sharp() {
    // Months swing between 100 000 and 300 000; 90 000 is a 55 % fall
    // from the mean of 200 000 but only 1.1 standard deviations.
    let t = ledger(
        &[100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000, 90_000],
        &[0],
    );
    assert!(RiskPolicy::default().assess(&t, None, as_of()).unwrap().alerts.is_empty());
    let no_sigma = RiskPolicy {
        crisis: CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() },
        ..RiskPolicy::default()
    };
    assert_eq!(no_sigma.assess(&t, None, as_of()).unwrap().alerts.len(), 1);
}

#[test]
fn an_empty_month_of_an_irregular_buyer_is_not_a_crisis() {
    let t = ledger(&[200_000, 0, 150_000, 0, 220_000, 0, 180_000, 0, 210_000, 0, 190_000, 0], &[0]);
    assert!(RiskPolicy::default().assess(&t, None, as_of()).unwrap().alerts.is_empty());
    let lenient = RiskPolicy {
        crisis: CrisisPolicy { drop_needs_regular_buyer: false, drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() },
        ..RiskPolicy::default()
    };
    assert_eq!(lenient.assess(&t, None, as_of()).unwrap().alerts.len(), 1);
}

#[test]
fn a_payment_after_the_review_date_is_not_yet_made() {
    let mut l = Ledger::new(Currency::RUB);
    l.record(
        Sale::new(p(), d(2025, 11, 1), Money::new(Decimal::from(100_000), Currency::RUB))
            .with_due_date(d(2025, 11, 30))
            .with_paid_date(d(2026, 3, 1)),
    )
    .unwrap();
    let w = Window::before(as_of(), 12).unwrap();
    let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
    let pay = r.payment.unwrap();
    assert_eq!(pay.average_days_late, Decimal::from(32));
    assert_eq!(pay.overdue, Decimal::new(100_000_00, 2));
    // As of a date after the payment, it was 91 days late and nothing is overdue.
    let later = d(2026, 4, 1);
    let w = Window::before(later, 12).unwrap();
    let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, later).unwrap();
    let pay = r.payment.unwrap();
    assert_eq!(pay.average_days_late, Decimal::from(91));
    assert_eq!(pay.overdue, Decimal::ZERO);
}

#[test]
fn lines_not_yet_due_are_not_assessed() {
    let mut l = Ledger::new(Currency::RUB);
    // Paid early, due after the review date: not assessed.
    l.record(
        Sale::new(p(), d(2025, 12, 20), Money::new(Decimal::from(100), Currency::RUB))
            .with_due_date(d(2026, 1, 20))
            .with_paid_date(d(2025, 12, 25)),
    )
    .unwrap();
    let w = Window::before(as_of(), 12).unwrap();
    let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
    assert_eq!(r.payment, None);
    assert_eq!(r.financial.level, None);
}

#[test]
fn growing_delays_raise_an_alert() {
    let t = ledger(&[100_000; 12], &[0, 0, 0, 0, 0, 0, 0, 0, 5, 15, 40, 0]);
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    assert!(r.alerts.iter().any(|a| matches!(a.kind, AlertKind::GrowingPaymentDelays { .. })), "{:?}", r.alerts);
}

#[test]
fn facts_give_the_other_categories() {
    let t = ledger(&[100_000; 12], &[0]);
    let mut f = RiskFacts::new(p());
    f.insolvency = Some(true);
    f.on_time_delivery = Some(Decimal::from(90));
    f.court_cases = Some(1);
    f.complaints = Some(0);
    let r = RiskPolicy::default().assess(&t, Some(&f), as_of()).unwrap();
    assert_eq!(r.financial.level, Some(RiskLevel::Critical));
    assert_eq!(r.operational.level, Some(RiskLevel::Medium));
    assert_eq!(r.legal.level, Some(RiskLevel::High));
    assert_eq!(r.reputational.level, Some(RiskLevel::Low));
    assert_eq!(r.overall, Some(RiskLevel::Critical));
    assert!(r.alerts.iter().any(|a| matches!(a.kind, AlertKind::CriticalRisk { .. })));
    let esc = RiskPolicy { overall: OverallRule::Escalating, ..RiskPolicy::default() };
    f.insolvency = Some(false);
    f.court_cases = Some(1);
    f.violations = Some(1);
    let r = esc.assess(&t, Some(&f), as_of()).unwrap();
    assert_eq!(r.overall, Some(RiskLevel::Critical)); // two High categories
}

#[test]
fn ratings_parse_and_map() {
    for (text, r) in [
        ("BBB-", CreditRating::Bbb),
        ("ruA+", CreditRating::A),
        ("AA-(RU)", CreditRating::Aa),
        ("b.ru", CreditRating::B),
        ("SD", CreditRating::D),
    ] {
        assert_eq!(CreditRating::parse(text).unwrap(), r, "{text}");
    }
    assert!(CreditRating::parse("good").is_err());
    let p = RiskPolicy::default();
    assert_eq!(p.rating_level(CreditRating::Bbb), RiskLevel::Low);
    assert_eq!(p.rating_level(CreditRating::Bb), RiskLevel::Medium);
    assert_eq!(p.rating_level(CreditRating::B), RiskLevel::High);
    assert_eq!(p.rating_level(CreditRating::Ccc), RiskLevel::Critical);
}

#[test]
fn facts_are_checked() {
    let mut f = RiskFacts::new(p());
    f.defect_rate = Some(Decimal::from(101));
    assert!(f.check().unwrap_err().to_string().contains("defect_rate"));
    let mut f = RiskFacts::new(p());
    f.credit_used = Some(Decimal::ONE);
    assert!(f.check().is_err());
    let t = ledger(&[1; 12], &[0]);
    let other = RiskFacts::new(PartnerId::new("Q").unwrap());
    assert!(RiskPolicy::default().assess(&t, Some(&other), as_of()).is_err());
}

#[test]
fn concentration_risk_levels() {
    let p = RiskPolicy::default();
    assert_eq!(p.concentration_risk(Decimal::new(5, 2), Decimal::from(800)).level, RiskLevel::Low);
    assert_eq!(p.concentration_risk(Decimal::new(30, 2), Decimal::from(800)).level, RiskLevel::High);
    assert_eq!(p.concentration_risk(Decimal::new(5, 2), Decimal::from(1600)).level, RiskLevel::Medium);
}

#[test]
fn policies_are_checked() {
    let mut p = RiskPolicy::default();
    p.average_days_late.high = Some(Decimal::from(5));
    assert!(p.check().unwrap_err().to_string().contains("average_days_late.high"));
    let mut p = RiskPolicy::default();
    p.on_time_delivery.high = Some(Decimal::from(99));
    assert!(p.check().unwrap_err().to_string().contains("on_time_delivery.high"));
    let mut p = RiskPolicy::default();
    p.crisis.baseline_months = 1;
    assert!(p.check().is_err());
    assert!(RiskPolicy::default().check().is_ok());
}
#[test]
fn every_indicator_reads_as_words_in_both_languages() {
    use EvidenceValue::{Flag, Number, Rating};
    use Indicator as I;
    let n = |s: &str| Number(s.parse().unwrap());
    let cases: &[(Indicator, EvidenceValue, &str, &str)] = &[
        (I::AverageDaysLate, n("0.49"), "pays on time", "платит в срок"),
        (I::AverageDaysLate, n("0.5"), "pays 1 day late on average", "платит в среднем на 1 дн. позже срока"),
        (
            I::AverageDaysLate,
            n("1234.4"),
            "pays 1,234 days late on average",
            "платит в среднем на 1\u{202f}234 дн. позже срока",
        ),
        (I::AverageDaysLate, n("2"), "pays 2 days late on average", "платит в среднем на 2 дн. позже срока"),
        (I::LateShare, n("12.5"), "13 % of the amount paid late", "13 % суммы оплачено с опозданием"),
        (I::Overdue, n("40"), "40 % of a month's invoicing overdue", "просрочено 40 % месячной отгрузки"),
        (I::Insolvency, Flag(true), "insolvency proceedings are open", "идёт процедура банкротства"),
        (I::Insolvency, Flag(false), "no insolvency proceedings", "процедур банкротства нет"),
        (I::CreditRating, Rating(CreditRating::Bbb), "credit rating BBB", "кредитный рейтинг BBB"),
        (I::CreditUtilisation, n("95"), "95 % of the credit limit used", "использовано 95 % кредитного лимита"),
        (I::OnTimeDelivery, n("87.25"), "87.3 % of deliveries on time", "87,3 % поставок в срок"),
        (I::DefectRate, n("2"), "2.0 % defects", "брак 2,0 %"),
        (I::ReturnRate, n("3.14"), "returns 3.1 % of sales", "возвраты 3,1 % продаж"),
        (I::Complaints, n("4"), "4 complaints", "жалоб: 4"),
        (I::NegativeReviews, n("5"), "5 negative reviews", "негативных отзывов: 5"),
        (I::Violations, n("6"), "6 violations", "нарушений: 6"),
        (I::OpenDisputes, n("7"), "7 open disputes", "открытых споров: 7"),
        (I::ContractBreaches, n("8"), "8 contract breaches", "нарушений договора: 8"),
        (I::CourtCases, n("9"), "9 court cases", "судебных дел: 9"),
        // A value of the wrong kind for its indicator (hand-built) still prints.
        (I::Complaints, Flag(true), "Flag(true)", "Flag(true)"),
    ];
    for &(indicator, value, en, ru) in cases {
        let e = Evidence { indicator, value, level: RiskLevel::Low };
        assert_eq!(Language::En.evidence(&e), en, "{indicator:?} {value:?}");
        assert_eq!(Language::Ru.evidence(&e), ru, "{indicator:?} {value:?}");
    }
}
#[test]
fn categories_levels_and_grades_have_names() {
    let categories: Vec<String> =
        RiskCategory::ALL.iter().map(|c| format!("{c}/{}", Language::Ru.risk_category(*c))).collect();
    assert_eq!(
        categories,
        ["financial/финансовый", "reputational/репутационный", "operational/операционный", "legal/юридический"]
    );
    let levels: Vec<String> = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]
        .iter()
        .map(|l| format!("{l}/{}", Language::Ru.risk_level(*l)))
        .collect();
    assert_eq!(levels, ["Low/низкий", "Medium/средний", "High/высокий", "Critical/критический"]);
    let grades = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"];
    let parsed: Vec<String> = grades.iter().map(|g| CreditRating::parse(g).unwrap().to_string()).collect();
    assert_eq!(parsed, grades);
    assert_eq!(CreditRating::parse("SD").unwrap(), CreditRating::D);
    assert!(CreditRating::parse("CCCC").is_err());
}
#[test]
fn fact_bounds_are_inclusive_where_the_docs_say() {
    let with = |set: fn(&mut RiskFacts)| {
        let mut f = RiskFacts::new(p());
        set(&mut f);
        f.check().err().map(|e| e.to_string())
    };
    // Rates from 0 to 100 inclusive.
    assert_eq!(with(|f| f.on_time_delivery = Some(Decimal::ZERO)), None);
    assert_eq!(with(|f| f.return_rate = Some(Decimal::ONE_HUNDRED)), None);
    assert!(with(|f| f.return_rate = Some(Decimal::new(-1, 2))).unwrap().contains("return_rate"));
    assert!(with(|f| f.on_time_delivery = Some(Decimal::new(10_001, 2))).unwrap().contains("on_time_delivery"));
    // A positive limit; credit used from 0, only with a limit.
    assert!(with(|f| f.credit_limit = Some(Decimal::ZERO)).unwrap().contains("credit_limit"));
    let zero_used = |f: &mut RiskFacts| {
        f.credit_limit = Some(Decimal::ONE);
        f.credit_used = Some(Decimal::ZERO);
    };
    assert_eq!(with(zero_used), None);
    let negative_used = |f: &mut RiskFacts| {
        f.credit_limit = Some(Decimal::ONE);
        f.credit_used = Some(Decimal::NEGATIVE_ONE);
    };
    assert!(with(negative_used).unwrap().contains("must not be negative"));
    assert!(with(|f| f.credit_used = Some(Decimal::ONE)).unwrap().contains("needs a credit_limit"));
}
#[test]
fn thresholds_are_reached_at_their_value() {
    let more_is_worse = Thresholds::new(Some(10), Some(20), Some(30));
    let levels: Vec<RiskLevel> = [9, 10, 19, 20, 30].iter().map(|v| more_is_worse.level(Decimal::from(*v))).collect();
    assert_eq!(levels, [RiskLevel::Low, RiskLevel::Medium, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]);
    let less_is_worse = Thresholds::new(Some(95), Some(90), Some(80));
    let levels: Vec<RiskLevel> =
        [95, 94, 90, 89, 80, 79].iter().map(|v| less_is_worse.level_below(Decimal::from(*v))).collect();
    assert_eq!(
        levels,
        [RiskLevel::Low, RiskLevel::Medium, RiskLevel::Medium, RiskLevel::High, RiskLevel::High, RiskLevel::Critical]
    );
}

#[test]
fn thresholds_must_be_strictly_ordered_and_not_negative() {
    let field = |t: Thresholds, lower_is_worse: bool| t.check("x", lower_is_worse).err().map(|e| e.to_string());
    assert_eq!(field(Thresholds::new(Some(0), Some(1), None), false), None);
    assert!(field(Thresholds::new(Some(10), Some(10), None), false).unwrap().contains("x.high"));
    assert!(field(Thresholds::new(Some(10), None, Some(5)), false).unwrap().contains("x.critical"));
    assert_eq!(field(Thresholds::new(Some(95), Some(90), Some(0)), true), None);
    assert!(field(Thresholds::new(Some(95), Some(95), None), true).unwrap().contains("x.high"));
    assert!(field(Thresholds::new(Some(-1), None, None), false).unwrap().contains("negative"));
    // Ratings must get worse from medium to high to critical.
    let mut p = RiskPolicy::default();
    p.rating_high_from = p.rating_medium_from;
    assert!(p.check().unwrap_err().to_string().contains("rating_high_from"));
    let mut p = RiskPolicy::default();
    p.rating_critical_from = p.rating_high_from;
    assert!(p.check().is_err());
}

#[test]
fn the_worst_category_is_the_first_of_the_most_severe() {
    let mut profile = RiskProfile::default();
    assert_eq!(profile.worst_category(), None);
    profile.operational.level = Some(RiskLevel::Medium);
    profile.financial.level = Some(RiskLevel::Low);
    assert_eq!(profile.worst_category(), Some((RiskCategory::Operational, RiskLevel::Medium)));
    profile.legal.level = Some(RiskLevel::High);
    profile.reputational.level = Some(RiskLevel::High);
    assert_eq!(profile.worst_category(), Some((RiskCategory::Reputational, RiskLevel::High)));
}

#[test]
fn concentration_risk_reads_as_words() {
    let r = ConcentrationRisk {
        level: RiskLevel::High,
        top_partner_percent: Decimal::new(3125, 2),
        hhi: Decimal::new(18_004, 1),
    };
    assert_eq!(
        Language::En.concentration_risk(&r),
        "concentration risk High: the largest partner holds 31.3 % of turnover, HHI 1,800"
    );
    assert_eq!(
        Language::Ru.concentration_risk(&r),
        "риск концентрации высокий: у крупнейшего партнёра 31,3 % оборота, HHI 1\u{202f}800"
    );
}
fn crisis(c: CrisisPolicy) -> RiskPolicy {
    RiskPolicy { crisis: c, ..RiskPolicy::default() }
}

fn drops(t: &Turnover, policy: &RiskPolicy) -> Vec<(RiskLevel, Decimal)> {
    let r = policy.assess(t, None, as_of()).unwrap();
    r.alerts
        .iter()
        .filter_map(|a| match a.kind {
            AlertKind::TurnoverDrop { fall_percent, .. } => Some((a.severity, fall_percent)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_fall_of_exactly_the_thresholds_is_an_alert_of_that_level() {
    let no_sigma = CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() };
    let mut amounts = [100_000i64; 12];
    amounts[11] = 50_000; // exactly 50 %
    assert_eq!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)), [(RiskLevel::High, Decimal::from(50))]);
    amounts[11] = 50_001;
    assert!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)).is_empty());
    amounts[11] = 20_000; // exactly 80 %
    assert_eq!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)), [(RiskLevel::Critical, Decimal::from(80))]);
}

#[test]
fn the_baseline_starts_at_the_first_active_month_and_needs_two() {
    let no_sigma = crisis(CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() });
    // Active from month 10 only: a baseline of 2 months (10, 11), then a fall.
    let mut amounts = [0i64; 12];
    amounts[9] = 100_000;
    amounts[10] = 100_000;
    amounts[11] = 10_000;
    assert_eq!(drops(&ledger(&amounts, &[0]), &no_sigma).len(), 1);
    // Active from month 11: one month of baseline is not enough.
    amounts[9] = 0;
    assert!(drops(&ledger(&amounts, &[0]), &no_sigma).is_empty());
    // A month with a deal but no net turnover starts the history too, and
    // (with regular buying required) its zero turnover means no alert.
    let mut l = Ledger::new(Currency::RUB);
    let month = |m: u32| crate::period::Month::new(2025, m).unwrap();
    let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
    l.add_monthly(MonthlyFigures::new(p(), month(9), rub(0)).with_deals(1)).unwrap();
    for (m, v) in [(10, 100_000), (11, 100_000), (12, 10_000)] {
        l.add_monthly(MonthlyFigures::new(p(), month(m), rub(v)).with_deals(1)).unwrap();
    }
    let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
    assert!(drops(&t, &no_sigma).is_empty());
    let lenient =
        crisis(CrisisPolicy { drop_sigmas: Decimal::ZERO, drop_needs_regular_buyer: false, ..CrisisPolicy::default() });
    // From month 9: (0 + 100 000 + 100 000) / 3 → 10 000 is an 85 % fall.
    assert_eq!(drops(&t, &lenient), [(RiskLevel::Critical, Decimal::from(85))]);
}

fn delays(late: &[i64], policy: &RiskPolicy) -> Option<Vec<(crate::period::Month, Decimal)>> {
    let r = policy.assess(&ledger(&[100_000; 12], late), None, as_of()).unwrap();
    r.alerts.iter().find_map(|a| match &a.kind {
        AlertKind::GrowingPaymentDelays { months } => Some(months.clone()),
        _ => None,
    })
}

#[test]
fn delays_must_grow_every_month_up_to_at_least_the_minimum() {
    let policy = RiskPolicy::default();
    // Months 9, 10, 11 paid 1, 4, 7 days late (month 12's invoice is due
    // after the review): exactly 7 days is enough.
    let late = [0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 7, 0];
    let months = delays(&late, &policy).unwrap();
    assert_eq!(months.iter().map(|(_, d)| *d).collect::<Vec<_>>(), [1, 4, 7].map(Decimal::from));
    // 6.99… days: not yet.
    assert_eq!(delays(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 6, 0], &policy), None);
    // Level, not growing.
    assert_eq!(delays(&[0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 8, 0], &policy), None);
    // With exactly as many assessed months (11) as the policy needs.
    let few = crisis(CrisisPolicy { delay_months: 11, ..CrisisPolicy::default() });
    let growing: Vec<i64> = (1..=12).collect();
    assert_eq!(delays(&growing, &few).map(|m| m.len()), Some(11));
    let too_many = crisis(CrisisPolicy { delay_months: 12, ..CrisisPolicy::default() });
    assert_eq!(delays(&growing, &too_many), None);
}

#[test]
fn crisis_settings_accept_their_limits() {
    let ok = |c: CrisisPolicy| crisis(c).check().err().map(|e| e.to_string());
    let d = CrisisPolicy::default();
    assert_eq!(ok(CrisisPolicy { critical_drop_percent: d.drop_percent, ..d }), None);
    assert_eq!(ok(CrisisPolicy { baseline_months: 2, delay_months: 2, ..d }), None);
    assert_eq!(ok(CrisisPolicy { drop_sigmas: Decimal::ZERO, delay_min_days: Decimal::ZERO, ..d }), None);
    assert_eq!(
        ok(CrisisPolicy { drop_percent: Decimal::ONE_HUNDRED, critical_drop_percent: Decimal::ONE_HUNDRED, ..d }),
        None
    );
    for (bad, field) in [
        (CrisisPolicy { critical_drop_percent: Decimal::from(49), ..d }, "crisis.critical_drop_percent"),
        (CrisisPolicy { baseline_months: 1, ..d }, "crisis.baseline_months"),
        (CrisisPolicy { delay_months: 1, ..d }, "crisis.delay_months"),
        (CrisisPolicy { drop_sigmas: Decimal::NEGATIVE_ONE, ..d }, "crisis.drop_sigmas"),
        (CrisisPolicy { delay_min_days: Decimal::new(-1, 2), ..d }, "crisis.delay_min_days"),
        (CrisisPolicy { drop_percent: Decimal::ZERO, ..d }, "crisis.drop_percent"),
    ] {
        assert!(ok(bad).unwrap().contains(field), "{field}");
    }
}

#[test]
fn two_high_categories_escalate_one_does_not() {
    let t = ledger(&[100_000; 12], &[0]);
    let policy = RiskPolicy { overall: OverallRule::Escalating, ..RiskPolicy::default() };
    let mut f = RiskFacts::new(p());
    f.court_cases = Some(1); // legal High
    assert_eq!(policy.assess(&t, Some(&f), as_of()).unwrap().overall, Some(RiskLevel::High));
    f.complaints = Some(1_000); // reputational High or worse as well
    let overall = policy.assess(&t, Some(&f), as_of()).unwrap().overall;
    assert_eq!(overall, Some(RiskLevel::Critical));
}

#[test]
fn payment_standing_at_the_review_date() {
    let as_of = as_of();
    let one = |due: NaiveDate, paid: Option<NaiveDate>| {
        let mut l = Ledger::new(Currency::RUB);
        let mut sale = Sale::new(p(), d(2025, 11, 1), Money::new(Decimal::from(100), Currency::RUB)).with_due_date(due);
        if let Some(paid) = paid {
            sale = sale.with_paid_date(paid);
        }
        l.record(sale).unwrap();
        let t = l.turnover(&p(), Window::before(as_of, 12).unwrap()).unwrap();
        RiskPolicy::default().assess(&t, None, as_of).unwrap().payment
    };
    // Due on the review date: not yet assessed.
    assert_eq!(one(as_of, None), None);
    // Due the day before and paid on the review date: counted as unpaid
    // (the review sees the payments made before it), one day late.
    let pay = one(as_of.pred_opt().unwrap(), Some(as_of)).unwrap();
    assert_eq!((pay.average_days_late, pay.late_share), (Decimal::ONE, Decimal::ONE_HUNDRED));
    assert_eq!(pay.overdue, Decimal::ONE_HUNDRED);
    // Paid on the due date: on time, nothing overdue.
    let due = d(2025, 12, 1);
    let pay = one(due, Some(due)).unwrap();
    assert_eq!((pay.average_days_late, pay.late_share, pay.overdue), (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO));
    // Paid a day late before the review date.
    let pay = one(due, due.succ_opt()).unwrap();
    assert_eq!(
        (pay.average_days_late, pay.late_share, pay.overdue),
        (Decimal::ONE, Decimal::ONE_HUNDRED, Decimal::ZERO)
    );
}

#[test]
fn the_late_share_weighs_by_amount() {
    // Two invoices a month apart: 300 paid 10 days late, 100 on time.
    let mut l = Ledger::new(Currency::RUB);
    for (m, amount, late) in [(9, 300, 10), (10, 100, 0)] {
        let due = d(2025, m, 28);
        l.record(
            Sale::new(p(), d(2025, m, 1), Money::new(Decimal::from(amount), Currency::RUB))
                .with_due_date(due)
                .with_paid_date(due + chrono::Days::new(late)),
        )
        .unwrap();
    }
    let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
    let pay = RiskPolicy::default().assess(&t, None, as_of()).unwrap().payment.unwrap();
    assert_eq!(pay.late_share, Decimal::from(75));
    assert_eq!(pay.average_days_late, Decimal::new(75, 1));
}

#[test]
fn the_return_rate_comes_from_credit_notes_over_the_invoiced_amount() {
    let mut l = Ledger::new(Currency::RUB);
    let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
    l.record(Sale::new(p(), d(2025, 6, 1), rub(1_000)).with_invoice("I1")).unwrap();
    l.record(Sale::new(p(), d(2025, 7, 1), rub(-100)).with_invoice("C1")).unwrap();
    let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    let e = r.operational.evidence.iter().find(|e| e.indicator == Indicator::ReturnRate).unwrap();
    // 100 returned of 1 000 invoiced: 10 %, not 100 / 900.
    assert_eq!(e.value, EvidenceValue::Number(Decimal::from(10)));
    // Only credit notes, nothing invoiced: no rate.
    let mut l = Ledger::new(Currency::RUB);
    l.record(Sale::new(p(), d(2025, 7, 1), rub(-100))).unwrap();
    let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
    let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
    assert!(!r.operational.evidence.iter().any(|e| e.indicator == Indicator::ReturnRate));
}
#[test]
fn the_windows_invoices_are_assessed_and_older_unpaid_ones_count_as_overdue() {
    let mut l = Ledger::new(Currency::RUB);
    let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
    // December, the window's last month: paid 5 days late.
    l.record(Sale::new(p(), d(2025, 12, 1), rub(300)).with_due_date(d(2025, 12, 20)).with_paid_date(d(2025, 12, 25)))
        .unwrap();
    // December of the year before, before the window, never paid.
    l.record(Sale::new(p(), d(2024, 12, 1), rub(100)).with_due_date(d(2024, 12, 20))).unwrap();
    let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
    let pay = RiskPolicy::default().assess(&t, None, as_of()).unwrap().payment.unwrap();
    assert_eq!(pay.assessed, Decimal::from(300));
    assert_eq!((pay.average_days_late, pay.late_share), (Decimal::from(5), Decimal::ONE_HUNDRED));
    assert_eq!(pay.overdue, Decimal::from(100));
}

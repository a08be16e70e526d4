use super::*;
use crate::potential::PotentialLevel;
use crate::risk::{RiskCategory, RiskLevel};

/// Every word of both built-in catalogues, through a `Language` and
/// directly: each is given (none falls back to itself forever), and the
/// two languages differ.
#[test]
fn every_name_is_worded_in_both_languages() {
    let names = |c: &dyn Catalogue| -> Vec<String> {
        let mut out: Vec<String> = Tier::ALL.iter().map(|t| c.tier(*t).to_owned()).collect();
        out.extend(Segment::ALL.iter().map(|s| c.segment(*s).to_owned()));
        out.extend(
            [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]
                .map(|l| c.risk_level(l).to_owned()),
        );
        out.extend(RiskCategory::ALL.iter().map(|r| c.risk_category(*r).to_owned()));
        out.extend(
            [PotentialLevel::New, PotentialLevel::Low, PotentialLevel::Medium, PotentialLevel::High]
                .map(|l| c.potential_level(l).to_owned()),
        );
        out
    };
    let (en, ru) = (names(&English), names(&Russian));
    assert!(en.iter().chain(&ru).all(|w| !w.trim().is_empty()));
    assert!(en.iter().zip(&ru).all(|(e, r)| e != r), "{en:?} {ru:?}");
    assert_eq!(names(&Language::En), en);
    assert_eq!(names(&Language::Ru), ru);
    assert_eq!((English.language(), Russian.language()), (Language::En, Language::Ru));
    assert_eq!(Language::Ru.catalogue().tier(Tier::Gold), "Золотой");
    // The words the --out CSV and the report print, pinned.
    assert_eq!(en[en.len() - 4..], ["new", "low", "medium", "high"]);
    assert_eq!(ru[ru.len() - 4..], ["новый", "низкий", "средний", "высокий"]);
    // The risk categories, as the reasons and the report name them.
    let categories = |c: &dyn Catalogue| RiskCategory::ALL.map(|r| c.risk_category(r).to_owned());
    assert_eq!(categories(&English), ["financial", "reputational", "operational", "legal"]);
    assert_eq!(categories(&Russian), ["финансовый", "репутационный", "операционный", "юридический"]);
}

/// A catalogue of its own overrides a word and takes the rest from its
/// base, in the base's number format.
#[test]
fn a_catalogue_of_its_own_falls_back_to_its_base() {
    struct Ours;
    impl Catalogue for Ours {
        fn base(&self) -> &dyn Catalogue {
            &Russian
        }
        fn tier(&self, tier: Tier) -> &str {
            if tier == Tier::Gold { "Платиновый" } else { self.base().tier(tier) }
        }
    }
    assert_eq!(Ours.tier(Tier::Gold), "Платиновый");
    assert_eq!(Ours.tier(Tier::Bronze), "Бронзовый");
    assert_eq!(Ours.segment(Segment::D), "пассивные");
    assert_eq!(Ours.amount(Decimal::new(1_234_567, 0), 0), "1\u{202f}234\u{202f}567");
    let reason = Reason::RiskUnknown;
    assert_eq!(Ours.reason(&reason), Russian.reason(&reason));
}

/// One message of each kind, with figures that make every wording show.
fn messages() -> Vec<Message> {
    use crate::pareto::ParetoBasis;
    use crate::period::{Month, ReviewPeriod, Window};
    use crate::review::Span;

    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    // From the first of a month to 2025-07-01.
    let span = |y, m| {
        let day = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        Span::new(day(y, m), day(2025, 7)).unwrap()
    };
    let window = Window::new(Month::new(2025, 1).unwrap(), Month::new(2025, 12).unwrap()).unwrap();
    let cutoffs = [Decimal::from(80), Decimal::from(95), Decimal::new(995, 1)];
    vec![
        Message::Date(date),
        Message::CompactAmount { amount: Decimal::from(82_345_678), currency: Currency::RUB },
        Message::ReviewLine { as_of: date, window, currency: Currency::RUB },
        Message::PartnersWithTurnover { partners: 9 },
        Message::NetOverWindow { window },
        Message::LargestPartner { percent: Decimal::new(234, 1), hhi: Decimal::from(1_234) },
        Message::AlertCounts { critical: 2, high: 16 },
        Message::ParetoLead { basis: ParetoBasis::Turnover, cutoffs },
        Message::ParetoLead { basis: ParetoBasis::Partners, cutoffs },
        Message::ParetoLegend {
            segment: Segment::A,
            partners: 2,
            partner_share: Decimal::new(2, 1),
            turnover_share: Decimal::new(8, 1),
        },
        Message::MigrationSummary {
            continuing: 3,
            new: 0,
            gone: 0,
            tiers_up: 1,
            tiers_down: 0,
            tiers_unchanged: 2,
            segments_up: 0,
            segments_down: 0,
            segments_unchanged: 3,
        },
        Message::MoreMoves { more: 2 },
        Message::TopPartners { listed: 20 },
        Message::AlertSummary {
            alerts: 18,
            by_severity: vec![
                (RiskLevel::Critical, 2),
                (RiskLevel::High, 13),
                (RiskLevel::Medium, 2),
                (RiskLevel::Low, 1),
            ],
        },
        Message::AlertsNotListed { listed: 3, more: 15 },
        Message::ReviewSpan { span: span(2025, 4), period: ReviewPeriod::Quarterly },
        Message::ReviewSpan { span: span(2024, 10), period: ReviewPeriod::Quarterly },
    ]
}

/// Which kind a message is. The match has no catch-all, so a new kind of
/// message does not compile here until it is given a number (and a
/// sample in `messages`).
fn kind(message: &Message) -> usize {
    match message {
        Message::Date(_) => 0,
        Message::CompactAmount { .. } => 1,
        Message::ReviewLine { .. } => 2,
        Message::PartnersWithTurnover { .. } => 3,
        Message::NetOverWindow { .. } => 4,
        Message::LargestPartner { .. } => 5,
        Message::AlertCounts { .. } => 6,
        Message::ParetoLead { .. } => 7,
        Message::ParetoLegend { .. } => 8,
        Message::MigrationSummary { .. } => 9,
        Message::MoreMoves { .. } => 10,
        Message::TopPartners { .. } => 11,
        Message::AlertSummary { .. } => 12,
        Message::AlertsNotListed { .. } => 13,
        Message::ReviewSpan { .. } => 14,
    }
}

/// Every label of the report is worded in both built-in catalogues, the
/// same through a `Language`, and in the other language (but for the
/// index's name, which is the same in both).
#[test]
fn every_label_is_worded_in_both_languages() {
    for (i, label) in Label::ALL.iter().enumerate() {
        // `ALL` is in the order of the declaration, each label once.
        assert_eq!(*label as usize, i, "{label:?}");
        let (en, ru) = (English.label(*label), Russian.label(*label));
        assert!(!en.trim().is_empty() && !ru.trim().is_empty(), "{label:?}");
        assert!(en != ru || *label == Label::Hhi, "{label:?}: {en}");
        assert_eq!((Language::En.label(*label), Language::Ru.label(*label)), (en, ru));
    }
    assert_eq!(English.label(Label::ReportTitle), "Partner network review");
    assert_eq!(Russian.label(Label::ReportTitle), "Обзор партнёрской сети");
}

/// Every message of the report is worded in both built-in catalogues, with
/// its figures, the same through a `Language`, and differently in each.
#[test]
fn every_message_is_worded_in_both_languages() {
    let samples = messages();
    let kinds: std::collections::BTreeSet<usize> = samples.iter().map(kind).collect();
    assert_eq!(kinds, (0..=14).collect(), "a kind of message without a sample");
    for message in &samples {
        let (en, ru) = (English.message(message), Russian.message(message));
        assert!(!en.trim().is_empty() && !ru.trim().is_empty(), "{message:?}");
        assert_ne!(en, ru, "{message:?}");
        assert_eq!((Language::En.message(message), Language::Ru.message(message)), (en, ru));
    }
    let en: Vec<String> = samples.iter().map(|m| English.message(m)).collect();
    let ru: Vec<String> = samples.iter().map(|m| Russian.message(m)).collect();
    assert_eq!((en[0].as_str(), ru[0].as_str()), ("2026-01-01", "01.01.2026"));
    assert_eq!(en[2], "Review as of 2026-01-01 · window 2025-01 … 2025-12 (12 months) · amounts in RUB");
    assert_eq!(ru[2], "Пересмотр на 01.01.2026 · окно 2025-01 … 2025-12 (12 мес.) · суммы в ₽");
    assert_eq!(en[5], "largest partner 23.4 %, HHI 1,234");
    assert_eq!(ru[6], "2 критических · 16 высоких");
    assert!(en[7].contains("A is the largest partners that together bring 80\u{a0}% of turnover, B up to 95\u{a0}%, C up to 99.5\u{a0}%"), "{}", en[7]);
    assert!(ru[8].contains("A — первые 80\u{a0}%, B — до 95\u{a0}%, C — до 99,5\u{a0}%, D — остальные."), "{}", ru[8]);
    assert_eq!(en[9], "A key — 2 (20.0\u{a0}% of partners), 80.0\u{a0}% of turnover");
    assert_eq!(ru[9], "A ключевые — 2 (20,0\u{a0}% партнёров), 80,0\u{a0}% оборота");
    assert_eq!(
        en[13],
        "18 alerts (2 critical, 13 high, 2 medium, 1 low), most severe first, each with its action plan."
    );
    assert_eq!(
        ru[13],
        "Сигналов: 18 (2 критических, 13 высоких, 2 средних, 1 низких), от самых серьёзных; у каждого — план действий."
    );
    assert_eq!(en[14], "The first 3 are listed; 15 more are not.");
    assert_eq!(ru[14], "Показаны первые 3; ещё 15 не показаны.");
}

#[test]
fn compact_amounts_per_language() {
    let compact =
        |c: &dyn Catalogue, v: Decimal| c.message(&Message::CompactAmount { amount: v, currency: Currency::RUB });
    assert_eq!(compact(&English, Decimal::from(82_345_678)), "82.3 M RUB");
    assert_eq!(compact(&Russian, Decimal::from(82_345_678)), "82,3 млн ₽");
    assert_eq!(compact(&English, Decimal::from(950)), "950 RUB");
}

#[test]
fn compact_amounts_switch_unit_at_exactly_a_thousand_of_the_smaller() {
    let compact = |c: &dyn Catalogue, v: i64| {
        c.message(&Message::CompactAmount { amount: Decimal::from(v), currency: Currency::RUB })
    };
    let en = |v: i64| compact(&English, v);
    assert_eq!(en(999), "999 RUB");
    assert_eq!(en(1_000), "1.0 k RUB");
    assert_eq!(en(999_999), "1,000.0 k RUB");
    assert_eq!(en(1_000_000), "1.0 M RUB");
    assert_eq!(en(1_000_000_000), "1.0 bn RUB");
    assert_eq!(en(2_500_000_000_000), "2.5 T RUB");
    assert_eq!(en(-1_500_000), "-1.5 M RUB");
    assert_eq!(compact(&Russian, 3_000_000_000), "3,0 млрд ₽");
    assert_eq!(compact(&Russian, 4_000_000_000_000), "4,0 трлн ₽");
    assert_eq!(compact(&Russian, 5_000), "5,0 тыс. ₽");
}

#[test]
fn cut_offs_have_a_decimal_only_when_they_need_one() {
    assert_eq!(cutoff(&English, Decimal::new(995, 1)), "99.5\u{a0}%");
    assert_eq!(cutoff(&English, Decimal::from(80)), "80\u{a0}%");
    assert_eq!(cutoff(&Russian, Decimal::new(995, 1)), "99,5\u{a0}%");
}

/// A catalogue of its own words the report's labels and messages it
/// overrides, and takes the rest from its base.
#[test]
fn a_catalogue_of_its_own_words_the_report_in_part() {
    struct Ours;
    impl Catalogue for Ours {
        fn base(&self) -> &dyn Catalogue {
            &English
        }
        fn label(&self, label: Label) -> &str {
            if label == Label::Partner { "Dealer" } else { self.base().label(label) }
        }
        fn message(&self, message: &Message) -> String {
            match message {
                Message::Date(date) => date.format("%d/%m/%Y").to_string(),
                other => self.base().message(other),
            }
        }
    }
    assert_eq!(Ours.label(Label::Partner), "Dealer");
    assert_eq!(Ours.label(Label::Partners), "Partners");
    let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap();
    assert_eq!(Ours.message(&Message::Date(date)), "02/01/2026");
    assert_eq!(Ours.message(&Message::MoreMoves { more: 1_000 }), "and more: 1,000");
}

/// The span between two reviews reads as its date and months, and says so
/// when it is longer than the review period (and only then).
#[test]
fn a_review_span_says_when_reviews_were_skipped() {
    use crate::period::ReviewPeriod;
    use crate::review::Span;
    let day = |y, m| chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap();
    let quarter =
        Message::ReviewSpan { span: Span::new(day(2025, 4), day(2025, 7)).unwrap(), period: ReviewPeriod::Quarterly };
    let nine =
        Message::ReviewSpan { span: Span::new(day(2024, 10), day(2025, 7)).unwrap(), period: ReviewPeriod::Quarterly };
    assert_eq!(English.message(&quarter), "The previous review was on 2025-04-01, 3 months before this one.");
    assert_eq!(
        English.message(&nine),
        "The previous review was on 2024-10-01, 9 months before this one: longer than the quarterly review period, so \
         the moves add up over several periods."
    );
    assert_eq!(Russian.message(&quarter), "Прошлый пересмотр — 01.04.2025, за 3 мес. до нынешнего.");
    assert!(Russian.message(&nine).contains("дольше ежеквартального периода пересмотра"));
    let month =
        Message::ReviewSpan { span: Span::new(day(2025, 6), day(2025, 7)).unwrap(), period: ReviewPeriod::Monthly };
    assert_eq!(English.message(&month), "The previous review was on 2025-06-01, 1 month before this one.");
}

/// The crisis alerts as the report words them, in both languages.
#[test]
fn crisis_alerts_are_worded_in_both_languages() {
    use crate::period::Month;
    use crate::risk::{AlertKind, CrisisAlert};
    let alert = |kind| CrisisAlert {
        partner: crate::partner::PartnerId::new("P").unwrap(),
        category: RiskCategory::Financial,
        severity: RiskLevel::High,
        kind,
    };
    let month = Month::new(2025, 12).unwrap();
    let drop = alert(AlertKind::TurnoverDrop {
        month,
        turnover: Decimal::from(60),
        baseline: Decimal::from(100),
        fall_percent: Decimal::from(40),
    });
    assert_eq!(
        Russian.alert(&drop),
        format!("оборот за {month} упал на 40 %: 60 против 100 в среднем за прошлые месяцы")
    );
    let delays = alert(AlertKind::GrowingPaymentDelays {
        months: vec![(Month::new(2025, 10).unwrap(), Decimal::from(5)), (month, Decimal::from(12))],
    });
    assert_eq!(Russian.alert(&delays), "задержки платежей растут: 5 → 12 дн.");
    assert!(!English.alert(&drop).is_empty() && English.alert(&drop) != Russian.alert(&drop));
}

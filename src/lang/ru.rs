//! The Russian catalogue: the article's own words where it has them.

use rust_decimal::Decimal;

use super::{Catalogue, Label, Message, compact, count, cutoff, sign};
use crate::language::Language;
use crate::pareto::{ParetoBasis, Segment};
use crate::period::ReviewPeriod;
use crate::potential::{PotentialLevel, Signal};
use crate::review::Reason;
use crate::review::forecast::Projection;
use crate::risk::{
    AlertKind, ConcentrationRisk, CrisisAlert, Evidence, EvidenceValue, Indicator, RiskCategory, RiskLevel,
};
use crate::tier::Tier;

/// The article's Russian words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Russian;

const RU: Language = Language::Ru;

/// "критических", "высоких": the alerts of a severity, after their count.
fn alerts_of(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Critical => "критических",
        RiskLevel::High => "высоких",
        RiskLevel::Medium => "средних",
        RiskLevel::Low => "низких",
    }
}

impl Catalogue for Russian {
    fn base(&self) -> &dyn Catalogue {
        self
    }

    fn language(&self) -> Language {
        RU
    }

    fn tier(&self, tier: Tier) -> &str {
        match tier {
            Tier::Gold => "Золотой",
            Tier::Silver => "Серебряный",
            Tier::Bronze => "Бронзовый",
            Tier::Beginner => "Начинающий",
        }
    }

    fn segment(&self, segment: Segment) -> &str {
        match segment {
            Segment::A => "ключевые",
            Segment::B => "важные",
            Segment::C => "перспективные",
            Segment::D => "пассивные",
        }
    }

    fn risk_level(&self, level: RiskLevel) -> &str {
        match level {
            RiskLevel::Low => "низкий",
            RiskLevel::Medium => "средний",
            RiskLevel::High => "высокий",
            RiskLevel::Critical => "критический",
        }
    }

    fn risk_category(&self, category: RiskCategory) -> &str {
        match category {
            RiskCategory::Financial => "финансовый",
            RiskCategory::Reputational => "репутационный",
            RiskCategory::Operational => "операционный",
            RiskCategory::Legal => "юридический",
        }
    }

    fn potential_level(&self, level: PotentialLevel) -> &str {
        match level {
            PotentialLevel::New => "новый",
            PotentialLevel::Low => "низкий",
            PotentialLevel::Medium => "средний",
            PotentialLevel::High => "высокий",
        }
    }

    fn projection(&self, p: &Projection) -> String {
        let money = |d: Decimal| format!("{} {}", RU.format_amount(d, 0), RU.currency_sign(&p.currency));
        let season = match p.swing {
            Some(swing) => format!(
                "год назад предстоящие месяцы шли на {} {}; учтено ({}): {}{}",
                RU.format_percent(swing.abs(), 1),
                if swing.is_sign_negative() && !swing.is_zero() { "ниже" } else { "выше" },
                if p.swing_capped() {
                    "с ограничением, наполовину"
                } else {
                    "наполовину"
                },
                sign(p.seasonal_adjustment()),
                RU.format_percent(p.seasonal_adjustment().abs(), 1),
            ),
            None => "нет года истории, чтобы увидеть сезон, поэтому уровень повторён".to_owned(),
        };
        let tiers = if p.projected_tier == p.tier {
            format!("остаётся: {}", self.tier(p.tier))
        } else {
            format!("{} → {}", self.tier(p.tier), self.tier(p.projected_tier))
        };
        format!(
            "последние {} мес.: {} в месяц; {season}; прогноз {} в месяц на {}; месячный оборот к следующему пересмотру {}: {tiers}",
            p.level_months.len(),
            money(p.level),
            money(p.monthly),
            p.period,
            money(p.next_monthly()),
        )
    }

    fn reason(&self, reason: &Reason) -> String {
        let amount = |d: Decimal| RU.format_amount(d, 0);
        let pct = |d: Decimal| RU.format_amount(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), 0);
        match reason {
            Reason::Urgent { category, severity } => {
                format!("первым в очереди: {} кризис ({})", self.risk_category(*category), self.risk_level(*severity))
            }
            Reason::Segment { segment, rank: 1, share, .. } => {
                format!("{segment}: крупнейший партнёр, {} % оборота", pct(*share))
            }
            Reason::Segment { segment, before, .. } => {
                format!("{segment}: у партнёров выше — {} % оборота", pct(*before))
            }
            Reason::Tier { tier, monthly, currency, headroom, to_next, held, drops_at_next_review } => {
                let head = format!(
                    "{}{}: {} {} в месяц",
                    self.tier(*tier),
                    if *held { " (пока сохранён)" } else { "" },
                    amount(*monthly),
                    RU.currency_sign(currency)
                );
                let tail = match (headroom, to_next) {
                    (Some(h), _) if h.is_sign_negative() && !h.is_zero() => {
                        let drop = if *drops_at_next_review {
                            ", понизится на следующем пересмотре"
                        } else {
                            ""
                        };
                        format!(", на {} ниже порога{drop}", amount(h.abs()))
                    }
                    (Some(h), _) => format!(", на {} выше порога", amount(*h)),
                    (None, Some(n)) => format!(", до следующей категории {}", amount(*n)),
                    (None, None) => String::new(),
                };
                head + &tail
            }
            Reason::Potential { level, signal } => {
                let detail = signal.map(|s| format!(": {}", self.signal(&s))).unwrap_or_default();
                format!("потенциал {}{detail}", self.potential_level(*level))
            }
            Reason::Risk { category, level, evidence } => {
                let detail = evidence.map(|e| format!(": {}", self.evidence(&e))).unwrap_or_default();
                format!("{} риск {}{detail}", self.risk_category(*category), self.risk_level(*level))
            }
            Reason::RiskUnknown => "риск неизвестен: нет данных об оплатах и фактов".to_owned(),
        }
    }

    fn signal(&self, signal: &Signal) -> String {
        let pct = |d: Decimal| RU.format_amount(d, 1);
        match *signal {
            Signal::ShortHistory { months, needed } => {
                format!("новый партнёр: {months} мес. истории, для оценки нужно {needed}")
            }
            Signal::NoPositiveTurnover => "нет положительного оборота".to_owned(),
            Signal::Trend { percent_per_month, .. } => {
                format!("тренд {}{} % в месяц", sign(percent_per_month), pct(percent_per_month.abs()))
            }
            Signal::YearOnYear { percent, .. } => format!("к прошлому году {}{} %", sign(percent), pct(percent.abs())),
            Signal::Stability { class, cv_percent, .. } => {
                format!("стабильность {class}: вариация {} %", pct(cv_percent))
            }
            Signal::NearNextTier { gap, .. } => format!("до следующей категории {} в месяц", RU.format_amount(gap, 0)),
        }
    }

    fn evidence(&self, evidence: &Evidence) -> String {
        let num = |d: Decimal, dp: u32| RU.format_amount(d, dp);
        match (evidence.indicator, evidence.value) {
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) => {
                "платит в срок".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) => {
                format!("платит в среднем на {} дн. позже срока", num(d, 0))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) => format!("{} % суммы оплачено с опозданием", num(d, 0)),
            (Indicator::Overdue, EvidenceValue::Number(d)) => format!("просрочено {} % месячной отгрузки", num(d, 0)),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) => "идёт процедура банкротства".to_owned(),
            (Indicator::Insolvency, _) => "процедур банкротства нет".to_owned(),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) => format!("кредитный рейтинг {r}"),
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) => {
                format!("использовано {} % кредитного лимита", num(d, 0))
            }
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) => format!("{} % поставок в срок", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) => format!("брак {} %", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) => format!("возвраты {} % продаж", num(d, 1)),
            (Indicator::Complaints, EvidenceValue::Number(d)) => format!("жалоб: {}", num(d, 0)),
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) => format!("негативных отзывов: {}", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) => format!("нарушений: {}", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) => format!("открытых споров: {}", num(d, 0)),
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) => format!("нарушений договора: {}", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) => format!("судебных дел: {}", num(d, 0)),
            (_, value) => format!("{value:?}"),
        }
    }

    fn alert(&self, alert: &CrisisAlert) -> String {
        match &alert.kind {
            AlertKind::TurnoverDrop { month, turnover, baseline, fall_percent } => {
                let (t, b, f) = (
                    RU.format_amount(*turnover, 0),
                    RU.format_amount(*baseline, 0),
                    RU.format_amount(*fall_percent, 0),
                );
                format!("оборот за {month} упал на {f} %: {t} против {b} в среднем за прошлые месяцы")
            }
            AlertKind::GrowingPaymentDelays { months } => {
                let days: Vec<String> = months.iter().map(|(_, d)| RU.format_amount(*d, 0)).collect();
                format!("задержки платежей растут: {} дн.", days.join(" → "))
            }
            AlertKind::CriticalRisk { evidence } => {
                format!("{} риск критический: {}", self.risk_category(alert.category), self.evidence(evidence))
            }
        }
    }

    fn concentration_risk(&self, risk: &ConcentrationRisk) -> String {
        let (share, hhi) = (RU.format_amount(risk.top_partner_percent, 1), RU.format_amount(risk.hhi, 0));
        format!(
            "риск концентрации {}: у крупнейшего партнёра {share} % оборота, HHI {hhi}",
            self.risk_level(risk.level)
        )
    }

    fn label(&self, label: Label) -> &str {
        match label {
            Label::ReportTitle => "Обзор партнёрской сети",
            Label::FooterNote => {
                "Суммы точные и округлены только для показа. Доли оборота — от базы Парето, суммы положительных \
                 оборотов."
            }
            Label::PartnersKpi => "Партнёров",
            Label::NetworkTurnover => "Оборот сети",
            Label::Gini => "Коэффициент Джини",
            Label::GiniNote => "0 — все равны, 1 — всё у одного",
            Label::Top20Kpi => "Топ-20 % партнёров",
            Label::Top20Note => "оборота",
            Label::ConcentrationRisk => "Риск концентрации",
            Label::CrisisAlerts => "Кризисные сигналы",
            Label::SegmentsHeading => "ABC(D)-сегменты и концентрация",
            Label::Segment => "Сегмент",
            Label::Partners => "Партнёры",
            Label::Turnover => "Оборот",
            Label::ArticleProfile => "Статья: партнёры / оборот",
            Label::Top20Hold => "У 20 % крупнейших",
            Label::LargestPartnerHolds => "У крупнейшего партнёра",
            Label::Hhi => "HHI (0 … 10 000)",
            Label::TiersHeading => "Категории по объёму продаж",
            Label::TiersLead => "Категории по среднему месячному обороту за окно: партнёры и оборот в каждой.",
            Label::Tier => "Категория",
            Label::MigrationsHeading => "Миграции с прошлого пересмотра",
            Label::NoPreviousReview => {
                "Прошлого пересмотра для сравнения нет: миграции появятся со следующего пересмотра."
            }
            Label::MovedDownTier => "Понизили категорию",
            Label::MovedUpTier => "Повысили категорию",
            Label::TopLead => {
                "Сначала партнёры в кризисе, затем по баллу приоритета (ценность, потенциал, устойчивость). Цель — \
                 из стратегии категории партнёра; причины объясняют его место."
            }
            Label::Partner => "Партнёр",
            Label::SegmentShort => "Сегм.",
            Label::Score => "Балл",
            Label::PerMonth => "В месяц",
            Label::Potential => "Потенциал",
            Label::Risk => "Риск",
            Label::GoalAndReasons => "Цель и причины",
            Label::Urgent => "СРОЧНО",
            Label::RiskUnknown => "неизвестен",
            Label::NoCrisisAlerts => "Кризисных сигналов нет.",
            Label::Severity => "Уровень",
            Label::WhatHappened => "Что случилось",
            Label::ActionPlan => "План действий",
            Label::ParetoTitle => "Кривая Парето: ABC(D)-сегменты по обороту",
            Label::ParetoAxis => "доля партнёров по убыванию оборота",
            Label::CumulativeTurnover => "накопленная доля оборота",
            Label::UpTo => "до",
            Label::LorenzTitle => "Кривая Лоренца и коэффициент Джини",
            Label::LorenzAxis => "доля партнёров, от самых мелких",
            Label::GiniShort => "Джини",
            Label::EqualTurnover => "равный оборот у всех",
            Label::LorenzCurve => "кривая Лоренца",
            Label::NoPositiveTurnover => "нет положительного оборота за окно",
            Label::TiersTitle => "Партнёры и оборот по категориям",
            Label::TurnoverOverWindow => "Оборот за окно",
            Label::TierMigrationsTitle => "Миграции между категориями",
            Label::SegmentMigrationsTitle => "Миграции между сегментами",
            Label::Now => "сейчас →",
            Label::Before => "было ↓",
            Label::MovedUp => "выше",
            Label::MovedDown => "ниже",
            Label::Stayed => "без изменений",
            Label::DynamicsHeading => "Оборот по месяцам",
            Label::DynamicsLead => {
                "Чистый оборот сети в каждом месяце окна по сегментам и категориям этого пересмотра: \
                 каждый партнёр учтён во всех месяцах в своих нынешних сегменте и категории."
            }
            Label::SegmentMonthsTitle => "Оборот сети по сегментам, по месяцам",
            Label::TierMonthsTitle => "Оборот сети по категориям, по месяцам",
            Label::LastTwelveMonths => "Последние 12 месяцев",
        }
    }

    fn message(&self, message: &Message) -> String {
        let n = |k: u64| count(self, k);
        match message {
            Message::Date(date) => date.format("%d.%m.%Y").to_string(),
            Message::CompactAmount { amount, currency } => {
                compact(self, *amount, currency, ["трлн", "млрд", "млн", "тыс."])
            }
            Message::ReviewLine { as_of, window, currency } => format!(
                "Пересмотр на {} · окно {window} ({} мес.) · суммы в {}",
                self.message(&Message::Date(*as_of)),
                window.len(),
                self.currency_sign(currency)
            ),
            Message::PartnersWithTurnover { partners } => format!("с оборотом за окно: {}", n(*partners)),
            Message::NetOverWindow { window } => format!("нетто за окно, {window}"),
            Message::LargestPartner { percent, hhi } => {
                format!("крупнейший партнёр {} %, HHI {}", self.amount(*percent, 1), self.amount(*hhi, 0))
            }
            Message::AlertCounts { critical, high } => {
                format!("{} критических · {} высоких", n(*critical), n(*high))
            }
            Message::ParetoLead { basis, cutoffs } => {
                let [a, b, c] = cutoffs.map(|x| cutoff(self, x));
                match basis {
                    ParetoBasis::Turnover => format!(
                        "Партнёры по убыванию оборота: кривая показывает, какую долю оборота сети дают крупнейшие. \
                         Пунктир — границы сегментов: A — крупнейшие партнёры, вместе дающие {a} оборота, B — до \
                         {b}, C — до {c}, D — остальные и партнёры без оборота."
                    ),
                    ParetoBasis::Partners => format!(
                        "Партнёры по убыванию оборота: кривая показывает, какую долю оборота сети дают крупнейшие. \
                         Пунктир — границы сегментов по доле партнёров с оборотом: A — первые {a}, B — до {b}, C — \
                         до {c}, D — остальные."
                    ),
                }
            }
            Message::ParetoLegend { segment, partners, partner_share, turnover_share } => format!(
                "{segment} {} — {} ({} партнёров), {} оборота",
                self.segment(*segment),
                n(*partners),
                self.percent(*partner_share, 1),
                self.percent(*turnover_share, 1)
            ),
            Message::MigrationSummary {
                continuing,
                new,
                gone,
                tiers_up,
                tiers_down,
                tiers_unchanged,
                segments_up,
                segments_down,
                segments_unchanged,
            } => format!(
                "В обоих пересмотрах: {}, новых: {}, ушедших: {}. Категории: выше — {}, ниже — {}, без изменений — \
                 {}. Сегменты: выше — {}, ниже — {}, без изменений — {}. Строки — прошлый пересмотр, столбцы — \
                 нынешний.",
                n(*continuing),
                n(*new),
                n(*gone),
                n(*tiers_up),
                n(*tiers_down),
                n(*tiers_unchanged),
                n(*segments_up),
                n(*segments_down),
                n(*segments_unchanged),
            ),
            Message::MoreMoves { more } => format!("и ещё: {}", n(*more)),
            Message::TopPartners { listed } => format!("Топ партнёров по приоритету: {}", n(*listed)),
            Message::AlertSummary { alerts, by_severity } => {
                let levels: Vec<String> =
                    by_severity.iter().map(|(level, k)| format!("{} {}", n(*k), alerts_of(*level))).collect();
                format!(
                    "Сигналов: {} ({}), от самых серьёзных; у каждого — план действий.",
                    n(*alerts),
                    levels.join(", ")
                )
            }
            Message::AlertsNotListed { listed, more } => {
                format!("Показаны первые {}; ещё {} не показаны.", n(*listed), n(*more))
            }
            Message::ReviewSpan { span, period } => {
                let lead = format!(
                    "Прошлый пересмотр — {}, за {} мес. до нынешнего",
                    self.message(&Message::Date(span.from())),
                    span.months()
                );
                if span.is_longer_than(*period) {
                    let period = match period {
                        ReviewPeriod::Monthly => "ежемесячного",
                        ReviewPeriod::Quarterly => "ежеквартального",
                        ReviewPeriod::HalfYearly => "полугодового",
                        ReviewPeriod::Yearly => "годового",
                    };
                    format!(
                        "{lead}: это дольше {period} периода пересмотра, перемещения накопились за несколько периодов."
                    )
                } else {
                    format!("{lead}.")
                }
            }
        }
    }
}

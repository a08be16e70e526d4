//! The Russian catalogue: the article's own words where it has them.

use rust_decimal::Decimal;

use super::{Catalogue, sign};
use crate::language::Language;
use crate::pareto::Segment;
use crate::potential::{PotentialLevel, Signal};
use crate::review::Reason;
use crate::risk::{
    AlertKind, ConcentrationRisk, CrisisAlert, Evidence, EvidenceValue, Indicator, RiskCategory, RiskLevel,
};
use crate::tier::Tier;

/// The article's Russian words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Russian;

const RU: Language = Language::Ru;

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
}

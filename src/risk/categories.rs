//! The four categories, the levels, and the indicators and evidence behind a level.
use std::fmt;

use rust_decimal::Decimal;

use super::*;
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::language::Language;

/// The article's four kinds of partner risk.
///
/// Exhaustive: the article names exactly these four, and playbooks have
/// mitigations for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RiskCategory {
    /// Insolvency, late payment, bankruptcy, credit history.
    Financial,
    /// Dishonest conduct, breaches of law, negative customer reviews.
    Reputational,
    /// Logistics problems, missed delivery dates, poor quality.
    Operational,
    /// Breaches of contract, disputes, changes of law.
    Legal,
}

impl RiskCategory {
    /// All four, in the article's order.
    pub const ALL: [RiskCategory; 4] =
        [RiskCategory::Financial, RiskCategory::Reputational, RiskCategory::Operational, RiskCategory::Legal];

    /// The category's name.
    #[must_use]
    pub fn name(&self, lang: Language) -> &'static str {
        match (self, lang) {
            (RiskCategory::Financial, Language::Ru) => "финансовый",
            (RiskCategory::Reputational, Language::Ru) => "репутационный",
            (RiskCategory::Operational, Language::Ru) => "операционный",
            (RiskCategory::Legal, Language::Ru) => "юридический",
            (RiskCategory::Financial, _) => "financial",
            (RiskCategory::Reputational, _) => "reputational",
            (RiskCategory::Operational, _) => "operational",
            (RiskCategory::Legal, _) => "legal",
        }
    }
}

impl fmt::Display for RiskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Language::En))
    }
}

/// How serious a risk is. Where there is no data the level is `None`
/// ("unknown"), never `Low`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RiskLevel {
    /// Nothing to act on.
    Low,
    /// Watch it.
    Medium,
    /// Act on it.
    High,
    /// Act now: a crisis.
    Critical,
}

impl RiskLevel {
    /// The level's name.
    #[must_use]
    pub fn name(&self, lang: Language) -> &'static str {
        match (self, lang) {
            (RiskLevel::Low, Language::Ru) => "низкий",
            (RiskLevel::Medium, Language::Ru) => "средний",
            (RiskLevel::High, Language::Ru) => "высокий",
            (RiskLevel::Critical, Language::Ru) => "критический",
            (RiskLevel::Low, _) => "Low",
            (RiskLevel::Medium, _) => "Medium",
            (RiskLevel::High, _) => "High",
            (RiskLevel::Critical, _) => "Critical",
        }
    }

    pub(super) fn raised(self) -> RiskLevel {
        match self {
            RiskLevel::Low => RiskLevel::Medium,
            RiskLevel::Medium => RiskLevel::High,
            RiskLevel::High | RiskLevel::Critical => RiskLevel::Critical,
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Language::En))
    }
}

/// One indicator behind a risk level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Indicator {
    /// Amount-weighted average days late (paid and overdue lines).
    AverageDaysLate,
    /// Share of the amount paid late or overdue, %.
    LateShare,
    /// Overdue unpaid amount, % of the average monthly invoiced amount.
    Overdue,
    /// Insolvency or bankruptcy proceedings.
    Insolvency,
    /// External credit rating.
    CreditRating,
    /// Credit used, % of the limit.
    CreditUtilisation,
    /// On-time deliveries, %.
    OnTimeDelivery,
    /// Defect rate, %.
    DefectRate,
    /// Return rate, % of sales (given, or from credit notes).
    ReturnRate,
    /// Customer complaints.
    Complaints,
    /// Negative reviews.
    NegativeReviews,
    /// Violations.
    Violations,
    /// Open disputes.
    OpenDisputes,
    /// Contract breaches.
    ContractBreaches,
    /// Court cases.
    CourtCases,
}

impl Indicator {
    /// The category the indicator belongs to.
    #[must_use]
    pub fn category(&self) -> RiskCategory {
        match self {
            Indicator::AverageDaysLate
            | Indicator::LateShare
            | Indicator::Overdue
            | Indicator::Insolvency
            | Indicator::CreditRating
            | Indicator::CreditUtilisation => RiskCategory::Financial,
            Indicator::OnTimeDelivery | Indicator::DefectRate | Indicator::ReturnRate => RiskCategory::Operational,
            Indicator::Complaints | Indicator::NegativeReviews | Indicator::Violations => RiskCategory::Reputational,
            Indicator::OpenDisputes | Indicator::ContractBreaches | Indicator::CourtCases => RiskCategory::Legal,
        }
    }
}

/// The value of an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EvidenceValue {
    /// A number: days, percent or a count, per the indicator.
    Number(Decimal),
    /// A yes / no fact.
    Flag(bool),
    /// A credit rating.
    Rating(CreditRating),
}

/// One indicator, its value and the level it gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Evidence {
    /// The indicator.
    pub indicator: Indicator,
    /// Its value.
    pub value: EvidenceValue,
    /// The level it gives.
    pub level: RiskLevel,
}

impl Evidence {
    /// The evidence in plain words: "pays 12 days late on average".
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let num = |d: Decimal, dp: u32| lang.format_amount(d, dp);
        let ru = lang == Language::Ru;
        match (self.indicator, self.value) {
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) && ru => {
                "платит в срок".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) => {
                "pays on time".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if ru => {
                format!("платит в среднем на {} дн. позже срока", num(d, 0))
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) => {
                format!("pays {} late on average", days_en(&num(d, 0)))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) if ru => {
                format!("{} % суммы оплачено с опозданием", num(d, 0))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) => format!("{} % of the amount paid late", num(d, 0)),
            (Indicator::Overdue, EvidenceValue::Number(d)) if ru => {
                format!("просрочено {} % месячной отгрузки", num(d, 0))
            }
            (Indicator::Overdue, EvidenceValue::Number(d)) => format!("{} % of a month's invoicing overdue", num(d, 0)),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) if ru => "идёт процедура банкротства".to_owned(),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) => "insolvency proceedings are open".to_owned(),
            (Indicator::Insolvency, _) if ru => "процедур банкротства нет".to_owned(),
            (Indicator::Insolvency, _) => "no insolvency proceedings".to_owned(),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) if ru => format!("кредитный рейтинг {r}"),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) => format!("credit rating {r}"),
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) if ru => {
                format!("использовано {} % кредитного лимита", num(d, 0))
            }
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) => {
                format!("{} % of the credit limit used", num(d, 0))
            }
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) if ru => format!("{} % поставок в срок", num(d, 1)),
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) => format!("{} % of deliveries on time", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) if ru => format!("брак {} %", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) => format!("{} % defects", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) if ru => format!("возвраты {} % продаж", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) => format!("returns {} % of sales", num(d, 1)),
            (Indicator::Complaints, EvidenceValue::Number(d)) if ru => format!("жалоб: {}", num(d, 0)),
            (Indicator::Complaints, EvidenceValue::Number(d)) => format!("{} complaints", num(d, 0)),
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) if ru => {
                format!("негативных отзывов: {}", num(d, 0))
            }
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) => format!("{} negative reviews", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) if ru => format!("нарушений: {}", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) => format!("{} violations", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) if ru => format!("открытых споров: {}", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) => format!("{} open disputes", num(d, 0)),
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) if ru => {
                format!("нарушений договора: {}", num(d, 0))
            }
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) => format!("{} contract breaches", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) if ru => format!("судебных дел: {}", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) => format!("{} court cases", num(d, 0)),
            (_, value) => format!("{value:?}"),
        }
    }
}

/// One category's level and the evidence behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CategoryRisk {
    /// The level; `None` when nothing is known ("unknown", never Low).
    pub level: Option<RiskLevel>,
    /// Every indicator that was known, worst first.
    pub evidence: Vec<Evidence>,
}

impl CategoryRisk {
    pub(super) fn from_evidence(mut evidence: Vec<Evidence>) -> CategoryRisk {
        evidence.sort_by_key(|e| std::cmp::Reverse(e.level));
        CategoryRisk { level: evidence.iter().map(|e| e.level).max(), evidence }
    }

    /// The evidence that set the level (the worst indicator), if any.
    #[must_use]
    pub fn main_evidence(&self) -> Option<&Evidence> {
        self.evidence.first()
    }
}

/// "1 day", "12 days".
fn days_en(days: &str) -> String {
    format!("{days} {}", if days == "1" { "day" } else { "days" })
}

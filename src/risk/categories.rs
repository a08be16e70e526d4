//! The four categories, the levels, and the indicators and evidence behind a level.
use std::fmt;

use rust_decimal::Decimal;

use super::*;
#[cfg(doc)]
use crate::error::ErrorKind;

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
}

impl fmt::Display for RiskCategory {
    /// The category in English, "financial" (for the words of a language see
    /// [`Catalogue::risk_category`](crate::lang::Catalogue::risk_category)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RiskCategory::Financial => "financial",
            RiskCategory::Reputational => "reputational",
            RiskCategory::Operational => "operational",
            RiskCategory::Legal => "legal",
        })
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
    pub(super) fn raised(self) -> RiskLevel {
        match self {
            RiskLevel::Low => RiskLevel::Medium,
            RiskLevel::Medium => RiskLevel::High,
            RiskLevel::High | RiskLevel::Critical => RiskLevel::Critical,
        }
    }
}

impl fmt::Display for RiskLevel {
    /// The level in English, "Critical" (for the words of a language see
    /// [`Catalogue::risk_level`](crate::lang::Catalogue::risk_level)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        })
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

impl Evidence {}

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

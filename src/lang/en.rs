//! The English catalogue.

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

/// The English words of the article's concepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct English;

const EN: Language = Language::En;

/// "1 day", "12 days".
fn days(days: &str) -> String {
    format!("{days} {}", if days == "1" { "day" } else { "days" })
}

impl Catalogue for English {
    fn base(&self) -> &dyn Catalogue {
        self
    }

    fn language(&self) -> Language {
        EN
    }

    fn tier(&self, tier: Tier) -> &str {
        match tier {
            Tier::Gold => "Gold",
            Tier::Silver => "Silver",
            Tier::Bronze => "Bronze",
            Tier::Beginner => "Beginner",
        }
    }

    fn segment(&self, segment: Segment) -> &str {
        match segment {
            Segment::A => "key",
            Segment::B => "important",
            Segment::C => "promising",
            Segment::D => "passive",
        }
    }

    fn risk_level(&self, level: RiskLevel) -> &str {
        match level {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }

    fn risk_category(&self, category: RiskCategory) -> &str {
        match category {
            RiskCategory::Financial => "financial",
            RiskCategory::Reputational => "reputational",
            RiskCategory::Operational => "operational",
            RiskCategory::Legal => "legal",
        }
    }

    fn potential_level(&self, level: PotentialLevel) -> &str {
        match level {
            PotentialLevel::New => "new",
            PotentialLevel::Low => "low",
            PotentialLevel::Medium => "medium",
            PotentialLevel::High => "high",
        }
    }

    fn reason(&self, reason: &Reason) -> String {
        let amount = |d: Decimal| EN.format_amount(d, 0);
        let pct = |d: Decimal| EN.format_amount(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), 0);
        match reason {
            Reason::Urgent { category, severity } => {
                format!("first in line: a {} crisis ({})", self.risk_category(*category), self.risk_level(*severity))
            }
            Reason::Segment { segment, rank: 1, share, .. } => {
                format!("{segment}: the largest partner, {} % of turnover", pct(*share))
            }
            Reason::Segment { segment, before, .. } => {
                format!("{segment}: the partners above it hold {} % of turnover", pct(*before))
            }
            Reason::Tier { tier, monthly, currency, headroom, to_next, held, drops_at_next_review } => {
                let head = format!(
                    "{}{}: {} {}/month",
                    self.tier(*tier),
                    if *held { " (held for now)" } else { "" },
                    amount(*monthly),
                    EN.currency_sign(currency)
                );
                let tail = match (headroom, to_next) {
                    (Some(h), _) if h.is_sign_negative() && !h.is_zero() => {
                        let drop = if *drops_at_next_review { ", drops at the next review" } else { "" };
                        format!(", {} below the floor{drop}", amount(h.abs()))
                    }
                    (Some(h), _) => format!(", {} above the floor", amount(*h)),
                    (None, Some(n)) => format!(", {} short of the next tier", amount(*n)),
                    (None, None) => String::new(),
                };
                head + &tail
            }
            Reason::Potential { level, signal } => {
                let detail = signal.map(|s| format!(": {}", self.signal(&s))).unwrap_or_default();
                format!("potential {}{detail}", self.potential_level(*level))
            }
            Reason::Risk { category, level, evidence } => {
                let detail = evidence.map(|e| format!(": {}", self.evidence(&e))).unwrap_or_default();
                format!("{} risk {}{detail}", self.risk_category(*category), self.risk_level(*level))
            }
            Reason::RiskUnknown => "risk unknown: no payment data or facts".to_owned(),
        }
    }

    fn signal(&self, signal: &Signal) -> String {
        let pct = |d: Decimal| EN.format_amount(d, 1);
        match *signal {
            Signal::ShortHistory { months, needed } => {
                format!("new partner: {months} months of history, {needed} needed for a judgement")
            }
            Signal::NoPositiveTurnover => "no positive turnover".to_owned(),
            Signal::Trend { percent_per_month, .. } => {
                format!("trend {}{} % a month", sign(percent_per_month), pct(percent_per_month.abs()))
            }
            Signal::YearOnYear { percent, .. } => format!("{}{} % year on year", sign(percent), pct(percent.abs())),
            Signal::Stability { class, cv_percent, .. } => {
                format!("stability {class}: variation {} %", pct(cv_percent))
            }
            Signal::NearNextTier { gap, .. } => {
                format!("{} a month short of the next tier", EN.format_amount(gap, 0))
            }
        }
    }

    fn evidence(&self, evidence: &Evidence) -> String {
        let num = |d: Decimal, dp: u32| EN.format_amount(d, dp);
        match (evidence.indicator, evidence.value) {
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) => {
                "pays on time".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) => {
                format!("pays {} late on average", days(&num(d, 0)))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) => format!("{} % of the amount paid late", num(d, 0)),
            (Indicator::Overdue, EvidenceValue::Number(d)) => format!("{} % of a month's invoicing overdue", num(d, 0)),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) => "insolvency proceedings are open".to_owned(),
            (Indicator::Insolvency, _) => "no insolvency proceedings".to_owned(),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) => format!("credit rating {r}"),
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) => {
                format!("{} % of the credit limit used", num(d, 0))
            }
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) => format!("{} % of deliveries on time", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) => format!("{} % defects", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) => format!("returns {} % of sales", num(d, 1)),
            (Indicator::Complaints, EvidenceValue::Number(d)) => format!("{} complaints", num(d, 0)),
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) => format!("{} negative reviews", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) => format!("{} violations", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) => format!("{} open disputes", num(d, 0)),
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) => format!("{} contract breaches", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) => format!("{} court cases", num(d, 0)),
            (_, value) => format!("{value:?}"),
        }
    }

    fn alert(&self, alert: &CrisisAlert) -> String {
        match &alert.kind {
            AlertKind::TurnoverDrop { month, turnover, baseline, fall_percent } => {
                let (t, b, f) = (
                    EN.format_amount(*turnover, 0),
                    EN.format_amount(*baseline, 0),
                    EN.format_amount(*fall_percent, 0),
                );
                format!("turnover in {month} fell {f} %: {t} against an average of {b}")
            }
            AlertKind::GrowingPaymentDelays { months } => {
                let days: Vec<String> = months.iter().map(|(_, d)| EN.format_amount(*d, 0)).collect();
                format!("payment delays are growing: {} days", days.join(" → "))
            }
            AlertKind::CriticalRisk { evidence } => {
                format!("{} risk is Critical: {}", self.risk_category(alert.category), self.evidence(evidence))
            }
        }
    }

    fn concentration_risk(&self, risk: &ConcentrationRisk) -> String {
        let (share, hhi) = (EN.format_amount(risk.top_partner_percent, 1), EN.format_amount(risk.hhi, 0));
        format!(
            "concentration risk {}: the largest partner holds {share} % of turnover, HHI {hhi}",
            self.risk_level(risk.level)
        )
    }
}

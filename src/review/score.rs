//! The priority score and what makes a partner urgent.

use rust_decimal::Decimal;

use super::policy::{PriorityPolicy, UrgentRule};
use crate::pareto::Segment;
use crate::potential::PotentialLevel;
use crate::risk::{CrisisAlert, RiskCategory, RiskLevel, RiskProfile};

impl PriorityPolicy {
    pub(super) fn score(
        &self,
        segment: Segment,
        turnover: i128,
        before: Decimal,
        potential: PotentialLevel,
        risk: Option<RiskLevel>,
    ) -> Decimal {
        let position = if turnover > 0 {
            (Decimal::ONE - before).max(Decimal::ZERO) * Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        };
        let value = (self.segment_points.of(segment) + position) / Decimal::TWO;
        let potential = Decimal::from(match potential {
            PotentialLevel::High => 100,
            PotentialLevel::Medium | PotentialLevel::New => 50,
            PotentialLevel::Low => 0,
        });
        let penalty = match risk {
            None => self.unknown_risk_penalty,
            Some(RiskLevel::Low) => Decimal::ZERO,
            Some(RiskLevel::Medium) => Decimal::from(33),
            Some(RiskLevel::High) => Decimal::from(67),
            Some(RiskLevel::Critical) => Decimal::ONE_HUNDRED,
        };
        let w = &self.weights;
        let sum = w.value * value + w.potential * potential + w.resilience * (Decimal::ONE_HUNDRED - penalty);
        (sum / (w.value + w.potential + w.resilience))
            .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    }
}

pub(super) fn urgent_cause(
    rule: &UrgentRule,
    segment: Segment,
    risk: &RiskProfile,
    alerts: &[CrisisAlert],
) -> Option<(RiskCategory, RiskLevel)> {
    let eligible = match rule {
        UrgentRule::Off => false,
        UrgentRule::KeyInCrisis => segment == Segment::A,
        UrgentRule::AnyInCrisis => true,
    };
    if !eligible {
        return None;
    }
    let from_alert = alerts
        .iter()
        .filter(|a| a.severity >= RiskLevel::High)
        .map(|a| (a.category, a.severity))
        .max_by_key(|(_, s)| *s);
    let from_risk = risk.worst_category().filter(|(_, l)| *l == RiskLevel::Critical);
    match (from_alert, from_risk) {
        (Some(a), Some(r)) => Some(if r.1 > a.1 { r } else { a }),
        (a, r) => a.or(r),
    }
}

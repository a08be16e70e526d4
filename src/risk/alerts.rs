//! Crisis alerts and the concentration risk of the network.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::partner::PartnerId;
use crate::period::Month;
use crate::util::exact::{ratio, ratio_below};

/// What raised a crisis alert.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AlertKind {
    /// The last full month's turnover fell sharply against the trailing
    /// average.
    TurnoverDrop {
        /// The month.
        month: Month,
        /// Its turnover.
        turnover: Decimal,
        /// The trailing monthly average.
        baseline: Decimal,
        /// The fall, %.
        fall_percent: Decimal,
    },
    /// Average days late grew month after month.
    GrowingPaymentDelays {
        /// The months and their average days late, oldest first.
        months: Vec<(Month, Decimal)>,
    },
    /// A category is Critical.
    CriticalRisk {
        /// The evidence that made it Critical.
        evidence: Evidence,
    },
}

/// A crisis alert: what happened and how serious it is. Its action plan
/// comes from the playbook ([`Playbook::crisis_plan`](crate::strategy::Playbook::crisis_plan)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CrisisAlert {
    /// The partner.
    pub partner: PartnerId,
    /// The category of the crisis.
    pub category: RiskCategory,
    /// High or Critical.
    pub severity: RiskLevel,
    /// What raised it, with the figures.
    pub kind: AlertKind,
}

impl CrisisAlert {
    pub(super) fn new(
        partner: &PartnerId,
        category: RiskCategory,
        severity: RiskLevel,
        kind: AlertKind,
    ) -> CrisisAlert {
        CrisisAlert { partner: partner.clone(), category, severity, kind }
    }
}

/// The concentration risk of the network: dependence on a few partners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConcentrationRisk {
    /// The level (the worse of the two indicators).
    pub level: RiskLevel,
    /// The largest partner's share of turnover, %.
    pub top_partner_percent: Decimal,
    /// The Herfindahl–Hirschman index.
    pub hhi: Decimal,
}

impl RiskPolicy {
    pub(super) fn alerts(&self, data: &PartnerWindow<'_>, profile: &RiskProfile, as_of: NaiveDate) -> Vec<CrisisAlert> {
        let partner = data.partner;
        let mut alerts = Vec::new();
        if let Some(alert) = self.drop_alert(data) {
            alerts.push(alert);
        }
        if let Some(alert) = self.delay_alert(data, as_of) {
            alerts.push(alert);
        }
        for c in RiskCategory::ALL {
            let risk = profile.category(c);
            if risk.level == Some(RiskLevel::Critical) {
                if let Some(e) = risk.main_evidence() {
                    alerts.push(CrisisAlert::new(
                        partner,
                        c,
                        RiskLevel::Critical,
                        AlertKind::CriticalRisk { evidence: *e },
                    ));
                }
            }
        }
        alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
        alerts
    }

    fn drop_alert(&self, data: &PartnerWindow<'_>) -> Option<CrisisAlert> {
        let months = &data.buf.months;
        let (last, before) = months.split_last()?;
        // The partner's history starts at its first month with activity.
        let first_active = months.iter().position(|m| m.turnover != 0 || m.deals > 0)?;
        let take = self.crisis.baseline_months as usize;
        let start = before.len().saturating_sub(take).max(first_active);
        let baseline = before.get(start..)?;
        if baseline.len() < 2 {
            return None;
        }
        if self.crisis.drop_needs_regular_buyer && baseline.iter().any(|m| m.turnover <= 0) {
            return None;
        }
        let k = i128::try_from(baseline.len()).ok()?;
        let sum: i128 = baseline.iter().map(|m| i128::from(m.turnover)).sum();
        if sum <= 0 {
            return None;
        }
        let last_value = i128::from(last.turnover);
        // fall % = (S − k·L) × 100 / S, exactly.
        let gap = sum.checked_sub(k.checked_mul(last_value)?)?;
        let gap_percent = gap.checked_mul(100)?;
        let drop = self.crisis.drop_percent;
        if ratio_below(gap_percent, sum, drop).unwrap_or_else(|| ratio(gap_percent, sum) < drop) {
            return None;
        }
        let fall = ratio(gap_percent, sum);
        // Beyond `sigmas` standard deviations: (S − kL)² > s² (kQ − S²).
        let q = baseline
            .iter()
            .try_fold(0i128, |q, m| q.checked_add(i128::from(m.turnover).checked_mul(i128::from(m.turnover))?));
        let spread = q.and_then(|q| k.checked_mul(q)?.checked_sub(sum.checked_mul(sum)?));
        if let (Some(spread), Some(gap_sq)) = (spread, gap.checked_mul(gap)) {
            let s = self.crisis.drop_sigmas.normalize();
            let (m, e) = (s.mantissa().unsigned_abs(), s.scale());
            let left = crate::util::exact::mul_wide(gap_sq.unsigned_abs(), 10u128.pow(2 * e.min(18)));
            let right = crate::util::exact::mul_wide(m.checked_mul(m)?, spread.max(0).unsigned_abs());
            if left <= right {
                return None;
            }
        }
        let severity = if fall >= self.crisis.critical_drop_percent { RiskLevel::Critical } else { RiskLevel::High };
        let scale = data.scale;
        Some(CrisisAlert::new(
            data.partner,
            RiskCategory::Financial,
            severity,
            AlertKind::TurnoverDrop {
                month: data.window.last(),
                turnover: Decimal::new(last.turnover, scale),
                baseline: crate::util::exact::to_decimal(sum, scale)
                    .checked_div(Decimal::from(baseline.len()))?
                    .round_dp(2),
                fall_percent: fall.normalize(),
            },
        ))
    }

    fn delay_alert(&self, data: &PartnerWindow<'_>, as_of: NaiveDate) -> Option<CrisisAlert> {
        let per_month = monthly_days_late(data, as_of);
        let k = self.crisis.delay_months as usize;
        if per_month.len() < k {
            return None;
        }
        let recent = per_month.get(per_month.len() - k..)?;
        let growing = recent.windows(2).all(|w| w[1].1 > w[0].1);
        let (_, last) = *recent.last()?;
        if !growing || last < self.crisis.delay_min_days {
            return None;
        }
        let severity = self.average_days_late.level(last).max(RiskLevel::High);
        Some(CrisisAlert::new(
            data.partner,
            RiskCategory::Financial,
            severity,
            AlertKind::GrowingPaymentDelays { months: recent.to_vec() },
        ))
    }
}

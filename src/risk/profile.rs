//! A partner's risk profile: the four categories, the overall level and the alerts.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::ledger::{Turnover, WindowBuf};
use crate::util::exact::ratio_rounded;

/// A partner's risk profile: the four categories, the overall level, the
/// payment discipline behind the financial one, and the crisis alerts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RiskProfile {
    /// Financial risk.
    pub financial: CategoryRisk,
    /// Reputational risk.
    pub reputational: CategoryRisk,
    /// Operational risk.
    pub operational: CategoryRisk,
    /// Legal risk.
    pub legal: CategoryRisk,
    /// The overall level (`None` when every category is unknown).
    pub overall: Option<RiskLevel>,
    /// Payment discipline, when the ledger has due dates for the window.
    pub payment: Option<PaymentDiscipline>,
    /// The crisis alerts, most severe first.
    pub alerts: Vec<CrisisAlert>,
}

impl RiskProfile {
    /// One category.
    #[must_use]
    pub fn category(&self, category: RiskCategory) -> &CategoryRisk {
        match category {
            RiskCategory::Financial => &self.financial,
            RiskCategory::Reputational => &self.reputational,
            RiskCategory::Operational => &self.operational,
            RiskCategory::Legal => &self.legal,
        }
    }

    /// The category with the worst level (the first of equals, in the
    /// article's order), if any is known.
    #[must_use]
    pub fn worst_category(&self) -> Option<(RiskCategory, RiskLevel)> {
        let mut worst: Option<(RiskCategory, RiskLevel)> = None;
        for c in RiskCategory::ALL {
            if let Some(level) = self.category(c).level {
                if worst.is_none_or(|(_, w)| level > w) {
                    worst = Some((c, level));
                }
            }
        }
        worst
    }
}

impl RiskPolicy {
    /// Assesses a partner's risk from its turnover over the review window
    /// (with the ledger's payment data) and the facts the business supplies,
    /// as of the review date.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] if the policy fails
    /// [`RiskPolicy::check`] (its fields are public);
    /// [`ErrorKind::InvalidValue`] if `facts` is for another partner or fails
    /// [`RiskFacts::check`]; [`ErrorKind::Overflow`] for sums out of range.
    pub fn assess(&self, turnover: &Turnover, facts: Option<&RiskFacts>, as_of: NaiveDate) -> Result<RiskProfile> {
        self.check()?;
        let buf = WindowBuf::of_turnover(turnover);
        let data = PartnerWindow {
            partner: turnover.partner(),
            window: turnover.window(),
            scale: turnover.scale(),
            buf: &buf,
        };
        self.assess_window(&data, facts, as_of)
    }

    /// [`RiskPolicy::assess`] over the ledger's own figures.
    pub(crate) fn assess_window(
        &self,
        data: &PartnerWindow<'_>,
        facts: Option<&RiskFacts>,
        as_of: NaiveDate,
    ) -> Result<RiskProfile> {
        let partner = data.partner;
        if let Some(f) = facts {
            if &f.partner != partner {
                return Err(Error::value(
                    "partner",
                    f.partner.as_str(),
                    format!("risk facts for another partner than `{partner}`"),
                )
                .for_partner(partner));
            }
            f.check()?;
        }
        let payment = payment_discipline(data, as_of);
        let ev = |indicator, value, level| Evidence { indicator, value, level };
        let num = EvidenceValue::Number;

        let mut financial = Vec::new();
        if let Some(p) = payment {
            financial.push(ev(
                Indicator::AverageDaysLate,
                num(p.average_days_late),
                self.average_days_late.level(p.average_days_late),
            ));
            financial.push(ev(Indicator::LateShare, num(p.late_share), self.late_share.level(p.late_share)));
            if let Some(o) = p.overdue_of_monthly {
                financial.push(ev(Indicator::Overdue, num(o), self.overdue.level(o)));
            }
        }
        if let Some(f) = facts {
            if let Some(insolvent) = f.insolvency {
                let level = if insolvent { RiskLevel::Critical } else { RiskLevel::Low };
                financial.push(ev(Indicator::Insolvency, EvidenceValue::Flag(insolvent), level));
            }
            if let Some(r) = f.credit_rating {
                financial.push(ev(Indicator::CreditRating, EvidenceValue::Rating(r), self.rating_level(r)));
            }
            if let (Some(limit), Some(used)) = (f.credit_limit, f.credit_used) {
                let u =
                    used.checked_div(limit).and_then(|x| x.checked_mul(Decimal::ONE_HUNDRED)).unwrap_or(Decimal::MAX);
                financial.push(ev(Indicator::CreditUtilisation, num(u), self.credit_utilisation.level(u)));
            }
        }

        let mut operational = Vec::new();
        let mut reputational = Vec::new();
        let mut legal = Vec::new();
        let counts = |f: &RiskFacts| {
            [
                (Indicator::Complaints, f.complaints, &self.complaints),
                (Indicator::NegativeReviews, f.negative_reviews, &self.negative_reviews),
                (Indicator::Violations, f.violations, &self.violations),
                (Indicator::OpenDisputes, f.open_disputes, &self.open_disputes),
                (Indicator::ContractBreaches, f.contract_breaches, &self.contract_breaches),
                (Indicator::CourtCases, f.court_cases, &self.court_cases),
            ]
        };
        let mut return_rate = facts.and_then(|f| f.return_rate);
        if return_rate.is_none() && self.returns_from_credit_notes {
            let credit: i128 = data.buf.months.iter().map(|m| i128::from(m.credit_notes)).sum();
            let invoiced: i128 =
                data.buf.months.iter().map(|m| i128::from(m.turnover) - i128::from(m.credit_notes)).sum();
            if invoiced > 0 {
                return_rate = Some(ratio_rounded(-credit * 100, invoiced, 4));
            }
        }
        if let Some(r) = return_rate {
            operational.push(ev(Indicator::ReturnRate, num(r), self.return_rate.level(r)));
        }
        if let Some(f) = facts {
            if let Some(v) = f.on_time_delivery {
                operational.push(ev(Indicator::OnTimeDelivery, num(v), self.on_time_delivery.level_below(v)));
            }
            if let Some(v) = f.defect_rate {
                operational.push(ev(Indicator::DefectRate, num(v), self.defect_rate.level(v)));
            }
            for (indicator, value, thresholds) in counts(f) {
                if let Some(v) = value {
                    let e = ev(indicator, num(Decimal::from(v)), thresholds.level(Decimal::from(v)));
                    match indicator.category() {
                        RiskCategory::Legal => legal.push(e),
                        _ => reputational.push(e),
                    }
                }
            }
        }
        let mut profile = RiskProfile {
            financial: CategoryRisk::from_evidence(financial),
            reputational: CategoryRisk::from_evidence(reputational),
            operational: CategoryRisk::from_evidence(operational),
            legal: CategoryRisk::from_evidence(legal),
            overall: None,
            payment,
            alerts: Vec::new(),
        };
        profile.overall = self.overall_level(&profile);
        profile.alerts = self.alerts(data, &profile, as_of);
        Ok(profile)
    }

    fn overall_level(&self, profile: &RiskProfile) -> Option<RiskLevel> {
        let levels = || RiskCategory::ALL.iter().filter_map(|c| profile.category(*c).level);
        let worst = levels().max()?;
        Some(match self.overall {
            OverallRule::Worst => worst,
            OverallRule::Escalating if levels().filter(|l| *l >= RiskLevel::High).count() >= 2 => worst.raised(),
            OverallRule::Escalating => worst,
        })
    }
}

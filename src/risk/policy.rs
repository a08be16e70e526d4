//! The thresholds that turn indicators into levels, the overall rule, and what counts as a crisis.

use rust_decimal::Decimal;

use super::*;
#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};

/// The levels an indicator reaches at its thresholds. A threshold left out
/// means the indicator never reaches that level.
///
/// For most indicators a higher value is worse, and a threshold is reached
/// at or above it (`value ≥ threshold`). For on-time delivery a lower value
/// is worse, and a threshold is reached below it (`value < threshold`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Thresholds {
    /// The value from which the level is Medium.
    #[cfg_attr(feature = "serde", serde(default))]
    pub medium: Option<Decimal>,
    /// The value from which the level is High.
    #[cfg_attr(feature = "serde", serde(default))]
    pub high: Option<Decimal>,
    /// The value from which the level is Critical.
    #[cfg_attr(feature = "serde", serde(default))]
    pub critical: Option<Decimal>,
}

impl Thresholds {
    /// Thresholds for an indicator where more is worse.
    #[must_use]
    pub fn new(medium: Option<i64>, high: Option<i64>, critical: Option<i64>) -> Thresholds {
        Thresholds {
            medium: medium.map(Decimal::from),
            high: high.map(Decimal::from),
            critical: critical.map(Decimal::from),
        }
    }

    pub(super) fn levels(&self) -> [(RiskLevel, Option<Decimal>); 3] {
        [(RiskLevel::Critical, self.critical), (RiskLevel::High, self.high), (RiskLevel::Medium, self.medium)]
    }

    /// The level of `value` where more is worse.
    #[must_use]
    pub fn level(&self, value: Decimal) -> RiskLevel {
        for (level, t) in self.levels() {
            if t.is_some_and(|t| value >= t) {
                return level;
            }
        }
        RiskLevel::Low
    }

    /// The level of `value` where less is worse.
    #[must_use]
    pub fn level_below(&self, value: Decimal) -> RiskLevel {
        for (level, t) in self.levels() {
            if t.is_some_and(|t| value < t) {
                return level;
            }
        }
        RiskLevel::Low
    }

    pub(super) fn check(&self, field: &str, lower_is_worse: bool) -> Result<()> {
        let given: Vec<(&str, Decimal)> = [("medium", self.medium), ("high", self.high), ("critical", self.critical)]
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect();
        for pair in given.windows(2) {
            let [(_, a), (name, b)] = [pair[0], pair[1]];
            let ordered = if lower_is_worse { b < a } else { b > a };
            if !ordered {
                let how = if lower_is_worse { "below" } else { "above" };
                return Err(Error::policy(
                    format!("{field}.{name}"),
                    format!("{b} must be {how} the previous level's {a}"),
                ));
            }
        }
        for (name, v) in given {
            if v < Decimal::ZERO {
                return Err(Error::policy(format!("{field}.{name}"), format!("{v} is negative")));
            }
        }
        Ok(())
    }
}

/// How the overall level follows from the four categories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OverallRule {
    /// The worst known category. This is the default: one Critical risk is
    /// a crisis whatever the others say.
    #[default]
    Worst,
    /// The worst known category, raised one level when two or more
    /// categories are High or worse (risks that compound).
    Escalating,
}

/// What counts as a crisis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct CrisisPolicy {
    /// A drop alert fires when the last full month's turnover is this many
    /// percent or more below the trailing average (default 50).
    pub drop_percent: Decimal,
    /// … and is Critical from this fall (default 80).
    pub critical_drop_percent: Decimal,
    /// The months before the last one that form the trailing average
    /// (default 6; at least 2 of them must be after the partner's start).
    pub baseline_months: u32,
    /// Only partners that bought in every baseline month raise a drop alert
    /// (default true): for a partner that orders every other month, an empty
    /// month is its rhythm, not a crisis.
    pub drop_needs_regular_buyer: bool,
    /// … and only a fall of more than this many standard deviations of the
    /// baseline months is sharp (default 2; 0 turns the test off): a partner
    /// whose months swing by half anyway has not collapsed when one month
    /// is half the average.
    pub drop_sigmas: Decimal,
    /// A delay alert fires when the average days late grew in each of this
    /// many consecutive months with payment data (default 3) …
    pub delay_months: u32,
    /// … and the last of them is at least this many days (default 7).
    pub delay_min_days: Decimal,
}

impl Default for CrisisPolicy {
    fn default() -> Self {
        CrisisPolicy {
            drop_percent: Decimal::from(50),
            critical_drop_percent: Decimal::from(80),
            baseline_months: 6,
            drop_needs_regular_buyer: true,
            drop_sigmas: Decimal::TWO,
            delay_months: 3,
            delay_min_days: Decimal::from(7),
        }
    }
}

/// Thresholds for the concentration risk of the whole network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct ConcentrationPolicy {
    /// The largest partner's share of turnover, % (default 10 / 25 / 50).
    pub top_partner_share: Thresholds,
    /// The Herfindahl–Hirschman index (default 1 500 / 2 500 / 5 000, the
    /// usual competition-authority bands).
    pub hhi: Thresholds,
}

impl Default for ConcentrationPolicy {
    fn default() -> Self {
        ConcentrationPolicy {
            top_partner_share: Thresholds::new(Some(10), Some(25), Some(50)),
            hhi: Thresholds::new(Some(1500), Some(2500), Some(5000)),
        }
    }
}

/// The thresholds that turn indicators into risk levels, the overall rule,
/// and what counts as a crisis. Checked when built and deserialised.
///
/// The defaults and their reasoning:
///
/// | indicator | Medium | High | Critical | why |
/// | --- | --- | --- | --- | --- |
/// | average days late (amount-weighted) | 7 | 30 | 90 | PAYDEX 80 is prompt payment; 50 is 30 days beyond terms, 30 is 90 days |
/// | share of the amount paid late, % | 20 | 50 | — | late now and then is normal; late on half of it is a habit |
/// | overdue unpaid, % of a month's invoicing | 50 | 100 | 300 | a month of sales overdue is real exposure; three is a collection case |
/// | insolvency or bankruptcy proceedings | | | yes | |
/// | credit rating | BB | B | CCC and below | below investment grade, highly speculative, substantial default risk |
/// | credit utilisation, % of the limit | 80 | 100 | 120 | near, at and well over the limit |
/// | on-time delivery, % (below) | 95 | 85 | 70 | usual OTIF targets are 95 % and more |
/// | defect rate, % | 2 | 5 | 10 | |
/// | return rate, % of sales | 5 | 10 | 20 | |
/// | complaints | 3 | 6 | 10 | |
/// | negative reviews | 5 | 15 | 30 | |
/// | violations | — | 1 | 3 | any breach of law is serious |
/// | open disputes | 1 | 3 | 5 | |
/// | contract breaches | 1 | 2 | 4 | |
/// | court cases | — | 1 | 3 | |
///
/// A category's level is the worst of its known indicators; the overall
/// level follows [`OverallRule`] (default: the worst category).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default, try_from = "RawRiskPolicy", into = "RawRiskPolicy"))]
#[non_exhaustive]
pub struct RiskPolicy {
    /// Amount-weighted average days late.
    pub average_days_late: Thresholds,
    /// Share of the amount paid late, %.
    pub late_share: Thresholds,
    /// Overdue unpaid amount, % of the average monthly invoiced amount.
    pub overdue: Thresholds,
    /// The worst rating that is still Low, Medium and High; anything worse
    /// than `high_from` is Critical (defaults BB, B, CCC: see the table).
    pub rating_medium_from: CreditRating,
    /// The rating from which the level is High.
    pub rating_high_from: CreditRating,
    /// The rating from which the level is Critical.
    pub rating_critical_from: CreditRating,
    /// Credit used, % of the limit.
    pub credit_utilisation: Thresholds,
    /// On-time deliveries, % (a level is reached below its threshold).
    pub on_time_delivery: Thresholds,
    /// Defect rate, %.
    pub defect_rate: Thresholds,
    /// Return rate, % of sales.
    pub return_rate: Thresholds,
    /// Derive the return rate from credit notes when the facts do not give
    /// one (default true).
    pub returns_from_credit_notes: bool,
    /// Complaints.
    pub complaints: Thresholds,
    /// Negative reviews.
    pub negative_reviews: Thresholds,
    /// Violations.
    pub violations: Thresholds,
    /// Open disputes.
    pub open_disputes: Thresholds,
    /// Contract breaches.
    pub contract_breaches: Thresholds,
    /// Court cases.
    pub court_cases: Thresholds,
    /// The overall rule.
    pub overall: OverallRule,
    /// What counts as a crisis.
    pub crisis: CrisisPolicy,
    /// The concentration risk of the network.
    pub concentration: ConcentrationPolicy,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        let t = Thresholds::new;
        RiskPolicy {
            average_days_late: t(Some(7), Some(30), Some(90)),
            late_share: t(Some(20), Some(50), None),
            overdue: t(Some(50), Some(100), Some(300)),
            rating_medium_from: CreditRating::Bb,
            rating_high_from: CreditRating::B,
            rating_critical_from: CreditRating::Ccc,
            credit_utilisation: t(Some(80), Some(100), Some(120)),
            on_time_delivery: t(Some(95), Some(85), Some(70)),
            defect_rate: t(Some(2), Some(5), Some(10)),
            return_rate: t(Some(5), Some(10), Some(20)),
            returns_from_credit_notes: true,
            complaints: t(Some(3), Some(6), Some(10)),
            negative_reviews: t(Some(5), Some(15), Some(30)),
            violations: t(None, Some(1), Some(3)),
            open_disputes: t(Some(1), Some(3), Some(5)),
            contract_breaches: t(Some(1), Some(2), Some(4)),
            court_cases: t(None, Some(1), Some(3)),
            overall: OverallRule::Worst,
            crisis: CrisisPolicy::default(),
            concentration: ConcentrationPolicy::default(),
        }
    }
}

/// The serde form of [`RiskPolicy`] (the same fields, checked on the way in).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRiskPolicy {
    average_days_late: Thresholds,
    late_share: Thresholds,
    overdue: Thresholds,
    rating_medium_from: CreditRating,
    rating_high_from: CreditRating,
    rating_critical_from: CreditRating,
    credit_utilisation: Thresholds,
    on_time_delivery: Thresholds,
    defect_rate: Thresholds,
    return_rate: Thresholds,
    returns_from_credit_notes: bool,
    complaints: Thresholds,
    negative_reviews: Thresholds,
    violations: Thresholds,
    open_disputes: Thresholds,
    contract_breaches: Thresholds,
    court_cases: Thresholds,
    overall: OverallRule,
    crisis: CrisisPolicy,
    concentration: ConcentrationPolicy,
}

#[cfg(feature = "serde")]
impl Default for RawRiskPolicy {
    fn default() -> Self {
        RiskPolicy::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<RiskPolicy> for RawRiskPolicy {
    fn from(p: RiskPolicy) -> Self {
        RawRiskPolicy {
            average_days_late: p.average_days_late,
            late_share: p.late_share,
            overdue: p.overdue,
            rating_medium_from: p.rating_medium_from,
            rating_high_from: p.rating_high_from,
            rating_critical_from: p.rating_critical_from,
            credit_utilisation: p.credit_utilisation,
            on_time_delivery: p.on_time_delivery,
            defect_rate: p.defect_rate,
            return_rate: p.return_rate,
            returns_from_credit_notes: p.returns_from_credit_notes,
            complaints: p.complaints,
            negative_reviews: p.negative_reviews,
            violations: p.violations,
            open_disputes: p.open_disputes,
            contract_breaches: p.contract_breaches,
            court_cases: p.court_cases,
            overall: p.overall,
            crisis: p.crisis,
            concentration: p.concentration,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<RawRiskPolicy> for RiskPolicy {
    type Error = Error;
    fn try_from(r: RawRiskPolicy) -> Result<Self> {
        let p = RiskPolicy {
            average_days_late: r.average_days_late,
            late_share: r.late_share,
            overdue: r.overdue,
            rating_medium_from: r.rating_medium_from,
            rating_high_from: r.rating_high_from,
            rating_critical_from: r.rating_critical_from,
            credit_utilisation: r.credit_utilisation,
            on_time_delivery: r.on_time_delivery,
            defect_rate: r.defect_rate,
            return_rate: r.return_rate,
            returns_from_credit_notes: r.returns_from_credit_notes,
            complaints: r.complaints,
            negative_reviews: r.negative_reviews,
            violations: r.violations,
            open_disputes: r.open_disputes,
            contract_breaches: r.contract_breaches,
            court_cases: r.court_cases,
            overall: r.overall,
            crisis: r.crisis,
            concentration: r.concentration,
        };
        p.check()?;
        Ok(p)
    }
}

impl RiskPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field: thresholds that are
    /// negative or out of order (`average_days_late.high`…), ratings out of
    /// order, or crisis settings out of range.
    pub fn check(&self) -> Result<()> {
        for (name, t) in [
            ("average_days_late", &self.average_days_late),
            ("late_share", &self.late_share),
            ("overdue", &self.overdue),
            ("credit_utilisation", &self.credit_utilisation),
            ("defect_rate", &self.defect_rate),
            ("return_rate", &self.return_rate),
            ("complaints", &self.complaints),
            ("negative_reviews", &self.negative_reviews),
            ("violations", &self.violations),
            ("open_disputes", &self.open_disputes),
            ("contract_breaches", &self.contract_breaches),
            ("court_cases", &self.court_cases),
            ("concentration.top_partner_share", &self.concentration.top_partner_share),
            ("concentration.hhi", &self.concentration.hhi),
        ] {
            t.check(name, false)?;
        }
        self.on_time_delivery.check("on_time_delivery", true)?;
        if !(self.rating_medium_from < self.rating_high_from && self.rating_high_from < self.rating_critical_from) {
            return Err(Error::policy("rating_high_from", "ratings must get worse from medium to high to critical"));
        }
        let c = &self.crisis;
        let pct = |name: &str, v: Decimal| {
            if v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED {
                Ok(())
            } else {
                Err(Error::policy(format!("crisis.{name}"), format!("{v} is not within (0, 100] %")))
            }
        };
        pct("drop_percent", c.drop_percent)?;
        pct("critical_drop_percent", c.critical_drop_percent)?;
        if c.critical_drop_percent < c.drop_percent {
            return Err(Error::policy("crisis.critical_drop_percent", "must not be below drop_percent"));
        }
        if c.baseline_months < 2 {
            return Err(Error::policy("crisis.baseline_months", "at least 2 months"));
        }
        if c.delay_months < 2 {
            return Err(Error::policy("crisis.delay_months", "at least 2 months"));
        }
        if c.drop_sigmas < Decimal::ZERO {
            return Err(Error::policy("crisis.drop_sigmas", "must not be negative"));
        }
        if c.delay_min_days < Decimal::ZERO {
            return Err(Error::policy("crisis.delay_min_days", "must not be negative"));
        }
        Ok(())
    }

    pub(super) fn rating_level(&self, rating: CreditRating) -> RiskLevel {
        if rating >= self.rating_critical_from {
            RiskLevel::Critical
        } else if rating >= self.rating_high_from {
            RiskLevel::High
        } else if rating >= self.rating_medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }

    /// The concentration risk of the network from the largest partner's
    /// share (a fraction, 0.25 = 25 %) and the HHI (0 … 10 000).
    #[must_use]
    pub fn concentration_risk(&self, top_partner_share: Decimal, hhi: Decimal) -> ConcentrationRisk {
        let percent = top_partner_share.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(Decimal::MAX);
        let level = self.concentration.top_partner_share.level(percent).max(self.concentration.hhi.level(hhi));
        ConcentrationRisk { level, top_partner_percent: percent.normalize(), hhi }
    }
}

//! Every policy of a review together, and the priority score's policy.

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::language::Language;
use crate::pareto::{ParetoPolicy, Segment};
use crate::period::{ReviewPeriod, Window};
use crate::potential::PotentialPolicy;
use crate::risk::RiskPolicy;
use crate::strategy::Playbook;
use crate::tier::TierPolicy;

/// Which playbook the strategies come from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum PlaybookChoice {
    /// The built-in playbook from the article in a language. The default is
    /// English.
    Builtin(Language),
    /// A custom playbook (checked when loaded).
    Custom(Box<Playbook>),
}

impl Default for PlaybookChoice {
    fn default() -> Self {
        PlaybookChoice::Builtin(Language::En)
    }
}

impl PlaybookChoice {
    /// The playbook.
    #[must_use]
    pub fn playbook(&self) -> Playbook {
        match self {
            PlaybookChoice::Builtin(lang) => Playbook::builtin(*lang),
            PlaybookChoice::Custom(p) => (**p).clone(),
        }
    }
}

/// The weights of the priority score's three parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct Weights {
    /// Value: turnover position and segment (default 70: turnover comes
    /// first in the article).
    pub value: Decimal,
    /// Growth potential (default 20).
    pub potential: Decimal,
    /// Resilience: the inverse of risk (default 10).
    pub resilience: Decimal,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { value: Decimal::from(70), potential: Decimal::from(20), resilience: Decimal::from(10) }
    }
}

/// Points per segment for the value part of the score (0 … 100, not
/// increasing from A to D).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct SegmentPoints {
    /// A (default 100).
    pub a: Decimal,
    /// B (default 60).
    pub b: Decimal,
    /// C (default 30).
    pub c: Decimal,
    /// D (default 0).
    pub d: Decimal,
}

impl Default for SegmentPoints {
    fn default() -> Self {
        SegmentPoints { a: Decimal::from(100), b: Decimal::from(60), c: Decimal::from(30), d: Decimal::ZERO }
    }
}

impl SegmentPoints {
    pub(super) fn of(&self, s: Segment) -> Decimal {
        match s {
            Segment::A => self.a,
            Segment::B => self.b,
            Segment::C => self.c,
            Segment::D => self.d,
        }
    }
}

/// When a crisis puts a partner first in line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UrgentRule {
    /// Never: the score alone ranks.
    Off,
    /// Key partners (segment A) with a crisis alert (High or Critical) or a
    /// Critical overall risk rank before everyone else, ordered by score
    /// among themselves: the partners that matter most need action now. This
    /// is the default. Alerts of other partners still appear in
    /// [`Portfolio::alerts`](super::Portfolio::alerts).
    #[default]
    KeyInCrisis,
    /// Every partner with a crisis alert or Critical risk ranks first.
    AnyInCrisis,
}

/// How the priority score is computed and ranked.
///
/// The score (0 … 100) is a weighted mean of three parts, each 0 … 100:
///
/// - **value** = (segment points + position points) / 2, where the segment
///   points are [`SegmentPoints`] (A 100, B 60, C 30, D 0) and the position
///   points are 100 × (1 − the share of turnover held by the partners above
///   it): 100 for the largest partner, 20 where A ends at 80 %, about 0 in
///   the tail; 0 for turnover ≤ 0. Value follows the Pareto curve, so the
///   partners that carry the network come first;
/// - **potential**: High 100, Medium 50, New 50, Low 0;
/// - **resilience** = 100 − risk penalty: overall risk Low 0, Medium 33,
///   High 67, Critical 100; unknown risk costs `unknown_risk_penalty`
///   (default 25: not knowing is a little worse than knowing it is fine).
///
/// score = (w_value × value + w_potential × potential + w_resilience ×
/// resilience) / (w_value + w_potential + w_resilience), rounded half away
/// from zero to 4 decimal places. With [`UrgentRule`] a crisis can put a
/// partner first. Ties are broken by turnover (higher first), then by
/// partner id, so the rank is deterministic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct PriorityPolicy {
    /// The weights.
    pub weights: Weights,
    /// Segment points.
    pub segment_points: SegmentPoints,
    /// The risk penalty when every category is unknown (0 … 100).
    pub unknown_risk_penalty: Decimal,
    /// When a crisis ranks a partner first.
    pub urgent: UrgentRule,
}

impl Default for PriorityPolicy {
    fn default() -> Self {
        PriorityPolicy {
            weights: Weights::default(),
            segment_points: SegmentPoints::default(),
            unknown_risk_penalty: Decimal::from(25),
            urgent: UrgentRule::KeyInCrisis,
        }
    }
}

impl PriorityPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field: a negative weight,
    /// weights that add up to 0, segment points outside 0 … 100 or rising
    /// from A to D, or an unknown-risk penalty outside 0 … 100.
    pub fn check(&self) -> Result<()> {
        let w = &self.weights;
        for (name, v) in
            [("weights.value", w.value), ("weights.potential", w.potential), ("weights.resilience", w.resilience)]
        {
            if v < Decimal::ZERO || v > Decimal::from(1000) {
                return Err(Error::policy(name, format!("{v} is not within 0 … 1000")));
            }
        }
        if (w.value + w.potential + w.resilience).is_zero() {
            return Err(Error::policy("weights", "the weights add up to 0"));
        }
        let p = &self.segment_points;
        let in_range = |v: Decimal| v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED;
        for (name, v) in
            [("segment_points.a", p.a), ("segment_points.b", p.b), ("segment_points.c", p.c), ("segment_points.d", p.d)]
        {
            if !in_range(v) {
                return Err(Error::policy(name, format!("{v} is not within 0 … 100")));
            }
        }
        if p.b > p.a || p.c > p.b || p.d > p.c {
            return Err(Error::policy("segment_points", "points must not rise from A to D"));
        }
        if !in_range(self.unknown_risk_penalty) {
            return Err(Error::policy("unknown_risk_penalty", "not within 0 … 100"));
        }
        Ok(())
    }
}

/// Every policy of a review together. `Default` is the article's rules:
/// a 12-month window, quarterly reviews, ABC(D) at 80 / 95 / 99 % of
/// turnover, the article's tiers in RUB, the documented potential, risk and
/// priority defaults, and the built-in English playbook.
///
/// Loaded from and saved to JSON with [`Policy::from_json`] and
/// [`Policy::to_json`]; unknown fields are rejected and every error names
/// the field path (`tiers.silver.from`). Every field may be left out to
/// keep its default.
///
/// # Example
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use partner_priority::review::PlaybookChoice;
/// use partner_priority::{Language, Policy};
///
/// let policy = Policy::from_json(r#"{
///     "window_months": 6,
///     "tiers": {"currency": "RUB", "gold": {"above": 300000}, "silver": {"from": 80000}, "bronze": {"from": 15000}},
///     "playbook": {"builtin": "ru"}
/// }"#)?;
/// assert_eq!(policy.window_months(), 6);
/// assert_eq!(policy.playbook, PlaybookChoice::Builtin(Language::Ru));
///
/// let err = Policy::from_json(r#"{"tiers": {"currency": "RUB", "gold": {"above": 1}, "silver": {"from": 2}, "bronze": {"from": 0}}}"#).unwrap_err();
/// assert!(err.is_invalid_config());
/// assert!(err.to_string().starts_with("invalid policy: `tiers.gold.above`: the Gold floor 1 must be above the Silver floor 2"));
/// # }
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default, try_from = "RawPolicy", into = "RawPolicy"))]
#[non_exhaustive]
pub struct Policy {
    window_months: u32,
    /// How often reviews happen: how far back the previous review lies.
    pub review_period: ReviewPeriod,
    /// ABC(D) segmentation.
    pub pareto: ParetoPolicy,
    /// Volume tiers.
    pub tiers: TierPolicy,
    /// Growth potential.
    pub potential: PotentialPolicy,
    /// Risk.
    pub risk: RiskPolicy,
    /// The priority score.
    pub priority: PriorityPolicy,
    /// The playbook for strategies.
    pub playbook: PlaybookChoice,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            window_months: 12,
            review_period: ReviewPeriod::Quarterly,
            pareto: ParetoPolicy::default(),
            tiers: TierPolicy::default(),
            potential: PotentialPolicy::default(),
            risk: RiskPolicy::default(),
            priority: PriorityPolicy::default(),
            playbook: PlaybookChoice::default(),
        }
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawPolicy {
    window_months: u32,
    review_period: ReviewPeriod,
    pareto: ParetoPolicy,
    tiers: TierPolicy,
    potential: PotentialPolicy,
    risk: RiskPolicy,
    priority: PriorityPolicy,
    playbook: PlaybookChoice,
}

#[cfg(feature = "serde")]
impl Default for RawPolicy {
    fn default() -> Self {
        Policy::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<Policy> for RawPolicy {
    fn from(p: Policy) -> Self {
        RawPolicy {
            window_months: p.window_months,
            review_period: p.review_period,
            pareto: p.pareto,
            tiers: p.tiers,
            potential: p.potential,
            risk: p.risk,
            priority: p.priority,
            playbook: p.playbook,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<RawPolicy> for Policy {
    type Error = Error;
    fn try_from(r: RawPolicy) -> Result<Self> {
        let p = Policy {
            window_months: r.window_months,
            review_period: r.review_period,
            pareto: r.pareto,
            tiers: r.tiers,
            potential: r.potential,
            risk: r.risk,
            priority: r.priority,
            playbook: r.playbook,
        };
        p.check()?;
        Ok(p)
    }
}

impl Policy {
    /// The window length in months.
    #[must_use]
    pub fn window_months(&self) -> u32 {
        self.window_months
    }

    /// The same policy with another window length.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] (`window_months`) unless 1 … 1200.
    pub fn with_window_months(mut self, months: u32) -> Result<Policy> {
        self.window_months = months;
        self.check()?;
        Ok(self)
    }

    /// The same policy with the built-in playbook in `language`.
    #[must_use]
    pub fn with_language(mut self, language: Language) -> Policy {
        self.playbook = PlaybookChoice::Builtin(language);
        self
    }

    /// Checks the whole policy (the parts with public fields included).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field path.
    pub fn check(&self) -> Result<()> {
        if !(1..=Window::MAX_MONTHS).contains(&self.window_months) {
            return Err(Error::policy(
                "window_months",
                format!("{} is not within 1 … {}", self.window_months, Window::MAX_MONTHS),
            ));
        }
        let nest = |prefix: &str, e: Error| match e.into_kind() {
            ErrorKind::InvalidPolicy { field, reason } => Error::policy(format!("{prefix}.{field}"), reason),
            other => Error::from(other),
        };
        self.risk.check().map_err(|e| nest("risk", e))?;
        self.priority.check().map_err(|e| nest("priority", e))?;
        Ok(())
    }

    /// Loads and checks a policy from JSON.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field path: malformed JSON,
    /// an unknown field, a value of the wrong type, or a value that fails
    /// the checks of its part.
    #[cfg(feature = "serde")]
    pub fn from_json(json: &str) -> Result<Policy> {
        crate::util::json::from_json(json, crate::util::json::Kind::Policy)
    }

    /// The policy as pretty-printed JSON, amounts and percentages as JSON
    /// numbers (a decimal that a JSON number cannot carry exactly stays a
    /// string); [`Policy::from_json`] reads it back unchanged.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] if serialisation fails (it does not for a checked
    /// policy).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::util::json::config_to_json(self, &["playbook"])
    }
}

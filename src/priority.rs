//! The whole review in one call: every partner's segment, tier, potential,
//! risk, priority and strategy, ranked, with the reasons in plain words.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::exact::{Scaled, ratio, to_decimal};
use crate::lang::Language;
use crate::ledger::{Hasher, Ledger, Row, WindowBuf};
use crate::money::{Currency, Money};
use crate::pareto::{
    Classes, Concentration, LorenzPoint, ParetoPolicy, ParetoRow, Ranked, Segment, classify, concentration,
};
use crate::partner::{Partner, PartnerId};
use crate::period::{Month, ReviewPeriod, Window};
use crate::potential::{Potential, PotentialLevel, PotentialPolicy, PotentialReason, TierGap};
use crate::review::{Placement, Review, review};
use crate::risk::{
    ConcentrationRisk, CrisisAlert, Evidence, PartnerWindow, RiskCategory, RiskFacts, RiskLevel, RiskPolicy,
    RiskProfile,
};
use crate::strategy::{Playbook, Strategy};
use crate::tier::{Tier, TierAssignment, TierPolicy, TierRow, TierState, tier_table};

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
    fn of(&self, s: Segment) -> Decimal {
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
    /// [`Portfolio::alerts`].
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

    fn score(
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

/// Every policy of a review together. `Default` is the article's rules:
/// a 12-month window, quarterly reviews, ABC(D) at 80 / 95 / 99 % of
/// turnover, the article's tiers in RUB, the documented potential, risk and
/// priority defaults, and the built-in English playbook.
///
/// Loaded from and saved to JSON with [`Policy::from_json`] and
/// [`Policy::to_json`]; unknown fields are rejected and every error names
/// the field path (`tiers.silver.amount`). Every field may be left out to
/// keep its default.
///
/// # Example
///
/// ```
/// use partner_priority::{Language, PlaybookChoice, Policy};
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
/// assert!(err.to_string().starts_with("invalid policy: `tiers.gold.amount`: the Gold floor 1 must be above the Silver floor 2"));
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
        crate::json::from_json(json, crate::json::Kind::Policy)
    }

    /// The policy as pretty-printed JSON; [`Policy::from_json`] reads it
    /// back unchanged.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] if serialisation fails (it does not for a checked
    /// policy).
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::json::to_json(self)
    }
}

/// Why a partner is where it is, in plain words via [`Reason::text`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Reason {
    /// First in line because of a crisis.
    Urgent {
        /// The category of the most severe alert or risk.
        category: RiskCategory,
        /// Its severity.
        severity: RiskLevel,
    },
    /// The segment and the share above it.
    Segment {
        /// The segment.
        segment: Segment,
        /// 1 for the largest partner.
        rank: u32,
        /// The share of turnover of the partners above its tie group.
        before: Decimal,
        /// Its own share.
        share: Decimal,
    },
    /// The tier and the distance to its floor.
    Tier {
        /// The tier.
        tier: Tier,
        /// The monthly figure.
        monthly: Decimal,
        /// The currency.
        currency: Currency,
        /// Figure minus floor (negative while a demotion is held).
        headroom: Option<Decimal>,
        /// The amount still needed for the next tier.
        to_next: Option<Decimal>,
        /// True while a demotion is held.
        held: bool,
        /// True if it drops at the next review unless it recovers.
        drops_at_next_review: bool,
    },
    /// The potential and its main signal.
    Potential {
        /// The level.
        level: PotentialLevel,
        /// The signal that mattered most.
        signal: Option<PotentialReason>,
    },
    /// The worst risk and its evidence.
    Risk {
        /// The category.
        category: RiskCategory,
        /// The level.
        level: RiskLevel,
        /// What set it.
        evidence: Option<Evidence>,
    },
    /// Nothing is known about the partner's risks.
    RiskUnknown,
}

impl Reason {
    /// The reason in plain words, e.g. "A: the partners above it hold 76 %
    /// of turnover", "Gold: 612 000 RUB/month, 112 000 above the floor",
    /// "financial risk Medium: pays 12 days late on average".
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let ru = lang == Language::Ru;
        let amount = |d: Decimal| lang.format_amount(d, 0);
        let pct = |d: Decimal| lang.format_amount(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), 0);
        match self {
            Reason::Urgent { category, severity } => {
                if ru {
                    format!("первым в очереди: {} кризис ({})", category.name(lang), severity.name(lang))
                } else {
                    format!("first in line: a {} crisis ({})", category.name(lang), severity.name(lang))
                }
            }
            Reason::Segment { segment, rank, before, share } => match (ru, *rank == 1) {
                (true, true) => format!("{segment}: крупнейший партнёр, {} % оборота", pct(*share)),
                (false, true) => format!("{segment}: the largest partner, {} % of turnover", pct(*share)),
                (true, false) => format!("{segment}: у партнёров выше — {} % оборота", pct(*before)),
                (false, false) => format!("{segment}: the partners above it hold {} % of turnover", pct(*before)),
            },
            Reason::Tier { tier, monthly, currency, headroom, to_next, held, drops_at_next_review } => {
                let sign = lang.currency_sign(currency);
                let head = if ru {
                    format!(
                        "{}{}: {} {sign} в месяц",
                        tier.name(lang),
                        if *held { " (пока сохранён)" } else { "" },
                        amount(*monthly)
                    )
                } else {
                    format!(
                        "{}{}: {} {sign}/month",
                        tier.name(lang),
                        if *held { " (held for now)" } else { "" },
                        amount(*monthly)
                    )
                };
                let tail = match (headroom, to_next) {
                    (Some(h), _) if h.is_sign_negative() && !h.is_zero() => {
                        let drop = if *drops_at_next_review {
                            if ru {
                                ", понизится на следующем пересмотре"
                            } else {
                                ", drops at the next review"
                            }
                        } else {
                            ""
                        };
                        if ru {
                            format!(", на {} ниже порога{drop}", amount(h.abs()))
                        } else {
                            format!(", {} below the floor{drop}", amount(h.abs()))
                        }
                    }
                    (Some(h), _) => {
                        if ru {
                            format!(", на {} выше порога", amount(*h))
                        } else {
                            format!(", {} above the floor", amount(*h))
                        }
                    }
                    (None, Some(n)) => {
                        if ru {
                            format!(", до следующей категории {}", amount(*n))
                        } else {
                            format!(", {} short of the next tier", amount(*n))
                        }
                    }
                    (None, None) => String::new(),
                };
                head + &tail
            }
            Reason::Potential { level, signal } => {
                let detail = signal.map(|s| format!(": {}", s.text(lang))).unwrap_or_default();
                if ru {
                    format!("потенциал {}{detail}", level.name(lang))
                } else {
                    format!("potential {}{detail}", level.name(lang))
                }
            }
            Reason::Risk { category, level, evidence } => {
                let detail = evidence.map(|e| format!(": {}", e.text(lang))).unwrap_or_default();
                if ru {
                    format!("{} риск {}{detail}", category.name(lang), level.name(lang))
                } else {
                    format!("{} risk {}{detail}", category.name(lang), level.name(lang))
                }
            }
            Reason::RiskUnknown => {
                if ru {
                    "риск неизвестен: нет данных об оплатах и фактов".to_owned()
                } else {
                    "risk unknown: no payment data or facts".to_owned()
                }
            }
        }
    }
}

/// A partner's ABC(D) segment and the evidence for it (see
/// [`SegmentEntry`](crate::SegmentEntry) for the meaning of the shares).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SegmentEvidence {
    /// The segment.
    pub segment: Segment,
    /// 1 for the largest turnover; equal turnovers share a rank.
    pub rank: u32,
    /// The partner's own share of the base.
    pub share: Decimal,
    /// The cumulative share above its tie group.
    pub before: Decimal,
    /// The cumulative share up to and including its tie group.
    pub after: Decimal,
    /// The share of turnover held by the partners above its tie group (the
    /// same as `before` under [`ParetoBasis::Turnover`](crate::ParetoBasis)).
    pub turnover_before: Decimal,
}

/// One partner's assessment: where it stands, how much it matters, and what
/// to do.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Assessment {
    /// The partner.
    pub partner: PartnerId,
    /// Its name, if known.
    pub name: Option<Arc<str>>,
    /// Its region, if known.
    pub region: Option<Arc<str>>,
    /// Its specialisation, if known.
    pub specialisation: Option<Arc<str>>,
    /// The priority rank, 1 first.
    pub rank: u32,
    /// The priority score, 0 … 100 (see [`PriorityPolicy`]).
    pub score: Decimal,
    /// What put it first in line, if a crisis did (see [`UrgentRule`]).
    pub urgent: Option<(RiskCategory, RiskLevel)>,
    /// The currency of the amounts.
    pub currency: Currency,
    /// Net turnover over the window.
    pub turnover: Decimal,
    /// Margin over the window (of the lines that carried one).
    pub margin: Decimal,
    /// Deals over the window.
    pub deals: u64,
    /// Average deal, `None` without deals.
    pub average_deal: Option<Decimal>,
    /// The ABC(D) segment and its evidence.
    pub segment: SegmentEvidence,
    /// The tier and its figures.
    pub tier: TierAssignment,
    /// The growth potential.
    pub potential: Potential,
    /// The risk profile.
    pub risk: RiskProfile,
    /// Crisis alerts, most severe first.
    pub alerts: Vec<CrisisAlert>,
}

impl Assessment {
    /// The partner's placement, for [`review`].
    #[must_use]
    pub fn placement(&self) -> Placement {
        Placement::new(self.partner.clone(), self.segment.segment, self.tier.tier)
    }

    /// The display name: the name, or the id.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.partner.as_str())
    }

    /// The partner's strategy from `playbook`: the tier's goal and actions,
    /// the segment's emphasis, the mitigations for its risks. (The
    /// portfolio's own playbook gives it through [`Portfolio::strategy`].)
    #[must_use]
    pub fn strategy(&self, playbook: &Playbook) -> Strategy {
        playbook.strategy(self.tier.tier, self.segment.segment, &self.risk)
    }

    /// True when a crisis put the partner first in line.
    #[must_use]
    pub fn is_urgent(&self) -> bool {
        self.urgent.is_some()
    }

    /// Why the partner is where it is, in order: urgency, segment, tier,
    /// potential, risk. Render each with [`Reason::text`]. Derived from the
    /// assessment's figures on each call (a million partners' reasons are not
    /// kept in memory).
    #[must_use]
    pub fn reasons(&self) -> Vec<Reason> {
        let mut out = Vec::with_capacity(5);
        if let Some((category, severity)) = self.urgent {
            out.push(Reason::Urgent { category, severity });
        }
        let s = &self.segment;
        out.push(Reason::Segment { segment: s.segment, rank: s.rank, before: s.turnover_before, share: s.share });
        let t = &self.tier;
        out.push(Reason::Tier {
            tier: t.tier,
            monthly: t.monthly,
            currency: self.currency,
            headroom: t.progress.headroom,
            to_next: t.progress.to_next,
            held: t.tier > t.plain,
            drops_at_next_review: t.progress.drops_at_next_review,
        });
        let signals = self.potential.reasons();
        let signal = signals.iter().max_by_key(|r| match r {
            PotentialReason::ShortHistory { .. } | PotentialReason::NoPositiveTurnover => 10,
            PotentialReason::Trend { points, .. }
            | PotentialReason::YearOnYear { points, .. }
            | PotentialReason::Stability { points, .. }
            | PotentialReason::NearNextTier { points, .. } => points.abs(),
        });
        out.push(Reason::Potential { level: self.potential.level, signal: signal.copied() });
        match self.risk.worst_category() {
            Some((category, level)) => out.push(Reason::Risk {
                category,
                level,
                evidence: self.risk.category(category).main_evidence().copied(),
            }),
            None => out.push(Reason::RiskUnknown),
        }
        out
    }
}

/// The Pareto and tier tables of one group of partners (a region, a
/// specialisation).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct GroupView {
    /// The group (`None`: partners without a value).
    pub key: Option<String>,
    /// Partners in the group.
    pub partners: u64,
    /// Their turnover.
    pub turnover: Decimal,
    /// ABC(D) within the group (segments recomputed among its partners).
    pub pareto: Vec<ParetoRow>,
    /// Tiers of its partners.
    pub tiers: Vec<TierRow>,
}

/// The result of a review: every partner's [`Assessment`] in priority
/// order, the network's tables and figures, and what moved since the
/// previous review.
///
/// Serialises to JSON and back ([`Portfolio::to_json`],
/// [`Portfolio::from_json`]): a host stores each review and passes it in as
/// the previous one next time, which carries tier hysteresis and migrations
/// across runs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Portfolio {
    as_of: NaiveDate,
    window: Window,
    currency: Currency,
    review_period: ReviewPeriod,
    pareto_policy: ParetoPolicy,
    base: Decimal,
    total: Decimal,
    pareto: Vec<ParetoRow>,
    concentration: Option<Concentration>,
    lorenz: Vec<LorenzPoint>,
    concentration_risk: Option<ConcentrationRisk>,
    tiers: Vec<TierRow>,
    review: Option<Review>,
    playbook: Playbook,
    assessments: Vec<Assessment>,
    #[cfg_attr(feature = "serde", serde(skip))]
    by_id: IdIndex,
}

/// The hash table in which [`Portfolio::get`] finds an assessment, built on
/// first use: open addressing with linear probing over a power-of-two
/// number of slots (at least twice the assessments), each holding an
/// assessment's position plus one, or zero when empty. Building it hashes
/// each id once, where sorting a million ids compared strings behind
/// pointers twenty million times. A cache, not data: it takes no part in
/// equality (a portfolio that was searched equals one that was not) and is
/// not serialised.
#[derive(Clone, Debug, Default)]
struct IdIndex(OnceLock<Vec<u32>>);

impl IdIndex {
    fn slot(id: &str, mask: usize) -> usize {
        (xxhash_rust::xxh3::xxh3_64(id.as_bytes()) as usize) & mask
    }

    fn build(assessments: &[Assessment]) -> Vec<u32> {
        let size = (assessments.len() * 2).next_power_of_two().max(2);
        let mask = size - 1;
        let mut table = vec![0u32; size];
        for (pos, a) in assessments.iter().enumerate() {
            let Ok(value) = u32::try_from(pos + 1) else { break };
            let mut at = IdIndex::slot(a.partner.as_str(), mask);
            // The table is at most half full: a free slot is always found.
            while let Some(slot) = table.get_mut(at) {
                if *slot == 0 {
                    *slot = value;
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        table
    }

    fn find<'a>(&self, assessments: &'a [Assessment], partner: &PartnerId) -> Option<&'a Assessment> {
        let table = self.0.get_or_init(|| IdIndex::build(assessments));
        let mask = table.len().checked_sub(1)?;
        let mut at = IdIndex::slot(partner.as_str(), mask);
        loop {
            let value = *table.get(at)?;
            let a = assessments.get(value.checked_sub(1)? as usize)?;
            if a.partner == *partner {
                return Some(a);
            }
            at = (at + 1) & mask;
        }
    }
}

impl PartialEq for IdIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for IdIndex {}

impl Portfolio {
    /// The review date.
    #[must_use]
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The review window.
    #[must_use]
    pub fn window(&self) -> Window {
        self.window
    }

    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Every partner's assessment, by rank.
    #[must_use]
    pub fn assessments(&self) -> &[Assessment] {
        &self.assessments
    }

    /// The Pareto policy the segments were computed with (its cut-offs are
    /// the lines of a Pareto chart).
    #[must_use]
    pub fn pareto_policy(&self) -> &ParetoPolicy {
        &self.pareto_policy
    }

    /// The playbook the strategies come from.
    #[must_use]
    pub fn playbook(&self) -> &Playbook {
        &self.playbook
    }

    /// A partner's interaction strategy from the review's playbook: the
    /// goal and actions of its tier, the emphasis of its segment and the
    /// mitigations for its risks. Composed on each call (it shares the
    /// playbook's text; nothing is copied).
    #[must_use]
    pub fn strategy(&self, assessment: &Assessment) -> Strategy {
        assessment.strategy(&self.playbook)
    }

    /// One partner's assessment.
    #[must_use]
    pub fn get(&self, partner: &PartnerId) -> Option<&Assessment> {
        self.by_id.find(&self.assessments, partner)
    }

    /// The sum of positive turnovers (the Pareto base).
    #[must_use]
    pub fn base(&self) -> Decimal {
        self.base
    }

    /// The net turnover of the network.
    #[must_use]
    pub fn total(&self) -> Money {
        Money::new(self.total, self.currency)
    }

    /// The Pareto table.
    #[must_use]
    pub fn pareto(&self) -> &[ParetoRow] {
        &self.pareto
    }

    /// Concentration figures (`None` without positive turnover).
    #[must_use]
    pub fn concentration(&self) -> Option<&Concentration> {
        self.concentration.as_ref()
    }

    /// The Lorenz curve (101 points).
    #[must_use]
    pub fn lorenz(&self) -> &[LorenzPoint] {
        &self.lorenz
    }

    /// The network's dependence on a few partners.
    #[must_use]
    pub fn concentration_risk(&self) -> Option<&ConcentrationRisk> {
        self.concentration_risk.as_ref()
    }

    /// The tier table.
    #[must_use]
    pub fn tiers(&self) -> &[TierRow] {
        &self.tiers
    }

    /// What moved since the previous review, if one was given.
    #[must_use]
    pub fn review(&self) -> Option<&Review> {
        self.review.as_ref()
    }

    /// Every crisis alert, most severe first, then by priority rank.
    #[must_use]
    pub fn alerts(&self) -> Vec<&CrisisAlert> {
        let mut alerts: Vec<(&CrisisAlert, u32)> =
            self.assessments.iter().flat_map(|a| a.alerts.iter().map(move |x| (x, a.rank))).collect();
        alerts.sort_by(|(a, ra), (b, rb)| b.severity.cmp(&a.severity).then(ra.cmp(rb)));
        alerts.into_iter().map(|(a, _)| a).collect()
    }

    /// Every partner's placement (segment and tier), for [`review`].
    #[must_use]
    pub fn placements(&self) -> Vec<Placement> {
        self.assessments.iter().map(Assessment::placement).collect()
    }

    /// The Pareto and tier tables within each region, by region name
    /// (partners without a region last).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if a group's sums are out of range.
    pub fn by_region(&self) -> Result<Vec<GroupView>> {
        self.group_by(|a| a.region.as_deref())
    }

    /// The Pareto and tier tables within each specialisation.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if a group's sums are out of range.
    pub fn by_specialisation(&self) -> Result<Vec<GroupView>> {
        self.group_by(|a| a.specialisation.as_deref())
    }

    fn group_by<'a, F: Fn(&'a Assessment) -> Option<&'a str>>(&'a self, key: F) -> Result<Vec<GroupView>> {
        let mut groups: HashMap<Option<&str>, Vec<&Assessment>> = HashMap::new();
        for a in &self.assessments {
            groups.entry(key(a)).or_default().push(a);
        }
        let mut keys: Vec<Option<&str>> = groups.keys().copied().collect();
        keys.sort_by(|a, b| match (a, b) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        });
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let members = groups.get(&k).map(Vec::as_slice).unwrap_or_default();
            let scaled = Scaled::common(members.iter().map(|a| &a.turnover));
            let values = members.iter().map(|a| scaled.int(a.turnover, "a turnover")).collect::<Result<Vec<i128>>>()?;
            let classes = classify(&values, &self.pareto_policy)?;
            let total = values
                .iter()
                .try_fold(0i128, |s, &v| s.checked_add(v))
                .ok_or_else(|| Error::overflow("a group's turnover"))?;
            out.push(GroupView {
                key: k.map(str::to_owned),
                partners: members.len() as u64,
                turnover: scaled.decimal(total),
                pareto: classes.table(&scaled)?,
                tiers: tier_table(members.iter().map(|a| (a.tier.tier, a.turnover)))?,
            });
        }
        Ok(out)
    }

    /// The portfolio as JSON.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::json::to_json(self)
    }

    /// Reads a stored portfolio.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] naming the path where the document is malformed.
    #[cfg(feature = "serde")]
    pub fn from_json(json: &str) -> Result<Portfolio> {
        crate::json::from_json(json, crate::json::Kind::Data)
    }
}

/// Assesses the whole network as of `as_of`: segments, tiers, potential,
/// risk, priority and strategy of every partner.
///
/// The partners assessed are those in `partners` that started before
/// `as_of` (or have no start date) and every partner the ledger has data for
/// up to the end of the window; a listed partner without turnover is D and
/// Beginner (passive). `facts` gives the risk facts (at most one per
/// partner). `previous` is the previous review's result: it carries tier
/// hysteresis and gives the migrations.
///
/// The result does not depend on the order of `partners` or `facts`, or on
/// the order the ledger was built in. For large networks (from 20 000
/// partners) the per-partner work is spread over the machine's cores with
/// scoped threads; the result is the same as on one core.
///
/// # Errors
///
/// - [`ErrorKind::InvalidPolicy`] if the policy fails [`Policy::check`];
/// - [`ErrorKind::CurrencyMismatch`] if the ledger's currency is not the
///   tier policy's or the previous portfolio's;
/// - [`ErrorKind::DuplicatePartner`] if a partner is listed twice in
///   `partners` or has two sets of facts;
/// - [`ErrorKind::InvalidValue`] for facts about a partner that is neither
///   listed nor in the ledger (a typo would otherwise drop them), or that
///   fail [`RiskFacts::check`];
/// - [`ErrorKind::DateOutOfRange`] / [`ErrorKind::InvalidWindow`] if the
///   window cannot be built;
/// - [`ErrorKind::Overflow`] for sums out of range.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{assess, Currency, Ledger, Money, PartnerId, Policy, Sale, Segment, Tier};
/// use rust_decimal::Decimal;
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// for (id, monthly) in [("big", 700_000), ("mid", 150_000), ("small", 5_000)] {
///     for m in 1..=12 {
///         let date = NaiveDate::from_ymd_opt(2025, m, 10).unwrap();
///         let amount = Money::new(Decimal::from(monthly), Currency::RUB);
///         ledger.record(Sale::new(PartnerId::new(id)?, date, amount))?;
///     }
/// }
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let portfolio = assess(&ledger, &[], &[], as_of, None, &Policy::default())?;
/// let top = &portfolio.assessments()[0];
/// assert_eq!(top.partner.as_str(), "big");
/// assert_eq!((top.segment.segment, top.tier.tier), (Segment::A, Tier::Gold));
/// assert_eq!(&*portfolio.strategy(top).goal, "strengthen the long-term relationship and maximise profit");
/// # Ok::<(), partner_priority::Error>(())
/// ```
pub fn assess(
    ledger: &Ledger,
    partners: &[Partner],
    facts: &[RiskFacts],
    as_of: NaiveDate,
    previous: Option<&Portfolio>,
    policy: &Policy,
) -> Result<Portfolio> {
    policy.check()?;
    let window = Window::before(as_of, policy.window_months)?;
    let currency = ledger.currency();
    if policy.tiers.currency() != currency {
        return Err(ErrorKind::CurrencyMismatch { expected: currency, found: policy.tiers.currency() }.into());
    }
    if let Some(prev) = previous {
        if prev.currency != currency {
            return Err(ErrorKind::CurrencyMismatch { expected: currency, found: prev.currency }.into());
        }
        // Hysteresis counts reviews: the previous one must be earlier.
        if prev.as_of >= as_of {
            return Err(Error::value(
                "previous",
                &prev.as_of.to_string(),
                format!("the previous review must be earlier than this one ({as_of})"),
            ));
        }
    }
    let mut listed: HashMap<&str, &Partner, Hasher> =
        HashMap::with_capacity_and_hasher(partners.len(), Hasher::default());
    for p in partners {
        if listed.insert(p.id.as_str(), p).is_some() {
            return Err(
                Error::from(ErrorKind::DuplicatePartner { partner: p.id.clone(), first_line: None }).for_partner(&p.id)
            );
        }
    }
    let mut facts_by: HashMap<&str, &RiskFacts, Hasher> =
        HashMap::with_capacity_and_hasher(facts.len(), Hasher::default());
    for f in facts {
        if facts_by.insert(f.partner.as_str(), f).is_some() {
            return Err(Error::from(ErrorKind::DuplicatePartner { partner: f.partner.clone(), first_line: None })
                .for_partner(&f.partner));
        }
        if !listed.contains_key(f.partner.as_str()) && ledger.row(f.partner.as_str()).is_none() {
            return Err(Error::value(
                "partner",
                f.partner.as_str(),
                "risk facts for a partner that is neither listed nor in the ledger",
            )
            .for_partner(&f.partner));
        }
    }

    // Who is in the review: ledger partners with data up to the window's
    // end, and listed partners that started before the review date. The
    // order is the ledger's; nothing below depends on it.
    let (first, last) = (window.first().index(), window.last().index());
    let mut members: Vec<Member<'_>> = Vec::with_capacity(ledger.partner_count() + partners.len());
    for row in ledger.rows() {
        if row.cells.first().is_some_and(|c| c.month <= last) {
            members.push(Member { id: &row.id, row: Some(row), partner: listed.get(row.id.as_str()).copied() });
        }
    }
    for p in partners {
        if ledger.row(p.id.as_str()).is_none() && p.start_date.is_none_or(|d| d < as_of) {
            members.push(Member { id: &p.id, row: None, partner: Some(p) });
        }
    }

    // The per-partner work, over the available cores for large networks.
    let threads = if members.len() >= 20_000 { crate::par::cores() } else { 1 };
    let chunk = members.len().div_ceil(threads).max(1);

    // Segments, from the window totals as integers at the ledger's scale.
    let values: Vec<i128> = crate::par::on_chunks(&members, chunk, |part| {
        part.iter().map(|m| m.row.map_or(0, |r| Ledger::net_between(r, first, last))).collect::<Vec<_>>()
    })?
    .concat();
    // The vector of every assessment, filled in place by the threads. A
    // fresh allocation this large costs most in its first writes (the
    // system maps its pages then): they are made on every core while the
    // partners are classified.
    let mut slots: Vec<Option<Assessment>> = Vec::with_capacity(members.len());
    let classes = std::thread::scope(|scope| {
        if threads > 1 {
            for part in slots.spare_capacity_mut().chunks_mut(chunk) {
                // Only a head start: should no thread start, the pages are
                // mapped when the slots are filled.
                let _ = std::thread::Builder::new()
                    .spawn_scoped(scope, move || part.iter_mut().for_each(|s| *s = std::mem::MaybeUninit::new(None)));
            }
        }
        classify(&values, &policy.pareto)
    })?;
    slots.resize_with(members.len(), || None);
    // Each member's place in the ranking; its segment evidence is worked
    // out with the rest of its assessment.
    let mut place = vec![u32::MAX; members.len()];
    for (pos, r) in classes.ranked.iter().enumerate() {
        if let Some(slot) = place.get_mut(r.idx as usize) {
            *slot = u32::try_from(pos).unwrap_or(u32::MAX);
        }
    }
    let previous_states: HashMap<&str, TierState, Hasher> = previous
        .map(|p| p.assessments.iter().map(|a| (a.partner.as_str(), a.tier.state())).collect())
        .unwrap_or_default();

    let context = Context {
        ledger,
        policy,
        window,
        as_of,
        currency,
        facts: &facts_by,
        previous: &previous_states,
        classes: &classes,
    };
    // The priority keys, filled in by the threads with the assessments.
    let mut keys: Vec<RankKey> =
        (0..members.len()).map(|i| (false, 0, 0, u32::try_from(i).unwrap_or(u32::MAX))).collect();
    let mut heads = vec![0u128; members.len()];
    // One run of members per thread (a single run is done on this one).
    let runs: Vec<_> = members
        .chunks(chunk)
        .zip(place.chunks(chunk))
        .zip(slots.chunks_mut(chunk))
        .zip(keys.chunks_mut(chunk))
        .zip(heads.chunks_mut(chunk))
        .collect();
    crate::par::on_each(runs, |((((m, p), out), keys), heads)| context.assess_into(m, p, out, keys, heads))?
        .into_iter()
        .collect::<Result<()>>()?;
    drop(place);
    let assessments = rank(slots, keys, &heads);

    let (concentration_figures, lorenz) = concentration(&classes)?;
    let concentration_risk =
        concentration_figures.as_ref().map(|c| policy.risk.concentration_risk(c.top_partner_share, c.hhi));
    let total = values
        .iter()
        .try_fold(0i128, |s, &v| s.checked_add(v))
        .ok_or_else(|| Error::overflow("the network's turnover"))?;
    let scaled = Scaled { scale: ledger.scale() };
    let mut portfolio = Portfolio {
        as_of,
        window,
        currency,
        review_period: policy.review_period,
        pareto_policy: policy.pareto,
        base: scaled.decimal(classes.base),
        total: scaled.decimal(total),
        pareto: classes.table(&scaled)?,
        concentration: concentration_figures,
        lorenz,
        concentration_risk,
        tiers: tier_table(assessments.iter().map(|a| (a.tier.tier, a.turnover)))?,
        review: None,
        playbook: policy.playbook.playbook(),
        assessments,
        by_id: IdIndex::default(),
    };
    if let Some(prev) = previous {
        portfolio.review = Some(review(&prev.placements(), &portfolio.placements())?);
    }
    Ok(portfolio)
}

/// A partner in the review.
struct Member<'a> {
    id: &'a PartnerId,
    row: Option<&'a Row>,
    partner: Option<&'a Partner>,
}

/// What every partner's assessment shares.
struct Context<'a> {
    ledger: &'a Ledger,
    policy: &'a Policy,
    window: Window,
    as_of: NaiveDate,
    currency: Currency,
    facts: &'a HashMap<&'a str, &'a RiskFacts, Hasher>,
    previous: &'a HashMap<&'a str, TierState, Hasher>,
    /// The partners in rank order, with their segments.
    classes: &'a Classes,
}

/// A partner's priority key: urgent, score (4 decimal places) and turnover
/// (at the ledger's scale) as integers, and its position in the review.
type RankKey = (bool, i128, i128, u32);

/// The first 16 bytes of a partner id as a number, zeros after a shorter
/// id: ids in order have heads in order (equal heads decide nothing).
fn id_head(id: &str) -> u128 {
    let mut head = [0u8; 16];
    for (h, b) in head.iter_mut().zip(id.as_bytes()) {
        *h = *b;
    }
    u128::from_be_bytes(head)
}

/// The segment evidence of a partner at `ranked` (the same for every
/// partner of its tie group).
fn segment_evidence(classes: &Classes, ranked: &Ranked) -> SegmentEvidence {
    let class = &ranked.class;
    SegmentEvidence {
        segment: class.segment,
        rank: class.rank,
        share: if ranked.value > 0 { ratio(ranked.value, classes.base) } else { Decimal::ZERO },
        before: classes.share(class.before),
        after: classes.share(class.after),
        turnover_before: ratio(class.turnover_before, classes.base),
    }
}

impl Context<'_> {
    /// Assesses `members` (with their places in the ranking) into `out`,
    /// one slot each, and sets the integer parts of their priority keys and
    /// the heads of their ids.
    fn assess_into(
        &self,
        members: &[Member<'_>],
        places: &[u32],
        out: &mut [Option<Assessment>],
        keys: &mut [RankKey],
        heads: &mut [u128],
    ) -> Result<()> {
        let mut buf = WindowBuf::default();
        let mut series: Vec<i128> = Vec::with_capacity(self.window.len() as usize);
        let scale = self.ledger.scale();
        for ((((m, &place), slot), key), head) in members.iter().zip(places).zip(out).zip(keys).zip(heads) {
            let segment =
                self.classes.ranked.get(place as usize).map_or(UNSET_EVIDENCE, |r| segment_evidence(self.classes, r));
            let a = self.assess_one(m, segment, &mut buf, &mut series).map_err(|e| e.for_partner(m.id))?;
            (key.0, key.1, key.2) = (a.urgent.is_some(), mantissa_at(a.score, 4), mantissa_at(a.turnover, scale));
            *head = id_head(m.id.as_str());
            *slot = Some(a);
        }
        Ok(())
    }

    fn assess_one(
        &self,
        m: &Member<'_>,
        segment: SegmentEvidence,
        buf: &mut WindowBuf,
        series: &mut Vec<i128>,
    ) -> Result<Assessment> {
        let (policy, window, ledger) = (self.policy, self.window, self.ledger);
        let scale = ledger.scale();
        ledger.fill(m.row, window, buf);
        let mut total: i128 = 0;
        let mut credit: i128 = 0;
        let mut margin: i128 = 0;
        let mut deals: u64 = 0;
        for d in &buf.months {
            total += i128::from(d.turnover);
            credit += i128::from(d.credit_notes);
            margin += i128::from(d.margin);
            deals += u64::from(d.deals);
        }
        let turnover = to_decimal(total, scale);
        let invoiced = to_decimal(total - credit, scale);
        // The partner's first activity in the ledger, at any time.
        let first_active = m
            .row
            .and_then(|r| r.cells.iter().find(|c| c.turnover != 0 || c.deals > 0 || c.credit_note_count > 0))
            .and_then(|c| Month::from_index(c.month));
        let start_date = m.partner.and_then(|p| p.start_date);
        let began = match (start_date.map(Month::of), first_active) {
            (Some(s), Some(f)) => Some(s.min(f)),
            (s, f) => s.or(f),
        };
        // Tier.
        let months = policy.tiers.months(window, start_date, first_active);
        let tier = policy.tiers.assign(
            Money::new(turnover, self.currency),
            months,
            self.previous.get(m.id.as_str()).copied(),
        )?;
        // Potential: the history from the partner's beginning (or the window's
        // start), whatever the tier averaging.
        let history_start = match began {
            Some(b) => b.months_since(window.first()).clamp(0, window.len() as i32) as usize,
            None => window.len() as usize,
        };
        series.clear();
        series.extend(buf.months.get(history_start..).unwrap_or_default().iter().map(|d| i128::from(d.turnover)));
        let tenure = began.map(|b| window.last().months_since(b).max(0).unsigned_abs() + 1);
        let year_end = Month::of(self.as_of).checked_add(-1)?;
        let prior_first = year_end.checked_add(-23)?;
        let years = match (m.row, began) {
            (Some(row), Some(b)) if b <= prior_first => Some((
                Ledger::net_between(row, year_end.index() - 11, year_end.index()),
                Ledger::net_between(row, prior_first.index(), year_end.index() - 12),
            )),
            _ => None,
        };
        let gap = match (tier.progress.next, tier.progress.to_next) {
            (Some(next), Some(gap)) => policy.tiers.floor(next).map(|floor| TierGap::new(gap, floor.amount())),
            _ => None,
        };
        let potential = policy.potential.assess_ints(series, years, tenure, gap)?;
        // Risk.
        let data = PartnerWindow { partner: m.id, window, scale, buf };
        let risk = policy.risk.assess_window(&data, self.facts.get(m.id.as_str()).copied(), self.as_of)?;
        let score = policy.priority.score(
            segment.segment,
            total,
            segment.turnover_before,
            potential.level,
            risk.profile.overall,
        );
        let urgent = urgent_cause(&policy.priority.urgent, segment.segment, &risk.profile, &risk.alerts);
        let text = |f: fn(&Partner) -> &Option<String>| m.partner.and_then(|p| f(p).as_deref()).map(Arc::from);
        Ok(Assessment {
            partner: m.id.clone(),
            name: text(|p| &p.name),
            region: text(|p| &p.region),
            specialisation: text(|p| &p.specialisation),
            rank: 0,
            score,
            urgent,
            currency: self.currency,
            turnover,
            margin: to_decimal(margin, scale),
            deals,
            average_deal: (deals > 0).then(|| invoiced.checked_div(Decimal::from(deals))).flatten(),
            segment,
            tier,
            potential,
            risk: risk.profile,
            alerts: risk.alerts,
        })
    }
}

/// The positions of `keys` (urgent, score, turnover, position) in priority
/// order: urgent first, then by score and turnover, descending, then by
/// partner id (`id` of a position), ascending. The integer keys are sorted
/// first; ids are read only within runs of equal keys, and only where their
/// heads (`head` of a position, see [`id_head`]) are equal.
fn priority_order<'a>(
    keys: Vec<(bool, i128, i128, u32)>,
    head: impl Fn(u32) -> u128,
    id: impl Fn(u32) -> Option<&'a PartnerId>,
) -> Vec<u32> {
    let fits = keys.iter().all(|k| i32::try_from(k.1).is_ok() && i64::try_from(k.2).is_ok());
    let mut order: Vec<(u128, u32)> = if fits {
        // The usual case: one integer key, ascending = the order wanted.
        // Bits: not urgent (1), score (32), turnover (64); score and
        // turnover as unsigned numbers in the same order, inverted.
        keys.iter()
            .map(|&(urgent, score, turnover, pos)| {
                let score = !((score as i32 as u32) ^ (1 << 31));
                let turnover = !((turnover as i64 as u64) ^ (1 << 63));
                let key = (u128::from(!urgent) << 96) | (u128::from(score) << 64) | u128::from(turnover);
                (key, pos)
            })
            .collect()
    } else {
        Vec::new()
    };
    if fits {
        drop(keys);
        order = crate::par::sort_unstable(order);
    } else {
        let mut keys = keys;
        keys.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)).then(x.3.cmp(&y.3)));
        order = keys
            .iter()
            .scan((0u128, None), |state, k| {
                // Number the distinct (urgent, score, turnover) keys.
                let this = (k.0, k.1, k.2);
                if state.1 != Some(this) {
                    state.0 += 1;
                    state.1 = Some(this);
                }
                Some((state.0, k.3))
            })
            .collect();
    }
    for run in order.chunk_by_mut(|x, y| x.0 == y.0) {
        if run.len() > 1 {
            // The ids' first bytes (as numbers, in the same order) decide
            // most ties without reading the ids themselves.
            run.sort_unstable_by(|x, y| head(x.1).cmp(&head(y.1)).then_with(|| id(x.1).cmp(&id(y.1))));
        }
    }
    order.into_iter().map(|(_, pos)| pos).collect()
}

/// The mantissa of `d` at `dp` decimal places (an amount is never finer
/// than its ledger's scale, a score never finer than 4 places).
fn mantissa_at(mut d: Decimal, dp: u32) -> i128 {
    d.rescale(dp);
    d.mantissa()
}

/// The segment evidence of a partner missing from the ranking (none is).
const UNSET_EVIDENCE: SegmentEvidence = SegmentEvidence {
    segment: Segment::D,
    rank: 0,
    share: Decimal::ZERO,
    before: Decimal::ZERO,
    after: Decimal::ZERO,
    turnover_before: Decimal::ZERO,
};

/// Sorts the assessments into priority order and numbers them: urgent
/// first, then by score, turnover and partner id, all descending but the id.
/// `keys` holds each slot's integer key (see [`priority_order`]) and its
/// position, `heads` the head of its partner id. Moves each assessment
/// once, into place, by following the permutation's cycles: no second
/// vector of assessments. Empty slots (none after a successful assessment)
/// are dropped at the end.
fn rank(mut all: Vec<Option<Assessment>>, keys: Vec<RankKey>, heads: &[u128]) -> Vec<Assessment> {
    let id = |i: u32| all.get(i as usize).and_then(Option::as_ref).map(|a| &a.partner);
    let head = |i: u32| heads.get(i as usize).copied().unwrap_or_default();
    let mut from = priority_order(keys, head, id);
    // Position r takes the assessment at from[r]; DONE marks a position
    // already filled.
    const DONE: u32 = u32::MAX;
    for start in 0..from.len() {
        let Some(&first) = from.get(start) else { break };
        if first == DONE {
            continue;
        }
        // The cycle through `start`: lift its assessment out, pull each
        // next one into the free position, put the lifted one in last.
        let lifted = all.get_mut(start).and_then(Option::take);
        let mut cur = start;
        while let Some(next) = from.get_mut(cur).map(|slot| std::mem::replace(slot, DONE)) {
            let next = next as usize;
            if next == start || next == DONE as usize {
                if let Some(slot) = all.get_mut(cur) {
                    *slot = lifted;
                }
                break;
            }
            let moved = all.get_mut(next).and_then(Option::take);
            if let Some(slot) = all.get_mut(cur) {
                *slot = moved;
            }
            cur = next;
        }
    }
    // In place: an option of an assessment is the size of an assessment,
    // and `filter_map`, `enumerate` and `map` collect into the same
    // allocation.
    #[allow(clippy::filter_map_identity)]
    all.into_iter()
        .filter_map(|a| a)
        .enumerate()
        .map(|(i, mut a)| {
            a.rank = u32::try_from(i + 1).unwrap_or(u32::MAX);
            a
        })
        .collect()
}

/// Why a partner is urgent, if it is.
fn urgent_cause(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The priority order by its definition: urgent first, then score and
    /// turnover descending, then id ascending.
    fn reference_order(keys: &[(bool, i128, i128, u32)], ids: &[PartnerId]) -> Vec<u32> {
        let mut sorted = keys.to_vec();
        sorted.sort_by(|x, y| {
            y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)).then(ids[x.3 as usize].cmp(&ids[y.3 as usize]))
        });
        sorted.into_iter().map(|k| k.3).collect()
    }

    #[test]
    fn the_priority_order_sorts_signs_extremes_and_ties_like_its_definition() {
        let scores = [-1_000_000i128, -1, 0, 1, 999_999, i128::from(i32::MAX), i128::from(i32::MIN)];
        let turnovers = [i128::from(i64::MIN), -5, 0, 7, 1_000, i128::from(i64::MAX)];
        let mut keys = Vec::new();
        let mut n = 0u32;
        for urgent in [false, true] {
            for &score in &scores {
                for &turnover in &turnovers {
                    // Two partners per key: ties broken by id.
                    for _ in 0..2 {
                        keys.push((urgent, score, turnover, n));
                        n += 1;
                    }
                }
            }
        }
        // Ids in the opposite order of the positions, so that the id, not
        // the position, must break ties.
        let ids: Vec<PartnerId> = (0..n).map(|i| PartnerId::new(&format!("P{:04}", n - i)).unwrap()).collect();
        let mut shuffled = keys.clone();
        shuffled.reverse();
        shuffled.rotate_left(17);
        let want = reference_order(&keys, &ids);
        let id = |i: u32| ids.get(i as usize);
        let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
        assert_eq!(priority_order(shuffled.clone(), head, id), want);
        // A turnover beyond 64 bits or a score beyond 32 takes the general
        // comparison, with the same result.
        for extra in [(false, 5, i128::from(i64::MAX) + 1, n), (true, i128::from(i32::MAX) + 1, 3, n)] {
            let mut keys = shuffled.clone();
            keys.push(extra);
            let mut ids = ids.clone();
            ids.push(PartnerId::new("Extra").unwrap());
            let want = reference_order(&keys, &ids);
            let id = |i: u32| ids.get(i as usize);
            let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
            assert_eq!(priority_order(keys, head, id), want);
        }
    }

    #[test]
    fn ties_of_ids_alike_in_their_first_16_bytes_go_by_the_whole_id() {
        let names = ["Partner-Long-Pre-B", "Partner-Long-Pre", "Partner-Long-Pre-A2", "Partner-Long-Pre-A", "Short"];
        let ids: Vec<PartnerId> = names.iter().map(|n| PartnerId::new(n).unwrap()).collect();
        let keys: Vec<(bool, i128, i128, u32)> = (0..ids.len() as u32).map(|i| (false, 7, 7, i)).collect();
        let id = |i: u32| ids.get(i as usize);
        let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
        // By id: "Partner-Long-Pre", "…-A", "…-A2", "…-B", "Short".
        assert_eq!(priority_order(keys, head, id), vec![1, 3, 2, 0, 4]);
    }

    proptest::proptest! {
        #[test]
        fn id_heads_never_order_ids_the_other_way(a in "[ab\\x00é]{0,20}", b in "[ab\\x00é]{0,20}") {
            if a < b {
                proptest::prop_assert!(id_head(&a) <= id_head(&b));
            }
        }
    }

    fn policy(value: i64, potential: i64, resilience: i64) -> PriorityPolicy {
        PriorityPolicy {
            weights: Weights {
                value: Decimal::from(value),
                potential: Decimal::from(potential),
                resilience: Decimal::from(resilience),
            },
            ..PriorityPolicy::default()
        }
    }

    fn field(p: &PriorityPolicy) -> Option<String> {
        p.check().err().map(|e| match e.kind() {
            ErrorKind::InvalidPolicy { field, .. } => field.clone(),
            other => format!("{other:?}"),
        })
    }

    #[test]
    fn weights_are_within_0_to_1000_and_not_all_zero() {
        assert_eq!(field(&policy(0, 0, 1)), None);
        assert_eq!(field(&policy(1, 0, 0)), None);
        assert_eq!(field(&policy(0, 1, 0)), None);
        assert_eq!(field(&policy(1, 1, 0)), None);
        assert_eq!(field(&policy(1, 0, 1)), None);
        assert_eq!(field(&policy(1000, 1000, 1000)), None);
        assert_eq!(field(&policy(0, 0, 0)).as_deref(), Some("weights"));
        assert_eq!(field(&policy(-1, 1, 1)).as_deref(), Some("weights.value"));
        assert_eq!(field(&policy(1, 1001, 1)).as_deref(), Some("weights.potential"));
        assert_eq!(field(&policy(1, 1, 1001)).as_deref(), Some("weights.resilience"));
    }

    #[test]
    fn segment_points_may_stay_level_but_not_rise_from_a_to_d() {
        let with = |a: i64, b: i64, c: i64, d: i64| PriorityPolicy {
            segment_points: SegmentPoints {
                a: Decimal::from(a),
                b: Decimal::from(b),
                c: Decimal::from(c),
                d: Decimal::from(d),
            },
            ..PriorityPolicy::default()
        };
        assert_eq!(field(&with(50, 50, 50, 50)), None);
        assert_eq!(field(&with(100, 100, 0, 0)), None);
        for (p, name) in [
            (with(50, 60, 30, 0), "segment_points"),
            (with(100, 60, 70, 0), "segment_points"),
            (with(100, 60, 30, 40), "segment_points"),
            (with(101, 60, 30, 0), "segment_points.a"),
            (with(100, 60, 30, -1), "segment_points.d"),
        ] {
            assert_eq!(field(&p).as_deref(), Some(name));
        }
        let mut p = PriorityPolicy { unknown_risk_penalty: Decimal::from(101), ..PriorityPolicy::default() };
        assert_eq!(field(&p).as_deref(), Some("unknown_risk_penalty"));
        p.unknown_risk_penalty = Decimal::ONE_HUNDRED;
        assert_eq!(field(&p), None);
    }

    #[test]
    fn the_score_is_the_documented_weighted_mean() {
        let p = policy(2, 3, 5);
        let before = Decimal::new(85, 2);
        // B (60) and 15 position points → value 37.5; High 100; Medium risk → 67.
        // (2 × 37.5 + 3 × 100 + 5 × 67) / 10 = 71.
        let s = p.score(Segment::B, 1, before, PotentialLevel::High, Some(RiskLevel::Medium));
        assert_eq!(s, Decimal::from(71));
        // No turnover: no position points → value 30; (60 + 300 + 335) / 10.
        let s = p.score(Segment::B, 0, before, PotentialLevel::High, Some(RiskLevel::Medium));
        assert_eq!(s, Decimal::new(695, 1));
        // Unknown risk costs the penalty (25): (75 + 300 + 375) / 10.
        let s = p.score(Segment::B, 1, before, PotentialLevel::High, None);
        assert_eq!(s, Decimal::from(75));
        // Rounded half away from zero to 4 places: (37.5 + 50 + 33) / 3.
        let s = policy(1, 1, 1).score(Segment::B, 1, before, PotentialLevel::Medium, Some(RiskLevel::High));
        assert_eq!(s, Decimal::new(401_667, 4));
        // Each segment's points: A 100, C 30, D 0 with no position points.
        let one = Decimal::ONE;
        let value_only = policy(1, 0, 0);
        let points: Vec<Decimal> = [Segment::A, Segment::B, Segment::C, Segment::D]
            .iter()
            .map(|s| value_only.score(*s, 1, one, PotentialLevel::Low, None))
            .collect();
        assert_eq!(points, [50, 30, 15, 0].map(Decimal::from));
        // Position points never go below zero.
        let s = value_only.score(Segment::D, 1, Decimal::new(12, 1), PotentialLevel::Low, None);
        assert_eq!(s, Decimal::ZERO);
        let low_critical = policy(0, 1, 1).score(Segment::A, 1, one, PotentialLevel::Low, Some(RiskLevel::Critical));
        assert_eq!(low_critical, Decimal::ZERO);
        let low_risk = policy(0, 0, 1).score(Segment::A, 1, one, PotentialLevel::New, Some(RiskLevel::Low));
        assert_eq!(low_risk, Decimal::ONE_HUNDRED);
    }
    #[test]
    fn an_urgent_cause_is_the_most_severe_of_alerts_and_critical_risk() {
        let partner = PartnerId::new("P").unwrap();
        let alert = |category, severity| CrisisAlert {
            partner: partner.clone(),
            category,
            severity,
            kind: crate::risk::AlertKind::TurnoverDrop {
                month: Month::new(2025, 12).unwrap(),
                turnover: Decimal::ZERO,
                baseline: Decimal::ONE_HUNDRED,
                fall_percent: Decimal::ONE_HUNDRED,
            },
            actions: Vec::new(),
        };
        let mut critical_legal = RiskProfile::default();
        critical_legal.legal.level = Some(RiskLevel::Critical);
        let high_financial = [alert(RiskCategory::Financial, RiskLevel::High)];
        let critical_financial = [alert(RiskCategory::Financial, RiskLevel::Critical)];
        let medium = [alert(RiskCategory::Operational, RiskLevel::Medium)];
        let rule = UrgentRule::AnyInCrisis;
        let quiet = RiskProfile::default();
        // A Critical risk outranks a High alert.
        assert_eq!(
            urgent_cause(&rule, Segment::B, &critical_legal, &high_financial),
            Some((RiskCategory::Legal, RiskLevel::Critical))
        );
        // Equally severe: the alert names the cause.
        assert_eq!(
            urgent_cause(&rule, Segment::B, &critical_legal, &critical_financial),
            Some((RiskCategory::Financial, RiskLevel::Critical))
        );
        assert_eq!(
            urgent_cause(&rule, Segment::B, &quiet, &high_financial),
            Some((RiskCategory::Financial, RiskLevel::High))
        );
        // A Medium alert is not a crisis; nor is a High overall risk.
        assert_eq!(urgent_cause(&rule, Segment::B, &quiet, &medium), None);
        let mut high_legal = RiskProfile::default();
        high_legal.legal.level = Some(RiskLevel::High);
        assert_eq!(urgent_cause(&rule, Segment::B, &high_legal, &[]), None);
        // Key partners only by default; never when switched off.
        let key = UrgentRule::KeyInCrisis;
        assert_eq!(urgent_cause(&key, Segment::B, &critical_legal, &high_financial), None);
        assert!(urgent_cause(&key, Segment::A, &critical_legal, &high_financial).is_some());
        assert_eq!(urgent_cause(&UrgentRule::Off, Segment::A, &critical_legal, &high_financial), None);
    }
}

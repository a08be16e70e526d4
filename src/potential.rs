//! Growth potential from the turnover history: trend, year-on-year growth,
//! stability (X / Y / Z), tenure and the distance to the next tier.

use std::fmt;

use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;

use crate::error::{Error, Result};
use crate::util::exact::{Cut, Scaled, mul_wide, ratio};

/// Stability of monthly turnover by its coefficient of variation (CV = the
/// standard deviation over the mean), after the usual XYZ analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Stability {
    /// Steady: CV at most the X limit (default 10 %).
    X,
    /// Fluctuating: CV at most the Y limit (default 25 %).
    Y,
    /// Irregular or strongly seasonal: CV above the Y limit.
    Z,
}

impl fmt::Display for Stability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stability::X => "X",
            Stability::Y => "Y",
            Stability::Z => "Z",
        })
    }
}

/// The growth potential of a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum PotentialLevel {
    /// Too little history to judge (fewer months than the policy's
    /// minimum): a new partner.
    New,
    /// Shrinking or irregular.
    Low,
    /// Neither clearly growing nor shrinking.
    Medium,
    /// Growing, steady, or close to the next tier.
    High,
}

impl PotentialLevel {}

impl fmt::Display for PotentialLevel {
    /// The level in English, "high" (for the words of a language see
    /// [`Catalogue::potential_level`](crate::lang::Catalogue::potential_level)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PotentialLevel::New => "new",
            PotentialLevel::Low => "low",
            PotentialLevel::Medium => "medium",
            PotentialLevel::High => "high",
        })
    }
}

/// The rules that turn a history into a potential level.
///
/// Each signal adds to a score; the score gives the level:
///
/// | signal | default | points |
/// | --- | --- | --- |
/// | trend at least `trend_strong` % a month | 5 % | +2 |
/// | trend at least `trend_notable` % a month | 2 % | +1 |
/// | trend at most −`trend_notable` % a month | −2 % | −1 |
/// | trend at most −`trend_strong` % a month | −5 % | −2 |
/// | year-on-year growth at least `yoy_notable` % | 20 % | +1 |
/// | year-on-year fall at least `yoy_notable` % | −20 % | −1 |
/// | stability X / Z | CV ≤ 10 % / > 25 % | +1 / −1 |
/// | the next tier within `near_next_tier` % of its floor, trend not negative | 20 % | +1 |
///
/// A score of at least `high_score` (2) is High, at most `low_score` (−1)
/// is Low, anything between is Medium. A partner with fewer than
/// `min_history_months` (3) months of history is New.
///
/// The reasoning: a trend of 2 % a month is about 27 % a year, clearly more
/// than inflation; 5 % a month nearly doubles turnover in a year. The X / Y
/// limits of 10 % and 25 % are the usual XYZ-analysis ones. A partner 20 %
/// short of the next tier can reach it with one good quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawPotentialPolicy", into = "RawPotentialPolicy"))]
pub struct PotentialPolicy {
    min_history_months: u32,
    x_limit: Decimal,
    y_limit: Decimal,
    trend_notable: Decimal,
    trend_strong: Decimal,
    yoy_notable: Decimal,
    near_next_tier: Decimal,
    high_score: i32,
    low_score: i32,
}

impl Default for PotentialPolicy {
    fn default() -> Self {
        PotentialPolicy {
            min_history_months: 3,
            x_limit: Decimal::from(10),
            y_limit: Decimal::from(25),
            trend_notable: Decimal::from(2),
            trend_strong: Decimal::from(5),
            yoy_notable: Decimal::from(20),
            near_next_tier: Decimal::from(20),
            high_score: 2,
            low_score: -1,
        }
    }
}

/// The serde form of [`PotentialPolicy`]; every field optional (default).
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[derive(Clone, Copy, Debug)]
struct RawPotentialPolicy {
    min_history_months: u32,
    stability_x_max_cv: Decimal,
    stability_y_max_cv: Decimal,
    trend_notable: Decimal,
    trend_strong: Decimal,
    yoy_notable: Decimal,
    near_next_tier: Decimal,
    high_score: i32,
    low_score: i32,
}

impl Default for RawPotentialPolicy {
    fn default() -> Self {
        PotentialPolicy::default().into()
    }
}

impl From<PotentialPolicy> for RawPotentialPolicy {
    fn from(p: PotentialPolicy) -> Self {
        RawPotentialPolicy {
            min_history_months: p.min_history_months,
            stability_x_max_cv: p.x_limit,
            stability_y_max_cv: p.y_limit,
            trend_notable: p.trend_notable,
            trend_strong: p.trend_strong,
            yoy_notable: p.yoy_notable,
            near_next_tier: p.near_next_tier,
            high_score: p.high_score,
            low_score: p.low_score,
        }
    }
}

impl TryFrom<RawPotentialPolicy> for PotentialPolicy {
    type Error = Error;
    fn try_from(r: RawPotentialPolicy) -> Result<Self> {
        let p = PotentialPolicy {
            min_history_months: r.min_history_months,
            x_limit: r.stability_x_max_cv,
            y_limit: r.stability_y_max_cv,
            trend_notable: r.trend_notable,
            trend_strong: r.trend_strong,
            yoy_notable: r.yoy_notable,
            near_next_tier: r.near_next_tier,
            high_score: r.high_score,
            low_score: r.low_score,
        };
        p.validate()?;
        Ok(p)
    }
}

impl PotentialPolicy {
    /// Checks the policy (every `with_*` method and deserialisation call
    /// it).
    fn validate(&self) -> Result<()> {
        if self.min_history_months < 2 {
            return Err(Error::policy("min_history_months", "at least 2 months are needed for a trend"));
        }
        let positive = |name: &str, v: Decimal| {
            if v > Decimal::ZERO { Ok(()) } else { Err(Error::policy(name, format!("{v} must be above 0"))) }
        };
        positive("stability_x_max_cv", self.x_limit)?;
        positive("stability_y_max_cv", self.y_limit)?;
        positive("trend_notable", self.trend_notable)?;
        positive("trend_strong", self.trend_strong)?;
        positive("yoy_notable", self.yoy_notable)?;
        positive("near_next_tier", self.near_next_tier)?;
        if self.y_limit <= self.x_limit {
            return Err(Error::policy("stability_y_max_cv", "must be above stability_x_max_cv"));
        }
        if self.trend_strong <= self.trend_notable {
            return Err(Error::policy("trend_strong", "must be above trend_notable"));
        }
        if self.low_score >= self.high_score {
            return Err(Error::policy("low_score", "must be below high_score"));
        }
        Ok(())
    }

    /// The same policy with other X and Y limits of the coefficient of
    /// variation, in percent.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] unless 0 < `x` < `y`.
    pub fn with_stability_limits(mut self, x: Decimal, y: Decimal) -> Result<Self> {
        self.x_limit = x;
        self.y_limit = y;
        self.validate()?;
        Ok(self)
    }

    /// The same policy with another minimum history for a judgement.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] for fewer than 2 months.
    pub fn with_min_history_months(mut self, months: u32) -> Result<Self> {
        self.min_history_months = months;
        self.validate()?;
        Ok(self)
    }

    /// The same policy with other trend thresholds, in % a month: a trend of
    /// at least `notable` scores ±1, of at least `strong` ±2.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] unless 0 < `notable` < `strong`.
    pub fn with_trend_thresholds(mut self, notable: Decimal, strong: Decimal) -> Result<Self> {
        self.trend_notable = notable;
        self.trend_strong = strong;
        self.validate()?;
        Ok(self)
    }

    /// The same policy with another year-on-year threshold, in %.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] unless it is above 0.
    pub fn with_year_on_year_threshold(mut self, percent: Decimal) -> Result<Self> {
        self.yoy_notable = percent;
        self.validate()?;
        Ok(self)
    }

    /// The `near_next_tier` percentage (see [`with_near_next_tier`](Self::with_near_next_tier)).
    pub(crate) fn near_next_tier(&self) -> Decimal {
        self.near_next_tier
    }

    /// The same policy with another "close to the next tier" distance, in %
    /// of the next tier's floor.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] unless it is above 0.
    pub fn with_near_next_tier(mut self, percent: Decimal) -> Result<Self> {
        self.near_next_tier = percent;
        self.validate()?;
        Ok(self)
    }

    /// The same policy with other score bounds: at least `high` is High, at
    /// most `low` is Low.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::InvalidPolicy`] unless `low` < `high`.
    pub fn with_score_bounds(mut self, high: i32, low: i32) -> Result<Self> {
        self.high_score = high;
        self.low_score = low;
        self.validate()?;
        Ok(self)
    }

    /// The minimum number of months of history.
    #[must_use]
    pub fn min_history_months(&self) -> u32 {
        self.min_history_months
    }

    /// The X and Y limits of the coefficient of variation, in percent.
    #[must_use]
    pub fn stability_limits(&self) -> (Decimal, Decimal) {
        (self.x_limit, self.y_limit)
    }

    /// Assesses the potential of one partner.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Overflow`] if the series cannot be brought to one
    /// scale or its sums are out of range (far beyond real turnover).
    ///
    /// # Example
    ///
    /// ```
    /// use partner_priority::potential::{PotentialInput, PotentialLevel, PotentialPolicy, Stability};
    /// use rust_decimal::Decimal;
    ///
    /// let policy = PotentialPolicy::default();
    /// let flat = [100_000; 12].map(Decimal::from);
    /// let p = policy.assess(&PotentialInput::new(&flat))?;
    /// assert_eq!(p.stability, Some(Stability::X));
    /// assert_eq!(p.trend, Some(Decimal::ZERO));
    ///
    /// let young = [50_000, 80_000].map(Decimal::from);
    /// assert_eq!(policy.assess(&PotentialInput::new(&young))?.level, PotentialLevel::New);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    pub fn assess(&self, input: &PotentialInput<'_>) -> Result<Potential> {
        let years: Vec<Decimal> = input.last_year.into_iter().chain(input.prior_year).collect();
        let scaled = Scaled::common(input.series.iter().chain(&years));
        let y = input.series.iter().map(|v| scaled.int(*v, "a monthly turnover")).collect::<Result<Vec<i128>>>()?;
        let years = match (input.last_year, input.prior_year) {
            (Some(l), Some(p)) => Some((scaled.int(l, "turnover")?, scaled.int(p, "turnover")?)),
            _ => None,
        };
        let near_next = input.gap_to_next.map(|gap| gap.within(self.near_next_tier));
        let mut p = self.assess_ints(&y, years, input.tenure_months, near_next)?;
        p.gap_to_next = input.gap_to_next;
        Ok(p)
    }

    /// [`PotentialPolicy::assess`] over integers at one scale, with whether
    /// the next tier is within the policy's `near_next_tier` % of its floor
    /// (`None` when there is no next tier; see [`TierGap::within`]) in
    /// place of the gap, which is left out.
    pub(crate) fn assess_ints(
        &self,
        y: &[i128],
        years: Option<(i128, i128)>,
        tenure_months: Option<u32>,
        near_next: Option<bool>,
    ) -> Result<Potential> {
        self.assess_ints_with(&self.cuts(), y, years, tenure_months, near_next)
    }

    /// The policy's limits prepared for exact comparisons, which a review
    /// does once for all its partners.
    pub(crate) fn cuts(&self) -> Cuts {
        Cuts {
            stability: [Cut::new(self.x_limit), Cut::new(self.y_limit)],
            trend_notable: Bound::new(self.trend_notable),
            trend_strong: Bound::new(self.trend_strong),
            yoy_notable: Bound::new(self.yoy_notable),
        }
    }

    /// [`PotentialPolicy::assess_ints`] with the policy's
    /// [`cuts`](PotentialPolicy::cuts).
    pub(crate) fn assess_ints_with(
        &self,
        cuts: &Cuts,
        y: &[i128],
        years: Option<(i128, i128)>,
        tenure_months: Option<u32>,
        near_next: Option<bool>,
    ) -> Result<Potential> {
        let n = y.len();
        let history = u32::try_from(n).unwrap_or(u32::MAX);
        let mut p = Potential {
            level: PotentialLevel::New,
            score: 0,
            trend: None,
            year_on_year: None,
            cv_squared: None,
            stability: None,
            history_months: history,
            tenure_months,
            gap_to_next: None,
            points: SignalPoints::default(),
            min_history_months: self.min_history_months,
        };
        // Year-on-year needs no monthly history inside the window.
        if let Some((last, prior)) = years {
            if prior > 0 {
                p.year_on_year = last.checked_sub(prior).and_then(|d| d.checked_mul(100)).map(|d| ratio(d, prior));
            }
        }
        if history < self.min_history_months {
            return Ok(p);
        }
        let overflow = || Error::overflow("the turnover history");
        let n_i = i128::try_from(n).map_err(|_| overflow())?;
        let (s, t, q) = match sums_of_small(y) {
            Some((s, t, q)) => (s, t, Some(q)),
            None => {
                let mut s: i128 = 0; // Σ y
                let mut t: i128 = 0; // Σ x·y, x = 0 … n−1
                // Σ y²: `None` when it leaves 128 bits (monthly amounts of
                // the order of 10^18 minor units); stability is then left
                // out, not an error.
                let mut q: Option<i128> = Some(0);
                for (x, &v) in y.iter().enumerate() {
                    s = s.checked_add(v).ok_or_else(overflow)?;
                    t = (x as i128).checked_mul(v).and_then(|xy| t.checked_add(xy)).ok_or_else(overflow)?;
                    q = q.and_then(|q| v.checked_mul(v).and_then(|sq| q.checked_add(sq)));
                }
                (s, t, q)
            }
        };
        if s > 0 {
            // Relative slope = (12T − 6(n−1)S) / ((n² − 1) S), in % a month.
            let num = t
                .checked_mul(12)
                .and_then(|a| (n_i - 1).checked_mul(6).and_then(|k| k.checked_mul(s)).and_then(|b| a.checked_sub(b)))
                .ok_or_else(overflow)?;
            let den = (n_i * n_i - 1).checked_mul(s).ok_or_else(overflow)?;
            p.trend = Some(ratio(num.checked_mul(100).ok_or_else(overflow)?, den));
            // CV² = (nQ − S²) / S², compared exactly with the limits.
            let spread =
                q.and_then(|q| n_i.checked_mul(q)).and_then(|nq| s.checked_mul(s).and_then(|ss| nq.checked_sub(ss)));
            if let Some(spread) = spread {
                let spread = spread.max(0).unsigned_abs();
                let ss = mul_wide(s.unsigned_abs(), s.unsigned_abs());
                // spread / S² ≤ (limit / 100)² ⇔ spread × 100² × 10^2k ≤ m² × S²
                let within = |cut: &Cut| cut.squared_at_or_above(spread, ss);
                let [x_cut, y_cut] = &cuts.stability;
                p.stability = Some(if within(x_cut) {
                    Stability::X
                } else if within(y_cut) {
                    Stability::Y
                } else {
                    Stability::Z
                });
                p.cv_squared = Some(crate::util::exact::ratio_u256((0, spread), ss));
            }
        } else {
            // Nothing sold: no trend, no stability, and no sign of potential.
            self.score(cuts, &mut p, near_next);
            p.level = PotentialLevel::Low;
            return Ok(p);
        }
        self.score(cuts, &mut p, near_next);
        Ok(p)
    }

    /// The points and level of `p`, its limits prepared as `cuts`.
    fn score(&self, cuts: &Cuts, p: &mut Potential, near_next: Option<bool>) {
        let mut score = 0i32;
        if let Some(trend) = p.trend {
            let at = Fixed::of(trend);
            let points = if at.at_least(&cuts.trend_strong) {
                2
            } else if at.at_least(&cuts.trend_notable) {
                1
            } else if at.at_most_minus(&cuts.trend_strong) {
                -2
            } else if at.at_most_minus(&cuts.trend_notable) {
                -1
            } else {
                0
            };
            p.points.trend = points;
            score += i32::from(points);
        }
        if let Some(yoy) = p.year_on_year {
            let at = Fixed::of(yoy);
            let points = if at.at_least(&cuts.yoy_notable) {
                1
            } else if at.at_most_minus(&cuts.yoy_notable) {
                -1
            } else {
                0
            };
            p.points.year_on_year = points;
            score += i32::from(points);
        }
        if let Some(stability) = p.stability {
            let points = match stability {
                Stability::X => 1,
                Stability::Y => 0,
                Stability::Z => -1,
            };
            p.points.stability = points;
            score += i32::from(points);
        }
        if let Some(near) = near_next {
            let growing = p.trend.is_none_or(|t| t >= Decimal::ZERO);
            if growing && near {
                p.points.near_next_tier = 1;
                score += 1;
            }
        }
        p.score = score;
        p.level = if score >= self.high_score {
            PotentialLevel::High
        } else if score <= self.low_score {
            PotentialLevel::Low
        } else {
            PotentialLevel::Medium
        };
    }
}

/// A [`PotentialPolicy`]'s limits prepared for exact comparisons: see
/// [`PotentialPolicy::cuts`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cuts {
    /// The stability limits, X then Y.
    stability: [Cut; 2],
    trend_notable: Bound,
    trend_strong: Bound,
    yoy_notable: Bound,
}

/// The number of decimal places of a [`Fixed`] value: those of a ratio.
const FIXED_DP: u32 = crate::util::exact::RATIO_DP;

/// A limit `t` (a trend's or a year-on-year change's, in %) prepared for
/// comparisons with values at 18 places: `⌈t × 10^18⌉`, or `None` beyond
/// 128 bits. Comparing the `Decimal`s themselves brings both to one scale
/// on each comparison, and a review made up to six of them a partner
/// (about 6 % of its instructions, by callgrind).
#[derive(Clone, Copy, Debug)]
struct Bound {
    limit: Decimal,
    ceiling: Option<i128>,
    /// `−ceiling`, the largest 18-place integer at or below `−limit`.
    minus: Option<i128>,
}

impl Bound {
    fn new(limit: Decimal) -> Bound {
        let (m, s) = (limit.mantissa(), limit.scale());
        let ceiling = if s <= FIXED_DP {
            10i128.checked_pow(FIXED_DP - s).and_then(|f| m.checked_mul(f))
        } else {
            // More places than 18: rounded up to 18 (toward +∞).
            10i128.checked_pow(s - FIXED_DP).map(|d| {
                let q = m.div_euclid(d);
                if m.rem_euclid(d) == 0 { q } else { q + 1 }
            })
        };
        Bound { limit, ceiling, minus: ceiling.and_then(i128::checked_neg) }
    }
}

/// A value (a trend or a year-on-year change, made by `ratio`, so at most
/// 18 places) with its 18-place integer, or only the value when that is
/// beyond 128 bits.
#[derive(Clone, Copy, Debug)]
struct Fixed {
    value: Decimal,
    at: Option<i128>,
}

impl Fixed {
    fn of(value: Decimal) -> Fixed {
        let at = FIXED_DP
            .checked_sub(value.scale())
            .and_then(|k| crate::util::exact::POWERS_OF_TEN.get(k as usize))
            .and_then(|&f| value.mantissa().checked_mul(i128::from(f)));
        Fixed { value, at }
    }

    /// `value ≥ limit`: for an integer `v` at 18 places, `v ≥ t × 10^18`
    /// exactly when `v ≥ ⌈t × 10^18⌉`.
    fn at_least(&self, bound: &Bound) -> bool {
        match (self.at, bound.ceiling) {
            (Some(v), Some(c)) => v >= c,
            _ => self.value >= bound.limit,
        }
    }

    /// `value ≤ −limit`: `v ≤ −t × 10^18` exactly when `v ≤ −⌈t × 10^18⌉`.
    fn at_most_minus(&self, bound: &Bound) -> bool {
        match (self.at, bound.minus) {
            (Some(v), Some(m)) => v <= m,
            _ => self.value <= -bound.limit,
        }
    }
}

/// How far a partner is from the next tier: what the potential needs to know
/// about tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TierGap {
    /// The monthly amount still needed.
    pub amount: Decimal,
    /// The amount as a share of the next tier's floor (0.2 = 20 % short).
    pub share: Decimal,
}

impl TierGap {
    /// The gap of `amount` to a floor of `floor` a month.
    #[must_use]
    pub fn new(amount: Decimal, floor: Decimal) -> TierGap {
        let share =
            if floor > Decimal::ZERO { amount.checked_div(floor).unwrap_or(Decimal::ONE) } else { Decimal::ZERO };
        TierGap { amount, share }
    }

    /// True if the gap is at most `percent` % of the floor (the
    /// potential's `near_next_tier` test).
    pub(crate) fn within(&self, percent: Decimal) -> bool {
        self.share.checked_mul(Decimal::ONE_HUNDRED).is_some_and(|pct| pct <= percent)
    }
}

/// What a potential assessment looks at.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PotentialInput<'a> {
    /// Monthly turnover over the partner's history in the review window,
    /// oldest first (from its start month if it started inside the window).
    pub series: &'a [Decimal],
    /// Turnover of the last 12 months, when 24 months of history exist.
    pub last_year: Option<Decimal>,
    /// Turnover of the 12 months before those.
    pub prior_year: Option<Decimal>,
    /// Months since the partnership started, when known.
    pub tenure_months: Option<u32>,
    /// The distance to the next tier, if there is one.
    pub gap_to_next: Option<TierGap>,
}

impl<'a> PotentialInput<'a> {
    /// An input with just the monthly series.
    #[must_use]
    pub fn new(series: &'a [Decimal]) -> Self {
        PotentialInput { series, last_year: None, prior_year: None, tenure_months: None, gap_to_next: None }
    }

    /// Adds the last two years' turnover for the year-on-year growth.
    #[must_use]
    pub fn with_years(mut self, last_year: Decimal, prior_year: Decimal) -> Self {
        self.last_year = Some(last_year);
        self.prior_year = Some(prior_year);
        self
    }

    /// Adds the tenure in months.
    #[must_use]
    pub fn with_tenure(mut self, months: u32) -> Self {
        self.tenure_months = Some(months);
        self
    }

    /// Adds the distance to the next tier.
    #[must_use]
    pub fn with_gap(mut self, gap: TierGap) -> Self {
        self.gap_to_next = Some(gap);
        self
    }
}

/// A signal that moved a potential score, or why there was no judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Signal {
    /// Fewer months of history than a judgement needs.
    ShortHistory {
        /// Months of history.
        months: u32,
        /// Months needed.
        needed: u32,
    },
    /// No positive turnover in the history: no trend or stability.
    NoPositiveTurnover,
    /// The least-squares trend.
    Trend {
        /// Slope relative to the mean, in % a month.
        percent_per_month: Decimal,
        /// Points added to the score.
        points: i32,
    },
    /// Year-on-year growth.
    YearOnYear {
        /// Growth in %.
        percent: Decimal,
        /// Points added to the score.
        points: i32,
    },
    /// Stability class.
    Stability {
        /// The class.
        class: Stability,
        /// The coefficient of variation in %.
        cv_percent: Decimal,
        /// Points added to the score.
        points: i32,
    },
    /// Close to the next tier.
    NearNextTier {
        /// The monthly amount still needed.
        gap: Decimal,
        /// As a share of the next floor.
        share: Decimal,
        /// Points added to the score.
        points: i32,
    },
}

/// A partner's growth potential with the figures and reasons behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Potential {
    /// The level.
    pub level: PotentialLevel,
    /// The score behind the level.
    pub score: i32,
    /// The least-squares slope of monthly turnover relative to its mean, in
    /// % a month (`None` for New partners and without positive turnover).
    /// Exact to 18 decimal places (truncated).
    pub trend: Option<Decimal>,
    /// Year-on-year growth in %, when 24 months of history exist.
    pub year_on_year: Option<Decimal>,
    /// The squared coefficient of variation (variance over squared mean,
    /// a fraction), exact to 18 decimal places; see [`Potential::cv`].
    pub cv_squared: Option<Decimal>,
    /// The stability class (`None` for New partners, without positive
    /// turnover, and when the monthly amounts are so large, of the order of
    /// 10^18 minor units, that their sum of squares leaves 128 bits).
    pub stability: Option<Stability>,
    /// Months of history looked at.
    pub history_months: u32,
    /// Months since the partnership started, when known.
    pub tenure_months: Option<u32>,
    /// The distance to the next tier.
    pub gap_to_next: Option<TierGap>,
    /// The points each signal added to the score (read through
    /// [`Potential::signals`]).
    pub(crate) points: SignalPoints,
    /// The months of history a judgement needs (the policy's minimum).
    pub(crate) min_history_months: u32,
}

/// The points each signal added to a potential score (0 when it did not
/// count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct SignalPoints {
    /// From the trend.
    pub trend: i8,
    /// From year-on-year growth.
    pub year_on_year: i8,
    /// From stability.
    pub stability: i8,
    /// From being close to the next tier.
    pub near_next_tier: i8,
}

impl Potential {
    /// A potential from its parts (an assessment keeps them compactly).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        level: PotentialLevel,
        score: i32,
        trend: Option<Decimal>,
        year_on_year: Option<Decimal>,
        cv_squared: Option<Decimal>,
        stability: Option<Stability>,
        history_months: u32,
        tenure_months: Option<u32>,
        gap_to_next: Option<TierGap>,
        points: SignalPoints,
        min_history_months: u32,
    ) -> Potential {
        Potential {
            level,
            score,
            trend,
            year_on_year,
            cv_squared,
            stability,
            history_months,
            tenure_months,
            gap_to_next,
            points,
            min_history_months,
        }
    }

    /// The coefficient of variation in %: the square root (rust_decimal's
    /// Newton iteration, about 28 significant digits) of [`cv_squared`],
    /// rounded to 6 decimal places. Computed on each call; the stability
    /// class is decided exactly, without the root.
    ///
    /// [`cv_squared`]: Potential::cv_squared
    #[must_use]
    pub fn cv(&self) -> Option<Decimal> {
        let root = self.cv_squared?.sqrt()?;
        Some(root.checked_mul(Decimal::ONE_HUNDRED)?.round_dp(6).normalize())
    }

    /// Why the partner got its level: every signal that moved the score, or
    /// why there was no judgement. Derived on each call.
    #[must_use]
    pub fn signals(&self) -> Vec<Signal> {
        let mut out = Vec::new();
        if self.history_months < self.min_history_months {
            out.push(Signal::ShortHistory { months: self.history_months, needed: self.min_history_months });
            return out;
        }
        if self.trend.is_none() {
            out.push(Signal::NoPositiveTurnover);
        }
        let pts = self.points;
        if let (Some(t), true) = (self.trend, pts.trend != 0) {
            out.push(Signal::Trend { percent_per_month: t, points: i32::from(pts.trend) });
        }
        if let (Some(y), true) = (self.year_on_year, pts.year_on_year != 0) {
            out.push(Signal::YearOnYear { percent: y, points: i32::from(pts.year_on_year) });
        }
        if let (Some(class), Some(cv), true) = (self.stability, self.cv(), pts.stability != 0) {
            out.push(Signal::Stability { class, cv_percent: cv, points: i32::from(pts.stability) });
        }
        if let (Some(gap), true) = (self.gap_to_next, pts.near_next_tier != 0) {
            out.push(Signal::NearNextTier { gap: gap.amount, share: gap.share, points: i32::from(pts.near_next_tier) });
        }
        out
    }
}

/// Σ y, Σ x·y (x = 0 … n−1) and Σ y² of a history whose monthly amounts
/// are within ±2^40 minor units (about 10^12) and at most 2^16 months long,
/// the review's usual case; `None` otherwise. The sums cannot then leave
/// 128 bits (|x·y| < 2^56 fits an `i64`, |S| ≤ 2^56, |T| < 2^72,
/// Q ≤ 2^96), so they are taken without checks, each square as one product
/// of 64-bit numbers: the checked 128-bit products of the general loop
/// were most of the potential's time.
fn sums_of_small(y: &[i128]) -> Option<(i128, i128, i128)> {
    const SMALL: i128 = 1 << 40;
    if y.len() > 1 << 16 || !y.iter().all(|v| (-SMALL..=SMALL).contains(v)) {
        return None;
    }
    let (mut s, mut t, mut q) = (0i128, 0i128, 0i128);
    for (x, &v) in y.iter().enumerate() {
        // In range: checked above.
        let (x, v) = (x as i64, v as i64);
        s += i128::from(v);
        t += i128::from(x * v);
        q += i128::from(v) * i128::from(v);
    }
    Some((s, t, q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{Catalogue, Language};

    proptest::proptest! {
        /// The unchecked sums of a small history are the exact sums, and
        /// a history beyond ±2^40 a month is left to the checked loop.
        #[test]
        fn the_sums_of_a_small_history_are_exact(
            y in proptest::collection::vec(-(1i128 << 41)..=(1i128 << 41), 0..40),
        ) {
            let small = y.iter().all(|v| v.abs() <= 1 << 40);
            let exact = y.iter().enumerate().fold((0i128, 0i128, 0i128), |(s, t, q), (x, &v)| {
                (s + v, t + x as i128 * v, q + v * v)
            });
            proptest::prop_assert_eq!(sums_of_small(&y), small.then_some(exact));
        }
    }

    /// Decimals of any scale up to 28 and any size, and ones close to a
    /// limit (its own digits, one unit of the 18th place either side, and
    /// more places than 18).
    fn decimals() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        prop_oneof![
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            (any::<i128>(), 0u32..=28).prop_map(|(m, s)| Decimal::try_from_i128_with_scale(m >> 32, s).unwrap()),
            (-3i64..=3, prop::sample::select(vec![0i64, 2, 5, 20, 1_000]))
                .prop_map(|(nudge, whole)| { Decimal::from(whole) + Decimal::new(nudge, 18) }),
            (-3i64..=3, prop::sample::select(vec![2i64, 5, 20]))
                .prop_map(|(nudge, whole)| { Decimal::from(whole) + Decimal::new(nudge, 25) }),
            (-3i64..=3, prop::sample::select(vec![2i64, 5, 20]))
                .prop_map(|(nudge, whole)| { -Decimal::from(whole) + Decimal::new(nudge, 18) }),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The potential's trend and year-on-year points compare 18-place
        /// integers where they can: always as the decimals compare.
        #[test]
        fn limits_compared_at_18_places_compare_as_the_decimals(value in decimals(), limit in decimals()) {
            let (at, bound) = (Fixed::of(value), Bound::new(limit));
            proptest::prop_assert_eq!(at.at_least(&bound), value >= limit);
            proptest::prop_assert_eq!(at.at_most_minus(&bound), value <= -limit);
        }
    }

    #[test]
    fn limits_compare_at_18_places_without_the_decimals_for_a_ratio() {
        // A trend of 2 % less one unit of the 18th place is below 2 %; a
        // limit with more places is rounded up to 18 (toward +∞).
        let two = Bound::new(Decimal::from(2));
        assert_eq!(two.ceiling, Some(2 * 10i128.pow(18)));
        assert!(!Fixed::of(Decimal::new(1_999_999_999_999_999_999, 18)).at_least(&two));
        assert!(Fixed::of(Decimal::new(-2, 0)).at_most_minus(&two));
        let fine = Bound::new(Decimal::from_i128_with_scale(20_000_000_000_000_000_000_001, 22));
        assert_eq!(fine.ceiling, Some(2 * 10i128.pow(18) + 1));
        assert_eq!(fine.minus, Some(-(2 * 10i128.pow(18) + 1)));
        assert!(Fixed::of(Decimal::new(2_000_000_000_000_000_001, 18)).at_least(&fine));
        // A ratio of ordinary size has its 18-place integer (one beyond about
        // 1.7 × 10^20 does not, and is compared as a decimal).
        assert!(Fixed::of(ratio(7, 3)).at.is_some());
        assert!(Fixed::of(Decimal::MAX).at.is_none());
        // A negative limit of more places is rounded up toward +∞ too
        // (not toward zero): ⌈−10^-19 × 10^18⌉ = 0.
        assert_eq!(Bound::new(Decimal::new(-1, 19)).ceiling, Some(0));
        assert!(Fixed::of(Decimal::ZERO).at_least(&Bound::new(Decimal::new(-1, 19))));
        // Values beyond 18 places are compared as decimals, equality
        // included.
        let limit = Decimal::from(2) + Decimal::new(1, 25);
        assert!(Fixed::of(-limit).at_most_minus(&Bound::new(limit)));
        assert!(Fixed::of(limit).at_least(&Bound::new(limit)));
    }

    #[test]
    fn the_sums_of_a_history_at_the_small_limits_are_exact() {
        let top = 1i128 << 40;
        let long = vec![top; 1 << 16];
        let n = 1i128 << 16;
        assert_eq!(sums_of_small(&long), Some((n * top, top * n * (n - 1) / 2, n * top * top)));
        assert_eq!(sums_of_small(&[-top, top, -top]), Some((-top, -top, 3 * top * top)));
        assert_eq!(sums_of_small(&vec![0; (1 << 16) + 1]), None);
        assert_eq!(sums_of_small(&[top + 1]), None);
    }

    fn series(values: &[i64]) -> Vec<Decimal> {
        values.iter().map(|&v| Decimal::from(v)).collect()
    }

    #[test]
    fn a_constant_series_is_x_with_trend_zero() {
        let s = series(&[250_000; 12]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.trend, Some(Decimal::ZERO));
        assert_eq!(p.stability, Some(Stability::X));
        assert_eq!(p.cv(), Some(Decimal::ZERO));
        assert_eq!(p.level, PotentialLevel::Medium); // X gives +1: steady but not growing
    }

    #[test]
    fn a_strongly_seasonal_series_is_z() {
        let s = series(&[10, 10, 20, 60, 150, 300, 320, 200, 80, 20, 10, 10]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.stability, Some(Stability::Z));
    }

    #[test]
    fn fewer_than_three_months_is_new_with_a_reason() {
        for s in [series(&[]), series(&[0]), series(&[100, 200])] {
            let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
            assert_eq!(p.level, PotentialLevel::New);
            assert!(matches!(p.signals()[0], Signal::ShortHistory { needed: 3, .. }));
            assert!(Language::En.signal(&p.signals()[0]).contains("new partner"));
        }
    }

    #[test]
    fn the_trend_is_the_least_squares_slope_over_the_mean() {
        // 100, 110, 120, 130: slope 10, mean 115 → 8.695652173913043478 %.
        let s = series(&[100, 110, 120, 130]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.trend, Some(Decimal::new(8_695_652_173_913_043_478, 18)));
        assert_eq!(p.level, PotentialLevel::High);
        let falling: Vec<Decimal> = s.iter().rev().copied().collect();
        let q = PotentialPolicy::default().assess(&PotentialInput::new(&falling)).unwrap();
        assert_eq!(q.trend.map(|t| t.round_dp(6)), Some(Decimal::new(-8_695_652, 6)));
        assert_eq!(q.level, PotentialLevel::Low);
    }

    #[test]
    fn stability_limits_are_exact() {
        // 90 and 110: σ = 10, mean 100, CV exactly 10 % → X (≤ 10 %).
        let s = series(&[90, 110, 90, 110]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.cv(), Some(Decimal::from(10)));
        assert_eq!(p.stability, Some(Stability::X));
        let s = series(&[89, 111, 89, 111]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.stability, Some(Stability::Y));
    }

    #[test]
    fn year_on_year_and_near_next_tier() {
        let s = series(&[80_000; 12]);
        let input = PotentialInput::new(&s)
            .with_years(Decimal::from(960_000), Decimal::from(700_000))
            .with_gap(TierGap::new(Decimal::from(20_000), Decimal::from(100_000)));
        let p = PotentialPolicy::default().assess(&input).unwrap();
        assert_eq!(p.year_on_year.map(|y| y.round_dp(4)), Some(Decimal::new(371_429, 4)));
        assert_eq!(p.level, PotentialLevel::High); // X + YoY + near the next tier
        assert_eq!(p.signals().len(), 3);
    }

    #[test]
    fn no_positive_turnover_has_no_trend() {
        let s = series(&[0, -5, 0, 0]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.trend, None);
        assert_eq!(p.stability, None);
        assert_eq!(p.level, PotentialLevel::Low);
        assert_eq!(p.signals(), [Signal::NoPositiveTurnover]);
    }

    #[test]
    fn a_huge_spread_over_a_tiny_mean_is_z_with_a_huge_cv() {
        let s = series(&[200_000_000_000_000, -199_999_999_999_999, 0]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.stability, Some(Stability::Z));
        assert!(p.cv().unwrap() > Decimal::from(1_000_000_000_000i64));
    }

    #[test]
    fn levels_and_classes_have_names() {
        let names: Vec<String> =
            [PotentialLevel::New, PotentialLevel::Low, PotentialLevel::Medium, PotentialLevel::High]
                .iter()
                .map(|l| format!("{l}/{}", Language::Ru.potential_level(*l)))
                .collect();
        assert_eq!(names, ["new/новый", "low/низкий", "medium/средний", "high/высокий"]);
        assert_eq!(format!("{}{}{}", Stability::X, Stability::Y, Stability::Z), "XYZ");
    }

    #[test]
    fn sums_of_squares_beyond_128_bits_leave_stability_out() {
        // Three months at the ledger's largest cell: the trend is exact, the
        // sum of squares is not representable, so stability is left out.
        let y = [i128::from(i64::MAX); 3];
        let p = PotentialPolicy::default().assess_ints(&y, None, None, None).unwrap();
        assert_eq!(p.trend, Some(Decimal::ZERO));
        assert_eq!((p.stability, p.cv_squared), (None, None));
        assert_eq!(p.level, PotentialLevel::Medium);
    }

    #[test]
    fn policies_are_checked() {
        let p = PotentialPolicy::default();
        assert!(p.with_trend_thresholds(Decimal::from(5), Decimal::from(2)).is_err());
        assert!(p.with_score_bounds(1, 1).is_err());
        assert!(p.with_year_on_year_threshold(Decimal::ZERO).is_err());
        assert!(p.with_near_next_tier(Decimal::from(10)).is_ok());
        assert!(p.with_stability_limits(Decimal::from(30), Decimal::from(20)).is_err());
        assert!(p.with_min_history_months(1).is_err());
        assert!(p.with_min_history_months(2).is_ok());
        assert!(p.with_stability_limits(Decimal::from(5), Decimal::from(40)).is_ok());
    }
    #[test]
    fn each_setter_changes_what_it_names() {
        let p = PotentialPolicy::default();
        assert_eq!((p.min_history_months(), p.stability_limits()), (3, (Decimal::from(10), Decimal::from(25))));
        let q = p.with_min_history_months(5).unwrap();
        assert_eq!(q.min_history_months(), 5);
        let four = series(&[100, 100, 100, 100]);
        assert_eq!(q.assess(&PotentialInput::new(&four)).unwrap().level, PotentialLevel::New);
        let q = p.with_stability_limits(Decimal::from(5), Decimal::from(40)).unwrap();
        assert_eq!(q.stability_limits(), (Decimal::from(5), Decimal::from(40)));
        // CV exactly 10 %: X by default, Y under a 5 % X limit.
        let s = series(&[90, 110, 90, 110]);
        assert_eq!(q.assess(&PotentialInput::new(&s)).unwrap().stability, Some(Stability::Y));
        // 15 % short of the next tier: near under the default 20 %, not under 10 %.
        let flat = series(&[85_000; 12]);
        let input = PotentialInput::new(&flat).with_gap(TierGap::new(Decimal::from(15_000), Decimal::from(100_000)));
        assert_eq!(p.assess(&input).unwrap().points.near_next_tier, 1);
        let q = p.with_near_next_tier(Decimal::from(10)).unwrap();
        assert_eq!(q.assess(&input).unwrap().points.near_next_tier, 0);
        // Exactly at the distance counts as near.
        let q = p.with_near_next_tier(Decimal::from(15)).unwrap();
        assert_eq!(q.assess(&input).unwrap().points.near_next_tier, 1);
        assert!(p.with_near_next_tier(Decimal::ZERO).unwrap_err().to_string().contains("near_next_tier"));
    }

    #[test]
    fn a_zero_prior_year_gives_no_year_on_year_figure() {
        let s = series(&[80_000; 12]);
        let input = PotentialInput::new(&s).with_years(Decimal::from(960_000), Decimal::ZERO);
        let p = PotentialPolicy::default().assess(&input).unwrap();
        assert_eq!(p.year_on_year, None);
    }

    #[test]
    fn months_of_exactly_zero_are_low_without_a_trend() {
        let s = series(&[0, 0, 0, 0]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!((p.trend, p.stability, p.level), (None, None, PotentialLevel::Low));
        // Exactly the minimum history is enough for a judgement.
        let s = series(&[100, 100, 100]);
        let p = PotentialPolicy::default().assess(&PotentialInput::new(&s)).unwrap();
        assert_eq!(p.level, PotentialLevel::Medium);
        assert!(!p.signals().iter().any(|r| matches!(r, Signal::ShortHistory { .. })));
    }
    #[test]
    fn reasons_read_with_their_sign_in_both_languages() {
        let text = |r: Signal| (Language::En.signal(&r), Language::Ru.signal(&r));
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            text(Signal::Trend { percent_per_month: d("2.54"), points: 1 }),
            ("trend +2.5 % a month".to_owned(), "тренд +2,5 % в месяц".to_owned())
        );
        assert_eq!(
            text(Signal::YearOnYear { percent: d("-27.08"), points: -1 }),
            ("−27.1 % year on year".to_owned(), "к прошлому году −27,1 %".to_owned())
        );
        // Zero, even a negative zero, reads as +0.
        assert_eq!(text(Signal::Trend { percent_per_month: d("-0.0"), points: 0 }).0, "trend +0.0 % a month");
        assert_eq!(
            text(Signal::ShortHistory { months: 2, needed: 3 }),
            (
                "new partner: 2 months of history, 3 needed for a judgement".to_owned(),
                "новый партнёр: 2 мес. истории, для оценки нужно 3".to_owned()
            )
        );
    }

    #[test]
    fn a_falling_year_costs_a_point_and_nearness_adds_one() {
        let flat = series(&[80_000; 12]);
        // 700 000 after 960 000: −27 %, beyond −20 %.
        let input = PotentialInput::new(&flat).with_years(Decimal::from(700_000), Decimal::from(960_000));
        let p = PotentialPolicy::default().assess(&input).unwrap();
        assert_eq!((p.points.year_on_year, p.points.stability, p.score), (-1, 1, 0));
        assert_eq!(p.level, PotentialLevel::Medium);
        // Within ±20 %: no point either way.
        let input = PotentialInput::new(&flat).with_years(Decimal::from(900_000), Decimal::from(960_000));
        assert_eq!(PotentialPolicy::default().assess(&input).unwrap().points.year_on_year, 0);
        // Steady (+1) and near the next tier (+1): High.
        let input = PotentialInput::new(&flat).with_gap(TierGap::new(Decimal::from(20_000), Decimal::from(100_000)));
        let p = PotentialPolicy::default().assess(&input).unwrap();
        assert_eq!((p.score, p.level), (2, PotentialLevel::High));
    }
}

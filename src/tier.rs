//! Volume tiers by monthly turnover: Gold, Silver, Bronze, Beginner.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::money::{Currency, Money};
use crate::period::{Month, Window};
use crate::util::exact::Scaled;

/// The article's volume tiers by monthly turnover.
///
/// | tier | the article's threshold (RUB a month) | meaning |
/// | --- | --- | --- |
/// | `Gold` | more than 500 000 | key strategic partners that bring a large part of revenue: maximum attention, exclusive terms, joint planning, priority support, top-level meetings, early access to new products |
/// | `Silver` | 100 000 to 500 000 | stable growth and real potential: regular support, training and motivation, marketing materials, joint events, extended analytics |
/// | `Bronze` | 20 000 to 100 000 | developing partners: active support and training, preferential terms, help with the sales strategy, regular review of results |
/// | `Beginner` | under 20 000 | the start of the partnership: intensive support, training, motivation, free marketing materials, help with advertising, monitoring |
///
/// The thresholds are a [`TierPolicy`] and can be changed; the number of
/// tiers cannot. `Tier` is deliberately **exhaustive** (not
/// `#[non_exhaustive]`): the article defines exactly four tiers, playbooks
/// must have an entry for each, and callers `match` on them; a fifth tier
/// would change every playbook and report, so it would be a breaking change
/// whatever the attribute said.
///
/// Tiers order from `Beginner` (lowest) to `Gold` (highest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Tier {
    /// Under the Bronze floor (the article: under 20 000 RUB a month).
    Beginner,
    /// From the Bronze floor (the article: 20 000 to 100 000 RUB).
    Bronze,
    /// From the Silver floor (the article: 100 000 to 500 000 RUB).
    Silver,
    /// Above the Gold floor (the article: more than 500 000 RUB).
    Gold,
}

impl Tier {
    /// All tiers, highest first.
    pub const ALL: [Tier; 4] = [Tier::Gold, Tier::Silver, Tier::Bronze, Tier::Beginner];

    /// The next tier up, if any.
    #[must_use]
    pub fn next(&self) -> Option<Tier> {
        match self {
            Tier::Beginner => Some(Tier::Bronze),
            Tier::Bronze => Some(Tier::Silver),
            Tier::Silver => Some(Tier::Gold),
            Tier::Gold => None,
        }
    }

    /// The next tier down, if any.
    #[must_use]
    pub fn lower(&self) -> Option<Tier> {
        match self {
            Tier::Gold => Some(Tier::Silver),
            Tier::Silver => Some(Tier::Bronze),
            Tier::Bronze => Some(Tier::Beginner),
            Tier::Beginner => None,
        }
    }

    /// 0 for Gold … 3 for Beginner: the row in tables and matrices.
    #[must_use]
    pub fn index(&self) -> usize {
        match self {
            Tier::Gold => 0,
            Tier::Silver => 1,
            Tier::Bronze => 2,
            Tier::Beginner => 3,
        }
    }
}

impl fmt::Display for Tier {
    /// The tier's English name, "Gold" (for the words of a language see
    /// [`Catalogue::tier`](crate::lang::Catalogue::tier)).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::Gold => "Gold",
            Tier::Silver => "Silver",
            Tier::Bronze => "Bronze",
            Tier::Beginner => "Beginner",
        })
    }
}

/// The lower boundary of a tier in monthly turnover: the amount and whether
/// a partner exactly at it belongs to the tier.
///
/// The article's Gold floor is exclusive ("more than 500 000"), its Silver
/// and Bronze floors are inclusive ("from 100 000", "from 20 000").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Floor {
    amount: Decimal,
    inclusive: bool,
}

impl Floor {
    /// A floor that a partner reaches at exactly `amount` ("from").
    #[must_use]
    pub fn at_least(amount: Decimal) -> Floor {
        Floor { amount, inclusive: true }
    }

    /// A floor that a partner must exceed ("more than").
    #[must_use]
    pub fn above(amount: Decimal) -> Floor {
        Floor { amount, inclusive: false }
    }

    /// The amount per month.
    #[must_use]
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// True if a partner exactly at the amount reaches the floor.
    #[must_use]
    pub fn is_inclusive(&self) -> bool {
        self.inclusive
    }

    /// True if `total` over `months` months reaches the floor, compared
    /// exactly (`total` against amount × months, no division).
    fn reached(&self, total: Decimal, months: u32) -> Result<bool> {
        let bar = self
            .amount
            .checked_mul(Decimal::from(months))
            .ok_or_else(|| Error::overflow("a tier floor times the months"))?;
        Ok(clears(total, bar, self.inclusive))
    }
}

/// True if `total` reaches `bar`: at or above it for an inclusive floor,
/// above it otherwise.
fn clears<T: PartialOrd>(total: T, bar: T, inclusive: bool) -> bool {
    if inclusive { total >= bar } else { total > bar }
}

/// The floors of Gold, Silver and Bronze times a number of months: what a
/// window total over those months is compared with
/// ([`TierPolicy::bars`]).
pub(crate) struct Bars {
    months: u32,
    bars: [(Tier, Decimal, bool); 3],
    /// The bars as integers at a ledger's scale, when each is a whole
    /// number of its smallest units: compared with a total at that scale
    /// without a `Decimal` comparison (a million partners are tiered).
    minor: Option<[i128; 3]>,
}

impl Bars {
    /// The tier a total over the bars' months reaches, as
    /// [`Floor::reached`] decides for each floor; `minor` is the same
    /// total as an integer at the scale the bars were made for.
    fn plain_tier(&self, total: Decimal, minor: Option<i128>) -> Tier {
        let ints = minor.zip(self.minor);
        self.bars
            .iter()
            .enumerate()
            .find(|&(i, &(_, bar, inclusive))| match ints {
                Some((total, bars)) => bars.get(i).is_some_and(|&bar| clears(total, bar, inclusive)),
                None => clears(total, bar, inclusive),
            })
            .map_or(Tier::Beginner, |(_, (tier, _, _))| *tier)
    }
}

/// Whether a partner's monthly figure is within a percentage of the next
/// tier's floor (the potential's `near_next_tier` test on a [`TierGap`]),
/// decided in integers for a total at a ledger's scale: the review asks it
/// of a million partners, and the `Decimal` divisions of the gap were
/// about a twentieth of the review's time.
///
/// For `months` > 0 and a floor `F` above the total's monthly figure, the
/// gap is near when `100 · (F · months − total) ≤ percent · F · months`.
/// The `Decimal` test rounds the monthly figure and the share to 28
/// digits on the way, which can only matter when the gap's percentage is
/// within about `(percent + 100) · 10^-26` of `percent`; [`NearNext::near`]
/// leaves gaps within `(percent + 100) · 10^-20` of it, and every case it
/// cannot work out in 128 bits, to that test.
///
/// [`TierGap`]: crate::potential::TierGap
#[derive(Clone, Copy, Debug)]
pub(crate) struct NearNext {
    /// The floors of Bronze, Silver and Gold at the total's scale.
    floors: [i128; 3],
    /// The percentage as `percent / 10^places`, and `100 · 10^places`.
    percent: (i128, i128),
}

impl NearNext {
    /// The integer test of `policy`'s floors for totals at `scale` places,
    /// against `percent` %; `None` when a floor has more places, is not
    /// positive or reaches 10^20 (where the `Decimal` figures of an
    /// assignment can overflow, which only that path reports), or the
    /// percentage is not positive or has more than 10 places.
    pub(crate) fn new(policy: &TierPolicy, scale: u32, percent: Decimal) -> Option<NearNext> {
        let at = Scaled { scale };
        let limit = Decimal::from_i128_with_scale(10i128.pow(20), 0);
        let floor = |f: Floor| (f.amount > Decimal::ZERO && f.amount < limit).then(|| at.int(f.amount, "floor").ok());
        let floors = [floor(policy.bronze)??, floor(policy.silver)??, floor(policy.gold)??];
        let percent = percent.normalize();
        if percent <= Decimal::ZERO || percent.scale() > 10 {
            return None;
        }
        Some(NearNext { floors, percent: (percent.mantissa(), 100 * 10i128.pow(percent.scale())) })
    }

    /// Whether `total` (at the scale of [`NearNext::new`]) over `months`
    /// months is near the floor of `next`, as [`TierGap::within`] of the
    /// assignment's gap decides it; `None` when only that test can tell.
    ///
    /// [`TierGap::within`]: crate::potential::TierGap::within
    pub(crate) fn near(&self, next: Tier, total: i128, months: u32) -> Option<bool> {
        let floor = match next {
            Tier::Bronze => self.floors[0],
            Tier::Silver => self.floors[1],
            Tier::Gold => self.floors[2],
            Tier::Beginner => return None,
        };
        if months == 0 {
            return None;
        }
        let bar = floor.checked_mul(i128::from(months))?;
        let short = bar.checked_sub(total)?;
        if short <= 0 {
            // At or above the floor: no gap.
            return Some(true);
        }
        let (percent, hundred) = self.percent;
        let left = hundred.checked_mul(short)?;
        let right = percent.checked_mul(bar)?;
        // The `Decimal` test's error in percent is within about
        // (percent + 100) · 10^-26: the share's rounding to 28 places, and
        // the monthly figure's relative to the share and one. The margin is
        // that times 10^6, in units of `left`, which are 10^places · bar
        // to a percent.
        let margin = percent.checked_add(hundred)?.checked_mul(bar)?.unsigned_abs() / 10u128.pow(20);
        if left.abs_diff(right) <= margin {
            return None;
        }
        Some(left < right)
    }
}

/// How the monthly figure of a partner that started inside the review
/// window is averaged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Averaging {
    /// Over the months since the partner started (its start month counts as
    /// a whole month; if it sold earlier than its recorded start date, from
    /// its first sale). A partner without a start date is averaged over the
    /// whole window. This is the default: a newcomer that sells 150 000 a
    /// month for three months is Silver, not Bronze.
    #[default]
    SinceStart,
    /// Over the whole window, whatever the start date.
    WholeWindow,
}

/// How many demotions one review may make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DemotionSteps {
    /// Straight to the tier the figure gives. This is the default.
    #[default]
    Unlimited,
    /// At most one tier down per review. After each step the count of
    /// reviews below the floor starts again, so with a hold of N reviews a
    /// Gold partner whose sales stop reaches Beginner after 3 × N reviews.
    One,
}

/// The tier thresholds and rules: the floors per month in one currency, how
/// the monthly figure is averaged, and the hysteresis of demotions.
///
/// The default is the article's, in RUB: Gold `> 500 000`, Silver `≥ 100 000`
/// and `≤ 500 000`, Bronze `≥ 20 000` and `< 100 000`, Beginner `< 20 000`;
/// averaging since the start date; demotion at the first review below the
/// floor (the article's plain rule).
///
/// Promotion always applies at once. Demotion applies after the partner has
/// been below its tier's floor for `demote_after` consecutive reviews
/// (default 1, the plain rule); with [`DemotionSteps::One`] it goes down at
/// most one tier per review.
///
/// # Example
///
/// ```
/// use partner_priority::Currency;
/// use partner_priority::tier::{DemotionSteps, Floor, TierPolicy};
/// use rust_decimal::Decimal;
///
/// // Thresholds for a market in euros, with demotions held for two reviews.
/// let policy = TierPolicy::builder(Currency::EUR)
///     .bronze(Floor::at_least(Decimal::from(500)))
///     .silver(Floor::at_least(Decimal::from(2_500)))
///     .gold(Floor::above(Decimal::from(10_000)))
///     .demote_after(2)
///     .demotion_steps(DemotionSteps::One)
///     .build()?;
/// assert_eq!(policy.demote_after(), 2);
///
/// let bad = TierPolicy::builder(Currency::RUB).silver(Floor::at_least(Decimal::from(10_000))).build();
/// assert!(bad.unwrap_err().to_string().contains("silver"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTierPolicy", into = "RawTierPolicy"))]
pub struct TierPolicy {
    currency: Currency,
    bronze: Floor,
    silver: Floor,
    gold: Floor,
    averaging: Averaging,
    demote_after: u32,
    demotion_steps: DemotionSteps,
}

impl Default for TierPolicy {
    fn default() -> TierPolicy {
        TierPolicy {
            currency: Currency::RUB,
            bronze: Floor::at_least(Decimal::from(20_000)),
            silver: Floor::at_least(Decimal::from(100_000)),
            gold: Floor::above(Decimal::from(500_000)),
            averaging: Averaging::SinceStart,
            demote_after: 1,
            demotion_steps: DemotionSteps::Unlimited,
        }
    }
}

/// Builds a checked [`TierPolicy`]; unset fields keep the article's
/// defaults.
#[derive(Clone, Debug)]
pub struct TierPolicyBuilder {
    policy: TierPolicy,
}

impl TierPolicyBuilder {
    /// Sets the Bronze floor.
    #[must_use]
    pub fn bronze(mut self, floor: Floor) -> Self {
        self.policy.bronze = floor;
        self
    }

    /// Sets the Silver floor.
    #[must_use]
    pub fn silver(mut self, floor: Floor) -> Self {
        self.policy.silver = floor;
        self
    }

    /// Sets the Gold floor.
    #[must_use]
    pub fn gold(mut self, floor: Floor) -> Self {
        self.policy.gold = floor;
        self
    }

    /// Sets how the monthly figure is averaged.
    #[must_use]
    pub fn averaging(mut self, averaging: Averaging) -> Self {
        self.policy.averaging = averaging;
        self
    }

    /// Sets after how many consecutive reviews below its floor a partner is
    /// demoted (at least 1).
    #[must_use]
    pub fn demote_after(mut self, reviews: u32) -> Self {
        self.policy.demote_after = reviews;
        self
    }

    /// Sets how far one review may demote.
    #[must_use]
    pub fn demotion_steps(mut self, steps: DemotionSteps) -> Self {
        self.policy.demotion_steps = steps;
        self
    }

    /// Checks and returns the policy.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field as the JSON form names
    /// it (`bronze.from`, `gold.above`…): a negative floor, floors that do
    /// not increase strictly from Bronze to Gold, or `demote_after` of 0
    /// (`demotion.after_reviews`).
    pub fn build(self) -> Result<TierPolicy> {
        let p = self.policy;
        // The JSON key of a floor: `from` (inclusive) or `above`.
        let field = |name: &str, floor: Floor| format!("{name}.{}", if floor.inclusive { "from" } else { "above" });
        for (name, floor) in [("bronze", p.bronze), ("silver", p.silver), ("gold", p.gold)] {
            if floor.amount.is_sign_negative() && !floor.amount.is_zero() {
                return Err(Error::policy(field(name, floor), format!("{} is negative", floor.amount)));
            }
        }
        if p.silver.amount <= p.bronze.amount {
            return Err(Error::policy(
                field("silver", p.silver),
                format!("the Silver floor {} must be above the Bronze floor {}", p.silver.amount, p.bronze.amount),
            ));
        }
        if p.gold.amount <= p.silver.amount {
            return Err(Error::policy(
                field("gold", p.gold),
                format!("the Gold floor {} must be above the Silver floor {}", p.gold.amount, p.silver.amount),
            ));
        }
        if p.demote_after == 0 {
            return Err(Error::policy("demotion.after_reviews", "must be at least 1"));
        }
        Ok(TierPolicy {
            bronze: Floor { amount: p.bronze.amount.normalize(), ..p.bronze },
            silver: Floor { amount: p.silver.amount.normalize(), ..p.silver },
            gold: Floor { amount: p.gold.amount.normalize(), ..p.gold },
            ..p
        })
    }
}

impl TierPolicy {
    /// A builder starting from the article's defaults in `currency`.
    #[must_use]
    pub fn builder(currency: Currency) -> TierPolicyBuilder {
        TierPolicyBuilder { policy: TierPolicy { currency, ..TierPolicy::default() } }
    }

    /// The currency of the floors.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The floor of a tier (`None` for Beginner, which has none).
    #[must_use]
    pub fn floor(&self, tier: Tier) -> Option<Floor> {
        match tier {
            Tier::Gold => Some(self.gold),
            Tier::Silver => Some(self.silver),
            Tier::Bronze => Some(self.bronze),
            Tier::Beginner => None,
        }
    }

    /// How the monthly figure is averaged.
    #[must_use]
    pub fn averaging(&self) -> Averaging {
        self.averaging
    }

    /// After how many consecutive reviews below its floor a partner is demoted.
    #[must_use]
    pub fn demote_after(&self) -> u32 {
        self.demote_after
    }

    /// How far one review may demote.
    #[must_use]
    pub fn demotion_steps(&self) -> DemotionSteps {
        self.demotion_steps
    }

    /// The tier that a monthly figure alone gives (no hysteresis).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if `monthly` is not in the policy's
    /// currency.
    pub fn tier_of(&self, monthly: Money) -> Result<Tier> {
        self.check_currency(monthly.currency())?;
        self.plain_tier(monthly.amount(), 1)
    }

    fn check_currency(&self, currency: Currency) -> Result<()> {
        if currency == self.currency { Ok(()) } else { Err(Error::currency_mismatch(self.currency, currency)) }
    }

    fn plain_tier(&self, total: Decimal, months: u32) -> Result<Tier> {
        if months == 0 {
            return Ok(Tier::Beginner);
        }
        for tier in [Tier::Gold, Tier::Silver, Tier::Bronze] {
            if let Some(floor) = self.floor(tier) {
                if floor.reached(total, months)? {
                    return Ok(tier);
                }
            }
        }
        Ok(Tier::Beginner)
    }

    /// The bars of the plain tiers over `months` months: each floor times
    /// the months, Gold first, for totals at `scale` decimal places (the
    /// ledger's).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if a product is
    /// out of range.
    pub(crate) fn bars(&self, months: u32, scale: u32) -> Result<Bars> {
        let bar = |tier: Tier| -> Result<(Tier, Decimal, bool)> {
            let floor = self.floor(tier).unwrap_or(Floor { amount: Decimal::ZERO, inclusive: true });
            let bar = floor
                .amount
                .checked_mul(Decimal::from(months))
                .ok_or_else(|| Error::overflow("a tier floor times the months"))?;
            Ok((tier, bar, floor.inclusive))
        };
        let bars = [bar(Tier::Gold)?, bar(Tier::Silver)?, bar(Tier::Bronze)?];
        let at = Scaled { scale };
        let minor = match bars.map(|(_, bar, _)| at.int(bar, "a tier bar").ok()) {
            [Some(g), Some(s), Some(b)] => Some([g, s, b]),
            _ => None,
        };
        Ok(Bars { months, bars, minor })
    }

    /// The number of months a partner's window turnover is averaged over.
    ///
    /// Under [`Averaging::SinceStart`], a partner whose start (its start
    /// date, or its first sale if that is earlier: `first_sale` is the month
    /// of its first activity in the ledger, at any time) falls inside the
    /// window is averaged over the months from the start month to the end of
    /// the window; a start after the window gives 0 months (the
    /// partner has not started: Beginner with a monthly figure of 0).
    /// Otherwise, and under [`Averaging::WholeWindow`], over the whole
    /// window.
    #[must_use]
    pub fn months(&self, window: Window, start_date: Option<NaiveDate>, first_sale: Option<Month>) -> u32 {
        if self.averaging == Averaging::WholeWindow {
            return window.len();
        }
        let start = match (start_date.map(Month::of), first_sale) {
            (Some(s), Some(f)) => Some(s.min(f)),
            (s, f) => s.or(f).filter(|_| start_date.is_some()),
        };
        match start {
            None => window.len(),
            Some(s) if s <= window.first() => window.len(),
            Some(s) if s > window.last() => 0,
            Some(s) => window.last().months_since(s).unsigned_abs() + 1,
        }
    }

    /// Assigns a tier to a partner: `total` is its turnover over `months`
    /// months (see [`TierPolicy::months`]); `previous` is its state after the
    /// previous review, which carries hysteresis.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if `total` is not in the policy's
    /// currency; [`ErrorKind::Overflow`] for a floor × months out of range.
    ///
    /// # Example
    ///
    /// ```
    /// use partner_priority::tier::{TierPolicy, TierState};
    /// use partner_priority::{Currency, Money, Tier};
    /// use rust_decimal::Decimal;
    ///
    /// let policy = TierPolicy::builder(Currency::RUB).demote_after(2).build()?;
    /// let year = |monthly: i64| Money::new(Decimal::from(monthly * 12), Currency::RUB);
    ///
    /// // 612 000 a month: Gold, 112 000 above the floor.
    /// let a = policy.assign(year(612_000), 12, None)?;
    /// assert_eq!(a.tier, Tier::Gold);
    /// assert_eq!(a.progress.headroom, Some(Decimal::from(112_000)));
    ///
    /// // One dip below the floor is held (demote after 2 reviews) …
    /// let b = policy.assign(year(450_000), 12, Some(a.state()))?;
    /// assert_eq!((b.tier, b.plain), (Tier::Gold, Tier::Silver));
    /// assert!(b.progress.drops_at_next_review);
    /// // … the second demotes.
    /// let c = policy.assign(year(450_000), 12, Some(b.state()))?;
    /// assert_eq!(c.tier, Tier::Silver);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    pub fn assign(&self, total: Money, months: u32, previous: Option<TierState>) -> Result<TierAssignment> {
        self.check_currency(total.currency())?;
        let total = total.amount();
        let (tier, plain, below_reviews) = self.decide(total, months, previous)?;
        self.try_assignment(total, months, tier, plain, below_reviews)
    }

    /// The tier, the plain tier and the reviews below of
    /// [`assign`](Self::assign), without the progress figures (for the
    /// forecast, which needs only the tiers); `total` in the policy's
    /// currency.
    pub(crate) fn decide(&self, total: Decimal, months: u32, previous: Option<TierState>) -> Result<(Tier, Tier, u32)> {
        self.decide_with(None, (total, None), months, previous)
    }

    /// [`decide`](Self::decide), comparing with `bars` when they are the
    /// bars of `months` months (worked out once for a million partners
    /// averaged over the same months, instead of three products each).
    /// `total` comes with its integer at the bars' scale when known.
    pub(crate) fn decide_with(
        &self,
        bars: Option<&Bars>,
        (total, minor): (Decimal, Option<i128>),
        months: u32,
        previous: Option<TierState>,
    ) -> Result<(Tier, Tier, u32)> {
        let plain = match bars {
            Some(b) if b.months == months && months > 0 => b.plain_tier(total, minor),
            _ => self.plain_tier(total, months)?,
        };
        let (tier, below_reviews) = match previous {
            None => (plain, 0),
            Some(prev) if plain >= prev.tier => (plain, 0),
            Some(prev) => {
                let below = prev.below_reviews.saturating_add(1);
                if below >= self.demote_after {
                    let demoted = match self.demotion_steps {
                        DemotionSteps::Unlimited => plain,
                        DemotionSteps::One => prev.tier.lower().unwrap_or(plain).max(plain),
                    };
                    (demoted, 0)
                } else {
                    (prev.tier, below)
                }
            }
        };
        Ok((tier, plain, below_reviews))
    }

    /// The monthly figure of `total` over `months` months (0 for no months),
    /// exact to Decimal's 28 significant digits.
    pub(crate) fn monthly(total: Decimal, months: u32) -> Decimal {
        if months == 0 {
            Decimal::ZERO
        } else {
            total.checked_div(Decimal::from(months)).unwrap_or(Decimal::ZERO).normalize()
        }
    }

    /// The assignment of a partner already placed in `tier` (`plain` by its
    /// figure alone), with the figures behind it.
    pub(crate) fn try_assignment(
        &self,
        total: Decimal,
        months: u32,
        tier: Tier,
        plain: Tier,
        below_reviews: u32,
    ) -> Result<TierAssignment> {
        let overflow = || Error::overflow("the distance to a tier floor");
        let monthly = TierPolicy::monthly(total, months);
        let held = tier > plain;
        let progress = Progress {
            next: tier.next(),
            to_next: match tier.next().and_then(|t| self.floor(t)) {
                Some(floor) => Some(floor.amount.checked_sub(monthly).ok_or_else(overflow)?.max(Decimal::ZERO)),
                None => None,
            },
            headroom: match self.floor(tier) {
                Some(floor) => Some(monthly.checked_sub(floor.amount).ok_or_else(overflow)?),
                None => None,
            },
            drops_at_next_review: held && below_reviews.saturating_add(1) >= self.demote_after,
        };
        Ok(TierAssignment { tier, plain, monthly, months, below_reviews, progress })
    }

    /// [`TierPolicy::try_assignment`] for a placement that was assigned
    /// before (the same figures, so the same result); a distance out of
    /// Decimal's range, which assigning it would have refused, is left out.
    pub(crate) fn assignment(
        &self,
        total: Decimal,
        months: u32,
        tier: Tier,
        plain: Tier,
        below: u32,
    ) -> TierAssignment {
        self.try_assignment(total, months, tier, plain, below).unwrap_or_else(|_| TierAssignment {
            tier,
            plain,
            monthly: TierPolicy::monthly(total, months),
            months,
            below_reviews: below,
            progress: Progress { next: tier.next(), to_next: None, headroom: None, drops_at_next_review: false },
        })
    }
}

/// A partner's tier state after a review: what the next review needs for
/// hysteresis. It is part of every assessment, so passing the previous
/// result in carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TierState {
    /// The tier assigned.
    pub tier: Tier,
    /// Consecutive reviews the partner has been below that tier's floor
    /// (0 when its figure reaches the tier).
    pub below_reviews: u32,
}

impl TierState {
    /// A state: `tier` held for `below_reviews` reviews below its floor.
    #[must_use]
    pub fn new(tier: Tier, below_reviews: u32) -> TierState {
        TierState { tier, below_reviews }
    }
}

/// Where a partner stands against the tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Progress {
    /// The next tier up (`None` for Gold).
    pub next: Option<Tier>,
    /// The monthly amount still needed to reach the next tier's floor (for
    /// an exclusive floor, such as Gold's, the figure must then exceed it).
    pub to_next: Option<Decimal>,
    /// How far the monthly figure may fall before it leaves its tier: the
    /// figure minus the tier's floor; negative while a demotion is held.
    /// `None` for Beginner.
    pub headroom: Option<Decimal>,
    /// True when the partner is below its tier's floor and one more review
    /// below would demote it.
    pub drops_at_next_review: bool,
}

/// A partner's tier with the figures behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TierAssignment {
    /// The tier assigned (after hysteresis).
    pub tier: Tier,
    /// The tier the monthly figure alone gives.
    pub plain: Tier,
    /// The monthly figure: the average monthly turnover (exact to 28
    /// significant digits; the tier itself is decided without division).
    pub monthly: Decimal,
    /// The number of months averaged.
    pub months: u32,
    /// Consecutive reviews below the assigned tier's floor.
    pub below_reviews: u32,
    /// Distance to the next tier and headroom above the floor.
    pub progress: Progress,
}

impl TierAssignment {
    /// The state to pass to the next review.
    #[must_use]
    pub fn state(&self) -> TierState {
        TierState { tier: self.tier, below_reviews: self.below_reviews }
    }
}

/// One row of the tier table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TierRow {
    /// The tier.
    pub tier: Tier,
    /// Partners in it.
    pub partners: u64,
    /// Their turnover over the window.
    pub turnover: Decimal,
}

/// The tier table: partners and turnover per tier, Gold first.
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if a sum is out of range.
pub fn tier_table<I: IntoIterator<Item = (Tier, Decimal)>>(items: I) -> Result<Vec<TierRow>> {
    let mut rows: Vec<TierRow> =
        Tier::ALL.iter().map(|&tier| TierRow { tier, partners: 0, turnover: Decimal::ZERO }).collect();
    for (tier, turnover) in items {
        if let Some(row) = rows.get_mut(tier.index()) {
            row.partners += 1;
            row.turnover = row.turnover.checked_add(turnover).ok_or_else(|| Error::overflow("a tier's turnover"))?;
        }
    }
    Ok(rows)
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFloor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    above: Option<Decimal>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemotion {
    #[serde(default = "one")]
    after_reviews: u32,
    #[serde(default)]
    steps: DemotionSteps,
}

#[cfg(feature = "serde")]
fn one() -> u32 {
    1
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTierPolicy {
    currency: Currency,
    gold: RawFloor,
    silver: RawFloor,
    bronze: RawFloor,
    #[serde(default)]
    averaging: Averaging,
    #[serde(default = "default_demotion")]
    demotion: RawDemotion,
}

#[cfg(feature = "serde")]
fn default_demotion() -> RawDemotion {
    RawDemotion { after_reviews: 1, steps: DemotionSteps::Unlimited }
}

#[cfg(feature = "serde")]
impl RawFloor {
    fn floor(&self, name: &str) -> Result<Floor> {
        match (self.from, self.above) {
            (Some(a), None) => Ok(Floor::at_least(a)),
            (None, Some(a)) => Ok(Floor::above(a)),
            _ => Err(Error::policy(name, "give exactly one of `from` (inclusive) or `above` (exclusive)")),
        }
    }

    fn of(floor: Floor) -> RawFloor {
        if floor.inclusive {
            RawFloor { from: Some(floor.amount), above: None }
        } else {
            RawFloor { from: None, above: Some(floor.amount) }
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<RawTierPolicy> for TierPolicy {
    type Error = Error;
    fn try_from(raw: RawTierPolicy) -> Result<TierPolicy> {
        TierPolicy::builder(raw.currency)
            .gold(raw.gold.floor("gold")?)
            .silver(raw.silver.floor("silver")?)
            .bronze(raw.bronze.floor("bronze")?)
            .averaging(raw.averaging)
            .demote_after(raw.demotion.after_reviews)
            .demotion_steps(raw.demotion.steps)
            .build()
    }
}

#[cfg(feature = "serde")]
impl From<TierPolicy> for RawTierPolicy {
    fn from(p: TierPolicy) -> RawTierPolicy {
        RawTierPolicy {
            currency: p.currency,
            gold: RawFloor::of(p.gold),
            silver: RawFloor::of(p.silver),
            bronze: RawFloor::of(p.bronze),
            averaging: p.averaging,
            demotion: RawDemotion { after_reviews: p.demote_after, steps: p.demotion_steps },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rub(kopecks: i64) -> Money {
        Money::new(Decimal::new(kopecks, 2), Currency::RUB)
    }

    #[test]
    fn the_bars_of_some_months_decide_the_tiers_the_floors_decide() {
        let exclusive = TierPolicy::builder(Currency::RUB)
            .bronze(Floor::above(Decimal::new(20_000_00, 2)))
            .silver(Floor::above(Decimal::new(100_000_00, 2)))
            .gold(Floor::above(Decimal::new(500_000_00, 2)))
            .build()
            .unwrap();
        // A floor finer than the kopeck: no integer bars at 2 places.
        let fine =
            TierPolicy::builder(Currency::RUB).bronze(Floor::at_least(Decimal::new(20_000_005, 3))).build().unwrap();
        for policy in [TierPolicy::default(), exclusive, fine] {
            for months in [1u32, 3, 12] {
                let bars = policy.bars(months, 2).unwrap();
                // (20 000.005 × 12 is a whole number of kopecks again.)
                assert_eq!(bars.minor.is_some(), policy != fine || months % 2 == 0);
                for tier in [Tier::Gold, Tier::Silver, Tier::Bronze] {
                    let bar = policy.floor(tier).unwrap().amount * Decimal::from(months);
                    // On each floor, a kopeck below and a kopeck above.
                    for total in [bar - Decimal::new(1, 2), bar, bar + Decimal::new(1, 2), Decimal::ZERO] {
                        let minor = Scaled { scale: 2 }.int(total, "total").ok();
                        for previous in
                            [None, Some(TierState::new(Tier::Gold, 0)), Some(TierState::new(Tier::Silver, 1))]
                        {
                            let decided = policy.decide(total, months, previous).unwrap();
                            assert_eq!(
                                policy.decide_with(Some(&bars), (total, minor), months, previous).unwrap(),
                                decided,
                                "{total} over {months} months"
                            );
                            assert_eq!(
                                policy.decide_with(Some(&bars), (total, None), months, previous).unwrap(),
                                decided
                            );
                        }
                    }
                }
                // Bars of other months are not used.
                let other = policy.bars(months + 1, 2).unwrap();
                let total = policy.floor(Tier::Silver).unwrap().amount * Decimal::from(months);
                assert_eq!(
                    policy
                        .decide_with(Some(&other), (total, Scaled { scale: 2 }.int(total, "total").ok()), months, None)
                        .unwrap(),
                    policy.decide(total, months, None).unwrap()
                );
            }
            // No months: Beginner, whatever the bars of no months say.
            let none = policy.bars(0, 2).unwrap();
            for total in [Decimal::ZERO, Decimal::ONE] {
                let minor = Scaled { scale: 2 }.int(total, "total").ok();
                assert_eq!(policy.decide_with(Some(&none), (total, minor), 0, None).unwrap().0, Tier::Beginner);
            }
        }
    }

    #[test]
    fn the_articles_boundaries_to_the_kopeck() {
        let p = TierPolicy::default();
        let cases = [
            (19_999_99, Tier::Beginner),
            (20_000_00, Tier::Bronze),
            (20_000_01, Tier::Bronze),
            (99_999_99, Tier::Bronze),
            (100_000_00, Tier::Silver),
            (100_000_01, Tier::Silver),
            (499_999_99, Tier::Silver),
            (500_000_00, Tier::Silver),
            (500_000_01, Tier::Gold),
            (0, Tier::Beginner),
            (-5_000_00, Tier::Beginner),
        ];
        for (kopecks, tier) in cases {
            assert_eq!(p.tier_of(rub(kopecks)).unwrap(), tier, "{kopecks}");
        }
    }

    #[test]
    fn the_average_is_compared_without_division() {
        // 100 000.00 × 3 − 0.01 over three months is just below Silver.
        let p = TierPolicy::default();
        assert_eq!(p.assign(rub(300_000_00 - 1), 3, None).unwrap().tier, Tier::Bronze);
        assert_eq!(p.assign(rub(300_000_00), 3, None).unwrap().tier, Tier::Silver);
    }

    #[test]
    fn another_currency_is_an_error() {
        let p = TierPolicy::default();
        let eur = Money::new(Decimal::ONE, Currency::EUR);
        assert!(p.tier_of(eur).unwrap_err().is_currency_mismatch());
        assert!(p.assign(eur, 12, None).unwrap_err().is_currency_mismatch());
    }

    #[test]
    fn months_since_start() {
        let p = TierPolicy::default();
        let w = Window::before(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 12).unwrap();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let m = |y, mo| Month::new(y, mo).ok();
        assert_eq!(p.months(w, None, m(2025, 6)), 12);
        assert_eq!(p.months(w, d(2020, 1, 1), None), 12);
        assert_eq!(p.months(w, d(2025, 10, 20), None), 3);
        assert_eq!(p.months(w, d(2025, 10, 20), m(2025, 8)), 5); // sold before its recorded start
        assert_eq!(p.months(w, d(2026, 2, 1), None), 0);
        let whole = TierPolicy::builder(Currency::RUB).averaging(Averaging::WholeWindow).build().unwrap();
        assert_eq!(whole.months(w, d(2025, 10, 20), None), 12);
        // A partner that has not started yet is Beginner at 0.
        let a = p.assign(rub(0), 0, None).unwrap();
        assert_eq!((a.tier, a.monthly), (Tier::Beginner, Decimal::ZERO));
    }

    #[test]
    fn progress_to_the_next_tier() {
        let p = TierPolicy::default();
        let a = p.assign(Money::new(Decimal::from(60_000 * 12), Currency::RUB), 12, None).unwrap();
        assert_eq!(a.tier, Tier::Bronze);
        assert_eq!(a.progress.next, Some(Tier::Silver));
        assert_eq!(a.progress.to_next, Some(Decimal::from(40_000)));
        assert_eq!(a.progress.headroom, Some(Decimal::from(40_000)));
        let g = p.assign(Money::new(Decimal::from(612_000), Currency::RUB), 1, None).unwrap();
        assert_eq!((g.progress.next, g.progress.to_next), (None, None));
        let b = p.assign(rub(5_000_00), 1, None).unwrap();
        assert_eq!(b.progress.headroom, None);
        assert_eq!(b.progress.to_next, Some(Decimal::from(15_000)));
    }

    #[test]
    fn one_step_demotion() {
        let p = TierPolicy::builder(Currency::RUB).demotion_steps(DemotionSteps::One).build().unwrap();
        let gold = Some(TierState::new(Tier::Gold, 0));
        let a = p.assign(rub(0), 1, gold).unwrap();
        assert_eq!(a.tier, Tier::Silver);
        let b = p.assign(rub(0), 1, Some(a.state())).unwrap();
        assert_eq!(b.tier, Tier::Bronze);
    }

    #[test]
    fn policies_are_checked() {
        let d = |v: i64| Decimal::from(v);
        let err = |b: TierPolicyBuilder| b.build().unwrap_err().to_string();
        let base = || TierPolicy::builder(Currency::RUB);
        assert!(err(base().bronze(Floor::at_least(d(-1)))).contains("`bronze.from`"));
        assert!(err(base().bronze(Floor::above(d(-1)))).contains("`bronze.above`"));
        assert!(err(base().silver(Floor::at_least(d(20_000)))).contains("`silver.from`"));
        assert!(err(base().gold(Floor::above(d(100_000)))).contains("`gold.above`"));
        assert!(err(base().demote_after(0)).contains("demotion.after_reviews"));
        assert!(base().bronze(Floor::at_least(d(0))).build().is_ok());
    }
    #[test]
    fn the_builder_keeps_every_setting_and_normalises_the_floors() {
        let p = TierPolicy::builder(Currency::USD)
            .bronze(Floor::above(Decimal::new(1_000_00, 2)))
            .silver(Floor::at_least(Decimal::new(5_000_000, 3)))
            .gold(Floor::at_least(Decimal::new(20_000_0, 1)))
            .averaging(Averaging::WholeWindow)
            .demote_after(3)
            .demotion_steps(DemotionSteps::One)
            .build()
            .unwrap();
        assert_eq!(p.currency(), Currency::USD);
        let floors: Vec<(String, bool)> = [Tier::Bronze, Tier::Silver, Tier::Gold]
            .iter()
            .map(|t| p.floor(*t).map(|f| (f.amount().to_string(), f.is_inclusive())).unwrap())
            .collect();
        assert_eq!(floors, [("1000".to_owned(), false), ("5000".to_owned(), true), ("20000".to_owned(), true)]);
        assert_eq!(
            (p.averaging(), p.demote_after(), p.demotion_steps()),
            (Averaging::WholeWindow, 3, DemotionSteps::One)
        );
        let d = TierPolicy::default();
        assert_eq!(
            (d.averaging(), d.demote_after(), d.demotion_steps()),
            (Averaging::SinceStart, 1, DemotionSteps::Unlimited)
        );
        assert_eq!(format!("{} {}", Tier::Gold, Tier::Beginner), "Gold Beginner");
    }

    #[test]
    fn a_partner_starting_in_the_windows_last_month_is_averaged_over_one_month() {
        let p = TierPolicy::default();
        let w = Window::before(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 12).unwrap();
        let start = |m: u32| NaiveDate::from_ymd_opt(2025, m, 15);
        assert_eq!(p.months(w, start(12), None), 1);
        assert_eq!(p.months(w, start(11), None), 2);
        assert_eq!(p.months(w, NaiveDate::from_ymd_opt(2026, 1, 1), None), 0);
        assert_eq!(p.months(w, start(1), None), 12);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn demotion_after_one_review_is_the_serde_default() {
        let p: TierPolicy = serde_json::from_str(r#"{"currency": "RUB", "gold": {"above": 500000}, "silver": {"from": 100000}, "bronze": {"from": 20000}, "demotion": {"steps": "one"}}"#).unwrap();
        assert_eq!((p.demote_after(), p.demotion_steps()), (1, DemotionSteps::One));
    }

    /// The potential's test on the gap a `Decimal` assignment gives: the
    /// monthly figure, the distance to `floor` and its share.
    fn near_by_decimal(floor: Decimal, total: Decimal, months: u32, percent: Decimal) -> bool {
        let monthly = TierPolicy::monthly(total, months);
        let to_next = (floor - monthly).max(Decimal::ZERO);
        crate::potential::TierGap::new(to_next, floor).within(percent)
    }

    #[test]
    fn the_near_next_test_leaves_a_tie_and_no_months_to_decimal() {
        let policy = TierPolicy::default();
        let near = NearNext::new(&policy, 2, Decimal::from(20)).unwrap();
        // Silver from 100 000 a month: 80 000 a month over 3 months is
        // exactly 20 % short.
        assert_eq!(near.near(Tier::Silver, 240_000_00, 3), None);
        assert!(near_by_decimal(Decimal::from(100_000), Decimal::from(240_000), 3, Decimal::from(20)));
        // A kopeck either side.
        assert_eq!(near.near(Tier::Silver, 240_000_01, 3), Some(true));
        assert_eq!(near.near(Tier::Silver, 239_999_99, 3), Some(false));
        assert_eq!(near.near(Tier::Silver, 0, 0), None);
        // At or above the floor there is no gap.
        assert_eq!(near.near(Tier::Silver, 300_000_00, 3), Some(true));
        assert_eq!(near.near(Tier::Beginner, 1, 3), None);
        // Floors finer than the ledger's places, or a percentage that is
        // not positive: no integer test.
        let fine =
            TierPolicy::builder(Currency::RUB).bronze(Floor::at_least(Decimal::new(20_000_005, 3))).build().unwrap();
        assert!(NearNext::new(&fine, 2, Decimal::from(20)).is_none());
        assert!(NearNext::new(&fine, 3, Decimal::from(20)).is_some());
        assert!(NearNext::new(&policy, 2, Decimal::ZERO).is_none());
        // A tiny percentage against a large floor: the gap is a hair above
        // 10^-10 %, which the `Decimal` share rounds to exactly 10^-10 %.
        let large = TierPolicy::builder(Currency::RUB)
            .silver(Floor::at_least(Decimal::from_i128_with_scale(9_999_999_999_999_999_999, 2)))
            .gold(Floor::at_least(Decimal::from(200_000_000_000_000_000u64)))
            .build()
            .unwrap();
        let tiny = Decimal::new(1, 10);
        let near = NearNext::new(&large, 2, tiny).unwrap();
        let total = 12 * (9_999_999_999_999_999_999i128 - 10_000_000);
        assert_eq!(near.near(Tier::Silver, total, 12), None);
        let floor = large.floor(Tier::Silver).unwrap().amount;
        assert!(near_by_decimal(floor, Decimal::from_i128_with_scale(total, 2), 12, tiny));
        // A Gold floor from 10^20: no integer test at all, so the review
        // assigns every partner in `Decimal` and reports its overflows.
        let huge = TierPolicy::builder(Currency::RUB)
            .gold(Floor::at_least(Decimal::from(10u64.pow(10)) * Decimal::from(10u64.pow(10))))
            .build()
            .unwrap();
        assert!(NearNext::new(&huge, 2, Decimal::from(20)).is_none());
    }

    fn amount(max: i64) -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (0..=2u32).prop_flat_map(move |dp| (1..=max * 10i64.pow(dp)).prop_map(move |m| Decimal::new(m, dp)))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        #[test]
        fn the_integer_near_next_test_is_the_decimal_one(
            floor in amount(10_000_000_000_000_000),
            percent in proptest::strategy::Strategy::prop_map((1..=2_000_000i64, 0..=10u32), |(m, dp)| Decimal::new(m, dp)),
            months in 0..=24u32,
            offset in -1_000i64..=1_000,
            share in 0..=1_000u32,
            any_total in proptest::prelude::any::<i64>(),
            pick in 0..3u8,
        ) {
            let policy = TierPolicy::builder(Currency::RUB)
                .bronze(Floor::at_least(floor / Decimal::TWO))
                .silver(Floor::at_least(floor))
                .gold(Floor::at_least(floor * Decimal::TWO))
                .build()
                .unwrap();
            let near = NearNext::new(&policy, 3, percent).unwrap();
            let bar = floor * Decimal::from(months);
            // Around the boundary (the total of a gap of exactly `percent`),
            // a share of the bar, or anywhere.
            let total = match pick {
                0 => (bar - bar * percent / Decimal::ONE_HUNDRED).round_dp(2) + Decimal::new(offset, 2),
                1 => (bar * Decimal::from(share) / Decimal::from(1_000)).round_dp(2),
                _ => Decimal::new(any_total, 2),
            };
            let minor = Scaled { scale: 3 }.int(total, "total").unwrap();
            if let Some(decided) = near.near(Tier::Silver, minor, months) {
                proptest::prop_assert_eq!(decided, near_by_decimal(floor, total, months, percent));
            } else {
                // Only ties, near-ties and no months are left to `Decimal`.
                let short = |bar: Decimal| (bar - total) * Decimal::ONE_HUNDRED / bar;
                proptest::prop_assert!(months == 0 || (short(bar) - percent).abs() < Decimal::new(1, 12));
            }
        }
    }
}

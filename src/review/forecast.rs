//! A forecast of the next review: each partner's projected monthly turnover
//! for the next review period, and the tier it would give.
//!
//! The method is one a sales director can follow with a calculator:
//!
//! 1. **Level**: the partner's average monthly turnover over the last
//!    review period (the last 3 months for quarterly reviews; at least 3
//!    months, so a monthly review does not repeat one lumpy month).
//! 2. **Season**: a year before, how did the months now ahead compare with
//!    the months that correspond to the level? Their ratio of monthly
//!    averages (the *swing*; +20 % if the same quarter a year ago ran 20 %
//!    above the quarter before it) is capped to −33 % … +50 %, and half of
//!    it is counted (seasons repeat, but not exactly: half the swing beats
//!    the whole swing on the backtest). Without a year of data before the
//!    level (a new partner, a young ledger), there is no swing.
//! 3. **Projection**: the level times (1 + half the swing), rounded to the
//!    ledger's scale, for each month of the next review period.
//! 4. **Tier at the next review**: the next review's window holds the
//!    months already known and the projected ones; its monthly figure is
//!    averaged and tiered by the review's own [`TierPolicy`],
//!    with today's tier state, so a held demotion is held or carried out
//!    exactly as the next review would.
//!
//! On the sample data's last six quarterly review dates this forecast's
//! weighted absolute percentage error is lower than that of repeating the
//! last quarter (the test `tests/forecast.rs` fails otherwise; the README
//! gives the figures). It cannot know what is not in the ledger: a new
//! partner's ramp-up, a lost contract, a one-off deal, a price change.
//!
//! The forecast never changes a review: today's segment, tier and rank stay
//! what the [`Portfolio`] says; the projection is shown beside them.
//!
//! # Example
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::review::forecast::{Forecast, Outlook};
//! use partner_priority::ledger::MonthlyFigures;
//! use partner_priority::period::Month;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Tier};
//!
//! // A dealer with a strong winter a year ago, 450 000 a month since.
//! let mut ledger = Ledger::new(Currency::RUB);
//! let dealer = PartnerId::new("D-1")?;
//! for (i, amount) in [400, 400, 400, 400, 400, 400, 400, 400, 400, 700, 700, 700,
//!                     450, 450, 450, 450, 450, 450, 450, 450, 450].into_iter().enumerate() {
//!     let month = Month::new(2024, 4)?.checked_add(i as i32)?;
//!     let money = Money::new(Decimal::from(amount * 1000), Currency::RUB);
//!     ledger.add_monthly(MonthlyFigures::new(dealer.clone(), month, money))?;
//! }
//! // The review of 2026-01-01 (window 2025-01 … 2025-12).
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let policy = Policy::default();
//! let portfolio = Review::new(&ledger, as_of).run(&policy)?;
//! let forecast = Forecast::new(&ledger, &portfolio, &policy)?;
//! let p = forecast.get("D-1").unwrap();
//! assert_eq!(p.level, Decimal::from(450_000));
//! // A year ago 2025-01 … 03 ran 75 % above 2024-10 … 12; capped to 50 %, half counted.
//! assert_eq!(p.swing, Some(Decimal::new(75, 2)));
//! assert_eq!(p.monthly, Decimal::from(562_500));
//! // Gold today on last winter (512 500 a month over 2025); the next window
//! // (2025-04 … 2026-03) holds 9 × 450 000 and 3 × 562 500: 478 125, Silver.
//! assert_eq!(p.next_monthly, Decimal::from(478_125));
//! assert_eq!((p.tier, p.projected_tier, p.outlook()), (Tier::Gold, Tier::Silver, Outlook::Demotion));
//! assert_eq!(forecast.demotions().len(), 1);
//! # Ok::<(), partner_priority::Error>(())
//! ```

use std::borrow::Borrow;

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{Cell, Ledger, Row};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::{Month, Window};
use crate::review::portfolio::{IdIndex, InRankOrder, Keyed};
use crate::review::{Assessment, Policy, Portfolio};
use crate::tier::{Bars, Tier, TierPolicy};
use crate::util::exact::ratio;
use crate::util::par;

/// What the projection says about the next review's tier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Outlook {
    /// The projection gives a higher tier than today's.
    Promotion,
    /// The projection keeps today's tier.
    Steady,
    /// The projection gives a lower tier than today's.
    Demotion,
}

/// One partner's projection for the next review period.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Projection {
    /// The partner.
    pub partner: PartnerId,
    /// The currency of the amounts.
    pub currency: Currency,
    /// The months projected: the next review period.
    pub period: Window,
    /// The level: the average monthly turnover of [`level_months`](Projection::level_months)
    /// (truncated to 18 decimal places, or to whole units beyond 10¹⁰ a
    /// month).
    pub level: Decimal,
    /// The months the level averages (the last review period, at least 3
    /// months, ending with the month before the review date).
    pub level_months: Window,
    /// A year before: the monthly average of the months now ahead against
    /// that of the level's months, minus one (0.2 = the season ran 20 %
    /// higher); `None` without data a year before, or when either average
    /// was not positive.
    pub swing: Option<Decimal>,
    /// The projected monthly turnover of each month of the next review
    /// period: the level × (1 + half the swing capped to −1/3 … +1/2),
    /// rounded half away from zero to the ledger's scale.
    pub monthly: Decimal,
    /// The monthly figure the next review would average: the months of its
    /// window already known, and the projected ones.
    pub next_monthly: Decimal,
    /// Today's tier (from the review; the forecast never changes it).
    pub tier: Tier,
    /// The tier the projection gives at the next review, after the tier
    /// policy's hysteresis.
    pub projected_tier: Tier,
    /// The tier the next review's monthly figure alone gives (before
    /// hysteresis).
    pub projected_plain: Tier,
}

impl Projection {
    /// Promotion, demotion or steady: the projected tier against today's.
    #[must_use]
    pub fn outlook(&self) -> Outlook {
        match self.projected_tier.cmp(&self.tier) {
            std::cmp::Ordering::Greater => Outlook::Promotion,
            std::cmp::Ordering::Less => Outlook::Demotion,
            std::cmp::Ordering::Equal => Outlook::Steady,
        }
    }

    /// The swing counted in the projection: half the swing, capped to
    /// −1/3 … +1/2 before halving (so −1/6 … +1/4); zero without a swing.
    #[must_use]
    pub fn seasonal_adjustment(&self) -> Decimal {
        self.swing.map_or(Decimal::ZERO, counted_swing)
    }
}

impl Projection {
    /// True when the swing lies beyond −1/3 … +1/2 and was capped before
    /// it was halved.
    #[must_use]
    pub fn swing_capped(&self) -> bool {
        self.swing.is_some_and(|s| counted_swing(s) * Decimal::TWO != s)
    }
}

/// The cap on a swing: −1/3 … +1/2.
fn swing_bounds() -> (Decimal, Decimal) {
    (Decimal::NEGATIVE_ONE / Decimal::from(3), Decimal::new(5, 1))
}

/// Half of a swing capped to −1/3 … +1/2.
fn counted_swing(swing: Decimal) -> Decimal {
    counted_within(swing, swing_bounds())
}

/// Half of a swing capped to `bounds` (the [`swing_bounds`]).
fn counted_within(swing: Decimal, (low, high): (Decimal, Decimal)) -> Decimal {
    swing.clamp(low, high) / Decimal::TWO
}

/// The projections of every partner of a review for the next review
/// period. See the [module](self) documentation for the method.
///
/// Build it with [`Review::run_with_forecast`](crate::Review::run_with_forecast),
/// which projects each partner in the review's own pass over the ledger
/// (the cheaper way), or afterwards from a portfolio with
/// [`Forecast::new`]; both give the same forecast.
#[derive(Clone, Debug)]
pub struct Forecast {
    as_of: NaiveDate,
    next_review: NaiveDate,
    period: Window,
    /// In the order the review built its assessments.
    projections: Vec<Projection>,
    /// Rank `r` is `projections[order[r - 1]]` (the portfolio's ranking).
    order: Vec<u32>,
    by_id: IdIndex,
}

impl PartialEq for Forecast {
    /// Two forecasts are equal when they hold the same projections for the
    /// same dates in the same rank order, whatever order they were built in.
    fn eq(&self, other: &Forecast) -> bool {
        self.as_of == other.as_of
            && self.next_review == other.next_review
            && self.period == other.period
            && self.projections().eq(other.projections())
    }
}

impl Eq for Forecast {}

#[cfg(feature = "serde")]
impl serde::Serialize for Forecast {
    /// The dates and the projections in rank order.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Forecast", 4)?;
        s.serialize_field("as_of", &self.as_of)?;
        s.serialize_field("next_review", &self.next_review)?;
        s.serialize_field("period", &self.period)?;
        s.serialize_field("projections", &InOrder(self))?;
        s.end()
    }
}

/// The projections of a forecast, serialised in rank order.
#[cfg(feature = "serde")]
struct InOrder<'a>(&'a Forecast);

#[cfg(feature = "serde")]
impl serde::Serialize for InOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.projections())
    }
}

impl Keyed for Projection {
    fn key(&self) -> &str {
        self.partner.as_str()
    }
}

/// The projections of a [`Forecast`] in the rank order of the review: see
/// [`Forecast::projections`].
pub type Projections<'a> = InRankOrder<'a, Projection>;

impl Forecast {
    /// Projects every partner of `portfolio` (the review of `ledger` under
    /// `policy`) to the next review, one review period after its date.
    ///
    /// This reads every partner's figures in the ledger again; when the
    /// forecast is wanted with the review, [`Review::run_with_forecast`](crate::Review::run_with_forecast)
    /// makes both in one pass, with the same result.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DateOutOfRange`] if the next review date or its window
    /// is out of range; [`ErrorKind::CurrencyMismatch`] if the ledger's
    /// currency is not the tier policy's; [`ErrorKind::Overflow`] if a sum
    /// is out of range; [`ErrorKind::ThreadPool`] if the `parallel`
    /// feature's pool cannot start.
    pub fn new(ledger: &Ledger, portfolio: &Portfolio, policy: &Policy) -> Result<Forecast> {
        let data_from = ledger.first_month_index();
        let step = portfolio.review_period().months();
        let setup = Setup::new(ledger, portfolio.as_of(), step, data_from, policy)?;
        // In the order the review built them, which is the ledger's order
        // of rows when the review is of this ledger: each partner's row is
        // then found at its own index, without a lookup.
        let rows = ledger.rows();
        let projected = par::map_init(
            &portfolio.assessments,
            || (),
            |_, i, a| -> Result<Projection> {
                let row = match rows.get(i) {
                    Some(r) if r.id == *a.id() => Some(r),
                    _ => ledger.row(a.id().as_str()),
                };
                setup.projection(row, None, a)
            },
        )?;
        let projections = projected.into_iter().collect::<Result<Vec<Projection>>>()?;
        Ok(setup.forecast(projections, portfolio.order.clone()))
    }

    /// The date of the review the forecast is made at.
    #[must_use]
    pub fn as_of(&self) -> NaiveDate {
        self.as_of
    }

    /// The date of the next review, one review period later.
    #[must_use]
    pub fn next_review(&self) -> NaiveDate {
        self.next_review
    }

    /// The months projected: the next review period.
    #[must_use]
    pub fn period(&self) -> Window {
        self.period
    }

    /// The number of partners projected: every partner of the review.
    #[must_use]
    pub fn len(&self) -> usize {
        self.projections.len()
    }

    /// True if no partner was projected (the review was empty).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.projections.is_empty()
    }

    /// Every partner's projection, in the review's rank order (rank 1
    /// first). The iterator knows its length and runs from both ends.
    pub fn projections(&self) -> Projections<'_> {
        InRankOrder::new(&self.projections, &self.order)
    }

    /// One partner's projection.
    #[must_use]
    pub fn get<K: Borrow<str> + ?Sized>(&self, partner: &K) -> Option<&Projection> {
        self.by_id.find(&self.projections, partner.borrow())
    }

    /// The partners the projection moves up a tier, largest projected
    /// monthly figure first.
    #[must_use]
    pub fn promotions(&self) -> Vec<&Projection> {
        self.likely(Outlook::Promotion)
    }

    /// The partners the projection moves down a tier, largest projected
    /// monthly figure first.
    #[must_use]
    pub fn demotions(&self) -> Vec<&Projection> {
        self.likely(Outlook::Demotion)
    }

    fn likely(&self, outlook: Outlook) -> Vec<&Projection> {
        let mut out: Vec<&Projection> = self.projections.iter().filter(|p| p.outlook() == outlook).collect();
        out.sort_by(|a, b| b.next_monthly.cmp(&a.next_monthly).then_with(|| a.partner.cmp(&b.partner)));
        out
    }
}

/// What every partner's projection shares.
pub(super) struct Setup<'a> {
    policy: &'a Policy,
    currency: Currency,
    scale: u32,
    as_of: NaiveDate,
    next_review: NaiveDate,
    level_months: Window,
    period: Window,
    next_window: Window,
    known_last: Month,
    /// The first month with data in the ledger.
    data_from: Option<i32>,
    /// [`swing_bounds`], worked out once.
    swing_bounds: (Decimal, Decimal),
    /// The tier floors times the next window's months (`None` out of
    /// range: each partner's tier then reports the overflow).
    bars: Option<Bars>,
}

/// One partner's projected figures.
struct Figures {
    level: Decimal,
    swing: Option<Decimal>,
    monthly: Decimal,
    next_total: Decimal,
}

impl<'a> Setup<'a> {
    /// The setup of a forecast of the review of `ledger` as of `as_of`,
    /// made every `step` months, whose first month with data is
    /// `data_from`.
    pub(super) fn new(
        ledger: &Ledger,
        as_of: NaiveDate,
        step: u32,
        data_from: Option<i32>,
        policy: &'a Policy,
    ) -> Result<Setup<'a>> {
        let next_review = as_of
            .checked_add_months(Months::new(step))
            .ok_or_else(|| Error::from(ErrorKind::DateOutOfRange { what: format!("the review after {as_of}") }))?;
        let period = Window::before(next_review, step)?;
        let next_window = Window::before(next_review, policy.window_months())?;
        let level_months = Window::before(as_of, step.max(3))?;
        if policy.tiers.currency() != ledger.currency() {
            return Err(Error::currency_mismatch(policy.tiers.currency(), ledger.currency()));
        }
        Ok(Setup {
            policy,
            currency: ledger.currency(),
            scale: ledger.scale(),
            as_of,
            next_review,
            level_months,
            period,
            next_window,
            known_last: level_months.last(),
            data_from,
            swing_bounds: swing_bounds(),
            bars: policy.tiers.bars(next_window.len()).ok(),
        })
    }

    /// The forecast of `projections` (in the review's order) ranked by
    /// `order` (the portfolio's).
    pub(super) fn forecast(&self, projections: Vec<Projection>, order: Vec<u32>) -> Forecast {
        Forecast {
            as_of: self.as_of,
            next_review: self.next_review,
            period: self.period,
            projections,
            order,
            by_id: IdIndex::default(),
        }
    }

    /// The projection of the partner assessed as `a`, whose figures are
    /// `row`; `window` gives its figures in each month of a window too,
    /// from the window's first month (as an index), and sums inside it are
    /// read from them.
    pub(super) fn projection(
        &self,
        row: Option<&Row>,
        window: Option<(i32, &[Cell])>,
        a: &Assessment,
    ) -> Result<Projection> {
        let figures = self.project(row, window)?;
        let first_active = row
            .and_then(|r| r.cells.iter().find(|c| c.turnover != 0 || c.deals > 0 || c.credit_note_count > 0))
            .and_then(|c| Month::from_index(c.month));
        let start_date = a.partner().and_then(|p| p.start_date);
        let tiers = &self.policy.tiers;
        let months = tiers.months(self.next_window, start_date, first_active);
        let (tier, plain, _) = tiers
            .decide_with(self.bars.as_ref(), figures.next_total, months, Some(a.tier_state()))
            .map_err(|e| e.for_partner(a.id()))?;
        Ok(Projection {
            partner: a.id().clone(),
            currency: self.currency,
            period: self.period,
            level: figures.level,
            level_months: self.level_months,
            swing: figures.swing,
            monthly: figures.monthly,
            next_monthly: TierPolicy::monthly(figures.next_total, months),
            tier: a.tier(),
            projected_tier: tier,
            projected_plain: plain,
        })
    }

    fn project(&self, row: Option<&Row>, window: Option<(i32, &[Cell])>) -> Result<Figures> {
        let (lf, ll) = (self.level_months.first().index(), self.level_months.last().index());
        let (pf, pl) = (self.period.first().index(), self.period.last().index());
        let (nf, nl) = (self.next_window.first().index(), self.next_window.last().index());
        let known_last = self.known_last.index().min(nl);
        let seasonal = self.data_from.is_some_and(|from| lf - 12 >= from);
        // Months inside the review's window come from its buffer (at hand
        // in the review's pass), the others from the partner's cells.
        let sum = |first: i32, last: i32| -> i128 {
            match window {
                Some((from, months)) if first >= from && first <= last => {
                    let at = |m: i32| usize::try_from(m - from).ok();
                    match (at(first), at(last)) {
                        (Some(a), Some(b)) if b < months.len() => {
                            months.get(a..=b).unwrap_or_default().iter().map(|c| i128::from(c.turnover)).sum()
                        }
                        _ => row.map_or(0, |r| Ledger::net_between(r, first, last)),
                    }
                }
                _ => row.map_or(0, |r| Ledger::net_between(r, first, last)),
            }
        };
        let level_sum = sum(lf, ll);
        let (ahead, base) = if seasonal { (sum(pf - 12, pl - 12), sum(lf - 12, ll - 12)) } else { (0, 0) };
        let known_sum = if nf <= known_last { sum(nf, known_last) } else { 0 };
        let n_level = i128::from(self.level_months.len());
        let n_period = i128::from(self.period.len());
        let dec =
            |v: i128| Decimal::try_from_i128_with_scale(v, self.scale).map_err(|_| Error::overflow("a projection"));
        // The level, truncated to 18 decimal places (as every share).
        let level = ratio(level_sum, n_level * 10i128.pow(self.scale));
        // A year before: the months ahead against the level's months, as
        // monthly averages (num / den = (ahead / n_period) / (base / n_level)).
        let swing = if seasonal && ahead > 0 && base > 0 {
            Some(ratio(ahead * n_level, base * n_period) - Decimal::ONE)
        } else {
            None
        };
        let counted = swing.map_or(Decimal::ZERO, |s| counted_within(s, self.swing_bounds));
        let unrounded = if counted.is_zero() {
            level
        } else {
            level.checked_mul(Decimal::ONE + counted).ok_or_else(|| Error::overflow("a projection"))?
        };
        let monthly = unrounded.round_dp_with_strategy(self.scale, RoundingStrategy::MidpointAwayFromZero);
        // The next review's window: the months known, and the projected ones.
        let known = if nf <= known_last { dec(known_sum)? } else { Decimal::ZERO };
        let projected_months = nl - known_last.max(nf - 1);
        let next_total = monthly
            .checked_mul(Decimal::from(projected_months))
            .and_then(|p| p.checked_add(known))
            .ok_or_else(|| Error::overflow("a projected window total"))?;
        Ok(Figures { level, swing, monthly, next_total })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::MonthlyFigures;
    use crate::money::Money;
    use crate::review::Review;

    fn ledger(amounts: &[(&str, i64)], first: Month) -> Ledger {
        let mut ledger = Ledger::new(Currency::RUB);
        for (i, &(id, amount)) in amounts.iter().enumerate() {
            let month = first.checked_add(i as i32 % 24).unwrap();
            let money = Money::new(Decimal::from(amount), Currency::RUB);
            if amount != 0 {
                ledger.add_monthly(MonthlyFigures::new(PartnerId::new(id).unwrap(), month, money)).unwrap();
            }
        }
        ledger
    }

    #[test]
    fn without_a_year_of_history_the_level_is_repeated() {
        let series: Vec<(&str, i64)> = [90_000, 120_000, 150_000, 130_000].iter().map(|&a| ("A", a)).collect();
        let l = ledger(&series, Month::new(2025, 9).unwrap());
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let policy = Policy::default();
        let p = Review::new(&l, as_of).run(&policy).unwrap();
        let f = Forecast::new(&l, &p, &policy).unwrap();
        assert_eq!(f.next_review(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
        assert_eq!(f.period().to_string(), "2026-01 … 2026-03");
        let a = f.get("A").unwrap();
        assert_eq!(
            (a.level, a.swing, a.monthly),
            (Decimal::from_str_exact("133333.333333333333333333").unwrap(), None, Decimal::new(13_333_333, 2))
        );
        assert_eq!(a.seasonal_adjustment(), Decimal::ZERO);
        // The next window (2025-04 … 2026-03): 490 000 known + 3 × 133 333.33.
        assert_eq!(a.next_monthly, (Decimal::from(490_000) + Decimal::new(39_999_999, 2)) / Decimal::from(12));
        assert!(f.promotions().is_empty() && f.demotions().is_empty());
        assert!(f.get("B").is_none());
    }

    /// The forecast of `series` (from `first`) as of 2026-01-01 by the
    /// default policy (quarterly: level 2025-10 … 12, ahead 2026-01 … 03).
    fn forecast_of(series: &[i64], first: Month) -> Projection {
        let series: Vec<(&str, i64)> = series.iter().map(|&a| ("A", a)).collect();
        let l = ledger(&series, first);
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let policy = Policy::default();
        let (_, f) = Review::new(&l, as_of).run_with_forecast(&policy).unwrap();
        assert_eq!(f, Forecast::new(&l, &Review::new(&l, as_of).run(&policy).unwrap(), &policy).unwrap());
        f.get("A").unwrap().clone()
    }

    #[test]
    fn no_swing_without_a_year_of_data_before_the_level_or_without_turnover_a_year_before() {
        // Data from 2024-11, one month short of a year before the level
        // (2024-10): no swing, though both months a year before have some.
        let p = forecast_of(&[100_000; 15], Month::new(2024, 11).unwrap());
        assert_eq!((p.swing, p.monthly), (None, Decimal::from(100_000)));
        // From 2024-10 the swing is there (flat: zero).
        let p = forecast_of(&[100_000; 16], Month::new(2024, 10).unwrap());
        assert_eq!(p.swing, Some(Decimal::ZERO));
        // Nothing in the months ahead a year before (2025-01 … 03): no swing.
        let mut series = vec![100_000i64; 16];
        series[3..6].fill(0);
        let p = forecast_of(&series, Month::new(2024, 10).unwrap());
        assert_eq!((p.swing, p.monthly), (None, Decimal::from(100_000)));
        // Nothing in the level's months a year before (2024-10 … 12): none.
        let mut series = vec![100_000i64; 16];
        series[0..3].fill(-1); // a credit note only: net negative
        let p = forecast_of(&series, Month::new(2024, 10).unwrap());
        assert_eq!(p.swing, None);
        // No figures at all then, while the ledger reaches back (another
        // partner from 2024-10): none either.
        // (The helper gives entry k the month k mod 24: B takes 24 entries.)
        let mut series: Vec<(&str, i64)> = [100_000; 16].into_iter().chain([0; 8]).map(|a| ("B", a)).collect();
        series.extend([0, 0, 0].into_iter().chain([100_000; 13]).map(|a| ("A", a)));
        let l = ledger(&series, Month::new(2024, 10).unwrap());
        let (_, f) = Review::new(&l, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
            .run_with_forecast(&Policy::default())
            .unwrap();
        assert_eq!((f.get("A").unwrap().swing, f.get("B").unwrap().swing), (None, Some(Decimal::ZERO)));
    }

    #[test]
    fn a_partner_that_started_inside_the_next_window_is_averaged_from_its_first_sale() {
        // Recorded as starting 2025-08, first sale 2025-07: the next window
        // (2025-04 … 2026-03) holds 6 known months and 3 projected ones,
        // averaged over the 9 months since the first sale:
        // (90 000 + 180 000 + 3 × 60 000) / 9 = 50 000.
        let series: Vec<(&str, i64)> =
            [30_000, 30_000, 30_000, 60_000, 60_000, 60_000].iter().map(|&a| ("A", a)).collect();
        let mut l = ledger(&series, Month::new(2025, 7).unwrap());
        // A month with figures but no sale, deal or credit note (an empty
        // line without a margin) is not a first sale.
        let empty = MonthlyFigures::new(
            PartnerId::new("A").unwrap(),
            Month::new(2025, 5).unwrap(),
            Money::new(Decimal::ZERO, Currency::RUB),
        );
        l.add_monthly(empty).unwrap();
        let partners = [crate::Partner::new(PartnerId::new("A").unwrap())
            .with_start_date(NaiveDate::from_ymd_opt(2025, 8, 20).unwrap())];
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let (_, f) = Review::new(&l, as_of).partners(&partners).run_with_forecast(&Policy::default()).unwrap();
        let p = f.get("A").unwrap();
        assert_eq!((p.monthly, p.next_monthly), (Decimal::from(60_000), Decimal::from(50_000)));
        // Without the start date, over the whole next window: 450 000 / 12.
        assert_eq!(
            forecast_of(&[30_000, 30_000, 30_000, 60_000, 60_000, 60_000], Month::new(2025, 7).unwrap()).next_monthly,
            Decimal::from(37_500)
        );
    }

    #[test]
    fn a_fall_projected_below_the_floor_is_a_likely_demotion_held_by_hysteresis_if_the_policy_says_so() {
        // 30 000 a month for 21 months, then 3 000: Bronze today (window
        // average 23 250), Beginner at the next review.
        let mut series: Vec<(&str, i64)> = vec![("A", 30_000); 21];
        series.extend([("A", 3_000); 3]);
        let l = ledger(&series, Month::new(2024, 1).unwrap());
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let policy = Policy::default();
        let p = Review::new(&l, as_of).run(&policy).unwrap();
        assert_eq!(p.get("A").unwrap().tier(), Tier::Bronze);
        let f = Forecast::new(&l, &p, &policy).unwrap();
        let a = f.get("A").unwrap();
        assert_eq!(a.swing, Some(Decimal::ZERO));
        assert_eq!(a.monthly, Decimal::from(3_000));
        assert_eq!(a.projected_plain, Tier::Beginner);
        assert_eq!(a.outlook(), if a.projected_tier < a.tier { Outlook::Demotion } else { Outlook::Steady });
        let mut held = Policy::default();
        held.tiers = crate::tier::TierPolicy::builder(Currency::RUB).demote_after(3).build().unwrap();
        let p = Review::new(&l, as_of).run(&held).unwrap();
        let f = Forecast::new(&l, &p, &held).unwrap();
        assert_eq!(f.get("A").unwrap().outlook(), Outlook::Steady);
        let mut strict = Policy::default();
        strict.tiers = crate::tier::TierPolicy::builder(Currency::RUB).demote_after(1).build().unwrap();
        let p = Review::new(&l, as_of).run(&strict).unwrap();
        let f = Forecast::new(&l, &p, &strict).unwrap();
        assert_eq!(f.demotions().len(), 1);
        // The review itself is untouched.
        assert_eq!(p.get("A").unwrap().tier(), Tier::Bronze);
    }
}

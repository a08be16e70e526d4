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
//! assert_eq!(p.next_monthly(), Decimal::from(478_125));
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
use crate::period::Window;
use crate::review::portfolio::{IdIndex, Keyed};
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
    /// The total the next review's window would hold: its months already
    /// known, and the projected ones.
    pub next_total: Decimal,
    /// The months the next review would average [`next_total`](Projection::next_total)
    /// over (its window, or the months since the partner started, as the
    /// tier policy says).
    pub next_months: u32,
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
    /// The monthly figure the next review would average and tier by: the
    /// [`next_total`](Projection::next_total) over the
    /// [`next_months`](Projection::next_months), exact to `Decimal`'s 28
    /// significant digits (0 for no months).
    #[must_use]
    pub fn next_monthly(&self) -> Decimal {
        TierPolicy::monthly(self.next_total, self.next_months)
    }

    /// Promotion, demotion or steady: the projected tier against today's.
    #[must_use]
    pub fn outlook(&self) -> Outlook {
        outlook(self.tier, self.projected_tier)
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

#[cfg(feature = "serde")]
impl serde::Serialize for Projection {
    /// The fields, and the [`next_monthly`](Projection::next_monthly)
    /// figure after `next_months`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Projection", 13)?;
        s.serialize_field("partner", &self.partner)?;
        s.serialize_field("currency", &self.currency)?;
        s.serialize_field("period", &self.period)?;
        s.serialize_field("level", &self.level)?;
        s.serialize_field("level_months", &self.level_months)?;
        s.serialize_field("swing", &self.swing)?;
        s.serialize_field("monthly", &self.monthly)?;
        s.serialize_field("next_total", &self.next_total)?;
        s.serialize_field("next_months", &self.next_months)?;
        s.serialize_field("next_monthly", &self.next_monthly())?;
        s.serialize_field("tier", &self.tier)?;
        s.serialize_field("projected_tier", &self.projected_tier)?;
        s.serialize_field("projected_plain", &self.projected_plain)?;
        s.end()
    }
}

/// Promotion, demotion or steady: `projected` against `today`.
fn outlook(today: Tier, projected: Tier) -> Outlook {
    match projected.cmp(&today) {
        std::cmp::Ordering::Greater => Outlook::Promotion,
        std::cmp::Ordering::Less => Outlook::Demotion,
        std::cmp::Ordering::Equal => Outlook::Steady,
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
    /// What every projection shares.
    basis: Basis,
    /// In the order the review built its assessments.
    kept: Vec<Kept>,
    /// Rank `r` is `kept[order[r - 1]]` (the portfolio's ranking).
    order: Vec<u32>,
    by_id: IdIndex,
}

/// One partner's projection as a [`Forecast`] keeps it.
#[derive(Clone, Debug)]
pub(super) enum Kept {
    /// The partner's sums, from which its level, swing and projected month
    /// are worked out again when asked: every partner of a ledger whose
    /// sums fit in 64 bits. A million projections take 61 MiB this way,
    /// against 115 MiB whole.
    Sums(Compact),
    /// Any other projection, whole.
    Whole(Box<Projection>),
}

/// A projection by its sums (see [`Kept::Sums`]).
#[derive(Clone, Debug)]
pub(super) struct Compact {
    partner: PartnerId,
    /// The turnover over the level's months, at the ledger's scale.
    level_sum: i64,
    /// A year before, over the months now ahead and over the level's months
    /// (both 0 without a year of data before the level).
    ahead: i64,
    base: i64,
    /// [`Projection::next_total`] at the ledger's scale.
    next_minor: i64,
    next_months: u32,
    tier: Tier,
    projected_tier: Tier,
    projected_plain: Tier,
    /// True with a year of data before the level.
    year_before: bool,
}

impl Kept {
    fn partner(&self) -> &PartnerId {
        match self {
            Kept::Sums(c) => &c.partner,
            Kept::Whole(p) => &p.partner,
        }
    }

    fn outlook(&self) -> Outlook {
        match self {
            Kept::Sums(c) => outlook(c.tier, c.projected_tier),
            Kept::Whole(p) => p.outlook(),
        }
    }
}

impl Keyed for Kept {
    fn key(&self) -> &str {
        self.partner().as_str()
    }
}

impl PartialEq for Forecast {
    /// Two forecasts are equal when they hold the same projections for the
    /// same dates in the same rank order, whatever order they were built in.
    fn eq(&self, other: &Forecast) -> bool {
        self.as_of == other.as_of
            && self.next_review == other.next_review
            && self.period() == other.period()
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
        s.serialize_field("period", &self.period())?;
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

/// The projections of a [`Forecast`] in the rank order of the review: see
/// [`Forecast::projections`]. It knows its length and runs from both ends.
#[derive(Clone, Debug)]
pub struct Projections<'a> {
    forecast: &'a Forecast,
    order: std::slice::Iter<'a, u32>,
}

impl Projections<'_> {
    fn at(&self, position: u32) -> Option<Projection> {
        self.forecast.kept.get(position as usize).map(|k| self.forecast.expand(k))
    }
}

impl Iterator for Projections<'_> {
    type Item = Projection;

    fn next(&mut self) -> Option<Projection> {
        let &position = self.order.next()?;
        self.at(position)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<Projection> {
        let &position = self.order.nth(n)?;
        self.at(position)
    }

    fn count(self) -> usize {
        self.order.len()
    }

    fn last(mut self) -> Option<Projection> {
        self.next_back()
    }
}

impl DoubleEndedIterator for Projections<'_> {
    fn next_back(&mut self) -> Option<Projection> {
        let &position = self.order.next_back()?;
        self.at(position)
    }
}

impl ExactSizeIterator for Projections<'_> {}

impl std::iter::FusedIterator for Projections<'_> {}

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
        let projections = par::try_map_init(
            &portfolio.assessments,
            || (),
            |_, i, a| {
                let row = match rows.get(i) {
                    Some(r) if r.id == *a.id() => Some(r),
                    _ => ledger.row(a.id().as_str()),
                };
                setup.projection(row, None, a)
            },
            |a| setup.stand_in(a.id()),
        )??;
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
        self.basis.period
    }

    /// The number of partners projected: every partner of the review.
    #[must_use]
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// True if no partner was projected (the review was empty).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// Every partner's projection, in the review's rank order (rank 1
    /// first). The iterator knows its length and runs from both ends.
    ///
    /// The forecast keeps each partner's sums, not its projection, and
    /// works the projection out from them as it is asked for (a few
    /// hundred nanoseconds): the same values each time.
    pub fn projections(&self) -> Projections<'_> {
        Projections { forecast: self, order: self.order.iter() }
    }

    /// One partner's projection.
    #[must_use]
    pub fn get<K: Borrow<str> + ?Sized>(&self, partner: &K) -> Option<Projection> {
        self.by_id.find(&self.kept, partner.borrow()).map(|k| self.expand(k))
    }

    /// The partners the projection moves up a tier, largest projected
    /// monthly figure first.
    #[must_use]
    pub fn promotions(&self) -> Vec<Projection> {
        self.likely(Outlook::Promotion)
    }

    /// The partners the projection moves down a tier, largest projected
    /// monthly figure first.
    #[must_use]
    pub fn demotions(&self) -> Vec<Projection> {
        self.likely(Outlook::Demotion)
    }

    fn likely(&self, outlook: Outlook) -> Vec<Projection> {
        let mut out: Vec<(Decimal, &Kept)> =
            self.kept.iter().filter(|k| k.outlook() == outlook).map(|k| (self.next_monthly(k), k)).collect();
        out.sort_by(|(a_monthly, a), (b_monthly, b)| {
            b_monthly.cmp(a_monthly).then_with(|| a.partner().cmp(b.partner()))
        });
        out.into_iter().map(|(_, k)| self.expand(k)).collect()
    }

    /// [`Projection::next_monthly`] of a kept projection, without the rest.
    fn next_monthly(&self, kept: &Kept) -> Decimal {
        match kept {
            Kept::Sums(c) => TierPolicy::monthly(self.basis.amount(c.next_minor), c.next_months),
            Kept::Whole(p) => p.next_monthly(),
        }
    }

    /// The projection a kept one stands for.
    fn expand(&self, kept: &Kept) -> Projection {
        let c = match kept {
            Kept::Sums(c) => c,
            Kept::Whole(p) => return Projection::clone(p),
        };
        let b = &self.basis;
        let year_before = c.year_before.then_some((i128::from(c.ahead), i128::from(c.base)));
        // The figures of these sums cannot fail: a projection is kept by its
        // sums only when they fit 64 bits (on which `level_swing_monthly`
        // does not fail) and its window total was made, by the figures or
        // by the integers where those give the figures' total. So the
        // stand-in zeros are never seen.
        let (level, swing, monthly) =
            b.level_swing_monthly(i128::from(c.level_sum), year_before).unwrap_or((Decimal::ZERO, None, Decimal::ZERO));
        let figures =
            Figures { level, swing, monthly, next_total: b.amount(c.next_minor), next_minor: c.next_minor.into() };
        b.projection(&c.partner, figures, c.next_months, [c.tier, c.projected_tier, c.projected_plain])
    }
}

/// What every partner's projection shares.
pub(super) struct Setup<'a> {
    policy: &'a Policy,
    /// What the forecast keeps of the setup.
    basis: Basis,
    as_of: NaiveDate,
    next_review: NaiveDate,
    next_window: Window,
    /// The months of the next window already known (as indices), if any:
    /// from its first month to the level's last.
    known: Option<(i32, i32)>,
    /// The months of the next window that are projected.
    projected_months: i128,
    /// The first month with data in the ledger.
    data_from: Option<i32>,
    /// The tier floors times the next window's months (`None` out of
    /// range: each partner's tier then reports the overflow).
    bars: Option<Bars>,
}

/// What every partner's projection shares, and what a [`Forecast`] keeps
/// to work a projection out again from the partner's sums.
#[derive(Clone, Copy, Debug)]
struct Basis {
    currency: Currency,
    scale: u32,
    level_months: Window,
    period: Window,
    /// 1 + half of each of the [`swing_bounds`]: the factor of a swing
    /// beyond them, worked out once.
    capped_factors: (Decimal, Decimal),
}

/// A partner's turnover over the months a projection reads, as integers at
/// the ledger's scale.
#[derive(Clone, Copy, Debug)]
struct Sums {
    /// Over the level's months.
    level: i128,
    /// A year before, over the months now ahead and over the level's
    /// months (`None` without a year of data before the level).
    year_before: Option<(i128, i128)>,
    /// Over the next window's months already known (0 if none).
    known: i128,
}

/// One partner's projected figures.
#[derive(Debug)]
struct Figures {
    level: Decimal,
    swing: Option<Decimal>,
    monthly: Decimal,
    next_total: Decimal,
    /// `next_total` as an integer at the ledger's scale.
    next_minor: i128,
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
        // The next window: the months known (up to the level's last) and
        // the projected ones after them.
        let (nf, nl) = (next_window.first().index(), next_window.last().index());
        let known_last = level_months.last().index().min(nl);
        let known = (nf <= known_last).then_some((nf, known_last));
        if policy.tiers.currency() != ledger.currency() {
            return Err(Error::currency_mismatch(policy.tiers.currency(), ledger.currency()));
        }
        Ok(Setup {
            policy,
            basis: Basis {
                currency: ledger.currency(),
                scale: ledger.scale(),
                level_months,
                period,
                capped_factors: {
                    let (low, high) = swing_bounds();
                    (Decimal::ONE + counted_within(low, (low, high)), Decimal::ONE + counted_within(high, (low, high)))
                },
            },
            as_of,
            next_review,
            next_window,
            known,
            projected_months: i128::from(nl - known_last.max(nf - 1)),
            data_from,
            bars: policy.tiers.bars(next_window.len(), ledger.scale()).ok(),
        })
    }

    /// The forecast of the projections `kept` (in the review's order)
    /// ranked by `order` (the portfolio's).
    pub(super) fn forecast(&self, kept: Vec<Kept>, order: Vec<u32>) -> Forecast {
        Forecast {
            as_of: self.as_of,
            next_review: self.next_review,
            basis: self.basis,
            kept,
            order,
            by_id: IdIndex::default(),
        }
    }

    /// What a partner's slot holds when its projection failed: the review
    /// returns the failure, so it is never seen.
    pub(super) fn stand_in(&self, partner: &PartnerId) -> Kept {
        Kept::Sums(Compact {
            partner: partner.clone(),
            level_sum: 0,
            ahead: 0,
            base: 0,
            next_minor: 0,
            next_months: 0,
            tier: Tier::Beginner,
            projected_tier: Tier::Beginner,
            projected_plain: Tier::Beginner,
            year_before: false,
        })
    }

    /// The projection of the partner assessed as `a`, whose figures are
    /// `row`; `window` gives its figures in each month of a window too,
    /// from the window's first month (as an index), and sums inside it are
    /// read from them.
    pub(super) fn projection(&self, row: Option<&Row>, window: Option<(i32, &[Cell])>, a: &Assessment) -> Result<Kept> {
        let sums = self.sums(row, window);
        // The next review's window total decides the projected tier; the
        // decimals of the figures are made only for a projection kept
        // whole (a kept one makes them again from its sums when asked).
        let (next_minor, figures) = match self.next_minor(sums) {
            Some(next_minor) => (next_minor, None),
            None => {
                let f = self.figures(sums)?;
                (f.next_minor, Some(f))
            }
        };
        let next_total = Decimal::try_from_i128_with_scale(next_minor, self.basis.scale)
            .map_err(|_| Error::overflow("a projected window total"))?;
        let first_active = row.and_then(Row::first_active);
        let start_date = a.partner().and_then(|p| p.start_date);
        let tiers = &self.policy.tiers;
        let months = tiers.months(self.next_window, start_date, first_active);
        let (tier, plain, _) = tiers
            .decide_with(self.bars.as_ref(), (next_total, Some(next_minor)), months, Some(a.tier_state()))
            .map_err(|e| e.for_partner(a.id()))?;
        let narrow = |v: i128| i64::try_from(v).ok();
        let (ahead, base) = sums.year_before.unwrap_or((0, 0));
        if let (Some(level_sum), Some(ahead), Some(base), Some(next_minor)) =
            (narrow(sums.level), narrow(ahead), narrow(base), narrow(next_minor))
        {
            return Ok(Kept::Sums(Compact {
                partner: a.id().clone(),
                level_sum,
                ahead,
                base,
                next_minor,
                next_months: months,
                tier: a.tier(),
                projected_tier: tier,
                projected_plain: plain,
                year_before: sums.year_before.is_some(),
            }));
        }
        let figures = match figures {
            Some(f) => f,
            None => self.figures(sums)?,
        };
        Ok(Kept::Whole(Box::new(self.basis.projection(a.id(), figures, months, [a.tier(), tier, plain]))))
    }

    /// The partner's turnover sums over the months a projection reads.
    fn sums(&self, row: Option<&Row>, window: Option<(i32, &[Cell])>) -> Sums {
        let (lf, ll) = (self.basis.level_months.first().index(), self.basis.level_months.last().index());
        let (pf, pl) = (self.basis.period.first().index(), self.basis.period.last().index());
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
        Sums {
            level: sum(lf, ll),
            year_before: if seasonal { Some((sum(pf - 12, pl - 12), sum(lf - 12, ll - 12))) } else { None },
            known: self.known.map_or(0, |(first, last)| sum(first, last)),
        }
    }

    /// The projected figures of a partner whose turnover sums are `sums`.
    fn figures(&self, sums: Sums) -> Result<Figures> {
        let (level, swing, monthly) = self.basis.level_swing_monthly(sums.level, sums.year_before)?;
        // The next review's window: the months known, and the projected
        // ones, as integers at the ledger's scale (`monthly` has at most its
        // places).
        let window_overflow = || Error::overflow("a projected window total");
        let known = if self.known.is_some() { sums.known } else { 0 };
        let next_minor = 10i128
            .checked_pow(self.basis.scale.saturating_sub(monthly.scale()))
            .and_then(|f| monthly.mantissa().checked_mul(f))
            .and_then(|m| m.checked_mul(self.projected_months))
            .and_then(|p| p.checked_add(known))
            .ok_or_else(window_overflow)?;
        let next_total =
            Decimal::try_from_i128_with_scale(next_minor, self.basis.scale).map_err(|_| window_overflow())?;
        Ok(Figures { level, swing, monthly, next_total, next_minor })
    }

    /// [`Figures::next_minor`] of `sums` worked out in integers alone, where
    /// they certainly give the value the figures do (a test holds them to
    /// it); `None` leaves it to [`Setup::figures`].
    ///
    /// The review's pass needs only this of a projection: it decides the
    /// projected tier, and a kept projection makes its decimals again from
    /// its sums. Making the level, the swing and the factor as decimals
    /// for every partner (three 128-bit divisions, and the decimals'
    /// trailing zeros stripped) was most of the forecast's cost in the
    /// pass.
    fn next_minor(&self, sums: Sums) -> Option<i128> {
        let units = if sums.level == 0 {
            0
        } else {
            let factor = self.basis.factor_fraction(sums.year_before)?;
            let units = self.basis.rounded_units(sums.level, i128::from(self.basis.level_months.len()), factor)?;
            let units = i128::try_from(units).ok()?;
            if sums.level < 0 { -units } else { units }
        };
        let known = if self.known.is_some() { sums.known } else { 0 };
        units.checked_mul(self.projected_months)?.checked_add(known)
    }
}

impl Basis {
    /// The projection of `partner` from its figures, the months the next
    /// review would average over and its tiers: today's, the projected one
    /// and the projected one before hysteresis.
    fn projection(&self, partner: &PartnerId, figures: Figures, next_months: u32, tiers: [Tier; 3]) -> Projection {
        let [tier, projected_tier, projected_plain] = tiers;
        Projection {
            partner: partner.clone(),
            currency: self.currency,
            period: self.period,
            level: figures.level,
            level_months: self.level_months,
            swing: figures.swing,
            monthly: figures.monthly,
            next_total: figures.next_total,
            next_months,
            tier,
            projected_tier,
            projected_plain,
        }
    }

    /// `minor` units at the ledger's scale, as the projection gives them
    /// (0 out of `Decimal`'s range, which a kept projection never is: its
    /// figures were made so when it was kept).
    fn amount(&self, minor: i64) -> Decimal {
        Decimal::try_from_i128_with_scale(i128::from(minor), self.scale).unwrap_or(Decimal::ZERO)
    }

    /// The level × the factor rounded half away from zero to the ledger's
    /// scale, worked out in integers from the level's sum (`level_sum` over
    /// `months` months), where that is certainly the decimal `Decimal`'s
    /// product and rounding give, digit for digit; `None` leaves it to them.
    ///
    /// The level is the sum's average truncated to 18 places, and
    /// `Decimal` rounds the product to at most 28 places before it is
    /// rounded to the scale: for a product under 10¹⁰ a month (a level
    /// under 1.2 × 10¹⁰) on a ledger of at most 6 places, each moves the
    /// product by less than 10⁻¹¹ of the scale's unit, so the exact product
    /// of the unrounded average rounds the same way unless its fraction of
    /// a unit lies within 5 × 10⁻¹⁰ of one half, which is left to `Decimal`
    /// (about one partner in a billion).
    fn rounded_product(
        &self,
        level_sum: i128,
        months: i128,
        level: Decimal,
        factor: Option<Decimal>,
    ) -> Option<Decimal> {
        if level_sum == 0 {
            return None;
        }
        let (fm, fs) = factor.map_or((1, 0), |f| (f.mantissa(), f.scale()));
        let q = self.rounded_units(level_sum, months, (u128::try_from(fm).ok()?, 10u128.checked_pow(fs)?))?;
        // Rounding keeps the product's places when it has fewer than the
        // scale (the product is then exact, and `q` ends in zeros).
        let places = (level.scale() + fs).min(self.scale);
        // `q` is at most 10^16 (checked there): a 64-bit division.
        let m = i128::from(u64::try_from(q).ok()? / 10u64.pow(self.scale - places));
        Decimal::try_from_i128_with_scale(if level_sum < 0 { -m } else { m }, places).ok()
    }

    /// `|level_sum| × num / (months × den)` (the level's average times a
    /// factor `num / den`) rounded half away from zero, in units of the
    /// ledger's scale, under the conditions of [`Basis::rounded_product`]
    /// (the product under 10¹⁰ a month, a scale of at most 6 places, not
    /// within 5 × 10⁻¹⁰ of a unit's midpoint, and everything within 128
    /// bits); `None` otherwise.
    fn rounded_units(&self, level_sum: i128, months: i128, (fnum, fden): (u128, u128)) -> Option<u128> {
        const MAX_SCALE: u32 = 6;
        const MIDPOINT_MARGIN: u128 = 1_000_000_000;
        if self.scale > MAX_SCALE {
            return None;
        }
        // |level_sum| × factor / months, in units of the scale, as q + r / den.
        let num = level_sum.unsigned_abs().checked_mul(fnum)?;
        let den = months.unsigned_abs().checked_mul(fden)?;
        // One division: the remainder from the quotient (`q × den ≤ num`).
        let q = num.checked_div(den)?;
        let r = num - q * den;
        let off = r.checked_mul(2)?.abs_diff(den);
        if q >= 10u128.pow(10 + self.scale) || off.checked_mul(MIDPOINT_MARGIN)? < den {
            return None;
        }
        Some(if 2 * r > den { q + 1 } else { q })
    }

    /// The factor 1 + half the capped swing of the sums a year before
    /// (`ahead`, `base`), as a fraction `(num, den)` of the very value of
    /// the decimal factor [`Basis::level_swing_monthly`] makes ((1, 1)
    /// without a swing), in integers: the swing truncated to 18 places as
    /// [`ratio`] truncates it, with one 128-bit division where the decimals
    /// took two and stripped their zeros. `None` where the months ahead a
    /// year before, times the level's months, leave 128 bits, or the
    /// level's months a year before, times the months ahead, leave 64.
    fn factor_fraction(&self, year_before: Option<(i128, i128)>) -> Option<(u128, u128)> {
        /// 10^18: the swing's 18 places.
        const ONE: u128 = 10u128.pow(crate::util::exact::RATIO_DP);
        let Some((ahead, base)) = year_before.filter(|&(a, b)| a > 0 && b > 0) else { return Some((1, 1)) };
        let capped = |f: Decimal| Some((u128::try_from(f.mantissa()).ok()?, 10u128.checked_pow(f.scale())?));
        // The monthly averages' ratio num / den, with den below 2^64 (so
        // that the remainder times 10^18 fits 128 bits).
        let num = u128::try_from(ahead.checked_mul(i128::from(self.level_months.len()))?).ok()?;
        let den = u128::from(u64::try_from(base.checked_mul(i128::from(self.period.len()))?).ok()?);
        if num >= 2 * den {
            // A ratio of 2 or more: a swing of +1 or more, above +1/2.
            return capped(self.capped_factors.1);
        }
        let (int, rem) = if num >= den { (1, num - den) } else { (0, num) };
        // The ratio at 18 places, truncated, minus one: the swing.
        let swing = i128::try_from(int * ONE + rem * ONE / den).ok()? - ONE as i128;
        let one = ONE as i128;
        if swing == 0 {
            Some((1, 1))
        } else if swing.saturating_mul(3) < -one {
            capped(self.capped_factors.0)
        } else if swing.saturating_mul(2) > one {
            capped(self.capped_factors.1)
        } else {
            // 1 + swing / (2 × 10^18): the swing halved (positive, as the
            // swing is at least −1/3).
            Some((u128::try_from(2 * one + swing).ok()?, 2 * ONE))
        }
    }

    /// The level, the swing and the projected monthly turnover of a
    /// partner whose turnover over the level's months is `level_sum`, and a
    /// year before over the months now ahead and the level's months
    /// `year_before` (all at the ledger's scale).
    fn level_swing_monthly(
        &self,
        level_sum: i128,
        year_before: Option<(i128, i128)>,
    ) -> Result<(Decimal, Option<Decimal>, Decimal)> {
        let n_level = i128::from(self.level_months.len());
        let n_period = i128::from(self.period.len());
        let overflow = || Error::overflow("a projection");
        // The level, truncated to 18 decimal places (as every share).
        let level = ratio(level_sum, n_level * 10i128.pow(self.scale));
        // A year before: the months ahead against the level's months, as
        // monthly averages (num / den = (ahead / n_period) / (base / n_level)).
        // The swing and the factor 1 + half the capped swing are worked out
        // on the ratio's integer digits: the same decimals, digit for digit,
        // as `Decimal` subtraction, comparison, halving and addition give
        // (a test holds them to it), at a fraction of the cost.
        let (swing, factor) = if let Some((ahead, base)) = year_before.filter(|&(a, b)| a > 0 && b > 0) {
            let r = ratio(ahead * n_level, base * n_period);
            let places = r.scale();
            let one = 10i128.pow(places);
            // r − 1 at the ratio's places (at most 18).
            let swing = r.mantissa() - one;
            let factor = if swing == 0 {
                None
            } else if swing.saturating_mul(3) < -one {
                // Below −1/3 (no 18-place decimal lies between −1/3 and its
                // 28-place rounding, the lower bound).
                Some(self.capped_factors.0)
            } else if swing.saturating_mul(2) > one {
                Some(self.capped_factors.1)
            } else {
                // Half the swing as `Decimal` division writes it: an even
                // mantissa halved, an odd one × 50 two places further.
                let (half, places) = if swing % 2 == 0 { (swing / 2, places) } else { (swing * 50, places + 2) };
                Some(Decimal::try_from_i128_with_scale(10i128.pow(places) + half, places).map_err(|_| overflow())?)
            };
            (Some(Decimal::try_from_i128_with_scale(swing, places).map_err(|_| overflow())?), factor)
        } else {
            (None, None)
        };
        let monthly = match self.rounded_product(level_sum, n_level, level, factor) {
            Some(monthly) => monthly,
            None => {
                let unrounded = match factor {
                    Some(f) => level.checked_mul(f).ok_or_else(overflow)?,
                    None => level,
                };
                unrounded.round_dp_with_strategy(self.scale, RoundingStrategy::MidpointAwayFromZero)
            }
        };
        Ok((level, swing, monthly))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::MonthlyFigures;
    use crate::money::Money;
    use crate::period::Month;
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

    /// The setup of a forecast as of 2026-01-01, made every `step` months,
    /// on a ledger of `scale` places with data from its first month.
    fn setup_of(scale: u32, step: u32, policy: &Policy) -> Setup<'_> {
        let ledger = Ledger::with_scale(Currency::RUB, scale).unwrap();
        Setup::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), step, Some(0), policy).unwrap()
    }

    /// The figures of `sums` by the plain `Decimal` formula (subtraction,
    /// clamp, halving, product, rounding, product and sum): the reference
    /// the integer arithmetic of [`Setup::figures`] is held to.
    fn by_the_formula(setup: &Setup<'_>, sums: Sums) -> Option<(Decimal, Option<Decimal>, Decimal, Decimal)> {
        let n_level = i128::from(setup.basis.level_months.len());
        let n_period = i128::from(setup.basis.period.len());
        let level = ratio(sums.level, n_level * 10i128.pow(setup.basis.scale));
        let swing = match sums.year_before {
            Some((a, b)) if a > 0 && b > 0 => Some(ratio(a * n_level, b * n_period) - Decimal::ONE),
            _ => None,
        };
        let counted = swing.map_or(Decimal::ZERO, counted_swing);
        let unrounded = if counted.is_zero() { level } else { level.checked_mul(Decimal::ONE + counted)? };
        let monthly = unrounded.round_dp_with_strategy(setup.basis.scale, RoundingStrategy::MidpointAwayFromZero);
        let (nf, nl) = (setup.next_window.first().index(), setup.next_window.last().index());
        let known_last = setup.basis.level_months.last().index().min(nl);
        let known = if nf <= known_last {
            Decimal::try_from_i128_with_scale(sums.known, setup.basis.scale).ok()?
        } else {
            Decimal::ZERO
        };
        let next_total = monthly.checked_mul(Decimal::from(nl - known_last.max(nf - 1)))?.checked_add(known)?;
        Some((level, swing, monthly, next_total))
    }

    /// Sums a year before whose ratio lies near a cap or near one, or
    /// anywhere.
    fn year_before() -> impl proptest::strategy::Strategy<Value = Option<(i128, i128)>> {
        use proptest::prelude::*;
        let near = prop_oneof![Just(0i128), Just(666), Just(667), Just(1000), Just(1499), Just(1500), Just(1501)];
        prop_oneof![
            Just(None),
            (1i128..10_000_000_000_000, near, -3i128..=3)
                .prop_map(|(base, per_mille, nudge)| { Some(((base * per_mille / 1000 + nudge).max(0), base)) }),
            (-1_000_000i128..1_000_000_000_000_000, -1_000_000i128..1_000_000_000_000_000).prop_map(Some),
            // Short swings (−0.25, −0.1, +0.2, +0.25 …): factors of few
            // places, whose decimals' scales show in the monthly figure.
            (1i128..1_000_000, prop::sample::select(vec![750i128, 800, 900, 950, 1050, 1100, 1200, 1250, 1400]))
                .prop_map(|(k, per_mille)| Some((k * per_mille, k * 1000))),
        ]
    }

    /// Sums of any size, and round ones (whose averages and products fall
    /// on midpoints and whole units).
    fn sums() -> impl proptest::strategy::Strategy<Value = i128> {
        use proptest::prelude::*;
        prop_oneof![
            -1_000_000_000i128..1_000_000_000_000_000_000,
            (-2_000i128..2_000, 0u32..14).prop_map(|(m, j)| m * 10i128.pow(j)),
            (-2_000i128..2_000, 0u32..14).prop_map(|(m, j)| m * 5 * 10i128.pow(j) / 2 + m % 3),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn the_projection_in_integers_gives_the_decimals_of_the_plain_formula(
            level in sums(),
            year_before in year_before(),
            known in -1_000_000_000i128..1_000_000_000_000_000_000,
            scale in 0u32..=Ledger::MAX_SCALE,
            step in proptest::sample::select(vec![1u32, 3, 6, 12]),
        ) {
            let policy = Policy::default();
            let setup = setup_of(scale, step, &policy);
            let sums = Sums { level, year_before, known };
            let text = |d: Decimal| d.to_string();
            match (setup.figures(sums), by_the_formula(&setup, sums)) {
                (Ok(f), Some((level, swing, monthly, next_total))) => {
                    // The same decimals, digit for digit (scales included).
                    proptest::prop_assert_eq!(text(f.level), text(level));
                    proptest::prop_assert_eq!(f.swing.map(text), swing.map(text));
                    proptest::prop_assert_eq!(text(f.monthly), text(monthly));
                    proptest::prop_assert_eq!(f.next_total, next_total);
                    proptest::prop_assert_eq!(Decimal::from_i128_with_scale(f.next_minor, scale), next_total);
                }
                (Err(e), None) => proptest::prop_assert!(e.is_overflow()),
                (f, reference) => proptest::prop_assert!(false, "{f:?} against {reference:?}"),
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The review's pass decides each projected tier from the next
        /// window's total worked out in integers alone: wherever they give
        /// one, the figures give it too, the same.
        #[test]
        fn the_window_total_in_integers_alone_is_that_of_the_figures(
            level in sums(),
            year_before in year_before(),
            known in -1_000_000_000i128..1_000_000_000_000_000_000,
            scale in 0u32..=Ledger::MAX_SCALE,
            step in proptest::sample::select(vec![1u32, 3, 6, 12]),
        ) {
            let policy = Policy::default();
            let setup = setup_of(scale, step, &policy);
            let sums = Sums { level, year_before, known };
            if let Some(next_minor) = setup.next_minor(sums) {
                match setup.figures(sums) {
                    Ok(f) => proptest::prop_assert_eq!(f.next_minor, next_minor),
                    Err(e) => proptest::prop_assert!(false, "{e} where the integers gave {next_minor}"),
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The factor the pass works with, as a fraction, has the very
        /// value of the decimal factor: 1 + half the swing truncated to 18
        /// places and capped.
        #[test]
        fn the_factor_as_a_fraction_is_the_decimal_factor(
            year_before in year_before(),
            step in proptest::sample::select(vec![1u32, 2, 3, 5, 6, 7, 11, 12]),
        ) {
            let policy = Policy::default();
            let setup = setup_of(2, step, &policy);
            let f = setup.figures(Sums { level: 1, year_before, known: 0 }).unwrap();
            let factor = Decimal::ONE + f.swing.map_or(Decimal::ZERO, counted_swing);
            if let Some((num, den)) = setup.basis.factor_fraction(year_before) {
                // num / den = mantissa / 10^scale, in 256 bits.
                let (m, p) = (factor.mantissa().unsigned_abs(), 10u128.pow(factor.scale()));
                proptest::prop_assert_eq!(
                    crate::util::exact::mul_wide(num, p),
                    crate::util::exact::mul_wide(m, den),
                    "{}/{} against {}", num, den, factor
                );
            }
        }
    }

    #[test]
    fn the_swing_is_truncated_to_18_places_as_the_decimals_truncate_it() {
        // A level near 10¹⁶ units a month, where the swing's 19th place
        // moves the rounded product: with the exact swing the month would
        // be …134 (found by a review of this change).
        let policy = Policy::default();
        let setup = setup_of(6, 3, &policy);
        let sums = Sums { level: 20_000_000_020_605_238, year_before: Some((679_999_995, 1_000_000_007)), known: 0 };
        assert_eq!(setup.next_minor(sums), Some(3 * 5_599_999_973_236_133));
        assert_eq!(setup.figures(sums).unwrap().next_minor, 3 * 5_599_999_973_236_133);
        let exact = (679_999_995 + 1_000_000_007, 2 * 1_000_000_007);
        assert_eq!(setup.basis.rounded_units(sums.level, 3, exact), Some(5_599_999_973_236_134));
    }

    #[test]
    fn ordinary_partners_window_totals_are_worked_out_in_integers() {
        // Quarterly, at kopecks: level 3 × 100 000.00 roubles, 9 months
        // known of 900 000.00.
        let policy = Policy::default();
        let setup = setup_of(2, 3, &policy);
        let level = 30_000_000;
        let known = 90_000_000;
        // No swing; a flat year; +20 % (factor 1.1); −50 % and +80 %
        // (capped: 1 − 1/6 to 28 places, and 1.25); nothing over the
        // level's months; a net credit.
        let cases = [
            (level, None, 3 * 10_000_000),
            (level, Some((1_000, 1_000)), 3 * 10_000_000),
            (level, Some((1_200, 1_000)), 3 * 11_000_000),
            (level, Some((500, 1_000)), 3 * 8_333_333),
            (level, Some((1_800, 1_000)), 3 * 12_500_000),
            (0, Some((1_800, 1_000)), 0),
            (-300, None, -300),
        ];
        for (level, year_before, projected) in cases {
            let sums = Sums { level, year_before, known };
            assert_eq!(setup.next_minor(sums), Some(projected + known), "{sums:?}");
            assert_eq!(setup.figures(sums).unwrap().next_minor, projected + known, "{sums:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        /// A projection kept by its sums is worked out again to the very
        /// projection the review made from them (digit for digit), with
        /// the same monthly figure for the next review.
        #[test]
        fn a_projection_kept_by_its_sums_is_the_one_made_from_them(
            level in sums(),
            year_before in year_before(),
            known in -1_000_000_000i128..1_000_000_000_000_000_000,
            scale in 0u32..=Ledger::MAX_SCALE,
            step in proptest::sample::select(vec![1u32, 3, 6, 12]),
            next_months in 0u32..=12,
        ) {
            let policy = Policy::default();
            let setup = setup_of(scale, step, &policy);
            let sums = Sums { level, year_before, known };
            let Ok(f) = setup.figures(sums) else { return Ok(()) };
            let narrow = |v: i128| i64::try_from(v).ok();
            let (ahead, base) = year_before.unwrap_or((0, 0));
            let (Some(level_sum), Some(ahead), Some(base), Some(next_minor)) =
                (narrow(level), narrow(ahead), narrow(base), narrow(f.next_minor))
            else {
                return Ok(());
            };
            let partner = PartnerId::new("P-1").unwrap();
            let (tier, projected_tier, projected_plain) = (Tier::Silver, Tier::Gold, Tier::Bronze);
            let kept = Kept::Sums(Compact {
                partner: partner.clone(),
                level_sum,
                ahead,
                base,
                next_minor,
                next_months,
                tier,
                projected_tier,
                projected_plain,
                year_before: year_before.is_some(),
            });
            let made = Projection {
                partner,
                currency: Currency::RUB,
                period: setup.basis.period,
                level: f.level,
                level_months: setup.basis.level_months,
                swing: f.swing,
                monthly: f.monthly,
                next_total: f.next_total,
                next_months,
                tier,
                projected_tier,
                projected_plain,
            };
            let forecast = setup.forecast(Vec::new(), Vec::new());
            let again = forecast.expand(&kept);
            proptest::prop_assert_eq!(format!("{again:?}"), format!("{made:?}"));
            proptest::prop_assert_eq!(forecast.next_monthly(&kept).to_string(), made.next_monthly().to_string());
            proptest::prop_assert_eq!(kept.outlook(), made.outlook());
        }
    }

    /// 56 bytes when the partner id was a pointer to its shared text; 64
    /// with the id inline (which spares each partner's id an allocation).
    #[test]
    fn a_kept_projection_is_at_most_64_bytes() {
        assert!(std::mem::size_of::<Kept>() <= 64, "{}", std::mem::size_of::<Kept>());
    }

    #[test]
    fn sums_beyond_64_bits_keep_the_whole_projection() {
        // Three months of 4 × 10¹⁶ roubles: 1.2 × 10¹⁹ kopecks over the
        // level's months, beyond an i64.
        let huge = 40_000_000_000_000_000i64;
        let first = Month::new(2025, 1).unwrap();
        let mut l = ledger(&[("A", huge); 12], first);
        for i in 0..12 {
            let money = Money::new(Decimal::from(1_000), Currency::RUB);
            let month = first.checked_add(i).unwrap();
            l.add_monthly(MonthlyFigures::new(PartnerId::new("B").unwrap(), month, money)).unwrap();
        }
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let policy = Policy::default();
        let (_, f) = Review::new(&l, as_of).run_with_forecast(&policy).unwrap();
        let whole = |id: &str| f.kept.iter().any(|k| matches!(k, Kept::Whole(p) if p.partner.as_str() == id));
        assert!(whole("A") && !whole("B"));
        let a = f.get("A").unwrap();
        assert_eq!((a.level, a.monthly), (Decimal::from(huge), Decimal::from(huge)));
        assert_eq!(a.next_total, Decimal::from(huge) * Decimal::from(12));
        assert_eq!(f.get("B").unwrap().monthly, Decimal::from(1_000));
        assert_eq!(f.projections().map(|p| p.partner.as_str().to_owned()).collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!((f.projections().count(), f.projections().len()), (2, 2));
        assert_eq!(f.projections().last().map(|p| p.partner), f.get("B").map(|p| p.partner));
        assert_eq!(f.projections().next_back(), f.get("B"));
        assert_eq!(f.projections().nth(1), f.get("B"));
    }

    #[test]
    fn a_product_a_hair_above_a_midpoint_rounds_as_the_decimal_product_does() {
        // Level 0.5 / 3 = 0.1666… truncated to 0.166666666666666666; swing
        // −0.199999999999999999, factor 0.9000000000000000005. The exact
        // product of the average is 0.15 + 8.3 × 10⁻²⁰ (to 0.2 at one
        // place); the decimal product, 0.14999999999999999948 (to 0.1).
        let policy = Policy::default();
        let setup = setup_of(1, 3, &policy);
        let sums = Sums { level: 5, year_before: Some((800_000_000_000_000_001, 1_000_000_000_000_000_000)), known: 0 };
        let f = setup.figures(sums).unwrap();
        assert_eq!(f.swing, Some(Decimal::from_str_exact("-0.199999999999999999").unwrap()));
        assert_eq!(f.monthly.to_string(), "0.1");
        assert_eq!(by_the_formula(&setup, sums).unwrap().2.to_string(), "0.1");
        // The pass leaves it to the figures too.
        assert_eq!(setup.next_minor(sums), None);
        // Left to `Decimal`: the integers alone would round it up.
        let factor = Decimal::from_str_exact("0.90000000000000000050").unwrap();
        assert_eq!(setup.basis.rounded_product(5, 3, f.level, Some(factor)), None);
        // Away from a midpoint they decide it (0.5 / 3 = 0.1666…: 0.2).
        assert_eq!(setup.basis.rounded_product(5, 3, f.level, None).map(|d| d.to_string()), Some("0.2".into()));
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
        assert_eq!(a.next_monthly(), (Decimal::from(490_000) + Decimal::new(39_999_999, 2)) / Decimal::from(12));
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
        f.get("A").unwrap()
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
        assert_eq!((p.monthly, p.next_monthly()), (Decimal::from(60_000), Decimal::from(50_000)));
        // Without the start date, over the whole next window: 450 000 / 12.
        assert_eq!(
            forecast_of(&[30_000, 30_000, 30_000, 60_000, 60_000, 60_000], Month::new(2025, 7).unwrap()).next_monthly(),
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

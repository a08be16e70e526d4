//! The review call: who is in the review, each partner's assessment, the
//! ranking and the network's tables.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::assessment::{Assessment, Context, Fractions, Parts, SegmentParts, SegmentSlots, gap_to_next};
use super::forecast::{Forecast, Kept, Setup};
use super::policy::Policy;
use super::portfolio::{IdIndex, NetworkMonths, Portfolio};
use super::rank::{KeyMaker, PriorityKey, rank};
use super::score::{ScoreInts, urgent_cause};
use crate::error::{Error, Result};
use crate::ledger::{Ledger, Row, WindowBuf};
use crate::migrations::{Migrations, Span};
use crate::pareto::{ParetoPolicy, RankOrder, SegmentTable, Stretch, concentration_of, positive_totals, walk_stretch};
use crate::partner::{Partner, PartnerId};
use crate::period::{Month, Window};
use crate::potential::Cuts;
use crate::risk::{PartnerWindow, RiskFacts};
use crate::tier::{Bars, NearNext, Tier, TierRow, TierState, tier_table};
use crate::util::exact::{Scaled, to_decimal};
use crate::util::hash::Hasher;
use crate::util::par;

/// A review of the partner network as of a date: the one call that gives
/// every partner's segment, tier, potential, risk, priority and strategy.
///
/// Build it with the ledger and the review date, add what else is known
/// (the partner list, risk facts, the previous review), and
/// [`run`](Review::run) it with a [`Policy`]:
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale, Segment, Tier};
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
/// let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
///
/// let top = portfolio.by_rank(1).unwrap();
/// assert_eq!(top.id().as_str(), "big");
/// assert_eq!((top.segment(), top.tier()), (Segment::A, Tier::Gold));
/// assert_eq!(&*portfolio.strategy(top).goal, "strengthen the long-term relationship and maximise profit");
///
/// // Next quarter: the previous review carries tier hysteresis and gives
/// // the migrations.
/// let next = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 4, 1).unwrap())
///     .previous(&portfolio)
///     .run(&Policy::default())?;
/// assert!(next.migrations().is_some());
/// # Ok::<(), partner_priority::Error>(())
/// ```
///
/// The names read as the sentence they make: *review* the ledger *as of* a
/// date, with these *partners*, these *facts* and the *previous* review,
/// and *run* it by this policy. Only the ledger and the date are needed;
/// the rest is optional.
#[derive(Clone, Copy, Debug)]
#[must_use = "a review does nothing until it is run"]
pub struct Review<'a> {
    ledger: &'a Ledger,
    as_of: NaiveDate,
    partners: &'a [Partner],
    facts: &'a [RiskFacts],
    previous: Option<&'a Portfolio>,
}

impl<'a> Review<'a> {
    /// A review of `ledger` as of `as_of` (the window is the policy's
    /// number of full months before it).
    pub fn new(ledger: &'a Ledger, as_of: NaiveDate) -> Review<'a> {
        Review { ledger, as_of, partners: &[], facts: &[], previous: None }
    }

    /// The partner list: names, regions, specialisations, start dates. A
    /// listed partner that started before the review date is assessed even
    /// without turnover (as D and Beginner: passive). Each record is shared
    /// by the partner's assessment through one `Arc`.
    pub fn partners(mut self, partners: &'a [Partner]) -> Review<'a> {
        self.partners = partners;
        self
    }

    /// Risk facts beyond the ledger, at most one set per partner.
    pub fn facts(mut self, facts: &'a [RiskFacts]) -> Review<'a> {
        self.facts = facts;
        self
    }

    /// The previous review: it carries tier hysteresis and gives the
    /// migrations. Takes `&Portfolio` or `Option<&Portfolio>`.
    pub fn previous(mut self, previous: impl Into<Option<&'a Portfolio>>) -> Review<'a> {
        self.previous = previous.into();
        self
    }

    /// Runs the review: every partner in the ledger with data up to the end
    /// of the window, and every listed partner that started before the
    /// review date, assessed, ranked and tabled.
    ///
    /// The result does not depend on the order of the partners or facts, or
    /// on the order the ledger was built in. Large networks are assessed on
    /// all cores (feature `parallel`), with the same result as on one.
    ///
    /// # Errors
    ///
    /// - [`ErrorKind::InvalidPolicy`] if the policy fails [`Policy::check`];
    /// - [`ErrorKind::CurrencyMismatch`] if the ledger's currency is not the
    ///   tier policy's or the previous portfolio's;
    /// - [`ErrorKind::InvalidValue`] (field `previous`) if the previous
    ///   review is not earlier than this one;
    /// - [`ErrorKind::DuplicatePartner`] if a partner is listed twice or has
    ///   two sets of facts;
    /// - [`ErrorKind::InvalidValue`] for facts about a partner that is
    ///   neither listed nor in the ledger (a typo would otherwise drop
    ///   them), or that fail [`RiskFacts::check`];
    /// - [`ErrorKind::DateOutOfRange`] / [`ErrorKind::InvalidWindow`] if the
    ///   window cannot be built;
    /// - [`ErrorKind::Overflow`] for sums out of range;
    /// - [`ErrorKind::ThreadPool`] if the threads cannot start.
    ///
    /// [`ErrorKind::InvalidPolicy`]: crate::ErrorKind::InvalidPolicy
    /// [`ErrorKind::CurrencyMismatch`]: crate::ErrorKind::CurrencyMismatch
    /// [`ErrorKind::InvalidValue`]: crate::ErrorKind::InvalidValue
    /// [`ErrorKind::DuplicatePartner`]: crate::ErrorKind::DuplicatePartner
    /// [`ErrorKind::DateOutOfRange`]: crate::ErrorKind::DateOutOfRange
    /// [`ErrorKind::InvalidWindow`]: crate::ErrorKind::InvalidWindow
    /// [`ErrorKind::Overflow`]: crate::ErrorKind::Overflow
    /// [`ErrorKind::ThreadPool`]: crate::ErrorKind::ThreadPool
    pub fn run(&self, policy: &Policy) -> Result<Portfolio> {
        run(self, policy, false).map(|(portfolio, _)| portfolio)
    }

    /// Runs the review as [`run`](Review::run) does, and projects every
    /// partner to the next review in the same pass (see
    /// [`forecast`](crate::review::forecast) for the method). The
    /// projection reads each partner's figures while the review has them
    /// at hand, so it costs a fraction of a separate
    /// [`Forecast::new`] afterwards, with the same result.
    ///
    /// The forecast never changes the review: the portfolio is the one
    /// [`run`](Review::run) gives.
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
    /// # use rust_decimal::Decimal;
    /// # let mut ledger = Ledger::new(Currency::RUB);
    /// # for m in 1..=12 {
    /// #     let date = NaiveDate::from_ymd_opt(2025, m, 10).unwrap();
    /// #     ledger.record(Sale::new(PartnerId::new("P-1")?, date, Money::new(Decimal::from(90_000), Currency::RUB)))?;
    /// # }
    /// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let (portfolio, forecast) = Review::new(&ledger, as_of).run_with_forecast(&Policy::default())?;
    /// assert_eq!(forecast.next_review(), NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    /// assert_eq!(forecast.get("P-1").unwrap().monthly, Decimal::from(90_000));
    /// assert_eq!(portfolio, Review::new(&ledger, as_of).run(&Policy::default())?);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Those of [`run`](Review::run) and of [`Forecast::new`].
    pub fn run_with_forecast(&self, policy: &Policy) -> Result<(Portfolio, Forecast)> {
        match run(self, policy, true)? {
            (portfolio, Some(forecast)) => Ok((portfolio, forecast)),
            // `run` makes the forecast when asked to.
            (portfolio, None) => {
                let forecast = Forecast::new(self.ledger, &portfolio, policy)?;
                Ok((portfolio, forecast))
            }
        }
    }
}

/// A partner in the review.
struct Member<'a> {
    id: &'a PartnerId,
    row: Option<&'a Row>,
    partner: Option<Arc<Partner>>,
}

/// What the scan of the ledger's rows finds besides their totals.
#[derive(Clone, Copy, Debug, Default)]
struct RowScan {
    /// The first month with data in the ledger.
    data_from: Option<i32>,
    /// Whether some row has no data up to the window's end (or none at
    /// all).
    late: bool,
}

impl RowScan {
    /// Notes a row whose first month with data is `month`, for a window
    /// ending in month `last`.
    fn add(&mut self, month: Option<i32>, last: i32) {
        match month {
            Some(month) => {
                self.data_from = Some(self.data_from.map_or(month, |m| m.min(month)));
                self.late |= month > last;
            }
            None => self.late = true,
        }
    }

    fn merge(&mut self, other: &RowScan) {
        self.data_from = match (self.data_from, other.data_from) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.late |= other.late;
    }
}

/// A share of the scan (rayon makes one for each piece of the rows it
/// hands a thread), added to the whole when it is done.
struct RowScanner<'a> {
    seen: RowScan,
    total: &'a Mutex<RowScan>,
}

impl Drop for RowScanner<'_> {
    fn drop(&mut self) {
        self.total.lock().unwrap_or_else(PoisonError::into_inner).merge(&self.seen);
    }
}

/// A worker of the review's pass: its buffers, and its share of the
/// network's monthly sums and of the tier table's, added to the review's
/// when the worker is done (each worker's state is dropped at its end,
/// before the pass returns).
struct Worker<'a> {
    context: Arc<Context>,
    buf: WindowBuf,
    series: Vec<i128>,
    network: NetworkMonths,
    tiers: TierSums,
    total: &'a Mutex<(NetworkMonths, TierSums)>,
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        // A poisoned lock still holds valid sums.
        let mut total = self.total.lock().unwrap_or_else(PoisonError::into_inner);
        total.0.merge(&self.network);
        total.1.merge(&self.tiers);
    }
}

/// The tier table's figures, summed by the review's workers as they go (a
/// pass of its own over a million assessments took 20 ms on one core):
/// partners and turnover per tier at the ledger's scale, and the sum of
/// the turnovers' magnitudes.
#[derive(Clone, Copy, Debug, Default)]
struct TierSums {
    partners: [u64; 4],
    turnover: [i128; 4],
    magnitude: u128,
}

impl TierSums {
    fn add(&mut self, tier: Tier, turnover: i128) {
        let k = tier.index();
        if let (Some(partners), Some(sum)) = (self.partners.get_mut(k), self.turnover.get_mut(k)) {
            *partners += 1;
            *sum = sum.saturating_add(turnover);
        }
        self.magnitude = self.magnitude.saturating_add(turnover.unsigned_abs());
    }

    fn merge(&mut self, other: &TierSums) {
        for k in 0..4 {
            self.partners[k] += other.partners[k];
            self.turnover[k] = self.turnover[k].saturating_add(other.turnover[k]);
        }
        self.magnitude = self.magnitude.saturating_add(other.magnitude);
    }

    /// The tier table ([`tier_table`] of the assessments, whose turnovers
    /// are decimals at `scale`), when the magnitudes sum to less than
    /// Decimal's 96 bits: every partial sum of the decimals is then exact,
    /// and so is their sum, this one. `None` otherwise, for [`tier_table`]
    /// to add the decimals as they are.
    fn table(&self, scale: u32) -> Option<Vec<TierRow>> {
        if self.magnitude >= 1 << 96 || scale > Decimal::MAX_SCALE {
            return None;
        }
        let row = |tier: Tier| {
            let k = tier.index();
            let partners = self.partners[k];
            // No partner: the zero tier_table starts from.
            let turnover = if partners == 0 { Decimal::ZERO } else { to_decimal(self.turnover[k], scale) };
            TierRow { tier, partners, turnover }
        };
        Some(Tier::ALL.iter().map(|&tier| row(tier)).collect())
    }
}

/// What every partner's assessment shares.
struct Shared<'a> {
    ledger: &'a Ledger,
    policy: &'a Policy,
    window: Window,
    as_of: NaiveDate,
    facts: &'a HashMap<&'a str, &'a RiskFacts, Hasher>,
    previous: &'a HashMap<&'a str, TierState, Hasher>,
    /// The priority policy's figures as integers, when they fit.
    score: Option<ScoreInts>,
    /// The tier bars of the whole window, at the ledger's scale: most
    /// partners are averaged over it.
    bars: Option<Bars>,
    /// The near-the-next-tier test in integers, when the policy allows it.
    near_next: Option<NearNext>,
    /// The potential's limits, prepared once.
    potential_cuts: Cuts,
    /// [`years_before`] the review date, when in range.
    years: Option<(Month, Month)>,
}

/// The last month of the year before `as_of` and the first of the year
/// before that (the year-on-year figures).
fn years_before(as_of: NaiveDate) -> Result<(Month, Month)> {
    let year_end = Month::of(as_of).checked_add(-1)?;
    Ok((year_end, year_end.checked_add(-23)?))
}

fn run<'r>(review: &Review<'r>, policy: &Policy, forecast: bool) -> Result<(Portfolio, Option<Forecast>)> {
    let Review { ledger, as_of, partners, facts, previous } = *review;
    policy.check()?;
    let window = Window::before(as_of, policy.window_months())?;
    let currency = ledger.currency();
    if policy.tiers.currency() != currency {
        return Err(Error::currency_mismatch(currency, policy.tiers.currency()));
    }
    if let Some(prev) = previous {
        if prev.currency() != currency {
            return Err(Error::currency_mismatch(currency, prev.currency()));
        }
        // Hysteresis counts reviews: the previous one must be earlier.
        Span::new(prev.as_of(), as_of)?;
    }
    let mut listed: HashMap<&str, &Partner, Hasher> =
        HashMap::with_capacity_and_hasher(partners.len(), Hasher::default());
    for p in partners {
        if listed.insert(p.id.as_str(), p).is_some() {
            return Err(Error::duplicate_partner(&p.id, None));
        }
    }
    let mut facts_by: HashMap<&str, &RiskFacts, Hasher> =
        HashMap::with_capacity_and_hasher(facts.len(), Hasher::default());
    for f in facts {
        if facts_by.insert(f.partner.as_str(), f).is_some() {
            return Err(Error::duplicate_partner(&f.partner, None));
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
    let record = |p: &Partner| Arc::new(p.clone());
    // Each row's window total, and the first month with data in the ledger
    // (for the forecast), on all cores, in one pass over the rows' cells
    // (one cache miss a partner; a pass for the members and one for the
    // totals took 35 ms at a million).
    let scan = Mutex::new(RowScan::default());
    let row_values: Vec<i128> = par::map_init(
        ledger.rows(),
        || RowScanner { seen: RowScan::default(), total: &scan },
        |scanner, _, row| {
            scanner.seen.add(row.cells.first().map(|c| c.month), last);
            Ledger::net_between(row, first, last)
        },
    )?;
    let RowScan { data_from, late } = scan.into_inner().unwrap_or_else(PoisonError::into_inner);
    let member =
        |row: &'r Row| Member { id: &row.id, row: Some(row), partner: listed.get(row.id.as_str()).map(|p| record(p)) };
    let (mut members, mut values): (Vec<Member<'_>>, Vec<i128>) = if late {
        // Some rows have no data up to the window's end: they are left out.
        ledger
            .rows()
            .iter()
            .zip(row_values)
            .filter(|(row, _)| row.cells.first().is_some_and(|c| c.month <= last))
            .map(|(row, value)| (member(row), value))
            .unzip()
    } else {
        (ledger.rows().iter().map(member).collect(), row_values)
    };
    members.reserve(partners.len());
    values.reserve(partners.len());
    for p in partners {
        if ledger.row(p.id.as_str()).is_none() && p.start_date.is_none_or(|d| d < as_of) {
            members.push(Member { id: &p.id, row: None, partner: Some(record(p)) });
            values.push(0);
        }
    }

    // Segments, from the window totals as integers at the ledger's scale.
    let totals = positive_totals(&values)?;
    let total = values.iter().try_fold(0i128, |s, &v| s.checked_add(v));
    let order = RankOrder::of(&values)?;
    drop(values);
    let base = totals.0;
    // Each member's segment and shares, in the members' order, which the
    // pass below reads them in (looking each one up in rank order instead
    // was a cache miss per partner, a tenth of the pass, by `perf`), and
    // the Pareto table's sums, laid out tie group by tie group. No class is
    // kept for each partner (96 bytes a partner, and a pass over them for
    // each figure), and a group's shares are worked out once, most of them
    // from the group above's ([`Fractions`]). Every member is ranked; one
    // that were not would be the tail (D, no shares).
    let (segment_of, table) = segment_parts(&order, totals, &policy.pareto, members.len(), par::threads()?)?;
    // What the portfolio needs of the rank order is taken now, so that it is
    // gone before the assessments are built: the review's peak memory is
    // the assessments with what is still held beside them. The errors are
    // returned where they were before, after the pass's.
    let scaled = Scaled { scale: ledger.scale() };
    let pareto = table.rows(order.len(), base, &scaled);
    let concentrated = concentration_of(order.values(), base);
    drop(order);
    let previous_states: HashMap<&str, TierState, Hasher> =
        previous.map(|p| p.assessments.iter().map(|a| (a.id().as_str(), a.tier_state())).collect()).unwrap_or_default();
    let context = Arc::new(Context {
        currency,
        scale: ledger.scale(),
        base,
        tiers: policy.tiers,
        min_history_months: policy.potential.min_history_months(),
    });
    let shared = Shared {
        ledger,
        policy,
        window,
        as_of,
        facts: &facts_by,
        previous: &previous_states,
        score: ScoreInts::of(&policy.priority),
        bars: policy.tiers.bars(window.len(), ledger.scale()).ok(),
        near_next: NearNext::new(&policy.tiers, ledger.scale(), policy.potential.near_next_tier()),
        potential_cuts: policy.potential.cuts(),
        years: years_before(as_of).ok(),
    };
    let months = window.len() as usize;
    let network = Mutex::new((NetworkMonths::new(months), TierSums::default()));
    let init = || Worker {
        // A context of the worker's own: every assessment holds one, and
        // counting the references of a single one from every thread made
        // the threads wait on each other.
        context: Arc::new((*context).clone()),
        buf: WindowBuf::default(),
        series: Vec::with_capacity(months),
        network: NetworkMonths::new(months),
        tiers: TierSums::default(),
        total: &network,
    };
    let assess = |w: &mut Worker<'_>, i: usize, m: &Member<'_>| {
        let segment = segment_of.get(i);
        let (a, total) =
            shared.assess_one(m, segment, &w.context, &mut w.buf, &mut w.series).map_err(|e| e.for_partner(m.id))?;
        if m.row.is_some() {
            w.network.add(a.segment(), a.tier(), w.buf.months.iter().map(|d| d.turnover));
        }
        w.tiers.add(a.tier(), total);
        Ok::<_, Error>(a)
    };
    let (mut assessments, projections, keys) = if forecast {
        // Each partner projected right after its assessment, while its
        // figures are in the cache: a second pass over a million partners'
        // figures costs most of its time in fetching them again.
        let setup = Setup::new(ledger, as_of, policy.review_period.months(), data_from, policy)?;
        let (assessments, projections): (Vec<Assessment>, Vec<Kept>) = par::try_map_init_pairs(
            &members,
            init,
            |state, i, m| {
                let a = assess(state, i, m)?;
                let p = setup.projection(m.row, Some((first, &state.buf.months)), &a)?;
                Ok::<_, Error>((a, p))
            },
            |m| (Assessment::stand_in(m.id, &context), setup.stand_in(m.id)),
        )??;
        (assessments, Some((setup, projections)), None)
    } else {
        // Each partner's priority key made while its assessment is at hand.
        let maker = KeyMaker::default();
        let (assessments, keys) = par::try_map_init_pairs(
            &members,
            init,
            |state, i, m| {
                let a = assess(state, i, m)?;
                let key = maker.key(i, &a, ledger.scale());
                Ok::<_, Error>((a, key))
            },
            |m| (Assessment::stand_in(m.id, &context), PriorityKey::default()),
        )??;
        (assessments, None, maker.keys(keys))
    };
    drop((segment_of, members));
    let (network_months, tier_sums) = network.into_inner().unwrap_or_else(PoisonError::into_inner);
    let order = rank(&mut assessments, ledger.scale(), keys)?;
    let forecast = projections.map(|(setup, p)| setup.forecast(p, order.clone()));

    let (concentration_figures, lorenz) = concentrated?;
    let concentration_risk =
        concentration_figures.as_ref().map(|c| policy.risk.concentration_risk(c.top_partner_share, c.hhi));
    let total = total.ok_or_else(|| Error::overflow("the network's turnover"))?;
    let mut portfolio = Portfolio {
        as_of,
        window,
        review_period: policy.review_period,
        pareto_policy: policy.pareto,
        context,
        total: scaled.decimal(total),
        pareto: pareto?,
        concentration: concentration_figures,
        lorenz,
        concentration_risk,
        tiers: match tier_sums.table(ledger.scale()) {
            Some(rows) => rows,
            None => tier_table(assessments.iter().map(|a| (a.tier(), a.turnover())))?,
        },
        migrations: None,
        playbook: policy.playbook.playbook(),
        assessments,
        order,
        by_id: IdIndex::default(),
        network_months: Some(Arc::new(network_months)),
    };
    if let Some(prev) = previous {
        let moves = Migrations::between(&prev.placements(), &portfolio.placements())?;
        portfolio.migrations = Some(moves.with_span(Span::new(prev.as_of(), as_of)?));
    }
    Ok((portfolio, forecast))
}

/// Each member's segment parts (`members` of them, placed by their
/// positions in `order`) and the Pareto table's sums, from walks of the
/// rank order cut into at most `parts` stretches, walked at once.
///
/// Written straight from one walk, each member's parts went to a slot of
/// their own at random, which cost half of the walk (55 of 95 ms at a
/// million partners); a stretch a thread shares that out.
///
/// # Errors
///
/// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a tie group's
/// turnover leaves 128 bits, or for more members than positions of 32
/// bits (several stretches would write the last one);
/// [`ErrorKind::ThreadPool`](crate::ErrorKind::ThreadPool) if the threads
/// cannot start.
fn segment_parts(
    order: &RankOrder,
    totals: (i128, i128),
    policy: &ParetoPolicy,
    members: usize,
    parts: usize,
) -> Result<(SegmentSlots, SegmentTable)> {
    if u32::try_from(members).is_err() {
        return Err(Error::overflow("the number of partners in a review"));
    }
    let (base, denominator) = (totals.0, policy.denominator(totals));
    let segment_of = SegmentSlots::new(members)?;
    let stretches = Stretch::cut(order, parts)?;
    let tables = par::map(&stretches, |&stretch| {
        let mut table = SegmentTable::default();
        let mut fractions = Fractions::default();
        walk_stretch(order, totals, policy, stretch, |range, class| {
            let parts = SegmentParts::of(class, base, denominator, &mut fractions);
            for at in range {
                let (value, idx) = order.get(at);
                table.add(class.segment, value);
                segment_of.set(idx as usize, parts);
            }
        })
        .map(|()| table)
    })?;
    let mut table = SegmentTable::default();
    for part in tables {
        table.merge(&part?);
    }
    Ok((segment_of, table))
}

impl Shared<'_> {
    /// One member's assessment, and its window turnover at the ledger's
    /// scale (for the tier table's sums).
    fn assess_one(
        &self,
        m: &Member<'_>,
        segment: SegmentParts,
        context: &Arc<Context>,
        buf: &mut WindowBuf,
        series: &mut Vec<i128>,
    ) -> Result<(Assessment, i128)> {
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
        // The partner's first activity in the ledger, at any time.
        let first_active = m.row.and_then(Row::first_active);
        let start_date = m.partner.as_deref().and_then(|p| p.start_date);
        let began = match (start_date.map(Month::of), first_active) {
            (Some(s), Some(f)) => Some(s.min(f)),
            (s, f) => s.or(f),
        };
        // Tier.
        let months = policy.tiers.months(window, start_date, first_active);
        // (The ledger's currency is the policy's: the review checked it.)
        let previous = self.previous.get(m.id.as_str()).copied();
        let (tier, plain, below_reviews) =
            policy.tiers.decide_with(self.bars.as_ref(), (turnover, Some(total)), months, previous)?;
        // Whether the next tier is near, for the potential: in integers where
        // they can tell, else from the assignment's gap in `Decimal`. Without
        // the integer test (a floor of 10^20 or more, or finer than the
        // ledger's places) every partner is assigned in `Decimal`, whose
        // distances can then overflow, which is an error as before.
        let decimal = || -> Result<Option<bool>> {
            let assigned = policy.tiers.try_assignment(turnover, months, tier, plain, below_reviews)?;
            Ok(gap_to_next(&policy.tiers, &assigned).map(|gap| gap.within(policy.potential.near_next_tier())))
        };
        let near_next = match (self.near_next, tier.next()) {
            (Some(test), Some(next)) => match test.near(next, total, months) {
                Some(near) => Some(near),
                None => decimal()?,
            },
            (Some(_), None) => None,
            (None, _) => decimal()?,
        };
        // Potential: the history from the partner's beginning (or the window's
        // start), whatever the tier averaging.
        let history_start = match began {
            Some(b) => b.months_since(window.first()).clamp(0, window.len() as i32) as usize,
            None => window.len() as usize,
        };
        series.clear();
        series.extend(buf.months.get(history_start..).unwrap_or_default().iter().map(|d| i128::from(d.turnover)));
        let tenure = began.map(|b| window.last().months_since(b).max(0).unsigned_abs() + 1);
        let (year_end, prior_first) = match self.years {
            Some(years) => years,
            // Out of range: the error.
            None => years_before(self.as_of)?,
        };
        let years = match (m.row, began) {
            (Some(row), Some(b)) if b <= prior_first => Some((
                Ledger::net_between(row, year_end.index() - 11, year_end.index()),
                Ledger::net_between(row, prior_first.index(), year_end.index() - 12),
            )),
            _ => None,
        };
        let potential = policy.potential.assess_ints_with(&self.potential_cuts, series, years, tenure, near_next)?;
        // Risk.
        let data = PartnerWindow { partner: m.id, window, scale, buf };
        let risk = policy.risk.assess_window(&data, self.facts.get(m.id.as_str()).copied(), self.as_of)?;
        let score = policy.priority.score_units(
            self.score.as_ref(),
            segment.segment,
            total,
            segment.shares[2],
            potential.level,
            risk.overall,
        );
        let urgent = urgent_cause(&policy.priority.urgent, segment.segment, &risk, &risk.alerts);
        let assessment = Assessment::compact(Parts {
            id: m.id.clone(),
            partner: m.partner.clone(),
            context: Arc::clone(context),
            turnover,
            margin: to_decimal(margin, scale),
            credit_notes: to_decimal(credit, scale),
            deals,
            segment,
            tier,
            plain,
            below_reviews,
            months,
            potential,
            risk,
            score,
            urgent,
        });
        Ok((assessment, total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pareto::{any_policy, any_turnovers, walk_classes};

    proptest::proptest! {
        /// The segment parts and Pareto table of the review, walked in any
        /// number of stretches at once, are those of one walk of the whole
        /// rank order placing each member's parts in turn.
        #[test]
        fn the_stretches_give_the_segment_parts_and_table_of_one_walk(
            values in any_turnovers(),
            parts in 1usize..9,
            policy in any_policy(),
        ) {
            let order = RankOrder::of(&values).unwrap();
            let totals = positive_totals(&values).unwrap();
            let (base, denominator) = (totals.0, policy.denominator(totals));
            // One walk, as the review did it before the stretches.
            let mut want = vec![None; values.len()];
            let mut want_table = SegmentTable::default();
            let mut fractions = Fractions::default();
            walk_classes(&order, totals, &policy, |range, class| {
                let parts = SegmentParts::of(class, base, denominator, &mut fractions);
                for at in range {
                    let (value, idx) = order.get(at);
                    want_table.add(class.segment, value);
                    want[idx as usize] = Some((parts.segment, parts.rank, parts.shares));
                }
            })
            .unwrap();
            let (slots, table) = segment_parts(&order, totals, &policy, values.len(), parts).unwrap();
            for (i, want) in want.iter().enumerate() {
                let got = slots.get(i);
                proptest::prop_assert_eq!(Some((got.segment, got.rank, got.shares)), *want);
            }
            let scaled = Scaled { scale: 2 };
            proptest::prop_assert_eq!(
                table.rows(values.len(), base, &scaled).unwrap(),
                want_table.rows(values.len(), base, &scaled).unwrap()
            );
        }

        /// The workers' tier sums give the tier table that adding the
        /// assessments' decimal turnovers one by one gives, zero tiers and
        /// scales included, in whatever order the partners were added.
        #[test]
        fn tier_sums_give_the_tier_table_of_the_decimals(
            partners in proptest::collection::vec((0usize..4, proptest::num::i64::ANY), 0..200),
            scale in 0u32..=4,
            split in 0usize..200,
        ) {
            let tier = |k: usize| Tier::ALL[k];
            let expected = tier_table(partners.iter().map(|&(k, t)| (tier(k), to_decimal(i128::from(t), scale)))).unwrap();
            // Two workers, merged.
            let (first, second) = partners.split_at(split.min(partners.len()));
            let mut sums = TierSums::default();
            let mut other = TierSums::default();
            first.iter().for_each(|&(k, t)| sums.add(tier(k), i128::from(t)));
            second.iter().for_each(|&(k, t)| other.add(tier(k), i128::from(t)));
            sums.merge(&other);
            let rows = sums.table(scale).unwrap();
            proptest::prop_assert_eq!(&rows, &expected);
            for (row, want) in rows.iter().zip(&expected) {
                proptest::prop_assert_eq!(row.turnover.scale(), want.turnover.scale());
            }
        }
    }

    #[test]
    fn tier_sums_leave_turnovers_beyond_decimal_to_the_decimals() {
        let mut sums = TierSums::default();
        sums.add(Tier::Gold, (1 << 96) - 1);
        assert!(sums.table(2).is_some());
        sums.add(Tier::Beginner, -1);
        assert!(sums.table(2).is_none());
        // Decimal's finest scale is its own; one finer is not.
        assert!(TierSums::default().table(28).is_some());
        assert!(TierSums::default().table(29).is_none());
    }
}

//! The result of a review: every partner's assessment, in the order they
//! were built, with the priority ranking as an index.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::iter::FusedIterator;
use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::assessment::{Assessment, Context};
use crate::error::{Error, Result};
use crate::language::Language;
use crate::ledger::periods::{GroupPeriods, PeriodReport};
use crate::migrations::{Migrations, Placement};
use crate::money::{Currency, Money};
use crate::pareto::{Concentration, LorenzPoint, ParetoPolicy, ParetoRow, Segment, classify};
use crate::period::{ReviewPeriod, Window};
use crate::risk::{ConcentrationRisk, CrisisAlert};
use crate::strategy::{Playbook, Strategy};
use crate::tier::{Tier, TierRow, tier_table};
use crate::util::exact::Scaled;

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

/// The result of a review: every partner's [`Assessment`], the network's
/// tables and figures, and what moved since the previous review.
///
/// The assessments are kept in the order the review built them; the
/// priority ranking is an index over them. [`assessments`] walks them in
/// rank order, [`top`] gives the first `n`, [`by_rank`] one rank and
/// [`get`] one partner by id.
///
/// Serialises to JSON and back ([`Portfolio::to_json`],
/// [`Portfolio::from_json`]), the assessments in rank order: a host stores
/// each review and passes it in as the previous one next time, which carries
/// tier hysteresis and migrations across runs.
///
/// [`assessments`]: Portfolio::assessments
/// [`top`]: Portfolio::top
/// [`by_rank`]: Portfolio::by_rank
/// [`get`]: Portfolio::get
#[derive(Clone, Debug)]
pub struct Portfolio {
    pub(super) as_of: NaiveDate,
    pub(super) window: Window,
    pub(super) review_period: ReviewPeriod,
    pub(super) pareto_policy: ParetoPolicy,
    pub(super) context: Arc<Context>,
    pub(super) total: Decimal,
    pub(super) pareto: Vec<ParetoRow>,
    pub(super) concentration: Option<Concentration>,
    pub(super) lorenz: Vec<LorenzPoint>,
    pub(super) concentration_risk: Option<ConcentrationRisk>,
    pub(super) tiers: Vec<TierRow>,
    pub(super) migrations: Option<Migrations>,
    pub(super) playbook: Playbook,
    /// In the order the review built them.
    pub(super) assessments: Vec<Assessment>,
    /// Rank `r` is `assessments[order[r - 1]]`.
    pub(super) order: Vec<u32>,
    pub(super) by_id: IdIndex,
    /// Made by the review; `None` for a portfolio read back from its JSON.
    pub(super) network_months: Option<Arc<NetworkMonths>>,
}

impl PartialEq for Portfolio {
    /// Two portfolios are equal when they hold the same figures and the same
    /// assessments in the same rank order, whatever order the assessments
    /// were built in.
    fn eq(&self, other: &Portfolio) -> bool {
        // Every field named, so that a field added later is not forgotten.
        let Portfolio {
            as_of,
            window,
            review_period,
            pareto_policy,
            context,
            total,
            pareto,
            concentration,
            lorenz,
            concentration_risk,
            tiers,
            migrations,
            playbook,
            assessments: _,
            order: _,
            by_id: _,
            network_months: _,
        } = self;
        *as_of == other.as_of
            && *window == other.window
            && *review_period == other.review_period
            && *pareto_policy == other.pareto_policy
            && **context == *other.context
            && *total == other.total
            && *pareto == other.pareto
            && *concentration == other.concentration
            && *lorenz == other.lorenz
            && *concentration_risk == other.concentration_risk
            && *tiers == other.tiers
            && *migrations == other.migrations
            && *playbook == other.playbook
            && self.assessments().eq(other.assessments())
    }
}

impl Eq for Portfolio {}

/// The hash table in which [`Portfolio::get`] finds an assessment, built on
/// first use: open addressing with linear probing over a power-of-two
/// number of slots (at least twice the items), each holding an item's
/// position plus one, or zero when empty. A cache, not data: it
/// takes no part in equality and is not serialised.
#[derive(Clone, Debug, Default)]
pub(super) struct IdIndex(OnceLock<Vec<u32>>);

/// The network's turnover in each month of the review window by segment and
/// tier, summed by the review as it goes (each partner with figures in the
/// ledger, in its segment and tier of the review), for the report's dynamics
/// charts. Derived from the ledger and the review, so, like [`IdIndex`], it
/// takes no part in equality and is not serialised.
#[derive(Clone, Debug, Default)]
pub(crate) struct NetworkMonths {
    /// The months of the window.
    months: usize,
    /// `sums[(segment × 4 + tier) × months + month]`, at the ledger's scale.
    sums: Vec<i128>,
    /// The partners with figures in each (segment, tier).
    partners: [u64; 16],
}

impl NetworkMonths {
    /// No sums yet, for a window of `months` months.
    pub(super) fn new(months: usize) -> NetworkMonths {
        NetworkMonths { months, sums: vec![0; 16 * months], partners: [0; 16] }
    }

    fn group(segment: Segment, tier: Tier) -> usize {
        segment.index() * 4 + tier.index()
    }

    /// Adds one partner's window turnover, month by month.
    pub(super) fn add(&mut self, segment: Segment, tier: Tier, turnover: impl Iterator<Item = i64>) {
        let g = NetworkMonths::group(segment, tier);
        if let Some(count) = self.partners.get_mut(g) {
            *count += 1;
        }
        let at = g * self.months;
        for (s, v) in self.sums.iter_mut().skip(at).take(self.months).zip(turnover) {
            // i64 amounts: no network of fewer than 2^63 partners reaches
            // i128's limit.
            *s = s.saturating_add(i128::from(v));
        }
    }

    /// Adds another worker's sums.
    pub(super) fn merge(&mut self, other: &NetworkMonths) {
        for (s, v) in self.sums.iter_mut().zip(&other.sums) {
            *s = s.saturating_add(*v);
        }
        for (c, v) in self.partners.iter_mut().zip(other.partners) {
            *c += v;
        }
    }

    /// The monthly series of each key with partners, in `keys` order: the
    /// groups `of(key)` picks, added up.
    fn series<K: Copy>(&self, keys: &[K], of: impl Fn(K, usize) -> bool, scale: u32) -> Result<Vec<(K, Vec<Decimal>)>> {
        let mut out = Vec::new();
        for &key in keys {
            let groups: Vec<usize> = (0..16).filter(|&g| of(key, g)).collect();
            if groups.iter().all(|&g| self.partners.get(g).is_none_or(|&c| c == 0)) {
                continue;
            }
            let values = (0..self.months)
                .map(|m| {
                    let sum = groups
                        .iter()
                        .filter_map(|&g| self.sums.get(g * self.months + m))
                        .try_fold(0i128, |a, &v| a.checked_add(v));
                    sum.and_then(|v| Decimal::try_from_i128_with_scale(v, scale).ok())
                        .ok_or_else(|| Error::overflow("a monthly total"))
                })
                .collect::<Result<Vec<Decimal>>>()?;
            out.push((key, values));
        }
        Ok(out)
    }

    /// The network's monthly turnover of each segment with partners (A
    /// first).
    pub(crate) fn by_segment(&self, scale: u32) -> Result<Vec<(Segment, Vec<Decimal>)>> {
        self.series(&Segment::ALL, |s, g| g / 4 == s.index(), scale)
    }

    /// The network's monthly turnover of each tier with partners (Gold
    /// first).
    pub(crate) fn by_tier(&self, scale: u32) -> Result<Vec<(Tier, Vec<Decimal>)>> {
        self.series(&Tier::ALL, |t, g| g % 4 == t.index(), scale)
    }
}

/// What an [`IdIndex`] finds: an item of one partner.
pub(super) trait Keyed {
    /// The partner's id.
    fn key(&self) -> &str;
}

impl Keyed for Assessment {
    fn key(&self) -> &str {
        self.id.as_str()
    }
}

impl IdIndex {
    fn slot(id: &str, mask: usize) -> usize {
        (crate::util::hash::hash64(id.as_bytes()) as usize) & mask
    }

    /// Items from which their slots are found on all cores.
    const PARALLEL_FROM: usize = 1 << 16;

    fn build<T: Keyed + Sync>(items: &[T]) -> Vec<u32> {
        let size = (items.len() * 2).next_power_of_two().max(2);
        let mask = size - 1;
        // Each item's first slot (its id read and hashed) on all cores,
        // then the table filled on this one. In one pass on one core, the
        // first lookup among a million partners waited 45-49 ms for the
        // table; now 32-33 ms.
        let slot_of = |a: &T| IdIndex::slot(a.key(), mask);
        let on_one = || items.iter().map(slot_of).collect();
        let slots: Vec<usize> = if items.len() >= IdIndex::PARALLEL_FROM {
            // Without the pool's threads, the same on this one.
            crate::util::par::map(items, slot_of).unwrap_or_else(|_| on_one())
        } else {
            on_one()
        };
        let mut table = vec![0u32; size];
        for (pos, &first) in slots.iter().enumerate() {
            let Ok(value) = u32::try_from(pos + 1) else { break };
            let mut at = first;
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

    pub(super) fn find<'a, T: Keyed + Sync>(&self, items: &'a [T], partner: &str) -> Option<&'a T> {
        // Built outside the cell: the build runs on the thread pool, and a
        // caller that is itself a pool thread (a lookup inside parallel
        // work, as the period tables by segment do) may take up another of
        // its jobs while it waits, one that looks up an id too. Inside
        // `get_or_init` that job would wait for the cell it is filling;
        // out here it builds a table of its own, and the first one set is
        // kept (both are the same).
        let table = match self.0.get() {
            Some(table) => table,
            None => {
                let built = IdIndex::build(items);
                self.0.get_or_init(|| built)
            }
        };
        let mask = table.len().checked_sub(1)?;
        let mut at = IdIndex::slot(partner, mask);
        loop {
            let value = *table.get(at)?;
            let a = items.get(value.checked_sub(1)? as usize)?;
            if a.key() == partner {
                return Some(a);
            }
            at = (at + 1) & mask;
        }
    }
}

/// The assessments of a [`Portfolio`] in rank order: see
/// [`Portfolio::assessments`].
pub type Assessments<'a> = InRankOrder<'a, Assessment>;

/// The records of a review in the review's rank order, rank 1 first:
/// [`Assessments`]. It knows its length and runs from both ends.
#[derive(Clone, Debug)]
pub struct InRankOrder<'a, T> {
    all: &'a [T],
    order: std::slice::Iter<'a, u32>,
}

impl<'a, T> InRankOrder<'a, T> {
    /// The records `all` taken in `order` (positions in `all`).
    pub(super) fn new(all: &'a [T], order: &'a [u32]) -> InRankOrder<'a, T> {
        InRankOrder { all, order: order.iter() }
    }
}

impl<'a, T> Iterator for InRankOrder<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        // Every position in the order is one of the records (the review
        // is built so); `get` keeps a broken one from panicking.
        self.order.next().and_then(|&i| self.all.get(i as usize))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.order.size_hint()
    }

    fn nth(&mut self, n: usize) -> Option<&'a T> {
        self.order.nth(n).and_then(|&i| self.all.get(i as usize))
    }
}

impl<T> DoubleEndedIterator for InRankOrder<'_, T> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.order.next_back().and_then(|&i| self.all.get(i as usize))
    }
}

impl<T> ExactSizeIterator for InRankOrder<'_, T> {}

impl<T> FusedIterator for InRankOrder<'_, T> {}

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

    /// How often reviews happen (the policy's review period).
    #[must_use]
    pub fn review_period(&self) -> ReviewPeriod {
        self.review_period
    }

    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.context.currency
    }

    /// The language of the review's playbook (and so of its strategies).
    #[must_use]
    pub fn language(&self) -> Language {
        self.playbook.language()
    }

    /// The network's monthly turnover by segment and tier over the window,
    /// when the review of a ledger made it.
    pub(crate) fn network_months(&self) -> Option<&NetworkMonths> {
        self.network_months.as_deref()
    }

    /// The number of partners assessed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.assessments.len()
    }

    /// True if no partner was assessed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.assessments.is_empty()
    }

    /// Every partner's assessment, in rank order (rank 1 first). The
    /// iterator knows its length and runs from both ends.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
    /// # use rust_decimal::Decimal;
    /// # let mut ledger = Ledger::new(Currency::RUB);
    /// # for (id, amount) in [("big", 900_000), ("small", 1_000)] {
    /// #     let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    /// #     ledger.record(Sale::new(PartnerId::new(id)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
    /// # }
    /// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
    /// let ranks: Vec<u32> = portfolio.assessments().map(|a| a.rank()).collect();
    /// assert_eq!(ranks, [1, 2]);
    /// assert_eq!(portfolio.assessments().next_back().map(|a| a.id().as_str()), Some("small"));
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    #[must_use]
    pub fn assessments(&self) -> Assessments<'_> {
        InRankOrder::new(&self.assessments, &self.order)
    }

    /// Every partner's assessment in the order the portfolio keeps them,
    /// not in rank order (for a portfolio a review made, the ledger's order
    /// of partners, then the listed partners without figures; for one read
    /// back from JSON, rank order): for sums, counts and selections whose
    /// result does not depend on the order.
    ///
    /// At a million partners a pass over them this way reads memory in
    /// sequence, and takes a small part of the time of the same pass in rank
    /// order, where each assessment lies elsewhere. The order is not part of
    /// the contract: the same data recorded in another order may give
    /// another one.
    ///
    /// # Example
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
    /// # use rust_decimal::Decimal;
    /// # let mut ledger = Ledger::new(Currency::RUB);
    /// # for (id, amount) in [("big", 900_000), ("small", 1_000)] {
    /// #     let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    /// #     ledger.record(Sale::new(PartnerId::new(id)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
    /// # }
    /// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    /// let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
    /// let deals: u64 = portfolio.unordered().iter().map(|a| a.deals()).sum();
    /// assert_eq!(deals, 2);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    #[must_use]
    pub fn unordered(&self) -> &[Assessment] {
        &self.assessments
    }

    /// The positions in [`unordered`](Portfolio::unordered) in rank order
    /// (rank 1 first).
    pub(crate) fn rank_order(&self) -> &[u32] {
        &self.order
    }

    /// The first `n` assessments in rank order (fewer if there are fewer).
    #[must_use]
    pub fn top(&self, n: usize) -> Assessments<'_> {
        let n = n.min(self.order.len());
        InRankOrder::new(&self.assessments, self.order.get(..n).unwrap_or_default())
    }

    /// The assessment at `rank` (1 first), if there is one.
    #[must_use]
    pub fn by_rank(&self, rank: u32) -> Option<&Assessment> {
        let pos = self.order.get(usize::try_from(rank).ok()?.checked_sub(1)?)?;
        self.assessments.get(*pos as usize)
    }

    /// One partner's assessment, by id: a `&str`, a `String` or a
    /// [`PartnerId`](crate::PartnerId).
    ///
    /// ```
    /// # use chrono::NaiveDate;
    /// # use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
    /// # use rust_decimal::Decimal;
    /// # let mut ledger = Ledger::new(Currency::RUB);
    /// # let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
    /// # ledger.record(Sale::new(PartnerId::new("P-1")?, date, Money::new(Decimal::from(5_000), Currency::RUB)))?;
    /// # let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).run(&Policy::default())?;
    /// assert_eq!(portfolio.get("P-1").map(|a| a.rank()), Some(1));
    /// assert!(portfolio.get("P-2").is_none());
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    #[must_use]
    pub fn get<K: Borrow<str> + ?Sized>(&self, partner: &K) -> Option<&Assessment> {
        self.by_id.find(&self.assessments, partner.borrow())
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

    /// The action plan for a crisis alert, from the review's playbook.
    #[must_use]
    pub fn crisis_plan(&self, alert: &CrisisAlert) -> &[Arc<str>] {
        self.playbook.crisis_plan(alert.category)
    }

    /// The sum of positive turnovers (the Pareto base).
    #[must_use]
    pub fn base(&self) -> Decimal {
        crate::util::exact::to_decimal(self.context.base, self.context.scale)
    }

    /// The net turnover of the network.
    #[must_use]
    pub fn total(&self) -> Money {
        Money::new(self.total, self.context.currency)
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
    pub fn migrations(&self) -> Option<&Migrations> {
        self.migrations.as_ref()
    }

    /// Every crisis alert, most severe first, then by priority rank.
    #[must_use]
    pub fn alerts(&self) -> Vec<&CrisisAlert> {
        // Read in the order the assessments are kept, not in rank order
        // (which jumps in memory from partner to partner). The order of the
        // result is the same: a review's ranks are distinct, a portfolio
        // read back from JSON keeps its assessments in rank order, and the
        // stable sort keeps a partner's alerts in their order.
        let mut alerts: Vec<(&CrisisAlert, u32)> =
            self.unordered().iter().flat_map(|a| a.alerts().iter().map(move |x| (x, a.rank()))).collect();
        alerts.sort_by(|(a, ra), (b, rb)| b.severity.cmp(&a.severity).then(ra.cmp(rb)));
        alerts.into_iter().map(|(a, _)| a).collect()
    }

    /// Every partner's placement (segment and tier), in rank order, for
    /// [`Migrations::between`].
    #[must_use]
    pub fn placements(&self) -> Vec<Placement> {
        self.assessments().map(Assessment::placement).collect()
    }

    /// The Pareto and tier tables within each region, by region name
    /// (partners without a region last).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a group's sums
    /// are out of range.
    pub fn by_region(&self) -> Result<Vec<GroupView>> {
        self.group_by(Assessment::region)
    }

    /// The Pareto and tier tables within each specialisation.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a group's sums
    /// are out of range.
    pub fn by_specialisation(&self) -> Result<Vec<GroupView>> {
        self.group_by(Assessment::specialisation)
    }

    /// The period report's sums per segment of this review (partners the
    /// review does not know are left out).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn periods_by_segment(&self, report: &PeriodReport<'_>) -> Result<Vec<GroupPeriods<Segment>>> {
        report.totals_by(|id| self.get(id.as_str()).map(Assessment::segment))
    }

    /// The period report's sums per tier of this review.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn periods_by_tier(&self, report: &PeriodReport<'_>) -> Result<Vec<GroupPeriods<Tier>>> {
        report.totals_by(|id| self.get(id.as_str()).map(Assessment::tier))
    }

    /// The period report's sums per region of the partner records (`None`:
    /// partners without a region, first).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn periods_by_region(&self, report: &PeriodReport<'_>) -> Result<Vec<GroupPeriods<Option<String>>>> {
        report.totals_by(|id| self.get(id.as_str()).map(|a| a.region().map(str::to_owned)))
    }

    /// The period report's sums per specialisation of the partner records
    /// (`None`: partners without one, first).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn periods_by_specialisation(&self, report: &PeriodReport<'_>) -> Result<Vec<GroupPeriods<Option<String>>>> {
        report.totals_by(|id| self.get(id.as_str()).map(|a| a.specialisation().map(str::to_owned)))
    }

    fn group_by<'a, F: Fn(&'a Assessment) -> Option<&'a str>>(&'a self, key: F) -> Result<Vec<GroupView>> {
        let mut groups: HashMap<Option<&str>, Vec<&Assessment>> = HashMap::new();
        for a in self.assessments() {
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
            let turnovers: Vec<Decimal> = members.iter().map(|a| a.turnover()).collect();
            let scaled = Scaled::common(&turnovers);
            let values = turnovers.iter().map(|t| scaled.int(*t, "a turnover")).collect::<Result<Vec<i128>>>()?;
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
                tiers: tier_table(members.iter().map(|a| (a.tier(), a.turnover())))?,
            });
        }
        Ok(out)
    }

    /// The portfolio as JSON.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`](crate::ErrorKind::Json) if serialisation fails.
    #[cfg(feature = "serde")]
    pub fn to_json(&self) -> Result<String> {
        crate::util::json::to_json(self)
    }

    /// Reads a stored portfolio.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`](crate::ErrorKind::Json) naming the path where the
    /// document is malformed or inconsistent (ranks that do not run 1 … n in
    /// order).
    #[cfg(feature = "serde")]
    pub fn from_json(json: &str) -> Result<Portfolio> {
        crate::util::json::from_json(json, crate::util::json::Kind::Data)
    }
}

#[cfg(test)]
mod tests {
    use super::{IdIndex, Keyed};

    struct Item(String);

    impl Keyed for Item {
        fn key(&self) -> &str {
            &self.0
        }
    }

    /// Below and above the size from which the slots are found on all
    /// cores, every item is found by its id, and an id not among them is
    /// not.
    #[test]
    fn every_item_is_found_by_its_id_and_no_other() {
        for n in [0, 1, 2, 1000, IdIndex::PARALLEL_FROM + 1000] {
            let items: Vec<Item> = (0..n).map(|i| Item(format!("P-{i}"))).collect();
            let index = IdIndex::default();
            for (i, item) in items.iter().enumerate().step_by(97) {
                let found = index.find(&items, &item.0).map(|f| f as *const Item);
                assert_eq!(found, Some(&items[i] as *const Item), "{n} items, {}", item.0);
            }
            assert!(index.find(&items, "P-missing").is_none(), "{n} items");
        }
    }

    /// Lookups made from parallel work while the table is being built (on
    /// the pool the build also runs on) each find their item, whichever of
    /// the tables built at once is kept. (The wait that building inside
    /// the cell risked, see `find`, needs a job stolen at the wrong moment:
    /// this did not hang in five runs with the table built there.)
    #[test]
    fn lookups_from_parallel_work_find_their_items_while_the_table_is_built() {
        let items: Vec<Item> = (0..IdIndex::PARALLEL_FROM + 1000).map(|i| Item(format!("P-{i}"))).collect();
        for _ in 0..4 {
            let index = IdIndex::default();
            let found = crate::util::par::map(items.get(..4096).unwrap_or_default(), |item| {
                index.find(&items, &item.0).map(|f| f.0 == item.0)
            })
            .unwrap();
            assert!(found.iter().all(|f| *f == Some(true)));
        }
    }
}

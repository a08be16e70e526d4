//! One partner's assessment, kept compact: what cannot be derived is kept,
//! in integers where it can be; everything else is derived on access.
//!
//! A review of a million partners keeps a million assessments, so their size
//! is the review's memory. An assessment keeps its figures (turnover,
//! margin, credit notes, deals), its classes (segment, tier, potential,
//! risk), the few ratios that need the partner's history (trend, year on
//! year, variation), the evidence and alerts of its risks, and shares one
//! [`Context`] with every other assessment of its review (currency, scale,
//! the Pareto base, the tier floors). The monthly figure, the distance to the
//! next tier, the partner's own share and the reasons are derived from them
//! on each call.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rust_decimal::Decimal;

use super::reason::Reason;
use crate::migrations::Placement;
use crate::money::Currency;
use crate::pareto::{Class, Segment, SegmentEvidence};
use crate::partner::{Partner, PartnerId};
use crate::potential::{Potential, PotentialLevel, Signal, SignalPoints, Stability, TierGap};
use crate::risk::{CategoryRisk, CrisisAlert, Evidence, PaymentDiscipline, RiskCategory, RiskLevel, RiskProfile};
use crate::strategy::{Playbook, Strategy};
use crate::tier::{Tier, TierAssignment, TierPolicy, TierState};
use crate::util::exact::{from_fraction, mantissa_at, ratio, ratio_fraction};
use crate::util::par;

/// What every assessment of one review shares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Context {
    /// The currency of every amount.
    pub(crate) currency: Currency,
    /// The ledger's scale: turnover is an integer at this scale.
    pub(crate) scale: u32,
    /// The Pareto base (the sum of positive turnovers) at `scale`.
    pub(crate) base: i128,
    /// The tier floors and demotion rule.
    pub(crate) tiers: TierPolicy,
    /// The months of history a potential judgement needs.
    pub(crate) min_history_months: u32,
}

/// Presence bits of the optional figures.
pub(super) const TREND: u8 = 1;
pub(super) const YEAR_ON_YEAR: u8 = 2;
pub(super) const CV_SQUARED: u8 = 4;
pub(super) const TENURE: u8 = 8;

/// One partner's assessment: where it stands, how much it matters, and what
/// to do.
///
/// Built by a [`Review`](super::Review) and kept in a
/// [`Portfolio`](super::Portfolio). The partner's record (name, region,
/// specialisation…) is shared with the caller's list through one
/// [`Arc<Partner>`]; the analyses' results are kept compactly (at most 224
/// bytes an assessment) and the richer views ([`segment_evidence`],
/// [`tier_assignment`], [`potential`], [`risk`], [`reasons`]) are built on
/// each call.
///
/// [`segment_evidence`]: Assessment::segment_evidence
/// [`tier_assignment`]: Assessment::tier_assignment
/// [`potential`]: Assessment::potential
/// [`risk`]: Assessment::risk
/// [`reasons`]: Assessment::reasons
#[derive(Clone, Debug)]
// The fields in this order: what a row of the results CSV reads (the id,
// the figures, rank, score, months and the four levels) in its first 70
// bytes, two cache lines, where the compiler's order spread them over four
// (and the id's text over a fifth, before ids of up to 23 bytes were kept
// inline). The CSV reads the assessments in rank order, scattered over
// 220 MB at a million partners: each line is a miss.
#[repr(C)]
pub struct Assessment {
    pub(super) id: PartnerId,
    /// The turnover, margin and credit notes (see [`Figures`]).
    pub(super) figures: Figures,
    pub(super) rank: u32,
    /// The score at 4 decimal places.
    pub(super) score: u32,
    pub(super) months: u16,
    pub(super) segment: Segment,
    pub(super) tier: Tier,
    pub(super) potential: PotentialLevel,
    pub(super) overall: Option<RiskLevel>,
    pub(super) plain: Tier,
    pub(super) potential_score: i8,
    pub(super) points: [i8; 4],
    pub(super) stability: Option<Stability>,
    pub(super) urgent: Option<(RiskCategory, RiskLevel)>,
    pub(super) present: u8,
    pub(super) partner: Option<Arc<Partner>>,
    pub(super) context: Arc<Context>,
    /// The indicators after the first, the crisis alerts, the payment
    /// discipline and figures too wide for [`Figures`], which few partners
    /// have: one pointer, never `Some` with all of them empty ([`Rare::of`]
    /// makes it).
    pub(super) rare: Option<Box<Rare>>,
    pub(super) deals: u64,
    /// `before`, `after` and `turnover_before` of the segment evidence, as
    /// fractions at 18 decimal places.
    pub(super) shares: [u64; 3],
    pub(super) trend: Decimal,
    pub(super) year_on_year: Decimal,
    pub(super) cv_squared: Decimal,
    /// The partner's risk indicators (by category in the article's order,
    /// the worst first within a category; see [`Assessment::evidence`]) are
    /// kept as the first, here, without an allocation of its own (most
    /// partners have exactly one), and the others in [`Rare`]. `None` only
    /// when there are none: [`split_evidence`] makes both, so two
    /// assessments with the same indicators hold them alike.
    pub(super) first_evidence: Option<Evidence>,
    pub(super) segment_rank: u32,
    pub(super) below_reviews: u32,
    pub(super) tenure: u32,
    pub(super) history: u16,
}

/// The distance of `assigned` to the next tier's floor under `tiers`, with
/// its share of that floor (what the potential's `near_next_tier` test
/// reads); `None` at the top tier.
pub(super) fn gap_to_next(tiers: &TierPolicy, assigned: &TierAssignment) -> Option<TierGap> {
    let (next, gap) = assigned.progress.next.zip(assigned.progress.to_next)?;
    tiers.floor(next).map(|floor| TierGap::new(gap, floor.amount()))
}

impl PartialEq for Assessment {
    /// Two assessments are equal when they hold the same figures: equal
    /// decimals (1.0 and 1.00) are equal figures, wherever they are kept.
    fn eq(&self, other: &Assessment) -> bool {
        // Every field named, so that a field added later is not forgotten.
        let Assessment {
            id,
            partner,
            context,
            figures: _,
            trend,
            year_on_year,
            cv_squared,
            first_evidence: _,
            rare: _,
            deals,
            shares,
            score,
            rank,
            segment_rank,
            below_reviews,
            tenure,
            months,
            history,
            segment,
            tier,
            plain,
            potential,
            potential_score,
            points,
            stability,
            overall,
            urgent,
            present,
        } = self;
        *id == other.id
            && *partner == other.partner
            && **context == *other.context
            && (0..3).all(|k| self.figure(k) == other.figure(k))
            && *trend == other.trend
            && *year_on_year == other.year_on_year
            && *cv_squared == other.cv_squared
            && self.evidence().eq(other.evidence())
            && self.alerts() == other.alerts()
            && self.payment() == other.payment()
            && *deals == other.deals
            && *shares == other.shares
            && *score == other.score
            && *rank == other.rank
            && *segment_rank == other.segment_rank
            && *below_reviews == other.below_reviews
            && *tenure == other.tenure
            && *months == other.months
            && *history == other.history
            && *segment == other.segment
            && *tier == other.tier
            && *plain == other.plain
            && *potential == other.potential
            && *potential_score == other.potential_score
            && *points == other.points
            && *stability == other.stability
            && *overall == other.overall
            && *urgent == other.urgent
            && *present == other.present
    }
}

impl Eq for Assessment {}

/// What few assessments have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Rare {
    pub(super) more_evidence: Box<[Evidence]>,
    pub(super) alerts: Box<[CrisisAlert]>,
    pub(super) payment: Option<PaymentDiscipline>,
    /// The amounts as decimals, when they do not fit [`Figures`].
    pub(super) wide: Option<[Decimal; 3]>,
}

impl Rare {
    /// The indicators after the first, the alerts, the payment discipline
    /// and the wide figures, or `None` when there are none of them.
    pub(super) fn of(
        more_evidence: Box<[Evidence]>,
        alerts: Vec<CrisisAlert>,
        payment: Option<PaymentDiscipline>,
        wide: Option<[Decimal; 3]>,
    ) -> Option<Box<Rare>> {
        if more_evidence.is_empty() && alerts.is_empty() && payment.is_none() && wide.is_none() {
            return None;
        }
        Some(Box::new(Rare { more_evidence, alerts: alerts.into_boxed_slice(), payment, wide }))
    }
}

/// Where each figure is in [`Figures`].
pub(super) const TURNOVER: usize = 0;
pub(super) const MARGIN: usize = 1;
pub(super) const CREDIT_NOTES: usize = 2;

/// The amounts of an assessment (turnover, margin, credit notes) in 32
/// bytes (27 of them used) where three decimals take 48: each as a 64-bit mantissa and its
/// scale, the same decimal digit for digit. A review's amounts fit unless
/// one reaches 9.2 × 10^18 of the ledger's smallest units; an assessment
/// whose amounts do not all fit (or one of which is a negative zero) keeps
/// them as decimals in its [`Rare`] part, and these are zero. (The ratios,
/// at 18 places, often need more than 64 bits, and stay decimals.)
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Figures {
    mantissas: [i64; 3],
    scales: [u8; 3],
}

impl Figures {
    /// The scale that marks figures kept in [`Rare`].
    const WIDE: u8 = u8::MAX;

    /// The figures packed, or marked wide with the decimals when they do
    /// not fit.
    pub(super) fn pack(values: [Decimal; 3]) -> (Figures, Option<[Decimal; 3]>) {
        let mut figures = Figures::default();
        for (k, value) in values.iter().enumerate() {
            let fits = i64::try_from(value.mantissa()).ok().filter(|&m| m != 0 || !value.is_sign_negative());
            match (fits, figures.mantissas.get_mut(k), figures.scales.get_mut(k)) {
                // A scale is at most 28.
                (Some(m), Some(mantissa), Some(scale)) => {
                    *mantissa = m;
                    *scale = value.scale() as u8;
                }
                _ => return (Figures { mantissas: [0; 3], scales: [Figures::WIDE; 3] }, Some(values)),
            }
        }
        (figures, None)
    }

    /// Figure `k`; `None` when the figures are kept in [`Rare`].
    pub(super) fn get(&self, k: usize) -> Option<Decimal> {
        match (self.mantissas.get(k), self.scales.get(k)) {
            (Some(&m), Some(&scale)) if scale != Figures::WIDE => {
                Some(Decimal::try_new(m, u32::from(scale)).unwrap_or_default())
            }
            _ => None,
        }
    }
}

/// Risk indicators as an assessment keeps them: the first, and the others.
pub(super) fn split_evidence(evidence: impl IntoIterator<Item = Evidence>) -> (Option<Evidence>, Box<[Evidence]>) {
    let mut all = evidence.into_iter();
    let first = all.next();
    (first, all.collect())
}

/// The segment as the review's pass gives it.
#[derive(Clone, Copy, Debug)]
pub(super) struct SegmentParts {
    pub(super) segment: Segment,
    pub(super) rank: u32,
    /// `before`, `after` and `turnover_before` of the segment evidence, as
    /// fractions at 18 decimal places.
    pub(super) shares: [u64; 3],
}

impl SegmentParts {
    /// The parts of a partner that was not classified: the tail, with no
    /// shares ([`SegmentParts::of`] [`Class::UNSET`]).
    pub(super) const UNSET: SegmentParts = SegmentParts { segment: Segment::D, rank: 0, shares: [0; 3] };

    /// The parts of `class`: its cumulative shares of `denominator` (the
    /// Pareto base, or the partners with positive turnover) and the turnover
    /// above it as a share of `base` (the sum of positive turnovers), each
    /// worked out by `fractions`.
    pub(super) fn of(class: &Class, base: i128, denominator: i128, fractions: &mut Fractions) -> SegmentParts {
        SegmentParts {
            segment: class.segment,
            rank: class.rank,
            shares: [
                fractions.of(class.before, denominator),
                fractions.of(class.after, denominator),
                fractions.of(class.turnover_before, base),
            ],
        }
    }
}

/// Each member's [`SegmentParts`], in the members' order, written by the
/// walks of the classes on every thread at once and read by the review's
/// pass.
///
/// Each member is in one tie group of one stretch of the rank order, so
/// each slot is written once, by one thread. The slots are atomic only so
/// that the threads can share them without `unsafe`: relaxed loads and
/// stores of 64 bits are plain ones on the usual processors, and the
/// walks are joined before the pass reads them.
#[derive(Debug)]
pub(super) struct SegmentSlots(Vec<[AtomicU64; 4]>);

impl SegmentSlots {
    /// A slot for each of `members` members, unset.
    pub(super) fn new(members: usize) -> crate::error::Result<SegmentSlots> {
        Ok(SegmentSlots(par::map_range(members, |_| Default::default())?))
    }

    /// Sets slot `i` (none past the end).
    pub(super) fn set(&self, i: usize, parts: SegmentParts) {
        if let Some(slot) = self.0.get(i) {
            let words = [
                parts.shares[0],
                parts.shares[1],
                parts.shares[2],
                (u64::from(parts.rank) << 8) | (parts.segment.index() as u64 + 1),
            ];
            for (word, value) in slot.iter().zip(words) {
                word.store(value, Ordering::Relaxed);
            }
        }
    }

    /// Slot `i`: [`SegmentParts::UNSET`] if it was never set.
    pub(super) fn get(&self, i: usize) -> SegmentParts {
        let Some(slot) = self.0.get(i) else { return SegmentParts::UNSET };
        let mut words = [0u64; 4];
        for (word, atomic) in words.iter_mut().zip(slot) {
            *word = atomic.load(Ordering::Relaxed);
        }
        let [a, b, c, last] = words;
        match last & 0xFF {
            0 => SegmentParts::UNSET,
            k => SegmentParts {
                segment: Segment::from_index(k as usize - 1),
                rank: u32::try_from(last >> 8).unwrap_or(u32::MAX),
                shares: [a, b, c],
            },
        }
    }
}

/// [`ratio_fraction`] with the last two quotients remembered, for the tie
/// groups in rank order: a group's `before` is the `after` of the group
/// above it and, on the turnover basis, its `turnover_before` is its
/// `before`, so most groups need one division instead of three (two on the
/// partners basis, whose `turnover_before` has another denominator).
#[derive(Debug, Default)]
pub(super) struct Fractions {
    /// `(num, den, ratio_fraction(num, den))`; the default's (0, 0, 0)
    /// holds too.
    last: [(i128, i128, u64); 2],
    /// The entry to replace next.
    next: usize,
}

impl Fractions {
    /// `ratio_fraction(num, den)`.
    pub(super) fn of(&mut self, num: i128, den: i128) -> u64 {
        if let Some(&(_, _, fraction)) = self.last.iter().find(|&&(n, d, _)| n == num && d == den) {
            return fraction;
        }
        let fraction = ratio_fraction(num, den);
        if let Some(slot) = self.last.get_mut(self.next) {
            *slot = (num, den, fraction);
        }
        self.next ^= 1;
        fraction
    }
}

/// What [`Assessment::compact`] takes.
pub(super) struct Parts {
    pub(super) id: PartnerId,
    pub(super) partner: Option<Arc<Partner>>,
    pub(super) context: Arc<Context>,
    pub(super) turnover: Decimal,
    pub(super) margin: Decimal,
    pub(super) credit_notes: Decimal,
    pub(super) deals: u64,
    pub(super) segment: SegmentParts,
    /// The tier assigned, the plain tier, the reviews below the assigned
    /// tier's floor and the months averaged (see [`TierAssignment`]).
    pub(super) tier: Tier,
    pub(super) plain: Tier,
    pub(super) below_reviews: u32,
    pub(super) months: u32,
    pub(super) potential: Potential,
    pub(super) risk: RiskProfile,
    /// The score in units of 10^-4.
    pub(super) score: u32,
    pub(super) urgent: Option<(RiskCategory, RiskLevel)>,
}

impl Assessment {
    /// An assessment of nothing, for the slot of a partner whose
    /// assessment failed: the review's pass writes every slot once, in
    /// place, and returns the first failure instead of its vector, so this
    /// is never seen.
    pub(super) fn stand_in(id: &PartnerId, context: &Arc<Context>) -> Assessment {
        Assessment {
            id: id.clone(),
            partner: None,
            context: Arc::clone(context),
            figures: Figures::default(),
            trend: Decimal::ZERO,
            year_on_year: Decimal::ZERO,
            cv_squared: Decimal::ZERO,
            first_evidence: None,
            rare: None,
            deals: 0,
            shares: [0; 3],
            score: 0,
            rank: 0,
            segment_rank: 0,
            below_reviews: 0,
            tenure: 0,
            months: 0,
            history: 0,
            segment: Segment::D,
            tier: Tier::Beginner,
            plain: Tier::Beginner,
            potential: PotentialLevel::Low,
            potential_score: 0,
            points: [0; 4],
            stability: None,
            overall: None,
            urgent: None,
            present: 0,
        }
    }

    /// Keeps what cannot be derived from the parts of an assessment.
    pub(super) fn compact(parts: Parts) -> Assessment {
        let Parts {
            id,
            partner,
            context,
            turnover,
            margin,
            credit_notes,
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
        } = parts;
        let mut present = 0u8;
        let mut keep = |bit: u8, value: Option<Decimal>| match value {
            Some(v) => {
                present |= bit;
                v
            }
            None => Decimal::ZERO,
        };
        let trend = keep(TREND, potential.trend);
        let year_on_year = keep(YEAR_ON_YEAR, potential.year_on_year);
        let cv_squared = keep(CV_SQUARED, potential.cv_squared);
        if potential.tenure_months.is_some() {
            present |= TENURE;
        }
        let RiskProfile { financial, reputational, operational, legal, overall, payment, alerts } = risk;
        let (first_evidence, more_evidence) =
            split_evidence([financial, reputational, operational, legal].into_iter().flat_map(|c| c.evidence));
        let points = potential.points;
        let (figures, wide) = Figures::pack([turnover, margin, credit_notes]);
        Assessment {
            id,
            partner,
            context,
            figures,
            trend,
            year_on_year,
            cv_squared,
            first_evidence,
            rare: Rare::of(more_evidence, alerts, payment, wide),
            deals,
            shares: segment.shares,
            score,
            rank: 0,
            segment_rank: segment.rank,
            below_reviews,
            tenure: potential.tenure_months.unwrap_or(0),
            months: u16::try_from(months).unwrap_or(u16::MAX),
            history: u16::try_from(potential.history_months).unwrap_or(u16::MAX),
            segment: segment.segment,
            tier,
            plain,
            potential: potential.level,
            potential_score: i8::try_from(potential.score).unwrap_or(if potential.score < 0 {
                i8::MIN
            } else {
                i8::MAX
            }),
            points: [points.trend, points.year_on_year, points.stability, points.near_next_tier],
            stability: potential.stability,
            overall,
            urgent,
            present,
        }
    }

    /// The partner's id.
    #[must_use]
    pub fn id(&self) -> &PartnerId {
        &self.id
    }

    /// The partner's record, if the partner was listed in the review (the
    /// same `Arc` for every review that shares the list).
    #[must_use]
    pub fn partner(&self) -> Option<&Partner> {
        self.partner.as_deref()
    }

    /// The partner's name, if known.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.partner.as_deref().and_then(|p| p.name.as_deref())
    }

    /// The display name: the name, or the id.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.name().unwrap_or(self.id.as_str())
    }

    /// The partner's region, if known.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.partner.as_deref().and_then(|p| p.region.as_deref())
    }

    /// The partner's specialisation, if known.
    #[must_use]
    pub fn specialisation(&self) -> Option<&str> {
        self.partner.as_deref().and_then(|p| p.specialisation.as_deref())
    }

    /// The priority rank, 1 first.
    #[must_use]
    pub fn rank(&self) -> u32 {
        self.rank
    }

    /// The priority score, 0 … 100 at 4 decimal places (see
    /// [`PriorityPolicy`](super::PriorityPolicy)).
    #[must_use]
    pub fn score(&self) -> Decimal {
        Decimal::new(i64::from(self.score), 4).normalize()
    }

    /// What put the partner first in line, if a crisis did (see
    /// [`UrgentRule`](super::UrgentRule)).
    #[must_use]
    pub fn urgent(&self) -> Option<(RiskCategory, RiskLevel)> {
        self.urgent
    }

    /// True when a crisis put the partner first in line.
    #[must_use]
    pub fn is_urgent(&self) -> bool {
        self.urgent.is_some()
    }

    /// The currency of the amounts.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.context.currency
    }

    /// Figure `k` of [`Figures`], wherever it is kept.
    pub(super) fn figure(&self, k: usize) -> Decimal {
        // The rare part only when the figures say so: reading its pointer
        // for every figure cost the CSV writer a cache miss a row.
        self.figures.get(k).unwrap_or_else(|| {
            self.rare.as_deref().and_then(|r| r.wide.as_ref()).and_then(|wide| wide.get(k)).copied().unwrap_or_default()
        })
    }

    /// Net turnover over the window.
    #[must_use]
    pub fn turnover(&self) -> Decimal {
        self.figure(TURNOVER)
    }

    /// Margin over the window (of the lines that carried one).
    #[must_use]
    pub fn margin(&self) -> Decimal {
        self.figure(MARGIN)
    }

    /// The credit-note total over the window (zero or negative), already
    /// part of the turnover.
    #[must_use]
    pub fn credit_notes(&self) -> Decimal {
        self.figure(CREDIT_NOTES)
    }

    /// Deals over the window.
    #[must_use]
    pub fn deals(&self) -> u64 {
        self.deals
    }

    /// The average deal: the invoiced amount (before credit notes) over the
    /// deals; `None` without deals.
    #[must_use]
    pub fn average_deal(&self) -> Option<Decimal> {
        if self.deals == 0 {
            return None;
        }
        self.turnover().checked_sub(self.credit_notes())?.checked_div(Decimal::from(self.deals))
    }

    /// The ABC(D) segment.
    #[must_use]
    pub fn segment(&self) -> Segment {
        self.segment
    }

    /// The segment rank: 1 for the largest turnover; equal turnovers share a
    /// rank.
    #[must_use]
    pub fn segment_rank(&self) -> u32 {
        self.segment_rank
    }

    /// The share of turnover held by the partners above the partner's tie
    /// group.
    pub(crate) fn turnover_before(&self) -> Decimal {
        from_fraction(self.shares[2])
    }

    /// The segment and the evidence for it.
    #[must_use]
    pub fn segment_evidence(&self) -> SegmentEvidence {
        let value = mantissa_at(self.turnover(), self.context.scale);
        SegmentEvidence {
            partner: self.id.clone(),
            turnover: self.turnover(),
            segment: self.segment,
            rank: self.segment_rank,
            // A turnover of zero or less has no share (ratio gives 0 for 0).
            share: ratio(value.max(0), self.context.base),
            before: from_fraction(self.shares[0]),
            after: from_fraction(self.shares[1]),
            turnover_before: from_fraction(self.shares[2]),
        }
    }

    /// The volume tier (after hysteresis).
    #[must_use]
    pub fn tier(&self) -> Tier {
        self.tier
    }

    /// The turnover and the months it is averaged over (what
    /// [`monthly_turnover`](Self::monthly_turnover) divides).
    pub(crate) fn monthly_parts(&self) -> (Decimal, u32) {
        (self.turnover(), u32::from(self.months))
    }

    /// The score in units of 10^-4 (what [`score`](Self::score) prints).
    pub(crate) fn score_units(&self) -> u32 {
        self.score
    }

    /// The monthly figure the tier is decided by: the turnover averaged over
    /// the tier's months.
    #[must_use]
    pub fn monthly_turnover(&self) -> Decimal {
        TierPolicy::monthly(self.turnover(), u32::from(self.months))
    }

    /// The tier with the figures behind it: the monthly figure, the plain
    /// tier, the distance to the next tier and the headroom above the floor.
    #[must_use]
    pub fn tier_assignment(&self) -> TierAssignment {
        self.context.tiers.assignment(
            self.turnover(),
            u32::from(self.months),
            self.tier,
            self.plain,
            self.below_reviews,
        )
    }

    /// The state to pass to the next review (tier hysteresis).
    #[must_use]
    pub fn tier_state(&self) -> TierState {
        TierState::new(self.tier, self.below_reviews)
    }

    /// The growth potential level.
    #[must_use]
    pub fn potential_level(&self) -> PotentialLevel {
        self.potential
    }

    /// The growth potential with the figures behind it.
    #[must_use]
    pub fn potential(&self) -> Potential {
        let has = |bit: u8| self.present & bit != 0;
        let tier = self.tier_assignment();
        let gap_to_next = gap_to_next(&self.context.tiers, &tier);
        let [trend, year_on_year, stability, near_next_tier] = self.points;
        Potential::from_parts(
            self.potential,
            i32::from(self.potential_score),
            has(TREND).then_some(self.trend),
            has(YEAR_ON_YEAR).then_some(self.year_on_year),
            has(CV_SQUARED).then_some(self.cv_squared),
            self.stability,
            u32::from(self.history),
            has(TENURE).then_some(self.tenure),
            gap_to_next,
            SignalPoints { trend, year_on_year, stability, near_next_tier },
            self.context.min_history_months,
        )
    }

    /// The overall risk level (`None` when every category is unknown).
    #[must_use]
    pub fn risk_level(&self) -> Option<RiskLevel> {
        self.overall
    }

    /// The level of one risk category (`None` when nothing is known).
    #[must_use]
    pub fn risk_category_level(&self, category: RiskCategory) -> Option<RiskLevel> {
        self.evidence().filter(|e| e.indicator.category() == category).map(|e| e.level).max()
    }

    /// The risk profile: the four categories with their evidence, the
    /// overall level, the payment discipline and the crisis alerts.
    #[must_use]
    pub fn risk(&self) -> RiskProfile {
        let category = |c: RiskCategory| {
            let evidence: Vec<Evidence> = self.evidence().filter(|e| e.indicator.category() == c).copied().collect();
            CategoryRisk { level: evidence.iter().map(|e| e.level).max(), evidence }
        };
        RiskProfile {
            financial: category(RiskCategory::Financial),
            reputational: category(RiskCategory::Reputational),
            operational: category(RiskCategory::Operational),
            legal: category(RiskCategory::Legal),
            overall: self.overall,
            payment: self.payment().copied(),
            alerts: self.alerts().to_vec(),
        }
    }

    /// The worst risk category and its level (the first of equals, in the
    /// article's order), if any is known.
    #[must_use]
    pub fn worst_risk(&self) -> Option<(RiskCategory, RiskLevel)> {
        let mut worst: Option<(RiskCategory, RiskLevel)> = None;
        for c in RiskCategory::ALL {
            if let Some(level) = self.risk_category_level(c) {
                if worst.is_none_or(|(_, w)| level > w) {
                    worst = Some((c, level));
                }
            }
        }
        worst
    }

    /// The payment discipline, when the ledger has due dates for the window.
    #[must_use]
    pub fn payment(&self) -> Option<&PaymentDiscipline> {
        self.rare.as_deref().and_then(|r| r.payment.as_ref())
    }

    /// Crisis alerts, most severe first.
    #[must_use]
    pub fn alerts(&self) -> &[CrisisAlert] {
        self.rare.as_deref().map_or(&[], |r| &r.alerts)
    }

    /// Every known risk indicator, by category in the article's order, the
    /// worst first within a category.
    pub(super) fn evidence(&self) -> impl Iterator<Item = &Evidence> + '_ {
        let more: &[Evidence] = self.rare.as_deref().map_or(&[], |r| &r.more_evidence);
        self.first_evidence.iter().chain(more.iter())
    }

    /// The partner's placement, for the migrations between two reviews.
    #[must_use]
    pub fn placement(&self) -> Placement {
        Placement::new(self.id.clone(), self.segment, self.tier)
    }

    /// The partner's strategy from `playbook`: the tier's goal and actions,
    /// the segment's emphasis, the mitigations for its risks. (The
    /// portfolio's own playbook gives it through
    /// [`Portfolio::strategy`](super::Portfolio::strategy).)
    #[must_use]
    pub fn strategy(&self, playbook: &Playbook) -> Strategy {
        playbook.strategy_for(self.tier, self.segment, |c| self.risk_category_level(c))
    }

    /// Why the partner is where it is, in order: urgency, segment, tier,
    /// potential, risk. Derived from the assessment's figures on each call
    /// (a million partners' reasons are not kept in memory).
    #[must_use]
    pub fn reasons(&self) -> Vec<Reason> {
        let mut out = Vec::with_capacity(5);
        if let Some((category, severity)) = self.urgent {
            out.push(Reason::Urgent { category, severity });
        }
        let s = self.segment_evidence();
        out.push(Reason::Segment { segment: s.segment, rank: s.rank, before: s.turnover_before, share: s.share });
        let t = self.tier_assignment();
        out.push(Reason::Tier {
            tier: t.tier,
            monthly: t.monthly,
            currency: self.context.currency,
            headroom: t.progress.headroom,
            to_next: t.progress.to_next,
            held: t.tier > t.plain,
            drops_at_next_review: t.progress.drops_at_next_review,
        });
        let potential = self.potential();
        let signals = potential.signals();
        let signal = signals.iter().max_by_key(|r| match r {
            Signal::ShortHistory { .. } | Signal::NoPositiveTurnover => 10,
            Signal::Trend { points, .. }
            | Signal::YearOnYear { points, .. }
            | Signal::Stability { points, .. }
            | Signal::NearNextTier { points, .. } => points.abs(),
        });
        out.push(Reason::Potential { level: potential.level, signal: signal.copied() });
        match self.worst_risk() {
            Some((category, level)) => out.push(Reason::Risk {
                category,
                level,
                evidence: self.evidence().find(|e| e.indicator.category() == category).copied(),
            }),
            None => out.push(Reason::RiskUnknown),
        }
        out
    }
}

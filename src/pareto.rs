//! ABC(D) Pareto segmentation by turnover, the Pareto table and
//! concentration figures.

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;

use rust_decimal::Decimal;

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::partner::PartnerId;
use crate::util::exact::{Cut, Scaled, mul_wide, ratio};
use crate::util::par;

/// The article's ABC(D) segments by turnover.
///
/// | segment | the article's profile | meaning and recommended handling |
/// | --- | --- | --- |
/// | `A` | ≈ 20 % of partners, 80 % of turnover | key partners: maximum attention, an individual approach, exclusive terms, regular meetings, joint planning of marketing, priority support |
/// | `B` | ≈ 30 % of partners, 15 % of turnover | important partners: a stable but smaller contribution with room to grow; regular monitoring and support, marketing materials, training, joint events |
/// | `C` | ≈ 40 % of partners, 5 % of turnover | promising partners: new or developing, small turnover, high potential; active support, training, motivation, preferential terms, help with the sales strategy |
/// | `D` | ≈ 10 % of partners, < 1 % of turnover | passive partners: almost no turnover; analyse why, revise the terms or end the partnership |
///
/// Segments order by value, as tiers do: `Segment::A > Segment::D`, as
/// `Tier::Gold > Tier::Beginner`, so "moved up" is `now > before` for both.
///
/// The enum is exhaustive: ABC(D) has exactly four classes, and callers
/// `match` on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Segment {
    /// Key partners.
    A,
    /// Important partners.
    B,
    /// Promising partners.
    C,
    /// Passive partners.
    D,
}

impl Segment {
    /// All segments, `A` first.
    pub const ALL: [Segment; 4] = [Segment::A, Segment::B, Segment::C, Segment::D];

    /// The letter, `'A'` … `'D'`.
    #[must_use]
    pub fn letter(&self) -> char {
        match self {
            Segment::A => 'A',
            Segment::B => 'B',
            Segment::C => 'C',
            Segment::D => 'D',
        }
    }

    /// The article's expected share of partners and of turnover.
    #[must_use]
    pub fn expected(&self) -> ExpectedProfile {
        let (partners, turnover, below) = match self {
            Segment::A => (20, 80, false),
            Segment::B => (30, 15, false),
            Segment::C => (40, 5, false),
            Segment::D => (10, 1, true),
        };
        ExpectedProfile {
            partners: Decimal::new(partners, 2),
            turnover: Decimal::new(turnover, 2),
            turnover_is_upper_bound: below,
        }
    }

    /// 0 for `A` … 3 for `D` (rows of tables and matrices).
    pub(crate) fn index(self) -> usize {
        match self {
            Segment::A => 0,
            Segment::B => 1,
            Segment::C => 2,
            Segment::D => 3,
        }
    }

    pub(crate) fn from_index(i: usize) -> Segment {
        match i {
            0 => Segment::A,
            1 => Segment::B,
            2 => Segment::C,
            _ => Segment::D,
        }
    }
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Segment) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Segment {
    /// By value: `A > B > C > D`.
    fn cmp(&self, other: &Segment) -> Ordering {
        other.index().cmp(&self.index())
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// The article's expected profile of a segment, for comparison in the
/// Pareto table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ExpectedProfile {
    /// The expected share of partners (0.20 = 20 %).
    pub partners: Decimal,
    /// The expected share of turnover.
    pub turnover: Decimal,
    /// True when `turnover` is an upper bound ("less than 1 %" for D).
    pub turnover_is_upper_bound: bool,
}

/// What the cut-offs are shares of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ParetoBasis {
    /// Cumulative share of turnover (default cut-offs 80 / 95 / 99 %). This
    /// is the default.
    #[default]
    Turnover,
    /// Cumulative share of partners with positive turnover, from the top
    /// (default cut-offs 20 / 50 / 90 %).
    Partners,
}

/// Where the partner whose turnover crosses a cut-off goes.
///
/// With turnovers 50, 30, 10, 5, 5 and the default 80 / 95 / 99 % cut-offs:
/// `Upper` gives A A B B B (the 5-group that crosses 95 % joins B), `Lower`
/// gives A A B D D (a group belongs to a class only if it ends within the
/// class's cut-off).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Boundary {
    /// The crossing partner belongs to the upper class: class A is the
    /// smallest set of top partners that together reach the A cut-off. This
    /// is the default.
    #[default]
    Upper,
    /// The crossing partner belongs to the lower class: class A is the
    /// largest set of top partners that stays within the A cut-off.
    Lower,
}

/// How partners are segmented: the basis, the three cut-offs (in percent)
/// and the boundary convention. Checked when built and when deserialised.
///
/// The default is the article's: by cumulative share of turnover, A up to
/// 80 %, B up to 95 %, C up to 99 %, D the tail and every partner with
/// turnover ≤ 0, the crossing partner in the upper class.
///
/// # Example
///
/// ```
/// use partner_priority::pareto::{Boundary, ParetoBasis, ParetoPolicy};
/// use rust_decimal::Decimal;
///
/// let policy = ParetoPolicy::default();
/// assert_eq!(policy.cutoffs(), [Decimal::new(80, 0), Decimal::new(95, 0), Decimal::new(99, 0)]);
///
/// let strict = ParetoPolicy::new(ParetoBasis::Turnover, [70, 90, 98].map(Decimal::from), Boundary::Lower)?;
/// assert_eq!(strict.boundary(), Boundary::Lower);
///
/// let err = ParetoPolicy::new(ParetoBasis::Turnover, [80, 80, 99].map(Decimal::from), Boundary::Upper).unwrap_err();
/// assert!(err.to_string().contains("cutoffs.b"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawParetoPolicy", into = "RawParetoPolicy"))]
pub struct ParetoPolicy {
    basis: ParetoBasis,
    cutoffs: [Decimal; 3],
    boundary: Boundary,
}

/// The serde form of [`ParetoPolicy`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParetoPolicy {
    #[serde(default)]
    basis: ParetoBasis,
    #[serde(default)]
    cutoffs: Option<RawCutoffs>,
    #[serde(default)]
    boundary: Boundary,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCutoffs {
    a: Decimal,
    b: Decimal,
    c: Decimal,
}

#[cfg(feature = "serde")]
impl TryFrom<RawParetoPolicy> for ParetoPolicy {
    type Error = Error;
    fn try_from(raw: RawParetoPolicy) -> Result<ParetoPolicy> {
        let cutoffs = match raw.cutoffs {
            Some(c) => [c.a, c.b, c.c],
            None => ParetoPolicy::default_cutoffs(raw.basis),
        };
        ParetoPolicy::new(raw.basis, cutoffs, raw.boundary)
    }
}

#[cfg(feature = "serde")]
impl From<ParetoPolicy> for RawParetoPolicy {
    fn from(p: ParetoPolicy) -> RawParetoPolicy {
        let [a, b, c] = p.cutoffs;
        RawParetoPolicy { basis: p.basis, cutoffs: Some(RawCutoffs { a, b, c }), boundary: p.boundary }
    }
}

impl Default for ParetoPolicy {
    fn default() -> ParetoPolicy {
        ParetoPolicy {
            basis: ParetoBasis::Turnover,
            cutoffs: ParetoPolicy::default_cutoffs(ParetoBasis::Turnover),
            boundary: Boundary::Upper,
        }
    }
}

impl ParetoPolicy {
    /// A checked policy. `cutoffs` are the A, B and C cut-offs in percent.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field (`cutoffs.a`,
    /// `cutoffs.b`, `cutoffs.c`) if a cut-off is not within (0, 100] or the
    /// cut-offs are not strictly increasing.
    pub fn new(basis: ParetoBasis, cutoffs: [Decimal; 3], boundary: Boundary) -> Result<ParetoPolicy> {
        let names = ["cutoffs.a", "cutoffs.b", "cutoffs.c"];
        for (cut, name) in cutoffs.iter().zip(names) {
            if *cut <= Decimal::ZERO || *cut > Decimal::ONE_HUNDRED {
                return Err(Error::policy(name, format!("{cut} % is not within (0, 100] %")));
            }
        }
        for k in 1..3 {
            if cutoffs[k] <= cutoffs[k - 1] {
                return Err(Error::policy(
                    names[k],
                    format!(
                        "the cut-offs must increase strictly: {} % is not above {} ({} %)",
                        cutoffs[k],
                        names[k - 1],
                        cutoffs[k - 1]
                    ),
                ));
            }
        }
        Ok(ParetoPolicy { basis, cutoffs: cutoffs.map(|c| c.normalize()), boundary })
    }

    /// The article's policy by share of partners: A the top 20 %, B up to
    /// 50 %, C up to 90 % of partners with positive turnover.
    #[must_use]
    pub fn partner_share() -> ParetoPolicy {
        ParetoPolicy {
            basis: ParetoBasis::Partners,
            cutoffs: ParetoPolicy::default_cutoffs(ParetoBasis::Partners),
            boundary: Boundary::Upper,
        }
    }

    /// The default cut-offs of a basis: 80 / 95 / 99 % of turnover or
    /// 20 / 50 / 90 % of partners.
    #[must_use]
    pub fn default_cutoffs(basis: ParetoBasis) -> [Decimal; 3] {
        match basis {
            ParetoBasis::Turnover => [80, 95, 99].map(Decimal::from),
            ParetoBasis::Partners => [20, 50, 90].map(Decimal::from),
        }
    }

    /// The same policy with another boundary convention.
    #[must_use]
    pub fn with_boundary(mut self, boundary: Boundary) -> ParetoPolicy {
        self.boundary = boundary;
        self
    }

    /// The basis.
    #[must_use]
    pub fn basis(&self) -> ParetoBasis {
        self.basis
    }

    /// The A, B and C cut-offs in percent.
    #[must_use]
    pub fn cutoffs(&self) -> [Decimal; 3] {
        self.cutoffs
    }

    /// The boundary convention.
    #[must_use]
    pub fn boundary(&self) -> Boundary {
        self.boundary
    }
}

/// One partner's segment and the evidence for it: where its turnover puts
/// it on the Pareto curve.
///
/// Shares are fractions of the base (the sum of positive turnovers; 0.8 =
/// 80 %), exact to 18 decimal places (truncated). `before` is the share of
/// the partners strictly above the partner's tie group, `after` includes the
/// whole tie group: the segment follows from them and the cut-offs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SegmentEvidence {
    /// The partner.
    pub partner: PartnerId,
    /// The turnover that was segmented.
    pub turnover: Decimal,
    /// The segment.
    pub segment: Segment,
    /// 1 for the largest turnover; partners with equal turnover share a rank.
    pub rank: u32,
    /// The partner's own share of the base (zero for turnover ≤ 0).
    pub share: Decimal,
    /// The cumulative share above the tie group (of turnover, or of
    /// partners under [`ParetoBasis::Partners`]).
    pub before: Decimal,
    /// The cumulative share up to and including the tie group.
    pub after: Decimal,
    /// The share of turnover held by the partners above the tie group (the
    /// same as `before` under [`ParetoBasis::Turnover`]).
    pub turnover_before: Decimal,
}

/// One row of the Pareto table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ParetoRow {
    /// The segment.
    pub segment: Segment,
    /// The number of partners in it.
    pub partners: u64,
    /// Its share of all partners.
    pub partner_share: Decimal,
    /// Its net turnover (may be negative for D).
    pub turnover: Decimal,
    /// Its turnover as a share of the base (the sum of positive turnovers).
    pub turnover_share: Decimal,
    /// The article's expected profile.
    pub expected: ExpectedProfile,
}

/// Concentration of turnover in the network.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Concentration {
    /// The Gini coefficient of turnover (0 = all equal, towards 1 = one
    /// partner has everything), over all partners with turnover ≤ 0 counted
    /// as 0. Exact to 28 significant digits.
    pub gini: Decimal,
    /// The share of the base held by the top 20 % of partners (rounded up
    /// to whole partners, at least one).
    pub top_20_share: Decimal,
    /// The share of the base held by the largest partner.
    pub top_partner_share: Decimal,
    /// The Herfindahl–Hirschman index over positive turnovers, on the usual
    /// 0 … 10 000 scale (Σ of squared percentage shares), accurate to 1e-12.
    pub hhi: Decimal,
}

/// A point of the Lorenz curve: the bottom `partners` share of partners
/// (ordered by turnover) holds `turnover` share of the base.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LorenzPoint {
    /// The cumulative share of partners, from the smallest.
    pub partners: Decimal,
    /// The cumulative share of turnover they hold.
    pub turnover: Decimal,
}

/// The result of a segmentation: every partner's segment with its evidence
/// (ordered by rank, ties by partner id), the Pareto table and the
/// concentration figures.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Segmentation {
    policy: ParetoPolicy,
    base: Decimal,
    total: Decimal,
    entries: Vec<SegmentEvidence>,
    table: Vec<ParetoRow>,
    concentration: Option<Concentration>,
    lorenz: Vec<LorenzPoint>,
}

impl Segmentation {
    /// The number of points of the Lorenz curve kept (0 %, 1 %, …, 100 % of
    /// partners).
    pub const LORENZ_POINTS: usize = 101;

    /// The policy used.
    #[must_use]
    pub fn policy(&self) -> &ParetoPolicy {
        &self.policy
    }

    /// The base: the sum of positive turnovers (100 %).
    #[must_use]
    pub fn base(&self) -> Decimal {
        self.base
    }

    /// The net sum of all turnovers (positive and negative).
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// Every partner, ordered by rank (highest turnover first), ties by
    /// partner id.
    #[must_use]
    pub fn entries(&self) -> &[SegmentEvidence] {
        &self.entries
    }

    /// The Pareto table: one row per segment, A first.
    #[must_use]
    pub fn table(&self) -> &[ParetoRow] {
        &self.table
    }

    /// The concentration figures; `None` when no partner has positive
    /// turnover.
    #[must_use]
    pub fn concentration(&self) -> Option<&Concentration> {
        self.concentration.as_ref()
    }

    /// The Lorenz curve at 0 %, 1 %, …, 100 % of partners (partners ordered
    /// from the smallest turnover; turnover ≤ 0 counted as 0). Empty when no
    /// partner has positive turnover.
    #[must_use]
    pub fn lorenz(&self) -> &[LorenzPoint] {
        &self.lorenz
    }
}

/// Segments partners by one turnover figure each (normally the window total
/// from the ledger).
///
/// The contract (`DESIGN.md`):
///
/// - the base (100 %) is the sum of positive turnovers;
/// - partners are ranked by turnover; partners with equal turnover form a
///   tie group, and a tie group is classed as a whole by what lies strictly
///   above it (under [`Boundary::Upper`]: the group is in the first class
///   whose cut-off is above the share of the partners above the group; under
///   [`Boundary::Lower`]: in the first class whose cut-off the share up to
///   and including the group does not exceed);
/// - every partner with turnover ≤ 0 is D, and so is the tail beyond the C
///   cut-off;
/// - the result does not depend on the input order.
///
/// Shares are compared exactly (integer arithmetic on the turnovers brought
/// to one scale); reported shares are exact to 28 significant digits.
///
/// # Example
///
/// The worked example of the contract: turnovers 50, 30, 10, 5, 5.
///
/// ```
/// use partner_priority::pareto::{segment, ParetoPolicy};
/// use partner_priority::{PartnerId, Segment};
/// use rust_decimal::Decimal;
///
/// let input: Vec<(PartnerId, Decimal)> = [("a", 50), ("b", 30), ("c", 10), ("d", 5), ("e", 5)]
///     .into_iter()
///     .map(|(id, t)| (PartnerId::new(id).unwrap(), Decimal::from(t)))
///     .collect();
/// let result = segment(&input, &ParetoPolicy::default())?;
/// let segments: Vec<Segment> = result.entries().iter().map(|e| e.segment).collect();
/// assert_eq!(segments, [Segment::A, Segment::A, Segment::B, Segment::B, Segment::B]);
/// assert_eq!(result.entries()[2].before, Decimal::new(8, 1)); // the partners above c hold 80 %
/// # Ok::<(), partner_priority::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::DuplicatePartner`] if a partner appears twice;
/// [`ErrorKind::Overflow`] if the turnovers cannot be brought to one scale
/// or their sum is out of range (far beyond any real network).
pub fn segment(turnovers: &[(PartnerId, Decimal)], policy: &ParetoPolicy) -> Result<Segmentation> {
    let mut seen: HashSet<&str, crate::ledger::Hasher> =
        HashSet::with_capacity_and_hasher(turnovers.len(), Default::default());
    for (id, _) in turnovers {
        if !seen.insert(id.as_str()) {
            return Err(Error::duplicate_partner(&id, None));
        }
    }
    drop(seen);
    let scaled = Scaled::common(turnovers.iter().map(|(_, t)| t));
    let values = turnovers
        .iter()
        .map(|(id, t)| scaled.int(*t, "a turnover at the common scale").map_err(|e| e.for_partner(id)))
        .collect::<Result<Vec<i128>>>()?;
    let mut classes = classify(&values, policy)?;
    // Within a tie group, order by partner id so that the output does not
    // depend on the input order.
    let mut start = 0;
    while start < classes.ranked.len() {
        let v = classes.ranked[start].value;
        let end = start + classes.ranked[start..].iter().take_while(|r| r.value == v).count();
        if end - start > 1 {
            classes.ranked[start..end]
                .sort_unstable_by(|a, b| turnovers[a.idx as usize].0.cmp(&turnovers[b.idx as usize].0));
        }
        start = end;
    }
    // Build the entries without chasing pointers in rank order: scatter each
    // partner's class and rank position to its input position, build the
    // entries in input order (sequential reads), then place them.
    let n = classes.ranked.len();
    let mut by_input: Vec<(u32, Class, Decimal, Decimal)> = vec![(0, Class::UNSET, Decimal::ZERO, Decimal::ZERO); n];
    let mut group_shares = (i128::MIN, Decimal::ZERO, Decimal::ZERO);
    for (pos, r) in classes.ranked.iter().enumerate() {
        if group_shares.0 != r.value || pos == 0 {
            group_shares = (r.value, classes.share(r.class.before), classes.share(r.class.after));
        }
        by_input[r.idx as usize] = (pos as u32, r.class, group_shares.1, group_shares.2);
    }
    // Cloning ids is an atomic increment, which stalls on a cache miss: clone
    // them in input order, then sort the entries into rank order.
    let mut placed: Vec<(u32, SegmentEvidence)> = turnovers
        .iter()
        .zip(by_input.into_iter().zip(&values))
        .map(|((id, turnover), ((pos, class, before, after), &value))| {
            let entry = SegmentEvidence {
                partner: id.clone(),
                turnover: *turnover,
                segment: class.segment,
                rank: class.rank,
                share: if value > 0 { ratio(value, classes.base) } else { Decimal::ZERO },
                before,
                after,
                turnover_before: ratio(class.turnover_before, classes.base),
            };
            (pos, entry)
        })
        .collect();
    placed.sort_unstable_by_key(|(pos, _)| *pos);
    let entries: Vec<SegmentEvidence> = placed.into_iter().map(|(_, e)| e).collect();
    let table = classes.table(&scaled)?;
    let (concentration, lorenz) = concentration(&classes)?;
    let total =
        values.iter().try_fold(0i128, |a, &v| a.checked_add(v)).ok_or_else(|| Error::overflow("the total turnover"))?;
    Ok(Segmentation {
        policy: *policy,
        base: scaled.decimal(classes.base),
        total: scaled.decimal(total),
        entries,
        table,
        concentration,
        lorenz,
    })
}

/// One partner's class, before shares are turned into decimals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Class {
    pub(crate) segment: Segment,
    pub(crate) rank: u32,
    /// Cumulative turnover (or partner count) above the tie group.
    pub(crate) before: i128,
    /// … up to and including the tie group.
    pub(crate) after: i128,
    /// Turnover strictly above the tie group (whatever the basis).
    pub(crate) turnover_before: i128,
}

/// A partner in rank order: its input position, its turnover and its class.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ranked {
    pub(crate) value: i128,
    pub(crate) idx: u32,
    pub(crate) class: Class,
}

/// The classes of all partners, in rank order (turnover descending, ties
/// by input position).
#[derive(Debug)]
pub(crate) struct Classes {
    pub(crate) ranked: Vec<Ranked>,
    /// The sum of positive turnovers.
    pub(crate) base: i128,
    /// The denominator of `before` / `after`: the base, or the number of
    /// partners with positive turnover.
    pub(crate) denominator: i128,
}

impl Class {
    pub(crate) const UNSET: Class = Class { segment: Segment::D, rank: 0, before: 0, after: 0, turnover_before: 0 };
}

impl Classes {
    pub(crate) fn share(&self, cumulative: i128) -> Decimal {
        ratio(cumulative, self.denominator)
    }

    pub(crate) fn table(&self, scaled: &Scaled) -> Result<Vec<ParetoRow>> {
        let mut table = SegmentTable::default();
        for r in &self.ranked {
            table.add(r.class.segment, r.value);
        }
        table.rows(self.ranked.len(), self.base, scaled)
    }
}

/// The Pareto table's partners and turnover per segment, added partner by
/// partner in rank order.
#[derive(Debug)]
pub(crate) struct SegmentTable {
    counts: [u64; 4],
    /// `None` once a segment's sum has left 128 bits.
    sums: [Option<i128>; 4],
}

impl Default for SegmentTable {
    fn default() -> SegmentTable {
        SegmentTable { counts: [0; 4], sums: [Some(0); 4] }
    }
}

impl SegmentTable {
    /// Adds a partner of `segment` with turnover `value`.
    pub(crate) fn add(&mut self, segment: Segment, value: i128) {
        let k = segment.index();
        if let (Some(count), Some(sum)) = (self.counts.get_mut(k), self.sums.get_mut(k)) {
            *count += 1;
            *sum = sum.and_then(|s| s.checked_add(value));
        }
    }

    /// Adds the partners of `other` (a table of other partners).
    pub(crate) fn merge(&mut self, other: &SegmentTable) {
        for k in 0..4 {
            self.counts[k] += other.counts[k];
            self.sums[k] = self.sums[k].zip(other.sums[k]).and_then(|(a, b)| a.checked_add(b));
        }
    }

    /// The table of `partners` partners, shares of `base`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if a segment's turnover left 128 bits.
    pub(crate) fn rows(&self, partners: usize, base: i128, scaled: &Scaled) -> Result<Vec<ParetoRow>> {
        let n = i128::try_from(partners).unwrap_or(i128::MAX);
        (0..4)
            .map(|k| {
                let segment = Segment::from_index(k);
                let sum = self.sums[k].ok_or_else(|| Error::overflow("a segment's turnover"))?;
                Ok(ParetoRow {
                    segment,
                    partners: self.counts[k],
                    partner_share: ratio(i128::from(self.counts[k]), n),
                    turnover: scaled.decimal(sum),
                    turnover_share: ratio(sum, base),
                    expected: segment.expected(),
                })
            })
            .collect()
    }
}

/// The sum of the positive turnovers (the Pareto base) and how many there
/// are.
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if the sum leaves 128 bits.
pub(crate) fn positive_totals(values: &[i128]) -> Result<(i128, i128)> {
    let mut base: i128 = 0;
    let mut positive: i128 = 0;
    for &v in values {
        if v > 0 {
            base = base.checked_add(v).ok_or_else(|| Error::overflow("the sum of positive turnovers"))?;
            positive += 1;
        }
    }
    Ok((base, positive))
}

/// Partners in rank order: turnover descending, ties by input position,
/// each with its turnover and input position.
pub(crate) enum RankOrder {
    /// The usual case, every turnover an `i64`: one integer key per
    /// partner, the turnover (as an unsigned number in the same order,
    /// inverted for descending) above the position.
    Keys(Vec<u128>),
    /// Any turnovers.
    Pairs(Vec<(i128, u32)>),
}

impl RankOrder {
    /// The rank order of `values` (one per partner, in input order).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::ThreadPool`] if the `parallel` feature's pool cannot
    /// start.
    pub(crate) fn of(values: &[i128]) -> Result<RankOrder> {
        let position = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        if values.iter().all(|&v| i64::try_from(v).is_ok()) {
            let mut keys: Vec<u128> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let ordered = (v as i64 as u64) ^ (1 << 63);
                    (u128::from(!ordered) << 64) | u128::from(position(i))
                })
                .collect();
            par::sort_unstable(&mut keys)?;
            Ok(RankOrder::Keys(keys))
        } else {
            let mut order: Vec<(i128, u32)> =
                values.iter().enumerate().map(|(i, &value)| (value, position(i))).collect();
            order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            Ok(RankOrder::Pairs(order))
        }
    }

    /// The turnover and input position of a key of [`RankOrder::Keys`]:
    /// the value is read back from the key (fetching it from the values by
    /// position was a cache miss a partner).
    fn decode(key: u128) -> (i128, u32) {
        let ordered = !((key >> 64) as u64);
        (i128::from((ordered ^ (1 << 63)) as i64), key as u32)
    }

    /// The partners ranked.
    pub(crate) fn len(&self) -> usize {
        match self {
            RankOrder::Keys(keys) => keys.len(),
            RankOrder::Pairs(pairs) => pairs.len(),
        }
    }

    /// The turnover and input position of the partner at `at` in rank
    /// order (zero and `u32::MAX` past the end).
    pub(crate) fn get(&self, at: usize) -> (i128, u32) {
        match self {
            RankOrder::Keys(keys) => keys.get(at).map_or((0, u32::MAX), |&k| RankOrder::decode(k)),
            RankOrder::Pairs(pairs) => pairs.get(at).copied().unwrap_or((0, u32::MAX)),
        }
    }

    /// The turnovers in rank order.
    pub(crate) fn values(&self) -> impl DoubleEndedIterator<Item = i128> + ExactSizeIterator + Clone + '_ {
        (0..self.len()).map(|at| self.get(at).0)
    }
}

impl ParetoPolicy {
    /// The denominator of the classes' `before` and `after` under this
    /// policy's basis, from [`positive_totals`]: the base, or the partners
    /// with positive turnover.
    pub(crate) fn denominator(&self, (base, positive): (i128, i128)) -> i128 {
        match self.basis {
            ParetoBasis::Turnover => base,
            ParetoBasis::Partners => positive,
        }
    }
}

/// Lays out the classes of the partners of `order` under `policy`, tie
/// group by tie group in rank order: `group` gets each group's positions in
/// `order` and its class. `base` and `positive` are
/// [`positive_totals`]; the classes' `before` and `after` count against
/// [`ParetoPolicy::denominator`].
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if a tie group's turnover leaves 128 bits.
pub(crate) fn walk_classes(
    order: &RankOrder,
    totals: (i128, i128),
    policy: &ParetoPolicy,
    group: impl FnMut(std::ops::Range<usize>, &Class),
) -> Result<()> {
    walk_stretch(order, totals, policy, Stretch::whole(order), group)
}

/// A stretch of the rank order that [`walk_stretch`] lays out on its own:
/// from the first position of a tie group to the first of another (or the
/// end), with what is above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stretch {
    start: usize,
    end: usize,
    /// The positive turnover above `start`.
    above_value: i128,
    /// The partners with positive turnover above `start`.
    above_count: i128,
}

impl Stretch {
    /// The whole order.
    fn whole(order: &RankOrder) -> Stretch {
        Stretch { start: 0, end: order.len(), above_value: 0, above_count: 0 }
    }

    /// `order` cut into at most `parts` stretches of about as many
    /// partners each, none of them empty and none cutting a tie group, in
    /// rank order: their walks give together what one walk of the whole
    /// gives (the cut-offs rise, so a stretch's first class is found from
    /// A as well as from the class above it).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if the positive turnover above a stretch
    /// leaves 128 bits.
    pub(crate) fn cut(order: &RankOrder, parts: usize) -> Result<Vec<Stretch>> {
        let n = order.len();
        let parts = parts.clamp(1, n.max(1));
        let mut stretches = Vec::with_capacity(parts);
        let mut next = Stretch { start: 0, end: 0, above_value: 0, above_count: 0 };
        for k in 1..=parts {
            // `n / parts × k`, rounded down, without overflow.
            let mut end = (n / parts * k + n % parts * k / parts).max(next.start);
            while end > 0 && end < n && order.get(end).0 == order.get(end - 1).0 {
                end += 1;
            }
            if k == parts {
                end = n;
            }
            if end == next.start {
                continue;
            }
            let stretch = Stretch { end, ..next };
            for at in stretch.start..end {
                let v = order.get(at).0;
                if v > 0 {
                    next.above_value =
                        next.above_value.checked_add(v).ok_or_else(|| Error::overflow("the network's turnover"))?;
                    next.above_count += 1;
                }
            }
            next.start = end;
            stretches.push(stretch);
        }
        Ok(stretches)
    }
}

/// [`walk_classes`] of one stretch of the order (see [`Stretch::cut`]):
/// `group` gets the stretch's tie groups, with the classes a walk of the
/// whole order gives them.
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if a tie group's turnover leaves 128 bits.
pub(crate) fn walk_stretch(
    order: &RankOrder,
    (base, positive): (i128, i128),
    policy: &ParetoPolicy,
    stretch: Stretch,
    mut group: impl FnMut(std::ops::Range<usize>, &Class),
) -> Result<()> {
    let cuts = policy.cutoffs.map(Cut::new);
    let denominator = policy.denominator((base, positive));
    let mut above_value: i128 = stretch.above_value; // Σ turnover strictly above the group
    let mut above_count: i128 = stretch.above_count; // partners strictly above the group
    let mut start = stretch.start;
    let mut first_class = 0usize;
    let n = stretch.end.min(order.len());
    while start < n {
        let v = order.get(start).0;
        let end = (start + 1..n).find(|&at| order.get(at).0 != v).unwrap_or(n);
        let size = (end - start) as i128;
        let rank = u32::try_from(start + 1).unwrap_or(u32::MAX);
        let class = if v > 0 {
            let group_value = v.checked_mul(size).ok_or_else(|| Error::overflow("a tie group's turnover"))?;
            let (before, after) = match policy.basis {
                ParetoBasis::Turnover => (above_value, above_value + group_value),
                ParetoBasis::Partners => (above_count, above_count + size),
            };
            let den = denominator.unsigned_abs();
            let (b, a) = (before.unsigned_abs(), after.unsigned_abs());
            // Groups come in falling turnover, so `before` and `after` only
            // grow and the class only goes down: start from the last one.
            let k = (first_class..3).find(|&k| match policy.boundary {
                Boundary::Upper => cuts[k].above(b, den),
                Boundary::Lower => cuts[k].at_or_above(a, den),
            });
            first_class = k.unwrap_or(3);
            let turnover_before = above_value;
            above_value += group_value;
            above_count += size;
            Class { segment: k.map_or(Segment::D, Segment::from_index), rank, before, after, turnover_before }
        } else {
            let at = match policy.basis {
                ParetoBasis::Turnover => above_value,
                ParetoBasis::Partners => above_count,
            };
            Class { segment: Segment::D, rank, before: at, after: at, turnover_before: above_value }
        };
        group(start..end, &class);
        start = end;
    }
    Ok(())
}

/// Classifies integer turnovers (all at one scale) under `policy`. The core
/// of [`segment`]; the review lays out the classes itself
/// ([`walk_classes`]), without a class kept for each partner.
pub(crate) fn classify(values: &[i128], policy: &ParetoPolicy) -> Result<Classes> {
    let totals = positive_totals(values)?;
    let order = RankOrder::of(values)?;
    // On all cores: the 96 bytes a partner of fresh memory are most of the
    // classification's time.
    let mut ranked: Vec<Ranked> = match &order {
        RankOrder::Keys(keys) => par::map(keys, |&k| {
            let (value, idx) = RankOrder::decode(k);
            Ranked { value, idx, class: Class::UNSET }
        })?,
        RankOrder::Pairs(pairs) => {
            pairs.iter().map(|&(value, idx)| Ranked { value, idx, class: Class::UNSET }).collect()
        }
    };
    walk_classes(&order, totals, policy, |range, class| {
        for r in ranked.get_mut(range).unwrap_or_default() {
            r.class = *class;
        }
    })?;
    Ok(Classes { ranked, base: totals.0, denominator: policy.denominator(totals) })
}

/// Concentration figures and the Lorenz curve from partners in rank order.
pub(crate) fn concentration(classes: &Classes) -> Result<(Option<Concentration>, Vec<LorenzPoint>)> {
    concentration_of(classes.ranked.iter().map(|r| r.value), classes.base)
}

/// Concentration figures and the Lorenz curve from the turnovers in rank
/// order (`ranked`) and the Pareto base.
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if the figures' sums leave their range.
pub(crate) fn concentration_of(
    ranked: impl DoubleEndedIterator<Item = i128> + ExactSizeIterator + Clone,
    base: i128,
) -> Result<(Option<Concentration>, Vec<LorenzPoint>)> {
    if base <= 0 {
        return Ok((None, Vec::new()));
    }
    let n = ranked.len();
    let overflow = || Error::overflow("the concentration figures");
    // One pass over the ascending non-negative values (each pass over a
    // million ranked partners is a read of 16 MB of sorted keys in the
    // review, of 96 MB of classes in `segment`): the Gini numerator
    // Σ (2i − n − 1) x_i, i = 1..n, the exact 256-bit Σ x² of the HHI, and
    // the Lorenz points at k % of partners.
    let n_i = i128::try_from(n).map_err(|_| overflow())?;
    let points = Segmentation::LORENZ_POINTS - 1;
    let upto = |k: usize| (n * k).div_ceil(points).min(n);
    let mut lorenz = Vec::with_capacity(points + 1);
    let lorenz_point =
        |k: usize, cum: i128| LorenzPoint { partners: ratio(k as i128, points as i128), turnover: ratio(cum, base) };
    let mut next_point = 0usize;
    let mut num: i128 = 0;
    let mut sum_sq = (0u128, 0u128);
    let mut cum: i128 = 0;
    for (i, x) in ranked.clone().rev().map(|v| v.max(0)).enumerate() {
        while next_point <= points && upto(next_point) <= i {
            lorenz.push(lorenz_point(next_point, cum));
            next_point += 1;
        }
        let weight = 2 * (i as i128 + 1) - n_i - 1;
        num = weight.checked_mul(x).and_then(|t| num.checked_add(t)).ok_or_else(overflow)?;
        let (hi, lo) = mul_wide(x.unsigned_abs(), x.unsigned_abs());
        let (lo, carry) = sum_sq.1.overflowing_add(lo);
        sum_sq = (sum_sq.0.checked_add(hi).and_then(|h| h.checked_add(u128::from(carry))).ok_or_else(overflow)?, lo);
        cum += x;
    }
    while next_point <= points {
        lorenz.push(lorenz_point(next_point, cum));
        next_point += 1;
    }
    let den = n_i.checked_mul(base).ok_or_else(overflow)?;
    let gini = ratio(num, den);
    // Top 20 % of partners (rounded up, at least one).
    let top = n.div_ceil(5).max(1);
    let top_sum = ranked.clone().take(top).map(|v| v.max(0)).sum::<i128>();
    let top_partner = ranked.clone().next().map_or(0, |v| v.max(0));
    // HHI = 10 000 × Σ x² / base².
    let base_sq = mul_wide(base.unsigned_abs(), base.unsigned_abs());
    let hhi =
        crate::util::exact::ratio_u256(sum_sq, base_sq).checked_mul(Decimal::from(10_000)).unwrap_or(Decimal::MAX);
    Ok((
        Some(Concentration {
            gini,
            top_20_share: ratio(top_sum, base),
            top_partner_share: ratio(top_partner, base),
            hhi: hhi.round_dp(12).normalize(),
        }),
        lorenz,
    ))
}

impl PartialOrd for SegmentEvidence {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SegmentEvidence {
    /// Rank order: higher turnover first, ties by partner id.
    fn cmp(&self, other: &Self) -> Ordering {
        other.turnover.cmp(&self.turnover).then_with(|| self.partner.cmp(&other.partner))
    }
}

/// Any Pareto policy: either basis, either boundary, rising cut-offs (for
/// the property tests of the walks).
#[cfg(test)]
pub(crate) fn any_policy() -> impl proptest::strategy::Strategy<Value = ParetoPolicy> {
    use proptest::strategy::Strategy as _;
    (proptest::bool::ANY, proptest::bool::ANY, (1i64..60, 1i64..30, 1i64..10)).prop_map(|(partners, lower, cuts)| {
        let basis = if partners { ParetoBasis::Partners } else { ParetoBasis::Turnover };
        let boundary = if lower { Boundary::Lower } else { Boundary::Upper };
        let cutoffs = [cuts.0, cuts.0 + cuts.1, cuts.0 + cuts.1 + cuts.2].map(Decimal::from);
        ParetoPolicy::new(basis, cutoffs, boundary).unwrap_or_default()
    })
}

/// Up to 300 turnovers at the ledger's scale, with ties, zeros and
/// negatives (for the property tests of the walks).
#[cfg(test)]
pub(crate) fn any_turnovers() -> impl proptest::strategy::Strategy<Value = Vec<i128>> {
    proptest::collection::vec(proptest::prop_oneof![-50i128..0, 0i128..1, 1i128..40, 1_000i128..1_000_000], 0..300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretches_of_distinct_turnovers_are_of_about_as_many_partners() {
        let values: Vec<i128> = (1..=11).collect();
        let order = RankOrder::of(&values).unwrap();
        let lengths = |parts| Stretch::cut(&order, parts).unwrap().iter().map(|s| s.end - s.start).collect::<Vec<_>>();
        assert_eq!(lengths(3), [3, 4, 4]);
        assert_eq!(lengths(4), [2, 3, 3, 3]);
        assert_eq!(lengths(11), [1; 11]);
        assert_eq!(lengths(20), [1; 11]);
        // A tie group is not cut: the stretch it starts in takes it whole.
        let order = RankOrder::of(&[5, 5, 5, 5, 5, 1]).unwrap();
        assert_eq!(Stretch::cut(&order, 3).unwrap().iter().map(|s| s.end - s.start).collect::<Vec<_>>(), [5, 1]);
        assert!(Stretch::cut(&RankOrder::of(&[]).unwrap(), 3).unwrap().is_empty());
        // A tie group at the end of the order ends there.
        let order = RankOrder::of(&[3, 0, 0, 0]).unwrap();
        let stretches = Stretch::cut(&order, 2).unwrap();
        assert_eq!(stretches.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [(0, 4)]);
    }

    proptest::proptest! {
        /// The stretches [`Stretch::cut`] gives cover the order in rank
        /// order without cutting a tie group, and their walks, on their own,
        /// give each tie group the class one walk of the whole order gives
        /// it, under any policy.
        #[test]
        fn walking_the_stretches_one_by_one_gives_the_whole_walk(
            values in any_turnovers(),
            parts in 1usize..9,
            policy in any_policy(),
        ) {
            let order = RankOrder::of(&values).unwrap();
            let totals = positive_totals(&values).unwrap();
            let mut whole = Vec::new();
            walk_classes(&order, totals, &policy, |range, class| whole.push((range, *class))).unwrap();
            let stretches = Stretch::cut(&order, parts).unwrap();
            proptest::prop_assert!(stretches.len() <= parts);
            let mut walked = Vec::new();
            let mut at = 0;
            for stretch in stretches {
                proptest::prop_assert_eq!(stretch.start, at);
                proptest::prop_assert!(stretch.end > stretch.start);
                at = stretch.end;
                walk_stretch(&order, totals, &policy, stretch, |range, class| walked.push((range, *class))).unwrap();
            }
            proptest::prop_assert_eq!(at, values.len());
            proptest::prop_assert_eq!(walked, whole);
        }

        /// The one-pass concentration figures are those of the formulas
        /// taken one at a time: the Gini numerator over ascending values,
        /// Σ x² for the HHI, and each Lorenz point the sum of the smallest
        /// ⌈n·k / 100⌉ values.
        #[test]
        fn concentration_in_one_pass_is_the_formulas_one_at_a_time(
            values in proptest::collection::vec(proptest::prop_oneof![-500i128..0, 0i128..1, 1i128..1_000_000], 1..400),
        ) {
            let classes = classify(&values, &ParetoPolicy::default()).unwrap();
            let (figures, lorenz) = concentration(&classes).unwrap();
            let mut asc: Vec<i128> = values.iter().map(|v| (*v).max(0)).collect();
            asc.sort_unstable();
            let (n, base) = (asc.len(), asc.iter().sum::<i128>());
            if base == 0 {
                proptest::prop_assert!(figures.is_none() && lorenz.is_empty());
                return Ok(());
            }
            let num: i128 = asc.iter().enumerate().map(|(i, x)| (2 * (i as i128 + 1) - n as i128 - 1) * x).sum();
            let squares: i128 = asc.iter().map(|x| x * x).sum();
            let figures = figures.unwrap();
            proptest::prop_assert_eq!(figures.gini, ratio(num, n as i128 * base));
            let hhi = crate::util::exact::ratio_u256((0, squares as u128), mul_wide(base as u128, base as u128))
                * Decimal::from(10_000);
            proptest::prop_assert_eq!(figures.hhi, hhi.round_dp(12).normalize());
            let points = Segmentation::LORENZ_POINTS - 1;
            proptest::prop_assert_eq!(lorenz.len(), points + 1);
            for (k, point) in lorenz.iter().enumerate() {
                let upto = (n * k).div_ceil(points);
                proptest::prop_assert_eq!(point.partners, ratio(k as i128, points as i128));
                proptest::prop_assert_eq!(point.turnover, ratio(asc[..upto].iter().sum::<i128>(), base), "point {}", k);
            }
        }
    }

    fn input(values: &[i64]) -> Vec<(PartnerId, Decimal)> {
        values
            .iter()
            .enumerate()
            .map(|(i, &v)| (PartnerId::new(&format!("p{i:03}")).unwrap(), Decimal::from(v)))
            .collect()
    }

    fn segments(values: &[i64], policy: &ParetoPolicy) -> Vec<Segment> {
        // In input order.
        let data = input(values);
        let result = segment(&data, policy).unwrap();
        data.iter().map(|(id, _)| result.entries().iter().find(|e| &e.partner == id).unwrap().segment).collect()
    }

    use Segment::{A, B, C, D};

    #[test]
    fn the_worked_example_under_both_conventions() {
        let upper = ParetoPolicy::default();
        assert_eq!(segments(&[50, 30, 10, 5, 5], &upper), [A, A, B, B, B]);
        let lower = upper.with_boundary(Boundary::Lower);
        assert_eq!(segments(&[50, 30, 10, 5, 5], &lower), [A, A, B, D, D]);
    }

    #[test]
    fn zero_turnover_is_d_under_the_partner_share_basis_too() {
        // Nine of ten partners sold nothing: by count they would reach C.
        let by_count = ParetoPolicy::partner_share();
        assert_eq!(segments(&[100, 0, 0, 0, 0, 0, 0, 0, 0, -5], &by_count), [A, D, D, D, D, D, D, D, D, D]);
    }

    #[test]
    fn the_result_keeps_its_policy_and_entries_sort_in_rank_order() {
        let lower = ParetoPolicy::default().with_boundary(Boundary::Lower);
        assert_eq!(lower.boundary(), Boundary::Lower);
        let result = segment(&input(&[5, 50, 5]), &lower).unwrap();
        assert_eq!(result.policy(), &lower);
        let e = result.entries();
        assert!(e[0] < e[1] && e[1] < e[2], "rank order: higher turnover, then id");
        assert_eq!(e[1].partial_cmp(&e[2]), Some(Ordering::Less));
    }

    #[test]
    fn empty_input_is_an_empty_result() {
        let r = segment(&[], &ParetoPolicy::default()).unwrap();
        assert!(r.entries().is_empty());
        assert_eq!(r.base(), Decimal::ZERO);
        assert!(r.concentration().is_none());
        assert!(r.lorenz().is_empty());
        assert_eq!(r.table().len(), 4);
        assert!(r.table().iter().all(|row| row.partners == 0));
    }

    #[test]
    fn one_partner_is_a() {
        assert_eq!(segments(&[7], &ParetoPolicy::default()), [A]);
        assert_eq!(segments(&[7], &ParetoPolicy::partner_share()), [A]);
        let r = segment(&input(&[7]), &ParetoPolicy::default()).unwrap();
        let c = r.concentration().unwrap();
        assert_eq!(c.gini, Decimal::ZERO);
        assert_eq!(c.top_partner_share, Decimal::ONE);
        assert_eq!(c.hhi, Decimal::from(10_000));
    }

    #[test]
    fn all_equal_is_one_tie_group_in_a() {
        assert_eq!(segments(&[5, 5, 5, 5], &ParetoPolicy::default()), [A, A, A, A]);
        assert_eq!(segments(&[5, 5, 5, 5], &ParetoPolicy::partner_share()), [A, A, A, A]);
        let r = segment(&input(&[5, 5, 5, 5]), &ParetoPolicy::default()).unwrap();
        assert!(r.entries().iter().all(|e| e.rank == 1));
        assert_eq!(r.concentration().unwrap().gini, Decimal::ZERO);
        assert_eq!(r.concentration().unwrap().hhi, Decimal::from(2500));
    }

    #[test]
    fn all_non_positive_is_d() {
        assert_eq!(segments(&[0, -5, 0], &ParetoPolicy::default()), [D, D, D]);
        let r = segment(&input(&[0, -5, 0]), &ParetoPolicy::default()).unwrap();
        assert!(r.concentration().is_none());
        assert_eq!(r.total(), Decimal::from(-5));
        assert_eq!(r.table()[3].partners, 3);
    }

    #[test]
    fn a_tie_group_straddling_each_cutoff_goes_whole() {
        // 70 then a 10-group of two (crosses 80 %): the group is A.
        assert_eq!(segments(&[70, 10, 10, 5, 4, 1], &ParetoPolicy::default()), [A, A, A, B, C, D]);
        // Straddling 95 %: 80 + 10 = 90, then 3 + 3 crosses 95 → both B.
        assert_eq!(segments(&[80, 10, 3, 3, 2, 1, 1], &ParetoPolicy::default()), [A, B, B, B, C, C, C]);
        // The tail group starting exactly at 99 % is D (out of 200: 160, 20,
        // a 6-group crossing 95 %, then a 1-group above which lie 99 %).
        assert_eq!(segments(&[160, 20, 6, 6, 6, 1, 1], &ParetoPolicy::default()), [A, B, B, B, B, D, D]);
        // Straddling 99 %: 80, 15 (95), then 2 + 2 crosses 99 → both C.
        assert_eq!(segments(&[80, 15, 2, 2, 1], &ParetoPolicy::default()), [A, B, C, C, D]);
        // Lower convention: the straddling group drops whole.
        let lower = ParetoPolicy::default().with_boundary(Boundary::Lower);
        assert_eq!(segments(&[70, 10, 10, 5, 4, 1], &lower), [A, B, B, B, C, D]);
    }

    #[test]
    fn partner_share_basis_counts_positive_partners() {
        // 10 partners with positive turnover: top 20 % = 2 partners in A.
        let values = [100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0];
        let policy = ParetoPolicy::partner_share();
        assert_eq!(segments(&values, &policy), [A, A, B, B, B, C, C, C, C, D, D]);
    }

    #[test]
    fn partner_share_evidence_counts_partners_above_and_through_the_group() {
        // 10 positive partners, a tie group of two at 70.
        let values = [100, 90, 80, 70, 70, 50, 40, 30, 20, 10, 0];
        let policy = ParetoPolicy::partner_share();
        let r = segment(&input(&values), &policy).unwrap();
        let shares = |f: fn(&SegmentEvidence) -> Decimal| r.entries().iter().map(f).collect::<Vec<_>>();
        let pct = |n: i64| Decimal::new(n, 1);
        assert_eq!(shares(|e| e.before), [0, 1, 2, 3, 3, 5, 6, 7, 8, 9, 10].map(pct));
        assert_eq!(shares(|e| e.after), [1, 2, 3, 5, 5, 6, 7, 8, 9, 10, 10].map(pct));
        // Under the lower boundary the group is classed by `after`.
        let lower = policy.with_boundary(Boundary::Lower);
        assert_eq!(segments(&values, &lower), [A, A, B, B, B, C, C, C, C, D, D]);
    }

    #[test]
    fn the_table_adds_up() {
        let values = [50, 30, 10, 5, 5, 0, -2];
        let r = segment(&input(&values), &ParetoPolicy::default()).unwrap();
        let t = r.table();
        assert_eq!(t.iter().map(|row| row.partners).sum::<u64>(), 7);
        assert_eq!(t[0].turnover, Decimal::from(80));
        assert_eq!(t[0].turnover_share, Decimal::new(8, 1));
        assert_eq!(t[3].turnover, Decimal::from(-2));
        assert_eq!(r.base(), Decimal::from(100));
        assert_eq!(r.total(), Decimal::from(98));
        assert_eq!(t.iter().map(|row| row.turnover).sum::<Decimal>(), r.total());
    }

    #[test]
    fn evidence_ranks_and_shares() {
        let r = segment(&input(&[50, 30, 10, 5, 5]), &ParetoPolicy::default()).unwrap();
        let e = r.entries();
        assert_eq!(e.iter().map(|e| e.rank).collect::<Vec<_>>(), [1, 2, 3, 4, 4]);
        assert_eq!(e[3].before, Decimal::new(9, 1));
        assert_eq!(e[3].after, Decimal::ONE);
        assert_eq!(e[3].share, Decimal::new(5, 2));
    }

    #[test]
    fn concentration_figures() {
        // Gini of [0, 0, 0, 100]: (2·4 − 5)·100 / (4·100) = 0.75.
        let r = segment(&input(&[0, 0, 0, 100]), &ParetoPolicy::default()).unwrap();
        let c = r.concentration().unwrap();
        assert_eq!(c.gini, Decimal::new(75, 2));
        assert_eq!(c.top_20_share, Decimal::ONE);
        let l = r.lorenz();
        assert_eq!(l.len(), 101);
        assert_eq!(l[0].turnover, Decimal::ZERO);
        assert_eq!(l[100].turnover, Decimal::ONE);
        assert_eq!(l[75].turnover, Decimal::ZERO);
        // HHI of 50/30/20: 2500 + 900 + 400.
        let r = segment(&input(&[50, 30, 20]), &ParetoPolicy::default()).unwrap();
        assert_eq!(r.concentration().unwrap().hhi, Decimal::from(3800));
    }

    #[test]
    fn duplicates_are_refused() {
        let mut data = input(&[1, 2]);
        data.push(data[0].clone());
        assert!(segment(&data, &ParetoPolicy::default()).unwrap_err().is_duplicate());
    }

    #[test]
    fn policies_are_checked() {
        let t = ParetoBasis::Turnover;
        let u = Boundary::Upper;
        let bad = |c: [i64; 3]| ParetoPolicy::new(t, c.map(Decimal::from), u).unwrap_err().to_string();
        assert!(bad([0, 95, 99]).contains("cutoffs.a"));
        assert!(bad([80, 101, 99]).contains("cutoffs.b"));
        assert!(bad([80, 95, 95]).contains("cutoffs.c"));
        assert!(bad([90, 80, 99]).contains("cutoffs.b"));
        assert!(ParetoPolicy::new(t, [80, 95, 100].map(Decimal::from), u).is_ok());
    }

    #[test]
    fn fractional_amounts_and_cutoffs_are_exact() {
        // 0.8 of the base exactly at the cut-off: under Upper the next group
        // (before = 80 %) is not A.
        let data: Vec<(PartnerId, Decimal)> =
            [("a", Decimal::new(8, 1)), ("b", Decimal::new(1, 1)), ("c", Decimal::new(1, 1))]
                .into_iter()
                .map(|(id, v)| (PartnerId::new(id).unwrap(), v))
                .collect();
        let r = segment(&data, &ParetoPolicy::default()).unwrap();
        let segs: Vec<_> = r.entries().iter().map(|e| e.segment).collect();
        assert_eq!(segs, [A, B, B]);
    }
}

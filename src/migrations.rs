//! What moved between two reviews: segment and tier moves, new and lost
//! partners.

use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::pareto::Segment;
use crate::partner::PartnerId;
use crate::period::ReviewPeriod;
use crate::tier::Tier;

/// A partner's segment and tier at one review: the input of
/// [`Migrations::between`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Placement {
    /// The partner.
    pub partner: PartnerId,
    /// Its segment.
    pub segment: Segment,
    /// Its tier.
    pub tier: Tier,
}

impl Placement {
    /// A placement.
    #[must_use]
    pub fn new(partner: PartnerId, segment: Segment, tier: Tier) -> Placement {
        Placement { partner, segment, tier }
    }
}

/// One partner's move between two reviews.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Move<T> {
    /// The partner.
    pub partner: PartnerId,
    /// Where it was.
    pub from: T,
    /// Where it is.
    pub to: T,
}

/// The moves of one classification (segments or tiers) between two
/// reviews, over the partners present in both.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Moves<T> {
    /// Partners that moved up (towards A, towards Gold), by partner id.
    pub up: Vec<Move<T>>,
    /// Partners that moved down, by partner id.
    pub down: Vec<Move<T>>,
    /// The number of partners that stayed.
    pub unchanged: u64,
    /// `matrix[from][to]`: partner counts, rows and columns A … D or
    /// Gold … Beginner. The counts add up to the partners present in both
    /// reviews.
    pub matrix: [[u64; 4]; 4],
}

impl<T> Moves<T> {
    fn new() -> Moves<T> {
        Moves { up: Vec::new(), down: Vec::new(), unchanged: 0, matrix: [[0; 4]; 4] }
    }
}

/// What moved between two reviews.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Migrations {
    /// Segment moves.
    pub segments: Moves<Segment>,
    /// Tier moves.
    pub tiers: Moves<Tier>,
    /// Partners only in the current review, by id.
    pub new: Vec<PartnerId>,
    /// Partners only in the previous review, by id.
    pub gone: Vec<PartnerId>,
    /// The dates of the two reviews compared (set by a review run against
    /// a previous one; `None` from [`Migrations::between`] alone).
    #[cfg_attr(feature = "serde", serde(default))]
    pub span: Option<Span>,
}

/// The time between two reviews: the moves of a migration add up over it,
/// so a span longer than the policy's review period means some reviews
/// were skipped ([`Span::is_longer_than`]).
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::period::ReviewPeriod;
/// use partner_priority::review::Span;
///
/// let d = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
/// let quarter = Span::new(d(2025, 4), d(2025, 7))?;
/// assert_eq!(quarter.months(), 3);
/// assert!(!quarter.is_longer_than(ReviewPeriod::Quarterly));
///
/// let skipped = Span::new(d(2024, 10), d(2025, 7))?;
/// assert_eq!(skipped.months(), 9);
/// assert!(skipped.is_longer_than(ReviewPeriod::Quarterly));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawSpan"))]
pub struct Span {
    from: NaiveDate,
    to: NaiveDate,
}

/// [`Span`] as it is serialised, checked on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawSpan {
    from: NaiveDate,
    to: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<RawSpan> for Span {
    type Error = Error;
    fn try_from(raw: RawSpan) -> Result<Span> {
        Span::new(raw.from, raw.to)
    }
}

impl Span {
    /// The span from the previous review's date to this review's.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] if `from` is not earlier than `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Span> {
        if from >= to {
            return Err(Error::value(
                "previous",
                &from.to_string(),
                format!("the previous review must be earlier than this one ({to})"),
            ));
        }
        Ok(Span { from, to })
    }

    /// The previous review's date.
    #[must_use]
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// This review's date.
    #[must_use]
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The days between the two reviews.
    #[must_use]
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// The whole calendar months between the two reviews: 3 from April 1
    /// to July 1, 2 from January 15 to April 14.
    #[must_use]
    pub fn months(&self) -> u32 {
        let index = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
        let mut months = u32::try_from(index(self.to) - index(self.from)).unwrap_or(0);
        // One month less when the day of the month has not come round yet.
        if months > 0 && self.from.checked_add_months(Months::new(months)).is_none_or(|d| d > self.to) {
            months -= 1;
        }
        months
    }

    /// Whether the reviews are further apart than `period`: this review
    /// comes after the previous one's date plus the period's months.
    #[must_use]
    pub fn is_longer_than(&self, period: ReviewPeriod) -> bool {
        self.from.checked_add_months(Months::new(period.months())).is_some_and(|end| self.to > end)
    }
}

fn index(list: &[Placement]) -> Result<HashMap<PartnerId, usize>> {
    let mut map = HashMap::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        if map.insert(p.partner.clone(), i).is_some() {
            return Err(Error::duplicate_partner(&p.partner, None));
        }
    }
    Ok(map)
}

impl Migrations {
    /// The migrations with the dates of the two reviews compared.
    #[must_use]
    pub fn with_span(mut self, span: Span) -> Migrations {
        self.span = Some(span);
        self
    }

    /// The number of partners present in both reviews.
    #[must_use]
    pub fn continuing(&self) -> u64 {
        self.segments.matrix.iter().flatten().sum()
    }

    /// Compares two reviews: for segments and for tiers, who moved up, who moved
    /// down, how many stayed, and the from × to matrix; which partners are new
    /// and which are gone. The result does not depend on the order of either
    /// list.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DuplicatePartner`] if a partner appears twice in one list.
    ///
    /// # Example
    ///
    /// ```
    /// use partner_priority::review::{Migrations, Placement};
    /// use partner_priority::{PartnerId, Segment, Tier};
    ///
    /// let id = |s: &str| PartnerId::new(s).unwrap();
    /// let before = [
    ///     Placement::new(id("a"), Segment::B, Tier::Silver),
    ///     Placement::new(id("b"), Segment::A, Tier::Gold),
    /// ];
    /// let now = [
    ///     Placement::new(id("a"), Segment::A, Tier::Gold),
    ///     Placement::new(id("c"), Segment::C, Tier::Beginner),
    /// ];
    /// let r = Migrations::between(&before, &now)?;
    /// assert_eq!(r.segments.up.len(), 1);
    /// assert_eq!(r.new, [id("c")]);
    /// assert_eq!(r.gone, [id("b")]);
    /// assert_eq!(r.tiers.matrix[1][0], 1); // Silver → Gold
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    pub fn between(previous: &[Placement], current: &[Placement]) -> Result<Migrations> {
        let prev = index(previous)?;
        let cur = index(current)?;
        let mut segments = Moves::new();
        let mut tiers = Moves::new();
        let mut new = Vec::new();
        for now in current {
            let Some(&i) = prev.get(&now.partner) else {
                new.push(now.partner.clone());
                continue;
            };
            let Some(then) = previous.get(i) else { continue };
            segments.matrix[then.segment.index()][now.segment.index()] += 1;
            tiers.matrix[then.tier.index()][now.tier.index()] += 1;
            let mv = |from, to| Move { partner: now.partner.clone(), from, to };
            match now.segment.cmp(&then.segment) {
                std::cmp::Ordering::Greater => segments.up.push(mv(then.segment, now.segment)),
                std::cmp::Ordering::Less => segments.down.push(mv(then.segment, now.segment)),
                std::cmp::Ordering::Equal => segments.unchanged += 1,
            }
            match now.tier.cmp(&then.tier) {
                std::cmp::Ordering::Greater => {
                    tiers.up.push(Move { partner: now.partner.clone(), from: then.tier, to: now.tier })
                }
                std::cmp::Ordering::Less => {
                    tiers.down.push(Move { partner: now.partner.clone(), from: then.tier, to: now.tier })
                }
                std::cmp::Ordering::Equal => tiers.unchanged += 1,
            }
        }
        let mut gone: Vec<PartnerId> =
            previous.iter().filter(|p| !cur.contains_key(&p.partner)).map(|p| p.partner.clone()).collect();
        new.sort_unstable();
        gone.sort_unstable();
        for list in [&mut segments.up, &mut segments.down] {
            list.sort_unstable_by(|a, b| a.partner.cmp(&b.partner));
        }
        for list in [&mut tiers.up, &mut tiers.down] {
            list.sort_unstable_by(|a, b| a.partner.cmp(&b.partner));
        }
        Ok(Migrations { segments, tiers, new, gone, span: None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_span_counts_whole_calendar_months() {
        let months = |a, b| Span::new(a, b).unwrap().months();
        assert_eq!(months(day(2025, 4, 1), day(2025, 7, 1)), 3);
        assert_eq!(months(day(2025, 1, 15), day(2025, 4, 14)), 2);
        assert_eq!(months(day(2025, 1, 15), day(2025, 4, 15)), 3);
        assert_eq!(months(day(2025, 1, 31), day(2025, 2, 28)), 1); // the end of a short month
        assert_eq!(months(day(2025, 1, 31), day(2025, 2, 27)), 0);
        assert_eq!(months(day(2024, 12, 31), day(2025, 1, 1)), 0);
        assert_eq!(Span::new(day(2024, 12, 31), day(2025, 1, 1)).unwrap().days(), 1);
        assert_eq!(Span::new(day(2025, 4, 1), day(2025, 7, 1)).unwrap().days(), 91);
    }

    #[test]
    fn a_span_is_longer_than_a_period_only_past_its_end() {
        let span = |a, b| Span::new(a, b).unwrap();
        let q = ReviewPeriod::Quarterly;
        assert!(!span(day(2025, 4, 1), day(2025, 7, 1)).is_longer_than(q));
        assert!(span(day(2025, 4, 1), day(2025, 7, 2)).is_longer_than(q));
        assert!(!span(day(2025, 4, 1), day(2025, 5, 1)).is_longer_than(q));
        assert!(span(day(2024, 10, 1), day(2025, 7, 1)).is_longer_than(ReviewPeriod::HalfYearly));
        assert!(!span(day(2024, 10, 1), day(2025, 7, 1)).is_longer_than(ReviewPeriod::Yearly));
    }

    #[test]
    fn a_span_must_go_forward() {
        assert!(matches!(
            Span::new(day(2025, 7, 1), day(2025, 7, 1)).unwrap_err().kind(),
            ErrorKind::InvalidValue { .. }
        ));
        assert!(Span::new(day(2025, 7, 2), day(2025, 7, 1)).is_err());
    }

    fn id(s: &str) -> PartnerId {
        PartnerId::new(s).unwrap()
    }

    #[test]
    fn new_gone_and_matrix_counts() {
        let before = vec![
            Placement::new(id("a"), Segment::A, Tier::Gold),
            Placement::new(id("b"), Segment::B, Tier::Silver),
            Placement::new(id("gone"), Segment::D, Tier::Beginner),
        ];
        let now = vec![
            Placement::new(id("b"), Segment::A, Tier::Silver),
            Placement::new(id("new"), Segment::C, Tier::Bronze),
            Placement::new(id("a"), Segment::B, Tier::Silver),
        ];
        let r = Migrations::between(&before, &now).unwrap();
        assert_eq!(r.new, [id("new")]);
        assert_eq!(r.gone, [id("gone")]);
        assert_eq!(r.continuing(), 2);
        assert_eq!(r.segments.up.len(), 1);
        assert_eq!(r.segments.down.len(), 1);
        assert_eq!(r.segments.down[0].partner, id("a"));
        assert_eq!(r.tiers.down.len(), 1);
        assert_eq!(r.tiers.unchanged, 1);
        assert_eq!(r.tiers.matrix[0][1], 1);
        assert_eq!(r.segments.matrix[1][0], 1);
        assert_eq!(r.tiers.matrix.iter().flatten().sum::<u64>(), 2);
    }

    #[test]
    fn a_partner_listed_twice_is_an_error() {
        let list =
            vec![Placement::new(id("a"), Segment::A, Tier::Gold), Placement::new(id("a"), Segment::B, Tier::Gold)];
        assert!(Migrations::between(&list, &[]).unwrap_err().is_duplicate());
        assert!(Migrations::between(&[], &list).unwrap_err().is_duplicate());
    }
}

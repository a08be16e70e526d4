//! Regular reporting: every partner's KPIs per month or per quarter.
//!
//! The article asks for "monthly or quarterly turnover reports for every
//! partner" with turnover, margin, number of deals and average deal, so that
//! problems are seen in time. A [`PeriodReport`] gives them for every
//! partner and every period of a window, with the change against the
//! previous period and against the same period a year before, and the
//! totals of any grouping of partners (segment, tier, region,
//! specialisation: see [`Portfolio::periods_by_segment`](crate::Portfolio::periods_by_segment)
//! and its siblings).
//!
//! It is built from the [`Ledger`] alone, so it works the same on invoice
//! lines and on monthly figures from a warehouse, and it is exact: sums are
//! integer sums of the ledger's minor units, and an amount out of
//! [`Decimal`]'s range is an [`Error`], never a rounded figure.
//!
//! Nothing is computed until asked for: the report reads the ledger partner
//! by partner ([`PeriodReport::partners`]), so a million partners need no
//! more memory than one.
//!
//! # Example
//!
//! ```
//! use partner_priority::ledger::MonthlyFigures;
//! use partner_priority::period::{Month, Window};
//! use partner_priority::ledger::periods::{Granularity, PeriodReport};
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId};
//!
//! let mut ledger = Ledger::new(Currency::RUB);
//! let dealer = PartnerId::new("D-1")?;
//! for (month, amount) in (1..=12).zip([90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200]) {
//!     let money = Money::new(Decimal::from(amount * 1000), Currency::RUB);
//!     let figures = MonthlyFigures::new(dealer.clone(), Month::new(2025, month)?, money)
//!         .with_deals(2)
//!         .with_margin(Decimal::from(amount * 150));
//!     ledger.add_monthly(figures)?;
//! }
//! let window = Window::new(Month::new(2025, 4)?, Month::new(2025, 12)?)?;
//! let report = PeriodReport::new(&ledger, window, Granularity::Quarterly);
//! let periods = report.partner(&dealer)?.unwrap();
//! let q4 = &periods.periods()[2];
//! assert_eq!(q4.period.to_string(), "2025-Q4");
//! assert_eq!(q4.turnover, Decimal::from(570_000));
//! assert_eq!(q4.average_deal(), Some(Decimal::from(95_000)));
//! assert_eq!(q4.margin_rate(), Some(Decimal::new(15, 2)));
//! // Q3 had 480 000: +90 000, +18.75 %.
//! let change = q4.vs_previous.unwrap();
//! assert_eq!((change.absolute, change.ratio), (Decimal::from(90_000), Some(Decimal::new(1875, 4))));
//! // 2024-Q4 is before the ledger's data: no base to compare with.
//! assert!(q4.vs_year_before.is_none());
//! # Ok::<(), partner_priority::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::fmt::Write as _;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::error::{Error, Result};
use crate::ledger::{Cell, Ledger, Row};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::{Month, Window};

/// How long a reporting period is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Granularity {
    /// Calendar months, written `2026-03`. This is the default.
    #[default]
    Monthly,
    /// Calendar quarters (January–March is Q1), written `2026-Q1`.
    Quarterly,
}

impl Granularity {
    /// The length of a period in months (1 or 3).
    #[must_use]
    pub fn months(&self) -> u32 {
        match self {
            Granularity::Monthly => 1,
            Granularity::Quarterly => 3,
        }
    }

    /// The index of the period that holds month index `m`.
    fn period_of(self, m: i32) -> i32 {
        match self {
            Granularity::Monthly => m,
            Granularity::Quarterly => m.div_euclid(3),
        }
    }
}

impl FromStr for Granularity {
    type Err = Error;

    /// Parses `monthly` or `quarterly`.
    fn from_str(s: &str) -> Result<Granularity> {
        match s {
            "monthly" => Ok(Granularity::Monthly),
            "quarterly" => Ok(Granularity::Quarterly),
            _ => Err(Error::value("granularity", s, "expected monthly or quarterly")),
        }
    }
}

/// A reporting period: a calendar month or a calendar quarter.
///
/// Periods order chronologically. Their text form is `2026-03` for a month
/// and `2026-Q1` for a quarter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    first: Month,
    granularity: Granularity,
}

impl Period {
    /// The period of `granularity` that holds `month`.
    #[must_use]
    pub fn of(month: Month, granularity: Granularity) -> Period {
        let back = month.index() - granularity.period_of(month.index()) * granularity.months() as i32;
        let first = Month::from_index(month.index() - back).unwrap_or(month);
        Period { first, granularity }
    }

    /// The first month of the period.
    #[must_use]
    pub fn first(&self) -> Month {
        self.first
    }

    /// The last month of the period (capped at [`Month::MAX`]).
    #[must_use]
    pub fn last(&self) -> Month {
        self.first.checked_add(self.granularity.months() as i32 - 1).unwrap_or(Month::MAX)
    }

    /// Monthly or quarterly.
    #[must_use]
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.granularity {
            Granularity::Monthly => write!(f, "{}", self.first),
            Granularity::Quarterly => {
                let year = self.first.year();
                let q = (self.first.month() - 1) / 3 + 1;
                if (0..=9999).contains(&year) { write!(f, "{year:04}-Q{q}") } else { write!(f, "{year:+}-Q{q}") }
            }
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Period {
    /// As its text form (`2026-03`, `2026-Q1`).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A change of turnover against a base period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Change {
    /// The base period's net turnover.
    pub base: Decimal,
    /// This period's net turnover minus the base.
    pub absolute: Decimal,
    /// The change as a share of the base's absolute value (0.15 = +15 %),
    /// truncated to 18 decimal places as every share of the crate; `None`
    /// when the base is zero (growth from nothing has no percentage).
    pub ratio: Option<Decimal>,
}

/// One period's KPIs, of a partner or of a group of partners.
///
/// A period at the edge of the window that only partly overlaps it (a
/// quarter of a window that starts in February) counts the window's months
/// only; [`months`](PeriodFigures::months) says how many, and its
/// comparisons use the same months one period and one year earlier.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct PeriodFigures {
    /// The period.
    pub period: Period,
    /// How many of the period's months lie in the window (1 to 3).
    pub months: u32,
    /// Net turnover: invoices plus credit notes.
    pub turnover: Decimal,
    /// The credit-note total (zero or negative), already part of `turnover`.
    pub credit_notes: Decimal,
    /// The number of credit notes.
    pub credit_note_count: u64,
    /// The margin of the lines that carried one.
    pub margin: Decimal,
    /// True if every line of the period carried a margin (or cost).
    pub margin_complete: bool,
    /// The number of deals (invoices).
    pub deals: u64,
    /// Against the previous period (the same months one period earlier);
    /// `None` when those months lie before the ledger's first month with
    /// data.
    pub vs_previous: Option<Change>,
    /// Against the same period a year before; `None` when it lies before
    /// the ledger's first month with data.
    pub vs_year_before: Option<Change>,
}

impl PeriodFigures {
    /// The invoiced amount before credit notes (`turnover - credit_notes`).
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        self.turnover.checked_sub(self.credit_notes).unwrap_or(Decimal::MAX)
    }

    /// The average deal: the invoiced amount divided by the number of
    /// deals; `None` without deals.
    #[must_use]
    pub fn average_deal(&self) -> Option<Decimal> {
        if self.deals == 0 {
            return None;
        }
        self.invoiced().checked_div(Decimal::from(self.deals))
    }

    /// The average deal rounded to `scale` places, as the report writes it.
    pub(crate) fn rounded_average_deal(&self, scale: u32) -> Option<Decimal> {
        self.average_deal().map(|a| a.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The margin as a share of net turnover (0.15 = 15 %); `None` when the
    /// turnover is not positive or the margin is incomplete (some lines
    /// carried none, so the share would be too low).
    #[must_use]
    pub fn margin_rate(&self) -> Option<Decimal> {
        if self.turnover <= Decimal::ZERO || !self.margin_complete {
            return None;
        }
        self.margin.checked_div(self.turnover)
    }
}

/// One partner's periods, first to last.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PartnerPeriods {
    partner: PartnerId,
    periods: Vec<PeriodFigures>,
}

impl PartnerPeriods {
    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// One entry per period of the report, first to last (zeros where there
    /// was no data).
    #[must_use]
    pub fn periods(&self) -> &[PeriodFigures] {
        &self.periods
    }

    /// The last `n` periods (all of them if there are fewer).
    #[must_use]
    pub fn last(&self, n: usize) -> &[PeriodFigures] {
        let len = self.periods.len();
        self.periods.get(len.saturating_sub(n)..).unwrap_or_default()
    }
}

/// The totals of a group of partners per period.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GroupPeriods<K> {
    key: K,
    partners: u64,
    periods: Vec<PeriodFigures>,
}

impl<K> GroupPeriods<K> {
    /// What the group's partners share (a segment, a tier, a region).
    #[must_use]
    pub fn key(&self) -> &K {
        &self.key
    }

    /// The number of partners in the group.
    #[must_use]
    pub fn partners(&self) -> u64 {
        self.partners
    }

    /// The group's sums per period, first to last (a margin is complete
    /// only if every partner's is; changes compare the group's sums).
    #[must_use]
    pub fn periods(&self) -> &[PeriodFigures] {
        &self.periods
    }
}

/// A share as the report writes it: in percent, rounded to two places.
pub(crate) fn percent(share: Option<Decimal>) -> Option<Decimal> {
    share
        .and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
        .map(|p| p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The columns of [`PeriodReport::write_csv`], in order.
pub const CSV_HEADER: [&str; 13] = [
    "partner_id",
    "period",
    "turnover",
    "margin",
    "deals",
    "average_deal",
    "margin_pct",
    "credit_notes",
    "credit_note_count",
    "change_prev",
    "change_prev_pct",
    "change_year",
    "change_year_pct",
];

/// A text field of a CSV row, quoted when it holds a comma, a quote or a
/// line break (as the `csv` crate writes it).
pub(crate) fn csv_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        std::borrow::Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Every partner's KPIs per month or quarter of a window, read from a
/// ledger when asked for. See the [module](self) documentation.
#[derive(Clone, Debug)]
pub struct PeriodReport<'a> {
    ledger: &'a Ledger,
    window: Window,
    granularity: Granularity,
    /// The ledger's first month with data (index), if any.
    data_from: Option<i32>,
    /// The periods of the report, first to last.
    periods: Vec<Period>,
}

/// Sums of one period in minor units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Acc {
    turnover: i128,
    credit_notes: i128,
    margin: i128,
    previous: i128,
    year_before: i128,
    deals: u64,
    credit_note_count: u64,
    margin_missing: u64,
}

impl Acc {
    fn add(&mut self, other: &Acc) -> Result<()> {
        let sum = |a: i128, b: i128| a.checked_add(b).ok_or_else(|| Error::overflow("a period total"));
        let count = |a: u64, b: u64| a.checked_add(b).ok_or_else(|| Error::overflow("a period count"));
        self.turnover = sum(self.turnover, other.turnover)?;
        self.credit_notes = sum(self.credit_notes, other.credit_notes)?;
        self.margin = sum(self.margin, other.margin)?;
        self.previous = sum(self.previous, other.previous)?;
        self.year_before = sum(self.year_before, other.year_before)?;
        self.deals = count(self.deals, other.deals)?;
        self.credit_note_count = count(self.credit_note_count, other.credit_note_count)?;
        self.margin_missing = count(self.margin_missing, other.margin_missing)?;
        Ok(())
    }
}

impl<'a> PeriodReport<'a> {
    /// The report of every partner of `ledger` per period of `granularity`
    /// over `window`. Nothing is read until asked for.
    #[must_use]
    pub fn new(ledger: &'a Ledger, window: Window, granularity: Granularity) -> PeriodReport<'a> {
        let data_from = ledger.first_month_index();
        let g = granularity;
        let (first, last) = (g.period_of(window.first().index()), g.period_of(window.last().index()));
        let periods = (first..=last)
            .filter_map(|p| Month::from_index(p * g.months() as i32))
            .map(|m| Period { first: m, granularity: g })
            .collect();
        PeriodReport { ledger, window, granularity, data_from, periods }
    }

    /// The window.
    #[must_use]
    pub fn window(&self) -> Window {
        self.window
    }

    /// Monthly or quarterly.
    #[must_use]
    pub fn granularity(&self) -> Granularity {
        self.granularity
    }

    /// The ledger's scale (decimal places of its amounts).
    pub(crate) fn scale(&self) -> u32 {
        self.ledger.scale()
    }

    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.ledger.currency()
    }

    /// The periods of the report, first to last: every period that overlaps
    /// the window.
    #[must_use]
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// One partner's periods, or `None` if the ledger has no data for the
    /// partner at all.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of [`Decimal`]'s range.
    pub fn partner(&self, partner: &PartnerId) -> Result<Option<PartnerPeriods>> {
        let Some(row) = self.ledger.row(partner.as_str()) else { return Ok(None) };
        let mut acc = Vec::new();
        self.accumulate(row, &mut acc);
        Ok(Some(PartnerPeriods { partner: row.id.clone(), periods: self.figures(&acc)? }))
    }

    /// Every partner's periods, sorted by partner id, one partner at a time
    /// (partners without data in the window get zeros).
    ///
    /// Each item is a `Result`: an amount out of [`Decimal`]'s range is an
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) for that partner.
    pub fn partners(&self) -> impl Iterator<Item = Result<PartnerPeriods>> + '_ {
        let mut rows: Vec<&Row> = self.ledger.rows().iter().collect();
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        let mut acc = Vec::new();
        rows.into_iter().map(move |row| {
            self.accumulate(row, &mut acc);
            let periods = self.figures(&acc).map_err(|e| e.for_partner(&row.id))?;
            Ok(PartnerPeriods { partner: row.id.clone(), periods })
        })
    }

    /// The sums per period of the partners `key` puts in the same group,
    /// ordered by key; partners for which it gives `None` are left out.
    ///
    /// [`Portfolio::periods_by_segment`](crate::Portfolio::periods_by_segment),
    /// `periods_by_tier`, `periods_by_region` and
    /// `periods_by_specialisation` group by a review's results.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range; [`ErrorKind::ThreadPool`](crate::ErrorKind::ThreadPool) if
    /// the `parallel` feature's pool cannot start.
    pub fn totals_by<K, F>(&self, key: F) -> Result<Vec<GroupPeriods<K>>>
    where
        K: Ord + Send,
        F: Fn(&PartnerId) -> Option<K> + Sync + Send,
    {
        self.totals_by_row(|_, id| key(id))
    }

    /// [`totals_by`](Self::totals_by) with the key of each partner given
    /// its row's position in the ledger as well.
    pub(crate) fn totals_by_row<K, F>(&self, key: F) -> Result<Vec<GroupPeriods<K>>>
    where
        K: Ord + Send,
        F: Fn(usize, &PartnerId) -> Option<K> + Sync + Send,
    {
        // Each share of the partners (on its own core with the `parallel`
        // feature) sums into groups of its own; the shares' groups are
        // then added up in order.
        const SHARE: usize = 1 << 14;
        let chunks: Vec<(usize, &[Row])> = self.ledger.rows().chunks(SHARE).enumerate().collect();
        let partial = crate::util::par::map(&chunks, |&(c, chunk)| -> Result<BTreeMap<K, (u64, Vec<Acc>)>> {
            let mut groups: BTreeMap<K, (u64, Vec<Acc>)> = BTreeMap::new();
            let mut acc = Vec::new();
            for (k, row) in chunk.iter().enumerate() {
                let Some(k) = key(c * SHARE + k, &row.id) else { continue };
                self.accumulate(row, &mut acc);
                let (count, sums) = groups.entry(k).or_insert_with(|| (0, vec![Acc::default(); acc.len()]));
                *count += 1;
                for (s, a) in sums.iter_mut().zip(&acc) {
                    s.add(a)?;
                }
            }
            Ok(groups)
        })?;
        let mut groups: BTreeMap<K, (u64, Vec<Acc>)> = BTreeMap::new();
        for part in partial {
            for (k, (count, sums)) in part? {
                match groups.get_mut(&k) {
                    Some((c, total)) => {
                        *c += count;
                        for (s, a) in total.iter_mut().zip(&sums) {
                            s.add(a)?;
                        }
                    }
                    None => {
                        groups.insert(k, (count, sums));
                    }
                }
            }
        }
        groups
            .into_iter()
            .map(|(key, (partners, sums))| Ok(GroupPeriods { key, partners, periods: self.figures(&sums)? }))
            .collect()
    }

    /// The sums per period of the whole network.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn network(&self) -> Result<GroupPeriods<()>> {
        let mut all = self.totals_by(|_| Some(()))?;
        match all.pop() {
            Some(g) => Ok(g),
            None => {
                let empty = vec![Acc::default(); self.periods().len()];
                Ok(GroupPeriods { key: (), partners: 0, periods: self.figures(&empty)? })
            }
        }
    }

    /// Writes the report as CSV: the header [`CSV_HEADER`], then one row per
    /// partner and period, partners sorted by id, periods first to last.
    ///
    /// Amounts are exact, at the ledger's scale; the average deal is rounded
    /// half away from zero to the ledger's scale; percentages (margin %,
    /// change %) are rounded half away from zero to two places. An empty
    /// field is a figure that does not exist: no average without deals, no
    /// margin % without positive turnover and a complete margin, no change
    /// without a base in the data, no change % from a zero base.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails,
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range (both naming the partner).
    pub fn write_csv<W: std::io::Write>(&self, mut out: W) -> Result<()> {
        let mut line = CSV_HEADER.join(",");
        line.push('\n');
        out.write_all(line.as_bytes()).map_err(Error::from)?;
        let scale = self.scale();
        let pct = |r: Option<Decimal>| -> String { percent(r).map(|p| p.to_string()).unwrap_or_default() };
        for partner in self.partners() {
            let partner = partner?;
            let id = csv_text(partner.partner().as_str());
            for f in partner.periods() {
                line.clear();
                let avg = f.rounded_average_deal(scale).map(|a| a.to_string()).unwrap_or_default();
                let change = |c: Option<Change>| match c {
                    Some(c) => (c.absolute.to_string(), pct(c.ratio)),
                    None => (String::new(), String::new()),
                };
                let (prev, prev_pct) = change(f.vs_previous);
                let (year, year_pct) = change(f.vs_year_before);
                let _ = writeln!(
                    line,
                    "{id},{},{},{},{},{avg},{},{},{},{prev},{prev_pct},{year},{year_pct}",
                    f.period,
                    f.turnover,
                    f.margin,
                    f.deals,
                    pct(f.margin_rate()),
                    f.credit_notes,
                    f.credit_note_count,
                );
                out.write_all(line.as_bytes()).map_err(|e| Error::from(e).for_partner(partner.partner()))?;
            }
        }
        out.flush().map_err(Error::from)
    }

    /// Sums a row's cells into one [`Acc`] per period (`acc` is reused).
    fn accumulate(&self, row: &Row, acc: &mut Vec<Acc>) {
        let g = self.granularity;
        let (first, last) = (self.window.first().index(), self.window.last().index());
        let p0 = g.period_of(first);
        let count = (g.period_of(last) - p0 + 1) as usize;
        acc.clear();
        acc.resize(count, Acc::default());
        let step = g.months() as i32;
        let from = first - step.max(12);
        let start = row.cells_from(from);
        let slot = |m: i32| -> Option<usize> { (first..=last).contains(&m).then(|| (g.period_of(m) - p0) as usize) };
        for cell in row.cells.get(start..).unwrap_or_default() {
            let m = cell.month;
            if m > last {
                break;
            }
            add_cell(acc, slot(m), cell, slot(m + step), slot(m + 12));
        }
    }

    /// The figures of the period sums, checked against Decimal's range.
    fn figures(&self, acc: &[Acc]) -> Result<Vec<PeriodFigures>> {
        let scale = self.ledger.scale();
        let dec = |v: i128, what: &'static str| {
            Decimal::try_from_i128_with_scale(v, scale).map_err(|_| Error::overflow(what))
        };
        let g = self.granularity;
        let (first, last) = (self.window.first().index(), self.window.last().index());
        let step = g.months() as i32;
        self.periods
            .iter()
            .copied()
            .zip(acc)
            .map(|(period, a)| {
                let p_first = period.first.index().max(first);
                let p_last = period.last().index().min(last);
                let turnover = dec(a.turnover, "a period's turnover")?;
                let change = |base: i128, shift: i32| -> Result<Option<Change>> {
                    if self.data_from.is_none_or(|from| p_first - shift < from) {
                        return Ok(None);
                    }
                    let absolute = a.turnover.checked_sub(base).ok_or_else(|| Error::overflow("a period's change"))?;
                    let ratio = (base != 0).then(|| crate::util::exact::ratio(absolute, base.abs()));
                    Ok(Some(Change {
                        base: dec(base, "a period's base")?,
                        absolute: dec(absolute, "a period's change")?,
                        ratio,
                    }))
                };
                Ok(PeriodFigures {
                    period,
                    months: (p_last - p_first + 1) as u32,
                    turnover,
                    credit_notes: dec(a.credit_notes, "a period's credit notes")?,
                    credit_note_count: a.credit_note_count,
                    margin: dec(a.margin, "a period's margin")?,
                    margin_complete: a.margin_missing == 0,
                    deals: a.deals,
                    vs_previous: change(a.previous, step)?,
                    vs_year_before: change(a.year_before, 12)?,
                })
            })
            .collect()
    }
}

/// Adds one month's cell to the period that holds it, and to the bases of
/// the periods one period and one year later.
fn add_cell(acc: &mut [Acc], own: Option<usize>, cell: &Cell, next: Option<usize>, year: Option<usize>) {
    // At most 1212 cells of i64 per partner: the i128 sums cannot overflow.
    if let Some(a) = own.and_then(|i| acc.get_mut(i)) {
        a.turnover += i128::from(cell.turnover);
        a.credit_notes += i128::from(cell.credit_notes);
        a.margin += i128::from(cell.margin);
        a.deals += u64::from(cell.deals);
        a.credit_note_count += u64::from(cell.credit_note_count);
        a.margin_missing += u64::from(cell.margin_missing);
    }
    if let Some(a) = next.and_then(|i| acc.get_mut(i)) {
        a.previous += i128::from(cell.turnover);
    }
    if let Some(a) = year.and_then(|i| acc.get_mut(i)) {
        a.year_before += i128::from(cell.turnover);
    }
}

#[cfg(test)]
mod tests;

//! The network month by month: the figures of the dynamics charts, and the
//! charts (turnover by segment, stacked; by tier, as lines; a sparkline per
//! top partner).

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;

use super::svg::*;
use crate::error::Result;
use crate::lang::{Catalogue, Label};
use crate::ledger::Ledger;
use crate::ledger::periods::{Granularity, PeriodReport};
use crate::money::Currency;
use crate::pareto::Segment;
use crate::partner::PartnerId;
use crate::period::{Month, Window};
use crate::review::Portfolio;
use crate::tier::Tier;

/// The monthly figures of the report's dynamics charts, read from the
/// ledger a review was made from: the network's turnover per month of the
/// review window by segment and by tier (each partner in its segment and
/// tier of this review), and the last 12 months of each partner in the top
/// list.
///
/// The page shows these charts only when the options carry a `Dynamics`
/// ([`ReportOptions::with_dynamics`](super::ReportOptions::with_dynamics)).
/// The network's series come from the sums the review made as it went (a
/// dozen additions per partner), so they cost no second pass over the
/// ledger; for a portfolio read back from its JSON, which has no such sums,
/// they are summed from `ledger`, with the same result. Either way `ledger`
/// must be the ledger the portfolio is the review of.
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::report::{self, Dynamics, ReportOptions};
/// use partner_priority::rust_decimal::Decimal;
/// use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// for m in 1..=12 {
///     let date = NaiveDate::from_ymd_opt(2025, m, 10).unwrap();
///     for (dealer, amount) in [("D-1", 700_000 + 10_000 * i64::from(m)), ("D-2", 90_000)] {
///         ledger.record(Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
///     }
/// }
/// let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).run(&Policy::default())?;
/// let dynamics = Dynamics::new(&ledger, &portfolio, 20)?;
/// assert_eq!(dynamics.months().len(), 12);
/// assert_eq!(dynamics.partner("D-2").unwrap()[0], Decimal::from(90_000));
/// let html = report::html(&portfolio, &ReportOptions::default().with_dynamics(dynamics));
/// assert!(html.contains("class=\"chart chart-segment-months\""));
/// assert!(html.contains("class=\"spark\""));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dynamics {
    currency: Currency,
    months: Vec<Month>,
    segments: Vec<(Segment, Vec<Decimal>)>,
    tiers: Vec<(Tier, Vec<Decimal>)>,
    /// Sorted by partner id.
    partners: Vec<(PartnerId, Vec<Decimal>)>,
}

impl Dynamics {
    /// The figures of `portfolio` (the review of `ledger`): the network by
    /// segment and by tier over the review window, and the last 12 months
    /// of the first `top` partners by priority (pass the report's
    /// [`top`](super::ReportOptions::top)).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`](crate::ErrorKind::Overflow) if a sum is out
    /// of range.
    pub fn new(ledger: &Ledger, portfolio: &Portfolio, top: usize) -> Result<Dynamics> {
        let window = portfolio.window();
        let months: Vec<Month> = window.months().collect();
        let (segments, tiers) = match portfolio.network_months() {
            // The review summed the network month by month as it went.
            Some(network) => (network.by_segment(ledger.scale())?, network.by_tier(ledger.scale())?),
            // A portfolio read back from its JSON: one pass over the ledger.
            None => Dynamics::network(ledger, portfolio)?,
        };
        // The last 12 months of the window (fewer if it is shorter).
        let last = window.last();
        let first = last.checked_add(-11).ok().filter(|m| *m > window.first()).unwrap_or(window.first());
        let last12 = Window::new(first, last)?;
        let mut partners = Vec::new();
        for a in portfolio.top(top) {
            if let Some(t) = ledger.turnover(a.id(), last12) {
                partners.push((a.id().clone(), t.months().iter().map(|f| f.turnover).collect()));
            }
        }
        partners.sort_by(|a: &(PartnerId, Vec<Decimal>), b| a.0.cmp(&b.0));
        Ok(Dynamics { currency: ledger.currency(), months, segments, tiers, partners })
    }

    /// The network's monthly turnover by segment and by tier, from the
    /// ledger.
    #[allow(clippy::type_complexity)]
    fn network(
        ledger: &Ledger,
        portfolio: &Portfolio,
    ) -> Result<(Vec<(Segment, Vec<Decimal>)>, Vec<(Tier, Vec<Decimal>)>)> {
        let report = PeriodReport::new(ledger, portfolio.window(), Granularity::Monthly);
        // A review of this ledger built its assessments in the ledger's
        // order of partners: each partner's is then found at its own
        // position, without a lookup (which costs more than the sums).
        let built = portfolio.unordered();
        let groups = report.totals_by_row(|i, id| {
            let a = match built.get(i) {
                Some(a) if a.id() == id => Some(a),
                _ => portfolio.get(id.as_str()),
            };
            a.map(|a| (a.segment(), a.tier()))
        })?;
        let mut segments: Vec<(Segment, Vec<Decimal>)> = Vec::new();
        let mut tiers: Vec<(Tier, Vec<Decimal>)> = Vec::new();
        for g in &groups {
            let (segment, tier) = *g.key();
            let values: Vec<Decimal> = g.periods().iter().map(|f| f.turnover).collect();
            add_into(&mut segments, segment, &values)?;
            add_into(&mut tiers, tier, &values)?;
        }
        segments.sort_by_key(|(s, _)| Segment::ALL.iter().position(|x| x == s));
        tiers.sort_by_key(|(t, _)| Tier::ALL.iter().position(|x| x == t));
        Ok((segments, tiers))
    }

    /// The months of the review window, first to last.
    #[must_use]
    pub fn months(&self) -> &[Month] {
        &self.months
    }

    /// The network's turnover per month of each segment with partners (A
    /// first).
    #[must_use]
    pub fn segments(&self) -> &[(Segment, Vec<Decimal>)] {
        &self.segments
    }

    /// The network's turnover per month of each tier with partners (Gold
    /// first).
    #[must_use]
    pub fn tiers(&self) -> &[(Tier, Vec<Decimal>)] {
        &self.tiers
    }

    /// A top partner's turnover in each of the last 12 months of the window
    /// (fewer if the window is shorter), or `None` for a partner outside the
    /// top list.
    #[must_use]
    pub fn partner(&self, partner: &str) -> Option<&[Decimal]> {
        let i = self.partners.binary_search_by(|(id, _)| id.as_str().cmp(partner)).ok()?;
        self.partners.get(i).map(|(_, v)| v.as_slice())
    }

    /// The months of [`partner`](Dynamics::partner)'s figures.
    fn last_months(&self) -> &[Month] {
        let n = self.months.len();
        self.months.get(n.saturating_sub(12)..).unwrap_or_default()
    }
}

/// Adds `values` to the series of `key` (a new series if there is none).
fn add_into<K: PartialEq>(series: &mut Vec<(K, Vec<Decimal>)>, key: K, values: &[Decimal]) -> Result<()> {
    match series.iter_mut().find(|(k, _)| *k == key) {
        Some((_, sums)) => {
            for (s, v) in sums.iter_mut().zip(values) {
                *s = s.checked_add(*v).ok_or_else(|| crate::error::Error::overflow("a monthly total"))?;
            }
        }
        None => series.push((key, values.to_vec())),
    }
    Ok(())
}

/// A step of 1, 2, 2.5 or 5 × 10ⁿ that covers `max` in at most four steps,
/// and the number of steps.
fn nice_scale(max: Decimal) -> (Decimal, i64) {
    if max <= Decimal::ZERO {
        return (Decimal::ONE, 1);
    }
    let mut unit = Decimal::ONE;
    while unit * Decimal::TEN <= max && unit < Decimal::from(1_000_000_000_000_000_000i64) {
        unit *= Decimal::TEN;
    }
    while unit > max && unit > Decimal::new(1, 6) {
        unit /= Decimal::TEN;
    }
    for m in
        [Decimal::new(25, 2), Decimal::new(5, 1), Decimal::ONE, Decimal::TWO, Decimal::new(25, 1), Decimal::from(5)]
    {
        let step = unit * m;
        let steps = (max / step).ceil();
        if steps <= Decimal::from(4) {
            return (step, steps.try_into().unwrap_or(4));
        }
    }
    (unit * Decimal::TEN, 1)
}

/// The month labels under a chart: every month up to 12, else every
/// second, third… so that they do not touch.
fn month_labels(out: &mut String, f: &Frame, months: &[Month], x_of: &dyn Fn(usize) -> i64) -> fmt::Result {
    let every = months.len().div_ceil(12).max(1);
    for (i, m) in months.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\" font-size=\"11\">{m}</text>",
            Px(x_of(i)),
            Px(f.bottom() + 170)
        )?;
    }
    Ok(())
}

/// Horizontal grid lines with compact amounts from `lo` up in `steps`
/// steps of `step`; returns nothing, draws into `out`.
fn value_grid(
    out: &mut String,
    f: &Frame,
    (lo, step, steps): (Decimal, Decimal, i64),
    words: &dyn Catalogue,
    currency: Currency,
) -> fmt::Result {
    out.push_str("<g class=\"grid\">");
    let span = step * Decimal::from(steps);
    for k in 0..=steps {
        let v = lo + step * Decimal::from(k);
        let y = f.bottom() - part(ratio(v - lo, span), f.height);
        let colour = if v.is_zero() { "#aab3be" } else { GRID };
        write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{MUTED}\" font-size=\"11\">{}</text>",
            Px(f.left),
            Px(y),
            Px(f.right()),
            Px(y),
            Px(f.left - 80),
            Px(y + 40),
            Esc(&compact(words, v, currency))
        )?;
    }
    out.push_str("</g>");
    Ok(())
}

/// A legend in one row above the plot: a swatch and a name per series.
fn legend(out: &mut String, f: &Frame, items: &[(&str, String)]) -> fmt::Result {
    let mut x = f.left;
    for (colour, name) in items {
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\" fill=\"{colour}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            Px(x),
            Px(f.top - 270),
            Px(x + 170),
            Px(f.top - 165),
            Esc(name)
        )?;
        x += 170 + text_width(name, 12) * 10 + 220;
    }
    Ok(())
}

const CHART: (i64, i64) = (740, 300);

fn chart_frame() -> Frame {
    Frame { left: 820, top: 700, width: 7400 - 820 - 200, height: 3000 - 700 - 420 }
}

/// The network's turnover per month, stacked by segment (negative months
/// of a segment count as zero in the stack).
pub(super) fn write_segment_months(out: &mut String, d: &Dynamics, words: &dyn Catalogue) -> fmt::Result {
    svg_open(out, CHART, words, Label::SegmentMonthsTitle, "chart chart-segment-months")?;
    let f = chart_frame();
    write!(
        out,
        "<text x=\"0\" y=\"18\" font-size=\"13\" font-weight=\"700\">{}</text>",
        Text(words.label(Label::SegmentMonthsTitle))
    )?;
    let n = d.months.len();
    let stack: Vec<Decimal> = (0..n)
        .map(|i| d.segments.iter().filter_map(|(_, v)| v.get(i)).map(|v| (*v).max(Decimal::ZERO)).sum())
        .collect();
    let max = stack.iter().copied().max().unwrap_or(Decimal::ZERO);
    if max <= Decimal::ZERO {
        no_data(out, &f, words)?;
        return out.write_str("</svg>");
    }
    let (step, steps) = nice_scale(max);
    let top = step * Decimal::from(steps);
    value_grid(out, &f, (Decimal::ZERO, step, steps), words, d.currency)?;
    let slot = f.width / i64::try_from(n.max(1)).unwrap_or(1);
    let bar = slot * 7 / 10;
    let x_of = |i: usize| f.left + slot * i64::try_from(i).unwrap_or(0) + slot / 2;
    for i in 0..n {
        let mut base = Decimal::ZERO;
        for (segment, values) in &d.segments {
            let v = values.get(i).copied().unwrap_or(Decimal::ZERO).max(Decimal::ZERO);
            if v.is_zero() {
                continue;
            }
            let y0 = f.bottom() - part(ratio(base, top), f.height);
            let y1 = f.bottom() - part(ratio(base + v, top), f.height);
            write!(
                out,
                "<rect class=\"seg-{segment}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{} {segment} \
                 {}: {}</title></rect>",
                Px(x_of(i) - bar / 2),
                Px(y1),
                Px(bar),
                Px((y0 - y1).max(0)),
                segment_colour(*segment),
                d.months[i],
                Esc(words.segment(*segment)),
                Esc(&compact(words, v, d.currency))
            )?;
            base += v;
        }
    }
    month_labels(out, &f, &d.months, &x_of)?;
    let items: Vec<(&str, String)> =
        d.segments.iter().map(|(s, _)| (segment_colour(*s), format!("{s} {}", words.segment(*s)))).collect();
    legend(out, &f, &items)?;
    out.write_str("</svg>")
}

/// The network's turnover per month of each tier, as lines.
pub(super) fn write_tier_months(out: &mut String, d: &Dynamics, words: &dyn Catalogue) -> fmt::Result {
    svg_open(out, CHART, words, Label::TierMonthsTitle, "chart chart-tier-months")?;
    let f = chart_frame();
    write!(
        out,
        "<text x=\"0\" y=\"18\" font-size=\"13\" font-weight=\"700\">{}</text>",
        Text(words.label(Label::TierMonthsTitle))
    )?;
    let n = d.months.len();
    let all = d.tiers.iter().flat_map(|(_, v)| v.iter().copied());
    let (lo, hi) = all.fold((Decimal::ZERO, Decimal::ZERO), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if hi <= Decimal::ZERO {
        no_data(out, &f, words)?;
        return out.write_str("</svg>");
    }
    let (step, up) = nice_scale(hi);
    let down = if lo < Decimal::ZERO { (-lo / step).ceil().try_into().unwrap_or(1) } else { 0i64 };
    let lo = -step * Decimal::from(down);
    let span = step * Decimal::from(up + down);
    value_grid(out, &f, (lo, step, up + down), words, d.currency)?;
    let slot = f.width / i64::try_from(n.max(1)).unwrap_or(1);
    let x_of = |i: usize| f.left + slot * i64::try_from(i).unwrap_or(0) + slot / 2;
    for (tier, values) in &d.tiers {
        let pts: Vec<(i64, i64)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (x_of(i), f.bottom() - part(ratio(*v - lo, span), f.height)))
            .collect();
        let colour = tier_colour(*tier);
        write!(
            out,
            "<g class=\"tier-line\"><polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\" points=\""
        )?;
        points(out, &pts)?;
        out.push_str("\"/>");
        for ((x, y), (v, m)) in pts.iter().zip(values.iter().zip(&d.months)) {
            write!(
                out,
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"><title>{m} {}: {}</title></circle>",
                Px(*x),
                Px(*y),
                Esc(words.tier(*tier)),
                Esc(&compact(words, *v, d.currency))
            )?;
        }
        out.push_str("</g>");
    }
    month_labels(out, &f, &d.months, &x_of)?;
    let items: Vec<(&str, String)> =
        d.tiers.iter().map(|(t, _)| (tier_colour(*t), words.tier(*t).to_owned())).collect();
    legend(out, &f, &items)?;
    out.write_str("</svg>")
}

/// A partner's last 12 months as a small line (132 × 30), with its first
/// and last month in the title. The scale runs from zero (or the lowest
/// month, if negative) to the highest month.
pub(super) fn write_sparkline(out: &mut String, d: &Dynamics, partner: &str, words: &dyn Catalogue) -> fmt::Result {
    let Some(values) = d.partner(partner) else { return Ok(()) };
    let months = d.last_months();
    let (w, h, pad) = (1320i64, 300i64, 30i64);
    let lo = values.iter().copied().min().unwrap_or(Decimal::ZERO).min(Decimal::ZERO);
    let hi = values.iter().copied().max().unwrap_or(Decimal::ZERO);
    let span = hi - lo;
    let n = i64::try_from(values.len()).unwrap_or(1);
    let x_of = |i: usize| pad + (w - 2 * pad) * i64::try_from(i).unwrap_or(0) / (n - 1).max(1);
    let y_of = |v: Decimal| h - pad - part(ratio(v - lo, span), h - 2 * pad);
    let title = match (months.first().zip(values.first()), months.last().zip(values.last())) {
        (Some((m0, v0)), Some((m1, v1))) => format!(
            "{}: {m0} {} → {m1} {}",
            words.label(Label::LastTwelveMonths),
            compact(words, *v0, d.currency),
            compact(words, *v1, d.currency)
        ),
        _ => words.label(Label::LastTwelveMonths).to_owned(),
    };
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spark\" width=\"132\" height=\"30\" viewBox=\"0 0 132 30\" \
         role=\"img\"><title>{}</title><line x1=\"0\" y1=\"{}\" x2=\"132\" y2=\"{}\" stroke=\"{GRID}\"/>\
         <polyline fill=\"none\" stroke=\"#1f5fae\" stroke-width=\"1.5\" points=\"",
        Esc(&title),
        Px(y_of(Decimal::ZERO)),
        Px(y_of(Decimal::ZERO)),
    )?;
    let pts: Vec<(i64, i64)> = values.iter().enumerate().map(|(i, v)| (x_of(i), y_of(*v))).collect();
    points(out, &pts)?;
    out.push_str("\"/>");
    if let Some((x, y)) = pts.last() {
        write!(out, "<circle cx=\"{}\" cy=\"{}\" r=\"2.5\" fill=\"#1f5fae\"/>", Px(*x), Px(*y))?;
    }
    out.write_str("</svg>")
}

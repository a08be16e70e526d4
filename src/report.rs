//! The review as one self-contained HTML page, and its charts as inline SVG.
//!
//! Everything here is plain string building: no plotting crate, no script,
//! no external font, image or style sheet. The page is well-formed XML
//! (every element closed, attributes quoted, text escaped) so that it can be
//! checked with an XML parser, and each `<svg>` stands on its own.
//!
//! Drawing coordinates are integers in tenths of a pixel, computed from the
//! portfolio's exact `Decimal` shares; amounts are never converted to floats.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::lang::Language;
use crate::money::Currency;
use crate::pareto::{ParetoBasis, Segment};
use crate::priority::{Assessment, Portfolio};
use crate::review::Review;
use crate::risk::{CrisisAlert, RiskLevel};
use crate::tier::Tier;

/// Options of [`html_report`].
///
/// # Example
///
/// ```
/// use partner_priority::ReportOptions;
///
/// let options = ReportOptions::default().with_top(10).with_title("Dealer network, Q4");
/// assert_eq!(options.top, 10);
/// assert_eq!(ReportOptions::default().top, 20);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// How many partners the "top partners" table lists, in priority order.
    /// The default is 20.
    pub top: usize,
    /// The page title. `None` (the default) gives "Partner network review"
    /// or "Обзор партнёрской сети".
    pub title: Option<String>,
    /// At most this many crisis alerts are listed one by one, most severe
    /// first; the rest are only counted (the counts by severity and
    /// category always cover every alert). `None` lists every alert. The
    /// default is 500, which keeps the page of a million partners small.
    pub max_alerts: Option<usize>,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions { top: 20, title: None, max_alerts: Some(500) }
    }
}

impl ReportOptions {
    /// The number of top partners to list.
    #[must_use]
    pub fn with_top(mut self, top: usize) -> ReportOptions {
        self.top = top;
        self
    }

    /// The page title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> ReportOptions {
        self.title = Some(title.into());
        self
    }

    /// The most alerts listed one by one (`None`: every alert).
    #[must_use]
    pub fn with_max_alerts(mut self, max_alerts: Option<usize>) -> ReportOptions {
        self.max_alerts = max_alerts;
        self
    }
}

/// Renders a review as one self-contained HTML page in `lang`.
///
/// The page holds the headline figures (review date, window, partners,
/// network turnover, Gini coefficient, the top 20 %'s share, concentration
/// risk, crisis alerts), the Pareto curve with the policy's cut-offs and the
/// segments in colour ([`pareto_svg`]), the Lorenz curve ([`lorenz_svg`]),
/// the tiers ([`tier_svg`]), the migrations since the previous review
/// ([`tier_migration_svg`], [`segment_migration_svg`]) if the portfolio
/// has one, the top partners by priority with their strategy goal and the
/// reasons, and the crisis alerts with their action plans.
///
/// It needs nothing but a browser: no script, no external font, image or
/// style sheet, no network request. Every text from the data (partner names,
/// ids, playbook texts) is escaped, and the page is well-formed XML. Amounts
/// are formatted for the language ([`Language::format_money`]). The Pareto
/// curve is drawn with at most a few hundred points whatever the number of
/// partners, so the page of a million partners stays small (well under
/// 1 MB with the default options) and is built in a fraction of a second.
///
/// Writing to a string cannot fail, and neither can this function: a
/// portfolio without partners or without positive turnover gives a page
/// that says so.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{
///     assess, html_report, Currency, Language, Ledger, Money, PartnerId, Policy, ReportOptions, Sale,
/// };
/// use rust_decimal::Decimal;
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
/// for (dealer, amount) in [("D-1", 7_000_000), ("D-2", 1_500_000), ("D-3", 90_000)] {
///     ledger.record(Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
/// }
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let portfolio = assess(&ledger, &[], &[], as_of, None, &Policy::default())?;
///
/// let html = html_report(&portfolio, Language::Ru, &ReportOptions::default());
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("8\u{202f}590\u{202f}000,00 ₽")); // the network turnover
/// assert!(!html.contains("<script"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[must_use]
pub fn html_report(portfolio: &Portfolio, lang: Language, options: &ReportOptions) -> String {
    let mut out = String::with_capacity(96 * 1024);
    // Writing to a `String` never fails.
    let _ = Page { p: portfolio, lang, options }.write(&mut out);
    out
}

/// The Pareto curve as a standalone SVG image (720 × 430): partners sorted
/// by turnover, largest first, on the x axis as a share of all partners;
/// the cumulative share of turnover on the y axis. The curve and the area
/// under it are coloured by segment, the policy's cut-offs are dashed lines
/// (horizontal under [`ParetoBasis::Turnover`], vertical under
/// [`ParetoBasis::Partners`]), and a legend gives each segment's partners
/// and share of turnover.
///
/// The curve is built from each assessment's [`SegmentEvidence`]
/// (`rank` and `turnover_before`) and thinned to the points that move it by
/// at least two pixels: a few hundred points for any number of partners.
///
/// [`SegmentEvidence`]: crate::SegmentEvidence
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{assess, pareto_svg, Currency, Language, Ledger, Money, PartnerId, Policy, Sale};
/// use rust_decimal::Decimal;
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
/// for (dealer, amount) in [("D-1", 800), ("D-2", 150), ("D-3", 50)] {
///     ledger.record(Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
/// }
/// let portfolio = assess(&ledger, &[], &[], NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), None, &Policy::default())?;
/// let svg = pareto_svg(&portfolio, Language::En);
/// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
/// assert!(svg.ends_with("</svg>"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[must_use]
pub fn pareto_svg(portfolio: &Portfolio, lang: Language) -> String {
    let mut out = String::with_capacity(24 * 1024);
    let _ = write_pareto(&mut out, portfolio, lang);
    out
}

/// The Lorenz curve as a standalone SVG image (440 × 430): partners from
/// the smallest up on the x axis, their cumulative share of turnover on the
/// y axis, the line of equality, and the Gini coefficient.
#[must_use]
pub fn lorenz_svg(portfolio: &Portfolio, lang: Language) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write_lorenz(&mut out, portfolio, lang);
    out
}

/// The tiers as a standalone SVG bar chart (740 × 216): partners and
/// turnover per tier, Gold first, each with its share.
#[must_use]
pub fn tier_svg(portfolio: &Portfolio, lang: Language) -> String {
    let mut out = String::with_capacity(4 * 1024);
    let _ = write_tiers(&mut out, portfolio, lang);
    out
}

/// The tier migration matrix of a review as a standalone SVG heat map
/// (532 × 222): rows are the tiers at the previous review, columns the
/// tiers now (Gold first); moves up are green, moves down red, partners
/// that stayed grey.
#[must_use]
pub fn tier_migration_svg(review: &Review, lang: Language) -> String {
    let labels = Tier::ALL.map(|t| t.name(lang));
    let mut out = String::with_capacity(6 * 1024);
    let title = lang.pick("Tier migrations since the previous review", "Миграции между категориями");
    let _ = write_matrix(&mut out, &review.tiers.matrix, labels, labels, title, lang);
    out
}

/// The segment migration matrix of a review as a standalone SVG heat map
/// (532 × 222): rows are the segments at the previous review, columns the
/// segments now (A first); moves up are green, moves down red, partners
/// that stayed grey.
#[must_use]
pub fn segment_migration_svg(review: &Review, lang: Language) -> String {
    let rows = Segment::ALL.map(|s| s.name(lang));
    let columns = ["A", "B", "C", "D"];
    let names: Vec<String> = Segment::ALL.iter().zip(rows).map(|(s, name)| format!("{s} {name}")).collect();
    let rows: [&str; 4] = std::array::from_fn(|i| names.get(i).map_or("", String::as_str));
    let mut out = String::with_capacity(6 * 1024);
    let title = lang.pick("Segment migrations since the previous review", "Миграции между сегментами");
    let _ = write_matrix(&mut out, &review.segments.matrix, rows, columns, title, lang);
    out
}

// ---------------------------------------------------------------------------
// Escaping and formatting

/// Text escaped for XML and HTML content and attribute values: `&`, `<`,
/// `>`, `"` and `'` become references, and the control characters that XML
/// does not allow (and U+FFFE, U+FFFF) become U+FFFD.
struct Esc<'a>(&'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        let mut start = 0;
        for (i, ch) in s.char_indices() {
            let replacement = match ch {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                '\t' | '\n' | '\r' => continue,
                '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => "\u{fffd}",
                _ => continue,
            };
            f.write_str(&s[start..i])?;
            f.write_str(replacement)?;
            start = i + ch.len_utf8();
        }
        f.write_str(&s[start..])
    }
}

/// A coordinate in tenths of a pixel, written with at most one decimal.
#[derive(Clone, Copy)]
struct Px(i64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let sign = if v < 0 { "-" } else { "" };
        let (whole, tenth) = (v.unsigned_abs() / 10, v.unsigned_abs() % 10);
        if tenth == 0 { write!(f, "{sign}{whole}") } else { write!(f, "{sign}{whole}.{tenth}") }
    }
}

/// `share` (clamped to 0 … 1) of `len`, rounded to the nearest unit.
fn part(share: Decimal, len: i64) -> i64 {
    let share = share.clamp(Decimal::ZERO, Decimal::ONE);
    share.checked_mul(Decimal::from(len)).and_then(|d| d.round().to_i64()).unwrap_or(0)
}

/// `num / den` as a share (zero when `den` is not positive).
fn ratio(num: Decimal, den: Decimal) -> Decimal {
    if den > Decimal::ZERO { num.checked_div(den).unwrap_or(Decimal::ZERO) } else { Decimal::ZERO }
}

fn count(lang: Language, n: u64) -> String {
    lang.format_amount(Decimal::from(n), 0)
}

fn pct(lang: Language, share: Decimal) -> String {
    lang.format_percent(share, 1)
}

/// A cut-off in percent (80, 99.5) as a percentage.
fn cutoff_text(lang: Language, percent: Decimal) -> String {
    let dp = if percent.fract().is_zero() { 0 } else { 1 };
    lang.format_percent(percent / Decimal::ONE_HUNDRED, dp)
}

/// A whole amount with the currency sign: `1,234,568 RUB`, `1 234 568 ₽`.
fn amount(lang: Language, value: Decimal, currency: &Currency) -> String {
    format!("{} {}", lang.format_amount(value, 0), lang.currency_sign(currency))
}

/// A short amount for chart labels: `82.3 M RUB`, `82,3 млн ₽`.
fn compact(lang: Language, value: Decimal, currency: &Currency) -> String {
    let abs = value.abs();
    let steps = [
        (Decimal::from(1_000_000_000_000i64), "T", "трлн"),
        (Decimal::from(1_000_000_000), "bn", "млрд"),
        (Decimal::from(1_000_000), "M", "млн"),
        (Decimal::from(1_000), "k", "тыс."),
    ];
    let sign = lang.currency_sign(currency);
    for (unit, en, ru) in steps {
        if abs >= unit {
            let scaled = value.checked_div(unit).unwrap_or(value);
            return format!("{} {} {sign}", lang.format_amount(scaled, 1), lang.pick(en, ru));
        }
    }
    format!("{} {sign}", lang.format_amount(value, 0))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

fn date(lang: Language, d: chrono::NaiveDate) -> String {
    match lang {
        Language::Ru => d.format("%d.%m.%Y").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// An approximate width in pixels of `text` at `size` px in a sans-serif
/// font, for laying out boxes around labels.
fn text_width(text: &str, size: i64) -> i64 {
    let chars = i64::try_from(text.chars().count()).unwrap_or(i64::MAX / 64);
    chars.saturating_mul(size).saturating_mul(6) / 10
}

/// Moves label positions (sorted ascending) apart to at least `gap`,
/// keeping them within `lo ..= hi` where possible: only the labels that
/// crowd each other or an edge move. Without room for all of them, the
/// upper edge wins.
fn spread(positions: &mut [i64], gap: i64, lo: i64, hi: i64) {
    let mut floor = lo;
    for p in positions.iter_mut() {
        *p = (*p).max(floor);
        floor = p.saturating_add(gap);
    }
    let mut ceiling = hi;
    for p in positions.iter_mut().rev() {
        *p = (*p).min(ceiling);
        ceiling = p.saturating_sub(gap);
    }
}

fn segment_colour(s: Segment) -> &'static str {
    match s {
        Segment::A => "#1f5fae",
        Segment::B => "#2a9d8f",
        Segment::C => "#e9a23b",
        Segment::D => "#8d99a6",
    }
}

fn tier_colour(t: Tier) -> &'static str {
    match t {
        Tier::Gold => "#c9a227",
        Tier::Silver => "#98a4b0",
        Tier::Bronze => "#b87333",
        Tier::Beginner => "#6fa8dc",
    }
}

fn level_class(level: Option<RiskLevel>) -> &'static str {
    match level {
        Some(RiskLevel::Critical) => "lvl lvl-critical",
        Some(RiskLevel::High) => "lvl lvl-high",
        Some(RiskLevel::Medium) => "lvl lvl-medium",
        Some(RiskLevel::Low) => "lvl lvl-low",
        None => "lvl lvl-unknown",
    }
}

// ---------------------------------------------------------------------------
// SVG building blocks

const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', \
                    'DejaVu Sans', sans-serif";
const INK: &str = "#1d2430";
const MUTED: &str = "#5b6573";
const GRID: &str = "#e3e7ed";

fn svg_open(out: &mut String, width: i64, height: i64, title: &str, class: &str) -> fmt::Result {
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{INK}\">\
         <title>{}</title>",
        Esc(title)
    )
}

/// A plot area; every value in tenths of a pixel.
struct Frame {
    left: i64,
    top: i64,
    width: i64,
    height: i64,
}

impl Frame {
    fn right(&self) -> i64 {
        self.left + self.width
    }

    fn bottom(&self) -> i64 {
        self.top + self.height
    }

    fn x(&self, share: Decimal) -> i64 {
        self.left + part(share, self.width)
    }

    fn y(&self, share: Decimal) -> i64 {
        self.bottom() - part(share, self.height)
    }
}

/// Grid lines and labels at 0, 20, … 100 % on both axes, and the axis
/// titles.
fn axes(out: &mut String, f: &Frame, lang: Language, x_title: &str, y_title: &str) -> fmt::Result {
    out.push_str("<g class=\"grid\">");
    for step in 0..=5i64 {
        let share = Decimal::new(step * 20, 2);
        let (x, y) = (f.x(share), f.y(share));
        let colour = if step == 0 { "#aab3be" } else { GRID };
        write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\"/>",
            Px(f.left),
            Px(y),
            Px(f.right()),
            Px(y)
        )?;
        write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\"/>",
            Px(x),
            Px(f.top),
            Px(x),
            Px(f.bottom())
        )?;
        let label = lang.format_percent(share, 0);
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{MUTED}\" font-size=\"11\">{}</text>",
            Px(f.left - 80),
            Px(y + 40),
            Esc(&label)
        )?;
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\" font-size=\"11\">{}</text>",
            Px(x),
            Px(f.bottom() + 180),
            Esc(&label)
        )?;
    }
    out.push_str("</g>");
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        Px(f.left + f.width / 2),
        Px(f.bottom() + 400),
        Esc(x_title)
    )?;
    let (cx, cy) = (f.left - 480, f.top + f.height / 2);
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\" transform=\"rotate(-90 {} {})\">{}</text>",
        Px(cx),
        Px(cy),
        Px(cx),
        Px(cy),
        Esc(y_title)
    )
}

fn points(out: &mut String, pts: &[(i64, i64)]) -> fmt::Result {
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write!(out, "{},{}", Px(*x), Px(*y))?;
    }
    Ok(())
}

fn no_data(out: &mut String, f: &Frame, lang: Language) -> fmt::Result {
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        Px(f.left + f.width / 2),
        Px(f.top + f.height / 2),
        Esc(lang.pick("no positive turnover in the window", "нет положительного оборота за окно"))
    )
}

// ---------------------------------------------------------------------------
// The Pareto curve

/// The least distance, in tenths of a pixel, between two points of the
/// thinned Pareto curve.
const STEP: i64 = 20;

/// One segment's stretch of the Pareto curve, in plot coordinates.
struct Curve {
    segment: Segment,
    points: Vec<(i64, i64)>,
}

/// The Pareto curve, thinned, one stretch per segment. Each tie group's
/// first partner is a vertex: x = (rank − 1) / n, y = the share of
/// turnover strictly above the group; the curve ends at (1, 1).
fn pareto_curves(p: &Portfolio, f: &Frame) -> Vec<Curve> {
    let list = p.assessments();
    let n = list.len();
    // The first partner of each tie group, by rank (ranks are 1 ..= n; a
    // tie group shares the rank of its first position).
    let mut groups: Vec<Option<(Decimal, Segment)>> = vec![None; n];
    for a in list {
        let slot = (a.segment.rank as usize).checked_sub(1).and_then(|i| groups.get_mut(i));
        if let Some(slot @ None) = slot {
            *slot = Some((a.segment.turnover_before, a.segment.segment));
        }
    }
    let n_wide = i128::try_from(n.max(1)).unwrap_or(i128::MAX);
    let width = i128::from(f.width);
    let mut curves: Vec<Curve> = Vec::new();
    let mut last = (i64::MIN / 2, i64::MIN / 2);
    for (i, group) in groups.iter().enumerate() {
        let Some((before, segment)) = *group else { continue };
        let offset = (i128::try_from(i).unwrap_or(0) * width + n_wide / 2) / n_wide;
        let x = f.left + i64::try_from(offset).unwrap_or(0);
        // Within a segment, keep a vertex only if it is a full step away
        // from the last one kept (the curve only rises, so the thinned line
        // stays within a step of the exact one); keep every segment's ends.
        let point = match curves.last_mut() {
            Some(c) if c.segment == segment => {
                let y = f.y(before);
                if x - last.0 >= STEP || last.1 - y >= STEP { Some((x, y)) } else { None }
            }
            Some(c) => {
                let pt = (x, f.y(before));
                c.points.push(pt);
                curves.push(Curve { segment, points: vec![pt] });
                last = pt;
                None
            }
            None => {
                let pt = (x, f.y(before));
                curves.push(Curve { segment, points: vec![pt] });
                last = pt;
                None
            }
        };
        if let (Some(pt), Some(c)) = (point, curves.last_mut()) {
            c.points.push(pt);
            last = pt;
        }
    }
    let end = if p.base() > Decimal::ZERO { Decimal::ONE } else { Decimal::ZERO };
    if let Some(c) = curves.last_mut() {
        c.points.push((f.right(), f.y(end)));
    }
    curves
}

fn write_pareto(out: &mut String, p: &Portfolio, lang: Language) -> fmt::Result {
    let f = Frame { left: 640, top: 260, width: 5600, height: 3300 };
    svg_open(
        out,
        720,
        430,
        lang.pick("Pareto curve: ABC(D) segments by turnover", "Кривая Парето: ABC(D)-сегменты по обороту"),
        "chart chart-pareto",
    )?;
    axes(
        out,
        &f,
        lang,
        lang.pick("share of partners, sorted by turnover, largest first", "доля партнёров по убыванию оборота"),
        lang.pick("cumulative share of turnover", "накопленная доля оборота"),
    )?;
    let n = p.assessments().len();
    if n == 0 || p.base() <= Decimal::ZERO {
        no_data(out, &f, lang)?;
        return out.write_str("</svg>");
    }
    let curves = pareto_curves(p, &f);
    // Areas under the curve, one per segment.
    out.push_str("<g class=\"areas\" fill-opacity=\"0.13\">");
    for c in &curves {
        if let (Some(first), Some(last)) = (c.points.first(), c.points.last()) {
            write!(out, "<polygon fill=\"{}\" points=\"", segment_colour(c.segment))?;
            points(out, &c.points)?;
            write!(out, " {},{} {},{}\"/>", Px(last.0), Px(f.bottom()), Px(first.0), Px(f.bottom()))?;
        }
    }
    out.push_str("</g>");
    cutoffs(out, p, &f, lang)?;
    out.push_str("<g class=\"curve\" fill=\"none\" stroke-width=\"2.5\" stroke-linejoin=\"round\">");
    for c in &curves {
        write!(out, "<polyline stroke=\"{}\" points=\"", segment_colour(c.segment))?;
        points(out, &c.points)?;
        out.push_str("\"/>");
    }
    out.push_str("</g>");
    // A dot where each segment ends.
    for pair in curves.windows(2) {
        if let [ended, next] = pair {
            if let Some((x, y)) = next.points.first() {
                write!(
                    out,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1.5\"/>",
                    Px(*x),
                    Px(*y),
                    segment_colour(ended.segment)
                )?;
            }
        }
    }
    pareto_legend(out, p, &f, lang)?;
    out.write_str("</svg>")
}

/// The policy's cut-offs as dashed lines with their labels.
fn cutoffs(out: &mut String, p: &Portfolio, f: &Frame, lang: Language) -> fmt::Result {
    let policy = p.pareto_policy();
    let cuts = policy.cutoffs();
    out.push_str("<g class=\"cutoffs\">");
    match policy.basis() {
        ParetoBasis::Turnover => {
            let ys: Vec<i64> = cuts.iter().map(|c| f.y(*c / Decimal::ONE_HUNDRED)).collect();
            // Labels in the right margin, from the top down, at least 13 px apart.
            let mut order: Vec<usize> = (0..3).collect();
            order.sort_by_key(|&k| ys[k]);
            let mut label_ys: Vec<i64> = order.iter().map(|&k| ys[k] + 40).collect();
            spread(&mut label_ys, 130, f.top + 40, f.bottom());
            for (&k, &ly) in order.iter().zip(&label_ys) {
                let segment = Segment::ALL[k];
                write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.2\" \
                     stroke-dasharray=\"6 4\"/>",
                    Px(f.left),
                    Px(ys[k]),
                    Px(f.right() + 40),
                    Px(ys[k]),
                    segment_colour(segment)
                )?;
                write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" font-size=\"11.5\"><tspan font-weight=\"700\" fill=\"{}\">{}</tspan> \
                     {} {}</text>",
                    Px(f.right() + 80),
                    Px(ly),
                    segment_colour(segment),
                    segment,
                    Esc(lang.pick("up to", "до")),
                    Esc(&cutoff_text(lang, cuts[k]))
                )?;
            }
        }
        ParetoBasis::Partners => {
            // Cut-offs are shares of the partners with positive turnover.
            let n = Decimal::from(p.assessments().len());
            let positive = Decimal::from(p.assessments().iter().filter(|a| a.turnover > Decimal::ZERO).count());
            let of_all = ratio(positive, n);
            let xs: Vec<i64> = cuts
                .iter()
                .map(|c| f.x((*c / Decimal::ONE_HUNDRED).checked_mul(of_all).unwrap_or(Decimal::ZERO)))
                .collect();
            let mut label_xs = xs.clone();
            spread(&mut label_xs, 560, f.left + 280, f.right() - 280);
            for (k, (&x, &lx)) in xs.iter().zip(&label_xs).enumerate() {
                let segment = Segment::ALL[k];
                write!(
                    out,
                    "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"1.2\" \
                     stroke-dasharray=\"6 4\"/>",
                    Px(x),
                    Px(f.top - 40),
                    Px(x),
                    Px(f.bottom()),
                    segment_colour(segment)
                )?;
                write!(
                    out,
                    "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11.5\"><tspan font-weight=\"700\" \
                     fill=\"{}\">{}</tspan> {}</text>",
                    Px(lx),
                    Px(f.top - 80),
                    segment_colour(segment),
                    segment,
                    Esc(&cutoff_text(lang, cuts[k]))
                )?;
            }
        }
    }
    out.write_str("</g>")
}

/// The legend in the plot's lower right corner, which a Pareto curve never
/// crosses (it lies above the diagonal).
fn pareto_legend(out: &mut String, p: &Portfolio, f: &Frame, lang: Language) -> fmt::Result {
    let lines: Vec<(Segment, String)> = p
        .pareto()
        .iter()
        .filter(|r| r.partners > 0)
        .map(|r| {
            let text = format!(
                "{} {} — {} ({} {}), {} {}",
                r.segment,
                r.segment.name(lang),
                count(lang, r.partners),
                pct(lang, r.partner_share),
                lang.pick("of partners", "партнёров"),
                pct(lang, r.turnover_share),
                lang.pick("of turnover", "оборота"),
            );
            (r.segment, text)
        })
        .collect();
    let size = 11;
    let widest = lines.iter().map(|(_, t)| text_width(t, size)).max().unwrap_or(0);
    let (line_h, pad) = (170, 80);
    let height = i64::try_from(lines.len()).unwrap_or(0) * line_h + 2 * pad;
    let width = widest * 10 + 2 * pad + 180;
    let (x0, y0) = (f.right() - 100 - width, f.bottom() - 100 - height);
    write!(
        out,
        "<g class=\"legend\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" fill=\"#ffffff\" \
         fill-opacity=\"0.92\" stroke=\"{GRID}\"/>",
        Px(x0),
        Px(y0),
        Px(width),
        Px(height)
    )?;
    for (i, (segment, text)) in lines.iter().enumerate() {
        let y = y0 + pad + i64::try_from(i).unwrap_or(0) * line_h;
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"{size}\">{}</text>",
            Px(x0 + pad),
            Px(y + 30),
            segment_colour(*segment),
            Px(x0 + pad + 160),
            Px(y + 120),
            Esc(text)
        )?;
    }
    out.write_str("</g>")
}

// ---------------------------------------------------------------------------
// The Lorenz curve

fn write_lorenz(out: &mut String, p: &Portfolio, lang: Language) -> fmt::Result {
    let f = Frame { left: 640, top: 260, width: 3500, height: 3300 };
    svg_open(
        out,
        440,
        430,
        lang.pick("Lorenz curve and Gini coefficient", "Кривая Лоренца и коэффициент Джини"),
        "chart chart-lorenz",
    )?;
    axes(
        out,
        &f,
        lang,
        lang.pick("share of partners, smallest first", "доля партнёров, от самых мелких"),
        lang.pick("cumulative share of turnover", "накопленная доля оборота"),
    )?;
    let (Some(c), false) = (p.concentration(), p.lorenz().is_empty()) else {
        no_data(out, &f, lang)?;
        return out.write_str("</svg>");
    };
    let pts: Vec<(i64, i64)> = p.lorenz().iter().map(|pt| (f.x(pt.partners), f.y(pt.turnover))).collect();
    write!(out, "<polygon fill=\"#1f5fae\" fill-opacity=\"0.12\" points=\"")?;
    points(out, &pts)?;
    out.push_str("\"/>");
    write!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{MUTED}\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>",
        Px(f.left),
        Px(f.bottom()),
        Px(f.right()),
        Px(f.top)
    )?;
    write!(out, "<polyline fill=\"none\" stroke=\"#1f5fae\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"")?;
    points(out, &pts)?;
    out.push_str("\"/>");
    // The key in the upper left corner, which a Lorenz curve never crosses.
    let (x, y) = (f.left + 140, f.top + 260);
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"700\">{} {}</text>",
        Px(x),
        Px(y),
        Esc(lang.pick("Gini", "Джини")),
        Esc(&lang.format_amount(c.gini, 3))
    )?;
    let key = [
        ("6 4", MUTED, lang.pick("equal turnover for all", "равный оборот у всех")),
        ("none", "#1f5fae", lang.pick("Lorenz curve", "кривая Лоренца")),
    ];
    for (i, (dash, colour, label)) in key.iter().enumerate() {
        let ly = y + 220 + i64::try_from(i).unwrap_or(0) * 180;
        write!(
            out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" stroke-width=\"2\" \
             stroke-dasharray=\"{dash}\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
            Px(x),
            Px(ly - 40),
            Px(x + 240),
            Px(ly - 40),
            Px(x + 300),
            Px(ly),
            Esc(label)
        )?;
    }
    out.write_str("</svg>")
}

// ---------------------------------------------------------------------------
// Tiers

fn write_tiers(out: &mut String, p: &Portfolio, lang: Language) -> fmt::Result {
    let (width, row_h, top) = (740, 400, 440);
    let height = 216;
    svg_open(
        out,
        width,
        height,
        lang.pick("Partners and turnover by tier", "Партнёры и оборот по категориям"),
        "chart chart-tiers",
    )?;
    let rows = p.tiers();
    let currency = p.currency();
    let n = Decimal::from(p.assessments().len());
    let base = p.base();
    let max_partners = rows.iter().map(|r| r.partners).max().unwrap_or(0);
    let max_turnover = rows.iter().map(|r| r.turnover).max().unwrap_or(Decimal::ZERO);
    let (p_x, p_w) = (1300, 1700);
    let (t_x, t_w) = (4200, 1700);
    write!(
        out,
        "<text x=\"{}\" y=\"24\" font-weight=\"700\" fill=\"{MUTED}\">{}</text>\
         <text x=\"{}\" y=\"24\" font-weight=\"700\" fill=\"{MUTED}\">{}</text>",
        Px(p_x),
        Esc(lang.pick("Partners", "Партнёры")),
        Px(t_x),
        Esc(lang.pick("Turnover over the window", "Оборот за окно"))
    )?;
    for (i, tier) in Tier::ALL.iter().enumerate() {
        let row = rows.iter().find(|r| r.tier == *tier);
        let (partners, turnover) = row.map_or((0, Decimal::ZERO), |r| (r.partners, r.turnover));
        let y = top + i64::try_from(i).unwrap_or(0) * row_h;
        let colour = tier_colour(*tier);
        write!(
            out,
            "<circle cx=\"14\" cy=\"{}\" r=\"6\" fill=\"{colour}\"/><text x=\"26\" y=\"{}\" font-size=\"13\" \
             font-weight=\"600\">{}</text>",
            Px(y + 200),
            Px(y + 245),
            Esc(tier.name(lang))
        )?;
        let bars = [
            (p_x, p_w, ratio(Decimal::from(partners), Decimal::from(max_partners)), {
                format!("{} · {}", count(lang, partners), pct(lang, ratio(Decimal::from(partners), n)))
            }),
            (t_x, t_w, ratio(turnover, max_turnover), {
                format!("{} · {}", compact(lang, turnover, &currency), pct(lang, ratio(turnover, base)))
            }),
        ];
        for (x, w, share, label) in bars {
            let mut len = part(share, w);
            if len == 0 && share > Decimal::ZERO {
                len = 10;
            }
            write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" rx=\"2\" fill=\"{colour}\"/>\
                 <text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
                Px(x),
                Px(y + 100),
                Px(len),
                Px(x + len + 60),
                Px(y + 243),
                Esc(&label)
            )?;
        }
    }
    write!(
        out,
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#aab3be\"/><line x1=\"{}\" y1=\"{}\" x2=\"{}\" \
         y2=\"{}\" stroke=\"#aab3be\"/>",
        Px(p_x),
        Px(top + 40),
        Px(p_x),
        Px(top + 4 * row_h - 40),
        Px(t_x),
        Px(top + 40),
        Px(t_x),
        Px(top + 4 * row_h - 40)
    )?;
    out.write_str("</svg>")
}

// ---------------------------------------------------------------------------
// Migrations

fn write_matrix(
    out: &mut String,
    matrix: &[[u64; 4]; 4],
    rows: [&str; 4],
    columns: [&str; 4],
    title: &str,
    lang: Language,
) -> fmt::Result {
    let (left, top, cell_w, cell_h) = (1400i64, 560i64, 960i64, 340i64);
    let (width, height) = (532, 222);
    svg_open(out, width, height, title, "chart chart-migrations")?;
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>\
         <text x=\"8\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
        Px(left),
        Px(top - 340),
        Esc(lang.pick("now →", "сейчас →")),
        Px(top - 110),
        Esc(lang.pick("before ↓", "было ↓"))
    )?;
    for (j, label) in columns.iter().enumerate() {
        let x = left + i64::try_from(j).unwrap_or(0) * cell_w + cell_w / 2;
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\">{}</text>",
            Px(x),
            Px(top - 110),
            Esc(label)
        )?;
    }
    let diagonal_max = (0..4).map(|i| matrix[i][i]).max().unwrap_or(0);
    let moved_max = (0..4)
        .flat_map(|i| (0..4).filter(move |&j| j != i).map(move |j| (i, j)))
        .map(|(i, j)| matrix[i][j])
        .max()
        .unwrap_or(0);
    for (i, label) in rows.iter().enumerate() {
        let y = top + i64::try_from(i).unwrap_or(0) * cell_h;
        write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"600\">{}</text>",
            Px(left - 100),
            Px(y + cell_h / 2 + 40),
            Esc(label)
        )?;
        for (j, &value) in matrix[i].iter().enumerate() {
            let x = left + i64::try_from(j).unwrap_or(0) * cell_w;
            let (colour, max) = match j.cmp(&i) {
                std::cmp::Ordering::Equal => ("#5b6573", diagonal_max),
                std::cmp::Ordering::Less => ("#2a9d8f", moved_max),
                std::cmp::Ordering::Greater => ("#c0392b", moved_max),
            };
            // Opacity 0.12 … 0.85 in hundredths, by the count.
            let opacity = if value == 0 || max == 0 { 0 } else { 12 + (73 * value / max) };
            let (fill, text_colour) = if value == 0 {
                ("#f4f6f8".to_owned(), "#9aa3ad")
            } else {
                (colour.to_owned(), if opacity > 55 { "#ffffff" } else { INK })
            };
            let fill_opacity = if value == 0 { 100 } else { opacity };
            write!(
                out,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" fill-opacity=\"{}.{:02}\" \
                 stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
                 font-size=\"13\" fill=\"{text_colour}\">{}</text>",
                Px(x),
                Px(y),
                Px(cell_w),
                Px(cell_h),
                fill_opacity / 100,
                fill_opacity % 100,
                Px(x + cell_w / 2),
                Px(y + cell_h / 2 + 45),
                Esc(&count(lang, value))
            )?;
        }
    }
    let key = [
        ("#2a9d8f", lang.pick("moved up", "выше")),
        ("#c0392b", lang.pick("moved down", "ниже")),
        ("#5b6573", lang.pick("stayed", "без изменений")),
    ];
    let mut x = left;
    let y = top + 4 * cell_h + 150;
    for (colour, label) in key {
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{colour}\" fill-opacity=\"0.7\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
            Px(x),
            Px(y - 90),
            Px(x + 150),
            Px(y),
            Esc(label)
        )?;
        x += 150 + text_width(label, 11) * 10 + 200;
    }
    out.write_str("</svg>")
}

// ---------------------------------------------------------------------------
// The page

const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f4f6f9;color:#1d2430;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans',sans-serif}\
main{max-width:1280px;margin:0 auto;padding:28px 24px 40px}\
header h1{margin:0 0 4px;font-size:26px;font-weight:700;letter-spacing:-0.01em}\
header .sub{margin:0;color:#5b6573}\
section{background:#ffffff;border:1px solid #e3e7ed;border-radius:10px;padding:20px 22px;margin:18px 0}\
section h2{margin:0 0 6px;font-size:18px}\
section .lead{margin:0 0 14px;color:#5b6573;max-width:980px}\
.kpis{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;background:none;border:0;padding:0}\
.kpi{background:#ffffff;border:1px solid #e3e7ed;border-radius:10px;padding:14px 16px}\
.kpi .label{color:#5b6573;font-size:12px;text-transform:uppercase;letter-spacing:0.04em}\
.kpi .value{font-size:28px;font-weight:700;margin:4px 0 2px;font-variant-numeric:tabular-nums;white-space:nowrap}\
.kpi .note{color:#5b6573;font-size:12px}\
.row{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}\
figure{margin:0}\
figcaption{color:#5b6573;font-size:12px;margin-top:4px;max-width:720px}\
svg.chart{max-width:100%;height:auto;display:block}\
table{border-collapse:collapse;font-size:13px}\
th,td{padding:6px 10px;border-bottom:1px solid #e3e7ed;text-align:left;vertical-align:top}\
th{color:#5b6573;font-weight:600;font-size:12px;background:#f7f8fa}\
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\
table.wide{width:100%}\
.badge{display:inline-block;min-width:22px;padding:1px 6px;border-radius:4px;color:#ffffff;font-weight:700;text-align:center;font-size:12px}\
.seg-A{background:#1f5fae}.seg-B{background:#2a9d8f}.seg-C{background:#e9a23b}.seg-D{background:#8d99a6}\
.tier{white-space:nowrap}\
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px}\
.lvl{display:inline-block;padding:1px 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}\
.lvl-critical{background:#fbe3e1;color:#a1281b}.lvl-high{background:#fdebd9;color:#a04f0c}\
.lvl-medium{background:#fdf4cf;color:#7a5d00}.lvl-low{background:#e2f3ea;color:#1e6b43}.lvl-unknown{background:#eef0f3;color:#5b6573}\
.urgent{display:inline-block;margin-left:6px;padding:0 6px;border-radius:4px;background:#c0392b;color:#ffffff;font-size:11px;font-weight:700}\
.name{font-weight:600}\
table.top td:last-child{width:36%}\
table.alerts td.who{min-width:210px}\
.id{color:#5b6573;font-size:12px}\
.goal{font-weight:600}\
ul.reasons{margin:3px 0 0;padding-left:18px;color:#3b4452;font-size:12.5px;line-height:1.35}\
ul.reasons li{margin:0}\
.moves{font-size:13px;min-width:260px}\
.moves h3{font-size:13px;margin:0 0 4px;color:#5b6573}\
.moves ul{margin:0 0 12px;padding-left:18px}\
.muted{color:#5b6573}\
footer{color:#5b6573;font-size:12px;margin-top:18px}\
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}}\
@media print{body{background:#ffffff}section{break-inside:avoid}}";

struct Page<'a> {
    p: &'a Portfolio,
    lang: Language,
    options: &'a ReportOptions,
}

impl Page<'_> {
    fn t(&self, en: &'static str, ru: &'static str) -> &'static str {
        self.lang.pick(en, ru)
    }

    fn write(&self, out: &mut String) -> fmt::Result {
        let lang = self.lang;
        let title = match &self.options.title {
            Some(t) => t.as_str(),
            None => self.t("Partner network review", "Обзор партнёрской сети"),
        };
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{}</title><style>{STYLE}</style></head><body><main>",
            lang.code(),
            Esc(title)
        )?;
        let window = self.p.window();
        write!(
            out,
            "<header><h1>{}</h1><p class=\"sub\">{} {} · {} {} ({} {}) · {} {}</p></header>",
            Esc(title),
            self.t("Review as of", "Пересмотр на"),
            Esc(&date(lang, self.p.as_of())),
            self.t("window", "окно"),
            Esc(&window.to_string()),
            window.len(),
            self.t("months", "мес."),
            self.t("amounts in", "суммы в"),
            Esc(lang.currency_sign(&self.p.currency())),
        )?;
        self.headline(out)?;
        self.pareto(out)?;
        self.tiers(out)?;
        self.migrations(out)?;
        self.top(out)?;
        self.alerts(out)?;
        write!(
            out,
            "<footer>partner-priority {} · {}</footer></main></body></html>",
            env!("CARGO_PKG_VERSION"),
            self.t(
                "Amounts are exact and rounded only for display. Shares of turnover are shares of the Pareto base, the \
                 sum of positive turnovers.",
                "Суммы точные и округлены только для показа. Доли оборота — от базы Парето, суммы положительных \
                 оборотов."
            )
        )
    }

    fn kpi(&self, out: &mut String, id: &str, label: &str, value: &str, note: &str) -> fmt::Result {
        write!(
            out,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\" id=\"{}\">{}</div>\
             <div class=\"note\">{}</div></div>",
            Esc(label),
            Esc(id),
            Esc(value),
            Esc(note)
        )
    }

    fn headline(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        let n = p.assessments().len() as u64;
        let positive = p.assessments().iter().filter(|a| a.turnover > Decimal::ZERO).count() as u64;
        let alerts = p.alerts();
        let critical = alerts.iter().filter(|a| a.severity == RiskLevel::Critical).count() as u64;
        out.push_str("<section class=\"kpis\">");
        self.kpi(
            out,
            "kpi-partners",
            self.t("Partners", "Партнёров"),
            &count(lang, n),
            &format!("{}: {}", self.t("with turnover in the window", "с оборотом за окно"), count(lang, positive)),
        )?;
        self.kpi(
            out,
            "kpi-turnover",
            self.t("Network turnover", "Оборот сети"),
            &lang.format_money(p.total()),
            &format!("{}, {}", self.t("net over the window", "нетто за окно"), p.window()),
        )?;
        let (gini, top20) = match p.concentration() {
            Some(c) => (lang.format_amount(c.gini, 3), pct(lang, c.top_20_share)),
            None => ("—".to_owned(), "—".to_owned()),
        };
        self.kpi(
            out,
            "kpi-gini",
            self.t("Gini coefficient", "Коэффициент Джини"),
            &gini,
            self.t("0: all equal, 1: one partner has it all", "0 — все равны, 1 — всё у одного"),
        )?;
        self.kpi(
            out,
            "kpi-top20",
            self.t("Top 20 % of partners", "Топ-20 % партнёров"),
            &top20,
            self.t("of the turnover", "оборота"),
        )?;
        let (risk, risk_note) = match p.concentration_risk() {
            Some(r) => (
                capitalise(r.level.name(lang)),
                format!(
                    "{} {} %, HHI {}",
                    self.t("largest partner", "крупнейший партнёр"),
                    lang.format_amount(r.top_partner_percent, 1),
                    lang.format_amount(r.hhi, 0)
                ),
            ),
            None => ("—".to_owned(), String::new()),
        };
        self.kpi(out, "kpi-risk", self.t("Concentration risk", "Риск концентрации"), &risk, &risk_note)?;
        self.kpi(
            out,
            "kpi-alerts",
            self.t("Crisis alerts", "Кризисные сигналы"),
            &count(lang, alerts.len() as u64),
            &format!(
                "{} {} · {} {}",
                count(lang, critical),
                self.t("critical", "критических"),
                count(lang, alerts.len() as u64 - critical),
                self.t("high", "высоких")
            ),
        )?;
        out.write_str("</section>")
    }

    fn pareto(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        let policy = p.pareto_policy();
        let [a, b, c] = policy.cutoffs().map(|x| cutoff_text(lang, x));
        let lead = match policy.basis() {
            ParetoBasis::Turnover => match lang {
                Language::Ru => format!(
                    "Партнёры по убыванию оборота: кривая показывает, какую долю оборота сети дают крупнейшие. \
                     Пунктир — границы сегментов: A — крупнейшие партнёры, вместе дающие {a} оборота, B — до {b}, \
                     C — до {c}, D — остальные и партнёры без оборота."
                ),
                _ => format!(
                    "Partners sorted by turnover, largest first: the curve shows how much of the network's turnover \
                     the largest partners bring. The dashed lines are the segment cut-offs: A is the largest partners \
                     that together bring {a} of turnover, B up to {b}, C up to {c}, D the rest and the partners \
                     without turnover."
                ),
            },
            ParetoBasis::Partners => match lang {
                Language::Ru => format!(
                    "Партнёры по убыванию оборота: кривая показывает, какую долю оборота сети дают крупнейшие. \
                     Пунктир — границы сегментов по доле партнёров с оборотом: A — первые {a}, B — до {b}, C — до \
                     {c}, D — остальные."
                ),
                _ => format!(
                    "Partners sorted by turnover, largest first: the curve shows how much of the network's turnover \
                     the largest partners bring. The dashed lines are the segment cut-offs by share of the partners \
                     with turnover: A is the first {a}, B up to {b}, C up to {c}, D the rest."
                ),
            },
        };
        write!(
            out,
            "<section id=\"pareto\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"row\"><figure>{}</figure>\
             <figure>{}</figure></div>",
            self.t("ABC(D) segments and concentration", "ABC(D)-сегменты и концентрация"),
            Esc(&lead),
            pareto_svg(p, lang),
            lorenz_svg(p, lang)
        )?;
        // The Pareto table and the concentration figures side by side.
        write!(
            out,
            "<div class=\"row\"><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">%</th>\
             <th class=\"num\">{}</th><th class=\"num\">%</th><th class=\"num\">{}</th></tr></thead><tbody>",
            self.t("Segment", "Сегмент"),
            self.t("Partners", "Партнёры"),
            self.t("Turnover", "Оборот"),
            self.t("Article: partners / turnover", "Статья: партнёры / оборот"),
        )?;
        let currency = p.currency();
        for row in p.pareto() {
            let e = row.expected;
            write!(
                out,
                "<tr><td><span class=\"badge seg-{s}\">{s}</span> {}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num muted\">≈ {} / {}{}</td></tr>",
                Esc(row.segment.name(lang)),
                count(lang, row.partners),
                pct(lang, row.partner_share),
                Esc(&amount(lang, row.turnover, &currency)),
                pct(lang, row.turnover_share),
                lang.format_percent(e.partners, 0),
                if e.turnover_is_upper_bound { "&lt; " } else { "" },
                lang.format_percent(e.turnover, 0),
                s = row.segment,
            )?;
        }
        out.push_str("</tbody></table>");
        if let Some(c) = p.concentration() {
            write!(
                out,
                "<table><tbody><tr><th>{}</th><td class=\"num\">{}</td></tr><tr><th>{}</th><td class=\"num\">{}</td>\
                 </tr><tr><th>{}</th><td class=\"num\">{}</td></tr><tr><th>{}</th><td class=\"num\">{}</td></tr>",
                self.t("Gini coefficient", "Коэффициент Джини"),
                Esc(&lang.format_amount(c.gini, 3)),
                self.t("Top 20 % of partners hold", "У 20 % крупнейших"),
                pct(lang, c.top_20_share),
                self.t("The largest partner holds", "У крупнейшего партнёра"),
                pct(lang, c.top_partner_share),
                self.t("HHI (0 … 10 000)", "HHI (0 … 10 000)"),
                Esc(&lang.format_amount(c.hhi, 0)),
            )?;
            if let Some(r) = p.concentration_risk() {
                write!(
                    out,
                    "<tr><th>{}</th><td><span class=\"{}\">{}</span></td></tr>",
                    self.t("Concentration risk", "Риск концентрации"),
                    level_class(Some(r.level)),
                    Esc(&capitalise(r.level.name(lang)))
                )?;
            }
            out.push_str("</tbody></table>");
        }
        out.write_str("</div></section>")
    }

    fn tiers(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        write!(
            out,
            "<section id=\"tiers\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"row\"><figure>{}</figure>",
            self.t("Volume tiers", "Категории по объёму продаж"),
            self.t(
                "Tiers by the average monthly turnover over the window: partners and turnover per tier.",
                "Категории по среднему месячному обороту за окно: партнёры и оборот в каждой."
            ),
            tier_svg(p, lang)
        )?;
        write!(
            out,
            "<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">%</th><th class=\"num\">{}</th>\
             <th class=\"num\">%</th></tr></thead><tbody>",
            self.t("Tier", "Категория"),
            self.t("Partners", "Партнёры"),
            self.t("Turnover", "Оборот"),
        )?;
        let n = Decimal::from(p.assessments().len());
        let currency = p.currency();
        for row in p.tiers() {
            write!(
                out,
                "<tr><td class=\"tier\"><span class=\"dot\" style=\"background:{}\"></span>{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 </tr>",
                tier_colour(row.tier),
                Esc(row.tier.name(lang)),
                count(lang, row.partners),
                pct(lang, ratio(Decimal::from(row.partners), n)),
                Esc(&amount(lang, row.turnover, &currency)),
                pct(lang, ratio(row.turnover, p.base())),
            )?;
        }
        out.write_str("</tbody></table></div></section>")
    }

    fn migrations(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        write!(
            out,
            "<section id=\"migrations\"><h2>{}</h2>",
            self.t("Migrations since the previous review", "Миграции с прошлого пересмотра")
        )?;
        let Some(r) = p.review() else {
            return write!(
                out,
                "<p class=\"lead\">{}</p></section>",
                self.t(
                    "There is no previous review to compare with: the migrations appear from the next review on.",
                    "Прошлого пересмотра для сравнения нет: миграции появятся со следующего пересмотра."
                )
            );
        };
        let s = |m: u64| count(lang, m);
        let lead = match lang {
            Language::Ru => format!(
                "В обоих пересмотрах: {}, новых: {}, ушедших: {}. Категории: выше — {}, ниже — {}, без изменений — \
                 {}. Сегменты: выше — {}, ниже — {}, без изменений — {}. Строки — прошлый пересмотр, столбцы — \
                 нынешний.",
                s(r.continuing()),
                s(r.new.len() as u64),
                s(r.gone.len() as u64),
                s(r.tiers.up.len() as u64),
                s(r.tiers.down.len() as u64),
                s(r.tiers.unchanged),
                s(r.segments.up.len() as u64),
                s(r.segments.down.len() as u64),
                s(r.segments.unchanged),
            ),
            _ => format!(
                "{} partners in both reviews, {} new, {} gone. Tiers: {} up, {} down, {} unchanged. Segments: {} up, \
                 {} down, {} unchanged. Rows are the previous review, columns this one.",
                s(r.continuing()),
                s(r.new.len() as u64),
                s(r.gone.len() as u64),
                s(r.tiers.up.len() as u64),
                s(r.tiers.down.len() as u64),
                s(r.tiers.unchanged),
                s(r.segments.up.len() as u64),
                s(r.segments.down.len() as u64),
                s(r.segments.unchanged),
            ),
        };
        write!(
            out,
            "<p class=\"lead\" id=\"migration-summary\">{}</p><div class=\"row\"><figure>{}</figure><figure>{}</figure>",
            Esc(&lead),
            tier_migration_svg(r, lang),
            segment_migration_svg(r, lang)
        )?;
        // The tier moves by name (the first ten each way).
        out.push_str("<div class=\"moves\">");
        let lists = [
            (self.t("Moved down a tier", "Понизили категорию"), &r.tiers.down),
            (self.t("Moved up a tier", "Повысили категорию"), &r.tiers.up),
        ];
        for (heading, moves) in lists {
            if moves.is_empty() {
                continue;
            }
            write!(out, "<h3>{} ({})</h3><ul>", Esc(heading), count(lang, moves.len() as u64))?;
            for m in moves.iter().take(10) {
                let name = p.get(&m.partner).map_or(m.partner.as_str(), Assessment::display_name);
                write!(
                    out,
                    "<li>{} <span class=\"id\">{}</span>: {} → {}</li>",
                    Esc(name),
                    Esc(m.partner.as_str()),
                    Esc(m.from.name(lang)),
                    Esc(m.to.name(lang))
                )?;
            }
            if moves.len() > 10 {
                write!(
                    out,
                    "<li class=\"muted\">{} {}</li>",
                    self.t("and more:", "и ещё:"),
                    count(lang, moves.len() as u64 - 10)
                )?;
            }
            out.push_str("</ul>");
        }
        out.write_str("</div></div></section>")
    }

    fn top(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        let shown = self.options.top.min(p.assessments().len());
        write!(
            out,
            "<section id=\"top\"><h2>{} {}</h2><p class=\"lead\">{}</p>",
            match lang {
                Language::Ru => "Топ партнёров по приоритету:",
                _ => "Top partners by priority:",
            },
            count(lang, shown as u64),
            self.t(
                "Partners in a crisis come first, then by the priority score (value, potential, resilience). The goal \
                 comes from the partner's tier; the reasons say why the partner is where it is.",
                "Сначала партнёры в кризисе, затем по баллу приоритета (ценность, потенциал, устойчивость). Цель — \
                 из стратегии категории партнёра; причины объясняют его место."
            )
        )?;
        if shown == 0 {
            return out.write_str("</section>");
        }
        write!(
            out,
            "<table class=\"wide top\"><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th>{}</th>\
             <th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            self.t("Partner", "Партнёр"),
            self.t("Seg.", "Сегм."),
            self.t("Tier", "Категория"),
            self.t("Score", "Балл"),
            self.t("Per month", "В месяц"),
            self.t("Potential", "Потенциал"),
            self.t("Risk", "Риск"),
            self.t("Goal and reasons", "Цель и причины"),
        )?;
        for a in p.assessments().iter().take(shown) {
            self.partner_row(out, a)?;
        }
        out.write_str("</tbody></table></section>")
    }

    fn partner_row(&self, out: &mut String, a: &Assessment) -> fmt::Result {
        let lang = self.lang;
        let urgent = if a.is_urgent() {
            format!("<span class=\"urgent\">{}</span>", self.t("URGENT", "СРОЧНО"))
        } else {
            String::new()
        };
        let mut id_line = Esc(a.partner.as_str()).to_string();
        if let Some(region) = &a.region {
            write!(id_line, " · {}", Esc(region))?;
        }
        let risk = a.risk.overall.map_or(self.t("unknown", "неизвестен"), |l| l.name(lang));
        write!(
            out,
            "<tr class=\"partner\" data-partner=\"{}\"><td class=\"num\">{}</td><td><div class=\"name\">{}{urgent}</div><div class=\"id\">{id_line}</div></td>\
             <td><span class=\"badge seg-{s}\">{s}</span></td><td class=\"tier\"><span class=\"dot\" \
             style=\"background:{}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td><span class=\"{}\">{}</span></td><td><div class=\"goal\">{}</div><ul class=\"reasons\">",
            Esc(a.partner.as_str()),
            a.rank,
            Esc(a.display_name()),
            tier_colour(a.tier.tier),
            Esc(a.tier.tier.name(lang)),
            Esc(&lang.format_amount(a.score, 1)),
            Esc(&amount(lang, a.tier.monthly, &a.currency)),
            Esc(a.potential.level.name(lang)),
            level_class(a.risk.overall),
            Esc(&capitalise(risk)),
            Esc(&capitalise(&self.p.strategy(a).goal)),
            s = a.segment.segment,
        )?;
        for reason in a.reasons() {
            write!(out, "<li>{}</li>", Esc(&reason.text(lang)))?;
        }
        out.write_str("</ul></td></tr>")
    }

    fn alerts(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        let alerts = p.alerts();
        write!(out, "<section id=\"alerts\"><h2>{}</h2>", self.t("Crisis alerts", "Кризисные сигналы"))?;
        if alerts.is_empty() {
            return write!(
                out,
                "<p class=\"lead\">{}</p></section>",
                self.t("No crisis alerts.", "Кризисных сигналов нет.")
            );
        }
        let shown = self.options.max_alerts.map_or(alerts.len(), |m| m.min(alerts.len()));
        let mut by_level: Vec<(RiskLevel, u64)> = Vec::new();
        for alert in &alerts {
            match by_level.iter_mut().find(|(l, _)| *l == alert.severity) {
                Some((_, k)) => *k += 1,
                None => by_level.push((alert.severity, 1)),
            }
        }
        let levels: Vec<String> = by_level
            .iter()
            .map(|(l, k)| {
                let name = match l {
                    RiskLevel::Critical => self.t("critical", "критических"),
                    RiskLevel::High => self.t("high", "высоких"),
                    RiskLevel::Medium => self.t("medium", "средних"),
                    RiskLevel::Low => self.t("low", "низких"),
                };
                format!("{} {name}", count(lang, *k))
            })
            .collect();
        let mut lead = match lang {
            Language::Ru => format!(
                "Сигналов: {} ({}), от самых серьёзных; у каждого — план действий.",
                count(lang, alerts.len() as u64),
                levels.join(", ")
            ),
            _ => format!(
                "{} alerts ({}), most severe first, each with its action plan.",
                count(lang, alerts.len() as u64),
                levels.join(", ")
            ),
        };
        if shown < alerts.len() {
            let more = count(lang, (alerts.len() - shown) as u64);
            let listed = count(lang, shown as u64);
            lead.push(' ');
            lead.push_str(&match lang {
                Language::Ru => format!("Показаны первые {listed}; ещё {more} не показаны."),
                _ => format!("The first {listed} are listed; {more} more are not."),
            });
        }
        write!(
            out,
            "<p class=\"lead\" id=\"alert-summary\">{}</p><table class=\"wide alerts\"><thead><tr><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            Esc(&lead),
            self.t("Severity", "Уровень"),
            self.t("Partner", "Партнёр"),
            self.t("Risk", "Риск"),
            self.t("What happened", "Что случилось"),
            self.t("Action plan", "План действий"),
        )?;
        for alert in alerts.iter().take(shown) {
            self.alert_row(out, alert)?;
        }
        out.write_str("</tbody></table></section>")
    }

    fn alert_row(&self, out: &mut String, alert: &CrisisAlert) -> fmt::Result {
        let lang = self.lang;
        let name = self.p.get(&alert.partner).map_or(alert.partner.as_str(), Assessment::display_name);
        let plan: Vec<&str> = alert.actions.iter().map(|a| a.text(lang)).collect();
        write!(
            out,
            "<tr class=\"alert\"><td><span class=\"{}\">{}</span></td><td class=\"who\"><div class=\"name\">{}</div><div class=\"id\">{}</div></td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            level_class(Some(alert.severity)),
            Esc(&capitalise(alert.severity.name(lang))),
            Esc(name),
            Esc(alert.partner.as_str()),
            Esc(alert.category.name(lang)),
            Esc(&capitalise(&alert.text(lang))),
            Esc(&capitalise(&plan.join("; "))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_forbidden_characters() {
        let text = Esc("a<b> & \"c\" 'd' \u{1}\u{fffe}\tok").to_string();
        assert_eq!(text, "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; \u{fffd}\u{fffd}\tok");
        assert_eq!(Esc("Рога и копыта").to_string(), "Рога и копыта");
    }

    #[test]
    fn pixels_print_with_one_decimal() {
        assert_eq!(Px(1234).to_string(), "123.4");
        assert_eq!(Px(1230).to_string(), "123");
        assert_eq!(Px(-5).to_string(), "-0.5");
    }

    #[test]
    fn labels_are_spread_apart_within_bounds() {
        let mut ys = vec![100, 105, 300];
        spread(&mut ys, 20, 0, 1000);
        assert_eq!(ys, [100, 120, 300]);
        let mut ys = vec![980, 990, 995];
        spread(&mut ys, 20, 0, 1000);
        assert_eq!(ys, [960, 980, 1000]);
        // Crowding both edges: only the outer labels move in.
        let mut xs = vec![696, 3440, 6240];
        spread(&mut xs, 560, 920, 5960);
        assert_eq!(xs, [920, 3440, 5960]);
        // No room for all: the upper edge wins.
        let mut xs = vec![0, 10, 20];
        spread(&mut xs, 40, 0, 50);
        assert_eq!(xs, [-30, 10, 50]);
    }

    #[test]
    fn compact_amounts_per_language() {
        let rub = Currency::RUB;
        assert_eq!(compact(Language::En, Decimal::from(82_345_678), &rub), "82.3 M RUB");
        assert_eq!(compact(Language::Ru, Decimal::from(82_345_678), &rub), "82,3 млн ₽");
        assert_eq!(compact(Language::En, Decimal::from(950), &rub), "950 RUB");
    }
    #[test]
    fn compact_amounts_switch_unit_at_exactly_a_thousand_of_the_smaller() {
        let rub = Currency::RUB;
        let en = |v: i64| compact(Language::En, Decimal::from(v), &rub);
        assert_eq!(en(999), "999 RUB");
        assert_eq!(en(1_000), "1.0 k RUB");
        assert_eq!(en(999_999), "1,000.0 k RUB");
        assert_eq!(en(1_000_000), "1.0 M RUB");
        assert_eq!(en(1_000_000_000), "1.0 bn RUB");
        assert_eq!(en(2_500_000_000_000), "2.5 T RUB");
        assert_eq!(en(-1_500_000), "-1.5 M RUB");
        assert_eq!(compact(Language::Ru, Decimal::from(3_000_000_000i64), &rub), "3,0 млрд ₽");
        assert_eq!(compact(Language::Ru, Decimal::from(4_000_000_000_000i64), &rub), "4,0 трлн ₽");
        assert_eq!(compact(Language::Ru, Decimal::from(5_000), &rub), "5,0 тыс. ₽");
    }

    #[test]
    fn every_control_character_xml_forbids_is_replaced() {
        for ch in ['\u{0}', '\u{8}', '\u{b}', '\u{1f}', '\u{7f}', '\u{9f}', '\u{ffff}'] {
            assert_eq!(Esc(&format!("a{ch}b")).to_string(), "a\u{fffd}b", "{:?}", ch);
        }
        for ch in ['\t', '\n', '\r', ' ', '\u{a0}', '\u{fffd}'] {
            assert_eq!(Esc(&format!("a{ch}b")).to_string(), format!("a{ch}b"), "{:?}", ch);
        }
        assert_eq!(Esc("&&").to_string(), "&amp;&amp;");
        assert_eq!(Esc("").to_string(), "");
    }

    #[test]
    fn pixels_keep_the_sign_and_drop_a_zero_tenth() {
        assert_eq!(Px(0).to_string(), "0");
        assert_eq!(Px(-10).to_string(), "-1");
        assert_eq!(Px(-1234).to_string(), "-123.4");
        assert_eq!(Px(9).to_string(), "0.9");
    }

    #[test]
    fn a_share_of_a_length_is_clamped_and_rounded() {
        assert_eq!(part(Decimal::new(333, 3), 100), 33);
        assert_eq!(part(Decimal::new(337, 3), 100), 34);
        assert_eq!(part(Decimal::new(-1, 0), 100), 0);
        assert_eq!(part(Decimal::new(2, 0), 100), 100);
        assert_eq!(ratio(Decimal::ONE, Decimal::ZERO), Decimal::ZERO);
        assert_eq!(ratio(Decimal::ONE, Decimal::from(-4)), Decimal::ZERO);
        assert_eq!(ratio(Decimal::ONE, Decimal::from(4)), Decimal::new(25, 2));
        assert_eq!(capitalise("critical"), "Critical");
        assert_eq!(capitalise("ёж"), "Ёж");
        assert_eq!(capitalise(""), "");
        assert_eq!(cutoff_text(Language::En, Decimal::new(995, 1)), "99.5\u{a0}%");
        assert_eq!(cutoff_text(Language::En, Decimal::from(80)), "80\u{a0}%");
    }

    #[test]
    fn colours_and_classes_differ_per_value() {
        let segments: std::collections::HashSet<&str> = Segment::ALL.iter().map(|s| segment_colour(*s)).collect();
        let tiers: std::collections::HashSet<&str> = Tier::ALL.iter().map(|t| tier_colour(*t)).collect();
        let levels =
            [None, Some(RiskLevel::Low), Some(RiskLevel::Medium), Some(RiskLevel::High), Some(RiskLevel::Critical)];
        let classes: Vec<&str> = levels.iter().map(|l| level_class(*l)).collect();
        assert_eq!((segments.len(), tiers.len()), (4, 4));
        assert_eq!(classes, ["lvl lvl-unknown", "lvl lvl-low", "lvl lvl-medium", "lvl lvl-high", "lvl lvl-critical"]);
    }
}

//! Drawing primitives: escaping, pixel numbers, frames and axes, colours.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::language::Language;
use crate::money::Currency;
use crate::pareto::Segment;
use crate::risk::RiskLevel;
use crate::tier::Tier;

/// Text escaped for XML and HTML content and attribute values: `&`, `<`,
/// `>`, `"` and `'` become references, and the control characters that XML
/// does not allow (and U+FFFE, U+FFFF) become U+FFFD.
pub(super) struct Esc<'a>(pub(super) &'a str);

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
pub(super) struct Px(pub(super) i64);

impl fmt::Display for Px {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        let sign = if v < 0 { "-" } else { "" };
        let (whole, tenth) = (v.unsigned_abs() / 10, v.unsigned_abs() % 10);
        if tenth == 0 { write!(f, "{sign}{whole}") } else { write!(f, "{sign}{whole}.{tenth}") }
    }
}

/// `share` (clamped to 0 … 1) of `len`, rounded to the nearest unit.
pub(super) fn part(share: Decimal, len: i64) -> i64 {
    let share = share.clamp(Decimal::ZERO, Decimal::ONE);
    share.checked_mul(Decimal::from(len)).and_then(|d| d.round().to_i64()).unwrap_or(0)
}

/// `num / den` as a share (zero when `den` is not positive).
pub(super) fn ratio(num: Decimal, den: Decimal) -> Decimal {
    if den > Decimal::ZERO { num.checked_div(den).unwrap_or(Decimal::ZERO) } else { Decimal::ZERO }
}

pub(super) fn count(lang: Language, n: u64) -> String {
    lang.format_amount(Decimal::from(n), 0)
}

pub(super) fn pct(lang: Language, share: Decimal) -> String {
    lang.format_percent(share, 1)
}

/// A cut-off in percent (80, 99.5) as a percentage.
pub(super) fn cutoff_text(lang: Language, percent: Decimal) -> String {
    let dp = if percent.fract().is_zero() { 0 } else { 1 };
    lang.format_percent(percent / Decimal::ONE_HUNDRED, dp)
}

/// A whole amount with the currency sign: `1,234,568 RUB`, `1 234 568 ₽`.
pub(super) fn amount(lang: Language, value: Decimal, currency: &Currency) -> String {
    format!("{} {}", lang.format_amount(value, 0), lang.currency_sign(currency))
}

/// A short amount for chart labels: `82.3 M RUB`, `82,3 млн ₽`.
pub(super) fn compact(lang: Language, value: Decimal, currency: &Currency) -> String {
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

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

pub(super) fn date(lang: Language, d: chrono::NaiveDate) -> String {
    match lang {
        Language::Ru => d.format("%d.%m.%Y").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    }
}

/// An approximate width in pixels of `text` at `size` px in a sans-serif
/// font, for laying out boxes around labels.
pub(super) fn text_width(text: &str, size: i64) -> i64 {
    let chars = i64::try_from(text.chars().count()).unwrap_or(i64::MAX / 64);
    chars.saturating_mul(size).saturating_mul(6) / 10
}

/// Moves label positions (sorted ascending) apart to at least `gap`,
/// keeping them within `lo ..= hi` where possible: only the labels that
/// crowd each other or an edge move. Without room for all of them, the
/// upper edge wins.
pub(super) fn spread(positions: &mut [i64], gap: i64, lo: i64, hi: i64) {
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

pub(super) fn segment_colour(s: Segment) -> &'static str {
    match s {
        Segment::A => "#1f5fae",
        Segment::B => "#2a9d8f",
        Segment::C => "#e9a23b",
        Segment::D => "#8d99a6",
    }
}

pub(super) fn tier_colour(t: Tier) -> &'static str {
    match t {
        Tier::Gold => "#c9a227",
        Tier::Silver => "#98a4b0",
        Tier::Bronze => "#b87333",
        Tier::Beginner => "#6fa8dc",
    }
}

pub(super) fn level_class(level: Option<RiskLevel>) -> &'static str {
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

pub(super) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', \
                    'DejaVu Sans', sans-serif";
pub(super) const INK: &str = "#1d2430";
pub(super) const MUTED: &str = "#5b6573";
pub(super) const GRID: &str = "#e3e7ed";

pub(super) fn svg_open(out: &mut String, width: i64, height: i64, title: &str, class: &str) -> fmt::Result {
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{INK}\">\
         <title>{}</title>",
        Esc(title)
    )
}

/// A plot area; every value in tenths of a pixel.
pub(super) struct Frame {
    pub(super) left: i64,
    pub(super) top: i64,
    pub(super) width: i64,
    pub(super) height: i64,
}

impl Frame {
    pub(super) fn right(&self) -> i64 {
        self.left + self.width
    }

    pub(super) fn bottom(&self) -> i64 {
        self.top + self.height
    }

    pub(super) fn x(&self, share: Decimal) -> i64 {
        self.left + part(share, self.width)
    }

    pub(super) fn y(&self, share: Decimal) -> i64 {
        self.bottom() - part(share, self.height)
    }
}

/// Grid lines and labels at 0, 20, … 100 % on both axes, and the axis
/// titles.
pub(super) fn axes(out: &mut String, f: &Frame, lang: Language, x_title: &str, y_title: &str) -> fmt::Result {
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

pub(super) fn points(out: &mut String, pts: &[(i64, i64)]) -> fmt::Result {
    for (i, (x, y)) in pts.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write!(out, "{},{}", Px(*x), Px(*y))?;
    }
    Ok(())
}

pub(super) fn no_data(out: &mut String, f: &Frame, lang: Language) -> fmt::Result {
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

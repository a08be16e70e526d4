//! Drawing primitives: escaping, pixel numbers, frames and axes, colours.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::lang::{Catalogue, Label, Message};
use crate::money::Currency;
use crate::pareto::Segment;
use crate::risk::RiskLevel;
use crate::tier::Tier;

/// Text escaped for XML and HTML content and attribute values: `&`, `<`,
/// `>`, `"` and `'` become references, and the control characters that XML
/// does not allow (and U+FFFE, U+FFFF) become U+FFFD.
pub(super) struct Esc<'a>(pub(super) &'a str);

/// Text escaped for element content only, never an attribute value: as
/// [`Esc`], but quotes stay as they are (they need no escaping outside
/// attribute values). The page writes the catalogue's [labels] with it,
/// everything else with [`Esc`].
///
/// [labels]: crate::lang::Label
pub(super) struct Text<'a>(pub(super) &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape(f, self.0, true)
    }
}

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        escape(f, self.0, false)
    }
}

/// Writes `s` with `&`, `<` and `>` (and, if `quotes`, `"` and `'`) as
/// references, and the characters XML does not allow as U+FFFD.
fn escape(f: &mut fmt::Formatter<'_>, s: &str, quotes: bool) -> fmt::Result {
    let mut start = 0;
    for (i, ch) in s.char_indices() {
        let replacement = match ch {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' if quotes => "&quot;",
            '\'' if quotes => "&#39;",
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

/// A count, with grouped thousands.
pub(super) fn count(words: &dyn Catalogue, n: u64) -> String {
    words.amount(Decimal::from(n), 0)
}

/// A share as a percentage with one decimal.
pub(super) fn pct(words: &dyn Catalogue, share: Decimal) -> String {
    words.percent(share, 1)
}

/// A whole amount with the currency sign: `1,234,568 RUB`, `1 234 568 ₽`.
pub(super) fn amount(words: &dyn Catalogue, value: Decimal, currency: &Currency) -> String {
    format!("{} {}", words.amount(value, 0), words.currency_sign(currency))
}

/// A short amount for chart labels: `82.3 M RUB`, `82,3 млн ₽`.
pub(super) fn compact(words: &dyn Catalogue, amount: Decimal, currency: Currency) -> String {
    words.message(&Message::CompactAmount { amount, currency })
}

pub(super) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
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

/// Opens a standalone `<svg>` with its title.
pub(super) fn svg_open(
    out: &mut String,
    (width, height): (i64, i64),
    words: &dyn Catalogue,
    title: Label,
    class: &str,
) -> fmt::Result {
    write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"{FONT}\" font-size=\"12\" fill=\"{INK}\">\
         <title>{}</title>",
        Text(words.label(title))
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
pub(super) fn axes(out: &mut String, f: &Frame, words: &dyn Catalogue, x_title: Label, y_title: Label) -> fmt::Result {
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
        let label = words.percent(share, 0);
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
        Text(words.label(x_title))
    )?;
    let (cx, cy) = (f.left - 480, f.top + f.height / 2);
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\" transform=\"rotate(-90 {} {})\">{}</text>",
        Px(cx),
        Px(cy),
        Px(cx),
        Px(cy),
        Text(words.label(y_title))
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

pub(super) fn no_data(out: &mut String, f: &Frame, words: &dyn Catalogue) -> fmt::Result {
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{MUTED}\">{}</text>",
        Px(f.left + f.width / 2),
        Px(f.top + f.height / 2),
        Text(words.label(Label::NoPositiveTurnover))
    )
}

// ---------------------------------------------------------------------------
// The Pareto curve

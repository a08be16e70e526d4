//! The charts: Pareto and Lorenz curves, tiers, migration matrices.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;

use super::svg::*;
use crate::lang::{Catalogue, Label, Message, cutoff};
use crate::pareto::{ParetoBasis, Segment};
use crate::review::Portfolio;
use crate::tier::Tier;

/// The least distance, in tenths of a pixel, between two points of the
/// thinned Pareto curve.
pub(super) const STEP: i64 = 20;

/// One segment's stretch of the Pareto curve, in plot coordinates.
pub(super) struct Curve {
    pub(super) segment: Segment,
    pub(super) points: Vec<(i64, i64)>,
}

/// The Pareto curve, thinned, one stretch per segment. Each tie group's
/// first partner is a vertex: x = (rank − 1) / n, y = the share of
/// turnover strictly above the group; the curve ends at (1, 1).
pub(super) fn pareto_curves(p: &Portfolio, f: &Frame) -> Vec<Curve> {
    let n = p.len();
    // The first partner of each tie group, by rank (ranks are 1 ..= n; a
    // tie group shares the rank of its first position). The assessments are
    // read in the order they are kept: the result does not depend on it.
    let mut groups: Vec<Option<(Decimal, Segment)>> = vec![None; n];
    for a in p.unordered() {
        let slot = (a.segment_rank() as usize).checked_sub(1).and_then(|i| groups.get_mut(i));
        if let Some(slot @ None) = slot {
            *slot = Some((a.turnover_before(), a.segment()));
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

pub(super) fn write_pareto(out: &mut String, p: &Portfolio, words: &dyn Catalogue) -> fmt::Result {
    let f = Frame { left: 640, top: 260, width: 5600, height: 3300 };
    svg_open(out, (720, 430), words, Label::ParetoTitle, "chart chart-pareto")?;
    axes(out, &f, words, Label::ParetoAxis, Label::CumulativeTurnover)?;
    let n = p.assessments().len();
    if n == 0 || p.base() <= Decimal::ZERO {
        no_data(out, &f, words)?;
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
    cutoffs(out, p, &f, words)?;
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
    pareto_legend(out, p, &f, words)?;
    out.write_str("</svg>")
}

/// The policy's cut-offs as dashed lines with their labels.
pub(super) fn cutoffs(out: &mut String, p: &Portfolio, f: &Frame, words: &dyn Catalogue) -> fmt::Result {
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
                    Text(words.label(Label::UpTo)),
                    Esc(&cutoff(words, cuts[k]))
                )?;
            }
        }
        ParetoBasis::Partners => {
            // Cut-offs are shares of the partners with positive turnover.
            let n = Decimal::from(p.len());
            let positive = Decimal::from(p.unordered().iter().filter(|a| a.turnover() > Decimal::ZERO).count());
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
                    Esc(&cutoff(words, cuts[k]))
                )?;
            }
        }
    }
    out.write_str("</g>")
}

/// The legend in the plot's lower right corner, which a Pareto curve never
/// crosses (it lies above the diagonal).
pub(super) fn pareto_legend(out: &mut String, p: &Portfolio, f: &Frame, words: &dyn Catalogue) -> fmt::Result {
    let lines: Vec<(Segment, String)> = p
        .pareto()
        .iter()
        .filter(|r| r.partners > 0)
        .map(|r| {
            let text = words.message(&Message::ParetoLegend {
                segment: r.segment,
                partners: r.partners,
                partner_share: r.partner_share,
                turnover_share: r.turnover_share,
            });
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

pub(super) fn write_lorenz(out: &mut String, p: &Portfolio, words: &dyn Catalogue) -> fmt::Result {
    let f = Frame { left: 640, top: 260, width: 3500, height: 3300 };
    svg_open(out, (440, 430), words, Label::LorenzTitle, "chart chart-lorenz")?;
    axes(out, &f, words, Label::LorenzAxis, Label::CumulativeTurnover)?;
    let (Some(c), false) = (p.concentration(), p.lorenz().is_empty()) else {
        no_data(out, &f, words)?;
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
        Text(words.label(Label::GiniShort)),
        Esc(&words.amount(c.gini, 3))
    )?;
    let key = [("6 4", MUTED, Label::EqualTurnover), ("none", "#1f5fae", Label::LorenzCurve)];
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
            Text(words.label(*label))
        )?;
    }
    out.write_str("</svg>")
}

// ---------------------------------------------------------------------------
// Tiers

pub(super) fn write_tiers(out: &mut String, p: &Portfolio, words: &dyn Catalogue) -> fmt::Result {
    let (width, row_h, top) = (740, 400, 440);
    let height = 216;
    svg_open(out, (width, height), words, Label::TiersTitle, "chart chart-tiers")?;
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
        Text(words.label(Label::Partners)),
        Px(t_x),
        Text(words.label(Label::TurnoverOverWindow))
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
            Esc(words.tier(*tier))
        )?;
        let bars = [
            (p_x, p_w, ratio(Decimal::from(partners), Decimal::from(max_partners)), {
                format!("{} · {}", count(words, partners), pct(words, ratio(Decimal::from(partners), n)))
            }),
            (t_x, t_w, ratio(turnover, max_turnover), {
                format!("{} · {}", compact(words, turnover, currency), pct(words, ratio(turnover, base)))
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

pub(super) fn write_matrix(
    out: &mut String,
    matrix: &[[u64; 4]; 4],
    rows: [&str; 4],
    columns: [&str; 4],
    title: Label,
    words: &dyn Catalogue,
) -> fmt::Result {
    let (left, top, cell_w, cell_h) = (1400i64, 560i64, 960i64, 340i64);
    svg_open(out, (532, 222), words, title, "chart chart-migrations")?;
    write!(
        out,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>\
         <text x=\"8\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
        Px(left),
        Px(top - 340),
        Text(words.label(Label::Now)),
        Px(top - 110),
        Text(words.label(Label::Before))
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
                Esc(&count(words, value))
            )?;
        }
    }
    let key = [("#2a9d8f", Label::MovedUp), ("#c0392b", Label::MovedDown), ("#5b6573", Label::Stayed)];
    let mut x = left;
    let y = top + 4 * cell_h + 150;
    for (colour, label) in key {
        let label = words.label(label);
        write!(
            out,
            "<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" rx=\"2\" fill=\"{colour}\" fill-opacity=\"0.7\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{MUTED}\">{}</text>",
            Px(x),
            Px(y - 90),
            Px(x + 150),
            Px(y),
            Text(label)
        )?;
        x += 150 + text_width(label, 11) * 10 + 200;
    }
    out.write_str("</svg>")
}

// ---------------------------------------------------------------------------
// The page

//! The page: style sheet, headline figures, tables and lists.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;

use super::dynamics::write_sparkline;
use super::svg::*;
use super::{
    ReportOptions, lorenz_svg, pareto_svg, segment_migration_svg, segment_months_svg, tier_migration_svg,
    tier_months_svg, tier_svg,
};
use crate::lang::{Catalogue, Label, Message};
use crate::partner::PartnerId;
use crate::review::{Assessment, Portfolio};
use crate::risk::{CrisisAlert, RiskLevel};

pub(super) const STYLE: &str = "\
*{box-sizing:border-box}\
body{margin:0;background:#f4f6f9;color:#1d2430;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans',sans-serif}\
main{max-width:1280px;margin:0 auto;padding:28px 24px 40px}\
header h1{margin:0 0 4px;font-size:26px;font-weight:700;letter-spacing:-0.01em}\
header .sub{margin:0;color:#5b6573}\
section{background:#ffffff;border:1px solid #e3e7ed;border-radius:10px;padding:20px 22px;margin:18px 0}\
section h2{margin:0 0 6px;font-size:18px}\
section .lead{margin:0 0 14px;color:#5b6573;max-width:980px}\
section .lead.warn{color:#a4161a;font-weight:600}\
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
td.spark{padding-top:8px}\
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

pub(super) struct Page<'a> {
    pub(super) p: &'a Portfolio,
    pub(super) words: &'a dyn Catalogue,
    pub(super) options: &'a ReportOptions,
}

impl<'a> Page<'a> {
    /// A label in the catalogue's words, to write as element content.
    fn label(&self, label: Label) -> Text<'a> {
        Text(self.words.label(label))
    }

    /// A message in the catalogue's words.
    fn message(&self, message: &Message) -> String {
        self.words.message(message)
    }

    /// The name of a partner, if it has one (a partner without a name is
    /// shown by its id alone, not by its id twice).
    fn name_of(&self, partner: &PartnerId) -> Option<&'a str> {
        self.p.get(partner).and_then(Assessment::name)
    }

    pub(super) fn write(&self, out: &mut String) -> fmt::Result {
        let (p, words) = (self.p, self.words);
        let title = match &self.options.title {
            Some(t) => t.as_str(),
            None => words.label(Label::ReportTitle),
        };
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{}</title><style>{STYLE}</style></head><body><main>",
            words.language().code(),
            Esc(title)
        )?;
        let sub = self.message(&Message::ReviewLine { as_of: p.as_of(), window: p.window(), currency: p.currency() });
        write!(out, "<header><h1>{}</h1><p class=\"sub\">{}</p></header>", Esc(title), Esc(&sub))?;
        self.headline(out)?;
        self.pareto(out)?;
        self.tiers(out)?;
        self.dynamics(out)?;
        self.migrations(out)?;
        self.top(out)?;
        self.alerts(out)?;
        write!(
            out,
            "<footer>partner-priority {} · {}</footer></main></body></html>",
            env!("CARGO_PKG_VERSION"),
            self.label(Label::FooterNote)
        )
    }

    pub(super) fn kpi(
        &self,
        out: &mut String,
        id: &str,
        label: Label,
        value: &str,
        note: impl fmt::Display,
    ) -> fmt::Result {
        write!(
            out,
            "<div class=\"kpi\"><div class=\"label\">{}</div><div class=\"value\" id=\"{}\">{}</div>\
             <div class=\"note\">{note}</div></div>",
            self.label(label),
            Esc(id),
            Esc(value),
        )
    }

    pub(super) fn headline(&self, out: &mut String) -> fmt::Result {
        let (p, words) = (self.p, self.words);
        let n = p.len() as u64;
        let positive = p.unordered().iter().filter(|a| a.turnover() > Decimal::ZERO).count() as u64;
        let alerts = p.alerts();
        let critical = alerts.iter().filter(|a| a.severity == RiskLevel::Critical).count() as u64;
        out.push_str("<section class=\"kpis\">");
        let note = self.message(&Message::PartnersWithTurnover { partners: positive });
        self.kpi(out, "kpi-partners", Label::PartnersKpi, &count(words, n), Esc(&note))?;
        let note = self.message(&Message::NetOverWindow { window: p.window() });
        self.kpi(out, "kpi-turnover", Label::NetworkTurnover, &words.money(p.total()), Esc(&note))?;
        let (gini, top20) = match p.concentration() {
            Some(c) => (words.amount(c.gini, 3), pct(words, c.top_20_share)),
            None => ("—".to_owned(), "—".to_owned()),
        };
        self.kpi(out, "kpi-gini", Label::Gini, &gini, self.label(Label::GiniNote))?;
        self.kpi(out, "kpi-top20", Label::Top20Kpi, &top20, self.label(Label::Top20Note))?;
        let (risk, risk_note) = match p.concentration_risk() {
            Some(r) => (
                capitalise(words.risk_level(r.level)),
                self.message(&Message::LargestPartner { percent: r.top_partner_percent, hhi: r.hhi }),
            ),
            None => ("—".to_owned(), String::new()),
        };
        self.kpi(out, "kpi-risk", Label::ConcentrationRisk, &risk, Esc(&risk_note))?;
        let total = alerts.len() as u64;
        let note = self.message(&Message::AlertCounts { critical, high: total - critical });
        self.kpi(out, "kpi-alerts", Label::CrisisAlerts, &count(words, total), Esc(&note))?;
        out.write_str("</section>")
    }

    pub(super) fn pareto(&self, out: &mut String) -> fmt::Result {
        let (p, words) = (self.p, self.words);
        let policy = p.pareto_policy();
        let lead = self.message(&Message::ParetoLead { basis: policy.basis(), cutoffs: policy.cutoffs() });
        write!(
            out,
            "<section id=\"pareto\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"row\"><figure>{}</figure>\
             <figure>{}</figure></div>",
            self.label(Label::SegmentsHeading),
            Esc(&lead),
            pareto_svg(p, words),
            lorenz_svg(p, words)
        )?;
        // The Pareto table and the concentration figures side by side.
        write!(
            out,
            "<div class=\"row\"><table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">%</th>\
             <th class=\"num\">{}</th><th class=\"num\">%</th><th class=\"num\">{}</th></tr></thead><tbody>",
            self.label(Label::Segment),
            self.label(Label::Partners),
            self.label(Label::Turnover),
            self.label(Label::ArticleProfile),
        )?;
        let currency = p.currency();
        for row in p.pareto() {
            let e = row.expected;
            write!(
                out,
                "<tr><td><span class=\"badge seg-{s}\">{s}</span> {}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num muted\">≈ {} / {}{}</td></tr>",
                Esc(words.segment(row.segment)),
                count(words, row.partners),
                pct(words, row.partner_share),
                Esc(&amount(words, row.turnover, &currency)),
                pct(words, row.turnover_share),
                words.percent(e.partners, 0),
                if e.turnover_is_upper_bound { "&lt; " } else { "" },
                words.percent(e.turnover, 0),
                s = row.segment,
            )?;
        }
        out.push_str("</tbody></table>");
        if let Some(c) = p.concentration() {
            write!(
                out,
                "<table><tbody><tr><th>{}</th><td class=\"num\">{}</td></tr><tr><th>{}</th><td class=\"num\">{}</td>\
                 </tr><tr><th>{}</th><td class=\"num\">{}</td></tr><tr><th>{}</th><td class=\"num\">{}</td></tr>",
                self.label(Label::Gini),
                Esc(&words.amount(c.gini, 3)),
                self.label(Label::Top20Hold),
                pct(words, c.top_20_share),
                self.label(Label::LargestPartnerHolds),
                pct(words, c.top_partner_share),
                self.label(Label::Hhi),
                Esc(&words.amount(c.hhi, 0)),
            )?;
            if let Some(r) = p.concentration_risk() {
                write!(
                    out,
                    "<tr><th>{}</th><td><span class=\"{}\">{}</span></td></tr>",
                    self.label(Label::ConcentrationRisk),
                    level_class(Some(r.level)),
                    Esc(&capitalise(words.risk_level(r.level)))
                )?;
            }
            out.push_str("</tbody></table>");
        }
        out.write_str("</div></section>")
    }

    pub(super) fn tiers(&self, out: &mut String) -> fmt::Result {
        let (p, words) = (self.p, self.words);
        write!(
            out,
            "<section id=\"tiers\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"row\"><figure>{}</figure>",
            self.label(Label::TiersHeading),
            self.label(Label::TiersLead),
            tier_svg(p, words)
        )?;
        write!(
            out,
            "<table><thead><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">%</th><th class=\"num\">{}</th>\
             <th class=\"num\">%</th></tr></thead><tbody>",
            self.label(Label::Tier),
            self.label(Label::Partners),
            self.label(Label::Turnover),
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
                Esc(words.tier(row.tier)),
                count(words, row.partners),
                pct(words, ratio(Decimal::from(row.partners), n)),
                Esc(&amount(words, row.turnover, &currency)),
                pct(words, ratio(row.turnover, p.base())),
            )?;
        }
        out.write_str("</tbody></table></div></section>")
    }

    /// The network month by month, if the options carry the figures.
    pub(super) fn dynamics(&self, out: &mut String) -> fmt::Result {
        let Some(d) = &self.options.dynamics else { return Ok(()) };
        write!(
            out,
            "<section id=\"dynamics\"><h2>{}</h2><p class=\"lead\">{}</p><div class=\"row\"><figure>{}</figure>\
             <figure>{}</figure></div></section>",
            self.label(Label::DynamicsHeading),
            self.label(Label::DynamicsLead),
            segment_months_svg(d, self.words),
            tier_months_svg(d, self.words)
        )
    }

    pub(super) fn migrations(&self, out: &mut String) -> fmt::Result {
        let words = self.words;
        write!(out, "<section id=\"migrations\"><h2>{}</h2>", self.label(Label::MigrationsHeading))?;
        let Some(r) = self.p.migrations() else {
            return write!(out, "<p class=\"lead\">{}</p></section>", self.label(Label::NoPreviousReview));
        };
        let lead = self.message(&Message::MigrationSummary {
            continuing: r.continuing(),
            new: r.new.len() as u64,
            gone: r.gone.len() as u64,
            tiers_up: r.tiers.up.len() as u64,
            tiers_down: r.tiers.down.len() as u64,
            tiers_unchanged: r.tiers.unchanged,
            segments_up: r.segments.up.len() as u64,
            segments_down: r.segments.down.len() as u64,
            segments_unchanged: r.segments.unchanged,
        });
        if let Some(span) = r.span {
            let text = self.message(&Message::ReviewSpan { span, period: self.p.review_period() });
            let class = if span.is_longer_than(self.p.review_period()) { "lead warn" } else { "lead" };
            write!(out, "<p class=\"{class}\" id=\"review-span\">{}</p>", Esc(&text))?;
        }
        write!(
            out,
            "<p class=\"lead\" id=\"migration-summary\">{}</p><div class=\"row\"><figure>{}</figure><figure>{}</figure>",
            Esc(&lead),
            tier_migration_svg(r, words),
            segment_migration_svg(r, words)
        )?;
        // The tier moves by name (the first ten each way).
        out.push_str("<div class=\"moves\">");
        for (heading, moves) in [(Label::MovedDownTier, &r.tiers.down), (Label::MovedUpTier, &r.tiers.up)] {
            if moves.is_empty() {
                continue;
            }
            write!(out, "<h3>{} ({})</h3><ul>", self.label(heading), count(words, moves.len() as u64))?;
            for m in moves.iter().take(10) {
                let id = Esc(m.partner.as_str());
                match self.name_of(&m.partner) {
                    Some(name) => write!(out, "<li>{} <span class=\"id\">{id}</span>", Esc(name))?,
                    None => write!(out, "<li>{id}")?,
                }
                write!(out, ": {} → {}</li>", Esc(words.tier(m.from)), Esc(words.tier(m.to)))?;
            }
            if moves.len() > 10 {
                let more = self.message(&Message::MoreMoves { more: moves.len() as u64 - 10 });
                write!(out, "<li class=\"muted\">{}</li>", Esc(&more))?;
            }
            out.push_str("</ul>");
        }
        out.write_str("</div></div></section>")
    }

    pub(super) fn top(&self, out: &mut String) -> fmt::Result {
        let p = self.p;
        let shown = self.options.top.min(p.len());
        write!(
            out,
            "<section id=\"top\"><h2>{}</h2><p class=\"lead\">{}</p>",
            Esc(&self.message(&Message::TopPartners { listed: shown as u64 })),
            self.label(Label::TopLead)
        )?;
        if shown == 0 {
            return out.write_str("</section>");
        }
        let spark_head = match self.options.dynamics {
            Some(_) => format!("<th>{}</th>", self.label(Label::LastTwelveMonths)),
            None => String::new(),
        };
        write!(
            out,
            "<table class=\"wide top\"><thead><tr><th class=\"num\">#</th><th>{}</th><th>{}</th><th>{}</th>\
             <th class=\"num\">{}</th><th class=\"num\">{}</th>{}<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            self.label(Label::Partner),
            self.label(Label::SegmentShort),
            self.label(Label::Tier),
            self.label(Label::Score),
            self.label(Label::PerMonth),
            spark_head,
            self.label(Label::Potential),
            self.label(Label::Risk),
            self.label(Label::GoalAndReasons),
        )?;
        for a in p.top(shown) {
            self.partner_row(out, a)?;
        }
        out.write_str("</tbody></table></section>")
    }

    pub(super) fn partner_row(&self, out: &mut String, a: &Assessment) -> fmt::Result {
        let words = self.words;
        let urgent = if a.is_urgent() {
            format!("<span class=\"urgent\">{}</span>", self.label(Label::Urgent))
        } else {
            String::new()
        };
        // Under the name line: the id, unless the partner has no name (then
        // the name line shows the id), and the region.
        let id = a.name().map(|_| a.id().as_str());
        let under: Vec<String> = id.into_iter().chain(a.region()).map(|t| Esc(t).to_string()).collect();
        let id_line =
            if under.is_empty() { String::new() } else { format!("<div class=\"id\">{}</div>", under.join(" · ")) };
        let risk = a.risk_level().map_or(words.label(Label::RiskUnknown), |l| words.risk_level(l));
        let spark = match &self.options.dynamics {
            Some(d) => {
                let mut cell = String::from("<td class=\"spark\">");
                write_sparkline(&mut cell, d, a.id().as_str(), words)?;
                cell.push_str("</td>");
                cell
            }
            None => String::new(),
        };
        write!(
            out,
            "<tr class=\"partner\" data-partner=\"{}\"><td class=\"num\">{}</td><td><div class=\"name\">{}{urgent}</div>{id_line}</td>\
             <td><span class=\"badge seg-{s}\">{s}</span></td><td class=\"tier\"><span class=\"dot\" \
             style=\"background:{}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>{spark}<td>{}</td>\
             <td><span class=\"{}\">{}</span></td><td><div class=\"goal\">{}</div><ul class=\"reasons\">",
            Esc(a.id().as_str()),
            a.rank(),
            Esc(a.display_name()),
            tier_colour(a.tier()),
            Esc(words.tier(a.tier())),
            Esc(&words.amount(a.score(), 1)),
            Esc(&amount(words, a.monthly_turnover(), &a.currency())),
            Esc(words.potential_level(a.potential_level())),
            level_class(a.risk_level()),
            Esc(&capitalise(risk)),
            Esc(&capitalise(&self.p.strategy(a).goal)),
            s = a.segment(),
        )?;
        for reason in a.reasons() {
            write!(out, "<li>{}</li>", Esc(&words.reason(&reason)))?;
        }
        out.write_str("</ul></td></tr>")
    }

    pub(super) fn alerts(&self, out: &mut String) -> fmt::Result {
        let alerts = self.p.alerts();
        write!(out, "<section id=\"alerts\"><h2>{}</h2>", self.label(Label::CrisisAlerts))?;
        if alerts.is_empty() {
            return write!(out, "<p class=\"lead\">{}</p></section>", self.label(Label::NoCrisisAlerts));
        }
        let shown = self.options.max_alerts.map_or(alerts.len(), |m| m.min(alerts.len()));
        let mut by_severity: Vec<(RiskLevel, u64)> = Vec::new();
        for alert in &alerts {
            match by_severity.iter_mut().find(|(l, _)| *l == alert.severity) {
                Some((_, k)) => *k += 1,
                None => by_severity.push((alert.severity, 1)),
            }
        }
        let mut lead = self.message(&Message::AlertSummary { alerts: alerts.len() as u64, by_severity });
        if shown < alerts.len() {
            lead.push(' ');
            lead.push_str(
                &self.message(&Message::AlertsNotListed { listed: shown as u64, more: (alerts.len() - shown) as u64 }),
            );
        }
        write!(
            out,
            "<p class=\"lead\" id=\"alert-summary\">{}</p><table class=\"wide alerts\"><thead><tr><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            Esc(&lead),
            self.label(Label::Severity),
            self.label(Label::Partner),
            self.label(Label::Risk),
            self.label(Label::WhatHappened),
            self.label(Label::ActionPlan),
        )?;
        for alert in alerts.iter().take(shown) {
            self.alert_row(out, alert)?;
        }
        out.write_str("</tbody></table></section>")
    }

    pub(super) fn alert_row(&self, out: &mut String, alert: &CrisisAlert) -> fmt::Result {
        let words = self.words;
        let id = Esc(alert.partner.as_str());
        let who = match self.name_of(&alert.partner) {
            Some(name) => format!("<div class=\"name\">{}</div><div class=\"id\">{id}</div>", Esc(name)),
            None => format!("<div class=\"name\">{id}</div>"),
        };
        let plan: Vec<&str> = self.p.crisis_plan(alert).iter().map(|a| &**a).collect();
        write!(
            out,
            "<tr class=\"alert\"><td><span class=\"{}\">{}</span></td><td class=\"who\">{who}</td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            level_class(Some(alert.severity)),
            Esc(&capitalise(words.risk_level(alert.severity))),
            Esc(words.risk_category(alert.category)),
            Esc(&capitalise(&words.alert(alert))),
            Esc(&capitalise(&plan.join("; "))),
        )
    }
}

//! The page: style sheet, headline figures, tables and lists.

use std::fmt::{self, Write as _};

use rust_decimal::Decimal;

use super::svg::*;
use super::{ReportOptions, lorenz_svg, pareto_svg, segment_migration_svg, tier_migration_svg, tier_svg};
use crate::lang::Catalogue;
use crate::language::Language;
use crate::pareto::ParetoBasis;
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

pub(super) struct Page<'a> {
    pub(super) p: &'a Portfolio,
    pub(super) lang: Language,
    pub(super) options: &'a ReportOptions,
}

impl Page<'_> {
    pub(super) fn t(&self, en: &'static str, ru: &'static str) -> &'static str {
        self.lang.pick(en, ru)
    }

    pub(super) fn write(&self, out: &mut String) -> fmt::Result {
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

    pub(super) fn kpi(&self, out: &mut String, id: &str, label: &str, value: &str, note: &str) -> fmt::Result {
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

    pub(super) fn headline(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        let n = p.len() as u64;
        let positive = p.kept().iter().filter(|a| a.turnover() > Decimal::ZERO).count() as u64;
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
                capitalise(lang.risk_level(r.level)),
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

    pub(super) fn pareto(&self, out: &mut String) -> fmt::Result {
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
                Esc(lang.segment(row.segment)),
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
                    Esc(&capitalise(lang.risk_level(r.level)))
                )?;
            }
            out.push_str("</tbody></table>");
        }
        out.write_str("</div></section>")
    }

    pub(super) fn tiers(&self, out: &mut String) -> fmt::Result {
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
                Esc(lang.tier(row.tier)),
                count(lang, row.partners),
                pct(lang, ratio(Decimal::from(row.partners), n)),
                Esc(&amount(lang, row.turnover, &currency)),
                pct(lang, ratio(row.turnover, p.base())),
            )?;
        }
        out.write_str("</tbody></table></div></section>")
    }

    pub(super) fn migrations(&self, out: &mut String) -> fmt::Result {
        let (p, lang) = (self.p, self.lang);
        write!(
            out,
            "<section id=\"migrations\"><h2>{}</h2>",
            self.t("Migrations since the previous review", "Миграции с прошлого пересмотра")
        )?;
        let Some(r) = p.migrations() else {
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
                    Esc(lang.tier(m.from)),
                    Esc(lang.tier(m.to))
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

    pub(super) fn top(&self, out: &mut String) -> fmt::Result {
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
        for a in p.top(shown) {
            self.partner_row(out, a)?;
        }
        out.write_str("</tbody></table></section>")
    }

    pub(super) fn partner_row(&self, out: &mut String, a: &Assessment) -> fmt::Result {
        let lang = self.lang;
        let urgent = if a.is_urgent() {
            format!("<span class=\"urgent\">{}</span>", self.t("URGENT", "СРОЧНО"))
        } else {
            String::new()
        };
        let mut id_line = Esc(a.id().as_str()).to_string();
        if let Some(region) = a.region() {
            write!(id_line, " · {}", Esc(region))?;
        }
        let risk = a.risk_level().map_or(self.t("unknown", "неизвестен"), |l| lang.risk_level(l));
        write!(
            out,
            "<tr class=\"partner\" data-partner=\"{}\"><td class=\"num\">{}</td><td><div class=\"name\">{}{urgent}</div><div class=\"id\">{id_line}</div></td>\
             <td><span class=\"badge seg-{s}\">{s}</span></td><td class=\"tier\"><span class=\"dot\" \
             style=\"background:{}\"></span>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td><span class=\"{}\">{}</span></td><td><div class=\"goal\">{}</div><ul class=\"reasons\">",
            Esc(a.id().as_str()),
            a.rank(),
            Esc(a.display_name()),
            tier_colour(a.tier()),
            Esc(lang.tier(a.tier())),
            Esc(&lang.format_amount(a.score(), 1)),
            Esc(&amount(lang, a.monthly_turnover(), &a.currency())),
            Esc(lang.potential_level(a.potential_level())),
            level_class(a.risk_level()),
            Esc(&capitalise(risk)),
            Esc(&capitalise(&self.p.strategy(a).goal)),
            s = a.segment(),
        )?;
        for reason in a.reasons() {
            write!(out, "<li>{}</li>", Esc(&lang.reason(&reason)))?;
        }
        out.write_str("</ul></td></tr>")
    }

    pub(super) fn alerts(&self, out: &mut String) -> fmt::Result {
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

    pub(super) fn alert_row(&self, out: &mut String, alert: &CrisisAlert) -> fmt::Result {
        let lang = self.lang;
        let name = self.p.get(&alert.partner).map_or(alert.partner.as_str(), Assessment::display_name);
        let plan: Vec<&str> = self.p.crisis_plan(alert).iter().map(|a| &**a).collect();
        write!(
            out,
            "<tr class=\"alert\"><td><span class=\"{}\">{}</span></td><td class=\"who\"><div class=\"name\">{}</div><div class=\"id\">{}</div></td>\
             <td>{}</td><td>{}</td><td>{}</td></tr>",
            level_class(Some(alert.severity)),
            Esc(&capitalise(lang.risk_level(alert.severity))),
            Esc(name),
            Esc(alert.partner.as_str()),
            Esc(lang.risk_category(alert.category)),
            Esc(&capitalise(&lang.alert(alert))),
            Esc(&capitalise(&plan.join("; "))),
        )
    }
}

//! The HTML report through the public API: well-formed XML, self-contained,
//! the headline numbers of the portfolio, both languages, escaping of user
//! text, the cut-off lines where the Pareto table says, and a small page for
//! a large network.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stderr)]

use chrono::NaiveDate;
use partner_priority::lang::{Catalogue, English, Label, Message, Russian};
use partner_priority::ledger::MonthlyFigures;
use partner_priority::pareto::{Boundary, ParetoBasis, ParetoPolicy};
use partner_priority::period::Month;
use partner_priority::report::{
    self, ReportOptions, lorenz_svg, pareto_svg, segment_migration_svg, tier_migration_svg, tier_svg,
};
use partner_priority::risk::{RiskFacts, RiskLevel};
use partner_priority::{
    Currency, Language, Ledger, Money, Partner, PartnerId, Policy, Portfolio, Review, Sale, Segment,
};
use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};
use rust_decimal::Decimal;

// ---------------------------------------------------------------------------
// A small XML reader on top of quick-xml: checks well-formedness and keeps
// each element's name, attributes and text.

#[derive(Debug)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    text: String,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn has_class(&self, class: &str) -> bool {
        self.attr("class").is_some_and(|c| c.split_whitespace().any(|x| x == class))
    }
}

/// Parses `doc` as XML (a `<!DOCTYPE>` allowed): every tag closed and
/// matched, attributes quoted and unique, only XML's own entities, exactly
/// one root element. Returns the elements in document order; each element's
/// text is that of all its descendants.
fn parse(doc: &str) -> Result<Vec<Element>, String> {
    let mut reader = Reader::from_str(doc);
    reader.config_mut().check_end_names = true;
    reader.config_mut().check_comments = true;
    let mut elements: Vec<Element> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut roots = 0;
    let at = |r: &Reader<&[u8]>| r.buffer_position();
    loop {
        let event = reader.read_event().map_err(|e| format!("at {}: {e}", at(&reader)))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if stack.is_empty() {
                    roots += 1;
                }
                let name = String::from_utf8(e.name().as_ref().to_vec()).map_err(|e| e.to_string())?;
                let mut attrs = Vec::new();
                for a in e.attributes().with_checks(true) {
                    let a = a.map_err(|err| format!("at {}: attribute of <{name}>: {err}", at(&reader)))?;
                    let key = String::from_utf8(a.key.as_ref().to_vec()).map_err(|e| e.to_string())?;
                    let value = a
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|err| format!("<{name} {key}>: {err}"))?
                        .into_owned();
                    xml_chars(&value)?;
                    attrs.push((key, value));
                }
                elements.push(Element { name, attrs, text: String::new() });
                if matches!(event, Event::Start(_)) {
                    stack.push(elements.len() - 1);
                }
            }
            Event::End(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).map_err(|e| e.to_string())?;
                let open = stack.pop().ok_or_else(|| format!("</{name}> closes nothing"))?;
                if elements[open].name != name {
                    return Err(format!("</{name}> closes <{}>", elements[open].name));
                }
            }
            Event::Text(t) => {
                let t = t.decode().map_err(|e| e.to_string())?;
                xml_chars(&t)?;
                if stack.is_empty() && !t.trim().is_empty() {
                    return Err(format!("text outside the root: {t:?}"));
                }
                text(&mut elements, &stack, &t);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => match r.decode().map_err(|e| e.to_string())?.as_ref() {
                        "amp" => "&".to_owned(),
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "quot" => "\"".to_owned(),
                        "apos" => "'".to_owned(),
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                text(&mut elements, &stack, &resolved);
            }
            Event::CData(c) => text(&mut elements, &stack, &String::from_utf8_lossy(&c)),
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(&open) = stack.last() {
        return Err(format!("<{}> is never closed", elements[open].name));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(elements)
}

/// Checks that `s` holds only characters XML 1.0 allows.
fn xml_chars(s: &str) -> Result<(), String> {
    match s
        .chars()
        .find(|&c| matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'))
    {
        Some(c) => Err(format!("the character {c:?} is not allowed in XML")),
        None => Ok(()),
    }
}

fn text(elements: &mut [Element], stack: &[usize], t: &str) {
    for &i in stack {
        elements[i].text.push_str(t);
    }
}

/// Every `<svg …>…</svg>` in `html`, as text.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("an <svg> without </svg>") + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

fn by_id<'a>(elements: &'a [Element], id: &str) -> &'a Element {
    elements.iter().find(|e| e.attr("id") == Some(id)).unwrap_or_else(|| panic!("no element #{id}"))
}

/// Checks the page is self-contained and well-formed, and each SVG parses on
/// its own; returns the page's elements.
fn check_page(html: &str) -> Vec<Element> {
    assert!(html.starts_with("<!DOCTYPE html>"));
    let elements = parse(html).unwrap_or_else(|e| panic!("the page is not well-formed: {e}"));
    assert_eq!(elements[0].name, "html");
    let lower = html.to_lowercase();
    for banned in ["<script", "<link", "<iframe", "<img", "<object", "<embed", "@import", "url(", "src=", "href="] {
        assert!(!lower.contains(banned), "the page holds `{banned}`");
    }
    // The only URL is the SVG namespace.
    assert_eq!(lower.matches("http").count(), lower.matches("xmlns=\"http://www.w3.org/2000/svg\"").count());
    let charts = svgs(html);
    assert!(!charts.is_empty());
    for svg in charts {
        let inner = parse(svg).unwrap_or_else(|e| panic!("an SVG is not well-formed on its own: {e}"));
        assert_eq!(inner[0].name, "svg");
        assert_eq!(inner[0].attr("xmlns"), Some("http://www.w3.org/2000/svg"));
        assert!(inner[0].attr("viewBox").is_some());
    }
    elements
}

#[test]
fn the_xml_check_rejects_what_is_not_well_formed() {
    for bad in [
        "<a><b></a>",
        "<a>&nbsp;</a>",
        "<a x=1></a>",
        "<a x=\"1\" x=\"2\"></a>",
        "<a><br></a>",
        "<a>\u{7}</a>",
        "<a></a><b></b>",
        "<a>",
    ] {
        assert!(parse(bad).is_err(), "{bad}");
    }
    assert!(parse("<!DOCTYPE html>\n<a b=\"&amp;&#39;\">&lt;x&gt;<c/></a>").is_ok());
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn rub(amount: i64) -> Money {
    Money::new(Decimal::from(amount), Currency::RUB)
}

/// The review of `ledger` as of `as_of` by the default policy.
fn review_of(ledger: &Ledger, as_of: NaiveDate) -> Portfolio {
    Review::new(ledger, as_of).run(&Policy::default()).unwrap()
}

/// The page of `p` in the words of `lang` (the goals and action plans stay
/// in the language of the portfolio's playbook).
fn html_in(p: &Portfolio, lang: Language, options: &ReportOptions) -> String {
    report::html(p, &options.clone().with_language(lang))
}

/// A ledger where each partner has its monthly turnover in each of `months`
/// of 2025.
fn ledger_of<S: AsRef<str>>(partners: &[(S, i64)], months: std::ops::RangeInclusive<u32>) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB);
    for (id, monthly) in partners {
        let id = PartnerId::new(id.as_ref()).unwrap();
        for m in months.clone() {
            ledger.add_monthly(MonthlyFigures::new(id.clone(), Month::new(2025, m).unwrap(), rub(*monthly))).unwrap();
        }
    }
    ledger
}

/// Ten partners, P0 … P9: 50, 30, 10, 5, 2, 1, 1, 0.5, 0.5 and 0 thousand.
const TEN: [i64; 10] = [50_000, 30_000, 10_000, 5_000, 2_000, 1_000, 1_000, 500, 500, 0];

/// `amounts` as partners P0, P1, … in June 2025.
fn numbered(amounts: &[i64]) -> Ledger {
    let partners: Vec<(String, i64)> = amounts.iter().enumerate().map(|(i, a)| (format!("P{i}"), *a)).collect();
    ledger_of(&partners, 6..=6)
}

/// A small network with names that need escaping and a previous review.
fn small(names: &[(&str, &str, i64)]) -> (Portfolio, Portfolio) {
    let mut ledger = Ledger::new(Currency::RUB);
    let mut partners = Vec::new();
    for (id, name, monthly) in names {
        let pid = PartnerId::new(id).unwrap();
        partners.push(Partner::new(pid.clone()).with_name(*name).with_region("Москва & <область>"));
        for m in 1..=12 {
            // A growing partner: Bronze at the previous review, Silver now.
            let amount = if *id == "grow" { monthly * i64::from(m * m) } else { *monthly };
            ledger.record(Sale::new(pid.clone(), date(2025, m, 10), rub(amount))).unwrap();
        }
    }
    let previous = Review::new(&ledger, date(2025, 10, 1)).partners(&partners).run(&Policy::default()).unwrap();
    let current =
        Review::new(&ledger, date(2026, 1, 1)).partners(&partners).previous(&previous).run(&Policy::default()).unwrap();
    (current, previous)
}

const TRICKY: &str = "Рога & <Копыта> \"Best\" 'Co' </td></tr><script>alert(1)</script> \u{7}";

#[test]
fn user_text_is_escaped_and_the_page_stays_well_formed() {
    let (p, _) = small(&[("big", TRICKY, 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    let options = ReportOptions::default().with_title("Q4 <b>&</b> \"review\"");
    for lang in [Language::En, Language::Ru] {
        let html = html_in(&p, lang, &options);
        let elements = check_page(&html);
        assert!(!html.contains("<Копыта>"));
        assert!(html.contains("Рога &amp; &lt;Копыта&gt; &quot;Best&quot; &#39;Co&#39;"));
        // The name reads back as written (the control character, which XML
        // cannot hold, is replaced).
        let expected = TRICKY.replace('\u{7}', "\u{fffd}");
        assert!(elements.iter().any(|e| e.has_class("name") && e.text.starts_with(&expected)), "{lang}");
        assert!(elements.iter().any(|e| e.name == "title" && e.text == "Q4 <b>&</b> \"review\""));
        assert!(elements.iter().any(|e| e.name == "h1" && e.text == "Q4 <b>&</b> \"review\""));
    }
}

#[test]
fn the_migrations_show_when_there_is_a_previous_review_and_say_so_when_not() {
    let (current, previous) = small(&[("big", "Big", 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    let review = current.migrations().unwrap();
    assert!(!review.tiers.up.is_empty());
    let html = html_in(&current, Language::En, &ReportOptions::default());
    let elements = check_page(&html);
    let summary = &by_id(&elements, "migration-summary").text;
    assert!(summary.starts_with("3 partners in both reviews, 0 new, 0 gone."), "{summary}");
    let counts = Message::MigrationSummary {
        continuing: review.continuing(),
        new: review.new.len() as u64,
        gone: review.gone.len() as u64,
        tiers_up: review.tiers.up.len() as u64,
        tiers_down: review.tiers.down.len() as u64,
        tiers_unchanged: review.tiers.unchanged,
        segments_up: review.segments.up.len() as u64,
        segments_down: review.segments.down.len() as u64,
        segments_unchanged: review.segments.unchanged,
    };
    assert_eq!(summary, &English.message(&counts));
    let ru = check_page(&html_in(&current, Language::Ru, &ReportOptions::default()));
    assert_eq!(by_id(&ru, "migration-summary").text, Russian.message(&counts));
    assert_eq!(svgs(&html).len(), 5);
    assert!(html.contains(&tier_migration_svg(review, &Language::En)));
    assert!(html.contains(&segment_migration_svg(review, &Language::En)));
    // The growing partner is listed under "moved up a tier".
    assert!(elements.iter().any(|e| e.name == "li" && e.text.starts_with("Grow grow: ")));

    let html = html_in(&previous, Language::Ru, &ReportOptions::default());
    check_page(&html);
    assert!(html.contains("Прошлого пересмотра для сравнения нет"));
    assert!(html.contains(Russian.label(Label::NoPreviousReview)));
    assert_eq!(svgs(&html).len(), 3);
}

#[test]
fn each_chart_is_a_standalone_svg_and_the_page_embeds_it() {
    let (p, _) = small(&[("big", "Big", 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    for lang in [Language::En, Language::Ru] {
        let html = html_in(&p, lang, &ReportOptions::default());
        for svg in [pareto_svg(&p, &lang), lorenz_svg(&p, &lang), tier_svg(&p, &lang)] {
            let elements = parse(&svg).unwrap();
            assert_eq!(elements[0].name, "svg");
            assert!(html.contains(&svg));
        }
    }
}

/// The plot area of the Pareto chart (see `pareto_svg`): the y of a share.
fn pareto_y(share: Decimal) -> Decimal {
    let (top, height) = (Decimal::from(26), Decimal::from(330));
    top + height - (share * height * Decimal::TEN).round() / Decimal::TEN
}

#[test]
fn the_cut_off_lines_and_segment_ends_sit_where_the_pareto_table_says() {
    // 10 partners: 50, 30, 10, 5, 2, 1, 1, 0.5, 0.5, 0 (thousands a month).
    let ledger = numbered(&TEN);
    let p = review_of(&ledger, date(2026, 1, 1));
    let svg = pareto_svg(&p, &Language::En);
    let elements = parse(&svg).unwrap();
    // The dashed cut-off lines at 80, 95 and 99 % of turnover.
    let ys: Vec<Decimal> = elements
        .iter()
        .filter(|e| e.name == "line" && e.attr("stroke-dasharray").is_some())
        .map(|e| e.attr("y1").unwrap().parse().unwrap())
        .collect();
    let mut expected: Vec<Decimal> = [80, 95, 99].iter().map(|c| pareto_y(Decimal::new(*c, 2))).collect();
    expected.sort();
    assert_eq!(ys, expected);
    // A dot where each segment ends, at the cumulative turnover share of the
    // Pareto table (A ends at 80 % here: 50 + 30 of 100).
    let table = p.pareto();
    assert_eq!((table[0].partners, table[0].turnover_share), (2, Decimal::new(8, 1)));
    let dots: Vec<Decimal> =
        elements.iter().filter(|e| e.name == "circle").map(|e| e.attr("cy").unwrap().parse().unwrap()).collect();
    let mut cumulative = Decimal::ZERO;
    let mut ends = Vec::new();
    for row in table.iter().filter(|r| r.partners > 0).take(3) {
        cumulative += row.turnover_share;
        ends.push(pareto_y(cumulative));
    }
    assert_eq!(dots, ends);
    assert_eq!(dots[0], pareto_y(Decimal::new(8, 1)));
    // The legend gives each segment's partners and turnover.
    let legend: Vec<&str> = elements.iter().filter(|e| e.name == "text").map(|e| e.text.as_str()).collect();
    assert!(legend.contains(&"A key — 2 (20.0\u{a0}% of partners), 80.0\u{a0}% of turnover"), "{legend:?}");

    // Under the partner-share basis the cut-offs are vertical lines.
    let mut policy = Policy::default();
    policy.pareto = ParetoPolicy::partner_share();
    let p = Review::new(&ledger, date(2026, 1, 1)).run(&policy).unwrap();
    let svg = pareto_svg(&p, &Language::Ru);
    let elements = parse(&svg).unwrap();
    let vertical = elements
        .iter()
        .filter(|e| e.name == "line" && e.attr("stroke-dasharray").is_some())
        .filter(|e| e.attr("x1") == e.attr("x2"))
        .count();
    assert_eq!(vertical, 3);
    check_page(&html_in(&p, Language::Ru, &ReportOptions::default()));
    // The cut-offs are shares of the 9 partners with turnover, drawn over
    // all 10: 20, 50 and 90 % of 90 % of the 560 px axis from x 64.
    let xs: Vec<&str> = elements
        .iter()
        .filter(|e| e.name == "line" && e.attr("stroke-dasharray").is_some())
        .map(|e| e.attr("x1").unwrap())
        .collect();
    assert_eq!(xs, ["164.8", "316", "517.6"]);
}

/// The x of the labels of the partner-share cut-offs of `pareto_svg`.
fn partner_cutoff_labels(svg: &str) -> Vec<String> {
    parse(svg)
        .unwrap()
        .iter()
        .filter(|e| e.name == "text" && e.attr("font-size") == Some("11.5"))
        .map(|e| e.attr("x").unwrap().to_owned())
        .collect()
}

#[test]
fn cut_off_labels_stay_inside_the_plot() {
    // Under the turnover basis the labels sit 4 px below their lines, in the
    // right margin, from the top down: 99 %, 95 %, 80 %.
    let ys: Vec<String> = parse(&pareto_svg(&ten(), &Language::En))
        .unwrap()
        .iter()
        .filter(|e| e.name == "text" && e.attr("font-size") == Some("11.5"))
        .map(|e| format!("{},{}", e.attr("x").unwrap(), e.attr("y").unwrap()))
        .collect();
    assert_eq!(ys, ["632,33.3", "632,46.5", "632,96"]);
    // Under the partner-share basis with cut-offs at 1, 50 and 100 % of nine
    // partners, all with turnover: the outer labels are pulled in to 28 px
    // from the plot's edges (x 92 and 596).
    let ledger = numbered(&TEN[..9]);
    let mut policy = Policy::default();
    let cuts = [Decimal::from(1), Decimal::from(50), Decimal::from(100)];
    policy.pareto = ParetoPolicy::new(ParetoBasis::Partners, cuts, Boundary::default()).unwrap();
    let p = Review::new(&ledger, date(2026, 1, 1)).run(&policy).unwrap();
    assert_eq!(partner_cutoff_labels(&pareto_svg(&p, &Language::En)), ["92", "344", "596"]);
}

#[test]
fn a_network_without_turnover_gives_a_page_that_says_so() {
    let p = review_of(&Ledger::new(Currency::RUB), date(2026, 1, 1));
    for lang in [Language::En, Language::Ru] {
        let html = html_in(&p, lang, &ReportOptions::default());
        let elements = check_page(&html);
        assert_eq!(by_id(&elements, "kpi-partners").text, "0");
        assert_eq!(by_id(&elements, "kpi-gini").text, "—");
    }
    assert!(pareto_svg(&p, &Language::En).contains("no positive turnover"));
    assert!(pareto_svg(&p, &Language::Ru).contains(Russian.label(Label::NoPositiveTurnover)));
}

/// A synthetic network of `n` partners with heavy-tailed monthly figures,
/// ties, zero and negative turnovers, some of them collapsing in the last
/// month (crisis alerts).
fn synthetic(n: usize) -> Portfolio {
    let mut ledger = Ledger::new(Currency::RUB);
    let months: Vec<Month> = (1..=12).map(|m| Month::new(2025, m).unwrap()).collect();
    let mut figures = Vec::with_capacity(n * 3);
    for i in 0..n {
        let id = PartnerId::new(&format!("S{i:07}")).unwrap();
        // About 1 / rank: a Pareto-like network; every 10th a tie group.
        let base = if i % 10 == 0 { 5_000 } else { 500_000_000 / (i as i64 + 5) + (i as i64 % 13) * 100 };
        let base = if i % 97 == 0 {
            -base / 10
        } else if i % 89 == 0 {
            0
        } else {
            base
        };
        for (k, month) in [(0, months[3]), (1, months[7]), (2, months[11])] {
            let amount = if i % 53 == 0 && k == 2 { 0 } else { base };
            figures.push(MonthlyFigures::new(id.clone(), month, rub(amount)).with_deals(1));
        }
    }
    ledger.add_monthly_all(figures).unwrap();
    let facts: Vec<RiskFacts> = (0..n)
        .step_by(100)
        .map(|i| {
            let mut f = RiskFacts::new(PartnerId::new(&format!("S{i:07}")).unwrap());
            f.insolvency = Some(true);
            f
        })
        .collect();
    Review::new(&ledger, date(2026, 1, 1)).facts(&facts).run(&Policy::default()).unwrap()
}

#[test]
fn the_page_of_a_large_network_stays_small() {
    let n = 200_000;
    let p = synthetic(n);
    assert_eq!(p.assessments().len(), n);
    let started = std::time::Instant::now();
    let html = html_in(&p, Language::Ru, &ReportOptions::default());
    let elapsed = started.elapsed();
    eprintln!("report of {n} partners: {} bytes in {elapsed:?}", html.len());
    assert!(html.len() < 3_000_000, "{} bytes", html.len());
    let elements = check_page(&html);
    assert_eq!(by_id(&elements, "kpi-partners").text, "200\u{202f}000");
    // The Pareto curve is thinned to a few hundred points.
    let svg = pareto_svg(&p, &Language::Ru);
    let points: usize = parse(&svg)
        .unwrap()
        .iter()
        .filter(|e| e.name == "polyline")
        .map(|e| e.attr("points").unwrap().split_whitespace().count())
        .sum();
    assert!((10..=1_000).contains(&points), "{points} points");
    // Every alert is counted; the first 500 are listed.
    let alerts = p.alerts().len();
    assert!(alerts > 500, "{alerts}");
    let summary = &by_id(&elements, "alert-summary").text;
    assert!(summary.starts_with(&format!("Сигналов: {}", Language::Ru.amount(Decimal::from(alerts), 0))));
    let rows = elements.iter().filter(|e| e.name == "tr" && e.has_class("alert")).count();
    assert_eq!(rows, 500);
    let all = html_in(&p, Language::En, &ReportOptions::default().with_max_alerts(None).with_top(0));
    let rows = parse(&all).unwrap().iter().filter(|e| e.name == "tr" && e.has_class("alert")).count();
    assert_eq!(rows, alerts);
}

#[test]
fn the_segments_of_the_synthetic_network_are_coloured_in_order() {
    let p = synthetic(5_000);
    let svg = pareto_svg(&p, &Language::En);
    let elements = parse(&svg).unwrap();
    let colours: Vec<&str> =
        elements.iter().filter(|e| e.name == "polyline").map(|e| e.attr("stroke").unwrap()).collect();
    // A blue, B teal, C amber, D grey: one stretch per segment with partners.
    let expected: Vec<&str> = p
        .pareto()
        .iter()
        .zip(["#1f5fae", "#2a9d8f", "#e9a23b", "#8d99a6"])
        .filter(|(r, _)| r.partners > 0)
        .map(|(_, c)| c)
        .collect();
    assert_eq!(colours, expected);
    let first = elements.iter().find(|e| e.name == "polyline").unwrap();
    let start = first.attr("points").unwrap().split_whitespace().next().unwrap();
    assert_eq!(start, "64,356"); // the curve starts at (0 %, 0 %)
    assert!(p.pareto().iter().any(|r| r.segment == Segment::D && r.partners > 0));
}

/// The ten partners of the cut-off test in one month.
fn ten() -> Portfolio {
    let ledger = numbered(&TEN);
    review_of(&ledger, date(2026, 1, 1))
}

#[test]
fn the_pareto_curve_passes_through_each_tie_groups_first_partner() {
    // Worked by hand. The plot spans x 64 … 624 and y 356 … 26 (330 px for
    // 100 %). Each tie group's first partner is a vertex at x = (rank − 1) / 10
    // and y = the share of turnover strictly above the group; each stretch
    // ends where the next segment starts; the curve ends at (100 %, 100 %).
    // A = 50, 30 (80 %); B = 10, 5 (95 %); C = 2, 1, 1 (99 %); D = the rest.
    let svg = pareto_svg(&ten(), &Language::En);
    let elements = parse(&svg).unwrap();
    let lines: Vec<(&str, &str)> = elements
        .iter()
        .filter(|e| e.name == "polyline")
        .map(|e| (e.attr("stroke").unwrap(), e.attr("points").unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            ("#1f5fae", "64,356 120,191 176,92"),
            ("#2a9d8f", "176,92 232,59 288,42.5"),
            ("#e9a23b", "288,42.5 344,35.9 456,29.3"),
            ("#8d99a6", "456,29.3 568,26 624,26"),
        ]
    );
    // The area under each stretch closes down to the x axis.
    let areas: Vec<&str> = elements.iter().filter(|e| e.name == "polygon").map(|e| e.attr("points").unwrap()).collect();
    assert_eq!(areas[0], "64,356 120,191 176,92 176,356 64,356");
    assert_eq!(areas[3], "456,29.3 568,26 624,26 624,356 456,356");
    // A dot in the ending segment's colour where the next one starts.
    let dots: Vec<(&str, &str, &str)> = elements
        .iter()
        .filter(|e| e.name == "circle")
        .map(|e| (e.attr("cx").unwrap(), e.attr("cy").unwrap(), e.attr("fill").unwrap()))
        .collect();
    assert_eq!(dots, [("176", "92", "#1f5fae"), ("288", "42.5", "#2a9d8f"), ("456", "29.3", "#e9a23b")]);
}

#[test]
fn the_lorenz_curve_plots_the_portfolios_points() {
    let p = ten();
    let svg = lorenz_svg(&p, &Language::En);
    let elements = parse(&svg).unwrap();
    // The plot spans x 64 … 414 (350 px) and y 356 … 26 (330 px); a
    // coordinate is rounded to a tenth of a pixel.
    let tenth = |share: Decimal, len: i64| (share * Decimal::from(len * 10)).round() / Decimal::TEN;
    let expected: Vec<String> = p
        .lorenz()
        .iter()
        .map(|pt| {
            let x = Decimal::from(64) + tenth(pt.partners, 350);
            let y = Decimal::from(356) - tenth(pt.turnover, 330);
            format!("{},{}", x.normalize(), y.normalize())
        })
        .collect();
    let line = elements.iter().find(|e| e.name == "polyline").unwrap().attr("points").unwrap();
    assert_eq!(line, expected.join(" "));
    assert!(line.starts_with("64,356 "), "{line}");
    assert!(line.ends_with(" 414,26"), "{line}");
    // The line of equality runs corner to corner.
    let equality = elements.iter().find(|e| e.name == "line" && e.attr("stroke-dasharray").is_some()).unwrap();
    let ends: Vec<&str> = ["x1", "y1", "x2", "y2"].iter().map(|a| equality.attr(a).unwrap()).collect();
    assert_eq!(ends, ["64", "356", "414", "26"]);
    // The Gini coefficient in the key, to three decimals.
    let gini =
        format!("{} {}", Language::En.label(Label::GiniShort), Language::En.amount(p.concentration().unwrap().gini, 3));
    assert_eq!(gini, format!("Gini {}", Language::En.format_amount(p.concentration().unwrap().gini, 3)));
    let key = elements.iter().find(|e| e.name == "text" && e.text == gini).unwrap();
    assert_eq!((key.attr("x"), key.attr("y")), (Some("78"), Some("52")));
    // Below it, the key of the two lines, 18 px apart.
    let keys: Vec<(&str, &str, &str)> = elements
        .iter()
        .filter(|e| e.name == "line" && e.attr("stroke-width") == Some("2"))
        .map(|e| (e.attr("x1").unwrap(), e.attr("y1").unwrap(), e.attr("x2").unwrap()))
        .collect();
    assert_eq!(keys, [("78", "70", "102"), ("78", "88", "102")]);
}

#[test]
fn partners_without_positive_turnover_give_no_curve() {
    let ledger = ledger_of(&[("zero", 0), ("minus", -500)], 6..=6);
    let p = review_of(&ledger, date(2026, 1, 1));
    assert_eq!(p.assessments().len(), 2);
    for svg in [pareto_svg(&p, &Language::En), lorenz_svg(&p, &Language::En)] {
        assert!(svg.contains("no positive turnover in the window"), "{svg}");
        assert!(!svg.contains("<polyline"), "{svg}");
    }
}

#[test]
fn the_tier_bars_are_proportional_and_labelled_with_counts_and_shares() {
    // Monthly averages over the 12-month window: 900 000 (Gold), 150 000 and
    // 120 000 (Silver), 30 000 (Bronze); no Beginner.
    let ledger = ledger_of(&[("g", 900_000), ("s1", 150_000), ("s2", 120_000), ("b", 30_000)], 1..=12);
    let p = review_of(&ledger, date(2026, 1, 1));
    let svg = tier_svg(&p, &Language::En);
    let elements = parse(&svg).unwrap();
    let bars: Vec<(&str, &str)> = elements
        .iter()
        .filter(|e| e.name == "rect")
        .map(|e| (e.attr("x").unwrap(), e.attr("width").unwrap()))
        .collect();
    // Partner bars start at 130 and are 170 px for the largest count (Silver,
    // 2); turnover bars start at 420 and are 170 px for the largest turnover
    // (Gold, 10.8 M); an empty tier has no bar.
    assert_eq!(
        bars,
        [
            ("130", "85"),
            ("420", "170"),
            ("130", "170"),
            ("420", "51"), // 3.24 M / 10.8 M of 170 px
            ("130", "85"),
            ("420", "5.7"), // 0.36 M / 10.8 M of 170 px
            ("130", "0"),
            ("420", "0"),
        ]
    );
    let labels: Vec<&str> = elements.iter().filter(|e| e.name == "text").map(|e| e.text.as_str()).collect();
    for label in [
        "Gold",
        "1 · 25.0\u{a0}%",
        "2 · 50.0\u{a0}%",
        "0 · 0.0\u{a0}%",
        "10.8 M RUB · 75.0\u{a0}%",
        "3.2 M RUB · 22.5\u{a0}%",
        "360.0 k RUB · 2.5\u{a0}%",
        "0 RUB · 0.0\u{a0}%",
    ] {
        assert!(labels.contains(&label), "{label} not in {labels:?}");
    }
    assert_eq!(labels.iter().filter(|l| l.ends_with(" · 0.0\u{a0}%")).count(), 2, "{labels:?}");
}

/// Checks the cells of a migration matrix SVG against `matrix`: a count per
/// cell, rows the previous tier and columns the current one (Gold first) on
/// a 96 × 34 px grid from (140, 56), grey for the diagonal, teal above it
/// (moved up), red below, with an opacity of 0.12 … 0.85 by the count
/// (relative to the largest on the diagonal, or off it) and white text on
/// the darker cells. Returns the counts in row order.
fn check_matrix(elements: &[Element], matrix: &[[u64; 4]; 4]) -> Vec<u64> {
    let cells: Vec<&Element> = elements.iter().filter(|e| e.name == "rect" && e.attr("width") == Some("96")).collect();
    assert_eq!(cells.len(), 16);
    let counts: Vec<u64> = matrix.iter().flatten().copied().collect();
    let texts: Vec<&Element> = elements
        .iter()
        .filter(|e| e.name == "text" && e.attr("text-anchor") == Some("middle") && e.attr("font-size") == Some("13"))
        .collect();
    let numbers: Vec<&str> = texts.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(numbers, counts.iter().map(u64::to_string).collect::<Vec<_>>());
    let max_moved = (0..16).filter(|k| k / 4 != k % 4).map(|k| counts[k]).max().unwrap();
    let max_stayed = (0..4).map(|k| counts[k * 5]).max().unwrap();
    for (k, cell) in cells.iter().enumerate() {
        let (i, j) = (k / 4, k % 4);
        assert_eq!(cell.attr("x").unwrap(), (140 + 96 * j).to_string());
        assert_eq!(cell.attr("y").unwrap(), (56 + 34 * i).to_string());
        let (fill, opacity, ink) = if counts[k] == 0 {
            ("#f4f6f8", "1.00".to_owned(), "#9aa3ad")
        } else {
            let (colour, max) = match j.cmp(&i) {
                std::cmp::Ordering::Equal => ("#5b6573", max_stayed),
                std::cmp::Ordering::Less => ("#2a9d8f", max_moved), // moved up
                std::cmp::Ordering::Greater => ("#c0392b", max_moved),
            };
            let opacity = 12 + 73 * counts[k] / max;
            (colour, format!("0.{opacity:02}"), if opacity > 55 { "#ffffff" } else { "#1d2430" })
        };
        assert_eq!((cell.attr("fill").unwrap(), cell.attr("fill-opacity").unwrap()), (fill, opacity.as_str()), "{k}");
        assert_eq!(texts[k].attr("fill"), Some(ink), "{k}");
    }
    counts
}

#[test]
fn the_matrix_shades_each_count_against_the_largest_of_its_kind() {
    // Five partners stay Bronze, three stay Beginner, two grow from Bronze
    // to Silver: the diagonal is shaded against 5 (3 of 5 gives 0.55, dark
    // text), the moves against 2.
    let mut ledger = Ledger::new(Currency::RUB);
    let mut add = |id: String, monthly: &dyn Fn(u32) -> i64| {
        let id = PartnerId::new(&id).unwrap();
        for m in 1..=12 {
            ledger.record(Sale::new(id.clone(), date(2025, m, 10), rub(monthly(m)))).unwrap();
        }
    };
    for i in 0..5 {
        add(format!("b{i}"), &|_| 30_000);
    }
    for i in 0..3 {
        add(format!("n{i}"), &|_| 5_000);
    }
    for i in 0..2 {
        add(format!("g{i}"), &|m| 2_000 * i64::from(m * m));
    }
    let previous = review_of(&ledger, date(2025, 10, 1));
    let current = Review::new(&ledger, date(2026, 1, 1)).previous(&previous).run(&Policy::default()).unwrap();
    let matrix = current.migrations().unwrap().tiers.matrix;
    assert_eq!((matrix[2][2], matrix[3][3], matrix[2][1]), (5, 3, 2));
    let elements = parse(&tier_migration_svg(current.migrations().unwrap(), &Language::En)).unwrap();
    check_matrix(&elements, &matrix);
    let beginners = elements.iter().filter(|e| e.name == "rect" && e.attr("width") == Some("96")).nth(15).unwrap();
    assert_eq!(beginners.attr("fill-opacity"), Some("0.55"));
}

#[test]
fn the_migration_matrix_shows_each_count_coloured_by_direction() {
    let (current, _) = small(&[("big", "Big", 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    let review = current.migrations().unwrap();
    let elements = parse(&tier_migration_svg(review, &Language::En)).unwrap();
    let counts = check_matrix(&elements, &review.tiers.matrix);
    // The partner who grew from Bronze to Silver is the one "moved up".
    assert_eq!(counts[2 * 4 + 1], 1);
    // Column labels centred over the columns, row labels right-aligned
    // before the rows, counts centred in their cells.
    let at = |e: &&Element| format!("{},{}", e.attr("x").unwrap(), e.attr("y").unwrap());
    let columns: Vec<String> = elements
        .iter()
        .filter(|e| e.name == "text" && e.attr("text-anchor") == Some("middle") && e.attr("font-weight") == Some("600"))
        .map(|e| at(&e))
        .collect();
    assert_eq!(columns, ["188,45", "284,45", "380,45", "476,45"]);
    let rows: Vec<String> = elements.iter().filter(|e| e.attr("text-anchor") == Some("end")).map(|e| at(&e)).collect();
    assert_eq!(rows, ["130,77", "130,111", "130,145", "130,179"]);
    let first_count = elements.iter().find(|e| e.name == "text" && e.attr("font-size") == Some("13")).unwrap();
    assert_eq!(at(&first_count), "188,77.5");
    // The key below the grid: a swatch and its label per direction.
    let key: Vec<String> = elements
        .iter()
        .filter(|e| {
            (e.name == "rect" && e.attr("width") == Some("10"))
                || (e.name == "text" && e.attr("font-size") == Some("11"))
        })
        .map(|e| at(&e))
        .collect();
    // (After the axis titles "now →" over the columns and "before ↓".)
    assert_eq!(&key[..6], ["140,22", "8,45", "140,198", "155,207", "227,198", "242,207"]);
}

#[test]
fn the_alert_summary_counts_each_severity_and_says_how_many_are_not_listed() {
    let p = synthetic(3_000);
    let alerts = p.alerts();
    assert!(alerts.len() > 5, "{}", alerts.len());
    // The levels in order of first appearance (the alerts are most severe first).
    let mut levels: Vec<(RiskLevel, usize)> = Vec::new();
    for a in &alerts {
        match levels.iter_mut().find(|(l, _)| *l == a.severity) {
            Some((_, k)) => *k += 1,
            None => levels.push((a.severity, 1)),
        }
    }
    assert!(!levels.is_empty());
    let names = |lang: Language| -> String {
        let list: Vec<String> = levels
            .iter()
            .map(|(l, k)| {
                let name = match (l, lang) {
                    (RiskLevel::Critical, Language::Ru) => "критических",
                    (RiskLevel::High, Language::Ru) => "высоких",
                    (RiskLevel::Medium, Language::Ru) => "средних",
                    (RiskLevel::Low, Language::Ru) => "низких",
                    (RiskLevel::Critical, _) => "critical",
                    (RiskLevel::High, _) => "high",
                    (RiskLevel::Medium, _) => "medium",
                    (RiskLevel::Low, _) => "low",
                };
                format!("{k} {name}")
            })
            .collect();
        list.join(", ")
    };
    let n = alerts.len();
    let three = ReportOptions::default().with_max_alerts(Some(3));
    // The same sentences as the catalogue's messages.
    let summary = |words: &dyn Catalogue| {
        let by_severity = levels.iter().map(|(l, k)| (*l, *k as u64)).collect();
        let all = words.message(&Message::AlertSummary { alerts: n as u64, by_severity });
        let rest = words.message(&Message::AlertsNotListed { listed: 3, more: n as u64 - 3 });
        format!("{all} {rest}")
    };
    let en = check_page(&html_in(&p, Language::En, &three));
    assert_eq!(
        by_id(&en, "alert-summary").text,
        format!(
            "{n} alerts ({}), most severe first, each with its action plan. The first 3 are listed; {} more are not.",
            names(Language::En),
            n - 3
        )
    );
    assert_eq!(by_id(&en, "alert-summary").text, summary(&English));
    assert_eq!(en.iter().filter(|e| e.name == "tr" && e.has_class("alert")).count(), 3);
    let ru = check_page(&html_in(&p, Language::Ru, &three));
    assert_eq!(by_id(&ru, "alert-summary").text, summary(&Russian));
    assert_eq!(
        by_id(&ru, "alert-summary").text,
        format!(
            "Сигналов: {n} ({}), от самых серьёзных; у каждого — план действий. Показаны первые 3; ещё {} не показаны.",
            names(Language::Ru),
            n - 3
        )
    );
    // Every alert listed: no sentence about the rest.
    let all = check_page(&html_in(&p, Language::En, &ReportOptions::default().with_max_alerts(None)));
    assert!(by_id(&all, "alert-summary").text.ends_with("each with its action plan."));
    assert_eq!(all.iter().filter(|e| e.name == "tr" && e.has_class("alert")).count(), n);
    // The headline counts the critical ones.
    let critical = alerts.iter().filter(|a| a.severity == RiskLevel::Critical).count();
    assert!(by_id(&en, "kpi-alerts").text.starts_with(&n.to_string()), "{}", by_id(&en, "kpi-alerts").text);
    assert!(critical > 0);
    let note = format!("{critical} critical · {} high", n - critical);
    assert!(html_in(&p, Language::En, &three).contains(&note), "{note}");
    let note = English.message(&Message::AlertCounts { critical: critical as u64, high: (n - critical) as u64 });
    assert!(html_in(&p, Language::En, &three).contains(&format!("<div class=\"note\">{note}</div>")), "{note}");
}

#[test]
fn the_russian_page_is_russian_in_every_section() {
    let (current, _) = small(&[("big", "Big", 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    let html = html_in(&current, Language::Ru, &ReportOptions::default());
    let elements = check_page(&html);
    let summary = &by_id(&elements, "migration-summary").text;
    assert!(summary.starts_with("В обоих пересмотрах: 3, новых: 0, ушедших: 0."), "{summary}");
    let leads: Vec<&str> = elements.iter().filter(|e| e.has_class("lead")).map(|e| e.text.as_str()).collect();
    assert!(
        leads.iter().any(
            |l| l.starts_with("Партнёры по убыванию оборота") && l.contains("D — остальные и партнёры без оборота")
        ),
        "{leads:?}"
    );
    let mut policy = Policy::default();
    policy.pareto = ParetoPolicy::partner_share();
    let p = Review::new(&Ledger::new(Currency::RUB), date(2026, 1, 1)).run(&policy).unwrap();
    let elements = check_page(&html_in(&p, Language::Ru, &ReportOptions::default()));
    let leads: Vec<&str> = elements.iter().filter(|e| e.has_class("lead")).map(|e| e.text.as_str()).collect();
    assert!(leads.iter().any(|l| l.contains("по доле партнёров с оборотом: A — первые 20\u{a0}%")), "{leads:?}");
    assert!(leads.contains(&"Кризисных сигналов нет."), "{leads:?}");
}

#[test]
fn the_page_tables_give_counts_shares_and_amounts() {
    let p = ten();
    let rows = |lang: Language| -> Vec<String> {
        parse(&html_in(&p, lang, &ReportOptions::default()))
            .unwrap()
            .into_iter()
            .filter(|e| e.name == "tr")
            .map(|e| e.text)
            .collect()
    };
    let en = rows(Language::En);
    // Segment, partners, %, turnover, %, the article's profile.
    assert!(en.contains(&"A key220.0\u{a0}%80,000 RUB80.0\u{a0}%≈ 20\u{a0}% / 80\u{a0}%".to_owned()), "{en:#?}");
    assert!(en.iter().any(|r| r.starts_with("D passive330.0\u{a0}%1,000 RUB1.0\u{a0}%")), "{en:#?}");
    // Tier, partners, %, turnover, %: every one of the ten is a Beginner.
    assert!(en.iter().any(|r| r.starts_with("Beginner10100.0\u{a0}%100,000 RUB100.0\u{a0}%")), "{en:#?}");
    let ru = rows(Language::Ru);
    assert!(ru.iter().any(|r| r.contains("80\u{202f}000 ₽")), "{ru:#?}");
    // The review date in each language's form.
    let page = html_in(&p, Language::Ru, &ReportOptions::default());
    assert!(page.contains("Пересмотр на 01.01.2026"), "{}", &page[..2000.min(page.len())]);
    assert!(html_in(&p, Language::En, &ReportOptions::default()).contains("Review as of 2026-01-01"));
    for lang in [Language::En, Language::Ru] {
        let line = lang.message(&Message::ReviewLine { as_of: p.as_of(), window: p.window(), currency: p.currency() });
        assert!(line.contains(&lang.message(&Message::Date(date(2026, 1, 1)))), "{line}");
        let elements = parse(&html_in(&p, lang, &ReportOptions::default())).unwrap();
        assert!(elements.iter().any(|e| e.has_class("sub") && e.text == line), "{line}");
    }
}

#[test]
fn the_thinned_pareto_curve_keeps_a_vertex_every_two_pixels() {
    // The documented rule, in tenths of a pixel on a plot from x 64 … 624
    // and y 356 … 26: each tie group's first partner is a vertex at
    // x = 640 + (rank − 1) × 5600 / n (rounded half up) and y = 3560 −
    // 3300 × (share above it); within a segment a vertex is kept when it is
    // at least 20 tenths right of or above the last one kept; each stretch
    // ends at the next segment's first vertex; the curve ends at (6240, 260).
    let p = synthetic(5_000);
    let n = p.assessments().len() as i64;
    let mut vertices: Vec<(i64, i64, Segment)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut by_rank: Vec<_> = p.assessments().collect();
    by_rank.sort_by_key(|a| a.segment_rank());
    for a in by_rank {
        if seen.insert(a.segment_rank()) {
            let i = i64::from(a.segment_rank()) - 1;
            let x = 640 + (i * 5600 + n / 2) / n;
            let y = 3560
                - rust_decimal::prelude::ToPrimitive::to_i64(
                    &(a.segment_evidence().turnover_before * Decimal::from(3300)).round(),
                )
                .unwrap();
            vertices.push((x, y, a.segment()));
        }
    }
    let mut expected: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut current: Option<Segment> = None;
    let mut last = (0, 0);
    for (x, y, s) in vertices {
        if current == Some(s) {
            if x - last.0 >= 20 || last.1 - y >= 20 {
                expected.last_mut().unwrap().push((x, y));
                last = (x, y);
            }
        } else {
            if let Some(stretch) = expected.last_mut() {
                stretch.push((x, y));
            }
            expected.push(vec![(x, y)]);
            current = Some(s);
            last = (x, y);
        }
    }
    expected.last_mut().unwrap().push((6240, 260));
    let tenths =
        |v: &str| rust_decimal::prelude::ToPrimitive::to_i64(&(v.parse::<Decimal>().unwrap() * Decimal::TEN)).unwrap();
    let drawn: Vec<Vec<(i64, i64)>> = parse(&pareto_svg(&p, &Language::En))
        .unwrap()
        .iter()
        .filter(|e| e.name == "polyline")
        .map(|e| {
            e.attr("points")
                .unwrap()
                .split_whitespace()
                .map(|pt| {
                    let (x, y) = pt.split_once(',').unwrap();
                    (tenths(x), tenths(y))
                })
                .collect()
        })
        .collect();
    assert_eq!(drawn.len(), expected.len());
    for (d, e) in drawn.iter().zip(&expected) {
        assert_eq!(d, e);
    }
    // Thinning matters here: far fewer points than partners.
    let points: usize = drawn.iter().map(Vec::len).sum();
    assert!((50..1_000).contains(&points), "{points}");
}

#[test]
fn the_page_lists_ten_moves_each_way_and_counts_the_rest() {
    let growing = |n: usize| {
        let mut ledger = Ledger::new(Currency::RUB);
        for i in 0..n {
            let id = PartnerId::new(&format!("g{i:02}")).unwrap();
            for m in 1..=12 {
                ledger.record(Sale::new(id.clone(), date(2025, m, 10), rub(2_000 * i64::from(m * m)))).unwrap();
            }
        }
        let previous = review_of(&ledger, date(2025, 10, 1));
        Review::new(&ledger, date(2026, 1, 1)).previous(&previous).run(&Policy::default()).unwrap()
    };
    // Exactly ten: all listed, nothing more to count.
    let ten_up = growing(10);
    assert!(!html_in(&ten_up, Language::En, &ReportOptions::default()).contains("and more:"));
    let current = growing(12);
    let review = current.migrations().unwrap();
    assert_eq!(review.tiers.up.len(), 12);
    // Twelve in one cell, none on the diagonal: the darkest teal.
    check_matrix(&parse(&tier_migration_svg(review, &Language::En)).unwrap(), &review.tiers.matrix);
    for (lang, more) in [(Language::En, "and more: 2"), (Language::Ru, "и ещё: 2")] {
        let elements = check_page(&html_in(&current, lang, &ReportOptions::default()));
        let items: Vec<&str> = elements.iter().filter(|e| e.name == "li").map(|e| e.text.as_str()).collect();
        assert_eq!(items.iter().filter(|t| t.starts_with('g')).count(), 10, "{items:?}");
        assert!(items.contains(&more), "{items:?}");
    }
    // The headline counts the partners with turnover.
    let html = html_in(&ten(), Language::En, &ReportOptions::default());
    assert!(html.contains("with turnover in the window: 9"));
}

#[test]
fn a_tiny_tier_still_shows_a_one_pixel_bar_in_its_row() {
    let ledger = ledger_of(&[("gold", 900_000), ("tiny", 100)], 1..=12);
    let p = review_of(&ledger, date(2026, 1, 1));
    let elements = parse(&tier_svg(&p, &Language::En)).unwrap();
    let bars: Vec<(&str, &str, &str)> = elements
        .iter()
        .filter(|e| e.name == "rect")
        .map(|e| (e.attr("x").unwrap(), e.attr("y").unwrap(), e.attr("width").unwrap()))
        .collect();
    // One row per tier, 40 px apart: Gold, Silver, Bronze, Beginner. The
    // Beginner's turnover is 0.01 % of the largest: 0.02 px, drawn as 1 px.
    assert_eq!(
        bars,
        [
            ("130", "54", "170"),
            ("420", "54", "170"),
            ("130", "94", "0"),
            ("420", "94", "0"),
            ("130", "134", "0"),
            ("420", "134", "0"),
            ("130", "174", "170"),
            ("420", "174", "1"),
        ]
    );
}

/// A sample of every kind of message the report writes.
fn messages(p: &Portfolio) -> Vec<Message> {
    let cutoffs = [Decimal::from(80), Decimal::from(95), Decimal::new(995, 1)];
    vec![
        Message::Date(p.as_of()),
        Message::CompactAmount { amount: Decimal::from(82_345_678), currency: Currency::RUB },
        Message::ReviewLine { as_of: p.as_of(), window: p.window(), currency: p.currency() },
        Message::PartnersWithTurnover { partners: 9 },
        Message::NetOverWindow { window: p.window() },
        Message::LargestPartner { percent: Decimal::new(234, 1), hhi: Decimal::from(1_234) },
        Message::AlertCounts { critical: 2, high: 16 },
        Message::ParetoLead { basis: ParetoBasis::Turnover, cutoffs },
        Message::ParetoLead { basis: ParetoBasis::Partners, cutoffs },
        Message::ParetoLegend {
            segment: Segment::A,
            partners: 2,
            partner_share: Decimal::new(2, 1),
            turnover_share: Decimal::new(8, 1),
        },
        Message::MigrationSummary {
            continuing: 3,
            new: 1,
            gone: 0,
            tiers_up: 1,
            tiers_down: 0,
            tiers_unchanged: 2,
            segments_up: 0,
            segments_down: 0,
            segments_unchanged: 3,
        },
        Message::MoreMoves { more: 2 },
        Message::TopPartners { listed: 20 },
        Message::AlertSummary { alerts: 18, by_severity: vec![(RiskLevel::Critical, 2), (RiskLevel::High, 16)] },
        Message::AlertsNotListed { listed: 3, more: 15 },
    ]
}

#[test]
fn every_label_and_message_is_worded_in_both_built_in_catalogues() {
    for label in Label::ALL {
        for words in [&English as &dyn Catalogue, &Russian, &Language::En, &Language::Ru] {
            assert!(!words.label(label).trim().is_empty(), "{label:?} in {:?}", words.language());
        }
        assert_eq!(Language::Ru.label(label), Russian.label(label));
    }
    for message in messages(&ten()) {
        for words in [&English as &dyn Catalogue, &Russian, &Language::En, &Language::Ru] {
            assert!(!words.message(&message).trim().is_empty(), "{message:?} in {:?}", words.language());
        }
        assert_ne!(English.message(&message), Russian.message(&message), "{message:?}");
    }
    // The page uses the words of the catalogue.
    let html = html_in(&ten(), Language::Ru, &ReportOptions::default());
    for label in [Label::ReportTitle, Label::SegmentsHeading, Label::TiersLead, Label::TopLead, Label::LorenzCurve] {
        assert!(html.contains(Russian.label(label)), "{label:?}");
    }
}

/// A company's own words for one label, English for the rest.
struct NextSteps;

impl Catalogue for NextSteps {
    fn base(&self) -> &dyn Catalogue {
        &English
    }

    fn label(&self, label: Label) -> &str {
        match label {
            Label::GoalAndReasons => "Next <steps> & 'why'",
            other => self.base().label(other),
        }
    }
}

#[test]
fn a_catalogue_of_its_own_changes_exactly_its_words_in_the_page() {
    let (p, _) = small(&[("big", "Big", 900_000), ("mid", "Mid", 150_000), ("grow", "Grow", 2_000)]);
    let options = ReportOptions::default();
    let english = report::html_with(&p, &options, &English);
    assert_eq!(english, report::html(&p, &options));
    assert_eq!(english.matches("<th>Goal and reasons</th>").count(), 1);
    let ours = report::html_with(&p, &options, &NextSteps);
    check_page(&ours);
    assert_eq!(ours, english.replace("<th>Goal and reasons</th>", "<th>Next &lt;steps&gt; &amp; 'why'</th>"));
    // `html_with` takes its words from the catalogue, not from the options.
    assert_eq!(report::html_with(&p, &options.clone().with_language(Language::Ru), &NextSteps), ours);
    // The charts take a catalogue too.
    assert_eq!(pareto_svg(&p, &NextSteps), pareto_svg(&p, &English));
}

#[test]
fn the_page_is_in_the_language_of_the_review_unless_the_options_say_otherwise() {
    let ledger = numbered(&TEN);
    let ru = Review::new(&ledger, date(2026, 1, 1)).run(&Policy::default().with_language(Language::Ru)).unwrap();
    assert_eq!(ru.language(), Language::Ru);
    let html = report::html(&ru, &ReportOptions::default());
    assert_eq!(html, report::html_with(&ru, &ReportOptions::default(), &Russian));
    assert!(html.contains("<html lang=\"ru\">"));
    let html = report::html(&ru, &ReportOptions::default().with_language(Language::En));
    assert_eq!(html, report::html_with(&ru, &ReportOptions::default(), &English));
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(ReportOptions::default().with_language(Language::Ru).with_language(None), ReportOptions::default());
}

/// The text of the first `<tr …>` of `html` that starts with `start`, up to
/// its `</tr>`.
fn row<'h>(html: &'h str, start: &str) -> &'h str {
    let from = html.find(start).unwrap_or_else(|| panic!("no row {start}"));
    let to = html[from..].find("</tr>").unwrap() + from;
    &html[from..to]
}

#[test]
fn a_partner_without_a_name_shows_its_id_once() {
    let mut ledger = Ledger::new(Currency::RUB);
    for (id, monthly) in [("anon", 900_000), ("south", 150_000), ("named", 120_000), ("grow", 2_000)] {
        let pid = PartnerId::new(id).unwrap();
        for m in 1..=12 {
            // A growing partner: Bronze at the previous review, Silver now.
            let amount = if id == "grow" { monthly * i64::from(m * m) } else { monthly };
            ledger.record(Sale::new(pid.clone(), date(2025, m, 10), rub(amount))).unwrap();
        }
    }
    // "anon" and "grow" are not listed, "south" has a region but no name.
    let partners = [
        Partner::new(PartnerId::new("south").unwrap()).with_region("South"),
        Partner::new(PartnerId::new("named").unwrap()).with_name("Named Co").with_region("North"),
    ];
    let mut insolvent = RiskFacts::new(PartnerId::new("anon").unwrap());
    insolvent.insolvency = Some(true);
    let facts = [insolvent];
    let previous =
        Review::new(&ledger, date(2025, 10, 1)).partners(&partners).facts(&facts).run(&Policy::default()).unwrap();
    let p = Review::new(&ledger, date(2026, 1, 1))
        .partners(&partners)
        .facts(&facts)
        .previous(&previous)
        .run(&Policy::default())
        .unwrap();
    assert!(p.get("anon").unwrap().name().is_none());
    assert!(p.alerts().iter().any(|a| a.partner.as_str() == "anon"));
    let html = report::html(&p, &ReportOptions::default());
    let elements = check_page(&html);

    // The top partners: the name line shows the id when there is no name,
    // and the line under it only what is left (the region, or nothing).
    let anon = row(&html, "<tr class=\"partner\" data-partner=\"anon\">");
    assert_eq!(anon.matches("anon").count(), 2, "{anon}"); // the attribute and the name line
    assert!(anon.contains("<div class=\"name\">anon"), "{anon}");
    assert!(!anon.contains("<div class=\"id\">"), "{anon}");
    let south = row(&html, "<tr class=\"partner\" data-partner=\"south\">");
    assert!(south.contains("<div class=\"name\">south</div><div class=\"id\">South</div>"), "{south}");
    let named = row(&html, "<tr class=\"partner\" data-partner=\"named\">");
    assert!(named.contains("<div class=\"name\">Named Co</div><div class=\"id\">named · North</div>"), "{named}");

    // The alerts.
    let alert = row(&html, "<tr class=\"alert\">");
    assert!(alert.contains("<td class=\"who\"><div class=\"name\">anon</div></td>"), "{alert}");
    assert_eq!(alert.matches("anon").count(), 1, "{alert}");

    // The tier moves.
    let moves: Vec<&str> = elements.iter().filter(|e| e.name == "li").map(|e| e.text.as_str()).collect();
    assert!(moves.contains(&"grow: Bronze → Silver"), "{moves:?}");
    assert!(!html.contains("grow <span"), "{moves:?}");
}

#[cfg(feature = "csv")]
mod sample {
    use super::*;
    use partner_priority::import::CsvImport;

    fn data(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data").join(name)
    }

    /// The bundled data as of 2026-11-01, with the review of 2026-08-01 as the
    /// previous one, by the default policy with the playbook in `lang`.
    fn portfolio(lang: Language) -> Portfolio {
        let import = CsvImport::new();
        let ledger = import.read_sales_path(data("invoices.csv")).unwrap();
        let partners = import.read_partners_path(data("partners.csv")).unwrap();
        let facts = import.read_risk_facts_path(data("risk.csv")).unwrap();
        let policy = Policy::default().with_language(lang);
        let previous = Review::new(&ledger, date(2026, 8, 1)).partners(&partners).facts(&facts).run(&policy).unwrap();
        Review::new(&ledger, date(2026, 11, 1))
            .partners(&partners)
            .facts(&facts)
            .previous(&previous)
            .run(&policy)
            .unwrap()
    }

    #[test]
    fn the_headline_numbers_are_the_portfolios() {
        for lang in [Language::En, Language::Ru] {
            let p = portfolio(lang);
            let c = p.concentration().unwrap();
            // The page is in the language of the review's playbook.
            let html = report::html(&p, &ReportOptions::default());
            assert_eq!(html, html_in(&p, lang, &ReportOptions::default()));
            let elements = check_page(&html);
            assert_eq!(elements[0].attr("lang"), Some(lang.code()));
            let kpi = |id: &str| by_id(&elements, id).text.clone();
            assert_eq!(kpi("kpi-partners"), "300");
            assert_eq!(kpi("kpi-turnover"), lang.money(p.total()));
            assert_eq!(kpi("kpi-turnover"), lang.format_money(p.total()));
            assert_eq!(kpi("kpi-gini"), lang.amount(c.gini, 3));
            assert_eq!(kpi("kpi-top20"), lang.percent(c.top_20_share, 1));
            assert_eq!(kpi("kpi-alerts"), p.alerts().len().to_string());
            // The top 20 by priority, in order, and every alert.
            let top: Vec<String> = elements
                .iter()
                .filter(|e| e.name == "tr" && e.has_class("partner"))
                .map(|e| e.attr("data-partner").unwrap().to_owned())
                .collect();
            let expected: Vec<String> = p.top(20).map(|a| a.id().to_string()).collect();
            assert_eq!(top, expected);
            let alerts = elements.iter().filter(|e| e.name == "tr" && e.has_class("alert")).count();
            assert_eq!(alerts, p.alerts().len());
            // Each partner's goal and reasons, as the portfolio gives them.
            let first = p.by_rank(1).unwrap();
            let row = elements.iter().find(|e| e.attr("data-partner") == Some(first.id().as_str())).unwrap();
            for reason in first.reasons() {
                assert!(row.text.contains(&lang.reason(&reason)), "{}", lang.reason(&reason));
            }
            let goal = p.strategy(first).goal;
            assert!(row.text.to_lowercase().contains(&goal.to_lowercase()));
        }
        let en = report::html(&portfolio(Language::En), &ReportOptions::default());
        assert!(en.contains("329,695,143.71 RUB"));
        assert!(en.contains("Turnover in 2026-10 fell 100 %"));
        let ru = report::html(&portfolio(Language::Ru), &ReportOptions::default());
        assert!(ru.contains("329\u{202f}695\u{202f}143,71 ₽"));
        assert!(ru.contains("Золотой"));
        assert!(ru.contains("Ужесточить условия отсрочки платежа"));
    }

    #[test]
    fn the_top_and_the_alerts_follow_the_options() {
        let p = portfolio(Language::En);
        let html = report::html(&p, &ReportOptions::default().with_top(5).with_max_alerts(Some(3)));
        let elements = check_page(&html);
        assert_eq!(elements.iter().filter(|e| e.name == "tr" && e.has_class("partner")).count(), 5);
        assert_eq!(elements.iter().filter(|e| e.name == "tr" && e.has_class("alert")).count(), 3);
        let summary = &by_id(&elements, "alert-summary").text;
        assert!(summary.contains("The first 3 are listed; 15 more are not."), "{summary}");
        assert!(summary.ends_with(&English.message(&Message::AlertsNotListed { listed: 3, more: 15 })), "{summary}");
    }

    /// The sample's partners all have names: each shows its name, and its id
    /// once, under it.
    #[test]
    fn a_named_partner_shows_its_name_and_its_id() {
        let p = portfolio(Language::En);
        let elements = check_page(&report::html(&p, &ReportOptions::default()));
        let first = p.by_rank(1).unwrap();
        let name = first.name().unwrap();
        let row = elements.iter().find(|e| e.attr("data-partner") == Some(first.id().as_str())).unwrap();
        assert!(row.text.starts_with(&format!("1{name}")), "{}", row.text);
        assert_eq!(row.text.matches(first.id().as_str()).count(), 1, "{}", row.text);
    }
}

// ---------------------------------------------------------------------------
// The network month by month (#19)

/// Three partners over 2025 with a rising, a flat and a seasonal series,
/// and their review as of 2026-01-01 with its dynamics.
fn monthly_network() -> (Ledger, Portfolio, report::Dynamics) {
    let mut ledger = Ledger::new(Currency::RUB);
    for m in 1..=12u32 {
        let month = Month::new(2025, m).unwrap();
        for (id, amount) in [
            ("rise", 600_000 + 20_000 * i64::from(m)),
            ("flat", 150_000),
            ("season", if m == 12 { 90_000 } else { 30_000 }),
        ] {
            ledger.add_monthly(MonthlyFigures::new(PartnerId::new(id).unwrap(), month, rub(amount))).unwrap();
        }
    }
    let p = review_of(&ledger, date(2026, 1, 1));
    let d = report::Dynamics::new(&ledger, &p, 20).unwrap();
    (ledger, p, d)
}

#[test]
fn the_dynamics_charts_show_only_when_asked_for() {
    let (_, p, d) = monthly_network();
    let plain = html_in(&p, Language::En, &ReportOptions::default());
    assert!(!plain.contains("id=\"dynamics\"") && !plain.contains("class=\"spark\""));
    let html = html_in(&p, Language::En, &ReportOptions::default().with_dynamics(d));
    let elements = check_page(&html);
    assert!(by_id(&elements, "dynamics").text.starts_with("Turnover month by month"));
    // One sparkline per partner of the top list, in its row.
    let sparks = elements.iter().filter(|e| e.name == "svg" && e.has_class("spark")).count();
    assert_eq!(sparks, 3);
    assert!(html.contains("<th>Last 12 months</th>"));
}

#[test]
fn the_stacked_bars_of_each_month_are_proportional_to_the_segments_turnover() {
    let (_, _, d) = monthly_network();
    let svg = report::segment_months_svg(&d, &Language::En);
    let elements = parse(&svg).unwrap();
    assert_eq!(elements[0].attr("class"), Some("chart chart-segment-months"));
    let bars: Vec<&Element> = elements.iter().filter(|e| e.name == "rect" && e.attr("class").is_some()).collect();
    // One bar part per month and segment with turnover.
    let parts: usize = d.segments().iter().map(|(_, v)| v.iter().filter(|x| **x > Decimal::ZERO).count()).sum();
    assert_eq!(bars.len(), parts);
    let height = |e: &Element| e.attr("height").unwrap().parse::<f64>().unwrap();
    // Each month's parts stack up to a height proportional to the month's total.
    let per_month: Vec<f64> = (0..12)
        .map(|i| {
            let month = d.months()[i].to_string();
            bars.iter().filter(|b| b.text.starts_with(&month)).map(|b| height(b)).sum()
        })
        .collect();
    let totals: Vec<f64> =
        (0..12).map(|i| d.segments().iter().map(|(_, v)| v[i].to_string().parse::<f64>().unwrap()).sum()).collect();
    for i in 0..12 {
        let expected = per_month[11] * totals[i] / totals[11];
        assert!((per_month[i] - expected).abs() <= 0.3, "month {i}: {} against {expected}", per_month[i]);
    }
    // Every month is labelled, left to right, without overlapping.
    let labels: Vec<&Element> = elements.iter().filter(|e| e.name == "text" && e.text.starts_with("2025-")).collect();
    assert_eq!(labels.len(), 12);
    let xs: Vec<f64> = labels.iter().map(|e| e.attr("x").unwrap().parse().unwrap()).collect();
    assert!(xs.windows(2).all(|w| w[1] - w[0] >= 48.0), "{xs:?}"); // "2025-11" is about 46 px at 11 px
    // The legend names the segments with turnover, left to right, apart.
    let legend: Vec<&Element> = elements
        .iter()
        .filter(|e| e.name == "text" && ["A key", "B important", "C promising", "D passive"].contains(&e.text.as_str()))
        .collect();
    assert_eq!(legend.len(), d.segments().len());
    let lx: Vec<f64> = legend.iter().map(|e| e.attr("x").unwrap().parse().unwrap()).collect();
    for (w, e) in lx.windows(2).zip(&legend) {
        assert!(w[1] - w[0] > e.text.chars().count() as f64 * 7.2, "{lx:?}");
    }
}

#[test]
fn the_tier_lines_pass_through_each_months_turnover() {
    let (_, _, d) = monthly_network();
    let svg = report::tier_months_svg(&d, &Language::Ru);
    let elements = parse(&svg).unwrap();
    // The words are Russian: the title, the legend, the amounts.
    assert!(elements[1].text.contains("Оборот сети по категориям"), "{}", elements[1].text);
    assert!(svg.contains("Золотой") && svg.contains("млн ₽") && !svg.contains("RUB"));
    let lines: Vec<&Element> = elements.iter().filter(|e| e.name == "polyline").collect();
    assert_eq!(lines.len(), d.tiers().len());
    // Heights above the zero line are proportional to the amounts.
    let zero_y = |e: &Element| e.attr("y1").unwrap().parse::<f64>().unwrap();
    let zero = elements.iter().filter(|e| e.name == "line").map(zero_y).fold(f64::MIN, f64::max);
    for (line, (_, values)) in lines.iter().zip(d.tiers()) {
        let pts: Vec<f64> = line
            .attr("points")
            .unwrap()
            .split(' ')
            .map(|p| p.split(',').nth(1).unwrap().parse::<f64>().unwrap())
            .collect();
        let first = values[0].to_string().parse::<f64>().unwrap();
        for (y, v) in pts.iter().zip(values) {
            let v = v.to_string().parse::<f64>().unwrap();
            assert!(((zero - y) - (zero - pts[0]) * v / first).abs() <= 0.3, "{y} for {v}");
        }
    }
}

#[test]
fn a_sparkline_rises_with_a_rising_partner_and_says_its_ends() {
    let (_, p, d) = monthly_network();
    assert_eq!(d.partner("rise").unwrap().len(), 12);
    assert!(d.partner("nobody").is_none());
    let html = html_in(&p, Language::En, &ReportOptions::default().with_dynamics(d.clone()));
    let elements = check_page(&html);
    let row = elements.iter().position(|e| e.attr("data-partner") == Some("rise")).unwrap();
    let spark = elements[row..].iter().position(|e| e.name == "svg" && e.has_class("spark")).unwrap() + row;
    assert_eq!(elements[spark + 1].text, "Last 12 months: 2025-01 620.0 k RUB → 2025-12 840.0 k RUB");
    let line = elements[spark..].iter().find(|e| e.name == "polyline").unwrap();
    let ys: Vec<f64> =
        line.attr("points").unwrap().split(' ').map(|p| p.split(',').nth(1).unwrap().parse().unwrap()).collect();
    assert!(ys.windows(2).all(|w| w[1] < w[0]), "{ys:?}"); // up the page is down in y
    let ru = html_in(&p, Language::Ru, &ReportOptions::default().with_dynamics(d));
    assert!(
        ru.contains("Последние 12 месяцев: 2025-01 620,0 тыс. ₽ → 2025-12 840,0 тыс. ₽"),
        "Russian sparkline title"
    );
}

/// The network's monthly series the review sums as it goes are those summed
/// from the ledger afterwards (the path of a portfolio read back from its
/// JSON): for partners in every segment and tier, partners with gaps,
/// listed partners without figures and a partner whose figures start after
/// the window.
#[cfg(feature = "serde")]
#[test]
fn the_network_sums_made_by_the_review_are_those_summed_from_the_ledger() {
    use partner_priority::Partner;
    let mut ledger = Ledger::new(Currency::RUB);
    for p in 0..80u64 {
        let h = p.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let size = 2_000 + (1i64 << (h % 20)) * 3;
        for m in 0..24i32 {
            if (h >> (m + 7)) % 5 == 0 {
                continue; // a month without sales
            }
            let month = Month::new(2024, 1).unwrap().checked_add(m).unwrap();
            let amount = size * (90 + ((h >> m) % 21) as i64) / 100;
            ledger
                .add_monthly(MonthlyFigures::new(PartnerId::new(&format!("P{p:02}")).unwrap(), month, rub(amount)))
                .unwrap();
        }
    }
    let late = MonthlyFigures::new(PartnerId::new("late").unwrap(), Month::new(2026, 2).unwrap(), rub(500_000));
    ledger.add_monthly(late).unwrap();
    let partners = [Partner::new(PartnerId::new("listed").unwrap()), Partner::new(PartnerId::new("P03").unwrap())];
    let p = Review::new(&ledger, date(2026, 1, 1)).partners(&partners).run(&Policy::default()).unwrap();
    let tiers: std::collections::BTreeSet<_> = p.assessments().map(|a| a.tier()).collect();
    let segments: std::collections::BTreeSet<_> = p.assessments().map(|a| a.segment()).collect();
    assert_eq!((tiers.len(), segments.len()), (4, 4));
    let summed = report::Dynamics::new(&ledger, &p, 20).unwrap();
    let back: Portfolio = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    let from_ledger = report::Dynamics::new(&ledger, &back, 20).unwrap();
    assert_eq!(summed, from_ledger);
    // Each month's segments add up to the network's turnover that month.
    let network: Decimal = summed.segments().iter().flat_map(|(_, v)| v.iter()).sum();
    assert_eq!(network, p.total().amount());
}

/// A portfolio read back from JSON keeps amounts at up to eight decimal
/// places, the most a ledger keeps; a ninth is refused.
#[cfg(feature = "serde")]
#[test]
fn a_portfolio_from_json_takes_up_to_eight_decimal_places() {
    let mut ledger = Ledger::new(Currency::RUB);
    for m in 1..=12 {
        ledger.record(Sale::new(PartnerId::new("A").unwrap(), date(2025, m, 10), rub(1_000))).unwrap();
    }
    let p = Review::new(&ledger, date(2026, 1, 1)).run(&Policy::default()).unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&p).unwrap();
    json["scale"] = serde_json::json!(8);
    let back: Portfolio = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back.get("A").unwrap().turnover(), p.get("A").unwrap().turnover());
    json["scale"] = serde_json::json!(9);
    let err = serde_json::from_value::<Portfolio>(json).unwrap_err();
    assert!(err.to_string().contains("at most 8 decimal places"), "{err}");
}

/// The crisis alerts are the alerts of every partner, most severe first,
/// then by priority rank, each partner's in its own order: the same list
/// whether the portfolio was made by a review (which keeps its assessments
/// in the ledger's order) or read back from JSON (in rank order).
#[test]
fn crisis_alerts_come_most_severe_first_then_by_rank() {
    // 600 partners with eleven steady months of 2025; in December a third
    // fall by 70 % (High), a third by 98 % (Critical); every fifth is
    // insolvent (Critical, a second alert for some).
    let mut ledger = Ledger::new(Currency::RUB);
    let mut figures = Vec::new();
    let mut facts = Vec::new();
    for i in 0..600i64 {
        let id = PartnerId::new(&format!("D{i:04}")).unwrap();
        let base = 1_000_000 + (i * 7_919) % 500_000;
        for m in 1..=12 {
            let amount = match (m, i % 3) {
                (12, 0) => base * 3 / 10,
                (12, 1) => base / 50,
                _ => base,
            };
            figures.push(MonthlyFigures::new(id.clone(), Month::new(2025, m).unwrap(), rub(amount)).with_deals(1));
        }
        if i % 5 == 0 {
            let mut f = RiskFacts::new(id);
            f.insolvency = Some(true);
            facts.push(f);
        }
    }
    ledger.add_monthly_all(figures).unwrap();
    let p = Review::new(&ledger, date(2026, 1, 1)).facts(&facts).run(&Policy::default()).unwrap();
    let expected = |p: &Portfolio| {
        let mut all: Vec<(RiskLevel, u32, String)> = Vec::new();
        for a in p.assessments() {
            for x in a.alerts() {
                all.push((x.severity, a.rank(), format!("{x:?}")));
            }
        }
        // Stable: a partner's alerts keep their order.
        all.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        all.into_iter().map(|(_, _, x)| x).collect::<Vec<_>>()
    };
    let listed = |p: &Portfolio| p.alerts().iter().map(|x| format!("{x:?}")).collect::<Vec<_>>();
    let severities: std::collections::HashSet<RiskLevel> = p.alerts().iter().map(|a| a.severity).collect();
    assert!(p.alerts().len() > 400 && severities.len() > 1, "{} alerts, {severities:?}", p.alerts().len());
    // Some partners have more than one alert, so their order within it counts.
    assert!(p.assessments().any(|a| a.alerts().len() > 1));
    assert_eq!(listed(&p), expected(&p));
    #[cfg(feature = "serde")]
    {
        let back = Portfolio::from_json(&p.to_json().unwrap()).unwrap();
        assert_eq!(listed(&back), expected(&p));
    }
}

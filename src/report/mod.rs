//! The review as one self-contained HTML page, and its charts as inline SVG.
//!
//! Everything here is plain string building: no plotting crate, no script,
//! no external font, image or style sheet. The page is well-formed XML
//! (every element closed, attributes quoted, text escaped) so that it can be
//! checked with an XML parser, and each `<svg>` stands on its own.
//!
//! Drawing coordinates are integers in tenths of a pixel, computed from the
//! portfolio's exact `Decimal` shares; amounts are never converted to floats.
//!
//! Every word of the page comes from a [`Catalogue`]: its
//! [`label`](Catalogue::label)s (headings, column names, axis titles…), its
//! [`message`](Catalogue::message)s (sentences with figures, dates, compact
//! amounts), and the names, reasons and alerts it words for the analyses.
//! [`html`] takes the built-in catalogue of the review's language;
//! [`html_with`] takes a company's own.

use crate::lang::{Catalogue, Label};
use crate::language::Language;
use crate::migrations::Migrations;
use crate::pareto::Segment;
use crate::review::Portfolio;
use crate::tier::Tier;

mod charts;
#[cfg(feature = "arrow")]
mod columnar;
mod dynamics;
mod page;
mod results;
mod svg;

#[cfg(feature = "arrow")]
pub use columnar::{periods_batch, results_batch};
#[cfg(feature = "parquet")]
pub use columnar::{write_parquet, write_parquet_path, write_periods_parquet_path};

use charts::*;
pub use dynamics::Dynamics;
use dynamics::{write_segment_months, write_tier_months};
use page::*;
pub use results::{write_csv, write_csv_path};

/// Options of [`html`] and [`html_with`].
///
/// # Example
///
/// ```
/// use partner_priority::Language;
/// use partner_priority::report::ReportOptions;
///
/// let options = ReportOptions::default().with_top(10).with_title("Dealer network, Q4").with_language(Language::Ru);
/// assert_eq!((options.top, options.language), (10, Some(Language::Ru)));
/// assert_eq!((ReportOptions::default().top, ReportOptions::default().language), (20, None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportOptions {
    /// How many partners the "top partners" table lists, in priority order.
    /// The default is 20.
    pub top: usize,
    /// The page title. `None` (the default) gives the catalogue's
    /// [`Label::ReportTitle`]: "Partner network review" or "Обзор
    /// партнёрской сети".
    pub title: Option<String>,
    /// At most this many crisis alerts are listed one by one, most severe
    /// first; the rest are only counted (the counts by severity and
    /// category always cover every alert). `None` lists every alert. The
    /// default is 500, which keeps the page of a million partners small.
    pub max_alerts: Option<usize>,
    /// The language of the page's words in [`html`]. `None` (the default):
    /// the language of the portfolio's playbook, [`Portfolio::language()`].
    /// [`html_with`] takes its words from the catalogue it is given
    /// instead.
    pub language: Option<Language>,
    /// The network month by month ([`Dynamics`]): with it the page shows
    /// the turnover by segment and by tier per month and a sparkline of the
    /// last 12 months per top partner. `None` (the default): the page
    /// without them, and nothing read from the ledger.
    pub dynamics: Option<Dynamics>,
}

impl Default for ReportOptions {
    fn default() -> ReportOptions {
        ReportOptions { top: 20, title: None, max_alerts: Some(500), language: None, dynamics: None }
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

    /// The language of the page's words: a [`Language`], or `None` for the
    /// language of the portfolio's playbook ([`Portfolio::language()`]).
    #[must_use]
    pub fn with_language(mut self, language: impl Into<Option<Language>>) -> ReportOptions {
        self.language = language.into();
        self
    }

    /// The network month by month, for the dynamics charts and the
    /// sparklines ([`Dynamics::new`]).
    #[must_use]
    pub fn with_dynamics(mut self, dynamics: Dynamics) -> ReportOptions {
        self.dynamics = Some(dynamics);
        self
    }
}

/// Renders a review as one self-contained HTML page, in the words of
/// `options.language` or, if it is `None`, of the portfolio's playbook
/// ([`Portfolio::language()`]).
///
/// The page holds the headline figures (review date, window, partners,
/// network turnover, Gini coefficient, the top 20 %'s share, concentration
/// risk, crisis alerts), the Pareto curve with the policy's cut-offs and the
/// segments in colour ([`pareto_svg`]), the Lorenz curve ([`lorenz_svg`]),
/// the tiers ([`tier_svg`]), the migrations since the previous review
/// ([`tier_migration_svg`], [`segment_migration_svg`]) if the portfolio
/// has one, the top partners by priority with their strategy goal and the
/// reasons, and the crisis alerts with their action plans. With
/// [`ReportOptions::dynamics`] it also shows the network month by month
/// ([`segment_months_svg`], [`tier_months_svg`]) and a sparkline of the last
/// 12 months beside each top partner.
///
/// It needs nothing but a browser: no script, no external font, image or
/// style sheet, no network request. Every text from the data (partner names,
/// ids, playbook texts) is escaped, and the page is well-formed XML. Amounts
/// are formatted for the language ([`Catalogue::money`]). The Pareto
/// curve is drawn with at most a few hundred points whatever the number of
/// partners, so the page of a million partners stays small (well under
/// 1 MB with the default options) and is built in a fraction of a second.
///
/// The goals and action plans come from the portfolio's playbook, in its
/// language; the rest of the page is in the words of a
/// [`Catalogue`] ([`html_with`] takes a company's own).
///
/// Writing to a string cannot fail, and neither can this function: a
/// portfolio without partners or without positive turnover gives a page
/// that says so.
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::report::{self, ReportOptions};
/// use partner_priority::rust_decimal::Decimal;
/// use partner_priority::{Currency, Language, Ledger, Money, PartnerId, Policy, Review, Sale};
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
/// for (dealer, amount) in [("D-1", 7_000_000), ("D-2", 1_500_000), ("D-3", 90_000)] {
///     ledger.record(Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
/// }
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let portfolio = Review::new(&ledger, as_of).run(&Policy::default().with_language(Language::Ru))?;
///
/// let html = report::html(&portfolio, &ReportOptions::default());
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("8\u{202f}590\u{202f}000,00 ₽")); // the network turnover
/// assert!(html.contains("Обзор партнёрской сети"));
/// assert!(!html.contains("<script"));
///
/// // The same review with English words (the goals stay in the playbook's Russian).
/// let html = report::html(&portfolio, &ReportOptions::default().with_language(Language::En));
/// assert!(html.contains("8,590,000.00 RUB"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[must_use]
pub fn html(portfolio: &Portfolio, options: &ReportOptions) -> String {
    let language = options.language.unwrap_or_else(|| portfolio.language());
    html_with(portfolio, options, &language)
}

/// Renders a review as one self-contained HTML page, as [`html`] does, in
/// the `words` of a catalogue: a company's own wording, or a third
/// language. `options.language` is not used.
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::lang::{Catalogue, English, Label};
/// use partner_priority::report::{self, ReportOptions};
/// use partner_priority::rust_decimal::Decimal;
/// use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale};
///
/// /// Our words: "Dealer" for a partner, English for the rest.
/// struct Dealers;
///
/// impl Catalogue for Dealers {
///     fn base(&self) -> &dyn Catalogue {
///         &English
///     }
///     fn label(&self, label: Label) -> &str {
///         match label {
///             Label::Partner => "Dealer",
///             other => self.base().label(other),
///         }
///     }
/// }
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
/// ledger.record(Sale::new(PartnerId::new("D-1")?, date, Money::new(Decimal::from(90_000), Currency::RUB)))?;
/// let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).run(&Policy::default())?;
///
/// let html = report::html_with(&portfolio, &ReportOptions::default(), &Dealers);
/// assert!(html.contains("<th>Dealer</th>"));
/// assert!(!html.contains("<th>Partner</th>"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[must_use]
pub fn html_with(portfolio: &Portfolio, options: &ReportOptions, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(96 * 1024);
    // Writing to a `String` never fails.
    let _ = Page { p: portfolio, words, options }.write(&mut out);
    out
}

/// The Pareto curve as a standalone SVG image (720 × 430), in `words` (a
/// [`Language`] or a catalogue of one's own): partners sorted by turnover,
/// largest first, on the x axis as a share of all partners; the cumulative
/// share of turnover on the y axis. The curve and the area under it are
/// coloured by segment, the policy's cut-offs are dashed lines (horizontal
/// under [`ParetoBasis::Turnover`], vertical under
/// [`ParetoBasis::Partners`]), and a legend gives each segment's partners
/// and share of turnover.
///
/// The curve is built from each assessment's [`SegmentEvidence`] (`rank`
/// and `turnover_before`) and thinned to the points that move it by at
/// least two pixels: a few hundred points for any number of partners.
///
/// [`SegmentEvidence`]: crate::pareto::SegmentEvidence
///
/// [`ParetoBasis::Turnover`]: crate::pareto::ParetoBasis::Turnover
/// [`ParetoBasis::Partners`]: crate::pareto::ParetoBasis::Partners
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::report::pareto_svg;
/// use partner_priority::rust_decimal::Decimal;
/// use partner_priority::{Currency, Language, Ledger, Money, PartnerId, Policy, Review, Sale};
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let date = NaiveDate::from_ymd_opt(2025, 6, 15).unwrap();
/// for (dealer, amount) in [("D-1", 800), ("D-2", 150), ("D-3", 50)] {
///     ledger.record(Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
/// }
/// let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()).run(&Policy::default())?;
/// let svg = pareto_svg(&portfolio, &Language::En);
/// assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
/// assert!(svg.ends_with("</svg>"));
/// assert!(pareto_svg(&portfolio, &Language::Ru).contains("Кривая Парето"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[must_use]
pub fn pareto_svg(portfolio: &Portfolio, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(24 * 1024);
    let _ = write_pareto(&mut out, portfolio, words);
    out
}

/// The Lorenz curve as a standalone SVG image (440 × 430), in `words`:
/// partners from the smallest up on the x axis, their cumulative share of
/// turnover on the y axis, the line of equality, and the Gini coefficient.
#[must_use]
pub fn lorenz_svg(portfolio: &Portfolio, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(8 * 1024);
    let _ = write_lorenz(&mut out, portfolio, words);
    out
}

/// The tiers as a standalone SVG bar chart (740 × 216), in `words`:
/// partners and turnover per tier, Gold first, each with its share.
#[must_use]
pub fn tier_svg(portfolio: &Portfolio, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(4 * 1024);
    let _ = write_tiers(&mut out, portfolio, words);
    out
}

/// The tier migration matrix of a review as a standalone SVG heat map
/// (532 × 222), in `words`: rows are the tiers at the previous review,
/// columns the tiers now (Gold first); moves up are green, moves down red,
/// partners that stayed grey.
#[must_use]
pub fn tier_migration_svg(migrations: &Migrations, words: &dyn Catalogue) -> String {
    let labels = Tier::ALL.map(|t| words.tier(t));
    let mut out = String::with_capacity(6 * 1024);
    let _ = write_matrix(&mut out, &migrations.tiers.matrix, labels, labels, Label::TierMigrationsTitle, words);
    out
}

/// The segment migration matrix of a review as a standalone SVG heat map
/// (532 × 222), in `words`: rows are the segments at the previous review,
/// columns the segments now (A first); moves up are green, moves down red,
/// partners that stayed grey.
#[must_use]
pub fn segment_migration_svg(migrations: &Migrations, words: &dyn Catalogue) -> String {
    let names: [String; 4] = Segment::ALL.map(|s| format!("{s} {}", words.segment(s)));
    let rows = names.each_ref().map(String::as_str);
    let columns = ["A", "B", "C", "D"];
    let mut out = String::with_capacity(6 * 1024);
    let _ = write_matrix(&mut out, &migrations.segments.matrix, rows, columns, Label::SegmentMigrationsTitle, words);
    out
}

/// The network's turnover per month stacked by segment, as a standalone SVG
/// bar chart (740 × 300), in `words`: one bar per month of the review
/// window, a legend of the segments.
#[must_use]
pub fn segment_months_svg(dynamics: &Dynamics, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(12 * 1024);
    let _ = write_segment_months(&mut out, dynamics, words);
    out
}

/// The network's turnover per month of each tier, as a standalone SVG line
/// chart (740 × 300), in `words`.
#[must_use]
pub fn tier_months_svg(dynamics: &Dynamics, words: &dyn Catalogue) -> String {
    let mut out = String::with_capacity(12 * 1024);
    let _ = write_tier_months(&mut out, dynamics, words);
    out
}

#[cfg(test)]
mod tests {
    use super::svg::*;
    use super::*;
    use crate::money::Currency;
    use crate::risk::RiskLevel;
    use rust_decimal::Decimal;

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
    fn labels_keep_their_quotes_in_element_content() {
        assert_eq!(
            Text("the partner's <b>tier</b> & \"goal\" \u{1}").to_string(),
            "the partner's &lt;b&gt;tier&lt;/b&gt; &amp; \"goal\" \u{fffd}"
        );
    }

    #[test]
    fn compact_amounts_and_counts_follow_the_catalogue() {
        let rub = Currency::RUB;
        assert_eq!(compact(&Language::En, Decimal::from(82_345_678), rub), "82.3 M RUB");
        assert_eq!(compact(&Language::Ru, Decimal::from(82_345_678), rub), "82,3 млн ₽");
        assert_eq!(count(&Language::Ru, 200_000), "200\u{202f}000");
        assert_eq!(amount(&Language::En, Decimal::new(12_345_678, 1), &rub), "1,234,568 RUB");
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

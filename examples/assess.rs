//! The main job: assess a partner network from billing data.
//!
//! With no arguments it runs on the bundled sample data (`examples/data/`),
//! as of the first day after its last month:
//!
//! ```text
//! cargo run --example assess
//! cargo run --example assess -- --lang ru
//! cargo run --example assess -- --invoices my.csv --as-of 2026-01-01 --out assessment.csv
//! cargo run --example assess -- --html report.html
//! cargo run --example assess -- --periods quarterly --report periods.csv
//! cargo run --features parquet --example assess -- --monthly monthly.parquet --out assessment.parquet
//! ```
//!
//! It prints the turnover report, the Pareto table and concentration, the
//! tier table, the top 20 partners by priority with their strategy, every
//! crisis alert and the migrations since the previous review (the same
//! window one review period earlier). With `--html FILE` it also writes the
//! review as one self-contained HTML page with charts (see `report::html`),
//! in the `--lang` language.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use partner_priority::chrono::{Months, NaiveDate};
use partner_priority::import::CsvImport;
use partner_priority::lang::{Catalogue, Message};
use partner_priority::ledger::periods::{Granularity, PeriodReport};
use partner_priority::period::Window;
use partner_priority::report::{self as html_page, Dynamics, ReportOptions};
use partner_priority::review::forecast::Forecast;
use partner_priority::review::{Assessment, PlaybookChoice};
use partner_priority::risk::RiskFacts;
use partner_priority::rust_decimal::Decimal;
use partner_priority::{Currency, Language, Ledger, Partner, Policy, Portfolio, Review, Segment, Tier};

const USAGE: &str = "\
usage: assess [OPTIONS]

  --invoices FILE   invoice lines, CSV (partner_id,date,amount[,currency,invoice_id,margin,cost,due_date,paid_date])
                    or Parquet (a .parquet file or a directory of part files; feature `parquet`)
  --monthly FILE    monthly figures per partner and month, CSV or Parquet, from a warehouse
                    (partner_id,month,turnover[,credit_notes,credit_note_count,deals,margin,
                    margin_complete,currency,due_date,paid_date,receivable]); with --invoices, both count
  --partners FILE   partners, CSV (partner_id[,name,region,specialisation,start_date,...])
  --risk FILE       risk facts, CSV (partner_id[,insolvency,credit_rating,on_time_delivery,open_disputes,...])
  --policy FILE     the policy, JSON (see Policy in the crate docs)
  --currency CODE   the currency of the amounts, ISO 4217 (default: the policy's tier currency
                    with --policy, else the invoices file's)
  --as-of DATE      the review date, YYYY-MM-DD (default: the day after the last month with data)
  --months N        the window length in months (default 12, or the policy's)
  --lang en|ru      the report language (default en)
  --out FILE        write one row per partner: CSV, or Parquet for a .parquet file (feature `parquet`)
  --html FILE       write the review as one self-contained HTML page with charts
  --all             list every partner in the turnover report
  --periods monthly|quarterly
                    the period of --report (default monthly)
  --report FILE     write the period report: one row per partner and period, CSV,
                    or Parquet for a .parquet file (feature `parquet`)
                    (partner_id,period,turnover,margin,deals,average_deal,...)
  -h, --help        this text

Without --invoices and --monthly the bundled sample data in examples/data/ is used.";

#[derive(Default)]
struct Args {
    invoices: Option<PathBuf>,
    monthly: Option<PathBuf>,
    partners: Option<PathBuf>,
    risk: Option<PathBuf>,
    policy: Option<PathBuf>,
    currency: Option<Currency>,
    as_of: Option<NaiveDate>,
    months: Option<u32>,
    lang: Language,
    out: Option<PathBuf>,
    html: Option<PathBuf>,
    all: bool,
    periods: Option<Granularity>,
    report: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--invoices" => args.invoices = Some(value("--invoices")?.into()),
            "--monthly" => args.monthly = Some(value("--monthly")?.into()),
            "--partners" => args.partners = Some(value("--partners")?.into()),
            "--risk" => args.risk = Some(value("--risk")?.into()),
            "--policy" => args.policy = Some(value("--policy")?.into()),
            "--out" => args.out = Some(value("--out")?.into()),
            "--html" => args.html = Some(value("--html")?.into()),
            "--currency" => {
                let v = value("--currency")?;
                args.currency = Some(v.parse().map_err(|e| format!("--currency: {e}"))?);
            }
            "--as-of" => {
                let v = value("--as-of")?;
                let date = NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| format!("--as-of: `{v}` is not a date YYYY-MM-DD"))?;
                args.as_of = Some(date);
            }
            "--months" => {
                let v = value("--months")?;
                let months = v
                    .parse()
                    .ok()
                    .filter(|m| (1..=1200).contains(m))
                    .ok_or_else(|| format!("--months: `{v}` is not 1 … 1200"))?;
                args.months = Some(months);
            }
            "--lang" => {
                let v = value("--lang")?;
                args.lang = Language::from_code(&v).ok_or_else(|| format!("--lang: `{v}` is not en or ru"))?;
            }
            "--all" => args.all = true,
            "--periods" => {
                let v = value("--periods")?;
                args.periods = Some(v.parse().map_err(|_| format!("--periods: `{v}` is not monthly or quarterly"))?);
            }
            "--report" => args.report = Some(value("--report")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.periods.is_some() && args.report.is_none() {
        return Err("--periods needs --report FILE".to_owned());
    }
    if args.invoices.is_none() && args.monthly.is_none() {
        let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data");
        args.invoices = Some(data.join("invoices.csv"));
        args.partners.get_or_insert_with(|| data.join("partners.csv"));
        args.risk.get_or_insert_with(|| data.join("risk.csv"));
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) if message.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Adds the file name to an error.
fn in_file<T, E: std::fmt::Display>(path: &std::path::Path, r: Result<T, E>) -> Result<T, String> {
    r.map_err(|e| format!("{}: {e}", path.display()))
}

/// Prints how long each phase took when `ASSESS_TIMINGS` is set: the wall
/// time and, where the system tells them (Linux), the CPU time of all
/// threads (which other load on the machine barely changes), the pages of
/// fresh memory it faulted in (each a trip to the kernel) and the peak
/// memory so far.
struct Timer(Option<(std::time::Instant, f64, u64)>);

impl Timer {
    fn new() -> Timer {
        Timer(std::env::var_os("ASSESS_TIMINGS").map(|_| (std::time::Instant::now(), cpu_seconds(), minor_faults())))
    }

    fn lap(&mut self, what: &str) {
        if let Some((start, cpu, faults)) = self.0.as_mut() {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |key: &str| status.lines().find_map(|l| l.strip_prefix(key)).map(str::trim);
            let peak = match (field("VmHWM:"), field("VmRSS:")) {
                (Some(peak), Some(now)) => format!(", peak {peak} now {now}"),
                _ => String::new(),
            };
            let now = cpu_seconds();
            let faulted = minor_faults();
            eprintln!(
                "{what:>12}: {:.3} s (cpu {:.2} s, {} page faults){peak}",
                start.elapsed().as_secs_f64(),
                now - *cpu,
                faulted.saturating_sub(*faults)
            );
            *start = std::time::Instant::now();
            *cpu = now;
            *faults = faulted;
        }
    }
}

/// The process's CPU time so far (user and system, all threads), from
/// `/proc/self/stat` (clock ticks of 1/100 s); 0 where there is none.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
    (ticks(11) + ticks(12)) / 100.0
}

/// The process's minor page faults so far (pages of fresh memory), from
/// `/proc/self/stat`; 0 where there is none.
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // minflt is field 10 of the line, 8 after the command name.
    stat.rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .nth(7)
        .and_then(|f| f.parse().ok())
        .unwrap_or(0)
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut timer = Timer::new();
    let policy = match &args.policy {
        Some(p) => Some(in_file(p, Policy::from_json(&in_file(p, std::fs::read_to_string(p))?))?),
        None => None,
    };
    // The currency: --currency, else the policy's, else the file's.
    let import = match args.currency.or(policy.as_ref().map(|p| p.tiers.currency())) {
        Some(currency) => CsvImport::new().currency(currency),
        None => CsvImport::new(),
    };
    let currency = args.currency.or(policy.as_ref().map(|p| p.tiers.currency()));
    let mut ledger = None;
    if let Some(invoices) = args.invoices.as_deref() {
        ledger = Some(if is_parquet(invoices) {
            in_file(invoices, parquet::read(invoices, currency, false))?
        } else {
            in_file(invoices, import.read_sales_path(invoices))?
        });
    }
    if let Some(monthly) = args.monthly.as_deref() {
        let figures = if is_parquet(monthly) {
            in_file(monthly, parquet::read(monthly, currency, true))?
        } else {
            in_file(monthly, import.read_monthly_path(monthly))?
        };
        ledger = Some(match ledger {
            Some(mut lines) => {
                in_file(monthly, lines.merge(figures))?;
                lines
            }
            None => figures,
        });
    }
    let ledger = ledger.ok_or("no invoices or monthly figures")?;
    timer.lap("import");
    let partners: Vec<Partner> = match &args.partners {
        Some(p) => in_file(p, import.read_partners_path(p))?,
        None => Vec::new(),
    };
    let facts: Vec<RiskFacts> = match &args.risk {
        Some(p) => in_file(p, import.read_risk_facts_path(p))?,
        None => Vec::new(),
    };
    let mut policy = match policy {
        Some(policy) => policy,
        None if ledger.currency() == Policy::default().tiers.currency() => Policy::default(),
        None => {
            return Err(format!(
                "the amounts are in {}, and the default tier floors are in {}: give a --policy with tiers in {}",
                ledger.currency(),
                Policy::default().tiers.currency(),
                ledger.currency()
            )
            .into());
        }
    };
    if let Some(months) = args.months {
        policy = policy.with_window_months(months)?;
    }
    if matches!(policy.playbook, PlaybookChoice::Builtin(_)) {
        policy = policy.with_language(args.lang);
    }
    let span = ledger.span();
    let as_of = match args.as_of {
        Some(d) => d,
        None => {
            let (_, last) = span.ok_or("the invoices file has no lines")?;
            last.checked_add(1)?.first_day()
        }
    };
    // The previous review: the same window one review period earlier, when
    // the data reaches back that far (otherwise every partner would seem
    // to have grown from nothing).
    let back = Months::new(policy.review_period.months());
    let previous_as_of = as_of.checked_sub_months(back).ok_or("the previous review date is out of range")?;
    let previous_window = Window::before(previous_as_of, policy.window_months())?;
    let covered = span.is_some_and(|(first, _)| first <= previous_window.first());
    let review = Review::new(&ledger, as_of).partners(&partners).facts(&facts);
    let previous = if covered {
        Some(Review::new(&ledger, previous_as_of).partners(&partners).facts(&facts).run(&policy)?)
    } else {
        None
    };
    timer.lap("previous");
    // The forecast of the next review is made in the review's own pass.
    let (portfolio, forecast) = review.previous(previous.as_ref()).run_with_forecast(&policy)?;
    timer.lap("assess");

    let report = Report { p: &portfolio, lang: args.lang };
    let mut out = String::new();
    report.header(&mut out, ledger.invoice_count());
    report.turnover(&mut out, args.all);
    timer.lap("turnover");
    report.pareto(&mut out);
    report.tiers(&mut out);
    report.top(&mut out, 20);
    timer.lap("top");
    report.quarters(&mut out, &ledger, 10)?;
    timer.lap("quarters");
    report.outlook(&mut out, &forecast, 10);
    timer.lap("forecast");
    report.alerts(&mut out);
    timer.lap("alerts");
    match &previous {
        Some(previous) => report.migrations(&mut out, previous),
        None => {
            let _ = writeln!(
                out,
                "\n{} {}",
                report
                    .t("No previous review: the data starts after", "Нет прошлого пересмотра: данные начинаются позже"),
                previous_window.first()
            );
        }
    }
    std::io::stdout().write_all(out.as_bytes())?;
    timer.lap("report");
    if let Some(path) = &args.out {
        if path.extension().is_some_and(|e| e == "parquet") {
            in_file(path, parquet::write(path, &portfolio))?;
        } else {
            in_file(path, partner_priority::report::write_csv_path(&portfolio, path))?;
        }
        timer.lap("csv");
        println!("\n{} {}", report.t("wrote", "записан файл"), path.display());
    }
    if let Some(path) = &args.report {
        let granularity = args.periods.unwrap_or_default();
        let window = report_window(portfolio.window(), granularity)?;
        let periods = PeriodReport::new(&ledger, window, granularity);
        if is_parquet(path) {
            parquet::write_periods(path, &periods)?;
        } else {
            let file = in_file(path, std::fs::File::create(path))?;
            in_file(path, periods.write_csv(std::io::BufWriter::new(file)))?;
        }
        timer.lap("periods");
        println!("\n{} {}", report.t("wrote", "записан файл"), path.display());
    }
    if let Some(path) = &args.html {
        let options = ReportOptions::default().with_language(args.lang);
        let dynamics = Dynamics::new(&ledger, &portfolio, options.top)?;
        let html = html_page::html(&portfolio, &options.with_dynamics(dynamics));
        timer.lap("html");
        in_file(path, std::fs::write(path, html))?;
        println!("\n{} {}", report.t("wrote", "записан файл"), path.display());
    }
    // The program ends here: the system takes its memory back at once,
    // where freeing a million partners' figures one by one takes a few
    // tenths of a second.
    std::mem::forget((ledger, previous, portfolio, forecast));
    Ok(())
}

/// The window of the period report: the review window, and for quarters
/// the whole calendar quarters that end with the last one complete in it
/// (as many months as the review window, rounded up to quarters).
fn report_window(review: Window, granularity: Granularity) -> Result<Window, Box<dyn Error>> {
    match granularity {
        Granularity::Quarterly => {
            let last = review.last();
            let end = last.checked_add(-(last.month() as i32 % 3))?;
            let quarters = review.len().div_ceil(3) as i32;
            Ok(Window::new(end.checked_add(1 - 3 * quarters)?, end)?)
        }
        _ => Ok(review),
    }
}

/// A Parquet input: a `.parquet` file, or a directory (of part files, as
/// Spark writes them).
fn is_parquet(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "parquet") || path.is_dir()
}

/// Parquet in and out, with the `parquet` feature.
#[cfg(feature = "parquet")]
mod parquet {
    use std::error::Error;
    use std::path::Path;

    use partner_priority::import::ParquetImport;
    use partner_priority::ledger::periods::PeriodReport;
    use partner_priority::{Currency, Ledger, Portfolio};

    /// Invoice lines, or monthly figures, from a Parquet file or directory.
    pub(crate) fn read(path: &Path, currency: Option<Currency>, monthly: bool) -> Result<Ledger, Box<dyn Error>> {
        let import = match currency {
            Some(c) => ParquetImport::new().currency(c),
            None => ParquetImport::new(),
        };
        Ok(if monthly { import.read_monthly_path(path)? } else { import.read_sales_path(path)? })
    }

    /// One row per partner as a Parquet file.
    pub(crate) fn write(path: &Path, portfolio: &Portfolio) -> Result<(), Box<dyn Error>> {
        Ok(partner_priority::report::write_parquet_path(portfolio, path)?)
    }

    /// The period report as a Parquet file: one row per partner and period.
    pub(crate) fn write_periods(path: &Path, report: &PeriodReport<'_>) -> Result<(), Box<dyn Error>> {
        Ok(partner_priority::report::write_periods_parquet_path(report, path)?)
    }
}

/// Without the `parquet` feature: an error that says how to get it.
#[cfg(not(feature = "parquet"))]
mod parquet {
    use std::error::Error;
    use std::path::Path;

    use partner_priority::ledger::periods::PeriodReport;
    use partner_priority::{Currency, Ledger, Portfolio};

    const NO: &str = "Parquet needs the `parquet` feature: cargo run --features parquet --example assess -- …";

    pub(crate) fn read(_: &Path, _: Option<Currency>, _: bool) -> Result<Ledger, Box<dyn Error>> {
        Err(NO.into())
    }

    pub(crate) fn write(_: &Path, _: &Portfolio) -> Result<(), Box<dyn Error>> {
        Err(NO.into())
    }

    pub(crate) fn write_periods(_: &Path, _: &PeriodReport<'_>) -> Result<(), Box<dyn Error>> {
        Err(NO.into())
    }
}

struct Report<'a> {
    p: &'a Portfolio,
    lang: Language,
}

impl Report<'_> {
    fn t(&self, en: &'static str, ru: &'static str) -> &'static str {
        if self.lang == Language::Ru { ru } else { en }
    }

    fn amount(&self, d: Decimal) -> String {
        self.lang.format_amount(d, 0)
    }

    fn pct(&self, d: Decimal) -> String {
        self.lang.format_percent(d, 1)
    }

    fn header(&self, out: &mut String, invoices: usize) {
        let p = self.p;
        let _ = writeln!(
            out,
            "partner-priority — {} {} · {} {} ({} {}) · {} {} · {} {}",
            self.t("review as of", "пересмотр на"),
            p.as_of(),
            self.t("window", "окно"),
            p.window(),
            p.window().len(),
            self.t("months", "мес."),
            p.len(),
            self.t("partners", "партнёров"),
            invoices,
            self.t("invoices", "документов"),
        );
    }

    fn turnover(&self, out: &mut String, all: bool) {
        // Largest turnover first, then by id: the segment rank orders by
        // turnover (equal turnovers share a rank) and is cheaper to compare.
        // The partners are read in the portfolio's own order, which is
        // sequential in memory; without --all only the ten largest so far
        // are kept.
        let by_turnover =
            |a: &&Assessment, b: &&Assessment| a.segment_rank().cmp(&b.segment_rank()).then_with(|| a.id().cmp(b.id()));
        let shown = if all { self.p.len() } else { 10.min(self.p.len()) };
        let mut rows: Vec<&Assessment> = Vec::with_capacity(shown + 1);
        for a in self.p.unordered() {
            if all {
                rows.push(a);
            } else if rows.len() < shown || rows.last().is_some_and(|last| by_turnover(&a, last).is_lt()) {
                let at = rows.partition_point(|r| by_turnover(r, &a).is_lt());
                rows.insert(at, a);
                rows.truncate(shown);
            }
        }
        if all {
            rows.sort_by(by_turnover);
        }
        let _ = writeln!(
            out,
            "\n{} ({})",
            self.t("TURNOVER REPORT", "ОТЧЁТ ОБ ОБОРОТЕ"),
            if all {
                self.t("every partner", "все партнёры").to_owned()
            } else {
                format!("{} {shown}, --all: {}", self.t("top", "топ"), self.t("every partner", "все"))
            }
        );
        let _ = writeln!(
            out,
            "{:<8} {:<26} {:>14} {:>12} {:>6} {:>12}",
            self.t("partner", "партнёр"),
            self.t("name", "название"),
            self.t("turnover", "оборот"),
            self.t("margin", "маржа"),
            self.t("deals", "сделки"),
            self.t("avg deal", "ср. чек"),
        );
        for a in rows.iter().take(shown) {
            let _ = writeln!(
                out,
                "{:<8} {:<26} {:>14} {:>12} {:>6} {:>12}",
                a.id().as_str(),
                truncate(a.display_name(), 26),
                self.amount(a.turnover()),
                self.amount(a.margin()),
                a.deals(),
                a.average_deal().map_or("—".to_owned(), |d| self.amount(d)),
            );
        }
        // The margin, the deals and what the partners with deals invoiced
        // (their deals times their average deal), in one pass.
        let (mut margin, mut deals, mut invoiced) = (Decimal::ZERO, 0u64, Decimal::ZERO);
        for a in self.p.unordered() {
            margin += a.margin();
            deals += a.deals();
            if a.deals() > 0 {
                invoiced += a.turnover() - a.credit_notes();
            }
        }
        let invoiced = invoiced.round_dp(2);
        let avg = if deals == 0 { "—".to_owned() } else { self.amount(invoiced / Decimal::from(deals)) };
        let _ = writeln!(
            out,
            "{:<35} {:>14} {:>12} {:>6} {:>12}",
            format!("{} ({} {})", self.t("total", "итого"), self.p.len(), self.t("partners", "партнёров")),
            self.amount(self.p.total().amount()),
            self.amount(margin),
            deals,
            avg,
        );
    }

    fn pareto(&self, out: &mut String) {
        let _ = writeln!(out, "\n{}", self.t("ABC(D) SEGMENTS BY TURNOVER", "ABC(D)-СЕГМЕНТЫ ПО ОБОРОТУ"));
        let _ = writeln!(
            out,
            "{:<18} {:>9} {:>8} {:>16} {:>8}   {}",
            self.t("segment", "сегмент"),
            self.t("partners", "партнёры"),
            "%",
            self.t("turnover", "оборот"),
            "%",
            self.t("article: partners / turnover", "статья: партнёры / оборот"),
        );
        for row in self.p.pareto() {
            let e = row.expected;
            let lt = if e.turnover_is_upper_bound { "< " } else { "" };
            let _ = writeln!(
                out,
                "{:<18} {:>9} {:>8} {:>16} {:>8}   {} / {lt}{}",
                format!("{} {}", row.segment, self.lang.segment(row.segment)),
                row.partners,
                self.pct(row.partner_share),
                self.amount(row.turnover),
                self.pct(row.turnover_share),
                self.lang.format_percent(e.partners, 0),
                self.lang.format_percent(e.turnover, 0),
            );
        }
        if let Some(c) = self.p.concentration() {
            let _ = writeln!(
                out,
                "{}: Gini {} · {} {} · {} {} · HHI {}",
                self.t("Concentration", "Концентрация"),
                self.lang.format_amount(c.gini, 3),
                self.t("top 20 % of partners hold", "у 20 % крупнейших"),
                self.pct(c.top_20_share),
                self.t("the largest partner", "у крупнейшего"),
                self.pct(c.top_partner_share),
                self.amount(c.hhi),
            );
        }
        if let Some(r) = self.p.concentration_risk() {
            let _ = writeln!(out, "{}", capitalise(&self.lang.concentration_risk(r)));
        }
    }

    fn tiers(&self, out: &mut String) {
        let _ = writeln!(out, "\n{}", self.t("VOLUME TIERS (MONTHLY TURNOVER)", "КАТЕГОРИИ ПО ОБЪЁМУ ПРОДАЖ В МЕСЯЦ"));
        let _ = writeln!(
            out,
            "{:<12} {:>9} {:>16} {:>8}",
            self.t("tier", "категория"),
            self.t("partners", "партнёры"),
            self.t("turnover", "оборот"),
            "%"
        );
        let base = self.p.base();
        for row in self.p.tiers() {
            let share = if base > Decimal::ZERO { row.turnover / base } else { Decimal::ZERO };
            let _ = writeln!(
                out,
                "{:<12} {:>9} {:>16} {:>8}",
                self.lang.tier(row.tier),
                row.partners,
                self.amount(row.turnover),
                self.pct(share)
            );
        }
    }

    fn top(&self, out: &mut String, n: usize) {
        let _ = writeln!(
            out,
            "\n{} {n} {}",
            self.t("TOP", "ТОП"),
            self.t("PARTNERS BY PRIORITY", "ПАРТНЁРОВ ПО ПРИОРИТЕТУ")
        );
        for a in self.p.top(n) {
            let risk = a.risk_level().map_or(self.t("unknown", "неизвестен"), |l| self.lang.risk_level(l));
            let _ = writeln!(
                out,
                "{:>3}. {:<8} {:<26} {} {:<10} {} {:>7} · {} {} · {} {}{}",
                a.rank(),
                a.id().as_str(),
                truncate(a.display_name(), 26),
                a.segment(),
                self.lang.tier(a.tier()),
                self.t("score", "балл"),
                self.lang.format_amount(a.score(), 1),
                self.t("potential", "потенциал"),
                self.lang.potential_level(a.potential_level()),
                self.t("risk", "риск"),
                risk,
                if a.is_urgent() { self.t(" · URGENT", " · СРОЧНО") } else { "" },
            );
            let strategy = self.p.strategy(a);
            let _ = writeln!(out, "       {}: {}", self.t("goal", "цель"), strategy.goal);
            let _ = writeln!(out, "       {}: {}", self.t("actions", "действия"), strategy.actions.join(", "));
            if let Some(m) = strategy.mitigations.first() {
                let _ = writeln!(
                    out,
                    "       {} ({} {}): {}",
                    self.t("mitigate", "снизить риск"),
                    self.lang.risk_category(m.category),
                    self.lang.risk_level(m.level),
                    m.actions.join(", ")
                );
            }
            let reasons: Vec<String> = a.reasons().iter().map(|r| self.lang.reason(r)).collect();
            let _ = writeln!(out, "       {}: {}", self.t("why", "почему"), reasons.join("; "));
        }
    }

    /// The last four complete quarters of the top `n` partners: turnover
    /// and its change against the same quarter a year before.
    fn quarters(&self, out: &mut String, ledger: &Ledger, n: usize) -> Result<(), Box<dyn Error>> {
        let window =
            report_window(Window::new(self.p.window().last(), self.p.window().last())?, Granularity::Quarterly)?;
        let window = Window::new(window.last().checked_add(-11)?, window.last())?;
        let report = PeriodReport::new(ledger, window, Granularity::Quarterly);
        let _ = writeln!(
            out,
            "\n{} {n} {} ({}, {})",
            self.t("LAST FOUR QUARTERS OF THE TOP", "ПОСЛЕДНИЕ ЧЕТЫРЕ КВАРТАЛА ТОП"),
            self.t("PARTNERS", "ПАРТНЁРОВ"),
            self.p.currency(),
            self.t("change against the same quarter a year before", "изменение к тому же кварталу годом ранее"),
        );
        let mut line = format!("{:<8} {:<20}", "", "");
        for period in report.periods() {
            let _ = write!(line, " {:>20}", period.to_string());
        }
        let _ = writeln!(out, "{}", line.trim_end());
        for a in self.p.top(n) {
            let Some(periods) = report.partner(a.id())? else { continue };
            let mut line = format!("{:<8} {:<20}", a.id().as_str(), truncate(a.display_name(), 20));
            for f in periods.last(4) {
                let change = match f.vs_year_before.and_then(|c| c.ratio) {
                    Some(r) => {
                        format!("{}{}", if r > Decimal::ZERO { "+" } else { "" }, self.lang.format_percent(r, 0))
                    }
                    None => "—".to_owned(),
                };
                let _ = write!(line, " {:>11} {:>8}", self.amount(f.turnover), format!("({change})"));
            }
            let _ = writeln!(out, "{line}");
        }
        Ok(())
    }

    /// The likely promotions and demotions at the next review, with the
    /// evidence: the forecast, beside today's tiers (which it never
    /// changes).
    fn outlook(&self, out: &mut String, forecast: &Forecast, n: usize) {
        let (up, down) = (forecast.promotions(), forecast.demotions());
        let _ = writeln!(
            out,
            "\n{} {} ({}: {} {}, {} {})",
            self.t("FORECAST FOR THE REVIEW OF", "ПРОГНОЗ К ПЕРЕСМОТРУ"),
            forecast.next_review(),
            self.t("a projection, today's tiers unchanged", "проекция, текущие уровни не меняются"),
            up.len(),
            self.t("likely promotions", "вероятных повышений"),
            down.len(),
            self.t("likely demotions", "вероятных понижений"),
        );
        for (mark, list) in [("↑", &up), ("↓", &down)] {
            for p in list.iter().take(n) {
                let name = self.p.get(p.partner.as_str()).map_or("", |a| a.display_name());
                let _ = writeln!(out, "{mark} {:<8} {}", p.partner.as_str(), truncate(name, 40));
                let _ = writeln!(out, "       {}", self.lang.projection(p));
            }
            if list.len() > n {
                let _ = writeln!(out, "  … {} {}", self.t("and more:", "и ещё:"), list.len() - n);
            }
        }
    }

    fn alerts(&self, out: &mut String) {
        let alerts = self.p.alerts();
        let _ = writeln!(out, "\n{} ({})", self.t("CRISIS ALERTS", "КРИЗИСНЫЕ СИГНАЛЫ"), alerts.len());
        for alert in alerts {
            let name = self.p.get(&alert.partner).map_or(alert.partner.as_str(), |a| a.display_name());
            let _ = writeln!(
                out,
                "[{}] {} {} — {}",
                self.lang.risk_level(alert.severity),
                alert.partner,
                name,
                self.lang.alert(alert)
            );
            let plan: Vec<&str> = self.p.crisis_plan(alert).iter().map(|a| &**a).collect();
            let _ = writeln!(out, "       {}: {}", self.t("plan", "план"), plan.join("; "));
        }
    }

    fn migrations(&self, out: &mut String, previous: &Portfolio) {
        let Some(r) = self.p.migrations() else { return };
        let _ = writeln!(
            out,
            "\n{} {} → {}",
            self.t("MIGRATIONS SINCE THE PREVIOUS REVIEW", "МИГРАЦИИ С ПРОШЛОГО ПЕРЕСМОТРА"),
            previous.as_of(),
            self.p.as_of()
        );
        // Only a gap is worth a line: the dates above show the span.
        if let Some(span) = r.span.filter(|s| s.is_longer_than(self.p.review_period())) {
            let _ =
                writeln!(out, "{}", self.lang.message(&Message::ReviewSpan { span, period: self.p.review_period() }));
        }
        let _ = writeln!(
            out,
            "{} {} · {} {} · {} {}",
            r.continuing(),
            self.t("partners in both", "партнёров в обоих"),
            r.new.len(),
            self.t("new", "новых"),
            r.gone.len(),
            self.t("gone", "ушедших"),
        );
        let _ = writeln!(
            out,
            "{}: {} ↑ {} ↓ {} =   {}: {} ↑ {} ↓ {} =",
            self.t("segments", "сегменты"),
            r.segments.up.len(),
            r.segments.down.len(),
            r.segments.unchanged,
            self.t("tiers", "категории"),
            r.tiers.up.len(),
            r.tiers.down.len(),
            r.tiers.unchanged,
        );
        let tiers: Vec<&str> = Tier::ALL.iter().map(|t| self.lang.tier(*t)).collect();
        let _ = writeln!(
            out,
            "{:<14} {:>10} {:>10} {:>10} {:>10}",
            self.t("tier from \\ to", "из \\ в"),
            tiers[0],
            tiers[1],
            tiers[2],
            tiers[3]
        );
        for (i, name) in tiers.iter().enumerate() {
            let row = r.tiers.matrix[i];
            let _ = writeln!(out, "{:<14} {:>10} {:>10} {:>10} {:>10}", name, row[0], row[1], row[2], row[3]);
        }
        let _ = writeln!(out, "{:<14} {:>10} {:>10} {:>10} {:>10}", self.t("segment", "сегмент"), "A", "B", "C", "D");
        for (i, s) in Segment::ALL.iter().enumerate() {
            let row = r.segments.matrix[i];
            let _ = writeln!(out, "{:<14} {:>10} {:>10} {:>10} {:>10}", s.to_string(), row[0], row[1], row[2], row[3]);
        }
        for m in r.tiers.down.iter().take(10) {
            let _ = writeln!(
                out,
                "  ↓ {} {}: {} → {}",
                m.partner,
                self.name(&m.partner),
                self.lang.tier(m.from),
                self.lang.tier(m.to)
            );
        }
        for m in r.tiers.up.iter().take(10) {
            let _ = writeln!(
                out,
                "  ↑ {} {}: {} → {}",
                m.partner,
                self.name(&m.partner),
                self.lang.tier(m.from),
                self.lang.tier(m.to)
            );
        }
    }

    fn name(&self, id: &partner_priority::PartnerId) -> String {
        self.p.get(id).map_or(String::new(), |a| a.display_name().to_owned())
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut out: String = text.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

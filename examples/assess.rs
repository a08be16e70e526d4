//! The main job: assess a partner network from billing data.
//!
//! With no arguments it runs on the bundled sample data (`examples/data/`),
//! as of the first day after its last month:
//!
//! ```text
//! cargo run --example assess
//! cargo run --example assess -- --invoices my.csv --as-of 2026-01-01 --lang ru
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use partner_priority::{
    CsvImport, Language, Ledger, Money, ParetoPolicy, Partner, PartnerId, Segmentation, Turnover, Window, segment,
};
use rust_decimal::Decimal;

const USAGE: &str = "\
usage: assess [--invoices FILE] [--partners FILE] [--as-of YYYY-MM-DD] [--months N] [--lang en|ru]

  --invoices FILE     invoice lines (CSV: partner_id,date,amount[,invoice_id,margin,...])
  --partners FILE     partners (CSV: partner_id[,name,region,specialisation,start_date])
  --as-of DATE        the review date; the window is the N full months before it
                      (default: the first day after the last month with data)
  --months N          the window length in months (default 12)
  --lang en|ru        the report language (default en)

With no --invoices, the bundled sample data in examples/data/ is used.";

struct Args {
    invoices: PathBuf,
    partners: Option<PathBuf>,
    as_of: Option<NaiveDate>,
    months: u32,
    lang: Language,
}

fn parse_args() -> Result<Args, String> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    let mut args =
        Args { invoices: data.join("invoices.csv"), partners: None, as_of: None, months: 12, lang: Language::En };
    let mut invoices_given = false;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--invoices" => {
                args.invoices = PathBuf::from(value("--invoices")?);
                invoices_given = true;
            }
            "--partners" => args.partners = Some(PathBuf::from(value("--partners")?)),
            "--as-of" => {
                let v = value("--as-of")?;
                args.as_of = Some(
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|_| format!("--as-of: `{v}` is not a date YYYY-MM-DD"))?,
                );
            }
            "--months" => {
                let v = value("--months")?;
                args.months = v
                    .parse()
                    .ok()
                    .filter(|m| (1..=1200).contains(m))
                    .ok_or_else(|| format!("--months: `{v}` is not a number of months from 1 to 1200"))?;
            }
            "--lang" => {
                let v = value("--lang")?;
                args.lang = Language::from_code(&v).ok_or_else(|| format!("--lang: `{v}` is not en or ru"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if !invoices_given && args.partners.is_none() {
        args.partners = Some(data.join("partners.csv"));
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}\n");
            }
            eprintln!("{USAGE}");
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

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let import = CsvImport::new();
    let ledger = import.read_sales_path(&args.invoices).map_err(|e| format!("{}: {e}", args.invoices.display()))?;
    let partners: Vec<Partner> = match &args.partners {
        Some(path) => import.read_partners_path(path).map_err(|e| format!("{}: {e}", path.display()))?,
        None => Vec::new(),
    };
    let as_of = match args.as_of {
        Some(d) => d,
        None => {
            let (_, last) = ledger.span().ok_or("the invoices file has no lines")?;
            last.checked_add(1)?.first_day()
        }
    };
    let window = Window::before(as_of, args.months)?;
    print_turnover_report(&ledger, &partners, window, as_of, args.lang);
    let totals: Vec<(PartnerId, Decimal)> =
        ledger.turnovers(window).into_iter().map(|t| (t.partner().clone(), t.total())).collect();
    let segmentation = segment(&totals, &ParetoPolicy::default())?;
    println!();
    print_pareto(&segmentation, args.lang);
    Ok(())
}

fn print_turnover_report(ledger: &Ledger, partners: &[Partner], window: Window, as_of: NaiveDate, lang: Language) {
    let t = |en: &'static str, ru: &'static str| if lang == Language::Ru { ru } else { en };
    let name_of =
        |id: &str| partners.iter().find(|p| p.id.as_str() == id).map_or(String::new(), |p| p.display_name().to_owned());
    let mut rows: Vec<Turnover> = ledger.turnovers(window);
    rows.sort_by(|a, b| b.total().cmp(&a.total()).then_with(|| a.partner().cmp(b.partner())));
    println!(
        "{} {window} ({} {}), {} {as_of}",
        t("Turnover report", "Отчёт об обороте"),
        window.len(),
        t("months", "мес."),
        t("as of", "на"),
    );
    println!(
        "{:<8} {:<28} {:>16} {:>14} {:>6} {:>14}",
        t("partner", "партнёр"),
        t("name", "название"),
        t("turnover", "оборот"),
        t("margin", "маржа"),
        t("deals", "сделки"),
        t("avg deal", "средний чек"),
    );
    let amount = |d: Decimal| lang.format_amount(d, 0);
    let (mut total, mut margin, mut deals, mut invoiced) = (Decimal::ZERO, Decimal::ZERO, 0u64, Decimal::ZERO);
    for row in &rows {
        total += row.total();
        margin += row.margin();
        deals += row.deals();
        invoiced += row.invoiced();
        println!(
            "{:<8} {:<28} {:>16} {:>14} {:>6} {:>14}",
            row.partner().as_str(),
            truncate(&name_of(row.partner().as_str()), 28),
            amount(row.total()),
            amount(row.margin()),
            row.deals(),
            row.average_deal().map_or("—".to_owned(), amount),
        );
    }
    let avg = if deals == 0 { "—".to_owned() } else { amount(invoiced / Decimal::from(deals)) };
    println!(
        "{:<37} {:>16} {:>14} {:>6} {:>14}",
        format!("{} ({} {})", t("total", "итого"), rows.len(), t("partners", "партнёров")),
        lang.format_money(Money::new(total.round_dp(0), ledger.currency())),
        amount(margin),
        deals,
        avg,
    );
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

fn print_pareto(s: &Segmentation, lang: Language) {
    let t = |en: &'static str, ru: &'static str| if lang == Language::Ru { ru } else { en };
    let pct = |d: Decimal| lang.format_percent(d, 1);
    println!("{}", t("ABC(D) segments by turnover (Pareto)", "ABC(D)-сегменты по обороту (Парето)"));
    println!(
        "{:<18} {:>8} {:>10} {:>16} {:>10}   {}",
        t("segment", "сегмент"),
        t("partners", "партнёры"),
        t("share", "доля"),
        t("turnover", "оборот"),
        t("share", "доля"),
        t("article: partners / turnover", "статья: партнёры / оборот"),
    );
    for row in s.table() {
        let e = row.expected;
        let expected_turnover =
            if e.turnover_is_upper_bound { format!("< {}", pct(e.turnover)) } else { pct(e.turnover) };
        println!(
            "{:<18} {:>8} {:>10} {:>16} {:>10}   {} / {}",
            format!("{} {}", row.segment, row.segment.name(lang)),
            row.partners,
            pct(row.partner_share),
            lang.format_amount(row.turnover, 0),
            pct(row.turnover_share),
            pct(e.partners),
            expected_turnover,
        );
    }
    if let Some(c) = s.concentration() {
        println!(
            "{}: Gini {}, {} {}, {} {}, HHI {}",
            t("Concentration", "Концентрация"),
            lang.format_amount(c.gini, 3),
            t("top 20 % of partners hold", "у 20 % крупнейших"),
            pct(c.top_20_share),
            t("the largest partner", "у крупнейшего партнёра"),
            pct(c.top_partner_share),
            lang.format_amount(c.hhi, 0),
        );
    }
}

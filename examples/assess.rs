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
use std::collections::HashMap;

use partner_priority::{
    CsvImport, Language, Ledger, Money, ParetoPolicy, Partner, PartnerId, Placement, Review, Segmentation, Tier,
    TierPolicy, TierState, Turnover, Window, review, segment, tier_table,
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

    // Tiers now and one quarter earlier; the earlier review's states carry
    // hysteresis into this one.
    let policy = TierPolicy::default();
    let previous_window = window.shifted_back(3)?;
    let (previous, states) = placements(&ledger, &partners, previous_window, &policy, &HashMap::new())?;
    let (current, _) = placements(&ledger, &partners, window, &policy, &states)?;
    println!();
    print_tiers(&current, &totals, ledger.currency(), args.lang)?;
    println!();
    print_review(&review(&previous, &current)?, previous_window, window, args.lang);
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

type States = HashMap<PartnerId, TierState>;

/// Segments and tiers of every partner over `window`.
fn placements(
    ledger: &Ledger,
    partners: &[Partner],
    window: Window,
    policy: &TierPolicy,
    previous: &States,
) -> Result<(Vec<Placement>, States), Box<dyn Error>> {
    let starts: HashMap<&str, chrono::NaiveDate> =
        partners.iter().filter_map(|p| Some((p.id.as_str(), p.start_date?))).collect();
    let turnovers = ledger.turnovers(window);
    let totals: Vec<(PartnerId, Decimal)> = turnovers.iter().map(|t| (t.partner().clone(), t.total())).collect();
    let segmentation = segment(&totals, &ParetoPolicy::default())?;
    let segments: HashMap<&PartnerId, _> = segmentation.entries().iter().map(|e| (&e.partner, e.segment)).collect();
    let mut out = Vec::with_capacity(turnovers.len());
    let mut states = States::new();
    for t in &turnovers {
        let first_sale = t.months().iter().find(|m| !m.turnover.is_zero() || m.deals > 0).map(|m| m.month);
        let months = policy.months(window, starts.get(t.partner().as_str()).copied(), first_sale);
        let assignment = policy.assign(t.total_money(), months, previous.get(t.partner()).copied())?;
        states.insert(t.partner().clone(), assignment.state());
        let segment = segments.get(t.partner()).copied().ok_or("partner without a segment")?;
        out.push(Placement::new(t.partner().clone(), segment, assignment.tier));
    }
    Ok((out, states))
}

fn print_tiers(
    current: &[Placement],
    totals: &[(PartnerId, Decimal)],
    currency: partner_priority::Currency,
    lang: Language,
) -> Result<(), Box<dyn Error>> {
    let t = |en: &'static str, ru: &'static str| if lang == Language::Ru { ru } else { en };
    let turnover: HashMap<&PartnerId, Decimal> = totals.iter().map(|(id, v)| (id, *v)).collect();
    let rows = tier_table(current.iter().map(|p| (p.tier, turnover.get(&p.partner).copied().unwrap_or_default())))?;
    let policy = TierPolicy::default();
    println!("{}", t("Volume tiers by monthly turnover", "Категории по объёму продаж в месяц"));
    println!(
        "{:<12} {:<22} {:>8} {:>18}",
        t("tier", "категория"),
        t("per month", "в месяц"),
        t("partners", "партнёры"),
        t("turnover", "оборот")
    );
    for row in rows {
        let band = match (policy.floor(row.tier), row.tier.next().and_then(|n| policy.floor(n))) {
            (Some(f), _) if row.tier == Tier::Gold => format!("> {}", lang.format_amount(f.amount(), 0)),
            (Some(f), Some(n)) => {
                format!("{} – {}", lang.format_amount(f.amount(), 0), lang.format_amount(n.amount(), 0))
            }
            (None, Some(n)) => format!("< {}", lang.format_amount(n.amount(), 0)),
            _ => String::new(),
        };
        println!(
            "{:<12} {:<22} {:>8} {:>18}",
            row.tier.name(lang),
            format!("{band} {}", lang.currency_sign(&currency)),
            row.partners,
            lang.format_amount(row.turnover, 0)
        );
    }
    Ok(())
}

fn print_review(r: &Review, previous: Window, current: Window, lang: Language) {
    let t = |en: &'static str, ru: &'static str| if lang == Language::Ru { ru } else { en };
    println!(
        "{} {previous} → {current}: {} {}, {} {}, {} {}",
        t("Migrations", "Миграции"),
        r.continuing(),
        t("partners in both", "партнёров в обоих"),
        r.new.len(),
        t("new", "новых"),
        r.gone.len(),
        t("gone", "ушедших"),
    );
    println!(
        "  {}: {} {}, {} {}, {} {}",
        t("segments", "сегменты"),
        r.segments.up.len(),
        t("up", "вверх"),
        r.segments.down.len(),
        t("down", "вниз"),
        r.segments.unchanged,
        t("unchanged", "без изменений"),
    );
    println!(
        "  {}: {} {}, {} {}, {} {}",
        t("tiers", "категории"),
        r.tiers.up.len(),
        t("up", "вверх"),
        r.tiers.down.len(),
        t("down", "вниз"),
        r.tiers.unchanged,
        t("unchanged", "без изменений"),
    );
    println!(
        "  {:<14} {:>8} {:>8} {:>8} {:>8}",
        t("tier from \\ to", "из \\ в"),
        "Gold",
        "Silver",
        "Bronze",
        "Beginner"
    );
    for (i, tier) in Tier::ALL.iter().enumerate() {
        let row = r.tiers.matrix[i];
        println!("  {:<14} {:>8} {:>8} {:>8} {:>8}", tier.name(lang), row[0], row[1], row[2], row[3]);
    }
}

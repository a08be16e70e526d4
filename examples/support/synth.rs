//! Deterministic synthetic partner networks: the bundled sample data and the
//! large data sets of the benchmarks. Shared by `examples/generate.rs` and
//! the benches (`#[path]`-included), so both always agree.
//!
//! Everything is drawn from a ChaCha8 generator with a fixed seed, so the
//! same parameters always give byte-identical files.

#![allow(dead_code, unreachable_pub, missing_docs, missing_debug_implementations)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::io::{self, Write};

use chrono::{Datelike, Days, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Pareto, Poisson};

/// Kopecks (or any minor unit) as an exact decimal text with two places.
pub fn money(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap()
    } else {
        date.checked_sub_days(Days::new((-days) as u64)).unwrap()
    }
}

fn month_start(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, 1).unwrap()
}

fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    month_start(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// How a partner behaves in the generated data.
#[derive(Clone, Debug)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub region: &'static str,
    pub specialisation: &'static str,
    pub start: NaiveDate,
    /// Typical monthly turnover in kopecks at the start of the data.
    pub base: f64,
    /// Growth per month (0.02 = +2 %).
    pub growth: f64,
    /// Seasonal amplitude (0 = flat) and peak month (1..=12).
    pub season: (f64, u32),
    /// Average deal in kopecks.
    pub deal: f64,
    /// Payment terms in days.
    pub terms: i64,
    /// Mean days late (0 = pays on time).
    pub late: f64,
    pub kind: Kind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Regular,
    /// The same invoice every month (a subscription): equal turnovers.
    Fixed(i64),
    /// No sales in the last 12 months.
    Passive,
    /// Returns exceed sales in the last 12 months.
    Returns,
    /// A sharp drop in the last two months, growing payment delays.
    Crisis,
    /// Payment delays growing month by month.
    SlowingPayer,
}

/// One invoice line.
#[derive(Clone, Debug)]
pub struct Line {
    pub partner: usize,
    pub date: NaiveDate,
    pub amount: i64,
    pub invoice: String,
    pub margin: i64,
    pub due: NaiveDate,
    pub paid: Option<NaiveDate>,
}

/// The bundled sample network.
pub struct Sample {
    pub first_month: NaiveDate,
    pub months: i32,
    /// The day after the last month: the data's "as of".
    pub as_of: NaiveDate,
    pub partners: Vec<Profile>,
    pub lines: Vec<Line>,
}

const REGIONS: [(&str, u32); 9] = [
    ("Москва", 26),
    ("Санкт-Петербург", 14),
    ("Центр", 14),
    ("Северо-Запад", 7),
    ("Юг", 10),
    ("Поволжье", 10),
    ("Урал", 8),
    ("Сибирь", 7),
    ("Дальний Восток", 4),
];
const SPECIALISATIONS: [(&str, u32); 5] =
    [("Розница", 35), ("HoReCa", 20), ("Строительство", 15), ("Промышленность", 15), ("Интернет-магазин", 15)];
const PREFIXES: [&str; 20] = [
    "Альфа",
    "Вектор",
    "Север",
    "Восток",
    "Гранд",
    "Дельта",
    "Меридиан",
    "Орион",
    "Престиж",
    "Сигма",
    "Таврия",
    "Урал",
    "Феникс",
    "Эталон",
    "Юнион",
    "Радуга",
    "Стандарт",
    "Профи",
    "Магистраль",
    "Кристалл",
];
const SUFFIXES: [&str; 8] = ["Трейд", "Опт", "Дистрибуция", "Снаб", "Маркет", "Групп", "Логистик", "Сервис"];

fn pick<'a>(rng: &mut ChaCha8Rng, table: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for (name, w) in table {
        if x < *w {
            return name;
        }
        x -= w;
    }
    table[0].0
}

/// The sample network: `partners` partners over `months` months ending with
/// the month before `as_of`.
pub fn sample(partners: usize, months: i32, as_of: NaiveDate, seed: u64) -> Sample {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first_month = add_months(as_of, -months);
    let pareto: Pareto<f64> = Pareto::new(1_500_000.0, 1.16).unwrap(); // kopecks per month: 15 000 RUB minimum
    let mut profiles = Vec::with_capacity(partners);
    for i in 0..partners {
        let prefix = PREFIXES[rng.random_range(0..PREFIXES.len())];
        let suffix = SUFFIXES[rng.random_range(0..SUFFIXES.len())];
        let start = if rng.random_bool(0.78) {
            // Started before the data: 2012 … a month before the first month.
            add_days(first_month, -rng.random_range(30..5000))
        } else {
            // Started inside the data.
            add_days(first_month, rng.random_range(20..(months as i64 * 30 - 45)))
        };
        let base: f64 = pareto.sample(&mut rng).min(900_000_000.0);
        let specialisation = pick(&mut rng, &SPECIALISATIONS);
        let peak = match specialisation {
            "Строительство" => 7,
            "Розница" | "Интернет-магазин" => 12,
            "HoReCa" => 8,
            _ => rng.random_range(1..=12),
        };
        let late = if rng.random_bool(0.14) { rng.random_range(12.0..80.0) } else { 0.0 };
        profiles.push(Profile {
            id: format!("P-{:04}", i + 1),
            name: format!("ООО «{prefix}-{suffix}»"),
            region: pick(&mut rng, &REGIONS),
            specialisation,
            start,
            base,
            growth: Normal::new(0.004, 0.018).unwrap().sample(&mut rng),
            season: (rng.random_range(0.0..0.45), peak),
            deal: (base * rng.random_range(0.15..0.7)).clamp(800_000.0, 90_000_000.0),
            terms: [14, 30, 30, 45, 60][rng.random_range(0..5)],
            late,
            kind: Kind::Regular,
        });
    }
    // Special cases, placed deterministically.
    // The 8 largest partners include the crisis partner.
    let mut by_size: Vec<usize> = (0..partners).collect();
    by_size.sort_by(|&a, &b| profiles[b].base.total_cmp(&profiles[a].base));
    if let Some(&crisis) = by_size.get(3) {
        let p = &mut profiles[crisis];
        p.kind = Kind::Crisis;
        p.start = add_days(first_month, -2000);
        p.growth = 0.003;
    }
    if let Some(&slow) = by_size.get(12) {
        profiles[slow].kind = Kind::SlowingPayer;
    }
    // Equal turnovers: subscriptions of 25 000 and 8 000 RUB a month.
    let small: Vec<usize> = by_size.iter().rev().copied().take(60).collect();
    for (k, &i) in small.iter().enumerate().take(9) {
        let p = &mut profiles[i];
        p.kind = Kind::Fixed(if k < 5 { 2_500_000 } else { 800_000 });
        p.start = add_days(first_month, -400);
        p.late = 0.0;
    }
    // Passive partners and one with more returns than sales.
    for &i in small.iter().skip(10).take(8) {
        profiles[i].kind = Kind::Passive;
        profiles[i].start = add_days(first_month, -900);
    }
    for &i in small.iter().skip(20).take(2) {
        profiles[i].kind = Kind::Returns;
        profiles[i].start = add_days(first_month, -900);
    }

    let mut lines = Vec::new();
    let mut invoice_no = 0u64;
    let mut credit_no = 0u64;
    for (pi, p) in profiles.iter().enumerate() {
        for m in 0..months {
            let month = add_months(first_month, m);
            let next = add_months(month, 1);
            if next <= p.start {
                continue;
            }
            let recent = m >= months - 12;
            let last_two = m >= months - 2;
            let mut target = p.base * (1.0 + p.growth).powi(m);
            let phase = (month.month() as f64 - p.season.1 as f64) / 12.0 * std::f64::consts::TAU;
            target *= 1.0 + p.season.0 * phase.cos();
            let mut late = p.late;
            match p.kind {
                Kind::Passive if recent => continue,
                Kind::Returns if recent => {
                    if m == months - 5 {
                        credit_no += 1;
                        let date = add_days(month, 11);
                        lines.push(Line {
                            partner: pi,
                            date,
                            amount: -1_850_000,
                            invoice: format!("CN-{credit_no:06}"),
                            margin: -300_000,
                            due: date,
                            paid: Some(date),
                        });
                    }
                    continue;
                }
                Kind::Crisis if last_two => {
                    target *= 0.18;
                    late = 35.0 + 25.0 * (m - (months - 3)) as f64;
                }
                Kind::Crisis if m >= months - 5 => late = 6.0 * (m - (months - 6)) as f64,
                Kind::SlowingPayer if m >= months - 6 => late = 4.0 + 9.0 * (m - (months - 7)) as f64,
                _ => {}
            }
            let count = match p.kind {
                Kind::Fixed(_) => 1,
                _ => {
                    let mean = (target / p.deal).max(0.05);
                    Poisson::new(mean).unwrap().sample(&mut rng) as u32
                }
            };
            for _ in 0..count {
                invoice_no += 1;
                let invoice = format!("INV-{invoice_no:07}");
                let day = rng.random_range(0..month_days(month)) as i64;
                let date = add_days(month, day);
                if date < p.start {
                    continue;
                }
                let amount = match p.kind {
                    Kind::Fixed(a) => a,
                    _ => {
                        let noise = LogNormal::new(0.0, 0.35).unwrap().sample(&mut rng);
                        ((target / count as f64) * noise).round().max(10_000.0) as i64
                    }
                };
                let rate = rng.random_range(0.08..0.34);
                let due = add_days(date, p.terms);
                let delay = if late > 0.0 {
                    Normal::new(late, late / 3.0).unwrap().sample(&mut rng).round().max(0.0) as i64
                } else {
                    -rng.random_range(0..6)
                };
                let paid_date = add_days(due, delay);
                let paid = (paid_date < as_of).then_some(paid_date);
                // One to three lines per invoice.
                let parts = if amount > 2_000_000 { rng.random_range(1..=2) } else { 1 };
                let mut left = amount;
                for k in 0..parts {
                    let part = if k + 1 == parts { left } else { left / (parts - k) as i64 };
                    left -= part;
                    lines.push(Line {
                        partner: pi,
                        date,
                        amount: part,
                        invoice: invoice.clone(),
                        margin: (part as f64 * rate).round() as i64,
                        due,
                        paid,
                    });
                }
                // Some invoices get a credit note (a return) a little later.
                if !matches!(p.kind, Kind::Fixed(_)) && rng.random_bool(0.045) {
                    credit_no += 1;
                    let cn_date = add_days(date, rng.random_range(3..40));
                    if cn_date < as_of {
                        let share = rng.random_range(0.05..0.8);
                        let cn = -((amount as f64 * share).round() as i64).max(100);
                        lines.push(Line {
                            partner: pi,
                            date: cn_date,
                            amount: cn,
                            invoice: format!("CN-{credit_no:06}"),
                            margin: (cn as f64 * rate).round() as i64,
                            due: cn_date,
                            paid: Some(cn_date),
                        });
                    }
                }
            }
        }
    }
    lines.sort_by(|a, b| (a.date, &a.invoice).cmp(&(b.date, &b.invoice)));
    Sample { first_month, months, as_of, partners: profiles, lines }
}

fn month_days(month: NaiveDate) -> u32 {
    (add_months(month, 1) - month).num_days() as u32
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}

/// Writes the sample's invoice lines as CSV.
pub fn write_invoices<W: Write>(sample: &Sample, mut out: W) -> io::Result<()> {
    writeln!(out, "partner_id,date,amount,invoice_id,margin,due_date,paid_date")?;
    let mut buf = String::new();
    for l in &sample.lines {
        buf.clear();
        let paid = l.paid.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            buf,
            "{},{},{},{},{},{},{}",
            sample.partners[l.partner].id,
            l.date,
            money(l.amount),
            l.invoice,
            money(l.margin),
            l.due,
            paid
        );
        out.write_all(buf.as_bytes())?;
    }
    Ok(())
}

/// Writes the sample's invoice lines as CSV in another currency, with a
/// `currency` column: each amount (and margin) divided by `per_unit` and
/// rounded to the minor unit, half away from zero.
pub fn write_invoices_in<W: Write>(sample: &Sample, currency: &str, per_unit: i64, mut out: W) -> io::Result<()> {
    writeln!(out, "partner_id,date,amount,currency,invoice_id,margin,due_date,paid_date")?;
    let convert = |minor: i64| {
        let half = per_unit / 2;
        if minor >= 0 { (minor + half) / per_unit } else { (minor - half) / per_unit }
    };
    for l in &sample.lines {
        let paid = l.paid.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{},{},{},{currency},{},{},{},{}",
            sample.partners[l.partner].id,
            l.date,
            money(convert(l.amount)),
            l.invoice,
            money(convert(l.margin)),
            l.due,
            paid
        )?;
    }
    Ok(())
}

/// Writes the sample's partners as CSV.
pub fn write_partners<W: Write>(sample: &Sample, mut out: W) -> io::Result<()> {
    writeln!(out, "partner_id,name,region,specialisation,start_date,channel")?;
    for p in &sample.partners {
        let channel = if p.base > 30_000_000.0 { "дистрибьютор" } else { "дилер" };
        writeln!(out, "{},{},{},{},{},{}", p.id, csv_field(&p.name), p.region, p.specialisation, p.start, channel)?;
    }
    Ok(())
}

/// Writes risk facts for part of the sample: what a sales team would have
/// noted about delivery, complaints, disputes and credit.
pub fn write_risk<W: Write>(sample: &Sample, mut out: W) -> io::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(sample.partners.len() as u64 * 7919);
    writeln!(
        out,
        "partner_id,insolvency,credit_rating,credit_limit,credit_used,on_time_delivery,defect_rate,complaints,negative_reviews,violations,open_disputes,contract_breaches,court_cases"
    )?;
    fn opt(rng: &mut ChaCha8Rng, p: f64, v: String) -> String {
        if rng.random_bool(p) { v } else { String::new() }
    }
    for p in &sample.partners {
        let crisis = p.kind == Kind::Crisis;
        if !crisis && !rng.random_bool(0.45) {
            continue;
        }
        let big = p.base > 30_000_000.0;
        let insolvency = if crisis { "false".to_owned() } else { opt(&mut rng, 0.5, "false".to_owned()) };
        let ratings = ["AA", "A+", "A-", "BBB+", "BBB", "BBB-", "BB+", "BB", "B+", "B"];
        let grade = ratings[rng.random_range(0..ratings.len())];
        let rating = if big { opt(&mut rng, 0.6, format!("ru{grade}")) } else { String::new() };
        let limit = (p.base * 1.5 / 100.0).round().max(50_000.0);
        let (credit_limit, credit_used) = if rng.random_bool(0.5) || crisis {
            let used = if crisis { limit * 1.08 } else { limit * rng.random_range(0.1..0.95) };
            (format!("{limit:.0}"), format!("{:.2}", used))
        } else {
            (String::new(), String::new())
        };
        let on_time_value: f64 = rng.random_range(82.0..100.0);
        let on_time = if crisis { "78.5".to_owned() } else { opt(&mut rng, 0.6, format!("{on_time_value:.1}")) };
        let defect_value: f64 = rng.random_range(0.0..6.0);
        let defects = opt(&mut rng, 0.4, format!("{defect_value:.1}"));
        fn count(rng: &mut ChaCha8Rng, p: f64, max: u32) -> String {
            let v = rng.random_range(0..max);
            opt(rng, p, v.to_string())
        }
        let complaints = count(&mut rng, 0.6, 8);
        let reviews = count(&mut rng, 0.4, 12);
        let violations = if rng.random_bool(0.05) { "1".to_owned() } else { count(&mut rng, 0.3, 1) };
        let disputes = if crisis { "2".to_owned() } else { count(&mut rng, 0.5, 3) };
        let breaches = count(&mut rng, 0.4, 2);
        let courts = if crisis { "1".to_owned() } else { count(&mut rng, 0.3, 1) };
        writeln!(
            out,
            "{},{insolvency},{rating},{credit_limit},{credit_used},{on_time},{defects},{complaints},{reviews},{violations},{disputes},{breaches},{courts}",
            p.id
        )?;
    }
    Ok(())
}

/// A large flat data set for the benchmarks: `partners` partners with
/// heavy-tailed turnover and `lines` invoice lines over the 12 months before
/// `as_of`, about 3 % of them credit notes. Calls `emit` for every line in
/// date order of generation (not sorted), without building it in memory.
pub fn large<F: FnMut(usize, NaiveDate, i64, u64)>(
    partners: usize,
    lines: usize,
    as_of: NaiveDate,
    seed: u64,
    mut emit: F,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = add_months(as_of, -12);
    let days = (as_of - first).num_days() as u64;
    // Heavy-tailed partner weights, then a cumulative table to draw partners.
    let pareto: Pareto<f64> = Pareto::new(1.0, 1.16).unwrap();
    let mut cumulative = Vec::with_capacity(partners);
    let mut total = 0.0f64;
    for _ in 0..partners {
        total += pareto.sample(&mut rng).min(1e5);
        cumulative.push(total);
    }
    // Every partner gets at least one line; the rest follow the weights.
    for i in 0..lines {
        let partner = if i < partners {
            i
        } else {
            let x = rng.random_range(0.0..total);
            cumulative.partition_point(|&c| c < x).min(partners - 1)
        };
        let date = first.checked_add_days(Days::new(rng.random_range(0..days))).unwrap();
        let mut amount = (LogNormal::new(10.3, 1.0).unwrap().sample(&mut rng) as i64).max(100);
        if rng.random_bool(0.03) {
            amount = -amount / 3 - 1;
        }
        emit(partner, date, amount, i as u64 + 1);
    }
}

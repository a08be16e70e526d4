//! A billing tool's quarterly job against a PostgreSQL database: read the
//! invoice lines, partners and risk facts out of their tables, review the
//! network with the previous review loaded from the `reviews` table, and
//! store one row per partner in `assessments` and this review in `reviews`,
//! all in one transaction.
//!
//! ```text
//! psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/postgres/schema.sql
//! psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f examples/postgres/load.sql    # the sample data
//! DATABASE_URL=postgresql://billing@db.example/billing cargo run --example postgres -- --as-of 2026-11-01
//! ```
//!
//! The connection comes from the environment, never from the code:
//! `DATABASE_URL` (a URL or a `key=value` string, as `libpq` takes), or
//! else the `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` and `PGDATABASE`
//! variables. A `PGHOST` (or `host=`) that starts with `/` is the directory
//! of a Unix socket. The connection is not encrypted (`NoTls`): see the
//! README for TLS.
//!
//! The lines are read with `COPY (SELECT …) TO STDOUT` straight into the
//! crate's CSV import (the default; `--read rows` reads them row by row
//! instead, which is slower). The assessments go in with
//! `COPY assessments FROM STDIN`.
//!
//! A review date is stored once: a second run for the same date is refused
//! (nothing is written) unless `--replace` is given, which deletes the
//! stored review and its assessments and writes the new ones in the same
//! transaction.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use partner_priority::chrono::NaiveDate;
use partner_priority::import::CsvImport;
use partner_priority::lang::Catalogue as _;
use partner_priority::review::PlaybookChoice;
use partner_priority::risk::RiskFacts;
use partner_priority::rust_decimal::Decimal;
use partner_priority::{
    Currency, Language, Ledger, Money, Partner, PartnerId, Policy, Portfolio, Review, Sale, Segment,
};
use partner_priority::{Tier, period::Month};
use postgres::fallible_iterator::FallibleIterator as _;
use postgres::{Config, IsolationLevel, NoTls, Transaction};

const USAGE: &str = "\
usage: postgres [OPTIONS]

  --as-of DATE      the review date, YYYY-MM-DD (default: the first day after the
                    last month with invoice lines)
  --replace         replace the stored review of that date (default: refuse)
  --read copy|rows  read the invoice lines with COPY … TO STDOUT into the CSV
                    import (copy, the default) or row by row (rows)
  --policy FILE     the policy, JSON (see Policy in the crate docs)
  --lang en|ru      the language of the strategy goals (default en)
  -h, --help        this text

The database: DATABASE_URL, or the PGHOST, PGPORT, PGUSER, PGPASSWORD and
PGDATABASE variables. Tables: examples/postgres/schema.sql.";

/// How the invoice lines come out of the database.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Read {
    /// `COPY (SELECT …) TO STDOUT WITH (FORMAT csv)`, parsed by `CsvImport`.
    Copy,
    /// One `DataRow` message per line (binary dates, numeric as text),
    /// each line made a `Sale`.
    Rows,
}

struct Args {
    as_of: Option<NaiveDate>,
    replace: bool,
    read: Read,
    policy: Option<PathBuf>,
    lang: Language,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { as_of: None, replace: false, read: Read::Copy, policy: None, lang: Language::En };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--as-of" => {
                let v = value("--as-of")?;
                let date = NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                    .map_err(|_| format!("--as-of: `{v}` is not a date YYYY-MM-DD"))?;
                args.as_of = Some(date);
            }
            "--replace" => args.replace = true,
            "--read" => {
                args.read = match value("--read")?.as_str() {
                    "copy" => Read::Copy,
                    "rows" => Read::Rows,
                    v => return Err(format!("--read: `{v}` is not copy or rows")),
                }
            }
            "--policy" => args.policy = Some(value("--policy")?.into()),
            "--lang" => {
                let v = value("--lang")?;
                args.lang = Language::from_code(&v).ok_or_else(|| format!("--lang: `{v}` is not en or ru"))?;
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
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
            // A database error says "db error"; the server's message is its
            // source.
            let cause = err
                .downcast_ref::<postgres::Error>()
                .and_then(std::error::Error::source)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            eprintln!("error: {err}{cause}");
            ExitCode::FAILURE
        }
    }
}

/// The connection settings: `DATABASE_URL`, else the libpq `PG*`
/// variables (each optional; a missing user is the login name, as libpq
/// does).
fn config() -> Result<Config, Box<dyn Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(url) = var("DATABASE_URL") {
        // The parse error names no part of the string, which may hold a
        // password.
        return url.parse().map_err(|_| "DATABASE_URL is not a PostgreSQL connection string".into());
    }
    let mut config = Config::new();
    config.host(var("PGHOST").as_deref().unwrap_or("localhost"));
    if let Some(port) = var("PGPORT") {
        config.port(port.parse().map_err(|_| format!("PGPORT: `{port}` is not a port number"))?);
    }
    match var("PGUSER").or_else(|| var("USER")) {
        Some(user) => config.user(&user),
        None => return Err("set DATABASE_URL, or PGUSER and the other PG* variables".into()),
    };
    if let Some(password) = var("PGPASSWORD") {
        config.password(password);
    }
    if let Some(db) = var("PGDATABASE") {
        config.dbname(&db);
    }
    config.application_name("partner-priority quarterly review");
    Ok(config)
}

fn run(args: &Args) -> Result<(), Box<dyn Error>> {
    let mut policy = match &args.policy {
        Some(p) => Policy::from_json(&std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?)
            .map_err(|e| format!("{}: {e}", p.display()))?,
        None => Policy::default(),
    };
    if matches!(policy.playbook, PlaybookChoice::Builtin(_)) {
        policy = policy.with_language(args.lang);
    }
    let mut client = config()?.connect(NoTls).map_err(|e| {
        // The cause (refused, no such socket, bad password) is the source.
        let cause = std::error::Error::source(&e).map(|s| format!(": {s}")).unwrap_or_default();
        format!("connecting to the database: {e}{cause}")
    })?;
    // Two runs at once wait for each other: a lock held by the session,
    // taken before the transaction, so that the second one's snapshot
    // shows the first one's review (a writer that takes no lock makes the
    // second fail on the review's key instead; see `store`). It ends with
    // the connection.
    client.batch_execute("SELECT pg_advisory_lock(7318, 18)")?;
    // One snapshot for every read (the lines, partners, facts and the
    // previous review agree with each other), and one commit for every
    // write: a failure anywhere leaves the database as it was.
    let mut tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).start()?;
    // Dates cross as ISO text (`$1::text::date`, `date::text`).
    tx.batch_execute("SET LOCAL datestyle = 'ISO, YMD'")?;
    let as_of = match args.as_of {
        Some(d) => d,
        None => {
            let last: Option<String> = tx.query_one("SELECT max(date)::text FROM invoice_lines", &[])?.try_get(0)?;
            let last = last.ok_or("the invoice_lines table is empty")?;
            Month::of(day(&last)?).checked_add(1)?.first_day()
        }
    };
    let as_of_text = iso(as_of);
    let stored: Option<(i64, String)> = match tx.query_opt(
        "SELECT (SELECT count(*) FROM assessments WHERE review_date = $1::text::date), created_at::text \
         FROM reviews WHERE review_date = $1::text::date",
        &[&as_of_text],
    )? {
        Some(row) => Some((row.try_get(0)?, row.try_get(1)?)),
        None => None,
    };
    if let Some((rows, created)) = &stored {
        if !args.replace {
            return Err(format!(
                "the review of {as_of} is stored already ({rows} assessments, written {created}); \
                 nothing was changed (run with --replace to replace it)"
            )
            .into());
        }
    }

    let started = Instant::now();
    let import = CsvImport::new().currency(policy.tiers.currency());
    let ledger = match args.read {
        Read::Copy => read_lines_copy(&mut tx, &import, as_of)?,
        Read::Rows => read_lines_rows(&mut tx, policy.tiers.currency(), as_of)?,
    };
    let read_time = started.elapsed();
    let partners: Vec<Partner> = import
        .read_partners(tx.copy_out(
            "COPY (SELECT partner_id, name, region, specialisation, start_date, channel FROM partners) \
             TO STDOUT WITH (FORMAT csv, HEADER true)",
        )?)
        .map_err(|e| format!("partners: {e}"))?;
    let facts: Vec<RiskFacts> = import
        .read_risk_facts(tx.copy_out(
            "COPY (SELECT partner_id, insolvency::text, credit_rating, credit_limit, credit_used, on_time_delivery, \
             defect_rate, complaints, negative_reviews, violations, open_disputes, contract_breaches, court_cases \
             FROM risk_facts) TO STDOUT WITH (FORMAT csv, HEADER true)",
        )?)
        .map_err(|e| format!("risk_facts: {e}"))?;

    // The previous review: the latest stored before this date.
    let previous = match tx.query_opt(
        "SELECT review_date::text, portfolio::text FROM reviews WHERE review_date < $1::text::date \
         ORDER BY review_date DESC LIMIT 1",
        &[&as_of_text],
    )? {
        Some(row) => {
            let date: &str = row.try_get(0)?;
            let json: &str = row.try_get(1)?;
            Some(Portfolio::from_json(json).map_err(|e| format!("the stored review of {date}: {e}"))?)
        }
        None => None,
    };

    let started = Instant::now();
    let portfolio =
        Review::new(&ledger, as_of).partners(&partners).facts(&facts).previous(previous.as_ref()).run(&policy)?;
    let review_time = started.elapsed();

    let started = Instant::now();
    let written = store(&mut tx, &portfolio, stored.is_some())?;
    tx.commit()?;
    let write_time = started.elapsed();

    summary(&portfolio, previous.as_ref(), stored.is_some(), written);
    println!(
        "read {} invoices of {} partners in {:.3} s ({}), reviewed in {:.3} s, wrote and committed in {:.3} s",
        ledger.invoice_count(),
        ledger.partner_count(),
        read_time.as_secs_f64(),
        if args.read == Read::Copy { "COPY TO STDOUT" } else { "row by row" },
        review_time.as_secs_f64(),
        write_time.as_secs_f64()
    );
    Ok(())
}

/// A date as ISO text, as the queries take it.
fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// A date from the database's ISO text.
fn day(text: &str) -> Result<NaiveDate, Box<dyn Error>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date YYYY-MM-DD").into())
}

/// The columns the job reads, in the CSV import's names. Not `line_id`:
/// the table's key already keeps each line once, and a line with an
/// identity costs the ledger a record of it (for replays of a feed, which a
/// full read of the table has none of): 2M lines took 8.3 s of CPU with
/// their ids against 1.9 s without. A job that keeps its ledger between runs
/// and records new lines as they come would read them.
const LINE_COLUMNS: &str =
    "partner_id, date, amount, currency, invoice_id, margin, cost, due_date, paid_date FROM invoice_lines";

/// The invoice lines dated before `as_of`, streamed out with `COPY … TO
/// STDOUT` in CSV straight into the import (no file, no copy in memory).
/// All of them, not only the review window's: the potential looks at the
/// months before the window (on the sample, the window alone changes 272
/// of the 300 assessments).
fn read_lines_copy(tx: &mut Transaction<'_>, import: &CsvImport, as_of: NaiveDate) -> Result<Ledger, Box<dyn Error>> {
    // COPY takes no parameters; the date is ours, formatted as ISO.
    let query =
        format!("COPY (SELECT {LINE_COLUMNS} WHERE date < '{}') TO STDOUT WITH (FORMAT csv, HEADER true)", iso(as_of));
    let reader = tx.copy_out(&query)?;
    // An error names the line of the stream (its line 1 is the header),
    // the partner and the value.
    Ok(import.read_sales(reader).map_err(|e| format!("invoice_lines, read with COPY: {e}"))?)
}

/// The invoice lines dated before `as_of`, row by row, each made a `Sale`
/// and recorded in one batch (the line id is read only to name a bad line).
fn read_lines_rows(tx: &mut Transaction<'_>, currency: Currency, as_of: NaiveDate) -> Result<Ledger, Box<dyn Error>> {
    // Numeric as text (exact, parsed with `from_str_exact`), and dates.
    let query = "SELECT partner_id, date::text, amount::text, currency, invoice_id, margin::text, cost::text, \
                 due_date::text, paid_date::text, line_id FROM invoice_lines WHERE date < $1::text::date";
    let mut rows = tx.query_raw(query, [iso(as_of)])?;
    // The rows stream into the ledger as they come (from 262 144 lines it
    // checks and buffers them on the pool's threads meanwhile); the first
    // row that is not a sale ends the stream and is the error.
    let mut bad: Option<Box<dyn Error>> = None;
    // Fused: the ledger may ask again after the end, and a finished query
    // answers that with an error.
    let mut done = false;
    let sales = std::iter::from_fn(|| {
        if done {
            return None;
        }
        let row = match rows.next() {
            Ok(Some(row)) => row,
            Ok(None) => {
                done = true;
                return None;
            }
            Err(e) => {
                done = true;
                bad = Some(e.into());
                return None;
            }
        };
        match sale(&row, currency) {
            Ok(sale) => Some(sale),
            Err(e) => {
                let line_id: Option<&str> = row.try_get(9).ok().flatten();
                done = true;
                bad = Some(format!("invoice_lines, line {}: {e}", line_id.unwrap_or("?")).into());
                None
            }
        }
    });
    let mut ledger = Ledger::new(currency);
    let recorded = ledger.record_all(sales);
    if let Some(e) = bad {
        return Err(e);
    }
    recorded.map_err(|e| format!("invoice_lines, read row by row (a line is a row's position): {e}"))?;
    Ok(ledger)
}

/// One row of `invoice_lines` as a `Sale`.
fn sale(row: &postgres::Row, currency: Currency) -> Result<Sale, Box<dyn Error>> {
    let decimal = |i: usize, name: &str| -> Result<Option<Decimal>, Box<dyn Error>> {
        let text: Option<&str> = row.try_get(i)?;
        match text {
            None => Ok(None),
            Some(t) => Ok(Some(Decimal::from_str_exact(t).map_err(|e| format!("{name} `{t}`: {e}"))?)),
        }
    };
    let line_currency: String = row.try_get(3)?;
    let line_currency = Currency::new(line_currency.trim())?;
    if line_currency != currency {
        return Err(format!("the line is in {line_currency}, the review in {currency}").into());
    }
    let amount = decimal(2, "amount")?.ok_or("amount is null")?;
    let mut sale =
        Sale::new(PartnerId::new(row.try_get::<_, &str>(0)?)?, day(row.try_get(1)?)?, Money::new(amount, currency));
    if let Some(invoice) = row.try_get::<_, Option<&str>>(4)? {
        sale = sale.with_invoice(invoice);
    }
    if let Some(margin) = decimal(5, "margin")? {
        sale = sale.with_margin(margin);
    }
    if let Some(cost) = decimal(6, "cost")? {
        sale = sale.with_cost(cost);
    }
    if let Some(due) = row.try_get::<_, Option<&str>>(7)? {
        sale = sale.with_due_date(day(due)?);
    }
    if let Some(paid) = row.try_get::<_, Option<&str>>(8)? {
        sale = sale.with_paid_date(day(paid)?);
    }
    Ok(sale)
}

/// Stores the review: its portfolio in `reviews` (replacing a stored one
/// of the same date, whose assessments go with it) and one row per partner
/// in `assessments` through `COPY … FROM STDIN`. Returns the rows written.
fn store(tx: &mut Transaction<'_>, portfolio: &Portfolio, replace: bool) -> Result<u64, Box<dyn Error>> {
    let as_of = portfolio.as_of();
    let as_of_text = iso(as_of);
    if replace {
        // The assessments go with it (ON DELETE CASCADE).
        tx.execute("DELETE FROM reviews WHERE review_date = $1::text::date", &[&as_of_text])?;
    }
    let json = portfolio.to_json()?;
    let partners = i32::try_from(portfolio.len())?;
    tx.execute(
        "INSERT INTO reviews (review_date, portfolio, partners) VALUES ($1::text::date, $2::text::jsonb, $3)",
        &[&as_of_text, &json, &partners],
    )
    .map_err(|e| match e.code() {
        Some(&postgres::error::SqlState::UNIQUE_VIOLATION) => {
            format!("another run stored the review of {as_of} meanwhile; nothing was changed").into()
        }
        _ => Box::<dyn Error>::from(e),
    })?;
    let mut writer = tx.copy_in(
        "COPY assessments (review_date, partner_id, segment, tier, monthly_turnover, priority_rank, priority_score, \
         risk_level, potential, strategy_goal) FROM STDIN WITH (FORMAT csv)",
    )?;
    {
        let mut csv = csv::Writer::from_writer(std::io::BufWriter::with_capacity(1 << 16, &mut writer));
        let playbook = portfolio.playbook();
        let date = as_of_text;
        for a in portfolio.assessments() {
            csv.write_record([
                date.as_str(),
                a.id().as_str(),
                &a.segment().to_string(),
                Language::En.tier(a.tier()),
                &a.monthly_turnover().round_dp(2).to_string(),
                &a.rank().to_string(),
                &a.score().to_string(),
                a.risk_level().map_or("unknown", |l| Language::En.risk_level(l)),
                Language::En.potential_level(a.potential_level()),
                &playbook.tier(a.tier()).goal,
            ])?;
        }
        csv.into_inner().map_err(|e| e.into_error())?.flush()?;
    }
    Ok(writer.finish()?)
}

/// Prints what was reviewed and stored, and what moved since the previous
/// review.
fn summary(portfolio: &Portfolio, previous: Option<&Portfolio>, replaced: bool, written: u64) {
    let count = |s: Segment| portfolio.assessments().filter(|a| a.segment() == s).count();
    let tiers = |t: Tier| portfolio.assessments().filter(|a| a.tier() == t).count();
    println!(
        "review {}: {} partners · segments A {} B {} C {} D {} · tiers Gold {} Silver {} Bronze {} Beginner {}",
        portfolio.as_of(),
        portfolio.len(),
        count(Segment::A),
        count(Segment::B),
        count(Segment::C),
        count(Segment::D),
        tiers(Tier::Gold),
        tiers(Tier::Silver),
        tiers(Tier::Bronze),
        tiers(Tier::Beginner),
    );
    match (previous, portfolio.migrations()) {
        (Some(previous), Some(m)) => println!(
            "since the previous review {}: segments {} promoted, {} demoted · tiers {} promoted, {} demoted · \
             {} new, {} gone",
            previous.as_of(),
            m.segments.up.len(),
            m.segments.down.len(),
            m.tiers.up.len(),
            m.tiers.down.len(),
            m.new.len(),
            m.gone.len()
        ),
        _ => println!("no previous review stored before {}", portfolio.as_of()),
    }
    println!(
        "stored {written} assessments and the review of {}{}",
        portfolio.as_of(),
        if replaced { " (replacing the one stored before)" } else { "" }
    );
}

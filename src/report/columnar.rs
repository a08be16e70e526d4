//! The review's results as an Arrow record batch and a Parquet file
//! (features `arrow`, `parquet`).

use std::sync::Arc;

use arrow_array::builder::{Decimal128Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::lang::Catalogue;
use crate::language::Language;
use crate::ledger::periods::{CSV_HEADER, Change, PeriodReport, percent};
use crate::review::{Assessment, Portfolio};
use crate::tier::Tier;

fn arrow_error(e: arrow_schema::ArrowError) -> Error {
    ErrorKind::Columnar { format: "Arrow", message: e.to_string() }.into()
}

/// A decimal column at the largest scale of its values.
fn decimals(name: &str, values: &[Decimal]) -> Result<ArrayRef> {
    let values: Vec<Option<Decimal>> = values.iter().copied().map(Some).collect();
    optional_decimals(name, &values)
}

/// A decimal column at the largest scale of its values, `None` as null.
fn optional_decimals(name: &str, values: &[Option<Decimal>]) -> Result<ArrayRef> {
    let scale = values.iter().flatten().map(|d| d.normalize().scale()).max().unwrap_or(0);
    let mut out = Decimal128Builder::with_capacity(values.len())
        .with_precision_and_scale(38, i8::try_from(scale).unwrap_or(28))
        .map_err(arrow_error)?;
    for d in values {
        let Some(d) = d else {
            out.append_null();
            continue;
        };
        let n = d.normalize();
        let v = 10i128
            .checked_pow(scale - n.scale())
            .and_then(|f| n.mantissa().checked_mul(f))
            .filter(|v| v.unsigned_abs() < 10u128.pow(38))
            .ok_or_else(|| Error::overflow("a decimal column").at_column(name))?;
        out.append_value(v);
    }
    Ok(Arc::new(out.finish()))
}

/// The period report as a record batch: the columns of
/// [`PeriodReport::write_csv`] ([`CSV_HEADER`], in that order), one row per
/// partner and period in the same order, with the same figures.
///
/// | column | type | content |
/// | --- | --- | --- |
/// | `partner_id`, `period` | `Utf8` | the partner; `2026-03` or `2026-Q1` |
/// | `turnover`, `margin`, `credit_notes` | `Decimal128` | the period's sums, exact |
/// | `deals`, `credit_note_count` | `Int64` | counts |
/// | `average_deal` | `Decimal128`, null without deals | rounded to the currency's minor unit |
/// | `margin_pct` | `Decimal128`, null as in the CSV | percent, 2 decimal places |
/// | `change_prev`, `change_year` | `Decimal128`, null without a base | exact |
/// | `change_prev_pct`, `change_year_pct` | `Decimal128`, null without a base or from a zero base | percent, 2 decimal places |
///
/// The whole report is built in memory (a million partners over eight
/// quarters is eight million rows); write it in parts with
/// [`PeriodReport::partners`] when that is too much.
///
/// # Errors
///
/// The errors of [`PeriodReport::partners`]; [`ErrorKind::Overflow`] if a
/// decimal does not fit `Decimal128(38, s)` at its column's scale;
/// [`ErrorKind::Columnar`] if the batch cannot be built.
pub fn periods_batch(report: &PeriodReport<'_>) -> Result<RecordBatch> {
    let scale = report.scale();
    let mut ids = StringBuilder::new();
    let mut periods = StringBuilder::new();
    let (mut deals, mut notes) = (Int64Builder::new(), Int64Builder::new());
    let mut columns: [Vec<Option<Decimal>>; 9] = Default::default();
    for partner in report.partners() {
        let partner = partner?;
        for f in partner.periods() {
            ids.append_value(partner.partner().as_str());
            periods.append_value(f.period.to_string());
            deals.append_value(i64::try_from(f.deals).unwrap_or(i64::MAX));
            notes.append_value(i64::try_from(f.credit_note_count).unwrap_or(i64::MAX));
            let change = |c: Option<Change>| (c.map(|c| c.absolute), percent(c.and_then(|c| c.ratio)));
            let (prev, prev_pct) = change(f.vs_previous);
            let (year, year_pct) = change(f.vs_year_before);
            let row = [
                Some(f.turnover),
                Some(f.margin),
                f.rounded_average_deal(scale),
                percent(f.margin_rate()),
                Some(f.credit_notes),
                prev,
                prev_pct,
                year,
                year_pct,
            ];
            for (column, value) in columns.iter_mut().zip(row) {
                column.push(value);
            }
        }
    }
    let [turnover, margin, average, margin_pct, credit_notes, prev, prev_pct, year, year_pct] = columns;
    let text = |b: &mut StringBuilder| -> ArrayRef { Arc::new(b.finish()) };
    let ints = |b: &mut Int64Builder| -> ArrayRef { Arc::new(b.finish()) };
    let arrays: [ArrayRef; 13] = [
        text(&mut ids),
        text(&mut periods),
        optional_decimals("turnover", &turnover)?,
        optional_decimals("margin", &margin)?,
        ints(&mut deals),
        optional_decimals("average_deal", &average)?,
        optional_decimals("margin_pct", &margin_pct)?,
        optional_decimals("credit_notes", &credit_notes)?,
        ints(&mut notes),
        optional_decimals("change_prev", &prev)?,
        optional_decimals("change_prev_pct", &prev_pct)?,
        optional_decimals("change_year", &year)?,
        optional_decimals("change_year_pct", &year_pct)?,
    ];
    RecordBatch::try_from_iter(CSV_HEADER.into_iter().zip(arrays)).map_err(arrow_error)
}

/// Writes a record batch as a Parquet file, Snappy-compressed.
#[cfg(feature = "parquet")]
fn write_batch<W: std::io::Write + Send>(batch: &RecordBatch, writer: W) -> Result<()> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::Compression;
    use parquet::file::properties::WriterProperties;
    let parquet_error = |e: parquet::errors::ParquetError| {
        Error::from(ErrorKind::Columnar { format: "Parquet", message: e.to_string() })
    };
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut w = ArrowWriter::try_new(writer, batch.schema(), Some(props)).map_err(parquet_error)?;
    w.write(batch).map_err(parquet_error)?;
    w.close().map_err(parquet_error)?;
    Ok(())
}

/// Writes the period report ([`periods_batch`]) as a Parquet file at
/// `path`, Snappy-compressed.
///
/// # Errors
///
/// [`ErrorKind::Io`] if the file cannot be created; the errors of
/// [`periods_batch`]; [`ErrorKind::Columnar`] or [`ErrorKind::Io`] if
/// writing fails.
#[cfg(feature = "parquet")]
pub fn write_periods_parquet_path<P: AsRef<std::path::Path>>(report: &PeriodReport<'_>, path: P) -> Result<()> {
    let batch = periods_batch(report)?;
    let file = std::fs::File::create(path)?;
    write_batch(&batch, std::io::BufWriter::new(file))
}

/// The per-partner results of a review as a record batch, one row per
/// partner in priority order: the columns of the assess example's `--out`
/// CSV and more.
///
/// | column | type | content |
/// | --- | --- | --- |
/// | `partner_id` | `Utf8` | the partner |
/// | `name`, `region` | `Utf8` (null if unknown) | from the partner's record |
/// | `segment` | `Utf8` | `A`, `B`, `C` or `D` |
/// | `tier` | `Utf8` | `Gold`, `Silver`, `Bronze` or `Beginner` |
/// | `monthly_turnover` | `Decimal128` | the average month of the window, rounded to the currency's minor unit (as in the CSV) |
/// | `turnover`, `margin` | `Decimal128` | the window's totals, exact |
/// | `deals` | `Int64` | the window's deals |
/// | `priority_rank` | `Int64` | 1 is the first |
/// | `priority_score` | `Decimal128` | the priority score, exact |
/// | `risk_level` | `Utf8` | `low`, `medium`, `high`, `critical` or `unknown` |
/// | `potential` | `Utf8` | the growth potential's level |
/// | `strategy_goal` | `Utf8` | the goal of the partner's tier, in the playbook's words |
/// | `currency` | `Utf8` | the ISO 4217 code of the amounts |
///
/// Words other than the goal are the English catalogue's, as in the CSV,
/// so that a program can match on them. Each decimal column has the scale
/// of its most precise value.
///
/// # Errors
///
/// [`ErrorKind::Overflow`] if a decimal does not fit `Decimal128(38, s)`
/// at its column's scale; [`ErrorKind::Columnar`] if the batch cannot be
/// built.
pub fn results_batch(portfolio: &Portfolio) -> Result<RecordBatch> {
    let rows: Vec<&Assessment> = portfolio.assessments().collect();
    let n = rows.len();
    let en = Language::En;
    let playbook = portfolio.playbook();
    let goals = Tier::ALL.map(|t| playbook.tier(t).goal.clone());
    let scale = crate::ledger::Ledger::new(portfolio.currency()).scale();
    let text = |f: &dyn Fn(&Assessment) -> Option<String>| -> ArrayRef {
        let mut b = StringBuilder::with_capacity(n, n * 8);
        for a in &rows {
            b.append_option(f(a));
        }
        Arc::new(b.finish())
    };
    let ints = |f: &dyn Fn(&Assessment) -> i64| -> ArrayRef {
        let mut b = Int64Builder::with_capacity(n);
        for a in &rows {
            b.append_value(f(a));
        }
        Arc::new(b.finish())
    };
    let column = |name: &str, f: &dyn Fn(&Assessment) -> Decimal| -> Result<ArrayRef> {
        decimals(name, &rows.iter().map(|a| f(a)).collect::<Vec<_>>())
    };
    let tier_of = |a: &Assessment| Tier::ALL.iter().position(|t| *t == a.tier()).unwrap_or(0);
    let code = portfolio.currency().code().to_owned();
    RecordBatch::try_from_iter([
        ("partner_id", text(&|a| Some(a.id().as_str().to_owned()))),
        ("name", text(&|a| a.name().map(str::to_owned))),
        ("region", text(&|a| a.region().map(str::to_owned))),
        ("segment", text(&|a| Some(a.segment().to_string()))),
        ("tier", text(&|a| Some(en.tier(a.tier()).to_owned()))),
        ("monthly_turnover", column("monthly_turnover", &|a| a.monthly_turnover().round_dp(scale))?),
        ("turnover", column("turnover", &|a| a.turnover())?),
        ("margin", column("margin", &|a| a.margin())?),
        ("deals", ints(&|a| i64::try_from(a.deals()).unwrap_or(i64::MAX))),
        ("priority_rank", ints(&|a| i64::from(a.rank()))),
        ("priority_score", column("priority_score", &|a| a.score())?),
        ("risk_level", text(&|a| Some(a.risk_level().map_or("unknown", |l| en.risk_level(l)).to_owned()))),
        ("potential", text(&|a| Some(en.potential_level(a.potential_level()).to_owned()))),
        ("strategy_goal", text(&|a| goals.get(tier_of(a)).map(|g| g.to_string()))),
        ("currency", text(&|_| Some(code.clone()))),
    ])
    .map_err(arrow_error)
}

/// Writes the per-partner results ([`results_batch`]) as a Parquet file,
/// Snappy-compressed, to `writer`.
///
/// # Errors
///
/// The errors of [`results_batch`]; [`ErrorKind::Columnar`] or
/// [`ErrorKind::Io`] if writing fails.
#[cfg(feature = "parquet")]
pub fn write_parquet<W: std::io::Write + Send>(portfolio: &Portfolio, writer: W) -> Result<()> {
    write_batch(&results_batch(portfolio)?, writer)
}

/// Writes the per-partner results as a Parquet file at `path`.
///
/// # Example
///
/// ```no_run
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::import::CsvImport;
/// use partner_priority::{Policy, Review, report};
///
/// let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv")?;
/// let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
/// let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
/// report::write_parquet_path(&portfolio, "assessment.parquet")?;
/// # Ok::<(), partner_priority::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Io`] if the file cannot be created, and the errors of
/// [`write_parquet`].
#[cfg(feature = "parquet")]
pub fn write_parquet_path<P: AsRef<std::path::Path>>(portfolio: &Portfolio, path: P) -> Result<()> {
    let file = std::fs::File::create(path)?;
    write_parquet(portfolio, std::io::BufWriter::new(file))
}

//! Arrow input: invoice lines and monthly figures from record batches
//! (feature `arrow`).

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Decimal128Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type,
    UInt32Type, UInt64Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{MonthlyRow, MonthlyTable};
use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{Batch, DateRange, Ledger, Line, PartnerKey, Recorded, Sale};
use crate::money::{Currency, Money};
use crate::partner::PartnerId;
use crate::period::Month;

/// Reads invoice lines and monthly figures from Arrow record batches,
/// exactly and all or nothing.
///
/// The columns are those of the CSV import ([`CsvImport`](super::CsvImport)
/// for invoice lines, the [module docs](super) for monthly figures), found
/// by name; other columns are ignored. Several batches are one data set:
/// their rows are numbered on from one batch to the next, and errors name
/// the row (1-based) and the column.
///
/// Types:
///
/// - ids and codes (`partner_id`, `invoice_id`, `line_id`, `currency`):
///   `Utf8`, `LargeUtf8` or `Utf8View`;
/// - amounts: `Decimal128` of any precision and scale, or a decimal string
///   (`-1234.56`). A float column is an error: a float cannot hold most
///   amounts in kopecks exactly, so the review would not add up to the
///   books. Cast to a decimal in the query that makes the batch;
/// - dates: `Date32`, `Date64`, or a `YYYY-MM-DD` string; the month of
///   monthly figures also as a `YYYY-MM` string;
/// - counts: any integer type; `margin_complete`: `Boolean`.
///
/// A null is "not given" in an optional column and an error in a required
/// one.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use partner_priority::import::ArrowImport;
/// use arrow_array::{Date32Array, Decimal128Array, RecordBatch, StringArray};
///
/// let batch = RecordBatch::try_from_iter([
///     ("partner_id", Arc::new(StringArray::from(vec!["D-1", "D-2"])) as _),
///     ("date", Arc::new(Date32Array::from(vec![20_150, 20_151])) as _), // 2025-03-03, 2025-03-04
///     ("amount", Arc::new(Decimal128Array::from(vec![120_000_00, 5_000_00]).with_precision_and_scale(18, 2)?) as _),
/// ])?;
/// let ledger = ArrowImport::new().read_sales(&[batch])?;
/// assert_eq!(ledger.partner_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ArrowImport {
    currency: Option<Currency>,
    dates: DateRange,
    strict: bool,
}

/// A text column.
#[derive(Clone, Copy)]
enum Text<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Text<'a> {
    fn of(array: &'a dyn Array) -> Option<Text<'a>> {
        match array.data_type() {
            DataType::Utf8 => array.as_string_opt::<i32>().map(Text::Utf8),
            DataType::LargeUtf8 => array.as_string_opt::<i64>().map(Text::Large),
            DataType::Utf8View => array.as_string_view_opt().map(Text::View),
            _ => None,
        }
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Text::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Text::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// An amount column, read as integer minor units at a scale.
#[derive(Clone, Copy)]
enum Amount<'a> {
    Decimal(&'a arrow_array::Decimal128Array, i32),
    Text(Text<'a>),
}

/// A date column.
#[derive(Clone, Copy)]
enum Date<'a> {
    D32(&'a arrow_array::Date32Array),
    D64(&'a arrow_array::Date64Array),
    Text(Text<'a>),
}

/// An integer column, read as `i128`.
#[derive(Clone, Copy)]
enum Int<'a> {
    I8(&'a arrow_array::Int8Array),
    I16(&'a arrow_array::Int16Array),
    I32(&'a arrow_array::Int32Array),
    I64(&'a arrow_array::Int64Array),
    U8(&'a arrow_array::UInt8Array),
    U16(&'a arrow_array::UInt16Array),
    U32(&'a arrow_array::UInt32Array),
    U64(&'a arrow_array::UInt64Array),
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

fn type_error(column: &str, found: &DataType, reason: &str) -> Error {
    Error::from(ErrorKind::ColumnType {
        column: column.to_owned(),
        found: found.to_string(),
        reason: reason.to_owned(),
    })
    .at_column(column)
}

fn float_or(column: &str, found: &DataType, reason: &str) -> Error {
    if matches!(found, DataType::Float16 | DataType::Float32 | DataType::Float64) {
        return type_error(
            column,
            found,
            "floats are not exact (0.1 has no float); give amounts as Decimal128 or as decimal strings",
        );
    }
    type_error(column, found, reason)
}

/// The columns of one batch, by role.
struct Columns<'a> {
    batch: &'a RecordBatch,
}

impl<'a> Columns<'a> {
    fn get(&self, name: &str) -> Option<&'a dyn Array> {
        let column = self.batch.column_by_name(name)?;
        Some(column.as_ref())
    }

    fn required<T>(&self, name: &'static str, f: impl Fn(&'a dyn Array) -> Result<T>) -> Result<T> {
        match self.get(name) {
            Some(a) => f(a),
            None => Err(Error::from(ErrorKind::MissingColumn { column: name }).at_column(name)),
        }
    }

    fn optional<T>(&self, name: &str, f: impl Fn(&'a dyn Array) -> Result<T>) -> Result<Option<T>> {
        self.get(name).map(f).transpose()
    }

    fn text(&self, name: &str) -> impl Fn(&'a dyn Array) -> Result<Text<'a>> {
        let name = name.to_owned();
        move |a| {
            Text::of(a).ok_or_else(|| type_error(&name, a.data_type(), "expected text (Utf8, LargeUtf8 or Utf8View)"))
        }
    }

    fn amount(&self, name: &str) -> impl Fn(&'a dyn Array) -> Result<Amount<'a>> {
        let name = name.to_owned();
        move |a| match a.data_type() {
            DataType::Decimal128(_, scale) => a
                .as_primitive_opt::<Decimal128Type>()
                .map(|d| Amount::Decimal(d, i32::from(*scale)))
                .ok_or_else(|| type_error(&name, a.data_type(), "unreadable decimal column")),
            other => match Text::of(a) {
                Some(t) => Ok(Amount::Text(t)),
                None => Err(float_or(&name, other, "expected Decimal128 or a decimal string")),
            },
        }
    }

    fn date(&self, name: &str) -> impl Fn(&'a dyn Array) -> Result<Date<'a>> {
        let name = name.to_owned();
        move |a| match a.data_type() {
            DataType::Date32 => Ok(Date::D32(a.as_primitive::<Date32Type>())),
            DataType::Date64 => Ok(Date::D64(a.as_primitive::<Date64Type>())),
            other => Text::of(a)
                .map(Date::Text)
                .ok_or_else(|| type_error(&name, other, "expected Date32, Date64 or a YYYY-MM-DD string")),
        }
    }

    fn int(&self, name: &str) -> impl Fn(&'a dyn Array) -> Result<Int<'a>> {
        let name = name.to_owned();
        move |a| {
            Ok(match a.data_type() {
                DataType::Int8 => Int::I8(a.as_primitive::<Int8Type>()),
                DataType::Int16 => Int::I16(a.as_primitive::<Int16Type>()),
                DataType::Int32 => Int::I32(a.as_primitive::<Int32Type>()),
                DataType::Int64 => Int::I64(a.as_primitive::<Int64Type>()),
                DataType::UInt8 => Int::U8(a.as_primitive::<UInt8Type>()),
                DataType::UInt16 => Int::U16(a.as_primitive::<UInt16Type>()),
                DataType::UInt32 => Int::U32(a.as_primitive::<UInt32Type>()),
                DataType::UInt64 => Int::U64(a.as_primitive::<UInt64Type>()),
                other => return Err(type_error(&name, other, "expected an integer")),
            })
        }
    }
}

impl<'a> Text<'a> {
    fn required(col: Option<Text<'a>>, i: usize, name: &str) -> Result<&'a str> {
        col.and_then(|c| c.get(i)).ok_or_else(|| null(name))
    }
}

fn null(name: &str) -> Error {
    Error::value(name, "", "null in a required column").at_column(name)
}

impl Amount<'_> {
    /// The value at row `i` in minor units at `scale`, `None` for a null.
    fn get(&self, i: usize, scale: u32, name: &str) -> Result<Option<i64>> {
        match self {
            Amount::Decimal(a, from) => {
                if a.is_null(i) {
                    return Ok(None);
                }
                let v = a.value(i);
                minor_of(v, *from, scale).map(Some).map_err(|reason| {
                    let shown = if (0..=28).contains(from) {
                        Decimal::try_from_i128_with_scale(v, (*from).unsigned_abs())
                            .map_or_else(|_| format!("{v}e-{from}"), |d| d.to_string())
                    } else {
                        format!("{v}e{}", -from)
                    };
                    Error::value(name, &shown, reason).at_column(name)
                })
            }
            Amount::Text(t) => match t.get(i) {
                None => Ok(None),
                Some(s) => {
                    super::parse_amount(s.as_bytes(), scale, false, name).map(Some).map_err(|e| e.at_column(name))
                }
            },
        }
    }
}

/// `v × 10^-from` in minor units at `scale`, exactly.
fn minor_of(v: i128, from: i32, scale: u32) -> std::result::Result<i64, String> {
    let to = i32::try_from(scale).unwrap_or(i32::MAX);
    let out_of_range = || "out of the ledger's range".to_owned();
    let value = if from <= to {
        let factor = 10i128.checked_pow((to - from).unsigned_abs()).ok_or_else(out_of_range)?;
        v.checked_mul(factor).ok_or_else(out_of_range)?
    } else {
        let factor = 10i128.checked_pow((from - to).unsigned_abs()).unwrap_or(i128::MAX);
        if v % factor != 0 {
            return Err(format!("more than {scale} decimal places; the ledger keeps amounts exactly"));
        }
        v / factor
    };
    i64::try_from(value).map_err(|_| out_of_range())
}

impl Date<'_> {
    fn get(&self, i: usize, name: &str) -> Result<Option<NaiveDate>> {
        let out = |days: Option<i64>| -> Result<Option<NaiveDate>> {
            let date = days
                .and_then(|d| i32::try_from(d).ok())
                .and_then(|d| d.checked_add(EPOCH_DAYS_FROM_CE))
                .and_then(NaiveDate::from_num_days_from_ce_opt)
                .filter(|d| (Ledger::MIN_DATE..=Ledger::MAX_DATE).contains(d));
            match date {
                Some(d) => Ok(Some(d)),
                None => Err(Error::from(ErrorKind::DateOutOfRange {
                    what: format!("{} days from 1970-01-01 is outside 0001-01-01 … 9999-12-31", days.unwrap_or(0)),
                })
                .at_column(name)),
            }
        };
        match self {
            Date::D32(a) => {
                if a.is_null(i) {
                    return Ok(None);
                }
                out(Some(i64::from(a.value(i))))
            }
            Date::D64(a) => {
                if a.is_null(i) {
                    return Ok(None);
                }
                out(Some(a.value(i).div_euclid(86_400_000)))
            }
            Date::Text(t) => match t.get(i) {
                None => Ok(None),
                Some(s) => super::parse_date(s.as_bytes()).map(Some).map_err(|e| e.at_column(name)),
            },
        }
    }
}

impl Int<'_> {
    fn get(&self, i: usize) -> Option<i128> {
        macro_rules! value {
            ($a:expr) => {
                $a.is_valid(i).then(|| i128::from($a.value(i)))
            };
        }
        match self {
            Int::I8(a) => value!(a),
            Int::I16(a) => value!(a),
            Int::I32(a) => value!(a),
            Int::I64(a) => value!(a),
            Int::U8(a) => value!(a),
            Int::U16(a) => value!(a),
            Int::U32(a) => value!(a),
            Int::U64(a) => value!(a),
        }
    }

    /// A count (0 … u32::MAX) at row `i`; a null is zero.
    fn count(&self, i: usize, name: &str) -> Result<u32> {
        match self.get(i) {
            None => Ok(0),
            Some(v) => u32::try_from(v)
                .map_err(|_| Error::value(name, &v.to_string(), "a count is 0 … 4294967295").at_column(name)),
        }
    }
}

/// The columns of invoice lines in one batch.
struct SaleColumns<'a> {
    partner: Text<'a>,
    date: Date<'a>,
    amount: Amount<'a>,
    currency: Option<Text<'a>>,
    invoice: Option<Text<'a>>,
    line_id: Option<Text<'a>>,
    margin: Option<Amount<'a>>,
    cost: Option<Amount<'a>>,
    due: Option<Date<'a>>,
    paid: Option<Date<'a>>,
}

impl<'a> SaleColumns<'a> {
    fn of(batch: &'a RecordBatch) -> Result<SaleColumns<'a>> {
        let c = Columns { batch };
        Ok(SaleColumns {
            partner: c.required("partner_id", c.text("partner_id"))?,
            date: c.required("date", c.date("date"))?,
            amount: c.required("amount", c.amount("amount"))?,
            currency: c.optional("currency", c.text("currency"))?,
            invoice: c.optional("invoice_id", c.text("invoice_id"))?,
            line_id: c.optional("line_id", c.text("line_id"))?,
            margin: c.optional("margin", c.amount("margin"))?,
            cost: c.optional("cost", c.amount("cost"))?,
            due: c.optional("due_date", c.date("due_date"))?,
            paid: c.optional("paid_date", c.date("paid_date"))?,
        })
    }

    /// The row's currency, checked against the ledger's.
    fn check_currency(&self, i: usize, currency: Currency) -> Result<()> {
        if let Some(code) = self.currency.and_then(|c| c.get(i)) {
            let found = Currency::new(code).map_err(|e| e.at_column("currency"))?;
            if found != currency {
                return Err(Error::currency_mismatch(currency, found).at_column("currency"));
            }
        }
        Ok(())
    }

    /// The row's margin in minor units (given, or amount − cost).
    fn margin(&self, i: usize, amount: i64, scale: u32) -> Result<Option<i64>> {
        let margin = self.margin.map(|m| m.get(i, scale, "margin")).transpose()?.flatten();
        let cost = self.cost.map(|c| c.get(i, scale, "cost")).transpose()?.flatten();
        match (margin, cost) {
            (Some(_), Some(_)) => {
                Err(Error::value("margin", "", "a line gives a margin or a cost, not both").at_column("cost"))
            }
            (Some(m), None) => Ok(Some(m)),
            (None, Some(c)) => amount
                .checked_sub(c)
                .map(Some)
                .ok_or_else(|| Error::overflow("the margin (amount minus cost)").at_column("cost")),
            (None, None) => Ok(None),
        }
    }

    /// The row as a parsed line; `None` is a null in a required column,
    /// reported by the caller.
    fn line(&self, i: usize, scale: u32) -> Result<(&'a str, Line<'a>)> {
        let partner = Text::required(Some(self.partner), i, "partner_id")?;
        let date = self.date.get(i, "date")?.ok_or_else(|| null("date"))?;
        let amount = self.amount.get(i, scale, "amount")?.ok_or_else(|| null("amount"))?;
        let margin = self.margin(i, amount, scale)?;
        let invoice = self.invoice.and_then(|c| c.get(i));
        let due_date = self.due.map(|c| c.get(i, "due_date")).transpose()?.flatten();
        let paid_date = self.paid.map(|c| c.get(i, "paid_date")).transpose()?.flatten();
        Ok((partner, Line { date, amount, margin, invoice, due_date, paid_date }))
    }
}

/// Adds the partner to an error whose partner id is valid.
fn with_partner(e: Error, partner: &str) -> Error {
    match PartnerId::new(partner) {
        Ok(id) => e.for_partner(&id),
        Err(_) => e,
    }
}

/// Names the column of the ledger's errors about invoices and partner ids.
fn ledger_column(e: Error) -> Error {
    if e.column().is_some() {
        return e;
    }
    match e.kind() {
        ErrorKind::InvalidPartnerId { .. } => e.at_column("partner_id"),
        ErrorKind::LineConflict { .. } => e.at_column("line_id"),
        ErrorKind::InvalidInvoiceId { .. }
        | ErrorKind::DuplicateInvoice { .. }
        | ErrorKind::InvoicePartnerConflict { .. } => e.at_column("invoice_id"),
        _ => e,
    }
}

impl ArrowImport {
    /// An import in the data's currency (RUB without a `currency` column),
    /// accepting this century's dates.
    #[must_use]
    pub fn new() -> ArrowImport {
        ArrowImport::default()
    }

    /// Reads every amount as `currency`: a `currency` column must then say
    /// the same, where it says anything.
    #[must_use]
    pub fn currency(mut self, currency: Currency) -> ArrowImport {
        self.currency = Some(currency);
        self
    }

    /// The dates a line (and its due and paid dates) or a month of figures
    /// may have ([`DateRange::DEFAULT`] unless set).
    #[must_use]
    pub fn dates(mut self, dates: DateRange) -> ArrowImport {
        self.dates = dates;
        self
    }

    /// Takes only invoice lines with an identity (a `line_id` column), as
    /// [`Ledger::strict`] does.
    #[must_use]
    pub fn strict(mut self, yes: bool) -> ArrowImport {
        self.strict = yes;
        self
    }

    /// The data's currency: the import's, else the first row's `currency`,
    /// else RUB.
    fn currency_of(&self, batches: &[RecordBatch]) -> Result<Currency> {
        if let Some(c) = self.currency {
            return Ok(c);
        }
        let Some(first) = batches.iter().find(|b| b.num_rows() > 0) else { return Ok(Currency::RUB) };
        let c = Columns { batch: first };
        match c.optional("currency", c.text("currency")).map_err(|e| e.at_row(1))? {
            Some(col) => match col.get(0) {
                Some(code) => Currency::new(code).map_err(|e| e.at_column("currency").at_row(1)),
                None => Ok(Currency::RUB),
            },
            None => Ok(Currency::RUB),
        }
    }

    /// Reads invoice lines into a new ledger, in the import's currency or
    /// the data's (see [`currency`](ArrowImport::currency)).
    ///
    /// # Errors
    ///
    /// Any error of [`read_sales_into`](ArrowImport::read_sales_into).
    pub fn read_sales(&self, batches: &[RecordBatch]) -> Result<Ledger> {
        let currency = self.currency_of(batches)?;
        let ledger = Ledger::new(currency).with_dates(self.dates);
        let mut ledger = if self.strict { ledger.strict() } else { ledger };
        self.read_sales_into(&mut ledger, batches)?;
        Ok(ledger)
    }

    /// The dates a read into `ledger` accepts: the import's, within the
    /// ledger's.
    fn dates_for(&self, ledger: &Ledger) -> DateRange {
        let (mine, theirs) = (self.dates, ledger.dates());
        DateRange::new(mine.first().max(theirs.first()), mine.last().min(theirs.last())).unwrap_or(theirs)
    }

    /// Reads invoice lines into `ledger`, all or nothing, as one batch of
    /// [`Ledger::record_all`]: the columns and rules of the CSV import
    /// ([`CsvImport`](super::CsvImport)).
    ///
    /// # Errors
    ///
    /// On the first problem, with its row and column; `ledger` is unchanged:
    ///
    /// - [`ErrorKind::MissingColumn`]: a required column is missing;
    /// - [`ErrorKind::ColumnType`]: a column of a type the import does not
    ///   take (a float amount, a numeric id);
    /// - [`ErrorKind::InvalidValue`]: a null in a required column, an
    ///   amount with more decimal places than the ledger keeps or out of
    ///   its range, a malformed decimal or date string, margin and cost
    ///   both given;
    /// - [`ErrorKind::InvalidPartnerId`], [`ErrorKind::InvalidInvoiceId`],
    ///   [`ErrorKind::InvalidCurrency`]: a malformed id or code;
    /// - [`ErrorKind::CurrencyMismatch`]: a row in another currency than the
    ///   ledger's;
    /// - [`ErrorKind::DateOutOfRange`]: a date outside the import's
    ///   [`dates`](ArrowImport::dates) (or the ledger's);
    /// - [`ErrorKind::MissingColumn`] (`line_id`) for a
    ///   [`strict`](ArrowImport::strict) import of lines without line ids;
    /// - every error of [`Ledger::record_all`] (a resent invoice, an
    ///   invoice for two partners, a line conflict, an overflow).
    pub fn read_sales_into(&self, ledger: &mut Ledger, batches: &[RecordBatch]) -> Result<Recorded> {
        let mut columns = Vec::with_capacity(batches.len());
        let mut first_row = 1u64;
        for batch in batches {
            columns.push(SaleColumns::of(batch).map_err(|e| e.at_row(first_row))?);
            first_row = first_row.saturating_add(batch.num_rows() as u64);
        }
        let with_ids = columns.iter().any(|c| c.line_id.is_some());
        if self.strict && !with_ids {
            return Err(Error::from(ErrorKind::MissingColumn { column: "line_id" }).at_column("line_id"));
        }
        if with_ids || ledger.is_strict() {
            return self.read_as_sales(ledger, batches, &columns);
        }
        let currency = ledger.currency();
        let (scale, dates) = (ledger.scale(), self.dates_for(ledger));
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        if total == 0 {
            return Ok(Recorded::default());
        }
        // Consecutive runs of batches, one per thread (feature `parallel`),
        // each into a batch of its own, aggregated together as one batch
        // of every row, as the CSV import reads a file in byte ranges.
        let threads = if total >= 1 << 16 { crate::util::par::threads()? } else { 1 };
        let share = total.div_ceil(threads.max(1)).max(1);
        let mut runs: Vec<(usize, usize, u64)> = Vec::new();
        let (mut from, mut rows, mut first_row) = (0usize, 0usize, 1u64);
        for (k, b) in batches.iter().enumerate() {
            rows += b.num_rows();
            if rows >= share || k + 1 == batches.len() {
                runs.push((from, k + 1, first_row));
                first_row = first_row.saturating_add(rows as u64);
                (from, rows) = (k + 1, 0);
            }
        }
        let invoices = ledger.invoice_set();
        let reads = crate::util::par::map_owned(runs, |(from, to, first_row)| {
            let mut batch = Batch::new(currency, scale, dates);
            let rows: usize = batches.get(from..to).unwrap_or_default().iter().map(RecordBatch::num_rows).sum();
            batch.expect_lines(rows as u64);
            let mut row = 0u64;
            let cols = columns.get(from..to).unwrap_or_default();
            for (cols, b) in cols.iter().zip(batches.get(from..to).unwrap_or_default()) {
                for i in 0..b.num_rows() {
                    row += 1;
                    let read = cols.check_currency(i, currency).and_then(|()| cols.line(i, scale));
                    let added = read.and_then(|(partner, line)| {
                        batch
                            .add_parsed(PartnerKey::Str(partner), &line, row, invoices)
                            .map_err(|e| ledger_column(with_partner(e, partner)))
                    });
                    if let Err(e) = added {
                        let e = match cols.partner.get(i) {
                            Some(p) => with_partner(e, p),
                            None => e,
                        };
                        return (batch, first_row, Some(e.at_line(row)));
                    }
                }
            }
            (batch, first_row, None)
        })?;
        let mut done = Vec::with_capacity(reads.len());
        for (mut batch, first_row, error) in reads {
            let shift = first_row - 1;
            batch.set_line_offset(shift);
            done.push(batch);
            if let Some(e) = error {
                let e = match e.line() {
                    Some(line) => e.at_line(line.saturating_add(shift)),
                    None => e,
                };
                // Or an earlier row whose figures overflow.
                return Err(crate::ledger::first_error_of(done, e).line_as_row());
            }
        }
        let delta = crate::ledger::finish_all(done).map_err(|e| ledger_column(e).line_as_row())?;
        ledger.merge(delta)?;
        Ok(Recorded { recorded: total, replays: 0 })
    }

    /// Lines that may carry identities: every row becomes a [`Sale`], and
    /// the sales go to [`Ledger::record_all`] together.
    fn read_as_sales(
        &self,
        ledger: &mut Ledger,
        batches: &[RecordBatch],
        columns: &[SaleColumns<'_>],
    ) -> Result<Recorded> {
        let currency = ledger.currency();
        let scale = ledger.scale();
        let dates = self.dates_for(ledger);
        let mut sales = Vec::new();
        let mut row = 0u64;
        for (cols, b) in columns.iter().zip(batches) {
            for i in 0..b.num_rows() {
                row += 1;
                let sale = (|| -> Result<Sale> {
                    cols.check_currency(i, currency)?;
                    let (partner, line) = cols.line(i, scale)?;
                    let id = PartnerId::new(partner).map_err(|e| e.at_column("partner_id"))?;
                    let d = |v: i64| Decimal::new(v, scale);
                    let mut sale = Sale::new(id.clone(), line.date, Money::new(d(line.amount), currency));
                    if let Some(m) = line.margin {
                        sale = sale.with_margin(d(m));
                    }
                    if let Some(inv) = line.invoice {
                        sale = sale.with_invoice(inv);
                    }
                    if let Some(lid) = cols.line_id.and_then(|c| c.get(i)) {
                        sale = sale.with_line_id(lid);
                    }
                    if let Some(due) = line.due_date {
                        sale = sale.with_due_date(due);
                    }
                    if let Some(paid) = line.paid_date {
                        sale = sale.with_paid_date(paid);
                    }
                    if self.strict && !sale.has_identity() {
                        return Err(Error::value("line_id", "", "a strict import takes only lines with an identity")
                            .at_column("line_id"));
                    }
                    crate::ledger::check_line_dates(&dates, sale.date(), sale.due_date(), sale.paid_date())
                        .map_err(|e| e.for_partner(&id))?;
                    Ok(sale)
                })()
                .map_err(|e| match cols.partner.get(i) {
                    Some(p) => with_partner(e, p).at_row(row),
                    None => e.at_row(row),
                })?;
                sales.push(sale);
            }
        }
        ledger.record_all(&sales).map_err(|e| ledger_column(e).line_as_row())
    }

    /// Reads monthly figures (the columns of the [module docs](super))
    /// into a new ledger, in the import's currency or the data's.
    ///
    /// # Errors
    ///
    /// As [`monthly_figures`](ArrowImport::monthly_figures), and every
    /// error of [`Ledger::add_monthly_all`] (a month outside the import's
    /// dates, a due date before its month, an amount the ledger cannot
    /// keep), naming the first row of the bad figures.
    pub fn read_monthly(&self, batches: &[RecordBatch]) -> Result<Ledger> {
        let table = self.monthly_table(batches)?;
        table.into_ledger(self.dates, true)
    }

    /// The monthly figures of `batches` gathered, owning their data (the
    /// batches may then be dropped), and the dates they must be in.
    #[cfg(feature = "parquet")]
    pub(crate) fn gather_monthly(&self, batches: &[RecordBatch]) -> Result<(super::Gathered, DateRange)> {
        Ok((self.monthly_table(batches)?.gather(), self.dates))
    }

    /// Reads monthly figures, by partner and month.
    ///
    /// # Errors
    ///
    /// On the first problem, with its row and column:
    /// [`ErrorKind::MissingColumn`], [`ErrorKind::ColumnType`] (a float
    /// amount), [`ErrorKind::InvalidValue`] (a null in a required column, a
    /// malformed month or amount, a positive credit-note total, a
    /// receivable without its due date or amount, figures that differ
    /// between the rows of one month), [`ErrorKind::InvalidPartnerId`],
    /// [`ErrorKind::CurrencyMismatch`] and
    /// [`ErrorKind::DuplicateMonthlyFigures`] (the same partner, month, due
    /// date and paid date twice).
    pub fn monthly_figures(&self, batches: &[RecordBatch]) -> Result<Vec<crate::ledger::MonthlyFigures>> {
        self.monthly_table(batches)?.finish()
    }

    fn monthly_table<'a>(&self, batches: &'a [RecordBatch]) -> Result<MonthlyTable<'a>> {
        let currency = self.currency_of(batches)?;
        let scale = Ledger::new(currency).scale();
        let mut table = MonthlyTable::new(currency, "row");
        table.reserve(batches.iter().map(RecordBatch::num_rows).sum());
        let mut row = 0u64;
        for batch in batches {
            let c = Columns { batch };
            let at = |e: Error| e.at_row(row.saturating_add(1));
            let partner = c.required("partner_id", c.text("partner_id")).map_err(at)?;
            let month = c
                .required("month", |a| match a.data_type() {
                    DataType::Date32 | DataType::Date64 => c.date("month")(a).map(Ok),
                    _ => Text::of(a)
                        .map(Err)
                        .ok_or_else(|| type_error("month", a.data_type(), "expected a YYYY-MM string or a Date32")),
                })
                .map_err(at)?;
            let turnover = c.required("turnover", c.amount("turnover")).map_err(at)?;
            let credit_notes = c.optional("credit_notes", c.amount("credit_notes")).map_err(at)?;
            let credit_note_count = c.optional("credit_note_count", c.int("credit_note_count")).map_err(at)?;
            let deals = c.optional("deals", c.int("deals")).map_err(at)?;
            let margin = c.optional("margin", c.amount("margin")).map_err(at)?;
            let margin_complete = c
                .optional("margin_complete", |a| {
                    a.as_boolean_opt().ok_or_else(|| type_error("margin_complete", a.data_type(), "expected a Boolean"))
                })
                .map_err(at)?;
            let currency_col = c.optional("currency", c.text("currency")).map_err(at)?;
            let due = c.optional("due_date", c.date("due_date")).map_err(at)?;
            let paid = c.optional("paid_date", c.date("paid_date")).map_err(at)?;
            let receivable = c.optional("receivable", c.amount("receivable")).map_err(at)?;
            let d = |v: i64| Decimal::new(v, scale);
            for i in 0..batch.num_rows() {
                row += 1;
                let parsed = (|| -> Result<MonthlyRow<'a>> {
                    let partner = Text::required(Some(partner), i, "partner_id")?;
                    let month = match month {
                        Ok(date) => Month::of(date.get(i, "month")?.ok_or_else(|| null("month"))?),
                        Err(text) => {
                            let s = Text::required(Some(text), i, "month")?;
                            s.parse::<Month>()
                                .map_err(|_| Error::value("month", s, "expected a month YYYY-MM").at_column("month"))?
                        }
                    };
                    let amount = |col: Option<Amount<'_>>, name: &str| {
                        col.map(|c| c.get(i, scale, name)).transpose().map(Option::flatten)
                    };
                    let turnover = amount(Some(turnover), "turnover")?.ok_or_else(|| null("turnover"))?;
                    let currency = match currency_col.and_then(|c| c.get(i)) {
                        Some(code) => Some(Currency::new(code).map_err(|e| e.at_column("currency"))?),
                        None => None,
                    };
                    Ok(MonthlyRow {
                        partner,
                        month,
                        currency,
                        turnover: d(turnover),
                        credit_notes: d(amount(credit_notes, "credit_notes")?.unwrap_or(0)),
                        credit_note_count: credit_note_count.map_or(Ok(0), |c| c.count(i, "credit_note_count"))?,
                        deals: deals.map_or(Ok(0), |c| c.count(i, "deals"))?,
                        margin: amount(margin, "margin")?.map(d),
                        margin_complete: margin_complete.and_then(|c| c.is_valid(i).then(|| c.value(i))),
                        due_date: due.map(|c| c.get(i, "due_date")).transpose()?.flatten(),
                        paid_date: paid.map(|c| c.get(i, "paid_date")).transpose()?.flatten(),
                        receivable: amount(receivable, "receivable")?.map(d),
                    })
                })();
                let parsed = parsed.map_err(|e| {
                    let e = e.at_row(row);
                    match partner.get(i) {
                        Some(p) => with_partner(e, p),
                        None => e,
                    }
                })?;
                let p = parsed.partner;
                table.add(parsed, row).map_err(|e| with_partner(e.at_row(row), p))?;
            }
        }
        Ok(table)
    }
}

/// The value of `d` as an integer of units of `10^-scale`, exactly.
pub(crate) fn mantissa_at(d: Decimal, scale: u32, column: &str) -> Result<i128> {
    let n = d.normalize();
    if n.scale() > scale {
        return Err(Error::value(column, &d.to_string(), format!("more than {scale} decimal places")).at_column(column));
    }
    10i128
        .checked_pow(scale - n.scale())
        .and_then(|f| n.mantissa().checked_mul(f))
        .ok_or_else(|| Error::overflow("a decimal column").at_column(column))
}

/// Monthly figures as a record batch in the columns that
/// [`ArrowImport::read_monthly`] reads: one row per partner, month, due
/// date and paid date (one row for a month without receivables), amounts
/// as `Decimal128(38, s)` at the scale of the currency's minor unit,
/// counts as `Int64`, months as `YYYY-MM` strings, dates as `Date32`.
///
/// What a warehouse keeps, written from a ledger
/// ([`Ledger::monthly_figures`]) or from figures of its own.
///
/// # Example
///
/// ```
/// use partner_priority::import::{monthly_batch, ArrowImport, CsvImport};
///
/// let lines = "partner_id,date,amount,invoice_id,due_date\nD-1,2025-03-01,120000.00,I-1,2025-03-31\n";
/// let ledger = CsvImport::new().read_sales(lines.as_bytes())?;
/// let figures: Vec<_> = ledger.monthly_figures().collect();
/// let batch = monthly_batch(&figures)?;
/// assert_eq!(ArrowImport::new().monthly_figures(&[batch])?, figures);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::InvalidValue`] for an amount with more decimal places than
/// its currency's minor unit (the figures of a ledger never have);
/// [`ErrorKind::Columnar`] if the batch cannot be built.
pub fn monthly_batch(figures: &[crate::ledger::MonthlyFigures]) -> Result<RecordBatch> {
    use arrow_array::builder::{BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder};
    use std::sync::Arc;
    let currency = figures.first().map_or(Currency::RUB, |f| f.currency);
    let scale = Ledger::new(currency).scale();
    let rows: usize = figures.iter().map(|f| f.receivables.len().max(1)).sum();
    let decimal =
        || Decimal128Builder::with_capacity(rows).with_precision_and_scale(38, i8::try_from(scale).unwrap_or(28));
    let arrow_error =
        |e: arrow_schema::ArrowError| Error::from(ErrorKind::Columnar { format: "Arrow", message: e.to_string() });
    let (mut partner, mut month, mut code) = (StringBuilder::new(), StringBuilder::new(), StringBuilder::new());
    let (mut turnover, mut credit_notes, mut margin, mut receivable) = (
        decimal().map_err(arrow_error)?,
        decimal().map_err(arrow_error)?,
        decimal().map_err(arrow_error)?,
        decimal().map_err(arrow_error)?,
    );
    let (mut count, mut deals) = (Int64Builder::with_capacity(rows), Int64Builder::with_capacity(rows));
    let mut complete = BooleanBuilder::with_capacity(rows);
    let (mut due, mut paid) = (Date32Builder::with_capacity(rows), Date32Builder::with_capacity(rows));
    let days = |d: NaiveDate| d.num_days_from_ce_checked();
    for f in figures {
        if f.currency != currency {
            return Err(Error::currency_mismatch(currency, f.currency).for_partner(&f.partner));
        }
        let at = |e: Error| e.for_partner(&f.partner);
        let values = (
            mantissa_at(f.turnover, scale, "turnover").map_err(at)?,
            mantissa_at(f.credit_notes, scale, "credit_notes").map_err(at)?,
            mantissa_at(f.margin, scale, "margin").map_err(at)?,
        );
        let month_text = f.month.to_string();
        let mut one = |r: Option<&crate::ledger::Receivable>| -> Result<()> {
            partner.append_value(f.partner.as_str());
            month.append_value(&month_text);
            code.append_value(f.currency.code());
            turnover.append_value(values.0);
            credit_notes.append_value(values.1);
            count.append_value(i64::from(f.credit_note_count));
            deals.append_value(i64::from(f.deals));
            if f.margin_complete || !f.margin.is_zero() {
                margin.append_value(values.2);
            } else {
                margin.append_null();
            }
            complete.append_value(f.margin_complete);
            match r {
                Some(r) => {
                    due.append_option(days(r.due_date));
                    paid.append_option(r.paid_date.and_then(days));
                    receivable.append_value(mantissa_at(r.amount, scale, "receivable").map_err(at)?);
                }
                None => {
                    due.append_null();
                    paid.append_null();
                    receivable.append_null();
                }
            }
            Ok(())
        };
        if f.receivables.is_empty() {
            one(None)?;
        }
        for r in &f.receivables {
            one(Some(r))?;
        }
    }
    RecordBatch::try_from_iter([
        ("partner_id", Arc::new(partner.finish()) as arrow_array::ArrayRef),
        ("month", Arc::new(month.finish())),
        ("turnover", Arc::new(turnover.finish())),
        ("credit_notes", Arc::new(credit_notes.finish())),
        ("credit_note_count", Arc::new(count.finish())),
        ("deals", Arc::new(deals.finish())),
        ("margin", Arc::new(margin.finish())),
        ("margin_complete", Arc::new(complete.finish())),
        ("currency", Arc::new(code.finish())),
        ("due_date", Arc::new(due.finish())),
        ("paid_date", Arc::new(paid.finish())),
        ("receivable", Arc::new(receivable.finish())),
    ])
    .map_err(arrow_error)
}

/// Days since 1970-01-01, as `Date32` counts them.
trait Date32Days {
    fn num_days_from_ce_checked(&self) -> Option<i32>;
}

impl Date32Days for NaiveDate {
    fn num_days_from_ce_checked(&self) -> Option<i32> {
        chrono::Datelike::num_days_from_ce(self).checked_sub(EPOCH_DAYS_FROM_CE)
    }
}

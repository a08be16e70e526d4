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
use crate::ledger::{Batch, BulkRow, DateRange, IdText, Ledger, Line, MonthlyBulk, PartnerKey, Recorded, Sale};
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
///   `Utf8`, `LargeUtf8` or `Utf8View`, or a `Dictionary` of them (any
///   integer keys), as polars' categoricals come; so may every text column
///   below;
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

/// A text column: plain strings, or dictionary-encoded ones (keys of any
/// integer type into plain strings), as polars' categoricals and the
/// Parquet reader's dictionary columns come.
#[derive(Clone, Copy)]
enum Text<'a> {
    Plain(Strings<'a>),
    Dict(Int<'a>, Strings<'a>),
}

/// Plain strings.
#[derive(Clone, Copy)]
enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Strings<'a> {
    fn of(array: &'a dyn Array) -> Option<Strings<'a>> {
        match array.data_type() {
            DataType::Utf8 => array.as_string_opt::<i32>().map(Strings::Utf8),
            DataType::LargeUtf8 => array.as_string_opt::<i64>().map(Strings::Large),
            DataType::Utf8View => array.as_string_view_opt().map(Strings::View),
            _ => None,
        }
    }

    /// The string at `i` (less than [`len`](Self::len)); `None` for a null.
    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }

    fn len(&self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::Large(a) => a.len(),
            Strings::View(a) => a.len(),
        }
    }
}

impl<'a> Text<'a> {
    fn of(array: &'a dyn Array) -> Option<Text<'a>> {
        match array.as_any_dictionary_opt() {
            Some(dict) => Some(Text::Dict(Int::of(dict.keys())?, Strings::of(dict.values().as_ref())?)),
            None => Strings::of(array).map(Text::Plain),
        }
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Text::Plain(strings) => strings.get(i),
            // Arrow checks a dictionary's keys when it is built; only unsafe
            // code makes one with a key past its values, and that key reads
            // as a null here instead of a panic.
            Text::Dict(keys, strings) => match usize::try_from(keys.get(i)?) {
                Ok(key) if key < strings.len() => strings.get(key),
                _ => None,
            },
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
            Text::of(a).ok_or_else(|| {
                type_error(&name, a.data_type(), "expected text (Utf8, LargeUtf8, Utf8View or a Dictionary of them)")
            })
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
        move |a| Int::of(a).ok_or_else(|| type_error(&name, a.data_type(), "expected an integer"))
    }
}

/// `Date32` days as dates, remembered: the dates of a table are a few
/// thousand days, and chrono's conversion of a day number cost more than
/// the rest of a row. A direct-mapped memo of the last date per slot.
struct DayMemo {
    slots: Vec<(i32, NaiveDate)>,
}

impl DayMemo {
    const SLOTS: usize = 4096;

    fn new() -> DayMemo {
        DayMemo { slots: vec![(i32::MIN, NaiveDate::MIN); DayMemo::SLOTS] }
    }

    /// The date at row `i` of `column`, as [`Date::get`] gives it.
    fn get(&mut self, column: Date<'_>, i: usize) -> Result<Option<NaiveDate>> {
        let Date::D32(a) = column else { return column.get(i, "") };
        if a.is_null(i) {
            return Ok(None);
        }
        let Some(&days) = a.values().get(i) else { return column.get(i, "") };
        let slot = days.rem_euclid(DayMemo::SLOTS as i32) as usize;
        match self.slots.get(slot) {
            Some(&(memo, date)) if memo == days => Ok(Some(date)),
            _ => {
                let date = column.get(i, "")?;
                if let (Some(s), Some(d)) = (self.slots.get_mut(slot), date) {
                    *s = (days, d);
                }
                Ok(date)
            }
        }
    }
}

/// The month of a `YYYY-MM` text as `str::parse::<Month>` gives it: the
/// usual form by hand, any other through the parser.
fn month_of(s: &str) -> Option<Month> {
    if let [y1, y2, y3, y4, b'-', m1, m2] = *s.as_bytes()
        && [y1, y2, y3, y4, m1, m2].iter().all(u8::is_ascii_digit)
    {
        let digit = |b: u8| i32::from(b - b'0');
        let year = digit(y1) * 1000 + digit(y2) * 100 + digit(y3) * 10 + digit(y4);
        return Month::new(year, (digit(m1) * 10 + digit(m2)).unsigned_abs()).ok();
    }
    s.parse::<Month>().ok()
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

impl<'a> Int<'a> {
    fn of(a: &'a dyn Array) -> Option<Int<'a>> {
        Some(match a.data_type() {
            DataType::Int8 => Int::I8(a.as_primitive_opt::<Int8Type>()?),
            DataType::Int16 => Int::I16(a.as_primitive_opt::<Int16Type>()?),
            DataType::Int32 => Int::I32(a.as_primitive_opt::<Int32Type>()?),
            DataType::Int64 => Int::I64(a.as_primitive_opt::<Int64Type>()?),
            DataType::UInt8 => Int::U8(a.as_primitive_opt::<UInt8Type>()?),
            DataType::UInt16 => Int::U16(a.as_primitive_opt::<UInt16Type>()?),
            DataType::UInt32 => Int::U32(a.as_primitive_opt::<UInt32Type>()?),
            DataType::UInt64 => Int::U64(a.as_primitive_opt::<UInt64Type>()?),
            _ => return None,
        })
    }

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
        let invoice = self.invoice.and_then(|c| c.get(i)).map(IdText::Str);
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
                            .add_parsed(PartnerKey::Text(IdText::Str(partner)), &line, row, invoices)
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
                        sale = sale.with_invoice(inv.text());
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
        if let Some(ledger) = self.bulk_monthly(batches) {
            return Ok(ledger);
        }
        let table = self.monthly_table(batches)?;
        table.into_ledger(self.dates, true)
    }

    /// The monthly figures of `batches` gathered, owning their data (the
    /// batches may then be dropped), and the dates they must be in.
    #[cfg(feature = "parquet")]
    pub(crate) fn gather_monthly(&self, batches: &[RecordBatch]) -> Result<(super::Gathered, DateRange)> {
        Ok((self.monthly_table(batches)?.gather(), self.dates))
    }

    /// The bulk path of [`read_monthly`](ArrowImport::read_monthly) for
    /// one part of a table (a run of batches, or a row group of a Parquet
    /// file), to be given its batches in order ([`BulkPart::take`]).
    ///
    /// The part's currency is `currency` if given (the table's, found
    /// beforehand), else as [`currency_of`](Self::currency_of) finds it
    /// for the part's own batches: the table's for a table in one currency
    /// whose first row names it. A part in another currency than the first
    /// part's is refused (the row-by-row read then decides).
    pub(crate) fn bulk_part(&self, currency: Option<Currency>) -> BulkPart<'_> {
        BulkPart { import: self, currency, bulk: None, days: DayMemo::new() }
    }

    /// The ledger of the parts of a table gathered by
    /// [`bulk_part`](Self::bulk_part), in the order of the table; `None` if
    /// a part or the whole is refused (the caller then reads the slow way,
    /// for the error's row). Parts without rows do not count; the others
    /// must be in one currency, the first part's, which is then the
    /// table's. A table without rows is in `currency` (refused if `None`).
    pub(crate) fn bulk_ledger(&self, parts: Vec<Option<BulkPart<'_>>>, currency: Option<Currency>) -> Option<Ledger> {
        let mut bulks = Vec::with_capacity(parts.len());
        for part in parts {
            bulks.extend(part?.bulk.filter(|b| !b.is_empty()));
        }
        let parts = bulks;
        let currency = parts.first().map(MonthlyBulk::currency).or(currency)?;
        let mut ledger = Ledger::new(currency).with_dates(self.dates);
        ledger.add_monthly_bulk(parts).ok()?;
        Some(ledger)
    }

    /// The bulk path over record batches: runs of batches, one per thread
    /// (feature `parallel`), each a part of its own.
    fn bulk_monthly(&self, batches: &[RecordBatch]) -> Option<Ledger> {
        let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let threads = if total >= 1 << 16 { crate::util::par::threads().ok()? } else { 1 };
        let share = total.div_ceil(threads.max(1)).max(1);
        let mut runs: Vec<&[RecordBatch]> = Vec::new();
        let (mut from, mut rows) = (0usize, 0usize);
        for (k, b) in batches.iter().enumerate() {
            rows += b.num_rows();
            if rows >= share || k + 1 == batches.len() {
                runs.push(batches.get(from..=k)?);
                (from, rows) = (k + 1, 0);
            }
        }
        let currency = self.currency_of(batches).ok()?;
        let parts = crate::util::par::map(&runs, |run| {
            let mut part = self.bulk_part(Some(currency));
            run.iter().all(|batch| part.take(batch)).then_some(part)
        })
        .ok()?;
        self.bulk_ledger(parts, Some(currency))
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
            let c = MonthlyColumns::of(batch).map_err(|e| e.at_row(row.saturating_add(1)))?;
            for i in 0..batch.num_rows() {
                row += 1;
                let parsed = c.row(i, scale).map_err(|e| {
                    let e = e.at_row(row);
                    match c.partner.get(i) {
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

/// One part of a monthly-figures table read the bulk way (see
/// [`ArrowImport::bulk_part`]): the rows gathered straight into the
/// ledger's shape ([`MonthlyBulk`]), none of them kept as figures of their
/// own, in the part's currency (as [`ArrowImport::currency_of`] finds it
/// for the part: the table's, if the part has rows and the table is in one
/// currency).
pub(crate) struct BulkPart<'i> {
    import: &'i ArrowImport,
    currency: Option<Currency>,
    /// `None` until the first batch with rows.
    bulk: Option<MonthlyBulk>,
    days: DayMemo,
}

impl BulkPart<'_> {
    /// Takes the rows of the part's next batch. False if any row or column
    /// is refused: the caller then reads the table the row-by-row way,
    /// whose error names the row and column (the bulk path only knows that
    /// something is wrong; a correct table needs no more, and errors are
    /// rare).
    pub(crate) fn take(&mut self, batch: &RecordBatch) -> bool {
        // The columns of a batch without rows are checked too, as the
        // row-by-row read checks them.
        let Ok(columns) = MonthlyColumns::of(batch) else { return false };
        if batch.num_rows() == 0 {
            return true;
        }
        let bulk = match &mut self.bulk {
            Some(bulk) => bulk,
            None => {
                let currency = match self.currency {
                    Some(c) => c,
                    None => match self.import.currency_of(std::slice::from_ref(batch)) {
                        Ok(c) => c,
                        Err(_) => return false,
                    },
                };
                self.bulk.insert(MonthlyBulk::new(currency, Ledger::new(currency).scale(), self.import.dates))
            }
        };
        let (currency, scale) = (bulk.currency(), Ledger::new(bulk.currency()).scale());
        for i in 0..batch.num_rows() {
            let Some((partner, row)) = columns.bulk_row(i, scale, currency, &mut self.days) else { return false };
            if bulk.add(partner, &row).is_err() {
                return false;
            }
        }
        true
    }
}

/// The columns of monthly figures in one batch.
struct MonthlyColumns<'a> {
    partner: Text<'a>,
    /// A date column, or `YYYY-MM` text.
    month: std::result::Result<Date<'a>, Text<'a>>,
    turnover: Amount<'a>,
    credit_notes: Option<Amount<'a>>,
    credit_note_count: Option<Int<'a>>,
    deals: Option<Int<'a>>,
    margin: Option<Amount<'a>>,
    margin_complete: Option<&'a arrow_array::BooleanArray>,
    currency: Option<Text<'a>>,
    due: Option<Date<'a>>,
    paid: Option<Date<'a>>,
    receivable: Option<Amount<'a>>,
}

impl<'a> MonthlyColumns<'a> {
    /// The columns of `batch` (errors name the column, not yet the row).
    fn of(batch: &'a RecordBatch) -> Result<MonthlyColumns<'a>> {
        let c = Columns { batch };
        Ok(MonthlyColumns {
            partner: c.required("partner_id", c.text("partner_id"))?,
            month: c.required("month", |a| match a.data_type() {
                DataType::Date32 | DataType::Date64 => c.date("month")(a).map(Ok),
                _ => Text::of(a)
                    .map(Err)
                    .ok_or_else(|| type_error("month", a.data_type(), "expected a YYYY-MM string or a Date32")),
            })?,
            turnover: c.required("turnover", c.amount("turnover"))?,
            credit_notes: c.optional("credit_notes", c.amount("credit_notes"))?,
            credit_note_count: c.optional("credit_note_count", c.int("credit_note_count"))?,
            deals: c.optional("deals", c.int("deals"))?,
            margin: c.optional("margin", c.amount("margin"))?,
            margin_complete: c.optional("margin_complete", |a| {
                a.as_boolean_opt().ok_or_else(|| type_error("margin_complete", a.data_type(), "expected a Boolean"))
            })?,
            currency: c.optional("currency", c.text("currency"))?,
            due: c.optional("due_date", c.date("due_date"))?,
            paid: c.optional("paid_date", c.date("paid_date"))?,
            receivable: c.optional("receivable", c.amount("receivable"))?,
        })
    }

    /// Row `i` for the bulk path (see [`ArrowImport::bulk_part`]), its
    /// currency checked against `currency`; `None` for anything the row
    /// parser ([`row`](Self::row)) or the monthly table would refuse.
    ///
    /// The same values as [`row`](Self::row), by shorter ways where the
    /// time of a read went (24 million rows): decimals already at the
    /// ledger's scale taken as they are, `YYYY-MM` months parsed by hand,
    /// dates through a [`DayMemo`].
    fn bulk_row(&self, i: usize, scale: u32, currency: Currency, days: &mut DayMemo) -> Option<(&'a str, BulkRow)> {
        let partner = self.partner.get(i)?;
        let month = match self.month {
            Ok(date) => Month::of(days.get(date, i).ok()??),
            Err(text) => month_of(text.get(i)?)?,
        };
        let amount = |col: Option<Amount<'_>>| match col {
            None => Some(None),
            Some(Amount::Decimal(a, from)) if i64::from(from) == i64::from(scale) => {
                if a.is_null(i) {
                    return Some(None);
                }
                a.values().get(i).and_then(|v| i64::try_from(*v).ok()).map(Some)
            }
            Some(c) => c.get(i, scale, "").ok(),
        };
        let turnover = amount(Some(self.turnover))??;
        if let Some(code) = self.currency.and_then(|c| c.get(i))
            && code != currency.code()
            && Currency::new(code).ok()? != currency
        {
            return None;
        }
        let credit_notes = amount(self.credit_notes)?.unwrap_or(0);
        let count = |col: Option<Int<'_>>| col.map_or(Some(0), |c| c.count(i, "").ok());
        let credit_note_count = count(self.credit_note_count)?;
        let deals = count(self.deals)?;
        let margin = amount(self.margin)?;
        let margin_complete = self.margin_complete.and_then(|c| c.is_valid(i).then(|| c.value(i)));
        let mut date = |col: Option<Date<'_>>| col.map_or(Some(None), |c| days.get(c, i).ok());
        let due = date(self.due)?;
        let paid = date(self.paid)?;
        let receivable = match (due, paid, amount(self.receivable)?) {
            (None, None, None) => None,
            (Some(due), paid, Some(amount)) => Some((due, paid, amount)),
            _ => return None,
        };
        Some((
            partner,
            BulkRow {
                month,
                turnover,
                credit_notes,
                credit_note_count,
                deals,
                margin: margin.unwrap_or(0),
                margin_complete: margin_complete.unwrap_or(margin.is_some()),
                receivable,
            },
        ))
    }

    /// Row `i` parsed (errors name the column, not yet the row).
    fn row(&self, i: usize, scale: u32) -> Result<MonthlyRow<'a>> {
        let d = |v: i64| Decimal::new(v, scale);
        let partner = Text::required(Some(self.partner), i, "partner_id")?;
        let month = match self.month {
            Ok(date) => Month::of(date.get(i, "month")?.ok_or_else(|| null("month"))?),
            Err(text) => {
                let s = Text::required(Some(text), i, "month")?;
                s.parse::<Month>()
                    .map_err(|_| Error::value("month", s, "expected a month YYYY-MM").at_column("month"))?
            }
        };
        let amount =
            |col: Option<Amount<'_>>, name: &str| col.map(|c| c.get(i, scale, name)).transpose().map(Option::flatten);
        let turnover = amount(Some(self.turnover), "turnover")?.ok_or_else(|| null("turnover"))?;
        let currency = match self.currency.and_then(|c| c.get(i)) {
            Some(code) => Some(Currency::new(code).map_err(|e| e.at_column("currency"))?),
            None => None,
        };
        Ok(MonthlyRow {
            partner,
            month,
            currency,
            turnover: d(turnover),
            credit_notes: d(amount(self.credit_notes, "credit_notes")?.unwrap_or(0)),
            credit_note_count: self.credit_note_count.map_or(Ok(0), |c| c.count(i, "credit_note_count"))?,
            deals: self.deals.map_or(Ok(0), |c| c.count(i, "deals"))?,
            margin: amount(self.margin, "margin")?.map(d),
            margin_complete: self.margin_complete.and_then(|c| c.is_valid(i).then(|| c.value(i))),
            due_date: self.due.map(|c| c.get(i, "due_date")).transpose()?.flatten(),
            paid_date: self.paid.map(|c| c.get(i, "paid_date")).transpose()?.flatten(),
            receivable: amount(self.receivable, "receivable")?.map(d),
        })
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

/// The bulk path of the monthly read against the row-by-row one: the same
/// ledger where the row-by-row read succeeds, a refusal (and so the
/// row-by-row error) where it fails.
#[cfg(test)]
mod bulk_tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray};
    use proptest::prelude::*;

    use super::*;

    /// One row of a generated monthly-figures table.
    #[derive(Clone, Debug)]
    struct Row {
        partner: &'static str,
        month: i32,
        turnover: i128,
        credit_notes: Option<i128>,
        deals: Option<i64>,
        margin: Option<i128>,
        complete: Option<bool>,
        currency: Option<&'static str>,
        due: Option<i32>,
        paid: Option<i32>,
        receivable: Option<i128>,
    }

    /// How a generated table is laid out.
    #[derive(Clone, Debug)]
    struct Shape {
        /// 0: as generated, 1: by partner and month, 2: reversed.
        order: u8,
        month_as_date: bool,
        currency_column: bool,
        /// Rows per batch.
        batch_rows: usize,
        /// Batches per part of the bulk path.
        part_batches: usize,
        narrow_dates: bool,
        /// A batch without rows among the others.
        empty_batch: bool,
    }

    const PARTNERS: [&str; 6] = ["D-1", "D-2", "P0000003", "Ω-4", "D-5", " bad"];

    /// Days from 1970-01-01 to the first day of month `m` (0 = 2024-01).
    fn first_day(m: i32) -> i32 {
        let month = Month::new(2024 + m / 12, (m % 12).unsigned_abs() + 1).map(|m| m.first_day());
        month.map_or(0, |d| chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_FROM_CE)
    }

    /// The rows of one partner and month: its figures (a function of the
    /// partner, the month and `seed`, so that the rows of a month agree
    /// wherever they are) repeated on every row, one row per receivable or
    /// one without.
    fn group(seed: i128) -> impl Strategy<Value = Vec<Row>> {
        let receivable = (prop_oneof![Just(0i32), Just(10), Just(40), Just(800)], prop::option::of(0i32..9), 1i128..3);
        (0usize..5, 0i32..30, prop::collection::vec(receivable, 0..3), any::<bool>()).prop_map(
            move |(p, month, receivables, currency)| {
                let k = seed + (p as i128) * 31 + i128::from(month);
                let row = Row {
                    partner: PARTNERS[p],
                    month,
                    turnover: [0, 100_00, -5_00, 12_345][(k % 4) as usize],
                    credit_notes: [None, Some(0), Some(-1_00)][(k % 3) as usize],
                    deals: [None, Some(0), Some(2)][(k % 3) as usize],
                    margin: [None, Some(0), Some(30_00), Some(-1)][(k % 4) as usize],
                    complete: [None, Some(true), Some(false)][(k % 3) as usize],
                    currency: currency.then_some("RUB"),
                    due: None,
                    paid: None,
                    receivable: None,
                };
                let start = first_day(month);
                let mut rows: Vec<Row> = receivables
                    .iter()
                    .map(|&(due, paid, amount)| Row {
                        due: Some(start + due),
                        paid: paid.filter(|p| *p < 8).map(|p| start + due + p),
                        receivable: Some(amount * 25_00),
                        ..row.clone()
                    })
                    .collect();
                // Each due and paid date once (twice is a fault of its own).
                rows.sort_by_key(|r| (r.due, r.paid));
                rows.dedup_by_key(|r| (r.due, r.paid));
                if rows.is_empty() {
                    rows.push(row);
                }
                rows
            },
        )
    }

    /// A table's rows: groups, each partner and month once, and now and
    /// then one fault (`fault` in 1..=11) in one row.
    fn rows() -> impl Strategy<Value = Vec<Row>> {
        (0i128..1000)
            .prop_flat_map(|seed| prop::collection::vec(group(seed), 0..40))
            .prop_flat_map(|groups| {
                let mut seen = std::collections::HashSet::new();
                let rows: Vec<Row> = groups
                    .into_iter()
                    .filter(|g| g.first().is_some_and(|r| seen.insert((r.partner, r.month))))
                    .flatten()
                    .collect();
                let n = rows.len().max(1);
                (Just(rows), prop_oneof![3 => Just(0u8), 1 => 1u8..12], 0..n)
            })
            .prop_map(|(mut rows, fault, at)| {
                let copy = rows.get(at).cloned();
                if let Some(r) = rows.get_mut(at) {
                    match fault {
                        1 => r.partner = PARTNERS[5],
                        2 => r.credit_notes = Some(1),
                        3 => r.currency = Some("USD"),
                        4 => r.receivable = r.receivable.map(|_| 0),
                        5 => r.receivable = None,
                        6 => r.due = None,
                        7 => r.due = Some(first_day(r.month) - 1),
                        8 => r.turnover += 1,
                        9 => r.paid = r.due.map(|d| d - 40),
                        10 => rows.extend(copy),
                        11 => r.month += 40,
                        _ => {}
                    }
                }
                rows
            })
    }

    fn shape() -> impl Strategy<Value = Shape> {
        let rare = || prop_oneof![4 => Just(false), 1 => Just(true)];
        (0u8..3, any::<bool>(), any::<bool>(), 1usize..9, 1usize..4, rare(), rare()).prop_map(
            |(order, month_as_date, currency_column, batch_rows, part_batches, narrow_dates, empty_batch)| Shape {
                order,
                month_as_date,
                currency_column,
                batch_rows,
                part_batches,
                narrow_dates,
                empty_batch,
            },
        )
    }

    fn decimal(values: impl Iterator<Item = Option<i128>>) -> ArrayRef {
        let a = Decimal128Array::from_iter(values);
        Arc::new(a.with_precision_and_scale(18, 2).unwrap_or_else(|_| Decimal128Array::from(Vec::<i128>::new())))
    }

    fn batch(rows: &[Row], shape: &Shape) -> RecordBatch {
        let month: ArrayRef = if shape.month_as_date {
            Arc::new(Date32Array::from_iter_values(rows.iter().map(|r| first_day(r.month) + 3)))
        } else {
            Arc::new(StringArray::from_iter_values(
                rows.iter().map(|r| format!("{}-{:02}", 2024 + r.month / 12, r.month % 12 + 1)),
            ))
        };
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("partner_id", Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.partner)))),
            ("month", month),
            ("turnover", decimal(rows.iter().map(|r| Some(r.turnover)))),
            ("credit_notes", decimal(rows.iter().map(|r| r.credit_notes))),
            ("deals", Arc::new(Int64Array::from_iter(rows.iter().map(|r| r.deals)))),
            ("margin", decimal(rows.iter().map(|r| r.margin))),
            ("margin_complete", Arc::new(BooleanArray::from_iter(rows.iter().map(|r| r.complete)))),
            ("due_date", Arc::new(Date32Array::from_iter(rows.iter().map(|r| r.due)))),
            ("paid_date", Arc::new(Date32Array::from_iter(rows.iter().map(|r| r.paid)))),
            ("receivable", decimal(rows.iter().map(|r| r.receivable))),
        ];
        if shape.currency_column {
            columns.push(("currency", Arc::new(StringArray::from_iter(rows.iter().map(|r| r.currency)))));
        }
        RecordBatch::try_from_iter(columns)
            .unwrap_or_else(|_| RecordBatch::new_empty(Arc::new(arrow_schema::Schema::empty())))
    }

    fn table(mut rows: Vec<Row>, shape: &Shape) -> Vec<RecordBatch> {
        match shape.order {
            1 => rows.sort_by_key(|r| (r.partner, r.month)),
            2 => rows.reverse(),
            _ => {}
        }
        let mut batches: Vec<RecordBatch> = rows.chunks(shape.batch_rows).map(|rows| batch(rows, shape)).collect();
        if shape.empty_batch {
            batches.insert(batches.len() / 2, batch(&[], shape));
        }
        batches
    }

    fn import(shape: &Shape) -> ArrowImport {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN);
        match shape.narrow_dates {
            true => ArrowImport::new().dates(DateRange::new(d(2024, 3, 10), d(2025, 6, 30)).unwrap_or_default()),
            false => ArrowImport::new(),
        }
    }

    /// The row-by-row read.
    fn row_by_row(import: &ArrowImport, batches: &[RecordBatch]) -> Result<Ledger> {
        import.monthly_table(batches)?.into_ledger(import.dates, true)
    }

    /// The bulk path with the batches cut into parts of `per` batches.
    fn in_parts(import: &ArrowImport, batches: &[RecordBatch], per: usize) -> Option<Ledger> {
        let currency = import.currency_of(batches).ok()?;
        let parts = batches
            .chunks(per)
            .map(|run| {
                let mut part = import.bulk_part(Some(currency));
                run.iter().all(|b| part.take(b)).then_some(part)
            })
            .collect();
        import.bulk_ledger(parts, Some(currency))
    }

    proptest! {
        #[test]
        fn the_bulk_path_gives_the_row_by_row_ledger_and_refuses_what_it_refuses(
            rows in rows(),
            shape in shape(),
        ) {
            let batches = table(rows, &shape);
            let import = import(&shape);
            let slow = row_by_row(&import, &batches);
            let bulk = import.bulk_monthly(&batches);
            let parts = in_parts(&import, &batches, shape.part_batches);
            match &slow {
                Ok(ledger) => {
                    prop_assert_eq!(bulk.as_ref(), Some(ledger), "one part");
                    prop_assert_eq!(parts.as_ref(), Some(ledger), "several parts");
                }
                Err(e) => {
                    prop_assert!(bulk.is_none(), "the bulk path took a table refused with {e:?}");
                    prop_assert!(parts.is_none(), "the bulk path in parts took a table refused with {e:?}");
                }
            }
        }

        #[test]
        fn read_monthly_gives_the_row_by_row_ledger_or_error(
            rows in rows(),
            shape in shape(),
        ) {
            let batches = table(rows, &shape);
            let import = import(&shape);
            let read = import.read_monthly(&batches);
            let slow = row_by_row(&import, &batches);
            prop_assert_eq!(format!("{read:?}"), format!("{slow:?}"));
            if let (Ok(a), Ok(b)) = (&read, &slow) {
                prop_assert_eq!(a, b);
            }
        }
    }

    /// A table of good rows with one column replaced or one row changed.
    fn good() -> Vec<Row> {
        let row = |partner, month, due: Option<i32>| Row {
            partner,
            month,
            turnover: 100_00,
            credit_notes: Some(0),
            deals: Some(1),
            margin: Some(20_00),
            complete: Some(true),
            currency: Some("RUB"),
            due: due.map(|d| first_day(month) + d),
            paid: None,
            receivable: due.map(|_| 100_00),
        };
        vec![row("D-1", 0, Some(10)), row("D-1", 1, None), row("D-2", 0, Some(5)), row("D-2", 0, Some(20))]
    }

    fn shaped() -> Shape {
        Shape {
            order: 0,
            month_as_date: false,
            currency_column: true,
            batch_rows: 3,
            part_batches: 1,
            narrow_dates: false,
            empty_batch: false,
        }
    }

    /// The read's error, checked to be the row-by-row read's, and that the
    /// bulk path refused the table.
    fn error_of(batches: &[RecordBatch]) -> Error {
        let import = ArrowImport::new();
        assert!(import.bulk_monthly(batches).is_none(), "the bulk path took a bad table");
        let slow = row_by_row(&import, batches).err();
        let read = import.read_monthly(batches).err();
        assert_eq!(format!("{read:?}"), format!("{slow:?}"));
        read.unwrap_or_else(|| Error::overflow("no error"))
    }

    fn changed(at: usize, change: impl FnOnce(&mut Row)) -> Vec<RecordBatch> {
        let mut rows = good();
        if let Some(r) = rows.get_mut(at) {
            change(r);
        }
        table(rows, &shaped())
    }

    #[test]
    fn a_good_table_takes_the_bulk_path() {
        let batches = table(good(), &shaped());
        let import = ArrowImport::new();
        let bulk = import.bulk_monthly(&batches);
        assert!(bulk.is_some());
        assert_eq!(bulk.as_ref(), row_by_row(&import, &batches).ok().as_ref());
    }

    #[test]
    fn bulk_errors_are_the_row_by_row_errors_with_row_and_column() {
        let e = error_of(&changed(2, |r| r.due = None));
        assert!(matches!(e.kind(), ErrorKind::InvalidValue { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(3), Some("due_date")), "a receivable without its due date");

        // The same receivable twice (found once every row is read).
        let mut rows = good();
        rows.extend(rows.first().cloned());
        let e = error_of(&table(rows, &shaped()));
        assert!(matches!(e.kind(), ErrorKind::DuplicateMonthlyFigures { .. }), "{e:?}");
        assert_eq!(e.row(), Some(5));

        let e = error_of(&changed(1, |r| r.currency = Some("USD")));
        assert!(matches!(e.kind(), ErrorKind::CurrencyMismatch { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(2), Some("currency")));

        let e = error_of(&changed(1, |r| r.partner = " bad"));
        assert!(matches!(e.kind(), ErrorKind::InvalidPartnerId { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(2), Some("partner_id")));

        let e = error_of(&changed(3, |r| r.deals = Some(7)));
        assert!(matches!(e.kind(), ErrorKind::InvalidValue { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(4), Some("deals")), "figures that differ within a month");

        let e = error_of(&changed(2, |r| r.due = r.due.map(|d| d - 20)));
        assert!(matches!(e.kind(), ErrorKind::InvalidValue { .. }), "{e:?}");
        assert_eq!(e.row(), Some(3), "a due date before its month");

        let e = error_of(&changed(0, |r| r.credit_notes = Some(1)));
        assert_eq!((e.row(), e.column()), (Some(1), Some("credit_notes")));

        let e = error_of(&changed(0, |r| r.receivable = Some(-1)));
        assert_eq!((e.row(), e.column()), (Some(1), Some("receivable")));

        // The month's row without receivables twice.
        let mut rows = good();
        rows.push(rows.get(1).cloned().unwrap_or_else(|| good().remove(0)));
        let e = error_of(&table(rows, &shaped()));
        assert!(matches!(e.kind(), ErrorKind::DuplicateMonthlyFigures { .. }), "{e:?}");
        assert_eq!(e.row(), Some(5));
    }

    #[test]
    fn a_float_column_is_refused_by_the_bulk_path_with_the_row_by_row_error() {
        let batches = table(good(), &shaped());
        let with_float: Vec<RecordBatch> = batches
            .iter()
            .map(|b| {
                let schema = b.schema();
                let columns = schema.fields().iter().zip(b.columns()).map(|(field, column)| {
                    let column = match field.name().as_str() {
                        "turnover" => Arc::new(Float64Array::from(vec![100.0; b.num_rows()])) as ArrayRef,
                        _ => column.clone(),
                    };
                    (field.name().clone(), column)
                });
                RecordBatch::try_from_iter(columns).unwrap_or_else(|_| b.clone())
            })
            .collect();
        let e = error_of(&with_float);
        assert!(matches!(e.kind(), ErrorKind::ColumnType { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(1), Some("turnover")));

        // Also in a batch without rows, before good ones.
        let mut with_empty: Vec<RecordBatch> = with_float.iter().take(1).map(|b| b.slice(0, 0)).collect();
        with_empty.extend(batches.iter().cloned());
        let e = error_of(&with_empty);
        assert!(matches!(e.kind(), ErrorKind::ColumnType { .. }), "{e:?}");
        assert_eq!((e.row(), e.column()), (Some(1), Some("turnover")));
    }
}

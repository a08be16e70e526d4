//! Adapters from files and record batches into a [`Ledger`]: invoice lines,
//! monthly figures, partners and risk facts from CSV ([`CsvImport`], feature
//! `csv`), invoice lines and monthly figures from Arrow record batches
//! (`ArrowImport`, feature `arrow`) and from Parquet files or directories of
//! part files (`ParquetImport`, feature `parquet`).
//!
//! Every import is exact (amounts are decimals, never floats) and all or
//! nothing, and its errors name where the bad value was: the line and
//! column of a CSV file, the row and column of a record batch, and the file
//! of a directory of Parquet part files.
//!
//! # Monthly figures
//!
//! What a warehouse (Spark, ClickHouse, PostgreSQL, DuckDB) computes from
//! invoice lines, one partner and month at a time, in the same columns in
//! CSV, Arrow and Parquet:
//!
//! | column | required | content |
//! | --- | --- | --- |
//! | `partner_id` | yes | the partner's id |
//! | `month` | yes | the month, `YYYY-MM` (Arrow and Parquet: also a `Date32` of any day in it) |
//! | `turnover` | yes | net turnover: invoices plus credit notes |
//! | `credit_notes` | no | the credit-note total, zero or negative (already part of `turnover`) |
//! | `credit_note_count` | no | the number of credit notes |
//! | `deals` | no | the number of deals (invoices whose lines add up to more than zero) |
//! | `margin` | no | the margin of the lines that carried one; empty: none did |
//! | `margin_complete` | no | `true` if every line of the month carried a margin; without the column, `true` where `margin` is given |
//! | `currency` | no | ISO 4217 code; without it the import's currency (RUB unless set) |
//! | `due_date` | no | a due date of the month's invoice lines |
//! | `paid_date` | no | when the lines due on `due_date` were paid; empty: not paid |
//! | `receivable` | no | the amount of the month's invoice lines due on `due_date` and paid on `paid_date` |
//!
//! A row is one partner, month, due date and paid date: a month whose
//! lines were due on two dates has two rows, each with its `receivable`, and
//! the month's figures repeated (they must agree: a row that says otherwise
//! is an error naming it). A month without receivables has one row with
//! empty `due_date` and `receivable`. This is what a `LEFT JOIN` of the
//! monthly figures with the receivables gives; see the README for the query
//! in Spark SQL, ClickHouse, PostgreSQL and DuckDB. The same partner, month,
//! due date and paid date twice is a resent extract, and an error.
//!
//! The figures give the same review as the lines they sum up
//! ([`Ledger::monthly_figures`] gives them from a ledger).

#[cfg(feature = "arrow")]
mod from_arrow;
#[cfg(feature = "csv")]
mod from_csv;
#[cfg(feature = "parquet")]
mod from_parquet;

#[cfg(feature = "arrow")]
pub use from_arrow::{ArrowImport, monthly_batch};
#[cfg(feature = "csv")]
pub use from_csv::CsvImport;
#[cfg(feature = "parquet")]
pub use from_parquet::ParquetImport;

/// The arrow-rs array crate this module is built with, so a program makes
/// record batches of the same version.
#[cfg(feature = "arrow")]
pub use arrow_array;
/// The parquet crate this module is built with.
#[cfg(feature = "parquet")]
pub use parquet;

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{DateRange, Ledger, MonthlyFigures, Receivable};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::Month;

/// The columns of a monthly-figures table, in the order of the documentation.
#[cfg_attr(not(feature = "csv"), allow(dead_code))] // named in the CSV import's errors
pub(crate) const MONTHLY_COLUMNS: &str = "partner_id, month, turnover, credit_notes, credit_note_count, deals, margin, \
     margin_complete, currency, due_date, paid_date, receivable";

/// One row of a monthly-figures table, parsed.
#[derive(Debug, Clone)]
pub(crate) struct MonthlyRow<'a> {
    pub(crate) partner: &'a str,
    pub(crate) month: Month,
    pub(crate) currency: Option<Currency>,
    pub(crate) turnover: Decimal,
    pub(crate) credit_notes: Decimal,
    pub(crate) credit_note_count: u32,
    pub(crate) deals: u32,
    pub(crate) margin: Option<Decimal>,
    pub(crate) margin_complete: Option<bool>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) paid_date: Option<NaiveDate>,
    pub(crate) receivable: Option<Decimal>,
}

/// The figures of one partner and month, as the first of its rows gave
/// them.
struct Group {
    partner: u32,
    month: Month,
    turnover: Decimal,
    credit_notes: Decimal,
    margin: Decimal,
    deals: u32,
    credit_note_count: u32,
    margin_complete: bool,
    /// A row without a receivable was taken for this month.
    bare_row: Option<u64>,
    first_row: u64,
}

/// One receivable row: its group, due date, paid date, amount and row.
type ReceivableRow = (u32, NaiveDate, Option<NaiveDate>, Decimal, u64);

/// The rows of a monthly-figures table gathered into figures per partner
/// and month, checking that the rows of one month agree. Partners are
/// interned (one id per partner, not per row) and figures kept compact,
/// so that 24 million rows fit.
pub(crate) struct MonthlyTable<'a> {
    currency: Currency,
    /// What a position is called in errors: `row` or `line`.
    unit: &'static str,
    partner_index: HashMap<&'a str, u32, foldhash::fast::RandomState>,
    partners: Vec<PartnerId>,
    groups: HashMap<(u32, Month), u32, foldhash::fast::RandomState>,
    figures: Vec<Group>,
    receivables: Vec<ReceivableRow>,
    /// The previous row's partner and group: rows usually come by partner
    /// and month, and then need no hashing.
    last_partner: Option<(&'a str, u32)>,
    last_group: Option<(u32, Month, u32)>,
}

impl<'a> MonthlyTable<'a> {
    pub(crate) fn new(currency: Currency, unit: &'static str) -> MonthlyTable<'a> {
        MonthlyTable {
            currency,
            unit,
            partner_index: HashMap::default(),
            partners: Vec::new(),
            groups: HashMap::default(),
            figures: Vec::new(),
            receivables: Vec::new(),
            last_partner: None,
            last_group: None,
        }
    }

    /// Room for `rows` more rows.
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.groups.reserve(rows);
        self.figures.reserve(rows);
    }

    /// Takes one row (`row` is its 1-based position, for the errors, which
    /// name the column but not yet the row).
    pub(crate) fn add(&mut self, r: MonthlyRow<'a>, row: u64) -> Result<()> {
        if let Some(c) = r.currency
            && c != self.currency
        {
            return Err(Error::currency_mismatch(self.currency, c).at_column("currency"));
        }
        if r.credit_notes > Decimal::ZERO {
            return Err(Error::value(
                "credit_notes",
                &r.credit_notes.to_string(),
                "a credit-note total is zero or negative",
            )
            .at_column("credit_notes"));
        }
        let receivable = match (r.due_date, r.paid_date, r.receivable) {
            (None, None, None) => None,
            (Some(due), paid, Some(amount)) => {
                if amount <= Decimal::ZERO {
                    return Err(Error::value("receivable", &amount.to_string(), "an amount due is positive")
                        .at_column("receivable"));
                }
                Some((due, paid, amount))
            }
            (None, _, Some(_)) | (None, Some(_), None) => {
                return Err(Error::value("due_date", "", "a receivable (or a paid date) needs its due date")
                    .at_column("due_date"));
            }
            (Some(due), _, None) => {
                return Err(Error::value("receivable", "", format!("the amount due on {due} is missing"))
                    .at_column("receivable"));
            }
        };
        let margin_complete = r.margin_complete.unwrap_or(r.margin.is_some());
        let known = match self.last_partner {
            Some((text, k)) if text == r.partner => Some(k),
            _ => self.partner_index.get(r.partner).copied(),
        };
        let partner = match known {
            Some(k) => k,
            None => {
                let id = PartnerId::new(r.partner).map_err(|e| e.at_column("partner_id"))?;
                let k = u32::try_from(self.partners.len()).map_err(|_| Error::overflow("the number of partners"))?;
                self.partners.push(id);
                self.partner_index.insert(r.partner, k);
                k
            }
        };
        self.last_partner = Some((r.partner, partner));
        let known = match self.last_group {
            Some((p, m, at)) if p == partner && m == r.month => Some(at),
            _ => self.groups.get(&(partner, r.month)).copied(),
        };
        let at = match known {
            Some(at) => {
                self.check_agrees(at, &r, margin_complete)?;
                at
            }
            None => {
                let at = u32::try_from(self.figures.len()).map_err(|_| Error::overflow("the number of figures"))?;
                self.figures.push(Group {
                    partner,
                    month: r.month,
                    turnover: r.turnover,
                    credit_notes: r.credit_notes,
                    margin: r.margin.unwrap_or(Decimal::ZERO),
                    deals: r.deals,
                    credit_note_count: r.credit_note_count,
                    margin_complete,
                    bare_row: None,
                    first_row: row,
                });
                self.groups.insert((partner, r.month), at);
                at
            }
        };
        self.last_group = Some((partner, r.month, at));
        match receivable {
            Some((due, paid, amount)) => self.receivables.push((at, due, paid, amount, row)),
            None => {
                if let Some(g) = self.figures.get_mut(at as usize) {
                    if let Some(first) = g.bare_row {
                        return Err(Error::from(ErrorKind::DuplicateMonthlyFigures {
                            month: format!("{} (first on {} {first})", g.month, self.unit),
                        }));
                    }
                    g.bare_row = Some(row);
                }
            }
        }
        Ok(())
    }

    /// The row agrees with the figures already taken for its month.
    fn check_agrees(&self, at: u32, r: &MonthlyRow<'_>, margin_complete: bool) -> Result<()> {
        let Some(f) = self.figures.get(at as usize) else { return Ok(()) };
        let differ = |column: &str, value: String| {
            Err(Error::value(
                column,
                &value,
                format!(
                    "{} {} gives other figures for {} in {}; the {}s of one month repeat them",
                    self.unit, f.first_row, r.partner, f.month, self.unit
                ),
            )
            .at_column(column))
        };
        let margin = r.margin.unwrap_or(Decimal::ZERO);
        if f.turnover != r.turnover {
            return differ("turnover", r.turnover.to_string());
        }
        if f.credit_notes != r.credit_notes {
            return differ("credit_notes", r.credit_notes.to_string());
        }
        if f.credit_note_count != r.credit_note_count {
            return differ("credit_note_count", r.credit_note_count.to_string());
        }
        if f.deals != r.deals {
            return differ("deals", r.deals.to_string());
        }
        if f.margin != margin {
            return differ("margin", margin.to_string());
        }
        if f.margin_complete != margin_complete {
            return differ("margin_complete", margin_complete.to_string());
        }
        Ok(())
    }

    /// The rows gathered, without the index into the data they came
    /// from: the caller may drop the data now.
    pub(crate) fn gather(self) -> Gathered {
        Gathered {
            currency: self.currency,
            unit: self.unit,
            partners: self.partners,
            figures: self.figures,
            receivables: self.receivables,
        }
    }

    /// The figures, by partner and month (see [`Gathered::finish`]).
    pub(crate) fn finish(self) -> Result<Vec<MonthlyFigures>> {
        self.gather().finish()
    }

    /// The figures as a new ledger (see [`Gathered::into_ledger`]).
    pub(crate) fn into_ledger(self, dates: DateRange, as_row: bool) -> Result<Ledger> {
        self.gather().into_ledger(dates, as_row)
    }
}

/// Monthly figures gathered from their rows, owning what they hold.
pub(crate) struct Gathered {
    currency: Currency,
    unit: &'static str,
    partners: Vec<PartnerId>,
    figures: Vec<Group>,
    receivables: Vec<ReceivableRow>,
}

impl Gathered {
    /// Sorts the receivables by figures, due date and paid date, and finds
    /// one given twice (the error names the row of the later copy, the
    /// earliest such row in the data).
    fn sort_receivables(&mut self) -> Result<()> {
        crate::util::par::sort_unstable_by(&mut self.receivables, |a, b| {
            (a.0, a.1, a.2, a.4).cmp(&(b.0, b.1, b.2, b.4))
        })?;
        let twice = self
            .receivables
            .windows(2)
            .filter_map(|w| match w {
                [a, b] if (a.0, a.1, a.2) == (b.0, b.1, b.2) => Some((b.4, a.4, b.0, b.1, b.2)),
                _ => None,
            })
            .min_by_key(|d| d.0);
        if let Some((row, first, at, due, paid)) = twice {
            let month = self.figures.get(at as usize).map(|g| g.month.to_string()).unwrap_or_default();
            let partner = self.figures.get(at as usize).and_then(|g| self.partners.get(g.partner as usize));
            let err = Error::from(ErrorKind::DuplicateMonthlyFigures {
                month: format!(
                    "{month} (due {due}, {}; first on {} {first})",
                    paid.map_or("unpaid".to_owned(), |p| format!("paid {p}")),
                    self.unit
                ),
            });
            let err = match partner {
                Some(p) => err.for_partner(p),
                None => err,
            };
            return Err(match self.unit {
                "line" => err.at_line(row),
                _ => err.at_row(row),
            });
        }
        Ok(())
    }

    /// The figures in the order their first rows came, with their
    /// receivables (sorted by [`sort_receivables`](Self::sort_receivables)).
    fn figures(&self) -> impl Iterator<Item = MonthlyFigures> + '_ {
        let mut next = 0usize;
        let currency = self.currency;
        self.figures.iter().enumerate().filter_map(move |(k, g)| {
            // Every group's partner is interned; `?` never skips one.
            let id = self.partners.get(g.partner as usize)?.clone();
            let mut f = MonthlyFigures::new(id, g.month, crate::money::Money::new(g.turnover, currency))
                .with_deals(g.deals)
                .with_credit_notes(g.credit_notes, g.credit_note_count);
            f.margin = g.margin;
            f.margin_complete = g.margin_complete;
            // The receivables of groups before this one were taken already.
            while let Some(r) = self.receivables.get(next).filter(|r| r.0 as usize == k) {
                f.receivables.push(Receivable { month: g.month, due_date: r.1, paid_date: r.2, amount: r.3 });
                next += 1;
            }
            Some(f)
        })
    }

    /// The figures, by partner and month, each with its receivables by due
    /// and paid date.
    pub(crate) fn finish(mut self) -> Result<Vec<MonthlyFigures>> {
        self.sort_receivables()?;
        let mut out: Vec<MonthlyFigures> = self.figures().collect();
        out.sort_unstable_by(|a, b| (&a.partner, a.month).cmp(&(&b.partner, b.month)));
        Ok(out)
    }

    /// The figures as a new ledger in the table's currency, accepting
    /// `dates`. Errors name the first row of the bad figures (`as_row`:
    /// as a row, else as a line).
    pub(crate) fn into_ledger(mut self, dates: DateRange, as_row: bool) -> Result<Ledger> {
        self.sort_receivables()?;
        let mut ledger = Ledger::new(self.currency).with_dates(dates);
        ledger.add_monthly_all(self.figures()).map_err(|e| {
            let row =
                e.line().and_then(|k| self.figures.get(usize::try_from(k).ok()?.checked_sub(1)?).map(|g| g.first_row));
            match row {
                Some(row) if as_row => e.line_as_row().at_row(row),
                Some(row) => e.at_line(row),
                None => e,
            }
        })?;
        Ok(ledger)
    }
}

/// Parses a `YYYY-MM-DD` date in the range a sale may carry.
pub(crate) fn parse_date(raw: &[u8]) -> Result<NaiveDate> {
    let shown = || String::from_utf8_lossy(raw).into_owned();
    let bad = || Error::value("date", &shown(), "expected a date YYYY-MM-DD");
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *raw else {
        return Err(bad());
    };
    let digit = |b: u8| if b.is_ascii_digit() { Ok(u32::from(b - b'0')) } else { Err(bad()) };
    let year = digit(y1)? * 1000 + digit(y2)? * 100 + digit(y3)? * 10 + digit(y4)?;
    let month = digit(m1)? * 10 + digit(m2)?;
    let day = digit(d1)? * 10 + digit(d2)?;
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| Error::value("date", &shown(), "no such day in the calendar"))?;
    if !(Ledger::MIN_DATE..=Ledger::MAX_DATE).contains(&date) {
        return Err(Error::from(ErrorKind::DateOutOfRange {
            what: format!("{date} is outside 0001-01-01 … 9999-12-31"),
        }));
    }
    Ok(date)
}

/// The dates an import has read, by their ten bytes, each with its date:
/// a billing export's lines fall on a few hundred days, so most lines repeat
/// a date read before. Reading each one through the calendar (and the
/// range check) was a twentieth of a CSV import's samples.
#[derive(Debug)]
#[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
pub(crate) struct DateCache {
    /// (the eight bytes around the two dashes, their date), by a hash of
    /// the eight; `None` in a slot never filled.
    slots: Box<[(u64, Option<NaiveDate>)]>,
}

#[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
impl DateCache {
    /// 2^12 slots of 16 bytes. With 2^10 slots of 32 bytes, keyed by all
    /// ten bytes, 29 % of the lines of a generated file (dates of two
    /// years in random order) missed the cache, their slot taken by
    /// another date, and were read through the calendar (by callgrind).
    const BITS: u32 = 12;

    pub(crate) fn new() -> DateCache {
        DateCache { slots: vec![(0, None); 1 << Self::BITS].into_boxed_slice() }
    }

    /// [`parse_date`], remembered: the same bytes give the same date.
    pub(crate) fn parse(&mut self, raw: &[u8]) -> Result<NaiveDate> {
        // `YYYY-MM-DD`: the dashes checked, the other eight bytes the key.
        let Ok(&[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1]) = <&[u8; 10]>::try_from(raw) else {
            return parse_date(raw);
        };
        let key = u64::from_le_bytes([y0, y1, y2, y3, m0, m1, d0, d1]);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - Self::BITS)) as usize;
        if let Some(&(k, Some(date))) = self.slots.get(slot)
            && k == key
        {
            return Ok(date);
        }
        let date = parse_date(raw)?;
        if let Some(s) = self.slots.get_mut(slot) {
            *s = (key, Some(date));
        }
        Ok(date)
    }
}

/// Parses an exact decimal amount into integer minor units at `scale`.
#[inline]
pub(crate) fn parse_amount(raw: &[u8], scale: u32, decimal_comma: bool, field: &str) -> Result<i64> {
    let separator = if decimal_comma { b',' } else { b'.' };
    match plain_amount(raw, scale, separator) {
        Some(value) => Ok(value),
        None => parse_amount_checked(raw, scale, separator, field),
    }
}

/// [`parse_amount`] of the amounts most lines hold, in one pass over the
/// bytes: an optional `-`, digits with at most one `separator` among them,
/// at most `scale` places, and at most 18 digits once padded to `scale`
/// places, so that the value cannot overflow. `None` for anything else
/// (signs other than a leading `-`, spaces, zeros beyond `scale`, errors),
/// which the checked parse takes. The checked parse took a tenth of a CSV
/// import's instructions (266 a line, against the `csv` crate's 744).
fn plain_amount(raw: &[u8], scale: u32, separator: u8) -> Option<i64> {
    let (negative, body) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    // At most 19 digits (below 2^64), or 18 and the separator.
    if body.len() > 19 {
        return None;
    }
    let mut value: u64 = 0;
    let mut separator_at: Option<usize> = None;
    for (at, &b) in body.iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            value = value * 10 + u64::from(d);
        } else if b == separator && separator_at.is_none() {
            separator_at = Some(at);
        } else {
            return None;
        }
    }
    let (digits, places) = match separator_at {
        Some(at) => (body.len() - 1, body.len() - 1 - at),
        None => (body.len(), 0),
    };
    let pad = (scale as usize).checked_sub(places)?;
    // Below 10^18 once padded: an i64.
    if digits == 0 || digits + pad > 18 {
        return None;
    }
    let value = i64::try_from(value).ok()? * crate::util::exact::POWERS_OF_TEN.get(pad).copied()?;
    Some(if negative { -value } else { value })
}

/// [`parse_amount`], every case: trimmed, with a sign, zeros beyond the
/// scale, and the error that names what is wrong.
#[cold]
fn parse_amount_checked(raw: &[u8], scale: u32, separator: u8, field: &str) -> Result<i64> {
    let decimal_comma = separator == b',';
    let shown = || String::from_utf8_lossy(raw).into_owned();
    let raw = raw.trim_ascii();
    let bad = |reason: &str| Error::value(field, &shown(), reason);
    let (negative, body) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        Some(_) => (false, raw),
        None => return Err(bad("the amount is empty")),
    };
    let (int_part, frac_part) = match body.iter().position(|&b| b == separator) {
        Some(pos) => (&body[..pos], &body[pos + 1..]),
        None => (body, &[][..]),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad("expected a decimal number"));
    }
    if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
        let reason = if decimal_comma {
            "expected a decimal number like -1234,56 (no thousands separators)"
        } else {
            "expected a decimal number like -1234.56 (no thousands separators)"
        };
        return Err(bad(reason));
    }
    let kept = frac_part.len().min(scale as usize);
    let (frac_kept, frac_rest) = frac_part.split_at(kept);
    if frac_rest.iter().any(|&b| b != b'0') {
        return Err(bad(&format!("more than {scale} decimal places; the ledger keeps amounts exactly")));
    }
    let out_of_range = || bad("out of the ledger's range");
    let mut value: i64 = 0;
    for &b in int_part.iter().chain(frac_kept) {
        value = value.checked_mul(10).and_then(|v| v.checked_add(i64::from(b - b'0'))).ok_or_else(out_of_range)?;
    }
    for _ in kept..scale as usize {
        value = value.checked_mul(10).ok_or_else(out_of_range)?;
    }
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Remembered dates are the dates: a sequence of texts (dates,
        /// repeated, and near-dates that are not) read through one cache
        /// gives what parse_date gives each, errors included.
        #[test]
        fn a_remembered_date_is_the_date_read_again(
            texts in proptest::collection::vec("(19|20|00|99)[0-9]{2}-(0[0-9]|1[0-3])-[0-3][0-9]|[0-9-]{9,11}", 1..200),
            picks in proptest::collection::vec(0usize..200, 0..200),
        ) {
            let mut cache = DateCache::new();
            for text in texts.iter().chain(picks.iter().filter_map(|&i| texts.get(i))) {
                let remembered = cache.parse(text.as_bytes()).map_err(|e| e.to_string());
                proptest::prop_assert_eq!(remembered, parse_date(text.as_bytes()).map_err(|e| e.to_string()));
            }
        }
    }

    proptest::proptest! {
        /// The one-pass parse of plain amounts answers only with the
        /// checked parse's value: amounts of every shape (signs, spaces,
        /// either separator, places beyond the scale, up to 20 digits) at
        /// scales 0 to 20.
        #[test]
        fn a_plain_amount_is_the_checked_parse_of_it(
            text in "[-+ ]?[0-9]{0,20}([.,][0-9]{0,7})?[ 0a]?",
            scale in 0u32..21,
            comma: bool,
        ) {
            let separator = if comma { b',' } else { b'.' };
            if let Some(value) = plain_amount(text.as_bytes(), scale, separator) {
                let checked = parse_amount_checked(text.as_bytes(), scale, separator, "amount");
                proptest::prop_assert_eq!(checked.map_err(|e| e.to_string()), Ok(value));
            }
        }
    }

    #[test]
    fn plain_amounts_are_read_in_one_pass_and_the_rest_left_to_the_checked_parse() {
        let plain = |text: &str, scale| plain_amount(text.as_bytes(), scale, b'.');
        assert_eq!(plain("879.43", 2), Some(87_943));
        assert_eq!(plain("-0.5", 2), Some(-50));
        assert_eq!(plain(".5", 2), Some(50));
        assert_eq!(plain("7.", 0), Some(7));
        assert_eq!(plain("999999999999999999", 0), Some(999_999_999_999_999_999));
        assert_eq!(plain("9999999999999999.99", 2), Some(999_999_999_999_999_999));
        // 19 digits, or 18 padded past 18: left to the checked parse,
        // which also reads them.
        assert_eq!(plain("1000000000000000000", 0), None);
        assert_eq!(parse_amount(b"1000000000000000000", 0, false, "amount").unwrap(), 1_000_000_000_000_000_000);
        assert_eq!(plain("10000000000000000", 2), None);
        assert_eq!(parse_amount(b"10000000000000000", 2, false, "amount").unwrap(), 1_000_000_000_000_000_000);
        // Signs, spaces, zeros beyond the scale, no digits, two separators.
        for text in ["+1", " 1", "1 ", "1.230", "-", ".", "", "1.2.3", "1,5", "--1"] {
            assert_eq!(plain(text, 2), None, "{text:?}");
        }
        assert_eq!(parse_amount(b"1.230", 2, false, "amount").unwrap(), 123);
    }

    #[test]
    fn bytes_that_fill_no_slot_are_not_a_date() {
        // The key of a slot never filled: ten zero bytes must still fail.
        let mut cache = DateCache::new();
        assert!(cache.parse(&[0; 10]).is_err());
        assert_eq!(cache.parse(b"2025-03-14").unwrap(), NaiveDate::from_ymd_opt(2025, 3, 14).unwrap());
        assert!(cache.parse(b"2025-02-30").is_err() && cache.parse(b"2025-02-30").is_err());
    }
}

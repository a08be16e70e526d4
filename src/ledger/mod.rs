//! The turnover ledger: invoice lines and credit notes aggregated per
//! partner and month.
//!
//! - `input`: what goes in (invoice lines, monthly figures);
//! - `store`: how a partner's figures are kept (rows, cells, the index);
//! - `batch`: many lines at once, buffered by partition;
//! - `invoices`: the set of recorded invoice ids;
//! - `window`: a partner's figures over a review window.

use std::borrow::Borrow;
use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{Error, ErrorKind, Result};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::{Month, Window};

mod batch;
mod input;
mod invoices;
mod store;
mod window;

pub(crate) use batch::Batch;
#[cfg(feature = "csv")]
pub(crate) use batch::{finish_all, first_error_of};
pub(crate) use input::{Line, PartnerKey, to_minor};
use input::{MarginInput, check_date};
pub use input::{MonthlyFigures, Sale};
pub(crate) use invoices::InvoiceSet;
pub(crate) use store::{Cell, Hasher, PayRecord, Row};
use store::{IdKey, Index, MonthSlot, OpenInvoice, add_open_part, add_payment, fingerprint, slot_mut};
pub(crate) use window::WindowBuf;
pub use window::{Payment, Turnover};

/// Per partner × month turnover figures, built incrementally from invoice
/// lines, credit notes and pre-aggregated monthly figures, in one currency.
///
/// For each partner and month the ledger keeps the net turnover (invoices
/// plus credit notes), the credit-note total, the margin, the number of deals
/// (an invoice is a deal, a credit note is not) and what payment discipline
/// needs (amounts due, paid late, days late, unpaid lines). Amounts are kept
/// exactly as integers of the ledger's minor unit (the currency's, so
/// kopecks for `RUB`); an amount with more decimal places than that is an
/// error, never rounded. Per partner and month the range is ±92 233 720 368
/// 547 758.07 at two decimal places.
///
/// Ledgers built separately (threads, machines, monthly chunks) combine with
/// [`Ledger::merge`]; the result equals recording every sale into one
/// ledger.
///
/// Every mutating call is all-or-nothing: on error the ledger is exactly as
/// it was before the call.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::period::Window;
/// use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
/// use rust_decimal::Decimal;
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
/// let rub = |a: i64| Money::new(Decimal::new(a, 0), Currency::RUB);
/// let p = PartnerId::new("D-1")?;
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// ledger.record(Sale::new(p.clone(), d(3, 1), rub(120_000)).with_invoice("I-1"))?;
/// ledger.record(Sale::new(p.clone(), d(3, 9), rub(-20_000)).with_invoice("CN-1"))?;
/// // A resent invoice is an error and is not counted twice.
/// let resent = ledger.record(Sale::new(p.clone(), d(3, 1), rub(120_000)).with_invoice("I-1"));
/// assert!(resent.unwrap_err().is_duplicate());
///
/// let window = Window::before(d(4, 1), 12)?;
/// let t = ledger.turnover(&p, window).unwrap();
/// assert_eq!(t.total(), Decimal::new(100_000, 0));
/// assert_eq!(t.deals(), 1);
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Ledger {
    currency: Currency,
    scale: u32,
    index: Index,
    rows: Vec<Row>,
    invoices: InvoiceSet,
    /// Invoices with unpaid lines, by fingerprint.
    open: HashMap<u128, OpenInvoice, Hasher>,
}

/// Adds (`times` = 1) or removes (`times` = −1) a document's deal or credit
/// note in `row`'s month.
fn count_document(row: &mut Row, month: i32, total: i64, times: i64) -> Option<()> {
    if total == 0 {
        return Some(());
    }
    let cell = slot_mut(&mut row.cells, month);
    let step = u32::try_from(times.unsigned_abs()).ok()?;
    let bump = |n: u32| if times > 0 { n.checked_add(step) } else { n.checked_sub(step) };
    if total > 0 {
        cell.deals = bump(cell.deals)?;
    } else {
        cell.credit_note_count = bump(cell.credit_note_count)?;
        cell.credit_notes = cell.credit_notes.checked_add(total.checked_mul(times)?)?;
    }
    Some(())
}

impl Ledger {
    /// The earliest date a line may carry (`0001-01-01`).
    pub const MIN_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };

    /// The latest date a line may carry (`9999-12-31`).
    pub const MAX_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
        Some(d) => d,
        None => NaiveDate::MAX,
    };

    /// The largest scale (decimal places) a ledger keeps.
    pub const MAX_SCALE: u32 = 8;

    /// An empty ledger in `currency`, keeping amounts to the currency's
    /// minor unit (two decimal places for `RUB`).
    #[must_use]
    pub fn new(currency: Currency) -> Ledger {
        Ledger {
            currency,
            scale: currency.minor_units(),
            index: Index::new(),
            rows: Vec::new(),
            invoices: InvoiceSet::default(),
            open: HashMap::default(),
        }
    }

    /// An empty ledger in `currency` keeping `scale` decimal places (for
    /// billing tools that keep fractions of the minor unit).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] if `scale` is above [`Ledger::MAX_SCALE`].
    pub fn with_scale(currency: Currency, scale: u32) -> Result<Ledger> {
        if scale > Ledger::MAX_SCALE {
            return Err(Error::value(
                "scale",
                &scale.to_string(),
                format!("at most {} decimal places", Ledger::MAX_SCALE),
            ));
        }
        let mut ledger = Ledger::new(currency);
        ledger.scale = scale;
        Ok(ledger)
    }

    /// The ledger's currency.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The number of decimal places the ledger keeps.
    #[must_use]
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// True if nothing has been recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of partners with recorded data.
    #[must_use]
    pub fn partner_count(&self) -> usize {
        self.rows.len()
    }

    /// The number of distinct invoice ids recorded.
    #[must_use]
    pub fn invoice_count(&self) -> usize {
        self.invoices.len()
    }

    /// The partners with recorded data, sorted by id.
    #[must_use]
    pub fn partners(&self) -> Vec<&PartnerId> {
        let mut ids: Vec<&PartnerId> = self.rows.iter().map(|r| &r.id).collect();
        ids.sort_unstable();
        ids
    }

    /// True if the invoice id has been recorded.
    #[must_use]
    pub fn contains_invoice(&self, invoice: &str) -> bool {
        self.invoices.contains(&fingerprint(invoice))
    }

    /// The first and last month with recorded data, if any.
    #[must_use]
    pub fn span(&self) -> Option<(Month, Month)> {
        let first = self.rows.iter().filter_map(|r| r.cells.first()).map(|c| c.month).min()?;
        let last = self.rows.iter().filter_map(|r| r.cells.last()).map(|c| c.month).max()?;
        Some((Month::from_index(first)?, Month::from_index(last)?))
    }

    /// Records one line that is a whole document (an invoice or a credit note
    /// of a single line, or a line without an invoice id).
    ///
    /// # Errors
    ///
    /// As [`Ledger::record_all`]; the ledger is unchanged on error.
    pub fn record(&mut self, sale: Sale) -> Result<()> {
        self.record_all(std::iter::once(sale)).map(|_| ())
    }

    /// Records a batch of lines, all or nothing, and returns how many lines
    /// were recorded. Takes sales by value or by reference (`&Sale`, so a
    /// caller that keeps its lines need not clone them).
    ///
    /// From 262 144 lines, the lines are checked and buffered chunk by chunk
    /// on the threads of the pool (feature `parallel`) while this thread
    /// reads the input, and aggregated partition by partition; the result
    /// and the error are the same as in one thread.
    ///
    /// Lines that share an invoice id are the lines of one document: they
    /// must all be in this batch and belong to one partner. The document is a
    /// deal if its lines add up to more than zero and a credit note if they
    /// add up to less; it counts in the month of its earliest line. Each line
    /// without an invoice id is a document of its own.
    ///
    /// # Errors
    ///
    /// On the first bad line (its 1-based position in the batch is the
    /// error's [`line`](Error::line); the error names its partner, and its
    /// invoice when the invoice is what is wrong), nothing of the batch is
    /// recorded:
    ///
    /// - [`ErrorKind::CurrencyMismatch`]: the line is not in the ledger's currency;
    /// - [`ErrorKind::InexactAmount`]: the amount or margin has more decimal
    ///   places than the ledger keeps, or is out of its range;
    /// - [`ErrorKind::DateOutOfRange`]: a date outside 0001-01-01 … 9999-12-31;
    /// - [`ErrorKind::InvalidInvoiceId`]: an empty or malformed invoice id;
    /// - [`ErrorKind::DuplicateInvoice`]: the invoice was recorded before;
    /// - [`ErrorKind::InvoicePartnerConflict`]: one invoice, two partners;
    /// - [`ErrorKind::Overflow`]: a figure out of range.
    ///
    /// A large input may have been read a few chunks past the bad line
    /// before the threads stop.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
    /// use rust_decimal::Decimal;
    ///
    /// let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    /// let rub = |a: i64| Money::new(Decimal::new(a, 0), Currency::RUB);
    /// let p = PartnerId::new("D-1")?;
    /// let lines = vec![
    ///     Sale::new(p.clone(), day, rub(700)).with_invoice("I-1"),
    ///     Sale::new(p.clone(), day, rub(300)).with_invoice("I-1"),
    /// ];
    /// let mut ledger = Ledger::new(Currency::RUB);
    /// assert_eq!(ledger.record_all(&lines)?, 2); // borrowed: `lines` stays
    /// // A bad line: nothing of the batch is recorded.
    /// let bad = [Sale::new(p.clone(), day, rub(5)), Sale::new(p, day, Money::new(Decimal::ONE, Currency::USD))];
    /// let err = ledger.record_all(bad).unwrap_err();
    /// assert_eq!(err.line(), Some(2));
    /// assert_eq!(ledger.partner_count(), 1);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    pub fn record_all<I>(&mut self, sales: I) -> Result<usize>
    where
        I: IntoIterator,
        I::Item: Borrow<Sale> + Send,
    {
        let mut sales = sales.into_iter();
        let first: Vec<I::Item> = sales.by_ref().take(batch::CHUNK).collect();
        let batches = if first.len() < batch::CHUNK {
            match self.fill_batch(first, 0, false) {
                (batch, None) => vec![batch],
                (batch, Some(e)) => return Err(batch.first_error(e)),
            }
        } else {
            self.fill_batches(first, sales)?
        };
        let count = batches.iter().map(Batch::len).sum();
        let delta = batch::finish_all(batches)?;
        self.merge(delta)?;
        Ok(count)
    }

    /// The lines a batch known to grow large takes before it is partitioned
    /// (a multiple of 16).
    const PARTITION_AFTER: u64 = 1024;

    /// Checks and buffers `items`, the lines after the first `skipped`, in
    /// a batch; with the error of the first bad line, if any.
    fn fill_batch<T: Borrow<Sale>>(&self, items: Vec<T>, skipped: u64, partitioned: bool) -> (Batch, Option<Error>) {
        let mut batch = Batch::new(self.currency, self.scale);
        // The partitions get room for their share of the lines, in the
        // proportions of the first lines: growing a thousand buffers by
        // doubling costs more than filling them.
        batch.expect_lines(items.len() as u64);
        // Lines are numbered within the chunk, the offset added when the
        // batch is aggregated (and to errors here).
        batch.set_line_offset(skipped);
        let mut line = 0u64;
        for group in items.chunks(16) {
            if partitioned && line == Self::PARTITION_AFTER {
                batch.partition();
            }
            // Read the partner ids of several lines at once: each id's text is
            // somewhere else on the heap, and waiting for them one at a time
            // is most of what recording a line costs.
            let first_bytes =
                group.iter().fold(0u8, |acc, item| acc ^ item.borrow().partner.as_str().bytes().next().unwrap_or(0));
            std::hint::black_box(first_bytes);
            for item in group {
                let sale = item.borrow();
                line = line.saturating_add(1);
                if let Err(e) = batch.add(sale, line, &self.invoices) {
                    return (batch, Some(e.at_line(skipped.saturating_add(line)).for_partner(&sale.partner)));
                }
            }
        }
        (batch, None)
    }

    /// The batches of a large input, one per chunk of lines, checked and
    /// buffered on the pool's threads while this one reads the input.
    /// Chunks are contiguous, so the batches in order hold the lines in
    /// order. After a bad line no further chunk is read.
    fn fill_batches<T, I>(&self, first: Vec<T>, mut rest: I) -> Result<Vec<Batch>>
    where
        T: Borrow<Sale> + Send,
        I: Iterator<Item = T>,
    {
        let threads = crate::util::par::threads()?;
        let mut first = Some(first);
        let next = || {
            let chunk: Vec<T> = first.take().unwrap_or_else(|| rest.by_ref().take(batch::CHUNK).collect());
            (!chunk.is_empty()).then_some(chunk)
        };
        let fill = |k: usize, items: Vec<T>| {
            let skipped = (k as u64).saturating_mul(batch::CHUNK as u64);
            self.fill_batch(items, skipped, true)
        };
        let filled = crate::util::par::pipeline(next, threads + 1, fill, |(_, err)| err.is_some())?;
        let mut batches = Vec::with_capacity(filled.len());
        for (batch, err) in filled {
            batches.push(batch);
            if let Some(e) = err {
                // The chunks before are whole and good.
                return Err(batch::first_error_of(batches, e));
            }
        }
        Ok(batches)
    }

    /// Adds pre-aggregated monthly figures.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the turnover is not in the ledger's
    /// currency; [`ErrorKind::InexactAmount`] for an amount that the ledger
    /// cannot keep exactly; [`ErrorKind::InvalidValue`] for a positive
    /// credit-note total; [`ErrorKind::DuplicateMonthlyFigures`] if figures
    /// for this partner and month were added before;
    /// [`ErrorKind::Overflow`] if a sum is out of range. The ledger is
    /// unchanged on error.
    pub fn add_monthly(&mut self, figures: MonthlyFigures) -> Result<()> {
        self.add_monthly_all(std::iter::once(figures))
    }

    /// Adds a batch of pre-aggregated monthly figures, all or nothing.
    ///
    /// # Errors
    ///
    /// As [`Ledger::add_monthly`], with the 1-based position of the bad item
    /// as the error's line.
    pub fn add_monthly_all<I: IntoIterator<Item = MonthlyFigures>>(&mut self, items: I) -> Result<()> {
        let mut delta = Ledger::with_scale(self.currency, self.scale)?;
        for (pos, f) in items.into_iter().enumerate() {
            let line = u64::try_from(pos).unwrap_or(u64::MAX).saturating_add(1);
            delta.add_one_monthly(&f).map_err(|e| e.at_line(line).for_partner(&f.partner))?;
        }
        self.merge(delta)
    }

    fn add_one_monthly(&mut self, f: &MonthlyFigures) -> Result<()> {
        if f.currency != self.currency {
            return Err(Error::currency_mismatch(self.currency, f.currency));
        }
        let scale = self.scale;
        let cell = Cell {
            month: f.month.index(),
            deals: f.deals,
            credit_note_count: f.credit_note_count,
            margin_missing: u32::from(!f.margin_complete),
            turnover: to_minor(f.turnover, scale)?,
            credit_notes: to_minor(f.credit_notes, scale)?,
            margin: to_minor(f.margin, scale)?,
        };
        if cell.credit_notes > 0 {
            return Err(Error::value(
                "credit_notes",
                &f.credit_notes.to_string(),
                "a credit-note total is zero or negative",
            ));
        }
        let row = self.row_mut(&f.partner)?;
        let extra = row.extra_mut();
        match extra.aggregated.binary_search(&cell.month) {
            Ok(_) => return Err(ErrorKind::DuplicateMonthlyFigures { month: f.month.to_string() }.into()),
            Err(pos) => extra.aggregated.insert(pos, cell.month),
        }
        let slot = slot_mut(&mut row.cells, cell.month);
        *slot = slot.checked_add(&cell).ok_or_else(|| Error::overflow("monthly figures"))?;
        Ok(())
    }

    fn row_mut(&mut self, id: &PartnerId) -> Result<&mut Row> {
        let pos = match self.index.get(id.as_str().as_bytes()) {
            Some(pos) => pos as usize,
            None => {
                let pos = self.rows.len();
                let key = u32::try_from(pos).map_err(|_| Error::overflow("the number of partners"))?;
                self.index.insert(id, key);
                self.rows.push(Row::new(id.clone()));
                pos
            }
        };
        self.rows.get_mut(pos).ok_or_else(|| Error::overflow("the partner index"))
    }

    /// Merges another ledger into this one, all or nothing. The result
    /// equals recording both ledgers' data into one ledger; the order of
    /// merges does not matter.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ;
    /// [`ErrorKind::InvalidValue`] if the scales differ;
    /// [`ErrorKind::DuplicateInvoice`] if both hold the same invoice;
    /// [`ErrorKind::DuplicateMonthlyFigures`] if both hold pre-aggregated
    /// figures for the same partner and month; [`ErrorKind::Overflow`] if a
    /// sum is out of range. This ledger is unchanged on error.
    pub fn merge(&mut self, other: Ledger) -> Result<()> {
        if other.currency != self.currency {
            return Err(Error::currency_mismatch(self.currency, other.currency));
        }
        if other.scale != self.scale {
            return Err(Error::value(
                "scale",
                &other.scale.to_string(),
                format!("the ledgers keep different decimal places ({} and {})", self.scale, other.scale),
            ));
        }
        if other.rows.is_empty() && other.invoices.is_empty() {
            return Ok(());
        }
        if self.rows.is_empty() && self.invoices.is_empty() {
            *self = other;
            return Ok(());
        }
        // Phase 1: check everything, change nothing.
        if self.invoices.overlaps(&other.invoices) {
            return Err(ErrorKind::DuplicateInvoice { invoice: "(an invoice id held by both ledgers)".into() }.into());
        }
        for row in &other.rows {
            if let Some(mine) = self.row(row.id.as_str()) {
                mine.check_merge(row)?;
            }
        }
        u32::try_from(self.rows.len() + other.rows.len()).map_err(|_| Error::overflow("the number of partners"))?;
        // Phase 2: apply; every sum was checked above.
        self.invoices.absorb(other.invoices);
        self.open.extend(other.open);
        for row in other.rows {
            match self.index.get(row.id.as_str().as_bytes()) {
                Some(pos) => {
                    if let Some(mine) = self.rows.get_mut(pos as usize) {
                        mine.apply_merge(row);
                    }
                }
                None => {
                    self.index.insert(&row.id, self.rows.len() as u32);
                    self.rows.push(row);
                }
            }
        }
        Ok(())
    }

    /// Records that an invoice recorded earlier without a paid date was paid
    /// on `paid`, in full. Payment discipline then sees it as paid from that
    /// date on: a review as of an earlier date still sees it unpaid.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::UnknownInvoice`] if the ledger holds no unpaid invoice
    /// with this id (never recorded, recorded without a due date or an id,
    /// or already paid); [`ErrorKind::DateOutOfRange`] for a date outside
    /// 0001-01-01 … 9999-12-31; [`ErrorKind::Overflow`]. The ledger is
    /// unchanged on error.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
    /// use rust_decimal::Decimal;
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    /// let mut ledger = Ledger::new(Currency::RUB);
    /// ledger.record(
    ///     Sale::new(PartnerId::new("D-1")?, d(3, 1), Money::new(Decimal::from(50_000), Currency::RUB))
    ///         .with_invoice("INV-7")
    ///         .with_due_date(d(3, 31)),
    /// )?;
    /// ledger.record_payment("INV-7", d(4, 20))?; // 20 days late
    /// assert!(ledger.record_payment("INV-7", d(4, 21)).is_err()); // already paid
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    pub fn record_payment(&mut self, invoice: &str, paid: NaiveDate) -> Result<()> {
        check_date(paid, "paid_date").map_err(|e| e.for_invoice(invoice))?;
        let fp = fingerprint(invoice);
        let unknown =
            || Error::from(ErrorKind::UnknownInvoice { invoice: crate::error::shorten(invoice) }).for_invoice(invoice);
        let open = self.open.get(&fp).ok_or_else(unknown)?;
        let pos = self.index.get(open.partner.as_str().as_bytes()).ok_or_else(unknown)?;
        let row = self.rows.get(pos as usize).ok_or_else(unknown)?;
        // Check on a copy, then apply.
        let mut payments = row.extra().payments.clone();
        for &(month, due, amount) in &open.parts {
            add_payment(&mut payments, (month, due, None), -amount)
                .ok_or_else(|| Error::overflow("a partner's payments").for_invoice(invoice))?;
            add_payment(&mut payments, (month, due, Some(paid)), amount)
                .ok_or_else(|| Error::overflow("a partner's payments").for_invoice(invoice))?;
        }
        self.open.remove(&fp);
        if let Some(row) = self.rows.get_mut(pos as usize) {
            row.extra_mut().payments = payments;
        }
        Ok(())
    }

    /// The number of invoices (with an id and a due date) not yet paid.
    #[must_use]
    pub fn open_invoice_count(&self) -> usize {
        self.open.len()
    }

    /// One partner's turnover over `window`, or `None` if the ledger has no
    /// data for the partner at all.
    #[must_use]
    pub fn turnover(&self, partner: &PartnerId, window: Window) -> Option<Turnover> {
        let row = self.row(partner.as_str())?;
        let mut buf = WindowBuf::default();
        self.fill(Some(row), window, &mut buf);
        Some(Turnover::new(row.id.clone(), self.currency, self.scale, window, &buf))
    }

    /// The turnover over `window` of every partner in the ledger (partners
    /// with no data in the window get an all-zero series), sorted by
    /// partner id.
    #[must_use]
    pub fn turnovers(&self, window: Window) -> Vec<Turnover> {
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        let mut buf = WindowBuf::default();
        rows.into_iter()
            .map(|row| {
                self.fill(Some(row), window, &mut buf);
                Turnover::new(row.id.clone(), self.currency, self.scale, window, &buf)
            })
            .collect()
    }

    pub(crate) fn row(&self, partner: &str) -> Option<&Row> {
        let pos = self.index.get(partner.as_bytes())?;
        self.rows.get(pos as usize)
    }

    pub(crate) fn rows(&self) -> &[Row] {
        &self.rows
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn invoice_set(&self) -> &InvoiceSet {
        &self.invoices
    }

    /// Fills `buf` with a partner's figures over `window` (zeros for a
    /// partner without a row): the cells of the window, and the payment
    /// records of the window plus earlier ones not paid by the window's end.
    pub(crate) fn fill(&self, row: Option<&Row>, window: Window, buf: &mut WindowBuf) {
        let first = window.first().index();
        let last = window.last().index();
        buf.months.clear();
        buf.months.resize(window.len() as usize, Cell::default());
        buf.payments.clear();
        let Some(row) = row else { return };
        let start = row.cells.partition_point(|c| c.month < first);
        for cell in row.cells.get(start..).unwrap_or_default() {
            if cell.month > last {
                break;
            }
            if let Some(m) = buf.months.get_mut((cell.month - first) as usize) {
                *m = *cell;
            }
        }
        let end = window.end_date();
        buf.payments.extend(
            row.extra()
                .payments
                .iter()
                .take_while(|p| p.month <= last)
                .filter(|p| p.month >= first || p.paid.is_none_or(|d| d > end)),
        );
    }

    /// The net turnover of a row over months `first ..= last` (indices), in
    /// minor units.
    pub(crate) fn net_between(row: &Row, first: i32, last: i32) -> i128 {
        let start = row.cells.partition_point(|c| c.month < first);
        row.cells
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.month <= last)
            .map(|c| i128::from(c.turnover))
            .sum()
    }
}

impl PartialEq for Ledger {
    /// Two ledgers are equal when they hold the same figures for the same
    /// partners and the same invoices, whatever order they were built in.
    fn eq(&self, other: &Ledger) -> bool {
        self.currency == other.currency
            && self.scale == other.scale
            && self.rows.len() == other.rows.len()
            && self.invoices == other.invoices
            && self.open == other.open
            && self.rows.iter().all(|row| other.row(row.id.as_str()) == Some(row))
    }
}

impl Eq for Ledger {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use rust_decimal::Decimal;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn rub(a: i64) -> Money {
        Money::new(Decimal::new(a, 2), Currency::RUB)
    }
    fn p(id: &str) -> PartnerId {
        PartnerId::new(id).unwrap()
    }
    fn year2025() -> Window {
        Window::before(d(2026, 1, 1), 12).unwrap()
    }

    #[test]
    fn the_ledger_says_what_it_holds() {
        let mut l = Ledger::new(Currency::RUB);
        assert!(l.is_empty());
        assert_eq!((l.partner_count(), l.invoice_count(), l.span()), (0, 0, None));
        l.record(Sale::new(p("B"), d(2025, 3, 1), rub(100)).with_invoice("I-1")).unwrap();
        l.record(Sale::new(p("A"), d(2025, 5, 1), rub(100)).with_invoice("I-2")).unwrap();
        l.record(Sale::new(p("A"), d(2025, 4, 1), rub(100))).unwrap();
        assert!(!l.is_empty());
        assert_eq!((l.partner_count(), l.invoice_count()), (2, 2));
        assert_eq!(l.partners(), [&p("A"), &p("B")]);
        assert!(l.contains_invoice("I-1") && l.contains_invoice("I-2") && !l.contains_invoice("I-3"));
        assert_eq!(l.span(), Some((Month::new(2025, 3).unwrap(), Month::new(2025, 5).unwrap())));
    }

    #[test]
    fn a_sale_gives_back_what_it_was_built_with() {
        let s = Sale::new(p("A"), d(2025, 3, 1), rub(12_345))
            .with_invoice("I-1")
            .with_margin(Decimal::new(2_000, 2))
            .with_due_date(d(2025, 4, 1))
            .with_paid_date(d(2025, 4, 3));
        assert_eq!((s.partner(), s.date(), s.amount()), (&p("A"), d(2025, 3, 1), rub(12_345)));
        assert_eq!((s.invoice(), s.margin()), (Some("I-1"), Some(Decimal::new(2_000, 2))));
        assert_eq!((s.due_date(), s.paid_date()), (Some(d(2025, 4, 1)), Some(d(2025, 4, 3))));
        let cost = Sale::new(p("A"), d(2025, 3, 1), rub(12_345)).with_cost(Decimal::new(10_000, 2));
        assert_eq!(cost.margin(), Some(Decimal::new(2_345, 2)));
        let bare = Sale::new(p("A"), d(2025, 3, 1), rub(1));
        assert_eq!((bare.invoice(), bare.margin(), bare.due_date(), bare.paid_date()), (None, None, None, None));
    }

    #[test]
    fn ledgers_that_differ_anywhere_are_not_equal() {
        let base = || {
            let mut l = Ledger::new(Currency::RUB);
            l.record(Sale::new(p("A"), d(2025, 3, 1), rub(100)).with_due_date(d(2025, 4, 1))).unwrap();
            l
        };
        assert_eq!(base(), base());
        let mut amount = Ledger::new(Currency::RUB);
        amount.record(Sale::new(p("A"), d(2025, 3, 1), rub(101)).with_due_date(d(2025, 4, 1))).unwrap();
        assert_ne!(base(), amount);
        let mut partner = Ledger::new(Currency::RUB);
        partner.record(Sale::new(p("B"), d(2025, 3, 1), rub(100)).with_due_date(d(2025, 4, 1))).unwrap();
        assert_ne!(base(), partner);
        let mut paid = Ledger::new(Currency::RUB);
        let sale =
            Sale::new(p("A"), d(2025, 3, 1), rub(100)).with_due_date(d(2025, 4, 1)).with_paid_date(d(2025, 4, 9));
        paid.record(sale).unwrap();
        assert_ne!(base(), paid); // only the payment record differs
    }

    #[test]
    fn earlier_invoices_count_in_a_window_only_while_unpaid_at_its_end() {
        let mut l = Ledger::new(Currency::RUB);
        let old = |invoice: &str| {
            Sale::new(p("A"), d(2024, 11, 5), rub(100)).with_invoice(invoice).with_due_date(d(2024, 12, 5))
        };
        l.record(old("paid-on-the-last-day").with_paid_date(d(2025, 12, 31))).unwrap();
        l.record(old("paid-a-day-later").with_paid_date(d(2026, 1, 1))).unwrap();
        l.record(old("unpaid")).unwrap();
        l.record(old("paid-in-time").with_paid_date(d(2024, 12, 1))).unwrap();
        l.record(Sale::new(p("A"), d(2025, 2, 1), rub(100)).with_due_date(d(2025, 3, 1))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap(); // 2025-01 … 2025-12
        let paid: Vec<Option<NaiveDate>> = t.payments().iter().map(|x| x.paid_date).collect();
        assert_eq!(paid, [None, Some(d(2026, 1, 1)), None]);
    }

    #[test]
    fn lines_without_an_invoice_are_documents_of_their_own() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 3, 1), rub(100_00)).with_margin(Decimal::new(20, 0))).unwrap();
        l.record(Sale::new(p("A"), d(2025, 3, 2), rub(-30_00))).unwrap();
        l.record(Sale::new(p("A"), d(2025, 3, 3), rub(0)).with_due_date(d(2025, 4, 1))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        let march = &t.months()[2];
        assert_eq!((march.deals, march.credit_note_count), (1, 1));
        assert_eq!((march.turnover, march.credit_notes), (Decimal::new(70_00, 2), Decimal::new(-30_00, 2)));
        assert_eq!(march.invoiced(), Decimal::new(100_00, 2));
        assert!(!march.margin_complete); // two lines came without a margin
        assert!(t.payments().is_empty()); // a zero line has nothing to pay
        assert_eq!(t.monthly_average(), Decimal::new(70_00, 2) / Decimal::from(12));
        assert_eq!(t.margin_rate(), Some(Decimal::new(20, 0) / Decimal::new(70, 0)));
        let mut complete = Ledger::new(Currency::RUB);
        complete.record(Sale::new(p("A"), d(2025, 3, 1), rub(100_00)).with_margin(Decimal::ONE)).unwrap();
        assert!(complete.turnover(&p("A"), year2025()).unwrap().months()[2].margin_complete);
    }

    #[test]
    fn trailing_zeros_beyond_the_minor_unit_are_exact() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 3, 1), Money::new(Decimal::new(1_230, 3), Currency::RUB))).unwrap();
        assert_eq!(l.turnover(&p("A"), year2025()).unwrap().total(), Decimal::new(123, 2));
        let err = l.record(Sale::new(p("A"), d(2025, 3, 1), Money::new(Decimal::new(1_235, 3), Currency::RUB)));
        assert!(matches!(err.unwrap_err().kind(), ErrorKind::InexactAmount { .. }));
    }

    #[test]
    fn the_scale_goes_up_to_eight_places() {
        assert_eq!(Ledger::with_scale(Currency::RUB, 8).unwrap().scale(), 8);
        assert!(Ledger::with_scale(Currency::RUB, 9).is_err());
        assert_eq!(Ledger::with_scale(Currency::RUB, 0).unwrap().scale(), 0);
    }

    #[test]
    fn a_credit_note_lowers_turnover_and_is_not_a_deal() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 3, 1), rub(100_000_00)).with_invoice("I-1")).unwrap();
        l.record(Sale::new(p("A"), d(2025, 3, 5), rub(-30_000_00)).with_invoice("CN-1")).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.total(), Decimal::new(70_000_00, 2));
        assert_eq!(t.deals(), 1);
        assert_eq!(t.credit_note_count(), 1);
        assert_eq!(t.credit_notes(), Decimal::new(-30_000_00, 2));
        assert_eq!(t.invoiced(), Decimal::new(100_000_00, 2));
        assert_eq!(t.average_deal(), Some(Decimal::new(100_000_00, 2)));
    }

    #[test]
    fn lines_of_one_invoice_are_one_deal() {
        let mut l = Ledger::new(Currency::RUB);
        let lines = vec![
            Sale::new(p("A"), d(2025, 3, 1), rub(50_00)).with_invoice("I-1"),
            Sale::new(p("A"), d(2025, 3, 1), rub(70_00)).with_invoice("I-1"),
            Sale::new(p("A"), d(2025, 3, 1), rub(-10_00)).with_invoice("I-1"), // a discount line
        ];
        assert_eq!(l.record_all(lines).unwrap(), 3);
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.deals(), 1);
        assert_eq!(t.credit_note_count(), 0);
        assert_eq!(t.total(), Decimal::new(110_00, 2));
    }

    #[test]
    fn average_deal_without_deals_is_none() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 3, 5), rub(-30_00))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.deals(), 0);
        assert_eq!(t.average_deal(), None);
        assert_eq!(t.margin_rate(), None);
    }

    #[test]
    fn a_resent_invoice_is_rejected_and_not_counted_twice() {
        let mut l = Ledger::new(Currency::RUB);
        let sale = Sale::new(p("A"), d(2025, 3, 1), rub(100_00)).with_invoice("I-1");
        l.record(sale.clone()).unwrap();
        let before = l.clone();
        let err = l.record(sale).unwrap_err();
        assert!(err.is_duplicate());
        assert_eq!(err.invoice(), Some("I-1"));
        assert_eq!(err.partner(), Some("A"));
        assert_eq!(l, before);
        assert_eq!(l.turnover(&p("A"), year2025()).unwrap().total(), Decimal::new(100_00, 2));
    }

    #[test]
    fn a_bad_line_in_a_batch_leaves_the_ledger_unchanged_and_names_the_line() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 1, 1), rub(1_00))).unwrap();
        let before = l.clone();
        let batch = vec![
            Sale::new(p("A"), d(2025, 2, 1), rub(5_00)),
            Sale::new(p("B"), d(2025, 2, 1), rub(5_00)),
            Sale::new(p("B"), d(2025, 2, 1), Money::new(Decimal::ONE, Currency::EUR)),
        ];
        let err = l.record_all(batch).unwrap_err();
        assert!(err.is_currency_mismatch());
        assert_eq!(err.line(), Some(3));
        assert_eq!(err.partner(), Some("B"));
        assert_eq!(l, before);
    }

    #[test]
    fn bad_input_kinds_are_typed() {
        let mut l = Ledger::new(Currency::RUB);
        let err =
            l.record(Sale::new(p("A"), d(2025, 1, 1), Money::new(Decimal::new(1005, 3), Currency::RUB))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InexactAmount { .. }));
        // Trailing zeros beyond the scale are fine: 1.500 is 1.50.
        l.record(Sale::new(p("A"), d(2025, 1, 1), Money::new(Decimal::new(1500, 3), Currency::RUB))).unwrap();
        let err = l.record(Sale::new(p("A"), NaiveDate::MIN, rub(1))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::DateOutOfRange { .. }));
        let err = l.record(Sale::new(p("A"), d(2025, 1, 1), rub(1)).with_invoice(" I-1")).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidInvoiceId { .. }));
        let err = l.record(Sale::new(p("A"), d(2025, 1, 1), Money::new(Decimal::MAX, Currency::RUB))).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InexactAmount { .. }));
        let err = l
            .record_all(vec![
                Sale::new(p("A"), d(2025, 1, 1), rub(1)).with_invoice("X"),
                Sale::new(p("B"), d(2025, 1, 1), rub(1)).with_invoice("X"),
            ])
            .unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvoicePartnerConflict { .. }));
        assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn overflow_is_an_error_and_changes_nothing() {
        let mut l = Ledger::new(Currency::RUB);
        let big = Money::new(Decimal::new(i64::MAX, 2), Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 1, 1), big)).unwrap();
        let before = l.clone();
        let err = l.record(Sale::new(p("A"), d(2025, 1, 2), rub(1))).unwrap_err();
        assert!(err.is_overflow());
        assert_eq!(l, before);
        // Merging another ledger that would overflow is refused too.
        let mut other = Ledger::new(Currency::RUB);
        other.record(Sale::new(p("A"), d(2025, 1, 3), rub(1))).unwrap();
        other.record(Sale::new(p("B"), d(2025, 1, 3), rub(1))).unwrap();
        assert!(l.merge(other).unwrap_err().is_overflow());
        assert_eq!(l, before);
    }

    #[test]
    fn margin_and_cost_give_the_margin() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("A"), d(2025, 1, 1), rub(100_00)).with_margin(Decimal::new(20_00, 2))).unwrap();
        l.record(Sale::new(p("A"), d(2025, 1, 2), rub(100_00)).with_cost(Decimal::new(70_00, 2))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.margin(), Decimal::new(50_00, 2));
        assert!(t.margin_complete());
        l.record(Sale::new(p("A"), d(2025, 1, 3), rub(100_00))).unwrap();
        assert!(!l.turnover(&p("A"), year2025()).unwrap().margin_complete());
    }

    #[test]
    fn payment_figures_are_kept() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(
            Sale::new(p("A"), d(2025, 1, 1), rub(100_00)).with_due_date(d(2025, 1, 31)).with_paid_date(d(2025, 2, 10)),
        )
        .unwrap();
        l.record(Sale::new(p("A"), d(2025, 2, 1), rub(50_00)).with_due_date(d(2025, 3, 3))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        let paid = t.payments()[0];
        assert_eq!(
            (paid.due_date, paid.paid_date, paid.amount),
            (d(2025, 1, 31), Some(d(2025, 2, 10)), Decimal::new(100_00, 2))
        );
        let open = t.payments()[1];
        assert_eq!((open.due_date, open.paid_date), (d(2025, 3, 3), None));
        assert_eq!(t.payments().len(), 2);
    }

    #[test]
    fn a_payment_recorded_later_is_all_or_nothing_and_only_once() {
        let mut l = Ledger::new(Currency::RUB);
        let lines = vec![
            Sale::new(p("A"), d(2025, 1, 10), rub(70_00)).with_invoice("I-1").with_due_date(d(2025, 2, 10)),
            Sale::new(p("A"), d(2025, 1, 10), rub(30_00)).with_invoice("I-1").with_due_date(d(2025, 2, 10)),
        ];
        l.record_all(lines).unwrap();
        assert_eq!(l.open_invoice_count(), 1);
        let before = l.clone();
        assert!(matches!(l.record_payment("I-2", d(2025, 3, 1)).unwrap_err().kind(), ErrorKind::UnknownInvoice { .. }));
        assert!(l.record_payment("I-1", NaiveDate::MIN).is_err());
        assert_eq!(l, before);
        l.record_payment("I-1", d(2025, 3, 1)).unwrap();
        assert_eq!(l.open_invoice_count(), 0);
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.payments().len(), 1);
        assert_eq!((t.payments()[0].paid_date, t.payments()[0].amount), (Some(d(2025, 3, 1)), Decimal::new(100_00, 2)));
        assert!(l.record_payment("I-1", d(2025, 3, 2)).is_err());
        // Recording the paid invoice in one go gives the same ledger.
        let mut direct = Ledger::new(Currency::RUB);
        direct
            .record_all(vec![
                Sale::new(p("A"), d(2025, 1, 10), rub(70_00))
                    .with_invoice("I-1")
                    .with_due_date(d(2025, 2, 10))
                    .with_paid_date(d(2025, 3, 1)),
                Sale::new(p("A"), d(2025, 1, 10), rub(30_00))
                    .with_invoice("I-1")
                    .with_due_date(d(2025, 2, 10))
                    .with_paid_date(d(2025, 3, 1)),
            ])
            .unwrap();
        assert_eq!(l, direct);
    }

    #[test]
    fn monthly_figures_add_up_with_sales() {
        let mut l = Ledger::new(Currency::RUB);
        let m = Month::new(2025, 4).unwrap();
        l.add_monthly(
            MonthlyFigures::new(p("A"), m, rub(500_00)).with_deals(3).with_credit_notes(Decimal::new(-20_00, 2), 1),
        )
        .unwrap();
        l.record(Sale::new(p("A"), d(2025, 4, 2), rub(100_00))).unwrap();
        let t = l.turnover(&p("A"), year2025()).unwrap();
        assert_eq!(t.total(), Decimal::new(600_00, 2));
        assert_eq!(t.deals(), 4);
        assert!(!t.margin_complete());
        let err = l.add_monthly(MonthlyFigures::new(p("A"), m, rub(1)).with_credit_notes(Decimal::ONE, 1)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::InvalidValue { .. }));
    }

    #[test]
    fn merge_checks_currency_scale_and_duplicates() {
        let mut a = Ledger::new(Currency::RUB);
        a.record(Sale::new(p("A"), d(2025, 1, 1), rub(1)).with_invoice("I")).unwrap();
        let before = a.clone();
        let mut b = Ledger::new(Currency::RUB);
        b.record(Sale::new(p("B"), d(2025, 1, 1), rub(1)).with_invoice("I")).unwrap();
        assert!(a.clone().merge(b).unwrap_err().is_duplicate());
        assert!(a.merge(Ledger::new(Currency::EUR)).unwrap_err().is_currency_mismatch());
        assert!(a.merge(Ledger::with_scale(Currency::RUB, 4).unwrap()).is_err());
        assert_eq!(a, before);
    }

    #[test]
    fn turnovers_cover_every_partner_sorted_with_zero_series() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p("B"), d(2025, 1, 1), rub(1))).unwrap();
        l.record(Sale::new(p("A"), d(2023, 1, 1), rub(1))).unwrap();
        let all = l.turnovers(year2025());
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].partner().as_str(), "A");
        assert_eq!(all[0].total(), Decimal::ZERO);
        assert_eq!(all[0].months().len(), 12);
        assert_eq!(all[1].total(), Decimal::new(1, 2));
        assert_eq!(l.span(), Some((Month::new(2023, 1).unwrap(), Month::new(2025, 1).unwrap())));
    }
}

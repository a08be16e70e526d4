//! The turnover ledger: invoice lines and credit notes aggregated per
//! partner and month.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::money::{Currency, Money};
use crate::partner::{PartnerId, check_id};
use crate::period::{Month, Window};

pub(crate) type Hasher = foldhash::fast::RandomState;

/// The earliest date a sale may carry (`0001-01-01`).
pub const MIN_SALE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// The latest date a sale may carry (`9999-12-31`).
pub const MAX_SALE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MarginInput {
    Margin(Decimal),
    Cost(Decimal),
}

/// One invoice line or credit-note line from the billing tool.
///
/// A positive amount is an invoice line, a negative one a credit-note line
/// (a return, a correction). Lines that share an invoice id are one document
/// and must be recorded in one call ([`Ledger::record_all`]); a document
/// whose lines add up to more than zero is one deal, one that adds up to
/// less than zero is a credit note.
///
/// The optional margin (or cost, from which the margin is computed), due date
/// and paid date feed the margin KPI and payment discipline.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{Currency, Money, PartnerId, Sale};
/// use rust_decimal::Decimal;
///
/// let date = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
/// let sale = Sale::new(PartnerId::new("D-042")?, date, Money::new(Decimal::new(125_000_00, 2), Currency::RUB))
///     .with_invoice("INV-2025-0317")
///     .with_margin(Decimal::new(18_750_00, 2))
///     .with_due_date(date + chrono::Days::new(30));
/// assert_eq!(sale.invoice(), Some("INV-2025-0317"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sale {
    partner: PartnerId,
    date: NaiveDate,
    amount: Money,
    margin: Option<MarginInput>,
    invoice: Option<String>,
    due_date: Option<NaiveDate>,
    paid_date: Option<NaiveDate>,
}

impl Sale {
    /// A line of `amount` for `partner` on `date`.
    #[must_use]
    pub fn new(partner: PartnerId, date: NaiveDate, amount: Money) -> Sale {
        Sale { partner, date, amount, margin: None, invoice: None, due_date: None, paid_date: None }
    }

    /// Sets the line's margin (in the line's currency).
    #[must_use]
    pub fn with_margin(mut self, margin: Decimal) -> Sale {
        self.margin = Some(MarginInput::Margin(margin));
        self
    }

    /// Sets the line's cost; the margin is the amount minus the cost.
    #[must_use]
    pub fn with_cost(mut self, cost: Decimal) -> Sale {
        self.margin = Some(MarginInput::Cost(cost));
        self
    }

    /// Sets the invoice (document) number. Lines with the same number are one
    /// document; the ledger rejects a number it has already recorded.
    #[must_use]
    pub fn with_invoice(mut self, invoice: impl Into<String>) -> Sale {
        self.invoice = Some(invoice.into());
        self
    }

    /// Sets the date payment is due.
    #[must_use]
    pub fn with_due_date(mut self, due_date: NaiveDate) -> Sale {
        self.due_date = Some(due_date);
        self
    }

    /// Sets the date the line was paid.
    #[must_use]
    pub fn with_paid_date(mut self, paid_date: NaiveDate) -> Sale {
        self.paid_date = Some(paid_date);
        self
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// The date of the line.
    #[must_use]
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The amount (negative for a credit-note line).
    #[must_use]
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The margin, if it was given (directly or as a cost). `None` if the
    /// margin or cost was not given, or `amount - cost` overflows.
    #[must_use]
    pub fn margin(&self) -> Option<Decimal> {
        match self.margin? {
            MarginInput::Margin(m) => Some(m),
            MarginInput::Cost(c) => self.amount.amount().checked_sub(c),
        }
    }

    /// The invoice (document) number, if any.
    #[must_use]
    pub fn invoice(&self) -> Option<&str> {
        self.invoice.as_deref()
    }

    /// The due date, if any.
    #[must_use]
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.due_date
    }

    /// The paid date, if any.
    #[must_use]
    pub fn paid_date(&self) -> Option<NaiveDate> {
        self.paid_date
    }
}

/// Pre-aggregated figures of one partner for one month, for users who
/// aggregate invoice lines in their data warehouse.
///
/// They add to the same per partner × month figures as recorded sales.
/// Pre-aggregated figures carry no invoice ids, so the ledger cannot detect a
/// resent extract line by line; instead it rejects a second set of
/// pre-aggregated figures for the same partner and month.
///
/// # Example
///
/// ```
/// use partner_priority::{Currency, Ledger, Money, Month, MonthlyFigures, PartnerId};
/// use rust_decimal::Decimal;
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let figures = MonthlyFigures::new(
///     PartnerId::new("D-1")?,
///     Month::new(2025, 3)?,
///     Money::new(Decimal::new(640_000, 0), Currency::RUB),
/// )
/// .with_deals(12)
/// .with_credit_notes(Decimal::new(-15_000, 0), 1)
/// .with_margin(Decimal::new(96_000, 0));
/// ledger.add_monthly(figures.clone())?;
/// assert!(ledger.add_monthly(figures).unwrap_err().is_duplicate());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyFigures {
    partner: PartnerId,
    month: Month,
    turnover: Money,
    credit_notes: Decimal,
    credit_note_count: u32,
    margin: Option<Decimal>,
    deals: u32,
}

impl MonthlyFigures {
    /// The net turnover (invoices plus credit notes) of `partner` in `month`.
    #[must_use]
    pub fn new(partner: PartnerId, month: Month, turnover: Money) -> MonthlyFigures {
        MonthlyFigures {
            partner,
            month,
            turnover,
            credit_notes: Decimal::ZERO,
            credit_note_count: 0,
            margin: None,
            deals: 0,
        }
    }

    /// Sets the number of deals (invoices).
    #[must_use]
    pub fn with_deals(mut self, deals: u32) -> MonthlyFigures {
        self.deals = deals;
        self
    }

    /// Sets the credit-note total (zero or negative; it is already part of the
    /// net turnover) and the number of credit notes.
    #[must_use]
    pub fn with_credit_notes(mut self, total: Decimal, count: u32) -> MonthlyFigures {
        self.credit_notes = total;
        self.credit_note_count = count;
        self
    }

    /// Sets the margin.
    #[must_use]
    pub fn with_margin(mut self, margin: Decimal) -> MonthlyFigures {
        self.margin = Some(margin);
        self
    }
}

/// The figures of one partner in one month, as kept by the ledger: integers of
/// the ledger's minor unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cell {
    pub(crate) month: i32,
    pub(crate) deals: u32,
    pub(crate) credit_note_count: u32,
    /// Lines (or aggregates) recorded without a margin.
    pub(crate) margin_missing: u32,
    pub(crate) turnover: i64,
    pub(crate) credit_notes: i64,
    pub(crate) margin: i64,
    /// Invoice lines with a due date: their amount.
    pub(crate) due_amount: i64,
    /// The part of `due_amount` paid after the due date.
    pub(crate) paid_late_amount: i64,
    /// Σ amount × days late over the lines paid late.
    pub(crate) days_late_amount: i64,
    /// True once pre-aggregated figures were added to this cell.
    pub(crate) aggregated: bool,
}

impl Cell {
    fn empty(month: i32) -> Cell {
        Cell { month, ..Cell::default() }
    }

    /// The checked sum of two cells of the same month.
    fn checked_add(&self, other: &Cell) -> Option<Cell> {
        Some(Cell {
            month: self.month,
            deals: self.deals.checked_add(other.deals)?,
            credit_note_count: self.credit_note_count.checked_add(other.credit_note_count)?,
            margin_missing: self.margin_missing.checked_add(other.margin_missing)?,
            turnover: self.turnover.checked_add(other.turnover)?,
            credit_notes: self.credit_notes.checked_add(other.credit_notes)?,
            margin: self.margin.checked_add(other.margin)?,
            due_amount: self.due_amount.checked_add(other.due_amount)?,
            paid_late_amount: self.paid_late_amount.checked_add(other.paid_late_amount)?,
            days_late_amount: self.days_late_amount.checked_add(other.days_late_amount)?,
            aggregated: self.aggregated || other.aggregated,
        })
    }
}

/// An invoice line with a due date and no paid date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Unpaid {
    pub(crate) due: NaiveDate,
    pub(crate) month: i32,
    pub(crate) amount: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) id: PartnerId,
    /// Sorted by month, one cell per month with data.
    pub(crate) cells: Vec<Cell>,
    /// Sorted by (due, month), one entry per (due, month).
    pub(crate) unpaid: Vec<Unpaid>,
}

impl Row {
    fn new(id: PartnerId) -> Row {
        Row { id, cells: Vec::new(), unpaid: Vec::new() }
    }

    fn cell_mut(&mut self, month: i32) -> &mut Cell {
        // Sales usually arrive in date order: try the last cell first.
        let pos = match self.cells.last() {
            Some(last) if last.month == month => self.cells.len() - 1,
            Some(last) if last.month < month => {
                self.cells.push(Cell::empty(month));
                self.cells.len() - 1
            }
            _ => match self.cells.binary_search_by_key(&month, |c| c.month) {
                Ok(pos) => pos,
                Err(pos) => {
                    self.cells.insert(pos, Cell::empty(month));
                    pos
                }
            },
        };
        // `pos` is in bounds by construction.
        &mut self.cells[pos]
    }

    fn cell(&self, month: i32) -> Option<&Cell> {
        self.cells.binary_search_by_key(&month, |c| c.month).ok().and_then(|pos| self.cells.get(pos))
    }

    fn add_unpaid(&mut self, item: Unpaid) -> Option<()> {
        let key = (item.due, item.month);
        match self.unpaid.binary_search_by_key(&key, |u| (u.due, u.month)) {
            Ok(pos) => {
                let slot = self.unpaid.get_mut(pos)?;
                slot.amount = slot.amount.checked_add(item.amount)?;
            }
            Err(pos) => self.unpaid.insert(pos, item),
        }
        Some(())
    }

    fn checked_unpaid_sum(&self, item: &Unpaid) -> Option<()> {
        let key = (item.due, item.month);
        if let Ok(pos) = self.unpaid.binary_search_by_key(&key, |u| (u.due, u.month)) {
            self.unpaid.get(pos)?.amount.checked_add(item.amount)?;
        }
        Some(())
    }
}

/// The fingerprint of an invoice id: a 128-bit XXH3 hash. Two different ids
/// share a fingerprint with a probability of about 10⁻²⁵ at 10 million
/// invoices; the ledger would then reject the second as a duplicate (an
/// error, never a silent loss).
fn fingerprint(invoice: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(invoice.as_bytes())
}

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
/// use partner_priority::{Currency, Ledger, Money, PartnerId, Sale, Window};
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
    index: HashMap<PartnerId, u32, Hasher>,
    rows: Vec<Row>,
    invoices: std::collections::HashSet<u128, Hasher>,
}

/// Where a document (invoice or credit note) stands while a batch is built.
#[derive(Clone, Copy)]
struct DocAcc {
    row: u32,
    month: i32,
    total: i64,
}

impl Ledger {
    /// The largest scale (decimal places) a ledger keeps.
    pub const MAX_SCALE: u32 = 8;

    /// An empty ledger in `currency`, keeping amounts to the currency's
    /// minor unit (two decimal places for `RUB`).
    #[must_use]
    pub fn new(currency: Currency) -> Ledger {
        Ledger {
            currency,
            scale: currency.minor_units(),
            index: HashMap::default(),
            rows: Vec::new(),
            invoices: std::collections::HashSet::default(),
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
    /// were recorded.
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
    /// error's [`line`](Error::line); the error names its partner and
    /// invoice), nothing of the batch is recorded:
    ///
    /// - [`ErrorKind::CurrencyMismatch`]: the line is not in the ledger's currency;
    /// - [`ErrorKind::InexactAmount`]: the amount or margin has more decimal
    ///   places than the ledger keeps, or is out of its range;
    /// - [`ErrorKind::DateOutOfRange`]: a date outside 0001-01-01 … 9999-12-31;
    /// - [`ErrorKind::InvalidInvoiceId`]: an empty or malformed invoice id;
    /// - [`ErrorKind::DuplicateInvoice`]: the invoice was recorded before;
    /// - [`ErrorKind::InvoicePartnerConflict`]: one invoice, two partners;
    /// - [`ErrorKind::Overflow`]: a figure out of range.
    pub fn record_all<I: IntoIterator<Item = Sale>>(&mut self, sales: I) -> Result<usize> {
        let mut batch = Batch::new(self.currency, self.scale);
        let mut count = 0usize;
        for (pos, sale) in sales.into_iter().enumerate() {
            let line = u64::try_from(pos).unwrap_or(u64::MAX).saturating_add(1);
            batch.add(&sale, &self.invoices).map_err(|e| e.at_line(line).for_partner(&sale.partner))?;
            count += 1;
        }
        let delta = batch.finish()?;
        self.merge(delta)?;
        Ok(count)
    }

    /// Adds pre-aggregated monthly figures.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the turnover is not in the ledger's
    /// currency; [`ErrorKind::InexactAmount`] for an amount that the ledger
    /// cannot keep exactly; [`ErrorKind::DuplicateMonthlyFigures`] if figures
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
        if f.turnover.currency() != self.currency {
            return Err(ErrorKind::CurrencyMismatch { expected: self.currency, found: f.turnover.currency() }.into());
        }
        let scale = self.scale;
        let cell = Cell {
            month: f.month.index(),
            deals: f.deals,
            credit_note_count: f.credit_note_count,
            margin_missing: u32::from(f.margin.is_none()),
            turnover: to_minor(f.turnover.amount(), scale)?,
            credit_notes: to_minor(f.credit_notes, scale)?,
            margin: f.margin.map(|m| to_minor(m, scale)).transpose()?.unwrap_or(0),
            aggregated: true,
            ..Cell::default()
        };
        if cell.credit_notes > 0 {
            return Err(Error::value(
                "credit_notes",
                &f.credit_notes.to_string(),
                "a credit-note total is zero or negative",
            ));
        }
        let row = self.row_mut(&f.partner);
        let slot = row.cell_mut(cell.month);
        if slot.aggregated {
            return Err(ErrorKind::DuplicateMonthlyFigures { month: f.month.to_string() }.into());
        }
        // The slot is fresh (this is a delta ledger and the month had no
        // aggregate), so the sum cannot overflow; check anyway.
        *slot = slot.checked_add(&cell).ok_or_else(|| Error::overflow("monthly figures"))?;
        Ok(())
    }

    fn row_mut(&mut self, id: &PartnerId) -> &mut Row {
        let pos = match self.index.get(id.as_str()) {
            Some(&pos) => pos as usize,
            None => {
                let pos = self.rows.len();
                self.index.insert(id.clone(), pos as u32);
                self.rows.push(Row::new(id.clone()));
                pos
            }
        };
        &mut self.rows[pos]
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
            return Err(ErrorKind::CurrencyMismatch { expected: self.currency, found: other.currency }.into());
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
        let (small, large) = if self.invoices.len() <= other.invoices.len() {
            (&self.invoices, &other.invoices)
        } else {
            (&other.invoices, &self.invoices)
        };
        if small.iter().any(|fp| large.contains(fp)) {
            return Err(ErrorKind::DuplicateInvoice { invoice: "(an invoice id held by both ledgers)".into() }.into());
        }
        for row in &other.rows {
            let Some(&pos) = self.index.get(row.id.as_str()) else {
                continue;
            };
            let mine = &self.rows[pos as usize];
            for cell in &row.cells {
                if let Some(existing) = mine.cell(cell.month) {
                    if existing.aggregated && cell.aggregated {
                        let month = Month::from_index(cell.month).map(|m| m.to_string()).unwrap_or_default();
                        return Err(Error::from(ErrorKind::DuplicateMonthlyFigures { month }).for_partner(&row.id));
                    }
                    if existing.checked_add(cell).is_none() {
                        return Err(Error::overflow("a partner's monthly figures").for_partner(&row.id));
                    }
                }
            }
            for item in &row.unpaid {
                if mine.checked_unpaid_sum(item).is_none() {
                    return Err(Error::overflow("a partner's unpaid amount").for_partner(&row.id));
                }
            }
        }
        // Phase 2: apply; every sum was checked above.
        self.invoices.extend(other.invoices);
        for row in other.rows {
            match self.index.get(row.id.as_str()) {
                None => {
                    let pos = self.rows.len() as u32;
                    self.index.insert(row.id.clone(), pos);
                    self.rows.push(row);
                }
                Some(&pos) => {
                    let mine = &mut self.rows[pos as usize];
                    for cell in &row.cells {
                        let slot = mine.cell_mut(cell.month);
                        if let Some(sum) = slot.checked_add(cell) {
                            *slot = sum;
                        }
                    }
                    for item in row.unpaid {
                        let _ = mine.add_unpaid(item);
                    }
                }
            }
        }
        Ok(())
    }

    /// One partner's turnover over `window`, or `None` if the ledger has no
    /// data for the partner at all.
    #[must_use]
    pub fn turnover(&self, partner: &PartnerId, window: Window) -> Option<Turnover> {
        let pos = *self.index.get(partner.as_str())?;
        self.rows.get(pos as usize).map(|row| self.turnover_of(row, window))
    }

    /// The turnover over `window` of every partner in the ledger (partners
    /// with no data in the window get an all-zero series), sorted by
    /// partner id.
    #[must_use]
    pub fn turnovers(&self, window: Window) -> Vec<Turnover> {
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        rows.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        rows.into_iter().map(|row| self.turnover_of(row, window)).collect()
    }

    pub(crate) fn row(&self, partner: &str) -> Option<&Row> {
        let pos = *self.index.get(partner)?;
        self.rows.get(pos as usize)
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn invoice_set(&self) -> &std::collections::HashSet<u128, Hasher> {
        &self.invoices
    }

    /// A partner's turnover, or an all-zero series for a partner the ledger
    /// has never seen.
    pub(crate) fn turnover_or_zero(&self, partner: &PartnerId, window: Window) -> Turnover {
        match self.row(partner.as_str()) {
            Some(row) => self.turnover_of(row, window),
            None => {
                let months = window.months().map(|m| MonthFigures::zero(m, self.scale)).collect();
                Turnover::new(partner.clone(), self.currency, window, months, Vec::new())
            }
        }
    }

    /// The net turnover of a partner over months `first ..= last` (month
    /// indices), in minor units, and the first month with activity.
    pub(crate) fn net_between(&self, partner: &str, first: Month, last: Month) -> (i128, Option<Month>) {
        let Some(row) = self.row(partner) else { return (0, None) };
        let (f, l) = (first.index(), last.index());
        let sum = row.cells.iter().filter(|c| c.month >= f && c.month <= l).map(|c| i128::from(c.turnover)).sum();
        let first_active = row.cells.first().and_then(|c| Month::from_index(c.month));
        (sum, first_active)
    }

    fn turnover_of(&self, row: &Row, window: Window) -> Turnover {
        let mut months: Vec<MonthFigures> = window.months().map(|m| MonthFigures::zero(m, self.scale)).collect();
        let first = window.first().index();
        let last = window.last().index();
        let start = row.cells.partition_point(|c| c.month < first);
        for cell in row.cells.get(start..).unwrap_or_default() {
            if cell.month > last {
                break;
            }
            let pos = (cell.month - first) as usize;
            if let Some(slot) = months.get_mut(pos) {
                *slot = MonthFigures::from_cell(cell, slot.month, self.scale);
            }
        }
        let unpaid = row
            .unpaid
            .iter()
            .filter(|u| u.month <= last)
            .filter_map(|u| {
                Some(UnpaidAmount {
                    due_date: u.due,
                    month: Month::from_index(u.month)?,
                    amount: Decimal::new(u.amount, self.scale),
                })
            })
            .collect();
        Turnover::new(row.id.clone(), self.currency, window, months, unpaid)
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
            && self.rows.iter().all(|row| other.row(row.id.as_str()) == Some(row))
    }
}

impl Eq for Ledger {}

/// Converts an exact decimal to integer minor units at `scale`.
pub(crate) fn to_minor(amount: Decimal, scale: u32) -> Result<i64> {
    let inexact = |reason: String| Error::from(ErrorKind::InexactAmount { amount, reason });
    let mut value = amount;
    if value.scale() > scale {
        value = value.normalize();
        if value.scale() > scale {
            return Err(inexact(format!("the ledger keeps {scale} decimal places")));
        }
    }
    let factor = 10i128.pow(scale - value.scale());
    value
        .mantissa()
        .checked_mul(factor)
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| inexact("out of the ledger's range".to_owned()))
}

fn check_date(date: NaiveDate, field: &str) -> Result<()> {
    if (MIN_SALE_DATE..=MAX_SALE_DATE).contains(&date) {
        Ok(())
    } else {
        Err(ErrorKind::DateOutOfRange { what: format!("{field} {date} is outside 0001-01-01 … 9999-12-31") }.into())
    }
}

/// A partner named by a checked id or by text still to be checked.
#[derive(Clone, Copy)]
pub(crate) enum PartnerKey<'a> {
    Id(&'a PartnerId),
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    Str(&'a str),
}

impl PartnerKey<'_> {
    fn as_str(&self) -> &str {
        match self {
            PartnerKey::Id(id) => id.as_str(),
            PartnerKey::Str(text) => text,
        }
    }
}

/// A batch of sales being aggregated into a fresh ledger.
pub(crate) struct Batch {
    ledger: Ledger,
    docs: HashMap<u128, DocAcc, Hasher>,
}

impl Batch {
    pub(crate) fn new(currency: Currency, scale: u32) -> Batch {
        let mut ledger = Ledger::new(currency);
        ledger.scale = scale;
        Batch { ledger, docs: HashMap::default() }
    }

    /// Adds one line. On error the batch may hold part of the line and must
    /// be discarded.
    pub(crate) fn add(&mut self, sale: &Sale, recorded: &std::collections::HashSet<u128, Hasher>) -> Result<()> {
        if sale.amount.currency() != self.ledger.currency {
            return Err(
                ErrorKind::CurrencyMismatch { expected: self.ledger.currency, found: sale.amount.currency() }.into()
            );
        }
        let scale = self.ledger.scale;
        let amount = to_minor(sale.amount.amount(), scale)?;
        let margin = match sale.margin {
            None => None,
            Some(MarginInput::Margin(m)) => Some(to_minor(m, scale)?),
            Some(MarginInput::Cost(c)) => Some(
                amount
                    .checked_sub(to_minor(c, scale)?)
                    .ok_or_else(|| Error::overflow("the margin (amount minus cost)"))?,
            ),
        };
        check_date(sale.date, "date")?;
        if let Some(due) = sale.due_date {
            check_date(due, "due_date")?;
        }
        if let Some(paid) = sale.paid_date {
            check_date(paid, "paid_date")?;
        }
        self.add_parsed(
            PartnerKey::Id(&sale.partner),
            sale.date,
            amount,
            margin,
            sale.invoice.as_deref(),
            sale.due_date,
            sale.paid_date,
            recorded,
        )
    }

    /// Adds one line whose amounts are already minor units at the batch's
    /// scale and whose dates are checked.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_parsed(
        &mut self,
        partner: PartnerKey<'_>,
        date: NaiveDate,
        amount: i64,
        margin: Option<i64>,
        invoice: Option<&str>,
        due_date: Option<NaiveDate>,
        paid_date: Option<NaiveDate>,
        recorded: &std::collections::HashSet<u128, Hasher>,
    ) -> Result<()> {
        let month = Month::of(date).index();
        let row_pos = match self.ledger.index.get(partner.as_str()) {
            Some(&pos) => pos,
            None => {
                let id = match partner {
                    PartnerKey::Id(id) => id.clone(),
                    PartnerKey::Str(text) => PartnerId::new(text)?,
                };
                let pos =
                    u32::try_from(self.ledger.rows.len()).map_err(|_| Error::overflow("the number of partners"))?;
                self.ledger.index.insert(id.clone(), pos);
                self.ledger.rows.push(Row::new(id));
                pos
            }
        };
        // Document bookkeeping first: it may reject the line.
        let doc = match invoice {
            Some(id) => {
                check_id(id).map_err(|reason| {
                    Error::from(ErrorKind::InvalidInvoiceId { id: crate::error::shorten(id), reason })
                })?;
                let fp = fingerprint(id);
                if recorded.contains(&fp) {
                    return Err(Error::from(ErrorKind::DuplicateInvoice { invoice: id.to_owned() }).for_invoice(id));
                }
                match self.docs.entry(fp) {
                    Entry::Vacant(v) => {
                        v.insert(DocAcc { row: row_pos, month, total: amount });
                    }
                    Entry::Occupied(mut o) => {
                        let acc = o.get_mut();
                        if acc.row != row_pos {
                            let rows = &self.ledger.rows;
                            let id_of = |pos: u32| rows.get(pos as usize).map(|r| r.id.clone());
                            if let (Some(first), Some(second)) = (id_of(acc.row), id_of(row_pos)) {
                                return Err(Error::from(ErrorKind::InvoicePartnerConflict {
                                    invoice: id.to_owned(),
                                    first,
                                    second,
                                })
                                .for_invoice(id));
                            }
                            return Err(Error::overflow("the partner index").for_invoice(id));
                        }
                        acc.total = acc
                            .total
                            .checked_add(amount)
                            .ok_or_else(|| Error::overflow("an invoice total").for_invoice(id))?;
                        acc.month = acc.month.min(month);
                    }
                }
                true
            }
            None => false,
        };
        let row = &mut self.ledger.rows[row_pos as usize];
        let with_invoice = |e: Error| match invoice {
            Some(id) => e.for_invoice(id),
            None => e,
        };
        let mut line = Cell::empty(month);
        line.turnover = amount;
        match margin {
            Some(m) => line.margin = m,
            None => line.margin_missing = 1,
        }
        if !doc {
            // A line without an invoice id is a document of its own.
            if amount > 0 {
                line.deals = 1;
            } else if amount < 0 {
                line.credit_note_count = 1;
                line.credit_notes = amount;
            }
        }
        let mut unpaid = None;
        if let Some(due) = due_date {
            if amount > 0 {
                line.due_amount = amount;
                match paid_date {
                    Some(paid) if paid > due => {
                        let days = (paid - due).num_days();
                        line.paid_late_amount = amount;
                        line.days_late_amount = amount
                            .checked_mul(days)
                            .ok_or_else(|| with_invoice(Error::overflow("amount × days late")))?;
                    }
                    Some(_) => {}
                    None => unpaid = Some(Unpaid { due, month, amount }),
                }
            }
        }
        let slot = row.cell_mut(month);
        *slot = slot.checked_add(&line).ok_or_else(|| with_invoice(Error::overflow("a partner's monthly figures")))?;
        if let Some(item) = unpaid {
            row.add_unpaid(item).ok_or_else(|| with_invoice(Error::overflow("a partner's unpaid amount")))?;
        }
        Ok(())
    }

    /// Turns the documents into deals and credit notes and returns the
    /// batch's ledger.
    pub(crate) fn finish(self) -> Result<Ledger> {
        let Batch { mut ledger, docs } = self;
        ledger.invoices.reserve(docs.len());
        for (fp, doc) in docs {
            ledger.invoices.insert(fp);
            let Some(row) = ledger.rows.get_mut(doc.row as usize) else {
                continue;
            };
            let mut delta = Cell::empty(doc.month);
            if doc.total > 0 {
                delta.deals = 1;
            } else if doc.total < 0 {
                delta.credit_note_count = 1;
                delta.credit_notes = doc.total;
            } else {
                continue;
            }
            let id = row.id.clone();
            let slot = row.cell_mut(doc.month);
            *slot = slot
                .checked_add(&delta)
                .ok_or_else(|| Error::overflow("a partner's monthly figures").for_partner(&id))?;
        }
        Ok(ledger)
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn scale(&self) -> u32 {
        self.ledger.scale
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn currency(&self) -> Currency {
        self.ledger.currency
    }
}

/// Payment figures of one month: invoice lines with a due date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PaymentFigures {
    /// The amount of invoice lines that carry a due date.
    pub due: Decimal,
    /// The part of it that was paid after the due date.
    pub paid_late: Decimal,
    /// Σ amount × days late over the lines paid late (divide by `due` for
    /// the amount-weighted average days late of paid lines).
    pub days_late_amount: Decimal,
}

/// One partner's figures in one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MonthFigures {
    /// The month.
    pub month: Month,
    /// Net turnover: invoices plus credit notes.
    pub turnover: Decimal,
    /// The credit-note total (zero or negative), already part of `turnover`.
    pub credit_notes: Decimal,
    /// The margin of the lines that carried one.
    pub margin: Decimal,
    /// True if every line of the month carried a margin (or cost).
    pub margin_complete: bool,
    /// The number of deals (invoices).
    pub deals: u32,
    /// The number of credit notes.
    pub credit_note_count: u32,
    /// Payment figures (lines with a due date).
    pub payments: PaymentFigures,
}

impl MonthFigures {
    fn zero(month: Month, scale: u32) -> MonthFigures {
        let zero = Decimal::new(0, scale);
        MonthFigures {
            month,
            turnover: zero,
            credit_notes: zero,
            margin: zero,
            margin_complete: true,
            deals: 0,
            credit_note_count: 0,
            payments: PaymentFigures { due: zero, paid_late: zero, days_late_amount: zero },
        }
    }

    fn from_cell(cell: &Cell, month: Month, scale: u32) -> MonthFigures {
        let d = |v: i64| Decimal::new(v, scale);
        MonthFigures {
            month,
            turnover: d(cell.turnover),
            credit_notes: d(cell.credit_notes),
            margin: d(cell.margin),
            margin_complete: cell.margin_missing == 0,
            deals: cell.deals,
            credit_note_count: cell.credit_note_count,
            payments: PaymentFigures {
                due: d(cell.due_amount),
                paid_late: d(cell.paid_late_amount),
                days_late_amount: d(cell.days_late_amount),
            },
        }
    }

    /// The invoiced amount before credit notes (`turnover - credit_notes`).
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        // Both fit in i64 minor units, so their difference fits a Decimal.
        self.turnover - self.credit_notes
    }
}

/// An invoice amount that was due and, as far as the ledger knows, is not
/// paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct UnpaidAmount {
    /// The due date.
    pub due_date: NaiveDate,
    /// The month of the invoice.
    pub month: Month,
    /// The unpaid amount (lines with this due date in this month, summed).
    pub amount: Decimal,
}

/// One partner's turnover over a review window: the monthly series and the
/// article's KPIs (turnover, margin, number of deals, average deal).
///
/// Built by [`Ledger::turnover`] and [`Ledger::turnovers`]. Totals are exact
/// sums; the monthly average and the average deal are divisions, exact to
/// the 28 significant digits of [`Decimal`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Turnover {
    partner: PartnerId,
    currency: Currency,
    window: Window,
    months: Vec<MonthFigures>,
    unpaid: Vec<UnpaidAmount>,
    total: Decimal,
    credit_notes: Decimal,
    margin: Decimal,
    margin_complete: bool,
    deals: u64,
    credit_note_count: u64,
}

impl Turnover {
    fn new(
        partner: PartnerId,
        currency: Currency,
        window: Window,
        months: Vec<MonthFigures>,
        unpaid: Vec<UnpaidAmount>,
    ) -> Turnover {
        // At most 1200 months of i64 minor units: the sums fit a Decimal.
        let sum = |f: fn(&MonthFigures) -> Decimal| months.iter().map(f).fold(Decimal::ZERO, |a, b| a + b);
        let total = sum(|m| m.turnover);
        let credit_notes = sum(|m| m.credit_notes);
        let margin = sum(|m| m.margin);
        Turnover {
            margin_complete: months.iter().all(|m| m.margin_complete),
            deals: months.iter().map(|m| u64::from(m.deals)).sum(),
            credit_note_count: months.iter().map(|m| u64::from(m.credit_note_count)).sum(),
            partner,
            currency,
            window,
            months,
            unpaid,
            total,
            credit_notes,
            margin,
        }
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The window.
    #[must_use]
    pub fn window(&self) -> Window {
        self.window
    }

    /// One entry per month of the window, first to last (zeros where there
    /// was no data).
    #[must_use]
    pub fn months(&self) -> &[MonthFigures] {
        &self.months
    }

    /// Invoice lines with a due date and no paid date, from the window and
    /// before it, ordered by due date.
    #[must_use]
    pub fn unpaid(&self) -> &[UnpaidAmount] {
        &self.unpaid
    }

    /// Net turnover over the window: invoices plus credit notes.
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// Net turnover as [`Money`].
    #[must_use]
    pub fn total_money(&self) -> Money {
        Money::new(self.total, self.currency)
    }

    /// The invoiced amount before credit notes.
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        self.total - self.credit_notes
    }

    /// The credit-note total (zero or negative).
    #[must_use]
    pub fn credit_notes(&self) -> Decimal {
        self.credit_notes
    }

    /// The number of credit notes.
    #[must_use]
    pub fn credit_note_count(&self) -> u64 {
        self.credit_note_count
    }

    /// The margin of the lines that carried one.
    #[must_use]
    pub fn margin(&self) -> Decimal {
        self.margin
    }

    /// True if every line in the window carried a margin (or cost); if not,
    /// [`margin`](Turnover::margin) covers only part of the turnover.
    #[must_use]
    pub fn margin_complete(&self) -> bool {
        self.margin_complete
    }

    /// The number of deals (invoices) in the window.
    #[must_use]
    pub fn deals(&self) -> u64 {
        self.deals
    }

    /// The monthly average of the net turnover over the whole window.
    #[must_use]
    pub fn monthly_average(&self) -> Decimal {
        self.total.checked_div(Decimal::from(self.window.len())).unwrap_or(Decimal::ZERO)
    }

    /// The average deal ("average check"): the invoiced amount (before
    /// credit notes) divided by the number of deals.
    ///
    /// `None` when there were no deals: an average of nothing is not zero,
    /// and a report should show it as "—".
    #[must_use]
    pub fn average_deal(&self) -> Option<Decimal> {
        if self.deals == 0 {
            return None;
        }
        self.invoiced().checked_div(Decimal::from(self.deals))
    }

    /// The margin as a share of net turnover (0.15 = 15 %), if turnover is
    /// positive.
    #[must_use]
    pub fn margin_rate(&self) -> Option<Decimal> {
        if self.total <= Decimal::ZERO {
            return None;
        }
        self.margin.checked_div(self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(err.partner().map(PartnerId::as_str), Some("A"));
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
        assert_eq!(err.partner().map(PartnerId::as_str), Some("B"));
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
        let jan = t.months()[0].payments;
        assert_eq!(jan.due, Decimal::new(100_00, 2));
        assert_eq!(jan.paid_late, Decimal::new(100_00, 2));
        assert_eq!(jan.days_late_amount, Decimal::new(1000_00, 2));
        assert_eq!(t.unpaid().len(), 1);
        assert_eq!(t.unpaid()[0].due_date, d(2025, 3, 3));
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

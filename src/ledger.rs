//! The turnover ledger: invoice lines and credit notes aggregated per
//! partner and month.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};
use crate::invoices::InvoiceSet;
use crate::money::{Currency, Money};
use crate::partner::PartnerId;
use crate::period::{Month, Window};

mod batch;
pub(crate) use batch::Batch;
#[cfg(feature = "csv")]
pub(crate) use batch::{finish_all, first_error_of};
use std::borrow::Borrow;

pub(crate) type Hasher = foldhash::fast::RandomState;

/// A partner id as the key of a ledger's index: ids of up to 22 bytes (all
/// the usual ones) are held inline, so that a lookup among a million
/// partners compares the bytes in the table itself instead of following a
/// pointer to each candidate's heap allocation (that cache miss cost more
/// than the rest of recording a line). Hashes and compares as its bytes, so
/// the index is looked up with `&[u8]`.
#[derive(Clone, Debug)]
enum IdKey {
    Short { len: u8, bytes: [u8; 22] },
    Long(PartnerId),
}

impl IdKey {
    fn new(id: &PartnerId) -> IdKey {
        let src = id.as_str().as_bytes();
        let mut bytes = [0u8; 22];
        match (bytes.get_mut(..src.len()), u8::try_from(src.len())) {
            (Some(dst), Ok(len)) => {
                dst.copy_from_slice(src);
                IdKey::Short { len, bytes }
            }
            _ => IdKey::Long(id.clone()),
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            IdKey::Short { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            IdKey::Long(id) => id.as_str().as_bytes(),
        }
    }
}

impl PartialEq for IdKey {
    fn eq(&self, other: &IdKey) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for IdKey {}

impl std::hash::Hash for IdKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

impl std::borrow::Borrow<[u8]> for IdKey {
    fn borrow(&self) -> &[u8] {
        self.as_bytes()
    }
}

/// A ledger's index from partner id to row: one hash map per shard, the
/// shard chosen by the top bits of the id's XXH3 hash (the same hash whose
/// top bits choose a batch's partition, so that a finished batch builds its
/// shards in parallel, one thread per range of partitions).
#[derive(Clone, Debug)]
struct Index {
    shards: Vec<HashMap<IdKey, u32, Hasher>>,
}

impl Index {
    /// Shards: 2^6.
    const BITS: u32 = 6;

    fn new() -> Index {
        Index { shards: (0..1usize << Index::BITS).map(|_| HashMap::default()).collect() }
    }

    fn shard_of(id: &[u8]) -> usize {
        (xxhash_rust::xxh3::xxh3_64(id) >> (64 - Index::BITS)) as usize
    }

    fn get(&self, id: &[u8]) -> Option<u32> {
        self.shards.get(Index::shard_of(id))?.get(id).copied()
    }

    fn insert(&mut self, id: &PartnerId, row: u32) {
        if let Some(shard) = self.shards.get_mut(Index::shard_of(id.as_str().as_bytes())) {
            shard.insert(IdKey::new(id), row);
        }
    }
}

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
}

/// Invoice lines with a due date (positive amounts), summed per month, due
/// date and paid date. Kept apart from [`Cell`] because many ledgers have
/// none, and per paid date because a review as of an earlier date must see
/// later payments as not yet made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PayRecord {
    pub(crate) month: i32,
    pub(crate) due: NaiveDate,
    /// `None` while unpaid.
    pub(crate) paid: Option<NaiveDate>,
    pub(crate) amount: i64,
}

impl PayRecord {
    fn key(&self) -> (i32, NaiveDate, Option<NaiveDate>) {
        (self.month, self.due, self.paid)
    }
}

/// Adds `amount` to the record with `key` (inserting it), keeping the vector
/// sorted; removes a record that reaches zero.
fn add_payment(v: &mut Vec<PayRecord>, key: (i32, NaiveDate, Option<NaiveDate>), amount: i64) -> Option<()> {
    match v.binary_search_by_key(&key, PayRecord::key) {
        Ok(pos) => {
            let r = v.get_mut(pos)?;
            r.amount = r.amount.checked_add(amount)?;
            if r.amount == 0 {
                v.remove(pos);
            }
        }
        Err(pos) => v.insert(pos, PayRecord { month: key.0, due: key.1, paid: key.2, amount }),
    }
    Some(())
}

/// Adds an unpaid part to an open invoice, keeping the parts sorted by
/// (month, due date).
fn add_open_part(parts: &mut Vec<(i32, NaiveDate, i64)>, month: i32, due: NaiveDate, amount: i64) -> Option<()> {
    match parts.binary_search_by_key(&(month, due), |p| (p.0, p.1)) {
        Ok(pos) => {
            let part = parts.get_mut(pos)?;
            part.2 = part.2.checked_add(amount)?;
        }
        Err(pos) => parts.insert(pos, (month, due, amount)),
    }
    Some(())
}

/// The unpaid lines of an invoice with an id, so that its payment can be
/// recorded later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OpenInvoice {
    pub(crate) partner: PartnerId,
    /// (month, due date, amount) of each unpaid part.
    pub(crate) parts: Vec<(i32, NaiveDate, i64)>,
}

/// Something kept per month in a vector sorted by month.
trait MonthSlot: Copy {
    fn month(&self) -> i32;
    fn at(month: i32) -> Self;
    fn checked_add(&self, other: &Self) -> Option<Self>;
}

impl MonthSlot for Cell {
    fn month(&self) -> i32 {
        self.month
    }
    fn at(month: i32) -> Self {
        Cell { month, ..Cell::default() }
    }
    fn checked_add(&self, o: &Self) -> Option<Self> {
        Some(Cell {
            month: self.month,
            deals: self.deals.checked_add(o.deals)?,
            credit_note_count: self.credit_note_count.checked_add(o.credit_note_count)?,
            margin_missing: self.margin_missing.checked_add(o.margin_missing)?,
            turnover: self.turnover.checked_add(o.turnover)?,
            credit_notes: self.credit_notes.checked_add(o.credit_notes)?,
            margin: self.margin.checked_add(o.margin)?,
        })
    }
}

/// The slot of `month` in a month-sorted vector, inserted if missing.
/// Sales usually arrive in date order, so the last slot is tried first.
fn slot_mut<T: MonthSlot>(v: &mut Vec<T>, month: i32) -> &mut T {
    let pos = match v.last() {
        Some(last) if last.month() == month => v.len() - 1,
        Some(last) if last.month() < month => {
            v.push(T::at(month));
            v.len() - 1
        }
        None => {
            v.push(T::at(month));
            0
        }
        _ => match v.binary_search_by_key(&month, MonthSlot::month) {
            Ok(pos) => pos,
            Err(pos) => {
                v.insert(pos, T::at(month));
                pos
            }
        },
    };
    &mut v[pos]
}

fn slot<T: MonthSlot>(v: &[T], month: i32) -> Option<&T> {
    v.binary_search_by_key(&month, MonthSlot::month).ok().and_then(|pos| v.get(pos))
}

/// What only some partners have: payment records and the months with
/// pre-aggregated figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Extra {
    /// Sorted by (month, due, paid), one entry per key.
    pub(crate) payments: Vec<PayRecord>,
    /// Months with pre-aggregated figures, sorted.
    pub(crate) aggregated: Vec<i32>,
}

/// One partner's figures.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) id: PartnerId,
    /// Sorted by month, one cell per month with data.
    pub(crate) cells: Vec<Cell>,
    pub(crate) extra: Option<Box<Extra>>,
}

const NO_EXTRA: &Extra = &Extra { payments: Vec::new(), aggregated: Vec::new() };

impl Row {
    fn new(id: PartnerId) -> Row {
        Row { id, cells: Vec::with_capacity(4), extra: None }
    }

    pub(crate) fn extra(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(NO_EXTRA)
    }

    fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Checks that `other` can be added to this row; changes nothing.
    fn check_merge(&self, other: &Row) -> Result<()> {
        let overflow = || Error::overflow("a partner's monthly figures").for_partner(&self.id);
        for cell in &other.cells {
            if let Some(mine) = slot(&self.cells, cell.month) {
                mine.checked_add(cell).ok_or_else(overflow)?;
            }
        }
        let (mine, theirs) = (self.extra(), other.extra());
        for p in &theirs.payments {
            if let Ok(pos) = mine.payments.binary_search_by_key(&p.key(), PayRecord::key) {
                mine.payments.get(pos).and_then(|m| m.amount.checked_add(p.amount)).ok_or_else(overflow)?;
            }
        }
        for month in &theirs.aggregated {
            if mine.aggregated.binary_search(month).is_ok() {
                let month = Month::from_index(*month).map(|m| m.to_string()).unwrap_or_default();
                return Err(Error::from(ErrorKind::DuplicateMonthlyFigures { month }).for_partner(&self.id));
            }
        }
        Ok(())
    }

    /// Adds `other` to this row. Sums that overflow are left unchanged:
    /// callers check with [`Row::check_merge`] first.
    fn apply_merge(&mut self, other: Row) {
        for cell in &other.cells {
            let slot = slot_mut(&mut self.cells, cell.month);
            if let Some(sum) = slot.checked_add(cell) {
                *slot = sum;
            }
        }
        let Some(theirs) = other.extra else { return };
        let mine = self.extra_mut();
        for p in &theirs.payments {
            let _ = add_payment(&mut mine.payments, p.key(), p.amount);
        }
        for month in theirs.aggregated {
            if let Err(pos) = mine.aggregated.binary_search(&month) {
                mine.aggregated.insert(pos, month);
            }
        }
    }
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.id == other.id && self.cells == other.cells && self.extra() == other.extra()
    }
}

impl Eq for Row {}

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
    /// From 262 144 lines, the lines are checked and buffered by one thread
    /// per core (scoped threads, at most 8), chunk by chunk, and aggregated
    /// partition by partition; the result and the error are the same as in
    /// one thread.
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
    /// buffered by one thread per core while this one reads the input.
    /// Chunks are contiguous, so the batches in order hold the lines in
    /// order. After a bad line no further chunk is read.
    fn fill_batches<T, I>(&self, first: Vec<T>, mut rest: I) -> Result<Vec<Batch>>
    where
        T: Borrow<Sale> + Send,
        I: Iterator<Item = T>,
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::mpsc;
        let threads = crate::par::cores();
        let (work, jobs) = mpsc::sync_channel::<(usize, Vec<T>)>(threads);
        // Only the workers hold the receiving end: should they all stop (a
        // panic in a caller's `Borrow`), sending fails instead of blocking.
        let jobs = std::sync::Arc::new(std::sync::Mutex::new(jobs));
        let (done, results) = mpsc::channel::<(usize, Batch, Option<Error>)>();
        let failed = AtomicBool::new(false);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let (done, jobs, failed) = (done.clone(), std::sync::Arc::clone(&jobs), &failed);
                scope.spawn(move || {
                    loop {
                        let job = match jobs.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => break,
                        };
                        let Ok((k, items)) = job else { break };
                        let skipped = (k as u64).saturating_mul(batch::CHUNK as u64);
                        let (batch, err) = self.fill_batch(items, skipped, true);
                        if err.is_some() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        if done.send((k, batch, err)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((done, jobs));
            let mut chunk = first;
            let mut k = 0;
            while !chunk.is_empty() && !failed.load(Ordering::Relaxed) && work.send((k, chunk)).is_ok() {
                k += 1;
                chunk = rest.by_ref().take(batch::CHUNK).collect();
            }
            drop(work);
        });
        let mut filled: Vec<(usize, Batch, Option<Error>)> = results.into_iter().collect();
        filled.sort_unstable_by_key(|f| f.0);
        let mut batches = Vec::with_capacity(filled.len());
        for (k, (at, batch, err)) in filled.into_iter().enumerate() {
            if at != k {
                return Err(Error::overflow("a thread buffering lines"));
            }
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

/// A partner's figures over a window, in minor units: the buffer the
/// analyses read, reused from partner to partner.
#[derive(Clone, Debug, Default)]
pub(crate) struct WindowBuf {
    /// One cell per month of the window (`month` is not set).
    pub(crate) months: Vec<Cell>,
    /// Payment records of the window, and earlier ones unpaid at its end.
    pub(crate) payments: Vec<PayRecord>,
}

impl WindowBuf {
    /// The buffer of a [`Turnover`] (whose amounts are at its scale).
    pub(crate) fn of_turnover(t: &Turnover) -> WindowBuf {
        let minor = |d: Decimal| to_minor(d, t.scale).unwrap_or(0);
        WindowBuf {
            months: t
                .months()
                .iter()
                .map(|m| Cell {
                    month: m.month.index(),
                    turnover: minor(m.turnover),
                    credit_notes: minor(m.credit_notes),
                    margin: minor(m.margin),
                    deals: m.deals,
                    credit_note_count: m.credit_note_count,
                    margin_missing: u32::from(!m.margin_complete),
                })
                .collect(),
            payments: t
                .payments()
                .iter()
                .map(|p| PayRecord {
                    month: p.month.index(),
                    due: p.due_date,
                    paid: p.paid_date,
                    amount: minor(p.amount),
                })
                .collect(),
        }
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

/// One parsed line: amounts in minor units, dates checked.
pub(crate) struct Line<'a> {
    pub(crate) date: NaiveDate,
    pub(crate) amount: i64,
    pub(crate) margin: Option<i64>,
    pub(crate) invoice: Option<&'a str>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) paid_date: Option<NaiveDate>,
}

/// One partner's figures in one month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
}

impl MonthFigures {
    fn of(cell: &Cell, month: Month, scale: u32) -> MonthFigures {
        let d = |v: i64| Decimal::new(v, scale);
        MonthFigures {
            month,
            turnover: d(cell.turnover),
            credit_notes: d(cell.credit_notes),
            margin: d(cell.margin),
            margin_complete: cell.margin_missing == 0,
            deals: cell.deals,
            credit_note_count: cell.credit_note_count,
        }
    }

    /// The invoiced amount before credit notes (`turnover - credit_notes`;
    /// saturating at Decimal's range for hand-built figures).
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        self.turnover.checked_sub(self.credit_notes).unwrap_or(Decimal::MAX)
    }
}

/// Invoice lines with a due date: their amount, due date and paid date
/// (`None` while unpaid), summed per month, due date and paid date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Payment {
    /// The month of the invoice lines.
    pub month: Month,
    /// When payment was due.
    pub due_date: NaiveDate,
    /// When it was paid, if it was.
    pub paid_date: Option<NaiveDate>,
    /// The amount.
    pub amount: Decimal,
}

/// One partner's turnover over a review window: the monthly series and the
/// article's KPIs (turnover, margin, number of deals, average deal).
///
/// Built by [`Ledger::turnover`] and [`Ledger::turnovers`]. Totals are exact
/// sums; the monthly average and the average deal are divisions, exact to
/// the 28 significant digits of [`Decimal`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Turnover {
    partner: PartnerId,
    currency: Currency,
    scale: u32,
    window: Window,
    months: Vec<MonthFigures>,
    payments: Vec<Payment>,
    total: Decimal,
    credit_notes: Decimal,
    margin: Decimal,
    margin_complete: bool,
    deals: u64,
    credit_note_count: u64,
}

impl Turnover {
    pub(crate) fn new(partner: PartnerId, currency: Currency, scale: u32, window: Window, buf: &WindowBuf) -> Turnover {
        let months: Vec<MonthFigures> =
            window.months().zip(&buf.months).map(|(month, data)| MonthFigures::of(data, month, scale)).collect();
        let payments = buf
            .payments
            .iter()
            .filter_map(|p| {
                Some(Payment {
                    month: Month::from_index(p.month)?,
                    due_date: p.due,
                    paid_date: p.paid,
                    amount: Decimal::new(p.amount, scale),
                })
            })
            .collect();
        // At most 1200 months of i64 minor units: the sums fit an i128 and a Decimal.
        let sum = |f: fn(&Cell) -> i64| buf.months.iter().map(|m| i128::from(f(m))).sum::<i128>();
        let dec = |v: i128| crate::exact::to_decimal(v, scale);
        Turnover {
            margin_complete: buf.months.iter().all(|m| m.margin_missing == 0),
            deals: buf.months.iter().map(|m| u64::from(m.deals)).sum(),
            credit_note_count: buf.months.iter().map(|m| u64::from(m.credit_note_count)).sum(),
            total: dec(sum(|m| m.turnover)),
            credit_notes: dec(sum(|m| m.credit_notes)),
            margin: dec(sum(|m| m.margin)),
            partner,
            currency,
            scale,
            window,
            months,
            payments,
        }
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// The number of decimal places of the amounts (the ledger's scale).
    #[must_use]
    pub fn scale(&self) -> u32 {
        self.scale
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

    /// Invoice lines with a due date: those of the window, and earlier ones
    /// not paid by the window's end; ordered by month, due date and paid
    /// date. Payment discipline is evaluated from them as of a review date.
    #[must_use]
    pub fn payments(&self) -> &[Payment] {
        &self.payments
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
        self.total.checked_sub(self.credit_notes).unwrap_or(Decimal::MAX)
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

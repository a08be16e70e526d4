//! Monthly figures in bulk: a table of millions of rows (one per partner,
//! month, due date and paid date) gathered straight into the ledger's rows,
//! for the columnar imports.
//!
//! [`Ledger::add_monthly_all`] takes one [`MonthlyFigures`](super::MonthlyFigures)
//! at a time, each with its own id, its own vector of receivables and its
//! own index lookup, after the imports have gathered the rows into figures
//! through a hash map of every partner and month; for 24 million rows that
//! was nearly all of the time of a read. Here a row costs a comparison with
//! the previous row's partner (rows come by partner; partners in increasing
//! order need no hashing at all), a look at the partner's last month, and a
//! push: the cells and payment records are gathered in the shape the ledger
//! keeps them, partner by partner, and become the ledger's rows as they are.
//! Parts of a table gathered on several threads meet in the ledger's index.
//!
//! The checks are those of [`Ledger::add_monthly_all`] and of the imports'
//! monthly table, with the same outcome: a table is refused here exactly
//! when it is refused there (the unit tests of the Arrow import pin this),
//! and otherwise gives the same ledger. The errors here say what is wrong
//! but not where (no row): an import that needs the row reads the data
//! again row by row, which names it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::store::{Extra, IdKey, Index};
use super::{Cell, DateRange, Ledger, PayRecord, Row};
use crate::error::{Error, ErrorKind, Result};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::Month;

/// One row of a monthly-figures table, in the ledger's minor units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BulkRow {
    pub(crate) month: Month,
    pub(crate) turnover: i64,
    pub(crate) credit_notes: i64,
    pub(crate) credit_note_count: u32,
    pub(crate) deals: u32,
    /// Zero when no margin was given.
    pub(crate) margin: i64,
    pub(crate) margin_complete: bool,
    /// Due date, paid date and amount; `None` for the month's row without
    /// receivables.
    pub(crate) receivable: Option<(NaiveDate, Option<NaiveDate>, i64)>,
}

/// One partner's figures while gathered.
struct Gathering {
    id: PartnerId,
    /// The id as the ledger's index keeps it, and its shard there: made on
    /// the thread that gathers, so that the index is built from them
    /// without touching the ids again (see [`index_of`]).
    key: IdKey,
    shard: usize,
    /// Sorted by month, one cell per month of figures (empty ones too:
    /// they are pruned at the end, as `add_monthly_all` prunes them).
    cells: Vec<Cell>,
    /// The months of `cells`: the months with figures, as the ledger keeps
    /// them. Kept as the cells are, so that finishing the row reads none of
    /// its data again (by then it has left the cache).
    aggregated: Vec<i32>,
    /// Some cell is empty.
    empty_cells: bool,
    /// The months whose row without receivables was taken, sorted.
    bare: Vec<i32>,
    /// In the order of the rows: usually sorted, and then each record
    /// once (checked as they come), else sorted and checked at the end.
    payments: Vec<PayRecord>,
    payments_sorted: bool,
}

/// Monthly figures gathered row by row (see the module docs). Parts of a
/// table gathered apart (on several threads) come together in
/// [`Ledger::add_monthly_bulk`].
pub(crate) struct MonthlyBulk {
    currency: Currency,
    scale: u32,
    dates: DateRange,
    /// The first and last month (indices) with days in `dates`.
    months: (i32, i32),
    /// The partners by id; `None` while they came in increasing order.
    index: Option<HashMap<PartnerId, u32, foldhash::fast::RandomState>>,
    partners: Vec<Gathering>,
    /// The previous row's partner: rows usually come by partner, and then
    /// need no hashing.
    last: Option<u32>,
    /// Months per partner seen last, to size the next partner's vectors at
    /// once instead of growing them 4, 8, 16, 32.
    last_len: (usize, usize),
}

impl MonthlyBulk {
    /// Figures in `currency` at `scale` decimal places, for a ledger
    /// accepting `dates`.
    pub(crate) fn new(currency: Currency, scale: u32, dates: DateRange) -> MonthlyBulk {
        MonthlyBulk {
            currency,
            scale,
            dates,
            months: (Month::of(dates.first()).index(), Month::of(dates.last()).index()),
            index: None,
            partners: Vec::new(),
            last: None,
            last_len: (4, 0),
        }
    }

    /// The figures' currency.
    pub(crate) fn currency(&self) -> Currency {
        self.currency
    }

    /// True if no row was taken.
    pub(crate) fn is_empty(&self) -> bool {
        self.partners.is_empty()
    }

    /// Takes one row of `partner`.
    ///
    /// # Errors
    ///
    /// As the monthly table of the imports, without the row: a malformed
    /// partner id, a positive credit-note total, an amount due that is not
    /// positive, a row that gives other figures than an earlier row of its
    /// month, a month's row without receivables given twice; and as
    /// `add_one_monthly`: a month outside the dates, a due or paid date
    /// outside them or before its month.
    pub(crate) fn add(&mut self, partner: &str, r: &BulkRow) -> Result<()> {
        if r.credit_notes > 0 {
            return Err(Error::value("credit_notes", "", "a credit-note total is zero or negative"));
        }
        self.check_dates(r)?;
        let last = self.last.and_then(|k| self.partners.get(k as usize).map(|p| (k, p)));
        let k = match last {
            Some((k, p)) if p.id.as_str() == partner => k,
            _ => self.intern(partner)?,
        };
        self.last = Some(k);
        let Some(p) = self.partners.get_mut(k as usize) else {
            return Err(Error::overflow("the number of partners"));
        };
        let cell = Cell {
            month: r.month.index(),
            deals: r.deals,
            credit_note_count: r.credit_note_count,
            margin_missing: u32::from(!r.margin_complete),
            turnover: r.turnover,
            credit_notes: r.credit_notes,
            margin: r.margin,
        };
        p.take_cell(cell)?;
        match r.receivable {
            Some((due, paid, amount)) => {
                if amount <= 0 {
                    return Err(Error::value("receivable", &amount.to_string(), "an amount due is positive"));
                }
                p.take_payment(PayRecord { month: cell.month, due, paid, amount })?;
            }
            None => p.take_bare(cell.month)?,
        }
        Ok(())
    }

    /// The row's month and dates checked as `add_one_monthly` checks them,
    /// by shorter ways: `DateRange::overlaps` and `Month::first_day` build
    /// dates, which cost as much as the rest of a row. A month overlaps the
    /// dates iff it lies between the months of their first and last days;
    /// a date is before a month iff its month is.
    fn check_dates(&self, r: &BulkRow) -> Result<()> {
        let month = r.month.index();
        if !(self.months.0..=self.months.1).contains(&month) {
            let (first, last) = (self.dates.first(), self.dates.last());
            return Err(ErrorKind::DateOutOfRange {
                what: format!("month {} is outside the accepted dates {first} … {last}", r.month),
            }
            .into());
        }
        if let Some((due, paid, _)) = r.receivable {
            for (field, date) in [("due_date", Some(due)), ("paid_date", paid)] {
                if let Some(date) = date {
                    self.dates.check(date, field)?;
                    if Month::of(date).index() < month {
                        return Err(Error::value(field, &date.to_string(), "before the figures' month"));
                    }
                }
            }
        }
        Ok(())
    }

    /// The number of a partner not the previous row's: found, or checked
    /// and added.
    fn intern(&mut self, partner: &str) -> Result<u32> {
        let index = match &mut self.index {
            Some(index) => index,
            // Partners so far in increasing order (as a sorted table gives
            // them): one greater than the last is new, without hashing.
            None if self.partners.last().is_none_or(|p| partner > p.id.as_str()) => return self.push(partner),
            None => {
                let known = self.partners.iter().enumerate().map(|(k, p)| (p.id.clone(), k as u32));
                self.index.insert(known.collect())
            }
        };
        match index.get(partner) {
            Some(k) => Ok(*k),
            None => self.push(partner),
        }
    }

    /// Adds a partner not met before.
    fn push(&mut self, partner: &str) -> Result<u32> {
        let id = PartnerId::new(partner)?;
        let k = u32::try_from(self.partners.len()).map_err(|_| Error::overflow("the number of partners"))?;
        if let Some(previous) = self.partners.last() {
            self.last_len = (previous.cells.len().max(4), previous.payments.len());
        }
        if let Some(index) = &mut self.index {
            index.insert(id.clone(), k);
        }
        let key = IdKey::new(&id);
        let shard = Index::shard_of(key.as_bytes());
        self.partners.push(Gathering {
            id,
            key,
            shard,
            cells: Vec::with_capacity(self.last_len.0),
            aggregated: Vec::with_capacity(self.last_len.0),
            empty_cells: false,
            bare: Vec::new(),
            payments: Vec::with_capacity(self.last_len.1),
            payments_sorted: true,
        });
        Ok(k)
    }
}

impl Gathering {
    /// The figures, leaving an empty gathering of the same partner.
    fn take(&mut self) -> Gathering {
        Gathering {
            id: self.id.clone(),
            key: self.key.clone(),
            shard: self.shard,
            cells: std::mem::take(&mut self.cells),
            aggregated: std::mem::take(&mut self.aggregated),
            empty_cells: self.empty_cells,
            bare: std::mem::take(&mut self.bare),
            payments: std::mem::take(&mut self.payments),
            payments_sorted: self.payments_sorted,
        }
    }

    /// Takes the figures of the same partner from a later part of the
    /// table, as if its rows had come after these.
    fn absorb(&mut self, later: Gathering) -> Result<()> {
        for cell in later.cells {
            self.take_cell(cell)?;
        }
        for month in later.bare {
            self.take_bare(month)?;
        }
        for record in later.payments {
            self.take_payment(record)?;
        }
        Ok(())
    }

    /// Takes a row's cell: a new month's, or the same figures as the
    /// month's first row gave.
    fn take_cell(&mut self, cell: Cell) -> Result<()> {
        let month = cell.month;
        // The month's cell: the last one (rows of a month come together,
        // months in order), else found or inserted in month order.
        let pos = match self.cells.last() {
            Some(last) if last.month == month => Ok(self.cells.len() - 1),
            Some(last) if last.month < month => Err(self.cells.len()),
            None => Err(0),
            _ => self.cells.binary_search_by_key(&month, |c| c.month),
        };
        match pos {
            Ok(pos) if self.cells.get(pos) == Some(&cell) => Ok(()),
            Ok(_) => {
                let month = Month::from_index(month).map(|m| m.to_string()).unwrap_or_default();
                Err(Error::value("figures", &month, "the rows of one month give other figures"))
            }
            Err(pos) => {
                self.cells.insert(pos, cell);
                self.aggregated.insert(pos, month);
                self.empty_cells |= cell.is_empty();
                Ok(())
            }
        }
    }

    /// Takes a receivable; one given twice is an error (now if it is the
    /// previous one, else when the row is finished).
    fn take_payment(&mut self, record: PayRecord) -> Result<()> {
        if let Some(last) = self.payments.last() {
            match last.key().cmp(&record.key()) {
                std::cmp::Ordering::Equal => return Err(duplicate(record.month)),
                std::cmp::Ordering::Greater => self.payments_sorted = false,
                std::cmp::Ordering::Less => {}
            }
        }
        self.payments.push(record);
        Ok(())
    }

    /// Takes a month's row without receivables: once a month.
    fn take_bare(&mut self, month: i32) -> Result<()> {
        let pos = match self.bare.last() {
            Some(last) if *last < month => Err(self.bare.len()),
            None => Err(0),
            _ => self.bare.binary_search(&month),
        };
        match pos {
            Ok(_) => {
                let month = Month::from_index(month).map(|m| m.to_string()).unwrap_or_default();
                Err(ErrorKind::DuplicateMonthlyFigures { month }.into())
            }
            Err(pos) => {
                self.bare.insert(pos, month);
                Ok(())
            }
        }
    }
}

impl Ledger {
    /// Adds monthly figures gathered in bulk, all or nothing: the same
    /// ledger and the same checks as [`Ledger::add_monthly_all`] with the
    /// figures one by one (see the module `ledger::bulk`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] or [`ErrorKind::InvalidValue`] if the
    /// figures' currency or scale is not the ledger's;
    /// [`ErrorKind::DateOutOfRange`] for a month outside the ledger's dates,
    /// or a due or paid date outside them; [`ErrorKind::InvalidValue`] for a
    /// due or paid date before its month;
    /// [`ErrorKind::DuplicateMonthlyFigures`] for a receivable given twice
    /// (same month, due date and paid date) and for figures the ledger
    /// holds already; every error of [`Ledger::merge`]. No row is named.
    pub(crate) fn add_monthly_bulk(&mut self, parts: Vec<MonthlyBulk>) -> Result<()> {
        for part in &parts {
            if part.currency != self.currency {
                return Err(Error::currency_mismatch(self.currency, part.currency));
            }
            if part.scale != self.scale {
                return Err(Error::value("scale", &part.scale.to_string(), "not the ledger's decimal places"));
            }
            if part.dates != self.dates {
                return Err(Error::value("dates", &part.dates.first().to_string(), "not the ledger's dates"));
            }
        }
        // The parts' own indices go now (`Gathering` owns its id); the
        // ledger's index, built over the partners of every part in order,
        // finds a partner met in an earlier part. Partners keep the order
        // they came in.
        let mut kept: Vec<Gathering> = parts.into_iter().flat_map(|p| p.partners).collect();
        let index = index_of(&mut kept)?;
        let rows = crate::util::par::map_owned(kept, finish_row)?;
        let mut delta = Ledger::with_scale(self.currency, self.scale)?.with_dates(self.dates);
        delta.rows = rows.into_iter().collect::<Result<Vec<Row>>>()?;
        delta.index = index;
        self.merge(delta)
    }
}

/// The ledger's index of the partners gathered, in their order; a partner
/// met again (in a later part) is absorbed into its first `Gathering` and
/// removed.
fn index_of(kept: &mut Vec<Gathering>) -> Result<Index> {
    let (mut index, mut again) = Index::build(kept.iter().map(|g| (g.key.clone(), g.shard)).collect())?;
    if again.is_empty() {
        return Ok(index);
    }
    // Partners met again (rare: a partner whose rows span two parts).
    again.sort_unstable();
    let mut gone = vec![false; kept.len()];
    for &(k, first) in &again {
        let Some(later) = kept.get_mut(k as usize).map(Gathering::take) else { continue };
        if let Some(g) = kept.get_mut(first as usize) {
            g.absorb(later).map_err(|e| e.for_partner(&g.id))?;
        }
        if let Some(flag) = gone.get_mut(k as usize) {
            *flag = true;
        }
    }
    let mut position = Vec::with_capacity(kept.len());
    let mut kept_so_far = 0u32;
    for &flag in &gone {
        position.push(kept_so_far);
        kept_so_far += u32::from(!flag);
    }
    crate::util::par::for_each_mut(&mut index.shards, |_, shard| {
        for row in shard.values_mut() {
            *row = position.get(*row as usize).copied().unwrap_or(*row);
        }
    })?;
    let mut flags = gone.iter();
    kept.retain(|_| flags.next().is_some_and(|flag| !flag));
    Ok(index)
}

/// A receivable given twice in `month`.
fn duplicate(month: i32) -> Error {
    let month = Month::from_index(month).map(|m| m.to_string()).unwrap_or_default();
    ErrorKind::DuplicateMonthlyFigures { month }.into()
}

/// A partner's gathered figures as the ledger's row: its receivables
/// sorted, each once (the other checks of `add_one_monthly` were made row
/// by row), its empty months pruned. Usually nothing is left to do but
/// move the vectors: their data is not read again.
fn finish_row(p: Gathering) -> Result<Row> {
    let Gathering { id, mut cells, aggregated, empty_cells, payments: mut records, payments_sorted, .. } = p;
    if !payments_sorted {
        records.sort_unstable_by_key(PayRecord::key);
        if let Some(twice) = records.windows(2).find_map(|w| match w {
            [a, b] if a.key() == b.key() => Some(b.month),
            _ => None,
        }) {
            return Err(duplicate(twice).for_partner(&id));
        }
    }
    if empty_cells {
        cells.retain(|c| !c.is_empty());
    }
    Ok(Row { id, cells, extra: Some(Box::new(Extra { payments: records, aggregated })) })
}

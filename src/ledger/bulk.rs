//! Monthly figures in bulk: a table of millions of rows (one per partner,
//! month, due date and paid date) gathered straight into the ledger's rows,
//! for the columnar imports.
//!
//! [`Ledger::add_monthly_all`] takes one [`MonthlyFigures`](super::MonthlyFigures)
//! at a time, each with its own id, its own vector of receivables and its
//! own index lookup; for 24 million figures that is most of the time of a
//! read. Here a row costs a comparison with the previous row's partner
//! (rows come by partner), a look at the partner's last month, and a push:
//! the cells and payment records are gathered in the shape the ledger keeps
//! them, partner by partner, and become the ledger's rows as they are.
//!
//! The same checks as [`Ledger::add_monthly_all`] and the monthly table of
//! the imports, with the same results: what [`MonthlyBulk::add`] refuses or
//! [`Ledger::add_monthly_bulk`] rejects is refused there too. The errors
//! here say what is wrong but not where (no row): an import that needs the
//! row reads the data again the slow way, which names it.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::NaiveDate;

use super::store::{Extra, Hasher, IdKey, Index};
use super::{Cell, Ledger, PayRecord, Row};
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
    /// Sorted by month, one cell per month of figures (empty ones too:
    /// they are pruned at the end, as `add_monthly_all` prunes them).
    cells: Vec<Cell>,
    /// The months whose row without receivables was taken, sorted.
    bare: Vec<i32>,
    /// In the order of the rows; sorted at the end.
    payments: Vec<PayRecord>,
}

/// Monthly figures gathered row by row (see the module docs). Parts of a
/// table gathered apart (on several threads) come together with
/// [`absorb`](MonthlyBulk::absorb).
pub(crate) struct MonthlyBulk {
    currency: Currency,
    scale: u32,
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
    /// Figures in `currency` at `scale` decimal places.
    pub(crate) fn new(currency: Currency, scale: u32) -> MonthlyBulk {
        MonthlyBulk { currency, scale, index: None, partners: Vec::new(), last: None, last_len: (4, 0) }
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
    /// month, a month's row without receivables given twice.
    pub(crate) fn add(&mut self, partner: &str, r: &BulkRow) -> Result<()> {
        if r.credit_notes > 0 {
            return Err(Error::value("credit_notes", "", "a credit-note total is zero or negative"));
        }
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
                p.payments.push(PayRecord { month: cell.month, due, paid, amount });
            }
            None => p.take_bare(cell.month)?,
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
        self.partners.push(Gathering {
            id,
            cells: Vec::with_capacity(self.last_len.0),
            bare: Vec::new(),
            payments: Vec::with_capacity(self.last_len.1),
        });
        Ok(k)
    }
}

impl Gathering {
    /// The figures, leaving an empty gathering of the same partner.
    fn take(&mut self) -> Gathering {
        Gathering {
            id: self.id.clone(),
            cells: std::mem::take(&mut self.cells),
            bare: std::mem::take(&mut self.bare),
            payments: std::mem::take(&mut self.payments),
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
        // Sorted at the end.
        self.payments.extend(later.payments);
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
                Ok(())
            }
        }
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
        }
        // The parts' own indices go now (`Gathering` owns its id); the
        // ledger's index, built over the partners of every part in order,
        // finds a partner met in an earlier part. Partners keep the order
        // they came in.
        let mut kept: Vec<Gathering> = parts.into_iter().flat_map(|p| p.partners).collect();
        let index = index_of(&mut kept)?;
        let dates = self.dates;
        let rows = crate::util::par::map_owned(kept, |p| finish_row(p, dates))?;
        let mut delta = Ledger::with_scale(self.currency, self.scale)?.with_dates(dates);
        delta.rows = rows.into_iter().collect::<Result<Vec<Row>>>()?;
        delta.index = index;
        self.merge(delta)
    }
}

/// The ledger's index of the partners gathered, in their order; a partner
/// met again (in a later part) is absorbed into its first `Gathering` and
/// removed.
///
/// A million partners hashed into the index one after the other missed the
/// cache at every insertion (a tenth of the time of a read): the partners
/// are bucketed by shard first, then each shard (a table that fits in the
/// cache) is filled on its own, shards in parallel (feature `parallel`).
fn index_of(kept: &mut Vec<Gathering>) -> Result<Index> {
    let count = u32::try_from(kept.len()).map_err(|_| Error::overflow("the number of partners"))?;
    let shards = 1usize << Index::BITS;
    let shard_of = crate::util::par::map(kept, |g| Index::shard_of(g.id.as_str().as_bytes()))?;
    // Counting sort of the partners by shard, in order within each shard.
    let mut starts = vec![0usize; shards + 1];
    for &s in &shard_of {
        if let Some(n) = starts.get_mut(s + 1) {
            *n += 1;
        }
    }
    for s in 0..shards {
        let before = starts.get(s).copied().unwrap_or(0);
        if let Some(n) = starts.get_mut(s + 1) {
            *n += before;
        }
    }
    let mut next = starts.clone();
    let mut by_shard = vec![0u32; kept.len()];
    for (k, &s) in (0..count).zip(&shard_of) {
        if let Some(at) = next.get_mut(s) {
            if let Some(slot) = by_shard.get_mut(*at) {
                *slot = k;
            }
            *at += 1;
        }
    }
    // Each shard: its partners by their first position; later ones again.
    let partners: &[Gathering] = kept;
    let built = crate::util::par::map(&starts.windows(2).collect::<Vec<_>>(), |w| {
        let (from, to) = match w {
            [from, to] => (*from, *to),
            _ => (0, 0),
        };
        let mut shard = HashMap::with_capacity_and_hasher(to.saturating_sub(from), Hasher::default());
        let mut again = Vec::new();
        for &k in by_shard.get(from..to).unwrap_or_default() {
            let Some(g) = partners.get(k as usize) else { continue };
            match shard.entry(IdKey::new(&g.id)) {
                Entry::Occupied(first) => again.push((k, *first.get())),
                Entry::Vacant(slot) => {
                    slot.insert(k);
                }
            }
        }
        (shard, again)
    })?;
    let mut again: Vec<(u32, u32)> = built.iter().flat_map(|(_, a)| a.iter().copied()).collect();
    let mut index = Index { shards: built.into_iter().map(|(shard, _)| shard).collect() };
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

/// A partner's gathered figures as the ledger's row, checked as
/// `add_one_monthly` checks each figure: months and dates within `dates`,
/// due and paid dates not before their month, each receivable once.
fn finish_row(p: Gathering, dates: super::DateRange) -> Result<Row> {
    let Gathering { id, mut cells, payments: mut records, .. } = p;
    let at = |e: Error| e.for_partner(&id);
    // Months and days compared as month indices: `DateRange::overlaps` and
    // `Month::first_day` build dates, which cost more than the rest of a
    // row here. A month overlaps the dates iff it lies between the months
    // of their first and last days; a date is before a month iff its month
    // is.
    let (first, last) = (Month::of(dates.first()).index(), Month::of(dates.last()).index());
    let mut aggregated = Vec::with_capacity(cells.len());
    for cell in &cells {
        if !(first..=last).contains(&cell.month) {
            let month = Month::from_index(cell.month).map(|m| m.to_string()).unwrap_or_default();
            return Err(at(ErrorKind::DateOutOfRange {
                what: format!("month {month} is outside the accepted dates {} … {}", dates.first(), dates.last()),
            }
            .into()));
        }
        aggregated.push(cell.month);
    }
    // Usually in order already: one receivable per month, months in order.
    if !records.is_sorted_by_key(PayRecord::key) {
        records.sort_unstable_by_key(PayRecord::key);
    }
    for (k, r) in records.iter().enumerate() {
        if k > 0 && records.get(k - 1).map(PayRecord::key) == Some(r.key()) {
            let month = Month::from_index(r.month).map(|m| m.to_string()).unwrap_or_default();
            return Err(at(ErrorKind::DuplicateMonthlyFigures { month }.into()));
        }
        for (field, date) in [("due_date", Some(r.due)), ("paid_date", r.paid)] {
            if let Some(date) = date {
                dates.check(date, field).map_err(at)?;
                if Month::of(date).index() < r.month {
                    return Err(at(Error::value(field, &date.to_string(), "before the figures' month")));
                }
            }
        }
    }
    cells.retain(|c| !c.is_empty());
    Ok(Row { id, cells, extra: Some(Box::new(Extra { payments: records, aggregated })) })
}

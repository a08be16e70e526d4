//! How a ledger keeps its figures: one row per partner with its monthly
//! cells and payment records, and the index from partner id to row.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::error::{Error, ErrorKind, Result};
use crate::partner::PartnerId;
use crate::period::Month;

pub(crate) use crate::util::hash::Hasher;

/// A partner id as the key of a ledger's index. A [`PartnerId`] keeps ids
/// of up to 23 bytes (all the usual ones) inline, so that a lookup among a
/// million partners compares the bytes in the table itself instead of
/// following a pointer to each candidate's heap allocation (that cache miss
/// cost more than the rest of recording a line). Hashes and compares as its
/// bytes, so the index is looked up with `&[u8]`.
#[derive(Clone, Debug)]
pub(super) struct IdKey(PartnerId);

impl IdKey {
    pub(super) fn new(id: &PartnerId) -> IdKey {
        IdKey(id.clone())
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        self.0.as_str().as_bytes()
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
pub(super) struct Index {
    pub(super) shards: Vec<HashMap<IdKey, u32, Hasher>>,
}

impl Index {
    /// Shards: 2^6.
    pub(super) const BITS: u32 = 6;

    pub(super) fn new() -> Index {
        Index { shards: (0..1usize << Index::BITS).map(|_| HashMap::default()).collect() }
    }

    pub(super) fn shard_of(id: &[u8]) -> usize {
        (crate::util::hash::hash64(id) >> (64 - Index::BITS)) as usize
    }

    /// The index of a million partners at once: `keys` (each with its
    /// shard, see [`shard_of`](Index::shard_of)) are the rows in order. A
    /// key met again is not indexed again; the pairs (row, first row with
    /// that key) of those are returned, in no particular order.
    ///
    /// Hashed into the index one after the other, every insertion missed
    /// the cache (a tenth of the time of a bulk read): the keys are
    /// bucketed by shard first, then each shard (a table that fits in the
    /// cache) is filled on its own, shards on the crate's threads.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] for more than `u32::MAX` rows;
    /// [`ErrorKind::ThreadPool`] if the threads cannot start (65,536 keys
    /// or more).
    #[cfg(any(feature = "serde", feature = "arrow"))]
    pub(super) fn build(keys: Vec<(IdKey, usize)>) -> Result<(Index, Vec<(u32, u32)>)> {
        let count = u32::try_from(keys.len()).map_err(|_| Error::overflow("the number of partners"))?;
        let mut sizes = vec![0usize; 1 << Index::BITS];
        for (_, shard) in &keys {
            if let Some(n) = sizes.get_mut(*shard) {
                *n += 1;
            }
        }
        let mut by_shard: Vec<Vec<(IdKey, u32)>> = sizes.iter().map(|&n| Vec::with_capacity(n)).collect();
        for (row, (key, shard)) in (0..count).zip(keys) {
            if let Some(keys) = by_shard.get_mut(shard) {
                keys.push((key, row));
            }
        }
        let fill = |keys: Vec<(IdKey, u32)>| {
            let mut shard = HashMap::with_capacity_and_hasher(keys.len(), Hasher::default());
            let mut again = Vec::new();
            for (key, row) in keys {
                match shard.entry(key) {
                    std::collections::hash_map::Entry::Occupied(first) => again.push((row, *first.get())),
                    std::collections::hash_map::Entry::Vacant(slot) => {
                        slot.insert(row);
                    }
                }
            }
            (shard, again)
        };
        // A small index is filled on the caller's thread: no pool to start
        // (restoring a small snapshot needs none).
        let built = if count < 1 << 16 {
            by_shard.into_iter().map(fill).collect()
        } else {
            crate::util::par::map_owned(by_shard, fill)?
        };
        let again = built.iter().flat_map(|(_, a)| a.iter().copied()).collect();
        Ok((Index { shards: built.into_iter().map(|(shard, _)| shard).collect() }, again))
    }

    pub(super) fn get(&self, id: &[u8]) -> Option<u32> {
        self.shards.get(Index::shard_of(id))?.get(id).copied()
    }

    pub(super) fn insert(&mut self, id: &PartnerId, row: u32) {
        if let Some(shard) = self.shards.get_mut(Index::shard_of(id.as_str().as_bytes())) {
            shard.insert(IdKey::new(id), row);
        }
    }

    pub(super) fn remove(&mut self, id: &PartnerId) {
        let bytes = id.as_str().as_bytes();
        if let Some(shard) = self.shards.get_mut(Index::shard_of(bytes)) {
            shard.remove(bytes);
        }
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

impl Cell {
    /// True when the cell holds nothing (every figure zero, no line without
    /// a margin): a month without data, which the ledger does not keep.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Cell { month: self.month, ..Cell::default() }
    }
}

/// Invoice lines with a due date (positive amounts), summed per month, due
/// date and paid date. Kept apart from [`Cell`] because many ledgers have
/// none, and per paid date because a review as of an earlier date must see
/// later payments as not yet made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct PayRecord {
    pub(crate) month: i32,
    pub(crate) due: NaiveDate,
    /// `None` while unpaid.
    pub(crate) paid: Option<NaiveDate>,
    pub(crate) amount: i64,
}

impl PayRecord {
    pub(super) fn key(&self) -> (i32, NaiveDate, Option<NaiveDate>) {
        (self.month, self.due, self.paid)
    }
}

/// Adds `amount` to the record with `key` (inserting it), keeping the vector
/// sorted; removes a record that reaches zero.
pub(super) fn add_payment(v: &mut Vec<PayRecord>, key: (i32, NaiveDate, Option<NaiveDate>), amount: i64) -> Option<()> {
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

/// Something kept per month in a vector sorted by month.
pub(super) trait MonthSlot: Copy {
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
pub(super) fn slot_mut<T: MonthSlot>(v: &mut Vec<T>, month: i32) -> &mut T {
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

pub(super) fn slot<T: MonthSlot>(v: &[T], month: i32) -> Option<&T> {
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

pub(super) const NO_EXTRA: &Extra = &Extra { payments: Vec::new(), aggregated: Vec::new() };

impl Row {
    pub(super) fn new(id: PartnerId) -> Row {
        Row { id, cells: Vec::with_capacity(4), extra: None }
    }

    /// The month of the partner's first activity in the ledger, at any
    /// time: a sale, a deal or a credit note (a month with figures but none
    /// of these, such as an empty line, is not one).
    pub(crate) fn first_active(&self) -> Option<Month> {
        self.cells
            .iter()
            .find(|c| c.turnover != 0 || c.deals > 0 || c.credit_note_count > 0)
            .and_then(|c| Month::from_index(c.month))
    }

    /// Where the row's cells of month index `month` and later start.
    ///
    /// The cells are sorted by month, one a month, so the cell `i` places
    /// after the first is at least `i` months later and the one `i` places
    /// before the last at least `i` months earlier. The place lies between
    /// the bounds the first and the last cells set, which for a partner
    /// with figures every month leave one place. Those two cells are read
    /// at once, where a binary search over a row of 24 months made five
    /// reads, each waiting for the one before: a sixth of a review's pass
    /// over a ledger of 24 months.
    pub(crate) fn cells_from(&self, month: i32) -> usize {
        let cells = self.cells.as_slice();
        let (Some(head), Some(tail)) = (cells.first(), cells.last()) else { return 0 };
        let n = cells.len();
        // Every cell from place `month - head.month` on is at `month` or later.
        let hi = usize::try_from(i64::from(month) - i64::from(head.month)).map_or(0, |d| d.min(n));
        // Every cell before place `n - 1 - (tail.month - month)` is earlier.
        let lo = usize::try_from(n as i64 - 1 - (i64::from(tail.month) - i64::from(month))).map_or(0, |d| d.min(hi));
        lo + cells.get(lo..hi).map_or(0, |between| between.partition_point(|c| c.month < month))
    }

    /// Drops the months that hold nothing (see [`Cell::is_empty`]).
    pub(super) fn prune(&mut self) {
        self.cells.retain(|c| !c.is_empty());
        if self.extra.as_deref().is_some_and(|e| e.payments.is_empty() && e.aggregated.is_empty()) {
            self.extra = None;
        }
    }

    /// True when the row holds nothing at all: the partner has no data.
    pub(super) fn is_empty(&self) -> bool {
        self.cells.is_empty() && self.extra.is_none()
    }

    pub(crate) fn extra(&self) -> &Extra {
        self.extra.as_deref().unwrap_or(NO_EXTRA)
    }

    pub(super) fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }

    /// Checks that `other` can be added to this row; changes nothing.
    pub(super) fn check_merge(&self, other: &Row) -> Result<()> {
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
    pub(super) fn apply_merge(&mut self, other: Row) {
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
pub(super) fn fingerprint(invoice: &str) -> u128 {
    crate::util::hash::fingerprint(invoice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of(months: &[i32]) -> Row {
        let mut row = Row::new(PartnerId::new("P").unwrap());
        row.cells = months.iter().map(|&month| Cell { month, turnover: 1, ..Cell::default() }).collect();
        row
    }

    #[test]
    fn cells_from_finds_the_first_cell_of_a_month_in_full_gapped_and_empty_rows() {
        let full = row_of(&(100..124).collect::<Vec<_>>());
        for (month, at) in [(90, 0), (100, 0), (101, 1), (112, 12), (123, 23), (124, 24), (500, 24)] {
            assert_eq!(full.cells_from(month), at, "month {month}");
        }
        let gapped = row_of(&[100, 103, 104, 110, 123]);
        for (month, at) in [(99, 0), (100, 0), (101, 1), (103, 1), (105, 3), (110, 3), (111, 4), (124, 5)] {
            assert_eq!(gapped.cells_from(month), at, "month {month}");
        }
        assert_eq!(row_of(&[]).cells_from(7), 0);
        assert_eq!(row_of(&[i32::MIN, i32::MAX]).cells_from(0), 1);
        assert_eq!(row_of(&[i32::MIN, i32::MAX]).cells_from(i32::MAX), 1);
        assert_eq!(row_of(&[i32::MIN, i32::MAX]).cells_from(i32::MIN), 0);
    }

    proptest::proptest! {
        #[test]
        fn cells_from_is_where_a_binary_search_puts_the_month(
            months in proptest::collection::btree_set(-40i32..80, 0..40),
            month in -50i32..90,
        ) {
            let months: Vec<i32> = months.into_iter().collect();
            let row = row_of(&months);
            proptest::prop_assert_eq!(row.cells_from(month), months.partition_point(|&m| m < month));
        }
    }
}

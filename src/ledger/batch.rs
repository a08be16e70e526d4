//! Many lines recorded at once: buffered by partition, then aggregated one
//! partition at a time.
//!
//! Recording ten million lines for a million partners one line at a time
//! costs a handful of cache misses per line (the partner's slot in the index,
//! its row, its monthly cells), far more than parsing the line. A batch
//! instead appends each checked line to the buffer of its partition (chosen
//! by a hash of the partner id), a few thousand lines at a time (see
//! [`Staging`]), so that each partition's buffer is written a stretch at a
//! time. When the batch
//! finishes, each partition is aggregated on its own: its two thousand or so
//! partners (at a million) fit in the processor's cache, and partitions are independent, so
//! they are shared among threads.
//!
//! Documents (lines with an invoice id) are found the same way: each line's
//! invoice fingerprint goes to a partition by its top bits; sorted partition
//! by partition, the fingerprints become the ledger's invoice set, and a
//! fingerprint seen more than once is a document of several lines. Every
//! other line is counted as a document of its own while the partitions are
//! aggregated (the usual case: one line, one invoice); the lines of
//! documents with several lines are kept aside and each such document is
//! counted once, after.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use super::input::DateRange;
use super::record::{Account, check_line_dates};
use super::{
    Cell, Hasher, IdKey, IdText, Index, InvoiceSet, Ledger, Line, MarginInput, PartnerKey, PayRecord, Row, Sale,
    add_payment, count_document, slot_mut, to_minor,
};
use crate::error::{Error, ErrorKind, Result};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::period::Month;
use crate::util::hash::fingerprint_of;

/// Partitions of a large batch (2^9): about two thousand partners each at
/// a million partners. Every line is written to the end of its partition's
/// buffers, one set of tails per partition, and each partition is summed
/// with its partners in cache: fewer partitions make the first cheaper
/// and the second dearer. With stage 2 summing row by row, a CSV import of
/// ten million lines took 3.43 s with 2^9, 3.56 s with 2^10 and 3.46 s
/// with 2^8 (means of four runs each, alternated, on the project's 2-core
/// machine; 3.52 s against 3.94 s for 2^9 and 2^10 in another four).
const PART_BITS: u32 = 9;
/// Lines a partitioned batch stages before it moves them to their
/// partitions (see [`Staging`]).
const STAGE: usize = 1 << 13;
// A staged line holds its partition in 16 bits and where its id starts (ids
// of at most 256 bytes) in 32.
const _: () = assert!(PART_BITS <= 16 && STAGE * 256 <= u32::MAX as usize);
/// Lines a batch takes before it splits into partitions (smaller batches,
/// such as a single recorded sale, stay in one).
const SPLIT_AT: usize = 1 << 15;
/// Lines from which a batch is aggregated by several threads.
const PARALLEL_FROM: usize = 1 << 18;
/// Lines of a large input taken by one thread at a time
/// ([`Ledger::record_all`]).
pub(super) const CHUNK: usize = 1 << 18;

/// What a buffered line carries besides its amount and month.
const INVOICE: u8 = 1;
const MARGIN: u8 = 2;
const DUE: u8 = 4;
const PAID: u8 = 8;
// A buffered line keeps its flags in 4 bits (see [`Pending`]).
const _: () = assert!((INVOICE | MARGIN | DUE | PAID).leading_zeros() >= 4);

/// One buffered line, in 16 bytes: its amount, and its line number,
/// month, id length and flags packed in one word. The partner id's bytes
/// follow in the partition's `ids`, and the optional fields (flags) in its
/// `extra`, in line order.
///
/// Every line of an import passes through these buffers: ten million lines
/// wrote 240 MB of them at 24 bytes a line (fields side by side), most of
/// it fresh memory, whose first writes cost the virtual machine a page
/// fault every 4 KiB.
#[derive(Clone, Copy, Debug)]
struct Pending {
    amount: i64,
    /// From the low bits: the line number (32 bits), the month's distance
    /// from [`Pending::FIRST_MONTH`] (17 bits), the id's length less one
    /// (8 bits), the flags (4 bits).
    meta: u64,
}

impl Pending {
    /// The month index (`year × 12 + month − 1`) of 0001-01, the month of
    /// the earliest date a ledger keeps ([`Ledger::MIN_DATE`]): the
    /// ledger's months, to 9999-12, lie within 2^17 of it.
    const FIRST_MONTH: i32 = 12;
    const MONTH_BITS: u32 = 17;
    /// Where the month, the id length and the flags start in `meta`.
    const MONTH_AT: u32 = 32;
    const ID_AT: u32 = Self::MONTH_AT + Self::MONTH_BITS;
    const FLAGS_AT: u32 = Self::ID_AT + 8;

    /// A line of `amount` in month index `month`, numbered `line`, whose
    /// partner id takes `id_len` bytes (1 to 256).
    ///
    /// # Errors
    ///
    /// An overflow error for a month outside 0001-01 … 0001-01 + 2^17
    /// months or an id length outside 1..=256 (neither passes the line's
    /// checks).
    fn new(amount: i64, month: i32, line: u32, id_len: usize, flags: u8) -> Result<Pending> {
        let month = u64::try_from(month.wrapping_sub(Self::FIRST_MONTH))
            .ok()
            .filter(|m| *m < 1 << Self::MONTH_BITS)
            .ok_or_else(|| Error::overflow("a line's month"))?;
        let id_len = u64::try_from(id_len.wrapping_sub(1))
            .ok()
            .filter(|n| *n <= u64::from(u8::MAX))
            .ok_or_else(|| Error::overflow("a partner id's length"))?;
        let meta = u64::from(line)
            | month << Self::MONTH_AT
            | id_len << Self::ID_AT
            | u64::from(flags & 0xF) << Self::FLAGS_AT;
        Ok(Pending { amount, meta })
    }

    fn line(self) -> u32 {
        self.meta as u32
    }

    fn month(self) -> i32 {
        ((self.meta >> Self::MONTH_AT) & ((1 << Self::MONTH_BITS) - 1)) as i32 + Self::FIRST_MONTH
    }

    fn id_len(self) -> usize {
        ((self.meta >> Self::ID_AT) & 0xFF) as usize + 1
    }

    fn flags(self) -> u8 {
        (self.meta >> Self::FLAGS_AT) as u8
    }
}

/// The buffered lines of one partition.
#[derive(Clone, Debug, Default)]
struct Part {
    lines: Vec<Pending>,
    ids: Vec<u8>,
    /// Per line, in order: the invoice fingerprint (two words), the margin,
    /// the due and paid dates (one word) and with them the line's date (one
    /// word), as its flags say.
    extra: Vec<u64>,
}

impl Part {
    /// Appends a line in its staged form, the flush's (an [`Extra`] made of
    /// each staged line and taken apart again here cost 36 instructions a
    /// line, by callgrind); a whole batch and a split make that form of
    /// their lines too.
    fn push(&mut self, partner: &[u8], s: &Staged) {
        self.lines.push(s.pending);
        self.ids.extend_from_slice(partner);
        let flags = s.pending.flags();
        if flags & INVOICE != 0 {
            self.extra.extend_from_slice(&s.fp);
        }
        if flags & MARGIN != 0 {
            self.extra.push(s.margin as u64);
        }
        if flags & DUE != 0 {
            self.extra.extend_from_slice(&[s.dates, u64::from(s.date)]);
        }
    }

    /// The lines with their partner ids and optional fields.
    fn iter(&self) -> impl Iterator<Item = (Pending, &[u8], Extra)> + '_ {
        let mut id_at = 0usize;
        let mut extra_at = 0usize;
        self.lines.iter().map(move |&p| {
            let len = p.id_len();
            let id = self.ids.get(id_at..id_at + len).unwrap_or_default();
            id_at += len;
            let mut next = || {
                let word = self.extra.get(extra_at).copied().unwrap_or_default();
                extra_at += 1;
                word
            };
            let flags = p.flags();
            let fp = if flags & INVOICE != 0 { (u128::from(next()) << 64) | u128::from(next()) } else { 0 };
            let margin = if flags & MARGIN != 0 { Some(next() as i64) } else { None };
            let (dates, date) = if flags & DUE != 0 { (Some(next()), next() as u32) } else { (None, 0) };
            (p, id, Extra { fp, margin, dates, date })
        })
    }

    fn len(&self) -> usize {
        self.lines.len()
    }
}

/// A buffered line's optional fields.
#[derive(Clone, Copy, Debug)]
struct Extra {
    fp: u128,
    margin: Option<i64>,
    /// Due date, and paid date if `PAID` (see [`pack_dates`]).
    dates: Option<u64>,
    /// With a due date: the line's date, in days from the common era.
    date: u32,
}

/// The lines of a partitioned batch on their way to their partitions, a
/// few thousand at a time.
///
/// Written straight to its partition, each line went to one of some two
/// thousand buffer tails (its partition's three and its document
/// partition's), each on a page of its own, so nearly every line's stores
/// missed the cache and the TLB: in the CSV import of ten million lines,
/// parsing took 1.5 s with the stores and 1.06 s with the same stores made
/// to a single partition. Staged in line order and then moved partition by
/// partition, each partition takes a few lines at a time. Their invoice
/// fingerprints go to their document partitions in line order at the same
/// flush: one tail each, among 512 that stay in cache (see
/// [`Batch::flush`]).
#[derive(Debug, Default)]
struct Staging {
    lines: Vec<Staged>,
    /// The staged lines' partner ids, one after another.
    ids: Vec<u8>,
    /// The flush's scratch: where each partition's lines go, then the
    /// lines (positions in `lines`) partition by partition.
    starts: Vec<u32>,
    order: Vec<u32>,
}

/// A staged line: its [`Pending`] and [`Extra`] laid flat, in 64 bytes
/// (the two structs take 80).
#[derive(Clone, Copy, Debug)]
struct Staged {
    pending: Pending,
    /// The invoice fingerprint's two words.
    fp: [u64; 2],
    margin: i64,
    dates: u64,
    date: u32,
    /// Where its partner id starts in [`Staging::ids`].
    id_at: u32,
    /// Its partition.
    part: u16,
}

impl Staged {
    fn new(pending: Pending, extra: Extra, part: u16, id_at: u32) -> Staged {
        Staged {
            pending,
            fp: [(extra.fp >> 64) as u64, extra.fp as u64],
            margin: extra.margin.unwrap_or(0),
            dates: extra.dates.unwrap_or(0),
            date: extra.date,
            id_at,
            part,
        }
    }

    fn fp(&self) -> u128 {
        (u128::from(self.fp[0]) << 64) | u128::from(self.fp[1])
    }
}

/// A stable counting sort: `out` gets `value(i, item)` for each item `i`
/// with a key (below `keys`; items without one are left out), key by key,
/// each key's in the items' order. `starts` then holds where each key's
/// items end. For fewer than 2^32 items (a flush holds [`STAGE`], a
/// bucket sort checks).
fn counting_sort<T, U: Copy + Default>(
    items: &[T],
    keys: usize,
    key: impl Fn(&T) -> Option<usize>,
    value: impl Fn(u32, &T) -> U,
    starts: &mut Vec<u32>,
    out: &mut Vec<U>,
) {
    let n = key_starts(items.iter(), keys, |t| key(t), starts);
    out.clear();
    out.resize(n, U::default());
    place_by_key(items.iter(), |t| key(t), |i, t| value(i, t), starts, out);
}

/// The first pass of a counting sort ([`counting_sort`]): `starts[k]` is
/// where the items of key `k` start, `starts[keys]` their number, which
/// is returned.
fn key_starts<T>(
    items: impl Iterator<Item = T>,
    keys: usize,
    key: impl Fn(&T) -> Option<usize>,
    starts: &mut Vec<u32>,
) -> usize {
    starts.clear();
    starts.resize(keys + 1, 0);
    for k in items.filter_map(|t| key(&t)) {
        if let Some(n) = starts.get_mut(k + 1) {
            *n += 1;
        }
    }
    let mut at = 0u32;
    for n in starts.iter_mut() {
        at += *n;
        *n = at;
    }
    at as usize
}

/// The second pass of a counting sort ([`counting_sort`]): each item with
/// a key to its place in `out`, from the `starts` of [`key_starts`], which
/// then hold where each key's items end.
fn place_by_key<T, U>(
    items: impl Iterator<Item = T>,
    key: impl Fn(&T) -> Option<usize>,
    value: impl Fn(u32, &T) -> U,
    starts: &mut [u32],
    out: &mut [U],
) {
    for (i, item) in (0u32..).zip(items) {
        if let Some(next) = key(&item).and_then(|k| starts.get_mut(k)) {
            if let Some(slot) = out.get_mut(*next as usize) {
                *slot = value(i, &item);
            }
            *next += 1;
        }
    }
}

fn pack_dates(due: NaiveDate, paid: Option<NaiveDate>) -> u64 {
    let days = |d: NaiveDate| u64::from(d.num_days_from_ce() as u32);
    (days(due) << 32) | paid.map_or(0, days)
}

fn unpack_date(days: u64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(days & 0xFFFF_FFFF).ok()?)
}

/// An empty vector with room for `n` items if the allocator grants it (an
/// estimate too large for memory only means growing later).
fn room<T>(n: u64) -> Vec<T> {
    let mut v = Vec::new();
    if let Ok(n) = usize::try_from(n) {
        let _ = v.try_reserve_exact(n);
    }
    v
}

/// The partition of a partner id with `bits` partition bits.
fn part_of(id: &[u8], bits: u32) -> usize {
    if bits == 0 { 0 } else { (crate::util::hash::hash64(id) >> (64 - bits)) as usize }
}

/// The partition of a document (by its fingerprint's top bits).
fn doc_part_of(hi: u64, bits: u32) -> usize {
    if bits == 0 { 0 } else { (hi >> (64 - bits)) as usize }
}

/// A batch of sales being checked and buffered, to be aggregated into a
/// fresh ledger by [`Batch::finish`].
#[derive(Debug)]
pub(crate) struct Batch {
    currency: Currency,
    scale: u32,
    /// The dates the ledger accepts.
    dates: DateRange,
    bits: u32,
    /// The lines by partition; once the batch is split, without the lines
    /// still in `staging` until [`align`] flushes them.
    parts: Vec<Part>,
    /// The fingerprints of lines with an invoice id, by document partition
    /// (the fingerprint's top bits), in line order: pushed as the lines
    /// come while the batch is whole, from the staged lines at each flush
    /// once it is split.
    docs: Vec<Vec<u128>>,
    lines: usize,
    /// The sum of the lines' absolute amounts and margins: while it fits a
    /// figure, no sum of the batch can overflow.
    magnitude: u128,
    /// Added to the line numbers of this batch's lines (a part of a file
    /// read by another thread).
    line_offset: u64,
    /// How many lines the batch is expected to take, if known: partitions
    /// are then sized once instead of growing by copying.
    expected: u64,
    /// Lines not yet in their partitions (only once the batch is split).
    staging: Staging,
}

impl Batch {
    pub(crate) fn new(currency: Currency, scale: u32, dates: DateRange) -> Batch {
        Batch {
            currency,
            scale,
            dates,
            bits: 0,
            parts: vec![Part::default()],
            docs: vec![Vec::new()],
            lines: 0,
            magnitude: 0,
            line_offset: 0,
            expected: 0,
            staging: Staging::default(),
        }
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn scale(&self) -> u32 {
        self.scale
    }

    /// The number of lines taken.
    pub(crate) fn len(&self) -> usize {
        self.lines
    }

    /// Tells the batch how many lines it will probably take in all.
    pub(crate) fn expect_lines(&mut self, lines: u64) {
        self.expected = lines;
    }

    /// Partitions the batch now (a batch known to grow large).
    pub(crate) fn partition(&mut self) {
        if self.bits == 0 {
            self.split();
        }
    }

    /// Partitions the batch now if it is expected to take at least the
    /// lines at which it would split anyway, with the room estimated from
    /// the lines so far.
    ///
    /// Splitting early keeps the first partition's buffers small. At
    /// [`SPLIT_AT`] lines they are large enough for glibc to map them for
    /// themselves, and freeing them at the split raises the size from which
    /// it maps the next allocations: when one thread of a CSV read split
    /// before another had made its partitions, that thread's partition
    /// buffers came from the heap, which keeps them after the import (at
    /// 10M lines, some runs of the example ended the import with 85 MiB more
    /// resident and peaked 100-170 MiB higher).
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn partition_if_large(&mut self) {
        if self.expected >= SPLIT_AT as u64 {
            self.partition();
        }
    }

    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn currency(&self) -> Currency {
        self.currency
    }

    /// Sets the number added to this batch's line numbers.
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))] // used by the imports
    pub(crate) fn set_line_offset(&mut self, offset: u64) {
        self.line_offset = offset;
    }

    /// Checks one sale and buffers it.
    pub(crate) fn add(&mut self, sale: &Sale, line: u64, recorded: &InvoiceSet) -> Result<()> {
        if sale.amount.currency() != self.currency {
            return Err(Error::currency_mismatch(self.currency, sale.amount.currency()));
        }
        let scale = self.scale;
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
        let parsed = Line {
            date: sale.date,
            amount,
            margin,
            invoice: sale.invoice.as_deref().map(IdText::Str),
            due_date: sale.due_date,
            paid_date: sale.paid_date,
        };
        self.add_parsed(PartnerKey::Id(&sale.partner), &parsed, line, recorded)
    }

    /// Checks one line whose amounts are already minor units at the batch's
    /// scale and whose dates are checked, and buffers it.
    pub(crate) fn add_parsed(
        &mut self,
        partner: PartnerKey<'_>,
        line: &Line<'_>,
        line_no: u64,
        recorded: &InvoiceSet,
    ) -> Result<()> {
        let id = partner.as_bytes();
        if let PartnerKey::Text(text) = partner {
            text.check().map_err(|reason| {
                Error::from(ErrorKind::InvalidPartnerId { id: crate::error::shorten(&text.text()), reason })
            })?;
        }
        check_line_dates(&self.dates, line.date, line.due_date, line.paid_date)?;
        let mut flags = 0;
        let mut fp = 0;
        if let Some(invoice) = line.invoice {
            invoice.check().map_err(|reason| {
                Error::from(ErrorKind::InvalidInvoiceId { id: crate::error::shorten(&invoice.text()), reason })
            })?;
            fp = fingerprint_of(invoice.as_bytes());
            if !recorded.is_empty() && recorded.contains(&fp) {
                let invoice = invoice.text();
                return Err(Error::from(ErrorKind::DuplicateInvoice { invoice: invoice.clone().into_owned() })
                    .for_invoice(&invoice));
            }
            flags |= INVOICE;
        }
        if line.margin.is_some() {
            flags |= MARGIN;
        }
        if line.due_date.is_some() {
            flags |= DUE;
            if line.paid_date.is_some() {
                flags |= PAID;
            }
        }
        if self.lines == SPLIT_AT && self.bits == 0 {
            self.split();
        }
        let line_no = u32::try_from(line_no).unwrap_or(u32::MAX);
        // Ids are 1 to MAX_ID_LEN (256) bytes, and the dates were checked.
        let pending = Pending::new(line.amount, Month::of(line.date).index(), line_no, id.len(), flags)?;
        let dates = line.due_date.map(|due| pack_dates(due, line.paid_date));
        // Kept only beside a due date: the day count took 18 of a CSV
        // line's instructions (by callgrind) for nothing.
        let date = if dates.is_some() { line.date.num_days_from_ce() as u32 } else { 0 };
        let extra = Extra { fp, margin: line.margin, dates, date };
        if self.bits == 0 {
            if let Some(part) = self.parts.first_mut() {
                part.push(id, &Staged::new(pending, extra, 0, 0));
            }
            if flags & INVOICE != 0
                && let Some(docs) = self.docs.first_mut()
            {
                docs.push(fp);
            }
        } else {
            let (Ok(part), Ok(id_at)) = (u16::try_from(part_of(id, self.bits)), u32::try_from(self.staging.ids.len()))
            else {
                return Err(Error::overflow("the batch's partitions"));
            };
            self.staging.lines.push(Staged::new(pending, extra, part, id_at));
            self.staging.ids.extend_from_slice(id);
            if self.staging.lines.len() == STAGE {
                self.flush();
            }
        }
        self.lines += 1;
        self.magnitude = self
            .magnitude
            .saturating_add(u128::from(line.amount.unsigned_abs()))
            .saturating_add(u128::from(line.margin.map_or(0, i64::unsigned_abs)));
        Ok(())
    }

    /// Moves the staged lines to their partitions, partition by partition,
    /// each partition's in line order; and their invoice fingerprints to
    /// their document partitions.
    fn flush(&mut self) {
        let Staging { lines, ids, starts, order } = &mut self.staging;
        counting_sort(lines, self.parts.len(), |s| Some(usize::from(s.part)), |i, _| i, starts, order);
        for s in order.iter().filter_map(|&i| lines.get(i as usize)) {
            let id_at = s.id_at as usize;
            if let (Some(part), Some(id)) =
                (self.parts.get_mut(usize::from(s.part)), ids.get(id_at..id_at + s.pending.id_len()))
            {
                part.push(id, s);
            }
        }
        let bits = self.bits;
        let doc_of = |s: &Staged| (s.pending.flags() & INVOICE != 0).then(|| doc_part_of(s.fp[0], bits));
        // The fingerprints go to their document partitions in line order,
        // not partition by partition as the lines: a line's three buffers
        // are far apart, but a fingerprint's one tail among 512 (32 KiB of
        // cache lines) stays in the processor's cache between flushes.
        // Ordered first, as the lines are, they cost 51 instructions a line
        // more (by callgrind, in the import of 1M lines).
        for s in lines.iter() {
            if let Some(docs) = doc_of(s).and_then(|d| self.docs.get_mut(d)) {
                docs.push(s.fp());
            }
        }
        lines.clear();
        ids.clear();
    }

    /// Splits the single partition of a growing batch into `2^PART_BITS`.
    fn split(&mut self) {
        self.flush();
        let old = std::mem::take(&mut self.parts);
        self.bits = PART_BITS;
        let parts = 1usize << PART_BITS;
        // With an expected size, room for twice a partition's even share of
        // it, in the proportions seen so far. Partitions differ by more than
        // chance, as partners do (a few bring most lines), and a buffer that
        // outgrows its room is copied into one twice its size, both written;
        // room never written costs address space, not memory. (With a tenth
        // more than the share, the buffers that grew took 228 MB more at
        // the import's peak of ten million lines, which fell from 984 to
        // 641-741 MiB with twice the share. The larger buffers go back to
        // the system when freed, so the rows that follow fault in fresh
        // pages: a CSV import in a fresh process takes 0.15-0.2 s more.)
        let seen = old.iter().map(Part::len).sum::<usize>().max(1);
        let per_line = |n: usize| n.div_ceil(seen);
        let (ids, extra) =
            (per_line(old.iter().map(|p| p.ids.len()).sum()), per_line(old.iter().map(|p| p.extra.len()).sum()));
        let share = if self.expected > seen as u64 { (self.expected / parts as u64).saturating_mul(2) } else { 0 };
        let (ids, extra) = (share.saturating_mul(ids as u64), share.saturating_mul(extra as u64));
        self.parts = (0..parts).map(|_| Part { lines: room(share), ids: room(ids), extra: room(extra) }).collect();
        let old_docs = std::mem::take(&mut self.docs);
        let doc_share = if old_docs.iter().any(|d| !d.is_empty()) { share } else { 0 };
        self.docs = (0..parts).map(|_| room(doc_share)).collect();
        for fp in old_docs.into_iter().flatten() {
            if let Some(docs) = self.docs.get_mut(doc_part_of((fp >> 64) as u64, PART_BITS)) {
                docs.push(fp);
            }
        }
        for part in &old {
            for (p, id, extra) in part.iter() {
                if let Some(dst) = self.parts.get_mut(part_of(id, PART_BITS)) {
                    dst.push(id, &Staged::new(p, extra, 0, 0));
                }
            }
        }
    }

    /// The first error of the batch's lines: `err` (met while adding a
    /// line), or an earlier line whose figures overflow when aggregated.
    /// Aggregating is needed only if the lines' amounts could add up to more
    /// than a figure holds.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn first_error(self, err: Error) -> Error {
        first_error_of(vec![self], err)
    }

    /// Aggregates the batch into a ledger.
    ///
    /// # Errors
    ///
    /// The first error by line: a figure that overflows; then, in
    /// fingerprint order, an invoice with lines for two partners or whose
    /// total overflows.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn finish(self) -> Result<Ledger> {
        finish_all(vec![self])
    }
}

/// The first error of consecutive batches of one input whose reading
/// failed with `err`: `err`, or an earlier line whose figures overflow when
/// aggregated. Aggregating is needed only if the lines' amounts could add
/// up to more than a figure holds.
pub(crate) fn first_error_of(batches: Vec<Batch>, err: Error) -> Error {
    let magnitude = batches.iter().fold(0u128, |sum, b| sum.saturating_add(b.magnitude));
    let lines: usize = batches.iter().map(|b| b.lines).sum();
    if batches.is_empty() || (magnitude <= i64::MAX as u128 && lines < u32::MAX as usize) {
        return err;
    }
    let mut batches = batches;
    align(&mut batches);
    let Ok((_, multi)) = documents(&mut batches, 1) else { return err };
    match stage_two(batches, 1, &multi) {
        Err(earlier) if earlier.line().unwrap_or(u64::MAX) < err.line().unwrap_or(u64::MAX) => earlier,
        _ => err,
    }
}

/// Aggregates batches built over consecutive parts of one input (in order,
/// line offsets set) into one ledger, as if one batch had taken every line.
pub(crate) fn finish_all(batches: Vec<Batch>) -> Result<Ledger> {
    let lines: usize = batches.iter().map(|b| b.lines).sum();
    let threads = if lines >= PARALLEL_FROM { crate::util::par::threads()? } else { 1 };
    aggregate_all(batches, threads)
}

/// Rows a thread of stage 2 makes room for at once, if it has as many
/// lines: more than 32 MiB of them, which glibc maps for the vector alone
/// and unmaps when it is freed without raising the size from which it maps
/// the next allocations (freeing a smaller mapped block raises it to that
/// block's size, and the heap then keeps what the review frees). Room never
/// written costs address space, not memory. A thread with fewer lines (an
/// import of under about 1.4M lines on two threads) makes room for one row
/// a line, a smaller block, whose freeing can raise that size as before.
const ROWS_ROOM: usize = (33 << 20) / std::mem::size_of::<Row>();

/// What one thread of stage 2 produces.
#[derive(Debug, Default)]
struct StageTwo {
    /// The rows of its partitions, partition after partition. One vector
    /// for all of them: a vector for each partition (about 48 KiB at a
    /// million partners and 1,024 partitions), freed once copied into the ledger, left 59 MiB of
    /// freed heap between the ledger's rows after an import of 10M lines.
    rows: Vec<Row>,
    /// The number of rows of each of its partitions, in order.
    counts: Vec<u32>,
    /// The lines of documents with several lines.
    multi: Vec<MultiLine>,
    /// Unpaid invoice lines.
    open: Vec<OpenLine>,
    /// Whether a row was left with no data (its months held nothing; see
    /// [`aggregate_all`]).
    emptied: bool,
}

/// A line of a document with several lines.
#[derive(Clone, Copy, Debug)]
struct MultiLine {
    fp: u128,
    /// (partition, row within it).
    row: (u16, u32),
    month: i32,
    amount: i64,
    line: u64,
}

/// An unpaid invoice line: fingerprint, (partition, row), month, due date,
/// amount, and the line's date (in days from the common era).
type OpenLine = (u128, (u16, u32), i32, NaiveDate, i64, i32);

/// Splits `items` into at most `threads` contiguous runs.
fn runs<T>(mut items: Vec<T>, threads: usize) -> Vec<Vec<T>> {
    let per = items.len().div_ceil(threads.max(1)).max(1);
    let mut out = Vec::with_capacity(threads);
    while !items.is_empty() {
        let tail = items.split_off(per.min(items.len()));
        out.push(items);
        items = tail;
    }
    out
}

/// Partitions every batch alike; returns the partition bits.
fn align(batches: &mut [Batch]) -> u32 {
    let bits = batches.iter().map(|b| b.bits).max().unwrap_or(0);
    for b in batches {
        b.flush();
        // Its room is not needed again.
        b.staging = Staging::default();
        if b.bits != bits {
            b.split();
        }
    }
    bits
}

/// The invoices of the batches: every fingerprint once, sorted, and the
/// fingerprints of documents with several lines. Sorted partition by
/// partition (each a few hundred kilobytes), in parallel.
///
/// The partitions hold ranges of fingerprints in order, so each is copied
/// straight into its own stretch of the result and sorted there; only when
/// a document has several lines (a fingerprint met again) are the
/// stretches after it moved up. Sorting each partition on its own and then
/// joining them took a serial copy of the whole set (160 MB at ten million
/// invoices), about a third of this step.
fn documents(batches: &mut [Batch], threads: usize) -> Result<(Vec<u128>, HashSet<u128, Hasher>)> {
    align(batches);
    let parts = batches.iter().map(|b| b.docs.len()).max().unwrap_or(0);
    let mut columns: Vec<Vec<Vec<u128>>> = (0..parts).map(|_| Vec::with_capacity(batches.len())).collect();
    for b in batches.iter_mut() {
        for (d, docs) in std::mem::take(&mut b.docs).into_iter().enumerate() {
            if let Some(col) = columns.get_mut(d) {
                col.push(docs);
            }
        }
    }
    let sizes: Vec<usize> = columns.iter().map(|col| col.iter().map(Vec::len).sum()).collect();
    let mut all = vec![0u128; sizes.iter().sum()];
    let mut work = Vec::with_capacity(threads);
    let mut rest = all.as_mut_slice();
    for run in runs(columns.into_iter().zip(sizes.iter().copied()).collect(), threads) {
        let n = run.iter().map(|(_, size)| size).sum();
        let (mine, tail) =
            std::mem::take(&mut rest).split_at_mut_checked(n).ok_or_else(|| Error::overflow("the invoices"))?;
        rest = tail;
        work.push((run, mine));
    }
    let done = crate::util::par::map_owned(work, |(run, mut stretch)| {
        let mut kept = Vec::with_capacity(run.len());
        let mut several = Vec::new();
        let mut sorter = BucketSort::default();
        for (col, size) in run {
            let n = size.min(stretch.len());
            let (mine, tail) = std::mem::take(&mut stretch).split_at_mut(n);
            stretch = tail;
            let sources: Vec<&[u128]> = col.iter().map(Vec::as_slice).collect();
            sorter.sort_into(&sources, mine);
            kept.push(keep_once(mine, &mut several));
        }
        (kept, several)
    })?;
    let mut multi = HashSet::default();
    let (mut write, mut read) = (0usize, 0usize);
    let kept = done.iter().flat_map(|(kept, _)| kept.iter().copied());
    for (size, kept) in sizes.iter().copied().zip(kept) {
        if write != read && read + kept <= all.len() {
            all.copy_within(read..read + kept, write);
        }
        write += kept;
        read += size;
    }
    if write < all.len() {
        // The ledger keeps this vector: room for every line of a document
        // with several lines would be kept with it.
        all.truncate(write);
        all.shrink_to_fit();
    }
    for (_, several) in done {
        multi.extend(several);
    }
    Ok((all, multi))
}

/// Sorts `fps` and moves each value to its front once, in order; returns
/// how many that is. The values met more than once go to `several`, once
/// each.
#[cfg(test)]
fn sort_once(fps: &mut [u128], several: &mut Vec<u128>, sorter: &mut BucketSort) -> usize {
    sorter.sort(fps);
    keep_once(fps, several)
}

/// Moves each value of the sorted `fps` to its front once, in order;
/// returns how many that is. The values met more than once go to
/// `several`, once each.
fn keep_once(fps: &mut [u128], several: &mut Vec<u128>) -> usize {
    let mut kept = 0usize;
    let mut last: Option<u128> = None;
    for i in 0..fps.len() {
        let Some(&fp) = fps.get(i) else { break };
        if last == Some(fp) {
            if several.last() != Some(&fp) {
                several.push(fp);
            }
            continue;
        }
        if let Some(slot) = fps.get_mut(kept) {
            *slot = fp;
        }
        kept += 1;
        last = Some(fp);
    }
    kept
}

/// Sorts invoice fingerprints: spread over 2^11 buckets by their first
/// bits after the ones they all share, then each bucket sorted on its own.
/// Fingerprints are hashes, so the buckets come out about even (ten or so
/// a bucket in a document partition of ten million lines). A comparison
/// sort of the whole partition was most of the time of the documents' step.
#[derive(Debug, Default)]
struct BucketSort {
    /// Where each bucket's values start, then end.
    starts: Vec<u32>,
}

impl BucketSort {
    const BITS: u32 = 11;

    #[cfg(test)]
    fn sort(&mut self, fps: &mut [u128]) {
        let source = fps.to_vec();
        self.sort_into(&[&source], fps);
    }

    /// Writes the values of `sources` to `dst` (of their total length),
    /// sorted. Straight from the sources into their buckets: copied into
    /// `dst` first, then spread over a scratch vector and copied back, the
    /// values took two passes more over the ten million fingerprints of a
    /// large import (its documents' step took 197-212 ms, now 178-197 ms,
    /// in four alternated pairs).
    fn sort_into(&mut self, sources: &[&[u128]], dst: &mut [u128]) {
        let all = || sources.iter().flat_map(|s| s.iter().copied());
        let (lo, hi) = all().fold((u128::MAX, 0), |(lo, hi), fp| (lo.min(fp), hi.max(fp)));
        let shared = (lo ^ hi).leading_zeros();
        if dst.len() < 1 << 8 || u32::try_from(dst.len()).is_err() || shared > 128 - Self::BITS {
            for (slot, fp) in dst.iter_mut().zip(all()) {
                *slot = fp;
            }
            dst.sort_unstable();
            return;
        }
        let shift = 128 - Self::BITS - shared;
        let bucket = |fp: u128| (fp >> shift) as usize & ((1 << Self::BITS) - 1);
        // A counting sort from every source, straight into `dst`.
        let key = |fp: &u128| Some(bucket(*fp));
        key_starts(all(), 1 << Self::BITS, key, &mut self.starts);
        place_by_key(all(), key, |_, fp| *fp, &mut self.starts, dst);
        // Each bucket now ends where the next starts.
        let mut from = 0usize;
        for &end in self.starts.iter() {
            if let Some(values) = dst.get_mut(from..end as usize) {
                values.sort_unstable();
            }
            from = end as usize;
        }
    }
}

/// Stage 2: the rows of every partition (in parallel, contiguous ranges of
/// partitions per thread), with the lines of documents in `multi` and the
/// unpaid lines. Returns the first error by line.
fn stage_two(mut batches: Vec<Batch>, threads: usize, multi: &HashSet<u128, Hasher>) -> Result<Vec<StageTwo>> {
    let bits = align(&mut batches);
    let parts = 1usize << bits;
    let line_offsets: Vec<u64> = batches.iter().map(|b| b.line_offset).collect();
    let lines_per_run = batches.iter().map(|b| b.lines).sum::<usize>().div_ceil(threads.max(1));
    // Column p holds partition p of every batch.
    let mut columns: Vec<Vec<Part>> = (0..parts).map(|_| Vec::with_capacity(batches.len())).collect();
    for b in batches {
        for (p, part) in b.parts.into_iter().enumerate() {
            if let Some(col) = columns.get_mut(p) {
                col.push(part);
            }
        }
    }
    let numbered: Vec<(usize, Vec<Part>)> = columns.into_iter().enumerate().collect();
    let results = crate::util::par::map_owned(runs(numbered, threads), |cols| -> Result<StageTwo> {
        let mut out = StageTwo {
            rows: Vec::with_capacity(ROWS_ROOM.min(lines_per_run)),
            counts: Vec::with_capacity(cols.len()),
            ..StageTwo::default()
        };
        let mut first_error: Option<Error> = None;
        let mut scratch = Scratch::default();
        for (p, col) in cols {
            let start = out.rows.len();
            match aggregate_part(p, col, &line_offsets, multi, &mut out, &mut scratch) {
                Ok(count) => out.counts.push(count),
                Err(e) => {
                    out.rows.truncate(start);
                    keep_first(&mut first_error, e);
                }
            }
        }
        first_error.map_or(Ok(out), Err)
    })?;
    let mut outs = Vec::with_capacity(results.len());
    let mut first_error: Option<Error> = None;
    for r in results {
        match r {
            Ok(out) => outs.push(out),
            Err(e) => keep_first(&mut first_error, e),
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(outs),
    }
}

/// Keeps the error of the earliest line.
fn keep_first(first: &mut Option<Error>, e: Error) {
    if first.as_ref().is_none_or(|f| e.line().unwrap_or(u64::MAX) < f.line().unwrap_or(u64::MAX)) {
        *first = Some(e);
    }
}

/// Aggregates every partition, then corrects the documents with several
/// lines.
fn aggregate_all(mut batches: Vec<Batch>, threads: usize) -> Result<Ledger> {
    let Some(first) = batches.first() else {
        return Err(Error::overflow("an empty list of batches"));
    };
    let (currency, scale, dates) = (first.currency, first.scale, first.dates);
    let bits = align(&mut batches);
    let (fps, multi) = documents(&mut batches, threads)?;
    let outs = stage_two(batches, threads, &multi)?;
    drop(multi);

    // Rows, partition after partition.
    let mut offsets: Vec<u32> = Vec::new();
    let mut total: u32 = 0;
    for &n in outs.iter().flat_map(|o| o.counts.iter()) {
        offsets.push(total);
        total = total.checked_add(n).ok_or_else(|| Error::overflow("the number of partners"))?;
    }
    let emptied = outs.iter().any(|o| o.emptied);
    let mut ledger = Ledger::with_scale(currency, scale)?.with_dates(dates);
    let mut multi_lines = Vec::new();
    let mut open_lines = Vec::new();
    for out in outs {
        // The first thread's rows become the ledger's, grown in place.
        if ledger.rows.is_empty() {
            ledger.rows = out.rows;
            ledger.rows.reserve_exact((total as usize).saturating_sub(ledger.rows.len()));
        } else {
            ledger.rows.extend(out.rows);
        }
        multi_lines.extend(out.multi);
        open_lines.extend(out.open);
    }
    ledger.rows.shrink_to_fit();
    ledger.index = build_index(&ledger.rows, &offsets, bits, threads)?;

    // Documents of several lines, in fingerprint order: counted now, in the
    // month of their earliest line.
    multi_lines.sort_unstable_by_key(|m| (m.fp, m.line));
    let row_of = |m: &MultiLine| global_row(&offsets, m.row).ok_or_else(|| Error::overflow("the partner index"));
    let mut documents: Vec<(u32, i32, i64)> = Vec::new();
    for group in multi_lines.chunk_by(|a, b| a.fp == b.fp) {
        let Some(first) = group.first() else { continue };
        let row = row_of(first)?;
        if let Some(other) = group.iter().find(|m| m.row != first.row) {
            let id_of = |m: &MultiLine| row_of(m).ok().and_then(|r| ledger.rows.get(r as usize)).map(|r| r.id.clone());
            if let (Some(a), Some(b)) = (id_of(first), id_of(other)) {
                return Err(Error::from(ErrorKind::InvoicePartnerConflict {
                    invoice: None,
                    first: a.to_string(),
                    second: b.to_string(),
                })
                .at_line(other.line)
                .for_partner(&b));
            }
            return Err(Error::overflow("the partner index"));
        }
        let mut total: i64 = 0;
        let mut month = first.month;
        for m in group {
            total = total.checked_add(m.amount).ok_or_else(|| Error::overflow("an invoice total").at_line(m.line))?;
            month = month.min(m.month);
        }
        documents.push((row, month, total));
    }
    drop(multi_lines);
    documents.sort_unstable();
    for &(row, month, total) in &documents {
        let Some(r) = ledger.rows.get_mut(row as usize) else { continue };
        if count_document(r, month, total, 1).is_none() {
            let id = r.id.clone();
            return Err(Error::overflow("a partner's monthly figures").for_partner(&id));
        }
    }
    ledger.invoices = InvoiceSet::from_sorted(fps);

    // Unpaid invoice lines, to record their payment later.
    for (fp, row, month, due, amount, days) in open_lines {
        let Some(r) = global_row(&offsets, row).and_then(|pos| ledger.rows.get(pos as usize)) else { continue };
        let date = NaiveDate::from_num_days_from_ce_opt(days).unwrap_or(due);
        let open = ledger.record.accounts.entry(fp).or_insert_with(|| Account::new(r.id.clone(), date));
        open.date = open.date.min(date);
        open.add_part(month, due, amount)
            .ok_or_else(|| Error::overflow("an invoice's unpaid lines").for_partner(&r.id))?;
    }
    // Months that hold nothing (lines of zero with a margin of zero, or a
    // credit note that cancels its invoice in every figure) are not kept:
    // the ledger is the same however its lines came. Stage 2 left them out
    // of each row as it made it, on every thread (one pass over the
    // rows here after took 20 ms on one core at a million partners); the
    // documents of several lines counted since only add to a month. A row
    // left with nothing then may have gained a document since.
    if emptied {
        ledger.rows.retain(|r| !r.is_empty());
        let mut index = Index::new();
        for (pos, row) in ledger.rows.iter().enumerate() {
            index.insert(&row.id, u32::try_from(pos).map_err(|_| Error::overflow("the number of partners"))?);
        }
        ledger.index = index;
    }
    Ok(ledger)
}

/// The index of rows laid out partition after partition (`offsets` holds
/// where each partition's rows start): each shard of the index takes the
/// rows of a range of partitions, so shards are built in parallel.
fn build_index(rows: &[Row], offsets: &[u32], bits: u32, threads: usize) -> Result<Index> {
    let shards = 1usize << Index::BITS;
    if bits < Index::BITS {
        let mut index = Index::new();
        for (pos, row) in rows.iter().enumerate() {
            index.insert(&row.id, u32::try_from(pos).map_err(|_| Error::overflow("the number of partners"))?);
        }
        return Ok(index);
    }
    // Shard s holds partitions [s << shift, (s + 1) << shift).
    let shift = bits - Index::BITS;
    let start_of = |shard: usize| offsets.get(shard << shift).map_or(rows.len(), |&start| start as usize);
    let built = crate::util::par::map_owned(runs((0..shards).collect(), threads), |run: Vec<usize>| {
        run.into_iter()
            .map(|s| {
                let (from, to) = (start_of(s), start_of(s + 1));
                let mut shard = HashMap::with_capacity_and_hasher(to.saturating_sub(from), Hasher::default());
                for (pos, row) in rows.iter().enumerate().take(to).skip(from) {
                    shard.insert(IdKey::new(&row.id), pos as u32);
                }
                shard
            })
            .collect::<Vec<_>>()
    })?;
    Ok(Index { shards: built.into_iter().flatten().collect() })
}

/// A row's position in the ledger from (partition, row within it).
fn global_row(offsets: &[u32], (part, row): (u16, u32)) -> Option<u32> {
    offsets.get(usize::from(part))?.checked_add(row)
}

/// A buffered line as stage 2 adds it to its row: the margin and dates
/// are there if its flags say so.
#[derive(Clone, Copy, Debug, Default)]
struct Item {
    amount: i64,
    margin: i64,
    dates: u64,
    line: u64,
    month: i32,
    flags: u8,
    /// A document of its own: the line counts as a deal or a credit note.
    whole: bool,
}

/// Stage 2's working vectors, one set a thread, reused from partition to
/// partition.
#[derive(Debug, Default)]
struct Scratch {
    /// The row of each of the partition's lines, in line order.
    row_of: Vec<u32>,
    /// The lines row by row, each row's in line order, and where each
    /// row's start.
    by_row: Vec<Item>,
    starts: Vec<u32>,
    /// The row being made.
    cells: Vec<Cell>,
    payments: Vec<PayRecord>,
}

/// Stage 2 for partition `p`: the rows of its partners; the lines of its
/// documents in `multi` and its unpaid invoice lines go to `out`. `col`
/// holds the partition of each batch, in order.
///
/// The lines are first put in order row by row (a counting sort, which
/// keeps each row's lines in line order: a first pass finds each line's
/// row, a second reads the lines again and writes each where its row's
/// go, so that the sums read them in order; reading them through their
/// positions was a cache miss a line, a seventh of this function's
/// samples), then each row's months are summed in `scratch` and copied
/// once into vectors of their exact length.
/// Summed straight into each row's own vectors, they grew by doubling and
/// were copied again to their length: four allocations and two frees a
/// partner instead of two allocations, about a fifth of this stage.
///
/// A row's figures come from its own lines in line order either way, so
/// the first error by line is the same: the earliest of each row's first.
fn aggregate_part(
    p: usize,
    col: Vec<Part>,
    line_offsets: &[u64],
    multi: &HashSet<u128, Hasher>,
    out: &mut StageTwo,
    scratch: &mut Scratch,
) -> Result<u32> {
    let lines: usize = col.iter().map(Part::len).sum();
    // Positions and counts of lines below are u32.
    u32::try_from(lines).map_err(|_| Error::overflow("the lines of a partition"))?;
    // This partition's rows, at the end of the thread's.
    let start = out.rows.len();
    // The partners' ids held in the table itself ([`IdKey`]): compared
    // through a pointer into the partition's id bytes instead, each lookup
    // missed the cache (a seventh of this function's samples).
    let mut index: HashMap<IdKey, u32, Hasher> = HashMap::with_capacity_and_hasher(lines / 4 + 1, Hasher::default());
    let part_no = u16::try_from(p).map_err(|_| Error::overflow("the batch's partitions"))?;
    let Scratch { row_of, by_row, starts, cells, payments } = scratch;
    row_of.clear();
    starts.clear();
    // An error here ends the lines taken; the rows are still summed up to
    // it, since an earlier line may overflow its row's figures.
    let mut stopped: Option<Error> = None;
    'lines: for (b, part) in col.iter().enumerate() {
        let offset = line_offsets.get(b).copied().unwrap_or(0);
        for (pending, id, extra) in part.iter() {
            let line = u64::from(pending.line()).saturating_add(offset);
            let row_pos = match index.get(id) {
                Some(&pos) => pos,
                None => {
                    let (pid, pos) = match new_row(id, line, out.rows.len().saturating_sub(start)) {
                        Ok(made) => made,
                        Err(e) => {
                            stopped = Some(e);
                            break 'lines;
                        }
                    };
                    index.insert(IdKey::new(&pid), pos);
                    out.rows.push(Row { id: pid, cells: Vec::new(), extra: None });
                    starts.push(0);
                    pos
                }
            };
            if let Some(n) = starts.get_mut(row_pos as usize) {
                *n += 1;
            }
            row_of.push(row_pos);
            if pending.flags() & INVOICE != 0 {
                let several = several(multi, pending, extra);
                let amount = pending.amount;
                if several {
                    out.multi.push(MultiLine {
                        fp: extra.fp,
                        row: (part_no, row_pos),
                        month: pending.month(),
                        amount,
                        line,
                    });
                }
                if let (Some(dates), true, false) = (extra.dates, amount > 0, pending.flags() & PAID != 0) {
                    let Some(due) = unpack_date(dates >> 32) else {
                        stopped = Some(Error::overflow("a due date"));
                        break 'lines;
                    };
                    out.open.push((extra.fp, (part_no, row_pos), pending.month(), due, amount, extra.date as i32));
                }
            }
        }
    }
    // Where each row's lines start, then the lines taken above read again
    // and placed row by row.
    let mut at = 0u32;
    for n in starts.iter_mut() {
        let count = *n;
        *n = at;
        at += count;
    }
    by_row.clear();
    by_row.resize(row_of.len(), Item::default());
    let mut rows = row_of.iter();
    'placed: for (b, part) in col.iter().enumerate() {
        let offset = line_offsets.get(b).copied().unwrap_or(0);
        for (pending, _, extra) in part.iter() {
            let Some(&row) = rows.next() else { break 'placed };
            let item = Item {
                amount: pending.amount,
                margin: extra.margin.unwrap_or(0),
                dates: extra.dates.unwrap_or(0),
                line: u64::from(pending.line()).saturating_add(offset),
                month: pending.month(),
                flags: pending.flags(),
                whole: !several(multi, pending, extra),
            };
            if let Some(next) = starts.get_mut(row as usize) {
                if let Some(slot) = by_row.get_mut(*next as usize) {
                    *slot = item;
                }
                *next += 1;
            }
        }
    }
    drop(col);
    // `starts` now holds where each row's lines end.
    let rows = out.rows.get_mut(start..).unwrap_or_default();
    let mut first_error: Option<Error> = None;
    let mut from = 0usize;
    for (row, &end) in rows.iter_mut().zip(starts.iter()) {
        let end = end as usize;
        cells.clear();
        payments.clear();
        for item in by_row.get(from..end).unwrap_or_default() {
            if add_line(cells, payments, item).is_none() {
                let e = Error::overflow("a partner's monthly figures").at_line(item.line).for_partner(&row.id);
                keep_first(&mut first_error, e);
                break;
            }
        }
        from = end;
        // Months that hold nothing are not kept (see [`aggregate_all`]).
        cells.retain(|c| !c.is_empty());
        row.cells = cells.as_slice().to_vec();
        if !payments.is_empty() {
            row.extra_mut().payments = payments.as_slice().to_vec();
        }
        out.emptied |= row.is_empty();
    }
    // Of a row's error and the one that ended the lines, the earlier line;
    // on the same line the row's, which came first line by line.
    if let Some(e) = stopped {
        keep_first(&mut first_error, e);
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    u32::try_from(rows.len()).map_err(|_| Error::overflow("the number of partners"))
}

/// Whether a buffered line belongs to a document with several lines (in
/// `multi`): it then counts with its document, once they are all
/// aggregated.
fn several(multi: &HashSet<u128, Hasher>, pending: Pending, extra: Extra) -> bool {
    pending.flags() & INVOICE != 0 && !multi.is_empty() && multi.contains(&extra.fp)
}

/// The partner id of a partition's new row (its bytes were checked when
/// the line was added) and the row's position among the partition's rows,
/// `at`.
fn new_row(id: &[u8], line: u64, at: usize) -> Result<(PartnerId, u32)> {
    let text = std::str::from_utf8(id).map_err(|_| Error::overflow("a partner id").at_line(line))?;
    let pid = PartnerId::new(text).map_err(|e| e.at_line(line))?;
    let pos = u32::try_from(at).map_err(|_| Error::overflow("the number of partners"))?;
    Ok((pid, pos))
}

/// Adds one line to the months and payment records of its partner's row; a
/// line that is a document of its own also counts as a deal or a credit
/// note.
fn add_line(cells: &mut Vec<Cell>, payments: &mut Vec<PayRecord>, item: &Item) -> Option<()> {
    let cell: &mut Cell = slot_mut(cells, item.month);
    cell.turnover = cell.turnover.checked_add(item.amount)?;
    if item.flags & MARGIN != 0 {
        cell.margin = cell.margin.checked_add(item.margin)?;
    } else {
        cell.margin_missing = cell.margin_missing.checked_add(1)?;
    }
    if item.whole && item.amount > 0 {
        cell.deals = cell.deals.checked_add(1)?;
    } else if item.whole && item.amount < 0 {
        cell.credit_note_count = cell.credit_note_count.checked_add(1)?;
        cell.credit_notes = cell.credit_notes.checked_add(item.amount)?;
    }
    if item.flags & DUE != 0 && item.amount > 0 {
        let due = unpack_date(item.dates >> 32)?;
        let paid = if item.flags & PAID != 0 { Some(unpack_date(item.dates)?) } else { None };
        add_payment(payments, (item.month, due, paid), item.amount)?;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Money;
    use rust_decimal::Decimal;

    fn batch_of(expected: u64, lines: u32) -> Batch {
        let mut batch = Batch::new(Currency::RUB, 2, DateRange::DEFAULT);
        batch.expect_lines(expected);
        let recorded = InvoiceSet::default();
        for i in 0..lines {
            let partner = PartnerId::new(&format!("P{}", i % 500)).unwrap();
            let date = NaiveDate::from_ymd_opt(2025, 1 + i % 12, 1).unwrap();
            let sale =
                Sale::new(partner, date, Money::new(Decimal::from(100), Currency::RUB)).with_invoice(format!("I{i}"));
            batch.add(&sale, u64::from(i) + 1, &recorded).unwrap();
        }
        batch
    }

    #[test]
    fn the_invoice_set_keeps_each_document_once_without_spare_room() {
        // Documents of one, two and three lines over 1,000 lines, in a
        // batch split into partitions, on two threads.
        let mut batch = Batch::new(Currency::RUB, 2, DateRange::DEFAULT);
        batch.expect_lines(1 << 20);
        let recorded = InvoiceSet::default();
        let p = PartnerId::new("P").unwrap();
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        for i in 0..1000u32 {
            let sale = Sale::new(p.clone(), date, Money::new(Decimal::from(100), Currency::RUB))
                .with_invoice(format!("I{}", i / (1 + i % 3)));
            batch.add(&sale, u64::from(i) + 1, &recorded).unwrap();
        }
        let invoices: HashSet<String> = (0..1000u32).map(|i| format!("I{}", i / (1 + i % 3))).collect();
        let (fps, multi) = documents(&mut [batch], 2).unwrap();
        assert_eq!(fps.len(), invoices.len());
        assert_eq!(fps.capacity(), fps.len());
        assert!(fps.windows(2).all(|w| w[0] < w[1]));
        assert!(!multi.is_empty() && multi.len() < fps.len());
    }

    #[test]
    fn sort_once_keeps_each_fingerprint_once_in_order_and_names_the_repeated_ones() {
        let mut fps = [9u128, 3, 7, 3, 9, 9, 1];
        let mut several = vec![];
        let kept = sort_once(&mut fps, &mut several, &mut BucketSort::default());
        assert_eq!(&fps[..kept], &[1, 3, 7, 9]);
        assert_eq!(several, [3, 9]);
        let mut none: [u128; 0] = [];
        assert_eq!(sort_once(&mut none, &mut several, &mut BucketSort::default()), 0);
    }

    #[test]
    fn a_batch_expected_to_grow_large_splits_early_with_room_for_its_share() {
        let mut large = batch_of(1 << 20, 1000);
        large.partition_if_large();
        assert_eq!(large.bits, PART_BITS);
        // Twice the even share of 2^20 lines over 2^9 partitions, for the
        // lines, their invoice fingerprints (two words each) and documents.
        let share = 2 * (1 << 20) / (1 << PART_BITS);
        let part = large.parts.first().unwrap();
        assert!(part.lines.capacity() >= share && part.extra.capacity() >= 2 * share);
        assert!(large.docs.first().unwrap().capacity() >= share);
        assert_eq!(large.parts.iter().map(Part::len).sum::<usize>(), 1000);
        // Below the split's size a batch stays whole until it gets there.
        let mut small = batch_of(SPLIT_AT as u64 - 1, 1000);
        small.partition_if_large();
        assert_eq!((small.bits, small.parts.len()), (0, 1));
    }

    #[test]
    fn staged_lines_reach_their_partitions_in_line_order() {
        // A partitioned batch, with lines left staged past two flushes.
        let mut batch = batch_of(1 << 20, 0);
        batch.partition_if_large();
        let recorded = InvoiceSet::default();
        let n = 2 * STAGE as u32 + 5;
        for i in 0..n {
            let partner = PartnerId::new(&format!("P{}", i % 3000)).unwrap();
            let date = NaiveDate::from_ymd_opt(2025, 1 + i % 12, 1).unwrap();
            let mut sale = Sale::new(partner, date, Money::new(Decimal::from(i), Currency::RUB));
            if i % 2 == 0 {
                sale = sale.with_invoice(format!("I{i}")).with_margin(Decimal::from(i % 7));
            }
            if i % 3 == 0 {
                sale = sale.with_due_date(date).with_paid_date(date);
            }
            batch.add(&sale, u64::from(i) + 1, &recorded).unwrap();
        }
        assert_eq!(batch.staging.lines.len(), 5);
        align(std::slice::from_mut(&mut batch));
        assert!(batch.staging.lines.is_empty() && batch.staging.ids.is_empty());
        let mut seen = 0u32;
        for (p, part) in batch.parts.iter().enumerate() {
            let lines: Vec<u32> = part.iter().map(|(pending, _, _)| pending.line()).collect();
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "partition {p} out of line order");
            for (pending, id, extra) in part.iter() {
                let i = pending.line() - 1;
                assert_eq!((part_of(id, PART_BITS), id), (p, format!("P{}", i % 3000).as_bytes()));
                assert_eq!(pending.amount, i64::from(i) * 100);
                assert_eq!(extra.margin, (i % 2 == 0).then_some(i64::from(i % 7) * 100));
                assert_eq!(extra.dates.is_some(), i % 3 == 0);
                // The line's day count is kept beside a due date only.
                let days = NaiveDate::from_ymd_opt(2025, 1 + i % 12, 1).unwrap().num_days_from_ce() as u32;
                assert_eq!(extra.date, if i % 3 == 0 { days } else { 0 });
                assert_eq!(extra.fp, if i % 2 == 0 { crate::util::hash::fingerprint(&format!("I{i}")) } else { 0 });
                seen += 1;
            }
        }
        assert_eq!(seen, n);
        let mut docs: Vec<u128> = batch.docs.iter().flatten().copied().collect();
        docs.sort_unstable();
        let mut expected: Vec<u128> =
            (0..n).step_by(2).map(|i| crate::util::hash::fingerprint(&format!("I{i}"))).collect();
        expected.sort_unstable();
        assert_eq!(docs, expected);
        // Each document partition holds its fingerprints in line order.
        let line_of: HashMap<u128, u32> =
            (0..n).step_by(2).map(|i| (crate::util::hash::fingerprint(&format!("I{i}")), i)).collect();
        for (d, fps) in batch.docs.iter().enumerate() {
            assert!(fps.iter().all(|&fp| doc_part_of((fp >> 64) as u64, PART_BITS) == d));
            let lines: Vec<u32> = fps.iter().map(|fp| line_of[fp]).collect();
            assert!(lines.windows(2).all(|w| w[0] < w[1]), "document partition {d} out of line order");
        }
    }

    #[test]
    fn the_bucket_sort_sorts_at_its_limits() {
        // Values sharing their first `shared` bits, 255 and 256 of them
        // (below and at the size from which buckets are used), around the
        // widest shift (117: no bit left to skip) and with every bit shared.
        let mut state = 0x9E37_79B9_7F4A_7C15_u128;
        let mut next = || {
            state = state.wrapping_mul(0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645).wrapping_add(1);
            state
        };
        for shared in [0u32, 100, 106, 110, 116, 117, 118, 127, 128] {
            let keep = if shared == 128 { u128::MAX } else { !(u128::MAX >> shared) };
            let prefix = next() & keep;
            for n in [255usize, 256, 3000] {
                let mut fps: Vec<u128> = (0..n).map(|_| prefix | (next() & !keep)).collect();
                let mut expected = fps.clone();
                expected.sort_unstable();
                BucketSort::default().sort(&mut fps);
                assert_eq!(fps, expected, "{shared} bits shared, {n} values");
            }
        }
    }

    // On 64-bit targets: where a u64 is aligned to 4 bytes a staged line
    // takes 60.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn a_buffered_line_takes_16_bytes_and_a_staged_one_64() {
        assert_eq!(std::mem::size_of::<Pending>(), 16);
        assert_eq!(std::mem::size_of::<Staged>(), 64);
    }

    #[test]
    fn buffered_lines_keep_the_ledgers_first_and_last_months_and_ids_of_1_to_256_bytes() {
        let first = Month::of(Ledger::MIN_DATE).index();
        let last = Month::of(Ledger::MAX_DATE).index();
        assert_eq!(first, Pending::FIRST_MONTH);
        for (month, len) in [(first, 1), (last, 256), (first, 256), (last, 1)] {
            let p = Pending::new(-7, month, u32::MAX, len, PAID | DUE | MARGIN | INVOICE).unwrap();
            assert_eq!((p.amount, p.month(), p.line(), p.id_len(), p.flags()), (-7, month, u32::MAX, len, 15));
        }
        // Beyond them, an error rather than another month or length.
        let beyond = Pending::FIRST_MONTH + (1 << Pending::MONTH_BITS);
        for (month, len) in [(first - 1, 1), (beyond, 1), (first, 0), (first, 257)] {
            assert!(Pending::new(0, month, 0, len, 0).is_err(), "{month} {len}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_bucket_sort_sorts(
            prefix in proptest::prelude::any::<u128>(),
            shared in 0u32..=128,
            low in proptest::collection::vec(proptest::prelude::any::<u128>(), 0..1200),
            repeats in 0usize..300,
        ) {
            // Values that share their first `shared` bits, some repeated.
            let keep = if shared == 128 { u128::MAX } else { !(u128::MAX >> shared) };
            let mut fps: Vec<u128> = low.iter().map(|v| (prefix & keep) | (v & !keep)).collect();
            let again: Vec<u128> = fps.iter().copied().step_by(3).take(repeats).collect();
            fps.extend(again);
            let mut expected = fps.clone();
            expected.sort_unstable();
            BucketSort::default().sort(&mut fps);
            proptest::prop_assert_eq!(fps, expected);
        }

        /// Sorted from several sources into one slice (as the document
        /// partitions of the threads of a read are), values are the sorted
        /// values of all of them, whether they take buckets or not.
        #[test]
        fn the_bucket_sort_sorts_several_sources_into_one(
            prefix in proptest::prelude::any::<u128>(),
            shared in proptest::sample::select(vec![0u32, 64, 117, 118, 128]),
            sources in proptest::collection::vec(
                proptest::collection::vec(proptest::prelude::any::<u128>(), 0..400), 0..4),
        ) {
            let keep = if shared == 128 { u128::MAX } else { !(u128::MAX >> shared) };
            let sources: Vec<Vec<u128>> = sources
                .iter()
                .map(|s| s.iter().map(|v| (prefix & keep) | (v & !keep)).collect())
                .collect();
            let mut expected: Vec<u128> = sources.concat();
            expected.sort_unstable();
            let mut sorted = vec![0u128; expected.len()];
            let slices: Vec<&[u128]> = sources.iter().map(Vec::as_slice).collect();
            BucketSort::default().sort_into(&slices, &mut sorted);
            proptest::prop_assert_eq!(sorted, expected);
        }

        #[test]
        fn a_buffered_line_gives_back_what_it_was_made_of(
            amount in proptest::prelude::any::<i64>(),
            month in Pending::FIRST_MONTH..=Pending::FIRST_MONTH + (1 << Pending::MONTH_BITS) - 1,
            line in proptest::prelude::any::<u32>(),
            id_len in 1usize..=256,
            flags in 0u8..16,
        ) {
            let p = Pending::new(amount, month, line, id_len, flags).unwrap();
            proptest::prop_assert_eq!((p.amount, p.month(), p.line(), p.id_len(), p.flags()), (amount, month, line, id_len, flags));
        }

        #[test]
        fn grouping_by_key_keeps_each_keys_items_in_order(
            keys in proptest::collection::vec(proptest::option::of(0usize..9), 0..300),
        ) {
            let (mut starts, mut order) = (vec![7], vec![3, 1]);
            counting_sort(&keys, 9, |k| *k, |i, _| i, &mut starts, &mut order);
            // Every item with a key once, by key, and in order within a key.
            let mut expected: Vec<u32> = (0u32..).zip(&keys).filter(|(_, k)| k.is_some()).map(|(i, _)| i).collect();
            expected.sort_by_key(|&i| keys[i as usize]);
            proptest::prop_assert_eq!(order, expected);
        }
    }
}

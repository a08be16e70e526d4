//! CSV input: invoice lines, monthly figures, partners and risk facts (feature `csv`).

use std::io::Read;
use std::path::Path;

use super::{DateCache, parse_amount, parse_date};
use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{Batch, DateRange, IdText, Ledger, Line, PartnerKey, PlainId, Recorded, Sale};
use crate::money::Currency;
use crate::partner::{Partner, PartnerId};
use crate::risk::{CreditRating, RiskFacts};
use rust_decimal::Decimal;

/// The columns of an invoice-lines CSV, in the order of the documentation.
const SALE_COLUMNS: &str = "partner_id, date, amount, currency, invoice_id, line_id, margin, cost, due_date, paid_date";

/// Reads invoice lines and partners from CSV, exactly and all or nothing.
///
/// # Invoice lines
///
/// A header row names the columns, in any order:
///
/// | column | required | content |
/// | --- | --- | --- |
/// | `partner_id` | yes | the partner's id ([`PartnerId`] rules) |
/// | `date` | yes | the date of the line, `YYYY-MM-DD` |
/// | `amount` | yes | the line's amount; negative for a credit note |
/// | `currency` | no | ISO 4217 code; without the column every line is in the import's currency |
/// | `invoice_id` | no | the document number; lines with the same number are one document |
/// | `line_id` | no | the line's identity: alone, or with `invoice_id` (the pair is the identity); see [`Sale`] |
/// | `margin` | no | the line's margin |
/// | `cost` | no | the line's cost (margin = amount − cost); a line gives margin or cost, not both |
/// | `due_date` | no | when payment is due, `YYYY-MM-DD` |
/// | `paid_date` | no | when it was paid, `YYYY-MM-DD`; empty = not paid |
///
/// Amounts are plain decimals: an optional sign, digits, and an optional
/// decimal separator (`.` unless [`decimal_comma`](CsvImport::decimal_comma)
/// is set) followed by digits. They are parsed exactly: no floating point,
/// no thousands separators, no exponents, and more decimal places than the
/// ledger keeps is an error (`12.345` RUB), never a rounding. Empty optional
/// fields mean "not given".
///
/// An unknown column is an error (a misspelt `paid_date` would otherwise lose
/// the payment data silently) unless
/// [`ignore_unknown_columns`](CsvImport::ignore_unknown_columns) is set.
///
/// The whole file is one batch for [`Ledger::record_all`]: lines with the
/// same `invoice_id` are one document. A line with a `line_id` is recorded
/// with its identity: sent again (the same line twice in the file, or a
/// file read again) it is skipped as a replay, and it can be corrected
/// later. Without a `line_id`, an `invoice_id` that the ledger already holds
/// is a resend and an error. The import is all or nothing; its errors name
/// the line (the header is line 1) and the column.
///
/// The lines' dates must be within the import's [`dates`](CsvImport::dates)
/// (this century unless set), so that a typo such as 1925 is an error, not
/// a partner averaged over a century.
///
/// # Partners
///
/// Columns `partner_id` (required), `name`, `region`, `specialisation` and
/// `start_date` (`YYYY-MM-DD`); every other column becomes a free-form
/// attribute. A partner listed twice is an error naming both lines.
///
/// # Example
///
/// ```
/// use partner_priority::Currency;
/// use partner_priority::import::CsvImport;
///
/// let data = "\
/// partner_id,date,amount,invoice_id
/// D-1,2025-03-01,120000.00,I-1
/// D-1,2025-03-09,-20000.00,CN-1
/// D-2,2025-03-02,5000,I-2
/// ";
/// let ledger = CsvImport::new().read_sales(data.as_bytes())?;
/// assert_eq!(ledger.currency(), Currency::RUB);
/// assert_eq!(ledger.partner_count(), 2);
///
/// let bad = "partner_id,date,amount\nD-1,2025-03-01,12.5x\n";
/// let err = CsvImport::new().read_sales(bad.as_bytes()).unwrap_err();
/// assert_eq!(err.line(), Some(2));
/// assert_eq!(err.column(), Some("amount"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct CsvImport {
    /// `None`: the file's (its first line's), RUB without a currency column.
    currency: Option<Currency>,
    delimiter: u8,
    decimal_comma: bool,
    ignore_unknown_columns: bool,
    dates: DateRange,
    strict: bool,
}

impl Default for CsvImport {
    fn default() -> Self {
        CsvImport::new()
    }
}

/// Where a thread of a parallel read stopped.
#[derive(Clone, Copy, Debug)]
enum Stop {
    /// At the end of the file.
    End,
    /// Exactly where the next range starts, with the reader's line there.
    Boundary { line: u64 },
    /// Past where the next range starts (a record spanned the boundary) or
    /// at the end of the file before it.
    Overshot,
}

/// After the first thousand lines (`count`) of `size` bytes to read,
/// `read` of them read: the lines to come, from the bytes a line took so
/// far, so that the batch partitions early with room for them.
fn expect_after_sample(batch: &mut Batch, count: usize, size: u64, read: u64) {
    if count == 1000 && read > 0 {
        batch.expect_lines(size.saturating_mul(count as u64) / read);
        batch.partition_if_large();
    }
}

/// What a plain read of a range gave ([`CsvImport::read_plain`]).
enum Plain {
    /// Every line of the range, and where it stopped.
    Read(Stop),
    /// A quote or a carriage return (or a delimiter that is one, or a line
    /// break): the `csv` crate reads the range, into a new batch.
    Quoted,
    /// The error of the range's first bad line; the batch holds the lines
    /// before it.
    Bad(Error),
}

/// Bytes a plain read takes from the file at a time.
const PLAIN_CHUNK: usize = 1 << 20;

/// The positions of the bytes `a` and `b` in `bytes`, in order, found
/// eight bytes at a time: the line breaks and delimiters of a plain read.
/// `memchr`'s search for two bytes took about 40 instructions a hit, with
/// a hit every seven bytes or so; this takes about 12 a word and 4 a hit.
///
/// In a word `x` of eight bytes with `y = x ^ (a in each byte)`, the top
/// bit of a byte of `!(((y & 0x7f…) + 0x7f…) | y | 0x7f…)` is set if and
/// only if that byte of `y` is zero (the sum of a byte's low seven bits
/// and `0x7f` stays within the byte), so the positions are exact.
struct Separators<'a> {
    words: std::slice::ChunksExact<'a, u8>,
    /// The last bytes (fewer than eight), padded with one that is neither.
    tail: Option<[u8; 8]>,
    /// Where the word of `found` starts.
    at: usize,
    /// The top bits of the bytes of that word that are `a` or `b`.
    found: u64,
    a: u64,
    b: u64,
}

impl<'a> Separators<'a> {
    const LOW: u64 = u64::from_ne_bytes([0x7f; 8]);
    const ONES: u64 = u64::from_ne_bytes([1; 8]);

    fn new(bytes: &'a [u8], a: u8, b: u8) -> Separators<'a> {
        let words = bytes.chunks_exact(8);
        let pad = (0u8..3).find(|p| *p != a && *p != b).unwrap_or_default();
        let mut tail = [pad; 8];
        for (to, &from) in tail.iter_mut().zip(words.remainder()) {
            *to = from;
        }
        Separators {
            words,
            tail: Some(tail),
            // The first word's start, once it is read.
            at: 0usize.wrapping_sub(8),
            found: 0,
            a: u64::from(a) * Self::ONES,
            b: u64::from(b) * Self::ONES,
        }
    }

    /// The top bits of the bytes of `word` equal to the byte of `splat`.
    fn equal(word: u64, splat: u64) -> u64 {
        let y = word ^ splat;
        !(((y & Self::LOW) + Self::LOW) | y | Self::LOW)
    }
}

impl Iterator for Separators<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.found == 0 {
            let word = match self.words.next() {
                Some(word) => <[u8; 8]>::try_from(word).ok()?,
                None => self.tail.take()?,
            };
            let word = u64::from_le_bytes(word);
            self.at = self.at.wrapping_add(8);
            self.found = Self::equal(word, self.a) | Self::equal(word, self.b);
        }
        let byte = self.found.trailing_zeros() / 8;
        self.found &= self.found - 1;
        Some(self.at + byte as usize)
    }
}

/// One thread's part of a parallel read: its batch, where it stopped, and
/// the error of its first bad line, if any (the batch then holds the lines
/// before it).
struct RangeRead {
    batch: Batch,
    stop: Stop,
    error: Option<Error>,
}

/// Where each of `parts` ranges of a file starts: the first at 0, the others
/// just after the first line break at or after an equal share of the body
/// (which starts at byte `body`), without repeats.
fn range_starts(path: &Path, body: u64, parts: usize) -> Result<Vec<u64>> {
    let size = std::fs::metadata(path)?.len();
    let mut file = std::fs::File::open(path)?;
    let mut starts = vec![0u64];
    let span = size.saturating_sub(body);
    for k in 1..parts as u64 {
        // span × k / parts, in 128 bits: exact shares, no overflow.
        let at = body + (u128::from(span) * u128::from(k) / parts as u128) as u64;
        if at <= starts.last().copied().unwrap_or(0) {
            continue;
        }
        let Some(mut at) = next_line(&mut file, at)? else { break };
        // A line that starts with a byte order mark would lose it to the
        // reader of a range (readers drop one at their start).
        while at < size && starts_with_bom(&mut file, at)? {
            match next_line(&mut file, at)? {
                Some(next) => at = next,
                None => return Ok(starts),
            }
        }
        if at >= size {
            break;
        }
        starts.push(at);
    }
    Ok(starts)
}

/// The byte just after the first line break at or after `at`, if any.
fn next_line(file: &mut std::fs::File, mut at: u64) -> Result<Option<u64>> {
    use std::io::{Seek, SeekFrom};
    let mut buf = vec![0u8; 1 << 16];
    file.seek(SeekFrom::Start(at))?;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if let Some(i) = buf.get(..n).and_then(|b| b.iter().position(|&c| c == b'\n')) {
            return Ok(Some(at + i as u64 + 1));
        }
        at += n as u64;
    }
}

/// True if the bytes at `at` are a UTF-8 byte order mark.
fn starts_with_bom(file: &mut std::fs::File, at: u64) -> Result<bool> {
    use std::io::{Seek, SeekFrom};
    let mut head = [0u8; 3];
    file.seek(SeekFrom::Start(at))?;
    let mut got = 0;
    while got < head.len() {
        match file.read(head.get_mut(got..).unwrap_or_default())? {
            0 => break,
            n => got += n,
        }
    }
    Ok(got == 3 && head == [0xEF, 0xBB, 0xBF])
}

/// Column positions of an invoice-lines file.
#[derive(Default)]
struct SaleColumns {
    width: usize,
    partner: usize,
    date: usize,
    amount: usize,
    currency: Option<usize>,
    invoice: Option<usize>,
    line_id: Option<usize>,
    margin: Option<usize>,
    cost: Option<usize>,
    due: Option<usize>,
    paid: Option<usize>,
}

impl CsvImport {
    /// An import of comma-separated files with `.` decimals, in the file's
    /// currency, accepting this century's dates.
    #[must_use]
    pub fn new() -> CsvImport {
        CsvImport {
            currency: None,
            delimiter: b',',
            decimal_comma: false,
            ignore_unknown_columns: false,
            dates: DateRange::DEFAULT,
            strict: false,
        }
    }

    /// The currency of the ledger [`read_sales`](CsvImport::read_sales)
    /// creates, and of the lines when the file has no `currency` column.
    /// Unless set it is the file's: its first line's currency, or RUB when
    /// the file has no `currency` column. A file whose lines are in another
    /// currency, or without a currency column read into a ledger in
    /// another currency, is an error.
    #[must_use]
    pub fn currency(mut self, currency: Currency) -> CsvImport {
        self.currency = Some(currency);
        self
    }

    /// The dates the lines may carry (and the ledger
    /// [`read_sales`](CsvImport::read_sales) creates accepts); this
    /// century's ([`DateRange::DEFAULT`]) unless set.
    #[must_use]
    pub fn dates(mut self, dates: DateRange) -> CsvImport {
        self.dates = dates;
        self
    }

    /// Refuses lines without an identity: the file needs a `line_id`
    /// column, and every line a value in it; the ledger
    /// [`read_sales`](CsvImport::read_sales) creates is
    /// [`strict`](Ledger::strict).
    #[must_use]
    pub fn strict(mut self, yes: bool) -> CsvImport {
        self.strict = yes;
        self
    }

    /// A new, empty ledger for this import in `currency`.
    fn new_ledger(&self, currency: Currency) -> Ledger {
        let ledger = Ledger::new(currency).with_dates(self.dates);
        if self.strict { ledger.strict() } else { ledger }
    }

    /// The currency of a file's lines: the first line's `currency` field
    /// (`first`, the first record), RUB without one.
    fn currency_of(&self, cols: &SaleColumns, first: Option<&csv::ByteRecord>) -> Result<Currency> {
        let Some(first) = first else { return Ok(Currency::RUB) };
        match cols.currency.and_then(|pos| first.get(pos)).filter(|f| !f.is_empty()) {
            None => Ok(Currency::RUB),
            Some(raw) => {
                let line = first.position().map_or(2, csv::Position::line);
                let code = text(raw, "currency").map_err(|e| e.at_line(line))?;
                Currency::new(code).map_err(|e| e.at_line(line).at_column("currency"))
            }
        }
    }

    /// The currency a file's ledger is in: the import's, or the file's.
    fn currency_of_path(&self, path: &Path) -> Result<Currency> {
        if let Some(c) = self.currency {
            return Ok(c);
        }
        let mut rdr = self.reader(std::fs::File::open(path)?);
        let cols = self.sale_columns(&mut rdr)?;
        let mut first = csv::ByteRecord::new();
        let found = rdr.read_byte_record(&mut first).map_err(csv_error)?;
        self.currency_of(&cols, found.then_some(&first))
    }

    /// The field delimiter (`b';'` for the usual Russian spreadsheet export).
    #[must_use]
    pub fn delimiter(mut self, delimiter: u8) -> CsvImport {
        self.delimiter = delimiter;
        self
    }

    /// Reads amounts with a decimal comma (`1234,56`) instead of a point.
    /// Combine with a `;` delimiter.
    #[must_use]
    pub fn decimal_comma(mut self, yes: bool) -> CsvImport {
        self.decimal_comma = yes;
        self
    }

    /// Skips columns this import does not know instead of failing.
    #[must_use]
    pub fn ignore_unknown_columns(mut self, yes: bool) -> CsvImport {
        self.ignore_unknown_columns = yes;
        self
    }

    fn reader<R: Read>(&self, reader: R) -> csv::Reader<R> {
        self.reader_from(reader, true)
    }

    /// A reader with the import's settings; without headers for a range of
    /// a file after its first.
    fn reader_from<R: Read>(&self, reader: R, has_headers: bool) -> csv::Reader<R> {
        csv::ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(has_headers)
            .flexible(false)
            .buffer_capacity(1 << 16)
            .from_reader(reader)
    }

    /// Reads invoice lines into a new ledger, in the import's currency or
    /// the file's (see [`currency`](CsvImport::currency)).
    ///
    /// # Errors
    ///
    /// Any error of [`read_sales_into`](CsvImport::read_sales_into).
    pub fn read_sales<R: Read>(&self, reader: R) -> Result<Ledger> {
        let mut rdr = self.reader(reader);
        let cols = self.sale_columns(&mut rdr)?;
        let mut first = csv::ByteRecord::new();
        let found = rdr.read_byte_record(&mut first).map_err(csv_error)?;
        let first = found.then_some(first);
        let currency = match self.currency {
            Some(c) => c,
            None => self.currency_of(&cols, first.as_ref())?,
        };
        let mut ledger = self.new_ledger(currency);
        self.read_records(&mut ledger, &mut rdr, &cols, first)?;
        Ok(ledger)
    }

    /// Reads invoice lines from a file into a new ledger.
    ///
    /// Large files (from 32 MiB) are read in one range of the file per
    /// thread of the pool (feature `parallel`); the result, and the error
    /// for a bad line, are the same as reading them in one pass. A range
    /// without quotes and carriage returns, as most exports are, is split
    /// at its line breaks and delimiters directly, without the `csv`
    /// crate's state machine, with the same result.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened,
    /// [`ErrorKind::ThreadPool`] if the threads cannot start, and any error
    /// of [`read_sales_into`](CsvImport::read_sales_into).
    pub fn read_sales_path<P: AsRef<Path>>(&self, path: P) -> Result<Ledger> {
        let threads = crate::util::par::threads()?;
        self.read_path_in_parts(path.as_ref(), 32 << 20, threads)
    }

    /// [`read_sales_path`](CsvImport::read_sales_path) with the size from
    /// which a file is read by `parts` threads.
    fn read_path_in_parts(&self, path: &Path, min_size: u64, parts: usize) -> Result<Ledger> {
        let currency = self.currency_of_path(path)?;
        let mut ledger = self.new_ledger(currency);
        let size = std::fs::metadata(path)?.len();
        if size < min_size || parts < 2 {
            self.read_sales_into(&mut ledger, std::fs::File::open(path)?)?;
            return Ok(ledger);
        }
        match self.read_parallel(path, parts, &ledger)? {
            Some(ledger) => Ok(ledger),
            // A record spans two ranges (a line break inside quotes), or the
            // lines carry identities (recorded one by one).
            None => {
                self.read_sales_into(&mut ledger, std::fs::File::open(path)?)?;
                Ok(ledger)
            }
        }
    }

    /// Reads a file with `parts` threads, each parsing its own range of
    /// bytes into a batch of its own; the batches are then aggregated
    /// together, as one batch of the whole file.
    ///
    /// A range starts after a line break. That is a record boundary unless
    /// the break is inside a quoted field; so each thread but the last
    /// checks that its last record ends exactly where the next range
    /// starts. If one does not, the file is read again in one pass. Line
    /// numbers in a range count from its start and are shifted once the
    /// ranges before it are read. The result and the first error are those
    /// of a single pass; `None` if a range did not end where the next starts
    /// (the file is then to be read in one pass).
    fn read_parallel(&self, path: &Path, parts: usize, target: &Ledger) -> Result<Option<Ledger>> {
        let (cols, body) = {
            let mut rdr = self.reader(std::fs::File::open(path)?);
            let cols = self.sale_columns(&mut rdr)?;
            let pos = rdr.position();
            (cols, (pos.byte(), pos.line()))
        };
        if cols.line_id.is_some() || self.strict {
            return Ok(None);
        }
        self.check_currency_column(&cols, target)?;
        let starts = range_starts(path, body.0, parts)?;
        let ends: Vec<Option<u64>> = starts.iter().skip(1).map(|&s| Some(s)).chain([None]).collect();
        let ranges: Vec<(usize, u64, Option<u64>)> =
            starts.iter().zip(&ends).enumerate().map(|(k, (&start, &end))| (k, start, end)).collect();
        let reads: Vec<Result<RangeRead>> = crate::util::par::map_owned(ranges, |(k, start, end)| {
            // The first range's lines start after the header.
            let (from, line) = if k == 0 { body } else { (start, 1) };
            self.read_range(path, &cols, target, k == 0, (from, line), end)
        })?;
        // In file order: the first range with an error has the file's first
        // error (its start was checked by the range before it); a range that
        // does not end where the next starts means a quoted line break.
        let mut batches = Vec::with_capacity(reads.len());
        let mut line_at_start: u64 = 1;
        for read in reads {
            let shift = line_at_start - 1;
            let mut r = read?;
            r.batch.set_line_offset(shift);
            batches.push(r.batch);
            if let Some(e) = r.error {
                let e = match e.line() {
                    Some(line) => e.at_line(line.saturating_add(shift)),
                    None => e,
                };
                // Or an earlier line whose figures overflow, in this range
                // or before.
                return Err(crate::ledger::first_error_of(batches, e));
            }
            match r.stop {
                Stop::End => {}
                Stop::Boundary { line } => line_at_start = line.saturating_add(shift),
                Stop::Overshot => return Ok(None),
            }
        }
        let mut ledger = crate::ledger::finish_all(batches).map_err(invoice_column)?;
        let empty = target.clone();
        ledger = {
            let mut l = empty;
            l.merge(ledger)?;
            l
        };
        Ok(Some(ledger))
    }

    /// Reads the records from byte `start` (the first range: from the
    /// file's start, header included) to byte `end` into a batch: a plain
    /// range (see [`CsvImport::read_plain`]) from `from`, its first line
    /// numbered `line`, any other with the `csv` crate.
    fn read_range(
        &self,
        path: &Path,
        cols: &SaleColumns,
        target: &Ledger,
        first: bool,
        (from, line): (u64, u64),
        end: Option<u64>,
    ) -> Result<RangeRead> {
        let new_batch = || Batch::new(target.currency(), target.scale(), target.dates());
        let mut batch = new_batch();
        match self.read_plain(path, cols, &mut batch, target, (from, line), end)? {
            Plain::Read(stop) => return Ok(RangeRead { batch, stop, error: None }),
            Plain::Bad(e) => return Ok(RangeRead { batch, stop: Stop::End, error: Some(e) }),
            Plain::Quoted => {}
        }
        let start = if first { 0 } else { from };
        let mut file = std::fs::File::open(path)?;
        let mut rdr = if first {
            let mut rdr = self.reader(file);
            self.sale_columns(&mut rdr)?;
            rdr
        } else {
            std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(start))?;
            self.reader_from(file, false)
        };
        let base = if first { 0 } else { start };
        let mut batch = new_batch();
        let size = match end {
            Some(end) => end - base,
            None => std::fs::metadata(path)?.len().saturating_sub(base),
        };
        Ok(match self.read_part(&mut rdr, cols, &mut batch, target, end.map(|e| e - base), Some(size)) {
            Ok((_, stop)) => RangeRead { batch, stop, error: None },
            Err(e) => RangeRead { batch, stop: Stop::End, error: Some(e) },
        })
    }

    /// Reads a range of a file whose bytes hold no quote and no carriage
    /// return, as most exports are, without the `csv` crate. It gives
    /// [`Plain::Quoted`] as soon as a chunk holds either (or when the
    /// delimiter is one of them, or a line break), and the `csv` crate
    /// then reads the range instead, from its start.
    ///
    /// Without quotes and carriage returns, CSV is lines split at line
    /// breaks and fields at the delimiter, and this reads them as the
    /// `csv` crate does: empty lines are skipped, and a record's line is
    /// the line where the read for it started, after the record before
    /// (an empty line before a record does not move it). Field counts
    /// are checked against the header's, with the crate's message. The
    /// crate's state machine took 744 of a line's 2,515 instructions in
    /// the import (by callgrind; 17 a byte); here quotes and carriage
    /// returns are looked for with `memchr`'s vector search, and the line
    /// breaks and delimiters eight bytes at a time ([`Separators`]).
    ///
    /// `from` is the byte where the range's records start and `line` the
    /// line number there; `end` the byte where the next range starts
    /// (just after a line break), or `None` to the end of the file.
    fn read_plain(
        &self,
        path: &Path,
        cols: &SaleColumns,
        batch: &mut Batch,
        ledger: &Ledger,
        (from, mut line): (u64, u64),
        end: Option<u64>,
    ) -> Result<Plain> {
        use std::io::{Seek, SeekFrom};
        let delimiter = self.delimiter;
        if matches!(delimiter, b'"' | b'\r' | b'\n') {
            return Ok(Plain::Quoted);
        }
        let mut file = std::fs::File::open(path)?;
        let size = match end {
            Some(end) => end.saturating_sub(from),
            None => file.metadata()?.len().saturating_sub(from),
        };
        file.seek(SeekFrom::Start(from))?;
        let mut file = file.take(size);
        let mut buf = vec![0u8; PLAIN_CHUNK];
        // Bytes in `buf`, and where its first line not yet read starts.
        let (mut filled, mut at) = (0usize, 0usize);
        // Bytes of the range before `buf`.
        let mut before = 0u64;
        // Where each field of the line being read starts, and one past the
        // end of its last (field k is `bounds[k] .. bounds[k + 1] - 1`), as
        // far as the line has the header's fields; and how many delimiters
        // the line has so far. Written in place, where pushing each end to
        // a vector took 21 instructions a line more (by callgrind).
        let mut bounds: Vec<usize> = vec![0; cols.width + 1];
        let mut delimiters = 0usize;
        let mut dates = DateCache::new();
        let mut count = 0usize;
        // The line where the read for the next record started.
        let mut record_line = line;
        loop {
            if at > 0 {
                buf.copy_within(at..filled, 0);
                filled -= at;
                before += at as u64;
                at = 0;
            }
            if filled == buf.len() {
                // A line longer than the buffer.
                buf.resize(buf.len().saturating_mul(2), 0);
            }
            let n = file.read(buf.get_mut(filled..).unwrap_or_default())?;
            let fresh = buf.get(filled..filled + n).unwrap_or_default();
            if memchr::memchr2(b'"', b'\r', fresh).is_some() {
                return Ok(Plain::Quoted);
            }
            // The bytes before the fresh ones are the start of a line (the
            // complete lines were read), so its last break is among them.
            let last_break = memchr::memrchr(b'\n', fresh).map(|i| filled + i);
            filled += n;
            let eof = n == 0;
            let data = buf.get(..filled).unwrap_or_default();
            // The complete lines; at the end, the last line without a break.
            let complete = match (eof, last_break) {
                (true, _) => filled,
                (false, Some(i)) => i + 1,
                (false, None) => continue,
            };
            if eof && end.is_some() && complete > 0 && data.get(complete - 1) != Some(&b'\n') {
                // A range ends after a line break; this one does not.
                return Ok(Plain::Quoted);
            }
            let lines = data.get(..complete).unwrap_or_default();
            let mut start = 0usize;
            let breaks = Separators::new(lines, delimiter, b'\n').chain(eof.then_some(complete));
            for pos in breaks {
                let line_end = pos == complete || lines.get(pos) == Some(&b'\n');
                if !line_end {
                    delimiters += 1;
                    if let Some(bound) = bounds.get_mut(delimiters) {
                        *bound = pos + 1;
                    }
                    continue;
                }
                if pos == start && delimiters == 0 {
                    // An empty line: skipped, the record's line kept.
                    if pos < complete {
                        line += 1;
                    }
                    start = pos + 1;
                    continue;
                }
                let fields = delimiters + 1;
                let result = if fields == cols.width {
                    if let Some(first) = bounds.first_mut() {
                        *first = start;
                    }
                    if let Some(last) = bounds.get_mut(fields) {
                        *last = pos + 1;
                    }
                    let bounds = bounds.as_slice();
                    let field = |k: usize| match (bounds.get(k), bounds.get(k + 1)) {
                        // `to` is one past a field's end, so at least 1.
                        (Some(&from), Some(&to)) => {
                            to.checked_sub(1).and_then(|to| lines.get(from..to)).unwrap_or_default()
                        }
                        _ => &[],
                    };
                    self.sale_line(field, record_line, cols, batch, ledger, &mut dates)
                } else {
                    Err(wrong_field_count(fields, cols.width))
                };
                if let Err(e) = result {
                    return Ok(Plain::Bad(e.at_line(record_line)));
                }
                delimiters = 0;
                count += 1;
                expect_after_sample(batch, count, size, before + pos as u64 + 1);
                if pos < complete {
                    line += 1;
                }
                record_line = line;
                start = pos + 1;
            }
            at = complete;
            if eof {
                break;
            }
        }
        Ok(Plain::Read(match end {
            None => Stop::End,
            // Empty lines at the end of a range: the `csv` crate reads on
            // past them into the next range, and so the file is read again
            // in one pass, where the next range's first record takes its
            // line from the record before those lines.
            Some(_) if record_line != line => Stop::Overshot,
            Some(_) => Stop::Boundary { line },
        }))
    }

    /// Reads records into `batch` until the reader reaches byte `stop_at`
    /// (relative to where it started), or to the end. `size` is how many
    /// bytes there are to read, if known. Returns the number of records
    /// taken and where it stopped.
    fn read_part<R: Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        cols: &SaleColumns,
        batch: &mut Batch,
        ledger: &Ledger,
        stop_at: Option<u64>,
        size: Option<u64>,
    ) -> Result<(usize, Stop)> {
        let mut record = csv::ByteRecord::new();
        let mut dates = DateCache::new();
        let mut count = 0usize;
        loop {
            if let Some(stop_at) = stop_at {
                let pos = rdr.position();
                if pos.byte() == stop_at {
                    return Ok((count, Stop::Boundary { line: pos.line() }));
                }
                // After a record ended by CR LF the reader stands on the LF,
                // the last byte before the next range (ranges start after
                // a line break).
                if pos.byte().checked_add(1) == Some(stop_at) {
                    return Ok((count, Stop::Boundary { line: pos.line().saturating_add(1) }));
                }
                if pos.byte() > stop_at {
                    return Ok((count, Stop::Overshot));
                }
            }
            match rdr.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok((count, if stop_at.is_some() { Stop::Overshot } else { Stop::End })),
                Err(e) => return Err(csv_error(e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            if record.len() != cols.width {
                return Err(wrong_field_count(record.len(), cols.width).at_line(line));
            }
            self.sale_line(|pos| record.get(pos).unwrap_or_default(), line, cols, batch, ledger, &mut dates)
                .map_err(|e| e.at_line(line))?;
            count += 1;
            if let Some(size) = size {
                expect_after_sample(batch, count, size, rdr.position().byte());
            }
        }
    }

    /// A file without a currency column is in the import's currency, which
    /// must be the ledger's.
    fn check_currency_column(&self, cols: &SaleColumns, ledger: &Ledger) -> Result<()> {
        match self.currency {
            Some(c) if cols.currency.is_none() && c != ledger.currency() => {
                Err(Error::currency_mismatch(ledger.currency(), c))
            }
            _ => Ok(()),
        }
    }

    /// Reads invoice lines into `ledger`, all or nothing, and says how many
    /// lines were recorded and how many skipped as replays (lines with a
    /// `line_id` the ledger knows). In a file without a `currency` column
    /// every line is in the import's currency
    /// ([`currency`](CsvImport::currency), if set), which must then be the
    /// ledger's.
    ///
    /// # Errors
    ///
    /// On the first problem, with its line and column; `ledger` is unchanged:
    ///
    /// - [`ErrorKind::MissingColumn`], [`ErrorKind::UnknownColumn`],
    ///   [`ErrorKind::DuplicateColumn`]: the header;
    /// - [`ErrorKind::Csv`]: malformed CSV (a line with the wrong number of
    ///   fields, unbalanced quotes, text that is not UTF-8);
    /// - [`ErrorKind::InvalidValue`]: a field that does not parse (an amount
    ///   like `12,5x`, a date that is not `YYYY-MM-DD`, margin and cost both
    ///   given);
    /// - [`ErrorKind::InvalidPartnerId`], [`ErrorKind::InvalidInvoiceId`],
    ///   [`ErrorKind::InvalidCurrency`]: a malformed id or code;
    /// - and every error of [`Ledger::record_all`] (another currency than
    ///   the ledger's, more decimal places than it keeps, a resent invoice, an
    ///   overflow), with the line;
    /// - [`ErrorKind::CurrencyMismatch`]: a line (or, without a `currency`
    ///   column, the import) in another currency than the ledger's;
    /// - [`ErrorKind::DateOutOfRange`]: a date outside the import's
    ///   [`dates`](CsvImport::dates) (or the ledger's);
    /// - [`ErrorKind::MissingColumn`] (`line_id`) for a
    ///   [`strict`](CsvImport::strict) import of a file without line ids;
    /// - [`ErrorKind::Io`]: reading failed.
    pub fn read_sales_into<R: Read>(&self, ledger: &mut Ledger, reader: R) -> Result<Recorded> {
        let mut rdr = self.reader(reader);
        let cols = self.sale_columns(&mut rdr)?;
        self.read_records(ledger, &mut rdr, &cols, None)
    }

    /// Reads the records after the header (`first`, if the first was read
    /// already) into `ledger`.
    fn read_records<R: Read>(
        &self,
        ledger: &mut Ledger,
        rdr: &mut csv::Reader<R>,
        cols: &SaleColumns,
        first: Option<csv::ByteRecord>,
    ) -> Result<Recorded> {
        self.check_currency_column(cols, ledger)?;
        if self.strict && cols.line_id.is_none() {
            return Err(Error::from(ErrorKind::MissingColumn { column: "line_id" }).at_line(1));
        }
        if cols.line_id.is_some() {
            return self.read_as_sales(ledger, rdr, cols, first);
        }
        let mut batch = Batch::new(ledger.currency(), ledger.scale(), self.dates_for(ledger));
        let mut count = 0usize;
        if let Some(record) = &first {
            let line = record.position().map_or(2, csv::Position::line);
            if let Err(e) = self
                .sale_line(
                    |pos| record.get(pos).unwrap_or_default(),
                    line,
                    cols,
                    &mut batch,
                    ledger,
                    &mut DateCache::new(),
                )
                .map_err(|e| e.at_line(line))
            {
                return Err(batch.first_error(e));
            }
            count += 1;
        }
        match self.read_part(rdr, cols, &mut batch, ledger, None, None) {
            Ok((n, _)) => count += n,
            Err(e) => return Err(batch.first_error(e)),
        }
        let delta = batch.finish().map_err(invoice_column)?;
        ledger.merge(delta)?;
        Ok(Recorded { recorded: count, replays: 0 })
    }

    /// The dates a read into `ledger` accepts: the import's, within the
    /// ledger's.
    fn dates_for(&self, ledger: &Ledger) -> DateRange {
        let (mine, theirs) = (self.dates, ledger.dates());
        DateRange::new(mine.first().max(theirs.first()), mine.last().min(theirs.last())).unwrap_or(theirs)
    }

    /// Reads a file whose lines may carry identities: every line becomes a
    /// [`Sale`], and the lines go to [`Ledger::record_all`] together.
    fn read_as_sales<R: Read>(
        &self,
        ledger: &mut Ledger,
        rdr: &mut csv::Reader<R>,
        cols: &SaleColumns,
        first: Option<csv::ByteRecord>,
    ) -> Result<Recorded> {
        let currency = ledger.currency();
        let scale = ledger.scale();
        let dates = self.dates_for(ledger);
        let mut sales: Vec<Sale> = Vec::new();
        let mut lines: Vec<u64> = Vec::new();
        let mut record = csv::ByteRecord::new();
        let mut take = |record: &csv::ByteRecord| -> Result<()> {
            let line = record.position().map_or(0, csv::Position::line);
            if record.len() != cols.width {
                return Err(wrong_field_count(record.len(), cols.width).at_line(line));
            }
            let sale = self.sale_of(record, cols, currency, scale, &dates).map_err(|e| e.at_line(line))?;
            if self.strict && !sale.has_identity() {
                return Err(Error::value("line_id", "", "a strict import takes only lines with an identity")
                    .at_line(line)
                    .at_column("line_id"));
            }
            sales.push(sale);
            lines.push(line);
            Ok(())
        };
        if let Some(first) = &first {
            take(first)?;
        }
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => take(&record)?,
                Ok(false) => break,
                Err(e) => return Err(csv_error(e)),
            }
        }
        ledger.record_all(&sales).map_err(|e| {
            let e = match e.line().and_then(|k| lines.get(usize::try_from(k).ok()?.checked_sub(1)?)) {
                Some(&line) => e.at_line(line),
                None => e,
            };
            match e.kind() {
                ErrorKind::LineConflict { .. } => e.at_column("line_id"),
                ErrorKind::InvalidInvoiceId { .. }
                | ErrorKind::DuplicateInvoice { .. }
                | ErrorKind::InvoicePartnerConflict { .. } => e.at_column("invoice_id"),
                _ => e,
            }
        })
    }

    fn sale_columns<R: Read>(&self, rdr: &mut csv::Reader<R>) -> Result<SaleColumns> {
        let headers = rdr.byte_headers().map_err(csv_error)?.clone();
        let mut found: [Option<usize>; 10] = [None; 10];
        let names = [
            "partner_id",
            "date",
            "amount",
            "currency",
            "invoice_id",
            "margin",
            "cost",
            "due_date",
            "paid_date",
            "line_id",
        ];
        for (pos, raw) in headers.iter().enumerate() {
            let name = header_name(raw, pos).map_err(|e| e.at_line(1))?;
            match names.iter().position(|n| *n == name) {
                Some(k) => {
                    if found[k].is_some() {
                        return Err(Error::from(ErrorKind::DuplicateColumn { column: name }).at_line(1));
                    }
                    found[k] = Some(pos);
                }
                None if self.ignore_unknown_columns => {}
                None => {
                    return Err(Error::from(ErrorKind::UnknownColumn {
                        column: crate::error::shorten(&name),
                        expected: SALE_COLUMNS,
                    })
                    .at_line(1));
                }
            }
        }
        let required =
            |k: usize| found[k].ok_or_else(|| Error::from(ErrorKind::MissingColumn { column: names[k] }).at_line(1));
        Ok(SaleColumns {
            width: headers.len(),
            partner: required(0)?,
            date: required(1)?,
            amount: required(2)?,
            currency: found[3],
            invoice: found[4],
            margin: found[5],
            cost: found[6],
            due: found[7],
            paid: found[8],
            line_id: found[9],
        })
    }

    /// One record as a [`Sale`] (for files whose lines carry identities).
    fn sale_of(
        &self,
        record: &csv::ByteRecord,
        cols: &SaleColumns,
        currency: Currency,
        scale: u32,
        dates: &DateRange,
    ) -> Result<Sale> {
        let field = |pos: usize| record.get(pos).unwrap_or_default();
        let optional = |pos: Option<usize>| pos.map(&field).filter(|f| !f.is_empty());
        let partner = text(field(cols.partner), "partner_id")?;
        let id = PartnerId::new(partner).map_err(|e| e.at_column("partner_id"))?;
        let at = |e: Error, column: &str| e.for_partner(&id).at_column(column);
        let date = parse_date(field(cols.date)).map_err(|e| at(e, "date"))?;
        if let Some(raw) = optional(cols.currency) {
            let code = text(raw, "currency")?;
            let found = Currency::new(code).map_err(|e| at(e, "currency"))?;
            if found != currency {
                return Err(at(Error::currency_mismatch(currency, found), "currency"));
            }
        }
        let decimal = |raw: &[u8], name: &str| {
            parse_amount(raw, scale, self.decimal_comma, name).map(|v| Decimal::new(v, scale)).map_err(|e| at(e, name))
        };
        let amount = decimal(field(cols.amount), "amount")?;
        let mut sale = Sale::new(id.clone(), date, crate::money::Money::new(amount, currency));
        match (optional(cols.margin), optional(cols.cost)) {
            (Some(_), Some(_)) => {
                return Err(at(Error::value("margin", "", "a line gives a margin or a cost, not both"), "cost"));
            }
            (Some(raw), None) => sale = sale.with_margin(decimal(raw, "margin")?),
            (None, Some(raw)) => sale = sale.with_cost(decimal(raw, "cost")?),
            (None, None) => {}
        }
        if let Some(raw) = optional(cols.invoice) {
            sale = sale.with_invoice(text(raw, "invoice_id")?);
        }
        if let Some(raw) = optional(cols.line_id) {
            sale = sale.with_line_id(text(raw, "line_id")?);
        }
        if let Some(raw) = optional(cols.due) {
            sale = sale.with_due_date(parse_date(raw).map_err(|e| at(e, "due_date"))?);
        }
        if let Some(raw) = optional(cols.paid) {
            sale = sale.with_paid_date(parse_date(raw).map_err(|e| at(e, "paid_date"))?);
        }
        crate::ledger::check_line_dates(dates, sale.date(), sale.due_date(), sale.paid_date())
            .map_err(|e| e.for_partner(&id))?;
        Ok(sale)
    }

    /// Checks one line, given by its fields (`field` of a column's
    /// position), and buffers it in `batch`.
    fn sale_line<'r>(
        &self,
        field: impl Fn(usize) -> &'r [u8],
        line_no: u64,
        cols: &SaleColumns,
        batch: &mut Batch,
        ledger: &Ledger,
        dates: &mut DateCache,
    ) -> Result<()> {
        let scale = batch.scale();
        let optional = |pos: Option<usize>| pos.map(&field).filter(|f| !f.is_empty());

        let partner = id_text(field(cols.partner), "partner_id")?;
        let with_partner = |e: Error| match PartnerId::new(&partner.text()) {
            Ok(id) => e.for_partner(&id),
            Err(_) => e,
        };
        let date = dates.parse(field(cols.date)).map_err(|e| with_partner(e.at_column("date")))?;
        if let Some(raw) = optional(cols.currency) {
            let code = text(raw, "currency")?;
            let currency = Currency::new(code).map_err(|e| with_partner(e.at_column("currency")))?;
            if currency != batch.currency() {
                return Err(with_partner(Error::currency_mismatch(batch.currency(), currency).at_column("currency")));
            }
        }
        let amount = parse_amount(field(cols.amount), scale, self.decimal_comma, "amount")
            .map_err(|e| with_partner(e.at_column("amount")))?;
        let margin =
            match (optional(cols.margin), optional(cols.cost)) {
                (Some(_), Some(_)) => {
                    return Err(with_partner(
                        Error::value("margin", "", "a line gives a margin or a cost, not both").at_column("cost"),
                    ));
                }
                (Some(raw), None) => Some(
                    parse_amount(raw, scale, self.decimal_comma, "margin")
                        .map_err(|e| with_partner(e.at_column("margin")))?,
                ),
                (None, Some(raw)) => {
                    let cost = parse_amount(raw, scale, self.decimal_comma, "cost")
                        .map_err(|e| with_partner(e.at_column("cost")))?;
                    Some(amount.checked_sub(cost).ok_or_else(|| {
                        with_partner(Error::overflow("the margin (amount minus cost)").at_column("cost"))
                    })?)
                }
                (None, None) => None,
            };
        let invoice = match optional(cols.invoice) {
            Some(raw) => Some(id_text(raw, "invoice_id")?),
            None => None,
        };
        let due = optional(cols.due)
            .map(|raw| dates.parse(raw))
            .transpose()
            .map_err(|e| with_partner(e.at_column("due_date")))?;
        let paid = optional(cols.paid)
            .map(|raw| dates.parse(raw))
            .transpose()
            .map_err(|e| with_partner(e.at_column("paid_date")))?;
        let line = Line { date, amount, margin, invoice, due_date: due, paid_date: paid };
        batch.add_parsed(PartnerKey::Text(partner), &line, line_no, ledger.invoice_set()).map_err(|e| {
            let e = with_partner(e);
            if matches!(e.kind(), ErrorKind::InvalidPartnerId { .. }) {
                e.at_column("partner_id")
            } else if matches!(
                e.kind(),
                ErrorKind::InvalidInvoiceId { .. }
                    | ErrorKind::DuplicateInvoice { .. }
                    | ErrorKind::InvoicePartnerConflict { .. }
            ) {
                e.at_column("invoice_id")
            } else {
                e
            }
        })
    }

    /// Reads partners from CSV.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MissingColumn`] without a `partner_id` column;
    /// [`ErrorKind::DuplicateColumn`]; [`ErrorKind::Csv`] for malformed CSV;
    /// [`ErrorKind::InvalidPartnerId`] and [`ErrorKind::InvalidValue`] (a
    /// `start_date` that is not `YYYY-MM-DD`) with line and column;
    /// [`ErrorKind::DuplicatePartner`] for a partner listed twice (naming
    /// the first line); [`ErrorKind::Io`].
    pub fn read_partners<R: Read>(&self, reader: R) -> Result<Vec<Partner>> {
        let mut rdr = self.reader(reader);
        let headers = rdr.byte_headers().map_err(csv_error)?.clone();
        let mut names = Vec::with_capacity(headers.len());
        for (pos, raw) in headers.iter().enumerate() {
            let name = header_name(raw, pos).map_err(|e| e.at_line(1))?;
            if names.contains(&name) {
                return Err(Error::from(ErrorKind::DuplicateColumn { column: name }).at_line(1));
            }
            names.push(name);
        }
        let Some(id_col) = names.iter().position(|n| n == "partner_id") else {
            return Err(Error::from(ErrorKind::MissingColumn { column: "partner_id" }).at_line(1));
        };
        let mut seen: std::collections::HashMap<PartnerId, u64> = std::collections::HashMap::new();
        let mut partners = Vec::new();
        let mut record = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(csv_error(e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let at = |e: Error, col: &str| e.at_line(line).at_column(col);
            let raw_id = record.get(id_col).unwrap_or_default();
            let id = text(raw_id, "partner_id").and_then(PartnerId::new).map_err(|e| at(e, "partner_id"))?;
            if let Some(&first) = seen.get(&id) {
                return Err(Error::duplicate_partner(&id, Some(first)).at_line(line));
            }
            seen.insert(id.clone(), line);
            let mut partner = Partner::new(id.clone());
            for (pos, name) in names.iter().enumerate() {
                if pos == id_col {
                    continue;
                }
                let raw = record.get(pos).unwrap_or_default();
                if raw.is_empty() {
                    continue;
                }
                let value = text(raw, name).map_err(|e| at(e, name).for_partner(&id))?;
                match name.as_str() {
                    "name" => partner.name = Some(value.to_owned()),
                    "region" => partner.region = Some(value.to_owned()),
                    "specialisation" => partner.specialisation = Some(value.to_owned()),
                    "start_date" => {
                        partner.start_date = Some(parse_date(raw).map_err(|e| at(e, "start_date").for_partner(&id))?);
                    }
                    other => {
                        partner.attributes.insert(other.to_owned(), value.to_owned());
                    }
                }
            }
            partners.push(partner);
        }
        Ok(partners)
    }

    /// Reads partners from a file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened, and any error of
    /// [`read_partners`](CsvImport::read_partners).
    pub fn read_partners_path<P: AsRef<Path>>(&self, path: P) -> Result<Vec<Partner>> {
        let file = std::fs::File::open(path)?;
        self.read_partners(file)
    }
}

impl CsvImport {
    /// Reads monthly figures (the columns of the [module docs](super)) into
    /// a new ledger, in the import's currency (RUB unless set) or the
    /// file's `currency` column.
    ///
    /// # Example
    ///
    /// ```
    /// use partner_priority::import::CsvImport;
    ///
    /// let data = "\
    /// partner_id,month,turnover,deals,due_date,paid_date,receivable
    /// D-1,2025-03,120000.00,2,2025-04-15,2025-04-10,100000.00
    /// D-1,2025-03,120000.00,2,2025-04-30,,20000.00
    /// D-2,2025-03,5000,1,,,
    /// ";
    /// let ledger = CsvImport::new().read_monthly(data.as_bytes())?;
    /// assert_eq!(ledger.partner_count(), 2);
    /// # Ok::<(), partner_priority::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`monthly_figures`](CsvImport::monthly_figures), and every error
    /// of [`Ledger::add_monthly_all`] (a month outside the import's dates,
    /// a due date before its month, an amount the ledger cannot keep),
    /// naming the first line of the bad figures.
    pub fn read_monthly<R: Read>(&self, reader: R) -> Result<Ledger> {
        let records = self.monthly_records(reader)?;
        self.monthly_table(&records)?.into_ledger(self.dates, false)
    }

    /// Reads monthly figures from a file into a new ledger.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened, and every error of
    /// [`read_monthly`](CsvImport::read_monthly).
    pub fn read_monthly_path<P: AsRef<Path>>(&self, path: P) -> Result<Ledger> {
        self.read_monthly(std::fs::File::open(path)?)
    }

    /// Reads monthly figures, by partner and month.
    ///
    /// # Errors
    ///
    /// On the first problem, with its line and column: the header's
    /// ([`ErrorKind::MissingColumn`], [`ErrorKind::UnknownColumn`],
    /// [`ErrorKind::DuplicateColumn`]), [`ErrorKind::Csv`],
    /// [`ErrorKind::InvalidValue`] (a malformed month, amount, count or
    /// date, a positive credit-note total, a receivable without its due
    /// date or amount, figures that differ between the lines of one
    /// month), [`ErrorKind::InvalidPartnerId`],
    /// [`ErrorKind::CurrencyMismatch`] and
    /// [`ErrorKind::DuplicateMonthlyFigures`] (the same partner, month, due
    /// date and paid date twice); [`ErrorKind::Io`].
    pub fn monthly_figures<R: Read>(&self, reader: R) -> Result<Vec<crate::ledger::MonthlyFigures>> {
        let records = self.monthly_records(reader)?;
        self.monthly_table(&records)?.finish()
    }

    /// The header's column positions and the records of a monthly-figures
    /// file.
    fn monthly_records<R: Read>(&self, reader: R) -> Result<(MonthlyColumns, Vec<csv::StringRecord>)> {
        let mut rdr = self.reader(reader);
        let headers = rdr.byte_headers().map_err(csv_error)?.clone();
        let mut found: [Option<usize>; 12] = [None; 12];
        for (pos, raw) in headers.iter().enumerate() {
            let name = header_name(raw, pos).map_err(|e| e.at_line(1))?;
            match MONTHLY_NAMES.iter().position(|n| *n == name) {
                Some(k) => {
                    if found[k].is_some() {
                        return Err(Error::from(ErrorKind::DuplicateColumn { column: name }).at_line(1));
                    }
                    found[k] = Some(pos);
                }
                None if self.ignore_unknown_columns => {}
                None => {
                    return Err(Error::from(ErrorKind::UnknownColumn {
                        column: crate::error::shorten(&name),
                        expected: super::MONTHLY_COLUMNS,
                    })
                    .at_line(1));
                }
            }
        }
        for k in 0..3 {
            if found[k].is_none() {
                return Err(Error::from(ErrorKind::MissingColumn { column: MONTHLY_NAMES[k] }).at_line(1));
            }
        }
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        loop {
            match rdr.read_record(&mut record) {
                Ok(true) => records.push(record.clone()),
                Ok(false) => break,
                Err(e) => return Err(csv_error(e)),
            }
        }
        Ok((MonthlyColumns { found, width: headers.len() }, records))
    }

    fn monthly_table<'a>(
        &self,
        (cols, records): &'a (MonthlyColumns, Vec<csv::StringRecord>),
    ) -> Result<super::MonthlyTable<'a>> {
        let currency = self.currency.unwrap_or(Currency::RUB);
        let currency = match (self.currency, cols.found[8], records.first()) {
            (None, Some(pos), Some(first)) => match first.get(pos).filter(|c| !c.is_empty()) {
                Some(code) => {
                    let line = first.position().map_or(2, csv::Position::line);
                    Currency::new(code).map_err(|e| e.at_line(line).at_column("currency"))?
                }
                None => currency,
            },
            _ => currency,
        };
        let scale = Ledger::new(currency).scale();
        let mut table = super::MonthlyTable::new(currency, "line");
        table.reserve(records.len());
        for record in records {
            let line = record.position().map_or(0, csv::Position::line);
            if record.len() != cols.width {
                return Err(wrong_field_count(record.len(), cols.width).at_line(line));
            }
            let field = |k: usize| cols.found[k].and_then(|pos| record.get(pos)).filter(|f| !f.is_empty());
            let parsed = (|| -> Result<super::MonthlyRow<'a>> {
                let name = |k: usize| MONTHLY_NAMES[k];
                let required = |k: usize| {
                    field(k).ok_or_else(|| Error::value(name(k), "", "a required field is empty").at_column(name(k)))
                };
                let amount = |k: usize| -> Result<Option<Decimal>> {
                    field(k)
                        .map(|raw| {
                            parse_amount(raw.as_bytes(), scale, self.decimal_comma, name(k))
                                .map(|v| Decimal::new(v, scale))
                                .map_err(|e| e.at_column(name(k)))
                        })
                        .transpose()
                };
                let count = |k: usize| -> Result<u32> {
                    field(k).map_or(Ok(0), |raw| {
                        raw.trim().parse::<u32>().map_err(|_| {
                            Error::value(name(k), raw, "expected a count 0 … 4294967295").at_column(name(k))
                        })
                    })
                };
                let date = |k: usize| -> Result<Option<chrono::NaiveDate>> {
                    field(k).map(|raw| parse_date(raw.as_bytes()).map_err(|e| e.at_column(name(k)))).transpose()
                };
                let partner = required(0)?;
                let month_text = required(1)?;
                let month = month_text
                    .parse::<crate::period::Month>()
                    .map_err(|_| Error::value("month", month_text, "expected a month YYYY-MM").at_column("month"))?;
                let margin_complete = match field(7) {
                    None => None,
                    Some(raw) => Some(match raw.trim() {
                        "true" | "TRUE" | "True" | "1" => true,
                        "false" | "FALSE" | "False" | "0" => false,
                        other => {
                            return Err(Error::value("margin_complete", other, "expected true or false")
                                .at_column("margin_complete"));
                        }
                    }),
                };
                let currency = match field(8) {
                    Some(code) => Some(Currency::new(code).map_err(|e| e.at_column("currency"))?),
                    None => None,
                };
                Ok(super::MonthlyRow {
                    partner,
                    month,
                    currency,
                    turnover: amount(2)?.ok_or_else(|| {
                        Error::value("turnover", "", "a required field is empty").at_column("turnover")
                    })?,
                    credit_notes: amount(3)?.unwrap_or(Decimal::ZERO),
                    credit_note_count: count(4)?,
                    deals: count(5)?,
                    margin: amount(6)?,
                    margin_complete,
                    due_date: date(9)?,
                    paid_date: date(10)?,
                    receivable: amount(11)?,
                })
            })();
            let with_partner = |e: Error| match field(0).map(PartnerId::new) {
                Some(Ok(id)) => e.for_partner(&id),
                _ => e,
            };
            let parsed = parsed.map_err(|e| with_partner(e.at_line(line)))?;
            table.add(parsed, line).map_err(|e| with_partner(e.at_line(line)))?;
        }
        Ok(table)
    }
}

/// The columns of a monthly-figures file, in the order of the module docs.
const MONTHLY_NAMES: [&str; 12] = [
    "partner_id",
    "month",
    "turnover",
    "credit_notes",
    "credit_note_count",
    "deals",
    "margin",
    "margin_complete",
    "currency",
    "due_date",
    "paid_date",
    "receivable",
];

/// Where the columns of a monthly-figures file are.
struct MonthlyColumns {
    found: [Option<usize>; 12],
    width: usize,
}

/// The columns of a risk-facts CSV.
const RISK_COLUMNS: &str = "partner_id, insolvency, credit_rating, credit_limit, credit_used, on_time_delivery, \
    defect_rate, return_rate, complaints, negative_reviews, violations, open_disputes, contract_breaches, court_cases";

impl CsvImport {
    /// Reads risk facts from CSV: a `partner_id` column and any of the
    /// [`RiskFacts`] fields as columns (`insolvency` as `true`/`false`,
    /// `yes`/`no`, `1`/`0` or `да`/`нет`; `credit_rating` as a letter grade;
    /// rates in percent; counts as whole numbers). Empty fields are unknown.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MissingColumn`], [`ErrorKind::UnknownColumn`] (unless
    /// unknown columns are ignored), [`ErrorKind::DuplicateColumn`];
    /// [`ErrorKind::Csv`]; [`ErrorKind::InvalidValue`] and
    /// [`ErrorKind::InvalidPartnerId`] with line and column (including the
    /// checks of [`RiskFacts::check`]); [`ErrorKind::DuplicatePartner`];
    /// [`ErrorKind::Io`].
    pub fn read_risk_facts<R: Read>(&self, reader: R) -> Result<Vec<RiskFacts>> {
        let mut rdr = self.reader(reader);
        let headers = rdr.byte_headers().map_err(csv_error)?.clone();
        let known: Vec<&str> = RISK_COLUMNS.split(',').map(str::trim).collect();
        let mut columns: Vec<Option<&str>> = Vec::with_capacity(headers.len());
        for (pos, raw) in headers.iter().enumerate() {
            let name = header_name(raw, pos).map_err(|e| e.at_line(1))?;
            match known.iter().find(|k| **k == name) {
                Some(k) if columns.contains(&Some(*k)) => {
                    return Err(Error::from(ErrorKind::DuplicateColumn { column: name }).at_line(1));
                }
                Some(k) => columns.push(Some(*k)),
                None if self.ignore_unknown_columns => columns.push(None),
                None => {
                    return Err(Error::from(ErrorKind::UnknownColumn {
                        column: crate::error::shorten(&name),
                        expected: RISK_COLUMNS,
                    })
                    .at_line(1));
                }
            }
        }
        let Some(id_col) = columns.iter().position(|c| *c == Some("partner_id")) else {
            return Err(Error::from(ErrorKind::MissingColumn { column: "partner_id" }).at_line(1));
        };
        let mut seen: std::collections::HashMap<PartnerId, u64> = std::collections::HashMap::new();
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        loop {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => return Err(csv_error(e)),
            }
            let line = record.position().map_or(0, csv::Position::line);
            let id = text(record.get(id_col).unwrap_or_default(), "partner_id")
                .and_then(PartnerId::new)
                .map_err(|e| e.at_line(line).at_column("partner_id"))?;
            if let Some(&first) = seen.get(&id) {
                return Err(Error::duplicate_partner(&id, Some(first)).at_line(line));
            }
            seen.insert(id.clone(), line);
            let mut facts = RiskFacts::new(id.clone());
            for (pos, column) in columns.iter().enumerate() {
                let Some(column) = column else { continue };
                let raw = record.get(pos).unwrap_or_default();
                if *column == "partner_id" || raw.is_empty() {
                    continue;
                }
                text(raw, column)
                    .and_then(|value| set_fact(&mut facts, column, value, self.decimal_comma))
                    .map_err(|e| e.at_line(line).at_column(column).for_partner(&id))?;
            }
            facts.check().map_err(|e| {
                let field = match e.kind() {
                    ErrorKind::InvalidValue { field, .. } => Some(field.clone()),
                    _ => None,
                };
                match field {
                    Some(f) => e.at_line(line).at_column(&f),
                    None => e.at_line(line),
                }
            })?;
            out.push(facts);
        }
        Ok(out)
    }

    /// Reads risk facts from a file.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the file cannot be opened, and any error of
    /// [`read_risk_facts`](CsvImport::read_risk_facts).
    pub fn read_risk_facts_path<P: AsRef<Path>>(&self, path: P) -> Result<Vec<RiskFacts>> {
        let file = std::fs::File::open(path)?;
        self.read_risk_facts(file)
    }
}

fn set_fact(f: &mut RiskFacts, column: &str, value: &str, decimal_comma: bool) -> Result<()> {
    let decimal = || parse_decimal(value, decimal_comma, column);
    let count = || value.trim().parse::<u32>().map_err(|_| Error::value(column, value, "expected a whole number"));
    match column {
        "insolvency" => {
            f.insolvency = Some(match value.trim().to_lowercase().as_str() {
                "true" | "yes" | "1" | "да" => true,
                "false" | "no" | "0" | "нет" => false,
                _ => return Err(Error::value(column, value, "expected true or false")),
            });
        }
        "credit_rating" => f.credit_rating = Some(CreditRating::parse(value)?),
        "credit_limit" => f.credit_limit = Some(decimal()?),
        "credit_used" => f.credit_used = Some(decimal()?),
        "on_time_delivery" => f.on_time_delivery = Some(decimal()?),
        "defect_rate" => f.defect_rate = Some(decimal()?),
        "return_rate" => f.return_rate = Some(decimal()?),
        "complaints" => f.complaints = Some(count()?),
        "negative_reviews" => f.negative_reviews = Some(count()?),
        "violations" => f.violations = Some(count()?),
        "open_disputes" => f.open_disputes = Some(count()?),
        "contract_breaches" => f.contract_breaches = Some(count()?),
        "court_cases" => f.court_cases = Some(count()?),
        _ => {}
    }
    Ok(())
}

/// An invoice with lines for two partners is an `invoice_id` problem.
fn invoice_column(e: Error) -> Error {
    match e.kind() {
        ErrorKind::InvoicePartnerConflict { .. } => e.at_column("invoice_id"),
        _ => e,
    }
}

/// A line with `len` fields where the header has `header`: the message of
/// the `csv` crate's own check, as [`csv_error`] gives it, for the checks
/// the import makes itself.
fn wrong_field_count(len: impl std::fmt::Display, header: impl std::fmt::Display) -> Error {
    Error::from(ErrorKind::Csv { message: format!("the line has {len} fields, the header has {header}") })
}

pub(crate) fn csv_error(err: csv::Error) -> Error {
    let line = err.position().map(csv::Position::line);
    let error = match err.into_kind() {
        csv::ErrorKind::Io(io) => Error::from(io),
        csv::ErrorKind::Utf8 { err, .. } => {
            Error::from(ErrorKind::Csv { message: format!("field {} is not valid UTF-8", err.field() + 1) })
        }
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => wrong_field_count(len, expected_len),
        other => Error::from(ErrorKind::Csv { message: format!("{other:?}") }),
    };
    match line {
        Some(line) => error.at_line(line),
        None => error,
    }
}

/// A header name: UTF-8, without a byte-order mark, trimmed.
pub(crate) fn header_name(raw: &[u8], pos: usize) -> Result<String> {
    let raw = if pos == 0 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw) } else { raw };
    let name = std::str::from_utf8(raw)
        .map_err(|_| ErrorKind::Csv { message: format!("header field {} is not valid UTF-8", pos + 1) })?;
    Ok(name.trim().to_owned())
}

/// A field as UTF-8 text.
pub(crate) fn text<'a>(raw: &'a [u8], column: &str) -> Result<&'a str> {
    std::str::from_utf8(raw).map_err(|_| {
        Error::from(ErrorKind::Csv { message: "the field is not valid UTF-8".to_owned() }).at_column(column)
    })
}

/// An id field: a plain id as it is (see [`IdText::Plain`]), any other as
/// UTF-8 text, to be checked as an id when the line is added.
#[inline]
fn id_text<'a>(raw: &'a [u8], column: &str) -> Result<IdText<'a>> {
    match PlainId::of(raw) {
        Some(plain) => Ok(IdText::Plain(plain)),
        None => text(raw, column).map(IdText::Str),
    }
}

/// Parses a plain decimal (sign, digits, one separator) exactly.
fn parse_decimal(value: &str, decimal_comma: bool, field: &str) -> Result<Decimal> {
    let text = value.trim();
    let separator = if decimal_comma { ',' } else { '.' };
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let plain = !body.is_empty()
        && body.chars().all(|c| c.is_ascii_digit() || c == separator)
        && body.chars().filter(|&c| c == separator).count() <= 1;
    let bad = || Error::value(field, value, "expected a decimal number like 97.5 (no thousands separators)");
    if !plain {
        return Err(bad());
    }
    Decimal::from_str_exact(&text.replace(separator, ".")).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Window;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn window() -> Window {
        Window::before(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), 12).unwrap()
    }

    #[test]
    fn amounts_parse_exactly() {
        let p = |s: &str| parse_amount(s.as_bytes(), 2, false, "amount");
        assert_eq!(p("1234.56").unwrap(), 123_456);
        assert_eq!(p("-0.5").unwrap(), -50);
        assert_eq!(p("+7").unwrap(), 700);
        assert_eq!(p(".25").unwrap(), 25);
        assert_eq!(p("3.").unwrap(), 300);
        assert_eq!(p("1.500").unwrap(), 150);
        assert_eq!(p("92233720368547758.07").unwrap(), i64::MAX);
        for bad in
            ["", "-", ".", "1.005", "1,5", "1 000", "1e5", "12.5x", "--1", "1.2.3", "0x10", "92233720368547758.08"]
        {
            assert!(p(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_amount(b"1234,5", 2, true, "amount").unwrap(), 123_450);
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(parse_date(b"2025-03-14").unwrap(), NaiveDate::from_ymd_opt(2025, 3, 14).unwrap());
        for bad in ["2025-3-14", "2025-02-30", "14.03.2025", "2025-03-14T00:00", "", "0000-01-01"] {
            assert!(parse_date(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_csv_with_one_bad_amount_on_line_7_imports_nothing_and_says_line_7() {
        let mut data = String::from("partner_id,date,amount,invoice_id\n");
        for i in 2..=9 {
            let amount = if i == 7 { "\"12,50\"" } else { "100.00" };
            data.push_str(&format!("P{i},2025-0{}-01,{amount},I{i}\n", i % 9 + 1));
        }
        let mut ledger = Ledger::new(Currency::RUB);
        let before = ledger.clone();
        let err = CsvImport::new().read_sales_into(&mut ledger, data.as_bytes()).unwrap_err();
        assert_eq!(err.line(), Some(7));
        assert_eq!(err.column(), Some("amount"));
        assert_eq!(err.partner(), Some("P7"));
        assert!(err.to_string().starts_with("line 7, column `amount`"), "{err}");
        assert_eq!(ledger, before);
        assert!(ledger.is_empty());
    }

    #[test]
    fn header_problems_are_named() {
        let imp = CsvImport::new();
        let err = imp.read_sales("partner_id,amount\n".as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::MissingColumn { column: "date" }));
        let err = imp.read_sales("partner_id,date,amount,paid_dte\n".as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnknownColumn { .. }));
        assert!(
            imp.clone().ignore_unknown_columns(true).read_sales("partner_id,date,amount,paid_dte\n".as_bytes()).is_ok()
        );
        let err = imp.read_sales("partner_id,date,amount,date\n".as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::DuplicateColumn { .. }));
    }

    #[test]
    fn every_column_is_read() {
        let data = "\u{feff}partner_id,date,amount,currency,invoice_id,margin,cost,due_date,paid_date\n\
                    A,2025-01-10,100.00,RUB,I1,20.00,,2025-01-20,2025-01-30\n\
                    A,2025-01-11,50.00,RUB,I2,,30.00,2025-01-21,\n\
                    A,2025-02-11,-10.00,,CN1,,,,\n";
        let ledger = CsvImport::new().read_sales(data.as_bytes()).unwrap();
        let t = ledger.turnover(&PartnerId::new("A").unwrap(), window()).unwrap();
        assert_eq!(t.total(), Decimal::new(140_00, 2));
        assert_eq!(t.margin(), Decimal::new(40_00, 2));
        assert_eq!(t.deals(), 2);
        assert_eq!(t.credit_note_count(), 1);
        assert_eq!(t.receivables().len(), 2);
        assert_eq!(t.receivables()[0].paid_date, NaiveDate::from_ymd_opt(2025, 1, 30));
        assert_eq!(t.receivables()[1].paid_date, None);
    }

    #[test]
    fn ids_other_than_plain_ascii_are_checked_as_before() {
        let ok = CsvImport::new()
            .read_sales("partner_id,date,amount,invoice_id\nДилер №5,2025-01-01,1,Счёт 1\n".as_bytes())
            .unwrap();
        assert!(ok.contains_invoice("Счёт 1") && ok.partner_count() == 1);
        let err = |data: &[u8]| CsvImport::new().read_sales(data).unwrap_err();
        let e = err(b"partner_id,date,amount\nA,2025-01-01,1\nA ,2025-01-01,1\n");
        assert!(matches!(e.kind(), ErrorKind::InvalidPartnerId { .. }), "{e}");
        assert_eq!((e.line(), e.column()), (Some(3), Some("partner_id")));
        let e = err(b"partner_id,date,amount,invoice_id\nA,2025-01-01,1,\xff\n");
        assert!(matches!(e.kind(), ErrorKind::Csv { .. }), "{e}");
        assert_eq!((e.line(), e.column()), (Some(2), Some("invoice_id")));
        let e = err(b"partner_id,date,amount,invoice_id\nA,2025-01-01,1,I\tx\n");
        assert!(matches!(e.kind(), ErrorKind::InvalidInvoiceId { .. }), "{e}");
        // A bad id is still found after the line's fields are read: a bad
        // date on the same line is the error.
        let e = err(b"partner_id,date,amount\nA\t1,2025-13-01,1\n");
        assert_eq!(e.column(), Some("date"), "{e}");
        let long = format!("partner_id,date,amount\n{},2025-01-01,1\n", "d".repeat(257));
        assert!(matches!(err(long.as_bytes()).kind(), ErrorKind::InvalidPartnerId { .. }));
    }

    #[test]
    fn line_errors_name_line_and_column() {
        let cases = [
            ("partner_id,date,amount\nA,2025-01-01,1\n ,2025-01-01,1\n", 3, "partner_id"),
            ("partner_id,date,amount\nA,2025-13-01,1\n", 2, "date"),
            // The file's currency is its first line's: a line in another is
            // an error naming it.
            ("partner_id,date,amount,currency\nA,2025-01-01,1,RUB\nA,2025-01-01,1,EUR\n", 3, "currency"),
            ("partner_id,date,amount,currency\nA,2025-01-01,1,EU\n", 2, "currency"),
            (
                "partner_id,date,amount,invoice_id\nA,2025-01-01,1,I\nA,2025-01-01,1,\nB,2025-01-01,1,I\n",
                4,
                "invoice_id",
            ),
            ("partner_id,date,amount,margin,cost\nA,2025-01-01,1,1,1\n", 2, "cost"),
            ("partner_id,date,amount,due_date\nA,2025-01-01,1,soon\n", 2, "due_date"),
        ];
        for (data, line, column) in cases {
            let err = CsvImport::new().read_sales(data.as_bytes()).unwrap_err();
            assert_eq!(err.line(), Some(line), "{data}: {err}");
            assert_eq!(err.column(), Some(column), "{data}: {err}");
        }
        let err = CsvImport::new().read_sales("partner_id,date,amount\nA,2025-01-01\n".as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Csv { .. }));
        assert_eq!(err.line(), Some(2));
    }

    #[test]
    fn a_resent_file_is_refused_whole() {
        let data = "partner_id,date,amount,invoice_id\nA,2025-01-01,1,I1\nB,2025-01-01,1,I2\n";
        let imp = CsvImport::new();
        let mut ledger = imp.read_sales(data.as_bytes()).unwrap();
        let before = ledger.clone();
        let err = imp.read_sales_into(&mut ledger, data.as_bytes()).unwrap_err();
        assert!(err.is_duplicate());
        assert_eq!(err.line(), Some(2));
        assert_eq!(ledger, before);
    }

    #[test]
    fn risk_facts_are_read_and_checked() {
        let data = "partner_id,insolvency,credit_rating,credit_limit,credit_used,on_time_delivery,court_cases\n\
                    A,нет,ruBBB-,1000000,250000.50,97.5,0\n\
                    B,,,,,,\n";
        let facts = CsvImport::new().read_risk_facts(data.as_bytes()).unwrap();
        assert_eq!(facts.len(), 2);
        assert_eq!(facts[0].insolvency, Some(false));
        assert_eq!(facts[0].credit_rating, Some(CreditRating::Bbb));
        assert_eq!(facts[0].credit_used, Some(Decimal::new(25_000_050, 2)));
        assert_eq!(facts[1], RiskFacts::new(PartnerId::new("B").unwrap()));
        let bad = "partner_id,defect_rate\nA,5\nB,150\n";
        let err = CsvImport::new().read_risk_facts(bad.as_bytes()).unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().contains("defect_rate"), "{err}");
        let bad = "partner_id,complaints\nA,many\n";
        let err = CsvImport::new().read_risk_facts(bad.as_bytes()).unwrap_err();
        assert_eq!((err.line(), err.column()), (Some(2), Some("complaints")));
        let err = CsvImport::new().read_risk_facts("partner_id,complaints\nA,1\nA,2\n".as_bytes()).unwrap_err();
        assert!(err.is_duplicate());
        let semi = "partner_id;on_time_delivery\nA;97,5\n";
        let facts = CsvImport::new().delimiter(b';').decimal_comma(true).read_risk_facts(semi.as_bytes()).unwrap();
        assert_eq!(facts[0].on_time_delivery, Some(Decimal::new(975, 1)));
        let err = CsvImport::new().read_risk_facts("partner_id,credit_limit\nA,1_000\n".as_bytes()).unwrap_err();
        assert_eq!(err.column(), Some("credit_limit"));
        let err = CsvImport::new().read_risk_facts(&b"partner_id,complaints\nA,\xff\n"[..]).unwrap_err();
        assert_eq!(err.line(), Some(2));
        let err = CsvImport::new().read_risk_facts("partner_id,complants\n".as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnknownColumn { .. }));
    }

    #[test]
    fn every_risk_fact_column_is_read() {
        let data = "partner_id,insolvency,credit_rating,credit_limit,credit_used,on_time_delivery,defect_rate,\
                    return_rate,complaints,negative_reviews,violations,open_disputes,contract_breaches,court_cases,note\n\
                    A,да,AA,100,50,99.5,0.5,1.25,1,2,3,4,5,6,x\n\
                    B,yes,,,,,,,,,,,,,\n\
                    C,1,,,,,,,,,,,,,\n\
                    D,true,,,,,,,,,,,,,\n";
        let facts = CsvImport::new().ignore_unknown_columns(true).read_risk_facts(data.as_bytes()).unwrap();
        let a = &facts[0];
        assert_eq!(a.return_rate, Some(Decimal::new(125, 2)));
        assert_eq!(a.defect_rate, Some(Decimal::new(5, 1)));
        assert_eq!(
            (a.complaints, a.negative_reviews, a.violations, a.open_disputes, a.contract_breaches, a.court_cases),
            (Some(1), Some(2), Some(3), Some(4), Some(5), Some(6))
        );
        assert_eq!((a.credit_limit, a.credit_used), (Some(Decimal::from(100)), Some(Decimal::from(50))));
        assert!(facts.iter().all(|f| f.insolvency == Some(true)));
        // An unknown column is an error unless allowed; a repeated one always.
        let err = CsvImport::new().read_risk_facts(data.as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnknownColumn { .. }), "{err}");
        let twice = "partner_id,complaints,complaints\nA,1,2\n";
        let err = CsvImport::new().ignore_unknown_columns(true).read_risk_facts(twice.as_bytes()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::DuplicateColumn { .. }), "{err}");
        assert_eq!(err.line(), Some(1));
    }

    #[test]
    fn a_byte_order_mark_is_dropped_from_the_first_header_only() {
        let data = "\u{feff}partner_id,date,amount\nA,2025-03-01,1\n";
        assert_eq!(CsvImport::new().read_sales(data.as_bytes()).unwrap().partner_count(), 1);
        assert_eq!(header_name(b"\xEF\xBB\xBFamount", 0).unwrap(), "amount");
        assert_eq!(header_name(b"\xEF\xBB\xBFamount", 1).unwrap(), "\u{feff}amount");
    }

    #[test]
    fn dates_read_every_digit() {
        for (text, (y, m, d)) in
            [("1987-11-29", (1987, 11, 29)), ("2345-06-17", (2345, 6, 17)), ("2000-10-31", (2000, 10, 31))]
        {
            assert_eq!(parse_date(text.as_bytes()).unwrap(), NaiveDate::from_ymd_opt(y, m, d).unwrap(), "{text}");
        }
        assert!(parse_date(b"2025-02-30").is_err());
        assert!(parse_date(b"2025-2-03").is_err());
    }

    /// A CSV of `n` lines with multi-line invoices spread over the file, and
    /// a free-text column that may hold quoted commas and newlines.
    fn messy_csv(n: usize, newline_in_notes: bool) -> String {
        let mut out = String::from("partner_id,date,amount,invoice_id,due_date,paid_date,note\n");
        for i in 0..n {
            // Invoice k has lines far apart in the file; its partner follows from k.
            let k = (i * 31) % (n / 3).max(1);
            let (partner, invoice) = (format!("P{}", k % 97), format!("I{k}"));
            let note = match (i % 5, newline_in_notes) {
                (0, true) => "\"first line\nsecond, with a comma\"".to_owned(),
                (1, _) => "\"a, b\"".to_owned(),
                _ => String::new(),
            };
            let amount = if i % 11 == 0 {
                format!("-{}.{:02}", i % 50, i % 100)
            } else {
                format!("{}.{:02}", 100 + i % 900, i % 100)
            };
            let paid = if i % 3 == 0 { String::new() } else { "2025-12-30".to_owned() };
            out.push_str(&format!(
                "{partner},2025-0{}-1{},{amount},{invoice},2025-12-15,{paid},{note}\n",
                1 + i % 9,
                i % 10
            ));
        }
        out
    }

    fn temp_file(name: &str, text: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("partner-priority-{}-{name}.csv", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reading_with_threads_gives_the_same_ledger_as_one_pass() {
        let imp = CsvImport::new().ignore_unknown_columns(true);
        for newlines in [false, true] {
            let text = messy_csv(3000, newlines);
            let path = temp_file(&format!("parts-{newlines}"), &text);
            let one = imp.read_sales(text.as_bytes()).unwrap();
            for parts in [2, 3, 7] {
                let split = imp.read_path_in_parts(&path, 0, parts).unwrap();
                assert_eq!(split, one, "{parts} parts, newlines {newlines}");
            }
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn a_bad_line_is_reported_with_its_file_line_when_reading_with_threads() {
        let imp = CsvImport::new().ignore_unknown_columns(true);
        let text = messy_csv(2000, true);
        let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
        for near in [5usize, 900, 1700, lines.len() - 1] {
            // A line where a record starts (not the rest of a quoted note).
            let Some(target) = (0..=near).rev().find(|&i| lines[i].starts_with('P')) else { continue };
            let mut bad = lines.clone();
            let broken = bad[target].replacen(",2025-", ",20x5-", 1);
            bad[target] = &broken;
            let text: String = bad.concat();
            let path = temp_file(&format!("bad-{target}"), &text);
            let Err(one) = imp.read_sales(text.as_bytes()) else { panic!("line {target} should be refused") };
            for parts in [2, 4] {
                let Err(split) = imp.read_path_in_parts(&path, 0, parts) else {
                    panic!("line {target} in {parts} parts")
                };
                assert_eq!(split.line(), one.line(), "line {target}, {parts} parts: {split}");
                assert_eq!(split.to_string(), one.to_string());
            }
            let _ = std::fs::remove_file(&path);
        }
        lines.clear();
    }

    #[test]
    fn ranges_start_after_the_first_line_break_past_an_equal_share() {
        // A 16-byte header, then 100 lines of 10 bytes.
        let mut text = String::from("partner_id,date\n");
        for i in 0..100 {
            text.push_str(&format!("P{i:02},12345\n"));
        }
        let path = temp_file("ranges", &text);
        let body = 16;
        assert_eq!(range_starts(&path, body, 1).unwrap(), [0]);
        // Shares of 250 bytes: bytes 266, 516 and 766 open lines; each range
        // starts after the first line break from there, at the next line.
        assert_eq!(range_starts(&path, body, 4).unwrap(), [0, 276, 526, 776]);
        assert_eq!(range_starts(&path, body, 2).unwrap(), [0, 526]);
        // Shares of 333 bytes: 349 and 682 are inside lines (346, 676).
        assert_eq!(range_starts(&path, body, 3).unwrap(), [0, 356, 686]);
        // More parts than lines: one range per line at most, no repeats.
        let many = range_starts(&path, body, 400).unwrap();
        assert_eq!(many.len(), 100);
        assert!(many.windows(2).all(|w| w[0] < w[1]) && many.iter().skip(1).all(|&s| (s - body) % 10 == 0));
        // A line longer than the reader's 64 KiB buffer around the middle.
        let long = format!("partner_id,date\nP1,{}\nP2,1\nP3,1\n", "x".repeat(150_000));
        let path3 = temp_file("long-line", &long);
        assert_eq!(range_starts(&path3, 16, 2).unwrap(), [0, 16 + 3 + 150_000 + 1]);
        let _ = std::fs::remove_file(&path3);
        // A line break only at the end: one range.
        let path2 = temp_file("one-line", &format!("partner_id,date\nP1,{}\n", "x".repeat(5000)));
        assert_eq!(range_starts(&path2, body, 3).unwrap(), [0]);
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&path2);
    }

    #[test]
    fn a_file_is_read_in_ranges_unless_a_quoted_line_break_spans_one() {
        let imp = CsvImport::new().ignore_unknown_columns(true);
        let plain = messy_csv(3000, false);
        let path = temp_file("plain-ranges", &plain);
        let one = imp.read_sales(plain.as_bytes()).unwrap();
        for parts in [2, 3, 7] {
            // Read in ranges, not in one pass after all.
            assert_eq!(
                imp.read_parallel(&path, parts, &Ledger::new(Currency::RUB)).unwrap(),
                Some(one.clone()),
                "{parts} parts"
            );
        }
        // A note with line breaks across every range boundary.
        let mut quoted = String::from("partner_id,date,amount,notes\n");
        quoted.push_str(&format!("P1,2025-03-01,1.00,\"{}\"\n", "line\n".repeat(2000)));
        let path2 = temp_file("quoted-ranges", &quoted);
        assert_eq!(imp.read_parallel(&path2, 2, &Ledger::new(Currency::RUB)).unwrap(), None);
        assert_eq!(imp.read_path_in_parts(&path2, 0, 2).unwrap(), imp.read_sales(quoted.as_bytes()).unwrap());
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&path2);
    }

    #[test]
    fn crlf_files_are_read_in_ranges() {
        let imp = CsvImport::new().ignore_unknown_columns(true);
        let text = messy_csv(3000, false).replace('\n', "\r\n");
        let path = temp_file("crlf-ranges", &text);
        let one = imp.read_sales(text.as_bytes()).unwrap();
        for parts in [2, 3, 7] {
            assert_eq!(
                imp.read_parallel(&path, parts, &Ledger::new(Currency::RUB)).unwrap(),
                Some(one.clone()),
                "{parts} parts"
            );
        }
        // Errors keep their file line.
        let bad = text.replacen(",2025-", ",20x5-", 2000);
        let path2 = temp_file("crlf-bad", &bad);
        let one = imp.read_sales(bad.as_bytes()).unwrap_err();
        let split = imp.read_path_in_parts(&path2, 0, 3).unwrap_err();
        assert_eq!((split.line(), split.to_string()), (one.line(), one.to_string()));
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(&path2);
    }

    #[test]
    fn a_range_does_not_start_on_a_line_with_a_byte_order_mark() {
        let mut text = String::from("partner_id,date,amount\n"); // 23 bytes
        for i in 0..40 {
            // 20 bytes a line; the line at byte 223, where the first of four
            // ranges would start, begins with a byte order mark (19 bytes).
            let id = if i == 10 { "\u{FEFF}Q" } else { "P0000" };
            text.push_str(&format!("{id},2025-03-01,{:02}\n", i % 100));
        }
        let path = temp_file("bom-ranges", &text);
        let body = 23;
        let starts = range_starts(&path, body, 4).unwrap();
        assert!(!starts.contains(&223), "{starts:?}");
        assert_eq!(starts.get(1), Some(&242), "{starts:?}");
        let imp = CsvImport::new();
        let one = imp.read_sales(text.as_bytes()).unwrap();
        assert!(one.partners().iter().any(|p| p.as_str() == "\u{FEFF}Q"));
        assert_eq!(imp.read_path_in_parts(&path, 0, 4).unwrap(), one);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_overflow_across_ranges_comes_before_a_later_bad_line() {
        // P's figures for March overflow at the line of the second big
        // amount, in the second range; a bad date comes after it.
        let mut text = String::from("partner_id,date,amount\n");
        text.push_str("P,2025-03-01,90000000000000000.00\n");
        for i in 0..2000 {
            text.push_str(&format!("Q{},2025-03-02,1.00\n", i % 50));
        }
        text.push_str("P,2025-03-03,10000000000000000.00\n");
        text.push_str("Q1,2025-13-01,1.00\n");
        let path = temp_file("overflow-ranges", &text);
        let imp = CsvImport::new();
        let one = imp.read_sales(text.as_bytes()).unwrap_err();
        assert!(one.is_overflow(), "{one}");
        assert_eq!(one.line(), Some(2003));
        for parts in [2, 3] {
            let split = imp.read_path_in_parts(&path, 0, parts).unwrap_err();
            assert_eq!((split.line(), split.to_string()), (one.line(), one.to_string()), "{parts} parts");
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_invoice_with_lines_in_two_ranges_is_one_document() {
        let imp = CsvImport::new();
        for last_partner in ["P1", "P2"] {
            let mut text = String::from("partner_id,date,amount,invoice_id\n");
            text.push_str("P1,2025-03-01,100,INV-X\n");
            for i in 0..3000 {
                text.push_str(&format!("P{},2025-03-{:02},{}.00,I{i}\n", i % 50, 1 + i % 28, i + 1));
            }
            text.push_str(&format!("{last_partner},2025-04-02,-30,INV-X\n"));
            let path = temp_file(&format!("split-doc-{last_partner}"), &text);
            let one = imp.read_sales(text.as_bytes());
            for parts in [2, 3, 5] {
                let split = imp.read_path_in_parts(&path, 0, parts);
                match (&one, &split) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{parts} parts"),
                    (Err(a), Err(b)) => {
                        assert_eq!((a.line(), a.to_string()), (b.line(), b.to_string()), "{parts} parts");
                        assert_eq!(a.line(), Some(3003));
                    }
                    _ => panic!("{parts} parts: {one:?} against {split:?}"),
                }
            }
            let _ = std::fs::remove_file(&path);
        }
    }

    /// A line of a generated invoices file (see `plain_file`): a good
    /// one, or one of the ways a line goes wrong or leaves plain CSV.
    fn plain_line(kind: u8, i: usize) -> String {
        let good = format!("P{},2025-0{}-1{},{}.{:02},I{i}", i % 37, 1 + i % 9, i % 10, 10 + i % 500, i % 100);
        match kind {
            0 => String::new(),
            1 => format!("P{},2025-03-03,-5.5,", i % 5),
            2 => format!("{good},extra"),
            10 => format!("{good},a,b,c,d"),
            3 => format!("P{},2025-03-03", i % 5),
            4 => format!("P{},2025-13-03,1,I{i}", i % 5),
            5 => format!("P{},2025-03-03,1.001,I{i}", i % 5),
            6 => format!("\"P{}\",2025-03-03,1,I{i}", i % 5),
            7 => format!("{good}\r"),
            8 => format!(",2025-03-03,1,I{i}"),
            _ => good,
        }
    }

    /// A header and `kinds.len()` lines, each ending in a line break, or
    /// the last without one.
    fn plain_file(kinds: &[u8], last_break: bool) -> String {
        let mut text = String::from("partner_id,date,amount,invoice_id\n");
        for (i, &kind) in kinds.iter().enumerate() {
            text.push_str(&plain_line(kind, i));
            if i + 1 < kinds.len() || last_break {
                text.push('\n');
            }
        }
        text
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// A file read in ranges, plain ones without the `csv` crate, gives
        /// what one pass of the `csv` crate gives: the same ledger, or the
        /// same error on the same line. Its lines are mostly good, with
        /// empty lines, lines with too few or too many fields (one or four
        /// more), bad dates and amounts, an empty partner id, and now and
        /// then a quote or a carriage return that leaves a range to the
        /// `csv` crate; with a comma, a semicolon, a tab or a bar between
        /// the fields.
        #[test]
        fn a_file_read_in_plain_ranges_is_the_file_read_in_one_pass(
            kinds in proptest::collection::vec(
                proptest::prop_oneof![40 => proptest::prelude::Just(9u8), 3 => proptest::prelude::Just(0u8), 1 => 1u8..11], 1..400),
            last_break: bool,
            parts in 2usize..6,
            delimiter in proptest::sample::select(vec![b',', b';', b'\t', b'|']),
        ) {
            let text = plain_file(&kinds, last_break).replace(',', &char::from(delimiter).to_string());
            let path = temp_file(&format!("plain-{}-{parts}", kinds.len()), &text);
            let imp = CsvImport::new().delimiter(delimiter);
            let one = imp.read_sales(text.as_bytes()).map_err(|e| (e.to_string(), e.line()));
            let split = imp.read_path_in_parts(&path, 0, parts).map_err(|e| (e.to_string(), e.line()));
            let _ = std::fs::remove_file(&path);
            proptest::prop_assert_eq!(split, one);
        }
    }

    #[test]
    fn a_plain_file_is_read_without_the_csv_crate_with_its_lines_numbered_as_the_crate_numbers_them() {
        // Empty lines before a record: the record keeps the line where the
        // read for it started (here 3, not 5), as the crate numbers it.
        let text = "partner_id,date,amount\nP1,2025-03-03,1\n\n\nP2,2025-03-03,x\n";
        let path = temp_file("plain-lines", text);
        let imp = CsvImport::new();
        let cols = {
            let mut rdr = imp.reader(std::fs::File::open(&path).unwrap());
            imp.sale_columns(&mut rdr).unwrap()
        };
        let ledger = Ledger::new(Currency::new("RUB").unwrap());
        let mut batch = Batch::new(ledger.currency(), ledger.scale(), ledger.dates());
        let read = imp.read_plain(&path, &cols, &mut batch, &ledger, (23, 2), None).unwrap();
        let Plain::Bad(e) = read else { panic!("the amount x should be refused") };
        assert_eq!(e.line(), Some(3));
        assert_eq!(e.line(), imp.read_sales(text.as_bytes()).unwrap_err().line());
        // A quote, a carriage return: left to the crate.
        for text in ["partner_id,date,amount\n\"P1\",2025-03-03,1\n", "partner_id,date,amount\r\nP1,2025-03-03,1\r\n"] {
            std::fs::write(&path, text).unwrap();
            let mut batch = Batch::new(ledger.currency(), ledger.scale(), ledger.dates());
            let read = imp.read_plain(&path, &cols, &mut batch, &ledger, (0, 1), None).unwrap();
            assert!(matches!(read, Plain::Quoted), "{text:?}");
        }
        let _ = std::fs::remove_file(&path);
    }

    proptest::proptest! {
        /// Eight bytes at a time, the separators are where they are byte by
        /// byte: any bytes, rich in the two searched for and in the bytes
        /// a word trick could confuse with them, and any two bytes.
        #[test]
        fn separators_found_eight_bytes_at_a_time_are_those_byte_by_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    2 => proptest::sample::select(vec![b',', b'\n', b';', 0, 1, 2, 0x7f, 0x80, 0xff, 0xac, 0x8a]),
                    1 => proptest::prelude::any::<u8>(),
                ],
                0..70),
            a in proptest::sample::select(vec![b',', b';', b'\t', b'|', 0, 1, 0x80, 0xff]),
            b in proptest::sample::select(vec![b'\n', 0, 1, 2, 0x7f]),
        ) {
            let found: Vec<usize> = Separators::new(&bytes, a, b).collect();
            let expected: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i] == a || bytes[i] == b).collect();
            proptest::prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn lines_longer_than_a_plain_reads_chunk_are_read_whole() {
        // Lines of 1.5 MiB and 3 MiB (an ignored note), among short ones: the
        // buffer grows, and the ledger and a bad line's error are those of
        // one pass.
        let imp = CsvImport::new().ignore_unknown_columns(true);
        for bad in [false, true] {
            let mut text = String::from("partner_id,date,amount,note\n");
            for (i, note) in [0usize, 3 << 19, 10, 3 << 20, 0].iter().enumerate() {
                let amount = if bad && i == 4 { "x" } else { "1.5" };
                text.push_str(&format!("P{i},2025-03-0{},{amount},{}\n", i + 1, "n".repeat(*note)));
            }
            let path = temp_file(&format!("plain-long-{bad}"), &text);
            let one = imp.read_sales(text.as_bytes()).map_err(|e| (e.to_string(), e.line()));
            for parts in [2, 3] {
                let split = imp.read_path_in_parts(&path, 0, parts).map_err(|e| (e.to_string(), e.line()));
                assert_eq!(split, one, "bad {bad}, {parts} parts");
            }
            assert_eq!(one.is_err(), bad);
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn a_plain_range_that_ends_in_empty_lines_is_left_to_one_pass_as_the_crate_leaves_it() {
        // The `csv` crate reads past the empty lines into the next range
        // (Overshot), and the file is read in one pass: the next record's
        // line follows the record before the empty lines.
        let imp = CsvImport::new();
        let ledger = Ledger::new(Currency::new("RUB").unwrap());
        let cols = SaleColumns {
            width: 3,
            partner: 0,
            date: 1,
            amount: 2,
            currency: None,
            invoice: None,
            line_id: None,
            margin: None,
            cost: None,
            due: None,
            paid: None,
        };
        for (text, stop) in [("P1,2025-03-03,1\n\n", None), ("P1,2025-03-03,1\n\nP2,2025-03-03,2\n", Some(4))] {
            let path = temp_file("plain-end", text);
            let mut batch = Batch::new(ledger.currency(), ledger.scale(), ledger.dates());
            let end = Some(text.len() as u64);
            match imp.read_plain(&path, &cols, &mut batch, &ledger, (0, 1), end).unwrap() {
                Plain::Read(Stop::Overshot) => assert_eq!(stop, None, "{text:?}"),
                Plain::Read(Stop::Boundary { line }) => assert_eq!(Some(line), stop, "{text:?}"),
                _ => panic!("{text:?} is plain"),
            }
            let _ = std::fs::remove_file(&path);
        }
    }

    #[test]
    fn lines_without_invoices_are_taken_by_exactly_one_thread() {
        // No invoice ids: nothing to detect a line read twice but the totals.
        let mut text = String::from("partner_id,date,amount\n");
        for i in 0..2000 {
            text.push_str(&format!("P{},2025-03-{:02},{}.{:02}\n", i % 97, 1 + i % 28, i, i % 100));
        }
        let path = temp_file("no-invoices", &text);
        let imp = CsvImport::new();
        let one = imp.read_sales(text.as_bytes()).unwrap();
        for parts in [2, 5] {
            assert_eq!(imp.read_path_in_parts(&path, 0, parts).unwrap(), one, "{parts} parts");
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn of_two_bad_lines_in_different_threads_the_first_is_reported() {
        let mut text = String::from("partner_id,date,amount\n");
        for i in 0..400 {
            let date = if i == 100 || i == 300 { "2025-13-01" } else { "2025-03-01" };
            text.push_str(&format!("P{i},{date},1\n"));
        }
        let path = temp_file("two-bad", &text);
        let imp = CsvImport::new();
        assert_eq!(imp.read_sales(text.as_bytes()).unwrap_err().line(), Some(102));
        for parts in [2, 3, 4, 8] {
            // P100 and P300 fall into different shares for some of these.
            assert_eq!(imp.read_path_in_parts(&path, 0, parts).unwrap_err().line(), Some(102), "{parts} parts");
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn reading_into_a_ledger_counts_the_lines() {
        let csv = "partner_id,date,amount\nA,2025-03-01,1\nB,2025-03-01,2\nA,2025-04-01,3\n";
        let mut ledger = Ledger::new(Currency::RUB);
        assert_eq!(CsvImport::new().read_sales_into(&mut ledger, csv.as_bytes()).unwrap().recorded, 3);
        assert_eq!(
            CsvImport::new().read_sales_into(&mut ledger, "partner_id,date,amount\n".as_bytes()).unwrap().recorded,
            0
        );
    }

    #[test]
    fn the_import_currency_is_the_ledgers() {
        let csv = "partner_id,date,amount\nA,2025-03-01,10.50\n";
        let ledger = CsvImport::new().currency(Currency::USD).read_sales(csv.as_bytes()).unwrap();
        assert_eq!(ledger.currency(), Currency::USD);
        // A file without a currency column cannot go into a ledger in another one.
        let mut rub = Ledger::new(Currency::RUB);
        let err = CsvImport::new().currency(Currency::USD).read_sales_into(&mut rub, csv.as_bytes()).unwrap_err();
        assert!(err.is_currency_mismatch(), "{err}");
        assert!(rub.is_empty());
    }

    #[test]
    fn a_currency_column_is_checked_line_by_line_with_or_without_line_ids() {
        for (header, ids) in [("", ["", ""]), (",line_id", [",L1", ",L2"])] {
            let ok = format!(
                "partner_id,date,amount,currency{header}\nA,2025-03-01,1,RUB{}\nB,2025-03-01,2,RUB{}\n",
                ids[0], ids[1]
            );
            assert_eq!(CsvImport::new().read_sales(ok.as_bytes()).unwrap().partner_count(), 2, "{header}");
            let mixed = ok.replacen("2,RUB", "2,USD", 1);
            let err = CsvImport::new().read_sales(mixed.as_bytes()).unwrap_err();
            assert!(err.is_currency_mismatch(), "{header}: {err}");
            assert_eq!((err.line(), err.column()), (Some(3), Some("currency")), "{header}");
        }
    }

    #[test]
    fn a_line_recorded_twice_with_other_figures_names_its_line_and_the_line_id_column() {
        let csv = "partner_id,date,amount,invoice_id,line_id\n\
                   A,2025-03-01,1,INV-1,L1\n\
                   A,2025-03-01,2,INV-1,L2\n\
                   A,2025-03-01,3,INV-1,L1\n";
        let err = CsvImport::new().read_sales(csv.as_bytes()).unwrap_err();
        assert!(err.is_conflict(), "{err}");
        assert_eq!((err.line(), err.column()), (Some(4), Some("line_id")), "{err}");
        // The same line twice is a replay, not a conflict.
        let replayed = csv.replace("A,2025-03-01,3,INV-1,L1", "A,2025-03-01,1,INV-1,L1");
        let ledger = CsvImport::new().read_sales(replayed.as_bytes()).unwrap();
        assert_eq!(ledger.partner_count(), 1);
    }

    #[test]
    fn the_import_takes_the_date_range_it_is_given() {
        for header in ["", ",line_id"] {
            let id = if header.is_empty() { "" } else { ",L1" };
            let csv = format!("partner_id,date,amount{header}\nA,1999-03-01,1{id}\n");
            let err = CsvImport::new().read_sales(csv.as_bytes()).unwrap_err();
            assert_eq!((err.line(), err.column()), (Some(2), Some("date")), "{header}: {err}");
            let ledger = CsvImport::new().dates(DateRange::ANY).read_sales(csv.as_bytes()).unwrap();
            assert_eq!((ledger.partner_count(), ledger.dates()), (1, DateRange::ANY), "{header}");
        }
    }

    #[test]
    fn partners_are_read_with_attributes_and_duplicates_refused() {
        let data = "partner_id,name,region,specialisation,start_date,manager\n\
                    A,Альфа,Москва,HoReCa,2024-05-01,Иванова\n\
                    B,,,,,\n";
        let partners = CsvImport::new().read_partners(data.as_bytes()).unwrap();
        assert_eq!(partners.len(), 2);
        assert_eq!(partners[0].name.as_deref(), Some("Альфа"));
        assert_eq!(partners[0].attributes.get("manager").map(String::as_str), Some("Иванова"));
        assert_eq!(partners[1].region, None);
        let dup = "partner_id\nA\nB\nA\n";
        let err = CsvImport::new().read_partners(dup.as_bytes()).unwrap_err();
        assert!(err.is_duplicate());
        assert_eq!(err.line(), Some(4));
        assert!(err.to_string().contains("first on line 2"), "{err}");
    }
}

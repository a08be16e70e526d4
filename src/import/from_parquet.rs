//! Parquet input: invoice lines and monthly figures from a Parquet file or
//! a directory of part files (feature `parquet`).

use std::path::{Path, PathBuf};

use arrow_array::{Array, RecordBatch};
use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder};
use parquet::file::reader::ChunkReader;

use super::ArrowImport;
use crate::error::{Error, ErrorKind, Result};
use crate::ledger::{DateRange, Ledger, MonthlyFigures};
use crate::money::Currency;

/// Rows per record batch read.
const BATCH_ROWS: usize = 64 * 1024;

/// Reads invoice lines and monthly figures from Parquet, exactly and all or
/// nothing: a file, or a directory of part files read as one data set (what
/// Spark, DuckDB or polars write).
///
/// The columns and types are those of [`ArrowImport`], which the Parquet
/// data becomes: amounts as `DECIMAL` (any precision and scale; a `FLOAT`
/// or `DOUBLE` column is an error) or strings, dates as `DATE` or strings,
/// ids as strings. Compression: none or Snappy (Spark's default).
///
/// In a directory, the files are read in the order of their names; files
/// whose names start with `_` or `.` (Spark's `_SUCCESS`, Hadoop's
/// `.part-….crc`) and subdirectories are skipped. Rows are numbered within
/// each file (1-based), and errors name the file and the row.
///
/// # Example
///
/// ```no_run
/// use partner_priority::import::ParquetImport;
///
/// // A directory of part files as Spark writes it.
/// let ledger = ParquetImport::new().read_monthly_path("warehouse/monthly.parquet")?;
/// println!("{} partners", ledger.partner_count());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ParquetImport {
    arrow: ArrowImport,
}

impl From<ArrowImport> for ParquetImport {
    fn from(arrow: ArrowImport) -> ParquetImport {
        ParquetImport { arrow }
    }
}

/// One part of a data set: its name (for errors), its batches and its
/// number of rows.
struct Part {
    name: String,
    batches: Vec<RecordBatch>,
    rows: u64,
}

impl Part {
    fn new(name: String, batches: Vec<RecordBatch>) -> Part {
        let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
        Part { name, batches, rows }
    }

    /// The part without its data, for naming rows in errors.
    fn emptied(self) -> Part {
        Part { name: self.name, batches: Vec::new(), rows: self.rows }
    }
}

fn parquet_error(e: impl std::fmt::Display) -> Error {
    ErrorKind::Columnar { format: "Parquet", message: e.to_string() }.into()
}

/// Decodes record batches, turning a panic of the decoder into an error.
///
/// The parquet crate can panic on some corrupt files (a definition-level
/// run longer than its page, say) instead of returning an error; a corrupt
/// file must be an error here, never a panic. The batches are then
/// validated in full (offsets, lengths, UTF-8), so that what reaches the
/// import is well-formed Arrow data. (With `panic = "abort"` the process
/// still aborts, and the default panic hook prints the decoder's message.)
fn decode(read: impl FnOnce() -> Result<Vec<RecordBatch>>) -> Result<Vec<RecordBatch>> {
    let batches = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        parquet_error(format!("the decoder failed on a corrupt file: {why}"))
    })??;
    for batch in &batches {
        for column in batch.columns() {
            column.to_data().validate_full().map_err(parquet_error)?;
        }
    }
    Ok(batches)
}

impl ParquetImport {
    /// An import in the data's currency (RUB without a `currency` column),
    /// accepting this century's dates.
    #[must_use]
    pub fn new() -> ParquetImport {
        ParquetImport::default()
    }

    /// Reads every amount as `currency` ([`ArrowImport::currency`]).
    #[must_use]
    pub fn currency(mut self, currency: Currency) -> ParquetImport {
        self.arrow = self.arrow.currency(currency);
        self
    }

    /// The dates accepted ([`ArrowImport::dates`]).
    #[must_use]
    pub fn dates(mut self, dates: DateRange) -> ParquetImport {
        self.arrow = self.arrow.dates(dates);
        self
    }

    /// Takes only invoice lines with an identity ([`ArrowImport::strict`]).
    #[must_use]
    pub fn strict(mut self, yes: bool) -> ParquetImport {
        self.arrow = self.arrow.strict(yes);
        self
    }

    /// Reads invoice lines from a Parquet file or a directory of part files
    /// into a new ledger.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the path cannot be read,
    /// [`ErrorKind::Columnar`] for a file that is not valid Parquet (naming
    /// the file), and every error of [`ArrowImport::read_sales_into`],
    /// naming the file and the row within it.
    pub fn read_sales_path<P: AsRef<Path>>(&self, path: P) -> Result<Ledger> {
        let parts = read_parts(path.as_ref(), Texts::Dictionaries)?;
        let batches = all_batches(&parts);
        self.arrow.read_sales(&batches).map_err(|e| locate(e, &parts))
    }

    /// Reads invoice lines from the bytes of one Parquet file.
    ///
    /// # Errors
    ///
    /// As [`read_sales_path`](ParquetImport::read_sales_path).
    pub fn read_sales_bytes(&self, bytes: impl Into<Vec<u8>>) -> Result<Ledger> {
        let part = read_part("(bytes)".to_owned(), bytes::Bytes::from(bytes.into()))?;
        let parts = [part];
        self.arrow.read_sales(&all_batches(&parts)).map_err(|e| locate(e, &parts))
    }

    /// Reads monthly figures (the columns of the [module docs](super)) from
    /// a Parquet file or a directory of part files into a new ledger.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`], [`ErrorKind::Columnar`] as
    /// [`read_sales_path`](ParquetImport::read_sales_path), and every error
    /// of [`ArrowImport::read_monthly`], naming the file and the row.
    pub fn read_monthly_path<P: AsRef<Path>>(&self, path: P) -> Result<Ledger> {
        if let Some(ledger) = self.bulk_monthly_path(path.as_ref()) {
            return Ok(ledger);
        }
        self.read_monthly_rows(read_parts(path.as_ref(), Texts::Dictionaries)?)
    }

    /// The bulk path of [`read_monthly_path`](Self::read_monthly_path)
    /// (see `ArrowImport::bulk_part`): each row group decoded and gathered
    /// on one of the crate's threads, its decoded data dropped at once
    /// (the decoded columns of 24 million rows take twice the memory of
    /// the ledger, and page faults were a third of the time of a read),
    /// the parts then joined in order. `None` for anything refused,
    /// including a file that cannot be read: the caller reads again row by
    /// row, whose error names the file, the row and the column.
    fn bulk_monthly_path(&self, path: &Path) -> Option<Ledger> {
        let mut groups = RowGroups::of(path).ok()?;
        let units = std::mem::take(&mut groups.units);
        let parts = crate::util::par::map_owned(units, |unit| {
            let mut part = self.arrow.bulk_part(None);
            groups.stream(unit, |batch| part.take(batch)).then_some(part)
        })
        .ok()?;
        self.arrow.bulk_ledger(parts, None)
    }

    /// Monthly figures row by row: the path that names the row of an
    /// error.
    fn read_monthly_rows(&self, parts: Vec<Part>) -> Result<Ledger> {
        let gathered = self.arrow.gather_monthly(&all_batches(&parts)).map_err(|e| locate(e, &parts));
        let counts: Vec<Part> = parts.into_iter().map(Part::emptied).collect();
        let (gathered, dates) = gathered?;
        gathered.into_ledger(dates, true).map_err(|e| locate(e, &counts))
    }

    /// Reads monthly figures from the bytes of one Parquet file into a new
    /// ledger.
    ///
    /// # Errors
    ///
    /// As [`read_monthly_path`](ParquetImport::read_monthly_path).
    pub fn read_monthly_bytes(&self, bytes: impl Into<Vec<u8>>) -> Result<Ledger> {
        let part = read_part("(bytes)".to_owned(), bytes::Bytes::from(bytes.into()))?;
        let parts = [part];
        self.arrow.read_monthly(&all_batches(&parts)).map_err(|e| locate(e, &parts))
    }

    /// Reads monthly figures, by partner and month, from a Parquet file or
    /// a directory of part files.
    ///
    /// # Errors
    ///
    /// As [`read_monthly_path`](ParquetImport::read_monthly_path), but for
    /// the ledger's checks.
    pub fn monthly_figures_path<P: AsRef<Path>>(&self, path: P) -> Result<Vec<MonthlyFigures>> {
        let parts = read_parts(path.as_ref(), Texts::Dictionaries)?;
        let batches = all_batches(&parts);
        self.arrow.monthly_figures(&batches).map_err(|e| locate(e, &parts))
    }

    /// The record batches of a Parquet file or a directory of part files,
    /// in order.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Io`] if the path cannot be read, [`ErrorKind::Columnar`]
    /// for a file that is not valid Parquet (naming the file).
    pub fn read_batches<P: AsRef<Path>>(path: P) -> Result<Vec<RecordBatch>> {
        Ok(all_batches(&read_parts(path.as_ref(), Texts::AsWritten)?))
    }
}

/// The files of a data set: the file itself, or a directory's data files
/// by name.
fn data_files(path: &Path) -> Result<Vec<PathBuf>> {
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('_') || name.starts_with('.') || name.ends_with(".crc") {
            continue;
        }
        if entry.file_type()?.is_file() {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// The columns the imports read as text whatever else they hold: ids,
/// codes and the `YYYY-MM` month.
const TEXT_COLUMNS: [&str; 5] = ["partner_id", "invoice_id", "line_id", "currency", "month"];

/// How a read decodes text columns.
#[derive(Clone, Copy)]
enum Texts {
    /// All-dictionary columns as dictionaries (see [`dictionary_text`]).
    Dictionaries,
    /// As the file's schema gives them.
    AsWritten,
}

impl Texts {
    /// The metadata to decode row group `g` with.
    fn metadata(self, meta: ArrowReaderMetadata, g: usize) -> ArrowReaderMetadata {
        match self {
            Texts::Dictionaries => dictionary_text(&meta, g).unwrap_or(meta),
            Texts::AsWritten => meta,
        }
    }
}

/// The row groups of a data set's files: the unit of work of a read.
struct RowGroups {
    files: Vec<PathBuf>,
    /// The file (its position in `files`), the row group within it, and
    /// the file's metadata.
    units: Vec<(usize, usize, ArrowReaderMetadata)>,
}

fn name_of(f: &Path) -> String {
    f.file_name().map_or_else(|| f.display().to_string(), |n| n.to_string_lossy().into_owned())
}

impl RowGroups {
    fn of(path: &Path) -> Result<RowGroups> {
        let files = data_files(path)?;
        let mut units = Vec::new();
        for (k, file) in files.iter().enumerate() {
            let name = name_of(file);
            let handle = std::fs::File::open(file).map_err(|e| Error::from(e).in_file(&name))?;
            let meta = decode_metadata(&handle).map_err(|e| e.in_file(&name))?;
            let groups = meta.metadata().num_row_groups();
            for g in 0..groups {
                units.push((k, g, meta.clone()));
            }
        }
        Ok(RowGroups { files, units })
    }

    /// Decodes row group `g` of file `k` batch by batch, each batch handed
    /// to `take` and dropped before the next is decoded (the memory of one
    /// batch is reused for the next, and its data is still in the cache
    /// when `take` reads it). False if the file cannot be read or decoded
    /// (as [`decode`] checks it), or `take` refuses a batch.
    fn stream(
        &self,
        (k, g, meta): (usize, usize, ArrowReaderMetadata),
        take: impl FnMut(&RecordBatch) -> bool,
    ) -> bool {
        let Some(file) = self.files.get(k) else { return true };
        let Ok(handle) = std::fs::File::open(file) else { return false };
        let meta = Texts::Dictionaries.metadata(meta, g);
        let mut take = take;
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(handle, meta)
                .with_row_groups(vec![g])
                .with_batch_size(BATCH_ROWS)
                .build();
            let Ok(reader) = reader else { return false };
            for batch in reader {
                let Ok(batch) = batch else { return false };
                if batch.columns().iter().any(|c| c.to_data().validate_full().is_err()) || !take(&batch) {
                    return false;
                }
            }
            true
        }));
        read.unwrap_or(false)
    }

    /// Decodes row group `g` of file `k`.
    fn decode(
        &self,
        (k, g, meta): (usize, usize, ArrowReaderMetadata),
        texts: Texts,
    ) -> Result<(usize, Vec<RecordBatch>)> {
        let Some(file) = self.files.get(k) else { return Ok((k, Vec::new())) };
        let meta = texts.metadata(meta, g);
        let name = name_of(file);
        let handle = std::fs::File::open(file).map_err(|e| Error::from(e).in_file(&name))?;
        let batches = decode(|| {
            let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(handle, meta)
                .with_row_groups(vec![g])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(parquet_error)?;
            reader.collect::<std::result::Result<Vec<_>, _>>().map_err(parquet_error)
        })
        .map_err(|e| e.in_file(&name))?;
        Ok((k, batches))
    }
}

/// The metadata of `meta` asking for the text columns whose every page in
/// row group `g` is dictionary-encoded as Arrow dictionaries; `None` if
/// there are none. Decoded as plain strings, such a column (the partner
/// ids, the months of monthly figures) had each row's string copied out of
/// the page's dictionary: 24 million copies for a year or two of a million
/// partners, a fifth of the decoding. The keys cost four bytes a row, and
/// the import reads a dictionary column as it reads plain strings. A column
/// with plain pages as well (its dictionary grew too large) stays plain:
/// the reader would build a dictionary of those pages by hashing each
/// value. Only the columns the imports always read as text are asked for
/// ([`TEXT_COLUMNS`]): a text column where the imports want another type
/// is an error that names the type the file gives.
fn dictionary_text(meta: &ArrowReaderMetadata, g: usize) -> Option<ArrowReaderMetadata> {
    use arrow_schema::{DataType, Field, Schema};
    use parquet::basic::Encoding;
    let group = meta.metadata().row_groups().get(g)?;
    let all_dictionary = |name: &str| {
        let columns = meta.parquet_schema().columns().iter().zip(group.columns());
        columns.filter(|(d, _)| d.path().parts() == [name]).any(|(_, c)| {
            c.dictionary_page_offset().is_some()
                && c.page_encoding_stats_mask().is_some_and(|mask| {
                    mask.is_only(Encoding::PLAIN_DICTIONARY) || mask.is_only(Encoding::RLE_DICTIONARY)
                })
        })
    };
    let mut changed = false;
    let fields: Vec<Field> = meta
        .schema()
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 | DataType::LargeUtf8
                if TEXT_COLUMNS.contains(&f.name().as_str()) && all_dictionary(f.name()) =>
            {
                changed = true;
                let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(f.data_type().clone()));
                f.as_ref().clone().with_data_type(dictionary)
            }
            _ => f.as_ref().clone(),
        })
        .collect();
    if !changed {
        return None;
    }
    let schema = Schema::new_with_metadata(fields, meta.schema().metadata().clone());
    let options = ArrowReaderOptions::new().with_schema(std::sync::Arc::new(schema));
    ArrowReaderMetadata::try_new(meta.metadata().clone(), options).ok()
}

/// Reads every file of a data set; the files (and the row groups of each)
/// are decoded on the crate's threads (feature `parallel`). For the
/// imports, which read dictionaries as text, with `Texts::Dictionaries`
/// (see [`dictionary_text`]); as the files give them for batches handed
/// to the caller.
fn read_parts(path: &Path, texts: Texts) -> Result<Vec<Part>> {
    let mut groups = RowGroups::of(path)?;
    let units = std::mem::take(&mut groups.units);
    let decoded = crate::util::par::map_owned(units, |unit| groups.decode(unit, texts))?;
    let mut parts: Vec<(String, Vec<RecordBatch>)> = groups.files.iter().map(|f| (name_of(f), Vec::new())).collect();
    for unit in decoded {
        let (k, batches) = unit?;
        if let Some(part) = parts.get_mut(k) {
            part.1.extend(batches);
        }
    }
    Ok(parts.into_iter().map(|(name, batches)| Part::new(name, batches)).collect())
}

/// A file's metadata, a panic of the decoder turned into an error.
fn decode_metadata(handle: &std::fs::File) -> Result<ArrowReaderMetadata> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ArrowReaderMetadata::load(handle, ArrowReaderOptions::new()).map_err(parquet_error)
    }))
    .map_err(|_| parquet_error("the decoder failed on a corrupt file's metadata"))?
}

/// Reads one Parquet file held in memory.
fn read_part<R: ChunkReader + 'static>(name: String, reader: R) -> Result<Part> {
    let batches = decode(|| {
        let reader = ParquetRecordBatchReaderBuilder::try_new(reader)
            .and_then(|b| b.with_batch_size(BATCH_ROWS).build())
            .map_err(parquet_error)?;
        reader.collect::<std::result::Result<Vec<_>, _>>().map_err(parquet_error)
    })
    .map_err(|e| e.in_file(&name))?;
    Ok(Part::new(name, batches))
}

fn all_batches(parts: &[Part]) -> Vec<RecordBatch> {
    parts.iter().flat_map(|p| p.batches.iter().cloned()).collect()
}

/// Turns a row of the whole data set into its file and the row within it.
fn locate(e: Error, parts: &[Part]) -> Error {
    let Some(mut row) = e.row() else { return e };
    if parts.len() <= 1 {
        return e;
    }
    for part in parts {
        if row <= part.rows {
            return e.at_row(row).in_file(&part.name);
        }
        row -= part.rows;
    }
    e
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
    use arrow_schema::DataType;
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::{ArrowReaderMetadata, ArrowReaderOptions};
    use parquet::file::properties::WriterProperties;

    use super::dictionary_text;

    /// The metadata of a file of 200 rows (20 partners, 2 months, 3
    /// regions) written with `props`.
    fn metadata(props: WriterProperties) -> ArrowReaderMetadata {
        let partner: ArrayRef = Arc::new(StringArray::from_iter_values((0..200).map(|i| format!("P-{}", i % 20))));
        let month: ArrayRef = Arc::new(StringArray::from_iter_values((0..200).map(|i| format!("2025-0{}", 1 + i % 2))));
        let deals: ArrayRef = Arc::new(Int64Array::from_iter_values(0..200));
        let region: ArrayRef = Arc::new(StringArray::from_iter_values((0..200).map(|i| format!("R-{}", i % 3))));
        let batch = RecordBatch::try_from_iter([
            ("partner_id", partner),
            ("month", month),
            ("deals", deals),
            ("region", region),
        ])
        .unwrap();
        let mut bytes = Vec::new();
        let mut w = ArrowWriter::try_new(&mut bytes, batch.schema(), Some(props)).unwrap();
        w.write(&batch).unwrap();
        w.close().unwrap();
        ArrowReaderMetadata::load(&bytes::Bytes::from(bytes), ArrowReaderOptions::new()).unwrap()
    }

    fn types(meta: &ArrowReaderMetadata) -> Vec<DataType> {
        meta.schema().fields().iter().map(|f| f.data_type().clone()).collect()
    }

    #[test]
    fn text_columns_of_dictionary_pages_are_read_as_dictionaries() {
        let meta = metadata(WriterProperties::builder().build());
        let hinted = dictionary_text(&meta, 0).unwrap();
        let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
        // `region` is no column the imports read as text: as written.
        assert_eq!(types(&hinted), [dictionary.clone(), dictionary.clone(), DataType::Int64, DataType::Utf8]);
        assert_eq!(types(&meta), [DataType::Utf8, DataType::Utf8, DataType::Int64, DataType::Utf8]);
        // No such row group: nothing to hint.
        assert!(dictionary_text(&meta, 1).is_none());
        // Each column by its own pages.
        let month = parquet::schema::types::ColumnPath::from("month");
        let meta = metadata(WriterProperties::builder().set_column_dictionary_enabled(month, false).build());
        let hinted = dictionary_text(&meta, 0).unwrap();
        assert_eq!(types(&hinted), [dictionary, DataType::Utf8, DataType::Int64, DataType::Utf8]);
    }

    #[test]
    fn text_columns_with_plain_pages_stay_plain() {
        let plain = metadata(WriterProperties::builder().set_dictionary_enabled(false).build());
        assert!(dictionary_text(&plain, 0).is_none());
        // The dictionary outgrew its page: the later pages are plain.
        let props = WriterProperties::builder().set_dictionary_page_size_limit(8).set_data_page_row_count_limit(1);
        let fallback = metadata(props.set_write_batch_size(1).build());
        assert!(dictionary_text(&fallback, 0).is_none());
    }
}

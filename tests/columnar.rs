//! Arrow and Parquet in and out (features `arrow`, `parquet`): the same
//! review as from CSV, errors that name the row and the column.
#![cfg(all(feature = "arrow", feature = "csv"))]
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowDictionaryKeyType, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, DictionaryArray, Float64Array, Int32Array, Int64Array,
    LargeStringArray, RecordBatch, StringArray, StringViewArray,
};
use arrow_schema::DataType;
use partner_priority::chrono::{Datelike, NaiveDate};
use partner_priority::import::{ArrowImport, CsvImport, monthly_batch};
use partner_priority::{ErrorKind, Ledger, Policy, Review};
use proptest::prelude::*;

/// One generated invoice line.
#[derive(Debug, Clone)]
struct Line {
    partner: u8,
    day: u32,
    cents: i64,
    invoice: Option<u8>,
    margin: Option<i64>,
    due: Option<u32>,
    paid: Option<u32>,
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + partner_priority::chrono::Days::new(u64::from(day))
}

fn days(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn line() -> impl Strategy<Value = Line> {
    (
        0u8..6,
        0u32..500,
        -50_000_00i64..2_000_000_00,
        proptest::option::of(0u8..20),
        proptest::option::of(0i64..100_000_00),
        proptest::option::of(0u32..90),
        proptest::option::of(0u32..120),
    )
        .prop_map(|(partner, day, cents, invoice, margin, due, paid)| Line {
            partner,
            day,
            cents,
            invoice,
            margin,
            due: due.map(|d| day + d),
            paid: due.and(paid).map(|p| day + p),
        })
}

/// The lines as CSV text.
fn csv(lines: &[Line]) -> String {
    let mut out = String::from("partner_id,date,amount,invoice_id,margin,due_date,paid_date\n");
    for l in lines {
        let opt = |v: Option<String>| v.unwrap_or_default();
        out.push_str(&format!(
            "P-{},{},{},{},{},{},{}\n",
            l.partner,
            date(l.day),
            money(l.cents),
            opt(l.invoice.map(|i| format!("INV-{i}"))),
            opt(l.margin.map(money)),
            opt(l.due.map(|d| date(d).to_string())),
            opt(l.paid.map(|d| date(d).to_string())),
        ));
    }
    out
}

/// How a batch gives its text columns.
#[derive(Clone, Copy, Debug)]
enum Texts {
    Utf8,
    Large,
    View,
    /// Dictionary-encoded, as polars' categoricals and the Parquet
    /// reader's dictionary columns come (ids with `UInt16` keys, invoice
    /// ids with `Int8` keys).
    Dictionary,
}

fn texts() -> impl Strategy<Value = Texts> {
    prop_oneof![Just(Texts::Utf8), Just(Texts::Large), Just(Texts::View), Just(Texts::Dictionary)]
}

/// The lines as a record batch: amounts as `Decimal128` or as strings, ids
/// as `Utf8`, `LargeUtf8`, `Utf8View` or dictionaries.
fn batch(lines: &[Line], decimal: bool, texts: Texts) -> RecordBatch {
    let partners: Vec<String> = lines.iter().map(|l| format!("P-{}", l.partner)).collect();
    let partner: ArrayRef = match texts {
        Texts::Utf8 => Arc::new(StringArray::from_iter_values(partners.iter())),
        Texts::Large => Arc::new(LargeStringArray::from_iter_values(partners.iter())),
        Texts::View => Arc::new(StringViewArray::from_iter_values(partners.iter())),
        Texts::Dictionary => Arc::new(partners.iter().map(String::as_str).collect::<DictionaryArray<UInt16Type>>()),
    };
    let invoices: Vec<Option<String>> = lines.iter().map(|l| l.invoice.map(|i| format!("INV-{i}"))).collect();
    let invoice: ArrayRef = match texts {
        Texts::Dictionary => Arc::new(invoices.iter().map(Option::as_deref).collect::<DictionaryArray<Int8Type>>()),
        _ => Arc::new(StringArray::from(invoices)),
    };
    let amount = |v: Vec<Option<i64>>| -> ArrayRef {
        if decimal {
            Arc::new(
                Decimal128Array::from(v.into_iter().map(|c| c.map(i128::from)).collect::<Vec<_>>())
                    .with_precision_and_scale(18, 2)
                    .unwrap(),
            )
        } else {
            Arc::new(StringArray::from(v.into_iter().map(|c| c.map(money)).collect::<Vec<_>>()))
        }
    };
    let dates = |v: Vec<Option<u32>>| -> ArrayRef {
        Arc::new(Date32Array::from(v.into_iter().map(|d| d.map(|d| days(date(d)))).collect::<Vec<_>>()))
    };
    RecordBatch::try_from_iter([
        ("partner_id", partner),
        ("date", dates(lines.iter().map(|l| Some(l.day)).collect())),
        ("amount", amount(lines.iter().map(|l| Some(l.cents)).collect())),
        ("invoice_id", invoice),
        ("margin", amount(lines.iter().map(|l| l.margin).collect())),
        ("due_date", dates(lines.iter().map(|l| l.due).collect())),
        ("paid_date", dates(lines.iter().map(|l| l.paid).collect())),
    ])
    .unwrap()
}

/// `b` with its `Utf8` columns dictionary-encoded (`Int32` keys).
fn as_dictionaries(b: &RecordBatch) -> RecordBatch {
    let schema = b.schema();
    let columns = schema.fields().iter().zip(b.columns()).map(|(f, c)| match c.as_string_opt::<i32>() {
        Some(s) => (f.name().clone(), Arc::new(s.iter().collect::<DictionaryArray<Int32Type>>()) as ArrayRef),
        None => (f.name().clone(), c.clone()),
    });
    RecordBatch::try_from_iter(columns).unwrap()
}

fn review_dates() -> [NaiveDate; 3] {
    [2025, 2026]
        .map(|y| NaiveDate::from_ymd_opt(y, 7, 1).unwrap())
        .into_iter()
        .chain([date(600)])
        .collect::<Vec<_>>()
        .try_into()
        .unwrap()
}

fn same_reviews(a: &Ledger, b: &Ledger) -> Result<(), TestCaseError> {
    for as_of in review_dates() {
        let policy = Policy::default();
        prop_assert_eq!(Review::new(a, as_of).run(&policy).unwrap(), Review::new(b, as_of).run(&policy).unwrap());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The review of lines read from a record batch (decimal or string
    /// amounts, `Utf8`, `LargeUtf8`, `Utf8View` or dictionary ids, in
    /// batches of any size) is the review of the same lines read from CSV;
    /// a bad data set fails both ways, at the same row.
    #[test]
    fn arrow_in_gives_the_review_of_the_same_csv_lines(
        lines in proptest::collection::vec(line(), 0..60),
        decimal in any::<bool>(),
        texts in texts(),
        split in 1usize..8,
    ) {
        let from_csv = CsvImport::new().read_sales(csv(&lines).as_bytes());
        let batches: Vec<RecordBatch> = lines.chunks(split).map(|c| batch(c, decimal, texts)).collect();
        let from_arrow = ArrowImport::new().read_sales(&batches);
        match (from_csv, from_arrow) {
            (Ok(a), Ok(b)) => same_reviews(&a, &b)?,
            (Err(a), Err(b)) => {
                prop_assert_eq!(a.line().map(|l| l - 1), b.row(), "{} / {}", a, b);
                prop_assert_eq!(a.column(), b.column(), "{} / {}", a, b);
            }
            (a, b) => prop_assert!(false, "CSV {:?}, Arrow {:?}", a.err(), b.err()),
        }
    }

    /// Monthly figures (with their receivables) read from a record batch
    /// give the review of the lines they summarise, with their text
    /// columns plain or dictionary-encoded.
    #[test]
    fn monthly_figures_via_arrow_give_the_review_of_the_lines(lines in proptest::collection::vec(line(), 0..60)) {
        let Ok(ledger) = CsvImport::new().read_sales(csv(&lines).as_bytes()) else { return Ok(()) };
        let figures: Vec<_> = ledger.monthly_figures().collect();
        let batch = monthly_batch(&figures).unwrap();
        prop_assert_eq!(&ArrowImport::new().monthly_figures(std::slice::from_ref(&batch)).unwrap(), &figures);
        let from_figures = ArrowImport::new().read_monthly(std::slice::from_ref(&batch)).unwrap();
        same_reviews(&ledger, &from_figures)?;
        let dictionaries = as_dictionaries(&batch);
        prop_assert_eq!(&ArrowImport::new().monthly_figures(std::slice::from_ref(&dictionaries)).unwrap(), &figures);
        prop_assert_eq!(ArrowImport::new().read_monthly(&[dictionaries]).unwrap(), from_figures);
    }
}

/// `b` with its ids a dictionary with `K` keys and its counts made by
/// `counts`.
fn keyed_by<K: ArrowDictionaryKeyType>(b: &RecordBatch, counts: impl Fn(&Int64Array) -> ArrayRef) -> RecordBatch {
    let schema = b.schema();
    let columns = schema.fields().iter().zip(b.columns()).map(|(f, c)| {
        let column: ArrayRef = match (c.as_string_opt::<i32>(), c.as_primitive_opt::<Int64Type>()) {
            (Some(s), _) if f.name() == "partner_id" => Arc::new(s.iter().collect::<DictionaryArray<K>>()),
            (_, Some(n)) => counts(n),
            _ => c.clone(),
        };
        (f.name().clone(), column)
    });
    RecordBatch::try_from_iter(columns).unwrap()
}

/// Dictionary keys and counts of every integer type read alike.
#[test]
fn ids_keyed_and_counts_of_every_integer_type_read_alike() {
    let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
    let figures: Vec<_> = ledger.monthly_figures().collect();
    // The first 300 rows: fewer partners than an `Int8` key can number.
    let plain = monthly_batch(&figures).unwrap().slice(0, 300);
    let expected = ArrowImport::new().read_monthly(std::slice::from_ref(&plain)).unwrap();
    assert!(expected.partner_count() > 1 && expected.partner_count() < 128);
    let read = |b: RecordBatch, counts: DataType| {
        assert!(matches!(b.column_by_name("partner_id").unwrap().data_type(), DataType::Dictionary(..)));
        assert_eq!(b.column_by_name("deals").unwrap().data_type(), &counts);
        ArrowImport::new().read_monthly(&[b]).unwrap()
    };
    macro_rules! narrow {
        ($array:ty, $native:ty) => {
            |n: &Int64Array| -> ArrayRef {
                Arc::new(n.iter().map(|v| v.map(|v| <$native>::try_from(v).unwrap())).collect::<$array>())
            }
        };
    }
    let i8s = keyed_by::<Int8Type>(&plain, narrow!(arrow_array::Int8Array, i8));
    assert_eq!(read(i8s, DataType::Int8), expected);
    let i16s = keyed_by::<Int16Type>(&plain, narrow!(arrow_array::Int16Array, i16));
    assert_eq!(read(i16s, DataType::Int16), expected);
    let i32s = keyed_by::<Int32Type>(&plain, narrow!(Int32Array, i32));
    assert_eq!(read(i32s, DataType::Int32), expected);
    let i64s = keyed_by::<Int64Type>(&plain, narrow!(Int64Array, i64));
    assert_eq!(read(i64s, DataType::Int64), expected);
    let u8s = keyed_by::<UInt8Type>(&plain, narrow!(arrow_array::UInt8Array, u8));
    assert_eq!(read(u8s, DataType::UInt8), expected);
    let u16s = keyed_by::<UInt16Type>(&plain, narrow!(arrow_array::UInt16Array, u16));
    assert_eq!(read(u16s, DataType::UInt16), expected);
    let u32s = keyed_by::<UInt32Type>(&plain, narrow!(arrow_array::UInt32Array, u32));
    assert_eq!(read(u32s, DataType::UInt32), expected);
    let u64s = keyed_by::<UInt64Type>(&plain, narrow!(arrow_array::UInt64Array, u64));
    assert_eq!(read(u64s, DataType::UInt64), expected);
}

#[test]
fn the_sample_reviews_alike_from_lines_and_from_monthly_figures() {
    let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
    let figures: Vec<_> = ledger.monthly_figures().collect();
    let from_figures = ArrowImport::new().read_monthly(&[monthly_batch(&figures).unwrap()]).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let policy = Policy::default();
    assert_eq!(
        Review::new(&ledger, as_of).run(&policy).unwrap(),
        Review::new(&from_figures, as_of).run(&policy).unwrap()
    );
}

/// A batch of three good lines with one column replaced.
fn with_column(name: &str, column: ArrayRef) -> RecordBatch {
    let good = batch(
        &[0, 1, 2].map(|k| Line {
            partner: k,
            day: 10,
            cents: 100_00,
            invoice: None,
            margin: None,
            due: None,
            paid: None,
        }),
        true,
        Texts::Utf8,
    );
    let mut fields = Vec::new();
    for (field, array) in good.schema().fields().iter().zip(good.columns()) {
        if field.name() == name {
            fields.push((field.name().clone(), column.clone()));
        } else {
            fields.push((field.name().clone(), array.clone()));
        }
    }
    if !fields.iter().any(|(n, _)| n == name) {
        fields.push((name.to_owned(), column));
    }
    RecordBatch::try_from_iter(fields).unwrap()
}

#[test]
fn a_float_amount_column_is_an_error_saying_floats_are_not_exact() {
    let b = with_column("amount", Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0])));
    let err = ArrowImport::new().read_sales(&[b]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ColumnType { .. }), "{err}");
    assert_eq!(err.column(), Some("amount"));
    assert_eq!(err.row(), Some(1));
    assert!(err.to_string().contains("floats are not exact"), "{err}");
    assert!(err.to_string().contains("Float64"), "{err}");
}

#[test]
fn a_missing_required_column_is_named() {
    let good = with_column("amount", Arc::new(StringArray::from(vec!["1", "2", "3"])));
    let without = good.project(&[0, 2]).unwrap(); // partner_id, amount: no date
    let err = ArrowImport::new().read_sales(&[without]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::MissingColumn { column: "date" }), "{err}");
    assert_eq!(err.column(), Some("date"));
}

#[test]
fn a_null_in_a_required_column_names_the_row_and_column() {
    let b = with_column("date", Arc::new(Date32Array::from(vec![Some(20_000), Some(20_000), None])));
    let second = batch(
        &[Line { partner: 1, day: 3, cents: 1, invoice: None, margin: None, due: None, paid: None }],
        true,
        Texts::Utf8,
    );
    let err = ArrowImport::new().read_sales(&[second, b]).unwrap_err();
    assert_eq!((err.row(), err.column()), (Some(4), Some("date")), "{err}");
    assert!(err.to_string().contains("null in a required column"), "{err}");
    assert_eq!(err.partner(), Some("P-2"));
}

#[test]
fn a_column_of_the_wrong_type_is_an_error_naming_it() {
    let b = with_column("partner_id", Arc::new(Int32Array::from(vec![1, 2, 3])));
    let err = ArrowImport::new().read_sales(&[b]).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::ColumnType { .. }), "{err}");
    assert_eq!(err.column(), Some("partner_id"));
    let b = with_column("due_date", Arc::new(BooleanArray::from(vec![true, false, true])));
    let err = ArrowImport::new().read_sales(&[b]).unwrap_err();
    assert_eq!(err.column(), Some("due_date"), "{err}");
}

#[test]
fn an_amount_with_more_decimal_places_than_the_ledger_keeps_names_its_row() {
    let b = with_column(
        "amount",
        Arc::new(Decimal128Array::from(vec![1000, 1001, 1000]).with_precision_and_scale(10, 3).unwrap()),
    );
    let err = ArrowImport::new().read_sales(&[b]).unwrap_err();
    assert_eq!((err.row(), err.column()), (Some(2), Some("amount")), "{err}");
    assert!(err.to_string().contains("1.001"), "{err}");
    // Decimals of a higher scale that are whole kopecks are exact.
    let b = with_column(
        "amount",
        Arc::new(Decimal128Array::from(vec![1000, 1010, 1000]).with_precision_and_scale(38, 3).unwrap()),
    );
    assert!(ArrowImport::new().read_sales(&[b]).is_ok());
}

#[test]
fn monthly_rows_of_one_month_must_agree_and_not_repeat() {
    let data = "\
partner_id,month,turnover,deals,due_date,paid_date,receivable
D-1,2025-03,120000.00,2,2025-04-15,2025-04-10,100000.00
D-1,2025-03,120000.00,3,2025-04-30,,20000.00
";
    let err = CsvImport::new().read_monthly(data.as_bytes()).unwrap_err();
    assert_eq!((err.line(), err.column()), (Some(3), Some("deals")), "{err}");
    let data = "\
partner_id,month,turnover,deals,due_date,paid_date,receivable
D-1,2025-03,120000.00,2,2025-04-15,2025-04-10,100000.00
D-1,2025-03,120000.00,2,2025-04-15,2025-04-10,100000.00
";
    let err = CsvImport::new().read_monthly(data.as_bytes()).unwrap_err();
    assert!(err.is_duplicate(), "{err}");
    assert_eq!(err.line(), Some(3));
}

#[test]
fn monthly_figures_read_alike_from_csv_and_arrow() {
    let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
    let figures: Vec<_> = ledger.monthly_figures().collect();
    let mut text = String::from(
        "partner_id,month,turnover,credit_notes,credit_note_count,deals,margin,margin_complete,due_date,paid_date,receivable\n",
    );
    for f in &figures {
        let rows: Vec<Option<&partner_priority::ledger::Receivable>> =
            if f.receivables.is_empty() { vec![None] } else { f.receivables.iter().map(Some).collect() };
        for r in rows {
            text.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                f.partner,
                f.month,
                f.turnover,
                f.credit_notes,
                f.credit_note_count,
                f.deals,
                f.margin,
                f.margin_complete,
                r.map(|r| r.due_date.to_string()).unwrap_or_default(),
                r.and_then(|r| r.paid_date).map(|d| d.to_string()).unwrap_or_default(),
                r.map(|r| r.amount.to_string()).unwrap_or_default(),
            ));
        }
    }
    let from_csv = CsvImport::new().monthly_figures(text.as_bytes()).unwrap();
    let from_arrow = ArrowImport::new().monthly_figures(&[monthly_batch(&figures).unwrap()]).unwrap();
    assert_eq!(from_csv, figures);
    assert_eq!(from_arrow, figures);
}

#[cfg(feature = "parquet")]
mod parquet_files {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, Int64Type};
    use parquet::arrow::ArrowWriter;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use partner_priority::Portfolio;
    use partner_priority::import::ParquetImport;
    use partner_priority::lang::Catalogue as _;
    use partner_priority::report;
    use partner_priority::rust_decimal::Decimal;

    fn parquet_bytes(batches: &[RecordBatch]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = ArrowWriter::try_new(&mut out, batches[0].schema(), None).unwrap();
        for b in batches {
            w.write(b).unwrap();
        }
        w.close().unwrap();
        out
    }

    fn read_back(bytes: Vec<u8>) -> RecordBatch {
        let builder = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap();
        let schema = builder.schema().clone();
        let batches: Vec<RecordBatch> = builder.build().unwrap().map(Result::unwrap).collect();
        // The results of these tests fit one batch.
        assert!(batches.len() <= 1, "expected one batch");
        batches.first().cloned().unwrap_or_else(|| RecordBatch::new_empty(schema))
    }

    fn decimals(b: &RecordBatch, name: &str) -> Vec<Decimal> {
        let a = b.column_by_name(name).unwrap();
        let arrow_schema::DataType::Decimal128(_, scale) = a.data_type() else { panic!("{name} is not a decimal") };
        let scale = u32::try_from(*scale).unwrap();
        a.as_primitive::<Decimal128Type>().values().iter().map(|v| Decimal::from_i128_with_scale(*v, scale)).collect()
    }

    fn texts(b: &RecordBatch, name: &str) -> Vec<Option<String>> {
        let a = b.column_by_name(name).unwrap().as_string::<i32>();
        (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i).to_owned())).collect()
    }

    fn check_results(p: &Portfolio, b: &RecordBatch) -> Result<(), TestCaseError> {
        let rows: Vec<_> = p.assessments().collect();
        prop_assert_eq!(b.num_rows(), rows.len());
        let ids: Vec<Option<String>> = rows.iter().map(|a| Some(a.id().to_string())).collect();
        prop_assert_eq!(texts(b, "partner_id"), ids);
        let segments: Vec<Option<String>> = rows.iter().map(|a| Some(a.segment().to_string())).collect();
        prop_assert_eq!(texts(b, "segment"), segments);
        let scale = Ledger::new(p.currency()).scale();
        let monthly: Vec<Decimal> = rows.iter().map(|a| a.monthly_turnover().round_dp(scale)).collect();
        prop_assert_eq!(decimals(b, "monthly_turnover"), monthly);
        prop_assert_eq!(decimals(b, "turnover"), rows.iter().map(|a| a.turnover()).collect::<Vec<_>>());
        prop_assert_eq!(decimals(b, "margin"), rows.iter().map(|a| a.margin()).collect::<Vec<_>>());
        prop_assert_eq!(decimals(b, "priority_score"), rows.iter().map(|a| a.score()).collect::<Vec<_>>());
        let ranks = b.column_by_name("priority_rank").unwrap().as_primitive::<Int64Type>();
        prop_assert_eq!(ranks.values().to_vec(), rows.iter().map(|a| i64::from(a.rank())).collect::<Vec<_>>());
        let tiers: Vec<Option<String>> =
            rows.iter().map(|a| Some(partner_priority::Language::En.tier(a.tier()).to_owned())).collect();
        prop_assert_eq!(texts(b, "tier"), tiers);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// The results written as Parquet read back as the review in
        /// memory: every partner, in rank order, every amount exact.
        #[test]
        fn parquet_out_reads_back_as_the_results_in_memory(lines in proptest::collection::vec(line(), 0..60)) {
            let Ok(ledger) = CsvImport::new().read_sales(csv(&lines).as_bytes()) else { return Ok(()) };
            for as_of in review_dates() {
                let p = Review::new(&ledger, as_of).run(&Policy::default()).unwrap();
                let mut out = Vec::new();
                report::write_parquet(&p, &mut out).unwrap();
                check_results(&p, &read_back(out))?;
                check_results(&p, &report::results_batch(&p).unwrap())?;
            }
        }

        /// Lines read from Parquet give the review of the same CSV lines.
        #[test]
        fn parquet_in_gives_the_review_of_the_same_csv_lines(lines in proptest::collection::vec(line(), 1..60)) {
            let Ok(from_csv) = CsvImport::new().read_sales(csv(&lines).as_bytes()) else { return Ok(()) };
            let bytes = parquet_bytes(&[batch(&lines, true, Texts::Utf8)]);
            let from_parquet = ParquetImport::new().read_sales_bytes(bytes).unwrap();
            same_reviews(&from_csv, &from_parquet)?;
        }
    }

    /// `batches` as a Parquet file of row groups of `rows` rows, in the
    /// temp directory under a name of its own.
    fn parquet_file_of_row_groups(batches: &[RecordBatch], rows: usize, pages: Pages) -> std::path::PathBuf {
        static FILES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let k = FILES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("pp-row-groups-{}-{k}.parquet", std::process::id()));
        let props = parquet::file::properties::WriterProperties::builder().set_max_row_group_row_count(Some(rows));
        let props = match pages {
            Pages::Plain => props.set_dictionary_enabled(false),
            Pages::Dictionary => props,
            // A dictionary page of a few bytes: the writer falls back to
            // plain pages within a column chunk.
            Pages::Fallback => props.set_dictionary_page_size_limit(8).set_data_page_row_count_limit(1),
        }
        .build();
        let file = std::fs::File::create(&path).unwrap();
        let mut w = ArrowWriter::try_new(file, batches[0].schema(), Some(props)).unwrap();
        for b in batches {
            // In slices: the writer splits a batch into row groups by
            // recursion, one level per row group.
            for from in (0..b.num_rows()).step_by(rows) {
                w.write(&b.slice(from, rows.min(b.num_rows() - from))).unwrap();
            }
        }
        w.close().unwrap();
        path
    }

    /// How a Parquet file's pages are encoded.
    #[derive(Clone, Copy, Debug)]
    enum Pages {
        Plain,
        /// Every page of a column chunk from its dictionary (the writer's
        /// default): the bulk read decodes text columns as dictionaries.
        Dictionary,
        /// Dictionary pages, then plain ones.
        Fallback,
    }

    fn pages() -> impl Strategy<Value = Pages> {
        prop_oneof![Just(Pages::Plain), Just(Pages::Dictionary), Just(Pages::Fallback)]
    }

    /// The rows of `batch` one by one, last first: every partner's rows
    /// out of order and spread over row groups.
    fn reversed(batch: &RecordBatch) -> Vec<RecordBatch> {
        let rows: Vec<RecordBatch> = (0..batch.num_rows()).rev().map(|i| batch.slice(i, 1)).collect();
        if rows.is_empty() { vec![batch.clone()] } else { rows }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

        /// Monthly figures read from a Parquet file of many small row groups
        /// (each gathered apart by the bulk path, a partner's rows in
        /// several of them, in order or not; pages plain, from dictionaries,
        /// or both) give the ledger of the same figures added one by one.
        #[test]
        fn parquet_monthly_row_groups_read_in_bulk_give_the_ledger_of_the_figures(
            lines in proptest::collection::vec(line(), 0..60),
            rows in 1usize..8,
            out_of_order in any::<bool>(),
            pages in pages(),
        ) {
            let Ok(ledger) = CsvImport::new().read_sales(csv(&lines).as_bytes()) else { return Ok(()) };
            let figures: Vec<_> = ledger.monthly_figures().collect();
            let mut one_by_one = Ledger::new(partner_priority::Currency::RUB);
            one_by_one.add_monthly_all(figures.iter().cloned()).unwrap();
            let batch = monthly_batch(&figures).unwrap();
            let batches = if out_of_order { reversed(&batch) } else { vec![batch.clone()] };
            let path = parquet_file_of_row_groups(&batches, rows, pages);
            let read = ParquetImport::new().read_monthly_path(&path);
            std::fs::remove_file(&path).unwrap();
            prop_assert_eq!(read.unwrap(), one_by_one.clone());
            prop_assert_eq!(ArrowImport::new().read_monthly(&batches).unwrap(), one_by_one);
        }
    }

    /// `ParquetImport::read_batches` hands out the file's batches with the
    /// types it was written with: text columns stay `Utf8`, though the
    /// imports decode them as dictionaries.
    #[test]
    fn read_batches_gives_the_batches_as_written() {
        let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
        let figures: Vec<_> = ledger.monthly_figures().collect();
        let batch = monthly_batch(&figures).unwrap();
        let path = parquet_file_of_row_groups(std::slice::from_ref(&batch), 1000, Pages::Dictionary);
        let read = ParquetImport::read_batches(&path);
        std::fs::remove_file(&path).unwrap();
        let read = read.unwrap();
        assert_eq!(read.iter().map(RecordBatch::num_rows).sum::<usize>(), batch.num_rows());
        for b in &read {
            assert_eq!(b.schema().fields(), batch.schema().fields());
        }
    }

    /// A receivable repeated in a later row group (the bulk path finds it
    /// only when the parts come together) is the error of the row-by-row
    /// read: the same kind, row and partner as from the same record batch.
    #[test]
    fn a_receivable_repeated_across_row_groups_is_named_by_its_row() {
        let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
        let figures: Vec<_> = ledger.monthly_figures().collect();
        let batch = monthly_batch(&figures).unwrap();
        let due = batch.column_by_name("due_date").unwrap();
        let first = (0..batch.num_rows()).find(|&i| due.is_valid(i)).unwrap();
        let batches = [batch.clone(), batch.slice(first, 1)];
        let path = parquet_file_of_row_groups(&batches, 5, Pages::Dictionary);
        let from_file = ParquetImport::new().read_monthly_path(&path).unwrap_err();
        std::fs::remove_file(&path).unwrap();
        let from_batches = ArrowImport::new().read_monthly(&batches).unwrap_err();
        assert!(matches!(from_file.kind(), ErrorKind::DuplicateMonthlyFigures { .. }), "{from_file}");
        assert_eq!(from_file.row(), Some(batch.num_rows() as u64 + 1), "{from_file}");
        assert_eq!(format!("{from_file:?}"), format!("{from_batches:?}"));
    }

    /// A directory of part files as Spark writes it: read as one data set,
    /// `_SUCCESS`, `.crc` and hidden files skipped.
    #[test]
    fn a_directory_of_part_files_is_one_data_set() {
        let ledger = CsvImport::new().read_sales_path("examples/data/invoices.csv").unwrap();
        let figures: Vec<_> = ledger.monthly_figures().collect();
        let batch = monthly_batch(&figures).unwrap();
        let dir = std::env::temp_dir().join(format!("pp-parts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let half = batch.num_rows() / 2;
        let parts = [batch.slice(half, batch.num_rows() - half), batch.slice(0, half)];
        for (k, part) in parts.iter().enumerate() {
            let name = format!("part-{k:05}-abc.snappy.parquet");
            std::fs::write(dir.join(&name), parquet_bytes(std::slice::from_ref(part))).unwrap();
            std::fs::write(dir.join(format!(".{name}.crc")), b"crc").unwrap();
        }
        std::fs::write(dir.join("_SUCCESS"), b"").unwrap();
        let from_parts = ParquetImport::new().read_monthly_path(&dir).unwrap();
        assert_eq!(ParquetImport::new().monthly_figures_path(&dir).unwrap(), figures);
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let policy = Policy::default();
        assert_eq!(
            Review::new(&ledger, as_of).run(&policy).unwrap(),
            Review::new(&from_parts, as_of).run(&policy).unwrap()
        );

        // A bad row in the second file is named by its file and its row there.
        let mut bad = parts[1].clone();
        let turnover = Arc::new(StringArray::from(vec![Some("12.5x"); bad.num_rows()])) as ArrayRef;
        let at = bad.schema().index_of("turnover").unwrap();
        let mut columns = bad.columns().to_vec();
        columns[at] = turnover;
        let mut fields: Vec<arrow_schema::Field> = bad.schema().fields().iter().map(|f| f.as_ref().clone()).collect();
        fields[at] = arrow_schema::Field::new("turnover", arrow_schema::DataType::Utf8, true);
        bad = RecordBatch::try_new(Arc::new(arrow_schema::Schema::new(fields)), columns).unwrap();
        std::fs::write(dir.join("part-00001-abc.snappy.parquet"), parquet_bytes(&[bad])).unwrap();
        let err = ParquetImport::new().read_monthly_path(&dir).unwrap_err();
        assert_eq!(
            (err.file(), err.row(), err.column()),
            (Some("part-00001-abc.snappy.parquet"), Some(1), Some("turnover")),
            "{err}"
        );

        // A corrupt file is an error naming it.
        std::fs::write(dir.join("part-00001-abc.snappy.parquet"), b"PAR1 not really").unwrap();
        let err = ParquetImport::new().read_monthly_path(&dir).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Columnar { .. }), "{err}");
        assert_eq!(err.file(), Some("part-00001-abc.snappy.parquet"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// Truncated and corrupted Parquet files are errors, never panics (the
/// fuzz target `parquet_input` explores further).
#[cfg(feature = "parquet")]
#[test]
fn corrupt_parquet_files_are_errors_never_panics() {
    use partner_priority::import::ParquetImport;
    for seed in ["seed-sales.parquet", "seed-monthly.parquet"] {
        let good = std::fs::read(format!("fuzz/corpus/parquet_input/{seed}")).unwrap();
        assert!(ParquetImport::new().read_sales_bytes(good.clone()).is_ok() || seed.contains("monthly"));
        let import = ParquetImport::new();
        for len in (0..good.len()).step_by(7) {
            assert!(import.read_sales_bytes(&good[..len]).is_err());
            let _ = import.read_monthly_bytes(&good[..len]);
        }
        // Files the fuzzer found (`seed-*` in its corpus): errors too.
        for entry in std::fs::read_dir("fuzz/corpus/parquet_input").unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let _ = import.read_sales_bytes(bytes.clone());
            let _ = import.read_monthly_bytes(bytes);
        }
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..2000 {
            let mut bad = good.clone();
            for _ in 0..3 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = usize::try_from(state % bad.len() as u64).unwrap();
                bad[at] = (state >> 32) as u8;
            }
            let _ = import.read_sales_bytes(bad.clone());
            let _ = import.read_monthly_bytes(bad);
        }
    }
}

/// A data set large enough to be read on several threads: the same review
/// as from CSV, and a bad row named as one thread would name it.
#[test]
fn a_large_arrow_read_on_threads_gives_the_csv_review_and_rows() {
    let lines: Vec<Line> = (0..150_000u32)
        .map(|k| Line {
            partner: (k % 6) as u8,
            day: k % 500,
            cents: i64::from(k % 9_973) * 100 - 1_000_00,
            invoice: None,
            margin: (k % 3 == 0).then_some(i64::from(k % 777)),
            due: (k % 2 == 0).then_some(k % 500 + 30),
            paid: (k % 4 == 0).then_some(k % 500 + 40),
        })
        .collect();
    let batches: Vec<RecordBatch> = lines.chunks(10_000).map(|c| batch(c, true, Texts::Utf8)).collect();
    let from_arrow = ArrowImport::new().read_sales(&batches).unwrap();
    let from_csv = CsvImport::new().read_sales(csv(&lines).as_bytes()).unwrap();
    let as_of = date(600);
    assert_eq!(
        Review::new(&from_csv, as_of).run(&Policy::default()).unwrap(),
        Review::new(&from_arrow, as_of).run(&Policy::default()).unwrap()
    );
    let mut bad = lines.clone();
    bad[123_456].paid = Some(bad[123_456].day.saturating_sub(1));
    bad[123_456].due = Some(bad[123_456].day);
    let batches: Vec<RecordBatch> = bad.chunks(10_000).map(|c| batch(c, true, Texts::Utf8)).collect();
    let err = ArrowImport::new().read_sales(&batches).unwrap_err();
    let csv_err = CsvImport::new().read_sales(csv(&bad).as_bytes()).unwrap_err();
    assert_eq!(err.row(), Some(123_457), "{err}");
    assert_eq!(csv_err.line(), Some(123_458), "{csv_err}");
}

/// The period report as a record batch and as Parquet: the CSV's columns
/// and figures, row for row (the CSV's empty fields are nulls).
#[cfg(feature = "parquet")]
#[test]
fn the_period_report_in_parquet_has_the_csv_rows() {
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Decimal128Type, Int64Type};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use partner_priority::ledger::periods::{CSV_HEADER, Granularity, PeriodReport};
    use partner_priority::period::Window;
    use partner_priority::report;

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/invoices.csv");
    let ledger = CsvImport::new().read_sales_path(path).unwrap();
    let window = Window::before(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), 12).unwrap();
    for granularity in [Granularity::Monthly, Granularity::Quarterly] {
        let periods = PeriodReport::new(&ledger, window, granularity);
        let mut csv = Vec::new();
        periods.write_csv(&mut csv).unwrap();
        let csv = String::from_utf8(csv).unwrap();
        let file = std::env::temp_dir().join(format!("partner-priority-periods-{granularity:?}.parquet"));
        report::write_periods_parquet_path(&periods, &file).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&file).unwrap()).unwrap();
        let batches: Vec<RecordBatch> = reader.build().unwrap().map(Result::unwrap).collect();
        let _ = std::fs::remove_file(&file);
        assert_eq!(batches.iter().map(RecordBatch::num_rows).sum::<usize>(), csv.lines().count() - 1);
        let mut rows = csv.lines();
        assert_eq!(rows.next(), Some(CSV_HEADER.join(",").as_str()));
        for b in &batches {
            let schema = b.schema();
            let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            assert_eq!(names, CSV_HEADER);
            for r in 0..b.num_rows() {
                let cell = |c: usize| -> String {
                    let a = b.column(c);
                    if a.is_null(r) {
                        return String::new();
                    }
                    match a.data_type() {
                        arrow_schema::DataType::Utf8 => a.as_string::<i32>().value(r).to_owned(),
                        arrow_schema::DataType::Int64 => a.as_primitive::<Int64Type>().value(r).to_string(),
                        arrow_schema::DataType::Decimal128(_, s) => {
                            partner_priority::rust_decimal::Decimal::from_i128_with_scale(
                                a.as_primitive::<Decimal128Type>().value(r),
                                u32::try_from(*s).unwrap(),
                            )
                            .normalize()
                            .to_string()
                        }
                        other => panic!("unexpected column type {other}"),
                    }
                };
                let from_parquet: Vec<String> = (0..CSV_HEADER.len()).map(cell).collect();
                let from_csv: Vec<String> = rows
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|f| {
                        f.parse::<partner_priority::rust_decimal::Decimal>()
                            .map_or(f.to_owned(), |d| d.normalize().to_string())
                    })
                    .collect();
                assert_eq!(from_parquet, from_csv, "{granularity:?} row {r}");
            }
        }
    }
}

/// A CSV file's errors name a line (its rows are lines of text), also for
/// what only the ledger refuses, such as a month outside the accepted
/// dates (a columnar table's name a row).
#[test]
fn a_monthly_csv_error_the_ledger_finds_names_the_line() {
    use partner_priority::ledger::DateRange;
    let dates =
        DateRange::new(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 12, 31).unwrap())
            .unwrap();
    let data = "\
partner_id,month,turnover
D-1,2025-03,120000.00
D-2,2026-03,5000.00
";
    let err = CsvImport::new().dates(dates).read_monthly(data.as_bytes()).unwrap_err();
    assert_eq!((err.line(), err.row()), (Some(3), None), "{err}");
}

//! Invoice-line CSV import: any bytes give a ledger or a typed error, and an
//! error leaves the ledger it was reading into exactly as it was; with a
//! `line_id` column, lines read again are replays (a strict ledger ends as
//! it was).
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use partner_priority::import::CsvImport;
use partner_priority::ledger::DateRange;
use partner_priority::period::{Month, Window};
use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Some((&options, csv)) = data.split_first() else { return };
    let currency = [Currency::RUB, Currency::USD, Currency::new("JPY").unwrap(), Currency::new("KWD").unwrap()]
        [usize::from(options & 3)];
    let mut import = CsvImport::new()
        .delimiter(if options & 4 != 0 { b';' } else { b',' })
        .decimal_comma(options & 8 != 0)
        .ignore_unknown_columns(options & 16 != 0)
        .strict(options & 32 != 0);
    if options & 64 != 0 {
        import = import.dates(DateRange::ANY);
    }
    // Without a currency: the file's.
    if let Ok(ledger) = import.clone().read_sales(csv) {
        // Read twice into one ledger: the lines with an identity are
        // replays the second time.
        let mut twice = ledger.clone();
        if let Ok(r) = import.clone().currency(ledger.currency()).read_sales_into(&mut twice, csv) {
            if ledger.is_strict() {
                assert_eq!(r.recorded, 0, "a strict ledger takes every line again as a replay");
                assert_eq!(twice, ledger);
            }
        }
    }
    let import = import.currency(currency);
    let _ = import.read_sales(csv);

    // Reading into a ledger that already holds data: all or nothing.
    let mut ledger = Ledger::new(currency);
    let known = PartnerId::new("known").unwrap();
    let date = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    ledger
        .record(Sale::new(known.clone(), date, Money::new(Decimal::from(100), currency)).with_invoice("INV-1"))
        .unwrap();
    let window = Window::new(Month::new(2025, 1).unwrap(), Month::new(2025, 1).unwrap()).unwrap();
    let before = ledger.clone();
    let total = ledger.turnover(&known, window).map(|t| t.total());
    if import.read_sales_into(&mut ledger, csv).is_err() {
        assert_eq!(ledger, before, "a failed import changed the ledger");
        assert_eq!(ledger.turnover(&known, window).map(|t| t.total()), total);
    }
});

//! Invoice-line CSV import: any bytes give a ledger or a typed error, and an
//! error leaves the ledger it was reading into exactly as it was.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use partner_priority::import::CsvImport;
use partner_priority::period::{Month, Window};
use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
use rust_decimal::Decimal;

fuzz_target!(|data: &[u8]| {
    let Some((&options, csv)) = data.split_first() else { return };
    let currency = [Currency::RUB, Currency::USD, Currency::new("JPY").unwrap(), Currency::new("KWD").unwrap()]
        [usize::from(options & 3)];
    let import = CsvImport::new()
        .currency(currency)
        .delimiter(if options & 4 != 0 { b';' } else { b',' })
        .decimal_comma(options & 8 != 0)
        .ignore_unknown_columns(options & 16 != 0);
    let _ = import.read_sales(csv);

    // Reading into a ledger that already holds data: all or nothing.
    let mut ledger = Ledger::new(currency);
    let known = PartnerId::new("known").unwrap();
    let date = NaiveDate::from_ymd_opt(2025, 1, 15).unwrap();
    ledger
        .record(Sale::new(known.clone(), date, Money::new(Decimal::from(100), currency)).with_invoice("INV-1"))
        .unwrap();
    let window = Window::new(Month::new(2025, 1).unwrap(), Month::new(2025, 1).unwrap()).unwrap();
    let before = (ledger.partner_count(), ledger.invoice_count(), ledger.turnover(&known, window).map(|t| t.total()));
    if import.read_sales_into(&mut ledger, csv).is_err() {
        let after =
            (ledger.partner_count(), ledger.invoice_count(), ledger.turnover(&known, window).map(|t| t.total()));
        assert_eq!(before, after, "a failed import changed the ledger");
    }
});

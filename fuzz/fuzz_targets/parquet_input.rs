//! Parquet import: any bytes (a corrupt, truncated or hostile file) give a
//! ledger or a typed error, never a panic, read as invoice lines or as
//! monthly figures.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_priority::import::ParquetImport;

fuzz_target!(|data: &[u8]| {
    // The parquet crate panics on some corrupt files, and the import turns
    // that into an error; libfuzzer-sys's panic hook would abort on the
    // caught panic, so it is quieted. A panic that escapes the import is
    // still caught by libfuzzer-sys and reported as a crash.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let import = ParquetImport::new();
    if let Ok(ledger) = import.read_sales_bytes(data) {
        // Whatever was read is a ledger that reviews.
        let _ = ledger.monthly_figures().count();
    }
    let _ = import.read_monthly_bytes(data);
});

//! Risk-fact CSV import: any bytes give facts or a typed error, and facts
//! that were read pass their own check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_priority::import::CsvImport;

fuzz_target!(|data: &[u8]| {
    let Some((&options, csv)) = data.split_first() else { return };
    let import = CsvImport::new()
        .delimiter(if options & 1 != 0 { b';' } else { b',' })
        .decimal_comma(options & 2 != 0)
        .ignore_unknown_columns(options & 4 != 0);
    if let Ok(facts) = import.read_risk_facts(csv) {
        for f in &facts {
            assert!(f.check().is_ok(), "imported facts fail their own check");
        }
    }
});

//! Partner CSV import: any bytes give partners or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_priority::import::CsvImport;

fuzz_target!(|data: &[u8]| {
    let Some((&options, csv)) = data.split_first() else { return };
    let import =
        CsvImport::new().delimiter(if options & 1 != 0 { b';' } else { b',' }).ignore_unknown_columns(options & 2 != 0);
    if let Ok(partners) = import.read_partners(csv) {
        // Ids are unique once read.
        let mut ids: Vec<_> = partners.iter().map(|p| p.id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), partners.len());
    }
});

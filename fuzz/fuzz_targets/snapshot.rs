//! Ledger snapshots from any bytes (JSON): a typed error, or a ledger that
//! writes the same snapshot back, answers queries and can be reviewed.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use partner_priority::{Ledger, Policy, Review};

fuzz_target!(|data: &[u8]| {
    let Ok(ledger) = serde_json::from_slice::<Ledger>(data) else { return };
    let json = serde_json::to_vec(&ledger).unwrap();
    let again: Ledger = serde_json::from_slice(&json).unwrap();
    assert_eq!(again, ledger);
    assert_eq!(serde_json::to_vec(&again).unwrap(), json);
    let _ = (ledger.partner_count(), ledger.invoice_count(), ledger.open_invoice_count(), ledger.span());
    let _ = ledger.monthly_figures().count();
    let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    if let Ok(p) = Review::new(&ledger, as_of).run(&Policy::default()) {
        assert!(p.assessments().len() <= ledger.partner_count());
    }
});

//! Guarantees of the public types as a whole.

#![allow(clippy::unwrap_used)]

use partner_priority::*;

fn is_send_sync_debug<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn every_public_type_is_send_sync_and_debug() {
    is_send_sync_debug::<Error>();
    is_send_sync_debug::<ErrorKind>();
    is_send_sync_debug::<Location>();
    is_send_sync_debug::<Currency>();
    is_send_sync_debug::<Money>();
    is_send_sync_debug::<Month>();
    is_send_sync_debug::<Window>();
    is_send_sync_debug::<ReviewPeriod>();
    is_send_sync_debug::<PartnerId>();
    is_send_sync_debug::<Partner>();
    is_send_sync_debug::<Sale>();
    is_send_sync_debug::<MonthlyFigures>();
    is_send_sync_debug::<Ledger>();
    is_send_sync_debug::<Turnover>();
    is_send_sync_debug::<MonthFigures>();
    is_send_sync_debug::<PaymentFigures>();
    is_send_sync_debug::<UnpaidAmount>();
    is_send_sync_debug::<Language>();
    #[cfg(feature = "csv")]
    is_send_sync_debug::<CsvImport>();
}

//! The bundled sample data behaves as documented: the crisis partner raises
//! a drop alert, steady partners do not.

#![cfg(feature = "csv")]
#![allow(clippy::unwrap_used)]

use partner_priority::PartnerId;
use partner_priority::chrono::NaiveDate;
use partner_priority::import::CsvImport;
use partner_priority::period::Window;
use partner_priority::risk::{AlertKind, RiskLevel, RiskPolicy};

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data").join(name)
}

#[test]
fn the_bundled_crisis_partner_raises_a_drop_alert_and_a_steady_one_does_not() {
    let ledger = CsvImport::new().read_sales_path(data("invoices.csv")).unwrap();
    let facts = CsvImport::new().read_risk_facts_path(data("risk.csv")).unwrap();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let window = Window::before(as_of, 12).unwrap();
    let policy = RiskPolicy::default();
    let crisis = PartnerId::new("P-0093").unwrap();
    let f = facts.iter().find(|f| f.partner == crisis);
    let r = policy.assess(&ledger.turnover(&crisis, window).unwrap(), f, as_of).unwrap();
    let drop = r.alerts.iter().find(|a| matches!(a.kind, AlertKind::TurnoverDrop { .. })).unwrap();
    assert!(drop.severity >= RiskLevel::High);
    assert!(r.alerts.iter().any(|a| matches!(a.kind, AlertKind::GrowingPaymentDelays { .. })), "{:?}", r.alerts);
    // A subscription partner: the same invoice every month, paid on time.
    let steady = PartnerId::new("P-0012").unwrap();
    let r = policy.assess(&ledger.turnover(&steady, window).unwrap(), None, as_of).unwrap();
    assert!(r.alerts.is_empty(), "{:?}", r.alerts);
}

//! Policy JSON: any text gives a checked policy or a typed error naming the
//! field, and a policy that loads survives a round trip unchanged. Risk facts
//! and saved portfolios load through the same JSON path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_priority::risk::RiskFacts;
use partner_priority::{Policy, Portfolio};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(policy) = Policy::from_json(text) {
        let json = policy.to_json().expect("a loaded policy serialises");
        let again = Policy::from_json(&json).expect("a serialised policy loads");
        assert_eq!(policy, again, "policy round trip");
    }
    if let Ok(facts) = RiskFacts::list_from_json(text) {
        for f in &facts {
            assert!(f.check().is_ok(), "loaded facts fail their own check");
        }
    }
    if let Ok(portfolio) = Portfolio::from_json(text) {
        let _ = portfolio.to_json();
    }
});

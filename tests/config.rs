//! Every policy type round-trips through JSON, rejects unknown fields and
//! rejects invalid values with an error that names the field.

#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used)]

use partner_priority::pareto::ParetoPolicy;
use partner_priority::potential::PotentialPolicy;
use partner_priority::review::{PriorityPolicy, SegmentPoints, Weights};
use partner_priority::risk::{ConcentrationPolicy, CrisisPolicy, RiskFacts, RiskPolicy, Thresholds};
use partner_priority::strategy::Playbook;
use partner_priority::tier::TierPolicy;
use partner_priority::{Language, Policy};
use rust_decimal::Decimal;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Serialises, reads back, and checks nothing changed.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let json = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, value, "{json}");
}

/// Deserialising `json` fails and the message mentions `needle`.
fn rejects<T: DeserializeOwned + std::fmt::Debug>(json: &str, needle: &str) {
    let err = serde_json::from_str::<T>(json).unwrap_err();
    assert!(err.to_string().contains(needle), "{json}: {err}");
}

#[test]
fn pareto_policies() {
    round_trip(&ParetoPolicy::default());
    round_trip(&ParetoPolicy::partner_share());
    rejects::<ParetoPolicy>(r#"{"basis": "turnover", "extra": 1}"#, "extra");
    rejects::<ParetoPolicy>(r#"{"cutoffs": {"a": 80, "b": 95, "c": 120}}"#, "cutoffs.c");
    rejects::<ParetoPolicy>(r#"{"basis": "revenue"}"#, "revenue");
}

#[test]
fn tier_policies() {
    round_trip(&TierPolicy::default());
    rejects::<TierPolicy>(
        r#"{"currency": "RUB", "gold": {"above": 5}, "silver": {"from": 2}, "bronze": {"from": 1}, "colour": "x"}"#,
        "colour",
    );
    rejects::<TierPolicy>(
        r#"{"currency": "RUB", "gold": {"above": 5, "from": 5}, "silver": {"from": 2}, "bronze": {"from": 1}}"#,
        "gold",
    );
    rejects::<TierPolicy>(
        r#"{"currency": "XYZ", "gold": {"above": 5}, "silver": {"from": 2}, "bronze": {"from": 1}}"#,
        "XYZ",
    );
}

#[test]
fn potential_policies() {
    round_trip(&PotentialPolicy::default());
    round_trip(&PotentialPolicy::default().with_stability_limits(Decimal::from(5), Decimal::from(30)).unwrap());
    rejects::<PotentialPolicy>(r#"{"trend_notable": 2, "trend_notable_x": 1}"#, "trend_notable_x");
    rejects::<PotentialPolicy>(r#"{"min_history_months": 1}"#, "min_history_months");
    rejects::<PotentialPolicy>(r#"{"high_score": 0, "low_score": 0}"#, "low_score");
}

#[test]
fn risk_policies_and_their_parts() {
    round_trip(&RiskPolicy::default());
    round_trip(&CrisisPolicy::default());
    round_trip(&ConcentrationPolicy::default());
    round_trip(&Thresholds::new(Some(1), None, Some(9)));
    rejects::<RiskPolicy>(r#"{"crisis": {"drop_percent": 0}}"#, "crisis.drop_percent");
    rejects::<RiskPolicy>(r#"{"crisis": {"drop_pct": 50}}"#, "drop_pct");
    rejects::<RiskPolicy>(r#"{"on_time_delivery": {"medium": 80, "high": 90}}"#, "on_time_delivery.high");
    rejects::<RiskPolicy>(r#"{"rating_medium_from": "B", "rating_high_from": "BB"}"#, "rating_high_from");
    rejects::<RiskPolicy>(r#"{"concentration": {"hhi": {"medium": 3000, "high": 2000}}}"#, "concentration.hhi.high");
    rejects::<Thresholds>(r#"{"medium": 1, "low": 0}"#, "low");
}

#[test]
fn priority_policies_and_their_parts() {
    round_trip(&PriorityPolicy::default());
    round_trip(&Weights::default());
    round_trip(&SegmentPoints::default());
    rejects::<PriorityPolicy>(r#"{"weights": {"value": 1, "charm": 2}}"#, "charm");
    // Value checks of PriorityPolicy run when the whole policy is checked.
    let err = Policy::from_json(r#"{"priority": {"segment_points": {"a": 10, "b": 50}}}"#).unwrap_err();
    assert!(err.to_string().contains("priority.segment_points"), "{err}");
    let err = Policy::from_json(r#"{"priority": {"unknown_risk_penalty": 150}}"#).unwrap_err();
    assert!(err.to_string().contains("priority.unknown_risk_penalty"), "{err}");
}

#[test]
fn whole_policies() {
    round_trip(&Policy::default());
    round_trip(&Policy::default().with_language(Language::Ru).with_window_months(24).unwrap());
    let custom =
        Policy::from_json(&format!(r#"{{"playbook": {{"custom": {}}}}}"#, Playbook::russian().to_json().unwrap()))
            .unwrap();
    round_trip(&custom);
    assert_eq!(Policy::from_json(&custom.to_json().unwrap()).unwrap(), custom);
    assert!(Policy::from_json(r#"{"review_period": "weekly"}"#).unwrap_err().to_string().contains("review_period"));
    assert!(Policy::from_json(r#"{"playbok": {}}"#).unwrap_err().to_string().contains("playbok"));
    assert!(Policy::from_json("{").unwrap_err().is_invalid_config());
    assert!(Policy::from_json("{} trailing").unwrap_err().is_invalid_config());
}

#[test]
fn playbooks() {
    round_trip(&Playbook::english());
    round_trip(&Playbook::russian());
    let mut value: serde_json::Value = serde_json::from_str(&Playbook::english().to_json().unwrap()).unwrap();
    value["risks"]["legal"]["high"] = serde_json::json!(["consult lawyers", " "]);
    let err = Playbook::from_json(&value.to_string()).unwrap_err();
    assert!(err.to_string().contains("risks.legal.high[1]"), "{err}");
    let mut value: serde_json::Value = serde_json::from_str(&Playbook::english().to_json().unwrap()).unwrap();
    value["tiers"]["gold"]["motto"] = serde_json::json!("x");
    assert!(Playbook::from_json(&value.to_string()).unwrap_err().to_string().contains("motto"));
}

#[test]
fn risk_facts() {
    let facts = RiskFacts::list_from_json(r#"[{"partner": "P", "credit_rating": "ruBBB-", "complaints": 2}]"#).unwrap();
    round_trip(&facts);
    rejects::<RiskFacts>(r#"{"partner": "P", "on_time_delivery": -1}"#, "on_time_delivery");
    rejects::<RiskFacts>(r#"{"partner": " P"}"#, "partner id");
    rejects::<RiskFacts>(r#"{"partner": "P", "credit_rating": "excellent"}"#, "credit_rating");
}

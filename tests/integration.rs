//! The integration tests through the public API, one module per file of
//! `tests/`, built as one binary (see `autotests` in `Cargo.toml`): after a
//! change to the library one crate is built and linked again, not one per
//! file. Each module keeps its own imports, lints and feature gates.

mod api;
mod article;
mod assess;
mod columnar;
mod config;
mod edge_cases;
mod forecast;
mod large_batch;
mod large_network;
mod layout;
mod ledger_properties;
mod pareto_properties;
mod period_properties;
mod periods;
mod record;
mod record_properties;
mod replay_sample;
mod report;
mod review_rules;
mod risk_properties;
mod sample_data;
mod tier_properties;

//! Prioritise a partner network from the data a billing tool already has.
//!
//! Companies that sell through partners (dealers, resellers, distributors,
//! agents) must decide where their attention goes. This crate turns invoice
//! lines, credit notes and payment dates, plus a few facts about each
//! partner, into a prioritised and explainable view of the network. It
//! follows the Russian business article «Приоритизация партнеров: обороты,
//! кризисы, потенциал» ("Prioritising partners: turnover, crises,
//! potential"): ABC(D) segments by turnover (the few partners that bring
//! 80 % of it, and the passive tail), volume tiers by monthly turnover
//! (Gold, Silver, Bronze, Beginner) each with its interaction strategy,
//! growth potential, risk in four categories with a plan for a crisis, and
//! regular review of all of it.
//!
//! It is exact (every amount is a [`Decimal`](rust_decimal::Decimal), never
//! a float), deterministic (the same data in any order gives the same
//! result), and it never panics on bad input: every problem is an [`Error`]
//! that names the partner, invoice, line or field, and leaves state as it
//! was.
//!
//! # Example
//!
//! ```
//! use partner_priority::chrono::NaiveDate;
//! use partner_priority::rust_decimal::Decimal;
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale, Segment, Tier};
//!
//! // A year of invoices from the billing tool (a credit note is negative).
//! let mut ledger = Ledger::new(Currency::RUB);
//! for m in 1..=12 {
//!     let date = NaiveDate::from_ymd_opt(2025, m, 15).unwrap();
//!     for (dealer, amount) in [("D-042", 650_000), ("D-007", 140_000), ("D-113", 9_000)] {
//!         let sale = Sale::new(PartnerId::new(dealer)?, date, Money::new(Decimal::from(amount), Currency::RUB))
//!             .with_invoice(format!("{dealer}/{m}"));
//!         ledger.record(sale)?;
//!     }
//! }
//! ledger.record(Sale::new(PartnerId::new("D-007")?, NaiveDate::from_ymd_opt(2025, 12, 20).unwrap(),
//!     Money::new(Decimal::from(-20_000), Currency::RUB)).with_invoice("CN-1"))?;
//!
//! // The review as of 1 January: the 12 full months before it.
//! let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
//! let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
//! for a in portfolio.assessments() {
//!     let goal = portfolio.strategy(a).goal;
//!     println!("{}. {} {} {} {}: {goal}", a.rank(), a.id(), a.segment(), a.tier(), a.score());
//! }
//! let dealer = portfolio.get("D-042").unwrap();
//! assert_eq!((dealer.rank(), dealer.segment(), dealer.tier()), (1, Segment::A, Tier::Gold));
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Overview
//!
//! Along the data flow:
//!
//! - [`Currency`], [`Money`], [`PartnerId`] and [`Partner`]: the basic
//!   values; [`period`] has [`Month`](period::Month) and
//!   [`Window`](period::Window) (the review window: the `N` full months
//!   before the review date; the library never reads the clock).
//! - [`Ledger`] and [`Sale`] (module [`ledger`]): invoice lines, credit notes
//!   and monthly figures from a warehouse, aggregated exactly per partner and
//!   month; a partner's [`Turnover`](ledger::Turnover) over a window;
//!   [`ledger::periods`]: every partner's KPIs per month or quarter with
//!   their changes, and totals per group (the article's regular reports).
//! - The analyses, each a module with its policy and evidence:
//!   [`pareto`] (ABC(D) [`Segment`]s, the Pareto table, concentration),
//!   [`tier`] (volume [`Tier`]s with hysteresis), [`potential`] (trend,
//!   stability, distance to the next tier) and [`risk`] (four categories,
//!   crisis alerts).
//! - [`strategy`]: the [`Playbook`](strategy::Playbook) of strategies per
//!   tier, emphasis per segment, mitigations per risk and crisis plans.
//! - [`Review`], [`Policy`] and [`Portfolio`] (module [`review`]): the whole
//!   review in one call, every partner's
//!   [`Assessment`](review::Assessment) ranked, and the migrations since the
//!   previous review; [`review::forecast`]: each partner's turnover
//!   projected to the next review, the tier it would give, the likely
//!   promotions and demotions.
//! - [`report`]: the review as one self-contained HTML page with its
//!   charts; [`lang`]: the words a person reads, per [`Language`].
//! - [`import`]: invoice lines, monthly figures, partners and risk facts
//!   from CSV; invoice lines and monthly figures from Arrow record batches
//!   and Parquet files (features `arrow`, `parquet`).
//! - [`Error`] (module [`error`]): the one error type.
//!
//! `rust_decimal` and `chrono` are re-exported ([`rust_decimal`],
//! [`chrono`]), so a program uses the versions this crate is built with.
//!
//! # Crate features
//!
//! - `serde` (enabled by default): `Serialize`/`Deserialize` for the data,
//!   result and policy types, and their JSON helpers.
//! - `csv` (enabled by default): the [`import`] module.
//! - `parallel` (enabled by default): large ingests, imports and reviews on
//!   all cores with rayon. Without it everything runs on the caller's
//!   thread, with the same results.
//! - `arrow`: invoice lines and monthly figures from Arrow record batches
//!   (`import::ArrowImport`), and the review's results as a record batch
//!   (`report::results_batch`).
//! - `parquet` (implies `arrow`): the same from and to Parquet files, a
//!   file or a directory of part files as Spark writes them
//!   (`import::ParquetImport`, `report::write_parquet`).
//!
//! # Not in scope
//!
//! No database, no user interface and no clock: the host application keeps
//! its billing data and the review results (a [`Portfolio`] serialises to
//! JSON), builds a ledger from the data (or keeps one in memory and records
//! new invoices and payments as they come), and passes the review date in.
//! Currency conversion happens only with a rate the caller gives
//! ([`Money::convert`]).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

// Layer 0: the error type and the shared helpers.
pub mod error;
mod util;
// Layer 1: the basic values.
mod language;
mod money;
mod partner;
pub mod period;
// Layer 2: the ledger.
pub mod ledger;
// Layer 3: the analyses, each a pure function of the ledger's figures and
// its own policy, and the adapters from files.
#[cfg(any(feature = "csv", feature = "arrow"))]
pub mod import;
pub mod pareto;
pub mod potential;
pub mod risk;
pub mod tier;
// Layer 4: strategies, and what moved between two reviews.
mod migrations;
pub mod strategy;
// Layer 5: the review.
pub mod review;
// Layer 6: the words a person reads, and the report.
/// Recipes: custom thresholds, policies from JSON, a Russian report,
/// warehouse figures, a billing service (record, correct, snapshot,
/// restore, review), parallel ledgers, reviews across runs.
#[cfg(all(doc, feature = "serde"))]
pub mod cookbook;
pub mod lang;
pub mod report;

pub use chrono;
pub use rust_decimal;

pub use error::{Error, ErrorKind, Result};
pub use language::Language;
pub use ledger::{Ledger, Sale};
pub use money::{Currency, Money};
pub use pareto::Segment;
pub use partner::{Partner, PartnerId};
pub use review::{Policy, Portfolio, Review};
pub use tier::Tier;

// The README's example compiles and runs as a doctest.
#[cfg(all(doctest, feature = "csv", feature = "serde"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

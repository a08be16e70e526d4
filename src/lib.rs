//! Prioritise a partner network from the data a billing tool already has.
//!
//! Companies that sell through partners (dealers, resellers, distributors,
//! agents) must decide where their attention goes. This crate turns invoice
//! lines, credit notes and payment dates, plus a few facts about each
//! partner, into a prioritised and explainable view of the network, after the
//! article in the repository's `seed/` folder ("Приоритизация партнеров:
//! обороты, кризисы, потенциал").
//!
//! It is exact (every amount is a [`rust_decimal::Decimal`], never a float),
//! deterministic (the same data in any order gives the same result), and it
//! never panics on bad input: every problem is an [`Error`] that names the
//! partner, invoice, line or field, and leaves state as it was.
//!
//! # Example
//!
//! ```
//! use chrono::NaiveDate;
//! use partner_priority::{assess, Currency, Ledger, Money, PartnerId, Policy, Sale, Segment, Tier};
//! use rust_decimal::Decimal;
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
//! let portfolio = assess(&ledger, &[], &[], as_of, None, &Policy::default())?;
//! for a in portfolio.assessments() {
//!     let strategy = portfolio.strategy(a);
//!     println!("{}. {} {} {} {}: {}", a.rank, a.partner, a.segment.segment, a.tier.tier, a.score, strategy.goal);
//! }
//! let top = &portfolio.assessments()[0];
//! assert_eq!((top.partner.as_str(), top.segment.segment, top.tier.tier), ("D-042", Segment::A, Tier::Gold));
//! # Ok::<(), partner_priority::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`Currency`] and [`Money`]: ISO 4217 currencies and exact amounts with
//!   checked arithmetic.
//! - [`Month`] and [`Window`]: calendar months and review windows (the `N`
//!   full months before an `as_of` date). The library never reads the clock.
//! - [`PartnerId`] and [`Partner`]: who the partners are.
//! - [`Sale`], [`MonthlyFigures`] and [`Ledger`]: invoice lines, credit notes
//!   and pre-aggregated figures, aggregated per partner and month; ledgers
//!   built in parallel [`merge`](Ledger::merge).
//! - [`Turnover`]: one partner's monthly series and KPIs over a window
//!   (turnover, margin, deals, average deal).
//! - [`segment`], [`ParetoPolicy`] and [`Segment`]: ABC(D) Pareto segments
//!   with an exact, tie-safe contract, the Pareto table and concentration
//!   figures (Gini, top-20 % share, HHI, Lorenz curve).
//! - [`TierPolicy`] and [`Tier`]: Gold / Silver / Bronze / Beginner by
//!   monthly turnover with configurable floors, hysteresis of demotions and
//!   the progress to the next tier.
//! - [`RiskPolicy`], [`RiskFacts`] and [`RiskProfile`]: risk in the
//!   article's four categories, crisis alerts with action plans, and the
//!   concentration risk of the network.
//! - [`PotentialPolicy`] and [`Potential`]: growth potential from the
//!   turnover history (trend, year on year, X / Y / Z stability).
//! - [`assess`], [`Policy`] and [`Portfolio`]: the whole review in one
//!   call: every partner's [`Assessment`] (segment, tier, potential, risk,
//!   priority score and rank, [`Strategy`] from a [`Playbook`], reasons in
//!   plain words), the network's tables, and the migrations since the
//!   previous review.
//! - [`review`]: what moved between two reviews (migrations, new and lost
//!   partners, the from × to matrix).
//! - [`html_report`] and [`ReportOptions`]: the review as one self-contained
//!   HTML page in English or Russian (headline figures, Pareto and Lorenz
//!   curves, tiers, migrations, top partners, crisis alerts); its charts
//!   ([`pareto_svg`], [`lorenz_svg`], [`tier_svg`], [`tier_migration_svg`],
//!   [`segment_migration_svg`]) as inline SVG for a host's own pages.
//! - [`CsvImport`]: invoice lines, partners and risk facts from CSV files.
//! - [`Error`]: the one error type.
//!
//! # Crate features
//!
//! - `serde` (enabled by default): `Serialize`/`Deserialize` for the data,
//!   result and policy types. Turn it off for a build without serde.
//! - `csv` (enabled by default): [`CsvImport`], reading invoice lines and
//!   partners from CSV.
//!
//! # Not in scope
//!
//! No database, no user interface and no clock: the host application keeps
//! its billing data and the review results (a [`Portfolio`] serialises to
//! JSON), builds a ledger from the data (or keeps one in memory and records
//! new invoices and payments as they come), and passes the review date in. Currency conversion
//! happens only with a rate the caller gives ([`Money::convert`]).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

/// Recipes: custom thresholds, policies from JSON, a Russian report,
/// warehouse figures, parallel ledgers, reviews across runs.
#[cfg(all(doc, feature = "serde"))]
pub mod cookbook;
mod error;
mod exact;
#[cfg(feature = "csv")]
mod import;
#[cfg(feature = "serde")]
mod json;
mod lang;
mod ledger;
mod money;
mod par;
mod pareto;
mod partner;
mod period;
mod potential;
mod priority;
mod report;
mod review;
mod risk;
mod strategy;
mod tier;

pub use error::{Error, ErrorKind, Location, Result};
#[cfg(feature = "csv")]
pub use import::CsvImport;
pub use lang::Language;
pub use ledger::{Ledger, MAX_SALE_DATE, MIN_SALE_DATE, MonthFigures, MonthlyFigures, Payment, Sale, Turnover};
pub use money::{Currency, Money};
pub use pareto::{
    Boundary, Concentration, ExpectedProfile, LorenzPoint, ParetoBasis, ParetoPolicy, ParetoRow, Segment, SegmentEntry,
    Segmentation, segment,
};
pub use partner::{MAX_ID_LEN, Partner, PartnerId};
pub use period::{Month, ReviewPeriod, Window};
pub use potential::{
    Potential, PotentialInput, PotentialLevel, PotentialPolicy, PotentialReason, SignalPoints, Stability, TierGap,
};
pub use priority::{
    Assessment, GroupView, PlaybookChoice, Policy, Portfolio, PriorityPolicy, Reason, SegmentEvidence, SegmentPoints,
    UrgentRule, Weights, assess,
};
pub use report::{
    ReportOptions, html_report, lorenz_svg, pareto_svg, segment_migration_svg, tier_migration_svg, tier_svg,
};
pub use review::{Migrations, Move, Placement, Review, review};
pub use risk::{
    Action, AlertKind, CategoryRisk, ConcentrationPolicy, ConcentrationRisk, CreditRating, CrisisAlert, CrisisPolicy,
    Evidence, EvidenceValue, Indicator, OverallRule, PaymentDiscipline, RiskAssessment, RiskCategory, RiskFacts,
    RiskLevel, RiskPolicy, RiskProfile, Thresholds,
};
pub use strategy::{
    Mitigation, Mitigations, Playbook, RiskPlays, SegmentPlay, SegmentPlays, Strategy, TierPlay, TierPlays,
};
pub use tier::{
    Averaging, DemotionSteps, Floor, Progress, Tier, TierAssignment, TierPolicy, TierPolicyBuilder, TierRow, TierState,
    tier_table,
};

// The README's example compiles and runs as a doctest.
#[cfg(all(doctest, feature = "csv"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

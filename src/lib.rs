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
//! use partner_priority::{Currency, Ledger, Money, PartnerId, Sale, Window};
//! use rust_decimal::Decimal;
//!
//! let date = |m, d| NaiveDate::from_ymd_opt(2025, m, d).unwrap();
//! let rub = |a: i64| Money::new(Decimal::new(a, 0), Currency::RUB);
//! let dealer = PartnerId::new("D-042")?;
//!
//! let mut ledger = Ledger::new(Currency::RUB);
//! ledger.record_all([
//!     Sale::new(dealer.clone(), date(1, 15), rub(450_000)).with_invoice("INV-1"),
//!     Sale::new(dealer.clone(), date(2, 10), rub(380_000)).with_invoice("INV-2"),
//!     Sale::new(dealer.clone(), date(2, 20), rub(-30_000)).with_invoice("CN-1"),
//! ])?;
//!
//! // The 12 full months before the review date.
//! let window = Window::before(date(12, 31).succ_opt().unwrap(), 12)?;
//! let turnover = ledger.turnover(&dealer, window).unwrap();
//! assert_eq!(turnover.total(), Decimal::new(800_000, 0));
//! assert_eq!(turnover.deals(), 2);
//! assert_eq!(turnover.average_deal(), Some(Decimal::new(415_000, 0)));
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
//! - [`review`]: what moved between two reviews (migrations, new and lost
//!   partners, the from × to matrix).
//! - [`CsvImport`]: invoice lines and partners from CSV files.
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
//! No database, no user interface and no clock: the host application stores
//! ledgers and results, and passes the review date in. Currency conversion
//! happens only with a rate the caller gives ([`Money::convert`]).

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod error;
mod exact;
#[cfg(feature = "csv")]
mod import;
mod lang;
mod ledger;
mod money;
mod pareto;
mod partner;
mod period;
mod potential;
mod review;
mod risk;
mod tier;

pub use error::{Error, ErrorKind, Location, Result};
#[cfg(feature = "csv")]
pub use import::CsvImport;
pub use lang::Language;
pub use ledger::{
    Ledger, MAX_SALE_DATE, MIN_SALE_DATE, MonthFigures, MonthlyFigures, PaymentFigures, Sale, Turnover, UnpaidAmount,
};
pub use money::{Currency, Money};
pub use pareto::{
    Boundary, Concentration, ExpectedProfile, LorenzPoint, ParetoBasis, ParetoPolicy, ParetoRow, Segment, SegmentEntry,
    Segmentation, segment,
};
pub use partner::{MAX_ID_LEN, Partner, PartnerId};
pub use period::{Month, ReviewPeriod, Window};
pub use potential::{Potential, PotentialInput, PotentialLevel, PotentialPolicy, PotentialReason, Stability, TierGap};
pub use review::{Migrations, Move, Placement, Review, review};
pub use risk::{
    Action, AlertKind, CategoryRisk, ConcentrationPolicy, ConcentrationRisk, CreditRating, CrisisAlert, CrisisPolicy,
    Evidence, EvidenceValue, Indicator, OverallRule, PaymentDiscipline, RiskAssessment, RiskCategory, RiskFacts,
    RiskLevel, RiskPolicy, RiskProfile, Thresholds,
};
pub use tier::{
    Averaging, DemotionSteps, Floor, Progress, Tier, TierAssignment, TierPolicy, TierPolicyBuilder, TierRow, TierState,
    tier_table,
};

// The README's example compiles and runs as a doctest.
#[cfg(all(doctest, feature = "csv"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

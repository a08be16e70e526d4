//! The whole review: the policy, each partner's assessment, the priority
//! score and rank, and the portfolio with the network's tables and the
//! migrations since the previous review.
//!
//! Start with [`Review`]: `Review::new(&ledger, as_of).run(&policy)`.

mod assessment;
pub mod forecast;
mod policy;
mod portfolio;
mod rank;
mod reason;
mod run;
mod score;
#[cfg(feature = "serde")]
mod wire;

pub use crate::migrations::{Migrations, Move, Moves, Placement, Span};
pub use assessment::Assessment;
pub use policy::{PlaybookChoice, Policy, PriorityPolicy, SegmentPoints, UrgentRule, Weights};
pub use portfolio::{Assessments, GroupView, InRankOrder, Portfolio};
pub use reason::Reason;
pub use run::Review;

#[cfg(test)]
mod tests;

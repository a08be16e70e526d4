//! Risk profiles in the article's four categories, crisis alerts with their
//! action plans, and the concentration risk of the network.
//!
//! - `categories`: the categories, levels, indicators and evidence;
//! - `facts`: what the business knows beyond the ledger;
//! - `policy`: thresholds, the overall rule, what counts as a crisis;
//! - `payment`: payment discipline from due and paid dates;
//! - `profile`: a partner's profile;
//! - `alerts`: crisis alerts and the concentration risk.

mod alerts;
mod categories;
mod facts;
mod payment;
mod policy;
mod profile;

pub use alerts::*;
pub use categories::*;
pub use facts::*;
pub use payment::*;
pub use policy::*;
pub use profile::*;

#[cfg(test)]
mod tests;

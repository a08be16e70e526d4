//! Why a partner is where it is.

use rust_decimal::Decimal;

use crate::money::Currency;
use crate::pareto::Segment;
use crate::potential::{PotentialLevel, Signal};
use crate::risk::{Evidence, RiskCategory, RiskLevel};
use crate::tier::Tier;

/// Why a partner is where it is; a [`Catalogue`](crate::lang::Catalogue)
/// puts it in words ([`Catalogue::reason`](crate::lang::Catalogue::reason)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Reason {
    /// First in line because of a crisis.
    Urgent {
        /// The category of the most severe alert or risk.
        category: RiskCategory,
        /// Its severity.
        severity: RiskLevel,
    },
    /// The segment and the share above it.
    Segment {
        /// The segment.
        segment: Segment,
        /// 1 for the largest partner.
        rank: u32,
        /// The share of turnover of the partners above its tie group.
        before: Decimal,
        /// Its own share.
        share: Decimal,
    },
    /// The tier and the distance to its floor.
    Tier {
        /// The tier.
        tier: Tier,
        /// The monthly figure.
        monthly: Decimal,
        /// The currency.
        currency: Currency,
        /// Figure minus floor (negative while a demotion is held).
        headroom: Option<Decimal>,
        /// The amount still needed for the next tier.
        to_next: Option<Decimal>,
        /// True while a demotion is held.
        held: bool,
        /// True if it drops at the next review unless it recovers.
        drops_at_next_review: bool,
    },
    /// The potential and its main signal.
    Potential {
        /// The level.
        level: PotentialLevel,
        /// The signal that mattered most.
        signal: Option<Signal>,
    },
    /// The worst risk and its evidence.
    Risk {
        /// The category.
        category: RiskCategory,
        /// The level.
        level: RiskLevel,
        /// What set it.
        evidence: Option<Evidence>,
    },
    /// Nothing is known about the partner's risks.
    RiskUnknown,
}

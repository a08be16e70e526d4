//! Why a partner is where it is.

use rust_decimal::Decimal;

use crate::language::Language;
use crate::money::Currency;
use crate::pareto::Segment;
use crate::potential::{PotentialLevel, PotentialReason};
use crate::risk::{Evidence, RiskCategory, RiskLevel};
use crate::tier::Tier;

/// Why a partner is where it is, in plain words via [`Reason::text`].
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
        signal: Option<PotentialReason>,
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

impl Reason {
    /// The reason in plain words, e.g. "A: the partners above it hold 76 %
    /// of turnover", "Gold: 612 000 RUB/month, 112 000 above the floor",
    /// "financial risk Medium: pays 12 days late on average".
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let ru = lang == Language::Ru;
        let amount = |d: Decimal| lang.format_amount(d, 0);
        let pct = |d: Decimal| lang.format_amount(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), 0);
        match self {
            Reason::Urgent { category, severity } => {
                if ru {
                    format!("первым в очереди: {} кризис ({})", category.name(lang), severity.name(lang))
                } else {
                    format!("first in line: a {} crisis ({})", category.name(lang), severity.name(lang))
                }
            }
            Reason::Segment { segment, rank, before, share } => match (ru, *rank == 1) {
                (true, true) => format!("{segment}: крупнейший партнёр, {} % оборота", pct(*share)),
                (false, true) => format!("{segment}: the largest partner, {} % of turnover", pct(*share)),
                (true, false) => format!("{segment}: у партнёров выше — {} % оборота", pct(*before)),
                (false, false) => format!("{segment}: the partners above it hold {} % of turnover", pct(*before)),
            },
            Reason::Tier { tier, monthly, currency, headroom, to_next, held, drops_at_next_review } => {
                let sign = lang.currency_sign(currency);
                let head = if ru {
                    format!(
                        "{}{}: {} {sign} в месяц",
                        tier.name(lang),
                        if *held { " (пока сохранён)" } else { "" },
                        amount(*monthly)
                    )
                } else {
                    format!(
                        "{}{}: {} {sign}/month",
                        tier.name(lang),
                        if *held { " (held for now)" } else { "" },
                        amount(*monthly)
                    )
                };
                let tail = match (headroom, to_next) {
                    (Some(h), _) if h.is_sign_negative() && !h.is_zero() => {
                        let drop = if *drops_at_next_review {
                            if ru {
                                ", понизится на следующем пересмотре"
                            } else {
                                ", drops at the next review"
                            }
                        } else {
                            ""
                        };
                        if ru {
                            format!(", на {} ниже порога{drop}", amount(h.abs()))
                        } else {
                            format!(", {} below the floor{drop}", amount(h.abs()))
                        }
                    }
                    (Some(h), _) => {
                        if ru {
                            format!(", на {} выше порога", amount(*h))
                        } else {
                            format!(", {} above the floor", amount(*h))
                        }
                    }
                    (None, Some(n)) => {
                        if ru {
                            format!(", до следующей категории {}", amount(*n))
                        } else {
                            format!(", {} short of the next tier", amount(*n))
                        }
                    }
                    (None, None) => String::new(),
                };
                head + &tail
            }
            Reason::Potential { level, signal } => {
                let detail = signal.map(|s| format!(": {}", s.text(lang))).unwrap_or_default();
                if ru {
                    format!("потенциал {}{detail}", level.name(lang))
                } else {
                    format!("potential {}{detail}", level.name(lang))
                }
            }
            Reason::Risk { category, level, evidence } => {
                let detail = evidence.map(|e| format!(": {}", e.text(lang))).unwrap_or_default();
                if ru {
                    format!("{} риск {}{detail}", category.name(lang), level.name(lang))
                } else {
                    format!("{} risk {}{detail}", category.name(lang), level.name(lang))
                }
            }
            Reason::RiskUnknown => {
                if ru {
                    "риск неизвестен: нет данных об оплатах и фактов".to_owned()
                } else {
                    "risk unknown: no payment data or facts".to_owned()
                }
            }
        }
    }
}

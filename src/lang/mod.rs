//! The words a person reads: one catalogue per language.
//!
//! The analyses give typed results (a [`Reason`], an [`Evidence`], a
//! [`CrisisAlert`]…); a [`Catalogue`] turns them into words. The built-in
//! catalogues are [`English`] and [`Russian`], chosen by a [`Language`]
//! (which is itself a catalogue: `Language::Ru.tier(Tier::Gold)`). A third
//! language, or a company's own wording, is a type of its own that
//! implements [`Catalogue`], overriding what it words differently and
//! passing the rest on to a built-in one:
//!
//! ```
//! use partner_priority::lang::{Catalogue, Russian};
//! use partner_priority::{Language, Tier};
//!
//! /// Our sales team's words: "Платиновый" for Gold, the article's
//! /// Russian for everything else.
//! struct OurWords;
//!
//! impl Catalogue for OurWords {
//!     fn base(&self) -> &dyn Catalogue {
//!         &Russian
//!     }
//!     fn tier(&self, tier: Tier) -> &str {
//!         match tier {
//!             Tier::Gold => "Платиновый",
//!             other => self.base().tier(other),
//!         }
//!     }
//! }
//!
//! assert_eq!(OurWords.tier(Tier::Gold), "Платиновый");
//! assert_eq!(OurWords.tier(Tier::Silver), Language::Ru.tier(Tier::Silver));
//! assert_eq!(OurWords.language(), Language::Ru); // numbers and dates as in Russian
//! ```
//!
//! The [report](crate::report) takes its words from a catalogue too: the
//! fixed ones as a [`Label`], the sentences with figures as a [`Message`].

mod en;
mod format;
mod ru;
mod words;

use rust_decimal::Decimal;

pub use crate::language::Language;
use crate::money::{Currency, Money};
use crate::pareto::Segment;
use crate::potential::{PotentialLevel, Signal};
use crate::review::Reason;
use crate::review::forecast::Projection;
use crate::risk::{ConcentrationRisk, CrisisAlert, Evidence, RiskCategory, RiskLevel};
use crate::tier::Tier;
pub use en::English;
pub use ru::Russian;
pub use words::{Label, Message};

/// The words of one language (or one company's wording): names of the
/// classes, the sentences that explain a result, and the labels and
/// sentences of the [report](crate::report).
///
/// Every method but [`base`](Catalogue::base) has a default that passes the
/// call on to the base catalogue, so a catalogue overrides only what it
/// words differently. The built-in catalogues override everything.
pub trait Catalogue {
    /// The catalogue this one builds on: its words are used where this one
    /// has none, and its [`language`](Catalogue::language) sets how numbers,
    /// money and dates are written.
    fn base(&self) -> &dyn Catalogue;

    /// The language whose formats of numbers, money and dates the words
    /// use.
    fn language(&self) -> Language {
        self.base().language()
    }

    /// A tier's name: "Gold", "Золотой".
    fn tier(&self, tier: Tier) -> &str {
        self.base().tier(tier)
    }

    /// A segment's name in the article: "key", "ключевые".
    fn segment(&self, segment: Segment) -> &str {
        self.base().segment(segment)
    }

    /// A risk level's name: "Critical", "критический".
    fn risk_level(&self, level: RiskLevel) -> &str {
        self.base().risk_level(level)
    }

    /// A risk category's name: "financial", "финансовый".
    fn risk_category(&self, category: RiskCategory) -> &str {
        self.base().risk_category(category)
    }

    /// A potential level's name: "high", "высокий".
    fn potential_level(&self, level: PotentialLevel) -> &str {
        self.base().potential_level(level)
    }

    /// Why a partner is where it is: "A: the partners above it hold 76 %
    /// of turnover".
    fn reason(&self, reason: &Reason) -> String {
        self.base().reason(reason)
    }

    /// What moved a potential score: "trend +3.2 % a month".
    fn signal(&self, signal: &Signal) -> String {
        self.base().signal(signal)
    }

    /// One risk indicator: "pays 12 days late on average".
    fn evidence(&self, evidence: &Evidence) -> String {
        self.base().evidence(evidence)
    }

    /// What raised a crisis alert: "turnover in 2026-09 fell 85 %: …".
    fn alert(&self, alert: &CrisisAlert) -> String {
        self.base().alert(alert)
    }

    /// The evidence of a partner's projection to the next review, in plain
    /// words: "last 3 months 412,000 RUB a month; a year ago the months
    /// ahead ran 18.0 % above them; counted (halved): +9.0 %; projected
    /// 449,080 RUB a month for 2026-11 … 2027-01; the next review's figure
    /// 471,000 RUB/month: Silver → Gold".
    fn projection(&self, projection: &Projection) -> String {
        self.base().projection(projection)
    }

    /// The network's concentration risk in a sentence.
    fn concentration_risk(&self, risk: &ConcentrationRisk) -> String {
        self.base().concentration_risk(risk)
    }

    /// A fixed word or label of the report: a heading, a column name, an
    /// axis title, a legend entry, a note ([`Label`]).
    fn label(&self, label: Label) -> &str {
        self.base().label(label)
    }

    /// A sentence or a value of the report that holds figures: a lead with
    /// the policy's cut-offs, a summary with counts, a date, a compact
    /// amount ([`Message`]).
    fn message(&self, message: &Message) -> String {
        self.base().message(message)
    }

    /// An amount rounded half away from zero to `dp` places, with grouped
    /// thousands, as the [`language`](Catalogue::language) writes it.
    fn amount(&self, amount: Decimal, dp: u32) -> String {
        self.language().format_amount(amount, dp)
    }

    /// A share (0.1234 = 12.34 %) as a percentage with `dp` places.
    fn percent(&self, share: Decimal, dp: u32) -> String {
        self.language().format_percent(share, dp)
    }

    /// Money with grouped thousands and the currency sign.
    fn money(&self, money: Money) -> String {
        self.language().format_money(money)
    }

    /// The sign written after amounts in `currency`.
    fn currency_sign<'a>(&self, currency: &'a Currency) -> &'a str {
        self.language().currency_sign(currency)
    }
}

impl Language {
    /// The built-in catalogue of the language.
    #[must_use]
    pub fn catalogue(self) -> &'static dyn Catalogue {
        match self {
            Language::Ru => &Russian,
            _ => &English,
        }
    }
}

impl Catalogue for Language {
    fn base(&self) -> &dyn Catalogue {
        self.catalogue()
    }

    fn language(&self) -> Language {
        *self
    }
}

/// "+" or "−" before an absolute value.
fn sign(d: Decimal) -> &'static str {
    if d.is_sign_negative() && !d.is_zero() { "−" } else { "+" }
}

/// A count, with grouped thousands.
fn count(words: &dyn Catalogue, n: u64) -> String {
    words.amount(Decimal::from(n), 0)
}

/// A policy's cut-off in percent (80, 99.5) as a percentage: whole
/// percents without decimals, others with one.
pub(crate) fn cutoff(words: &dyn Catalogue, percent: Decimal) -> String {
    let dp = if percent.fract().is_zero() { 0 } else { 1 };
    words.percent(percent / Decimal::ONE_HUNDRED, dp)
}

/// An amount in the largest unit it reaches, to a tenth, followed by the
/// unit's name (`units` names a trillion, a billion, a million and a
/// thousand) and the currency's sign; below a thousand, a whole amount.
fn compact(words: &dyn Catalogue, amount: Decimal, currency: &Currency, units: [&str; 4]) -> String {
    let steps = [
        Decimal::from(1_000_000_000_000i64),
        Decimal::from(1_000_000_000),
        Decimal::from(1_000_000),
        Decimal::from(1_000),
    ];
    let sign = words.currency_sign(currency);
    for (unit, name) in steps.into_iter().zip(units) {
        if amount.abs() >= unit {
            let scaled = amount.checked_div(unit).unwrap_or(amount);
            return format!("{} {name} {sign}", words.amount(scaled, 1));
        }
    }
    format!("{} {sign}", words.amount(amount, 0))
}

#[cfg(test)]
mod tests;

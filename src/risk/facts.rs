//! What the business knows about a partner's risks beyond the ledger.
use std::fmt;

use rust_decimal::Decimal;

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::partner::PartnerId;

/// An external credit rating on the usual letter scale (S&P, Fitch, ACRA,
/// Expert RA). Modifiers (`+`, `-`) and national-scale marks (`ru` prefix,
/// `(RU)` or `.ru` suffix) are accepted and ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub enum CreditRating {
    /// AAA: highest.
    Aaa,
    /// AA.
    Aa,
    /// A.
    A,
    /// BBB: the lowest investment grade.
    Bbb,
    /// BB: speculative.
    Bb,
    /// B: highly speculative.
    B,
    /// CCC: substantial risk.
    Ccc,
    /// CC.
    Cc,
    /// C.
    C,
    /// D (or RD, SD): in default.
    D,
}

impl CreditRating {
    /// Parses a rating such as `BBB-`, `ruA+`, `AA-(RU)` or `A.ru`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] for text that is not a letter grade.
    pub fn parse(text: &str) -> Result<CreditRating> {
        let mut t = text.trim().to_ascii_uppercase();
        if let Some(rest) = t.strip_prefix("RU") {
            t = rest.to_owned();
        }
        for suffix in ["(RU)", ".RU", "|RU|"] {
            if let Some(rest) = t.strip_suffix(suffix) {
                t = rest.to_owned();
            }
        }
        let core = t.trim_end_matches(['+', '-']);
        Ok(match core {
            "AAA" => CreditRating::Aaa,
            "AA" => CreditRating::Aa,
            "A" => CreditRating::A,
            "BBB" => CreditRating::Bbb,
            "BB" => CreditRating::Bb,
            "B" => CreditRating::B,
            "CCC" => CreditRating::Ccc,
            "CC" => CreditRating::Cc,
            "C" => CreditRating::C,
            "D" | "RD" | "SD" => CreditRating::D,
            _ => return Err(Error::value("credit_rating", text, "not a letter grade such as BBB-, ruA+ or AA-(RU)")),
        })
    }

    /// The grade as text (`"BBB"`).
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            CreditRating::Aaa => "AAA",
            CreditRating::Aa => "AA",
            CreditRating::A => "A",
            CreditRating::Bbb => "BBB",
            CreditRating::Bb => "BB",
            CreditRating::B => "B",
            CreditRating::Ccc => "CCC",
            CreditRating::Cc => "CC",
            CreditRating::C => "C",
            CreditRating::D => "D",
        }
    }
}

impl TryFrom<String> for CreditRating {
    type Error = Error;
    fn try_from(text: String) -> Result<CreditRating> {
        CreditRating::parse(&text)
    }
}

impl From<CreditRating> for String {
    fn from(r: CreditRating) -> String {
        r.as_str().to_owned()
    }
}

impl fmt::Display for CreditRating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the business knows about a partner's risks beyond the ledger. Every
/// field is optional; a category with no facts (and, for the financial one,
/// no payment data) is "unknown", never Low.
///
/// Counts are over the review period. Rates are percentages (0 to 100).
/// Readable from CSV (`CsvImport::read_risk_facts` (module `import`)) and JSON (serde);
/// checked on deserialisation.
///
/// # Example
///
/// ```
/// use partner_priority::PartnerId;
/// use partner_priority::risk::RiskFacts;
/// use rust_decimal::Decimal;
///
/// let mut facts = RiskFacts::new(PartnerId::new("D-7")?);
/// facts.open_disputes = Some(2);
/// facts.on_time_delivery = Some(Decimal::from(82));
/// facts.check()?;
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, try_from = "RawRiskFacts", into = "RawRiskFacts"))]
#[non_exhaustive]
pub struct RiskFacts {
    /// The partner.
    pub partner: PartnerId,
    /// Insolvency or bankruptcy proceedings are open (or not).
    pub insolvency: Option<bool>,
    /// An external credit rating.
    pub credit_rating: Option<CreditRating>,
    /// The credit limit granted (positive).
    pub credit_limit: Option<Decimal>,
    /// The credit currently used.
    pub credit_used: Option<Decimal>,
    /// Deliveries on time, %.
    pub on_time_delivery: Option<Decimal>,
    /// Defective goods or work, %.
    pub defect_rate: Option<Decimal>,
    /// Returns, % of sales (if absent, derived from credit notes when the
    /// policy says so).
    pub return_rate: Option<Decimal>,
    /// Customer complaints.
    pub complaints: Option<u32>,
    /// Negative reviews.
    pub negative_reviews: Option<u32>,
    /// Violations of law or of the partner programme's rules.
    pub violations: Option<u32>,
    /// Open disputes with the partner or its counterparties.
    pub open_disputes: Option<u32>,
    /// Breaches of contract.
    pub contract_breaches: Option<u32>,
    /// Court cases.
    pub court_cases: Option<u32>,
}

impl RiskFacts {
    /// Facts with nothing known yet.
    #[must_use]
    pub fn new(partner: PartnerId) -> RiskFacts {
        RiskFacts {
            partner,
            insolvency: None,
            credit_rating: None,
            credit_limit: None,
            credit_used: None,
            on_time_delivery: None,
            defect_rate: None,
            return_rate: None,
            complaints: None,
            negative_reviews: None,
            violations: None,
            open_disputes: None,
            contract_breaches: None,
            court_cases: None,
        }
    }

    /// Reads a JSON array of facts, checking each: decimals reach
    /// [`Decimal`] exactly (numbers with a fraction are read from their
    /// text, not through a float).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Json`] naming the path (`[3].defect_rate`) of a value that
    /// does not parse or fails [`RiskFacts::check`], or of an unknown field.
    #[cfg(feature = "serde")]
    pub fn list_from_json(json: &str) -> Result<Vec<RiskFacts>> {
        crate::util::json::from_json(json, crate::util::json::Kind::Data)
    }

    /// Checks the values.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] naming the field: a rate outside 0 … 100,
    /// a credit limit that is not positive, a negative credit used, or credit
    /// used without a limit.
    pub fn check(&self) -> Result<()> {
        let at = |e: Error| e.for_partner(&self.partner);
        for (name, rate) in [
            ("on_time_delivery", self.on_time_delivery),
            ("defect_rate", self.defect_rate),
            ("return_rate", self.return_rate),
        ] {
            if let Some(r) = rate {
                if r < Decimal::ZERO || r > Decimal::ONE_HUNDRED {
                    return Err(at(Error::value(name, &r.to_string(), "a percentage from 0 to 100")));
                }
            }
        }
        if let Some(limit) = self.credit_limit {
            if limit <= Decimal::ZERO {
                return Err(at(Error::value("credit_limit", &limit.to_string(), "must be positive")));
            }
        }
        if let Some(used) = self.credit_used {
            if used < Decimal::ZERO {
                return Err(at(Error::value("credit_used", &used.to_string(), "must not be negative")));
            }
            if self.credit_limit.is_none() {
                return Err(at(Error::value("credit_used", &used.to_string(), "needs a credit_limit")));
            }
        }
        Ok(())
    }
}

/// The serde form of [`RiskFacts`].
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRiskFacts {
    partner: PartnerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    insolvency: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credit_rating: Option<CreditRating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credit_limit: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    credit_used: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_time_delivery: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    defect_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    return_rate: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    complaints: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    negative_reviews: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    violations: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    open_disputes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    contract_breaches: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    court_cases: Option<u32>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawRiskFacts> for RiskFacts {
    type Error = Error;
    fn try_from(r: RawRiskFacts) -> Result<RiskFacts> {
        let facts = RiskFacts {
            partner: r.partner,
            insolvency: r.insolvency,
            credit_rating: r.credit_rating,
            credit_limit: r.credit_limit,
            credit_used: r.credit_used,
            on_time_delivery: r.on_time_delivery,
            defect_rate: r.defect_rate,
            return_rate: r.return_rate,
            complaints: r.complaints,
            negative_reviews: r.negative_reviews,
            violations: r.violations,
            open_disputes: r.open_disputes,
            contract_breaches: r.contract_breaches,
            court_cases: r.court_cases,
        };
        facts.check()?;
        Ok(facts)
    }
}

#[cfg(feature = "serde")]
impl From<RiskFacts> for RawRiskFacts {
    fn from(f: RiskFacts) -> RawRiskFacts {
        RawRiskFacts {
            partner: f.partner,
            insolvency: f.insolvency,
            credit_rating: f.credit_rating,
            credit_limit: f.credit_limit,
            credit_used: f.credit_used,
            on_time_delivery: f.on_time_delivery,
            defect_rate: f.defect_rate,
            return_rate: f.return_rate,
            complaints: f.complaints,
            negative_reviews: f.negative_reviews,
            violations: f.violations,
            open_disputes: f.open_disputes,
            contract_breaches: f.contract_breaches,
            court_cases: f.court_cases,
        }
    }
}

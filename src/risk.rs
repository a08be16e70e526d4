//! Risk profiles in the article's four categories, crisis alerts with their
//! action plans, and the concentration risk of the network.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::error::{Error, Result};
use crate::exact::ratio;
use crate::lang::Language;
use crate::ledger::{Turnover, WindowBuf};
use crate::partner::PartnerId;
use crate::period::Month;

/// The article's four kinds of partner risk.
///
/// Exhaustive: the article names exactly these four, and playbooks have
/// mitigations for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RiskCategory {
    /// Insolvency, late payment, bankruptcy, credit history.
    Financial,
    /// Dishonest conduct, breaches of law, negative customer reviews.
    Reputational,
    /// Logistics problems, missed delivery dates, poor quality.
    Operational,
    /// Breaches of contract, disputes, changes of law.
    Legal,
}

impl RiskCategory {
    /// All four, in the article's order.
    pub const ALL: [RiskCategory; 4] =
        [RiskCategory::Financial, RiskCategory::Reputational, RiskCategory::Operational, RiskCategory::Legal];

    /// The category's name.
    #[must_use]
    pub fn name(&self, lang: Language) -> &'static str {
        match (self, lang) {
            (RiskCategory::Financial, Language::Ru) => "финансовый",
            (RiskCategory::Reputational, Language::Ru) => "репутационный",
            (RiskCategory::Operational, Language::Ru) => "операционный",
            (RiskCategory::Legal, Language::Ru) => "юридический",
            (RiskCategory::Financial, _) => "financial",
            (RiskCategory::Reputational, _) => "reputational",
            (RiskCategory::Operational, _) => "operational",
            (RiskCategory::Legal, _) => "legal",
        }
    }

    /// The action plan for a crisis in this category (the article: "have an
    /// action plan for a crisis").
    #[must_use]
    pub fn action_plan(&self) -> &'static [Action] {
        match self {
            RiskCategory::Financial => &[
                Action::TightenCreditTerms,
                Action::RequirePrepayment,
                Action::ReviewCreditLimit,
                Action::ContactPartner,
            ],
            RiskCategory::Reputational => {
                &[Action::CheckReputation, Action::MonitorActivity, Action::PrepareCommunication]
            }
            RiskCategory::Operational => {
                &[Action::QualityControl, Action::EnforceDeliveryStandards, Action::AuditLogistics]
            }
            RiskCategory::Legal => &[Action::ReviewContract, Action::ConsultLawyers, Action::DocumentBreaches],
        }
    }
}

impl fmt::Display for RiskCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Language::En))
    }
}

/// How serious a risk is. Where there is no data the level is `None`
/// ("unknown"), never `Low`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RiskLevel {
    /// Nothing to act on.
    Low,
    /// Watch it.
    Medium,
    /// Act on it.
    High,
    /// Act now: a crisis.
    Critical,
}

impl RiskLevel {
    /// The level's name.
    #[must_use]
    pub fn name(&self, lang: Language) -> &'static str {
        match (self, lang) {
            (RiskLevel::Low, Language::Ru) => "низкий",
            (RiskLevel::Medium, Language::Ru) => "средний",
            (RiskLevel::High, Language::Ru) => "высокий",
            (RiskLevel::Critical, Language::Ru) => "критический",
            (RiskLevel::Low, _) => "Low",
            (RiskLevel::Medium, _) => "Medium",
            (RiskLevel::High, _) => "High",
            (RiskLevel::Critical, _) => "Critical",
        }
    }

    fn raised(self) -> RiskLevel {
        match self {
            RiskLevel::Low => RiskLevel::Medium,
            RiskLevel::Medium => RiskLevel::High,
            RiskLevel::High | RiskLevel::Critical => RiskLevel::Critical,
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name(Language::En))
    }
}

/// A step of a crisis action plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Action {
    /// Shorten payment terms and stop deliveries on credit beyond them.
    TightenCreditTerms,
    /// Ship against prepayment until payments are back on time.
    RequirePrepayment,
    /// Review (lower) the credit limit.
    ReviewCreditLimit,
    /// Talk to the partner's management to learn the cause.
    ContactPartner,
    /// Check the partner's reputation (reviews, registers, press).
    CheckReputation,
    /// Monitor the partner's activity regularly.
    MonitorActivity,
    /// Prepare a communication plan for customers.
    PrepareCommunication,
    /// Tighten quality control of the partner's work.
    QualityControl,
    /// Require the delivery standards and deadlines of the contract.
    EnforceDeliveryStandards,
    /// Audit the partner's logistics.
    AuditLogistics,
    /// Review the contract's terms and remedies.
    ReviewContract,
    /// Consult lawyers.
    ConsultLawyers,
    /// Document breaches and claims.
    DocumentBreaches,
}

impl Action {
    /// The step in plain words.
    #[must_use]
    pub fn text(&self, lang: Language) -> &'static str {
        let (en, ru) = match self {
            Action::TightenCreditTerms => ("tighten credit terms", "ужесточить условия отсрочки платежа"),
            Action::RequirePrepayment => ("switch to prepayment", "перейти на предоплату"),
            Action::ReviewCreditLimit => ("review the credit limit", "пересмотреть кредитный лимит"),
            Action::ContactPartner => (
                "meet the partner's management to learn the cause",
                "встретиться с руководством партнёра и выяснить причины",
            ),
            Action::CheckReputation => ("check the partner's reputation", "проверить репутацию партнёра"),
            Action::MonitorActivity => {
                ("monitor the partner's activity regularly", "регулярно мониторить деятельность партнёра")
            }
            Action::PrepareCommunication => {
                ("prepare a communication plan for customers", "подготовить план коммуникации с клиентами")
            }
            Action::QualityControl => ("tighten quality control", "усилить контроль качества"),
            Action::EnforceDeliveryStandards => {
                ("require the delivery standards and deadlines", "потребовать соблюдения стандартов и сроков поставки")
            }
            Action::AuditLogistics => ("audit the partner's logistics", "проверить логистику партнёра"),
            Action::ReviewContract => ("review the contract", "пересмотреть договор"),
            Action::ConsultLawyers => ("consult lawyers", "проконсультироваться с юристами"),
            Action::DocumentBreaches => ("document breaches and claims", "фиксировать нарушения и претензии"),
        };
        lang.pick(en, ru)
    }
}

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
/// Readable from CSV ([`crate::CsvImport::read_risk_facts`]) and JSON (serde);
/// checked on deserialisation.
///
/// # Example
///
/// ```
/// use partner_priority::{PartnerId, RiskFacts};
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
        crate::json::from_json(json, crate::json::Kind::Data)
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

/// The levels an indicator reaches at its thresholds. A threshold left out
/// means the indicator never reaches that level.
///
/// For most indicators a higher value is worse, and a threshold is reached
/// at or above it (`value ≥ threshold`). For on-time delivery a lower value
/// is worse, and a threshold is reached below it (`value < threshold`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Thresholds {
    /// The value from which the level is Medium.
    #[cfg_attr(feature = "serde", serde(default))]
    pub medium: Option<Decimal>,
    /// The value from which the level is High.
    #[cfg_attr(feature = "serde", serde(default))]
    pub high: Option<Decimal>,
    /// The value from which the level is Critical.
    #[cfg_attr(feature = "serde", serde(default))]
    pub critical: Option<Decimal>,
}

impl Thresholds {
    /// Thresholds for an indicator where more is worse.
    #[must_use]
    pub fn new(medium: Option<i64>, high: Option<i64>, critical: Option<i64>) -> Thresholds {
        Thresholds {
            medium: medium.map(Decimal::from),
            high: high.map(Decimal::from),
            critical: critical.map(Decimal::from),
        }
    }

    fn levels(&self) -> [(RiskLevel, Option<Decimal>); 3] {
        [(RiskLevel::Critical, self.critical), (RiskLevel::High, self.high), (RiskLevel::Medium, self.medium)]
    }

    /// The level of `value` where more is worse.
    #[must_use]
    pub fn level(&self, value: Decimal) -> RiskLevel {
        for (level, t) in self.levels() {
            if t.is_some_and(|t| value >= t) {
                return level;
            }
        }
        RiskLevel::Low
    }

    /// The level of `value` where less is worse.
    #[must_use]
    pub fn level_below(&self, value: Decimal) -> RiskLevel {
        for (level, t) in self.levels() {
            if t.is_some_and(|t| value < t) {
                return level;
            }
        }
        RiskLevel::Low
    }

    fn check(&self, field: &str, lower_is_worse: bool) -> Result<()> {
        let given: Vec<(&str, Decimal)> = [("medium", self.medium), ("high", self.high), ("critical", self.critical)]
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n, v)))
            .collect();
        for pair in given.windows(2) {
            let [(_, a), (name, b)] = [pair[0], pair[1]];
            let ordered = if lower_is_worse { b < a } else { b > a };
            if !ordered {
                let how = if lower_is_worse { "below" } else { "above" };
                return Err(Error::policy(
                    format!("{field}.{name}"),
                    format!("{b} must be {how} the previous level's {a}"),
                ));
            }
        }
        for (name, v) in given {
            if v < Decimal::ZERO {
                return Err(Error::policy(format!("{field}.{name}"), format!("{v} is negative")));
            }
        }
        Ok(())
    }
}

/// How the overall level follows from the four categories.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum OverallRule {
    /// The worst known category. This is the default: one Critical risk is
    /// a crisis whatever the others say.
    #[default]
    Worst,
    /// The worst known category, raised one level when two or more
    /// categories are High or worse (risks that compound).
    Escalating,
}

/// What counts as a crisis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct CrisisPolicy {
    /// A drop alert fires when the last full month's turnover is this many
    /// percent or more below the trailing average (default 50).
    pub drop_percent: Decimal,
    /// … and is Critical from this fall (default 80).
    pub critical_drop_percent: Decimal,
    /// The months before the last one that form the trailing average
    /// (default 6; at least 2 of them must be after the partner's start).
    pub baseline_months: u32,
    /// Only partners that bought in every baseline month raise a drop alert
    /// (default true): for a partner that orders every other month, an empty
    /// month is its rhythm, not a crisis.
    pub drop_needs_regular_buyer: bool,
    /// … and only a fall of more than this many standard deviations of the
    /// baseline months is sharp (default 2; 0 turns the test off): a partner
    /// whose months swing by half anyway has not collapsed when one month
    /// is half the average.
    pub drop_sigmas: Decimal,
    /// A delay alert fires when the average days late grew in each of this
    /// many consecutive months with payment data (default 3) …
    pub delay_months: u32,
    /// … and the last of them is at least this many days (default 7).
    pub delay_min_days: Decimal,
}

impl Default for CrisisPolicy {
    fn default() -> Self {
        CrisisPolicy {
            drop_percent: Decimal::from(50),
            critical_drop_percent: Decimal::from(80),
            baseline_months: 6,
            drop_needs_regular_buyer: true,
            drop_sigmas: Decimal::TWO,
            delay_months: 3,
            delay_min_days: Decimal::from(7),
        }
    }
}

/// Thresholds for the concentration risk of the whole network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default))]
#[non_exhaustive]
pub struct ConcentrationPolicy {
    /// The largest partner's share of turnover, % (default 10 / 25 / 50).
    pub top_partner_share: Thresholds,
    /// The Herfindahl–Hirschman index (default 1 500 / 2 500 / 5 000, the
    /// usual competition-authority bands).
    pub hhi: Thresholds,
}

impl Default for ConcentrationPolicy {
    fn default() -> Self {
        ConcentrationPolicy {
            top_partner_share: Thresholds::new(Some(10), Some(25), Some(50)),
            hhi: Thresholds::new(Some(1500), Some(2500), Some(5000)),
        }
    }
}

/// The thresholds that turn indicators into risk levels, the overall rule,
/// and what counts as a crisis. Checked when built and deserialised.
///
/// The defaults and their reasoning:
///
/// | indicator | Medium | High | Critical | why |
/// | --- | --- | --- | --- | --- |
/// | average days late (amount-weighted) | 7 | 30 | 90 | PAYDEX 80 is prompt payment; 50 is 30 days beyond terms, 30 is 90 days |
/// | share of the amount paid late, % | 20 | 50 | — | late now and then is normal; late on half of it is a habit |
/// | overdue unpaid, % of a month's invoicing | 50 | 100 | 300 | a month of sales overdue is real exposure; three is a collection case |
/// | insolvency or bankruptcy proceedings | | | yes | |
/// | credit rating | BB | B | CCC and below | below investment grade, highly speculative, substantial default risk |
/// | credit utilisation, % of the limit | 80 | 100 | 120 | near, at and well over the limit |
/// | on-time delivery, % (below) | 95 | 85 | 70 | usual OTIF targets are 95 % and more |
/// | defect rate, % | 2 | 5 | 10 | |
/// | return rate, % of sales | 5 | 10 | 20 | |
/// | complaints | 3 | 6 | 10 | |
/// | negative reviews | 5 | 15 | 30 | |
/// | violations | — | 1 | 3 | any breach of law is serious |
/// | open disputes | 1 | 3 | 5 | |
/// | contract breaches | 1 | 2 | 4 | |
/// | court cases | — | 1 | 3 | |
///
/// A category's level is the worst of its known indicators; the overall
/// level follows [`OverallRule`] (default: the worst category).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, default, try_from = "RawRiskPolicy", into = "RawRiskPolicy"))]
#[non_exhaustive]
pub struct RiskPolicy {
    /// Amount-weighted average days late.
    pub average_days_late: Thresholds,
    /// Share of the amount paid late, %.
    pub late_share: Thresholds,
    /// Overdue unpaid amount, % of the average monthly invoiced amount.
    pub overdue: Thresholds,
    /// The worst rating that is still Low, Medium and High; anything worse
    /// than `high_from` is Critical (defaults BB, B, CCC: see the table).
    pub rating_medium_from: CreditRating,
    /// The rating from which the level is High.
    pub rating_high_from: CreditRating,
    /// The rating from which the level is Critical.
    pub rating_critical_from: CreditRating,
    /// Credit used, % of the limit.
    pub credit_utilisation: Thresholds,
    /// On-time deliveries, % (a level is reached below its threshold).
    pub on_time_delivery: Thresholds,
    /// Defect rate, %.
    pub defect_rate: Thresholds,
    /// Return rate, % of sales.
    pub return_rate: Thresholds,
    /// Derive the return rate from credit notes when the facts do not give
    /// one (default true).
    pub returns_from_credit_notes: bool,
    /// Complaints.
    pub complaints: Thresholds,
    /// Negative reviews.
    pub negative_reviews: Thresholds,
    /// Violations.
    pub violations: Thresholds,
    /// Open disputes.
    pub open_disputes: Thresholds,
    /// Contract breaches.
    pub contract_breaches: Thresholds,
    /// Court cases.
    pub court_cases: Thresholds,
    /// The overall rule.
    pub overall: OverallRule,
    /// What counts as a crisis.
    pub crisis: CrisisPolicy,
    /// The concentration risk of the network.
    pub concentration: ConcentrationPolicy,
}

impl Default for RiskPolicy {
    fn default() -> Self {
        let t = Thresholds::new;
        RiskPolicy {
            average_days_late: t(Some(7), Some(30), Some(90)),
            late_share: t(Some(20), Some(50), None),
            overdue: t(Some(50), Some(100), Some(300)),
            rating_medium_from: CreditRating::Bb,
            rating_high_from: CreditRating::B,
            rating_critical_from: CreditRating::Ccc,
            credit_utilisation: t(Some(80), Some(100), Some(120)),
            on_time_delivery: t(Some(95), Some(85), Some(70)),
            defect_rate: t(Some(2), Some(5), Some(10)),
            return_rate: t(Some(5), Some(10), Some(20)),
            returns_from_credit_notes: true,
            complaints: t(Some(3), Some(6), Some(10)),
            negative_reviews: t(Some(5), Some(15), Some(30)),
            violations: t(None, Some(1), Some(3)),
            open_disputes: t(Some(1), Some(3), Some(5)),
            contract_breaches: t(Some(1), Some(2), Some(4)),
            court_cases: t(None, Some(1), Some(3)),
            overall: OverallRule::Worst,
            crisis: CrisisPolicy::default(),
            concentration: ConcentrationPolicy::default(),
        }
    }
}

/// The serde form of [`RiskPolicy`] (the same fields, checked on the way in).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawRiskPolicy {
    average_days_late: Thresholds,
    late_share: Thresholds,
    overdue: Thresholds,
    rating_medium_from: CreditRating,
    rating_high_from: CreditRating,
    rating_critical_from: CreditRating,
    credit_utilisation: Thresholds,
    on_time_delivery: Thresholds,
    defect_rate: Thresholds,
    return_rate: Thresholds,
    returns_from_credit_notes: bool,
    complaints: Thresholds,
    negative_reviews: Thresholds,
    violations: Thresholds,
    open_disputes: Thresholds,
    contract_breaches: Thresholds,
    court_cases: Thresholds,
    overall: OverallRule,
    crisis: CrisisPolicy,
    concentration: ConcentrationPolicy,
}

#[cfg(feature = "serde")]
impl Default for RawRiskPolicy {
    fn default() -> Self {
        RiskPolicy::default().into()
    }
}

#[cfg(feature = "serde")]
impl From<RiskPolicy> for RawRiskPolicy {
    fn from(p: RiskPolicy) -> Self {
        RawRiskPolicy {
            average_days_late: p.average_days_late,
            late_share: p.late_share,
            overdue: p.overdue,
            rating_medium_from: p.rating_medium_from,
            rating_high_from: p.rating_high_from,
            rating_critical_from: p.rating_critical_from,
            credit_utilisation: p.credit_utilisation,
            on_time_delivery: p.on_time_delivery,
            defect_rate: p.defect_rate,
            return_rate: p.return_rate,
            returns_from_credit_notes: p.returns_from_credit_notes,
            complaints: p.complaints,
            negative_reviews: p.negative_reviews,
            violations: p.violations,
            open_disputes: p.open_disputes,
            contract_breaches: p.contract_breaches,
            court_cases: p.court_cases,
            overall: p.overall,
            crisis: p.crisis,
            concentration: p.concentration,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<RawRiskPolicy> for RiskPolicy {
    type Error = Error;
    fn try_from(r: RawRiskPolicy) -> Result<Self> {
        let p = RiskPolicy {
            average_days_late: r.average_days_late,
            late_share: r.late_share,
            overdue: r.overdue,
            rating_medium_from: r.rating_medium_from,
            rating_high_from: r.rating_high_from,
            rating_critical_from: r.rating_critical_from,
            credit_utilisation: r.credit_utilisation,
            on_time_delivery: r.on_time_delivery,
            defect_rate: r.defect_rate,
            return_rate: r.return_rate,
            returns_from_credit_notes: r.returns_from_credit_notes,
            complaints: r.complaints,
            negative_reviews: r.negative_reviews,
            violations: r.violations,
            open_disputes: r.open_disputes,
            contract_breaches: r.contract_breaches,
            court_cases: r.court_cases,
            overall: r.overall,
            crisis: r.crisis,
            concentration: r.concentration,
        };
        p.check()?;
        Ok(p)
    }
}

/// One indicator behind a risk level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Indicator {
    /// Amount-weighted average days late (paid and overdue lines).
    AverageDaysLate,
    /// Share of the amount paid late or overdue, %.
    LateShare,
    /// Overdue unpaid amount, % of the average monthly invoiced amount.
    Overdue,
    /// Insolvency or bankruptcy proceedings.
    Insolvency,
    /// External credit rating.
    CreditRating,
    /// Credit used, % of the limit.
    CreditUtilisation,
    /// On-time deliveries, %.
    OnTimeDelivery,
    /// Defect rate, %.
    DefectRate,
    /// Return rate, % of sales (given, or from credit notes).
    ReturnRate,
    /// Customer complaints.
    Complaints,
    /// Negative reviews.
    NegativeReviews,
    /// Violations.
    Violations,
    /// Open disputes.
    OpenDisputes,
    /// Contract breaches.
    ContractBreaches,
    /// Court cases.
    CourtCases,
}

impl Indicator {
    /// The category the indicator belongs to.
    #[must_use]
    pub fn category(&self) -> RiskCategory {
        match self {
            Indicator::AverageDaysLate
            | Indicator::LateShare
            | Indicator::Overdue
            | Indicator::Insolvency
            | Indicator::CreditRating
            | Indicator::CreditUtilisation => RiskCategory::Financial,
            Indicator::OnTimeDelivery | Indicator::DefectRate | Indicator::ReturnRate => RiskCategory::Operational,
            Indicator::Complaints | Indicator::NegativeReviews | Indicator::Violations => RiskCategory::Reputational,
            Indicator::OpenDisputes | Indicator::ContractBreaches | Indicator::CourtCases => RiskCategory::Legal,
        }
    }
}

/// The value of an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum EvidenceValue {
    /// A number: days, percent or a count, per the indicator.
    Number(Decimal),
    /// A yes / no fact.
    Flag(bool),
    /// A credit rating.
    Rating(CreditRating),
}

/// One indicator, its value and the level it gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Evidence {
    /// The indicator.
    pub indicator: Indicator,
    /// Its value.
    pub value: EvidenceValue,
    /// The level it gives.
    pub level: RiskLevel,
}

impl Evidence {
    /// The evidence in plain words: "pays 12 days late on average".
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let num = |d: Decimal, dp: u32| lang.format_amount(d, dp);
        let ru = lang == Language::Ru;
        match (self.indicator, self.value) {
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) && ru => {
                "платит в срок".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) => {
                "pays on time".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if ru => {
                format!("платит в среднем на {} дн. позже срока", num(d, 0))
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) => {
                format!("pays {} late on average", days_en(&num(d, 0)))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) if ru => {
                format!("{} % суммы оплачено с опозданием", num(d, 0))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) => format!("{} % of the amount paid late", num(d, 0)),
            (Indicator::Overdue, EvidenceValue::Number(d)) if ru => {
                format!("просрочено {} % месячной отгрузки", num(d, 0))
            }
            (Indicator::Overdue, EvidenceValue::Number(d)) => format!("{} % of a month's invoicing overdue", num(d, 0)),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) if ru => "идёт процедура банкротства".to_owned(),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) => "insolvency proceedings are open".to_owned(),
            (Indicator::Insolvency, _) if ru => "процедур банкротства нет".to_owned(),
            (Indicator::Insolvency, _) => "no insolvency proceedings".to_owned(),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) if ru => format!("кредитный рейтинг {r}"),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) => format!("credit rating {r}"),
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) if ru => {
                format!("использовано {} % кредитного лимита", num(d, 0))
            }
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) => {
                format!("{} % of the credit limit used", num(d, 0))
            }
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) if ru => format!("{} % поставок в срок", num(d, 1)),
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) => format!("{} % of deliveries on time", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) if ru => format!("брак {} %", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) => format!("{} % defects", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) if ru => format!("возвраты {} % продаж", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) => format!("returns {} % of sales", num(d, 1)),
            (Indicator::Complaints, EvidenceValue::Number(d)) if ru => format!("жалоб: {}", num(d, 0)),
            (Indicator::Complaints, EvidenceValue::Number(d)) => format!("{} complaints", num(d, 0)),
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) if ru => {
                format!("негативных отзывов: {}", num(d, 0))
            }
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) => format!("{} negative reviews", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) if ru => format!("нарушений: {}", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) => format!("{} violations", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) if ru => format!("открытых споров: {}", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) => format!("{} open disputes", num(d, 0)),
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) if ru => {
                format!("нарушений договора: {}", num(d, 0))
            }
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) => format!("{} contract breaches", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) if ru => format!("судебных дел: {}", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) => format!("{} court cases", num(d, 0)),
            (_, value) => format!("{value:?}"),
        }
    }
}

/// One category's level and the evidence behind it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CategoryRisk {
    /// The level; `None` when nothing is known ("unknown", never Low).
    pub level: Option<RiskLevel>,
    /// Every indicator that was known, worst first.
    pub evidence: Vec<Evidence>,
}

impl CategoryRisk {
    fn from_evidence(mut evidence: Vec<Evidence>) -> CategoryRisk {
        evidence.sort_by_key(|e| std::cmp::Reverse(e.level));
        CategoryRisk { level: evidence.iter().map(|e| e.level).max(), evidence }
    }

    /// The evidence that set the level (the worst indicator), if any.
    #[must_use]
    pub fn main_evidence(&self) -> Option<&Evidence> {
        self.evidence.first()
    }
}

/// Payment discipline from the ledger's due and paid dates, over the
/// invoices of the review window, as of the review date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PaymentDiscipline {
    /// The invoiced amount whose due date has passed (paid or not): the
    /// base of the other figures.
    pub assessed: Decimal,
    /// Amount-weighted average days late: paid lines count the days from
    /// due to paid, unpaid overdue lines the days from due to the review
    /// date; lines paid on time count 0.
    pub average_days_late: Decimal,
    /// The share of `assessed` that was paid late or is overdue, %.
    pub late_share: Decimal,
    /// Overdue and unpaid as of the review date (from the window and
    /// before it).
    pub overdue: Decimal,
    /// `overdue` as % of the window's average monthly invoiced amount
    /// (`None` without invoicing).
    pub overdue_of_monthly: Option<Decimal>,
}

/// A partner's risk profile: the four categories, the overall level, and
/// the payment discipline behind the financial one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RiskProfile {
    /// Financial risk.
    pub financial: CategoryRisk,
    /// Reputational risk.
    pub reputational: CategoryRisk,
    /// Operational risk.
    pub operational: CategoryRisk,
    /// Legal risk.
    pub legal: CategoryRisk,
    /// The overall level (`None` when every category is unknown).
    pub overall: Option<RiskLevel>,
    /// Payment discipline, when the ledger has due dates for the window.
    pub payment: Option<PaymentDiscipline>,
}

impl RiskProfile {
    /// One category.
    #[must_use]
    pub fn category(&self, category: RiskCategory) -> &CategoryRisk {
        match category {
            RiskCategory::Financial => &self.financial,
            RiskCategory::Reputational => &self.reputational,
            RiskCategory::Operational => &self.operational,
            RiskCategory::Legal => &self.legal,
        }
    }

    /// The category with the worst level (the first of equals, in the
    /// article's order), if any is known.
    #[must_use]
    pub fn worst_category(&self) -> Option<(RiskCategory, RiskLevel)> {
        let mut worst: Option<(RiskCategory, RiskLevel)> = None;
        for c in RiskCategory::ALL {
            if let Some(level) = self.category(c).level {
                if worst.is_none_or(|(_, w)| level > w) {
                    worst = Some((c, level));
                }
            }
        }
        worst
    }
}

/// What raised a crisis alert.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AlertKind {
    /// The last full month's turnover fell sharply against the trailing
    /// average.
    TurnoverDrop {
        /// The month.
        month: Month,
        /// Its turnover.
        turnover: Decimal,
        /// The trailing monthly average.
        baseline: Decimal,
        /// The fall, %.
        fall_percent: Decimal,
    },
    /// Average days late grew month after month.
    GrowingPaymentDelays {
        /// The months and their average days late, oldest first.
        months: Vec<(Month, Decimal)>,
    },
    /// A category is Critical.
    CriticalRisk {
        /// The evidence that made it Critical.
        evidence: Evidence,
    },
}

/// A crisis alert: what happened, how serious it is, and the action plan.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct CrisisAlert {
    /// The partner.
    pub partner: PartnerId,
    /// The category of the crisis.
    pub category: RiskCategory,
    /// High or Critical.
    pub severity: RiskLevel,
    /// What raised it, with the figures.
    pub kind: AlertKind,
    /// The action plan for the category.
    pub actions: Vec<Action>,
}

impl CrisisAlert {
    fn new(partner: &PartnerId, category: RiskCategory, severity: RiskLevel, kind: AlertKind) -> CrisisAlert {
        CrisisAlert { partner: partner.clone(), category, severity, kind, actions: category.action_plan().to_vec() }
    }

    /// What happened, in plain words.
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let ru = lang == Language::Ru;
        match &self.kind {
            AlertKind::TurnoverDrop { month, turnover, baseline, fall_percent } => {
                let (t, b, f) = (
                    lang.format_amount(*turnover, 0),
                    lang.format_amount(*baseline, 0),
                    lang.format_amount(*fall_percent, 0),
                );
                if ru {
                    format!("оборот за {month} упал на {f} %: {t} против {b} в среднем за прошлые месяцы")
                } else {
                    format!("turnover in {month} fell {f} %: {t} against an average of {b}")
                }
            }
            AlertKind::GrowingPaymentDelays { months } => {
                let days: Vec<String> = months.iter().map(|(_, d)| lang.format_amount(*d, 0)).collect();
                if ru {
                    format!("задержки платежей растут: {} дн.", days.join(" → "))
                } else {
                    format!("payment delays are growing: {} days", days.join(" → "))
                }
            }
            AlertKind::CriticalRisk { evidence } => {
                if ru {
                    format!("{} риск критический: {}", self.category.name(lang), evidence.text(lang))
                } else {
                    format!("{} risk is Critical: {}", self.category.name(lang), evidence.text(lang))
                }
            }
        }
    }
}

/// A partner's risk profile and its crisis alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RiskAssessment {
    /// The profile.
    pub profile: RiskProfile,
    /// The crisis alerts, most severe first.
    pub alerts: Vec<CrisisAlert>,
}

/// The concentration risk of the network: dependence on a few partners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ConcentrationRisk {
    /// The level (the worse of the two indicators).
    pub level: RiskLevel,
    /// The largest partner's share of turnover, %.
    pub top_partner_percent: Decimal,
    /// The Herfindahl–Hirschman index.
    pub hhi: Decimal,
}

impl ConcentrationRisk {
    /// The risk in plain words.
    #[must_use]
    pub fn text(&self, lang: Language) -> String {
        let (share, hhi) = (lang.format_amount(self.top_partner_percent, 1), lang.format_amount(self.hhi, 0));
        match lang {
            Language::Ru => format!(
                "риск концентрации {}: у крупнейшего партнёра {share} % оборота, HHI {hhi}",
                self.level.name(lang)
            ),
            _ => format!(
                "concentration risk {}: the largest partner holds {share} % of turnover, HHI {hhi}",
                self.level.name(lang)
            ),
        }
    }
}

impl RiskPolicy {
    /// Checks the policy.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] naming the field: thresholds that are
    /// negative or out of order (`average_days_late.high`…), ratings out of
    /// order, or crisis settings out of range.
    pub fn check(&self) -> Result<()> {
        for (name, t) in [
            ("average_days_late", &self.average_days_late),
            ("late_share", &self.late_share),
            ("overdue", &self.overdue),
            ("credit_utilisation", &self.credit_utilisation),
            ("defect_rate", &self.defect_rate),
            ("return_rate", &self.return_rate),
            ("complaints", &self.complaints),
            ("negative_reviews", &self.negative_reviews),
            ("violations", &self.violations),
            ("open_disputes", &self.open_disputes),
            ("contract_breaches", &self.contract_breaches),
            ("court_cases", &self.court_cases),
            ("concentration.top_partner_share", &self.concentration.top_partner_share),
            ("concentration.hhi", &self.concentration.hhi),
        ] {
            t.check(name, false)?;
        }
        self.on_time_delivery.check("on_time_delivery", true)?;
        if !(self.rating_medium_from < self.rating_high_from && self.rating_high_from < self.rating_critical_from) {
            return Err(Error::policy("rating_high_from", "ratings must get worse from medium to high to critical"));
        }
        let c = &self.crisis;
        let pct = |name: &str, v: Decimal| {
            if v > Decimal::ZERO && v <= Decimal::ONE_HUNDRED {
                Ok(())
            } else {
                Err(Error::policy(format!("crisis.{name}"), format!("{v} is not within (0, 100] %")))
            }
        };
        pct("drop_percent", c.drop_percent)?;
        pct("critical_drop_percent", c.critical_drop_percent)?;
        if c.critical_drop_percent < c.drop_percent {
            return Err(Error::policy("crisis.critical_drop_percent", "must not be below drop_percent"));
        }
        if c.baseline_months < 2 {
            return Err(Error::policy("crisis.baseline_months", "at least 2 months"));
        }
        if c.delay_months < 2 {
            return Err(Error::policy("crisis.delay_months", "at least 2 months"));
        }
        if c.drop_sigmas < Decimal::ZERO {
            return Err(Error::policy("crisis.drop_sigmas", "must not be negative"));
        }
        if c.delay_min_days < Decimal::ZERO {
            return Err(Error::policy("crisis.delay_min_days", "must not be negative"));
        }
        Ok(())
    }

    fn rating_level(&self, rating: CreditRating) -> RiskLevel {
        if rating >= self.rating_critical_from {
            RiskLevel::Critical
        } else if rating >= self.rating_high_from {
            RiskLevel::High
        } else if rating >= self.rating_medium_from {
            RiskLevel::Medium
        } else {
            RiskLevel::Low
        }
    }

    /// The concentration risk of the network from the largest partner's
    /// share (a fraction, 0.25 = 25 %) and the HHI (0 … 10 000).
    #[must_use]
    pub fn concentration_risk(&self, top_partner_share: Decimal, hhi: Decimal) -> ConcentrationRisk {
        let percent = top_partner_share.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(Decimal::MAX);
        let level = self.concentration.top_partner_share.level(percent).max(self.concentration.hhi.level(hhi));
        ConcentrationRisk { level, top_partner_percent: percent.normalize(), hhi }
    }

    /// Assesses a partner's risk from its turnover over the review window
    /// (with the ledger's payment data) and the facts the business supplies,
    /// as of the review date.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPolicy`] if the policy fails
    /// [`RiskPolicy::check`] (its fields are public);
    /// [`ErrorKind::InvalidValue`] if `facts` is for another partner or fails
    /// [`RiskFacts::check`]; [`ErrorKind::Overflow`] for sums out of range.
    pub fn assess(&self, turnover: &Turnover, facts: Option<&RiskFacts>, as_of: NaiveDate) -> Result<RiskAssessment> {
        self.check()?;
        let buf = WindowBuf::of_turnover(turnover);
        let data = PartnerWindow {
            partner: turnover.partner(),
            window: turnover.window(),
            scale: turnover.scale(),
            buf: &buf,
        };
        self.assess_window(&data, facts, as_of)
    }

    /// [`RiskPolicy::assess`] over the ledger's own figures.
    pub(crate) fn assess_window(
        &self,
        data: &PartnerWindow<'_>,
        facts: Option<&RiskFacts>,
        as_of: NaiveDate,
    ) -> Result<RiskAssessment> {
        let partner = data.partner;
        if let Some(f) = facts {
            if &f.partner != partner {
                return Err(Error::value(
                    "partner",
                    f.partner.as_str(),
                    format!("risk facts for another partner than `{partner}`"),
                )
                .for_partner(partner));
            }
            f.check()?;
        }
        let payment = payment_discipline(data, as_of);
        let ev = |indicator, value, level| Evidence { indicator, value, level };
        let num = EvidenceValue::Number;

        let mut financial = Vec::new();
        if let Some(p) = payment {
            financial.push(ev(
                Indicator::AverageDaysLate,
                num(p.average_days_late),
                self.average_days_late.level(p.average_days_late),
            ));
            financial.push(ev(Indicator::LateShare, num(p.late_share), self.late_share.level(p.late_share)));
            if let Some(o) = p.overdue_of_monthly {
                financial.push(ev(Indicator::Overdue, num(o), self.overdue.level(o)));
            }
        }
        if let Some(f) = facts {
            if let Some(insolvent) = f.insolvency {
                let level = if insolvent { RiskLevel::Critical } else { RiskLevel::Low };
                financial.push(ev(Indicator::Insolvency, EvidenceValue::Flag(insolvent), level));
            }
            if let Some(r) = f.credit_rating {
                financial.push(ev(Indicator::CreditRating, EvidenceValue::Rating(r), self.rating_level(r)));
            }
            if let (Some(limit), Some(used)) = (f.credit_limit, f.credit_used) {
                let u =
                    used.checked_div(limit).and_then(|x| x.checked_mul(Decimal::ONE_HUNDRED)).unwrap_or(Decimal::MAX);
                financial.push(ev(Indicator::CreditUtilisation, num(u), self.credit_utilisation.level(u)));
            }
        }

        let mut operational = Vec::new();
        let mut reputational = Vec::new();
        let mut legal = Vec::new();
        let counts = |f: &RiskFacts| {
            [
                (Indicator::Complaints, f.complaints, &self.complaints),
                (Indicator::NegativeReviews, f.negative_reviews, &self.negative_reviews),
                (Indicator::Violations, f.violations, &self.violations),
                (Indicator::OpenDisputes, f.open_disputes, &self.open_disputes),
                (Indicator::ContractBreaches, f.contract_breaches, &self.contract_breaches),
                (Indicator::CourtCases, f.court_cases, &self.court_cases),
            ]
        };
        let mut return_rate = facts.and_then(|f| f.return_rate);
        if return_rate.is_none() && self.returns_from_credit_notes {
            let credit: i128 = data.buf.months.iter().map(|m| i128::from(m.credit_notes)).sum();
            let invoiced: i128 =
                data.buf.months.iter().map(|m| i128::from(m.turnover) - i128::from(m.credit_notes)).sum();
            if invoiced > 0 {
                return_rate = Some(ratio(-credit * 100, invoiced).round_dp(4).normalize());
            }
        }
        if let Some(r) = return_rate {
            operational.push(ev(Indicator::ReturnRate, num(r), self.return_rate.level(r)));
        }
        if let Some(f) = facts {
            if let Some(v) = f.on_time_delivery {
                operational.push(ev(Indicator::OnTimeDelivery, num(v), self.on_time_delivery.level_below(v)));
            }
            if let Some(v) = f.defect_rate {
                operational.push(ev(Indicator::DefectRate, num(v), self.defect_rate.level(v)));
            }
            for (indicator, value, thresholds) in counts(f) {
                if let Some(v) = value {
                    let e = ev(indicator, num(Decimal::from(v)), thresholds.level(Decimal::from(v)));
                    match indicator.category() {
                        RiskCategory::Legal => legal.push(e),
                        _ => reputational.push(e),
                    }
                }
            }
        }
        let mut profile = RiskProfile {
            financial: CategoryRisk::from_evidence(financial),
            reputational: CategoryRisk::from_evidence(reputational),
            operational: CategoryRisk::from_evidence(operational),
            legal: CategoryRisk::from_evidence(legal),
            overall: None,
            payment,
        };
        profile.overall = self.overall_level(&profile);
        let alerts = self.alerts(data, &profile, as_of);
        Ok(RiskAssessment { profile, alerts })
    }

    fn overall_level(&self, profile: &RiskProfile) -> Option<RiskLevel> {
        let levels = || RiskCategory::ALL.iter().filter_map(|c| profile.category(*c).level);
        let worst = levels().max()?;
        Some(match self.overall {
            OverallRule::Worst => worst,
            OverallRule::Escalating if levels().filter(|l| *l >= RiskLevel::High).count() >= 2 => worst.raised(),
            OverallRule::Escalating => worst,
        })
    }

    fn alerts(&self, data: &PartnerWindow<'_>, profile: &RiskProfile, as_of: NaiveDate) -> Vec<CrisisAlert> {
        let partner = data.partner;
        let mut alerts = Vec::new();
        if let Some(alert) = self.drop_alert(data) {
            alerts.push(alert);
        }
        if let Some(alert) = self.delay_alert(data, as_of) {
            alerts.push(alert);
        }
        for c in RiskCategory::ALL {
            let risk = profile.category(c);
            if risk.level == Some(RiskLevel::Critical) {
                if let Some(e) = risk.main_evidence() {
                    alerts.push(CrisisAlert::new(
                        partner,
                        c,
                        RiskLevel::Critical,
                        AlertKind::CriticalRisk { evidence: *e },
                    ));
                }
            }
        }
        alerts.sort_by_key(|a| std::cmp::Reverse(a.severity));
        alerts
    }

    fn drop_alert(&self, data: &PartnerWindow<'_>) -> Option<CrisisAlert> {
        let months = &data.buf.months;
        let (last, before) = months.split_last()?;
        // The partner's history starts at its first month with activity.
        let first_active = months.iter().position(|m| m.turnover != 0 || m.deals > 0)?;
        let take = self.crisis.baseline_months as usize;
        let start = before.len().saturating_sub(take).max(first_active);
        let baseline = before.get(start..)?;
        if baseline.len() < 2 {
            return None;
        }
        if self.crisis.drop_needs_regular_buyer && baseline.iter().any(|m| m.turnover <= 0) {
            return None;
        }
        let k = i128::try_from(baseline.len()).ok()?;
        let sum: i128 = baseline.iter().map(|m| i128::from(m.turnover)).sum();
        if sum <= 0 {
            return None;
        }
        let last_value = i128::from(last.turnover);
        // fall % = (S − k·L) × 100 / S, exactly.
        let gap = sum.checked_sub(k.checked_mul(last_value)?)?;
        let fall = ratio(gap.checked_mul(100)?, sum);
        if fall < self.crisis.drop_percent {
            return None;
        }
        // Beyond `sigmas` standard deviations: (S − kL)² > s² (kQ − S²).
        let q = baseline
            .iter()
            .try_fold(0i128, |q, m| q.checked_add(i128::from(m.turnover).checked_mul(i128::from(m.turnover))?));
        let spread = q.and_then(|q| k.checked_mul(q)?.checked_sub(sum.checked_mul(sum)?));
        if let (Some(spread), Some(gap_sq)) = (spread, gap.checked_mul(gap)) {
            let s = self.crisis.drop_sigmas.normalize();
            let (m, e) = (s.mantissa().unsigned_abs(), s.scale());
            let left = crate::exact::mul_wide(gap_sq.unsigned_abs(), 10u128.pow(2 * e.min(18)));
            let right = crate::exact::mul_wide(m.checked_mul(m)?, spread.max(0).unsigned_abs());
            if left <= right {
                return None;
            }
        }
        let severity = if fall >= self.crisis.critical_drop_percent { RiskLevel::Critical } else { RiskLevel::High };
        let scale = data.scale;
        Some(CrisisAlert::new(
            data.partner,
            RiskCategory::Financial,
            severity,
            AlertKind::TurnoverDrop {
                month: data.window.last(),
                turnover: Decimal::new(last.turnover, scale),
                baseline: crate::exact::to_decimal(sum, scale).checked_div(Decimal::from(baseline.len()))?.round_dp(2),
                fall_percent: fall.normalize(),
            },
        ))
    }

    fn delay_alert(&self, data: &PartnerWindow<'_>, as_of: NaiveDate) -> Option<CrisisAlert> {
        let per_month = monthly_days_late(data, as_of);
        let k = self.crisis.delay_months as usize;
        if per_month.len() < k {
            return None;
        }
        let recent = per_month.get(per_month.len() - k..)?;
        let growing = recent.windows(2).all(|w| w[1].1 > w[0].1);
        let (_, last) = *recent.last()?;
        if !growing || last < self.crisis.delay_min_days {
            return None;
        }
        let severity = self.average_days_late.level(last).max(RiskLevel::High);
        Some(CrisisAlert::new(
            data.partner,
            RiskCategory::Financial,
            severity,
            AlertKind::GrowingPaymentDelays { months: recent.to_vec() },
        ))
    }
}

/// A partner's figures over the review window: what the risk assessment
/// reads.
pub(crate) struct PartnerWindow<'a> {
    pub(crate) partner: &'a PartnerId,
    pub(crate) window: crate::period::Window,
    pub(crate) scale: u32,
    pub(crate) buf: &'a WindowBuf,
}

/// Days from `from` to `to` (0 if `to` is not after `from`).
fn days_between(from: NaiveDate, to: NaiveDate) -> i128 {
    i128::from((to - from).num_days().max(0))
}

/// How one payment record stands as of the review date.
struct Standing {
    /// Assessed: its due date has passed.
    assessed: bool,
    /// Days late (paid late: due to paid; unpaid and overdue: due to the
    /// review date).
    days: i128,
    /// Late: paid after the due date, or overdue.
    late: bool,
    /// Overdue and unpaid as of the review date.
    overdue: bool,
}

fn standing(p: &crate::ledger::PayRecord, as_of: NaiveDate) -> Standing {
    if p.due >= as_of {
        return Standing { assessed: false, days: 0, late: false, overdue: false };
    }
    match p.paid {
        // Paid before the review date.
        Some(paid) if paid < as_of => {
            let days = days_between(p.due, paid);
            Standing { assessed: true, days, late: days > 0, overdue: false }
        }
        // Unpaid as of the review date (a later payment is in its future).
        _ => Standing { assessed: true, days: days_between(p.due, as_of), late: true, overdue: true },
    }
}

/// Payment discipline over the window's invoices as of `as_of`.
fn payment_discipline(data: &PartnerWindow<'_>, as_of: NaiveDate) -> Option<PaymentDiscipline> {
    let window = data.window;
    let (first, last) = (window.first().index(), window.last().index());
    let mut assessed: i128 = 0;
    let mut late: i128 = 0;
    let mut days: i128 = 0;
    let mut overdue_all: i128 = 0;
    for p in &data.buf.payments {
        let st = standing(p, as_of);
        let amount = i128::from(p.amount);
        if st.overdue && p.month <= last {
            overdue_all += amount;
        }
        if !st.assessed || p.month < first || p.month > last {
            continue;
        }
        assessed += amount;
        if st.late {
            late += amount;
        }
        days = days.checked_add(amount.checked_mul(st.days)?)?;
    }
    if assessed <= 0 {
        return None;
    }
    let invoiced: i128 = data.buf.months.iter().map(|m| i128::from(m.turnover) - i128::from(m.credit_notes)).sum();
    let months = i128::from(window.len());
    Some(PaymentDiscipline {
        assessed: crate::exact::to_decimal(assessed, data.scale),
        average_days_late: ratio(days, assessed),
        late_share: ratio(late.checked_mul(100)?, assessed),
        overdue: crate::exact::to_decimal(overdue_all, data.scale),
        overdue_of_monthly: (invoiced > 0)
            .then(|| Some(ratio(overdue_all.checked_mul(100)?.checked_mul(months)?, invoiced)))
            .flatten(),
    })
}

/// Average days late per invoice month (months with assessed amounts only).
fn monthly_days_late(data: &PartnerWindow<'_>, as_of: NaiveDate) -> Vec<(Month, Decimal)> {
    let first = data.window.first().index();
    let last = data.window.last().index();
    let mut out: Vec<(Month, Decimal)> = Vec::new();
    let mut current: Option<(i32, i128, i128)> = None; // (month, assessed, days)
    let flush = |c: Option<(i32, i128, i128)>, out: &mut Vec<(Month, Decimal)>| {
        if let Some((month, assessed, days)) = c {
            if let (true, Some(m)) = (assessed > 0, Month::from_index(month)) {
                out.push((m, ratio(days, assessed)));
            }
        }
    };
    // Records are sorted by month.
    for p in data.buf.payments.iter().filter(|p| p.month >= first && p.month <= last) {
        let st = standing(p, as_of);
        if !st.assessed {
            continue;
        }
        let amount = i128::from(p.amount);
        match current.as_mut() {
            Some(c) if c.0 == p.month => {
                c.1 += amount;
                c.2 = c.2.saturating_add(amount.saturating_mul(st.days));
            }
            _ => {
                flush(current.take(), &mut out);
                current = Some((p.month, amount, amount.saturating_mul(st.days)));
            }
        }
    }
    flush(current, &mut out);
    out
}

/// "1 day", "12 days".
fn days_en(days: &str) -> String {
    format!("{days} {}", if days == "1" { "day" } else { "days" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{Ledger, MonthlyFigures, Sale};
    use crate::money::{Currency, Money};
    use crate::period::Window;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn p() -> PartnerId {
        PartnerId::new("P").unwrap()
    }
    const AS_OF: (i32, u32, u32) = (2026, 1, 1);

    /// A year of monthly invoices of `amount`, each due in 30 days and paid
    /// `late` days after the due date.
    fn ledger(amounts: &[i64], late: &[i64]) -> Turnover {
        let mut l = Ledger::new(Currency::RUB);
        for (i, (&a, &lt)) in amounts.iter().zip(late.iter().cycle()).enumerate() {
            let date = d(2025, i as u32 + 1, 5);
            let due = date + chrono::Days::new(30);
            let paid = due + chrono::Days::new(lt as u64);
            let mut sale = Sale::new(p(), date, Money::new(Decimal::from(a), Currency::RUB)).with_due_date(due);
            if paid < d(AS_OF.0, AS_OF.1, AS_OF.2) {
                sale = sale.with_paid_date(paid);
            }
            l.record(sale).unwrap();
        }
        let w = Window::before(d(AS_OF.0, AS_OF.1, AS_OF.2), 12).unwrap();
        l.turnover(&p(), w).unwrap()
    }

    fn as_of() -> NaiveDate {
        d(AS_OF.0, AS_OF.1, AS_OF.2)
    }

    #[test]
    fn paying_on_the_due_date_is_low_financial_risk() {
        let t = ledger(&[100_000; 12], &[0]);
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        assert_eq!(r.profile.financial.level, Some(RiskLevel::Low));
        assert_eq!(r.profile.payment.unwrap().average_days_late, Decimal::ZERO);
        assert!(r.alerts.is_empty());
    }

    #[test]
    fn paying_60_days_late_is_high_or_critical() {
        let t = ledger(&[100_000; 12], &[60]);
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        let level = r.profile.financial.level.unwrap();
        assert!(level >= RiskLevel::High, "{level:?}");
        let e = r.profile.financial.main_evidence().unwrap();
        assert!(e.text(Language::En).contains("days late"), "{}", e.text(Language::En));
    }

    #[test]
    fn no_payment_data_is_unknown_not_low() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p(), d(2025, 3, 1), Money::new(Decimal::from(5), Currency::RUB))).unwrap();
        let w = Window::before(as_of(), 12).unwrap();
        let policy = RiskPolicy { returns_from_credit_notes: false, ..RiskPolicy::default() };
        let r = policy.assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
        assert_eq!(r.profile.financial.level, None);
        assert_eq!(r.profile.overall, None);
        for c in RiskCategory::ALL {
            assert_eq!(r.profile.category(c).level, None);
        }
    }

    #[test]
    fn a_sharp_drop_raises_an_alert_and_a_steady_series_does_not() {
        let mut amounts = [200_000i64; 12];
        amounts[11] = 30_000;
        let t = ledger(&amounts, &[0]);
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        let drop = r.alerts.iter().find(|a| matches!(a.kind, AlertKind::TurnoverDrop { .. })).unwrap();
        assert_eq!(drop.severity, RiskLevel::Critical); // −85 %
        assert_eq!(drop.actions, RiskCategory::Financial.action_plan());
        assert!(drop.text(Language::En).contains("fell 85 %"), "{}", drop.text(Language::En));
        let steady = ledger(&[200_000; 12], &[0]);
        assert!(RiskPolicy::default().assess(&steady, None, as_of()).unwrap().alerts.is_empty());
    }

    #[test]
    fn a_fall_within_the_usual_swing_is_not_sharp() {
        // Months swing between 100 000 and 300 000; 90 000 is a 55 % fall
        // from the mean of 200 000 but only 1.1 standard deviations.
        let t = ledger(
            &[
                100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000, 300_000, 100_000,
                90_000,
            ],
            &[0],
        );
        assert!(RiskPolicy::default().assess(&t, None, as_of()).unwrap().alerts.is_empty());
        let no_sigma = RiskPolicy {
            crisis: CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() },
            ..RiskPolicy::default()
        };
        assert_eq!(no_sigma.assess(&t, None, as_of()).unwrap().alerts.len(), 1);
    }

    #[test]
    fn an_empty_month_of_an_irregular_buyer_is_not_a_crisis() {
        let t = ledger(&[200_000, 0, 150_000, 0, 220_000, 0, 180_000, 0, 210_000, 0, 190_000, 0], &[0]);
        assert!(RiskPolicy::default().assess(&t, None, as_of()).unwrap().alerts.is_empty());
        let lenient = RiskPolicy {
            crisis: CrisisPolicy {
                drop_needs_regular_buyer: false,
                drop_sigmas: Decimal::ZERO,
                ..CrisisPolicy::default()
            },
            ..RiskPolicy::default()
        };
        assert_eq!(lenient.assess(&t, None, as_of()).unwrap().alerts.len(), 1);
    }

    #[test]
    fn a_payment_after_the_review_date_is_not_yet_made() {
        let mut l = Ledger::new(Currency::RUB);
        l.record(
            Sale::new(p(), d(2025, 11, 1), Money::new(Decimal::from(100_000), Currency::RUB))
                .with_due_date(d(2025, 11, 30))
                .with_paid_date(d(2026, 3, 1)),
        )
        .unwrap();
        let w = Window::before(as_of(), 12).unwrap();
        let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
        let pay = r.profile.payment.unwrap();
        assert_eq!(pay.average_days_late, Decimal::from(32));
        assert_eq!(pay.overdue, Decimal::new(100_000_00, 2));
        // As of a date after the payment, it was 91 days late and nothing is overdue.
        let later = d(2026, 4, 1);
        let w = Window::before(later, 12).unwrap();
        let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, later).unwrap();
        let pay = r.profile.payment.unwrap();
        assert_eq!(pay.average_days_late, Decimal::from(91));
        assert_eq!(pay.overdue, Decimal::ZERO);
    }

    #[test]
    fn lines_not_yet_due_are_not_assessed() {
        let mut l = Ledger::new(Currency::RUB);
        // Paid early, due after the review date: not assessed.
        l.record(
            Sale::new(p(), d(2025, 12, 20), Money::new(Decimal::from(100), Currency::RUB))
                .with_due_date(d(2026, 1, 20))
                .with_paid_date(d(2025, 12, 25)),
        )
        .unwrap();
        let w = Window::before(as_of(), 12).unwrap();
        let r = RiskPolicy::default().assess(&l.turnover(&p(), w).unwrap(), None, as_of()).unwrap();
        assert_eq!(r.profile.payment, None);
        assert_eq!(r.profile.financial.level, None);
    }

    #[test]
    fn growing_delays_raise_an_alert() {
        let t = ledger(&[100_000; 12], &[0, 0, 0, 0, 0, 0, 0, 0, 5, 15, 40, 0]);
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        assert!(r.alerts.iter().any(|a| matches!(a.kind, AlertKind::GrowingPaymentDelays { .. })), "{:?}", r.alerts);
    }

    #[test]
    fn facts_give_the_other_categories() {
        let t = ledger(&[100_000; 12], &[0]);
        let mut f = RiskFacts::new(p());
        f.insolvency = Some(true);
        f.on_time_delivery = Some(Decimal::from(90));
        f.court_cases = Some(1);
        f.complaints = Some(0);
        let r = RiskPolicy::default().assess(&t, Some(&f), as_of()).unwrap();
        assert_eq!(r.profile.financial.level, Some(RiskLevel::Critical));
        assert_eq!(r.profile.operational.level, Some(RiskLevel::Medium));
        assert_eq!(r.profile.legal.level, Some(RiskLevel::High));
        assert_eq!(r.profile.reputational.level, Some(RiskLevel::Low));
        assert_eq!(r.profile.overall, Some(RiskLevel::Critical));
        assert!(r.alerts.iter().any(|a| matches!(a.kind, AlertKind::CriticalRisk { .. })));
        let esc = RiskPolicy { overall: OverallRule::Escalating, ..RiskPolicy::default() };
        f.insolvency = Some(false);
        f.court_cases = Some(1);
        f.violations = Some(1);
        let r = esc.assess(&t, Some(&f), as_of()).unwrap();
        assert_eq!(r.profile.overall, Some(RiskLevel::Critical)); // two High categories
    }

    #[test]
    fn ratings_parse_and_map() {
        for (text, r) in [
            ("BBB-", CreditRating::Bbb),
            ("ruA+", CreditRating::A),
            ("AA-(RU)", CreditRating::Aa),
            ("b.ru", CreditRating::B),
            ("SD", CreditRating::D),
        ] {
            assert_eq!(CreditRating::parse(text).unwrap(), r, "{text}");
        }
        assert!(CreditRating::parse("good").is_err());
        let p = RiskPolicy::default();
        assert_eq!(p.rating_level(CreditRating::Bbb), RiskLevel::Low);
        assert_eq!(p.rating_level(CreditRating::Bb), RiskLevel::Medium);
        assert_eq!(p.rating_level(CreditRating::B), RiskLevel::High);
        assert_eq!(p.rating_level(CreditRating::Ccc), RiskLevel::Critical);
    }

    #[test]
    fn facts_are_checked() {
        let mut f = RiskFacts::new(p());
        f.defect_rate = Some(Decimal::from(101));
        assert!(f.check().unwrap_err().to_string().contains("defect_rate"));
        let mut f = RiskFacts::new(p());
        f.credit_used = Some(Decimal::ONE);
        assert!(f.check().is_err());
        let t = ledger(&[1; 12], &[0]);
        let other = RiskFacts::new(PartnerId::new("Q").unwrap());
        assert!(RiskPolicy::default().assess(&t, Some(&other), as_of()).is_err());
    }

    #[test]
    fn concentration_risk_levels() {
        let p = RiskPolicy::default();
        assert_eq!(p.concentration_risk(Decimal::new(5, 2), Decimal::from(800)).level, RiskLevel::Low);
        assert_eq!(p.concentration_risk(Decimal::new(30, 2), Decimal::from(800)).level, RiskLevel::High);
        assert_eq!(p.concentration_risk(Decimal::new(5, 2), Decimal::from(1600)).level, RiskLevel::Medium);
    }

    #[test]
    fn policies_are_checked() {
        let mut p = RiskPolicy::default();
        p.average_days_late.high = Some(Decimal::from(5));
        assert!(p.check().unwrap_err().to_string().contains("average_days_late.high"));
        let mut p = RiskPolicy::default();
        p.on_time_delivery.high = Some(Decimal::from(99));
        assert!(p.check().unwrap_err().to_string().contains("on_time_delivery.high"));
        let mut p = RiskPolicy::default();
        p.crisis.baseline_months = 1;
        assert!(p.check().is_err());
        assert!(RiskPolicy::default().check().is_ok());
    }
    #[test]
    fn every_indicator_reads_as_words_in_both_languages() {
        use EvidenceValue::{Flag, Number, Rating};
        use Indicator as I;
        let n = |s: &str| Number(s.parse().unwrap());
        let cases: &[(Indicator, EvidenceValue, &str, &str)] = &[
            (I::AverageDaysLate, n("0.49"), "pays on time", "платит в срок"),
            (I::AverageDaysLate, n("0.5"), "pays 1 day late on average", "платит в среднем на 1 дн. позже срока"),
            (
                I::AverageDaysLate,
                n("1234.4"),
                "pays 1,234 days late on average",
                "платит в среднем на 1\u{202f}234 дн. позже срока",
            ),
            (I::AverageDaysLate, n("2"), "pays 2 days late on average", "платит в среднем на 2 дн. позже срока"),
            (I::LateShare, n("12.5"), "13 % of the amount paid late", "13 % суммы оплачено с опозданием"),
            (I::Overdue, n("40"), "40 % of a month's invoicing overdue", "просрочено 40 % месячной отгрузки"),
            (I::Insolvency, Flag(true), "insolvency proceedings are open", "идёт процедура банкротства"),
            (I::Insolvency, Flag(false), "no insolvency proceedings", "процедур банкротства нет"),
            (I::CreditRating, Rating(CreditRating::Bbb), "credit rating BBB", "кредитный рейтинг BBB"),
            (I::CreditUtilisation, n("95"), "95 % of the credit limit used", "использовано 95 % кредитного лимита"),
            (I::OnTimeDelivery, n("87.25"), "87.3 % of deliveries on time", "87,3 % поставок в срок"),
            (I::DefectRate, n("2"), "2.0 % defects", "брак 2,0 %"),
            (I::ReturnRate, n("3.14"), "returns 3.1 % of sales", "возвраты 3,1 % продаж"),
            (I::Complaints, n("4"), "4 complaints", "жалоб: 4"),
            (I::NegativeReviews, n("5"), "5 negative reviews", "негативных отзывов: 5"),
            (I::Violations, n("6"), "6 violations", "нарушений: 6"),
            (I::OpenDisputes, n("7"), "7 open disputes", "открытых споров: 7"),
            (I::ContractBreaches, n("8"), "8 contract breaches", "нарушений договора: 8"),
            (I::CourtCases, n("9"), "9 court cases", "судебных дел: 9"),
            // A value of the wrong kind for its indicator (hand-built) still prints.
            (I::Complaints, Flag(true), "Flag(true)", "Flag(true)"),
        ];
        for &(indicator, value, en, ru) in cases {
            let e = Evidence { indicator, value, level: RiskLevel::Low };
            assert_eq!(e.text(Language::En), en, "{indicator:?} {value:?}");
            assert_eq!(e.text(Language::Ru), ru, "{indicator:?} {value:?}");
        }
    }
    #[test]
    fn categories_levels_and_grades_have_names() {
        let categories: Vec<String> =
            RiskCategory::ALL.iter().map(|c| format!("{c}/{}", c.name(Language::Ru))).collect();
        assert_eq!(
            categories,
            ["financial/финансовый", "reputational/репутационный", "operational/операционный", "legal/юридический"]
        );
        let levels: Vec<String> = [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]
            .iter()
            .map(|l| format!("{l}/{}", l.name(Language::Ru)))
            .collect();
        assert_eq!(levels, ["Low/низкий", "Medium/средний", "High/высокий", "Critical/критический"]);
        let grades = ["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C", "D"];
        let parsed: Vec<String> = grades.iter().map(|g| CreditRating::parse(g).unwrap().to_string()).collect();
        assert_eq!(parsed, grades);
        assert_eq!(CreditRating::parse("SD").unwrap(), CreditRating::D);
        assert!(CreditRating::parse("CCCC").is_err());
    }
    #[test]
    fn fact_bounds_are_inclusive_where_the_docs_say() {
        let with = |set: fn(&mut RiskFacts)| {
            let mut f = RiskFacts::new(p());
            set(&mut f);
            f.check().err().map(|e| e.to_string())
        };
        // Rates from 0 to 100 inclusive.
        assert_eq!(with(|f| f.on_time_delivery = Some(Decimal::ZERO)), None);
        assert_eq!(with(|f| f.return_rate = Some(Decimal::ONE_HUNDRED)), None);
        assert!(with(|f| f.return_rate = Some(Decimal::new(-1, 2))).unwrap().contains("return_rate"));
        assert!(with(|f| f.on_time_delivery = Some(Decimal::new(10_001, 2))).unwrap().contains("on_time_delivery"));
        // A positive limit; credit used from 0, only with a limit.
        assert!(with(|f| f.credit_limit = Some(Decimal::ZERO)).unwrap().contains("credit_limit"));
        let zero_used = |f: &mut RiskFacts| {
            f.credit_limit = Some(Decimal::ONE);
            f.credit_used = Some(Decimal::ZERO);
        };
        assert_eq!(with(zero_used), None);
        let negative_used = |f: &mut RiskFacts| {
            f.credit_limit = Some(Decimal::ONE);
            f.credit_used = Some(Decimal::NEGATIVE_ONE);
        };
        assert!(with(negative_used).unwrap().contains("must not be negative"));
        assert!(with(|f| f.credit_used = Some(Decimal::ONE)).unwrap().contains("needs a credit_limit"));
    }
    #[test]
    fn thresholds_are_reached_at_their_value() {
        let more_is_worse = Thresholds::new(Some(10), Some(20), Some(30));
        let levels: Vec<RiskLevel> =
            [9, 10, 19, 20, 30].iter().map(|v| more_is_worse.level(Decimal::from(*v))).collect();
        assert_eq!(
            levels,
            [RiskLevel::Low, RiskLevel::Medium, RiskLevel::Medium, RiskLevel::High, RiskLevel::Critical]
        );
        let less_is_worse = Thresholds::new(Some(95), Some(90), Some(80));
        let levels: Vec<RiskLevel> =
            [95, 94, 90, 89, 80, 79].iter().map(|v| less_is_worse.level_below(Decimal::from(*v))).collect();
        assert_eq!(
            levels,
            [
                RiskLevel::Low,
                RiskLevel::Medium,
                RiskLevel::Medium,
                RiskLevel::High,
                RiskLevel::High,
                RiskLevel::Critical
            ]
        );
    }

    #[test]
    fn thresholds_must_be_strictly_ordered_and_not_negative() {
        let field = |t: Thresholds, lower_is_worse: bool| t.check("x", lower_is_worse).err().map(|e| e.to_string());
        assert_eq!(field(Thresholds::new(Some(0), Some(1), None), false), None);
        assert!(field(Thresholds::new(Some(10), Some(10), None), false).unwrap().contains("x.high"));
        assert!(field(Thresholds::new(Some(10), None, Some(5)), false).unwrap().contains("x.critical"));
        assert_eq!(field(Thresholds::new(Some(95), Some(90), Some(0)), true), None);
        assert!(field(Thresholds::new(Some(95), Some(95), None), true).unwrap().contains("x.high"));
        assert!(field(Thresholds::new(Some(-1), None, None), false).unwrap().contains("negative"));
        // Ratings must get worse from medium to high to critical.
        let mut p = RiskPolicy::default();
        p.rating_high_from = p.rating_medium_from;
        assert!(p.check().unwrap_err().to_string().contains("rating_high_from"));
        let mut p = RiskPolicy::default();
        p.rating_critical_from = p.rating_high_from;
        assert!(p.check().is_err());
    }

    #[test]
    fn the_worst_category_is_the_first_of_the_most_severe() {
        let mut profile = RiskProfile::default();
        assert_eq!(profile.worst_category(), None);
        profile.operational.level = Some(RiskLevel::Medium);
        profile.financial.level = Some(RiskLevel::Low);
        assert_eq!(profile.worst_category(), Some((RiskCategory::Operational, RiskLevel::Medium)));
        profile.legal.level = Some(RiskLevel::High);
        profile.reputational.level = Some(RiskLevel::High);
        assert_eq!(profile.worst_category(), Some((RiskCategory::Reputational, RiskLevel::High)));
    }

    #[test]
    fn concentration_risk_reads_as_words() {
        let r = ConcentrationRisk {
            level: RiskLevel::High,
            top_partner_percent: Decimal::new(3125, 2),
            hhi: Decimal::new(18_004, 1),
        };
        assert_eq!(
            r.text(Language::En),
            "concentration risk High: the largest partner holds 31.3 % of turnover, HHI 1,800"
        );
        assert_eq!(
            r.text(Language::Ru),
            "риск концентрации высокий: у крупнейшего партнёра 31,3 % оборота, HHI 1\u{202f}800"
        );
    }
    fn crisis(c: CrisisPolicy) -> RiskPolicy {
        RiskPolicy { crisis: c, ..RiskPolicy::default() }
    }

    fn drops(t: &Turnover, policy: &RiskPolicy) -> Vec<(RiskLevel, Decimal)> {
        let r = policy.assess(t, None, as_of()).unwrap();
        r.alerts
            .iter()
            .filter_map(|a| match a.kind {
                AlertKind::TurnoverDrop { fall_percent, .. } => Some((a.severity, fall_percent)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_fall_of_exactly_the_thresholds_is_an_alert_of_that_level() {
        let no_sigma = CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() };
        let mut amounts = [100_000i64; 12];
        amounts[11] = 50_000; // exactly 50 %
        assert_eq!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)), [(RiskLevel::High, Decimal::from(50))]);
        amounts[11] = 50_001;
        assert!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)).is_empty());
        amounts[11] = 20_000; // exactly 80 %
        assert_eq!(drops(&ledger(&amounts, &[0]), &crisis(no_sigma)), [(RiskLevel::Critical, Decimal::from(80))]);
    }

    #[test]
    fn the_baseline_starts_at_the_first_active_month_and_needs_two() {
        let no_sigma = crisis(CrisisPolicy { drop_sigmas: Decimal::ZERO, ..CrisisPolicy::default() });
        // Active from month 10 only: a baseline of 2 months (10, 11), then a fall.
        let mut amounts = [0i64; 12];
        amounts[9] = 100_000;
        amounts[10] = 100_000;
        amounts[11] = 10_000;
        assert_eq!(drops(&ledger(&amounts, &[0]), &no_sigma).len(), 1);
        // Active from month 11: one month of baseline is not enough.
        amounts[9] = 0;
        assert!(drops(&ledger(&amounts, &[0]), &no_sigma).is_empty());
        // A month with a deal but no net turnover starts the history too, and
        // (with regular buying required) its zero turnover means no alert.
        let mut l = Ledger::new(Currency::RUB);
        let month = |m: u32| crate::period::Month::new(2025, m).unwrap();
        let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
        l.add_monthly(MonthlyFigures::new(p(), month(9), rub(0)).with_deals(1)).unwrap();
        for (m, v) in [(10, 100_000), (11, 100_000), (12, 10_000)] {
            l.add_monthly(MonthlyFigures::new(p(), month(m), rub(v)).with_deals(1)).unwrap();
        }
        let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
        assert!(drops(&t, &no_sigma).is_empty());
        let lenient = crisis(CrisisPolicy {
            drop_sigmas: Decimal::ZERO,
            drop_needs_regular_buyer: false,
            ..CrisisPolicy::default()
        });
        // From month 9: (0 + 100 000 + 100 000) / 3 → 10 000 is an 85 % fall.
        assert_eq!(drops(&t, &lenient), [(RiskLevel::Critical, Decimal::from(85))]);
    }

    fn delays(late: &[i64], policy: &RiskPolicy) -> Option<Vec<(crate::period::Month, Decimal)>> {
        let r = policy.assess(&ledger(&[100_000; 12], late), None, as_of()).unwrap();
        r.alerts.iter().find_map(|a| match &a.kind {
            AlertKind::GrowingPaymentDelays { months } => Some(months.clone()),
            _ => None,
        })
    }

    #[test]
    fn delays_must_grow_every_month_up_to_at_least_the_minimum() {
        let policy = RiskPolicy::default();
        // Months 9, 10, 11 paid 1, 4, 7 days late (month 12's invoice is due
        // after the review): exactly 7 days is enough.
        let late = [0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 7, 0];
        let months = delays(&late, &policy).unwrap();
        assert_eq!(months.iter().map(|(_, d)| *d).collect::<Vec<_>>(), [1, 4, 7].map(Decimal::from));
        // 6.99… days: not yet.
        assert_eq!(delays(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 6, 0], &policy), None);
        // Level, not growing.
        assert_eq!(delays(&[0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 8, 0], &policy), None);
        // With exactly as many assessed months (11) as the policy needs.
        let few = crisis(CrisisPolicy { delay_months: 11, ..CrisisPolicy::default() });
        let growing: Vec<i64> = (1..=12).collect();
        assert_eq!(delays(&growing, &few).map(|m| m.len()), Some(11));
        let too_many = crisis(CrisisPolicy { delay_months: 12, ..CrisisPolicy::default() });
        assert_eq!(delays(&growing, &too_many), None);
    }

    #[test]
    fn crisis_settings_accept_their_limits() {
        let ok = |c: CrisisPolicy| crisis(c).check().err().map(|e| e.to_string());
        let d = CrisisPolicy::default();
        assert_eq!(ok(CrisisPolicy { critical_drop_percent: d.drop_percent, ..d }), None);
        assert_eq!(ok(CrisisPolicy { baseline_months: 2, delay_months: 2, ..d }), None);
        assert_eq!(ok(CrisisPolicy { drop_sigmas: Decimal::ZERO, delay_min_days: Decimal::ZERO, ..d }), None);
        assert_eq!(
            ok(CrisisPolicy { drop_percent: Decimal::ONE_HUNDRED, critical_drop_percent: Decimal::ONE_HUNDRED, ..d }),
            None
        );
        for (bad, field) in [
            (CrisisPolicy { critical_drop_percent: Decimal::from(49), ..d }, "crisis.critical_drop_percent"),
            (CrisisPolicy { baseline_months: 1, ..d }, "crisis.baseline_months"),
            (CrisisPolicy { delay_months: 1, ..d }, "crisis.delay_months"),
            (CrisisPolicy { drop_sigmas: Decimal::NEGATIVE_ONE, ..d }, "crisis.drop_sigmas"),
            (CrisisPolicy { delay_min_days: Decimal::new(-1, 2), ..d }, "crisis.delay_min_days"),
            (CrisisPolicy { drop_percent: Decimal::ZERO, ..d }, "crisis.drop_percent"),
        ] {
            assert!(ok(bad).unwrap().contains(field), "{field}");
        }
    }

    #[test]
    fn two_high_categories_escalate_one_does_not() {
        let t = ledger(&[100_000; 12], &[0]);
        let policy = RiskPolicy { overall: OverallRule::Escalating, ..RiskPolicy::default() };
        let mut f = RiskFacts::new(p());
        f.court_cases = Some(1); // legal High
        assert_eq!(policy.assess(&t, Some(&f), as_of()).unwrap().profile.overall, Some(RiskLevel::High));
        f.complaints = Some(1_000); // reputational High or worse as well
        let overall = policy.assess(&t, Some(&f), as_of()).unwrap().profile.overall;
        assert_eq!(overall, Some(RiskLevel::Critical));
    }

    #[test]
    fn payment_standing_at_the_review_date() {
        let as_of = as_of();
        let one = |due: NaiveDate, paid: Option<NaiveDate>| {
            let mut l = Ledger::new(Currency::RUB);
            let mut sale =
                Sale::new(p(), d(2025, 11, 1), Money::new(Decimal::from(100), Currency::RUB)).with_due_date(due);
            if let Some(paid) = paid {
                sale = sale.with_paid_date(paid);
            }
            l.record(sale).unwrap();
            let t = l.turnover(&p(), Window::before(as_of, 12).unwrap()).unwrap();
            RiskPolicy::default().assess(&t, None, as_of).unwrap().profile.payment
        };
        // Due on the review date: not yet assessed.
        assert_eq!(one(as_of, None), None);
        // Due the day before and paid on the review date: counted as unpaid
        // (the review sees the payments made before it), one day late.
        let pay = one(as_of.pred_opt().unwrap(), Some(as_of)).unwrap();
        assert_eq!((pay.average_days_late, pay.late_share), (Decimal::ONE, Decimal::ONE_HUNDRED));
        assert_eq!(pay.overdue, Decimal::ONE_HUNDRED);
        // Paid on the due date: on time, nothing overdue.
        let due = d(2025, 12, 1);
        let pay = one(due, Some(due)).unwrap();
        assert_eq!((pay.average_days_late, pay.late_share, pay.overdue), (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO));
        // Paid a day late before the review date.
        let pay = one(due, due.succ_opt()).unwrap();
        assert_eq!(
            (pay.average_days_late, pay.late_share, pay.overdue),
            (Decimal::ONE, Decimal::ONE_HUNDRED, Decimal::ZERO)
        );
    }

    #[test]
    fn the_late_share_weighs_by_amount() {
        // Two invoices a month apart: 300 paid 10 days late, 100 on time.
        let mut l = Ledger::new(Currency::RUB);
        for (m, amount, late) in [(9, 300, 10), (10, 100, 0)] {
            let due = d(2025, m, 28);
            l.record(
                Sale::new(p(), d(2025, m, 1), Money::new(Decimal::from(amount), Currency::RUB))
                    .with_due_date(due)
                    .with_paid_date(due + chrono::Days::new(late)),
            )
            .unwrap();
        }
        let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
        let pay = RiskPolicy::default().assess(&t, None, as_of()).unwrap().profile.payment.unwrap();
        assert_eq!(pay.late_share, Decimal::from(75));
        assert_eq!(pay.average_days_late, Decimal::new(75, 1));
    }

    #[test]
    fn the_return_rate_comes_from_credit_notes_over_the_invoiced_amount() {
        let mut l = Ledger::new(Currency::RUB);
        let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
        l.record(Sale::new(p(), d(2025, 6, 1), rub(1_000)).with_invoice("I1")).unwrap();
        l.record(Sale::new(p(), d(2025, 7, 1), rub(-100)).with_invoice("C1")).unwrap();
        let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        let e = r.profile.operational.evidence.iter().find(|e| e.indicator == Indicator::ReturnRate).unwrap();
        // 100 returned of 1 000 invoiced: 10 %, not 100 / 900.
        assert_eq!(e.value, EvidenceValue::Number(Decimal::from(10)));
        // Only credit notes, nothing invoiced: no rate.
        let mut l = Ledger::new(Currency::RUB);
        l.record(Sale::new(p(), d(2025, 7, 1), rub(-100))).unwrap();
        let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
        let r = RiskPolicy::default().assess(&t, None, as_of()).unwrap();
        assert!(!r.profile.operational.evidence.iter().any(|e| e.indicator == Indicator::ReturnRate));
    }
    #[test]
    fn the_windows_invoices_are_assessed_and_older_unpaid_ones_count_as_overdue() {
        let mut l = Ledger::new(Currency::RUB);
        let rub = |v: i64| Money::new(Decimal::from(v), Currency::RUB);
        // December, the window's last month: paid 5 days late.
        l.record(
            Sale::new(p(), d(2025, 12, 1), rub(300)).with_due_date(d(2025, 12, 20)).with_paid_date(d(2025, 12, 25)),
        )
        .unwrap();
        // December of the year before, before the window, never paid.
        l.record(Sale::new(p(), d(2024, 12, 1), rub(100)).with_due_date(d(2024, 12, 20))).unwrap();
        let t = l.turnover(&p(), Window::before(as_of(), 12).unwrap()).unwrap();
        let pay = RiskPolicy::default().assess(&t, None, as_of()).unwrap().profile.payment.unwrap();
        assert_eq!(pay.assessed, Decimal::from(300));
        assert_eq!((pay.average_days_late, pay.late_share), (Decimal::from(5), Decimal::ONE_HUNDRED));
        assert_eq!(pay.overdue, Decimal::from(100));
    }
}

//! The serde form of assessments and portfolios.
//!
//! An assessment is written with what it keeps (its figures, classes and
//! the ratios that need the partner's history); what is derived on access
//! (the monthly figure, the distance to the next tier, the own share) is
//! derived again after reading. A portfolio writes what its assessments
//! share once, then the assessments in rank order.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};

use super::assessment::{Assessment, Context, Figures, Rare, split_evidence};
use super::portfolio::{IdIndex, Portfolio};
use crate::error::Error;
use crate::migrations::Migrations;
use crate::money::Currency;
use crate::pareto::{Concentration, LorenzPoint, ParetoPolicy, ParetoRow, Segment};
use crate::partner::{Partner, PartnerId};
use crate::period::{ReviewPeriod, Window};
use crate::potential::{PotentialLevel, Stability};
use crate::risk::{ConcentrationRisk, CrisisAlert, Evidence, PaymentDiscipline, RiskCategory, RiskLevel};
use crate::strategy::Playbook;
use crate::tier::{Tier, TierPolicy, TierRow};
use crate::util::exact::{fraction, from_fraction};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireSegment {
    segment: Segment,
    rank: u32,
    before: Decimal,
    after: Decimal,
    turnover_before: Decimal,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireTier {
    tier: Tier,
    plain: Tier,
    months: u16,
    below_reviews: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WirePotential {
    level: PotentialLevel,
    score: i8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    trend: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year_on_year: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cv_squared: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stability: Option<Stability>,
    history_months: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tenure_months: Option<u32>,
    /// Points of trend, year on year, stability and nearness to the next
    /// tier.
    points: [i8; 4],
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireRisk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    overall: Option<RiskLevel>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    evidence: Vec<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    payment: Option<PaymentDiscipline>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireAssessment {
    partner: PartnerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    record: Option<Partner>,
    rank: u32,
    score: Decimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    urgent: Option<(RiskCategory, RiskLevel)>,
    turnover: Decimal,
    margin: Decimal,
    credit_notes: Decimal,
    deals: u64,
    segment: WireSegment,
    tier: WireTier,
    potential: WirePotential,
    risk: WireRisk,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    alerts: Vec<CrisisAlert>,
}

impl WireAssessment {
    fn of(a: &Assessment) -> WireAssessment {
        let p = a.potential();
        let risk = a.risk();
        let evidence = a.evidence().copied().collect();
        WireAssessment {
            partner: a.id.clone(),
            record: a.partner.as_deref().cloned(),
            rank: a.rank,
            score: a.score(),
            urgent: a.urgent,
            turnover: a.turnover(),
            margin: a.margin(),
            credit_notes: a.credit_notes(),
            deals: a.deals,
            segment: WireSegment {
                segment: a.segment,
                rank: a.segment_rank,
                before: from_fraction(a.shares[0]),
                after: from_fraction(a.shares[1]),
                turnover_before: from_fraction(a.shares[2]),
            },
            tier: WireTier { tier: a.tier, plain: a.plain, months: a.months, below_reviews: a.below_reviews },
            potential: WirePotential {
                level: a.potential,
                score: a.potential_score,
                trend: p.trend,
                year_on_year: p.year_on_year,
                cv_squared: p.cv_squared,
                stability: a.stability,
                history_months: a.history,
                tenure_months: p.tenure_months,
                points: a.points,
            },
            risk: WireRisk { overall: a.overall, evidence, payment: risk.payment },
            alerts: a.alerts().to_vec(),
        }
    }

    fn into_assessment(self, context: &Arc<Context>) -> Result<Assessment, Error> {
        let mut present = 0u8;
        let mut keep = |bit: u8, value: Option<Decimal>| match value {
            Some(v) => {
                present |= bit;
                v
            }
            None => Decimal::ZERO,
        };
        let p = self.potential;
        let trend = keep(super::assessment::TREND, p.trend);
        let year_on_year = keep(super::assessment::YEAR_ON_YEAR, p.year_on_year);
        let cv_squared = keep(super::assessment::CV_SQUARED, p.cv_squared);
        if p.tenure_months.is_some() {
            present |= super::assessment::TENURE;
        }
        if let Some(record) = &self.record {
            if record.id != self.partner {
                return Err(Error::value(
                    "record.id",
                    record.id.as_str(),
                    format!("the record of another partner than `{}`", self.partner),
                ));
            }
        }
        let score = u32::try_from(crate::util::exact::mantissa_at(self.score, 4))
            .map_err(|_| Error::value("score", &self.score.to_string(), "not within 0 … 100"))?;
        let (first_evidence, more_evidence) = split_evidence(self.risk.evidence);
        let (figures, wide) = Figures::pack([self.turnover, self.margin, self.credit_notes]);
        Ok(Assessment {
            id: self.partner,
            partner: self.record.map(Arc::new),
            context: Arc::clone(context),
            figures,
            trend,
            year_on_year,
            cv_squared,
            first_evidence,
            rare: Rare::of(more_evidence, self.alerts, self.risk.payment, wide),
            deals: self.deals,
            shares: [
                fraction(self.segment.before),
                fraction(self.segment.after),
                fraction(self.segment.turnover_before),
            ],
            score,
            rank: self.rank,
            segment_rank: self.segment.rank,
            below_reviews: self.tier.below_reviews,
            tenure: p.tenure_months.unwrap_or(0),
            months: self.tier.months,
            history: p.history_months,
            segment: self.segment.segment,
            tier: self.tier.tier,
            plain: self.tier.plain,
            potential: p.level,
            potential_score: p.score,
            points: p.points,
            stability: p.stability,
            overall: self.risk.overall,
            urgent: self.urgent,
            present,
        })
    }
}

impl Serialize for Assessment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireAssessment::of(self).serialize(serializer)
    }
}

/// The assessments of a portfolio, written in rank order one at a time.
struct InRankOrder<'a>(&'a Portfolio);

impl Serialize for InRankOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for a in self.0.assessments() {
            seq.serialize_element(&WireAssessment::of(a))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct PortfolioOut<'a> {
    as_of: NaiveDate,
    window: Window,
    review_period: ReviewPeriod,
    currency: Currency,
    scale: u32,
    pareto_policy: &'a ParetoPolicy,
    tier_policy: &'a TierPolicy,
    min_history_months: u32,
    base: Decimal,
    total: Decimal,
    pareto: &'a [ParetoRow],
    concentration: &'a Option<Concentration>,
    lorenz: &'a [LorenzPoint],
    concentration_risk: &'a Option<ConcentrationRisk>,
    tiers: &'a [TierRow],
    migrations: &'a Option<Migrations>,
    playbook: &'a Playbook,
    assessments: InRankOrder<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PortfolioIn {
    as_of: NaiveDate,
    window: Window,
    review_period: ReviewPeriod,
    currency: Currency,
    scale: u32,
    pareto_policy: ParetoPolicy,
    tier_policy: TierPolicy,
    min_history_months: u32,
    base: Decimal,
    total: Decimal,
    pareto: Vec<ParetoRow>,
    concentration: Option<Concentration>,
    lorenz: Vec<LorenzPoint>,
    concentration_risk: Option<ConcentrationRisk>,
    tiers: Vec<TierRow>,
    migrations: Option<Migrations>,
    playbook: Playbook,
    assessments: Vec<WireAssessment>,
}

impl Serialize for Portfolio {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let c = &self.context;
        PortfolioOut {
            as_of: self.as_of,
            window: self.window,
            review_period: self.review_period,
            currency: c.currency,
            scale: c.scale,
            pareto_policy: &self.pareto_policy,
            tier_policy: &c.tiers,
            min_history_months: c.min_history_months,
            base: self.base(),
            total: self.total,
            pareto: &self.pareto,
            concentration: &self.concentration,
            lorenz: &self.lorenz,
            concentration_risk: &self.concentration_risk,
            tiers: &self.tiers,
            migrations: &self.migrations,
            playbook: &self.playbook,
            assessments: InRankOrder(self),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Portfolio {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Portfolio, D::Error> {
        let raw = PortfolioIn::deserialize(deserializer)?;
        raw.into_portfolio().map_err(serde::de::Error::custom)
    }
}

impl PortfolioIn {
    fn into_portfolio(self) -> Result<Portfolio, Error> {
        if self.scale > crate::ledger::Ledger::MAX_SCALE {
            return Err(Error::value("scale", &self.scale.to_string(), "at most 8 decimal places"));
        }
        if self.tier_policy.currency() != self.currency {
            return Err(Error::currency_mismatch(self.currency, self.tier_policy.currency()));
        }
        let base = crate::util::exact::mantissa_at(self.base, self.scale);
        let context = Arc::new(Context {
            currency: self.currency,
            scale: self.scale,
            base,
            tiers: self.tier_policy,
            min_history_months: self.min_history_months,
        });
        let n = self.assessments.len();
        let mut assessments = Vec::with_capacity(n);
        for (i, w) in self.assessments.into_iter().enumerate() {
            let expected = u32::try_from(i + 1).map_err(|_| Error::overflow("the number of partners"))?;
            if w.rank != expected {
                return Err(Error::value(
                    "rank",
                    &w.rank.to_string(),
                    format!("assessment {expected} of the list has another rank: ranks run 1 … n in order"),
                )
                .for_partner(&w.partner));
            }
            let partner = w.partner.clone();
            assessments.push(w.into_assessment(&context).map_err(|e| e.for_partner(&partner))?);
        }
        let order = (0..n).map(|i| u32::try_from(i).unwrap_or(u32::MAX)).collect();
        let portfolio = Portfolio {
            as_of: self.as_of,
            window: self.window,
            review_period: self.review_period,
            pareto_policy: self.pareto_policy,
            context,
            total: self.total,
            pareto: self.pareto,
            concentration: self.concentration,
            lorenz: self.lorenz,
            concentration_risk: self.concentration_risk,
            tiers: self.tiers,
            migrations: self.migrations,
            playbook: self.playbook,
            assessments,
            order,
            by_id: IdIndex::default(),
            network_months: None,
        };
        // Each partner once.
        let mut seen = std::collections::HashSet::with_capacity(n);
        for a in &portfolio.assessments {
            if !seen.insert(a.id.as_str()) {
                return Err(Error::duplicate_partner(&a.id, None));
            }
        }
        Ok(portfolio)
    }
}

//! Guarantees of the public types as a whole.

#![allow(clippy::unwrap_used)]

use partner_priority::*;

fn is_send_sync_debug<T: Send + Sync + std::fmt::Debug>() {}

#[test]
fn every_public_type_is_send_sync_and_debug() {
    macro_rules! all {
        ($($t:ty),* $(,)?) => { $( is_send_sync_debug::<$t>(); )* };
    }
    all!(
        // The root re-exports.
        Error,
        ErrorKind,
        Language,
        Ledger,
        Sale,
        Currency,
        Money,
        Segment,
        Partner,
        PartnerId,
        Policy,
        Review<'static>,
        Portfolio,
        Tier,
        // error
        error::Error,
        error::ErrorKind,
        error::Location,
        // period
        period::Month,
        period::ReviewPeriod,
        period::Window,
        // ledger
        ledger::Ledger,
        ledger::MonthlyFigures,
        ledger::DateRange,
        ledger::Payment,
        ledger::Receivable,
        ledger::Recorded,
        ledger::Sale,
        ledger::Turnover,
        // pareto
        pareto::Boundary,
        pareto::Concentration,
        pareto::ExpectedProfile,
        pareto::LorenzPoint,
        pareto::ParetoBasis,
        pareto::ParetoPolicy,
        pareto::ParetoRow,
        pareto::Segment,
        pareto::SegmentEvidence,
        pareto::Segmentation,
        // tier
        tier::Averaging,
        tier::DemotionSteps,
        tier::Floor,
        tier::Progress,
        tier::Tier,
        tier::TierAssignment,
        tier::TierPolicy,
        tier::TierPolicyBuilder,
        tier::TierRow,
        tier::TierState,
        // potential
        potential::Potential,
        potential::PotentialInput<'static>,
        potential::PotentialLevel,
        potential::PotentialPolicy,
        potential::Signal,
        potential::Stability,
        potential::TierGap,
        // risk
        risk::AlertKind,
        risk::CategoryRisk,
        risk::ConcentrationPolicy,
        risk::ConcentrationRisk,
        risk::CreditRating,
        risk::CrisisAlert,
        risk::CrisisPolicy,
        risk::Evidence,
        risk::EvidenceValue,
        risk::Indicator,
        risk::OverallRule,
        risk::PaymentDiscipline,
        risk::RiskCategory,
        risk::RiskFacts,
        risk::RiskLevel,
        risk::RiskPolicy,
        risk::RiskProfile,
        risk::Thresholds,
        // strategy
        strategy::CrisisPlans,
        strategy::Mitigation,
        strategy::Mitigations,
        strategy::Playbook,
        strategy::RiskPlays,
        strategy::SegmentPlay,
        strategy::SegmentPlays,
        strategy::Strategy,
        strategy::TierPlay,
        strategy::TierPlays,
        // review
        review::Assessment,
        review::Assessments<'static>,
        review::GroupView,
        review::Migrations,
        review::Move<Segment>,
        review::Move<Tier>,
        review::Moves<Segment>,
        review::Moves<Tier>,
        review::Placement,
        review::PlaybookChoice,
        review::Policy,
        review::Portfolio,
        review::PriorityPolicy,
        review::Reason,
        review::Review<'static>,
        review::SegmentPoints,
        review::UrgentRule,
        review::Weights,
        // lang
        lang::English,
        lang::Label,
        lang::Language,
        lang::Message,
        lang::Russian,
        // report
        report::ReportOptions,
    );
    #[cfg(feature = "csv")]
    is_send_sync_debug::<import::CsvImport>();
}

#[test]
fn an_assessment_takes_at_most_256_bytes() {
    // The owner's target: a review of a million partners keeps a million
    // assessments.
    let size = std::mem::size_of::<review::Assessment>();
    assert!(size <= 256, "an Assessment takes {size} bytes");
}

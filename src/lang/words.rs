//! The words of the report: fixed labels, and sentences with figures.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Currency;
use crate::pareto::{ParetoBasis, Segment};
use crate::period::{ReviewPeriod, Window};
use crate::review::Span;
use crate::risk::RiskLevel;

/// A fixed word or label of the [report](crate::report): a heading, a
/// column name, an axis title, a legend entry, a note. A
/// [`Catalogue`](super::Catalogue) words it with
/// [`label`](super::Catalogue::label).
///
/// Each variant's documentation gives its English wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Label {
    // The page's frame.
    /// The page title when the options give none: "Partner network review".
    ReportTitle,
    /// The note in the page footer: "Amounts are exact and rounded only for
    /// display. Shares of turnover are shares of the Pareto base, the sum of
    /// positive turnovers."
    FooterNote,

    // The headline figures.
    /// The headline count of partners: "Partners".
    PartnersKpi,
    /// The headline net turnover: "Network turnover".
    NetworkTurnover,
    /// The Gini coefficient, in the headline and the concentration table:
    /// "Gini coefficient".
    Gini,
    /// The note under the headline Gini coefficient: "0: all equal, 1: one
    /// partner has it all".
    GiniNote,
    /// The headline share of the top 20 % of partners: "Top 20 % of
    /// partners".
    Top20Kpi,
    /// The note under it: "of the turnover".
    Top20Note,
    /// The concentration risk, in the headline and the concentration table:
    /// "Concentration risk".
    ConcentrationRisk,
    /// The headline count of crisis alerts, and the heading of their
    /// section: "Crisis alerts".
    CrisisAlerts,

    // The segments.
    /// The heading of the segment section: "ABC(D) segments and
    /// concentration".
    SegmentsHeading,
    /// The column of segments: "Segment".
    Segment,
    /// The column of partner counts, and the heading of the partner bars of
    /// the tier chart: "Partners".
    Partners,
    /// The column of turnovers: "Turnover".
    Turnover,
    /// The column of the article's expected profile: "Article: partners /
    /// turnover".
    ArticleProfile,
    /// The concentration table's share of the top 20 %: "Top 20 % of
    /// partners hold".
    Top20Hold,
    /// The concentration table's share of the largest partner: "The largest
    /// partner holds".
    LargestPartnerHolds,
    /// The concentration table's Herfindahl-Hirschman index: "HHI (0 … 10
    /// 000)".
    Hhi,

    // The tiers.
    /// The heading of the tier section: "Volume tiers".
    TiersHeading,
    /// The lead of the tier section: "Tiers by the average monthly turnover
    /// over the window: partners and turnover per tier."
    TiersLead,
    /// The column of tiers: "Tier".
    Tier,

    // The migrations.
    /// The heading of the migration section: "Migrations since the previous
    /// review".
    MigrationsHeading,
    /// The migration section without a previous review: "There is no
    /// previous review to compare with: the migrations appear from the next
    /// review on."
    NoPreviousReview,
    /// The list of partners that moved down a tier: "Moved down a tier".
    MovedDownTier,
    /// The list of partners that moved up a tier: "Moved up a tier".
    MovedUpTier,

    // The top partners.
    /// The lead of the top partners: "Partners in a crisis come first, then
    /// by the priority score (value, potential, resilience). The goal comes
    /// from the partner's tier; the reasons say why the partner is where it
    /// is."
    TopLead,
    /// The column of partners: "Partner".
    Partner,
    /// The short column of segments: "Seg.".
    SegmentShort,
    /// The column of priority scores: "Score".
    Score,
    /// The column of monthly turnovers: "Per month".
    PerMonth,
    /// The column of potential levels: "Potential".
    Potential,
    /// The column of risk levels: "Risk".
    Risk,
    /// The column of goals and reasons: "Goal and reasons".
    GoalAndReasons,
    /// The mark of a partner in a crisis: "URGENT".
    Urgent,
    /// The risk level of a partner without risk data: "unknown".
    RiskUnknown,

    // The crisis alerts.
    /// The alert section without alerts: "No crisis alerts.".
    NoCrisisAlerts,
    /// The column of alert severities: "Severity".
    Severity,
    /// The column of what raised an alert: "What happened".
    WhatHappened,
    /// The column of action plans: "Action plan".
    ActionPlan,

    // The charts.
    /// The title of the Pareto chart: "Pareto curve: ABC(D) segments by
    /// turnover".
    ParetoTitle,
    /// The x axis of the Pareto chart: "share of partners, sorted by
    /// turnover, largest first".
    ParetoAxis,
    /// The y axis of the Pareto and Lorenz charts: "cumulative share of
    /// turnover".
    CumulativeTurnover,
    /// Before a cut-off of turnover on the Pareto chart ("A up to 80 %"):
    /// "up to".
    UpTo,
    /// The title of the Lorenz chart: "Lorenz curve and Gini coefficient".
    LorenzTitle,
    /// The x axis of the Lorenz chart: "share of partners, smallest first".
    LorenzAxis,
    /// Before the Gini coefficient on the Lorenz chart: "Gini".
    GiniShort,
    /// The key of the line of equality: "equal turnover for all".
    EqualTurnover,
    /// The key of the Lorenz curve: "Lorenz curve".
    LorenzCurve,
    /// A curve without data: "no positive turnover in the window".
    NoPositiveTurnover,
    /// The title of the tier chart: "Partners and turnover by tier".
    TiersTitle,
    /// The heading of the turnover bars of the tier chart: "Turnover over
    /// the window".
    TurnoverOverWindow,
    /// The title of the tier migration matrix: "Tier migrations since the
    /// previous review".
    TierMigrationsTitle,
    /// The title of the segment migration matrix: "Segment migrations since
    /// the previous review".
    SegmentMigrationsTitle,
    /// Over the columns of a migration matrix: "now →".
    Now,
    /// Over the rows of a migration matrix: "before ↓".
    Before,
    /// The key of the moves up in a migration matrix: "moved up".
    MovedUp,
    /// The key of the moves down: "moved down".
    MovedDown,
    /// The key of the partners that stayed: "stayed".
    Stayed,

    // The network month by month.
    /// The heading of the dynamics section: "Turnover month by month".
    DynamicsHeading,
    /// The lead of the dynamics section: "The network's net turnover in
    /// each month of the window, by segment and by tier of this review:
    /// each partner counts in its segment and tier of today for every
    /// month."
    DynamicsLead,
    /// The title of the stacked chart by segment: "Network turnover by
    /// segment, per month".
    SegmentMonthsTitle,
    /// The title of the line chart by tier: "Network turnover by tier, per
    /// month".
    TierMonthsTitle,
    /// The column of sparklines in the top table: "Last 12 months".
    LastTwelveMonths,
}

impl Label {
    /// Every label, in the order of the declaration (roughly that of the
    /// page).
    pub const ALL: [Label; 63] = [
        Label::ReportTitle,
        Label::FooterNote,
        Label::PartnersKpi,
        Label::NetworkTurnover,
        Label::Gini,
        Label::GiniNote,
        Label::Top20Kpi,
        Label::Top20Note,
        Label::ConcentrationRisk,
        Label::CrisisAlerts,
        Label::SegmentsHeading,
        Label::Segment,
        Label::Partners,
        Label::Turnover,
        Label::ArticleProfile,
        Label::Top20Hold,
        Label::LargestPartnerHolds,
        Label::Hhi,
        Label::TiersHeading,
        Label::TiersLead,
        Label::Tier,
        Label::MigrationsHeading,
        Label::NoPreviousReview,
        Label::MovedDownTier,
        Label::MovedUpTier,
        Label::TopLead,
        Label::Partner,
        Label::SegmentShort,
        Label::Score,
        Label::PerMonth,
        Label::Potential,
        Label::Risk,
        Label::GoalAndReasons,
        Label::Urgent,
        Label::RiskUnknown,
        Label::NoCrisisAlerts,
        Label::Severity,
        Label::WhatHappened,
        Label::ActionPlan,
        Label::ParetoTitle,
        Label::ParetoAxis,
        Label::CumulativeTurnover,
        Label::UpTo,
        Label::LorenzTitle,
        Label::LorenzAxis,
        Label::GiniShort,
        Label::EqualTurnover,
        Label::LorenzCurve,
        Label::NoPositiveTurnover,
        Label::TiersTitle,
        Label::TurnoverOverWindow,
        Label::TierMigrationsTitle,
        Label::SegmentMigrationsTitle,
        Label::Now,
        Label::Before,
        Label::MovedUp,
        Label::MovedDown,
        Label::Stayed,
        Label::DynamicsHeading,
        Label::DynamicsLead,
        Label::SegmentMonthsTitle,
        Label::TierMonthsTitle,
        Label::LastTwelveMonths,
    ];
}

/// A sentence or a value of the [report](crate::report) that holds figures:
/// a lead with the policy's cut-offs, a summary with counts, a date, a
/// compact amount. A [`Catalogue`](super::Catalogue) words it with
/// [`message`](super::Catalogue::message), writing the figures as its
/// [`language`](super::Catalogue::language) does.
///
/// Each variant's documentation gives its English wording.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message {
    /// A date: "2026-01-01".
    Date(NaiveDate),
    /// An amount rounded to a tenth of its unit, for chart labels: "82.3 M
    /// RUB" ("k", "M", "bn", "T"; below a thousand, a whole amount: "950
    /// RUB").
    CompactAmount {
        /// The amount.
        amount: Decimal,
        /// Its currency.
        currency: Currency,
    },
    /// The line under the page title: "Review as of 2026-01-01 · window
    /// 2025-01 … 2025-12 (12 months) · amounts in RUB".
    ReviewLine {
        /// The review date.
        as_of: NaiveDate,
        /// The review window.
        window: Window,
        /// The currency of the amounts.
        currency: Currency,
    },
    /// The note under the headline count of partners: "with turnover in the
    /// window: 9".
    PartnersWithTurnover {
        /// The partners with positive turnover in the window.
        partners: u64,
    },
    /// The note under the headline turnover: "net over the window, 2025-01
    /// … 2025-12".
    NetOverWindow {
        /// The review window.
        window: Window,
    },
    /// The note under the headline concentration risk: "largest partner
    /// 23.4 %, HHI 1,234".
    LargestPartner {
        /// The largest partner's share of turnover, in percent (23.4).
        percent: Decimal,
        /// The Herfindahl-Hirschman index (0 … 10 000).
        hhi: Decimal,
    },
    /// The note under the headline count of alerts: "2 critical · 16 high".
    AlertCounts {
        /// The critical alerts.
        critical: u64,
        /// The other alerts.
        high: u64,
    },
    /// The lead of the segment section, which explains the Pareto curve and
    /// the policy's cut-offs: "Partners sorted by turnover, largest first:
    /// … A is the largest partners that together bring 80 % of turnover, B
    /// up to 95 %, …".
    ParetoLead {
        /// What the cut-offs are shares of.
        basis: ParetoBasis,
        /// The cut-offs of A, B and C, in percent (80, 95, 99).
        cutoffs: [Decimal; 3],
    },
    /// A line of the Pareto chart's legend: "A key — 2 (20.0 % of
    /// partners), 80.0 % of turnover".
    ParetoLegend {
        /// The segment.
        segment: Segment,
        /// Its partners.
        partners: u64,
        /// Its share of the partners (0.2 = 20 %).
        partner_share: Decimal,
        /// Its share of turnover (0.8 = 80 %).
        turnover_share: Decimal,
    },
    /// The lead of the migration section: "3 partners in both reviews, 0
    /// new, 0 gone. Tiers: 1 up, 0 down, 2 unchanged. Segments: 0 up, 0
    /// down, 3 unchanged. Rows are the previous review, columns this one."
    MigrationSummary {
        /// The partners in both reviews.
        continuing: u64,
        /// The partners new in this review.
        new: u64,
        /// The partners of the previous review that are gone.
        gone: u64,
        /// The partners that moved up a tier.
        tiers_up: u64,
        /// The partners that moved down a tier.
        tiers_down: u64,
        /// The partners that kept their tier.
        tiers_unchanged: u64,
        /// The partners that moved up a segment.
        segments_up: u64,
        /// The partners that moved down a segment.
        segments_down: u64,
        /// The partners that kept their segment.
        segments_unchanged: u64,
    },
    /// The last line of a list of moves that is cut short: "and more: 2".
    MoreMoves {
        /// The moves not listed.
        more: u64,
    },
    /// The heading of the top partners: "Top partners by priority: 20".
    TopPartners {
        /// The partners listed.
        listed: u64,
    },
    /// The lead of the alert section: "18 alerts (2 critical, 16 high), most
    /// severe first, each with its action plan."
    AlertSummary {
        /// Every alert.
        alerts: u64,
        /// The alerts of each severity, in the order to name them (most
        /// severe first).
        by_severity: Vec<(RiskLevel, u64)>,
    },
    /// After the alert summary when not every alert is listed: "The first 3
    /// are listed; 15 more are not."
    AlertsNotListed {
        /// The alerts listed.
        listed: u64,
        /// The alerts not listed.
        more: u64,
    },
    /// When the previous review was, in the migration section: "The
    /// previous review was on 2025-04-01, 3 months before this one.", and
    /// when the span is longer than the review period, that the moves add
    /// up over more than one period.
    ReviewSpan {
        /// The dates of the two reviews.
        span: Span,
        /// The policy's review period.
        period: ReviewPeriod,
    },
}

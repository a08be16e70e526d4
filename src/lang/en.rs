//! The English catalogue.

use rust_decimal::Decimal;

use super::{Catalogue, Label, Message, compact, count, cutoff, sign};
use crate::language::Language;
use crate::pareto::{ParetoBasis, Segment};
use crate::period::ReviewPeriod;
use crate::potential::{PotentialLevel, Signal};
use crate::review::Reason;
use crate::review::forecast::Projection;
use crate::risk::{
    AlertKind, ConcentrationRisk, CrisisAlert, Evidence, EvidenceValue, Indicator, RiskCategory, RiskLevel,
};
use crate::tier::Tier;

/// The English words of the article's concepts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct English;

const EN: Language = Language::En;

/// "critical", "high": the alerts of a severity, after their count.
fn alerts_of(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Critical => "critical",
        RiskLevel::High => "high",
        RiskLevel::Medium => "medium",
        RiskLevel::Low => "low",
    }
}

/// "1 day", "12 days".
fn days(days: &str) -> String {
    format!("{days} {}", if days == "1" { "day" } else { "days" })
}

impl Catalogue for English {
    fn base(&self) -> &dyn Catalogue {
        self
    }

    fn language(&self) -> Language {
        EN
    }

    fn tier(&self, tier: Tier) -> &str {
        match tier {
            Tier::Gold => "Gold",
            Tier::Silver => "Silver",
            Tier::Bronze => "Bronze",
            Tier::Beginner => "Beginner",
        }
    }

    fn segment(&self, segment: Segment) -> &str {
        match segment {
            Segment::A => "key",
            Segment::B => "important",
            Segment::C => "promising",
            Segment::D => "passive",
        }
    }

    fn risk_level(&self, level: RiskLevel) -> &str {
        match level {
            RiskLevel::Low => "Low",
            RiskLevel::Medium => "Medium",
            RiskLevel::High => "High",
            RiskLevel::Critical => "Critical",
        }
    }

    fn risk_category(&self, category: RiskCategory) -> &str {
        match category {
            RiskCategory::Financial => "financial",
            RiskCategory::Reputational => "reputational",
            RiskCategory::Operational => "operational",
            RiskCategory::Legal => "legal",
        }
    }

    fn potential_level(&self, level: PotentialLevel) -> &str {
        match level {
            PotentialLevel::New => "new",
            PotentialLevel::Low => "low",
            PotentialLevel::Medium => "medium",
            PotentialLevel::High => "high",
        }
    }

    fn projection(&self, p: &Projection) -> String {
        let money = |d: Decimal| format!("{} {}", EN.format_amount(d, 0), EN.currency_sign(&p.currency));
        let season = match p.swing {
            Some(swing) => format!(
                "a year ago the months ahead ran {} {} them; counted ({}): {}{}",
                EN.format_percent(swing.abs(), 1),
                if swing.is_sign_negative() && !swing.is_zero() { "below" } else { "above" },
                if p.swing_capped() { "capped, halved" } else { "halved" },
                sign(p.seasonal_adjustment()),
                EN.format_percent(p.seasonal_adjustment().abs(), 1),
            ),
            None => "no year of history to show a season, so the level is repeated".to_owned(),
        };
        let tiers = if p.projected_tier == p.tier {
            format!("stays {}", self.tier(p.tier))
        } else {
            format!("{} → {}", self.tier(p.tier), self.tier(p.projected_tier))
        };
        format!(
            "last {} months {} a month; {season}; projected {} a month for {}; the next review's figure {}/month: {tiers}",
            p.level_months.len(),
            money(p.level),
            money(p.monthly),
            p.period,
            money(p.next_monthly()),
        )
    }

    fn reason(&self, reason: &Reason) -> String {
        let amount = |d: Decimal| EN.format_amount(d, 0);
        let pct = |d: Decimal| EN.format_amount(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d), 0);
        match reason {
            Reason::Urgent { category, severity } => {
                format!("first in line: a {} crisis ({})", self.risk_category(*category), self.risk_level(*severity))
            }
            Reason::Segment { segment, rank: 1, share, .. } => {
                format!("{segment}: the largest partner, {} % of turnover", pct(*share))
            }
            Reason::Segment { segment, before, .. } => {
                format!("{segment}: the partners above it hold {} % of turnover", pct(*before))
            }
            Reason::Tier { tier, monthly, currency, headroom, to_next, held, drops_at_next_review } => {
                let head = format!(
                    "{}{}: {} {}/month",
                    self.tier(*tier),
                    if *held { " (held for now)" } else { "" },
                    amount(*monthly),
                    EN.currency_sign(currency)
                );
                let tail = match (headroom, to_next) {
                    (Some(h), _) if h.is_sign_negative() && !h.is_zero() => {
                        let drop = if *drops_at_next_review { ", drops at the next review" } else { "" };
                        format!(", {} below the floor{drop}", amount(h.abs()))
                    }
                    (Some(h), _) => format!(", {} above the floor", amount(*h)),
                    (None, Some(n)) => format!(", {} short of the next tier", amount(*n)),
                    (None, None) => String::new(),
                };
                head + &tail
            }
            Reason::Potential { level, signal } => {
                let detail = signal.map(|s| format!(": {}", self.signal(&s))).unwrap_or_default();
                format!("potential {}{detail}", self.potential_level(*level))
            }
            Reason::Risk { category, level, evidence } => {
                let detail = evidence.map(|e| format!(": {}", self.evidence(&e))).unwrap_or_default();
                format!("{} risk {}{detail}", self.risk_category(*category), self.risk_level(*level))
            }
            Reason::RiskUnknown => "risk unknown: no payment data or facts".to_owned(),
        }
    }

    fn signal(&self, signal: &Signal) -> String {
        let pct = |d: Decimal| EN.format_amount(d, 1);
        match *signal {
            Signal::ShortHistory { months, needed } => {
                format!("new partner: {months} months of history, {needed} needed for a judgement")
            }
            Signal::NoPositiveTurnover => "no positive turnover".to_owned(),
            Signal::Trend { percent_per_month, .. } => {
                format!("trend {}{} % a month", sign(percent_per_month), pct(percent_per_month.abs()))
            }
            Signal::YearOnYear { percent, .. } => format!("{}{} % year on year", sign(percent), pct(percent.abs())),
            Signal::Stability { class, cv_percent, .. } => {
                format!("stability {class}: variation {} %", pct(cv_percent))
            }
            Signal::NearNextTier { gap, .. } => {
                format!("{} a month short of the next tier", EN.format_amount(gap, 0))
            }
        }
    }

    fn evidence(&self, evidence: &Evidence) -> String {
        let num = |d: Decimal, dp: u32| EN.format_amount(d, dp);
        match (evidence.indicator, evidence.value) {
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) if d < Decimal::new(5, 1) => {
                "pays on time".to_owned()
            }
            (Indicator::AverageDaysLate, EvidenceValue::Number(d)) => {
                format!("pays {} late on average", days(&num(d, 0)))
            }
            (Indicator::LateShare, EvidenceValue::Number(d)) => format!("{} % of the amount paid late", num(d, 0)),
            (Indicator::Overdue, EvidenceValue::Number(d)) => format!("{} % of a month's invoicing overdue", num(d, 0)),
            (Indicator::Insolvency, EvidenceValue::Flag(true)) => "insolvency proceedings are open".to_owned(),
            (Indicator::Insolvency, _) => "no insolvency proceedings".to_owned(),
            (Indicator::CreditRating, EvidenceValue::Rating(r)) => format!("credit rating {r}"),
            (Indicator::CreditUtilisation, EvidenceValue::Number(d)) => {
                format!("{} % of the credit limit used", num(d, 0))
            }
            (Indicator::OnTimeDelivery, EvidenceValue::Number(d)) => format!("{} % of deliveries on time", num(d, 1)),
            (Indicator::DefectRate, EvidenceValue::Number(d)) => format!("{} % defects", num(d, 1)),
            (Indicator::ReturnRate, EvidenceValue::Number(d)) => format!("returns {} % of sales", num(d, 1)),
            (Indicator::Complaints, EvidenceValue::Number(d)) => format!("{} complaints", num(d, 0)),
            (Indicator::NegativeReviews, EvidenceValue::Number(d)) => format!("{} negative reviews", num(d, 0)),
            (Indicator::Violations, EvidenceValue::Number(d)) => format!("{} violations", num(d, 0)),
            (Indicator::OpenDisputes, EvidenceValue::Number(d)) => format!("{} open disputes", num(d, 0)),
            (Indicator::ContractBreaches, EvidenceValue::Number(d)) => format!("{} contract breaches", num(d, 0)),
            (Indicator::CourtCases, EvidenceValue::Number(d)) => format!("{} court cases", num(d, 0)),
            (_, value) => format!("{value:?}"),
        }
    }

    fn alert(&self, alert: &CrisisAlert) -> String {
        match &alert.kind {
            AlertKind::TurnoverDrop { month, turnover, baseline, fall_percent } => {
                let (t, b, f) = (
                    EN.format_amount(*turnover, 0),
                    EN.format_amount(*baseline, 0),
                    EN.format_amount(*fall_percent, 0),
                );
                format!("turnover in {month} fell {f} %: {t} against an average of {b}")
            }
            AlertKind::GrowingPaymentDelays { months } => {
                let days: Vec<String> = months.iter().map(|(_, d)| EN.format_amount(*d, 0)).collect();
                format!("payment delays are growing: {} days", days.join(" → "))
            }
            AlertKind::CriticalRisk { evidence } => {
                format!("{} risk is Critical: {}", self.risk_category(alert.category), self.evidence(evidence))
            }
        }
    }

    fn concentration_risk(&self, risk: &ConcentrationRisk) -> String {
        let (share, hhi) = (EN.format_amount(risk.top_partner_percent, 1), EN.format_amount(risk.hhi, 0));
        format!(
            "concentration risk {}: the largest partner holds {share} % of turnover, HHI {hhi}",
            self.risk_level(risk.level)
        )
    }

    fn label(&self, label: Label) -> &str {
        match label {
            Label::ReportTitle => "Partner network review",
            Label::FooterNote => {
                "Amounts are exact and rounded only for display. Shares of turnover are shares of the Pareto base, \
                 the sum of positive turnovers."
            }
            Label::PartnersKpi => "Partners",
            Label::NetworkTurnover => "Network turnover",
            Label::Gini => "Gini coefficient",
            Label::GiniNote => "0: all equal, 1: one partner has it all",
            Label::Top20Kpi => "Top 20 % of partners",
            Label::Top20Note => "of the turnover",
            Label::ConcentrationRisk => "Concentration risk",
            Label::CrisisAlerts => "Crisis alerts",
            Label::SegmentsHeading => "ABC(D) segments and concentration",
            Label::Segment => "Segment",
            Label::Partners => "Partners",
            Label::Turnover => "Turnover",
            Label::ArticleProfile => "Article: partners / turnover",
            Label::Top20Hold => "Top 20 % of partners hold",
            Label::LargestPartnerHolds => "The largest partner holds",
            Label::Hhi => "HHI (0 … 10 000)",
            Label::TiersHeading => "Volume tiers",
            Label::TiersLead => {
                "Tiers by the average monthly turnover over the window: partners and turnover per tier."
            }
            Label::Tier => "Tier",
            Label::MigrationsHeading => "Migrations since the previous review",
            Label::NoPreviousReview => {
                "There is no previous review to compare with: the migrations appear from the next review on."
            }
            Label::MovedDownTier => "Moved down a tier",
            Label::MovedUpTier => "Moved up a tier",
            Label::TopLead => {
                "Partners in a crisis come first, then by the priority score (value, potential, resilience). The goal \
                 comes from the partner's tier; the reasons say why the partner is where it is."
            }
            Label::Partner => "Partner",
            Label::SegmentShort => "Seg.",
            Label::Score => "Score",
            Label::PerMonth => "Per month",
            Label::Potential => "Potential",
            Label::Risk => "Risk",
            Label::GoalAndReasons => "Goal and reasons",
            Label::Urgent => "URGENT",
            Label::RiskUnknown => "unknown",
            Label::NoCrisisAlerts => "No crisis alerts.",
            Label::Severity => "Severity",
            Label::WhatHappened => "What happened",
            Label::ActionPlan => "Action plan",
            Label::ParetoTitle => "Pareto curve: ABC(D) segments by turnover",
            Label::ParetoAxis => "share of partners, sorted by turnover, largest first",
            Label::CumulativeTurnover => "cumulative share of turnover",
            Label::UpTo => "up to",
            Label::LorenzTitle => "Lorenz curve and Gini coefficient",
            Label::LorenzAxis => "share of partners, smallest first",
            Label::GiniShort => "Gini",
            Label::EqualTurnover => "equal turnover for all",
            Label::LorenzCurve => "Lorenz curve",
            Label::NoPositiveTurnover => "no positive turnover in the window",
            Label::TiersTitle => "Partners and turnover by tier",
            Label::TurnoverOverWindow => "Turnover over the window",
            Label::TierMigrationsTitle => "Tier migrations since the previous review",
            Label::SegmentMigrationsTitle => "Segment migrations since the previous review",
            Label::Now => "now →",
            Label::Before => "before ↓",
            Label::MovedUp => "moved up",
            Label::MovedDown => "moved down",
            Label::Stayed => "stayed",
            Label::DynamicsHeading => "Turnover month by month",
            Label::DynamicsLead => {
                "The network's net turnover in each month of the window, by segment and by tier of this review: \
                 each partner counts in today's segment and tier for every month."
            }
            Label::SegmentMonthsTitle => "Network turnover by segment, per month",
            Label::TierMonthsTitle => "Network turnover by tier, per month",
            Label::LastTwelveMonths => "Last 12 months",
        }
    }

    fn message(&self, message: &Message) -> String {
        let n = |k: u64| count(self, k);
        match message {
            Message::Date(date) => date.format("%Y-%m-%d").to_string(),
            Message::CompactAmount { amount, currency } => compact(self, *amount, currency, ["T", "bn", "M", "k"]),
            Message::ReviewLine { as_of, window, currency } => format!(
                "Review as of {} · window {window} ({} months) · amounts in {}",
                self.message(&Message::Date(*as_of)),
                window.len(),
                self.currency_sign(currency)
            ),
            Message::PartnersWithTurnover { partners } => format!("with turnover in the window: {}", n(*partners)),
            Message::NetOverWindow { window } => format!("net over the window, {window}"),
            Message::LargestPartner { percent, hhi } => {
                format!("largest partner {} %, HHI {}", self.amount(*percent, 1), self.amount(*hhi, 0))
            }
            Message::AlertCounts { critical, high } => format!("{} critical · {} high", n(*critical), n(*high)),
            Message::ParetoLead { basis, cutoffs } => {
                let [a, b, c] = cutoffs.map(|x| cutoff(self, x));
                match basis {
                    ParetoBasis::Turnover => format!(
                        "Partners sorted by turnover, largest first: the curve shows how much of the network's \
                         turnover the largest partners bring. The dashed lines are the segment cut-offs: A is the \
                         largest partners that together bring {a} of turnover, B up to {b}, C up to {c}, D the rest \
                         and the partners without turnover."
                    ),
                    ParetoBasis::Partners => format!(
                        "Partners sorted by turnover, largest first: the curve shows how much of the network's \
                         turnover the largest partners bring. The dashed lines are the segment cut-offs by share of \
                         the partners with turnover: A is the first {a}, B up to {b}, C up to {c}, D the rest."
                    ),
                }
            }
            Message::ParetoLegend { segment, partners, partner_share, turnover_share } => format!(
                "{segment} {} — {} ({} of partners), {} of turnover",
                self.segment(*segment),
                n(*partners),
                self.percent(*partner_share, 1),
                self.percent(*turnover_share, 1)
            ),
            Message::MigrationSummary {
                continuing,
                new,
                gone,
                tiers_up,
                tiers_down,
                tiers_unchanged,
                segments_up,
                segments_down,
                segments_unchanged,
            } => format!(
                "{} partners in both reviews, {} new, {} gone. Tiers: {} up, {} down, {} unchanged. Segments: {} up, \
                 {} down, {} unchanged. Rows are the previous review, columns this one.",
                n(*continuing),
                n(*new),
                n(*gone),
                n(*tiers_up),
                n(*tiers_down),
                n(*tiers_unchanged),
                n(*segments_up),
                n(*segments_down),
                n(*segments_unchanged),
            ),
            Message::MoreMoves { more } => format!("and more: {}", n(*more)),
            Message::TopPartners { listed } => format!("Top partners by priority: {}", n(*listed)),
            Message::AlertSummary { alerts, by_severity } => {
                let levels: Vec<String> =
                    by_severity.iter().map(|(level, k)| format!("{} {}", n(*k), alerts_of(*level))).collect();
                format!("{} alerts ({}), most severe first, each with its action plan.", n(*alerts), levels.join(", "))
            }
            Message::AlertsNotListed { listed, more } => {
                format!("The first {} are listed; {} more are not.", n(*listed), n(*more))
            }
            Message::ReviewSpan { span, period } => {
                let months = match span.months() {
                    1 => "1 month".to_owned(),
                    m => format!("{m} months"),
                };
                let lead = format!(
                    "The previous review was on {}, {months} before this one",
                    self.message(&Message::Date(span.from()))
                );
                if span.is_longer_than(*period) {
                    let period = match period {
                        ReviewPeriod::Monthly => "monthly",
                        ReviewPeriod::Quarterly => "quarterly",
                        ReviewPeriod::HalfYearly => "half-yearly",
                        ReviewPeriod::Yearly => "yearly",
                    };
                    format!("{lead}: longer than the {period} review period, so the moves add up over several periods.")
                } else {
                    format!("{lead}.")
                }
            }
        }
    }
}

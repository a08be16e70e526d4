//! The priority score and what makes a partner urgent.

use rust_decimal::Decimal;

use super::policy::{PriorityPolicy, UrgentRule};
use crate::pareto::Segment;
use crate::potential::PotentialLevel;
use crate::risk::{CrisisAlert, RiskCategory, RiskLevel, RiskProfile};
use crate::util::exact::{RATIO_DP, from_fraction, mantissa_at};

/// The points of the potential part.
fn potential_points(potential: PotentialLevel) -> u8 {
    match potential {
        PotentialLevel::High => 100,
        PotentialLevel::Medium | PotentialLevel::New => 50,
        PotentialLevel::Low => 0,
    }
}

/// The risk penalty of a known overall risk.
fn risk_penalty(risk: RiskLevel) -> u8 {
    match risk {
        RiskLevel::Low => 0,
        RiskLevel::Medium => 33,
        RiskLevel::High => 67,
        RiskLevel::Critical => 100,
    }
}

/// 10^18: a share's fraction at [`RATIO_DP`] places is out of this.
const SHARE_ONE: u128 = 10u128.pow(RATIO_DP);

impl PriorityPolicy {
    /// The score of [`PriorityPolicy::score`] in units of 10^-4, as an
    /// assessment keeps it, by [`ScoreInts::units`] where it can promise
    /// the same result (for every policy with weights, points and penalty
    /// of at most [`ScoreInts::MAX_DP`] places, all but a share of about
    /// 10^-18 of the partners), else in `Decimal`. `before` is the share
    /// above the partner as a fraction at [`RATIO_DP`] places.
    pub(super) fn score_units(
        &self,
        ints: Option<&ScoreInts>,
        segment: Segment,
        turnover: i128,
        before: u64,
        potential: PotentialLevel,
        risk: Option<RiskLevel>,
    ) -> u32 {
        if let Some(units) = ints.and_then(|i| i.units(segment, turnover > 0, before, potential, risk)) {
            return units;
        }
        let score = self.score(segment, turnover, from_fraction(before), potential, risk);
        u32::try_from(mantissa_at(score, 4)).unwrap_or(u32::MAX)
    }

    /// The priority score (see [`PriorityPolicy`]), rounded to 4 places.
    pub(super) fn score(
        &self,
        segment: Segment,
        turnover: i128,
        before: Decimal,
        potential: PotentialLevel,
        risk: Option<RiskLevel>,
    ) -> Decimal {
        let position = if turnover > 0 {
            (Decimal::ONE - before).max(Decimal::ZERO) * Decimal::ONE_HUNDRED
        } else {
            Decimal::ZERO
        };
        let value = (self.segment_points.of(segment) + position) / Decimal::TWO;
        let potential = Decimal::from(potential_points(potential));
        let penalty = match risk {
            None => self.unknown_risk_penalty,
            Some(level) => Decimal::from(risk_penalty(level)),
        };
        let w = &self.weights;
        let sum = w.value * value + w.potential * potential + w.resilience * (Decimal::ONE_HUNDRED - penalty);
        (sum / (w.value + w.potential + w.resilience))
            .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    }
}

/// The priority policy's figures as integers at one scale, for the score
/// of a million partners without `Decimal` arithmetic (it was about a tenth
/// of the review's time).
///
/// With the weights, points and penalty at most [`ScoreInts::MAX_DP`]
/// places, every step of [`PriorityPolicy::score`] before its division is
/// exact in `Decimal` (at most 28 digits), so the score is the exact
/// quotient `numerator / divisor` rounded half away from zero, as here;
/// the one rounding `Decimal` adds, of the quotient to 28 digits, can only
/// matter within about 10^-26 of a midpoint, and a quotient that close to
/// one is left to the `Decimal` path ([`ScoreInts::units`] gives `None`).
#[derive(Clone, Copy, Debug)]
pub(super) struct ScoreInts {
    /// 10^places, the scale of the figures below.
    one: u128,
    value: u128,
    potential: u128,
    resilience: u128,
    /// The points of A, B, C and D.
    points: [u128; 4],
    unknown_risk: u128,
    /// `2 · 10^14 · one · (value + potential + resilience)`: the score's
    /// numerator over this is the score in units of 10^-4.
    divisor: u128,
}

impl ScoreInts {
    /// The most decimal places a figure of the policy may have.
    pub(super) const MAX_DP: u32 = 6;

    /// The integer figures of `policy` (a checked one), or `None` when a
    /// figure has more than [`ScoreInts::MAX_DP`] places or is negative.
    pub(super) fn of(policy: &PriorityPolicy) -> Option<ScoreInts> {
        let w = &policy.weights;
        let p = &policy.segment_points;
        let figures = [w.value, w.potential, w.resilience, p.a, p.b, p.c, p.d, policy.unknown_risk_penalty];
        let places = figures.iter().map(|f| f.normalize().scale()).max().unwrap_or(0);
        if places > Self::MAX_DP {
            return None;
        }
        let at = |f: Decimal| u128::try_from(mantissa_at(f, places)).ok();
        let [value, potential, resilience, a, b, c, d, unknown_risk] = figures.map(at);
        let (value, potential, resilience, unknown_risk) = (value?, potential?, resilience?, unknown_risk?);
        let one = 10u128.pow(places);
        let weights = value.checked_add(potential)?.checked_add(resilience)?;
        let divisor = (2 * 10u128.pow(14)).checked_mul(one)?.checked_mul(weights)?;
        (divisor > 0).then_some(ScoreInts {
            one,
            value,
            potential,
            resilience,
            points: [a?, b?, c?, d?],
            unknown_risk,
            divisor,
        })
    }

    /// The score in units of 10^-4 (the score times 10^4, rounded half
    /// away from zero), or `None` if an intermediate leaves 128 bits or the
    /// quotient is within 10^-18 of a unit of a midpoint.
    ///
    /// With `one` = 10^places and `S` = 10^18 (a share's fraction is out of
    /// `S`), the score times `2 · S · one²` is
    /// `value · (points · S + position · one) + 2 · S · (potential weight
    /// · potential points · one + resilience · (100 · one − penalty))`,
    /// `position` being `100 · (S − before)` for positive turnover.
    pub(super) fn units(
        &self,
        segment: Segment,
        positive: bool,
        before: u64,
        potential: PotentialLevel,
        risk: Option<RiskLevel>,
    ) -> Option<u32> {
        let position = if positive { SHARE_ONE.saturating_sub(u128::from(before)) * 100 } else { 0 };
        let points = match segment {
            Segment::A => self.points[0],
            Segment::B => self.points[1],
            Segment::C => self.points[2],
            Segment::D => self.points[3],
        };
        let value = points.checked_mul(SHARE_ONE)?.checked_add(position.checked_mul(self.one)?)?;
        let penalty = match risk {
            None => self.unknown_risk,
            Some(level) => u128::from(risk_penalty(level)) * self.one,
        };
        let rest = self
            .potential
            .checked_mul(u128::from(potential_points(potential)))?
            .checked_mul(self.one)?
            .checked_add(self.resilience.checked_mul((100 * self.one).checked_sub(penalty)?)?)?;
        let numerator = self.value.checked_mul(value)?.checked_add((2 * SHARE_ONE).checked_mul(rest)?)?;
        let (units, rest) = (numerator / self.divisor, numerator % self.divisor);
        // Twice the remainder against the divisor: above rounds up, equal
        // is a true midpoint (away from zero: up).
        let off = (2 * rest).abs_diff(self.divisor);
        if off != 0 && off <= self.divisor / SHARE_ONE {
            return None;
        }
        let units = if 2 * rest >= self.divisor { units + 1 } else { units };
        u32::try_from(units).ok()
    }
}

pub(super) fn urgent_cause(
    rule: &UrgentRule,
    segment: Segment,
    risk: &RiskProfile,
    alerts: &[CrisisAlert],
) -> Option<(RiskCategory, RiskLevel)> {
    let eligible = match rule {
        UrgentRule::Off => false,
        UrgentRule::KeyInCrisis => segment == Segment::A,
        UrgentRule::AnyInCrisis => true,
    };
    if !eligible {
        return None;
    }
    let from_alert = alerts
        .iter()
        .filter(|a| a.severity >= RiskLevel::High)
        .map(|a| (a.category, a.severity))
        .max_by_key(|(_, s)| *s);
    let from_risk = risk.worst_category().filter(|(_, l)| *l == RiskLevel::Critical);
    match (from_alert, from_risk) {
        (Some(a), Some(r)) => Some(if r.1 > a.1 { r } else { a }),
        (a, r) => a.or(r),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::{SHARE_ONE, ScoreInts};
    use crate::pareto::Segment;
    use crate::potential::PotentialLevel;
    use crate::review::policy::{PriorityPolicy, SegmentPoints, Weights};
    use crate::risk::RiskLevel;
    use crate::util::exact::{from_fraction, mantissa_at};

    /// The score in units of 10^-4 by the `Decimal` path alone.
    fn by_decimal(
        policy: &PriorityPolicy,
        segment: Segment,
        turnover: i128,
        before: u64,
        potential: PotentialLevel,
        risk: Option<RiskLevel>,
    ) -> i128 {
        mantissa_at(policy.score(segment, turnover, from_fraction(before), potential, risk), 4)
    }

    fn policy(weights: [Decimal; 3], points: [Decimal; 4], unknown: Decimal) -> PriorityPolicy {
        PriorityPolicy {
            weights: Weights { value: weights[0], potential: weights[1], resilience: weights[2] },
            segment_points: SegmentPoints { a: points[0], b: points[1], c: points[2], d: points[3] },
            unknown_risk_penalty: unknown,
            ..PriorityPolicy::default()
        }
    }

    #[test]
    fn a_true_midpoint_rounds_away_from_zero_as_decimal_does() {
        // D, Low potential, Low risk: 70 · (0 + 100 · 0.00001) / 2 / 100
        // + 10 = 10.00035, units 100003.5.
        let p = PriorityPolicy::default();
        let ints = ScoreInts::of(&p).unwrap();
        let before = 999_990_000_000_000_000;
        let args = (Segment::D, before, PotentialLevel::Low, Some(RiskLevel::Low));
        assert_eq!(ints.units(args.0, true, args.1, args.2, args.3), Some(100_004));
        assert_eq!(by_decimal(&p, args.0, 1, args.1, args.2, args.3), 100_004);
    }

    #[test]
    fn a_quotient_within_reach_of_a_midpoint_is_left_to_decimal() {
        // Found by solving for the share above: the quotient is 2·10^11
        // (the margin) over twice the divisor from 0.5 units.
        let w = [Decimal::new(999_999_999, 6), Decimal::new(1, 6), Decimal::ZERO];
        let points = [100, 60, 30, 0].map(Decimal::from);
        let p = policy(w, points, Decimal::from(25));
        let ints = ScoreInts::of(&p).unwrap();
        let before = 999_998_999_999_999_000;
        let args = (Segment::D, before, PotentialLevel::Low, Some(RiskLevel::Low));
        assert_eq!(ints.units(args.0, true, args.1, args.2, args.3), None);
        let units = p.score_units(Some(&ints), args.0, 1, args.1, args.2, args.3);
        assert_eq!(i128::from(units), by_decimal(&p, args.0, 1, args.1, args.2, args.3));
        // A step further from the midpoint, the integers answer.
        let further = before - 1_000;
        assert!(ints.units(args.0, true, further, args.2, args.3).is_some());
    }

    #[test]
    fn a_policy_with_more_places_than_the_integers_take_is_scored_in_decimal() {
        let w = [Decimal::new(7_000_001, 7), Decimal::from(20), Decimal::from(10)];
        let p = policy(w, [100, 60, 30, 0].map(Decimal::from), Decimal::from(25));
        assert!(ScoreInts::of(&p).is_none());
        let units = p.score_units(None, Segment::B, 5, SHARE_ONE as u64 / 3, PotentialLevel::High, None);
        assert_eq!(i128::from(units), by_decimal(&p, Segment::B, 5, SHARE_ONE as u64 / 3, PotentialLevel::High, None));
        assert_eq!(units, 910_206);
    }

    #[test]
    fn weights_that_add_up_to_zero_have_no_integer_score() {
        // (A checked policy never has them; the integers must not divide by
        // zero if one did.)
        let p = policy([Decimal::ZERO; 3], [100, 60, 30, 0].map(Decimal::from), Decimal::from(25));
        assert!(ScoreInts::of(&p).is_none());
        assert!(ScoreInts::of(&PriorityPolicy::default()).is_some());
    }

    fn figure(max: i64) -> impl Strategy<Value = Decimal> {
        (0..=6u32).prop_flat_map(move |dp| (0..=max * 10i64.pow(dp)).prop_map(move |m| Decimal::new(m, dp)))
    }

    fn segment() -> impl Strategy<Value = Segment> {
        prop_oneof![Just(Segment::A), Just(Segment::B), Just(Segment::C), Just(Segment::D)]
    }

    fn potential() -> impl Strategy<Value = PotentialLevel> {
        prop_oneof![
            Just(PotentialLevel::New),
            Just(PotentialLevel::Low),
            Just(PotentialLevel::Medium),
            Just(PotentialLevel::High)
        ]
    }

    fn risk() -> impl Strategy<Value = Option<RiskLevel>> {
        prop_oneof![
            Just(None),
            Just(Some(RiskLevel::Low)),
            Just(Some(RiskLevel::Medium)),
            Just(Some(RiskLevel::High)),
            Just(Some(RiskLevel::Critical))
        ]
    }

    /// Shares above a partner: anywhere, round ones, and beyond 1.
    fn before() -> impl Strategy<Value = u64> {
        prop_oneof![
            0..=SHARE_ONE as u64,
            (0..=100_000u64).prop_map(|k| k * (SHARE_ONE as u64 / 100_000)),
            SHARE_ONE as u64..=u64::MAX,
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_integer_score_is_the_decimal_score(
            weights in [figure(1000), figure(1000), figure(1000)],
            mut points in [figure(100), figure(100), figure(100), figure(100)],
            unknown in figure(100),
            segment in segment(),
            turnover in -2i128..=2,
            before in before(),
            potential in potential(),
            risk in risk(),
        ) {
            points.sort_by(|a, b| b.cmp(a));
            let p = policy(weights, points, unknown);
            prop_assume!(p.check().is_ok());
            let ints = ScoreInts::of(&p);
            prop_assert!(ints.is_some());
            let units = p.score_units(ints.as_ref(), segment, turnover, before, potential, risk);
            prop_assert_eq!(i128::from(units), by_decimal(&p, segment, turnover, before, potential, risk));
        }

        #[test]
        fn the_default_policy_is_scored_in_integers(
            segment in segment(),
            turnover in -2i128..=2,
            before in before(),
            potential in potential(),
            risk in risk(),
        ) {
            let p = PriorityPolicy::default();
            let units = ScoreInts::of(&p).and_then(|i| i.units(segment, turnover > 0, before, potential, risk));
            prop_assert_eq!(units.map(i128::from), Some(by_decimal(&p, segment, turnover, before, potential, risk)));
        }
    }
}

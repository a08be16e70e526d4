use proptest::strategy::Strategy as _;
use rust_decimal::Decimal;

use super::policy::*;
use super::rank::{id_head, priority_order};
use super::score::urgent_cause;
use crate::error::ErrorKind;
use crate::pareto::Segment;
use crate::partner::PartnerId;
use crate::period::Month;
use crate::potential::PotentialLevel;
use crate::risk::{CrisisAlert, RiskCategory, RiskLevel, RiskProfile};

/// The priority order by its definition: urgent first, then score and
/// turnover descending, then id ascending.
fn reference_order(keys: &[(bool, i128, i128, u32)], ids: &[PartnerId]) -> Vec<u32> {
    let mut sorted = keys.to_vec();
    sorted.sort_by(|x, y| {
        y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)).then(ids[x.3 as usize].cmp(&ids[y.3 as usize]))
    });
    sorted.into_iter().map(|k| k.3).collect()
}

#[test]
fn the_priority_order_sorts_signs_extremes_and_ties_like_its_definition() {
    let scores = [-1_000_000i128, -1, 0, 1, 999_999, i128::from(i32::MAX), i128::from(i32::MIN)];
    let turnovers = [i128::from(i64::MIN), -5, 0, 7, 1_000, i128::from(i64::MAX)];
    let mut keys = Vec::new();
    let mut n = 0u32;
    for urgent in [false, true] {
        for &score in &scores {
            for &turnover in &turnovers {
                // Two partners per key: ties broken by id.
                for _ in 0..2 {
                    keys.push((urgent, score, turnover, n));
                    n += 1;
                }
            }
        }
    }
    // Ids in the opposite order of the positions, so that the id, not
    // the position, must break ties.
    let ids: Vec<PartnerId> = (0..n).map(|i| PartnerId::new(&format!("P{:04}", n - i)).unwrap()).collect();
    let mut shuffled = keys.clone();
    shuffled.reverse();
    shuffled.rotate_left(17);
    let want = reference_order(&keys, &ids);
    let id = |i: u32| ids.get(i as usize);
    let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
    assert_eq!(priority_order(shuffled.clone(), head, id).unwrap(), want);
    // A turnover beyond 64 bits or a score beyond 32 takes the general
    // comparison, with the same result.
    for extra in [(false, 5, i128::from(i64::MAX) + 1, n), (true, i128::from(i32::MAX) + 1, 3, n)] {
        let mut keys = shuffled.clone();
        keys.push(extra);
        let mut ids = ids.clone();
        ids.push(PartnerId::new("Extra").unwrap());
        let want = reference_order(&keys, &ids);
        let id = |i: u32| ids.get(i as usize);
        let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
        assert_eq!(priority_order(keys, head, id).unwrap(), want);
    }
}

#[test]
fn ties_of_ids_alike_in_their_first_16_bytes_go_by_the_whole_id() {
    let names = ["Partner-Long-Pre-B", "Partner-Long-Pre", "Partner-Long-Pre-A2", "Partner-Long-Pre-A", "Short"];
    let ids: Vec<PartnerId> = names.iter().map(|n| PartnerId::new(n).unwrap()).collect();
    let keys: Vec<(bool, i128, i128, u32)> = (0..ids.len() as u32).map(|i| (false, 7, 7, i)).collect();
    let id = |i: u32| ids.get(i as usize);
    let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
    // By id: "Partner-Long-Pre", "…-A", "…-A2", "…-B", "Short".
    assert_eq!(priority_order(keys, head, id).unwrap(), vec![1, 3, 2, 0, 4]);
}

#[test]
fn ties_of_ids_alike_in_the_first_12_bytes_the_sort_reads_go_by_the_whole_id() {
    // "Partner-0001" is 12 bytes: the key holds no more of an id.
    let names = ["Partner-0001-B", "Partner-0001-A", "Partner-0001", "Partner-0002"];
    let ids: Vec<PartnerId> = names.iter().map(|n| PartnerId::new(n).unwrap()).collect();
    let keys: Vec<(bool, i128, i128, u32)> = (0..ids.len() as u32).map(|i| (false, 7, 7, i)).collect();
    let id = |i: u32| ids.get(i as usize);
    let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
    assert_eq!(priority_order(keys, head, id).unwrap(), vec![2, 1, 0, 3]);
}

#[test]
fn ids_alike_in_their_first_16_bytes_do_not_reorder_different_keys() {
    // The same head, different scores: the score decides, not the id,
    // whichever way the whole ids compare.
    let names = ["Partner-Long-Pre-A", "Partner-Long-Pre-B", "Partner-Long-Pre-C"];
    let ids: Vec<PartnerId> = names.iter().map(|n| PartnerId::new(n).unwrap()).collect();
    let keys: Vec<(bool, i128, i128, u32)> = vec![(false, 1, 7, 0), (false, 3, 7, 1), (false, 2, 7, 2)];
    let id = |i: u32| ids.get(i as usize);
    let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
    assert_eq!(priority_order(keys.clone(), head, id).unwrap(), reference_order(&keys, &ids));
    assert_eq!(priority_order(keys, head, id).unwrap(), vec![1, 2, 0]);
}

proptest::proptest! {
    /// The priority order is its definition's for any keys (a few, so
    /// that they tie) and ids alike in their first 12 or 16 bytes or
    /// shorter, whichever positions they hold.
    #[test]
    fn the_priority_order_is_its_definitions_for_ids_with_long_common_heads(
        keys in proptest::collection::vec((proptest::bool::ANY, 0i128..3, -2i128..3), 0..60),
        tails in proptest::collection::vec("[ab]{0,6}", 60),
        prefix in proptest::sample::select(vec!["", "Partner-0001", "Partner-0001-Pre"]),
    ) {
        let ids: Vec<PartnerId> = tails.iter().enumerate().map(|(i, t)| PartnerId::new(&format!("{prefix}{t}#{i}")).unwrap()).collect();
        let keys: Vec<(bool, i128, i128, u32)> = keys.iter().zip(0u32..).map(|(&(u, s, t), i)| (u, s, t, i)).collect();
        let id = |i: u32| ids.get(i as usize);
        let head = |i: u32| ids.get(i as usize).map_or(0, |id| id_head(id.as_str()));
        proptest::prop_assert_eq!(priority_order(keys.clone(), head, id).unwrap(), reference_order(&keys, &ids));
    }

    #[test]
    fn id_heads_never_order_ids_the_other_way(a in "[ab\\x00é]{0,20}", b in "[ab\\x00é]{0,20}") {
        if a < b {
            proptest::prop_assert!(id_head(&a) <= id_head(&b));
        }
    }
}

fn policy(value: i64, potential: i64, resilience: i64) -> PriorityPolicy {
    PriorityPolicy {
        weights: Weights {
            value: Decimal::from(value),
            potential: Decimal::from(potential),
            resilience: Decimal::from(resilience),
        },
        ..PriorityPolicy::default()
    }
}

fn field(p: &PriorityPolicy) -> Option<String> {
    p.check().err().map(|e| match e.kind() {
        ErrorKind::InvalidPolicy { field, .. } => field.clone(),
        other => format!("{other:?}"),
    })
}

#[test]
fn weights_are_within_0_to_1000_and_not_all_zero() {
    assert_eq!(field(&policy(0, 0, 1)), None);
    assert_eq!(field(&policy(1, 0, 0)), None);
    assert_eq!(field(&policy(0, 1, 0)), None);
    assert_eq!(field(&policy(1, 1, 0)), None);
    assert_eq!(field(&policy(1, 0, 1)), None);
    assert_eq!(field(&policy(1000, 1000, 1000)), None);
    assert_eq!(field(&policy(0, 0, 0)).as_deref(), Some("weights"));
    assert_eq!(field(&policy(-1, 1, 1)).as_deref(), Some("weights.value"));
    assert_eq!(field(&policy(1, 1001, 1)).as_deref(), Some("weights.potential"));
    assert_eq!(field(&policy(1, 1, 1001)).as_deref(), Some("weights.resilience"));
}

#[test]
fn segment_points_may_stay_level_but_not_rise_from_a_to_d() {
    let with = |a: i64, b: i64, c: i64, d: i64| PriorityPolicy {
        segment_points: SegmentPoints {
            a: Decimal::from(a),
            b: Decimal::from(b),
            c: Decimal::from(c),
            d: Decimal::from(d),
        },
        ..PriorityPolicy::default()
    };
    assert_eq!(field(&with(50, 50, 50, 50)), None);
    assert_eq!(field(&with(100, 100, 0, 0)), None);
    for (p, name) in [
        (with(50, 60, 30, 0), "segment_points"),
        (with(100, 60, 70, 0), "segment_points"),
        (with(100, 60, 30, 40), "segment_points"),
        (with(101, 60, 30, 0), "segment_points.a"),
        (with(100, 60, 30, -1), "segment_points.d"),
    ] {
        assert_eq!(field(&p).as_deref(), Some(name));
    }
    let mut p = PriorityPolicy { unknown_risk_penalty: Decimal::from(101), ..PriorityPolicy::default() };
    assert_eq!(field(&p).as_deref(), Some("unknown_risk_penalty"));
    p.unknown_risk_penalty = Decimal::ONE_HUNDRED;
    assert_eq!(field(&p), None);
}

#[test]
fn the_score_is_the_documented_weighted_mean() {
    let p = policy(2, 3, 5);
    let before = Decimal::new(85, 2);
    // B (60) and 15 position points → value 37.5; High 100; Medium risk → 67.
    // (2 × 37.5 + 3 × 100 + 5 × 67) / 10 = 71.
    let s = p.score(Segment::B, 1, before, PotentialLevel::High, Some(RiskLevel::Medium));
    assert_eq!(s, Decimal::from(71));
    // No turnover: no position points → value 30; (60 + 300 + 335) / 10.
    let s = p.score(Segment::B, 0, before, PotentialLevel::High, Some(RiskLevel::Medium));
    assert_eq!(s, Decimal::new(695, 1));
    // Unknown risk costs the penalty (25): (75 + 300 + 375) / 10.
    let s = p.score(Segment::B, 1, before, PotentialLevel::High, None);
    assert_eq!(s, Decimal::from(75));
    // Rounded half away from zero to 4 places: (37.5 + 50 + 33) / 3.
    let s = policy(1, 1, 1).score(Segment::B, 1, before, PotentialLevel::Medium, Some(RiskLevel::High));
    assert_eq!(s, Decimal::new(401_667, 4));
    // Each segment's points: A 100, C 30, D 0 with no position points.
    let one = Decimal::ONE;
    let value_only = policy(1, 0, 0);
    let points: Vec<Decimal> = [Segment::A, Segment::B, Segment::C, Segment::D]
        .iter()
        .map(|s| value_only.score(*s, 1, one, PotentialLevel::Low, None))
        .collect();
    assert_eq!(points, [50, 30, 15, 0].map(Decimal::from));
    // Position points never go below zero.
    let s = value_only.score(Segment::D, 1, Decimal::new(12, 1), PotentialLevel::Low, None);
    assert_eq!(s, Decimal::ZERO);
    let low_critical = policy(0, 1, 1).score(Segment::A, 1, one, PotentialLevel::Low, Some(RiskLevel::Critical));
    assert_eq!(low_critical, Decimal::ZERO);
    let low_risk = policy(0, 0, 1).score(Segment::A, 1, one, PotentialLevel::New, Some(RiskLevel::Low));
    assert_eq!(low_risk, Decimal::ONE_HUNDRED);
}
#[test]
fn an_urgent_cause_is_the_most_severe_of_alerts_and_critical_risk() {
    let partner = PartnerId::new("P").unwrap();
    let alert = |category, severity| CrisisAlert {
        partner: partner.clone(),
        category,
        severity,
        kind: crate::risk::AlertKind::TurnoverDrop {
            month: Month::new(2025, 12).unwrap(),
            turnover: Decimal::ZERO,
            baseline: Decimal::ONE_HUNDRED,
            fall_percent: Decimal::ONE_HUNDRED,
        },
    };
    let mut critical_legal = RiskProfile::default();
    critical_legal.legal.level = Some(RiskLevel::Critical);
    let high_financial = [alert(RiskCategory::Financial, RiskLevel::High)];
    let critical_financial = [alert(RiskCategory::Financial, RiskLevel::Critical)];
    let medium = [alert(RiskCategory::Operational, RiskLevel::Medium)];
    let rule = UrgentRule::AnyInCrisis;
    let quiet = RiskProfile::default();
    // A Critical risk outranks a High alert.
    assert_eq!(
        urgent_cause(&rule, Segment::B, &critical_legal, &high_financial),
        Some((RiskCategory::Legal, RiskLevel::Critical))
    );
    // Equally severe: the alert names the cause.
    assert_eq!(
        urgent_cause(&rule, Segment::B, &critical_legal, &critical_financial),
        Some((RiskCategory::Financial, RiskLevel::Critical))
    );
    assert_eq!(
        urgent_cause(&rule, Segment::B, &quiet, &high_financial),
        Some((RiskCategory::Financial, RiskLevel::High))
    );
    // A Medium alert is not a crisis; nor is a High overall risk.
    assert_eq!(urgent_cause(&rule, Segment::B, &quiet, &medium), None);
    let mut high_legal = RiskProfile::default();
    high_legal.legal.level = Some(RiskLevel::High);
    assert_eq!(urgent_cause(&rule, Segment::B, &high_legal, &[]), None);
    // Key partners only by default; never when switched off.
    let key = UrgentRule::KeyInCrisis;
    assert_eq!(urgent_cause(&key, Segment::B, &critical_legal, &high_financial), None);
    assert!(urgent_cause(&key, Segment::A, &critical_legal, &high_financial).is_some());
    assert_eq!(urgent_cause(&UrgentRule::Off, Segment::A, &critical_legal, &high_financial), None);
}

/// An assessment is kept compactly: a million of them fit 224 MB (the
/// owner's target of 0.2 was a quarter of a gigabyte, where it was 664
/// bytes). It holds its first risk indicator itself (most partners have
/// one, and it took an allocation of its own), its amounts as 64-bit
/// mantissas, and the rare further indicators, alerts, payment discipline
/// and wide amounts behind one pointer. Its id takes 24 bytes (16 when it
/// pointed to a shared allocation, which took 32 more of the heap).
#[test]
fn an_assessment_takes_at_most_224_bytes() {
    let size = std::mem::size_of::<super::Assessment>();
    assert!(size <= 224, "an Assessment is {size} bytes");
}

/// What a row of the results CSV reads of an assessment lies in its first
/// 72 bytes (two cache lines at most, wherever the assessment starts): the
/// CSV reads a million of them in rank order, one miss a line.
#[test]
fn what_a_results_row_reads_lies_at_the_start_of_an_assessment() {
    use std::mem::offset_of;
    let ends = [
        offset_of!(super::Assessment, id) + std::mem::size_of::<crate::PartnerId>(),
        offset_of!(super::Assessment, figures) + std::mem::size_of::<super::assessment::Figures>(),
        offset_of!(super::Assessment, rank) + 4,
        offset_of!(super::Assessment, score) + 4,
        offset_of!(super::Assessment, months) + 2,
        offset_of!(super::Assessment, segment) + 1,
        offset_of!(super::Assessment, tier) + 1,
        offset_of!(super::Assessment, potential) + 1,
        offset_of!(super::Assessment, overall) + 1,
    ];
    assert!(ends.iter().all(|&end| end <= 72), "{ends:?}");
}

proptest::proptest! {
    /// Packed figures are the decimals they were made from, digit for digit
    /// (scale and sign included), and figures that do not fit (a mantissa
    /// beyond 64 bits or a negative zero) are kept as they are.
    #[test]
    fn packed_figures_are_the_decimals_they_were_made_from(
        figures in proptest::array::uniform3((
            proptest::prop_oneof![
                proptest::num::i64::ANY.prop_map(i128::from),
                proptest::num::i128::ANY.prop_map(|m| m >> 32),
                proptest::strategy::Just(0i128),
            ],
            0u32..=28,
            proptest::bool::ANY,
        )),
    ) {
        use super::assessment::Figures;
        let values = figures.map(|(m, scale, negative)| {
            let d = Decimal::from_i128_with_scale(m, scale);
            if negative { -d } else { d }
        });
        let (packed, wide) = Figures::pack(values);
        let fits = values.iter().all(|v| i64::try_from(v.mantissa()).is_ok() && !(v.is_zero() && v.is_sign_negative()));
        proptest::prop_assert_eq!(wide.is_none(), fits);
        if fits {
            for (k, v) in values.iter().enumerate() {
                let got = packed.get(k).unwrap();
                proptest::prop_assert_eq!(got.to_string(), v.to_string());
                proptest::prop_assert_eq!(got.is_sign_negative(), v.is_sign_negative());
            }
        } else {
            proptest::prop_assert_eq!(wide.unwrap().map(|v| v.to_string()), values.map(|v| v.to_string()));
            proptest::prop_assert!((0..3).all(|k| packed.get(k).is_none()));
        }
    }
}

proptest::proptest! {
    /// The remembered quotients are the quotients, whatever repeats and
    /// in whatever order they are asked for.
    #[test]
    fn remembered_fractions_are_the_fractions(
        asked in proptest::collection::vec((0i128..6, proptest::prop_oneof![0i128..1, 1i128..8]), 0..60),
    ) {
        let mut fractions = super::assessment::Fractions::default();
        for (num, den) in asked {
            proptest::prop_assert_eq!(fractions.of(num, den), crate::util::exact::ratio_fraction(num, den));
        }
    }
}

proptest::proptest! {
    /// A segment slot gives back the parts set in it, whatever the segment,
    /// rank and shares, and a slot never set gives the unset parts.
    #[test]
    fn segment_slots_give_back_the_parts_set_in_them(
        set in proptest::collection::vec(
            (0usize..4, proptest::num::u32::ANY, proptest::array::uniform3(proptest::num::u64::ANY)),
            0..40,
        ),
        unset in 0usize..5,
    ) {
        use super::assessment::{SegmentParts, SegmentSlots};
        let slots = SegmentSlots::new(set.len() + unset).unwrap();
        for (i, &(k, rank, shares)) in set.iter().enumerate() {
            slots.set(i, SegmentParts { segment: Segment::from_index(k), rank, shares });
        }
        for (i, &(k, rank, shares)) in set.iter().enumerate() {
            let got = slots.get(i);
            proptest::prop_assert_eq!((got.segment, got.rank, got.shares), (Segment::from_index(k), rank, shares));
        }
        for i in set.len()..set.len() + unset + 2 {
            let got = slots.get(i);
            let want = SegmentParts::UNSET;
            proptest::prop_assert_eq!((got.segment, got.rank, got.shares), (want.segment, want.rank, want.shares));
        }
    }
}

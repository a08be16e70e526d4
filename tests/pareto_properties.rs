//! Properties of the ABC(D) segmentation, each its own test, for both
//! bases (share of turnover and share of partners) where they apply.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use partner_priority::pareto::{Boundary, ParetoBasis, ParetoPolicy, Segmentation, segment};
use partner_priority::{PartnerId, Segment};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Turnovers with many ties and some non-positive values, in kopecks.
fn arb_turnovers() -> impl Strategy<Value = Vec<(PartnerId, Decimal)>> {
    turnovers(prop_oneof![3 => 1i64..1000, 1 => -50i64..=0, 2 => 1i64..5, 1 => 1i64..1_000_000_000])
}

/// Turnovers of which about half are not positive: exact zeros (a third of
/// all values) and negative ones, among positive ones with ties.
fn arb_turnovers_with_zeros() -> impl Strategy<Value = Vec<(PartnerId, Decimal)>> {
    turnovers(prop_oneof![
        2 => Just(0i64),
        1 => -1_000_000i64..0,
        2 => 1i64..1000,
        1 => 1i64..1_000_000_000,
    ])
}

/// Up to 59 partners with turnovers (in kopecks) from `kopecks`.
fn turnovers(kopecks: impl Strategy<Value = i64>) -> impl Strategy<Value = Vec<(PartnerId, Decimal)>> {
    proptest::collection::vec(kopecks, 0..60).prop_map(|vals| {
        vals.into_iter()
            .enumerate()
            .map(|(i, v)| (PartnerId::new(&format!("p{i:04}")).unwrap(), Decimal::new(v, 2)))
            .collect()
    })
}

/// Valid, strictly increasing cut-offs in percent (with decimals).
fn arb_cutoffs() -> impl Strategy<Value = [Decimal; 3]> {
    proptest::collection::btree_set(1u32..=10_000, 3).prop_map(|s| {
        let v: Vec<u32> = s.into_iter().collect();
        [0, 1, 2].map(|k| Decimal::new(i64::from(v[k]), 2))
    })
}

fn arb_policy(basis: ParetoBasis) -> impl Strategy<Value = ParetoPolicy> {
    (arb_cutoffs(), any::<bool>()).prop_map(move |(c, lower)| {
        let b = if lower { Boundary::Lower } else { Boundary::Upper };
        ParetoPolicy::new(basis, c, b).unwrap()
    })
}

fn by_partner(r: &Segmentation) -> HashMap<PartnerId, Segment> {
    r.entries().iter().map(|e| (e.partner.clone(), e.segment)).collect()
}

fn every_partner_gets_exactly_one_segment(data: &[(PartnerId, Decimal)], policy: &ParetoPolicy) {
    let r = segment(data, policy).unwrap();
    assert_eq!(r.entries().len(), data.len());
    let map = by_partner(&r);
    assert_eq!(map.len(), data.len());
    assert_eq!(r.table().iter().map(|row| row.partners).sum::<u64>(), data.len() as u64);
}

fn higher_turnover_never_gets_a_lower_segment(data: &[(PartnerId, Decimal)], policy: &ParetoPolicy) {
    let r = segment(data, policy).unwrap();
    for pair in r.entries().windows(2) {
        assert!(pair[0].turnover >= pair[1].turnover);
        // Segments order by value: A > B > C > D.
        assert!(pair[0].segment >= pair[1].segment, "{pair:?}");
    }
}

fn equal_turnover_gets_the_same_segment(data: &[(PartnerId, Decimal)], policy: &ParetoPolicy) {
    let r = segment(data, policy).unwrap();
    let mut seen: HashMap<Decimal, (Segment, u32)> = HashMap::new();
    for e in r.entries() {
        let prev = seen.entry(e.turnover).or_insert((e.segment, e.rank));
        assert_eq!(*prev, (e.segment, e.rank), "{e:?}");
    }
}

fn non_positive_turnover_is_d(data: &[(PartnerId, Decimal)], policy: &ParetoPolicy) {
    let r = segment(data, policy).unwrap();
    for e in r.entries() {
        if e.turnover <= Decimal::ZERO {
            assert_eq!(e.segment, Segment::D);
        }
    }
}

proptest! {
    // proptest's default: 256 cases, or PROPTEST_CASES when set (the
    // mutation run sets fewer).
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn every_partner_gets_exactly_one_segment_by_turnover(data in arb_turnovers(), p in arb_policy(ParetoBasis::Turnover)) {
        every_partner_gets_exactly_one_segment(&data, &p);
    }

    #[test]
    fn every_partner_gets_exactly_one_segment_by_partner_share(data in arb_turnovers(), p in arb_policy(ParetoBasis::Partners)) {
        every_partner_gets_exactly_one_segment(&data, &p);
    }

    #[test]
    fn higher_turnover_never_gets_a_lower_segment_by_turnover(data in arb_turnovers(), p in arb_policy(ParetoBasis::Turnover)) {
        higher_turnover_never_gets_a_lower_segment(&data, &p);
    }

    #[test]
    fn higher_turnover_never_gets_a_lower_segment_by_partner_share(data in arb_turnovers(), p in arb_policy(ParetoBasis::Partners)) {
        higher_turnover_never_gets_a_lower_segment(&data, &p);
    }

    #[test]
    fn equal_turnover_gets_the_same_segment_by_turnover(data in arb_turnovers(), p in arb_policy(ParetoBasis::Turnover)) {
        equal_turnover_gets_the_same_segment(&data, &p);
    }

    #[test]
    fn equal_turnover_gets_the_same_segment_by_partner_share(data in arb_turnovers(), p in arb_policy(ParetoBasis::Partners)) {
        equal_turnover_gets_the_same_segment(&data, &p);
    }

    #[test]
    fn non_positive_turnover_is_d_by_turnover(data in arb_turnovers_with_zeros(), p in arb_policy(ParetoBasis::Turnover)) {
        non_positive_turnover_is_d(&data, &p);
    }

    #[test]
    fn non_positive_turnover_is_d_by_partner_share(data in arb_turnovers_with_zeros(), p in arb_policy(ParetoBasis::Partners)) {
        non_positive_turnover_is_d(&data, &p);
    }

    #[test]
    fn permuting_the_input_changes_nothing(
        data in arb_turnovers(),
        p in prop_oneof![arb_policy(ParetoBasis::Turnover), arb_policy(ParetoBasis::Partners)],
        seed in any::<u64>(),
    ) {
        let mut shuffled = data.clone();
        // A deterministic Fisher–Yates shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(segment(&data, &p).unwrap(), segment(&shuffled, &p).unwrap());
    }

    #[test]
    fn scaling_every_turnover_by_a_positive_factor_changes_no_segment(
        data in arb_turnovers(),
        p in prop_oneof![arb_policy(ParetoBasis::Turnover), arb_policy(ParetoBasis::Partners)],
        factor in prop_oneof![1i64..1000, 1i64..3].prop_flat_map(|m| (Just(m), 0u32..6)),
    ) {
        let factor = Decimal::new(factor.0, factor.1);
        let scaled: Vec<_> = data.iter().map(|(id, t)| (id.clone(), *t * factor)).collect();
        let a = segment(&data, &p).unwrap();
        let b = segment(&scaled, &p).unwrap();
        prop_assert_eq!(by_partner(&a), by_partner(&b));
        for (x, y) in a.entries().iter().zip(b.entries()) {
            prop_assert_eq!(x.before, y.before);
            prop_assert_eq!(x.after, y.after);
        }
    }

    #[test]
    fn under_the_upper_boundary_each_class_reaches_its_cutoff_but_not_without_its_last_tie_group(
        data in arb_turnovers(),
        p in arb_policy(ParetoBasis::Turnover).prop_map(|p| p.with_boundary(Boundary::Upper)),
    ) {
        let r = segment(&data, &p).unwrap();
        let base = r.base();
        prop_assume!(base > Decimal::ZERO);
        for (k, cut) in p.cutoffs().iter().enumerate() {
            // The classes up to this one: A, A+B, A+B+C, over positive turnover.
            let upto: Vec<_> = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO && e.segment as usize <= k).collect();
            let sum: Decimal = upto.iter().map(|e| e.turnover).sum();
            let more_positive = r.entries().iter().any(|e| e.turnover > Decimal::ZERO && e.segment as usize > k);
            if more_positive {
                // Reaches the cut-off (exact: sum / base ≥ cut / 100).
                prop_assert!(sum * Decimal::ONE_HUNDRED >= *cut * base, "class {k}: {sum} of {base} < {cut} %");
            }
            if let Some(last) = upto.last() {
                let without: Decimal = upto.iter().filter(|e| e.turnover != last.turnover).map(|e| e.turnover).sum();
                prop_assert!(without * Decimal::ONE_HUNDRED < *cut * base, "class {k} without its last tie group still reaches {cut} %");
            }
        }
    }

    #[test]
    fn under_the_upper_boundary_each_class_reaches_its_partner_share_but_not_without_its_last_tie_group(
        data in arb_turnovers(),
        p in arb_policy(ParetoBasis::Partners).prop_map(|p| p.with_boundary(Boundary::Upper)),
    ) {
        let r = segment(&data, &p).unwrap();
        let n = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO).count();
        prop_assume!(n > 0);
        let n = Decimal::from(n);
        for (k, cut) in p.cutoffs().iter().enumerate() {
            let upto: Vec<_> = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO && e.segment as usize <= k).collect();
            let more_positive = r.entries().iter().any(|e| e.turnover > Decimal::ZERO && e.segment as usize > k);
            let count = Decimal::from(upto.len());
            if more_positive {
                prop_assert!(count * Decimal::ONE_HUNDRED >= *cut * n);
            }
            if let Some(last) = upto.last() {
                let without = Decimal::from(upto.iter().filter(|e| e.turnover != last.turnover).count());
                prop_assert!(without * Decimal::ONE_HUNDRED < *cut * n);
            }
        }
    }

    #[test]
    fn under_the_lower_boundary_each_class_stays_within_its_cutoff_and_the_next_tie_group_would_cross_it(
        data in arb_turnovers(),
        p in arb_policy(ParetoBasis::Turnover).prop_map(|p| p.with_boundary(Boundary::Lower)),
    ) {
        let r = segment(&data, &p).unwrap();
        let base = r.base();
        prop_assume!(base > Decimal::ZERO);
        for (k, cut) in p.cutoffs().iter().enumerate() {
            // The classes up to this one: A, A+B, A+B+C, over positive turnover.
            let upto: Vec<_> = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO && e.segment as usize <= k).collect();
            let sum: Decimal = upto.iter().map(|e| e.turnover).sum();
            // Stays within the cut-off (exact: sum / base ≤ cut / 100).
            prop_assert!(sum * Decimal::ONE_HUNDRED <= *cut * base, "class {k}: {sum} of {base} > {cut} %");
            // The crossing tie group (the first one below these classes)
            // belongs to a lower class: with it they would pass the cut-off.
            if let Some(next) = r.entries().iter().find(|e| e.turnover > Decimal::ZERO && e.segment as usize > k) {
                let group: Decimal = r.entries().iter().filter(|e| e.turnover == next.turnover).map(|e| e.turnover).sum();
                prop_assert!((sum + group) * Decimal::ONE_HUNDRED > *cut * base, "class {k} with the next tie group still within {cut} %");
            }
        }
    }

    #[test]
    fn under_the_lower_boundary_each_class_stays_within_its_partner_share_and_the_next_tie_group_would_cross_it(
        data in arb_turnovers(),
        p in arb_policy(ParetoBasis::Partners).prop_map(|p| p.with_boundary(Boundary::Lower)),
    ) {
        let r = segment(&data, &p).unwrap();
        let n = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO).count();
        prop_assume!(n > 0);
        let n = Decimal::from(n);
        for (k, cut) in p.cutoffs().iter().enumerate() {
            let upto: Vec<_> = r.entries().iter().filter(|e| e.turnover > Decimal::ZERO && e.segment as usize <= k).collect();
            let count = Decimal::from(upto.len());
            prop_assert!(count * Decimal::ONE_HUNDRED <= *cut * n);
            if let Some(next) = r.entries().iter().find(|e| e.turnover > Decimal::ZERO && e.segment as usize > k) {
                let group = Decimal::from(r.entries().iter().filter(|e| e.turnover == next.turnover).count());
                prop_assert!((count + group) * Decimal::ONE_HUNDRED > *cut * n);
            }
        }
    }

    #[test]
    fn adding_a_zero_turnover_partner_changes_no_other_segment(
        data in arb_turnovers(),
        p in prop_oneof![arb_policy(ParetoBasis::Turnover), arb_policy(ParetoBasis::Partners)],
    ) {
        let before = by_partner(&segment(&data, &p).unwrap());
        let mut more = data.clone();
        let newcomer = PartnerId::new("zero-newcomer").unwrap();
        more.push((newcomer.clone(), Decimal::ZERO));
        let mut after = by_partner(&segment(&more, &p).unwrap());
        prop_assert_eq!(after.remove(&newcomer), Some(Segment::D));
        prop_assert_eq!(before, after);
    }

    #[test]
    fn raising_a_cutoff_never_moves_a_partner_to_a_lower_class(
        data in arb_turnovers(),
        low in arb_cutoffs(),
        which in 0usize..3,
        raise in 1u32..5000,
        basis in prop_oneof![Just(ParetoBasis::Turnover), Just(ParetoBasis::Partners)],
        lower in any::<bool>(),
    ) {
        let boundary = if lower { Boundary::Lower } else { Boundary::Upper };
        let mut high = low;
        high[which] += Decimal::new(i64::from(raise), 2);
        let Ok(raised) = ParetoPolicy::new(basis, high, boundary) else {
            return Ok(()); // raised past the next cut-off or 100 %: not a valid policy
        };
        let before = by_partner(&segment(&data, &ParetoPolicy::new(basis, low, boundary).unwrap()).unwrap());
        let after = by_partner(&segment(&data, &raised).unwrap());
        for (id, seg) in &before {
            // Segments order by value: the same or a higher class.
            prop_assert!(after[id] >= *seg, "{id}: {seg:?} -> {:?}", after[id]);
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn a_pareto_policy_survives_a_serde_round_trip(p in prop_oneof![arb_policy(ParetoBasis::Turnover), arb_policy(ParetoBasis::Partners)]) {
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<ParetoPolicy>(&json).unwrap(), p);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn an_invalid_pareto_policy_never_deserialises(a in -10i64..120, b in -10i64..120, c in -10i64..120) {
        let valid = 0 < a && a < b && b < c && c <= 100;
        let json = format!(r#"{{"cutoffs": {{"a": {a}, "b": {b}, "c": {c}}}}}"#);
        let parsed = serde_json::from_str::<ParetoPolicy>(&json);
        prop_assert_eq!(parsed.is_ok(), valid, "{}", json);
        if let Err(e) = parsed {
            prop_assert!(e.to_string().contains("cutoffs."), "{}", e);
        }
    }
}

#[cfg(feature = "serde")]
#[test]
fn unknown_policy_fields_are_rejected() {
    assert!(serde_json::from_str::<ParetoPolicy>(r#"{"basis": "turnover", "cutof": {"a": 80}}"#).is_err());
    let p: ParetoPolicy = serde_json::from_str(r#"{"basis": "partners"}"#).unwrap();
    assert_eq!(p, ParetoPolicy::partner_share());
}

proptest! {
    /// The review lays out its own classes (tie group by tie group, each
    /// group's shares worked out once): every partner's segment evidence,
    /// the Pareto table and the concentration figures are those of
    /// `segment` on the same turnovers, for both bases and boundaries.
    #[test]
    fn the_review_segments_its_partners_as_segment_does(
        data in arb_turnovers_with_zeros(),
        p in prop_oneof![arb_policy(ParetoBasis::Turnover), arb_policy(ParetoBasis::Partners)],
    ) {
        use chrono::NaiveDate;
        use partner_priority::{Currency, Ledger, Money, Policy, Review, Sale};
        let date = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
        let mut ledger = Ledger::new(Currency::RUB);
        for (id, t) in &data {
            ledger.record(Sale::new(id.clone(), date, Money::new(*t, Currency::RUB))).unwrap();
        }
        let mut policy = Policy::default();
        policy.pareto = p;
        let portfolio = Review::new(&ledger, NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()).run(&policy).unwrap();
        let expected = segment(&data, &p).unwrap();
        prop_assert_eq!(portfolio.assessments().count(), expected.entries().len());
        for e in expected.entries() {
            let got = portfolio.get(&e.partner).unwrap().segment_evidence();
            prop_assert_eq!(&got, e, "{}", e.partner);
        }
        prop_assert_eq!(portfolio.pareto(), expected.table());
        prop_assert_eq!(portfolio.concentration(), expected.concentration());
        prop_assert_eq!(portfolio.lorenz(), expected.lorenz());
    }
}

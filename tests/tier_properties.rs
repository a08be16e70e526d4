//! Properties of tiers, hysteresis and reviews, each its own test.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;

use partner_priority::review::{Migrations, Placement};
use partner_priority::tier::{Averaging, DemotionSteps, Floor, TierPolicy, TierState};
use partner_priority::{Currency, Money, PartnerId, Segment, Tier};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn rub(kopecks: i64) -> Money {
    Money::new(Decimal::new(kopecks, 2), Currency::RUB)
}

/// Policies with random floors (kopecks), inclusivity and hysteresis.
fn arb_policy() -> impl Strategy<Value = TierPolicy> {
    (
        proptest::collection::btree_set(0i64..100_000_000_00, 3),
        any::<[bool; 3]>(),
        1u32..5,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(floors, incl, after, one_step, whole)| {
            let f: Vec<i64> = floors.into_iter().collect();
            let floor = |k: usize| {
                let a = Decimal::new(f[k], 2);
                if incl[k] { Floor::at_least(a) } else { Floor::above(a) }
            };
            TierPolicy::builder(Currency::RUB)
                .bronze(floor(0))
                .silver(floor(1))
                .gold(floor(2))
                .demote_after(after)
                .demotion_steps(if one_step { DemotionSteps::One } else { DemotionSteps::Unlimited })
                .averaging(if whole { Averaging::WholeWindow } else { Averaging::SinceStart })
                .build()
                .unwrap()
        })
}

fn amount() -> impl Strategy<Value = i64> {
    prop_oneof![-1_000_000_00i64..200_000_000_00, 0i64..1_000_000_00]
}

proptest! {
    // proptest's default: 256 cases, or PROPTEST_CASES when set (the
    // mutation run sets fewer).
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn the_tier_is_monotone_in_the_monthly_figure(p in arb_policy(), a in amount(), b in amount()) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(p.tier_of(rub(lo)).unwrap() <= p.tier_of(rub(hi)).unwrap());
    }

    #[test]
    fn every_amount_has_exactly_one_tier(p in arb_policy(), a in amount()) {
        let tier = p.tier_of(rub(a)).unwrap();
        let x = Decimal::new(a, 2);
        let reaches = |t: Tier| match p.floor(t) {
            None => true,
            Some(f) if f.is_inclusive() => x >= f.amount(),
            Some(f) => x > f.amount(),
        };
        // The amount reaches its tier's floor and not the next one's.
        prop_assert!(reaches(tier));
        if let Some(next) = tier.next() {
            prop_assert!(!reaches(next));
        }
        // Exactly one tier holds the amount (it reaches the tier's floor and
        // not the next one's), and it is the library's.
        let holding: Vec<Tier> =
            Tier::ALL.iter().copied().filter(|&t| reaches(t) && t.next().is_none_or(|n| !reaches(n))).collect();
        prop_assert_eq!(holding, vec![tier]);
    }

    #[test]
    fn the_average_over_months_gives_the_same_tier_as_the_monthly_figure(p in arb_policy(), monthly in 0i64..100_000_000_00, months in 1u32..36) {
        let total = rub(monthly * i64::from(months));
        prop_assert_eq!(p.assign(total, months, None).unwrap().tier, p.tier_of(rub(monthly)).unwrap());
    }

    #[test]
    fn with_n_equal_1_hysteresis_equals_the_plain_rule(figures in proptest::collection::vec(amount(), 1..20)) {
        let p = TierPolicy::default();
        let mut state: Option<TierState> = None;
        for f in figures {
            let a = p.assign(rub(f), 1, state).unwrap();
            prop_assert_eq!(a.tier, p.tier_of(rub(f)).unwrap());
            prop_assert_eq!(a.tier, a.plain);
            prop_assert!(!a.progress.drops_at_next_review);
            state = Some(a.state());
        }
    }

    #[test]
    fn promotion_applies_at_once(p in arb_policy(), prev in 0usize..4, f in amount()) {
        let prev = Tier::ALL[prev];
        let a = p.assign(rub(f), 1, Some(TierState::new(prev, 0))).unwrap();
        if a.plain > prev {
            prop_assert_eq!(a.tier, a.plain);
        }
    }

    #[test]
    fn with_n_above_1_a_single_dip_below_the_floor_never_demotes(n in 2u32..6, dip in 0i64..499_999_99, back in 500_000_01i64..2_000_000_00) {
        let p = TierPolicy::builder(Currency::RUB).demote_after(n).build().unwrap();
        let gold = p.assign(rub(back), 1, None).unwrap();
        prop_assert_eq!(gold.tier, Tier::Gold);
        let dipped = p.assign(rub(dip), 1, Some(gold.state())).unwrap();
        prop_assert_eq!(dipped.tier, Tier::Gold);
        prop_assert_eq!(dipped.progress.drops_at_next_review, n == 2);
        let recovered = p.assign(rub(back), 1, Some(dipped.state())).unwrap();
        prop_assert_eq!(recovered.tier, Tier::Gold);
        prop_assert_eq!(recovered.below_reviews, 0);
    }

    #[test]
    fn with_n_above_1_n_consecutive_dips_demote(n in 2u32..6, dip in 0i64..499_999_99, one_step in any::<bool>()) {
        let steps = if one_step { DemotionSteps::One } else { DemotionSteps::Unlimited };
        let p = TierPolicy::builder(Currency::RUB).demote_after(n).demotion_steps(steps).build().unwrap();
        let mut state = TierState::new(Tier::Gold, 0);
        for k in 1..=n {
            let a = p.assign(rub(dip), 1, Some(state)).unwrap();
            if k < n {
                prop_assert_eq!(a.tier, Tier::Gold);
            } else {
                let expected = if one_step { Tier::Silver } else { a.plain };
                prop_assert_eq!(a.tier, expected);
            }
            state = a.state();
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn a_tier_policy_survives_a_serde_round_trip(p in arb_policy()) {
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<TierPolicy>(&json).unwrap(), p);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn an_invalid_tier_policy_never_deserialises(b in -5i64..50, s in -5i64..50, g in -5i64..50, after in 0u32..3) {
        let valid = 0 <= b && b < s && s < g && after >= 1;
        let json = format!(
            r#"{{"currency": "RUB", "gold": {{"above": {g}}}, "silver": {{"from": {s}}}, "bronze": {{"from": {b}}}, "demotion": {{"after_reviews": {after}}}}}"#
        );
        let parsed = serde_json::from_str::<TierPolicy>(&json);
        prop_assert_eq!(parsed.is_ok(), valid, "{}", json);
        if let Err(e) = parsed {
            let msg = e.to_string();
            prop_assert!(["bronze.from", "silver.from", "gold.above", "demotion.after_reviews"].iter().any(|f| msg.contains(f)), "{}", msg);
        }
    }

    #[test]
    fn a_partner_only_in_the_current_review_is_new_and_only_in_the_previous_is_gone(
        prev in proptest::collection::btree_map(0u16..60, (0usize..4, 0usize..4), 0..40),
        cur in proptest::collection::btree_map(0u16..60, (0usize..4, 0usize..4), 0..40),
    ) {
        let place = |m: &std::collections::BTreeMap<u16, (usize, usize)>| -> Vec<Placement> {
            m.iter().map(|(id, (s, t))| Placement::new(PartnerId::new(&format!("p{id}")).unwrap(), Segment::ALL[*s], Tier::ALL[*t])).collect()
        };
        let (p, c) = (place(&prev), place(&cur));
        let r = Migrations::between(&p, &c).unwrap();
        let pk: HashSet<u16> = prev.keys().copied().collect();
        let ck: HashSet<u16> = cur.keys().copied().collect();
        let ids = |s: &HashSet<u16>| { let mut v: Vec<PartnerId> = s.iter().map(|i| PartnerId::new(&format!("p{i}")).unwrap()).collect(); v.sort(); v };
        prop_assert_eq!(&r.new, &ids(&ck.difference(&pk).copied().collect()));
        prop_assert_eq!(&r.gone, &ids(&pk.difference(&ck).copied().collect()));
        let both = pk.intersection(&ck).count() as u64;
        prop_assert_eq!(r.segments.matrix.iter().flatten().sum::<u64>(), both);
        prop_assert_eq!(r.tiers.matrix.iter().flatten().sum::<u64>(), both);
        prop_assert_eq!(r.segments.up.len() as u64 + r.segments.down.len() as u64 + r.segments.unchanged, both);
        prop_assert_eq!(r.tiers.up.len() as u64 + r.tiers.down.len() as u64 + r.tiers.unchanged, both);
        // Reversing either list changes nothing.
        let (mut p2, mut c2) = (p.clone(), c.clone());
        p2.reverse();
        c2.reverse();
        prop_assert_eq!(Migrations::between(&p2, &c2).unwrap(), r);
    }
}

//! A network large enough for the assessment to use several threads, with
//! many ties: the priority order, the ranks, the lookup by id and the
//! segments hold as documented.

#![allow(clippy::unwrap_used)]

use std::cmp::Reverse;

use chrono::NaiveDate;
use partner_priority::review::Assessment;
use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Portfolio, Review, Sale, Segment};
use rust_decimal::Decimal;

fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).unwrap()
}

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

/// `partners` partners; turnovers repeat every 997 partners (many ties),
/// one in seven has nothing in the window (all tied at zero).
fn network(partners: u64, giant: bool) -> Ledger {
    let mut sales = Vec::new();
    for p in 0..partners {
        let id = PartnerId::new(&format!("N-{:06}", (p * 7919) % partners)).unwrap();
        let (months, kopecks): (&[u32], i64) = if p % 7 == 0 {
            (&[1], 10_000_00) // 2025: before the window
        } else {
            (&[2, 5, 9], ((p % 997) as i64 + 1) * 1_000_00)
        };
        for &m in months {
            let date = if p % 7 == 0 { NaiveDate::from_ymd_opt(2025, m, 3).unwrap() } else { day(m, 3) };
            sales.push(Sale::new(id.clone(), date, Money::new(Decimal::new(kopecks, 2), Currency::RUB)));
        }
    }
    if giant {
        // A window total beyond what 64 bits of kopecks hold.
        let id = PartnerId::new("Giant").unwrap();
        for m in [2, 3, 4] {
            let amount = Decimal::new(4_000_000_000_000_000_000, 2);
            sales.push(Sale::new(id.clone(), day(m, 1), Money::new(amount, Currency::RUB)));
        }
    }
    let mut ledger = Ledger::new(Currency::RUB);
    ledger.record_all(&sales).unwrap();
    ledger
}

fn run(ledger: &Ledger) -> Portfolio {
    Review::new(ledger, as_of()).run(&Policy::default()).unwrap()
}

/// Asserts the documented priority order and ranks 1..n; returns the number
/// of neighbours tied on urgency, score and turnover.
fn assert_priority_order(p: &Portfolio) -> usize {
    let all: Vec<&Assessment> = p.assessments().collect();
    let ranks: Vec<u32> = all.iter().map(|a| a.rank()).collect();
    assert_eq!(ranks, (1..=all.len() as u32).collect::<Vec<u32>>());
    let key = |a: &Assessment| (Reverse(a.is_urgent()), Reverse(a.score()), Reverse(a.turnover()));
    for pair in all.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        assert!(key(a) < key(b) || (key(a) == key(b) && a.id() < b.id()), "{} before {}", a.id(), b.id());
    }
    all.windows(2).filter(|w| key(w[0]) == key(w[1])).count()
}

#[test]
fn a_large_network_is_ranked_by_urgency_score_turnover_and_id() {
    let p = run(&network(60_000, false));
    assert_eq!(p.assessments().len(), 60_000);
    // Ties are the norm here: partners that share score and turnover.
    assert!(assert_priority_order(&p) > 10_000);
}

#[test]
fn every_partner_of_a_large_network_is_found_by_id() {
    let p = run(&network(30_000, false));
    for a in p.assessments() {
        assert!(std::ptr::eq(p.get(a.id()).unwrap(), a), "{}", a.id());
    }
    assert!(p.get(&PartnerId::new("N-999999").unwrap()).is_none());
    assert!(p.get(&PartnerId::new("nobody").unwrap()).is_none());
}

#[test]
fn a_turnover_beyond_64_bits_is_segmented_like_any_other() {
    let plain = run(&network(25_000, false));
    let with_giant = run(&network(25_000, true));
    let giant = with_giant.get(&PartnerId::new("Giant").unwrap()).unwrap();
    assert_eq!((giant.segment(), giant.segment_rank()), (Segment::A, 1));
    // Ranked by the general comparison (a turnover beyond 64 bits).
    assert!(assert_priority_order(&with_giant) > 5_000);
    // Everyone else keeps their order by turnover (their shares shrink).
    let order = |p: &Portfolio| {
        let mut v: Vec<(u32, String)> = p
            .assessments()
            .filter(|a| a.id().as_str() != "Giant")
            .map(|a| (a.segment_rank(), a.id().to_string()))
            .collect();
        v.sort();
        v.into_iter().map(|(_, id)| id).collect::<Vec<_>>()
    };
    assert_eq!(order(&plain), order(&with_giant));
}

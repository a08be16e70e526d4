//! Properties of the ledger, through the public API: merging is associative
//! and commutative and equals recording everything into one ledger in any
//! order; a failing call changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use partner_priority::{Currency, Ledger, Money, PartnerId, Sale};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A document: its lines share an invoice id (or it is one line without one).
#[derive(Clone, Debug)]
struct Doc {
    lines: Vec<Sale>,
}

fn day(offset: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(u64::from(offset))
}

fn line(partner: u8, offset: u32, kopecks: i64, margin: Option<i64>, due: Option<u32>, paid: Option<u32>) -> Sale {
    let id = PartnerId::new(&format!("P{partner}")).unwrap();
    let mut sale = Sale::new(id, day(offset), Money::new(Decimal::new(kopecks, 2), Currency::RUB));
    if let Some(m) = margin {
        sale = sale.with_margin(Decimal::new(m, 2));
    }
    if let Some(d) = due {
        sale = sale.with_due_date(day(offset + d));
        if let Some(p) = paid {
            sale = sale.with_paid_date(day(offset + p));
        }
    }
    sale
}

fn arb_line(partner: u8) -> impl Strategy<Value = Sale> {
    (
        0u32..730,
        -5_000_000i64..50_000_000,
        proptest::option::of(-1_000_000i64..10_000_000),
        proptest::option::of(0u32..60),
        proptest::option::of(0u32..120),
    )
        .prop_map(move |(offset, kopecks, margin, due, paid)| line(partner, offset, kopecks, margin, due, paid))
}

/// Documents with unique invoice ids (`n` is the document's number).
fn arb_docs(max: usize) -> impl Strategy<Value = Vec<Doc>> {
    proptest::collection::vec((0u8..6, 1usize..4, any::<bool>()), 0..max).prop_flat_map(|shapes| {
        let docs: Vec<_> = shapes
            .into_iter()
            .enumerate()
            .map(|(n, (partner, lines, with_id))| {
                let count = if with_id { lines } else { 1 };
                proptest::collection::vec(arb_line(partner), count).prop_map(move |lines| Doc {
                    lines: if with_id {
                        lines.into_iter().map(|s| s.with_invoice(format!("INV-{n}"))).collect()
                    } else {
                        lines
                    },
                })
            })
            .collect();
        docs
    })
}

/// Documents, the same documents in a random order with each one's lines in
/// a random order, and all their lines in one random order (documents
/// interleaved).
fn arb_docs_in_any_order(max: usize) -> impl Strategy<Value = (Vec<Doc>, Vec<Doc>, Vec<Sale>)> {
    arb_docs(max).prop_flat_map(|docs| {
        let each_shuffled: Vec<_> =
            docs.iter().map(|d| Just(d.lines.clone()).prop_shuffle().prop_map(|lines| Doc { lines })).collect();
        let lines: Vec<Sale> = docs.iter().flat_map(|d| d.lines.clone()).collect();
        (Just(docs), each_shuffled.prop_shuffle(), Just(lines).prop_shuffle())
    })
}

fn ledger_of(docs: &[Doc]) -> Ledger {
    let mut ledger = Ledger::new(Currency::RUB);
    for doc in docs {
        ledger.record_all(doc.lines.clone()).unwrap();
    }
    ledger
}

/// Splits documents into `parts` ledgers by the given assignment.
fn split(docs: &[Doc], assignment: &[usize], parts: usize) -> Vec<Ledger> {
    let mut groups = vec![Vec::new(); parts];
    for (doc, &to) in docs.iter().zip(assignment.iter().cycle()) {
        groups[to % parts].push(doc.clone());
    }
    groups.iter().map(|g| ledger_of(g)).collect()
}

fn merged(mut a: Ledger, b: Ledger) -> Ledger {
    a.merge(b).unwrap();
    a
}

proptest! {
    // 128 cases, or PROPTEST_CASES when set (the mutation run sets fewer).
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(128)
    ))]

    #[test]
    fn merging_is_commutative(docs in arb_docs(30), assignment in proptest::collection::vec(0usize..2, 1..30)) {
        let parts = split(&docs, &assignment, 2);
        let ab = merged(parts[0].clone(), parts[1].clone());
        let ba = merged(parts[1].clone(), parts[0].clone());
        prop_assert_eq!(ab, ba);
    }

    #[test]
    fn merging_is_associative(docs in arb_docs(30), assignment in proptest::collection::vec(0usize..3, 1..30)) {
        let parts = split(&docs, &assignment, 3);
        let left = merged(merged(parts[0].clone(), parts[1].clone()), parts[2].clone());
        let right = merged(parts[0].clone(), merged(parts[1].clone(), parts[2].clone()));
        prop_assert_eq!(left, right);
    }

    #[test]
    fn merged_chunks_equal_one_ledger_recorded_in_any_order(
        (docs, shuffled_docs, shuffled_lines) in arb_docs_in_any_order(40),
        assignment in proptest::collection::vec(0usize..4, 1..40),
    ) {
        // One ledger, every document as its own call, the documents and
        // each one's lines in a random order ...
        let mut doc_by_doc = Ledger::new(Currency::RUB);
        for doc in &shuffled_docs {
            doc_by_doc.record_all(doc.lines.clone()).unwrap();
        }
        // ... one ledger with everything in one batch, in the generated
        // order and in a random order ...
        let mut one_batch = Ledger::new(Currency::RUB);
        one_batch.record_all(docs.iter().flat_map(|d| d.lines.clone())).unwrap();
        let mut shuffled_batch = Ledger::new(Currency::RUB);
        shuffled_batch.record_all(shuffled_lines).unwrap();
        // ... and four chunks merged.
        let chunks = split(&docs, &assignment, 4);
        let all = chunks.into_iter().reduce(merged).unwrap();
        prop_assert_eq!(&doc_by_doc, &one_batch);
        prop_assert_eq!(&shuffled_batch, &one_batch);
        prop_assert_eq!(&all, &one_batch);
    }

    #[test]
    fn a_failing_batch_leaves_the_ledger_unchanged(
        docs in arb_docs(20),
        extra in arb_docs(5),
        bad_kind in 0u8..5,
        bad_at in any::<proptest::sample::Index>(),
    ) {
        let mut ledger = ledger_of(&docs);
        let before = ledger.clone();
        let mut batch: Vec<Sale> = extra
            .iter()
            .flat_map(|d| d.lines.clone())
            .map(|s| match s.invoice() {
                // Keep the extra documents' ids apart from the recorded ones.
                Some(id) => s.clone().with_invoice(format!("X-{id}")),
                None => s,
            })
            .collect();
        let bad = match bad_kind {
            0 => line(1, 3, 100, None, None, None).with_invoice("X-unique").clone(),
            1 => Sale::new(PartnerId::new("P1").unwrap(), day(1), Money::new(Decimal::ONE, Currency::EUR)),
            2 => Sale::new(PartnerId::new("P1").unwrap(), day(1), Money::new(Decimal::new(1, 3), Currency::RUB)),
            3 => Sale::new(PartnerId::new("P1").unwrap(), day(1), Money::new(Decimal::MAX, Currency::RUB)),
            _ => line(1, 3, 100, None, None, None).with_invoice(" bad id"),
        };
        let bad = if bad_kind == 0 {
            // A resend of an invoice the ledger holds, when there is one.
            match docs.iter().flat_map(|d| d.lines.iter()).find_map(|s| s.invoice()) {
                Some(id) => bad.with_invoice(id.to_owned()),
                None => Sale::new(PartnerId::new("P1").unwrap(), day(1), Money::new(Decimal::ONE, Currency::USD)),
            }
        } else {
            bad
        };
        let at = bad_at.index(batch.len() + 1);
        batch.insert(at, bad);
        let err = ledger.record_all(batch).unwrap_err();
        prop_assert_eq!(err.line(), Some(at as u64 + 1));
        prop_assert_eq!(&ledger, &before);
    }

    #[test]
    fn a_failing_merge_leaves_the_ledger_unchanged(docs in arb_docs(20), other in arb_docs(10)) {
        let mut ledger = ledger_of(&docs);
        let before = ledger.clone();
        // The other ledger holds a resent invoice or a different currency.
        let mut resend = ledger_of(&other);
        let clash = docs.iter().flat_map(|d| d.lines.iter()).find(|s| s.invoice().is_some()).cloned();
        match clash {
            Some(sale) => {
                let fresh = resend.record(sale);
                prop_assume!(fresh.is_ok());
                prop_assert!(ledger.merge(resend).unwrap_err().is_duplicate());
            }
            None => {
                let eur = Ledger::new(Currency::EUR);
                prop_assert!(ledger.merge(eur).unwrap_err().is_currency_mismatch());
            }
        }
        prop_assert_eq!(&ledger, &before);
    }
}

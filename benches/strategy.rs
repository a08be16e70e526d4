//! The strategy lookup: composing one partner's strategy from the playbook.

#![allow(missing_docs, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use partner_priority::risk::RiskProfile;
use partner_priority::strategy::Playbook;
use partner_priority::{Segment, Tier};

fn bench(c: &mut Criterion) {
    let playbook = Playbook::russian();
    let risk = RiskProfile::default();
    c.bench_function("strategy lookup", |b| {
        b.iter(|| {
            for tier in Tier::ALL {
                for segment in Segment::ALL {
                    black_box(playbook.strategy(black_box(tier), black_box(segment), &risk));
                }
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

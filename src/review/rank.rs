//! The priority order: urgent first, then by score and turnover, then by
//! partner id.

use std::sync::atomic::{AtomicBool, Ordering};

use super::assessment::Assessment;
use crate::error::Result;
use crate::partner::PartnerId;
use crate::util::exact::mantissa_at;
use crate::util::par;

/// A partner's priority key: urgent, score (4 decimal places) and turnover
/// (at the ledger's scale) as integers, and its position in the review.
pub(super) type RankKey = (bool, i128, i128, u32);

/// The first 16 bytes of a partner id as a number, zeros after a shorter
/// id: ids in order have heads in order (equal heads decide nothing).
pub(super) fn id_head(id: &str) -> u128 {
    let mut head = [0u8; 16];
    for (h, b) in head.iter_mut().zip(id.as_bytes()) {
        *h = *b;
    }
    u128::from_be_bytes(head)
}

/// A partner's priority key in one sortable value of 32 bytes, ascending in
/// priority order: the packed key ([`pack`]; 97 bits), the first 12 bytes
/// of the id ([`id_head`]) and the partner's position (32 bits). With the
/// heads in the sort, ties of score and turnover (half the partners of the
/// benchmark's network) are settled there, not by fetching each one's id
/// afterwards; ids are compared only where keys and heads are equal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PriorityKey(u128, u128);

impl PriorityKey {
    /// The key of `packed` (below 2^97), an id's `head` and a position.
    fn new(packed: u128, head: u128, pos: u32) -> PriorityKey {
        // The head's first 96 bits: 31 beside the packed key, 65 beside
        // the position.
        let head = head >> 32;
        PriorityKey((packed << 31) | (head >> 65), ((head & ((1 << 65) - 1)) << 32) | u128::from(pos))
    }

    /// The key of the assessment at `pos`, when its key packs (see
    /// [`pack`]).
    fn of(pos: usize, a: &Assessment, scale: u32) -> Option<PriorityKey> {
        let key = key(pos, a, scale);
        Some(PriorityKey::new(pack(&key)?, id_head(a.id.as_str()), key.3))
    }

    /// The key without the position: equal for partners whose order the
    /// ids decide.
    fn tie(&self) -> (u128, u128) {
        (self.0, self.1 >> 32)
    }

    /// The position.
    fn pos(&self) -> u32 {
        self.1 as u32
    }
}

/// Makes [`PriorityKey`]s, noting whether any did not pack.
#[derive(Debug, Default)]
pub(super) struct KeyMaker(AtomicBool);

impl KeyMaker {
    /// The key of the assessment at `pos`, or a placeholder, noted, when
    /// it does not pack.
    pub(super) fn key(&self, pos: usize, a: &Assessment, scale: u32) -> PriorityKey {
        PriorityKey::of(pos, a, scale).unwrap_or_else(|| {
            self.0.store(true, Ordering::Relaxed);
            PriorityKey::default()
        })
    }

    /// `keys`, made by this maker, if every one packed.
    pub(super) fn keys(self, keys: Vec<PriorityKey>) -> Option<Vec<PriorityKey>> {
        (!self.0.into_inner()).then_some(keys)
    }
}

/// The priority key of the assessment at `pos`.
fn key(pos: usize, a: &Assessment, scale: u32) -> RankKey {
    (a.urgent.is_some(), i128::from(a.score), mantissa_at(a.turnover(), scale), u32::try_from(pos).unwrap_or(u32::MAX))
}

/// Ranks the assessments in place: each gets its rank (1 first), and the
/// positions in rank order are returned. No assessment moves.
///
/// `keys` are the assessments' [`PriorityKey`]s, made by the review's pass
/// while it had each assessment at hand (a pass of their own over a
/// million assessments took a third of the ranking), or `None` when some
/// key does not pack or the pass did not make them.
pub(super) fn rank(assessments: &mut [Assessment], scale: u32, keys: Option<Vec<PriorityKey>>) -> Result<Vec<u32>> {
    // The usual case: every key packs, 32 bytes a partner. (The general
    // case, a turnover beyond an `i64` of minor units or a score beyond an
    // `i32`, holds its keys and their numbered copy at once: 80 bytes a
    // partner.)
    let keys = match keys {
        Some(keys) => Some(keys),
        None => {
            let maker = KeyMaker::default();
            let keys = par::map_init(assessments, || (), |_, pos, a| maker.key(pos, a, scale))?;
            maker.keys(keys)
        }
    };
    let order = match keys {
        Some(keys) => Order::Packed(keys),
        None => Order::Keys(par::map_init(assessments, || (), |_, pos, a| key(pos, a, scale))?),
    };
    let order = {
        let all: &[Assessment] = assessments;
        let id = |i: u32| all.get(i as usize).map(|a| &a.id);
        let head = |i: u32| all.get(i as usize).map_or(0, |a| id_head(a.id.as_str()));
        order.sorted(head, id)?
    };
    let mut rank_of = vec![0u32; order.len()];
    for (r, &pos) in order.iter().enumerate() {
        if let Some(slot) = rank_of.get_mut(pos as usize) {
            *slot = u32::try_from(r + 1).unwrap_or(u32::MAX);
        }
    }
    par::for_each_mut(assessments, |i, a| a.rank = rank_of.get(i).copied().unwrap_or(u32::MAX))?;
    Ok(order)
}

/// A priority key as one integer, ascending in priority order, when the
/// score fits an `i32` and the turnover (an integer at the ledger's scale)
/// an `i64`: always, but for turnovers beyond about 9.2 × 10^18 of the
/// ledger's smallest units. Bits: not urgent (1), score (32), turnover
/// (64); score and turnover as unsigned numbers in the same order,
/// inverted.
fn pack(&(urgent, score, turnover, _): &RankKey) -> Option<u128> {
    let (score, turnover) = (i32::try_from(score).ok()?, i64::try_from(turnover).ok()?);
    let score = !((score as u32) ^ (1 << 31));
    let turnover = !((turnover as u64) ^ (1 << 63));
    Some((u128::from(!urgent) << 96) | (u128::from(score) << 64) | u128::from(turnover))
}

/// The keys to put in priority order.
enum Order {
    /// Packed keys.
    Packed(Vec<PriorityKey>),
    /// Keys that do not all pack.
    Keys(Vec<RankKey>),
}

/// The positions of `keys` in priority order ([`Order::sorted`]): what
/// [`rank`] does from the assessments, for the tests to give keys of their
/// own.
#[cfg(test)]
pub(super) fn priority_order<'a>(
    keys: Vec<RankKey>,
    head: impl Fn(u32) -> u128 + Sync,
    id: impl Fn(u32) -> Option<&'a PartnerId> + Sync,
) -> Result<Vec<u32>> {
    let order =
        match keys.iter().map(|k| pack(k).map(|p| PriorityKey::new(p, head(k.3), k.3))).collect::<Option<Vec<_>>>() {
            Some(packed) => Order::Packed(packed),
            None => Order::Keys(keys),
        };
    order.sorted(head, id)
}

impl Order {
    /// The positions of the keys (urgent, score, turnover, position) in
    /// priority order: urgent first, then by score and turnover,
    /// descending, then by partner id (`id` of a position), ascending. The
    /// integer keys and the ids' first bytes (as numbers in the same order,
    /// `head` of a position, see [`id_head`]) are sorted first; ids are
    /// read only within runs of equal keys and heads.
    fn sorted<'a>(
        self,
        head: impl Fn(u32) -> u128 + Sync,
        id: impl Fn(u32) -> Option<&'a PartnerId> + Sync,
    ) -> Result<Vec<u32>> {
        let mut order: Vec<PriorityKey> = match self {
            Order::Packed(order) => order,
            Order::Keys(mut keys) => {
                par::sort_unstable_by(&mut keys, |x, y| {
                    y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)).then(x.3.cmp(&y.3))
                })?;
                keys.iter()
                    .scan((0u128, None), |state, k| {
                        // Number the distinct (urgent, score, turnover) keys
                        // (fewer than 2^32, so below 2^97 as packed keys).
                        let this = (k.0, k.1, k.2);
                        if state.1 != Some(this) {
                            state.0 += 1;
                            state.1 = Some(this);
                        }
                        Some(PriorityKey::new(state.0, head(k.3), k.3))
                    })
                    .collect()
            }
        };
        // The keys ascending = the order wanted.
        par::sort_unstable(&mut order)?;
        for run in order.chunk_by_mut(|x, y| x.tie() == y.tie()) {
            if run.len() > 1 {
                run.sort_unstable_by(|x, y| id(x.pos()).cmp(&id(y.pos())));
            }
        }
        Ok(order.iter().map(PriorityKey::pos).collect())
    }
}

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

/// Ranks the assessments in place: each gets its rank (1 first), and the
/// positions in rank order are returned. No assessment moves.
pub(super) fn rank(assessments: &mut [Assessment], scale: u32) -> Result<Vec<u32>> {
    let key = |pos: usize, a: &Assessment| -> RankKey {
        (
            a.urgent.is_some(),
            i128::from(a.score),
            mantissa_at(a.turnover, scale),
            u32::try_from(pos).unwrap_or(u32::MAX),
        )
    };
    // The usual case: every key packs into one integer, made straight from
    // the assessments with the head of the partner's id, 48 bytes a
    // partner. With the heads in the sort, ties of score and turnover (half
    // the partners of the benchmark's network) are settled there, not by
    // fetching each one's head from memory afterwards. (The general case,
    // a turnover beyond an `i64` of minor units or a score beyond an `i32`,
    // holds its keys and their numbered copy at once: 96 bytes a partner.)
    let unpacked = AtomicBool::new(false);
    let packed: Vec<(u128, u128, u32)> = par::map_init(
        assessments,
        || (),
        |_, pos, a| {
            let k = key(pos, a);
            let packed = pack(&k).unwrap_or_else(|| {
                unpacked.store(true, Ordering::Relaxed);
                0
            });
            (packed, id_head(a.id.as_str()), k.3)
        },
    )?;
    let order = if unpacked.into_inner() {
        drop(packed);
        Order::Keys(par::map_init(assessments, || (), |_, pos, a| key(pos, a))?)
    } else {
        Order::Packed(packed)
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
    /// Packed keys ([`pack`]) with the heads of the ids ([`id_head`]) and
    /// their positions.
    Packed(Vec<(u128, u128, u32)>),
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
    let order = match keys.iter().map(|k| pack(k).map(|p| (p, head(k.3), k.3))).collect::<Option<Vec<_>>>() {
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
        let mut order: Vec<(u128, u128, u32)> = match self {
            Order::Packed(order) => order,
            Order::Keys(mut keys) => {
                par::sort_unstable_by(&mut keys, |x, y| {
                    y.0.cmp(&x.0).then(y.1.cmp(&x.1)).then(y.2.cmp(&x.2)).then(x.3.cmp(&y.3))
                })?;
                keys.iter()
                    .scan((0u128, None), |state, k| {
                        // Number the distinct (urgent, score, turnover) keys.
                        let this = (k.0, k.1, k.2);
                        if state.1 != Some(this) {
                            state.0 += 1;
                            state.1 = Some(this);
                        }
                        Some((state.0, head(k.3), k.3))
                    })
                    .collect()
            }
        };
        // One integer key and the head, ascending = the order wanted.
        par::sort_unstable(&mut order)?;
        for run in order.chunk_by_mut(|x, y| x.0 == y.0 && x.1 == y.1) {
            if run.len() > 1 {
                run.sort_unstable_by(|x, y| id(x.2).cmp(&id(y.2)));
            }
        }
        Ok(order.into_iter().map(|(_, _, pos)| pos).collect())
    }
}

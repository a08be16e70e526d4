//! Work split over the machine's cores with scoped threads.

use crate::error::{Error, Result};

/// The threads worth starting for parallel work: the available
/// parallelism, at least 1 and at most 8.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, 8)
}

/// `f` of each run, on its own thread if there are several; the results in
/// run order. A thread that cannot be started or that panics is an error.
pub(crate) fn on_each<T: Send, R: Send>(runs: Vec<T>, f: impl Fn(T) -> R + Sync) -> Result<Vec<R>> {
    if runs.len() <= 1 {
        return Ok(runs.into_iter().map(f).collect());
    }
    let failed = || Error::overflow("a worker thread");
    std::thread::scope(|scope| {
        let f = &f;
        let threads: Vec<_> =
            runs.into_iter().map(|run| std::thread::Builder::new().spawn_scoped(scope, move || f(run))).collect();
        threads.into_iter().map(|t| t.map_err(|_| failed())?.join().map_err(|_| failed())).collect()
    })
}

/// `f` of each chunk of `items` (see [`on_each`]).
pub(crate) fn on_chunks<T: Sync, R: Send>(items: &[T], chunk: usize, f: impl Fn(&[T]) -> R + Sync) -> Result<Vec<R>> {
    if items.len() <= chunk {
        return Ok(vec![f(items)]);
    }
    on_each(items.chunks(chunk.max(1)).collect(), f)
}

/// From this length on, [`sort_unstable`] sorts on two threads.
const PARALLEL_SORT_FROM: usize = 1 << 16;

/// `v` sorted ascending, as `slice::sort_unstable` would (for keys whose
/// equal values are indistinguishable, such as integers): large vectors are
/// sorted in two halves on two threads and merged.
pub(crate) fn sort_unstable<T: Ord + Copy + Send>(mut v: Vec<T>) -> Vec<T> {
    if v.len() < PARALLEL_SORT_FROM || cores() < 2 {
        v.sort_unstable();
        return v;
    }
    let mid = v.len() / 2;
    let (low, high) = v.split_at_mut(mid);
    let both = std::thread::scope(|scope| {
        let Ok(other) = std::thread::Builder::new().spawn_scoped(scope, || low.sort_unstable()) else {
            return false;
        };
        high.sort_unstable();
        other.join().is_ok()
    });
    if !both {
        // No second thread (or, impossible for integers, a panic in it):
        // sort here.
        v.sort_unstable();
        return v;
    }
    let (low, high) = v.split_at(mid);
    merge(low, high)
}

/// The sorted `a` and `b` as one sorted vector (`a`'s first among equals).
fn merge<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
    while let (Some(&&x), Some(&&y)) = (a.peek(), b.peek()) {
        if y < x {
            out.push(y);
            b.next();
        } else {
            out.push(x);
            a.next();
        }
    }
    out.extend(a);
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn chunks_come_back_in_order_whether_one_or_several() {
        let items: Vec<u32> = (0..10).collect();
        let sums = |chunk| on_chunks(&items, chunk, |part: &[u32]| part.iter().sum::<u32>()).unwrap();
        assert_eq!(sums(3), vec![3, 12, 21, 9]);
        assert_eq!(sums(10), vec![45]);
        assert_eq!(sums(100), vec![45]);
        assert_eq!(on_chunks(&[] as &[u32], 1, <[u32]>::len).unwrap(), vec![0]);
    }

    #[test]
    fn merging_interleaves_and_keeps_both_tails() {
        assert_eq!(merge(&[1, 4, 4, 9], &[0, 4, 5]), vec![0, 1, 4, 4, 4, 5, 9]);
        assert_eq!(merge::<u8>(&[], &[2, 3]), vec![2, 3]);
        assert_eq!(merge::<u8>(&[2, 3], &[]), vec![2, 3]);
    }

    #[test]
    fn a_large_vector_is_sorted_like_the_standard_sort() {
        // Past the two-thread threshold, with duplicates and both signs.
        let n = PARALLEL_SORT_FROM * 2 + 7;
        let v: Vec<i64> =
            (0..n as i64).map(|i| (i.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64) >> 40) % 1000).collect();
        let mut want = v.clone();
        want.sort_unstable();
        assert_eq!(sort_unstable(v), want);
    }

    proptest! {
        #[test]
        fn sorting_on_cores_equals_the_standard_sort(v in proptest::collection::vec(any::<u16>(), 0..300)) {
            let mut want = v.clone();
            want.sort_unstable();
            prop_assert_eq!(sort_unstable(v), want);
        }

        #[test]
        fn merging_two_sorted_vectors_gives_their_sorted_union(
            mut a in proptest::collection::vec(any::<u8>(), 0..60),
            mut b in proptest::collection::vec(any::<u8>(), 0..60),
        ) {
            a.sort_unstable();
            b.sort_unstable();
            let mut want = [a.clone(), b.clone()].concat();
            want.sort_unstable();
            prop_assert_eq!(merge(&a, &b), want);
        }
    }
}

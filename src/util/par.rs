//! The one way the crate uses threads: rayon, behind the `parallel`
//! feature. Without the feature every helper runs on the caller's thread
//! and gives the same result.
//!
//! Work runs in a pool of the crate's own, started on first use with
//! rayon's defaults (one thread per core, or `RAYON_NUM_THREADS`), or in
//! the rayon pool the caller already runs in. A pool that cannot start is
//! [`ErrorKind::ThreadPool`](crate::ErrorKind::ThreadPool), not a panic.

/// Two vectors of values, or the error of the first item that failed.
type Pairs<A, B, E> = std::result::Result<(Vec<A>, Vec<B>), E>;

#[cfg(feature = "parallel")]
mod imp {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;
    use std::sync::{Mutex, OnceLock, PoisonError};

    use rayon::prelude::*;

    use crate::error::{ErrorKind, Result};

    static POOL: OnceLock<std::result::Result<rayon::ThreadPool, String>> = OnceLock::new();

    /// The crate's pool, started on first use.
    fn pool() -> Result<&'static rayon::ThreadPool> {
        let pool = POOL.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("partner-priority-{i}"))
                .build()
                .map_err(|e| e.to_string())
        });
        pool.as_ref().map_err(|reason| ErrorKind::ThreadPool { reason: reason.clone() }.into())
    }

    /// Runs `f` in the crate's pool, or right here when this thread is
    /// already one of a rayon pool's.
    pub(crate) fn install<R: Send>(f: impl FnOnce() -> R + Send) -> Result<R> {
        if rayon::current_thread_index().is_some() {
            return Ok(f());
        }
        Ok(pool()?.install(f))
    }

    /// Runs `op` on this thread with a scope whose spawned work goes to the
    /// rayon pool this thread is one of, or else to the crate's pool.
    fn in_place_scope<'scope, R>(op: impl FnOnce(&rayon::Scope<'scope>) -> R) -> Result<R> {
        if rayon::current_thread_index().is_some() {
            return Ok(rayon::in_place_scope(op));
        }
        Ok(pool()?.in_place_scope(op))
    }

    /// The threads the work is spread over.
    pub(crate) fn threads() -> Result<usize> {
        install(rayon::current_num_threads)
    }

    pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Result<Vec<R>> {
        if items.len() <= 1 {
            return Ok(items.iter().map(f).collect());
        }
        install(|| items.par_iter().map(f).collect())
    }

    /// `f` of `0 .. n`, in order.
    pub(crate) fn map_range<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Result<Vec<R>> {
        if n <= 1 {
            return Ok((0..n).map(f).collect());
        }
        install(|| (0..n).into_par_iter().map(f).collect())
    }

    /// `f` of every item, block by block of `per_block` items: each block's
    /// results go to `sink` in item order, on the caller's thread, while
    /// the pool works on the next block (so a writer waits for no
    /// formatting, and only two blocks are held at a time). The first error
    /// of `sink` stops it.
    pub(crate) fn map_blocks<T: Sync, R: Send>(
        items: &[T],
        per_block: usize,
        f: impl Fn(&T) -> R + Sync + Send,
        mut sink: impl FnMut(Vec<R>) -> Result<()>,
    ) -> Result<()> {
        let mut blocks = items.chunks(per_block.max(1));
        let Some(first) = blocks.next() else { return Ok(()) };
        let mut current = map(first, &f)?;
        for block in blocks {
            let mut next: Vec<R> = Vec::new();
            in_place_scope(|scope| {
                scope.spawn(|_| next = block.par_iter().map(&f).collect());
                sink(std::mem::take(&mut current))
            })??;
            current = next;
        }
        sink(current)
    }

    pub(crate) fn map_init<T: Sync, S, R: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> R + Sync + Send,
    ) -> Result<Vec<R>> {
        install(|| items.par_iter().enumerate().map_init(init, |s, (i, t)| f(s, i, t)).collect())
    }

    /// [`map_init`] of a fallible `f`: the values in item order, or the
    /// error of the first item (by position) that failed.
    ///
    /// Each value is written once, in place, into a vector of exactly the
    /// items' length: a failed item's slot holds `stand_in`'s value, never
    /// seen, as the first failure is returned instead of the vector.
    /// Collecting results instead would first build a vector of `Result`s
    /// (or `Option`s), or chunks with spare room, and copy them again on
    /// one thread: a few hundred megabytes for a million assessments, 0.05
    /// s of a review.
    pub(crate) fn try_map_init<T: Sync, S, R: Send, E: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> std::result::Result<R, E> + Sync + Send,
        stand_in: impl Fn(&T) -> R + Sync + Send,
    ) -> Result<std::result::Result<Vec<R>, E>> {
        let first_error = FirstError::new();
        let mut out: Vec<R> = Vec::new();
        install(|| {
            items
                .par_iter()
                .enumerate()
                .map_init(init, |s, (i, t)| first_error.ok(i, f(s, i, t)).unwrap_or_else(|| stand_in(t)))
                .collect_into_vec(&mut out)
        })?;
        Ok(first_error.or(|| out))
    }

    /// [`try_map_init`] of an `f` that gives two values per item, in two
    /// vectors, each written once in place (a failed item's slots hold
    /// `stand_in`'s values, never seen).
    pub(crate) fn try_map_init_pairs<T: Sync, S, A: Send, B: Send, E: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> std::result::Result<(A, B), E> + Sync + Send,
        stand_in: impl Fn(&T) -> (A, B) + Sync + Send,
    ) -> Result<super::Pairs<A, B, E>> {
        let first_error = FirstError::new();
        let (mut left, mut right): (Vec<A>, Vec<B>) = (Vec::new(), Vec::new());
        install(|| {
            items
                .par_iter()
                .enumerate()
                .map_init(init, |s, (i, t)| first_error.ok(i, f(s, i, t)).unwrap_or_else(|| stand_in(t)))
                .unzip_into_vecs(&mut left, &mut right)
        })?;
        Ok(first_error.or(|| (left, right)))
    }

    /// The error of the first failed item, by position, whichever thread
    /// met it first.
    struct FirstError<E>(Mutex<Option<(usize, E)>>);

    impl<E> FirstError<E> {
        fn new() -> FirstError<E> {
            FirstError(Mutex::new(None))
        }

        /// The value of item `i`, or `None` with its error kept.
        fn ok<R>(&self, i: usize, r: std::result::Result<R, E>) -> Option<R> {
            match r {
                Ok(r) => Some(r),
                Err(e) => {
                    // A poisoned lock still holds a valid slot.
                    let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
                    if slot.as_ref().is_none_or(|(at, _)| i < *at) {
                        *slot = Some((i, e));
                    }
                    None
                }
            }
        }

        /// The error kept, or else `values()`.
        fn or<V>(self, values: impl FnOnce() -> V) -> std::result::Result<V, E> {
            match self.0.into_inner().unwrap_or_else(PoisonError::into_inner) {
                Some((_, e)) => Err(e),
                None => Ok(values()),
            }
        }
    }

    pub(crate) fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Result<Vec<R>> {
        if items.len() <= 1 {
            return Ok(items.into_iter().map(f).collect());
        }
        install(|| items.into_par_iter().map(f).collect())
    }

    /// `f` of each item `next` gives (with its position), the items read
    /// on this thread while earlier ones are worked on by the pool, at most
    /// `in_flight` at a time; the results in item order. After a result for
    /// which `stop` is true no further item is read.
    pub(crate) fn pipeline<T: Send, R: Send>(
        mut next: impl FnMut() -> Option<T>,
        in_flight: usize,
        f: impl Fn(usize, T) -> R + Sync,
        stop: impl Fn(&R) -> bool + Sync,
    ) -> Result<Vec<R>> {
        let (done, finished) = mpsc::channel::<Finished<R>>();
        let stopped = AtomicBool::new(false);
        let mut results: Vec<Finished<R>> = Vec::new();
        let jobs = Jobs { next: &mut next, in_flight: in_flight.max(1), f: &f, stop: &stop, stopped: &stopped };
        in_place_scope(|scope| jobs.feed(scope, &done, &finished, &mut results))?;
        drop(done);
        results.extend(finished.try_iter());
        results.sort_unstable_by_key(|(k, _)| *k);
        let mut out = Vec::with_capacity(results.len());
        for (_, r) in results {
            match r {
                Ok(r) => out.push(r),
                // The caller's panic, carried to the caller's thread.
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        Ok(out)
    }

    /// A job's position and its result, or the panic it raised.
    type Finished<R> = (usize, std::thread::Result<R>);

    /// What [`pipeline`] hands out to the pool.
    struct Jobs<'a, T, R> {
        next: &'a mut dyn FnMut() -> Option<T>,
        in_flight: usize,
        f: &'a (dyn Fn(usize, T) -> R + Sync),
        stop: &'a (dyn Fn(&R) -> bool + Sync),
        stopped: &'a AtomicBool,
    }

    impl<'a, T: Send + 'a, R: Send + 'a> Jobs<'a, T, R> {
        /// Reads items and spawns their work until the input ends or a
        /// result stops it; the scope then waits for the work spawned.
        fn feed(
            self,
            scope: &rayon::Scope<'a>,
            done: &mpsc::Sender<Finished<R>>,
            finished: &mpsc::Receiver<Finished<R>>,
            results: &mut Vec<Finished<R>>,
        ) {
            let Jobs { next, in_flight, f, stop, stopped } = self;
            let mut pending = 0usize;
            let mut k = 0usize;
            loop {
                while let Ok(r) = finished.try_recv() {
                    pending -= 1;
                    results.push(r);
                }
                if stopped.load(Ordering::Relaxed) {
                    break;
                }
                if pending >= in_flight {
                    if let Some(r) = wait(finished) {
                        pending -= 1;
                        results.push(r);
                    }
                    continue;
                }
                let Some(item) = next() else { break };
                let done = done.clone();
                scope.spawn(move |_| {
                    // A panic is caught so that its job still reports (the
                    // feeder would otherwise wait for it for ever) and is
                    // raised again on the caller's thread.
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(k, item)));
                    if r.is_err() || r.as_ref().is_ok_and(&stop) {
                        stopped.store(true, Ordering::Relaxed);
                    }
                    // The receiver lives until the scope has ended.
                    let _ = done.send((k, r));
                });
                pending += 1;
                k += 1;
            }
        }
    }

    /// The next finished result: waiting on a thread outside the pool, or
    /// helping with the pool's work on one of its threads (so that a
    /// one-thread pool cannot wait for itself).
    fn wait<R>(finished: &std::sync::mpsc::Receiver<R>) -> Option<R> {
        if rayon::current_thread_index().is_none() {
            return finished.recv().ok();
        }
        loop {
            if let Ok(r) = finished.try_recv() {
                return Some(r);
            }
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                std::thread::yield_now();
            }
        }
    }

    pub(crate) fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(usize, &mut T) + Sync + Send) -> Result<()> {
        install(|| items.par_iter_mut().enumerate().for_each(|(i, t)| f(i, t)))
    }

    pub(crate) fn sort_unstable<T: Ord + Send>(items: &mut [T]) -> Result<()> {
        install(|| items.par_sort_unstable())
    }

    pub(crate) fn sort_unstable_by<T: Send>(
        items: &mut [T],
        compare: impl Fn(&T, &T) -> std::cmp::Ordering + Sync + Send,
    ) -> Result<()> {
        install(|| items.par_sort_unstable_by(compare))
    }
}

#[cfg(not(feature = "parallel"))]
mod imp {
    use crate::error::Result;

    pub(crate) fn threads() -> Result<usize> {
        Ok(1)
    }

    pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Result<Vec<R>> {
        Ok(items.iter().map(f).collect())
    }

    pub(crate) fn map_range<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync + Send) -> Result<Vec<R>> {
        Ok((0..n).map(f).collect())
    }

    pub(crate) fn map_blocks<T: Sync, R: Send>(
        items: &[T],
        per_block: usize,
        f: impl Fn(&T) -> R + Sync + Send,
        mut sink: impl FnMut(Vec<R>) -> Result<()>,
    ) -> Result<()> {
        for block in items.chunks(per_block.max(1)) {
            sink(block.iter().map(&f).collect())?;
        }
        Ok(())
    }

    pub(crate) fn map_init<T: Sync, S, R: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> R + Sync + Send,
    ) -> Result<Vec<R>> {
        let mut state = init();
        Ok(items.iter().enumerate().map(|(i, t)| f(&mut state, i, t)).collect())
    }

    pub(crate) fn try_map_init<T: Sync, S, R: Send, E: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> std::result::Result<R, E> + Sync + Send,
        _stand_in: impl Fn(&T) -> R + Sync + Send,
    ) -> Result<std::result::Result<Vec<R>, E>> {
        let mut state = init();
        Ok(items.iter().enumerate().map(|(i, t)| f(&mut state, i, t)).collect())
    }

    pub(crate) fn try_map_init_pairs<T: Sync, S, A: Send, B: Send, E: Send>(
        items: &[T],
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize, &T) -> std::result::Result<(A, B), E> + Sync + Send,
        _stand_in: impl Fn(&T) -> (A, B) + Sync + Send,
    ) -> Result<super::Pairs<A, B, E>> {
        let mut state = init();
        let (mut left, mut right) = (Vec::with_capacity(items.len()), Vec::with_capacity(items.len()));
        for (i, t) in items.iter().enumerate() {
            match f(&mut state, i, t) {
                Ok((a, b)) => {
                    left.push(a);
                    right.push(b);
                }
                Err(e) => return Ok(Err(e)),
            }
        }
        Ok(Ok((left, right)))
    }

    pub(crate) fn map_owned<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync + Send) -> Result<Vec<R>> {
        Ok(items.into_iter().map(f).collect())
    }

    pub(crate) fn for_each_mut<T: Send>(items: &mut [T], f: impl Fn(usize, &mut T) + Sync + Send) -> Result<()> {
        items.iter_mut().enumerate().for_each(|(i, t)| f(i, t));
        Ok(())
    }

    pub(crate) fn sort_unstable<T: Ord + Send>(items: &mut [T]) -> Result<()> {
        items.sort_unstable();
        Ok(())
    }

    pub(crate) fn sort_unstable_by<T: Send>(
        items: &mut [T],
        compare: impl Fn(&T, &T) -> std::cmp::Ordering + Sync + Send,
    ) -> Result<()> {
        items.sort_unstable_by(compare);
        Ok(())
    }

    pub(crate) fn pipeline<T: Send, R: Send>(
        mut next: impl FnMut() -> Option<T>,
        _in_flight: usize,
        f: impl Fn(usize, T) -> R + Sync,
        stop: impl Fn(&R) -> bool + Sync,
    ) -> Result<Vec<R>> {
        let mut results = Vec::new();
        let mut k = 0usize;
        while let Some(item) = next() {
            let r = f(k, item);
            let last = stop(&r);
            results.push(r);
            k += 1;
            if last {
                break;
            }
        }
        Ok(results)
    }
}

pub(crate) use imp::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_keep_item_order() {
        let items: Vec<u64> = (0..100_000).collect();
        assert_eq!(map(&items, |x| x * 2).unwrap(), items.iter().map(|x| x * 2).collect::<Vec<_>>());
        let owned = map_owned(items.clone(), |x| x + 1).unwrap();
        assert_eq!(owned.first(), Some(&1));
        assert_eq!(owned.last(), Some(&100_000));
        let indexed = map_init(
            &items,
            || 0u64,
            |seen, i, x| {
                *seen += 1;
                (i as u64, *x)
            },
        )
        .unwrap();
        assert!(indexed.iter().all(|(i, x)| i == x));
        let mut v: Vec<u64> = items.iter().rev().copied().collect();
        sort_unstable(&mut v).unwrap();
        assert_eq!(v, items);
        let mut w = items.clone();
        for_each_mut(&mut w, |i, x| *x += i as u64).unwrap();
        assert_eq!(w[10], 20);
        let mut source = 0..20u32;
        let piped = pipeline(|| source.next(), 3, |k, x| (k, x * 10), |&(_, y)| y == 120).unwrap();
        // In order, and nothing read after the result that stops.
        assert_eq!(piped.first(), Some(&(0, 0)));
        assert!(piped.iter().enumerate().all(|(i, &(k, y))| k == i && y == 10 * i as u32));
        assert!(piped.iter().any(|&(_, y)| y == 120));
        assert!(piped.len() <= 12 + 3);
        assert!(threads().unwrap() >= 1);
    }

    #[test]
    fn blocks_reach_the_sink_whole_and_in_order_and_its_error_stops_them() {
        let items: Vec<u64> = (0..10_007).collect();
        for per_block in [0, 1, 7, 4096, 20_000] {
            let mut seen: Vec<u64> = Vec::new();
            let mut blocks = 0;
            map_blocks(
                &items,
                per_block,
                |x| x * 3,
                |b| {
                    assert!(b.len() <= per_block.max(1));
                    blocks += 1;
                    seen.extend(b);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, items.iter().map(|x| x * 3).collect::<Vec<_>>(), "{per_block}");
            assert_eq!(blocks, items.len().div_ceil(per_block.max(1)));
        }
        let mut sunk = 0;
        let err = map_blocks(
            &items,
            100,
            |x| *x,
            |_| {
                sunk += 1;
                if sunk == 3 { Err(crate::error::Error::overflow("the third block")) } else { Ok(()) }
            },
        );
        assert!(err.is_err());
        assert_eq!(sunk, 3);
        assert!(map_blocks(&items[..0], 10, |x| *x, |_| -> crate::error::Result<()> { panic!("no block") }).is_ok());
    }

    #[test]
    fn a_pipeline_of_many_items_gives_every_result_in_order_with_at_most_its_depth_at_work() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (running, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let mut source = 0..1_000u32;
        let piped = pipeline(
            || source.next(),
            2,
            |k, x| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::hint::black_box((0..200u32).sum::<u32>());
                running.fetch_sub(1, Ordering::SeqCst);
                (k, x)
            },
            |_| false,
        )
        .unwrap();
        assert_eq!(piped.len(), 1_000);
        assert!(piped.iter().enumerate().all(|(i, &(k, x))| k == i && x as usize == i));
        assert!(most.load(Ordering::SeqCst) <= 2);
    }

    #[test]
    fn fallible_maps_keep_item_order_and_report_the_first_failure_by_position() {
        let items: Vec<u64> = (0..50_000).collect();
        let ok = try_map_init(&items, || (), |_, i, x| if i as u64 == *x { Ok(x * 3) } else { Err(i) }, |_| 0).unwrap();
        assert_eq!(ok.unwrap(), items.iter().map(|x| x * 3).collect::<Vec<_>>());
        let fail = |_: &mut (), i: usize, _: &u64| if i == 123 || i == 41_000 || i == 7_777 { Err(i) } else { Ok(i) };
        // Many failures on many threads: always the first by position.
        for _ in 0..20 {
            assert_eq!(try_map_init(&items, || (), fail, |_| 0).unwrap(), Err(123));
        }
        let (a, b) =
            try_map_init_pairs(&items, || (), |_, i, x| Ok::<_, usize>((i, x.to_string())), |_| (0, String::new()))
                .unwrap()
                .unwrap();
        assert_eq!((a.len(), a.last(), b.last().map(String::as_str)), (50_000, Some(&49_999), Some("49999")));
        let pairs = |_: &mut (), i: usize, _: &u64| if i % 1000 == 999 { Err(i) } else { Ok((i, i)) };
        assert_eq!(try_map_init_pairs(&items, || (), pairs, |_| (0, 0)).unwrap(), Err(999));
    }
}

//! The set of recorded invoices, by fingerprint: a sorted vector for bulk
//! imports (sixteen bytes an invoice, built by sorting) plus a small hash set
//! for invoices recorded one batch at a time, merged in from time to time.

use std::collections::HashSet;

use super::store::Hasher;

#[derive(Clone, Debug, Default)]
pub(crate) struct InvoiceSet {
    /// Sorted, no repeats.
    sorted: Vec<u128>,
    /// Not in `sorted`.
    recent: HashSet<u128, Hasher>,
}

impl InvoiceSet {
    /// A set from sorted fingerprints without repeats.
    pub(crate) fn from_sorted(sorted: Vec<u128>) -> InvoiceSet {
        InvoiceSet { sorted, recent: HashSet::default() }
    }

    pub(crate) fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn contains(&self, fp: &u128) -> bool {
        self.recent.contains(fp) || self.sorted.binary_search(fp).is_ok()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &u128> {
        self.sorted.iter().chain(self.recent.iter())
    }

    /// Every fingerprint in increasing order, 16 big-endian bytes each
    /// (the block of a snapshot): the sorted vector merged with the recent
    /// ones, without sorting the whole set again.
    #[cfg(feature = "serde")]
    pub(crate) fn sorted_be_bytes(&self) -> Vec<u8> {
        let mut recent: Vec<u128> = self.recent.iter().copied().collect();
        recent.sort_unstable();
        let mut out = Vec::with_capacity(self.len() * 16);
        let (mut a, mut b) = (self.sorted.iter().peekable(), recent.iter().peekable());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) | (None, Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, None) => break,
            };
            if let Some(fp) = next {
                out.extend_from_slice(&fp.to_be_bytes());
            }
        }
        out
    }

    /// True if both parts hold invoices (for tests of what reads both).
    #[cfg(all(test, feature = "serde"))]
    pub(crate) fn has_sorted_and_recent(&self) -> bool {
        !self.sorted.is_empty() && !self.recent.is_empty()
    }

    /// Adds one invoice.
    pub(crate) fn insert(&mut self, fp: u128) {
        if self.sorted.binary_search(&fp).is_err() {
            self.recent.insert(fp);
            if self.recent.len() > (self.sorted.len() / 8).max(4096) {
                self.compact();
            }
        }
    }

    /// Removes one invoice (a voided one).
    pub(crate) fn remove(&mut self, fp: u128) {
        if !self.recent.remove(&fp) {
            if let Ok(pos) = self.sorted.binary_search(&fp) {
                self.sorted.remove(pos);
            }
        }
    }

    /// True if the sets share an invoice.
    pub(crate) fn overlaps(&self, other: &InvoiceSet) -> bool {
        let (small, large) = if self.len() <= other.len() { (self, other) } else { (other, self) };
        // The sorted parts of two big sets: one linear walk instead of a
        // binary search per invoice.
        if small.sorted.len() > 4096 && sorted_overlap(&small.sorted, &large.sorted) {
            return true;
        }
        let probe_sorted = small.sorted.len() <= 4096;
        small.recent.iter().any(|fp| large.contains(fp))
            || (probe_sorted && small.sorted.iter().any(|fp| large.contains(fp)))
            || (!probe_sorted && small.sorted.iter().any(|fp| large.recent.contains(fp)))
    }

    /// Adds another (disjoint) set.
    pub(crate) fn absorb(&mut self, other: InvoiceSet) {
        if other.is_empty() {
            return;
        }
        if self.is_empty() {
            *self = other;
            return;
        }
        if other.len() <= (self.len() / 8).max(4096) {
            self.recent.extend(other.sorted);
            self.recent.extend(other.recent);
            if self.recent.len() > (self.sorted.len() / 8).max(4096) {
                self.compact();
            }
            return;
        }
        let mut extra: Vec<u128> = self.recent.drain().chain(other.recent).collect();
        extra.sort_unstable();
        let merged = merge_sorted(&merge_sorted(&self.sorted, &other.sorted), &extra);
        self.sorted = merged;
    }

    /// Moves the recent invoices into the sorted vector.
    fn compact(&mut self) {
        let mut extra: Vec<u128> = self.recent.drain().collect();
        extra.sort_unstable();
        self.sorted = merge_sorted(&self.sorted, &extra);
    }
}

/// True if two sorted slices share an element.
fn sorted_overlap(a: &[u128], b: &[u128]) -> bool {
    let (mut i, mut j) = (0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.cmp(y) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn merge_sorted(a: &[u128], b: &[u128]) -> Vec<u128> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
        if x <= y {
            out.push(x);
            i += 1;
        } else {
            out.push(y);
            j += 1;
        }
    }
    out.extend_from_slice(a.get(i..).unwrap_or_default());
    out.extend_from_slice(b.get(j..).unwrap_or_default());
    out
}

impl PartialEq for InvoiceSet {
    fn eq(&self, other: &InvoiceSet) -> bool {
        self.len() == other.len() && self.iter().all(|fp| other.contains(fp))
    }
}

impl Eq for InvoiceSet {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_union_and_compare_whatever_their_layout() {
        let mut a = InvoiceSet::from_sorted(vec![1, 5, 9]);
        let b = InvoiceSet::from_sorted(vec![2, 3]);
        assert!(!a.overlaps(&b));
        a.absorb(b);
        assert_eq!(a.len(), 5);
        assert!(a.contains(&3) && a.contains(&9) && !a.contains(&4));
        let c = InvoiceSet::from_sorted((10..10_000).collect());
        a.absorb(c);
        assert_eq!(a, InvoiceSet::from_sorted([1, 2, 3, 5, 9].into_iter().chain(10..10_000).collect()));
        assert!(a.overlaps(&InvoiceSet::from_sorted(vec![4, 9])));
        let big: Vec<u128> = (0..20_000).map(|i| i * 2).collect();
        let odd: Vec<u128> = (0..20_000).map(|i| i * 2 + 1).collect();
        assert!(!InvoiceSet::from_sorted(big.clone()).overlaps(&InvoiceSet::from_sorted(odd.clone())));
        let mut touching = odd;
        touching.push(39_998);
        touching.sort_unstable();
        assert!(InvoiceSet::from_sorted(big).overlaps(&InvoiceSet::from_sorted(touching)));
    }

    #[test]
    fn a_big_sorted_set_meets_the_other_sets_recent_invoices() {
        let small = InvoiceSet::from_sorted((0..5000).collect());
        let mut large = InvoiceSet::from_sorted((10_000..20_000).collect());
        assert!(!small.overlaps(&large));
        large.absorb(InvoiceSet::from_sorted(vec![42])); // kept among the recent
        assert!(small.overlaps(&large));
        assert!(large.overlaps(&small));
    }

    #[test]
    fn sets_of_the_same_size_with_other_invoices_differ() {
        assert_ne!(InvoiceSet::from_sorted(vec![1, 2]), InvoiceSet::from_sorted(vec![1, 3]));
        let mut recent = InvoiceSet::from_sorted((0..5000).collect());
        recent.absorb(InvoiceSet::from_sorted(vec![7000]));
        assert_ne!(recent, InvoiceSet::from_sorted((1..5000).chain([7000, 8000]).collect()));
        assert_eq!(recent, InvoiceSet::from_sorted((0..5000).chain([7000]).collect()));
    }
}

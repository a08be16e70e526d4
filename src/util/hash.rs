//! Hashing: the hasher of the crate's hash maps and the fingerprints of
//! identifiers.

/// The hasher of the crate's hash maps (fast, seeded per map).
pub(crate) type Hasher = foldhash::fast::RandomState;

/// The 128-bit XXH3 fingerprint of an identifier (an invoice id). Two
/// different ids share a fingerprint with a probability of about 10⁻²⁵ at
/// 10 million ids.
pub(crate) fn fingerprint(id: &str) -> u128 {
    fingerprint_of(id.as_bytes())
}

/// [`fingerprint`] of an identifier's bytes.
pub(crate) fn fingerprint_of(id: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(id)
}

/// The 64-bit XXH3 hash of bytes (partitions, shards, tables).
pub(crate) fn hash64(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

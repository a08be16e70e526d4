//! Small helpers the other modules share: exact ratios and integer
//! decimals, hashing, threads and JSON.

pub(crate) mod exact;
pub(crate) mod hash;
#[cfg(feature = "serde")]
pub(crate) mod json;
pub(crate) mod par;

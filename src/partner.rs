//! Partners and their ids.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;

use smol_str::SmolStr;

use chrono::NaiveDate;

use crate::error::{Error, ErrorKind, Result};

/// The maximum length of an id ([`PartnerId`], invoice ids) in bytes.
const MAX_ID_LEN: usize = PartnerId::MAX_LEN;

/// Checks an id: non-empty, at most [`PartnerId::MAX_LEN`] bytes, no leading or
/// trailing whitespace, no control characters. Any other Unicode is fine.
pub(crate) fn check_id(id: &str) -> std::result::Result<(), &'static str> {
    // The usual id, printable ASCII without a space at either end, passes
    // in one pass over its bytes (this runs for every recorded sale, twice
    // with an invoice id; the CSV import tests plain ids with
    // `is_plain_id` alone); any other goes through every rule.
    if is_plain_id(id.as_bytes()) {
        return Ok(());
    }
    check_id_by_rules(id)
}

/// Whether `bytes` are a usual id: 1 to [`PartnerId::MAX_LEN`] bytes of
/// printable ASCII without a space at either end. Such bytes are UTF-8 and
/// pass [`check_id`]; an id that fails this may still pass it.
pub(crate) fn is_plain_id(bytes: &[u8]) -> bool {
    bytes.len() <= MAX_ID_LEN
        && bytes.first().is_some_and(|&b| b != b' ')
        && bytes.last().is_some_and(|&b| b != b' ')
        && all_printable(bytes)
}

/// Whether every byte is printable ASCII (`b' '..=b'~'`), tested eight
/// bytes at a time: the CSV import tests every line's partner and invoice
/// ids, and byte by byte that took about 120 of a line's 2,700
/// instructions.
///
/// In a word `x` of eight bytes, a byte below `0x20` sets its top bit in
/// `(x - 0x20 in each byte) & !x`, and a byte above `0x7e` sets its top
/// bit in `(x + 1 in each byte) | x`. A borrow or a carry that crosses into
/// the next byte comes only from a byte out of the range itself, so
/// whether any top bit is set is exact, though which is not.
fn all_printable(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const TOPS: u64 = ONES << 7;
    let outside = |word: [u8; 8]| {
        let x = u64::from_ne_bytes(word);
        ((x.wrapping_sub(ONES * 0x20) & !x) | x.wrapping_add(ONES) | x) & TOPS != 0
    };
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        match <[u8; 8]>::try_from(word) {
            Ok(word) if !outside(word) => {}
            _ => return false,
        }
    }
    let rest = words.remainder();
    match bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)).map(<[u8; 8]>::try_from) {
        // The last eight bytes, again in part.
        Some(Ok(last)) => rest.is_empty() || !outside(last),
        // Fewer than eight.
        _ => rest.iter().all(|b| (b' '..=b'~').contains(b)),
    }
}

/// [`check_id`], rule by rule: each rule gives its own reason.
fn check_id_by_rules(id: &str) -> std::result::Result<(), &'static str> {
    if id.is_empty() {
        return Err("an id must not be empty");
    }
    if id.len() > MAX_ID_LEN {
        return Err("an id must be at most 256 bytes long");
    }
    if id.starts_with(char::is_whitespace) || id.ends_with(char::is_whitespace) {
        return Err("an id must not start or end with whitespace");
    }
    if id.chars().any(char::is_control) {
        return Err("an id must not contain control characters");
    }
    Ok(())
}

/// The id of a partner, as the billing tool knows it (`"D-0042"`, an INN,
/// a UUID).
///
/// Any Unicode text of 1 to 256 bytes without control characters and without
/// leading or trailing whitespace. Ids compare exactly (case-sensitive, no
/// Unicode normalisation): they are keys, not names. Cloning is cheap: an
/// id of up to 23 bytes (all the usual ones) is kept inline, in the id
/// itself, and a longer one's text is shared. A million partners' ids then
/// take no allocation each, and a table of ids (a ledger's index, the
/// portfolio's rows) reads their text without a cache miss of its own.
///
/// # Example
///
/// ```
/// use partner_priority::PartnerId;
///
/// let id = PartnerId::new("Дилер-042")?;
/// assert_eq!(id.as_str(), "Дилер-042");
/// assert!(PartnerId::new(" D-1").is_err());
/// assert!(PartnerId::new("").is_err());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartnerId(SmolStr);

impl PartnerId {
    /// The longest id, in bytes (invoice and line ids have the same limit).
    pub const MAX_LEN: usize = 256;

    /// Checks and wraps a partner id.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidPartnerId`] if the id is empty, longer than
    /// [`PartnerId::MAX_LEN`] bytes, starts or ends with whitespace or contains a
    /// control character.
    pub fn new(id: &str) -> Result<PartnerId> {
        check_id(id)
            .map_err(|reason| Error::from(ErrorKind::InvalidPartnerId { id: crate::error::shorten(id), reason }))?;
        Ok(PartnerId(SmolStr::new(id)))
    }

    /// The id as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for PartnerId {
    type Err = Error;

    fn from_str(s: &str) -> Result<PartnerId> {
        PartnerId::new(s)
    }
}

impl Borrow<str> for PartnerId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for PartnerId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartnerId({:?})", &*self.0)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for PartnerId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for PartnerId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        PartnerId::new(&text).map_err(serde::de::Error::custom)
    }
}

/// What the business knows about a partner beyond its turnover: name,
/// region, specialisation, the date the partnership started, and free-form
/// attributes (loyalty programme, manager, channel…).
///
/// Only the id is required. The start date matters for tiers (a partner
/// that started inside the review window is averaged over its months since
/// the start) and for growth potential (tenure); region and specialisation
/// give the grouped views.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{Partner, PartnerId};
///
/// let partner = Partner::new(PartnerId::new("D-042")?)
///     .with_name("Север-Опт")
///     .with_region("Северо-Запад")
///     .with_specialisation("HoReCa")
///     .with_start_date(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
///     .with_attribute("manager", "Иванова");
/// assert_eq!(partner.region.as_deref(), Some("Северо-Запад"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
#[non_exhaustive]
pub struct Partner {
    /// The partner's id.
    pub id: PartnerId,
    /// The display name.
    #[cfg_attr(feature = "serde", serde(default))]
    pub name: Option<String>,
    /// The region (for the grouped views).
    #[cfg_attr(feature = "serde", serde(default))]
    pub region: Option<String>,
    /// The specialisation (for the grouped views).
    #[cfg_attr(feature = "serde", serde(default))]
    pub specialisation: Option<String>,
    /// The date the partnership started.
    #[cfg_attr(feature = "serde", serde(default))]
    pub start_date: Option<NaiveDate>,
    /// Free-form attributes, ordered by key.
    #[cfg_attr(feature = "serde", serde(default))]
    pub attributes: BTreeMap<String, String>,
}

impl Partner {
    /// A partner with only an id.
    #[must_use]
    pub fn new(id: PartnerId) -> Partner {
        Partner { id, name: None, region: None, specialisation: None, start_date: None, attributes: BTreeMap::new() }
    }

    /// Sets the display name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Partner {
        self.name = Some(name.into());
        self
    }

    /// Sets the region.
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> Partner {
        self.region = Some(region.into());
        self
    }

    /// Sets the specialisation.
    #[must_use]
    pub fn with_specialisation(mut self, specialisation: impl Into<String>) -> Partner {
        self.specialisation = Some(specialisation.into());
        self
    }

    /// Sets the start date of the partnership.
    #[must_use]
    pub fn with_start_date(mut self, start_date: NaiveDate) -> Partner {
        self.start_date = Some(start_date);
        self
    }

    /// Adds (or replaces) a free-form attribute.
    #[must_use]
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Partner {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The display name, or the id when there is no name.
    #[must_use]
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(self.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert!(PartnerId::new("D-1").is_ok());
        assert!(PartnerId::new("Дилер №5 (Москва)").is_ok());
        assert!(PartnerId::new(&"я".repeat(128)).is_ok()); // 256 bytes
        for bad in ["", " ", " D", "D ", "D\n1", "D\u{0}", "\t"] {
            let err = PartnerId::new(bad).unwrap_err();
            assert!(matches!(err.kind(), ErrorKind::InvalidPartnerId { .. }), "{bad:?}");
        }
        assert!(PartnerId::new(&"я".repeat(129)).is_err()); // 258 bytes
        // The ASCII path: its bounds, and the length limit.
        for bad in ["D\u{7f}", "\u{1f}D", "D\u{85}"] {
            assert!(PartnerId::new(bad).is_err(), "{bad:?}");
        }
        assert!(PartnerId::new("~ !").is_ok());
        assert!(PartnerId::new(&"d".repeat(256)).is_ok());
        assert!(PartnerId::new(&"d".repeat(257)).is_err());
    }

    proptest::proptest! {
        /// The one-pass check of printable ASCII ids gives what the rules
        /// give, reason and all, on any text (ASCII most of the time, with
        /// spaces, controls and other Unicode in it).
        #[test]
        fn the_ascii_fast_path_agrees_with_the_rules(
            id in "[ -~\t\u{7f}\u{85}\u{a0}я]{0,4}|[ -~]{250,260}|[ -~]{0,12}"
        ) {
            proptest::prop_assert_eq!(check_id(&id), check_id_by_rules(&id));
        }

        /// Bytes the imports take as a plain id, unchecked, are UTF-8 and
        /// pass every rule.
        #[test]
        fn plain_id_bytes_are_valid_ids(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![8 => 0x20u8..0x7f, 1 => proptest::prelude::any::<u8>()], 0..260),
        ) {
            if is_plain_id(&bytes) {
                let text = std::str::from_utf8(&bytes);
                proptest::prop_assert!(text.is_ok());
                proptest::prop_assert_eq!(text.map(check_id_by_rules).ok(), Some(Ok(())));
            }
        }
    }

    proptest::proptest! {
        /// Eight bytes at a time, printable ASCII is what it is byte by
        /// byte: on bytes of any length, mostly printable, with the values
        /// either side of the range's ends (`0x1f`, `0x7f`, `0x80`, `0xff`)
        /// in any place.
        #[test]
        fn printable_eight_bytes_at_a_time_is_printable_byte_by_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0x20u8..0x7f,
                    1 => proptest::sample::select(vec![0u8, 0x1f, 0x20, 0x7e, 0x7f, 0x80, 0xa0, 0xdf, 0xe0, 0xff]),
                    1 => proptest::prelude::any::<u8>(),
                ],
                0..40),
        ) {
            proptest::prop_assert_eq!(all_printable(&bytes), bytes.iter().all(|b| (b' '..=b'~').contains(b)));
        }
    }

    #[test]
    fn every_byte_outside_printable_ascii_is_found_in_every_place() {
        for len in 1..=17 {
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut bytes = vec![b'~'; len];
                    bytes[at] = b;
                    assert_eq!(all_printable(&bytes), (b' '..=b'~').contains(&b), "{len} {at} {b:#x}");
                }
            }
        }
    }

    proptest::proptest! {
        /// Ids kept inline (up to 23 bytes) and shared (longer) compare,
        /// order and hash as their texts do, across that boundary: a
        /// ledger's index, the review's ties and a sorted list depend on it.
        #[test]
        fn ids_compare_order_and_hash_as_their_text(
            a in "[a-c]{1,3}[a-cя]{19,24}|[a-c]{1,30}",
            b in "[a-c]{1,3}[a-cя]{19,24}|[a-c]{1,30}",
        ) {
            use std::hash::BuildHasher;
            let (x, y) = (PartnerId::new(&a).unwrap(), PartnerId::new(&b).unwrap());
            proptest::prop_assert_eq!(x.as_str(), a.as_str());
            proptest::prop_assert_eq!(x == y, a == b);
            proptest::prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            let hasher = std::collections::hash_map::RandomState::new();
            proptest::prop_assert_eq!(hasher.hash_one(&x), hasher.hash_one(a.as_str()));
            proptest::prop_assert_eq!(x.clone(), x);
        }
    }

    #[test]
    fn ids_and_names_show_themselves() {
        let id = PartnerId::new("D-1").unwrap();
        assert_eq!(AsRef::<str>::as_ref(&id), "D-1");
        assert_eq!(format!("{id} {id:?}"), "D-1 PartnerId(\"D-1\")");
        assert_eq!(Partner::new(id.clone()).display_name(), "D-1");
        assert_eq!(Partner::new(id).with_name("ООО «Дилер»").display_name(), "ООО «Дилер»");
    }
}

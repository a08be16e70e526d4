//! A ledger's snapshot (feature `serde`): everything it holds, with a
//! format version, in any serde format.
//!
//! The snapshot lists the partners by id, and the lines, documents and
//! accounts by key, so the same ledger always gives the same snapshot
//! whatever order it was built in. Reading one checks it: the version, the
//! order and ranges of what it lists, and that its records hang together.
//! The invoice fingerprints, the bulk of a large ledger, go as one block of
//! bytes (a compact format copies it whole).

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::ser::SerializeStruct as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::input::DateRange;
use super::record::{Account, Document, LineRecord, Record};
use super::store::{Cell, Extra, IdKey, Index, PayRecord, Row};
use super::{InvoiceSet, Ledger};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::util::par;

/// The format of the snapshots this version writes.
const FORMAT: u32 = 1;

/// A snapshot as read. [`Ledger`]'s `Serialize` writes the same fields
/// from the ledger without building one (its derived `Serialize`, in the
/// unit tests, is what that is held to).
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
#[serde(deny_unknown_fields)]
struct Snapshot {
    /// The snapshot format (1).
    format: u32,
    currency: Currency,
    scale: u32,
    dates: DateRange,
    strict: bool,
    partners: Vec<PartnerSnapshot>,
    /// The invoices' fingerprints, sorted, 16 big-endian bytes each.
    #[serde(with = "fingerprints")]
    invoices: Vec<u128>,
    lines: Vec<(u128, LineRecord)>,
    documents: Vec<(u128, Document)>,
    accounts: Vec<(u128, Account)>,
}

#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
#[serde(deny_unknown_fields)]
struct PartnerSnapshot {
    id: PartnerId,
    /// (month index, deals, credit notes, lines without a margin, turnover,
    /// credit-note total, margin), by month.
    cells: Vec<(i32, u32, u32, u32, i64, i64, i64)>,
    // Written even when empty: a binary format (postcard, bincode) reads
    // every field in order.
    #[serde(default)]
    receivables: Vec<PayRecord>,
    #[serde(default)]
    aggregated: Vec<i32>,
}

mod fingerprints {
    use serde::Deserializer;
    #[cfg(test)]
    use serde::Serializer;
    use serde::de::{SeqAccess, Visitor};

    #[cfg(test)]
    pub(super) fn serialize<S: Serializer>(fps: &[u128], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(fps.len() * 16);
        for fp in fps {
            bytes.extend_from_slice(&fp.to_be_bytes());
        }
        s.serialize_bytes(&bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u128>, D::Error> {
        d.deserialize_byte_buf(Fingerprints)
    }

    /// The fingerprints from a byte string, converted as they are read (a
    /// binary format lends its bytes: copying 160 MB of them first was a
    /// tenth of a restore), or from a sequence of numbers (JSON writes
    /// bytes as an array).
    struct Fingerprints;

    fn of_bytes<E: serde::de::Error>(bytes: &[u8]) -> Result<Vec<u128>, E> {
        if bytes.len() % 16 != 0 {
            return Err(E::custom("the invoices are not a whole number of 16-byte fingerprints"));
        }
        Ok(bytes
            .chunks_exact(16)
            .map(|c| {
                let mut b = [0u8; 16];
                b.copy_from_slice(c);
                u128::from_be_bytes(b)
            })
            .collect())
    }

    impl<'de> Visitor<'de> for Fingerprints {
        type Value = Vec<u128>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("bytes")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u128>, E> {
            of_bytes(v)
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u128>, E> {
            of_bytes(&v)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u128>, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 24));
            while let Some(b) = seq.next_element::<u8>()? {
                out.push(b);
            }
            of_bytes(&out)
        }
    }
}

impl Serialize for Ledger {
    /// The ledger's snapshot: see [`Ledger`]'s "Snapshots".
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written from the ledger's own data, borrowed: the fields of
        // `Snapshot` in its order, each as its derived `Serialize` writes it
        // (a unit test holds the two to the same bytes). Copying a million
        // partners' figures into owned snapshots first, and ten million
        // invoices into a vector to sort and then into bytes, took half of
        // a save.
        // The partners by id. The sort runs on the pool, and compares the
        // ids' first eight bytes (kept beside each row) before it reads an
        // id: comparing the ids themselves went to memory twice a
        // comparison, which was a sixth of a save of a million partners.
        let mut keyed: Vec<(u64, &Row)> = self.rows.iter().map(|row| (id_prefix(&row.id), row)).collect();
        par::sort_unstable_by(&mut keyed, |a, b| a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id)))
            .map_err(S::Error::custom)?;
        let mut s = serializer.serialize_struct("Snapshot", 10)?;
        s.serialize_field("format", &FORMAT)?;
        s.serialize_field("currency", &self.currency)?;
        s.serialize_field("scale", &self.scale)?;
        s.serialize_field("dates", &self.dates)?;
        s.serialize_field("strict", &self.strict)?;
        s.serialize_field("partners", &Partners(&keyed))?;
        s.serialize_field("invoices", &Bytes(&self.invoices.sorted_be_bytes()))?;
        s.serialize_field("lines", &sorted(&self.record.lines))?;
        s.serialize_field("documents", &sorted(&self.record.documents))?;
        s.serialize_field("accounts", &sorted(&self.record.accounts))?;
        s.end()
    }
}

/// An id's first eight bytes as a big-endian number (zeros after a shorter
/// id): ids whose numbers differ are in the order of their numbers.
fn id_prefix(id: &PartnerId) -> u64 {
    let mut bytes = [0u8; 8];
    for (b, x) in bytes.iter_mut().zip(id.as_str().bytes()) {
        *b = x;
    }
    u64::from_be_bytes(bytes)
}

/// The partners of a snapshot (sorted by id, each beside its id prefix), as
/// `Vec<PartnerSnapshot>` writes them.
struct Partners<'a>(&'a [(u64, &'a Row)]);

impl Serialize for Partners<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|&(_, row)| PartnerOut(row)))
    }
}

/// One partner, as `PartnerSnapshot` writes it.
struct PartnerOut<'a>(&'a Row);

impl Serialize for PartnerOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.0;
        let mut s = serializer.serialize_struct("PartnerSnapshot", 4)?;
        s.serialize_field("id", &row.id)?;
        s.serialize_field("cells", &Cells(&row.cells))?;
        s.serialize_field("receivables", &row.extra().payments)?;
        s.serialize_field("aggregated", &row.extra().aggregated)?;
        s.end()
    }
}

/// A partner's cells as the tuples of `PartnerSnapshot::cells`.
struct Cells<'a>(&'a [Cell]);

impl Serialize for Cells<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0.iter().map(|c| {
                (c.month, c.deals, c.credit_note_count, c.margin_missing, c.turnover, c.credit_notes, c.margin)
            }),
        )
    }
}

/// A block of bytes, as `fingerprints::serialize` writes it.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(self.0)
    }
}

/// A map's entries sorted by key.
fn sorted<V, S>(map: &std::collections::HashMap<u128, V, S>) -> Vec<(u128, &V)> {
    let mut v: Vec<(u128, &V)> = map.iter().map(|(k, v)| (*k, v)).collect();
    v.sort_unstable_by_key(|(k, _)| *k);
    v
}

impl<'de> Deserialize<'de> for Ledger {
    /// A ledger from its snapshot, checked.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ledger, D::Error> {
        let s = Snapshot::deserialize(deserializer)?;
        ledger_of(s).map_err(D::Error::custom)
    }
}

/// The ledger a snapshot holds, if it is whole and in order.
fn ledger_of(s: Snapshot) -> Result<Ledger, String> {
    if s.format != FORMAT {
        return Err(format!("snapshot format {} is not the format {FORMAT} this version reads", s.format));
    }
    if s.scale > Ledger::MAX_SCALE {
        return Err(format!("scale {} is above {}", s.scale, Ledger::MAX_SCALE));
    }
    let mut ledger = Ledger::with_scale(s.currency, s.scale).map_err(|e| e.to_string())?.with_dates(s.dates);
    ledger.strict = s.strict;
    let mut rows = Vec::with_capacity(s.partners.len());
    let mut keys = Vec::with_capacity(s.partners.len());
    let mut last: Option<PartnerId> = None;
    for p in s.partners {
        if last.as_ref().is_some_and(|l| *l >= p.id) {
            return Err(format!("partner `{}` is out of order or listed twice", p.id));
        }
        let mut cells = Vec::with_capacity(p.cells.len());
        for (month, deals, credit_note_count, margin_missing, turnover, credit_notes, margin) in p.cells {
            if cells.last().is_some_and(|c: &Cell| c.month >= month)
                || crate::period::Month::from_index(month).is_none()
            {
                return Err(format!("partner `{}`: month {month} is out of order or out of range", p.id));
            }
            let cell = Cell { month, deals, credit_note_count, margin_missing, turnover, credit_notes, margin };
            if cell.is_empty() {
                return Err(format!("partner `{}`: month {month} holds nothing", p.id));
            }
            cells.push(cell);
        }
        if p.receivables.windows(2).any(|w| w[0].key() >= w[1].key()) || p.receivables.iter().any(|r| r.amount == 0) {
            return Err(format!("partner `{}`: receivables out of order or of zero", p.id));
        }
        if p.aggregated.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!("partner `{}`: aggregated months out of order", p.id));
        }
        let extra = (!p.receivables.is_empty() || !p.aggregated.is_empty())
            .then(|| Box::new(Extra { payments: p.receivables, aggregated: p.aggregated }));
        let row = Row { id: p.id.clone(), cells, extra };
        if row.is_empty() {
            return Err(format!("partner `{}` holds nothing", p.id));
        }
        let key = IdKey::new(&row.id);
        let shard = Index::shard_of(key.as_bytes());
        keys.push((key, shard));
        rows.push(row);
        last = Some(p.id);
    }
    if s.invoices.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the invoices are out of order or repeated".to_owned());
    }
    // The ids are in increasing order, so none is met again.
    let (index, _) = Index::build(keys).map_err(|e| e.to_string())?;
    ledger.rows = rows;
    ledger.index = index;
    ledger.invoices = InvoiceSet::from_sorted(s.invoices);
    let mut record = Record::default();
    for (key, line) in s.lines {
        if ledger.index.get(line.partner.as_str().as_bytes()).is_none() {
            return Err(format!("{} is for partner `{}`, who has no figures", line.name(), line.partner));
        }
        if record.lines.insert(key, line).is_some() {
            return Err("a line is listed twice".to_owned());
        }
    }
    for (key, doc) in s.documents {
        if doc.lines.is_empty() || doc.lines.iter().any(|l| !record.lines.contains_key(l)) {
            return Err(format!("a document of partner `{}` lists lines the snapshot does not hold", doc.partner));
        }
        if record.documents.insert(key, doc).is_some() {
            return Err("a document is listed twice".to_owned());
        }
    }
    for (key, account) in s.accounts {
        if account.records().is_none() {
            return Err(format!("an invoice of partner `{}` is paid beyond what it owes", account.partner));
        }
        if ledger.index.get(account.partner.as_str().as_bytes()).is_none() {
            return Err(format!("an invoice account is for partner `{}`, who has no figures", account.partner));
        }
        if record.accounts.insert(key, account).is_some() {
            return Err("an invoice account is listed twice".to_owned());
        }
    }
    ledger.record = record;
    Ok(ledger)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{MonthlyFigures, Payment, Sale};
    use crate::money::Money;
    use crate::period::Month;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    /// The snapshot built as owned data, as saves did before they borrowed
    /// from the ledger: the format's reference.
    fn owned(l: &Ledger) -> Snapshot {
        let mut rows: Vec<&Row> = l.rows.iter().collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        let partners = rows
            .iter()
            .map(|row| PartnerSnapshot {
                id: row.id.clone(),
                cells: row
                    .cells
                    .iter()
                    .map(|c| {
                        (c.month, c.deals, c.credit_note_count, c.margin_missing, c.turnover, c.credit_notes, c.margin)
                    })
                    .collect(),
                receivables: row.extra().payments.clone(),
                aggregated: row.extra().aggregated.clone(),
            })
            .collect();
        let mut invoices: Vec<u128> = l.invoices.iter().copied().collect();
        invoices.sort_unstable();
        Snapshot {
            format: FORMAT,
            currency: l.currency,
            scale: l.scale,
            dates: l.dates,
            strict: l.strict,
            partners,
            invoices,
            lines: owned_sorted(&l.record.lines),
            documents: owned_sorted(&l.record.documents),
            accounts: owned_sorted(&l.record.accounts),
        }
    }

    fn owned_sorted<V: Clone, S>(map: &std::collections::HashMap<u128, V, S>) -> Vec<(u128, V)> {
        sorted(map).into_iter().map(|(k, v)| (k, v.clone())).collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    /// A ledger with some of everything a snapshot holds: lines with and
    /// without identities, documents, payments, receivables, monthly
    /// figures, and invoices both in the sorted set and recent.
    fn rich() -> Result<Ledger, crate::Error> {
        let mut l = Ledger::new(Currency::RUB);
        let rub = |v: i64| Money::new(Decimal::new(v, 2), Currency::RUB);
        let mut sales = Vec::new();
        for k in 0..6000u32 {
            let p = PartnerId::new(&format!("P{:03}", k % 97))?;
            sales.push(
                Sale::new(p, d(2025, 1 + k % 12, 1 + k % 28), rub(1000 + i64::from(k))).with_invoice(format!("I{k}")),
            );
        }
        l.record_all(sales)?;
        let a = PartnerId::new("A")?;
        l.record(
            Sale::new(a.clone(), d(2025, 3, 4), rub(70_000))
                .with_invoice("INV-1")
                .with_line_id("1")
                .with_due_date(d(2025, 4, 1)),
        )?;
        l.record(Sale::new(a.clone(), d(2025, 3, 9), rub(500)).with_invoice("INV-2"))?;
        l.record_payment(&Payment::part("INV-1", Decimal::from(100), d(2025, 4, 5)).with_id("P1"))?;
        let mut m = MonthlyFigures::new(PartnerId::new("M")?, Month::new(2025, 2)?, rub(9_000));
        m.deals = 3;
        l.add_monthly(m)?;
        Ok(l)
    }

    #[test]
    fn a_save_writes_the_bytes_of_the_owned_snapshot_in_a_binary_and_a_text_format() {
        let l = rich().unwrap();
        assert!(l.invoices.has_sorted_and_recent());
        assert!(!l.record.lines.is_empty() && !l.record.accounts.is_empty() && !l.record.documents.is_empty());
        let reference = owned(&l);
        assert_eq!(postcard::to_allocvec(&l).ok(), postcard::to_allocvec(&reference).ok());
        assert_eq!(serde_json::to_string(&l).ok(), serde_json::to_string(&reference).ok());
        let back: Ledger = postcard::from_bytes(&postcard::to_allocvec(&l).unwrap()).unwrap();
        // Equality looks the left side's partners up in the right side's
        // index: both ways, so the restored index is used too.
        assert_eq!(back, l);
        assert_eq!(l, back);
        for row in &l.rows {
            let at = back.index.get(row.id.as_str().as_bytes()).unwrap();
            assert_eq!(back.rows[at as usize].id, row.id);
        }
    }

    #[test]
    fn ids_in_the_order_of_their_prefixes_are_in_the_order_of_the_ids() {
        let ids = ["A", "AB", "ABCDEFGH", "ABCDEFGHI", "ABCDEFGH1", "B", "Ж-1", "P0000001", "P0000001-x", "Z"];
        for a in ids {
            for b in ids {
                let (a, b) = (PartnerId::new(a).unwrap(), PartnerId::new(b).unwrap());
                let by_prefix = id_prefix(&a).cmp(&id_prefix(&b)).then_with(|| a.cmp(&b));
                assert_eq!(by_prefix, a.cmp(&b), "{a} {b}");
            }
        }
    }

    #[test]
    fn the_invoice_block_is_every_fingerprint_in_order() {
        let l = rich().unwrap();
        let mut all: Vec<u128> = l.invoices.iter().copied().collect();
        all.sort_unstable();
        let bytes: Vec<u8> = all.iter().flat_map(|fp| fp.to_be_bytes()).collect();
        assert_eq!(l.invoices.sorted_be_bytes(), bytes);
    }
}

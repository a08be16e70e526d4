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
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::input::DateRange;
use super::record::{Account, Document, LineRecord, Record};
use super::store::{Cell, Extra, Index, PayRecord, Row};
use super::{InvoiceSet, Ledger};
use crate::money::Currency;
use crate::partner::PartnerId;
use crate::util::par;

/// The format of the snapshots this version writes.
const FORMAT: u32 = 1;

#[derive(Serialize, Deserialize)]
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

#[derive(Serialize, Deserialize)]
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
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(fps: &[u128], s: S) -> Result<S::Ok, S::Error> {
        let mut bytes = Vec::with_capacity(fps.len() * 16);
        for fp in fps {
            bytes.extend_from_slice(&fp.to_be_bytes());
        }
        s.serialize_bytes(&bytes)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u128>, D::Error> {
        let bytes: serde_bytes_compat::Bytes = Deserialize::deserialize(d)?;
        let bytes = bytes.0;
        if bytes.len() % 16 != 0 {
            return Err(D::Error::custom("the invoices are not a whole number of 16-byte fingerprints"));
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

    /// Bytes read from a byte string or from a sequence of numbers (JSON
    /// writes bytes as an array).
    mod serde_bytes_compat {
        use serde::Deserialize;
        use serde::de::{SeqAccess, Visitor};

        pub(crate) struct Bytes(pub(crate) Vec<u8>);

        impl<'de> Deserialize<'de> for Bytes {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Bytes;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("bytes")
                    }
                    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                        Ok(Bytes(v.to_vec()))
                    }
                    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                        Ok(Bytes(v))
                    }
                    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 24));
                        while let Some(b) = seq.next_element::<u8>()? {
                            out.push(b);
                        }
                        Ok(Bytes(out))
                    }
                }
                d.deserialize_byte_buf(V)
            }
        }
    }
}

impl Serialize for Ledger {
    /// The ledger's snapshot: see [`Ledger`]'s "Snapshots".
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A million partners and ten million invoices: the sorts and the
        // copies run on the pool (the snapshot bench: save 1.37 s on one
        // thread of sorting, under 1 s with them spread).
        let mut rows: Vec<&Row> = self.rows.iter().collect();
        par::sort_unstable_by(&mut rows, |a, b| a.id.cmp(&b.id)).map_err(S::Error::custom)?;
        let partners = par::map(&rows, |row| PartnerSnapshot {
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
        .map_err(S::Error::custom)?;
        drop(rows);
        let mut invoices: Vec<u128> = self.invoices.iter().copied().collect();
        par::sort_unstable(&mut invoices).map_err(S::Error::custom)?;

        Snapshot {
            format: FORMAT,
            currency: self.currency,
            scale: self.scale,
            dates: self.dates,
            strict: self.strict,
            partners,
            invoices,
            lines: sorted(&self.record.lines),
            documents: sorted(&self.record.documents),
            accounts: sorted(&self.record.accounts),
        }
        .serialize(serializer)
    }
}

/// A map's entries sorted by key.
fn sorted<V: Clone, S>(map: &std::collections::HashMap<u128, V, S>) -> Vec<(u128, V)> {
    let mut v: Vec<(u128, V)> = map.iter().map(|(k, v)| (*k, v.clone())).collect();
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
    let mut index = Index::new();
    let mut rows = Vec::with_capacity(s.partners.len());
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
        index.insert(&row.id, u32::try_from(rows.len()).map_err(|_| "too many partners".to_owned())?);
        rows.push(row);
        last = Some(p.id);
    }
    if s.invoices.windows(2).any(|w| w[0] >= w[1]) {
        return Err("the invoices are out of order or repeated".to_owned());
    }
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

//! The ledger as a record: lines with an identity and the documents they
//! make, the invoices' accounts of what is due and what was paid, and the
//! corrections of all of them.
//!
//! Every change goes through a [`Tx`]: it stages copies of what it touches
//! (a partner's row, a document, an account), checks everything, and only a
//! change that checked out whole is committed. A failed call leaves the
//! ledger as it was.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use super::input::{DateRange, LineRef, MarginInput, Payment, Sale, to_minor};
use super::store::{Row, add_payment, slot_mut};
use super::{Ledger, count_document};
use crate::error::{Error, ErrorKind, Result};
use crate::money::Currency;
use crate::partner::{PartnerId, check_id};
use crate::period::Month;
use crate::util::hash::{Hasher, fingerprint};

/// The identity of a line: its invoice and number or id, or its id alone.
/// `None` for a line number without an invoice.
pub(super) fn line_key(invoice: Option<&str>, line: &LineRef) -> Option<u128> {
    let mut bytes: Vec<u8> = Vec::with_capacity(64);
    let len = |s: &str| u32::try_from(s.len()).unwrap_or(u32::MAX).to_le_bytes();
    match (invoice, line) {
        (Some(invoice), LineRef::Number(n)) => {
            bytes.push(b'n');
            bytes.extend_from_slice(&len(invoice));
            bytes.extend_from_slice(invoice.as_bytes());
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        (Some(invoice), LineRef::Id(id)) => {
            bytes.push(b'i');
            bytes.extend_from_slice(&len(invoice));
            bytes.extend_from_slice(invoice.as_bytes());
            bytes.extend_from_slice(id.as_bytes());
        }
        (None, LineRef::Id(id)) => {
            bytes.push(b'l');
            bytes.extend_from_slice(id.as_bytes());
        }
        (None, LineRef::Number(_)) => return None,
    }
    Some(xxhash_rust::xxh3::xxh3_128(&bytes))
}

/// A line recorded with an identity: everything it said, to recognise it
/// when it is sent again and to take it back when it is corrected.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct LineRecord {
    pub(super) partner: PartnerId,
    pub(super) invoice: Option<Arc<str>>,
    pub(super) line: LineRef,
    pub(super) date: NaiveDate,
    pub(super) amount: i64,
    pub(super) margin: Option<i64>,
    pub(super) due: Option<NaiveDate>,
    pub(super) paid: Option<NaiveDate>,
}

impl LineRecord {
    fn month(&self) -> i32 {
        Month::of(self.date).index()
    }

    /// The document the line belongs to: its invoice, or itself.
    fn document(&self, key: u128) -> u128 {
        self.invoice.as_deref().map_or(key, fingerprint)
    }

    /// True if an unpaid part of the line waits for the invoice's payment.
    fn in_account(&self) -> bool {
        self.invoice.is_some() && self.due.is_some() && self.paid.is_none() && self.amount > 0
    }

    /// The line's name in messages: "invoice `INV-1` line 2", "line `L-7`".
    pub(super) fn name(&self) -> String {
        let short = crate::error::shorten;
        match (&self.invoice, &self.line) {
            (Some(i), LineRef::Number(n)) => format!("invoice `{}` line {n}", short(i)),
            (Some(i), LineRef::Id(id)) => format!("invoice `{}` line `{}`", short(i), short(id)),
            (None, LineRef::Id(id)) => format!("line `{}`", short(id)),
            (None, LineRef::Number(n)) => format!("line {n}"),
        }
    }

    /// What the line says, for a message comparing two versions of it.
    fn content(&self, scale: u32) -> String {
        let amount = rust_decimal::Decimal::new(self.amount, scale);
        let mut out =
            format!("partner `{}`, {} on {}", crate::error::shorten(self.partner.as_str()), amount, self.date);
        if let Some(m) = self.margin {
            out.push_str(&format!(", margin {}", rust_decimal::Decimal::new(m, scale)));
        }
        if let Some(d) = self.due {
            out.push_str(&format!(", due {d}"));
        }
        if let Some(d) = self.paid {
            out.push_str(&format!(", paid {d}"));
        }
        out
    }
}

/// A document whose lines carry identities: an invoice, or a line without
/// one. Its deal (or credit note) counts in the month of its earliest line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct Document {
    pub(super) partner: PartnerId,
    /// The identities of its lines, sorted.
    pub(super) lines: Vec<u128>,
    pub(super) total: i64,
    /// The earliest line's date.
    pub(super) first: NaiveDate,
}

/// A part of an invoice that is due: the unpaid lines of one month with one
/// due date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct Part {
    pub(super) month: i32,
    pub(super) due: NaiveDate,
    pub(super) amount: i64,
}

/// A payment applied to an invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(super) struct Paid {
    pub(super) id: Option<Box<str>>,
    pub(super) date: NaiveDate,
    pub(super) amount: i64,
}

/// What an invoice owes and what was paid on it: its parts with a due date,
/// recorded unpaid, and the payments since, in the order they came. Each
/// payment pays the parts with the earliest due date first.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Account {
    pub(super) partner: PartnerId,
    /// The invoice's date (its earliest line's): no payment is earlier.
    pub(super) date: NaiveDate,
    /// Sorted by (due date, month).
    pub(super) parts: Vec<Part>,
    pub(super) payments: Vec<Paid>,
}

/// A payment record key: (month, due date, paid date).
type PayKey = (i32, NaiveDate, Option<NaiveDate>);

impl Account {
    pub(super) fn new(partner: PartnerId, date: NaiveDate) -> Account {
        Account { partner, date, parts: Vec::new(), payments: Vec::new() }
    }

    /// Adds `amount` to the part of `month` due on `due`.
    pub(super) fn add_part(&mut self, month: i32, due: NaiveDate, amount: i64) -> Option<()> {
        match self.parts.binary_search_by_key(&(due, month), |p| (p.due, p.month)) {
            Ok(pos) => {
                let part = self.parts.get_mut(pos)?;
                part.amount = part.amount.checked_add(amount)?;
                if part.amount == 0 {
                    self.parts.remove(pos);
                }
            }
            Err(pos) => self.parts.insert(pos, Part { month, due, amount }),
        }
        Some(())
    }

    fn due_total(&self) -> Option<i64> {
        self.parts.iter().try_fold(0i64, |s, p| s.checked_add(p.amount))
    }

    fn paid_total(&self) -> Option<i64> {
        self.payments.iter().try_fold(0i64, |s, p| s.checked_add(p.amount))
    }

    /// What is still open (`None` if the sums leave the range).
    pub(super) fn open(&self) -> Option<i64> {
        self.due_total()?.checked_sub(self.paid_total()?)
    }

    /// The payment records of the account: each payment pays the parts with
    /// the earliest due date first; what is left is unpaid. `None` if the
    /// payments exceed what is due (the account is then not valid).
    pub(super) fn records(&self) -> Option<Vec<(PayKey, i64)>> {
        let mut left: Vec<i64> = self.parts.iter().map(|p| p.amount).collect();
        let mut out = Vec::with_capacity(self.parts.len() + self.payments.len());
        for payment in &self.payments {
            let mut rest = payment.amount;
            for (part, open) in self.parts.iter().zip(left.iter_mut()) {
                if rest == 0 {
                    break;
                }
                let take = rest.min(*open);
                if take > 0 {
                    out.push(((part.month, part.due, Some(payment.date)), take));
                    *open -= take;
                    rest -= take;
                }
            }
            if rest != 0 {
                return None;
            }
        }
        for (part, open) in self.parts.iter().zip(left) {
            if open > 0 {
                out.push(((part.month, part.due, None), open));
            }
        }
        Some(out)
    }
}

/// The record the ledger keeps besides its figures.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Record {
    /// Lines with an identity, by identity.
    pub(super) lines: HashMap<u128, LineRecord, Hasher>,
    /// Documents of lines with an identity: by invoice fingerprint, or by the
    /// identity of a line without an invoice.
    pub(super) documents: HashMap<u128, Document, Hasher>,
    /// Invoices with parts due, by fingerprint.
    pub(super) accounts: HashMap<u128, Account, Hasher>,
    /// Lines and payments skipped as replays since the ledger was built (a
    /// count, not data: it takes no part in equality).
    pub(super) replays: u64,
}

/// Adds (`sign` 1) or takes back (`sign` −1) a line's figures in its
/// partner's row: its amount and margin in its month, and its due amount
/// (unless it waits for the invoice's payment: the account has it).
fn apply_line(row: &mut Row, line: &LineRecord, sign: i64) -> Option<()> {
    let month = line.month();
    let cell = slot_mut(&mut row.cells, month);
    cell.turnover = cell.turnover.checked_add(line.amount.checked_mul(sign)?)?;
    match line.margin {
        Some(m) => cell.margin = cell.margin.checked_add(m.checked_mul(sign)?)?,
        None => {
            cell.margin_missing =
                if sign > 0 { cell.margin_missing.checked_add(1)? } else { cell.margin_missing.checked_sub(1)? }
        }
    }
    if let (Some(due), true, false) = (line.due, line.amount > 0, line.in_account()) {
        add_payment(&mut row.extra_mut().payments, (month, due, line.paid), line.amount.checked_mul(sign)?)?;
    }
    Some(())
}

/// Replaces an account's payment records in its partner's row: `old`'s are
/// taken back, `new`'s added.
fn apply_account(row: &mut Row, old: Option<&Account>, new: Option<&Account>) -> Option<()> {
    if let Some(old) = old {
        for (key, amount) in old.records()? {
            add_payment(&mut row.extra_mut().payments, key, amount.checked_neg()?)?;
        }
    }
    if let Some(new) = new {
        for (key, amount) in new.records()? {
            add_payment(&mut row.extra_mut().payments, key, amount)?;
        }
    }
    Some(())
}

/// A change to the ledger being staged: copies of what it touches. See the
/// module docs.
pub(super) struct Tx<'a> {
    base: &'a Ledger,
    rows: HashMap<PartnerId, Row, Hasher>,
    lines: HashMap<u128, Option<LineRecord>, Hasher>,
    documents: HashMap<u128, Option<Document>, Hasher>,
    accounts: HashMap<u128, Option<Account>, Hasher>,
    /// Invoices added (true) or removed (false).
    invoices: HashMap<u128, bool, Hasher>,
    /// The line (position in the call) that gave each identity in this call.
    given_at: HashMap<u128, u64, Hasher>,
    /// Accounts changed in this call: their payment records were taken out
    /// of their partner's row, to be put back as they end up
    /// ([`Tx::finish`]).
    unsettled: Vec<u128>,
    replays: u64,
}

/// What a [`Tx`] leaves to commit.
pub(super) struct Staged {
    pub(super) rows: HashMap<PartnerId, Row, Hasher>,
    pub(super) lines: HashMap<u128, Option<LineRecord>, Hasher>,
    pub(super) documents: HashMap<u128, Option<Document>, Hasher>,
    pub(super) accounts: HashMap<u128, Option<Account>, Hasher>,
    pub(super) invoices: HashMap<u128, bool, Hasher>,
    pub(super) replays: u64,
}

impl Staged {
    /// The invoices this change adds (to check against lines recorded
    /// without identities in the same call).
    pub(super) fn added_invoices(&self) -> impl Iterator<Item = u128> + '_ {
        self.invoices.iter().filter(|(_, added)| **added).map(|(fp, _)| *fp)
    }
}

impl<'a> Tx<'a> {
    pub(super) fn new(base: &'a Ledger) -> Tx<'a> {
        Tx {
            base,
            rows: HashMap::default(),
            lines: HashMap::default(),
            documents: HashMap::default(),
            accounts: HashMap::default(),
            invoices: HashMap::default(),
            given_at: HashMap::default(),
            unsettled: Vec::new(),
            replays: 0,
        }
    }

    /// Settles the accounts changed and hands over what to commit.
    ///
    /// # Errors
    ///
    /// An account paid beyond what it owes (a corrected line owes less than
    /// its payments); an overflow.
    pub(super) fn finish(mut self) -> Result<Staged> {
        let overflow = || Error::overflow("a partner's payments");
        for fp in std::mem::take(&mut self.unsettled) {
            let Some(account) = self.account(fp).cloned() else { continue };
            if account.parts.is_empty() && account.payments.is_empty() {
                self.accounts.insert(fp, None);
                continue;
            }
            if account.records().is_none() {
                return Err(Error::value(
                    "payments",
                    &rust_decimal::Decimal::new(account.paid_total().unwrap_or(i64::MAX), self.base.scale).to_string(),
                    format!(
                        "the invoice's payments exceed what it owes ({})",
                        rust_decimal::Decimal::new(account.due_total().unwrap_or(0), self.base.scale)
                    ),
                )
                .for_partner(&account.partner));
            }
            if let Some(early) = account.payments.iter().find(|p| p.date < account.date) {
                return Err(Error::value(
                    "paid_date",
                    &early.date.to_string(),
                    format!("a payment before the invoice's date {}", account.date),
                )
                .for_partner(&account.partner));
            }
            let row = self.row(&account.partner);
            apply_account(row, None, Some(&account)).ok_or_else(overflow)?;
        }
        Ok(Staged {
            rows: self.rows,
            lines: self.lines,
            documents: self.documents,
            accounts: self.accounts,
            invoices: self.invoices,
            replays: self.replays,
        })
    }

    fn row(&mut self, partner: &PartnerId) -> &mut Row {
        let base = self.base;
        self.rows
            .entry(partner.clone())
            .or_insert_with(|| base.row(partner.as_str()).cloned().unwrap_or_else(|| Row::new(partner.clone())))
    }

    fn line(&self, key: u128) -> Option<&LineRecord> {
        match self.lines.get(&key) {
            Some(staged) => staged.as_ref(),
            None => self.base.record.lines.get(&key),
        }
    }

    fn document(&self, key: u128) -> Option<&Document> {
        match self.documents.get(&key) {
            Some(staged) => staged.as_ref(),
            None => self.base.record.documents.get(&key),
        }
    }

    fn account(&self, key: u128) -> Option<&Account> {
        match self.accounts.get(&key) {
            Some(staged) => staged.as_ref(),
            None => self.base.record.accounts.get(&key),
        }
    }

    fn invoice_known(&self, fp: u128) -> bool {
        match self.invoices.get(&fp) {
            Some(added) => *added,
            None => self.base.invoices.contains(&fp),
        }
    }

    /// The staged account of invoice `fp` to change (a new one for
    /// `partner`, dated `date`, if it has none): its payment records are
    /// taken out of its partner's row until [`Tx::finish`] puts them back.
    fn account_mut(&mut self, fp: u128, partner: &PartnerId, date: NaiveDate) -> Result<&mut Account> {
        if !self.unsettled.contains(&fp) {
            let old = self.account(fp).cloned();
            if let Some(old) = &old {
                let row = self.row(&old.partner);
                apply_account(row, Some(old), None).ok_or_else(|| Error::overflow("a partner's payments"))?;
            }
            self.unsettled.push(fp);
            self.accounts.insert(fp, Some(old.unwrap_or_else(|| Account::new(partner.clone(), date))));
        }
        match self.accounts.get_mut(&fp) {
            Some(Some(account)) => Ok(account),
            _ => Err(Error::overflow("an invoice's account")),
        }
    }

    /// The line a sale makes, checked: currency, amounts at the ledger's
    /// scale, dates in the ledger's range and in order, ids well formed.
    fn parse(&self, sale: &Sale) -> Result<(u128, LineRecord)> {
        let ledger = self.base;
        parse_line(sale, ledger.currency, ledger.scale, &ledger.dates)
    }

    /// Records one line with an identity: `Ok(false)` for a replay.
    pub(super) fn record_line(&mut self, sale: &Sale, at: u64) -> Result<bool> {
        let (key, line) = self.parse(sale)?;
        if let Some(known) = self.line(key) {
            if *known == line {
                self.replays += 1;
                return Ok(false);
            }
            return Err(self.conflict(key, known, &line));
        }
        self.given_at.insert(key, at);
        self.add_line(key, line)?;
        Ok(true)
    }

    /// The error for a line whose identity is known with other content.
    fn conflict(&self, key: u128, known: &LineRecord, given: &LineRecord) -> Error {
        let scale = self.base.scale;
        Error::from(ErrorKind::LineConflict {
            line: known.name(),
            first_line: self.given_at.get(&key).copied(),
            recorded: known.content(scale),
            given: given.content(scale),
        })
        .for_partner(&given.partner)
    }

    /// Adds a checked line whose identity is new.
    fn add_line(&mut self, key: u128, line: LineRecord) -> Result<()> {
        let overflow = || Error::overflow("a partner's figures");
        let doc_key = line.document(key);
        if let Some(invoice) = &line.invoice {
            let fp = doc_key;
            // (A document taken out in this change is the line's own.)
            let own = matches!(self.documents.get(&fp), Some(None));
            if self.document(fp).is_none() && !own && self.invoice_known(fp) {
                // Recorded before as a whole document, without identities.
                return Err(Error::from(ErrorKind::DuplicateInvoice { invoice: crate::error::shorten(invoice) })
                    .for_invoice(invoice));
            }
        }
        // The document: its deal moves with its total and earliest line.
        let old = self.document(doc_key).cloned();
        if let Some(doc) = &old {
            if doc.partner != line.partner {
                return Err(Error::from(ErrorKind::InvoicePartnerConflict {
                    invoice: line.invoice.as_deref().map(crate::error::shorten),
                    first: doc.partner.to_string(),
                    second: line.partner.to_string(),
                }));
            }
        }
        let mut doc = old.clone().unwrap_or(Document {
            partner: line.partner.clone(),
            lines: Vec::new(),
            total: 0,
            first: line.date,
        });
        if let Err(pos) = doc.lines.binary_search(&key) {
            doc.lines.insert(pos, key);
        }
        doc.total = doc.total.checked_add(line.amount).ok_or_else(overflow)?;
        doc.first = doc.first.min(line.date);
        let row = self.row(&line.partner);
        if let Some(old) = &old {
            count_document(row, Month::of(old.first).index(), old.total, -1).ok_or_else(overflow)?;
        }
        count_document(row, Month::of(doc.first).index(), doc.total, 1).ok_or_else(overflow)?;
        apply_line(row, &line, 1).ok_or_else(overflow)?;
        // The account of what the invoice owes.
        if line.in_account() {
            let account = self.account_mut(doc_key, &line.partner, line.date)?;
            account.date = if account.parts.is_empty() { line.date } else { account.date.min(line.date) };
            account.partner = line.partner.clone();
            let due = line.due.unwrap_or(line.date);
            account.add_part(line.month(), due, line.amount).ok_or_else(overflow)?;
        }
        if line.invoice.is_some() {
            self.invoices.insert(doc_key, true);
        }
        self.documents.insert(doc_key, Some(doc));
        self.lines.insert(key, Some(line));
        Ok(())
    }

    /// Takes back a recorded line (the figures, its document's deal and its
    /// part of the account). The account may be left paid beyond what it
    /// owes: the caller checks it after adding the line's replacement.
    fn remove_line(&mut self, key: u128) -> Result<LineRecord> {
        let overflow = || Error::overflow("a partner's figures");
        let line = self.line(key).cloned().ok_or_else(|| Error::overflow("a recorded line"))?;
        let doc_key = line.document(key);
        let old = self.document(doc_key).cloned().ok_or_else(|| Error::overflow("a recorded document"))?;
        let mut doc = old.clone();
        doc.lines.retain(|k| *k != key);
        doc.total = doc.total.checked_sub(line.amount).ok_or_else(overflow)?;
        let mut first: Option<NaiveDate> = None;
        for k in &doc.lines {
            let date = self.line(*k).map(|l| l.date).ok_or_else(|| Error::overflow("a recorded line"))?;
            first = Some(first.map_or(date, |f| f.min(date)));
        }
        let row = self.row(&line.partner);
        count_document(row, Month::of(old.first).index(), old.total, -1).ok_or_else(overflow)?;
        apply_line(row, &line, -1).ok_or_else(overflow)?;
        match first {
            Some(first) => {
                doc.first = first;
                count_document(row, Month::of(doc.first).index(), doc.total, 1).ok_or_else(overflow)?;
                self.documents.insert(doc_key, Some(doc));
            }
            None => {
                self.documents.insert(doc_key, None);
            }
        }
        if line.in_account() {
            // The invoice's date for its account: its earliest line still
            // waiting for payment (the line goes, so it is not counted).
            self.lines.insert(key, None);
            let mut date: Option<NaiveDate> = None;
            for k in self.document(doc_key).map(|d| d.lines.clone()).unwrap_or_default() {
                if let Some(other) = self.line(k).filter(|l| l.in_account()) {
                    date = Some(date.map_or(other.date, |d| d.min(other.date)));
                }
            }
            let account = self.account_mut(doc_key, &line.partner, line.date)?;
            let due = line.due.unwrap_or(line.date);
            account
                .add_part(line.month(), due, line.amount.checked_neg().ok_or_else(overflow)?)
                .ok_or_else(overflow)?;
            if let Some(date) = date {
                account.date = date;
            }
        }
        self.lines.insert(key, None);
        Ok(line)
    }
}

impl Tx<'_> {
    /// Replaces a recorded line with `sale`, which carries the same
    /// identity.
    pub(super) fn replace_line(&mut self, sale: &Sale) -> Result<()> {
        let (key, line) = self.parse(sale)?;
        let Some(old) = self.line(key).cloned() else {
            return Err(Error::from(ErrorKind::UnknownLine { line: line.name() }));
        };
        if old.partner != line.partner {
            // A line booked to the wrong partner: it may move, unless other
            // lines of its invoice stay with the first partner.
            let doc = self.document(old.document(key));
            if doc.is_some_and(|d| d.lines.len() > 1) {
                return Err(Error::from(ErrorKind::InvoicePartnerConflict {
                    invoice: line.invoice.as_deref().map(crate::error::shorten),
                    first: old.partner.to_string(),
                    second: line.partner.to_string(),
                }));
            }
        }
        self.remove_line(key)?;
        if old.partner != line.partner && old.in_account() {
            // The invoice's account moves with its only line.
            let fp = old.document(key);
            let account = self.account_mut(fp, &line.partner, line.date)?;
            account.partner = line.partner.clone();
        }
        self.add_line(key, line)
    }

    /// Voids an invoice recorded with line identities: its lines, its deal,
    /// its account and its payments, as if it had never been recorded.
    pub(super) fn void_invoice(&mut self, invoice: &str) -> Result<()> {
        let fp = fingerprint(invoice);
        let Some(doc) = self.document(fp).cloned() else {
            return Err(if self.invoice_known(fp) {
                Error::from(ErrorKind::NotCorrectable { invoice: crate::error::shorten(invoice) })
            } else {
                Error::from(ErrorKind::UnknownInvoice { invoice: crate::error::shorten(invoice) })
            }
            .for_invoice(invoice));
        };
        for key in &doc.lines {
            self.remove_line(*key)?;
        }
        if self.account(fp).is_some() {
            let account = self.account_mut(fp, &doc.partner, doc.first)?;
            account.parts.clear();
            account.payments.clear();
        }
        self.invoices.insert(fp, false);
        Ok(())
    }

    /// Records a payment on an invoice: `Ok(false)` for a replay.
    pub(super) fn record_payment(&mut self, payment: &Payment) -> Result<bool> {
        let invoice = payment.invoice.as_str();
        let fp = fingerprint(invoice);
        let unknown = || Error::from(ErrorKind::UnknownInvoice { invoice: crate::error::shorten(invoice) });
        let account = self.account(fp).cloned().ok_or_else(unknown)?;
        let scale = self.base.scale;
        if let Some(id) = payment.id.as_deref() {
            check_id(id).map_err(|reason| Error::value("payment id", id, reason))?;
            if let Some(known) = account.payments.iter().find(|p| p.id.as_deref() == Some(id)) {
                // A payment of "everything open" sent again is the same
                // payment: it paid what was open then.
                let same_amount = match payment.amount {
                    None => true,
                    Some(a) => to_minor(a, scale).is_ok_and(|a| a == known.amount),
                };
                if known.date == payment.date && same_amount {
                    self.replays += 1;
                    return Ok(false);
                }
                return Err(Error::from(ErrorKind::PaymentConflict { payment: crate::error::shorten(id) }));
            }
        }
        self.base.dates.check(payment.date, "paid_date")?;
        if payment.date < account.date {
            return Err(Error::value(
                "paid_date",
                &payment.date.to_string(),
                format!("before the invoice's date {}", account.date),
            ));
        }
        let open = account.open().ok_or_else(|| Error::overflow("an invoice's account"))?;
        let amount = paid_amount(payment, open, scale)?;
        let partner = account.partner.clone();
        let target = self.account_mut(fp, &partner, account.date)?;
        target.payments.push(Paid { id: payment.id.as_deref().map(Box::from), date: payment.date, amount });
        Ok(true)
    }

    /// Takes back the payment `id` of `invoice`.
    pub(super) fn reverse_payment(&mut self, invoice: &str, id: &str) -> Result<()> {
        let fp = fingerprint(invoice);
        let unknown = || Error::from(ErrorKind::UnknownPayment { payment: crate::error::shorten(id) });
        let account = self.account(fp).cloned().ok_or_else(unknown)?;
        let at = account.payments.iter().position(|p| p.id.as_deref() == Some(id)).ok_or_else(unknown)?;
        let target = self.account_mut(fp, &account.partner, account.date)?;
        if at < target.payments.len() {
            target.payments.remove(at);
        }
        Ok(())
    }
}

/// The line a sale makes, checked, with its identity.
pub(super) fn parse_line(sale: &Sale, currency: Currency, scale: u32, dates: &DateRange) -> Result<(u128, LineRecord)> {
    if sale.amount.currency() != currency {
        return Err(Error::currency_mismatch(currency, sale.amount.currency()));
    }
    let amount = to_minor(sale.amount.amount(), scale)?;
    let margin = match sale.margin {
        None => None,
        Some(MarginInput::Margin(m)) => Some(to_minor(m, scale)?),
        Some(MarginInput::Cost(c)) => Some(
            amount.checked_sub(to_minor(c, scale)?).ok_or_else(|| Error::overflow("the margin (amount minus cost)"))?,
        ),
    };
    check_line_dates(dates, sale.date, sale.due_date, sale.paid_date)?;
    let invoice = match sale.invoice.as_deref() {
        Some(invoice) => {
            check_id(invoice).map_err(|reason| {
                Error::from(ErrorKind::InvalidInvoiceId { id: crate::error::shorten(invoice), reason })
            })?;
            Some(Arc::<str>::from(invoice))
        }
        None => None,
    };
    let line = sale.line.clone().ok_or_else(|| Error::value("line", "", "the line has no identity"))?;
    if let LineRef::Id(id) = &line {
        check_id(id).map_err(|reason| {
            Error::value("line_id", id, format!("not a valid line id: {reason}")).at_column("line_id")
        })?;
    }
    let key = line_key(invoice.as_deref(), &line).ok_or_else(|| {
        Error::value("line", &sale.line_number().unwrap_or(0).to_string(), "a line number needs an invoice id")
    })?;
    Ok((
        key,
        LineRecord {
            partner: sale.partner.clone(),
            invoice,
            line,
            date: sale.date,
            amount,
            margin,
            due: sale.due_date,
            paid: sale.paid_date,
        },
    ))
}

/// A line's dates: in the range, and no due or paid date before the line.
#[inline]
pub(crate) fn check_line_dates(
    dates: &DateRange,
    date: NaiveDate,
    due: Option<NaiveDate>,
    paid: Option<NaiveDate>,
) -> Result<()> {
    // Most lines: a date in range and nothing else to check, two
    // comparisons where the whole check was a call of 45 instructions.
    if due.is_none() && paid.is_none() && dates.contains(date) {
        Ok(())
    } else {
        check_all_line_dates(dates, date, due, paid)
    }
}

/// [`check_line_dates`], every case.
fn check_all_line_dates(
    dates: &DateRange,
    date: NaiveDate,
    due: Option<NaiveDate>,
    paid: Option<NaiveDate>,
) -> Result<()> {
    dates.check(date, "date").map_err(|e| e.at_column("date"))?;
    for (field, value) in [("due_date", due), ("paid_date", paid)] {
        if let Some(value) = value {
            dates.check(value, field).map_err(|e| e.at_column(field))?;
            if value < date {
                return Err(
                    Error::value(field, &value.to_string(), format!("before the line's date {date}")).at_column(field)
                );
            }
        }
    }
    Ok(())
}

/// A payment's amount at the ledger's scale, checked against what is open.
fn paid_amount(payment: &Payment, open: i64, scale: u32) -> Result<i64> {
    match payment.amount {
        None if open > 0 => Ok(open),
        None => Err(ErrorKind::UnknownInvoice { invoice: crate::error::shorten(&payment.invoice) }.into()),
        Some(a) => {
            let amount = to_minor(a, scale)?;
            if amount <= 0 {
                return Err(Error::value("amount", &a.to_string(), "a payment is positive"));
            }
            if amount > open {
                return Err(Error::value(
                    "amount",
                    &a.to_string(),
                    format!("more than the {} still open", rust_decimal::Decimal::new(open, scale)),
                ));
            }
            Ok(amount)
        }
    }
}

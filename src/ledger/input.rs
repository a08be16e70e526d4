//! What goes into a ledger: invoice lines and pre-aggregated monthly
//! figures.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Ledger, Receivable};
use crate::error::{Error, ErrorKind, Result};
use crate::money::{Currency, Money};
use crate::partner::{PartnerId, check_id, is_plain_id};
use crate::period::Month;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MarginInput {
    Margin(Decimal),
    Cost(Decimal),
}

/// One invoice line or credit-note line from the billing tool.
///
/// A positive amount is an invoice line, a negative one a credit-note line
/// (a return, a correction). Lines that share an invoice id are one
/// document; a document whose lines add up to more than zero is one deal,
/// one that adds up to less than zero is a credit note, counted in the month
/// of its earliest line.
///
/// A line may carry an identity, as a billing system posts it: its invoice
/// id and line number ([`with_line`](Sale::with_line)), or a line id of its
/// own ([`with_line_id`](Sale::with_line_id); with an invoice id the pair
/// is the identity). The ledger then keeps the line as a record: the lines
/// of an invoice may come one by one, in any order and any number of calls;
/// a line sent again unchanged is skipped (a replay); a line can be
/// replaced and an invoice voided ([`Ledger::replace_line`],
/// [`Ledger::void_invoice`]). Lines without an identity are aggregated as
/// they come: the lines of one invoice must then come in one call, and
/// cannot be corrected one by one.
///
/// The optional margin (or cost, from which the margin is computed), due date
/// and paid date feed the margin KPI and payment discipline.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::{Currency, Money, PartnerId, Sale};
/// use rust_decimal::Decimal;
///
/// let date = NaiveDate::from_ymd_opt(2025, 3, 14).unwrap();
/// let sale = Sale::new(PartnerId::new("D-042")?, date, Money::new(Decimal::new(125_000_00, 2), Currency::RUB))
///     .with_invoice("INV-2025-0317")
///     .with_margin(Decimal::new(18_750_00, 2))
///     .with_due_date(date + chrono::Days::new(30));
/// assert_eq!(sale.invoice(), Some("INV-2025-0317"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sale {
    pub(super) partner: PartnerId,
    pub(super) date: NaiveDate,
    pub(super) amount: Money,
    pub(super) margin: Option<MarginInput>,
    pub(super) invoice: Option<String>,
    pub(super) due_date: Option<NaiveDate>,
    pub(super) paid_date: Option<NaiveDate>,
    pub(super) line: Option<LineRef>,
}

/// How a line is named within its invoice (or on its own).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub(crate) enum LineRef {
    /// The line's number within its invoice.
    Number(u32),
    /// A line id of its own.
    Id(Box<str>),
}

impl Sale {
    /// A line of `amount` for `partner` on `date`.
    #[must_use]
    pub fn new(partner: PartnerId, date: NaiveDate, amount: Money) -> Sale {
        Sale { partner, date, amount, margin: None, invoice: None, due_date: None, paid_date: None, line: None }
    }

    /// Gives the line its identity within its invoice: the line number (the
    /// invoice id, [`with_invoice`](Sale::with_invoice), is needed too).
    #[must_use]
    pub fn with_line(mut self, number: u32) -> Sale {
        self.line = Some(LineRef::Number(number));
        self
    }

    /// Gives the line an id of its own: alone it is the line's identity,
    /// with an invoice id the pair is.
    #[must_use]
    pub fn with_line_id(mut self, id: impl Into<String>) -> Sale {
        self.line = Some(LineRef::Id(id.into().into_boxed_str()));
        self
    }

    /// The line number within the invoice, if the line has one.
    #[must_use]
    pub fn line_number(&self) -> Option<u32> {
        match self.line {
            Some(LineRef::Number(n)) => Some(n),
            _ => None,
        }
    }

    /// The line id, if the line has one.
    #[must_use]
    pub fn line_id(&self) -> Option<&str> {
        match &self.line {
            Some(LineRef::Id(id)) => Some(id),
            _ => None,
        }
    }

    /// True if the line carries an identity (a line number or a line id).
    #[must_use]
    pub fn has_identity(&self) -> bool {
        self.line.is_some()
    }

    /// Sets the line's margin (in the line's currency).
    #[must_use]
    pub fn with_margin(mut self, margin: Decimal) -> Sale {
        self.margin = Some(MarginInput::Margin(margin));
        self
    }

    /// Sets the line's cost; the margin is the amount minus the cost.
    #[must_use]
    pub fn with_cost(mut self, cost: Decimal) -> Sale {
        self.margin = Some(MarginInput::Cost(cost));
        self
    }

    /// Sets the invoice (document) number. Lines with the same number are one
    /// document; the ledger rejects a number it has already recorded.
    #[must_use]
    pub fn with_invoice(mut self, invoice: impl Into<String>) -> Sale {
        self.invoice = Some(invoice.into());
        self
    }

    /// Sets the date payment is due.
    #[must_use]
    pub fn with_due_date(mut self, due_date: NaiveDate) -> Sale {
        self.due_date = Some(due_date);
        self
    }

    /// Sets the date the line was paid.
    #[must_use]
    pub fn with_paid_date(mut self, paid_date: NaiveDate) -> Sale {
        self.paid_date = Some(paid_date);
        self
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// The date of the line.
    #[must_use]
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The amount (negative for a credit-note line).
    #[must_use]
    pub fn amount(&self) -> Money {
        self.amount
    }

    /// The margin, if it was given (directly or as a cost). `None` if the
    /// margin or cost was not given, or `amount - cost` overflows.
    #[must_use]
    pub fn margin(&self) -> Option<Decimal> {
        match self.margin? {
            MarginInput::Margin(m) => Some(m),
            MarginInput::Cost(c) => self.amount.amount().checked_sub(c),
        }
    }

    /// The invoice (document) number, if any.
    #[must_use]
    pub fn invoice(&self) -> Option<&str> {
        self.invoice.as_deref()
    }

    /// The due date, if any.
    #[must_use]
    pub fn due_date(&self) -> Option<NaiveDate> {
        self.due_date
    }

    /// The paid date, if any.
    #[must_use]
    pub fn paid_date(&self) -> Option<NaiveDate> {
        self.paid_date
    }
}

/// One partner's figures for one month: what a warehouse that aggregates
/// invoice lines gives the ledger, and what the ledger gives back per month
/// of a window ([`Turnover::months`](super::Turnover::months)).
///
/// Added to a ledger ([`Ledger::add_monthly`](super::Ledger::add_monthly))
/// they count like the invoice lines they summarise: with their
/// receivables, the review from a warehouse's figures is the review from
/// the lines ([`Ledger::monthly_figures`](super::Ledger::monthly_figures)
/// gives the figures a ledger summarises to). They carry no invoice ids, so
/// the ledger cannot detect a resent extract line by line; instead it
/// rejects a second set of figures for the same partner and month.
///
/// # Example
///
/// ```
/// use partner_priority::ledger::MonthlyFigures;
/// use partner_priority::period::Month;
/// use partner_priority::rust_decimal::Decimal;
/// use partner_priority::{Currency, Ledger, Money, PartnerId};
///
/// let mut ledger = Ledger::new(Currency::RUB);
/// let figures = MonthlyFigures::new(
///     PartnerId::new("D-1")?,
///     Month::new(2025, 3)?,
///     Money::new(Decimal::new(640_000, 0), Currency::RUB),
/// )
/// .with_deals(12)
/// .with_credit_notes(Decimal::new(-15_000, 0), 1)
/// .with_margin(Decimal::new(96_000, 0));
/// ledger.add_monthly(figures.clone())?;
/// assert!(ledger.add_monthly(figures).unwrap_err().is_duplicate());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct MonthlyFigures {
    /// The partner.
    pub partner: PartnerId,
    /// The month.
    pub month: Month,
    /// The currency of the amounts.
    pub currency: Currency,
    /// Net turnover: invoices plus credit notes.
    pub turnover: Decimal,
    /// The credit-note total (zero or negative), already part of `turnover`.
    pub credit_notes: Decimal,
    /// The number of credit notes.
    pub credit_note_count: u32,
    /// The margin of the lines that carried one.
    pub margin: Decimal,
    /// True if every line of the month carried a margin (or cost).
    pub margin_complete: bool,
    /// The number of deals (invoices).
    pub deals: u32,
    /// What was due from the month's invoice lines, by due date and paid
    /// date (payment discipline needs no more): each with this month.
    pub receivables: Vec<Receivable>,
}

impl MonthlyFigures {
    /// The net turnover (invoices plus credit notes) of `partner` in `month`,
    /// without deals, credit notes or margin yet.
    #[must_use]
    pub fn new(partner: PartnerId, month: Month, turnover: Money) -> MonthlyFigures {
        MonthlyFigures {
            partner,
            month,
            currency: turnover.currency(),
            turnover: turnover.amount(),
            credit_notes: Decimal::ZERO,
            credit_note_count: 0,
            margin: Decimal::ZERO,
            margin_complete: false,
            deals: 0,
            receivables: Vec::new(),
        }
    }

    /// Adds money due from the month's invoice lines: `amount` due on
    /// `due_date`, paid on `paid_date` (`None`: not paid when the figures
    /// were taken). Amounts with the same dates add up.
    #[must_use]
    pub fn with_receivable(
        mut self,
        due_date: NaiveDate,
        paid_date: Option<NaiveDate>,
        amount: Decimal,
    ) -> MonthlyFigures {
        self.receivables.push(Receivable { month: self.month, due_date, paid_date, amount });
        self
    }

    /// Sets the number of deals (invoices).
    #[must_use]
    pub fn with_deals(mut self, deals: u32) -> MonthlyFigures {
        self.deals = deals;
        self
    }

    /// Sets the credit-note total (zero or negative; it is already part of the
    /// net turnover) and the number of credit notes.
    #[must_use]
    pub fn with_credit_notes(mut self, total: Decimal, count: u32) -> MonthlyFigures {
        self.credit_notes = total;
        self.credit_note_count = count;
        self
    }

    /// Sets the margin of the whole month (every line's).
    #[must_use]
    pub fn with_margin(mut self, margin: Decimal) -> MonthlyFigures {
        self.margin = margin;
        self.margin_complete = true;
        self
    }

    /// The turnover as [`Money`].
    #[must_use]
    pub fn turnover_money(&self) -> Money {
        Money::new(self.turnover, self.currency)
    }

    /// The invoiced amount before credit notes (`turnover - credit_notes`;
    /// saturating at Decimal's range for hand-built figures).
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        self.turnover.checked_sub(self.credit_notes).unwrap_or(Decimal::MAX)
    }
}

/// Converts an exact decimal to integer minor units at `scale`.
pub(crate) fn to_minor(amount: Decimal, scale: u32) -> Result<i64> {
    let inexact = |reason: String| Error::from(ErrorKind::InexactAmount { amount, reason });
    let mut value = amount;
    if value.scale() > scale {
        value = value.normalize();
        if value.scale() > scale {
            return Err(inexact(format!("the ledger keeps {scale} decimal places")));
        }
    }
    let factor = 10i128.pow(scale - value.scale());
    value
        .mantissa()
        .checked_mul(factor)
        .and_then(|v| i64::try_from(v).ok())
        .ok_or_else(|| inexact("out of the ledger's range".to_owned()))
}

/// The dates a ledger accepts, first and last day included.
///
/// A billing system's data starts with the company's first invoice and
/// ends a little after today: a line dated outside that span is a typo
/// (1925 for 2025), and counting it would move the partner's averaging and
/// tier. The default, [`DateRange::DEFAULT`], accepts this century's dates
/// (2000-01-01 … 2099-12-31); a billing tool sets the range from its first
/// invoice to, say, a year ahead of the day it runs
/// ([`Ledger::with_dates`](super::Ledger::with_dates),
/// `CsvImport::dates`). [`DateRange::ANY`] accepts every date the crate
/// can keep.
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::ledger::DateRange;
///
/// let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
/// let range = DateRange::new(d(2019, 1, 1), d(2027, 12, 31))?;
/// assert!(range.contains(d(2025, 3, 1)));
/// assert!(!range.contains(d(1925, 3, 1)));
/// assert!(DateRange::new(d(2027, 1, 1), d(2019, 1, 1)).is_err());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields, try_from = "RawDateRange", into = "RawDateRange"))]
pub struct DateRange {
    first: NaiveDate,
    last: NaiveDate,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDateRange {
    first: NaiveDate,
    last: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<RawDateRange> for DateRange {
    type Error = Error;
    fn try_from(r: RawDateRange) -> Result<DateRange> {
        DateRange::new(r.first, r.last)
    }
}

#[cfg(feature = "serde")]
impl From<DateRange> for RawDateRange {
    fn from(r: DateRange) -> RawDateRange {
        RawDateRange { first: r.first, last: r.last }
    }
}

impl DateRange {
    /// Every date the crate keeps: 0001-01-01 … 9999-12-31.
    pub const ANY: DateRange = DateRange { first: Ledger::MIN_DATE, last: Ledger::MAX_DATE };

    /// This century: 2000-01-01 … 2099-12-31. This is the default.
    pub const DEFAULT: DateRange = DateRange {
        first: match NaiveDate::from_ymd_opt(2000, 1, 1) {
            Some(d) => d,
            None => Ledger::MIN_DATE,
        },
        last: match NaiveDate::from_ymd_opt(2099, 12, 31) {
            Some(d) => d,
            None => Ledger::MAX_DATE,
        },
    };

    /// The dates from `first` to `last`, both included.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidValue`] (`dates`) if `first` is after `last` or
    /// either is outside [`DateRange::ANY`].
    pub fn new(first: NaiveDate, last: NaiveDate) -> Result<DateRange> {
        if first > last {
            return Err(Error::value("dates", &format!("{first} … {last}"), "the first date is after the last"));
        }
        if !DateRange::ANY.contains(first) || !DateRange::ANY.contains(last) {
            return Err(Error::value("dates", &format!("{first} … {last}"), "outside 0001-01-01 … 9999-12-31"));
        }
        Ok(DateRange { first, last })
    }

    /// The first date accepted.
    #[must_use]
    pub fn first(&self) -> NaiveDate {
        self.first
    }

    /// The last date accepted.
    #[must_use]
    pub fn last(&self) -> NaiveDate {
        self.last
    }

    /// True if `date` is in the range.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.first..=self.last).contains(&date)
    }

    /// True if some day of `month` is in the range.
    #[must_use]
    pub fn overlaps(&self, month: Month) -> bool {
        month.last_day() >= self.first && month.first_day() <= self.last
    }

    /// [`ErrorKind::DateOutOfRange`] naming `field` unless `date` is in the
    /// range.
    pub(crate) fn check(&self, date: NaiveDate, field: &str) -> Result<()> {
        if self.contains(date) {
            Ok(())
        } else {
            Err(ErrorKind::DateOutOfRange {
                what: format!("{field} {date} is outside the accepted dates {} … {}", self.first, self.last),
            }
            .into())
        }
    }
}

impl Default for DateRange {
    fn default() -> DateRange {
        DateRange::DEFAULT
    }
}

/// A payment received for an invoice: in full, or part of it.
///
/// Payments make an invoice's lines (those with a due date) paid from the
/// payment's date on, the earliest due first: a review as of an earlier
/// date still sees them unpaid. A payment with an id can be reversed
/// ([`Ledger::reverse_payment`](super::Ledger::reverse_payment), a bounced
/// transfer) and is recognised when it is sent again (a replay, skipped).
///
/// # Example
///
/// ```
/// use partner_priority::chrono::NaiveDate;
/// use partner_priority::ledger::Payment;
/// use partner_priority::rust_decimal::Decimal;
///
/// let day = NaiveDate::from_ymd_opt(2025, 4, 20).unwrap();
/// let part = Payment::part("INV-7", Decimal::from(30_000), day).with_id("PAY-1");
/// assert_eq!(part.amount(), Some(Decimal::from(30_000)));
/// let rest = Payment::full("INV-7", day);
/// assert_eq!(rest.amount(), None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Payment {
    /// The invoice paid.
    pub invoice: String,
    /// The payment's id in the billing system, if it has one.
    pub id: Option<String>,
    /// The day the money came in.
    pub date: NaiveDate,
    /// The amount; `None` pays everything still open.
    pub amount: Option<Decimal>,
}

impl Payment {
    /// A payment of everything still open on `invoice`, on `date`.
    #[must_use]
    pub fn full(invoice: impl Into<String>, date: NaiveDate) -> Payment {
        Payment { invoice: invoice.into(), id: None, date, amount: None }
    }

    /// A payment of `amount` on `invoice` (part of it, or all), on `date`.
    #[must_use]
    pub fn part(invoice: impl Into<String>, amount: Decimal, date: NaiveDate) -> Payment {
        Payment { invoice: invoice.into(), id: None, date, amount: Some(amount) }
    }

    /// Gives the payment its id in the billing system.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Payment {
        self.id = Some(id.into());
        self
    }

    /// The amount, if the payment is not of everything still open.
    #[must_use]
    pub fn amount(&self) -> Option<Decimal> {
        self.amount
    }
}

/// What a call that records lines or payments did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Recorded {
    /// Lines (or payments) recorded.
    pub recorded: usize,
    /// Lines (or payments) skipped as replays: their identity was known
    /// already, with the same content.
    pub replays: usize,
}

impl Recorded {
    /// Lines (or payments) taken in all: recorded and skipped.
    #[must_use]
    pub fn total(&self) -> usize {
        self.recorded + self.replays
    }
}

/// A partner named by a checked id, or by an id as an import read it.
#[derive(Clone, Copy)]
pub(crate) enum PartnerKey<'a> {
    Id(&'a PartnerId),
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))] // used by the imports
    Text(IdText<'a>),
}

impl PartnerKey<'_> {
    pub(super) fn as_bytes(&self) -> &[u8] {
        match self {
            PartnerKey::Id(id) => id.as_str().as_bytes(),
            PartnerKey::Text(text) => text.as_bytes(),
        }
    }
}

/// An id as an import read it from a line (a partner's or an invoice's).
#[derive(Clone, Copy, Debug)]
pub(crate) enum IdText<'a> {
    /// Text still to be checked ([`check_id`]).
    Str(&'a str),
    /// A plain id: printable ASCII, valid as it is. Most ids are, and they
    /// skip the UTF-8 check and the id's rules.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // made by the CSV import
    Plain(PlainId<'a>),
}

/// Bytes that passed [`is_plain_id`]; made only by [`PlainId::of`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct PlainId<'a>(&'a [u8]);

impl<'a> PlainId<'a> {
    /// `bytes` as a plain id, if they are one.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    pub(crate) fn of(bytes: &'a [u8]) -> Option<PlainId<'a>> {
        is_plain_id(bytes).then_some(PlainId(bytes))
    }
}

impl<'a> IdText<'a> {
    pub(crate) fn as_bytes(&self) -> &'a [u8] {
        match self {
            IdText::Str(text) => text.as_bytes(),
            IdText::Plain(PlainId(bytes)) => bytes,
        }
    }

    /// Checks the id ([`check_id`]); a plain id is valid.
    pub(crate) fn check(&self) -> std::result::Result<(), &'static str> {
        match self {
            IdText::Str(text) => check_id(text),
            IdText::Plain(_) => Ok(()),
        }
    }

    /// The id as text (both kinds are UTF-8), for messages and to make a
    /// [`PartnerId`] or an invoice id of it.
    pub(crate) fn text(&self) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(self.as_bytes())
    }
}

/// One parsed line: amounts in minor units, dates checked.
pub(crate) struct Line<'a> {
    pub(crate) date: NaiveDate,
    pub(crate) amount: i64,
    pub(crate) margin: Option<i64>,
    pub(crate) invoice: Option<IdText<'a>>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) paid_date: Option<NaiveDate>,
}

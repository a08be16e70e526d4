//! What goes into a ledger: invoice lines and pre-aggregated monthly
//! figures.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Ledger;
use crate::error::{Error, ErrorKind, Result};
use crate::money::{Currency, Money};
use crate::partner::PartnerId;
use crate::period::Month;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum MarginInput {
    Margin(Decimal),
    Cost(Decimal),
}

/// One invoice line or credit-note line from the billing tool.
///
/// A positive amount is an invoice line, a negative one a credit-note line
/// (a return, a correction). Lines that share an invoice id are one document
/// and must be recorded in one call ([`Ledger::record_all`]); a document
/// whose lines add up to more than zero is one deal, one that adds up to
/// less than zero is a credit note.
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
}

impl Sale {
    /// A line of `amount` for `partner` on `date`.
    #[must_use]
    pub fn new(partner: PartnerId, date: NaiveDate, amount: Money) -> Sale {
        Sale { partner, date, amount, margin: None, invoice: None, due_date: None, paid_date: None }
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
/// they count like the invoice lines they summarise. They carry no invoice
/// ids, so the ledger cannot detect a resent extract line by line; instead
/// it rejects a second set of figures for the same partner and month.
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
        }
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

pub(super) fn check_date(date: NaiveDate, field: &str) -> Result<()> {
    if (Ledger::MIN_DATE..=Ledger::MAX_DATE).contains(&date) {
        Ok(())
    } else {
        Err(ErrorKind::DateOutOfRange { what: format!("{field} {date} is outside 0001-01-01 … 9999-12-31") }.into())
    }
}

/// A partner named by a checked id or by text still to be checked.
#[derive(Clone, Copy)]
pub(crate) enum PartnerKey<'a> {
    Id(&'a PartnerId),
    #[cfg_attr(not(feature = "csv"), allow(dead_code))] // used by the CSV import
    Str(&'a str),
}

impl PartnerKey<'_> {
    pub(super) fn as_str(&self) -> &str {
        match self {
            PartnerKey::Id(id) => id.as_str(),
            PartnerKey::Str(text) => text,
        }
    }
}

/// One parsed line: amounts in minor units, dates checked.
pub(crate) struct Line<'a> {
    pub(crate) date: NaiveDate,
    pub(crate) amount: i64,
    pub(crate) margin: Option<i64>,
    pub(crate) invoice: Option<&'a str>,
    pub(crate) due_date: Option<NaiveDate>,
    pub(crate) paid_date: Option<NaiveDate>,
}

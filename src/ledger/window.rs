//! A partner's figures over a review window: the monthly series and the
//! KPIs.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::input::{MonthlyFigures, to_minor};
use super::store::{Cell, PayRecord};
use crate::money::{Currency, Money};
use crate::partner::PartnerId;
use crate::period::{Month, Window};

/// A partner's figures over a window, in minor units: the buffer the
/// analyses read, reused from partner to partner.
#[derive(Clone, Debug, Default)]
pub(crate) struct WindowBuf {
    /// One cell per month of the window (`month` is not set).
    pub(crate) months: Vec<Cell>,
    /// Payment records of the window, and earlier ones unpaid at its end.
    pub(crate) payments: Vec<PayRecord>,
}

impl WindowBuf {
    /// The buffer of a [`Turnover`] (whose amounts are at its scale).
    pub(crate) fn of_turnover(t: &Turnover) -> WindowBuf {
        let minor = |d: Decimal| to_minor(d, t.scale).unwrap_or(0);
        WindowBuf {
            months: t
                .months()
                .iter()
                .map(|m| Cell {
                    month: m.month.index(),
                    turnover: minor(m.turnover),
                    credit_notes: minor(m.credit_notes),
                    margin: minor(m.margin),
                    deals: m.deals,
                    credit_note_count: m.credit_note_count,
                    margin_missing: u32::from(!m.margin_complete),
                })
                .collect(),
            payments: t
                .receivables()
                .iter()
                .map(|p| PayRecord {
                    month: p.month.index(),
                    due: p.due_date,
                    paid: p.paid_date,
                    amount: minor(p.amount),
                })
                .collect(),
        }
    }
}

impl MonthlyFigures {
    /// The figures the ledger keeps for `partner` in `month` (without the
    /// receivables).
    pub(super) fn of(partner: &PartnerId, cell: &Cell, month: Month, currency: Currency, scale: u32) -> MonthlyFigures {
        let d = |v: i64| Decimal::new(v, scale);
        MonthlyFigures {
            partner: partner.clone(),
            month,
            currency,
            turnover: d(cell.turnover),
            credit_notes: d(cell.credit_notes),
            credit_note_count: cell.credit_note_count,
            margin: d(cell.margin),
            margin_complete: cell.margin_missing == 0,
            deals: cell.deals,
            receivables: Vec::new(),
        }
    }
}

/// Money due from a partner: invoice lines with a due date, their amount,
/// due date and paid date (`None` while unpaid), summed per month, due date
/// and paid date. Payment discipline is evaluated from them as of a review
/// date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Receivable {
    /// The month of the invoice lines.
    pub month: Month,
    /// When payment was due.
    pub due_date: NaiveDate,
    /// When it was paid, if it was.
    pub paid_date: Option<NaiveDate>,
    /// The amount.
    pub amount: Decimal,
}

/// One partner's turnover over a review window: the monthly series and the
/// article's KPIs (turnover, margin, number of deals, average deal).
///
/// Built by [`Ledger::turnover`](super::Ledger::turnover) and [`Ledger::turnovers`](super::Ledger::turnovers). Totals are exact
/// sums; the monthly average and the average deal are divisions, exact to
/// the 28 significant digits of [`Decimal`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Turnover {
    partner: PartnerId,
    currency: Currency,
    scale: u32,
    window: Window,
    months: Vec<MonthlyFigures>,
    receivables: Vec<Receivable>,
    total: Decimal,
    credit_notes: Decimal,
    margin: Decimal,
    margin_complete: bool,
    deals: u64,
    credit_note_count: u64,
}

impl Turnover {
    pub(crate) fn new(partner: PartnerId, currency: Currency, scale: u32, window: Window, buf: &WindowBuf) -> Turnover {
        let months: Vec<MonthlyFigures> = window
            .months()
            .zip(&buf.months)
            .map(|(month, data)| MonthlyFigures::of(&partner, data, month, currency, scale))
            .collect();
        let receivables = buf
            .payments
            .iter()
            .filter_map(|p| {
                Some(Receivable {
                    month: Month::from_index(p.month)?,
                    due_date: p.due,
                    paid_date: p.paid,
                    amount: Decimal::new(p.amount, scale),
                })
            })
            .collect();
        // At most 1200 months of i64 minor units: the sums fit an i128 and a Decimal.
        let sum = |f: fn(&Cell) -> i64| buf.months.iter().map(|m| i128::from(f(m))).sum::<i128>();
        let dec = |v: i128| crate::util::exact::to_decimal(v, scale);
        Turnover {
            margin_complete: buf.months.iter().all(|m| m.margin_missing == 0),
            deals: buf.months.iter().map(|m| u64::from(m.deals)).sum(),
            credit_note_count: buf.months.iter().map(|m| u64::from(m.credit_note_count)).sum(),
            total: dec(sum(|m| m.turnover)),
            credit_notes: dec(sum(|m| m.credit_notes)),
            margin: dec(sum(|m| m.margin)),
            partner,
            currency,
            scale,
            window,
            months,
            receivables,
        }
    }

    /// The partner.
    #[must_use]
    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    /// The number of decimal places of the amounts (the ledger's scale).
    #[must_use]
    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The currency of every amount.
    #[must_use]
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The window.
    #[must_use]
    pub fn window(&self) -> Window {
        self.window
    }

    /// One entry per month of the window, first to last (zeros where there
    /// was no data).
    #[must_use]
    pub fn months(&self) -> &[MonthlyFigures] {
        &self.months
    }

    /// Invoice lines with a due date: those of the window, and earlier ones
    /// not paid by the window's end; ordered by month, due date and paid
    /// date. Payment discipline is evaluated from them as of a review date.
    #[must_use]
    pub fn receivables(&self) -> &[Receivable] {
        &self.receivables
    }

    /// Net turnover over the window: invoices plus credit notes.
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// Net turnover as [`Money`].
    #[must_use]
    pub fn total_money(&self) -> Money {
        Money::new(self.total, self.currency)
    }

    /// The invoiced amount before credit notes.
    #[must_use]
    pub fn invoiced(&self) -> Decimal {
        self.total.checked_sub(self.credit_notes).unwrap_or(Decimal::MAX)
    }

    /// The credit-note total (zero or negative).
    #[must_use]
    pub fn credit_notes(&self) -> Decimal {
        self.credit_notes
    }

    /// The number of credit notes.
    #[must_use]
    pub fn credit_note_count(&self) -> u64 {
        self.credit_note_count
    }

    /// The margin of the lines that carried one.
    #[must_use]
    pub fn margin(&self) -> Decimal {
        self.margin
    }

    /// True if every line in the window carried a margin (or cost); if not,
    /// [`margin`](Turnover::margin) covers only part of the turnover.
    #[must_use]
    pub fn margin_complete(&self) -> bool {
        self.margin_complete
    }

    /// The number of deals (invoices) in the window.
    #[must_use]
    pub fn deals(&self) -> u64 {
        self.deals
    }

    /// The monthly average of the net turnover over the whole window.
    #[must_use]
    pub fn monthly_average(&self) -> Decimal {
        self.total.checked_div(Decimal::from(self.window.len())).unwrap_or(Decimal::ZERO)
    }

    /// The average deal ("average check"): the invoiced amount (before
    /// credit notes) divided by the number of deals.
    ///
    /// `None` when there were no deals: an average of nothing is not zero,
    /// and a report should show it as "—".
    #[must_use]
    pub fn average_deal(&self) -> Option<Decimal> {
        if self.deals == 0 {
            return None;
        }
        self.invoiced().checked_div(Decimal::from(self.deals))
    }

    /// The margin as a share of net turnover (0.15 = 15 %), if turnover is
    /// positive.
    #[must_use]
    pub fn margin_rate(&self) -> Option<Decimal> {
        if self.total <= Decimal::ZERO {
            return None;
        }
        self.margin.checked_div(self.total)
    }
}

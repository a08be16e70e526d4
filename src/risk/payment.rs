//! Payment discipline from the ledger's due and paid dates.

use chrono::NaiveDate;
use rust_decimal::Decimal;

#[cfg(doc)]
use crate::error::ErrorKind;
use crate::ledger::WindowBuf;
use crate::partner::PartnerId;
use crate::period::Month;
use crate::util::exact::ratio;

/// Payment discipline from the ledger's due and paid dates, over the
/// invoices of the review window, as of the review date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PaymentDiscipline {
    /// The invoiced amount whose due date has passed (paid or not): the
    /// base of the other figures.
    pub assessed: Decimal,
    /// Amount-weighted average days late: paid lines count the days from
    /// due to paid, unpaid overdue lines the days from due to the review
    /// date; lines paid on time count 0.
    pub average_days_late: Decimal,
    /// The share of `assessed` that was paid late or is overdue, %.
    pub late_share: Decimal,
    /// Overdue and unpaid as of the review date (from the window and
    /// before it).
    pub overdue: Decimal,
    /// `overdue` as % of the window's average monthly invoiced amount
    /// (`None` without invoicing).
    pub overdue_of_monthly: Option<Decimal>,
}

/// A partner's figures over the review window: what the risk assessment
/// reads.
pub(crate) struct PartnerWindow<'a> {
    pub(crate) partner: &'a PartnerId,
    pub(crate) window: crate::period::Window,
    pub(crate) scale: u32,
    pub(crate) buf: &'a WindowBuf,
}

/// Days from `from` to `to` (0 if `to` is not after `from`).
pub(super) fn days_between(from: NaiveDate, to: NaiveDate) -> i128 {
    i128::from((to - from).num_days().max(0))
}

/// How one payment record stands as of the review date.
pub(super) struct Standing {
    /// Assessed: its due date has passed.
    assessed: bool,
    /// Days late (paid late: due to paid; unpaid and overdue: due to the
    /// review date).
    days: i128,
    /// Late: paid after the due date, or overdue.
    late: bool,
    /// Overdue and unpaid as of the review date.
    overdue: bool,
}

pub(super) fn standing(p: &crate::ledger::PayRecord, as_of: NaiveDate) -> Standing {
    if p.due >= as_of {
        return Standing { assessed: false, days: 0, late: false, overdue: false };
    }
    match p.paid {
        // Paid before the review date.
        Some(paid) if paid < as_of => {
            let days = days_between(p.due, paid);
            Standing { assessed: true, days, late: days > 0, overdue: false }
        }
        // Unpaid as of the review date (a later payment is in its future).
        _ => Standing { assessed: true, days: days_between(p.due, as_of), late: true, overdue: true },
    }
}

/// Payment discipline over the window's invoices as of `as_of`.
pub(super) fn payment_discipline(data: &PartnerWindow<'_>, as_of: NaiveDate) -> Option<PaymentDiscipline> {
    let window = data.window;
    let (first, last) = (window.first().index(), window.last().index());
    let mut assessed: i128 = 0;
    let mut late: i128 = 0;
    let mut days: i128 = 0;
    let mut overdue_all: i128 = 0;
    for p in &data.buf.payments {
        let st = standing(p, as_of);
        let amount = i128::from(p.amount);
        if st.overdue && p.month <= last {
            overdue_all += amount;
        }
        if !st.assessed || p.month < first || p.month > last {
            continue;
        }
        assessed += amount;
        if st.late {
            late += amount;
        }
        days = days.checked_add(amount.checked_mul(st.days)?)?;
    }
    if assessed <= 0 {
        return None;
    }
    let invoiced: i128 = data.buf.months.iter().map(|m| i128::from(m.turnover) - i128::from(m.credit_notes)).sum();
    let months = i128::from(window.len());
    Some(PaymentDiscipline {
        assessed: crate::util::exact::to_decimal(assessed, data.scale),
        average_days_late: ratio(days, assessed),
        late_share: ratio(late.checked_mul(100)?, assessed),
        overdue: crate::util::exact::to_decimal(overdue_all, data.scale),
        overdue_of_monthly: (invoiced > 0)
            .then(|| Some(ratio(overdue_all.checked_mul(100)?.checked_mul(months)?, invoiced)))
            .flatten(),
    })
}

/// Average days late per invoice month (months with assessed amounts only).
pub(super) fn monthly_days_late(data: &PartnerWindow<'_>, as_of: NaiveDate) -> Vec<(Month, Decimal)> {
    let first = data.window.first().index();
    let last = data.window.last().index();
    let mut out: Vec<(Month, Decimal)> = Vec::new();
    let mut current: Option<(i32, i128, i128)> = None; // (month, assessed, days)
    let flush = |c: Option<(i32, i128, i128)>, out: &mut Vec<(Month, Decimal)>| {
        if let Some((month, assessed, days)) = c {
            if let (true, Some(m)) = (assessed > 0, Month::from_index(month)) {
                out.push((m, ratio(days, assessed)));
            }
        }
    };
    // Records are sorted by month.
    for p in data.buf.payments.iter().filter(|p| p.month >= first && p.month <= last) {
        let st = standing(p, as_of);
        if !st.assessed {
            continue;
        }
        let amount = i128::from(p.amount);
        match current.as_mut() {
            Some(c) if c.0 == p.month => {
                c.1 += amount;
                c.2 = c.2.saturating_add(amount.saturating_mul(st.days));
            }
            _ => {
                flush(current.take(), &mut out);
                current = Some((p.month, amount, amount.saturating_mul(st.days)));
            }
        }
    }
    flush(current, &mut out);
    out
}

//! The whole assessment on arbitrary sales and facts: arbitrary ids, dates
//! over chrono's whole range, amounts from the extremes of `Decimal`, several
//! currencies. Nothing panics; the same accepted sales in reverse order give
//! the same assessments; a second review against the first works.
#![no_main]

use arbitrary::Arbitrary;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use partner_priority::ledger::MonthlyFigures;
use partner_priority::period::Month;
use partner_priority::review::Assessment;
use partner_priority::risk::{CreditRating, RiskFacts};
use partner_priority::{Currency, Language, Ledger, Money, Partner, PartnerId, Policy, Review, Sale};
use rust_decimal::Decimal;

#[derive(Arbitrary, Debug)]
struct Amount {
    lo: u32,
    mid: u32,
    hi: u32,
    negative: bool,
    scale: u8,
    /// Most amounts are ordinary: an extreme only when set.
    extreme: bool,
}

impl Amount {
    fn decimal(&self) -> Decimal {
        if self.extreme {
            Decimal::from_parts(self.lo, self.mid, self.hi, self.negative, u32::from(self.scale % 29))
        } else {
            Decimal::new(i64::from(self.lo) - i64::from(self.mid), u32::from(self.scale % 5))
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Day(i32, bool);

impl Day {
    /// Near the sample period unless `.1` asks for anywhere in chrono's range.
    fn date(&self) -> Option<NaiveDate> {
        let days = if self.1 { self.0 } else { 739_000 + self.0.rem_euclid(2_000) };
        NaiveDate::from_num_days_from_ce_opt(days)
    }
}

#[derive(Arbitrary, Debug)]
struct FuzzSale {
    partner: u8,
    odd_id: Option<String>,
    day: Day,
    amount: Amount,
    currency: u8,
    invoice: Option<u16>,
    margin: Option<Amount>,
    due: Option<Day>,
    paid: Option<Day>,
}

#[derive(Arbitrary, Debug)]
struct FuzzMonthly {
    partner: u8,
    year: i32,
    month: u32,
    turnover: Amount,
    deals: u32,
}

#[derive(Arbitrary, Debug)]
struct FuzzFacts {
    partner: u8,
    insolvency: Option<bool>,
    rating: Option<u8>,
    credit_limit: Option<Amount>,
    credit_used: Option<Amount>,
    on_time: Option<Amount>,
    defects: Option<Amount>,
    returns: Option<Amount>,
    complaints: Option<u32>,
    court_cases: Option<u32>,
    disputes: Option<u32>,
}

#[derive(Arbitrary, Debug)]
struct Input {
    sales: Vec<FuzzSale>,
    monthly: Vec<FuzzMonthly>,
    facts: Vec<FuzzFacts>,
    starts: Vec<(u8, Day)>,
    as_of: Day,
    later: u16,
    window_months: u8,
    russian: bool,
}

const RATINGS: [CreditRating; 10] = [
    CreditRating::Aaa,
    CreditRating::Aa,
    CreditRating::A,
    CreditRating::Bbb,
    CreditRating::Bb,
    CreditRating::B,
    CreditRating::Ccc,
    CreditRating::Cc,
    CreditRating::C,
    CreditRating::D,
];

fn partner(n: u8, odd: Option<&String>) -> Option<PartnerId> {
    match odd {
        Some(text) if n.is_multiple_of(8) => PartnerId::new(text).ok(),
        _ => PartnerId::new(&format!("P-{n:03}")).ok(),
    }
}

fn sale(s: &FuzzSale) -> Option<Sale> {
    // Mostly the ledger's currency; sometimes another one (an error).
    let currency = match s.currency % 8 {
        0 => Currency::USD,
        1 => Currency::new("JPY").ok()?,
        _ => Currency::RUB,
    };
    let mut sale =
        Sale::new(partner(s.partner, s.odd_id.as_ref())?, s.day.date()?, Money::new(s.amount.decimal(), currency));
    if let Some(n) = s.invoice {
        sale = sale.with_invoice(format!("INV-{n}"));
    }
    if let Some(m) = &s.margin {
        sale = sale.with_margin(m.decimal());
    }
    if let Some(d) = s.due.as_ref().and_then(Day::date) {
        sale = sale.with_due_date(d);
    }
    if let Some(d) = s.paid.as_ref().and_then(Day::date) {
        sale = sale.with_paid_date(d);
    }
    Some(sale)
}

fuzz_target!(|input: Input| {
    let mut ledger = Ledger::new(Currency::RUB);
    let mut accepted = Vec::new();
    for s in input.sales.iter().take(512) {
        if let Some(sale) = sale(s)
            && ledger.record(sale.clone()).is_ok()
        {
            accepted.push(sale);
        }
    }
    for m in input.monthly.iter().take(64) {
        let (Some(id), Ok(month)) = (partner(m.partner, None), Month::new(m.year, m.month)) else { continue };
        let figures =
            MonthlyFigures::new(id, month, Money::new(m.turnover.decimal(), Currency::RUB)).with_deals(m.deals);
        let _ = ledger.add_monthly(figures);
    }
    let mut partners: Vec<Partner> = Vec::new();
    for (n, day) in input.starts.iter().take(64) {
        let (Some(id), Some(date)) = (partner(*n, None), day.date()) else { continue };
        if partners.iter().all(|p| p.id != id) {
            partners.push(Partner::new(id).with_start_date(date));
        }
    }
    let mut facts: Vec<RiskFacts> = Vec::new();
    for f in input.facts.iter().take(64) {
        let Some(id) = partner(f.partner, None) else { continue };
        let mut r = RiskFacts::new(id);
        r.insolvency = f.insolvency;
        r.credit_rating = f.rating.map(|k| RATINGS[usize::from(k) % RATINGS.len()]);
        r.credit_limit = f.credit_limit.as_ref().map(Amount::decimal);
        r.credit_used = f.credit_used.as_ref().map(Amount::decimal);
        r.on_time_delivery = f.on_time.as_ref().map(Amount::decimal);
        r.defect_rate = f.defects.as_ref().map(Amount::decimal);
        r.return_rate = f.returns.as_ref().map(Amount::decimal);
        r.complaints = f.complaints;
        r.court_cases = f.court_cases;
        r.open_disputes = f.disputes;
        facts.push(r);
    }
    let Some(as_of) = input.as_of.date() else { return };
    let Ok(policy) = Policy::default().with_window_months(u32::from(input.window_months)) else { return };
    let policy = if input.russian { policy.with_language(Language::Ru) } else { policy };
    let Ok(first) = Review::new(&ledger, as_of).partners(&partners).facts(&facts).run(&policy) else { return };

    // The same accepted sales in reverse order give the same assessments.
    if input.monthly.is_empty() {
        let mut reversed = Ledger::new(Currency::RUB);
        if accepted.iter().rev().all(|s| reversed.record(s.clone()).is_ok()) {
            let again = Review::new(&reversed, as_of)
                .partners(&partners)
                .facts(&facts)
                .run(&policy)
                .expect("same data assesses");
            let (a, b): (Vec<&Assessment>, Vec<&Assessment>) =
                (first.assessments().collect(), again.assessments().collect());
            assert_eq!(a, b, "order changed the result");
        }
    }

    // A later review against this one.
    if let Some(later) = as_of.checked_add_days(chrono::Days::new(u64::from(input.later)))
        && let Ok(second) = Review::new(&ledger, later).partners(&partners).facts(&facts).previous(&first).run(&policy)
    {
        let _ = second.migrations().map(|r| r.continuing());
    }
    let _ = first.to_json();
    let _ = first.by_region();
});

//! How amounts, money and shares are written in each language.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::language::Language;
use crate::money::{Currency, Money};

impl Language {
    /// An amount rounded half away from zero to `dp` decimal places, with
    /// grouped thousands: `1,234,567.89` in English, `1 234 567,89` in
    /// Russian (a narrow no-break space, U+202F, groups the digits, and the
    /// decimal separator is a comma).
    ///
    /// ```
    /// use partner_priority::Language;
    /// use rust_decimal::Decimal;
    ///
    /// let x = Decimal::new(123_456_789, 2);
    /// assert_eq!(Language::En.format_amount(x, 2), "1,234,567.89");
    /// assert_eq!(Language::Ru.format_amount(x, 0), "1\u{202f}234\u{202f}568");
    /// ```
    #[must_use]
    pub fn format_amount(&self, amount: Decimal, dp: u32) -> String {
        let (group, point) = match self {
            Language::En => (",", "."),
            Language::Ru => ("\u{202f}", ","),
        };
        let rounded = amount.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        let text = format!("{:.*}", dp as usize, rounded.abs());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text.as_str(), None),
        };
        let mut out = String::with_capacity(text.len() + text.len() / 3 * 3 + 2);
        if rounded.is_sign_negative() && !rounded.is_zero() {
            out.push('-');
        }
        let digits = int.len();
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (digits - i) % 3 == 0 {
                out.push_str(group);
            }
            out.push(ch);
        }
        if let Some(frac) = frac {
            out.push_str(point);
            out.push_str(frac);
        }
        out
    }

    /// Money with grouped thousands and the currency: `1,234,567.89 RUB`
    /// in English, `1 234 567,89 ₽` in Russian (other currencies keep their
    /// code). Rounded half away from zero to the currency's minor unit.
    #[must_use]
    pub fn format_money(&self, money: Money) -> String {
        let currency = money.currency();
        format!("{} {}", self.format_amount(money.amount(), currency.minor_units()), self.currency_sign(&currency))
    }

    /// The sign used after amounts: `₽` for roubles in Russian, the code
    /// otherwise.
    #[must_use]
    pub fn currency_sign<'a>(&self, currency: &'a Currency) -> &'a str {
        match (self, currency.code()) {
            (Language::Ru, "RUB") => "₽",
            _ => currency.code(),
        }
    }

    /// A share (0.1234 = 12.34 %) as a percentage with `dp` decimals:
    /// `12.3 %` or `12,3 %`.
    #[must_use]
    pub fn format_percent(&self, share: Decimal, dp: u32) -> String {
        let pct = share.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(share);
        format!("{}\u{a0}%", self.format_amount(pct, dp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands_per_language() {
        let en = Language::En;
        let ru = Language::Ru;
        assert_eq!(en.format_amount(Decimal::new(-123_456_789, 2), 2), "-1,234,567.89");
        assert_eq!(en.format_amount(Decimal::new(999, 0), 0), "999");
        assert_eq!(en.format_amount(Decimal::new(1000, 0), 0), "1,000");
        assert_eq!(en.format_amount(Decimal::new(5, 1), 0), "1");
        assert_eq!(en.format_amount(Decimal::new(-4, 1), 0), "0");
        assert_eq!(ru.format_amount(Decimal::new(612_000, 0), 0), "612\u{202f}000");
        let m = Money::new(Decimal::new(61_200_050, 2), Currency::RUB);
        assert_eq!(ru.format_money(m), "612\u{202f}000,50 ₽");
        assert_eq!(en.format_money(m), "612,000.50 RUB");
        assert_eq!(en.format_percent(Decimal::new(7612, 4), 1), "76.1\u{a0}%");
        assert_eq!(ru.format_percent(Decimal::new(7612, 4), 1), "76,1\u{a0}%");
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::from_code("RU"), Some(Language::Ru));
        assert_eq!(Language::from_code("en"), Some(Language::En));
        assert_eq!(Language::from_code("En"), Some(Language::En));
        assert_eq!(Language::from_code("de"), None);
        assert_eq!(Language::En.to_string(), "en");
    }
}

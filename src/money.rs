//! Currencies and amounts of money.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{Error, ErrorKind, Result};

/// An ISO 4217 currency of payment, such as `RUB`, `EUR` or `USD`.
///
/// Built only from a valid code: three upper-case ASCII letters that ISO 4217
/// lists with a number of minor units (so fund and precious-metal codes such
/// as `XAU` and the "no currency" `XXX` are rejected, and so is the pre-1998
/// ruble code `RUR`).
///
/// # Example
///
/// ```
/// use partner_priority::Currency;
///
/// let rub: Currency = "RUB".parse()?;
/// assert_eq!(rub, Currency::RUB);
/// assert_eq!(rub.minor_units(), 2);
/// assert!(Currency::new("rub").is_err());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    /// The Russian ruble, the article's currency.
    pub const RUB: Currency = Currency { code: *b"RUB", minor_units: 2 };
    /// The euro.
    pub const EUR: Currency = Currency { code: *b"EUR", minor_units: 2 };
    /// The US dollar.
    pub const USD: Currency = Currency { code: *b"USD", minor_units: 2 };

    /// Parses a currency from its ISO 4217 alphabetic code.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidCurrency`] if `code` is not three upper-case
    /// letters or is not an ISO 4217 currency with minor units.
    pub fn new(code: &str) -> Result<Currency> {
        let invalid = |reason| Error::from(ErrorKind::InvalidCurrency { code: crate::error::shorten(code), reason });
        let bytes = code.as_bytes();
        let [a, b, c] = *bytes else {
            return Err(invalid("expected three upper-case letters"));
        };
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(invalid("expected three upper-case letters"));
        }
        let iso =
            iso_currency::Currency::from_code(code).ok_or_else(|| invalid("not an ISO 4217 currency of payment"))?;
        let minor_units = iso
            .exponent()
            .and_then(|e| u8::try_from(e).ok())
            .ok_or_else(|| invalid("not an ISO 4217 currency of payment"))?;
        Ok(Currency { code: [a, b, c], minor_units })
    }

    /// The three-letter code, such as `"RUB"`.
    #[must_use]
    pub fn code(&self) -> &str {
        // The code is three ASCII letters by construction.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// The number of decimal places of the currency's minor unit (2 for the
    /// ruble's kopeck, 0 for the yen, 3 for the Kuwaiti dinar).
    #[must_use]
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }
}

impl FromStr for Currency {
    type Err = Error;

    fn from_str(s: &str) -> Result<Currency> {
        Currency::new(s)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::new(&code).map_err(serde::de::Error::custom)
    }
}

/// An amount of money: an exact [`Decimal`] amount in a [`Currency`].
///
/// Arithmetic is checked: an overflow is an [`ErrorKind::Overflow`] and two
/// currencies never mix ([`ErrorKind::CurrencyMismatch`]); neither panics.
/// Comparing amounts in two currencies is an error too ([`Money::try_cmp`]),
/// never a silent `false`.
///
/// # Example
///
/// ```
/// use partner_priority::{Currency, Money};
/// use rust_decimal::Decimal;
///
/// let a = Money::new(Decimal::new(150_000_00, 2), Currency::RUB);
/// let b = Money::new(Decimal::new(-20_000_00, 2), Currency::RUB); // a credit note
/// assert_eq!(a.checked_add(b)?.amount(), Decimal::new(130_000_00, 2));
///
/// let eur = Money::new(Decimal::ONE, Currency::EUR);
/// assert!(a.checked_add(eur).unwrap_err().is_currency_mismatch());
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// An amount in a currency.
    #[must_use]
    pub const fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in `currency`.
    #[must_use]
    pub const fn zero(currency: Currency) -> Money {
        Money::new(Decimal::ZERO, currency)
    }

    /// The amount.
    #[must_use]
    pub const fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    #[must_use]
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// True if the amount is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.amount.is_zero()
    }

    /// True if the amount is below zero (a credit note, a net return).
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(&self, other: &Money) -> Result<()> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(Error::currency_mismatch(self.currency, other.currency))
        }
    }

    /// The sum of two amounts in the same currency.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ;
    /// [`ErrorKind::Overflow`] if the sum is out of `Decimal`'s range.
    pub fn checked_add(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        let amount = self.amount.checked_add(other.amount).ok_or_else(|| Error::overflow("the sum of two amounts"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// The difference of two amounts in the same currency.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ;
    /// [`ErrorKind::Overflow`] if the difference is out of `Decimal`'s range.
    pub fn checked_sub(self, other: Money) -> Result<Money> {
        self.same_currency(&other)?;
        let amount =
            self.amount.checked_sub(other.amount).ok_or_else(|| Error::overflow("the difference of two amounts"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// The amount multiplied by a plain factor (a rate, a share).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if the product is out of `Decimal`'s range.
    pub fn checked_mul(self, factor: Decimal) -> Result<Money> {
        let amount = self.amount.checked_mul(factor).ok_or_else(|| Error::overflow("an amount times a factor"))?;
        Ok(Money::new(amount, self.currency))
    }

    /// Converts into another currency at an explicit `rate` (units of
    /// `target` per unit of this currency). This is the only way amounts
    /// change currency.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Overflow`] if the product is out of `Decimal`'s range.
    pub fn convert(self, target: Currency, rate: Decimal) -> Result<Money> {
        let amount = self.amount.checked_mul(rate).ok_or_else(|| Error::overflow("an amount converted at a rate"))?;
        Ok(Money::new(amount, target))
    }

    /// Compares two amounts in the same currency.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] if the currencies differ: amounts in
    /// two currencies have no order without a rate.
    pub fn try_cmp(&self, other: &Money) -> Result<Ordering> {
        self.same_currency(other)?;
        Ok(self.amount.cmp(&other.amount))
    }

    /// The sum of many amounts, all in `currency`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::CurrencyMismatch`] on the first amount in another
    /// currency; [`ErrorKind::Overflow`] if the sum is out of range.
    pub fn checked_sum<I: IntoIterator<Item = Money>>(currency: Currency, items: I) -> Result<Money> {
        items.into_iter().try_fold(Money::zero(currency), Money::checked_add)
    }
}

impl fmt::Display for Money {
    /// `1234567.5 RUB` (the amount as stored, then the code). For grouped
    /// thousands in a report use [`Language::format_money`](crate::Language::format_money).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_says_its_sign_and_prints_itself() {
        let m = |v: i64| Money::new(Decimal::new(v, 2), Currency::RUB);
        assert!(m(0).is_zero() && !m(1).is_zero() && !m(-1).is_zero());
        assert!(m(-1).is_negative() && !m(0).is_negative() && !m(1).is_negative());
        // Decimal has a negative zero; it is not negative money.
        let negative_zero = Money::new(-Decimal::new(0, 2), Currency::RUB);
        assert!(negative_zero.is_zero() && !negative_zero.is_negative());
        assert_eq!(m(-123_456).to_string(), "-1234.56 RUB");
        assert_eq!(format!("{:?}", m(150)), "Money(1.50 RUB)");
        assert_eq!(format!("{} {:?}", Currency::USD, Currency::EUR), "USD Currency(EUR)");
    }

    #[test]
    fn currency_codes_are_validated_against_iso_4217() {
        assert_eq!(Currency::new("RUB").unwrap(), Currency::RUB);
        assert_eq!(Currency::new("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::new("KWD").unwrap().minor_units(), 3);
        for bad in ["", "RU", "RUBL", "rub", "R B", "ZZZ", "XXX", "XAU", "RUR", "РУБ"] {
            let err = Currency::new(bad).unwrap_err();
            assert!(matches!(err.kind(), ErrorKind::InvalidCurrency { .. }), "{bad}");
        }
    }

    #[test]
    fn the_constants_agree_with_the_table() {
        for c in [Currency::RUB, Currency::EUR, Currency::USD] {
            assert_eq!(Currency::new(c.code()).unwrap(), c);
        }
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let max = Money::new(Decimal::MAX, Currency::RUB);
        assert!(max.checked_add(max).unwrap_err().is_overflow());
        let min = Money::new(Decimal::MIN, Currency::RUB);
        assert!(min.checked_sub(max).unwrap_err().is_overflow());
        assert!(max.checked_mul(Decimal::TWO).unwrap_err().is_overflow());
    }

    #[test]
    fn currencies_never_mix() {
        let rub = Money::new(Decimal::ONE, Currency::RUB);
        let eur = Money::new(Decimal::ONE, Currency::EUR);
        assert!(rub.checked_add(eur).unwrap_err().is_currency_mismatch());
        assert!(rub.checked_sub(eur).unwrap_err().is_currency_mismatch());
        assert!(rub.try_cmp(&eur).unwrap_err().is_currency_mismatch());
        assert!(Money::checked_sum(Currency::RUB, [rub, eur]).is_err());
        let converted = eur.convert(Currency::RUB, Decimal::new(9512, 2)).unwrap();
        assert_eq!(converted.checked_add(rub).unwrap().amount(), Decimal::new(9612, 2));
    }
}

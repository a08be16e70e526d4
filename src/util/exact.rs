//! Exact integer helpers for the analyses: decimals at a common scale,
//! 256-bit products for comparisons, and ratios as decimals.

use rust_decimal::Decimal;

use crate::error::{Error, Result};

/// Decimals brought to one scale as `i128` integers, so that sums and
/// comparisons are exact integer operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scaled {
    pub(crate) scale: u32,
}

impl Scaled {
    /// The smallest scale that represents every value exactly.
    pub(crate) fn common<'a, I: IntoIterator<Item = &'a Decimal>>(values: I) -> Scaled {
        let scale = values.into_iter().map(|v| v.normalize().scale()).max().unwrap_or(0);
        Scaled { scale }
    }

    /// `value` as an integer at this scale.
    ///
    /// # Errors
    ///
    /// [`crate::ErrorKind::Overflow`] if it does not fit an `i128`.
    pub(crate) fn int(&self, value: Decimal, what: &'static str) -> Result<i128> {
        let v = value.normalize();
        let shift = self.scale.checked_sub(v.scale()).ok_or_else(|| Error::overflow(what))?;
        10i128.checked_pow(shift).and_then(|f| v.mantissa().checked_mul(f)).ok_or_else(|| Error::overflow(what))
    }

    /// An integer at this scale back as a decimal (rounded only beyond
    /// Decimal's 28 significant digits, which sums of real amounts never
    /// reach).
    pub(crate) fn decimal(&self, value: i128) -> Decimal {
        to_decimal(value, self.scale)
    }
}

/// `mantissa × 10^-scale` as a decimal, dropping the lowest digits if the
/// mantissa exceeds Decimal's 96 bits.
pub(crate) fn to_decimal(mut mantissa: i128, mut scale: u32) -> Decimal {
    loop {
        if scale <= Decimal::MAX_SCALE {
            if let Ok(d) = Decimal::try_from_i128_with_scale(mantissa, scale) {
                return d;
            }
        }
        if scale == 0 {
            // Beyond Decimal's range: saturate (callers check ranges first).
            return if mantissa < 0 { Decimal::MIN } else { Decimal::MAX };
        }
        mantissa /= 10;
        scale -= 1;
    }
}

/// 10^k for k = 0 … 18, the powers of ten an `i64` holds, by exponent (a
/// power worked out on each call cost as much as the comparisons it
/// served).
pub(crate) const POWERS_OF_TEN: [i64; 19] = {
    let mut p = [1i64; 19];
    let mut k = 1;
    while k < p.len() {
        p[k] = p[k - 1] * 10;
        k += 1;
    }
    p
};

/// The number of decimal places of every ratio (shares, coefficients).
pub(crate) const RATIO_DP: u32 = 18;
const RATIO_ONE: u128 = 1_000_000_000_000_000_000;

/// `num / den` as a decimal, truncated toward zero to [`RATIO_DP`] (18)
/// decimal places, exactly (integer long division; no rounding beyond the
/// truncation), with trailing zeros removed. Zero when `den` is zero.
pub(crate) fn ratio(num: i128, den: i128) -> Decimal {
    let Some(Quotient { negative, int, frac, mantissa }) = quotient(num, den) else { return Decimal::ZERO };
    let (mantissa, scale) = match mantissa.filter(|&m| m < 1 << 96) {
        // The mantissa's trailing zeros are those of the fraction (below
        // 10^18, so counted in 64 bits).
        Some(_) => {
            let zeros = if frac == 0 { RATIO_DP } else { trailing_zeros(frac as u64) };
            (shift_down(int, frac, zeros).0, RATIO_DP - zeros)
        }
        // Ratios this large do not occur in shares; keep the integer part.
        _ => (int.min((1 << 96) - 1), 0),
    };
    let value = Decimal::from_i128_with_scale(mantissa as i128, scale);
    if negative { -value } else { value }
}

/// The mantissa `int × 10^18 + frac` (below 2^96, `frac` below 10^18)
/// divided by `10^k` (`k` at most 18): quotient and remainder, made from
/// the parts. `10^k` divides `10^18`, so only the fraction is divided, in
/// 64 bits, where dividing the mantissa was a 128-bit division (a library
/// call) for any quotient of about 18.45 (2^64 / 10^18) or more, such as
/// most partners' levels.
fn shift_down(int: u128, frac: u128, k: u32) -> (u128, u128) {
    let (frac, unit) = (frac as u64, 10u64.pow(k));
    (int * u128::from(10u64.pow(RATIO_DP - k)) + u128::from(frac / unit), u128::from(frac % unit))
}

/// `ratio(num, den).round_dp(dp).normalize()`: the quotient truncated to
/// 18 places, rounded to `dp` places half to even (as
/// [`Decimal::round_dp`] rounds) and without trailing zeros, worked out in
/// integers where it can be (the review's return rate of every partner,
/// whose decimal rounding was a tenth of its risk profile).
pub(crate) fn ratio_rounded(num: i128, den: i128, dp: u32) -> Decimal {
    let Some(Quotient { negative, int, frac, mantissa }) = quotient(num, den) else { return Decimal::ZERO };
    match mantissa {
        Some(m) if m < 1 << 96 && dp < RATIO_DP => {
            let (mut q, rest) = shift_down(int, frac, RATIO_DP - dp);
            let half = u128::from(10u64.pow(RATIO_DP - dp) / 2);
            if rest > half || (rest == half && q % 2 == 1) {
                q += 1;
            }
            let mut scale = dp;
            while scale > 0 && q % 10 == 0 {
                q /= 10;
                scale -= 1;
            }
            // Below 2^96 / 10^(18 - dp) + 1: a decimal mantissa.
            let value = Decimal::from_i128_with_scale(q as i128, scale);
            if negative && q != 0 { -value } else { value }
        }
        _ => ratio(num, den).round_dp(dp).normalize(),
    }
}

/// [`fraction`]`(`[`ratio`]`(num, den))` without the decimal between: a
/// share at 18 places as the integer of those places, for the review's
/// pass, which keeps shares that way.
pub(crate) fn ratio_fraction(num: i128, den: i128) -> u64 {
    match quotient(num, den) {
        Some(Quotient { negative: false, mantissa, .. }) => {
            mantissa.and_then(|m| u64::try_from(m).ok()).unwrap_or(u64::MAX)
        }
        // Zero, or negative (a fraction keeps none).
        _ => 0,
    }
}

/// Whether `ratio(num, den) < limit`, decided by a cross product without
/// the ratio: for a positive `den` and a limit above 0 and below 10^10 with
/// at most 18 places (a percentage of a policy). `None` otherwise, or
/// beyond 128 bits, for the caller to compare the ratio.
///
/// The ratio truncates the quotient to 18 places, and such a limit lies
/// on that grid, so the truncated quotient is below the limit exactly when
/// the quotient is: `num × 10^s < mantissa × den`. A quotient of 0 or less
/// is below any positive limit. (Beyond 2^96 / 10^18, about 7.9 × 10^10,
/// `ratio` keeps the integer part only, which is above such a limit too.)
/// The review asks this of every partner's fall in turnover, and most
/// partners' falls are below the alert's limit: the ratio was made for
/// nothing.
pub(crate) fn ratio_below(num: i128, den: i128, limit: Decimal) -> Option<bool> {
    const LIMIT_CAP: i128 = 10i128.pow(RATIO_DP + 10);
    let (m, s) = (limit.mantissa(), limit.scale());
    if den <= 0 || m <= 0 || s > RATIO_DP {
        return None;
    }
    // The limit at 18 places, below 10^10.
    if m.checked_mul(10i128.pow(RATIO_DP - s))? >= LIMIT_CAP {
        return None;
    }
    if num <= 0 {
        return Some(true);
    }
    Some(num.checked_mul(10i128.pow(s))? < m.checked_mul(den)?)
}

/// `|num / den|` truncated to 18 places, and its sign.
struct Quotient {
    negative: bool,
    int: u128,
    /// The 18 places, as an integer below 10^18.
    frac: u128,
    /// `int × 10^18 + frac`, if it fits 128 bits.
    mantissa: Option<u128>,
}

/// The quotient of [`ratio`]; `None` when it is zero (`num` or `den` zero).
fn quotient(num: i128, den: i128) -> Option<Quotient> {
    if den == 0 || num == 0 {
        return None;
    }
    let negative = (num < 0) != (den < 0);
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    // The integer part in 64 bits when both fit (a hardware division; a
    // 128-bit one is a library call several times slower).
    let (int, rem) = match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (u128::from(n / d), u128::from(n % d)),
        _ => (n / d, n % d),
    };
    let frac = if d < 1 << 64 {
        // rem < d < 2^64, so rem × 10^18 < 2^124.
        rem * RATIO_ONE / d
    } else {
        div_wide(mul_wide(rem, RATIO_ONE), d)
    };
    let mantissa = int.checked_mul(RATIO_ONE).and_then(|i| i.checked_add(frac));
    Some(Quotient { negative, int, frac, mantissa })
}

/// The number of trailing decimal zeros of `v` (not zero).
fn trailing_zeros(mut v: u64) -> u32 {
    let mut zeros = 0;
    for (p, k) in [(100_000_000, 8), (10_000, 4), (100, 2), (10, 1)] {
        while v % p == 0 {
            v /= p;
            zeros += k;
        }
    }
    zeros
}

/// The mantissa of `d` at `dp` decimal places (for a decimal known to have
/// at most `dp` places, such as an amount at its ledger's scale or a score
/// at 4 places).
pub(crate) fn mantissa_at(mut d: Decimal, dp: u32) -> i128 {
    d.rescale(dp);
    d.mantissa()
}

/// A fraction from 0 to about 18 (a share, as [`ratio`] gives it at
/// [`RATIO_DP`] places) as an integer of its 18 places; negative fractions
/// are 0 and larger ones saturate.
#[cfg(any(test, feature = "serde"))]
pub(crate) fn fraction(d: Decimal) -> u64 {
    u64::try_from(mantissa_at(d, RATIO_DP).max(0)).unwrap_or(u64::MAX)
}

/// The fraction kept by [`fraction`], as the decimal [`ratio`] gave.
pub(crate) fn from_fraction(f: u64) -> Decimal {
    Decimal::from_i128_with_scale(i128::from(f), RATIO_DP).normalize()
}

/// `num / den` for 256-bit (high, low) values, exact to about 36
/// significant digits before the 18-place truncation of [`ratio`]; a
/// quotient beyond `Decimal`'s range saturates at `Decimal::MAX`.
pub(crate) fn ratio_u256(num: (u128, u128), den: (u128, u128)) -> Decimal {
    let bits = |(hi, lo): (u128, u128)| if hi != 0 { 256 - hi.leading_zeros() } else { 128 - lo.leading_zeros() };
    let shift = bits(num).max(bits(den)).saturating_sub(127);
    let down = |(hi, lo): (u128, u128)| -> u128 {
        match shift {
            0 => lo,
            s if s >= 128 => hi >> (s - 128),
            s => (lo >> s) | (hi << (128 - s)),
        }
    };
    let (n, d) = (down(num), down(den));
    if d == 0 {
        return if n == 0 { Decimal::ZERO } else { Decimal::MAX };
    }
    // Both fit 127 bits now.
    ratio(n as i128, d as i128)
}

/// `(high, low) / d` for a quotient known to fit a `u128` (the high part is
/// below `d`), by binary long division.
fn div_wide((mut high, mut low): (u128, u128), d: u128) -> u128 {
    let mut quotient = 0u128;
    for _ in 0..128 {
        // Shift (high, low) left by one; the bit leaving `high` matters.
        let carry = high >> 127;
        high = (high << 1) | (low >> 127);
        low <<= 1;
        quotient <<= 1;
        if carry == 1 || high >= d {
            high = high.wrapping_sub(d);
            quotient |= 1;
        }
    }
    quotient
}

/// The full 256-bit product of two `u128`s, as (high, low).
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let mid = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (lo_lo & MASK) | (mid << 64);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (mid >> 64);
    (high, low)
}

/// A 256-bit value times a 128-bit value, as 512 bits (most significant
/// first).
fn mul_wide_256((hi, lo): (u128, u128), b: u128) -> [u128; 4] {
    mul_256_256((hi, lo), (0, b))
}

/// The 512-bit product of two 256-bit values, most significant limb first.
fn mul_256_256(a: (u128, u128), b: (u128, u128)) -> [u128; 4] {
    // Schoolbook multiplication in 128-bit limbs, accumulating 256-bit
    // partial products.
    let (a1, a0) = a;
    let (b1, b0) = b;
    let mut out = [0u128; 4]; // least significant first while building
    let mut add_at = |pos: usize, (hi, lo): (u128, u128)| {
        let mut carry;
        let (v, c) = out[pos].overflowing_add(lo);
        out[pos] = v;
        carry = u128::from(c);
        let (v, c1) = out[pos + 1].overflowing_add(hi);
        let (v, c2) = v.overflowing_add(carry);
        out[pos + 1] = v;
        carry = u128::from(c1) + u128::from(c2);
        let mut k = pos + 2;
        while carry != 0 && k < 4 {
            let (v, c) = out[k].overflowing_add(carry);
            out[k] = v;
            carry = u128::from(c);
            k += 1;
        }
    };
    add_at(0, mul_wide(a0, b0));
    add_at(1, mul_wide(a0, b1));
    add_at(1, mul_wide(a1, b0));
    add_at(2, mul_wide(a1, b1));
    [out[3], out[2], out[1], out[0]]
}

/// A share cut-off in percent, prepared for exact comparisons of fractions
/// `num / den` against `percent / 100`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cut {
    /// `percent = mantissa × 10^-scale`; the comparison multiplies by
    /// `100 × 10^scale`.
    mantissa: u128,
    factor: u128,
}

impl Cut {
    /// A cut-off of `percent` (0 < percent ≤ 100 is checked by the policy).
    pub(crate) fn new(percent: Decimal) -> Cut {
        let p = percent.normalize();
        Cut {
            mantissa: p.mantissa().unsigned_abs(),
            // scale ≤ 28, so 100 × 10^28 fits a u128.
            factor: 100 * 10u128.pow(p.scale()),
        }
    }

    /// `num / den < percent / 100`, exactly (`den > 0`).
    pub(crate) fn above(&self, num: u128, den: u128) -> bool {
        mul_wide(num, self.factor) < mul_wide(self.mantissa, den)
    }

    /// `num / den ≤ (percent / 100)²`, exactly (`den > 0` as a 256-bit
    /// value; `num` a 128-bit value).
    pub(crate) fn squared_at_or_above(&self, num: u128, den: (u128, u128)) -> bool {
        // num × factor² ≤ mantissa² × den. Most often both sides fit 128
        // bits (the review asks this of every partner); a side that does
        // not is the larger one; else all as 512-bit products.
        if den.0 == 0 {
            // a × b × c, or `None` when it leaves 128 bits (a zero factor
            // makes it zero, whatever the others).
            let product = |a: u128, b: u128, c: u128| {
                if a == 0 || b == 0 || c == 0 { Some(0) } else { a.checked_mul(b).and_then(|ab| ab.checked_mul(c)) }
            };
            let left = product(num, self.factor, self.factor);
            let right = product(self.mantissa, self.mantissa, den.1);
            match (left, right) {
                (Some(l), Some(r)) => return l <= r,
                (None, Some(_)) => return false,
                (Some(_), None) => return true,
                (None, None) => {}
            }
        }
        self.squared_at_or_above_wide(num, den)
    }

    /// [`Cut::squared_at_or_above`] as 512-bit products, always.
    fn squared_at_or_above_wide(&self, num: u128, den: (u128, u128)) -> bool {
        let left = mul_wide_256(mul_wide(num, self.factor), self.factor);
        let m2 = mul_wide(self.mantissa, self.mantissa);
        let right = mul_256_256(m2, den);
        left <= right
    }

    /// `num / den ≤ percent / 100`, exactly (`den > 0`).
    pub(crate) fn at_or_above(&self, num: u128, den: u128) -> bool {
        mul_wide(num, self.factor) <= mul_wide(self.mantissa, den)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The decimal quotient from long division by hand: the first 18
    /// places, truncated, trailing zeros dropped (for `den` below 2^120).
    fn long_division(num: i128, den: i128) -> Decimal {
        use std::str::FromStr;
        let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
        let mut text = format!("{}.", n / d);
        let mut rem = n % d;
        for _ in 0..18 {
            rem *= 10;
            text.push(char::from(b'0' + (rem / d) as u8));
            rem %= d;
        }
        let v = Decimal::from_str(&text).unwrap().normalize();
        if (num < 0) != (den < 0) { -v } else { v }
    }

    #[test]
    fn ratios_are_the_truncated_quotient_without_trailing_zeros() {
        let values: [i128; 11] = [1, 2, 3, 7, 10, 12, 100, 450_000, 1_000_000_007, 123_456_789_000, -36];
        for &num in &values {
            for &den in &values {
                let got = ratio(num, den);
                assert_eq!(got, long_division(num, den), "{num} / {den}");
                assert_eq!(got.scale(), long_division(num, den).scale(), "{num} / {den}");
            }
        }
        assert_eq!(ratio(3, 2).to_string(), "1.5");
        assert_eq!(ratio(1, 3).to_string(), "0.333333333333333333");
        assert_eq!(ratio(1_000_000, 10).to_string(), "100000");
        assert_eq!(ratio(5, 0), Decimal::ZERO);
        // Beyond 96 bits at 18 places, the integer part alone.
        assert_eq!(ratio(10i128.pow(20), 3).to_string(), "33333333333333333333");
        assert_eq!(ratio(10i128.pow(20), 10i128.pow(20)), Decimal::ONE);
    }

    #[test]
    fn a_ratio_fraction_is_the_fraction_of_the_ratio() {
        let values: [i128; 14] =
            [1, 2, 3, 7, 10, 450_000, 1_000_000_007, -36, 1 << 64, (1 << 64) + 3, i128::MAX, i128::MIN, -1, 0];
        for &num in &values {
            for &den in &values {
                assert_eq!(ratio_fraction(num, den), fraction(ratio(num, den)), "{num} / {den}");
            }
        }
        assert_eq!(ratio_fraction(1, 3), 333_333_333_333_333_333);
        assert_eq!(ratio_fraction(3, 3), RATIO_ONE as u64);
        assert_eq!(ratio_fraction(-1, 3), 0);
        assert_eq!(ratio_fraction(-1, -3), 333_333_333_333_333_333);
        // 18.45 is past a u64 of 10^-18 units.
        assert_eq!(ratio_fraction(1845, 100), u64::MAX);
    }

    /// Limits of any sign, scale up to 28 and size, and ones a unit of
    /// the 18th place from a quotient.
    fn limits() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        prop_oneof![
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            (1i64..=100, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s)),
            (-2i64..=2, 1i64..=100).prop_map(|(n, p)| Decimal::from(p) + Decimal::new(n, 18)),
            (1i64..1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s) * Decimal::from(100_000_000)),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// Where the cross product decides `ratio < limit`, the ratio
        /// itself gives the same answer.
        #[test]
        fn a_ratio_below_a_limit_by_cross_product_is_the_ratio_below_it(
            num in proptest::prop_oneof![
                proptest::prelude::any::<i64>().prop_map(i128::from),
                -1_000i128..1_000,
                proptest::prelude::any::<i128>()
            ],
            den in proptest::prop_oneof![1i128..1_000, 1i128..=i128::from(i64::MAX), proptest::prelude::any::<i128>()],
            limit in limits(),
        ) {
            if let Some(below) = ratio_below(num, den, limit) {
                proptest::prop_assert_eq!(below, ratio(num, den) < limit, "{} / {} against {}", num, den, limit);
            }
        }
    }

    #[test]
    fn a_fall_in_turnover_is_compared_with_its_limit_without_the_ratio() {
        let fifty = Decimal::from(50);
        // (S − kL) × 100 / S: 50 % exactly is not below 50 %; a unit less is.
        assert_eq!(ratio_below(150 * 100, 300, fifty), Some(false));
        assert_eq!(ratio_below(149 * 100, 300, fifty), Some(true));
        assert_eq!(ratio_below(-5_000, 300, fifty), Some(true));
        assert_eq!(ratio_below(0, 300, fifty), Some(true));
        // 1/3 % against 0.333333333333333333 %: the truncated ratio equals it.
        let third = Decimal::from_i128_with_scale(333_333_333_333_333_333, 18);
        assert_eq!(ratio_below(1, 3, third), Some(false));
        assert!(ratio(1, 3) >= third);
        // Left to the ratio: more than 18 places, a limit of 10^10 or more,
        // a non-positive limit or denominator.
        assert_eq!(ratio_below(1, 3, Decimal::new(1, 19)), None);
        assert_eq!(ratio_below(1, 3, Decimal::from(10_000_000_000i64)), None);
        // Why: beyond 2^96 / 10^18 the ratio keeps whole units only, and
        // 79 228 162 515.7 becomes 79 228 162 515, below a limit the
        // quotient is above.
        let high = Decimal::new(792_281_625_155, 1);
        assert!(ratio(792_281_625_157, 10) < high);
        assert_eq!(ratio_below(792_281_625_157, 10, high), None);
        assert_eq!(ratio_below(1, 3, Decimal::ZERO), None);
        assert_eq!(ratio_below(1, -3, fifty), None);
    }

    proptest::proptest! {
        #[test]
        fn a_ratio_is_the_long_divisions_quotient_to_18_places(
            den in proptest::prop_oneof![
                1i128..1000,
                proptest::strategy::Strategy::prop_map(0u32..=18, |tens| 10i128.pow(tens)),
                1i128..(1i128 << 64),
                1i128..(1i128 << 80),
            ],
            whole in proptest::prop_oneof![0i128..100, 0i128..70_000_000_000],
            part in proptest::num::u128::ANY,
            (negative, negative_den) in (proptest::bool::ANY, proptest::bool::ANY),
        ) {
            // Quotients below 7 × 10^10 (a mantissa of 18 places within 96
            // bits); powers of ten give fractions that end in any number of
            // zeros.
            let num = whole * den + (part % den.unsigned_abs()) as i128;
            let num = if negative { -num } else { num };
            let den = if negative_den { -den } else { den };
            let got = ratio(num, den);
            proptest::prop_assert_eq!(got, long_division(num, den));
            proptest::prop_assert_eq!(got.scale(), long_division(num, den).scale());
        }

        #[test]
        fn a_ratio_fraction_is_the_fraction_of_the_ratio_for_any_integers(
            num in proptest::prop_oneof![proptest::num::i128::ANY, -(1i128 << 70)..(1i128 << 70)],
            den in proptest::prop_oneof![proptest::num::i128::ANY, -(1i128 << 70)..(1i128 << 70), 1i128..1000],
        ) {
            proptest::prop_assert_eq!(ratio_fraction(num, den), fraction(ratio(num, den)));
        }

        #[test]
        fn a_share_as_a_fraction_is_the_fraction_of_the_ratio(den in 1i128..(1i128 << 100), part in 0u64..=1 << 20) {
            // Shares of a base: 0 ≤ num ≤ den, the review's case.
            let num = den / (1 << 20) * i128::from(part);
            proptest::prop_assert_eq!(ratio_fraction(num, den), fraction(ratio(num, den)));
        }
    }

    #[test]
    fn wide_products_are_exact() {
        assert_eq!(mul_wide(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
        assert_eq!(mul_wide(1 << 64, 1 << 64), (1, 0));
        assert_eq!(mul_wide(12345, 678), (0, 12345 * 678));
        let big = 10u128.pow(30);
        let (hi, lo) = mul_wide(big, big); // 1e60
        assert!(hi > 0);
        assert_eq!(mul_wide(big, big), (hi, lo));
    }

    #[test]
    fn products_of_256_bit_values() {
        assert_eq!(mul_256_256((0, 3), (0, 5)), [0, 0, 0, 15]);
        assert_eq!(mul_256_256((1, 0), (1, 0)), [0, 1, 0, 0]);
        assert_eq!(mul_256_256((u128::MAX, u128::MAX), (0, 2)), [0, 1, u128::MAX, u128::MAX - 1]);
        let cut = Cut::new(Decimal::from(10));
        // 1 / 100 ≤ (10 %)² exactly, 101 / 10 000 is not.
        assert!(cut.squared_at_or_above(1, (0, 100)));
        assert!(!cut.squared_at_or_above(101, (0, 10_000)));
    }

    proptest::proptest! {
        /// The 128-bit shortcut of the squared comparison answers as the
        /// 512-bit products do, on both sides of the shortcut's limits.
        #[test]
        fn the_squared_comparison_shortcut_agrees_with_the_wide_products(
            mantissa in proptest::prop_oneof![1u64..1000, 1u64..=u64::MAX],
            scale in 0u32..=28,
            num in proptest::prop_oneof![0u128..1 << 70, proptest::num::u128::ANY],
            high in proptest::prop_oneof![proptest::strategy::Just(0u128), proptest::num::u128::ANY],
            low in proptest::prop_oneof![1u128..1 << 70, proptest::num::u128::ANY],
        ) {
            let cut = Cut::new(Decimal::from_i128_with_scale(i128::from(mantissa), scale));
            let den = (high, if high == 0 { low.max(1) } else { low });
            proptest::prop_assert_eq!(cut.squared_at_or_above(num, den), cut.squared_at_or_above_wide(num, den));
        }
    }

    /// Products whose partial sums carry across every limb (expected values
    /// from Python's integers).
    #[test]
    fn products_of_256_bit_values_carry_across_limbs() {
        const M: u128 = u128::MAX;
        assert_eq!(mul_256_256((M, M), (M, M)), [M, M - 1, 0, 1]);
        assert_eq!(mul_256_256((M, 1), (M, M)), [M, 0, 0, M]);
        assert_eq!(mul_256_256((1, M), (0, M)), [0, 1, M - 2, 1]);
        assert_eq!(mul_256_256((M, 0), (M, M)), [M - 1, M, 1, 0]);
        assert_eq!(mul_wide_256((M, M), M), [0, M - 1, M, 1]);
        // A carry out of adding the previous carry (not out of the sum).
        const H: u128 = 1 << 127;
        assert_eq!(mul_256_256((M, M), (H + 1, H)), [H + 1, H - 1, H - 2, H]);
    }

    #[test]
    fn cuts_compare_exactly() {
        let cut = Cut::new(Decimal::new(80, 0));
        assert!(cut.above(79, 100));
        assert!(!cut.above(80, 100));
        assert!(cut.at_or_above(80, 100));
        assert!(!cut.at_or_above(801, 1000));
        // 80 % of a base that overflows u128 when multiplied naively.
        let base = u128::MAX / 3;
        let eighty = base / 5 * 4;
        assert!(Cut::new(Decimal::new(80, 0)).at_or_above(eighty, base));
        let odd = Cut::new(Decimal::new(333_333_333, 7)); // 33.3333333 %
        assert!(!odd.above(1, 3));
    }

    #[test]
    fn scaled_values_are_exact_and_checked() {
        let values = [Decimal::new(15, 1), Decimal::new(2, 0), Decimal::new(-125, 3)];
        let s = Scaled::common(values.iter());
        assert_eq!(s.scale, 3);
        assert_eq!(s.int(values[0], "x").unwrap(), 1500);
        assert_eq!(s.decimal(-125), Decimal::new(-125, 3));
        let fine = Scaled { scale: 28 };
        assert!(fine.int(Decimal::MAX, "x").is_err());
    }

    #[test]
    fn wide_ratios_keep_the_small_denominator() {
        assert_eq!(ratio_u256((0, 3), (0, 4)), Decimal::new(75, 2));
        let big = mul_wide(10u128.pow(30), 10u128.pow(10)); // 1e40
        assert_eq!(ratio_u256(big, mul_wide(10u128.pow(30), 1)), Decimal::from(10_000_000_000i64));
        assert_eq!(ratio_u256(big, (0, 1)), Decimal::MAX);
        assert_eq!(ratio_u256((0, 0), (0, 1)), Decimal::ZERO);
    }

    #[test]
    fn to_decimal_drops_the_lowest_digits_and_saturates() {
        assert_eq!(to_decimal(-125, 3).to_string(), "-0.125");
        // i128::MAX has 39 digits; Decimal keeps 96 bits (29 digits here).
        let kept = i128::MAX / 10i128.pow(10);
        assert_eq!(to_decimal(i128::MAX, 10), Decimal::from_i128_with_scale(kept, 0));
        assert_eq!(to_decimal(i128::MAX, 12), Decimal::from_i128_with_scale(kept, 2));
        assert_eq!(to_decimal(i128::MAX, 12).scale(), 2);
        assert_eq!(to_decimal(i128::MIN, 12), -Decimal::from_i128_with_scale(kept, 2));
        assert_eq!(to_decimal(i128::MAX, 0), Decimal::MAX);
        assert_eq!(to_decimal(i128::MIN, 0), Decimal::MIN);
        assert_eq!(to_decimal(7, 40), Decimal::ZERO); // beyond scale 28: digits dropped
        assert_eq!(to_decimal(123_456, 30).to_string(), "0.0000000000000000000000001234");
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        /// The rounded ratio in integers is the decimal rounding of the
        /// ratio, digit for digit (scale and sign included), at any places,
        /// for quotients small and large, halves included.
        #[test]
        fn the_rounded_ratio_is_the_decimal_rounding_of_the_ratio(
            num in proptest::prop_oneof![
                -1_000_000i128..1_000_000,
                proptest::num::i64::ANY.prop_map(i128::from),
                proptest::num::i128::ANY,
                (0i128..1000).prop_map(|k| k * 5),
            ],
            den in proptest::prop_oneof![
                1i128..100,
                -100i128..0,
                proptest::sample::select(vec![0i128, 2, 8, 16, 1_000, 10_000, 20_000, 1 << 64, i128::MAX]),
                proptest::num::i64::ANY.prop_map(i128::from),
            ],
            dp in 0u32..=20,
        ) {
            let want = ratio(num, den).round_dp(dp).normalize();
            let got = ratio_rounded(num, den, dp);
            proptest::prop_assert_eq!(got.to_string(), want.to_string());
            proptest::prop_assert_eq!(got.is_sign_negative(), want.is_sign_negative());
        }
    }

    #[test]
    fn rounded_ratios_round_halves_to_even() {
        // 0.00005 and 0.00015 at 4 places: half to the even digit.
        assert_eq!(ratio_rounded(5, 100_000, 4).to_string(), "0");
        assert_eq!(ratio_rounded(15, 100_000, 4).to_string(), "0.0002");
        assert_eq!(ratio_rounded(-15, 100_000, 4).to_string(), "-0.0002");
        assert_eq!(ratio_rounded(-5, 100_000, 4).to_string(), "0");
        // 2/3 = 0.666…: up; 1/8 = 0.125 at 2 places: half to even, 0.12.
        assert_eq!(ratio_rounded(2, 3, 4).to_string(), "0.6667");
        assert_eq!(ratio_rounded(1, 8, 2).to_string(), "0.12");
        assert_eq!(ratio_rounded(100, 4, 4).to_string(), "25");
    }

    #[test]
    fn ratios_have_no_trailing_zeros() {
        assert_eq!(ratio(1, 4).to_string(), "0.25");
        assert_eq!(ratio(10, 4).to_string(), "2.5");
        assert_eq!(ratio(100, 10).to_string(), "10");
        assert_eq!(ratio(1, 1_000).to_string(), "0.001");
        assert_eq!(ratio(1, 3).to_string(), "0.333333333333333333");
    }

    #[test]
    fn ratios_beyond_96_bits_keep_the_integer_part() {
        // int × 10^18 + frac is exactly 2^96: one past the largest mantissa.
        assert_eq!(ratio(1 << 96, 10i128.pow(18)), Decimal::from(79_228_162_514i64));
        assert_eq!(ratio((1 << 96) - 1, 10i128.pow(18)), Decimal::from_i128_with_scale((1 << 96) - 1, 18));
        assert_eq!(ratio(10i128.pow(20), 1), Decimal::from_i128_with_scale(10i128.pow(20), 0));
        assert_eq!(ratio(i128::MAX, 1), Decimal::from_i128_with_scale((1 << 96) - 1, 0));
    }

    #[test]
    fn wide_ratios_at_the_top_of_256_bits() {
        // The numerator's top bit set in the low half: 2^127 / 2^126.
        assert_eq!(ratio_u256((0, 1 << 127), (0, 1 << 126)), Decimal::TWO);
        // 255 and 256 significant bits: shifted by 128 and 129.
        assert_eq!(ratio_u256((1 << 126, 0), (1 << 125, 0)), Decimal::TWO);
        assert_eq!(ratio_u256((1 << 127, 0), (1 << 126, 0)), Decimal::TWO);
        assert_eq!(ratio_u256((1 << 127, 0), (1 << 127, 0)), Decimal::ONE);
        // Bits of the low half reach the shifted value: (2^128 + 2^100) / 2^128.
        assert_eq!(ratio_u256((1, 1 << 100), (1, 0)), ratio(1 + (1 << 28), 1 << 28));
    }

    #[test]
    fn wide_division_carries_the_low_half() {
        // (2^128 + 2^127) / 3 = 2^127.
        assert_eq!(div_wide((1, 1 << 127), 3), 1 << 127);
        assert_eq!(div_wide((0, 12), 4), 3);
        // Divisors above 2^127: the bit shifted out of the high half counts.
        assert_eq!(div_wide(mul_wide(u128::MAX, 5), u128::MAX), 5);
        let d = (1 << 127) + 1;
        assert_eq!(div_wide(mul_wide(d, 3), d), 3);
        assert_eq!(div_wide((d - 1, 0), d), u128::MAX - 1);
        assert_eq!(div_wide(mul_wide(u128::MAX, 1 << 100), 1 << 101), u128::MAX / 2);
    }

    #[test]
    fn ratios() {
        assert_eq!(ratio(1, 4), Decimal::new(25, 2));
        assert_eq!(ratio(0, 7), Decimal::ZERO);
        assert_eq!(ratio(5, 0), Decimal::ZERO);
        assert_eq!(ratio(-1, 8), Decimal::new(-125, 3));
        assert_eq!(ratio(1, 3), Decimal::new(333_333_333_333_333_333, 18));
        assert_eq!(ratio(2, 3), Decimal::new(666_666_666_666_666_666, 18)); // truncated
        assert_eq!(ratio(7, 2), Decimal::new(35, 1));
        assert_eq!(ratio(-2, -3), ratio(2, 3));
        let huge = i128::MAX / 2;
        assert_eq!(ratio(huge, huge), Decimal::ONE);
        assert_eq!(ratio(huge / 3, huge), Decimal::new(333_333_333_333_333_333, 18));
        assert_eq!(ratio(huge - 1, huge), Decimal::new(999_999_999_999_999_999, 18));
        // The wide path agrees with the narrow one on the same rational.
        let d = 3 * (1i128 << 70);
        assert_eq!(ratio(1 << 70, d), ratio(1, 3));
    }
}

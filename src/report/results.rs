//! The per-partner results as CSV: one row per partner in priority order,
//! the columns a billing tool loads back ([`write_csv`]).
//!
//! A million rows are written in a fraction of a second: the rows are
//! formatted in blocks on the crate's threads (feature `parallel`) and
//! written in order, and the two figures that are decimals are formatted
//! from the integers behind them. `Decimal`'s own division, rounding and
//! `Display` cost more than the rest of a row together; the integers give
//! the same text, which a property test holds them to.

use std::io::Write;

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::lang::Catalogue;
use crate::language::Language;
use crate::ledger::periods::csv_text;
use crate::review::{Assessment, Portfolio};
use crate::tier::{Tier, TierPolicy};

/// The header of [`write_csv`].
pub(crate) const CSV_HEADER: [&str; 9] = [
    "partner_id",
    "segment",
    "tier",
    "monthly_turnover",
    "priority_rank",
    "priority_score",
    "risk_level",
    "potential",
    "strategy_goal",
];

/// Rows formatted by one task (about 0.8 MB of text). The pool formats a
/// block of two tasks a thread while the block before is written, so the
/// text held is about 3 MB a thread whatever the size of the network
/// (blocks of sixteen tasks of twice the rows, formatted and then written,
/// held 26 MB at a million partners, at the example's peak of memory).
const ROWS_PER_TASK: usize = 8 * 1024;
const TASKS_PER_THREAD: usize = 2;

/// Writes one CSV row per partner of `portfolio`, in priority order (rank 1
/// first), after the header `partner_id, segment, tier, monthly_turnover,
/// priority_rank, priority_score, risk_level, potential, strategy_goal`: the
/// `--out` file of the `assess` example.
///
/// - `monthly_turnover` is [`Assessment::monthly_turnover`] rounded
///   half to even to the currency's minor unit, as
///   `Decimal::round_dp` rounds and prints it: `375000`, `1500.5`,
///   `33.33` in roubles, `83333` in yen.
/// - `priority_score` is [`Assessment::score`] as it prints: `87.5`.
/// - The tier, the risk level (`unknown` when nothing is known) and
///   the potential are the English catalogue's words, so that a
///   program can match on them whatever the review's language; the
///   goal is the tier's, in the playbook's words.
/// - A field is quoted (its quotes doubled) only when it holds a
///   comma, a quote or a line break, as the `csv` crate writes it.
///
/// The same columns, and more, are in `report::results_batch` (feature
/// `arrow`).
///
/// # Example
///
/// ```
/// # use chrono::NaiveDate;
/// # use partner_priority::{Currency, Ledger, Money, PartnerId, Policy, Review, Sale, report};
/// # use rust_decimal::Decimal;
/// # let mut ledger = Ledger::new(Currency::RUB);
/// # for (id, amount) in [("big", 900_000), ("small", 1_000)] {
/// #     let date = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
/// #     ledger.record(Sale::new(PartnerId::new(id)?, date, Money::new(Decimal::from(amount), Currency::RUB)))?;
/// # }
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
/// let portfolio = Review::new(&ledger, as_of).run(&Policy::default())?;
/// let mut csv = Vec::new();
/// report::write_csv(&portfolio, &mut csv)?;
/// let csv = String::from_utf8(csv).unwrap();
/// let lines: Vec<&str> = csv.lines().collect();
/// assert_eq!(
///     lines[0],
///     "partner_id,segment,tier,monthly_turnover,priority_rank,priority_score,risk_level,potential,strategy_goal"
/// );
/// assert_eq!(lines[1], "big,A,Bronze,75000,1,80,Low,low,stimulate growth and reach a profitable level");
/// assert!(lines[2].starts_with("small,"));
/// # Ok::<(), partner_priority::Error>(())
/// ```
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::ErrorKind::Io) if writing fails;
/// [`ErrorKind::ThreadPool`](crate::ErrorKind::ThreadPool) if the
/// crate's threads cannot start (feature `parallel`).
pub fn write_csv<W: Write>(portfolio: &Portfolio, mut out: W) -> Result<()> {
    let mut header = CSV_HEADER.join(",");
    header.push('\n');
    out.write_all(header.as_bytes())?;
    let words = Words::new(portfolio);
    let all = portfolio.unordered();
    // Each task takes its run of ranks and finds their assessments.
    let tasks: Vec<&[u32]> = portfolio.rank_order().chunks(ROWS_PER_TASK).collect();
    let per_block = crate::util::par::threads()?.max(1) * TASKS_PER_THREAD;
    crate::util::par::map_blocks(
        &tasks,
        per_block,
        |ranks| words.rows(&ranks.iter().filter_map(|&i| all.get(i as usize)).collect::<Vec<_>>()),
        |texts| {
            for text in texts {
                out.write_all(&text)?;
            }
            Ok(())
        },
    )?;
    out.flush().map_err(Error::from)
}

/// Writes the CSV of [`write_csv`] to a new file at `path` (replacing one
/// that exists).
///
/// # Errors
///
/// [`ErrorKind::Io`](crate::ErrorKind::Io) if the file cannot be
/// created or written; as [`write_csv`].
pub fn write_csv_path<P: AsRef<std::path::Path>>(portfolio: &Portfolio, path: P) -> Result<()> {
    let file = std::fs::File::create(path)?;
    write_csv(portfolio, std::io::BufWriter::with_capacity(1 << 20, file))
}

/// What every row takes from the portfolio, quoted once.
struct Words {
    tiers: [Vec<u8>; 4],
    goals: [Vec<u8>; 4],
    scale: u32,
}

impl Words {
    fn new(p: &Portfolio) -> Words {
        let playbook = p.playbook();
        Words {
            tiers: Tier::ALL.map(|t| csv_text(Language::En.tier(t)).into_owned().into_bytes()),
            goals: Tier::ALL.map(|t| csv_text(&playbook.tier(t).goal).into_owned().into_bytes()),
            scale: crate::ledger::Ledger::new(p.currency()).scale(),
        }
    }

    /// The CSV text of `rows`.
    fn rows(&self, rows: &[&Assessment]) -> Vec<u8> {
        let mut out = Vec::with_capacity(rows.len() * 96);
        for block in rows.chunks(32) {
            touch(block);
            self.block(block, &mut out);
        }
        out
    }

    /// The CSV text of `rows` onto `out`.
    fn block(&self, rows: &[&Assessment], out: &mut Vec<u8>) {
        for a in rows {
            let tier = a.tier().index();
            out.extend_from_slice(csv_text(a.id().as_str()).as_bytes());
            out.push(b',');
            out.push(u8::try_from(a.segment().letter()).unwrap_or(b'?'));
            out.push(b',');
            out.extend_from_slice(self.tiers.get(tier).map_or(&[][..], Vec::as_slice));
            out.push(b',');
            let (total, months) = a.monthly_parts();
            write_monthly(out, total, months, self.scale);
            out.push(b',');
            write_uint(out, u64::from(a.rank()));
            out.push(b',');
            write_fixed(out, u64::from(a.score_units()), 4, true);
            out.push(b',');
            out.extend_from_slice(a.risk_level().map_or("unknown", |l| Language::En.risk_level(l)).as_bytes());
            out.push(b',');
            out.extend_from_slice(Language::En.potential_level(a.potential_level()).as_bytes());
            out.push(b',');
            out.extend_from_slice(self.goals.get(tier).map_or(&[][..], Vec::as_slice));
            out.push(b'\n');
        }
    }
}

/// Reads the assessments of `rows`, then their ids, before any is
/// formatted. In rank order they lie scattered over hundreds of megabytes,
/// and formatting one row after the other waited for each row's two cache
/// misses in turn; loads that do not wait on each other overlap.
fn touch(rows: &[&Assessment]) {
    let mut seen = 0u64;
    for a in rows {
        seen ^= u64::from(a.rank()) ^ a.monthly_parts().0.mantissa() as u64;
    }
    for a in rows {
        seen ^= u64::from(a.id().as_str().as_bytes().first().copied().unwrap_or(0));
    }
    std::hint::black_box(seen);
}

/// `n` in decimal digits.
fn write_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// `n × 10^-places` as `Decimal` prints it: `places` digits after the
/// point, or (`trim`) as many as it takes, none for a whole number.
fn write_fixed(out: &mut Vec<u8>, n: u64, places: u32, trim: bool) {
    // Called with 4 places and with up to 4; more than 19 would not fit.
    let Some(unit) = 10u64.checked_pow(places) else {
        write_uint(out, n);
        return;
    };
    write_uint(out, n / unit);
    let (mut fraction, mut places) = (n % unit, places);
    if trim {
        while places > 0 && fraction % 10 == 0 {
            fraction /= 10;
            places -= 1;
        }
    }
    if places == 0 {
        return;
    }
    out.push(b'.');
    let mut digits = [b'0'; 20];
    let mut at = places as usize;
    while at > 0 {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (fraction % 10) as u8;
        }
        fraction /= 10;
    }
    out.extend_from_slice(digits.get(..places as usize).unwrap_or_default());
}

/// `TierPolicy::monthly(total, months).round_dp(scale)` as `Display`
/// prints it.
///
/// From the integers where that is sure to give the same text: a total
/// of `0 ≤ total < 10^15` units at up to 4 places, up to 1,200 months,
/// rounded to up to 4 places. The quotient is then below 10^15, so
/// `Decimal` keeps it to 13 places or more (an error under 10^-13), while
/// a quotient that is not a rounding midpoint lies at least 1 / (2 × 10^4
/// × 1,200 × 10^4), about 4 × 10^-12, from one: `Decimal`'s rounded
/// quotient rounds to the places as the exact one does. Anything else
/// (a negative total among it) takes the `Decimal` way.
fn write_monthly(out: &mut Vec<u8>, total: Decimal, months: u32, scale: u32) {
    if let Some((units, places)) = monthly_units(total, months, scale) {
        write_fixed(out, units, places, false);
    } else {
        let _ = write!(out, "{}", TierPolicy::monthly(total, months).round_dp(scale));
    }
}

/// The integer path of [`write_monthly`]: the rounded quotient in units of
/// `10^-places`, at the fewest places (up to `scale`) it needs; `None`
/// outside the bounds there.
fn monthly_units(total: Decimal, months: u32, scale: u32) -> Option<(u64, u32)> {
    let (mantissa, from) = (total.mantissa(), total.scale());
    if !(0..1_000_000_000_000_000).contains(&mantissa) || from > 4 || scale > 4 || !(1..=1200).contains(&months) {
        return None;
    }
    // total / months at `scale` places: mantissa × 10^scale / (months ×
    // 10^from), in `u64` (below 10^19) for a division that costs less.
    let num = u64::try_from(mantissa).ok()? * 10u64.pow(scale);
    let den = u64::from(months) * 10u64.pow(from);
    let (mut q, r) = (num / den, num % den);
    if r == 0 {
        // Exact at `scale` places: `normalize` drops the trailing zeros.
        let mut places = scale;
        while places > 0 && q % 10 == 0 {
            q /= 10;
            places -= 1;
        }
        return Some((q, places));
    }
    // Beyond `scale` places: rounded half to even, `scale` places shown.
    if 2 * r > den || (2 * r == den && q % 2 == 1) {
        q += 1;
    }
    Some((q, scale))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn monthly_text(total: Decimal, months: u32, scale: u32) -> String {
        let mut out = Vec::new();
        write_monthly(&mut out, total, months, scale);
        String::from_utf8(out).unwrap_or_default()
    }

    fn score_text(score: u32) -> String {
        let mut out = Vec::new();
        write_fixed(&mut out, u64::from(score), 4, true);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn monthly_figures_print_as_the_rounded_decimal_prints() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        for (total, months, scale, text) in [
            ("4500000", 12, 2, "375000"),
            ("4500000.00", 12, 2, "375000"),
            ("100", 3, 2, "33.33"),
            ("200", 3, 2, "66.67"),
            ("0.05", 2, 2, "0.02"),
            ("0.07", 2, 2, "0.04"),
            ("3001", 2, 2, "1500.5"),
            ("23.976", 12, 2, "2.00"),
            ("0", 12, 2, "0"),
            ("0.00", 5, 2, "0"),
            ("-100", 3, 2, "-33.33"),
            ("100", 0, 2, "0"),
            ("12345", 7, 0, "1764"),
            ("999999999999999.99", 1, 2, "999999999999999.99"),
            // At the bounds of the integer path, and just outside them.
            ("99999999999.9999", 1199, 4, "83402835.6964"),
            ("99999999999.9999", 1200, 0, "83333333"),
            ("999999999999999", 7, 4, "142857142857142.7143"),
            ("1000000000000000", 7, 4, "142857142857142.8571"),
            ("99999999999.99999", 1200, 4, "83333333.3333"),
            ("99999999999.9999", 1201, 4, "83263946.7111"),
        ] {
            let expected = TierPolicy::monthly(d(total), months).round_dp(scale).to_string();
            assert_eq!(expected, text, "{total} / {months}");
            assert_eq!(monthly_text(d(total), months, scale), text, "{total} / {months}");
        }
    }

    #[test]
    fn scores_print_as_the_normalized_decimal_prints() {
        for (score, text) in
            [(0, "0"), (10000, "1"), (875000, "87.5"), (1, "0.0001"), (1_000_000, "100"), (123_4560, "123.456")]
        {
            assert_eq!(score_text(score), text);
            assert_eq!(Decimal::new(i64::from(score), 4).normalize().to_string(), text);
        }
    }

    #[test]
    fn ranks_print_in_decimal_digits() {
        for n in [0, 7, 10, 1_000_000, u64::MAX] {
            let mut out = Vec::new();
            write_uint(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn the_monthly_figure_from_integers_is_the_text_of_the_decimal_formula(
            mantissa in prop_oneof![
                0i64..1000,
                0i64..100_000_000,
                0i64..1_000_000_000_000_000,
                999_999_999_000_000i64..1_000_000_001_000_000,
                0i64..i64::MAX,
                -1_000_000i64..0,
            ],
            from in 0u32..=6,
            months in prop_oneof![1u32..=24, 0u32..=1500, 1190u32..=1210],
            scale in 0u32..=5,
        ) {
            let total = Decimal::new(mantissa, from);
            let expected = TierPolicy::monthly(total, months).round_dp(scale).to_string();
            prop_assert_eq!(monthly_text(total, months, scale), expected);
        }

        #[test]
        fn the_monthly_figure_at_a_rounding_midpoint_is_rounded_half_to_even(
            units in prop_oneof![0i64..10_000_000, 0i64..100_000_000_000], months in prop_oneof![1u32..=24, 1u32..=1200],
            scale in 0u32..=3,
        ) {
            // months × (units + ½) × 10^-scale: a quotient exactly halfway.
            let total = Decimal::new((2 * units + 1) * 5 * i64::from(months), scale + 1);
            let expected = TierPolicy::monthly(total, months).round_dp(scale).to_string();
            prop_assert_eq!(monthly_text(total, months, scale), expected);
        }

        #[test]
        fn the_score_from_integers_is_the_text_of_the_normalized_decimal(score in 0u32..=1_000_000) {
            prop_assert_eq!(score_text(score), Decimal::new(i64::from(score), 4).normalize().to_string());
        }
    }
}

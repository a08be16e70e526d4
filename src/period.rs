//! Calendar months and review windows.
//!
//! The library never reads the clock: every window is built from an `as_of`
//! date the caller passes in.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use crate::error::{Error, ErrorKind, Result};

/// A calendar month (year and month), the unit of every turnover series.
///
/// Months cover the whole date range of chrono's [`NaiveDate`]. They order
/// chronologically, and their text form is `YYYY-MM`.
///
/// # Example
///
/// ```
/// use partner_priority::period::Month;
///
/// let dec = Month::new(2025, 12)?;
/// assert_eq!(dec.checked_add(1)?, Month::new(2026, 1)?);
/// assert_eq!(dec.checked_add(-12)?.to_string(), "2024-12");
/// assert_eq!("2026-03".parse::<Month>()?.month(), 3);
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    /// `year * 12 + (month - 1)`.
    index: i32,
}

impl Month {
    /// The first supported month (the month of [`NaiveDate::MIN`]).
    pub const MIN: Month = Month {
        index: -262_143 * 12, // -262143-01 (NaiveDate::MIN); a unit test checks it
    };
    /// The last supported month (the month of [`NaiveDate::MAX`]).
    pub const MAX: Month = Month {
        index: 262_142 * 12 + 11, // 262142-12 (NaiveDate::MAX); a unit test checks it
    };

    /// The month `month` (1 = January) of `year`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidMonth`] if `month` is not in 1..=12 or the month
    /// is outside chrono's date range.
    pub fn new(year: i32, month: u32) -> Result<Month> {
        let invalid =
            |reason| Error::from(ErrorKind::InvalidMonth { year: i64::from(year), month: i64::from(month), reason });
        if !(1..=12).contains(&month) {
            return Err(invalid("the month must be 1 to 12"));
        }
        let index = i64::from(year) * 12 + i64::from(month) - 1;
        if index < i64::from(Month::MIN.index) || index > i64::from(Month::MAX.index) {
            return Err(invalid("outside the supported date range"));
        }
        Ok(Month { index: i32::try_from(index).map_err(|_| invalid("outside the supported date range"))? })
    }

    /// The month that contains `date`. Every date has one.
    #[must_use]
    pub fn of(date: NaiveDate) -> Month {
        Month { index: date.year() * 12 + date.month0() as i32 }
    }

    /// The year.
    #[must_use]
    pub fn year(&self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1 (January) to 12.
    #[must_use]
    pub fn month(&self) -> u32 {
        self.index.rem_euclid(12).unsigned_abs() + 1
    }

    /// The first day of the month.
    #[must_use]
    pub fn first_day(&self) -> NaiveDate {
        // Every month between MIN and MAX has a first day; MIN itself starts
        // on NaiveDate::MIN.
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the month.
    #[must_use]
    pub fn last_day(&self) -> NaiveDate {
        match self.checked_add(1) {
            Ok(next) => next.first_day().pred_opt().unwrap_or(NaiveDate::MAX),
            Err(_) => NaiveDate::MAX,
        }
    }

    /// The number of days in the month.
    #[must_use]
    pub fn days(&self) -> u32 {
        self.last_day().day()
    }

    /// The month `months` later (earlier if negative).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DateOutOfRange`] if the result is outside the supported range.
    pub fn checked_add(self, months: i32) -> Result<Month> {
        let index = i64::from(self.index) + i64::from(months);
        if index < i64::from(Month::MIN.index) || index > i64::from(Month::MAX.index) {
            return Err(ErrorKind::DateOutOfRange { what: format!("{self} plus {months} months") }.into());
        }
        Ok(Month { index: i32::try_from(index).unwrap_or(self.index) })
    }

    /// How many months `self` is after `earlier` (negative if before).
    #[must_use]
    pub fn months_since(&self, earlier: Month) -> i32 {
        // Both indices are within ±3.2 million, so the difference fits.
        self.index - earlier.index
    }

    pub(crate) fn index(&self) -> i32 {
        self.index
    }

    pub(crate) fn from_index(index: i32) -> Option<Month> {
        (Month::MIN.index..=Month::MAX.index).contains(&index).then_some(Month { index })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.year();
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}-{:02}", self.month())
        } else {
            write!(f, "{year:+}-{:02}", self.month())
        }
    }
}

impl fmt::Debug for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Month({self})")
    }
}

impl FromStr for Month {
    type Err = Error;

    /// Parses `YYYY-MM` (a sign is allowed before years outside 0..=9999).
    fn from_str(s: &str) -> Result<Month> {
        let bad = || Error::value("month", s, "expected YYYY-MM");
        let (year, month) = s.rsplit_once('-').ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        let year_digits = year.strip_prefix(['-', '+']).unwrap_or(year);
        if month.len() != 2 || !digits(month) || !digits(year_digits) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Month::new(year, month)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A review window: a run of whole calendar months, first and last included.
///
/// The usual window is built with [`Window::before`]: the `N` full calendar
/// months before an `as_of` date (the month of `as_of` itself is not full
/// yet, so it is never included). Windows are at most
/// [`Window::MAX_MONTHS`] long.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use partner_priority::period::{Month, Window};
///
/// let as_of = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
/// let window = Window::before(as_of, 12)?;
/// assert_eq!(window.first(), Month::new(2025, 1)?);
/// assert_eq!(window.last(), Month::new(2025, 12)?);
/// assert_eq!(window.len(), 12);
/// # Ok::<(), partner_priority::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawWindow", into = "RawWindow"))]
pub struct Window {
    first: Month,
    last: Month,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    first: Month,
    last: Month,
}

#[cfg(feature = "serde")]
impl TryFrom<RawWindow> for Window {
    type Error = Error;
    fn try_from(raw: RawWindow) -> Result<Window> {
        Window::new(raw.first, raw.last)
    }
}

#[cfg(feature = "serde")]
impl From<Window> for RawWindow {
    fn from(w: Window) -> RawWindow {
        RawWindow { first: w.first, last: w.last }
    }
}

impl Window {
    /// The longest window supported: 100 years.
    pub const MAX_MONTHS: u32 = 1200;

    /// The months `first` to `last`, both included.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidWindow`] if `last` is before `first` or the window
    /// is longer than [`Window::MAX_MONTHS`].
    pub fn new(first: Month, last: Month) -> Result<Window> {
        if last < first {
            return Err(ErrorKind::InvalidWindow {
                reason: format!("the last month {last} is before the first month {first}"),
            }
            .into());
        }
        let len = i64::from(last.months_since(first)) + 1;
        if len > i64::from(Window::MAX_MONTHS) {
            return Err(ErrorKind::InvalidWindow {
                reason: format!("{len} months is longer than {} months", Window::MAX_MONTHS),
            }
            .into());
        }
        Ok(Window { first, last })
    }

    /// The `months` full calendar months before `as_of`: the window ends with
    /// the month before the month of `as_of`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidWindow`] if `months` is 0 or more than
    /// [`Window::MAX_MONTHS`]; [`ErrorKind::DateOutOfRange`] if the window
    /// would start before the supported range.
    pub fn before(as_of: NaiveDate, months: u32) -> Result<Window> {
        if months == 0 || months > Window::MAX_MONTHS {
            return Err(ErrorKind::InvalidWindow {
                reason: format!("the length must be 1 to {} months, not {months}", Window::MAX_MONTHS),
            }
            .into());
        }
        let last = Month::of(as_of).checked_add(-1)?;
        // months <= 1200, so the cast is exact.
        let first = last.checked_add(1 - months as i32)?;
        Window::new(first, last)
    }

    /// The first month.
    #[must_use]
    pub fn first(&self) -> Month {
        self.first
    }

    /// The last month.
    #[must_use]
    pub fn last(&self) -> Month {
        self.last
    }

    /// The number of months (at least 1).
    #[must_use]
    #[allow(clippy::len_without_is_empty)] // a window is never empty
    pub fn len(&self) -> u32 {
        self.last.months_since(self.first).unsigned_abs() + 1
    }

    /// True if `month` is in the window.
    #[must_use]
    pub fn contains(&self, month: Month) -> bool {
        self.first <= month && month <= self.last
    }

    /// The 0-based position of `month` in the window, if it is in it.
    #[must_use]
    pub fn position(&self, month: Month) -> Option<usize> {
        self.contains(month).then(|| month.months_since(self.first).unsigned_abs() as usize)
    }

    /// The months of the window, first to last.
    pub fn months(&self) -> impl DoubleEndedIterator<Item = Month> + use<> {
        let first = self.first.index;
        (first..=self.last.index).map(|index| Month { index })
    }

    /// The first day of the window.
    #[must_use]
    pub fn start_date(&self) -> NaiveDate {
        self.first.first_day()
    }

    /// The last day of the window.
    #[must_use]
    pub fn end_date(&self) -> NaiveDate {
        self.last.last_day()
    }

    /// The same window moved `months` earlier (the previous review's window).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::DateOutOfRange`] if it would leave the supported range.
    pub fn shifted_back(&self, months: u32) -> Result<Window> {
        let by = i32::try_from(months)
            .map_err(|_| ErrorKind::DateOutOfRange { what: format!("{months} months before {self}") })?;
        Ok(Window { first: self.first.checked_add(-by)?, last: self.last.checked_add(-by)? })
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} … {}", self.first, self.last)
    }
}

impl fmt::Debug for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Window({} ..= {})", self.first, self.last)
    }
}

/// How often the network is reviewed. The review period is how far back the
/// "previous review" lies when migrations are computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ReviewPeriod {
    /// Every month.
    Monthly,
    /// Every three months. This is the default.
    #[default]
    Quarterly,
    /// Every six months.
    HalfYearly,
    /// Every year.
    Yearly,
}

impl ReviewPeriod {
    /// The length of the period in months (1, 3, 6 or 12).
    #[must_use]
    pub fn months(&self) -> u32 {
        match self {
            ReviewPeriod::Monthly => 1,
            ReviewPeriod::Quarterly => 3,
            ReviewPeriod::HalfYearly => 6,
            ReviewPeriod::Yearly => 12,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_add_up_to_the_ends_of_the_range() {
        assert_eq!(Month::MAX.checked_add(0).unwrap(), Month::MAX);
        assert_eq!(Month::MIN.checked_add(0).unwrap(), Month::MIN);
        assert!(Month::MAX.checked_add(1).is_err());
        assert!(Month::MIN.checked_add(-1).is_err());
        assert_eq!(Month::MAX.checked_add(-1).unwrap().months_since(Month::MAX), -1);
    }

    #[test]
    fn a_window_is_one_to_max_months_long() {
        let as_of = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(Window::before(as_of, 1).unwrap().len(), 1);
        assert_eq!(Window::before(as_of, Window::MAX_MONTHS).unwrap().len(), Window::MAX_MONTHS);
        assert!(Window::before(as_of, Window::MAX_MONTHS + 1).is_err());
        assert!(Window::before(as_of, 0).is_err());
    }

    #[test]
    fn periods_and_their_debug_forms() {
        let months = [ReviewPeriod::Monthly, ReviewPeriod::Quarterly, ReviewPeriod::HalfYearly, ReviewPeriod::Yearly]
            .map(|p| p.months());
        assert_eq!(months, [1, 3, 6, 12]);
        let w = Window::new(Month::new(2025, 1).unwrap(), Month::new(2025, 12).unwrap()).unwrap();
        assert_eq!(format!("{w:?}"), "Window(2025-01 ..= 2025-12)");
        assert_eq!(format!("{:?}", Month::new(2025, 3).unwrap()), "Month(2025-03)");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn month_arithmetic_crosses_year_ends() {
        let dec = Month::new(2025, 12).unwrap();
        assert_eq!(dec.checked_add(1).unwrap(), Month::new(2026, 1).unwrap());
        assert_eq!(Month::new(2026, 1).unwrap().checked_add(-1).unwrap(), dec);
        assert_eq!(dec.checked_add(-24).unwrap(), Month::new(2023, 12).unwrap());
        assert_eq!(dec.checked_add(13).unwrap(), Month::new(2027, 1).unwrap());
        assert_eq!(Month::new(2026, 2).unwrap().months_since(Month::new(2024, 11).unwrap()), 15);
        assert_eq!(Month::new(2024, 2).unwrap().last_day(), d(2024, 2, 29));
        assert_eq!(Month::new(2025, 2).unwrap().days(), 28);
    }

    #[test]
    fn months_before_year_zero_work() {
        let m = Month::new(-1, 1).unwrap();
        assert_eq!(m.year(), -1);
        assert_eq!(m.month(), 1);
        assert_eq!(m.checked_add(-1).unwrap(), Month::new(-2, 12).unwrap());
        assert_eq!(m.to_string(), "-1-01");
        assert_eq!("-1-01".parse::<Month>().unwrap(), m);
    }

    #[test]
    fn the_ends_of_chronos_range_are_months_and_beyond_is_an_error() {
        assert_eq!(Month::of(NaiveDate::MIN), Month::MIN);
        assert_eq!(Month::of(NaiveDate::MAX), Month::MAX);
        assert_eq!(Month::MAX.last_day(), NaiveDate::MAX);
        assert_eq!(Month::MIN.first_day(), NaiveDate::MIN);
        assert!(Month::MAX.checked_add(1).is_err());
        assert!(Month::MIN.checked_add(-1).is_err());
        assert!(Month::new(i32::MAX, 1).is_err());
        assert!(Month::new(2025, 0).is_err());
        assert!(Month::new(2025, 13).is_err());
        assert!(Window::before(NaiveDate::MIN, 1).is_err());
        assert!(Window::before(NaiveDate::MAX, 12).is_ok());
    }

    #[test]
    fn the_12_month_window_before_mid_january_is_the_previous_year() {
        let w = Window::before(d(2026, 1, 15), 12).unwrap();
        assert_eq!(w.first(), Month::new(2025, 1).unwrap());
        assert_eq!(w.last(), Month::new(2025, 12).unwrap());
        assert_eq!(w.len(), 12);
        assert_eq!(w.months().count(), 12);
        assert_eq!(w.start_date(), d(2025, 1, 1));
        assert_eq!(w.end_date(), d(2025, 12, 31));
    }

    #[test]
    fn the_month_of_as_of_is_never_in_the_window() {
        for day in [1, 15, 31] {
            let w = Window::before(d(2026, 1, day), 3).unwrap();
            assert_eq!(w.last(), Month::new(2025, 12).unwrap());
            assert_eq!(w.first(), Month::new(2025, 10).unwrap());
        }
    }

    #[test]
    fn windows_are_validated() {
        let a = Month::new(2025, 1).unwrap();
        let b = Month::new(2025, 6).unwrap();
        assert!(Window::new(b, a).is_err());
        assert_eq!(Window::new(a, a).unwrap().len(), 1);
        assert!(Window::before(d(2026, 1, 1), 0).is_err());
        assert!(Window::before(d(2026, 1, 1), Window::MAX_MONTHS + 1).is_err());
        let w = Window::new(a, b).unwrap();
        assert_eq!(w.position(b), Some(5));
        assert_eq!(w.position(b.checked_add(1).unwrap()), None);
        let prev = w.shifted_back(3).unwrap();
        assert_eq!(prev.first(), Month::new(2024, 10).unwrap());
        assert_eq!(prev.len(), 6);
    }

    #[test]
    fn month_text_round_trips() {
        for text in ["2025-01", "1999-12", "0001-03"] {
            assert_eq!(text.parse::<Month>().unwrap().to_string(), text);
        }
        for bad in ["2025", "2025-1", "2025-13", "x-01", "-01", "2025-001", "2025-+1", "20 5-01"] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }
}

//! The crate's one error type.

use std::fmt;

use rust_decimal::Decimal;

/// A `Result` whose error is this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in this crate.
///
/// An `Error` is a [`kind`](Error::kind) (what went wrong) plus a
/// [`Location`] (where: the line and column of an import, the partner, the
/// invoice). Data errors always name what was wrong, so the caller can show
/// it to whoever owns the data.
///
/// Use the `is_*` predicates to act on a class of errors:
/// [`is_invalid_config`](Error::is_invalid_config) for a bad policy or
/// playbook (fix the configuration), [`is_duplicate`](Error::is_duplicate)
/// for data that was already recorded (a resent invoice: usually safe to
/// skip), [`is_overflow`](Error::is_overflow),
/// [`is_currency_mismatch`](Error::is_currency_mismatch) and
/// [`is_io`](Error::is_io).
///
/// # Example
///
/// ```
/// use partner_priority::{Currency, ErrorKind};
///
/// let err = Currency::new("RUR").unwrap_err();
/// assert!(matches!(err.kind(), ErrorKind::InvalidCurrency { .. }));
/// assert_eq!(err.to_string(), "invalid currency code `RUR`: not an ISO 4217 currency of payment");
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    location: Location,
}

/// Where an error happened: any of the line, column, partner and invoice
/// that are known.
///
/// Imports fill in the line (1-based, the header is line 1) and the column;
/// ledger operations fill in the partner and the invoice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Location {
    /// The 1-based line of the input file (the header is line 1), or the
    /// 1-based position of the item in a batch.
    pub line: Option<u64>,
    /// The column (CSV header name) that held the bad value.
    pub column: Option<String>,
    /// The partner the bad data belongs to (its id).
    pub partner: Option<String>,
    /// The invoice (document number) the bad data belongs to.
    pub invoice: Option<String>,
    /// The 1-based row of an Arrow or Parquet data set (rows count on
    /// across its record batches and part files).
    pub row: Option<u64>,
    /// The file that held the bad data, when an input is several files (a
    /// directory of Parquet part files).
    pub file: Option<String>,
}

impl Location {
    fn is_empty(&self) -> bool {
        self.line.is_none()
            && self.column.is_none()
            && self.partner.is_none()
            && self.invoice.is_none()
            && self.row.is_none()
            && self.file.is_none()
    }
}

/// What went wrong. Match on it through [`Error::kind`].
///
/// The enum is `#[non_exhaustive]`: new kinds can be added in minor releases.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A currency code that is not a three-letter ISO 4217 currency of payment.
    #[error("invalid currency code `{code}`: {reason}")]
    InvalidCurrency {
        /// The code as given.
        code: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// Two amounts in different currencies met without an exchange rate.
    #[error("currency mismatch: expected {expected}, found {found}")]
    CurrencyMismatch {
        /// The currency the operation works in (its ISO 4217 code).
        expected: String,
        /// The currency that was given.
        found: String,
    },
    /// A sum, product or count does not fit the range of the number type.
    #[error("arithmetic overflow: {what} is out of range")]
    Overflow {
        /// What was being computed.
        what: &'static str,
    },
    /// An amount that cannot be kept exactly (more decimal places than the
    /// ledger keeps, or out of its range).
    #[error("amount {amount} cannot be kept exactly: {reason}")]
    InexactAmount {
        /// The amount as given.
        amount: Decimal,
        /// Why it cannot be kept.
        reason: String,
    },
    /// A year and month that do not make a month in the supported range.
    #[error("invalid month {year}-{month:02}: {reason}")]
    InvalidMonth {
        /// The year as given.
        year: i64,
        /// The month as given.
        month: i64,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A date outside the range this crate supports, or a date computation
    /// that leaves chrono's range.
    #[error("date out of range: {what}")]
    DateOutOfRange {
        /// What date or computation was out of range.
        what: String,
    },
    /// A review window that cannot be built.
    #[error("invalid review window: {reason}")]
    InvalidWindow {
        /// Why it was rejected.
        reason: String,
    },
    /// A partner id that is empty, too long, or has surrounding whitespace or
    /// control characters.
    #[error("invalid partner id `{id}`: {reason}")]
    InvalidPartnerId {
        /// The id as given (shortened if very long).
        id: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An invoice id that is empty, too long, or has surrounding whitespace or
    /// control characters.
    #[error("invalid invoice id `{id}`: {reason}")]
    InvalidInvoiceId {
        /// The id as given (shortened if very long).
        id: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An invoice that the ledger has already recorded (billing tools resend
    /// documents). Nothing of the call was recorded.
    #[error("invoice `{invoice}` was already recorded")]
    DuplicateInvoice {
        /// The invoice id.
        invoice: String,
    },
    /// A payment for an invoice the ledger does not hold as unpaid.
    #[error(
        "no unpaid invoice `{invoice}` in the ledger (never recorded, recorded without an id or due date, or already paid)"
    )]
    UnknownInvoice {
        /// The invoice id.
        invoice: String,
    },
    /// The lines of one invoice name two different partners (the error's
    /// line is the first line with the second partner).
    #[error("{} has lines for partner `{first}` and for partner `{second}`", invoice.as_ref().map_or("an invoice".to_owned(), |i| format!("invoice `{i}`")))]
    InvoicePartnerConflict {
        /// The invoice id, when known (a bulk import identifies invoices by
        /// fingerprint and names the line instead).
        invoice: Option<String>,
        /// The partner of the invoice's first line.
        first: String,
        /// The other partner.
        second: String,
    },
    /// Pre-aggregated monthly figures for a partner and month that already
    /// has pre-aggregated figures (a resent warehouse extract).
    #[error("monthly figures for {month} were already recorded for this partner")]
    DuplicateMonthlyFigures {
        /// The month, as `YYYY-MM`.
        month: String,
    },
    /// The same partner twice in one partner list.
    #[error("partner `{partner}` is listed twice{}", first_line.map(|l| format!(" (first on line {l})")).unwrap_or_default())]
    DuplicatePartner {
        /// The partner id.
        partner: String,
        /// Where it was listed first, when the list came from a file.
        first_line: Option<u64>,
    },
    /// A value that does not parse or is out of its allowed range.
    #[error("invalid {field} `{value}`: {reason}")]
    InvalidValue {
        /// The field (or CSV column) name.
        field: String,
        /// The value as given (shortened if very long).
        value: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A required CSV column is missing from the header.
    #[error("missing required column `{column}`")]
    MissingColumn {
        /// The column name.
        column: &'static str,
    },
    /// A CSV header names a column this import does not know (a typo would
    /// otherwise silently drop data).
    #[error("unknown column `{column}` (expected one of: {expected})")]
    UnknownColumn {
        /// The column name as given.
        column: String,
        /// The known columns.
        expected: &'static str,
    },
    /// A CSV header names a column twice.
    #[error("column `{column}` appears twice in the header")]
    DuplicateColumn {
        /// The column name.
        column: String,
    },
    /// Malformed CSV (unbalanced quotes, wrong number of fields, bad UTF-8).
    #[error("malformed CSV: {message}")]
    Csv {
        /// The CSV reader's description.
        message: String,
    },
    /// An Arrow or Parquet column whose type the import does not take: a
    /// float for an amount (floats are not exact), a number for an id.
    #[error("column `{column}` is {found}: {reason}")]
    ColumnType {
        /// The column name.
        column: String,
        /// The column's type, as Arrow names it (`Float64`, `Int32`).
        found: String,
        /// Why it is not taken, and what is.
        reason: String,
    },
    /// A Parquet file that cannot be read (corrupt, truncated, or not
    /// Parquet), or an Arrow or Parquet structure that cannot be built.
    #[error("{format}: {message}")]
    Columnar {
        /// `Parquet` or `Arrow`.
        format: &'static str,
        /// The reader's or writer's description.
        message: String,
    },
    /// Reading or writing failed.
    #[error("I/O error: {0}")]
    Io(#[source] std::io::Error),
    /// A policy value that is out of range or inconsistent; `field` is the
    /// path of the field, as in the JSON form (`tiers.gold.above`).
    #[error("invalid policy: `{field}`: {reason}")]
    InvalidPolicy {
        /// The path of the offending field.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A playbook with a missing or empty entry; `field` is the path of the
    /// entry, as in the JSON form (`tiers.gold.goal`).
    #[error("invalid playbook: `{field}`: {reason}")]
    InvalidPlaybook {
        /// The path of the offending entry.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A line whose identity the ledger knows with other content (a line
    /// is corrected with `Ledger::replace_line`, not sent again changed).
    #[error("{line} was {} as {recorded}; this one says {given}", first_line.map_or("recorded".to_owned(), |l| format!("given on line {l}")))]
    LineConflict {
        /// The line's identity in words ("invoice `INV-1` line 2").
        line: String,
        /// Where it came first, when that was in the same call.
        first_line: Option<u64>,
        /// What the ledger holds.
        recorded: String,
        /// What was given now.
        given: String,
    },
    /// A correction of a line the ledger does not hold.
    #[error("no {line} in the ledger")]
    UnknownLine {
        /// The line's identity in words.
        line: String,
    },
    /// A correction of an invoice recorded without line identities: its lines
    /// were aggregated as they came and cannot be taken back one by one.
    #[error(
        "invoice `{invoice}` was recorded without line identities: record its lines with an invoice line number or a line id to correct them"
    )]
    NotCorrectable {
        /// The invoice id.
        invoice: String,
    },
    /// A payment whose id the ledger knows with another date or amount.
    #[error("payment `{payment}` was recorded with another date or amount")]
    PaymentConflict {
        /// The payment id.
        payment: String,
    },
    /// A reversal of a payment the ledger does not hold.
    #[error("no payment `{payment}` on the invoice")]
    UnknownPayment {
        /// The payment id.
        payment: String,
    },
    /// The threads of the crate's pool could not start (feature `parallel`).
    #[error("the thread pool could not start: {reason}")]
    ThreadPool {
        /// Why, as the system said.
        reason: String,
    },
    /// A JSON document that does not deserialise; `path` is the field path
    /// where it failed.
    #[error("invalid JSON at `{path}`: {message}")]
    Json {
        /// The path of the field where deserialisation failed (`.` for the
        /// document itself).
        path: String,
        /// The deserialiser's description.
        message: String,
    },
}

impl Error {
    /// The kind of error.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Consumes the error and returns its kind.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// Where the error happened, as far as it is known.
    #[must_use]
    pub fn location(&self) -> &Location {
        &self.inner.location
    }

    /// The 1-based input line, if the error came from an import or a batch.
    #[must_use]
    pub fn line(&self) -> Option<u64> {
        self.inner.location.line
    }

    /// The CSV column that held the bad value, if known.
    #[must_use]
    pub fn column(&self) -> Option<&str> {
        self.inner.location.column.as_deref()
    }

    /// The 1-based row of an Arrow or Parquet data set, if the error came
    /// from one.
    #[must_use]
    pub fn row(&self) -> Option<u64> {
        self.inner.location.row
    }

    /// The file (a Parquet part file) that held the bad data, if the input
    /// was several files.
    #[must_use]
    pub fn file(&self) -> Option<&str> {
        self.inner.location.file.as_deref()
    }

    /// The partner the bad data belongs to, if known.
    #[must_use]
    pub fn partner(&self) -> Option<&str> {
        self.inner.location.partner.as_deref()
    }

    /// The invoice the bad data belongs to, if known.
    #[must_use]
    pub fn invoice(&self) -> Option<&str> {
        self.inner.location.invoice.as_deref()
    }

    /// True for a bad policy or playbook: a configuration problem, not a
    /// data problem. It could have been prevented by building the
    /// configuration through the checked constructors.
    #[must_use]
    pub fn is_invalid_config(&self) -> bool {
        matches!(self.kind(), ErrorKind::InvalidPolicy { .. } | ErrorKind::InvalidPlaybook { .. })
    }

    /// True for data that was already recorded: a resent invoice, resent
    /// monthly figures or a partner listed twice. (A line or payment sent
    /// again unchanged is no error: it is skipped as a replay.)
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(
            self.kind(),
            ErrorKind::DuplicateInvoice { .. }
                | ErrorKind::DuplicateMonthlyFigures { .. }
                | ErrorKind::DuplicatePartner { .. }
        )
    }

    /// True for a line or payment whose identity the ledger knows with
    /// other content: a conflict to resolve in the billing system, or a
    /// correction to make with the ledger's correction calls.
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self.kind(), ErrorKind::LineConflict { .. } | ErrorKind::PaymentConflict { .. })
    }

    /// True for an arithmetic overflow.
    #[must_use]
    pub fn is_overflow(&self) -> bool {
        matches!(self.kind(), ErrorKind::Overflow { .. })
    }

    /// True when amounts in two currencies met without a rate.
    #[must_use]
    pub fn is_currency_mismatch(&self) -> bool {
        matches!(self.kind(), ErrorKind::CurrencyMismatch { .. })
    }

    /// True for an I/O error.
    #[must_use]
    pub fn is_io(&self) -> bool {
        matches!(self.kind(), ErrorKind::Io(_))
    }

    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.inner.location.line = Some(line);
        self
    }

    /// Moves the error's line (a position in a batch) to its row: for
    /// the Arrow and Parquet imports, whose ledger calls count in lines.
    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))] // used by the imports
    pub(crate) fn line_as_row(mut self) -> Self {
        if let Some(line) = self.inner.location.line.take() {
            self.inner.location.row = Some(line);
        }
        self
    }

    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))] // used by the imports
    pub(crate) fn at_row(mut self, row: u64) -> Self {
        self.inner.location.row = Some(row);
        self
    }

    #[cfg_attr(not(feature = "parquet"), allow(dead_code))] // used by the Parquet import
    pub(crate) fn in_file(mut self, file: &str) -> Self {
        if self.inner.location.file.is_none() {
            self.inner.location.file = Some(file.to_owned());
        }
        self
    }

    #[cfg_attr(not(any(feature = "csv", feature = "arrow")), allow(dead_code))] // used by the imports
    pub(crate) fn at_column(mut self, column: &str) -> Self {
        self.inner.location.column = Some(column.to_owned());
        self
    }

    pub(crate) fn for_partner(mut self, partner: &(impl AsRef<str> + ?Sized)) -> Self {
        if self.inner.location.partner.is_none() {
            self.inner.location.partner = Some(partner.as_ref().to_owned());
        }
        self
    }

    pub(crate) fn currency_mismatch(expected: impl fmt::Display, found: impl fmt::Display) -> Self {
        ErrorKind::CurrencyMismatch { expected: expected.to_string(), found: found.to_string() }.into()
    }

    pub(crate) fn duplicate_partner(partner: &(impl AsRef<str> + ?Sized), first_line: Option<u64>) -> Self {
        let partner = partner.as_ref();
        Error::from(ErrorKind::DuplicatePartner { partner: partner.to_owned(), first_line }).for_partner(partner)
    }

    pub(crate) fn for_invoice(mut self, invoice: &str) -> Self {
        if self.inner.location.invoice.is_none() {
            self.inner.location.invoice = Some(invoice.to_owned());
        }
        self
    }

    pub(crate) fn overflow(what: &'static str) -> Self {
        ErrorKind::Overflow { what }.into()
    }

    pub(crate) fn policy(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ErrorKind::InvalidPolicy { field: field.into(), reason: reason.into() }.into()
    }

    pub(crate) fn playbook(field: impl Into<String>, reason: impl Into<String>) -> Self {
        ErrorKind::InvalidPlaybook { field: field.into(), reason: reason.into() }.into()
    }

    pub(crate) fn value(field: impl Into<String>, value: &str, reason: impl Into<String>) -> Self {
        ErrorKind::InvalidValue { field: field.into(), value: shorten(value), reason: reason.into() }.into()
    }
}

/// Shortens a user-supplied value for an error message, so that a 10 MB
/// field does not become a 10 MB message.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        return value.to_owned();
    }
    let mut out: String = value.chars().take(MAX).collect();
    out.push('…');
    out
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error { inner: Box::new(Inner { kind, location: Location::default() }) }
    }
}

impl From<std::io::Error> for Error {
    fn from(err: std::io::Error) -> Self {
        ErrorKind::Io(err).into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error").field("kind", &self.inner.kind).field("location", &self.inner.location).finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.inner.location;
        if !loc.is_empty() {
            let mut parts = Vec::new();
            if let Some(file) = &loc.file {
                parts.push(format!("file `{file}`"));
            }
            if let Some(row) = loc.row {
                parts.push(format!("row {row}"));
            }
            if let Some(line) = loc.line {
                parts.push(format!("line {line}"));
            }
            if let Some(column) = &loc.column {
                parts.push(format!("column `{column}`"));
            }
            if let Some(partner) = &loc.partner {
                parts.push(format!("partner `{}`", shorten(partner)));
            }
            if let Some(invoice) = &loc.invoice {
                parts.push(format!("invoice `{}`", shorten(invoice)));
            }
            write!(f, "{}: ", parts.join(", "))?;
        }
        fmt::Display::fmt(&self.inner.kind, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.inner.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_puts_the_location_first() {
        let partner = "P-1";
        let err =
            Error::value("amount", "12,5x", "not a decimal number").at_line(7).at_column("amount").for_partner(partner);
        assert_eq!(
            err.to_string(),
            "line 7, column `amount`, partner `P-1`: invalid amount `12,5x`: not a decimal number"
        );
        assert_eq!(err.line(), Some(7));
        assert_eq!(err.column(), Some("amount"));
        assert_eq!(err.partner(), Some(partner));
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = "x".repeat(10_000);
        let err = Error::value("partner_id", &long, "too long");
        assert!(err.to_string().len() < 200);
    }

    #[test]
    fn predicates_classify_kinds() {
        let config: Error = ErrorKind::InvalidPolicy { field: "tiers.gold".into(), reason: "bad".into() }.into();
        assert!(config.is_invalid_config());
        assert!(Error::overflow("turnover").is_overflow());
        let dup: Error = ErrorKind::DuplicateInvoice { invoice: "A".into() }.into();
        assert!(dup.is_duplicate());
        assert!(!dup.is_invalid_config());
    }

    /// Each predicate is true for its kinds and false for every other.
    #[test]
    fn every_predicate_is_true_only_for_its_kinds() {
        type Predicate = fn(&Error) -> bool;
        let predicates: [(&str, Predicate); 5] = [
            ("config", Error::is_invalid_config),
            ("duplicate", Error::is_duplicate),
            ("overflow", Error::is_overflow),
            ("currency", Error::is_currency_mismatch),
            ("io", Error::is_io),
        ];
        let cases: Vec<(&str, Error)> = vec![
            ("config", Error::policy("tiers", "bad")),
            ("config", Error::playbook("tiers", "bad")),
            ("duplicate", ErrorKind::DuplicateInvoice { invoice: "A".into() }.into()),
            ("duplicate", ErrorKind::DuplicatePartner { partner: "P".into(), first_line: None }.into()),
            ("overflow", Error::overflow("turnover")),
            ("currency", Error::currency_mismatch("RUB", "USD")),
            ("io", std::io::Error::other("disk").into()),
            ("none", Error::value("amount", "x", "not a number")),
        ];
        for (kind, err) in &cases {
            for (name, predicate) in predicates {
                assert_eq!(predicate(err), name == *kind, "{name} on {err}");
            }
        }
    }

    #[test]
    fn location_debug_and_source() {
        let partner = "P-1";
        let err = Error::overflow("turnover").at_line(4).for_partner(&partner);
        assert_eq!(err.location().line, Some(4));
        assert_eq!(err.location().partner.as_deref(), Some(partner));
        let debug = format!("{err:?}");
        assert!(debug.contains("Overflow") && debug.contains("line: Some(4)"), "{debug}");
        let io: Error = std::io::Error::other("disk full").into();
        let source = std::error::Error::source(&io).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("disk full"));
        assert!(std::error::Error::source(&err).is_none());
    }

    #[test]
    fn any_single_location_part_is_shown() {
        let kind = || Error::overflow("turnover");
        assert_eq!(kind().to_string(), "arithmetic overflow: turnover is out of range");
        assert_eq!(kind().at_line(3).to_string(), "line 3: arithmetic overflow: turnover is out of range");
        assert_eq!(
            kind().at_column("amount").to_string(),
            "column `amount`: arithmetic overflow: turnover is out of range"
        );
        let partner = "P-1";
        assert_eq!(
            kind().for_partner(partner).to_string(),
            "partner `P-1`: arithmetic overflow: turnover is out of range"
        );
        assert_eq!(
            kind().for_invoice("A-1").to_string(),
            "invoice `A-1`: arithmetic overflow: turnover is out of range"
        );
        // The first location given wins.
        let err = kind().for_invoice("A-1").for_invoice("A-2").for_partner(partner).for_partner("Q");
        assert_eq!((err.invoice(), err.partner()), (Some("A-1"), Some(partner)));
    }
}

//! The languages of the words a person reads.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// The language of texts: strategies, reasons, alert plans and reports.
///
/// The built-in texts come from the article (Russian) and its English
/// rendering.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Language {
    /// English. This is the default.
    #[default]
    En,
    /// Russian, the article's language.
    Ru,
}

impl Language {
    /// Parses `en` or `ru` (case-insensitive).
    #[must_use]
    pub fn from_code(code: &str) -> Option<Language> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "ru" => Some(Language::Ru),
            _ => None,
        }
    }

    /// The two-letter code, `en` or `ru`.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ru => "ru",
        }
    }
}

impl FromStr for Language {
    type Err = Error;

    /// Parses `en` or `ru` (case-insensitive).
    fn from_str(code: &str) -> Result<Language> {
        Language::from_code(code).ok_or_else(|| Error::value("language", code, "not one of: en, ru"))
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_parses_from_its_code_and_nothing_else() {
        assert_eq!("ru".parse::<Language>().unwrap(), Language::Ru);
        assert_eq!("EN".parse::<Language>().unwrap(), Language::En);
        let err = "de".parse::<Language>().unwrap_err();
        assert!(err.to_string().contains("de"), "{err}");
        for l in [Language::En, Language::Ru] {
            assert_eq!(l.code().parse::<Language>().unwrap(), l);
            assert_eq!(l.to_string(), l.code());
        }
    }
}

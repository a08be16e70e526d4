//! JSON load and save with errors that name the field path (feature
//! `serde`).

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, ErrorKind, Result};

/// What is being loaded: decides the error kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Policy,
    Playbook,
    Data,
}

/// Deserialises `json`, turning every failure into an error that names the
/// field path (`tiers.silver.from`).
pub(crate) fn from_json<T: DeserializeOwned>(json: &str, kind: Kind) -> Result<T> {
    let json = quote_numbers(json);
    let mut de = serde_json::Deserializer::from_str(&json);
    let value: std::result::Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let value = match value {
        Ok(v) => v,
        Err(e) => {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            return Err(error(kind, &path, &message));
        }
    };
    de.end().map_err(|e| error(kind, ".", &e.to_string()))?;
    Ok(value)
}

/// Turns every JSON number with a fraction, an exponent or more than 15
/// significant digits into a string, so that it reaches `Decimal` exactly
/// instead of through an `f64` (`500000.0000000000001` would otherwise
/// become `500000`). Integers that an `f64` holds exactly stay numbers.
pub(crate) fn quote_numbers(json: &str) -> std::borrow::Cow<'_, str> {
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    let mut in_string = false;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while bytes.get(i).is_some_and(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E')) {
                i += 1;
            }
            let token = json.get(start..i).unwrap_or_default();
            let digits = token
                .trim_start_matches('-')
                .trim_start_matches(['0', '.'])
                .chars()
                .filter(char::is_ascii_digit)
                .count();
            if token.contains(['.', 'e', 'E']) || digits > 15 {
                let buf = out.get_or_insert_with(|| String::with_capacity(json.len() + 16));
                buf.push_str(json.get(copied..start).unwrap_or_default());
                buf.push('"');
                buf.push_str(token);
                buf.push('"');
                copied = i;
            }
            continue;
        }
        i += 1;
    }
    match out {
        None => std::borrow::Cow::Borrowed(json),
        Some(mut buf) => {
            buf.push_str(json.get(copied..).unwrap_or_default());
            std::borrow::Cow::Owned(buf)
        }
    }
}

/// Builds the error; a nested policy or playbook error keeps its own field,
/// prefixed with the path where it happened.
fn error(kind: Kind, path: &str, message: &str) -> Error {
    let (prefix, make): (&str, fn(String, String) -> Error) = match kind {
        Kind::Policy => ("invalid policy: `", |f, r| Error::policy(f, r)),
        Kind::Playbook => ("invalid playbook: `", |f, r| Error::playbook(f, r)),
        Kind::Data => {
            return ErrorKind::Json { path: path.to_owned(), message: message.to_owned() }.into();
        }
    };
    let join = |inner: &str| if path == "." || path.is_empty() { inner.to_owned() } else { format!("{path}.{inner}") };
    let nested = [prefix, "invalid policy: `", "invalid playbook: `"]
        .iter()
        .find_map(|p| message.strip_prefix(p))
        .and_then(|rest| rest.split_once("`: "));
    match nested {
        Some((field, reason)) => make(join(field), reason.to_owned()),
        None => make(if path.is_empty() { ".".to_owned() } else { path.to_owned() }, message.to_owned()),
    }
}

/// Serialises a configuration (a policy) as pretty-printed JSON with its
/// decimals as JSON numbers, as a person writes them (`"above": 500000`).
/// Decimals serialise as strings (so that nothing is lost through a
/// float); here each one that a float carries exactly becomes a number
/// again, and the rest stay strings, which [`from_json`] reads alike. The
/// subtrees under `skip` (texts, such as a playbook's) are left as they are.
pub(crate) fn config_to_json<T: Serialize>(value: &T, skip: &[&str]) -> Result<String> {
    let fail = |e: serde_json::Error| Error::from(ErrorKind::Json { path: ".".to_owned(), message: e.to_string() });
    let mut tree = serde_json::to_value(value).map_err(fail)?;
    numbers(&mut tree, skip);
    serde_json::to_string_pretty(&tree).map_err(fail)
}

/// Turns the decimal strings of `value` into numbers where exact (see
/// [`config_to_json`]).
fn numbers(value: &mut serde_json::Value, skip: &[&str]) {
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if !skip.contains(&key.as_str()) {
                    numbers(v, &[]);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| numbers(v, &[])),
        serde_json::Value::String(text) => {
            let Ok(d) = Decimal::from_str_exact(text) else { return };
            let number = if d.fract().is_zero() {
                d.to_i64().map(serde_json::Number::from)
            } else {
                // A float whose shortest form reads back as the same decimal.
                d.to_f64()
                    .filter(|f| Decimal::from_str_exact(&f.to_string()).is_ok_and(|back| back == d))
                    .and_then(serde_json::Number::from_f64)
            };
            if let Some(n) = number {
                *value = serde_json::Value::Number(n);
            }
        }
        _ => {}
    }
}

/// Serialises `value` as pretty-printed JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| ErrorKind::Json { path: ".".to_owned(), message: e.to_string() }.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_and_long_numbers_become_strings() {
        assert_eq!(quote_numbers(r#"{"a": 12, "b": -3}"#), r#"{"a": 12, "b": -3}"#);
        assert_eq!(quote_numbers(r#"{"a": 500000.0000000000001}"#), r#"{"a": "500000.0000000000001"}"#);
        assert_eq!(
            quote_numbers(r#"[1e5, 12345678901234567, "x 1.5 \" 2.5"]"#),
            r#"["1e5", "12345678901234567", "x 1.5 \" 2.5"]"#
        );
        assert_eq!(quote_numbers("-0.5"), "\"-0.5\"");
        // Fifteen significant digits are exact in an f64: they stay numbers.
        assert_eq!(quote_numbers("[123456789012345, 1234567890123456]"), "[123456789012345, \"1234567890123456\"]");
    }

    #[test]
    fn configuration_decimals_are_numbers_where_a_float_is_exact() {
        #[derive(serde::Serialize)]
        struct Config {
            whole: rust_decimal::Decimal,
            part: rust_decimal::Decimal,
            fine: rust_decimal::Decimal,
            name: &'static str,
            texts: Vec<&'static str>,
            cutoffs: [rust_decimal::Decimal; 2],
        }
        let c = Config {
            whole: rust_decimal::Decimal::from(500_000),
            part: rust_decimal::Decimal::new(25, 2),
            fine: "500000.0000000000001".parse().unwrap(),
            name: "RUB",
            texts: vec!["12"],
            cutoffs: [rust_decimal::Decimal::from(80), rust_decimal::Decimal::new(955, 1)],
        };
        let json = config_to_json(&c, &["texts"]).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["whole"], serde_json::json!(500000));
        assert_eq!(v["part"], serde_json::json!(0.25));
        assert_eq!(v["fine"], serde_json::json!("500000.0000000000001"));
        assert_eq!(v["name"], serde_json::json!("RUB"));
        assert_eq!(v["texts"], serde_json::json!(["12"]));
        // Inside an array (the Pareto cut-offs) as well.
        assert_eq!(v["cutoffs"], serde_json::json!([80, 95.5]));
    }

    #[test]
    fn an_escape_skips_exactly_one_character() {
        assert_eq!(quote_numbers(r#"[ "\"", 1.5]"#), r#"[ "\"", "1.5"]"#);
        assert_eq!(quote_numbers(r#"{"k\\": 2.5}"#), r#"{"k\\": "2.5"}"#);
    }
}

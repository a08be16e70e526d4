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
/// field path (`tiers.silver.amount`).
pub(crate) fn from_json<T: DeserializeOwned>(json: &str, kind: Kind) -> Result<T> {
    let mut de = serde_json::Deserializer::from_str(json);
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

/// Serialises `value` as pretty-printed JSON.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| ErrorKind::Json { path: ".".to_owned(), message: e.to_string() }.into())
}

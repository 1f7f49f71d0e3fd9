//! A batch write request as every face receives it (the native API's JSON; the UI's `.env`
//! import) and its one parser, which reports every bad entry at once (`secrets[3].key`).

use crate::domain::{EnvSlug, SecretKey, SecretPath};
use crate::error::{AppError, FieldError};
use crate::service::fields::{all, each, field, required, Parsed};
use crate::service::sealed_fields::check_sizes;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

/// At most this many secrets in one batch; the 1 MiB body already bounds a batch, this bounds
/// what its many small entries cost once parsed, and the size of a 422 listing them.
pub const MAX_BATCH_SECRETS: usize = 5_000;

/// The fields of a batch request, unparsed. Field names in errors are these, in camelCase.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchRequest {
    pub environment: Option<String>,
    /// Defaults to `/`; missing folders are created.
    pub path: Option<String>,
    #[serde(default, deserialize_with = "at_most_max_entries")]
    pub secrets: Option<Vec<EntryRequest>>,
    /// Replace the values of keys that exist (default: leave them).
    pub overwrite: Option<bool>,
    /// Answer the plan without writing anything.
    pub dry_run: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryRequest {
    pub key: Option<String>,
    pub value: Option<String>,
    /// Absent: a new secret gets no comment and an overwritten one keeps its own.
    pub comment: Option<String>,
}

/// What to do with a key that already exists (with a different value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    Skip,
    Overwrite,
}

/// Whether a batch writes or only answers what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Apply,
    DryRun,
}

/// A parsed batch: where, what, and how.
#[derive(Debug)]
pub struct Batch {
    pub environment: EnvSlug,
    pub path: SecretPath,
    pub entries: Vec<BatchEntry>,
    pub on_existing: OnExisting,
    pub mode: Mode,
}

#[derive(Debug)]
pub struct BatchEntry {
    pub key: SecretKey,
    pub value: String,
    pub comment: Option<String>,
}

impl BatchRequest {
    /// Parses the request, reporting every invalid field of every entry at once; a key given
    /// twice is an error on its second entry.
    pub fn parse(self) -> Result<Batch, Vec<FieldError>> {
        let (environment, path, entries) = all((
            field(
                "environment",
                required(self.environment.as_deref()).and_then(EnvSlug::parse),
            ),
            field("path", SecretPath::parse_or_root(self.path.as_deref())),
            entries(self.secrets),
        ))?;
        Ok(Batch {
            environment,
            path,
            entries,
            on_existing: match self.overwrite {
                Some(true) => OnExisting::Overwrite,
                _ => OnExisting::Skip,
            },
            mode: match self.dry_run {
                Some(true) => Mode::DryRun,
                _ => Mode::Apply,
            },
        })
    }
}

fn entries(list: Option<Vec<EntryRequest>>) -> Parsed<Vec<BatchEntry>> {
    let list = list.ok_or_else(|| {
        vec![FieldError::new(
            "secrets",
            "is required: a list of {key, value, comment?}",
        )]
    })?;
    let mut first_index: HashMap<String, usize> = HashMap::new();
    each(
        list.into_iter()
            .enumerate()
            .map(|(i, raw)| entry(i, raw, &mut first_index)),
    )
}

fn entry(
    i: usize,
    raw: EntryRequest,
    first_index: &mut HashMap<String, usize>,
) -> Parsed<BatchEntry> {
    let name = |f: &str| format!("secrets[{i}].{f}");
    let key = field(
        &name("key"),
        required(raw.key.as_deref()).and_then(SecretKey::parse),
    )
    .and_then(|key| match first_index.get(key.as_str()) {
        Some(first) => Err(vec![FieldError::new(
            name("key"),
            format!("{} is already given by secrets[{first}]", key.as_str()),
        )]),
        None => {
            first_index.insert(key.as_str().to_owned(), i);
            Ok(key)
        }
    });
    let value = field(&name("value"), required(raw.value)).and_then(|value| {
        sized(i, check_sizes(Some(&value), None))?;
        Ok(value)
    });
    let comment = sized(i, check_sizes(None, raw.comment.as_deref())).map(|()| raw.comment);
    let (key, value, comment) = all((key, value, comment))?;
    Ok(BatchEntry {
        key,
        value,
        comment,
    })
}

/// The size check's refusal, its fields named inside entry `i`.
fn sized(i: usize, checked: Result<(), AppError>) -> Parsed<()> {
    match checked {
        Ok(()) => Ok(()),
        Err(AppError::Validation(fields)) => Err(fields
            .into_iter()
            .map(|f| FieldError::new(format!("secrets[{i}].{}", f.field), f.message))
            .collect()),
        Err(other) => Err(vec![FieldError::new(
            format!("secrets[{i}]"),
            other.public_message(),
        )]),
    }
}

/// Deserialises the list but stops at [`MAX_BATCH_SECRETS`] + 1 entries, so a body of tiny
/// entries never costs more than that many parsed ones.
fn at_most_max_entries<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<EntryRequest>>, D::Error> {
    struct Bounded;
    impl<'de> Visitor<'de> for Bounded {
        type Value = Option<Vec<EntryRequest>>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list of at most {MAX_BATCH_SECRETS} secrets")
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut list = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1_024));
            while let Some(entry) = seq.next_element()? {
                if list.len() == MAX_BATCH_SECRETS {
                    return Err(serde::de::Error::custom(format!(
                        "secrets: at most {MAX_BATCH_SECRETS} in one batch"
                    )));
                }
                list.push(entry);
            }
            Ok(Some(list))
        }
    }
    d.deserialize_option(Bounded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: serde_json::Value) -> Result<Batch, Vec<FieldError>> {
        serde_json::from_value::<BatchRequest>(body)
            .unwrap()
            .parse()
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn every_bad_entry_is_named_by_its_index() {
        let errors = parse(json!({
            "environment": "dev",
            "secrets": [
                {"key": "GOOD", "value": "1"},
                {"key": "bad key", "value": "1"},
                {"value": "no key"},
                {"key": "NO_VALUE"},
                {"key": "GOOD", "value": "again"},
                {"key": "BIG", "value": "x".repeat(65_537)},
            ],
        }))
        .unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                "secrets[1].key",
                "secrets[2].key",
                "secrets[3].value",
                "secrets[4].key",
                "secrets[5].value"
            ]
        );
        assert!(errors[3].message.contains("secrets[0]"), "{errors:?}");
    }

    #[test]
    fn place_errors_and_entry_errors_come_together() {
        let errors =
            parse(json!({ "path": "/a b", "secrets": [{"key": "", "value": ""}] })).unwrap_err();
        assert_eq!(fields(&errors), ["environment", "path", "secrets[0].key"]);
        let errors = parse(json!({ "environment": "dev" })).unwrap_err();
        assert_eq!(fields(&errors), ["secrets"]);
    }

    #[test]
    fn flags_default_to_skip_and_apply() {
        let batch = parse(json!({ "environment": "dev", "secrets": [] })).unwrap();
        assert_eq!(
            (batch.on_existing, batch.mode),
            (OnExisting::Skip, Mode::Apply)
        );
        assert!(batch.path.is_root());
        let batch = parse(
            json!({ "environment": "dev", "secrets": [], "overwrite": true, "dryRun": true }),
        )
        .unwrap();
        assert_eq!(
            (batch.on_existing, batch.mode),
            (OnExisting::Overwrite, Mode::DryRun)
        );
    }

    #[test]
    fn a_list_longer_than_the_maximum_is_refused_while_parsing() {
        let entries: Vec<_> = (0..=MAX_BATCH_SECRETS).map(|_| json!({})).collect();
        let body = json!({ "environment": "dev", "secrets": entries }).to_string();
        let error = serde_json::from_str::<BatchRequest>(&body).unwrap_err();
        assert!(error.to_string().contains("at most 5000"), "{error}");
        let entries: Vec<_> = (0..MAX_BATCH_SECRETS).map(|_| json!({})).collect();
        let body = json!({ "environment": "dev", "secrets": entries }).to_string();
        assert!(serde_json::from_str::<BatchRequest>(&body).is_ok());
    }
}

//! Request fields parsed into domain types, every invalid field reported in one 422.
//!
//! Each field parses on its own into a [`Parsed`] value; [`all`] then gives back every value, or
//! the errors of every field that failed. A caller never holds "validated but missing" values, so
//! it needs no unreachable branch:
//!
//! ```text
//! let (name, slug) = all((
//!     field("name", required(body.name.as_deref()).and_then(Name::parse)),
//!     field("slug", required(body.slug.as_deref()).and_then(EnvSlug::parse)),
//! ))?;
//! ```

use crate::domain::Invalid;
use crate::error::FieldError;
use serde::{Deserialize, Deserializer};

/// A parsed field, or why it (or, for a list, each of its items) was refused.
pub type Parsed<T> = Result<T, Vec<FieldError>>;

/// Names the field a domain parser refused.
pub fn field<T>(name: &str, result: Result<T, Invalid>) -> Parsed<T> {
    result.map_err(|invalid| vec![FieldError::new(name, invalid.0)])
}

/// A field that must be present.
pub fn required<T>(value: Option<T>) -> Result<T, Invalid> {
    value.ok_or_else(|| Invalid::new("is required"))
}

/// Every value of a tuple of parsed fields, or all of their errors.
pub fn all<T: All>(fields: T) -> Parsed<T::Values> {
    fields.all()
}

/// Every item of a list, or the errors of all the items that failed.
pub fn each<T>(items: impl IntoIterator<Item = Parsed<T>>) -> Parsed<Vec<T>> {
    let (mut values, mut errors) = (Vec::new(), Vec::new());
    for item in items {
        match item {
            Ok(value) => values.push(value),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors)
    }
}

/// A tuple of [`Parsed`] fields; see [`all`].
pub trait All {
    type Values;
    fn all(self) -> Parsed<Self::Values>;
}

macro_rules! all_of_tuple {
    ($($value:ident: $type:ident),+) => {
        impl<$($type),+> All for ($(Parsed<$type>,)+) {
            type Values = ($($type,)+);

            fn all(self) -> Parsed<Self::Values> {
                match self {
                    ($(Ok($value),)+) => Ok(($($value,)+)),
                    ($($value,)+) => {
                        let mut errors = Vec::new();
                        $(if let Err(e) = $value {
                            errors.extend(e);
                        })+
                        Err(errors)
                    }
                }
            }
        }
    };
}

all_of_tuple!(a: A);
all_of_tuple!(a: A, b: B);
all_of_tuple!(a: A, b: B, c: C);
all_of_tuple!(a: A, b: B, c: C, d: D);
all_of_tuple!(a: A, b: B, c: C, d: D, e: E);
all_of_tuple!(a: A, b: B, c: C, d: D, e: E, f: F);

/// Deserialises a JSON field so that `null` and "absent" differ: absent → `None` (with
/// `#[serde(default)]`), null → `Some(Null)`.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EnvSlug, Name};

    #[test]
    fn all_gives_every_value_or_every_error_in_field_order() {
        let parse = |name: Option<&str>, slug: Option<&str>| {
            all((
                field("name", required(name).and_then(Name::parse)),
                field("slug", required(slug).and_then(EnvSlug::parse)),
            ))
        };
        let (name, slug) = parse(Some("Billing"), Some("dev")).unwrap();
        assert_eq!((name.as_str(), slug.as_str()), ("Billing", "dev"));
        let errors = parse(None, Some("Not a slug")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "slug"]);
        assert_eq!(errors[0].message, "is required");
    }

    #[test]
    fn each_keeps_every_items_error() {
        let items = ["dev", "Bad", "prod", "x y"]
            .iter()
            .enumerate()
            .map(|(i, s)| field(&format!("envs[{i}]"), EnvSlug::parse(s)));
        let errors = each(items).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["envs[1]", "envs[3]"]);
        assert_eq!(each([Ok(1), Ok(2)]).unwrap(), [1, 2]);
    }
}

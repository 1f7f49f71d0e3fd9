//! Secret references inside values, Infisical's syntax: `${KEY}` names a secret in the same
//! folder, `${env.a.b.KEY}` the secret `KEY` in environment `env` at `/a/b` (`${env.KEY}` is at
//! `/`). The inner text is `[A-Za-z0-9_.@-]+` (no spaces); anything else, and anything whose parts
//! are not a valid environment slug, folder path and key, is plain text. There is no escape
//! syntax, as in Infisical. Cross-project references (`${@project.…}`) are not supported and stay
//! literal.

use super::{EnvSlug, SecretKey, SecretPath};

/// Where a reference points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `${KEY}`: the folder of the secret being expanded.
    Here(SecretKey),
    /// `${env.a.b.KEY}`.
    Elsewhere {
        environment: EnvSlug,
        path: SecretPath,
        key: SecretKey,
    },
}

/// One piece of a value: text to copy, or a reference (`text` is the whole `${...}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Reference { text: &'a str, target: Target },
}

/// Whether `value` may hold a reference at all (the cheap test before scanning).
pub fn may_hold_references(value: &str) -> bool {
    value.contains("${")
}

/// The value cut into text and references, in order; concatenating every piece's text gives
/// the value back.
pub fn pieces(value: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = value;
    let mut text_start = 0usize;
    let mut offset = 0usize;
    while let Some(open) = rest.find("${") {
        let inner_start = open + 2;
        let inner_len = rest[inner_start..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'))
            .count();
        let close = inner_start + inner_len;
        let target = (inner_len > 0 && rest.as_bytes().get(close) == Some(&b'}'))
            .then(|| parse(&rest[inner_start..close]))
            .flatten();
        match target {
            Some(target) => {
                let start = offset + open;
                if start > text_start {
                    out.push(Piece::Text(&value[text_start..start]));
                }
                let end = offset + close + 1;
                out.push(Piece::Reference {
                    text: &value[start..end],
                    target,
                });
                text_start = end;
                offset = end;
                rest = &value[end..];
            }
            None => {
                // `$${X}` and `${${X}}` still expand their inner `${X}`: resume after the `$`.
                offset += open + 1;
                rest = &value[offset..];
            }
        }
    }
    if text_start < value.len() {
        out.push(Piece::Text(&value[text_start..]));
    }
    out
}

fn parse(inner: &str) -> Option<Target> {
    if inner.starts_with('@') {
        return None;
    }
    let parts: Vec<&str> = inner.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    match parts.as_slice() {
        [key] => SecretKey::parse(key).ok().map(Target::Here),
        [environment, middle @ .., key] => {
            let path = format!("/{}", middle.join("/"));
            Some(Target::Elsewhere {
                environment: EnvSlug::parse(environment).ok()?,
                path: SecretPath::parse(&path).ok()?,
                key: SecretKey::parse(key).ok()?,
            })
        }
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(value: &str) -> Vec<String> {
        pieces(value)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Reference { target, .. } => Some(match target {
                    Target::Here(k) => k.as_str().to_owned(),
                    Target::Elsewhere {
                        environment,
                        path,
                        key,
                    } => format!("{}:{}:{}", environment.as_str(), path, key.as_str()),
                }),
                Piece::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn the_three_forms_name_their_folder() {
        assert_eq!(refs("${A}"), ["A"]);
        assert_eq!(refs("${dev.A}"), ["dev:/:A"]);
        assert_eq!(refs("x${prod.api.v1.TOKEN}y"), ["prod:/api/v1:TOKEN"]);
    }

    #[test]
    fn text_that_is_no_reference_stays_text() {
        for plain in [
            "${}",
            "${ A }",
            "${A",
            "$A",
            "${@p.dev.A}",
            "${dev..A}",
            "${.A}",
        ] {
            assert!(refs(plain).is_empty(), "{plain}");
            let joined: String = pieces(plain)
                .iter()
                .map(|p| match p {
                    Piece::Text(t) | Piece::Reference { text: t, .. } => *t,
                })
                .collect();
            assert_eq!(joined, plain);
        }
    }

    #[test]
    fn a_dollar_before_a_reference_does_not_escape_it() {
        assert_eq!(refs("$${A}"), ["A"]);
        assert_eq!(refs("${${A}}"), ["A"]);
        let joined: String = pieces("a$${B}c${C}")
            .iter()
            .map(|p| match p {
                Piece::Text(t) | Piece::Reference { text: t, .. } => *t,
            })
            .collect();
        assert_eq!(joined, "a$${B}c${C}");
    }
}

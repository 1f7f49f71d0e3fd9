//! The client's view of a secret, whichever API it came from, and how a listing becomes one
//! value per name.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub comment: String,
    pub environment: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

/// A name found in several folders, and those folders (shallowest first; the last one wins).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shadowed {
    pub name: String,
    pub paths: Vec<String>,
}

/// One name per secret. In a recursive listing the same name can live in several folders; the
/// deepest folder wins, as a more specific setting overrides a general one. Returns the winners
/// by name and the names that were found more than once.
pub fn by_name(mut secrets: Vec<Secret>) -> (BTreeMap<String, Secret>, Vec<Shadowed>) {
    secrets.sort_by(|a, b| {
        depth(&a.path)
            .cmp(&depth(&b.path))
            .then_with(|| a.path.cmp(&b.path))
    });
    let mut winners: BTreeMap<String, Secret> = BTreeMap::new();
    let mut seen_in: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for secret in secrets {
        seen_in
            .entry(secret.key.clone())
            .or_default()
            .push(secret.path.clone());
        winners.insert(secret.key.clone(), secret);
    }
    let shadowed = seen_in
        .into_iter()
        .filter(|(_, paths)| paths.len() > 1)
        .map(|(name, paths)| Shadowed { name, paths })
        .collect();
    (winners, shadowed)
}

fn depth(path: &str) -> usize {
    path.split('/').filter(|s| !s.is_empty()).count()
}

/// A name a POSIX shell accepts for a variable: `[A-Za-z_][A-Za-z0-9_]*`. Secret keys may also
/// hold `.` and `-`, which `export`, `source` and most programs cannot read.
pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits out the names that cannot be environment variables, warning once about them.
pub fn env_safe(secrets: BTreeMap<String, Secret>) -> BTreeMap<String, Secret> {
    let (good, bad): (BTreeMap<_, _>, BTreeMap<_, _>) =
        secrets.into_iter().partition(|(name, _)| is_env_name(name));
    if !bad.is_empty() {
        let names: Vec<&str> = bad.keys().map(String::as_str).collect();
        eprintln!(
            "envkeep: warning: skipped {} secret(s) whose names are not valid variable names: {}",
            names.len(),
            super::table::name_list(&names)
        );
    }
    good
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn secret(key: &str, value: &str, path: &str) -> Secret {
        Secret {
            key: key.into(),
            value: value.into(),
            comment: String::new(),
            environment: "dev".into(),
            path: path.into(),
            version: None,
        }
    }

    /// Secrets in `/` of `dev`, by name.
    pub(crate) fn at_root(pairs: &[(&str, &str)]) -> BTreeMap<String, Secret> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), secret(k, v, "/")))
            .collect()
    }

    #[test]
    fn the_deepest_folder_wins_and_the_collision_is_reported() {
        let (winners, shadowed) = by_name(vec![
            secret("A", "deep", "/app/db"),
            secret("A", "root", "/"),
            secret("A", "mid", "/app"),
            secret("B", "b", "/"),
        ]);
        assert_eq!(winners["A"].value, "deep");
        assert_eq!(winners["B"].value, "b");
        let paths = vec!["/".to_owned(), "/app".to_owned(), "/app/db".to_owned()];
        assert_eq!(
            shadowed,
            vec![Shadowed {
                name: "A".to_owned(),
                paths
            }]
        );
    }

    #[test]
    fn variable_names_follow_posix() {
        for good in ["A", "_x", "DB_URL2", "a_b"] {
            assert!(is_env_name(good), "{good}");
        }
        for bad in ["", "1A", "A.B", "A-B", "É"] {
            assert!(!is_env_name(bad), "{bad}");
        }
    }

    #[test]
    fn unsafe_names_are_dropped() {
        let (all, _) = by_name(vec![
            secret("OK", "1", "/"),
            secret("not.ok", "2", "/"),
            secret("also-bad", "3", "/"),
        ]);
        let kept = env_safe(all);
        assert_eq!(kept.keys().collect::<Vec<_>>(), vec!["OK"]);
    }
}

//! Folder paths: `/` or `/seg/seg`, segments `[A-Za-z0-9_-]+`. A missing leading `/` is added and
//! a trailing `/` dropped; empty, `.` and `..` segments and any other character are refused.

use super::names::{is_folder_name_char, truncate_for_message, FolderName};
use super::Invalid;

pub const MAX_PATH_BYTES: usize = 1024;
pub const MAX_DEPTH: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SecretPath(String);

impl SecretPath {
    /// A path in canonical form whose every folder may be created (each segment a
    /// [`FolderName`]), for the OpenAPI document; `parse` also normalises a missing leading or
    /// an extra trailing `/`, and looks up longer segments stored before the folder-name rule.
    pub const PATTERN: &'static str = "^/$|^(/[A-Za-z0-9_-]{1,100}){1,32}$";

    pub fn root() -> Self {
        Self(String::from("/"))
    }

    /// A `path` field that may be absent: every one defaults to the root.
    pub fn parse_or_root(raw: Option<&str>) -> Result<Self, Invalid> {
        raw.map_or(Ok(Self::root()), Self::parse)
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.len() > MAX_PATH_BYTES {
            return Err(Invalid::new(format!(
                "must be at most {MAX_PATH_BYTES} bytes"
            )));
        }
        let shown = truncate_for_message(raw);
        if raw.contains("//") {
            return Err(Invalid::new(format!(
                "'{shown}' has an empty segment ('//')"
            )));
        }
        let trimmed = raw.strip_prefix('/').unwrap_or(raw);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Ok(Self::root());
        }
        let mut depth = 0;
        for segment in trimmed.split('/') {
            depth += 1;
            if segment.is_empty() {
                return Err(Invalid::new(format!(
                    "'{shown}' has an empty segment ('//')"
                )));
            }
            if segment == "." || segment == ".." {
                return Err(Invalid::new(format!(
                    "'{shown}' must not contain '.' or '..' segments"
                )));
            }
            if !segment.chars().all(is_folder_name_char) {
                return Err(Invalid::new(format!(
                    "'{shown}': folder names may contain only letters, digits, '_' and '-'"
                )));
            }
        }
        if depth > MAX_DEPTH {
            return Err(Invalid::new(format!(
                "must be at most {MAX_DEPTH} folders deep"
            )));
        }
        Ok(Self(format!("/{trimmed}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The folder names from the root down; empty for `/`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The path of the folder `name` in this one.
    pub fn join(&self, name: &FolderName) -> Result<Self, Invalid> {
        Self::parse(&format!(
            "{}/{}",
            self.0.trim_end_matches('/'),
            name.as_str()
        ))
    }

    /// This path and every ancestor, from the root down (`/a/b` → `/`, `/a`, `/a/b`).
    pub fn lineage(&self) -> Vec<Self> {
        let mut out = vec![Self::root()];
        let mut current = String::new();
        for segment in self.segments() {
            current.push('/');
            current.push_str(segment);
            out.push(Self(current.clone()));
        }
        out
    }

    /// The last segment; empty for the root.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or("")
    }
}

impl std::fmt::Display for SecretPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How far below a folder a listing or a delete reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The folder's own entries (a delete: only an empty folder).
    OneLevel,
    /// The folder and every folder below it.
    Recursive,
}

impl Depth {
    /// From a `recursive=true|false` flag as requests and the client's arguments carry it.
    pub fn recursive_if(flag: bool) -> Self {
        if flag {
            Depth::Recursive
        } else {
            Depth::OneLevel
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        SecretPath::parse(s).unwrap().as_str().to_owned()
    }

    #[test]
    fn normalises_leading_and_trailing_slashes() {
        assert_eq!(p(""), "/");
        assert_eq!(p("/"), "/");
        assert_eq!(p("app"), "/app");
        assert_eq!(p("/app/"), "/app");
        assert_eq!(p("app/db/"), "/app/db");
    }

    #[test]
    fn refuses_traversal_empty_segments_and_odd_characters() {
        for bad in [
            "//", "/a//b", "/..", "/a/../b", "/./a", "/a b", "/a\nb", "/a\u{0}", "/a.b", "/ä",
            "\\a",
        ] {
            assert!(SecretPath::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(SecretPath::parse(&format!("/{}", "a/".repeat(40))).is_err());
    }

    #[test]
    fn the_documented_pattern_matches_canonical_paths_of_valid_folder_names() {
        let regex = regex::Regex::new(SecretPath::PATTERN).unwrap();
        let long = "f".repeat(super::super::names::MAX_FOLDER_NAME_CHARS);
        let deep = "/a".repeat(MAX_DEPTH);
        for good in ["/", "/a", "/a_b/c-d/E9", &format!("/{long}"), &deep] {
            assert!(regex.is_match(good), "{good}");
            assert_eq!(SecretPath::parse(good).unwrap().as_str(), good);
            assert!(SecretPath::parse(good)
                .unwrap()
                .segments()
                .all(|s| FolderName::parse(s).is_ok()));
        }
        for bad in [
            "",
            "//",
            "/a/",
            "a",
            "/a//b",
            "/a.b",
            &format!("/{long}f"),
            &format!("{deep}/a"),
        ] {
            assert!(!regex.is_match(bad), "{bad}");
        }
    }

    #[test]
    fn lineage_join_and_name() {
        let path = SecretPath::parse("/a/b").unwrap();
        let lineage: Vec<_> = path
            .lineage()
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        assert_eq!(lineage, ["/", "/a", "/a/b"]);
        let x = FolderName::parse("x").unwrap();
        assert_eq!(SecretPath::root().join(&x).unwrap().as_str(), "/x");
        assert_eq!(path.join(&x).unwrap().as_str(), "/a/b/x");
        assert_eq!(path.name(), "b");
    }
}

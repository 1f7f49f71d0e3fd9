//! Percent-encoding for query values the UI builds (`next=`, `path=`), and the same-site check
//! for `next`.

use crate::percent::{self, Slash};

/// Encodes everything but RFC 3986 unreserved characters and `/`.
pub fn component(raw: &str) -> String {
    percent::encode(raw, Slash::Kept)
}

/// A `next` target is followed only if it is a path on this site: it starts with one `/`, is not
/// protocol-relative (`//host`, `/\host`) and has no control characters. Anything else → `/projects`.
pub fn same_site_next(raw: Option<&str>) -> String {
    match raw {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.starts_with("/\\")
                && next.len() <= 2048
                && !next.chars().any(|c| c.is_control() || c == '\\') =>
        {
            next.to_owned()
        }
        _ => String::from("/projects"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_query_syntax() {
        assert_eq!(
            component("/projects/a?x=1&y=/b c"),
            "/projects/a%3Fx%3D1%26y%3D/b%20c"
        );
        assert_eq!(component("é"), "%C3%A9");
    }

    #[test]
    fn next_must_stay_on_this_site() {
        assert_eq!(
            same_site_next(Some("/projects/x/secrets/dev?path=/a")),
            "/projects/x/secrets/dev?path=/a"
        );
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "evil",
            "/a\\b",
            "/a\r\nX: y",
            "",
        ] {
            assert_eq!(same_site_next(Some(bad)), "/projects", "{bad:?}");
        }
        assert_eq!(same_site_next(None), "/projects");
    }
}

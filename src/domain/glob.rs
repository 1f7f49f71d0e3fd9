//! Scope path globs with picomatch semantics as Infisical uses them (`isMatch(path, glob)`,
//! `dot: false`, case-sensitive), over the subset of syntax Envkeep accepts (DESIGN §4).
//!
//! Matching is segment by segment; each ordinary segment is a `wildmatch` pattern (`*`, `?`),
//! expanded over one level of `{a,b}` alternatives. `**` is a whole segment spanning zero or more
//! segments, with picomatch's exceptions, which this module reproduces on purpose:
//! - a leading `/**/x` needs at least one segment before `x` (`/**/deep` does not match `/deep`);
//! - a `**` right after a segment ending in `*` needs at least one segment (`/*/**` does not match
//!   `/a`), while after any other segment it may match none (`/app/**` matches `/app`);
//! - neither `*`, `?` nor `**` matches a segment starting with `.` unless the pattern names the dot.

mod describe;

use super::names::truncate_for_message;
use super::path::SecretPath;
use super::Invalid;
use wildmatch::WildMatch;

const MAX_GLOB_BYTES: usize = 512;

#[derive(Debug, Clone)]
enum Segment {
    Globstar,
    Pattern {
        alternatives: Vec<WildMatch>,
        names_dot: bool,
        ends_with_star: bool,
    },
}

/// A validated, normalised scope glob, compiled once for the hot path.
#[derive(Debug, Clone)]
pub struct ScopeGlob {
    text: String,
    segments: Vec<Segment>,
}

impl PartialEq for ScopeGlob {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for ScopeGlob {}

impl ScopeGlob {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let shown = truncate_for_message(raw);
        let refuse =
            |why: &str| Invalid::new(format!("'{shown}' is not an accepted path glob: {why}"));
        if raw.len() > MAX_GLOB_BYTES {
            return Err(refuse("longer than 512 bytes"));
        }
        if raw.contains("//") {
            return Err(refuse("empty segment ('//')"));
        }
        let body = raw.strip_prefix('/').unwrap_or(raw);
        let body = body.strip_suffix('/').unwrap_or(body);
        if body.is_empty() {
            return Ok(Self {
                text: String::from("/"),
                segments: Vec::new(),
            });
        }
        let mut segments = Vec::new();
        for segment in body.split('/') {
            segments.push(parse_segment(segment).map_err(|why| refuse(&why))?);
        }
        Ok(Self {
            text: format!("/{body}"),
            segments,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True if the pattern has any wildcard (Infisical's `picomatch.scan(path).isGlob`).
    pub fn is_glob(&self) -> bool {
        self.text.contains(['*', '?', '{'])
    }

    /// Does the folder `path` fall inside this scope?
    pub fn matches(&self, path: &SecretPath) -> bool {
        let parts: Vec<&str> = path.segments().collect();
        self.match_from(0, &parts)
    }

    /// Could some folder strictly below `path` fall inside this scope? Used to let a recursive
    /// listing of a parent return the in-scope descendants only.
    pub fn may_match_below(&self, path: &SecretPath) -> bool {
        let parts: Vec<&str> = path.segments().collect();
        self.prefix_from(0, &parts)
    }

    /// Does `segments[start..]` match all of `path`? Dynamic programming over (pattern segment,
    /// path position), so the time is polynomial: a backtracking search over several `**` is
    /// exponential, and one scope like `/**/x/**/x/…` would pin a worker on every request.
    fn match_from(&self, start: usize, path: &[&str]) -> bool {
        let n = path.len();
        // `next[k]`: does `segments[pi + 1..]` match `path[k..]`? Starts as the empty pattern.
        let mut next: Vec<bool> = (0..=n).map(|k| k == n).collect();
        for pi in (start..self.segments.len()).rev() {
            let current: Vec<bool> = match &self.segments[pi] {
                Segment::Globstar => {
                    let min = self.globstar_minimum(pi);
                    (0..=n)
                        .map(|k| {
                            // `**` consumes path[k..k + c]: never a dot segment, at least `min`.
                            let run = path[k..].iter().take_while(|p| !p.starts_with('.')).count();
                            (min..=run).any(|c| next[k + c])
                        })
                        .collect()
                }
                pattern => (0..=n)
                    .map(|k| k < n && next[k + 1] && segment_matches(pattern, path[k]))
                    .collect(),
            };
            next = current;
        }
        next[0]
    }

    fn prefix_from(&self, pi: usize, path: &[&str]) -> bool {
        let Some(segment) = self.segments.get(pi) else {
            return false;
        };
        match (segment, path.split_first()) {
            (_, None) => true,
            (Segment::Globstar, Some(_)) => path.iter().all(|p| !p.starts_with('.')),
            (pattern, Some((first, rest))) => {
                segment_matches(pattern, first) && self.prefix_from(pi + 1, rest)
            }
        }
    }

    /// How many segments a `**` at `pi` must consume, following picomatch.
    fn globstar_minimum(&self, pi: usize) -> usize {
        let is_last = pi + 1 == self.segments.len();
        if pi == 0 {
            return if is_last { 0 } else { 1 };
        }
        match &self.segments[pi - 1] {
            Segment::Pattern {
                ends_with_star: true,
                ..
            }
            | Segment::Globstar => 1,
            Segment::Pattern { .. } => 0,
        }
    }
}

fn segment_matches(segment: &Segment, part: &str) -> bool {
    match segment {
        Segment::Globstar => !part.starts_with('.'),
        Segment::Pattern {
            alternatives,
            names_dot,
            ..
        } => (*names_dot || !part.starts_with('.')) && alternatives.iter().any(|w| w.matches(part)),
    }
}

fn parse_segment(segment: &str) -> Result<Segment, String> {
    if segment.is_empty() {
        return Err(String::from("empty segment ('//')"));
    }
    if segment == "**" {
        return Ok(Segment::Globstar);
    }
    if segment == "." || segment == ".." {
        return Err(String::from("'.' and '..' segments are not allowed"));
    }
    if segment.contains("**") {
        return Err(String::from("'**' must be a whole segment, as in /app/**"));
    }
    if let Some(bad) = segment.chars().find(|c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '*' | '?' | '{' | '}' | ','))
    }) {
        return Err(format!(
            "'{bad}' is not supported (use letters, digits, '_', '.', '-', '*', '?', '**' and {{a,b}})"
        ));
    }
    let alternatives = expand_braces(segment)?;
    Ok(Segment::Pattern {
        names_dot: alternatives.iter().all(|a| a.starts_with('.')),
        ends_with_star: segment.ends_with('*'),
        alternatives: alternatives.iter().map(|a| WildMatch::new(a)).collect(),
    })
}

/// Expands one level of `{a,b}` in a segment: `db-{a,b}*` → `db-a*`, `db-b*`.
fn expand_braces(segment: &str) -> Result<Vec<String>, String> {
    let open = segment.find('{');
    let close = segment.find('}');
    match (open, close) {
        (None, None) => {
            if segment.contains(',') {
                return Err(String::from("',' is only allowed inside {a,b}"));
            }
            Ok(vec![segment.to_owned()])
        }
        (Some(o), Some(c)) if o < c => {
            let (prefix, rest) = segment.split_at(o);
            let inner = &rest[1..c - o];
            let suffix = &rest[c - o + 1..];
            if prefix.contains([',', '}'])
                || suffix.contains(['{', '}', ','])
                || inner.contains('{')
            {
                return Err(String::from(
                    "only one level of {a,b} per segment is supported",
                ));
            }
            let options: Vec<&str> = inner.split(',').collect();
            if options.len() < 2 || options.iter().any(|o| o.is_empty()) {
                return Err(String::from(
                    "{…} needs two or more non-empty alternatives, as in {a,b}",
                ));
            }
            Ok(options
                .iter()
                .map(|o| format!("{prefix}{o}{suffix}"))
                .collect())
        }
        _ => Err(String::from("unbalanced '{' or '}'")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        ScopeGlob::parse(glob)
            .unwrap()
            .matches(&SecretPath::parse(path).unwrap())
    }

    /// Every row of reference §4.4, plus the picomatch cases the issue singles out.
    #[test]
    fn reference_table_rows() {
        assert!(m("/", "/"));
        assert!(!m("/", "/app"));
        assert!(m("/**", "/"));
        assert!(m("/**", "/app"));
        assert!(m("/**", "/app/db"));
        assert!(m("/app", "/app"));
        assert!(!m("/app", "/app/db"));
        assert!(m("/app/*", "/app/db"));
        assert!(!m("/app/*", "/app"));
        assert!(!m("/app/*", "/app/db/x"));
        assert!(m("/app/**", "/app"));
        assert!(m("/app/**", "/app/db"));
        assert!(m("/app/**", "/app/db/x"));
        assert!(m("/**/deep", "/a/b/deep"));
        assert!(!m("/**/deep", "/deep"));
        assert!(!m("/App", "/app"));
        assert!(m("/a?c", "/abc"));
        assert!(m("/{a,b}", "/b"));
        assert!(m("/app*", "/apple"));
        assert!(
            m("/app/", "/app"),
            "trailing slashes are normalised away before matching"
        );
    }

    #[test]
    fn dot_segments_only_when_named() {
        let hidden = ScopeGlob::parse("/**").unwrap();
        // Folder paths cannot hold dots, so test the matcher on raw segments.
        assert!(!hidden.match_from(0, &[".hidden"]));
        assert!(!ScopeGlob::parse("/*").unwrap().match_from(0, &[".env"]));
        assert!(ScopeGlob::parse("/.env").unwrap().match_from(0, &[".env"]));
        assert!(ScopeGlob::parse("/.e*").unwrap().match_from(0, &[".env"]));
    }

    #[test]
    fn globstar_positions() {
        assert!(
            !m("/*/**", "/a"),
            "picomatch: ** after a star segment needs a segment"
        );
        assert!(m("/*/**", "/a/b"));
        assert!(m("/a/**/b", "/a/b"));
        assert!(m("/a/**/b", "/a/x/y/b"));
        assert!(!m("/a/**/b", "/a/x/c"));
        assert!(m("/**/deep/**", "/x/deep"));
        assert!(m("/**/deep/**", "/x/deep/y/z"));
        assert!(!m("/**/deep/**", "/deep/y"));
        assert!(!m("/app/**", "/apple"));
        assert!(!m("/app/**", "/"));
    }

    #[test]
    fn root_and_star_edges() {
        assert!(!m("/*", "/"));
        assert!(m("/*", "/a"));
        assert!(!m("/*", "/a/b"));
        assert!(m("/app-{dev,prod}/*", "/app-prod/db"));
        assert!(!m("/app-{dev,prod}/*", "/app-qa/db"));
        assert!(m("/a?", "/ab"));
        assert!(!m("/a?", "/abc"));
    }

    #[test]
    fn normalises_and_refuses_unsupported_syntax() {
        assert_eq!(ScopeGlob::parse("app/**/").unwrap().as_str(), "/app/**");
        assert_eq!(ScopeGlob::parse("").unwrap().as_str(), "/");
        for bad in [
            "/app/[ab]",
            "/!(a)",
            "/a\\b",
            "/a**",
            "/a//b",
            "/..",
            "/{a}",
            "/{a,{b,c}}",
            "/a,b",
            "/{a,b",
            "/@(x)",
            "/a b",
            "/+(a)",
        ] {
            let err = ScopeGlob::parse(bad).expect_err(bad);
            assert!(
                err.0.contains("not an accepted path glob"),
                "{bad}: {}",
                err.0
            );
        }
    }

    #[test]
    fn is_glob_tells_literal_paths_from_patterns() {
        assert!(!ScopeGlob::parse("/app/db").unwrap().is_glob());
        assert!(ScopeGlob::parse("/app/*").unwrap().is_glob());
        assert!(ScopeGlob::parse("/{a,b}").unwrap().is_glob());
    }

    #[test]
    fn many_globstars_match_in_polynomial_time() {
        // A backtracking matcher needs ~C(31, 40) steps here; this must answer at once.
        let glob = ScopeGlob::parse(&("/**/x".repeat(40) + "/y")).unwrap();
        let deep = SecretPath::parse(&"/x".repeat(31)).unwrap();
        let started = std::time::Instant::now();
        assert!(!glob.matches(&deep));
        assert!(ScopeGlob::parse(&"/**/x".repeat(15))
            .unwrap()
            .matches(&deep));
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn may_match_below_finds_scopes_under_a_parent() {
        let below = |g: &str, p: &str| {
            ScopeGlob::parse(g)
                .unwrap()
                .may_match_below(&SecretPath::parse(p).unwrap())
        };
        assert!(below("/app/**", "/"));
        assert!(below("/app/db", "/app"));
        assert!(!below("/app/db", "/app/db"));
        assert!(!below("/other", "/app"));
        assert!(below("/**", "/x/y"));
        assert!(below("/*/db", "/anything"));
        assert!(!below("/", "/"));
    }
}

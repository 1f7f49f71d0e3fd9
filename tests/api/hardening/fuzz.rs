//! Property-based fuzzing (proptest, stable toolchain) of the two parsers every request meets:
//! service-token strings and scope globs. In a plain `cargo test` each property runs proptest's
//! default 256 cases; `ENVKEEP_FUZZ_SECS=60` (set by `tests/reliability/run.sh`) keeps each one
//! generating fresh cases for that long.

use envkeep::domain::{ScopeGlob, SecretPath, ServiceTokenString};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::time::{Duration, Instant};
use wildmatch::WildMatch;

/// Runs `test` over `strategy` for the time budget (or one default round without one).
fn fuzz<S: Strategy>(
    name: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) {
    let budget = std::env::var("ENVKEEP_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs);
    let started = Instant::now();
    let mut cases = 0u64;
    loop {
        let config = Config {
            failure_persistence: None,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config.clone());
        if let Err(failure) = runner.run(&strategy, &test) {
            panic!("{name}: {failure}");
        }
        cases += u64::from(config.cases);
        if budget.is_none_or(|b| started.elapsed() >= b) {
            break;
        }
    }
    println!("{name}: {cases} cases in {:?}", started.elapsed());
}

fn hex32() -> impl Strategy<Value = String> {
    "[0-9a-f]{32}"
}

#[test]
fn token_parsing_accepts_only_well_formed_tokens() {
    let anything = prop_oneof![
        any::<String>(),
        "(st|ST|xt)?[.]{0,3}[0-9a-fA-Fg]{0,40}[.]{0,3}[0-9a-f]{0,40}([.].{0,20})?",
        (hex32(), hex32(), "[.]?[ -~]{0,40}").prop_map(|(i, s, tail)| format!("st.{i}.{s}{tail}")),
    ];
    fuzz("token parse", anything, |raw| {
        if let Some(token) = ServiceTokenString::parse(&raw) {
            let hex = |s: &str| {
                s.len() == 32
                    && s.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            };
            prop_assert!(hex(token.id) && hex(token.secret), "{raw:?}");
            let access = format!("st.{}.{}", token.id, token.secret);
            prop_assert!(
                raw == access || raw.starts_with(&format!("{access}.")),
                "{raw:?}"
            );
            let shown = format!("{token:?}");
            prop_assert!(!shown.contains(token.secret), "Debug shows the secret");
        }
        Ok(())
    });
}

#[test]
fn well_formed_tokens_round_trip_through_the_authorization_header() {
    let parts = (
        hex32(),
        hex32(),
        proptest::option::of("[0-9a-z.]{1,40}"),
        "(Bearer|bearer|BEARER) +",
    );
    fuzz("token round trip", parts, |(id, secret, tail, scheme)| {
        let token = match &tail {
            Some(tail) => format!("st.{id}.{secret}.{tail}"),
            None => format!("st.{id}.{secret}"),
        };
        let parsed =
            ServiceTokenString::parse(&token).ok_or_else(|| TestCaseError::fail(token.clone()))?;
        prop_assert_eq!((parsed.id, parsed.secret), (id.as_str(), secret.as_str()));
        let header = format!("{scheme}{token}");
        prop_assert!(
            ServiceTokenString::from_authorization(&header).is_some(),
            "{header:?}"
        );
        Ok(())
    });
}

fn valid_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9_-]{1,6}", 0..8).prop_map(|s| format!("/{}", s.join("/")))
}

#[test]
fn glob_parsing_never_panics_and_normalises_idempotently() {
    let raw = prop_oneof![any::<String>(), "[a-zA-Z0-9_.*?{},/!@+\\[\\]\\\\ -]{0,60}"];
    fuzz("glob parse", (raw, valid_path()), |(raw, path)| {
        if let Ok(glob) = ScopeGlob::parse(&raw) {
            let text = glob.as_str();
            prop_assert!(
                text.starts_with('/') && !text.contains("//"),
                "{raw:?} → {text:?}"
            );
            prop_assert!(text == "/" || !text.ends_with('/'), "{text:?}");
            let again = ScopeGlob::parse(text)
                .map_err(|e| TestCaseError::fail(format!("{text:?}: {}", e.0)))?;
            prop_assert_eq!(&again, &glob);
            let path = SecretPath::parse(&path).map_err(|e| TestCaseError::fail(e.0))?;
            let started = Instant::now();
            let _ = glob.matches(&path) || glob.may_match_below(&path);
            prop_assert!(
                started.elapsed() < Duration::from_millis(200),
                "{text:?} took {:?}",
                started.elapsed()
            );
        }
        Ok(())
    });
}

/// A deliberately naive reading of the matching rules (DESIGN §4, picomatch): backtracking over
/// `**`, which needs a segment when it leads a longer pattern or follows a segment ending in `*`.
fn reference(glob: &str, path: &str) -> bool {
    fn segments(s: &str) -> Vec<&str> {
        s.split('/').filter(|s| !s.is_empty()).collect()
    }
    fn one(pattern: &str, part: &str) -> bool {
        match (pattern.find('{'), pattern.find('}')) {
            (Some(o), Some(c)) => pattern[o + 1..c].split(',').any(|alt| {
                WildMatch::new(&format!("{}{alt}{}", &pattern[..o], &pattern[c + 1..]))
                    .matches(part)
            }),
            _ => WildMatch::new(pattern).matches(part),
        }
    }
    fn walk(g: &[&str], i: usize, p: &[&str]) -> bool {
        match g.get(i) {
            None => p.is_empty(),
            Some(&"**") => {
                let min = match i {
                    0 if g.len() == 1 => 0,
                    0 => 1,
                    _ if g[i - 1].ends_with('*') => 1,
                    _ => 0,
                };
                (min..=p.len()).any(|c| walk(g, i + 1, &p[c..]))
            }
            Some(pattern) => !p.is_empty() && one(pattern, p[0]) && walk(g, i + 1, &p[1..]),
        }
    }
    walk(&segments(glob), 0, &segments(path))
}

fn small_glob() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just(String::from("**")),
        Just(String::from("*")),
        "[ab]{1,2}",
        "[ab]?[*?][ab]?",
        "[ab]?\\{a,b\\}[*]?",
    ];
    prop::collection::vec(segment, 0..6).prop_map(|s| format!("/{}", s.join("/")))
}

fn small_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[ab]{1,2}", 0..7).prop_map(|s| format!("/{}", s.join("/")))
}

#[test]
fn glob_matching_agrees_with_the_naive_reference() {
    fuzz(
        "glob vs reference",
        (small_glob(), small_path(), small_path()),
        |(glob_text, path, below)| {
            let glob = ScopeGlob::parse(&glob_text).map_err(|e| TestCaseError::fail(e.0))?;
            let at = SecretPath::parse(&path).map_err(|e| TestCaseError::fail(e.0))?;
            prop_assert_eq!(
                glob.matches(&at),
                reference(&glob_text, &path),
                "{} vs {}",
                glob_text,
                path
            );
            // A folder below `path` that matches means a recursive listing of `path` must look there.
            if below != "/" {
                let deeper = SecretPath::parse(&format!("{}{below}", path.trim_end_matches('/')))
                    .map_err(|e| TestCaseError::fail(e.0))?;
                if glob.matches(&deeper) {
                    prop_assert!(
                        glob.may_match_below(&at),
                        "{} matches {} but not below {}",
                        glob_text,
                        deeper.as_str(),
                        path
                    );
                }
            }
            Ok(())
        },
    );
}

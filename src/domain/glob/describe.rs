//! A scope glob in words, for the token form's line under each scope row ("the root folder only",
//! "/app and everything below it"). The words follow the matcher's rules in the parent module,
//! picomatch's exceptions included (`/**/deep` does not reach `/deep`, `/*/**` not `/a`), so what
//! the form says is what the token will reach. The server renders it and the form's script asks
//! the server for it: there is one implementation.

use super::ScopeGlob;

/// A segment of the normalised glob text, as the description needs it.
#[derive(Clone, Copy)]
enum Part<'a> {
    Name(&'a str),
    Globstar,
    Pattern(&'a str),
}

fn part(segment: &str) -> Part<'_> {
    if segment == "**" {
        Part::Globstar
    } else if segment.contains(['*', '?', '{']) {
        Part::Pattern(segment)
    } else {
        Part::Name(segment)
    }
}

/// `/a/b` for literal segments, `the root folder` for none.
fn folder(names: &[&str]) -> String {
    if names.is_empty() {
        String::from("the root folder")
    } else {
        format!("/{}", names.join("/"))
    }
}

/// "named a or b" for `{a,b}`, else "named like app-*".
fn named(pattern: &str) -> String {
    let braces = pattern.starts_with('{') && pattern.ends_with('}');
    let inner = &pattern[1..pattern.len().saturating_sub(1).max(1)];
    if braces && !inner.contains(['*', '?', '{', '}']) {
        let options: Vec<&str> = inner.split(',').collect();
        if let Some((last, rest)) = options.split_last() {
            return format!("named {} or {last}", rest.join(", "));
        }
    }
    format!("named like {pattern}")
}

impl ScopeGlob {
    /// The folder the scope starts from: its segments before the first wildcard (`/app/**` →
    /// `/app`, `/**/deep` → `/`), the `secretPath` a client reads it at.
    pub fn base_folder(&self) -> String {
        let names: Vec<&str> = self
            .as_str()
            .split('/')
            .filter(|s| !s.is_empty())
            .take_while(|s| matches!(part(s), Part::Name(_)))
            .collect();
        format!("/{}", names.join("/"))
    }

    /// What this scope reaches, as a phrase that completes "Matches …".
    pub fn describe(&self) -> String {
        let text = self.as_str().trim_start_matches('/');
        let segments: Vec<&str> = text.split('/').filter(|s| !s.is_empty()).collect();
        let parts: Vec<Part> = segments.iter().map(|s| part(s)).collect();
        let literal = parts
            .iter()
            .take_while(|p| matches!(p, Part::Name(_)))
            .count();
        let (base, rest) = (folder(&segments[..literal]), &parts[literal..]);
        let root = literal == 0;
        match rest {
            [] if root => String::from("the root folder only, not the folders inside it"),
            [] => format!("{base} only, not the folders inside it"),
            [Part::Globstar] if root => {
                String::from("every folder: the root and everything below it")
            }
            [Part::Globstar] => format!("{base} and everything below it"),
            [Part::Pattern("*")] => {
                format!("each folder directly inside {base}, not {base} itself nor anything deeper")
            }
            [Part::Pattern(p)] => {
                format!(
                    "each folder directly inside {base} {}, nothing deeper",
                    named(p)
                )
            }
            [Part::Pattern(p), Part::Globstar] if p.ends_with('*') => {
                let which = if *p == "*" {
                    String::new()
                } else {
                    format!(" {}", named(p))
                };
                format!(
                    "everything below each folder directly inside {base}{which}, not those folders themselves"
                )
            }
            [Part::Pattern(p), Part::Globstar] => format!(
                "each folder directly inside {base} {}, and everything below them",
                named(p)
            ),
            [Part::Globstar, tail @ ..] => self.deep(&base, root, tail),
            _ => self.fallback(),
        }
    }

    /// `/…/**/x/y` with an optional trailing `**`: folders ending in `x/y` at any depth.
    fn deep(&self, base: &str, root: bool, tail: &[Part]) -> String {
        let (names, below) = match tail {
            [names @ .., Part::Globstar] => (names, true),
            names => (names, false),
        };
        let Some(names) = names
            .iter()
            .map(|p| match p {
                Part::Name(n) => Some(*n),
                _ => None,
            })
            .collect::<Option<Vec<&str>>>()
            .filter(|n| !n.is_empty())
        else {
            return self.fallback();
        };
        let which = match names.as_slice() {
            [one] => format!("every folder named {one}"),
            many => format!("every folder ending in /{}", many.join("/")),
        };
        let at = if root {
            // picomatch: a leading `**` followed by more must consume at least one segment.
            format!(
                "{which} at any depth below the root folder (not /{} itself)",
                names.join("/")
            )
        } else {
            format!(
                "{base}/{}, and {which} at any depth below {base}",
                names.join("/")
            )
        };
        if below {
            format!("{at}, with everything below them")
        } else {
            at
        }
    }

    fn fallback(&self) -> String {
        format!(
            "every folder whose path matches {} (* stands for part of one folder name, ** for any number of folders)",
            self.as_str()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::ScopeGlob;
    use crate::domain::SecretPath;

    fn say(glob: &str) -> String {
        ScopeGlob::parse(glob).unwrap().describe()
    }

    #[test]
    fn literal_paths_and_trailing_globstars() {
        assert_eq!(say("/"), "the root folder only, not the folders inside it");
        assert_eq!(say(""), say("/"));
        assert_eq!(say("/app/db"), "/app/db only, not the folders inside it");
        assert_eq!(say("/**"), "every folder: the root and everything below it");
        assert_eq!(say("/app/**"), "/app and everything below it");
        assert_eq!(say("app/**/"), "/app and everything below it");
    }

    #[test]
    fn one_level_patterns() {
        assert_eq!(
            say("/app/*"),
            "each folder directly inside /app, not /app itself nor anything deeper"
        );
        assert_eq!(
            say("/app-*"),
            "each folder directly inside the root folder named like app-*, nothing deeper"
        );
        assert_eq!(
            say("/svc/{api,web,jobs}"),
            "each folder directly inside /svc named api, web or jobs, nothing deeper"
        );
        assert_eq!(
            say("/app/*/**"),
            "everything below each folder directly inside /app, not those folders themselves"
        );
        assert_eq!(
            say("/{a,b}/**"),
            "each folder directly inside the root folder named a or b, and everything below them"
        );
    }

    #[test]
    fn globstars_before_a_name() {
        assert_eq!(
            say("/**/deep"),
            "every folder named deep at any depth below the root folder (not /deep itself)"
        );
        assert_eq!(
            say("/app/**/db"),
            "/app/db, and every folder named db at any depth below /app"
        );
        assert_eq!(
            say("/**/x/y/**"),
            "every folder ending in /x/y at any depth below the root folder (not /x/y itself), with everything below them"
        );
    }

    #[test]
    fn base_folders_stop_at_the_first_wildcard() {
        for (glob, base) in [
            ("/", "/"),
            ("/app/**", "/app"),
            ("/a/*/b", "/a"),
            ("/**/x", "/"),
        ] {
            assert_eq!(
                ScopeGlob::parse(glob).unwrap().base_folder(),
                base,
                "{glob}"
            );
        }
    }

    #[test]
    fn anything_else_names_the_pattern() {
        assert!(say("/a/*/b").starts_with("every folder whose path matches /a/*/b"));
        assert!(say("/**/a*").starts_with("every folder whose path matches /**/a*"));
    }

    /// The words' claims, checked against the matcher itself.
    #[test]
    fn descriptions_agree_with_the_matcher() {
        let reaches = |glob: &str, path: &str| {
            ScopeGlob::parse(glob)
                .unwrap()
                .matches(&SecretPath::parse(path).unwrap())
        };
        assert!(reaches("/", "/") && !reaches("/", "/app"));
        assert!(reaches("/app/**", "/app") && reaches("/app/**", "/app/x/y"));
        assert!(!reaches("/app/*", "/app") && !reaches("/app/*", "/app/a/b"));
        assert!(!reaches("/app/*/**", "/app/a") && reaches("/app/*/**", "/app/a/b"));
        assert!(reaches("/{a,b}/**", "/a"));
        assert!(!reaches("/**/deep", "/deep") && reaches("/**/deep", "/x/deep"));
        assert!(reaches("/app/**/db", "/app/db") && reaches("/app/**/db", "/app/x/db"));
    }
}

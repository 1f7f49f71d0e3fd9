//! `envkeep secrets export`: names and values in dotenv, JSON, YAML or shell syntax. Values may
//! hold anything (quotes, `$`, backslashes, newlines); each format quotes so that its parser
//! gives back the exact value (round-trip tested with dotenvy, bash and a YAML parser).

use super::args::ExportFormat;
use super::secret::Secret;
use std::collections::BTreeMap;

/// Renders the secrets (already one per name) in `format`.
pub fn render(format: ExportFormat, secrets: &BTreeMap<String, Secret>) -> String {
    let pairs = secrets
        .iter()
        .map(|(name, s)| (name.as_str(), s.value.as_str()));
    match format {
        ExportFormat::Dotenv => pairs
            .map(|(k, v)| format!("{k}={}\n", dotenv_quote(v)))
            .collect(),
        ExportFormat::Shell => pairs
            .map(|(k, v)| format!("export {k}={}\n", shell_quote(v)))
            .collect(),
        ExportFormat::Json => {
            let map: BTreeMap<&str, &str> = pairs.collect();
            let mut out = serde_json::to_string_pretty(&map).unwrap_or_else(|_| String::from("{}"));
            out.push('\n');
            out
        }
        ExportFormat::Yaml => yaml(pairs),
    }
}

/// Whether a format can only carry names that are variable names.
pub fn needs_env_names(format: ExportFormat) -> bool {
    matches!(format, ExportFormat::Dotenv | ExportFormat::Shell)
}

pub use crate::domain::dotenv::quote as dotenv_quote;

/// POSIX single quotes: everything is literal (newlines included) except `'` itself, written as
/// `'\''` (close, escaped quote, reopen).
pub fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// A YAML mapping with every key and value as a double-quoted scalar. A JSON string is a valid
/// YAML double-quoted scalar (same escapes), so serde_json does the escaping.
fn yaml<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
    let mut out = String::new();
    for (key, value) in pairs {
        out.push_str(&format!("{}: {}\n", quote(key), quote(value)));
    }
    if out.is_empty() {
        out.push_str("{}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::secret::tests::at_root;

    /// Values that break naive quoting.
    const NASTY: &[(&str, &str)] = &[
        ("PLAIN", "abc123"),
        ("EMPTY", ""),
        ("EQUALS", "a=b==c"),
        ("MULTI", "line one\nline two\n\nline four\n"),
        ("QUOTES", r#"it's "quoted" 'twice'"#),
        ("DOLLAR", "$HOME ${PATH} $(id) `id` $$"),
        ("BACKSLASH", r"C:\path\n\t\\ end\"),
        ("HASH", "value # not a comment"),
        ("SPACES", "  leading and trailing  "),
        ("UNICODE", "héllo wörld ✓ 🔑"),
        ("CRLF", "windows\r\nline"),
        ("TAB", "a\tb"),
    ];

    fn nasty() -> BTreeMap<String, Secret> {
        at_root(NASTY)
    }

    fn expected() -> BTreeMap<String, String> {
        NASTY
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn dotenv_round_trips_through_dotenvy() {
        let text = render(ExportFormat::Dotenv, &nasty());
        let parsed: BTreeMap<String, String> = dotenvy::from_read_iter(text.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(parsed, expected(), "{text}");
        assert_eq!(text.lines().count(), NASTY.len(), "one line per variable");
    }

    #[test]
    fn json_round_trips() {
        let text = render(ExportFormat::Json, &nasty());
        let parsed: BTreeMap<String, String> = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, expected());
    }

    #[test]
    fn yaml_round_trips_through_a_yaml_parser() {
        let text = render(ExportFormat::Yaml, &nasty());
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        let hash = docs[0].as_hash().unwrap();
        let parsed: BTreeMap<String, String> = hash
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap().to_owned(),
                    v.as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(parsed, expected(), "{text}");
    }

    #[test]
    fn shell_round_trips_through_bash() {
        let text = render(ExportFormat::Shell, &nasty());
        let mut script = String::from("set -eu\n");
        script.push_str(&text);
        for (k, _) in NASTY {
            script.push_str(&format!("printf '%s\\0' \"${k}\"\n"));
        }
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&script)
            .env_clear()
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let values: Vec<String> = out
            .stdout
            .split(|b| *b == 0)
            .map(|v| String::from_utf8(v.to_vec()).unwrap())
            .collect();
        for (i, (k, v)) in NASTY.iter().enumerate() {
            assert_eq!(values[i], *v, "{k}");
        }
    }

    #[test]
    fn dotenv_round_trips_through_envkeeps_own_parser() {
        let text = render(ExportFormat::Dotenv, &nasty());
        let parsed: BTreeMap<String, String> = crate::domain::dotenv::parse(&text)
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect();
        assert_eq!(parsed, expected(), "{text}");
    }

    proptest::proptest! {
        /// Any value (any Unicode, control characters, quotes, `$`, backslashes, line breaks)
        /// exported as dotenv parses back to itself.
        #[test]
        fn any_value_round_trips_through_the_dotenv_parser(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[\\\\\"'$#= \t\r\na-z{}]{0,12}").unwrap(),
                    proptest::prelude::any::<String>(),
                ],
                1..6,
            )
        ) {
            let pairs: Vec<(String, String)> = values
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("K{i}"), v.clone()))
                .collect();
            let borrowed: Vec<(&str, &str)> =
                pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let text = render(ExportFormat::Dotenv, &at_root(&borrowed));
            let parsed: Vec<(String, String)> = crate::domain::dotenv::parse(&text)
                .map_err(|e| proptest::test_runner::TestCaseError::fail(format!("{e} in {text:?}")))?
                .into_iter()
                .map(|e| (e.key, e.value))
                .collect();
            proptest::prop_assert_eq!(parsed, pairs);
        }
    }

    #[test]
    fn empty_exports_are_valid_documents() {
        let none = BTreeMap::new();
        assert_eq!(render(ExportFormat::Dotenv, &none), "");
        assert_eq!(render(ExportFormat::Json, &none).trim(), "{}");
        assert!(yaml_rust2::YamlLoader::load_from_str(&render(ExportFormat::Yaml, &none)).is_ok());
    }
}

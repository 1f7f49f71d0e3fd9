//! The files `envkeep secrets import` reads: dotenv (Envkeep's one parser, `domain::dotenv`, with
//! no variable substitution), or a flat JSON or YAML map of names to string values, as
//! `secrets export` writes them. Every refusal names the line where the format allows it.

use super::args::ImportFormat;
use super::exit::{ClientError, DATA};
use crate::domain::{dotenv, SecretKey};
use std::path::Path;
use yaml_rust2::{Yaml, YamlLoader};

/// One name and value of the file, and the line it starts on when the format tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub key: String,
    pub value: String,
    pub line: Option<usize>,
}

/// The format of `file`: the flag, else its extension (`.json`, `.yaml`/`.yml`), else dotenv.
pub fn format_of(file: Option<&Path>, flag: Option<ImportFormat>) -> ImportFormat {
    if let Some(format) = flag {
        return format;
    }
    let extension = file
        .and_then(Path::extension)
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("json") => ImportFormat::Json,
        Some("yaml" | "yml") => ImportFormat::Yaml,
        _ => ImportFormat::Dotenv,
    }
}

/// Every pair of `text`, or why it cannot be imported (`source` names the file in the message).
/// Names are checked here too, so a bad one is reported with its line before anything is sent.
pub fn parse(text: &str, format: ImportFormat, source: &str) -> Result<Vec<Pair>, ClientError> {
    let refused = |message: String| ClientError::new(DATA, format!("{source}: {message}"));
    let pairs = match format {
        ImportFormat::Dotenv => dotenv::parse(text)
            .map_err(|e| refused(e.to_string()))?
            .into_iter()
            .map(|e| Pair {
                key: e.key,
                value: e.value,
                line: Some(e.line),
            })
            .collect(),
        ImportFormat::Json => json(text).map_err(refused)?,
        ImportFormat::Yaml => yaml(text).map_err(refused)?,
    };
    for pair in &pairs {
        if let Err(invalid) = SecretKey::parse(&pair.key) {
            return Err(refused(format!(
                "{}{}: {invalid}",
                at_line(pair.line),
                pair.key.escape_debug()
            )));
        }
    }
    Ok(pairs)
}

/// `"line 3: "`, or nothing when the line is not known.
pub fn at_line(line: Option<usize>) -> String {
    line.map_or_else(String::new, |l| format!("line {l}: "))
}

fn json(text: &str) -> Result<Vec<Pair>, String> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| format!("line {}: not valid JSON: {e}", e.line()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(String::from(
            "expected one JSON object of names to string values, {\"KEY\": \"value\"}",
        ));
    };
    map.into_iter()
        .map(|(key, value)| match value {
            serde_json::Value::String(value) => Ok(Pair {
                key,
                value,
                line: None,
            }),
            other => Err(format!(
                "{}: the value must be a string, found {other}",
                key.escape_debug()
            )),
        })
        .collect()
}

fn yaml(text: &str) -> Result<Vec<Pair>, String> {
    let docs = YamlLoader::load_from_str(text)
        .map_err(|e| format!("line {}: not valid YAML: {}", e.marker().line(), e.info()))?;
    let map = match docs.as_slice() {
        [] | [Yaml::Null] => return Ok(Vec::new()),
        [Yaml::Hash(map)] => map,
        [_] => {
            return Err(String::from(
                "expected one mapping of names to quoted string values, \"KEY\": \"value\"",
            ))
        }
        _ => return Err(String::from("expected one YAML document, found several")),
    };
    map.iter()
        .map(|(key, value)| {
            let Yaml::String(key) = key else {
                return Err(format!("the name {key:?} is not a string"));
            };
            match value {
                Yaml::String(value) => Ok(Pair {
                    key: key.clone(),
                    value: value.clone(),
                    line: None,
                }),
                // YAML reads 0123, 1.10, yes/no-like and empty values as something else than
                // the text typed; only a string is taken as it is.
                _ => Err(format!(
                    "{}: the value must be a string; quote it (\"...\")",
                    key.escape_debug()
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::args::ExportFormat;
    use crate::client::export::render;
    use crate::client::secret::tests::at_root;

    fn pairs(text: &str, format: ImportFormat) -> Vec<(String, String)> {
        parse(text, format, "f")
            .unwrap()
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    const VALUES: &[(&str, &str)] = &[
        ("A", "plain"),
        ("B", "multi\nline \"quoted\" 'single' $HOME ${X} \\ # hash"),
        ("C", ""),
        ("D", "  padded  "),
    ];

    fn expected() -> Vec<(String, String)> {
        VALUES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn what_export_writes_imports_back_in_every_format() {
        for (export, import) in [
            (ExportFormat::Dotenv, ImportFormat::Dotenv),
            (ExportFormat::Json, ImportFormat::Json),
            (ExportFormat::Yaml, ImportFormat::Yaml),
        ] {
            let text = render(export, &at_root(VALUES));
            assert_eq!(pairs(&text, import), expected(), "{text}");
        }
    }

    #[test]
    fn the_format_comes_from_the_flag_then_the_extension() {
        let file = |name: &str| format_of(Some(Path::new(name)), None);
        assert_eq!(file("x.json"), ImportFormat::Json);
        assert_eq!(file("x.YML"), ImportFormat::Yaml);
        assert_eq!(file("x.yaml"), ImportFormat::Yaml);
        assert_eq!(file(".env"), ImportFormat::Dotenv);
        assert_eq!(file("prod.env"), ImportFormat::Dotenv);
        assert_eq!(format_of(None, None), ImportFormat::Dotenv);
        assert_eq!(
            format_of(Some(Path::new("x.json")), Some(ImportFormat::Dotenv)),
            ImportFormat::Dotenv
        );
    }

    #[test]
    fn dotenv_errors_and_bad_names_carry_the_line() {
        let error = parse("A=1\nB=\"open\n", ImportFormat::Dotenv, ".env").unwrap_err();
        assert_eq!(error.code, DATA);
        assert!(
            error.message.starts_with(".env: line 2: "),
            "{}",
            error.message
        );
        let long = format!("A=1\n{}=x\n", "K".repeat(257));
        let error = parse(&long, ImportFormat::Dotenv, ".env").unwrap_err();
        assert!(
            error.message.starts_with(".env: line 2: KKK"),
            "{}",
            error.message
        );
    }

    #[test]
    fn json_and_yaml_take_only_flat_maps_of_strings() {
        let error = |text: &str, format| parse(text, format, "f").unwrap_err().message;
        assert!(error("{\"A\": 1}", ImportFormat::Json).contains("A: the value must be a string"));
        assert!(error("[\"A\"]", ImportFormat::Json).contains("one JSON object"));
        assert!(error("{\n\"A\": \"x\",\n}", ImportFormat::Json).contains("line 3"));
        assert!(
            error("PORT: 8080\n", ImportFormat::Yaml).contains("PORT: the value must be a string")
        );
        assert!(error("A: {B: c}\n", ImportFormat::Yaml).contains("A: the value"));
        assert!(error("- a\n", ImportFormat::Yaml).contains("one mapping"));
        assert!(error("A: \"x\n", ImportFormat::Yaml).contains("not valid YAML"));
        assert_eq!(
            pairs("A: plain words\n", ImportFormat::Yaml),
            [("A".into(), "plain words".into())]
        );
        assert!(pairs("", ImportFormat::Yaml).is_empty());
        assert!(pairs("{}", ImportFormat::Json).is_empty());
    }
}

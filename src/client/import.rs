//! `envkeep secrets import FILE|-`: the file's names and values go to the server as one batch
//! (`POST …/secret-batches`). The server plans the import key by key and, unless `--dry-run`,
//! applies that plan in the same transaction, so what is printed is exactly what was done (a
//! separate dry run first could be overtaken by another writer before the import).

use super::args::ImportArgs;
use super::exit::{ClientError, DATA, IO};
use super::import_file::{self, at_line, format_of, Pair};
use super::secrets::{emit, pretty};
use super::source::Remote;
use super::table::printable;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::io::Read;
use std::path::Path;

/// The server's body limit for one batch.
const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// Input beyond this is not read: its batch could not be sent anyway.
const MAX_INPUT_BYTES: u64 = 4 * MAX_BATCH_BYTES as u64;

/// The server's answer: the keys by what happened to them.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    #[serde(default)]
    pub created: Vec<String>,
    #[serde(default)]
    pub overwritten: Vec<String>,
    #[serde(default)]
    pub unchanged: Vec<String>,
    #[serde(default)]
    pub skipped: Vec<String>,
    /// For a token without `read`: existing keys, whose values it may not compare.
    #[serde(default)]
    pub existing: Vec<String>,
    #[serde(default)]
    pub dry_run: bool,
}

pub fn run(remote: &Remote<'_>, args: &ImportArgs) -> Result<(), ClientError> {
    let stdin = args.file == Path::new("-");
    let source = if stdin {
        String::from("stdin")
    } else {
        args.file.display().to_string()
    };
    let file = (!stdin).then_some(args.file.as_path());
    let text = read_input(file, &source)?;
    let pairs = import_file::parse(&text, format_of(file, args.format), &source)?;
    let target = remote.target()?;
    let secrets: Vec<_> = pairs
        .iter()
        .map(|p| json!({ "key": p.key, "value": p.value }))
        .collect();
    let body = json!({
        "environment": target.environment,
        "path": target.path,
        "secrets": secrets,
        "overwrite": args.overwrite,
        "dryRun": args.dry_run,
    });
    let size = body.to_string().len();
    if size > MAX_BATCH_BYTES {
        return Err(ClientError::new(
            DATA,
            format!("{source} makes a batch of {size} bytes; the server takes at most 1 MiB per import: split the file"),
        ));
    }
    let outcome: Outcome = remote
        .write_batch(&target, &body)
        .map_err(|e| with_lines(e, &pairs, &source))?;
    if args.json {
        return emit(&pretty(&outcome)?);
    }
    let place = format!("{}:{}", target.environment, target.path);
    emit(&report(&outcome, &place, args.overwrite))
}

/// The file (or stdin) as text, at most [`MAX_INPUT_BYTES`].
fn read_input(file: Option<&Path>, source: &str) -> Result<String, ClientError> {
    let failed = |e: std::io::Error| ClientError::new(IO, format!("cannot read {source}: {e}"));
    let reader: Box<dyn Read> = match file {
        Some(path) => Box::new(std::fs::File::open(path).map_err(failed)?),
        None => Box::new(std::io::stdin()),
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ClientError::new(
            DATA,
            format!(
                "{source} is over 4 MiB; the server takes at most 1 MiB per import: split the file"
            ),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| ClientError::new(DATA, format!("{source} is not UTF-8 text")))
}

/// A 422's invalid entries (`secrets[3].value`) named by the file's line and key.
fn with_lines(mut error: ClientError, pairs: &[Pair], source: &str) -> ClientError {
    if error.details.is_empty() {
        return error;
    }
    let lines: Vec<String> = error
        .details
        .iter()
        .map(|(field, message)| {
            let entry = field
                .strip_prefix("secrets[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(index, _)| index.parse::<usize>().ok())
                .and_then(|i| pairs.get(i));
            match entry {
                Some(pair) => format!(
                    "  {}{}: {}",
                    at_line(pair.line),
                    pair.key,
                    printable(message)
                ),
                None => format!("  {}: {}", printable(field), printable(message)),
            }
        })
        .collect();
    error.message = format!(
        "{source}: the server refused the import (nothing was written):\n{}",
        lines.join("\n")
    );
    error
}

/// One line per key, then what it adds up to.
fn report(outcome: &Outcome, place: &str, overwrite: bool) -> String {
    let existing_note = if overwrite {
        "written (this token may not read values to compare)"
    } else {
        "left as it is (this token may not read values)"
    };
    let groups: [(&str, &[String], &str); 5] = [
        ("created", &outcome.created, ""),
        ("overwritten", &outcome.overwritten, ""),
        ("unchanged", &outcome.unchanged, ""),
        (
            "skipped",
            &outcome.skipped,
            "has another value; --overwrite replaces it",
        ),
        ("existing", &outcome.existing, existing_note),
    ];
    let mut out = String::new();
    let mut counts = Vec::new();
    for (label, keys, note) in groups {
        for key in keys {
            let key = printable(key);
            if note.is_empty() {
                out.push_str(&format!("{label:<12} {key}\n"));
            } else {
                out.push_str(&format!("{label:<12} {key}  ({note})\n"));
            }
        }
        if !keys.is_empty() {
            counts.push(format!("{} {label}", keys.len()));
        }
    }
    let counts = if counts.is_empty() {
        String::from("nothing to import")
    } else {
        counts.join(", ")
    };
    if outcome.dry_run {
        out.push_str(&format!(
            "dry run, nothing written: {place} would get {counts}\n"
        ));
    } else {
        out.push_str(&format!("imported into {place}: {counts}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_report_lists_each_key_and_the_totals() {
        let outcome = Outcome {
            created: keys(&["NEW"]),
            unchanged: keys(&["SAME", "ALSO"]),
            skipped: keys(&["OTHER"]),
            ..Outcome::default()
        };
        let text = report(&outcome, "dev:/app", false);
        assert!(text.contains("created      NEW\n"), "{text}");
        assert!(
            text.contains("skipped      OTHER  (has another value; --overwrite replaces it)"),
            "{text}"
        );
        assert!(
            text.ends_with("imported into dev:/app: 1 created, 2 unchanged, 1 skipped\n"),
            "{text}"
        );
        let dry = Outcome {
            dry_run: true,
            ..Outcome::default()
        };
        assert_eq!(
            report(&dry, "dev:/", false),
            "dry run, nothing written: dev:/ would get nothing to import\n"
        );
    }

    #[test]
    fn refused_entries_are_named_by_line_and_key() {
        let mut error = ClientError::from_status(422, "Some fields are invalid; see details");
        error.details = vec![
            (
                String::from("secrets[1].value"),
                String::from("must be at most 65536 bytes"),
            ),
            (String::from("environment"), String::from("is required")),
        ];
        let pairs = vec![
            Pair {
                key: "A".into(),
                value: String::new(),
                line: Some(1),
            },
            Pair {
                key: "BIG".into(),
                value: String::new(),
                line: Some(4),
            },
        ];
        let error = with_lines(error, &pairs, ".env");
        assert_eq!(error.code, DATA);
        assert_eq!(
            error.message,
            ".env: the server refused the import (nothing was written):\n  line 4: BIG: must be at most 65536 bytes\n  environment: is required"
        );
    }
}

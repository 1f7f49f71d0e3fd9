//! `envkeep secrets list|get|set|delete|export` (`import` is in `import`).

use super::args::{ExportFormat, FetchArgs, SecretsAction, SecretsArgs};
use super::config::Settings;
use super::exit::{ClientError, DATA, IO};
use super::export::{needs_env_names, render};
use super::secret::{by_name, env_safe, Secret, Shadowed};
use super::source::{Remote, Wire};
use super::table;
use super::target::Target;
use serde_json::json;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;

pub fn main(args: &SecretsArgs) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

fn execute(args: &SecretsArgs) -> Result<(), ClientError> {
    let settings = Settings::from_args(&args.connection)?;
    let remote = Remote::new(&settings);
    match &args.action {
        SecretsAction::List { fetch, json } => list(&remote, fetch, *json),
        SecretsAction::Get { name, json, e2ee } => {
            let secret = remote.get(name, Wire::end_to_end_if(*e2ee))?;
            if *json {
                emit(&pretty(&secret)?)
            } else {
                emit(&format!("{}\n", secret.value))
            }
        }
        SecretsAction::Set { name, value, json } => {
            let value = match value.as_deref() {
                None | Some("-") => read_stdin()?,
                Some(value) => value.to_owned(),
            };
            let secret = remote.set(name, &value)?;
            let version = secret.version.unwrap_or(1);
            if *json {
                let summary = json!({ "key": secret.key, "environment": secret.environment, "path": secret.path, "version": version });
                emit(&pretty(&summary)?)
            } else {
                emit(&format!(
                    "set {} in {}:{} (version {version})\n",
                    secret.key, secret.environment, secret.path
                ))
            }
        }
        SecretsAction::Delete { name, json } => {
            let Target {
                environment, path, ..
            } = remote.delete(name)?;
            if *json {
                emit(&pretty(
                    &json!({ "deleted": true, "key": name, "environment": environment, "path": path }),
                )?)
            } else {
                emit(&format!("deleted {name} from {environment}:{path}\n"))
            }
        }
        SecretsAction::Export {
            fetch,
            format,
            output,
        } => {
            let (_, secrets) = remote.list(fetch.reading(), fetch.wire())?;
            let mut named = one_per_name(secrets);
            if needs_env_names(*format) {
                named = env_safe(named);
            }
            refuse_unholdable(*format, &named)?;
            let text = render(*format, &named);
            match output {
                Some(file) => write_private(file, &text),
                None => emit(&text),
            }
        }
        SecretsAction::Import(import) => super::import::run(&remote, import),
    }
}

fn list(remote: &Remote<'_>, fetch: &FetchArgs, json: bool) -> Result<(), ClientError> {
    let (target, mut secrets) = remote.list(fetch.reading(), fetch.wire())?;
    secrets.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.key.cmp(&b.key)));
    if json {
        return emit(&pretty(&secrets)?);
    }
    if secrets.is_empty() {
        eprintln!(
            "envkeep: no secrets in {}:{}",
            table::printable(&target.environment),
            table::printable(&target.path)
        );
        return Ok(());
    }
    let with_path = fetch.recursive;
    let header: &[&str] = if with_path {
        &["PATH", "KEY", "VALUE"]
    } else {
        &["KEY", "VALUE"]
    };
    let rows: Vec<Vec<String>> = secrets
        .iter()
        .map(|s| {
            let mut row = vec![table::printable(&s.key), table::printable(&s.value)];
            if with_path {
                row.insert(0, table::printable(&s.path));
            }
            row
        })
        .collect();
    emit(&table::render(header, &rows))
}

/// A shell variable is a C string: a value with a NUL byte would be cut short, so `--format
/// shell` refuses it (with the name) instead of writing something else than what is stored.
fn refuse_unholdable(
    format: ExportFormat,
    named: &std::collections::BTreeMap<String, Secret>,
) -> Result<(), ClientError> {
    if format != ExportFormat::Shell {
        return Ok(());
    }
    let holding_nul: Vec<&str> = named
        .iter()
        .filter(|(_, s)| s.value.contains('\0'))
        .map(|(name, _)| name.as_str())
        .collect();
    if holding_nul.is_empty() {
        return Ok(());
    }
    Err(ClientError::new(
        DATA,
        format!(
            "cannot export {} as shell: the value holds a NUL byte, which no shell variable can hold (use --format json or yaml)",
            table::name_list(&holding_nul)
        ),
    ))
}

/// One secret per name, warning about names found in several folders.
pub fn one_per_name(secrets: Vec<Secret>) -> std::collections::BTreeMap<String, Secret> {
    let (named, shadowed) = by_name(secrets);
    for Shadowed { name, paths } in shadowed {
        let winner = paths.last().map_or("", String::as_str);
        eprintln!(
            "envkeep: warning: {} exists in {}; using the one in {}",
            table::printable(&name),
            table::name_list(&paths),
            table::printable(winner)
        );
    }
    named
}

pub(super) fn pretty(value: &impl serde::Serialize) -> Result<String, ClientError> {
    let mut text =
        serde_json::to_string_pretty(value).map_err(|e| ClientError::unexpected(e.to_string()))?;
    text.push('\n');
    Ok(text)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
pub(super) fn emit(text: &str) -> Result<(), ClientError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(ClientError::new(IO, format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}

/// The value of `set` from stdin, without the one line break a shell or `echo` adds.
fn read_stdin() -> Result<String, ClientError> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprintln!("envkeep: type the value, then press Ctrl-D");
    }
    let mut value = String::new();
    stdin
        .read_to_string(&mut value)
        .map_err(|e| ClientError::new(IO, format!("cannot read the value from stdin: {e}")))?;
    Ok(strip_one_newline(value))
}

fn strip_one_newline(mut value: String) -> String {
    if value.ends_with('\n') {
        value.pop();
        if value.ends_with('\r') {
            value.pop();
        }
    }
    value
}

/// Creates or truncates `file` readable by its owner only, then writes `text`.
fn write_private(file: &Path, text: &str) -> Result<(), ClientError> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let failed =
        |e: std::io::Error| ClientError::new(IO, format!("cannot write {}: {e}", file.display()));
    let mut handle = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(file)
        .map_err(failed)?;
    // An existing file keeps its mode on open; tighten it before the secrets go in.
    handle
        .set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(failed)?;
    handle.write_all(text.as_bytes()).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_trailing_line_break_is_removed_from_stdin() {
        assert_eq!(strip_one_newline("v\n".into()), "v");
        assert_eq!(strip_one_newline("v\r\n".into()), "v");
        assert_eq!(strip_one_newline("v\n\n".into()), "v\n");
        assert_eq!(strip_one_newline("v".into()), "v");
    }

    #[test]
    fn a_nul_byte_is_refused_in_shell_exports_only() {
        use crate::client::secret::tests::at_root;
        let named = at_root(&[("OK", "fine"), ("BAD", "a\0b")]);
        let refused = refuse_unholdable(ExportFormat::Shell, &named).unwrap_err();
        assert_eq!(refused.code, DATA);
        assert!(refused.message.contains("BAD") && refused.message.contains("NUL"));
        assert!(refuse_unholdable(ExportFormat::Json, &named).is_ok());
    }

    #[test]
    fn exported_files_are_private_even_when_they_existed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(".env");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&file, "A=\"1\"\n").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "A=\"1\"\n");
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

//! `envkeep check`: can this database be served? SQLite's integrity check, a schema version this
//! binary supports, a root key that opens it (the sealed check value, every project's keys and
//! one secret per project), and the row counts. Read-only, so it is safe beside a running server
//! and on a backup. Exit 0, or 1 with one line per problem naming what is wrong.

use crate::cli::CheckArgs;
use crate::crypto::{root_key, Key32};
use crate::db::{backup, check, meta, migrations};
use crate::store::keys::{opens_root_key_check, unseal_project_keys};
use crate::store::secret_aad;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use zeroize::Zeroizing;

/// Where the root key may come from: given (flag or `ENVKEEP_ROOT_KEY`), else the first
/// `root.key` found in these directories.
pub struct KeySource {
    pub given: Option<String>,
    pub dirs: Vec<PathBuf>,
}

#[derive(Debug, Default)]
pub struct Report {
    /// What checked out, one line each.
    pub passed: Vec<String>,
    /// What is wrong, one line each, starting with the part that failed.
    pub problems: Vec<String>,
}

impl Report {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }

    /// Prints the report (what passed to stdout, problems to stderr) and the exit code.
    pub fn print(&self, database: &Path) -> ExitCode {
        for line in &self.passed {
            println!("{line}");
        }
        for problem in &self.problems {
            eprintln!("problem: {problem}");
        }
        if self.is_ok() {
            println!("check passed: {}", database.display());
            ExitCode::SUCCESS
        } else {
            eprintln!(
                "check failed: {} problem(s) in {}",
                self.problems.len(),
                database.display()
            );
            ExitCode::FAILURE
        }
    }
}

pub fn main(args: &CheckArgs) -> ExitCode {
    let (database, dirs) = match &args.path {
        Some(path) if path.is_dir() => (path.join("envkeep.db"), vec![path.clone()]),
        Some(file) => {
            let beside = file.parent().map(Path::to_path_buf).unwrap_or_default();
            (file.clone(), vec![beside, args.location.data_dir.clone()])
        }
        None => (
            args.location.database_path(),
            vec![args.location.data_dir.clone()],
        ),
    };
    let keys = KeySource {
        given: args.root_key.clone(),
        dirs,
    };
    run(&database, &keys).print(&database)
}

/// Checks the database at `path` without changing it.
pub fn run(path: &Path, keys: &KeySource) -> Report {
    let mut report = Report::default();
    if !path.is_file() {
        report
            .problems
            .push(format!("database: no file at {}", path.display()));
        return report;
    }
    let conn = match backup::open_read_only(path) {
        Ok(conn) => conn,
        Err(e) => {
            report
                .problems
                .push(format!("database: cannot open {}: {e}", path.display()));
            return report;
        }
    };
    match check::integrity_problems(&conn) {
        Ok(problems) if problems.is_empty() => report.passed.push("integrity: ok".into()),
        Ok(problems) => report
            .problems
            .push(format!("integrity: {}", problems.join("; "))),
        Err(e) => report.problems.push(format!("integrity: {e}")),
    }
    if !schema(&conn, &mut report) {
        return report;
    }
    root_key_opens(&conn, keys, &mut report);
    match check::counts(&conn) {
        Ok(c) => report.passed.push(format!(
            "counts: {} projects, {} secrets, {} service tokens, {} users",
            c.projects, c.secrets, c.tokens, c.users
        )),
        Err(e) => report.problems.push(format!("counts: {e}")),
    }
    report
}

/// Reports the schema version; false when the file is not an Envkeep database at all.
fn schema(conn: &Connection, report: &mut Report) -> bool {
    let latest = migrations::latest_version();
    match migrations::user_version(conn) {
        Ok(0) => {
            report
                .problems
                .push("schema: not an Envkeep database (schema version 0)".into());
            false
        }
        Ok(found) if found > latest => {
            report.problems.push(format!(
                "schema: version {found} is newer than this envkeep supports ({latest}); use a newer envkeep"
            ));
            true
        }
        Ok(found) if found < latest => {
            report.passed.push(format!(
                "schema: version {found}, older than this envkeep's {latest}: the server upgrades it at start (back it up first)"
            ));
            true
        }
        Ok(found) => {
            report.passed.push(format!("schema: version {found}"));
            true
        }
        Err(e) => {
            report.problems.push(format!("schema: {e}"));
            false
        }
    }
}

/// The key given, else the first `root.key` in the source's directories; with where it came
/// from (never the key itself).
pub fn find_key(keys: &KeySource) -> Result<(Key32, String), String> {
    if let Some(text) = &keys.given {
        let key = root_key::parse(text).map_err(|e| e.to_string())?;
        return Ok((key, String::from("ENVKEEP_ROOT_KEY")));
    }
    for dir in &keys.dirs {
        let file = dir.join("root.key");
        if let Some(key) = root_key::read_file(&file).map_err(|e| e.to_string())? {
            return Ok((key, file.display().to_string()));
        }
    }
    let looked: Vec<String> = keys
        .dirs
        .iter()
        .map(|d| d.join("root.key").display().to_string())
        .collect();
    Err(format!(
        "none found (looked for {}); set ENVKEEP_ROOT_KEY",
        looked.join(", ")
    ))
}

fn root_key_opens(conn: &Connection, keys: &KeySource, report: &mut Report) {
    let (key, source) = match find_key(keys) {
        Ok(found) => found,
        Err(e) => return report.problems.push(format!("root key: {e}")),
    };
    let root = key.cipher();
    match meta::get(conn, meta::ROOT_KEY_CHECK) {
        Ok(Some(sealed)) if opens_root_key_check(&root, &sealed) => {}
        Ok(Some(_)) => {
            return report.problems.push(format!(
                "root key: the key from {source} does not open this database; use the key it was created with"
            ))
        }
        Ok(None) => {
            return report.problems.push(
                "root key: the database holds no root-key check value (no server ever started on it)"
                    .into(),
            )
        }
        Err(e) => return report.problems.push(format!("root key: {e}")),
    }
    let samples = match check::project_samples(conn) {
        Ok(samples) => samples,
        Err(e) => return report.problems.push(format!("sealed rows: {e}")),
    };
    let mut secrets_opened = 0;
    let before = report.problems.len();
    for sample in &samples {
        let project = &sample.project_id;
        let Ok(project_keys) = unseal_project_keys(&root, project, &sample.keys) else {
            report.problems.push(format!(
                "sealed rows: project {project}: its keys do not open with the root key (the row is damaged)"
            ));
            continue;
        };
        if let Some(secret) = &sample.secret {
            let aad = secret_aad(
                project,
                &secret.environment_id,
                &secret.path,
                &secret.key,
                "value",
            );
            match project_keys.data.open(&secret.value_ct, &aad) {
                Ok(plain) => {
                    drop(Zeroizing::new(plain));
                    secrets_opened += 1;
                }
                Err(_) => report.problems.push(format!(
                    "sealed rows: project {project}: a secret's value in folder {} does not open (the row is damaged)",
                    secret.path
                )),
            }
        }
    }
    if report.problems.len() == before {
        report.passed.push(format!(
            "root key (from {source}): opens the check value, the keys of {} projects and {secrets_opened} sample secrets",
            samples.len()
        ));
    }
}

//! `envkeep restore <backup-file>`: copies a backup into a data directory that holds nothing
//! but (optionally) the `root.key`, created 0700 when missing, then runs `envkeep check` on the
//! result. It never replaces a database: an operator who means to, moves the old one away first.

use super::check::{self, KeySource};
use crate::cli::RestoreArgs;
use crate::db::{backup, files};
use std::path::Path;
use std::process::ExitCode;

pub fn main(args: &RestoreArgs) -> ExitCode {
    let database = args.location.database_path();
    if let Err(e) = restore(&args.backup, &args.location.data_dir, &database) {
        eprintln!("envkeep restore: {e}");
        return ExitCode::FAILURE;
    }
    println!(
        "restored {} to {}",
        args.backup.display(),
        database.display()
    );
    let keys = KeySource {
        given: args.root_key.clone(),
        dirs: vec![args.location.data_dir.clone()],
    };
    let report = check::run(&database, &keys);
    if !report.is_ok() {
        eprintln!("the restored database is in place but failed its check: fix what is listed before starting the server");
    }
    report.print(&database)
}

fn restore(source: &Path, data_dir: &Path, database: &Path) -> Result<(), String> {
    if !source.is_file() {
        return Err(format!("no backup file at {}", source.display()));
    }
    let found = occupants(data_dir, database)?;
    if !found.is_empty() {
        return Err(format!(
            "refusing to restore into {}: it holds {} (only a root.key may be there). Restore into a new or empty directory, or move the current data away first",
            data_dir.display(),
            found.join(", ")
        ));
    }
    for dir in [Some(data_dir), database.parent()].into_iter().flatten() {
        if !dir.as_os_str().is_empty() {
            files::create_private_dir(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
    }
    backup::backup(source, database)
}

/// What is in the way: every entry of the data directory but `root.key`, and the database file
/// or its WAL and shared memory wherever `ENVKEEP_DATABASE` puts them.
fn occupants(data_dir: &Path, database: &Path) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    match std::fs::read_dir(data_dir) {
        Ok(entries) => {
            for entry in entries {
                let entry =
                    entry.map_err(|e| format!("cannot list {}: {e}", data_dir.display()))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name != "root.key" {
                    found.push(name);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot list {}: {e}", data_dir.display())),
    }
    if !database.starts_with(data_dir) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = database.as_os_str().to_owned();
            name.push(suffix);
            if Path::new(&name).exists() {
                found.push(Path::new(&name).display().to_string());
            }
        }
    }
    found.sort();
    Ok(found)
}

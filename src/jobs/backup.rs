//! Scheduled backups: a verified online copy of the database named `envkeep-<UTC time>.db` in
//! the backup directory (0700), created 0600, and the oldest beyond the number to keep removed.
//!
//! A copy is written under a hidden `.partial` name, verified by opening it, then renamed, so a
//! file with the final name is always complete and checked; partial files left by a crash are
//! removed by the next run. Only files with the exact name pattern are ever pruned.

use crate::db::files;
use crate::store::Store;
use chrono::{DateTime, NaiveDateTime, Utc};
use std::path::{Path, PathBuf};

const PREFIX: &str = "envkeep-";
const SUFFIX: &str = ".db";
const PARTIAL: &str = ".partial";
const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    pub file: PathBuf,
    /// Older backups removed because more than the number to keep existed.
    pub removed: usize,
}

/// `envkeep-20250131T020000Z.db` for that time: names sort by time.
pub fn file_name(now: DateTime<Utc>) -> String {
    format!("{PREFIX}{}{SUFFIX}", now.format(TIME_FORMAT))
}

fn is_backup_name(name: &str) -> bool {
    name.strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
        .is_some_and(|time| NaiveDateTime::parse_from_str(time, TIME_FORMAT).is_ok())
}

/// The scheduled backups in `dir`, oldest first.
pub fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| is_backup_name(name))
        .collect();
    names.sort();
    Ok(names.into_iter().map(|name| dir.join(name)).collect())
}

/// Writes one backup at `now` and prunes to `keep` (blocking; call from a blocking thread).
pub fn run_once(
    store: &Store,
    dir: &Path,
    keep: usize,
    now: DateTime<Utc>,
) -> Result<BackupReport, String> {
    files::create_private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    remove_partials(dir);
    let name = file_name(now);
    let file = dir.join(&name);
    if file.exists() {
        return Err(format!("{} already exists", file.display()));
    }
    let partial = dir.join(format!(".{name}{PARTIAL}"));
    if let Err(e) = store.backup_blocking(&partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, &file)
        .map_err(|e| format!("cannot rename the copy to {}: {e}", file.display()))?;
    let removed = prune(dir, keep)?;
    Ok(BackupReport { file, removed })
}

fn remove_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(PARTIAL) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the oldest backups beyond `keep`; returns how many.
fn prune(dir: &Path, keep: usize) -> Result<usize, String> {
    let backups = list(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let excess = backups.len().saturating_sub(keep.max(1));
    for old in &backups[..excess] {
        std::fs::remove_file(old).map_err(|e| format!("cannot remove {}: {e}", old.display()))?;
    }
    Ok(excess)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::Key32;
    use crate::db::{Db, Durability};
    use chrono::TimeZone;

    fn store(dir: &Path) -> Store {
        let db = Db::open(&dir.join("envkeep.db"), Durability::Normal).unwrap();
        Store::new(db, Key32::generate(), crate::store::Bounds::default())
    }

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 1, 31, 2, 0, second).unwrap()
    }

    #[test]
    fn names_sort_by_time_and_only_exact_names_count() {
        assert_eq!(file_name(at(5)), "envkeep-20250131T020005Z.db");
        assert!(is_backup_name("envkeep-20250131T020005Z.db"));
        for other in [
            "envkeep.db",
            "envkeep-latest.db",
            ".envkeep-20250131T020005Z.db.partial",
        ] {
            assert!(!is_backup_name(other), "{other}");
        }
    }

    #[test]
    fn runs_keep_the_newest_and_leave_other_files_alone() {
        let data = tempfile::tempdir().unwrap();
        let store = store(data.path());
        let dir = data.path().join("backups");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        std::fs::write(dir.join(".envkeep-20000101T000000Z.db.partial"), "crashed").unwrap();
        for second in 0..4 {
            run_once(&store, &dir, 2, at(second)).unwrap();
        }
        let names: Vec<String> = list(&dir)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [file_name(at(2)), file_name(at(3))]);
        assert!(dir.join("notes.txt").exists());
        assert!(!dir.join(".envkeep-20000101T000000Z.db.partial").exists());
        assert!(
            run_once(&store, &dir, 2, at(3)).is_err(),
            "never overwrites"
        );
    }
}

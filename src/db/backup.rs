//! Online copies of the database: `envkeep backup`, the scheduled backups and `envkeep restore`
//! all copy with `VACUUM INTO`, which reads one snapshot, so a copy is consistent while a server
//! writes. Copies are created 0600 (see `files`).

use super::files::create_private_file;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Opens `path` for reading only; never creates it.
pub fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// Writes a consistent copy of the database at `source` into the new file `target`, readable by
/// the owner only; refuses an existing `target`. A failed copy leaves no file behind.
pub fn backup(source: &Path, target: &Path) -> Result<(), String> {
    if !source.exists() {
        return Err(format!("no database at {}", source.display()));
    }
    let target_text = target
        .to_str()
        .ok_or("the backup path must be valid UTF-8")?;
    create_private_file(target).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("{} already exists; choose a new file", target.display())
        }
        _ => format!("cannot create {}: {e}", target.display()),
    })?;
    let copied = open_read_only(source)
        .map_err(|e| format!("cannot open {}: {e}", source.display()))
        .and_then(|conn| {
            conn.execute("VACUUM INTO ?1", [target_text])
                .map_err(|e| format!("backup failed: {e}"))
        })
        // VACUUM INTO does not sync the copy; a backup should survive a power cut.
        .and_then(|_| {
            std::fs::File::open(target)
                .and_then(|f| f.sync_all())
                .map_err(|e| format!("cannot sync {}: {e}", target.display()))
        });
    if copied.is_err() {
        let _ = std::fs::remove_file(target);
    }
    copied
}

/// Opens a copy and checks its pages (`quick_check`) and that it is an Envkeep database.
pub fn verify(file: &Path) -> Result<(), String> {
    let conn = open_read_only(file).map_err(|e| format!("cannot open the copy: {e}"))?;
    let quick: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| format!("the copy does not read back: {e}"))?;
    if quick != "ok" {
        return Err(format!("the copy is damaged: {quick}"));
    }
    let version = super::migrations::user_version(&conn)
        .map_err(|e| format!("the copy has no schema version: {e}"))?;
    if version == 0 {
        return Err(String::from("the copy has no Envkeep schema"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_private_verified_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("s.db");
        super::super::Db::open(&source, super::super::Durability::Normal).unwrap();
        let copy = dir.path().join("copy.db");
        backup(&source, &copy).unwrap();
        verify(&copy).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
        assert!(backup(&source, &copy)
            .unwrap_err()
            .contains("already exists"));
        let missing = dir.path().join("missing.db");
        assert!(backup(&missing, &dir.path().join("x.db")).is_err());
        assert!(
            !dir.path().join("x.db").exists(),
            "a failed copy leaves nothing"
        );
    }
}

//! The files Envkeep creates hold sealed secrets and hashes: the database, its WAL and shared
//! memory, and backups are created readable by the owner only, and directories likewise.
//!
//! SQLite gives a database's `-wal`, `-shm` and `-journal` files the mode of the database file,
//! so creating the (empty) database file 0600 before SQLite opens it makes all of them 0600
//! whatever the process umask. An empty file is a valid empty database, and an empty target is
//! what `VACUUM INTO` accepts.

use std::fs::{DirBuilder, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path` as an empty file readable by the owner only; refuses an existing file.
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}

/// Creates `path` (and missing parents) readable by the owner only; an existing directory is
/// left as it is.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let mut builder = DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// The permission bits of `path` when its group or others may use it, else `None` (also when
/// it cannot be read, or off Unix).
pub fn shared_mode(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        (mode & 0o077 != 0).then_some(mode)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn private_files_and_dirs_are_owner_only_and_shared_ones_are_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        create_private_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert!(create_private_file(&file).is_err(), "never overwrites");
        let sub = dir.path().join("a/b");
        create_private_dir(&sub).unwrap();
        assert_eq!(mode(&sub), 0o700);
        assert_eq!(shared_mode(&sub), None);
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(shared_mode(&sub), Some(0o755));
    }
}

//! Files that hold sealed secrets and hashes are readable by their owner only, whatever the
//! umask, and a data dir that others can read is reported at start.

#![cfg(unix)]

use super::commands::{envkeep, mode};
use crate::helpers::{BinaryServer, TestApp};
use std::os::unix::fs::PermissionsExt;

#[test]
fn a_database_created_in_a_shared_data_dir_is_private_and_the_dir_is_reported() {
    let server = BinaryServer::start_with(|_, data_dir| {
        std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    });
    let warning = server
        .seen()
        .iter()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find(|line| {
            line["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("data directory is open to other users"))
        })
        .unwrap_or_else(|| panic!("no warning in {:?}", server.seen()));
    assert_eq!(warning["level"], "WARN");
    assert_eq!(warning["fields"]["mode"], "755");
    let dir = server.data_dir();
    for file in ["envkeep.db", "envkeep.db-wal", "envkeep.db-shm", "root.key"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
}

#[tokio::test]
async fn envkeep_backup_writes_a_file_only_its_owner_can_read() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("copy.db");
    let ran = envkeep(
        &["backup", file.to_str().unwrap()],
        &[("ENVKEEP_DATA_DIR", &app.data_dir)],
    );
    assert!(ran.ok, "{ran}");
    assert_eq!(mode(&file), 0o600);
}

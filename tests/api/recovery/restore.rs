//! `envkeep restore` fills only a new or empty data dir (a `root.key` may be there), then checks.

use super::commands::{envkeep, stopped_with_a_secret};
use crate::helpers::TestApp;
use std::path::PathBuf;

/// A backup of a data dir holding one secret, and that data dir's server.
async fn a_backup() -> (TestApp, tempfile::TempDir, PathBuf) {
    let app = stopped_with_a_secret().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("envkeep-backup.db");
    let ran = envkeep(
        &["backup", file.to_str().unwrap()],
        &[("ENVKEEP_DATA_DIR", &app.data_dir)],
    );
    assert!(ran.ok, "{ran}");
    (app, dir, file)
}

#[tokio::test]
async fn restore_into_a_dir_holding_only_the_root_key_checks_and_serves() {
    let (app, _backups, file) = a_backup().await;
    let target = tempfile::tempdir().unwrap();
    let data = target.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(app.data_dir.join("root.key"), data.join("root.key")).unwrap();
    let ran = envkeep(
        &["restore", file.to_str().unwrap()],
        &[("ENVKEEP_DATA_DIR", &data)],
    );
    assert!(ran.ok, "{ran}");
    assert!(ran.stdout.contains("check passed"), "{ran}");
    #[cfg(unix)]
    assert_eq!(super::commands::mode(&data.join("envkeep.db")), 0o600);

    let restored = TestApp::spawn_with(|c| {
        c.use_data_dir(&data);
        c.admin = None;
    })
    .await;
    let projects = restored.as_admin().list_projects().await;
    let project = projects["projects"][0]["id"].as_str().unwrap().to_owned();
    let read = restored
        .as_admin()
        .get_secret(&project, "dev", "/app", "KEY")
        .await;
    assert_eq!(read["secret"]["value"], "value", "{read}");
}

#[tokio::test]
async fn restore_into_a_missing_dir_creates_it_private() {
    let (app, _backups, file) = a_backup().await;
    let target = tempfile::tempdir().unwrap();
    let data = target.path().join("new/data");
    let key = std::fs::read_to_string(app.data_dir.join("root.key")).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_envkeep"));
    let output = command
        .env_clear()
        .env("ENVKEEP_DATA_DIR", &data)
        .env("ENVKEEP_ROOT_KEY", key.trim())
        .args(["restore", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    #[cfg(unix)]
    assert_eq!(super::commands::mode(&data), 0o700);
}

#[tokio::test]
async fn restore_refuses_a_dir_that_holds_a_database_and_leaves_it_alone() {
    let (_app, _backups, file) = a_backup().await;
    let data = tempfile::tempdir().unwrap();
    std::fs::write(data.path().join("envkeep.db"), "the current data").unwrap();
    let ran = envkeep(
        &["restore", file.to_str().unwrap()],
        &[("ENVKEEP_DATA_DIR", data.path())],
    );
    assert!(!ran.ok, "{ran}");
    assert!(
        ran.stderr.contains("refusing to restore") && ran.stderr.contains("envkeep.db"),
        "{ran}"
    );
    assert_eq!(
        std::fs::read_to_string(data.path().join("envkeep.db")).unwrap(),
        "the current data"
    );
}

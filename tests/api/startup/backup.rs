//! `envkeep backup` copies a live server's database.

use crate::helpers::TestApp;
use std::path::Path;
use std::process::{Command, Output};

/// Runs `envkeep backup <dest>` for `app`'s data dir.
fn backup(app: &TestApp, dest: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_envkeep"))
        .arg("backup")
        .arg(dest)
        .env("ENVKEEP_DATA_DIR", &app.data_dir)
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_into_a_fresh_data_dir_and_reads_back() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Backed up").await;
    app.create_secret(&project, "dev", "/", "KEPT", "in the backup")
        .await;
    let restore = tempfile::tempdir().unwrap();
    let output = backup(&app, &restore.path().join("envkeep.db"));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::copy(
        app.data_dir.join("root.key"),
        restore.path().join("root.key"),
    )
    .unwrap();
    let restored = TestApp::spawn_with(|c| {
        c.use_data_dir(restore.path());
        c.admin = None;
    })
    .await;
    let read = restored
        .as_admin()
        .get_secret(&project, "dev", "/", "KEPT")
        .await;
    assert_eq!(read["secret"]["value"], "in the backup");
}

#[tokio::test]
async fn a_backup_reminds_to_keep_the_root_key() {
    let app = TestApp::spawn().await;
    let dest = tempfile::tempdir().unwrap();
    let output = backup(&app, &dest.path().join("envkeep.db"));
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("root key"));
}

#[tokio::test]
async fn a_backup_never_overwrites_an_existing_file() {
    let app = TestApp::spawn().await;
    let dest = tempfile::tempdir().unwrap();
    let file = dest.path().join("envkeep.db");
    assert!(backup(&app, &file).status.success());
    assert!(!backup(&app, &file).status.success());
}

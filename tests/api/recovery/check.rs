//! `envkeep check` names what is wrong, one line each, and exits 1; else 0 with the counts.

use super::commands::{check, envkeep, stopped_with_a_secret};
use envkeep::crypto::{root_key, Key32};
use std::io::{Seek, SeekFrom, Write};

#[tokio::test]
async fn check_passes_a_good_database_and_counts_its_rows() {
    let app = stopped_with_a_secret().await;
    let ran = check(&app.data_dir, &app.data_dir);
    assert!(ran.ok, "{ran}");
    assert!(ran.stdout.contains("integrity: ok"), "{ran}");
    assert!(
        ran.stdout
            .contains("counts: 1 projects, 1 secrets, 0 service tokens, 1 users"),
        "{ran}"
    );
    assert!(ran.stdout.contains("1 sample secrets"), "{ran}");
}

#[tokio::test]
async fn check_with_a_wrong_root_key_says_root_key() {
    let app = stopped_with_a_secret().await;
    let other = root_key::encode(&Key32::generate());
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_envkeep"));
    let output = command
        .env_clear()
        .env("ENVKEEP_ROOT_KEY", &other)
        .args(["check", app.data_dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("problem: root key:"), "{stderr}");
    assert!(!stderr.contains(&other), "the key is never echoed");
}

#[tokio::test]
async fn check_finds_a_corrupted_page() {
    let app = stopped_with_a_secret().await;
    let root_page: i64 = app
        .sqlite()
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = 'secrets'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .open(app.db_path())
        .unwrap();
    file.seek(SeekFrom::Start((root_page as u64 - 1) * 4096))
        .unwrap();
    file.write_all(&[0xA5; 4096]).unwrap();
    drop(file);
    let ran = check(&app.data_dir, &app.data_dir);
    assert!(!ran.ok, "{ran}");
    assert!(ran.stderr.contains("problem: integrity:"), "{ran}");
}

#[tokio::test]
async fn check_refuses_a_schema_newer_than_the_binary() {
    let app = stopped_with_a_secret().await;
    app.sqlite()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let ran = check(&app.data_dir, &app.data_dir);
    assert!(!ran.ok, "{ran}");
    assert!(
        ran.stderr
            .contains("problem: schema: version 999 is newer than this envkeep supports"),
        "{ran}"
    );
}

#[test]
fn check_of_a_missing_database_fails_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let ran = envkeep(&["check"], &[("ENVKEEP_DATA_DIR", dir.path())]);
    assert!(!ran.ok);
    assert!(
        ran.stderr.contains("problem: database: no file at"),
        "{ran}"
    );
}

#[tokio::test]
async fn check_passes_beside_a_running_server() {
    let app = crate::helpers::TestApp::spawn().await;
    let project = app.create_project("Running").await;
    app.create_secret(&project, "dev", "/", "LIVE", "value")
        .await;
    let ran = check(&app.data_dir, &app.data_dir);
    assert!(ran.ok, "{ran}");
    let still = app
        .as_admin()
        .get_secret(&project, "dev", "/", "LIVE")
        .await;
    assert_eq!(still["secret"]["value"], "value", "{still}");
}

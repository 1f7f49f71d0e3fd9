//! Forced faults answer generic errors: no SQL, file paths, keys or tokens in any body.

use super::support::{assert_generic_5xx, project_with_token};
use crate::helpers::TestApp;
use reqwest::StatusCode;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

/// Makes files read-only for as long as it lives. File modes do not stop root (CI runs as root),
/// so it falls back to the immutable attribute there, and undoes it on drop.
struct ReadOnly(Vec<PathBuf>);

impl ReadOnly {
    fn new(files: Vec<PathBuf>) -> Self {
        for file in &files {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o444)).unwrap();
        }
        let guard = Self(files);
        if guard
            .0
            .iter()
            .any(|f| std::fs::OpenOptions::new().append(true).open(f).is_ok())
        {
            let status = Command::new("chattr").arg("+i").args(&guard.0).status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "cannot make the database read-only here (chattr +i failed)"
            );
        }
        guard
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = Command::new("chattr")
            .arg("-i")
            .args(&self.0)
            .stderr(Stdio::null())
            .status();
        for file in &self.0 {
            let _ = std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_became_read_only_answers_generic_errors() {
    let app = TestApp::spawn().await;
    let (project, token, _) = project_with_token(&app).await;
    let db = app.db_path();
    let files: Vec<PathBuf> = ["", "-wal"]
        .iter()
        .map(|s| PathBuf::from(format!("{}{s}", db.display())))
        .filter(|p| p.exists())
        .collect();
    // Not the -shm index: SQLite maps it into memory, and a write fault there is a SIGBUS.
    let _read_only = ReadOnly::new(files);

    let holder = app.as_token(&token);
    for n in 0..20 {
        let refused = holder
            .create_secret(&project, "dev", "/", &format!("K{n}"), "v")
            .await;
        assert_ne!(
            refused.status,
            StatusCode::CREATED,
            "a write succeeded on a read-only database: {refused}"
        );
        assert_generic_5xx(
            &refused,
            &[
                &token,
                &app.admin_token,
                "readonly",
                "read-only",
                "i/o",
                "permission",
            ],
        );
    }
    for read in [
        app.as_admin().list_secrets(&project, "dev", "/").await,
        app.as_admin().list_projects().await,
    ] {
        if read.status.is_server_error() {
            assert_generic_5xx(&read, &[&token, &app.admin_token, "no such table"]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exhausted_connection_pool_answers_a_generic_503_and_recovers() {
    let app = TestApp::spawn().await;
    let (project, token, _) = project_with_token(&app).await;
    // Hold every pooled connection on plain threads until the request has been answered.
    let size = envkeep::db::POOL_SIZE as usize;
    let held = Arc::new(Barrier::new(size + 1));
    let release = Arc::new(Barrier::new(size + 1));
    let mut holders = Vec::new();
    for _ in 0..size {
        let (db, held, release) = (app.state.store.clone(), held.clone(), release.clone());
        holders.push(std::thread::spawn(move || {
            db.read_blocking(|_conn| -> Result<(), envkeep::db::DbError> {
                held.wait();
                release.wait();
                Ok(())
            })
        }));
    }
    let waiter = held.clone();
    tokio::task::spawn_blocking(move || waiter.wait())
        .await
        .unwrap();

    let holder = app.as_token(&token);
    let busy = holder.list_secrets(&project, "dev", "/").await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE, "{busy}");
    assert_generic_5xx(&busy, &[&token, "timed out", "pool"]);

    let releaser = release.clone();
    tokio::task::spawn_blocking(move || releaser.wait())
        .await
        .unwrap();
    for holder in holders {
        holder.join().unwrap().unwrap();
    }
    let recovered = holder.list_secrets(&project, "dev", "/").await;
    assert_eq!(recovered.status, StatusCode::OK);
}

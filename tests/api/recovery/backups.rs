//! Scheduled backups: every second with KEEP=2 leaves the two newest copies, each 0600 and each
//! passing `envkeep check`, and `/healthz` says the last one went well.

use super::commands::check;
use crate::helpers::BinaryServer;
use serde_json::Value;

fn is_backup_line(line: &Value) -> bool {
    line["fields"]["message"] == "backup written and verified"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_every_second_keep_the_newest_two_private_and_checked() {
    let mut server = BinaryServer::start_with(|command, _| {
        command
            .env("ENVKEEP_BACKUP_SCHEDULE", "* * * * * *")
            .env("ENVKEEP_BACKUP_KEEP", "2");
    });
    let health = server.api().get("/healthz").await;
    assert_eq!(health.json["lastBackup"], Value::Null, "{health}");
    // Three backups: the third one made the first one the oldest beyond KEEP.
    let mut removed = 0;
    for _ in 0..3 {
        let line = server.wait_for(is_backup_line);
        removed += line["fields"]["removed"].as_u64().unwrap();
    }
    assert!(removed >= 1, "nothing was pruned");
    let health = server.api().get("/healthz").await;
    assert_eq!(health.text, r#"{"status":"ok","lastBackup":"ok"}"#);

    // Killed, so no backup is in flight while the files are read.
    server.kill();
    let files = envkeep_backups(&server.data_dir().join("backups"));
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        #[cfg(unix)]
        assert_eq!(super::commands::mode(file), 0o600, "{}", file.display());
        let ran = check(file, server.data_dir());
        assert!(ran.ok, "{}: {ran}", file.display());
    }
}

fn envkeep_backups(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("envkeep-") && name.ends_with(".db")
        })
        .collect();
    files.sort();
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_backup_shows_in_healthz_without_its_path_or_error() {
    let mut server = BinaryServer::start_with(|command, data_dir| {
        // A file where the backup directory should be: every run fails.
        let blocked = data_dir.join("not-a-dir");
        std::fs::write(&blocked, "a file").unwrap();
        command
            .env("ENVKEEP_BACKUP_SCHEDULE", "* * * * * *")
            .env("ENVKEEP_BACKUP_DIR", blocked.join("backups"));
    });
    let failed = server.wait_for(|line| {
        line["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("scheduled backup failed"))
    });
    assert_eq!(failed["level"], "ERROR");
    let health = server.api().get("/healthz").await;
    assert_eq!(health.text, r#"{"status":"ok","lastBackup":"failed"}"#);
}

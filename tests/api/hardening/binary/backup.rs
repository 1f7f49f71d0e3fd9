//! `envkeep backup` while writers run: the copy passes `integrity_check`, and a server started on
//! it (with the same root key) serves every write acknowledged before the backup started.

use super::process::{binary, integrity, Server};
use crate::hardening::load::{all_secrets, prepare};
use crate::helpers::Api;
use reqwest::StatusCode;
use std::collections::HashMap;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Creates secrets in `/b{id}` until `stop`, recording each acknowledged one.
async fn write_while(
    admin: Api,
    project: String,
    id: usize,
    acked: Arc<Mutex<HashMap<String, String>>>,
    stop: Arc<AtomicBool>,
) {
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let (key, value) = (format!("B{id}_{n}"), format!("backup-{id}-{n}"));
        let created = admin
            .create_secret(&project, "dev", &format!("/b{id}"), &key, &value)
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{created}");
        acked.lock().unwrap().insert(format!("/b{id}/{key}"), value);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn a_backup_under_load_is_consistent_and_has_every_earlier_write() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let target = prepare(&server.admin().await).await;
    let acked = Arc::new(Mutex::new(HashMap::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = tokio::task::JoinSet::new();
    for id in 0..6 {
        writers.spawn(write_while(
            target.admin.clone(),
            target.project.clone(),
            id,
            acked.clone(),
            stop.clone(),
        ));
    }
    // Let a few hundred writes land, then snapshot what is acknowledged and back up at once.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while acked.lock().unwrap().len() < 300 {
        assert!(
            std::time::Instant::now() < deadline,
            "writers stalled before the backup"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let before: HashMap<String, String> = acked.lock().unwrap().clone();
    let copy = dir.path().join("copy.db");
    let output = tokio::task::spawn_blocking({
        let (db, copy) = (dir.path().join("envkeep.db"), copy.clone());
        move || {
            Command::new(binary())
                .arg("backup")
                .arg(&copy)
                .arg("--database")
                .arg(&db)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let during = acked.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::SeqCst);
    while let Some(done) = writers.join_next().await {
        done.expect("writer");
    }
    assert!(
        output.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        during > 0,
        "no write happened during the backup; the test proved nothing"
    );
    assert_eq!(integrity(&copy), "ok");
    server.terminate_and_wait();

    // Serve the copy from a fresh data dir with the same root key.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&copy, restored.path().join("envkeep.db")).unwrap();
    std::fs::copy(
        dir.path().join("root.key"),
        restored.path().join("root.key"),
    )
    .unwrap();
    let from_backup = Server::start(restored.path());
    let found = all_secrets(&from_backup.admin().await, &target.project).await;
    let missing: Vec<&String> = before
        .iter()
        .filter(|(k, v)| found.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        missing.is_empty(),
        "{} writes acknowledged before the backup are missing: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    println!(
        "backup: {} writes acknowledged before it, {during} during it; the copy has all earlier ones, integrity ok",
        before.len()
    );
    from_backup.terminate_and_wait();
}

//! Crash safety: writers record every acknowledged write while the server is SIGKILLed at random
//! moments; after each restart every acknowledged write is there and the file is intact.

use super::process::{integrity, Server};
use crate::hardening::load::{all_secrets, prepare};
use crate::helpers::{paths, Api};
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The cycles write far more than a folder's default 1,000 secrets into few folders: what they
/// prove is durability, not the storage limits (tests/api/hardening/storage_limits.rs).
const NO_FOLDER_LIMIT: &[(&str, &str)] = &[
    ("ENVKEEP_MAX_SECRETS_PER_FOLDER", "1000000"),
    ("ENVKEEP_MAX_SECRETS_PER_PROJECT", "1000000"),
];

const WRITERS: usize = 4;

/// What the writers know: acknowledged values by key, and for each writer's counter the last
/// acknowledged and the last attempted value (an unacknowledged write may or may not be there).
#[derive(Default)]
struct Ledger {
    acknowledged: HashMap<String, String>,
    counters: HashMap<usize, (u64, u64)>,
}

async fn write_until_killed(
    admin: Api,
    project: String,
    cycle: usize,
    id: usize,
    ledger: Arc<Mutex<Ledger>>,
) {
    for n in 0.. {
        let (key, value) = (format!("C{cycle}_W{id}_{n}"), format!("v{cycle}-{id}-{n}"));
        let body = json!({ "environment": "dev", "path": format!("/crash/c{cycle}"), "key": key, "value": value });
        let created = admin
            .try_send_json(Method::POST, &paths::secrets(&project), body)
            .await;
        match created {
            Ok(r) if r.status == StatusCode::CREATED => {
                ledger
                    .lock()
                    .unwrap()
                    .acknowledged
                    .insert(format!("/crash/c{cycle}/{key}"), value);
            }
            Ok(r) => panic!("create answered {r} before the kill"),
            Err(_) => return,
        }
        let counter = ledger
            .lock()
            .unwrap()
            .counters
            .get(&id)
            .map(|c| c.1)
            .unwrap_or(0)
            + 1;
        ledger.lock().unwrap().counters.entry(id).or_default().1 = counter;
        let patched = admin
            .try_send_json(
                Method::PATCH,
                &paths::secret(&project, "dev", "/", &format!("COUNTER_{id}")),
                json!({ "value": counter.to_string() }),
            )
            .await;
        match patched {
            Ok(r) if r.status == StatusCode::OK => {
                ledger.lock().unwrap().counters.entry(id).or_default().0 = counter
            }
            Ok(r) => panic!("update answered {r} before the kill"),
            Err(_) => return,
        }
    }
}

fn check(found: &HashMap<String, String>, ledger: &Ledger) {
    let mut missing = Vec::new();
    for (key, value) in &ledger.acknowledged {
        if found.get(key) != Some(value) {
            missing.push(format!(
                "{key}: expected {value:?}, found {:?}",
                found.get(key)
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "{} acknowledged writes lost: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    for (id, (acked, attempted)) in &ledger.counters {
        let value: u64 = found
            .get(&format!("/COUNTER_{id}"))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!(
            (*acked..=*attempted).contains(&value),
            "counter {id} is {value}, acknowledged {acked}, attempted {attempted}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn every_acknowledged_write_survives_sigkill_cycles() {
    let cycles: usize = std::env::var("ENVKEEP_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("envkeep.db");
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    let server = Server::start_with(dir.path(), NO_FOLDER_LIMIT);
    let target = prepare(&server.admin().await).await;
    let project = target.project.clone();
    for id in 0..WRITERS {
        let seeded = target
            .admin
            .create_secret(&project, "dev", "/", &format!("COUNTER_{id}"), "0")
            .await;
        assert_eq!(seeded.status, StatusCode::CREATED);
    }
    let mut server = Some(server);
    let mut total_kills = 0;
    for cycle in 0..cycles {
        let running = match server.take() {
            Some(s) => s,
            None => Server::start_with(dir.path(), NO_FOLDER_LIMIT),
        };
        let admin = running.admin().await;
        let mut writers = tokio::task::JoinSet::new();
        for id in 0..WRITERS {
            writers.spawn(write_until_killed(
                admin.clone(),
                project.clone(),
                cycle,
                id,
                ledger.clone(),
            ));
        }
        // A random moment in the middle of the writes.
        let delay = rand::thread_rng().gen_range(300..1_500);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        running.kill();
        total_kills += 1;
        while let Some(done) = writers.join_next().await {
            done.expect("writer");
        }
        // Every other cycle, check the file directly (SQLite recovers the WAL here); otherwise
        // let the restarted server recover it.
        if cycle % 2 == 1 {
            assert_eq!(integrity(&db), "ok", "after kill {total_kills}");
        }
        println!(
            "cycle {cycle}: killed after {delay} ms, {} writes acknowledged so far",
            ledger.lock().unwrap().acknowledged.len()
        );
    }

    let restarted = Server::start_with(dir.path(), NO_FOLDER_LIMIT);
    let found = all_secrets(&restarted.admin().await, &project).await;
    check(&found, &ledger.lock().unwrap());
    let (status, _) = restarted.terminate_and_wait();
    assert!(status.success());
    assert_eq!(integrity(&db), "ok");
    let acknowledged = ledger.lock().unwrap().acknowledged.len();
    assert!(
        acknowledged >= cycles * WRITERS,
        "too few writes to prove anything: {acknowledged}"
    );
    println!(
        "crash safety: {total_kills} SIGKILLs, {acknowledged} acknowledged writes, all present; integrity_check ok"
    );
}

//! Issue 14, item 4, against the release binary: a write token fills one folder with 60 KB
//! values until the first 422, then 32 parallel listings of it (native and Infisical encrypted)
//! keep the server's peak resident memory (`VmHWM`) under 256 MiB, and nothing answers 5xx but
//! the listing budget's 503. A watchdog kills the server past 1 GiB, so a regression fails the
//! test instead of exhausting the machine.

use super::process::Server;
use crate::helpers::{access_part, Api};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::task::JoinSet;

const VALUE_BYTES: usize = 60_000;
const PARALLEL_LISTINGS: usize = 32;
const PEAK_LIMIT_KIB: u64 = 256 * 1024;
const WATCHDOG_KIB: u64 = 1024 * 1024;
/// Far above the default folder limit: a server that never says 422 stops the fill here.
const FILL_CAP: usize = 1_200;

/// A `kB` field of `/proc/<pid>/status` (`VmHWM`, `VmRSS`), or `None` once the process is gone.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Creates 60 KB secrets in dev:/full, eight at a time, until the first 422 (or the cap).
/// Returns how many were stored and whether a 422 came.
async fn fill(writer: &Api, project: &str) -> (usize, bool) {
    let value = "v".repeat(VALUE_BYTES);
    let (mut stored, mut next) = (0, 0);
    while next < FILL_CAP {
        let mut batch = JoinSet::new();
        for _ in 0..8 {
            let (writer, project, value) = (writer.clone(), project.to_owned(), value.clone());
            let key = format!("K{next:05}");
            next += 1;
            batch.spawn(async move {
                let made = writer
                    .create_secret(&project, "dev", "/full", &key, &value)
                    .await;
                (made.status, made.text)
            });
        }
        let mut refused = false;
        for (status, text) in batch.join_all().await {
            match status {
                StatusCode::CREATED => stored += 1,
                StatusCode::UNPROCESSABLE_ENTITY => refused = true,
                other => panic!("fill: {other} {text}"),
            }
        }
        if refused {
            return (stored, true);
        }
    }
    (stored, false)
}

/// One listing's outcome: its kind, status, `Retry-After`, and body size (read in chunks and
/// dropped, so the test's own memory stays small). `Err` when the server went away.
type Outcome = Result<(&'static str, StatusCode, String, usize), String>;

async fn list(reader: Api, kind: &'static str, path: String) -> Outcome {
    let mut response = reader
        .request(Method::GET, &path)
        .send()
        .await
        .map_err(|e| format!("{kind}: {e}"))?;
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("{kind}: {e}"))? {
        bytes += chunk.len();
    }
    Ok((kind, status, retry, bytes))
}

/// Samples the server's resident memory every 20 ms; past [`WATCHDOG_KIB`] it kills the server.
fn watchdog(pid: u32, stop: Arc<AtomicBool>, peak: Arc<AtomicU64>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            let Some(rss) = status_kib(pid, "VmRSS") else {
                return;
            };
            peak.fetch_max(rss, Ordering::Relaxed);
            if rss > WATCHDOG_KIB {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn parallel_listings_of_a_full_folder_of_large_values_stay_under_256_mib() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let admin = server.admin().await;
    let created = admin.create_project("big").await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    let minted = admin
        .mint(&project, json!({ "name": "filler", "scopes": [{ "environment": "dev", "secretPath": "/**" }], "permissions": ["read", "write"], "expiresIn": null }))
        .await;
    let token = access_part(minted["token"].as_str().unwrap());
    let client = server.api().with_bearer(&token);

    let started = Instant::now();
    let (stored, refused) = fill(&client, &project).await;
    println!(
        "fill: {stored} secrets of {VALUE_BYTES} bytes in {:?}, 422 seen: {refused}",
        started.elapsed()
    );

    let pid = server.pid();
    let (stop, sampled) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let dog = watchdog(pid, stop.clone(), sampled.clone());
    let started = Instant::now();
    let mut listings = JoinSet::new();
    for i in 0..PARALLEL_LISTINGS {
        let (kind, path) = if i % 2 == 0 {
            (
                "native",
                format!("/api/v1/projects/{project}/secrets?environment=dev&path=/full"),
            )
        } else {
            (
                "encrypted",
                format!("/api/v3/secrets?workspaceId={project}&environment=dev&secretPath=%2Ffull"),
            )
        };
        listings.spawn(list(client.clone(), kind, path));
    }
    let outcomes = listings.join_all().await;
    let elapsed = started.elapsed();
    let peak = status_kib(pid, "VmHWM").unwrap_or(sampled.load(Ordering::Relaxed));
    let rss = status_kib(pid, "VmRSS");
    stop.store(true, Ordering::Relaxed);
    dog.join().unwrap();

    let mut served = std::collections::BTreeMap::new();
    for outcome in &outcomes {
        match outcome {
            Ok((kind, status, _, bytes)) => {
                *served.entry((*kind, status.as_u16())).or_insert(0) += 1;
                if *status == StatusCode::OK {
                    assert!(
                        *bytes > stored * VALUE_BYTES,
                        "{kind}: a short body ({bytes} bytes)"
                    );
                }
            }
            Err(e) => println!("listing failed: {e}"),
        }
    }
    println!(
        "{PARALLEL_LISTINGS} parallel listings in {elapsed:?}: {served:?}; server peak VmHWM {} MiB, VmRSS after {:?} MiB",
        peak / 1024,
        rss.map(|r| r / 1024)
    );
    assert!(
        peak < PEAK_LIMIT_KIB,
        "peak resident memory {} MiB (limit {} MiB)",
        peak / 1024,
        PEAK_LIMIT_KIB / 1024
    );
    for outcome in outcomes {
        let (kind, status, retry, _) = outcome.expect("every listing is answered");
        assert!(
            status == StatusCode::OK || status == StatusCode::SERVICE_UNAVAILABLE,
            "{kind}: {status}"
        );
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(!retry.is_empty(), "{kind}: a 503 without Retry-After");
        }
    }
    for kind in ["native", "encrypted"] {
        assert!(
            served.contains_key(&(kind, 200)),
            "no {kind} listing was served"
        );
    }
    assert!(
        refused,
        "the folder took {stored} secrets of 60 KB without a 422"
    );
    server.terminate_and_wait();
}

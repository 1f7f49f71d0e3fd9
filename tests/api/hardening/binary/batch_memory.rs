//! The secret-batches route takes bodies up to 1 MiB (four times the global JSON limit), so its
//! memory is bounded separately: a body is read only after the caller is authenticated and only
//! while it holds one of `LARGE_BODIES_AT_ONCE` (4) turns. Many parallel ~1 MiB batches must
//! therefore raise the release binary's peak resident memory (VmHWM) by about four requests'
//! worth plus actix's own per-connection buffers, not by a whole batch per connection.

use super::process::Server;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Connections sending a batch at once, and how many times.
const PARALLEL: usize = 64;
const ROUNDS: usize = 3;

/// Peak growth allowed over the warmed-up baseline. A batch of 5,000 small entries holding a
/// turn costs about 4 MiB at its peak (its 1 MiB body, its entries parsed twice over, the keys
/// of the answer): 16 MiB for four turns. A connection waiting for a turn holds what actix
/// buffers for any request body before the handler reads it, up to about 400 KiB (its 128 KiB
/// read buffer and the chunks already moved to the payload): about 26 MiB for 64 connections.
/// 56 MiB leaves room for the allocator's per-thread arenas; without the turns every connection
/// would hold its whole body and parsed entries (over 1.4 MiB each: 90 MiB and more for 64).
const BOUND_KIB: u64 = 56 * 1024;

/// A dry-run batch of 5,000 entries just under 1 MiB: the most entries, so the most parsing
/// overhead, that a body may carry.
fn body() -> Vec<u8> {
    let secrets: Vec<Value> = (0..5_000)
        .map(|i| json!({ "key": format!("K{i:04}"), "value": "v".repeat(175) }))
        .collect();
    let body = json!({ "environment": "dev", "secrets": secrets, "dryRun": true }).to_string();
    assert!(
        (1_000_000..=1024 * 1024).contains(&body.len()),
        "{}",
        body.len()
    );
    body.into_bytes()
}

fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn parallel_1_mib_batches_raise_peak_memory_by_a_bounded_amount() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir.path(),
        // 5,000 entries a batch, more than a folder's default 1,000: the test measures the
        // memory of reading and parsing full batches, not the storage limits.
        &[("ENVKEEP_MAX_SECRETS_PER_FOLDER", "100000")],
    );
    let admin = server.admin().await;
    let created = admin.create_project("memory").await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/projects/{project}/secret-batches");
    let body = body();
    let send = |body: Vec<u8>| {
        admin
            .request(Method::POST, &path)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // Warm up: one batch on each worker and blocking thread's way, so the baseline already
    // holds the allocator arenas and SQLite caches a single batch brings.
    for _ in 0..4 {
        let answer = send(body.clone()).await.unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let baseline = peak_kib(server.pid());
    let started = std::time::Instant::now();
    for _ in 0..ROUNDS {
        let mut flood = tokio::task::JoinSet::new();
        for _ in 0..PARALLEL {
            flood.spawn(send(body.clone()));
        }
        while let Some(answer) = flood.join_next().await {
            let answer = answer.unwrap().unwrap();
            assert_eq!(answer.status(), StatusCode::OK);
        }
    }
    let peak = peak_kib(server.pid());
    println!(
        "{} batches of {} bytes ({PARALLEL} at once) in {:?}: VmHWM {baseline} KiB -> {peak} KiB (+{} KiB, bound {BOUND_KIB} KiB)",
        PARALLEL * ROUNDS,
        body.len(),
        started.elapsed(),
        peak - baseline
    );
    assert!(
        peak - baseline <= BOUND_KIB,
        "peak memory grew by {} KiB (bound {BOUND_KIB} KiB)",
        peak - baseline
    );
    server.terminate_and_wait();
}

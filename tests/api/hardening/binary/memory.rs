//! Failed logins must not cost memory that stays: an outsider with no credential can send as many
//! as they like. Password hashing runs on a fixed pool of threads that reuse their argon2
//! buffers, so the server's memory does not depend on login traffic.

use super::process::Server;
use crate::helpers::{client, Api, Cookies, ADMIN_EMAIL};
use reqwest::StatusCode;
use tokio::task::JoinSet;

const BURSTS: u8 = 4;
const PER_BURST: usize = 40;
const RESIDENT_LIMIT_KIB: u64 = 128 * 1024;
const PEAK_LIMIT_KIB: u64 = 160 * 1024;

/// `VmRSS` and `VmHWM` (peak resident) of a process, in KiB, from `/proc/<pid>/status`.
pub fn resident_and_peak_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Forty wrong logins at once from `source`: half for the admin, half for made-up accounts (the
/// server then verifies against a decoy hash, which costs the same).
async fn burst_of_wrong_logins(base: &str, source: &str) -> Vec<StatusCode> {
    let api = Api::new(base, client(Cookies::Dropped, source));
    let mut attempts = JoinSet::new();
    for n in 0..PER_BURST {
        let api = api.clone();
        let email = if n % 2 == 0 {
            ADMIN_EMAIL.to_owned()
        } else {
            format!("nobody{n}@example.com")
        };
        attempts.spawn(async move { api.login(&email, "not-the-password").await.status });
    }
    attempts.join_all().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn bursts_of_parallel_failed_logins_leave_memory_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let base = server.base();
    for burst in 0..BURSTS {
        let source = format!("127.0.0.{}", 10 + burst);
        let statuses = burst_of_wrong_logins(&base, &source).await;
        assert!(
            statuses.iter().all(|s| *s == StatusCode::UNAUTHORIZED),
            "burst {burst}: {statuses:?}"
        );
    }
    let (resident, peak) = resident_and_peak_kib(server.pid());
    println!(
        "after {BURSTS} bursts of {PER_BURST} parallel failed logins: VmRSS {} MiB, VmHWM {} MiB",
        resident / 1024,
        peak / 1024
    );
    assert!(
        resident < RESIDENT_LIMIT_KIB,
        "resident memory {} MiB is not under 128 MiB",
        resident / 1024
    );
    assert!(
        peak < PEAK_LIMIT_KIB,
        "peak resident memory {} MiB is not under 160 MiB",
        peak / 1024
    );
    server.terminate_and_wait();
}

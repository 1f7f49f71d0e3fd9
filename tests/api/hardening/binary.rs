//! Tests against the release binary (`ENVKEEP_BIN`), run by `tests/reliability/run.sh` with
//! `cargo test --test api -- --ignored hardening::binary`: crash safety under SIGKILL, the
//! 10-second concurrency run, backup under load, graceful shutdown under load, memory under
//! failed-login bursts, the memory bound of parallel 1 MiB secret batches, and memory under
//! parallel listings of a full folder.

mod backup;
mod batch_memory;
mod big_listings;
mod crash;
mod memory;
mod process;
mod shutdown;

use super::load;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn concurrency_against_the_release_binary() {
    let dir = tempfile::tempdir().unwrap();
    let server = process::Server::start(dir.path());
    let admin = server.admin().await;
    let target = load::prepare(&admin).await;
    let project = target.project.clone();
    let duration = load::duration_from_env(10);
    let report = load::run(target, duration).await;
    let per_sec = report.requests() as f64 / duration.as_secs_f64();
    println!(
        "release load: {} writers + {} readers for {:?}: {} requests ({per_sec:.0}/s), statuses {:?}",
        load::WRITERS,
        load::READERS,
        duration,
        report.requests(),
        report.statuses
    );
    load::assert_clean(&report);
    let found = load::all_secrets(&admin, &project).await;
    load::assert_all_acknowledged_present(&report, &found);
    let log = server.log();
    for word in [
        "database is locked",
        "database busy",
        "internal error",
        "panicked",
    ] {
        assert!(!log.contains(word), "server log mentions {word:?}");
    }
    server.terminate_and_wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn tampered_ciphertext_is_logged_as_an_integrity_failure() {
    let dir = tempfile::tempdir().unwrap();
    let server = process::Server::start(dir.path());
    let target = load::prepare(&server.admin().await).await;
    let conn = rusqlite::Connection::open(dir.path().join("envkeep.db")).unwrap();
    let mut blob: Vec<u8> = conn
        .query_row("SELECT value_ct FROM secrets WHERE key = 'SEED'", [], |r| {
            r.get(0)
        })
        .unwrap();
    let last = blob.len() - 1;
    blob[last] ^= 0x80;
    conn.execute(
        "UPDATE secrets SET value_ct = ?1 WHERE key = 'SEED'",
        [blob],
    )
    .unwrap();
    let read = target
        .reader
        .get_secret(&target.project, "dev", "/", "SEED")
        .await;
    assert_eq!(read.status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !read.text.contains("seed") && !read.text.contains("integrity"),
        "{read}"
    );
    let token = target.reader.bearer().to_owned();
    let line = server.wait_for_line("integrity failure", std::time::Duration::from_secs(10));
    assert!(
        !line.contains("\"seed\"") && !line.contains(&token),
        "the log line leaks: {line}"
    );
    server.terminate_and_wait();
}

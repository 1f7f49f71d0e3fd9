//! Graceful shutdown under load: SIGTERM lets an in-flight request finish, answers no 5xx,
//! flushes buffered last-use times, checkpoints the WAL, and a restart serves the same data.

use super::process::Server;
use crate::hardening::load::{all_secrets, prepare};
use crate::helpers::{paths, Api};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Writes until the server stops answering; records acknowledged writes and any 5xx.
async fn write_until_gone(
    admin: Api,
    project: String,
    id: usize,
    acked: Arc<Mutex<HashMap<String, String>>>,
    server_errors: Arc<Mutex<Vec<String>>>,
) {
    for n in 0.. {
        let (key, value) = (format!("S{id}_{n}"), format!("shutdown-{id}-{n}"));
        let body =
            json!({ "environment": "dev", "path": format!("/s{id}"), "key": key, "value": value });
        let outcome = admin
            .try_send_json(Method::POST, &paths::secrets(&project), body)
            .await;
        match outcome {
            Ok(r) if r.status == StatusCode::CREATED => {
                acked.lock().unwrap().insert(format!("/s{id}/{key}"), value);
            }
            Ok(r) => server_errors.lock().unwrap().push(r.to_string()),
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs ENVKEEP_BIN; run by tests/reliability/run.sh"]
async fn sigterm_under_load_finishes_in_flight_work_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(dir.path());
    let admin = server.login().await;
    let target = prepare(&server.api().with_bearer(&admin)).await;
    let project = target.project.clone();

    // A token use that only the shutdown flush can persist (the periodic flush is a minute away).
    let used = target.reader.whoami().await;
    assert_eq!(used.status, StatusCode::OK);
    let token_id = used["serviceToken"]["id"].as_str().unwrap().to_owned();

    // An in-flight request: headers and half the body sent before SIGTERM.
    let body =
        json!({ "environment": "dev", "key": "IN_FLIGHT", "value": "finished after SIGTERM" })
            .to_string();
    let mut in_flight = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    in_flight
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        in_flight,
        "POST /api/v1/projects/{project}/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {admin}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..body.len() / 2]
    )
    .unwrap();

    let acked = Arc::new(Mutex::new(HashMap::new()));
    let server_errors = Arc::new(Mutex::new(Vec::new()));
    let mut writers = tokio::task::JoinSet::new();
    for id in 0..4 {
        writers.spawn(write_until_gone(
            target.admin.clone(),
            project.clone(),
            id,
            acked.clone(),
            server_errors.clone(),
        ));
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acked.lock().unwrap().len() < 100 {
        assert!(
            std::time::Instant::now() < deadline,
            "writers stalled before SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.send_sigterm();
    server.wait_for_line("starting graceful shutdown", Duration::from_secs(10));

    // The in-flight request completes after the signal.
    in_flight
        .write_all(&body.as_bytes()[body.len() / 2..])
        .unwrap();
    let mut answer = String::new();
    in_flight.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "in-flight request after SIGTERM: {answer}"
    );

    while let Some(done) = writers.join_next().await {
        done.expect("writer");
    }
    let (status, log) = server.wait_exit(Duration::from_secs(20));
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert!(
        server_errors.lock().unwrap().is_empty(),
        "answers other than 201 during shutdown: {:?}",
        server_errors.lock().unwrap()
    );
    assert!(log.contains("database checkpointed"), "log:\n{log}");
    let wal = dir.path().join("envkeep.db-wal");
    let wal_size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert_eq!(wal_size, 0, "the WAL was not checkpointed");

    let restarted = Server::start(dir.path());
    let admin = restarted.admin().await;
    let found = all_secrets(&admin, &project).await;
    let acked = acked.lock().unwrap().clone();
    let missing: Vec<&String> = acked
        .iter()
        .filter(|(k, v)| found.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(missing.is_empty(), "lost after SIGTERM: {missing:?}");
    assert_eq!(
        found.get("/IN_FLIGHT").map(String::as_str),
        Some("finished after SIGTERM")
    );
    let tokens = admin.list_tokens(&project).await;
    let token = tokens["serviceTokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == token_id.as_str())
        .unwrap();
    assert!(
        token["lastUsedAt"].is_string(),
        "last use was not flushed at shutdown: {token}"
    );
    println!(
        "graceful shutdown: {} writes acknowledged under load, in-flight request finished, WAL {wal_size} bytes",
        acked.len()
    );
    restarted.terminate_and_wait();
}

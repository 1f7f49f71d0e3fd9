//! `envkeep run --watch` follows every folder an expanded answer read: a change to a secret
//! that a reference points at, in another environment, restarts the command.

use super::parity;
use crate::client::envkeep;
use reqwest::StatusCode;
use serde_json::json;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::ChildStdout;

/// The next line, or a failure after 20 s (a hung envkeep must not hang the suite).
async fn next(lines: &mut Lines<BufReader<ChildStdout>>) -> String {
    tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("a line within 20 s")
        .unwrap()
        .expect("a line before the end")
}

#[tokio::test]
async fn run_watch_restarts_the_command_when_a_referenced_secret_changes() {
    let p = parity().await;
    let scopes = json!([{ "environment": "dev", "secretPath": "/**" },
        { "environment": "prod", "secretPath": "/**" }]);
    let body = json!({ "name": "w", "scopes": scopes, "permissions": ["read"], "expiresIn": null });
    let (token, _) = p.app.mint(&p.project, body).await;
    let script = r#"echo "$REF"; [ "$REF" = l-t2 ] && exit 7; exec sleep 30"#;
    let mut command = envkeep(&p.app.base, &token);
    command
        .args([
            "run",
            "--project",
            &p.project,
            "--env",
            "dev",
            "--path",
            "/",
        ])
        .args([
            "--watch",
            "--watch-interval",
            "200ms",
            "--",
            "sh",
            "-c",
            script,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert_eq!(next(&mut lines).await, "l-t");
    let changed = p
        .app
        .as_admin()
        .update_secret(&p.project, "prod", "/api", "TOKEN", "t2")
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{changed}");
    assert_eq!(
        next(&mut lines).await,
        "l-t2",
        "restarted with the new expansion"
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("envkeep ended within 20 s")
        .unwrap();
    assert_eq!(status.code(), Some(7));
}

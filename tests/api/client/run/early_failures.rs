//! `envkeep run` fails before starting the command when it cannot fetch the secrets.

use crate::client::*;

#[tokio::test]
async fn an_expired_token_fails_before_the_command_starts() {
    let app = TestApp::spawn().await;
    let project = app.create_project("expired").await;
    let body = json!({ "name": "short", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": 60 });
    let (token, id) = app.mint(&project, body).await;
    // The minimum lifetime is 60 s; move the expiry into the past instead of waiting. The token
    // was never used, so no cached copy outlives this write.
    let changed = app
        .sqlite()
        .execute(
            "UPDATE service_tokens SET expires_at = 1000 WHERE id = ?1",
            [&id],
        )
        .unwrap();
    assert_eq!(changed, 1);
    let (code, stderr, started) = run_touching_marker(&app.base, &token).await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(stderr.contains("expired"), "{stderr}");
    assert!(!started, "the command ran with an expired token");
}

#[tokio::test]
async fn a_revoked_token_fails_before_the_command_starts() {
    let app = TestApp::spawn().await;
    let project = app.create_project("revoked").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let (code, _, started) = run_touching_marker(&app.base, &token).await;
    assert_eq!(
        (code, started),
        (Some(0), true),
        "works before the revocation"
    );

    app.revoke(&project, &id).await;
    let (code, stderr, started) = run_touching_marker(&app.base, &token).await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(!started, "the command ran with a revoked token");
}

/// Runs `run -- touch MARKER` against `url` and returns (exit code, stderr, whether MARKER exists).
async fn run_touching_marker(url: &str, token: &str) -> (Option<i32>, String, bool) {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("started");
    let mut command = envkeep(url, token);
    command.args(["run", "--", "touch"]).arg(&marker);
    let out = output(&mut command).await;
    (out.status.code(), text(&out.stderr), marker.exists())
}

#[tokio::test]
async fn an_unreachable_server_exits_69_before_the_command_starts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let token = format!(
        "st.{}.{}.{}",
        "a".repeat(32),
        "b".repeat(32),
        "c".repeat(32)
    );
    let (code, stderr, started) = run_touching_marker(&closed, &token).await;
    assert_eq!(code, Some(69), "{stderr}");
    assert!(!started);
}

#[tokio::test]
async fn a_malformed_token_exits_64_before_the_command_starts() {
    let (code, stderr, started) = run_touching_marker("http://127.0.0.1:9", "not-a-token").await;
    assert_eq!(code, Some(64), "{stderr}");
    assert!(!started);
}

//! `envkeep secrets set`, `get` and `delete`: permissions, stdin, environments.

use crate::client::*;

#[tokio::test]
async fn a_read_only_token_cannot_set_and_the_secret_is_unchanged() {
    let app = TestApp::spawn().await;
    let project = app.create_project("readonly").await;
    app.create_secret(&project, "dev", "/", "LOCKED", "original")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for args in [
        &["secrets", "set", "LOCKED", "changed"][..],
        &["secrets", "set", "NEW", "x"],
        &["secrets", "delete", "LOCKED"],
    ] {
        let mut command = envkeep(&app.base, &token);
        command.args(args);
        let out = output(&mut command).await;
        assert_eq!(
            out.status.code(),
            Some(77),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));
    }
    let unchanged = app
        .as_admin()
        .get_secret(&project, "dev", "/", "LOCKED")
        .await;
    assert_eq!(unchanged["secret"]["value"], "original");
}

/// `envkeep secrets <args>` with `token`, expected to succeed; returns its stdout.
async fn secrets(app: &TestApp, token: &str, args: &[&str]) -> String {
    let mut command = envkeep(&app.base, token);
    command.arg("secrets").args(args);
    let out = output(&mut command).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A project and a read/write token for dev:/svc.
async fn writer(app: &TestApp) -> String {
    let project = app.create_project("write").await;
    mint_write(app, &project, "dev", "/svc").await
}

#[tokio::test]
async fn set_reads_the_value_from_stdin_and_prints_a_json_summary() {
    let app = TestApp::spawn().await;
    let token = writer(&app).await;
    // From stdin: the value never appears in argv (shell history, ps).
    let mut command = envkeep(&app.base, &token);
    command
        .args(["secrets", "set", "API_TOKEN", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"multi\nline=value\n")
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary,
        json!({ "key": "API_TOKEN", "environment": "dev", "path": "/svc", "version": 1 })
    );
}

#[tokio::test]
async fn set_on_an_existing_key_updates_it_to_the_next_version() {
    let app = TestApp::spawn().await;
    let token = writer(&app).await;
    secrets(&app, &token, &["set", "API_TOKEN", "first"]).await;
    let stdout = secrets(&app, &token, &["set", "API_TOKEN", "second"]).await;
    assert!(stdout.contains("version 2"), "{stdout}");
}

#[tokio::test]
async fn get_json_prints_the_secret_with_its_place() {
    let app = TestApp::spawn().await;
    let token = writer(&app).await;
    secrets(&app, &token, &["set", "API_TOKEN", "second"]).await;
    let secret: Value =
        serde_json::from_str(&secrets(&app, &token, &["get", "API_TOKEN", "--json"]).await)
            .unwrap();
    assert_eq!(
        (secret["value"].as_str(), secret["path"].as_str()),
        (Some("second"), Some("/svc"))
    );
}

#[tokio::test]
async fn a_deleted_secret_is_not_found_with_exit_66() {
    let app = TestApp::spawn().await;
    let token = writer(&app).await;
    secrets(&app, &token, &["set", "API_TOKEN", "x"]).await;
    secrets(&app, &token, &["delete", "API_TOKEN"]).await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "get", "API_TOKEN"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(66), "{}", text(&out.stderr));
}

#[tokio::test]
async fn set_from_stdin_keeps_the_value_exact_apart_from_one_line_break() {
    let app = TestApp::spawn().await;
    let project = app.create_project("stdin").await;
    let token = mint_write(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command
        .args(["secrets", "set", "PEM", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"line1\nline2\n\n")
        .await
        .unwrap();
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
    let stored = app.as_admin().get_secret(&project, "dev", "/", "PEM").await;
    assert_eq!(stored["secret"]["value"], "line1\nline2\n");
}

#[tokio::test]
async fn a_token_with_several_environments_needs_env_and_exits_64_without_it() {
    let app = TestApp::spawn().await;
    let project = app.create_project("multi").await;
    app.create_secret(&project, "prod", "/", "P", "prod-value")
        .await;
    let body = json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }, { "environment": "prod", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null });
    let (token, _) = app.mint(&project, body).await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "get", "P"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains("dev, prod"),
        "{}",
        text(&out.stderr)
    );
    let mut command = envkeep(&app.base, &token);
    command
        .env("ENVKEEP_ENV", "prod")
        .args(["secrets", "get", "P"]);
    assert_eq!(text(&output(&mut command).await.stdout), "prod-value\n");
}

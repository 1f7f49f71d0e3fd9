//! `envkeep run`: what reaches the command, exit codes, signals, failing before the start.

use super::*;

#[tokio::test]
async fn run_injects_exactly_the_scoped_secrets_inferring_environment_and_path() {
    let app = spawn_app().await;
    let project = project_with_scoped_secrets(&app).await;
    let token = mint_read(&app, &project, "dev", "/app").await;
    let added = injected(&app, &token, &[]).await;
    let expected: BTreeMap<String, String> =
        [("APP_KEY", "yes"), ("APP_URL", "https://app.example.com")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
    assert_eq!(added, expected);
}

#[tokio::test]
async fn run_recursive_includes_subfolders_within_the_scope_and_deeper_folders_win() {
    let app = spawn_app().await;
    let project = app.create_project("recursive").await;
    app.create_secret(&project, "dev", "/app", "SHARED", "app")
        .await;
    app.create_secret(&project, "dev", "/app/db", "SHARED", "db")
        .await;
    app.create_secret(&project, "dev", "/app/db", "DB_ONLY", "x")
        .await;
    app.create_secret(&project, "dev", "/other", "OUTSIDE", "no")
        .await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app/**", &["read"])
        .await;
    let added = injected(&app, &token, &["--path", "/app", "--recursive"]).await;
    assert_eq!(added.get("SHARED").map(String::as_str), Some("db"));
    assert_eq!(added.get("DB_ONLY").map(String::as_str), Some("x"));
    assert!(!added.contains_key("OUTSIDE"));
}

#[tokio::test]
async fn values_with_equals_signs_and_newlines_survive_run() {
    let app = spawn_app().await;
    let project = app.create_project("values").await;
    let values = [
        ("EQUALS", "a=b==c="),
        (
            "MULTILINE",
            "-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n",
        ),
        ("QUOTES", r#"it's "quoted" $HOME `id` \n"#),
        ("EMPTY", ""),
    ];
    for (key, value) in values {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let token = mint_read(&app, &project, "dev", "/").await;
    let added = injected(&app, &token, &[]).await;
    let expected: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    assert_eq!(added, expected);
}

#[tokio::test]
async fn existing_variables_win_unless_override_is_given() {
    let app = spawn_app().await;
    let project = app.create_project("override").await;
    app.create_secret(&project, "dev", "/", "GREETING", "from-envkeep")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for (flag, expected) in [(None, "from-shell"), (Some("--override"), "from-envkeep")] {
        let mut command = envkeep(&app.base, &token);
        command
            .env("GREETING", "from-shell")
            .arg("run")
            .args(flag)
            .args(["--", "sh", "-c", "printf %s \"$GREETING\""]);
        let out = output(&mut command).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected, "flag {flag:?}");
    }
}

#[tokio::test]
async fn names_that_are_not_variable_names_are_skipped_with_a_warning() {
    let app = spawn_app().await;
    let project = app.create_project("names").await;
    app.create_secret(&project, "dev", "/", "GOOD_NAME", "1")
        .await;
    app.create_secret(&project, "dev", "/", "has.dot", "2")
        .await;
    app.create_secret(&project, "dev", "/", "has-dash", "3")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "env", "-0"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0));
    let env = parse_env0(&out.stdout);
    assert_eq!(env.get("GOOD_NAME").map(String::as_str), Some("1"));
    assert!(!env.contains_key("has.dot") && !env.contains_key("has-dash"));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("has.dot") && stderr.contains("has-dash"),
        "{stderr}"
    );
}

#[tokio::test]
async fn run_exits_with_the_commands_code() {
    let app = spawn_app().await;
    let project = app.create_project("codes").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for (script, code) in [("exit 0", 0), ("exit 3", 3), ("exit 255", 255)] {
        let mut command = envkeep(&app.base, &token);
        command.args(["run", "--", "sh", "-c", script]);
        assert_eq!(
            output(&mut command).await.status.code(),
            Some(code),
            "{script}"
        );
    }
}

#[tokio::test]
async fn a_command_killed_by_a_signal_gives_128_plus_the_signal() {
    let app = spawn_app().await;
    let project = app.create_project("killed").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "sh", "-c", "kill -KILL $$"]);
    assert_eq!(output(&mut command).await.status.code(), Some(128 + 9));
}

/// Starts `run` with a command that prints `ready` once it runs, and waits for that line.
async fn started(
    app: &TestApp,
    token: &str,
    script: &str,
) -> (
    tokio::process::Child,
    BufReader<tokio::process::ChildStdout>,
) {
    let mut command = envkeep(&app.base, token);
    command
        .args(["run", "--", "sh", "-c", script])
        .stdout(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).await.unwrap();
    assert_eq!(line, "ready\n");
    (child, stdout)
}

/// Waits for `run` to end; a broken forwarder would leave it waiting on its command, so the
/// commands below end by themselves after 10 s and the wait is bounded.
async fn exit_of(child: &mut tokio::process::Child) -> Option<i32> {
    let waited = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait()).await;
    waited.expect("envkeep run ended").unwrap().code()
}

#[tokio::test]
async fn sigterm_and_sigint_sent_to_envkeep_reach_the_command() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let app = spawn_app().await;
    let project = app.create_project("signals").await;
    let token = mint_read(&app, &project, "dev", "/").await;

    // The command dies of the forwarded signal: 128 + 15.
    let (mut child, _) = started(&app, &token, "echo ready; exec sleep 10").await;
    kill(Pid::from_raw(child.id().unwrap() as i32), Signal::SIGTERM).unwrap();
    assert_eq!(exit_of(&mut child).await, Some(128 + 15));

    // The command handles the signal itself and chooses its exit code; envkeep passes it on.
    let script = "trap 'echo got-int; exit 42' INT; echo ready; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done";
    let (mut child, mut stdout) = started(&app, &token, script).await;
    kill(Pid::from_raw(child.id().unwrap() as i32), Signal::SIGINT).unwrap();
    let code = exit_of(&mut child).await;
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!((code, rest.as_str()), (Some(42), "got-int\n"));
}

#[tokio::test]
async fn a_missing_command_exits_127() {
    let app = spawn_app().await;
    let project = app.create_project("missing").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "envkeep-no-such-command-xyz"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(127), "{}", text(&out.stderr));
}

/// Runs `run -- sh -c 'touch MARKER'` and returns (exit code, stderr, whether MARKER exists).
async fn run_touching_marker(
    app: &TestApp,
    token: &str,
    dir: &Path,
) -> (Option<i32>, String, bool) {
    let marker = dir.join("started");
    let mut command = envkeep(&app.base, token);
    command.args(["run", "--", "touch"]).arg(&marker);
    let out = output(&mut command).await;
    (out.status.code(), text(&out.stderr), marker.exists())
}

#[tokio::test]
async fn an_expired_token_fails_before_the_command_starts() {
    let app = spawn_app().await;
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
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr, started) = run_touching_marker(&app, &token, dir.path()).await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(stderr.contains("expired"), "{stderr}");
    assert!(!started, "the command ran with an expired token");
}

#[tokio::test]
async fn a_revoked_token_fails_before_the_command_starts() {
    let app = spawn_app().await;
    let project = app.create_project("revoked").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run_touching_marker(&app, &token, dir.path()).await.0,
        Some(0),
        "works before the revocation"
    );
    std::fs::remove_file(dir.path().join("started")).unwrap();

    let revoked = app
        .admin(
            Method::DELETE,
            &format!("/api/v1/projects/{project}/service-tokens/{id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let (code, stderr, started) = run_touching_marker(&app, &token, dir.path()).await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(!started, "the command ran with a revoked token");
}

#[tokio::test]
async fn an_unreachable_server_exits_69_and_a_malformed_token_64_before_the_command_starts() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("started");
    let token = format!(
        "st.{}.{}.{}",
        "a".repeat(32),
        "b".repeat(32),
        "c".repeat(32)
    );
    for (url, token, code) in [
        (closed.as_str(), token.as_str(), 69),
        ("http://127.0.0.1:9", "not-a-token", 64),
    ] {
        let mut command = envkeep(url, token);
        command.args(["run", "--", "touch"]).arg(&marker);
        let out = output(&mut command).await;
        assert_eq!(out.status.code(), Some(code), "{}", text(&out.stderr));
        assert!(!marker.exists());
    }
}

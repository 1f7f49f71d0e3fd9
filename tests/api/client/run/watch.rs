//! `envkeep run --watch`: a changed secret restarts (or signals) the command, the command's own
//! exit ends envkeep with its code, and an unreachable server leaves the command running.

use crate::client::*;
use reqwest::StatusCode;
use std::time::{Duration, Instant};
use tokio::io::Lines;
use tokio::process::{Child, ChildStderr, ChildStdout};

const INTERVAL: Duration = Duration::from_millis(200);

/// A project with dev:/GREETING=first and a read token for it.
async fn greeting(app: &TestApp) -> (String, String) {
    let project = app.create_project("watch").await;
    app.create_secret(&project, "dev", "/", "GREETING", "first")
        .await;
    let token = mint_read(app, &project, "dev", "/").await;
    (project, token)
}

struct Watched {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    stderr: Lines<BufReader<ChildStderr>>,
}

/// `envkeep run --watch --watch-interval 200ms [extra] -- sh -c SCRIPT sh ARGS...`.
fn watch(app: &TestApp, token: &str, extra: &[&str], script: &str, args: &[&str]) -> Watched {
    let mut command = envkeep(&app.base, token);
    command
        .args(["run", "--watch", "--watch-interval", "200ms"])
        .args(extra)
        .args(["--", "sh", "-c", script, "sh"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    Watched {
        stdout: BufReader::new(child.stdout.take().unwrap()).lines(),
        stderr: BufReader::new(child.stderr.take().unwrap()).lines(),
        child,
    }
}

/// The next line, or a failure after 20 s (a hung envkeep must not hang the suite).
async fn next_line<R: tokio::io::AsyncBufRead + Unpin>(lines: &mut Lines<R>) -> String {
    tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("a line within 20 s")
        .unwrap()
        .expect("a line before the end")
}

/// The first stderr line containing `wanted`, with every line read on the way.
async fn stderr_until(watched: &mut Watched, wanted: &str) -> String {
    let mut seen = String::new();
    loop {
        let line = next_line(&mut watched.stderr).await;
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(wanted) {
            return seen;
        }
    }
}

async fn exit_code(watched: &mut Watched) -> Option<i32> {
    tokio::time::timeout(Duration::from_secs(20), watched.child.wait())
        .await
        .expect("envkeep ended within 20 s")
        .unwrap()
        .code()
}

async fn change_greeting(app: &TestApp, project: &str, value: &str) {
    let updated = app
        .as_admin()
        .update_secret(project, "dev", "/", "GREETING", value)
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
}

#[tokio::test]
async fn a_changed_value_restarts_the_command_within_three_intervals_and_only_its_name_is_logged() {
    let app = TestApp::spawn().await;
    let (project, token) = greeting(&app).await;
    let script = r#"echo "$GREETING"; [ "$GREETING" = second ] && exit 7; exec sleep 30"#;
    let mut watched = watch(&app, &token, &[], script, &[]);
    assert_eq!(next_line(&mut watched.stdout).await, "first");

    change_greeting(&app, &project, "second").await;
    let changed = Instant::now();
    assert_eq!(next_line(&mut watched.stdout).await, "second");
    let took = changed.elapsed();
    eprintln!("the command saw the new value {took:?} after the write");
    assert!(took < 3 * INTERVAL, "the new value took {took:?}");

    assert_eq!(
        exit_code(&mut watched).await,
        Some(7),
        "the command's own code"
    );
    let mut stderr = String::new();
    while let Ok(Some(line)) = watched.stderr.next_line().await {
        stderr.push_str(&line);
    }
    assert!(stderr.contains("GREETING changed"), "{stderr}");
    assert!(!stderr.contains("second"), "a value was logged: {stderr}");
}

#[tokio::test]
async fn with_hup_the_command_is_signalled_and_keeps_its_environment() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let app = TestApp::spawn().await;
    let (project, token) = greeting(&app).await;
    let script = r#"trap 'echo "hup $GREETING"' HUP; echo "ready $GREETING"; i=0; while [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done"#;
    let mut watched = watch(&app, &token, &["--watch-signal", "HUP"], script, &[]);
    assert_eq!(next_line(&mut watched.stdout).await, "ready first");
    change_greeting(&app, &project, "second").await;
    assert_eq!(
        next_line(&mut watched.stdout).await,
        "hup first",
        "signalled, not restarted: a running process keeps its environment"
    );
    let envkeep = Pid::from_raw(watched.child.id().unwrap() as i32);
    kill(envkeep, Signal::SIGTERM).unwrap();
    assert_eq!(exit_code(&mut watched).await, Some(128 + 15));
}

#[tokio::test]
async fn an_unreachable_server_leaves_the_command_running_until_it_exits_by_itself() {
    let app = TestApp::spawn().await;
    let (_, token) = greeting(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let done = dir.path().join("done");
    let script = r#"echo ready; while [ ! -e "$1" ]; do sleep 0.05; done; exit 5"#;
    let done_arg = done.to_str().unwrap();
    let mut watched = watch(&app, &token, &[], script, &[done_arg]);
    assert_eq!(next_line(&mut watched.stdout).await, "ready");
    app.stop().await;
    let stderr = stderr_until(&mut watched, "keeps running").await;
    assert!(stderr.contains("cannot reach"), "{stderr}");
    std::fs::write(&done, "").unwrap();
    assert_eq!(exit_code(&mut watched).await, Some(5));
}

#[tokio::test]
async fn a_changed_referenced_secret_restarts_the_command() {
    let app = TestApp::spawn().await;
    let project = app.create_project("watch").await;
    app.create_secret(&project, "dev", "/", "URL", "db://${dev.shared.HOST}")
        .await;
    app.create_secret(&project, "dev", "/shared", "HOST", "one")
        .await;
    let body = serde_json::json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/**" }],
        "permissions": ["read"], "expiresIn": null });
    let (token, _) = app.mint(&project, body).await;
    let script = r#"echo "$URL"; [ "$URL" = db://two ] && exit 7; exec sleep 30"#;
    let mut watched = watch(&app, &token, &["--path", "/"], script, &[]);
    assert_eq!(next_line(&mut watched.stdout).await, "db://one");
    let updated = app
        .as_admin()
        .update_secret(&project, "dev", "/shared", "HOST", "two")
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{updated}");
    assert_eq!(next_line(&mut watched.stdout).await, "db://two");
    assert_eq!(exit_code(&mut watched).await, Some(7));
}

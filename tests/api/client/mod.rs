//! `envkeep run` and `envkeep secrets` as a user runs them: the built binary as a subprocess,
//! talking to a real server on port 0. Subprocesses are awaited with tokio so the server, which
//! runs on the test's own runtime, keeps answering meanwhile.

use crate::helpers::{access_part, TestApp};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::process::{Output, Stdio};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

mod e2ee;
mod messages;
mod run;
mod secrets;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_envkeep");

/// The binary with a clean environment: only PATH and the given variables.
pub(crate) fn envkeep(app_url: &str, token: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ENVKEEP_URL", app_url)
        .env("ENVKEEP_TOKEN", token)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

pub(crate) async fn output(command: &mut Command) -> Output {
    command.output().await.expect("envkeep starts")
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `env -0` output as a map (values may hold newlines).
pub(crate) fn parse_env0(stdout: &[u8]) -> BTreeMap<String, String> {
    stdout
        .split(|b| *b == 0)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let entry = text(entry);
            let (name, value) = entry.split_once('=').expect("NAME=value");
            (name.to_owned(), value.to_owned())
        })
        .collect()
}

/// What `run` added: the child's environment minus what envkeep itself was given.
pub(crate) async fn injected(
    app: &TestApp,
    token: &str,
    args: &[&str],
) -> BTreeMap<String, String> {
    let mut command = envkeep(&app.base, token);
    command.arg("run").args(args).args(["--", "env", "-0"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let mut env = parse_env0(&out.stdout);
    for given in ["PATH", "ENVKEEP_URL", "ENVKEEP_TOKEN"] {
        env.remove(given);
    }
    env
}

async fn mint_read(app: &TestApp, project: &str, env: &str, path: &str) -> String {
    app.mint_scoped(project, "ci", env, path, &["read"]).await.0
}

async fn mint_write(app: &TestApp, project: &str, env: &str, path: &str) -> String {
    app.mint_scoped(project, "ci", env, path, &["read", "write"])
        .await
        .0
}

/// A project with secrets inside and outside the `dev:/app` scope.
async fn project_with_scoped_secrets(app: &TestApp) -> String {
    let project = app.create_project("client").await;
    app.create_secret(&project, "dev", "/", "ROOT_ONLY", "no")
        .await;
    app.create_secret(&project, "dev", "/app", "APP_KEY", "yes")
        .await;
    app.create_secret(
        &project,
        "dev",
        "/app",
        "APP_URL",
        "https://app.example.com",
    )
    .await;
    app.create_secret(&project, "dev", "/app/db", "DEEPER", "no")
        .await;
    app.create_secret(&project, "prod", "/app", "PROD_KEY", "no")
        .await;
    project
}

/// The values a round trip must keep.
const TRICKY: &[(&str, &str)] = &[
    ("EQUALS", "a=b==c"),
    ("MULTI", "line one\nline two\n"),
    ("QUOTES", r#"it's "double" and 'single'"#),
    ("DOLLAR", "$HOME ${PATH} $(id) `id`"),
    ("BACKSLASH", r"C:\dir\n\\end\"),
    ("HASH", "a # b"),
    ("SPACES", "  padded  "),
    ("UNICODE", "héllo ✓"),
];

//! `envkeep run` as a machine identity (`ENVKEEP_CLIENT_ID` + `ENVKEEP_CLIENT_SECRET`).

use super::machine;
use crate::client::{output, parse_env0, text, BIN};
use serde_json::json;
use std::process::Stdio;
use tokio::process::Command;

/// `envkeep ARGS…` with the identity's credentials in the environment.
fn envkeep_as(m: &super::Machine, secret: &str, args: &[&str]) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("ENVKEEP_URL", &m.app.base)
        .env("ENVKEEP_CLIENT_ID", &m.client_id)
        .env("ENVKEEP_CLIENT_SECRET", secret)
        .args(args)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

fn run_as(m: &super::Machine, secret: &str, args: &[&str]) -> Command {
    envkeep_as(m, secret, &[&["run"], args].concat())
}

#[tokio::test]
async fn run_logs_in_as_the_identity_and_hides_its_credentials_from_the_command() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let mut command = run_as(
        &m,
        &secret,
        &["--project", &m.project, "--env", "dev", "--", "env", "-0"],
    );
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let env = parse_env0(&out.stdout);
    assert_eq!(env.get("A").map(String::as_str), Some("a"));
    assert!(!env.contains_key("ENVKEEP_CLIENT_ID") && !env.contains_key("ENVKEEP_CLIENT_SECRET"));
}

#[tokio::test]
async fn an_identity_needs_the_project_and_environment_and_cannot_use_e2ee() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let out = output(&mut run_as(&m, &secret, &["--env", "dev", "--", "true"])).await;
    assert_eq!(out.status.code(), Some(64));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--project") && stderr.contains("--env"),
        "{stderr}"
    );
    let e2ee = [
        "--project",
        &m.project,
        "--env",
        "dev",
        "--e2ee",
        "--",
        "true",
    ];
    let out = output(&mut run_as(&m, &secret, &e2ee)).await;
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains(&secret), "never the secret");
}

#[tokio::test]
async fn an_identity_without_an_environment_is_a_usage_error_naming_both_flags() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let out = output(&mut run_as(
        &m,
        &secret,
        &["--project", &m.project, "--", "true"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--project") && stderr.contains("--env"),
        "{stderr}"
    );
}

#[tokio::test]
async fn secrets_as_an_identity_needs_the_project_and_environment_too() {
    let m = machine("viewer").await;
    let secret = m.secret(json!({})).await;
    let out = output(&mut envkeep_as(
        &m,
        &secret,
        &["secrets", "list", "--env", "dev"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(64), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("--project") && stderr.contains("--env"),
        "{stderr}"
    );
    let args = [
        "secrets",
        "get",
        "A",
        "--env",
        "dev",
        "--project",
        &m.project,
    ];
    let got = output(&mut envkeep_as(&m, &secret, &args)).await;
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    assert_eq!(text(&got.stdout).trim_end(), "a");
}

use crate::legacy_helpers::*;
use envkeep::crypto::{root_key, Key32};
use reqwest::{Method, StatusCode};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

#[tokio::test]
async fn restart_on_the_same_data_dir_keeps_everything() {
    let temp = tempfile::tempdir().unwrap();
    let admin = [
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
    ];
    let mut app = try_spawn(temp.path(), &admin).await.unwrap();
    app.admin = app.login_token().await;
    let project = app.create_project("Durable").await;
    app.create_secret(&project, "prod", "/svc", "TOKEN", "survives restarts")
        .await;
    app.stop().await;

    let mut again = try_spawn(temp.path(), &[]).await.unwrap();
    assert!(
        again.state.setup.pending().is_none(),
        "the admin still exists"
    );
    again.admin = again.login_token().await;
    let (_, json) = again
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/TOKEN?environment=prod&path=/svc"),
        )
        .answer()
        .await;
    assert_eq!(json["secret"]["value"], "survives restarts");
}

#[tokio::test]
async fn the_generated_root_key_file_is_private() {
    let app = spawn_app().await;
    let key_file = app.data_dir.join("root.key");
    assert!(root_key::read_file(&key_file).unwrap().is_some());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[tokio::test]
async fn a_wrong_root_key_refuses_to_start_with_a_clear_message() {
    let temp = tempfile::tempdir().unwrap();
    let app = try_spawn(temp.path(), &[]).await.unwrap();
    app.stop().await;
    let other = root_key::encode(&Key32::generate());
    let err = try_spawn(temp.path(), &["--root-key", &other])
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string()
            .contains("root key does not match this database"),
        "{err}"
    );
    assert!(!err.to_string().contains(&other), "the key is never echoed");
}

#[tokio::test]
async fn a_database_whose_root_key_file_is_missing_refuses_to_start() {
    let temp = tempfile::tempdir().unwrap();
    let app = try_spawn(temp.path(), &[]).await.unwrap();
    app.stop().await;
    std::fs::remove_file(temp.path().join("root.key")).unwrap();
    let err = try_spawn(temp.path(), &[]).await.err().expect("refused");
    assert!(err.to_string().contains("ENVKEEP_ROOT_KEY"), "{err}");
    assert!(
        !temp.path().join("root.key").exists(),
        "no fresh key is generated over existing data"
    );
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused() {
    let temp = tempfile::tempdir().unwrap();
    let app = try_spawn(temp.path(), &[]).await.unwrap();
    app.stop().await;
    let conn = rusqlite::Connection::open(temp.path().join("envkeep.db")).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    let err = try_spawn(temp.path(), &[]).await.err().expect("refused");
    assert!(
        err.to_string().contains("newer than this envkeep supports"),
        "{err}"
    );
}

#[tokio::test]
async fn backup_restores_into_a_fresh_data_dir_and_reads_back() {
    let app = spawn_app().await;
    let project = app.create_project("Backed up").await;
    app.create_secret(&project, "dev", "/", "KEPT", "in the backup")
        .await;
    let restore = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_envkeep"))
        .args([
            "backup",
            restore.path().join("envkeep.db").to_str().unwrap(),
        ])
        .env("ENVKEEP_DATA_DIR", &app.data_dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("root key"),
        "the output reminds to keep the root key"
    );
    std::fs::copy(
        app.data_dir.join("root.key"),
        restore.path().join("root.key"),
    )
    .unwrap();
    let mut restored = try_spawn(restore.path(), &[]).await.unwrap();
    restored.admin = restored.login_token().await;
    let (_, json) = restored
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/KEPT?environment=dev"),
        )
        .answer()
        .await;
    assert_eq!(json["secret"]["value"], "in the backup");
    let refused = Command::new(env!("CARGO_BIN_EXE_envkeep"))
        .args([
            "backup",
            restore.path().join("envkeep.db").to_str().unwrap(),
        ])
        .env("ENVKEEP_DATA_DIR", &app.data_dir)
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "an existing file is never overwritten"
    );
}

#[tokio::test]
async fn healthz_answers_ok_with_security_headers() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["referrer-policy"], "no-referrer");
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(response.text().await.unwrap(), r#"{"status":"ok"}"#);
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the binary configured only through environment variables, as the Docker image does,
/// and returns once it logs that it listens, with the log lines read so far.
fn start_binary(data_dir: &std::path::Path, bind: &str) -> (Server, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_envkeep"))
        .env_clear()
        .env("ENVKEEP_BIND", bind)
        .env("ENVKEEP_DATA_DIR", data_dir)
        .env("ENVKEEP_LOG_FORMAT", "json")
        .env("ENVKEEP_WORKERS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        let listening = line.contains("envkeep listening");
        lines.push(line);
        if listening {
            return (Server(child), lines);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server exited before listening: {lines:?}");
}

#[test]
fn the_binary_runs_from_env_settings_on_all_interfaces_and_its_healthcheck_follows_it() {
    let data = tempfile::tempdir().unwrap();
    let port = free_port();
    let bind = format!("0.0.0.0:{port}");
    let (server, log) = start_binary(&data.path().join("data"), &bind);
    assert!(data.path().join("data/envkeep.db").exists());
    assert!(data.path().join("data/root.key").exists());
    assert!(
        log.iter().any(|l| l.contains("setup code: ")),
        "the first start logs a setup code: {log:?}"
    );
    assert!(
        log.iter().any(|l| l.contains("in clear")),
        "binding beyond loopback without https warns"
    );
    assert!(
        log.iter()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "ENVKEEP_LOG_FORMAT=json"
    );

    let healthcheck = || {
        Command::new(env!("CARGO_BIN_EXE_envkeep"))
            .arg("healthcheck")
            .env("ENVKEEP_BIND", &bind)
            .status()
            .unwrap()
    };
    assert!(
        healthcheck().success(),
        "healthcheck reaches a 0.0.0.0 server through loopback"
    );
    drop(server);
    assert!(
        !healthcheck().success(),
        "healthcheck fails once the server is gone"
    );
}

#[test]
fn invalid_settings_fail_at_start_naming_the_variable() {
    let data = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_envkeep"))
        .env_clear()
        .env("ENVKEEP_DATA_DIR", data.path())
        .env("ENVKEEP_SWEEP_SCHEDULE", "every minute")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("ENVKEEP_SWEEP_SCHEDULE") && stderr.contains("6 fields"),
        "{stderr}"
    );
}

//! The binary configured only through environment variables, as the Docker image runs it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_envkeep");

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

/// Starts the binary on a fresh data dir below `dir`, bound to all interfaces, and returns once
/// it logs that it listens, with its bind address and the log lines read so far.
fn start_binary(dir: &Path) -> (Server, String, Vec<String>) {
    let bind = format!("0.0.0.0:{}", free_port());
    let mut child = Command::new(BIN)
        .env_clear()
        .env("ENVKEEP_BIND", &bind)
        .env("ENVKEEP_DATA_DIR", dir.join("data"))
        .env("ENVKEEP_LOG_FORMAT", "json")
        .env("ENVKEEP_WORKERS", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut lines = Vec::new();
    for line in stdout.by_ref() {
        let line = line.unwrap();
        let listening = line.contains("envkeep listening");
        lines.push(line);
        if listening {
            // Keep reading (and dropping) what it logs next, so its request lines never meet a
            // closed pipe.
            std::thread::spawn(move || stdout.for_each(drop));
            return (Server(child), bind, lines);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server exited before listening: {lines:?}");
}

#[test]
fn the_binary_runs_from_env_settings_alone() {
    let dir = tempfile::tempdir().unwrap();
    let _server = start_binary(dir.path());
    assert!(dir.path().join("data/envkeep.db").exists());
    assert!(dir.path().join("data/root.key").exists());
}

#[test]
fn the_binary_logs_json_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, _, log) = start_binary(dir.path());
    assert!(
        log.iter()
            .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()),
        "ENVKEEP_LOG_FORMAT=json: {log:?}"
    );
}

#[test]
fn the_first_start_logs_a_setup_code() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, _, log) = start_binary(dir.path());
    assert!(log.iter().any(|l| l.contains("setup code: ")), "{log:?}");
}

#[test]
fn binding_beyond_loopback_without_https_warns() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, _, log) = start_binary(dir.path());
    assert!(log.iter().any(|l| l.contains("in clear")), "{log:?}");
}

#[test]
fn the_healthcheck_reaches_a_server_on_all_interfaces_and_fails_once_it_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let (server, bind, _) = start_binary(dir.path());
    let healthcheck = || {
        Command::new(BIN)
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
    let output = Command::new(BIN)
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

//! The release binary as a child process on a temp data dir, port 0, loopback only. The port is
//! read from the start-up log line, so nothing waits on a guess.

use crate::helpers::{Api, ADMIN_EMAIL, ADMIN_PASSWORD};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub fn binary() -> PathBuf {
    let path = std::env::var_os("ENVKEEP_BIN")
        .expect("set ENVKEEP_BIN to the release binary (tests/reliability/run.sh does)");
    PathBuf::from(path)
}

pub struct Server {
    child: Child,
    pub port: u16,
    log: Arc<Mutex<String>>,
    lines: mpsc::Receiver<String>,
    pumps: Vec<JoinHandle<()>>,
}

fn pump(
    stream: impl Read + Send + 'static,
    log: Arc<Mutex<String>>,
    lines: mpsc::Sender<String>,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
            let _ = lines.send(line);
        }
    })
}

impl Server {
    pub fn start(data_dir: &Path) -> Self {
        Self::start_with(data_dir, &[])
    }

    /// As [`Server::start`], with extra `ENVKEEP_*` settings (e.g. a limit the test must pass).
    pub fn start_with(data_dir: &Path, settings: &[(&str, &str)]) -> Self {
        let mut child = Command::new(binary())
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                "2",
                "--sweep-schedule",
                "off",
            ])
            .arg("--data-dir")
            .arg(data_dir)
            .env("ENVKEEP_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ENVKEEP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("ENVKEEP_AUTH_FAILURE_LIMIT", "0")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the release binary starts");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, lines) = mpsc::channel();
        let pumps = vec![
            pump(child.stdout.take().unwrap(), log.clone(), tx.clone()),
            pump(child.stderr.take().unwrap(), log.clone(), tx),
        ];
        let mut server = Self {
            child,
            port: 0,
            log,
            lines,
            pumps,
        };
        let line = server.wait_for_line("envkeep listening", Duration::from_secs(30));
        server.port = line
            .split_whitespace()
            .find_map(|field| field.strip_prefix("port="))
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        server
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits (bounded) for a log line containing `needle`.
    pub fn wait_for_line(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!(
                    "no log line with {needle:?} within {timeout:?}; log:\n{}",
                    self.log()
                ),
            }
        }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// The API of this server, anonymously.
    pub fn api(&self) -> Api {
        Api::at(&self.base())
    }

    /// Logs the admin in; returns the session token.
    pub async fn login(&self) -> String {
        let login = self.api().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(login.status.is_success(), "login: {login}");
        login["token"].as_str().unwrap().to_owned()
    }

    /// The API as the admin, freshly logged in.
    pub async fn admin(&self) -> Api {
        self.api().with_bearer(&self.login().await)
    }

    /// SIGKILL: no shutdown code runs at all.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends SIGTERM (graceful shutdown) without waiting.
    pub fn send_sigterm(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits (bounded) for the process to exit.
    pub fn wait_exit(mut self, timeout: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The pipes close with the process: the pumps end once they have read its
                // last lines, so the log returned is complete.
                for pump in self.pumps.drain(..) {
                    let _ = pump.join();
                }
                let log = self.log();
                return (status, log);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "server did not exit within {timeout:?}; log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn terminate_and_wait(self) -> (ExitStatus, String) {
        self.send_sigterm();
        self.wait_exit(Duration::from_secs(30))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `PRAGMA integrity_check` on a database file.
pub fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
        .unwrap()
}

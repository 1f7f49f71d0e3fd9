//! The server under test: the release binary as a child process on a free loopback port, with
//! its own data dir, pinned to core 0 when the machine has two or more, logging JSON to a file so
//! the driver can read the sweep's duration.

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_EMAIL: &str = "bench@example.com";
pub const ADMIN_PASSWORD: &str = "bench-admin-password-1";
const START_DEADLINE: Duration = Duration::from_secs(30);
const STOP_DEADLINE: Duration = Duration::from_secs(20);

pub struct Server {
    child: Child,
    pub base: String,
    log: PathBuf,
    /// From spawning the process to the first 200 on `/healthz`.
    pub started_in: Duration,
}

/// Memory of the server process, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// One `GET /healthz` on a fresh connection; the status code, or `None` if nothing answered.
fn probe(addr: SocketAddr) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

impl Server {
    /// Starts the server and waits for its first 200 on `/healthz` (polling every millisecond, so
    /// the start-up time is measured to about a millisecond). `sweep` is a cron schedule or `off`.
    pub fn start(
        bin: &Path,
        data_dir: &Path,
        pin: Option<&str>,
        sweep: &str,
    ) -> Result<Self, String> {
        Self::start_with(bin, data_dir, pin, sweep, &[])
    }

    /// [`Server::start`] with more settings (`("ENVKEEP_TOKEN_USAGE", "off")`).
    pub fn start_with(
        bin: &Path,
        data_dir: &Path,
        pin: Option<&str>,
        sweep: &str,
        settings: &[(&str, &str)],
    ) -> Result<Self, String> {
        let port = free_port()?;
        let log = data_dir.join(format!("server-{port}.log"));
        let out =
            File::create(&log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let mut cmd = match pin {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.args(["-c", cpu]).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        // A developer's own ENVKEEP_* settings must not leak into the measured server.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("ENVKEEP_") {
                cmd.env_remove(name);
            }
        }
        cmd.env("ENVKEEP_BIND", format!("127.0.0.1:{port}"))
            .env("ENVKEEP_DATA_DIR", data_dir)
            .env("ENVKEEP_LOG_FORMAT", "json")
            .env("ENVKEEP_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ENVKEEP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("ENVKEEP_AUTH_FAILURE_LIMIT", "0")
            .env("ENVKEEP_SWEEP_SCHEDULE", sweep)
            .env("RUST_LOG", "info")
            .envs(settings.iter().copied())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let spawned = Instant::now();
        let child = cmd
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let mut server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            started_in: Duration::ZERO,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        loop {
            if probe(addr) == Some(200) {
                server.started_in = spawned.elapsed();
                return Ok(server);
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "the server exited with {status} before answering; log:\n{}",
                    server.log_tail()
                ));
            }
            if spawned.elapsed() > START_DEADLINE {
                return Err(format!(
                    "no 200 on /healthz within {START_DEADLINE:?}; log:\n{}",
                    server.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn memory(&self) -> Memory {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|kib| kib.parse().ok())
                .unwrap_or(0)
        };
        Memory {
            rss_kib: field("VmRSS:"),
            peak_kib: field("VmHWM:"),
        }
    }

    /// CPU time the server has used so far (user + system, from `/proc/<pid>/stat`), so a
    /// scenario's CPU per request can be told apart from time lost to other processes. The
    /// process total, not a sum over `/proc/<pid>/task/*`: that sum drops the time of threads
    /// that exit (idle blocking-pool threads do, 10 s after a burst of writes) and can shrink
    /// across a run. The kernel scales these ticks to the scheduler's exact runtime; one tick
    /// (10 ms, `USER_HZ` = 100) is the resolution.
    pub fn cpu_time(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the parenthesised command name start at field 3; utime and stime are 14
        // and 15.
        let ticks: u64 = stat
            .rsplit_once(')')
            .map(|(_, rest)| {
                rest.split_whitespace()
                    .skip(11)
                    .take(2)
                    .filter_map(|t| t.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        Duration::from_millis(ticks * 10)
    }

    /// The server's log as JSON lines (lines that are not JSON are skipped).
    pub fn log_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Stops gracefully (SIGTERM: in-flight requests finish, the WAL is checkpointed) so the
    /// next server, or the bulk seeder, finds a clean database.
    pub fn stop(mut self) -> Result<(), String> {
        self.terminate()
    }

    fn terminate(&mut self) -> Result<(), String> {
        if self.child.try_wait().ok().flatten().is_some() {
            return Ok(());
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let asked = Instant::now();
        while asked.elapsed() < STOP_DEADLINE {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Err(format!(
            "the server did not stop within {STOP_DEADLINE:?} of SIGTERM; killed it"
        ))
    }
}

impl Drop for Server {
    /// A failed run never leaves a server behind.
    fn drop(&mut self) {
        let _ = self.terminate();
    }
}

//! The built binary (`envkeep serve`) as a child process on its own temp data dir, port 0,
//! logging JSON. Its stdout and stderr lines arrive on a channel, so a test waits for the line it
//! expects instead of sleeping, and the port is read from the start-up line.

use super::{Api, ADMIN_EMAIL, ADMIN_PASSWORD};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub struct BinaryServer {
    pub base: String,
    child: Child,
    lines: mpsc::Receiver<String>,
    /// Every line read so far, for `stop` and for a failed wait to show.
    seen: Vec<String>,
    pumps: Vec<JoinHandle<()>>,
    temp: TempDir,
}

fn pump(stream: impl Read + Send + 'static, lines: mpsc::Sender<String>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    })
}

impl BinaryServer {
    /// Starts the binary with a clean environment: one worker, sweep off, no throttling, an admin
    /// from `ADMIN_EMAIL`/`ADMIN_PASSWORD`, and `ENVKEEP_LOG_FORMAT=json`. Returns once it
    /// logs that it listens.
    pub fn start() -> BinaryServer {
        Self::start_with(|_, _| {})
    }

    /// Like `start`, once `prepare` has added to the command (settings as environment
    /// variables) or changed the data dir (its mode, files in it).
    pub fn start_with(prepare: impl FnOnce(&mut Command, &Path)) -> BinaryServer {
        let temp = tempfile::tempdir().expect("a temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_envkeep"));
        command.env_clear();
        prepare(&mut command, temp.path());
        let mut child = command
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
            .args(["--sweep-schedule", "off", "--auth-failure-limit", "0"])
            .arg("--data-dir")
            .arg(temp.path())
            .env("ENVKEEP_LOG_FORMAT", "json")
            .env("ENVKEEP_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ENVKEEP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let (tx, lines) = mpsc::channel();
        let pumps = vec![
            pump(child.stdout.take().unwrap(), tx.clone()),
            pump(child.stderr.take().unwrap(), tx),
        ];
        let mut server = BinaryServer {
            base: String::new(),
            child,
            lines,
            seen: Vec::new(),
            pumps,
            temp,
        };
        let listening = server.wait_for(|line| line["fields"]["message"] == "envkeep listening");
        server.base = format!("http://127.0.0.1:{}", listening["fields"]["port"]);
        server
    }

    /// The API of this server, anonymously.
    pub fn api(&self) -> Api {
        Api::at(&self.base)
    }

    /// A direct connection to the server's SQLite file.
    pub fn sqlite(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.temp.path().join("envkeep.db")).unwrap()
    }

    /// Every line read so far (those `start` read before it returned included).
    pub fn seen(&self) -> &[String] {
        &self.seen
    }

    pub fn data_dir(&self) -> &Path {
        self.temp.path()
    }

    /// Sends SIGTERM (what `docker stop` sends) and waits for the process to exit, at most
    /// `limit`; returns how long it took and every line it wrote.
    pub fn terminate(mut self, limit: Duration) -> (Duration, Vec<String>) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let started = Instant::now();
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM).expect("SIGTERM");
        while self.child.try_wait().expect("the child").is_none() {
            assert!(
                started.elapsed() < limit,
                "still running {limit:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let took = started.elapsed();
        (took, self.stop())
    }

    /// The first line from now on that parses as JSON and satisfies `wanted` (bounded wait).
    pub fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = self.lines.recv_timeout(left) else {
                panic!(
                    "no such log line within 30 s; log:\n{}",
                    self.seen.join("\n")
                );
            };
            self.seen.push(line.clone());
            if let Ok(json) = serde_json::from_str::<Value>(&line) {
                if wanted(&json) {
                    return json;
                }
            }
        }
    }

    /// Stops the server and returns every line it wrote.
    pub fn stop(mut self) -> Vec<String> {
        self.kill()
    }

    /// SIGKILLs the server and waits for it, keeping its data dir for the test to look at;
    /// returns every line it wrote.
    pub fn kill(&mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pump in std::mem::take(&mut self.pumps) {
            let _ = pump.join();
        }
        self.seen.extend(self.lines.try_iter());
        std::mem::take(&mut self.seen)
    }
}

impl Drop for BinaryServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

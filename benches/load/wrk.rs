//! Driving load with `wrk` (Debian's package) from a second process, pinned to core 1 when the
//! server has core 0, and reading the one summary line that `report.lua` prints.

use serde::Deserialize;
use std::process::Command;
use std::time::Duration;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/load/report.lua");

/// One load run.
pub struct Load {
    pub url: String,
    pub bearer: Option<String>,
    pub duration: Duration,
    pub connections: u32,
    /// Count responses by status (slows the generator a little; only where 5xx must be told apart).
    pub count_status: bool,
    /// PATCH `<prefix>NN<query>` for NN in 01..=keys instead of GET `url`.
    pub write: Option<(String, String, u32)>,
    /// GET `<prefix>NNN` for NNN in 000..count, round-robin, instead of GET `url`.
    pub read_rotation: Option<(String, u32)>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Outcome {
    pub requests: u64,
    pub duration_us: u64,
    pub p50_us: u64,
    pub p99_us: u64,
    /// Connect, read and write errors.
    pub socket_errors: u64,
    pub timeouts: u64,
    /// Responses with a status of 400 or more.
    pub http_errors: u64,
    pub counted: bool,
    pub s2xx: u64,
    pub s401: u64,
    pub s5xx: u64,
    pub sother: u64,
    /// CPU the server used during the run (filled in by the driver, not by wrk).
    #[serde(skip)]
    pub server_cpu: Duration,
}

impl Outcome {
    pub fn rps(&self) -> f64 {
        if self.duration_us == 0 {
            return 0.0;
        }
        self.requests as f64 / (self.duration_us as f64 / 1e6)
    }

    /// Server CPU microseconds per request.
    pub fn cpu_us_per_request(&self) -> f64 {
        if self.requests == 0 {
            return 0.0;
        }
        self.server_cpu.as_secs_f64() * 1e6 / self.requests as f64
    }
}

pub fn run(load: &Load, pin: Option<&str>) -> Result<Outcome, String> {
    let mut cmd = match pin {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.args(["-c", cpu, "wrk"]);
            c
        }
        None => Command::new("wrk"),
    };
    cmd.args(["-t1", "--timeout", "5s", "-s", SCRIPT])
        .arg(format!("-c{}", load.connections))
        .arg(format!("-d{}s", load.duration.as_secs().max(1)));
    if let Some(token) = &load.bearer {
        cmd.arg("-H").arg(format!("Authorization: Bearer {token}"));
    }
    if load.count_status {
        cmd.env("BENCH_COUNT_STATUS", "1");
    }
    if let Some((prefix, query, keys)) = &load.write {
        cmd.env("BENCH_WRITE_PREFIX", prefix)
            .env("BENCH_WRITE_QUERY", query)
            .env("BENCH_WRITE_KEYS", keys.to_string());
    }
    if let Some((prefix, count)) = &load.read_rotation {
        cmd.env("BENCH_READ_PREFIX", prefix)
            .env("BENCH_READ_COUNT", count.to_string());
    }
    cmd.arg(&load.url);
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run wrk (install it: apt-get install -y wrk): {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| {
            format!(
                "wrk printed no summary (exit {}):\n{stdout}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    serde_json::from_str(line).map_err(|e| format!("unreadable wrk summary {line}: {e}"))
}

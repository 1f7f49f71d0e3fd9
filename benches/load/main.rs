//! The load benchmark: `benches/load.sh` (or `cargo bench --bench load`), `--smoke` for the
//! short version CI runs. See BENCHMARKS.md for the scenarios, the targets and how to read the
//! table. The release binary under test is `$ENVKEEP_BIN` or the one cargo builds for this bench.
//!
//! Three server lifetimes on one temp data dir: (1) fresh, seeded through the API: healthz,
//! read-20, read-one, read-20-infisical, bad-token, write; (2) restarted after 100,000 tokens and
//! 50,000 secrets were written into the file: read-20-big; (3) restarted after 100,000 expired
//! tokens were written, with the sweep scheduled a few seconds after start: read-20 during it.

mod report;
mod seed;
mod server;
mod wrk;

use chrono::{Timelike, Utc};
use report::{ms, Line, Measure, Report};
use server::{Memory, Server};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use wrk::{Load, Outcome};

const CONNECTIONS: u32 = 32;
/// The read-20 window around the sweep: it starts a second before the sweep is due.
const SWEEP_WINDOW: Duration = Duration::from_secs(3);
const SWEEP_LOG_DEADLINE: Duration = Duration::from_secs(60);

struct Mode {
    name: &'static str,
    thresholds: bool,
    warmup: Duration,
    measure: Duration,
    bulk_tokens: usize,
    bulk_secrets: usize,
    expired_tokens: usize,
}

const FULL: Mode = Mode {
    name: "full",
    thresholds: true,
    warmup: Duration::from_secs(2),
    measure: Duration::from_secs(10),
    bulk_tokens: 100_000,
    bulk_secrets: 50_000,
    expired_tokens: 100_000,
};

const SMOKE: Mode = Mode {
    name: "smoke",
    thresholds: false,
    warmup: Duration::from_secs(1),
    measure: Duration::from_secs(2),
    bulk_tokens: 5_000,
    bulk_secrets: 2_500,
    expired_tokens: 5_000,
};

/// Cores for the server and the load generator: separate when there are two or more.
struct Pins {
    server: Option<&'static str>,
    load: Option<&'static str>,
}

struct Bench<'a> {
    mode: &'a Mode,
    pins: Pins,
}

impl Bench<'_> {
    fn get(&self, url: String, bearer: Option<&str>, duration: Duration) -> Load {
        Load {
            url,
            bearer: bearer.map(str::to_owned),
            duration,
            connections: CONNECTIONS,
            count_status: false,
            write: None,
        }
    }

    /// A warm-up run (discarded), then the measured run.
    fn measure(&self, server: &Server, mut load: Load) -> Result<Outcome, String> {
        let measured = load.duration;
        load.duration = self.mode.warmup;
        wrk::run(&load, self.pins.load)?;
        load.duration = measured;
        self.run(server, &load)
    }

    /// One run, with the server's CPU time over it.
    fn run(&self, server: &Server, load: &Load) -> Result<Outcome, String> {
        let cpu_before = server.cpu_time();
        let mut outcome = wrk::run(load, self.pins.load)?;
        outcome.server_cpu = server.cpu_time().saturating_sub(cpu_before);
        Ok(outcome)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `cargo test --all-targets` runs bench targets without `--bench`: nothing to do there.
    if !args.iter().any(|a| a == "--bench") {
        eprintln!(
            "the load benchmark runs under `cargo bench --bench load` or benches/load.sh; skipped"
        );
        return ExitCode::SUCCESS;
    }
    if let Some(unknown) = args
        .iter()
        .find(|a| !matches!(a.as_str(), "--bench" | "--smoke"))
    {
        eprintln!("unknown argument {unknown}; usage: cargo bench --bench load [-- --smoke]");
        return ExitCode::from(2);
    }
    let mode = if args.iter().any(|a| a == "--smoke") {
        &SMOKE
    } else {
        &FULL
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(mode)) {
        Ok(report) => {
            report.print();
            if report.failed() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("load benchmark could not run: {e}");
            ExitCode::from(2)
        }
    }
}

fn server_binary() -> Result<PathBuf, String> {
    let bin = std::env::var_os("ENVKEEP_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_envkeep")),
        PathBuf::from,
    );
    bin.is_file()
        .then_some(bin.clone())
        .ok_or_else(|| format!("no server binary at {}", bin.display()))
}

/// Problems that fail any scenario: socket errors, time-outs, and (unless `expect_401`) any
/// status of 400 or more; with `expect_401`, anything but a 401, and above all a 5xx.
fn errors(o: &Outcome, expect_401: bool) -> Vec<String> {
    let mut problems = Vec::new();
    if o.requests == 0 {
        problems.push(String::from("no request completed"));
    }
    if o.socket_errors + o.timeouts > 0 {
        problems.push(format!(
            "{} socket errors, {} time-outs",
            o.socket_errors, o.timeouts
        ));
    }
    if expect_401 {
        if !o.counted {
            problems.push(String::from("statuses were not counted"));
        }
        if o.s5xx > 0 {
            problems.push(format!("{} 5xx", o.s5xx));
        }
        if o.s2xx + o.sother > 0 || o.s401 != o.requests {
            problems.push(format!(
                "{} of {} answers were not 401",
                o.requests - o.s401,
                o.requests
            ));
        }
    } else if o.http_errors > 0 {
        problems.push(format!("{} error statuses", o.http_errors));
    }
    problems
}

fn at_least(problems: &mut Vec<String>, what: &str, value: f64, min: f64) {
    if value < min {
        problems.push(format!("{what} {value:.2} < {min}"));
    }
}

fn line(
    scenario: &'static str,
    o: Outcome,
    healthz: &Outcome,
    target: &str,
    problems: Vec<String>,
) -> Line {
    Line {
        scenario,
        outcome: Some(o),
        ratio: Some(o.rps() / healthz.rps()),
        cpu_ratio: Some(healthz.cpu_us_per_request() / o.cpu_us_per_request()),
        target: target.to_owned(),
        problems,
        skipped: None,
    }
}

async fn run(mode: &Mode) -> Result<Report, String> {
    let bin = server_binary()?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let pins = if cores >= 2 {
        Pins {
            server: Some("0"),
            load: Some("1"),
        }
    } else {
        Pins {
            server: None,
            load: None,
        }
    };
    let bench = Bench { mode, pins };
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let t = mode.thresholds;
    let mut lines = Vec::new();
    let mut measures = Vec::new();
    let mut memory = Vec::new();
    let mut startups = Vec::new();

    // (1) A fresh server, seeded through the API.
    let server = Server::start(&bin, dir.path(), bench.pins.server, "off")?;
    startups.push(("fresh data dir, admin bootstrap", server.started_in));
    let fx = seed::through_api(&server.base).await?;
    let base = server.base.clone();
    let p = &fx.project;
    let list = format!(
        "/api/v1/projects/{p}/secrets?environment=dev&path={}",
        seed::READ_PATH
    );
    let one = format!(
        "/api/v1/projects/{p}/secrets/{}?environment=dev&path={}",
        seed::ONE_KEY,
        seed::READ_PATH
    );
    let raw = format!(
        "/api/v3/secrets/raw?workspaceId={p}&environment=dev&secretPath={}",
        seed::READ_PATH
    );
    seed::check_read(&base, &fx, &list, seed::SECRETS_PER_FOLDER).await?;
    seed::check_read(&base, &fx, &one, 1).await?;
    let d = mode.measure;

    let healthz = bench.measure(&server, bench.get(format!("{base}/healthz"), None, d))?;
    lines.push(line(
        "healthz",
        healthz,
        &healthz,
        "ceiling of this machine",
        errors(&healthz, false),
    ));

    let read20 = bench.measure(
        &server,
        bench.get(format!("{base}{list}"), Some(&fx.read_token), d),
    )?;
    let mut problems = errors(&read20, false);
    if t {
        at_least(&mut problems, "ratio", read20.rps() / healthz.rps(), 0.25);
        if read20.p99_us >= 10_000 {
            problems.push(format!("p99 {} >= 10 ms", ms(read20.p99_us)));
        }
    }
    lines.push(line(
        "read-20",
        read20,
        &healthz,
        "≥ 0.25 × healthz, p99 < 10 ms",
        problems,
    ));

    let read_one = bench.measure(
        &server,
        bench.get(format!("{base}{one}"), Some(&fx.read_token), d),
    )?;
    let mut problems = errors(&read_one, false);
    if t {
        at_least(&mut problems, "ratio", read_one.rps() / healthz.rps(), 0.4);
    }
    lines.push(line(
        "read-one",
        read_one,
        &healthz,
        "≥ 0.4 × healthz",
        problems,
    ));

    lines.push(infisical(&bench, &server, &fx, &raw, &healthz).await?);

    let mut bad = bench.get(format!("{base}{list}"), Some(&fx.bad_token), d);
    bad.count_status = true;
    let bad = bench.measure(&server, bad)?;
    let mut problems = errors(&bad, true);
    if t {
        at_least(&mut problems, "ratio", bad.rps() / healthz.rps(), 0.5);
    }
    lines.push(line(
        "bad-token",
        bad,
        &healthz,
        "≥ 0.5 × healthz, only 401s",
        problems,
    ));

    let mut write = bench.get(format!("{base}/"), Some(&fx.write_token), d);
    let query = format!("?environment=dev&path={}", seed::WRITE_PATH);
    write.write = Some((
        format!("/api/v1/projects/{p}/secrets/W_"),
        query,
        seed::SECRETS_PER_FOLDER as u32,
    ));
    let write = bench.measure(&server, write)?;
    let mut problems = errors(&write, false);
    if t {
        at_least(&mut problems, "updates/s", write.rps(), 2000.0);
    }
    lines.push(line(
        "write",
        write,
        &healthz,
        "no errors, ≥ 2,000 updates/s",
        problems,
    ));
    memory.push(server.memory());
    server.stop()?;

    // (2) 100,000 more tokens and 50,000 more secrets, written while the server is stopped.
    {
        let store = seed::Store::open(dir.path(), p).await?;
        store.add_tokens(mode.bulk_tokens, false)?;
        store.add_secrets(mode.bulk_secrets)?;
    }
    let server = Server::start(&bin, dir.path(), bench.pins.server, "off")?;
    startups.push(("restart, bulk-seeded database", server.started_in));
    seed::check_read(&server.base, &fx, &list, seed::SECRETS_PER_FOLDER).await?;
    let big = bench.measure(
        &server,
        bench.get(format!("{}{list}", server.base), Some(&fx.read_token), d),
    )?;
    let mut problems = errors(&big, false);
    if t {
        at_least(
            &mut problems,
            "share of read-20",
            big.rps() / read20.rps(),
            0.9,
        );
    }
    lines.push(line(
        "read-20-big",
        big,
        &healthz,
        "≥ 0.9 × read-20",
        problems,
    ));
    memory.push(server.memory());
    server.stop()?;

    // (3) 100,000 expired tokens, swept while read-20 runs.
    seed::Store::open(dir.path(), p)
        .await?
        .add_tokens(mode.expired_tokens, true)?;
    let (sweep_line, sweep_measures) =
        sweep(&bench, &bin, dir.path(), &fx, &list, &healthz, &mut memory).await?;
    lines.push(sweep_line);
    measures.extend(sweep_measures);

    measures.extend(process_measures(t, &bin, &memory, &startups));
    Ok(Report {
        mode: mode.name,
        lines,
        measures,
    })
}

/// `read-20-infisical`: skipped with "n/a" while `/api/v3/secrets/raw` does not exist yet.
async fn infisical(
    bench: &Bench<'_>,
    server: &Server,
    fx: &seed::Fixture,
    raw: &str,
    healthz: &Outcome,
) -> Result<Line, String> {
    let base = &server.base;
    let target = "≥ 0.22 × healthz";
    let (status, body) = seed::probe(base, &fx.read_token, raw).await?;
    if status == 404 && body.contains("No such API route") {
        return Ok(Line {
            scenario: "read-20-infisical",
            outcome: None,
            ratio: None,
            cpu_ratio: None,
            target: target.to_owned(),
            problems: Vec::new(),
            skipped: Some(String::from("n/a (route missing)")),
        });
    }
    seed::check_read(base, fx, raw, seed::SECRETS_PER_FOLDER).await?;
    let o = bench.measure(
        &server,
        bench.get(
            format!("{base}{raw}"),
            Some(&fx.read_token),
            bench.mode.measure,
        ),
    )?;
    let mut problems = errors(&o, false);
    if bench.mode.thresholds {
        at_least(&mut problems, "ratio", o.rps() / healthz.rps(), 0.22);
    }
    Ok(line("read-20-infisical", o, healthz, target, problems))
}

/// Starts a server whose sweep is due a few seconds later, warms read-20 up, and measures
/// read-20 from a second before the sweep is due until two seconds after. The sweep's own
/// duration comes from its log line.
async fn sweep(
    bench: &Bench<'_>,
    bin: &Path,
    dir: &Path,
    fx: &seed::Fixture,
    list: &str,
    healthz: &Outcome,
    memory: &mut Vec<Memory>,
) -> Result<(Line, Vec<Measure>), String> {
    let lead = bench.mode.warmup + Duration::from_secs(4);
    let due = Utc::now() + chrono::Duration::from_std(lead).map_err(|e| e.to_string())?;
    let due = due.with_nanosecond(0).ok_or("bad time")? + chrono::Duration::seconds(1);
    let schedule = format!("{} {} {} * * *", due.second(), due.minute(), due.hour());
    let server = Server::start(bin, dir, bench.pins.server, &schedule)?;
    let mut load = bench.get(
        format!("{}{list}", server.base),
        Some(&fx.read_token),
        bench.mode.warmup,
    );
    wrk::run(&load, bench.pins.load)?;
    let until_window = (due - chrono::Duration::seconds(1) - Utc::now())
        .to_std()
        .unwrap_or_default();
    std::thread::sleep(until_window);
    load.duration = SWEEP_WINDOW;
    let during = bench.run(&server, &load)?;

    let waited = std::time::Instant::now();
    let logged = loop {
        let found = server
            .log_lines()
            .into_iter()
            .find(|l| l["fields"]["message"] == "expiry sweep ran");
        if let Some(found) = found {
            break found;
        }
        if waited.elapsed() > SWEEP_LOG_DEADLINE {
            return Err(format!(
                "the sweep did not run within {SWEEP_LOG_DEADLINE:?} of its time; log:\n{}",
                server.log_tail()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    memory.push(server.memory());
    server.stop()?;

    let swept = logged["fields"]["tokens"].as_u64().unwrap_or(0);
    let took_ms = logged["fields"]["duration_ms"]
        .as_u64()
        .ok_or("the sweep log line has no duration_ms")?;
    let mut problems = errors(&during, false);
    if swept != bench.mode.expired_tokens as u64 {
        problems.push(format!(
            "swept {swept} tokens, expected {}",
            bench.mode.expired_tokens
        ));
    }
    let mut duration_problems = Vec::new();
    if bench.mode.thresholds {
        if during.p99_us >= 50_000 {
            problems.push(format!("p99 {} >= 50 ms", ms(during.p99_us)));
        }
        if took_ms >= 2_000 {
            duration_problems.push(format!("{took_ms} ms >= 2 s"));
        }
    }
    let line = line(
        "sweep (read-20)",
        during,
        healthz,
        "p99 < 50 ms during the sweep",
        problems,
    );
    let measure = Measure {
        name: format!("sweep of {swept} expired tokens"),
        value: format!("{took_ms} ms"),
        target: String::from("< 2 s"),
        problems: duration_problems,
    };
    Ok((line, vec![measure]))
}

fn process_measures(
    t: bool,
    bin: &Path,
    memory: &[Memory],
    startups: &[(&str, Duration)],
) -> Vec<Measure> {
    let mut measures = Vec::new();
    let rss = memory.iter().map(|m| m.rss_kib).max().unwrap_or(0);
    let peak = memory.iter().map(|m| m.peak_kib).max().unwrap_or(0);
    let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
    let over = |value: f64, limit: f64, what: &str| {
        if t && value >= limit {
            vec![format!("{what}")]
        } else {
            Vec::new()
        }
    };
    measures.push(Measure {
        name: String::from("resident memory at end (max of servers)"),
        value: mib(rss),
        target: String::from("< 64 MiB"),
        problems: over(rss as f64, 64.0 * 1024.0, "over 64 MiB"),
    });
    measures.push(Measure {
        name: String::from("peak resident memory (VmHWM)"),
        value: mib(peak),
        target: String::from("(context)"),
        problems: Vec::new(),
    });
    let size = std::fs::metadata(bin).map(|m| m.len()).unwrap_or(0);
    measures.push(Measure {
        name: String::from("release binary size"),
        value: format!("{:.1} MiB", size as f64 / 1048576.0),
        target: String::from("< 25 MiB"),
        problems: over(size as f64, 25.0 * 1048576.0, "over 25 MiB"),
    });
    for (label, took) in startups {
        let took_ms = took.as_secs_f64() * 1000.0;
        measures.push(Measure {
            name: format!("start to first 200 ({label})"),
            value: format!("{took_ms:.0} ms"),
            target: String::from("< 300 ms"),
            problems: over(took_ms, 300.0, "over 300 ms"),
        });
    }
    measures
}

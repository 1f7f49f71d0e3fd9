//! The load benchmark: `benches/load.sh` (or `cargo bench --bench load`), `--smoke` for the
//! short version CI runs. See BENCHMARKS.md for the scenarios, the targets and how to read the
//! table. The release binary under test is `$ENVKEEP_BIN` or the one cargo builds for this bench.
//!
//! Three server lifetimes on one temp data dir: (1) fresh, seeded through the API: healthz,
//! read-20, read-one, read-20-infisical, bad-token, write, read-many, read-many-mixed, and a
//! point-in-time restore of a 1,000-secret folder against its recursive listing; (2) restarted after 100,000 tokens and 50,000 secrets were written into the file: read-20-big;
//! (3) restarted after 100,000 expired tokens were written, with the sweep scheduled a few
//! seconds after start: read-20 during it. Then (4) a fresh server on a data dir of its own
//! takes bursts of failed logins, for its memory under that attack.

mod logins;
mod measures;
mod mixed;
mod report;
mod restore;
mod seed;
mod server;
mod sweep;
mod usage;
mod wrk;

use report::{ms, Line, Report};
use server::Server;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wrk::{Load, Outcome};

const CONNECTIONS: u32 = 32;

pub struct Mode {
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
pub struct Pins {
    server: Option<&'static str>,
    load: Option<&'static str>,
}

pub struct Bench<'a> {
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
            read_rotation: None,
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
pub fn errors(o: &Outcome, expect_401: bool) -> Vec<String> {
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

pub fn line(
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
    let (load_before, steal_before) = (measures::load_average(), measures::steal_ms());
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
    seed::check_read(&base, &fx.read_token, &list, seed::SECRETS_PER_FOLDER).await?;
    seed::check_read(&base, &fx.read_token, &one, 1).await?;
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
        at_least(&mut problems, "ratio", read20.rps() / healthz.rps(), 0.4);
        if read20.p99_us >= 10_000 {
            problems.push(format!("p99 {} >= 10 ms", ms(read20.p99_us)));
        }
    }
    lines.push(line(
        "read-20",
        read20,
        &healthz,
        "≥ 0.4 × healthz, p99 < 10 ms",
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

    let infisical_line = infisical(&bench, &server, &fx, &raw, &healthz).await?;
    let service_raw = infisical_line.outcome.as_ref().map(Outcome::rps);
    lines.push(infisical_line);

    seed::check_read(&base, &fx.identity_token, &raw, seed::SECRETS_PER_FOLDER).await?;
    let identity = bench.measure(
        &server,
        bench.get(format!("{base}{raw}"), Some(&fx.identity_token), d),
    )?;
    let mut problems = errors(&identity, false);
    if let (true, Some(service_raw)) = (t, service_raw) {
        at_least(
            &mut problems,
            "× read-20-infisical",
            identity.rps() / service_raw,
            0.9,
        );
    }
    lines.push(line(
        "read-20-identity",
        identity,
        &healthz,
        "≥ 0.9 × read-20-infisical",
        problems,
    ));

    let expand = format!(
        "/api/v1/projects/{p}/secrets?environment=dev&path={}&expand=true",
        seed::EXPAND_PATH
    );
    seed::check_read(&base, &fx.expand_token, &expand, seed::SECRETS_PER_FOLDER).await?;
    let expanded = bench.measure(
        &server,
        bench.get(format!("{base}{expand}"), Some(&fx.expand_token), d),
    )?;
    let mut problems = errors(&expanded, false);
    if t {
        at_least(
            &mut problems,
            "× read-20",
            expanded.rps() / read20.rps(),
            0.5,
        );
    }
    lines.push(line(
        "read-20-expand",
        expanded,
        &healthz,
        "≥ 0.5 × read-20",
        problems,
    ));

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
    // The memory target is taken before read-many's 4,000 secrets, on the workload it was set
    // for; read-many reports its own figure as context.
    memory.push(server.memory());
    let (many_lines, many_measures) = mixed::run(&bench, &server, &healthz).await?;
    lines.extend(many_lines);
    measures.extend(many_measures);
    measures.extend(restore::run(t, &server.base).await?);
    server.stop()?;

    // (1b) read-20 with per-token usage counting off, then on, each on a fresh restart.
    lines.extend(usage::run(&bench, &bin, dir.path(), &fx, &list, &healthz).await?);

    // (2) 100,000 more tokens and 50,000 more secrets, written while the server is stopped.
    {
        let store = seed::Store::open(dir.path(), p).await?;
        store.add_tokens(mode.bulk_tokens, false)?;
        store.add_secrets(mode.bulk_secrets)?;
    }
    let server = Server::start(&bin, dir.path(), bench.pins.server, "off")?;
    startups.push(("restart, bulk-seeded database", server.started_in));
    seed::check_read(
        &server.base,
        &fx.read_token,
        &list,
        seed::SECRETS_PER_FOLDER,
    )
    .await?;
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
        sweep::run(&bench, &bin, dir.path(), &fx, &list, &healthz, &mut memory).await?;
    lines.push(sweep_line);
    measures.extend(sweep_measures);

    measures.extend(measures::process(t, &bin, &memory, &startups));
    // (4) Memory under failed logins, on a server of its own so the peak is this attack's.
    measures.extend(logins::run(t, &bin, bench.pins.server).await?);
    let context = vec![
        format!("machine: {cores} cores, {}", measures::cpu_model()),
        format!(
            "load average at start {load_before}, at end {}",
            measures::load_average()
        ),
        format!(
            "hypervisor steal during the run: {} ms",
            measures::steal_ms().saturating_sub(steal_before)
        ),
    ];
    Ok(Report {
        mode: mode.name,
        context,
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
    seed::check_read(base, &fx.read_token, raw, seed::SECRETS_PER_FOLDER).await?;
    let o = bench.measure(
        server,
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

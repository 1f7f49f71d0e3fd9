//! The `sweep` scenario: a server restarted over 100,000 expired tokens with its sweep due a few
//! seconds later; read-20 is measured from a second before the sweep until two seconds after,
//! and the sweep's own duration comes from its log line.

use crate::report::{ms, Line, Measure};
use crate::server::{Memory, Server};
use crate::wrk::{self, Outcome};
use crate::{errors, line, seed, Bench};
use chrono::{Timelike, Utc};
use std::path::Path;
use std::time::Duration;

/// The read-20 window around the sweep: it starts a second before the sweep is due.
const SWEEP_WINDOW: Duration = Duration::from_secs(3);
const SWEEP_LOG_DEADLINE: Duration = Duration::from_secs(60);

/// Starts a server whose sweep is due a few seconds later, warms read-20 up, and measures
/// read-20 from a second before the sweep is due until two seconds after. The sweep's own
/// duration comes from its log line.
pub async fn run(
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

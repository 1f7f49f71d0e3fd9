//! `read-many` and `read-many-mixed`: one service token reads 200 folders of 20 secrets
//! round-robin, first alone, then while an independent project takes 10 writes a second from a
//! thread of this process. Their ratio shows what a write elsewhere costs a reader whose folders
//! are cached: nothing, if the server drops only what a write touched.

use crate::report::{Line, Measure};
use crate::seed::{self, ManyFolders};
use crate::server::Server;
use crate::wrk::Outcome;
use crate::{errors, line, Bench};
use serde_json::json;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const WRITES_PER_SECOND: u32 = 10;
/// The least share of `read-many`'s requests/s that `read-many-mixed` must keep.
const MIXED_SHARE: f64 = 0.9;
/// Below this share of the planned writes, the mixed run did not measure what it claims.
const WRITER_PACE: f64 = 0.9;
/// How long the writer may outlive the measured run if nobody stops it.
const WRITER_GRACE: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// Failed writes quoted in the verdict; the rest are only counted.
const QUOTED_FAILURES: usize = 3;

/// What the writer thread did.
#[derive(Default)]
struct Writes {
    sent: u32,
    failures: Vec<String>,
}

pub async fn run(
    bench: &Bench<'_>,
    server: &Server,
    healthz: &Outcome,
) -> Result<(Vec<Line>, Vec<Measure>), String> {
    let base = &server.base;
    let fx = seed::many_folders(base).await?;
    let list = format!(
        "/api/v1/projects/{}/secrets?environment=dev&path=",
        fx.project
    );
    for i in 0..seed::MANY_FOLDERS {
        let folder = format!("{list}{}", seed::many_folder(i));
        seed::check_read(base, &fx.read_token, &folder, seed::SECRETS_PER_FOLDER).await?;
    }
    let many = || {
        let mut load = bench.get(format!("{base}/"), Some(&fx.read_token), bench.mode.measure);
        let prefix = format!("{list}{}", seed::MANY_FOLDER_PREFIX);
        load.read_rotation = Some((prefix, seed::MANY_FOLDERS as u32));
        load
    };

    let alone = bench.measure(server, many())?;
    let (fx, duration) = (&fx, bench.mode.measure);
    let (mixed, writes) = std::thread::scope(|scope| {
        let (stop, stopped) = mpsc::channel::<()>();
        let writer = scope.spawn(move || write_paced(base, fx, duration, &stopped));
        let mixed = bench.run(server, &many());
        drop(stop);
        let writes = writer
            .join()
            .map_err(|_| String::from("the writer thread panicked"))?;
        mixed.map(|mixed| (mixed, writes))
    })?;

    let t = bench.mode.thresholds;
    let rate = f64::from(writes.sent) / (mixed.duration_us.max(1) as f64 / 1e6);
    let mut mixed_problems = errors(&mixed, false);
    if !writes.failures.is_empty() {
        let quoted = writes.failures[..writes.failures.len().min(QUOTED_FAILURES)].join("; ");
        mixed_problems.push(format!(
            "{} of {} writes failed: {quoted}",
            writes.failures.len(),
            writes.sent
        ));
    }
    let mut rate_problems = Vec::new();
    if t && rate < f64::from(WRITES_PER_SECOND) * WRITER_PACE {
        rate_problems.push(format!("{rate:.1} writes/s < {WRITES_PER_SECOND}"));
    }
    let share = mixed.rps() / alone.rps();
    let mut share_problems = Vec::new();
    if t && share < MIXED_SHARE {
        share_problems.push(format!("{share:.2} < {MIXED_SHARE}"));
    }
    let cpu_share = alone.cpu_us_per_request() / mixed.cpu_us_per_request();

    let lines = vec![
        line(
            "read-many",
            alone,
            healthz,
            "alone (read-many-mixed's base)",
            errors(&alone, false),
        ),
        line(
            "read-many-mixed",
            mixed,
            healthz,
            "10 writes/s to another project",
            mixed_problems,
        ),
    ];
    let measures = vec![
        Measure {
            name: String::from("read-many-mixed over read-many (req/s)"),
            value: format!("{share:.2}"),
            target: format!("≥ {MIXED_SHARE}"),
            problems: share_problems,
        },
        Measure {
            name: String::from("read-many-mixed over read-many (server CPU/req)"),
            value: format!("{cpu_share:.2}"),
            target: String::from("(context)"),
            problems: Vec::new(),
        },
        Measure {
            name: String::from("writes to the other project during read-many-mixed"),
            value: format!("{rate:.1}/s"),
            target: format!("{WRITES_PER_SECOND}/s"),
            problems: rate_problems,
        },
        Measure {
            name: String::from("resident memory after read-many-mixed"),
            value: format!("{:.1} MiB", server.memory().rss_kib as f64 / 1024.0),
            target: String::from("(context)"),
            problems: Vec::new(),
        },
    ];
    Ok((lines, measures))
}

/// PATCHes the other project's `/w` secrets in turn, `WRITES_PER_SECOND` a second (never in a
/// burst to catch up), until `stop`'s sender is dropped, `duration`'s share of writes was sent,
/// or `duration` plus a grace has passed.
fn write_paced(base: &str, fx: &ManyFolders, duration: Duration, stop: &Receiver<()>) -> Writes {
    let agent = ureq::Agent::config_builder()
        .timeout_global(Some(WRITE_TIMEOUT))
        .build()
        .new_agent();
    let limit = WRITES_PER_SECOND * duration.as_secs().max(1) as u32;
    let interval = Duration::from_secs(1) / WRITES_PER_SECOND;
    let bearer = format!("Bearer {}", fx.write_token);
    let started = Instant::now();
    let mut next = started;
    let mut writes = Writes::default();
    while writes.sent < limit && started.elapsed() < duration + WRITER_GRACE {
        let key = writes.sent as usize % seed::SECRETS_PER_FOLDER + 1;
        let url = format!(
            "{base}/api/v1/projects/{}/secrets/W_{key:02}?environment=dev&path={}",
            fx.other_project,
            seed::WRITE_PATH
        );
        let body = json!({ "value": format!("{:064}", writes.sent) });
        let answered = agent
            .patch(&url)
            .header("Authorization", &bearer)
            .send_json(&body)
            .and_then(|response| response.into_body().read_to_string());
        if let Err(e) = answered {
            writes.failures.push(format!("PATCH W_{key:02}: {e}"));
        }
        writes.sent += 1;
        next = (next + interval).max(Instant::now());
        match stop.recv_timeout(next.saturating_duration_since(Instant::now())) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    writes
}

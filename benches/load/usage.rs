//! What counting per-token usage costs on the hot path: `read-20` on a server restarted with
//! `ENVKEEP_TOKEN_USAGE=off`, then on one restarted with it on, over the same data, one after
//! the other; the target compares the server's CPU per request (steadier than requests/s when
//! neighbours compete).

use crate::report::Line;
use crate::server::Server;
use crate::wrk::Outcome;
use crate::{errors, line, seed, Bench};
use std::path::Path;

/// Counting may cost at most this much more CPU per request.
const MAX_EXTRA_CPU: f64 = 0.05;

async fn read20(
    bench: &Bench<'_>,
    bin: &Path,
    dir: &Path,
    fx: &seed::Fixture,
    list: &str,
    usage: &str,
) -> Result<Outcome, String> {
    let server = Server::start_with(
        bin,
        dir,
        bench.pins.server,
        "off",
        &[("ENVKEEP_TOKEN_USAGE", usage)],
    )?;
    seed::check_read(&server.base, &fx.read_token, list, seed::SECRETS_PER_FOLDER).await?;
    let load = bench.get(
        format!("{}{list}", server.base),
        Some(&fx.read_token),
        bench.mode.measure,
    );
    let outcome = bench.measure(&server, load)?;
    server.stop()?;
    Ok(outcome)
}

/// The `read-20 usage off` and `read-20 usage on` lines.
pub async fn run(
    bench: &Bench<'_>,
    bin: &Path,
    dir: &Path,
    fx: &seed::Fixture,
    list: &str,
    healthz: &Outcome,
) -> Result<Vec<Line>, String> {
    let off = read20(bench, bin, dir, fx, list, "off").await?;
    let on = read20(bench, bin, dir, fx, list, "on").await?;
    let extra = on.cpu_us_per_request() / off.cpu_us_per_request() - 1.0;
    let mut problems = errors(&on, false);
    if bench.mode.thresholds && extra > MAX_EXTRA_CPU {
        problems.push(format!(
            "cpu/req {:+.1} % over usage off (at most {:+.0} %)",
            extra * 100.0,
            MAX_EXTRA_CPU * 100.0
        ));
    }
    let target = format!("cpu/req ≤ off + 5 % (now {:+.1} %)", extra * 100.0);
    Ok(vec![
        line(
            "read-20 usage off",
            off,
            healthz,
            "context",
            errors(&off, false),
        ),
        line("read-20 usage on", on, healthz, &target, problems),
    ])
}

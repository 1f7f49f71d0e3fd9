//! Numbers about the process rather than a load: resident memory, binary size, start-up time,
//! and what else was using the machine during the run.

use crate::report::Measure;
use crate::server::Memory;
use std::path::Path;
use std::time::Duration;

pub fn process(
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
        name: String::from("resident memory (max of servers, before read-many)"),
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

pub fn cpu_model() -> String {
    let info = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = info
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split(':').nth(1));
    model.map_or(String::from("unknown CPU"), |m| m.trim().to_owned())
}

pub fn load_average() -> String {
    let text = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Time the hypervisor ran something else on this machine's CPUs (`steal` in `/proc/stat`, in
/// USER_HZ ticks of 10 ms): a tail-latency suspect on shared machines.
pub fn steal_ms() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks = stat
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(8))
        .and_then(|t| t.parse::<u64>().ok());
    ticks.unwrap_or(0) * 10
}

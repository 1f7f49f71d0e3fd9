//! `failed-logins`: an outsider's cheapest attack on memory. A fresh server takes 4 bursts of 40
//! parallel wrong logins, each burst from its own loopback address (every login costs an argon2
//! hash of 19 MiB); its resident memory afterwards and its peak are the measures. The same
//! property is a release test (`hardening::binary::memory`); here it is reported beside the
//! other numbers.

use crate::report::Measure;
use crate::server::{Server, ADMIN_EMAIL};
use reqwest::Client;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;
use tokio::task::JoinSet;

const BURSTS: u8 = 4;
const PER_BURST: usize = 40;
const RESIDENT_LIMIT_MIB: f64 = 128.0;
const PEAK_LIMIT_MIB: f64 = 160.0;

/// One burst: `PER_BURST` wrong logins at once from `source`, half for the admin and half for
/// made-up accounts; the answers that were not 401.
async fn burst(base: &str, source: IpAddr) -> Result<Vec<String>, String> {
    let client = Client::builder()
        .local_address(source)
        .build()
        .map_err(|e| e.to_string())?;
    let mut logins = JoinSet::new();
    for n in 0..PER_BURST {
        let email = if n % 2 == 0 {
            ADMIN_EMAIL.to_owned()
        } else {
            format!("nobody{n}@example.com")
        };
        let request = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({ "email": email, "password": "not-the-password" }));
        logins.spawn(async move { request.send().await.map(|r| r.status().as_u16()) });
    }
    let mut unexpected = Vec::new();
    for answer in logins.join_all().await {
        match answer {
            Ok(401) => {}
            Ok(status) => unexpected.push(format!("a {status}")),
            Err(e) => unexpected.push(e.to_string()),
        }
    }
    Ok(unexpected)
}

pub async fn run(thresholds: bool, bin: &Path, pin: Option<&str>) -> Result<Vec<Measure>, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("no temp dir: {e}"))?;
    let server = Server::start(bin, dir.path(), pin, "off")?;
    let mut unexpected = Vec::new();
    for n in 0..BURSTS {
        let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 10 + n));
        unexpected.extend(burst(&server.base, source).await?);
    }
    let memory = server.memory();
    server.stop()?;
    let mib = |kib: u64| kib as f64 / 1024.0;
    let over = |value: f64, limit: f64| {
        if thresholds && value >= limit {
            vec![format!("over {limit} MiB")]
        } else {
            Vec::new()
        }
    };
    let mut resident_problems = over(mib(memory.rss_kib), RESIDENT_LIMIT_MIB);
    if !unexpected.is_empty() {
        resident_problems.push(format!(
            "{} logins were not a plain 401 (first: {})",
            unexpected.len(),
            unexpected[0]
        ));
    }
    Ok(vec![
        Measure {
            name: format!("resident memory after {BURSTS}×{PER_BURST} parallel failed logins"),
            value: format!("{:.1} MiB", mib(memory.rss_kib)),
            target: format!("< {RESIDENT_LIMIT_MIB} MiB"),
            problems: resident_problems,
        },
        Measure {
            name: String::from("peak resident memory (VmHWM) during those logins"),
            value: format!("{:.1} MiB", mib(memory.peak_kib)),
            target: format!("< {PEAK_LIMIT_MIB} MiB"),
            problems: over(mib(memory.peak_kib), PEAK_LIMIT_MIB),
        },
    ])
}

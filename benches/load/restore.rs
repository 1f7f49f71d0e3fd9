//! Point-in-time restore of a 1,000-secret folder (10 sub-folders of 100) against recursive
//! listings of the same folder, in the same run: the restore must cost less than 5 listings.
//! A listing is timed cold (a write to the folder just evicted it, so the server reads and
//! decrypts all 1,000 rows) and warm (from the folder cache), both as the median of 5; the
//! restore is the median of 3, each putting all 1,000 secrets back to another moment.

use crate::report::Measure;
use crate::seed::{call, Admin};
use envkeep::time::{now_millis, rfc3339};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const FOLDERS: usize = 10;
const PER_FOLDER: usize = 100;
const ROOT: &str = "/pitr";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Writes every secret of the folder with values of `round` (one batch per sub-folder).
async fn write_all(admin: &Admin, project: &str, round: usize) -> Result<(), String> {
    let url = format!("/api/v1/projects/{project}/secret-batches");
    for f in 0..FOLDERS {
        let secrets: Vec<Value> = (0..PER_FOLDER)
            .map(|i| json!({ "key": format!("KEY_{i:03}"), "value": format!("{round:08}{}", "v".repeat(56)) }))
            .collect();
        let body = json!({ "environment": "dev", "path": format!("{ROOT}/f{f}"), "secrets": secrets, "overwrite": true });
        call(admin.post(&url, body), 200, "write the restore folder").await?;
    }
    Ok(())
}

/// A moment strictly between the writes before and after it (versions are stamped in ms).
async fn moment() -> String {
    tokio::time::sleep(Duration::from_millis(20)).await;
    let at = rfc3339(now_millis());
    tokio::time::sleep(Duration::from_millis(20)).await;
    at
}

pub async fn run(t: bool, base: &str) -> Result<Vec<Measure>, String> {
    let admin = Admin::login(base).await?;
    let project = admin.project("restore-bench").await?;
    write_all(&admin, &project, 1).await?;
    let first = moment().await;
    write_all(&admin, &project, 2).await?;
    let second = moment().await;

    let list = format!(
        "{base}/api/v1/projects/{project}/secrets?environment=dev&path={ROOT}&recursive=true"
    );
    let patch =
        format!("{base}/api/v1/projects/{project}/secrets/KEY_000?environment=dev&path={ROOT}/f0");
    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for i in 0..5 {
        let evict = admin
            .client
            .patch(&patch)
            .bearer_auth(&admin.session)
            .json(&json!({ "value": format!("evict-{i}") }));
        call(evict, 200, "evict the listing").await?;
        for times in [&mut cold, &mut warm] {
            let started = Instant::now();
            let listed = call(
                admin.client.get(&list).bearer_auth(&admin.session),
                200,
                "list",
            )
            .await?;
            times.push(started.elapsed());
            let count = listed["secrets"].as_array().map_or(0, Vec::len);
            if count != FOLDERS * PER_FOLDER {
                return Err(format!("the recursive listing has {count} secrets"));
            }
        }
    }
    let url = format!("/api/v1/projects/{project}/environments/dev/restore");
    let mut restores = Vec::new();
    for at in [&first, &second, &first] {
        let started = Instant::now();
        let done = call(
            admin.post(&url, json!({ "at": at, "path": ROOT })),
            200,
            "restore",
        )
        .await?;
        restores.push(started.elapsed());
        let changed = done["changed"]["count"].as_u64().unwrap_or(0);
        if changed != (FOLDERS * PER_FOLDER) as u64 {
            return Err(format!("a restore changed {changed} secrets, not 1,000"));
        }
    }
    let (cold, warm, restore) = (median(cold), median(warm), median(restores));
    let ratio = restore.as_secs_f64() / cold.as_secs_f64();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    let context = |name: &str, value: String| Measure {
        name: name.to_owned(),
        value,
        target: String::from("(context)"),
        problems: Vec::new(),
    };
    Ok(vec![
        context(
            "recursive listing of 1,000 secrets, cold (median of 5)",
            ms(cold),
        ),
        context(
            "recursive listing of 1,000 secrets, cached (median of 5)",
            ms(warm),
        ),
        context(
            "point-in-time restore of the 1,000 (median of 3)",
            ms(restore),
        ),
        Measure {
            name: String::from("restore over cold recursive listing"),
            value: format!("{ratio:.2}"),
            target: String::from("< 5"),
            problems: if t && ratio >= 5.0 {
                vec![String::from("5 or more")]
            } else {
                Vec::new()
            },
        },
    ])
}

//! Concurrency: 8 writers and 8 readers at once get no 5xx and never "database is locked".
//! The in-process test runs for `ENVKEEP_LOAD_SECS` (default 3 s); `binary::concurrency_*`
//! runs the same load for 10 s against the release binary.

use reqwest::{Client, StatusCode};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const WRITERS: usize = 8;
pub const READERS: usize = 8;

/// What a load run saw: counts by status, and every unexpected answer.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    pub unexpected: Vec<String>,
    /// (folder path/key, value) of every write the server acknowledged, in order; "" = deleted.
    pub acknowledged: Vec<(String, String)>,
}

impl LoadReport {
    pub fn requests(&self) -> u64 {
        self.statuses.values().sum::<u64>() + self.transport_errors
    }

    pub fn server_errors(&self) -> u64 {
        self.statuses
            .iter()
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum()
    }

    fn merge(&mut self, other: LoadReport) {
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        self.unexpected.extend(other.unexpected);
        self.acknowledged.extend(other.acknowledged);
    }
}

/// Where the load goes: a server, a project with `dev`, an admin bearer and a read token.
#[derive(Clone)]
pub struct Target {
    pub base: String,
    pub project: String,
    pub admin: String,
    pub token: String,
}

impl Target {
    fn secrets(&self) -> String {
        format!("{}/api/v1/projects/{}/secrets", self.base, self.project)
    }
}

async fn record(
    report: &mut LoadReport,
    what: &str,
    outcome: reqwest::Result<reqwest::Response>,
    ok: &[StatusCode],
) -> Option<StatusCode> {
    match outcome {
        Ok(response) => {
            let status = response.status();
            *report.statuses.entry(status.as_u16()).or_default() += 1;
            let text = response.text().await.unwrap_or_default();
            if !ok.contains(&status) || text.to_lowercase().contains("locked") {
                report.unexpected.push(format!(
                    "{what}: {status} {}",
                    text.chars().take(200).collect::<String>()
                ));
            }
            Some(status)
        }
        Err(e) => {
            report.transport_errors += 1;
            report
                .unexpected
                .push(format!("{what}: transport error {e}"));
            None
        }
    }
}

async fn writer(target: Arc<Target>, id: usize, until: Instant) -> LoadReport {
    let client = Client::new();
    let mut report = LoadReport::default();
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let (key, path) = (format!("W{id}_{n}"), format!("/w{id}/n{}", n % 4));
        let value = format!("value-{id}-{n}");
        let create = client
            .post(target.secrets())
            .bearer_auth(&target.admin)
            .json(&json!({ "environment": "dev", "path": path, "key": key, "value": value }))
            .send()
            .await;
        if record(&mut report, "create", create, &[StatusCode::CREATED]).await
            == Some(StatusCode::CREATED)
        {
            report
                .acknowledged
                .push((format!("{path}/{key}"), value.clone()));
        }
        if n % 3 == 0 {
            let updated = format!("{value}-updated");
            let patch = client
                .patch(format!(
                    "{}/{key}?environment=dev&path={path}",
                    target.secrets()
                ))
                .bearer_auth(&target.admin)
                .json(&json!({ "value": updated }))
                .send()
                .await;
            if record(&mut report, "update", patch, &[StatusCode::OK]).await == Some(StatusCode::OK)
            {
                report.acknowledged.push((format!("{path}/{key}"), updated));
            }
        }
        if n % 10 == 0 {
            let gone = format!("W{id}_{}", n - 1);
            let path = format!("/w{id}/n{}", (n - 1) % 4);
            let delete = client
                .delete(format!(
                    "{}/{gone}?environment=dev&path={path}",
                    target.secrets()
                ))
                .bearer_auth(&target.admin)
                .send()
                .await;
            if record(&mut report, "delete", delete, &[StatusCode::NO_CONTENT]).await
                == Some(StatusCode::NO_CONTENT)
            {
                report
                    .acknowledged
                    .push((format!("{path}/{gone}"), String::new()));
            }
        }
    }
    report
}

async fn reader(target: Arc<Target>, id: usize, until: Instant) -> LoadReport {
    let client = Client::new();
    let mut report = LoadReport::default();
    let mut n = 0usize;
    while Instant::now() < until {
        n += 1;
        let (what, request) = match (n + id) % 4 {
            0 => (
                "list",
                client.get(format!(
                    "{}?environment=dev&recursive=true",
                    target.secrets()
                )),
            ),
            1 => (
                "get",
                client.get(format!("{}/SEED?environment=dev", target.secrets())),
            ),
            2 => (
                "whoami",
                client.get(format!("{}/api/v1/auth/token", target.base)),
            ),
            _ => (
                "folder list",
                client.get(format!(
                    "{}?environment=dev&path=/w{}",
                    target.secrets(),
                    n % WRITERS
                )),
            ),
        };
        let outcome = request.bearer_auth(&target.token).send().await;
        // A writer's folder may not exist yet at the first read: 404 is a correct answer then.
        record(
            &mut report,
            what,
            outcome,
            &[StatusCode::OK, StatusCode::NOT_FOUND],
        )
        .await;
    }
    report
}

/// Runs `WRITERS` writers and `READERS` readers against `target` for `duration`.
pub async fn run(target: Target, duration: Duration) -> LoadReport {
    let target = Arc::new(target);
    let until = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for id in 0..WRITERS {
        tasks.spawn(writer(target.clone(), id, until));
    }
    for id in 0..READERS {
        tasks.spawn(reader(target.clone(), id, until));
    }
    let mut report = LoadReport::default();
    while let Some(part) = tasks.join_next().await {
        report.merge(part.expect("load task"));
    }
    report
}

/// The load duration: `ENVKEEP_LOAD_SECS` or `default`.
pub fn duration_from_env(default: u64) -> Duration {
    Duration::from_secs(
        std::env::var("ENVKEEP_LOAD_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default),
    )
}

/// Prepares `target` on a running server: a project with a `SEED` secret and a read token.
pub async fn prepare(base: &str, admin: &str) -> Target {
    let client = Client::new();
    let project: serde_json::Value = client
        .post(format!("{base}/api/v1/projects"))
        .bearer_auth(admin)
        .json(&json!({ "name": "load" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let project = project["project"]["id"].as_str().unwrap().to_owned();
    let seed = client
        .post(format!("{base}/api/v1/projects/{project}/secrets"))
        .bearer_auth(admin)
        .json(&json!({ "environment": "dev", "key": "SEED", "value": "seed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(seed.status(), StatusCode::CREATED);
    let minted: serde_json::Value = client
        .post(format!("{base}/api/v1/projects/{project}/service-tokens"))
        .bearer_auth(admin)
        .json(&json!({ "name": "reader", "scopes": [{ "environment": "dev", "secretPath": "/**" }], "permissions": ["read"], "expiresIn": null }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = crate::legacy_helpers::access_part(minted["token"].as_str().unwrap());
    Target {
        base: base.to_owned(),
        project,
        admin: admin.to_owned(),
        token,
    }
}

/// Every secret in `dev` of `project`, as folder path + key → value.
pub async fn all_secrets(
    base: &str,
    admin: &str,
    project: &str,
) -> std::collections::HashMap<String, String> {
    let response = reqwest::Client::new()
        .get(format!(
            "{base}/api/v1/projects/{project}/secrets?environment=dev&recursive=true"
        ))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let json: serde_json::Value = response.json().await.unwrap();
    json["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            let sep = if path == "/" { "" } else { "/" };
            (
                format!("{path}{sep}{}", s["key"].as_str().unwrap()),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every acknowledged write is in the store: the last acknowledged value of each key, and no key
/// whose deletion was acknowledged. (Keys belong to one writer each, so the order within a
/// writer's list is the order of its writes.)
pub fn assert_all_acknowledged_present(
    report: &LoadReport,
    found: &std::collections::HashMap<String, String>,
) {
    let mut expected: BTreeMap<&str, &str> = BTreeMap::new();
    for (key, value) in &report.acknowledged {
        expected.insert(key, value);
    }
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(key, value)| match found.get(**key) {
            Some(stored) => value.is_empty() || stored != *value,
            None => !value.is_empty(),
        })
        .map(|(key, value)| format!("{key}: expected {value:?}, found {:?}", found.get(*key)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} acknowledged writes missing or wrong: {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}

pub fn assert_clean(report: &LoadReport) {
    assert!(report.requests() > 0);
    assert_eq!(
        report.server_errors(),
        0,
        "5xx under load: {:?}",
        &report.unexpected[..report.unexpected.len().min(20)]
    );
    assert_eq!(
        report.transport_errors,
        0,
        "{:?}",
        &report.unexpected[..report.unexpected.len().min(20)]
    );
    assert!(
        report.unexpected.is_empty(),
        "{:?}",
        &report.unexpected[..report.unexpected.len().min(20)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_writers_and_eight_readers_get_no_5xx_and_no_lock_errors() {
    let app = crate::legacy_helpers::spawn_app().await;
    let target = prepare(&app.base, &app.admin).await;
    let target_project = target.project.clone();
    let report = run(target, duration_from_env(3)).await;
    println!(
        "in-process load: {} requests, statuses {:?}",
        report.requests(),
        report.statuses
    );
    assert_clean(&report);
    let writes = report.statuses.get(&201).copied().unwrap_or(0);
    assert!(
        writes >= WRITERS as u64,
        "too few writes went through: {:?}",
        report.statuses
    );
    let found = all_secrets(&app.base, &app.admin, &target_project).await;
    assert_all_acknowledged_present(&report, &found);
    // The graceful stop completes promptly right after the load.
    tokio::time::timeout(std::time::Duration::from_secs(15), app.stop())
        .await
        .expect("server stops");
}

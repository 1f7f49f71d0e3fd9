//! The writers and readers of a load run.

use super::{LoadReport, Target};
use crate::helpers::{paths, Answered};
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const WRITERS: usize = 8;
pub const READERS: usize = 8;

/// Creates secrets in its own folders, updating every third and deleting every tenth.
async fn writer(target: Arc<Target>, id: usize, until: Instant) -> LoadReport {
    let (admin, project) = (&target.admin, &target.project);
    let mut report = LoadReport::default();
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let (key, path) = (format!("W{id}_{n}"), format!("/w{id}/n{}", n % 4));
        let value = format!("value-{id}-{n}");
        let body = json!({ "environment": "dev", "path": path, "key": key, "value": value });
        let create = admin
            .try_send_json(Method::POST, &paths::secrets(project), body)
            .await;
        if report.record("create", create, &[StatusCode::CREATED]) == Some(StatusCode::CREATED) {
            report
                .acknowledged
                .push((format!("{path}/{key}"), value.clone()));
        }
        if n % 3 == 0 {
            let updated = format!("{value}-updated");
            let patch = admin
                .try_send_json(
                    Method::PATCH,
                    &paths::secret(project, "dev", &path, &key),
                    json!({ "value": updated }),
                )
                .await;
            if report.record("update", patch, &[StatusCode::OK]) == Some(StatusCode::OK) {
                report.acknowledged.push((format!("{path}/{key}"), updated));
            }
        }
        if n % 10 == 0 {
            let gone = format!("W{id}_{}", n - 1);
            let path = format!("/w{id}/n{}", (n - 1) % 4);
            let delete = admin
                .request(Method::DELETE, &paths::secret(project, "dev", &path, &gone))
                .try_answer()
                .await;
            if report.record("delete", delete, &[StatusCode::NO_CONTENT])
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

/// Lists, gets and asks who it is, in turn.
async fn reader(target: Arc<Target>, id: usize, until: Instant) -> LoadReport {
    let project = &target.project;
    let mut report = LoadReport::default();
    let mut n = 0usize;
    while Instant::now() < until {
        n += 1;
        let (what, path) = match (n + id) % 4 {
            0 => (
                "list",
                paths::recursive(&paths::secrets_in(project, "dev", "/")),
            ),
            1 => ("get", paths::secret(project, "dev", "/", "SEED")),
            2 => ("whoami", paths::WHOAMI.to_owned()),
            _ => (
                "folder list",
                paths::secrets_in(project, "dev", &format!("/w{}", n % WRITERS)),
            ),
        };
        let outcome = target.reader.request(Method::GET, &path).try_answer().await;
        // A writer's folder may not exist yet at the first read: 404 is a correct answer then.
        report.record(what, outcome, &[StatusCode::OK, StatusCode::NOT_FOUND]);
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

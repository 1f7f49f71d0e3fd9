//! `/healthz`: answers from the flags the background jobs refresh; no database work here, so it
//! is also the benchmark's ceiling. `lastBackup` is always there (`"ok"`, `"failed"`, or `null`
//! before the first scheduled backup); never a path or an error text, which go to the log.
//! A read replica adds `"role":"replica"` and `"lag"` (seconds behind the storage as the VFS
//! reports them, `null` before its first poll), and answers 503 beyond `ENVKEEP_REPLICA_MAX_LAG`.

use crate::jobs::{LastBackup, ReplicaHealth};
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let healthy = state.health.is_healthy();
    if let Some(replica) = state.health.replica() {
        return replica_health(healthy, replica, state.health.last_backup());
    }
    let body = match (healthy, state.health.last_backup()) {
        (true, LastBackup::None) => r#"{"status":"ok","lastBackup":null}"#,
        (true, LastBackup::Ok) => r#"{"status":"ok","lastBackup":"ok"}"#,
        (true, LastBackup::Failed) => r#"{"status":"ok","lastBackup":"failed"}"#,
        (false, LastBackup::None) => r#"{"status":"unavailable","lastBackup":null}"#,
        (false, LastBackup::Ok) => r#"{"status":"unavailable","lastBackup":"ok"}"#,
        (false, LastBackup::Failed) => r#"{"status":"unavailable","lastBackup":"failed"}"#,
    };
    let mut answer = if healthy {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    answer.content_type("application/json").body(body)
}

fn replica_health(healthy: bool, replica: ReplicaHealth, last_backup: LastBackup) -> HttpResponse {
    let body = serde_json::json!({
        "status": if healthy { "ok" } else { "unavailable" },
        "role": "replica",
        "lag": replica.lag_secs,
        "lastBackup": match last_backup {
            LastBackup::None => None,
            LastBackup::Ok => Some("ok"),
            LastBackup::Failed => Some("failed"),
        },
    });
    let mut answer = if healthy {
        HttpResponse::Ok()
    } else {
        HttpResponse::ServiceUnavailable()
    };
    answer.json(body)
}

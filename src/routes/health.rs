//! `/healthz`: answers from the flags the background jobs refresh; no database work here, so it
//! is also the benchmark's ceiling. `lastBackup` is always there (`"ok"`, `"failed"`, or `null`
//! before the first scheduled backup); never a path or an error text, which go to the log.

use crate::jobs::LastBackup;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let healthy = state.health.is_healthy();
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

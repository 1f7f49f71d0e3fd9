//! Infisical's Universal Auth routes: `POST /api/v1/auth/universal-auth/login` (JSON or form
//! body; any `Authorization` header is ignored, so a client re-sending a stale token still logs
//! in), `POST /api/v1/auth/token/renew` and `POST /api/v1/auth/token/revoke` (`{accessToken}`;
//! the Node SDK also sends the token as a bearer, which is not needed).

use crate::error::{AppError, AppResult};
use crate::routes::client_ip::client_ip;
use crate::service::universal_auth;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/auth/universal-auth/login", web::post().to(login))
        .route("/api/v1/auth/token/renew", web::post().to(renew))
        .route("/api/v1/auth/token/revoke", web::post().to(revoke));
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    client_id: Option<String>,
    client_secret: Option<String>,
    access_token: Option<String>,
}

/// The body as JSON, or as a form when it says so (the docs' curl sends a form).
fn body(req: &HttpRequest, bytes: &[u8]) -> AppResult<Body> {
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| AppError::BadRequest(String::from("The form body is not UTF-8")))?;
        return web::Query::<Body>::from_query(text)
            .map(web::Query::into_inner)
            .map_err(|e| AppError::BadRequest(format!("The form body does not parse: {e}")));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body::default());
    }
    serde_json::from_slice(bytes).map_err(|e| match e.is_data() {
        true => AppError::validation("body", format!("a field has the wrong type: {e}")),
        false => AppError::BadRequest(format!("The body is not valid JSON: {e}")),
    })
}

fn required(value: Option<String>, field: &str) -> AppResult<String> {
    value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::validation(field, "is required"))
}

async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> AppResult<HttpResponse> {
    let body = body(&req, &bytes)?;
    let client_id = required(body.client_id, "clientId")?;
    let client_secret = required(body.client_secret, "clientSecret")?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    let issued = universal_auth::login(
        &state.store,
        &state.throttle,
        &client_id,
        &client_secret,
        &ip,
    )
    .await?;
    Ok(HttpResponse::Ok().json(issued))
}

async fn renew(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> AppResult<HttpResponse> {
    let token = required(body(&req, &bytes)?.access_token, "accessToken")?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    let issued = universal_auth::renew(&state.store, &state.throttle, &token, &ip).await?;
    Ok(HttpResponse::Ok().json(issued))
}

async fn revoke(
    state: web::Data<AppState>,
    req: HttpRequest,
    bytes: web::Bytes,
) -> AppResult<HttpResponse> {
    let token = required(body(&req, &bytes)?.access_token, "accessToken")?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    universal_auth::revoke(&state.store, &state.throttle, &token, &ip).await?;
    Ok(HttpResponse::Ok().json(json!({ "message": "Successfully revoked access token" })))
}

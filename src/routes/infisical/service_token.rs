//! Token details for a service token, and Infisical's token management routes for admins.

use super::shapes::{token_data, token_details};
use crate::auth::{AdminSession, Caller};
use crate::crypto::wire::WireCiphertext;
use crate::db::users;
use crate::error::{AppError, AppResult};
use crate::routes::etag::Selection;
use crate::service::token_request::{TokenRequest, ZeroExpiry};
use crate::service::tokens::{self, NewToken};
use crate::state::AppState;
use crate::time::rfc3339;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v2/service-token", web::get().to(details))
        .route("/api/v2/service-token", web::post().to(create))
        .route("/api/v2/service-token/{tokenId}", web::delete().to(delete))
        .route(
            "/api/v1/workspace/{projectId}/service-token-data",
            web::get().to(list),
        );
}

fn creator(user: &users::User) -> Value {
    json!({
        "id": user.id, "_id": user.id, "__v": 0,
        "email": user.email, "firstName": "", "lastName": "",
        "authMethods": ["email"], "mfaMethods": [], "devices": [],
        "createdAt": rfc3339(user.created_at), "updatedAt": rfc3339(user.created_at),
    })
}

/// Only a service token may ask (as in Infisical): it learns its own project, scopes and the
/// project key wrapped under its key part.
async fn details(
    state: web::Data<AppState>,
    req: HttpRequest,
    caller: Caller,
) -> AppResult<HttpResponse> {
    super::secrets_e2ee::refuse_identity(&caller)?;
    let Some(record) = caller.token() else {
        return Err(AppError::Forbidden(String::from(
            "Only a service token can read its own details",
        )));
    };
    let (row, view, user) = tokens::find_with_creator(&state.store, &record.id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("Service token with ID '{}' not found", record.id))
        })?;
    let body = token_details(&view, &row, user.as_ref().map(creator));
    Ok(Selection::new(&req, &record.id)
        .item(&record.id, 0)
        .respond(&req, body))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateV2Body {
    workspace_id: Option<String>,
    encrypted_key: Option<String>,
    iv: Option<String>,
    tag: Option<String>,
    #[serde(flatten)]
    token: TokenRequest,
}

/// Infisical's create route: the client wraps the project key under its own key part and gets
/// back `st.<id>.<secret>`, to which it appends that key. `expiresIn: 0` means never here.
/// Empty `encryptedKey/iv/tag` are stored as given; such a token serves the plaintext routes only.
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<CreateV2Body>,
) -> AppResult<HttpResponse> {
    let project = body
        .workspace_id
        .as_deref()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| AppError::validation("workspaceId", "is required"))?;
    let mut new = NewToken::parse(&body.token, ZeroExpiry::Never)?;
    new.client_wrapped_key = Some(WireCiphertext {
        ciphertext: body.encrypted_key.clone().unwrap_or_default(),
        iv: body.iv.clone().unwrap_or_default(),
        tag: body.tag.clone().unwrap_or_default(),
    });
    let minted = tokens::mint(&state.store, &session, project, new).await?;
    Ok(HttpResponse::Ok().json(
        json!({ "serviceToken": minted.token, "serviceTokenData": token_data(&minted.view) }),
    ))
}

async fn delete(
    state: web::Data<AppState>,
    session: AdminSession,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (row, view) = tokens::find(&state.store, &id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Service token with ID '{id}' not found")))?;
    tokens::revoke(&state.store, &session, &row.project_id, &id).await?;
    Ok(HttpResponse::Ok().json(json!({ "serviceTokenData": token_data(&view) })))
}

async fn list(
    state: web::Data<AppState>,
    session: AdminSession,
    project: web::Path<String>,
) -> AppResult<HttpResponse> {
    let found = tokens::list(&state.store, &session, &project).await?;
    Ok(HttpResponse::Ok()
        .json(json!({ "serviceTokenData": found.iter().map(token_data).collect::<Vec<_>>() })))
}

//! `/api/v1/projects/{projectId}/service-tokens` (user sessions, as the policy allows). No
//! update route: tokens are immutable, so PUT and PATCH answer 405.

use super::responses::{BodyRejected, Denied, Missing};
use super::urls::{ProjectUrl, TokenUrl};
use super::{schema, Endpoint};
use crate::auth::AdminSession;
use crate::error::AppResult;
use crate::service::token_request::{TokenRequest, ZeroExpiry};
use crate::service::tokens::{self, NewToken, MAX_SCOPES};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde_json::json;
use std::borrow::Cow;
use utoipa::openapi::{ArrayBuilder, ObjectBuilder, RefOr, Schema, Type};

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/{projectId}/service-tokens" => list,
    POST "/{projectId}/service-tokens" => create,
    DELETE "/{projectId}/service-tokens/{tokenId}" => revoke,
];

/// The mint request is the service's [`TokenRequest`], shared with the UI and the Infisical
/// route; its document is written here, from the parsers' constants.
impl utoipa::PartialSchema for TokenRequest {
    fn schema() -> RefOr<Schema> {
        let scope = ObjectBuilder::new()
            .property("environment", schema::env_slug())
            .required("environment")
            .property(
                "secretPath",
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .description(Some("Path glob; defaults to /"))
                    .examples(["/app/**"]),
            );
        let permission = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(["read", "write"]));
        let address = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("IP address or CIDR"))
            .examples(["203.0.113.0/24"]);
        ObjectBuilder::new()
            .property("name", schema::name())
            .required("name")
            .property(
                "scopes",
                ArrayBuilder::new()
                    .items(scope)
                    .min_items(Some(1))
                    .max_items(Some(MAX_SCOPES)),
            )
            .required("scopes")
            .property(
                "permissions",
                ArrayBuilder::new()
                    .items(permission)
                    .min_items(Some(1))
                    .examples([json!(["read", "write"])]),
            )
            .required("permissions")
            .property("expiresIn", schema::expires_in())
            .required("expiresIn")
            .property(
                "allowedIps",
                ArrayBuilder::new()
                    .items(address)
                    .max_items(Some(crate::domain::ip::MAX_ENTRIES)),
            )
            .into()
    }
}

impl utoipa::ToSchema for TokenRequest {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ServiceTokenCreateBody")
    }
}

#[utoipa::path(
    get, path = "/api/v1/projects/{projectId}/service-tokens", operation_id = "listServiceTokens", tag = "service-tokens",
    description = "Service tokens of a project (metadata only)",
    params(ProjectUrl),
    responses(
        (status = 200, description = "Tokens"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
) -> AppResult<HttpResponse> {
    let found = tokens::list(&state.store, &session, &url.project_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "serviceTokens": found })))
}

#[utoipa::path(
    post, path = "/api/v1/projects/{projectId}/service-tokens", operation_id = "createServiceToken", tag = "service-tokens",
    description = "Mint a service token; the full token is shown once",
    params(ProjectUrl),
    request_body = TokenRequest,
    responses(
        (status = 201, description = "The token and its metadata"),
        Denied, BodyRejected, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<ProjectUrl>,
    body: web::Json<TokenRequest>,
) -> AppResult<HttpResponse> {
    let new = NewToken::parse(&body, ZeroExpiry::Refused)?;
    let minted = tokens::mint(&state.store, &session, &url.project_id, new).await?;
    Ok(HttpResponse::Created().json(json!({ "token": minted.token, "serviceToken": minted.view })))
}

#[utoipa::path(
    delete, path = "/api/v1/projects/{projectId}/service-tokens/{tokenId}", operation_id = "revokeServiceToken", tag = "service-tokens",
    description = "Revoke a service token",
    params(TokenUrl),
    responses(
        (status = 204, description = "Revoked"),
        Denied, Missing,
    ),
    security(("bearer" = []), ("cookie" = []))
)]
async fn revoke(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<TokenUrl>,
) -> AppResult<HttpResponse> {
    tokens::revoke(&state.store, &session, &url.project_id, &url.token_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

//! `/api/v1/identities`: machine identities, their Universal Auth settings and client secrets
//! (admins: DESIGN §9 gives these to owners and admins).

use super::responses::{BodyRejected, Denied, Missing};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::{AllowedIps, Name};
use crate::error::{AppError, AppResult};
use crate::service::fields::{field, required};
use crate::service::identities::{self, SettingsChange, MAX_TTL};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/api/v1/identities" => list,
    POST "/api/v1/identities" => create,
    PATCH "/api/v1/identities/{identityId}" => rename,
    DELETE "/api/v1/identities/{identityId}" => delete,
    PATCH "/api/v1/identities/{identityId}/universal-auth" => universal_auth,
    GET "/api/v1/identities/{identityId}/client-secrets" => list_secrets,
    POST "/api/v1/identities/{identityId}/client-secrets" => create_secret,
    DELETE "/api/v1/identities/{identityId}/client-secrets/{secretId}" => revoke_secret,
];

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct IdentityUrl {
    /// Identity id (32 hex characters)
    pub identity_id: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[serde(rename_all = "camelCase")]
pub struct SecretUrl {
    /// Identity id
    pub identity_id: String,
    /// Client secret id
    pub secret_id: String,
}

#[utoipa::path(get, path = "/api/v1/identities", operation_id = "listIdentities", tag = "identities",
    description = "Machine identities", responses((status = 200, description = "`{identities}`"), Denied),
    security(("bearer" = []), ("cookie" = [])))]
async fn list(state: web::Data<AppState>, admin: AdminSession) -> AppResult<HttpResponse> {
    let found = identities::list(&state.store, &admin).await?;
    Ok(HttpResponse::Ok().json(json!({ "identities": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = IdentityBody)]
struct NameBody {
    name: Option<String>,
}

fn name(body: &NameBody) -> AppResult<Name> {
    Ok(field(
        "name",
        required(body.name.as_deref()).and_then(Name::parse),
    )?)
}

#[utoipa::path(post, path = "/api/v1/identities", operation_id = "createIdentity", tag = "identities",
    description = "Create a machine identity (Universal Auth: a client id, TTL 2 h, max TTL 30 days)",
    request_body = NameBody, responses((status = 201, description = "`{identity: {id, name, clientId, …}}`"), Denied, BodyRejected),
    security(("bearer" = []), ("cookie" = [])))]
async fn create(
    state: web::Data<AppState>,
    admin: AdminSession,
    body: web::Json<NameBody>,
) -> AppResult<HttpResponse> {
    let identity = identities::create(&state.store, &admin, name(&body)?).await?;
    Ok(HttpResponse::Created().json(json!({ "identity": identity })))
}

#[utoipa::path(patch, path = "/api/v1/identities/{identityId}", operation_id = "renameIdentity", tag = "identities",
    description = "Rename", params(IdentityUrl), request_body = NameBody,
    responses((status = 200, description = "`{identity}`"), Denied, BodyRejected, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn rename(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<IdentityUrl>,
    body: web::Json<NameBody>,
) -> AppResult<HttpResponse> {
    let identity = identities::rename(&state.store, &admin, &url.identity_id, name(&body)?).await?;
    Ok(HttpResponse::Ok().json(json!({ "identity": identity })))
}

#[utoipa::path(delete, path = "/api/v1/identities/{identityId}", operation_id = "deleteIdentity", tag = "identities",
    description = "Delete: its access tokens stop working at once", params(IdentityUrl),
    responses((status = 204, description = "Deleted"), Denied, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn delete(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<IdentityUrl>,
) -> AppResult<HttpResponse> {
    identities::delete(&state.store, &admin, &url.identity_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = UniversalAuthBody)]
#[serde(rename_all = "camelCase")]
struct SettingsBody {
    /// Seconds (0 = no limit)
    #[serde(rename = "accessTokenTTL")]
    access_token_ttl: Option<i64>,
    /// Seconds (0 = no limit)
    #[serde(rename = "accessTokenMaxTTL")]
    access_token_max_ttl: Option<i64>,
    /// 0 = no limit
    access_token_num_uses_limit: Option<i64>,
    /// CIDRs; empty = any address
    client_secret_trusted_ips: Option<Vec<String>>,
    access_token_trusted_ips: Option<Vec<String>>,
}

fn seconds(field_name: &str, value: Option<i64>, max: i64) -> AppResult<Option<i64>> {
    match value {
        Some(v) if !(0..=max).contains(&v) => Err(AppError::validation(
            field_name,
            format!("must be 0 to {max}"),
        )),
        other => Ok(other),
    }
}

fn ips(field_name: &str, value: Option<&[String]>) -> AppResult<Option<AllowedIps>> {
    value
        .map(|list| AllowedIps::parse(list).map_err(|e| AppError::validation(field_name, e.0)))
        .transpose()
}

#[utoipa::path(patch, path = "/api/v1/identities/{identityId}/universal-auth", operation_id = "updateUniversalAuth", tag = "identities",
    description = "Universal Auth settings: TTLs in seconds and use limit (0 = no limit), trusted IPs for logins and for tokens. Tokens already issued take the new IPs at once; their TTLs stay as issued.",
    params(IdentityUrl), request_body = SettingsBody,
    responses((status = 200, description = "`{identity}`"), Denied, BodyRejected, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn universal_auth(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<IdentityUrl>,
    body: web::Json<SettingsBody>,
) -> AppResult<HttpResponse> {
    let change = SettingsChange {
        access_token_ttl: seconds("accessTokenTTL", body.access_token_ttl, MAX_TTL)?,
        access_token_max_ttl: seconds("accessTokenMaxTTL", body.access_token_max_ttl, MAX_TTL)?,
        access_token_num_uses_limit: seconds(
            "accessTokenNumUsesLimit",
            body.access_token_num_uses_limit,
            i64::from(u32::MAX),
        )?,
        client_secret_trusted_ips: ips(
            "clientSecretTrustedIps",
            body.client_secret_trusted_ips.as_deref(),
        )?,
        access_token_trusted_ips: ips(
            "accessTokenTrustedIps",
            body.access_token_trusted_ips.as_deref(),
        )?,
    };
    let identity =
        identities::update_settings(&state.store, &admin, &url.identity_id, change).await?;
    Ok(HttpResponse::Ok().json(json!({ "identity": identity })))
}

#[utoipa::path(get, path = "/api/v1/identities/{identityId}/client-secrets", operation_id = "listClientSecrets", tag = "identities",
    description = "Client secrets: prefix, description, TTL, uses left, last used (never the secret)", params(IdentityUrl),
    responses((status = 200, description = "`{clientSecrets}`"), Denied, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn list_secrets(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<IdentityUrl>,
) -> AppResult<HttpResponse> {
    let found = identities::list_secrets(&state.store, &admin, &url.identity_id).await?;
    Ok(HttpResponse::Ok().json(json!({ "clientSecrets": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = ClientSecretBody)]
#[serde(rename_all = "camelCase")]
struct SecretBody {
    description: Option<String>,
    /// Seconds from creation (0 = never expires)
    ttl: Option<i64>,
    /// Logins allowed (0 = no limit)
    num_uses_limit: Option<i64>,
}

#[utoipa::path(post, path = "/api/v1/identities/{identityId}/client-secrets", operation_id = "createClientSecret", tag = "identities",
    description = "A new client secret (256 random bits), shown once", params(IdentityUrl), request_body = SecretBody,
    responses((status = 201, description = "`{clientSecret, clientSecretData}`"), Denied, BodyRejected, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn create_secret(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<IdentityUrl>,
    body: web::Json<SecretBody>,
) -> AppResult<HttpResponse> {
    let description = body.description.clone().unwrap_or_default();
    if description.chars().count() > 100 {
        return Err(AppError::validation(
            "description",
            "at most 100 characters",
        ));
    }
    let ttl = seconds("ttl", body.ttl, MAX_TTL)?.unwrap_or(0);
    let uses = seconds("numUsesLimit", body.num_uses_limit, i64::from(u32::MAX))?.unwrap_or(0);
    let (secret, data) = identities::create_secret(
        &state.store,
        &admin,
        &url.identity_id,
        description,
        ttl,
        uses,
    )
    .await?;
    Ok(HttpResponse::Created().json(json!({ "clientSecret": secret, "clientSecretData": data })))
}

#[utoipa::path(delete, path = "/api/v1/identities/{identityId}/client-secrets/{secretId}", operation_id = "revokeClientSecret", tag = "identities",
    description = "Revoke a client secret (no more logins with it)", params(SecretUrl),
    responses((status = 204, description = "Revoked"), Denied, Missing),
    security(("bearer" = []), ("cookie" = [])))]
async fn revoke_secret(
    state: web::Data<AppState>,
    admin: AdminSession,
    url: web::Path<SecretUrl>,
) -> AppResult<HttpResponse> {
    identities::revoke_secret(&state.store, &admin, &url.identity_id, &url.secret_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

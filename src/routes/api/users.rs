//! `/api/v1/users` and `/api/v1/invites`: the instance's people (owners and admins; only an
//! owner touches an owner), and accepting an invitation (no session: the code is the credential).

use super::responses::{BodyRejected, Conflict, Denied, GoneCode, Missing, Throttled};
use super::urls::{InviteUrl, UserUrl};
use super::Endpoint;
use crate::auth::AdminSession;
use crate::domain::{Email, InstanceRole, Password};
use crate::error::AppResult;
use crate::routes::client_ip::client_ip;
use crate::routes::extract::truthy;
use crate::service::fields::{all, field, required};
use crate::service::users::{Change, TheirTokens};
use crate::service::{invites, users};
use crate::state::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub const ENDPOINTS: &[Endpoint] = endpoints![
    GET "/api/v1/users" => list_users,
    PATCH "/api/v1/users/{userId}" => update_user,
    DELETE "/api/v1/users/{userId}" => delete_user,
    GET "/api/v1/invites" => list_invites,
    POST "/api/v1/invites" => create_invite,
    POST "/api/v1/invites/accept" => accept_invite,
    DELETE "/api/v1/invites/{inviteId}" => revoke_invite,
];

fn role(raw: Option<&str>) -> Result<Option<InstanceRole>, crate::domain::Invalid> {
    raw.map(InstanceRole::parse).transpose()
}

#[utoipa::path(
    get, path = "/api/v1/users", operation_id = "listUsers", tag = "users",
    description = "Every user (owners and admins)",
    responses((status = 200, description = "Users"), Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list_users(state: web::Data<AppState>, session: AdminSession) -> AppResult<HttpResponse> {
    let found = users::list(&state.store, &session).await?;
    Ok(HttpResponse::Ok().json(json!({ "users": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = UserUpdateBody)]
struct UpdateBody {
    /// owner, admin or member
    role: Option<String>,
    disabled: Option<bool>,
}

#[utoipa::path(
    patch, path = "/api/v1/users/{userId}", operation_id = "updateUser", tag = "users",
    description = "Change a user's role or disable them (disabling ends their sessions at once)",
    params(UserUrl),
    request_body = UpdateBody,
    responses((status = 200, description = "The user"), Denied, BodyRejected, Missing, Conflict),
    security(("bearer" = []), ("cookie" = []))
)]
async fn update_user(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<UserUrl>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let role = field("role", role(body.role.as_deref()))?;
    let change = Change {
        role,
        disabled: body.disabled,
    };
    let user = users::update(&state.store, &session, &url.user_id, change).await?;
    Ok(HttpResponse::Ok().json(json!({ "user": user })))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct DeleteQuery {
    /// Also revoke the service tokens this user created (default false: they keep working)
    revoke_tokens: Option<String>,
}

#[utoipa::path(
    delete, path = "/api/v1/users/{userId}", operation_id = "deleteUser", tag = "users",
    description = "Remove a user; their sessions end, their tokens stay unless revokeTokens=true",
    params(UserUrl, DeleteQuery),
    responses((status = 204, description = "Removed"), Denied, Missing, Conflict),
    security(("bearer" = []), ("cookie" = []))
)]
async fn delete_user(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<UserUrl>,
    query: web::Query<DeleteQuery>,
) -> AppResult<HttpResponse> {
    let tokens = match truthy(query.revoke_tokens.as_deref()) {
        true => TheirTokens::Revoke,
        false => TheirTokens::Keep,
    };
    users::remove(&state.store, &session, &url.user_id, tokens).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    get, path = "/api/v1/invites", operation_id = "listInvites", tag = "users",
    description = "Open invitations (neither used nor revoked)",
    responses((status = 200, description = "Invitations"), Denied),
    security(("bearer" = []), ("cookie" = []))
)]
async fn list_invites(
    state: web::Data<AppState>,
    session: AdminSession,
) -> AppResult<HttpResponse> {
    let found = invites::list(&state.store, &session).await?;
    Ok(HttpResponse::Ok().json(json!({ "invites": found })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = InviteCreateBody)]
struct InviteBody {
    email: Option<String>,
    /// owner, admin or member
    role: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/invites", operation_id = "createInvite", tag = "users",
    description = "Invite an e-mail with a role; the one-time link is in `url`, shown once",
    request_body = InviteBody,
    responses((status = 201, description = "The invitation and its link"), Denied, BodyRejected, Conflict),
    security(("bearer" = []), ("cookie" = []))
)]
async fn create_invite(
    state: web::Data<AppState>,
    session: AdminSession,
    body: web::Json<InviteBody>,
) -> AppResult<HttpResponse> {
    let (email, role) = all((
        field(
            "email",
            required(body.email.as_deref()).and_then(Email::parse),
        ),
        field(
            "role",
            required(body.role.as_deref()).and_then(InstanceRole::parse),
        ),
    ))?;
    let public_url = state.settings.public_url.as_deref();
    let issued = invites::create(&state.store, &session, public_url, email, role).await?;
    let mut answer = json!({ "invite": issued.invite, "url": issued.url });
    if let Some(note) = issued.note {
        answer["note"] = note.into();
    }
    Ok(HttpResponse::Created().json(answer))
}

#[utoipa::path(
    delete, path = "/api/v1/invites/{inviteId}", operation_id = "revokeInvite", tag = "users",
    description = "Revoke an open invitation",
    params(InviteUrl),
    responses((status = 204, description = "Revoked"), Denied, Missing),
    security(("bearer" = []), ("cookie" = []))
)]
async fn revoke_invite(
    state: web::Data<AppState>,
    session: AdminSession,
    url: web::Path<InviteUrl>,
) -> AppResult<HttpResponse> {
    invites::revoke(&state.store, &session, &url.invite_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = InviteAcceptBody)]
struct AcceptBody {
    code: Option<String>,
    password: Option<String>,
}

#[utoipa::path(
    post, path = "/api/v1/invites/accept", operation_id = "acceptInvite", tag = "users",
    description = "Use an invitation: creates the account with this password",
    request_body = AcceptBody,
    responses((status = 201, description = "The new user"), BodyRejected, GoneCode, Conflict, Throttled),
)]
async fn accept_invite(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<AcceptBody>,
) -> AppResult<HttpResponse> {
    let (code, password) = all((
        field("code", required(body.code.as_deref())),
        field(
            "password",
            required(body.password.as_deref()).and_then(Password::parse),
        ),
    ))?;
    let ip = client_ip(&req, &state.settings.trusted_proxies);
    let user = invites::accept(&state.store, &state.guards(), code, password, &ip).await?;
    Ok(HttpResponse::Created().json(json!({ "user": users::view(&user) })))
}

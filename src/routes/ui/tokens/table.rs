//! Access Control > Service Tokens: the table, the one-time page that shows a new token, and
//! revoking with a confirmation step. The create form is in `create`.

use crate::error::AppError;
use crate::routes::ui::confirm::ConfirmPage;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, UiResult};
use crate::routes::ui::project::{self, NoticeQuery};
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::tokens;
use crate::service::views::{ProjectView, ServiceTokenView};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::routes::ui::page("/projects/{projectId}/access-control")
            .route(web::get().to(access_control)),
    )
    .service(
        crate::routes::ui::page("/projects/{projectId}/access-control/service-tokens")
            .route(web::get().to(list)),
    )
    .service(
        crate::routes::ui::page(
            "/projects/{projectId}/access-control/service-tokens/created/{reveal}",
        )
        .route(web::get().to(created)),
    )
    .service(
        crate::routes::ui::page(
            "/projects/{projectId}/access-control/service-tokens/{tokenId}/revoke",
        )
        .route(web::get().to(confirm_revoke))
        .route(web::post().to(revoke)),
    );
}

pub fn tokens_href(project_id: &str) -> String {
    format!("/projects/{project_id}/access-control/service-tokens")
}

struct TokenLine {
    name: String,
    scopes: Vec<String>,
    permissions: String,
    expires: Option<When>,
    expired: bool,
    allowed_ips: Vec<String>,
    last_used: Option<When>,
    last_used_ip: Option<String>,
    created: Option<When>,
    created_by: String,
    revoke_href: String,
}

#[derive(Template)]
#[template(path = "tokens/table.html")]
struct TokensPage {
    layout: Layout,
    project: ProjectNav,
    tokens: Vec<TokenLine>,
    new_href: String,
}

fn permissions_label(list: &[&str]) -> String {
    list.iter()
        .map(|p| match *p {
            "read" => "Read",
            "write" => "Write",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn line(project_id: &str, t: ServiceTokenView, now: i64) -> TokenLine {
    TokenLine {
        scopes: t
            .scopes
            .iter()
            .map(|s| format!("{} · {}", s.environment, s.secret_path))
            .collect(),
        permissions: permissions_label(&t.permissions),
        expires: t.expires_at.as_deref().and_then(|e| when_rfc3339(e, now)),
        expired: t.expired,
        allowed_ips: t.allowed_ips,
        last_used: t.last_used_at.as_deref().and_then(|e| when_rfc3339(e, now)),
        last_used_ip: t.last_used_ip,
        created: when_rfc3339(&t.created_at, now),
        created_by: t.created_by,
        revoke_href: format!("{}/{}/revoke", tokens_href(project_id), t.id),
        name: t.name,
    }
}

async fn access_control(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&tokens_href(&path))
}

async fn list(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    let now = now_millis();
    let lines = tokens::list(&state.store, &project.id)
        .await?
        .into_iter()
        .map(|t| line(&project.id, t, now))
        .collect();
    let mut layout = ui.layout();
    layout.notice = query.text();
    let page = TokensPage {
        layout,
        project: project::nav(&project, "access"),
        tokens: lines,
        new_href: format!("{}/new", tokens_href(&project.id)),
    };
    Ok(render(StatusCode::OK, &page)?)
}

#[derive(Template)]
#[template(path = "tokens/created.html")]
struct CreatedPage {
    layout: Layout,
    project: ProjectNav,
    token_name: String,
    token: String,
    access_part: String,
    key_part: String,
    back: String,
}

#[derive(Template)]
#[template(path = "tokens/gone.html")]
struct GonePage {
    layout: Layout,
    project: ProjectNav,
    back: String,
}

/// Shows a freshly minted token exactly once; the entry is consumed by this view.
async fn created(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, reveal) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let back = tokens_href(&project.id);
    let Some(revealed) = state
        .reveals
        .take(&reveal, &ui.0.id_hash)
        .filter(|r| r.project_id == project.id)
    else {
        let page = GonePage {
            layout: ui.layout(),
            project: project::nav(&project, "access"),
            back,
        };
        return Ok(render(StatusCode::GONE, &page)?);
    };
    let token = revealed.token.as_str();
    let cut = token
        .match_indices('.')
        .nth(2)
        .map(|(i, _)| i)
        .unwrap_or(token.len());
    let page = CreatedPage {
        layout: ui.layout(),
        project: project::nav(&project, "access"),
        token_name: revealed.token_name.clone(),
        token: token.to_owned(),
        access_part: token[..cut].to_owned(),
        key_part: token.get(cut + 1..).unwrap_or("").to_owned(),
        back,
    };
    Ok(render(StatusCode::OK, &page)?)
}

async fn find_token(
    state: &AppState,
    project: &ProjectView,
    token_id: &str,
) -> UiResult<ServiceTokenView> {
    match tokens::find(&state.store, token_id).await? {
        Some((_, view)) if view.project_id == project.id => Ok(view),
        _ => Err(AppError::NotFound(String::from(
            "This service token does not exist in this project (it may already be revoked).",
        ))
        .into()),
    }
}

async fn confirm_revoke(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, token_id) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let token = find_token(&state, &project, &token_id).await?;
    let scopes: Vec<String> = token
        .scopes
        .iter()
        .map(|s| format!("{} {}", s.environment, s.secret_path))
        .collect();
    let page = ConfirmPage {
        layout: ui.layout(),
        project: project::nav(&project, "access"),
        title: format!("Revoke service token {}?", token.name),
        message: format!(
            "Anything using this token (scopes: {}) is refused from the next request on. Revoking cannot be undone; to restore access, create a new token.",
            scopes.join(", ")
        ),
        action: format!("{}/{}/revoke", tokens_href(&project.id), token.id),
        hidden: Vec::new(),
        button: String::from("Revoke token"),
        cancel: tokens_href(&project.id),
        typed: None,
    };
    Ok(render(StatusCode::OK, &page)?)
}

async fn revoke(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, token_id) = path.into_inner();
    tokens::revoke(&state.store, &posted.session, &project_id, &token_id).await?;
    Ok(redirect(&format!(
        "{}?notice=token-revoked",
        tokens_href(&project_id)
    )))
}

//! The table of a project's service tokens: scopes, permissions, expiry, allowed IPs, last use.

use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::NoticeQuery;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, Section};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::views::ServiceTokenView;
use crate::service::{projects, tokens};
use crate::state::AppState;
use crate::time::{now_millis, Millis};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

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

fn line(project_id: &str, t: ServiceTokenView, now: Millis) -> TokenLine {
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
        revoke_href: urls::token_revoke(project_id, &t.id),
        name: t.name,
    }
}

/// The Access Control tab, whose only section is Service Tokens.
pub(super) async fn access_control(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&urls::tokens(&path))
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let now = now_millis();
    let lines = tokens::list(&state.store, &ui.0, &project.id)
        .await?
        .into_iter()
        .map(|t| line(&project.id, t, now))
        .collect();
    let page = TokensPage {
        layout: ui.layout_with(query.notice()),
        project: ProjectNav::new(&project, Section::Access),
        tokens: lines,
        new_href: urls::token_new(&project.id),
    };
    render(StatusCode::OK, &page)
}

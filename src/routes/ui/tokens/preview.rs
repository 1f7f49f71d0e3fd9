//! The line under each scope row of the create form: what the scope matches and how many secrets
//! that is today. The server writes it into every rendering of the form (so it is there without
//! JavaScript, after any round trip or **Preview**), and `static/app.js` asks this JSON endpoint
//! for the same line as a path is typed: one wording, made in one place.

use super::draft::{preview_line, TokenFormPage};
use crate::auth::AdminSession;
use crate::domain::{EnvSlug, ScopeGlob};
use crate::error::{AppError, AppResult};
use crate::routes::ui::session::UiSession;
use crate::service::{projects, scope_preview};
use crate::state::AppState;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct PreviewQuery {
    #[serde(default)]
    environment: String,
    #[serde(default)]
    path: String,
}

/// `GET …/service-tokens/scope-preview?environment=dev&path=/app/**` →
/// `{"path": "/app/**", "matches": "/app and everything below it", "secrets": 3, "line": "Matches …"}`;
/// an environment slug or path that does not parse is a 422 naming the field.
pub(super) async fn json(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> AppResult<HttpResponse> {
    let env =
        EnvSlug::parse(&query.environment).map_err(|e| AppError::validation("environment", e.0))?;
    let glob =
        ScopeGlob::parse(query.path.trim()).map_err(|e| AppError::validation("path", e.0))?;
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let scopes = vec![(env, glob)];
    let previews = scope_preview::preview(&state.store, &ui.0, &project.id, scopes).await?;
    let Some(preview) = previews.first() else {
        return Err(AppError::Internal(String::from("no preview for one scope")));
    };
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .json(serde_json::json!({
            "path": preview.path,
            "matches": preview.matches,
            "secrets": preview.secrets,
            "line": preview_line(preview),
        })))
}

/// Writes the preview line under every row of `page` that parses.
pub(super) async fn annotate(
    state: &AppState,
    session: &AdminSession,
    project_id: &str,
    page: &mut TokenFormPage,
) -> AppResult<()> {
    let (rows, scopes) = page.previewable();
    let previews = scope_preview::preview(&state.store, session, project_id, scopes).await?;
    page.show_previews(&rows, &previews);
    Ok(())
}

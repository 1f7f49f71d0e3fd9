//! Project settings: environments (add, rename, reorder, delete with confirmation) and the
//! danger zone (delete the project).

use crate::domain::{EnvSlug, Name};
use crate::error::AppError;
use crate::routes::ui::confirm::ConfirmPage;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::pages::{redirect, render, sentence, Layout, ProjectNav, UiResult};
use crate::routes::ui::project::{self, NoticeQuery};
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::environments::{self, Direction};
use crate::service::views::ProjectView;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let base = "/projects/{projectId}/settings";
    cfg.service(crate::routes::ui::page(base).route(web::get().to(show)))
        .service(
            crate::routes::ui::page(&format!("{base}/environments")).route(web::post().to(add)),
        )
        .service(
            crate::routes::ui::page(&format!("{base}/environments/{{slug}}/rename"))
                .route(web::post().to(rename)),
        )
        .service(
            crate::routes::ui::page(&format!("{base}/environments/{{slug}}/move"))
                .route(web::post().to(move_one)),
        )
        .service(
            crate::routes::ui::page(&format!("{base}/environments/{{slug}}/delete"))
                .route(web::get().to(confirm_delete))
                .route(web::post().to(delete)),
        );
}

fn settings_href(project_id: &str) -> String {
    format!("/projects/{project_id}/settings")
}

struct EnvLine {
    name: String,
    slug: String,
    first: bool,
    last: bool,
}

#[derive(Default)]
struct EnvDraft {
    name: String,
    slug: String,
    name_error: Option<String>,
    slug_error: Option<String>,
}

#[derive(Template)]
#[template(path = "settings/page.html")]
struct SettingsPage {
    layout: Layout,
    project: ProjectNav,
    project_id: String,
    project_slug: String,
    created: Option<When>,
    envs: Vec<EnvLine>,
    draft: EnvDraft,
    error: Option<String>,
    base: String,
}

fn page(
    layout: Layout,
    project: &ProjectView,
    draft: EnvDraft,
    error: Option<String>,
) -> SettingsPage {
    let count = project.environments.len();
    SettingsPage {
        layout,
        project: project::nav(project, "settings"),
        project_id: project.id.clone(),
        project_slug: project.slug.clone(),
        created: when_rfc3339(&project.created_at, now_millis()),
        envs: project
            .environments
            .iter()
            .enumerate()
            .map(|(i, e)| EnvLine {
                name: e.name.clone(),
                slug: e.slug.clone(),
                first: i == 0,
                last: i + 1 == count,
            })
            .collect(),
        draft,
        error,
        base: settings_href(&project.id),
    }
}

async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    let mut layout = ui.layout();
    layout.notice = query.text();
    Ok(render(
        StatusCode::OK,
        &page(layout, &project, EnvDraft::default(), None),
    )?)
}

async fn add(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    let form = &posted.form;
    let mut draft = EnvDraft {
        name: form.text("name").to_owned(),
        slug: form.text("slug").trim().to_owned(),
        ..EnvDraft::default()
    };
    let name = Name::parse(&draft.name)
        .map_err(|e| draft.name_error = Some(sentence(&e.0)))
        .ok();
    let raw_slug = if draft.slug.is_empty() {
        EnvSlug::slugify(&draft.name)
    } else {
        draft.slug.clone()
    };
    let slug = EnvSlug::parse(&raw_slug)
        .map_err(|e| draft.slug_error = Some(sentence(&e.0)))
        .ok();
    let status = match (name, slug) {
        (Some(name), Some(slug)) => {
            match environments::create(&state.store, &posted.session, &project.id, name, slug).await
            {
                Ok(_) => {
                    return Ok(redirect(&format!(
                        "{}?notice=env-added",
                        settings_href(&project.id)
                    )))
                }
                Err(AppError::Conflict(message)) => {
                    draft.slug_error = Some(sentence(&message));
                    StatusCode::CONFLICT
                }
                Err(other) => return Err(other.into()),
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok(render(
        status,
        &page(posted.layout(), &project, draft, None),
    )?)
}

async fn rename(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    match Name::parse(posted.form.text("name")) {
        Ok(name) => {
            environments::update(
                &state.store,
                &posted.session,
                &project.id,
                &slug,
                Some(name),
                None,
            )
            .await?;
            Ok(redirect(&format!(
                "{}?notice=env-renamed",
                settings_href(&project.id)
            )))
        }
        Err(e) => {
            let error = Some(format!("Environment {slug}: the name {}", e.0));
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &page(posted.layout(), &project, EnvDraft::default(), error),
            )?)
        }
    }
}

async fn move_one(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let direction = match posted.form.get("direction") {
        Some("up") => Direction::Up,
        _ => Direction::Down,
    };
    environments::move_one(&state.store, &posted.session, &project_id, &slug, direction).await?;
    Ok(redirect(&format!(
        "{}?notice=env-moved",
        settings_href(&project_id)
    )))
}

async fn confirm_delete(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let env = project.environment(&slug)?;
    let page = ConfirmPage {
        layout: ui.layout(),
        project: project::nav(&project, "settings"),
        title: format!("Delete environment {}?", env.name),
        message: format!(
            "This deletes the environment {} ({}) with all its folders and secrets. It cannot be undone. An environment that a live service token's scope names cannot be deleted: revoke those tokens first.",
            env.name, env.slug
        ),
        action: format!("{}/environments/{}/delete", settings_href(&project.id), env.slug),
        hidden: Vec::new(),
        button: String::from("Delete environment"),
        cancel: settings_href(&project.id),
        typed: None,
    };
    Ok(render(StatusCode::OK, &page)?)
}

async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, slug) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    match environments::delete(&state.store, &posted.session, &project.id, &slug).await {
        Ok(()) => Ok(redirect(&format!(
            "{}?notice=env-deleted",
            settings_href(&project.id)
        ))),
        Err(AppError::Conflict(message)) => {
            let page = page(
                posted.layout(),
                &project,
                EnvDraft::default(),
                Some(sentence(&message)),
            );
            Ok(render(StatusCode::CONFLICT, &page)?)
        }
        Err(other) => Err(other.into()),
    }
}

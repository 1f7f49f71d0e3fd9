//! Editing and deleting one secret (with a confirmation step). The key identifies the secret and
//! is not editable: to rename, add a new secret and delete the old one.

use super::draft::{field_errors, SecretDraft};
use super::place::{folder_href, folder_path, location, with_notice};
use crate::auth::Caller;
use crate::domain::{SecretKey, SecretPath};
use crate::error::AppError;
use crate::routes::ui::confirm::ConfirmPage;
use crate::routes::ui::pages::{redirect, render, Layout, ProjectNav, UiResult};
use crate::routes::ui::project;
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::secrets::{self, Location};
use crate::service::views::ProjectView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::routes::ui::page("/projects/{projectId}/secrets/{env}/edit")
            .route(web::get().to(edit))
            .route(web::post().to(save)),
    )
    .service(
        crate::routes::ui::page("/projects/{projectId}/secrets/{env}/delete")
            .route(web::get().to(confirm_delete))
            .route(web::post().to(delete)),
    );
}

#[derive(Deserialize)]
struct ItemQuery {
    path: Option<String>,
    key: Option<String>,
}

#[derive(Template)]
#[template(path = "secrets/edit.html")]
struct EditPage {
    layout: Layout,
    project: ProjectNav,
    env_name: String,
    path: String,
    draft: SecretDraft,
    action: String,
    back: String,
}

fn key_of(raw: Option<&str>) -> UiResult<SecretKey> {
    SecretKey::parse(raw.unwrap_or(""))
        .map_err(|e| AppError::NotFound(format!("No such secret: {}", e.0)).into())
}

/// What every handler here resolves first: the project, the folder and key named by the query
/// or the form, and where that is (each unknown or invalid one a 404 page).
struct Item {
    project: ProjectView,
    folder: SecretPath,
    key: SecretKey,
    at: Location,
}

async fn item(
    state: &AppState,
    project_id: &str,
    env: &str,
    path: Option<&str>,
    key: Option<&str>,
) -> UiResult<Item> {
    let project = project::load(state, project_id).await?;
    let folder = folder_path(path)?;
    let key = key_of(key)?;
    let at = location(&project, env, &folder)?;
    Ok(Item {
        project,
        folder,
        key,
        at,
    })
}

async fn edit(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let Item {
        project,
        folder,
        key,
        at,
    } = item(
        &state,
        &project_id,
        &env,
        query.path.as_deref(),
        query.key.as_deref(),
    )
    .await?;
    let env_name = project.environment(&env)?.name.clone();
    let layout = ui.layout();
    let secret = secrets::get(&state.store, &Caller::Admin(ui.0), &at, &key).await?;
    let page = EditPage {
        layout,
        project: project::nav(&project, "secrets"),
        env_name,
        path: folder.as_str().to_owned(),
        draft: SecretDraft {
            key: secret.key,
            value: secret.value,
            comment: secret.comment,
            ..SecretDraft::default()
        },
        action: format!("/projects/{}/secrets/{env}/edit", project.id),
        back: folder_href(&project.id, &env, folder.as_str()),
    };
    Ok(render(StatusCode::OK, &page)?)
}

async fn save(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let Item {
        project,
        folder,
        key,
        at,
    } = item(
        &state,
        &project_id,
        &env,
        posted.form.get("path"),
        posted.form.get("key"),
    )
    .await?;
    let env_name = project.environment(&env)?.name.clone();
    let (value, comment) = (posted.form.text("value"), posted.form.text("comment"));
    let back = folder_href(&project.id, &env, folder.as_str());
    let access = Caller::Admin(posted.session.clone());
    let mut draft = SecretDraft {
        key: key.as_str().to_owned(),
        value: value.to_owned(),
        comment: comment.to_owned(),
        ..SecretDraft::default()
    };
    let status =
        match secrets::update(&state.store, &access, &at, &key, Some(value), Some(comment)).await {
            Ok(_) => return Ok(redirect(&with_notice(&back, "secret-saved"))),
            Err(e) => field_errors(e, &mut draft)?,
        };
    let page = EditPage {
        layout: posted.layout(),
        project: project::nav(&project, "secrets"),
        env_name,
        path: folder.as_str().to_owned(),
        draft,
        action: format!("/projects/{}/secrets/{env}/edit", project.id),
        back,
    };
    Ok(render(status, &page)?)
}

async fn confirm_delete(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let Item {
        project,
        folder,
        key,
        at,
    } = item(
        &state,
        &project_id,
        &env,
        query.path.as_deref(),
        query.key.as_deref(),
    )
    .await?;
    let env_name = project.environment(&env)?.name.clone();
    let layout = ui.layout();
    // Confirming the deletion of something that does not exist would mislead: 404 instead.
    secrets::get(&state.store, &Caller::Admin(ui.0), &at, &key).await?;
    let page = ConfirmPage {
        layout,
        project: project::nav(&project, "secrets"),
        title: format!("Delete secret {}?", key.as_str()),
        message: format!(
            "This deletes {} from {env_name} at {}. Applications and service tokens reading it will no longer find it. It cannot be undone.",
            key.as_str(),
            folder.as_str()
        ),
        action: format!("/projects/{}/secrets/{env}/delete", project.id),
        hidden: vec![(String::from("path"), folder.as_str().to_owned()), (String::from("key"), key.as_str().to_owned())],
        button: String::from("Delete secret"),
        cancel: folder_href(&project.id, &env, folder.as_str()),
        typed: None,
    };
    Ok(render(StatusCode::OK, &page)?)
}

async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let Item {
        project,
        folder,
        key,
        at,
    } = item(
        &state,
        &project_id,
        &env,
        posted.form.get("path"),
        posted.form.get("key"),
    )
    .await?;
    secrets::delete(
        &state.store,
        &Caller::Admin(posted.session.clone()),
        &at,
        &key,
    )
    .await?;
    let back = folder_href(&project.id, &env, folder.as_str());
    Ok(redirect(&with_notice(&back, "secret-deleted")))
}

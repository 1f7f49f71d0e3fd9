//! The secrets browser: environment tabs, folder breadcrumb, sub-folders, and a table of key /
//! masked value (reveal and copy) / comment / updated; add a secret and create a folder here.
//! Editing and deleting a secret live in `edit`.

use super::draft::{field_errors, SecretDraft};
use super::place::{folder_href, folder_path, location, with_notice};
use crate::auth::Caller;
use crate::domain::{Depth, FolderName, SecretKey, SecretPath};
use crate::error::AppError;
use crate::routes::ui::encode::component;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::pages::{redirect, render, sentence, Layout, ProjectNav, UiResult};
use crate::routes::ui::project::{self, NoticeQuery};
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::folders;
use crate::service::secrets;
use crate::service::views::ProjectView;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::routes::ui::page("/projects/{projectId}/secrets")
            .route(web::get().to(first_environment)),
    )
    .service(
        crate::routes::ui::page("/projects/{projectId}/secrets/{env}").route(web::get().to(browse)),
    )
    .service(
        crate::routes::ui::page("/projects/{projectId}/secrets/{env}/add")
            .route(web::post().to(add)),
    )
    .service(
        crate::routes::ui::page("/projects/{projectId}/secrets/{env}/folders")
            .route(web::post().to(add_folder)),
    );
}

struct EnvTab {
    name: String,
    href: String,
    active: bool,
}

struct Crumb {
    name: String,
    href: String,
}

struct SecretLine {
    key: String,
    value: String,
    comment: String,
    updated: Option<When>,
    edit_href: String,
    delete_href: String,
}

#[derive(Default)]
struct FolderDraft {
    name: String,
    error: Option<String>,
    open: bool,
}

#[derive(Template)]
#[template(path = "secrets/browse.html")]
struct SecretsPage {
    layout: Layout,
    project: ProjectNav,
    envs: Vec<EnvTab>,
    env_name: String,
    path: String,
    crumbs: Vec<Crumb>,
    folders: Vec<Crumb>,
    secrets: Vec<SecretLine>,
    add: SecretDraft,
    folder: FolderDraft,
    base: String,
}

async fn first_environment(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    match project.environments.first() {
        Some(env) => Ok(redirect(&format!(
            "/projects/{}/secrets/{}",
            project.id, env.slug
        ))),
        None => {
            let page = EmptyProjectPage {
                layout: ui.layout(),
                project: project::nav(&project, "secrets"),
            };
            Ok(render(StatusCode::OK, &page)?)
        }
    }
}

#[derive(Template)]
#[template(path = "secrets/no_environments.html")]
struct EmptyProjectPage {
    layout: Layout,
    project: ProjectNav,
}

/// The two forms on the page, as typed when one is shown again with errors.
#[derive(Default)]
struct Drafts {
    add: SecretDraft,
    folder: FolderDraft,
}

#[derive(Deserialize)]
struct BrowseQuery {
    path: Option<String>,
    notice: Option<String>,
}

async fn build(
    state: &AppState,
    layout: Layout,
    access: &Caller,
    project: &ProjectView,
    env: &str,
    path: &SecretPath,
    drafts: Drafts,
) -> UiResult<SecretsPage> {
    let env_view = project.environment(env)?;
    let at = location(project, env, path)?;
    let subfolders = folders::list(&state.store, access, &at, Depth::OneLevel).await?;
    let found = secrets::list_cached(&state.store, access, &at, Depth::OneLevel).await?;
    let now = now_millis();
    let mut crumbs = vec![Crumb {
        name: env_view.name.clone(),
        href: folder_href(&project.id, env, "/"),
    }];
    crumbs.extend(path.lineage().into_iter().skip(1).map(|p| Crumb {
        name: p.name().to_owned(),
        href: folder_href(&project.id, env, p.as_str()),
    }));
    let item_href = |action: &str, key: &str| {
        format!(
            "/projects/{}/secrets/{env}/{action}?path={}&key={}",
            project.id,
            component(path.as_str()),
            component(key)
        )
    };
    Ok(SecretsPage {
        layout,
        project: project::nav(project, "secrets"),
        envs: project
            .environments
            .iter()
            .map(|e| EnvTab {
                name: e.name.clone(),
                href: folder_href(&project.id, &e.slug, "/"),
                active: e.slug == env,
            })
            .collect(),
        env_name: env_view.name.clone(),
        path: path.as_str().to_owned(),
        crumbs,
        folders: subfolders
            .into_iter()
            .map(|f| Crumb {
                href: folder_href(&project.id, env, &f.path),
                name: f.name,
            })
            .collect(),
        secrets: found
            .secrets()
            .iter()
            .map(|s| SecretLine {
                updated: when_rfc3339(&s.updated_at, now),
                edit_href: item_href("edit", &s.key),
                delete_href: item_href("delete", &s.key),
                key: s.key.clone(),
                value: s.value.clone(),
                comment: s.comment.clone(),
            })
            .collect(),
        add: drafts.add,
        folder: drafts.folder,
        base: format!("/projects/{}/secrets/{env}", project.id),
    })
}

async fn browse(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
    query: web::Query<BrowseQuery>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let folder = folder_path(query.path.as_deref())?;
    let mut layout = ui.layout();
    layout.notice = NoticeQuery {
        notice: query.notice.clone(),
    }
    .text();
    let access = Caller::Admin(ui.0);
    let page = build(
        &state,
        layout,
        &access,
        &project,
        &env,
        &folder,
        Drafts::default(),
    )
    .await?;
    Ok(render(StatusCode::OK, &page)?)
}

async fn add(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let folder = folder_path(posted.form.get("path"))?;
    let at = location(&project, &env, &folder)?;
    let form = &posted.form;
    let mut draft = SecretDraft {
        key: form.text("key").trim().to_owned(),
        value: form.text("value").to_owned(),
        comment: form.text("comment").to_owned(),
        open: true,
        ..SecretDraft::default()
    };
    let access = Caller::Admin(posted.session.clone());
    let status = match SecretKey::parse(&draft.key) {
        Err(e) => {
            draft.key_error = Some(sentence(&e.0));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Ok(key) => {
            match secrets::create(
                &state.store,
                &access,
                &at,
                &key,
                &draft.value,
                &draft.comment,
            )
            .await
            {
                Ok(_) => {
                    let href = folder_href(&project.id, &env, folder.as_str());
                    return Ok(redirect(&with_notice(&href, "secret-added")));
                }
                Err(e) => field_errors(e, &mut draft)?,
            }
        }
    };
    let page = build(
        &state,
        posted.layout(),
        &access,
        &project,
        &env,
        &folder,
        Drafts {
            add: draft,
            folder: FolderDraft::default(),
        },
    )
    .await?;
    Ok(render(status, &page)?)
}

async fn add_folder(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, env) = path.into_inner();
    let project = project::load(&state, &project_id).await?;
    let parent = folder_path(posted.form.get("path"))?;
    let at = location(&project, &env, &parent)?;
    let name = posted.form.text("name").trim().to_owned();
    let access = Caller::Admin(posted.session.clone());
    let created = match FolderName::parse(&name) {
        Ok(valid) => {
            folders::create(
                &state.store,
                &access,
                &project.id,
                &at.environment,
                &parent,
                &valid,
            )
            .await
        }
        Err(invalid) => Err(AppError::validation("name", invalid.0)),
    };
    let (status, error) = match created {
        Ok(created) => {
            return Ok(redirect(&with_notice(
                &folder_href(&project.id, &env, &created.path),
                "folder-created",
            )))
        }
        Err(AppError::Validation(fields)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .first()
                .map(|f| sentence(&f.message))
                .unwrap_or_else(|| String::from("Invalid folder name.")),
        ),
        Err(AppError::Conflict(_)) => (
            StatusCode::CONFLICT,
            String::from("A folder with this name already exists here."),
        ),
        Err(other) => return Err(other.into()),
    };
    let folder = FolderDraft {
        name,
        error: Some(error),
        open: true,
    };
    let page = build(
        &state,
        posted.layout(),
        &access,
        &project,
        &env,
        &parent,
        Drafts {
            add: SecretDraft::default(),
            folder,
        },
    )
    .await?;
    Ok(render(status, &page)?)
}

//! The projects list: create a project (name), open one, delete one after typing its name.

use crate::domain::Name;
use crate::routes::ui::confirm::{ConfirmPage, Typed};
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::pages::{redirect, render, sentence, Layout, UiResult};
use crate::routes::ui::project::{self, NoticeQuery};
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::routes::ui::page("/projects")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(crate::routes::ui::page("/projects/{projectId}").route(web::get().to(open)))
    .service(
        crate::routes::ui::page("/projects/{projectId}/delete")
            .route(web::get().to(confirm_delete))
            .route(web::post().to(delete)),
    );
}

struct ProjectCard {
    id: String,
    name: String,
    slug: String,
    environments: Vec<String>,
    created: Option<When>,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ProjectsPage {
    layout: Layout,
    projects: Vec<ProjectCard>,
    name: String,
    error: Option<String>,
}

async fn page(
    state: &AppState,
    layout: Layout,
    name: String,
    error: Option<String>,
) -> UiResult<ProjectsPage> {
    let now = now_millis();
    let projects = projects::list(&state.store)
        .await?
        .into_iter()
        .map(|p| ProjectCard {
            created: when_rfc3339(&p.created_at, now),
            environments: p.environments.iter().map(|e| e.name.clone()).collect(),
            id: p.id,
            name: p.name,
            slug: p.slug,
        })
        .collect();
    Ok(ProjectsPage {
        layout,
        projects,
        name,
        error,
    })
}

async fn list(
    state: web::Data<AppState>,
    ui: UiSession,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let mut layout = ui.layout();
    layout.notice = query.text();
    Ok(render(
        StatusCode::OK,
        &page(&state, layout, String::new(), None).await?,
    )?)
}

async fn create(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let raw = posted.form.text("name");
    match Name::parse(raw) {
        Ok(name) => {
            let created = projects::create(&state.store, &posted.session, name).await?;
            let target = match created.environments.first() {
                Some(env) => format!(
                    "/projects/{}/secrets/{}?notice=project-created",
                    created.id, env.slug
                ),
                None => format!("/projects/{}/settings", created.id),
            };
            Ok(redirect(&target))
        }
        Err(e) => {
            let page = page(
                &state,
                posted.layout(),
                raw.to_owned(),
                Some(sentence(&e.0)),
            )
            .await?;
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page)?)
        }
    }
}

async fn open(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&format!("/projects/{}/secrets", path.into_inner()))
}

fn delete_page(
    project: &ProjectView,
    layout: Layout,
    typed: String,
    error: Option<String>,
) -> ConfirmPage {
    ConfirmPage {
        layout,
        project: project::nav(project, "settings"),
        title: format!("Delete project {}?", project.name),
        message: String::from(
            "This permanently deletes the project, its environments, folders and secrets, and revokes all its service tokens. It cannot be undone.",
        ),
        action: format!("/projects/{}/delete", project.id),
        hidden: Vec::new(),
        button: String::from("Delete project"),
        cancel: format!("/projects/{}/settings", project.id),
        typed: Some(Typed {
            label: format!("Type {} to confirm", project.name),
            expected: project.name.clone(),
            value: typed,
            error,
        }),
    }
}

async fn confirm_delete(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    Ok(render(
        StatusCode::OK,
        &delete_page(&project, ui.layout(), String::new(), None),
    )?)
}

async fn delete(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    let typed = posted.form.text("confirm_name");
    if typed.trim() != project.name {
        let error = Some(String::from(
            "The name does not match; nothing was deleted.",
        ));
        let page = delete_page(&project, posted.layout(), typed.to_owned(), error);
        return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page)?);
    }
    projects::delete(&state.store, &posted.session, &project.id).await?;
    Ok(redirect("/projects?notice=project-deleted"))
}

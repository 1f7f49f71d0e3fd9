//! Access Control > Machine Identities: the identities attached to a project with their role
//! (`developer` or `viewer`) and environments, the form to attach one, and the forms to change
//! or detach one (after a confirmation). Project admins, admins and owners see it (DESIGN §9);
//! `service::identities` refuses everyone else anyway. Identities themselves are made on the
//! instance's Identities page, by owners and admins.

use super::confirm::{ConfirmPage, Question};
use super::error::UiResult;
use super::form::FormData;
use super::links;
use super::notice::{Notice, NoticeQuery};
use super::page;
use super::pages::{redirect, render, sentence, Layout, ProjectNav, Section};
use super::session::{Posted, UiSession};
use super::urls;
use crate::auth::AdminSession;
use crate::domain::{EnvSlug, IdentityRole};
use crate::error::AppError;
use crate::service::identities::{self, Attach, Grant};
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub fn configure(cfg: &mut web::ServiceConfig) {
    let list = "/projects/{projectId}/access-control/identities";
    cfg.service(
        page(list)
            .route(web::get().to(show))
            .route(web::post().to(attach)),
    )
    .service(page(&format!("{list}/{{identityId}}")).route(web::post().to(update)))
    .service(
        page(&format!("{list}/{{identityId}}/detach"))
            .route(web::get().to(confirm_detach))
            .route(web::post().to(detach)),
    );
}

struct EnvChoice {
    slug: String,
    name: String,
    checked: bool,
}

struct Line {
    name: String,
    role: String,
    all: bool,
    reach: String,
    envs: Vec<EnvChoice>,
    update_href: String,
    detach_href: String,
}

struct Choice {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "members/identities.html")]
struct IdentitiesPage {
    layout: Layout,
    project: ProjectNav,
    attached: Vec<Line>,
    available: Vec<Choice>,
    envs: Vec<EnvChoice>,
    add_action: String,
    manage_href: Option<String>,
    error: Option<String>,
}

fn choices(project: &ProjectView, reach: Option<&[String]>) -> Vec<EnvChoice> {
    project
        .environments
        .iter()
        .map(|e| EnvChoice {
            checked: reach.is_some_and(|list| list.contains(&e.slug)),
            slug: e.slug.clone(),
            name: e.name.clone(),
        })
        .collect()
}

async fn build(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    project: &ProjectView,
    error: Option<String>,
) -> UiResult<IdentitiesPage> {
    let members = identities::list_members(&state.store, session, &project.id).await?;
    let all = identities::list(&state.store, session).await?;
    let name_of = |id: &str| {
        all.iter()
            .find(|i| i.id == id)
            .map_or_else(|| id.to_owned(), |i| i.name.clone())
    };
    let attached = members
        .iter()
        .map(|m| Line {
            name: name_of(&m.identity_id),
            role: m.role.clone(),
            all: m.environments.is_none(),
            reach: m
                .environments
                .as_ref()
                .map_or_else(|| String::from("All environments"), |l| l.join(", ")),
            envs: choices(project, m.environments.as_deref()),
            update_href: links::project_identity(&project.id, &m.identity_id),
            detach_href: links::project_identity_detach(&project.id, &m.identity_id),
        })
        .collect();
    let available = all
        .iter()
        .filter(|i| !members.iter().any(|m| m.identity_id == i.id))
        .map(|i| Choice {
            id: i.id.clone(),
            name: i.name.clone(),
        })
        .collect();
    Ok(IdentitiesPage {
        manage_href: layout.may_manage_identities().then(links::identities),
        layout,
        project: ProjectNav::new(project, Section::Identities),
        attached,
        available,
        envs: choices(project, None),
        add_action: links::project_identities(&project.id),
        error,
    })
}

async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    let layout = ui.layout_with(query.notice());
    render(
        StatusCode::OK,
        &build(&state, &ui.0, layout, &project, None).await?,
    )
}

/// The role and environments of a form: "All environments" is its own box, and no box ticked
/// is an error, never a silent widening to every environment.
fn grant(form: &FormData) -> Result<Grant, String> {
    let role =
        IdentityRole::parse(form.text("role")).map_err(|e| sentence(&format!("Role {}", e.0)))?;
    if !form.text("all_environments").is_empty() {
        return Ok(Grant {
            role,
            environments: None,
        });
    }
    let ticked = form
        .all("environments")
        .into_iter()
        .map(|e| EnvSlug::parse(e).map(|s| s.as_str().to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| sentence(&format!("Environments {}", e.0)))?;
    if ticked.is_empty() {
        return Err(String::from(
            "Tick at least one environment, or All environments.",
        ));
    }
    Ok(Grant {
        role,
        environments: Some(ticked),
    })
}

/// A refusal the page shows in place (a bad field or a conflict); anything else is an error page.
fn refusal(error: AppError) -> Result<String, AppError> {
    match error {
        AppError::Validation(fields) => Ok(fields
            .iter()
            .map(|f| sentence(&f.message))
            .collect::<Vec<_>>()
            .join(" ")),
        AppError::Conflict(message) => Ok(sentence(&message)),
        other => Err(other),
    }
}

async fn attach(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &posted.session, &path).await?;
    let identity_id = posted.form.text("identity_id");
    let (status, message) = match grant(&posted.form) {
        Err(message) => (StatusCode::UNPROCESSABLE_ENTITY, message),
        Ok(_) if identity_id.is_empty() => (
            StatusCode::UNPROCESSABLE_ENTITY,
            String::from("Choose an identity to attach."),
        ),
        Ok(grant) => {
            let store = &state.store;
            let set = identities::set_membership(
                store,
                &posted.session,
                &project.id,
                identity_id,
                grant,
                Attach::New,
            );
            match set.await {
                Ok(_) => {
                    let href = urls::with_notice(
                        &links::project_identities(&project.id),
                        Notice::IdentityAttached,
                    );
                    return Ok(redirect(&href));
                }
                Err(AppError::Conflict(m)) => (StatusCode::CONFLICT, sentence(&m)),
                Err(other) => (StatusCode::UNPROCESSABLE_ENTITY, refusal(other)?),
            }
        }
    };
    let page = build(
        &state,
        &posted.session,
        posted.layout(),
        &project,
        Some(message),
    );
    render(status, &page.await?)
}

async fn update(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, identity_id) = path.into_inner();
    let project = projects::get(&state.store, &posted.session, &project_id).await?;
    let outcome = match grant(&posted.form) {
        Err(message) => Err(message),
        Ok(grant) => {
            let store = &state.store;
            let set = identities::set_membership(
                store,
                &posted.session,
                &project.id,
                &identity_id,
                grant,
                Attach::Existing,
            );
            match set.await {
                Ok(_) => Ok(()),
                Err(e) => Err(refusal(e)?),
            }
        }
    };
    match outcome {
        Ok(()) => Ok(redirect(&urls::with_notice(
            &links::project_identities(&project.id),
            Notice::IdentitySaved,
        ))),
        Err(message) => {
            let page = build(
                &state,
                &posted.session,
                posted.layout(),
                &project,
                Some(message),
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &page.await?)
        }
    }
}

async fn confirm_detach(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, identity_id) = path.into_inner();
    let project = projects::get(&state.store, &ui.0, &project_id).await?;
    let members = identities::list_members(&state.store, &ui.0, &project.id).await?;
    if !members.iter().any(|m| m.identity_id == identity_id) {
        return Err(AppError::NotFound(String::from(
            "This identity is not attached to this project.",
        ))
        .into());
    }
    let name = identities::list(&state.store, &ui.0)
        .await?
        .into_iter()
        .find(|i| i.id == identity_id)
        .map_or(identity_id.clone(), |i| i.name);
    let question = Question {
        title: format!("Detach {name} from {}?", project.name),
        message: String::from("Its access tokens are refused in this project from the next request on. Attaching it again restores access; its client secrets are not changed."),
        button: "Detach identity",
        action: links::project_identity_detach(&project.id, &identity_id),
        cancel: links::project_identities(&project.id),
    };
    let nav = ProjectNav::new(&project, Section::Identities);
    render(
        StatusCode::OK,
        &ConfirmPage::new(ui.layout(), nav, question),
    )
}

async fn detach(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, identity_id) = path.into_inner();
    identities::detach(&state.store, &posted.session, &project_id, &identity_id).await?;
    Ok(redirect(&urls::with_notice(
        &links::project_identities(&project_id),
        Notice::IdentityDetached,
    )))
}

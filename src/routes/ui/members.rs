//! Access Control > Members: the project's members with their role and environments, the form
//! to add an existing user, and the forms to change or remove one. Project admins, admins and
//! owners see it; the service refuses everyone else anyway.

use super::actions::action;
use super::error::UiResult;
use super::form::FormData;
use super::notice::{Notice, NoticeQuery};
use super::page;
use super::pages::{redirect, render, sentence, Layout, ProjectNav, Section};
use super::session::{Posted, UiSession};
use super::summary::ErrorSummary;
use super::urls;
use crate::auth::AdminSession;
use crate::domain::{Environments, Membership, ProjectRole};
use crate::error::AppError;
use crate::service::members::{self, Change};
use crate::service::projects;
use crate::service::views::ProjectView;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

const MEMBERS: &str = "/projects/{projectId}/access-control/members";

pub fn configure(cfg: &mut web::ServiceConfig) {
    let members = MEMBERS;
    cfg.service(
        page(members)
            .route(web::get().to(show))
            .route(web::post().to(add)),
    )
    .service(action(&format!("{members}/{{userId}}"), MEMBERS).route(web::post().to(update)))
    .service(
        action(&format!("{members}/{{userId}}/remove"), MEMBERS).route(web::post().to(remove)),
    );
}

struct EnvChoice {
    slug: String,
    name: String,
    checked: bool,
}

struct MemberLine {
    email: String,
    /// Whether the member reaches every environment (the "All environments" box).
    all: bool,
    role: &'static str,
    /// "All environments" or the slugs.
    reach: String,
    envs: Vec<EnvChoice>,
    update_href: String,
    remove_href: String,
}

#[derive(Template)]
#[template(path = "members/page.html")]
struct MembersPage {
    layout: Layout,
    project: ProjectNav,
    members: Vec<MemberLine>,
    envs: Vec<EnvChoice>,
    add_action: String,
    email: String,
    error: Option<String>,
}

impl MembersPage {
    /// A refused change is about the form as a whole (which member, which role).
    fn summary(&self) -> ErrorSummary {
        ErrorSummary::whole_form(self.error.as_ref())
    }
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
    email: String,
    error: Option<String>,
) -> UiResult<MembersPage> {
    let found = members::list(&state.store, session, &project.id).await?;
    Ok(MembersPage {
        layout,
        project: ProjectNav::new(project, Section::Members),
        members: found
            .into_iter()
            .map(|m| MemberLine {
                reach: match &m.environments {
                    None => String::from("All environments"),
                    Some(list) => list.join(", "),
                },
                all: m.environments.is_none(),
                envs: choices(project, m.environments.as_deref()),
                update_href: urls::member(&project.id, &m.user_id),
                remove_href: urls::member_remove(&project.id, &m.user_id),
                email: m.email,
                role: m.role,
            })
            .collect(),
        envs: choices(project, None),
        add_action: urls::members(&project.id),
        email,
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
    let page = build(&state, &ui.0, layout, &project, String::new(), None).await?;
    render(StatusCode::OK, &page)
}

/// The role and environments of a form. "All environments" is its own box: no environment
/// ticked is an error, never a silent widening to all of them. An admin reaches all of them
/// whatever is ticked.
fn membership(form: &FormData) -> Result<Membership, String> {
    let role = ProjectRole::parse(form.text("role")).map_err(|e| format!("Role {}", e.0))?;
    let ticked: Vec<String> = form
        .all("environments")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let all = !form.text("all_environments").is_empty();
    let environments = match (role, all, ticked.is_empty()) {
        (ProjectRole::Admin, _, _) | (_, true, _) => Environments::All,
        (_, false, true) => {
            return Err(String::from(
                "Tick at least one environment, or All environments",
            ))
        }
        _ => Environments::parse(Some(&ticked)).map_err(|e| e.0)?,
    };
    Membership::new(role, environments).map_err(|e| e.0)
}

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

async fn add(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &posted.session, &path).await?;
    let email = posted.form.text("email").trim().to_owned();
    let outcome = match membership(&posted.form) {
        Ok(m) => {
            let added = members::add(&state.store, &posted.session, &project.id, email.clone(), m);
            match added.await {
                Ok(_) => Ok(()),
                Err(e) => Err(refusal(e)?),
            }
        }
        Err(message) => Err(sentence(&message)),
    };
    match outcome {
        Ok(()) => Ok(redirect(&urls::with_notice(
            &urls::members(&project.id),
            Notice::MemberAdded,
        ))),
        Err(error) => {
            let session = &posted.session;
            let page = build(
                &state,
                session,
                posted.layout(),
                &project,
                email,
                Some(error),
            );
            render(StatusCode::UNPROCESSABLE_ENTITY, &page.await?)
        }
    }
}

async fn update(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, user_id) = path.into_inner();
    let membership =
        membership(&posted.form).map_err(|m| AppError::validation("environments", m))?;
    let change = Change {
        role: Some(membership.role),
        environments: Some(membership.environments),
    };
    members::update(&state.store, &posted.session, &project_id, &user_id, change).await?;
    Ok(redirect(&urls::with_notice(
        &urls::members(&project_id),
        Notice::MemberSaved,
    )))
}

async fn remove(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (project_id, user_id) = path.into_inner();
    members::remove(&state.store, &posted.session, &project_id, &user_id).await?;
    Ok(redirect(&urls::with_notice(
        &urls::members(&project_id),
        Notice::MemberRemoved,
    )))
}

//! The projects list with the new-project form; opening a project goes to its secrets. The list
//! is filtered by name or slug (`?q=`) and paged on the server.

use crate::auth::AdminSession;
use crate::domain::Name;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::finding::{Find, FindQuery, Pager};
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{redirect, render, sentence, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::projects;
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

struct ProjectCard {
    name: String,
    slug: String,
    environments: Vec<String>,
    created: Option<When>,
    href: String,
    /// Empty when the viewer may not delete the project (no button then).
    delete_href: String,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ProjectsPage {
    layout: Layout,
    projects: Vec<ProjectCard>,
    name: String,
    error: Option<String>,
    /// Whether there are projects at all (else the first-project invitation, not "no match").
    any: bool,
    q: String,
    pager: Pager,
}

/// The list, with the new-project form as typed (`name`) and its error, if any.
async fn page(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    (name, error): (String, Option<String>),
    find: &Find,
) -> UiResult<ProjectsPage> {
    let now = now_millis();
    let all = projects::list(&state.store, session).await?;
    let any = !all.is_empty();
    let matching = all
        .into_iter()
        .filter(|p| find.matches(&[&p.name, &p.slug]))
        .collect();
    let (shown, pager) = find.page(matching, |page| {
        urls::with_params(
            &urls::projects(),
            &[("q", &find.q), ("page", &page.to_string())],
        )
    });
    let projects = shown
        .into_iter()
        .map(|p| ProjectCard {
            created: when_rfc3339(&p.created_at, now),
            environments: p.environments.iter().map(|e| e.name.clone()).collect(),
            href: urls::secrets_first_env(&p.id),
            delete_href: if layout.may_configure(&p.id) {
                urls::project_delete(&p.id)
            } else {
                String::new()
            },
            name: p.name,
            slug: p.slug,
        })
        .collect();
    Ok(ProjectsPage {
        layout,
        projects,
        name,
        error,
        any,
        q: find.q.clone(),
        pager,
    })
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    query: web::Query<NoticeQuery>,
    find: web::Query<FindQuery>,
) -> UiResult<HttpResponse> {
    let layout = ui.layout_with(query.notice());
    let page = page(&state, &ui.0, layout, (String::new(), None), &find.find()).await?;
    render(StatusCode::OK, &page)
}

pub(super) async fn create(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let raw = posted.form.text("name");
    match Name::parse(raw) {
        Ok(name) => {
            let created = projects::create(&state.store, &posted.session, name).await?;
            let target = match created.environments.first() {
                Some(env) => urls::with_notice(
                    &urls::secrets(&created.id, &env.slug, "/"),
                    Notice::ProjectCreated,
                ),
                None => urls::settings(&created.id),
            };
            Ok(redirect(&target))
        }
        Err(e) => {
            let error = Some(sentence(&e.0));
            let everything = FindQuery::default().find();
            let page = page(
                &state,
                &posted.session,
                posted.layout(),
                (raw.to_owned(), error),
                &everything,
            )
            .await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

pub(super) async fn open(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&urls::secrets_first_env(&path))
}

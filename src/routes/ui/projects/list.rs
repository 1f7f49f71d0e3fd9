//! The projects list with the new-project form (a name, and a slug that is derived from it unless
//! typed; a name the viewer already uses is created anyway, with a warning); opening a project
//! goes to its secrets. The list is filtered by name or slug (`?q=`) and paged on the server.

use super::check::{check, NameCheck};
use crate::auth::AdminSession;
use crate::domain::{Name, ProjectSlug};
use crate::error::AppError;
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

/// The new-project form as typed, with a message per refused field and the line under the name.
#[derive(Default)]
struct ProjectDraft {
    name: String,
    slug: String,
    name_error: Option<String>,
    slug_error: Option<String>,
    check: NameCheck,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
struct ProjectsPage {
    layout: Layout,
    projects: Vec<ProjectCard>,
    draft: ProjectDraft,
    check_href: String,
    /// Whether there are projects at all (else the first-project invitation, not "no match").
    any: bool,
    q: String,
    pager: Pager,
}

/// The list, with the new-project form as typed (`draft`).
async fn page(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    draft: ProjectDraft,
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
        draft,
        check_href: urls::project_name_check(None),
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
    let page = page(&state, &ui.0, layout, ProjectDraft::default(), &find.find()).await?;
    render(StatusCode::OK, &page)
}

pub(super) async fn create(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let session = &posted.session;
    let mut draft = ProjectDraft {
        name: posted.form.text("name").to_owned(),
        slug: posted.form.text("slug").trim().to_owned(),
        ..ProjectDraft::default()
    };
    let name = Name::parse(&draft.name)
        .map_err(|e| draft.name_error = Some(sentence(&e.0)))
        .ok();
    let slug = match draft.slug.as_str() {
        "" => Some(None),
        typed => ProjectSlug::parse(typed)
            .map(Some)
            .map_err(|e| draft.slug_error = Some(sentence(&e.0)))
            .ok(),
    };
    let status = match (name, slug) {
        (Some(name), Some(slug)) => {
            let same = projects::same_name(&state.store, session, name.as_str(), None).await?;
            match projects::create(&state.store, session, name, slug).await {
                Ok(created) => return Ok(redirect(&landing(&created, same))),
                Err(AppError::Conflict(message)) => {
                    draft.slug_error = Some(sentence(&message));
                    StatusCode::CONFLICT
                }
                Err(other) => return Err(other.into()),
            }
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    // The line under the name again, so the refused form says what the slug would be.
    let slug_typed = if draft.slug_error.is_some() {
        ""
    } else {
        &draft.slug
    };
    draft.check = check(&state, session, &draft.name, slug_typed, None).await?;
    let everything = FindQuery::default().find();
    let page = page(&state, session, posted.layout(), draft, &everything).await?;
    render(status, &page)
}

/// Where a new project opens: its first environment, with the notice (which warns when the
/// viewer already had a project of that name).
fn landing(created: &crate::service::views::ProjectView, same_name: bool) -> String {
    let notice = match same_name {
        true => Notice::ProjectCreatedSameName,
        false => Notice::ProjectCreated,
    };
    match created.environments.first() {
        Some(env) => urls::with_notice(&urls::secrets(&created.id, &env.slug, "/"), notice),
        None => urls::with_notice(&urls::settings(&created.id), notice),
    }
}

pub(super) async fn open(_ui: UiSession, path: web::Path<String>) -> HttpResponse {
    redirect(&urls::secrets_first_env(&path))
}

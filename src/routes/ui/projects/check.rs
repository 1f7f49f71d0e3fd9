//! The line under a project's name field: the slug the name gives (or the typed slug, checked),
//! and a warning, which never blocks, when the viewer already has a project of that name. The
//! pages render it once; with JavaScript, `name-check` fetches it again as you type.

use crate::auth::AdminSession;
use crate::domain::{EnvSlug, ProjectSlug};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, sentence};
use crate::routes::ui::session::UiSession;
use crate::service::projects;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

/// What the line says; all empty shows nothing.
#[derive(Default)]
pub struct NameCheck {
    /// The slug the project would get.
    pub slug: String,
    /// Said after the slug ("taken, so a short suffix will be added").
    pub slug_note: Option<String>,
    /// Why the typed slug cannot be used.
    pub slug_error: Option<String>,
    pub warning: Option<String>,
}

/// The check of `name` and `slug` as typed; `except` is the project being renamed (then the
/// slug is not shown: it does not change).
pub async fn check(
    state: &AppState,
    session: &AdminSession,
    name: &str,
    slug: &str,
    except: Option<&str>,
) -> UiResult<NameCheck> {
    let mut out = NameCheck::default();
    let name = name.trim();
    if !name.is_empty() && projects::same_name(&state.store, session, name, except).await? {
        out.warning = Some(match except {
            None => format!("You already have a project named “{name}”. You can still create this one: its slug tells them apart."),
            Some(_) => format!("Another project is already named “{name}”. You can still use the name."),
        });
    }
    if except.is_some() {
        return Ok(out);
    }
    let slug = slug.trim();
    if !slug.is_empty() {
        match ProjectSlug::parse(slug) {
            Err(e) => out.slug_error = Some(sentence(&e.0)),
            Ok(chosen) if projects::slug_taken(&state.store, session, &chosen).await? => {
                out.slug_error = Some(format!(
                    "The slug {slug} is taken by another project; choose another."
                ));
            }
            Ok(_) => out.slug = slug.to_owned(),
        }
    } else if !name.is_empty() {
        out.slug = EnvSlug::slugify(name);
        let derived = ProjectSlug::parse(&out.slug);
        if let Ok(derived) = derived {
            if projects::slug_taken(&state.store, session, &derived).await? {
                out.slug_note = Some(String::from(
                    "taken, so a short random suffix will be added",
                ));
            }
        }
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "projects/check.html")]
struct CheckFragment {
    check: NameCheck,
}

#[derive(Deserialize)]
pub(super) struct CheckQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    slug: String,
    except: Option<String>,
}

/// `GET /projects/name-check?name=…&slug=…[&except=…]`: the line alone, for the script.
pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    query: web::Query<CheckQuery>,
) -> UiResult<HttpResponse> {
    let q = query.into_inner();
    let check = check(&state, &ui.0, &q.name, &q.slug, q.except.as_deref()).await?;
    render(StatusCode::OK, &CheckFragment { check })
}

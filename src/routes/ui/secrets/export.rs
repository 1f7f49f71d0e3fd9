//! "Download .env": the secrets of one folder as a `.env` file, each value double-quoted with
//! `domain::dotenv::quote`, so the import (and `envkeep secrets import`) reads it back exactly.

use super::browse::FolderQuery;
use super::place::Place;
use crate::domain::{dotenv, Depth};
use crate::routes::ui::error::UiResult;
use crate::routes::ui::session::UiSession;
use crate::service::secrets;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};

pub(super) async fn download(
    state: web::Data<AppState>,
    ui: UiSession,
    ids: web::Path<(String, String)>,
    query: web::Query<FolderQuery>,
) -> UiResult<HttpResponse> {
    let place = Place::load(&state, &ui.0, ids.into_inner(), query.path.as_deref()).await?;
    let found =
        secrets::list_cached(&state.store, &ui.caller(), &place.at, Depth::OneLevel).await?;
    // Seam for the audit issue (18): record `folder.exported` (who, project, environment,
    // path, how many keys; never a value) here once the audit log takes UI events.
    let mut body = String::new();
    for s in found.secrets() {
        body.push_str(&format!("{}={}\n", s.key, dotenv::quote(&s.value)));
    }
    for u in found.unreadable() {
        body.push_str(&format!(
            "# {}: not exported, its stored value does not decrypt\n",
            u.key
        ));
    }
    let folder = place.path().trim_start_matches('/').replace('/', "_");
    let name = match folder.is_empty() {
        true => format!("{}.env", place.env()),
        false => format!("{}_{folder}.env", place.env()),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(body))
}

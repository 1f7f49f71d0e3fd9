//! An identity's page: its name (rename form), its Client ID, the Universal Auth settings form,
//! the form for a new client secret and the table of its client secrets (prefix, description,
//! TTL, uses left, last used) with Revoke, and the way to delete it.

use super::find;
use super::secrets::SecretDraft;
use super::settings::SettingsDraft;
use crate::auth::AdminSession;
use crate::domain::Name;
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::links;
use crate::routes::ui::notice::{Notice, NoticeQuery};
use crate::routes::ui::pages::{redirect, render, sentence, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::identities::{self, IdentityView};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

struct SecretLine {
    prefix: String,
    description: String,
    /// "Never" or the expiry.
    expires: String,
    uses_left: String,
    last_used: Option<When>,
    created: Option<When>,
    revoke_href: String,
}

/// The forms as typed when one comes back with errors (`None`: as stored, or empty).
#[derive(Default)]
pub(super) struct Drafts {
    pub rename: Option<(String, String)>,
    pub settings: Option<SettingsDraft>,
    pub secret: Option<SecretDraft>,
}

#[derive(Template)]
#[template(path = "identities/show.html")]
pub(super) struct IdentityPage {
    layout: Layout,
    name: String,
    client_id: String,
    back: String,
    rename_action: String,
    rename_value: String,
    rename_error: Option<String>,
    settings_action: String,
    settings: SettingsDraft,
    secret_action: String,
    secret: SecretDraft,
    secrets: Vec<SecretLine>,
    delete_href: String,
}

pub(super) async fn build(
    state: &AppState,
    session: &AdminSession,
    layout: Layout,
    identity: &IdentityView,
    drafts: Drafts,
) -> UiResult<IdentityPage> {
    let listed = identities::list_secrets(&state.store, session, &identity.id).await?;
    let now = now_millis();
    let (rename_value, rename_error) = drafts
        .rename
        .map_or((identity.name.clone(), None), |(v, e)| (v, Some(e)));
    Ok(IdentityPage {
        layout,
        name: identity.name.clone(),
        client_id: identity.client_id.clone(),
        back: links::identities(),
        rename_action: links::identity_rename(&identity.id),
        rename_value,
        rename_error,
        settings_action: links::identity_settings(&identity.id),
        settings: drafts
            .settings
            .unwrap_or_else(|| SettingsDraft::of(identity)),
        secret_action: links::client_secrets(&identity.id),
        secret: drafts.secret.unwrap_or_default(),
        secrets: listed
            .into_iter()
            .map(|s| SecretLine {
                expires: match s.expires_at.as_deref().and_then(|at| when_rfc3339(at, now)) {
                    Some(at) => format!("{} ({})", at.utc, at.relative),
                    None => String::from("Never"),
                },
                uses_left: match s.uses_left {
                    Some(left) => format!("{left} of {}", s.num_uses_limit),
                    None => String::from("No limit"),
                },
                last_used: s
                    .last_used_at
                    .as_deref()
                    .and_then(|at| when_rfc3339(at, now)),
                created: when_rfc3339(&s.created_at, now),
                revoke_href: links::client_secret_revoke(&identity.id, &s.id),
                prefix: s.prefix,
                description: s.description,
            })
            .collect(),
        delete_href: links::identity_delete(&identity.id),
    })
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    id: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let identity = find(&state, &ui.0, &id).await?;
    let layout = ui.layout_with(query.notice());
    let page = build(&state, &ui.0, layout, &identity, Drafts::default()).await?;
    render(StatusCode::OK, &page)
}

pub(super) async fn rename(
    state: web::Data<AppState>,
    posted: Posted,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let identity = find(&state, &posted.session, &id).await?;
    let typed = posted.form.text("name").trim().to_owned();
    let refused = match Name::parse(&typed) {
        Ok(name) => {
            match identities::rename(&state.store, &posted.session, &identity.id, name).await {
                Ok(_) => {
                    let href = links::identity(&identity.id);
                    return Ok(redirect(&urls::with_notice(&href, Notice::IdentityRenamed)));
                }
                Err(AppError::Validation(fields)) => fields
                    .iter()
                    .map(|f| sentence(&format!("Name {}", f.message)))
                    .collect(),
                Err(other) => return Err(other.into()),
            }
        }
        Err(e) => sentence(&format!("Name {}", e.0)),
    };
    let drafts = Drafts {
        rename: Some((typed, refused)),
        ..Default::default()
    };
    let page = build(&state, &posted.session, posted.layout(), &identity, drafts).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

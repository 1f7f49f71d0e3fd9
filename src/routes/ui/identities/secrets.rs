//! An identity's client secrets: creating one (description, TTL, use limit), the page that
//! shows it once beside the Client ID (it waits in the one-shot reveals, bound to this session,
//! as a new service token does), and revoking one after a confirmation.

use super::confirm::ask;
use super::find;
use super::settings::{number, MAX_USES};
use super::show::{build, Drafts};
use crate::auth::policy::Action;
use crate::error::AppError;
use crate::routes::ui::confirm::Question;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::links;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, Layout};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::identities::{self, MAX_TTL};
use crate::service::reveal::Revealed;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use zeroize::Zeroizing;

const MAX_DESCRIPTION: usize = 100;

/// The new-secret form as typed, with a message per field.
pub(super) struct SecretDraft {
    pub description: String,
    pub ttl: String,
    pub uses: String,
    pub description_error: Option<String>,
    pub ttl_error: Option<String>,
    pub uses_error: Option<String>,
}

impl Default for SecretDraft {
    fn default() -> Self {
        SecretDraft {
            description: String::new(),
            ttl: String::from("0"),
            uses: String::from("0"),
            description_error: None,
            ttl_error: None,
            uses_error: None,
        }
    }
}

/// Reveals of client secrets name their identity this way, so neither the token pages (which
/// take a project id) nor the invitation page (an empty one) can take them.
fn owner_tag(identity_id: &str) -> String {
    format!("identity:{identity_id}")
}

pub(super) async fn create(
    state: web::Data<AppState>,
    posted: Posted,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let identity = find(&state, &posted.session, &id).await?;
    let form = &posted.form;
    let mut draft = SecretDraft {
        description: form.text("description").trim().to_owned(),
        ttl: form.text("ttl").trim().to_owned(),
        uses: form.text("num_uses_limit").trim().to_owned(),
        ..Default::default()
    };
    if draft.description.chars().count() > MAX_DESCRIPTION {
        draft.description_error = Some(format!("At most {MAX_DESCRIPTION} characters."));
    }
    let ttl = number(&draft.ttl, MAX_TTL, "seconds").map_err(|e| draft.ttl_error = Some(e));
    let uses = number(&draft.uses, MAX_USES, "logins").map_err(|e| draft.uses_error = Some(e));
    let (Ok(ttl), Ok(uses), None) = (ttl, uses, &draft.description_error) else {
        let drafts = Drafts {
            secret: Some(draft),
            ..Default::default()
        };
        let page = build(&state, &posted.session, posted.layout(), &identity, drafts).await?;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let (secret, data) = identities::create_secret(
        &state.store,
        &posted.session,
        &identity.id,
        draft.description,
        ttl,
        uses,
    )
    .await?;
    let revealed = Revealed {
        token: Zeroizing::new(secret),
        token_name: data.description,
        project_id: owner_tag(&identity.id),
        grant: None,
    };
    let reveal = state.reveals.put(posted.session.id_hash, revealed);
    Ok(redirect(&links::client_secret_created(
        &identity.id,
        &reveal,
    )))
}

#[derive(Template)]
#[template(path = "identities/secret_created.html")]
struct CreatedPage {
    layout: Layout,
    name: String,
    description: String,
    client_id: String,
    secret: String,
    back: String,
}

pub(super) async fn created(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (identity_id, reveal) = path.into_inner();
    let identity = find(&state, &ui.0, &identity_id).await?;
    ui.0.decide(None, Action::ManageIdentities)?;
    let tag = owner_tag(&identity.id);
    let Some(revealed) = state
        .reveals
        .take(&reveal, &ui.0.id_hash)
        .filter(|r| r.project_id == tag)
    else {
        return Err(AppError::Gone(String::from(
            "This client secret was shown once and is gone; revoke it and create a new one if it was not copied",
        ))
        .into());
    };
    let page = CreatedPage {
        layout: ui.layout(),
        name: identity.name.clone(),
        description: revealed.token_name.clone(),
        client_id: identity.client_id.clone(),
        secret: revealed.token.as_str().to_owned(),
        back: links::identity(&identity.id),
    };
    render(StatusCode::OK, &page)
}

pub(super) async fn confirm_revoke(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (identity_id, secret_id) = path.into_inner();
    let identity = find(&state, &ui.0, &identity_id).await?;
    let secret = identities::list_secrets(&state.store, &ui.0, &identity.id)
        .await?
        .into_iter()
        .find(|s| s.id == secret_id)
        .ok_or_else(|| {
            AppError::NotFound(String::from(
                "This client secret does not exist (it may already be revoked).",
            ))
        })?;
    let described = match secret.description.is_empty() {
        true => format!("{}…", secret.prefix),
        false => format!("{}… ({})", secret.prefix, secret.description),
    };
    let question = Question {
        title: format!("Revoke client secret {described}?"),
        message: format!(
            "Logging in as {} with this client secret is refused from now on. Access tokens it already got stay valid until their TTL ends; delete the identity to end them at once. Revoking cannot be undone.",
            identity.name
        ),
        button: "Revoke client secret",
        action: links::client_secret_revoke(&identity.id, &secret.id),
        cancel: links::identity(&identity.id),
    };
    ask(ui.layout(), question)
}

pub(super) async fn revoke(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<(String, String)>,
) -> UiResult<HttpResponse> {
    let (identity_id, secret_id) = path.into_inner();
    identities::revoke_secret(&state.store, &posted.session, &identity_id, &secret_id).await?;
    Ok(redirect(&urls::with_notice(
        &links::identity(&identity_id),
        Notice::ClientSecretRevoked,
    )))
}

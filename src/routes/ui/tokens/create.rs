//! Access Control > Service Tokens > Create token. Scope rows are added and removed through a
//! server round trip (the form posts `add_scope` or `remove_scope=<row>` and comes back with the
//! values kept), and **Preview** (`preview`) comes back with each row's line of what it matches,
//! so the form works without JavaScript; `static/app.js` only does the same in place. A minted
//! token goes to the reveal store and the browser to the page that shows it once.

use super::draft::TokenFormPage;
use super::expiry::{expiry, Expiry};
use super::preview::annotate;
use crate::auth::policy::Action;
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{redirect, render};
use crate::routes::ui::session::{Posted, UiSession};
use crate::routes::ui::urls;
use crate::service::projects;
use crate::service::reveal::Revealed;
use crate::service::token_request::ZeroExpiry;
use crate::service::tokens::{self, NewToken};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use zeroize::Zeroizing;

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &ui.0, &path).await?;
    ui.0.decide(
        Some(&project.id),
        Action::ManageTokens { environments: &[] },
    )?;
    let mut page = TokenFormPage::new(ui.layout(), &project);
    annotate(&state, &ui.0, &project.id, &mut page).await?;
    render(StatusCode::OK, &page)
}

pub(super) async fn submit(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = projects::get(&state.store, &posted.session, &path).await?;
    let mut page = TokenFormPage::from_form(posted.layout(), &project, &posted.form);
    let again = if posted.form.has("add_scope") {
        page.add_scope(&project);
        true
    } else if let Some(row) = posted.form.get("remove_scope") {
        page.remove_scope(row);
        true
    } else {
        posted.form.has("preview")
    };
    // Every rendering of the form says what each scope matches.
    annotate(&state, &posted.session, &project.id, &mut page).await?;
    if again {
        return render(StatusCode::OK, &page);
    }

    if !page.read && !page.write {
        page.permissions_error = Some(String::from("Choose Read, Write or both."));
    }
    for row in page.scopes.iter_mut().filter(|r| r.path.trim().is_empty()) {
        row.path_error = Some(String::from("Enter a path, for example / or /app/**."));
    }
    let expires =
        expiry(&page.expiration, &page.custom_date, now_millis()).unwrap_or_else(|message| {
            // Parse the rest with a valid stand-in, so every other field gets its message too.
            page.expiration_error = Some(message);
            Expiry::Request(serde_json::Value::from(86_400))
        });
    let request = page.request(expires.request_value());
    let validated = match NewToken::parse(&request, ZeroExpiry::Refused) {
        Ok(mut new) => {
            if let Expiry::Fixed(at) = expires {
                new.expires_in = at;
            }
            Some(new)
        }
        Err(fields) => {
            fields.into_iter().for_each(|f| page.place(f));
            None
        }
    };
    let new = match validated {
        Some(new) if !page.has_errors() => new,
        _ => return render(StatusCode::UNPROCESSABLE_ENTITY, &page),
    };
    match tokens::mint(&state.store, &posted.session, &project.id, new).await {
        Ok(minted) => {
            let revealed = Revealed {
                token: Zeroizing::new(minted.token),
                token_name: minted.view.name.clone(),
                project_id: project.id.clone(),
                grant: Some(minted.view),
            };
            let reveal = state.reveals.put(posted.session.id_hash, revealed);
            Ok(redirect(&urls::token_created(&project.id, &reveal)))
        }
        Err(AppError::Validation(fields)) => {
            fields.into_iter().for_each(|f| page.place(f));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

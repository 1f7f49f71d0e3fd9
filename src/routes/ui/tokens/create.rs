//! Access Control > Service Tokens > Create token. Scope rows are added and removed through a
//! server round trip (the form posts `add_scope` or `remove_scope=<row>` and comes back with the
//! values kept), so the form works without JavaScript; `static/app.js` only does the same in
//! place. The form fills the same [`TokenRequest`] as the native and Infisical APIs and goes
//! through the same parser (`NewToken::parse`), so they cannot disagree; its field names are
//! mapped to messages next to each input.

use super::table::tokens_href;
use crate::domain::expiry::MAX_SECONDS;
use crate::error::{AppError, FieldError};
use crate::routes::ui::form::FormData;
use crate::routes::ui::pages::{redirect, render, sentence, Layout, ProjectNav, UiResult};
use crate::routes::ui::project;
use crate::routes::ui::session::{Posted, UiSession};
use crate::service::reveal::Revealed;
use crate::service::token_request::{ScopeRequest, TokenRequest, ZeroExpiry};
use crate::service::tokens::{self, NewToken, MAX_SCOPES};
use crate::service::views::ProjectView;
use crate::state::AppState;
use crate::time::{now_millis, Millis};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use zeroize::Zeroizing;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        crate::routes::ui::page("/projects/{projectId}/access-control/service-tokens/new")
            .route(web::get().to(show))
            .route(web::post().to(submit)),
    );
}

/// The "Expiration" choices: value (seconds, `never` or `custom`) and label. Default: 1 day.
pub const EXPIRATIONS: [(&str, &str); 7] = [
    ("86400", "1 day"),
    ("604800", "7 days"),
    ("2592000", "1 month"),
    ("15552000", "6 months"),
    ("31536000", "12 months"),
    ("never", "Never"),
    ("custom", "Custom date…"),
];
const DEFAULT_EXPIRATION: &str = "86400";

struct EnvOption {
    slug: String,
    name: String,
}

#[derive(Default)]
struct ScopeRow {
    env: String,
    path: String,
    env_error: Option<String>,
    path_error: Option<String>,
}

#[derive(Template)]
#[template(path = "tokens/form.html")]
struct TokenFormPage {
    layout: Layout,
    project: ProjectNav,
    envs: Vec<EnvOption>,
    expirations: &'static [(&'static str, &'static str)],
    name: String,
    name_error: Option<String>,
    scopes: Vec<ScopeRow>,
    scopes_error: Option<String>,
    read: bool,
    write: bool,
    permissions_error: Option<String>,
    expiration: String,
    custom_date: String,
    min_date: String,
    expiration_error: Option<String>,
    allowed_ips: String,
    allowed_ips_error: Option<String>,
    action: String,
    cancel: String,
    max_scopes: usize,
}

impl TokenFormPage {
    fn new(layout: Layout, project: &ProjectView) -> Self {
        let first_env = project
            .environments
            .first()
            .map(|e| e.slug.clone())
            .unwrap_or_default();
        Self {
            layout,
            project: project::nav(project, "access"),
            envs: project
                .environments
                .iter()
                .map(|e| EnvOption {
                    slug: e.slug.clone(),
                    name: e.name.clone(),
                })
                .collect(),
            expirations: &EXPIRATIONS,
            name: String::new(),
            name_error: None,
            scopes: vec![ScopeRow {
                env: first_env,
                path: String::from("/"),
                ..ScopeRow::default()
            }],
            scopes_error: None,
            read: true,
            write: false,
            permissions_error: None,
            expiration: String::from(DEFAULT_EXPIRATION),
            custom_date: String::new(),
            min_date: tomorrow(now_millis()),
            expiration_error: None,
            allowed_ips: String::new(),
            allowed_ips_error: None,
            action: format!("{}/new", tokens_href(&project.id)),
            cancel: tokens_href(&project.id),
            max_scopes: MAX_SCOPES,
        }
    }

    /// The form as submitted, every value kept.
    fn from_form(layout: Layout, project: &ProjectView, form: &FormData) -> Self {
        let mut page = Self::new(layout, project);
        let (envs, paths) = (form.all("scope_env"), form.all("scope_path"));
        let rows = envs.len().max(paths.len()).min(MAX_SCOPES);
        if rows > 0 {
            page.scopes = (0..rows)
                .map(|i| ScopeRow {
                    env: envs.get(i).copied().unwrap_or("").to_owned(),
                    path: paths.get(i).copied().unwrap_or("").to_owned(),
                    ..ScopeRow::default()
                })
                .collect();
        }
        page.name = form.text("name").to_owned();
        page.read = form.has("perm_read");
        page.write = form.has("perm_write");
        page.expiration = form
            .get("expiration")
            .unwrap_or(DEFAULT_EXPIRATION)
            .to_owned();
        page.custom_date = form.text("custom_date").to_owned();
        page.allowed_ips = form.text("allowed_ips").to_owned();
        page
    }

    /// Puts a validator's message next to its field; a friendlier message set earlier wins.
    fn place(&mut self, error: FieldError) {
        let message = sentence(&error.message);
        let keep_first = |slot: &mut Option<String>| {
            slot.get_or_insert(message.clone());
        };
        if let Some(rest) = error.field.strip_prefix("scopes[") {
            let (index, field) = rest.split_once("].").unwrap_or(("", ""));
            if let Some(row) = index
                .parse::<usize>()
                .ok()
                .and_then(|i| self.scopes.get_mut(i))
            {
                match field {
                    "environment" => keep_first(&mut row.env_error),
                    _ => keep_first(&mut row.path_error),
                }
                return;
            }
        }
        match error.field.as_str() {
            "name" => keep_first(&mut self.name_error),
            "permissions" => keep_first(&mut self.permissions_error),
            "expiresIn" => keep_first(&mut self.expiration_error),
            "allowedIps" => keep_first(&mut self.allowed_ips_error),
            _ => keep_first(&mut self.scopes_error),
        }
    }

    fn is_expiration(&self, value: &str) -> bool {
        self.expiration == value
    }

    fn has_errors(&self) -> bool {
        self.name_error.is_some()
            || self.scopes_error.is_some()
            || self.permissions_error.is_some()
            || self.expiration_error.is_some()
            || self.allowed_ips_error.is_some()
            || self
                .scopes
                .iter()
                .any(|r| r.env_error.is_some() || r.path_error.is_some())
    }
}

fn tomorrow(now: Millis) -> String {
    let day = crate::time::to_datetime(now + 86_400_000).map(|t| t.date_naive());
    day.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Seconds from `now` until 00:00 UTC on the chosen date.
fn custom_seconds(date: &str, now: Millis) -> Result<i64, String> {
    let day = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| String::from("Pick a date."))?;
    let midnight = day
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .ok_or("Pick a valid date.")?;
    let seconds = (midnight - now) / 1000;
    if seconds < 60 {
        return Err(String::from("Pick a date after today."));
    }
    if seconds > MAX_SECONDS {
        return Err(String::from("Pick a date at most 10 years ahead."));
    }
    Ok(seconds)
}

/// The select's value as a request's `expiresIn`, or the message to show beside it.
fn expires_in(page: &TokenFormPage, now: Millis) -> Result<serde_json::Value, String> {
    match page.expiration.as_str() {
        "never" => Ok(serde_json::Value::Null),
        "custom" => custom_seconds(&page.custom_date, now).map(serde_json::Value::from),
        value if EXPIRATIONS.iter().any(|(v, _)| *v == value) => value
            .parse::<i64>()
            .map(serde_json::Value::from)
            .map_err(|_| String::from("Choose an expiration.")),
        _ => Err(String::from("Choose an expiration.")),
    }
}

fn request(page: &TokenFormPage, expires: serde_json::Value) -> TokenRequest {
    let mut permissions = Vec::new();
    if page.read {
        permissions.push(String::from("read"));
    }
    if page.write {
        permissions.push(String::from("write"));
    }
    TokenRequest {
        name: Some(page.name.clone()),
        scopes: Some(
            page.scopes
                .iter()
                .map(|r| ScopeRequest {
                    environment: Some(r.env.clone()),
                    secret_path: Some(r.path.clone()),
                })
                .collect(),
        ),
        permissions: Some(permissions),
        expires_in: Some(expires),
        allowed_ips: Some(
            page.allowed_ips
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
    }
}

async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    Ok(render(
        StatusCode::OK,
        &TokenFormPage::new(ui.layout(), &project),
    )?)
}

async fn submit(
    state: web::Data<AppState>,
    posted: Posted,
    path: web::Path<String>,
) -> UiResult<HttpResponse> {
    let project = project::load(&state, &path).await?;
    let mut page = TokenFormPage::from_form(posted.layout(), &project, &posted.form);
    if posted.form.has("add_scope") {
        if page.scopes.len() < MAX_SCOPES {
            let env = project
                .environments
                .first()
                .map(|e| e.slug.clone())
                .unwrap_or_default();
            page.scopes.push(ScopeRow {
                env,
                path: String::from("/"),
                ..ScopeRow::default()
            });
        }
        return Ok(render(StatusCode::OK, &page)?);
    }
    if let Some(row) = posted.form.get("remove_scope") {
        if let Some(i) = row
            .parse::<usize>()
            .ok()
            .filter(|&i| i < page.scopes.len() && page.scopes.len() > 1)
        {
            page.scopes.remove(i);
        }
        return Ok(render(StatusCode::OK, &page)?);
    }

    let now = now_millis();
    if !page.read && !page.write {
        page.permissions_error = Some(String::from("Choose Read, Write or both."));
    }
    for row in page.scopes.iter_mut().filter(|r| r.path.trim().is_empty()) {
        row.path_error = Some(String::from("Enter a path, for example / or /app/**."));
    }
    let expires = expires_in(&page, now).unwrap_or_else(|message| {
        page.expiration_error = Some(message);
        serde_json::Value::from(86_400)
    });
    let validated = match NewToken::parse(&request(&page, expires), ZeroExpiry::Refused) {
        Ok(new) => Some(new),
        Err(fields) => {
            fields.into_iter().for_each(|f| page.place(f));
            None
        }
    };
    let new = match validated {
        Some(new) if !page.has_errors() => new,
        _ => return Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page)?),
    };
    match tokens::mint(&state.store, &posted.session, &project.id, new).await {
        Ok(minted) => {
            let revealed = Revealed {
                token: Zeroizing::new(minted.token),
                token_name: minted.view.name,
                project_id: project.id.clone(),
            };
            let id = state.reveals.put(posted.session.id_hash, revealed);
            Ok(redirect(&format!(
                "{}/created/{id}",
                tokens_href(&project.id)
            )))
        }
        Err(AppError::Validation(fields)) => {
            fields.into_iter().for_each(|f| page.place(f));
            Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page)?)
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn custom_dates_must_be_ahead_and_within_ten_years() {
        let now = Utc
            .with_ymd_and_hms(2030, 5, 1, 12, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(custom_seconds("2030-05-02", now), Ok(12 * 3600));
        assert!(custom_seconds("2030-05-01", now).is_err());
        assert!(custom_seconds("2045-01-01", now).is_err());
        assert!(custom_seconds("not a date", now).is_err());
        assert_eq!(tomorrow(now), "2030-05-02");
    }
}

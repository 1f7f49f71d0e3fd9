//! The Universal Auth settings form of an identity: access-token TTL, max TTL and use limit
//! (seconds or uses; 0 = no limit) and the trusted addresses for logins and for tokens (one
//! CIDR or address a line; empty = any). Each field is checked here with its own message; the
//! service checks the TTL against the max TTL.

use super::find;
use super::show::{build, Drafts};
use crate::domain::AllowedIps;
use crate::error::AppError;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::form::FormData;
use crate::routes::ui::links;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::{redirect, render, sentence};
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::identities::{self, IdentityView, SettingsChange, MAX_TTL};
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

/// The most uses a limit may name.
pub(super) const MAX_USES: i64 = u32::MAX as i64;

/// The form as shown: the stored values, or what was typed with a message per field.
#[derive(Default)]
pub(super) struct SettingsDraft {
    pub ttl: String,
    pub max_ttl: String,
    pub uses: String,
    pub login_ips: String,
    pub token_ips: String,
    pub ttl_error: Option<String>,
    pub max_ttl_error: Option<String>,
    pub uses_error: Option<String>,
    pub login_ips_error: Option<String>,
    pub token_ips_error: Option<String>,
}

impl SettingsDraft {
    pub fn of(identity: &IdentityView) -> Self {
        SettingsDraft {
            ttl: identity.access_token_ttl.to_string(),
            max_ttl: identity.access_token_max_ttl.to_string(),
            uses: identity.access_token_num_uses_limit.to_string(),
            login_ips: identity.client_secret_trusted_ips.join("\n"),
            token_ips: identity.access_token_trusted_ips.join("\n"),
            ..Default::default()
        }
    }

    fn typed(form: &FormData) -> Self {
        SettingsDraft {
            ttl: form.text("access_token_ttl").trim().to_owned(),
            max_ttl: form.text("access_token_max_ttl").trim().to_owned(),
            uses: form.text("access_token_num_uses_limit").trim().to_owned(),
            login_ips: form.lines("client_secret_trusted_ips"),
            token_ips: form.lines("access_token_trusted_ips"),
            ..Default::default()
        }
    }

    /// The change the form asks for, or `None` with the draft's messages set.
    fn change(&mut self) -> Option<SettingsChange> {
        let ttl = number(&self.ttl, MAX_TTL, "seconds").map_err(|e| self.ttl_error = Some(e));
        let max_ttl =
            number(&self.max_ttl, MAX_TTL, "seconds").map_err(|e| self.max_ttl_error = Some(e));
        let uses = number(&self.uses, MAX_USES, "uses").map_err(|e| self.uses_error = Some(e));
        let login = addresses(&self.login_ips).map_err(|e| self.login_ips_error = Some(e));
        let token = addresses(&self.token_ips).map_err(|e| self.token_ips_error = Some(e));
        if let (Ok(ttl), Ok(max)) = (&ttl, &max_ttl) {
            if *max > 0 && ttl > max {
                self.ttl_error = Some(String::from(
                    "The access-token TTL must not exceed the max TTL (or set the max TTL to 0 for no limit).",
                ));
                return None;
            }
        }
        match (ttl, max_ttl, uses, login, token) {
            (Ok(ttl), Ok(max), Ok(uses), Ok(login), Ok(token)) => Some(SettingsChange {
                access_token_ttl: Some(ttl),
                access_token_max_ttl: Some(max),
                access_token_num_uses_limit: Some(uses),
                client_secret_trusted_ips: Some(login),
                access_token_trusted_ips: Some(token),
            }),
            _ => None,
        }
    }
}

/// A whole number from 0 to `max` (`unit` names it in the message).
pub(super) fn number(raw: &str, max: i64, unit: &str) -> Result<i64, String> {
    match raw.trim().parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(n),
        _ if raw.trim().is_empty() => Err(format!("Enter a number of {unit} (0 = no limit).")),
        _ => Err(format!(
            "Enter a whole number of {unit} from 0 (no limit) to {max}."
        )),
    }
}

/// One address or CIDR a line (commas also separate); none = any address.
fn addresses(raw: &str) -> Result<AllowedIps, String> {
    let list: Vec<&str> = raw
        .split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    AllowedIps::parse(&list).map_err(|e| sentence(&e.0))
}

pub(super) async fn save(
    state: web::Data<AppState>,
    posted: Posted,
    id: web::Path<String>,
) -> UiResult<HttpResponse> {
    let identity = find(&state, &posted.session, &id).await?;
    let mut draft = SettingsDraft::typed(&posted.form);
    let refused = match draft.change() {
        Some(change) => {
            match identities::update_settings(&state.store, &posted.session, &identity.id, change)
                .await
            {
                Ok(_) => {
                    let href = links::identity(&identity.id);
                    return Ok(redirect(&urls::with_notice(
                        &href,
                        Notice::IdentitySettingsSaved,
                    )));
                }
                Err(AppError::Validation(fields)) => {
                    let mut draft = SettingsDraft::typed(&posted.form);
                    draft.ttl_error = Some(
                        fields
                            .iter()
                            .map(|f| sentence(&format!("{} {}", f.field, f.message)))
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                    draft
                }
                Err(other) => return Err(other.into()),
            }
        }
        None => draft,
    };
    let drafts = Drafts {
        settings: Some(refused),
        ..Default::default()
    };
    let page = build(&state, &posted.session, posted.layout(), &identity, drafts).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_whole_numbers_from_zero_to_the_maximum() {
        assert_eq!(number("0", 10, "seconds"), Ok(0));
        assert_eq!(number(" 10 ", 10, "seconds"), Ok(10));
        assert!(number("11", 10, "seconds").is_err());
        assert!(number("-1", 10, "seconds").is_err());
        assert!(number("1.5", 10, "seconds").is_err());
        assert!(number("", 10, "seconds")
            .unwrap_err()
            .contains("0 = no limit"));
    }

    #[test]
    fn addresses_are_one_a_line_or_comma_separated_and_blank_means_any() {
        assert!(addresses("").is_ok());
        assert!(addresses("10.0.0.0/8\n192.168.1.1, ::1\n").is_ok());
        assert!(addresses("not-an-address").is_err());
    }
}

//! One parser per setting that needs more than clap's type: each names its `ENVKEEP_*` variable
//! in the error, so a bad setting stops the server at start with a message that says which.

use super::{bad, AdminBootstrap, Backups, ConfigError};
use crate::cli::ServeArgs;
use crate::domain::limits::{parse_size, StorageLimits};
use crate::domain::url::http_base;
use crate::domain::{Email, Password};
use std::str::FromStr;
use std::time::Duration;

pub(super) const MIN_LISTING_MEMORY: u64 = 1024 * 1024;

pub(super) fn parse_limits(args: &ServeArgs) -> Result<StorageLimits, ConfigError> {
    let at_least_one = |setting, value: u64| match value {
        0 => Err(bad(setting, "must be at least 1")),
        n => Ok(n),
    };
    let bytes =
        parse_size(&args.max_project_bytes).map_err(|e| bad("ENVKEEP_MAX_PROJECT_BYTES", e))?;
    Ok(StorageLimits {
        secrets_per_folder: at_least_one(
            "ENVKEEP_MAX_SECRETS_PER_FOLDER",
            args.max_secrets_per_folder,
        )?,
        secrets_per_project: at_least_one(
            "ENVKEEP_MAX_SECRETS_PER_PROJECT",
            args.max_secrets_per_project,
        )?,
        sealed_bytes_per_project: at_least_one("ENVKEEP_MAX_PROJECT_BYTES", bytes)?,
    })
}

pub(super) fn parse_public_url(raw: &str) -> Result<String, ConfigError> {
    let url = raw.trim().trim_end_matches('/');
    http_base(url).map(str::to_owned).ok_or_else(|| {
        bad(
            "ENVKEEP_PUBLIC_URL",
            format!("'{url}' must be an http:// or https:// URL"),
        )
    })
}

pub(super) fn parse_admin(
    email: Option<&str>,
    password: Option<&str>,
) -> Result<Option<AdminBootstrap>, ConfigError> {
    match (
        email.filter(|e| !e.is_empty()),
        password.filter(|p| !p.is_empty()),
    ) {
        (None, None) => Ok(None),
        (Some(email), Some(password)) => Ok(Some(AdminBootstrap {
            email: Email::parse(email).map_err(|e| bad("ENVKEEP_ADMIN_EMAIL", e.0))?,
            password: Password::parse(password).map_err(|e| bad("ENVKEEP_ADMIN_PASSWORD", e.0))?,
        })),
        (Some(_), None) => Err(bad(
            "ENVKEEP_ADMIN_PASSWORD",
            "is required when ENVKEEP_ADMIN_EMAIL is set",
        )),
        (None, Some(_)) => Err(bad(
            "ENVKEEP_ADMIN_EMAIL",
            "is required when ENVKEEP_ADMIN_PASSWORD is set",
        )),
    }
}

pub(super) fn parse_schedule(
    setting: &'static str,
    text: &str,
) -> Result<Option<cron::Schedule>, ConfigError> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    if text.split_whitespace().count() != 6 {
        return Err(bad(
            setting,
            format!("'{text}' must have 6 fields, seconds first (e.g. '0 * * * * *' for every minute), or be 'off'"),
        ));
    }
    cron::Schedule::from_str(text)
        .map(Some)
        .map_err(|e| bad(setting, format!("'{text}': {e}")))
}

pub(super) fn parse_backups(args: &ServeArgs) -> Result<Option<Backups>, ConfigError> {
    let Some(schedule) = parse_schedule("ENVKEEP_BACKUP_SCHEDULE", &args.backup_schedule)? else {
        return Ok(None);
    };
    if args.backup_keep == 0 {
        return Err(bad("ENVKEEP_BACKUP_KEEP", "must be at least 1"));
    }
    let dir = match &args.backup_dir {
        Some(dir) if !dir.as_os_str().is_empty() => dir.clone(),
        _ => args.location.data_dir.join("backups"),
    };
    Ok(Some(Backups {
        schedule,
        dir,
        keep: args.backup_keep,
    }))
}

/// `ENVKEEP_AUDIT_RETENTION`: a humantime duration of at least a day, or `off`.
pub(super) fn parse_retention(text: &str) -> Result<Option<Duration>, ConfigError> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let retention = humantime::parse_duration(text).map_err(|e| {
        bad(
            "ENVKEEP_AUDIT_RETENTION",
            format!("'{text}': {e}; use e.g. 365d or 90d, or off"),
        )
    })?;
    if retention < Duration::from_secs(86_400) {
        return Err(bad(
            "ENVKEEP_AUDIT_RETENTION",
            "must be at least 1d (or off)",
        ));
    }
    Ok(Some(retention))
}

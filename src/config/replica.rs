//! `envkeep serve --replica`: the settings of a read replica (README "Read replicas").

use super::{bad, ConfigError};
use crate::cli::ServeArgs;
use crate::db::replica::ReplicaSource;
use crate::domain::url::http_base;
use std::time::Duration;

/// The environment variable the Litestream VFS reads the replica's location from.
pub const LITESTREAM_REPLICA_URL: &str = "LITESTREAM_REPLICA_URL";

/// A read replica's settings.
#[derive(Debug, Clone)]
pub struct ReplicaConfig {
    pub source: ReplicaSource,
    /// How far behind the storage the replica may fall before `/healthz` answers 503 and
    /// reads are refused.
    pub max_lag: Duration,
}

fn duration(setting: &'static str, raw: &str) -> Result<Duration, ConfigError> {
    humantime::parse_duration(raw)
        .map_err(|e| bad(setting, format!("'{raw}': {e}; use e.g. 10s or 500ms")))
}

/// `None` unless `--replica`; then the primary's URL, the extension and the replica's location
/// are required, so a replica never starts without knowing where writers go.
pub(super) fn parse_replica(args: &ServeArgs) -> Result<Option<ReplicaConfig>, ConfigError> {
    if !args.replica {
        return Ok(None);
    }
    let primary_url = match args.primary_url.as_deref().map(str::trim) {
        Some(url) if !url.is_empty() => http_base(url.trim_end_matches('/'))
            .map(str::to_owned)
            .ok_or_else(|| {
                bad(
                    "ENVKEEP_PRIMARY_URL",
                    format!("'{url}' must be an http:// or https:// URL"),
                )
            })?,
        _ => {
            return Err(bad(
                "ENVKEEP_PRIMARY_URL",
                "is required with --replica (ENVKEEP_REPLICA): the primary's URL, where the replica sends writes, logins and the admin UI",
            ))
        }
    };
    let library = args.litestream_vfs.clone().ok_or_else(|| {
        bad(
            "ENVKEEP_LITESTREAM_VFS",
            "is required with --replica: the path of the Litestream VFS extension (litestream-vfs.so)",
        )
    })?;
    if !library.is_file() {
        return Err(bad(
            "ENVKEEP_LITESTREAM_VFS",
            format!("{} is not a file", library.display()),
        ));
    }
    let replica_url = args
        .replica_url
        .as_deref()
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned);
    let from_environment =
        std::env::var(LITESTREAM_REPLICA_URL).is_ok_and(|url| !url.trim().is_empty());
    if replica_url.is_none() && !from_environment {
        return Err(bad(
            "ENVKEEP_REPLICA_URL",
            "is required with --replica (or LITESTREAM_REPLICA_URL): the Litestream replica to read, e.g. s3://bucket/envkeep",
        ));
    }
    let max_lag = duration("ENVKEEP_REPLICA_MAX_LAG", &args.replica_max_lag)?;
    if max_lag < Duration::from_secs(1) {
        return Err(bad("ENVKEEP_REPLICA_MAX_LAG", "must be at least 1s"));
    }
    let poll_interval = duration("ENVKEEP_REPLICA_POLL_INTERVAL", &args.replica_poll_interval)?;
    if poll_interval < Duration::from_millis(10) || poll_interval >= max_lag {
        return Err(bad(
            "ENVKEEP_REPLICA_POLL_INTERVAL",
            "must be at least 10ms and shorter than ENVKEEP_REPLICA_MAX_LAG",
        ));
    }
    Ok(Some(ReplicaConfig {
        source: ReplicaSource {
            library,
            poll_interval,
            primary_url,
            replica_url,
        },
        max_lag,
    }))
}

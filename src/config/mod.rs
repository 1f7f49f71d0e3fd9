//! The validated server configuration, built from `ServeArgs`. Invalid settings fail at start
//! with a message that says how to fix them; secret settings are redacted in `Debug`.

mod fields;
mod replica;

pub use replica::{ReplicaConfig, LITESTREAM_REPLICA_URL};

use fields::{
    parse_admin, parse_backups, parse_limits, parse_public_url, parse_retention, parse_schedule,
    MIN_LISTING_MEMORY,
};

use crate::cli::{DurabilityFlag, ServeArgs};
use crate::crypto::{root_key, Key32};
use crate::db::Durability;
use crate::domain::limits::{parse_size, StorageLimits};
use crate::domain::{ip::parse_cidr, Email, Password};
use ipnet::IpNet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
#[error("invalid setting {setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

fn bad(setting: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        message: message.into(),
    }
}

/// `--log-format`: how the server writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// What handlers read at request time.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_ttl: Duration,
    pub public_url: Option<String>,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<IpNet>,
    /// `ENVKEEP_REQUIRE_MFA`: every user must use MFA, whatever the owner's setting.
    pub require_mfa: bool,
    /// On a read replica, the primary's URL: every request a replica does not serve is sent
    /// there (`None` on a primary).
    pub primary_url: Option<String>,
}

/// Scheduled backups (`ENVKEEP_BACKUP_*`).
#[derive(Debug, Clone)]
pub struct Backups {
    pub schedule: cron::Schedule,
    pub dir: PathBuf,
    /// At least 1.
    pub keep: usize,
}

pub struct AdminBootstrap {
    pub email: Email,
    pub password: Password,
}

pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: PathBuf,
    pub root_key: Option<Key32>,
    pub public_url: Option<String>,
    pub session_ttl: Duration,
    /// `ENVKEEP_SESSION_IDLE`: a session unused this long has ended (the TTL caps it anyway).
    pub session_idle: Duration,
    pub log_format: LogFormat,
    pub admin: Option<AdminBootstrap>,
    pub trusted_proxies: Vec<IpNet>,
    pub sweep_schedule: Option<cron::Schedule>,
    pub auth_failure_limit: u32,
    pub durability: Durability,
    pub workers: usize,
    /// How often buffered last-used times are written (about once a minute in production).
    pub last_used_flush_interval: Duration,
    pub limits: StorageLimits,
    /// Bytes that secret listings being built or sent may hold at once.
    pub listing_memory: usize,
    /// How long a listing waits for room in `listing_memory` before a 503 (5 s in production).
    pub listing_wait: Duration,
    /// Scheduled backups, when `ENVKEEP_BACKUP_SCHEDULE` is not `off`.
    pub backups: Option<Backups>,
    /// How long audit events are kept; `None` (`off`) keeps them.
    pub audit_retention: Option<Duration>,
    /// Whether service-token uses are counted (`ENVKEEP_TOKEN_USAGE`).
    pub token_usage: bool,
    pub require_mfa: bool,
    /// `--replica`: serve as a read replica (README "Read replicas").
    pub replica: Option<ReplicaConfig>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database)
            .field("root_key", &self.root_key.as_ref().map(|_| "<redacted>"))
            .field("public_url", &self.public_url)
            .field("session_ttl", &self.session_ttl)
            .field("session_idle", &self.session_idle)
            .field("log_format", &self.log_format)
            .field("admin", &self.admin.as_ref().map(|a| a.email.as_str()))
            .field("trusted_proxies", &self.trusted_proxies)
            .field(
                "sweep_schedule",
                &self.sweep_schedule.as_ref().map(ToString::to_string),
            )
            .field("auth_failure_limit", &self.auth_failure_limit)
            .field("durability", &self.durability)
            .field("workers", &self.workers)
            .field("limits", &self.limits)
            .field("listing_memory", &self.listing_memory)
            .field("backups", &self.backups)
            .field("audit_retention", &self.audit_retention)
            .field("token_usage", &self.token_usage)
            .field("require_mfa", &self.require_mfa)
            .field("replica", &self.replica)
            .finish()
    }
}

impl Config {
    pub fn from_args(args: &ServeArgs) -> Result<Self, ConfigError> {
        let bind = args.bind.parse::<SocketAddr>().map_err(|_| {
            bad(
                "ENVKEEP_BIND",
                format!(
                    "'{}' is not an address such as 127.0.0.1:8080 or 0.0.0.0:8080",
                    args.bind
                ),
            )
        })?;
        let root_key = match &args.root_key {
            Some(text) => {
                Some(root_key::parse(text).map_err(|e| bad("ENVKEEP_ROOT_KEY", e.to_string()))?)
            }
            None => None,
        };
        let public_url = match &args.public_url {
            Some(url) if !url.trim().is_empty() => Some(parse_public_url(url)?),
            _ => None,
        };
        let session_ttl = humantime::parse_duration(&args.session_ttl).map_err(|e| {
            bad(
                "ENVKEEP_SESSION_TTL",
                format!("'{}': {e}; use e.g. 12h or 30m", args.session_ttl),
            )
        })?;
        if session_ttl < Duration::from_secs(60) || session_ttl > Duration::from_secs(90 * 86_400) {
            return Err(bad("ENVKEEP_SESSION_TTL", "must be between 1m and 90d"));
        }
        let session_idle = humantime::parse_duration(&args.session_idle).map_err(|e| {
            bad(
                "ENVKEEP_SESSION_IDLE",
                format!("'{}': {e}; use e.g. 1h or 30m", args.session_idle),
            )
        })?;
        // Activity is noted at most once a minute (store::session_seen), so an idle time near a
        // minute would end sessions that are in use: five minutes leaves that error small.
        if session_idle < Duration::from_secs(300)
            || session_idle > Duration::from_secs(90 * 86_400)
        {
            return Err(bad("ENVKEEP_SESSION_IDLE", "must be between 5m and 90d"));
        }
        let admin = parse_admin(args.admin_email.as_deref(), args.admin_password.as_deref())?;
        let trusted_proxies = args
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| parse_cidr(s).map_err(|e| bad("ENVKEEP_TRUSTED_PROXIES", e.0)))
            .collect::<Result<Vec<_>, _>>()?;
        let sweep_schedule = parse_schedule("ENVKEEP_SWEEP_SCHEDULE", &args.sweep_schedule)?;
        let backups = parse_backups(args)?;
        let workers = match args.workers {
            Some(0) => return Err(bad("ENVKEEP_WORKERS", "must be at least 1")),
            Some(n) => n,
            None => std::thread::available_parallelism()
                .map(usize::from)
                .unwrap_or(2),
        };
        let limits = parse_limits(args)?;
        let replica = replica::parse_replica(args)?;
        let listing_memory =
            parse_size(&args.listing_memory).map_err(|e| bad("ENVKEEP_LISTING_MEMORY", e))?;
        if listing_memory < MIN_LISTING_MEMORY {
            return Err(bad("ENVKEEP_LISTING_MEMORY", "must be at least 1MiB"));
        }
        Ok(Self {
            bind,
            database: args.location.database_path(),
            data_dir: args.location.data_dir.clone(),
            root_key,
            public_url,
            session_ttl,
            session_idle,
            log_format: args.log_format,
            admin,
            trusted_proxies,
            sweep_schedule,
            auth_failure_limit: args.auth_failure_limit,
            durability: match args.durability {
                DurabilityFlag::Normal => Durability::Normal,
                DurabilityFlag::Full => Durability::Full,
            },
            workers,
            last_used_flush_interval: Duration::from_secs(60),
            limits,
            listing_memory: usize::try_from(listing_memory).unwrap_or(usize::MAX),
            listing_wait: Duration::from_secs(5),
            backups,
            audit_retention: parse_retention(&args.audit_retention)?,
            token_usage: args.token_usage == crate::cli::Switch::On,
            require_mfa: args.require_mfa,
            replica,
        })
    }

    pub fn root_key_file(&self) -> PathBuf {
        self.data_dir.join("root.key")
    }

    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

#[cfg(test)]
mod tests;

//! Command-line interface. Every server setting is a flag with an `ENVKEEP_*` environment variable.

use crate::config::LogFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "envkeep",
    version,
    about = "A self-hosted secrets server: one binary, one SQLite file, Infisical-style service tokens.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings for `serve`, which runs when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server: JSON API, admin UI and scheduled jobs (the default).
    // Boxed: the server's settings outweigh every other command's.
    Serve(Box<ServeArgs>),
    /// Exit 0 if the local server answers /healthz with 200, else 1 (for Docker's HEALTHCHECK).
    Healthcheck(HealthcheckArgs),
    /// Write a consistent copy of the database to FILE while the server runs.
    Backup(BackupArgs),
    /// Check a database, running or not: integrity, schema version, root key, counts. Exit 0 or 1.
    Check(CheckArgs),
    /// Restore a backup into a new or empty data directory, then check it.
    Restore(RestoreArgs),
    /// Verify the audit log's hash chain, or export its events as JSON lines (offline).
    Audit(AuditArgs),
    /// Manage accounts on the server's machine, running or not: list, reset a password, reset MFA.
    Users(UsersArgs),
    /// Run a command with a service token's secrets added to its environment.
    Run(crate::client::args::RunArgs),
    /// List, read, write or export secrets with a service token.
    Secrets(crate::client::args::SecretsArgs),
}

/// `--durability`; config maps it to `db::Durability`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DurabilityFlag {
    /// WAL with synchronous=NORMAL: no acknowledged write is lost if the process dies; the last
    /// commits may be lost on power loss.
    Normal,
    /// WAL with synchronous=FULL: acknowledged writes also survive power loss.
    Full,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on. The Docker image uses 0.0.0.0:8080.
    #[arg(long, env = "ENVKEEP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    #[command(flatten)]
    pub location: DatabaseLocation,
    /// Root key, standard base64 of 32 bytes [default: read from or generated into <data-dir>/root.key].
    #[arg(long, env = "ENVKEEP_ROOT_KEY", hide_env_values = true)]
    pub root_key: Option<String>,
    /// The URL users reach the server at, e.g. https://secrets.example.com (cookies get Secure when https).
    #[arg(long, env = "ENVKEEP_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// How long an admin session lasts, e.g. 12h, 30m, 7d.
    #[arg(long, env = "ENVKEEP_SESSION_TTL", default_value = "12h")]
    pub session_ttl: String,
    /// How long a session may go unused before it ends, e.g. 1h, 30m (each request slides it; ENVKEEP_SESSION_TTL stays the absolute cap).
    #[arg(long, env = "ENVKEEP_SESSION_IDLE", default_value = "1h")]
    pub session_idle: String,
    /// Log format.
    #[arg(long, env = "ENVKEEP_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Create this admin at start when no user exists (unattended bootstrap; needs the password too).
    #[arg(long, env = "ENVKEEP_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    /// Password for ENVKEEP_ADMIN_EMAIL (at least 12 characters).
    #[arg(long, env = "ENVKEEP_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed.
    #[arg(long, env = "ENVKEEP_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// When the expiry sweep runs: 6-field cron with seconds first; `off` (or empty) disables it.
    #[arg(long, env = "ENVKEEP_SWEEP_SCHEDULE", default_value = "0 * * * * *")]
    pub sweep_schedule: String,
    /// Failed authentications per client address per minute before 429s; 0 turns throttling off.
    #[arg(long, env = "ENVKEEP_AUTH_FAILURE_LIMIT", default_value_t = 30)]
    pub auth_failure_limit: u32,
    /// Require TOTP MFA of every user (without it, the owner's setting on the Team page decides);
    /// a user without MFA may then only enrol or log out.
    #[arg(long, env = "ENVKEEP_REQUIRE_MFA", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_mfa: bool,
    /// SQLite durability: normal (synchronous=NORMAL) or full (synchronous=FULL).
    #[arg(long, env = "ENVKEEP_DURABILITY", value_enum, default_value = "normal")]
    pub durability: DurabilityFlag,
    /// HTTP worker threads [default: number of CPUs].
    #[arg(long, env = "ENVKEEP_WORKERS")]
    pub workers: Option<usize>,
    /// Most secrets one folder may hold; a create beyond it is refused (422).
    #[arg(long, env = "ENVKEEP_MAX_SECRETS_PER_FOLDER", default_value_t = 1_000)]
    pub max_secrets_per_folder: u64,
    /// Most secrets one project may hold, over all its environments and folders.
    #[arg(
        long,
        env = "ENVKEEP_MAX_SECRETS_PER_PROJECT",
        default_value_t = 50_000
    )]
    pub max_secrets_per_project: u64,
    /// Most bytes of sealed values and comments one project may hold, e.g. 256MiB.
    #[arg(long, env = "ENVKEEP_MAX_PROJECT_BYTES", default_value = "256MiB")]
    pub max_project_bytes: String,
    /// Memory for secret listings being built or sent at once, e.g. 64MiB; a listing that finds
    /// no room within 5 s is answered 503.
    #[arg(long, env = "ENVKEEP_LISTING_MEMORY", default_value = "64MiB")]
    pub listing_memory: String,
    /// When to write a verified copy of the database: 6-field cron with seconds first; `off` disables.
    #[arg(long, env = "ENVKEEP_BACKUP_SCHEDULE", default_value = "off")]
    pub backup_schedule: String,
    /// Where scheduled backups go [default: <data-dir>/backups].
    #[arg(long, env = "ENVKEEP_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How many scheduled backups to keep; older ones are removed.
    #[arg(long, env = "ENVKEEP_BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,
    /// Serve as a read replica of the primary's Litestream replica, through the Litestream VFS
    /// (README "Read replicas"): service-token reads only, nothing written.
    #[arg(long, env = "ENVKEEP_REPLICA")]
    pub replica: bool,
    /// The primary's URL, which a replica sends writers to (required with --replica).
    #[arg(long, env = "ENVKEEP_PRIMARY_URL")]
    pub primary_url: Option<String>,
    /// The Litestream VFS extension's shared library (litestream-vfs.so), for --replica.
    #[arg(long, env = "ENVKEEP_LITESTREAM_VFS")]
    pub litestream_vfs: Option<PathBuf>,
    /// The Litestream replica to read, e.g. s3://bucket/envkeep; takes precedence over
    /// LITESTREAM_REPLICA_URL [default: LITESTREAM_REPLICA_URL, as the VFS reads it].
    #[arg(long, env = "ENVKEEP_REPLICA_URL")]
    pub replica_url: Option<String>,
    /// How far behind the storage a replica may fall before /healthz answers 503 and reads are
    /// refused, e.g. 10s.
    #[arg(long, env = "ENVKEEP_REPLICA_MAX_LAG", default_value = "10s")]
    pub replica_max_lag: String,
    /// How often a replica asks the storage for new transactions (one request each time).
    #[arg(long, env = "ENVKEEP_REPLICA_POLL_INTERVAL", default_value = "1s")]
    pub replica_poll_interval: String,
    /// How long audit events are kept, e.g. 365d or 90d; `off` keeps them for ever.
    #[arg(long, env = "ENVKEEP_AUDIT_RETENTION", default_value = "365d")]
    pub audit_retention: String,
    /// Count service-token reads and writes per hour, environment and folder: on or off.
    #[arg(long, env = "ENVKEEP_TOKEN_USAGE", value_enum, default_value = "on")]
    pub token_usage: Switch,
}

/// A setting that is on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// Address the server listens on; 0.0.0.0 and :: are probed on loopback.
    #[arg(long, env = "ENVKEEP_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 3)]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub file: PathBuf,
    #[command(flatten)]
    pub location: DatabaseLocation,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// A data directory or a database file [default: the data directory's database].
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub location: DatabaseLocation,
    /// Root key [default: root.key beside the database, else in the data directory].
    #[arg(long, env = "ENVKEEP_ROOT_KEY", hide_env_values = true)]
    pub root_key: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// The backup file to restore (from `envkeep backup` or a scheduled backup).
    pub backup: PathBuf,
    // The data directory to restore into: must be missing, empty, or hold nothing but a root.key.
    #[command(flatten)]
    pub location: DatabaseLocation,
    /// Root key for the check after restoring [default: <data-dir>/root.key].
    #[arg(long, env = "ENVKEEP_ROOT_KEY", hide_env_values = true)]
    pub root_key: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
    #[command(flatten)]
    pub location: DatabaseLocation,
    /// Root key [default: <data-dir>/root.key]; the chain is keyed by it.
    #[arg(long, env = "ENVKEEP_ROOT_KEY", hide_env_values = true, global = true)]
    pub root_key: Option<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Check every row's hash; print {"ok", "checked", "firstBad", "head"}; exit 0 when ok.
    Verify {
        /// A head hash logged earlier ("audit chain head"): fail unless the chain still holds it.
        #[arg(long)]
        expect_head: Option<String>,
    },
    /// Write the events from SINCE (inclusive) until UNTIL (exclusive) to stdout, one JSON
    /// object a line, oldest first. The export itself is recorded in the log.
    Export {
        /// A date (2026-01-31) or RFC 3339 time.
        #[arg(long)]
        since: String,
        /// A date or RFC 3339 time [default: now].
        #[arg(long)]
        until: Option<String>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct UsersArgs {
    #[command(subcommand)]
    pub action: UsersAction,
    #[command(flatten)]
    pub location: DatabaseLocation,
    /// The server's public URL, to print a full reset link [default: a path to open on the server].
    #[arg(long, env = "ENVKEEP_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Root key [default: <data-dir>/root.key]; changes are audited, and the audit chain is keyed by it.
    #[arg(long, env = "ENVKEEP_ROOT_KEY", hide_env_values = true, global = true)]
    pub root_key: Option<String>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UsersAction {
    /// Every user with role, MFA and creation time.
    List,
    /// Print a one-time link (24 hours) that sets a new password for EMAIL.
    ResetPassword { email: String },
    /// Remove EMAIL's authenticator and recovery codes, so they can log in with the password alone.
    ResetMfa { email: String },
}

/// Where the database lives: every command that opens it takes these two flags (global, so they
/// may also follow a subcommand such as `envkeep audit verify --data-dir …`).
#[derive(Debug, Clone, Args)]
pub struct DatabaseLocation {
    /// Directory for the database and the root key file.
    #[arg(
        long,
        env = "ENVKEEP_DATA_DIR",
        default_value = "./data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// SQLite database file [default: <data-dir>/envkeep.db].
    #[arg(long, env = "ENVKEEP_DATABASE", global = true)]
    pub database: Option<PathBuf>,
}

impl DatabaseLocation {
    /// `--database` when given, else `envkeep.db` in the data directory.
    pub fn database_path(&self) -> PathBuf {
        database_path(&self.data_dir, self.database.as_ref())
    }
}

/// `--database` when given, else `envkeep.db` in the data directory (serve and backup agree).
pub fn database_path(data_dir: &std::path::Path, database: Option<&PathBuf>) -> PathBuf {
    database
        .cloned()
        .unwrap_or_else(|| data_dir.join("envkeep.db"))
}

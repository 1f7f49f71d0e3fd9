//! Flags of the client subcommands (`envkeep run`, `envkeep secrets ...`). Every setting also
//! reads an `ENVKEEP_*` variable, so a CI job or container only sets the environment.

use super::exit::{RUN_HELP, SECRETS_HELP};
use super::source::{Reading, Wire};
use crate::domain::Depth;
use clap::{Args, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// Where the server is and what to read: shared by `run` and every `secrets` command.
#[derive(Clone, Args)]
pub struct ConnectionArgs {
    /// The full service token `st.<id>.<secret>.<key>`. Only `st.<id>.<secret>` is sent to the
    /// server; the key part stays on this machine (it is used by --e2ee).
    #[arg(long, env = "ENVKEEP_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,
    /// A machine identity's client id (Universal Auth), with --client-secret, instead of a token.
    #[arg(long, env = "ENVKEEP_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// The machine identity's client secret.
    #[arg(
        long,
        env = "ENVKEEP_CLIENT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub client_secret: Option<String>,
    /// Base URL of the server, e.g. https://secrets.example.com [default: http://127.0.0.1:8080].
    #[arg(long, env = "ENVKEEP_URL", global = true)]
    pub url: Option<String>,
    /// Environment slug [default: the environment of the token's only scope].
    #[arg(long, env = "ENVKEEP_ENV", global = true)]
    pub env: Option<String>,
    /// Folder path [default: the path of the token's only scope when it is not a glob, else /].
    #[arg(long, env = "ENVKEEP_PATH", global = true)]
    pub path: Option<String>,
    /// Project id [default: the token's project, asked from the server].
    #[arg(long, env = "ENVKEEP_PROJECT", global = true)]
    pub project: Option<String>,
    /// PEM file of CA certificates to trust instead of the bundled public roots (for a server
    /// whose certificate comes from a private CA).
    #[arg(long, env = "ENVKEEP_CA_CERT", global = true)]
    pub ca_cert: Option<PathBuf>,
    /// Give up on the server after this many seconds.
    #[arg(long, env = "ENVKEEP_TIMEOUT", default_value_t = 30, global = true)]
    pub timeout: u64,
}

impl std::fmt::Debug for ConnectionArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionArgs")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("url", &self.url)
            .field("env", &self.env)
            .field("path", &self.path)
            .field("project", &self.project)
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

/// How secrets are fetched.
#[derive(Debug, Clone, Args)]
pub struct FetchArgs {
    /// Include the secrets of every folder below the path (deeper folders win on equal keys).
    #[arg(long)]
    pub recursive: bool,
    /// Fetch the end-to-end-encrypted shape (/api/v3/secrets) and decrypt it here with the
    /// token's key part.
    #[arg(long)]
    pub e2ee: bool,
    /// Read values as stored: leave secret references (`${KEY}`, `${env.a.b.KEY}`) unexpanded
    /// (by default the server expands them through the token's read access).
    #[arg(long)]
    pub no_expand: bool,
    /// Add the secrets of the folder's imports: a local secret wins, then the last import that
    /// has the name.
    #[arg(long)]
    pub include_imports: bool,
}

impl FetchArgs {
    pub fn depth(&self) -> Depth {
        Depth::recursive_if(self.recursive)
    }

    pub fn reading(&self) -> Reading {
        Reading {
            depth: self.depth(),
            expand: !self.no_expand,
            include_imports: self.include_imports,
        }
    }

    pub fn wire(&self) -> Wire {
        Wire::end_to_end_if(self.e2ee)
    }
}

#[derive(Debug, Clone, Args)]
#[command(after_help = RUN_HELP, override_usage = "envkeep run [OPTIONS] -- <COMMAND> [ARGS]...")]
pub struct RunArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub fetch: FetchArgs,
    /// Let secrets replace variables already set in the environment (by default those win).
    #[arg(long = "override")]
    pub override_existing: bool,
    #[command(flatten)]
    pub child: ChildEnvArgs,
    #[command(flatten)]
    pub watch: WatchArgs,
    #[command(flatten)]
    pub fallback: FallbackArgs,
    /// The command and its arguments (put them after `--`).
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<OsString>,
}

#[derive(Debug, Clone, Args)]
#[command(after_help = SECRETS_HELP)]
pub struct SecretsArgs {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(subcommand)]
    pub action: SecretsAction,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SecretsAction {
    /// List the secrets at the path (a table; --json for scripts).
    List {
        #[command(flatten)]
        fetch: FetchArgs,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print one secret's value.
    Get {
        name: String,
        /// Print the secret as a JSON object instead of its bare value.
        #[arg(long)]
        json: bool,
        /// Decrypt locally from the end-to-end-encrypted shape.
        #[arg(long)]
        e2ee: bool,
    },
    /// Create or update a secret (needs a token with write permission).
    Set {
        name: String,
        /// The value; omit it (or give `-`) to read it from stdin, so it stays out of shell history.
        /// One trailing newline is removed from stdin.
        value: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Delete a secret (needs a token with write permission).
    Delete {
        name: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the secrets in a file format.
    Export {
        #[command(flatten)]
        fetch: FetchArgs,
        #[arg(long, value_enum, default_value = "dotenv")]
        format: ExportFormat,
        /// Write to this file (created with mode 0600) instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Import a dotenv, JSON or YAML file into the folder in one transaction (needs write
    /// permission); prints what was created, overwritten, left unchanged and skipped.
    Import(ImportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The file to read, or `-` for stdin.
    pub file: PathBuf,
    /// Replace the values of names that already exist (by default they are left as they are
    /// and reported as skipped).
    #[arg(long)]
    pub overwrite: bool,
    /// Ask the server what the import would do, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The file's format [default: json for *.json, yaml for *.yaml and *.yml, else dotenv].
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Print the server's answer as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What `secrets import` reads: the formats `secrets export` writes, except shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// KEY=value lines: single, double or no quotes, `export`, comments, multi-line quoted
    /// values; `$NAME` is never expanded.
    Dotenv,
    /// One JSON object of names to string values.
    Json,
    /// One YAML mapping of names to string values.
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// KEY="value" lines, one per variable (dotenvy's syntax).
    Dotenv,
    /// One JSON object of names to values.
    Json,
    /// One YAML mapping of names to values.
    Yaml,
    /// export KEY='value' lines for `source` or `eval` in a POSIX shell.
    Shell,
}

/// What else the command's environment may hold.
#[derive(Debug, Clone, Args)]
pub struct ChildEnvArgs {
    /// Pass ENVKEEP_TOKEN on to the command (by default it is removed from the command's
    /// environment, so the application never holds the token).
    #[arg(long)]
    pub keep_token: bool,
    /// Accept this secret name although it is one of the refused loader and shell-startup
    /// variables (LD_PRELOAD, NODE_OPTIONS, ...; see README). Repeat for several.
    #[arg(long = "allow-env", value_name = "NAME")]
    pub allow_env: Vec<String>,
}

/// `--watch`: keep polling and restart (or signal) the command when its secrets change.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Keep polling the server (a 304 costs it nothing) and, when a secret in the command's
    /// environment changes, restart the command with the new values (or signal it, see
    /// --watch-signal). Changed names are logged, never values.
    #[arg(long)]
    pub watch: bool,
    /// Time between polls (humantime: 500ms, 10s, 1m); an unreachable server is retried with a
    /// growing delay while the command keeps running.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "10s")]
    pub watch_interval: Duration,
    /// TERM: stop the command (SIGTERM, then SIGKILL after --watch-grace) and start it again
    /// with the new values. HUP: only send SIGHUP; a running process cannot receive a new
    /// environment, so use HUP for programs that re-read their configuration from elsewhere.
    #[arg(
        long,
        value_name = "SIGNAL",
        value_enum,
        ignore_case = true,
        default_value = "TERM"
    )]
    pub watch_signal: WatchSignal,
    /// How long the command may take to stop after SIGTERM before it is killed.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "10s")]
    pub watch_grace: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchSignal {
    /// Restart the command with the new environment.
    #[value(name = "TERM")]
    Term,
    /// Send SIGHUP and keep the command running.
    #[value(name = "HUP")]
    Hup,
}

/// `--fallback-cache`: run from the last good answer while the server cannot be reached.
#[derive(Debug, Clone, Args)]
pub struct FallbackArgs {
    /// Keep the last successful answer in this file (sealed with a key derived from the token's
    /// key part, mode 0600) and, when the server cannot be reached (connection, DNS, TLS,
    /// timeout, 502/503/504; never a refusal), run the command with it, with a warning giving
    /// its age [default path: $XDG_CACHE_HOME/envkeep/<token id>-<hash of the request>].
    #[arg(long, value_name = "PATH", num_args = 0..=1)]
    pub fallback_cache: Option<Option<PathBuf>>,
    /// Refuse a cached answer older than this (humantime: 30m, 24h, 7d).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, default_value = "24h")]
    pub fallback_max_age: Duration,
}

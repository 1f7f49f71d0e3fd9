//! Building and running the application. `build` binds the listener first (port 0 in tests, so
//! tests never wait for a server), opens the store, checks the root key, bootstraps the first
//! admin or logs a setup code, and starts the background jobs. A read replica (`--replica`)
//! is built by `replica` instead: no data directory, no migrations, no bootstrap, no jobs that
//! write.

mod replica;

use crate::auth::preauth::PreauthTokens;
use crate::config::Config;
use crate::config::Settings;
use crate::crypto::root_key::{self, KeySource};
use crate::crypto::Key32;
use crate::db::{files, meta, Checkpoint, Db};
use crate::jobs::{background, scheduler};
use crate::routes::{self, headers::security_headers};
use crate::service::accounts;
use crate::state::AppState;
use crate::store::denials::Close;
use crate::store::{Bounds, Store};
use actix_web::dev::Server;
use actix_web::middleware::{Condition, NormalizePath, TrailingSlash};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartupError(pub String);

impl StartupError {
    fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    jobs: Vec<tokio::task::JoinHandle<()>>,
}

/// The root key from the environment, the key file, or a new one; a database that was sealed
/// before but whose key is missing is refused rather than given a fresh key.
fn load_root_key(config: &Config, db: &Db) -> Result<(Key32, KeySource), StartupError> {
    if let Some(key) = &config.root_key {
        return Ok((key.clone(), KeySource::Environment));
    }
    let path = config.root_key_file();
    if let Some(key) = root_key::read_file(&path).map_err(|e| StartupError::new(e.to_string()))? {
        return Ok((key, KeySource::File));
    }
    let sealed_before = db
        .read_blocking(|conn| meta::get(conn, meta::ROOT_KEY_CHECK))
        .map_err(|e| StartupError::new(e.to_string()))?
        .is_some();
    if sealed_before {
        return Err(StartupError::new(format!(
            "this database was created with a root key, but none was found: set ENVKEEP_ROOT_KEY or restore {}",
            path.display()
        )));
    }
    let key = root_key::generate_into(&path).map_err(|e| StartupError::new(e.to_string()))?;
    Ok((key, KeySource::Generated))
}

/// Warns about a data directory or database file that other users may read: the directory
/// holds the root key, and an operator-made one is often 0755.
fn warn_if_shared(config: &Config) {
    for (what, path) in [
        ("data directory", &config.data_dir),
        ("database file", &config.database),
    ] {
        if let Some(mode) = files::shared_mode(path) {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "the {what} is open to other users; make it owner-only (chmod {})",
                if path.is_dir() { "700" } else { "600" }
            );
        }
    }
}

/// What handlers read at request time.
fn settings(config: &Config) -> Settings {
    Settings {
        session_ttl: config.session_ttl,
        public_url: config.public_url.clone(),
        secure_cookies: config.is_https(),
        trusted_proxies: config.trusted_proxies.clone(),
        primary_url: config
            .replica
            .as_ref()
            .map(|r| r.source.primary_url.clone()),
        require_mfa: config.require_mfa,
    }
}

fn bounds(config: &Config) -> Bounds {
    Bounds {
        limits: config.limits,
        listing_memory: config.listing_memory,
        listing_wait: config.listing_wait,
    }
}

/// Binds the listener and starts the HTTP server on it (it serves once awaited).
fn listen(config: &Config, state: &web::Data<AppState>) -> Result<(u16, Server), StartupError> {
    let listener = TcpListener::bind(config.bind).map_err(|e| {
        StartupError::new(format!(
            "cannot listen on {} (ENVKEEP_BIND): {e}",
            config.bind
        ))
    })?;
    let port = listener
        .local_addr()
        .map_err(|e| StartupError::new(e.to_string()))?
        .port();
    if !config.bind.ip().is_loopback() && !config.is_https() {
        tracing::warn!(
            bind = %config.bind,
            "listening beyond loopback without an https ENVKEEP_PUBLIC_URL: tokens and passwords would cross the network in clear; put a TLS proxy in front"
        );
    }
    let https = config.is_https();
    let replica = config.replica.is_some();
    let server_state = state.clone();
    let server = HttpServer::new(move || {
        App::new()
            .app_data(server_state.clone())
            .wrap(actix_web::middleware::from_fn(
                routes::json_guard::limit_depth,
            ))
            // Inside the security headers and the request log, so its refusals get both.
            .wrap(Condition::new(
                replica,
                actix_web::middleware::from_fn(routes::replica::serve_reads_only),
            ))
            .wrap(security_headers(https))
            // Outside every other middleware but path normalisation, so each answer is
            // logged once, with its final status, and names its request.
            .wrap(actix_web::middleware::from_fn(
                routes::request_log::log_request,
            ))
            // Infisical's server ignores trailing slashes; so do we, on every route.
            .wrap(NormalizePath::new(TrailingSlash::Trim))
            .configure(routes::configure)
    })
    .workers(config.workers)
    .shutdown_timeout(10)
    .listen(listener)
    .map_err(|e| StartupError::new(format!("cannot start the HTTP server: {e}")))?
    .run();

    Ok((port, server))
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartupError> {
        if let Some(replica) = config.replica.clone() {
            return replica::build(config, replica);
        }
        files::create_private_dir(&config.data_dir).map_err(|e| {
            StartupError::new(format!(
                "cannot create the data directory {}: {e}",
                config.data_dir.display()
            ))
        })?;
        warn_if_shared(&config);
        let db = Db::open(&config.database, config.durability)
            .map_err(|e| StartupError::new(e.to_string()))?;
        let (root_key, source) = load_root_key(&config, &db)?;
        match source {
            KeySource::Generated => tracing::warn!(
                file = %config.root_key_file().display(),
                "generated a new root key; back it up: without it the secrets cannot be decrypted"
            ),
            KeySource::File => {
                tracing::info!(file = %config.root_key_file().display(), "root key loaded from file")
            }
            KeySource::Environment => tracing::info!("root key loaded from ENVKEEP_ROOT_KEY"),
        }
        let preauth = PreauthTokens::new(&root_key);
        let store = Store::new(db, root_key, bounds(&config));
        store.set_token_usage(config.token_usage);
        store.set_session_idle(config.session_idle);
        store
            .verify_root_key_blocking()
            .map_err(StartupError::new)?;
        let state = web::Data::new(AppState::new(
            store,
            settings(&config),
            config.auth_failure_limit,
            preauth,
        ));
        Self::bootstrap_admin(&config, &state).await?;

        let (port, server) = listen(&config, &state)?;

        let mut jobs = vec![
            tokio::spawn(background::run_health_probe(
                state.store.clone(),
                state.health.clone(),
            )),
            tokio::spawn(background::run_buffer_flusher(
                state.store.clone(),
                config.last_used_flush_interval,
            )),
        ];
        match config.sweep_schedule.clone() {
            Some(schedule) => {
                tracing::info!(schedule = %schedule, "expiry sweep scheduled");
                jobs.push(tokio::spawn(scheduler::run_sweep_loop(
                    state.store.clone(),
                    schedule,
                )));
            }
            None => tracing::warn!(
                "expiry sweep is off (ENVKEEP_SWEEP_SCHEDULE); expired tokens are still refused"
            ),
        }
        jobs.push(tokio::spawn(scheduler::run_audit_loop(
            state.store.clone(),
            config.audit_retention,
        )));
        if let Some(backups) = config.backups.clone() {
            tracing::info!(schedule = %backups.schedule, dir = %backups.dir.display(), keep = backups.keep, "backups scheduled");
            jobs.push(tokio::spawn(scheduler::run_backup_loop(
                state.store.clone(),
                state.health.clone(),
                backups,
            )));
        }
        tracing::info!(address = %config.bind, port, database = %config.database.display(), "envkeep listening");
        Ok(Self {
            port,
            server,
            state,
            jobs,
        })
    }

    async fn bootstrap_admin(config: &Config, state: &AppState) -> Result<(), StartupError> {
        let users = accounts::user_count_blocking(&state.store).map_err(StartupError::new)?;
        if users > 0 {
            return Ok(());
        }
        if let Some(admin) = &config.admin {
            accounts::bootstrap_admin(&state.store, &state.hasher, &admin.email, &admin.password)
                .await
                .map_err(StartupError::new)?;
            tracing::info!(
                email = admin.email.as_str(),
                "created the first admin from ENVKEEP_ADMIN_EMAIL"
            );
            return Ok(());
        }
        let code = state.setup.issue();
        let url = config.public_url.clone().unwrap_or_else(|| {
            format!("http://{}", crate::healthcheck::probe_address(config.bind))
        });
        tracing::info!("no admin exists yet: open {url}/setup and enter the setup code");
        // The one line the README tells newcomers to look for.
        tracing::info!("setup code: {code}");
        Ok(())
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server gracefully when asked (tests use it to restart on the same data dir).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until stopped (SIGTERM stops gracefully: in-flight requests complete; SIGINT at
    /// once), then
    /// writes buffered last-use times and the aggregates of spent denial-audit budgets, and
    /// checkpoints the WAL.
    pub async fn run(self) -> std::io::Result<()> {
        let result = self.server.await;
        for job in &self.jobs {
            job.abort();
        }
        if self.state.store.is_replica() {
            tracing::info!("stopped (a replica has nothing to write)");
            return result;
        }
        background::flush_last_used(&self.state.store).await;
        background::flush_token_usage(&self.state.store).await;
        background::close_denial_windows(&self.state.store, Close::All).await;
        let store = self.state.store.clone();
        let checkpoint = tokio::task::spawn_blocking(move || {
            store.checkpoint_blocking(crate::db::SHUTDOWN_CHECKPOINT_WAIT)
        })
        .await
        .unwrap_or_else(|e| Err(crate::db::DbError::Other(e.to_string())));
        match checkpoint {
            Ok(Checkpoint::Complete) => {
                tracing::info!("stopped; database checkpointed, the WAL is empty")
            }
            // A replicator such as Litestream keeps a read transaction open and checkpoints on
            // its own schedule; nothing is lost, the WAL stays beside the database.
            Ok(Checkpoint::Incomplete { frames, copied }) => tracing::warn!(
                wal_frames = frames,
                copied_frames = copied,
                "stopped; checkpoint incomplete: another connection (a replicator such as Litestream?) held the WAL, which stays beside the database and is replayed at next start"
            ),
            Err(e) => {
                tracing::warn!(error = %e, "stopped; WAL checkpoint failed (the WAL is replayed at next start)")
            }
        }
        result
    }
}

//! Building a read replica (`envkeep serve --replica`, README "Read replicas"): the database
//! read through the Litestream VFS, the root key from `ENVKEEP_ROOT_KEY` or the data directory
//! (read, never created), and only the jobs that write nothing: the database probe and the
//! position watcher. No migrations, no bootstrap, no setup code, no write-lock probe, no sweep,
//! retention, backups, or flushes.

use super::{bounds, listen, settings, Application, StartupError};
use crate::auth::preauth::PreauthTokens;
use crate::config::{Config, ReplicaConfig};
use crate::crypto::root_key;
use crate::crypto::Key32;
use crate::db::Db;
use crate::jobs::{background, replica as watch};
use crate::state::AppState;
use crate::store::Store;
use actix_web::web;

/// The primary's root key: a replica cannot make one, and writes none.
fn root_key(config: &Config) -> Result<Key32, StartupError> {
    if let Some(key) = &config.root_key {
        tracing::info!("root key loaded from ENVKEEP_ROOT_KEY");
        return Ok(key.clone());
    }
    let path = config.root_key_file();
    match root_key::read_file(&path) {
        Ok(Some(key)) => {
            tracing::info!(file = %path.display(), "root key loaded from file");
            Ok(key)
        }
        Ok(None) => Err(StartupError::new(format!(
            "a replica needs the primary's root key: set ENVKEEP_ROOT_KEY or put it in {}",
            path.display()
        ))),
        Err(e) => Err(StartupError::new(e.to_string())),
    }
}

pub(super) fn build(config: Config, replica: ReplicaConfig) -> Result<Application, StartupError> {
    let root_key = root_key(&config)?;
    let db = Db::open_replica(&replica.source).map_err(|e| StartupError::new(e.to_string()))?;
    let preauth = PreauthTokens::new(&root_key);
    let store = Store::new(db, root_key, bounds(&config));
    // A replica writes nothing: its tokens' uses are not counted (usage is the primary's).
    store.set_token_usage(false);
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
    state.health.start_as_replica();
    let (port, server) = listen(&config, &state)?;
    let jobs = vec![
        tokio::spawn(background::run_health_probe(
            state.store.clone(),
            state.health.clone(),
        )),
        tokio::spawn(watch::run_replica_watch(
            state.store.clone(),
            state.health.clone(),
            replica.max_lag,
        )),
    ];
    tracing::info!(
        address = %config.bind,
        port,
        role = "replica",
        primary = %replica.source.primary_url,
        max_lag_secs = replica.max_lag.as_secs(),
        "envkeep listening"
    );
    Ok(Application {
        port,
        server,
        state,
        jobs,
    })
}

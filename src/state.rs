//! Everything handlers share, built once by `startup` and passed as `web::Data<AppState>`:
//! the Store (stored data and its caches), the auth pieces services take beside it, settings,
//! and the health flag the probe job keeps.

use crate::auth::password::PasswordHasher;
use crate::auth::preauth::PreauthTokens;
use crate::auth::setup::SetupCode;
use crate::auth::throttle::{AccountDelays, FailureThrottle};
use crate::config::Settings;
use crate::jobs::Health;
use crate::service::accounts::Guards;
use crate::service::reveal::Reveals;
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// How many large request bodies (secret batches, up to 1 MiB each) may be held in memory at
/// once; the others wait for a turn before their bodies are read, so parallel uploads cannot
/// add up to more than this many bodies and their parsed entries.
pub const LARGE_BODIES_AT_ONCE: usize = 4;

pub struct AppState {
    pub store: Store,
    pub settings: Settings,
    pub throttle: FailureThrottle,
    pub account_delays: AccountDelays,
    pub hasher: PasswordHasher,
    pub setup: SetupCode,
    /// Signs and checks the login and setup forms' pre-session tokens.
    pub preauth: PreauthTokens,
    /// Freshly minted tokens waiting for their one view in the admin UI.
    pub reveals: Reveals,
    pub health: Arc<Health>,
    /// Turns for reading a large body ([`LARGE_BODIES_AT_ONCE`]).
    pub large_bodies: Semaphore,
}

impl AppState {
    pub fn new(
        store: Store,
        settings: Settings,
        auth_failure_limit: u32,
        preauth: PreauthTokens,
    ) -> Self {
        Self {
            store,
            settings,
            throttle: FailureThrottle::new(auth_failure_limit),
            account_delays: AccountDelays::default(),
            hasher: PasswordHasher::default(),
            setup: SetupCode::default(),
            preauth,
            reveals: Reveals::default(),
            health: Arc::new(Health::default()),
            large_bodies: Semaphore::new(LARGE_BODIES_AT_ONCE),
        }
    }

    /// What the account use cases (setup, login) need beside the Store.
    pub fn guards(&self) -> Guards<'_> {
        Guards {
            throttle: &self.throttle,
            account_delays: &self.account_delays,
            hasher: &self.hasher,
            setup: &self.setup,
            session_ttl: self.settings.session_ttl,
        }
    }
}

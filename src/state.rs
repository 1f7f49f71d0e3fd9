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

//! Everything handlers share, built once by `startup` and passed as `web::Data<AppState>`.

use crate::auth::last_used::LastUsed;
use crate::auth::password::PasswordHasher;
use crate::auth::throttle::{AccountDelays, FailureThrottle};
use crate::auth::token_cache::TokenCache;
use crate::crypto::{random, Key32};
use crate::db::Db;
use crate::service::denials::DenialAudit;
use crate::service::keys::Keyring;
use ipnet::IpNet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use subtle::ConstantTimeEq;

/// Settings handlers read at request time.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_ttl: Duration,
    pub public_url: Option<String>,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<IpNet>,
}

pub struct AppState {
    pub db: Db,
    pub keys: Keyring,
    pub settings: Settings,
    pub throttle: FailureThrottle,
    pub account_delays: AccountDelays,
    pub hasher: PasswordHasher,
    pub tokens: TokenCache,
    pub last_used: LastUsed,
    pub denials: DenialAudit,
    healthy: AtomicBool,
    setup_code: Mutex<Option<String>>,
}

impl AppState {
    pub fn new(db: Db, root_key: Key32, settings: Settings, auth_failure_limit: u32) -> Self {
        Self {
            db,
            keys: Keyring::new(root_key),
            settings,
            throttle: FailureThrottle::new(auth_failure_limit),
            account_delays: AccountDelays::default(),
            hasher: PasswordHasher::default(),
            tokens: TokenCache::default(),
            last_used: LastUsed::default(),
            denials: DenialAudit::default(),
            healthy: AtomicBool::new(true),
            setup_code: Mutex::new(None),
        }
    }

    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    pub fn set_healthy(&self, healthy: bool) {
        self.healthy.store(healthy, Ordering::Relaxed);
    }

    /// Creates the one-time setup code (first run with no users) and returns it for the log.
    pub fn issue_setup_code(&self) -> String {
        let code = random::hex16()[..12].to_owned();
        *self.setup_code.lock().unwrap_or_else(|p| p.into_inner()) = Some(code.clone());
        code
    }

    /// The pending setup code, if setup is still open (for the start-up log line and tests).
    pub fn setup_code(&self) -> Option<String> {
        self.setup_code
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn setup_open(&self) -> bool {
        self.setup_code
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    pub fn setup_code_matches(&self, presented: &str) -> bool {
        match self
            .setup_code
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_deref()
        {
            Some(code) => code.as_bytes().ct_eq(presented.trim().as_bytes()).into(),
            None => false,
        }
    }

    /// Closes setup for good once a user exists.
    pub fn close_setup(&self) {
        *self.setup_code.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

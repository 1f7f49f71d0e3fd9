//! `envkeep run`/`secrets` as a machine identity (`ENVKEEP_CLIENT_ID` + `ENVKEEP_CLIENT_SECRET`):
//! a Universal Auth login gives the access token sent as the bearer; it is renewed once two
//! thirds of its TTL have passed, and a renewal the server refuses (past the max TTL, used up)
//! falls back on a new login. The token lives only in this process.

use super::exit::ClientError;
use serde::Deserialize;
use std::cell::RefCell;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Issued {
    pub access_token: String,
    pub expires_in: u64,
}

struct Current {
    token: Zeroizing<String>,
    renew_at: Option<Instant>,
    expires_at: Option<Instant>,
}

/// The identity's current access token, if logged in.
#[derive(Default)]
pub struct Session {
    current: RefCell<Option<Current>>,
}

/// What the session needs from the transport: a login and a renewal.
pub trait Exchange {
    fn login(&self) -> Result<Issued, ClientError>;
    fn renew(&self, token: &str) -> Result<Issued, ClientError>;
}

impl Session {
    /// The bearer to send now: logs in or renews first when due.
    pub fn bearer(&self, exchange: &impl Exchange) -> Result<Zeroizing<String>, ClientError> {
        let now = Instant::now();
        let due = {
            let current = self.current.borrow();
            match current.as_ref() {
                None => Due::Login,
                Some(c) if c.expires_at.is_some_and(|at| now >= at) => Due::Login,
                Some(c) if c.renew_at.is_some_and(|at| now >= at) => Due::Renew(c.token.clone()),
                Some(c) => return Ok(c.token.clone()),
            }
        };
        let issued = match due {
            Due::Login => exchange.login()?,
            Due::Renew(token) => match exchange.renew(&token) {
                Ok(issued) => issued,
                Err(_) => exchange.login()?,
            },
        };
        let token = Zeroizing::new(issued.access_token);
        let ttl = (issued.expires_in > 0).then(|| Duration::from_secs(issued.expires_in));
        *self.current.borrow_mut() = Some(Current {
            token: token.clone(),
            renew_at: ttl.map(|t| now + t * 2 / 3),
            expires_at: ttl.map(|t| now + t),
        });
        Ok(token)
    }
}

enum Due {
    Login,
    Renew(Zeroizing<String>),
}

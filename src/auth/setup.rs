//! The one-time setup code: on first start with no users, the log carries it, and whoever can
//! read the log may create the first admin with it. Closed for good once a user exists.

use crate::crypto::random;
use std::sync::Mutex;
use subtle::ConstantTimeEq;

#[derive(Default)]
pub struct SetupCode {
    code: Mutex<Option<String>>,
}

impl SetupCode {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.code.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates the code (first run with no users) and returns it for the log.
    pub fn issue(&self) -> String {
        let code = random::hex16()[..12].to_owned();
        *self.lock() = Some(code.clone());
        code
    }

    /// The pending code, if setup is still open (for the start-up log line and tests).
    pub fn pending(&self) -> Option<String> {
        self.lock().clone()
    }

    pub fn is_open(&self) -> bool {
        self.lock().is_some()
    }

    /// Constant-time comparison with the pending code; false once setup is closed.
    pub fn matches(&self, presented: &str) -> bool {
        match self.lock().as_deref() {
            Some(code) => code.as_bytes().ct_eq(presented.trim().as_bytes()).into(),
            None => false,
        }
    }

    /// Closes setup for good once a user exists.
    pub fn close(&self) {
        *self.lock() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_matches_until_setup_closes() {
        let setup = SetupCode::default();
        assert!(!setup.matches(""), "no code before one is issued");
        let code = setup.issue();
        assert!(setup.matches(&format!(" {code} ")));
        assert!(!setup.matches("000000000000"));
        setup.close();
        assert!(!setup.is_open());
        assert!(!setup.matches(&code));
    }
}

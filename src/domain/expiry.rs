//! `expiresIn`: whole seconds from 60 to 315,360,000 (ten years), or never.

use super::Invalid;
use crate::time::Millis;

pub const MIN_SECONDS: i64 = 60;
pub const MAX_SECONDS: i64 = 315_360_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiresIn {
    Never,
    Seconds(i64),
}

impl ExpiresIn {
    /// Parses the JSON value of `expiresIn`: a number of seconds or `null`.
    pub fn from_json(value: &serde_json::Value) -> Result<Self, Invalid> {
        match value {
            serde_json::Value::Null => Ok(Self::Never),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(s) => Self::seconds(s),
                None => Err(Invalid::new("must be a whole number of seconds or null")),
            },
            _ => Err(Invalid::new("must be a whole number of seconds or null")),
        }
    }

    pub fn seconds(s: i64) -> Result<Self, Invalid> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&s) {
            return Err(Invalid::new(format!(
                "must be between {MIN_SECONDS} and {MAX_SECONDS} seconds, or null for never (got {s})"
            )));
        }
        Ok(Self::Seconds(s))
    }

    /// The expiry instant for a token created at `now`.
    pub fn expires_at(self, now: Millis) -> Option<Millis> {
        match self {
            Self::Never => None,
            Self::Seconds(s) => Some(now + s * 1000),
        }
    }
}

/// A token with `expires_at` is expired once the clock reaches it.
pub fn is_expired(expires_at: Option<Millis>, now: Millis) -> bool {
    matches!(expires_at, Some(at) if now >= at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_the_documented_range_and_null() {
        assert_eq!(
            ExpiresIn::from_json(&json!(null)).unwrap(),
            ExpiresIn::Never
        );
        assert_eq!(
            ExpiresIn::from_json(&json!(60)).unwrap(),
            ExpiresIn::Seconds(60)
        );
        assert_eq!(
            ExpiresIn::from_json(&json!(315_360_000)).unwrap(),
            ExpiresIn::Seconds(315_360_000)
        );
        for bad in [
            json!(59),
            json!(0),
            json!(-1),
            json!(315_360_001),
            json!(1.5),
            json!("60"),
            json!(true),
        ] {
            assert!(ExpiresIn::from_json(&bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn expiry_arithmetic() {
        let now = 1_700_000_000_000;
        assert_eq!(ExpiresIn::Seconds(60).expires_at(now), Some(now + 60_000));
        assert_eq!(ExpiresIn::Never.expires_at(now), None);
        assert!(!is_expired(None, i64::MAX));
        assert!(!is_expired(Some(now), now - 1));
        assert!(
            is_expired(Some(now), now),
            "expiry instant itself counts as expired"
        );
        assert!(is_expired(Some(now), now + 1));
    }
}

//! The id that ties a request's log lines, its `X-Request-Id` header and a 5xx body together.
//!
//! A proxy in front may already have named the request; its id is kept when it is short and plain
//! (it ends up in log lines and headers, so nothing that could forge a line or a header passes).
//! Anything else is replaced by a fresh id in the project's usual 32-hex form.

use crate::crypto::random;
use std::fmt;

/// At most this many characters of `[A-Za-z0-9_-]` are accepted from a client.
pub const MAX_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub fn generate() -> Self {
        Self(random::hex16())
    }

    /// An id presented by the client, or `None` when it is empty, too long or not plain.
    pub fn parse(presented: &str) -> Option<Self> {
        let plain = presented
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (plain && !presented.is_empty() && presented.len() <= MAX_LEN)
            .then(|| Self(presented.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_32_hex_and_distinct() {
        let a = RequestId::generate();
        assert_eq!(a.as_str().len(), 32);
        assert!(RequestId::parse(a.as_str()).is_some());
        assert_ne!(a, RequestId::generate());
    }

    #[test]
    fn only_short_plain_ids_are_accepted_from_a_client() {
        let longest = "a".repeat(MAX_LEN);
        for good in ["abc", "A-b_9", longest.as_str()] {
            assert_eq!(RequestId::parse(good).map(|id| id.0), Some(good.to_owned()));
        }
        let too_long = "a".repeat(MAX_LEN + 1);
        for bad in ["", "a b", "a\nb", "a\"b", "a.b", "é", too_long.as_str()] {
            assert_eq!(RequestId::parse(bad), None, "{bad:?}");
        }
    }
}

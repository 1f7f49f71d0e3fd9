//! Random identifiers and token material from the OS CSPRNG, and SHA-256 digests of them.

use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 16 random bytes as 32 lowercase hex characters: ids, token secrets and keys, project wire keys.
pub fn hex16() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// 32 random bytes as 64 lowercase hex characters: session tokens and CSRF tokens.
pub fn hex32() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// SHA-256 of a high-entropy secret. A slow hash buys nothing for 128 random bits and would cap
/// the hot path, so token secrets and session ids are stored as this digest.
pub fn sha256(input: &[u8]) -> [u8; 32] {
    Sha256::digest(input).into()
}

/// Compares a presented secret with a stored digest in constant time.
pub fn digest_matches(presented: &[u8], stored_digest: &[u8]) -> bool {
    sha256(presented).ct_eq(stored_digest).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lowercase_hex_and_distinct() {
        let a = hex16();
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_ne!(a, hex16());
    }

    #[test]
    fn digest_matches_only_the_same_secret() {
        let stored = sha256(b"0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a");
        assert!(digest_matches(b"0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a", &stored));
        assert!(!digest_matches(
            b"0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5b",
            &stored
        ));
        assert!(!digest_matches(b"", &stored));
        assert!(!digest_matches(
            b"0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a",
            &stored[..31]
        ));
    }
}

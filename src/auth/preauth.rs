//! Pre-session tokens for the login and setup forms (the double-submit token of
//! `routes::ui::auth::preauth`). Each is a random nonce and its HMAC-SHA256 under a key derived
//! from the root key, 64 hex characters in all, so the server accepts only a token it issued: a
//! value made up by whoever planted the cookie (from a sibling subdomain, or over plain HTTP)
//! fails, while every tab of one browser can share the token it was given.

use crate::crypto::Key32;
use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

const NONCE_LEN: usize = 16;
const TAG_LEN: usize = 16;
/// The one length issued and accepted: hex of the nonce and the tag.
pub const TOKEN_LEN: usize = 2 * (NONCE_LEN + TAG_LEN);
/// Separates this key from anything else ever derived from the root key.
const PURPOSE: &[u8] = b"envkeep pre-session form token v1";

/// HMAC-SHA256 keyed with a 32-byte key. HMAC zero-pads a key shorter than SHA-256's 64-byte
/// block; padding it here makes the constructor infallible.
fn hmac(key: &[u8; 32]) -> Hmac<Sha256> {
    let mut block = Zeroizing::new([0u8; 64]);
    block[..32].copy_from_slice(key);
    <Hmac<Sha256> as KeyInit>::new(GenericArray::from_slice(block.as_slice()))
}

pub struct PreauthTokens {
    key: Zeroizing<[u8; 32]>,
}

impl PreauthTokens {
    pub fn new(root_key: &Key32) -> Self {
        let mut mac = hmac(root_key.as_bytes());
        mac.update(PURPOSE);
        Self {
            key: Zeroizing::new(mac.finalize().into_bytes().into()),
        }
    }

    fn tag(&self, nonce: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = hmac(&self.key);
        mac.update(nonce);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&full[..TAG_LEN]);
        tag
    }

    pub fn issue(&self) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        format!("{}{}", hex::encode(nonce), hex::encode(self.tag(&nonce)))
    }

    /// Was `token` issued by this server (under this root key)?
    pub fn is_issued(&self, token: &str) -> bool {
        if token.len() != TOKEN_LEN {
            return false;
        }
        let Ok(bytes) = hex::decode(token) else {
            return false;
        };
        let (nonce, tag) = bytes.split_at(NONCE_LEN);
        self.tag(nonce).ct_eq(tag).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_padded_key_gives_standard_hmac() {
        let key = [7u8; 32];
        let mut ours = hmac(&key);
        ours.update(b"message");
        let mut reference = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
        reference.update(b"message");
        assert_eq!(
            ours.finalize().into_bytes(),
            reference.finalize().into_bytes()
        );
    }

    #[test]
    fn only_tokens_issued_under_the_same_root_key_are_accepted() {
        let tokens = PreauthTokens::new(&Key32::generate());
        let issued = tokens.issue();
        assert_eq!(issued.len(), TOKEN_LEN);
        assert!(tokens.is_issued(&issued));
        assert!(tokens.is_issued(&issued.to_uppercase()), "hex is hex");
        let mut flipped = issued.clone().into_bytes();
        flipped[TOKEN_LEN - 1] = if flipped[TOKEN_LEN - 1] == b'0' {
            b'1'
        } else {
            b'0'
        };
        assert!(!tokens.is_issued(&String::from_utf8(flipped).unwrap()));
        assert!(!tokens.is_issued(&issued[..32]));
        assert!(!tokens.is_issued(&"0".repeat(TOKEN_LEN)));
        assert!(!tokens.is_issued(&"z".repeat(TOKEN_LEN)));
        assert!(!PreauthTokens::new(&Key32::generate()).is_issued(&issued));
    }
}

//! XChaCha20-Poly1305 sealing for everything Envkeep stores encrypted.
//!
//! Layout of a sealed blob: 24-byte random nonce followed by ciphertext and 16-byte tag. The
//! associated data binds a blob to the row it belongs to, so a ciphertext copied into another row
//! fails to open instead of revealing the other row's value.

use super::CryptoError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use zeroize::{Zeroize, ZeroizeOnDrop};

pub const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// How many bytes [`Sealer::seal`] makes of `plain` bytes (nonce, ciphertext, tag): what a write
/// will store, known before anything is sealed.
pub const fn sealed_len(plain: usize) -> usize {
    NONCE_LEN + plain + TAG_LEN
}

/// A 32-byte symmetric key, wiped from memory on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct Key32([u8; 32]);

impl Key32 {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub fn try_from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
        let array: [u8; 32] = bytes.try_into().map_err(|_| {
            CryptoError::InvalidKey(format!("expected 32 bytes, got {}", bytes.len()))
        })?;
        Ok(Self(array))
    }

    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A ready cipher, so hot paths that open many values build it once.
    pub fn cipher(&self) -> Sealer {
        Sealer(XChaCha20Poly1305::new(self.0.as_ref().into()))
    }
}

impl std::fmt::Debug for Key32 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key32(<redacted>)")
    }
}

/// An initialised XChaCha20-Poly1305 cipher for one key.
#[derive(Clone)]
pub struct Sealer(XChaCha20Poly1305);

impl Sealer {
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and in-memory buffers cannot fail; an empty vector would be
        // refused on open, never silently accepted.
        let ciphertext = self
            .0
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        out
    }

    pub fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptoError::Malformed(
                "sealed value is shorter than nonce and tag",
            ));
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.0
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| CryptoError::Tampered("xchacha20poly1305"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: &Key32, plaintext: &[u8], aad: &[u8]) -> Vec<u8> {
        key.cipher().seal(plaintext, aad)
    }

    fn open(key: &Key32, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        key.cipher().open(sealed, aad)
    }

    #[test]
    fn round_trip_returns_the_plaintext() {
        let key = Key32::generate();
        let sealed = seal(&key, b"hunter2", b"row-1");
        assert_eq!(open(&key, &sealed, b"row-1").unwrap(), b"hunter2");
    }

    #[test]
    fn empty_plaintext_round_trips() {
        let key = Key32::generate();
        let sealed = seal(&key, b"", b"aad");
        assert_eq!(open(&key, &sealed, b"aad").unwrap(), b"");
    }

    #[test]
    fn wrong_key_fails_to_open() {
        let sealed = seal(&Key32::generate(), b"hunter2", b"row-1");
        assert_eq!(
            open(&Key32::generate(), &sealed, b"row-1"),
            Err(CryptoError::Tampered("xchacha20poly1305"))
        );
    }

    #[test]
    fn any_flipped_byte_fails_to_open() {
        let key = Key32::generate();
        let sealed = seal(&key, b"hunter2", b"row-1");
        for i in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[i] ^= 0x01;
            assert!(
                open(&key, &tampered, b"row-1").is_err(),
                "byte {i} flipped still opened"
            );
        }
    }

    #[test]
    fn swapped_associated_data_fails_to_open() {
        let key = Key32::generate();
        let sealed = seal(&key, b"hunter2", b"row-1");
        assert!(open(&key, &sealed, b"row-2").is_err());
    }

    #[test]
    fn sealed_len_is_the_length_seal_makes() {
        let key = Key32::generate();
        for plain in [&b""[..], b"x", &[7u8; 1000]] {
            assert_eq!(seal(&key, plain, b"aad").len(), sealed_len(plain.len()));
        }
    }

    #[test]
    fn every_seal_uses_a_fresh_nonce() {
        let key = Key32::generate();
        let a = seal(&key, b"same", b"aad");
        let b = seal(&key, b"same", b"aad");
        assert_ne!(a[..NONCE_LEN], b[..NONCE_LEN]);
        assert_ne!(a, b);
    }

    #[test]
    fn truncated_blob_is_malformed_not_a_panic() {
        let key = Key32::generate();
        assert!(matches!(
            open(&key, &[1, 2, 3], b""),
            Err(CryptoError::Malformed(_))
        ));
    }

    #[test]
    fn debug_never_shows_key_bytes() {
        let key = Key32::from_bytes([7u8; 32]);
        assert_eq!(format!("{key:?}"), "Key32(<redacted>)");
    }
}

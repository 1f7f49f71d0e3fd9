//! Cryptography: the root key, the XChaCha20-Poly1305 envelope for data at rest, random ids and
//! token material, and Infisical's AES-256-GCM wire format. Nothing here knows HTTP or SQL.

pub mod chain;
pub mod envelope;
pub mod random;
pub mod root_key;
pub mod wire;

pub use envelope::Key32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CryptoError {
    #[error("ciphertext failed authentication ({0})")]
    Tampered(&'static str),
    #[error("ciphertext is malformed ({0})")]
    Malformed(&'static str),
    #[error("invalid key: {0}")]
    InvalidKey(String),
}

//! Infisical's wire format: AES-256-GCM with a 16-byte IV and 16-byte tag, the key being the UTF-8
//! bytes of a 32-character hex string (reference §2). Used to wrap a project wire key for a
//! service token and for the end-to-end-encrypted secrets shape.

use super::CryptoError;
use aes_gcm::aead::consts::U16;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::aes::Aes256;
use aes_gcm::{AesGcm, Nonce};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rand::RngCore;

type Aes256Gcm16 = AesGcm<Aes256, U16>;

/// Standard-base64 ciphertext, IV and tag, as Infisical sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireCiphertext {
    pub ciphertext: String,
    pub iv: String,
    pub tag: String,
}

fn cipher(hex_key: &str) -> Result<Aes256Gcm16, CryptoError> {
    Aes256Gcm16::new_from_slice(hex_key.as_bytes())
        .map_err(|_| CryptoError::InvalidKey(String::from("wire key must be 32 bytes")))
}

pub fn encrypt(hex_key: &str, plaintext: &[u8]) -> Result<WireCiphertext, CryptoError> {
    let mut iv = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut iv);
    encrypt_with_iv(hex_key, plaintext, iv)
}

pub fn encrypt_with_iv(
    hex_key: &str,
    plaintext: &[u8],
    iv: [u8; 16],
) -> Result<WireCiphertext, CryptoError> {
    let mut sealed = cipher(hex_key)?
        .encrypt(Nonce::<U16>::from_slice(&iv), plaintext)
        .map_err(|_| CryptoError::Malformed("aes-gcm encryption failed"))?;
    let tag = sealed.split_off(sealed.len() - 16);
    Ok(WireCiphertext {
        ciphertext: STANDARD.encode(&sealed),
        iv: STANDARD.encode(iv),
        tag: STANDARD.encode(tag),
    })
}

pub fn decrypt(hex_key: &str, wire: &WireCiphertext) -> Result<Vec<u8>, CryptoError> {
    let decode = |s: &str| {
        STANDARD
            .decode(s)
            .map_err(|_| CryptoError::Malformed("invalid base64"))
    };
    let mut sealed = decode(&wire.ciphertext)?;
    let iv = decode(&wire.iv)?;
    let tag = decode(&wire.tag)?;
    if iv.len() != 16 || tag.len() != 16 {
        return Err(CryptoError::Malformed("iv and tag must be 16 bytes"));
    }
    sealed.extend_from_slice(&tag);
    cipher(hex_key)?
        .decrypt(Nonce::<U16>::from_slice(&iv), sealed.as_slice())
        .map_err(|_| CryptoError::Tampered("aes-256-gcm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT_KEY: &str = "5f1c6d7a0b2e4c8d9a3f1e2d4c6b8a09";
    const TOKEN_KEY: &str = "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8";

    fn iv_from(start: u8) -> [u8; 16] {
        std::array::from_fn(|i| start + i as u8)
    }

    #[test]
    fn wraps_the_project_key_exactly_as_the_reference_example() {
        let wire = encrypt_with_iv(TOKEN_KEY, PROJECT_KEY.as_bytes(), iv_from(0)).unwrap();
        assert_eq!(
            wire.ciphertext,
            "3BSVXf9l2779s26ZhOJ6QHWvdivCKLw5QIMSCQvPOac="
        );
        assert_eq!(wire.iv, "AAECAwQFBgcICQoLDA0ODw==");
        assert_eq!(wire.tag, "9vU47avl+DHtwFgbSCbQpg==");
    }

    #[test]
    fn encrypts_secret_fields_exactly_as_the_reference_example() {
        let key = encrypt_with_iv(PROJECT_KEY, b"DB_PASSWORD", iv_from(0xa0)).unwrap();
        assert_eq!(key.ciphertext, "Tq4eCLqjHEaiWXw=");
        assert_eq!(key.tag, "9BkCppwC4mIHDVej3RGqTA==");
        let value = encrypt_with_iv(PROJECT_KEY, b"hunter2", iv_from(0xb0)).unwrap();
        assert_eq!(value.ciphertext, "xl0fMRPXzw==");
        assert_eq!(value.tag, "5qZS0dlZKyJc9pm9mkYbVQ==");
        let comment = encrypt_with_iv(PROJECT_KEY, b"", iv_from(0xc0)).unwrap();
        assert_eq!(comment.ciphertext, "");
        assert_eq!(comment.tag, "nY2RVsgjb4zOhxH4y9OGGA==");
    }

    #[test]
    fn decrypt_reverses_encrypt_and_refuses_tampering() {
        let wire = encrypt(PROJECT_KEY, "héllo".as_bytes()).unwrap();
        assert_eq!(decrypt(PROJECT_KEY, &wire).unwrap(), "héllo".as_bytes());
        let mut bad = wire.clone();
        bad.tag = STANDARD.encode([0u8; 16]);
        assert!(decrypt(PROJECT_KEY, &bad).is_err());
        assert!(decrypt(TOKEN_KEY, &wire).is_err());
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        let bad = WireCiphertext {
            ciphertext: "!!".into(),
            iv: "".into(),
            tag: "".into(),
        };
        assert!(decrypt(PROJECT_KEY, &bad).is_err());
        assert!(encrypt("short", b"x").is_err());
    }
}

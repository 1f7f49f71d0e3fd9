//! The key and the link function of the audit log's hash chain (the row layout it links is in
//! `db::audit::chain`).
//!
//! `k = HKDF-SHA256(root key, info "envkeep audit v1")` (RFC 5869, no salt, 32 bytes), and each
//! row's `hash = HMAC-SHA256(k, previous hash ‖ canonical row)`. A keyed MAC rather than a bare
//! hash: whoever can write the database file but lacks the root key cannot re-sign the rows
//! after the one they changed.

use super::Key32;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

pub const INFO: &[u8] = b"envkeep audit v1";
/// What the first row of a chain links to.
pub const GENESIS: [u8; 32] = [0u8; 32];

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length; this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"))
}

/// HKDF-SHA256 with an empty salt and a 32-byte output: extract, then the first block of expand.
fn hkdf_sha256_32(ikm: &[u8], info: &[u8]) -> [u8; 32] {
    let mut extract = mac(&[0u8; 32]);
    extract.update(ikm);
    let prk: Zeroizing<[u8; 32]> = Zeroizing::new(extract.finalize().into_bytes().into());
    let mut expand = mac(prk.as_slice());
    expand.update(info);
    expand.update(&[1u8]);
    expand.finalize().into_bytes().into()
}

/// The chain key; redacted in `Debug`.
#[derive(Clone)]
pub struct ChainKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(<redacted>)")
    }
}

impl ChainKey {
    pub fn derive(root_key: &Key32) -> Self {
        Self(Zeroizing::new(hkdf_sha256_32(root_key.as_bytes(), INFO)))
    }

    /// `HMAC-SHA256(k, previous ‖ canonical)`.
    pub fn link(&self, previous: &[u8; 32], canonical: &[u8]) -> [u8; 32] {
        let mut m = mac(self.0.as_slice());
        m.update(previous);
        m.update(canonical);
        m.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hkdf_matches_rfc_5869_test_case_3() {
        // Test case 3: no salt, no info; the first 32 bytes of its 42-byte output.
        let okm = hkdf_sha256_32(&[0x0b; 22], b"");
        assert_eq!(
            hex::encode(okm),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
        );
    }

    #[test]
    fn a_link_depends_on_the_key_the_previous_hash_and_the_row() {
        let key = ChainKey::derive(&Key32::from_bytes([1; 32]));
        let other = ChainKey::derive(&Key32::from_bytes([2; 32]));
        let base = key.link(&GENESIS, b"row");
        assert_ne!(base, other.link(&GENESIS, b"row"));
        assert_ne!(base, key.link(&[9; 32], b"row"));
        assert_ne!(base, key.link(&GENESIS, b"rox"));
        assert_eq!(base, key.link(&GENESIS, b"row"));
    }
}

//! TOTP codes computed the way an authenticator app does (RFC 6238: HMAC-SHA-1, 6 digits, 30 s),
//! written here apart from the server's code so a test proves the two agree.

use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::time::{SystemTime, UNIX_EPOCH};

/// The code of the base32 `secret` for the step `offset` steps from now.
pub fn totp_code(secret: &str, offset: i64) -> String {
    let key = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .expect("the secret is base32");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let counter = (now / 30 + offset) as u64;
    let mut mac = Hmac::<Sha1>::new_from_slice(&key).unwrap();
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = (digest[19] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        digest[at] & 0x7f,
        digest[at + 1],
        digest[at + 2],
        digest[at + 3],
    ]);
    format!("{:06}", value % 1_000_000)
}

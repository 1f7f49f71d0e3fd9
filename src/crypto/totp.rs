//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA-1, 6 digits, 30-second
//! steps, and one step either side accepted for clock drift. What it does not decide: that each
//! step is accepted once per user (the caller stores the last step used and passes it in), and
//! where the secret lives (sealed under the root key by the Store).
//!
//! Recovery codes are here too: 80 random bits shown as 16 base32 letters in four groups, stored
//! as the SHA-256 of their normalised form.

use crate::percent::{encode, Slash};
use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use zeroize::Zeroizing;

pub const DIGITS: u32 = 6;
pub const STEP_SECONDS: i64 = 30;
/// How many steps before and after the current one a code may come from.
pub const DRIFT_STEPS: i64 = 1;
/// 160 bits, the length RFC 4226 recommends and authenticator apps expect.
pub const SECRET_LEN: usize = 20;
const RECOVERY_CODE_BYTES: usize = 10;

/// A fresh random secret.
pub fn new_secret() -> Zeroizing<Vec<u8>> {
    let mut secret = Zeroizing::new(vec![0u8; SECRET_LEN]);
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret as authenticator apps take it: base32, no padding.
pub fn secret_base32(secret: &[u8]) -> String {
    BASE32_NOPAD.encode(secret)
}

/// The time step a Unix time (seconds) falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The HOTP value of `secret` at `counter` (RFC 4226 §5.3), as a number below 10^digits.
fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for HMAC.
    let Ok(mut mac) = <Hmac<Sha1> as Mac>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = (digest[digest.len() - 1] & 0x0f) as usize;
    let binary = u32::from_be_bytes([
        digest[offset] & 0x7f,
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]);
    binary % 10u32.pow(digits)
}

/// The 6-digit code of `secret` for time step `step`, zero-padded.
pub fn code_at_step(secret: &[u8], step: i64) -> String {
    format!(
        "{:0width$}",
        hotp(secret, step.max(0) as u64, DIGITS),
        width = DIGITS as usize
    )
}

/// The step whose code `presented` is, within the drift window around `now_seconds`, if any and
/// if it is later than `last_used_step` (a code, once accepted, never is again; nor is an older
/// one). Every candidate is compared in constant time.
pub fn verify(
    secret: &[u8],
    presented: &str,
    now_seconds: i64,
    last_used_step: Option<i64>,
) -> Option<i64> {
    let presented: String = presented.chars().filter(|c| !c.is_whitespace()).collect();
    if presented.len() != DIGITS as usize || !presented.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = step_at(now_seconds);
    let mut matched = None;
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        let expected = code_at_step(secret, step);
        let same: bool =
            subtle::ConstantTimeEq::ct_eq(expected.as_bytes(), presented.as_bytes()).into();
        if same && last_used_step.is_none_or(|last| step > last) {
            matched = Some(step);
        }
    }
    matched
}

/// The `otpauth://` URL authenticator apps read from the QR code.
pub fn otpauth_url(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!(
        "{}:{}",
        encode(issuer, Slash::Encoded),
        encode(account, Slash::Encoded)
    );
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        secret_base32(secret),
        encode(issuer, Slash::Encoded)
    )
}

/// A new recovery code: 80 random bits as `xxxx-xxxx-xxxx-xxxx` in lowercase base32.
pub fn new_recovery_code() -> String {
    let mut bytes = [0u8; RECOVERY_CODE_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let letters = BASE32_NOPAD.encode(&bytes).to_lowercase();
    letters
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A presented recovery code in the form it was hashed in: dashes, spaces and case do not matter.
/// `None` when it cannot be one (so a TOTP code is never looked up as a recovery code).
pub fn normalise_recovery_code(presented: &str) -> Option<String> {
    let letters: String = presented
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let valid = letters.len() == 16
        && letters
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'));
    valid.then_some(letters)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890" and the
    /// reference codes have 8 digits.
    const RFC_SECRET: &[u8] = b"12345678901234567890";
    const RFC_VECTORS: [(i64, &str); 6] = [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ];

    #[test]
    fn rfc_6238_sha1_test_vectors() {
        for (time, expected) in RFC_VECTORS {
            let code = hotp(RFC_SECRET, step_at(time) as u64, 8);
            assert_eq!(format!("{code:08}"), expected, "T = {time}");
            // Six digits are the last six of the eight.
            assert_eq!(code_at_step(RFC_SECRET, step_at(time)), expected[2..]);
        }
    }

    #[test]
    fn rfc_4226_hotp_test_vectors() {
        let expected = [
            755224, 287082, 359152, 969429, 338314, 254676, 287922, 162583, 399871, 520489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SECRET, counter as u64, 6), *value);
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_further() {
        let now = 1_234_567_890;
        let step = step_at(now);
        for (offset, accepted) in [(-2, false), (-1, true), (0, true), (1, true), (2, false)] {
            let code = code_at_step(RFC_SECRET, step + offset);
            assert_eq!(
                verify(RFC_SECRET, &code, now, None),
                accepted.then_some(step + offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn a_used_step_and_any_earlier_one_are_refused() {
        let now = 1_234_567_890;
        let step = step_at(now);
        let code = code_at_step(RFC_SECRET, step);
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step - 1)), Some(step));
        assert_eq!(verify(RFC_SECRET, &code, now, Some(step)), None);
        let earlier = code_at_step(RFC_SECRET, step - 1);
        assert_eq!(verify(RFC_SECRET, &earlier, now, Some(step)), None);
    }

    #[test]
    fn malformed_codes_are_refused_without_panicking() {
        for code in ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12 34 5"] {
            assert_eq!(verify(RFC_SECRET, code, 59, None), None, "{code:?}");
        }
        let spaced = code_at_step(RFC_SECRET, step_at(59));
        let spaced = format!("{} {}", &spaced[..3], &spaced[3..]);
        assert!(verify(RFC_SECRET, &spaced, 59, None).is_some());
    }

    #[test]
    fn the_secret_is_base32_without_padding_and_the_url_names_it() {
        assert_eq!(
            secret_base32(RFC_SECRET),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        let url = otpauth_url("Envkeep", "a@b.example", RFC_SECRET);
        assert!(
            url.starts_with("otpauth://totp/Envkeep:a%40b.example?secret=GEZDGNBV"),
            "{url}"
        );
        assert!(
            url.contains("period=30") && url.contains("digits=6"),
            "{url}"
        );
        assert_eq!(new_secret().len(), SECRET_LEN);
    }

    #[test]
    fn recovery_codes_carry_80_bits_and_normalise_whatever_the_typing() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 19, "{code}");
        let normal = normalise_recovery_code(&code).unwrap();
        assert_eq!(normal.len() * 5, 80);
        assert_eq!(
            normalise_recovery_code(&code.to_uppercase().replace('-', " ")),
            Some(normal)
        );
        assert_eq!(normalise_recovery_code("123456"), None);
        assert_ne!(code, new_recovery_code());
    }
}

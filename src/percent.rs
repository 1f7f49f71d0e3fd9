//! Percent-encoding of URL parts, for the UI's links and the client's requests alike.

/// Whether `/` stays as it is (a folder path in a query value) or is encoded (one path segment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slash {
    Kept,
    Encoded,
}

/// Encodes everything but RFC 3986 unreserved characters, and `/` too unless `Slash::Kept`.
pub fn encode(raw: &str, slash: Slash) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (slash == Slash::Kept && byte == b'/')
        {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

//! Parsing the presented service token: `st.<id>.<secret>[.<anything>]`.
//!
//! Infisical takes `split(".", 3)` and ignores the rest, so a bearer carrying the key part is
//! accepted too; the key part is never looked at.

/// How a token is shown where it must be recognised (the token list, a blocked delete): `st.`
/// and the first 8 characters of its id, the start of every token string minted for it, so a
/// leaked `st.748de6c1…` can be matched to its row.
pub fn id_prefix(id: &str) -> String {
    let head: String = id.chars().take(8).collect();
    format!("st.{head}")
}

/// The two parts of a service token the server checks.
#[derive(PartialEq, Eq)]
pub struct ServiceTokenString<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

impl std::fmt::Debug for ServiceTokenString<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ServiceTokenString {{ id: {}, secret: <redacted> }}",
            self.id
        )
    }
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl<'a> ServiceTokenString<'a> {
    /// Returns `None` for anything that is not a well-formed Envkeep service token.
    pub fn parse(raw: &'a str) -> Option<Self> {
        let rest = raw.strip_prefix("st.")?;
        let mut parts = rest.splitn(3, '.');
        let id = parts.next()?;
        let secret = parts.next()?;
        (is_hex32(id) && is_hex32(secret)).then_some(Self { id, secret })
    }

    /// The bearer value of an `Authorization` header (`Bearer <token>`, scheme case-insensitive).
    pub fn from_authorization(header: &'a str) -> Option<Self> {
        let (scheme, value) = header.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        Self::parse(value.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const SECRET: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn three_and_four_segments_parse_to_id_and_secret() {
        let three = format!("st.{ID}.{SECRET}");
        let four = format!("st.{ID}.{SECRET}.c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8");
        for token in [&three, &four] {
            let parsed = ServiceTokenString::parse(token).unwrap();
            assert_eq!((parsed.id, parsed.secret), (ID, SECRET));
        }
    }

    #[test]
    fn anything_after_the_third_segment_is_ignored() {
        let extra = format!("st.{ID}.{SECRET}.key.more.dots");
        assert!(ServiceTokenString::parse(&extra).is_some());
    }

    #[test]
    fn malformed_tokens_are_refused() {
        let bad = [
            String::new(),
            String::from("st."),
            format!("xt.{ID}.{SECRET}"),
            format!("ST.{ID}.{SECRET}"),
            format!("st.{ID}"),
            format!("st.{ID}."),
            format!("st..{SECRET}"),
            format!("st.{}.{SECRET}", ID.to_uppercase()),
            format!("st.{ID}.{}", &SECRET[..31]),
            format!("st.{ID}.{SECRET}0"),
            format!("st.{}.{SECRET}", "g".repeat(32)),
            format!("st.{ID}..{SECRET}"),
            format!("st.{ID}.{SECRET}").replace('.', ".."),
        ];
        for token in &bad {
            assert!(
                ServiceTokenString::parse(token).is_none(),
                "{token:?} parsed"
            );
        }
    }

    #[test]
    fn authorization_header_needs_the_bearer_scheme() {
        let token = format!("st.{ID}.{SECRET}");
        assert!(ServiceTokenString::from_authorization(&format!("Bearer {token}")).is_some());
        assert!(ServiceTokenString::from_authorization(&format!("bearer {token}")).is_some());
        assert!(ServiceTokenString::from_authorization(&format!("Basic {token}")).is_none());
        assert!(ServiceTokenString::from_authorization(&token).is_none());
    }

    #[test]
    fn debug_hides_the_secret() {
        let token = format!("st.{ID}.{SECRET}");
        let shown = format!("{:?}", ServiceTokenString::parse(&token).unwrap());
        assert!(!shown.contains(SECRET));
    }
}

//! A server's base URL, as the server's `--public-url` and the client's `--url` both take it.

/// `raw` without surrounding whitespace and trailing `/`, when it is an `http://` or `https://`
/// URL with a host (`https://host[:port][/prefix]`).
pub fn http_base(raw: &str) -> Option<&str> {
    let url = raw.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    (!rest.is_empty() && !rest.contains(char::is_whitespace)).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_http_and_https_with_a_host_and_drops_the_trailing_slash() {
        assert_eq!(http_base(" https://x.example/ "), Some("https://x.example"));
        assert_eq!(
            http_base("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
        for bad in ["x.example", "ftp://x", "http://", "https://a b"] {
            assert_eq!(http_base(bad), None, "{bad}");
        }
    }
}

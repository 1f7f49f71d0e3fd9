//! Where a login (or a re-submitted form) may send the browser afterwards: `next` is followed
//! only when it is a path on this site. Anything else goes to `/`, the front door.

/// Longer targets are not followed (no page of ours has an address anywhere near this long).
const MAX_NEXT: usize = 2048;

/// How many rounds of percent-decoding are checked: a doubly encoded `%252F%252F` is still
/// caught, and a target needing more rounds than this is refused outright.
const DECODE_ROUNDS: usize = 3;

/// `raw` if it is a same-origin relative path, else `/`. A path is one that starts with a single
/// `/`: not `//host` (protocol-relative), no scheme, no backslash anywhere (browsers read `/\host`
/// as `//host`), no control character (a header split, a tab browsers strip), and none of these
/// hidden behind percent-encoding either, in case something down the line decodes once more.
pub fn same_site_next(raw: Option<&str>) -> String {
    match raw {
        Some(next) if is_local_path(next) => next.to_owned(),
        _ => String::from("/"),
    }
}

fn is_local_path(next: &str) -> bool {
    if next.len() > MAX_NEXT {
        return false;
    }
    let mut form = next.to_owned();
    for _ in 0..DECODE_ROUNDS {
        if !plain_local_path(&form) {
            return false;
        }
        let decoded = percent_decoded(&form);
        if decoded == form {
            return true;
        }
        form = decoded;
    }
    false
}

fn plain_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.chars().any(|c| c.is_control() || c == '\\')
}

/// One round of percent-decoding; bytes that do not form UTF-8 become U+FFFD, which is not a
/// character any of the checks allow through into anything dangerous.
fn percent_decoded(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::same_site_next;

    #[test]
    fn a_path_on_this_site_is_followed() {
        for good in [
            "/projects/x/secrets/dev?path=/a",
            "/projects?q=a%20b",
            "/",
            "/projects/x/secrets/dev?path=%2Fapp",
        ] {
            assert_eq!(same_site_next(Some(good)), good, "{good:?}");
        }
    }

    #[test]
    fn anything_else_goes_to_the_front_door() {
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil",
            "/a\\b",
            "/a\r\nX: y",
            "/\t/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/%0d%0aX:%20y",
            "/%25252F%25252Fevil.example",
            "",
        ] {
            assert_eq!(same_site_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(same_site_next(None), "/");
        assert_eq!(same_site_next(Some(&format!("/{}", "a".repeat(3000)))), "/");
    }
}

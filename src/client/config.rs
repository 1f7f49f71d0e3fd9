//! Validated client settings: the token split into what is sent and what stays here, the base
//! URL, and the requested location.

use super::args::ConnectionArgs;
use super::exit::ClientError;
use crate::domain::url::http_base;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{parse_pem, Certificate, PemItem};
use zeroize::Zeroizing;

/// A service token split as Infisical's CLI does (`SplitN(token, ".", 4)`): the access part
/// `st.<id>.<secret>` is the bearer; the key part never leaves this process.
pub struct Token {
    id: String,
    access: Zeroizing<String>,
    key: Option<Zeroizing<String>>,
    /// A machine identity's client secret: the bearer then comes from a Universal Auth login.
    client_secret: Option<Zeroizing<String>>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// Accepts any non-empty id and secret (Infisical ids are UUIDs with hyphens), but no
    /// whitespace, so a pasted line break cannot end up in a header.
    pub fn parse(raw: &str) -> Result<Self, ClientError> {
        let raw = raw.trim();
        let malformed = || {
            ClientError::usage(
                "the token is not a service token: expected st.<id>.<secret>.<key> (as shown once when it was created)",
            )
        };
        let mut parts = raw.splitn(4, '.');
        let (Some("st"), Some(id), Some(secret)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let key = parts.next();
        let printable = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic());
        if !printable(id) || !printable(secret) || key.is_some_and(|k| !printable(k)) {
            return Err(malformed());
        }
        Ok(Self {
            id: id.to_owned(),
            access: Zeroizing::new(format!("st.{id}.{secret}")),
            key: key.map(|k| Zeroizing::new(k.to_owned())),
            client_secret: None,
        })
    }

    /// A machine identity's credentials. The fallback cache is sealed with a key derived from
    /// the client secret (as a service token's cache is with its key part).
    pub fn identity(client_id: &str, client_secret: &str) -> Result<Self, ClientError> {
        let printable = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_graphic());
        if !printable(client_id) || !printable(client_secret) {
            return Err(ClientError::usage(
                "ENVKEEP_CLIENT_ID and ENVKEEP_CLIENT_SECRET must be printable text without spaces",
            ));
        }
        let sealing = hex::encode(crate::crypto::random::sha256(client_secret.as_bytes()));
        Ok(Self {
            id: client_id.to_owned(),
            access: Zeroizing::new(String::new()),
            key: Some(Zeroizing::new(sealing)),
            client_secret: Some(Zeroizing::new(client_secret.to_owned())),
        })
    }

    /// The client secret, when this is a machine identity.
    pub fn client_secret(&self) -> Option<&str> {
        self.client_secret.as_deref().map(String::as_str)
    }

    pub fn is_identity(&self) -> bool {
        self.client_secret.is_some()
    }

    /// The token's id (not secret: the server shows it in lists and logs).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What goes into `Authorization: Bearer`.
    pub fn access(&self) -> &str {
        &self.access
    }

    /// The 4th segment, which unwraps the project key (end-to-end mode only).
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref().map(String::as_str)
    }
}

/// The server URL when neither `--url` nor `ENVKEEP_URL` is given.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080";

/// Where the base URL came from, so a failure to connect can say that nothing was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlOrigin {
    /// `--url` or `ENVKEEP_URL`.
    Given,
    /// Neither was set: [`DEFAULT_URL`].
    Default,
}

/// Everything a client command needs to reach the server.
#[derive(Debug)]
pub struct Settings {
    pub base_url: String,
    pub url_origin: UrlOrigin,
    pub token: Token,
    pub environment: Option<String>,
    pub path: Option<String>,
    pub project: Option<String>,
    pub timeout: Duration,
    /// Roots from `--ca-cert`, replacing the bundled public ones.
    pub ca_certs: Option<CaCerts>,
}

/// CA certificates loaded from a PEM file.
pub struct CaCerts(pub Arc<Vec<Certificate<'static>>>);

impl std::fmt::Debug for CaCerts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CaCerts({} certificates)", self.0.len())
    }
}

impl CaCerts {
    pub fn load(file: &Path) -> Result<Self, ClientError> {
        let pem = std::fs::read(file).map_err(|e| {
            ClientError::usage(format!("cannot read --ca-cert {}: {e}", file.display()))
        })?;
        let mut certs = Vec::new();
        for item in parse_pem(&pem) {
            match item {
                Ok(PemItem::Certificate(cert)) => certs.push(cert),
                Ok(_) => {}
                Err(e) => {
                    return Err(ClientError::usage(format!(
                        "--ca-cert {} is not valid PEM: {e}",
                        file.display()
                    )))
                }
            }
        }
        if certs.is_empty() {
            return Err(ClientError::usage(format!(
                "--ca-cert {} holds no certificate",
                file.display()
            )));
        }
        Ok(Self(Arc::new(certs)))
    }
}

impl Settings {
    pub fn from_args(args: &ConnectionArgs) -> Result<Self, ClientError> {
        let identity = args.token.as_deref().is_none_or(|t| t.trim().is_empty());
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let token = match (given(&args.token), given(&args.client_id), given(&args.client_secret)) {
            (Some(raw), _, _) => Token::parse(&raw)?,
            (None, Some(id), Some(secret)) => {
                if given(&args.project).is_none() || given(&args.env).is_none() {
                    return Err(ClientError::usage(
                        "a machine identity needs --project (ENVKEEP_PROJECT) and --env (ENVKEEP_ENV): it may be a member of several projects",
                    ));
                }
                Token::identity(&id, &secret)?
            }
            _ => {
                return Err(ClientError::usage(
                    "no credential: pass --token or set ENVKEEP_TOKEN to the full st.<id>.<secret>.<key> token, or set ENVKEEP_CLIENT_ID and ENVKEEP_CLIENT_SECRET for a machine identity",
                ))
            }
        };
        let given = args.url.as_deref().filter(|u| !u.trim().is_empty());
        let url_origin = match given {
            Some(_) => UrlOrigin::Given,
            None => UrlOrigin::Default,
        };
        let base_url = base_url(given.unwrap_or(DEFAULT_URL))?;
        if base_url.starts_with("http://") && !is_loopback_url(&base_url) {
            eprintln!("envkeep: warning: {base_url} is plain http; the token and secrets cross the network unencrypted");
        }
        if args.timeout == 0 {
            return Err(ClientError::usage("--timeout must be at least 1 second"));
        }
        let non_empty = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Ok(Self {
            base_url,
            url_origin,
            token,
            environment: non_empty(&args.env),
            path: non_empty(&args.path)
                .map(|p| normalise_path(&p))
                .or_else(|| identity.then(|| String::from("/"))),
            project: non_empty(&args.project),
            timeout: Duration::from_secs(args.timeout),
            ca_certs: args.ca_cert.as_deref().map(CaCerts::load).transpose()?,
        })
    }
}

/// `https://host/` → `https://host`; anything that is not http(s) is a usage error.
fn base_url(raw: &str) -> Result<String, ClientError> {
    http_base(raw).map(str::to_owned).ok_or_else(|| {
        ClientError::usage(format!(
            "'{raw}' is not a server URL: expected http(s)://host[:port], e.g. https://secrets.example.com"
        ))
    })
}

fn is_loopback_url(url: &str) -> bool {
    let host = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = host.split('/').next().unwrap_or_default();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.split_once(']'))
        .map_or_else(
            || host.rsplit_once(':').map_or(host, |(h, _)| h),
            |(h, _)| h,
        );
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Folder paths always start with `/` and have no trailing `/` (Infisical users trip over
/// relative paths such as `--path=api`; the server would refuse them).
pub fn normalise_path(raw: &str) -> String {
    let trimmed = raw.trim().trim_end_matches('/');
    if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const SECRET: &str = "fedcba9876543210fedcba9876543210";
    const KEY: &str = "c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8";

    #[test]
    fn the_key_part_is_split_off_and_never_in_the_access_part() {
        let token = Token::parse(&format!("st.{ID}.{SECRET}.{KEY}")).unwrap();
        assert_eq!(token.access(), format!("st.{ID}.{SECRET}"));
        assert!(!token.access().contains(KEY));
        assert_eq!(token.key(), Some(KEY));
        assert_eq!(token.id(), ID);
        assert!(!format!("{token:?}").contains(SECRET));
    }

    #[test]
    fn a_three_part_token_has_no_key_and_uuid_ids_are_accepted() {
        let token = Token::parse(&format!("st.{ID}.{SECRET}\n")).unwrap();
        assert_eq!(token.key(), None);
        let uuid = Token::parse(&format!(
            "st.3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b.{SECRET}.{KEY}"
        ))
        .unwrap();
        assert_eq!(
            uuid.access(),
            format!("st.3f0b6f8e-2a7c-4d1e-9b5a-6c2d8e4f1a3b.{SECRET}")
        );
    }

    #[test]
    fn malformed_tokens_are_usage_errors() {
        for bad in [
            "",
            "st.",
            "st.abc",
            &format!("xt.{ID}.{SECRET}"),
            &format!("st.{ID}..{KEY}"),
            &format!("st.{ID}.se cret"),
        ] {
            let err = Token::parse(bad).unwrap_err();
            assert_eq!(err.code, super::super::exit::USAGE, "{bad:?}");
        }
    }

    #[test]
    fn urls_are_checked_and_trimmed() {
        assert_eq!(
            base_url("https://secrets.example.com/").unwrap(),
            "https://secrets.example.com"
        );
        assert_eq!(
            base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(base_url("secrets.example.com").is_err());
        assert!(base_url("ftp://x").is_err());
        assert!(base_url("http://").is_err());
    }

    #[test]
    fn loopback_urls_are_recognised() {
        assert!(is_loopback_url("http://127.0.0.1:8080"));
        assert!(is_loopback_url("http://localhost"));
        assert!(is_loopback_url("http://[::1]:9/x"));
        assert!(!is_loopback_url("http://10.0.0.2:8080"));
        assert!(!is_loopback_url("http://secrets.example.com"));
    }

    #[test]
    fn a_ca_file_without_certificates_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ca.pem");
        std::fs::write(&file, "not a certificate\n").unwrap();
        assert_eq!(
            CaCerts::load(&file).unwrap_err().code,
            super::super::exit::USAGE
        );
        assert_eq!(
            CaCerts::load(&dir.path().join("missing.pem"))
                .unwrap_err()
                .code,
            super::super::exit::USAGE
        );
    }

    #[test]
    fn paths_get_a_leading_slash_and_lose_the_trailing_one() {
        assert_eq!(normalise_path("api"), "/api");
        assert_eq!(normalise_path("/app/db/"), "/app/db");
        assert_eq!(normalise_path("/"), "/");
        assert_eq!(normalise_path(""), "/");
    }
}

//! The HTTP transport: one blocking `ureq` agent, bearer = the token's access part, errors mapped
//! to exit codes with the server's own message.

use super::config::{Settings, UrlOrigin, DEFAULT_URL};
use super::exit::{ClientError, DENIED};
use super::identity::{Exchange, Issued, Session};
use super::table::printable;
use super::when::since;
use crate::percent::{self, Slash};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ureq::http::Response;
use ureq::{Body, RequestBuilder};

/// Largest response the client reads (a listing of many 64 KiB secrets stays well below).
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The message of Envkeep's 404 for a path under `/api/` that no route serves.
const NO_SUCH_ROUTE: &str = "No such API route";

pub struct Api<'a> {
    agent: ureq::Agent,
    settings: &'a Settings,
    /// A machine identity's access token (none for a service token).
    session: Session,
}

/// The answer to a conditional `GET`.
pub enum Conditional<T> {
    /// 304: the data behind the ETag sent is still current.
    Unchanged,
    /// 200 with the body and its ETag, if the server gave one.
    Changed(T, Option<String>),
}

impl<'a> Api<'a> {
    pub fn new(settings: &'a Settings) -> Self {
        let mut config = ureq::Agent::config_builder()
            // Error statuses carry the JSON explanation we want to show.
            .http_status_as_error(false)
            .timeout_global(Some(settings.timeout))
            .user_agent(concat!("envkeep/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = &settings.ca_certs {
            let roots = ureq::tls::RootCerts::Specific(ca.0.clone());
            config = config.tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build());
        }
        let agent = config.build().new_agent();
        Self {
            agent,
            settings,
            session: Session::default(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.settings.base_url, path)
    }

    /// The request with its query and the token's bearer header.
    fn authorised<B>(
        &self,
        request: RequestBuilder<B>,
        query: &[(&str, &str)],
    ) -> Result<RequestBuilder<B>, ClientError> {
        let bearer = match self.settings.token.is_identity() {
            true => format!("Bearer {}", self.session.bearer(self)?.as_str()),
            false => format!("Bearer {}", self.settings.token.access()),
        };
        Ok(request
            .header("Authorization", bearer)
            .query_pairs(query.iter().copied()))
    }

    /// `POST path` with a JSON body and no bearer (Universal Auth).
    fn post_unauthenticated<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let response = self
            .agent
            .post(self.url(path))
            .send_json(body)
            .map_err(|e| self.transport(e))?;
        self.json(path, response)
    }

    /// `GET path?query` → the JSON body.
    pub fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ClientError> {
        let request = self.authorised(self.agent.get(self.url(path)), query)?;
        let response = request.call().map_err(|e| self.transport(e))?;
        self.json(path, response)
    }

    /// `GET path?query` with `If-None-Match: etag` when there is one.
    pub fn get_if_changed<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
        etag: Option<&str>,
    ) -> Result<Conditional<T>, ClientError> {
        let mut request = self.authorised(self.agent.get(self.url(path)), query)?;
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        let response = request.call().map_err(|e| self.transport(e))?;
        if response.status().as_u16() == 304 {
            return Ok(Conditional::Unchanged);
        }
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Conditional::Changed(self.json(path, response)?, etag))
    }

    /// `POST` or `PATCH` with a JSON body → the JSON body.
    pub fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: &impl Serialize,
    ) -> Result<T, ClientError> {
        let request = match method {
            Method::Post => self.agent.post(self.url(path)),
            Method::Patch => self.agent.patch(self.url(path)),
        };
        let response = self
            .authorised(request, query)?
            .send_json(body)
            .map_err(|e| self.transport(e))?;
        self.json(path, response)
    }

    /// `DELETE path?query`, expecting no body.
    pub fn delete(&self, path: &str, query: &[(&str, &str)]) -> Result<(), ClientError> {
        let request = self.authorised(self.agent.delete(self.url(path)), query)?;
        let response = request.call().map_err(|e| self.transport(e))?;
        self.check(path, response).map(drop)
    }

    fn check(
        &self,
        path: &str,
        mut response: Response<Body>,
    ) -> Result<Response<Body>, ClientError> {
        let status = response.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(response);
        }
        let text = response
            .body_mut()
            .with_config()
            .limit(64 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Err(self.refusal(path, status, &text))
    }

    /// The client's reading of an error answer: the server's own message, with what to do about
    /// the failures a user can fix.
    fn refusal(&self, path: &str, status: u16, text: &str) -> ClientError {
        let body = ErrorBody::parse(text);
        if status == 404 && body.message == NO_SUCH_ROUTE {
            return ClientError::unexpected(format!(
                "{} answered 404 \"{NO_SUCH_ROUTE}\" for {path}: is ENVKEEP_URL the server's base URL? \
                 It is the address the server is reached at (e.g. https://secrets.example.com), \
                 without /api or another path",
                self.settings.base_url
            ));
        }
        if let (401, Some(expired_at)) = (status, &body.expired_at) {
            let when = since(expired_at).map_or_else(String::new, |ago| format!(" ({ago} ago)"));
            return ClientError {
                status: Some(status),
                ..ClientError::new(
                    DENIED,
                    format!(
                        "the token expired at {}{when}. A project admin mints a new one in the \
                         web UI under the project's Access Control (Service tokens); put it in \
                         ENVKEEP_TOKEN",
                        printable(expired_at)
                    ),
                )
            };
        }
        ClientError {
            server_error: body.error,
            details: error_details(text),
            ..ClientError::from_status(status, &body.message)
        }
    }

    fn json<T: DeserializeOwned>(
        &self,
        path: &str,
        response: Response<Body>,
    ) -> Result<T, ClientError> {
        let mut response = self.check(path, response)?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_json()
            .map_err(|e| {
                ClientError::unexpected(format!(
                    "{} did not answer {path} as expected ({e}); is ENVKEEP_URL (--url) the Envkeep server's base URL?",
                    self.settings.base_url
                ))
            })
    }

    fn transport(&self, error: ureq::Error) -> ClientError {
        let base = &self.settings.base_url;
        if base.starts_with("https://") && is_plain_http_answer(&error) {
            return ClientError::unreachable(format!(
                "cannot reach {base}: the server does not speak TLS on this port (it answered in \
                 plain HTTP); use http:// for it, or the port where TLS is served"
            ));
        }
        let mut message = format!("cannot reach {base}: {error}");
        if self.settings.url_origin == UrlOrigin::Default {
            message.push_str(&format!(
                ". ENVKEEP_URL is not set (nor --url), so the default {DEFAULT_URL} was tried; \
                 set ENVKEEP_URL to the server's base URL, e.g. https://secrets.example.com"
            ));
        }
        ClientError::unreachable(message)
    }
}

/// Whether a TLS handshake failed because the other end answered in plain text (an HTTP server
/// replying to the ClientHello), rather than with a bad certificate or a reset.
fn is_plain_http_answer(error: &ureq::Error) -> bool {
    let ureq::Error::Io(io) = error else {
        return false;
    };
    io.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .is_some_and(|tls| matches!(tls, rustls::Error::InvalidMessage(_)))
}

#[derive(Debug, Clone, Copy)]
pub enum Method {
    Post,
    Patch,
}

/// An error answer as Envkeep (and Infisical) shape it; anything else becomes its first 200
/// characters as the message. Server text is escaped here, before any of it reaches a terminal.
#[derive(Debug, Default, PartialEq, Eq)]
struct ErrorBody {
    message: String,
    error: Option<String>,
    expired_at: Option<String>,
}

impl ErrorBody {
    fn parse(text: &str) -> Self {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape {
            #[serde(default)]
            message: Value,
            error: Option<String>,
            expired_at: Option<String>,
        }
        let message = match serde_json::from_str::<Shape>(text) {
            Ok(shape) => {
                let message = match &shape.message {
                    Value::String(message) => message.clone(),
                    Value::Null => text.chars().take(200).collect(),
                    other => other.to_string(),
                };
                return Self {
                    message: printable(&message),
                    error: shape.error,
                    expired_at: shape.expired_at,
                };
            }
            Err(_) if text.trim().is_empty() => String::from("no explanation given"),
            Err(_) => printable(&text.chars().take(200).collect::<String>()),
        };
        Self {
            message,
            ..Self::default()
        }
    }
}

/// The `details` of a 422 body: `[{"field", "message"}]`.
fn error_details(text: &str) -> Vec<(String, String)> {
    let Ok(json) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let Some(details) = json["details"].as_array() else {
        return Vec::new();
    };
    details
        .iter()
        .filter_map(|d| {
            Some((
                d["field"].as_str()?.to_owned(),
                d["message"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Percent-encodes one path segment (a secret name typed by the user). Dots are encoded too
/// when the name is only dots, so `..` cannot climb out of the route.
impl Exchange for Api<'_> {
    fn login(&self) -> Result<Issued, ClientError> {
        let body = serde_json::json!({
            "clientId": self.settings.token.id(),
            "clientSecret": self.settings.token.client_secret().unwrap_or(""),
        });
        self.post_unauthenticated("/api/v1/auth/universal-auth/login", &body)
    }

    fn renew(&self, token: &str) -> Result<Issued, ClientError> {
        let body = serde_json::json!({ "accessToken": token });
        self.post_unauthenticated("/api/v1/auth/token/renew", &body)
    }
}

pub fn segment(raw: &str) -> String {
    if raw.bytes().all(|b| b == b'.') {
        return raw.replace('.', "%2E");
    }
    percent::encode(raw, Slash::Encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str) -> String {
        ErrorBody::parse(text).message
    }

    #[test]
    fn error_messages_come_from_the_json_body() {
        assert_eq!(
            message(
                r#"{"statusCode":401,"message":"Invalid or missing credentials","error":"UnauthorizedError"}"#
            ),
            "Invalid or missing credentials"
        );
        assert_eq!(message(""), "no explanation given");
        assert_eq!(
            message("<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
    }

    #[test]
    fn the_expiry_comes_from_the_expired_tokens_answer() {
        let body = ErrorBody::parse(
            r#"{"statusCode":401,"message":"Service token has expired","error":"UnauthorizedError","expiredAt":"2024-01-02T03:04:05.000Z"}"#,
        );
        assert_eq!(body.expired_at.as_deref(), Some("2024-01-02T03:04:05.000Z"));
    }

    #[test]
    fn control_characters_in_server_messages_are_escaped() {
        assert_eq!(
            message(r#"{"message":"bad \u001b[31mred\u001b[0m\nfake line"}"#),
            "bad \\u{001b}[31mred\\u{001b}[0m\\nfake line"
        );
        assert_eq!(message("plain \u{7} bell"), "plain \\u{0007} bell");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(segment("DB_URL.v2-x"), "DB_URL.v2-x");
        assert_eq!(segment("../a b/?"), "..%2Fa%20b%2F%3F");
        assert_eq!(segment(".."), "%2E%2E");
    }
}

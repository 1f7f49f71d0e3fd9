//! The HTTP transport: one blocking `ureq` agent, bearer = the token's access part, errors mapped
//! to exit codes with the server's own message.

use super::config::Settings;
use super::exit::{ClientError, UNAVAILABLE};
use crate::percent::{self, Slash};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ureq::http::Response;
use ureq::{Body, RequestBuilder};

/// Largest response the client reads (a listing of many 64 KiB secrets stays well below).
const MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

pub struct Api<'a> {
    agent: ureq::Agent,
    settings: &'a Settings,
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
        Self { agent, settings }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.settings.base_url, path)
    }

    /// The request with its query and the token's bearer header.
    fn authorised<B>(
        &self,
        request: RequestBuilder<B>,
        query: &[(&str, &str)],
    ) -> RequestBuilder<B> {
        let bearer = format!("Bearer {}", self.settings.token.access());
        request
            .header("Authorization", bearer)
            .query_pairs(query.iter().copied())
    }

    /// `GET path?query` → the JSON body.
    pub fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<T, ClientError> {
        let request = self.authorised(self.agent.get(self.url(path)), query);
        let response = request.call().map_err(|e| self.transport(e))?;
        self.json(path, response)
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
            .authorised(request, query)
            .send_json(body)
            .map_err(|e| self.transport(e))?;
        self.json(path, response)
    }

    /// `DELETE path?query`, expecting no body.
    pub fn delete(&self, path: &str, query: &[(&str, &str)]) -> Result<(), ClientError> {
        let request = self.authorised(self.agent.delete(self.url(path)), query);
        let response = request.call().map_err(|e| self.transport(e))?;
        self.check(response).map(drop)
    }

    fn check(&self, mut response: Response<Body>) -> Result<Response<Body>, ClientError> {
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
        let mut error = ClientError::from_status(status, &error_message(&text));
        error.details = error_details(&text);
        Err(error)
    }

    fn json<T: DeserializeOwned>(
        &self,
        path: &str,
        response: Response<Body>,
    ) -> Result<T, ClientError> {
        let mut response = self.check(response)?;
        response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_json()
            .map_err(|e| {
                ClientError::unexpected(format!(
                    "{} did not answer {path} as expected ({e}); is --url the Envkeep server?",
                    self.settings.base_url
                ))
            })
    }

    fn transport(&self, error: ureq::Error) -> ClientError {
        ClientError::new(
            UNAVAILABLE,
            format!("cannot reach {}: {error}", self.settings.base_url),
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Method {
    Post,
    Patch,
}

/// The `message` of an error body (Envkeep's and Infisical's shape), else the start of the text.
fn error_message(text: &str) -> String {
    match serde_json::from_str::<Value>(text) {
        Ok(json) => match &json["message"] {
            Value::String(message) => message.clone(),
            Value::Null => json.to_string(),
            other => other.to_string(),
        },
        Err(_) if text.trim().is_empty() => String::from("no explanation given"),
        Err(_) => text.chars().take(200).collect(),
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
pub fn segment(raw: &str) -> String {
    if raw.bytes().all(|b| b == b'.') {
        return raw.replace('.', "%2E");
    }
    percent::encode(raw, Slash::Encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_the_json_body() {
        assert_eq!(
            error_message(
                r#"{"statusCode":401,"message":"Invalid or missing credentials","error":"UnauthorizedError"}"#
            ),
            "Invalid or missing credentials"
        );
        assert_eq!(error_message(""), "no explanation given");
        assert_eq!(
            error_message("<html>bad gateway</html>"),
            "<html>bad gateway</html>"
        );
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(segment("DB_URL.v2-x"), "DB_URL.v2-x");
        assert_eq!(segment("../a b/?"), "..%2Fa%20b%2F%3F");
        assert_eq!(segment(".."), "%2E%2E");
    }
}

//! What a request got back, read once, and the waits for effects off the request path.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::Value;
use std::time::{Duration, Instant};

/// A response read in full: `answer["secret"]["value"]` indexes the JSON body, `{answer}`
/// prints the body text.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    /// The JSON body, or the text as a JSON string when it is not JSON (an HTML page).
    pub json: Value,
}

impl Answer {
    pub async fn read(response: Response) -> Answer {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = serde_json::from_str(&text).unwrap_or_else(|_| Value::String(text.clone()));
        Answer {
            status,
            headers,
            text,
            json,
        }
    }

    /// A header's value, or "" when it is absent.
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Where a redirect points.
    pub fn location(&self) -> &str {
        let location = self.header("location");
        assert!(!location.is_empty(), "no Location header: {}", self.status);
        location
    }

    /// Asserts an error body of DESIGN §6 with this status and `error` name.
    pub fn assert_error(&self, expected: StatusCode, name: &str) {
        let json = &self.json;
        assert_eq!(self.status, expected, "body: {json}");
        assert_eq!(json["statusCode"], expected.as_u16(), "body: {json}");
        assert_eq!(json["error"], name, "body: {json}");
        assert!(
            json["message"].as_str().is_some_and(|m| !m.is_empty()),
            "body: {json}"
        );
    }
}

impl std::ops::Index<&str> for Answer {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        &self.json[key]
    }
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.text)
    }
}

/// Sends a request built by hand (odd headers, raw bodies) and reads its answer:
/// `api.request(Method::POST, path).body("{").answer().await`.
pub trait Answered {
    fn answer(self) -> impl std::future::Future<Output = Answer>;
    /// For tests where the server may be gone: the transport error instead of a panic.
    fn try_answer(self) -> impl std::future::Future<Output = reqwest::Result<Answer>>;
}

impl Answered for RequestBuilder {
    async fn answer(self) -> Answer {
        self.try_answer().await.expect("the server answers")
    }

    async fn try_answer(self) -> reqwest::Result<Answer> {
        Ok(Answer::read(self.send().await?).await)
    }
}

/// The access part (`st.<id>.<secret>`) of a full token.
pub fn access_part(token: &str) -> String {
    token.splitn(4, '.').take(3).collect::<Vec<_>>().join(".")
}

/// Polls `check` until it holds, failing the test after 10 s: for effects that happen off the
/// request path (a flush at shutdown, an audit row, a scheduled sweep).
pub async fn eventually(what: &str, check: impl AsyncFnMut() -> bool) {
    eventually_within(Duration::from_secs(10), what, check).await;
}

/// Polls `check` every 20 ms until it holds, failing the test after `limit`.
pub async fn eventually_within(limit: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check().await {
        assert!(Instant::now() < deadline, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

//! Request ids and the request log: every answer names its request in `X-Request-Id`, a 5xx body
//! carries the same id, and the JSON log of the real binary holds one object per line with one
//! line per request that names the route pattern and the caller but never the raw path, the
//! query or a credential.

use crate::helpers::*;
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

fn request_id(response: &Response) -> String {
    let value = response.headers().get("x-request-id").unwrap_or_else(|| {
        panic!(
            "no X-Request-Id on {} {}",
            response.status(),
            response.url()
        )
    });
    value.to_str().unwrap().to_owned()
}

fn is_generated_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Makes `key` unreadable: its ciphertext no longer opens, so reading it is a 500.
fn break_secret(app: &TestApp, key: &str) {
    app.sqlite()
        .execute("UPDATE secrets SET value_ct = x'00' WHERE key = ?1", [key])
        .unwrap();
    // The health probe notices outside changes every second; ask now instead of waiting.
    app.state.store.notice_outside_changes_blocking();
}

#[tokio::test]
async fn every_answer_carries_its_own_request_id() {
    let app = spawn_app().await;
    let project = app.create_project("ids").await;
    let anonymous = reqwest::Client::new();
    let requests = [
        anonymous.get(app.url("/healthz")),
        anonymous.get(app.url("/healthz/")),
        anonymous.get(app.url("/api/v1/projects")),
        anonymous.get(app.url("/api/v1/no-such-route")),
        anonymous.get(app.url("/no-such-page")),
        anonymous.get(app.url("/login")),
        anonymous.delete(app.url("/healthz")),
        app.admin(Method::GET, "/api/v1/projects"),
        app.admin(Method::GET, &format!("/api/v1/projects/{project}")),
        app.admin(Method::POST, "/api/v1/projects")
            .header("content-type", "application/json")
            .body("{"),
    ];
    let mut seen = HashSet::new();
    for request in requests {
        let response = request.send().await.unwrap();
        let id = request_id(&response);
        assert!(is_generated_id(&id), "{id:?} on {}", response.url());
        assert!(seen.insert(id.clone()), "{id} given twice");
    }
}

#[tokio::test]
async fn a_plain_request_id_from_a_proxy_is_kept_and_anything_else_is_replaced() {
    let app = spawn_app().await;
    let send = |presented: String| {
        reqwest::Client::new()
            .get(app.url("/healthz"))
            .header("x-request-id", presented)
            .send()
    };
    for kept in ["proxy-7f3a_01".to_owned(), "A".repeat(64)] {
        let response = send(kept.clone()).await.unwrap();
        assert_eq!(request_id(&response), kept);
    }
    for replaced in ["a.b", "a b", "<script>", "", &"A".repeat(65)] {
        let response = send(replaced.to_owned()).await.unwrap();
        let id = request_id(&response);
        assert!(is_generated_id(&id), "{replaced:?} answered with {id:?}");
    }
}

#[tokio::test]
async fn a_server_error_body_carries_the_request_id_of_its_header() {
    let app = spawn_app().await;
    let project = app.create_project("broken").await;
    app.create_secret(&project, "dev", "/", "BROKEN", "unreadable")
        .await;
    break_secret(&app, "BROKEN");

    let response = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/BROKEN?environment=dev"),
        )
        .send()
        .await
        .unwrap();
    let id = request_id(&response);
    let (status, json) = body(response).await;
    assert_error(
        status,
        &json,
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
    );
    assert_eq!(json["requestId"], id.as_str(), "{json}");
    let mut fields: Vec<_> = json.as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["error", "message", "requestId", "statusCode"]);

    // A client's mistake is answered without one: the id is for finding a server-side cause.
    let (status, json) = app
        .admin(Method::GET, "/api/v1/projects/nope")
        .answer()
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    assert!(json.get("requestId").is_none(), "{json}");
}

/// The binary as a child process logging JSON, on port 0; its stdout and stderr lines arrive on
/// a channel, so tests wait for the line they expect instead of sleeping.
struct Server {
    child: Child,
    base: String,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
    pumps: Vec<JoinHandle<()>>,
}

fn pump(stream: impl Read + Send + 'static, lines: mpsc::Sender<String>) -> JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    })
}

impl Server {
    fn start(data_dir: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_envkeep"))
            .env_clear()
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
            .args(["--sweep-schedule", "off", "--auth-failure-limit", "0"])
            .arg("--data-dir")
            .arg(data_dir)
            .env("ENVKEEP_LOG_FORMAT", "json")
            .env("ENVKEEP_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("ENVKEEP_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let pumps = vec![
            pump(child.stdout.take().unwrap(), tx.clone()),
            pump(child.stderr.take().unwrap(), tx),
        ];
        let mut server = Self {
            child,
            base: String::new(),
            lines,
            seen: Vec::new(),
            pumps,
        };
        let listening = server.wait_for(|line| line["fields"]["message"] == "envkeep listening");
        server.base = format!("http://127.0.0.1:{}", listening["fields"]["port"]);
        server
    }

    /// The first line from now on that parses as JSON and satisfies `wanted` (bounded wait).
    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = self.lines.recv_timeout(left) else {
                panic!(
                    "no such log line within 30 s; log:\n{}",
                    self.seen.join("\n")
                );
            };
            self.seen.push(line.clone());
            if let Ok(json) = serde_json::from_str::<Value>(&line) {
                if wanted(&json) {
                    return json;
                }
            }
        }
    }

    /// The request line of the request that answered with this id.
    fn request_line(&mut self, id: &str) -> Value {
        self.wait_for(|line| {
            line["fields"]["message"] == "request answered" && line["span"]["request_id"] == id
        })
    }

    /// Stops the server and returns every line it wrote.
    fn stop(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        for pump in std::mem::take(&mut self.pumps) {
            let _ = pump.join();
        }
        self.seen.extend(self.lines.try_iter());
        std::mem::take(&mut self.seen)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn json_log_has_one_line_per_request_naming_route_and_caller_but_no_path_or_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path());
    let client = reqwest::Client::new();
    let base = server.base.clone();
    let url = |path: &str| format!("{base}{path}");

    let login = client
        .post(url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap();
    let login_id = request_id(&login);
    let session = login.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let line = server.request_line(&login_id);
    assert_eq!(line["span"]["caller_kind"], "anonymous", "{line}");
    assert_eq!(line["span"]["route"], "/api/v1/auth/login", "{line}");

    let admin =
        |method: Method, path: &str| client.request(method, url(path)).bearer_auth(&session);
    let (_, project) = admin(Method::POST, "/api/v1/projects")
        .json(&json!({ "name": "logged" }))
        .answer()
        .await;
    let project = project["project"]["id"].as_str().unwrap().to_owned();
    // BROKEN lives in a folder of its own, which no read caches before it is broken below.
    for (path, key, value) in [
        ("/", "MARKERKEY7", "MARKERVALUE7"),
        ("/broken", "BROKEN", "BROKENVALUE7"),
    ] {
        let (status, _) = admin(Method::POST, &format!("/api/v1/projects/{project}/secrets"))
            .json(&json!({ "environment": "dev", "path": path, "key": key, "value": value }))
            .answer()
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, minted) = admin(
        Method::POST,
        &format!("/api/v1/projects/{project}/service-tokens"),
    )
    .json(
        &json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }],
                   "permissions": ["read"], "expiresIn": null }),
    )
    .answer()
    .await;
    assert_eq!(status, StatusCode::CREATED, "{minted}");
    let token = minted["token"].as_str().unwrap().to_owned();
    let token_id = minted["serviceToken"]["id"].as_str().unwrap().to_owned();

    // A service token reads a secret; the path names the key and the query holds a "code".
    let read = client
        .get(url(&format!(
            "/api/v1/projects/{project}/secrets/MARKERKEY7?environment=dev&code=MARKER123"
        )))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let read_id = request_id(&read);
    let line = server.request_line(&read_id);
    let span = &line["span"];
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(span["method"], "GET", "{line}");
    assert_eq!(
        span["route"], "/api/v1/projects/{projectId}/secrets/{key}",
        "{line}"
    );
    assert_eq!(span["status"], 200, "{line}");
    assert!(span["duration_ms"].as_f64().is_some(), "{line}");
    assert_eq!(span["caller_kind"], "service_token", "{line}");
    assert_eq!(span["caller_id"], token_id.as_str(), "{line}");

    // An admin request: the caller is the user, by id.
    let listed = admin(Method::GET, "/api/v1/projects?code=MARKER123")
        .send()
        .await
        .unwrap();
    let line = server.request_line(&request_id(&listed));
    let user_id: String = rusqlite::Connection::open(dir.path().join("envkeep.db"))
        .unwrap()
        .query_row("SELECT id FROM users", [], |row| row.get(0))
        .unwrap();
    assert_eq!(line["span"]["caller_kind"], "user", "{line}");
    assert_eq!(line["span"]["caller_id"], user_id.as_str(), "{line}");
    assert_eq!(line["span"]["route"], "/api/v1/projects", "{line}");

    // A 500: the cause is logged inside the request, so it carries the id the client got.
    rusqlite::Connection::open(dir.path().join("envkeep.db"))
        .unwrap()
        .execute(
            "UPDATE secrets SET value_ct = x'00' WHERE key = 'BROKEN'",
            [],
        )
        .unwrap();
    let broken = admin(
        Method::GET,
        &format!("/api/v1/projects/{project}/secrets/BROKEN?environment=dev&path=/broken"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let broken_id = request_id(&broken);
    let cause = server.wait_for(|line| {
        line["level"] == "ERROR" && line["fields"]["message"] != "request answered"
    });
    assert_eq!(cause["span"]["request_id"], broken_id.as_str(), "{cause}");
    let line = server.request_line(&broken_id);
    assert_eq!(line["level"], "ERROR", "{line}");
    assert_eq!(line["span"]["status"], 500, "{line}");

    let log = server.stop();
    for line in &log {
        assert!(
            serde_json::from_str::<Value>(line).is_ok_and(|v| v.is_object()),
            "not one JSON object: {line}"
        );
    }
    let text = log.join("\n");
    let token_parts: Vec<&str> = token.split('.').collect();
    for never in [
        "MARKER123",
        "MARKERKEY7",
        "MARKERVALUE7",
        "BROKENVALUE7",
        "code=",
        // The project id itself may appear (an integrity failure names it); the path may not.
        &format!("projects/{project}"),
        &session,
        &token,
        token_parts[2],
        token_parts[3],
        ADMIN_PASSWORD,
    ] {
        assert!(!text.contains(never), "the log holds {never:?}:\n{text}");
    }
}

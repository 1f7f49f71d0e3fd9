//! The binary's JSON log: one object per line, one line per request naming the route pattern
//! and the caller, a 5xx's cause inside its request, and never a path, a query or a credential.

use super::request_id;
use crate::helpers::{paths, Api, BinaryServer, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The request line of the request that answered with this id.
fn request_line(server: &mut BinaryServer, id: &str) -> Value {
    server.wait_for(|line| {
        line["fields"]["message"] == "request answered" && line["span"]["request_id"] == id
    })
}

/// A project "logged" with MARKERKEY7 at dev:/ and BROKEN at dev:/broken, and a read token over
/// dev:/. Returns (project, full token, token id).
async fn seed(admin: &Api) -> (String, String, String) {
    let created = admin.create_project("logged").await;
    let project = created["project"]["id"].as_str().unwrap().to_owned();
    // BROKEN lives in a folder of its own, which no read caches before it is broken below.
    for (path, key, value) in [
        ("/", "MARKERKEY7", "MARKERVALUE7"),
        ("/broken", "BROKEN", "BROKENVALUE7"),
    ] {
        let created = admin.create_secret(&project, "dev", path, key, value).await;
        assert_eq!(created.status, StatusCode::CREATED);
    }
    let minted = admin
        .mint(
            &project,
            json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }],
                    "permissions": ["read"], "expiresIn": null }),
        )
        .await;
    assert_eq!(minted.status, StatusCode::CREATED, "{minted}");
    let token = minted["token"].as_str().unwrap().to_owned();
    let token_id = minted["serviceToken"]["id"].as_str().unwrap().to_owned();
    (project, token, token_id)
}

#[tokio::test]
async fn json_log_has_one_line_per_request_naming_route_and_caller_but_no_path_or_secret() {
    let mut server = BinaryServer::start();

    let login = server.api().login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let login_id = request_id(&login, "the login");
    let session = login["token"].as_str().unwrap().to_owned();
    let line = request_line(&mut server, &login_id);
    assert_eq!(line["span"]["caller_kind"], "anonymous", "{line}");
    assert_eq!(line["span"]["route"], "/api/v1/auth/login", "{line}");

    let admin = server.api().with_bearer(&session);
    let (project, token, token_id) = seed(&admin).await;

    // A service token reads a secret; the path names the key and the query holds a "code".
    let read = server
        .api()
        .with_bearer(&token)
        .get(&format!(
            "{}/MARKERKEY7?environment=dev&code=MARKER123",
            paths::secrets(&project)
        ))
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let line = request_line(&mut server, &request_id(&read, "the read"));
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
    let listed = admin
        .get(&format!("{}?code=MARKER123", paths::PROJECTS))
        .await;
    let line = request_line(&mut server, &request_id(&listed, "the listing"));
    let user_id: String = server
        .sqlite()
        .query_row("SELECT id FROM users", [], |row| row.get(0))
        .unwrap();
    assert_eq!(line["span"]["caller_kind"], "user", "{line}");
    assert_eq!(line["span"]["caller_id"], user_id.as_str(), "{line}");
    assert_eq!(line["span"]["route"], "/api/v1/projects", "{line}");

    // A 500: the cause is logged inside the request, so it carries the id the client got.
    server
        .sqlite()
        .execute(
            "UPDATE secrets SET value_ct = x'00' WHERE key = 'BROKEN'",
            [],
        )
        .unwrap();
    let broken = admin.get_secret(&project, "dev", "/broken", "BROKEN").await;
    assert_eq!(broken.status, StatusCode::INTERNAL_SERVER_ERROR);
    let broken_id = request_id(&broken, "the broken read");
    let cause = server.wait_for(|line| {
        line["level"] == "ERROR" && line["fields"]["message"] != "request answered"
    });
    assert_eq!(cause["span"]["request_id"], broken_id.as_str(), "{cause}");
    let line = request_line(&mut server, &broken_id);
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

//! Cookie-authenticated state changes need the session's CSRF token and, when the browser sends
//! one, a same-site `Origin`; bearer requests are exempt (a browser cannot add them cross-site).

use crate::legacy_helpers::{spawn_app, Answer, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn cookie_state_changes_need_the_csrf_token_and_a_same_site_origin() {
    let app = spawn_app().await;
    let login: Value = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({ "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let csrf = login["csrfToken"].as_str().unwrap().to_owned();
    let projects = app.url("/api/v1/projects");
    let create = |name: &str| app.client.post(&projects).json(&json!({ "name": name }));

    // Safe methods need no token.
    assert_eq!(
        app.client.get(&projects).send().await.unwrap().status(),
        StatusCode::OK
    );

    let refused = [
        ("no token", create("a")),
        (
            "wrong token",
            create("b").header("X-CSRF-Token", "0".repeat(32)),
        ),
        ("empty token", create("c").header("X-CSRF-Token", "")),
        (
            "foreign origin",
            create("d")
                .header("X-CSRF-Token", &csrf)
                .header("Origin", "http://evil.example"),
        ),
        (
            "null origin",
            create("e")
                .header("X-CSRF-Token", &csrf)
                .header("Origin", "null"),
        ),
        (
            "lookalike origin",
            create("f").header("X-CSRF-Token", &csrf).header(
                "Origin",
                format!("http://127.0.0.1:{}.evil.example", app.port),
            ),
        ),
    ];
    for (what, request) in refused {
        let (status, json) = request.answer().await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {json}");
        assert_eq!(json["error"], "ForbiddenError", "{what}");
    }
    let listed: Value = app
        .client
        .get(&projects)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed["projects"].as_array().unwrap().is_empty(),
        "a refused request created a project: {listed}"
    );

    let delete_cookie = app
        .client
        .delete(app.url("/api/v1/projects/0123456789abcdef0123456789abcdef"));
    assert_eq!(
        delete_cookie.send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "DELETE without token"
    );

    let ok = create("g")
        .header("X-CSRF-Token", &csrf)
        .header("Origin", format!("http://127.0.0.1:{}", app.port));
    assert_eq!(
        ok.send().await.unwrap().status(),
        StatusCode::CREATED,
        "same-site origin with token"
    );
    assert_eq!(
        create("h")
            .header("X-CSRF-Token", &csrf)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::CREATED
    );

    // A bearer request is exempt even with a foreign Origin.
    let bearer = reqwest::Client::new()
        .post(&projects)
        .bearer_auth(&app.admin)
        .header("Origin", "http://evil.example")
        .json(&json!({ "name": "i" }));
    assert_eq!(bearer.send().await.unwrap().status(), StatusCode::CREATED);
}

//! How the Infisical routes read their parameters: the query and a JSON body merged, each
//! version's wording, the flags' spellings, and which route answers a method it lacks.

use crate::helpers::*;
use reqwest::{header, Method, StatusCode};
use serde_json::{json, Value};

struct Fixture {
    app: TestApp,
    project: String,
    /// Full token, one glob scope over dev, read and write.
    token: String,
    /// `workspaceId` and `environment=dev` as a query string.
    query: String,
}

async fn fixture() -> Fixture {
    let app = spawn_app().await;
    let project = app.create_project("Params").await;
    app.create_secret(&project, "dev", "/", "ROOT", "at root")
        .await;
    app.create_secret(&project, "dev", "/deep", "DEEP", "below")
        .await;
    let (token, _) = app
        .mint_scoped(&project, "rw", "dev", "/**", &["read", "write"])
        .await;
    let query = format!("workspaceId={project}&environment=dev");
    Fixture {
        app,
        project,
        token,
        query,
    }
}

impl Fixture {
    async fn send(&self, method: Method, url: &str, body: Option<&str>) -> (StatusCode, Value) {
        let request = self.app.bearer(method, url, &self.token);
        match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.to_owned()),
            None => request,
        }
        .answer()
        .await
    }

    async fn create(&self, name: &str, query: &str, body: &str) -> (StatusCode, Value) {
        let url = format!("/api/v3/secrets/raw/{name}?{query}");
        self.send(Method::POST, &url, Some(body)).await
    }

    async fn keys(&self, url: &str) -> Vec<String> {
        let (status, json) = self.send(Method::GET, url, None).await;
        assert_eq!(status, StatusCode::OK, "{url}: {json}");
        json["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["secretKey"].as_str().unwrap().to_owned())
            .collect()
    }
}

#[tokio::test]
async fn a_write_takes_each_parameter_from_the_body_before_the_query() {
    let f = fixture().await;
    let q = &f.query;
    let (status, json) = f
        .create(
            "BODY_PATH",
            &format!("{q}&secretPath=/query"),
            r#"{"secretValue":"x","secretPath":"/body"}"#,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["secret"]["secretPath"], "/body");

    let body = r#"{"secretValue":"x","workspaceId":null,"environment":null}"#;
    let (status, json) = f.create("NULL_FALLS_BACK", q, body).await;
    assert_eq!(status, StatusCode::OK, "a null is no value: {json}");
    assert_eq!(json["secret"]["workspace"], f.project.as_str());

    let body = r#"{"secretValue":"x","type":"shared"}"#;
    let (status, json) = f
        .create("SHARED", &format!("{q}&type=personal"), body)
        .await;
    assert_eq!(status, StatusCode::OK, "the body's type wins: {json}");

    let (status, json) = f.create("BLANK", q, " \n").await;
    assert_eq!(
        (status, json["message"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("secretValue: is required")
        ),
        "a blank body is no body; the query still names the place"
    );

    let body = r#"{"secretValue":"x","type":"personal"}"#;
    let (status, json) = f.create("PERSONAL", q, body).await;
    assert_eq!(
        (status, json["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("Must be user to create personal secret")
        )
    );
}

#[tokio::test]
async fn bad_parameters_keep_their_messages() {
    let f = fixture().await;
    let q = &f.query;
    let wrong_type = "body: a field has the wrong type: ";
    for (body, status, message) in [
        (
            r#"{"secretValue": 5}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{wrong_type}invalid type: integer `5`, expected a string at line 1 column 17"),
        ),
        (
            r#"{"secretValue":"a","secretValue":"b"}"#,
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{wrong_type}duplicate field `secretValue` at line 1 column 32"),
        ),
        (
            "null",
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("{wrong_type}invalid type: null, expected struct Params at line 1 column 4"),
        ),
        (
            r#"{"workspaceId": "#,
            StatusCode::BAD_REQUEST,
            String::from(
                "The body is not valid JSON: EOF while parsing a value at line 1 column 16",
            ),
        ),
    ] {
        let (got, json) = f.create("BAD", q, body).await;
        assert_eq!(
            (got, json["message"].as_str()),
            (status, Some(message.as_str())),
            "{body}"
        );
    }
    let (status, json) = f.create("BAD", q, "[]").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    assert!(json["message"].as_str().unwrap().starts_with(&format!(
        "{wrong_type}invalid length 0, expected struct Params"
    )));

    let twice = "Invalid query string: Query deserialize error: duplicate field `environment`";
    let twice_query = format!("{q}&environment=dev");
    let write = f
        .create("TWICE", &twice_query, r#"{"secretValue":"x"}"#)
        .await;
    let read = format!("/api/v3/secrets/raw?{twice_query}");
    for (status, json) in [write, f.send(Method::GET, &read, None).await] {
        assert_eq!(
            (status, json["message"].as_str()),
            (StatusCode::BAD_REQUEST, Some(twice))
        );
    }
}

#[tokio::test]
async fn each_api_version_words_a_missing_project_its_own_way() {
    let f = fixture().await;
    let workspace = "Missing workspace id or environment";
    let project = "Missing project id or environment";
    for (method, url, message) in [
        (Method::GET, "/api/v1/folders", workspace),
        (Method::GET, "/api/v3/secrets", workspace),
        (Method::GET, "/api/v3/secrets/ROOT", workspace),
        (Method::GET, "/api/v3/secrets/raw/ROOT", workspace),
        (Method::POST, "/api/v3/secrets/raw/NEW", workspace),
        (Method::PATCH, "/api/v3/secrets/ROOT", workspace),
        (Method::DELETE, "/api/v3/secrets/raw/ROOT", workspace),
        (Method::GET, "/api/v4/secrets/ROOT", project),
    ] {
        let (status, json) = f.send(method.clone(), url, Some("{}")).await;
        assert_eq!(
            (status, json["message"].as_str()),
            (StatusCode::BAD_REQUEST, Some(message)),
            "{method} {url}"
        );
    }
}

#[tokio::test]
async fn v3_raw_and_v4_answer_a_secret_alike_each_with_its_own_etag() {
    let f = fixture().await;
    let mut bodies = Vec::new();
    for path in ["/api/v3/secrets/raw/ROOT", "/api/v4/secrets/ROOT"] {
        let url = f.app.url(&format!("{path}?{}", f.query));
        let client = reqwest::Client::new();
        let first = client.get(&url).bearer_auth(&f.token).send().await.unwrap();
        let etag = first.headers()[header::ETAG].clone();
        bodies.push(body(first).await);
        let again = client
            .get(&url)
            .bearer_auth(&f.token)
            .header(header::IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
    }
    assert_eq!(bodies[0].0, StatusCode::OK, "{}", bodies[0].1);
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test]
async fn a_method_a_route_lacks_falls_through_to_the_next_route_or_the_api_404() {
    let f = fixture().await;
    for url in [
        "/api/v3/secrets/raw/ROOT",
        "/api/v4/secrets",
        "/api/v1/folders",
    ] {
        let (status, json) = f.send(Method::PUT, url, None).await;
        assert_eq!(
            (status, json["message"].as_str()),
            (StatusCode::NOT_FOUND, Some("No such API route")),
            "{url}"
        );
    }
    let url = format!("/api/v3/secrets/raw?{}", f.query);
    let (status, json) = f.send(Method::POST, &url, Some("{}")).await;
    assert_eq!(
        (status, json["message"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("secretValueCiphertext: is required")
        ),
        "POST .../raw is an encrypted create of a secret named raw"
    );
}

#[tokio::test]
async fn every_write_checks_the_name_in_its_url_before_the_callers_rights() {
    let f = fixture().await;
    let other = f.app.create_project("Other").await;
    let (stranger, _) = f
        .app
        .mint_scoped(&other, "o", "dev", "/**", &["read", "write"])
        .await;
    for (method, path) in [
        (Method::POST, "/api/v3/secrets/bad%20name"),
        (Method::PATCH, "/api/v3/secrets/bad%20name"),
        (Method::DELETE, "/api/v3/secrets/raw/bad%20name"),
    ] {
        let url = format!("{path}?{}", f.query);
        let (status, json) = f
            .app
            .bearer(method.clone(), &url, &access_part(&stranger))
            .json(&json!({ "secretValue": "x" }))
            .answer()
            .await;
        assert_error(
            status,
            &json,
            StatusCode::UNPROCESSABLE_ENTITY,
            "ValidationFailure",
        );
        assert_eq!(json["details"][0]["field"], "secretName", "{method} {path}");
    }
}

#[tokio::test]
async fn the_flags_accept_todays_spellings() {
    let f = fixture().await;
    let q = &f.query;
    for (recursive, deep) in [
        ("true", true),
        ("1", true),
        ("YES", true),
        ("on", false),
        ("no", false),
        ("", false),
    ] {
        let url = format!("/api/v3/secrets/raw?{q}&recursive={recursive}");
        let keys = f.keys(&url).await;
        assert_eq!(
            keys.contains(&"DEEP".to_owned()),
            deep,
            "recursive={recursive}"
        );
    }
    for (view, shown) in [
        (None, true),
        (Some("TRUE"), true),
        (Some("1"), true),
        (Some("yes"), true),
        (Some("false"), false),
        (Some("0"), false),
        (Some("maybe"), false),
    ] {
        let flag = view
            .map(|v| format!("&viewSecretValue={v}"))
            .unwrap_or_default();
        let url = format!("/api/v4/secrets/ROOT?{q}&{flag}");
        let (status, json) = f.send(Method::GET, &url, None).await;
        assert_eq!(status, StatusCode::OK, "{json}");
        assert_eq!(json["secret"]["secretValueHidden"], !shown, "{view:?}");
    }
}

//! Refused parameters and their wording: bad bodies and queries, each version's missing-project
//! message, a method a route lacks, and a bad name in the URL before the caller's rights.

use super::fixture;
use crate::helpers::access_part;
use reqwest::{Method, StatusCode};
use serde_json::json;

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
        let refused = f.create("BAD", q, body).await;
        assert_eq!(
            (refused.status, refused["message"].as_str()),
            (status, Some(message.as_str())),
            "{body}"
        );
    }
    let array = f.create("BAD", q, "[]").await;
    assert_eq!(array.status, StatusCode::UNPROCESSABLE_ENTITY, "{array}");
    assert!(array["message"].as_str().unwrap().starts_with(&format!(
        "{wrong_type}invalid length 0, expected struct Params"
    )));

    let twice = "Invalid query string: Query deserialize error: duplicate field `environment`";
    let twice_query = format!("{q}&environment=dev");
    let write = f
        .create("TWICE", &twice_query, r#"{"secretValue":"x"}"#)
        .await;
    let read = format!("/api/v3/secrets/raw?{twice_query}");
    for refused in [write, f.send(Method::GET, &read, None).await] {
        assert_eq!(
            (refused.status, refused["message"].as_str()),
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
        let refused = f.send(method.clone(), url, Some("{}")).await;
        assert_eq!(
            (refused.status, refused["message"].as_str()),
            (StatusCode::BAD_REQUEST, Some(message)),
            "{method} {url}"
        );
    }
}

#[tokio::test]
async fn a_method_a_route_lacks_falls_through_to_the_next_route_or_the_api_404() {
    let f = fixture().await;
    for url in [
        "/api/v3/secrets/raw/ROOT",
        "/api/v4/secrets",
        "/api/v1/folders",
    ] {
        let refused = f.send(Method::PUT, url, None).await;
        assert_eq!(
            (refused.status, refused["message"].as_str()),
            (StatusCode::NOT_FOUND, Some("No such API route")),
            "{url}"
        );
    }
    let url = format!("/api/v3/secrets/raw?{}", f.query);
    let refused = f.send(Method::POST, &url, Some("{}")).await;
    assert_eq!(
        (refused.status, refused["message"].as_str()),
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
    let stranger = f.app.as_token(&access_part(&stranger));
    for (method, path) in [
        (Method::POST, "/api/v3/secrets/bad%20name"),
        (Method::PATCH, "/api/v3/secrets/bad%20name"),
        (Method::DELETE, "/api/v3/secrets/raw/bad%20name"),
    ] {
        let url = format!("{path}?{}", f.query);
        let refused = stranger
            .send_json(method.clone(), &url, json!({ "secretValue": "x" }))
            .await;
        refused.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "ValidationFailure");
        assert_eq!(
            refused["details"][0]["field"], "secretName",
            "{method} {path}"
        );
    }
}

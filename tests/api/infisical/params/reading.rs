//! Where each parameter is read from (the body before the query), the flags' spellings, and
//! v3 raw and v4 answering a secret alike.

use super::fixture;
use crate::helpers::Answered;
use reqwest::{header, Method, StatusCode};

#[tokio::test]
async fn a_write_takes_each_parameter_from_the_body_before_the_query() {
    let f = fixture().await;
    let q = &f.query;
    let created = f
        .create(
            "BODY_PATH",
            &format!("{q}&secretPath=/query"),
            r#"{"secretValue":"x","secretPath":"/body"}"#,
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{created}");
    assert_eq!(created["secret"]["secretPath"], "/body");

    let body = r#"{"secretValue":"x","workspaceId":null,"environment":null}"#;
    let created = f.create("NULL_FALLS_BACK", q, body).await;
    assert_eq!(
        created.status,
        StatusCode::OK,
        "a null is no value: {created}"
    );
    assert_eq!(created["secret"]["workspace"], f.project.as_str());

    let body = r#"{"secretValue":"x","type":"shared"}"#;
    let created = f
        .create("SHARED", &format!("{q}&type=personal"), body)
        .await;
    assert_eq!(
        created.status,
        StatusCode::OK,
        "the body's type wins: {created}"
    );

    let blank = f.create("BLANK", q, " \n").await;
    assert_eq!(
        (blank.status, blank["message"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("secretValue: is required")
        ),
        "a blank body is no body; the query still names the place"
    );

    let body = r#"{"secretValue":"x","type":"personal"}"#;
    let personal = f.create("PERSONAL", q, body).await;
    assert_eq!(
        (personal.status, personal["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("Must be user to create personal secret")
        )
    );
}

#[tokio::test]
async fn v3_raw_and_v4_answer_a_secret_alike_each_with_its_own_etag() {
    let f = fixture().await;
    let holder = f.holder();
    let mut bodies = Vec::new();
    for path in ["/api/v3/secrets/raw/ROOT", "/api/v4/secrets/ROOT"] {
        let url = format!("{path}?{}", f.query);
        let first = holder.get(&url).await;
        let etag = first.headers[header::ETAG].clone();
        bodies.push((first.status, first.json));
        let again = holder
            .request(Method::GET, &url)
            .header(header::IF_NONE_MATCH, etag)
            .answer()
            .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
    }
    assert_eq!(bodies[0].0, StatusCode::OK, "{}", bodies[0].1);
    assert_eq!(bodies[0], bodies[1]);
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
        let read = f.send(Method::GET, &url, None).await;
        assert_eq!(read.status, StatusCode::OK, "{read}");
        assert_eq!(read["secret"]["secretValueHidden"], !shown, "{view:?}");
    }
}

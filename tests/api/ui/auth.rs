//! Login, setup, logout, redirects to the login page, and CSRF refusals.

use super::{browser, hidden_field, location, logged_in, post_form};
use crate::legacy_helpers::{spawn_app, spawn_fresh, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn pages_without_a_session_redirect_to_login_with_next() {
    let app = spawn_app().await;
    let response = browser()
        .get(app.url("/projects/abc/secrets/dev?path=/app"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/login?next=/projects/abc/secrets/dev%3Fpath%3D/app"
    );
    let login = browser()
        .get(app.url("/login?next=/projects"))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);
    let html = login.text().await.unwrap();
    assert!(
        html.contains("<label for=\"email\">Email</label>")
            && html.contains("<label for=\"password\">Password</label>")
    );
    assert!(html.contains(">Log in</button>"));
}

#[tokio::test]
async fn login_follows_a_same_site_next_and_ignores_a_foreign_one() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("/projects/x/settings", "/projects/x/settings"),
        ("//evil.example/", "/projects"),
        ("https://evil.example/", "/projects"),
    ] {
        let client = browser();
        let page = client
            .get(app.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let preauth = hidden_field(&page, "preauth");
        let response = client
            .post(app.url("/login"))
            .form(&[
                ("preauth", preauth.as_str()),
                ("next", next),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "next={next}");
        assert_eq!(location(&response), expected, "next={next}");
        assert_eq!(
            client
                .get(app.url("/projects"))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::OK,
            "session cookie set"
        );
    }
}

#[tokio::test]
async fn login_without_the_pre_session_token_is_refused() {
    let app = spawn_app().await;
    let client = browser();
    let form = [
        ("email", ADMIN_EMAIL),
        ("password", ADMIN_PASSWORD),
        ("preauth", "0123456789abcdef0123456789abcdef"),
    ];
    let response = client
        .post(app.url("/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response.headers().get("set-cookie").is_none(),
        "no session for a forged login"
    );
}

#[tokio::test]
async fn wrong_password_rerenders_the_login_form_with_the_email_kept() {
    let app = spawn_app().await;
    let client = browser();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preauth = hidden_field(&page, "preauth");
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("preauth", preauth.as_str()),
            ("email", ADMIN_EMAIL),
            ("password", "not-the-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Wrong e-mail or password")
            && html.contains(&format!("value=\"{ADMIN_EMAIL}\""))
    );
}

#[tokio::test]
async fn setup_page_creates_the_first_admin_and_then_closes() {
    let app = spawn_fresh().await;
    let client = browser();
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(location(&home), "/setup");
    let page = client
        .get(app.url("/setup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let preauth = hidden_field(&page, "preauth");
    let code = app.state.setup.pending().unwrap();
    let form = [
        ("preauth", preauth.as_str()),
        ("setup_code", code.as_str()),
        ("email", "first@example.com"),
        ("password", "a-long-password"),
        ("confirm", "a-long-password"),
    ];
    let without_token = browser()
        .post(app.url("/setup"))
        .form(&form[1..])
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), StatusCode::FORBIDDEN);
    let response = client
        .post(app.url("/setup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?notice=setup");
    assert_eq!(
        location(&client.get(app.url("/setup")).send().await.unwrap()),
        "/login"
    );
}

#[tokio::test]
async fn form_posts_without_a_valid_csrf_token_are_refused() {
    let app = spawn_app().await;
    let csrf = logged_in(&app).await;
    let missing = post_form(&app, "/projects", &[("name", "No token")]).await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let wrong = post_form(
        &app,
        "/projects",
        &[("name", "Wrong token"), ("csrf_token", &"0".repeat(32))],
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let cross_site = app
        .client
        .post(app.url("/projects"))
        .header("Origin", "https://evil.example")
        .form(&[("name", "Cross site"), ("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert!(
        missing.text().await.unwrap().contains("Request refused"),
        "403 is a page in the layout"
    );
    let ok = post_form(
        &app,
        "/projects",
        &[("name", "With token"), ("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let list = app
        .admin(Method::GET, "/api/v1/projects")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains("With token")
            && !list.contains("No token")
            && !list.contains("Wrong token")
            && !list.contains("Cross site")
    );
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let csrf = logged_in(&app).await;
    let response = post_form(&app, "/logout", &[("csrf_token", &csrf)]).await;
    assert_eq!(location(&response), "/login?notice=logout");
    let after = app.client.get(app.url("/projects")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_stale_session_cookie_is_dropped_on_the_way_to_login() {
    let app = spawn_app().await;
    let client = browser();
    let response = client
        .get(app.url("/projects"))
        .header("Cookie", "envkeep_session=0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cleared = response.headers().get_all("set-cookie").iter().any(|c| {
        let c = c.to_str().unwrap();
        c.starts_with("envkeep_session=;") && c.contains("Max-Age=0")
    });
    assert!(cleared, "the stale cookie is removed");
}

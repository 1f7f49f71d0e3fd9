//! No lost work: a form POSTed after the session ended comes back as the login page with its
//! fields in hidden inputs (escaped, never the old CSRF token or a password), rides through the
//! login (and its MFA step), and ends on a page that submits it again with a fresh token.

use super::secrets_form;
use crate::accounts::enrolment::enrol;
use crate::helpers::{totp_code, Answer, Answered, Browser, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::{Method, StatusCode};

const TYPED: &str = "p@ss<\"word\">&'\nline two";

/// A project, the harness browser and the CSRF token of a session that has now ended.
async fn ended_session() -> (TestApp, String, Browser, String) {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    app.sqlite()
        .execute("UPDATE sessions SET expires_at = 0", [])
        .unwrap();
    (app, project, browser, csrf)
}

fn add_fields(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", csrf),
        ("path", "/"),
        ("key", "DB_PASSWORD"),
        ("value", TYPED),
        ("comment", "<b>primary</b>"),
    ]
}

/// Every `<input type="hidden" name=… value=…>` of a page, values unescaped.
fn hidden_inputs(html: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for chunk in html.split("<input type=\"hidden\" name=\"").skip(1) {
        let (name, rest) = chunk.split_once('"').unwrap();
        let value = rest
            .strip_prefix(" value=\"")
            .and_then(|v| v.split_once('"'))
            .map_or("", |(v, _)| v);
        found.push((unescape(name), unescape(value)));
    }
    found
}

/// Undoes askama's escaping (named or decimal entities; `&` last).
fn unescape(text: &str) -> String {
    [
        ("&quot;", "\""),
        ("&#34;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&lt;", "<"),
        ("&#60;", "<"),
        ("&gt;", ">"),
        ("&#62;", ">"),
        ("&amp;", "&"),
        ("&#38;", "&"),
    ]
    .iter()
    .fold(text.to_owned(), |t, (from, to)| t.replace(from, to))
}

/// Submits a page's form: its hidden inputs plus `typed`.
async fn submit(browser: &Browser, to: &str, page: &Answer, typed: &[(&str, &str)]) -> Answer {
    let mut form = hidden_inputs(&page.text);
    form.extend(typed.iter().map(|(n, v)| (n.to_string(), v.to_string())));
    browser.request(Method::POST, to).form(&form).answer().await
}

#[tokio::test]
async fn a_form_posted_after_the_session_ended_comes_back_as_login_with_its_fields_kept() {
    let (app, project, browser, csrf) = ended_session().await;
    let action = secrets_form(&project, "add");
    let page = browser.post_form(&action, &add_fields(&csrf)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{page}");
    assert!(page.text.contains("action=\"/login\""), "{page}");
    let kept = hidden_inputs(&page.text);
    let value_of = |name: &str| kept.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    assert_eq!(value_of("kept_action"), Some(action.clone()));
    assert_eq!(value_of("next"), Some(action));
    assert_eq!(value_of("kept.value").as_deref(), Some(TYPED));
    assert_eq!(value_of("kept.comment").as_deref(), Some("<b>primary</b>"));
    assert!(!page.text.contains("<b>primary"), "values are escaped");
    assert_eq!(value_of("kept.csrf_token"), None, "never the old token");
    assert!(!page.text.contains(&csrf));
    assert_eq!(app.count_rows("secrets"), 0, "nothing was saved");
}

#[tokio::test]
async fn passwords_are_never_carried_through_the_login() {
    let (_app, _project, browser, csrf) = ended_session().await;
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("current_password", "old-password-123"),
        ("new_password", "new-password-456"),
        ("confirm", "new-password-456"),
    ];
    let page = browser.post_form("/account/password", &fields).await;
    assert!(!page.text.contains("password-123") && !page.text.contains("password-456"));
}

#[tokio::test]
async fn a_cross_site_post_after_the_session_ended_keeps_nothing() {
    let (_app, project, browser, csrf) = ended_session().await;
    let action = secrets_form(&project, "add");
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
    ] {
        let page = browser
            .request(Method::POST, &action)
            .header(header, value)
            .form(&add_fields(&csrf))
            .answer()
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{header}: {page}");
        assert!(page.text.contains("Session ended"));
        assert!(
            !page.text.contains("DB_PASSWORD"),
            "{header}: nothing echoed"
        );
    }
}

#[tokio::test]
async fn a_same_origin_browser_post_with_a_null_origin_is_kept() {
    // Under `Referrer-Policy: no-referrer` browsers post forms with `Origin: null`; the
    // `Sec-Fetch-Site` they send says where the form came from.
    let (_app, project, browser, csrf) = ended_session().await;
    let page = browser
        .request(Method::POST, &secrets_form(&project, "add"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&add_fields(&csrf))
        .answer()
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{page}");
    assert!(page
        .text
        .contains("name=\"kept.key\" value=\"DB_PASSWORD\""));
}

#[tokio::test]
async fn logging_in_ends_on_a_page_that_submits_the_kept_form_with_a_fresh_token() {
    let (app, project, browser, csrf) = ended_session().await;
    let action = secrets_form(&project, "add");
    let login = browser.post_form(&action, &add_fields(&csrf)).await;
    let credentials = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let resume = submit(&browser, "/login", &login, &credentials).await;
    assert_eq!(resume.status, StatusCode::OK, "{resume}");
    assert!(resume.header("set-cookie").contains("envkeep_session="));
    assert!(resume.text.contains(&format!("action=\"{action}\"")));
    assert!(resume.text.contains("hidden (23 characters)"), "{resume}");
    let fresh = browser.csrf_token().await;
    assert_ne!(fresh, csrf);
    assert_eq!(app.count_rows("secrets"), 0, "not submitted by itself");

    let saved = submit(&browser, &action, &resume, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{saved}");
    let token = app.log_in_admin().await;
    let stored = app
        .as_token(&token)
        .get_secret(&project, "dev", "/", "DB_PASSWORD")
        .await;
    assert_eq!(
        stored["secret"]["value"], TYPED,
        "every character came through"
    );
    assert_eq!(stored["secret"]["comment"], "<b>primary</b>");
}

#[tokio::test]
async fn the_kept_form_rides_through_the_mfa_step() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Shop").await;
    let enrolled = enrol(&app.as_admin()).await;
    let browser = app.browser();
    let csrf = browser.csrf_token().await;
    app.sqlite()
        .execute("UPDATE sessions SET expires_at = 0", [])
        .unwrap();
    let action = secrets_form(&project, "add");
    let login = browser.post_form(&action, &add_fields(&csrf)).await;
    let credentials = [("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)];
    let code_page = submit(&browser, "/login", &login, &credentials).await;
    assert!(code_page.text.contains("name=\"step\""), "{code_page}");
    assert!(code_page
        .text
        .contains("name=\"kept.key\" value=\"DB_PASSWORD\""));
    let code = totp_code(&enrolled.secret, 1);
    let resume = submit(&browser, "/login/code", &code_page, &[("code", &code)]).await;
    assert_eq!(resume.status, StatusCode::OK, "{resume}");
    assert!(resume.text.contains(&format!("action=\"{action}\"")));
    let saved = submit(&browser, &action, &resume, &[]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{saved}");
    assert_eq!(app.count_rows("secrets"), 1);
}

//! A project's slug: transliterated from the name, or chosen at creation and validated.

use crate::helpers::TestApp;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_name_with_accented_letters_gives_a_transliterated_slug() {
    let app = TestApp::spawn().await;
    let created = app.as_admin().create_project("Ünïcødé").await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(created["project"]["slug"], "unicode");
    assert_eq!(created["project"]["name"], "Ünïcødé");
}

#[tokio::test]
async fn a_chosen_slug_is_kept() {
    let app = TestApp::spawn().await;
    let body = json!({ "name": "Billing", "slug": "billing-eu-2" });
    let created = app.as_admin().post_json("/api/v1/projects", body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{created}");
    assert_eq!(created["project"]["slug"], "billing-eu-2");
}

#[tokio::test]
async fn an_invalid_slug_is_a_422_that_names_the_field() {
    let app = TestApp::spawn().await;
    let body = json!({ "name": "Billing", "slug": "Billing EU" });
    let refused = app.as_admin().post_json("/api/v1/projects", body).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text.contains("slug"), "{refused}");
    assert!(refused.text.contains("project slug"), "{refused}");
}

#[tokio::test]
async fn a_chosen_slug_that_is_taken_is_a_409_while_a_derived_one_gets_a_suffix() {
    let app = TestApp::spawn().await;
    app.create_project("Shop").await;
    let body = json!({ "name": "Other", "slug": "shop" });
    let taken = app.as_admin().post_json("/api/v1/projects", body).await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{taken}");
    let derived = app.as_admin().create_project("Shop").await;
    let slug = derived["project"]["slug"].as_str().unwrap();
    assert!(slug.starts_with("shop-") && slug.len() == 11, "{slug}");
}

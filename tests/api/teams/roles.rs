//! DESIGN §9's table over HTTP, one test per row whose feature exists, each checking every
//! column: owner, admin, project admin, developer (dev only), viewer (dev only), a member of no
//! project (404 where a project is named), and a service token of the project (dev:/**, read
//! and write). Routes that need a session answer a token 403, as before teams.

use super::support::{slug, Team};
use serde_json::json;

#[tokio::test]
async fn users_are_listed_by_owners_and_admins_only() {
    let team = Team::spawn().await;
    let expected = [200, 200, 403, 403, 403, 403, 403];
    team.row("GET /users", expected, |api, _| async move {
        api.list_users().await
    })
    .await;
}

#[tokio::test]
async fn members_and_admins_are_invited_by_owners_and_admins_only() {
    let team = Team::spawn().await;
    let expected = [201, 201, 403, 403, 403, 403, 403];
    team.row("POST /invites", expected, |api, column| async move {
        api.invite(&format!("{}@new.example.com", slug(column)), "admin")
            .await
    })
    .await;
}

#[tokio::test]
async fn only_an_owner_invites_an_owner() {
    let team = Team::spawn().await;
    let expected = [201, 403, 403, 403, 403, 403, 403];
    team.row("POST /invites owner", expected, |api, column| async move {
        api.invite(&format!("{}@new.example.com", slug(column)), "owner")
            .await
    })
    .await;
}

#[tokio::test]
async fn every_person_may_create_a_project_and_a_token_may_not() {
    let team = Team::spawn().await;
    let expected = [201, 201, 201, 201, 201, 201, 403];
    team.row("POST /projects", expected, |api, column| async move {
        api.create_project(column).await
    })
    .await;
}

#[tokio::test]
async fn a_project_is_seen_by_its_members_and_is_a_404_for_anyone_else() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let expected = [200, 200, 200, 200, 200, 404, 403];
    team.row("GET /projects/{id}", expected, |api, _| {
        let project = project.clone();
        async move { api.get_project(&project).await }
    })
    .await;
}

#[tokio::test]
async fn environments_are_managed_by_project_admins() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let expected = [201, 201, 201, 403, 403, 404, 403];
    team.row("POST environments", expected, |api, column| {
        let project = project.clone();
        async move {
            api.create_environment(&project, column, &slug(column))
                .await
        }
    })
    .await;
}

#[tokio::test]
async fn members_are_managed_by_project_admins() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let expected = [200, 200, 200, 403, 403, 404, 403];
    team.row("GET members", expected, |api, _| {
        let project = project.clone();
        async move { api.list_members(&project).await }
    })
    .await;
}

#[tokio::test]
async fn secrets_are_read_in_the_members_environments() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let dev = [200, 200, 200, 200, 200, 404, 200];
    team.row("GET dev secret", dev, |api, _| {
        let project = project.clone();
        async move { api.get_secret(&project, "dev", "/", "DEV_KEY").await }
    })
    .await;
    let prod = [200, 200, 200, 403, 403, 404, 403];
    team.row("GET prod secret", prod, |api, _| {
        let project = project.clone();
        async move { api.get_secret(&project, "prod", "/", "PROD_KEY").await }
    })
    .await;
}

#[tokio::test]
async fn secrets_are_written_by_developers_in_their_environments_and_never_by_viewers() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let key = |column: &str| slug(column).replace('-', "_").to_uppercase();
    let dev = [201, 201, 201, 201, 403, 404, 201];
    team.row("POST dev secret", dev, |api, column| {
        let (project, key) = (project.clone(), key(column));
        async move { api.create_secret(&project, "dev", "/", &key, "v").await }
    })
    .await;
    let prod = [201, 201, 201, 403, 403, 404, 403];
    team.row("POST prod secret", prod, |api, column| {
        let (project, key) = (project.clone(), key(column));
        async move { api.create_secret(&project, "prod", "/", &key, "v").await }
    })
    .await;
}

#[tokio::test]
async fn the_infisical_routes_apply_the_same_rule_to_sessions() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let expected = [200, 200, 200, 403, 403, 404, 403];
    team.row("GET /api/v3/secrets/raw prod", expected, |api, _| {
        let path =
            format!("/api/v3/secrets/raw?workspaceId={project}&environment=prod&secretPath=/");
        async move { api.get(&path).await }
    })
    .await;
}

#[tokio::test]
async fn service_tokens_are_listed_and_minted_by_developers_only_within_their_environments() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let list = [200, 200, 200, 200, 403, 404, 403];
    team.row("GET service-tokens", list, |api, _| {
        let project = project.clone();
        async move { api.list_tokens(&project).await }
    })
    .await;
    let mint = |env: &'static str| {
        let project = project.clone();
        move |api: crate::helpers::Api, column: &'static str| {
            let project = project.clone();
            let body = json!({ "name": column, "scopes": [{ "environment": env }], "permissions": ["read"], "expiresIn": null });
            async move { api.mint(&project, body).await }
        }
    };
    team.row("mint dev", [201, 201, 201, 201, 403, 404, 403], mint("dev"))
        .await;
    team.row(
        "mint prod",
        [201, 201, 201, 403, 403, 404, 403],
        mint("prod"),
    )
    .await;
}

#[tokio::test]
async fn a_project_is_deleted_by_its_admins_only() {
    let team = Team::spawn().await;
    let callers = team.callers();
    let refused = [(3, 403), (4, 403), (5, 404), (6, 403)];
    for (column, status) in refused {
        let answer = callers[column].delete_project(&team.project).await;
        assert_eq!(answer.status.as_u16(), status, "column {column}: {answer}");
    }
    let deleted = callers[2].delete_project(&team.project).await;
    assert_eq!(deleted.status.as_u16(), 204, "{deleted}");
    for column in [0, 1] {
        let other = team.app.create_project(&format!("other {column}")).await;
        let answer = callers[column].delete_project(&other).await;
        assert_eq!(answer.status.as_u16(), 204, "column {column}: {answer}");
    }
}

#[tokio::test]
async fn the_project_list_holds_only_what_the_caller_may_see() {
    let team = Team::spawn().await;
    team.app.create_project("Elsewhere").await;
    let count = |answer: &crate::helpers::Answer| answer["projects"].as_array().unwrap().len();
    let callers = team.callers();
    assert_eq!(count(&callers[0].list_projects().await), 2);
    assert_eq!(count(&callers[1].list_projects().await), 2);
    let developer = callers[3].list_projects().await;
    assert_eq!(count(&developer), 1);
    assert_eq!(developer["projects"][0]["id"], team.project.as_str());
    assert_eq!(count(&callers[5].list_projects().await), 0);
}

#[tokio::test]
async fn a_batch_of_secrets_needs_only_write_access_in_its_environment() {
    let team = Team::spawn().await;
    let project = team.project.clone();
    let batch = |env: &'static str| {
        let project = project.clone();
        move |api: crate::helpers::Api, column: &'static str| {
            let project = project.clone();
            let key = slug(column).replace('-', "_").to_uppercase();
            let body = json!({ "environment": env, "path": "/", "secrets": [{ "key": key, "value": "v" }] });
            async move { api.write_batch(&project, body).await }
        }
    };
    let dev = [200, 200, 200, 200, 403, 404, 200];
    team.row("batch dev", dev, batch("dev")).await;
    let prod = [200, 200, 200, 403, 403, 404, 403];
    team.row("batch prod", prod, batch("prod")).await;
}

//! DESIGN §9's "versions, trash, restore" row over HTTP, every column: owner, admin, project
//! admin, developer (dev only), viewer (dev only), a member of no project (404), and a service
//! token of the project with read and write on `dev:/**` (403).

use crate::teams::support::Team;
use envkeep::time::{now_millis, rfc3339};
use serde_json::json;

/// The team's project with a history for `DEV_KEY` and `PROD_KEY` (a second version each) and a
/// trashed secret in each environment; returns the trashed ids (dev, prod).
async fn with_history(team: &Team) -> (String, String) {
    let admin = team.app.as_admin();
    let p = &team.project;
    for env in ["dev", "prod"] {
        let key = format!("{}_KEY", env.to_uppercase());
        admin.update_secret(p, env, "/", &key, "second").await;
        team.app.create_secret(p, env, "/", "GONE", "v").await;
        admin.delete_secret(p, env, "/", "GONE").await;
    }
    let trashed = |env: &'static str| {
        let admin = team.app.as_admin();
        let p = p.clone();
        async move {
            let listed = admin
                .get(&format!("/api/v1/projects/{p}/trash?environment={env}"))
                .await;
            listed["secrets"][0]["id"].as_str().unwrap().to_owned()
        }
    };
    (trashed("dev").await, trashed("prod").await)
}

#[tokio::test]
async fn versions_and_the_trash_are_read_in_the_members_environments_and_never_by_tokens() {
    let team = Team::spawn().await;
    let (dev_gone, prod_gone) = with_history(&team).await;
    let p = team.project.clone();
    let base = format!("/api/v1/projects/{p}");
    let dev = [200, 200, 200, 200, 200, 404, 403];
    let prod = [200, 200, 200, 403, 403, 404, 403];
    let url = format!("{base}/secrets/DEV_KEY/versions?environment=dev&path=/");
    team.row("GET dev versions", dev, |api, _| {
        let url = url.clone();
        async move { api.get(&url).await }
    })
    .await;
    let url = format!("{base}/secrets/PROD_KEY/versions?environment=prod&path=/");
    team.row("GET prod versions", prod, |api, _| {
        let url = url.clone();
        async move { api.get(&url).await }
    })
    .await;
    let url = format!("{base}/trash?environment=dev");
    team.row("GET dev trash", dev, |api, _| {
        let url = url.clone();
        async move { api.get(&url).await }
    })
    .await;
    let url = format!("{base}/trash/{prod_gone}/versions");
    team.row("GET prod trashed versions", prod, |api, _| {
        let url = url.clone();
        async move { api.get(&url).await }
    })
    .await;
    let _ = dev_gone;
}

#[tokio::test]
async fn versions_are_restored_by_developers_in_their_environments_and_never_by_viewers() {
    let team = Team::spawn().await;
    with_history(&team).await;
    let base = format!("/api/v1/projects/{}", team.project);
    let dev = [200, 200, 200, 200, 403, 404, 403];
    let prod = [200, 200, 200, 403, 403, 404, 403];
    for (env, expected) in [("dev", dev), ("prod", prod)] {
        let url = format!("{base}/secrets/{}_KEY/restore", env.to_uppercase());
        team.row(&format!("POST {env} restore"), expected, |api, _| {
            let url = url.clone();
            async move {
                api.post_json(
                    &url,
                    json!({ "environment": env, "path": "/", "version": 1 }),
                )
                .await
            }
        })
        .await;
    }
}

#[tokio::test]
async fn trashed_secrets_are_restored_by_developers_in_their_environments_only() {
    let team = Team::spawn().await;
    with_history(&team).await;
    let base = format!("/api/v1/projects/{}", team.project);
    // Each caller restores its own trashed secret, so a success does not leave a 409 for the next.
    let callers = [
        "owner",
        "admin",
        "project admin",
        "developer",
        "viewer",
        "outsider",
        "token",
    ];
    let mut ids = std::collections::HashMap::new();
    for env in ["dev", "prod"] {
        for column in callers {
            let key = format!("T_{}", column.replace(' ', "_").to_uppercase());
            team.app
                .create_secret(&team.project, env, "/", &key, "v")
                .await;
            team.app
                .as_admin()
                .delete_secret(&team.project, env, "/", &key)
                .await;
            let listed = team
                .app
                .as_admin()
                .get(&format!("{base}/trash?environment={env}"))
                .await;
            ids.insert(
                (env, column),
                listed["secrets"][0]["id"].as_str().unwrap().to_owned(),
            );
        }
    }
    let dev = [201, 201, 201, 201, 403, 404, 403];
    let prod = [201, 201, 201, 403, 403, 404, 403];
    for (env, expected) in [("dev", dev), ("prod", prod)] {
        team.row(
            &format!("POST {env} trash restore"),
            expected,
            |api, column| {
                let url = format!("{base}/trash/{}/restore", ids[&(env, column)]);
                async move { api.post_json(&url, json!({})).await }
            },
        )
        .await;
    }
}

#[tokio::test]
async fn folders_are_restored_to_a_time_by_developers_in_their_environments_only() {
    let team = Team::spawn().await;
    let base = format!("/api/v1/projects/{}", team.project);
    let at = rfc3339(now_millis());
    let dev = [200, 200, 200, 200, 403, 404, 403];
    let prod = [200, 200, 200, 403, 403, 404, 403];
    for (env, expected) in [("dev", dev), ("prod", prod)] {
        let url = format!("{base}/environments/{env}/restore");
        let at = at.clone();
        team.row(&format!("POST {env} folder restore"), expected, |api, _| {
            let (url, at) = (url.clone(), at.clone());
            async move {
                api.post_json(&url, json!({ "at": at, "path": "/", "dryRun": true }))
                    .await
            }
        })
        .await;
    }
}

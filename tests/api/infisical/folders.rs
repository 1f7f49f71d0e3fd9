use super::fixture;
use reqwest::StatusCode;

#[tokio::test]
async fn folders_list_the_children_in_scope() {
    let f = fixture().await;
    let url = format!(
        "/api/v1/folders?workspaceId={}&environment=dev&path=/",
        f.project
    );
    let glob = f.glob().get(&url).await;
    assert_eq!(glob.status, StatusCode::OK, "{glob}");
    assert_eq!(glob["folders"][0]["name"], "app");
    let single = f.single().get(&url).await;
    assert_eq!(single.status, StatusCode::OK, "{single}");
    assert_eq!(
        single["folders"].as_array().unwrap().len(),
        1,
        "only the folder leading into the scope"
    );
    let outside = format!(
        "/api/v1/folders?workspaceId={}&environment=staging&path=/",
        f.project
    );
    assert_eq!(
        f.single().get(&outside).await.status,
        StatusCode::FORBIDDEN,
        "no scope in staging"
    );
}

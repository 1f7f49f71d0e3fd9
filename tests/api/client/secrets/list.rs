use crate::client::*;

/// A read token for dev:/app of a project with secrets inside and outside that scope.
async fn app_reader(app: &TestApp) -> String {
    let project = project_with_scoped_secrets(app).await;
    mint_read(app, &project, "dev", "/app").await
}

#[tokio::test]
async fn list_prints_a_table() {
    let app = TestApp::spawn().await;
    let token = app_reader(&app).await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "list"]);
    let table = text(&output(&mut command).await.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines,
        [
            "KEY      VALUE",
            "APP_KEY  yes",
            "APP_URL  https://app.example.com"
        ]
    );
}

#[tokio::test]
async fn list_json_prints_the_secrets_as_an_array() {
    let app = TestApp::spawn().await;
    let token = app_reader(&app).await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "list", "--json"]);
    let json: Value = serde_json::from_slice(&output(&mut command).await.stdout).unwrap();
    let keys: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["APP_KEY", "APP_URL"]);
}

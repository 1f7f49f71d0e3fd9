use crate::helpers::TestApp;

#[tokio::test]
async fn recursive_listing_returns_the_subtree_and_values_survive_exactly() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Tree").await;
    let multi = "line one\nline two\n\ttabbed \"quoted\" = sign";
    app.create_secret(&project, "dev", "/", "ROOT", "").await;
    app.create_secret(&project, "dev", "/app", "MULTI", multi)
        .await;
    app.create_secret(&project, "dev", "/app/db", "UNICODE", "héllo wörld ✓ 🔑")
        .await;
    let listed = app
        .as_admin()
        .list_secrets_recursive(&project, "dev", "/")
        .await;
    let got: Vec<(String, String)> = listed["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                format!(
                    "{}:{}",
                    s["path"].as_str().unwrap(),
                    s["key"].as_str().unwrap()
                ),
                s["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("/:ROOT".to_owned(), String::new()),
            ("/app:MULTI".to_owned(), multi.to_owned()),
            ("/app/db:UNICODE".to_owned(), "héllo wörld ✓ 🔑".to_owned())
        ]
    );
}

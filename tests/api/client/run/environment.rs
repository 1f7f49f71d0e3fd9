//! What `envkeep run` puts in the command's environment.

use crate::client::*;

#[tokio::test]
async fn run_injects_exactly_the_scoped_secrets_inferring_environment_and_path() {
    let app = TestApp::spawn().await;
    let project = project_with_scoped_secrets(&app).await;
    let token = mint_read(&app, &project, "dev", "/app").await;
    let added = injected(&app, &token, &[]).await;
    let expected: BTreeMap<String, String> =
        [("APP_KEY", "yes"), ("APP_URL", "https://app.example.com")]
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
    assert_eq!(added, expected);
}

#[tokio::test]
async fn run_recursive_includes_subfolders_within_the_scope_and_deeper_folders_win() {
    let app = TestApp::spawn().await;
    let project = app.create_project("recursive").await;
    app.create_secret(&project, "dev", "/app", "SHARED", "app")
        .await;
    app.create_secret(&project, "dev", "/app/db", "SHARED", "db")
        .await;
    app.create_secret(&project, "dev", "/app/db", "DB_ONLY", "x")
        .await;
    app.create_secret(&project, "dev", "/other", "OUTSIDE", "no")
        .await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app/**", &["read"])
        .await;
    let added = injected(&app, &token, &["--path", "/app", "--recursive"]).await;
    assert_eq!(added.get("SHARED").map(String::as_str), Some("db"));
    assert_eq!(added.get("DB_ONLY").map(String::as_str), Some("x"));
    assert!(!added.contains_key("OUTSIDE"));
}

#[tokio::test]
async fn values_with_equals_signs_and_newlines_survive_run() {
    let app = TestApp::spawn().await;
    let project = app.create_project("values").await;
    let values = [
        ("EQUALS", "a=b==c="),
        (
            "MULTILINE",
            "-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\n",
        ),
        ("QUOTES", r#"it's "quoted" $HOME `id` \n"#),
        ("EMPTY", ""),
    ];
    for (key, value) in values {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let token = mint_read(&app, &project, "dev", "/").await;
    let added = injected(&app, &token, &[]).await;
    let expected: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    assert_eq!(added, expected);
}

#[tokio::test]
async fn existing_variables_win_unless_override_is_given() {
    let app = TestApp::spawn().await;
    let project = app.create_project("override").await;
    app.create_secret(&project, "dev", "/", "GREETING", "from-envkeep")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for (flag, expected) in [(None, "from-shell"), (Some("--override"), "from-envkeep")] {
        let mut command = envkeep(&app.base, &token);
        command
            .env("GREETING", "from-shell")
            .arg("run")
            .args(flag)
            .args(["--", "sh", "-c", "printf %s \"$GREETING\""]);
        let out = output(&mut command).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout), expected, "flag {flag:?}");
    }
}

#[tokio::test]
async fn names_that_are_not_variable_names_are_skipped_with_a_warning() {
    let app = TestApp::spawn().await;
    let project = app.create_project("names").await;
    app.create_secret(&project, "dev", "/", "GOOD_NAME", "1")
        .await;
    app.create_secret(&project, "dev", "/", "has.dot", "2")
        .await;
    app.create_secret(&project, "dev", "/", "has-dash", "3")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "env", "-0"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0));
    let env = parse_env0(&out.stdout);
    assert_eq!(env.get("GOOD_NAME").map(String::as_str), Some("1"));
    assert!(!env.contains_key("has.dot") && !env.contains_key("has-dash"));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("has.dot") && stderr.contains("has-dash"),
        "{stderr}"
    );
}

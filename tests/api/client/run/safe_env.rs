//! What `envkeep run` keeps out of the command's environment: its own token, and loader and
//! shell-startup variables that whoever writes secrets could use to run code in the command.

use crate::client::*;

/// The command's environment (`env -0`) and envkeep's stderr.
async fn child_env(
    app: &TestApp,
    token: &str,
    args: &[&str],
) -> (BTreeMap<String, String>, String) {
    let mut command = envkeep(&app.base, token);
    command.arg("run").args(args).args(["--", "env", "-0"]);
    let out = output(&mut command).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    (parse_env0(&out.stdout), stderr)
}

#[tokio::test]
async fn the_token_is_not_passed_to_the_command_unless_keep_token_is_given() {
    let app = TestApp::spawn().await;
    let project = app.create_project("token").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let (env, _) = child_env(&app, &token, &[]).await;
    assert!(!env.contains_key("ENVKEEP_TOKEN"));
    assert!(env.contains_key("ENVKEEP_URL"), "only the token is removed");
    let (kept, _) = child_env(&app, &token, &["--keep-token"]).await;
    assert_eq!(kept.get("ENVKEEP_TOKEN"), Some(&token));
}

#[tokio::test]
async fn loader_and_shell_startup_names_from_the_server_are_refused_with_a_warning_naming_them() {
    let app = TestApp::spawn().await;
    let project = app.create_project("refused").await;
    for (key, value) in [
        ("LD_PRELOAD", "/tmp/evil.so"),
        ("BASH_ENV", "/tmp/evil.sh"),
        ("NODE_OPTIONS", "--require /tmp/evil.js"),
        ("ENVKEEP_URL", "https://attacker.example"),
        ("APP_SETTING", "fine"),
    ] {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let token = mint_read(&app, &project, "dev", "/").await;
    let (env, stderr) = child_env(&app, &token, &["--override"]).await;
    assert_eq!(env.get("APP_SETTING").map(String::as_str), Some("fine"));
    for refused in ["LD_PRELOAD", "BASH_ENV", "NODE_OPTIONS"] {
        assert!(!env.contains_key(refused), "{refused} reached the command");
        assert!(stderr.contains(refused), "{refused} not named: {stderr}");
    }
    assert_eq!(
        env.get("ENVKEEP_URL"),
        Some(&app.base),
        "the server's ENVKEEP_URL replaced envkeep's own, even with --override"
    );
    assert!(stderr.contains("--allow-env"), "{stderr}");
}

#[tokio::test]
async fn allow_env_lets_one_refused_name_in() {
    let app = TestApp::spawn().await;
    let project = app.create_project("allowed").await;
    app.create_secret(
        &project,
        "dev",
        "/",
        "NODE_OPTIONS",
        "--max-old-space-size=512",
    )
    .await;
    app.create_secret(&project, "dev", "/", "LD_PRELOAD", "/tmp/evil.so")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let (env, _) = child_env(&app, &token, &["--allow-env", "NODE_OPTIONS"]).await;
    assert_eq!(
        env.get("NODE_OPTIONS").map(String::as_str),
        Some("--max-old-space-size=512")
    );
    assert!(!env.contains_key("LD_PRELOAD"));
}

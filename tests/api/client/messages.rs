//! Messages that tell a CI user what to do: an unset URL, a URL with a path, https on a
//! plain-http port, an expired token, a refused path; the path a glob scope defaults to; server
//! text escaped; the examples at the end of `--help`.

use crate::client::*;

/// `envkeep run -- true` with these variables set (and only PATH besides).
async fn run_true(vars: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String) {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(vars.iter().copied())
        .arg("run")
        .args(args)
        .args(["--", "true"])
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let out = output(&mut command).await;
    (out.status.code(), text(&out.stderr))
}

fn any_token() -> String {
    format!(
        "st.{}.{}.{}",
        "a".repeat(32),
        "b".repeat(32),
        "c".repeat(32)
    )
}

#[tokio::test]
async fn with_no_url_set_a_refused_connection_says_the_default_was_tried() {
    if std::net::TcpStream::connect("127.0.0.1:8080").is_ok() {
        eprintln!("skipped: something listens on the default 127.0.0.1:8080 here");
        return;
    }
    let token = any_token();
    let (code, stderr) = run_true(&[("ENVKEEP_TOKEN", &token)], &[]).await;
    assert_eq!(code, Some(69), "{stderr}");
    assert!(
        stderr.contains("ENVKEEP_URL is not set")
            && stderr.contains("http://127.0.0.1:8080 was tried"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_url_with_a_path_exits_70_asking_for_the_base_url() {
    let app = TestApp::spawn().await;
    let project = app.create_project("base").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let url = format!("{}/api", app.base);
    let (code, stderr) = run_true(&[("ENVKEEP_TOKEN", &token), ("ENVKEEP_URL", &url)], &[]).await;
    assert_eq!(code, Some(70), "{stderr}");
    assert!(
        stderr.contains("is ENVKEEP_URL the server's base URL?"),
        "{stderr}"
    );
}

#[tokio::test]
async fn https_on_a_plain_http_port_says_the_server_does_not_speak_tls_there() {
    let app = TestApp::spawn().await;
    let url = format!("https://127.0.0.1:{}", app.port);
    let token = any_token();
    let (code, stderr) = run_true(&[("ENVKEEP_TOKEN", &token), ("ENVKEEP_URL", &url)], &[]).await;
    assert_eq!(code, Some(69), "{stderr}");
    assert!(
        stderr.contains("the server does not speak TLS on this port"),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_expired_token_says_when_it_expired_and_where_a_new_one_is_minted() {
    let app = TestApp::spawn().await;
    let project = app.create_project("expired").await;
    let body = json!({ "name": "short", "scopes": [{ "environment": "dev", "secretPath": "/" }], "permissions": ["read"], "expiresIn": 60 });
    let (token, id) = app.mint(&project, body).await;
    app.sqlite()
        .execute(
            "UPDATE service_tokens SET expires_at = 1700000000123 WHERE id = ?1",
            [&id],
        )
        .unwrap();
    let (code, stderr) = run_true(
        &[("ENVKEEP_TOKEN", &token), ("ENVKEEP_URL", &app.base)],
        &[],
    )
    .await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(
        stderr.contains("expired at 2023-11-14T22:13:20.123Z"),
        "{stderr}"
    );
    assert!(stderr.contains("Access Control"), "{stderr}");
}

#[tokio::test]
async fn a_glob_scope_defaults_the_path_to_its_base() {
    let app = TestApp::spawn().await;
    let project = project_with_scoped_secrets(&app).await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app/**", &["read"])
        .await;
    let added = injected(&app, &token, &[]).await;
    let names: Vec<&str> = added.keys().map(String::as_str).collect();
    assert_eq!(names, ["APP_KEY", "APP_URL"], "the secrets of /app, not /");
}

#[tokio::test]
async fn a_refused_path_prints_the_scopes_and_a_path_that_works() {
    let app = TestApp::spawn().await;
    let project = project_with_scoped_secrets(&app).await;
    let (token, _) = app
        .mint_scoped(&project, "ci", "dev", "/app/**", &["read"])
        .await;
    let vars = [
        ("ENVKEEP_TOKEN", token.as_str()),
        ("ENVKEEP_URL", app.base.as_str()),
    ];
    let (code, stderr) = run_true(&vars, &["--path", "/"]).await;
    assert_eq!(code, Some(77), "{stderr}");
    assert!(stderr.contains("dev:/app/**"), "{stderr}");
    assert!(stderr.contains("--path /app --recursive"), "{stderr}");
}

#[tokio::test]
async fn control_characters_in_the_servers_messages_are_escaped() {
    let app = TestApp::spawn().await;
    let project = app.create_project("escapes").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    // The server's 403 repeats the project id it was sent; a terminal must not obey the escape.
    command.args(["secrets", "get", "NAME", "--env", "dev", "--path", "/"]);
    command.args(["--project", "\u{1b}[2J\u{7}X"]);
    let out = output(&mut command).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(77), "{stderr}");
    assert!(stderr.contains("\\u{001b}[2J\\u{0007}X"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
}

#[tokio::test]
async fn run_and_secrets_help_end_with_examples() {
    for command in ["run", "secrets"] {
        let out = output(Command::new(BIN).args([command, "--help"])).await;
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let examples = help
            .rsplit_once("Examples:")
            .map(|(_, examples)| examples)
            .unwrap_or_else(|| panic!("no examples in {command} --help:\n{help}"));
        for wanted in ["CI", "Docker entrypoint", "--output"] {
            assert!(examples.contains(wanted), "{command}: {wanted} missing");
        }
        assert!(!examples.contains("Exit codes"), "the examples come last");
    }
}

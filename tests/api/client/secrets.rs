//! `envkeep secrets`: permissions, stdin, output, exports.

use super::*;

#[tokio::test]
async fn a_read_only_token_cannot_set_and_the_secret_is_unchanged() {
    let app = spawn_app().await;
    let project = app.create_project("readonly").await;
    app.create_secret(&project, "dev", "/", "LOCKED", "original")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for args in [
        &["secrets", "set", "LOCKED", "changed"][..],
        &["secrets", "set", "NEW", "x"],
        &["secrets", "delete", "LOCKED"],
    ] {
        let mut command = envkeep(&app.base, &token);
        command.args(args);
        let out = output(&mut command).await;
        assert_eq!(
            out.status.code(),
            Some(77),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stderr).contains("403"), "{}", text(&out.stderr));
    }
    let response = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/LOCKED?environment=dev"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["secret"]["value"],
        "original"
    );
}

#[tokio::test]
async fn a_write_token_sets_from_stdin_updates_gets_and_deletes() {
    let app = spawn_app().await;
    let project = app.create_project("write").await;
    let token = mint_write(&app, &project, "dev", "/svc").await;

    // From stdin: the value never appears in argv (shell history, ps).
    let mut command = envkeep(&app.base, &token);
    command
        .args(["secrets", "set", "API_TOKEN", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"multi\nline=value\n")
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        summary,
        json!({ "key": "API_TOKEN", "environment": "dev", "path": "/svc", "version": 1 })
    );

    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "set", "API_TOKEN", "second"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("version 2"),
        "{}",
        text(&out.stdout)
    );

    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "get", "API_TOKEN", "--json"]);
    let out = output(&mut command).await;
    let secret: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (secret["value"].as_str(), secret["path"].as_str()),
        (Some("second"), Some("/svc"))
    );

    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "delete", "API_TOKEN"]);
    assert_eq!(output(&mut command).await.status.code(), Some(0));
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "get", "API_TOKEN"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(66), "{}", text(&out.stderr));
}

#[tokio::test]
async fn set_from_stdin_keeps_the_value_exact_apart_from_one_line_break() {
    let app = spawn_app().await;
    let project = app.create_project("stdin").await;
    let token = mint_write(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command
        .args(["secrets", "set", "PEM", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"line1\nline2\n\n")
        .await
        .unwrap();
    assert_eq!(child.wait().await.unwrap().code(), Some(0));
    let response = app
        .admin(
            Method::GET,
            &format!("/api/v1/projects/{project}/secrets/PEM?environment=dev"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap()["secret"]["value"],
        "line1\nline2\n"
    );
}

#[tokio::test]
async fn list_prints_a_table_or_json() {
    let app = spawn_app().await;
    let project = project_with_scoped_secrets(&app).await;
    let token = mint_read(&app, &project, "dev", "/app").await;
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

#[tokio::test]
async fn a_token_with_several_environments_needs_env_and_exits_64_without_it() {
    let app = spawn_app().await;
    let project = app.create_project("multi").await;
    app.create_secret(&project, "prod", "/", "P", "prod-value")
        .await;
    let body = json!({ "name": "ci", "scopes": [{ "environment": "dev", "secretPath": "/" }, { "environment": "prod", "secretPath": "/" }], "permissions": ["read"], "expiresIn": null });
    let (token, _) = app.mint(&project, body).await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "get", "P"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(64));
    assert!(
        text(&out.stderr).contains("dev, prod"),
        "{}",
        text(&out.stderr)
    );
    let mut command = envkeep(&app.base, &token);
    command
        .env("ENVKEEP_ENV", "prod")
        .args(["secrets", "get", "P"]);
    assert_eq!(text(&output(&mut command).await.stdout), "prod-value\n");
}

async fn export(app: &TestApp, token: &str, format: &str) -> String {
    let mut command = envkeep(&app.base, token);
    command.args(["secrets", "export", "--format", format]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[tokio::test]
async fn export_round_trips_through_dotenvy_bash_and_json() {
    let app = spawn_app().await;
    let project = app.create_project("export").await;
    for (key, value) in TRICKY {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let token = mint_read(&app, &project, "dev", "/").await;
    let expected: BTreeMap<String, String> = TRICKY
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();

    let dotenv = export(&app, &token, "dotenv").await;
    let parsed: BTreeMap<String, String> = dotenvy::from_read_iter(dotenv.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(parsed, expected, "{dotenv}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secrets.sh");
    std::fs::write(&file, export(&app, &token, "shell").await).unwrap();
    let out = Command::new("bash")
        .env_clear()
        .arg("-c")
        .arg("set -a; source \"$1\"; exec env -0")
        .arg("bash")
        .arg(&file)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sourced = parse_env0(&out.stdout);
    for (key, value) in TRICKY {
        assert_eq!(
            sourced.get(*key).map(String::as_str),
            Some(*value),
            "{key} after bash source"
        );
    }

    let json: BTreeMap<String, String> =
        serde_json::from_str(&export(&app, &token, "json").await).unwrap();
    assert_eq!(json, expected);
}

#[tokio::test]
async fn export_to_a_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_app().await;
    let project = app.create_project("export-file").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(".env");
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "export", "--output"]).arg(&file);
    assert_eq!(output(&mut command).await.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "A=\"1\"\n");
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

//! `envkeep secrets export` in each format.

use crate::client::*;

async fn export(app: &TestApp, token: &str, format: &str) -> String {
    let mut command = envkeep(&app.base, token);
    command.args(["secrets", "export", "--format", format]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// A read token for dev:/ of a project holding the TRICKY values, and those values as a map.
async fn tricky_reader(app: &TestApp) -> (String, BTreeMap<String, String>) {
    let project = app.create_project("export").await;
    for (key, value) in TRICKY {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let expected = TRICKY
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    (mint_read(app, &project, "dev", "/").await, expected)
}

#[tokio::test]
async fn a_dotenv_export_round_trips_through_dotenvy() {
    let app = TestApp::spawn().await;
    let (token, expected) = tricky_reader(&app).await;
    let dotenv = export(&app, &token, "dotenv").await;
    let parsed: BTreeMap<String, String> = dotenvy::from_read_iter(dotenv.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(parsed, expected, "{dotenv}");
}

#[tokio::test]
async fn a_shell_export_round_trips_through_bash_source() {
    let app = TestApp::spawn().await;
    let (token, _) = tricky_reader(&app).await;
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
}

#[tokio::test]
async fn a_json_export_round_trips_through_a_json_parser() {
    let app = TestApp::spawn().await;
    let (token, expected) = tricky_reader(&app).await;
    let json: BTreeMap<String, String> =
        serde_json::from_str(&export(&app, &token, "json").await).unwrap();
    assert_eq!(json, expected);
}

#[tokio::test]
async fn export_to_a_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
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

#[tokio::test]
async fn a_shell_export_refuses_a_value_with_a_nul_byte() {
    let app = TestApp::spawn().await;
    let project = app.create_project("nul").await;
    app.create_secret(&project, "dev", "/", "CUT", "before\0after")
        .await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["secrets", "export", "--format", "shell"]);
    let out = output(&mut command).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(stderr.contains("CUT") && stderr.contains("NUL"), "{stderr}");
    assert_eq!(text(&out.stdout), "", "a cut value was written");
}

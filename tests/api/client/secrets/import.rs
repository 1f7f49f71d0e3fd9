//! `envkeep secrets import`: a file's secrets sent as one batch; what `export` writes imports
//! back; dry runs; overwrite; and refusals that name the file's line.

use crate::client::*;
use std::path::{Path, PathBuf};

/// `envkeep secrets import <args>` with `token`; returns (exit code, stdout, stderr).
async fn import(app: &TestApp, token: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = envkeep(&app.base, token);
    command.args(["secrets", "import"]).args(args);
    let out = output(&mut command).await;
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn write_file(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, contents).unwrap();
    file
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

async fn value(app: &TestApp, project: &str, env: &str, key: &str) -> Value {
    app.as_admin().get_secret(project, env, "/", key).await["secret"]["value"].clone()
}

/// A project whose dev:/ holds A=1, and a read/write token for it.
async fn project_with_a(app: &TestApp) -> (String, String) {
    let project = app.create_project("import").await;
    app.create_secret(&project, "dev", "/", "A", "1").await;
    let token = mint_write(app, &project, "dev", "/").await;
    (project, token)
}

#[tokio::test]
async fn what_export_writes_imports_back_unchanged_in_every_format() {
    let app = TestApp::spawn().await;
    let project = app.create_project("round-trip").await;
    for (key, value) in TRICKY {
        app.create_secret(&project, "dev", "/", key, value).await;
    }
    let reader = mint_read(&app, &project, "dev", "/").await;
    let dir = tempfile::tempdir().unwrap();
    for (format, env) in [("dotenv", "staging"), ("json", "prod"), ("yaml", "dev")] {
        let mut command = envkeep(&app.base, &reader);
        command.args(["secrets", "export", "--format", format]);
        let exported = output(&mut command).await;
        assert_eq!(
            exported.status.code(),
            Some(0),
            "{}",
            text(&exported.stderr)
        );
        let file = write_file(
            dir.path(),
            &format!("secrets.{format}"),
            &text(&exported.stdout),
        );
        let path = if env == "dev" { "/copy" } else { "/" };
        let writer = mint_write(&app, &project, env, path).await;
        let (code, stdout, stderr) = import(&app, &writer, &[arg(&file)]).await;
        assert_eq!(code, Some(0), "{format}: {stderr}");
        assert!(
            stdout.contains(&format!("{} created", TRICKY.len())),
            "{stdout}"
        );
        let listed = app.as_admin().list_secrets(&project, env, path).await;
        let imported: BTreeMap<String, String> = listed["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["key"].as_str().unwrap().to_owned(),
                    s["value"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: BTreeMap<String, String> = TRICKY
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        assert_eq!(imported, expected, "{format}");
    }
}

#[tokio::test]
async fn variables_in_an_imported_file_are_stored_literally() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(
        dir.path(),
        ".env",
        "H=${HOME}\nR=$ENVKEEP_ROOT_KEY\nQ=\"${HOME}\"\n",
    );
    let mut command = envkeep(&app.base, &token);
    command
        .env("HOME", "/home/someone")
        .env("ENVKEEP_ROOT_KEY", "must-never-be-copied")
        .args(["secrets", "import"])
        .arg(&file);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(value(&app, &project, "dev", "H").await, "${HOME}");
    assert_eq!(value(&app, &project, "dev", "R").await, "$ENVKEEP_ROOT_KEY");
    assert_eq!(value(&app, &project, "dev", "Q").await, "${HOME}");
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), ".env", "A=2\nB=3\n");
    let (code, stdout, stderr) =
        import(&app, &token, &["--dry-run", "--overwrite", arg(&file)]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("created      B\n"), "{stdout}");
    assert!(stdout.contains("overwritten  A\n"), "{stdout}");
    assert!(
        stdout.ends_with("dry run, nothing written: dev:/ would get 1 created, 1 overwritten\n"),
        "{stdout}"
    );
    assert_eq!(value(&app, &project, "dev", "A").await, "1");
    let b = app.as_admin().get_secret(&project, "dev", "/", "B").await;
    assert_eq!(b.status, reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn existing_names_are_skipped_unless_overwrite_is_given() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), ".env", "A=2\nB=3\n");
    let (code, stdout, _) = import(&app, &token, &[arg(&file)]).await;
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("skipped      A  (has another value; --overwrite replaces it)"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("imported into dev:/: 1 created, 1 skipped\n"),
        "{stdout}"
    );
    assert_eq!(value(&app, &project, "dev", "A").await, "1");
    let (code, stdout, _) = import(&app, &token, &["--overwrite", arg(&file)]).await;
    assert_eq!(code, Some(0));
    assert!(
        stdout.ends_with("imported into dev:/: 1 overwritten, 1 unchanged\n"),
        "{stdout}"
    );
    assert_eq!(value(&app, &project, "dev", "A").await, "2");
}

#[tokio::test]
async fn a_bad_file_is_refused_naming_its_line_and_nothing_is_sent() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), ".env", "B=1\n# note\nC=\"never closed\nD=2\n");
    let (code, _, stderr) = import(&app, &token, &[arg(&file)]).await;
    assert_eq!(code, Some(65), "{stderr}");
    assert!(stderr.contains(".env: line 3: "), "{stderr}");
    assert!(stderr.contains("never closed"), "{stderr}");
    let b = app.as_admin().get_secret(&project, "dev", "/", "B").await;
    assert_eq!(b.status, reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_value_the_server_refuses_is_named_by_its_line() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let dir = tempfile::tempdir().unwrap();
    let contents = format!("B=1\n\nBIG={}\n", "x".repeat(65_537));
    let file = write_file(dir.path(), ".env", &contents);
    let (code, _, stderr) = import(&app, &token, &[arg(&file)]).await;
    assert_eq!(code, Some(65), "{stderr}");
    assert!(
        stderr.contains("line 3: BIG: must be at most 65536 bytes"),
        "{stderr}"
    );
    let b = app.as_admin().get_secret(&project, "dev", "/", "B").await;
    assert_eq!(b.status, reqwest::StatusCode::NOT_FOUND, "all or nothing");
}

#[tokio::test]
async fn an_import_reads_stdin_and_prints_json_with_dash_and_json() {
    let app = TestApp::spawn().await;
    let (project, token) = project_with_a(&app).await;
    let mut command = envkeep(&app.base, &token);
    command
        .args(["secrets", "import", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"export PIPED='from stdin'\n")
        .await
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer["created"], json!(["PIPED"]), "{answer}");
    assert_eq!(value(&app, &project, "dev", "PIPED").await, "from stdin");
}

#[tokio::test]
async fn a_read_only_token_cannot_import() {
    let app = TestApp::spawn().await;
    let (project, _) = project_with_a(&app).await;
    let reader = mint_read(&app, &project, "dev", "/").await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), ".env", "B=1\n");
    let (code, _, stderr) = import(&app, &reader, &[arg(&file)]).await;
    assert_eq!(code, Some(77), "{stderr}");
}

#[tokio::test]
async fn a_write_only_token_is_told_only_that_names_exist() {
    let app = TestApp::spawn().await;
    let (project, _) = project_with_a(&app).await;
    let (writer, _) = app.mint_scoped(&project, "w", "dev", "/", &["write"]).await;
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), ".env", "A=1\n");
    let (code, stdout, stderr) = import(&app, &writer, &[arg(&file)]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("existing     A  (left as it is"),
        "{stdout}"
    );
}

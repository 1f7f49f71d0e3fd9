//! `envkeep run --fallback-cache`: the last good answer stands in while the server is down, never
//! after a refusal, never when too old, and never without the token's key part.

use crate::client::*;
use std::path::Path;

/// `run --fallback-cache CACHE [extra] -- sh -c 'printf %s "$GREETING"'` against `url`.
async fn run_cached(url: &str, token: &str, cache: &Path, extra: &[&str]) -> Output {
    let mut command = envkeep(url, token);
    command
        .args(["run", "--fallback-cache"])
        .arg(cache)
        .args(extra)
        .args(["--", "sh", "-c", r#"printf %s "$GREETING""#]);
    output(&mut command).await
}

/// A server with dev:/GREETING=cached, a read token, and one successful run that filled the
/// cache file in a temp dir; returns (app, project, token id, token, dir, cache file).
async fn cached_run() -> (
    TestApp,
    String,
    String,
    String,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let app = TestApp::spawn().await;
    let project = app.create_project("fallback").await;
    app.create_secret(&project, "dev", "/", "GREETING", "cached")
        .await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let first = run_cached(&app.base, &token, &cache, &[]).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(text(&first.stdout), "cached");
    assert!(cache.exists());
    (app, project, id, token, dir, cache)
}

#[tokio::test]
async fn with_the_server_stopped_the_command_runs_with_the_cached_values_and_a_warning_with_their_age(
) {
    let (app, _, _, token, _dir, cache) = cached_run().await;
    app.stop().await;
    let out = run_cached(&app.base, &token, &cache, &[]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(text(&out.stdout), "cached");
    assert!(stderr.contains("cannot reach"), "{stderr}");
    assert!(
        stderr.contains("running with the secrets cached") && stderr.contains("s ago"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_revoked_token_does_not_run_from_the_cache_and_the_cache_is_removed() {
    let (app, project, id, token, _dir, cache) = cached_run().await;
    app.revoke(&project, &id).await;
    let out = run_cached(&app.base, &token, &cache, &[]).await;
    assert_eq!(out.status.code(), Some(77), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "the command ran");
    assert!(
        !cache.exists(),
        "the revoked token's secrets stayed on disk"
    );
}

#[tokio::test]
async fn a_cache_older_than_the_max_age_does_not_run() {
    let (app, _, _, token, _dir, cache) = cached_run().await;
    app.stop().await;
    let out = run_cached(&app.base, &token, &cache, &["--fallback-max-age", "1ms"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(69), "{stderr}");
    assert_eq!(text(&out.stdout), "", "the command ran");
    assert!(stderr.contains("older than --fallback-max-age"), "{stderr}");
}

#[tokio::test]
async fn the_default_cache_is_a_private_sealed_file_under_xdg_cache_home() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    let project = app.create_project("fallback").await;
    app.create_secret(&project, "dev", "/", "GREETING", "plaintext-marker")
        .await;
    let (token, id) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let home = tempfile::tempdir().unwrap();
    let mut command = envkeep(&app.base, &token);
    command
        .env("XDG_CACHE_HOME", home.path())
        .args(["run", "--fallback-cache", "--", "true"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = home.path().join("envkeep");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with(&format!("{id}-")), "{name}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode(&files[0]), mode(&dir)), (0o600, 0o700));
    let bytes = std::fs::read(&files[0]).unwrap();
    assert!(!String::from_utf8_lossy(&bytes).contains("plaintext-marker"));
}

#[tokio::test]
async fn a_token_without_its_key_part_is_a_usage_error() {
    let app = TestApp::spawn().await;
    let project = app.create_project("fallback").await;
    let (token, _) = app.mint_scoped(&project, "ci", "dev", "/", &["read"]).await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_cached(&app.base, &access_part(&token), &dir.path().join("c"), &[]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(64), "{stderr}");
    assert!(stderr.contains("key part"), "{stderr}");
}

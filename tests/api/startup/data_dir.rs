//! A data dir's database and root key: kept across restarts, and checked before serving.

use crate::helpers::TestApp;
use envkeep::crypto::{root_key, Key32};
use reqwest::StatusCode;

#[tokio::test]
async fn restart_on_the_same_data_dir_keeps_everything() {
    let app = TestApp::spawn().await;
    let project = app.create_project("Durable").await;
    app.create_secret(&project, "prod", "/svc", "TOKEN", "survives restarts")
        .await;
    app.stop().await;

    let again = TestApp::spawn_with(|c| {
        c.use_data_dir(&app.data_dir);
        c.admin = None;
    })
    .await;
    assert!(
        again.state.setup.pending().is_none(),
        "the admin still exists"
    );
    let read = again
        .as_admin()
        .get_secret(&project, "prod", "/svc", "TOKEN")
        .await;
    assert_eq!(read.status, StatusCode::OK, "{read}");
    assert_eq!(read["secret"]["value"], "survives restarts");
}

#[tokio::test]
async fn the_generated_root_key_file_is_private() {
    let app = TestApp::spawn().await;
    let key_file = app.data_dir.join("root.key");
    assert!(root_key::read_file(&key_file).unwrap().is_some());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

/// A server that ran once on its data dir and stopped.
async fn stopped() -> TestApp {
    let app = TestApp::spawn_with(|c| c.admin = None).await;
    app.stop().await;
    app
}

#[tokio::test]
async fn a_wrong_root_key_refuses_to_start_with_a_clear_message() {
    let app = stopped().await;
    let other = Key32::generate();
    let encoded = root_key::encode(&other);
    let err = TestApp::try_spawn_with(|c| {
        c.use_data_dir(&app.data_dir);
        c.root_key = Some(other);
    })
    .await
    .err()
    .expect("refused");
    assert!(
        err.to_string()
            .contains("root key does not match this database"),
        "{err}"
    );
    assert!(
        !err.to_string().contains(&encoded),
        "the key is never echoed"
    );
}

#[tokio::test]
async fn a_database_whose_root_key_file_is_missing_refuses_to_start() {
    let app = stopped().await;
    let key_file = app.data_dir.join("root.key");
    std::fs::remove_file(&key_file).unwrap();
    let err = TestApp::try_spawn_with(|c| c.use_data_dir(&app.data_dir))
        .await
        .err()
        .expect("refused");
    assert!(err.to_string().contains("ENVKEEP_ROOT_KEY"), "{err}");
    assert!(
        !key_file.exists(),
        "no fresh key is generated over existing data"
    );
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused() {
    let app = stopped().await;
    app.sqlite()
        .pragma_update(None, "user_version", 999)
        .unwrap();
    let err = TestApp::try_spawn_with(|c| c.use_data_dir(&app.data_dir))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("newer than this envkeep supports"),
        "{err}"
    );
}

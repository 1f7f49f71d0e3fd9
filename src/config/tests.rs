//! Parsing the serve command's flags and environment into a Config.

use super::*;
use clap::Parser;

fn args(extra: &[&str]) -> ServeArgs {
    let mut argv = vec!["envkeep"];
    argv.extend_from_slice(extra);
    crate::cli::Cli::parse_from(argv).serve
}

#[test]
fn defaults_serve_a_newcomer() {
    let config = Config::from_args(&args(&[])).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(config.database, PathBuf::from("./data/envkeep.db"));
    assert_eq!(config.session_ttl, Duration::from_secs(12 * 3600));
    assert_eq!(config.session_idle, Duration::from_secs(3600));
    assert!(config.sweep_schedule.is_some());
}

#[test]
fn defaults_bound_folders_projects_and_listing_memory() {
    let config = Config::from_args(&args(&[])).unwrap();
    assert_eq!(config.limits.secrets_per_folder, 1_000);
    assert_eq!(config.limits.secrets_per_project, 50_000);
    assert_eq!(config.limits.sealed_bytes_per_project, 256 << 20);
    assert_eq!(config.listing_memory, 64 << 20);
    assert_eq!(config.listing_wait, Duration::from_secs(5));
}

#[test]
fn bad_settings_name_the_variable_and_the_fix() {
    for (flags, setting) in [
        (vec!["--bind", "nonsense"], "ENVKEEP_BIND"),
        (vec!["--root-key", "abc"], "ENVKEEP_ROOT_KEY"),
        (vec!["--session-ttl", "soon"], "ENVKEEP_SESSION_TTL"),
        (vec!["--session-idle", "later"], "ENVKEEP_SESSION_IDLE"),
        (vec!["--session-idle", "10s"], "ENVKEEP_SESSION_IDLE"),
        (vec!["--session-idle", "2m"], "ENVKEEP_SESSION_IDLE"),
        (
            vec!["--trusted-proxies", "10.0.0.0/99"],
            "ENVKEEP_TRUSTED_PROXIES",
        ),
        (
            vec!["--sweep-schedule", "* * * * *"],
            "ENVKEEP_SWEEP_SCHEDULE",
        ),
        (
            vec!["--sweep-schedule", "x x x x x x"],
            "ENVKEEP_SWEEP_SCHEDULE",
        ),
        (vec!["--admin-email", "a@b.c"], "ENVKEEP_ADMIN_PASSWORD"),
        (
            vec!["--admin-email", "a@b.c", "--admin-password", "short"],
            "ENVKEEP_ADMIN_PASSWORD",
        ),
        (vec!["--public-url", "ftp://x"], "ENVKEEP_PUBLIC_URL"),
        (
            vec!["--max-secrets-per-folder", "0"],
            "ENVKEEP_MAX_SECRETS_PER_FOLDER",
        ),
        (
            vec!["--max-secrets-per-project", "0"],
            "ENVKEEP_MAX_SECRETS_PER_PROJECT",
        ),
        (
            vec!["--max-project-bytes", "lots"],
            "ENVKEEP_MAX_PROJECT_BYTES",
        ),
        (vec!["--listing-memory", "64KiB"], "ENVKEEP_LISTING_MEMORY"),
        (
            vec!["--backup-schedule", "@daily"],
            "ENVKEEP_BACKUP_SCHEDULE",
        ),
        (
            vec!["--backup-schedule", "0 0 3 * * *", "--backup-keep", "0"],
            "ENVKEEP_BACKUP_KEEP",
        ),
        (vec!["--replica"], "ENVKEEP_PRIMARY_URL"),
        (
            vec!["--replica", "--primary-url", "ftp://x"],
            "ENVKEEP_PRIMARY_URL",
        ),
        (
            vec!["--replica", "--primary-url", "https://primary.example"],
            "ENVKEEP_LITESTREAM_VFS",
        ),
    ] {
        let err = Config::from_args(&args(&flags)).expect_err(setting);
        assert_eq!(err.setting, setting);
        assert!(err.to_string().contains(setting));
    }
}

#[test]
fn sweep_can_be_turned_off() {
    assert!(Config::from_args(&args(&["--sweep-schedule", "off"]))
        .unwrap()
        .sweep_schedule
        .is_none());
    assert!(Config::from_args(&args(&["--sweep-schedule", ""]))
        .unwrap()
        .sweep_schedule
        .is_none());
}

#[test]
fn audit_retention_defaults_to_a_year_takes_off_and_refuses_less_than_a_day() {
    let config = |extra: &[&str]| Config::from_args(&args(extra));
    assert_eq!(
        config(&[]).unwrap().audit_retention,
        Some(Duration::from_secs(365 * 86_400))
    );
    assert_eq!(
        config(&["--audit-retention", "off"])
            .unwrap()
            .audit_retention,
        None
    );
    assert_eq!(
        config(&["--audit-retention", "90d"])
            .unwrap()
            .audit_retention,
        Some(Duration::from_secs(90 * 86_400))
    );
    for bad in ["1h", "soon"] {
        let e = config(&["--audit-retention", bad]).unwrap_err();
        assert_eq!(e.setting, "ENVKEEP_AUDIT_RETENTION");
    }
    assert!(config(&[]).unwrap().token_usage);
    assert!(!config(&["--token-usage", "off"]).unwrap().token_usage);
}

#[test]
fn backups_are_off_by_default_and_go_below_the_data_dir() {
    assert!(Config::from_args(&args(&[])).unwrap().backups.is_none());
    let backups = Config::from_args(&args(&["--backup-schedule", "0 0 3 * * *"]))
        .unwrap()
        .backups
        .unwrap();
    assert_eq!(backups.dir, PathBuf::from("./data/backups"));
    assert_eq!(backups.keep, 7);
}

#[test]
fn debug_redacts_secret_settings() {
    let key = crate::crypto::root_key::encode(&Key32::generate());
    let config = Config::from_args(&args(&[
        "--root-key",
        &key,
        "--admin-email",
        "a@b.c",
        "--admin-password",
        "very-secret-pw-1",
    ]))
    .unwrap();
    let shown = format!("{config:?}");
    assert!(!shown.contains(&key));
    assert!(!shown.contains("very-secret-pw-1"));
}

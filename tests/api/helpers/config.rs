//! A test server's settings, for `TestApp::spawn_with` to adjust.

use super::{ADMIN_EMAIL, ADMIN_PASSWORD};
use clap::Parser;
use envkeep::cli::Cli;
use envkeep::config::Config;
use std::ops::{Deref, DerefMut};
use std::path::Path;

/// A test server's settings before it starts: the real `Config`, parsed from the flags every test
/// server gets (a fresh temp data dir, port 0, two workers, sweep off, no throttling, and an admin
/// from `ADMIN_EMAIL`/`ADMIN_PASSWORD`). `spawn_with` hands it to the test to change.
pub struct TestConfig {
    pub(super) config: Config,
}

impl TestConfig {
    pub(super) fn new(data_dir: &Path) -> Self {
        let data_dir = data_dir.display().to_string();
        let cli = Cli::parse_from([
            "envkeep",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
            &data_dir,
            "--workers",
            "2",
            "--sweep-schedule",
            "off",
            "--auth-failure-limit",
            "0",
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
        ]);
        let config = Config::from_args(&cli.serve).expect("test config is valid");
        Self { config }
    }

    /// Serves the data in `dir` instead of a fresh temp dir: a restart, a restored backup.
    pub fn use_data_dir(&mut self, dir: &Path) {
        self.config.data_dir = dir.to_path_buf();
        self.config.database = envkeep::cli::database_path(dir, None);
    }
}

impl Deref for TestConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        &self.config
    }
}

impl DerefMut for TestConfig {
    fn deref_mut(&mut self) -> &mut Config {
        &mut self.config
    }
}

//! Running the offline subcommands as an operator would: the built binary with a clean
//! environment.

use crate::helpers::{eventually, TestApp};
use std::path::Path;
use std::process::{Command, Output};

pub struct Ran {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stdout:\n{}\nstderr:\n{}", self.stdout, self.stderr)
    }
}

fn ran(output: Output) -> Ran {
    Ran {
        ok: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// `envkeep <args>` with only `envs` set.
pub fn envkeep(args: &[&str], envs: &[(&str, &Path)]) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_envkeep"));
    command.env_clear().args(args);
    for (name, value) in envs {
        command.env(name, value);
    }
    ran(command.output().unwrap())
}

/// `envkeep check <path>` with the data dir's `root.key` (or none) to find.
pub fn check(path: &Path, data_dir: &Path) -> Ran {
    envkeep(
        &["check", path.to_str().unwrap()],
        &[("ENVKEEP_DATA_DIR", data_dir)],
    )
}

/// A stopped server's data dir with one project and one secret, checkpointed so that every
/// page is in the database file (and no later checkpoint can write over a page a test changes).
pub async fn stopped_with_a_secret() -> TestApp {
    let app = TestApp::spawn().await;
    let project = app.create_project("Checked").await;
    app.create_secret(&project, "dev", "/app", "KEY", "value")
        .await;
    app.stop().await;
    let conn = app.sqlite();
    // The stopped server checkpoints too; whichever runs second may find the lock taken.
    eventually("the WAL is checkpointed and empty", async || {
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 0
    })
    .await;
    app
}

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

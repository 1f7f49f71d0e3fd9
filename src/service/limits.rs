//! The storage limits (`ENVKEEP_MAX_SECRETS_PER_FOLDER`, `…_PER_PROJECT`, `ENVKEEP_MAX_PROJECT_BYTES`),
//! checked inside the transaction of the write that would pass them. Every write runs on the
//! Store's one writer connection, so writers racing for the last room cannot pass a limit together.

use super::secrets::Location;
use crate::db::{history, usage};
use crate::domain::StorageLimits;
use crate::error::{AppError, AppResult};
use rusqlite::Connection;

/// What a write adds to one folder: new secrets, and sealed bytes (an update adds the
/// difference between its new and old ciphertexts, which may be negative).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Growth {
    pub secrets: u64,
    pub sealed_bytes: i64,
}

fn bytes(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Growth {
    /// One new secret whose ciphertexts take `sealed_bytes`.
    pub fn one_secret(sealed_bytes: usize) -> Self {
        Self {
            secrets: 1,
            sealed_bytes: bytes(sealed_bytes),
        }
    }

    /// A secret rewritten from `before` to `after` sealed bytes.
    pub fn rewrite(before: usize, after: usize) -> Self {
        Self {
            secrets: 0,
            sealed_bytes: bytes(after).saturating_sub(bytes(before)),
        }
    }
}

/// A batch's growth is the sum of its writes'.
impl std::ops::AddAssign for Growth {
    fn add_assign(&mut self, other: Self) {
        self.secrets = self.secrets.saturating_add(other.secrets);
        self.sealed_bytes = self.sealed_bytes.saturating_add(other.sealed_bytes);
    }
}

/// Refuses, with a 422 naming the limit, a write that would take the folder `at` (in
/// environment `env_id`) or its project past a limit. A write that adds nothing passes, so a
/// project over a lowered limit can still shrink. A batch import calls this once with the sum of
/// its secrets and bytes.
pub fn ensure_room(
    tx: &Connection,
    limits: &StorageLimits,
    at: &Location,
    env_id: &str,
    growth: Growth,
) -> AppResult<()> {
    if growth.secrets > 0 {
        let held = usage::secrets_in_folder(tx, env_id, at.path.as_str())?;
        if held + growth.secrets > limits.secrets_per_folder {
            return Err(AppError::validation(
                "secretsPerFolder",
                format!(
                    "folder {}:{} holds {held} secrets and may hold at most {} (ENVKEEP_MAX_SECRETS_PER_FOLDER)",
                    at.environment.as_str(),
                    at.path,
                    limits.secrets_per_folder
                ),
            ));
        }
    }
    if growth.secrets == 0 && growth.sealed_bytes <= 0 {
        return Ok(());
    }
    let held = usage::in_project(tx, &at.project_id)?;
    if growth.secrets > 0 && held.secrets + growth.secrets > limits.secrets_per_project {
        return Err(AppError::validation(
            "secretsPerProject",
            format!(
                "the project holds {} secrets and may hold at most {} (ENVKEEP_MAX_SECRETS_PER_PROJECT)",
                held.secrets, limits.secrets_per_project
            ),
        ));
    }
    // History and trash are the project's too: a stream of updates must not grow it unbounded.
    let kept = history::sealed_bytes(tx, &at.project_id)?;
    let after = i128::from(held.sealed_bytes) + i128::from(kept) + i128::from(growth.sealed_bytes);
    if growth.sealed_bytes > 0 && after > i128::from(limits.sealed_bytes_per_project) {
        return Err(AppError::validation(
            "sealedBytesPerProject",
            format!(
                "the project's sealed values and comments would take {after} bytes, more than the {} allowed (ENVKEEP_MAX_PROJECT_BYTES)",
                limits.sealed_bytes_per_project
            ),
        ));
    }
    Ok(())
}

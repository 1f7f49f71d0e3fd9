//! `envkeep run --fallback-cache`: the last successful answer, kept on disk so the command can
//! start while the server cannot be reached.
//!
//! The file is sealed (XChaCha20-Poly1305) under a key derived from the token's key part, which
//! never leaves this machine and is not stored anywhere, so the file alone reveals nothing; the
//! associated data names the token and the request, so a file written for another token or
//! another `--env`/`--path` does not open. It is written atomically with mode 0600. A cached
//! answer is refused when older than `--fallback-max-age`, or when the token's expiry (as the
//! server gave it with the answer) has passed; a token revoked while the server is down cannot
//! be noticed, which is why the age limit exists.

use super::config::Settings;
use super::exit::{ClientError, DENIED, IO, UNAVAILABLE, USAGE};
use super::secret::Secret;
use super::target::Target;
use super::when::{age_of, parse_millis, rounded};
use crate::crypto::Key32;
use crate::domain::Depth;
use crate::time::{now_millis, rfc3339, Millis};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zeroize::Zeroizing;

/// Start of every cache file; the version of its layout.
const MAGIC: &[u8] = b"envkeep-fallback-1\n";

/// What is kept: the answer, when it was fetched, and until when the token was valid.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cached {
    pub fetched_at: Millis,
    pub token_expires_at: Option<Millis>,
    pub target: Target,
    pub secrets: Vec<Secret>,
}

impl std::fmt::Debug for Cached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cached")
            .field("fetched_at", &self.fetched_at)
            .field("secrets", &self.secrets.len())
            .finish_non_exhaustive()
    }
}

pub struct FallbackCache {
    path: PathBuf,
    key: Key32,
    aad: Vec<u8>,
    max_age: Duration,
}

impl std::fmt::Debug for FallbackCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FallbackCache")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl FallbackCache {
    /// The cache for this token and request, at `path` or the default place.
    pub fn new(
        settings: &Settings,
        path: Option<&Path>,
        depth: Depth,
        max_age: Duration,
    ) -> Result<Self, ClientError> {
        let Some(key_part) = settings.token.key() else {
            return Err(ClientError::usage(
                "--fallback-cache needs the full token st.<id>.<secret>.<key>: its key part seals the cache, and this token has only three parts",
            ));
        };
        let request = request_hash(settings, depth);
        let token_id = file_safe(settings.token.id());
        let path = match path {
            Some(path) => path.to_path_buf(),
            None => default_dir()?.join(format!("{token_id}-{request}")),
        };
        let mut aad = MAGIC.to_vec();
        aad.extend_from_slice(format!("{token_id}\0{request}").as_bytes());
        Ok(Self {
            path,
            key: derive_key(key_part),
            aad,
            max_age,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps `cached`, replacing the file atomically; a failure is reported, not fatal (the
    /// command still runs with fresh secrets).
    pub fn save(&self, cached: &Cached) {
        if let Err(e) = self.try_save(cached) {
            eprintln!("envkeep: warning: {e}");
        }
    }

    fn try_save(&self, cached: &Cached) -> Result<(), ClientError> {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        let failed = |e: std::io::Error| {
            ClientError::new(
                IO,
                format!(
                    "cannot write the fallback cache {}: {e}",
                    self.path.display()
                ),
            )
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(failed)?;
        }
        let plain = Zeroizing::new(
            serde_json::to_vec(cached).map_err(|e| ClientError::unexpected(e.to_string()))?,
        );
        let mut bytes = MAGIC.to_vec();
        bytes.extend(self.key.cipher().seal(&plain, &self.aad));
        let mut temp = self.path.clone().into_os_string();
        temp.push(format!(".{}.tmp", std::process::id()));
        let temp = PathBuf::from(temp);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)
            .and_then(|mut file| file.write_all(&bytes).and_then(|()| file.sync_all()))
            .and_then(|()| std::fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(failed)
    }

    /// The token was refused: its cached secrets must not outlive it on this machine.
    pub fn forget(&self) {
        let _ = std::fs::remove_file(&self.path);
    }

    /// The cached answer, if there is one that may stand in for the server's; `unreachable` is
    /// the failure that made it needed, and is what the user sees when there is none.
    pub fn stand_in(&self, unreachable: ClientError) -> Result<Cached, ClientError> {
        let shown = self.path.display();
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(also(
                    unreachable,
                    &format!(
                        "no fallback cache at {shown} yet (it is written after a successful fetch)"
                    ),
                ));
            }
            Err(e) => {
                return Err(also(
                    unreachable,
                    &format!("cannot read the fallback cache {shown}: {e}"),
                ))
            }
        };
        let Some(cached) = self.open(&bytes) else {
            return Err(also(
                unreachable,
                &format!("the fallback cache {shown} does not open with this token (written with another token, or for another --env/--path/--recursive)"),
            ));
        };
        let age = age_of(cached.fetched_at);
        if age > self.max_age {
            return Err(also(
                unreachable,
                &format!(
                    "the fallback cache {shown} is {} old, older than --fallback-max-age {}: not used",
                    rounded(age),
                    humantime::format_duration(self.max_age)
                ),
            ));
        }
        if let Some(expired_at) = cached.token_expires_at.filter(|at| *at <= now_millis()) {
            return Err(ClientError::new(
                DENIED,
                format!(
                    "{}; the fallback cache {shown} is not used: the token expired at {}",
                    unreachable.message,
                    rfc3339(expired_at)
                ),
            ));
        }
        eprintln!(
            "envkeep: warning: {}; running with the secrets cached {} ago ({shown})",
            unreachable.message,
            rounded(age)
        );
        Ok(cached)
    }

    fn open(&self, bytes: &[u8]) -> Option<Cached> {
        let sealed = bytes.strip_prefix(MAGIC)?;
        let plain = Zeroizing::new(self.key.cipher().open(sealed, &self.aad).ok()?);
        serde_json::from_slice(&plain).ok()
    }
}

/// `error` with `more` added to its message; still exit 69 (the server is what failed).
fn also(error: ClientError, more: &str) -> ClientError {
    ClientError {
        message: format!("{}; {more}", error.message),
        code: UNAVAILABLE,
        ..error
    }
}

/// The token's expiry as the server reported it, for [`Cached::token_expires_at`].
pub fn expiry_millis(expires_at: Option<&str>) -> Option<Millis> {
    expires_at.and_then(parse_millis)
}

/// A key only this token's holder can make: its key part is 128 random bits, so one SHA-256
/// with a purpose label is a sound derivation (no password to stretch).
fn derive_key(key_part: &str) -> Key32 {
    let mut hasher = Sha256::new();
    hasher.update(b"envkeep fallback cache key\0");
    hasher.update(key_part.as_bytes());
    Key32::from_bytes(hasher.finalize().into())
}

/// The request as given (flags and variables, empty when inferred from the token), so the same
/// command finds its cache while the server cannot say what was inferred.
fn request_hash(settings: &Settings, depth: Depth) -> String {
    let mut hasher = Sha256::new();
    for part in [
        settings.project.as_deref(),
        settings.environment.as_deref(),
        settings.path.as_deref(),
    ] {
        hasher.update(part.unwrap_or("").as_bytes());
        hasher.update([0]);
    }
    hasher.update([u8::from(depth == Depth::Recursive)]);
    hex::encode(&hasher.finalize()[..16])
}

/// The token id as a file name part: Envkeep's hex ids and Infisical's UUIDs as they are,
/// anything else hashed.
fn file_safe(id: &str) -> String {
    if !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        id.to_owned()
    } else {
        hex::encode(&Sha256::digest(id.as_bytes())[..16])
    }
}

/// `$XDG_CACHE_HOME/envkeep`, or `$HOME/.cache/envkeep`.
fn default_dir() -> Result<PathBuf, ClientError> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    absolute("XDG_CACHE_HOME")
        .or_else(|| absolute("HOME").map(|home| home.join(".cache")))
        .map(|dir| dir.join("envkeep"))
        .ok_or_else(|| {
            ClientError::new(
                USAGE,
                "--fallback-cache without a PATH needs XDG_CACHE_HOME or HOME to be set",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::secret::tests::secret;

    fn cache(dir: &Path, key_part: &str, max_age: Duration) -> FallbackCache {
        FallbackCache {
            path: dir.join("cache"),
            key: derive_key(key_part),
            aad: b"aad".to_vec(),
            max_age,
        }
    }

    fn answer(fetched_at: Millis, token_expires_at: Option<Millis>) -> Cached {
        Cached {
            fetched_at,
            token_expires_at,
            target: Target {
                project_id: "p".into(),
                environment: "dev".into(),
                path: "/".into(),
            },
            secrets: vec![secret("A", "hunter2", "/")],
        }
    }

    fn down() -> ClientError {
        ClientError::unreachable("cannot reach http://x: connection refused")
    }

    #[test]
    fn the_file_is_private_sealed_and_opens_with_the_same_key_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let day = Duration::from_secs(86_400);
        let kept = cache(dir.path(), "k1", day);
        kept.try_save(&answer(now_millis(), None)).unwrap();
        let bytes = std::fs::read(kept.path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("hunter2"));
        let mode = std::fs::metadata(kept.path()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(kept.stand_in(down()).unwrap().secrets[0].value, "hunter2");
        let other = cache(dir.path(), "k2", day).stand_in(down()).unwrap_err();
        assert_eq!(other.code, UNAVAILABLE);
        assert!(other.message.contains("does not open"), "{}", other.message);
    }

    #[test]
    fn old_answers_and_expired_tokens_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let hour = Duration::from_secs(3_600);
        let kept = cache(dir.path(), "k", hour);
        kept.try_save(&answer(now_millis() - 2 * 3_600_000, None))
            .unwrap();
        let old = kept.stand_in(down()).unwrap_err();
        assert_eq!(old.code, UNAVAILABLE);
        assert!(old.message.contains("2h old"), "{}", old.message);
        kept.try_save(&answer(now_millis(), Some(now_millis() - 1_000)))
            .unwrap();
        let expired = kept.stand_in(down()).unwrap_err();
        assert_eq!(expired.code, DENIED);
        assert!(
            expired.message.contains("token expired"),
            "{}",
            expired.message
        );
    }

    #[test]
    fn a_missing_cache_keeps_the_original_failure() {
        let dir = tempfile::tempdir().unwrap();
        let missing = cache(dir.path(), "k", Duration::from_secs(60))
            .stand_in(down())
            .unwrap_err();
        assert_eq!(missing.code, UNAVAILABLE);
        assert!(missing.message.starts_with("cannot reach http://x"));
        assert!(missing.message.contains("no fallback cache"));
    }

    #[test]
    fn token_ids_become_safe_file_names() {
        assert_eq!(file_safe("0123abcd"), "0123abcd");
        assert_eq!(file_safe("3f0b6f8e-2a7c"), "3f0b6f8e-2a7c");
        assert_eq!(file_safe("../../etc").len(), 32);
    }
}

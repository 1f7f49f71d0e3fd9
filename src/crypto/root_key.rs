//! The server's root key: from `ENVKEEP_ROOT_KEY`, else `<data-dir>/root.key`, else generated on
//! first start and written there with mode 0600. Both hold the same text (standard base64 of 32
//! bytes), so a key can move between file and environment.

use super::envelope::Key32;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use std::io::Write;
use std::path::Path;

/// Where the root key came from; logged at start (the key itself never is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File,
    Generated,
}

#[derive(Debug, thiserror::Error)]
pub enum RootKeyError {
    #[error("the root key must be standard base64 of exactly 32 bytes ({0}); generate one with `openssl rand -base64 32`")]
    Invalid(String),
    #[error("cannot read or write the root key file {path}: {cause}")]
    Io { path: String, cause: std::io::Error },
}

pub fn parse(text: &str) -> Result<Key32, RootKeyError> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|e| RootKeyError::Invalid(format!("not base64: {e}")))?;
    Key32::try_from_slice(&bytes)
        .map_err(|_| RootKeyError::Invalid(format!("decodes to {} bytes", bytes.len())))
}

pub fn encode(key: &Key32) -> String {
    STANDARD.encode(key.as_bytes())
}

/// Loads the key from the file if it exists, or returns `None`.
pub fn read_file(path: &Path) -> Result<Option<Key32>, RootKeyError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(&text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(cause) => Err(RootKeyError::Io {
            path: path.display().to_string(),
            cause,
        }),
    }
}

/// Generates a key and writes it to `path`, readable by the owner only. Refuses to overwrite.
pub fn generate_into(path: &Path) -> Result<Key32, RootKeyError> {
    let key = Key32::generate();
    let io_err = |cause| RootKeyError::Io {
        path: path.display().to_string(),
        cause,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io_err)?;
    file.write_all(format!("{}\n", encode(&key)).as_bytes())
        .map_err(io_err)?;
    file.sync_all().map_err(io_err)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_32_bytes_and_refuses_other_lengths() {
        let key = Key32::generate();
        assert!(parse(&encode(&key)).unwrap() == key);
        assert!(parse(&STANDARD.encode([0u8; 31])).is_err());
        assert!(parse("not base64 at all!").is_err());
    }

    #[test]
    fn generated_file_is_private_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("root.key");
        let key = generate_into(&path).unwrap();
        assert!(read_file(&path).unwrap().unwrap() == key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(
            generate_into(&path).is_err(),
            "must never overwrite an existing key"
        );
    }
}

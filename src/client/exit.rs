//! The client's own failures and their exit codes.
//!
//! `envkeep run` passes the child's exit code through, so envkeep's own failures use the
//! sysexits.h codes (64-78), which ordinary programs do not return, plus 126/127 for a command
//! that cannot be started, as `env(1)`, `timeout(1)` and shells do.

use std::fmt;
use std::process::ExitCode;

pub const USAGE: u8 = 64;
pub const DATA: u8 = 65;
pub const NOT_FOUND: u8 = 66;
pub const UNAVAILABLE: u8 = 69;
pub const SOFTWARE: u8 = 70;
pub const IO: u8 = 74;
pub const DENIED: u8 = 77;
pub const CANNOT_EXECUTE: u8 = 126;
pub const COMMAND_NOT_FOUND: u8 = 127;

/// Shown under `--help` of `run` and `secrets` (and repeated in docs/client.md).
pub const EXIT_CODES_HELP: &str = "\
Exit codes (envkeep's own failures; `run` otherwise exits with the command's code,
or 128 + N when the command was killed by signal N):
  64  usage: bad flags or settings, malformed token, environment not given and not inferable
  65  the server refused the data (invalid key or value, 400/409/413/422), or a file to
      import does not parse
  66  not found: project, environment, folder or secret (404)
  69  server unreachable, timed out, or answered 5xx/429
  70  the server's answer was not what the client expects
  74  reading stdin or the file to import, or writing the output file, failed
  77  authentication failed or denied: bad, expired or revoked token, missing permission or scope
      (401/403), or the token's key part does not decrypt the project key (--e2ee)
  126 the command could not be executed
  127 the command was not found";

/// One failure of the client, carrying its message and exit code.
#[derive(Debug)]
pub struct ClientError {
    pub code: u8,
    pub message: String,
    /// The HTTP status when the server refused the request.
    pub status: Option<u16>,
    /// The invalid fields a 422 listed (`details`), as (field, message).
    pub details: Vec<(String, String)>,
}

impl ClientError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: None,
            details: Vec::new(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(USAGE, message)
    }

    pub fn unexpected(message: impl Into<String>) -> Self {
        Self::new(SOFTWARE, message)
    }

    /// Maps an HTTP error status to a code; `message` is the server's own explanation.
    pub fn from_status(status: u16, message: &str) -> Self {
        let code = match status {
            401 | 403 => DENIED,
            404 => NOT_FOUND,
            400 | 409 | 413 | 422 => DATA,
            429 | 500..=599 => UNAVAILABLE,
            _ => SOFTWARE,
        };
        let hint = match status {
            401 => " (is the token right, and not expired or revoked?)",
            _ => "",
        };
        Self {
            status: Some(status),
            ..Self::new(
                code,
                format!("the server answered {status}: {message}{hint}"),
            )
        }
    }

    /// Prints the message and gives the exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("envkeep: {}", self.message);
        ExitCode::from(self.code)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClientError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_sysexits_codes() {
        let code = |status| ClientError::from_status(status, "x").code;
        assert_eq!([code(401), code(403)], [DENIED, DENIED]);
        assert_eq!(code(404), NOT_FOUND);
        assert_eq!([code(400), code(409), code(413), code(422)], [DATA; 4]);
        assert_eq!([code(429), code(500), code(503)], [UNAVAILABLE; 3]);
        assert_eq!(code(302), SOFTWARE);
    }

    #[test]
    fn help_lists_every_code() {
        for code in [
            USAGE,
            DATA,
            NOT_FOUND,
            UNAVAILABLE,
            SOFTWARE,
            IO,
            DENIED,
            CANNOT_EXECUTE,
            COMMAND_NOT_FOUND,
        ] {
            assert!(
                EXIT_CODES_HELP.contains(&format!("  {code} ")),
                "{code} missing from the help"
            );
        }
    }
}

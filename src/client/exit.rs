//! The client's own failures and their exit codes.
//!
//! `envkeep run` passes the child's exit code through, so envkeep's own failures use the
//! sysexits.h codes (64-78), which ordinary programs do not return, plus 126/127 for a command
//! that cannot be started, as `env(1)`, `timeout(1)` and shells do.

use super::table::printable_lines;
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

/// The exit-code table shown under `--help` of `run` and `secrets` (README "Exit codes" repeats
/// it); a macro so the help texts below can be built from it at compile time.
macro_rules! exit_codes_help {
    () => {
        "\
Exit codes (envkeep's own failures; `run` otherwise exits with the command's code,
or 128 + N when the command was killed by signal N):
  64  usage: bad flags or settings, malformed token, environment not given and not inferable
  65  the server refused the data (invalid key or value, 400/409/413/422), a file to import
      does not parse, or a value the chosen export format cannot hold
  66  not found: project, environment, folder or secret (404)
  69  server unreachable, timed out, or answered 5xx/429 (with --fallback-cache: and no
      usable cached answer)
  70  the server's answer was not what the client expects (is ENVKEEP_URL the base URL?)
  74  reading stdin or the file to import, writing the output file or the fallback cache failed
  77  authentication failed or denied: bad, expired or revoked token, missing permission or scope
      (401/403), or the token's key part does not decrypt the project key (--e2ee)
  126 the command could not be executed
  127 the command was not found"
    };
}

pub const EXIT_CODES_HELP: &str = exit_codes_help!();

/// `envkeep run --help` ends with the exit codes and these examples.
pub const RUN_HELP: &str = concat!(
    exit_codes_help!(),
    "

Examples:
  # CI job: ENVKEEP_URL and ENVKEEP_TOKEN come from the CI's secret settings
  envkeep run --env staging --path /api -- npm test

  # Docker entrypoint (exec form: docker stop's SIGTERM reaches the app through envkeep);
  # the last good answer is used while the server cannot be reached
  ENTRYPOINT [\"envkeep\", \"run\", \"--fallback-cache\", \"--\"]
  CMD [\"node\", \"server.js\"]

  # Restart the app when one of its secrets changes (checked every 30 s)
  envkeep run --watch --watch-interval 30s -- ./server

  # Export to a file readable only by you, instead of running a command
  envkeep secrets export --format dotenv --output .env"
);

/// `envkeep secrets --help` ends with the exit codes and these examples.
pub const SECRETS_HELP: &str = concat!(
    exit_codes_help!(),
    "

Examples:
  # CI job: read one value into a step (ENVKEEP_URL and ENVKEEP_TOKEN are set)
  DB_URL=\"$(envkeep secrets get DB_URL)\"

  # Docker entrypoint script: write a private file, then start the app
  envkeep secrets export --format dotenv --output /run/app.env && exec ./server

  # Export to a file (mode 0600) in another format, or as JSON for scripts
  envkeep secrets export --format json --output secrets.json
  envkeep secrets list --json

  # Set a value from stdin, so it stays out of the shell history
  printf %s \"$VALUE\" | envkeep secrets set API_KEY"
);

/// One failure of the client, carrying its message and exit code.
#[derive(Debug)]
pub struct ClientError {
    pub code: u8,
    pub message: String,
    /// The HTTP status when the server refused the request.
    pub status: Option<u16>,
    /// The server could not be reached (connect, DNS, TLS, timeout) or a gateway in front of it
    /// said so (502/503/504): what `--fallback-cache` stands in for. Never a refusal.
    pub unreachable: bool,
    /// The `error` name of the server's answer (`PermissionDenied`, …), when it gave one.
    pub server_error: Option<String>,
    /// The invalid fields a 422 listed (`details`), as (field, message).
    pub details: Vec<(String, String)>,
}

impl ClientError {
    pub fn new(code: u8, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: None,
            unreachable: false,
            server_error: None,
            details: Vec::new(),
        }
    }

    /// The server could not be reached at all.
    pub fn unreachable(message: impl Into<String>) -> Self {
        Self {
            unreachable: true,
            ..Self::new(UNAVAILABLE, message)
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
            unreachable: matches!(status, 502..=504),
            ..Self::new(
                code,
                format!("the server answered {status}: {message}{hint}"),
            )
        }
    }

    /// Prints the message (control characters escaped: it may quote the server) and gives the
    /// exit code.
    pub fn report(&self) -> ExitCode {
        eprintln!("envkeep: {}", printable_lines(&self.message));
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
    fn only_gateway_statuses_count_as_unreachable() {
        let unreachable = |status| ClientError::from_status(status, "x").unreachable;
        assert!(unreachable(502) && unreachable(503) && unreachable(504));
        for status in [400, 401, 403, 404, 429, 500] {
            assert!(!unreachable(status), "{status}");
        }
    }

    #[test]
    fn both_helps_end_with_examples() {
        for help in [RUN_HELP, SECRETS_HELP] {
            assert!(help.starts_with(EXIT_CODES_HELP));
            let examples = help.split("Examples:").nth(1).unwrap();
            for wanted in ["CI", "Docker entrypoint", "--output"] {
                assert!(examples.contains(wanted), "{wanted}");
            }
        }
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

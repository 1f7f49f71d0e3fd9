//! Structured logging. Never log keys, tokens, passwords or secret values. Each request is one
//! span and one line (`routes::request_log`).

use crate::config::LogFormat;
use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stdout().is_terminal());
    // A second init (tests) is harmless; ignore the "already set" error.
    let _ = match format {
        // One object per line; `span` holds the open span's fields (for a line logged while a
        // request runs: its method, route, request id, caller). The list of every open span
        // would repeat them on each line while requests are the only spans; should code open
        // spans inside a request, turn it on so the request's fields stay on their lines.
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

//! `envkeep audit verify [--expect-head <hash>]` and `envkeep audit export --since <date>
//! [--until <date>]`: offline, on the database file, whether a server runs on it or not. Both
//! need the root key (the chain is keyed by it) and refuse one that does not open the database.
//!
//! Verify only reads. Export writes one `audit.exported` row first, extending the chain like
//! every other writer (a server running on the file notices the commit and continues after it),
//! so taking a copy of the log leaves a trace in it.

use super::check::{find_key, KeySource};
use crate::cli::{AuditArgs, AuditCommand};
use crate::crypto::chain::ChainKey;
use crate::crypto::Key32;
use crate::db::audit::{self, list, verify::Verification};
use crate::db::{backup, meta, migrations, Db, Durability};
use crate::service::audit::{event_json, parse_instant};
use crate::store::keys::opens_root_key_check;
use crate::time::{now_millis, rfc3339};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn main(args: &AuditArgs) -> ExitCode {
    let database = args.location.database_path();
    let keys = KeySource {
        given: args.root_key.clone(),
        dirs: vec![args.location.data_dir.clone()],
    };
    let result = match &args.command {
        AuditCommand::Verify { expect_head } => verify(&database, &keys, expect_head.as_deref())
            .map(|report| {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
                report.ok
            }),
        AuditCommand::Export { since, until } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            export(&database, &keys, since, until.as_deref(), &mut out)
                .and_then(|n| {
                    out.flush().map_err(|e| e.to_string())?;
                    Ok(n)
                })
                .map(|n| {
                    eprintln!("exported {n} events");
                    true
                })
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("envkeep audit: {e}");
            ExitCode::from(2)
        }
    }
}

/// The root key, after checking that it opens this database's sealed check value, as the key
/// of the audit chain (every offline writer needs it: `envkeep users` too).
pub(crate) fn chain_key(conn: &rusqlite::Connection, keys: &KeySource) -> Result<ChainKey, String> {
    let (key, source): (Key32, String) = find_key(keys).map_err(|e| format!("root key: {e}"))?;
    match meta::get(conn, meta::ROOT_KEY_CHECK).map_err(|e| e.to_string())? {
        Some(sealed) if opens_root_key_check(&key.cipher(), &sealed) => Ok(ChainKey::derive(&key)),
        Some(_) => Err(format!(
            "root key: the key from {source} does not open this database"
        )),
        None => Err(String::from(
            "root key: the database holds no root-key check value (no server ever started on it)",
        )),
    }
}

/// Checks the whole chain (no deadline: an operator waits for the answer).
pub fn verify(
    database: &Path,
    keys: &KeySource,
    expect_head: Option<&str>,
) -> Result<Verification, String> {
    let expect = match expect_head {
        None => None,
        Some(text) => Some(
            hex::decode(text.trim())
                .ok()
                .and_then(|h| <[u8; 32]>::try_from(h).ok())
                .ok_or("--expect-head must be the 64 hex characters of a logged head")?,
        ),
    };
    if !database.is_file() {
        return Err(format!("no database at {}", database.display()));
    }
    let mut conn = backup::open_read_only(database).map_err(|e| e.to_string())?;
    let version = migrations::user_version(&conn).map_err(|e| e.to_string())?;
    if version < migrations::latest_version() {
        return Err(format!(
            "the database is at schema version {version}; start the server (or run `envkeep audit export`) once to upgrade it"
        ));
    }
    let key = chain_key(&conn, keys)?;
    audit::verify::verify(&mut conn, &key, None, expect).map_err(|e| e.to_string())
}

/// Records the export, then writes the events with `since <= at < until` to `out` as JSON
/// lines; returns how many.
pub fn export(
    database: &Path,
    keys: &KeySource,
    since: &str,
    until: Option<&str>,
    out: &mut impl Write,
) -> Result<u64, String> {
    let from =
        parse_instant(since).ok_or("--since must be a date (2026-01-31) or RFC 3339 time")?;
    let to = match until {
        None => now_millis().saturating_add(1),
        Some(t) => parse_instant(t).ok_or("--until must be a date or RFC 3339 time")?,
    };
    if !database.is_file() {
        return Err(format!("no database at {}", database.display()));
    }
    let db = Db::open(database, Durability::Normal).map_err(|e| e.to_string())?;
    let key = db
        .read_blocking(|conn| Ok::<_, crate::db::DbError>(chain_key(conn, keys)))
        .map_err(|e| e.to_string())??;
    db.set_audit_key(key);
    let event = audit::AuditEvent {
        at: now_millis(),
        actor_kind: "system",
        actor_id: None,
        action: "audit.exported",
        project_id: None,
        detail: serde_json::json!({ "via": "cli", "since": rfc3339(from), "until": rfc3339(to) }),
        ip: None,
    };
    db.write_blocking(|tx| audit::insert(tx, &event))
        .map_err(|e| format!("cannot record the export: {e}"))?;
    db.read_blocking(|conn| {
        list::each_between(conn, from, to, |row| {
            serde_json::to_writer(&mut *out, &event_json(row))?;
            out.write_all(b"\n")
        })
    })
    .map_err(|e| e.to_string())
}

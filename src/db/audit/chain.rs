//! The audit log's hash chain: each row's `hash = HMAC-SHA256(k, previous hash ‖ canonical
//! row)` with `k` from `crypto::chain` (HKDF-SHA256 of the root key, info "envkeep audit v1").
//!
//! # The canonical row (version 1)
//!
//! The bytes the MAC covers, in this order:
//!
//! 1. `id`, 8 bytes, big-endian two's complement;
//! 2. `at` (milliseconds since the epoch), 8 bytes, big-endian two's complement;
//! 3. the text fields `actor_kind`, `actor_id`, `actor_name`, `action`, `project_id`, `detail`,
//!    `ip`, each as one byte `0x00` when NULL, or `0x01`, its UTF-8 length as 4 bytes big-endian,
//!    then its UTF-8 bytes. `detail` is the stored JSON re-serialised compactly with every
//!    object's keys sorted by their UTF-8 bytes (so a reformatted but equal detail still verifies);
//!    a detail that is not JSON is taken as its stored bytes behind the tag `0x02` instead.
//!
//! The previous hash of the first chained row is [`GENESIS`] (32 zero bytes). That first row is
//! the genesis anchor (`audit.chain_started`) that migration 6 inserted without a hash (SQL has
//! no key): its hash is computed, never stored. Rows before it are "before the chain".
//!
//! # The head
//!
//! The writer keeps the chain head (id and hash of the newest row) so an append reads nothing.
//! It lends the head to the thread running a write transaction (see [`lend`]); a transaction that
//! fails forgets it, and a head stamped with an older `PRAGMA data_version` than the file's (an
//! offline writer committed since) is read again, so the chain continues across other writers.

use super::super::{DbError, DbResult};
use super::StoredRow;
use crate::crypto::chain::{ChainKey, GENESIS};
use rusqlite::{Connection, OptionalExtension};
use std::cell::RefCell;

/// The action of the genesis anchor that migration 6 wrote.
pub const ANCHOR: &str = "audit.chain_started";
/// The action of the row each pruned chunk writes (see `prune`).
pub const PRUNED: &str = "audit.pruned";

#[derive(Debug, Clone, Copy)]
struct Head {
    id: i64,
    hash: [u8; 32],
    data_version: i64,
}

/// The writer's chain: its key and, once known, its head.
#[derive(Debug)]
pub struct Chain {
    key: ChainKey,
    head: Option<Head>,
}

impl Chain {
    pub fn new(key: ChainKey) -> Self {
        Self { key, head: None }
    }
}

thread_local! {
    /// The chain lent to the thread that holds the writer, for the length of one transaction.
    static LENT: RefCell<Option<Chain>> = const { RefCell::new(None) };
}

/// Lends `slot`'s chain to this thread while `f` runs one write transaction. Every audit row
/// written in it extends the chain; if `f` fails (the transaction rolled back), the head is
/// forgotten and read again by the next append.
pub(crate) fn lend<T, E>(
    slot: &mut Option<Chain>,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    struct GiveBack<'a> {
        slot: &'a mut Option<Chain>,
        committed: bool,
    }
    impl Drop for GiveBack<'_> {
        fn drop(&mut self) {
            let mut chain = LENT.with(|lent| lent.borrow_mut().take());
            if !self.committed {
                if let Some(chain) = chain.as_mut() {
                    chain.head = None;
                }
            }
            *self.slot = chain;
        }
    }
    LENT.with(|lent| *lent.borrow_mut() = slot.take());
    let mut give_back = GiveBack {
        slot,
        committed: false,
    };
    let out = f();
    give_back.committed = out.is_ok();
    out
}

/// The id and hash for a new row linked to the head, given the rest of the row; called by
/// `insert` inside the writer's transaction.
pub(super) fn append(conn: &Connection, row: &mut StoredRow) -> DbResult<()> {
    LENT.with(|lent| {
        let mut lent = lent.borrow_mut();
        let chain = lent.as_mut().ok_or_else(|| {
            DbError::Other(String::from(
                "an audit row must be written by the writer of a Db with its audit key",
            ))
        })?;
        let version: i64 = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let head = match chain.head {
            Some(head) if head.data_version == version => head,
            _ => read_head(conn, &chain.key, version)?,
        };
        row.id = head.id + 1;
        let hash = chain.key.link(&head.hash, &canonical(row));
        row.hash = Some(hash.to_vec());
        chain.head = Some(Head {
            id: row.id,
            hash,
            data_version: version,
        });
        Ok(())
    })
}

fn read_head(conn: &Connection, key: &ChainKey, data_version: i64) -> DbResult<Head> {
    let newest = conn
        .query_row(
            &format!("{} ORDER BY id DESC LIMIT 1", super::SELECT_ROW),
            [],
            StoredRow::from_sql,
        )
        .optional()?;
    let (id, hash) = match newest {
        None => (0, GENESIS),
        // A newest row without a hash other than the anchor is damage `verify` reports; the
        // chain goes on from the genesis value rather than refuse every write.
        Some(row) => (row.id, chained_hash(key, &row).unwrap_or(GENESIS)),
    };
    Ok(Head {
        id,
        hash,
        data_version,
    })
}

/// The id and hash of the newest row (the head to log), if the log has any row.
pub fn head(conn: &Connection, key: &ChainKey) -> DbResult<Option<(i64, [u8; 32])>> {
    let head = read_head(conn, key, 0)?;
    Ok((head.id > 0).then_some((head.id, head.hash)))
}

/// Whether `row` is the genesis anchor as migration 6 wrote it.
pub fn is_anchor(row: &StoredRow) -> bool {
    row.action == ANCHOR && row.hash.is_none() && row.actor_kind == "system"
}

/// The row's place in the chain: its stored hash, the computed hash of the genesis anchor, or
/// none for a row before the chain.
pub fn chained_hash(key: &ChainKey, row: &StoredRow) -> Option<[u8; 32]> {
    match &row.hash {
        Some(stored) => stored.as_slice().try_into().ok(),
        None if is_anchor(row) => Some(key.link(&GENESIS, &canonical(row))),
        None => None,
    }
}

/// The canonical bytes of a row (layout in the module doc).
pub fn canonical(row: &StoredRow) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + row.detail.len());
    out.extend_from_slice(&row.id.to_be_bytes());
    out.extend_from_slice(&row.at.to_be_bytes());
    for text in [
        Some(row.actor_kind.as_str()),
        row.actor_id.as_deref(),
        row.actor_name.as_deref(),
        Some(row.action.as_str()),
        row.project_id.as_deref(),
    ] {
        push_text(&mut out, text);
    }
    match serde_json::from_str::<serde_json::Value>(&row.detail) {
        Ok(detail) => push_text(&mut out, Some(&sorted_json(&detail))),
        Err(_) => {
            out.push(0x02);
            push_bytes(&mut out, row.detail.as_bytes());
        }
    }
    push_text(&mut out, row.ip.as_deref());
    out
}

fn push_text(out: &mut Vec<u8>, text: Option<&str>) {
    match text {
        None => out.push(0x00),
        Some(text) => {
            out.push(0x01);
            push_bytes(out, text.as_bytes());
        }
    }
}

fn push_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Compact JSON with every object's keys sorted, whatever map order serde_json was built with.
pub fn sorted_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), sorted_json(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(sorted_json).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(detail: &str) -> StoredRow {
        StoredRow {
            id: 7,
            at: 1_700_000_000_000,
            actor_kind: String::from("user"),
            actor_id: Some(String::from("u1")),
            actor_name: None,
            action: String::from("secret.update"),
            project_id: Some(String::from("p1")),
            detail: String::from(detail),
            ip: Some(String::from("127.0.0.1")),
            hash: None,
        }
    }

    #[test]
    fn the_canonical_row_sorts_detail_keys_and_ignores_formatting() {
        let a = canonical(&row(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"x"}],"c":null}}"#));
        let b = canonical(&row(
            r#"{ "a": {"c": null, "d": [1, {"y": "x", "z": 0}]}, "b": 1 }"#,
        ));
        assert_eq!(a, b);
        assert_ne!(
            a,
            canonical(&row(r#"{"b":2,"a":{"d":[1,{"z":0,"y":"x"}],"c":null}}"#))
        );
    }

    #[test]
    fn null_and_empty_text_differ_in_the_canonical_row() {
        let mut empty = row("{}");
        empty.actor_name = Some(String::new());
        assert_ne!(canonical(&row("{}")), canonical(&empty));
    }

    #[test]
    fn the_canonical_row_starts_with_id_and_time() {
        let bytes = canonical(&row("{}"));
        assert_eq!(&bytes[..8], &7i64.to_be_bytes());
        assert_eq!(&bytes[8..16], &1_700_000_000_000i64.to_be_bytes());
        assert_eq!(&bytes[16..21], &[1, 0, 0, 0, 4]);
        assert_eq!(&bytes[21..25], b"user");
    }
}

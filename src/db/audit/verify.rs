//! Walks the audit log in id order inside one read transaction (a consistent snapshot, however
//! long the walk), a chunk of rows at a time so memory stays bounded, and checks every row's
//! hash against its predecessor's.
//!
//! Where the chain starts: after the newest `audit.pruned` row's `lastDeletedId` (a row at or
//! below it is bad: it should be gone), from its `resumeHash` (the hash of the last row it deleted; null when only rows before the chain were
//! deleted), or, when nothing was ever pruned, from the first row. Rows before the genesis
//! anchor carry no hash and are counted as before the chain. An edited row fails its own check;
//! a deleted or reordered row fails the check of the row after it; a removed anchor leaves the
//! first remaining row unlinked. Removing the newest rows leaves a shorter chain that verifies:
//! that is what `expect_head` (a head hash logged earlier) is for.

use super::chain::{canonical, chained_hash, is_anchor, PRUNED};
use super::{StoredRow, SELECT_ROW};
use crate::crypto::chain::{ChainKey, GENESIS};
use crate::db::DbResult;
use rusqlite::{Connection, OptionalExtension};
use std::time::Instant;

const CHUNK: i64 = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// Every chained row checked out, the walk finished, and the expected head (if any) was met.
    pub ok: bool,
    /// Chained rows whose hash was checked.
    pub checked: u64,
    /// Rows written before the chain began (not checkable).
    pub before_chain: u64,
    /// The id of the first row that failed its check.
    pub first_bad: Option<i64>,
    /// The hash (hex) of the last row that checked out: log it, and pass it later as
    /// `--expect-head` to catch removed newest rows.
    pub head: Option<String>,
    pub head_id: Option<i64>,
    /// The deadline came before the end of the log; `ok` is false and says nothing of the rest.
    pub timed_out: bool,
    /// Whether a row with the expected head hash was found (when one was given).
    pub expected_head_found: Option<bool>,
}

/// The id of the last pruned row, and the hash the next row links to (`None`: before the chain).
type Start = (i64, Option<[u8; 32]>);

/// Where the chain starts: the id of the last pruned row (rows up to it must be gone), and
/// `Some(prev)` to link the next row to, or `None` for before the chain. The pruning row itself
/// comes later in the walk and must verify, so a forged one is found; one that claims to have
/// pruned itself cannot be checked and is bad at once.
fn start(conn: &Connection) -> DbResult<Result<Start, i64>> {
    let newest_prune: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, detail FROM audit_events WHERE action = ?1 ORDER BY id DESC LIMIT 1",
            [PRUNED],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((anchor_id, detail)) = newest_prune else {
        return Ok(Ok((0, None)));
    };
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
    let after = detail["lastDeletedId"].as_i64().unwrap_or(i64::MAX);
    if after >= anchor_id {
        return Ok(Err(anchor_id));
    }
    // A damaged resume hash links to nothing, so the first row fails: what it should do.
    let resume = match &detail["resumeHash"] {
        serde_json::Value::Null => None,
        hash => Some(
            hash.as_str()
                .and_then(|h| hex::decode(h).ok())
                .and_then(|h| <[u8; 32]>::try_from(h).ok())
                .unwrap_or([0xff; 32]),
        ),
    };
    Ok(Ok((after, resume)))
}

/// Checks the chain, stopping at the first bad row or at `deadline`.
pub fn verify(
    conn: &mut Connection,
    key: &ChainKey,
    deadline: Option<Instant>,
    expect_head: Option<[u8; 32]>,
) -> DbResult<Verification> {
    let tx = conn.transaction()?;
    let mut report = Verification {
        ok: false,
        checked: 0,
        before_chain: 0,
        first_bad: None,
        head: None,
        head_id: None,
        timed_out: false,
        expected_head_found: expect_head.map(|_| false),
    };
    let (pruned_up_to, mut prev) = match start(&tx)? {
        Ok(start) => start,
        Err(bad_anchor) => {
            report.first_bad = Some(bad_anchor);
            return Ok(report);
        }
    };
    let mut after = 0;
    let mut statement = tx.prepare(&format!("{SELECT_ROW} WHERE id > ?1 ORDER BY id LIMIT ?2"))?;
    'walk: loop {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            report.timed_out = true;
            break;
        }
        let rows: Vec<StoredRow> = statement
            .query_map([after, CHUNK], StoredRow::from_sql)?
            .collect::<Result<_, _>>()?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in &rows {
            // A row the newest pruning says it deleted was put back (or made up) since.
            let step = match row.id <= pruned_up_to {
                true => Step::Bad,
                false => check(key, prev, row),
            };
            match step {
                Step::BeforeChain => report.before_chain += 1,
                Step::Linked(hash) => {
                    report.checked += 1;
                    prev = Some(hash);
                    report.head = Some(hex::encode(hash));
                    report.head_id = Some(row.id);
                    if expect_head == Some(hash) {
                        report.expected_head_found = Some(true);
                    }
                }
                Step::Bad => {
                    report.first_bad = Some(row.id);
                    break 'walk;
                }
            }
        }
    }
    report.ok = !report.timed_out
        && report.first_bad.is_none()
        && report.expected_head_found != Some(false);
    Ok(report)
}

enum Step {
    BeforeChain,
    Linked([u8; 32]),
    Bad,
}

fn check(key: &ChainKey, prev: Option<[u8; 32]>, row: &StoredRow) -> Step {
    match prev {
        None if is_anchor(row) => Step::Linked(key.link(&GENESIS, &canonical(row))),
        None if row.hash.is_none() => Step::BeforeChain,
        // A hashed row with nothing to link to: the anchor or the rows before it were removed.
        None => Step::Bad,
        Some(prev) => match chained_hash(key, row) {
            Some(stored) if row.hash.is_some() && stored == key.link(&prev, &canonical(row)) => {
                Step::Linked(stored)
            }
            _ => Step::Bad,
        },
    }
}

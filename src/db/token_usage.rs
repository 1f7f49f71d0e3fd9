//! Per-token usage sums (`token_usage`): added to by the Store's flusher, read by the usage API,
//! pruned with the project's history.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::net::IpAddr;

/// Distinct client addresses kept per sum.
pub const MAX_IPS: usize = 100;

/// What one sum counts: a token's uses in one hour (its start, in milliseconds), environment
/// and folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UsageKey {
    pub hour: Millis,
    pub environment: String,
    pub path: String,
    pub token_id: String,
}

#[derive(Debug, Clone, Default)]
pub struct UsageSum {
    pub project_id: String,
    pub reads: u64,
    pub writes: u64,
    pub ips: HashSet<IpAddr>,
}

impl UsageSum {
    pub fn merge(&mut self, other: &UsageSum) {
        if self.project_id.is_empty() {
            self.project_id.clone_from(&other.project_id);
        }
        self.reads += other.reads;
        self.writes += other.writes;
        for ip in &other.ips {
            if self.ips.len() >= MAX_IPS {
                break;
            }
            self.ips.insert(*ip);
        }
    }
}

/// A stored sum as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    pub key: UsageKey,
    pub reads: u64,
    pub writes: u64,
    pub ips: HashSet<IpAddr>,
}

/// `path` when it is a folder of the project's environment, else `*`: only existing folders get
/// a row of their own, so made-up paths cannot multiply the rows.
pub fn existing_folder(
    conn: &Connection,
    project_id: &str,
    env: &str,
    path: &str,
) -> DbResult<String> {
    if path == "/" || path == "*" {
        return Ok(path.to_owned());
    }
    let found = conn
        .prepare_cached(
            "SELECT 1 FROM folders f JOIN environments e ON e.id = f.environment_id
             WHERE e.project_id = ?1 AND e.slug = ?2 AND f.path = ?3",
        )?
        .query_row(params![project_id, env, path], |_| Ok(()))
        .optional()?;
    Ok(match found {
        Some(()) => path.to_owned(),
        None => String::from("*"),
    })
}

fn parse_ips(text: &str) -> HashSet<IpAddr> {
    serde_json::from_str::<Vec<String>>(text)
        .unwrap_or_default()
        .iter()
        .filter_map(|ip| ip.parse().ok())
        .collect()
}

/// Adds the buffered sums to the stored ones (one transaction, from the flusher).
pub fn add(tx: &Connection, batch: &[(UsageKey, UsageSum)]) -> DbResult<()> {
    for (key, sum) in batch {
        let path = existing_folder(tx, &sum.project_id, &key.environment, &key.path)?;
        let stored: Option<String> = tx
            .prepare_cached(
                "SELECT ip_list FROM token_usage
                 WHERE token_id = ?1 AND hour = ?2 AND environment = ?3 AND path = ?4",
            )?
            .query_row(
                params![key.token_id, key.hour, key.environment, path],
                |r| r.get(0),
            )
            .optional()?;
        let mut merged = UsageSum {
            project_id: sum.project_id.clone(),
            ips: stored.as_deref().map(parse_ips).unwrap_or_default(),
            ..UsageSum::default()
        };
        merged.merge(sum);
        let mut ips: Vec<String> = merged.ips.iter().map(ToString::to_string).collect();
        ips.sort();
        let ip_list = serde_json::to_string(&ips).unwrap_or_else(|_| String::from("[]"));
        tx.prepare_cached(
            "INSERT INTO token_usage (token_id, project_id, hour, environment, path, reads, writes, ip_list)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (token_id, hour, environment, path) DO UPDATE SET
                 reads = reads + excluded.reads, writes = writes + excluded.writes,
                 ip_list = excluded.ip_list",
        )?
        .execute(params![
            key.token_id,
            sum.project_id,
            key.hour,
            key.environment,
            path,
            sum.reads as i64,
            sum.writes as i64,
            ip_list
        ])?;
    }
    Ok(())
}

/// Up to `limit` stored sums of the token in the project with `from <= hour < to`, ordered by
/// (hour, environment, path) descending, below `before` when given.
pub fn page(
    conn: &Connection,
    token_id: &str,
    project_id: &str,
    (from, to): (Millis, Millis),
    before: Option<&UsageKey>,
    limit: usize,
) -> DbResult<Vec<UsageRow>> {
    let (hour, env, path) = match before {
        Some(k) => (k.hour, k.environment.as_str(), k.path.as_str()),
        None => (Millis::MAX, "", ""),
    };
    let bounded = before.is_some();
    let mut statement = conn.prepare_cached(
        "SELECT hour, environment, path, reads, writes, ip_list FROM token_usage
         WHERE token_id = ?1 AND project_id = ?2 AND hour >= ?3 AND hour < ?4
           AND (NOT ?5 OR (hour, environment, path) < (?6, ?7, ?8))
         ORDER BY hour DESC, environment DESC, path DESC LIMIT ?9",
    )?;
    let rows = statement
        .query_map(
            params![
                token_id,
                project_id,
                from,
                to,
                bounded,
                hour,
                env,
                path,
                limit as i64
            ],
            |r| {
                Ok(UsageRow {
                    key: UsageKey {
                        hour: r.get(0)?,
                        environment: r.get(1)?,
                        path: r.get(2)?,
                        token_id: token_id.to_owned(),
                    },
                    reads: r.get::<_, i64>(3)?.max(0) as u64,
                    writes: r.get::<_, i64>(4)?.max(0) as u64,
                    ips: parse_ips(&r.get::<_, String>(5)?),
                })
            },
        )?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Deletes the sums of hours before `cutoff` (the history kept); returns how many.
pub fn prune(tx: &Connection, now: Millis) -> DbResult<usize> {
    // Each project keeps its usage as long as its history (`historyDays`); sums of a project
    // that no longer exists go too.
    Ok(tx
        .prepare_cached(
            "DELETE FROM token_usage WHERE hour < ?1 - 86400000 * coalesce(
                 (SELECT p.history_days FROM projects p WHERE p.id = token_usage.project_id), 0)",
        )?
        .execute([now])?)
}

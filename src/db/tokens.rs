//! Service tokens. Only the SHA-256 of a token's secret is stored, never the secret or the key
//! part. A token's scopes live in its own row as JSON (`[["dev","/app/**"]]`): they are immutable
//! and only ever read with the token, so one row keeps the hot lookup and the sweep's deletes to
//! a single B-tree entry (migration 0002 says why).

use super::{DbError, DbResult};
use crate::time::Millis;
use rusqlite::types::Type;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::net::IpAddr;

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub secret_hash: Vec<u8>,
    pub encrypted_key: String,
    pub iv: String,
    pub tag: String,
    pub permissions: String,
    pub expires_at: Option<Millis>,
    pub allowed_ips: String,
    pub created_by: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub last_used_ip: Option<String>,
    /// (environment slug, path glob), in the order given at creation.
    pub scopes: Vec<(String, String)>,
}

const COLUMNS: &str =
    "id, project_id, name, secret_hash, encrypted_key, iv, tag, permissions, expires_at, \
                       allowed_ips, created_by, created_at, last_used_at, last_used_ip, scopes";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TokenRow> {
    Ok(TokenRow {
        id: r.get(0)?,
        project_id: r.get(1)?,
        name: r.get(2)?,
        secret_hash: r.get(3)?,
        encrypted_key: r.get(4)?,
        iv: r.get(5)?,
        tag: r.get(6)?,
        permissions: r.get(7)?,
        expires_at: r.get(8)?,
        allowed_ips: r.get(9)?,
        created_by: r.get(10)?,
        created_at: r.get(11)?,
        last_used_at: r.get(12)?,
        last_used_ip: r.get(13)?,
        scopes: scopes_from_json(r, 14)?,
    })
}

fn scopes_from_json(r: &Row<'_>, index: usize) -> rusqlite::Result<Vec<(String, String)>> {
    let text: String = r.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

pub fn insert(conn: &Connection, token: &TokenRow) -> DbResult<()> {
    let scopes = serde_json::to_string(&token.scopes).map_err(|e| DbError::Other(e.to_string()))?;
    conn.execute(
        &format!("INSERT INTO service_tokens ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"),
        params![
            token.id,
            token.project_id,
            token.name,
            token.secret_hash,
            token.encrypted_key,
            token.iv,
            token.tag,
            token.permissions,
            token.expires_at,
            token.allowed_ips,
            token.created_by,
            token.created_at,
            token.last_used_at,
            token.last_used_ip,
            scopes
        ],
    )?;
    Ok(())
}

/// The token with its scopes, by primary key (the hot path's one lookup).
pub fn find(conn: &Connection, id: &str) -> DbResult<Option<TokenRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM service_tokens WHERE id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?)
}

pub fn list_for_project(conn: &Connection, project_id: &str) -> DbResult<Vec<TokenRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM service_tokens WHERE project_id = ?1 ORDER BY created_at DESC, id"
    ))?;
    let tokens = stmt.query_map([project_id], from_row)?;
    Ok(tokens.collect::<Result<_, _>>()?)
}

pub fn delete(conn: &Connection, project_id: &str, id: &str) -> DbResult<bool> {
    Ok(conn.execute(
        "DELETE FROM service_tokens WHERE id = ?1 AND project_id = ?2",
        [id, project_id],
    )? > 0)
}

/// Deletes expired tokens, earliest expiry first, about `limit` at a time; returns the ids
/// removed. The cut falls on an expiry time, so tokens that expired in the same millisecond go
/// together and a chunk may exceed `limit`; fewer than `limit` means nothing expired is left.
pub fn delete_expired_chunk(conn: &Connection, now: Millis, limit: usize) -> DbResult<Vec<String>> {
    // The scalar subquery runs once: the expiry of the `limit`-th expired token (by the expiry
    // index), or `now` when fewer are left.
    let mut stmt = conn.prepare_cached(
        "DELETE FROM service_tokens WHERE expires_at IS NOT NULL AND expires_at <= coalesce(
            (SELECT expires_at FROM service_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?1
              ORDER BY expires_at LIMIT 1 OFFSET ?2), ?1)
         RETURNING id",
    )?;
    let offset = limit.saturating_sub(1) as i64;
    let ids = stmt.query_map(params![now, offset], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// Is an environment named by a scope of a token that has not expired?
pub fn environment_in_live_scope(
    conn: &Connection,
    project_id: &str,
    slug: &str,
    now: Millis,
) -> DbResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (
            SELECT 1 FROM service_tokens t, json_each(t.scopes) s
            WHERE t.project_id = ?1 AND s.value ->> 0 = ?2 AND (t.expires_at IS NULL OR t.expires_at > ?3))",
        params![project_id, slug, now],
        |r| r.get(0),
    )?)
}

/// Writes buffered last-use times; tokens deleted meanwhile are skipped.
pub fn record_last_used(conn: &Connection, uses: &[(String, Millis, IpAddr)]) -> DbResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE service_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?2), last_used_ip = ?3 WHERE id = ?1",
    )?;
    for (id, at, ip) in uses {
        stmt.execute(params![id, at, ip.to_string()])?;
    }
    Ok(())
}

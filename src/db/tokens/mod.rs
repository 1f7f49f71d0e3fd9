//! Service tokens. Only the SHA-256 of a token's secret is stored, never the secret or the key
//! part. A token's scopes live in its own row as JSON (`[["dev","/app/**"]]`): they are immutable
//! and only ever read with the token, so one row keeps the hot lookup and the sweep's deletes to
//! a single B-tree entry (migration 0002 says why).
//!
//! Every column decodes here into its type, once: permissions, allowed IPs and scopes are JSON
//! arrays (migration 0003). A row whose value does not decode (edited by hand, damaged) is
//! [`DbError::Corrupt`], logged with the token id, and its token is refused: an unreadable
//! `allowed_ips` must never read as "any address".

use super::{DbError, DbResult};
use crate::domain::{AllowedIps, EnvSlug, Name, Permissions, ScopeGlob};
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::net::IpAddr;

#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub project_id: String,
    pub name: Name,
    pub secret_hash: Vec<u8>,
    pub encrypted_key: String,
    pub iv: String,
    pub tag: String,
    pub permissions: Permissions,
    pub expires_at: Option<Millis>,
    pub allowed_ips: AllowedIps,
    /// The creator's e-mail as it was at creation.
    pub created_by: String,
    /// The creator's user id (none for tokens whose creator had left before migration 0005).
    pub created_by_user_id: Option<String>,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
    pub last_used_ip: Option<IpAddr>,
    /// (environment, path glob), in the order given at creation.
    pub scopes: Vec<(EnvSlug, ScopeGlob)>,
}

const COLUMNS: &str =
    "id, project_id, name, secret_hash, encrypted_key, iv, tag, permissions, expires_at, \
                       allowed_ips, created_by, created_at, last_used_at, last_used_ip, scopes, created_by_user_id";

/// A row as SQLite returns it, before its values are decoded.
struct StoredRow {
    id: String,
    project_id: String,
    name: String,
    secret_hash: Vec<u8>,
    encrypted_key: String,
    iv: String,
    tag: String,
    permissions: String,
    expires_at: Option<Millis>,
    allowed_ips: String,
    created_by: String,
    created_at: Millis,
    last_used_at: Option<Millis>,
    last_used_ip: Option<String>,
    scopes: String,
    created_by_user_id: Option<String>,
}

fn stored(r: &Row<'_>) -> rusqlite::Result<StoredRow> {
    Ok(StoredRow {
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
        scopes: r.get(14)?,
        created_by_user_id: r.get(15)?,
    })
}

impl StoredRow {
    fn decode(self) -> DbResult<TokenRow> {
        let id = self.id;
        let corrupt = |column: &str, why: String| {
            tracing::error!(token_id = %id, column, reason = %why, "a stored service token does not decode; it is refused");
            DbError::Corrupt(format!("service token {id}: {column} does not decode"))
        };
        let name = Name::parse(&self.name).map_err(|e| corrupt("name", e.0))?;
        let permissions = json_list(&self.permissions)
            .and_then(|list| Permissions::parse(&list).map_err(|e| e.0))
            .map_err(|why| corrupt("permissions", why))?;
        let allowed_ips = json_list(&self.allowed_ips)
            .and_then(|list| AllowedIps::parse(&list).map_err(|e| e.0))
            .map_err(|why| corrupt("allowed_ips", why))?;
        let scopes = decode_scopes(&self.scopes).map_err(|why| corrupt("scopes", why))?;
        let last_used_ip = self
            .last_used_ip
            .map(|ip| ip.parse::<IpAddr>())
            .transpose()
            .map_err(|e| corrupt("last_used_ip", e.to_string()))?;
        Ok(TokenRow {
            id,
            project_id: self.project_id,
            name,
            secret_hash: self.secret_hash,
            encrypted_key: self.encrypted_key,
            iv: self.iv,
            tag: self.tag,
            permissions,
            expires_at: self.expires_at,
            allowed_ips,
            created_by: self.created_by,
            created_by_user_id: self.created_by_user_id,
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            last_used_ip,
            scopes,
        })
    }
}

fn json_list(text: &str) -> Result<Vec<String>, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn decode_scopes(text: &str) -> Result<Vec<(EnvSlug, ScopeGlob)>, String> {
    let pairs: Vec<(String, String)> = serde_json::from_str(text).map_err(|e| e.to_string())?;
    pairs
        .iter()
        .map(|(env, glob)| {
            Ok((
                EnvSlug::parse(env).map_err(|e| e.0)?,
                ScopeGlob::parse(glob).map_err(|e| e.0)?,
            ))
        })
        .collect()
}

fn encode_scopes(scopes: &[(EnvSlug, ScopeGlob)]) -> String {
    let pairs: Vec<Vec<&str>> = scopes
        .iter()
        .map(|(env, glob)| vec![env.as_str(), glob.as_str()])
        .collect();
    serde_json::Value::from(pairs).to_string()
}

fn encode_list(values: Vec<impl Into<serde_json::Value>>) -> String {
    serde_json::Value::from(values).to_string()
}

pub fn insert(conn: &Connection, token: &TokenRow) -> DbResult<()> {
    conn.execute(
        &format!("INSERT INTO service_tokens ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"),
        params![
            token.id,
            token.project_id,
            token.name.as_str(),
            token.secret_hash,
            token.encrypted_key,
            token.iv,
            token.tag,
            encode_list(token.permissions.to_list()),
            token.expires_at,
            encode_list(token.allowed_ips.to_strings()),
            token.created_by,
            token.created_at,
            token.last_used_at,
            token.last_used_ip.map(|ip| ip.to_string()),
            encode_scopes(&token.scopes),
            token.created_by_user_id
        ],
    )?;
    Ok(())
}

/// [`find`], with a row that does not decode counted as no token (it was logged with its id):
/// what authentication and token lookups use, so such a token is refused like an unknown one
/// (401) wherever it is presented, never half-read and never a 500.
pub fn find_usable(conn: &Connection, id: &str) -> DbResult<Option<TokenRow>> {
    match find(conn, id) {
        Err(DbError::Corrupt(_)) => Ok(None),
        found => found,
    }
}

/// The token with its scopes, by primary key (the hot path's one lookup). A row that does not
/// decode is [`DbError::Corrupt`] (logged here with the token id), so the token is refused.
pub fn find(conn: &Connection, id: &str) -> DbResult<Option<TokenRow>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM service_tokens WHERE id = ?1"
    ))?
    .query_row([id], stored)
    .optional()?
    .map(StoredRow::decode)
    .transpose()
}

/// The project's tokens, newest first. A row that does not decode is left out of the list
/// (logged with its id, like [`find`]) rather than failing the whole listing: the admin still
/// sees and can revoke every other token, and the corrupt one is refused wherever it is used.
/// It can still be revoked by id.
pub fn list_for_project(conn: &Connection, project_id: &str) -> DbResult<Vec<TokenRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM service_tokens WHERE project_id = ?1 ORDER BY created_at DESC, id"
    ))?;
    let mut tokens = Vec::new();
    for row in stmt.query_map([project_id], stored)? {
        match row?.decode() {
            Ok(token) => tokens.push(token),
            Err(DbError::Corrupt(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(tokens)
}

pub fn delete(conn: &Connection, project_id: &str, id: &str) -> DbResult<bool> {
    Ok(conn.execute(
        "DELETE FROM service_tokens WHERE id = ?1 AND project_id = ?2",
        [id, project_id],
    )? > 0)
}

/// A token a user created: (id, project id, name), for the "revoke their tokens" choice.
#[derive(Debug, Clone)]
pub struct CreatedToken {
    pub id: String,
    pub project_id: String,
    pub name: String,
}

/// The tokens `user_id` created, oldest first.
pub fn created_by_user(conn: &Connection, user_id: &str) -> DbResult<Vec<CreatedToken>> {
    let mut stmt = conn.prepare(
        "SELECT id, project_id, name FROM service_tokens WHERE created_by_user_id = ?1
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok(CreatedToken {
            id: r.get(0)?,
            project_id: r.get(1)?,
            name: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Deletes the tokens `user_id` created; returns their ids.
pub fn delete_created_by_user(conn: &Connection, user_id: &str) -> DbResult<Vec<String>> {
    let mut stmt =
        conn.prepare("DELETE FROM service_tokens WHERE created_by_user_id = ?1 RETURNING id")?;
    let ids = stmt.query_map([user_id], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
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
pub fn record_last_used(
    conn: &Connection,
    uses: &[(String, Millis, Option<IpAddr>)],
) -> DbResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE service_tokens SET last_used_at = max(coalesce(last_used_at, 0), ?2), last_used_ip = ?3 WHERE id = ?1",
    )?;
    for (id, at, ip) in uses {
        stmt.execute(params![id, at, ip.map(|ip| ip.to_string())])?;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;

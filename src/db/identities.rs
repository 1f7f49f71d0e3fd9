//! Machine identities: the identity with its Universal Auth settings, client secrets, access
//! tokens and project memberships.

use super::{DbError, DbResult};
use crate::domain::AllowedIps;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct IdentityRow {
    pub id: String,
    pub name: String,
    pub client_id: String,
    pub settings: UaSettings,
    pub created_by: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

/// Universal Auth settings; TTLs in seconds, 0 = no limit.
#[derive(Debug, Clone)]
pub struct UaSettings {
    pub access_token_ttl: i64,
    pub access_token_max_ttl: i64,
    pub access_token_num_uses_limit: i64,
    pub client_secret_trusted_ips: AllowedIps,
    pub access_token_trusted_ips: AllowedIps,
}

fn ips(raw: &str) -> rusqlite::Result<AllowedIps> {
    let list: Vec<String> = serde_json::from_str(raw).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    AllowedIps::parse(&list).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.0.into())
    })
}

fn ips_json(list: &AllowedIps) -> String {
    serde_json::Value::from(list.to_strings()).to_string()
}

const IDENTITY: &str = "SELECT id, name, client_id, access_token_ttl, access_token_max_ttl,
    access_token_num_uses_limit, client_secret_trusted_ips, access_token_trusted_ips, created_by,
    created_at, updated_at FROM identities";

fn identity(r: &Row<'_>) -> rusqlite::Result<IdentityRow> {
    Ok(IdentityRow {
        id: r.get(0)?,
        name: r.get(1)?,
        client_id: r.get(2)?,
        settings: UaSettings {
            access_token_ttl: r.get(3)?,
            access_token_max_ttl: r.get(4)?,
            access_token_num_uses_limit: r.get(5)?,
            client_secret_trusted_ips: ips(&r.get::<_, String>(6)?)?,
            access_token_trusted_ips: ips(&r.get::<_, String>(7)?)?,
        },
        created_by: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

pub fn insert(conn: &Connection, row: &IdentityRow) -> DbResult<()> {
    conn.execute(
        "INSERT INTO identities (id, name, client_id, access_token_ttl, access_token_max_ttl,
            access_token_num_uses_limit, client_secret_trusted_ips, access_token_trusted_ips,
            created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            row.id, row.name, row.client_id, row.settings.access_token_ttl,
            row.settings.access_token_max_ttl, row.settings.access_token_num_uses_limit,
            ips_json(&row.settings.client_secret_trusted_ips),
            ips_json(&row.settings.access_token_trusted_ips), row.created_by, row.created_at,
            row.updated_at
        ],
    )?;
    Ok(())
}

pub fn list(conn: &Connection) -> DbResult<Vec<IdentityRow>> {
    let mut stmt = conn.prepare_cached(&format!("{IDENTITY} ORDER BY name, id"))?;
    let rows = stmt.query_map([], identity)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find(conn: &Connection, id: &str) -> DbResult<Option<IdentityRow>> {
    Ok(conn
        .prepare_cached(&format!("{IDENTITY} WHERE id = ?1"))?
        .query_row([id], identity)
        .optional()?)
}

pub fn find_by_client_id(conn: &Connection, client_id: &str) -> DbResult<Option<IdentityRow>> {
    Ok(conn
        .prepare_cached(&format!("{IDENTITY} WHERE client_id = ?1"))?
        .query_row([client_id], identity)
        .optional()?)
}

pub fn rename(conn: &Connection, id: &str, name: &str, now: Millis) -> DbResult<()> {
    changed(conn.execute(
        "UPDATE identities SET name = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, name, now],
    )?)
}

pub fn set_settings(conn: &Connection, id: &str, s: &UaSettings, now: Millis) -> DbResult<()> {
    changed(conn.execute(
        "UPDATE identities SET access_token_ttl = ?2, access_token_max_ttl = ?3,
            access_token_num_uses_limit = ?4, client_secret_trusted_ips = ?5,
            access_token_trusted_ips = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            id,
            s.access_token_ttl,
            s.access_token_max_ttl,
            s.access_token_num_uses_limit,
            ips_json(&s.client_secret_trusted_ips),
            ips_json(&s.access_token_trusted_ips),
            now
        ],
    )?)
}

pub fn delete(conn: &Connection, id: &str) -> DbResult<()> {
    changed(conn.execute("DELETE FROM identities WHERE id = ?1", [id])?)
}

fn changed(rows: usize) -> DbResult<()> {
    if rows == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ClientSecretRow {
    pub id: String,
    pub identity_id: String,
    pub secret_hash: Vec<u8>,
    pub prefix: String,
    pub description: String,
    pub ttl: i64,
    pub num_uses_limit: i64,
    pub num_uses: i64,
    pub last_used_at: Option<Millis>,
    pub created_at: Millis,
}

const SECRET: &str =
    "SELECT id, identity_id, secret_hash, prefix, description, ttl, num_uses_limit,
    num_uses, last_used_at, created_at FROM identity_client_secrets";

fn secret(r: &Row<'_>) -> rusqlite::Result<ClientSecretRow> {
    Ok(ClientSecretRow {
        id: r.get(0)?,
        identity_id: r.get(1)?,
        secret_hash: r.get(2)?,
        prefix: r.get(3)?,
        description: r.get(4)?,
        ttl: r.get(5)?,
        num_uses_limit: r.get(6)?,
        num_uses: r.get(7)?,
        last_used_at: r.get(8)?,
        created_at: r.get(9)?,
    })
}

pub fn insert_secret(conn: &Connection, s: &ClientSecretRow) -> DbResult<()> {
    conn.execute(
        "INSERT INTO identity_client_secrets (id, identity_id, secret_hash, prefix, description,
            ttl, num_uses_limit, num_uses, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
        params![
            s.id,
            s.identity_id,
            s.secret_hash,
            s.prefix,
            s.description,
            s.ttl,
            s.num_uses_limit,
            s.created_at
        ],
    )?;
    Ok(())
}

pub fn secrets_of(conn: &Connection, identity_id: &str) -> DbResult<Vec<ClientSecretRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SECRET} WHERE identity_id = ?1 ORDER BY created_at, id"
    ))?;
    let rows = stmt.query_map([identity_id], secret)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_secret(conn: &Connection, identity_id: &str, id: &str) -> DbResult<()> {
    changed(conn.execute(
        "DELETE FROM identity_client_secrets WHERE identity_id = ?1 AND id = ?2",
        [identity_id, id],
    )?)
}

pub fn use_secret(conn: &Connection, id: &str, now: Millis) -> DbResult<()> {
    conn.execute(
        "UPDATE identity_client_secrets SET num_uses = num_uses + 1, last_used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AccessTokenRow {
    pub id: String,
    pub identity_id: String,
    pub secret_hash: Vec<u8>,
    pub ttl: i64,
    pub max_ttl: i64,
    pub num_uses_limit: i64,
    pub num_uses: i64,
    pub created_at: Millis,
    pub last_renewed_at: Option<Millis>,
}

pub fn insert_token(conn: &Connection, t: &AccessTokenRow) -> DbResult<()> {
    conn.execute(
        "INSERT INTO identity_access_tokens (id, identity_id, secret_hash, ttl, max_ttl,
            num_uses_limit, num_uses, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)",
        params![
            t.id,
            t.identity_id,
            t.secret_hash,
            t.ttl,
            t.max_ttl,
            t.num_uses_limit,
            t.created_at
        ],
    )?;
    Ok(())
}

pub fn find_token(conn: &Connection, id: &str) -> DbResult<Option<AccessTokenRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, identity_id, secret_hash, ttl, max_ttl, num_uses_limit, num_uses,
                created_at, last_renewed_at FROM identity_access_tokens WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(AccessTokenRow {
                id: r.get(0)?,
                identity_id: r.get(1)?,
                secret_hash: r.get(2)?,
                ttl: r.get(3)?,
                max_ttl: r.get(4)?,
                num_uses_limit: r.get(5)?,
                num_uses: r.get(6)?,
                created_at: r.get(7)?,
                last_renewed_at: r.get(8)?,
            })
        })
        .optional()?)
}

pub fn renew_token(conn: &Connection, id: &str, now: Millis) -> DbResult<()> {
    changed(conn.execute(
        "UPDATE identity_access_tokens SET last_renewed_at = ?2 WHERE id = ?1",
        params![id, now],
    )?)
}

pub fn delete_token(conn: &Connection, id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM identity_access_tokens WHERE id = ?1", [id])? > 0)
}

/// Ids of the identity's access tokens (to evict them when it changes).
pub fn token_ids(conn: &Connection, identity_id: &str) -> DbResult<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM identity_access_tokens WHERE identity_id = ?1")?;
    let rows = stmt.query_map([identity_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes buffered use counts (never lowering a stored one) and last-use times.
pub fn record_uses(conn: &Connection, uses: &[(String, i64, Millis)]) -> DbResult<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE identity_access_tokens SET num_uses = max(num_uses, ?2), last_used_at = ?3 WHERE id = ?1",
    )?;
    for (id, count, at) in uses {
        stmt.execute(params![id, count, at])?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct MembershipRow {
    pub identity_id: String,
    pub project_id: String,
    pub role: String,
    pub environments: Option<Vec<String>>,
    pub created_at: Millis,
}

fn membership(r: &Row<'_>) -> rusqlite::Result<MembershipRow> {
    let envs: Option<String> = r.get(3)?;
    let environments = envs
        .map(|raw| serde_json::from_str::<Vec<String>>(&raw))
        .transpose()
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
        })?;
    Ok(MembershipRow {
        identity_id: r.get(0)?,
        project_id: r.get(1)?,
        role: r.get(2)?,
        environments,
        created_at: r.get(4)?,
    })
}

const MEMBERSHIP: &str =
    "SELECT identity_id, project_id, role, environments, created_at FROM identity_memberships";

pub fn upsert_membership(conn: &Connection, m: &MembershipRow) -> DbResult<()> {
    let envs = m
        .environments
        .as_ref()
        .map(|e| serde_json::Value::from(e.clone()).to_string());
    conn.execute(
        "INSERT INTO identity_memberships (identity_id, project_id, role, environments, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (identity_id, project_id) DO UPDATE SET role = ?3, environments = ?4",
        params![m.identity_id, m.project_id, m.role, envs, m.created_at],
    )?;
    Ok(())
}

pub fn membership_exists(conn: &Connection, identity_id: &str, project_id: &str) -> DbResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM identity_memberships WHERE identity_id = ?1 AND project_id = ?2)",
        [identity_id, project_id],
        |r| r.get(0),
    )?)
}

pub fn memberships_of(conn: &Connection, identity_id: &str) -> DbResult<Vec<MembershipRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{MEMBERSHIP} WHERE identity_id = ?1 ORDER BY project_id"
    ))?;
    let rows = stmt.query_map([identity_id], membership)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn memberships_in(conn: &Connection, project_id: &str) -> DbResult<Vec<MembershipRow>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{MEMBERSHIP} WHERE project_id = ?1 ORDER BY identity_id"
    ))?;
    let rows = stmt.query_map([project_id], membership)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn delete_membership(conn: &Connection, identity_id: &str, project_id: &str) -> DbResult<()> {
    changed(conn.execute(
        "DELETE FROM identity_memberships WHERE identity_id = ?1 AND project_id = ?2",
        [identity_id, project_id],
    )?)
}

//! Projects and their environments.

use super::DbResult;
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension, Row};

#[derive(Debug, Clone)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: Millis,
    /// How long superseded versions and trashed secrets are kept.
    pub history_days: i64,
}

#[derive(Debug, Clone)]
pub struct SealedKeys {
    pub wire: Vec<u8>,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Environment {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub slug: String,
    pub position: i64,
}

fn project_from_row(r: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: r.get(0)?,
        name: r.get(1)?,
        slug: r.get(2)?,
        created_at: r.get(3)?,
        history_days: r.get(4)?,
    })
}

fn env_from_row(r: &Row<'_>) -> rusqlite::Result<Environment> {
    Ok(Environment {
        id: r.get(0)?,
        project_id: r.get(1)?,
        name: r.get(2)?,
        slug: r.get(3)?,
        position: r.get(4)?,
    })
}

pub fn insert(conn: &Connection, project: &Project, keys: &SealedKeys) -> DbResult<()> {
    conn.execute(
        "INSERT INTO projects (id, name, slug, sealed_wire_key, sealed_data_key, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            project.id,
            project.name,
            project.slug,
            keys.wire,
            keys.data,
            project.created_at
        ],
    )?;
    Ok(())
}

pub fn slug_taken(conn: &Connection, slug: &str) -> DbResult<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM projects WHERE slug = ?1)",
        [slug],
        |r| r.get(0),
    )?)
}

pub fn list(conn: &Connection) -> DbResult<Vec<Project>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, slug, created_at, history_days FROM projects ORDER BY name, id",
    )?;
    let rows = stmt.query_map([], project_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find(conn: &Connection, id: &str) -> DbResult<Option<Project>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, name, slug, created_at, history_days FROM projects WHERE id = ?1",
        )?
        .query_row([id], project_from_row)
        .optional()?)
}

pub fn sealed_keys(conn: &Connection, id: &str) -> DbResult<Option<SealedKeys>> {
    Ok(conn
        .prepare_cached("SELECT sealed_wire_key, sealed_data_key FROM projects WHERE id = ?1")?
        .query_row([id], |r| {
            Ok(SealedKeys {
                wire: r.get(0)?,
                data: r.get(1)?,
            })
        })
        .optional()?)
}

pub fn rename(conn: &Connection, id: &str, name: &str) -> DbResult<()> {
    conn.execute("UPDATE projects SET name = ?2 WHERE id = ?1", [id, name])?;
    Ok(())
}

pub fn delete(conn: &Connection, id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM projects WHERE id = ?1", [id])? > 0)
}

pub fn insert_environment(conn: &Connection, env: &Environment) -> DbResult<()> {
    conn.execute(
        "INSERT INTO environments (id, project_id, name, slug, position) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![env.id, env.project_id, env.name, env.slug, env.position],
    )?;
    Ok(())
}

pub fn environments(conn: &Connection, project_id: &str) -> DbResult<Vec<Environment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, project_id, name, slug, position FROM environments
         WHERE project_id = ?1 ORDER BY position, slug",
    )?;
    let rows = stmt.query_map([project_id], env_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub fn find_environment(
    conn: &Connection,
    project_id: &str,
    slug: &str,
) -> DbResult<Option<Environment>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, project_id, name, slug, position FROM environments WHERE project_id = ?1 AND slug = ?2",
        )?
        .query_row([project_id, slug], env_from_row)
        .optional()?)
}

pub fn next_environment_position(conn: &Connection, project_id: &str) -> DbResult<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM environments WHERE project_id = ?1",
        [project_id],
        |r| r.get(0),
    )?)
}

pub fn rename_environment(conn: &Connection, env_id: &str, name: &str) -> DbResult<()> {
    conn.execute(
        "UPDATE environments SET name = ?2 WHERE id = ?1",
        [env_id, name],
    )?;
    Ok(())
}

pub fn set_environment_position(conn: &Connection, env_id: &str, position: i64) -> DbResult<()> {
    conn.execute(
        "UPDATE environments SET position = ?2 WHERE id = ?1",
        params![env_id, position],
    )?;
    Ok(())
}

pub fn delete_environment(conn: &Connection, env_id: &str) -> DbResult<bool> {
    Ok(conn.execute("DELETE FROM environments WHERE id = ?1", [env_id])? > 0)
}

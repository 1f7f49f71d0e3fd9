//! Project memberships: (user, project) → role and environments (`NULL` = all, else a JSON array
//! of slugs). A row that does not decode is a corrupt row and fails closed: its member is refused.

use super::{DbError, DbResult};
use crate::domain::{EnvSlug, Environments, Membership, ProjectRole};
use crate::time::Millis;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;

/// One member of a project, for listings.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub membership: Membership,
}

fn decode(user_id: &str, role: &str, environments: Option<String>) -> DbResult<Membership> {
    let corrupt = || {
        tracing::error!(
            user_id,
            "a stored membership does not decode; it is refused"
        );
        DbError::Corrupt(format!("membership of user {user_id} does not decode"))
    };
    let role = ProjectRole::parse(role).map_err(|_| corrupt())?;
    let environments = match environments {
        None => Environments::All,
        Some(text) => {
            let list: Vec<String> = serde_json::from_str(&text).map_err(|_| corrupt())?;
            let slugs = list
                .iter()
                .map(|s| EnvSlug::parse(s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| corrupt())?;
            Environments::Only(slugs)
        }
    };
    Ok(Membership { role, environments })
}

fn encode(environments: &Environments) -> Option<String> {
    environments
        .to_list()
        .map(|list| serde_json::Value::from(list).to_string())
}

/// Every membership of one user, by project id (read with the session on each request).
pub fn of_user(conn: &Connection, user_id: &str) -> DbResult<HashMap<String, Membership>> {
    let mut stmt = conn.prepare_cached(
        "SELECT project_id, role, environments FROM memberships WHERE user_id = ?1",
    )?;
    let rows = stmt.query_map([user_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut found = HashMap::new();
    for row in rows {
        let (project, role, environments) = row?;
        found.insert(project, decode(user_id, &role, environments)?);
    }
    Ok(found)
}

pub fn of_project(conn: &Connection, project_id: &str) -> DbResult<Vec<MemberRow>> {
    let mut stmt = conn.prepare(
        "SELECT m.user_id, u.email, m.role, m.environments
           FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.project_id = ?1 ORDER BY u.email",
    )?;
    let rows = stmt.query_map([project_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    rows.map(|row| {
        let (user_id, email, role, environments) = row?;
        let membership = decode(&user_id, &role, environments)?;
        Ok(MemberRow {
            user_id,
            email,
            membership,
        })
    })
    .collect()
}

pub fn find(conn: &Connection, project_id: &str, user_id: &str) -> DbResult<Option<Membership>> {
    conn.query_row(
        "SELECT role, environments FROM memberships WHERE project_id = ?1 AND user_id = ?2",
        params![project_id, user_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)),
    )
    .optional()?
    .map(|(role, environments)| decode(user_id, &role, environments))
    .transpose()
}

/// Adds or replaces a membership.
pub fn upsert(
    conn: &Connection,
    project_id: &str,
    user_id: &str,
    membership: &Membership,
    now: Millis,
) -> DbResult<()> {
    conn.execute(
        "INSERT INTO memberships (user_id, project_id, role, environments, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, project_id) DO UPDATE SET role = excluded.role,
             environments = excluded.environments",
        params![
            user_id,
            project_id,
            membership.role.as_str(),
            encode(&membership.environments),
            now
        ],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, project_id: &str, user_id: &str) -> DbResult<bool> {
    Ok(conn.execute(
        "DELETE FROM memberships WHERE project_id = ?1 AND user_id = ?2",
        params![project_id, user_id],
    )? > 0)
}

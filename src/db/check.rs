//! What `envkeep check` reads: SQLite's own integrity check, the row counts, and one sealed
//! sample per project (its keys and one secret's value) for the root-key check to open.

use super::projects::SealedKeys;
use super::DbResult;
use rusqlite::Connection;

/// At most this many problems from `integrity_check`: enough to say what is wrong.
const MAX_INTEGRITY_MESSAGES: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub projects: i64,
    pub secrets: i64,
    pub tokens: i64,
    pub users: i64,
}

/// One secret's sealed value and what its associated data names.
pub struct SealedSecret {
    pub environment_id: String,
    pub path: String,
    pub key: String,
    pub value_ct: Vec<u8>,
}

pub struct ProjectSample {
    pub project_id: String,
    pub keys: SealedKeys,
    pub secret: Option<SealedSecret>,
}

/// SQLite's `integrity_check`: empty when the file is sound, else its first messages.
pub fn integrity_problems(conn: &Connection) -> DbResult<Vec<String>> {
    let mut statement =
        conn.prepare(&format!("PRAGMA integrity_check({MAX_INTEGRITY_MESSAGES})"))?;
    let messages = statement
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(if messages == ["ok"] {
        Vec::new()
    } else {
        messages
    })
}

pub fn counts(conn: &Connection) -> DbResult<Counts> {
    let count = |table: &str| -> DbResult<i64> {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    };
    Ok(Counts {
        projects: count("projects")?,
        secrets: count("secrets")?,
        tokens: count("service_tokens")?,
        users: count("users")?,
    })
}

/// Every project's sealed keys with one of its secrets, if it has any.
pub fn project_samples(conn: &Connection) -> DbResult<Vec<ProjectSample>> {
    let mut statement = conn.prepare(
        "SELECT p.id, p.sealed_wire_key, p.sealed_data_key, s.environment_id, s.path, s.key, s.value_ct
           FROM projects p
           LEFT JOIN secrets s ON s.id = (SELECT id FROM secrets WHERE project_id = p.id LIMIT 1)
          ORDER BY p.id",
    )?;
    let samples = statement
        .query_map([], |r| {
            let environment_id: Option<String> = r.get(3)?;
            Ok(ProjectSample {
                project_id: r.get(0)?,
                keys: SealedKeys {
                    wire: r.get(1)?,
                    data: r.get(2)?,
                },
                secret: match environment_id {
                    Some(environment_id) => Some(SealedSecret {
                        environment_id,
                        path: r.get(4)?,
                        key: r.get(5)?,
                        value_ct: r.get(6)?,
                    }),
                    None => None,
                },
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(samples)
}

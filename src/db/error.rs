//! The db layer's one error type, and how SQLite's and the pool's errors map onto it.

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("database busy: {0}")]
    Busy(String),
    /// A stored value that does not decode into its type (edited outside Envkeep, or damaged):
    /// whatever the row would have granted is refused.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(String),
    /// A write on a read replica; names the primary's URL.
    #[error("this server is a read-only replica of {0}")]
    ReadOnlyReplica(String),
}

impl From<rusqlite::Error> for DbError {
    fn from(err: rusqlite::Error) -> Self {
        match &err {
            rusqlite::Error::QueryReturnedNoRows => Self::NotFound,
            rusqlite::Error::SqliteFailure(e, _) => match e.code {
                ErrorCode::ConstraintViolation
                    if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                        || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
                {
                    Self::Conflict(String::from(
                        "An entity with these identifiers already exists",
                    ))
                }
                ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => Self::Busy(err.to_string()),
                _ => Self::Other(err.to_string()),
            },
            _ => Self::Other(err.to_string()),
        }
    }
}

impl From<r2d2::Error> for DbError {
    fn from(err: r2d2::Error) -> Self {
        Self::Busy(err.to_string())
    }
}

pub type DbResult<T> = Result<T, DbError>;

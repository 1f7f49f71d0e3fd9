//! What the scopes of a token being drafted would reach today: each scope in words (from
//! `ScopeGlob::describe`) and how many secrets lie in the folders it matches. The count is read
//! with the drafting person's own access: an environment they may not read gets no number.

use crate::auth::policy::Action;
use crate::auth::AdminSession;
use crate::db::{projects as project_rows, secrets};
use crate::domain::{EnvSlug, ScopeGlob, SecretPath};
use crate::error::AppResult;
use crate::store::Store;

/// One scope as the token form shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopePreview {
    /// The glob as it will be stored (`app/**/` → `/app/**`).
    pub path: String,
    /// Completes "Matches …".
    pub matches: String,
    /// Secrets in the matching folders now; `None` when the environment does not exist or the
    /// person may not read it.
    pub secrets: Option<u64>,
}

/// Previews `scopes` of a token for `project_id`, in their order, in one read of the store.
pub async fn preview(
    store: &Store,
    session: &AdminSession,
    project_id: &str,
    scopes: Vec<(EnvSlug, ScopeGlob)>,
) -> AppResult<Vec<ScopePreview>> {
    let project = Some(project_id);
    session.decide(project, Action::ManageTokens { environments: &[] })?;
    let root = SecretPath::root();
    let readable: Vec<bool> = scopes
        .iter()
        .map(|(env, _)| {
            let read = Action::ReadSecrets {
                environment: env.as_str(),
                path: &root,
            };
            session.decide(project, read).is_ok()
        })
        .collect();
    let id = project_id.to_owned();
    store
        .read(move |conn| -> AppResult<Vec<ScopePreview>> {
            let mut out = Vec::with_capacity(scopes.len());
            for ((env, glob), readable) in scopes.iter().zip(readable) {
                let environment = match readable {
                    true => project_rows::find_environment(conn, &id, env.as_str())?,
                    false => None,
                };
                let secrets = match environment {
                    Some(environment) => Some(count(conn, &environment.id, glob)?),
                    None => None,
                };
                out.push(ScopePreview {
                    path: glob.as_str().to_owned(),
                    matches: glob.describe(),
                    secrets,
                });
            }
            Ok(out)
        })
        .await
}

/// Secrets directly in every folder of the environment that `glob` matches. A stored path that
/// no longer parses is not counted (no token could reach it either).
fn count(conn: &rusqlite::Connection, env_id: &str, glob: &ScopeGlob) -> AppResult<u64> {
    Ok(secrets::counts_by_folder(conn, env_id)?
        .into_iter()
        .filter(|(path, _)| SecretPath::parse(path).is_ok_and(|p| glob.matches(&p)))
        .map(|(_, n)| n)
        .sum())
}

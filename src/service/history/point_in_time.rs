//! Point-in-time restore of a folder: every secret under it put back as it was at `at`, in one
//! transaction. Changed since → the old pair as a new version; deleted since → back from the
//! trash; created since → to the trash. A dry run reads the same and writes nothing.

use super::record::{self, author, live_pair, open_version};
use super::restore::{pair_len, replace, replace_growth, revive};
use super::{check, Need};
use crate::auth::Caller;
use crate::db::history::{self, LiveChange, VersionRow};
use crate::db::secrets::{self, SecretRow};
use crate::domain::{EnvSlug, SecretPath};
use crate::error::{AppError, AppResult};
use crate::service::limits::{ensure_room, Growth};
use crate::service::secrets::Location;
use crate::service::{environment, Actor};
use crate::store::{ProjectKeys, Store, Touched};
use crate::time::{now_millis, Millis};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;

/// Whether to change anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    DryRun,
    Apply,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub key: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Counted {
    pub count: usize,
    pub keys: Vec<Place>,
}

impl Counted {
    fn add(&mut self, path: &str, key: &str) {
        self.count += 1;
        self.keys.push(Place {
            path: path.to_owned(),
            key: key.to_owned(),
        });
    }
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub changed: Counted,
    pub restored: Counted,
    pub removed: Counted,
    pub dry_run: bool,
}

/// What one place needs.
enum Step {
    /// The live secret (with its current pair, `None` when it does not open) gets the pair it
    /// had at `at`.
    Change(
        (SecretRow, LiveChange),
        Option<(String, String)>,
        (String, String),
    ),
    /// The secret live at `at` comes back from the trash with the pair it had then.
    Restore(VersionRow, (String, String)),
    /// The live secret did not exist at `at`.
    Remove(SecretRow),
}

pub async fn folder(
    store: &Store,
    access: &Caller,
    project_id: &str,
    slug: &EnvSlug,
    path: &SecretPath,
    at: Millis,
    run: Run,
) -> AppResult<Outcome> {
    check(store, access, project_id, slug.as_str(), Need::Restore)?;
    let keys = store.project_keys(project_id).await?;
    let here = Location {
        project_id: project_id.to_owned(),
        environment: slug.clone(),
        path: path.clone(),
    };
    let (caller, limits) = (access.clone(), store.limits());
    match run {
        Run::DryRun => {
            store
                .read(move |conn| {
                    let (steps, env_id) = plan(conn, &keys, &here, at)?;
                    ensure_room(conn, &limits, &here, &env_id, growth(&steps))?;
                    Ok(outcome(&steps, Run::DryRun))
                })
                .await
        }
        Run::Apply => {
            store
                .write(move |tx| {
                    let (steps, env_id) = plan(tx, &keys, &here, at)?;
                    // Once for the whole restore, before anything is written.
                    ensure_room(tx, &limits, &here, &env_id, growth(&steps))?;
                    let done = outcome(&steps, Run::Apply);
                    apply(tx, &keys, &here, steps, &caller)?;
                    Actor::of(&caller).record(
                        tx,
                        now_millis(),
                        "folder.restore",
                        Some(&here.project_id),
                        serde_json::json!({ "environment": here.environment.as_str(), "path": here.path.as_str(), "at": at, "changed": done.changed.count, "restored": done.restored.count, "removed": done.removed.count }),
                    )?;
                    let touched = Touched::subtree(&here.project_id, here.environment.as_str(), here.path.as_str());
                    Ok((done, touched))
                })
                .await
        }
    }
}

/// `at` must lie within the project's retention window and not in the future (422 otherwise).
fn check_range(conn: &Connection, project_id: &str, at: Millis, now: Millis) -> AppResult<()> {
    let days = history::history_days(conn, project_id)?.unwrap_or(90);
    if at > now {
        return Err(AppError::validation("at", "is in the future"));
    }
    if at < now - days * DAY_MS {
        return Err(AppError::validation(
            "at",
            format!("is older than this project's history ({days} days)"),
        ));
    }
    Ok(())
}

fn plan(
    conn: &Connection,
    keys: &ProjectKeys,
    here: &Location,
    at: Millis,
) -> AppResult<(Vec<Step>, String)> {
    let env = environment(conn, &here.project_id, here.environment.as_str())?;
    check_range(conn, &here.project_id, at, now_millis())?;
    let path = here.path.as_str();
    let mut then: BTreeMap<(String, String), VersionRow> =
        history::current_at(conn, &here.project_id, &env.id, path, at)?
            .into_iter()
            .map(|v| ((v.path.clone(), v.key.clone()), v))
            .collect();
    let mut steps = Vec::new();
    for (live, change) in secrets::list_in_subtree_with_change(conn, &env.id, path)? {
        let place = (live.path.clone(), live.key.clone());
        match then.remove(&place) {
            // Unchanged since `at` when its current version already existed then.
            None if live.updated_at <= at => {}
            None if live.created_at > at => steps.push(Step::Remove(live)),
            // Changed since, with no version from `at` left (written before history was kept).
            None => {}
            Some(old) => {
                let Some(pair) = open_version(keys, &here.project_id, &old).ok().flatten() else {
                    continue;
                };
                let current = live_pair(keys, &here.project_id, &live);
                if current.as_ref() != Some(&pair) {
                    steps.push(Step::Change((live, change), current, pair));
                }
            }
        }
    }
    for (_, old) in then {
        if let Some(pair) = open_version(keys, &here.project_id, &old).ok().flatten() {
            steps.push(Step::Restore(old, pair));
        }
    }
    Ok((steps, env.id))
}

fn apply(
    tx: &Connection,
    keys: &ProjectKeys,
    here: &Location,
    steps: Vec<Step>,
    caller: &Caller,
) -> AppResult<()> {
    let by = author(tx, caller)?;
    let now = now_millis();
    let project = here.project_id.as_str();
    // The history bytes of every replaced pair, added to the project's count once at the end.
    let mut kept = 0;
    for step in steps {
        match step {
            Step::Change(live, current, pair) => {
                kept += replace(tx, keys, project, live, current, &pair, &by)?.1;
            }
            Step::Restore(old, pair) => match history::trashed(tx, project, &old.secret_id)? {
                Some(trashed) => {
                    revive(tx, keys, project, &trashed, &pair, &by)?;
                }
                None => {
                    return Err(AppError::Conflict(format!(
                    "Secret '{}' at '{}' is neither live nor in the trash; it cannot be restored",
                    old.key, old.path
                )))
                }
            },
            Step::Remove(live) => record::trash(tx, keys, project, &live, &by, now)?,
        }
    }
    history::add_history_bytes(tx, project, kept)?;
    Ok(())
}

/// What the whole restore adds to the project, as the storage limits count it.
fn growth(steps: &[Step]) -> Growth {
    let mut total = Growth::default();
    for step in steps {
        total += match step {
            Step::Change((live, _), current, pair) => replace_growth(live, current.as_ref(), pair),
            Step::Restore(_, pair) => Growth::one_secret(pair_len(pair)),
            Step::Remove(_) => Growth::default(),
        };
    }
    total
}

fn outcome(steps: &[Step], run: Run) -> Outcome {
    let mut out = Outcome {
        dry_run: run == Run::DryRun,
        ..Outcome::default()
    };
    for step in steps {
        match step {
            Step::Change((live, _), _, _) => out.changed.add(&live.path, &live.key),
            Step::Restore(old, _) => out.restored.add(&old.path, &old.key),
            Step::Remove(live) => out.removed.add(&live.path, &live.key),
        }
    }
    out
}

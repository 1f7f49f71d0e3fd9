//! Expanding secret references (`${KEY}`, `${env.a.b.KEY}`, see `domain::reference`) in values
//! the caller has read, through the caller's read access only:
//! - a target in a folder the caller may not read refuses the answer with a 403 naming the
//!   reference (or, for imported secrets, stays literal), whether it exists or not: access is
//!   checked before anything is looked up (`reads`);
//! - a readable target that does not exist stays literal, an empty one becomes `""`;
//! - resolved values are expanded again, [`MAX_DEPTH`] references deep; a reference that leads
//!   back into its own chain (a cycle) stays literal, as does every reference leading into it;
//! - one expanded value is at most [`MAX_VALUE_BYTES`] (a reference that would pass it stays
//!   literal) and one answer's values at most [`MAX_ANSWER_BYTES`] (more is a 422), so a value
//!   like `${A}${A}${A}…` over `A=${B}${B}…` cannot make the server build gigabytes.
//!
//! The folders are read between passes: a pass expands with what has been read and names the
//! folders it still needs; the next pass has them. Each pass reads at least one new folder and
//! `reads` reads at most `MAX_FOLDERS_READ`, so this ends.

use super::reads::{FolderId, Reads, Slot};
use crate::domain::reference::{may_hold_references, pieces, Piece, Target};
use crate::error::{AppError, AppResult};
use crate::service::views::SecretView;
use std::collections::{BTreeSet, HashMap};

/// References followed inside one another; deeper ones stay literal.
pub const MAX_DEPTH: usize = 32;
pub const MAX_VALUE_BYTES: usize = 1024 * 1024;
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// References followed for one answer (the CPU one answer may take); the rest stay literal.
pub const MAX_REFERENCES: usize = 100_000;

/// What a reference to a folder the caller may not read does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDenied {
    /// Refuses the whole answer (the secrets the caller asked for).
    Refuse,
    /// Leaves the reference as it is (imported secrets, as Infisical does).
    KeepLiteral,
}

/// Whether the answer is a list (whose refusal says so first) or one secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    List,
    One,
}

/// Replaces each view's value by its expansion.
pub async fn expand(
    reads: &mut Reads<'_>,
    views: &mut [SecretView],
    on_denied: OnDenied,
    reading: Reading,
) -> AppResult<()> {
    if !views.iter().any(|v| may_hold_references(&v.value)) {
        return Ok(());
    }
    loop {
        let mut pass = Pass {
            reads: &*reads,
            on_denied,
            followed: 0,
            needed: BTreeSet::new(),
            memo: HashMap::new(),
            memo_bytes: 0,
            referrer: String::new(),
        };
        let mut expanded = Vec::with_capacity(views.len());
        let mut total = 0usize;
        for view in views.iter() {
            if !may_hold_references(&view.value) {
                expanded.push(None);
                continue;
            }
            pass.referrer = view.key.clone();
            let home = (view.environment.clone(), view.path.clone());
            let mut chain = vec![(home.clone(), view.key.clone())];
            let value = pass
                .expand_value(&view.value, &home, &mut chain, 0)
                .map_err(|e| refusal(e, reading))?;
            total = total.saturating_add(value.text.len());
            if total > MAX_ANSWER_BYTES {
                return Err(AppError::validation(
                    "expandSecretReferences",
                    "the expanded values would exceed 16 MiB; read them without expanding",
                ));
            }
            expanded.push(Some(value.text));
        }
        let needed = std::mem::take(&mut pass.needed);
        if needed.is_empty() {
            for (view, value) in views.iter_mut().zip(expanded) {
                if let Some(value) = value {
                    view.value = value;
                }
            }
            return Ok(());
        }
        for id in &needed {
            reads.read(id).await?;
        }
    }
}

fn refusal(error: AppError, reading: Reading) -> AppError {
    match (error, reading) {
        (AppError::PermissionDenied(message), Reading::List) => AppError::PermissionDenied(
            format!("Failed to expand one or more secret references: {message}"),
        ),
        (other, _) => other,
    }
}

/// How a value expanded: its text, and whether a reference in it stayed literal because of a
/// cycle, the depth or size limit, or a folder not read yet (such a result is not remembered).
struct Expanded {
    text: String,
    cycle: bool,
    partial: bool,
}

enum Outcome {
    Value(Expanded),
    Literal { partial: bool },
    Cycle,
}

type SecretId = (FolderId, String);

struct Pass<'p, 'a> {
    reads: &'p Reads<'a>,
    on_denied: OnDenied,
    needed: BTreeSet<FolderId>,
    memo: HashMap<SecretId, String>,
    memo_bytes: usize,
    /// References resolved in this pass; past [`MAX_REFERENCES`] the rest stay literal.
    followed: usize,
    /// The secret whose value is being expanded, named in a refusal.
    referrer: String,
}

impl Pass<'_, '_> {
    fn expand_value(
        &mut self,
        value: &str,
        home: &FolderId,
        chain: &mut Vec<SecretId>,
        depth: usize,
    ) -> AppResult<Expanded> {
        let mut out = Expanded {
            text: String::with_capacity(value.len()),
            cycle: false,
            partial: false,
        };
        for piece in pieces(value) {
            let (text, target) = match piece {
                Piece::Text(text) => {
                    out.text.push_str(text);
                    continue;
                }
                Piece::Reference { text, target } => (text, target),
            };
            let id = match target {
                Target::Here(key) => (home.clone(), key.as_str().to_owned()),
                Target::Elsewhere {
                    environment,
                    path,
                    key,
                } => (
                    (environment.as_str().to_owned(), path.as_str().to_owned()),
                    key.as_str().to_owned(),
                ),
            };
            let room = MAX_VALUE_BYTES.saturating_sub(out.text.len());
            match self.resolve(text, id, chain, depth + 1, room)? {
                Outcome::Value(v) => {
                    out.text.push_str(&v.text);
                    out.partial |= v.partial;
                }
                Outcome::Literal { partial } => {
                    out.text.push_str(text);
                    out.partial |= partial;
                }
                Outcome::Cycle => {
                    out.text.push_str(text);
                    out.cycle = true;
                }
            }
        }
        Ok(out)
    }

    fn resolve(
        &mut self,
        text: &str,
        id: SecretId,
        chain: &mut Vec<SecretId>,
        depth: usize,
        room: usize,
    ) -> AppResult<Outcome> {
        if chain.contains(&id) {
            return Ok(Outcome::Cycle);
        }
        self.followed += 1;
        if depth > MAX_DEPTH || self.followed > MAX_REFERENCES {
            return Ok(Outcome::Literal { partial: true });
        }
        let listing = match self.reads.slot(&id.0) {
            None => {
                self.needed.insert(id.0.clone());
                return Ok(Outcome::Literal { partial: true });
            }
            Some(Slot::Denied) => {
                return match self.on_denied {
                    OnDenied::KeepLiteral => Ok(Outcome::Literal { partial: false }),
                    OnDenied::Refuse => Err(AppError::PermissionDenied(format!(
                        "You do not have permission to read secret '{}' in environment '{}' at path '{}', which is referenced by secret '{}' as {text}",
                        id.1, id.0 .0, id.0 .1, self.referrer
                    ))),
                };
            }
            Some(Slot::Missing) => return Ok(Outcome::Literal { partial: false }),
            Some(Slot::Found { folder, .. }) => folder,
        };
        let Some(secret) = listing.find(&id.1) else {
            return Ok(Outcome::Literal { partial: false });
        };
        let too_long = Outcome::Literal { partial: true };
        if let Some(done) = self.memo.get(&id) {
            if done.len() > room {
                return Ok(too_long);
            }
            return Ok(Outcome::Value(Expanded {
                text: done.clone(),
                cycle: false,
                partial: false,
            }));
        }
        if !may_hold_references(&secret.value) {
            if secret.value.len() > room {
                return Ok(too_long);
            }
            return Ok(Outcome::Value(Expanded {
                text: secret.value.clone(),
                cycle: false,
                partial: false,
            }));
        }
        let value = secret.value.clone();
        chain.push(id.clone());
        let expanded = self.expand_value(&value, &id.0, chain, depth);
        chain.pop();
        let expanded = expanded?;
        if expanded.cycle {
            return Ok(Outcome::Cycle);
        }
        if expanded.text.len() > room {
            return Ok(too_long);
        }
        if !expanded.partial && self.memo_bytes + expanded.text.len() <= MAX_ANSWER_BYTES {
            self.memo_bytes += expanded.text.len();
            self.memo.insert(id, expanded.text.clone());
        }
        Ok(Outcome::Value(expanded))
    }
}

//! A listing too large to keep, rendered row by row: each row is read, decrypted, written into
//! the body and dropped, in one statement (one snapshot). What it holds is its body, which its
//! reservation of listing memory covers, and one row.

use super::listing::{body_bytes_for, Body, BodyWriter, Rendered};
use super::read::visible_to;
use super::Location;
use crate::auth::Caller;
use crate::db::secrets::{self, SecretRow};
use crate::db::usage::Usage;
use crate::domain::Depth;
use crate::error::{AppError, AppResult};
use crate::service::environment;
use crate::service::sealed_fields::open_or_set_aside;
use crate::store::Store;
use zeroize::Zeroize;

pub(super) async fn render<W: BodyWriter>(
    store: &Store,
    access: &Caller,
    at: &Location,
    depth: Depth,
    used: Usage,
    mut writer: W,
) -> AppResult<Rendered<W>> {
    let capacity = body_bytes_for(used);
    let reservation = store.reserve_listing(capacity).await?;
    let keys = store.project_keys(&at.project_id).await?;
    // Taken before the rows are read: the generation of what this body lists (never kept, so a
    // later poll matches it only while nothing has been written since).
    let generation = store.stamp();
    let (at, caller) = (at.clone(), access.clone());
    let (body, writer) = store
        .read(move |conn| -> AppResult<(String, W)> {
            let env = environment(conn, &at.project_id, at.environment.as_str())?;
            let (project, environment) = (at.project_id.as_str(), at.environment.as_str());
            let mut body = Body::new(&mut writer, capacity);
            let mut unreadable = Vec::new();
            let each = |row: SecretRow| -> AppResult<()> {
                // A recursive listing shows a token only the folders in its scopes.
                if depth == Depth::Recursive && !visible_to(&caller, &at, &row.path) {
                    return Ok(());
                }
                match open_or_set_aside(&keys, project, environment, row) {
                    Ok(mut secret) => {
                        body.writer.note(&secret);
                        let pushed = body.push(&secret);
                        secret.value.zeroize();
                        secret.comment.zeroize();
                        pushed.map_err(AppError::internal)
                    }
                    Err(set_aside) => {
                        unreadable.push(set_aside);
                        Ok(())
                    }
                }
            };
            let path = at.path.as_str();
            match depth {
                Depth::OneLevel => secrets::for_each_in_folder(conn, &env.id, path, each)?,
                Depth::Recursive => secrets::for_each_in_subtree(conn, &env.id, path, each)?,
            }
            let body = body.finish(&unreadable).map_err(AppError::internal)?;
            Ok((body, writer))
        })
        .await?;
    Ok(Rendered {
        body,
        writer,
        reservation,
        generation,
    })
}

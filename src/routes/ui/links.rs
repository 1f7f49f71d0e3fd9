//! The addresses of the machine-identity pages (instance-wide and a project's), of a folder's
//! secret imports and of a reference preview, built as `urls` builds the others (path segments
//! encoded whole, folder paths in query values keep `/`). `urls` holds the rest of the UI's.

use super::urls;
use crate::percent::{self, Slash};

fn segment(raw: &str) -> String {
    percent::encode(raw, Slash::Encoded)
}

/// Machine identities (owners and admins).
pub fn identities() -> String {
    String::from("/identities")
}

pub fn identity(identity_id: &str) -> String {
    format!("/identities/{}", segment(identity_id))
}

pub fn identity_rename(identity_id: &str) -> String {
    format!("{}/rename", identity(identity_id))
}

pub fn identity_delete(identity_id: &str) -> String {
    format!("{}/delete", identity(identity_id))
}

pub fn identity_settings(identity_id: &str) -> String {
    format!("{}/universal-auth", identity(identity_id))
}

pub fn client_secrets(identity_id: &str) -> String {
    format!("{}/client-secrets", identity(identity_id))
}

/// The page that shows a new client secret once; `reveal` names it in the reveal store.
pub fn client_secret_created(identity_id: &str, reveal: &str) -> String {
    format!(
        "{}/created/{}",
        client_secrets(identity_id),
        segment(reveal)
    )
}

pub fn client_secret_revoke(identity_id: &str, secret_id: &str) -> String {
    format!(
        "{}/{}/revoke",
        client_secrets(identity_id),
        segment(secret_id)
    )
}

/// Access Control > Machine Identities of a project.
pub fn project_identities(project_id: &str) -> String {
    format!(
        "/projects/{}/access-control/identities",
        segment(project_id)
    )
}

pub fn project_identity(project_id: &str, identity_id: &str) -> String {
    format!(
        "{}/{}",
        project_identities(project_id),
        segment(identity_id)
    )
}

pub fn project_identity_detach(project_id: &str, identity_id: &str) -> String {
    format!("{}/detach", project_identity(project_id, identity_id))
}

fn environment(project_id: &str, env: &str) -> String {
    format!("{}/{}", urls::secrets_first_env(project_id), segment(env))
}

/// Where the add-import form posts (the importing folder travels in the form).
pub fn imports(project_id: &str, env: &str) -> String {
    format!("{}/imports", environment(project_id, env))
}

pub fn import_remove(project_id: &str, env: &str, import_id: &str) -> String {
    format!("{}/{}/remove", imports(project_id, env), segment(import_id))
}

pub fn import_move(project_id: &str, env: &str, import_id: &str) -> String {
    format!("{}/{}/move", imports(project_id, env), segment(import_id))
}

/// The expanded value of secret `key` in folder `path`.
pub fn preview(project_id: &str, env: &str, path: &str, key: &str) -> String {
    format!(
        "{}/preview?path={}&key={}",
        environment(project_id, env),
        urls::query_value(path),
        urls::query_value(key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_slugs_are_encoded_whole_and_paths_keep_their_slashes() {
        assert_eq!(identity("a/b"), "/identities/a%2Fb");
        assert_eq!(
            preview("p", "dev", "/app/db", "A B"),
            "/projects/p/secrets/dev/preview?path=/app/db&key=A%20B"
        );
        assert_eq!(
            import_move("p", "dev", "i"),
            "/projects/p/secrets/dev/imports/i/move"
        );
    }
}

//! Every address the admin UI links or redirects to, one function per page, so the shape of a
//! page's URL is written once and percent-encoding happens here only: path segments (ids, slugs)
//! are encoded whole, query values keep `/` so a folder reads `?path=/app/db`. The route patterns
//! the screens register (`/projects/{projectId}/…`) must match these.

use super::notice::Notice;
use crate::percent::{self, Slash};

fn segment(raw: &str) -> String {
    percent::encode(raw, Slash::Encoded)
}

pub fn query_value(raw: &str) -> String {
    percent::encode(raw, Slash::Kept)
}

/// `href` with a notice for the page the redirect lands on (`?` or `&` as needed).
pub fn with_notice(href: &str, notice: Notice) -> String {
    let separator = if href.contains('?') { '&' } else { '?' };
    format!("{href}{separator}notice={}", notice.code())
}

/// `href` with the query parameters whose values are not empty (`?` or `&` as needed), so a
/// list's links keep its filter, sort and page.
pub fn with_params(href: &str, params: &[(&str, &str)]) -> String {
    let mut out = href.to_owned();
    for (name, value) in params.iter().filter(|(_, v)| !v.is_empty()) {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(name);
        out.push('=');
        out.push_str(&query_value(value));
    }
    out
}

pub fn setup() -> String {
    String::from("/setup")
}

pub fn login() -> String {
    String::from("/login")
}

/// The person's own account page (password, MFA, sessions).
pub fn account() -> String {
    String::from("/account")
}

/// The login page, coming back to `next` (a path on this site) afterwards.
pub fn login_then(next: &str) -> String {
    format!("/login?next={}", query_value(next))
}

pub use super::next::same_site_next;

/// An invitation's page (the one-time link, relative).
pub fn invite(code: &str) -> String {
    format!("/invite/{}", segment(code))
}

/// The Team page: users and invitations.
pub fn team() -> String {
    String::from("/team")
}

pub fn projects() -> String {
    String::from("/projects")
}

fn project(project_id: &str) -> String {
    format!("/projects/{}", segment(project_id))
}

pub fn project_delete(project_id: &str) -> String {
    format!("{}/delete", project(project_id))
}

/// The secrets of the project's first environment (the Secrets tab).
pub fn secrets_first_env(project_id: &str) -> String {
    format!("{}/secrets", project(project_id))
}

fn environment(project_id: &str, env: &str) -> String {
    format!("{}/{}", secrets_first_env(project_id), segment(env))
}

/// A folder of an environment in the secrets browser (`/` is the environment's page itself).
pub fn secrets(project_id: &str, env: &str, path: &str) -> String {
    let page = environment(project_id, env);
    if path == "/" {
        page
    } else {
        format!("{page}?path={}", query_value(path))
    }
}

/// The Overview: the folder `path` in every environment at once.
pub fn overview(project_id: &str, path: &str) -> String {
    let page = format!("{}/overview", project(project_id));
    if path == "/" {
        page
    } else {
        format!("{page}?path={}", query_value(path))
    }
}

/// Where the add-secret form posts (the folder travels in the form).
pub fn secret_add(project_id: &str, env: &str) -> String {
    format!("{}/add", environment(project_id, env))
}

/// Where the `.env` import form and its confirmation post (the folder travels in the form).
pub fn env_import(project_id: &str, env: &str) -> String {
    format!("{}/import", environment(project_id, env))
}

/// A folder's secrets as a `.env` download.
pub fn env_export(project_id: &str, env: &str, path: &str) -> String {
    format!(
        "{}/export?path={}",
        environment(project_id, env),
        query_value(path)
    )
}

/// Where the new-folder form posts (the parent travels in the form).
pub fn folder_add(project_id: &str, env: &str) -> String {
    format!("{}/folders", environment(project_id, env))
}

fn secret_item(action: &str, project_id: &str, env: &str, path: &str, key: &str) -> String {
    format!(
        "{}/{action}?path={}&key={}",
        environment(project_id, env),
        query_value(path),
        query_value(key)
    )
}

/// The edit page of secret `key` in folder `path`.
pub fn secret_edit(project_id: &str, env: &str, path: &str, key: &str) -> String {
    secret_item("edit", project_id, env, path, key)
}

/// Where the edit form posts (folder and key travel in the form).
pub fn secret_edit_action(project_id: &str, env: &str) -> String {
    format!("{}/edit", environment(project_id, env))
}

/// The confirmation page before deleting secret `key` in folder `path`.
pub fn secret_delete(project_id: &str, env: &str, path: &str, key: &str) -> String {
    secret_item("delete", project_id, env, path, key)
}

/// Where the delete confirmation posts (folder and key travel in the form).
pub fn secret_delete_action(project_id: &str, env: &str) -> String {
    format!("{}/delete", environment(project_id, env))
}

/// The History page of secret `key` in folder `path`.
pub fn secret_history(project_id: &str, env: &str, path: &str, key: &str) -> String {
    secret_item("history", project_id, env, path, key)
}

/// The confirmation before restoring `version` of secret `key`.
pub fn secret_history_restore(
    project_id: &str,
    env: &str,
    path: &str,
    key: &str,
    version: i64,
) -> String {
    format!(
        "{}&version={version}",
        secret_item("history/restore", project_id, env, path, key)
    )
}

/// Where that confirmation posts (folder, key and version travel in the form).
pub fn secret_history_restore_action(project_id: &str, env: &str) -> String {
    format!("{}/history/restore", environment(project_id, env))
}

/// An environment's trash.
pub fn trash(project_id: &str, env: &str) -> String {
    format!("{}/trash", environment(project_id, env))
}

/// Where a trash entry's Restore posts (its id travels in the form).
pub fn trash_restore_action(project_id: &str, env: &str) -> String {
    format!("{}/trash/restore", environment(project_id, env))
}

/// "Restore this folder to…": the form, then (with `at`) the dry-run preview.
pub fn folder_restore(project_id: &str, env: &str, path: &str) -> String {
    format!(
        "{}/restore?path={}",
        environment(project_id, env),
        query_value(path)
    )
}

/// Where the preview's confirmation posts.
pub fn folder_restore_action(project_id: &str, env: &str) -> String {
    format!("{}/restore", environment(project_id, env))
}

pub fn settings(project_id: &str) -> String {
    format!("{}/settings", project(project_id))
}

/// Where the add-environment form posts.
pub fn environment_add(project_id: &str) -> String {
    format!("{}/environments", settings(project_id))
}

fn environment_item(action: &str, project_id: &str, slug: &str) -> String {
    format!("{}/{}/{action}", environment_add(project_id), segment(slug))
}

pub fn environment_rename(project_id: &str, slug: &str) -> String {
    environment_item("rename", project_id, slug)
}

pub fn environment_move(project_id: &str, slug: &str) -> String {
    environment_item("move", project_id, slug)
}

pub fn environment_delete(project_id: &str, slug: &str) -> String {
    environment_item("delete", project_id, slug)
}

/// Access Control > Service Tokens.
/// A project's Activity page (its audit log).
pub fn activity(project_id: &str) -> String {
    format!("{}/activity", project(project_id))
}

/// A service token's usage page.
pub fn token_usage(project_id: &str, token_id: &str) -> String {
    format!("{}/{}/usage", tokens(project_id), segment(token_id))
}

pub fn tokens(project_id: &str) -> String {
    format!("{}/access-control/service-tokens", project(project_id))
}

/// Access Control > Members.
pub fn members(project_id: &str) -> String {
    format!("{}/access-control/members", project(project_id))
}

pub fn member(project_id: &str, user_id: &str) -> String {
    format!("{}/{}", members(project_id), segment(user_id))
}

pub fn member_remove(project_id: &str, user_id: &str) -> String {
    format!("{}/remove", member(project_id, user_id))
}

/// A user on the Team page: the role/status form and the remove page.
pub fn team_user(user_id: &str) -> String {
    format!("/team/users/{}", segment(user_id))
}

pub fn team_user_remove(user_id: &str) -> String {
    format!("{}/remove", team_user(user_id))
}

pub fn team_mfa() -> String {
    String::from("/team/mfa")
}

pub fn team_invites() -> String {
    String::from("/team/invites")
}

pub fn team_invite_revoke(invite_id: &str) -> String {
    format!("/team/invites/{}/revoke", segment(invite_id))
}

pub fn token_new(project_id: &str) -> String {
    format!("{}/new", tokens(project_id))
}

/// The token form's scope preview (JSON): `?environment=&path=`.
pub fn token_scope_preview(project_id: &str) -> String {
    format!("{}/scope-preview", tokens(project_id))
}

/// The page that shows a new token once; `reveal` names it in the reveal store.
pub fn token_created(project_id: &str, reveal: &str) -> String {
    format!("{}/created/{}", tokens(project_id), segment(reveal))
}

pub fn token_revoke(project_id: &str, token_id: &str) -> String {
    format!("{}/{}/revoke", tokens(project_id), segment(token_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_items_encode_their_query_values() {
        assert_eq!(secrets("p1", "dev", "/"), "/projects/p1/secrets/dev");
        assert_eq!(
            secrets("p1", "dev", "/app/db"),
            "/projects/p1/secrets/dev?path=/app/db"
        );
        assert_eq!(
            secret_edit("p1", "dev", "/a b", "K&Y"),
            "/projects/p1/secrets/dev/edit?path=/a%20b&key=K%26Y"
        );
        assert_eq!(
            login_then("/projects/a?x=1&y=/b c"),
            "/login?next=/projects/a%3Fx%3D1%26y%3D/b%20c"
        );
        assert_eq!(login_then("é"), "/login?next=%C3%A9");
    }

    #[test]
    fn path_segments_are_encoded_whole() {
        assert_eq!(
            token_revoke("p1", "a/b"),
            "/projects/p1/access-control/service-tokens/a%2Fb/revoke"
        );
        assert_eq!(
            environment_rename("p1", "qa-team"),
            "/projects/p1/settings/environments/qa-team/rename"
        );
    }

    #[test]
    fn params_join_the_query_and_empty_ones_are_left_out() {
        assert_eq!(
            with_params(
                &secrets("p1", "dev", "/app"),
                &[("q", "a&b"), ("page", "2")]
            ),
            "/projects/p1/secrets/dev?path=/app&q=a%26b&page=2"
        );
        assert_eq!(with_params("/projects", &[("q", "")]), "/projects");
    }

    #[test]
    fn a_notice_joins_the_query() {
        assert_eq!(
            with_notice(&settings("p1"), Notice::EnvDeleted),
            "/projects/p1/settings?notice=env-deleted"
        );
        assert_eq!(
            with_notice(&secrets("p1", "dev", "/app"), Notice::FolderCreated),
            "/projects/p1/secrets/dev?path=/app&notice=folder-created"
        );
    }
}

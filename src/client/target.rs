//! Which project, environment and folder a command reads or writes: the flags win; otherwise
//! they are inferred from the token's own metadata, as Infisical's CLI does for a token with a
//! single scope (reference §10 item 2: users whose token was scoped to `staging` got a
//! confusing denial because the CLI assumed `dev`). A refused path is explained with the
//! token's scopes.

use super::exit::ClientError;
use super::table::printable;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scope {
    pub environment: String,
    #[serde(default = "root")]
    pub secret_path: String,
}

fn root() -> String {
    String::from("/")
}

/// What the server says about the token: its project and scopes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TokenInfo {
    pub project_id: String,
    pub scopes: Vec<Scope>,
    /// `read`, `write`.
    pub permissions: Vec<String>,
    /// RFC 3339; `None` when it never expires.
    pub expires_at: Option<String>,
}

/// A resolved location.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub project_id: String,
    pub environment: String,
    pub path: String,
}

/// What the user asked for (each `None` is inferred).
#[derive(Debug, Clone, Default)]
pub struct Requested<'a> {
    pub project: Option<&'a str>,
    pub environment: Option<&'a str>,
    pub path: Option<&'a str>,
}

impl Requested<'_> {
    /// Whether the token's metadata is needed to fill the gaps.
    pub fn is_complete(&self) -> bool {
        self.project.is_some() && self.environment.is_some() && self.path.is_some()
    }
}

/// Is this scope path a glob rather than one folder?
pub fn is_glob(path: &str) -> bool {
    path.contains(['*', '?', '{', '}', '[', ']', '!'])
}

/// The folder a glob starts from: its segments before the first one with a wildcard
/// (`/app/**` → `/app`, `/app/*/db` → `/app`, `/**` → `/`).
pub fn glob_base(pattern: &str) -> String {
    let fixed: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty())
        .take_while(|s| !is_glob(s))
        .collect();
    format!("/{}", fixed.join("/"))
}

/// For a path refused as outside the token's scopes: the scopes, and flags that read what the
/// token may (the base of its first scope in `environment`, recursively when that is a glob).
pub fn refused_path_hint(info: &TokenInfo, environment: &str) -> String {
    let scopes: Vec<String> = info
        .scopes
        .iter()
        .map(|s| {
            format!(
                "{}:{}",
                printable(&s.environment),
                printable(&s.secret_path)
            )
        })
        .collect();
    let mut hint = format!("this token's scopes are {}", scopes.join(", "));
    let in_env = info.scopes.iter().find(|s| s.environment == environment);
    match (in_env, info.scopes.first()) {
        (Some(scope), _) => {
            hint.push_str(&format!(
                "; try --path {}",
                printable(&glob_base(&scope.secret_path))
            ));
            if is_glob(&scope.secret_path) {
                hint.push_str(" --recursive");
            }
        }
        (None, Some(other)) => {
            hint.push_str(&format!(
                "; none is in environment '{}', try --env {}",
                printable(environment),
                printable(&other.environment)
            ));
        }
        (None, None) => {}
    }
    hint
}

pub fn resolve(requested: &Requested<'_>, info: Option<&TokenInfo>) -> Result<Target, ClientError> {
    let project_id = match (requested.project, info) {
        (Some(project), _) => project.to_owned(),
        (None, Some(info)) => info.project_id.clone(),
        (None, None) => {
            return Err(ClientError::usage(
                "no project: pass --project or set ENVKEEP_PROJECT",
            ))
        }
    };
    let scopes = info.map_or(&[][..], |i| i.scopes.as_slice());
    let environment = match requested.environment {
        Some(env) => env.to_owned(),
        None => only_environment(scopes)?,
    };
    let path = match requested.path {
        Some(path) => path.to_owned(),
        None => {
            let mut in_env = scopes.iter().filter(|s| s.environment == environment);
            match (in_env.next(), in_env.next()) {
                (Some(only), None) => glob_base(&only.secret_path),
                _ => root(),
            }
        }
    };
    Ok(Target {
        project_id,
        environment,
        path,
    })
}

/// The environment every scope names, if they all name the same one.
fn only_environment(scopes: &[Scope]) -> Result<String, ClientError> {
    let mut names: Vec<&str> = scopes.iter().map(|s| s.environment.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => Err(ClientError::usage(
            "no environment: pass --env or set ENVKEEP_ENV",
        )),
        many => Err(ClientError::usage(format!(
            "this token can read several environments ({}); choose one with --env or ENVKEEP_ENV",
            many.join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(environment: &str, path: &str) -> Scope {
        Scope {
            environment: environment.into(),
            secret_path: path.into(),
        }
    }

    fn info(scopes: Vec<Scope>) -> TokenInfo {
        TokenInfo {
            project_id: "p1".into(),
            scopes,
            ..TokenInfo::default()
        }
    }

    #[test]
    fn a_single_scope_gives_environment_and_plain_path() {
        let target = resolve(
            &Requested::default(),
            Some(&info(vec![scope("staging", "/app")])),
        )
        .unwrap();
        assert_eq!(
            target,
            Target {
                project_id: "p1".into(),
                environment: "staging".into(),
                path: "/app".into()
            }
        );
    }

    #[test]
    fn a_glob_scope_gives_its_base_path() {
        let target = resolve(
            &Requested::default(),
            Some(&info(vec![scope("dev", "/app/**")])),
        )
        .unwrap();
        assert_eq!(
            (target.environment.as_str(), target.path.as_str()),
            ("dev", "/app")
        );
    }

    #[test]
    fn glob_bases_stop_at_the_first_wildcard() {
        for (glob, base) in [
            ("/app/**", "/app"),
            ("/app/*/db", "/app"),
            ("/a/b/{x,y}", "/a/b"),
            ("/**", "/"),
            ("/app", "/app"),
            ("/", "/"),
        ] {
            assert_eq!(glob_base(glob), base, "{glob}");
        }
    }

    #[test]
    fn a_refused_path_names_the_scopes_and_a_path_that_works() {
        let token = info(vec![scope("dev", "/app/**"), scope("prod", "/web")]);
        assert_eq!(
            refused_path_hint(&token, "dev"),
            "this token's scopes are dev:/app/**, prod:/web; try --path /app --recursive"
        );
        assert_eq!(
            refused_path_hint(&token, "prod"),
            "this token's scopes are dev:/app/**, prod:/web; try --path /web"
        );
        assert!(refused_path_hint(&token, "staging").contains("try --env dev"));
    }

    #[test]
    fn flags_win_over_the_token() {
        let requested = Requested {
            project: Some("p2"),
            environment: Some("prod"),
            path: Some("/x"),
        };
        let target = resolve(&requested, Some(&info(vec![scope("dev", "/app")]))).unwrap();
        assert_eq!(
            target,
            Target {
                project_id: "p2".into(),
                environment: "prod".into(),
                path: "/x".into()
            }
        );
        assert!(requested.is_complete());
    }

    #[test]
    fn an_explicit_environment_still_infers_the_path_of_its_only_scope() {
        let requested = Requested {
            environment: Some("prod"),
            ..Default::default()
        };
        let token = info(vec![scope("dev", "/a"), scope("prod", "/b")]);
        assert_eq!(resolve(&requested, Some(&token)).unwrap().path, "/b");
    }

    #[test]
    fn several_environments_need_a_flag() {
        let token = info(vec![scope("dev", "/"), scope("prod", "/")]);
        let err = resolve(&Requested::default(), Some(&token)).unwrap_err();
        assert_eq!(err.code, super::super::exit::USAGE);
        assert!(err.message.contains("dev, prod"), "{}", err.message);
    }

    #[test]
    fn several_scopes_in_one_environment_use_that_environment_and_the_root() {
        let token = info(vec![scope("dev", "/a"), scope("dev", "/b")]);
        let target = resolve(&Requested::default(), Some(&token)).unwrap();
        assert_eq!(
            (target.environment.as_str(), target.path.as_str()),
            ("dev", "/")
        );
    }

    #[test]
    fn globs_are_recognised() {
        for glob in ["/**", "/app/*", "/a?c", "/{a,b}", "/app/[ab]"] {
            assert!(is_glob(glob), "{glob}");
        }
        assert!(!is_glob("/app/db-1_x.y"));
    }
}

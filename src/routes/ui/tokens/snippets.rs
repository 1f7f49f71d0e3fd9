//! The one-time page's copyable ways to use a new token, filled with the server's address and
//! the token: `envkeep run`, a GitHub Actions step and the Infisical SDKs. They are built here
//! only for that page's HTML; the token never goes into a URL or a log line.

use crate::domain::ScopeGlob;
use crate::service::views::ScopeView;

pub struct Snippets {
    pub shell: String,
    pub github: String,
    pub node_sdk: String,
    pub python_sdk: String,
}

/// Where the token reads by default: the first scope's environment and the folder it starts from.
fn first_place(scopes: &[ScopeView]) -> (String, String) {
    let Some(first) = scopes.first() else {
        return (String::from("dev"), String::from("/"));
    };
    let path = ScopeGlob::parse(&first.secret_path)
        .map(|g| g.base_folder())
        .unwrap_or_else(|_| String::from("/"));
    (first.environment.clone(), path)
}

/// `--env E ` when the scopes name several environments (the client then needs one), else
/// nothing: `envkeep run` takes the token's only environment and folder by itself.
fn env_flag(scopes: &[ScopeView]) -> String {
    let first = scopes.first().map(|s| s.environment.as_str());
    match first {
        Some(env) if scopes.iter().any(|s| s.environment != env) => format!("--env {env} "),
        _ => String::new(),
    }
}

pub fn snippets(url: &str, token: &str, project_id: &str, scopes: &[ScopeView]) -> Snippets {
    let flag = env_flag(scopes);
    let (environment, path) = first_place(scopes);
    Snippets {
        shell: format!("ENVKEEP_URL={url} ENVKEEP_TOKEN={token} envkeep run {flag}-- ./your-app"),
        github: format!(
            "- name: Run with Envkeep secrets\n  env:\n    ENVKEEP_URL: {url}\n    ENVKEEP_TOKEN: ${{{{ secrets.ENVKEEP_TOKEN }}}}\n  run: envkeep run {flag}-- ./your-app"
        ),
        node_sdk: format!(
            "import {{ InfisicalSDK }} from \"@infisical/sdk\";\n\nconst sdk = new InfisicalSDK({{ siteUrl: \"{url}\" }});\nsdk.auth().accessToken(\"{token}\");\nconst {{ secrets }} = await sdk.secrets().listSecrets({{\n  projectId: \"{project_id}\",\n  environment: \"{environment}\",\n  secretPath: \"{path}\",\n}});"
        ),
        python_sdk: format!(
            "from infisical_sdk import InfisicalSDKClient\n\nclient = InfisicalSDKClient(host=\"{url}\", token=\"{token}\")\nsecrets = client.secrets.list_secrets(\n    project_id=\"{project_id}\",\n    environment_slug=\"{environment}\",\n    secret_path=\"{path}\",\n)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(environment: &str, secret_path: &str) -> ScopeView {
        ScopeView {
            environment: environment.to_owned(),
            secret_path: secret_path.to_owned(),
        }
    }

    #[test]
    fn one_environment_needs_only_the_url_and_the_token() {
        let s = snippets(
            "https://s.example",
            "st.a.b.c",
            "p1",
            &[scope("prod", "/app/**")],
        );
        assert_eq!(
            s.shell,
            "ENVKEEP_URL=https://s.example ENVKEEP_TOKEN=st.a.b.c envkeep run -- ./your-app"
        );
        assert!(s
            .github
            .contains("ENVKEEP_TOKEN: ${{ secrets.ENVKEEP_TOKEN }}"));
        assert!(
            !s.github.contains("st.a.b.c"),
            "the workflow names the secret"
        );
        assert!(s.node_sdk.contains("accessToken(\"st.a.b.c\")"));
        assert!(s.node_sdk.contains("secretPath: \"/app\""));
        assert!(s.python_sdk.contains("environment_slug=\"prod\""));
    }

    #[test]
    fn several_environments_name_the_first() {
        let s = snippets("u", "t", "p", &[scope("dev", "/"), scope("staging", "/")]);
        assert!(s.shell.ends_with("envkeep run --env dev -- ./your-app"));
    }
}

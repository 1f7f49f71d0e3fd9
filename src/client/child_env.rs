//! What `envkeep run` puts into the command's environment, and what it refuses.
//!
//! Secrets come from a server, and whoever can write a secret in scope should not get to run
//! code inside every process started with it. Variables that make a dynamic loader, a shell, an
//! interpreter or git load or run something of their choosing are refused unless the user names
//! them with `--allow-env` (the list is in README "Refused names").

use super::secret::Secret;
use super::table::name_list;
use std::collections::BTreeMap;

/// Refused whole names: shell start-up and prompt hooks, interpreters' preload and module-path
/// variables, JVM agents, programs git runs, glibc's module loaders, and PATH (which also
/// decides which program `run` starts).
pub const REFUSED_NAMES: &[&str] = &[
    "PATH",
    "IFS",
    "ENV",
    "BASH_ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "ZDOTDIR",
    "NODE_OPTIONS",
    "NODE_PATH",
    "PYTHONSTARTUP",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONWARNINGS",
    "PYTHONBREAKPOINT",
    "PERL5OPT",
    "PERL5LIB",
    "PERLLIB",
    "PERL5DB",
    "RUBYOPT",
    "RUBYLIB",
    "JAVA_TOOL_OPTIONS",
    "_JAVA_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "GIT_EXEC_PATH",
    "GIT_PROXY_COMMAND",
    "GIT_EXTERNAL_DIFF",
    "GIT_CONFIG",
    "GCONV_PATH",
    "GLIBC_TUNABLES",
    "OPENSSL_CONF",
];

/// Refused name prefixes: every dynamic-loader variable (`LD_PRELOAD`, `LD_AUDIT`,
/// `LD_LIBRARY_PATH`, …; macOS's `DYLD_*`), git's configuration by environment
/// (`GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n` can set `core.sshCommand`), and envkeep's own settings
/// (a secret named `ENVKEEP_URL` would send a nested `envkeep` call's token elsewhere).
pub const REFUSED_PREFIXES: &[&str] = &["LD_", "DYLD_", "GIT_CONFIG_", "ENVKEEP_"];

pub fn is_refused(name: &str) -> bool {
    REFUSED_NAMES.contains(&name) || REFUSED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Who wins for a variable the environment already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// The environment's value (the default).
    Kept,
    /// The secret's value (`--override`).
    Overridden,
}

impl Existing {
    pub fn overridden_if(flag: bool) -> Self {
        if flag {
            Self::Overridden
        } else {
            Self::Kept
        }
    }
}

/// The user's choices about the command's environment.
#[derive(Debug, Clone)]
pub struct Rules {
    pub existing: Existing,
    /// Refused names let in by `--allow-env`.
    pub allowed: Vec<String>,
}

/// What goes into the command's environment, and what was left out and why.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub set: BTreeMap<String, String>,
    /// Names already in the environment that win over the secret.
    pub kept: Vec<String>,
    /// Values with a NUL byte, which no environment can hold.
    pub unusable: Vec<String>,
    /// Loader and shell-startup names, not allowed with `--allow-env`.
    pub refused: Vec<String>,
}

impl Rules {
    /// Sorts the secrets (already one per variable name) into the plan.
    pub fn plan(&self, secrets: BTreeMap<String, Secret>, is_set: impl Fn(&str) -> bool) -> Plan {
        let mut plan = Plan::default();
        for (name, secret) in secrets {
            if secret.value.contains('\0') {
                plan.unusable.push(name);
            } else if is_refused(&name) && !self.allowed.contains(&name) {
                plan.refused.push(name);
            } else if self.existing == Existing::Kept && is_set(&name) {
                plan.kept.push(name);
            } else {
                plan.set.insert(name, secret.value);
            }
        }
        plan
    }
}

impl Plan {
    /// Tells the user, on stderr, what was left out (names only, escaped).
    pub fn warn(&self) {
        if !self.kept.is_empty() {
            eprintln!(
                "envkeep: kept {} from the environment (--override lets secrets replace them)",
                name_list(&self.kept)
            );
        }
        if !self.refused.is_empty() {
            eprintln!(
                "envkeep: warning: refused {} from the server: loader and shell-startup variables could make the command run someone else's code (--allow-env NAME lets one in)",
                name_list(&self.refused)
            );
        }
        if !self.unusable.is_empty() {
            eprintln!(
                "envkeep: warning: skipped {} (a value with a NUL byte cannot be an environment variable)",
                name_list(&self.unusable)
            );
        }
    }

    /// Names whose value differs from `before` (added, changed or gone), in order.
    pub fn changed_since(&self, before: &Plan) -> Vec<String> {
        let mut names: Vec<String> = self
            .set
            .iter()
            .filter(|(name, value)| before.set.get(*name) != Some(value))
            .map(|(name, _)| name.clone())
            .chain(
                before
                    .set
                    .keys()
                    .filter(|name| !self.set.contains_key(*name))
                    .cloned(),
            )
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::secret::tests::at_root;

    fn rules(existing: Existing, allowed: &[&str]) -> Rules {
        Rules {
            existing,
            allowed: allowed.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    #[test]
    fn existing_variables_win_unless_overridden() {
        let input = at_root(&[("HOME", "/secret-home"), ("NEW", "n")]);
        let is_set = |name: &str| name == "HOME";
        let kept = rules(Existing::Kept, &[]).plan(input.clone(), is_set);
        assert_eq!(
            kept.set.into_iter().collect::<Vec<_>>(),
            vec![("NEW".to_owned(), "n".to_owned())]
        );
        assert_eq!(kept.kept, vec!["HOME".to_owned()]);
        let replaced = rules(Existing::Overridden, &[]).plan(input, is_set);
        assert_eq!(replaced.set.len(), 2);
        assert!(replaced.kept.is_empty());
    }

    #[test]
    fn nul_bytes_cannot_be_injected() {
        let result = rules(Existing::Kept, &[]).plan(at_root(&[("BAD", "a\0b")]), |_| false);
        assert_eq!(result.unusable, vec!["BAD".to_owned()]);
        assert!(result.set.is_empty());
    }

    #[test]
    fn loader_and_startup_names_are_refused_unless_allowed() {
        let input = at_root(&[
            ("LD_PRELOAD", "/tmp/evil.so"),
            ("DYLD_INSERT_LIBRARIES", "x"),
            ("BASH_ENV", "/tmp/x"),
            ("NODE_OPTIONS", "--require /tmp/x.js"),
            ("ENVKEEP_URL", "https://elsewhere"),
            ("GIT_CONFIG_COUNT", "1"),
            ("PATH", "/tmp/bin"),
            ("DATABASE_URL", "postgres://db"),
            ("LDAP_URL", "ldap://x"),
        ]);
        let plan = rules(Existing::Overridden, &["NODE_OPTIONS"]).plan(input, |_| false);
        assert_eq!(
            plan.refused,
            [
                "BASH_ENV",
                "DYLD_INSERT_LIBRARIES",
                "ENVKEEP_URL",
                "GIT_CONFIG_COUNT",
                "LD_PRELOAD",
                "PATH"
            ]
        );
        let set: Vec<&str> = plan.set.keys().map(String::as_str).collect();
        assert_eq!(set, ["DATABASE_URL", "LDAP_URL", "NODE_OPTIONS"]);
    }

    #[test]
    fn every_name_the_issue_lists_is_refused() {
        for name in [
            "LD_PRELOAD",
            "LD_LIBRARY_PATH",
            "LD_AUDIT",
            "BASH_ENV",
            "ENV",
            "NODE_OPTIONS",
            "PYTHONSTARTUP",
            "PYTHONPATH",
            "PERL5OPT",
            "RUBYOPT",
            "SHELLOPTS",
            "PS4",
            "PROMPT_COMMAND",
            "GIT_SSH_COMMAND",
            "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS",
            "PERL5LIB",
            "RUBYLIB",
            "NODE_PATH",
            "DYLD_LIBRARY_PATH",
        ] {
            assert!(is_refused(name), "{name}");
        }
        assert!(!is_refused("ENVIRONMENT") && !is_refused("PATHS") && !is_refused("GIT_TOKEN"));
    }

    #[test]
    fn changes_list_added_changed_and_removed_names() {
        let rules = rules(Existing::Kept, &[]);
        let before = rules.plan(at_root(&[("A", "1"), ("B", "2"), ("C", "3")]), |_| false);
        let after = rules.plan(at_root(&[("A", "1"), ("B", "two"), ("D", "4")]), |_| false);
        assert_eq!(after.changed_since(&before), ["B", "C", "D"]);
        assert!(after.changed_since(&after).is_empty());
    }
}

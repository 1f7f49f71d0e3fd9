//! Names, slugs, keys, e-mail addresses and passwords.

use super::{has_control_chars, Invalid};
use zeroize::Zeroizing;

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_FOLDER_NAME_CHARS: usize = 100;
pub const MAX_SECRET_KEY_CHARS: usize = 256;
pub const MAX_SLUG_CHARS: usize = 64;
pub const MIN_PASSWORD_CHARS: usize = 12;

/// A display name (project, environment, token): 1-100 characters after trimming, no control
/// characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let chars = trimmed.chars().count();
        if chars == 0 {
            return Err(Invalid::new("must not be empty"));
        }
        if chars > MAX_NAME_CHARS {
            return Err(Invalid::new(format!(
                "must be at most {MAX_NAME_CHARS} characters (got {chars})"
            )));
        }
        if has_control_chars(trimmed) {
            return Err(Invalid::new("must not contain control characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An environment's display name.
pub type EnvName = Name;

/// An environment slug: lowercase letters, digits and `-`, starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EnvSlug(String);

impl EnvSlug {
    /// The same rule as [`EnvSlug::parse`], for the OpenAPI document.
    pub const PATTERN: &'static str = "^[a-z0-9][a-z0-9-]{0,63}$";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        slug_rule(raw, "environment")?;
        Ok(Self(raw.to_owned()))
    }

    /// Derives a slug from a display name: `"My App!"` → `my-app`, `Ünïcødé` → `unicode`.
    /// Letters outside ASCII are transliterated (deunicode's tables), so a name in any script
    /// gives a readable slug rather than dashes; what is left that is not a-z or 0-9 becomes
    /// one `-`. Room is left for the `-xxxxxx` added when the slug is taken.
    pub fn slugify(name: &str) -> String {
        let ascii = deunicode::deunicode(name);
        let mut slug = String::new();
        for c in ascii.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let slug: String = slug.chars().take(MAX_SLUG_CHARS - 7).collect();
        let slug = slug.trim_end_matches('-');
        if slug.is_empty() {
            String::from("project")
        } else {
            slug.to_owned()
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The one rule for slugs: 1-64 of a-z, 0-9 and `-`, not starting with `-`; `what` names the
/// kind of slug in the message.
fn slug_rule(raw: &str, what: &str) -> Result<(), Invalid> {
    let valid_chars = raw
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if raw.is_empty() || raw.len() > MAX_SLUG_CHARS || !valid_chars || raw.starts_with('-') {
        return Err(Invalid::new(format!(
            "'{}' is not a valid {what} slug (1-{MAX_SLUG_CHARS} of a-z, 0-9 and '-', not starting with '-')",
            truncate_for_message(raw)
        )));
    }
    Ok(())
}

/// A project's slug, chosen at creation (or derived from its name) and fixed after: the same
/// characters as an environment slug, unique in the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSlug(String);

impl ProjectSlug {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        slug_rule(raw, "project")?;
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A folder's name, one segment of a [`super::SecretPath`]: 1-100 of letters, digits, `_` and
/// `-`. Every way a folder comes into existence checks it (the folder routes, and a secret
/// created in a folder that does not exist yet); paths that only look folders up do not, so a
/// folder stored before the rule stays reachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderName(String);

impl FolderName {
    /// The same rule as [`FolderName::parse`], for the OpenAPI document.
    pub const PATTERN: &'static str = "^[A-Za-z0-9_-]{1,100}$";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars == 0 || chars > MAX_FOLDER_NAME_CHARS || !raw.chars().all(is_folder_name_char) {
            return Err(Invalid::new(format!(
                "'{}' is not a folder name (1-{MAX_FOLDER_NAME_CHARS} of letters, digits, '_' and '-')",
                truncate_for_message(raw)
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The characters of a folder name, and so of every segment of a path.
pub fn is_folder_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// A secret's key: `[A-Za-z0-9_.-]`, 1-256 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretKey(String);

impl SecretKey {
    /// The same rule as [`SecretKey::parse`], for the OpenAPI document.
    pub const PATTERN: &'static str = "^[A-Za-z0-9_.-]{1,256}$";

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        if raw.is_empty() {
            return Err(Invalid::new("must not be empty"));
        }
        if raw.len() > MAX_SECRET_KEY_CHARS {
            return Err(Invalid::new(format!(
                "must be at most {MAX_SECRET_KEY_CHARS} characters"
            )));
        }
        if !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err(Invalid::new(format!(
                "'{}' may contain only letters, digits, '_', '.' and '-'",
                truncate_for_message(raw)
            )));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, kept as typed but compared case-insensitively by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let valid = trimmed.len() <= 254
            && !has_control_chars(trimmed)
            && !trimmed.contains(char::is_whitespace)
            && matches!(trimmed.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty());
        if !valid {
            return Err(Invalid::new(
                "must be an e-mail address such as admin@example.com",
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: at least 12 characters, at most 1,024. Wiped from memory on drop.
pub struct Password(Zeroizing<String>);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(Invalid::new(format!(
                "must be at least {MIN_PASSWORD_CHARS} characters (got {chars})"
            )));
        }
        if raw.len() > 1024 {
            return Err(Invalid::new("must be at most 1024 bytes"));
        }
        Ok(Self(Zeroizing::new(raw.to_owned())))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Shortens user input echoed in an error message or an audit detail.
pub fn truncate_for_message(raw: &str) -> String {
    let cleaned: String = raw.chars().filter(|c| !c.is_control()).take(80).collect();
    if raw.chars().count() > 80 {
        format!("{cleaned}…")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Billing  ").unwrap().as_str(), "Billing");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(100)).is_ok());
        assert!(Name::parse(&"x".repeat(101)).is_err());
        assert!(Name::parse("a\u{0}b").is_err());
    }

    #[test]
    fn slugs_accept_lowercase_digits_and_dashes_only() {
        assert!(EnvSlug::parse("dev").is_ok());
        assert!(EnvSlug::parse("qa-2").is_ok());
        for bad in ["", "Dev", "-dev", "de v", "dév", "a/b"] {
            assert!(EnvSlug::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn slugify_makes_readable_slugs() {
        assert_eq!(EnvSlug::slugify("My App!"), "my-app");
        assert_eq!(EnvSlug::slugify("  --  "), "project");
        assert_eq!(EnvSlug::slugify("Ünïcode Only"), "unicode-only");
    }

    #[test]
    fn slugify_transliterates_letters_outside_ascii() {
        for (name, slug) in [
            ("Ünïcødé", "unicode"),
            ("Crème Brûlée API", "creme-brulee-api"),
            ("Straße", "strasse"),
            ("Łódź", "lodz"),
            ("Ἀθήνα", "athena"),
            ("北京", "bei-jing"),
            ("Déjà-vu!!", "deja-vu"),
        ] {
            assert_eq!(EnvSlug::slugify(name), slug, "{name}");
            assert!(
                ProjectSlug::parse(&EnvSlug::slugify(name)).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn a_long_name_gives_a_slug_with_room_for_a_suffix_and_no_trailing_dash() {
        let slug = EnvSlug::slugify(&format!("{}-x", "a".repeat(MAX_SLUG_CHARS - 8)));
        assert_eq!(slug, "a".repeat(MAX_SLUG_CHARS - 8));
        assert!(slug.len() + 7 <= MAX_SLUG_CHARS);
    }

    #[test]
    fn a_project_slug_follows_the_slug_rule_and_says_it_is_a_project_slug() {
        assert!(ProjectSlug::parse("billing-api-2").is_ok());
        for bad in ["", "-a", "Billing", "a_b", "ünï", "a b", &"a".repeat(65)] {
            let refused = ProjectSlug::parse(bad).unwrap_err();
            assert!(refused.0.contains("project slug"), "{bad:?}: {refused}");
        }
    }

    #[test]
    fn folder_names_are_one_segment_of_at_most_100_characters() {
        assert!(FolderName::parse("app_2-x").is_ok());
        assert!(FolderName::parse(&"f".repeat(100)).is_ok());
        let long = FolderName::parse(&"f".repeat(101)).unwrap_err();
        assert!(long.0.contains("1-100"), "{long}");
        for bad in ["", "a/b", "a b", ".", "..", "a.b", "é"] {
            assert!(FolderName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    /// The OpenAPI patterns accept exactly what the parsers accept, at the length limits too.
    #[test]
    fn the_documented_patterns_agree_with_the_parsers() {
        let agree = |pattern: &str, parse: &dyn Fn(&str) -> bool, inputs: &[String]| {
            let regex = regex::Regex::new(pattern).unwrap();
            for input in inputs {
                assert_eq!(
                    regex.is_match(input),
                    parse(input),
                    "{pattern} vs {input:?}"
                );
            }
        };
        let common = |extra: &[&str]| -> Vec<String> {
            let mut inputs: Vec<String> = [
                "", "a", "A", "0", "-a", "a-", "a_b", "a.b", "a b", "é", "a/b",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            inputs.extend(extra.iter().map(|s| s.to_string()));
            inputs
        };
        let slugs = common(&[&"s".repeat(MAX_SLUG_CHARS), &"s".repeat(MAX_SLUG_CHARS + 1)]);
        agree(EnvSlug::PATTERN, &|s| EnvSlug::parse(s).is_ok(), &slugs);
        let folders = common(&[
            &"f".repeat(MAX_FOLDER_NAME_CHARS),
            &"f".repeat(MAX_FOLDER_NAME_CHARS + 1),
        ]);
        agree(
            FolderName::PATTERN,
            &|s| FolderName::parse(s).is_ok(),
            &folders,
        );
        let keys = common(&[
            &"K".repeat(MAX_SECRET_KEY_CHARS),
            &"K".repeat(MAX_SECRET_KEY_CHARS + 1),
        ]);
        agree(SecretKey::PATTERN, &|s| SecretKey::parse(s).is_ok(), &keys);
    }

    #[test]
    fn secret_keys_allow_dots_and_dashes() {
        assert!(SecretKey::parse("DB_PASSWORD").is_ok());
        assert!(SecretKey::parse("app.db-url").is_ok());
        assert!(SecretKey::parse("").is_err());
        assert!(SecretKey::parse("A B").is_err());
        assert!(SecretKey::parse(&"K".repeat(257)).is_err());
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(Password::parse("short-pass1").is_err());
        assert!(Password::parse("long-enough-1").is_ok());
        assert_eq!(
            format!("{:?}", Password::parse("long-enough-1").unwrap()),
            "Password(<redacted>)"
        );
    }

    #[test]
    fn emails_need_an_at_sign() {
        assert!(Email::parse("admin@example.com").is_ok());
        assert!(Email::parse("admin").is_err());
        assert!(Email::parse("@x").is_err());
        assert!(Email::parse("a b@x").is_err());
    }
}

//! A token's permissions: `read`, `write`, or both; never none.

use super::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permissions {
    pub read: bool,
    pub write: bool,
}

impl Permissions {
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, Invalid> {
        let mut perms = Self {
            read: false,
            write: false,
        };
        for value in values {
            match value.as_ref() {
                "read" => perms.read = true,
                "write" => perms.write = true,
                other => {
                    return Err(Invalid::new(format!(
                        "'{}' is not a permission (use \"read\" and/or \"write\")",
                        super::names::truncate_for_message(other)
                    )))
                }
            }
        }
        if !perms.read && !perms.write {
            return Err(Invalid::new(
                "at least one of \"read\" or \"write\" is required",
            ));
        }
        Ok(perms)
    }

    pub fn to_list(self) -> Vec<&'static str> {
        let mut out = Vec::with_capacity(2);
        if self.read {
            out.push("read");
        }
        if self.write {
            out.push("write");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_subsets_and_refuses_empty_or_unknown() {
        assert_eq!(Permissions::parse(&["read"]).unwrap().to_list(), ["read"]);
        assert_eq!(
            Permissions::parse(&["write", "read"]).unwrap().to_list(),
            ["read", "write"]
        );
        assert!(Permissions::parse::<&str>(&[]).is_err());
        assert!(Permissions::parse(&["admin"]).is_err());
        let both = Permissions::parse(&["read", "write"]).unwrap();
        assert_eq!(Permissions::parse(&both.to_list()).unwrap(), both);
    }
}

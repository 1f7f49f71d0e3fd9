//! The one-line notices a page shows after a redirect: the redirect carries a code
//! (`?notice=env-deleted`, see `urls::with_notice`), never text, so a crafted link cannot put words
//! on the page, and an unknown code shows nothing.

use serde::Deserialize;

/// Declares `Notice` from one list of variant, code and text, so a variant cannot lack its code,
/// its text or its place in `Notice::ALL` (which parsing walks).
macro_rules! notices {
    ($($variant:ident = $code:literal => $text:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Notice {
            $($variant,)+
        }

        impl Notice {
            pub const ALL: &'static [Notice] = &[$(Notice::$variant,)+];

            /// The value in `?notice=`.
            pub fn code(self) -> &'static str {
                match self {
                    $(Notice::$variant => $code,)+
                }
            }

            /// The sentence the page shows.
            pub fn text(self) -> &'static str {
                match self {
                    $(Notice::$variant => $text,)+
                }
            }
        }
    };
}

notices! {
    SetupDone = "setup" => "The admin account is ready. Log in with it.",
    LoggedOut = "logout" => "You are logged out.",
    InviteAccepted = "invite-accepted" => "Your account is ready. Log in with it.",
    ProjectCreated = "project-created"
        => "Project created with the environments Development, Staging and Production.",
    ProjectDeleted = "project-deleted" => "Project deleted.",
    SecretAdded = "secret-added" => "Secret added.",
    SecretSaved = "secret-saved" => "Secret saved.",
    SecretUnchanged = "secret-unchanged" => "Nothing changed; the secret was not saved again.",
    SecretDeleted = "secret-deleted" => "Secret deleted. It is in this environment's trash until its history expires.",
    SecretRestored = "secret-restored" => "Secret restored.",
    FolderRestored = "folder-restored" => "Folder restored.",
    FolderCreated = "folder-created" => "Folder created.",
    EnvImported = "env-imported" => "The .env file was imported, all of it in one step.",
    TokenRevoked = "token-revoked" => "Service token revoked. It no longer works.",
    EnvAdded = "env-added" => "Environment added.",
    EnvRenamed = "env-renamed" => "Environment renamed.",
    EnvMoved = "env-moved" => "Environment order saved.",
    EnvDeleted = "env-deleted" => "Environment deleted.",
    PasswordChanged = "password-changed"
        => "Password changed. Your other sessions were signed out.",
    SessionEnded = "session-ended" => "That session was signed out.",
    MfaOff = "mfa-off" => "Two-factor authentication is off.",
    PasswordReset = "password-reset"
        => "Your password is set. Log in with it (your sessions elsewhere were signed out).",
    UserSaved = "user-saved" => "User saved.",
    UserRemoved = "user-removed" => "User removed. Their sessions have ended.",
    InviteRevoked = "invite-revoked" => "Invitation revoked. Its link no longer works.",
    MemberAdded = "member-added" => "Member added.",
    MemberSaved = "member-saved" => "Member saved.",
    MemberRemoved = "member-removed" => "Member removed from this project.",
    MfaRequired = "mfa-required"
        => "Two-factor authentication is now required: people without it are sent to enrol at their next request.",
    MfaOptional = "mfa-optional" => "Two-factor authentication is now optional.",
    IdentityCreated = "identity-created"
        => "Identity created. Create a client secret for it below, then attach it to a project.",
    IdentityRenamed = "identity-renamed" => "Identity renamed.",
    IdentityDeleted = "identity-deleted" => "Identity deleted. Its tokens no longer work.",
    IdentitySettingsSaved = "identity-settings-saved" => "Universal Auth settings saved.",
    ClientSecretRevoked = "client-secret-revoked"
        => "Client secret revoked: no more logins with it.",
    IdentityAttached = "identity-attached" => "Identity attached to this project.",
    IdentitySaved = "identity-saved" => "Identity's access saved.",
    IdentityDetached = "identity-detached" => "Identity detached from this project.",
    ImportAdded = "import-added" => "Import added.",
    ImportRemoved = "import-removed" => "Import removed.",
    ImportMoved = "import-moved" => "Import order saved.",
}

impl Notice {
    /// The notice a `?notice=` value names; an unknown one is none.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|n| n.code() == code)
    }
}

/// The `?notice=` of a page's query (its other parameters are read by their own extractor).
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

impl NoticeQuery {
    pub fn notice(&self) -> Option<Notice> {
        self.notice.as_deref().and_then(Notice::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_notice_round_trips_through_its_code_and_has_a_text() {
        for &notice in Notice::ALL {
            assert_eq!(Notice::parse(notice.code()), Some(notice));
            assert!(!notice.text().is_empty(), "{notice:?}");
        }
    }

    #[test]
    fn an_unknown_code_is_no_notice() {
        assert_eq!(Notice::parse("env-delted"), None);
        assert_eq!(Notice::parse(""), None);
    }
}

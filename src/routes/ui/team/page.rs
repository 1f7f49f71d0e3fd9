//! The Team page itself: every user and open invitation, with their forms.

use crate::auth::policy::Action;
use crate::domain::InstanceRole;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::format::{when_rfc3339, When};
use crate::routes::ui::notice::NoticeQuery;
use crate::routes::ui::pages::{render, Layout};
use crate::routes::ui::session::UiSession;
use crate::routes::ui::urls;
use crate::service::{invites, mfa, users};
use crate::state::AppState;
use crate::time::now_millis;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

pub(super) struct UserLine {
    email: String,
    role: &'static str,
    disabled: bool,
    last_login: Option<When>,
    /// The viewer may change this user (an admin never changes an owner).
    manageable: bool,
    update_href: String,
    remove_href: String,
}

pub(super) struct InviteLine {
    email: String,
    role: &'static str,
    expires: Option<When>,
    expired: bool,
    revoke_href: String,
}

#[derive(Template)]
#[template(path = "team/page.html")]
pub(super) struct TeamPage {
    layout: Layout,
    users: Vec<UserLine>,
    invites: Vec<InviteLine>,
    /// The roles the viewer may grant (an admin cannot make owners).
    roles: Vec<&'static str>,
    invite_action: String,
    email: String,
    error: Option<String>,
    mfa: MfaSetting,
}

impl TeamPage {
    /// A refused invitation is about the form as a whole.
    fn summary(&self) -> crate::routes::ui::summary::ErrorSummary {
        crate::routes::ui::summary::ErrorSummary::whole_form(self.error.as_ref())
    }
}

/// Whether everyone must use MFA, and whether the viewer may change it.
pub(super) struct MfaSetting {
    /// `ENVKEEP_REQUIRE_MFA=true`: required whatever the owner's setting says.
    forced: bool,
    /// The owner's setting.
    required: bool,
    /// Only an owner may change the setting.
    changeable: bool,
    action: String,
}

/// The page as `ui` sees it, with the invite form as typed and its error, if any.
pub(super) async fn build(
    state: &AppState,
    ui: &UiSession,
    layout: Layout,
    email: String,
    error: Option<String>,
) -> UiResult<TeamPage> {
    let session = &ui.0;
    let now = now_millis();
    let may = |target: InstanceRole| session.decide(None, Action::ManageUser { target }).is_ok();
    let users = users::list(&state.store, session)
        .await?
        .into_iter()
        .map(|u| UserLine {
            manageable: InstanceRole::parse(u.role).is_ok_and(may),
            last_login: u
                .last_login_at
                .as_deref()
                .and_then(|t| when_rfc3339(t, now)),
            update_href: urls::team_user(&u.id),
            remove_href: urls::team_user_remove(&u.id),
            email: u.email,
            role: u.role,
            disabled: u.disabled,
        })
        .collect();
    let invites = invites::list(&state.store, session)
        .await?
        .into_iter()
        .map(|i| InviteLine {
            expires: when_rfc3339(&i.expires_at, now),
            expired: i.expired,
            revoke_href: urls::team_invite_revoke(&i.id),
            email: i.email,
            role: i.role,
        })
        .collect();
    let roles = [
        InstanceRole::Member,
        InstanceRole::Admin,
        InstanceRole::Owner,
    ]
    .into_iter()
    .filter(|r| may(*r))
    .map(InstanceRole::as_str)
    .collect();
    let mfa = MfaSetting {
        forced: state.settings.require_mfa,
        required: mfa::required_by_owner(&state.store).await?,
        changeable: session.role == InstanceRole::Owner,
        action: urls::team_mfa(),
    };
    Ok(TeamPage {
        layout,
        users,
        invites,
        roles,
        invite_action: urls::team_invites(),
        email,
        error,
        mfa,
    })
}

pub(super) async fn show(
    state: web::Data<AppState>,
    ui: UiSession,
    query: web::Query<NoticeQuery>,
) -> UiResult<HttpResponse> {
    let layout = ui.layout_with(query.notice());
    let page = build(&state, &ui, layout, String::new(), None).await?;
    render(StatusCode::OK, &page)
}

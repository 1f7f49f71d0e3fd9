//! The owner's MFA setting on the Team page: whether everyone has to use two-factor
//! authentication. `ENVKEEP_REQUIRE_MFA=true` forces it whatever this says; only an owner may
//! change it (the service refuses anyone else, whatever the page showed).

use crate::routes::ui::error::UiResult;
use crate::routes::ui::notice::Notice;
use crate::routes::ui::pages::redirect;
use crate::routes::ui::session::Posted;
use crate::routes::ui::urls;
use crate::service::mfa;
use crate::state::AppState;
use actix_web::{web, HttpResponse};

pub(super) async fn update(state: web::Data<AppState>, posted: Posted) -> UiResult<HttpResponse> {
    let required = posted.form.text("require_mfa") == "true";
    mfa::set_required_by_owner(&state.store, &posted.session, required).await?;
    let notice = match required {
        true => Notice::MfaRequired,
        false => Notice::MfaOptional,
    };
    Ok(redirect(&urls::with_notice(&urls::team(), notice)))
}

//! The page a login ends on when it carried a kept form (`ui::resume`): what was typed, and one
//! button that submits it again to where it was going, with the new session's CSRF token. It is
//! the answer to the login POST, so its address is `/login`, which answers GET (a reload goes on
//! to `next` once logged in).

use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, Layout};
use crate::routes::ui::resume::Kept;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

#[derive(Template)]
#[template(path = "auth/resume.html")]
struct ResumePage {
    layout: Layout,
    kept: Kept,
    csrf: String,
    discard: String,
}

pub(super) fn page(kept: Kept, csrf: &str, discard: &str) -> UiResult<HttpResponse> {
    let page = ResumePage {
        layout: Layout::default(),
        kept,
        csrf: csrf.to_owned(),
        discard: discard.to_owned(),
    };
    render(StatusCode::OK, &page)
}

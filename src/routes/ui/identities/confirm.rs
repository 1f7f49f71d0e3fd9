//! The confirmation before deleting an identity or revoking a client secret: the shared
//! `Question`, in the instance-wide layout (an identity belongs to no project).

use crate::routes::ui::confirm::Question;
use crate::routes::ui::error::UiResult;
use crate::routes::ui::pages::{render, Layout};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

#[derive(Template)]
#[template(path = "identities/confirm.html")]
struct ConfirmPage {
    layout: Layout,
    question: Question,
}

pub(super) fn ask(layout: Layout, question: Question) -> UiResult<HttpResponse> {
    render(StatusCode::OK, &ConfirmPage { layout, question })
}

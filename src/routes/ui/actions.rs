//! Form addresses that are not pages of their own (`/account/password`, `…/secrets/dev/add`).
//! A form refused for its input is answered on its own address with the page re-rendered (the
//! fields kept, the errors listed), so the address bar then shows the form's address. A reload
//! or a bookmark of it is a GET: that goes to the page the form is on, instead of a 405. This
//! works without JavaScript (`history.replaceState` would not) and keeps the typed values out of
//! URLs (a redirect-after-post carrying the form state would put them there).

use super::page;
use super::pages::redirect;
use crate::percent::{self, Slash};
use actix_web::{web, HttpRequest, HttpResponse, Resource};

/// The resource at `path` whose GET goes to `home`, a route pattern whose `{names}` are filled
/// from the request's path (e.g. `/projects/{projectId}/settings`).
pub fn action(path: &str, home: &'static str) -> Resource {
    page(path).route(web::get().to(move |req: HttpRequest| async move { to_home(&req, home) }))
}

fn to_home(req: &HttpRequest, home: &str) -> HttpResponse {
    let mut target = String::with_capacity(home.len());
    let mut rest = home;
    while let Some(open) = rest.find('{') {
        target.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        target.push_str(&percent::encode(
            req.match_info().get(name).unwrap_or(""),
            Slash::Encoded,
        ));
        rest = &rest[open + close + 1..];
    }
    target.push_str(rest);
    redirect(&target)
}

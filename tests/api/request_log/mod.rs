//! Request ids and the request log: every answer names its request in `X-Request-Id`, a 5xx body
//! carries the same id, and the JSON log of the real binary holds one object per line with one
//! line per request that names the route pattern and the caller but never the raw path, the
//! query or a credential.

mod ids;
mod json_log;

use crate::helpers::Answer;

/// The answer's `X-Request-Id`; `what` names the request when it has none.
fn request_id(answer: &Answer, what: &str) -> String {
    let value = answer
        .headers
        .get("x-request-id")
        .unwrap_or_else(|| panic!("no X-Request-Id on {} {what}", answer.status));
    value.to_str().unwrap().to_owned()
}

fn is_generated_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

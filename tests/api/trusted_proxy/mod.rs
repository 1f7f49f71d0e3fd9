//! Behind a trusted proxy the client is the rightmost `X-Forwarded-For` hop that is not itself a
//! trusted proxy. Hops are read as addresses with or without a port; a hop that is neither makes
//! the client unknown, and an unknown client is never taken for the proxy.

mod allowlists;
mod unknown_clients;

use crate::helpers::{Answer, Answered, Api, TestApp};
use reqwest::Method;

/// A server that trusts the test clients' loopback address as its proxy.
async fn behind_a_proxy(adjust: impl FnOnce(&mut crate::helpers::TestConfig)) -> TestApp {
    TestApp::spawn_with(|c| {
        c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        adjust(c);
    })
    .await
}

/// A GET through the proxy on behalf of the client(s) `forwarded_for` names.
async fn get_forwarded(api: &Api, path: &str, forwarded_for: &str) -> Answer {
    api.request(Method::GET, path)
        .header("X-Forwarded-For", forwarded_for)
        .answer()
        .await
}

//! The one place a test's HTTP client is built.

use reqwest::Client;
use std::net::IpAddr;

/// The address every test client connects from unless a test plays another client.
pub const LOOPBACK: &str = "127.0.0.1";

/// Every client a test uses is built here: redirects are never followed (tests look at them),
/// a browser keeps cookies and an API caller does not, and `source` is the address it connects
/// from (any 127.0.0.0/8 address reaches a server on 127.0.0.1, so a test can play several
/// clients without leaving loopback).
pub fn client(cookies: Cookies, source: &str) -> Client {
    Client::builder()
        .cookie_store(matches!(cookies, Cookies::Kept))
        .local_address(source.parse::<IpAddr>().expect("an IP address"))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a reqwest client")
}

pub enum Cookies {
    Kept,
    Dropped,
}

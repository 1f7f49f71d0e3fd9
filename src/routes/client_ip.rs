//! The client's address: the TCP peer, or, when the peer is a trusted proxy, the rightmost
//! `X-Forwarded-For` hop that is not itself a trusted proxy.

use crate::domain::ip::canonical;
use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr};

pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> IpAddr {
    let peer = req
        .peer_addr()
        .map(|a| canonical(a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if trusted.is_empty() || !is_trusted(&peer) {
        return peer;
    }
    let header = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    let mut hops = header
        .split(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .rev();
    let mut last_trusted = peer;
    for hop in hops.by_ref() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(&canonical(ip)) => last_trusted = canonical(ip),
            Ok(ip) => return canonical(ip),
            Err(_) => return last_trusted,
        }
    }
    last_trusted
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn ip_for(peer: &str, xff: Option<&str>, trusted: &[&str]) -> String {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(xff) = xff {
            req = req.insert_header(("X-Forwarded-For", xff));
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        client_ip(&req.to_http_request(), &trusted).to_string()
    }

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        assert_eq!(ip_for("127.0.0.1", Some("203.0.113.7"), &[]), "127.0.0.1");
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        assert_eq!(
            ip_for("198.51.100.1", Some("203.0.113.7"), &["10.0.0.0/8"]),
            "198.51.100.1"
        );
    }

    #[test]
    fn rightmost_untrusted_hop_wins_behind_trusted_proxies() {
        let trusted = ["127.0.0.0/8", "10.0.0.0/8"];
        assert_eq!(
            ip_for(
                "127.0.0.1",
                Some("1.1.1.1, 203.0.113.7, 10.0.0.2"),
                &trusted
            ),
            "203.0.113.7"
        );
        assert_eq!(ip_for("127.0.0.1", Some("garbage"), &trusted), "127.0.0.1");
        assert_eq!(ip_for("127.0.0.1", None, &trusted), "127.0.0.1");
    }
}

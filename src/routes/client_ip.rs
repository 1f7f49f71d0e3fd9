//! The client's address: the TCP peer, or, when the peer is a trusted proxy, the rightmost
//! `X-Forwarded-For` hop that is not itself a trusted proxy. A hop may carry a port
//! (`203.0.113.5:4711`, `[2001:db8::1]:4711`) or brackets (`[2001:db8::1]`); a hop that is no
//! address at all (`unknown`, garbage, bytes that are not text) makes the client unknown rather
//! than the proxy, which would pass the proxy's allow-lists and share its throttle.

use crate::domain::ClientAddr;
use actix_web::HttpRequest;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> ClientAddr {
    let peer = ClientAddr::from(
        req.peer_addr()
            .map(|a| a.ip())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    );
    let is_trusted = |client: &ClientAddr| {
        client
            .ip()
            .is_some_and(|ip| trusted.iter().any(|net| net.contains(&ip)))
    };
    if trusted.is_empty() || !is_trusted(&peer) {
        return peer;
    }
    let mut hops = Vec::new();
    for value in req.headers().get_all("x-forwarded-for") {
        match value.to_str() {
            Ok(text) => hops.extend(text.split(',').map(str::trim).filter(|h| !h.is_empty())),
            Err(_) => return ClientAddr::unknown(&String::from_utf8_lossy(value.as_bytes())),
        }
    }
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop) else {
            return ClientAddr::unknown(hop);
        };
        client = ClientAddr::from(ip);
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// An address, with or without a port; IPv6 with or without brackets.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

/// Where a login comes from, to keep with its session: the client address and the user agent.
pub fn login_client(
    req: &HttpRequest,
    trusted_proxies: &[ipnet::IpNet],
) -> crate::service::sessions::Client {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    crate::service::sessions::Client::new(client_ip(req, trusted_proxies), user_agent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn client_for(peer: &str, xff: &[&str], trusted: &[&str]) -> ClientAddr {
        let mut req = TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        for value in xff {
            req = req.append_header(("X-Forwarded-For", *value));
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| t.parse().unwrap()).collect();
        client_ip(&req.to_http_request(), &trusted)
    }

    fn ip_for(peer: &str, xff: Option<&str>, trusted: &[&str]) -> String {
        client_for(peer, xff.as_slice(), trusted).describe()
    }

    const PROXIES: [&str; 2] = ["127.0.0.0/8", "10.0.0.0/8"];

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        assert_eq!(ip_for("127.0.0.1", Some("203.0.113.7"), &[]), "127.0.0.1");
    }

    #[test]
    fn forwarded_for_is_ignored_from_an_untrusted_peer() {
        assert_eq!(
            ip_for("198.51.100.1", Some("garbage"), &["10.0.0.0/8"]),
            "198.51.100.1"
        );
    }

    #[test]
    fn rightmost_untrusted_hop_wins_behind_trusted_proxies() {
        assert_eq!(
            ip_for(
                "127.0.0.1",
                Some("1.1.1.1, 203.0.113.7, 10.0.0.2"),
                &PROXIES
            ),
            "203.0.113.7"
        );
        assert_eq!(ip_for("127.0.0.1", None, &PROXIES), "127.0.0.1");
        assert_eq!(
            ip_for("127.0.0.1", Some("10.0.0.3, 10.0.0.2"), &PROXIES),
            "10.0.0.3",
            "only proxies: the leftmost one is the client"
        );
    }

    #[test]
    fn hops_with_ports_and_brackets_are_addresses() {
        for (hop, client) in [
            ("203.0.113.5:4711", "203.0.113.5"),
            ("[2001:db8::1]:4711", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("::ffff:203.0.113.5", "203.0.113.5"),
        ] {
            assert_eq!(ip_for("127.0.0.1", Some(hop), &PROXIES), client, "{hop}");
        }
    }

    #[test]
    fn an_unparsable_hop_makes_the_client_unknown() {
        for xff in [
            "unknown",
            "198.51.100.7, garbage",
            "garbage, 10.0.0.2",
            "203.0.113.5:99999",
            "[203.0.113.5]",
            "2001:db8::1:4711x",
        ] {
            let client = client_for("127.0.0.1", &[xff], &PROXIES);
            assert!(
                matches!(client, ClientAddr::Unknown(_)),
                "{xff}: {client:?}"
            );
        }
        assert_eq!(
            client_for("127.0.0.1", &["garbage, 10.0.0.2"], &PROXIES),
            ClientAddr::unknown("garbage")
        );
    }

    #[test]
    fn every_forwarded_for_header_counts_in_order() {
        assert_eq!(
            client_for("127.0.0.1", &["203.0.113.7", "10.0.0.2"], &PROXIES).describe(),
            "203.0.113.7"
        );
        assert!(matches!(
            client_for("127.0.0.1", &["junk", "10.0.0.2"], &PROXIES),
            ClientAddr::Unknown(_)
        ));
    }
}

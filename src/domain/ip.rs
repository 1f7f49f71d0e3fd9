//! Client addresses and per-token IP allow-lists (a list of CIDRs; empty means any address).

use super::Invalid;
use ipnet::IpNet;
use std::net::IpAddr;

pub const MAX_ENTRIES: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedIps(Vec<IpNet>);

impl AllowedIps {
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, Invalid> {
        let mut nets = Vec::with_capacity(values.len());
        for value in values {
            nets.push(parse_cidr(value.as_ref())?);
        }
        if nets.len() > MAX_ENTRIES {
            return Err(Invalid::new(format!("at most {MAX_ENTRIES} entries")));
        }
        Ok(Self(nets))
    }

    /// An empty list allows every client; any other list only the addresses it contains, so
    /// an unknown client passes no list, however wide (`0.0.0.0/0`).
    pub fn allows(&self, client: &ClientAddr) -> bool {
        if self.0.is_empty() {
            return true;
        }
        match client {
            ClientAddr::Ip(ip) => {
                let ip = canonical(*ip);
                self.0.iter().any(|net| net.contains(&ip))
            }
            ClientAddr::Unknown(_) => false,
        }
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
    }
}

/// Where a request came from: the TCP peer's address or the one a trusted proxy forwarded, or
/// unknown when a trusted proxy forwarded something that is not an address. An unknown client is
/// never taken for any address: not the proxy's, not one an allow-list holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ClientAddr {
    /// Always canonical (an IPv4-mapped IPv6 address is its IPv4 address).
    Ip(IpAddr),
    /// What the proxy sent instead of an address, cut to [`MAX_RAW_CHARS`] printable
    /// characters: for the audit trail, never for a decision.
    Unknown(String),
}

pub const MAX_RAW_CHARS: usize = 64;

impl ClientAddr {
    pub fn unknown(raw: &str) -> Self {
        Self::Unknown(
            raw.chars()
                .filter(|c| !c.is_control())
                .take(MAX_RAW_CHARS)
                .collect(),
        )
    }

    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Self::Ip(ip) => Some(*ip),
            Self::Unknown(_) => None,
        }
    }

    /// For messages: the address, or "an unknown address".
    pub fn describe(&self) -> String {
        match self {
            Self::Ip(ip) => ip.to_string(),
            Self::Unknown(_) => String::from("an unknown address"),
        }
    }
}

impl From<IpAddr> for ClientAddr {
    fn from(ip: IpAddr) -> Self {
        Self::Ip(canonical(ip))
    }
}

/// A CIDR, or a bare address taken as a single-host network.
pub fn parse_cidr(raw: &str) -> Result<IpNet, Invalid> {
    let raw = raw.trim();
    if let Ok(net) = raw.parse::<IpNet>() {
        return Ok(net.trunc());
    }
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Ok(IpNet::from(ip));
    }
    Err(Invalid::new(format!(
        "'{}' is not an IP address or CIDR such as 203.0.113.0/24 or 2001:db8::/32",
        super::names::truncate_for_message(raw)
    )))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are compared as the IPv4 address they carry.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(ip: &str) -> ClientAddr {
        ClientAddr::from(ip.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn allows_members_of_any_listed_network() {
        let ips = AllowedIps::parse(&["203.0.113.0/24", "2001:db8::/32", "127.0.0.1"]).unwrap();
        assert!(ips.allows(&client("203.0.113.9")));
        assert!(ips.allows(&client("2001:db8::1")));
        assert!(ips.allows(&client("127.0.0.1")));
        assert!(ips.allows(&client("::ffff:127.0.0.1")));
        assert!(!ips.allows(&client("127.0.0.2")));
        assert!(AllowedIps::default().allows(&client("8.8.8.8")));
    }

    #[test]
    fn an_unknown_client_passes_only_the_empty_list() {
        let unknown = ClientAddr::unknown("garbage");
        assert!(!AllowedIps::parse(&["0.0.0.0/0", "::/0"])
            .unwrap()
            .allows(&unknown));
        assert!(AllowedIps::default().allows(&unknown));
    }

    #[test]
    fn an_unknown_clients_raw_text_is_cut_and_printable() {
        let long = format!("a\u{7}{}", "b".repeat(100));
        let ClientAddr::Unknown(raw) = ClientAddr::unknown(&long) else {
            panic!("not unknown");
        };
        assert_eq!(raw.chars().count(), MAX_RAW_CHARS);
        assert!(raw.starts_with("ab"));
    }

    #[test]
    fn refuses_garbage() {
        assert!(AllowedIps::parse(&["10.0.0.0/33"]).is_err());
        assert!(AllowedIps::parse(&["example.com"]).is_err());
    }
}

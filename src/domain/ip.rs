//! Per-token IP allow-lists: a list of CIDRs; empty means any address.

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

    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.is_empty() || self.0.iter().any(|net| net.contains(&ip))
    }

    pub fn to_strings(&self) -> Vec<String> {
        self.0.iter().map(ToString::to_string).collect()
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

    #[test]
    fn allows_members_of_any_listed_network() {
        let ips = AllowedIps::parse(&["203.0.113.0/24", "2001:db8::/32", "127.0.0.1"]).unwrap();
        assert!(ips.allows("203.0.113.9".parse().unwrap()));
        assert!(ips.allows("2001:db8::1".parse().unwrap()));
        assert!(ips.allows("127.0.0.1".parse().unwrap()));
        assert!(ips.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!ips.allows("127.0.0.2".parse().unwrap()));
        assert!(AllowedIps::default().allows("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn refuses_garbage() {
        assert!(AllowedIps::parse(&["10.0.0.0/33"]).is_err());
        assert!(AllowedIps::parse(&["example.com"]).is_err());
    }
}

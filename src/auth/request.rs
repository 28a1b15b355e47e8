//! Who is asking: the context one middleware resolves for every request (the session's user,
//! the language, the CSRF token, the client address), and how the client address is read
//! behind a reverse proxy.

use std::net::IpAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::auth::session::SessionUser;
use crate::error::AppError;
use crate::i18n::Lang;

/// The resolved context of one request, stored in its extensions.
#[derive(Debug, Clone)]
pub struct RequestContext {
    pub user: Option<SessionUser>,
    pub lang: Lang,
    pub csrf_token: String,
    pub ip: IpAddr,
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestContext {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .ok_or_else(|| AppError::internal("context middleware missing"))
    }
}

/// Read one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// An address or a network (`10.0.0.5`, `172.16.0.0/12`, `::1`), for `--trusted-proxy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

impl std::str::FromStr for IpNet {
    type Err = String;

    fn from_str(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address or network: {s}"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("not a prefix length: {s}"))?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }
}

impl IpNet {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the socket's peer, or, when the peer is a trusted reverse proxy, the
/// last address in `X-Forwarded-For` that is not itself a trusted proxy (the hop the proxy
/// appended). A header from anyone else is ignored.
pub fn client_ip(headers: &HeaderMap, peer: IpAddr, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => continue,
            Ok(ip) => return ip,
            // Garbage where the proxy's own hop should be: trust nothing in the header.
            Err(_) => return peer,
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn forwarded_for_is_read_only_from_a_trusted_proxy() {
        let proxies: Vec<IpNet> = vec![
            "10.0.0.2".parse().unwrap(),
            "172.16.0.0/12".parse().unwrap(),
        ];
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("1.2.3.4, 203.0.113.7"),
        );
        let peer = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(
            client_ip(&h, peer("10.0.0.2"), &proxies),
            peer("203.0.113.7"),
            "the hop the proxy appended"
        );
        assert_eq!(
            client_ip(&h, peer("10.0.0.3"), &proxies),
            peer("10.0.0.3"),
            "not a trusted proxy"
        );
        assert_eq!(
            client_ip(&h, peer("10.0.0.2"), &[]),
            peer("10.0.0.2"),
            "no proxy configured"
        );
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.7, 172.20.1.1"),
        );
        assert_eq!(
            client_ip(&h, peer("::ffff:172.17.0.1"), &proxies),
            peer("203.0.113.7"),
            "a chain of trusted proxies"
        );
        h.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(client_ip(&h, peer("10.0.0.2"), &proxies), peer("10.0.0.2"));
        assert!("10.0.0.0/33".parse::<IpNet>().is_err());
        assert!(
            "::/0"
                .parse::<IpNet>()
                .unwrap()
                .contains(peer("2001:db8::1"))
        );
    }
}

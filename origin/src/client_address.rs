//! Whose request this is: the shopper's address, as the edge saw it, or the connection's peer.
//!
//! Behind the edge every connection comes from the edge, so the edge names the shopper in
//! `x-linkedall-client-ip` (it drops any such header a client sent). The origin believes that
//! header only when the connection comes from a configured edge address
//! (`LINKEDALL_TRUSTED_EDGES`); from anyone else it is ignored, like any `X-Forwarded-For`,
//! which the origin never reads: a client could write any address there.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName};

/// The header the edge puts the shopper's address in.
pub const CLIENT_IP_HEADER: HeaderName = HeaderName::from_static("x-linkedall-client-ip");

/// Loopback only: the demo and tests run the edge on the same machine.
pub const DEFAULT_TRUSTED_EDGES: &str = "127.0.0.1/8,::1";

/// The addresses (single IPs or CIDR blocks) whose `x-linkedall-client-ip` is believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedEdges(Arc<[(IpAddr, u8)]>);

impl TrustedEdges {
    /// Parses `10.0.0.0/8,192.0.2.7,::1` (empty: trust nobody).
    pub fn parse(value: &str) -> Result<TrustedEdges, String> {
        let mut blocks = Vec::new();
        for entry in value.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (ip, bits) = entry.split_once('/').unwrap_or((entry, ""));
            let ip: IpAddr =
                ip.parse().map_err(|_| format!("{entry:?} is not an IP address or CIDR block"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let bits = if bits.is_empty() {
                max
            } else {
                bits.parse().map_err(|_| format!("bad prefix in {entry:?}"))?
            };
            if bits > max {
                return Err(format!("prefix of {entry:?} is longer than the address"));
            }
            blocks.push((ip, bits));
        }
        Ok(TrustedEdges(blocks.into()))
    }

    /// Nobody's header is believed.
    pub fn none() -> TrustedEdges {
        TrustedEdges(Arc::from([]))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|&(block, bits)| match (block, ip) {
            (IpAddr::V4(block), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
                u32::from(block) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(block), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
                u128::from(block) & mask == u128::from(ip) & mask
            }
            _ => false,
        })
    }
}

impl Default for TrustedEdges {
    fn default() -> Self {
        TrustedEdges::parse(DEFAULT_TRUSTED_EDGES).expect("the default trusted edges parse")
    }
}

/// The shopper's address: what every rate limit and fraud check keys on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The edge's `x-linkedall-client-ip` when `peer` is a trusted edge, else `peer` itself
    /// (unspecified when the server runs without connect info, as an embedded router).
    pub fn resolve(headers: &HeaderMap, peer: Option<IpAddr>, trusted: &TrustedEdges) -> ClientAddress {
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.to_canonical());
        let Some(claimed) = headers.get(&CLIENT_IP_HEADER) else { return ClientAddress(peer) };
        if !trusted.contains(peer) {
            metrics::counter!("client_address_header_ignored_total", "reason" => "untrusted_peer")
                .increment(1);
            tracing::warn!(%peer, "x-linkedall-client-ip from a peer that is not a trusted edge; ignored");
            return ClientAddress(peer);
        }
        match claimed.to_str().ok().and_then(|v| v.trim().parse::<IpAddr>().ok()) {
            Some(ip) => ClientAddress(ip.to_canonical()),
            None => {
                metrics::counter!("client_address_header_ignored_total", "reason" => "malformed")
                    .increment(1);
                tracing::warn!(%peer, "malformed x-linkedall-client-ip from a trusted edge; using the peer");
                ClientAddress(peer)
            }
        }
    }

    /// The address of the request in `parts`, trusting the edges the router was given.
    pub fn of(headers: &HeaderMap, extensions: &axum::http::Extensions) -> ClientAddress {
        let peer = extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let trusted = extensions.get::<TrustedEdges>().cloned().unwrap_or_default();
        ClientAddress::resolve(headers, peer, &trusted)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress::of(&parts.headers, &parts.extensions))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CLIENT_IP_HEADER, value.parse().unwrap());
        headers.insert("x-forwarded-for", "198.51.100.9".parse().unwrap());
        headers
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_edge() {
        let trusted = TrustedEdges::parse("10.0.0.0/8, 192.0.2.7 ,::1").unwrap();
        let shopper: IpAddr = "203.0.113.5".parse().unwrap();
        let edge: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "192.0.2.8".parse().unwrap();
        assert_eq!(ClientAddress::resolve(&with_header("203.0.113.5"), Some(edge), &trusted).0, shopper);
        assert_eq!(ClientAddress::resolve(&with_header("203.0.113.5"), Some(stranger), &trusted).0, stranger);
        assert_eq!(ClientAddress::resolve(&with_header("not an ip"), Some(edge), &trusted).0, edge);
        assert_eq!(ClientAddress::resolve(&HeaderMap::new(), Some(stranger), &trusted).0, stranger);
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(trusted.contains(mapped), "an IPv4-mapped peer is its IPv4 address");
        assert!(trusted.contains("::1".parse().unwrap()));
        assert!(!TrustedEdges::none().contains(edge));
        assert!(TrustedEdges::parse("10.0.0.0/33").is_err());
        assert!(TrustedEdges::parse("edge.example").is_err());
        assert!(TrustedEdges::parse("0.0.0.0/0").unwrap().contains(stranger));
    }
}

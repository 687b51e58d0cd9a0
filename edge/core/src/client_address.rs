//! The shopper's address, as the origin learns it: only from the edge.
//!
//! Behind the edge every TCP peer the origin sees is the edge, so the edge tells it who the
//! shopper is in [`CLIENT_IP`] (the origin trusts that header only from configured edge
//! addresses). Where the address comes from is the host's business ([`Host::client_ip`]): the
//! TCP peer natively, `CF-Connecting-IP` on Workers, `spin-client-addr` on Spin. Whatever a
//! client sent in these headers itself never reaches the origin: [`set_on`] removes them from
//! every request the edge sends and sets the host's answer, if it has one.
//!
//! [`Host::client_ip`]: crate::Host::client_ip

use std::net::{IpAddr, SocketAddr};

use http::{HeaderMap, HeaderValue};

/// The header that carries the shopper's address to the origin (the contract with it).
pub const CLIENT_IP: &str = "x-linkedall-client-ip";

/// Headers a client could use to claim another address; never passed on as sent.
const CLAIMS: [&str; 3] = [CLIENT_IP, "x-forwarded-for", "x-real-ip"];

/// The TCP peer of a request, put in the request's extensions by a host that accepts
/// connections itself (the native host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeerAddr(pub IpAddr);

/// Drops every address a client claimed in `headers` and sets `client_ip` (with a fresh
/// single-hop `x-forwarded-for`) when the host knows it.
pub fn set_on(headers: &mut HeaderMap, client_ip: Option<IpAddr>) {
    for name in CLAIMS {
        headers.remove(name);
    }
    if let Some(ip) = client_ip
        && let Ok(value) = HeaderValue::from_str(&ip.to_string())
    {
        headers.insert(CLIENT_IP, value.clone());
        headers.insert("x-forwarded-for", value);
    }
}

/// The address in a header a host's platform sets (and clients cannot forge), as a bare
/// address (`203.0.113.7`) or with a port (`203.0.113.7:51234`, `[2001:db8::1]:443`).
pub fn from_header(headers: &HeaderMap, name: &str) -> Option<IpAddr> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    value.parse::<IpAddr>().ok().or_else(|| value.parse::<SocketAddr>().ok().map(|addr| addr.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_read_with_or_without_its_port() {
        let mut headers = HeaderMap::new();
        for (value, ip) in [
            ("203.0.113.7", "203.0.113.7"),
            ("203.0.113.7:51234", "203.0.113.7"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("2001:db8::1", "2001:db8::1"),
        ] {
            headers.insert("spin-client-addr", HeaderValue::from_static(value));
            assert_eq!(from_header(&headers, "spin-client-addr"), ip.parse().ok(), "{value}");
        }
        headers.insert("spin-client-addr", HeaderValue::from_static("unknown"));
        assert_eq!(from_header(&headers, "spin-client-addr"), None);
    }
}

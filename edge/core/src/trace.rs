//! Request id and W3C trace context at the edge: kept from the shopper's request when sane,
//! created otherwise, and sent to the origin on every fetch so one request can be followed
//! from the edge into the origin's logs and events.
//!
//! Ids come from a SplitMix64 generator seeded per request from the platform's entropy source
//! (`getrandom`: `crypto.getRandomValues` on Workers — the adapter enables getrandom's
//! `wasm_js` feature —, WASI `random` on Spin, the OS natively). Should that source fail, the
//! seed falls back to the host clock and a per-instance counter: ids stay unique enough for
//! correlation, and a request is never refused for want of randomness.

use std::sync::atomic::{AtomicU64, Ordering};

use http::HeaderMap;
use linkedall_shared::{ELSEWHERE, Region};

use crate::host::Timestamp;

pub const REQUEST_ID: &str = "x-request-id";
pub const TRACEPARENT: &str = "traceparent";

static COUNTER: AtomicU64 = AtomicU64::new(0);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub trace_id: String,
    /// The edge's own span id: the parent of the origin's span.
    pub span_id: String,
    pub flags: String,
    /// The shopper's region, which picks the origin sites to try (set once geo is known).
    pub region: Region,
    /// The shopper's address as the host knows it, passed to the origin on every request
    /// ([`crate::client_address`]); `None` for the edge's own background work.
    pub client_ip: Option<std::net::IpAddr>,
    /// Time spent waiting for the origin, for `Server-Timing` ([`crate::server_timing`]).
    pub origin_time: crate::server_timing::OriginTime,
}

impl RequestContext {
    pub fn from_headers(headers: &HeaderMap, now: Timestamp) -> RequestContext {
        let mut ids = Ids::new(now);
        let request_id = headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            .map_or_else(|| format!("edge-{}", ids.hex(16)), str::to_owned);
        let parent = headers.get(TRACEPARENT).and_then(|v| v.to_str().ok()).and_then(parse_traceparent);
        let (trace_id, flags) =
            parent.map_or_else(|| (ids.hex(32), "01".to_owned()), |(trace, _, flags)| (trace, flags));
        RequestContext {
            request_id,
            trace_id,
            span_id: ids.hex(16),
            flags,
            region: ELSEWHERE.region,
            client_ip: None,
            origin_time: Default::default(),
        }
    }

    /// Takes the ids of the span the host itself opened for this request (its [`HostSpan`]),
    /// so the span the host exports is the one the origin's span names as its parent.
    pub fn adopt(&mut self, host_span: &HostSpan) {
        if let Some((trace_id, span_id, flags)) = parse_traceparent(&host_span.0) {
            (self.trace_id, self.span_id, self.flags) = (trace_id, span_id, flags);
        }
    }

    /// The `traceparent` header value naming the edge's span as the parent.
    pub fn traceparent(&self) -> String {
        format!("00-{}-{}-{}", self.trace_id, self.span_id, self.flags)
    }
}

/// A request extension a host that exports traces itself (the native host) sets: the
/// `traceparent` of its span for the request, which the edge then forwards as its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostSpan(pub String);

/// A fresh random id of 32 hex characters: an `Idempotency-Key` for a checkout form, say.
pub fn random_id(now: Timestamp) -> String {
    Ids::new(now).hex(32)
}

/// (trace id, span id, flags) of a valid version-00 `traceparent`.
fn parse_traceparent(value: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = value.trim().split('-').collect();
    let hex =
        |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    match parts.as_slice() {
        ["00", trace, span, flags]
            if hex(trace, 32)
                && hex(span, 16)
                && hex(flags, 2)
                && trace.bytes().any(|b| b != b'0')
                && span.bytes().any(|b| b != b'0') =>
        {
            Some(((*trace).to_owned(), (*span).to_owned(), (*flags).to_owned()))
        }
        _ => None,
    }
}

struct Ids(u64);

impl Ids {
    fn new(now: Timestamp) -> Ids {
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let seed = getrandom::u64().unwrap_or_else(|_| now.millis() ^ count.rotate_left(32));
        Ids(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn hex(&mut self, chars: usize) -> String {
        let mut out = String::with_capacity(chars);
        while out.len() < chars {
            out.push_str(&format!("{:016x}", self.next()));
        }
        out.truncate(chars);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shoppers_trace_is_continued_and_a_missing_one_started() {
        let mut headers = HeaderMap::new();
        headers
            .insert(TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
        headers.insert(REQUEST_ID, "abc-1".parse().unwrap());
        let ctx = RequestContext::from_headers(&headers, Timestamp(1));
        assert_eq!(ctx.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(ctx.request_id, "abc-1");
        assert_ne!(ctx.span_id, "00f067aa0ba902b7");
        let fresh = RequestContext::from_headers(&HeaderMap::new(), Timestamp(1));
        assert_eq!(fresh.trace_id.len(), 32);
        assert!(fresh.request_id.starts_with("edge-"));
        assert_ne!(
            fresh,
            RequestContext::from_headers(&HeaderMap::new(), Timestamp(1)),
            "ids differ per request"
        );
    }

    #[test]
    fn a_host_span_is_the_edge_span() {
        let mut ctx = RequestContext::from_headers(&HeaderMap::new(), Timestamp(1));
        ctx.adopt(&HostSpan("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into()));
        assert_eq!(ctx.traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        let before = ctx.clone();
        ctx.adopt(&HostSpan("junk".into()));
        assert_eq!(ctx, before, "a malformed host span changes nothing");
    }

    #[test]
    fn junk_ids_are_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, "<script>alert(1)</script>".parse().unwrap());
        headers
            .insert(TRACEPARENT, "00-00000000000000000000000000000000-00f067aa0ba902b7-01".parse().unwrap());
        let ctx = RequestContext::from_headers(&headers, Timestamp(5));
        assert!(ctx.request_id.starts_with("edge-"));
        assert_ne!(ctx.trace_id, "00000000000000000000000000000000");
    }
}

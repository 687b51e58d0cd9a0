//! Everything that is not a catalog page goes to the origin as it came: API calls, images,
//! health checks, writes. Hop-by-hop headers are dropped; the request id and trace context
//! are set; the origin's answer is passed back marked as bypassing the cache.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Request, Response};

use crate::cache;
use crate::host::Host;
use crate::origin;
use crate::trace::{REQUEST_ID, RequestContext, TRACEPARENT};

/// Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus `host`,
/// which the host's HTTP client sets for the origin.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
];

/// Forwards `request` to the origin and returns its answer unchanged but for hop-by-hop
/// headers and a `Cache-Status` saying the edge cache was not consulted.
pub async fn forward<H: Host>(
    request: Request<Bytes>,
    host: &H,
    ctx: &RequestContext,
) -> Result<Response<Bytes>, crate::host::OriginError> {
    // Counted like a cache decision so dashboards see what share of traffic skips the cache.
    metrics::counter!("edge_cache_total", "route" => "proxy", "result" => "bypass").increment(1);
    let (mut parts, body) = request.into_parts();
    strip_hop_by_hop(&mut parts.headers);
    parts.uri = parts.uri.path_and_query().map_or("/", |pq| pq.as_str()).parse().unwrap_or_default();
    set(&mut parts.headers, REQUEST_ID, &ctx.request_id);
    set(&mut parts.headers, TRACEPARENT, &ctx.traceparent());
    let mut response = origin::send(host, ctx, Request::from_parts(parts, body)).await?;
    strip_hop_by_hop(response.headers_mut());
    set(response.headers_mut(), "cache-status", &cache::status_bypass());
    Ok(response)
}

/// Drops the fixed hop-by-hop headers and any header the `Connection` field names as one.
fn strip_hop_by_hop(headers: &mut http::HeaderMap) {
    let named: Vec<HeaderName> = headers
        .get_all(http::header::CONNECTION)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|name| HeaderName::try_from(name.trim()).ok())
        .collect();
    for name in named {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(*name);
    }
}

fn set(headers: &mut http::HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}

//! Per-request observability: a request id and a W3C trace context on every request, a
//! `tracing` span that carries both (so every log line of the request names them), one log
//! line per request, and the request counters and latency histogram.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::client_address::ClientAddress;
use linkedall_events::Cause;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");
/// The shopper's country as the edge saw it (the edge's `--geo-header` default).
pub const COUNTRY: HeaderName = HeaderName::from_static("x-linkedall-country");

/// The route template that served a response (`/api/v1/products/{id}`), so metrics are
/// labelled by route rather than by every distinct URL.
#[derive(Clone)]
struct RouteLabel(String);

/// The trace context of the request being served, for handlers that pass it on (events).
#[derive(Clone, Debug)]
pub struct TraceContext {
    pub request_id: String,
    pub traceparent: Traceparent,
}

/// A W3C `traceparent`: version 00, 16-byte trace id, 8-byte parent (span) id, flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traceparent {
    pub trace_id: String,
    pub span_id: String,
    pub flags: String,
}

impl Traceparent {
    /// Parses a `traceparent` header value; `None` when malformed or all-zero ids.
    pub fn parse(value: &str) -> Option<Traceparent> {
        let mut parts = value.trim().split('-');
        let (version, trace_id, span_id, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let hex =
            |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        let valid = version == "00"
            && parts.next().is_none()
            && hex(trace_id, 32)
            && hex(span_id, 16)
            && hex(flags, 2)
            && trace_id.bytes().any(|b| b != b'0')
            && span_id.bytes().any(|b| b != b'0');
        valid.then(|| Traceparent { trace_id: trace_id.into(), span_id: span_id.into(), flags: flags.into() })
    }

    /// Continues `parent` with a new span id of ours, or starts a new sampled trace.
    pub fn continue_or_start(parent: Option<Traceparent>) -> Traceparent {
        let span_id = random_hex(8);
        match parent {
            Some(parent) => Traceparent { span_id, ..parent },
            None => Traceparent { trace_id: random_hex(16), span_id, flags: "01".into() },
        }
    }

    pub fn header_value(&self) -> String {
        format!("00-{}-{}-{}", self.trace_id, self.span_id, self.flags)
    }
}

fn random_hex(bytes: usize) -> String {
    uuid::Uuid::new_v4().simple().to_string()[..bytes * 2].to_owned()
}

/// An incoming request id is kept if it is short and plain; anything else is replaced.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .filter(|v| v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// Outermost middleware: ids, span, log line, metrics.
pub async fn observe(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = request_id(request.headers());
    let parent =
        request.headers().get(&TRACEPARENT).and_then(|v| v.to_str().ok()).and_then(Traceparent::parse);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    // Never a client's own `X-Forwarded-For`: only what a trusted edge says, else the peer.
    let client_ip = Some(ClientAddress::of(request.headers(), request.extensions()).0)
        .filter(|ip| !ip.is_unspecified())
        .map(|ip| ip.to_string());
    let span = tracing::info_span!(
        "request",
        otel.name = %format!("{method} {path}"),
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        request_id = %request_id,
        trace_id = tracing::field::Empty,
        span_id = tracing::field::Empty,
        method = %method,
        path = %path,
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        client_ip = client_ip.as_deref().unwrap_or_default(),
    );
    // Exported, the span continues the caller's trace and its ids are the span's own;
    // otherwise the ids are made here, as before traces were exported.
    linkedall_telemetry::continue_trace(&span, parent.as_ref().map(Traceparent::header_value).as_deref());
    let traceparent = linkedall_telemetry::traceparent_of(&span)
        .as_deref()
        .and_then(Traceparent::parse)
        .unwrap_or_else(|| Traceparent::continue_or_start(parent));
    span.record("trace_id", traceparent.trace_id.as_str());
    span.record("span_id", traceparent.span_id.as_str());
    let cause = Cause {
        traceparent: Some(traceparent.header_value()),
        client_ip,
        country: request
            .headers()
            .get(&COUNTRY)
            .and_then(|v| v.to_str().ok())
            .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase),
    };
    request
        .extensions_mut()
        .insert(TraceContext { request_id: request_id.clone(), traceparent: traceparent.clone() });

    // Events written while serving the request remember its trace, address and country.
    let mut response = cause.scope(next.run(request).instrument(span.clone())).await;

    let elapsed = started.elapsed();
    let status = response.status();
    let route = response.extensions().get::<RouteLabel>().map_or("unmatched".to_owned(), |r| r.0.clone());
    metrics::counter!(
        "http_requests_total",
        "method" => method.to_string(), "route" => route.clone(), "status" => status.as_u16().to_string()
    )
    .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method.to_string(), "route" => route.clone())
        .record(elapsed.as_secs_f64());
    span.record("otel.name", format!("{method} {route}"));
    span.record("route", route.as_str());
    span.record("status", status.as_u16());
    if status.is_server_error() {
        span.record("otel.status_code", "error");
    }
    span.in_scope(|| {
        tracing::info!(
            target: "access",
            status = status.as_u16(),
            route = %route,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "served"
        )
    });

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID, value);
    }
    if let Ok(value) = HeaderValue::from_str(&traceparent.header_value()) {
        headers.insert(TRACEPARENT, value);
    }
    response
}

/// Route-level middleware: records which route template matched, for [`observe`].
pub async fn label_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(RouteLabel(route));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_traceparent_is_continued_with_a_new_span() {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let parent = Traceparent::parse(incoming).unwrap();
        let ours = Traceparent::continue_or_start(Some(parent.clone()));
        assert_eq!(ours.trace_id, parent.trace_id);
        assert_ne!(ours.span_id, parent.span_id);
        assert!(Traceparent::parse(&ours.header_value()).is_some());
    }

    #[test]
    fn malformed_traceparents_start_a_new_trace() {
        for bad in [
            "",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        ] {
            assert_eq!(Traceparent::parse(bad), None, "{bad}");
        }
        let fresh = Traceparent::continue_or_start(None);
        assert_eq!(fresh.trace_id.len(), 32);
        assert_eq!(fresh.span_id.len(), 16);
    }

    #[test]
    fn odd_request_ids_are_replaced() {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID, HeaderValue::from_static("edge-abc_123"));
        assert_eq!(request_id(&headers), "edge-abc_123");
        headers.insert(REQUEST_ID, HeaderValue::from_static("<script>"));
        assert_ne!(request_id(&headers), "<script>");
    }
}

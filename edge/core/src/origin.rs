//! Fetching catalog documents from the origin in the postcard wire format, with the request's
//! id and trace context, timed and counted.

use bytes::Bytes;
use linkedall_shared::wire;
use serde::de::DeserializeOwned;

use crate::error::EdgeError;
use crate::host::Host;
use crate::trace::{REQUEST_ID, RequestContext, TRACEPARENT};

/// GETs `path_and_query` from the origin and decodes the answer.
pub async fn fetch_document<T: DeserializeOwned, H: Host>(
    host: &H,
    path_and_query: &str,
    ctx: &RequestContext,
) -> Result<T, EdgeError> {
    let request = http::Request::get(path_and_query)
        .header(http::header::ACCEPT, wire::MEDIA_TYPE)
        .header(REQUEST_ID, &ctx.request_id)
        .header(TRACEPARENT, ctx.traceparent())
        .body(Bytes::new())
        .map_err(|e| EdgeError::NotFound(format!("invalid address: {e}")))?;
    let started = host.now();
    let result = host.fetch_origin(request).await;
    let seconds = host.now().millis().saturating_sub(started.millis()) as f64 / 1000.0;
    metrics::histogram!("edge_origin_fetch_seconds").record(seconds);
    let response = result.inspect_err(|error| {
        metrics::counter!("edge_origin_errors_total", "kind" => "unreachable").increment(1);
        tracing::warn!(%error, path = path_and_query, "origin unreachable");
    })?;
    match response.status().as_u16() {
        200 => Ok(wire::decode(response.body()).inspect_err(|error| {
            metrics::counter!("edge_origin_errors_total", "kind" => "wire").increment(1);
            tracing::error!(%error, path = path_and_query, "origin answer not readable");
        })?),
        404 => {
            Err(EdgeError::NotFound(problem_detail(response.body()).unwrap_or_else(|| "not found".into())))
        }
        status => {
            metrics::counter!("edge_origin_errors_total", "kind" => "status").increment(1);
            tracing::warn!(status, path = path_and_query, "origin error");
            Err(EdgeError::OriginStatus { status })
        }
    }
}

/// The `detail` of an RFC 9457 body, without a JSON parser: the origin writes it as the last
/// string field.
fn problem_detail(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("\"detail\":\"")? + "\"detail\":\"".len();
    let end = text[start..].find('"')?;
    Some(text[start..start + end].replace("\\u0060", "`"))
}

/// Encodes a value for use in a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

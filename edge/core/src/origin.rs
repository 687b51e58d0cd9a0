//! Talking to the origin: every request the edge sends goes through [`send`], so each one is
//! timed (`edge_origin_fetch_seconds`) and each failure counted (`edge_origin_errors_total`)
//! in one place; catalog documents are fetched in the postcard wire format with
//! [`fetch_document`].

use bytes::Bytes;
use linkedall_shared::{OriginSite, PURGE_SEQ_HEADER, wire};
use serde::de::DeserializeOwned;

use crate::client_address;
use crate::error::EdgeError;
use crate::host::{Host, OriginError};
use crate::origin_health;
use crate::origin_pool;
use crate::trace::{REQUEST_ID, RequestContext, TRACEPARENT};

/// Sends one request to the origin through the host, timed and counted. The caller has set
/// the request id and `traceparent` headers; the shopper's address is set here, replacing any
/// the client claimed ([`client_address`]).
///
/// When the host knows several origin sites the request goes to the shopper's region's pool
/// ([`origin_pool`]): a site that is unreachable — or, for requests safe to repeat (GET,
/// HEAD), one that times out or answers 502/503/504 — is marked failed and the next site is
/// tried within the same request. A write that may have reached a site is never sent twice.
pub async fn send<H: Host>(
    host: &H,
    ctx: &RequestContext,
    request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, OriginError> {
    let started = host.now();
    let result = send_to_a_site(host, ctx, request).await;
    ctx.origin_time.add(host.now().millis().saturating_sub(started.millis()));
    result
}

async fn send_to_a_site<H: Host>(
    host: &H,
    ctx: &RequestContext,
    mut request: http::Request<Bytes>,
) -> Result<http::Response<Bytes>, OriginError> {
    client_address::set_on(request.headers_mut(), ctx.client_ip);
    let sites = host.origin_sites();
    if sites.is_empty() {
        return timed(host, None, host.fetch_origin(request)).await;
    }
    let sites = origin_pool::order(ctx.region, &sites, host.now());
    let repeatable = matches!(*request.method(), http::Method::GET | http::Method::HEAD);
    let (parts, body) = request.into_parts();
    let mut last = Err(OriginError::Unreachable("no origin site is configured".into()));
    for (attempt, site) in sites.iter().copied().enumerate() {
        if attempt > 0 {
            metrics::counter!("edge_origin_failovers_total", "to" => site.name()).increment(1);
            tracing::warn!(site = site.name(), attempt, "trying the next origin site");
        }
        let mut copy = http::Request::new(body.clone());
        *copy.method_mut() = parts.method.clone();
        *copy.uri_mut() = parts.uri.clone();
        *copy.headers_mut() = parts.headers.clone();
        let result = timed(host, Some(site), host.fetch_origin_at(site, copy)).await;
        let failed = match &result {
            Ok(response) => repeatable && matches!(response.status().as_u16(), 502..=504),
            Err(OriginError::Unreachable(_)) => true,
            Err(OriginError::Timeout(_)) => repeatable,
        };
        if !failed {
            if result.is_ok() {
                origin_pool::succeeded(site);
            }
            return result;
        }
        origin_pool::failed(site, host.now());
        let can_retry = repeatable || matches!(result, Err(OriginError::Unreachable(_)));
        last = result;
        if !can_retry {
            break;
        }
    }
    last
}

async fn timed<H: Host>(
    host: &H,
    site: Option<OriginSite>,
    fetch: impl std::future::Future<Output = Result<http::Response<Bytes>, OriginError>>,
) -> Result<http::Response<Bytes>, OriginError> {
    let started = host.now();
    let result = fetch.await;
    let seconds = host.now().millis().saturating_sub(started.millis()) as f64 / 1000.0;
    let site = site.map_or("origin", OriginSite::name);
    metrics::histogram!("edge_origin_fetch_seconds", "site" => site).record(seconds);
    let answered = result.as_ref().is_ok_and(|response| !matches!(response.status().as_u16(), 502..=504));
    origin_health::record(answered, host.now());
    if let Err(error) = &result {
        let kind = match error {
            OriginError::Unreachable(_) => "unreachable",
            OriginError::Timeout(_) => "timeout",
        };
        metrics::counter!("edge_origin_errors_total", "kind" => kind, "site" => site).increment(1);
        tracing::warn!(%error, site, "origin request failed");
    }
    result
}

/// A catalog document and the purge journal position it reflects, when the origin says
/// ([`linkedall_shared::PURGE_SEQ_HEADER`]).
pub struct Document<T> {
    pub value: T,
    pub purge_seq: Option<u64>,
}

/// GETs `path_and_query` from the origin and decodes the answer (see [`fetch_stamped_document`]).
pub async fn fetch_document<T: DeserializeOwned, H: Host>(
    host: &H,
    path_and_query: &str,
    ctx: &RequestContext,
) -> Result<T, EdgeError> {
    Ok(fetch_stamped_document(host, path_and_query, ctx).await?.value)
}

/// GETs `path_and_query` from the origin and decodes the answer, with its purge position.
///
/// 404 becomes [`EdgeError::NotFound`] and 400 [`EdgeError::BadRequest`], each with the
/// origin's problem `detail` (written for people); any other status is the origin's fault.
pub async fn fetch_stamped_document<T: DeserializeOwned, H: Host>(
    host: &H,
    path_and_query: &str,
    ctx: &RequestContext,
) -> Result<Document<T>, EdgeError> {
    fetch_document_as(host, path_and_query, ctx, None).await
}

/// [`fetch_stamped_document`] of a document the origin serves only to the holder of `token`
/// (sent as `Authorization: Bearer`), such as its purge journal.
pub async fn fetch_document_as<T: DeserializeOwned, H: Host>(
    host: &H,
    path_and_query: &str,
    ctx: &RequestContext,
    token: Option<&str>,
) -> Result<Document<T>, EdgeError> {
    let mut request = http::Request::get(path_and_query)
        .header(http::header::ACCEPT, wire::MEDIA_TYPE)
        .header(REQUEST_ID, &ctx.request_id)
        .header(TRACEPARENT, ctx.traceparent());
    if let Some(token) = token {
        request = request.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let request =
        request.body(Bytes::new()).map_err(|e| EdgeError::NotFound(format!("invalid address: {e}")))?;
    let response = send(host, ctx, request).await?;
    let detail = || problem_detail(response.body());
    match response.status().as_u16() {
        200 => {
            let value = wire::decode(response.body()).inspect_err(|error| {
                metrics::counter!("edge_origin_errors_total", "kind" => "wire").increment(1);
                tracing::error!(%error, path = path_and_query, "origin answer not readable");
            })?;
            let purge_seq = response
                .headers()
                .get(PURGE_SEQ_HEADER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse().ok());
            Ok(Document { value, purge_seq })
        }
        404 => Err(EdgeError::NotFound(detail().unwrap_or_else(|| "not found".into()))),
        400 => Err(EdgeError::BadRequest(detail().unwrap_or_else(|| "that request is not valid".into()))),
        status => {
            metrics::counter!("edge_origin_errors_total", "kind" => "status").increment(1);
            tracing::warn!(status, path = path_and_query, "origin error");
            Err(EdgeError::OriginStatus { status })
        }
    }
}

/// The `detail` string of an RFC 9457 problem document.
pub(crate) fn problem_detail(body: &[u8]) -> Option<String> {
    problem_field(body, "\"detail\"")
}

/// The kind of an RFC 9457 problem document: its `type` without the `/problems/` prefix
/// (`quote-changed`), which the pages turn into a sentence of their own.
pub(crate) fn problem_kind(body: &[u8]) -> Option<String> {
    let kind = problem_field(body, "\"type\"")?;
    Some(kind.rsplit('/').next().unwrap_or_default().to_owned())
}

/// One string member (`key`, quoted) of a problem document. A small scanner rather than a
/// JSON parser (the edge core stays small for wasm): finds the key, then reads one JSON
/// string, undoing its escapes. `None` when the body is not shaped like that.
fn problem_field(body: &[u8], key: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let after_key = &text[text.find(key)? + key.len()..];
    let after_colon = after_key.trim_start().strip_prefix(':')?.trim_start();
    let mut chars = after_colon.strip_prefix('"')?.chars();
    let mut out = String::new();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' | 'r' | 't' => out.push(' '),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
}

/// Encodes a value for use in a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::problem_detail;

    #[test]
    fn the_problem_detail_is_read_with_its_escapes() {
        let body = br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"no \"shoe\" \u00e0 la carte"}"#;
        assert_eq!(problem_detail(body).as_deref(), Some("no \"shoe\" à la carte"));
        assert_eq!(problem_detail(br#"{"detail" : "spaced"}"#).as_deref(), Some("spaced"));
        assert_eq!(problem_detail(b"<html>oops</html>"), None);
        assert_eq!(problem_detail(br#"{"detail":"unterminated"#), None);
        let problem = br#"{"type":"/problems/quote-changed","title":"Conflict","status":409,"detail":"x"}"#;
        assert_eq!(super::problem_kind(problem).as_deref(), Some("quote-changed"));
        assert_eq!(super::problem_kind(b"{}"), None);
    }
}

//! Compressed answers on the native host, as Cloudflare compresses a Worker's answers: HTML,
//! CSS, JSON and SVG of 1 KiB or more go out gzipped to a shopper whose browser accepts it —
//! a catalog page shrinks to about a third, which a phone on a slow network feels. Done here,
//! on the way out, so the cache keeps one copy of each page whatever its shoppers accept;
//! level 1 costs tens of microseconds for a page.

use std::io::Write;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use http::{HeaderMap, HeaderValue, Response, header};

/// Smaller bodies gain too little to be worth it.
const MIN_BYTES: usize = 1024;

/// `response`, gzipped when the request accepts gzip ([`accepts_gzip`]) and the body is worth it. Its ETag
/// becomes weak (`W/"…"`): the bytes differ from the plain answer's, the page does not (the
/// core compares If-None-Match weakly, so a browser's revalidation still gets its 304).
pub fn gzip_if_accepted(accepted: bool, response: Response<Bytes>) -> Response<Bytes> {
    if !accepted || !worth_compressing(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 3), Compression::fast());
    let Ok(compressed) = encoder.write_all(&body).and_then(|()| encoder.finish()) else {
        return Response::from_parts(parts, body);
    };
    metrics::counter!("edge_compressed_responses_total").increment(1);
    metrics::counter!("edge_compression_saved_bytes_total")
        .increment(body.len().saturating_sub(compressed.len()) as u64);
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    let vary: Vec<&str> =
        parts.headers.get_all(header::VARY).iter().filter_map(|v| v.to_str().ok()).collect();
    let vary = if vary.is_empty() {
        "Accept-Encoding".to_owned()
    } else {
        format!("{}, Accept-Encoding", vary.join(", "))
    };
    if let Ok(vary) = HeaderValue::from_str(&vary) {
        parts.headers.insert(header::VARY, vary);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(etag) = parts.headers.get(header::ETAG).and_then(|v| v.to_str().ok())
        && !etag.starts_with("W/")
        && let Ok(weak) = HeaderValue::from_str(&format!("W/{etag}"))
    {
        parts.headers.insert(header::ETAG, weak);
    }
    Response::from_parts(parts, Bytes::from(compressed))
}

/// Whether the request's `Accept-Encoding` lists gzip (or `*`) without `q=0`.
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|param| {
                param.strip_prefix("q=").is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn worth_compressing(response: &Response<Bytes>) -> bool {
    let content_type =
        response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let textual = [
        "text/html",
        "text/css",
        "text/plain",
        "application/json",
        "application/problem+json",
        "image/svg+xml",
        "text/javascript",
    ]
    .iter()
    .any(|kind| content_type.starts_with(kind));
    textual
        && response.body().len() >= MIN_BYTES
        && !response.headers().contains_key(header::CONTENT_ENCODING)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(accept).unwrap());
        headers
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip(&headers("gzip, deflate, br")));
        assert!(accepts_gzip(&headers("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&headers("*")));
        assert!(!accepts_gzip(&headers("gzip;q=0, br")));
        assert!(!accepts_gzip(&headers("identity")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }

    #[test]
    fn small_binary_or_already_encoded_answers_go_out_as_they_are() {
        let page = |content_type: &str, body: Vec<u8>| {
            let mut response = Response::new(Bytes::from(body));
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
            response
        };
        let accept = accepts_gzip(&headers("gzip"));
        let small = gzip_if_accepted(accept, page("text/html", vec![b'a'; 100]));
        assert!(!small.headers().contains_key(header::CONTENT_ENCODING));
        let photo = gzip_if_accepted(accept, page("image/jpeg", vec![0; 5000]));
        assert!(!photo.headers().contains_key(header::CONTENT_ENCODING));
        let html = gzip_if_accepted(accept, page("text/html; charset=utf-8", b"<p>ankara</p>".repeat(200)));
        assert_eq!(html.headers()[header::CONTENT_ENCODING], "gzip");
        assert!(html.body().len() < 200);
    }
}

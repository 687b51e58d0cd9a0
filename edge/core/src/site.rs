//! The site a shopper or crawler came to (`https://shop.example`): what the absolute addresses
//! in an answer are written with — the sitemaps' and `robots.txt`'s, and every page's
//! `<link rel="canonical">` (search engines and Lighthouse want it absolute).
//!
//! It is taken from each request and never stored: a cached page is shared by every host name
//! the shop answers to, and a forged `Host` must reach no one else's copy. So a page keeps its
//! canonical *path* in the cache, and [`absolute_canonical`] writes the site before it as the
//! answer leaves.

use bytes::Bytes;
use http::{Request, Response, header};

use crate::security_headers;

/// What the layout writes before a page's canonical path.
const CANONICAL_LINK: &str = r#"<link rel="canonical" href="/"#;

/// `https://shop.example`: the scheme and host the request used (the host checked to be a plain
/// host name, so nothing else can be written into an answer); `http://localhost` without one.
pub fn of_request(request: &Request<Bytes>) -> String {
    let scheme =
        if security_headers::over_https(request.uri(), request.headers()) { "https" } else { "http" };
    let host = request
        .uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| request.headers().get(header::HOST).and_then(|v| v.to_str().ok()).map(str::to_owned))
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        })
        .unwrap_or_else(|| "localhost".to_owned());
    format!("{scheme}://{host}")
}

/// Writes `site` before the canonical path of an HTML page's `<link rel="canonical">`; other
/// answers, and pages without one, are left as they are.
pub fn absolute_canonical(response: &mut Response<Bytes>, site: &str) {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html {
        return;
    }
    let Some(page) = std::str::from_utf8(response.body()).ok() else { return };
    let head = page.find("</head>").unwrap_or(page.len());
    let Some(at) = page[..head].find(CANONICAL_LINK) else { return };
    // The path's own `/` stays: the site goes just before it.
    let path_at = at + CANONICAL_LINK.len() - 1;
    let mut absolute = String::with_capacity(page.len() + site.len());
    absolute.push_str(&page[..path_at]);
    absolute.push_str(site);
    absolute.push_str(&page[path_at..]);
    *response.body_mut() = Bytes::from(absolute);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &'static str, content_type: &str) -> Response<Bytes> {
        let mut response = Response::new(Bytes::from_static(html.as_bytes()));
        response.headers_mut().insert(header::CONTENT_TYPE, content_type.parse().unwrap());
        response
    }

    #[test]
    fn the_canonical_link_names_the_site_the_shopper_came_to() {
        let mut product =
            page(r#"<head><link rel="canonical" href="/p/1-kitenge"></head>"#, "text/html; charset=utf-8");
        absolute_canonical(&mut product, "https://shop.example");
        assert_eq!(
            product.body(),
            r#"<head><link rel="canonical" href="https://shop.example/p/1-kitenge"></head>"#
        );
    }

    #[test]
    fn pages_without_a_canonical_link_and_other_answers_are_untouched() {
        let search = r#"<head><title>Search</title></head><body><link rel="canonical" href="/x"></body>"#;
        let mut response = page(search, "text/html");
        absolute_canonical(&mut response, "https://shop.example");
        assert_eq!(response.body(), search, "only the head's link counts");
        let mut css = page(r#"<link rel="canonical" href="/">"#, "text/css");
        absolute_canonical(&mut css, "https://shop.example");
        assert_eq!(css.body(), r#"<link rel="canonical" href="/">"#);
    }

    #[test]
    fn the_site_is_the_scheme_and_a_plain_host_name() {
        let request = |host: &str, proto: &str| {
            Request::get("/")
                .header("host", host)
                .header("x-forwarded-proto", proto)
                .body(Bytes::new())
                .unwrap()
        };
        assert_eq!(of_request(&request("shop.example", "https")), "https://shop.example");
        assert_eq!(of_request(&request("192.168.1.20:8080", "http")), "http://192.168.1.20:8080");
        assert_eq!(of_request(&request("evil.example\"><script>", "https")), "https://localhost");
    }
}

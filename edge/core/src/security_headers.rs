//! The browser's part of the shop's defences, set on every page the edge renders (catalog,
//! shop and error pages, cached or not): a Content-Security-Policy the pages satisfy, no
//! framing, no MIME sniffing, a referrer that leaves the shop as its origin only, and HSTS
//! when the page came over HTTPS.
//!
//! The pages run no inline script (no `<script>` body, no `on…=` handlers; a test checks every
//! template): `script-src 'self'` allows the one file under `/assets/` a page loads (the vendor's
//! photo preview and upload progress, `photo-upload.js`).
//! Styles come from `/assets/`; the one inline style is the photo placeholder's
//! `style="background-image:url(data:…)"` attribute, rendered per photo (no hash can name it),
//! hence `style-src-attr 'unsafe-inline'` — attributes only, never a `<style>` element. Images
//! are the shop's own (`/assets/`, `/cdn-cgi/image/`, the origin's media proxied under the
//! same host) and `data:` for those placeholders. Forms post to the shop; a payment provider's
//! page is reached by a redirect after a POST, which `form-action` also governs, hence
//! `https:` there.

use http::{HeaderMap, HeaderValue};

/// The policy every edge-rendered HTML page carries.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self' https:; frame-ancestors 'none'";

/// A year, subdomains included: the shop is HTTPS-only wherever it is served over HTTPS.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Whether the shopper's request came over HTTPS: the URL's scheme (Workers see the full URL),
/// or `x-forwarded-proto: https` from the TLS terminator in front of the native and Spin hosts.
pub fn over_https(uri: &http::Uri, headers: &HeaderMap) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// Adds the headers to `headers` of an edge-rendered response; the page ones only when it is
/// HTML.
pub fn apply(headers: &mut HeaderMap, https: bool) {
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    let html = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if html {
        headers.insert("content-security-policy", HeaderValue::from_static(CONTENT_SECURITY_POLICY));
        headers.insert("referrer-policy", HeaderValue::from_static("strict-origin-when-cross-origin"));
        headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    }
    if https {
        headers.insert("strict-transport-security", HeaderValue::from_static(HSTS));
    }
}

//! Writes made with the session cookie must say what they carry.
//!
//! A page on another site can make the shopper's browser send a POST with the session cookie
//! and a body of `text/plain` — or none — without asking first (a CORS "simple request"), so
//! a cookie alone cannot show that the shop's own pages sent a write. The shop's own callers
//! (the edge, the browser's forms through it) always name JSON or a form; a cookie-signed
//! POST, PUT, PATCH or DELETE to `/api/` that names neither is refused with 415 before any
//! handler runs. Requests signed with `Authorization: Bearer` are not affected: browsers never
//! add that header on their own.

use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::Error;
use crate::session::COOKIE;

/// The media types a cookie-signed write may carry.
const ACCEPTED: [&str; 3] = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"];

/// Refuses cookie-signed API writes without a JSON or form content type (see the module).
pub async fn require_declared_body(request: Request, next: Next) -> Response {
    if is_cookie_write(&request) && !declares_accepted_type(&request) {
        metrics::counter!("origin_cookie_writes_refused_total").increment(1);
        tracing::warn!(
            path = request.uri().path(),
            "cookie-signed write without a JSON or form body refused"
        );
        return Error::UnsupportedMediaType(
            "a write signed with the session cookie must send `Content-Type: application/json` \
             (or a form); sign API calls with `Authorization: Bearer` instead",
        )
        .into_response();
    }
    next.run(request).await
}

fn is_cookie_write(request: &Request) -> bool {
    let headers = request.headers();
    !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && request.uri().path().starts_with("/api/")
        && !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|pair| pair.trim().strip_prefix(COOKIE).is_some_and(|rest| rest.starts_with('=')))
}

fn declares_accepted_type(request: &Request) -> bool {
    let Some(value) = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    ACCEPTED.contains(&essence.as_str())
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

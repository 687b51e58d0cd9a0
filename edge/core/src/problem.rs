//! A refusal or failure for API clients (and for images, beacons and metrics, which no page
//! shows): an RFC 9457 `application/problem+json` document, never cached, with `Retry-After`
//! when retrying soon may work. Built here once for every part of the edge.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};

/// How long a client should wait before retrying a 503.
const RETRY_AFTER_SECS: &str = "5";

/// A problem document: its status, its type (a slug under `/problems/`), what to change.
#[derive(Debug)]
pub struct Problem {
    pub status: u16,
    pub kind: &'static str,
    pub detail: String,
    /// The request's part that was refused (an image option, say), as the `option` member.
    pub option: Option<String>,
}

impl Problem {
    pub fn new(status: u16, kind: &'static str, detail: impl Into<String>) -> Problem {
        Problem { status, kind, detail: detail.into(), option: None }
    }

    /// The same problem, naming the request's part that was refused.
    pub fn about(self, option: impl Into<String>) -> Problem {
        Problem { option: Some(option.into()), ..self }
    }

    pub fn response(self) -> Response<Bytes> {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut body = serde_json::json!({
            "type": format!("/problems/{}", self.kind),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "detail": self.detail,
        });
        if let Some(option) = self.option {
            body["option"] = option.into();
        }
        let mut response = Response::new(Bytes::from(body.to_string()));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        headers.insert(http::header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(http::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::Problem;

    #[test]
    fn a_problem_is_json_never_cached_and_says_when_to_retry() {
        let response = Problem::new(503, "origin-unavailable", "retry \"soon\"").about("width").response();
        assert_eq!(response.status(), 503);
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["retry-after"], "5");
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["type"], "/problems/origin-unavailable");
        assert_eq!(body["title"], "Service Unavailable");
        assert_eq!(body["detail"], "retry \"soon\"");
        assert_eq!(body["option"], "width");
        let refused = Problem::new(401, "unauthenticated", "send the token").response();
        assert_eq!(refused.headers()["www-authenticate"], "Bearer");
        assert!(refused.headers().get("retry-after").is_none());
    }
}

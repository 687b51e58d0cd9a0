//! One shopper's visit to a signed-in page: their cookie and form fields in, calls to the
//! origin's JSON API on their behalf, and an answer that is private, uncached and carries the
//! origin's `Set-Cookie` back.

use std::cell::RefCell;

use askama::Template;
use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode, header};
use linkedall_shared::wire;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::account::Account;
use crate::cache;
use crate::catalog;
use crate::error::EdgeError;
use crate::host::Host;
use crate::locale::Locale;
use crate::origin::{self, encode, problem_detail, problem_kind};
use crate::pages::ErrorPage;
use crate::security_headers;
use crate::trace::{REQUEST_ID, RequestContext, TRACEPARENT};
use crate::words::Words;

/// Every signed-in page: only the shopper's browser may keep it, and not even on disk.
pub const CACHE_CONTROL: &str = "private, no-store";

/// Why a call to the origin gave no document.
#[derive(Debug)]
pub enum Failure {
    /// 401: nobody is signed in (or the session expired): off to the login page.
    SignIn,
    /// The origin refused what the shopper asked (409 out of stock, 422, 403 …): shown on the
    /// page in the origin's own words.
    Refused { status: u16, message: String },
    /// The origin is down or answered something unusable: the error page.
    Broken(EdgeError),
}

/// The origin's refusal of an upload: its status and problem type.
#[derive(Debug)]
pub struct Refusal {
    pub status: u16,
    /// `/problems/photo-too-large`, … (empty when the answer named none).
    pub kind: String,
}

impl From<EdgeError> for Failure {
    fn from(error: EdgeError) -> Self {
        Failure::Broken(error)
    }
}

/// What one request to a signed-in page carries, and what its answer collects on the way.
pub struct Visit<'a, H> {
    host: &'a H,
    ctx: &'a RequestContext,
    /// The shopper's `Cookie` header, passed to the origin untouched.
    cookie: Option<HeaderValue>,
    /// This page's path and query: where to come back to after signing in.
    pub here: String,
    form: Vec<(String, String)>,
    /// A `multipart/form-data` body (a photo upload) as the browser sent it, with its
    /// `Content-Type` (which names the boundary): passed to the origin untouched.
    multipart: Option<(HeaderValue, Bytes)>,
    /// Every `Set-Cookie` the origin answered during this visit, passed back to the browser.
    set_cookies: RefCell<Vec<HeaderValue>>,
    /// Whether the shopper came over HTTPS: cookies are `Secure` then, and only then (a
    /// browser drops a `Secure` cookie sent over plain HTTP, and the shopper would never be
    /// signed in on a LAN or staging address).
    pub https: bool,
    /// Who the request's cookies say is signed in (display only; see [`crate::account`]).
    pub account: Option<Account>,
    /// The page's language and the shopper's market.
    pub locale: Locale,
}

impl<'a, H: Host> Visit<'a, H> {
    pub fn new(request: &Request<Bytes>, host: &'a H, ctx: &'a RequestContext, locale: &Locale) -> Self {
        let cookies: Vec<&str> =
            request.headers().get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).collect();
        let cookie = (!cookies.is_empty()).then(|| HeaderValue::from_str(&cookies.join("; ")).ok()).flatten();
        let multipart = request
            .headers()
            .get(header::CONTENT_TYPE)
            .filter(|t| {
                t.to_str()
                    .is_ok_and(|t| t.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
            })
            .map(|t| (t.clone(), request.body().clone()));
        let form = if request.method() == Method::POST && multipart.is_none() {
            form_urlencoded::parse(request.body()).into_owned().collect()
        } else {
            Vec::new()
        };
        Visit {
            host,
            ctx,
            cookie,
            here: request.uri().path_and_query().map_or("/", |pq| pq.as_str()).to_owned(),
            form,
            multipart,
            set_cookies: RefCell::default(),
            https: security_headers::over_https(request.uri(), request.headers()),
            account: Account::of_request(request.headers(), host.now()),
            locale: locale.clone(),
        }
    }

    /// A submitted form field, as typed (passwords may start or end with a space).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The host this visit runs on (the admin's warming fetches pages through it).
    pub fn host(&self) -> &'a H {
        self.host
    }

    /// This request's id and trace context.
    pub fn context(&self) -> &'a RequestContext {
        self.ctx
    }

    /// The host's clock.
    pub fn now(&self) -> crate::host::Timestamp {
        self.host.now()
    }

    /// A query parameter of this page's address.
    pub fn query(&self, name: &str) -> Option<String> {
        crate::route::param(self.here.split_once('?').map(|(_, q)| q), name)
    }

    /// GETs a document from the origin as the shopper: in the wire format where the origin
    /// offers it (carts, orders), else JSON.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        decode(path, &self.call(Method::GET, path, None, None).await?)
    }

    /// POSTs `body` as JSON (or nothing) as the shopper, with an `Idempotency-Key` when given,
    /// and reads the answer (wire format or JSON, as the origin chose).
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&impl Serialize>,
        idempotency_key: Option<&str>,
    ) -> Result<T, Failure> {
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Failure::Broken(EdgeError::Json(e.to_string())))?;
        decode(path, &self.call(Method::POST, path, body, idempotency_key).await?)
    }

    /// Sends `body` as JSON with `method` (PATCH, PUT) as the shopper and reads the answer.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, Failure> {
        let body = serde_json::to_vec(body).map_err(|e| Failure::Broken(EdgeError::Json(e.to_string())))?;
        decode(path, &self.call(method, path, Some(body), None).await?)
    }

    /// Sends `body` as JSON with `method` as the shopper, ignoring the answer's body (204).
    pub async fn send_json_only(
        &self,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<(), Failure> {
        let body = serde_json::to_vec(body).map_err(|e| Failure::Broken(EdgeError::Json(e.to_string())))?;
        self.call(method, path, Some(body), None).await.map(drop)
    }

    /// POSTs the browser's multipart body (a photo) to `path` as the shopper. `Ok(Err(…))`
    /// is the origin's refusal, with its problem type (`/problems/photo-too-large` …), so the
    /// page can say what was wrong with the file; `None` when nothing was uploaded.
    pub async fn forward_multipart(&self, path: &str) -> Option<Result<Result<(), Refusal>, Failure>> {
        Some(self.send_multipart(path).await?.map(|answer| answer.map(drop)))
    }

    /// As [`Self::forward_multipart`], reading the origin's JSON answer (a stock sheet's
    /// preview).
    pub async fn upload<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Option<Result<Result<T, Refusal>, Failure>> {
        Some(match self.send_multipart(path).await? {
            Ok(Ok(body)) => decode(path, &Answer { body, wire: false }).map(Ok),
            Ok(Err(refusal)) => Ok(Err(refusal)),
            Err(failure) => Err(failure),
        })
    }

    async fn send_multipart(&self, path: &str) -> Option<Result<Result<Bytes, Refusal>, Failure>> {
        let (content_type, body) = self.multipart.clone()?;
        let request = self.request(Method::POST, path, None).header(header::CONTENT_TYPE, content_type);
        let response = match self.exchange(request, body).await {
            Ok(response) => response,
            Err(failure) => return Some(Err(failure)),
        };
        let status = response.status().as_u16();
        Some(match status {
            200..=299 => Ok(Ok(response.into_body())),
            401 => Err(Failure::SignIn),
            400..=499 => {
                let kind = problem_kind(response.body()).unwrap_or_default();
                tracing::info!(status, path, kind, "the origin refused an upload");
                Ok(Err(Refusal { status, kind }))
            }
            _ => {
                metrics::counter!("edge_origin_errors_total", "kind" => "status").increment(1);
                tracing::warn!(status, path, "origin error on an upload");
                Err(Failure::Broken(EdgeError::OriginStatus { status }))
            }
        })
    }

    /// GETs a file from the origin as the shopper (a stock sheet), as it is.
    pub async fn get_file(&self, path: &str) -> Result<Bytes, Failure> {
        self.call(Method::GET, path, None, None).await.map(|answer| answer.body)
    }

    /// DELETEs as the shopper, ignoring the answer's body.
    pub async fn delete(&self, path: &str) -> Result<(), Failure> {
        self.call(Method::DELETE, path, None, None).await.map(drop)
    }

    /// POSTs and ignores the answer's body (e.g. 204 from logout).
    pub async fn post_only(&self, path: &str) -> Result<(), Failure> {
        self.call(Method::POST, path, None, None).await.map(drop)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        json: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
    ) -> Result<Answer, Failure> {
        let mut request = self.request(method.clone(), path, idempotency_key);
        // Every write names JSON, body or not: the origin refuses cookie-signed writes that
        // do not (a cross-site page could send those).
        if json.is_some() || method != Method::GET {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let response = self.exchange(request, Bytes::from(json.unwrap_or_default())).await?;
        let status = response.status().as_u16();
        match status {
            200..=299 => {
                let wire = response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .is_some_and(|t| t.as_bytes().eq_ignore_ascii_case(wire::MEDIA_TYPE.as_bytes()));
                Ok(Answer { body: response.into_body(), wire })
            }
            401 => Err(Failure::SignIn),
            400..=499 => {
                // The origin's detail is written for developers ("invalid `quantity`
                // parameter"): logged, while the shopper reads a sentence in their language.
                let detail = problem_detail(response.body()).unwrap_or_default();
                let kind = problem_kind(response.body()).unwrap_or_default();
                tracing::info!(status, path, detail, kind, "the origin refused a shopper's request");
                let sentence = crate::suspension_words::refusal(self.locale.language, &kind)
                    .unwrap_or_else(|| refusal_text(self.words(), status, &kind));
                Err(Failure::Refused { status, message: sentence.into() })
            }
            _ => {
                metrics::counter!("edge_origin_errors_total", "kind" => "status").increment(1);
                tracing::warn!(status, path, "origin error on a signed-in page");
                Err(Failure::Broken(EdgeError::OriginStatus { status }))
            }
        }
    }

    /// A request to the origin on the shopper's behalf: their cookie, this request's id and
    /// trace, what the edge accepts.
    fn request(&self, method: Method, path: &str, idempotency_key: Option<&str>) -> http::request::Builder {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT, ACCEPT)
            .header(REQUEST_ID, &self.ctx.request_id)
            .header(TRACEPARENT, self.ctx.traceparent());
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        request
    }

    /// Sends `request` with `body` to the origin and keeps the `Set-Cookie`s it answers.
    async fn exchange(
        &self,
        request: http::request::Builder,
        body: Bytes,
    ) -> Result<Response<Bytes>, Failure> {
        let request = request
            .body(body)
            .map_err(|e| Failure::Broken(EdgeError::NotFound(format!("invalid address: {e}"))))?;
        let response = origin::send(self.host, self.ctx, request).await.map_err(EdgeError::from)?;
        self.set_cookies
            .borrow_mut()
            .extend(response.headers().get_all(header::SET_COOKIE).iter().map(|c| for_scheme(c, self.https)));
        Ok(response)
    }

    /// Adds a cookie of the edge's own (e.g. [`crate::account::remember`]) to the answer.
    pub fn set_cookie(&self, cookie: &str) {
        if let Ok(value) = HeaderValue::from_str(cookie) {
            self.set_cookies.borrow_mut().push(value);
        }
    }

    /// The value of the shopper's cookie `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        crate::locale::cookie_in(self.cookie.as_ref()?.to_str().ok()?, name)
    }

    /// The shop's words in the page's language.
    pub fn words(&self) -> &'static Words {
        Words::of(self.locale.language)
    }

    /// An HTML page with this visit's headers; a template that fails to render is a 500 page.
    pub fn page(&self, status: u16, template: &impl Template) -> Response<Bytes> {
        match template.render() {
            Ok(html) => self.finish(html_response(status, html)),
            Err(error) => self.fail(Failure::Broken(error.into())),
        }
    }

    /// A file to download (`filename`, of `content_type`) with this visit's headers.
    pub fn download(&self, content_type: &'static str, filename: &str, body: Bytes) -> Response<Bytes> {
        let mut response = Response::new(body);
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        self.finish(response)
    }

    /// `303 See Other`: after a form is handled, the browser GETs the result, so reloading it
    /// never submits the form again.
    pub fn redirect(&self, location: &str) -> Response<Bytes> {
        let mut response = Response::new(Bytes::new());
        *response.status_mut() = StatusCode::SEE_OTHER;
        if let Ok(value) = HeaderValue::from_str(location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        self.finish(response)
    }

    /// To the login page, coming back to `next` afterwards.
    pub fn sign_in_first(&self, next: &str) -> Response<Bytes> {
        self.redirect(&format!("/login?next={}", encode(&local_path(Some(next)))))
    }

    /// The page for a refusal the shopper can act on, in the origin's words.
    pub fn refused(&self, status: u16, message: String) -> Response<Bytes> {
        self.page(status, &ErrorPage::refused(status, &message, &self.locale))
    }

    /// The answer for any failure: sign in, a readable refusal, or the error page.
    pub fn fail(&self, failure: Failure) -> Response<Bytes> {
        match failure {
            Failure::SignIn => self.sign_in_first(&self.here),
            Failure::Refused { status, message } => self.refused(status, message),
            Failure::Broken(error) => self.finish(catalog::error_response(&error, &self.locale)),
        }
    }

    /// Marks `response` private and uncached and hands back the origin's cookies.
    fn finish(&self, mut response: Response<Bytes>) -> Response<Bytes> {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
        if let Ok(value) = HeaderValue::from_str(&cache::status_bypass()) {
            headers.insert("cache-status", value);
        }
        for cookie in self.set_cookies.borrow().iter() {
            headers.append(header::SET_COOKIE, cookie.clone());
        }
        response
    }
}

/// An origin's `Set-Cookie` as this shopper's browser will keep it: without `Secure` when
/// they came over plain HTTP (a phone on the LAN, a staging host), as it was otherwise.
pub fn for_scheme(cookie: &HeaderValue, https: bool) -> HeaderValue {
    let Ok(text) = cookie.to_str() else { return cookie.clone() };
    if https || !text.split(';').any(|part| part.trim().eq_ignore_ascii_case("secure")) {
        return cookie.clone();
    }
    let kept: Vec<&str> =
        text.split(';').map(str::trim).filter(|part| !part.eq_ignore_ascii_case("secure")).collect();
    HeaderValue::from_str(&kept.join("; ")).unwrap_or_else(|_| cookie.clone())
}

/// `next` if it is a path on this site, else `/`: a login link must never send the shopper
/// to someone else's site (`//evil.example`, `https://…`).
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 512
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// What the edge accepts from the origin: the wire format first (compact, typed, versioned),
/// JSON from the endpoints that only speak it (accounts, payments).
const ACCEPT: &str = "application/x-postcard, application/json;q=0.5";

/// An origin's 2xx answer, and whether it is in the wire format.
struct Answer {
    body: Bytes,
    wire: bool,
}

fn decode<T: DeserializeOwned>(path: &str, answer: &Answer) -> Result<T, Failure> {
    if answer.wire {
        return wire::decode(&answer.body).map_err(|error| {
            metrics::counter!("edge_origin_errors_total", "kind" => "wire").increment(1);
            tracing::error!(%error, path, "origin wire answer not readable");
            Failure::Broken(EdgeError::from(error))
        });
    }
    serde_json::from_slice(&answer.body).map_err(|error| {
        metrics::counter!("edge_origin_errors_total", "kind" => "json").increment(1);
        tracing::error!(%error, path, "origin JSON answer not readable");
        Failure::Broken(EdgeError::Json(error.to_string()))
    })
}

/// What a shopper reads when the origin refused their request with `status`.
pub fn refusal_text(words: &'static Words, status: u16, kind: &str) -> &'static str {
    match (status, kind) {
        (_, "quote-changed") => words.quote_changed,
        (_, "no-exchange-rate") => words.cannot_pay,
        (_, "does-not-deliver") => words.does_not_deliver,
        (_, "reset-link-invalid") => words.reset_link_invalid,
        (403, _) => words.refused_forbidden,
        (404 | 410, _) => words.refused_missing,
        (409, _) => words.refused_conflict,
        (429, _) => words.refused_too_many,
        _ => words.refused_invalid,
    }
}

fn html_response(status: u16, html: String) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(html));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

#[cfg(test)]
mod tests {
    use super::{for_scheme, local_path};
    use http::HeaderValue;

    #[test]
    fn the_session_cookie_is_secure_only_when_the_shopper_came_over_https() {
        let origin = HeaderValue::from_static("linkedall_session=t; Path=/; HttpOnly; Secure; SameSite=Lax");
        assert_eq!(for_scheme(&origin, true), origin);
        assert_eq!(for_scheme(&origin, false), "linkedall_session=t; Path=/; HttpOnly; SameSite=Lax");
        let plain = HeaderValue::from_static("la_lang=fr; Path=/");
        assert_eq!(for_scheme(&plain, false), plain);
    }

    #[test]
    fn only_local_paths_are_followed_after_signing_in() {
        assert_eq!(local_path(Some("/checkout")), "/checkout");
        assert_eq!(local_path(Some("/orders/4?x=1")), "/orders/4?x=1");
        for hostile in
            ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", ""]
        {
            assert_eq!(local_path(Some(hostile)), "/", "{hostile}");
        }
        assert_eq!(local_path(None), "/");
    }
}

//! The Linked All edge app: catalog pages rendered and cached at the edge, static assets under
//! content-hashed names, everything else proxied to the origin.
//!
//! Host-agnostic: every runtime (native dev host, Cloudflare Workers, Spin) implements
//! [`Host`] and calls [`handle`]. A request's path through this crate: [`route`] (parse the
//! URL) → [`cache`] (key, TTL, tags, `Cache-Status`) → [`origin`] (postcard documents) →
//! [`pages`] (HTML), [`images`] for `/cdn-cgi/image/…`, or [`proxy`] for everything that is not a catalog page. The signed-in
//! pages (cart, checkout, orders, vendor dashboard) go through [`shop`] instead: rendered per
//! request with the shopper's cookie, never cached.

pub mod account;
pub mod admin_ops_words;
pub mod admin_words;
pub mod amounts;
pub mod assets;
pub mod browse_words;
pub mod browsing;
pub mod cache;
pub mod cache_blob;
mod catalog;
mod category_names;
pub mod client_address;
mod coalesce;
pub mod crawlers;
pub mod dates;
pub mod delivery_reach;
pub mod error;
mod fx_rates;
pub mod gallery_words;
mod host;
mod image_fit;
mod image_resize;
pub mod images;
pub mod instance_metrics;
pub mod locale;
pub mod origin;
pub mod origin_health;
pub mod origin_pool;
pub mod pages;
mod placeholder;
pub mod problem;
pub mod proxy;
pub mod purge_journal;
pub mod ratings;
pub mod read_only;
pub mod review_words;
pub mod route;
pub mod rum;
pub mod security_headers;
pub mod server_timing;
pub mod shop;
pub mod site;
pub mod stock_words;
pub mod suspension_words;
pub mod trace;
pub mod vendor_words;
pub mod warming;
pub mod words;

use bytes::Bytes;
use http::{HeaderValue, Request, Response};
use tracing::Instrument;

pub use catalog::Background;
pub use error::EdgeError;
pub use host::{CacheKey, Cached, Geo, Host, OriginError, Timestamp};
pub use linkedall_shared::image_signature::SigningKeys;
pub use linkedall_shared::{EDGE_CACHE_KEY_PATH, OriginSite};
use route::Route;
use trace::RequestContext;

/// Serves one request, running any background work before returning. Never panics on outside
/// input: every failure becomes a page (HTML) or a problem document (API paths) with a status
/// that says what happened. Hosts that can work after answering use [`serve`] instead.
pub async fn handle<H: Host>(request: Request<Bytes>, host: &H) -> Response<Bytes> {
    let served = serve(request, host).await;
    if let Some(background) = served.background {
        background.run(host).await;
    }
    if !host.keeps_instances() && host.metrics_token().is_some() {
        // This instance ends with the request: what it counted joins the host's totals (only
        // where someone can read them: a key-value write per request is not free).
        instance_metrics::hand_on(host).await;
    }
    served.response
}

/// A response, and the work to do after sending it.
pub struct Served {
    pub response: Response<Bytes>,
    /// Pages to fetch once the shopper has the answer: a stale page served, or pages to warm.
    pub background: Option<Background>,
}

/// Serves one request; what is left to do after answering is in [`Served::background`].
pub async fn serve<H: Host>(request: Request<Bytes>, host: &H) -> Served {
    if request.uri().path() == instance_metrics::METRICS_PATH {
        return Served { response: instance_metrics::serve(&request, host).await, background: None };
    }
    if request.uri().path() == rum::BEACON_PATH {
        let country = host.geo(&request).country;
        return Served { response: rum::serve(&request, country.as_deref()), background: None };
    }
    let started = host.now();
    let mut ctx = RequestContext::from_headers(request.headers(), started);
    if let Some(host_span) = request.extensions().get::<trace::HostSpan>() {
        ctx.adopt(host_span);
    }
    ctx.client_ip = host.client_ip(&request);
    let route = Route::parse(request.method(), request.uri().path(), request.uri().query());
    let geo = host.geo(&request);
    let https = security_headers::over_https(request.uri(), request.headers());
    let site = site::of_request(&request);
    // Origins are chosen by where the shopper is; the shop they see by what they chose.
    ctx.region = geo
        .country
        .as_deref()
        .map_or(linkedall_shared::ELSEWHERE.region, |c| linkedall_shared::Market::of_country(c).region);
    let (locale, remember) =
        locale::Locale::of_request(request.headers(), request.uri().query(), geo.country.as_deref());
    let country = locale.country();
    let account = account::Account::of_request(request.headers(), started);
    let span = tracing::info_span!(
        "edge",
        request_id = %ctx.request_id,
        trace_id = %ctx.trace_id,
        route = route.label(),
        country = country.unwrap_or("-"),
    );
    let mut background = None;
    // Whether the answer is the origin's own (proxied), which keeps the origin's headers.
    let mut from_origin = false;
    let mut response = async {
        match &route {
            Route::Proxy => {
                let is_api = request.uri().path().starts_with("/api/");
                let browser = !is_api && wants_page(&request);
                match proxy::forward(request, host, &ctx).await {
                    // A browser asking for an address the shop does not have gets the shop's
                    // page in its language, not the origin's problem document.
                    Ok(response) if browser && matches!(response.status().as_u16(), 404 | 405) => {
                        let reason =
                            format!("the origin has no page at this address ({})", response.status());
                        catalog::error_response(&EdgeError::NotFound(reason), &locale)
                    }
                    Ok(response) => {
                        from_origin = true;
                        response
                    }
                    Err(error) if is_api => api_unavailable(&error),
                    Err(error) => catalog::error_response(&EdgeError::Origin(error), &locale),
                }
            }
            Route::Crawler(file) => crawlers::serve(*file, &request, host, &ctx)
                .await
                .unwrap_or_else(|error| catalog::error_response(&error, &locale)),
            Route::Asset { hashed_name } => assets::serve(hashed_name).unwrap_or_else(|| {
                catalog::error_response(&EdgeError::NotFound("there is no such file".into()), &locale)
            }),
            Route::Image { options, source } => images::serve(&request, options, source, host, &ctx).await,
            Route::Shop(page) => shop::serve(*page, request, host, &ctx, &locale).await,
            Route::NotFound { reason } => {
                catalog::error_response(&EdgeError::NotFound(reason.clone()), &locale)
            }
            Route::BadFilter { error } => catalog::bad_filter_response(error, &locale),
            catalog_route => {
                let if_none_match =
                    request.headers().get(http::header::IF_NONE_MATCH).and_then(|v| v.to_str().ok());
                let (response, work) =
                    catalog::serve(catalog_route, &locale, account.as_ref(), if_none_match, host, &ctx).await;
                background = (!work.is_empty()).then_some(work);
                response
            }
        }
    }
    .instrument(span.clone())
    .await;
    // Pages rendered for this request alone get their header's account corner here; cached
    // catalog pages got theirs in `catalog::serve`. Every page's canonical link names the site
    // this request came to (never stored in the cache).
    if !from_origin {
        account::fill_response(&mut response, account.as_ref());
        site::absolute_canonical(&mut response, &site);
    }
    if let Ok(value) = HeaderValue::from_str(&ctx.request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    let total_millis = host.now().millis().saturating_sub(started.millis());
    server_timing::apply(response.headers_mut(), total_millis, ctx.origin_time.millis());
    // The origin's own answers keep its headers; what the edge renders carries the edge's.
    if !from_origin {
        security_headers::apply(response.headers_mut(), https);
    }
    // A country or language chosen in the address is remembered (never stored in the cache:
    // the cached page is the same for everyone with that choice).
    for cookie in remember {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(http::header::SET_COOKIE, value);
        }
    }
    let status = response.status().as_u16();
    metrics::counter!("edge_requests_total", "route" => route.label(), "status" => status.to_string())
        .increment(1);
    // The latency SLO (p95 < 200 ms per route family) is computed from this histogram.
    let seconds = total_millis as f64 / 1000.0;
    metrics::histogram!("edge_request_duration_seconds", "route" => route.label()).record(seconds);
    span.in_scope(|| tracing::info!(target: "access", status, "served"));
    Served { response, background }
}

/// Whether a request is a browser loading a page (`Accept: text/html`), which should get the
/// shop's HTML pages where an API client gets problem documents.
fn wants_page(request: &Request<Bytes>) -> bool {
    (request.method() == http::Method::GET || request.method() == http::Method::HEAD)
        && request
            .headers()
            .get_all(http::header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|accept| accept.contains("text/html"))
}

/// API clients get a problem document, not an HTML page, when the origin is unreachable.
fn api_unavailable(error: &OriginError) -> Response<Bytes> {
    tracing::warn!(%error, "origin unreachable for an API request");
    problem::Problem::new(
        503,
        "origin-unavailable",
        "The shop's origin cannot be reached right now. Please retry in a few seconds.",
    )
    .response()
}
